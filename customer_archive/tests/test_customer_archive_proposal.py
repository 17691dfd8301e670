import ast
import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import (
    RPC_FAULT_CODE_WARNING,
    CustomerArchiveCase,
    CustomerArchiveRpcCase,
    make_credit_code,
)


class ProposalCase(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.archive_own.action_activate()
        cls.Proposal = cls.env["customer.archive.proposal"]

    def _propose(self, changes, user=None, archive=None, submit=True):
        """A salesperson's proposal of ``changes`` ({field: text}), submitted."""
        user = user or self.reader
        proposal = self.Proposal.with_user(user).create(
            {
                "archive_id": (archive or self.archive_own).id,
                "origin": "salesperson",
                "line_ids": [
                    Command.create({"kind": "field", "field_name": key, "new_value": value})
                    for key, value in changes.items()
                ],
            }
        )
        if submit:
            proposal.action_submit()
        return proposal

    def _line(self, proposal, key):
        return proposal.line_ids.filtered(lambda line: line.field_name == key)


@tagged("post_install", "-at_install")
class TestCustomerArchiveProposal(ProposalCase):
    def test_reader_proposal_saves_from_form(self):
        """A reader fills in a proposal for his own customer in the form, and it saves."""
        with Form(self.Proposal.with_user(self.reader)) as form:
            form.archive_id = self.archive_own
            with form.line_ids.new() as line:
                line.kind = "field"
                line.field_name = "business_scope"
                line.new_value = "批发零售日用百货"
            form.note = "客户来电告知"
        proposal = form.record
        self.assertEqual(proposal.state, "draft")
        self.assertEqual(proposal.user_id, self.reader)
        self.assertRegex(proposal.name, r"^JY-GX-\d{4}-\d{4}$")
        self.assertEqual(proposal.line_ids.old_value, "")
        proposal.with_user(self.reader).action_submit()
        self.assertEqual(proposal.state, "submitted")

    def test_web_client_save_of_a_data_form_request(self):
        """A salesperson saves a data form request as the web client sends it, every
        field of the form with its default included."""
        proposal = self.web_create(
            "customer.archive.proposal",
            self.reader,
            {"archive_id": self.archive_own.id, "origin": "portal"},
        )
        self.assertEqual((proposal.state, proposal.origin), ("draft", "portal"))
        self.assertTrue(proposal.with_user(self.reader).can_send_link)
        self.assertFalse(proposal.with_user(self.reader).can_submit)

    def test_change_applied_only_after_acceptance(self):
        """A reader's proposed change leaves the dossier as it is until the keeper
        accepts it; then it is written, tracked, and noted on the dossier."""
        proposal = self._propose({"business_scope": "进出口贸易", "phone": "021-5555 0101"})
        self.assertFalse(self.archive_own.business_scope)
        self.assertFalse(self.partner_own.phone)
        archive = self.with_mail(self.archive_own)
        self.with_mail(proposal.with_user(self.officer)).action_accept()
        self.env.flush_all()
        self.assertEqual(proposal.state, "accepted")
        self.assertEqual(proposal.decided_by_id, self.officer)
        self.assertEqual(archive.business_scope, "进出口贸易")
        self.assertEqual(self.partner_own.phone, "021-5555 0101")
        self.assertEqual(set(proposal.line_ids.mapped("state")), {"accepted"})
        notes = archive.message_ids.filtered(lambda m: proposal.name in (m.body or ""))
        self.assertTrue(any("进出口贸易" in note.body for note in notes))
        self.assertTrue(
            any("021-5555 0101" in (m.body or "") for m in self.partner_own.message_ids)
        )
        # the dossier's own data stays off the partner, which every employee reads
        self.assertFalse(any("进出口贸易" in (m.body or "") for m in self.partner_own.message_ids))

    def test_partial_acceptance_field_by_field(self):
        """The keeper accepts one change and rejects the other: only the first is
        written, the proposal is partly accepted."""
        proposal = self._propose({"fax": "021-5555 0102", "website": "https://pujiang.example"})
        self._line(proposal, "fax").with_user(self.officer).action_accept()
        self.assertEqual(proposal.state, "submitted")
        self._line(proposal, "website").with_user(self.officer).action_reject()
        self.assertEqual(proposal.state, "partial")
        self.assertEqual(self.archive_own.fax, "021-5555 0102")
        self.assertFalse(self.partner_own.website)
        with self.assertRaises(UserError):
            self._line(proposal, "website").with_user(self.officer).action_accept()

    def test_registration_data_forwarded_as_correction(self):
        """Registration data of an opened dossier is not written on acceptance: it
        becomes a correction request, checked and approved as every correction."""
        code = make_credit_code(41)
        proposal = self._propose({"legal_representative": "陈建国", "credit_code": code})
        proposal.with_user(self.officer).action_accept()
        correction = proposal.sudo().line_ids.correction_id
        self.assertEqual(len(correction), 1)
        self.assertEqual(correction.user_id, self.officer)
        self.assertEqual(correction.state, "to_check")
        self.assertEqual(correction.new_legal_representative, "陈建国")
        self.assertEqual(correction.new_credit_code, code)
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")
        correction.with_user(self.manager).action_check()
        correction.with_user(self.manager2).action_approve()
        self.assertEqual(self.archive_own.legal_representative, "陈建国")

    def test_draft_dossier_registration_written_directly(self):
        """A draft dossier's registration data is not locked: accepted, it is written."""
        proposal = self._propose({"legal_representative": "王明"}, archive=self.archive_kept)
        proposal.with_user(self.officer).action_accept()
        self.assertEqual(self.archive_kept.legal_representative, "王明")
        self.assertFalse(proposal.sudo().line_ids.correction_id)

    def test_document_filed_after_acceptance(self):
        """A reader's document waits on the proposal; accepted, it is filed on the dossier
        with its file, which then follows the document's rules."""
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.reader)
            .create({"name": "营业执照.pdf", "raw": b"%PDF-1.4 licence"})
        )
        proposal = self.Proposal.with_user(self.reader).create(
            {
                "archive_id": self.archive_own.id,
                "line_ids": [
                    Command.create(
                        {
                            "kind": "document",
                            "document_name": "营业执照 2026",
                            "document_type_id": self.doc_type.id,
                            "attachment_ids": [Command.set(attachment.ids)],
                        }
                    )
                ],
            }
        )
        proposal.action_submit()
        Document = self.env["customer.archive.document"]
        self.assertFalse(Document.search([("name", "=", "营业执照 2026")]))
        proposal.with_user(self.officer).action_accept()
        document = proposal.line_ids.document_id
        self.assertEqual(document.archive_id, self.archive_own)
        self.assertEqual(document.attachment_ids, attachment)
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("customer.archive.document", document.id)
        )

    def test_document_over_size_limit_refused(self):
        """A file above the size limit (a setting) is refused, nothing saved."""
        self.env["ir.config_parameter"].set_param("customer_archive.proposal_max_upload_mb", 1)
        attachment = self.env["ir.attachment"].create(
            {"name": "scan.pdf", "datas": base64.b64encode(b"x" * (1024 * 1024 + 1))}
        )
        with self.assertRaises(ValidationError) as caught:
            self.Proposal.with_user(self.reader).create(
                {
                    "archive_id": self.archive_own.id,
                    "line_ids": [
                        Command.create(
                            {
                                "kind": "document",
                                "document_name": "扫描件",
                                "document_type_id": self.doc_type.id,
                                "attachment_ids": [Command.set(attachment.ids)],
                            }
                        )
                    ],
                }
            )
        self.assertIn("1 MB", str(caught.exception))
        self.assertFalse(self.Proposal.search([("archive_id", "=", self.archive_own.id)]))

    def test_bad_values_refused(self):
        """A field the form does not ask, a wrong credit code, an address too long, a bad
        email, absurd numbers and dates: refused with a clear message, nothing saved."""
        bad = [
            {"credit_notes": "总是拖欠"},
            {"credit_code": "91310115MA1K4ABCDX"},
            {"street": "路" * 300},
            {"business_scope": "经" * 20001},
            {"email": "not an email"},
            {"employee_count": "-3"},
            {"registered_capital": "1e30"},
            {"date_founded": "2999-01-01"},
            {"name": " "},
        ]
        for changes in bad:
            with self.subTest(changes=changes), self.assertRaises(ValidationError):
                self._propose(changes, submit=False)
        self.assertFalse(self.Proposal.search([("archive_id", "=", self.archive_own.id)]))
        proposal = self._propose({"fax": "021-1"}, submit=False)
        with self.assertRaises(ValidationError):
            proposal.line_ids.write({"new_value": "传" * 100})
        with self.assertRaises(ValidationError):
            proposal.write({"line_ids": [Command.create({"field_name": "fax", "new_value": "1"})]})
        with self.assertRaises(ValidationError):
            proposal.write({"note": "备" * 2001})

    def test_wrong_users_refused_on_every_step(self):
        """Only the proposer (or an officer) submits; only an officer other than the
        proposer accepts or rejects; nobody decides a draft."""
        proposal = self._propose({"fax": "021-2"}, submit=False)
        with self.assertRaises(AccessError):
            proposal.with_user(self.reader2).action_submit()
        with self.assertRaises(UserError):
            proposal.with_user(self.officer).action_accept()  # still a draft
        proposal.with_user(self.reader).action_submit()
        for user in (self.reader, self.reader2, self.user_plain):
            for action in ("action_accept", "action_reject"):
                with self.subTest(user=user.login, action=action), self.assertRaises(AccessError):
                    getattr(proposal.with_user(user), action)()
                with self.assertRaises(AccessError):
                    getattr(proposal.line_ids.with_user(user), action)()
        own = self._propose({"fax": "021-3"}, user=self.officer)
        with self.assertRaises(AccessError):
            own.with_user(self.officer).action_accept()
        with self.assertRaises(AccessError):
            own.line_ids.with_user(self.officer).action_reject()
        own.with_user(self.manager).action_accept()
        self.assertEqual(self.archive_own.fax, "021-3")
        self.assertEqual(proposal.state, "submitted")
        with self.assertRaises(AccessError):
            proposal.with_user(self.reader2).action_cancel()

    def test_state_and_stamps_cannot_be_forged(self):
        """A proposal is not created accepted, nor its state, lines' decisions or token
        written by anyone, the superuser included; a submitted one is frozen."""
        with self.assertRaises(AccessError):
            self.Proposal.with_user(self.reader).create(
                {"archive_id": self.archive_own.id, "state": "accepted"}
            )
        proposal = self._propose({"fax": "021-4"})
        line = proposal.line_ids
        for record, vals in (
            (proposal.with_user(self.officer), {"state": "accepted"}),
            (proposal.sudo(), {"decided_by_id": self.officer.id}),
            (proposal.sudo(), {"token_hash": "0" * 64}),
            (line.with_user(self.officer), {"state": "accepted"}),
            (line.sudo(), {"old_value": "假的"}),
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                record.write(vals)
        with self.assertRaises(UserError):
            line.with_user(self.reader).write({"new_value": "021-5"})
        with self.assertRaises(UserError):
            proposal.with_user(self.reader).write({"note": "改了"})
        with self.assertRaises(UserError):
            line.with_user(self.reader).unlink()
        self.assertEqual(
            (proposal.state, line.state, line.new_value), ("submitted", "pending", "021-4")
        )
        self.assertFalse(self.archive_own.fax)

    def test_reader_proposes_for_own_customers_only(self):
        """A reader cannot propose for a customer he does not sell to or keep."""
        with self.assertRaises(AccessError):
            self._propose({"fax": "1"}, user=self.reader2)
        with self.assertRaises(AccessError):
            self._propose({"fax": "1"}, archive=self.archive_secret)
        with self.assertRaises(AccessError):
            self.Proposal.with_user(self.user_plain).create({"archive_id": self.archive_own.id})

    def test_record_rules(self):
        """A reader sees the proposals (and their lines) of his own customers only."""
        proposal = self._propose({"fax": "021-6"})
        other = self._propose({"fax": "0755-1"}, user=self.reader2, archive=self.archive_other)
        Proposal = self.Proposal.with_user(self.reader)
        self.assertEqual(Proposal.search([]), proposal)
        self.assertEqual(
            self.env["customer.archive.proposal.line"].with_user(self.reader).search([]),
            proposal.line_ids,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.reader).read(["name"])
        with self.assertRaises(AccessError):
            other.line_ids.with_user(self.reader).read(["new_value"])
        self.assertEqual(
            self.Proposal.with_user(self.officer).search([("id", "in", (proposal | other).ids)]),
            proposal | other,
        )

    def test_reader_finds_his_dossier_by_customer_name(self):
        """资料更新建议 › 新建: typing the customer's name (or the number) in 档案 finds the
        reader's own dossier, and not another salesperson's."""
        domain = ast.literal_eval(self.Proposal._fields["archive_id"].domain)
        Archive = self.env["customer.archive"].with_user(self.reader)
        for typed in ("浦江", self.archive_own.name):
            with self.subTest(typed=typed):
                found = [archive_id for archive_id, _name in Archive.name_search(typed, domain)]
                self.assertEqual(found, self.archive_own.ids)
        self.assertFalse(Archive.name_search("鹏城", domain))

    def test_web_client_proposal_link_sent_and_source_editable_while_draft(self):
        """Saved as the web client saves a new form, a data-form proposal sends its link
        at once (the button shows before any save); the answer tells where it was mailed,
        not the link; the source changes while the proposal is a draft (an old link then
        stops working)."""
        self.partner_own.email = "caigou@pujiang.example"
        proposal = self.web_create(
            "customer.archive.proposal",
            self.reader,
            {"archive_id": self.archive_own.id, "origin": "portal"},
        )
        new = self.Proposal.with_user(self.reader).onchange(
            {"origin": "portal", "archive_id": self.archive_own.id},
            ["origin"],
            {"can_send_link": {}, "origin": {}, "archive_id": {}},
        )
        self.assertTrue(new["value"]["can_send_link"])
        mine = proposal.with_user(self.reader)
        action = mine.action_send_link()
        token = proposal.sudo().link_token
        self.assertIn("caigou@pujiang.example", action["params"]["message"])
        self.assertNotIn(token, str(action))
        mine.write({"origin": "salesperson"})
        self.assertFalse(self.Proposal._portal_find(proposal.id, token)[0])
        mine.write(
            {
                "line_ids": [
                    Command.create({"kind": "field", "field_name": "fax", "new_value": "021-9"})
                ]
            }
        )
        mine.action_submit()
        with self.assertRaises(UserError):
            mine.write({"origin": "portal"})
        self.assertEqual((proposal.state, proposal.origin), ("submitted", "salesperson"))

    def test_link_mailed_token_kept_hashed(self):
        """Sending the form link mails the customer a single link, as the company; the
        token is kept hashed for the look-up, readable by no user's read, and posted in no
        chatter."""
        self.partner_own.email = "caigou@pujiang.example"
        proposal = self.Proposal.with_user(self.reader).create(
            {"archive_id": self.archive_own.id, "origin": "portal"}
        )
        with self.assertRaises(UserError):
            proposal.action_submit()  # the customer submits it himself
        proposal.action_send_link()
        token = proposal.sudo().link_token
        mail = self.env["mail.mail"].search([("body_html", "like", token)])
        self.assertEqual(mail.recipient_ids, self.partner_own)
        self.assertEqual(mail.author_id, self.company.partner_id)
        self.assertNotEqual(proposal.sudo().token_hash, token)
        self.assertNotIn(token, "".join(proposal.message_ids.mapped("body")))
        for fname in ("token_hash", "link_token"):
            with self.assertRaises(AccessError):
                proposal.with_user(self.officer).read([fname])
        self.assertEqual(self.Proposal._portal_find(proposal.id, token)[1], "open")
        proposal.action_send_link()  # a new link replaces the old one
        self.assertFalse(self.Proposal._portal_find(proposal.id, token)[0])


@tagged("post_install", "-at_install")
class TestCustomerArchiveProposalRpc(ProposalCase, CustomerArchiveRpcCase):
    def test_wrong_users_refused_over_rpc(self):
        """Over XML-RPC too: a reader does not accept, nor read another's proposals, nor
        create one accepted; a field the form does not ask is refused."""
        proposal = self._propose({"fax": "021-7"})
        model = "customer.archive.proposal"
        with self.assertRpcFault():
            self.rpc(self.reader, model, "action_accept", [proposal.id])
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.archive.proposal.line",
                "action_accept",
                proposal.line_ids.ids,
            )
        with self.assertRpcFault():
            self.rpc(self.reader2, model, "read", [proposal.id], ["name"])
        with self.assertRpcFault():
            self.rpc(self.reader, model, "write", [proposal.id], {"state": "accepted"})
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                model,
                "create",
                {"archive_id": self.archive_own.id, "state": "accepted"},
            )
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(
                self.reader,
                model,
                "create",
                {
                    "archive_id": self.archive_own.id,
                    "line_ids": [[0, 0, {"field_name": "credit_notes", "new_value": "x"}]],
                },
            )
        self.assertEqual(proposal.state, "submitted")
        self.assertFalse(self.archive_own.fax)
        self.rpc(self.officer, model, "action_accept", [proposal.id])
        self.assertEqual(self.archive_own.fax, "021-7")
