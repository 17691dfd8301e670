#!/usr/bin/env python3
"""Time the customer list import as production runs it: in the background, in Odoo's cron.

    python3 bench/bench_background_import.py [--db bjb_import] [--drop] [--rows 200000]
        [--small-rows 20000] [--port 8890] [--no-in-request] [--notify-cron] [--keep-log PATH]

Not part of the test suite (it needs minutes and a server of its own). It

1. makes its database (``--db``; ``--drop`` starts afresh) with ``customer_archive``
   installed without demo data (``odoo-bin -i customer_archive --without-demo=all
   --stop-after-init``), and a user ``bjb_manager`` who is archive manager
   (``customer_archive.group_manager``) and contact creator
   (``base.group_partner_manager``), password set (``--lang zh_CN``: in that language);
   unless ``--no-in-request``, runs ``bench_import.py --rows <small-rows> --only
   ours_xlsx`` first, alone (no server runs yet): the same import in the request, in
   one process, in its own database ``--req-db``;
2. starts **one** Odoo server with ``odoo-bin --workers 2 --max-cron-threads 1`` and
   Odoo's default limits (none passed: 60 s CPU and 120 s real time per request or
   cron call, 2 GB soft memory), on ``--port`` (its websocket process on the next
   one), ``-d`` and ``--db-filter`` on the database, its log in a temporary file;
3. for each size, ``--small-rows`` first, then ``--rows``: writes the customer list as
   ``.xlsx`` (``bench_import.py``'s generator, each file's customers distinct from the
   other's), and over XML-RPC as that user creates a ``customer.archive.import`` with
   it, calls ``action_check``, polls its ``customer.archive.job`` every second until
   it is done or failed, then ``action_import`` and polls again. It records each
   phase's wall time (from the call to the job's end as the poll sees it), rows/s, the
   cron batches of the phase (the ``ir_cron`` log lines of the job's cron: batches,
   their time, the cron calls they made and the idle time between them), and checks
   that the import is ``done`` with one partner and one dossier per row;
4. meanwhile samples every 0.5 s ``VmRSS``/``VmHWM`` of the server and each of its
   child processes (``/proc/<pid>/status``), and reports the peak per process, which
   one is the cron worker and its peak in each phase;
5. stops the server, searches its log for killed workers and limits reached
   ("killed", "timeout", "virtual real time limit", "CPU time limit", "memory limit"),
   and prints the figures and the ratios: the large file's rows/s to the small one's,
   and the small file's in the background to in the request.

The server's websocket process gets a shim on its path when this machine's
``pkg_resources`` cannot find gevent's requirements (see ``websocket_shim``).

The server, its children and the temporary directory (files, log) are removed at the
end, also on an error or Ctrl-C; ``--keep-log`` copies the server's log first.
"""

import argparse
import base64
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

