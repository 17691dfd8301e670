#!/usr/bin/env python3
"""Load and fault test: many clients over JSON-RPC while the crons run, then a killed worker.

    python3 bench/bench_load.py --db classif_bench [--clients 20] [--seconds 120]
        [--fault-seconds 90] [--port 8269] [--addons-path ...]

Runs on a database made by ``generate_bench_data.py --dossiers`` (100 000 customers,
each with a dossier), on loopback only, bounded in time:

1. Set-up (committed, idempotent): ten readers ``load_reader_N``, each the salesperson of
   one customer in a hundred, two officers ``load_officer_N``, a manager; 300 loans handed
   out through their workflow and then overdue; the classification run once if it never
   ran. The web client's field specifications of the partner form (as a reader) and of
   the dossier list and form are taken from ``get_views``.
2. An Odoo server with ``--workers 2`` and two cron workers on that database.
3. Load: ``--clients`` threads (half readers, half officers) log in over
   ``/web/session/authenticate`` and, for ``--seconds``, open partner forms, dossier
   forms and dossier list pages over ``/web/dataset/call_kw`` — a reader also tries, one
   time in ten, a dossier that is not his, which must be refused — while the
   classification cron (20 000 customers' stored results made stale first, so that it
   rewrites and logs them) and the loan-reminder cron run. Each reader also opens the
   partner form without this addon's fields, to compare with. Prints the requests
   served, the errors (apart from the intended refusals) and p50/p95 per operation.
4. Fault: the same two crons again under the same load; once the classification runs,
   the cron worker running it is killed with SIGKILL, and one HTTP worker too. Odoo's
   master starts new workers, the job runs again. Then the checks: the classification
   is correct (a new recompute in a rolled-back transaction changes nothing), every
   made-stale customer has exactly one tracking message of the fault phase, no
   activity is duplicated, and the consultation log has exactly one row per dossier
   form the clients were served (none for the refused ones, none twice).

Exit code 1 when a check fails or an unintended error occurred.
"""

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import zlib
from datetime import timedelta

import psycopg2
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_access import default_addons_path, view_spec
from load_server import Server

READERS = 10
OFFICERS = 2
LOANS = 300
STALE = 20000
PASSWORD = "bench-load-password"
CRONS = (
    "customer_archive.ir_cron_customer_classification",
    "customer_archive.customer_archive_loan_cron",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="classif_bench")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--fault-seconds", type=int, default=90)
    parser.add_argument("--port", type=int, default=8269)
    parser.add_argument("--timeout", type=int, default=900, help="bound of every wait")
    return parser.parse_args()


# ----------------------------------------------------------------- set-up (ORM)
def open_registry(args):
    """The database's registry in this process; the configuration is parsed once (a
    second ``parse_config`` fails), the registry reloaded if the server changed it."""
    import odoo  # noqa: PLC0415

    if odoo.tools.config["db_name"] != args.db:
        odoo.tools.config.parse_config(
            ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"]
        )
    return odoo.modules.registry.Registry(args.db).check_signaling()


def ensure_user(env, login, name, groups):
    user = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
    values = {
        "groups_id": [(6, 0, [env.ref(group).id for group in ("base.group_user", *groups)])],
        "password": PASSWORD,
        "lang": "zh_CN",
        "tz": "Asia/Shanghai",
        "active": True,
    }
    if user:
        user.write(values)
        return user
    return (
        env["res.users"]
        .with_context(no_reset_password=True, tracking_disable=True)
        .create({"login": login, "name": name, **values})
    )


