from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

from odoo.addons.customer_archive.models.customer_archive_workflow_mixin import (
    Transition,
    door_open,
)
from odoo.addons.customer_archive.tools.customer_archive_groups import MANAGER, OFFICER, READER
from odoo.addons.customer_archive.tools.customer_archive_input import bind_attachments

VISIT_STATES = [
    ("planned", "Planned"),
    ("appointed", "Appointed"),
    ("done", "Done"),
    ("reviewed", "Reviewed"),
    ("filed", "Filed"),
    ("cancelled", "Cancelled"),
]
# the visit is still to be made
OPEN_STATES = ("planned", "appointed")
# the visit was made (its record exists)
MADE_STATES = ("done", "reviewed", "filed")
# what is planned: changed while the visit is planned
PLANNING_FIELDS = {"archive_id", "user_id", "date_due", "purpose", "date_appointment", "contact_id"}
# the visit record (回访记录表): written until the visit is done
RECORD_FIELDS = {
    "met_person",
    "needs",
    "opinion_product",
    "opinion_service",
    "complaints",
    "follow_up",
    "attachment_ids",
}
# how far ahead a visit is planned or appointed: beyond, a typing mistake
MAX_DAYS_AHEAD = 366
# how far back a visit made without booking is recorded (booked afterwards, then done)
MAX_DAYS_BACK = 30
APPOINTMENT_HOURS = 1

ACTIVITY_VISIT = "customer_archive_visit.mail_activity_type_visit"
ACTIVITY_REVIEW = "customer_archive_visit.mail_activity_type_visit_review"
ACTIVITY_FILE = "customer_archive_visit.mail_activity_type_visit_file"


