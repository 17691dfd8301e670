from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .classification_common import ClassificationCase


@tagged("post_install", "-at_install")
class TestCustomerArchiveTours(ClassificationCase, HttpCase):
    """The flows people click through, in Chromium (static/tests/tours/)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The reader and the keeper work in Chinese; the manager in English.
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        # one date format for the date the reader types, whatever the language's default
        cls.env.ref("base.lang_zh_CN").date_format = "%Y-%m-%d"
        (cls.reader | cls.officer).write({"lang": "zh_CN"})
        # A customer sold by someone else, classified B from his invoices; his
        # confidential archive is lent only with a manager's approval.
        cls.archive_other.confidentiality = "confidential"
        cls.archive_other.action_activate()
        cls.customer = cls.partner_other
        cls.customer.customer_rank = 1

    def test_loan_flow_reader_manager_officer_reader(self):
        """A reader asks for a customer's archive from his form, a manager approves it from
        his activities, the keeper hands it out from hers, and the reader reads it."""
        today = fields.Date.context_today(self.customer)
        for days in (40, 100):
            self.invoice(
                self.customer, 20000.0, today - timedelta(days=days), due=today + timedelta(days=30)
            )
        self.classify()
        self.assertEqual(self.of(self.customer).customer_grade, "b")
        Loan = self.env["customer.archive.loan"]
        partner_url = f"/odoo/res.partner/{self.customer.id}"

        self.start_tour(partner_url, "customer_archive_reader_requests_loan", login="ca_reader")
        loan = Loan.search([("archive_id", "=", self.archive_other.id)])
        self.assertEqual((loan.state, loan.user_id, loan.scope), ("submitted", self.reader, "full"))
        self.assertEqual(loan.activity_ids.user_id, self.manager | self.manager2, "the managers")
        manager = loan.activity_ids.user_id[:1]

        self.start_tour("/odoo", "customer_archive_manager_approves_loan", login=manager.login)
        self.assertEqual((loan.state, loan.approver_id), ("approved", manager))
        self.assertEqual(loan.activity_ids.user_id, self.officer, "the keeper is asked next")

        self.start_tour("/odoo", "customer_archive_officer_hands_out_loan", login="ca_officer")
        self.assertEqual((loan.state, loan.officer_id), ("out", self.officer))

        self.start_tour(partner_url, "customer_archive_reader_opens_dossier", login="ca_reader")

    def test_manager_merges_likely_duplicates(self):
        """A manager merges a customer typed in twice from the likely duplicates: the
        customer with the dossier is kept."""
        self.manager.groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        twin = self.env["res.partner"].create(
            {
                "name": "上海浦江贸易有限责任公司",
                "is_company": True,
                "customer_rank": 1,
                "company_id": self.company.id,
            }
        )
        pair = self.partner_own | twin
        self.start_tour(
            "/odoo/action-customer_archive.customer_archive_duplicate_action",
            "customer_archive_manager_merges_duplicates",
            login="ca_manager",
        )
        self.assertEqual(pair.exists(), self.partner_own, "the customer with the dossier is kept")
        self.assertEqual(self.archive_own.partner_id, self.partner_own)

    def test_manager_dashboards(self):
        """A manager opens every dashboard of the analysis menu, then prints an archive
        card: a PDF of the dossier, its print logged."""
        today = fields.Date.context_today(self.customer)
        self.invoice(self.customer, 20000.0, today, due=today + timedelta(days=30))
        self.classify()
        self.start_tour(
            "/odoo/action-customer_archive.res_partner_classification_action",
            "customer_archive_manager_dashboards",
            login="ca_manager",
        )
        self.authenticate("ca_manager", "ca_manager")
        response = self.url_open(
            f"/report/pdf/customer_archive.customer_archive_card/{self.archive_other.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # under tests Odoo serves the report's HTML instead of running wkhtmltopdf
        # (test_customer_archive_reports renders the PDFs themselves)
        self.assertIn(self.archive_other.name.encode(), response.content)
        printed = self.env["customer.archive.access.log"].search(
            [("archive_id", "=", self.archive_other.id), ("user_id", "=", self.manager.id)]
        )
        self.assertTrue(printed)
