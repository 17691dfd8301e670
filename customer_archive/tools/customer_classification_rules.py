"""The figures and the classification rules of DESIGN §3, in SQL.

The recompute classifies all the customers of a company in one statement
(``customer_classification_store.changes_query``): ``figures_ctes`` gives the
figures of every customer from the invoices, and the rules below are the
columns of that statement (``rule_columns``). Each rule takes the SQL of its
inputs and the policy, so it reads the same as it would in Python, but runs
over 100 000 customers in PostgreSQL, next to the invoices, instead of in a
loop.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

# The columns of a customer's classification row
# Written by the recompute only (or, for the effective grade and tier, when a manager
# overrides them).
RESULT_FIELDS = (
    "customer_grade",
    "customer_grade_computed",
    "customer_tier",
    "customer_loyalty",
    "customer_value_class",
    "customer_rfm_recency",
    "customer_rfm_frequency",
    "customer_rfm_monetary",
    "customer_top",
    "customer_revenue_share",
    "customer_yearly_amount",
    "customer_overdue_amount",
    "customer_average_amount",
    "customer_invoice_count",
    "customer_last_invoice_date",
    "customer_purchase_interval",
    "customer_next_purchase_date",
    "customer_cycle_reminded_date",
    "customer_classified_date",
    "customer_classification_hash",
)
# Set by hand by an archive manager and kept until he clears them.
MANUAL_FIELDS = (
    "customer_grade_override",
    "customer_tier_override",
    "customer_override_reason",
    "customer_key_account",
    "customer_special_class",
)
# Changes of these are logged in the customer's chatter, in this order; the figures
# behind them change with every invoice and are shown in the "why" panel instead.
TRACKED_RESULTS = ("customer_grade", "customer_tier", "customer_loyalty", "customer_value_class")
LOGGED_FIELDS = (*TRACKED_RESULTS, *MANUAL_FIELDS)

GRADES = [
    ("a", "A"),
    ("b", "B"),
    ("c", "C"),
    ("d", "D"),
]
TIERS = [
    ("important", "Important"),
    ("special", "Special"),
    ("ordinary", "Ordinary"),
]
LOYALTY_STAGES = [
    ("new", "New"),
    ("loyal", "Loyal"),
    # "Average", not "Ordinary": the tier's "Ordinary" reads 普通, the stage's 一般
    ("ordinary", "Average"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
]
# The 20/80 rule in words (a boolean reads "true"/"false" in a graph's legend).
REVENUE_SHARES = [("top", "Top 20 % of Revenue"), ("rest", "Other Customers")]
# The eight classes of the RFM model: recency, frequency and monetary score
# at or above the middle quintile (high) or below it (low).
VALUE_CLASSES = [
    ("important_value", "Important Value"),
    ("important_development", "Important Development"),
    ("important_retention", "Important Retention"),
    ("important_winback", "Important Win-back"),
    ("general_value", "General Value"),
    ("general_development", "General Development"),
    ("general_retention", "General Retention"),
    ("general_winback", "General Win-back"),
]
VALUE_CLASS_BY_RFM = {
    # (recency high, frequency high, monetary high): class
    (True, True, True): "important_value",
    (True, False, True): "important_development",
    (False, True, True): "important_retention",
    (False, False, True): "important_winback",
    (True, True, False): "general_value",
    (True, False, False): "general_development",
    (False, True, False): "general_retention",
    (False, False, False): "general_winback",
}
HIGH_SCORE = 3


def grade(yearly_amount, overdue_amount, policy):
    """A/B/C by the yearly amount; D whenever the arrears exceed the tolerance."""
    return SQL(
        """CASE WHEN %(overdue)s > %(limit)s THEN 'd'
                WHEN %(yearly)s >= %(a)s THEN 'a'
                WHEN %(yearly)s >= %(b)s THEN 'b'
                ELSE 'c' END""",
        overdue=overdue_amount,
        yearly=yearly_amount,
        limit=policy.overdue_amount_limit,
        a=policy.grade_a_amount,
        b=policy.grade_b_amount,
    )


def tier(grade_code, key_account, special_class):
    """Important for grade A or key accounts, special for the special class."""
    return SQL(
        """CASE WHEN %(grade)s = 'a' OR %(key)s THEN 'important'
                WHEN %(special)s THEN 'special'
                ELSE 'ordinary' END""",
        grade=grade_code,
        key=key_account,
        special=special_class,
    )


def tier_of(grade_code, key_account, special_class):
    """The tier rule for one customer, when a manager decides on him."""
    if grade_code == "a" or key_account:
        return "important"
    return "special" if special_class else "ordinary"


def loyalty(last_invoice_date, invoice_count, today, policy):
    """New without invoice; then lost, at risk, loyal or ordinary by recency and frequency."""
    return SQL(
        """CASE WHEN %(last)s IS NULL THEN 'new'
                WHEN %(today)s - %(last)s > %(lost)s THEN 'lost'
                WHEN %(today)s - %(last)s > %(at_risk)s THEN 'at_risk'
                WHEN %(count)s >= %(loyal_count)s
                     AND %(today)s - %(last)s <= %(loyal_days)s THEN 'loyal'
                ELSE 'ordinary' END""",
        last=last_invoice_date,
        count=invoice_count,
        today=today,
        lost=policy.lost_days,
        at_risk=policy.at_risk_days,
        loyal_count=policy.loyal_min_invoices,
        loyal_days=policy.loyal_recent_days,
    )


def quintile_cuts(value, scored):
    """The values at 20, 40, 60 and 80 % of the scored customers, lowest first."""
    return SQL(
        """percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY %s)
           FILTER (WHERE %s)""",
        value,
        scored,
    )


def quintile(value, cuts, scored):
    """Score 1-5 by quintile among the scored customers; equal values score alike.

    One more than the number of cuts below the value: the same as one more than
    five times the share of scored customers with a smaller value. The others
    score 0.
    """
    above = SQL(" + ").join(SQL("(%s > %s[%s])::int", value, cuts, index) for index in range(1, 5))
    return SQL("CASE WHEN %s THEN 1 + %s ELSE 0 END", scored, above)


def value_class(recency, frequency, monetary):
    """The RFM class of a scored customer (recency above 0), else none."""
    by_index = [
        VALUE_CLASS_BY_RFM[(bool(index & 4), bool(index & 2), bool(index & 1))]
        for index in range(8)
    ]
    return SQL(
        """CASE WHEN %(r)s > 0 THEN (%(classes)s::varchar[])[
               1 + 4 * (%(r)s >= %(high)s)::int + 2 * (%(f)s >= %(high)s)::int
               + (%(m)s >= %(high)s)::int] END""",
        r=recency,
        f=frequency,
        m=monetary,
        high=HIGH_SCORE,
        classes=by_index,
    )


def top_cut(yearly_amount, policy):
    """The yearly amount of the last of the top percent of buying customers."""
    return SQL(
        """(array_agg(%(yearly)s ORDER BY %(yearly)s DESC) FILTER (WHERE %(yearly)s > 0))[
               ceil(count(*) FILTER (WHERE %(yearly)s > 0) * %(percent)s / 100.0)::int]""",
        yearly=yearly_amount,
        percent=policy.top_percent,
    )


def top_customer(yearly_amount, cut):
    """Among the customers who bring most revenue (the 20/80 rule); ties included."""
    return SQL("COALESCE(%s > 0 AND %s >= %s, false)", yearly_amount, yearly_amount, cut)


def purchase_interval(first_date, last_date, invoice_count, policy):
    """Usual days between two invoices of the look-back period; 0 when too few.

    The span from the first to the last invoice of the period over the number
    of intervals between its invoices.
    """
    return SQL(
        """CASE WHEN %(count)s >= GREATEST(%(minimum)s, 2)
                THEN GREATEST(round((%(last)s - %(first)s)::numeric / (%(count)s - 1)), 1)::int
                ELSE 0 END""",
        count=invoice_count,
        minimum=policy.cycle_min_invoices,
        first=first_date,
        last=last_date,
    )


def reminder_due(next_date, interval, loyalty_stage, today, policy):
    """The expected purchase is late by more than the grace, but by less than a cycle.

    A customer silent for more than a whole cycle is a loyalty matter (at risk,
    lost), not a reminder: this keeps the first run on an old database quiet.
    """
    return SQL(
        """%(next)s IS NOT NULL AND %(loyalty)s != 'lost'
           AND %(today)s - %(next)s > %(grace)s
           AND %(today)s - %(next)s <= %(grace)s + %(interval)s""",
        next=next_date,
        loyalty=loyalty_stage,
        today=today,
        grace=policy.cycle_grace_days,
        interval=interval,
    )


def figures_ctes(policy, today, customers):
    """The figures and the RFM cuts of every customer, as named sub-queries.

    ``customers`` selects the customers with their stored classification.
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
        company_id=policy.company_id.id,
        today=today,
        window_start=today - relativedelta(months=policy.window_months),
        cycle_start=today - relativedelta(months=policy.cycle_lookback_months),
        overdue_before=today - timedelta(days=policy.overdue_days),
        customers=customers,
        recency=quintile_cuts(SQL("last_date"), scored),
        frequency=quintile_cuts(SQL("invoice_count"), scored),
        monetary=quintile_cuts(SQL("average_amount"), scored),
        top=top_cut(SQL("yearly_amount"), policy),
    )


def rule_columns(policy, today):
    """The rules of each customer, as columns on ``figures f`` and ``cuts t``."""
    scored = SQL("f.last_date IS NOT NULL")
    return SQL(
        """%s AS grade_computed, %s AS loyalty, %s AS purchase_interval,
           %s AS rfm_recency, %s AS rfm_frequency, %s AS rfm_monetary, %s AS top""",
        grade(SQL("f.yearly_amount"), SQL("f.overdue_amount"), policy),
        loyalty(SQL("f.last_date"), SQL("f.invoice_count"), today, policy),
        purchase_interval(SQL("f.cycle_first"), SQL("f.last_date"), SQL("f.cycle_count"), policy),
        quintile(SQL("f.last_date"), SQL("t.recency"), scored),
        quintile(SQL("f.invoice_count"), SQL("t.frequency"), scored),
        quintile(SQL("f.average_amount"), SQL("t.monetary"), scored),
        top_customer(SQL("f.yearly_amount"), SQL("t.top")),
    )
