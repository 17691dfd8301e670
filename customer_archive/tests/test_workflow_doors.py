"""One door per workflow: every record saves from its form as the user who creates it,
and the state and stamped fields change through the buttons only, for everyone."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CustomerArchiveCase, CustomerArchiveRpcCase


class DoorCase(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        cls.document_other = cls.env["customer.archive.document"].create(
            {"archive_id": cls.archive_other.id, "type_id": cls.doc_type.id, "name": "合同复印件"}
        )
        cls.due = fields.Date.context_today(cls.env.user) + timedelta(days=7)
        cls.archive_other.date_relationship_end = "2010-01-31"

    def loan_vals(self, **values):
        return {
            "archive_id": self.archive_other.id,
            "purpose": "核对合同条款",
            "kind": "consult",
            "scope": "full",
            "date_due": self.due,
            **values,
        }

    def new_register(self, **values):
        """A draft register of ``archive_other`` prepared by the officer for the panel
        ``manager``."""
        return (
            self.env["customer.archive.destruction"]
            .with_user(self.officer)
            .create(
                {
                    "reason": "保存期满",
                    "panel_ids": [Command.set(self.manager.ids)],
                    "line_ids": [
                        Command.create({"kind": "archive", "archive_id": self.archive_other.id})
                    ],
                    **values,
                }
            )
        )

    def new_correction(self):
        """A correction of ``archive_own``'s legal representative asked by ``reader``."""
        return (
            self.env["customer.archive.correction"]
            .with_user(self.reader)
            .create(
                {
                    "archive_id": self.archive_own.id,
                    "new_legal_representative": "陈建国",
                    "reason": "营业执照变更",
                }
            )
        )

    def new_signal(self, user=None, **values):
        """A lawsuit flagged on ``partner_own`` by ``user`` (``reader``)."""
        return (
            self.env["customer.risk.signal"]
            .with_user(user or self.reader)
            .create(
                {
                    "partner_id": self.partner_own.id,
                    "type_id": self.env.ref("customer_archive.risk_signal_type_lawsuit").id,
                    **values,
                }
            )
        )

    def submitted_loan(self, **values):
        """A loan of ``reader``'s, submitted; named documents (of a dossier he may not
        read) are named by the officer in his name."""
        creator = self.officer if "document_ids" in values else self.reader
        loan = (
            self.env["customer.archive.loan"]
            .with_user(creator)
            .create(self.loan_vals(user_id=self.reader.id, **values))
            .with_user(self.reader)
        )
        loan.action_submit()
        return loan


