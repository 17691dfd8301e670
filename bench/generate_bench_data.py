#!/usr/bin/env python3
"""Fill a real Odoo database with customers and posted invoices, fast.

    python3 bench/generate_bench_data.py --db customer_archive_bench \
        [--customers 100000] [--lines 1000000] [--addons-path ...] [--create] [--dossiers]

With --create, the database is created and customer_archive installed
(without demo data) first. The rows are then written by a few
INSERT ... SELECT generate_series statements straight into the real tables
res_partner, account_move and account_move_line, three lines per invoice
(product, 13 % tax, receivable), filling every column the classification
recompute reads consistently: posted state, company, commercial partner,
invoice date, untaxed/total amounts signed in company currency, receivable
lines with due date, residual amount and reconciled flag. About 5 % of the
moves are refunds; invoices older than 60 days are mostly paid. The random
generator is seeded, so two runs give the same data. With --dossiers, every
customer also gets an active dossier (customer_archive) of the main company,
which the classification copies its results onto.
"""

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="customer_archive_bench")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--create", action="store_true", help="create the db, install the addon")
    parser.add_argument("--dossiers", action="store_true", help="one dossier per customer")
    return parser.parse_args()


def default_addons_path():
    import odoo  # noqa: PLC0415

    odoo_root = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = [ROOT, os.path.join(odoo_root, "addons"), os.path.join(odoo_root, "..", "addons")]
    return ",".join(paths)


def create_database(args):
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            args.db,
            "--addons-path",
            args.addons_path,
            "-i",
            "customer_archive",
            "--without-demo=all",
            "--stop-after-init",
            "--workers=0",
            "--max-cron-threads=0",
            "--http-port=0",
            "--log-level=warn",
        ],
        check=True,
    )


def accounts(env):
    company = env.ref("base.main_company")
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    receivable = env["res.partner"]._fields["property_account_receivable_id"]
    receivable = receivable.get_company_dependent_fallback(env["res.partner"].with_company(company))
    tax_account = company.account_sale_tax_id.invoice_repartition_line_ids.account_id[:1]
    return {
        "company_id": company.id,
        "currency_id": company.currency_id.id,
        "journal_id": journal.id,
        "income_id": journal.default_account_id.id,
        "receivable_id": receivable.id,
        "tax_id": tax_account.id or journal.default_account_id.id,
        "uid": env.uid,
    }


PARTNERS = """
INSERT INTO res_partner (name, complete_name, type, active, is_company, customer_rank,
                         supplier_rank, company_id, state_id, industry_id, user_id, lang,
                         autopost_bills, create_uid, write_uid, create_date, write_date)
SELECT '基准客户 ' || lpad(g::text, 6, '0'), '基准客户 ' || lpad(g::text, 6, '0'), 'contact',
       true, true, 1, 0, NULL,
       (SELECT array_agg(s.id) FROM res_country_state s JOIN res_country c ON c.id = s.country_id
         WHERE c.code = 'CN')[1 + (g %% 31)],
       (SELECT array_agg(id ORDER BY id) FROM res_partner_industry)[1 + (g %% 10)],
       CASE WHEN g %% 2 = 0 THEN %(uid)s END, NULL, 'ask',
       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
  FROM generate_series(1, %(customers)s) g
RETURNING id
"""

# One row per invoice: customer (skewed: low ranks buy more), date over two years,
# refund or invoice, untaxed amount (a per-customer scale times a random factor),
# paid or not.
INVOICES = """
CREATE TEMP TABLE bench_invoice AS
SELECT n,
       p.ids[1 + floor(%(customers)s * power(random(), 1.6))::int] AS partner_id,
       (current_date - floor(random() * 730)::int) AS invoice_date,
       random() < 0.05 AS refund,
       round((300 + random() * 6000 * (1 + (n %% 7)))::numeric, 2) AS untaxed,
       random() AS paid_draw
  FROM generate_series(1, %(invoices)s) n,
       (SELECT array_agg(id ORDER BY id) AS ids FROM res_partner WHERE name LIKE '基准客户 %%') p
"""

MOVES = """
INSERT INTO account_move (id, name, ref, move_type, state, date, invoice_date, invoice_date_due,
                          journal_id, company_id, currency_id, partner_id,
                          commercial_partner_id, amount_untaxed, amount_tax, amount_total,
                          amount_residual, amount_untaxed_signed, amount_untaxed_in_currency_signed,
                          amount_tax_signed, amount_total_signed, amount_total_in_currency_signed,
                          amount_residual_signed, payment_state, auto_post, sequence_prefix,
                          sequence_number, create_uid, write_uid, create_date, write_date)
SELECT %(base)s + i.n,
       CASE WHEN i.refund THEN 'RINV/BENCH/' ELSE 'INV/BENCH/' END || i.n,
       'BENCH-' || i.n,
       CASE WHEN i.refund THEN 'out_refund' ELSE 'out_invoice' END,
       'posted', i.invoice_date, i.invoice_date, i.invoice_date + 30,
       %(journal_id)s, %(company_id)s, %(currency_id)s, i.partner_id, i.partner_id,
       i.untaxed, round(i.untaxed * 0.13, 2), i.untaxed + round(i.untaxed * 0.13, 2),
       CASE WHEN v.paid THEN 0 ELSE i.untaxed + round(i.untaxed * 0.13, 2) END,
       v.sign * i.untaxed, v.sign * i.untaxed,
       v.sign * round(i.untaxed * 0.13, 2),
       v.sign * (i.untaxed + round(i.untaxed * 0.13, 2)),
       v.sign * (i.untaxed + round(i.untaxed * 0.13, 2)),
       CASE WHEN v.paid THEN 0 ELSE v.sign * (i.untaxed + round(i.untaxed * 0.13, 2)) END,
       CASE WHEN v.paid THEN 'paid' ELSE 'not_paid' END, 'no',
       CASE WHEN i.refund THEN 'RINV/BENCH/' ELSE 'INV/BENCH/' END, i.n,
       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
  FROM bench_invoice i,
       LATERAL (SELECT CASE WHEN i.refund THEN -1 ELSE 1 END AS sign,
                       (i.invoice_date < current_date - 60 AND i.paid_draw < 0.97)
                       OR i.refund AS paid) v
"""

