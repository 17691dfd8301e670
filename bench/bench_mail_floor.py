#!/usr/bin/env python3
"""What mail's ORM alone costs for the notes and reminders of a classification run.

    python3 bench/bench_mail_floor.py --db customer_archive_bench [--addons-path ...]
        [--notes 25430] [--values 30175] [--reminders 10425]

On a database made by ``generate_bench_data.py``, in one process, side by side (best of
3 each, every try rolled back):

1. the SQL aggregate of ``run_benchmark.py`` (the reference of the speed targets);
2. ``--notes`` chatter notes on as many customers, made as the recompute makes them:
   ``_message_log_batch`` a page of 5 000 at a time, then ``--values`` tracking values
   (``mail.tracking.value.create``) spread over them — nothing else of the run;
3. ``--reminders`` activities on as many customers, made as the recompute's purchase
   reminders are (``mail.activity.create``, quick update, the salesperson subscribed).

The defaults are what a month later and a first classification create on 100 000
customers (bench/README.md). The ratios tell how far under the targets the run can get
while its notes and reminders go through mail's ORM, whatever the classification's own
code does.
"""

import argparse
import os
import sys
import time

from odoo import fields

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_benchmark import superuser_env, time_reference

PAGE = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="customer_archive_bench")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--notes", type=int, default=25430)
    parser.add_argument("--values", type=int, default=30175)
    parser.add_argument("--reminders", type=int, default=10425)
    return parser.parse_args()


def clock():
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def customers(env, count):
    env.cr.execute(
        "SELECT id FROM res_partner WHERE customer_rank > 0 ORDER BY id LIMIT %s", [count]
    )
    return env["res.partner"].browse([row[0] for row in env.cr.fetchall()])


def make_notes(env, partners, values_count):
    field = env["ir.model.fields"]._get("res.partner", "customer_loyalty")
    messages = env["mail.message"]
    for start in range(0, len(partners), PAGE):
        page = partners[start : start + PAGE]
        messages |= page._message_log_batch(dict.fromkeys(page.ids, ""))
    values = [
        {
            "mail_message_id": messages[index % len(messages)].id,
            "field_id": field.id,
            "old_value_char": "忠诚",
            "new_value_char": "一般",
        }
        for index in range(values_count)
    ]
    for start in range(0, len(values), PAGE):
        env["mail.tracking.value"].sudo().create(values[start : start + PAGE])
    env.flush_all()


def make_reminders(env, partners):
    activity_type = env.ref("customer_archive.mail_activity_type_purchase_cycle")
    model_id = env["ir.model"]._get_id("res.partner")
    user = env.ref("base.user_admin")
    partners.mapped("display_name")
    vals_list = [
        {
            "res_model_id": model_id,
            "res_id": partner.id,
            "activity_type_id": activity_type.id,
            "user_id": partner.user_id.id or user.id,
            "date_deadline": fields.Date.today(),
            "summary": "询问客户是否有新订单",
        }
        for partner in partners
    ]
    Activity = env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
    for start in range(0, len(vals_list), PAGE):
        Activity.create(vals_list[start : start + PAGE])
    env.flush_all()


def best_of(env, func, tries=3):
    times = []
    for _ in range(tries):
        env.invalidate_all()
        started = clock()
        func()
        times.append(clock() - started)
        env.cr.rollback()
    return min(times)


def main():
    args = parse_args()
    with superuser_env(args.db, args.addons_path) as env:
        policy = env["customer.classification.policy"]._get_company_policy(
            env.ref("base.main_company")
        )
        time_reference(env, policy)  # warm
        sql = min(time_reference(env, policy)[0] for _ in range(5))
        noted = customers(env, args.notes)
        reminded = customers(env, args.reminders)
        notes = best_of(env, lambda: make_notes(env, noted, args.values))
        reminders = best_of(env, lambda: make_reminders(env, reminded))
        # a second aggregate, after: the machine is shared, the ratio uses the better
        sql = min(sql, *(time_reference(env, policy)[0] for _ in range(3)))
    print(f"SQL aggregate (best of 8):                  {sql:6.2f} s   1.0x")
    print(
        f"{len(noted)} notes, {args.values} tracking values: "
        f"{notes:6.2f} s {notes / sql:5.1f}x  ({notes / len(noted) * 1000:.2f} ms a note)"
    )
    print(
        f"{len(reminded)} reminders (activities):      "
        f"{reminders:6.2f} s {reminders / sql:5.1f}x  "
        f"({reminders / len(reminded) * 1000:.2f} ms a reminder)"
    )


if __name__ == "__main__":
    main()