def setup(args):
    """Users, their customers, overdue loans and a first classification; committed."""
    from odoo import SUPERUSER_ID, api, fields  # noqa: PLC0415

    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if not env["res.lang"]._lang_get("zh_CN"):
            env["res.lang"]._activate_lang("zh_CN")
        readers = [
            ensure_user(env, f"load_reader_{n}", f"业务员{n}", ["customer_archive.group_reader"])
            for n in range(READERS)
        ]
        officers = [
            ensure_user(env, f"load_officer_{n}", f"档案员{n}", ["customer_archive.group_officer"])
            for n in range(OFFICERS)
        ]
        manager = ensure_user(env, "load_manager", "经理", ["customer_archive.group_manager"])
        cr.execute(
            """SELECT id, n FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
                                    FROM res_partner WHERE name LIKE %s) p
                WHERE n %% 100 < %s""",
            ["基准客户 %", READERS],
        )
        mine = {reader: [] for reader in readers}
        for partner_id, n in cr.fetchall():
            mine[readers[n % 100]].append(partner_id)
        Partner = env["res.partner"]
        for reader, partner_ids in mine.items():
            partners = Partner.browse(partner_ids).filtered(lambda p, r=reader: p.user_id != r)
            partners.write({"user_id": reader.id})
        Archive = env["customer.archive"]
        dossiers = {
            reader.login: Archive.search([("partner_id", "in", partner_ids)]).ids
            for reader, partner_ids in mine.items()
        }
        # overdue loans of customers that are not theirs, handed out through their
        # workflow (the due date is then moved into the past by SQL: the workflow
        # refuses a due date in the past)
        others = Archive.search([("partner_id.user_id", "=", False)], limit=LOANS + 500).ids
        Loan = env["customer.archive.loan"]
        have = Loan.search_count([("purpose", "=", "负载测试")])
        today = fields.Date.today()
        for n in range(have, LOANS):
            reader = readers[n % READERS]
            loan = Loan.with_user(reader).create(
                {
                    "archive_id": others[n],
                    "purpose": "负载测试",
                    "kind": "borrow",
                    "scope": "full",
                    "date_due": today + timedelta(days=7),
                }
            )
            loan.action_submit()
            loan.with_user(manager).action_approve()
            loan.with_user(officers[0]).action_hand_out()
        cr.execute(
            "UPDATE customer_archive_loan SET date_due = %s WHERE purpose = '负载测试'",
            [today - timedelta(days=3)],
        )
        env["customer.archive.loan"].invalidate_model()
        policy = env["customer.classification.policy"].search([("company_id", "=", env.company.id)])
        if not policy.last_run_count:
            print("first classification of the 100 000 customers...", flush=True)
            policy._recompute_classification()
        cr.commit()
        reader_env = env(user=readers[0].id, su=False)
        Partner, ArchiveR = reader_env["res.partner"], reader_env["customer.archive"]
        partner_full = view_spec(Partner, "form")
        specs = {
            "partner_full": partner_full,
            "partner_plain": {
                name: spec
                for name, spec in partner_full.items()
                if Partner._fields[name]._module != "customer_archive"
            },
            "list": view_spec(ArchiveR, "list"),
            "form": view_spec(ArchiveR, "form"),
        }
        cr.rollback()
        return {
            "company_id": env.company.id,
            "readers": {r.login: {"uid": r.id, "partners": mine[r]} for r in readers},
            "dossiers": dossiers,
            "officers": [o.login for o in officers],
            "others": others[LOANS:],
            "specs": specs,
            "cron_ids": [env.ref(xmlid).id for xmlid in CRONS],
        }