from background_server import (
    LOGIN,
    Client,
    Sampler,
    Server,
    cron_batches,
    describe_batches,
    log_lines,
    log_size,
    poll_job,
    say,
    troubles,
    websocket_shim,
)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ODOO_DIR = "/opt/odoo-18.0"
DEFAULT_ADDONS = f"{ROOT},{ODOO_DIR}/odoo/addons,{ODOO_DIR}/addons"
# bench_import.py's customer list (the same columns, cities and trades)
COLUMNS = ["Name", "Street", "City", "Zip", "Phone", "Email", "VAT", "Comment"]
CITIES = ["上海", "北京", "杭州", "苏州", "南京", "深圳", "广州", "成都", "武汉", "西安"]
TRADES = ["贸易", "电子", "物流", "机械", "化工", "纺织", "食品", "建材", "医药", "软件"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bjb_import")
    parser.add_argument("--drop", action="store_true", help="drop and re-create the database")
    parser.add_argument("--rows", type=int, default=200000, help="rows of the large file")
    parser.add_argument(
        "--small-rows", type=int, default=20000, help="rows of the small file (0: none)"
    )
    parser.add_argument("--port", type=int, default=8890, help="HTTP port (websocket: +1)")
    parser.add_argument("--addons-path", default=DEFAULT_ADDONS)
    parser.add_argument("--odoo-bin", default=f"{ODOO_DIR}/odoo-bin")
    parser.add_argument("--password", default="bjb_manager_pw")
    parser.add_argument("--lang", default="en_US", help="the user's language (e.g. zh_CN)")
    parser.add_argument(
        "--phase-timeout", type=int, default=1500, help="seconds a phase may take at most"
    )
    parser.add_argument(
        "--budget-minutes",
        type=int,
        default=30,
        help="the whole run's time: a phase still running a minute before is given up",
    )
    parser.add_argument("--no-in-request", action="store_true", help="skip bench_import.py")
    parser.add_argument(
        "--notify-cron",
        action="store_true",
        help="start the server with ODOO_NOTIFY_CRON_CHANGES=1 (the README's production start)",
    )
    parser.add_argument(
        "--no-websocket-fix",
        action="store_true",
        help="start the server without the shim that lets its websocket process start",
    )
    parser.add_argument("--req-db", default="bjb_import_req", help="bench_import.py's database")
    parser.add_argument("--keep-log", help="copy the server's log there before cleaning up")
    parser.add_argument("--json", help="write the figures there as JSON")
    parser.add_argument("--setup-user", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.db.startswith("bjb_") or not args.req_db.startswith("bjb_"):
        parser.error("the databases of this benchmark are named bjb_…")
    return args


# ---------------------------------------------------------------- the file
def rows(count, start=0, seed=42):
    """bench_import.py's rows, from customer number ``start`` (another file's customers)."""
    rng = random.Random(seed + start)
    for index in range(start, start + count):
        city = rng.choice(CITIES)
        yield [
            f"{city}{rng.choice(TRADES)}第{index:05d}有限公司",
            f"{city}市人民路{rng.randint(1, 999)}号",
            city,
            f"{rng.randint(100000, 999999)}",
            f"021-{rng.randint(10000000, 99999999)}",
            f"customer{index}@example.cn",
            f"CN91310{index:011d}",
            "老客户名单导入",
        ]


def write_xlsx(path, count, start):
    import openpyxl  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(COLUMNS)
    for row in rows(count, start):
        sheet.append(row)
    book.save(path)


# ---------------------------------------------------------------- the database
def database_exists(name):
    out = subprocess.run(["psql", "-lqt"], capture_output=True, text=True, check=True).stdout
    return any(line.split("|")[0].strip() == name for line in out.splitlines())


def ensure_database(args):
    if database_exists(args.db) and args.drop:
        say(f"dropping {args.db}")
        subprocess.run(["dropdb", args.db], check=True)
    if not database_exists(args.db):
        say(f"creating {args.db}: customer_archive without demo data")
        start = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                args.odoo_bin,
                "-d",
                args.db,
                "--addons-path",
                args.addons_path,
                "-i",
                "customer_archive",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
                "--log-level",
                "warn",
            ],
            check=True,
        )
        say(f"created in {time.monotonic() - start:.0f} s")
    run_setup_user(args)


def run_setup_user(args):
    """``setup_user`` in a process of its own (the registry is not kept in this one)."""
    subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--setup-user",
            "--db",
            args.db,
            "--addons-path",
            args.addons_path,
            "--password",
            args.password,
            "--lang",
            args.lang,
        ],
        check=True,
    )