@tagged("post_install", "-at_install")
class TestFormsSave(DoorCase):
    """Each record a person creates saves from its form, as that person, and goes on
    through its workflow."""

    def test_loan_from_form_as_reader_through_its_workflow(self):
        """The partner form's 「申请借阅」 opens a draft the reader saves and submits; the
        officer approves and hands out, then checks it in with the condition noted."""
        action = self.partner_other.with_user(self.reader).action_request_customer_archive_loan()
        Loan = self.env["customer.archive.loan"].with_user(self.reader)
        with Form(Loan.with_context(**action["context"])) as form:
            form.purpose = "核对合同条款"
            form.kind = "consult"
            form.scope = "full"
            form.date_due = self.due
        loan = form.record
        self.assertEqual((loan.state, loan.user_id), ("draft", self.reader))
        self.assertTrue(loan.name.startswith("JY-"))
        loan.action_submit()
        loan.with_user(self.manager).action_approve()
        loan.with_user(self.officer).action_hand_out()
        with Form(loan.with_user(self.officer)) as form:
            form.return_condition = "完好"
        loan.with_user(self.officer).action_return()
        self.assertEqual((loan.state, loan.return_condition), ("returned", "完好"))

    def test_records_save_the_way_the_web_client_sends_them(self):
        """The web client sends every field's default on create, the empty workflow
        fields included: loan, register, correction, dossier and signal all save."""
        loan = self.web_create("customer.archive.loan", self.reader, self.loan_vals())
        self.assertEqual(loan.state, "draft")
        register = self.web_create(
            "customer.archive.destruction",
            self.officer,
            {
                "reason": "保存期满",
                "panel_ids": [Command.set(self.manager.ids)],
                "line_ids": [
                    Command.create({"kind": "archive", "archive_id": self.archive_other.id})
                ],
            },
        )
        self.assertEqual((register.state, register.user_id), ("draft", self.officer))
        correction = self.web_create(
            "customer.archive.correction",
            self.reader,
            {"new_legal_representative": "陈建国", "reason": "营业执照变更"},
            context={"default_archive_id": self.archive_own.id},
        )
        self.assertEqual(correction.state, "to_check")
        archive = self.web_create(
            "customer.archive", self.officer, {"partner_id": self.partner_free.id}
        )
        self.assertEqual(archive.state, "draft")
        signal = self.web_create(
            "customer.risk.signal",
            self.reader,
            {
                "partner_id": self.partner_own.id,
                "type_id": self.env.ref("customer_archive.risk_signal_type_late_payment").id,
            },
        )
        self.assertEqual((signal.state, signal.user_id), ("open", self.reader))

    def test_register_from_form_through_the_panel(self):
        """An officer prepares a register in its form; each panel member approves, the
        last approval approves it, the officer carries it out."""
        Register = self.env["customer.archive.destruction"].with_user(self.officer)
        with Form(Register) as form:
            form.reason = "保存期满"
            form.panel_ids.add(self.manager)
            form.panel_ids.add(self.manager2)
            with form.line_ids.new() as line:
                line.kind = "archive"
                line.archive_id = self.archive_other
        register = form.record
        register.action_submit()
        register.with_user(self.manager).action_approve()
        self.assertEqual(register.state, "to_approve")
        self.assertEqual(register.pending_user_ids, self.manager2)
        with self.assertRaises(UserError):
            register.with_user(self.manager).action_approve()
        register.with_user(self.manager2).action_approve()
        self.assertEqual(register.state, "approved")
        register.action_done()
        self.assertEqual(self.archive_other.state, "destroyed")

    def test_correction_from_form_checked_then_approved(self):
        """A reader files a correction in its dialog; an officer checks it (审核), a
        manager approves it (审批) and the dossier changes."""
        action = self.archive_own.with_user(self.reader).action_request_correction()
        Correction = self.env["customer.archive.correction"].with_user(self.reader)
        with Form(Correction.with_context(**action["context"])) as form:
            self.assertEqual(form.new_legal_representative, "刘海燕")
            form.new_legal_representative = "陈建国"
            form.reason = "营业执照变更"
        request = form.record
        request.with_user(self.officer).action_check()
        request.with_user(self.manager).action_approve()
        self.assertEqual(self.archive_own.legal_representative, "陈建国")

    def test_dossier_document_and_signal_from_forms(self):
        """An officer opens a dossier and files a document; a reader flags a signal that
        a manager resolves."""
        with Form(self.env["customer.archive"].with_user(self.officer)) as form:
            form.partner_id = self.partner_free
        archive = form.record
        archive.with_user(self.officer).action_activate()
        Document = self.env["customer.archive.document"].with_user(self.officer)
        with Form(Document.with_context(default_archive_id=archive.id)) as form:
            form.type_id = self.doc_type
            form.name = "销售合同"
        self.assertEqual(form.record.archive_id, archive)
        Signal = self.env["customer.risk.signal"].with_user(self.reader)
        with Form(Signal) as form:
            form.partner_id = self.partner_own
            form.type_id = self.env.ref("customer_archive.risk_signal_type_late_payment")
        signal = form.record
        self.assertEqual(signal.user_id, self.reader)
        with self.assertRaises(AccessError):
            signal.with_user(self.reader).action_resolve()
        signal.with_user(self.manager).action_resolve()
        self.assertEqual(signal.state, "resolved")

    def test_handover_from_wizard_form(self):
        """A manager hands an employee's customers over through the wizard's form."""
        Wizard = self.env["customer.archive.handover.wizard"].with_user(self.manager)
        with Form(Wizard) as form:
            form.from_user_id = self.reader2
            form.to_user_id = self.reader
        form.record.action_confirm()
        self.assertEqual(self.partner_other.user_id, self.reader)


