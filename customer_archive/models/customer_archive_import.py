"""Import of the old customer lists (DESIGN §2, §7): a kept record of each file brought
in, with a dry run that writes nothing and an import that writes all or nothing.

The pass over the file is ``customer_archive_import_run.ImportRun``. Any row in error
makes the whole import fail: the work is done in a savepoint that is rolled back, and
the record says why, row by row."""

import base64
import itertools
import time

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.customer_archive_import_run import ImportFailed, ImportRun
from . import customer_archive_import_scratch as scratch
from . import customer_archive_job  # noqa: F401 (the job mixin, inherited below, first)
from .customer_archive import MANAGER, OFFICER
from .customer_archive_workflow_mixin import Transition

MAX_ROWS_PARAM = "customer_archive.import_max_rows"
DEFAULT_MAX_ROWS = 200000
# a file up to this size is checked and imported in the request (a few hundred rows);
# a larger one in the background, in batches
INLINE_BYTES_PARAM = "customer_archive.import_inline_kb"
DEFAULT_INLINE_KB = 64
# the rows a background batch handles together: its deadline is looked at between them.
# As many as in the request: each chunk lets go of the cache and reads what it needs again,
# and chunks of 250 rows ran at 0.75 of the request's rows per second (bench/README.md);
# a batch is then one chunk (4.5 s on the bench's machine), the unit of the cron's work
# (30 s) bounds the ten batches of a call
JOB_CHUNK_SIZE = 1000
# records a failed background import takes back per batch
UNDO_BATCH = 2000
# imported drafts activated in the request; more in the background, a batch at a time
INLINE_ACTIVATIONS = 500
ACTIVATE_BATCH = 200
MAX_MB_PARAM = "customer_archive.import_max_mb"
DEFAULT_MAX_MB = 30
IMPORT_STATES = [
    ("draft", "Draft"),
    ("checked", "Checked"),
    ("done", "Done"),
    ("failed", "Failed"),
]
RESULT_FIELDS = (
    "date_checked",
    "date_done",
    "file_format",
    "sheet_names",
    "header_key",
    "row_count",
    "create_count",
    "update_count",
    "conflict_count",
    "error_count",
    "result",
)


