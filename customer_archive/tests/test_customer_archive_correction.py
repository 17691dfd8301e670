from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import (
    OFFICER,
    RPC_FAULT_CODE_WARNING,
    CustomerArchiveCase,
    CustomerArchiveRpcCase,
    make_credit_code,
)


class CorrectionCase(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user_values = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.officer_contacts = new_test_user(
            cls.env,
            "ca_officer_contacts",
            f"{OFFICER},base.group_partner_manager",
            name="钱丽",
            **user_values,
        )
        cls.archive_own.write({"registered_capital": 1000000})
        cls.archive_own.action_activate()
        cls.new_code = make_credit_code(77)

    def _request(self, user=None, **values):
        vals = {
            "archive_id": self.archive_own.id,
            "new_legal_representative": "陈建国",
            "reason": "法定代表人已变更,见新营业执照",
        }
        vals.update(values)
        return self.env["customer.archive.correction"].with_user(user or self.reader).create(vals)


@tagged("post_install", "-at_install")
class TestCustomerArchiveCorrection(CorrectionCase):
    def test_locked_fields_refused_to_officer_on_active_archive(self):
        """An officer cannot change registration data of an active archive."""
        archive = self.archive_own.with_user(self.officer)
        for vals in (
            {"legal_representative": "陈建国"},
            {"credit_code": self.new_code},
            {"registered_capital": 2000000},
        ):
            with self.assertRaises(UserError) as caught:
                archive.write(vals)
            self.assertIn("correction", str(caught.exception))
        with self.assertRaises(AccessError):
            archive.write({"name": "KH-1999-00001"})
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")
        self.assertEqual(self.archive_own.registered_capital, 1000000)

    def test_unlocked_writes_still_allowed(self):
        """Other fields, unchanged values and draft archives are not locked; managers and
        the superuser are: registration data changes by correction only."""
        self.archive_own.with_user(self.officer).write(
            {"market_region": "华东", "legal_representative": "刘海燕"}
        )
        self.assertEqual(self.archive_own.market_region, "华东")
        self.archive_kept.with_user(self.officer).write({"legal_representative": "王明"})
        self.assertEqual(self.archive_kept.legal_representative, "王明")
        for archive in (self.archive_own.with_user(self.manager), self.archive_own.sudo()):
            with self.assertRaises(UserError):
                archive.write({"legal_representative": "陈建国"})
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")

    def test_closing_does_not_unlock(self):
        """Closing a dossier, editing its credit code and reopening it is refused: the
        registration stays locked in every state but draft."""
        self.archive_own.with_user(self.officer).action_close()
        with self.assertRaises(UserError):
            self.archive_own.with_user(self.manager).write({"credit_code": self.new_code})
        self.archive_own.with_user(self.officer).action_reopen()
        self.assertNotEqual(self.archive_own.credit_code, self.new_code)

    def test_customer_name_locked_for_active_archive(self):
        """The customer's name cannot be changed outside a correction by a non-manager."""
        with self.assertRaises(UserError):
            self.partner_own.with_user(self.officer_contacts).write({"name": "浦江贸易"})
        self.assertEqual(self.partner_own.name, "上海浦江贸易有限公司")
        self.partner_kept.with_user(self.officer_contacts).write({"name": "西湖茶业"})
        self.assertEqual(self.partner_kept.name, "西湖茶业")

    def test_request_keeps_old_and_new_values(self):
        """A request keeps the current values, the new ones and the reason."""
        request = self._request(new_credit_code=self.new_code.lower())
        self.assertEqual(request.state, "to_check")
        self.assertEqual(request.user_id, self.reader)
        self.assertEqual(request.old_legal_representative, "刘海燕")
        self.assertEqual(request.new_legal_representative, "陈建国")
        self.assertEqual(request.old_credit_code, self.archive_own.credit_code)
        self.assertEqual(request.new_credit_code, self.new_code)
        self.assertEqual(request.new_partner_name, "上海浦江贸易有限公司")
        self.assertIn("陈建国", request.change_summary)
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")

    def test_approved_correction_is_applied_and_tracked(self):
        """A manager's approval applies the new values with tracking."""
        request = self._request(
            new_partner_name="上海浦江国际贸易有限公司", new_registered_capital=3000000
        )
        archive = self.with_mail(self.archive_own)
        request.with_user(self.officer).action_check()
        self.assertEqual((request.state, request.checker_id), ("checked", self.officer))
        self.with_mail(request.with_user(self.manager)).action_approve()
        self.env.flush_all()
        self.env.cr.flush()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approver_id, self.manager)
        self.assertEqual(archive.legal_representative, "陈建国")
        self.assertEqual(archive.registered_capital, 3000000)
        self.assertEqual(self.partner_own.name, "上海浦江国际贸易有限公司")
        tracked = archive.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("legal_representative", tracked)
        self.assertIn("registered_capital", tracked)
        self.assertTrue(
            any(request.name in (message.body or "") for message in archive.message_ids)
        )

    def test_rejected_correction_changes_nothing(self):
        """A rejected request leaves the archive as it was."""
        request = self._request()
        request.with_user(self.manager).action_reject()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")
        with self.assertRaises(UserError):
            request.with_user(self.manager2).action_approve()
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")

    def test_wrong_deciders_refused(self):
        """审核 by an officer, 审批 by a manager: readers do neither, an officer does not
        approve, nobody checks or decides his own request, the checker does not approve."""
        request = self._request()
        with self.assertRaises(AccessError):
            request.with_user(self.reader).action_check()
        with self.assertRaises(UserError):  # not checked yet
            request.with_user(self.manager).action_approve()
        request.with_user(self.officer).action_check()
        for user in (self.reader, self.officer):
            with self.assertRaises(AccessError):
                request.with_user(user).action_approve()
            with self.assertRaises(AccessError):
                request.with_user(user).action_reject()
        own = self._request(user=self.manager)
        with self.assertRaises(AccessError):
            own.with_user(self.manager).action_check()
        own.with_user(self.manager2).action_check()
        with self.assertRaises(AccessError):
            own.with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            own.with_user(self.manager2).action_approve()  # he checked it
        with self.assertRaises(AccessError):
            own.with_user(self.manager).action_reject()
        self.assertEqual((request | own).sudo().mapped("state"), ["checked", "checked"])
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")
        request.with_user(self.manager2).action_approve()
        self.assertEqual(self.archive_own.legal_representative, "陈建国")

    def test_request_cannot_be_forged(self):
        """A request cannot be created approved, nor written afterwards."""
        with self.assertRaises(AccessError):
            self._request(state="approved")
        request = self._request()
        with self.assertRaises(AccessError):
            request.with_user(self.reader).write({"new_legal_representative": "别人"})
        with self.assertRaises(AccessError):
            request.with_user(self.manager).write({"state": "approved"})
        with self.assertRaises(AccessError):
            request.sudo().write({"approver_id": self.manager.id})
        self.assertEqual(request.state, "to_check")
        self.assertFalse(request.approver_id)

    def test_bad_requests_refused(self):
        """A request needs a reason and a change, and a valid credit code."""
        Correction = self.env["customer.archive.correction"]
        with self.assertRaises(ValidationError):
            self._request(reason=" ")
        with self.assertRaises(ValidationError):
            self._request(new_legal_representative="刘海燕")
        with self.assertRaises(ValidationError):
            self._request(new_credit_code="91310115MA1K4ABCDX")
        self.assertFalse(Correction.search([("archive_id", "=", self.archive_own.id)]))

    def test_reader_cannot_request_unreadable_archive(self):
        """A reader cannot file a request on an archive he may not read."""
        with self.assertRaises(AccessError):
            self._request(archive_id=self.archive_other.id)

    def test_stale_request_refused(self):
        """A request whose old values no longer match the archive cannot be approved."""
        request = self._request()
        request.with_user(self.officer).action_check()
        first = self._request(user=self.officer, new_legal_representative="黄志强")
        first.with_user(self.manager2).action_check()
        first.with_user(self.manager).action_approve()
        with self.assertRaises(UserError):
            request.with_user(self.manager).action_approve()
        self.assertEqual(self.archive_own.legal_representative, "黄志强")

    def test_requester_withdraws(self):
        """The requester withdraws his pending request; another reader cannot."""
        request = self._request()
        with self.assertRaises(AccessError):
            request.with_user(self.reader2).action_cancel()
        request.with_user(self.reader).action_cancel()
        self.assertEqual(request.state, "cancelled")

    def test_reader_sees_own_requests_only(self):
        """Readers see their own requests; managers see all."""
        own = self._request()
        other = self._request(user=self.officer)
        Correction = self.env["customer.archive.correction"]
        in_company = [("company_id", "=", self.company.id)]
        self.assertEqual(Correction.with_user(self.reader).search(in_company), own)
        self.assertEqual(Correction.with_user(self.manager).search(in_company), own | other)


