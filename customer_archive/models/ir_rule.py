from odoo import api, fields, models


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        """``today`` in rule domains: the user's date in his time zone, the same date
        ``customer.archive.loan.is_overdue`` uses (``context_today``)."""
        return dict(super()._eval_context(), today=self._customer_archive_today())

    @api.model
    def _customer_archive_today(self):
        return fields.Date.context_today(self.with_context(tz=self.env.user.tz))

    def _compute_domain_context_values(self):
        """Rule domains are cached; some of ours depend on today's date (a loan grants
        access until its due date), so the date is part of the cache key and the access
        ends the day the loan falls overdue, not when the cache happens to be cleared."""
        yield from super()._compute_domain_context_values()
        yield self._customer_archive_today()
