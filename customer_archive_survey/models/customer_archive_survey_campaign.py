"""The yearly customer satisfaction survey (顾客满意度调查).

A campaign sends the 《顾客满意度调查表》 (a survey shipped with the addon) to the
contacts of the customers that have an email and a current consent to be surveyed;
every answer keeps its customer's dossier. Closed, the analysis (per question, grade,
province and salesperson) is approved by a manager and printed as the
顾客满意度调查分析报告. Answers scoring under the company's target open a corrective
action for the salesperson (see ``survey_user_input.py``)."""

import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.customer_archive.models.customer_archive_workflow_mixin import (
    Transition,
    door_open,
)
from odoo.addons.customer_archive.tools.customer_archive_groups import MANAGER, OFFICER

SURVEY = "customer_archive_survey.survey_customer_satisfaction"
MIN_YEAR, MAX_YEAR = 2000, 2100
# what the campaign asks: changed while it is a draft, frozen once sent
REQUEST_FIELDS = {"year", "company_id", "survey_id", "archive_ids", "date_deadline"}
# a campaign of up to this many customers is sent in the request; a larger one in the
# background, a batch of customers at a time
INLINE_SEND = 200
SEND_BATCH = 100


class CustomerArchiveSurveyCampaign(models.Model):
    _name = "customer.archive.survey.campaign"
    _description = "Customer Satisfaction Survey Campaign"
    _inherit = [
        "customer.archive.workflow.mixin",
        "customer.archive.job.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "year desc, id desc"
    _check_company_auto = True

    _workflow_transitions = (
        Transition("send", ("draft",), "sent", OFFICER),
        Transition("close", ("sent",), "closed", OFFICER),
        Transition("approve", ("closed",), "approved", MANAGER),
    )
    _workflow_stamped_fields = (
        "sender_id",
        "date_sent",
        "date_closed",
        "approver_id",
        "date_approved",
    )
    _text_limits = {"name": 200, "conclusion": 10000}

    name = fields.Char(
        required=True,
        tracking=True,
        default=lambda self: self.env._("Customer Satisfaction Survey"),
    )
    year = fields.Integer(
        required=True, tracking=True, default=lambda self: fields.Date.context_today(self).year
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        ondelete="restrict",
        default=lambda self: self.env.ref(SURVEY, raise_if_not_found=False),
    )
    archive_ids = fields.Many2many(
        "customer.archive",
        "customer_archive_survey_campaign_archive_rel",
        "campaign_id",
        "archive_id",
        string="Customers",
        check_company=True,
        domain="[('state', '=', 'active')]",
        help="Leave empty to survey every active customer of the company.",
    )
    date_deadline = fields.Date(string="Answer By")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("closed", "Closed"),
            ("approved", "Approved"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    sender_id = fields.Many2one("res.users", string="Sent By", readonly=True, copy=False)
    date_sent = fields.Datetime(string="Sent On", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    approver_id = fields.Many2one(
        "res.users", string="Approved By", readonly=True, copy=False, tracking=True
    )
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    conclusion = fields.Text(
        string="Conclusions", help="What the analysis shows and what will be done about it."
    )
    answer_ids = fields.One2many(
        "survey.user_input", "customer_archive_campaign_id", string="Answers", readonly=True
    )
    answer_count = fields.Integer(string="Sent", compute="_compute_answer_stats")
    done_count = fields.Integer(string="Answered", compute="_compute_answer_stats")
    average_score = fields.Float(digits=(3, 2), compute="_compute_answer_stats")
    can_send = fields.Boolean(compute="_compute_workflow_can")
    can_close = fields.Boolean(compute="_compute_workflow_can")
    can_approve = fields.Boolean(compute="_compute_workflow_can")

    @api.depends("answer_ids.state", "answer_ids.customer_archive_score")
    def _compute_answer_stats(self):
        for campaign in self:
            done = campaign.answer_ids.filtered(lambda answer: answer.state == "done")
            scores = [score for score in done.mapped("customer_archive_score") if score]
            campaign.answer_count = len(campaign.answer_ids)
            campaign.done_count = len(done)
            campaign.average_score = sum(scores) / len(scores) if scores else 0.0

    @api.constrains("year", "date_deadline")
    def _check_dates(self):
        for campaign in self:
            if not MIN_YEAR <= campaign.year <= MAX_YEAR:
                raise ValidationError(
                    self.env._(
                        "The year of a survey campaign lies between %(min)s and %(max)s.",
                        min=MIN_YEAR,
                        max=MAX_YEAR,
                    )
                )
            if campaign.date_deadline and not (MIN_YEAR <= campaign.date_deadline.year <= MAX_YEAR):
                raise ValidationError(self.env._("The answer date is not a plausible date."))

    def write(self, vals):
        self._check_request_write(vals)
        return super().write(vals)

    def _check_request_write(self, vals):
        if door_open(self._name):
            return
        changed = self._workflow_changed_fields(vals, REQUEST_FIELDS)
        if changed and any(campaign.state != "draft" for campaign in self):
            raise UserError(self.env._("A survey campaign is changed only while it is a draft."))
        if self._workflow_changed_fields(vals, {"conclusion"}) and any(
            campaign.state == "approved" for campaign in self
        ):
            raise UserError(self.env._("The conclusions of an approved analysis are final."))

    # ------------------------------------------------------------ workflow
    def action_send(self):
        self._workflow_run("send")
        return True

    def _action_send(self):
        """Send now; a campaign of many customers sends in the background, a batch at a
        time, and is sent when the last batch is."""
        self._job_check_idle()
        for campaign in self:
            if len(campaign._target_archives()) > INLINE_SEND:
                campaign._check_sendable()
                campaign._job_start(
                    self.env._("Sending of %(campaign)s", campaign=campaign.name), kind="send"
                )
                continue
            campaign._send_survey()
            campaign._mark_sent()

    def _mark_sent(self):
        self._workflow_write(
            {"state": "sent", "sender_id": self.env.uid, "date_sent": fields.Datetime.now()}
        )

    def _check_sendable(self):
        if self.date_deadline and self.date_deadline < fields.Date.context_today(self):
            raise UserError(self.env._("The answer date of a survey to send is not past."))
        if not self.survey_id.active:
            raise UserError(self.env._("The survey of this campaign is archived."))

    def _job_step(self, job, deadline):
        """A batch of the sending, the customers in the order of their ids."""
        cursor = dict(job.cursor or {"last": 0, "sent": 0, "left_out": 0, "people": 0})
        targets = self._target_archives().sorted("id")
        todo = targets.filtered(lambda a: a.id > cursor["last"])
        while todo:  # one batch at least, then until the deadline
            batch, todo = todo[:SEND_BATCH], todo[SEND_BATCH:]
            people, recipients = self._people_and_recipients(batch)
            cursor["people"] += len(people)
            cursor["left_out"] += len(people) - len(recipients)
            cursor["sent"] += len(self._send_to(recipients))
            cursor["last"] = batch[-1].id
            if time.monotonic() > deadline:
                break
        if todo:
            job._set_progress(len(targets) - len(todo), len(targets), cursor)
            return False
        if not cursor["sent"]:
            return self._nobody_message(bool(cursor["people"]))
        self._post_sent(cursor["sent"], cursor["left_out"])
        self._mark_sent()
        job._set_progress(
            len(targets), len(targets), {}, self._sent_message(cursor["sent"], cursor["left_out"])
        )
        return True

    def action_close(self):
        self._workflow_run("close")
        return True

    def _action_close(self):
        self._workflow_write({"state": "closed", "date_closed": fields.Datetime.now()})

    def action_approve(self):
        self._workflow_run("approve")
        return True

    def _action_approve(self):
        self._workflow_write(
            {
                "state": "approved",
                "approver_id": self.env.uid,
                "date_approved": fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------ sending
    def _target_archives(self):
        self.ensure_one()
        if self.archive_ids:
            return self.archive_ids.filtered(lambda archive: archive.state == "active")
        return self.env["customer.archive"].search(
            [("state", "=", "active"), ("company_id", "=", self.company_id.id)]
        )

    def _people_and_recipients(self, archives):
        """The customers and contacts with an email of ``archives``, and of them the
        ``(dossier, contact)`` that have a current consent to surveys on the dossier."""
        people = [
            (archive, person)
            for archive in archives
            for person in archive.partner_id | archive.partner_id.child_ids
            if person.email_normalized
        ]
        consents = self.env["customer.archive.consent"].search(
            [
                ("archive_id", "in", archives.ids),
                ("purpose", "=", "survey"),
                ("is_current", "=", True),
            ]
        )
        consented = {(consent.archive_id.id, consent.partner_id.id) for consent in consents}
        return people, [pair for pair in people if (pair[0].id, pair[1].id) in consented]

    def _nobody_message(self, with_email):
        if not with_email:
            return self.env._(
                "None of the customers of %(campaign)s has a contact with an email: "
                "there is nobody to send the survey to.",
                campaign=self.display_name,
            )
        return self.env._(
            "No contact with an email of the customers of %(campaign)s has a current "
            "consent to satisfaction surveys on record: nothing is sent.",
            campaign=self.display_name,
        )

    def _recipients(self):
        """[(dossier, contact)] to send the survey to: the customer and its contacts that
        have an email and a current consent to surveys on the dossier.

        Refused, with what is missing, when nobody is left."""
        self.ensure_one()
        people, recipients = self._people_and_recipients(self._target_archives())
        if not recipients:
            raise UserError(self._nobody_message(bool(people)))
        return recipients, len(people) - len(recipients)

    def _send_survey(self):
        """Create one answer per recipient, tied to his dossier, and mail the invitation
        in his language."""
        self.ensure_one()
        self._check_sendable()
        recipients, without_consent = self._recipients()
        answers = self._send_to(recipients)
        self._post_sent(len(answers), without_consent)

    def _send_to(self, recipients):
        """The answers of ``recipients`` not asked yet, created and their invitations
        mailed."""
        # sudo: every answer already sent counts, those of secret dossiers included
        asked = {
            (answer.customer_archive_id.id, answer.partner_id.id)
            for answer in self.sudo().answer_ids
        }
        recipients = [pair for pair in recipients if (pair[0].id, pair[1].id) not in asked]
        deadline = self.date_deadline and fields.Datetime.to_datetime(
            self.date_deadline
        ) + timedelta(hours=23, minutes=59)
        # sudo: the answers of the archive are the campaign's to create (its rules keep
        # every user off them); they are the customers' to fill in
        answers = (
            self.env["survey.user_input"]
            .sudo()
            .create(
                [
                    {
                        "survey_id": self.survey_id.id,
                        "partner_id": person.id,
                        "email": person.email,
                        "nickname": person.name,
                        "deadline": deadline,
                        "customer_archive_campaign_id": self.id,
                        "customer_archive_id": archive.id,
                    }
                    for archive, person in recipients
                ]
            )
        )
        if answers:
            template = self.env.ref("survey.mail_template_user_input_invite")
            template.send_mail_batch(answers.ids)
        return answers

    def _sent_message(self, count, skipped):
        return self.env._(
            "Survey sent to %(count)s contacts; %(skipped)s contacts with an email have "
            "no consent to surveys and were left out.",
            count=count,
            skipped=skipped,
        )

    def _post_sent(self, count, skipped):
        self.message_post(body=self._sent_message(count, skipped), subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------ analysis
    def _analysis_by(self, groupby):
        """[(label, answers, average score)] of this campaign's answers grouped by
        ``groupby``, a field of ``customer.archive.survey.analysis``."""
        self.ensure_one()
        Analysis = self.env["customer.archive.survey.analysis"]
        groups = Analysis._read_group(
            [("campaign_id", "=", self.id)],
            [groupby],
            ["answer_id:count_distinct", "score:avg"],
            order=f"{groupby} asc",
        )
        field = Analysis._fields[groupby]
        labels = dict(field._description_selection(self.env)) if field.type == "selection" else None
        rows = []
        for value, count, average in groups:
            if labels is not None:
                label = labels.get(value, self.env._("None"))
            else:
                label = value.display_name if value else self.env._("None")
            rows.append((label, count, average))
        return rows

    def action_open_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive_survey.customer_archive_survey_analysis_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    def action_print_report(self):
        return self.env.ref(
            "customer_archive_survey.customer_archive_survey_campaign_report"
        ).report_action(self)
