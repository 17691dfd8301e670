"""A large visit plan makes its visits in the background, as a job of the archive, a
batch at a time; tested with that number made small."""

from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.customer_archive.tests.common import CustomerArchiveRpcCase, run_background_jobs

from ..models import customer_archive_visit_plan as plan_module


@tagged("post_install", "-at_install")
class TestVisitPlanJob(CustomerArchiveRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        cls.Job = cls.env["customer.archive.job"]

    def run_jobs(self):
        return run_background_jobs(self)

    def test_plan_generates_its_visits_in_batches(self):
        """A large plan makes its visits in the background, each customer once, and opens
        when the last batch is done; a second start meanwhile is refused."""
        archives = self.archive_own | self.archive_other | self.archive_kept
        plan = (
            self.env["customer.archive.visit.plan"]
            .with_user(self.manager)
            .create(
                {
                    "name": "年度回访",
                    "purpose": "了解产品使用情况",
                    "archive_ids": [(6, 0, archives.ids)],
                }
            )
        )
        with (
            patch.object(plan_module, "INLINE_VISITS", 1),
            patch.object(plan_module, "GENERATE_BATCH", 1),
        ):
            plan.action_generate()
            self.assertEqual(plan.state, "draft")
            with self.assertRaises(UserError):
                plan.action_generate()
            calls = self.run_jobs()
        self.assertGreaterEqual(calls, 3)
        self.assertEqual(plan.state, "open")
        self.assertEqual(plan.sudo().visit_ids.archive_id, archives)
        self.assertIn("3 visit(s) planned", plan.job_result or self.Job.search([], limit=1).result)
