from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .customer_archive import OFFICER

REVIEW_ACTIVITY = "customer_archive.mail_activity_type_archive_review"
LICENCE_ACTIVITY = "customer_archive.mail_activity_type_licence_expired"


class CustomerArchive(models.Model):
    """Periodic review of a dossier (定期全面修订核查) and the expiry of its licences."""

    _inherit = "customer.archive"

    review_interval = fields.Integer(
        string="Review Interval (Months)",
        default=lambda self: self.env.company.customer_archive_review_interval,
        tracking=True,
        help="Months between two full reviews of this archive; 0 means no periodic review.",
    )
    date_last_review = fields.Date(string="Last Review", copy=False, tracking=True)
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
    can_mark_reviewed = fields.Boolean(compute="_compute_can_mark_reviewed")

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

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_mark_reviewed(self):
        is_officer = self.env.user.has_group(OFFICER)
        for archive in self:
            archive.can_mark_reviewed = is_officer and archive.state == "active"

    def action_mark_reviewed(self):
        """Stamp today's review, which moves the next review date, and close the reminder."""
        if not self.env.user.has_group(OFFICER):
            raise AccessError(self.env._("Only an archive officer may review archives."))
        not_active = self.filtered(lambda archive: archive.state != "active")
        if not_active:
            raise UserError(
                self.env._(
                    "Only active archives are reviewed: %(archives)s.",
                    archives=", ".join(not_active.mapped("display_name")),
                )
            )
        self._action_mark_reviewed()
        return True

    def _action_mark_reviewed(self):
        self.write({"date_last_review": fields.Date.context_today(self)})
        self.activity_feedback([REVIEW_ACTIVITY], feedback=self.env._("Archive reviewed."))

    def _open_activity_res_ids(self, activity_xmlid):
        """Ids of the archives in ``self`` that already have an open activity of that type."""
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        if not activity_type or not self:
            return set()
        groups = self.env["mail.activity"]._read_group(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ],
            ["res_id"],
        )
        return {res_id for (res_id,) in groups}

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
        pending = due._open_activity_res_ids(REVIEW_ACTIVITY)
        for archive in due.filtered(lambda archive: archive.id not in pending):
            archive.activity_schedule(
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
        pending = archives._open_activity_res_ids(LICENCE_ACTIVITY)
        for archive in archives.filtered(lambda archive: archive.id not in pending):
            documents = expired.filtered(lambda document, a=archive: document.archive_id == a)
            items = Markup("").join(
                Markup("<li>%s (%s)</li>") % (document.name, document.valid_until)
                for document in documents
            )
            archive.activity_schedule(
                LICENCE_ACTIVITY,
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (self.env._("These licences have expired:"), items),
                user_id=archive.user_id.id,
            )