@tagged("post_install", "-at_install")
class TestWorkflowLoopholes(DoorCase):
    """The ways around the workflows found from outside, each closed."""

    def test_officer_cannot_write_a_loan_approved(self):
        """Writing state 'approved' takes no hold and lets no second loan through: it
        is refused, to the officer as to the superuser."""
        loan = self.submitted_loan()
        for env_loan in (loan.with_user(self.officer), loan.sudo()):
            with self.assertRaises(AccessError):
                env_loan.write({"state": "approved"})
        self.assertEqual(loan.state, "submitted")
        self.assertFalse(loan.sudo().hold_ids)

    def test_borrower_cannot_cancel_by_write(self):
        """An approved loan is cancelled by its button, which releases the hold."""
        loan = self.submitted_loan()
        loan.with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            loan.with_user(self.reader).write({"state": "cancelled"})
        self.assertTrue(loan.sudo().hold_ids)
        loan.with_user(self.reader).action_cancel()
        self.assertFalse(loan.sudo().hold_ids)

    def test_borrower_cannot_stamp_or_move_his_draft(self):
        """State, approver, officer and dates are the workflow's; the borrower is not
        moved to someone else by the borrower."""
        loan = self.env["customer.archive.loan"].with_user(self.reader).create(self.loan_vals())
        for vals in (
            {"state": "out", "approver_id": self.manager.id},
            {"approver_id": self.manager.id},
            {"officer_id": self.officer.id},
            {"date_out": fields.Datetime.now()},
            {"user_id": self.reader2.id},
        ):
            with self.assertRaises(AccessError):
                loan.with_user(self.reader).write(vals)
        self.assertFalse(loan.approver_id)
        self.assertEqual((loan.state, loan.user_id), ("draft", self.reader))
        with self.assertRaises(AccessError):
            self.env["customer.archive.loan"].with_user(self.reader).create(
                self.loan_vals(approver_id=self.manager.id)
            )

    def test_submitted_request_is_frozen(self):
        """After submission the borrower, dossier and documents stay as approved."""
        loan = self.submitted_loan()
        for vals in (
            {"archive_id": self.archive_kept.id},
            {"user_id": self.reader2.id},
            {"document_ids": [Command.set(self.document_other.ids)]},
        ):
            with self.assertRaises(UserError):
                loan.with_user(self.officer).write(vals)
        self.assertEqual(loan.archive_id, self.archive_other)

    def test_whole_and_document_loans_exclude_each_other(self):
        """A whole-dossier loan is refused while one of its documents is out, and the
        other way round."""
        by_document = self.submitted_loan(document_ids=[Command.set(self.document_other.ids)])
        by_document.with_user(self.manager).action_approve()
        whole = self.submitted_loan()
        with self.assertRaises(UserError):
            whole.with_user(self.manager).action_approve()
        by_document.with_user(self.reader).action_cancel()
        whole.with_user(self.manager).action_approve()
        again = self.submitted_loan(document_ids=[Command.set(self.document_other.ids)])
        with self.assertRaises(UserError):
            again.with_user(self.manager).action_approve()
        self.assertEqual(again.state, "submitted")

    def test_dossier_destroyed_only_by_a_register(self):
        """Neither a write nor the transition itself destroys a dossier without an
        approved register; nobody can undo a destruction."""
        for archive in (self.archive_other.with_user(self.officer), self.archive_other.sudo()):
            with self.assertRaises(AccessError):
                archive.write({"state": "destroyed"})
            with self.assertRaises(AccessError):
                archive._workflow_run("destroy", self.env["customer.archive.destruction"])
        self.assertEqual(self.archive_other.state, "active")
        with self.assertRaises(AccessError):
            self.archive_other.sudo().write({"date_destroyed": "2026-01-01"})

    def test_line_cannot_move_into_another_register(self):
        """A draft line is not moved into a done register."""
        Register = self.env["customer.archive.destruction"].with_user(self.officer)
        done = Register.create(
            {
                "reason": "保存期满",
                "panel_ids": [Command.set(self.manager.ids)],
                "line_ids": [
                    Command.create({"kind": "archive", "archive_id": self.archive_other.id})
                ],
            }
        )
        done.action_submit()
        done.with_user(self.manager).action_approve()
        done.action_done()
        draft = (
            self.env["customer.archive.destruction"]
            .with_user(self.manager)
            .create(
                {
                    "reason": "提前销毁",
                    "line_ids": [
                        Command.create(
                            {
                                "kind": "document",
                                "document_id": self.document_own.id,
                                "early_reason": "客户要求",
                            }
                        )
                    ],
                }
            )
        )
        line = draft.line_ids
        for env_line in (line.with_user(self.officer), line.sudo()):
            with self.assertRaises(UserError):
                env_line.write({"register_id": done.id})
        self.assertEqual(line.register_id, draft)
        self.assertEqual(len(done.line_ids), 1)

    def test_reader_cannot_report_a_signal_as_someone_else(self):
        """「Reported by」 is whoever flags the signal."""
        Signal = self.env["customer.risk.signal"].with_user(self.reader)
        vals = {
            "partner_id": self.partner_own.id,
            "type_id": self.env.ref("customer_archive.risk_signal_type_late_payment").id,
        }
        with self.assertRaises(AccessError):
            Signal.create(dict(vals, user_id=self.manager.id))
        signal = Signal.create(vals)
        with self.assertRaises(AccessError):
            signal.sudo().write({"user_id": self.manager.id})
        with self.assertRaises(AccessError):
            signal.with_user(self.manager).write({"state": "resolved"})

    def test_numbers_are_never_rewritten(self):
        """A record's number is set when it is created, then never changes."""
        loan = self.submitted_loan()
        for record in (loan, self.archive_own):
            with self.assertRaises(AccessError):
                record.sudo().write({"name": "X-1"})


