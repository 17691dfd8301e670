#!/usr/bin/env python3
"""Time a first classification of many customers as production runs it: "Recompute
Now" queues a background job that Odoo's cron worker runs under its default limits.

    python3 bench/bench_background_classification.py [--db bjb_class] [--generate]
        [--customers 1000000] [--lines 10000000] [--port 8894] [--notify-cron]
        [--keep-log PATH] [--json PATH]

Not part of the test suite (it needs a large database and a server of its own). It

1. with ``--generate``, makes its database afresh with ``generate_bench_data.py
   --create --dossiers`` (``--customers`` customers with a dossier each and
   ``--lines`` posted invoice lines, in SQL), and clears every classification so
   that the run is a first one; then makes the archive manager ``bjb_manager`` (the
   import benchmark's ``--setup-user``);
2. starts **one** Odoo server with ``odoo-bin --workers 2 --max-cron-threads 1`` and
   Odoo's default limits (60 s CPU and 120 s real time per request or cron call),
   ``--notify-cron``: with ``ODOO_NOTIFY_CRON_CHANGES=1`` as the README's production
   start;
3. over XML-RPC as that manager, calls the policy's ``action_recompute`` (the form's
   "Recompute Now") and polls its ``customer.archive.job`` every 2 s until it is done
   or failed, keeping the progress it shows (done/total) as it moves;
4. meanwhile samples ``VmRSS`` of the server's processes every 0.5 s (the import
   benchmark's ``Sampler``);
5. stops the server, reads its log for killed workers and limits reached, and the
   cron's batches (their count, time and the cron calls they made), counts the
   customers classified in the database and prints the figures.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_background_import as bbi  # noqa: E402

POLICY = "customer.classification.policy"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bjb_class")
    parser.add_argument("--generate", action="store_true", help="make the database afresh")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--port", type=int, default=8894, help="HTTP port (websocket: +1)")
    parser.add_argument("--addons-path", default=bbi.DEFAULT_ADDONS)
    parser.add_argument("--odoo-bin", default=f"{bbi.ODOO_DIR}/odoo-bin")
    parser.add_argument("--password", default="bjb_manager_pw")
    parser.add_argument("--lang", default="zh_CN", help="the manager's language")
    parser.add_argument("--notify-cron", action="store_true")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds the job may take")
    parser.add_argument("--keep-log", help="copy the server's log there before cleaning up")
    parser.add_argument("--json", help="write the figures there as JSON")
    args = parser.parse_args()
    if not args.db.startswith("bjb_"):
        parser.error("the databases of this benchmark are named bjb_…")
    return args


def psql(db, query):
    out = subprocess.run(
        ["psql", "-d", db, "-AtXc", query], capture_output=True, text=True, check=True
    ).stdout
    return out.strip()


def generate(args):
    start = time.monotonic()
    bbi.say(f"generating {args.customers} customers, {args.lines} invoice lines in {args.db}")
    subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "generate_bench_data.py"),
            "--db",
            args.db,
            "--customers",
            str(args.customers),
            "--lines",
            str(args.lines),
            "--addons-path",
            args.addons_path,
            "--create",
            "--dossiers",
        ],
        check=True,
    )
    bbi.say(f"generated in {time.monotonic() - start:.0f} s")
    return round(time.monotonic() - start)


def time_reference(args, runs=3):
    """The SQL aggregate of run_benchmark.py (the reference), fetched into Python: the
    best of ``runs``, after one run to warm the caches; (seconds, rows)."""
    import datetime  # noqa: PLC0415

    import psycopg2  # noqa: PLC0415
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415
    from run_benchmark import REFERENCE  # noqa: PLC0415

    today = datetime.date.today()
    params = {
        "company_id": int(psql(args.db, "SELECT id FROM res_company ORDER BY id LIMIT 1")),
        "today": today,
        "window_start": today - relativedelta(months=12),
    }
    times = []
    with psycopg2.connect(dbname=args.db) as connection, connection.cursor() as cr:
        for _ in range(runs + 1):
            started = time.monotonic()
            cr.execute(REFERENCE, params)
            count = len(cr.fetchall())
            times.append(time.monotonic() - started)
    connection.close()
    return round(min(times[1:]), 2), count


def poll(client, policy_id, after_job, timeout):
    start, trace, last_print, job = time.monotonic(), [], 0.0, None
    while True:
        elapsed = time.monotonic() - start
        found = client.call(
            "customer.archive.job",
            "search_read",
            [("res_model", "=", POLICY), ("res_id", "=", policy_id), ("id", ">", after_job)],
            fields=["state", "done_count", "total_count", "result"],
            order="id desc",
            limit=1,
        )
        if found:
            job = found[0]
            point = (round(elapsed, 1), job["state"], job["done_count"], job["total_count"])
            if not trace or trace[-1][1:] != point[1:]:
                trace.append(point)
            if job["state"] in ("done", "failed"):
                return elapsed, job, trace
            if elapsed - last_print >= 30:
                last_print = elapsed
                bbi.say(
                    f"  {job['state']} {job['done_count']}/{job['total_count']} "
                    f"after {elapsed:.0f} s"
                )
        if elapsed > timeout:
            bbi.say(f"  not ended after {elapsed:.0f} s, given up")
            return elapsed, job, trace
        time.sleep(2)


def run(args, tmp, figures):
    server = sampler = None
    try:
        shim = bbi.websocket_shim(tmp)
        server = bbi.Server(args, os.path.join(tmp, "odoo.log"), shim)
        bbi.say(f"server pid {server.pid}: " + " ".join(server.command))
        server.wait_ready()
        sampler = bbi.Sampler(server)
        sampler.start()
        client = bbi.Client(args, server.url)
        policy_id = client.call(POLICY, "search", [], limit=1)[0]
        last_job = client.call("customer.archive.job", "search", [], order="id desc", limit=1)
        start_log = bbi.log_size(server)
        sampler.phase = "recompute"
        begin = time.monotonic()
        client.call(POLICY, "action_recompute", [policy_id])
        figures["request_s"] = round(time.monotonic() - begin, 2)
        elapsed, job, trace = poll(client, policy_id, last_job[0] if last_job else 0, args.timeout)
        figures["wall_s"] = round(elapsed, 1)
        figures["job"] = job
        figures["progress"] = trace
        batches = bbi.cron_batches(bbi.log_lines(server, start_log))
        figures["batches"] = bbi.describe_batches(batches)
        sampler.phase = "end"
        time.sleep(2)
    finally:
        if sampler:
            sampler.stop()
        if server:
            server.stop()
            server.close()
    figures["trouble"], figures["errors"] = bbi.troubles(server)
    figures["processes"], _ = bbi.processes(server, sampler)
    if args.keep_log:
        shutil.copy(server.logfile, args.keep_log)


def report(figures):
    bbi.say("---- figures")
    job = figures.get("job") or {}
    bbi.say(
        f"customers {figures['customers']}, invoice lines {figures['lines']}, "
        f"classified before the run {figures['classified_before']}, after {figures['classified']}"
    )
    bbi.say(f"Recompute Now answered in {figures.get('request_s')} s")
    bbi.say(
        f"job {job.get('state')} in {figures.get('wall_s')} s: {job.get('result')!r}; "
        f"{figures['classified'] / max(figures.get('wall_s') or 1, 1):.0f} customers/s"
    )
    bbi.say(
        f"progress seen: {len(figures.get('progress', []))} steps, "
        + ", ".join(
            f"{s}s {state} {done}/{total}"
            for s, state, done, total in figures.get("progress", [])[:12]
        )
    )
    bbi.say(
        f"job / SQL aggregate: {figures.get('wall_s')} / {figures['reference_s']} = "
        f"{(figures.get('wall_s') or 0) / max(figures['reference_s'], 0.01):.1f}"
    )
    bbi.say(f"cron: {figures.get('batches')}")
    for entry in figures["processes"]:
        bbi.say(f"  {entry['role']:<20} pid {entry['pid']}: peak RSS {entry['peak_rss_mb']} MB")
    bbi.say(f"killed workers / limits in the log: {len(figures['trouble'])}")
    for line in figures["trouble"][:10]:
        bbi.say("  " + line[:200])
    bbi.say(f"errors in the log: {len(figures['errors'])}")
    for line in figures["errors"][:10]:
        bbi.say("  " + line[:200])


def main():
    args = parse_args()
    overall = time.monotonic()
    # the import benchmark's server options it reads
    args.notify_cron = bool(args.notify_cron)
    figures = {"command": sys.argv}
    if args.generate:
        figures["generate_s"] = generate(args)
        bbi.run_setup_user(args)
    # a first classification: nothing classified yet (the generator leaves none)
    figures["customers"] = int(
        psql(args.db, "SELECT count(*) FROM res_partner WHERE customer_rank > 0")
    )
    figures["lines"] = int(psql(args.db, "SELECT count(*) FROM account_move_line"))
    classified = "SELECT count(*) FROM res_partner WHERE customer_grade IS NOT NULL"
    figures["classified_before"] = int(psql(args.db, classified))
    figures["reference_s"], figures["reference_rows"] = time_reference(args)
    bbi.say(
        f"SQL aggregate (reference): {figures['reference_s']} s, {figures['reference_rows']} rows"
    )
    tmp = tempfile.mkdtemp(prefix="bjb_class_")
    try:
        run(args, tmp, figures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    figures["classified"] = int(psql(args.db, classified))
    figures["total_s"] = round(time.monotonic() - overall)
    report(figures)
    bbi.say(f"total {figures['total_s']} s")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=1, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
