from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from odoo.addons.customer_archive.models.customer_classification_policy import LOCK_KEY

from ..models import customer_classification_policy as policy_module
from .classification_common import TODAY, ClassificationCase, days_ago
from .common import (
    run_one_cron_call,
)


@tagged("post_install", "-at_install")
class TestCustomerClassification(ClassificationCase):
    @freeze_time(TODAY)
    def test_grades_from_yearly_amount(self):
        """A from 100 000, B from 30 000, C below, over the last 12 months only."""
        p_a, p_b, p_c = self.customers[:3]
        self.invoice(p_a, 60000, days_ago(10))
        self.invoice(p_a, 40000, days_ago(300))
        self.invoice(p_b, 30000, days_ago(100))
        self.invoice(p_c, 29999.99, days_ago(20))
        self.invoice(p_c, 500000, days_ago(380))  # outside the window
        self.classify()
        self.assertEqual(self.of(p_a).customer_grade, "a")
        self.assertEqual(self.of(p_a).customer_yearly_amount, 100000)
        self.assertEqual(self.of(p_b).customer_grade, "b")
        self.assertEqual(self.of(p_c).customer_grade, "c")
        self.assertEqual(self.of(p_c).customer_yearly_amount, 29999.99)

    @freeze_time(TODAY)
    def test_refund_reduces_amount(self):
        """A refund is deducted from the yearly amount, which can lower the grade."""
        partner = self.customers[0]
        self.invoice(partner, 120000, days_ago(50))
        self.invoice(partner, 30000, days_ago(20), move_type="out_refund")
        self.classify()
        self.assertEqual(self.of(partner).customer_yearly_amount, 90000)
        self.assertEqual(self.of(partner).customer_grade, "b")
        self.assertEqual(self.of(partner).customer_invoice_count, 1)

    @freeze_time(TODAY)
    def test_foreign_currency_counts_in_company_currency(self):
        """An invoice in another currency counts at its company-currency value."""
        foreign = self.env.ref("base.CNY")
        if foreign == self.company.currency_id:
            foreign = self.env.ref("base.EUR")
        foreign.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "company_id": self.company.id,
                "name": "2020-01-01",
                "rate": 0.5,
            }
        )
        partner = self.customers[0]
        self.invoice(partner, 50000, days_ago(5), currency_id=foreign.id)
        self.classify()
        self.assertEqual(self.of(partner).customer_yearly_amount, 100000)
        self.assertEqual(self.of(partner).customer_grade, "a")

    @freeze_time(TODAY)
    def test_grade_d_by_arrears(self):
        """Arrears beyond the grace days make any customer D until they are paid."""
        partner = self.customers[0]
        late = self.invoice(partner, 150000, days_ago(90), due=days_ago(60))
        self.invoice(partner, 5000, days_ago(20), due=days_ago(10))  # within the grace
        self.classify()
        self.assertEqual(self.of(partner).customer_grade, "d")
        self.assertEqual(self.of(partner).customer_grade_computed, "d")
        self.assertEqual(self.of(partner).customer_overdue_amount, 150000)
        why = self.of(partner).with_user(self.officer).customer_classification_why
        self.assertIn("150,000.00", why)
        # the reader may not read this customer's dossier: the grade, not the amounts
        why = self.of(partner).with_user(self.reader).customer_classification_why
        self.assertIn("D", why)
        self.assertNotIn("150,000.00", why)
        # once he may read its dossier, the amounts too, also with nothing in the cache
        # (as in a new request: the amounts are officers' fields, never prefetched for him)
        self.env["customer.archive"].with_company(self.company).create(
            {"partner_id": partner.id, "user_id": self.officer.id}
        )
        self.env.invalidate_all()
        (row,) = (
            self.of(partner)
            .with_user(self.reader)
            .web_read({"customer_classification_why": {}, "customer_grade": {}})
        )
        self.assertIn("150,000.00", row["customer_classification_why"])

        self.pay(late, days_ago(1))
        self.classify()
        self.assertEqual(self.of(partner).customer_grade, "a")
        self.assertEqual(self.of(partner).customer_overdue_amount, 0)

    @freeze_time(TODAY)
    def test_arrears_within_tolerance_are_not_d(self):
        """Arrears up to the tolerance amount do not make a customer D."""
        self.policy.overdue_amount_limit = 1000
        partner = self.customers[0]
        self.invoice(partner, 1000, days_ago(90), due=days_ago(60))
        self.classify()
        self.assertEqual(self.of(partner).customer_grade, "c")

    @freeze_time(TODAY)
    def test_partner_without_invoices_is_c_and_new(self):
        """A dossier customer without any invoice is classified C / new, not an error."""
        self.classify()
        partner = self.of(self.partner_kept)
        self.assertEqual(partner.customer_grade, "c")
        self.assertEqual(partner.customer_loyalty, "new")
        self.assertEqual(partner.customer_tier, "ordinary")
        self.assertFalse(partner.customer_value_class)
        self.assertEqual(self.archive_kept.customer_grade, "c")
        self.assertEqual(self.archive_kept.customer_loyalty, "new")

    @freeze_time(TODAY)
    def test_tiers(self):
        """Important for grade A or key accounts, special for the special class."""
        p_a, p_key, p_special, p_plain = self.customers[:4]
        self.invoice(p_a, 100000, days_ago(10))
        self.decide(p_key, key_account=True)
        self.decide(p_special, special_class=True)
        self.classify()
        self.assertEqual(self.of(p_a).customer_tier, "important")
        self.assertEqual(self.of(p_key).customer_tier, "important")
        self.assertEqual(self.of(p_special).customer_tier, "special")
        self.assertEqual(self.of(p_plain).customer_tier, "ordinary")

    @freeze_time(TODAY)
    def test_loyalty_stages(self):
        """Loyal, ordinary, at risk after 180 days and lost after 365 days without invoice."""
        loyal, ordinary, at_risk, lost = self.customers[:4]
        for days in (5, 20, 35, 50, 65, 80):
            self.invoice(loyal, 1000, days_ago(days))
        self.invoice(ordinary, 1000, days_ago(30))
        self.invoice(at_risk, 1000, days_ago(181))
        self.invoice(lost, 1000, days_ago(366))
        self.classify()
        self.assertEqual(self.of(loyal).customer_loyalty, "loyal")
        self.assertEqual(self.of(ordinary).customer_loyalty, "ordinary")
        self.assertEqual(self.of(at_risk).customer_loyalty, "at_risk")
        self.assertEqual(self.of(lost).customer_loyalty, "lost")

    @freeze_time(TODAY)
    def test_override_wins_and_is_cleared(self):
        """A manager's override wins over the rules until he clears it."""
        partner = self.customers[0]
        self.invoice(partner, 1000, days_ago(10))
        self.classify()
        with self.assertRaises(ValidationError):
            self.decide(partner, grade_override="a")
        self.decide(partner, grade_override="a", reason="战略客户")
        self.assertEqual(self.of(partner).customer_grade, "a")
        self.assertEqual(self.of(partner).customer_tier, "important")
        self.classify()
        self.assertEqual(self.of(partner).customer_grade, "a")
        self.assertEqual(self.of(partner).customer_grade_computed, "c")
        self.decide(partner, grade_override=False)
        self.assertFalse(self.of(partner).customer_override_reason)
        self.assertEqual(self.of(partner).customer_grade, "c")
        self.assertEqual(self.of(partner).customer_tier, "ordinary")

    def test_override_refused_to_officer(self):
        """Only managers override grades; nobody writes the rules' results."""
        partner = self.of(self.customers[0])
        with self.assertRaises(AccessError):
            self.decide(partner, user=self.officer, grade_override="a", reason="x")
        partner_manager = self.env.ref("base.group_partner_manager")
        self.officer.groups_id += partner_manager
        with self.assertRaises(AccessError):
            partner.with_user(self.officer).write(
                {"customer_grade_override": "a", "customer_override_reason": "x"}
            )
        self.manager.groups_id += partner_manager
        with self.assertRaises(AccessError):
            partner.with_user(self.manager).write({"customer_grade": "a"})

    @freeze_time(TODAY)
    def test_rfm_quintiles_on_known_set(self):
        """Five customers ranked on recency, frequency and average amount score 1 to 5."""
        customers = self.customers[:5]
        for rank, partner in enumerate(customers, start=1):
            # rank 5: most recent, most invoices, highest average
            for index in range(rank):
                self.invoice(partner, 1000 * rank, days_ago(60 - 10 * rank + index))
        self.classify()
        for rank, customer in enumerate(customers, start=1):
            partner = self.of(customer)
            self.assertEqual(
                (
                    partner.customer_rfm_recency,
                    partner.customer_rfm_frequency,
                    partner.customer_rfm_monetary,
                ),
                (rank, rank, rank),
            )
        self.assertEqual(self.of(customers[4]).customer_value_class, "important_value")
        self.assertEqual(self.of(customers[0]).customer_value_class, "general_winback")
        self.assertTrue(self.of(customers[4]).customer_top)
        self.assertFalse(self.of(customers[3]).customer_top)
        # the top fifth (one customer of five) brings 25 000 of 55 000
        self.assertAlmostEqual(self.policy.top_revenue_share, 45.5, places=1)

    @freeze_time(TODAY)
    def test_purchase_cycle_activity_created_once(self):
        """A silent usual purchase cycle gives the salesperson one reminder, not one a day."""
        partner = self.customers[0]
        for days in (100, 70, 40):
            self.invoice(partner, 1000, days_ago(days))
        self.classify()
        self.assertEqual(self.of(partner).customer_purchase_interval, 30)
        self.assertEqual(self.of(partner).customer_next_purchase_date, days_ago(10))
        activity_type = self.env.ref("customer_archive.mail_activity_type_purchase_cycle")
        activities = partner.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.reader)
        self.assertNotIn(str(days_ago(10).year), activities.summary or "")
        activities.action_feedback(feedback="called")
        self.classify()
        with freeze_time(TODAY + timedelta(days=1)):
            self.classify()
        self.assertFalse(
            partner.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )
        )

    @freeze_time(TODAY)
    def test_credit_terms_by_grade(self):
        """Grade C customers are offered payment before delivery and no credit."""
        partner = self.customers[0]
        self.invoice(partner, 1000, days_ago(10))
        self.classify()
        as_reader = self.of(partner).with_user(self.reader)
        self.assertEqual(
            as_reader.customer_suggested_payment_term_id,
            self.env.ref("customer_archive.account_payment_term_before_delivery"),
        )
        self.assertEqual(as_reader.customer_suggested_credit_limit, 0)


