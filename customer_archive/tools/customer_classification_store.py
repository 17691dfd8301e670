"""The SQL of storing a company's classification (DESIGN §3): functions, no model.

``customer.classification.policy._store_classification`` runs these
statements: one classifies every customer (the figures and the rules of
``customer_classification_rules``)
and keeps, in a table of the run, the customers whose results differ from a
fingerprint of the stored ones; the others read that table — the summary and
the customers to log or remind — and store the changed results page by page,
in one statement each, in the classification's own table
(``customer_classification``: a row per customer and company).
"""

from odoo.tools import SQL

from . import customer_classification_rules as rules
from .customer_classification_rules import RESULT_FIELDS, TRACKED_RESULTS

HASH_FIELD = "customer_classification_hash"
# Fingerprinted by the recompute to find the customers whose results changed;
# the other results follow from these and from the managers' decisions.
FINGERPRINT_FIELDS = (
    "customer_grade_computed",
    "customer_loyalty",
    "customer_rfm_recency",
    "customer_rfm_frequency",
    "customer_rfm_monetary",
    "customer_top",
    "customer_yearly_amount",
    "customer_overdue_amount",
    "customer_invoice_count",
    "customer_last_invoice_date",
    "customer_purchase_interval",
    "customer_cycle_reminded_date",
)
# The managers' decisions that the rules follow (the reason is only kept).
RULE_INPUTS = (
    "customer_grade_override",
    "customer_tier_override",
    "customer_key_account",
    "customer_special_class",
)
# The recompute's changed customers, for the length of its transaction.
CHANGES_TABLE = "customer_classification_changes"
# The columns' types, to type the results as stored.
SQL_TYPES = {
    "selection": "varchar",
    "char": "varchar",
    "integer": "int4",
    "float": "numeric",
    "boolean": "bool",
    "date": "date",
}
# The alias of the company's row joined to each customer
ROW = "customer_classification_row"


def join_rows(query, company):
    """Join, to a query of customers (``res_partner``), their row of the company."""
    query.add_join(
        "LEFT JOIN",
        ROW,
        "customer_classification",
        SQL(
            "%s = res_partner.id AND %s = %s",
            SQL.identifier(ROW, "partner_id"),
            SQL.identifier(ROW, "company_id"),
            company.id,
        ),
    )


def stored_columns(rows):
    """What the recompute reads of a customer's row: the managers' decisions the rules
    follow (an unset flag reads as false), the reminded purchase and the fingerprint of
    the results."""

    def column(fname):
        value = SQL("%s.%s", SQL.identifier(ROW), SQL.identifier(fname))
        if rows._fields[fname].type == "boolean":
            value = SQL("COALESCE(%s, false)", value)
        return value

    return [
        *(SQL("%s AS %s", column(fname), SQL.identifier(fname)) for fname in RULE_INPUTS),
        SQL("%s AS old_reminded", column("customer_cycle_reminded_date")),
        SQL("%s AS old_hash", column(HASH_FIELD)),
    ]


def result_columns(rows, policy, today):
    """The results to store: the rules' results combined with the managers' decisions.

    Evaluated on ``figures f`` (with the decisions), rules and scores ``g`` and
    the next expected purchase ``n``; typed as the fields' stored values.
    """
    grade = SQL("COALESCE(f.customer_grade_override, g.grade_computed)")
    columns = {
        "customer_grade": grade,
        "customer_grade_computed": SQL("g.grade_computed"),
        "customer_tier": SQL(
            "COALESCE(f.customer_tier_override, %s)",
            rules.tier(grade, SQL("f.customer_key_account"), SQL("f.customer_special_class")),
        ),
        "customer_loyalty": SQL("g.loyalty"),
        "customer_value_class": rules.value_class(
            SQL("g.rfm_recency"), SQL("g.rfm_frequency"), SQL("g.rfm_monetary")
        ),
        "customer_rfm_recency": SQL("g.rfm_recency"),
        "customer_rfm_frequency": SQL("g.rfm_frequency"),
        "customer_rfm_monetary": SQL("g.rfm_monetary"),
        "customer_top": SQL("g.top"),
        "customer_revenue_share": SQL("CASE WHEN g.top THEN 'top' ELSE 'rest' END"),
        "customer_yearly_amount": SQL("f.yearly_amount"),
        "customer_overdue_amount": SQL("f.overdue_amount"),
        "customer_average_amount": SQL("f.average_amount"),
        "customer_invoice_count": SQL("f.invoice_count"),
        "customer_last_invoice_date": SQL("f.last_date"),
        "customer_purchase_interval": SQL("g.purchase_interval"),
        "customer_next_purchase_date": SQL("n.next_date"),
        # once per cycle: the expected date the salesperson was reminded of
        "customer_cycle_reminded_date": SQL(
            "CASE WHEN %s THEN n.next_date ELSE %s END",
            rules.reminder_due(
                SQL("n.next_date"), SQL("g.purchase_interval"), SQL("g.loyalty"), today, policy
            ),
            SQL("f.old_reminded"),
        ),
        "customer_classified_date": SQL("%s", today),
    }
    return SQL(", ").join(
        SQL(
            "%s::%s AS %s",
            expr,
            SQL(SQL_TYPES[rows._fields[fname].type]),
            SQL.identifier(fname),
        )
        for fname, expr in columns.items()
    )


