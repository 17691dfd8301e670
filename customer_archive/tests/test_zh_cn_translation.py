from odoo.tests import TransactionCase, tagged

from .zh_cn_common import ZhCnTranslationMixin


@tagged("post_install", "-at_install")
class TestZhCnTranslation(ZhCnTranslationMixin, TransactionCase):
    _zh_cn_module = "customer_archive"

    def test_interface_shown_in_chinese(self):
        """A zh_CN user sees the archive's labels in Chinese."""
        env = self.env(context={"lang": "zh_CN"})
        fields = env["customer.archive"].fields_get(["credit_code", "state"])
        self.assertEqual(fields["credit_code"]["string"], "统一社会信用代码")
        self.assertIn(("active", "有效"), fields["state"]["selection"])
