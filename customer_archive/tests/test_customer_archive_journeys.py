from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# the tours' customers (static/tests/tours/customer_archive_*_journey.js)
SALES_NEW_COMPANY = "苏州晨光精密仪器有限公司"
SALES_LOAN_CUSTOMER = "东莞松山湖智能装备有限公司"
KEEPER_NEW_COMPANY = "苏州新创光电科技有限公司"
KEEPER_IMPORTED = ("杭州星河软件有限公司", "宁波星河物流有限公司", "南京星河食品有限公司")
KEEPER_LOAN_CUSTOMER = "天津滨海化工有限公司"
MANAGER_LOAN_CUSTOMER = "长春一汽配套座椅有限公司"
CUSTOMER_FORM_CUSTOMER = "深圳鹏城电子股份有限公司"
DUPLICATE_PAIR = ("北京华信科技有限公司", "北京华信科技有限责任公司")
# the modules whose words the journeys' screens show (all of them take minutes to load)
SCREENS_MODULES = ["base", "web", "mail", "contacts", "portal", "customer_archive"]


@tagged("post_install", "-at_install")
class TestCustomerArchiveJourneys(HttpCase):
    """Each role's whole journey in Chromium, from the web client's home, in Chinese, as the
    demo users on the demo story's data (classified customers, dossiers lent and reviewed):
    not CustomerArchiveCase's company of fresh records, on purpose."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        ref = cls.env.ref
        cls.reader = ref("customer_archive.user_reader_demo")
        cls.officer = ref("customer_archive.user_officer_demo")
        cls.manager = ref("customer_archive.user_manager_demo")
        # The demo users read Chinese (the demo story sets it when zh_CN is installed, as
        # bin/run does); the web client's own words too, not only the addon's.
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(SCREENS_MODULES, ["zh_CN"])
        (cls.reader | cls.officer | cls.manager).write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.Partner = cls.env["res.partner"]
        cls.Archive = cls.env["customer.archive"]
        cls.Loan = cls.env["customer.archive.loan"]

    def archive_of(self, name):
        archive = self.Archive.search([("partner_id.name", "=", name)])
        self.assertEqual(len(archive), 1, name)
        return archive

    def test_salesperson_journey(self):
        """王芳 (查阅人) creates a company customer and finds it by name, asks to consult
        another salesperson's customer's dossier with the defaults, reads what she asked
        for once it is handed out and proposes a change (her booked visit:
        customer_archive_visit's journey)."""
        loaned = self.archive_of(SALES_LOAN_CUSTOMER)
        self.assertNotEqual(loaned.partner_id.user_id, self.reader, "not her customer")

        self.start_tour("/odoo", "customer_archive_salesperson_journey", login="archive_reader")
        company = self.Partner.search([("name", "=", SALES_NEW_COMPANY)])
        self.assertEqual(len(company), 1)
        self.assertTrue(company.is_company, "a company, not an individual")
        self.assertEqual(company.phone, "0512-6688 1234")
        loan = self.Loan.search([("archive_id", "=", loaned.id), ("user_id", "=", self.reader.id)])
        self.assertEqual(loan.state, "submitted")
        self.assertTrue(loan.date_due, "the due date has a default")

        # the manager approves, the keeper hands it out (their own journeys click it)
        loan.with_user(self.manager).action_approve()
        loan.with_user(self.officer).action_hand_out()
        self.assertEqual(loan.state, "out")

        self.start_tour(
            "/odoo", "customer_archive_salesperson_reads_proposes", login="archive_reader"
        )
        proposal = self.env["customer.archive.proposal"].search(
            [("user_id", "=", self.reader.id), ("state", "=", "submitted")]
        )
        self.assertEqual(proposal.partner_id.name, "深圳鹏城电子股份有限公司")
        self.assertEqual(
            proposal.line_ids.mapped(lambda line: (line.field_name, line.new_value)),
            [("phone", "0755-8888 6666")],
        )

    def test_keeper_journey(self):
        """李静 (档案管理员) creates a company and its dossier with a licence, its valid-until
        date and the shelf; imports a list and activates its dossiers together; hands out
        and takes back a loan with the file's condition; merges a customer typed in twice;
        runs a review."""
        loan = self.Loan.search(
            [("archive_id.partner_id.name", "=", KEEPER_LOAN_CUSTOMER), ("state", "=", "approved")]
        )
        self.assertEqual(len(loan), 1, "the demo's approved loan waits for the keeper")
        pair = self.Partner.search([("name", "in", DUPLICATE_PAIR)])
        self.assertEqual(len(pair), 2)
        due = self.Archive.search([("is_review_due", "=", True), ("user_id", "=", self.officer.id)])
        self.assertTrue(due, "the demo has reviews due")

        self.start_tour("/odoo", "customer_archive_keeper_journey", login="archive_officer")
        archive = self.archive_of(KEEPER_NEW_COMPANY)
        self.assertTrue(archive.partner_id.is_company)
        self.assertEqual(archive.state, "active")
        self.assertEqual(archive.location_id.display_name, "档案室 A / 柜 02 / 层 3")
        licence = archive.document_ids
        self.assertEqual(licence.type_id, self.env.ref("customer_archive.document_type_bl"))
        self.assertTrue(licence.valid_until)
        imported = self.Archive.search([("partner_id.name", "in", KEEPER_IMPORTED)])
        self.assertEqual(len(imported), 3)
        self.assertEqual(set(imported.mapped("state")), {"active"})
        # the list's 存放位置 column put them on the shelf
        self.assertEqual(
            set(imported.location_id.mapped("display_name")), {"档案室 A / 柜 02 / 层 3"}
        )
        self.assertEqual(
            (loan.state, loan.return_state, loan.return_condition),
            ("returned", "missing", "第3页缺失。"),
        )
        self.assertEqual(len(pair.exists()), 1, "one customer is left of the two")
        # her today, in her time zone, as the review was stamped
        today = fields.Date.context_today(due.with_user(self.officer))
        reviewed = due.filtered(lambda a: a.date_last_review == today)
        self.assertEqual(len(reviewed), 1)

    def test_manager_journey(self):
        """张伟 (档案主管) approves a loan from his desk, merges a customer typed in twice,
        approves a checked correction and a destruction register, and opens the
        analysis."""
        # 赵磊 asks for a confidential dossier of 王芳's customer: a manager decides
        reader2 = self.env.ref("customer_archive.user_reader2_demo")
        asked = self.archive_of(MANAGER_LOAN_CUSTOMER)
        self.assertEqual(asked.confidentiality, "confidential")
        loan = self.Loan.with_user(reader2).create(
            {
                "archive_id": asked.id,
                "purpose": "准备联合投标,需查阅其历年合同",
                "date_due": fields.Date.today() + timedelta(days=7),
            }
        )
        loan.action_submit()
        # the keeper checked the demo's correction (审核): the manager approves it (审批)
        correction = self.env["customer.archive.correction"].search([("state", "=", "to_check")])
        self.assertEqual(correction.archive_id.partner_id.name, DUPLICATE_PAIR[0])
        correction.with_user(self.officer).action_check()
        register = self.env["customer.archive.destruction"].search([("state", "=", "to_approve")])
        self.assertEqual(len(register), 1)
        pair = self.Partner.search([("name", "in", DUPLICATE_PAIR)])

        self.start_tour("/odoo", "customer_archive_manager_journey", login="archive_manager")
        self.assertEqual((loan.state, loan.approver_id), ("approved", self.manager))
        self.assertEqual(len(pair.exists()), 1, "one customer is left of the two")
        self.assertEqual(correction.state, "approved")
        self.assertEqual(correction.archive_id.legal_representative, "陈立新")
        self.assertEqual(register.state, "approved")

    def test_customer_journey(self):
        """A customer fills in his data form from the link, logged out; the keeper accepts
        his answers and the customer's data change."""
        archive = self.archive_of(CUSTOMER_FORM_CUSTOMER)
        proposal = (
            self.env["customer.archive.proposal"]
            .with_user(self.reader)
            .create({"archive_id": archive.id, "origin": "portal"})
        )
        token = proposal._new_token()
        self.start_tour(
            f"/customer-archive/form/{proposal.id}/{token}", "customer_archive_customer_fills_form"
        )
        self.assertEqual(proposal.state, "submitted")
        self.assertEqual(proposal.respondent_name, "黄志强")

        self.start_tour("/odoo", "customer_archive_keeper_accepts_form", login="archive_officer")
        self.assertEqual(proposal.state, "accepted")
        self.assertEqual(archive.partner_id.phone, "0755-2688 9900")
