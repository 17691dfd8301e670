"""The care surfaces (the data form, proposals, consents) keep the
dossier's confidentiality, tried as each user who must be refused, through the ORM, the
forms as the web client saves them and over RPC."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ConfidentialityCase

PROPOSAL = "customer.archive.proposal"


@tagged("post_install", "-at_install")
class TestCareConfidentiality(ConfidentialityCase):
    """See ConfidentialityCase for the dossiers."""

    def test_onchange_names_no_customer_of_an_unreadable_dossier(self):
        """``onchange`` with the id of a dossier the user may not read is refused; it does
        not return its customer, through the ORM or over RPC."""
        secrets = (self.partner_secret.name, self.archive_secret.name)
        self.assert_onchange_names_no_customer(PROPOSAL, secrets)
        self.assert_onchange_names_no_customer(
            "customer.archive.consent", secrets, fills_customer=False
        )

    def test_dossier_shows_a_borrower_his_own_loans_only(self):
        """A borrower reading a dossier lent to him sees his own loans of it, not the
        other borrowers'."""
        mine = self.approved_loan(self.archive_other)
        mine.with_user(self.officer).action_hand_out()
        other = self.env["customer.archive.loan"].create(
            {
                "user_id": self.reader2.id,
                "archive_id": self.archive_other.id,
                "purpose": "核对发票",
                "kind": "consult",
                "scope": "full",
                "date_due": fields.Date.today() + timedelta(days=7),
            }
        )
        self.env.invalidate_all()
        archive = self.archive_other.with_user(self.reader)
        self.assertEqual(archive.read(["name"])[0]["name"], self.archive_other.name)
        self.assertNotIn("loan_ids", archive.read()[0])
        with self.assertRaises(AccessError):
            archive.read(["loan_ids"])
        for model, record in (
            ("customer.archive", self.archive_other),
            ("customer.archive.document", self.document_own),
        ):
            with self.assertRpcFault():
                self.rpc(self.reader, model, "read", record.ids, ["loan_ids"])
        loans = (
            self.env["customer.archive.loan"]
            .with_user(self.reader)
            .search([("archive_id", "=", self.archive_other.id)])
        )
        self.assertEqual(loans, mine)
        self.assertTrue(other.exists())

    # ------------------------------------------------------------ the data form
    def _portal_proposal(self, user):
        return (
            self.env["customer.archive.proposal"]
            .with_user(user)
            .create({"archive_id": self.archive_own.id, "origin": "portal"})
        )

    def test_data_form_link_is_never_returned_to_its_sender(self):
        """Sending the data form mails the link to the customer: the action, the
        proposal, its chatter and the messages its sender may read hold no token."""
        self.partner_own.email = "info@pujiang.example.com"
        proposal = self._portal_proposal(self.reader)
        result = self.rpc(
            self.reader, "customer.archive.proposal", "action_send_link", proposal.ids
        )
        token = proposal.sudo().link_token
        self.assertTrue(token)
        self.assertNotIn(token, str(result))
        read = self.rpc(self.reader, "customer.archive.proposal", "read", proposal.ids, [])
        self.assertNotIn(token, str(read))
        messages = self.rpc(
            self.reader, "mail.message", "search_read", [("body", "ilike", token)], ["body"]
        ) + self.rpc(
            self.reader,
            "mail.message",
            "search_read",
            [("author_id", "=", self.reader.partner_id.id)],
            ["body"],
        )
        self.assertNotIn(token, str(messages))

    def test_data_form_link_needs_the_customers_email(self):
        """Without the customer's email, no link is made (none to copy)."""
        self.partner_own.email = False
        proposal = self._portal_proposal(self.reader)
        with self.assertRaises(UserError):
            proposal.action_send_link()
        self.assertFalse(proposal.sudo().link_token)

    def test_consents_of_the_form_wait_for_the_keeper(self):
        """The consents ticked on the form are not current until the keeper decides the
        proposal: then they are recorded."""
        proposal = self._portal_proposal(self.reader)
        token = proposal._new_token()
        url = f"/customer-archive/form/{proposal.id}/{token}"
        page = self.url_open(url)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            url,
            data={
                "csrf_token": csrf,
                "respondent_name": "刘海燕",
                "phone": "021-5555 0000",
                "consent_keep": "1",
                "consent_marketing": "1",
                "consent_share": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        proposal.invalidate_recordset()
        self.assertEqual(proposal.state, "submitted")
        Consent = self.env["customer.archive.consent"]
        self.assertFalse(
            Consent.search([("archive_id", "=", self.archive_own.id), ("is_current", "=", True)])
        )
        proposal.with_user(self.officer).action_accept()
        current = Consent.search(
            [("archive_id", "=", self.archive_own.id), ("is_current", "=", True)]
        )
        self.assertEqual(set(current.mapped("purpose")), {"keep", "marketing", "share"})
        self.assertEqual(proposal.consent_ids, current)

    def test_keeper_decides_no_proposal_of_his_own(self):
        """A keeper who made a data form proposal cannot decide it, nor add his own
        change to the customer's answers; another officer decides it."""
        officer2 = new_test_user(
            self.env,
            "ca_officer2",
            "base.group_user,customer_archive.group_officer",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        proposal = self._portal_proposal(self.officer)
        with self.assertRaises(UserError):
            self.env["customer.archive.proposal.line"].with_user(self.officer).create(
                {"proposal_id": proposal.id, "field_name": "phone", "new_value": "021-1234 5678"}
            )
        proposal.sudo()._portal_submit({"phone": "021-5555 0000"}, ["keep"], "刘海燕")
        for action in ("action_accept", "action_reject"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(proposal.with_user(self.officer), action)()
            with self.assertRaises(AccessError):
                getattr(proposal.line_ids.with_user(self.officer), action)()
        proposal.with_user(officer2).action_accept()
        self.assertEqual(proposal.state, "accepted")

    # ------------------------------------------------------------ lists of dossiers
    def test_list_call_beyond_the_list_is_a_consultation(self):
        """A list page is no consultation, but a list call asking the dossier's other
        fields is logged as one per dossier it returned; grouping by a field the list
        does not show is refused."""
        Log = self.env["customer.archive.access.log"]
        before = Log.search_count([])
        Archive = self.env["customer.archive"].with_user(self.reader)
        Archive.web_search_read(
            [], {"display_name": {}, "partner_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(Log.search_count([]), before)
        rows = self.rpc(
            self.reader,
            "customer.archive",
            "web_search_read",
            [("id", "=", self.archive_own.id)],
            {"credit_code": {}, "business_scope": {}, "current_problems": {}},
        )
        self.assertEqual(rows["length"], 1)
        logged = Log.search(
            [("archive_id", "=", self.archive_own.id), ("user_id", "=", self.reader.id)]
        )
        self.assertEqual(len(logged), 1)
        with self.assertRaises(AccessError):
            Archive.read_group([], ["current_problems"], ["current_problems"])
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.archive",
                "web_read_group",
                [],
                ["competitor_info"],
                ["competitor_info"],
            )
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.archive",
                "read_group",
                [],
                ["registered_capital:sum"],
                ["user_id"],
            )
        # what the lists show groups as before
        self.assertTrue(Archive.read_group([], ["credit_code"], ["customer_grade"]))
