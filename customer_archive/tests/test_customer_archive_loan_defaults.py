from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_customer_archive_loan import TODAY, LoanCase

PURPOSE = "需查阅其营业执照和历年合同"
DAMAGED = "customer_archive.mail_activity_type_loan_damaged"


@tagged("post_install", "-at_install")
class TestCustomerArchiveLoanDefaults(LoanCase):
    """A loan asked with the form's defaults gives the borrower what he asked for, and a
    refusal says why his own loan does not open the archive."""

    def web_loan(self, user=None, **values):
        """A loan saved as the web client saves the new form: every field of the view with
        its default, then the archive and the purpose typed in."""
        values = {"archive_id": self.archive_other.id, "purpose": PURPOSE, **values}
        return self.web_create("customer.archive.loan", user or self.reader, values)

    def refusal(self, user, archive):
        with self.assertRaises(AccessError) as caught:
            archive.with_user(user).read(["legal_representative"])
        return str(caught.exception)

    @freeze_time(TODAY)
    def test_default_loan_reads_the_documents_asked_for(self):
        """With the defaults (full scope, due after the longest loan period) the reader's
        loan saves, and once approved and handed out he opens the dossier and reads its
        documents."""
        loan = self.web_loan()
        self.assertEqual((loan.scope, loan.state), ("full", "draft"))
        self.assertEqual(loan.date_due, TODAY + timedelta(days=30))
        loan.action_submit()
        loan.with_user(self.manager).action_approve()
        loan.with_user(self.officer).action_hand_out()
        action = loan.with_user(self.reader).action_open_archive()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("customer.archive", self.archive_other.id)
        )
        archive = self.archive_other.with_user(self.reader)
        self.assertEqual(archive.legal_representative, "黄志强")
        documents = self.env["customer.archive.document"].with_user(self.reader)
        self.assertEqual(
            documents.search([("archive_id", "=", self.archive_other.id)]),
            self.doc_copy | self.doc_original,
        )
        self.assertEqual(
            archive.document_ids.mapped("name"), (self.doc_copy | self.doc_original).mapped("name")
        )

    @freeze_time(TODAY)
    def test_due_date_follows_the_settings(self):
        """The due date defaults to the longest loan period of the settings, and moves with
        a start moved past it."""
        self.env["ir.config_parameter"].set_param("customer_archive.loan_max_days", "10")
        with Form(self.env["customer.archive.loan"].with_user(self.reader)) as form:
            self.assertEqual(form.date_due, TODAY + timedelta(days=10))
            form.archive_id = self.archive_other
            form.purpose = PURPOSE
            form.date_start = TODAY + timedelta(days=20)
            self.assertEqual(form.date_due, TODAY + timedelta(days=30))
        self.assertEqual(form.record.scope, "full")

    @freeze_time(TODAY)
    def test_refusal_says_why_the_own_loan_does_not_open(self):
        """Refused the dossier, the borrower is told the truth of his loan: waiting for its
        hand-out, summary-only once out, or overdue."""
        summary = self.web_loan(scope="summary")
        summary.action_submit()
        message = self.refusal(self.reader, self.archive_other)
        self.assertIn("Request Loan", message)  # a summary loan asked: nothing to wait for
        summary.with_user(self.manager).action_approve()
        summary.with_user(self.officer).action_hand_out()
        message = self.refusal(self.reader, self.archive_other)
        self.assertIn(summary.name, message)
        self.assertIn("summary-only", message)
        self.assertNotIn("once", message)
        self.assertIn("黄志强 — 总经理", summary.summary)
        summary.with_user(self.officer).action_return()

        full = self.web_loan()
        full.action_submit()
        message = self.refusal(self.reader, self.archive_other)
        self.assertIn(full.name, message)
        self.assertIn("not handed out yet", message)
        full.with_user(self.manager).action_approve()
        full.with_user(self.officer).action_hand_out()
        with freeze_time(full.date_due + timedelta(days=1)):
            full.invalidate_recordset(["is_overdue"])
            message = self.refusal(self.reader, self.archive_other)
        self.assertIn(full.name, message)
        self.assertIn("was due on", message)

    @freeze_time(TODAY)
    def test_check_in_records_the_condition(self):
        """The keeper checks the file in through the dialog with its condition: complete
        asks nothing more; damaged needs a note, is shown on the loan and its slip, and
        asks the manager who approved it to follow up."""
        complete = self._out(self._loan())
        action = complete.with_user(self.officer).action_open_return()
        Return = self.env[action["res_model"]].with_user(self.officer)
        with Form(Return.with_context(**action["context"])) as form:
            self.assertEqual(form.return_state, "complete")
        form.record.action_confirm()
        self.assertEqual((complete.state, complete.return_state), ("returned", "complete"))
        self.assertFalse(complete.activity_ids)

        damaged = self._loan()
        damaged.action_submit()
        damaged.with_user(self.manager).action_approve()
        damaged.with_user(self.officer).action_hand_out()
        action = damaged.with_user(self.officer).action_open_return()
        with Form(Return.with_context(**action["context"])) as form:
            form.return_state = "damaged"
            form.note = "第3页撕裂,合同附件缺失"
        with self.assertRaises(UserError):
            damaged.with_user(self.officer).action_return(condition="damaged")
        form.record.action_confirm()
        self.assertEqual(
            (damaged.state, damaged.return_state, damaged.return_condition),
            ("returned", "damaged", "第3页撕裂,合同附件缺失"),
        )
        follow_up = damaged.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(DAMAGED)
        )
        self.assertEqual(follow_up.user_id, self.manager)
        self.assertIn("第3页撕裂", follow_up.summary)
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "customer_archive.customer_archive_loan_slip", damaged.ids
        )
        self.assertIn("第3页撕裂", html.decode())
        self.assertIn("Damaged", html.decode())

    @freeze_time(TODAY)
    def test_condition_changes_only_through_check_in(self):
        """Nobody writes the file's condition directly, nor checks in what is not out, nor
        gives a condition that does not exist; the note is frozen once returned."""
        loan = self._out(self._loan())
        with self.assertRaises(AccessError):
            loan.with_user(self.officer).write({"return_state": "complete"})
        with self.assertRaises(AccessError):
            loan.with_user(self.reader).action_open_return()
        with self.assertRaises(UserError):
            loan.with_user(self.officer).action_return(condition="lost")
        loan.with_user(self.officer).action_return(condition="missing", note="缺第5页")
        self.assertEqual(loan.return_state, "missing")
        with self.assertRaises(UserError):
            loan.with_user(self.officer).write({"return_condition": "完好"})
