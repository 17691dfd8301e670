#!/usr/bin/env python3
"""Time the classification analysis as a manager opens it: its pivots and graphs.

    python3 bench/bench_analysis.py --db customer_archive_bench [--addons-path ...] [--repeat 5]

Runs on a database made by ``generate_bench_data.py`` and classified
(``run_benchmark.py`` leaves it so). For every window action of the Analysis menu
(分析), through the ORM as the benchmark manager (``bench_manager``, made here and
committed), with warm caches, it reads what the web client reads when the action
opens: the ``read_group`` of its pivot (rows and columns of the action's context or of
the view, with the view's measures) and of its graph. Prints best and median in ms.
Target of issue 23: each under 1 s at 100 000 customers.
"""

import argparse
import os
import statistics
import sys
import time

from lxml import etree

from odoo.tools.safe_eval import safe_eval

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_benchmark import superuser_env


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="customer_archive_bench")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def ensure_manager(env):
    user = env["res.users"].search([("login", "=", "bench_manager")])
    if not user:
        user = env["res.users"].create(
            {
                "name": "Bench Manager",
                "login": "bench_manager",
                "groups_id": [(4, env.ref("customer_archive.group_manager").id)],
            }
        )
    env.cr.commit()
    return user


def reads(env, action):
    """The read_group calls of the action's pivot and graph, as the web client makes them."""
    Model = env[action.res_model]
    domain = safe_eval(action.domain or "[]", {"uid": env.uid})
    context = safe_eval(action.context or "{}", {"uid": env.uid})
    # the action's own pivot and graph views, else the model's default ones
    own = {view.view_mode: view.view_id.id for view in action.view_ids}
    views = Model.get_views(
        [(own.get("pivot", False), "pivot"), (own.get("graph", False), "graph")]
    )["views"]
    calls = []
    for mode in ("pivot", "graph"):
        arch = etree.fromstring(views[mode]["arch"])
        measures = [
            f"{node.get('name')}:sum" for node in arch.xpath("//field[@type='measure']")
        ] or ["__count"]
        if mode == "pivot":
            rows = context.get("pivot_row_groupby") or [
                n.get("name") for n in arch.xpath("//field[@type='row']")
            ]
            cols = context.get("pivot_column_groupby") or [
                n.get("name") for n in arch.xpath("//field[@type='col']")
            ]
            groupby = (rows[:1] + cols[:1]) or []
        else:
            groupby = context.get("graph_groupbys") or [
                f"{n.get('name')}:{n.get('interval')}" if n.get("interval") else n.get("name")
                for n in arch.xpath("//field[not(@type='measure')]")
            ]
            groupby = groupby[:2]
        groupby = [
            f"{name}:month"
            if Model._fields[name.split(":")[0]].type in ("date", "datetime") and ":" not in name
            else name
            for name in groupby
        ]
        calls.append((mode, groupby, measures))
    return Model, domain, calls


def main():
    args = parse_args()
    with superuser_env(args.db, args.addons_path) as root:
        cr = root.cr
        manager = ensure_manager(root)
        env = root(user=manager.id, context={"tz": "Asia/Shanghai"})
        cr.execute("SELECT count(*) FROM customer_classification")
        print(f"{cr.fetchone()[0]} classification rows")
        menu = env.ref("customer_archive.customer_archive_analysis_menu")
        menus = env["ir.ui.menu"].search([("parent_id", "child_of", menu.id)])
        # the actions as the menu lists them (reading them is the administrator's)
        actions = [
            m.action.sudo() for m in menus if m.action and m.action._name == "ir.actions.act_window"
        ]
        print(f"{'action':<40} | {'view':<5} | {'group by':<40} | {'best ms':>8} | {'median':>8}")
        for action in actions:
            Model, domain, calls = reads(env, action)
            for mode, groupby, measures in calls:
                times = []
                for _ in range(args.repeat):
                    env.invalidate_all()
                    started = time.perf_counter()
                    Model.read_group(domain, measures, groupby, lazy=False)
                    times.append((time.perf_counter() - started) * 1000)
                print(
                    f"{action.name[:40]:<40} | {mode:<5} | "
                    f"{','.join(groupby)[:40]:<40} | {min(times):8.1f} | "
                    f"{statistics.median(times):8.1f}"
                )
        cr.rollback()


if __name__ == "__main__":
    main()
