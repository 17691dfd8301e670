"""The periodic review of a dossier (定期全面修订核查) and the reminders of its keeper:
the next review is the last one (or the opening) plus the interval; a daily cron opens
one review activity per due dossier, and one per active dossier holding an expired
licence, each in the keeper's language.

Declared once, for ``customer.archive``, whose ``mark_reviewed`` transition stamps
the review.
"""

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models

from ..tools.customer_archive_lang import by_chatter_lang, for_user

REVIEW_ACTIVITY = "customer_archive.mail_activity_type_archive_review"
LICENCE_ACTIVITY = "customer_archive.mail_activity_type_licence_expired"


class CustomerArchiveReviewMixin(models.AbstractModel):
    _name = "customer.archive.review.mixin"
    _description = "Customer Archive Periodic Review"

    # Periodic review (定期全面修订核查)
    review_interval = fields.Integer(
        string="Review Interval (Months)",
        default=lambda self: self.env.company.customer_archive_review_interval,
        tracking=True,
        help="Months between two full reviews of this archive; 0 means no periodic review.",
    )
    date_last_review = fields.Date(string="Last Review", copy=False, readonly=True, tracking=True)
    date_next_review = fields.Date(
        string="Next Review",
        compute="_compute_date_next_review",
        store=True,
        index=True,
        help="The last review (or the opening date) plus the review interval.",
    )
    is_review_due = fields.Boolean(
        string="Review Due", compute="_compute_is_review_due", search="_search_is_review_due"
    )

    @api.depends("date_last_review", "date_open", "review_interval")
    def _compute_date_next_review(self):
        for archive in self:
            start = archive.date_last_review or archive.date_open
            archive.date_next_review = (
                start + relativedelta(months=archive.review_interval)
                if start and archive.review_interval > 0
                else False
            )

    @api.depends("date_next_review", "state")
    @api.depends_context("date")
    def _compute_is_review_due(self):
        today = fields.Date.context_today(self)
        for archive in self:
            archive.is_review_due = bool(
                archive.state == "active"
                and archive.date_next_review
                and archive.date_next_review <= today
            )

    def _search_is_review_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("state", "=", "active"), ("date_next_review", "<=", today)]
        return [
            "|",
            "|",
            ("state", "!=", "active"),
            ("date_next_review", "=", False),
            ("date_next_review", ">", today),
        ]

    def action_mark_reviewed(self):
        """Stamp today's review, which moves the next review date, and close the reminder."""
        self._workflow_run("mark_reviewed")
        return True

    def _action_mark_reviewed(self):
        self._workflow_write({"date_last_review": fields.Date.context_today(self)})
        for archives in by_chatter_lang(self):
            archives.activity_feedback(
                [REVIEW_ACTIVITY], feedback=archives.env._("Archive reviewed.")
            )

    # --------------------------------------------------------------- crons
    @api.model
    def _get_review_due_domain(self):
        return [
            ("is_review_due", "=", True),
            ("user_id", "!=", False),
            ("user_id.active", "=", True),
        ]

    @api.model
    def _cron_review_reminders(self):
        """Open one review activity for the keeper of every archive whose review is due,
        and one activity for every active archive holding an expired licence."""
        self._schedule_review_activities()
        self._schedule_licence_activities()

    @api.model
    def _schedule_review_activities(self):
        due = self.search(self._get_review_due_domain())
        pending = {res_id for res_id, _user in due._workflow_open_activities(REVIEW_ACTIVITY)}
        for archive in due.filtered(lambda archive: archive.id not in pending):
            # the type's summary ("Review the customer archive") in the keeper's language
            for_user(archive, archive.user_id).activity_schedule(
                REVIEW_ACTIVITY,
                date_deadline=archive.date_next_review,
                user_id=archive.user_id.id,
            )

    @api.model
    def _schedule_licence_activities(self):
        expired = self.env["customer.archive.document"].search(
            [
                ("has_validity", "=", True),
                ("is_expired", "=", True),
                ("archive_id.state", "=", "active"),
                ("archive_id.user_id", "!=", False),
            ]
        )
        archives = expired.archive_id
        pending = {res_id for res_id, _user in archives._workflow_open_activities(LICENCE_ACTIVITY)}
        for archive in archives.filtered(lambda archive: archive.id not in pending):
            documents = expired.filtered(lambda document, a=archive: document.archive_id == a)
            items = Markup("").join(
                Markup("<li>%s (%s)</li>") % (document.name, document.valid_until)
                for document in documents
            )
            in_lang = for_user(archive, archive.user_id)
            in_lang.activity_schedule(
                LICENCE_ACTIVITY,
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (in_lang.env._("These licences have expired:"), items),
                user_id=archive.user_id.id,
            )
