#!/usr/bin/env python3
"""Fault-injection soak (issue 14): the real siberius-server, siberius-daemon and
a private PostgreSQL, with a TCP proxy (chaos_proxy.py) between daemon and
server, while PDFs keep arriving in the watched folder.

  1. chaos     PDFs are written into the folder (a few also deleted or moved)
               while the server is killed (SIGKILL) and restarted every
               --kill-every seconds, PostgreSQL is restarted once, the daemon is
               killed (SIGKILL) and restarted, and the proxy cuts every
               connection and stalls. Then, within --converge-s of the last
               fault: the server's (hash, path) of every row not `missing`
               equals the folder's, no path has two such rows, and no row of a
               file that exists is `missing`.
  2. uploads   every large PDF of the folder is requested; the proxy cuts each
               upload once midway. All must end `cached`, byte for byte the
               office's file, and no partial file may remain in the storage
               folder (nor anything there that is not a whole cached PDF).
  3. reconnect --sims simulated daemons (sim_daemons.py, the real protocol and
               backoff) plus the real one are connected; the server is killed
               and restarted. All must come back; the spread of their
               reconnects and GET /health latency meanwhile are printed
               (figures, not assertions). The folder check of phase 1 is run
               again (the real daemon resynced after that restart).

Short form by default (under two minutes; ctest `chaos_soak`); --long gives
the issue's numbers. Python 3 standard library only. Exit 0 = every check
held; 1 = a check failed (each failure printed); 2 = setup failed.
"""

import argparse
import asyncio
import collections
import hashlib
import http.client
import json
import os
import random
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))
from chaos_proxy import ChaosProxy  # noqa: E402
import sim_daemons  # noqa: E402
from daemon_restart import small_pdf  # noqa: E402  (one page, one line, ~700 bytes, distinct per i)
from pdf_transfer import make_pdf  # noqa: E402  (one page and a random binary stream)

SHORT = dict(files=500, add_seconds=45, kill_every=15, daemon_kills=1, large=20, sims=200, stall_s=6)
LONG = dict(files=5000, add_seconds=300, kill_every=30, daemon_kills=2, large=100, sims=2000, stall_s=10)

T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:7.1f}s] {msg}", flush=True)


class SetupError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    return v[max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))]


# ---------------------------------------------------------------- components

