"""The classification policy of a company and its set-based recompute (DESIGN §3).

One policy per company holds the thresholds of the rules. The recompute
classifies all the company's customers in one statement: their figures from
grouped queries on the invoices, ``customer_classification_rules`` as SQL
expressions, the customers whose results changed kept in a temporary table
(``customer_classification_store``). Their results are then stored on their rows of
``customer.classification``, a page at a time in one statement each, their changes
logged in their chatter as the ORM's field tracking would, in batches, and their
salespeople reminded. A transaction-scoped
PostgreSQL advisory lock per company makes a second worker running the same
recompute at the same time skip it instead of doing it twice.
"""

import logging
import time
import zlib

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..tools import customer_classification_store as store
from ..tools.customer_archive_lang import user_lang
from . import customer_archive_job  # noqa: F401 (the job mixin, inherited below, first)
from .customer_archive import MANAGER
from .customer_classification import TRACKED_RESULTS

_logger = logging.getLogger(__name__)

# First key of the advisory lock (the second is the company id).
LOCK_KEY = zlib.crc32(b"customer.classification.policy") & 0x7FFFFFFF
# Customers stored, messages or activities created at a time.
WRITE_BATCH = 5000


class CustomerClassificationPolicy(models.Model):
    _name = "customer.classification.policy"
    _description = "Customer Classification Policy"
    _inherit = ["customer.archive.job.mixin", "mail.thread"]
    _order = "company_id"
    _check_company_auto = True

    name = fields.Char(required=True, default="Customer Classification", translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    manager_id = fields.Many2one(
        "res.users",
        string="Responsible Manager",
        default=lambda self: self.env.user,
        check_company=True,
        domain="[('share', '=', False)]",
        tracking=True,
        help="Receives an activity when a risk signal is flagged, and the purchase "
        "reminders of customers without salesperson.",
    )

    # Grades A/B/C/D (客户分类)
    window_months = fields.Integer(
        string="Window (months)",
        default=12,
        required=True,
        tracking=True,
        help="Invoices of this many months back count in the yearly amount and frequency.",
    )
    grade_a_amount = fields.Monetary(
        string="Grade A From", default=100000.0, required=True, tracking=True
    )
    grade_b_amount = fields.Monetary(
        string="Grade B From", default=30000.0, required=True, tracking=True
    )
    overdue_amount_limit = fields.Monetary(
        string="Arrears Tolerance",
        default=0.0,
        required=True,
        tracking=True,
        help="Grade D when the receivables overdue for more than the grace days exceed "
        "this amount (遗留欠款,必须清欠).",
    )
    overdue_days = fields.Integer(
        string="Arrears Grace (days)", default=30, required=True, tracking=True
    )

    # Loyalty stages
    loyal_min_invoices = fields.Integer(
        string="Loyal From (invoices)",
        default=6,
        required=True,
        tracking=True,
        help="Loyal: at least this many invoices in the window, the last one recent.",
    )
    loyal_recent_days = fields.Integer(
        string="Loyal Within (days)", default=90, required=True, tracking=True
    )
    at_risk_days = fields.Integer(
        string="At Risk After (days)",
        default=180,
        required=True,
        tracking=True,
        help="准流失: no invoice for more than this many days.",
    )
    lost_days = fields.Integer(
        string="Lost After (days)",
        default=365,
        required=True,
        tracking=True,
        help="流失: no invoice for more than this many days.",
    )

    # Value and purchase cycle
    top_percent = fields.Float(
        string="Top Customers (%)",
        default=20.0,
        required=True,
        help="The share of customers, by yearly amount, marked as top customers (20/80 rule).",
    )
    cycle_min_invoices = fields.Integer(
        string="Cycle From (invoices)",
        default=3,
        required=True,
        help="The usual purchase interval needs at least this many invoices.",
    )
    cycle_lookback_months = fields.Integer(
        string="Cycle Look-back (months)", default=24, required=True
    )
    cycle_grace_days = fields.Integer(
        string="Reminder Grace (days)",
        default=7,
        required=True,
        help="Remind the salesperson when the next purchase is late by more than this.",
    )

    # Credit terms by grade (信用政策)
    payment_term_a_id = fields.Many2one("account.payment.term", string="Payment Terms A")
    payment_term_b_id = fields.Many2one("account.payment.term", string="Payment Terms B")
    payment_term_c_id = fields.Many2one(
        "account.payment.term", string="Payment Terms C", help="款到发货: payment before delivery."
    )
    payment_term_d_id = fields.Many2one("account.payment.term", string="Payment Terms D")
    credit_limit_a = fields.Monetary(default=200000.0)
    credit_limit_b = fields.Monetary(default=50000.0)
    credit_limit_c = fields.Monetary(default=0.0)
    credit_limit_d = fields.Monetary(default=0.0)

    # Last run
    last_run = fields.Datetime(readonly=True, copy=False)
    last_run_count = fields.Integer(string="Customers Classified", readonly=True, copy=False)
    last_run_changed = fields.Integer(string="Customers Changed", readonly=True, copy=False)
    top_revenue_share = fields.Float(
        string="Revenue Share of Top Customers (%)", readonly=True, copy=False, digits=(5, 1)
    )

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one classification policy."),
        ("window_positive", "CHECK(window_months > 0)", "The window must be at least one month."),
    ]

    @api.constrains("grade_a_amount", "grade_b_amount", "overdue_amount_limit", "overdue_days")
    def _check_grade_thresholds(self):
        for policy in self:
            if min(policy.grade_b_amount, policy.overdue_amount_limit, policy.overdue_days) < 0:
                raise ValidationError(
                    self.env._("Amounts and days of the classification cannot be negative.")
                )
            if policy.grade_b_amount >= policy.grade_a_amount:
                raise ValidationError(
                    self.env._(
                        "Grade B must start below grade A: B from %(b)s, A from %(a)s.",
                        b=policy.grade_b_amount,
                        a=policy.grade_a_amount,
                    )
                )

    @api.constrains(
        "loyal_min_invoices", "loyal_recent_days", "at_risk_days", "lost_days", "top_percent"
    )
    def _check_loyalty_bounds(self):
        for policy in self:
            if policy.loyal_min_invoices < 1 or policy.loyal_recent_days < 1:
                raise ValidationError(
                    self.env._("A loyal customer needs at least one invoice within one day.")
                )
            if not policy.loyal_recent_days < policy.at_risk_days < policy.lost_days:
                raise ValidationError(
                    self.env._(
                        "The loyalty bounds overlap: loyal within %(loyal)s days, at risk after "
                        "%(risk)s days and lost after %(lost)s days must increase.",
                        loyal=policy.loyal_recent_days,
                        risk=policy.at_risk_days,
                        lost=policy.lost_days,
                    )
                )
            if not 0 < policy.top_percent <= 100:
                raise ValidationError(
                    self.env._("The share of top customers is a percentage between 0 and 100.")
                )

    @api.constrains(
        "cycle_min_invoices",
        "cycle_lookback_months",
        "cycle_grace_days",
        "credit_limit_a",
        "credit_limit_b",
        "credit_limit_c",
        "credit_limit_d",
    )
    def _check_cycle_and_credit(self):
        for policy in self:
            if policy.cycle_min_invoices < 2 or policy.cycle_lookback_months < 1:
                raise ValidationError(
                    self.env._(
                        "A purchase cycle needs at least two invoices over at least one month."
                    )
                )
            limits = (
                policy.cycle_grace_days,
                policy.credit_limit_a,
                policy.credit_limit_b,
                policy.credit_limit_c,
                policy.credit_limit_d,
            )
            if min(limits) < 0:
                raise ValidationError(
                    self.env._("Amounts and days of the classification cannot be negative.")
                )

    @api.model
    def _get_company_policy(self, company=None):
        """The company's policy, looked up once per worker: the partner form asks for it
        twice (the reasons and the suggested terms), a cron once per signal. Reading its
        fields still goes through the user's rules."""
        company = company or self.env.company
        return self.browse(self._policy_ids_by_company().get(company.id, ()))

    @api.model
    @tools.ormcache()
    def _policy_ids_by_company(self):
        # sudo: which policy is whose is configuration; the records returned are read
        # under the caller's rules.
        policies = self.sudo().search([], order="id desc")
        return {policy.company_id.id: policy.id for policy in policies}

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self.env.registry.clear_cache()
        return policies

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _get_credit_terms(self, grade):
        """(payment terms, credit limit) suggested for a grade; nothing without grade."""
        if not self or not grade:
            return self.env["account.payment.term"], 0.0
        return self[f"payment_term_{grade}_id"], self[f"credit_limit_{grade}"]

    # ------------------------------------------------------------------
    # Actions and cron
    # ------------------------------------------------------------------

    def action_recompute(self):
        """Recompute now: classify every customer of the policy's company, in the
        background (the scheduler's job; the form shows it and the manager is told)."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only archive managers may recompute the classification."))
        for policy in self:
            policy._job_start(
                self.env._("Classification of %(company)s", company=policy.company_id.name),
                kind="recompute",
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The classification is recomputed in the background; you are told when it ends."
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _job_step(self, job, deadline):
        """A batch of the recompute in the background: the first classifies every
        customer in one statement into a table of the run (in PostgreSQL, off the
        worker's CPU time); each next one stores pages of the changed results until the
        deadline; the last drops the table and notes the run."""
        # sudo: the rules read every invoice and write every customer of the
        # company, which a manager may not be allowed to open one by one.
        policy = self.sudo()
        cursor = dict(job.cursor or {})
        if not policy._try_lock():
            if not cursor:
                return self.env._(
                    "The classification is being recomputed already; try again later."
                )
            return False  # another run of the company holds it for now: next call
        if not cursor:
            if not self._job_fresh(job):
                return False  # one long statement: at the start of a unit of work
            policy._flush_for_run()
            table = f"{store.CHANGES_TABLE}_{job.id}"
            count, share, changed = policy._stage_changes(table, fields.Date.context_today(self))
            cursor = {"table": table, "last": 0, "count": count, "share": share, "changed": changed}
            job._set_progress(0, changed, cursor)
            return False
        done = job.done_count
        while True:  # one page at least, then until the deadline
            stored = policy._store_page(cursor["table"], cursor["last"])
            if stored is None:
                break
            cursor["last"], count = stored
            done += count
            if time.monotonic() > deadline:
                job._set_progress(done, cursor["changed"], cursor)
                return False
        policy._drop_run_table(cursor["table"])
        policy.write(
            {
                "last_run": fields.Datetime.now(),
                "last_run_count": cursor["count"],
                "last_run_changed": cursor["changed"],
                "top_revenue_share": cursor["share"],
            }
        )
        message = self.env._(
            "%(count)s customers classified, %(changed)s changed.",
            count=cursor["count"],
            changed=cursor["changed"],
        )
        job._set_progress(cursor["changed"], cursor["changed"], {}, message)
        return True

    def _job_failed(self, job, message):
        table = (job.cursor or {}).get("table")
        if table:
            self.sudo()._drop_run_table(table)

    def _drop_run_table(self, table):
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))

    @api.model
    def _cron_recompute_classification(self):
        """The nightly run: a background job per company (a batch per call of the
        scheduler), unless one runs already."""
        for policy in self.search([]).filtered(lambda p: not p.job_running):
            policy.with_company(policy.company_id)._job_start(
                self.env._("Classification of %(company)s", company=policy.company_id.name),
                kind="recompute",
            )

    def _recompute_classification(self):
        """Classify the customers of each policy's company; return the policies done.

        A policy whose recompute runs in another transaction is skipped.
        """
        done = self.browse()
        for policy in self:
            if not policy._try_lock():
                _logger.info("Classification of %s skipped: running elsewhere", policy.company_id)
                continue
            policy._run_classification()
            done |= policy
        return done

    def _try_lock(self):
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY, self.company_id.id)
        )
        return self.env.cr.fetchone()[0]

    def _run_classification(self):
        self.ensure_one()
        started = time.monotonic()
        today = fields.Date.context_today(self)
        self._flush_for_run()
        count, share, changed = self._store_classification(today)
        self.write(
            {
                "last_run": fields.Datetime.now(),
                "last_run_count": count,
                "last_run_changed": changed,
                "top_revenue_share": share,
            }
        )
        _logger.info(
            "Classified %s customers of %s (%s changed) in %.1f s",
            count,
            self.company_id.name,
            changed,
            time.monotonic() - started,
        )

    def _flush_for_run(self):
        """What the classification's statement reads, written to the database first."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model(
            ["commercial_partner_id", "customer_rank", "active", "company_id"]
        )

    def _get_customers_query(self):
        """The company's customers, with their stored classification, in one scan.

        Customers are the active commercial partners with a customer rank (Odoo
        gives one when their first invoice is posted), shared or of the company,
        and the partners of the company's dossiers.
        """
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search(
                [
                    "|",
                    ("customer_archive_ids.company_id", "=", self.company_id.id),
                    "&",
                    "&",
                    "&",
                    ("active", "=", True),
                    ("customer_rank", ">", 0),
                    ("company_id", "in", [False, self.company_id.id]),
                    "|",
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ]
            )
        )
        store.join_rows(partners, self.company_id)
        return partners.select(
            SQL.identifier("res_partner", "id"),
            *store.stored_columns(self.env["customer.classification"]),
        )

    # ------------------------------------------------------------------
    # Storing the results
    # ------------------------------------------------------------------

    def _store_classification(self, today):
        """Classify the customers of the policy's company and store what changed.

        One statement classifies every customer and keeps, in a temporary
        table, those whose results differ from a fingerprint of the stored
        ones. Then a page at a time: the customers to log or remind come back
        with the values about to be replaced, the changed results are stored
        through the ORM, the changes logged and the dossiers' copies refreshed
        (``_store_page``; a background run does a page per batch). Returns
        (customers classified, revenue share of the top customers, customers
        updated).
        """
        self.ensure_one()
        cr = self.env.cr
        summary = self._stage_changes(store.CHANGES_TABLE, today, temporary=True)
        stored = (0, 0)
        while (stored := self._store_page(store.CHANGES_TABLE, stored[0])) is not None:
            pass
        cr.execute(SQL("DROP TABLE %s", SQL.identifier(store.CHANGES_TABLE)))
        return summary

    def _stage_changes(self, table, today, temporary=False):
        """Classify every customer of the company in one statement into ``table``, with
        those whose results changed; return (classified, top share, changed).

        A temporary table for a run in one transaction; a table of its own (unlogged:
        rebuilt if lost) for a background run, which stores it a page per batch."""
        cr = self.env.cr
        rows = self.env["customer.classification"]
        rows.flush_model()
        # The planner cannot estimate the rows of the chained aggregates; its huge
        # estimates would make it spend seconds compiling the query (JIT) to save
        # milliseconds. Off for this transaction only.
        cr.execute(SQL("SET LOCAL jit = off"))
        # A table rather than one statement that also reads the changes back:
        # PostgreSQL runs a CREATE TABLE … AS with parallel workers, which aggregate the
        # invoices of 100 000 customers in 0.2 s instead of 0.35 s (bench/README.md).
        cr.execute(
            SQL(
                "CREATE %s TABLE %s %s AS %s",
                SQL("TEMPORARY") if temporary else SQL("UNLOGGED"),
                SQL.identifier(table),
                SQL("ON COMMIT DROP") if temporary else SQL(""),
                store.changes_query(rows, self, today),
            )
        )
        cr.execute(SQL("CREATE INDEX ON %s (id)", SQL.identifier(table)))
        cr.execute(store.summary_query(table))
        row = cr.fetchone()
        count, share, updated = row if row else (0, 0, 0)
        return count, float(share or 0.0), updated

    def _store_page(self, table, after_id):
        """Store the next page of changed results of ``table`` after customer
        ``after_id`` on their rows, in one statement: log their changes, remind their
        salespeople; return (the last customer stored, how many), ``None`` when none
        was left."""
        cr = self.env.cr
        cr.execute(store.page_query(table, after_id, WRITE_BATCH))
        ids = [row[0] for row in cr.fetchall()]
        if not ids:
            return None
        page = (after_id, ids[-1])
        cr.execute(store.follow_up_query(self.company_id, table, page))
        rows = cr.dictfetchall()
        cr.execute(store.upsert_query(self.company_id, table, page, self.env.uid))
        # what was written in SQL, and what is computed from it (the partners' and
        # dossiers' related fields, the "why"), read again from the database when next
        # asked for
        for model in ("customer.classification", "res.partner", "customer.archive"):
            self.env[model].invalidate_model()
        self._classification_log_changes(rows)
        self._classification_remind([row for row in rows if row["remind"]])
        return ids[-1], len(ids)

    def _classification_log_changes(self, rows):
        """Log the changed grades, tiers, stages and classes in the customers' chatter,
        in batches (``customer.classification._log_changes``)."""
        self.env["customer.classification"].with_company(self.company_id)._log_changes(
            [
                (
                    row["id"],
                    {fname: row[f"old_{fname}"] for fname in TRACKED_RESULTS},
                    {fname: row[fname] for fname in TRACKED_RESULTS},
                )
                for row in rows
                if row["logged"]
            ]
        )

    def _classification_remind(self, rows):
        """One activity for the salesperson per purchase cycle that passed silently."""
        activity_type = self.env.ref(
            "customer_archive.mail_activity_type_purchase_cycle", raise_if_not_found=False
        )
        if not rows or not activity_type:
            return
        partners = (
            self.env["res.partner"]
            .with_company(self.company_id)
            .browse([row["id"] for row in rows])
        )
        Activity = self.env["mail.activity"].sudo()  # activities for other users' customers
        open_ids = set(
            Activity.search(
                [
                    ("res_model", "=", partners._name),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id(partners._name)
        summaries = {}  # by language: the summary in the language of the assignee

        def summary(user):
            lang = user_lang(self.env, user)
            if lang not in summaries:
                summaries[lang] = self.with_context(lang=lang).env._(
                    "Ask the customer about a new order"
                )
            return summaries[lang]

        vals_list = []
        for partner in partners:
            if partner.id in open_ids:
                continue
            user = partner.user_id or self.manager_id or self.env.user
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                    # nothing of the classification in it: every employee who may read the
                    # partner reads its activities
                    "summary": summary(user),
                }
            )
        # the activities' record names, computed from the customers' names read here at
        # once, while they are in the cache (one query each otherwise)
        partners.mapped("display_name")
        for start in range(0, len(vals_list), WRITE_BATCH):
            Activity.with_context(mail_activity_quick_update=True).create(
                vals_list[start : start + WRITE_BATCH]
            )
        Activity.flush_model()