# ----------------------------------------------------------------- clients
class Client(threading.Thread):
    def __init__(self, load, login, role, work):
        super().__init__(daemon=True)
        self.load, self.login, self.role, self.work = load, login, role, work
        self.session = requests.Session()
        self.results = []  # (phase, op, seconds, outcome)
        self.rng = random.Random(login + role + str(id(self)))

    def call(self, model, method, args, kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {**kwargs, "context": self.context},
            },
        }
        response = self.session.post(
            f"{self.load.url}/web/dataset/call_kw/{model}/{method}", json=payload, timeout=300
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            name = answer["error"].get("data", {}).get("name", "")
            return "refused" if name.endswith("AccessError") else f"error: {name}"
        return "ok"

    def authenticate(self):
        answer = self.session.post(
            f"{self.load.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": self.load.db, "login": self.login, "password": PASSWORD},
            },
            timeout=600,
        ).json()
        if "result" not in answer:
            raise RuntimeError(f"login of {self.login} failed: {answer.get('error')}")
        uid = answer["result"]["uid"]
        self.context = {
            "lang": "zh_CN",
            "tz": "Asia/Shanghai",
            "uid": uid,
            "allowed_company_ids": [self.load.company_id],
        }

    def run(self):
        specs = self.load.specs
        while not self.load.stopped.is_set():
            roll = self.rng.random()
            if self.role == "reader" and roll < 0.1:
                op, model, method, args, kwargs = (
                    "form (not his)",
                    "customer.archive",
                    "web_read",
                    [[self.rng.choice(self.load.others)]],
                    {"specification": specs["form"]},
                )
            elif roll < 0.45:
                partner = self.rng.choice(self.work["partners"])
                plain = self.role == "reader" and self.rng.random() < 0.3
                op = "partner form, plain" if plain else "partner form"
                model, method = "res.partner", "web_read"
                args = [[partner]]
                kwargs = {"specification": specs["partner_plain" if plain else "partner_full"]}
            elif roll < 0.8:
                op, model, method = "dossier form", "customer.archive", "web_read"
                args = [[self.rng.choice(self.work["dossiers"])]]
                kwargs = {"specification": specs["form"]}
            else:
                op, model, method, args = "dossier list", "customer.archive", "web_search_read", []
                kwargs = {
                    "domain": [],
                    "specification": specs["list"],
                    "offset": 80 * self.rng.randrange(10),
                    "limit": 80,
                    "count_limit": 10001,
                }
            started = time.perf_counter()
            try:
                outcome = self.call(model, method, args, kwargs)
            except (requests.RequestException, ValueError) as error:
                outcome = f"error: {type(error).__name__}"
            self.results.append((self.load.phase, op, time.perf_counter() - started, outcome))


class Load:
    def __init__(self, url, db, company_id, specs, others):
        self.url, self.db, self.company_id = url, db, company_id
        self.specs, self.others = specs, others
        self.phase = "load"
        self.stopped = threading.Event()


# ----------------------------------------------------------------- database checks
def connect(db):
    connection = psycopg2.connect(dbname=db)
    connection.autocommit = True
    return connection


def query(connection, sql, params=()):
    with connection.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall() if cr.description else None


def make_stale_and_trigger(connection, info):
    """Give 20 000 customers a wrong grade and drop their stored fingerprint (the
    recompute compares fingerprints, not figures: so it rewrites and logs them) and
    make both crons due now; returns the customers made stale (none would be a failed
    check: the fault phase must have work to interrupt)."""
    rows = query(
        connection,
        """SELECT c.partner_id FROM customer_classification c
             JOIN res_partner p ON p.id = c.partner_id
            WHERE p.name LIKE '基准客户 %%' AND c.company_id = %s
              AND c.customer_grade IN ('a', 'b', 'c')
            ORDER BY md5(c.partner_id::text || now()::text) LIMIT %s""",
        [info["company_id"], STALE],
    )
    stale = [row[0] for row in rows]
    if not stale:
        raise RuntimeError("no classified customer to make stale: run the classification")
    query(
        connection,
        """UPDATE customer_classification
              SET customer_grade = 'd', customer_classification_hash = NULL
            WHERE company_id = %s AND partner_id = ANY(%s)""",
        [info["company_id"], stale],
    )
    query(
        connection,
        """UPDATE ir_cron SET active = true,
                  nextcall = (now() AT TIME ZONE 'UTC') - interval '1 minute'
            WHERE id = ANY(%s)""",
        [info["cron_ids"]],
    )
    query(connection, "NOTIFY cron_trigger, %s", [connection.info.dbname])
    return stale


def lastcalls(connection, info):
    rows = query(
        connection, "SELECT id, lastcall FROM ir_cron WHERE id = ANY(%s)", [info["cron_ids"]]
    )
    return dict(rows)


def classification_backend(connection):
    """The backend holding the classification's advisory lock (the key of
    ``customer_classification_policy.LOCK_KEY``) in this database, if it runs."""
    rows = query(
        connection,
        """SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = %s
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND a.datname = current_database() AND a.application_name LIKE 'odoo-%%'""",
        [zlib.crc32(b"customer.classification.policy") & 0x7FFFFFFF],
    )
    return rows[0][0] if rows else None


