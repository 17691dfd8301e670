from odoo import Command
from odoo.tests import tagged

from odoo.addons.customer_archive.tests.test_web_client_saves import WebClientSaveCase


@tagged("post_install", "-at_install")
class TestSurveyFormSaves(WebClientSaveCase):
    """The campaign's form saves as the web client saves it (every field of the view with
    its default), as the manager, on classified customers with active dossiers; then an
    edit sent back whole saves too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a campaign asks active dossiers, as a company's are
        (cls.archive_own | cls.archive_other).with_user(cls.officer).action_activate()

    def test_manager_saves_a_campaign(self):
        campaign = self.web_create(
            "customer.archive.survey.campaign",
            self.manager,
            {"archive_ids": [Command.set(self.archive_own.ids)]},
        )
        self.assertTrue(campaign.exists())
        self.web_write(campaign, self.manager, {"name": "年度满意度调查"})
        self.assertEqual(campaign.name, "年度满意度调查")

    def test_years_shown_without_thousands_separator(self):
        """A year reads 2025, not "2,025", in the campaigns' list and form."""
        for xmlid in (
            "customer_archive_survey_campaign_view_list",
            "customer_archive_survey_campaign_view_form",
        ):
            with self.subTest(view=xmlid):
                view = self.env.ref(f"customer_archive_survey.{xmlid}")
                arch = self.env["customer.archive.survey.campaign"].get_view(view.id, view.type)[
                    "arch"
                ]
                fields = [part for part in arch.split("<field ") if part.startswith('name="year"')]
                self.assertTrue(fields)
                for field in fields:
                    self.assertIn("'enable_formatting': false", field)
