"""An import's scratch tables, for a background import whose batches run in separate
transactions: the keys of the rows handled so far (to find a customer twice in one
file) and what its writes made or replaced (to take them back when a later batch finds
an error). Appended to a chunk at a time and read back by key, in set-based SQL on
these tables of the addon's own; emptied at the start and the end of each run."""

import json

from odoo import fields, models
from odoo.tools import SQL


class CustomerArchiveImportKey(models.Model):
    _name = "customer.archive.import.key"
    _description = "Customer List Import: a Key Seen"
    _log_access = False

    import_id = fields.Many2one(
        "customer.archive.import", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Char(string="Key Kind", required=True)
    key = fields.Char(required=True)
    row = fields.Integer(required=True)

    _sql_constraints = [
        ("key_unique", "unique(import_id, kind, key)", "A key is seen once per import."),
    ]


class CustomerArchiveImportUndo(models.Model):
    _name = "customer.archive.import.undo"
    _description = "Customer List Import: a Write to Take Back"
    _log_access = False
    _order = "id"

    import_id = fields.Many2one(
        "customer.archive.import", required=True, index=True, ondelete="cascade"
    )
    model = fields.Char(required=True)
    res_id = fields.Integer(required=True)
    # the values replaced; empty: the record was created
    old_values = fields.Json()


def clear(env, import_id):
    for table in ("customer_archive_import_key", "customer_archive_import_undo"):
        env.cr.execute(SQL("DELETE FROM %s WHERE import_id = %s", SQL.identifier(table), import_id))


def first_rows(env, import_id, kind, keys):
    """{key: row} of the ``keys`` of ``kind`` seen in earlier chunks."""
    if not keys:
        return {}
    env.cr.execute(
        SQL(
            "SELECT key, row FROM customer_archive_import_key"
            " WHERE import_id = %s AND kind = %s AND key = ANY(%s)",
            import_id,
            kind,
            [str(key) for key in keys],
        )
    )
    return dict(env.cr.fetchall())


def add_keys(env, import_id, kind, rows_by_key):
    if rows_by_key:
        env.cr.execute(
            SQL(
                "INSERT INTO customer_archive_import_key (import_id, kind, key, row) VALUES %s"
                " ON CONFLICT DO NOTHING",
                SQL(", ").join(
                    SQL("(%s, %s, %s, %s)", import_id, kind, str(key), row)
                    for key, row in rows_by_key.items()
                ),
            )
        )


def add_undo(env, import_id, entries):
    """``entries``: ``(model, id, old values or None for a record created)``."""
    if entries:
        env.cr.execute(
            SQL(
                "INSERT INTO customer_archive_import_undo (import_id, model, res_id, old_values)"
                " VALUES %s",
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s::jsonb)",
                        import_id,
                        model,
                        res_id,
                        json.dumps(old, default=str) if old is not None else None,
                    )
                    for model, res_id, old in entries
                ),
            )
        )


def pop_undo(env, import_id, limit):
    """The last ``limit`` writes to take back, removed from the table: (model, id, old)."""
    env.cr.execute(
        SQL(
            """DELETE FROM customer_archive_import_undo
                WHERE id IN (SELECT id FROM customer_archive_import_undo
                              WHERE import_id = %s ORDER BY id DESC LIMIT %s)
            RETURNING id, model, res_id, old_values""",
            import_id,
            limit,
        )
    )
    return [row[1:] for row in sorted(env.cr.fetchall(), reverse=True)]


def undo_count(env, import_id):
    env.cr.execute(
        SQL("SELECT count(*) FROM customer_archive_import_undo WHERE import_id = %s", import_id)
    )
    return env.cr.fetchone()[0]
