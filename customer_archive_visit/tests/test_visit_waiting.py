"""What waits for me on a return visit: the visitor's visits and the review of a visit
done are on their desks, in their language; the review closes it."""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.customer_archive.tests.test_customer_archive_waiting import WaitingMixin

from .test_customer_archive_visit import NOW, VisitCase


@tagged("post_install", "-at_install")
class TestVisitWaiting(WaitingMixin, VisitCase):
    zh_modules = ["customer_archive", "customer_archive_visit"]

    @freeze_time(NOW)
    def test_visits_and_their_review_on_the_desk(self):
        """The visitor's return visits are on his desk; a visit done waits on the reviewing
        manager's desk, in his language, until he reviews it."""
        self.in_chinese(self.manager, self.manager2)
        visit = self._visit()
        planned = self.open_activities(visit, "customer_archive_visit.mail_activity_type_visit")
        self.assertIn(planned, self.desk(self.reader))
        self._done(visit)
        review = self.open_activities(
            visit, "customer_archive_visit.mail_activity_type_visit_review"
        )
        self.assertEqual(len(review), 1)
        reviewer = review.user_id
        self.assertIn(reviewer, self.manager | self.manager2)
        self.assertIn(visit.name, review.summary)
        self.assertNotIn("Review", review.summary)
        self.assertIn(review, self.desk(reviewer))
        visit.with_user(reviewer).action_review()
        self.assertFalse(
            self.open_activities(visit, "customer_archive_visit.mail_activity_type_visit_review")
        )
