"""Storing the classification of a company's customers, for the policy's recompute.

One statement gives every customer's results next to a fingerprint of his
stored ones (see ``customer.classification.policy._classification_ctes`` for
the figures and ``customer_classification_rules`` for the rules) and keeps the
customers whose fingerprint differs in a temporary table; one update stores
them, without sending their results to Python and back. Only the customers
whose grade, tier, stage or class changes, or whose purchase is late, come
back: their changes are logged in the chatter, their dossiers mirrored and
their salespeople reminded.
"""

import functools
import json

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from . import customer_classification_rules as rules
from .res_partner_classification import (
    HASH_FIELD,
    MANUAL_FIELDS,
    RESULT_FIELDS,
    TRACKED_RESULTS,
)

# Fingerprinted by the recompute to find the customers whose results changed;
# the other results follow from these and from the managers' decisions.
FINGERPRINT_FIELDS = (
    "customer_grade_computed",
    "customer_loyalty",
    "customer_rfm_recency",
    "customer_rfm_frequency",
    "customer_rfm_monetary",
    "customer_top",
    "customer_yearly_amount",
    "customer_overdue_amount",
    "customer_invoice_count",
    "customer_last_invoice_date",
    "customer_purchase_interval",
    "customer_cycle_reminded_date",
)
# The managers' decisions that the rules follow (the reason is only kept).
RULE_INPUTS = (
    "customer_grade_override",
    "customer_tier_override",
    "customer_key_account",
    "customer_special_class",
)
WRITE_BATCH = 5000  # messages or activities created at a time
# The recompute's changed customers, for the length of its transaction.
CHANGES_TABLE = "customer_classification_changes"
# How the stored JSON values of company-dependent fields are read back in SQL.
SQL_TYPES = {
    "selection": "varchar",
    "char": "varchar",
    "integer": "int4",
    "float": "numeric",
    "boolean": "bool",
    "date": "date",
}
ZERO = {"integer": "0", "float": "0", "boolean": "false"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _classification_store(self, policy, today):
        """Classify the customers of the policy's company and store what changed.

        One statement classifies every customer and keeps, in a temporary
        table, those whose results differ from a fingerprint of the stored
        ones; one update stores them. Only the customers whose grade, tier,
        stage or class changes (with the old values) or whose purchase is late
        come back to Python: their changes are logged, their dossiers mirrored
        and their salespeople reminded. Returns (number of customers
        classified, revenue share of the top customers, number of customers
        updated).
        """
        company = policy.company_id
        self.flush_model([*RESULT_FIELDS, *MANUAL_FIELDS])
        # The planner cannot estimate the rows of the chained aggregates; its huge
        # estimates would make it spend seconds compiling the query (JIT) to save
        # milliseconds. Off for this transaction only.
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        # A temporary table rather than one statement with an UPDATE in a CTE:
        # PostgreSQL never runs a statement that modifies data with parallel
        # workers, and with them the invoices of 100 000 customers are
        # aggregated in 0.2 s instead of 0.35 s (bench/README.md).
        self.env.cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS %s",
                SQL.identifier(CHANGES_TABLE),
                self._classification_changes_query(policy, today),
            )
        )
        # what to follow up, with the values about to be replaced
        self.env.cr.execute(self._classification_follow_up_query(company))
        rows = self.env.cr.dictfetchall()
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner AS p
                      SET %s, write_uid = %s, write_date = (now() at time zone 'UTC')
                     FROM %s r
                    WHERE p.id = r.id""",
                self._classification_assignments(company, today),
                self.env.uid,
                SQL.identifier(CHANGES_TABLE),
            )
        )
        self.env.cr.execute(SQL("DROP TABLE %s", SQL.identifier(CHANGES_TABLE)))
        self.invalidate_model([*RESULT_FIELDS, "write_date", "write_uid"])
        count, share, updated = (
            (rows[0]["classified"], rows[0]["top_share"], rows[0]["updated"]) if rows else (0, 0, 0)
        )
        rows = [row for row in rows if row["id"]]
        for start in range(0, len(rows), WRITE_BATCH):
            self._classification_log_changes(rows[start : start + WRITE_BATCH])
        changed = self.browse(row["id"] for row in rows if row["retracked"])
        changed.with_company(company)._sync_archive_classification(company)
        self._classification_remind([row for row in rows if row["remind"]], company, policy)
        return count, float(share or 0.0), updated

    @api.model
    def _classification_stored_sql(self, fname, key, alias="p"):
        """The stored value of a company-dependent field, typed, as the ORM reads it."""
        ftype = self._fields[fname].type
        value = SQL(
            "(%s.%s ->> %s)::%s",
            SQL.identifier(alias),
            SQL.identifier(fname),
            key,
            SQL(SQL_TYPES[ftype]),
        )
        if ftype in ZERO:  # unset reads as 0 or False
            value = SQL("COALESCE(%s, %s)", value, SQL(ZERO[ftype]))
        return value

    @api.model
    def _classification_changes_query(self, policy, today):
        """The customers whose results differ from the stored ones, with the summary.

        Only a fingerprint of the stored results is read back (with the
        customers, see ``_classification_stored_columns``): the results that
        follow from the fingerprinted ones (value class, average, next purchase)
        or from the managers' decisions (applied when they are made) need no
        comparison of their own. Every row carries the number of customers
        classified and the revenue share of the top ones; when nothing changed,
        a single row without customer does.
        """
        # the results hashed as a row, each by its type: no text conversion, and
        # an empty result keeps its place (unlike in a concatenation)
        fingerprint = SQL(
            "hash_record_extended(ROW(%s), 0)::varchar",
            SQL(", ").join(SQL("x.%s", SQL.identifier(fname)) for fname in FINGERPRINT_FIELDS),
        )
        return SQL(
            """
            WITH %(ctes)s,
            results AS (
                SELECT f.id, x.*, %(fingerprint)s AS %(hash)s, f.old_hash, f.old_reminded
                  FROM cuts t
                 CROSS JOIN figures f
                 -- OFFSET 0: the rules are evaluated once per customer, not once
                 -- for each result that uses them
                 CROSS JOIN LATERAL (SELECT %(rules)s OFFSET 0) g
                 CROSS JOIN LATERAL (
                     SELECT CASE WHEN g.purchase_interval > 0
                                 THEN f.last_date + g.purchase_interval END AS next_date
                 ) n
                 CROSS JOIN LATERAL (SELECT %(columns)s) x
            ),
            summary AS (
                SELECT count(*) AS classified,
                       round(100.0 * SUM(f.yearly_amount) FILTER (WHERE f.yearly_amount >= t.top
                                                                  AND f.yearly_amount > 0)
                             / NULLIF(SUM(f.yearly_amount) FILTER (WHERE f.yearly_amount > 0), 0),
                             1) AS top_share
                  FROM figures f
                 CROSS JOIN cuts t
            )
            SELECT summary.*, r.*,
                   r.customer_cycle_reminded_date IS NOT NULL
                   AND r.customer_cycle_reminded_date IS DISTINCT FROM r.old_reminded AS remind
              FROM summary
         LEFT JOIN results r ON r.%(hash)s IS DISTINCT FROM r.old_hash
            """,
            ctes=policy._classification_ctes(today),
            rules=policy._classification_rules(today),
            columns=self._classification_results_sql(today, policy),
            fingerprint=fingerprint,
            hash=SQL.identifier(HASH_FIELD),
        )

    @api.model
    def _classification_follow_up_query(self, company):
        """The summary, and the changed customers to log, mirror or remind.

        Run before the update: the stored grade, tier, stage and class read
        here are the ones being replaced. A customer classified for the first
        time has no change to log; only his dossiers mirror him.
        """
        key = str(company.id)
        old = {f: self._classification_stored_sql(f, key) for f in TRACKED_RESULTS}
        retracked = SQL(" OR ").join(
            SQL("r.%s IS DISTINCT FROM %s", SQL.identifier(f), old[f]) for f in TRACKED_RESULTS
        )
        logged = SQL(" OR ").join(
            SQL("r.%s IS DISTINCT FROM %s AND %s IS NOT NULL", SQL.identifier(f), old[f], old[f])
            for f in TRACKED_RESULTS
        )
        return SQL(
            """
            SELECT s.classified, s.top_share, s.updated, c.*
              FROM (SELECT classified, top_share, count(id) AS updated
                      FROM %(changes)s
                  GROUP BY classified, top_share) s
         LEFT JOIN (SELECT r.id, r.remind, r.customer_next_purchase_date, %(new)s, %(old)s,
                           (%(retracked)s) AS retracked, (%(logged)s) AS logged
                      FROM %(changes)s r
                      JOIN res_partner p ON p.id = r.id) c
                ON c.logged OR c.remind
                   OR c.retracked AND EXISTS (
                       SELECT FROM customer_archive a
                        WHERE a.partner_id = c.id AND a.company_id = %(company_id)s)
            """,
            changes=SQL.identifier(CHANGES_TABLE),
            company_id=company.id,
            new=SQL(", ").join(SQL("r.%s", SQL.identifier(f)) for f in TRACKED_RESULTS),
            old=SQL(", ").join(
                SQL("%s AS %s", old[f], SQL.identifier(f"old_{f}")) for f in TRACKED_RESULTS
            ),
            retracked=retracked,
            logged=logged,
        )

    @api.model
    def _classification_stored_columns(self, company, alias="res_partner"):
        """What the recompute reads of a customer: the managers' decisions the
        rules follow, the reminded purchase and the fingerprint of the results."""
        key = str(company.id)
        stored = self._classification_stored_sql
        return [
            *(SQL("%s AS %s", stored(f, key, alias), SQL.identifier(f)) for f in RULE_INPUTS),
            SQL("%s AS old_reminded", stored("customer_cycle_reminded_date", key, alias)),
            SQL("%s AS old_hash", stored(HASH_FIELD, key, alias)),
        ]

    @api.model
    def _classification_assignments(self, company, today):
        """The SET list that stores the results of the changes ``r`` for the company.

        Company-dependent columns are JSONB objects keyed by company id: only
        this company's key is replaced (and dropped when the result is empty,
        as the ORM does).
        """
        key = str(company.id)
        return SQL(", ").join(
            SQL(
                """%(col)s = CASE WHEN %(value)s IS NULL THEN p.%(col)s - %(key)s
                                 ELSE COALESCE(p.%(col)s, '{}'::jsonb)
                                      || jsonb_build_object(%(key)s, %(value)s) END""",
                col=SQL.identifier(fname),
                key=key,
                value=SQL("r.%s", SQL.identifier(fname))
                if fname != "customer_classified_date"
                else SQL("%s::date", today),
            )
            for fname in RESULT_FIELDS
        )

    @api.model
    def _classification_results_sql(self, today, policy):
        """The columns to store: the rules' results combined with the managers' decisions.

        Evaluated on ``figures f`` (with the decisions), rules and scores ``g``
        and the next expected purchase ``n``.
        """
        grade = SQL("COALESCE(f.customer_grade_override, g.grade_computed)")
        columns = {
            "customer_grade": grade,
            "customer_grade_computed": SQL("g.grade_computed"),
            "customer_tier": SQL(
                "COALESCE(f.customer_tier_override, %s)",
                rules.tier(grade, SQL("f.customer_key_account"), SQL("f.customer_special_class")),
            ),
            "customer_loyalty": SQL("g.loyalty"),
            "customer_value_class": rules.value_class(
                SQL("g.rfm_recency"), SQL("g.rfm_frequency"), SQL("g.rfm_monetary")
            ),
            "customer_rfm_recency": SQL("g.rfm_recency"),
            "customer_rfm_frequency": SQL("g.rfm_frequency"),
            "customer_rfm_monetary": SQL("g.rfm_monetary"),
            "customer_top": SQL("g.top"),
            "customer_yearly_amount": SQL("f.yearly_amount"),
            "customer_overdue_amount": SQL("f.overdue_amount"),
            "customer_average_amount": SQL("f.average_amount"),
            "customer_invoice_count": SQL("f.invoice_count"),
            "customer_last_invoice_date": SQL("f.last_date"),
            "customer_purchase_interval": SQL("g.purchase_interval"),
            "customer_next_purchase_date": SQL("n.next_date"),
            # once per cycle: the expected date the salesperson was reminded of
            "customer_cycle_reminded_date": SQL(
                "CASE WHEN %s THEN n.next_date ELSE %s END",
                rules.reminder_due(
                    SQL("n.next_date"), SQL("g.purchase_interval"), SQL("g.loyalty"), today, policy
                ),
                SQL("f.old_reminded"),
            ),
        }
        return SQL(", ").join(
            SQL(
                "%s::%s AS %s",
                expr,
                SQL(SQL_TYPES[self._fields[fname].type]),
                SQL.identifier(fname),
            )
            for fname, expr in columns.items()
        )

    @api.model
    def _classification_log_changes(self, rows):
        """Log the changed grades, tiers, stages and classes in the customers' chatter.

        The same messages and tracking values as the ORM's field tracking (a
        note by the current user, no notification), inserted in two statements:
        a new policy or a month of moves changes tens of thousands of customers,
        and the mail ORM's create (0.3 ms a message) would then cost more than
        the classification itself. A first classification is not a change.
        """
        rows = [row for row in rows if row["logged"]]
        if not rows or self.env.context.get("tracking_disable"):
            return
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        now = self.env.cr.now()
        audit = {
            "create_uid": self.env.uid,
            "create_date": now,
            "write_uid": self.env.uid,
            "write_date": now,
        }
        message_values = [
            dict(
                audit,
                model=self._name,
                res_id=row["id"],
                message_id=generate_tracking_message_id("message-notify"),
                message_type="notification",
                subtype_id=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                is_internal=True,
                author_id=author_id or None,
                email_from=email_from or None,
                reply_to=self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
                body="",
                date=fields.Datetime.now(),
                email_add_signature=False,
                reply_to_force_new=False,
            )
            for row in rows
        ]
        message_ids = dict(self._classification_insert("mail_message", message_values, "res_id"))

        info = self.fields_get(TRACKED_RESULTS, attributes=("string", "type", "selection"))
        Tracking = self.env["mail.tracking.value"]

        @functools.cache
        def tracking(fname, old, new):
            # the same few changes of selections recur: prepared by the ORM once each
            return Tracking._create_tracking_values(old, new, fname, info[fname], self)

        tracking_values = [
            dict(
                tracking(fname, row[f"old_{fname}"], row[fname]),
                mail_message_id=message_ids[row["id"]],
                **audit,
            )
            for row in rows
            for fname in TRACKED_RESULTS
            if row[f"old_{fname}"] and row[fname] != row[f"old_{fname}"]
        ]
        self._classification_insert("mail_tracking_value", tracking_values)
        self.env["mail.message"].invalidate_model()
        Tracking.invalidate_model()
        self.invalidate_model(["message_ids"])

    @api.model
    def _classification_insert(self, table, values_list, returned=None):
        """Insert rows of a table from dicts of column values, in one statement.

        Returns (id, the returned column) of each row when a column is named.
        """
        columns = SQL(", ").join(
            SQL.identifier(column) for column in sorted(set().union(*values_list))
        )
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s (%(columns)s)
                   SELECT %(columns)s
                     FROM jsonb_populate_recordset(NULL::%(table)s, %(document)s::jsonb)
                   %(returning)s""",
                table=SQL.identifier(table),
                columns=columns,
                document=json.dumps(values_list, default=str),
                returning=SQL("RETURNING %s, id", SQL.identifier(returned)) if returned else SQL(),
            )
        )
        return self.env.cr.fetchall() if returned else None

    @api.model
    def _classification_remind(self, rows, company, policy):
        """One activity for the salesperson per purchase cycle that passed silently."""
        activity_type = self.env.ref(
            "customer_archive.mail_activity_type_purchase_cycle", raise_if_not_found=False
        )
        if not rows or not activity_type:
            return
        partners = self.browse([row["id"] for row in rows]).with_company(company)
        Activity = self.env["mail.activity"].sudo()  # activities for other users' customers
        open_ids = set(
            Activity.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "user_id": (partner.user_id or policy.manager_id or self.env.user).id,
                "date_deadline": fields.Date.context_today(self),
                "summary": self.env._(
                    "Expected to buy again around %(date)s",
                    date=row["customer_next_purchase_date"],
                ),
            }
            for partner, row in zip(partners, rows, strict=True)
            if partner.id not in open_ids
        ]
        for start in range(0, len(vals_list), WRITE_BATCH):
            Activity.with_context(mail_activity_quick_update=True).create(
                vals_list[start : start + WRITE_BATCH]
            )
