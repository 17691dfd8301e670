"""Long work of the archive as background jobs (后台任务): an import, a recompute of the
classification, a visit plan's visits, a survey's sending, a handover.

The work runs outside the HTTP request, in Odoo's own scheduler: starting it queues a
job and triggers the cron (``ir.cron._trigger``); the cron runs one time-boxed batch per
call and reports through ``ir.cron._notify_progress``, so that Odoo calls it again at
once while work remains, and again after a worker's restart. Each batch is one
transaction: a batch that a killed worker leaves is rolled back whole and run again
from the job's position, which the batch saves with its work. Several Odoo servers on
one database share the jobs: a job is taken with ``FOR UPDATE SKIP LOCKED``.

The record the job works for (the *target*) inherits ``customer.archive.job.mixin``
and implements ``_job_step(job, deadline)``; its form shows the job's state and a
progress bar that the bus updates without a reload; the person who started it is told
the result, or the error, in his language."""

import logging
import threading
import time
import weakref

from markupsafe import Markup
from psycopg2 import IntegrityError, OperationalError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.customer_archive_lang import for_user

_logger = logging.getLogger(__name__)

JOB_STATES = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]
ACTIVE_STATES = ("queued", "running")
CRON = "customer_archive.ir_cron_customer_archive_jobs"
# the real time one batch may take: Odoo's cron calls a job up to ten times in one unit
# of work, which the default limits (60 s of CPU, 120 s of real time) bound as a whole
BATCH_SECONDS = 3.0
# the real time the batches of one call of the cron take together, at most (then the
# calls left do nothing and the next call of the cron goes on): a cron worker pings its
# watchdog before it sleeps, up to 70 s when nothing wakes it, so its sleep and its work
# share the 120 s of limit_time_real
UNIT_SECONDS = 30.0
# the unit of the cron's work this thread is in: Odoo runs the (up to ten) batches of
# one call of the cron on one cursor of their own, and the next call on a new one,
# however soon it follows (at once with ODOO_NOTIFY_CRON_CHANGES)
_UNIT = threading.local()
BUS_TYPE = "customer_archive_job"