@tagged("post_install", "-at_install")
class TestCanFlags(DoorCase):
    """Each can_* flag is true for the user who may take the step and false for the
    next one down."""

    def assertFlag(self, record, flag, allowed, refused):
        record.invalidate_recordset()
        self.assertTrue(record.with_user(allowed)[flag], f"{flag} for {allowed.login}")
        self.assertFalse(record.with_user(refused)[flag], f"{flag} for {refused.login}")

    def test_dossier_flags(self):
        archive = self.env["customer.archive"].create({"partner_id": self.partner_free.id})
        self.assertFlag(archive, "can_activate", self.officer, self.reader)
        archive.action_activate()
        self.assertFalse(archive.with_user(self.officer).can_activate)
        self.assertFlag(archive, "can_close", self.officer, self.reader)
        self.assertFlag(archive, "can_mark_reviewed", self.officer, self.reader)
        archive.action_close()
        self.assertFlag(archive, "can_reopen", self.officer, self.reader)

    def test_loan_flags(self):
        loan = self.env["customer.archive.loan"].with_user(self.reader).create(self.loan_vals())
        self.assertFlag(loan, "can_submit", self.reader, self.reader2)
        self.assertFlag(loan, "can_cancel", self.reader, self.reader2)
        loan.action_submit()
        self.assertFlag(loan, "can_approve", self.manager, self.officer)
        self.assertFlag(loan, "can_reject", self.manager, self.officer)
        self.assertFalse(loan.with_user(self.reader).can_submit)
        loan.with_user(self.manager).action_approve()
        self.assertFlag(loan, "can_hand_out", self.officer, self.reader)
        loan.with_user(self.officer).action_hand_out()
        self.assertFlag(loan, "can_return", self.officer, self.reader)
        loan.with_user(self.officer).action_return()
        self.assertFalse(loan.with_user(self.officer).can_return)
        other = self.submitted_loan(archive_id=self.archive_kept.id)
        other.with_user(self.manager).action_reject()
        self.assertFlag(other, "can_reset", self.reader, self.reader2)

    def test_register_flags(self):
        register = self.new_register()
        self.assertFlag(register, "can_submit", self.officer, self.reader)
        self.assertFlag(register, "can_cancel", self.officer, self.reader)
        register.action_submit()
        self.assertFlag(register, "can_approve", self.manager, self.manager2)
        self.assertFlag(register, "can_draft", self.officer, self.reader)
        register.with_user(self.manager).action_approve()
        self.assertFlag(register, "can_done", self.officer, self.reader)

    def test_correction_flags(self):
        request = self.new_correction()
        self.assertFlag(request, "can_check", self.officer, self.reader)
        self.assertFlag(request, "can_cancel", self.reader, self.reader2)
        self.assertFlag(request, "can_reject", self.officer, self.reader)
        request.with_user(self.officer).action_check()
        self.assertFlag(request, "can_approve", self.manager, self.officer)
        self.assertFlag(request, "can_reject", self.manager, self.officer)

    def test_signal_flags(self):
        signal = self.new_signal()
        self.assertFlag(signal, "can_resolve", self.manager, self.officer)


