from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools.translate import code_translations

from .common import CustomerArchiveCase

# the models of the loan workflow, where 借阅 is the right word
LOAN_MODELS = {"customer.archive.loan", "customer.archive.loan.hold"}


@tagged("post_install", "-at_install")
class TestCustomerArchiveWords(CustomerArchiveCase):
    """The words a Chinese user reads, each in its own context."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def _label(self, model, fname):
        return self.zh[model].fields_get([fname], ["string"])[fname]["string"]

    def test_each_kind_and_purpose_in_its_own_words(self):
        """A loan's kind is 借阅方式; an import result's, a location's, a proposed change's
        and a care occasion's are their own types; a consent has a 授权用途 (a visit's
        words are customer_archive_visit's)."""
        expected = {
            ("customer.archive.loan", "kind"): "借阅方式",
            ("customer.archive.loan", "purpose"): "借阅目的",
            ("customer.archive.import.line", "kind"): "结果类型",
            ("customer.archive.location", "kind"): "位置类型",
            ("customer.archive.proposal.line", "kind"): "更新类型",
            ("customer.archive.care.occasion", "kind"): "关怀事项",
            ("customer.archive.consent", "purpose"): "授权用途",
        }
        for (model, fname), word in expected.items():
            with self.subTest(model=model, field=fname):
                self.assertEqual(self._label(model, fname), word)
        attitudes = dict(
            self.zh["customer.archive"]
            ._fields["cooperation_attitude"]
            ._description_selection(self.zh)
        )
        self.assertEqual(attitudes["active"], "积极")

    def test_no_loan_word_outside_loans(self):
        """No field of the addon outside the loan workflow is labelled with a loan word,
        unless it is about loans itself (a dossier's loans, the longest loan)."""
        models = self.env["ir.model.data"].search(
            [("module", "=", "customer_archive"), ("model", "=", "ir.model")]
        )
        wrong = []
        for model in self.env["ir.model"].browse(models.mapped("res_id")).mapped("model"):
            if model in LOAN_MODELS or model not in self.env:
                continue
            for fname, desc in self.zh[model].fields_get(attributes=["string"]).items():
                about_loans = "loan" in fname or "borrow" in fname
                if "借阅" in (desc["string"] or "") and not about_loans:
                    wrong.append(f"{model}.{fname}: {desc['string']}")
        self.assertFalse(wrong, "\n".join(wrong))

    def test_years_shown_without_thousands_separator(self):
        """A year reads 2025, not "2,025", in the festival lists (the survey campaigns' are
        customer_archive_survey's)."""
        for model, xmlid in (("customer.archive.festival", "customer_archive_festival_view_list"),):
            with self.subTest(view=xmlid):
                view = self.env.ref(f"customer_archive.{xmlid}")
                arch = self.env[model].get_view(view.id, view.type)["arch"]
                fields = [part for part in arch.split("<field ") if part.startswith('name="year"')]
                self.assertTrue(fields)
                for field in fields:
                    self.assertIn("'enable_formatting': false", field)

    def test_creation_notes_of_demo_records_worded_in_chinese(self):
        """A record created by a data file is logged "Contact 创建" (English model name,
        Chinese verb); the demo's last step words it "联系人 创建"."""
        created = code_translations.get_python_translations("mail", "zh_CN").get("%s created")
        self.assertTrue(created)
        partner = self.env["res.partner"].create({"name": "数据文件客户"})
        archive = self.archive_kept
        for record, english in ((partner, "Contact"), (archive, "Customer Archive")):
            record._message_log(body=Markup("<p>%s</p>") % (created % english))
        self.env["customer.archive"]._load_demo("chinese_creation_notes")
        self.assertIn(created % "联系人", partner.message_ids[0].body)
        self.assertIn(created % "客户档案", archive.message_ids[0].body)
