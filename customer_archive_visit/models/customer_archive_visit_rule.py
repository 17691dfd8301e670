from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.customer_archive.tools import customer_classification_rules as rules

MAX_INTERVAL_DAYS = 3660


class CustomerArchiveVisitRule(models.Model):
    """How often customers of a tier or grade are visited (e.g. important customers at
    least monthly); the daily cron proposes a visit to those not visited in time."""

    _name = "customer.archive.visit.rule"
    _description = "Customer Visit Frequency Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    customer_tier = fields.Selection(rules.TIERS, string="Tier", help="Empty: every tier.")
    customer_grade = fields.Selection(rules.GRADES, string="Grade", help="Empty: every grade.")
    interval_days = fields.Integer(
        string="Visit Every (Days)",
        required=True,
        default=30,
        help="A customer not visited for this many days gets a proposed visit.",
    )
    lead_days = fields.Integer(
        string="Days to Visit",
        default=14,
        help="The proposed visit is due this many days after it is proposed.",
    )

    @api.constrains("interval_days", "lead_days")
    def _check_days(self):
        for rule in self:
            if not 1 <= rule.interval_days <= MAX_INTERVAL_DAYS:
                raise ValidationError(
                    self.env._(
                        "A visit rule's interval is 1 to %(max)s days.", max=MAX_INTERVAL_DAYS
                    )
                )
            if not 0 <= rule.lead_days <= 366:
                raise ValidationError(self.env._("A proposed visit is due within 0 to 366 days."))

    def _get_archive_domain(self):
        domain = [
            ("state", "=", "active"),
            ("company_id", "=", self.company_id.id),
            ("salesperson_id", "!=", False),
        ]
        if self.customer_tier:
            domain.append(("customer_tier", "=", self.customer_tier))
        if self.customer_grade:
            domain.append(("customer_grade", "=", self.customer_grade))
        return domain

    def _archives_due(self, today):
        """The dossiers of the rule's customers whose last visit is older than the
        interval (or who were never visited), without a visit already open."""
        Visit = self.env["customer.archive.visit"]
        archives = self.env["customer.archive"].search(self._get_archive_domain())
        if not archives:
            return archives
        last = Visit._last_visit_dates(archives.ids)
        open_ids = Visit._archives_with_open_visit(archives.ids)
        limit = today - timedelta(days=self.interval_days)
        return archives.filtered(
            lambda a: a.id not in open_ids and (a.id not in last or last[a.id] <= limit)
        )

    @api.model
    def _cron_propose_visits(self):
        """Propose a planned visit, with an activity, to the salesperson of each customer
        not visited in time. Once: a customer with a visit still open gets no other."""
        today = fields.Date.context_today(self)
        # sudo: the cron decides for every company's customers
        rules_ = self.sudo().search([])
        proposed = set()
        vals_list = []
        for rule in rules_:
            for archive in rule._archives_due(today):
                if archive.id in proposed:
                    continue
                proposed.add(archive.id)
                vals_list.append(rule._prepare_visit_vals(archive, today))
        # sudo: proposed for the salespeople, in their names
        return self.env["customer.archive.visit"].sudo().create(vals_list)

    def _prepare_visit_vals(self, archive, today):
        # the salesperson visits, the keeper for a secret dossier (as the care dates)
        visitor = self.env["customer.archive.care.occasion"]._care_user(archive)
        lang_env = self.with_context(lang=visitor.lang or "en_US").env
        return {
            "rule_id": self.id,
            "archive_id": archive.id,
            "user_id": visitor.id,
            "date_due": today + timedelta(days=self.lead_days),
            "purpose": lang_env._(
                "Regular visit (%(rule)s): not visited for %(days)s days or more.",
                rule=self.with_env(lang_env).name,
                days=self.interval_days,
            ),
        }
