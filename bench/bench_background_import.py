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
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ODOO_DIR = "/opt/odoo-18.0"
DEFAULT_ADDONS = f"{ROOT},{ODOO_DIR}/odoo/addons,{ODOO_DIR}/addons"
LOGIN = "bjb_manager"
CRON_NAME = "Customer Archive: background jobs"
# bench_import.py's customer list (the same columns, cities and trades)
COLUMNS = ["Name", "Street", "City", "Zip", "Phone", "Email", "VAT", "Comment"]
CITIES = ["上海", "北京", "杭州", "苏州", "南京", "深圳", "广州", "成都", "武汉", "西安"]
TRADES = ["贸易", "电子", "物流", "机械", "化工", "纺织", "食品", "建材", "医药", "软件"]
# what the log says when a worker is killed or a limit is reached
TROUBLE = re.compile(
    r"killed|timeout|timed out|virtual real time limit|CPU time limit|memory limit|"
    r"Critial worker error|MemoryError|Exception occurred, exiting",
    re.IGNORECASE,
)
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\d+) (\w+) (\S+) (\S+): (.*)$")


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


def say(text):
    print(time.strftime("%H:%M:%S ") + text, flush=True)


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


# ---------------------------------------------------------------- the server
# run with the shim on the path: the first distribution gevent needs that pkg_resources
# does not find, with its version as importlib finds it
MISSING = """
import importlib.metadata, sys, pkg_resources
try:
    pkg_resources.require("gevent")
except pkg_resources.DistributionNotFound as error:
    name = error.req.project_name
    print(name, importlib.metadata.version(name))
    sys.exit(1)
"""


def websocket_shim(tmp):
    """A directory for the server's PYTHONPATH where pkg_resources finds what gevent
    needs, or None when it finds it already.

    Odoo's websocket process (``odoo-bin gevent``) asks pkg_resources for gevent's
    requirements; setuptools' pkg_resources of some machines does not find
    ``zope.interface`` installed as ``zope_interface-*.dist-info``. The process then
    dies at its start, and the prefork master starts it again at once, over and over:
    on a 2-core machine that loop takes a whole core (measured: 19.5 s of CPU in 20 s),
    which no production server pays. The shim holds one ``.dist-info`` with the
    distribution's name as gevent spells it, nothing else."""
    shim = os.path.join(tmp, "websocket_shim")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [shim, env.get("PYTHONPATH")]))
    for _ in range(5):
        check = subprocess.run(
            [sys.executable, "-c", MISSING], env=env, capture_output=True, text=True, check=False
        )
        if check.returncode == 0:
            return shim if os.path.isdir(shim) else None
        try:
            name, version = check.stdout.split()
        except ValueError:
            say(f"websocket: gevent's requirements not checked ({check.stderr.strip()[-200:]})")
            return None
        info = os.path.join(shim, f"{name}-{version}.dist-info")
        os.makedirs(info)
        with open(os.path.join(info, "METADATA"), "w") as metadata:
            metadata.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        say(f"websocket: pkg_resources does not find {name} {version}: shim in {info}")
    return shim


class Server:
    """One Odoo server (odoo-bin, 2 HTTP workers, 1 cron worker, default limits)."""

    def __init__(self, args, logfile, pythonpath=None):
        self.args, self.logfile = args, logfile
        self.url = f"http://127.0.0.1:{args.port}"
        for port in (args.port, args.port + 1):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(f"port {port} is taken")
        self.command = [
            sys.executable,
            args.odoo_bin,
            "-d",
            args.db,
            "--db-filter",
            f"^{args.db}$",
            "--addons-path",
            args.addons_path,
            "--workers",
            "2",
            "--max-cron-threads",
            "1",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(args.port),
            "--gevent-port",
            str(args.port + 1),
            "--no-database-list",
            "--log-level",
            "info",
            "--logfile",
            logfile,
        ]
        self.stderr = open(logfile + ".stderr", "w")
        # its own session: its children are found and stopped by the session's id
        env = dict(os.environ)
        if args.notify_cron:
            # Odoo's own switch: a _trigger wakes the cron worker at once, no minute's sleep
            env["ODOO_NOTIFY_CRON_CHANGES"] = "1"
        if pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            self.command,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            env=env,
        )
        self.pid = self.process.pid

    def wait_ready(self, seconds=180):
        deadline = time.monotonic() + seconds
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo stopped at start (exit {self.process.returncode})")
            try:
                common.version()
                # the workers are forked: wait until the cron worker is up too
                if self.workers("WorkerCron"):
                    return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"Odoo did not answer in {seconds} s")

    def workers(self, kind):
        """PIDs of the workers of a kind (WorkerHTTP, WorkerCron) the log saw start."""
        found = []
        try:
            with open(self.logfile, encoding="utf-8", errors="replace") as log:
                for line in log:
                    if match := re.search(rf"Worker {kind} \((\d+)\) alive", line):
                        found.append(int(match.group(1)))
        except FileNotFoundError:
            pass
        return found

    def descendants(self):
        """PIDs of the processes of the server's session (master, workers, websocket)."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # fields: state ppid pgrp session …
            if int(fields[3]) == self.pid:
                pids.append(int(entry))
        return pids

    def close(self):
        self.stderr.close()

    def stop(self):
        if self.process.poll() is None:
            say("stopping the server")
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(90)
            except subprocess.TimeoutExpired:
                say("the server did not stop in 90 s: SIGKILL to its process group")
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(30)
        # workers or the websocket process left behind (same session, by their ids)
        for _ in range(20):
            left = self.descendants()
            if not left:
                return
            time.sleep(0.5)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class Sampler(threading.Thread):
    """VmRSS and VmHWM of the server's processes every 0.5 s; the peak per process, as a
    whole and per phase."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.phase = "start"
        self.peak = {}  # pid -> max VmRSS (kB)
        self.hwm = {}  # pid -> last VmHWM (kB)
        self.cmdline = {}
        self.phase_peak = {}  # (phase, pid) -> max VmRSS (kB)
        self.samples = 0

    def run(self):
        while not self.stopping.is_set():
            for pid in self.server.descendants():
                try:
                    with open(f"/proc/{pid}/status") as status:
                        values = dict(line.split(":", 1) for line in status if ":" in line)
                    if pid not in self.cmdline:
                        with open(f"/proc/{pid}/cmdline", "rb") as cmd:
                            self.cmdline[pid] = cmd.read().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                rss = int(values.get("VmRSS", "0 kB").split()[0])
                hwm = int(values.get("VmHWM", "0 kB").split()[0])
                with self.lock:
                    self.peak[pid] = max(self.peak.get(pid, 0), rss)
                    self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
                    key = (self.phase, pid)
                    self.phase_peak[key] = max(self.phase_peak.get(key, 0), rss)
            self.samples += 1
            self.stopping.wait(0.5)

    def stop(self):
        self.stopping.set()
        self.join(5)


