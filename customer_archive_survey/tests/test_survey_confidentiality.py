"""The survey answers of the campaigns keep their dossier's confidentiality, tried as each
user who must be refused, through the ORM and over RPC."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_archive.tests.common import ConfidentialityCase

ANSWER = "survey.user_input"


@tagged("post_install", "-at_install")
class TestSurveyConfidentiality(ConfidentialityCase):
    """See ConfidentialityCase for the dossiers; ``contact_secret`` is a contact of the
    secret dossier's customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_secret = cls.env["res.partner"].create(
            {"name": "林晓红", "parent_id": cls.partner_secret.id}
        )
        cls.survey_user = new_test_user(
            cls.env,
            "ca_survey_user",
            "base.group_user,survey.group_survey_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _campaign_answers(self):
        """An answer of a campaign per dossier: own, secret."""
        survey = self.env.ref("customer_archive_survey.survey_customer_satisfaction")
        campaign = self.env["customer.archive.survey.campaign"].create(
            {"name": "2026 年度顾客满意度调查", "archive_ids": [Command.set(self.archive_own.ids)]}
        )
        answers = self.env[ANSWER]
        for archive, contact in (
            (self.archive_own, self.contact_own),
            (self.archive_secret, self.contact_secret),
        ):
            answers |= answers.create(
                {
                    "survey_id": survey.id,
                    "partner_id": contact.id,
                    "customer_archive_campaign_id": campaign.id,
                    "customer_archive_id": archive.id,
                }
            )
        return campaign, answers

    def test_survey_answers_follow_the_dossier_rules(self):
        """An officer reads no answer of a secret dossier he does not keep, nor its lines;
        an employee outside the archive groups with every survey right reads no answer
        of the archive at all; the keeper manager reads both."""
        _campaign, answers = self._campaign_answers()
        own, secret = answers
        Answer = self.env[ANSWER]
        self.assertEqual(Answer.with_user(self.officer).search([("id", "in", answers.ids)]), own)
        with self.assertRaises(AccessError):
            secret.with_user(self.officer).read(["partner_id"])
        self.assertFalse(Answer.with_user(self.survey_user).search([("id", "in", answers.ids)]))
        with self.assertRpcFault():
            self.rpc(self.survey_user, ANSWER, "read", own.ids, ["customer_archive_id"])
        self.assertFalse(
            self.rpc(
                self.survey_user,
                "survey.user_input.line",
                "search",
                [("user_input_id", "in", answers.ids)],
            )
            + self.rpc(
                self.officer,
                "survey.user_input.line",
                "search",
                [("user_input_id", "=", secret.id)],
            )
        )
        self.assertEqual(
            Answer.with_user(self.manager).search([("id", "in", answers.ids)]), answers
        )

    def test_survey_answer_links_are_not_writable(self):
        """Nobody re-links an answer to another dossier or campaign, or sets its
        corrective action as opened, nor creates an answer linked to a dossier, through
        the ORM or over RPC; nor rewrites or deletes an archive answer."""
        _campaign, answers = self._campaign_answers()
        own = answers[0]
        for user in (self.officer, self.manager):
            for vals in (
                {"customer_archive_id": self.archive_other.id},
                {"customer_archive_campaign_id": False},
                {"customer_archive_action_opened": True},
            ):
                with self.subTest(user=user.name, vals=vals):
                    with self.assertRaises(AccessError):
                        own.with_user(user).write(vals)
                    with self.assertRpcFault():
                        self.rpc(user, ANSWER, "write", own.ids, vals)
            with self.assertRpcFault():
                self.rpc(
                    user,
                    ANSWER,
                    "create",
                    {"survey_id": own.survey_id.id, "customer_archive_id": self.archive_own.id},
                )
            with self.assertRpcFault():
                self.rpc(user, ANSWER, "unlink", own.ids)
        self.assertEqual(own.customer_archive_id, self.archive_own)
        self.assertFalse(own.customer_archive_action_opened)