def wait_crons_done(connection, info, since, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = lastcalls(connection, info)
        if all(call and call >= since for call in calls.values()):
            return True
        time.sleep(2)
    return False


# ----------------------------------------------------------------- report
def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(results, phase, seconds):
    rows = [r for r in results if r[0] == phase]
    by_op = {}
    for _phase, op, took, outcome in rows:
        by_op.setdefault(op, []).append((took, outcome))
    served = sum(1 for r in rows if r[3] in ("ok", "refused"))
    errors = [r for r in rows if r[3] not in ("ok", "refused")]
    print(f"\n## {phase}: {len(rows)} requests in {seconds:.0f} s ({served / seconds:.1f}/s)")
    print("| operation | served | refused | errors | p50 | p95 |")
    print("|---|---|---|---|---|---|")
    for op, items in sorted(by_op.items()):
        times = [took * 1000 for took, outcome in items if outcome in ("ok", "refused")]
        ok = sum(1 for _t, outcome in items if outcome == "ok")
        refused = sum(1 for _t, outcome in items if outcome == "refused")
        bad = len(items) - ok - refused
        p50 = f"{statistics.median(times):.0f} ms" if times else "-"
        p95 = f"{percentile(times, 0.95):.0f} ms" if times else "-"
        print(f"| {op} | {ok} | {refused} | {bad} | {p50} | {p95} |")
    kinds = {}
    for r in errors:
        kinds[r[3]] = kinds.get(r[3], 0) + 1
    print(f"errors apart from intended refusals: {len(errors)} {kinds or ''}")
    return errors


class Bench:
    """The server, the clients of each phase, and the checks after the kill."""

    def __init__(self, args, info, server):
        self.args, self.info, self.server = args, info, server
        self.connection = connect(args.db)
        self.results, self.failures = [], []

    def now(self):
        return query(self.connection, "SELECT now() AT TIME ZONE 'UTC'")[0][0]

    def start_clients(self, phase):
        info = self.info
        load = Load(
            self.server.url, self.args.db, info["company_id"], info["specs"], info["others"]
        )
        load.phase = phase
        clients = []
        readers = list(info["readers"].items())
        officer_work = {
            "partners": [p for r in info["readers"].values() for p in r["partners"]],
            "dossiers": [d for ids in info["dossiers"].values() for d in ids],
        }
        for n in range(self.args.clients):
            if n % 2 == 0:
                login, reader = readers[(n // 2) % len(readers)]
                work = {"partners": reader["partners"], "dossiers": info["dossiers"][login]}
                clients.append(Client(load, login, "reader", work))
            else:
                login = info["officers"][(n // 2) % len(info["officers"])]
                clients.append(Client(load, login, "officer", officer_work))
        for client in clients:  # logged in before the clock starts
            client.authenticate()
        for client in clients:
            client.start()
        return load, clients

    def stop_clients(self, load, clients):
        load.stopped.set()
        for client in clients:
            client.join(330)
        self.results += [r for client in clients for r in client.results]

    def load_phase(self):
        """Clients for ``--seconds`` while both crons run."""
        load, clients = self.start_clients("load")
        start = self.now()
        make_stale_and_trigger(self.connection, self.info)
        began = time.monotonic()
        time.sleep(self.args.seconds)
        self.stop_clients(load, clients)
        seconds = time.monotonic() - began
        finished = wait_crons_done(self.connection, self.info, start, 0)
        print(f"crons of the load phase finished within it: {finished}")
        wait_crons_done(self.connection, self.info, start, self.args.timeout)
        return seconds

    def fault_phase(self):
        """Both crons again under load; the cron worker running the classification and
        one HTTP worker killed; returns the phase's length, the customers made stale and
        when it began."""
        since = self.now()  # before the first request of the phase
        load, clients = self.start_clients("fault")
        began = time.monotonic()
        stale = make_stale_and_trigger(self.connection, self.info)
        deadline = time.monotonic() + self.args.timeout
        while (
            classification_backend(self.connection) is None
            or (pid := self.server.running_job(self.info["cron_ids"][0])) is None
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("the classification cron did not start")
            time.sleep(0.5)
        time.sleep(5)
        http = [p for p in self.server.workers("WorkerHTTP") if p != pid]
        print(f"killing the cron worker {pid} running the classification", flush=True)
        os.kill(pid, signal.SIGKILL)
        if http:
            print(f"killing the HTTP worker {http[0]}", flush=True)
            os.kill(http[0], signal.SIGKILL)
        done = wait_crons_done(self.connection, self.info, since, self.args.timeout)
        remaining = self.args.fault_seconds - (time.monotonic() - began)
        if remaining > 0:
            time.sleep(remaining)
        self.stop_clients(load, clients)
        if not done:
            self.failures.append("the crons did not finish after the kill")
        print(f"crons finished after the kill: {done}")
        return time.monotonic() - began, stale, since

    def check_classification(self):
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415

        registry = open_registry(self.args)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            policy = env["customer.classification.policy"].search(
                [("company_id", "=", self.info["company_id"])]
            )
            policy._recompute_classification()
            changed = policy.last_run_changed
            cr.rollback()
        print(f"- a new recompute after the fault changes {changed} customers (expected 0)")
        if changed:
            self.failures.append(f"classification not correct after the kill: {changed} changed")

    def check_messages(self, stale, since):
        rows = query(
            self.connection,
            """SELECT m.res_id, count(*) FROM mail_message m
                 JOIN mail_tracking_value v ON v.mail_message_id = m.id
                 JOIN ir_model_fields f ON f.id = v.field_id AND f.name = 'customer_grade'
                WHERE m.model = 'res.partner' AND m.create_date >= %s AND m.res_id = ANY(%s)
                GROUP BY m.res_id""",
            [since, stale],
        )
        counts = dict(rows)
        twice = sum(1 for n in counts.values() if n > 1)
        missing = len(stale) - len(counts)
        print(
            f"- grade change messages of the fault phase: {sum(counts.values())} for "
            f"{len(stale)} customers made stale; twice: {twice}; missing: {missing}"
        )
        if twice or missing:
            self.failures.append(f"messages: {twice} duplicated, {missing} missing")

    def check_activities(self, since):
        dup = query(
            self.connection,
            """SELECT count(*) FROM (SELECT 1 FROM mail_activity
                WHERE create_date >= %s GROUP BY res_model, res_id, activity_type_id, user_id
                HAVING count(*) > 1) d""",
            [since],
        )[0][0]
        new = query(
            self.connection, "SELECT count(*) FROM mail_activity WHERE create_date >= %s", [since]
        )[0][0]
        print(f"- activities created in the fault phase: {new}; duplicated: {dup}")
        if dup:
            self.failures.append(f"{dup} activities duplicated")

    def check_log(self, since):
        served = sum(
            1 for r in self.results if r[0] == "fault" and r[1] == "dossier form" and r[3] == "ok"
        )
        logged = query(
            self.connection,
            """SELECT count(*) FROM customer_archive_access_log
                WHERE date >= %s AND how = 'form'""",
            [since],
        )[0][0]
        print(
            f"- consultation log rows (form) of the fault phase: {logged}; forms served: {served}"
        )
        if logged != served:
            self.failures.append(f"log rows {logged} != forms served {served}")


# ----------------------------------------------------------------- main
def main():
    # a terminated bench still stops its server (atexit runs on SystemExit)
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))
    args = parse_args()
    args.addons_path = args.addons_path or default_addons_path()
    print("set-up...", flush=True)
    info = setup(args)
    server = Server(args, os.path.join(tempfile.mkdtemp(prefix="bench_load_"), "odoo.log"))
    print(f"server up (log {server.logfile})", flush=True)
    bench = Bench(args, info, server)
    try:
        load_seconds = bench.load_phase()
        fault_seconds, stale, since = bench.fault_phase()
        errors = report(bench.results, "load", load_seconds)
        if errors:
            bench.failures.append(f"{len(errors)} errors under load")
        report(bench.results, "fault", fault_seconds)
        print("\n## checks after the kill")
        bench.check_classification()
        bench.check_messages(stale, since)
        bench.check_activities(since)
        bench.check_log(since)
        print(f"- peak RSS of the server's live processes (MB): {json.dumps(server.peak_rss_mb())}")
    finally:
        server.stop()
    if bench.failures:
        print("FAILED: " + "; ".join(bench.failures))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