def setup_user(args):
    """The archive manager who imports (committed; idempotent)."""
    sys.path.insert(0, ODOO_DIR)
    import odoo  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["--addons-path", args.addons_path, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.lang != "en_US" and not env["res.lang"]._lang_get(args.lang):
            lang = (
                env["res.lang"].with_context(active_test=False).search([("code", "=", args.lang)])
            )
            env["base.language.install"].create({"lang_ids": [(6, 0, lang.ids)]}).lang_install()
        groups = [
            env.ref("base.group_user").id,
            env.ref("base.group_partner_manager").id,
            env.ref("customer_archive.group_manager").id,
        ]
        Users = env["res.users"].with_context(no_reset_password=True)
        user = Users.search([("login", "=", LOGIN)])
        # an email: the notes on the import's chatter are sent from it
        vals = {
            "groups_id": [(4, gid) for gid in groups],
            "lang": args.lang,
            "email": "bjb_manager@example.cn",
        }
        if user:
            user.write(vals)
        else:
            user = Users.create({"name": "Bench Import Manager", "login": LOGIN, **vals})
        user.password = args.password
        cr.commit()
        print(f"user {LOGIN} (id {user.id}), language {args.lang}", flush=True)


class Bench:
    """The measurements over one server: a file's check and import, each polled."""

    def __init__(self, args, server, sampler, deadline):
        self.args, self.server, self.sampler, self.deadline = args, server, sampler, deadline
        self.client = Client(args, server.url)

    def call(self, *args, **kwargs):
        return self.client.call(*args, **kwargs)

    def run_phase(self, import_id, method, label):
        last = self.call(
            "customer.archive.job",
            "search_read",
            [("res_model", "=", "customer.archive.import"), ("res_id", "=", import_id)],
            fields=["id"],
            order="id desc",
            limit=1,
        )
        after_job = last[0]["id"] if last else 0
        offset = log_size(self.server)
        load_start = os.getloadavg()[0]
        self.sampler.phase = label
        say(f"{label}: {method}")
        start = time.monotonic()
        self.call("customer.archive.import", method, [import_id])
        call_seconds = time.monotonic() - start
        timeout = min(self.args.phase_timeout, self.deadline - time.monotonic())
        waited, job, trace = poll_job(self.client, import_id, after_job, timeout, label)
        wall = call_seconds + waited
        time.sleep(1)  # the cron's last log lines
        batches = cron_batches(log_lines(self.server, offset))
        phase = {
            "wall_s": round(wall, 1),
            "call_s": round(call_seconds, 2),
            "job_state": job["state"] if job else "inline",
            "job_done": job["done_count"] if job else None,
            "job_total": job["total_count"] if job else None,
            "job_result": job["result"] if job else None,
            # the first progress the poll saw: how long the job waited for the cron
            "first_running_s": next((t for t, state, *_ in trace if state != "queued"), None),
            "trace": trace,
            # the machine's 1-minute load average at the start and at the end
            "loadavg": [round(load_start, 2), round(os.getloadavg()[0], 2)],
            **describe_batches(batches),
        }
        if job and job["state"] not in ("done", "failed"):
            # given up: the rate so far
            phase["rows_per_s_so_far"] = round(job["done_count"] / wall, 1)
        say(
            f"{label}: {phase['job_state']} after {phase['wall_s']} s, "
            f"{phase['batches']} batches in {phase['cron_calls']} cron calls"
        )
        return phase

    def measure(self, path, rows_count, start_index):
        key = f"{rows_count} rows"
        with open(path, "rb") as stream:
            data = base64.b64encode(stream.read()).decode()
        size_mb = os.path.getsize(path) / 1e6
        self.sampler.phase = f"{key} upload"
        say(f"{key}: uploading {size_mb:.1f} MB")
        start = time.monotonic()
        import_id = self.call(
            "customer.archive.import",
            "create",
            {"file": data, "file_name": os.path.basename(path)},
        )
        del data
        result = {
            "rows": rows_count,
            "import_id": import_id,
            "file_mb": round(size_mb, 1),
            "upload_s": round(time.monotonic() - start, 1),
        }
        fields = ["state", "row_count", "create_count", "update_count", "error_count", "result"]
        result["check"] = self.run_phase(import_id, "action_check", f"{key} check")
        record = self.call("customer.archive.import", "read", [import_id], fields)[0]
        result["after_check"] = record
        if record["state"] == "checked" and not record["error_count"]:
            result["import"] = self.run_phase(import_id, "action_import", f"{key} import")
        self.sampler.phase = f"{key} verify"
        record = self.call("customer.archive.import", "read", [import_id], fields)[0]
        result["final"] = record
        # the file's customers, by their VAT numbers: CN91310<customer number>
        first, last = (
            f"CN91310{index:011d}" for index in (start_index, start_index + rows_count - 1)
        )
        domain = [("vat", ">=", first), ("vat", "<=", last), ("vat", "=like", "CN91310%")]
        result["partners"] = self.call("res.partner", "search_count", domain)
        result["archives"] = self.call(
            "customer.archive",
            "search_count",
            [(f"partner_id.{name}", op, value) for name, op, value in domain],
        )
        for phase in ("check", "import"):
            if phase in result and result[phase]["job_state"] == "done":
                result[phase]["rows_per_s"] = round(rows_count / result[phase]["wall_s"], 1)
        say(
            f"{key}: {record['state']} ({record['result']}); partners {result['partners']}, "
            f"dossiers {result['archives']}"
        )
        return result


def in_request(args):
    """bench_import.py's ours_xlsx: the same import, in the request, in one process."""
    cmd = [
        sys.executable,
        os.path.join(HERE, "bench_import.py"),
        "--rows",
        str(args.small_rows),
        "--only",
        "ours_xlsx",
        "--db",
        args.req_db,
    ]
    say("in the request: " + " ".join(cmd))
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    output = done.stdout
    print(output, end="", flush=True)
    if done.returncode:
        say(f"bench_import.py failed (exit {done.returncode}): {done.stderr.strip()[-1500:]}")
        return {"error": done.stderr.strip()[-1500:]}
    match = re.search(
        r"customer_archive import \(\.xlsx\)\s+(\d+) rows\s+([\d.]+) s\s+(\d+) rows/s\s+"
        r"peak RSS (\d+) MB .*check ([\d.]+) s, (\w+)",
        output,
    )
    if not match:
        return {"output": output}
    rows_count, seconds, _rate, rss, check, state = match.groups()
    return {
        "rows": int(rows_count),
        "import_s": float(seconds),
        "check_s": float(check),
        "import_rows_per_s": round(int(rows_count) / float(seconds), 1),
        "check_rows_per_s": round(int(rows_count) / float(check), 1),
        "total_rows_per_s": round(int(rows_count) / (float(seconds) + float(check)), 1),
        "peak_rss_mb": int(rss),
        "state": state,
    }


def processes(server, sampler):
    """Peak VmRSS and VmHWM of each process of the server, the cron worker named; the
    websocket processes (restarted when they fail) in one line."""
    cron_pids, http_pids = set(server.workers("WorkerCron")), set(server.workers("WorkerHTTP"))
    rows_out, gevent = [], []
    for pid in sorted(sampler.peak, key=lambda p: -sampler.peak[p]):
        cmd = sampler.cmdline.get(pid, "")
        if not sampler.peak[pid] or "odoo-bin" not in cmd:
            continue  # a zombie, or a tool the server ran (wkhtmltopdf's version)
        entry = {
            "pid": pid,
            "peak_rss_mb": round(sampler.peak[pid] / 1024),
            "hwm_mb": round(sampler.hwm.get(pid, 0) / 1024),
        }
        if " gevent" in cmd:
            gevent.append(entry)
            continue
        entry["role"] = (
            "master"
            if pid == server.pid
            else "cron worker"
            if pid in cron_pids
            else "HTTP worker"
            if pid in http_pids
            else cmd[:60]
        )
        rows_out.append(entry)
    if gevent:
        rows_out.append(
            {
                "pid": f"{len(gevent)} processes",
                "role": "websocket (gevent)",
                "peak_rss_mb": max(entry["peak_rss_mb"] for entry in gevent),
                "hwm_mb": max(entry["hwm_mb"] for entry in gevent),
            }
        )
    cron_by_phase = {}
    for (phase, pid), kb in sampler.phase_peak.items():
        if pid in cron_pids and phase.endswith(("check", "import")):
            cron_by_phase[phase] = max(cron_by_phase.get(phase, 0), round(kb / 1024))
    return rows_out, cron_by_phase


def ratios(args, figures):
    lines = []
    by_rows = {result["rows"]: result for result in figures["sizes"]}
    big, small = by_rows.get(args.rows), by_rows.get(args.small_rows)
    for phase in ("check", "import"):
        a = big and big.get(phase, {}).get("rows_per_s")
        b = small and small.get(phase, {}).get("rows_per_s")
        if a and b:
            lines.append(
                f"{phase}, background: {args.rows} rows {a} rows/s / {args.small_rows} rows "
                f"{b} rows/s = {a / b:.2f}"
            )
    req = figures.get("in_request", {})
    s = small or {}
    if "import_rows_per_s" in req and s.get("import", {}).get("rows_per_s"):
        both = args.small_rows / (s["check"]["wall_s"] + s["import"]["wall_s"])
        lines += [
            f"{args.small_rows} rows, import, background / in the request: "
            f"{s['import']['rows_per_s']} / {req['import_rows_per_s']} = "
            f"{s['import']['rows_per_s'] / req['import_rows_per_s']:.2f}",
            f"{args.small_rows} rows, check, background / in the request: "
            f"{s['check']['rows_per_s']} / {req['check_rows_per_s']} = "
            f"{s['check']['rows_per_s'] / req['check_rows_per_s']:.2f}",
            f"{args.small_rows} rows, check + import, background / in the request: "
            f"{both:.1f} / {req['total_rows_per_s']} = {both / req['total_rows_per_s']:.2f}",
        ]
    return lines


def report_phases(figures):
    print(
        "| rows | phase | wall s | rows/s | batches (cron calls) | batch s median / max "
        "| idle between calls s | job | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for result in figures["sizes"]:
        for phase in ("check", "import"):
            if phase not in result:
                continue
            p = result[phase]
            rate = p.get("rows_per_s") or f"({p.get('rows_per_s_so_far', '')} so far)"
            print(
                f"| {result['rows']} | {phase} | {p['wall_s']} | {rate} "
                f"| {p['batches']} ({p['cron_calls']}) "
                f"| {p.get('batch_s_median', '')} / {p.get('batch_s_max', '')} "
                f"| {p.get('idle_between_calls_s', '')} | {p['job_state']} "
                f"| {p['loadavg'][0]}–{p['loadavg'][1]} |"
            )


def report(figures):
    print("\n== figures")
    report_phases(figures)
    print("\n| process | pid | peak VmRSS MB | VmHWM MB |")
    print("|---|---|---|---|")
    for proc in figures["processes"]:
        print(f"| {proc['role']} | {proc['pid']} | {proc['peak_rss_mb']} | {proc['hwm_mb']} |")
    for phase, peak in figures["cron_peak_by_phase"].items():
        print(f"- cron worker peak VmRSS in {phase}: {peak} MB")
    print(f"- cron workers started: {figures['cron_pids']}; HTTP: {figures['http_pids']}")
    for result in figures["sizes"]:
        final = result["final"]
        print(
            f"- {result['rows']} rows ({result['file_mb']} MB, upload {result['upload_s']} s): "
            f"import {final['state']}, {final['create_count']} created, "
            f"{final['error_count']} errors; partners {result['partners']}, dossiers "
            f"{result['archives']} (expected {result['rows']})"
        )
        for phase in ("check", "import"):
            if phase in result:
                print(f"    {phase} batches (s): {result[phase].get('batch_s', [])}")
                print(f"    {phase} idle gaps (s): {result[phase].get('gaps_s', [])}")
    req = figures.get("in_request")
    if req:
        print(f"- in the request (bench_import.py ours_xlsx): {req}")
    print(
        f"- websocket shim: {figures['websocket_shim']}; websocket processes that died at "
        f"their start: {figures['websocket_failures']}"
    )
    print(f"- killed workers / limits reached: {'yes' if figures['trouble'] else 'no'}")
    for line in figures["trouble"][:30]:
        print("    " + line[:300])
    for line in figures["errors"][:10]:
        print("  ERROR " + line[:300])
    for line in figures["ratios"]:
        print("- " + line)


def run_background(args, tmp, figures, deadline):
    """The server, the files' checks and imports, the server stopped, its log read."""
    sizes = [(n, start) for n, start in ((args.small_rows, 0), (args.rows, 1000000)) if n]
    files = {}
    for count, start in sizes:
        path = os.path.join(tmp, f"customers_{count}.xlsx")
        begin = time.monotonic()
        write_xlsx(path, count, start)
        files[count] = path
        say(
            f"wrote {count} rows, {os.path.getsize(path) / 1e6:.1f} MB, "
            f"in {time.monotonic() - begin:.0f} s"
        )
    server = sampler = None
    try:
        shim = None if args.no_websocket_fix else websocket_shim(tmp)
        figures["websocket_shim"] = bool(shim)
        server = Server(args, os.path.join(tmp, "odoo.log"), shim)
        say(f"server pid {server.pid}: " + " ".join(server.command))
        server.wait_ready()
        sampler = Sampler(server)
        sampler.start()
        bench = Bench(args, server, sampler, deadline)
        for count, start in sizes:
            figures["sizes"].append(bench.measure(files[count], count, start))
        sampler.phase = "end"
        time.sleep(2)
    finally:
        if sampler:
            sampler.stop()
        if server:
            server.stop()
            server.close()
    figures["trouble"], figures["errors"] = troubles(server)
    with open(server.logfile + ".stderr", encoding="utf-8", errors="replace") as stderr:
        # the websocket process that died at its start (see websocket_shim)
        figures["websocket_failures"] = stderr.read().count("DistributionNotFound:")
    figures["processes"], figures["cron_peak_by_phase"] = processes(server, sampler)
    figures["cron_pids"] = server.workers("WorkerCron")
    figures["http_pids"] = server.workers("WorkerHTTP")
    if args.keep_log:
        shutil.copy(server.logfile, args.keep_log)


def main():
    args = parse_args()
    if args.setup_user:
        setup_user(args)
        return
    overall = time.monotonic()
    # the server's part ends a minute before the budget, to stop it and report
    deadline = overall + args.budget_minutes * 60 - 60
    ensure_database(args)
    figures = {"command": sys.argv, "sizes": []}
    if not args.no_in_request and args.small_rows:
        # first, alone: no server runs meanwhile
        figures["in_request"] = in_request(args)
    tmp = tempfile.mkdtemp(prefix="bjb_bench_")
    try:
        run_background(args, tmp, figures, deadline)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    figures["ratios"] = ratios(args, figures)
    figures["total_s"] = round(time.monotonic() - overall)
    report(figures)
    say(f"total {figures['total_s']} s")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=1, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
