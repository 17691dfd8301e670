from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.customer_archive.tests.common import (
    RPC_FAULT_CODE_WARNING,
    CustomerArchiveCase,
    CustomerArchiveRpcCase,
)

CAMPAIGN = "customer.archive.survey.campaign"
QUESTIONS = ("service", "price", "delivery", "after_sales", "overall")


class SurveyCampaignMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("customer_archive_survey.survey_customer_satisfaction")
        cls.contact_own.email = "liuhaiyan@pujiang.example.com"
        cls.contact_other = cls.env["res.partner"].create(
            {
                "name": "黄志强",
                "parent_id": cls.partner_other.id,
                "email": "huang@pengcheng.example.com",
            }
        )
        cls.env["customer.archive.consent"].create(
            {
                "archive_id": cls.archive_own.id,
                "partner_id": cls.contact_own.id,
                "purpose": "survey",
                "date": "2025-01-10",
            }
        )
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()

    def new_campaign(self, archives, user=None):
        return (
            self.env[CAMPAIGN]
            .with_user(user or self.officer)
            .create({"name": "2026 年度顾客满意度调查", "archive_ids": [Command.set(archives.ids)]})
        )

    def answer(self, answer, score):
        """The customer answers every scored question with ``score`` and submits, as
        survey's controller does it for him (sudo)."""
        answer = answer.sudo()
        for key in QUESTIONS:
            question = self.env.ref(f"customer_archive_survey.survey_question_{key}")
            suggestion = self.env.ref(f"customer_archive_survey.survey_answer_{key}_{score}")
            answer._save_lines(question, suggestion.id)
        answer._mark_done()