@tagged("post_install", "-at_install")
class TestCustomerArchiveCorrectionRpc(CorrectionCase, CustomerArchiveRpcCase):
    def test_rpc_correction_flow_and_wrong_users(self):
        """Over RPC: a reader files a request, cannot approve it; the requesting manager
        cannot approve his own; another manager approves and the value applies."""
        model = "customer.archive.correction"
        request_id = self.rpc(
            self.reader,
            model,
            "create",
            {
                "archive_id": self.archive_own.id,
                "new_legal_representative": "陈建国",
                "reason": "营业执照变更",
            },
        )
        with self.assertRpcFault():
            self.rpc(self.reader, model, "action_check", [request_id])
        with self.assertRpcFault():
            self.rpc(self.reader, model, "write", [request_id], {"state": "approved"})
        self.rpc(self.officer, model, "action_check", [request_id])
        with self.assertRpcFault():
            self.rpc(self.reader, model, "action_approve", [request_id])
        with self.assertRpcFault():
            self.rpc(self.officer, model, "action_approve", [request_id])
        own_id = self.rpc(
            self.manager,
            model,
            "create",
            {
                "archive_id": self.archive_own.id,
                "new_registered_capital": 5000000,
                "reason": "增资",
            },
        )
        with self.assertRpcFault():
            self.rpc(self.manager, model, "action_check", [own_id])
        self.rpc(self.officer, model, "action_check", [own_id])
        with self.assertRpcFault():
            self.rpc(self.manager, model, "action_approve", [own_id])
        self.env.invalidate_all()
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")
        self.rpc(self.manager2, model, "action_approve", [request_id])
        self.env.invalidate_all()
        self.assertEqual(self.archive_own.legal_representative, "陈建国")

    def test_rpc_locked_field_refused_to_officer(self):
        """Over RPC an officer writing registration data of an active archive is refused."""
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(
                self.officer,
                "customer.archive",
                "write",
                self.archive_own.ids,
                {"legal_representative": "陈建国"},
            )
        self.env.invalidate_all()
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")
