from odoo.tests import TransactionCase, tagged

from odoo.addons.customer_archive.tests.zh_cn_common import ZhCnTranslationMixin


@tagged("post_install", "-at_install")
class TestSurveyZhCnTranslation(ZhCnTranslationMixin, TransactionCase):
    _zh_cn_module = "customer_archive_survey"

    def test_interface_shown_in_chinese(self):
        """A zh_CN user sees the campaigns' labels in Chinese."""
        env = self.env(context={"lang": "zh_CN"})
        fields = env["customer.archive.survey.campaign"].fields_get(["year"])
        self.assertEqual(fields["year"]["string"], "年度")
