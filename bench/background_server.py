"""The Odoo server a background benchmark starts (odoo-bin with its workers and Odoo's
default limits), the sampler of its processes' memory, an XML-RPC client and the reading
of its log: shared by ``bench_background_import.py``."""

import itertools
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import xmlrpc.client

LOGIN = "bjb_manager"
CRON_NAME = "Customer Archive: background jobs"
TROUBLE = re.compile(
    r"killed|timeout|timed out|virtual real time limit|CPU time limit|memory limit|"
    r"Critial worker error|MemoryError|Exception occurred, exiting",
    re.IGNORECASE,
)
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\d+) (\w+) (\S+) (\S+): (.*)$")


def say(text):
    print(time.strftime("%H:%M:%S ") + text, flush=True)


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
