"""Storing the classification of a company's customers, for the policy's recompute.

One query gives every customer's results next to a fingerprint of his stored
ones (see ``customer.classification.policy._classification_ctes`` for the
figures and ``customer_classification_rules`` for the rules); the customers
whose fingerprint differs are written in batches, their changes logged in the
chatter, their dossiers mirrored and their late purchases reminded.
"""

import json
from datetime import date
from decimal import Decimal

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
WRITE_BATCH = 5000
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


def _json_value(value):
    """JSON for the values PostgreSQL returns: numbers and ISO dates."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{value!r} is not JSON serializable")


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _classification_store(self, policy, today):
        """Classify the customers of the policy's company and store what changed.

        One query gives every customer's results next to a fingerprint of his
        stored ones and returns the customers whose results differ; one update
        writes those, in batches. Then their changes are logged, their dossiers
        mirrored and late purchases reminded. Returns (number of customers
        classified, ids of the customers that changed).
        """
        company = policy.company_id
        self.flush_model([*RESULT_FIELDS, *MANUAL_FIELDS])
        # The planner cannot estimate the rows of the chained aggregates; its huge
        # estimates would make it spend seconds compiling the query (JIT) to save
        # milliseconds. Off for this transaction only.
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        self.env.cr.execute(self._classification_changes_query(policy, today))
        rows = self.env.cr.dictfetchall()
        count, share = (rows[0]["classified"], rows[0]["top_share"]) if rows else (0, 0.0)
        rows = [row for row in rows if row["id"]]
        for start in range(0, len(rows), WRITE_BATCH):
            batch = rows[start : start + WRITE_BATCH]
            self._classification_read_tracked(batch, company)
            self._classification_write(batch, company, today)
            self._classification_log_changes(batch)
        self.invalidate_model([*RESULT_FIELDS, "write_date", "write_uid"])
        partners = self.browse([row["id"] for row in rows]).with_company(company)
        partners._sync_archive_classification(company)
        self._classification_remind([row for row in rows if row["remind"]], company, policy)
        return count, float(share or 0.0), partners.ids

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
        """The customers whose results differ from the stored ones.

        Only a fingerprint of the stored results is read back (with the
        customers, see ``_classification_stored_columns``): the results that
        follow from the fingerprinted ones (value class, average, next purchase)
        or from the managers' decisions (applied when they are made) need no
        comparison of their own.
        """
        fingerprint = SQL(
            "hashtextextended(concat_ws('|', %s), 0)::varchar",
            SQL(", ").join(SQL("x.%s", SQL.identifier(fname)) for fname in FINGERPRINT_FIELDS),
        )
        return SQL(
            """
            WITH %(ctes)s,
            results AS (
                SELECT f.id, x.*, %(fingerprint)s AS %(hash)s, f.old_reminded, f.old_hash
                  FROM figures f
                 CROSS JOIN cuts t
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
    def _classification_stored_columns(self, company, alias="res_partner"):
        """What the recompute reads of a customer: the managers' decisions, the
        reminded purchase and the fingerprint of the stored results."""
        key = str(company.id)
        return [
            *(
                SQL("%s AS %s", self._classification_stored_sql(f, key, alias), SQL.identifier(f))
                for f in MANUAL_FIELDS
            ),
            SQL(
                "%s AS old_reminded",
                self._classification_stored_sql("customer_cycle_reminded_date", key, alias),
            ),
            SQL("%s AS old_hash", self._classification_stored_sql(HASH_FIELD, key, alias)),
        ]

    @api.model
    def _classification_read_tracked(self, rows, company):
        """Add the stored values of the tracked results to the rows about to change."""
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                "SELECT p.id, %s FROM res_partner p WHERE p.id = ANY(%s)",
                SQL(", ").join(
                    SQL(
                        "%s AS %s",
                        self._classification_stored_sql(fname, key),
                        SQL.identifier(f"old_{fname}"),
                    )
                    for fname in TRACKED_RESULTS
                ),
                [row["id"] for row in rows],
            )
        )
        old_values = {values.pop("id"): values for values in self.env.cr.dictfetchall()}
        for row in rows:
            row.update(old_values.get(row["id"], {}))

    @api.model
    def _classification_write(self, rows, company, today):
        """One UPDATE for a batch of customers, each with his own results.

        The ORM writes one set of values to many records; here every customer has
        his own amounts and dates, so the batch goes in one statement fed by a
        JSON document. Company-dependent columns are JSONB objects keyed by
        company id: only this company's key is replaced.
        """
        key = str(company.id)
        stored = [fname for fname in RESULT_FIELDS if fname != "customer_classified_date"]
        document = json.dumps(
            [{fname: row[fname] for fname in ("id", *stored)} for row in rows],
            default=_json_value,
        )
        assignments = [
            SQL(
                """%(col)s = jsonb_strip_nulls(COALESCE(p.%(col)s, '{}'::jsonb)
                                || jsonb_build_object(%(key)s, %(value)s))""",
                col=SQL.identifier(fname),
                key=key,
                value=SQL("v.%s", SQL.identifier(fname))
                if fname != "customer_classified_date"
                else SQL("to_jsonb(%s::date)", today),
            )
            for fname in RESULT_FIELDS
        ]
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner AS p
                      SET %(assignments)s,
                          write_uid = %(uid)s,
                          write_date = (now() at time zone 'UTC')
                     FROM jsonb_to_recordset(%(document)s::jsonb) AS v(id int, %(columns)s)
                    WHERE p.id = v.id""",
                assignments=SQL(", ").join(assignments),
                uid=self.env.uid,
                document=document,
                columns=SQL(", ").join(SQL("%s jsonb", SQL.identifier(f)) for f in stored),
            )
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

        The same messages as the ORM's field tracking, created in one batch.
        A first classification (no previous value) is not a change.
        """
        if self.env.context.get("tracking_disable"):
            return
        info = self.fields_get(TRACKED_RESULTS, attributes=("string", "type", "selection"))
        Tracking = self.env["mail.tracking.value"]
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        base_values = {
            "author_id": author_id,
            "email_from": email_from,
            "model": self._name,
            "message_type": "notification",
            "is_internal": True,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "body": "",
            "email_add_signature": False,
            "record_alias_domain_id": False,
            "record_company_id": False,
            "record_name": False,
            "reply_to": self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
        }
        values_list, tracking_list = [], []
        for row in rows:
            changes = [
                (fname, row[f"old_{fname}"], row[fname])
                for fname in TRACKED_RESULTS
                if row[f"old_{fname}"] and row[fname] != row[f"old_{fname}"]
            ]
            if not changes:
                continue
            partner = self.browse(row["id"])
            values_list.append(
                dict(
                    base_values,
                    res_id=row["id"],
                    message_id=generate_tracking_message_id("message-notify"),
                )
            )
            tracking_list.append(
                [
                    Tracking._create_tracking_values(old, new, fname, info[fname], partner)
                    for fname, old, new in changes
                ]
            )
        if not values_list:
            return
        messages = self.sudo()._message_create(values_list)
        # the tracking values of all the messages in one batch
        Tracking.sudo().create(
            [
                dict(values, mail_message_id=message.id)
                for message, message_values in zip(messages, tracking_list, strict=True)
                for values in message_values
            ]
        )

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
