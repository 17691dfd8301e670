"""Long work in the background: an import of a large file runs as a job of Odoo's
scheduler, in batches, resumable, all or nothing, with its progress; a second start is
refused; the one who started it is told at the end."""

import base64
import json
import time
import weakref
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import customer_archive_handover as handover_module
from ..models import customer_archive_job as job_module
from ..models import customer_archive_print as print_module
from ..models import ir_actions_report as report_module
from ..wizards import customer_archive_handover as handover_wizard_module
from .common import (
    CustomerArchiveRpcCase,
    make_credit_code,
    run_background_jobs,
    run_one_cron_call,
)
from .test_customer_archive_import import HEADER, ImportCase, csv_file, xlsx_file

JOB = "customer.archive.job"
IMPORT = "customer.archive.import"
ROWS = 2500


def rows(count=ROWS, start=0):
    return [
        [
            f"苏州测试{number:05d}贸易有限公司",
            make_credit_code(50000 + number),
            "张三",
            "100万",
            "2010-01-01",
            "江苏省",
            f"0512-{number:07d}",
            "",
        ]
        for number in range(start, start + count)
    ]


@tagged("post_install", "-at_install")
class TestBackgroundImport(ImportCase, CustomerArchiveRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a file over 1 KB goes to the background (the default is 64 KB)
        cls.env["ir.config_parameter"].set_param("customer_archive.import_inline_kb", "1")
        cls.Job = cls.env[JOB]

    def run_jobs(self):
        return run_background_jobs(self)

    def job_of(self, record):
        return self.Job.search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def imported_partners(self):
        return self.env["res.partner"].search_count([("name", "like", "苏州测试")])

    def web_import(self, data, file_name="客户名单.csv"):
        """An import saved from its form as the web client saves it, by the keeper."""
        return self.web_create(
            IMPORT,
            self.officer,
            {"file": base64.b64encode(data), "file_name": file_name},
        )

    def test_large_file_checked_and_imported_in_batches(self):
        """A large file is checked, then imported, by the scheduler in several batches,
        each row once; the form shows the job and its progress; the keeper is told at
        the end, in his language."""
        record = self.web_import(csv_file([HEADER, *rows()]))
        record.action_check()
        job = self.job_of(record)
        self.assertEqual((job.state, job.kind, job.user_id), ("queued", "check", self.officer))
        record.invalidate_recordset()  # the web client reads the form again after a button
        self.assertTrue(record.job_running)
        self.assertEqual(record.state, "draft")
        calls = self.run_jobs()
        self.assertGreater(calls, 2, "the rows were handled in several batches")
        self.assertEqual((job.state, job.done_count, job.total_count), ("done", ROWS, ROWS))
        self.assertEqual(
            (record.state, record.row_count, record.create_count), ("checked", ROWS, ROWS)
        )
        self.assertFalse(self.imported_partners(), "a check writes no customer")
        record.action_import()
        calls = self.run_jobs()
        self.assertGreater(calls, 2)
        self.assertEqual(record.state, "done")
        self.assertEqual(self.imported_partners(), ROWS)
        archives = self.env["customer.archive"].search([("partner_id.name", "like", "苏州测试")])
        self.assertEqual(len(archives), ROWS)
        told = record.message_ids.filtered(lambda m: self.officer.partner_id in m.partner_ids)
        self.assertEqual(len(told), 2, "told at the end of the check and of the import")
        self.env.cr.flush()  # what the cron's commit writes: the bus notifications
        notes = [
            json.loads(note.message)
            for note in self.env["bus.bus"].sudo().search([], order="id")
            if json.loads(note.channel)[1:] == ["res.partner", self.officer.partner_id.id]
        ]
        progress = [note["payload"] for note in notes if note["type"] == "customer_archive_job"]
        self.assertGreater(len(progress), 4, "the progress was reported batch by batch")
        self.assertEqual(progress[-1]["state"], "done")

    def test_interrupted_batch_resumes_with_every_row_once(self):
        """A worker killed in the middle of a batch leaves the batch undone; the job
        resumes from its last batch and imports every row once."""
        record = self.web_import(csv_file([HEADER, *rows()]))
        record.action_check()
        self.run_jobs()
        record.action_import()
        job = self.job_of(record).filtered(lambda j: j.kind == "import")
        with patch.object(job_module, "BATCH_SECONDS", 0):
            run_one_cron_call(self.env)  # the file staged
            run_one_cron_call(self.env)  # a first chunk written
            done = job.done_count
            with self.assertRaises(KeyboardInterrupt), self.env.cr.savepoint():
                run_one_cron_call(self.env)
                raise KeyboardInterrupt  # the worker dies before the batch commits
        self.env.invalidate_all()
        self.assertEqual(job.done_count, done)
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.imported_partners(), ROWS)

    def test_import_failing_in_its_last_batch_leaves_nothing(self):
        """When the last batch of an import finds an error (the data changed since the
        check), what the earlier batches wrote is taken back: nothing is imported."""
        data = rows()
        record = self.web_import(csv_file([HEADER, *data]))
        record.action_check()
        self.run_jobs()
        self.assertEqual(record.state, "checked")
        # since the check, the last customer got a secret dossier the keeper may not read
        last = self.env["res.partner"].create({"name": data[-1][0], "is_company": True})
        self.env["customer.archive"].create(
            {
                "partner_id": last.id,
                "credit_code": data[-1][1],
                "user_id": self.manager.id,
                "confidentiality": "secret",
            }
        )
        record.action_import()
        self.run_jobs()
        job = self.job_of(record).filtered(lambda j: j.kind == "import")
        self.assertEqual(job.state, "failed")
        self.assertEqual(record.state, "failed")
        self.assertEqual(self.imported_partners(), 1, "only the customer made since the check")
        self.assertEqual(record.create_count, 0)
        self.assertTrue(record.line_ids.filtered(lambda line: line.kind == "error"))
        told = record.message_ids.filtered(lambda m: self.officer.partner_id in m.partner_ids)
        self.assertTrue(told)

    def test_second_start_refused(self):
        """A check or import started while one runs is refused, through the form and
        over RPC; nothing else is queued."""
        record = self.web_import(xlsx_file([HEADER, *rows(200)]))
        record.action_check()
        with self.assertRaises(UserError):
            record.action_check()
        with self.assertRpcFault(2):
            self.rpc(self.officer, IMPORT, "action_check", record.ids)
        with self.assertRaises(UserError):
            record.write({"overwrite": True})
        self.assertEqual(len(self.job_of(record)), 1)
        self.run_jobs()
        self.assertEqual((record.state, record.row_count), ("checked", 200))

    def test_small_file_stays_immediate(self):
        """A file of a few rows is checked in the request, without a job."""
        self.env["ir.config_parameter"].set_param("customer_archive.import_inline_kb", "64")
        record = self.web_import(csv_file([HEADER, *rows(20)]))
        record.action_check()
        self.assertEqual((record.state, record.row_count), ("checked", 20))
        self.assertFalse(self.job_of(record))

    def test_jobs_are_nobodys_to_write(self):
        """A job is read by who started it and the officers, written by nobody, through
        the ORM and over RPC; a reader reads no keeper's job."""
        record = self.web_import(csv_file([HEADER, *rows(100)]))
        record.action_check()
        job = self.job_of(record)
        for vals in ({"state": "done"}, {"done_count": 99}, {"user_id": self.reader.id}):
            with self.assertRaises(AccessError):
                job.with_user(self.officer).write(vals)
            with self.assertRpcFault():
                self.rpc(self.officer, JOB, "write", job.ids, vals)
        with self.assertRpcFault():
            self.rpc(
                self.officer, JOB, "create", {"name": "x", "res_model": IMPORT, "res_id": record.id}
            )
        with self.assertRpcFault():
            self.rpc(self.reader, JOB, "read", job.ids, ["state"])
        with self.assertRpcFault():
            self.rpc(self.officer, JOB, "unlink", job.ids)
        self.assertEqual(job.with_user(self.officer).state, "queued")
        with self.assertRpcFault():
            self.rpc(self.reader, IMPORT, "action_import", record.ids)

    def test_progress_bar_on_the_form(self):
        """The keeper opening an import that runs in the background sees its job and its
        progress bar (the widget the bus moves), in a real browser."""
        record = self.web_import(csv_file([HEADER, *rows(300)]))
        record.action_check()
        self.start_tour(
            f"/odoo/customer.archive.import/{record.id}",
            "customer_archive_job_progress",
            login=self.officer.login,
        )


