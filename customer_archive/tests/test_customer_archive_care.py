from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import CustomerArchiveCase, CustomerArchiveRpcCase

OCCASION = "customer.archive.care.occasion"
TODAY = "2026-11-27"


class CareMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("customer_archive.mail_activity_type_care")
        (cls.archive_own | cls.archive_other).action_activate()
        # 刘海燕, key contact of the reader's customer, born on 1 December, consented
        cls.contact_own.write({"care_key_contact": True, "care_birthday": "1980-12-01"})
        cls.env["customer.archive.consent"].create(
            {
                "archive_id": cls.archive_own.id,
                "partner_id": cls.contact_own.id,
                "purpose": "care",
                "date": "2025-01-10",
            }
        )
        # the other customer's key contact has a birthday too, but never consented
        cls.contact_other = cls.env["res.partner"].create(
            {
                "name": "黄志强",
                "parent_id": cls.partner_other.id,
                "care_key_contact": True,
                "care_birthday": "1979-11-30",
            }
        )

    def run_cron(self):
        self.env[OCCASION]._cron_open_care_activities()

    def care_activities(self, archive):
        return archive.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type)


@tagged("post_install", "-at_install")
class TestCareDates(CareMixin, CustomerArchiveCase):
    def test_birthday_activity_once_per_occasion(self):
        """Seven days ahead the salesperson gets one care activity for the contact's
        birthday, and the cron run twice does not open a second one."""
        with freeze_time(TODAY):
            self.run_cron()
            self.run_cron()
        activities = self.care_activities(self.archive_own)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.reader)
        self.assertEqual(activities.date_deadline, date(2026, 12, 1))
        self.assertIn("刘海燕", activities.summary)
        occasions = self.env[OCCASION].search([("archive_id", "=", self.archive_own.id)])
        self.assertEqual(occasions.mapped("kind"), ["birthday"])
        self.assertTrue(occasions.activity_opened)

    def test_done_activity_is_not_reopened(self):
        """Once the salesperson marked the greeting done, the next run opens nothing."""
        with freeze_time(TODAY):
            self.run_cron()
            self.care_activities(self.archive_own).action_feedback(feedback="已送花")
            self.run_cron()
        self.assertFalse(self.care_activities(self.archive_own))

    def test_no_activity_without_consent(self):
        """A customer who did not consent to care gets no occasion and no activity."""
        with freeze_time(TODAY):
            self.run_cron()
        self.assertFalse(self.care_activities(self.archive_other))
        self.assertFalse(self.env[OCCASION].search([("archive_id", "=", self.archive_other.id)]))

    def test_calendar_lists_before_activity_is_due(self):
        """An occasion later than the days ahead is in the care calendar without
        activity; when its day comes near, the activity is opened, once."""
        with freeze_time("2026-11-10"):
            self.run_cron()
        occasion = self.env[OCCASION].search([("archive_id", "=", self.archive_own.id)])
        self.assertEqual(occasion.date, date(2026, 12, 1))
        self.assertFalse(occasion.activity_opened)
        self.assertFalse(self.care_activities(self.archive_own))
        with freeze_time(TODAY):
            self.run_cron()
            self.run_cron()
        self.assertEqual(len(self.care_activities(self.archive_own)), 1)

    def test_days_ahead_setting(self):
        """With the setting at 2 days, nothing is opened 4 days before."""
        self.company.customer_archive_care_days = 2
        with freeze_time(TODAY):
            self.run_cron()
        self.assertFalse(self.care_activities(self.archive_own))

    def test_festival_and_relationship_anniversary(self):
        """Festivals of the list and the anniversary of the relationship are occasions
        too, each opened once."""
        self.env["customer.archive.festival"].create({"name": "测试节", "date": "2026-11-30"})
        self.archive_own.date_relationship_start = "2020-12-02"
        with freeze_time(TODAY):
            self.run_cron()
            self.run_cron()
        occasions = self.env[OCCASION].search([("archive_id", "=", self.archive_own.id)])
        self.assertEqual(sorted(occasions.mapped("kind")), ["birthday", "festival", "relationship"])
        self.assertEqual(len(self.care_activities(self.archive_own)), 3)

    def test_festival_listed_once_per_customer_by_name(self):
        """The care calendar lists a festival once for each customer cared for, each
        entry naming its customer (not two identical "元旦" without a customer)."""
        self.env["customer.archive.consent"].create(
            {
                "archive_id": self.archive_other.id,
                "partner_id": self.contact_other.id,
                "purpose": "care",
                "date": "2025-01-10",
            }
        )
        festival = self.env["customer.archive.festival"].create(
            {"name": "测试元旦", "date": "2026-12-01"}
        )
        with freeze_time(TODAY):
            self.run_cron()
            self.run_cron()
        occasions = self.env[OCCASION].search(
            [("festival_id", "=", festival.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(occasions.archive_id, self.archive_own | self.archive_other)
        names = sorted(occasions.mapped("display_name"))
        self.assertEqual(
            names, sorted(f"测试元旦 · {p.name}" for p in (self.partner_own, self.partner_other))
        )
        birthday = self.env[OCCASION].search(
            [("archive_id", "=", self.archive_own.id), ("kind", "=", "birthday")]
        )
        self.assertIn(f"刘海燕({self.partner_own.name})", birthday.display_name)

    def test_withdrawn_consent_drops_pending_occasion(self):
        """An occasion nobody was told of yet disappears when the consent is withdrawn."""
        with freeze_time("2026-11-10"):
            self.run_cron()
            self.archive_own.consent_ids.date_withdrawn = "2026-11-10"
            self.run_cron()
        self.assertFalse(self.env[OCCASION].search([("archive_id", "=", self.archive_own.id)]))

    def test_reader_sees_only_his_occasions(self):
        """The care calendar of a salesperson shows his occasions only."""
        with freeze_time(TODAY):
            self.run_cron()
        self.assertTrue(self.env[OCCASION].with_user(self.reader).search([]))
        self.assertFalse(self.env[OCCASION].with_user(self.reader2).search([]))

    def test_activity_in_salesperson_language(self):
        """The care activity is written in the salesperson's language, whoever runs the
        cron."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        self.reader.lang = "zh_CN"
        with freeze_time(TODAY):
            self.run_cron()
        self.assertIn("生日", self.care_activities(self.archive_own).summary)

    def test_cron_queries_do_not_grow_with_customers(self):
        """The cron reads the customers, contacts, consents and invoices in a fixed
        number of queries: ten more cared customers cost no more queries."""

        def cared_customers(count, serial):
            Partner = self.env["res.partner"].with_company(self.company)
            for index in range(count):
                partner = Partner.create(
                    {
                        "name": f"关怀客户 {serial}-{index}",
                        "is_company": True,
                        "user_id": self.reader.id,
                    }
                )
                contact = Partner.create(
                    {
                        "name": f"联系人 {serial}-{index}",
                        "parent_id": partner.id,
                        "care_key_contact": True,
                        "care_birthday": "1980-12-02",
                    }
                )
                archive = self.env["customer.archive"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "user_id": self.officer.id,
                    }
                )
                archive.action_activate()
                self.env["customer.archive.consent"].create(
                    {
                        "archive_id": archive.id,
                        "partner_id": contact.id,
                        "purpose": "care",
                        "date": "2025-01-10",
                    }
                )

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time(TODAY):
                self.run_cron()
            return self.env.cr.sql_log_count - before

        cared_customers(2, "a")
        few = queries()
        # ten more customers, each with an occasion and an activity to open
        cared_customers(10, "b")
        many = queries()
        self.assertLessEqual(many, few + 5, f"{few} queries for 3 customers, {many} for 13")

    def test_officer_adds_festival_from_form(self):
        """An archive officer adds next year's date of a festival from its form; a
        salesperson cannot."""
        with Form(self.env["customer.archive.festival"].with_user(self.officer)) as form:
            form.name = "重阳"
            form.date = date(2027, 10, 8)
        self.assertEqual(form.record.year, 2027)
        with self.assertRaises(AccessError):
            self.env["customer.archive.festival"].with_user(self.reader).create(
                {"name": "重阳", "date": "2027-10-08"}
            )

    def test_bad_dates_refused(self):
        """A birthday in the future, a festival in year 3000 and absurd settings are
        refused with a clear message."""
        with self.assertRaises(ValidationError):
            self.contact_own.care_birthday = "2999-01-01"
        with self.assertRaises(ValidationError):
            self.env["customer.archive.festival"].create({"name": "春节", "date": "3000-01-01"})
        with self.assertRaises(ValidationError):
            self.company.customer_archive_care_days = 10000


@tagged("post_install", "-at_install")
class TestCareDatesRpc(CareMixin, CustomerArchiveRpcCase):
    def test_occasions_over_rpc(self):
        """Over XML-RPC, another salesperson cannot read an occasion, and nobody
        creates or changes one: the cron keeps them."""
        with freeze_time(TODAY):
            self.run_cron()
        occasion = self.env[OCCASION].search([("archive_id", "=", self.archive_own.id)])
        self.assertEqual(
            self.rpc(self.reader, OCCASION, "read", occasion.ids, ["kind"])[0]["kind"], "birthday"
        )
        with self.assertRpcFault():
            self.rpc(self.reader2, OCCASION, "read", occasion.ids, ["kind"])
        with self.assertRpcFault():
            self.rpc(self.manager, OCCASION, "write", occasion.ids, {"activity_opened": False})
        with self.assertRpcFault():
            self.rpc(self.reader, OCCASION, "_cron_open_care_activities")
