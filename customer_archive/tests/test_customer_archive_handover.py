from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import READER, CustomerArchiveCase, CustomerArchiveRpcCase


class HandoverCase(CustomerArchiveCase):
    """The reader 王芳 leaves: she keeps ``archive_kept`` and sells to ``partner_own`` and
    ``partner_secret``; ``successor`` takes over."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user_values = {"company_id": cls.company.id, "company_ids": [(6, 0, cls.company.ids)]}
        cls.successor = new_test_user(cls.env, "ca_successor", READER, name="孙磊", **user_values)
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        cls.activity_leaver = cls.archive_own.activity_schedule(
            "mail.mail_activity_data_todo", summary="回访客户", user_id=cls.reader.id
        )
        cls.activity_other = cls.archive_other.activity_schedule(
            "mail.mail_activity_data_todo", summary="核对资料", user_id=cls.reader2.id
        )
        cls.partner_own.email = "info@pujiang.example.com"

    def _wizard(self, user=None, **values):
        vals = {"from_user_id": self.reader.id, "to_user_id": self.successor.id}
        vals.update(values)
        return (
            self.env["customer.archive.handover.wizard"]
            .with_user(user or self.manager)
            .create(vals)
        )

    def _loan_out(self):
        """A loan of archive_other handed out to the leaver."""
        loan = self.approved_loan(self.archive_other)
        loan.with_user(self.officer).action_hand_out()
        self.assertEqual(loan.state, "out")
        return loan


@tagged("post_install", "-at_install")
class TestCustomerArchiveHandover(HandoverCase):
    def test_handover_moves_exactly_the_leavers_records(self):
        """Keeper, salesperson and open activities of the leaver move; nobody else's."""
        leaver_partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("user_id", "=", self.reader.id)])
        )
        self.assertIn(self.partner_own, leaver_partners)
        self.assertIn(self.partner_secret, leaver_partners)
        action = self._wizard().action_confirm()

        handover = self.env["customer.archive.handover"].browse(action["res_id"])
        self.assertEqual(handover.archive_ids, self.archive_kept)
        self.assertEqual(handover.partner_ids, leaver_partners)
        self.assertEqual(handover.activity_count, 1)
        self.assertIn("回访客户", handover.activity_summary)
        self.assertEqual(handover.user_id, self.manager)

        self.assertEqual(self.archive_kept.user_id, self.successor)
        self.assertEqual(self.archive_own.user_id, self.officer)
        self.assertEqual(self.partner_own.user_id, self.successor)
        self.assertEqual(self.partner_secret.user_id, self.successor)
        self.assertEqual(self.partner_other.user_id, self.reader2)
        self.assertFalse(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("user_id", "=", self.reader.id)])
        )
        self.assertEqual(self.activity_leaver.user_id, self.successor)
        self.assertEqual(self.activity_other.user_id, self.reader2)

    def test_handover_note_posted_on_every_archive_moved(self):
        """Each archive whose keeper or customer moved carries the handover note."""
        action = self._wizard(note="王芳调离").action_confirm()
        handover = self.env["customer.archive.handover"].browse(action["res_id"])
        for archive in self.archive_kept | self.archive_own | self.archive_secret:
            bodies = " ".join(archive.message_ids.mapped("body"))
            self.assertIn(handover.name, bodies, archive.name)
            self.assertIn("王芳调离", bodies)
        self.assertNotIn(handover.name, " ".join(self.archive_other.message_ids.mapped("body")))

    def test_handover_refused_while_leaver_holds_a_loan(self):
        """A leaver with a loan handed out cannot be handed over; nothing moves."""
        self._loan_out()
        wizard = self._wizard()
        self.assertEqual(wizard.loan_out_count, 1)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(self.archive_kept.user_id, self.reader)
        self.assertEqual(self.partner_own.user_id, self.reader)
        self.assertEqual(self.activity_leaver.user_id, self.reader)
        self.assertFalse(
            self.env["customer.archive.handover"].search([("from_user_id", "=", self.reader.id)])
        )

    def test_handover_to_same_or_inactive_user_refused(self):
        """The successor must be another, active user; nothing moves otherwise."""
        with self.assertRaises(UserError):
            self._wizard(to_user_id=self.reader.id).action_confirm()
        self.successor.active = False
        with self.assertRaises(UserError):
            self._wizard().action_confirm()
        self.assertEqual(self.archive_kept.user_id, self.reader)
        self.assertEqual(self.partner_own.user_id, self.reader)

    def test_handover_with_nothing_to_move_refused(self):
        """Handing over a user who keeps and sells nothing is refused."""
        with self.assertRaises(UserError):
            self._wizard(from_user_id=self.manager2.id).action_confirm()

    def test_officer_cannot_hand_over(self):
        """Only a manager hands customers over; an officer is refused."""
        with self.assertRaises(AccessError):
            self._wizard(user=self.officer)
        wizard = self._wizard()
        with self.assertRaises(AccessError):
            wizard.with_user(self.officer).action_confirm()
        self.assertEqual(self.archive_kept.user_id, self.reader)

    def test_customers_notified_by_email(self):
        """With notification on, each customer with an email gets the template's mail."""
        self._wizard(notify_customers=True).action_confirm()
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.partner_own.ids)])
        self.assertEqual(len(mail), 1)
        self.assertIn(self.successor.name, mail.body_html)

    def test_handover_record_is_read_only(self):
        """Nobody edits the handover record afterwards."""
        action = self._wizard().action_confirm()
        handover = self.env["customer.archive.handover"].browse(action["res_id"])
        self.assertTrue(handover.with_user(self.officer).read(["name"]))
        with self.assertRaises(AccessError):
            handover.with_user(self.manager).write({"note": "改"})
        with self.assertRaises(AccessError):
            handover.with_user(self.manager).unlink()


@tagged("post_install", "-at_install")
class TestCustomerArchiveHandoverRpc(HandoverCase, CustomerArchiveRpcCase):
    def test_rpc_officer_cannot_hand_over(self):
        """Over RPC an officer can neither open nor run the handover wizard."""
        with self.assertRpcFault():
            self.rpc(
                self.officer,
                "customer.archive.handover.wizard",
                "create",
                {"from_user_id": self.reader.id, "to_user_id": self.successor.id},
            )
        self.env.invalidate_all()
        self.assertEqual(self.archive_kept.user_id, self.reader)

    def test_rpc_manager_hands_over(self):
        """A manager runs the handover over RPC."""
        wizard_id = self.rpc(
            self.manager,
            "customer.archive.handover.wizard",
            "create",
            {"from_user_id": self.reader.id, "to_user_id": self.successor.id},
        )
        self.rpc(self.manager, "customer.archive.handover.wizard", "action_confirm", [wizard_id])
        self.env.invalidate_all()
        self.assertEqual(self.archive_kept.user_id, self.successor)
