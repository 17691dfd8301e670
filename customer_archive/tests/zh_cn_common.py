"""The checks every addon of the family runs on its own ``i18n/zh_CN.po``: complete, and
readable by the web client."""

import os

import polib

from odoo.tools.misc import file_path
from odoo.tools.translate import PoFileReader, TranslationModuleReader, code_translations

# Terms that read the same in Chinese: OCA's po format (oca-checks-po --fix, run by
# bin/update-po) leaves a translation identical to its source empty, and Odoo shows the
# source. Nothing else may stay untranslated.
SAME_IN_CHINESE = {"ID", "____________________", "'%s' % object.name"}


class ZhCnTranslationMixin:
    """For a ``TransactionCase`` of the addon ``_zh_cn_module``."""

    _zh_cn_module = "customer_archive"
    # Odoo's loader runs only the tests a class defines itself, unless told
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms([cls._zh_cn_module], ["zh_CN"])

    def _zh_cn_po_path(self):
        return file_path(os.path.join(self._zh_cn_module, "i18n", "zh_CN.po"))

    def test_every_term_translated_in_zh_cn(self):
        """Every string of the addon has a Simplified Chinese translation in i18n/zh_CN.po."""
        translated = {
            entry.msgid for entry in polib.pofile(self._zh_cn_po_path()) if entry.msgstr.strip()
        }
        terms = {
            source
            for (_module, _type, _name, _res_id, source, _value, _comments) in (
                TranslationModuleReader(self.env.cr, modules=[self._zh_cn_module])
            )
        }
        missing = sorted(terms - translated - SAME_IN_CHINESE)
        self.assertFalse(missing, "untranslated in zh_CN.po:\n" + "\n".join(missing))

    def test_code_translations_load_for_the_web_client(self):
        """Odoo reads the file as the web client's translations do (every entry names
        its module): a malformed entry would break every zh_CN page, not only a term."""
        with open(self._zh_cn_po_path(), "rb") as po_file:
            self.assertTrue(list(PoFileReader(po_file)))
        web = code_translations.get_web_translations(self._zh_cn_module, "zh_CN")
        self.assertIn("messages", web)
