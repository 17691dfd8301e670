#!/usr/bin/env python3
"""Time what the dossier record rules cost each role, and what the archive adds to the partner form.

    python3 bench/bench_access.py --db classif_bench [--addons-path ...] [--repeat 9]
    python3 bench/bench_access.py --db AFTER_DB --addons-path AFTER_PATH \\
        --before-db BEFORE_DB --before-addons-path BEFORE_PATH [--rounds 3]

Runs on a database made by ``generate_bench_data.py --dossiers`` (one dossier per
customer). It first makes sure of two users (committed, the same on every copy of the
database): ``bench_reader``, a reader who is the salesperson of every hundredth
generated customer (about 1 %), and ``bench_officer``, an archive officer; the third
role is the administrator. Then, in one process, through the ORM as each user
(``env(user=uid)``), with warm caches (the record cache emptied before each try, the
rules and views cached as in a running server), interleaved, ``--repeat`` times:

- dossier ``search_count([])``;
- a list page: ``web_search_read`` of 80 dossiers with the list view's fields;
- a dossier form: ``web_read`` of one of the reader's dossiers with the form's fields;
- the consultation log row a dossier form open writes (``_log`` and its flush), as the
  reader, against his whole dossier form;
- as the reader, the partner form of one of his customers: ``web_read`` with the fields
  of the partner form as the reader gets it (``get_views``), against the same form
  without the fields this addon defines, and against the same form with the
  classification only (the fields read through the customer's row, and the "why").

It prints best and median in ms and the ratios to the administrator (dossier
operations) and to the plain partner form. With ``--before-db`` it runs itself on both
databases, alternating ``--rounds`` times (each round a fresh process per database, the
addon cannot be imported twice in one process), and prints both side by side: the
"before" database carries the code of ``main`` (the addon exported into another addons
path), the other one the code under test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLES = ("admin", "officer", "reader")
DOSSIER_OPS = ("count", "list", "form")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="classif_bench")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--before-db", help="compare with this database (main's code)")
    parser.add_argument("--before-addons-path")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print raw times as JSON")
    return parser.parse_args()


def default_addons_path():
    import odoo  # noqa: PLC0415

    odoo_root = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = [ROOT, os.path.join(odoo_root, "addons"), os.path.join(odoo_root, "..", "addons")]
    return ",".join(paths)


def ensure_users(env):
    """The reader (salesperson of every hundredth generated customer) and the officer."""
    users = {"admin": env.ref("base.user_admin")}
    groups = {
        "reader": env.ref("customer_archive.group_reader"),
        "officer": env.ref("customer_archive.group_officer"),
    }
    for role, group in groups.items():
        login = f"bench_{role}"
        user = env["res.users"].search([("login", "=", login)])
        if not user:
            user = (
                env["res.users"]
                .with_context(no_reset_password=True, tracking_disable=True)
                .create(
                    {
                        "name": f"Bench {role.title()}",
                        "login": login,
                        "groups_id": [(6, 0, [env.ref("base.group_user").id, group.id])],
                    }
                )
            )
        users[role] = user
    env.cr.execute(
        """SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
                             FROM res_partner WHERE name LIKE %s) p
            WHERE n %% 100 = 0""",
        ["基准客户 %"],
    )
    customers = env["res.partner"].browse(row[0] for row in env.cr.fetchall())
    mine = customers.filtered(lambda partner: partner.user_id != users["reader"])
    if mine:
        mine.with_context(tracking_disable=True).write({"user_id": users["reader"].id})
    env.cr.commit()
    return users, customers


def view_spec(model, view_type):
    """The fields specification the web client sends for the model's default view."""
    views = model.get_views([(False, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    return _arch_spec(model, arch)


def _arch_spec(model, node):
    spec = {}
    for child in node.iterchildren(tag=etree.Element):
        if child.tag != "field":
            spec.update(_arch_spec(model, child))
            continue
        name = child.get("name")
        field = model._fields.get(name)
        if field is None:
            continue
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            comodel = model.env[field.comodel_name]
            sub = {}
            for view in child.iterchildren("list", "kanban"):
                sub.update(_arch_spec(comodel, view))
            spec[name] = {"fields": sub or {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def timed(env, func):
    env.invalidate_all()
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def measure(args):
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            "-d",
            args.db,
            "--addons-path",
            args.addons_path or default_addons_path(),
            "--log-level",
            "warn",
        ]
    )
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        root = api.Environment(cr, SUPERUSER_ID, {})
        users, customers = ensure_users(root)
        customer = customers[len(customers) // 2]
        dossier = root["customer.archive"].search([("partner_id", "=", customer.id)])
        envs = {role: root(user=user.id, su=False) for role, user in users.items()}
        Partner = envs["reader"]["res.partner"]
        partner_full = view_spec(Partner, "form")
        partner_plain = {
            name: spec
            for name, spec in partner_full.items()
            if Partner._fields[name]._module != "customer_archive"
        }
        ops = {}
        for role, env in envs.items():
            Archive = env["customer.archive"]
            list_spec, form_spec = view_spec(Archive, "list"), view_spec(Archive, "form")
            ops[("count", role)] = lambda Archive=Archive: Archive.search_count([])
            ops[("list", role)] = lambda Archive=Archive, spec=list_spec: Archive.web_search_read(
                [], spec, limit=80, count_limit=10001
            )
            ops[("form", role)] = lambda Archive=Archive, spec=form_spec: Archive.browse(
                dossier.id
            ).web_read(spec)
        reader_dossier = envs["reader"]["customer.archive"].browse(dossier.id)
        Log = envs["reader"]["customer.archive.access.log"]

        def write_log():
            Log._log(reader_dossier, "form")
            Log.flush_model()

        ops[("log", "reader")] = write_log
        ops[("partner", "full")] = lambda: Partner.browse(customer.id).web_read(partner_full)
        ops[("partner", "plain")] = lambda: Partner.browse(customer.id).web_read(partner_plain)
        # the plain form with the classification only: the fields read through the
        # customer's row, and the "why" text made of them
        partner_classified = dict(partner_plain)
        partner_classified.update(
            (name, spec)
            for name, spec in partner_full.items()
            if (Partner._fields[name].related or "").startswith("customer_classification_id.")
            or name == "customer_classification_why"
        )
        ops[("partner", "classified")] = lambda: Partner.browse(customer.id).web_read(
            partner_classified
        )
        # the reader sees exactly his customers' dossiers
        seen = envs["reader"]["customer.archive"].search_count([])
        assert seen == len(customers), (seen, len(customers))
        assert Partner.browse(customer.id).customer_archive_id == dossier
        for func in ops.values():  # warm the rules', views' and registry's caches
            timed(root, func)
        times = {f"{op}/{who}": [] for op, who in ops}
        for _rep in range(args.repeat):
            for (op, who), func in ops.items():
                times[f"{op}/{who}"].append(timed(root, func))
        cr.rollback()
    return times


def summary(times):
    return {key: (min(values), statistics.median(values)) for key, values in times.items()}


def table(columns):
    """Markdown rows: per operation and role, best / median and the ratio, per column."""
    head = "| operation | " + " | ".join(f"{name} best / median | ratio" for name in columns) + " |"
    lines = [head, "|---|" + "---|---|" * len(columns)]

    def row(label, key, reference):
        cells = []
        for stats in columns.values():
            best, median = stats[key]
            ratio = best / stats[reference][0]
            cells.append(f"{best:.1f} / {median:.1f} ms | {ratio:.2f}×")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    names = {"count": "dossier count", "list": "list page (80)", "form": "dossier form"}
    for op in DOSSIER_OPS:
        for role in ROLES:
            row(f"{names[op]}, {role}", f"{op}/{role}", f"{op}/admin")
    row("consultation log row of a form open, reader", "log/reader", "form/reader")
    row("partner form, reader, plain", "partner/plain", "partner/plain")
    row("partner form, reader, with the classification only", "partner/classified", "partner/plain")
    row("partner form, reader, with the archive", "partner/full", "partner/plain")
    return "\n".join(lines)


def run_child(db, addons_path, repeat):
    command = [sys.executable, __file__, "--db", db, "--repeat", str(repeat), "--json"]
    if addons_path:
        command += ["--addons-path", addons_path]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    args = parse_args()
    if not args.before_db:
        times = measure(args)
        if args.json:
            print(json.dumps(times))
        else:
            print(table({args.db: summary(times)}))
        return
    merged = {"before": {}, "after": {}}
    sides = {
        "before": (args.before_db, args.before_addons_path),
        "after": (args.db, args.addons_path),
    }
    for round_ in range(args.rounds):
        for side, (db, path) in sides.items():
            print(f"round {round_ + 1}: {side} ({db})", file=sys.stderr, flush=True)
            for key, values in run_child(db, path, args.repeat).items():
                merged[side].setdefault(key, []).extend(values)
    print(table({side: summary(times) for side, times in merged.items()}))


if __name__ == "__main__":
    main()
