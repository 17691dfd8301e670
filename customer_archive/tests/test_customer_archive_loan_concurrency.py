import threading
from datetime import date, timedelta

from psycopg2.errors import SerializationFailure, UniqueViolation

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

WAIT_SECONDS = 20


@tagged("post_install", "-at_install")
class TestCustomerArchiveLoanConcurrency(BaseCase):
    """Two transactions approving loans of the same document at the same time.

    This needs committed data and real concurrent cursors, so it creates its records
    in their own committed transaction and deletes them afterwards."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            partner = env["res.partner"].create({"name": "并发测试客户", "is_company": True})
            archive = env["customer.archive"].create({"partner_id": partner.id})
            archive.action_activate()
            document = env["customer.archive.document"].create(
                {
                    "archive_id": archive.id,
                    "type_id": env.ref("customer_archive.document_type_con").id,
                    "name": "销售合同复印件",
                }
            )
            loans = (
                env["customer.archive.loan"]
                .with_user(admin)
                .create(
                    [
                        {
                            "archive_id": archive.id,
                            "purpose": "并发测试",
                            "document_ids": [(6, 0, document.ids)],
                            "date_due": date.today() + timedelta(days=3),
                        }
                    ]
                    * 2
                )
            )
            loans.action_submit()
            self.ids = {"partner": partner.id, "archive": archive.id, "loans": loans.ids}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["customer.archive.loan"].browse(self.ids["loans"]).unlink()
            env["customer.archive"].browse(self.ids["archive"]).unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()

    @mute_logger("odoo.sql_db")
    def test_two_racing_approvals_one_wins(self):
        """Of two approvals racing for one document, exactly one commits: the database
        refuses the other, and its retry (as Odoo retries a request) says it is lent."""
        first_id, second_id = self.ids["loans"]
        results = {}
        first_holds = threading.Event()
        second_pid = []

        # The environment is built here: building one takes the registry lock, which
        # the test runner holds in this thread.
        cr2 = self.registry.cursor()
        env2 = api.Environment(cr2, SUPERUSER_ID, {})
        cr2.execute("SELECT pg_backend_pid()")
        second_pid.append(cr2.fetchone()[0])

        def approve_second():
            with cr2:
                first_holds.wait(WAIT_SECONDS)
                for attempt in ("first_attempt", "retry"):
                    try:
                        env2["customer.archive.loan"].browse(second_id).action_approve()
                        env2.flush_all()
                        results[attempt] = "approved"
                        return
                    except (UserError, SerializationFailure, UniqueViolation) as error:
                        results[attempt] = error
                        cr2.rollback()
                        env2.invalidate_all()

        thread = threading.Thread(target=approve_second)
        thread.start()
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["customer.archive.loan"].browse(first_id).action_approve()
                env.flush_all()
                first_holds.set()
                # commit only once the second transaction waits on our uncommitted hold,
                # so that nothing but the database can refuse it
                self._wait_until_blocked(second_pid)
        finally:
            first_holds.set()
            thread.join(WAIT_SECONDS)
        self.assertIsInstance(
            results["first_attempt"], (SerializationFailure, UniqueViolation, UserError)
        )
        if isinstance(results["first_attempt"], UserError):
            self.assertIn("just lent to someone else", str(results["first_attempt"]))
        else:
            self.assertIsInstance(results["retry"], UserError)
            self.assertIn("Already lent", str(results["retry"]))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            states = env["customer.archive.loan"].browse(self.ids["loans"]).mapped("state")
        self.assertEqual(states, ["approved", "submitted"])

    def _wait_until_blocked(self, pids):
        """Wait (bounded) until the other backend waits for a lock."""
        event = threading.Event()
        with self.registry.cursor() as cr:
            for _attempt in range(WAIT_SECONDS * 20):
                cr.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                    [pids[0] if pids else 0],
                )
                row = cr.fetchone()
                cr.rollback()  # statistics are a snapshot per transaction
                if row and row[0] == "Lock":
                    return
                event.wait(0.05)
        self.fail("the second approval never waited for the first one's hold")
