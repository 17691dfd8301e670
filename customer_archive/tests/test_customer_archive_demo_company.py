from odoo.tests import tagged

from .common import CustomerArchiveRpcCase
from .test_customer_archive_reports import pdf_facts


@tagged("post_install", "-at_install")
class TestCustomerArchiveDemoCompany(CustomerArchiveRpcCase):
    """The demo database's company is a Chinese one (demo/res_company_demo.xml); an HTTP
    case, for wkhtmltopdf fetches the report's assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_company = cls.env.ref("base.main_company")
        cls.keeper = cls.env.ref("customer_archive.user_officer_demo")
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])

    def test_demo_company_is_chinese_and_keeps_its_books_in_yuan(self):
        """Name, address in Shanghai, CNY; every journal entry of it, the story's
        invoices, in yuan; the story's dossiers count their capital in yuan."""
        company = self.demo_company
        self.assertEqual(company.name, "上海申和商贸有限公司")
        self.assertEqual(company.currency_id, self.env.ref("base.CNY"))
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        self.assertEqual(company.state_id, self.env.ref("base.state_cn_SH"))
        self.assertTrue(company.logo and company.phone and company.email and company.vat)
        moves = self.env["account.move"].search([("company_id", "=", company.id)])
        self.assertTrue(moves.filtered(lambda m: m.move_type == "out_invoice"))
        self.assertEqual(moves.currency_id, company.currency_id)
        archives = self.env["customer.archive"].search([("company_id", "=", company.id)])
        self.assertGreaterEqual(len(archives), 60)
        self.assertEqual(archives.currency_id, company.currency_id)

    def test_demo_people_have_chinese_names(self):
        """No 'Mitchell Admin' is a demo customer's salesperson: every salesperson of the
        demo story's customers, the administrator included, has a Chinese name."""
        self.assertEqual(self.env.ref("base.user_admin").name, "陈明")
        customers = (
            self.env["customer.archive"]
            .search([("company_id", "=", self.demo_company.id)])
            .partner_id
        )
        salespeople = customers.user_id
        self.assertIn(self.env.ref("customer_archive.user_reader_demo"), salespeople)
        for name in salespeople.mapped("name"):
            self.assertTrue(all("\u4e00" <= char <= "\u9fff" for char in name), name)

    def test_card_prints_yuan_under_the_chinese_letterhead(self):
        """The keeper prints a story dossier's card: ¥ for the registered capital, the
        company's Chinese name, address and logo at the top; no dollar."""
        archive = self.env["customer.archive"].search(
            [("company_id", "=", self.demo_company.id), ("registered_capital", ">", 0)],
            order="id desc",
            limit=1,
        )
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(
                force_report_rendering=True,
                lang="zh_CN",
                allowed_company_ids=self.demo_company.ids,
            )
            .with_user(self.keeper)
            ._render_qweb_pdf("customer_archive.customer_archive_card", archive.ids)
        )
        self.assertEqual(kind, "pdf")
        text = pdf_facts(pdf)[0]
        self.assertIn("上海申和商贸有限公司", text)
        self.assertIn("徐汇区 漕溪北路 88 号", text)
        self.assertIn("电话: +86 21 6426 8800", text)
        self.assertIn("¥", text)
        self.assertNotIn("$", text)
        self.assertIn(b"/Subtype /Image", pdf)