class CustomerArchiveJob(models.Model):
    _name = "customer.archive.job"
    _description = "Customer Archive Background Job"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    # what the target does (its own word: "import", "check", …)
    kind = fields.Char(string="Job Type", readonly=True)
    res_model = fields.Char(string="Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True, readonly=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Started By", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection(JOB_STATES, default="queued", required=True, readonly=True, index=True)
    done_count = fields.Integer(string="Done", readonly=True)
    total_count = fields.Integer(string="To Do", readonly=True)
    progress = fields.Float(compute="_compute_progress", digits=(5, 1))
    # where the work stands: the target's own bookkeeping between batches
    cursor = fields.Json(readonly=True, copy=False, groups="base.group_system")
    result = fields.Text(readonly=True)
    date_started = fields.Datetime(string="Started On", readonly=True)
    date_ended = fields.Datetime(string="Ended On", readonly=True)

    @api.depends("done_count", "total_count", "state")
    def _compute_progress(self):
        for job in self:
            if job.state == "done":
                job.progress = 100.0
            elif job.total_count:
                job.progress = min(100.0, 100.0 * job.done_count / job.total_count)
            else:
                job.progress = 0.0

    def init(self):
        # one job at a time per record: a second start is refused (below, with a message;
        # the index holds it when two start at once)
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS customer_archive_job_active_uniq
                   ON customer_archive_job (res_model, res_id)
                   WHERE state IN ('queued', 'running')"""
            )
        )

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("A background job is written by its own work only."))
        return super().write(vals)

    # ------------------------------------------------------------ starting
    @api.model
    def _start(self, record, name, kind=False):
        """Queue a job for ``record``, the current user's; refused while one runs."""
        record.ensure_one()
        # sudo: the job is the scheduler's bookkeeping, created for the user who starts it
        Job = self.sudo()
        if Job.search_count(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("state", "in", ACTIVE_STATES),
            ]
        ):
            raise UserError(
                self.env._(
                    "%(record)s is already being worked on in the background: wait until "
                    "it ends (its form shows how far it is).",
                    record=record.display_name,
                )
            )
        try:
            with self.env.cr.savepoint():
                job = Job.create(
                    {
                        "name": name,
                        "kind": kind,
                        "res_model": record._name,
                        "res_id": record.id,
                        "user_id": self.env.uid,
                        "company_id": self.env.company.id,
                    }
                )
        except IntegrityError as error:  # the unique index: started twice at once
            raise UserError(
                self.env._(
                    "%(record)s is already being worked on in the background.",
                    record=record.display_name,
                )
            ) from error
        self.env.ref(CRON).sudo()._trigger()
        job._notify()
        return job

    # ------------------------------------------------------------ running
    @api.model
    def _cron_run(self):
        """Run one batch of the oldest job that is not being run elsewhere, and tell the
        scheduler how many jobs are left."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM customer_archive_job
                    WHERE state IN ('queued', 'running')
                 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"""
            )
        )
        row = self.env.cr.fetchone()
        now = time.monotonic()
        unit_cr = getattr(_UNIT, "cr", None)
        if unit_cr is None or unit_cr() is not self.env.cr:
            # the first call of this unit of the cron's work (a weak reference: the
            # cursor is closed and forgotten when the unit ends)
            _UNIT.cr, _UNIT.start = weakref.ref(self.env.cr), now
        spent = now - _UNIT.start
        if row and spent < UNIT_SECONDS:
            # a step that cannot be cut (a file read, one statement) starts a unit only
            self.browse(row[0]).with_context(customer_archive_job_fresh=spent < 1.0)._run_batch()
        remaining = self.search_count([("state", "in", ACTIVE_STATES)])
        # done > 0 while work remains: Odoo calls again at once (a call without progress
        # would count as the end of the work)
        self.env["ir.cron"]._notify_progress(done=1 if row else 0, remaining=remaining)

    def _target(self):
        """The record, as the one who started the job, in his language and company."""
        self.ensure_one()
        user = self.user_id
        return (
            self.env[self.res_model]
            .with_user(user)
            .with_context(lang=user.lang or "en_US", allowed_company_ids=[self.company_id.id])
            .browse(self.res_id)
        )

    def _run_batch(self):
        self.ensure_one()
        if self.state == "queued":
            self.write({"state": "running", "date_started": fields.Datetime.now()})
        target = self._target()
        deadline = time.monotonic() + BATCH_SECONDS
        try:
            with self.env.cr.savepoint():
                finished = target._job_step(self.with_env(target.env).sudo(), deadline)
        except (UserError, ValidationError, AccessError) as error:
            # the batch is undone; the target takes back what earlier batches wrote
            self.env.invalidate_all()
            self._end_failed(target, error.args[0] if error.args else str(error), undo=True)
            return
        except OperationalError:
            # a concurrent update or a lock: the whole call is undone, and the job
            # taken up again where it was by the scheduler's next call
            raise
        except Exception as error:
            # a bug or the database: the batch is undone; the job stops, said so
            _logger.exception("Background job %s failed", self.id)
            self.env.invalidate_all()
            self._end_failed(target, str(error) or error.__class__.__name__, undo=True)
            return
        if isinstance(finished, str):
            # the target ended its work in failure itself, having settled it
            self._end_failed(target, finished)
            return
        if finished:
            self.write({"state": "done", "date_ended": fields.Datetime.now()})
            target._job_done(self)
            self._tell(self.result or "")
        self._notify()

    def _end_failed(self, target, message, undo=False):
        self.write({"state": "failed", "date_ended": fields.Datetime.now(), "result": message})
        if undo:
            try:
                with self.env.cr.savepoint():
                    target._job_failed(self.with_env(target.env).sudo(), message)
            except Exception:
                _logger.exception("Background job %s: undoing its work failed", self.id)
        self._tell(message)
        self._notify()

    def _set_progress(self, done, total, cursor=None, result=None):
        vals = {"done_count": done, "total_count": total}
        if cursor is not None:
            vals["cursor"] = cursor
        if result is not None:
            vals["result"] = result
        self.sudo().write(vals)

    # ------------------------------------------------------------ telling
    def _notify(self):
        """The job's state to the browser of the one who started it (the progress bar)."""
        for job in self:
            job.user_id.partner_id._bus_send(
                BUS_TYPE,
                {
                    "id": job.id,
                    "res_model": job.res_model,
                    "res_id": job.res_id,
                    "state": job.state,
                    "progress": job.progress,
                    "done": job.done_count,
                    "total": job.total_count,
                },
            )

    def _tell(self, result):
        """The end of the job on the record's chatter, to the one who started it, in his
        language (a note that mentions him: his inbox)."""
        self.ensure_one()
        target = self._target()
        in_lang = for_user(target.sudo(), self.user_id)
        _ = in_lang.env._
        states = dict(self._fields["state"]._description_selection(in_lang.env))
        body = Markup("<p>%s</p><p>%s</p>") % (
            _(
                "%(job)s: %(state)s.",
                job=self.with_env(in_lang.env).name,
                state=states[self.state],
            ),
            result,
        )
        # sudo: the job's own report, posted for the one who started it
        attachment_ids = target._job_attachments(self) if self.state == "done" else []
        if hasattr(in_lang, "message_post"):
            in_lang.message_post(
                body=body,
                partner_ids=self.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
                author_id=self.env.ref("base.partner_root").id,
                attachment_ids=attachment_ids,
            )
        else:  # a record without chatter: to his inbox, pointing at it
            in_lang.env["mail.thread"].message_notify(
                body=body,
                subject=self.with_env(in_lang.env).name,
                model=target._name,
                res_id=target.id,
                partner_ids=self.user_id.partner_id.ids,
                author_id=self.env.ref("base.partner_root").id,
                attachment_ids=attachment_ids,
            )