class CustomerArchiveVisit(models.Model):
    """A return visit to a customer (客户回访记录), from its planning to its filing on the
    dossier: planned → appointed → done → reviewed by a supervisor → filed."""

    _name = "customer.archive.visit"
    _description = "Customer Return Visit"
    _inherit = [
        "customer.archive.attached.mixin",
        "customer.archive.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_due desc, id desc"
    _check_company_auto = True

    _workflow_transitions = (
        Transition(
            "appoint",
            ("planned",),
            "appointed",
            READER,
            ("_rule_own_or_override", "_rule_appointment_ready"),
        ),
        Transition(
            "done",
            ("appointed",),
            "done",
            READER,
            ("_rule_own_or_override", "_rule_record_ready"),
        ),
        Transition("review", ("done",), "reviewed", MANAGER, ("_rule_not_requester",)),
        Transition("file", ("reviewed",), "filed", OFFICER),
        Transition("cancel", OPEN_STATES, "cancelled", READER, ("_rule_own_or_override",)),
    )
    _workflow_stamped_fields = (
        "calendar_event_id",
        "date_done",
        "reviewer_id",
        "date_reviewed",
        "date_filed",
    )
    _workflow_locked_fields = ("name", "plan_id", "rule_id")
    _text_limits = {"met_person": 200, "review_note": 5000}

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    plan_id = fields.Many2one(
        "customer.archive.visit.plan",
        string="Visit Plan",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )
    rule_id = fields.Many2one(
        "customer.archive.visit.rule",
        string="Proposed by Rule",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    archive_id = fields.Many2one(
        "customer.archive",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('state', '=', 'active')]",
    )
    partner_id = fields.Many2one(
        related="archive_id.partner_id", string="Customer", store=True, index=True
    )
    company_id = fields.Many2one(
        related="archive_id.company_id", store=True, index=True, precompute=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Visitor",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    date_due = fields.Date(
        string="Visit By",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=14),
        tracking=True,
        index=True,
    )
    purpose = fields.Text(
        string="Visit Purpose", help="What the visit is for (回访目的) and what to prepare."
    )
    state = fields.Selection(
        VISIT_STATES,
        default="planned",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    # Appointment (预约拜访时间)
    date_appointment = fields.Datetime(string="Appointment", tracking=True, copy=False)
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        tracking=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    calendar_event_id = fields.Many2one(
        "calendar.event", string="Meeting", readonly=True, copy=False, ondelete="set null"
    )
    # The visit record (客户回访记录表)
    met_person = fields.Char(string="Met With", copy=False)
    needs = fields.Text(string="Customer Needs", copy=False)
    opinion_product = fields.Text(string="Opinion on Products", copy=False)
    opinion_service = fields.Text(string="Opinion on After-sales Service", copy=False)
    complaints = fields.Text(string="Complaints Raised", copy=False)
    follow_up = fields.Text(string="Follow-up Actions", copy=False)
    follow_up_done = fields.Boolean(string="Follow-up Done", copy=False, tracking=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "customer_archive_visit_attachment_rel",
        "visit_id",
        "attachment_id",
        string="Attachments",
        copy=False,
    )
    date_done = fields.Datetime(string="Visited On", readonly=True, copy=False)
    # Review (主管审阅) and filing (存档)
    review_note = fields.Text(string="Supervisor's Comment", copy=False)
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    date_reviewed = fields.Datetime(string="Reviewed On", readonly=True, copy=False)
    date_filed = fields.Datetime(string="Filed On", readonly=True, copy=False)
    # For the period report (回访报告)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    has_complaint = fields.Boolean(
        string="Complaint Raised", compute="_compute_report_flags", store=True
    )
    follow_up_open = fields.Boolean(
        string="Follow-up Open", compute="_compute_report_flags", store=True
    )

    can_appoint = fields.Boolean(compute="_compute_workflow_can")
    can_done = fields.Boolean(string="Can Complete", compute="_compute_workflow_can")
    can_review = fields.Boolean(compute="_compute_workflow_can")
    can_file = fields.Boolean(compute="_compute_workflow_can")
    can_cancel = fields.Boolean(compute="_compute_workflow_can")

    _sql_constraints = [
        (
            "plan_archive_unique",
            "unique(plan_id, archive_id)",
            "A visit plan visits each customer once.",
        ),
    ]

    @api.depends("state", "date_due")
    @api.depends_context("date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for visit in self:
            visit.is_overdue = visit.state in OPEN_STATES and visit.date_due < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        overdue = [
            ("state", "in", OPEN_STATES),
            ("date_due", "<", fields.Date.context_today(self)),
        ]
        return overdue if (operator == "=") == value else ["!", *overdue]

    @api.depends("state", "complaints", "follow_up", "follow_up_done")
    def _compute_report_flags(self):
        for visit in self:
            made = visit.state in MADE_STATES
            visit.has_complaint = made and bool((visit.complaints or "").strip())
            visit.follow_up_open = (
                made and bool((visit.follow_up or "").strip()) and not visit.follow_up_done
            )

    def _workflow_can_depends(self):
        return ["state", "user_id", "date_appointment", "contact_id", "met_person"]

    @api.constrains("date_due")
    def _check_date_due(self):
        today = fields.Date.context_today(self)
        for visit in self:
            if abs((visit.date_due - today).days) > MAX_DAYS_AHEAD:
                raise ValidationError(
                    self.env._(
                        "A visit is planned within a year of today, not on %(date)s.",
                        date=visit.date_due,
                    )
                )

    @api.constrains("contact_id", "archive_id")
    def _check_contact(self):
        for visit in self:
            contact = visit.contact_id
            if contact and contact.commercial_partner_id != visit.partner_id:
                raise ValidationError(
                    self.env._(
                        "The contact person %(contact)s does not belong to %(customer)s.",
                        contact=contact.display_name,
                        customer=visit.partner_id.display_name,
                    )
                )

    @api.constrains("archive_id")
    def _check_archive_active(self):
        for visit in self:
            if visit.archive_id.sudo().state != "active":  # sudo: its state only
                raise ValidationError(
                    self.env._(
                        "Visits are planned for active archives only, not %(archive)s.",
                        archive=visit.archive_id.sudo().name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_archives_reachable([vals.get("archive_id") for vals in vals_list])
        pairs = []
        for vals in vals_list:
            user_id = vals.get("user_id", self.env.uid)
            self._check_visitor_right(user_id)
            pairs.append((vals.get("archive_id"), user_id))
            vals["name"] = self._next_number("customer.archive.visit")
        self._check_visitors_read(pairs)
        visits = super().create(vals_list)
        bind_attachments(visits)
        visits._schedule_visit_activities()
        return visits

    def write(self, vals):
        self._check_content_write(vals)
        result = super().write(vals)
        if "attachment_ids" in vals:
            bind_attachments(self)
        return result

    def _check_visitor_right(self, user_id):
        """A reader plans visits for himself; an officer for anyone."""
        if self.env.su or user_id == self.env.uid or self.env.user.has_group(OFFICER):
            return
        raise AccessError(self.env._("You can only plan visits that you make yourself."))

    @api.model
    def _check_visitors_read(self, pairs):
        """Each visitor may read the dossier he visits for: a visit shows its number, its
        customer and what was said (the keeper visits for a secret dossier). ``pairs``:
        ``(archive id, visitor id)``; one search per visitor."""
        by_user = defaultdict(set)
        for archive_id, user_id in pairs:
            if archive_id and user_id:
                by_user[user_id].add(archive_id)
        Archive = self.env["customer.archive"]
        for user_id, archive_ids in by_user.items():
            visitor = self.env["res.users"].browse(user_id)
            # as the visitor, in all his companies, archived dossiers included
            readable = (
                Archive.with_user(visitor)
                .with_context(active_test=False, allowed_company_ids=visitor.sudo().company_ids.ids)
                .search_count([("id", "in", list(archive_ids))])
            )
            if readable != len(archive_ids):
                raise AccessError(
                    self.env._(
                        "%(user)s may not read this customer archive: give the visit to its "
                        "salesperson, or to its keeper when it is secret.",
                        user=visitor.sudo().name,
                    )
                )

    def _check_content_write(self, vals):
        """The plan changes while the visit is planned, the record until it is done; the
        supervisor's comment is the supervisor's, while the visit waits for review."""
        if door_open(self._name):
            return
        changed = self._workflow_changed_fields(vals, PLANNING_FIELDS)
        if changed and any(visit.state != "planned" for visit in self):
            raise UserError(self.env._("Only planned visits can be re-planned."))
        if "user_id" in changed:
            self._check_visitor_right(vals["user_id"])
        if "archive_id" in changed:
            self._check_archives_reachable([vals["archive_id"]])
        if changed & {"user_id", "archive_id"}:
            self._check_visitors_read(
                [
                    (
                        vals.get("archive_id", visit.archive_id.id),
                        vals.get("user_id", visit.user_id.id),
                    )
                    for visit in self
                ]
            )
        changed = self._workflow_changed_fields(vals, RECORD_FIELDS)
        if changed and any(visit.state not in OPEN_STATES for visit in self):
            raise UserError(self.env._("The visit record is closed once the visit is done."))
        if self._workflow_changed_fields(vals, {"review_note"}):
            if not self.env.user.has_group(MANAGER):
                raise AccessError(self.env._("Only a supervisor comments on a visit."))
            if any(visit.state != "done" for visit in self):
                raise UserError(self.env._("A visit is commented on while it awaits review."))
        if self._workflow_changed_fields(vals, {"follow_up_done"}) and any(
            visit.state not in MADE_STATES for visit in self
        ):
            raise UserError(self.env._("Follow-ups are closed after the visit."))

    # ------------------------------------------------------------ workflow
    def _rule_appointment_ready(self):
        if not self.date_appointment or not self.contact_id:
            return UserError(
                self.env._(
                    "Visit %(visit)s: agree on a date and time and a contact person first.",
                    visit=self.name,
                )
            )
        now = fields.Datetime.now()
        if self.date_appointment < now - timedelta(days=MAX_DAYS_BACK):
            return UserError(
                self.env._(
                    "Visit %(visit)s: an appointment is at most %(days)s days in the past "
                    "(a visit made without booking, recorded afterwards).",
                    visit=self.name,
                    days=MAX_DAYS_BACK,
                )
            )
        if self.date_appointment > now + timedelta(days=MAX_DAYS_AHEAD):
            return UserError(
                self.env._(
                    "Visit %(visit)s: an appointment is made within a year.", visit=self.name
                )
            )
        return None

    def _rule_record_ready(self):
        if not (self.met_person or "").strip():
            return UserError(
                self.env._("Visit %(visit)s: note whom you met first.", visit=self.name)
            )
        if self.date_appointment and self.date_appointment > fields.Datetime.now():
            return UserError(
                self.env._(
                    "Visit %(visit)s is booked for %(date)s: record it as done once the "
                    "meeting has taken place.",
                    visit=self.name,
                    date=format_datetime(self.env, self.date_appointment, tz=self.env.user.tz),
                )
            )
        return None

    def action_appoint(self):
        self._workflow_run("appoint")
        return True

    def _action_appoint(self):
        events = self._create_calendar_events()
        for visit, event in zip(self, events, strict=True):
            visit._workflow_write({"state": "appointed", "calendar_event_id": event.id})
        # the meeting brings its own activity for the visitor (calendar's)
        self._workflow_feedback([ACTIVITY_VISIT])

    def action_done(self):
        self._workflow_run("done")
        return True

    def _action_done(self):
        self._workflow_write({"state": "done", "date_done": fields.Datetime.now()})
        self._workflow_feedback([ACTIVITY_VISIT])
        self._meeting_activities().action_feedback()
        self._schedule_activities(
            ACTIVITY_REVIEW,
            {visit: visit._default_reviewer() for visit in self},
            lambda visit, env: env._(
                "Review visit %(visit)s to %(customer)s",
                visit=visit.name,
                customer=visit.partner_id.name,
            ),
        )

    def action_review(self):
        self._workflow_run("review")
        return True

    def _action_review(self):
        self._workflow_write(
            {
                "state": "reviewed",
                "reviewer_id": self.env.uid,
                "date_reviewed": fields.Datetime.now(),
            }
        )
        self._workflow_feedback([ACTIVITY_REVIEW])
        # sudo: the keeper of the dossier is named whoever reviews the visit
        self._schedule_activities(
            ACTIVITY_FILE,
            {visit: visit.archive_id.sudo().user_id for visit in self},
            lambda visit, env: env._("File visit report %(visit)s", visit=visit.name),
        )

    def action_file(self):
        self._workflow_run("file")
        return True

    def _action_file(self):
        self._workflow_write({"state": "filed", "date_filed": fields.Datetime.now()})
        self._workflow_feedback([ACTIVITY_FILE])
        self._post_report_on_archive()

    def action_cancel(self):
        self._workflow_run("cancel")
        return True

    def _action_cancel(self):
        # sudo: the meeting is the visitor's, cancelled by whoever cancels the visit
        self.calendar_event_id.sudo().action_archive()
        self._workflow_write({"state": "cancelled"})
        self.activity_unlink([ACTIVITY_VISIT])
        self._meeting_activities().unlink()

    # ------------------------------------------------------------ helpers
    def _create_calendar_events(self):
        """One meeting per visit in the visitor's calendar, at the appointment."""
        model = self.env["ir.model"]._get(self._name)
        vals_list = []
        for visit in self:
            lang_env = visit.with_context(lang=visit.user_id.lang).env
            vals_list.append(
                {
                    "name": lang_env._(
                        "Return visit: %(customer)s", customer=visit.partner_id.name
                    ),
                    "start": visit.date_appointment,
                    "stop": visit.date_appointment + timedelta(hours=APPOINTMENT_HOURS),
                    "user_id": visit.user_id.id,
                    "partner_ids": [(6, 0, visit.user_id.partner_id.ids)],
                    "description": lang_env._(
                        "Contact person: %(contact)s", contact=visit.contact_id.display_name
                    ),
                    "res_model_id": model.id,
                    "res_id": visit.id,
                }
            )
        # sudo: the event is the visitor's (the officer may appoint for him); calendar
        # rights are not the archive's. Attendees are not mailed: only the visitor.
        return (
            self.env["calendar.event"]
            .sudo()
            .with_context(no_mail_to_attendees=True, mail_create_nolog=True)
            .create(vals_list)
        )

    def _meeting_activities(self):
        """The activities the visits' meetings opened for their visitors."""
        return self.activity_ids.filtered(
            lambda activity: (
                activity.calendar_event_id and activity.calendar_event_id in self.calendar_event_id
            )
        )

    def _schedule_visit_activities(self):
        self._schedule_activities(
            ACTIVITY_VISIT,
            {visit: visit.user_id for visit in self},
            lambda visit, env: env._(
                "Visit %(customer)s by %(date)s",
                customer=visit.partner_id.name,
                date=visit.date_due,
            ),
            lambda visit: visit.date_due,
        )

    def _schedule_activities(self, activity_xmlid, users, summary, deadline=None):
        """One activity per visit for ``users[visit]``, its summary written in that
        user's language (``summary(visit, env)`` with ``env`` in that language); all in one
        create."""
        vals_list = []
        for visit in self:
            vals = visit._workflow_activity_values(
                activity_xmlid,
                users.get(visit),
                lambda env, visit=visit: summary(visit, env),
                (deadline(visit) if deadline else None) or fields.Date.context_today(visit),
            )
            if vals:
                vals_list.append(vals)
        if vals_list:
            # sudo: the visitor asks his supervisor's review, the reviewer the keeper's
            # filing: activities for others on a visit the user may write.
            self.env["mail.activity"].sudo().create(vals_list)

    def _default_reviewer(self):
        """Who reviews: the author of the plan when he is a manager, else a manager of
        the company; never the visitor."""
        plan_user = self.plan_id.user_id
        if plan_user and plan_user != self.user_id and plan_user.has_group(MANAGER):
            return plan_user
        managers = (
            self.env.ref(MANAGER)
            .sudo()
            .users.filtered(
                lambda u: not u.share and u != self.user_id and self.company_id in u.company_ids
            )
        )
        return managers[:1]

    def _hand_to_who_may_read(self):
        """The open visits whose visitor may no longer read their dossier (it was made
        secret) go to whoever greets the customer now, its keeper, with their activities
        and meetings; the former visitor stops following them."""
        Occasion = self.env["customer.archive.care.occasion"]
        for visit in self.filtered(lambda v: v.state in OPEN_STATES):
            old = visit.user_id
            archive = visit.archive_id.with_user(old).with_context(
                active_test=False, allowed_company_ids=old.sudo().company_ids.ids
            )
            new = Occasion._care_user(visit.archive_id)
            if archive.has_access("read") or not new or new == old:
                continue
            visit._workflow_write({"user_id": new.id})
            visit.activity_ids.filtered(lambda a, u=old: a.user_id == u).write({"user_id": new.id})
            if visit.calendar_event_id:
                visit.calendar_event_id.write(
                    {"user_id": new.id, "partner_ids": [Command.set(new.partner_id.ids)]}
                )
            visit.message_unsubscribe(partner_ids=old.partner_id.ids)

    def _report_body(self):
        """The visit report (客户回访报告) as the dossier keeps it."""
        self.ensure_one()
        labels = [
            ("name", self.name),
            ("user_id", self.user_id.name),
            ("date_done", format_datetime(self.env, self.date_done, tz=self.user_id.tz)),
            ("met_person", self.met_person),
            ("needs", self.needs),
            ("opinion_product", self.opinion_product),
            ("opinion_service", self.opinion_service),
            ("complaints", self.complaints),
            ("follow_up", self.follow_up),
            ("reviewer_id", self.reviewer_id.name),
            ("review_note", self.review_note),
        ]
        rows = Markup("").join(
            Markup("<li><b>%s</b>: %s</li>")
            % (self._fields[fname].get_description(self.env)["string"], value)
            for fname, value in labels
            if value
        )
        title = self.env._("Return visit report")
        return Markup("<p><b>%s</b></p><ul>%s</ul>") % (title, rows)

    def _post_report_on_archive(self):
        for visit in self:
            # sudo: the report is the dossier's record, filed by whoever files the visit
            visit.archive_id.sudo()._post_in_readers_lang(
                lambda env, visit=visit: visit.with_context(lang=env.lang)._report_body(),
                author_id=self.env.user.partner_id.id,
                subtype_xmlid="customer_archive.mt_visit_report",
                message_type="comment",
                attachment_ids=visit.attachment_ids.ids,
            )

    @api.model
    def _last_visit_dates(self, archive_ids):
        """The date of the last visit made to each archive, in one query."""
        if not archive_ids:
            return {}
        # sudo: whether and when a customer was visited decides what is planned,
        # whoever may read the visits themselves; only dates are returned.
        groups = self.sudo()._read_group(
            [("archive_id", "in", list(archive_ids)), ("state", "in", MADE_STATES)],
            ["archive_id"],
            ["date_done:max"],
        )
        return {archive.id: last.date() for archive, last in groups if last}

    @api.model
    def _archives_with_open_visit(self, archive_ids):
        # sudo: a visit already open is open whoever may read it
        groups = self.sudo()._read_group(
            [("archive_id", "in", list(archive_ids)), ("state", "in", OPEN_STATES)],
            ["archive_id"],
        )
        return {archive.id for (archive,) in groups}

    def action_print(self):
        return self.env.ref("customer_archive_visit.customer_archive_visit_report").report_action(
            self
        )
