from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import RPC_FAULT_CODE_WARNING, CustomerArchiveCase, CustomerArchiveRpcCase

TODAY = date(2026, 11, 2)


class LoanCase(CustomerArchiveCase):
    """``reader`` borrows the archive of ``partner_other``, which ``reader2`` sells to and
    ``officer`` keeps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        Document = cls.env["customer.archive.document"]
        cls.doc_copy = Document.create(
            {"archive_id": cls.archive_other.id, "type_id": cls.doc_type.id, "name": "合同复印件"}
        )
        cls.doc_original = Document.create(
            {
                "archive_id": cls.archive_other.id,
                "type_id": cls.doc_type.id,
                "name": "合同原件",
                "original": "original",
            }
        )
        cls.env["res.partner"].create(
            {"name": "黄志强", "parent_id": cls.partner_other.id, "function": "总经理"}
        )

    def _loan(self, user=None, **values):
        """A draft loan for ``user`` (``reader``), who asks it himself; a loan of named
        documents he may not read is written by the officer in his name."""
        borrower = user or self.reader
        creator = self.officer if "document_ids" in values else borrower
        vals = {
            "user_id": borrower.id,
            "archive_id": self.archive_other.id,
            "purpose": "核对合同条款",
            "kind": "consult",
            "scope": "full",
            "date_start": TODAY,
            "date_due": TODAY + timedelta(days=7),
        }
        vals.update(values)
        loan = self.env["customer.archive.loan"].with_user(creator).create(vals)
        return loan.with_user(borrower)

    def _out(self, loan):
        """Submit as the borrower, approve and hand out as the officer."""
        loan.action_submit()
        loan.with_user(self.manager).action_approve()
        loan.with_user(self.officer).action_hand_out()
        return loan

    def _reads(self, user, archive):
        return bool(self.env["customer.archive"].with_user(user).search([("id", "=", archive.id)]))


@tagged("post_install", "-at_install")
class TestCustomerArchiveLoan(LoanCase):
    @freeze_time(TODAY)
    def test_full_loan_grants_access_only_while_out(self):
        """A full loan opens the archive to its borrower from hand-out to return."""
        loan = self._loan()
        self.assertEqual(loan.state, "draft")
        self.assertTrue(loan.name.startswith("JY-2026-"))
        loan.action_submit()
        self.assertFalse(self._reads(self.reader, self.archive_other))
        loan.with_user(self.manager).action_approve()
        self.assertEqual(loan.approver_id, self.manager)
        self.assertFalse(self._reads(self.reader, self.archive_other))
        loan.with_user(self.officer).action_hand_out()
        self.assertEqual(loan.state, "out")
        self.assertTrue(self._reads(self.reader, self.archive_other))
        self.assertEqual(self.archive_other.with_user(self.reader).legal_representative, "黄志强")
        loan.with_user(self.officer).write({"return_condition": "完好"})
        loan.with_user(self.officer).action_return()
        self.assertEqual(loan.state, "returned")
        self.assertFalse(self._reads(self.reader, self.archive_other))
        with self.assertRaises(AccessError):
            self.archive_other.with_user(self.reader).read(["legal_representative"])

    def test_access_ends_when_loan_falls_overdue(self):
        """The borrower reads the archive up to the due date, not the day after."""
        with freeze_time(TODAY):
            loan = self._out(self._loan())
        with freeze_time(loan.date_due):
            self.assertTrue(self._reads(self.reader, self.archive_other))
            self.assertFalse(loan.is_overdue)
        with freeze_time(loan.date_due + timedelta(days=1)):
            self.assertFalse(self._reads(self.reader, self.archive_other))
            loan.invalidate_recordset(["is_overdue"])
            self.assertTrue(loan.is_overdue)
            self.assertIn(
                loan, self.env["customer.archive.loan"].search([("is_overdue", "=", True)])
            )

    def test_access_ends_on_the_borrowers_own_date(self):
        """In Shanghai the due day ends at 16:00 UTC: from then on the loan is overdue for
        the borrower and his access ends, the same date for both."""
        self.reader.tz = "Asia/Shanghai"
        with freeze_time(TODAY):
            loan = self._out(self._loan())
        due = datetime.combine(loan.date_due, time(15, 30))  # 23:30 in Shanghai
        with freeze_time(due):
            self.assertTrue(self._reads(self.reader, self.archive_other))
            self.assertFalse(loan.with_user(self.reader).is_overdue)
        with freeze_time(due + timedelta(hours=1)):  # 00:30 the next day in Shanghai
            self.assertFalse(self._reads(self.reader, self.archive_other))
            loan.invalidate_recordset(["is_overdue"])
            self.assertTrue(loan.with_user(self.reader).is_overdue)

    @freeze_time(TODAY)
    def test_full_loan_of_named_documents_opens_those_documents(self):
        """A full loan of named documents lets the borrower read those documents."""
        loan = self._out(self._loan(document_ids=[(6, 0, self.doc_copy.ids)]))
        documents = self.env["customer.archive.document"].with_user(self.reader)
        self.assertEqual(
            documents.search([("archive_id", "=", self.archive_other.id)]), self.doc_copy
        )
        self.assertEqual(loan.document_ids, self.doc_copy)

    @freeze_time(TODAY)
    def test_summary_loan_never_opens_archive(self):
        """A summary loan shows name, contacts and titles, never the archive itself."""
        loan = self._out(self._loan(scope="summary"))
        self.assertFalse(self._reads(self.reader, self.archive_other))
        self.assertIn("深圳鹏城电子股份有限公司", loan.summary)
        self.assertIn("黄志强 — 总经理", loan.summary)

    @freeze_time(TODAY)
    def test_borrower_never_approves_own_loan(self):
        """Even an officer cannot approve or reject his own loan."""
        loan = self._loan(user=self.officer)
        loan.action_submit()
        self.assertFalse(loan.can_approve)
        with self.assertRaises(AccessError):
            loan.action_approve()
        with self.assertRaises(AccessError):
            loan.action_reject()
        self.assertEqual(loan.state, "submitted")
        loan.with_user(self.manager).action_approve()
        self.assertEqual(loan.state, "approved")

    @freeze_time(TODAY)
    def test_reader_cannot_approve_or_hand_out(self):
        """Another reader can neither approve nor hand out a loan."""
        loan = self._loan()
        loan.action_submit()
        with self.assertRaises(AccessError):
            loan.with_user(self.reader2).action_approve()
        loan.with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            loan.action_hand_out()
        self.assertEqual(loan.state, "approved")

    @freeze_time(TODAY)
    def test_loans_are_decided_by_a_manager(self):
        """Loans, of confidential archives and of others, are decided by a manager, not
        by the keeper who hands them out (over RPC too: the transition's group)."""
        plain = self._loan()
        plain.action_submit()
        for method in ("action_approve", "action_reject"):
            with self.assertRaises(AccessError):
                getattr(plain.with_user(self.officer), method)()
        self.assertEqual(plain.state, "submitted")
        self.assertFalse(plain.with_user(self.officer).can_approve)
        self.assertTrue(plain.with_user(self.manager).can_approve)
        plain.with_user(self.manager).action_reject()
        self.archive_other.confidentiality = "confidential"
        loan = self._loan()
        loan.action_submit()
        with self.assertRaises(AccessError):
            loan.with_user(self.officer).action_approve()
        loan.with_user(self.manager).action_approve()
        self.assertEqual(loan.state, "approved")

    @freeze_time(TODAY)
    def test_secret_and_closed_archives_are_never_lent(self):
        """Secret archives and closed archives cannot be asked for: a borrower who may not
        read a secret one is refused without its number (nor that it is secret); one who
        may read them is told why."""
        self.archive_secret.action_activate()
        with self.assertRaises(AccessError) as caught:
            self._loan(archive_id=self.archive_secret.id)
        self.assertNotIn(self.archive_secret.name, str(caught.exception))
        self.assertNotIn("secret", str(caught.exception).lower())
        with self.assertRaises(ValidationError) as caught:
            self._loan(user=self.manager, archive_id=self.archive_secret.id)
        self.assertIn(self.archive_secret.name, str(caught.exception))
        self.archive_kept.action_close()
        with self.assertRaises(ValidationError) as caught:
            self._loan(archive_id=self.archive_kept.id)
        self.assertIn("not active", str(caught.exception))

    @freeze_time(TODAY)
    def test_originals_are_consulted_never_lent(self):
        """Originals may be consulted on the spot, never borrowed or issued."""
        for kind in ("borrow", "issue"):
            with self.assertRaises(ValidationError) as caught:
                self._loan(kind=kind, document_ids=[(6, 0, self.doc_original.ids)])
            self.assertIn("合同原件", str(caught.exception))
        self.archive_other.has_paper_original = True
        with self.assertRaises(ValidationError):
            self._loan(kind="borrow")
        consult = self._loan(kind="consult", document_ids=[(6, 0, self.doc_original.ids)])
        self.assertEqual(consult.state, "draft")
        borrow_copy = self._loan(kind="borrow", document_ids=[(6, 0, self.doc_copy.ids)])
        self.assertEqual(borrow_copy.kind, "borrow")

    @freeze_time(TODAY)
    def test_due_date_bounds(self):
        """The due date is neither before the start nor beyond the maximum loan days."""
        in_company = [("company_id", "=", self.company.id)]
        count = self.env["customer.archive.loan"].search_count(in_company)
        with self.assertRaises(ValidationError):
            self._loan(date_due=TODAY - timedelta(days=1))
        with self.assertRaises(ValidationError) as caught:
            self._loan(date_due=TODAY + timedelta(days=31))
        self.assertIn("30", str(caught.exception))
        self.env["ir.config_parameter"].set_param("customer_archive.loan_max_days", "60")
        self._loan(date_due=TODAY + timedelta(days=31))
        self.assertEqual(self.env["customer.archive.loan"].search_count(in_company), count + 1)

    @freeze_time(TODAY)
    def test_return_of_loan_not_out_refused(self):
        """Only a loan that is out can be checked in."""
        loan = self._loan()
        loan.action_submit()
        with self.assertRaises(UserError) as caught:
            loan.with_user(self.officer).action_return()
        self.assertIn("this step is not possible now", str(caught.exception))
        self.assertEqual(loan.state, "submitted")

    @freeze_time(TODAY)
    def test_workflow_fields_not_writable_directly(self):
        """The borrower cannot skip the workflow by writing the state or approver."""
        loan = self._loan()
        with self.assertRaises(UserError):
            loan.write({"state": "out"})
        with self.assertRaises(AccessError):
            loan.write({"approver_id": self.reader.id})
        loan.action_submit()
        with self.assertRaises(AccessError):
            loan.write({"state": "approved"})
        with self.assertRaises(UserError):
            loan.write({"date_due": TODAY + timedelta(days=20)})
        with self.assertRaises(AccessError):
            loan.write({"return_condition": "完好"})
        self.assertEqual(loan.state, "submitted")

    @freeze_time(TODAY)
    def test_loan_in_someone_elses_name_refused(self):
        """A reader asks for loans in his own name only."""
        with self.assertRaises(AccessError):
            self._loan(user_id=self.reader2.id)
        loan = self._loan(user=self.officer, user_id=self.reader2.id)
        self.assertEqual(loan.user_id, self.reader2)

    @freeze_time(TODAY)
    def test_document_out_on_one_loan_at_a_time(self):
        """A document held by one loan cannot be approved for another until it is back."""
        first = self._out(self._loan(document_ids=[(6, 0, self.doc_copy.ids)]))
        second = self._loan(user=self.reader2, document_ids=[(6, 0, self.doc_copy.ids)])
        second.action_submit()
        with self.assertRaises(UserError) as caught:
            second.with_user(self.manager).action_approve()
        self.assertIn(first.name, str(caught.exception))
        self.assertEqual(second.state, "submitted")
        first.with_user(self.officer).action_return()
        second.with_user(self.manager).action_approve()
        self.assertEqual(second.state, "approved")

    @freeze_time(TODAY)
    def test_whole_archive_out_on_one_loan_at_a_time(self):
        """Two loans of the whole archive cannot both be approved."""
        first = self._loan()
        second = self._loan(user=self.reader2)
        first.action_submit()
        second.with_user(self.reader2).action_submit()
        first.with_user(self.manager).action_approve()
        with self.assertRaises(UserError):
            second.with_user(self.manager).action_approve()
        first.action_cancel()
        second.with_user(self.manager).action_approve()
        self.assertEqual(second.state, "approved")

    @freeze_time(TODAY)
    def test_activities_follow_the_steps(self):
        """Submit asks the managers to approve (not the keeper); approval closes theirs
        and asks the keeper to hand out; the hand-out closes hers."""
        loan = self._loan()
        loan.action_submit()
        approval = self.env.ref("customer_archive.mail_activity_type_loan_approval")
        activity = loan.activity_ids.filtered(lambda a: a.activity_type_id == approval)
        self.assertEqual(activity.user_id, self.manager | self.manager2)
        loan.with_user(self.manager).action_approve()
        self.assertEqual(
            loan.activity_ids.activity_type_id,
            self.env.ref("customer_archive.mail_activity_type_loan_handout"),
        )
        self.assertEqual(loan.activity_ids.user_id, self.officer)
        loan.with_user(self.officer).action_hand_out()
        self.assertFalse(loan.activity_ids)

    def test_reminder_and_escalation_created_once(self):
        """The borrower is reminded two days before due; the keeper and the borrower (not
        the managers) once each when overdue; the return closes them."""
        with freeze_time(TODAY):
            loan = self._out(self._loan())
        Loan = self.env["customer.archive.loan"]
        due = self.env.ref("customer_archive.mail_activity_type_loan_due")
        overdue = self.env.ref("customer_archive.mail_activity_type_loan_overdue")
        with freeze_time(loan.date_due - timedelta(days=3)):
            Loan._cron_remind_loans()
            self.assertFalse(loan.activity_ids)
        with freeze_time(loan.date_due - timedelta(days=2)):
            Loan._cron_remind_loans()
            Loan._cron_remind_loans()
        reminders = loan.activity_ids.filtered(lambda a: a.activity_type_id == due)
        self.assertEqual(reminders.user_id, self.reader)
        self.assertEqual(len(reminders), 1)
        with freeze_time(loan.date_due + timedelta(days=1)):
            Loan._cron_remind_loans()
            Loan._cron_remind_loans()
        with freeze_time(loan.date_due + timedelta(days=2)):
            Loan._cron_remind_loans()
        escalations = loan.activity_ids.filtered(lambda a: a.activity_type_id == overdue)
        self.assertEqual(escalations.user_id, self.officer | self.reader)
        self.assertEqual(len(escalations), 2)
        # created in one batch, without an assignment email per reminder
        notified = loan.message_ids.filtered(lambda m: m.message_type == "user_notification")
        self.assertFalse(notified)
        loan.with_user(self.officer).action_return()
        self.assertFalse(loan.activity_ids)

    @freeze_time(TODAY)
    def test_steps_noted_on_archive(self):
        """Every step of a loan is noted in the archive's chatter."""
        loan = self._out(self._loan())
        notes = self.archive_other.message_ids.filtered(lambda m: loan.name in (m.body or ""))
        self.assertEqual(len(notes), 3)  # requested, approved, handed out

    @freeze_time(TODAY)
    def test_request_loan_from_partner_and_archive(self):
        """ "Request Loan" on the partner or archive opens a loan for that archive."""
        action = self.partner_other.with_user(self.reader).action_request_customer_archive_loan()
        self.assertEqual(action["context"]["default_archive_id"], self.archive_other.id)
        with self.assertRaises(UserError):
            self.partner_free.with_user(self.reader).action_request_customer_archive_loan()
        action = self.archive_own.with_user(self.reader).action_request_loan()
        self.assertEqual(action["context"]["default_archive_id"], self.archive_own.id)

    @freeze_time(TODAY)
    def test_archive_shows_its_loans_and_paper_out(self):
        """The archive counts its loans and says when its file is out."""
        loan = self._loan()
        self.assertEqual(self.archive_other.loan_count, 1)
        self.assertFalse(self.archive_other.is_out)
        self._out(loan)
        self.archive_other.invalidate_recordset(["is_out"])
        self.assertTrue(self.archive_other.is_out)

    @freeze_time(TODAY)
    def test_loan_slip_prints(self):
        """The loan slip shows the loan, the borrower and the signature lines."""
        loan = self._out(self._loan(document_ids=[(6, 0, self.doc_copy.ids)]))
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "customer_archive.customer_archive_loan_slip", loan.ids
        )
        html = html.decode()
        self.assertIn(loan.name, html)
        self.assertIn(self.reader.name, html)
        self.assertIn("合同复印件", html)
        self.assertIn("signature", html)

    @freeze_time(TODAY)
    def test_readers_see_only_their_own_loans(self):
        """A reader sees his own loans; officers see all."""
        mine = self._loan()
        theirs = self._loan(user=self.reader2)
        Loan = self.env["customer.archive.loan"]
        in_company = [("company_id", "=", self.company.id)]
        self.assertEqual(Loan.with_user(self.reader).search(in_company), mine)
        self.assertEqual(Loan.with_user(self.officer).search(in_company), mine | theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.reader).read(["purpose"])


