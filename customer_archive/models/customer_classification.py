"""Where a customer's classification lives (DESIGN §3): a row per customer and company.

The recompute of ``customer.classification.policy`` writes the rules' results here in
set-based SQL (``customer_classification_store``), as ``account`` writes its own
columns of ``res.partner``; an archive manager's overrides and flags are kept on the same
row, with who set them and when. The partner reads the row of the current company
through ``customer_classification_id`` (``res_partner.py``): its form, lists, filters,
group-bys and pivots show what is stored here, and nothing is copied elsewhere.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import customer_classification_rules as rules
from ..tools.customer_archive_lang import by_chatter_lang
from ..tools.customer_classification_rules import (  # noqa: F401 (the models' names)
    LOGGED_FIELDS,
    MANUAL_FIELDS,
    RESULT_FIELDS,
    TRACKED_RESULTS,
)
from .customer_archive import OFFICER, READER


class CustomerClassification(models.Model):
    _name = "customer.classification"
    _description = "Customer Classification"
    _order = "company_id, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    # For the analysis: where the customer is, his trade and his salesperson, read where
    # they live (related through the customer, grouped by in SQL with a join).
    state_id = fields.Many2one(related="partner_id.state_id", string="Province")
    industry_id = fields.Many2one(related="partner_id.industry_id")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    # Results of the rules
    customer_grade = fields.Selection(
        rules.GRADES,
        string="Grade",
        readonly=True,
        help="A ≥ the A amount, B ≥ the B amount, C below, over the rolling window; "
        "D whenever the arrears exceed the tolerance. A manual override wins.",
    )
    customer_grade_computed = fields.Selection(
        rules.GRADES, string="Grade by the Rules", readonly=True
    )
    customer_tier = fields.Selection(
        rules.TIERS,
        string="Tier",
        readonly=True,
        help="Important: grade A or key account; special: the special class; else ordinary.",
    )
    customer_loyalty = fields.Selection(rules.LOYALTY_STAGES, string="Loyalty Stage", readonly=True)
    customer_value_class = fields.Selection(
        rules.VALUE_CLASSES,
        string="Value Class",
        readonly=True,
        help="RFM class: recency, frequency and average invoice amount scored by quintile.",
    )
    customer_rfm_recency = fields.Integer(string="Recency Score", readonly=True)
    customer_rfm_frequency = fields.Integer(string="Frequency Score", readonly=True)
    customer_rfm_monetary = fields.Integer(string="Monetary Score", readonly=True)
    customer_top = fields.Boolean(
        string="Top Customer",
        readonly=True,
        help="Among the customers who bring most revenue (the 20/80 rule).",
    )
    # The 20/80 rule in words, for graphs and group-bys: Odoo's graph legend prints a
    # boolean as "true"/"false". Stored with ``customer_top`` (by the recompute in SQL).
    customer_revenue_share = fields.Selection(
        rules.REVENUE_SHARES,
        string="Revenue Share",
        compute="_compute_customer_revenue_share",
        store=True,
    )
    customer_yearly_amount = fields.Float(
        string="Yearly Amount",
        readonly=True,
        groups=OFFICER,
        help="Posted customer invoices minus refunds, untaxed, in company currency, "
        "over the policy's rolling window.",
    )
    customer_overdue_amount = fields.Float(
        string="Overdue Amount",
        readonly=True,
        groups=OFFICER,
        help="Receivables due for longer than the policy's grace days, in company currency.",
    )
    customer_average_amount = fields.Float(
        string="Average Invoice Amount", readonly=True, groups=OFFICER
    )
    customer_invoice_count = fields.Integer(string="Invoices in Window", readonly=True)
    customer_last_invoice_date = fields.Date(string="Last Invoice Date", readonly=True)
    customer_purchase_interval = fields.Integer(
        string="Usual Purchase Interval (days)", readonly=True
    )
    customer_next_purchase_date = fields.Date(string="Next Expected Purchase", readonly=True)
    customer_cycle_reminded_date = fields.Date(string="Purchase Reminder Sent For", readonly=True)
    customer_classified_date = fields.Date(
        string="Classified On", readonly=True, help="When the classification last changed."
    )
    # A fingerprint of the stored results: the recompute compares it, not every
    # figure, to find what changed.
    customer_classification_hash = fields.Char(
        string="Classification Fingerprint", readonly=True, groups="base.group_system"
    )

    # Manual decisions
    customer_grade_override = fields.Selection(rules.GRADES, string="Grade Override")
    customer_tier_override = fields.Selection(rules.TIERS, string="Tier Override")
    customer_override_reason = fields.Char(string="Override Reason")
    customer_key_account = fields.Boolean(string="Key Account")
    customer_special_class = fields.Boolean(
        string="Special Class",
        help="Lawyers, banks, insurers, advisers and other special relations (特殊客户).",
    )
    override_user_id = fields.Many2one(
        "res.users", string="Set by Hand By", readonly=True, groups=READER
    )
    override_date = fields.Datetime(string="Set by Hand On", readonly=True, groups=READER)

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "A customer has one classification per company.",
        ),
    ]

    @api.depends("customer_top")
    def _compute_customer_revenue_share(self):
        for row in self:
            row.customer_revenue_share = "top" if row.customer_top else "rest"

    @api.constrains("customer_grade_override", "customer_tier_override", "customer_override_reason")
    def _check_override_reason(self):
        for row in self:
            overridden = row.customer_grade_override or row.customer_tier_override
            if overridden and not (row.customer_override_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Give the reason for overriding the classification of %(partner)s.",
                        partner=row.partner_id.display_name,
                    )
                )

    def write(self, vals):
        """Nobody writes a row but the code (users may only read them): the rules' results
        as superuser, a manager's decisions on his behalf once ``res.partner`` checked
        them. A decision is stamped with its author, applied to the effective grade and
        tier and logged on the customer."""
        if not MANUAL_FIELDS & vals.keys():
            return super().write(vals)
        before = {row: row._logged_values() for row in self}
        result = super().write(
            dict(vals, override_user_id=self.env.uid, override_date=fields.Datetime.now())
        )
        self._apply_decisions()
        self._log_changes([(row.partner_id.id, before[row], row._logged_values()) for row in self])
        return result

    def _apply_decisions(self):
        """The effective grade and tier after a manager's decision."""
        groups = defaultdict(self.browse)
        for row in self:
            grade = row.customer_grade_override or row.customer_grade_computed
            tier = row.customer_tier_override or rules.tier_of(
                grade, row.customer_key_account, row.customer_special_class
            )
            if (grade, tier) != (row.customer_grade, row.customer_tier):
                groups[grade, tier] |= row
        for (grade, tier), group in groups.items():
            group.write({"customer_grade": grade, "customer_tier": tier})

    def _logged_values(self):
        self.ensure_one()
        return {fname: self[fname] for fname in LOGGED_FIELDS}

    @api.model
    def _log_changes(self, changes):
        """Log changed grades, tiers, stages, classes and decisions in the customers'
        chatter: the notes Odoo's field tracking writes (by the current user, without
        notification), one per customer, created in one batch by mail's
        ``_message_log_batch``, with their tracking values. ``changes``: (partner id, old
        values, new values); a result set for the first time is no change. Nothing is
        logged when the context disables tracking."""
        context = self.env.context
        if context.get("tracking_disable") or context.get("mail_notrack"):
            return
        diffs = {}
        for partner_id, old, new in changes:
            changed = [
                fname
                for fname in LOGGED_FIELDS
                if (old.get(fname) or False) != (new.get(fname) or False)
                and (fname in MANUAL_FIELDS or old.get(fname))
            ]
            if changed:
                diffs[partner_id] = [(fname, old.get(fname), new.get(fname)) for fname in changed]
        if not diffs:
            return
        Partner = self.env["res.partner"]
        partners = Partner.browse(list(diffs))
        # the values in the language of the customer's chatter (its followers', else his
        # salesperson's or company's): stored as text, they stay in it
        described = {}
        for in_lang in by_chatter_lang(partners):
            info = in_lang.fields_get(LOGGED_FIELDS, attributes=("type", "selection"))
            described.update(dict.fromkeys(in_lang.ids, info))
        field_ids = {
            field.name: field.id
            for field in self.env["ir.model.fields"]
            .sudo()
            .search([("model", "=", "res.partner"), ("name", "in", LOGGED_FIELDS)])
        }
        messages = partners._message_log_batch(dict.fromkeys(partners.ids, ""))
        values = []
        for message in messages:
            info = described[message.res_id]
            for fname, old, new in diffs[message.res_id]:
                value = {"mail_message_id": message.id, "field_id": field_ids[fname]}
                ftype = info[fname]["type"]
                if ftype == "selection":
                    labels = dict(info[fname]["selection"])
                    value["old_value_char"] = labels.get(old, old) if old else ""
                    value["new_value_char"] = labels.get(new, new) if new else ""
                elif ftype == "boolean":
                    value["old_value_integer"] = bool(old)
                    value["new_value_integer"] = bool(new)
                else:
                    value["old_value_char"] = old or ""
                    value["new_value_char"] = new or ""
                values.append(value)
        # sudo: the notes are the customers' whoever made the change, as mail logs them
        self.env["mail.tracking.value"].sudo().create(values)