@tagged("post_install", "-at_install")
class TestSurveyCampaign(SurveyCampaignMixin, CustomerArchiveCase):
    def test_officer_creates_campaign_from_form(self):
        """The archive keeper saves a new campaign from its form, in draft, with the
        addon's survey."""
        with Form(self.env[CAMPAIGN].with_user(self.officer)) as form:
            form.name = "2026 年度顾客满意度调查"
            form.archive_ids.add(self.archive_own)
        campaign = form.record
        self.assertEqual(campaign.state, "draft")
        self.assertEqual(campaign.survey_id, self.survey)

    def test_send_reaches_consenting_contacts_linked_to_their_dossier(self):
        """Sending creates one answer per consenting contact with an email, tied to the
        customer's dossier and the campaign; contacts without consent are left out."""
        campaign = self.new_campaign(self.archive_own | self.archive_other)
        campaign.action_send()
        self.assertEqual(campaign.state, "sent")
        self.assertEqual(campaign.sender_id, self.officer)
        self.assertEqual(campaign.answer_ids.partner_id, self.contact_own)
        self.assertEqual(campaign.answer_ids.customer_archive_id, self.archive_own)
        self.assertEqual(campaign.answer_ids.survey_id, self.survey)

    def test_each_answer_linked_to_its_own_dossier(self):
        """With two customers surveyed, each contact's answer belongs to the dossier of
        his own company, and sending again asks nobody twice."""
        self.env["customer.archive.consent"].create(
            {
                "archive_id": self.archive_other.id,
                "partner_id": self.contact_other.id,
                "purpose": "survey",
                "date": "2025-01-10",
            }
        )
        campaign = self.new_campaign(self.archive_own | self.archive_other)
        campaign.action_send()
        links = {answer.partner_id: answer.customer_archive_id for answer in campaign.answer_ids}
        self.assertEqual(
            links, {self.contact_own: self.archive_own, self.contact_other: self.archive_other}
        )
        campaign._send_survey()
        self.assertEqual(len(campaign.answer_ids), 2)

    def test_campaign_without_email_refused(self):
        """A campaign whose customers have no contact with an email is refused; nothing
        is sent and it stays a draft."""
        campaign = self.new_campaign(self.archive_kept)
        with self.assertRaisesRegex(UserError, "email"):
            campaign.action_send()
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.answer_ids)

    def test_campaign_without_consent_refused(self):
        """Contacts with an email but no consent to surveys receive nothing."""
        campaign = self.new_campaign(self.archive_other)
        with self.assertRaisesRegex(UserError, "consent"):
            campaign.action_send()
        self.assertEqual(campaign.state, "draft")

    def test_withdrawn_consent_is_not_current(self):
        """A withdrawn consent does not let the survey go out."""
        consent = self.archive_own.consent_ids.filtered(lambda c: c.purpose == "survey")
        consent.date_withdrawn = "2025-06-01"
        campaign = self.new_campaign(self.archive_own)
        with self.assertRaises(UserError):
            campaign.action_send()

    def test_low_score_opens_one_corrective_action(self):
        """An answer under the company's target opens one corrective action on the
        dossier for the salesperson, never a second one for the same answer."""
        campaign = self.new_campaign(self.archive_own)
        campaign.action_send()
        self.answer(campaign.answer_ids, 2)
        self.assertEqual(campaign.answer_ids.customer_archive_score, 2.0)
        activity_type = self.env.ref("customer_archive_survey.mail_activity_type_corrective_action")
        activities = self.archive_own.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.reader)
        campaign.answer_ids._open_corrective_actions()
        campaign.answer_ids.sudo()._mark_done()  # as survey's controller, for the customer
        self.assertEqual(
            len(
                self.archive_own.activity_ids.filtered(
                    lambda a: a.activity_type_id == activity_type
                )
            ),
            1,
        )

    def test_good_score_opens_nothing(self):
        """An answer at or above the target opens no corrective action."""
        campaign = self.new_campaign(self.archive_own)
        campaign.action_send()
        self.answer(campaign.answer_ids, 4)
        self.assertFalse(campaign.answer_ids.customer_archive_action_opened)
        self.assertFalse(self.archive_own.activity_ids)

    def test_analysis_and_approval(self):
        """The analysis groups the answers per question, grade, province and
        salesperson; a manager approves it, the report prints his name."""
        campaign = self.new_campaign(self.archive_own)
        campaign.action_send()
        self.answer(campaign.answer_ids, 5)
        campaign.action_close()
        rows = campaign.with_user(self.officer)._analysis_by("question_id")
        self.assertEqual(len(rows), 5)
        self.assertTrue(all(count == 1 and average == 5 for _label, count, average in rows))
        self.assertEqual(campaign._analysis_by("salesperson_id")[0][0], self.reader.name)
        campaign.with_user(self.manager).action_approve()
        self.assertEqual(campaign.state, "approved")
        self.assertEqual(campaign.approver_id, self.manager)
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "customer_archive_survey.customer_archive_survey_campaign_report", campaign.ids
            )
        )
        self.assertIn(self.manager.name, html.decode())

    def test_secret_dossier_answers_hidden_from_officer(self):
        """The answers of a secret dossier are in a manager's analysis, not in that of an
        officer who does not keep it."""
        contact = self.env["res.partner"].create(
            {
                "name": "林晓红",
                "parent_id": self.partner_secret.id,
                "email": "lin@ludao.example.com",
            }
        )
        self.archive_secret.action_activate()
        self.env["customer.archive.consent"].create(
            {
                "archive_id": self.archive_secret.id,
                "partner_id": contact.id,
                "purpose": "survey",
                "date": "2025-01-10",
            }
        )
        campaign = self.new_campaign(self.archive_secret, user=self.manager)
        campaign.action_send()
        self.answer(campaign.answer_ids, 3)
        Analysis = self.env["customer.archive.survey.analysis"]
        domain = [("campaign_id", "=", campaign.id)]
        self.assertEqual(Analysis.with_user(self.manager).search_count(domain), 5)
        self.assertEqual(Analysis.with_user(self.officer).search_count(domain), 0)

    def test_wrong_users_refused(self):
        """A reader cannot run a campaign, an officer cannot approve it, nobody writes
        its state."""
        with self.assertRaises(AccessError):
            self.new_campaign(self.archive_own, user=self.reader)
        campaign = self.new_campaign(self.archive_own)
        with self.assertRaises(AccessError):
            campaign.with_user(self.reader).action_send()
        campaign.action_send()
        campaign.action_close()
        with self.assertRaises(AccessError):
            campaign.with_user(self.officer).action_approve()
        with self.assertRaises(AccessError):
            campaign.with_user(self.manager).write({"state": "approved"})
        self.assertEqual(campaign.state, "closed")

    def test_steps_out_of_order_refused(self):
        """A draft cannot be approved nor a sent campaign's customers changed."""
        campaign = self.new_campaign(self.archive_own)
        with self.assertRaises(UserError):
            campaign.with_user(self.manager).action_approve()
        campaign.action_send()
        with self.assertRaises(UserError):
            campaign.write({"archive_ids": [Command.link(self.archive_other.id)]})

    def test_absurd_year_refused(self):
        """A year out of range is refused."""
        with self.assertRaises(ValidationError):
            self.env[CAMPAIGN].with_user(self.officer).create({"name": "x", "year": 99999})


@tagged("post_install", "-at_install")
class TestSurveyCampaignRpc(SurveyCampaignMixin, CustomerArchiveRpcCase):
    def test_campaign_steps_over_rpc(self):
        """Over XML-RPC too: a reader cannot send, an officer cannot approve nor write
        the state; a campaign without emails is a clear warning."""
        campaign = self.new_campaign(self.archive_own)
        with self.assertRpcFault():
            self.rpc(self.reader, CAMPAIGN, "action_send", campaign.ids)
        with self.assertRpcFault():
            self.rpc(self.officer, CAMPAIGN, "write", campaign.ids, {"state": "sent"})
        self.rpc(self.officer, CAMPAIGN, "action_send", campaign.ids)
        self.rpc(self.officer, CAMPAIGN, "action_close", campaign.ids)
        with self.assertRpcFault():
            self.rpc(self.officer, CAMPAIGN, "action_approve", campaign.ids)
        self.rpc(self.manager, CAMPAIGN, "action_approve", campaign.ids)
        campaign.invalidate_recordset()
        self.assertEqual(campaign.state, "approved")
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.survey.analysis", "search_read", [], ["score"])
        empty = self.new_campaign(self.archive_kept)
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(self.officer, CAMPAIGN, "action_send", empty.ids)
