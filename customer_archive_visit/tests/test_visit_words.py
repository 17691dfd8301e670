from odoo.tests import tagged

from odoo.addons.customer_archive.tests.common import CustomerArchiveCase
from odoo.addons.customer_archive.tests.zh_cn_common import ZhCnTranslationMixin

VISIT_MODELS = (
    "customer.archive.visit",
    "customer.archive.visit.plan",
    "customer.archive.visit.rule",
)


@tagged("post_install", "-at_install")
class TestVisitWords(CustomerArchiveCase):
    """A visit is not a loan: its words are a visit's (回访目的, 计划期间), never 借阅."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_archive", "customer_archive_visit"], ["zh_CN"]
        )
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def _label(self, model, fname):
        return self.zh[model].fields_get([fname], ["string"])[fname]["string"]

    def test_purpose_and_period_in_visit_words(self):
        """A visit and a plan have a 回访目的, a plan a start and end date."""
        expected = {
            ("customer.archive.visit", "purpose"): "回访目的",
            ("customer.archive.visit.plan", "purpose"): "回访目的",
            ("customer.archive.visit.plan", "date_start"): "开始日期",
            ("customer.archive.visit.plan", "date_end"): "结束日期",
            ("customer.archive.visit", "can_done"): "可完成",
        }
        for (model, fname), word in expected.items():
            with self.subTest(model=model, field=fname):
                self.assertEqual(self._label(model, fname), word)

    def test_no_loan_word_on_a_visit(self):
        """No field of the visits, plans and rules is labelled with a loan word."""
        wrong = [
            f"{model}.{fname}: {desc['string']}"
            for model in VISIT_MODELS
            for fname, desc in self.zh[model].fields_get(attributes=["string"]).items()
            if "借阅" in (desc["string"] or "")
        ]
        self.assertFalse(wrong, "\n".join(wrong))

    def test_visit_views_and_record_read_visit_words(self):
        """The visit plan's form and search and the printed 回访记录表 speak of the visit
        (回访目的, 计划期间), never of a loan."""
        for xmlid in (
            "customer_archive_visit.customer_archive_visit_plan_view_form",
            "customer_archive_visit.customer_archive_visit_plan_view_search",
            "customer_archive_visit.customer_archive_visit_view_form",
            "customer_archive_visit.customer_archive_visit_record",
            "customer_archive_visit.customer_archive_visit_plan_summary",
        ):
            with self.subTest(view=xmlid):
                arch = self.zh.ref(xmlid).arch_db
                self.assertNotIn("借阅", arch)
        self.assertIn(
            "回访目的", self.zh.ref("customer_archive_visit.customer_archive_visit_record").arch_db
        )
        self.assertIn(
            "计划期间",
            self.zh.ref("customer_archive_visit.customer_archive_visit_plan_view_form").arch_db,
        )


@tagged("post_install", "-at_install")
class TestVisitZhCnTranslation(ZhCnTranslationMixin, CustomerArchiveCase):
    _zh_cn_module = "customer_archive_visit"
