import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RPC_FAULT_CODE_WARNING, CustomerArchiveCase, CustomerArchiveRpcCase

TODAY = "2026-03-01"


class DestructionCase(CustomerArchiveCase):
    """On 2026-03-01: ``archive_other`` ended its relationship in 2015 and is past
    retention; ``visit`` (3 years from its date) is past retention; ``archive_own`` and its
    contract are not (the relationship goes on)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other).action_activate()
        cls.archive_other.date_relationship_end = "2015-06-30"
        Document = cls.env["customer.archive.document"]
        cls.visit = Document.create(
            {
                "archive_id": cls.archive_own.id,
                "type_id": cls.env.ref("customer_archive.document_type_vis").id,
                "name": "2019 年走访报告",
                "date": "2019-05-10",
            }
        )
        cls.invoice = Document.create(
            {
                "archive_id": cls.archive_other.id,
                "type_id": cls.env.ref("customer_archive.document_type_inv").id,
                "name": "发票 2014",
                "date": "2014-12-01",
                "attachment_ids": [
                    Command.create(
                        {"name": "invoice.pdf", "datas": base64.b64encode(b"%PDF-1.4 test")}
                    )
                ],
            }
        )
        cls.visit_file = cls.env["ir.attachment"].create(
            {
                "name": "visit.txt",
                "datas": base64.b64encode(b"visit"),
                "res_model": "customer.archive.document",
                "res_id": cls.visit.id,
            }
        )

    def _register(self, lines, user=None, **values):
        """A draft register of ``lines``, prepared by ``user`` (the officer), to be
        approved by the panel ``manager``."""
        vals = {
            "reason": "保存期满",
            "line_ids": [Command.create(line) for line in lines],
            "panel_ids": [Command.set(self.manager.ids)],
        }
        vals.update(values)
        return self.env["customer.archive.destruction"].with_user(user or self.officer).create(vals)

    def _approved(self, lines):
        register = self._register(lines)
        register.action_submit()
        register.with_user(self.manager).action_approve()
        return register


@tagged("post_install", "-at_install")
class TestCustomerArchiveRetention(DestructionCase):
    def test_retention_dates(self):
        """Retention counts from the relationship end or the document date, per type."""
        # invoices: 10 years after the relationship ended
        self.assertEqual(self.invoice.retention_date, date(2025, 6, 30))
        # the archive: the latest of its documents and the company's 5 years
        self.assertEqual(self.archive_other.retention_date, date(2025, 6, 30))
        # visit reports: 3 years from their date
        self.assertEqual(self.visit.retention_date, date(2022, 5, 10))
        self.assertFalse(self.archive_own.retention_date)
        self.assertFalse(self.document_own.retention_date)

    def test_permanent_document_keeps_the_archive(self):
        """A document type kept permanently keeps the whole archive."""
        self.invoice.type_id.retention_years = 0
        self.assertFalse(self.invoice.retention_date)
        self.assertFalse(self.archive_other.retention_date)

    @freeze_time(TODAY)
    def test_proposal_picks_exactly_the_due_items(self):
        """The monthly run proposes exactly the items past retention, once."""
        Register = self.env["customer.archive.destruction"]
        Register._cron_propose_destruction()
        register = Register.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(register), 1)
        self.assertEqual(register.state, "draft")
        self.assertTrue(register.is_proposal)
        self.assertEqual(
            {(line.kind, line.archive_id, line.document_id) for line in register.line_ids},
            {
                ("archive", self.archive_other, self.env["customer.archive.document"]),
                ("document", self.archive_own, self.visit),
            },
        )
        Register._cron_propose_destruction()
        self.assertEqual(Register.search([("company_id", "=", self.company.id)]), register)
        self.assertEqual(len(register.line_ids), 2)

    @freeze_time("2025-06-29")
    def test_proposal_before_retention_end_leaves_archive(self):
        """A day before its retention ends the archive is not proposed."""
        self.env["customer.archive.destruction"]._cron_propose_destruction()
        lines = self.env["customer.archive.destruction.line"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(lines.document_id, self.visit)
        self.assertNotIn(
            self.archive_other, lines.filtered(lambda line: line.kind == "archive").archive_id
        )

    @freeze_time(TODAY)
    def test_proposal_leaves_out_loaned_archive(self):
        """An archive on loan is not proposed."""
        self.approved_loan(self.archive_other, purpose="审计")
        self.env["customer.archive.destruction"]._cron_propose_destruction()
        lines = self.env["customer.archive.destruction.line"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertNotIn(self.archive_other, lines.archive_id)


@tagged("post_install", "-at_install")
class TestCustomerArchiveDestruction(DestructionCase):
    @freeze_time(TODAY)
    def test_flow_destroys_files_and_keeps_stub(self):
        """Approved and done: files and documents go, the archive stays as a stub."""
        attachment = self.invoice.attachment_ids
        register = self._approved(
            [
                {"kind": "archive", "archive_id": self.archive_other.id},
                {"kind": "document", "document_id": self.visit.id},
            ]
        )
        self.assertEqual(register.approver_id, self.manager)
        register.with_user(self.officer).action_done()
        self.assertEqual(register.state, "done")
        self.assertFalse(attachment.exists())
        self.assertFalse(self.visit_file.exists())
        self.assertFalse((self.invoice | self.visit).exists())
        self.assertTrue(self.document_own.exists())
        archive = self.archive_other
        self.assertEqual(archive.state, "destroyed")
        self.assertEqual(archive.destruction_id, register)
        self.assertEqual(archive.date_destroyed, date(2026, 3, 1))
        self.assertEqual(archive.partner_id, self.partner_other)
        self.assertTrue(archive.name.startswith("KH-"))
        self.assertFalse(archive.legal_representative)
        self.assertFalse(archive.credit_code)
        self.assertEqual(len(archive.message_ids), 1)
        self.assertIn(register.name, archive.message_ids.body)
        line = register.line_ids.filtered(lambda line: line.kind == "document")
        self.assertEqual(line.document_name, "2019 年走访报告")
        self.assertEqual(line.archive_number, self.archive_own.name)

    @freeze_time(TODAY)
    def test_destroyed_archive_cannot_be_changed(self):
        """A destroyed archive refuses changes and new documents."""
        self._approved([{"kind": "archive", "archive_id": self.archive_other.id}]).action_done()
        with self.assertRaises(UserError):
            self.archive_other.with_user(self.manager).write({"legal_representative": "x"})
        with self.assertRaises(UserError):
            self.env["customer.archive.document"].with_user(self.officer).create(
                {"archive_id": self.archive_other.id, "type_id": self.doc_type.id, "name": "x"}
            )

    @freeze_time(TODAY)
    def test_not_due_refused_unless_manager_states_reason(self):
        """Before retention ends only a manager may list an item, with a reason."""
        with self.assertRaises(UserError):
            self._register([{"kind": "archive", "archive_id": self.archive_own.id}])
        with self.assertRaises(AccessError):
            self._register(
                [{"kind": "archive", "archive_id": self.archive_own.id, "early_reason": "客户要求"}]
            )
        self.assertFalse(
            self.env["customer.archive.destruction"].search([("company_id", "=", self.company.id)])
        )
        register = self._register(
            [{"kind": "archive", "archive_id": self.archive_own.id, "early_reason": "客户要求"}],
            user=self.manager,
        )
        self.assertEqual(register.line_ids.archive_id, self.archive_own)

    @freeze_time(TODAY)
    def test_loaned_item_cannot_be_destroyed(self):
        """An archive lent out is refused on a register and at destruction time."""
        register = self._approved([{"kind": "archive", "archive_id": self.archive_other.id}])
        self.approved_loan(self.archive_other, purpose="审计")
        with self.assertRaises(UserError):
            register.with_user(self.officer).action_done()
        self.assertEqual(register.state, "approved")
        self.assertEqual(self.archive_other.state, "active")
        self.assertTrue(self.invoice.exists())
        register.with_user(self.officer).action_cancel()
        with self.assertRaises(UserError):
            self._register([{"kind": "archive", "archive_id": self.archive_other.id}])

    @freeze_time(TODAY)
    def test_loaned_document_only_blocks_itself(self):
        """A loan of one document blocks that document and its archive, not other documents."""
        self.approved_loan(self.archive_own, self.document_own, purpose="核对")
        register = self._register([{"kind": "document", "document_id": self.visit.id}])
        self.assertEqual(register.line_ids.document_id, self.visit)
        with self.assertRaises(UserError):
            self._register(
                [{"kind": "document", "document_id": self.document_own.id, "early_reason": "x"}],
                user=self.manager,
            )

    @freeze_time(TODAY)
    def test_item_listed_once(self):
        """An item already on an open register cannot be listed again."""
        self._register([{"kind": "document", "document_id": self.visit.id}])
        with self.assertRaises(UserError):
            self._register([{"kind": "document", "document_id": self.visit.id}])

    @freeze_time(TODAY)
    def test_approving_own_register_refused(self):
        """The manager who submitted a register cannot approve it; the panel's manager can."""
        register = self._register(
            [{"kind": "archive", "archive_id": self.archive_other.id}],
            user=self.manager,
            panel_ids=[Command.set(self.manager2.ids)],
        )
        register.action_submit()
        with self.assertRaises(AccessError):
            register.action_approve()
        with self.assertRaises(AccessError):
            register.with_user(self.officer).action_approve()
        self.assertEqual(register.state, "to_approve")
        register.with_user(self.manager2).action_approve()
        self.assertEqual(register.state, "approved")
        self.assertEqual(register.approver_id, self.manager2)

    @freeze_time(TODAY)
    def test_state_only_through_buttons(self):
        """Writing the state or the approver directly is refused, also to a manager."""
        register = self._register([{"kind": "archive", "archive_id": self.archive_other.id}])
        with self.assertRaises(AccessError):
            register.with_user(self.manager).write({"state": "approved"})
        with self.assertRaises(AccessError):
            self.env["customer.archive.destruction"].with_user(self.officer).create(
                {"state": "done"}
            )
        with self.assertRaises(UserError):
            register.with_user(self.officer).action_done()
        self.assertEqual(register.state, "draft")

    @freeze_time(TODAY)
    def test_done_register_immutable(self):
        """A done register and its lines can be neither written nor deleted, even by root."""
        register = self._approved([{"kind": "archive", "archive_id": self.archive_other.id}])
        register.action_done()
        line = register.line_ids
        for env_user in (self.officer, self.manager):
            with self.assertRaises(UserError):
                register.with_user(env_user).write({"reason": "改"})
            with self.assertRaises(UserError):
                register.with_user(env_user).unlink()
            with self.assertRaises(UserError):
                line.with_user(env_user).write({"partner_name": "改"})
            with self.assertRaises(UserError):
                line.with_user(env_user).unlink()
        with self.assertRaises(UserError):
            register.sudo().write({"reason": "改"})
        with self.assertRaises(UserError):
            register.sudo().unlink()
        with self.assertRaises(UserError):
            line.sudo().write({"partner_name": "改"})
        with self.assertRaises(UserError):
            line.sudo().unlink()
        with self.assertRaises(UserError):
            self.env["customer.archive.destruction.line"].sudo().create(
                {"register_id": register.id, "kind": "document", "document_id": self.visit.id}
            )
        with self.assertRaises(UserError):
            register.action_cancel()
        self.assertEqual(register.reason, "保存期满")
        self.assertEqual(line.partner_name, "深圳鹏城电子股份有限公司")
        self.assertEqual(register.state, "done")

    def test_reader_has_no_access_to_registers(self):
        """Readers neither see nor create destruction registers."""
        with self.assertRaises(AccessError):
            self.env["customer.archive.destruction"].with_user(self.reader).search([])
        with self.assertRaises(AccessError):
            self.env["customer.archive.destruction"].with_user(self.reader).create({})