@tagged("post_install", "-at_install")
class TestCustomerArchiveLoanRpc(LoanCase, CustomerArchiveRpcCase):
    """The loan workflow holds over the external API too."""

    def test_rpc_borrower_cannot_approve_or_force_state(self):
        """Over RPC the borrower can neither approve his loan nor write its state."""
        loan = self._loan(date_start=date.today(), date_due=date.today() + timedelta(days=3))
        self.rpc(self.reader, "customer.archive.loan", "action_submit", loan.ids)
        self.assertEqual(loan.state, "submitted")
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.loan", "action_approve", loan.ids)
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.loan", "write", loan.ids, {"state": "approved"})
        self.assertEqual(loan.state, "submitted")

    def test_rpc_original_loan_refused_with_message(self):
        """Over RPC a borrow of an original is refused as a validation error."""
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(
                self.reader2,
                "customer.archive.loan",
                "create",
                {
                    "archive_id": self.archive_other.id,
                    "purpose": "x",
                    "kind": "borrow",
                    "date_due": str(date.today() + timedelta(days=3)),
                    "document_ids": [(6, 0, self.doc_original.ids)],
                },
            )

    def test_rpc_access_to_archive_follows_the_loan(self):
        """Over RPC the borrower reads the archive while the loan is out, not after."""
        loan = self._loan(date_start=date.today(), date_due=date.today() + timedelta(days=3))
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive", "read", self.archive_other.ids, ["name"])
        self._out(loan)
        (row,) = self.rpc(
            self.reader,
            "customer.archive",
            "read",
            self.archive_other.ids,
            ["legal_representative"],
        )
        self.assertEqual(row["legal_representative"], "黄志强")
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.loan", "action_return", loan.ids)
        loan.with_user(self.officer).action_return()
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive", "read", self.archive_other.ids, ["name"])
