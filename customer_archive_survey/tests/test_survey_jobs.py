"""A large campaign is sent in the background, a batch of customers at a time."""

from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.customer_archive.tests.common import CustomerArchiveRpcCase, run_background_jobs

from ..models import customer_archive_survey_campaign as campaign_module


@tagged("post_install", "-at_install")
class TestBackgroundCampaign(CustomerArchiveRpcCase):
    """Tested with the number sent in the request made small."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()

    def run_jobs(self):
        return run_background_jobs(self)

    def test_campaign_sends_in_batches(self):
        """A large campaign sends in the background and is sent when the last batch is;
        the keeper is told."""
        self.contact_own.email = "liuhaiyan@pujiang.example.com"
        self.env["customer.archive.consent"].create(
            {
                "archive_id": self.archive_own.id,
                "partner_id": self.contact_own.id,
                "purpose": "survey",
                "date": "2025-01-10",
            }
        )
        campaign = (
            self.env["customer.archive.survey.campaign"]
            .with_user(self.officer)
            .create(
                {
                    "name": "2026 年度顾客满意度调查",
                    "archive_ids": [(6, 0, (self.archive_own | self.archive_other).ids)],
                }
            )
        )
        with (
            patch.object(campaign_module, "INLINE_SEND", 0),
            patch.object(campaign_module, "SEND_BATCH", 1),
        ):
            campaign.action_send()
            self.assertEqual(campaign.state, "draft")
            self.run_jobs()
        self.assertEqual(campaign.state, "sent")
        self.assertEqual(campaign.sudo().answer_ids.partner_id, self.contact_own)
        told = campaign.message_ids.filtered(lambda m: self.officer.partner_id in m.partner_ids)
        self.assertTrue(told)
