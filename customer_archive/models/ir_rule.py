import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .customer_archive import READER

_logger = logging.getLogger(__name__)


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

    def _make_access_error(self, operation, records):
        """A reader refused a dossier is told how to get at it: a loan. Nothing of the
        dossier is named (it may be secret), unlike Odoo's message in debug mode."""
        if records._name != "customer.archive" or operation != "read":
            return super()._make_access_error(operation, records)
        user = self.env.user
        _logger.info("Access to customer archives %r refused to uid %s", records.ids[:6], user.id)
        env = self.with_context(lang=user.lang).env
        if user.has_group(READER):
            message = env._(
                "You may not read this customer archive: it belongs to another salesperson's "
                "customer, or it is kept confidential.\n\n"
                "To consult it, request a loan: open the customer's form and click "
                '"Request Loan"; once approved and handed out by the archive keeper, you '
                "can read it until the loan is returned or due."
            )
        else:
            message = env._(
                "You may not read customer archives: ask your manager for access to the "
                "customer archive."
            )
        return AccessError(message)
