from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .classification_common import ClassificationCase
from .common import (
    CustomerArchiveRpcCase,
)


@tagged("post_install", "-at_install")
class TestCustomerClassificationPolicy(ClassificationCase):
    def test_bad_thresholds_refused(self):
        """B above A, negative amounts and overlapping loyalty bounds are refused."""
        bad_values = [
            {"grade_b_amount": 200000},
            {"grade_b_amount": -1},
            {"overdue_amount_limit": -5},
            {"overdue_days": -1},
            {"credit_limit_a": -1},
            {"at_risk_days": 400},
            {"loyal_recent_days": 200},
            {"lost_days": 100},
            {"top_percent": 0},
        ]
        for values in bad_values:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.policy.write(values)
                self.policy.flush_recordset()

    def test_one_policy_per_company(self):
        """A company has one classification policy."""
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["customer.classification.policy"].create({"company_id": self.company.id})

    def test_reader_reads_grades_not_policy_write(self):
        """A reader reads grades and the policy but cannot change it; nor can an officer."""
        partner = self.of(self.customers[0]).with_user(self.reader)
        self.assertFalse(partner.customer_grade)
        self.assertEqual(self.policy.with_user(self.reader).grade_a_amount, 100000)
        for user in (self.reader, self.officer):
            with self.assertRaises(AccessError):
                self.policy.with_user(user).write({"grade_a_amount": 1})
        self.policy.with_user(self.manager).write({"grade_a_amount": 120000})

    def test_plain_employee_partner_form_unchanged(self):
        """Outside the archive groups the partner form works without classification fields."""
        self.user_plain.groups_id += self.env.ref("base.group_partner_manager")
        partner = self.of(self.customers[0]).with_user(self.user_plain)
        self.assertNotIn("customer_grade", partner.fields_get())
        with self.assertRaises(AccessError):
            partner.read(["customer_yearly_amount"])
        with Form(partner) as form:
            form.phone = "021-12345678"
        self.assertEqual(partner.phone, "021-12345678")

    def test_risk_signal_watch_and_manager_activity(self):
        """A reader's signal puts the customer under watch and gives the manager one activity."""
        partner = self.customers[0]
        signal_type = self.env.ref("customer_archive.risk_signal_type_late_payment")
        Signal = self.env["customer.risk.signal"].with_user(self.reader).with_company(self.company)
        first = Signal.create({"partner_id": partner.id, "type_id": signal_type.id})
        Signal.create(
            {
                "partner_id": partner.id,
                "type_id": self.env.ref("customer_archive.risk_signal_type_lawsuit").id,
            }
        )
        self.assertTrue(partner.with_user(self.reader).customer_under_watch)
        activity_type = self.env.ref("customer_archive.mail_activity_type_risk_signal")
        activities = partner.customer_risk_signal_ids.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.manager)
        self.assertFalse(partner.activity_ids, "nothing about the signal on the partner")
        with self.assertRaises(AccessError):
            first.with_user(self.reader).action_resolve()
        partner.customer_risk_signal_ids.with_user(self.manager).action_resolve()
        self.assertFalse(partner.customer_under_watch)
        self.assertFalse(activities.exists())

    def test_eight_signal_types_seeded(self):
        """The eight danger signals of arrears of the source documents are seeded."""
        names = (
            "shrinking_premises",
            "late_payment",
            "unreachable",
            "abnormal_orders",
            "brand_changes",
            "internal_conflict",
            "lawsuit",
            "investing_elsewhere",
        )
        types = self.env["customer.risk.signal.type"].browse(
            [self.env.ref(f"customer_archive.risk_signal_type_{name}").id for name in names]
        )
        self.assertEqual(len(types.exists().filtered("active")), 8)


@tagged("post_install", "-at_install")
class TestCustomerClassificationRpc(ClassificationCase, CustomerArchiveRpcCase):
    """The classification rights hold over the external API too."""

    def test_rpc_policy_write_refused_to_officer_and_reader(self):
        """Readers and officers cannot change the policy over RPC; a manager can."""
        for user in (self.reader, self.officer):
            with self.assertRpcFault():
                self.rpc(
                    user,
                    "customer.classification.policy",
                    "write",
                    self.policy.ids,
                    {"grade_a_amount": 1},
                )
        self.rpc(
            self.manager,
            "customer.classification.policy",
            "write",
            self.policy.ids,
            {"grade_a_amount": 150000},
        )
        self.assertEqual(self.policy.grade_a_amount, 150000)

    def test_rpc_grades_readable_by_reader_only(self):
        """A reader reads grades over RPC; an employee outside the groups is refused."""
        partner = self.customers[0]
        self.classify()
        grade = self.of(partner).customer_grade
        self.assertTrue(grade)
        (row,) = self.rpc(
            self.reader, "res.partner", "read", partner.ids, ["customer_grade", "customer_tier"]
        )
        self.assertEqual(row["customer_grade"], grade)
        with self.assertRpcFault():
            self.rpc(self.user_plain, "res.partner", "read", partner.ids, ["customer_grade"])

    def test_rpc_results_and_override_refused(self):
        """Results cannot be written over RPC, and an officer cannot override them."""
        partner = self.customers[0]
        # with the right to edit contacts, so that the classification's own check refuses
        for user in (self.manager, self.officer):
            user.groups_id += self.env.ref("base.group_partner_manager")
        with self.assertRpcFault():
            self.rpc(self.manager, "res.partner", "write", partner.ids, {"customer_grade": "a"})
        with self.assertRpcFault():
            self.rpc(
                self.officer,
                "res.partner",
                "write",
                partner.ids,
                {"customer_grade_override": "a", "customer_override_reason": "x"},
            )
