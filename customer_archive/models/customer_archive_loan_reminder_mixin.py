"""The reminders of the loans that are out: the borrower two days before the due
date, the keepers and the borrower once it is overdue, each once per person, in his
language. Declared once, for ``customer.archive.loan``.
"""

from datetime import timedelta

from odoo import api, fields, models

REMIND_DAYS_BEFORE_DUE = 2
DUE_ACTIVITY = "customer_archive.mail_activity_type_loan_due"
OVERDUE_ACTIVITY = "customer_archive.mail_activity_type_loan_overdue"


class CustomerArchiveLoanReminderMixin(models.AbstractModel):
    _name = "customer.archive.loan.reminder.mixin"
    _description = "Customer Archive Loan Reminders"

    @api.model
    def _cron_remind_loans(self):
        """Remind borrowers two days before the due date; an overdue loan is the keeper's
        and the borrower's to settle: both are told. Each reminder is scheduled once per
        person: an open one is not repeated. All are created in one batch, without an
        assignment email each (they wait in the assignee's activities, as the purchase
        reminders do)."""
        today = fields.Date.context_today(self)
        due_soon = self.search(
            [
                ("state", "=", "out"),
                ("date_due", ">=", today),
                ("date_due", "<=", today + timedelta(days=REMIND_DAYS_BEFORE_DUE)),
            ]
        )
        reminded = due_soon._workflow_open_activities(DUE_ACTIVITY)
        values = [
            loan._workflow_activity_values(
                DUE_ACTIVITY,
                loan.user_id,
                lambda env, loan=loan: env._(
                    "Return loan %(loan)s by %(date)s", loan=loan.name, date=loan.date_due
                ),
                date_deadline=loan.date_due,
            )
            for loan in due_soon
            if (loan.id, loan.user_id.id) not in reminded
        ]
        overdue = self.search([("is_overdue", "=", True)])
        busy = overdue._workflow_open_activities(OVERDUE_ACTIVITY)
        values += [
            loan._workflow_activity_values(
                OVERDUE_ACTIVITY,
                user,
                lambda env, loan=loan: env._(
                    "Loan %(loan)s to %(borrower)s is overdue since %(date)s",
                    loan=loan.name,
                    borrower=loan.user_id.name,
                    date=loan.date_due,
                ),
            )
            for loan in overdue
            for user in loan._keepers() | loan.user_id
            if (loan.id, user.id) not in busy
        ]
        # sudo: the cron's reminders are the loans' own records
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [value for value in values if value]
        )
