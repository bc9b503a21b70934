#!/usr/bin/env python3
"""The office daemon's restart over a folder the server already knows (issue 13):
wall and CPU time from the daemon's start until its reconciliation is done
(`sync:done`), the files it read on the way (want: none), and its idle RSS.

Run through bench/daemon_restart.sh (throw-away PostgreSQL, work folder removed).
Python 3 standard library only; helpers shared with bench/daemon_index.py.

Folders are made of small generated PDFs (one page, one line of text, ~700
bytes, each distinct), 500 per sub-folder, mtimes an hour old:
  --files N (10,000)   a real first index by the daemon, then a restart
  --large N (100,000)  the server's rows written by SQL as a first index would
                       have left them (path, size, mtime, real SHA-256): a
                       first index of 100,000 files takes minutes and is not
                       what is measured; then the daemon starts over it
"""

import argparse
import hashlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_index as di  # noqa: E402

TARGETS = {"restart_s": 2.0, "restart_cpu_s": 1.0, "idle_rss_mb": 15.0, "large_idle_rss_mb": 40.0}


def small_pdf(i):
    text = f"BT /F1 12 Tf 20 100 Td (Documento {i}) Tj ET".encode()
    objs = [b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
            b"<</Length %d>>stream\n%s\nendstream" % (len(text), text),
            b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_folder(folder, count):
    """count distinct PDFs, an hour old; returns [(path, size, mtime_ms, sha256)]."""
    files = []
    old = time.time() - 3600
    for i in range(count):
        sub = os.path.join(folder, f"{i // 500:04d}")
        if i % 500 == 0:
            os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"doc-{i}.pdf")
        data = small_pdf(i)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (old, old))
        st = os.stat(path)
        files.append((path, st.st_size, st.st_mtime_ns // 1000000, hashlib.sha256(data).hexdigest()))
    return files


def preload(db_bench, dbname, client_id, files):
    """The rows a first index leaves: one per file, present, with size and mtime."""
    rows = os.path.join(db_bench.a.work, "preload.csv")
    with open(rows, "w") as f:
        for path, size, mtime_ms, digest in files:
            f.write(f"{digest}\t{os.path.basename(path)}\t{size}\t{path}\t{client_id}\t{mtime_ms}\n")
    sql = ("\\copy pdf_cache (file_hash, filename, file_size, local_path, client_id, local_mtime_ms) "
           f"FROM '{rows}'")
    done = di.subprocess.run([db_bench.a.psql, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql,
                              db_bench.conninfo(dbname)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"psql: {done.stderr.strip()}")


def log_lines(path, start=0):
    with open(path, "rb") as f:
        f.seek(start)
        return [json.loads(l) for l in f.read().decode(errors="replace").splitlines() if l.startswith("{")]


def restart(bench, creds, logname, limit_s=120):
    """Starts the daemon; returns its figures once its reconciliation is done and it went idle."""
    path = os.path.join(bench.a.work, logname)
    start = os.path.getsize(path) if os.path.exists(path) else 0
    t0 = time.monotonic()
    daemon = bench.start_daemon(creds, 2, None, logname)
    while True:
        lines = log_lines(path, start)
        if any(l.get("event") == "sync:done" for l in lines):
            break
        if daemon.poll() is not None:
            sys.exit(f"the daemon exited; see {logname}")
        if time.monotonic() - t0 > limit_s:
            sys.exit(f"no sync:done within {limit_s} s; see {logname}")
        time.sleep(0.02)
    wall = time.monotonic() - t0
    cpu = di.cpu_seconds(daemon.pid)
    idle = bench.idle_memory(daemon)
    lines = log_lines(path, start)
    done = next(l for l in lines if l.get("event") == "sync:done")
    return daemon, dict(restart_s=round(wall, 2), cpu_s=round(cpu, 2), files_read=sum(l.get("event") == "pdf:read" for l in lines),
                        sync_files=done.get("files"), sync_needed=done.get("needed"),
                        idle_rss_mb=round(idle["rss_mb"], 1), idle_anon_mb=round(idle["anon_mb"], 1))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("work", "pg", "server", "daemon", "schema-dir"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--psql", default="psql")
    p.add_argument("--files", type=int, default=10000)
    p.add_argument("--large", type=int, default=100000, help="0 skips the large folder")
    p.add_argument("--idle-seconds", type=float, default=5)
    a = p.parse_args()
    a.folder = None
    bench = di.Bench(a)
    results = {}
    try:
        # 10,000: a first index by the daemon, then a restart over the same folder.
        a.folder = os.path.join(a.work, f"f{a.files}")
        di.log(f"making {a.files} PDFs ...")
        make_folder(a.folder, a.files)
        server, creds = bench.fresh_server("restart_small")
        t0 = time.monotonic()
        daemon, first = restart(bench, creds, "small-daemon.log", limit_s=900)
        first["restart_s"] = round(time.monotonic() - t0, 2)  # includes the idle wait: first index only
        bench.stop(daemon)
        di.log(f"first index: {first['files_read']} files read, idle RSS {first['idle_rss_mb']} MB")
        daemon, results["restart"] = restart(bench, creds, "small-daemon.log")
        bench.stop(daemon)
        bench.stop(server)
        results["first_index_idle_rss_mb"] = first["idle_rss_mb"]
        if a.large:
            a.folder = os.path.join(a.work, f"f{a.large}")
            di.log(f"making {a.large} PDFs ...")
            files = make_folder(a.folder, a.large)
            server, creds = bench.fresh_server("restart_large")
            # The daemon row exists once it connected; the rows are written for its client id.
            preload(bench, "restart_large", creds["clientId"], files)
            daemon, results["large"] = restart(bench, creds, "large-daemon.log", limit_s=300)
            bench.stop(daemon)
            bench.stop(server)
    finally:
        bench.stop_all()

    r = results["restart"]
    rows = [("restart to idle, %d unchanged files" % a.files, f"{r['restart_s']} s", "<= %.0f s" % TARGETS["restart_s"]),
            ("  CPU (daemon + readers)", f"{r['cpu_s']} s", "<= %.0f s" % TARGETS["restart_cpu_s"]),
            ("  files read", str(r["files_read"]), "0"),
            ("  idle RSS", f"{r['idle_rss_mb']} MB", "<= %.0f MB" % TARGETS["idle_rss_mb"])]
    if "large" in results:
        g = results["large"]
        rows += [("start over %d known files" % a.large, f"{g['restart_s']} s, CPU {g['cpu_s']} s, {g['files_read']} read", ""),
                 ("  idle RSS", f"{g['idle_rss_mb']} MB", "<= %.0f MB" % TARGETS["large_idle_rss_mb"])]
    for name, got, want in rows:
        di.log(f"{name:<42} {got:<28} {want}")
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
