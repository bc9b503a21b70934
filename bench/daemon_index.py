#!/usr/bin/env python3
"""The office daemon's first index, idle memory and new-file latency, measured
end to end against a real siberius-server and PostgreSQL (issue 3, "Benchmark").

Run through bench/daemon_index.sh, which starts the throw-away PostgreSQL and
removes the work folder. Python 3 standard library only.

Phases:
  copies     N distinct copies of the corpus' good PDFs (a `%distinct-N` line
             after %%EOF), the same recipe as bench-extract
  reference  bench-extract's plain poppler-cpp + SHA-256 loop (it makes its own
             byte-identical copies of the same recipe)
  index xW   a fresh database and server, then siberius-daemon with
             PARSE_WORKERS=W on the folder: wall time from the daemon's start
             until pdf_cache holds all N rows, and the daemon's VmHWM
  idle       after the last index, VmRSS once the daemon used no CPU for a while
  latency    a new distinct PDF renamed into the folder, time until its row
             appears; with a short STABLE_MS, then with the default
Prints a table, then one JSON line with every figure.
"""

import argparse
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(msg, flush=True)


def good_samples(corpus):
    # Directory order, as bench-extract's directory_iterator sees it, so that
    # copy i is byte-identical in both folders.
    samples = []
    with os.scandir(corpus) as it:
        for entry in it:
            if entry.name.endswith(".pdf") and not entry.name.startswith("bad_"):
                with open(entry.path, "rb") as f:
                    samples.append(f.read())
    if not samples:
        sys.exit(f"no good PDFs in {corpus}")
    return samples


def distinct_pdf(sample, tag):
    # A comment after %%EOF changes the hash and nothing a reader sees.
    return sample + f"%distinct-{tag}\n".encode()


def make_copies(samples, folder, count):
    os.makedirs(folder, exist_ok=True)
    total = 0
    for i in range(count):
        data = distinct_pdf(samples[i % len(samples)], i)
        with open(os.path.join(folder, f"doc-{i}.pdf"), "wb") as f:
            f.write(data)
        total += len(data)
    return total


def proc_status(pid):
    """VmRSS, VmHWM, RssAnon, RssFile in MB from /proc/<pid>/status."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "Threads"):
                    parts = value.split()
                    out[key] = int(parts[0]) / 1024 if key != "Threads" else int(parts[0])
    except OSError:
        pass
    return out


def rss_by_mapping(pid, top=6):
    """Resident MB per mapped file (and [anon] for the rest), largest first:
    says whether a high RSS is the daemon's own memory or shared libraries."""
    sizes, current = {}, None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                first = line.split(None, 1)[0]
                if "-" in first and not first.endswith(":"):
                    fields = line.split()
                    current = fields[5] if len(fields) > 5 else "[anon]"
                    if current.startswith("/"):
                        current = os.path.basename(current)
                elif first == "Rss:":
                    sizes[current] = sizes.get(current, 0) + int(line.split()[1]) / 1024
    except OSError:
        return []
    return sorted(((round(mb, 1), name) for name, mb in sizes.items()), reverse=True)[:top]


def pss_mb(pid):
    """Proportional set size: shared library pages counted by share."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def children(pid):
    """Live child processes of pid: the daemon's siberius-pdf-reader processes."""
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def cpu_seconds(pid):
    """CPU of pid and of its children, live (siberius-pdf-reader) or reaped."""
    def own(p, with_reaped):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])
            if with_reaped:
                ticks += int(fields[13]) + int(fields[14])
            return ticks / CLK_TCK
        except (OSError, IndexError, ValueError):
            return None
    total = own(pid, True)
    if total is None:
        return None
    return total + sum(own(k, False) or 0 for k in children(pid))


def readers_peak_mb(pid):
    """Sum of the live children's VmHWM: what the reader processes add at most."""
    return sum(proc_status(k).get("VmHWM", 0) for k in children(pid))