# ---------------------------------------------------------------- the client
class Client:
    def __init__(self, args, url):
        self.db, self.password = args.db, args.password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(args.db, LOGIN, args.password, {})
        if not self.uid:
            raise RuntimeError(f"{LOGIN} cannot log in")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def log_size(server):
    try:
        return os.path.getsize(server.logfile)
    except FileNotFoundError:
        return 0


def log_lines(server, start):
    with open(server.logfile, "rb") as log:
        log.seek(start)
        data = log.read()
    return [line.rstrip() for line in data.decode("utf-8", errors="replace").splitlines()]


def poll_job(client, import_id, after_job, timeout, label):
    """Poll the import's newest job every second until it is done or failed, or
    ``timeout`` seconds; the seconds waited, the job, and how it went (a list of
    (seconds, state, done, total), one per change)."""
    start = time.monotonic()
    job, trace, last_print = None, [], 0.0
    while True:
        elapsed = time.monotonic() - start
        found = client.call(
            "customer.archive.job",
            "search_read",
            [
                ("res_model", "=", "customer.archive.import"),
                ("res_id", "=", import_id),
                ("id", ">", after_job),
            ],
            fields=["state", "done_count", "total_count", "result"],
            order="id desc",
            limit=1,
        )
        if not found:
            # no job: the file was small enough to be handled in the request
            return elapsed, None, trace
        job = found[0]
        point = (round(elapsed, 1), job["state"], job["done_count"], job["total_count"])
        if not trace or trace[-1][1:] != point[1:]:
            trace.append(point)
        if job["state"] in ("done", "failed"):
            return elapsed, job, trace
        if elapsed > timeout:
            say(f"  {label}: not ended after {elapsed:.0f} s, given up")
            return elapsed, job, trace
        if elapsed - last_print >= 30:
            last_print = elapsed
            say(
                f"  {label}: {job['state']} {job['done_count']}/{job['total_count']} "
                f"after {elapsed:.0f} s"
            )
        time.sleep(1)


def log_stamp(text):
    stamp = time.mktime(time.strptime(text[:19], "%Y-%m-%d %H:%M:%S"))
    return stamp + int(text[20:23]) / 1000


def cron_batches(lines):
    """The batches of the jobs' cron in these log lines, (pid, start, seconds) each,
    from its "starting" and "done in" lines (Odoo logs both for every call of the
    cron's code, that is for every batch)."""
    batches, starts = [], {}
    for line in lines:
        match = LOG_LINE.match(line)
        if not match or CRON_NAME not in line:
            continue
        stamp, pid, message = log_stamp(match.group(1)), int(match.group(2)), match.group(6)
        if message.endswith(") starting"):
            starts[pid] = stamp
        elif done := re.search(r"\) done in ([\d.]+)s", message):
            batches.append((pid, starts.pop(pid, stamp), float(done.group(1))))
    return batches


def describe_batches(batches):
    """Batches, cron calls (a batch that starts more than 2 s after the former one
    ended starts a new call: within a call Odoo runs them back to back), their time and
    the idle time between the calls."""
    if not batches:
        return {"batches": 0, "cron_calls": 0}
    calls, idle, gaps = 1, 0.0, []
    for previous, batch in itertools.pairwise(batches):
        gap = batch[1] - (previous[1] + previous[2])
        if gap > 2:
            calls += 1
            idle += gap
            gaps.append(round(gap, 1))
    seconds = [batch[2] for batch in batches]
    return {
        "batches": len(batches),
        "cron_calls": calls,
        "batch_s_median": round(statistics.median(seconds), 2),
        "batch_s_max": round(max(seconds), 2),
        "batch_s": [round(value, 1) for value in seconds],
        "busy_s": round(sum(seconds), 1),
        "idle_between_calls_s": round(idle, 1),
        "gaps_s": gaps,
        "pids": sorted({batch[0] for batch in batches}),
    }


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


def troubles(server):
    """The log's lines about killed workers and limits, and its errors."""
    found, errors = [], []
    for path in (server.logfile, server.logfile + ".stderr"):
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                if TROUBLE.search(line):
                    found.append(line.rstrip())
                if re.match(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", line):
                    errors.append(line.rstrip())
    return found, errors


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
