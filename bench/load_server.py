"""The Odoo server of ``bench_load.py``: odoo-bin with two HTTP and two cron workers, its
limits raised for the long set-up, the live workers and their peak memory read from its
log and ``/proc``."""

import atexit
import os
import re
import signal
import socket
import subprocess
import sys
import time

import requests


# ----------------------------------------------------------------- server
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_command():
    """``odoo-bin`` of the Odoo in use: with ``python -m odoo`` the prefork server would
    start its websocket process with ``__main__.py`` as a script, which fails."""
    import odoo  # noqa: PLC0415

    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    if os.path.exists(odoo_bin):
        return [sys.executable, odoo_bin]
    return [sys.executable, "-m", "odoo"]


class Server:
    def __init__(self, args, logfile):
        self.args, self.logfile = args, logfile
        command = [
            *odoo_command(),
            "-d",
            args.db,
            "--db-filter",
            f"^{args.db}$",
            "--addons-path",
            args.addons_path,
            "--workers",
            "2",
            "--max-cron-threads",
            "2",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(args.port),
            "--gevent-port",
            str(free_port()),
            "--limit-time-real",
            "1800",
            "--limit-time-cpu",
            "1800",
            "--limit-memory-soft",
            str(4 << 30),
            "--limit-memory-hard",
            str(5 << 30),
            "--no-database-list",
            "--log-level",
            "info",
            "--logfile",
            logfile,
        ]
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", args.port)) == 0:
                raise RuntimeError(f"port {args.port} is taken: another server runs there")
        self.process = subprocess.Popen(command, start_new_session=True)
        atexit.register(self.stop)
        self.url = f"http://127.0.0.1:{args.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/web/login", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError("Odoo did not answer in 120 s")

    def workers(self, kind):
        """PIDs of the live workers of a kind (WorkerHTTP, WorkerCron), from the log."""
        alive, dead = [], set()
        with open(self.logfile, encoding="utf-8", errors="replace") as log:
            for line in log:
                if match := re.search(rf"Worker {kind} \((\d+)\) alive", line):
                    alive.append(int(match.group(1)))
                if match := re.search(r"Worker \((\d+)\) (?:killed|exited|died)", line):
                    dead.add(int(match.group(1)))
        return [pid for pid in alive if pid not in dead and os.path.exists(f"/proc/{pid}")]

    def running_job(self, cron_id):
        """PID of the cron worker running the job ``cron_id`` now, from the log (the
        database connection of a worker may carry its master's PID in its name)."""
        running = {}
        with open(self.logfile, encoding="utf-8", errors="replace") as log:
            for line in log:
                match = re.search(
                    rf" (\d+) \w+ \S+ odoo\.addons\.base\.models\.ir_cron: Job .*\({cron_id}\) "
                    r"(starting|done|completed|failed)",
                    line,
                )
                if match:
                    pid, event = int(match.group(1)), match.group(2)
                    if event == "starting":
                        running[pid] = True
                    else:
                        running.pop(pid, None)
        live = [pid for pid in running if pid in self.workers("WorkerCron")]
        return live[-1] if live else None

    def peak_rss_mb(self):
        """Peak RSS of the master and of every live worker (VmHWM), in MB."""
        pids = [self.process.pid, *self.workers("WorkerHTTP"), *self.workers("WorkerCron")]
        peaks = {}
        for pid in pids:
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peaks[pid] = int(line.split()[1]) / 1024
            except OSError:
                pass
        return peaks

    def stop(self):
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