@tagged("post_install", "-at_install")
class TestCustomerClassificationRun(ClassificationCase):
    @freeze_time(TODAY)
    def test_background_run_in_pages_as_one_run(self):
        """The nightly run goes to the background: the first batch classifies every
        customer into the run's table, the next ones store a page each (pages of one
        customer here), with the same results, changes logged and dossiers' copies as a
        run in one transaction; the run's table is dropped at the end."""
        for index, amount in enumerate((150000, 60000, 12000, 3000)):
            self.invoice(self.customers[index], amount, days_ago(10 + index))
        with patch.object(policy_module, "WRITE_BATCH", 1):
            self.env["customer.classification.policy"]._cron_recompute_classification()
            calls = self.run_jobs(batch_seconds=-1)
        self.assertGreaterEqual(calls, 1 + len(self.customers))
        grades = [self.of(partner).customer_grade for partner in self.customers[:2]]
        self.assertEqual(grades, ["a", "b"])
        self.assertGreaterEqual(self.policy.last_run_count, len(self.customers))
        job = self.env["customer.archive.job"].search(
            [("res_model", "=", self.policy._name), ("res_id", "=", self.policy.id)]
        )
        self.assertEqual((job.state, job.kind), ("done", "recompute"))
        self.env.cr.execute(
            "SELECT count(*) FROM pg_class WHERE relname LIKE 'customer_classification_changes_%%'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        # the same day again, in one transaction: nothing left to change
        self.classify()
        self.assertEqual(self.policy.last_run_changed, 0)

    @freeze_time(TODAY)
    def test_second_run_changes_nothing(self):
        """A second run writes nothing and logs nothing; a real change is tracked once."""
        partner = self.customers[0]
        self.invoice(partner, 50000, days_ago(10))
        tracked_env = self.with_mail(self.env["res.partner"]).env
        policy = self.policy.with_env(tracked_env)
        policy._recompute_classification()
        self.env.flush_all()
        self.env.cr.flush()
        self.assertEqual(self.of(partner).customer_grade, "b")
        messages = partner.message_ids
        write_date = partner.write_date

        policy._recompute_classification()
        self.env.flush_all()
        self.env.cr.flush()
        self.assertEqual(self.policy.last_run_changed, 0)
        self.assertEqual(partner.message_ids, messages)
        partner.invalidate_recordset(["write_date"])
        self.assertEqual(partner.write_date, write_date)

        self.invoice(partner, 60000, days_ago(5))
        policy._recompute_classification()
        self.env.flush_all()
        self.env.cr.flush()
        new_messages = partner.message_ids - messages
        self.assertEqual(len(new_messages), 1)
        grade_change = new_messages.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "customer_grade"
        )
        self.assertEqual((grade_change.old_value_char, grade_change.new_value_char), ("B", "A"))
        # the note the ORM's field tracking writes, shown as such in the chatter
        self.assertRecordValues(
            new_messages,
            [
                {
                    "model": "res.partner",
                    "res_id": partner.id,
                    "message_type": "notification",
                    "subtype_id": self.env.ref("mail.mt_note").id,
                    "author_id": self.env.user.partner_id.id,
                    "is_internal": True,
                }
            ],
        )
        shown = {
            value["fieldName"]: (value["oldValue"]["value"], value["newValue"]["value"])
            for value in new_messages.tracking_value_ids._tracking_value_format()
        }
        self.assertEqual(shown.get("customer_grade"), ("B", "A"))

    @freeze_time(TODAY)
    def test_no_log_when_tracking_is_off(self):
        """With mail_notrack, a changed grade is stored and copied onto the dossier, not logged."""
        partner = self.partner_own
        self.invoice(partner, 50000, days_ago(10))
        self.classify()
        self.env.flush_all()
        self.assertEqual(self.archive_own.customer_grade, "b")
        messages = partner.message_ids
        self.invoice(partner, 60000, days_ago(5))
        untracked = self.env(
            context=dict(self.env.context, tracking_disable=False, mail_notrack=True)
        )
        self.policy.with_env(untracked)._recompute_classification()
        self.env.flush_all()
        self.assertEqual(self.of(partner).customer_grade, "a")
        self.assertEqual(self.archive_own.customer_grade, "a")
        self.assertEqual(self.archive_own.customer_tier, "important")
        self.assertEqual(partner.message_ids, messages)

    @freeze_time(TODAY)
    def test_each_company_keeps_its_own_results(self):
        """A customer shared by two companies is classified by each, apart."""
        other = self.env["res.company"].create({"name": "分公司"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False
        )
        other_policy = self.env["customer.classification.policy"].create({"company_id": other.id})
        partner = self.customers[0]
        self.assertFalse(partner.company_id)
        self.invoice(partner, 150000, days_ago(10))
        self.invoice(partner, 20000, days_ago(40), company=other)
        self.classify()
        other_policy._recompute_classification()
        self.env.invalidate_all()
        self.assertEqual(self.of(partner).customer_grade, "a")
        self.assertEqual(self.of(partner).customer_yearly_amount, 150000)
        in_other = partner.with_company(other)
        self.assertEqual(in_other.customer_grade, "c")
        self.assertEqual(in_other.customer_yearly_amount, 20000)

        # a run of the first company rewrites its own results only
        self.invoice(partner, 5000, days_ago(2), move_type="out_refund")
        self.classify()
        self.env.invalidate_all()
        self.assertEqual(self.of(partner).customer_yearly_amount, 145000)
        self.assertEqual(in_other.customer_yearly_amount, 20000)
        self.assertEqual(in_other.customer_last_invoice_date, days_ago(40))

    @freeze_time(TODAY)
    def test_cron_classifies_and_opening_form_computes_nothing(self):
        """The nightly cron starts the classification in the background, which the
        scheduler runs; results stay stored until the next run, whatever invoices do."""
        partner = self.customers[0]
        self.invoice(partner, 10000, days_ago(10))
        self.env.ref("customer_archive.ir_cron_customer_classification").method_direct_trigger()
        self.assertFalse(self.of(partner).customer_grade, "queued, not run in the cron")
        self.run_jobs()
        self.assertEqual(self.of(partner).customer_grade, "c")
        self.invoice(partner, 200000, days_ago(1))
        partner.invalidate_recordset()
        with Form(self.of(partner).with_user(self.reader)) as form:
            self.assertEqual(form.customer_grade, "c")
        self.assertEqual(self.of(partner).customer_yearly_amount, 10000)

    def test_second_worker_skips(self):
        """While another transaction classifies the company, a second run skips it."""
        with self.env.registry.cursor() as other_cr:
            other_cr.execute(
                SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY, self.company.id)
            )
            self.assertTrue(other_cr.fetchone()[0])
            self.assertFalse(self.classify())
            # "Recompute Now" queues a job; the scheduler's run finds the company busy
            self.policy.with_user(self.manager).action_recompute()
            Job = self.env["customer.archive.job"]
            run_one_cron_call(self.env)
            job = Job.search(
                [("res_model", "=", self.policy._name), ("res_id", "=", self.policy.id)]
            )
            self.assertEqual(job.state, "failed")
            self.assertIn("already", job.result)
            other_cr.rollback()
        self.assertTrue(self.classify())

    @freeze_time(TODAY)
    def test_manager_recompute_now(self):
        """A manager recomputes now, in the background: the scheduler's job classifies
        and tells him; an officer may not; a second start while it waits is refused."""
        partner = self.customers[0]
        self.invoice(partner, 100000, days_ago(3))
        with self.assertRaises(AccessError):
            self.policy.with_user(self.officer).action_recompute()
        self.policy.with_user(self.manager).action_recompute()
        with self.assertRaises(UserError):
            self.policy.with_user(self.manager).action_recompute()
        self.run_jobs()
        self.policy.invalidate_recordset()
        self.assertEqual(self.policy.job_state, "done")
        self.assertIn("customers classified", self.policy.job_result)
        self.assertEqual(self.of(partner).customer_grade, "a")
        self.assertGreaterEqual(self.policy.last_run_count, len(self.customers))
        self.assertTrue(self.policy.last_run)

    @freeze_time(TODAY)
    def test_dossier_and_partner_filters_and_groups(self):
        """Partners and dossiers filter and group by grade for a reader."""
        self.invoice(self.partner_own, 150000, days_ago(3))
        self.classify()
        Partner = self.env["res.partner"].with_user(self.reader).with_company(self.company)
        self.assertIn(self.partner_own, Partner.search([("customer_grade", "=", "a")]))
        with self.assertRaises(AccessError):  # the amounts are the officers'
            Partner._read_group(
                [("customer_grade", "!=", False)],
                ["customer_grade"],
                ["customer_yearly_amount:sum"],
            )
        groups = dict(
            Partner.with_user(self.officer)._read_group(
                [("customer_grade", "!=", False)],
                ["customer_grade"],
                ["customer_yearly_amount:sum"],
            )
        )
        self.assertEqual(groups["a"], 150000)
        Archive = self.env["customer.archive"].with_user(self.reader)
        self.assertEqual(Archive.search([("customer_grade", "=", "a")]), self.archive_own)
        self.assertEqual(self.archive_own.customer_tier, "important")
