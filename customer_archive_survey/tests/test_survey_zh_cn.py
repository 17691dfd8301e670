import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import PoFileReader, TranslationModuleReader, code_translations

# Terms that read the same in Chinese: OCA's po format (oca-checks-po --fix, run by
# bin/update-po) leaves a translation identical to its source empty, and Odoo shows the
# source. Nothing else may stay untranslated.
SAME_IN_CHINESE = {"ID", "'%s' % object.name"}


@tagged("post_install", "-at_install")
class TestSurveyZhCnTranslation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_archive_survey"], ["zh_CN"])

    def test_every_term_translated_in_zh_cn(self):
        """Every string of the addon has a Simplified Chinese translation in i18n/zh_CN.po."""
        path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n", "zh_CN.po")
        translated = {entry.msgid for entry in polib.pofile(path) if entry.msgstr.strip()}
        terms = {
            source
            for (_module, _type, _name, _res_id, source, _value, _comments) in (
                TranslationModuleReader(self.env.cr, modules=["customer_archive_survey"])
            )
        }
        missing = sorted(terms - translated - SAME_IN_CHINESE)
        self.assertFalse(missing, "untranslated in zh_CN.po:\n" + "\n".join(missing))

    def test_code_translations_load_for_the_web_client(self):
        """Odoo reads the file as the web client's translations do (every entry names
        its module): a malformed entry would break every zh_CN page, not only a term."""
        path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n", "zh_CN.po")
        with open(path, "rb") as po_file:
            self.assertTrue(list(PoFileReader(po_file)))
        web = code_translations.get_web_translations("customer_archive_survey", "zh_CN")
        self.assertIn("messages", web)

    def test_interface_shown_in_chinese(self):
        """A zh_CN user sees the campaigns' labels in Chinese."""
        env = self.env(context={"lang": "zh_CN"})
        fields = env["customer.archive.survey.campaign"].fields_get(["year"])
        self.assertEqual(fields["year"]["string"], "年度")