class CustomerArchiveJobMixin(models.AbstractModel):
    """A record whose long work runs as a background job (see the module's docstring)."""

    _name = "customer.archive.job.mixin"
    _description = "Record with Background Jobs"

    job_id = fields.Many2one(
        "customer.archive.job", string="Background Job", compute="_compute_job"
    )
    job_state = fields.Selection(JOB_STATES, compute="_compute_job")
    job_progress = fields.Float(string="Progress", compute="_compute_job")
    job_result = fields.Text(compute="_compute_job")
    job_running = fields.Boolean(compute="_compute_job")

    @api.depends_context("uid")
    def _compute_job(self):
        # sudo: a record's job is shown to whoever may read the record
        jobs = (
            self.env["customer.archive.job"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)], order="id desc")
        )
        latest = {}
        for job in jobs:
            latest.setdefault(job.res_id, job)
        for record in self:
            job = latest.get(record.id)
            record.job_id = job.id if job else False
            record.job_state = job.state if job else False
            record.job_progress = job.progress if job else 0.0
            record.job_result = job.result if job else False
            record.job_running = bool(job) and job.state in ACTIVE_STATES

    def _job_start(self, name, kind=False, inline=False):
        """Start the job of the record; ``inline``: small work, done now in the request
        (an error undoes it all and reaches the user as usual)."""
        job = self.env["customer.archive.job"]._start(self, name, kind)
        if inline:
            job = job.with_env(self.env).sudo()
            job.write({"state": "running", "date_started": fields.Datetime.now()})
            while not (finished := self._job_step(job, float("inf"))):
                pass
            if isinstance(finished, str):
                raise UserError(finished)
            job.write({"state": "done", "date_ended": fields.Datetime.now()})
            self._job_done(job)
        return job

    def _job_check_idle(self):
        """Refuse a change of the record while its job runs."""
        for record in self:
            if record.job_running:
                raise UserError(
                    self.env._(
                        "%(record)s is being worked on in the background: wait until it ends.",
                        record=record.display_name,
                    )
                )

    def _job_fresh(self, job):
        """Whether this batch starts a unit of the cron's work: a step that cannot be
        cut (a whole file read, one long statement) waits for one."""
        return job.env.context.get("customer_archive_job_fresh", True)

    def _job_step(self, job, deadline):
        """Do one batch of the job's work, until ``deadline`` (``time.monotonic()``), and
        save where it stands (``job._set_progress``); return whether the work is done,
        or the reason (translated) why it ended in failure, what it wrote kept. An error
        raised undoes the batch and ends the job (``_job_failed``)."""
        raise NotImplementedError

    def _job_done(self, job):
        """The job ended well (after its last step, in the same transaction)."""

    def _job_failed(self, job, message):
        """A batch raised: it was rolled back; undo what earlier batches wrote where the
        work is all or nothing."""

    def _job_attachments(self, job):
        """Files that go with the message telling the end of the job (ids)."""
        return []
