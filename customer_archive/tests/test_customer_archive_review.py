from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerArchiveCase


@tagged("post_install", "-at_install")
class TestCustomerArchiveReview(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.review_type = cls.env.ref("customer_archive.mail_activity_type_archive_review")
        cls.licence_type = cls.env.ref("customer_archive.mail_activity_type_licence_expired")
        # archive_own is due on 2026-03-01, archive_other on 2026-04-15
        cls.archive_own.write({"date_open": "2026-01-01", "review_interval": 2})
        cls.archive_other.write({"date_open": "2026-02-15", "review_interval": 2})
        (cls.archive_own | cls.archive_other).action_activate()

    def _activities(self, archives, activity_type):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "customer.archive"),
                ("res_id", "in", archives.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def test_next_review_from_opening_date_and_interval(self):
        """The next review falls the review interval after the opening date."""
        self.assertEqual(self.archive_own.date_next_review, date(2026, 3, 1))
        self.assertEqual(self.archive_other.date_next_review, date(2026, 4, 15))

    def test_default_interval_from_company_settings(self):
        """A new archive takes its review interval from the company's setting."""
        self.company.customer_archive_review_interval = 3
        archive = (
            self.env["customer.archive"]
            .with_user(self.officer)
            .create({"partner_id": self.partner_free.id, "date_open": "2026-01-10"})
        )
        self.assertEqual(archive.review_interval, 3)
        self.assertEqual(archive.date_next_review, date(2026, 4, 10))

    @freeze_time("2026-03-02")
    def test_cron_opens_one_review_activity_when_due(self):
        """The daily run opens one review activity for the keeper of a due archive, once."""
        Archive = self.env["customer.archive"]
        Archive._cron_review_reminders()
        Archive._cron_review_reminders()
        activity = self._activities(self.archive_own, self.review_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.officer)
        self.assertFalse(self._activities(self.archive_other, self.review_type))

    @freeze_time("2026-02-28")
    def test_cron_opens_nothing_before_due(self):
        """Before the next review date no review activity is opened."""
        self.env["customer.archive"]._cron_review_reminders()
        self.assertFalse(self._activities(self.archive_own | self.archive_other, self.review_type))

    @freeze_time("2026-03-02")
    def test_cron_skips_archives_not_active(self):
        """Draft and closed archives are not reviewed."""
        self.archive_own.action_close()
        self.env["customer.archive"]._cron_review_reminders()
        self.assertFalse(self._activities(self.archive_own, self.review_type))

    @freeze_time("2026-03-02")
    def test_mark_reviewed_moves_dates_and_closes_activity(self):
        """Marking reviewed stamps today, moves the next review and closes the reminder."""
        self.env["customer.archive"]._cron_review_reminders()
        self.archive_own.with_user(self.officer).action_mark_reviewed()
        self.assertEqual(self.archive_own.date_last_review, date(2026, 3, 2))
        self.assertEqual(self.archive_own.date_next_review, date(2026, 5, 2))
        self.assertFalse(self._activities(self.archive_own, self.review_type))
        self.env["customer.archive"]._cron_review_reminders()
        self.assertFalse(self._activities(self.archive_own, self.review_type))

    @freeze_time("2026-03-02")
    def test_reader_cannot_mark_reviewed(self):
        """A reader keeping an archive is refused the review; nothing changes."""
        self.archive_kept.action_activate()
        with self.assertRaises(AccessError):
            self.archive_kept.with_user(self.reader).action_mark_reviewed()
        self.assertFalse(self.archive_kept.date_last_review)

    def test_mark_reviewed_refused_on_draft_archive(self):
        """Only active archives are reviewed."""
        with self.assertRaises(UserError):
            self.archive_kept.with_user(self.officer).action_mark_reviewed()
        self.assertFalse(self.archive_kept.date_last_review)

    @freeze_time("2026-03-02")
    def test_stale_filter_lists_due_archives(self):
        """The stale filter lists the active archives whose review is due."""
        stale = self.env["customer.archive"].search(
            [("is_review_due", "=", True), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(stale, self.archive_own)
        fresh = self.env["customer.archive"].search(
            [("is_review_due", "=", False), ("company_id", "=", self.company.id)]
        )
        self.assertIn(self.archive_other, fresh)
        self.assertIn(self.archive_kept, fresh)

    @freeze_time("2026-03-02")
    def test_expired_licence_raises_one_activity(self):
        """An expired licence of an active archive raises one activity for the keeper."""
        self.env["customer.archive.document"].create(
            [
                {
                    "archive_id": self.archive_other.id,
                    "type_id": self.env.ref("customer_archive.document_type_bl").id,
                    "name": "营业执照",
                    "valid_until": "2026-03-01",
                },
                {
                    "archive_id": self.archive_own.id,
                    "type_id": self.env.ref("customer_archive.document_type_bl").id,
                    "name": "营业执照",
                    "valid_until": "2027-03-01",
                },
            ]
        )
        Archive = self.env["customer.archive"]
        Archive._cron_review_reminders()
        Archive._cron_review_reminders()
        activity = self._activities(self.archive_other, self.licence_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.officer)
        self.assertIn("营业执照", str(activity.note))
        self.assertFalse(self._activities(self.archive_own, self.licence_type))
