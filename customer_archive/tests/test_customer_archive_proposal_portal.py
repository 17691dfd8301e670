import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CustomerArchiveRpcCase, make_credit_code


@tagged("post_install", "-at_install")
class TestCustomerArchiveProposalPortal(CustomerArchiveRpcCase):
    """The customer's data form as an anonymous visitor opens it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proposal = (
            cls.env["customer.archive.proposal"]
            .with_user(cls.reader)
            .create({"archive_id": cls.archive_own.id, "origin": "portal"})
        )
        cls.token = cls.proposal._new_token()
        cls.url = f"/customer-archive/form/{cls.proposal.id}/{cls.token}"

    def _open(self, url=None):
        return self.url_open(url or self.url)

    def _post(self, answers, url=None, consent=True, respondent="刘海燕"):
        page = self._open(url)
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        data = {"csrf_token": csrf, "respondent_name": respondent, **answers}
        if consent:
            data["consent_keep"] = "1"
        return self.url_open(url or self.url, data=data)

    def _assert_nothing_written(self):
        self.proposal.invalidate_recordset()
        self.assertEqual(self.proposal.state, "draft")
        self.assertFalse(self.proposal.line_ids)
        self.assertFalse(self.archive_own.consent_ids)

    def test_valid_link_shows_form_with_current_data(self):
        """A valid link opens the form, filled with the data on record."""
        response = self._open()
        self.assertEqual(response.status_code, 200)
        self.assertIn("上海浦江贸易有限公司", response.text)
        self.assertIn(self.archive_own.credit_code, response.text)

    def test_answers_become_a_proposal_and_consent(self):
        """The customer's answers arrive as changes waiting for the keeper, only for what
        he changed; his consents wait for the keeper too; the dossier is unchanged until
        the keeper accepts, and the consents are recorded then."""
        code = self.archive_own.credit_code
        response = self._post(
            {
                "name": "上海浦江贸易有限公司",
                "credit_code": code,
                "phone": "021-6666 8888",
                "business_scope": "国内贸易",
                "consent_care": "1",
            }
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.proposal.invalidate_recordset()
        self.assertEqual(self.proposal.state, "submitted")
        self.assertEqual(self.proposal.respondent_name, "刘海燕")
        self.assertEqual(
            sorted(self.proposal.line_ids.mapped("field_name")), ["business_scope", "phone"]
        )
        self.assertFalse(self.archive_own.consent_ids)
        self.assertEqual(self.proposal.consent_purposes, "care,keep")
        self.assertFalse(self.partner_own.phone)
        self.assertFalse(self.archive_own.business_scope)
        self.proposal.with_user(self.officer).action_accept()
        self.assertEqual(self.partner_own.phone, "021-6666 8888")
        self.assertEqual(self.archive_own.business_scope, "国内贸易")
        consents = self.archive_own.consent_ids
        self.assertEqual(sorted(consents.mapped("purpose")), ["care", "keep"])
        self.assertEqual(set(consents.mapped("channel")), {"portal"})
        self.assertEqual(consents.partner_id, self.partner_own)
        self.assertEqual(self.proposal.consent_ids, consents)

    def test_link_works_once(self):
        """After submission the link shows that the form was sent; a second post writes
        nothing more."""
        first = self._post({"fax": "021-1111"})
        self.assertEqual(first.status_code, 200)
        again = self._open()
        self.assertEqual(again.status_code, 410)
        self.assertNotIn('name="fax"', again.text)
        csrf = re.search(r'csrf_token: "([^"]+)"', again.text).group(1)
        response = self.url_open(
            self.url,
            data={
                "csrf_token": csrf,
                "fax": "021-2222",
                "respondent_name": "他人",
                "consent_keep": "1",
            },
        )
        self.assertEqual(response.status_code, 410)
        self.assertIn("already sent", response.text)
        self.proposal.invalidate_recordset()
        self.assertEqual(self.proposal.line_ids.mapped("new_value"), ["021-1111"])
        self.assertEqual(self.proposal.consent_purposes, "keep")

    def test_expired_link(self):
        """An expired link says so and shows no form."""
        self.proposal.sudo()._workflow_write(
            {"date_link_expiry": fields.Datetime.now() - timedelta(minutes=1)}
        )
        response = self._open()
        self.assertEqual(response.status_code, 410)
        self.assertNotIn("上海浦江贸易有限公司", response.text)
        self.assertNotIn('name="credit_code"', response.text)

    def test_forged_links_not_found(self):
        """A forged token, another proposal's id, a salesperson's proposal: 404."""
        other = (
            self.env["customer.archive.proposal"]
            .with_user(self.reader)
            .create({"archive_id": self.archive_kept.id, "origin": "salesperson"})
        )
        for url in (
            f"/customer-archive/form/{self.proposal.id}/{self.token[:-2]}xx",
            f"/customer-archive/form/{self.proposal.id + 1000}/{self.token}",
            f"/customer-archive/form/{other.id}/{self.token}",
            f"/customer-archive/form/{self.proposal.id}/{'a' * 500}",
        ):
            with self.subTest(url=url[:60]):
                response = self._open(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("上海浦江贸易有限公司", response.text)

    def test_bad_answers_write_nothing(self):
        """A field the form does not ask, a wrong credit code, text too long, no consent,
        no name: the form comes back with the reason, nothing is written."""
        for answers, kwargs in (
            ({"credit_notes": "从不拖欠"}, {}),
            ({"credit_code": "91310115MA1K4ABCDX"}, {}),
            ({"street": "路" * 5000}, {}),
            ({"fax": "021-3"}, {"consent": False}),
            ({"fax": "021-3"}, {"respondent": " "}),
        ):
            with self.subTest(answers=str(answers)[:40], **kwargs):
                response = self._post(answers, **kwargs)
                self.assertEqual(response.status_code, 400)
                self.assertIn("alert-danger", response.text)
                self._assert_nothing_written()

    def test_valid_new_credit_code_proposed(self):
        """A corrected credit code arrives normalised, as a change to decide."""
        code = make_credit_code(55)
        response = self._post({"credit_code": code.lower()})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.proposal.line_ids.new_value, code)
        self.assertEqual(self.proposal.line_ids.old_value, self.archive_own.credit_code)

    def test_page_in_customer_language(self):
        """The form speaks Chinese to a customer whose language is zh_CN."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        self.partner_own.lang = "zh_CN"
        response = self._open()
        self.assertEqual(response.status_code, 200)
        self.assertIn("客户资料表", response.text)
        self.assertIn("统一社会信用代码", response.text)
        self.assertNotIn("Customer Data Form", response.text)