class CustomerArchiveImport(models.Model):
    """One customer list brought into the archive (客户资料导入)."""

    _name = "customer.archive.import"
    _description = "Customer List Import"
    _inherit = ["customer.archive.workflow.mixin", "customer.archive.job.mixin", "mail.thread"]
    _order = "id desc"
    _rec_name = "file_name"

    _workflow_requester_field = "create_uid"
    _workflow_requester_override = MANAGER
    _workflow_transitions = (
        Transition(
            "check", ("draft", "checked", "failed"), "checked", OFFICER, ("_rule_own_or_override",)
        ),
        Transition(
            "import", ("checked",), None, OFFICER, ("_rule_own_or_override", "_rule_no_errors")
        ),
    )
    _workflow_stamped_fields = RESULT_FIELDS
    _text_limits = {"file_name": 256, "sheet_name": 64}

    file = fields.Binary(required=True, attachment=True, copy=False)
    file_name = fields.Char(required=True, tracking=True)
    sheet_name = fields.Char(
        string="Sheet", help="The sheet of the workbook to import; empty: the first one."
    )
    overwrite = fields.Boolean(
        help="Replace the filled fields of the customers found with the file's values. "
        "Without it only empty fields are filled, and differences are listed."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    state = fields.Selection(
        IMPORT_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True
    )
    date_checked = fields.Datetime(string="Checked On", readonly=True, copy=False)
    date_done = fields.Datetime(string="Imported On", readonly=True, copy=False)
    file_format = fields.Char(string="Format", readonly=True, copy=False)
    sheet_names = fields.Char(string="Sheets in the File", readonly=True, copy=False)
    header_key = fields.Char(string="Header Fingerprint", readonly=True, copy=False)
    row_count = fields.Integer(string="Rows", readonly=True, copy=False)
    create_count = fields.Integer(string="New Customers", readonly=True, copy=False)
    update_count = fields.Integer(string="Customers Updated", readonly=True, copy=False)
    conflict_count = fields.Integer(string="Differences Kept", readonly=True, copy=False)
    error_count = fields.Integer(string="Errors", readonly=True, copy=False)
    result = fields.Text(readonly=True, copy=False)
    column_ids = fields.One2many(
        "customer.archive.import.column", "import_id", string="Columns", copy=False
    )
    line_ids = fields.One2many(
        "customer.archive.import.line", "import_id", string="Results", readonly=True, copy=False
    )
    # the file read once, for the batches of a background check or import
    staged_attachment_id = fields.Many2one(
        "ir.attachment", readonly=True, copy=False, groups="base.group_system"
    )
    archive_count = fields.Integer(string="Archives", compute="_compute_archive_count")
    draft_archive_count = fields.Integer(string="Draft Archives", compute="_compute_archive_count")
    can_check = fields.Boolean(compute="_compute_workflow_can")
    can_import = fields.Boolean(compute="_compute_workflow_can")

    @api.depends("line_ids.partner_id")
    def _compute_archive_count(self):
        for record in self:
            archives = record._imported_archives()
            record.archive_count = len(archives)
            record.draft_archive_count = len(archives.filtered(lambda a: a.state == "draft"))

    # ------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("file"):
                raise UserError(self.env._("The file is empty."))
            self._check_file_size(vals.get("file"))
        return super().create(vals_list)

    def write(self, vals):
        if {"file", "file_name", "sheet_name", "overwrite"} & vals.keys():
            if any(record.state == "done" for record in self):
                raise UserError(self.env._("An import that is done cannot be changed."))
            self._job_check_idle()
            self._check_file_size(vals.get("file"))
        return super().write(vals)

    def _check_file_size(self, file):
        if not file:
            return
        size = len(file) * 3 // 4  # base64
        limit = self._max_mb()
        if size > limit * 1024 * 1024:
            raise UserError(
                self.env._(
                    "The file has %(size)s MB; at most %(limit)s MB are imported at once. "
                    "Split the list into several files.",
                    size=round(size / 1024 / 1024, 1),
                    limit=limit,
                )
            )

    @api.model
    def _max_mb(self):
        return self._config_int(MAX_MB_PARAM, DEFAULT_MAX_MB)

    @api.model
    def _max_rows(self):
        return self._config_int(MAX_ROWS_PARAM, DEFAULT_MAX_ROWS)

    @api.model
    def _config_int(self, key, default):
        # sudo: the limits are the administrator's settings, read by every importer
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value else default
        except ValueError:
            return default

    # ------------------------------------------------------------ rules
    def _workflow_requesters(self):
        # a new record (no creator yet) is the current user's upload: its buttons show
        # on the new form, and the web client saves it before running one
        return self.create_uid or self.env.user

    def _rule_no_errors(self):
        if self.error_count:
            return UserError(
                self.env._(
                    "The check found %(errors)s errors: correct the file, upload it again "
                    "and check it before importing.",
                    errors=self.error_count,
                )
            )
        return None

    # ------------------------------------------------------------ actions
    def action_check(self):
        """The dry run: every row validated and matched, nothing written but the result."""
        self._workflow_run("check")
        return True

    def action_import(self):
        """Create or update the customers of the file, all or nothing."""
        self._workflow_run("import")
        return True

    def _action_check(self):
        for record in self:
            record._run_or_queue(write=False)

    def _action_import(self):
        for record in self:
            record._run_or_queue(write=True)

    def _run_or_queue(self, write):
        """A small file now, in the request; a larger one in the background."""
        self.ensure_one()
        self._job_check_idle()
        inline = len(base64.b64decode(self.with_context(bin_size=False).file or b"")) <= (
            self._config_int(INLINE_BYTES_PARAM, DEFAULT_INLINE_KB) * 1024
        )
        if inline:
            self._run_and_record(write)
            return
        _ = self.env._
        name = (
            _("Import of %(file)s", file=self.file_name)
            if write
            else _("Check of %(file)s", file=self.file_name)
        )
        self._job_start(name, kind="import" if write else "check")
        self.message_post(
            body=_(
                "%(job)s runs in the background; this form shows how far it is, and you are "
                "told when it ends.",
                job=name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------ background
    def _job_step(self, job, deadline):
        """One batch of a background check or import: first the file is read into staged
        rows, then the rows are handled a chunk at a time until the deadline; the run's
        bookkeeping goes to the job between batches. All or nothing: an import is
        checked first (the transition wants a check without errors), written in batches,
        and undone, a batch at a time too, when a batch finds an error."""
        self.ensure_one()
        if job.kind == "activate":
            return self._job_activate(job, deadline)
        cursor = dict(job.cursor or {})
        if not cursor:
            if not self._job_fresh(job):
                return False  # the file is read whole: at the start of a unit of work
            return self._job_stage(job, write=job.kind == "import")
        if cursor["phase"] == "undo":
            return self._job_undo(job, cursor)
        return self._job_rows(job, cursor, deadline)

    def _job_rows(self, job, cursor, deadline):
        """A batch of the staged rows, checked or imported."""
        write = cursor["write"]
        run = ImportRun(self, write=write)
        run.load_state(cursor["run"])
        if not run.may_import():
            return run.lines[-1]["message"]
        staged = self.sudo().staged_attachment_id.raw or b""
        offset = run.execute_staged(staged, cursor["offset"], deadline, chunk_size=JOB_CHUNK_SIZE)
        self._save_lines(run.lines)
        run.lines = []
        cursor["run"] = run.dump_state()
        if write and run.error_count:
            # this batch's errors are kept; what earlier batches wrote is taken back
            cursor.update(phase="undo", offset=0)
            job._set_progress(0, scratch.undo_count(self.env, self.id), cursor)
            return False
        if offset is not None:
            cursor["offset"] = offset
            job._set_progress(run.row_count, cursor["total"], cursor)
            return False
        self._record(run, write, lines_saved=True)
        job._set_progress(run.row_count, run.row_count, {"done": True}, result=self.result)
        self.sudo().staged_attachment_id.unlink()
        scratch.clear(self.env, self.id)
        return True

    def _job_activate(self, job, deadline):
        """A batch of 启用 of the imported drafts, each through its transition."""
        drafts = self._imported_archives().filtered(lambda archive: archive.state == "draft")
        total = job.total_count or len(drafts)
        done = job.done_count
        while drafts:  # one batch at least, then until the deadline
            batch, drafts = drafts[:ACTIVATE_BATCH], drafts[ACTIVATE_BATCH:]
            batch.action_activate()
            done += len(batch)
            if time.monotonic() > deadline:
                break
        job._set_progress(
            done,
            total,
            result=self.env._("%(count)s archives activated.", count=done),
        )
        return not drafts

    def _job_stage(self, job, write):
        """The first batch: read the file into staged rows, clear the former results."""
        run = ImportRun(self, write=write)
        if not run.may_import():
            return run.lines[-1]["message"]
        staged = run.stage()
        # sudo: the staged rows are the import's own, read by its batches only
        old = self.sudo().staged_attachment_id
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.file_name}.rows.jsonl",
                    "raw": staged,
                    # held by the import's field, not shown in its chatter
                    "mimetype": "application/jsonl",
                }
            )
        )
        self.sudo().write({"staged_attachment_id": attachment.id})
        old.unlink()
        self.sudo().line_ids.unlink()
        scratch.clear(self.env, self.id)
        total = max(staged.count(b"\n") - 1, 0)  # the rows under the header
        job._set_progress(
            0,
            total,
            {"phase": "rows", "write": write, "offset": 0, "total": total, "run": run.dump_state()},
        )
        return False

    def _job_undo(self, job, cursor, reason=None):
        """Take back, a batch at a time, what a failed background import wrote, the last
        write first: the values it replaced, the dossiers and customers it created; then
        fail."""
        run = ImportRun(self, write=True)
        run.load_state(cursor["run"])
        entries = scratch.pop_undo(self.env, self.id, UNDO_BATCH)
        # consecutive entries of one model and kind together: one unlink per group
        for (model, created), run_of in itertools.groupby(
            entries, key=lambda entry: (entry[0], entry[2] is None)
        ):
            group = list(run_of)
            if created:
                # sudo: the import takes back what it created, whoever may delete them
                self.env[model].sudo().browse([entry[1] for entry in group]).exists().unlink()
            else:
                for _model, record_id, old in group:
                    self.env[model].browse(record_id).exists().write(old)
        left = scratch.undo_count(self.env, self.id)
        if left:
            job._set_progress(job.total_count - left, job.total_count, cursor)
            return False
        run.rolled_back = True
        if reason:
            run.error(0, reason)
        self._record(run, True, lines_saved=True)
        self.sudo().staged_attachment_id.unlink()
        scratch.clear(self.env, self.id)
        job._set_progress(job.total_count, job.total_count, {"done": True})
        return self.result

    def _job_failed(self, job, message):
        """A batch crashed: take back what the earlier batches of an import wrote (a
        checked file fails on no row; this is for what nobody foresaw)."""
        cursor = dict(job.cursor or {})
        if cursor.get("write") and cursor.get("phase") == "rows":
            cursor["phase"] = "undo"
            while not isinstance(self._job_undo(job, cursor, reason=message), str):
                cursor = dict(job.cursor)
            return
        self._workflow_write({"state": "failed", "result": message})

    def _save_lines(self, lines):
        # sudo: the result lines are the import's own bookkeeping (see _record)
        self.env["customer.archive.import.line"].sudo().create(
            [dict(line, import_id=self.id) for line in lines]
        )

    def _run_and_record(self, write):
        """Run the file; on import, inside a savepoint that any error rolls back."""
        self.ensure_one()
        scratch.clear(self.env, self.id)
        run = ImportRun(self, write=write)
        if write:
            try:
                with self.env.cr.savepoint():
                    run.execute()
                    if run.error_count:
                        raise ImportFailed()
            except ImportFailed:
                run.rolled_back = True  # the rows in error are on the run already
            except (UserError, ValidationError, AccessError, IntegrityError) as error:
                run.fail(error)
        else:
            try:
                run.execute()
            except UserError as error:
                run.fail(error)
        scratch.clear(self.env, self.id)
        self._record(run, write)

    def _record(self, run, write, lines_saved=False):
        """Store the outcome: counts, columns, result lines (unless the batches saved
        them), state."""
        _ = self.env._
        failed = bool(run.error_count)
        if write and not failed:
            state, summary = (
                "done",
                _(
                    "%(created)s customers created, %(updated)s updated.",
                    created=run.create_count,
                    updated=run.update_count,
                ),
            )
        elif write:
            state, summary = (
                "failed",
                _(
                    "Nothing was imported: %(errors)s errors. Correct the file and check it again.",
                    errors=run.error_count,
                ),
            )
        else:
            state, summary = (
                "checked",
                _(
                    "Dry run: %(created)s customers would be created, %(updated)s updated; "
                    "%(errors)s errors.",
                    created=run.create_count,
                    updated=run.update_count,
                    errors=run.error_count,
                ),
            )
        vals = {
            "state": state,
            "file_format": run.file_format,
            "sheet_names": ", ".join(run.sheet_names),
            "header_key": run.header_key,
            "row_count": run.row_count,
            "create_count": 0 if failed and write else run.create_count,
            "update_count": 0 if failed and write else run.update_count,
            "conflict_count": run.conflict_count,
            "error_count": run.error_count,
            "result": summary,
        }
        vals["date_done" if write else "date_checked"] = fields.Datetime.now()
        # sudo: the result lines and the columns found are the import's own bookkeeping,
        # written by its transitions only; officers read them (and edit the mapping)
        lines = run.lines
        if write and failed:
            # nothing was created nor updated: only the reasons remain
            lines = [line for line in lines if line["kind"] not in ("create", "update")]
        if lines_saved:
            if write and failed:
                self.sudo().line_ids.filtered(
                    lambda line: line.kind in ("create", "update")
                ).unlink()
        else:
            self.sudo().line_ids.unlink()
            self._save_lines(lines)
        if run.columns is not None and [c[:3] for c in run.columns] != self._column_spec():
            self.sudo().column_ids.unlink()
            self.env["customer.archive.import.column"].sudo().create(
                [
                    {"import_id": self.id, "index": index, "header": header, "key": key}
                    for index, header, key, _unit in run.columns
                ]
            )
        self._workflow_write(vals)
        if write:
            self.message_post(body=summary)

    def _column_spec(self):
        return [(column.index, column.header, column.key or False) for column in self.column_ids]

    def action_open_partners(self):
        """The customers this import created or updated."""
        self.ensure_one()
        partner_ids = self.line_ids.partner_id.ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Customers"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", partner_ids)],
        }

    def _imported_archives(self):
        """The dossiers (the user may read) of the customers this import names."""
        self.ensure_one()
        if self.state != "done":
            return self.env["customer.archive"]
        return self.env["customer.archive"].search(
            [("partner_id", "in", self.line_ids.partner_id.ids)]
        )

    def action_open_archives(self):
        """The dossiers of the imported customers, the drafts first shown."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Archives"),
            "res_model": "customer.archive",
            "view_mode": "list,form",
            "domain": [("id", "in", self._imported_archives().ids)],
            "context": {"search_default_draft": 1},
        }

    def action_activate_archives(self):
        """启用 the imported dossiers still in draft, together (each through its own
        transition and guard): a few hundred now, more in the background."""
        self.ensure_one()
        self._job_check_idle()
        drafts = self._imported_archives().filtered(lambda archive: archive.state == "draft")
        if len(drafts) <= INLINE_ACTIVATIONS:
            return drafts.action_activate_drafts()
        self._job_start(
            self.env._("Activation of the archives of %(file)s", file=self.file_name),
            kind="activate",
        )
        return True
