"""What waits for me: every step that waits for a person gives exactly that person an
activity, in his language; the step's end closes it; the desk lists it."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_customer_archive_correction import CorrectionCase
from .test_customer_archive_destruction import TODAY as DESTRUCTION_DAY
from .test_customer_archive_destruction import DestructionCase
from .test_customer_archive_loan import TODAY, LoanCase

DESK = "customer_archive.mail_activity_archive_desk_action"


class WaitingMixin:
    """Helpers of the tests below: the open activities of a type, and the desk."""

    def open_activities(self, record, xmlid):
        activity_type = self.env.ref(xmlid)
        return record.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def desk(self, user):
        """The activities the desk (档案工作台) lists for ``user``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(DESK)
        domain = safe_eval(action["domain"], {"uid": user.id})
        return self.env["mail.activity"].with_user(user).search(domain)

    # the addons whose words the activities are written in
    zh_modules = ["customer_archive"]

    def in_chinese(self, *users):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(self.zh_modules, ["zh_CN"])
        for user in users:
            user.lang = "zh_CN"


@tagged("post_install", "-at_install")
class TestLoanWaiting(WaitingMixin, LoanCase):
    @freeze_time(TODAY)
    def test_approval_goes_to_the_managers_in_their_language(self):
        """A submitted loan asks the managers (not the keeper, not the administrator) in
        their language; one manager's approval closes every approval activity and asks
        the keeper to hand out, on her desk."""
        self.in_chinese(self.manager)
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [(4, self.company.id)]})
        loan = self._loan()
        loan.action_submit()
        approval = self.open_activities(loan, "customer_archive.mail_activity_type_loan_approval")
        self.assertEqual(approval.user_id, self.manager | self.manager2)
        zh = approval.filtered(lambda a: a.user_id == self.manager)
        self.assertNotIn("Approve", zh.summary)
        self.assertIn(loan.name, zh.summary)
        self.assertIn(zh, self.desk(self.manager))
        loan.with_user(self.manager2).action_approve()
        self.assertFalse(
            self.open_activities(loan, "customer_archive.mail_activity_type_loan_approval")
        )
        handout = self.open_activities(loan, "customer_archive.mail_activity_type_loan_handout")
        self.assertEqual(handout.user_id, self.officer)
        self.assertIn(handout, self.desk(self.officer))

    @freeze_time(TODAY)
    def test_hand_out_of_a_dossier_kept_by_a_reader_goes_to_the_officers(self):
        """A dossier whose keeper is no archive officer is handed out by the officers:
        they are asked, not the reader who keeps it nor the managers."""
        loan = self._loan(user=self.reader2, archive_id=self.archive_kept.id)
        loan.action_submit()
        loan.with_user(self.manager).action_approve()
        handout = self.open_activities(loan, "customer_archive.mail_activity_type_loan_handout")
        self.assertEqual(handout.user_id, self.officer)

    @freeze_time(TODAY)
    def test_rejection_and_cancel_close_the_approval(self):
        """A rejected or cancelled loan leaves nothing waiting for anybody."""
        loan = self._loan()
        loan.action_submit()
        loan.with_user(self.manager).action_reject()
        self.assertFalse(loan.sudo().activity_ids)
        loan.action_reset()
        loan.action_submit()
        loan.action_cancel()
        self.assertFalse(loan.sudo().activity_ids)

    def test_overdue_goes_to_the_keeper_and_the_borrower(self):
        """An overdue loan asks its keeper and its borrower, once each, on their desks;
        not the managers nor the administrator. The return closes both."""
        with freeze_time(TODAY):
            loan = self._out(self._loan())
        with freeze_time(loan.date_due + timedelta(days=1)):
            self.env["customer.archive.loan"]._cron_remind_loans()
            self.env["customer.archive.loan"]._cron_remind_loans()
        overdue = self.open_activities(loan, "customer_archive.mail_activity_type_loan_overdue")
        self.assertEqual(overdue.user_id, self.officer | self.reader)
        self.assertEqual(len(overdue), 2)
        self.assertIn(overdue.filtered(lambda a: a.user_id == self.reader), self.desk(self.reader))
        loan.with_user(self.officer).action_return()
        self.assertFalse(loan.sudo().activity_ids)


@tagged("post_install", "-at_install")
class TestCorrectionWaiting(WaitingMixin, CorrectionCase):
    def test_check_goes_to_officers_then_approval_to_managers(self):
        """A correction waits for 审核 on the officers' desks (not the managers'), in their
        language; the check closes them and asks the managers other than the checker to
        审批; the decision closes theirs."""
        self.in_chinese(self.officer)
        request = self._request()
        check = self.open_activities(
            request, "customer_archive.mail_activity_type_correction_check"
        )
        self.assertEqual(check.user_id, self.officer | self.officer_contacts)
        zh = check.filtered(lambda a: a.user_id == self.officer)
        self.assertNotIn("Check", zh.summary)
        self.assertIn(request.name, zh.summary)
        self.assertIn(zh, self.desk(self.officer))
        request.with_user(self.officer_contacts).action_check()
        self.assertFalse(
            self.open_activities(request, "customer_archive.mail_activity_type_correction_check")
        )
        approve = self.open_activities(
            request, "customer_archive.mail_activity_type_correction_approve"
        )
        self.assertEqual(approve.user_id, self.manager | self.manager2)
        self.assertIn(
            approve.filtered(lambda a: a.user_id == self.manager), self.desk(self.manager)
        )
        request.with_user(self.manager).action_approve()
        self.assertFalse(request.sudo().activity_ids)

    def test_a_checking_manager_is_not_asked_to_approve(self):
        """A manager who checked a correction is not asked to approve it too; a withdrawn
        request leaves nothing waiting."""
        request = self._request()
        request.with_user(self.manager).action_check()
        approve = self.open_activities(
            request, "customer_archive.mail_activity_type_correction_approve"
        )
        self.assertEqual(approve.user_id, self.manager2)
        request.with_user(self.reader).action_cancel()
        self.assertFalse(request.sudo().activity_ids)


@tagged("post_install", "-at_install")
class TestDestructionWaiting(WaitingMixin, DestructionCase):
    @freeze_time(DESTRUCTION_DAY)
    def test_panel_then_preparer(self):
        """A register under review asks each panel member; the last approval asks its
        preparer to carry the destruction out, on his desk; the destruction closes it."""
        self.in_chinese(self.officer)
        register = self._register(
            [{"kind": "document", "archive_id": self.archive_own.id, "document_id": self.visit.id}],
            panel_ids=[(6, 0, (self.manager | self.manager2).ids)],
        )
        register.action_submit()
        approve = "customer_archive.mail_activity_type_destruction_approve"
        self.assertEqual(
            self.open_activities(register, approve).user_id, self.manager | self.manager2
        )
        register.with_user(self.manager).action_approve()
        self.assertEqual(self.open_activities(register, approve).user_id, self.manager2)
        done = "customer_archive.mail_activity_type_destruction_done"
        self.assertFalse(self.open_activities(register, done))
        register.with_user(self.manager2).action_approve()
        self.assertEqual(register.state, "approved")
        self.assertFalse(self.open_activities(register, approve))
        destroy = self.open_activities(register, done)
        self.assertEqual(destroy.user_id, self.officer)
        self.assertIn(register.name, destroy.summary)
        self.assertNotIn("Destroy", destroy.summary)
        self.assertIn(destroy, self.desk(self.officer))
        register.with_user(self.officer).action_done()
        self.assertFalse(register.sudo().activity_ids)
