from odoo import api, fields, models


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        """``today`` in rule domains: the date the rule cache is keyed on (see below)."""
        return dict(super()._eval_context(), today=fields.Date.today())

    def _compute_domain_context_values(self):
        """Rule domains are cached; some of ours depend on today's date (a loan grants
        access until its due date), so the date is part of the cache key and the access
        ends the day the loan falls overdue, not when the cache happens to be cleared."""
        yield from super()._compute_domain_context_values()
        yield fields.Date.today()
