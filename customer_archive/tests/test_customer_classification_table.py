"""The classification in its own table (issue 23): a row per customer and company, read
where it lives, written by the rules only, and the data moved from the old columns."""

import importlib.util
from pathlib import Path

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .classification_common import TODAY, ClassificationCase, days_ago
from .common import CustomerArchiveRpcCase

# the migration script, loaded from its file as Odoo's upgrade does
_SCRIPT = Path(__file__).parent.parent / "migrations" / "18.0.2.4.0" / "post-migration.py"
_spec = importlib.util.spec_from_file_location("customer_archive_migration_2_4", _SCRIPT)
migration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(migration)
_SCRIPT_2_5 = Path(__file__).parent.parent / "migrations" / "18.0.2.5.0" / "post-migration.py"
_spec = importlib.util.spec_from_file_location("customer_archive_migration_2_5", _SCRIPT_2_5)
migration_2_5 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(migration_2_5)


@tagged("post_install", "-at_install")
class TestClassificationTable(ClassificationCase, CustomerArchiveRpcCase):
    def rows(self, partner):
        return self.env["customer.classification"].search([("partner_id", "=", partner.id)])

    @freeze_time(TODAY)
    def test_one_row_per_customer_and_company(self):
        """A customer shared by two companies has a row in each; a company's run rewrites
        its own rows only; the partner reads the current company's."""
        other = self.env["res.company"].create({"name": "分公司二"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False
        )
        other_policy = self.env["customer.classification.policy"].create({"company_id": other.id})
        partner = self.customers[0]
        self.invoice(partner, 150000, days_ago(10))
        self.invoice(partner, 20000, days_ago(40), company=other)
        self.classify()
        other_policy._recompute_classification()
        rows = self.rows(partner)
        self.assertEqual(rows.company_id, self.company | other)
        theirs = rows.filtered(lambda row: row.company_id == other)
        self.env.cr.execute(
            "SELECT write_date FROM customer_classification WHERE id = %s", theirs.ids
        )
        stamp = self.env.cr.fetchone()[0]
        self.invoice(partner, 60000, days_ago(2))
        self.classify()
        self.env.cr.execute(
            "SELECT write_date FROM customer_classification WHERE id = %s", theirs.ids
        )
        self.assertEqual(self.env.cr.fetchone()[0], stamp, "the other company's row untouched")
        self.assertEqual(self.of(partner).customer_classification_id.company_id, self.company)
        self.assertEqual(partner.with_company(other).customer_grade, "c")
        self.assertEqual(self.of(partner).customer_grade, "a")
        # a manager of the first company alone reads none of the other company's rows
        Rows = self.env["customer.classification"].with_user(self.manager)
        self.assertFalse(Rows.search([("company_id", "=", other.id)]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            Rows.browse(theirs.id).read(["customer_grade"])
        with self.assertRpcFault():
            self.rpc(
                self.manager, "customer.classification", "read", theirs.ids, ["customer_grade"]
            )
        # the dossier of the customer reads the same row, nothing copied
        self.assertEqual(self.archive_own.customer_grade, self.of(self.partner_own).customer_grade)

    @freeze_time(TODAY)
    def test_decision_kept_on_the_row_with_its_author(self):
        """A manager's override is kept on the row, with who decided and when, through
        the recompute; it is logged on the customer."""
        partner = self.customers[1]
        self.invoice(partner, 1000, days_ago(10))
        self.classify()
        messages = partner.message_ids
        Wizard = self.with_mail(self.env["customer.classification.override"])
        Wizard.with_user(self.manager).with_company(self.company).with_context(
            active_model="res.partner", active_id=partner.id
        ).create({"grade_override": "a", "reason": "战略客户"}).action_apply()
        row = self.of(partner).customer_classification_id
        self.assertEqual(row.customer_grade_override, "a")
        self.assertEqual(row.override_user_id, self.manager)
        self.assertTrue(row.override_date)
        self.classify()
        self.assertEqual(self.of(partner).customer_grade, "a")
        logged = (partner.message_ids - messages).tracking_value_ids
        self.assertEqual(
            set(logged.field_id.mapped("name")),
            {
                "customer_grade",
                "customer_tier",
                "customer_grade_override",
                "customer_override_reason",
            },
        )
        grade = logged.filtered(lambda value: value.field_id.name == "customer_grade")
        self.assertEqual((grade.old_value_char, grade.new_value_char), ("C", "A"))

    def test_rows_are_written_by_nobody(self):
        """No user creates, writes or deletes a row, managers included, nor points a
        customer to another's row; over RPC neither."""
        self.classify()
        row = self.of(self.customers[0]).customer_classification_id
        other = self.of(self.customers[1]).customer_classification_id
        self.assertTrue(row and other)
        self.manager.groups_id += self.env.ref("base.group_partner_manager")
        for user in (self.reader, self.officer, self.manager):
            Row = self.env["customer.classification"].with_user(user)
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                Row.browse(row.id).write({"customer_grade_override": "a"})
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                Row.browse(row.id).unlink()
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                Row.create({"partner_id": self.customers[2].id, "company_id": self.company.id})
            with self.assertRpcFault():
                self.rpc(user, "customer.classification", "write", row.ids, {"customer_grade": "a"})
            with self.assertRpcFault():
                self.rpc(user, "customer.classification", "unlink", row.ids)
        with self.assertRaises(AccessError):
            self.of(self.customers[0]).with_user(self.manager).write(
                {"customer_classification_id": other.id}
            )
        with self.assertRpcFault():
            self.rpc(
                self.manager,
                "res.partner",
                "write",
                self.customers[0].ids,
                {"customer_classification_id": other.id},
            )
        self.assertEqual(self.of(self.customers[0]).customer_classification_id, row)
        # nor stamps a decision, nor sets the classification a dossier shows
        with self.assertRaises(AccessError):
            self.of(self.customers[0]).with_user(self.manager).write(
                {"customer_override_user_id": self.manager.id}
            )
        self.classify()
        grade = self.archive_own.customer_grade
        other_grade = "a" if grade != "a" else "b"
        with self.assertRaises(AccessError):
            self.archive_own.with_user(self.officer).write({"customer_grade": other_grade})
        with self.assertRpcFault():
            self.rpc(
                self.officer,
                "customer.archive",
                "write",
                self.archive_own.ids,
                {"customer_grade": other_grade},
            )
        self.archive_own.with_user(self.officer).write({"customer_grade": grade})  # as shown

    def test_amounts_and_grades_kept_from_who_may_not_read_them(self):
        """A reader neither reads, sums, filters nor orders by the amounts, on the row or
        the customer; an employee outside the archive groups does not group, filter or
        order customers by grade."""
        self.classify()
        partner = self.customers[0]
        row = self.of(partner).customer_classification_id
        Partner = self.env["res.partner"].with_user(self.reader).with_company(self.company)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            row.with_user(self.reader).read(["customer_yearly_amount"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Partner._read_group([], ["customer_grade"], ["customer_yearly_amount:sum"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Partner.search([("customer_yearly_amount", ">", 0)])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Partner.search([], order="customer_yearly_amount desc")
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "res.partner",
                "read_group",
                [],
                ["customer_yearly_amount:sum"],
                ["customer_grade"],
            )
        self.assertTrue(Partner.search([("customer_grade", "!=", False)]))
        Plain = self.env["res.partner"].with_user(self.user_plain)
        for attempt in (
            lambda: Plain._read_group([], ["customer_grade"], ["__count"]),
            lambda: Plain.search([("customer_grade", "=", "c")]),
            lambda: Plain.search([], order="customer_grade"),
            lambda: self.env["customer.classification"].with_user(self.user_plain).search([]),
        ):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                attempt()
        with self.assertRpcFault():
            self.rpc(
                self.user_plain, "res.partner", "read_group", [], ["__count"], ["customer_tier"]
            )

    @freeze_time(TODAY)
    def test_customers_read_filtered_and_grouped_by_their_row(self):
        """Nothing of the classification is on res_partner: the recompute never writes
        it; the customers are found, grouped and ordered by their row of the current
        company, those without one as unclassified."""
        classified = self.customers[0]
        unclassified = self.env["res.partner"].create({"name": "新客户甲", "is_company": True})
        self.invoice(classified, 150000, days_ago(10))
        self.env.flush_all()
        self.env.cr.execute("SELECT xmin::text FROM res_partner WHERE id = %s", classified.ids)
        before = self.env.cr.fetchone()[0]
        self.classify()
        self.env.cr.execute("SELECT xmin::text FROM res_partner WHERE id = %s", classified.ids)
        self.assertEqual(self.env.cr.fetchone()[0], before, "res_partner is not written")
        Partner = self.env["res.partner"].with_user(self.reader).with_company(self.company)
        pair = [("id", "in", (classified | unclassified).ids)]
        self.assertEqual(Partner.search([*pair, ("customer_grade", "=", "a")]).ids, classified.ids)
        self.assertEqual(
            Partner.search([*pair, ("customer_grade", "=", False)]).ids, unclassified.ids
        )
        self.assertEqual(
            Partner.search([*pair, ("customer_grade", "!=", "a")]).ids, unclassified.ids
        )
        self.assertEqual(
            Partner.search([*pair, ("customer_classification_id", "!=", False)]).ids,
            classified.ids,
        )
        groups = dict(Partner._read_group(pair, ["customer_grade"], ["__count"]))
        self.assertEqual(groups, {"a": 1, False: 1})
        self.assertEqual(
            Partner.search(pair, order="customer_grade").ids, [classified.id, unclassified.id]
        )
        # a dossier groups by its customer's grade too
        self.assertTrue(
            self.env["customer.archive"]._read_group([], ["customer_grade"], ["__count"])
        )

    def test_migration_drops_the_customers_pointers(self):
        """The company-dependent column that pointed the customers to their rows
        (18.0.2.4.0) goes; the rows stay and are read all the same."""
        self.classify()
        cr = self.env.cr
        cr.execute("ALTER TABLE res_partner ADD COLUMN customer_classification_id jsonb")
        migration_2_5.migrate(cr, "18.0.2.4.0")
        cr.execute(
            """SELECT count(*) FROM information_schema.columns
                WHERE table_name = 'res_partner' AND column_name = 'customer_classification_id'"""
        )
        self.assertEqual(cr.fetchone()[0], 0)
        self.env.invalidate_all()
        self.assertTrue(self.of(self.customers[0]).customer_classification_id)

    def test_migration_from_company_dependent_columns(self):
        """The results and decisions kept in the old company-dependent columns become
        the rows of their companies, and the old columns go."""
        partner = self.customers[3]
        cr = self.env.cr
        key = str(self.company.id)
        cr.execute(
            """ALTER TABLE res_partner
                 ADD COLUMN customer_grade jsonb, ADD COLUMN customer_tier jsonb,
                 ADD COLUMN customer_top jsonb, ADD COLUMN customer_yearly_amount jsonb,
                 ADD COLUMN customer_key_account jsonb, ADD COLUMN customer_override_reason jsonb,
                 ADD COLUMN customer_last_invoice_date jsonb"""
        )
        cr.execute(
            """UPDATE res_partner
                  SET customer_grade = jsonb_build_object(%(key)s, 'b'),
                      customer_tier = jsonb_build_object(%(key)s, 'important'),
                      customer_top = jsonb_build_object(%(key)s, true),
                      customer_yearly_amount = jsonb_build_object(%(key)s, 85000.5),
                      customer_key_account = jsonb_build_object(%(key)s, true),
                      customer_override_reason = jsonb_build_object(%(key)s, '老客户'),
                      customer_last_invoice_date = jsonb_build_object(%(key)s, '2026-05-04')
                WHERE id = %(id)s""",
            {"key": key, "id": partner.id},
        )
        migration.migrate(cr, "18.0.2.3.0")
        self.env.invalidate_all()
        row = self.of(partner).customer_classification_id
        self.assertRecordValues(
            row,
            [
                {
                    "company_id": self.company.id,
                    "customer_grade": "b",
                    "customer_tier": "important",
                    "customer_top": True,
                    "customer_revenue_share": "top",
                    "customer_yearly_amount": 85000.5,
                    "customer_key_account": True,
                    "customer_override_reason": "老客户",
                }
            ],
        )
        self.assertEqual(str(row.customer_last_invoice_date), "2026-05-04")
        self.assertFalse(self.rows(self.customers[4]), "nothing made for the unclassified")
        self.assertFalse(migration.jsonb_columns(cr, "res_partner", migration.TYPES))

    @freeze_time(TODAY)
    def test_changes_logged_in_the_language_of_the_customers_chatter(self):
        """A recompute run in English logs a change of tier in the language its
        chatter is read in: here its salesperson's, Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        self.reader.lang = "zh_CN"
        partner = self.customers[2]
        self.assertEqual(partner.user_id, self.reader)
        self.invoice(partner, 1000, days_ago(10))
        self.classify()
        self.assertEqual(self.of(partner).customer_tier, "ordinary")
        messages = partner.message_ids
        self.invoice(partner, 200000, days_ago(5))
        self.with_mail(self.policy).with_context(lang="en_US")._recompute_classification()
        tier = (partner.message_ids - messages).tracking_value_ids.filtered(
            lambda value: value.field_id.name == "customer_tier"
        )
        self.assertEqual((tier.old_value_char, tier.new_value_char), ("普通", "重要"))