@tagged("post_install", "-at_install")
class TestWorkflowLoopholesRpc(DoorCase, CustomerArchiveRpcCase):
    """The same doors over the external API."""

    def test_rpc_state_and_stamps_refused_everywhere(self):
        """Over RPC nobody writes a state or a stamped field, admin included."""
        loan = self.submitted_loan()
        archive = self.archive_other
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(self.company.id)]})
        cases = [
            (self.officer, "customer.archive.loan", loan.ids, {"state": "approved"}),
            (self.reader, "customer.archive.loan", loan.ids, {"state": "cancelled"}),
            (self.reader, "customer.archive.loan", loan.ids, {"approver_id": self.manager.id}),
            (self.officer, "customer.archive", archive.ids, {"state": "destroyed"}),
            (self.manager, "customer.archive", archive.ids, {"date_last_review": "2026-01-01"}),
        ]
        for user, model, ids, vals in cases:
            with self.subTest(user=user.login, model=model, vals=vals):
                with self.assertRpcFault():
                    self.rpc(user, model, "write", ids, vals)
        self.env.invalidate_all()
        self.assertEqual((loan.state, archive.state), ("submitted", "active"))

    def test_rpc_every_protected_field_refused_to_admin(self):
        """Over RPC the administrator writes no state and no stamped field of any
        workflow: each is set by its transitions only."""
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(self.company.id)], "company_id": self.company.id})
        loan = self.submitted_loan()
        register = (
            self.env["customer.archive.destruction"]
            .with_user(self.officer)
            .create({"reason": "保存期满", "panel_ids": [Command.set(self.manager.ids)]})
        )
        correction = self.new_correction()
        signal = self.new_signal()
        values = {
            "many2one": admin.id,
            "many2many": [[6, 0, admin.ids]],
            "date": "2026-01-01",
            "datetime": "2026-01-01 08:00:00",
        }
        for record in (self.archive_other, loan, register, correction, signal):
            Model = self.env[record._name]
            for fname in sorted(Model._workflow_protected_fields()):
                field = Model._fields[fname]
                value = values.get(field.type) or field._description_selection(self.env)[-1][0]
                with self.subTest(model=record._name, field=fname):
                    with self.assertRpcFault():
                        self.rpc(admin, record._name, "write", record.ids, {fname: value})
        self.env.invalidate_all()
        self.assertEqual(loan.state, "submitted")
        self.assertFalse(register.approved_user_ids)

    def test_rpc_forms_and_flows(self):
        """Over RPC a reader asks, an officer approves and hands out, as in the UI; the
        borrower approving his own loan is refused."""
        model = "customer.archive.loan"
        loan_id = self.rpc(
            self.reader,
            model,
            "create",
            {**self.loan_vals(), "date_due": str(self.due), "approver_id": False},
        )
        self.rpc(self.reader, model, "action_submit", [loan_id])
        with self.assertRpcFault():
            self.rpc(self.reader, model, "action_approve", [loan_id])
        with self.assertRpcFault():
            self.rpc(self.officer, model, "action_approve", [loan_id])
        self.rpc(self.manager, model, "action_approve", [loan_id])
        self.rpc(self.officer, model, "action_hand_out", [loan_id])
        self.env.invalidate_all()
        loan = self.env[model].browse(loan_id)
        self.assertEqual(
            (loan.state, loan.approver_id, loan.officer_id), ("out", self.manager, self.officer)
        )

    def test_rpc_signal_reported_as_someone_else_refused(self):
        """Over RPC a reader cannot report a signal as a manager."""
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.risk.signal",
                "create",
                {
                    "partner_id": self.partner_own.id,
                    "type_id": self.env.ref("customer_archive.risk_signal_type_lawsuit").id,
                    "user_id": self.manager.id,
                },
            )