@tagged("post_install", "-at_install")
class TestBackgroundHandoverPrint(ImportCase, CustomerArchiveRpcCase):
    """Handovers and prints run in the background beyond a few hundred records; tested
    with that number made small."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        cls.Job = cls.env[JOB]

    def run_jobs(self):
        return run_background_jobs(self)

    def test_large_handover_moves_in_batches(self):
        """A large handover keeps its record at once and moves the dossiers and customers
        in the background, each once; the manager is told in his inbox."""
        successor = self.reader2
        wizard = (
            self.env["customer.archive.handover.wizard"]
            .with_user(self.manager)
            .create({"from_user_id": self.reader.id, "to_user_id": successor.id})
        )
        partners = wizard.partner_ids
        self.assertGreaterEqual(len(wizard.archive_ids) + len(partners), 3)
        with (
            patch.object(handover_wizard_module, "INLINE_HANDOVER", 0),
            patch.object(handover_module, "MOVE_BATCH", 1),
        ):
            action = wizard.action_confirm()
            handover = self.env["customer.archive.handover"].browse(action["res_id"])
            self.assertEqual(partners.user_id, self.reader, "nothing moved yet")
            calls = self.run_jobs()
        self.assertGreaterEqual(calls, 3)
        self.assertEqual(partners.user_id, successor)
        self.assertEqual(handover.archive_ids.user_id, successor)
        told = self.env["mail.message"].search(
            [
                ("model", "=", handover._name),
                ("res_id", "=", handover.id),
                ("partner_ids", "in", self.manager.partner_id.ids),
            ]
        )
        self.assertTrue(told)

    def test_large_print_in_the_background(self):
        """Printing many dossiers is refused in the request and asked from the list:
        the scheduler renders them a few at a time as the officer (each logged as his
        print) and sends the merged PDF to his inbox; a reader may not ask for it."""
        archives = self.archive_own | self.archive_other | self.archive_kept
        Report = self.env["ir.actions.report"].with_user(self.officer)
        with patch.object(report_module, "INLINE_PRINT", 2), self.assertRaises(UserError):
            Report._render_qweb_html("customer_archive.customer_archive_card", archives.ids)
        Print = (
            self.env["customer.archive.print"]
            .with_user(self.officer)
            .with_context(active_model="customer.archive", active_ids=archives.ids)
        )
        request = Print.create({})
        self.assertEqual(request.archive_ids, archives)
        with patch.object(print_module, "PRINT_BATCH", 1):
            request.action_print()
            calls = self.run_jobs()
        self.assertGreaterEqual(calls, 3)
        pdf = request.attachment_id.raw
        self.assertTrue(pdf.startswith(b"%PDF"))
        told = self.env["mail.message"].search(
            [("model", "=", request._name), ("res_id", "=", request.id)]
        )
        self.assertIn(request.attachment_id, told.attachment_ids)
        self.assertIn(self.officer.partner_id, told.partner_ids)
        logged = self.env["customer.archive.access.log"].search(
            [("user_id", "=", self.officer.id), ("how", "=", "report")]
        )
        self.assertEqual(logged.archive_id, archives)
        with self.assertRaises(AccessError):
            Print.with_user(self.reader).create({})
        with self.assertRpcFault(2):
            self.rpc(
                self.officer,
                "customer.archive.print",
                "write",
                request.ids,
                {"archive_ids": [(5,)]},
            )


@tagged("post_install", "-at_install")
class TestCronUnit(ImportCase):
    def test_a_unit_of_the_cron_stops_in_time(self):
        """The calls of one unit of the cron's work stop working after its budget (the
        cron worker's watchdog counts its sleep too), and say work remains; a step that
        cannot be cut (the file read) waits for a unit's first call."""
        self.env["ir.config_parameter"].set_param("customer_archive.import_inline_kb", "1")
        record = self.new_import(csv_file([HEADER, *rows(300)]), file_name="名单.csv")
        record.action_check()
        job = self.env[JOB].search([("res_model", "=", IMPORT), ("res_id", "=", record.id)])
        now = time.monotonic()
        # a unit of this cursor's, its budget spent
        job_module._UNIT.cr = weakref.ref(self.env.cr)
        job_module._UNIT.start = now - job_module.UNIT_SECONDS - 1
        self.env[JOB]._cron_run()
        self.assertEqual((job.state, job.done_count), ("queued", 0), "the unit's budget is spent")
        job_module._UNIT.start = now - 5
        self.env[JOB]._cron_run()
        self.assertEqual(job.state, "running")
        self.assertFalse(job.sudo().cursor, "the file is not read late in a unit")
        run_one_cron_call(self.env)
        self.assertTrue(job.sudo().cursor, "a unit's first call reads it")

    def test_the_next_call_of_the_cron_is_a_unit_of_its_own(self):
        """With ODOO_NOTIFY_CRON_CHANGES the cron worker calls the cron again at once:
        that call runs on a cursor of its own and starts a unit with a full budget,
        however soon it follows a unit whose budget was spent."""
        self.env["ir.config_parameter"].set_param("customer_archive.import_inline_kb", "1")
        record = self.new_import(csv_file([HEADER, *rows(300)]), file_name="名单.csv")
        record.action_check()
        job = self.env[JOB].search([("res_model", "=", IMPORT), ("res_id", "=", record.id)])

        class EarlierCursor:
            pass

        earlier = EarlierCursor()  # the cursor of the call that just ended
        job_module._UNIT.cr = weakref.ref(earlier)
        job_module._UNIT.start = time.monotonic() - job_module.UNIT_SECONDS - 1
        self.env[JOB]._cron_run()
        self.assertEqual(job.state, "running", "the new call works")
        self.assertTrue(job.sudo().cursor, "as a unit's first call: the file is read")
        self.assertIs(job_module._UNIT.cr(), self.env.cr)
