"""Satisfaction survey answers tied to the customer's dossier and campaign.

An answer of a campaign scoring under the company's target opens one corrective action
(纠正预防措施) on the dossier for the customer's salesperson, once per answer."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.customer_archive.models.customer_archive_workflow_mixin import changed_fields

CORRECTIVE_ACTIVITY = "customer_archive_survey.mail_activity_type_corrective_action"
# what ties an answer to the archive: set by the campaign that sends it, and by the
# corrective action it opens, never by hand (the form's readonly binds only the form)
ARCHIVE_FIELDS = (
    "customer_archive_campaign_id",
    "customer_archive_id",
    "customer_archive_action_opened",
)


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    customer_archive_campaign_id = fields.Many2one(
        "customer.archive.survey.campaign",
        string="Satisfaction Campaign",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
    )
    customer_archive_id = fields.Many2one(
        "customer.archive",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
    )
    customer_archive_score = fields.Float(
        string="Satisfaction Score",
        digits=(3, 2),
        compute="_compute_customer_archive_score",
        store=True,
        help="Average of the scored questions, from 1 (very dissatisfied) to 5 (very satisfied).",
    )
    customer_archive_action_opened = fields.Boolean(
        string="Corrective Action Opened", readonly=True, copy=False
    )

    @api.depends(
        "user_input_line_ids.answer_score",
        "user_input_line_ids.skipped",
        "user_input_line_ids.question_id.question_type",
    )
    def _compute_customer_archive_score(self):
        for answer in self:
            scores = [
                line.answer_score
                for line in answer.user_input_line_ids
                if not line.skipped
                and line.question_id.question_type == "simple_choice"
                and line.answer_score
            ]
            answer.customer_archive_score = sum(scores) / len(scores) if scores else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get(fname) for vals in vals_list for fname in ARCHIVE_FIELDS
        ):
            raise AccessError(self._archive_fields_refusal())
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and changed_fields(self, vals, ARCHIVE_FIELDS):
            raise AccessError(self._archive_fields_refusal())
        return super().write(vals)

    def _archive_fields_refusal(self):
        return self.env._(
            "An answer is tied to a customer archive and its campaign by the campaign that "
            "sends it, never by hand."
        )

    def _mark_done(self):
        result = super()._mark_done()
        self._open_corrective_actions()
        return result

    def _open_corrective_actions(self):
        """One corrective action per campaign answer under its company's target."""
        # sudo: the customer (a public visitor) finishing his answer opens the activity of
        # the salesperson on the dossier; nothing of the dossier is shown to him.
        answers = self.sudo().filtered(
            lambda answer: (
                answer.customer_archive_campaign_id
                and answer.customer_archive_id
                and not answer.customer_archive_action_opened
                and answer.state == "done"
                and 0
                < answer.customer_archive_score
                < answer.customer_archive_campaign_id.company_id.customer_archive_survey_target
            )
        )
        if not answers:
            return
        Occasion = self.env["customer.archive.care.occasion"]
        activity_type = self.env.ref(CORRECTIVE_ACTIVITY)
        model_id = self.env["ir.model"]._get_id("customer.archive")
        vals_list = []
        for answer in answers:
            archive = answer.customer_archive_id
            user = Occasion._care_user(archive)
            lang_self = answer.with_context(lang=user.lang or "en_US")
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": archive.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": lang_self.env._(
                        "Corrective action: %(customer)s scored %(score).1f in %(campaign)s",
                        customer=archive.partner_id.name,
                        score=answer.customer_archive_score,
                        campaign=answer.customer_archive_campaign_id.name,
                    ),
                    "note": lang_self.env._(
                        "%(person)s rated us under the target of %(target).1f. Find the cause, "
                        "agree the corrective and preventive actions (纠正预防措施) with the "
                        "customer and note them on the dossier.",
                        person=answer.partner_id.name or answer.email,
                        target=archive.company_id.customer_archive_survey_target,
                    ),
                }
            )
        answers.env["mail.activity"].create([vals for vals in vals_list if vals["user_id"]])
        answers.write({"customer_archive_action_opened": True})
