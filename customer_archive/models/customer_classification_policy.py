"""The classification policy of a company and its set-based recompute (DESIGN §3).

One policy per company holds the thresholds of the rules. The recompute
classifies all the company's customers in one statement: their figures from
grouped queries on the invoices, ``customer_classification_rules`` as SQL
expressions, and an update of the customers whose results changed
(``res.partner._classification_store``). A transaction-scoped
PostgreSQL advisory lock per company makes a second worker running the same
recompute at the same time skip it instead of doing it twice.
"""

import logging
import time
import zlib
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from . import customer_classification_rules as rules
from .customer_archive import MANAGER

_logger = logging.getLogger(__name__)

# First key of the advisory lock (the second is the company id).
LOCK_KEY = zlib.crc32(b"customer.classification.policy") & 0x7FFFFFFF


class CustomerClassificationPolicy(models.Model):
    _name = "customer.classification.policy"
    _description = "Customer Classification Policy"
    _inherit = ["mail.thread"]
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
        company = company or self.env.company
        return self.search([("company_id", "=", company.id)], limit=1)

    def _get_credit_terms(self, grade):
        """(payment terms, credit limit) suggested for a grade; nothing without grade."""
        if not self or not grade:
            return self.env["account.payment.term"], 0.0
        return self[f"payment_term_{grade}_id"], self[f"credit_limit_{grade}"]

    # ------------------------------------------------------------------
    # Actions and cron
    # ------------------------------------------------------------------

    def action_recompute(self):
        """Recompute now: classify every customer of the policy's company."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only archive managers may recompute the classification."))
        # sudo: the rules read every invoice and write every customer of the
        # company, which a manager may not be allowed to open one by one.
        done = self.sudo()._recompute_classification()
        if len(done) < len(self):
            raise UserError(
                self.env._("The classification is being recomputed already; try again later.")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s customers classified, %(changed)s changed.",
                    count=sum(self.mapped("last_run_count")),
                    changed=sum(self.mapped("last_run_changed")),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_recompute_classification(self):
        self.search([])._recompute_classification()

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
        Partner = self.env["res.partner"]
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        Partner.flush_model(["commercial_partner_id", "customer_rank", "active", "company_id"])
        count, share, changed = Partner._classification_store(self, today)
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
        return partners.select(
            SQL.identifier("res_partner", "id"),
            *self.env["res.partner"]._classification_stored_columns(self.company_id),
        )

    def _classification_ctes(self, today):
        """The figures and the RFM cuts of every customer, as named sub-queries.

        ``figures``: one row per customer with his stored classification, yearly
        amount, invoice count, dates and arrears; ``cuts``: one row with the
        quintile cuts and the yearly amount of the last top customer. The
        invoices are read once with conditional aggregates (FILTER) for the
        window, the last date and the purchase cycle, the arrears from the open
        receivable lines; percentiles over all customers give the cuts. The
        ORM's ``_read_group`` would need a query per filter, and the ranking
        would move every figure to Python.
        """
        scored = SQL("last_date IS NOT NULL")
        return SQL(
            """
            invoices AS (
                SELECT m.commercial_partner_id AS partner_id,
                       SUM(m.amount_untaxed_signed)
                           FILTER (WHERE m.invoice_date > %(window_start)s) AS yearly_amount,
                       COUNT(*) FILTER (WHERE m.move_type = 'out_invoice'
                                          AND m.invoice_date > %(window_start)s) AS invoice_count,
                       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_date,
                       MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice'
                                                     AND m.invoice_date > %(cycle_start)s)
                           AS cycle_first,
                       COUNT(*) FILTER (WHERE m.move_type = 'out_invoice'
                                          AND m.invoice_date > %(cycle_start)s) AS cycle_count
                  FROM account_move m
                 WHERE m.company_id = %(company_id)s
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND m.invoice_date <= %(today)s
                   AND m.commercial_partner_id IS NOT NULL
              GROUP BY m.commercial_partner_id
            ),
            arrears AS (
                SELECT p.commercial_partner_id AS partner_id, SUM(l.amount_residual) AS overdue
                  FROM account_move_line l
                  JOIN account_account acc ON acc.id = l.account_id
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.company_id = %(company_id)s
                   AND l.parent_state = 'posted'
                   AND acc.account_type = 'asset_receivable'
                   AND NOT l.reconciled
                   AND l.date_maturity < %(overdue_before)s
              GROUP BY p.commercial_partner_id
            ),
            customers AS (%(customers)s),
            figures AS MATERIALIZED (
                SELECT c.*,
                       COALESCE(i.yearly_amount, 0) AS yearly_amount,
                       COALESCE(i.invoice_count, 0) AS invoice_count,
                       CASE WHEN i.invoice_count > 0
                            THEN round(i.yearly_amount / i.invoice_count, 2)
                            ELSE 0 END AS average_amount,
                       i.last_date, i.cycle_first,
                       COALESCE(i.cycle_count, 0) AS cycle_count,
                       COALESCE(a.overdue, 0) AS overdue_amount
                  FROM customers c
             LEFT JOIN invoices i ON i.partner_id = c.id
             LEFT JOIN arrears a ON a.partner_id = c.id
            ),
            cuts AS (
                SELECT %(recency)s AS recency,
                       %(frequency)s AS frequency,
                       %(monetary)s AS monetary,
                       %(top)s AS top
                  FROM figures
            )
            """,
            company_id=self.company_id.id,
            today=today,
            window_start=today - relativedelta(months=self.window_months),
            cycle_start=today - relativedelta(months=self.cycle_lookback_months),
            overdue_before=today - timedelta(days=self.overdue_days),
            customers=self._get_customers_query(),
            recency=rules.quintile_cuts(SQL("last_date"), scored),
            frequency=rules.quintile_cuts(SQL("invoice_count"), scored),
            monetary=rules.quintile_cuts(SQL("average_amount"), scored),
            top=rules.top_cut(SQL("yearly_amount"), self),
        )

    def _classification_rules(self, today):
        """The per-customer rules on ``figures f`` and ``cuts t``."""
        scored = SQL("f.last_date IS NOT NULL")
        return SQL(
            """%s AS grade_computed, %s AS loyalty, %s AS purchase_interval,
               %s AS rfm_recency, %s AS rfm_frequency, %s AS rfm_monetary, %s AS top""",
            rules.grade(SQL("f.yearly_amount"), SQL("f.overdue_amount"), self),
            rules.loyalty(SQL("f.last_date"), SQL("f.invoice_count"), today, self),
            rules.purchase_interval(
                SQL("f.cycle_first"), SQL("f.last_date"), SQL("f.cycle_count"), self
            ),
            rules.quintile(SQL("f.last_date"), SQL("t.recency"), scored),
            rules.quintile(SQL("f.invoice_count"), SQL("t.frequency"), scored),
            rules.quintile(SQL("f.average_amount"), SQL("t.monetary"), scored),
            rules.top_customer(SQL("f.yearly_amount"), SQL("t.top")),
        )