# Three lines per invoice: product (income), tax, receivable (payment term).
LINES = """
INSERT INTO account_move_line (move_id, move_name, date, invoice_date, parent_state, journal_id,
                               company_id, company_currency_id, currency_id, account_id,
                               partner_id, name, display_type, sequence, quantity, price_unit,
                               price_subtotal, price_total, discount, balance, debit, credit,
                               amount_currency, amount_residual, amount_residual_currency,
                               reconciled, date_maturity, create_uid, write_uid, create_date,
                               write_date)
SELECT m.id, m.name, m.date, m.invoice_date, 'posted', m.journal_id, m.company_id,
       m.currency_id, m.currency_id,
       CASE k WHEN 1 THEN %(income_id)s WHEN 2 THEN %(tax_id)s ELSE %(receivable_id)s END,
       m.commercial_partner_id,
       CASE k WHEN 1 THEN '货品' WHEN 2 THEN '增值税 13%%' ELSE m.name END,
       CASE k WHEN 1 THEN 'product' WHEN 2 THEN 'tax' ELSE 'payment_term' END,
       k * 10, 1,
       CASE k WHEN 1 THEN m.amount_untaxed ELSE 0 END,
       CASE k WHEN 1 THEN m.amount_untaxed ELSE 0 END,
       CASE k WHEN 1 THEN m.amount_total ELSE 0 END,
       0,
       b.balance, GREATEST(b.balance, 0), GREATEST(-b.balance, 0), b.balance,
       CASE WHEN k = 3 THEN m.amount_residual_signed ELSE 0 END,
       CASE WHEN k = 3 THEN m.amount_residual_signed ELSE 0 END,
       k = 3 AND m.payment_state = 'paid',
       CASE WHEN k = 3 THEN m.invoice_date_due END,
       m.create_uid, m.write_uid, m.create_date, m.write_date
  FROM account_move m
 CROSS JOIN generate_series(1, 3) k
 CROSS JOIN LATERAL (SELECT CASE k WHEN 1 THEN -m.amount_untaxed_signed
                                   WHEN 2 THEN -m.amount_tax_signed
                                   ELSE m.amount_total_signed END AS balance) b
 WHERE m.id > %(base)s AND m.ref LIKE 'BENCH-%%'
"""

# One active dossier of the main company per generated customer.
DOSSIERS = """
INSERT INTO customer_archive (name, partner_id, company_id, state, user_id, date_open,
                              confidentiality, active, currency_id, create_uid, write_uid,
                              create_date, write_date)
SELECT 'KH-BENCH-' || lpad(p.id::text, 8, '0'), p.id, %(company_id)s, 'active', %(uid)s,
       current_date, 'normal', true, %(currency_id)s,
       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
  FROM res_partner p
 WHERE p.name LIKE '基准客户 %%'
"""


def generate(env, args):
    cr = env.cr
    params = accounts(env)
    invoices = -(-args.lines // 3)
    params.update(customers=args.customers, invoices=invoices)
    steps = []

    def step(label, query):
        started = time.monotonic()
        cr.execute(query, params)
        steps.append((label, cr.rowcount, time.monotonic() - started))
        print(f"  {label}: {cr.rowcount} rows in {steps[-1][2]:.1f} s", flush=True)

    cr.execute("SELECT setseed(0.42)")
    step("customers (res_partner)", PARTNERS)
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL"
    )
    step("invoice draws", INVOICES)
    cr.execute("SELECT COALESCE(max(id), 0) FROM account_move")
    params["base"] = cr.fetchone()[0]
    step("invoices (account_move)", MOVES)
    cr.execute("SELECT setval('account_move_id_seq', (SELECT max(id) FROM account_move))")
    step("invoice lines (account_move_line)", LINES)
    cr.execute("DROP TABLE bench_invoice")
    if args.dossiers:
        step("dossiers (customer_archive)", DOSSIERS)
    return steps


def main():
    args = parse_args()
    args.addons_path = args.addons_path or default_addons_path()
    started = time.monotonic()
    if args.create:
        print(f"Creating {args.db} with customer_archive installed...", flush=True)
        create_database(args)
    created = time.monotonic()

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    odoo.tools.config.parse_config(["-d", args.db, "--addons-path", args.addons_path])
    registry = odoo.modules.registry.Registry(args.db)
    print(f"Generating {args.customers} customers and {args.lines} invoice lines...", flush=True)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        generate(env, args)
        cr.commit()
    generated = time.monotonic()
    with registry.cursor() as cr:
        cr.execute("ANALYZE res_partner, account_move, account_move_line, customer_archive")
    analyzed = time.monotonic()
    print(
        f"Generation: {generated - created:.1f} s (database creation {created - started:.1f} s, "
        f"ANALYZE {analyzed - generated:.1f} s)"
    )


if __name__ == "__main__":
    main()