def changes_query(rows, policy, today):
    """The customers whose results differ from the stored ones, with the summary.

    Only a fingerprint of the stored results is compared (read with the
    customers, see ``stored_columns``): the results that follow from the
    fingerprinted ones (value class, average, next purchase) or from the
    managers' decisions (applied when they are made) need no comparison of their
    own. Every row carries the number of customers classified and the revenue
    share of the top ones; when nothing changed, a single row without customer
    does.
    """
    # the results hashed as a row, each by its type: no text conversion, and an
    # empty result keeps its place (unlike in a concatenation)
    fingerprint = SQL(
        "hash_record_extended(ROW(%s), 0)::varchar",
        SQL(", ").join(SQL("x.%s", SQL.identifier(fname)) for fname in FINGERPRINT_FIELDS),
    )
    return SQL(
        """
        WITH %(ctes)s,
        results AS (
            SELECT f.id, x.*, %(fingerprint)s AS %(hash)s, f.old_hash, f.old_reminded
              FROM cuts t
             CROSS JOIN figures f
             -- OFFSET 0: the rules are evaluated once per customer, not once for
             -- each result that uses them
             CROSS JOIN LATERAL (SELECT %(rules)s OFFSET 0) g
             CROSS JOIN LATERAL (
                 SELECT CASE WHEN g.purchase_interval > 0
                             THEN f.last_date + g.purchase_interval END AS next_date
             ) n
             CROSS JOIN LATERAL (SELECT %(columns)s) x
        ),
        summary AS (
            SELECT count(*) AS classified,
                   round(100.0 * SUM(f.yearly_amount) FILTER (WHERE f.yearly_amount >= t.top
                                                              AND f.yearly_amount > 0)
                         / NULLIF(SUM(f.yearly_amount) FILTER (WHERE f.yearly_amount > 0), 0),
                         1) AS top_share
              FROM figures f
             CROSS JOIN cuts t
        )
        SELECT summary.*, r.*,
               r.customer_cycle_reminded_date IS NOT NULL
               AND r.customer_cycle_reminded_date IS DISTINCT FROM r.old_reminded AS remind
          FROM summary
     LEFT JOIN results r ON r.%(hash)s IS DISTINCT FROM r.old_hash
        """,
        ctes=rules.figures_ctes(policy, today, policy._get_customers_query()),
        rules=rules.rule_columns(policy, today),
        columns=result_columns(rows, policy, today),
        fingerprint=fingerprint,
        hash=SQL.identifier(HASH_FIELD),
    )


def summary_query(table):
    """(customers classified, revenue share of the top ones, customers changed)."""
    return SQL(
        "SELECT classified, top_share, count(id) FROM %s GROUP BY classified, top_share",
        SQL.identifier(table),
    )


def follow_up_query(company, table, page):
    """The changed customers of the page (the ids after the first and up to the last
    of ``page``) to log or remind, with the values being
    replaced: run before their results are stored. A customer classified for the first
    time has no change to log."""
    logged = SQL(" OR ").join(
        SQL("r.%s IS DISTINCT FROM c.%s AND c.%s IS NOT NULL", *[SQL.identifier(fname)] * 3)
        for fname in TRACKED_RESULTS
    )
    return SQL(
        """
        SELECT * FROM (
            SELECT r.id, r.remind, r.customer_next_purchase_date, %(new)s, %(old)s,
                   (%(logged)s) AS logged
              FROM %(changes)s r
         LEFT JOIN customer_classification c
                ON c.partner_id = r.id AND c.company_id = %(company_id)s
             WHERE r.id > %(after)s AND r.id <= %(last)s
        ) f
         WHERE f.logged OR f.remind
        """,
        changes=SQL.identifier(table),
        company_id=company.id,
        new=SQL(", ").join(SQL("r.%s", SQL.identifier(fname)) for fname in TRACKED_RESULTS),
        old=SQL(", ").join(
            SQL("c.%s AS %s", SQL.identifier(fname), SQL.identifier(f"old_{fname}"))
            for fname in TRACKED_RESULTS
        ),
        logged=logged,
        after=page[0],
        last=page[1],
    )


def page_query(table, after_id, limit):
    """The next page of changed customers (by id)."""
    return SQL(
        "SELECT id FROM %s WHERE id > %s ORDER BY id LIMIT %s",
        SQL.identifier(table),
        after_id,
        limit,
    )


def upsert_query(company, table, page, uid):
    """Store the results of the changed customers of the page on their rows of the
    company, made where missing; the managers' decisions on the rows are kept."""
    columns = SQL(", ").join(SQL.identifier(fname) for fname in RESULT_FIELDS)
    return SQL(
        """
        INSERT INTO customer_classification AS c
               (partner_id, company_id, create_uid, create_date, write_uid, write_date, %(columns)s)
        SELECT r.id, %(company_id)s, %(uid)s, now() AT TIME ZONE 'UTC',
               %(uid)s, now() AT TIME ZONE 'UTC', %(values)s
          FROM %(changes)s r
         WHERE r.id > %(after)s AND r.id <= %(last)s
        ON CONFLICT (partner_id, company_id) DO UPDATE
           SET %(updates)s, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
        """,
        columns=columns,
        values=SQL(", ").join(SQL("r.%s", SQL.identifier(fname)) for fname in RESULT_FIELDS),
        updates=SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(fname), SQL.identifier(fname))
            for fname in RESULT_FIELDS
        ),
        changes=SQL.identifier(table),
        company_id=company.id,
        uid=uid,
        after=page[0],
        last=page[1],
    )
