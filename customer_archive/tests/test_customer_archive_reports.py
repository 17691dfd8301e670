import os
import re
import subprocess
import tempfile
import unicodedata

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CustomerArchiveRpcCase

A4_POINTS = "595 x 842 pts"


def pdf_facts(pdf):
    """(text, fonts, page size, pages) of a PDF, as poppler reads them."""
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(pdf)
    try:

        def run(*command):
            return subprocess.run(
                [*command, handle.name], capture_output=True, check=True, text=True
            ).stdout

        text = run("pdftotext", "-layout")
        # pdftotext writes "<file>.txt" when not told "-"; read it back
        txt_path = handle.name[:-4] + ".txt"
        if os.path.exists(txt_path):
            with open(txt_path, encoding="utf-8") as txt:
                text = txt.read()
            os.unlink(txt_path)
        fonts = run("pdffonts")
        info = run("pdfinfo")
    finally:
        os.unlink(handle.name)
    # the CJK font maps some characters to their Kangxi radical (人 → U+2F08): back to
    # the ideograph; the radical of 户 decomposes to its traditional form 戶
    text = unicodedata.normalize("NFKC", text).replace("戶", "户")
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return text, fonts, f"{round(float(size[1]))} x {round(float(size[2]))} pts", pages


@tagged("post_install", "-at_install")
class TestCustomerArchiveReports(CustomerArchiveRpcCase):
    """Every report of the archive prints as an A4 PDF in a CJK font; a print of
    dossiers is refused to who may not print them and logged once per dossier.
    (wkhtmltopdf fetches the report assets through the test server: an HTTP case.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        Location = cls.env["customer.archive.location"]
        cls.room = Location.create(
            {"name": "档案室 A", "kind": "room", "company_id": cls.company.id}
        )
        cls.shelf = Location.create(
            {
                "name": "3 号柜",
                "kind": "cabinet",
                "parent_id": cls.room.id,
                "company_id": cls.company.id,
            }
        )
        (cls.archive_own | cls.archive_other).action_activate()
        cls.archive_own.write({"location_id": cls.shelf.id, "has_paper_original": True})
        cls.archive_other.date_relationship_end = "2015-06-30"
        cls.env["customer.archive.document"].create(
            {
                "archive_id": cls.archive_own.id,
                "type_id": cls.env.ref("customer_archive.document_type_bl").id,
                "name": "营业执照副本",
                "date": "2021-03-15",
            }
        )
        cls.Log = cls.env["customer.archive.access.log"]

    def _render(self, report, records, user=None, pdf=True):
        Report = self.env["ir.actions.report"].with_context(
            force_report_rendering=True, lang="zh_CN"
        )
        if user:
            Report = Report.with_user(user)
        if pdf:
            content, kind = Report._render_qweb_pdf(report, records.ids)
            self.assertEqual(kind, "pdf")
            return content
        return Report._render_qweb_html(report, records.ids)[0].decode()

    def _logged(self, user, how="report"):
        return self.Log.search([("user_id", "=", user.id), ("how", "=", how)])

    def _handover(self):
        return self.env["customer.archive.handover"].create(
            {
                "user_id": self.manager.id,
                "from_user_id": self.reader2.id,
                "to_user_id": self.reader.id,
                "archive_ids": [Command.set(self.archive_other.ids)],
                "partner_ids": [Command.set(self.partner_other.ids)],
                "company_id": self.company.id,
            }
        )

    def _register(self):
        return (
            self.env["customer.archive.destruction"]
            .with_user(self.officer)
            .create(
                {
                    "reason": "保存期满",
                    "line_ids": [
                        Command.create({"kind": "archive", "archive_id": self.archive_other.id})
                    ],
                    "panel_ids": [Command.set(self.manager.ids)],
                }
            )
        )

    def test_every_report_prints_a4_in_a_cjk_font(self):
        """Each report of the addon prints from its records as an A4 PDF that holds the
        record's number and uses a CJK font; a report added without a test fails."""
        loan = self.approved_loan(self.archive_own)
        locations = self.room | self.shelf
        cases = {
            "customer_archive.customer_archive_card": (self.archive_own, self.archive_own.name),
            "customer_archive.customer_archive_directory": (
                self.archive_own,
                self.archive_own.name,
            ),
            "customer_archive.customer_archive_list": (
                self.archive_own | self.archive_other,
                self.archive_other.name,
            ),
            "customer_archive.customer_archive_folder_label": (
                self.archive_own,
                self.archive_own.name,
            ),
            "customer_archive.customer_archive_location_label": (locations, "3 号柜"),
            "customer_archive.customer_archive_loan_slip": (loan, loan.name),
            "customer_archive.customer_archive_destruction_register": (
                self._register(),
                self.archive_other.name,
            ),
            "customer_archive.customer_archive_handover_record": (
                self._handover(),
                self.archive_other.name,
            ),
        }
        # the companions' reports are rendered by their own tests
        reports = self.env["ir.actions.report"].search(
            [("report_name", "=like", "customer_archive.%")]
        )
        self.assertEqual(set(reports.mapped("report_name")), set(cases))
        for report in reports:
            records, expected = cases[report.report_name]
            with self.subTest(report=report.report_name):
                self.assertEqual(report.paperformat_id.format, "A4")
                self.assertEqual(report.paperformat_id.orientation, "Portrait")
                self.assertEqual(report.binding_model_id.model, report.model)
                text, fonts, size, _pages = pdf_facts(
                    self._render(report.report_name, records, self.manager)
                )
                self.assertIn(expected, text)
                self.assertIn("NotoSansCJK", fonts)
                self.assertEqual(size, A4_POINTS)

    def test_card_holds_the_dossier(self):
        """The archive card shows the letterhead, registration, classification, key
        contacts, documents, storage place and review dates."""
        text, *_rest = pdf_facts(
            self._render("customer_archive.customer_archive_card", self.archive_own, self.officer)
        )
        for expected in (
            "档案测试公司",  # the letterhead
            "客户档案卡",
            self.archive_own.name,
            self.archive_own.credit_code,
            "刘海燕",
            "采购经理",
            "销售合同 2026",
            "营业执照副本",
            "2021",
            "档案室 A / 3 号柜",
            "下次核查",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("2,021", text)

    def test_reader_prints_his_own_card_without_what_he_may_not_read(self):
        """A reader prints the card of his own customer; the confidential document and
        the personal data stay off it, and the print is logged once."""
        html = self._render(
            "customer_archive.customer_archive_card", self.archive_own, self.reader, pdf=False
        )
        self.assertIn(self.archive_own.name, html)
        self.assertIn("销售合同 2026", html)
        self.assertNotIn("授信审批", html)
        self.assertNotIn("1975", html)
        self.assertEqual(self._logged(self.reader).archive_id, self.archive_own)
        self.assertEqual(len(self._logged(self.reader)), 1)
        self.assertFalse(self._logged(self.reader, "api") | self._logged(self.reader, "form"))

    def test_print_logged_once_per_dossier(self):
        """An officer's print of two dossiers writes one consultation per dossier."""
        archives = self.archive_own | self.archive_other
        self._render("customer_archive.customer_archive_directory", archives, self.officer)
        logged = self._logged(self.officer)
        self.assertEqual(len(logged), 2)
        self.assertEqual(logged.archive_id, archives)

    def test_reader_cannot_print_another_salespersons_dossier(self):
        """A reader cannot print a dossier he may not read, a secret one, nor a
        dossier lent to him; nothing is logged."""
        for archive in (self.archive_other, self.archive_secret):
            with self.assertRaises(AccessError):
                self._render("customer_archive.customer_archive_card", archive, self.reader)
        self.approved_loan(self.archive_other).with_user(self.officer).action_hand_out()
        self.assertTrue(self.archive_other.with_user(self.reader).has_access("read"))
        with self.assertRaises(AccessError):
            self._render("customer_archive.customer_archive_card", self.archive_other, self.reader)
        self.assertFalse(self._logged(self.reader))

    def test_reader_cannot_print_in_bulk(self):
        """A reader prints one of his dossiers at a time, and neither the customer list
        nor labels; a user outside the archive groups prints nothing."""
        with self.assertRaises(AccessError):
            self._render(
                "customer_archive.customer_archive_card",
                self.archive_own | self.archive_kept,
                self.reader,
            )
        for report in (
            "customer_archive.customer_archive_list",
            "customer_archive.customer_archive_folder_label",
        ):
            with self.assertRaises(AccessError):
                self._render(report, self.archive_own, self.reader)
        with self.assertRaises(AccessError):
            self._render(
                "customer_archive.customer_archive_card", self.archive_own, self.user_plain
            )
        self.assertFalse(self._logged(self.reader))

    def test_officer_cannot_print_a_secret_dossier_he_does_not_keep(self):
        """Record rules hold for officers' prints too."""
        with self.assertRaises(AccessError):
            self._render(
                "customer_archive.customer_archive_list", self.archive_secret, self.officer
            )
        self._render("customer_archive.customer_archive_card", self.archive_secret, self.manager)
        self.assertEqual(self._logged(self.manager).archive_id, self.archive_secret)

    def test_labels_carry_a_qr_code_of_the_record(self):
        """A label holds the archive number, customer and place, and a QR code of the
        dossier's address in Odoo; 25 locations fill two sheets of 24."""
        html = self._render(
            "customer_archive.customer_archive_folder_label",
            self.archive_own,
            self.officer,
            pdf=False,
        )
        url = f"{self.archive_own.get_base_url()}/odoo/customer.archive/{self.archive_own.id}"
        self.assertIn(url, html)
        self.assertIn('src="data:image/png;base64,', html)
        for expected in (self.archive_own.name, "上海浦江贸易有限公司", "档案室 A / 3 号柜"):
            self.assertIn(expected, html)
        locations = self.env["customer.archive.location"].create(
            [{"name": f"盒 {n}", "kind": "box", "parent_id": self.shelf.id} for n in range(25)]
        )
        _text, _fonts, size, pages = pdf_facts(
            self._render(
                "customer_archive.customer_archive_location_label", locations, self.officer
            )
        )
        self.assertEqual((size, pages), (A4_POINTS, 2))

    def test_report_url_refuses_another_salespersons_dossier(self):
        """Over HTTP (/report/pdf) a reader gets his own card and not another's, and
        only his own print is logged."""
        self.authenticate(self.reader.login, self.reader.login)
        own = self.url_open(
            f"/report/pdf/customer_archive.customer_archive_card/{self.archive_own.id}"
        )
        self.assertEqual(own.status_code, 200)
        other = self.url_open(
            f"/report/pdf/customer_archive.customer_archive_card/{self.archive_other.id}"
        )
        self.assertNotEqual(other.status_code, 200)
        self.assertNotIn(self.archive_other.name, other.text)
        self.assertEqual(self._logged(self.reader).archive_id, self.archive_own)
