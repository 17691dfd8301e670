"""The classification rules of DESIGN §3, one SQL expression each.

The recompute classifies all the customers of a company in one statement
(``customer.classification.policy._classification_query``): the rules below
are the columns of that statement. Each takes the SQL of its inputs and the
policy, so a rule reads the same as it would in Python, but runs over 100 000
customers in PostgreSQL, next to the invoices, instead of in a loop.
"""

from odoo.tools import SQL

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
    ("ordinary", "Ordinary"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
]
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
