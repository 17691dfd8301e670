"""The SQL of storing a company's classification (DESIGN §3): functions, no model.

``customer.classification.policy._store_classification`` runs these
statements: one classifies every customer (the figures and the rules of
``customer_classification_rules``)
and keeps, in a temporary table, the customers whose results differ from a
fingerprint of the stored ones; the others read that table — the summary and
the customers to log or remind, then the changed results page by page, which
the policy stores through the ORM — and compare the dossiers' copies with
their customers' results.

The results are company-dependent fields of ``res.partner``: JSONB columns
keyed by company id, read here as the ORM reads them (``stored_value``) and
never written here.
"""

from odoo.tools import SQL

from . import customer_classification_rules as rules

# Written by the recompute only (or, for the effective grade and tier, when a
# manager overrides them); stored per company.
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
HASH_FIELD = "customer_classification_hash"
# Changes of these results are logged in the chatter; the figures behind them
# change with every invoice and are shown in the "why" panel instead.
TRACKED_RESULTS = ("customer_grade", "customer_tier", "customer_loyalty", "customer_value_class")
# Results copied onto the dossier, to filter and group dossiers by them.
ARCHIVE_COPIES = ("customer_grade", "customer_tier", "customer_loyalty", "customer_value_class")
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
# How the stored JSON values of company-dependent fields are read back in SQL.
SQL_TYPES = {
    "selection": "varchar",
    "char": "varchar",
    "integer": "int4",
    "float": "numeric",
    "boolean": "bool",
    "date": "date",
}
ZERO = {"integer": "0", "float": "0", "boolean": "false"}


def stored_value(partners, fname, company, alias="p"):
    """The stored value of a company-dependent field of ``res.partner``, typed,
    as the ORM reads it (unset reads as 0 or False)."""
    ftype = partners._fields[fname].type
    value = SQL(
        "(%s.%s ->> %s)::%s",
        SQL.identifier(alias),
        SQL.identifier(fname),
        str(company.id),
        SQL(SQL_TYPES[ftype]),
    )
    if ftype in ZERO:
        value = SQL("COALESCE(%s, %s)", value, SQL(ZERO[ftype]))
    return value


def stored_columns(partners, company, alias="res_partner"):
    """What the recompute reads of a customer: the managers' decisions the rules
    follow, the reminded purchase and the fingerprint of the results."""
    return [
        *(
            SQL("%s AS %s", stored_value(partners, fname, company, alias), SQL.identifier(fname))
            for fname in RULE_INPUTS
        ),
        SQL(
            "%s AS old_reminded",
            stored_value(partners, "customer_cycle_reminded_date", company, alias),
        ),
        SQL("%s AS old_hash", stored_value(partners, HASH_FIELD, company, alias)),
    ]


def result_columns(partners, policy, today):
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
            SQL(SQL_TYPES[partners._fields[fname].type]),
            SQL.identifier(fname),
        )
        for fname, expr in columns.items()
    )


def changes_query(partners, policy, today):
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
        columns=result_columns(partners, policy, today),
        fingerprint=fingerprint,
        hash=SQL.identifier(HASH_FIELD),
    )


def summary_query(table):
    """(customers classified, revenue share of the top ones, customers changed)."""
    return SQL(
        "SELECT classified, top_share, count(id) FROM %s GROUP BY classified, top_share",
        SQL.identifier(table),
    )


def follow_up_query(partners, company, table, ids):
    """The changed customers of ``ids`` to log or remind, with the values being
    replaced: run before their results are stored. A customer classified for the first
    time has no change to log."""
    old = {fname: stored_value(partners, fname, company) for fname in TRACKED_RESULTS}
    logged = SQL(" OR ").join(
        SQL(
            "r.%s IS DISTINCT FROM %s AND %s IS NOT NULL",
            SQL.identifier(fname),
            old[fname],
            old[fname],
        )
        for fname in TRACKED_RESULTS
    )
    return SQL(
        """
        SELECT * FROM (
            SELECT r.id, r.remind, r.customer_next_purchase_date, %(new)s, %(old)s,
                   (%(logged)s) AS logged
              FROM %(changes)s r
              JOIN res_partner p ON p.id = r.id
             WHERE r.id = ANY(%(ids)s)
        ) c
         WHERE c.logged OR c.remind
        """,
        changes=SQL.identifier(table),
        new=SQL(", ").join(SQL("r.%s", SQL.identifier(fname)) for fname in TRACKED_RESULTS),
        old=SQL(", ").join(
            SQL("%s AS %s", old[fname], SQL.identifier(f"old_{fname}")) for fname in TRACKED_RESULTS
        ),
        logged=logged,
        ids=list(ids),
    )


def changed_results_query(table, after_id, limit):
    """The next page of changed customers (by id) with the results to store."""
    return SQL(
        "SELECT id, %s FROM %s WHERE id > %s ORDER BY id LIMIT %s",
        SQL(", ").join(SQL.identifier(fname) for fname in RESULT_FIELDS),
        SQL.identifier(table),
        after_id,
        limit,
    )


def archive_copies_query(partners, company, partner_ids):
    """The dossiers of the company whose copies differ from their customer's
    results, grouped by the results to copy: (grade, tier, stage, class, ids)."""
    stored = {fname: stored_value(partners, fname, company) for fname in ARCHIVE_COPIES}
    return SQL(
        """
        SELECT %(values)s, array_agg(a.id ORDER BY a.id)
          FROM customer_archive a
          JOIN res_partner p ON p.id = a.partner_id
         WHERE a.company_id = %(company_id)s
           AND a.state != 'destroyed'
           AND a.partner_id = ANY(%(partner_ids)s)
           AND (%(differs)s)
      GROUP BY %(positions)s
        """,
        values=SQL(", ").join(stored.values()),
        positions=SQL(", ".join(str(position) for position in range(1, len(stored) + 1))),
        company_id=company.id,
        partner_ids=list(partner_ids),
        differs=SQL(" OR ").join(
            SQL("a.%s IS DISTINCT FROM %s", SQL.identifier(fname), value)
            for fname, value in stored.items()
        ),
    )
