import logging
from datetime import datetime

import pytz

from odoo import api, models
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
        # as fields.Date.context_today in the user's time zone, without a new environment
        # for it: rules ask for it at every check (dozens per form)
        try:
            tz = pytz.timezone(self.env.user.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        return datetime.now(tz).date()

    def _compute_domain_context_values(self):
        """Rule domains are cached; some of ours depend on today's date (a loan grants
        access until its due date), so the date is part of the cache key and the access
        ends the day the loan falls overdue, not when the cache happens to be cleared."""
        yield from super()._compute_domain_context_values()
        yield self._customer_archive_today()

    def _make_access_error(self, operation, records):
        """A reader refused a dossier is told how to get at it: a loan. Nothing of the
        dossier, or of a record attached to it, is named (it may be secret), unlike Odoo's
        message in debug mode, which lists the records' names."""
        if not self._customer_archive_guarded(records):
            return super()._make_access_error(operation, records)
        user = self.env.user
        if records._name != "customer.archive" or operation != "read":
            _logger.info(
                "Access (%s) to %s %r refused to uid %s",
                operation,
                records._name,
                records.ids[:6],
                user.id,
            )
            env = self.with_context(lang=user.lang).env
            messages = {
                "read": env._("You may not read this record of the customer archive."),
                "write": env._("You may not change this record of the customer archive."),
                "create": env._("You may not create this record of the customer archive."),
                "unlink": env._("You may not delete this record of the customer archive."),
            }
            return AccessError(messages[operation])
        _logger.info("Access to customer archives %r refused to uid %s", records.ids[:6], user.id)
        env = self.with_context(lang=user.lang).env
        loan_message = user.has_group(READER) and self._customer_archive_loan_refusal(env, records)
        if loan_message:
            message = loan_message
        elif user.has_group(READER):
            message = env._(
                "You may not read this customer archive: it belongs to another salesperson's "
                "customer, or it is kept confidential.\n\n"
                "To consult it, request a loan: open the customer's form and click "
                '"Request Loan" for the full archive; once an archive manager approves it '
                "and the archive keeper hands it out, you can read it until the loan is "
                "returned or due."
            )
        else:
            message = env._(
                "You may not read customer archives: ask your manager for access to the "
                "customer archive."
            )
        return AccessError(message)

    @api.model
    def _customer_archive_guarded(self, records):
        """Whether a refusal on ``records`` names nothing: the archive's own models (a
        companion adds its own, e.g. the survey answers of the campaigns)."""
        return records._name.startswith("customer.archive")

    @api.model
    def _customer_archive_loan_refusal(self, env, archives):
        """Why the reader's own loan of one of ``archives`` does not open it, if he has
        one: summary-only, not handed out yet, or overdue; ``False`` otherwise."""
        Loan = env["customer.archive.loan"]
        loans = Loan.search(
            [
                ("user_id", "=", env.uid),
                ("archive_id", "in", archives.ids),
                ("state", "in", ("submitted", "approved", "out")),
            ],
            order="id desc",
        )
        out = loans.filtered(lambda loan: loan.state == "out")
        summary = out.filtered(lambda loan: loan.scope == "summary")
        overdue = out.filtered(lambda loan: loan.scope == "full" and loan.is_overdue)
        waiting = loans.filtered(
            lambda loan: loan.state in ("submitted", "approved") and loan.scope == "full"
        )
        if overdue:
            return env._(
                "Your loan %(loan)s of this customer archive was due on %(date)s: the archive "
                "is closed to you since. Return the file to the archive keeper, and ask for a "
                "new loan if you still need it.",
                loan=overdue[0].name,
                date=overdue[0].date_due,
            )
        if summary:
            return env._(
                "Your loan %(loan)s of this customer archive is summary-only: it shows the "
                "company name and its contacts' names and titles on the loan itself (its "
                "Summary tab), not the archive or its documents. To read them, ask for a loan "
                'of the full archive ("Full Archive" scope).',
                loan=summary[0].name,
            )
        if waiting:
            states = dict(Loan._fields["state"]._description_selection(env))
            return env._(
                "Your loan %(loan)s of this customer archive is %(state)s, not handed out yet: "
                "you can read the archive once the archive keeper hands it out, until it is "
                "returned or due.",
                loan=waiting[0].name,
                state=states[waiting[0].state],
            )
        return False