class Postgres:
    """A private cluster through scripts/lib/pg.sh, so that it can be restarted."""

    def __init__(self, work):
        self.dir = os.path.join(work, "pg")
        self.port = free_port()  # the socket's name only: the cluster listens on no TCP address
        self.conninfo = None

    def _sh(self, script):
        done = subprocess.run(["bash", "-c", f'source "{ROOT}/scripts/lib/pg.sh"; {script}'],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SetupError(f"pg.sh: {script}: {done.stderr.strip()}")
        return done.stdout

    def start(self):
        out = self._sh(f'siberius_pg_start "{self.dir}" {self.port} throwaway && echo "$SIBERIUS_PG"')
        self.conninfo = out.strip().splitlines()[-1]
        self.psql_bin = self._sh('echo "$SIBERIUS_PG_BIN/psql"').strip()

    def stop(self):
        self._sh(f'siberius_pg_stop "{self.dir}"')

    def query(self, sql):
        done = subprocess.run([self.psql_bin, self.conninfo, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"psql: {done.stderr.strip()}")
        return [line.split("|") for line in done.stdout.splitlines() if line]


class Process:
    """A child whose output goes to one log file across its restarts."""

    def __init__(self, name, logfile):
        self.name, self.logfile, self.proc = name, logfile, None
        self.starts = 0

    def spawn(self, argv, env=None, cwd=None):
        with open(self.logfile, "ab") as out:
            out.write(f"--- start {self.starts + 1} at {time.monotonic() - T0:.1f}s\n".encode())
            out.flush()
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        self.starts += 1

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class Server(Process):
    def __init__(self, a, work, conninfo):
        super().__init__("siberius-server", os.path.join(work, "server.log"))
        self.a = a
        self.port = free_port()
        self.storage = os.path.join(work, "storage")
        self.creds_path = os.path.join(work, "credentials.json")
        self.conninfo = conninfo
        self.creds = None

    def start(self, timeout=90):
        self.spawn([self.a.server, "--port", str(self.port), "--db", self.conninfo,
                    "--schema-dir", self.a.schema_dir, "--credentials", self.creds_path,
                    "--storage-dir", self.storage, "--log-level", "info",
                    # Stalls are noticed in seconds; a whole office's uploads fit the rate limit.
                    "--ping-interval-ms", "2000", "--ping-timeout-ms", "2000", "--upload-stall-ms", "5000",
                    "--rate-limit-per-s", "0", "--upload-rate-limit", "1000000", *shlex.split(self.a.server_args)])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise SetupError(f"siberius-server exited at start; see {self.logfile}")
            try:
                status, _ = http_call(self.port, "GET", "/health", timeout=2)
                if status == 200 and os.path.exists(self.creds_path):
                    with open(self.creds_path) as f:
                        self.creds = json.load(f)
                    return
            except (OSError, http.client.HTTPException, json.JSONDecodeError):
                pass
            time.sleep(0.05)
        raise SetupError(f"siberius-server not answering /health within {timeout} s")

    def api(self, method, path, body=None, token=None):
        token = token or self.creds["adminToken"]
        return http_call(self.port, method, path, body=body, token=token)


class Daemon(Process):
    def __init__(self, a, work, folder):
        super().__init__("siberius-daemon", os.path.join(work, "daemon.log"))
        self.a, self.work, self.folder = a, work, folder

    def start(self, url, creds):
        env = {"PATH": "/usr/bin:/bin", "SERVER_URL": url, "DAEMON_TOKEN": creds["daemonToken"],
               "CLIENT_ID": creds["clientId"], "PDF_DIRECTORY": self.folder, "STABLE_MS": "200",
               "SETTLE_MS": "2500", "RECONNECT_BASE_MS": str(self.a.reconnect_base_ms),
               "SYNC_DEBOUNCE_MS": "300", "PARSE_WORKERS": "2", "LOG_LEVEL": "info"}
        # A cwd without .env or config.json: only the environment configures it.
        self.spawn([self.a.daemon, "--config", "/dev/null"], env=env, cwd=self.work)


def http_call(port, method, path, body=None, token=None, timeout=30, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        raw = res.read()
    finally:
        if own:
            conn.close()
    try:
        return res.status, json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return res.status, raw


# ---------------------------------------------------------------- the folder

class Office:
    """The watched folder and what the soak did to it."""

    def __init__(self, work, seed):
        self.folder = os.path.realpath(os.path.join(work, "office"))
        self.staging = os.path.join(work, "staging")
        os.makedirs(self.folder)
        os.makedirs(self.staging)
        self.rng = random.Random(seed)
        self.small = []       # paths of small PDFs present now (deletable, movable)
        self.large = {}       # hash -> path of the large PDFs (kept for the upload phase)
        self.deleted = self.moved = 0
        self.digests = {}

    def add(self, i, large=False):
        sub = os.path.join(self.folder, f"{i // 100:03d}")
        os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"doc-{i}.pdf")
        if large:
            tmp = os.path.join(self.staging, f"large-{i}.pdf")
            make_pdf(tmp, 1)  # 1 MiB, random: an upload long enough to cut midway
            with open(tmp, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            os.rename(tmp, path)
            self.large[digest] = path
            return
        data = small_pdf(i)
        if i % 2:
            with open(path, "wb") as f:  # written in place, as a scanner or printer does
                f.write(data)
        else:
            tmp = os.path.join(self.staging, f"doc-{i}.pdf")
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, path)  # or saved elsewhere and moved in
        self.small.append(path)

    def delete_one(self):
        if len(self.small) > 10:
            path = self.small.pop(self.rng.randrange(len(self.small) - 5))
            os.unlink(path)
            self.deleted += 1

    def move_one(self, i):
        if len(self.small) > 10:
            k = self.rng.randrange(len(self.small) - 5)
            src = self.small[k]
            dst = os.path.join(os.path.dirname(src), f"moved-{i}.pdf")
            os.rename(src, dst)
            self.small[k] = dst
            self.moved += 1

    def truth(self):
        """(SHA-256, path) of every PDF in the folder now, read from disk (a
        file whose inode, size and mtime did not change is not read again)."""
        out = set()
        for root, _, names in os.walk(self.folder):
            for n in names:
                p = os.path.join(root, n)
                st = os.stat(p)
                key = (p, st.st_ino, st.st_size, st.st_mtime_ns)
                if key not in self.digests:
                    with open(p, "rb") as f:
                        self.digests[key] = hashlib.sha256(f.read()).hexdigest()
                out.add((self.digests[key], p))
        return out


async def writer(office, a):
    """a.files PDFs over a.add_seconds; every 40th step also deletes one, every
    40th (offset 20) moves one to a new name."""
    every = a.files // a.large if a.large else 0
    start = time.monotonic()
    for i in range(a.files):
        office.add(i, large=bool(every) and i % every == every // 2)
        if i % 40 == 39:
            office.delete_one()
        elif i % 40 == 19:
            office.move_one(i)
        due = start + (i + 1) * a.add_seconds / a.files
        await asyncio.sleep(max(0, due - time.monotonic()))
    log(f"writer: {a.files} PDFs written ({len(office.large)} of 1 MiB), {office.deleted} deleted, "
        f"{office.moved} moved, in {time.monotonic() - start:.0f} s")


# ---------------------------------------------------------------- checks

def folder_check(pg, office, client_id):
    """Problems between the folder and the server's rows (empty = converged)."""
    rows = pg.query(f"SELECT file_hash, local_path, status FROM pdf_cache WHERE client_id = '{client_id}'")
    truth = office.truth()
    present = {(h, p) for h, p, s in rows if s != "missing"}
    problems = []
    if present != truth:
        lacking = sorted(truth - present)
        extra = sorted(present - truth)
        problems.append(f"server lacks {len(lacking)} of the folder's (hash, path), e.g. {lacking[:3]}; "
                        f"holds {len(extra)} the folder does not, e.g. {extra[:3]}")
    dup = [p for p, n in collections.Counter(p for h, p, s in rows if s != "missing").items() if n > 1]
    if dup:
        problems.append(f"{len(dup)} paths have more than one row not missing, e.g. {dup[:3]}")
    hashes = {h for h, _ in truth}
    false_missing = [(h, p) for h, p, s in rows if s == "missing" and h in hashes]
    if false_missing:
        problems.append(f"{len(false_missing)} rows marked missing for files that exist, e.g. {false_missing[:3]}")
    return problems, dict(rows=len(rows), folder=len(truth), missing=sum(1 for r in rows if r[2] == "missing"))


async def converge(pg, office, client_id, deadline, what):
    """Until folder_check is clean twice in a row (2 s apart), or the deadline."""
    clean = 0
    problems, stats = ["never checked"], {}
    while True:
        try:
            problems, stats = await asyncio.to_thread(folder_check, pg, office, client_id)
        except RuntimeError as e:
            problems = [str(e)]
        clean = clean + 1 if not problems else 0
        if clean >= 2:
            return [], stats
        if time.monotonic() > deadline:
            return [f"{what}: not converged by the deadline: " + p for p in problems], stats
        await asyncio.sleep(2 if clean else 1)


# ---------------------------------------------------------------- phases

async def chaos_phase(a, pg, server, daemon, proxy, office, failures):
    log(f"chaos: {a.files} PDFs over {a.add_seconds} s; server killed every {a.kill_every} s, "
        f"PostgreSQL restarted once, daemon killed {a.daemon_kills}x, proxy cuts and stalls")
    P = a.add_seconds
    faults = [(t, "server_kill") for t in range(a.kill_every, int(P) + 1, a.kill_every)]
    faults += [(0.45 * P + 3, "pg_restart"), (0.15 * P, "proxy_cut"), (0.55 * P + 2, "proxy_cut"),
               (0.85 * P + 1, "proxy_cut"), (0.35 * P, "proxy_stall")]
    faults += [(f * P + 4, "daemon_kill") for f in (0.25, 0.7)[:a.daemon_kills]]
    if a.long:
        faults.append((0.75 * P + 2, "proxy_stall"))
    faults.sort()
    counts = collections.Counter()
    writing = asyncio.ensure_future(writer(office, a))
    start = time.monotonic()
    last_fault = start
    for at, what in faults:
        await asyncio.sleep(max(0, start + at - time.monotonic()))
        if writing.done() and writing.exception():
            raise writing.exception()
        if what == "server_kill":
            server.kill()
            await asyncio.to_thread(server.start)
        elif what == "pg_restart":
            await asyncio.to_thread(pg.stop)
            await asyncio.sleep(3)
            await asyncio.to_thread(pg.start)
        elif what == "daemon_kill":
            daemon.kill()
            await asyncio.sleep(1)
            daemon.start(f"http://127.0.0.1:{proxy.port}", server.creds)
        elif what == "proxy_cut":
            proxy.cut_all()
        elif what == "proxy_stall":
            await proxy.stall(a.stall_s)
        counts[what] += 1
        last_fault = time.monotonic()
        log(f"fault: {what} done (links open {len(proxy.links)})")
    await writing
    if not daemon.alive():
        failures.append(f"the daemon exited on its own (code {daemon.proc.returncode}); see {daemon.logfile}")
    log(f"chaos: faults {dict(counts)}; checking the folder against the server (deadline {a.converge_s} s "
        "after the last fault)")
    problems, stats = await converge(pg, office, server.creds["clientId"], last_fault + a.converge_s, "chaos")
    converged_s = time.monotonic() - last_fault
    failures.extend(problems)
    log(f"chaos: {'converged' if not problems else 'NOT converged'} {converged_s:.1f} s after the last fault "
        f"({stats})")
    return dict(faults=dict(counts), converged_after_last_fault_s=round(converged_s, 1), **stats)


async def upload_phase(a, pg, server, proxy, office, failures):
    n = len(office.large)
    log(f"uploads: {n} PDFs of 1 MiB requested, each upload cut once midway by the proxy")
    proxy.cut_uploads = True
    hashes = list(office.large)
    rows = await asyncio.to_thread(
        pg.query, "SELECT id, file_hash FROM pdf_cache WHERE file_hash IN (%s)" % ",".join(f"'{h}'" for h in hashes))
    ids = {h: int(i) for i, h in rows}
    if len(ids) != n:
        failures.append(f"uploads: only {len(ids)} of {n} large PDFs are indexed")
    for h, pdf_id in ids.items():
        status, body = await asyncio.to_thread(server.api, "POST", f"/api/pdfs/{pdf_id}/request")
        if status not in (200, 202):
            failures.append(f"uploads: POST /api/pdfs/{pdf_id}/request answered {status} {body}")
    id_list = ",".join(str(i) for i in ids.values()) or "0"
    deadline = time.monotonic() + 60 + 3 * n
    t0 = time.monotonic()
    while True:
        rows = await asyncio.to_thread(pg.query, f"SELECT status, count(*) FROM pdf_cache WHERE id IN ({id_list}) GROUP BY 1")
        by = {s: int(c) for s, c in rows}
        if by.get("cached", 0) == len(ids) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    proxy.cut_uploads = False
    took = time.monotonic() - t0
    if by.get("cached", 0) != len(ids):
        failures.append(f"uploads: {by.get('cached', 0)} of {len(ids)} cached after {took:.0f} s ({by})")
    if proxy.upload_cuts < len(ids):
        failures.append(f"uploads: the proxy cut only {proxy.upload_cuts} of {len(ids)} uploads")
    # Byte for byte: the cached file on disk and the download.
    rows = await asyncio.to_thread(pg.query, f"SELECT id, file_hash, file_path FROM pdf_cache WHERE id IN ({id_list}) AND status = 'cached'")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    for pdf_id, h, file_path in rows:
        with open(office.large[h], "rb") as f:
            original = f.read()
        full = file_path if os.path.isabs(file_path) else os.path.join(server.storage, file_path)
        try:
            with open(full, "rb") as f:
                on_disk = f.read()
        except OSError as e:
            on_disk = str(e).encode()
        if on_disk != original:
            failures.append(f"uploads: the cached file of PDF {pdf_id} ({full}) is not the office's file")
        conn.request("GET", f"/api/pdfs/{pdf_id}/download", headers={"Authorization": "Bearer " + server.creds["adminToken"]})
        res = conn.getresponse()
        got = res.read()
        if res.status != 200 or got != original:
            failures.append(f"uploads: GET /api/pdfs/{pdf_id}/download gave {res.status}, {len(got)} bytes, not the office's file")
    conn.close()
    failures.extend(storage_check(pg, server))
    stuck = await asyncio.to_thread(pg.query, "SELECT (SELECT count(*) FROM pdf_cache WHERE status = 'uploading'),"
                                    " (SELECT count(*) FROM pdf_transfers WHERE status IN ('pending', 'in_progress'))")
    if stuck[0] != ["0", "0"]:
        failures.append(f"uploads: after every upload ended, {stuck[0][0]} PDFs are still 'uploading' and "
                        f"{stuck[0][1]} transfers still pending or in progress")
    cut_rows = await asyncio.to_thread(pg.query, "SELECT status, count(*) FROM pdf_transfers WHERE transfer_type = 'upload' GROUP BY 1")
    transfers = {s: int(c) for s, c in cut_rows}
    log(f"uploads: {by.get('cached', 0)} of {len(ids)} cached in {took:.1f} s; the proxy cut {proxy.upload_cuts} "
        f"uploads midway; transfers {transfers}")
    return dict(requested=len(ids), cached=by.get("cached", 0), cut=proxy.upload_cuts, seconds=round(took, 1),
                transfers=transfers)


def storage_check(pg, server):
    """No partial file anywhere: the storage folder holds exactly the cached
    PDFs, each whole (its SHA-256 is the hash in its name); tmp/ is empty."""
    problems = []
    cached = {r[0] for r in pg.query("SELECT file_path FROM pdf_cache WHERE status = 'cached'")}
    cached = {p if os.path.isabs(p) else os.path.join(server.storage, p) for p in cached}
    seen = set()
    for root, _, names in os.walk(server.storage):
        for n in names:
            p = os.path.join(root, n)
            if os.path.relpath(root, server.storage).split(os.sep)[0] == "tmp":
                problems.append(f"storage: a partial upload is left behind: {p}")
                continue
            with open(p, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            # <hash>-<16 hex, one per upload>_<name>.pdf
            if not re.match(re.escape(digest) + r"-[0-9a-f]{16}_", n):
                problems.append(f"storage: {p} is not a whole PDF (its SHA-256 is {digest[:12]}…)")
            # Files no row named, set aside by the reconciliation: whole, but no row's.
            if os.path.relpath(root, server.storage).split(os.sep)[0] == "quarantine":
                continue
            if p not in cached:
                problems.append(f"storage: {p} belongs to no cached row")
            seen.add(p)
    for p in sorted(cached - seen)[:5]:
        problems.append(f"storage: the cached row's file {p} is not on disk")
    return problems


async def pg_recovery_phase(a, pg, server, proxy, failures):
    """PostgreSQL restarted while the daemon's link is held: once it is back,
    requests in a row must be answered. Each of the server's database
    connections is stale after the restart; the requests that meet one must
    not be the ones that fail."""
    log("pg recovery: PostgreSQL restarted while nothing else reaches the server; then requests in a row")
    proxy.flowing.clear()  # the daemon's traffic waits, so the requests below meet the stale connections
    try:
        await asyncio.to_thread(pg.stop)
        await asyncio.sleep(1)
        await asyncio.to_thread(pg.start)
        statuses = []
        for _ in range(a.pg_probes):
            status, _ = await asyncio.to_thread(server.api, "GET", "/api/pdfs?pageSize=1")
            statuses.append(status)
    finally:
        proxy.flowing.set()
    refused = [s for s in statuses if s != 200]
    log(f"pg recovery: answers with PostgreSQL back: {statuses}")
    if refused:
        failures.append(f"pg recovery: PostgreSQL was back, yet {len(refused)} of {len(statuses)} requests in a row "
                        f"were answered {refused} (each database connection of the server fails the first request "
                        "it gets after the restart instead of reconnecting for it)")
    return dict(statuses=statuses)


def create_tokens(server, n):
    """n daemon tokens bound to sim-<i>, over four keep-alive connections."""
    import concurrent.futures
    out = [None] * n

    def batch(k):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for i in range(k, n, 4):
            for _ in range(10):  # 503: a database connection still to be renewed, retry later
                status, body = http_call(server.port, "POST", "/api/admin/daemon-tokens",
                                         body={"name": f"sim {i}", "clientId": f"sim-{i}"},
                                         token=server.creds["adminToken"], conn=conn)
                if status != 503:
                    break
                time.sleep(0.5)
            if status != 201:
                raise SetupError(f"POST /api/admin/daemon-tokens answered {status} {body}")
            out[i] = (body["token"], body["clientId"])
        conn.close()

    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        list(ex.map(batch, range(4)))
    return out


def health_probe(port):
    """Runs in its own process (--health-probe): GET /health back to back on
    one connection (a new one after an error) until its stdin ends; prints JSON."""
    import threading
    lat, errors = [], 0
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    conn = None
    while not done.is_set():
        t = time.perf_counter()
        try:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            res = conn.getresponse()
            res.read()
            if res.status == 200:
                lat.append(1000 * (time.perf_counter() - t))
            else:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn = None
            time.sleep(0.01)
        time.sleep(0.005)
    print(json.dumps({"latencies_ms": lat, "errors": errors}))


async def reconnect_phase(a, pg, server, daemon, proxy, office, failures):
    log(f"reconnect: {a.sims} simulated daemons (RECONNECT_BASE_MS={a.sim_base_ms}) and the real one; "
        "the server is killed and restarted")
    creds = await asyncio.to_thread(create_tokens, server, a.sims)
    fleet, tasks = await sim_daemons.start_fleet(server.port, creds, a.sim_base_ms)
    if not all(d.connected_at for d in fleet):
        failures.append(f"reconnect: only {sum(1 for d in fleet if d.connected_at)} of {len(fleet)} simulated "
                        f"daemons connected at all (refusals {collections.Counter(r for d in fleet for r in d.refusals)})")
        for d in fleet:
            d.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        return {}
    first = sorted(d.connected_at[0] - d.tried_at[0] for d in fleet)
    log(f"reconnect: {len(fleet)} simulated daemons connected (at most 100 connecting at once: "
        f"p50 {1000 * percentile(first, 50):.1f} ms, p99 {1000 * percentile(first, 99):.1f} ms each)")
    for d in fleet:
        d.connected_at.clear()
        d.tried_at.clear()
    probe = await asyncio.create_subprocess_exec(sys.executable, os.path.abspath(__file__), "--health-probe",
                                                 str(server.port), stdin=asyncio.subprocess.PIPE,
                                                 stdout=asyncio.subprocess.PIPE)
    await asyncio.sleep(1)
    killed = time.monotonic()
    server.kill()
    await asyncio.to_thread(server.start)
    ready = time.monotonic()
    deadline = ready + 120
    while sum(1 for d in fleet if d.connected_at) < len(fleet) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    back = sorted(d.connected_at[0] - killed for d in fleet if d.connected_at)
    # How long the successful attempt took: the server's share of the delay.
    began = sorted(max(t for t in d.tried_at if t <= d.connected_at[0]) - killed for d in fleet if d.connected_at)
    took = sorted(d.connected_at[0] - max(t for t in d.tried_at if t <= d.connected_at[0])
                  for d in fleet if d.connected_at)
    await asyncio.sleep(1)
    out, _ = await probe.communicate(b"")
    health = json.loads(out)
    failed_attempts = sum(d.failed_attempts for d in fleet)
    refusals = collections.Counter(r for d in fleet for r in d.refusals)
    if len(back) < len(fleet):
        failures.append(f"reconnect: only {len(back)} of {len(fleet)} simulated daemons reconnected within 120 s "
                        f"of the restart (refusals {dict(refusals)})")
    per_s = collections.Counter(int(t) for t in back)
    figures = dict(
        sims=len(fleet), reconnected=len(back),
        first_connect_p50_ms=round(1000 * percentile(first, 50), 1),
        first_connect_p99_ms=round(1000 * percentile(first, 99), 1), server_down_s=round(ready - killed, 2),
        first_s=round(back[0], 2) if back else None, median_s=round(percentile(back, 50), 2) if back else None,
        p90_s=round(percentile(back, 90), 2) if back else None, last_s=round(back[-1], 2) if back else None,
        spread_s=round(back[-1] - back[0], 2) if back else None,
        peak_reconnects_per_s=max(per_s.values()) if per_s else 0,
        attempts_began_first_s=round(began[0], 2) if began else None,
        attempts_began_last_s=round(began[-1], 2) if began else None,
        connect_p50_ms=round(1000 * percentile(took, 50), 1), connect_p99_ms=round(1000 * percentile(took, 99), 1),
        failed_attempts=failed_attempts, refusals=dict(refusals),
        health_requests=len(health["latencies_ms"]), health_errors=health["errors"],
        health_p50_ms=round(percentile(health["latencies_ms"], 50), 2),
        health_p99_ms=round(percentile(health["latencies_ms"], 99), 2),
        health_max_ms=round(max(health["latencies_ms"] or [float("nan")]), 2))
    log("reconnect: server down {server_down_s} s; reconnects after the kill: first {first_s} s, median {median_s} s, "
        "p90 {p90_s} s, last {last_s} s (spread {spread_s} s, peak {peak_reconnects_per_s}/s); "
        "the successful attempts began {attempts_began_first_s}-{attempts_began_last_s} s after the kill "
        "(the daemons' jitter) and took p50 {connect_p50_ms} ms, p99 {connect_p99_ms} ms; "
        "{failed_attempts} failed attempts; GET /health p50 {health_p50_ms} ms, p99 {health_p99_ms} ms, "
        "max {health_max_ms} ms over {health_requests} requests ({health_errors} errors, most while it was down)"
        .format(**figures))
    for d in fleet:
        d.stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    # The real daemon reconnected through the proxy and ran its reconciliation.
    problems, stats = await converge(pg, office, server.creds["clientId"], time.monotonic() + a.converge_s,
                                     "after the reconnect storm")
    failures.extend(problems)
    return figures


async def soak(a, work):
    failures = []
    pg = Postgres(work)
    await asyncio.to_thread(pg.start)
    server = Server(a, work, pg.conninfo)
    daemon = None
    proxy = None
    try:
        await asyncio.to_thread(server.start)
        proxy = await ChaosProxy(server.port, random.Random(a.seed)).start()
        office = Office(work, a.seed)
        daemon = Daemon(a, work, office.folder)
        daemon.start(f"http://127.0.0.1:{proxy.port}", server.creds)
        results = {"form": "long" if a.long else "short"}
        results["chaos"] = await chaos_phase(a, pg, server, daemon, proxy, office, failures)
        if a.pg_probes:
            results["pg_recovery"] = await pg_recovery_phase(a, pg, server, proxy, failures)
        if a.large:
            results["uploads"] = await upload_phase(a, pg, server, proxy, office, failures)
        if a.sims:
            results["reconnect"] = await reconnect_phase(a, pg, server, daemon, proxy, office, failures)
        if daemon and not daemon.alive():
            failures.append(f"the daemon is not running at the end; see {daemon.logfile}")
        results["failures"] = failures
        print(json.dumps({"event": "chaos:soak:summary", **results}), flush=True)
    finally:
        if daemon:
            daemon.stop()
        if proxy:
            await proxy.close()
        server.stop()
        pg.stop()
    return failures


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--health-probe":
        health_probe(int(sys.argv[2]))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", default=os.path.join(ROOT, "build", "actors", "siberius-server"))
    p.add_argument("--daemon", default=os.path.join(ROOT, "build", "daemon", "siberius-daemon"))
    p.add_argument("--schema-dir", default=os.path.join(ROOT, "schema"))
    p.add_argument("--long", action="store_true", default=os.environ.get("SIBERIUS_CHAOS_LONG") == "1",
                   help="the issue's numbers: 5,000 PDFs over 5 minutes, 100 cut uploads, 2,000 daemons "
                        "(or SIBERIUS_CHAOS_LONG=1)")
    for name in ("files", "add-seconds", "kill-every", "daemon-kills", "large", "sims"):
        p.add_argument("--" + name, type=int, help="overrides the form's number")
    p.add_argument("--stall-s", type=float)
    p.add_argument("--converge-s", type=float, default=60, help="deadline after the last fault")
    p.add_argument("--reconnect-base-ms", type=int, default=1000, help="the real daemon's RECONNECT_BASE_MS")
    p.add_argument("--sim-base-ms", type=int, default=5000,
                   help="the simulated daemons' RECONNECT_BASE_MS (the daemon's default)")
    p.add_argument("--pg-probes", type=int, default=4,
                   help="requests in a row once PostgreSQL is back in the pg recovery phase (0 skips it)")
    p.add_argument("--server-args", default="", help="more siberius-server flags, e.g. \"--db-workers 4\"")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--keep", action="store_true", default=os.environ.get("KEEP") == "1",
                   help="keep the work folder (logs) even when every check held")
    a = p.parse_args()
    for k, v in (LONG if a.long else SHORT).items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    for binary in (a.server, a.daemon):
        if not os.access(binary, os.X_OK):
            print(f"missing {binary}: build it first", file=sys.stderr)
            return 2
    # Every simulated daemon holds a descriptor here and one in the server.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    work = tempfile.mkdtemp(prefix="siberius-chaos-", dir=os.environ.get("SIBERIUS_TEST_SCRATCH"))
    # PostgreSQL runs as the postgres user when we are root: it must reach its folder.
    os.chmod(work, 0o755)
    log(f"work folder {work}")
    try:
        failures = asyncio.run(soak(a, work))
    except SetupError as e:
        print(f"setup failed: {e}; logs in {work}", file=sys.stderr)
        return 2
    for f in failures:
        print(f"FAILED: {f}", flush=True)
    if a.keep:
        print(f"work folder kept: {work}", flush=True)
    elif failures:
        # The logs stay; the folder, the cache and the cluster's data (tens of MB) go.
        for bulk in ("office", "staging", "storage", os.path.join("pg", "pg")):
            shutil.rmtree(os.path.join(work, bulk), ignore_errors=True)
        print(f"logs kept in {work} (server.log, daemon.log, pg/pg-logs)", flush=True)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