class Psql:
    """One long-lived psql session: polling by spawning psql every 10 ms would
    cost more CPU than the daemon under test."""

    def __init__(self, psql_bin, conninfo):
        self.proc = subprocess.Popen(
            [psql_bin, "-qAtX", "-v", "ON_ERROR_STOP=0", conninfo],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, bufsize=1)

    def scalar(self, sql):
        self.proc.stdin.write(sql.rstrip(";") + ";\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("psql session ended")
        return line.strip()

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()


class Bench:
    def __init__(self, a):
        self.a = a
        self.started = []  # processes to stop on the way out

    def spawn(self, argv, logfile, env=None, cwd=None):
        out = open(logfile, "ab")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        out.close()
        self.started.append(p)
        return p

    def stop(self, p, timeout=10):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.started:
            self.started.remove(p)

    def stop_all(self):
        for p in list(self.started):
            self.stop(p)

    def conninfo(self, dbname):
        parts = [kv for kv in self.a.pg.split() if not kv.startswith("dbname=")]
        return " ".join(parts + [f"dbname={dbname}"])

    def fresh_server(self, name):
        """A new database and a server on it; returns (process, credentials)."""
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            done = subprocess.run([self.a.psql, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql, self.conninfo("postgres")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if done.returncode != 0:
                sys.exit(f"psql: {sql}: {done.stderr.strip()}")
        creds_path = os.path.join(self.a.work, f"{name}-credentials.json")
        port = free_port()
        server = self.spawn([self.a.server, "--port", str(port), "--db", self.conninfo(name),
                             "--schema-dir", self.a.schema_dir, "--credentials", creds_path,
                             "--log-level", "warn"], os.path.join(self.a.work, f"{name}-server.log"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if os.path.exists(creds_path) and os.path.getsize(creds_path) > 0:
                try:
                    with open(creds_path) as f:
                        return server, json.load(f)
                except json.JSONDecodeError:
                    pass  # still being written
            if server.poll() is not None:
                sys.exit(f"siberius-server exited at start; see {name}-server.log")
            time.sleep(0.05)
        sys.exit("siberius-server wrote no credentials within 60 s")

    def start_daemon(self, creds, workers, stable_ms, logname):
        env = {k: v for k, v in os.environ.items() if k not in ("STABLE_MS", "PARSE_WORKERS")}
        env.update(SERVER_URL=creds["url"], DAEMON_TOKEN=creds["daemonToken"], CLIENT_ID=creds["clientId"],
                   PDF_DIRECTORY=self.a.folder, PARSE_WORKERS=str(workers), LOG_LEVEL="info")
        if stable_ms is not None:
            env["STABLE_MS"] = str(stable_ms)
        # cwd without .env or config.json: only the environment configures it.
        return self.spawn([self.a.daemon], os.path.join(self.a.work, logname), env=env, cwd=self.a.work)

    def wait_idle(self, daemon, quiet_s, limit_s=120):
        """Until the daemon used (almost) no CPU for quiet_s seconds and its
        reader processes have ended (READER_IDLE_MS after their last file)."""
        start = time.monotonic()
        last_cpu, quiet_since = cpu_seconds(daemon.pid), time.monotonic()
        while time.monotonic() - start < limit_s:
            time.sleep(0.25)
            if daemon.poll() is not None:
                raise RuntimeError("the daemon exited")
            cpu = cpu_seconds(daemon.pid)
            if cpu - last_cpu > 0.011:  # more than one clock tick
                last_cpu, quiet_since = cpu, time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_s and not children(daemon.pid):
                return time.monotonic() - start
        raise RuntimeError(f"the daemon never went idle within {limit_s} s")

    def first_index(self, workers):
        name = f"daemon_index_w{workers}"
        server, creds = self.fresh_server(name)
        db = Psql(self.a.psql, self.conninfo(name))
        count = int(db.scalar("SELECT count(*) FROM pdf_cache"))
        assert count == 0, "fresh database is not empty"
        t0 = time.monotonic()
        daemon = self.start_daemon(creds, workers, self.a.index_stable_ms, f"{name}-daemon.log")
        deadline = t0 + self.a.timeout
        peak_pss, next_sample = 0.0, 0.0
        while True:
            if time.monotonic() >= next_sample:
                # Daemon + reader processes, shared pages counted once (PSS).
                peak_pss = max(peak_pss, sum(pss_mb(p) or 0 for p in [daemon.pid] + children(daemon.pid)))
                next_sample = time.monotonic() + 0.2
            count = int(db.scalar("SELECT count(*) FROM pdf_cache"))
            if count >= self.a.files:
                break
            if daemon.poll() is not None:
                raise RuntimeError(f"the daemon exited while indexing ({count} rows); see {name}-daemon.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {count} of {self.a.files} rows after {self.a.timeout} s")
            time.sleep(0.05)
        seconds = time.monotonic() - t0
        cpu = cpu_seconds(daemon.pid)
        mem = proc_status(daemon.pid)
        readers = readers_peak_mb(daemon.pid)
        return dict(workers=workers, seconds=seconds, rows=count, cpu_seconds=cpu,
                    peak_rss_mb=mem.get("VmHWM"), readers_peak_mb=readers,
                    peak_with_readers_mb=mem.get("VmHWM") + readers, peak_pss_total_mb=peak_pss,
                    rss_at_end_mb=mem.get("VmRSS"),
                    threads=mem.get("Threads")), server, creds, daemon, db

    def idle_memory(self, daemon):
        waited = self.wait_idle(daemon, self.a.idle_seconds)
        mem = proc_status(daemon.pid)
        return dict(waited_s=waited, rss_mb=mem.get("VmRSS"), anon_mb=mem.get("RssAnon"),
                    file_mb=mem.get("RssFile"), peak_rss_mb=mem.get("VmHWM"), pss_mb=pss_mb(daemon.pid),
                    largest=rss_by_mapping(daemon.pid))

    def latency(self, daemon, db, samples, tag, rounds):
        """Each new PDF is written and closed outside the folder, then renamed
        into it (the moved-to path, atomic: the daemon never sees it half written)."""
        staging = os.path.join(self.a.work, "staging")
        os.makedirs(staging, exist_ok=True)
        out = []
        for k in range(rounds):
            data = distinct_pdf(samples[k % len(samples)], f"{tag}-{k}")
            digest = hashlib.sha256(data).hexdigest()
            temp = os.path.join(staging, f"{tag}-{k}.pdf")
            with open(temp, "wb") as f:
                f.write(data)
            t0 = time.monotonic()
            os.rename(temp, os.path.join(self.a.folder, f"new-{tag}-{k}.pdf"))
            query = f"SELECT count(*) FROM pdf_cache WHERE file_hash = '{digest}'"
            while db.scalar(query) == "0":
                if daemon.poll() is not None:
                    raise RuntimeError("the daemon exited during the latency phase")
                if time.monotonic() - t0 > 30:
                    raise RuntimeError(f"new PDF {k} not on the server after 30 s")
                time.sleep(0.01)
            out.append(time.monotonic() - t0)
            time.sleep(0.3)  # the next file arrives to an idle daemon
        return out


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def percentile(values, p):
    v = sorted(values)
    rank = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))  # nearest rank
    return v[rank]


def run_reference(a):
    """bench-extract, one round: its `reference` phase is the plain loop."""
    argv = [a.bench_extract, "--files", str(a.files), "--rounds", str(a.ref_rounds), "--corpus", a.corpus]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench-extract failed: {proc.stderr.strip()}")
    best = {}
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue
        ev = json.loads(line)
        if ev.get("event") != "bench:extract:phase":
            continue
        prev = best.get(ev["phase"])
        if prev is None or ev["seconds"] < prev["seconds"]:
            peak = max(ev["peak_rss_mb"], prev["peak_rss_mb"]) if prev else ev["peak_rss_mb"]
            best[ev["phase"]] = dict(ev, peak_rss_mb=peak)
    if "reference" not in best:
        sys.exit("bench-extract printed no reference phase")
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True, help="work folder (logs, copies)")
    p.add_argument("--pg", required=True, help="conninfo of the PostgreSQL cluster (any dbname)")
    p.add_argument("--psql", default="psql")
    p.add_argument("--server", required=True)
    p.add_argument("--daemon", required=True)
    p.add_argument("--bench-extract", required=True)
    p.add_argument("--schema-dir", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--files", type=int, default=2000)
    p.add_argument("--ref-rounds", type=int, default=1)
    p.add_argument("--index-stable-ms", type=int, default=200,
                   help="STABLE_MS for the first index (every file waits this long once)")
    p.add_argument("--latency-stable-ms", type=int, default=200)
    p.add_argument("--latency-rounds", type=int, default=20)
    p.add_argument("--idle-seconds", type=float, default=5)
    p.add_argument("--timeout", type=float, default=600)
    a = p.parse_args()
    a.folder = os.path.join(a.work, "pdfs")

    bench = Bench(a)
    try:
        return measure(a, bench)
    finally:
        bench.stop_all()


def measure(a, bench):
    samples = good_samples(a.corpus)
    total = make_copies(samples, a.folder, a.files)
    log(f"copies: {a.files} distinct PDFs from {len(samples)} good corpus files, {total / 2**20:.1f} MB, in {a.folder}")

    log("reference: bench-extract (plain poppler-cpp + SHA-256 loop over the same recipe of copies) ...")
    ref = run_reference(a)
    r = ref["reference"]
    log(f"  reference {r['seconds']:.2f} s, {a.files / r['seconds']:.0f} docs/s, peak RSS {r['peak_rss_mb']:.1f} MB")

    results, idle = [], []
    lat_short = lat_default = None
    for workers in (1, 2):
        log(f"index x{workers}: fresh database and server, daemon with PARSE_WORKERS={workers}, "
            f"STABLE_MS={a.index_stable_ms} ...")
        res, server, creds, daemon, db = bench.first_index(workers)
        res["ratio"] = res["seconds"] / r["seconds"]
        results.append(res)
        log(f"  {res['rows']} rows in {res['seconds']:.2f} s ({a.files / res['seconds']:.0f} docs/s, "
            f"{res['ratio']:.2f}x the reference), peak RSS {res['peak_rss_mb']:.1f} MB "
            f"(+ readers {res['readers_peak_mb']:.1f} = {res['peak_with_readers_mb']:.1f} MB; "
            f"sampled PSS of all of them {res['peak_pss_total_mb']:.1f} MB), "
            f"CPU {res['cpu_seconds']:.2f} s, {res['threads']} threads")
        im = bench.idle_memory(daemon)
        im["workers"] = workers
        idle.append(im)
        log(f"  idle after {im['waited_s']:.1f} s: VmRSS {im['rss_mb']:.1f} MB "
            f"(anon {im['anon_mb']:.1f}, file-backed {im['file_mb']:.1f}; PSS {im['pss_mb']:.1f})")
        log("  largest resident mappings (MB): " + ", ".join(f"{name} {mb}" for mb, name in im["largest"]))
        if workers == 2:
            log(f"latency: {a.latency_rounds} new PDFs renamed into the folder, STABLE_MS={a.latency_stable_ms} ...")
            lat_short = bench.latency(daemon, db, samples, f"s{a.latency_stable_ms}", a.latency_rounds)
            bench.stop(daemon)
            log("latency: daemon restarted with the default STABLE_MS (it re-reads the folder first) ...")
            daemon = bench.start_daemon(creds, 2, None, "latency-default-daemon.log")
            bench.wait_idle(daemon, a.idle_seconds)
            lat_default = bench.latency(daemon, db, samples, "default", a.latency_rounds)
            rows = int(db.scalar("SELECT count(*) FROM pdf_cache"))
            expected = a.files + 2 * a.latency_rounds
            if rows != expected:
                raise RuntimeError(f"pdf_cache holds {rows} rows, expected {expected}")
        bench.stop(daemon)
        db.close()
        bench.stop(server)

    # Table
    ref_rate = a.files / r["seconds"]
    log("")
    log(f"{'phase':<26}{'seconds':>9}{'docs/s':>9}{'vs ref':>9}{'CPU ms/doc':>12}{'peak RSS MB':>13}"
        f"{'+readers':>10}{'PSS all':>9}")
    log(f"{'reference (bench-extract)':<26}{r['seconds']:>9.2f}{ref_rate:>9.0f}{1:>8.2f}x"
        f"{1000 * r['cpu_seconds'] / a.files:>12.2f}{r['peak_rss_mb']:>13.1f}")
    for name in ("read_pdf x1", "read_pdf x2"):
        if name in ref:
            e = ref[name]
            log(f"{name + ' (bench-extract)':<26}{e['seconds']:>9.2f}{a.files / e['seconds']:>9.0f}"
                f"{e['seconds'] / r['seconds']:>8.2f}x{1000 * e['cpu_seconds'] / a.files:>12.2f}{e['peak_rss_mb']:>13.1f}")
    for res in results:
        log(f"{'daemon index x' + str(res['workers']):<26}{res['seconds']:>9.2f}{a.files / res['seconds']:>9.0f}"
            f"{res['ratio']:>8.2f}x{1000 * res['cpu_seconds'] / a.files:>12.2f}{res['peak_rss_mb']:>13.1f}"
            f"{res['peak_with_readers_mb']:>10.1f}{res['peak_pss_total_mb']:>9.1f}")
    log(f"(daemon wall time: from its start until pdf_cache has all {a.files} rows; it includes connecting, "
        f"STABLE_MS={a.index_stable_ms} once, and the server's inserts)")
    for im in idle:
        log(f"idle RSS, daemon x{im['workers']}: {im['rss_mb']:.1f} MB (anon {im['anon_mb']:.1f}, "
            f"file-backed {im['file_mb']:.1f}, mostly shared libraries; PSS {im['pss_mb']:.1f})")

    def lat_line(label, values):
        ms = [1000 * v for v in values]
        log(f"latency, {label}: median {statistics.median(ms):.0f} ms, p90 {percentile(ms, 90):.0f} ms, "
            f"min {min(ms):.0f}, max {max(ms):.0f} (n={len(ms)})")
    log("latency = rename of a closed file into the folder -> its pdf_cache row visible (psql every 10 ms); "
        "it INCLUDES the daemon's stability wait (STABLE_MS, checked every STABLE_MS/2)")
    lat_line(f"STABLE_MS={a.latency_stable_ms}", lat_short)
    lat_line("STABLE_MS default (500)", lat_default)

    one, two = results
    # The reader processes are part of the daemon: counted in its peak, by PSS
    # (summing their RSS would count the libraries they share two or three times).
    peak = max(x["peak_pss_total_mb"] for x in results)
    idle_rss = max(x["rss_mb"] for x in idle)
    med_short = statistics.median(lat_short)
    med_default = statistics.median(lat_default)
    checks = {
        "x1 within 1.3x of the reference": one["ratio"] <= 1.3,
        "x2 faster than the reference": two["ratio"] < 1.0,
        "peak memory while indexing <= 40 MB (PSS of daemon + readers)": peak <= 40,
        "idle RSS <= 15 MB": idle_rss <= 15,
        f"latency median <= 1 s (STABLE_MS={a.latency_stable_ms})": med_short <= 1.0,
        "latency median <= 1 s (default STABLE_MS)": med_default <= 1.0,
    }
    log("")
    for what, ok in checks.items():
        log(f"target: {what}: {'met' if ok else 'MISSED'}")

    summary = {
        "event": "bench:daemon_index:summary",
        "files": a.files, "megabytes": round(total / 2**20, 1), "cores": os.cpu_count(),
        "reference_seconds": r["seconds"], "reference_docs_per_s": ref_rate, "reference_peak_rss_mb": r["peak_rss_mb"],
        "index_stable_ms": a.index_stable_ms,
        "index": [{"workers": x["workers"], "seconds": x["seconds"], "docs_per_s": a.files / x["seconds"],
                   "ratio": x["ratio"], "cpu_seconds": x["cpu_seconds"], "peak_rss_mb": x["peak_rss_mb"],
                   "readers_peak_mb": x["readers_peak_mb"], "peak_with_readers_mb": x["peak_with_readers_mb"],
                   "peak_pss_total_mb": x["peak_pss_total_mb"]}
                  for x in results],
        "idle_rss_mb": [{"workers": x["workers"], "rss_mb": x["rss_mb"], "anon_mb": x["anon_mb"],
                         "file_mb": x["file_mb"], "pss_mb": x["pss_mb"], "largest_mappings_mb": {n: mb for mb, n in x["largest"]}} for x in idle],
        "latency_mode": "write+close outside the folder, then rename into it",
        "latency_includes_stability_wait": True,
        "latency_ms": {
            f"stable_{a.latency_stable_ms}": {"median": 1000 * med_short, "p90": 1000 * percentile(lat_short, 90)},
            "stable_default": {"median": 1000 * med_default, "p90": 1000 * percentile(lat_default, 90)},
        },
        "targets_met": checks,
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
