"""Classification results on the customer (DESIGN §3), per company.

The results are company-dependent fields: each company classifies its customers
with its own policy. They are stored by the recompute of
``customer.classification.policy`` (a daily cron and a button), never by a
compute on invoices, so opening a partner form computes nothing but the "why"
text from the stored figures. The dossiers keep copies of the results of their
company, refreshed by the recompute in one write per combination of results.

Every field is for the archive groups only (``groups=READER``): grades, tiers
and scores, and also the financial figures (yearly amount, arrears), because
the readers are the sales and service staff who chase arrears (清欠) and need
to know why a customer is graded as he is. Nobody outside the archive groups
reads any of them; Odoo strips these fields from the views of other users.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import formatLang

from . import customer_classification_rules as rules
from . import customer_classification_store as store
from .customer_archive import MANAGER, READER


def _classification_field(field_class, *args, **kwargs):
    """A stored per-company classification field, readable by the archive groups."""
    kwargs.setdefault("readonly", True)
    return field_class(
        *args, company_dependent=True, copy=False, index=False, groups=READER, **kwargs
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Results of the rules
    customer_grade = _classification_field(
        fields.Selection,
        rules.GRADES,
        string="Grade",
        tracking=True,
        help="A ≥ the A amount, B ≥ the B amount, C below, over the rolling window; "
        "D whenever the arrears exceed the tolerance. A manual override wins.",
    )
    customer_grade_computed = _classification_field(
        fields.Selection, rules.GRADES, string="Grade by the Rules"
    )
    customer_tier = _classification_field(
        fields.Selection,
        rules.TIERS,
        string="Tier",
        tracking=True,
        help="Important: grade A or key account; special: the special class; else ordinary.",
    )
    customer_loyalty = _classification_field(
        fields.Selection, rules.LOYALTY_STAGES, string="Loyalty Stage", tracking=True
    )
    customer_value_class = _classification_field(
        fields.Selection,
        rules.VALUE_CLASSES,
        string="Value Class",
        tracking=True,
        help="RFM class: recency, frequency and average invoice amount scored by quintile.",
    )
    customer_rfm_recency = _classification_field(fields.Integer, string="Recency Score")
    customer_rfm_frequency = _classification_field(fields.Integer, string="Frequency Score")
    customer_rfm_monetary = _classification_field(fields.Integer, string="Monetary Score")
    customer_top = _classification_field(
        fields.Boolean,
        string="Top Customer",
        help="Among the customers who bring most revenue (the 20/80 rule).",
    )
    customer_yearly_amount = _classification_field(
        fields.Float,
        string="Yearly Amount",
        help="Posted customer invoices minus refunds, untaxed, in company currency, "
        "over the policy's rolling window.",
    )
    customer_overdue_amount = _classification_field(
        fields.Float,
        string="Overdue Amount",
        help="Receivables due for longer than the policy's grace days, in company currency.",
    )
    customer_average_amount = _classification_field(fields.Float, string="Average Invoice Amount")
    customer_invoice_count = _classification_field(fields.Integer, string="Invoices in Window")
    customer_last_invoice_date = _classification_field(fields.Date, string="Last Invoice Date")
    customer_purchase_interval = _classification_field(
        fields.Integer, string="Usual Purchase Interval (days)"
    )
    customer_next_purchase_date = _classification_field(
        fields.Date, string="Next Expected Purchase"
    )
    customer_cycle_reminded_date = _classification_field(
        fields.Date, string="Purchase Reminder Sent For"
    )
    customer_classified_date = _classification_field(
        fields.Date, string="Classified On", help="When the classification last changed."
    )
    # A fingerprint of the stored results: the recompute compares it, not every
    # figure, to find what changed.
    customer_classification_hash = fields.Char(
        string="Classification Fingerprint",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups="base.group_system",
    )

    # Manual decisions
    customer_grade_override = _classification_field(
        fields.Selection, rules.GRADES, string="Grade Override", readonly=False, tracking=True
    )
    customer_tier_override = _classification_field(
        fields.Selection, rules.TIERS, string="Tier Override", readonly=False, tracking=True
    )
    customer_override_reason = _classification_field(
        fields.Char, string="Override Reason", readonly=False, tracking=True
    )
    customer_key_account = _classification_field(
        fields.Boolean, string="Key Account", readonly=False, tracking=True
    )
    customer_special_class = _classification_field(
        fields.Boolean,
        string="Special Class",
        readonly=False,
        tracking=True,
        help="Lawyers, banks, insurers, advisers and other special relations (特殊客户).",
    )

    # Explanations and credit terms, computed from the stored figures when read
    customer_classification_why = fields.Text(
        string="Why", compute="_compute_customer_classification_why", groups=READER
    )
    customer_suggested_payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Suggested Payment Terms",
        compute="_compute_customer_suggested_terms",
        groups=READER,
    )
    customer_suggested_credit_limit = fields.Float(
        string="Suggested Credit Limit", compute="_compute_customer_suggested_terms", groups=READER
    )

    @api.depends_context("company", "lang")
    @api.depends(*store.RESULT_FIELDS, *store.MANUAL_FIELDS)
    def _compute_customer_classification_why(self):
        policy = self.env["customer.classification.policy"]._get_company_policy()
        for partner in self:
            partner.customer_classification_why = (
                "\n".join(partner._classification_why_lines(policy))
                if partner.customer_classified_date
                else False
            )

    @api.depends_context("company")
    @api.depends("customer_grade")
    def _compute_customer_suggested_terms(self):
        policy = self.env["customer.classification.policy"]._get_company_policy()
        for partner in self:
            term, limit = policy._get_credit_terms(partner.customer_grade)
            partner.customer_suggested_payment_term_id = term
            partner.customer_suggested_credit_limit = limit

    @api.constrains("customer_grade_override", "customer_tier_override", "customer_override_reason")
    def _check_customer_override_reason(self):
        for partner in self:
            overridden = partner.customer_grade_override or partner.customer_tier_override
            if overridden and not (partner.customer_override_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Give the reason for overriding the classification of %(partner)s.",
                        partner=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_classification_write(vals)
        partners = super().create(vals_list)
        manual = [
            partner.id
            for partner, vals in zip(partners, vals_list, strict=True)
            if any(fname in vals for fname in store.MANUAL_FIELDS)
        ]
        self.browse(manual)._apply_classification_manual()
        return partners

    def write(self, vals):
        self._check_classification_write(vals)
        result = super().write(vals)
        if not self.env.context.get("customer_classification_store") and any(
            fname in vals for fname in store.MANUAL_FIELDS
        ):
            self._apply_classification_manual()
        return result

    def _check_classification_write(self, vals):
        """Results are the rules' business; overrides and flags a manager's."""
        if self.env.su:
            return
        if any(fname in vals for fname in store.RESULT_FIELDS):
            raise AccessError(
                self.env._(
                    "The classification of customers is computed from their invoices; "
                    "override the grade or tier instead."
                )
            )
        manual = any(fname in vals for fname in store.MANUAL_FIELDS)
        if manual and not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only archive managers may override the classification of customers.")
            )

    def _apply_classification_manual(self):
        """Recompute the effective grade and tier after a manager's decision."""
        # sudo: the effective grade and tier are results, which only the rules
        # write; the caller's right to decide was checked in write/create.
        partners = self.sudo().with_context(customer_classification_store=True)
        groups = defaultdict(lambda: self.browse().sudo())
        for partner in partners:
            grade = partner.customer_grade_override or partner.customer_grade_computed
            tier = partner.customer_tier_override or rules.tier_of(
                grade, partner.customer_key_account, partner.customer_special_class
            )
            key = (grade, tier)
            if key != (partner.customer_grade, partner.customer_tier):
                groups[key] |= partner
        for (grade, tier), group in groups.items():
            group.with_context(customer_classification_store=True).write(
                {"customer_grade": grade, "customer_tier": tier}
            )
        changed = self.browse().union(*groups.values())
        self.env["customer.archive"]._sync_classification(self.env.company, changed.ids)

    def _classification_why_lines(self, policy):
        """The figures that produced each result, in the reader's language."""
        self.ensure_one()
        _ = self.env._
        currency = self.env.company.currency_id

        def money(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        labels = {
            fname: dict(self._fields[fname]._description_selection(self.env))
            for fname in ("customer_grade", "customer_tier", "customer_loyalty")
        }
        lines = []
        computed = self.customer_grade_computed
        if computed == "d":
            lines.append(
                _(
                    "Grade D: %(overdue)s overdue for more than %(days)s days, "
                    "above the tolerance of %(limit)s.",
                    overdue=money(self.customer_overdue_amount),
                    days=policy.overdue_days,
                    limit=money(policy.overdue_amount_limit),
                )
            )
        elif computed:
            lines.append(
                _(
                    "Grade %(grade)s: %(amount)s invoiced over the last %(months)s months "
                    "(A from %(a)s, B from %(b)s).",
                    grade=labels["customer_grade"][computed],
                    amount=money(self.customer_yearly_amount),
                    months=policy.window_months,
                    a=money(policy.grade_a_amount),
                    b=money(policy.grade_b_amount),
                )
            )
        if self.customer_grade_override or self.customer_tier_override:
            lines.append(
                _(
                    "Set by hand: %(reason)s",
                    reason=self.customer_override_reason or "",
                )
            )
        if self.customer_tier:
            lines.append(
                _(
                    "Tier %(tier)s: grade %(grade)s, key account: %(key)s, "
                    "special class: %(special)s.",
                    tier=labels["customer_tier"][self.customer_tier],
                    grade=labels["customer_grade"].get(self.customer_grade, "-"),
                    key=_("yes") if self.customer_key_account else _("no"),
                    special=_("yes") if self.customer_special_class else _("no"),
                )
            )
        lines.append(self._classification_why_loyalty(policy, labels["customer_loyalty"]))
        lines.extend(self._classification_why_value())
        return lines

    def _classification_why_loyalty(self, policy, labels):
        _ = self.env._
        if not self.customer_last_invoice_date:
            return _("Loyalty %(stage)s: no invoice yet.", stage=labels["new"])
        return _(
            "Loyalty %(stage)s: last invoice on %(date)s, %(count)s invoices in the window "
            "(loyal from %(loyal)s invoices within %(recent)s days, at risk after %(risk)s days, "
            "lost after %(lost)s days).",
            stage=labels.get(self.customer_loyalty, "-"),
            date=self.customer_last_invoice_date,
            count=self.customer_invoice_count,
            loyal=policy.loyal_min_invoices,
            recent=policy.loyal_recent_days,
            risk=policy.at_risk_days,
            lost=policy.lost_days,
        )

    def _classification_why_value(self):
        _ = self.env._
        lines = []
        if self.customer_value_class:
            value_labels = dict(
                self._fields["customer_value_class"]._description_selection(self.env)
            )
            lines.append(
                _(
                    "Value %(value)s: recency %(r)s, frequency %(f)s, monetary %(m)s "
                    "(quintiles 1-5; 3 and more count as high).",
                    value=value_labels[self.customer_value_class],
                    r=self.customer_rfm_recency,
                    f=self.customer_rfm_frequency,
                    m=self.customer_rfm_monetary,
                )
            )
        if self.customer_top:
            lines.append(_("Among the customers who bring most of the revenue."))
        if self.customer_purchase_interval:
            lines.append(
                _(
                    "Buys about every %(days)s days; next purchase expected on %(date)s.",
                    days=self.customer_purchase_interval,
                    date=self.customer_next_purchase_date,
                )
            )
        return lines

    def action_apply_suggested_credit_terms(self):
        """Set the suggested payment terms and credit limit as the customer's own."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only archive managers may apply the suggested credit terms.")
            )
        for partner in self:
            vals = {"credit_limit": partner.customer_suggested_credit_limit}
            if partner.customer_suggested_payment_term_id:
                vals["property_payment_term_id"] = partner.customer_suggested_payment_term_id.id
            partner.write(vals)
        return True


class CustomerArchive(models.Model):
    """The customer's classification on his dossier, to filter and group dossiers.

    Stored copies of the partner's results for the dossier's company (the
    partner's fields are company-dependent, which a stored related field cannot
    follow): computed when a dossier is opened for a customer, then refreshed
    by the recompute and by managers' overrides (``_sync_classification``).
    """

    _inherit = "customer.archive"

    customer_grade = fields.Selection(
        rules.GRADES, string="Grade", compute="_compute_customer_classification", store=True
    )
    customer_tier = fields.Selection(
        rules.TIERS, string="Tier", compute="_compute_customer_classification", store=True
    )
    customer_loyalty = fields.Selection(
        rules.LOYALTY_STAGES,
        string="Loyalty Stage",
        compute="_compute_customer_classification",
        store=True,
    )
    customer_value_class = fields.Selection(
        rules.VALUE_CLASSES,
        string="Value Class",
        compute="_compute_customer_classification",
        store=True,
    )

    @api.depends("partner_id", "company_id")
    def _compute_customer_classification(self):
        for archive in self:
            # sudo: the results are for the archive groups, whoever saves the dossier
            partner = archive.partner_id.with_company(archive.company_id).sudo()
            for fname in store.ARCHIVE_COPIES:
                archive[fname] = partner[fname]

    @api.model
    def _sync_classification(self, company, partner_ids):
        """Copy the customers' results onto their dossiers of the company.

        One query finds the dossiers whose copies differ from their customer's
        results, grouped by the results to copy: one ``write`` per combination
        of grade, tier, stage and class (a few dozen), whatever the number of
        dossiers. The copies are not tracked: the tracking of the dossiers'
        other fields is not prepared either.
        """
        if not partner_ids:
            return
        self.env["res.partner"].flush_model(list(store.ARCHIVE_COPIES))
        self.flush_model(list(store.ARCHIVE_COPIES))
        self.env.cr.execute(
            store.archive_copies_query(self.env["res.partner"], company, partner_ids)
        )
        # sudo: the copies are refreshed on every dossier, whoever may read it
        archives = self.sudo().with_context(active_test=False, tracking_disable=True)
        for *values, ids in self.env.cr.fetchall():
            archives.browse(ids).write(dict(zip(store.ARCHIVE_COPIES, values, strict=True)))