@tagged("post_install", "-at_install")
class TestCustomerArchiveDestructionRpc(DestructionCase, CustomerArchiveRpcCase):
    def test_rpc_approval_rules(self):
        """Over RPC an officer cannot approve or force the state; the submitter cannot
        approve his own register."""
        register = self._register(
            [{"kind": "archive", "archive_id": self.archive_other.id}],
            user=self.manager,
            panel_ids=[Command.set(self.manager2.ids)],
        )
        register.action_submit()
        model = "customer.archive.destruction"
        with self.assertRpcFault():
            self.rpc(self.officer, model, "action_approve", register.ids)
        with self.assertRpcFault():
            self.rpc(self.officer, model, "write", register.ids, {"state": "approved"})
        with self.assertRpcFault():
            self.rpc(self.manager, model, "action_approve", register.ids)
        self.env.invalidate_all()
        self.assertEqual(register.state, "to_approve")
        self.rpc(self.manager2, model, "action_approve", register.ids)
        self.env.invalidate_all()
        self.assertEqual(register.state, "approved")

    def test_rpc_done_register_cannot_be_deleted(self):
        """Over RPC a done register is neither written nor deleted by a manager."""
        register = self._approved([{"kind": "archive", "archive_id": self.archive_other.id}])
        register.action_done()
        model = "customer.archive.destruction"
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(self.manager, model, "unlink", register.ids)
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(self.manager, model, "write", register.ids, {"reason": "改"})
        self.assertTrue(register.exists())

    def test_register_prints_as_pdf(self):
        """The register prints as a PDF listing its lines (wkhtmltopdf fetches its assets
        through the test server, hence an HTTP case)."""
        register = self._approved([{"kind": "archive", "archive_id": self.archive_other.id}])
        html = self.env["ir.actions.report"]._render_qweb_html(
            "customer_archive.customer_archive_destruction_report", register.ids
        )[0]
        self.assertIn(register.name, html.decode())
        self.assertIn("深圳鹏城电子股份有限公司", html.decode())
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("customer_archive.customer_archive_destruction_report", register.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
