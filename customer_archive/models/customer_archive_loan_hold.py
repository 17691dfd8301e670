from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CustomerArchiveLoanHold(models.Model):
    """A document, or a whole paper file, reserved by an approved or handed-out loan.

    Unique indexes make the database the judge when two loans want the same thing."""

    _name = "customer.archive.loan.hold"
    _description = "Customer Archive Loan Hold"

    loan_id = fields.Many2one("customer.archive.loan", required=True, ondelete="cascade")
    archive_id = fields.Many2one("customer.archive", required=True, ondelete="cascade")
    document_id = fields.Many2one("customer.archive.document", ondelete="cascade")

    _sql_constraints = [
        ("document_unique", "unique(document_id)", "This document is already lent."),
    ]

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (archive_id) WHERE document_id IS NULL",
                SQL.identifier("customer_archive_loan_hold_whole_archive_unique"),
                SQL.identifier(self._table),
            )
        )

    def _check_free(self, vals_list):
        """Say clearly what is already lent, before the unique indexes would refuse: a
        document is lent once, and a whole archive excludes any of its documents and the
        other way round."""
        holds = self.search([("archive_id", "in", [vals["archive_id"] for vals in vals_list])])
        for vals in vals_list:
            for hold in holds.filtered(lambda h, v=vals: h.archive_id.id == v["archive_id"]):
                wanted = vals.get("document_id")
                if not wanted or not hold.document_id or hold.document_id.id == wanted:
                    raise UserError(
                        self.env._(
                            "Already lent on loan %(loan)s: %(what)s.",
                            loan=hold.loan_id.name,
                            what=hold.archive_id.name
                            if not hold.document_id or not wanted
                            else hold.archive_id.name + " / " + hold.document_id.name,
                        )
                    )

    @api.model
    def _hold_for(self, loans):
        """Reserve the documents (or the whole paper file) of ``loans``.

        The archives are locked first, so approvals of the same archive take their
        turns and each sees the holds of the one before; the unique indexes of the
        holds refuse a second hold should anything slip past."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM customer_archive WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                tuple(loans.archive_id.ids),
            )
        )
        vals_list = []
        for loan in loans:
            if loan.document_ids:
                vals_list += [
                    {"loan_id": loan.id, "archive_id": loan.archive_id.id, "document_id": doc.id}
                    for doc in loan.document_ids
                ]
            else:
                vals_list.append({"loan_id": loan.id, "archive_id": loan.archive_id.id})
        # sudo: holds are bookkeeping of the workflow, not visible to users.
        Hold = self.sudo()
        Hold._check_free(vals_list)
        try:
            with self.env.cr.savepoint():
                Hold.create(vals_list)
                Hold.flush_model()
        except UniqueViolation:
            raise UserError(
                self.env._("A document of this loan was just lent to someone else.")
            ) from None

    @api.model
    def _release_for(self, loans):
        # sudo: holds are bookkeeping of the workflow, not visible to users.
        loans.sudo().hold_ids.unlink()
