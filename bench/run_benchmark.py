#!/usr/bin/env python3
"""Time the full classification recompute against one hand-written SQL aggregate.

    python3 bench/run_benchmark.py --db customer_archive_bench [--addons-path ...]

Runs, in one process on the database filled by generate_bench_data.py:

1. the reference: one hand-written SQL aggregate over the same posted invoices
   and receivables (yearly amount, invoice count, last invoice date, arrears
   and the A/B/C/D grade per customer), fetched into Python;
2. the real recompute, ``customer.classification.policy._recompute_classification()``
   of the main company, through Odoo's registry:
   - "first": the first classification, every customer written;
   - "again": the same day, nothing changes, nothing is written (best of 3);
   - "+1 day": the next daily run (frozen time), best of 3;
   - "+30 days": a month later, most customers change (best of 3).

The first and the same-day runs are committed like the cron's transaction; the
later days are rolled back, so that each try (and the next benchmark) starts
from today's classification. For each run it prints the time, the ratio to the
SQL aggregate, the customers changed, the chatter messages and activities
created and the time spent creating the purchase reminders (Odoo activities),
and the process's peak resident memory before and after the first run; copy
them into bench/README.md.
"""

import argparse
import contextlib
import os
import resource
import subprocess
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REFERENCE = """
WITH arrears AS (
    SELECT l.partner_id, SUM(l.amount_residual) AS overdue
      FROM account_move_line l
      JOIN account_account a ON a.id = l.account_id
     WHERE l.company_id = %(company_id)s AND l.parent_state = 'posted'
       AND a.account_type = 'asset_receivable' AND NOT l.reconciled
       AND l.date_maturity < %(today)s - 30
  GROUP BY l.partner_id
), invoices AS (
    SELECT m.commercial_partner_id AS partner_id,
           SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date > %(window_start)s) AS yearly,
           COUNT(*) FILTER (WHERE m.move_type = 'out_invoice'
                              AND m.invoice_date > %(window_start)s) AS invoice_count,
           MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_date
      FROM account_move m
     WHERE m.company_id = %(company_id)s AND m.state = 'posted'
       AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date <= %(today)s
  GROUP BY m.commercial_partner_id
)
SELECT i.partner_id, i.yearly, i.invoice_count, i.last_date, COALESCE(a.overdue, 0),
       CASE WHEN COALESCE(a.overdue, 0) > 0 THEN 'd'
            WHEN i.yearly >= 100000 THEN 'a'
            WHEN i.yearly >= 30000 THEN 'b'
            ELSE 'c' END
  FROM invoices i
  LEFT JOIN arrears a ON a.partner_id = i.partner_id
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="customer_archive_bench")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument(
        "--keep", action="store_true", help="keep earlier results (default: start unclassified)"
    )
    return parser.parse_args()


def default_addons_path():
    odoo_root = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = [ROOT, os.path.join(odoo_root, "addons"), os.path.join(odoo_root, "..", "addons")]
    return ",".join(paths)


@contextlib.contextmanager
def superuser_env(db, addons_path=None):
    """A superuser environment on a cursor of ``db``'s registry, for a benchmark's run."""
    odoo.tools.config.parse_config(
        ["-d", db, "--addons-path", addons_path or default_addons_path()]
    )
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def time_reference(env, policy):
    today = fields.Date.context_today(policy)
    params = {
        "company_id": policy.company_id.id,
        "today": today,
        "window_start": today - relativedelta(months=12),
    }
    started = time.monotonic()
    env.cr.execute(REFERENCE, params)
    rows = env.cr.fetchall()
    return time.monotonic() - started, len(rows)


def reset_classification(env):
    """Forget earlier results, dossier copies and reminders: the next run is a first one."""
    # the results: the classification's own table
    env.cr.execute("DELETE FROM customer_classification")
    # and the reminders of earlier runs, with the salespeople they subscribed
    env.cr.execute(
        SQL(
            """DELETE FROM mail_activity WHERE res_model = 'res.partner'
                                           AND activity_type_id = %s""",
            env.ref("customer_archive.mail_activity_type_purchase_cycle").id,
        )
    )
    env.cr.execute(
        """DELETE FROM mail_followers f USING res_partner p
            WHERE f.res_model = 'res.partner' AND f.res_id = p.id AND p.customer_rank > 0"""
    )
    env.cr.commit()
    # a database that was classified before has dead rows to clean, as autovacuum would
    vacuum = [
        "psql",
        "-q",
        "-d",
        env.cr.dbname,
        "-c",
        "VACUUM ANALYZE res_partner, customer_archive, customer_classification",
    ]
    subprocess.run(vacuum, check=True)


class Run:
    """One timed recompute: its time, what it classified and changed, what it created."""

    def __init__(self, label, policy, days=0):
        self.label, self.policy, self.days = label, policy, days

    def __call__(self):
        env = self.policy.env
        env.cr.execute(
            """SELECT (SELECT COALESCE(max(id), 0) FROM mail_message),
                      (SELECT COALESCE(max(id), 0) FROM mail_activity)"""
        )
        last_message, last_activity = env.cr.fetchone()
        # the reminders are Odoo activities, created through the ORM: timed apart
        # (by the policy, or by the partner in the versions before issue 10)
        Partner = next(
            type(env[model])
            for model in ("customer.classification.policy", "res.partner")
            if hasattr(env[model], "_classification_remind")
        )
        remind = Partner._classification_remind
        reminding = []

        def timed_remind(*args, **kwargs):
            started = time.perf_counter()
            try:
                return remind(*args, **kwargs)
            finally:
                reminding.append(time.perf_counter() - started)

        Partner._classification_remind = timed_remind
        later = freeze_time(fields.Date.today() + timedelta(days=self.days), tick=True)
        try:
            with later if self.days else contextlib.nullcontext():
                started = time.perf_counter()
                self.policy._recompute_classification()
                env.flush_all()
                self.elapsed = time.perf_counter() - started
        finally:
            Partner._classification_remind = remind
        self.reminding = sum(reminding)
        self.count, self.changed = self.policy.last_run_count, self.policy.last_run_changed
        env.cr.execute(
            """SELECT (SELECT count(*) FROM mail_message WHERE id > %s AND model = 'res.partner'),
                      (SELECT count(*) FROM mail_activity WHERE id > %s)""",
            [last_message, last_activity],
        )
        self.messages, self.activities = env.cr.fetchone()
        return self


def peak_rss_mb():
    """The peak resident memory of this process so far (Linux counts in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best(runs):
    return min(runs, key=lambda run: run.elapsed)


def main():
    args = parse_args()
    addons_path = args.addons_path or default_addons_path()

    odoo.tools.config.parse_config(["-d", args.db, "--addons-path", addons_path])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        policy = env["customer.classification.policy"]._get_company_policy(
            env.ref("base.main_company")
        )
        cr.execute("SELECT count(*) FROM res_partner WHERE customer_rank > 0")
        customers = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move WHERE state = 'posted'")
        moves = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move_line WHERE parent_state = 'posted'")
        lines = cr.fetchone()[0]
        print(f"{customers} customers, {moves} posted invoices, {lines} posted invoice lines")

        if not args.keep:
            reset_classification(env)
        time_reference(env, policy)  # warm the caches for both sides
        sql_times = sorted(time_reference(env, policy)[0] for _ in range(5))
        sql_time = sql_times[0]
        print(
            f"SQL aggregate: best {sql_time:.2f} s, median {sql_times[2]:.2f} s "
            f"({time_reference(env, policy)[1]} rows)"
        )

        cr.execute(
            "SELECT count(*) FROM customer_archive WHERE company_id = %s", [policy.company_id.id]
        )
        dossiers = cr.fetchone()[0]
        results, tries = [], {}
        rss_before = peak_rss_mb()
        results.append(Run("first", policy)())
        cr.commit()
        rss_first = peak_rss_mb()
        print(
            f"peak RSS: {rss_before:.0f} MB before the first classification, "
            f"{rss_first:.0f} MB after it ({dossiers} dossiers)"
        )
        tries["again"] = []
        for _ in range(3):
            tries["again"].append(Run("again", policy)())
            cr.commit()
        for label, days in (("+1 day", 1), ("+30 days", 30)):
            tries[label] = []
            for _ in range(3):
                tries[label].append(Run(label, policy, days)())
                cr.rollback()  # each try starts from today's classification
        results += [best(runs) for runs in tries.values()]
        for label, runs in tries.items():
            print(f"({label}, 3 runs: {', '.join(f'{run.elapsed:.2f}' for run in runs)} s)")

    print(
        f"{'run':>9} | {'recompute':>9} | {'ratio':>6} | {'changed':>7} | {'messages':>8} | "
        f"{'activities':>10} | {'of which reminders':>18}"
    )
    for run in results:
        print(
            f"{run.label:>9} | {run.elapsed:8.2f}s | {run.elapsed / sql_time:5.1f}x | "
            f"{run.changed:7d} | {run.messages:8d} | {run.activities:10d} | {run.reminding:17.2f}s"
        )
    print(f"({results[0].count} customers classified in each run)")


if __name__ == "__main__":
    main()
