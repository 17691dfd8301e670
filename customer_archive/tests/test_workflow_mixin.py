"""The workflow mixin alone, on a model of the tests (``workflow_tester.py``), as OCA's
``base_tier_validation`` is tested on its testers: what it guarantees holds for any
model configured by its attributes, not only for the archive's."""

from odoo_test_helper import FakeModelLoader

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CustomerArchiveCase


@tagged("post_install", "-at_install")
class TestWorkflowMixin(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .workflow_tester import CustomerArchiveWorkflowTester  # noqa: PLC0415

        cls.loader.update_registry((CustomerArchiveWorkflowTester,))
        model = cls.env["ir.model"]._get("customer.archive.workflow.tester")
        cls.env["ir.model.access"].create(
            {
                "name": "tester",
                "model_id": model.id,
                "group_id": cls.env.ref("customer_archive.group_reader").id,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )
        cls.Tester = cls.env["customer.archive.workflow.tester"]

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    def _new(self, user, **vals):
        """Created as the web client saves a new form: every field, defaults included."""
        return self.Tester.with_user(user).create(
            {
                "name": "/",
                "note": False,
                "user_id": user.id,
                "helper_id": False,
                "state": "draft",
                "approver_id": False,
                "date_stamped": False,
                **vals,
            }
        )

    def test_new_record_starts_in_the_initial_state(self):
        self.assertEqual(self._new(self.reader).state, "draft")
        for vals in ({"state": "approved"}, {"date_stamped": "2026-01-01"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self._new(self.manager, **vals)
            with self.subTest(vals=vals, su=True), self.assertRaises(AccessError):
                self.Tester.sudo().create(vals)

    def test_state_and_stamps_change_only_through_a_transition(self):
        record = self._new(self.reader, note="急用")
        for vals in ({"state": "approved"}, {"approver_id": self.manager.id}, {"name": "X"}):
            for who in (record.with_user(self.manager), record.sudo()):
                with self.subTest(vals=vals, su=who.env.su), self.assertRaises(AccessError):
                    who.write(vals)
        # what the web client sends back unchanged is accepted
        record.with_user(self.reader).write({"state": "draft", "note": "很急"})
        self.assertEqual(record.state, "draft")

    def test_a_step_on_no_record_does_nothing(self):
        """A step called on an empty list (a data file's step on records already past
        it, an RPC call with no id) neither fails nor queries."""
        record = self._new(self.reader, note="急用")
        with self.assertQueryCount(0):
            self.Tester.with_user(self.reader).action_submit()
            self.Tester.with_user(self.reader).action_approve()
        self.assertEqual(record.state, "draft")

    def test_the_group_of_a_transition(self):
        record = self._new(self.reader, note="急用")
        record.with_user(self.reader).action_submit()
        self.assertFalse(record.with_user(self.reader).can_approve)
        with self.assertRaisesRegex(AccessError, "Only the group"):
            record.with_user(self.reader).action_approve()
        record.with_user(self.manager).action_approve()
        self.assertEqual((record.state, record.approver_id), ("approved", self.manager))

    def test_own_record_or_the_override_group(self):
        record = self._new(self.reader)
        self.assertFalse(record.with_user(self.reader2).can_submit)
        with self.assertRaisesRegex(AccessError, "only its Asked By or the group"):
            record.with_user(self.reader2).action_submit()
        self.assertTrue(record.with_user(self.officer).can_submit)
        record.with_user(self.officer).action_submit()
        self.assertEqual(record.state, "submitted")

    def test_not_the_requester(self):
        record = self._new(self.manager, note="急用")
        record.with_user(self.manager).action_submit()
        self.assertFalse(record.with_user(self.manager).can_approve)
        with self.assertRaisesRegex(AccessError, "its Asked By is you"):
            record.with_user(self.manager).action_approve()
        record.with_user(self.manager2).action_approve()
        self.assertEqual(record.approver_id, self.manager2)

    def test_who_had_a_hand_in_it_neither_decides_nor_owns_it(self):
        """A model adds to who may not decide (``_workflow_interested``); that makes
        nobody the record's owner."""
        record = self._new(self.reader, note="急用", helper_id=self.manager.id)
        self.assertFalse(record.with_user(self.reader2).can_submit)
        record.with_user(self.reader).action_submit()
        with self.assertRaisesRegex(AccessError, "you had a hand in it"):
            record.with_user(self.manager).action_approve()
        record.with_user(self.manager2).action_approve()
        self.assertEqual(record.state, "approved")

    def test_a_rule_refuses_with_its_own_error(self):
        record = self._new(self.reader)
        record.with_user(self.reader).action_submit()
        with self.assertRaisesRegex(UserError, "Say why first"):
            record.with_user(self.manager).action_approve()
        self.assertEqual(record.state, "submitted")

    def test_a_step_from_the_wrong_state(self):
        record = self._new(self.reader)
        with self.assertRaisesRegex(UserError, "this step is not possible now"):
            record.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "this step is not possible now"):
            record.sudo().action_stamp()

    def test_a_transition_that_keeps_the_state_stamps(self):
        record = self._new(self.reader, note="急用")
        record.with_user(self.reader).action_submit()
        record.with_user(self.manager).action_approve()
        record.with_user(self.officer).action_stamp()
        self.assertEqual(record.state, "approved")
        self.assertTrue(record.date_stamped)

    def test_text_limits(self):
        with self.assertRaisesRegex(ValidationError, "at most 20 characters"):
            self._new(self.reader, note="长" * 21)
        record = self._new(self.reader)
        with self.assertRaisesRegex(ValidationError, "at most 20 characters"):
            record.with_user(self.reader).write({"note": "长" * 21})
        self.assertFalse(record.note)

    def test_onchange_needs_the_right_to_create(self):
        with self.assertRaises(AccessError):
            self.Tester.with_user(self.user_plain).onchange(
                {"note": "x"}, ["note"], {"note": {}, "state": {}}
            )
