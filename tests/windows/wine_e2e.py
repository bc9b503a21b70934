#!/usr/bin/env python3
"""The Windows daemon under Wine, against the real Linux siberius-server and
PostgreSQL (issue 13, "Tests under Wine"):

1. siberius-pdf-reader.exe gives exactly the facts (hash, size, metadata,
   problem, warnings) the Linux reader gives, for every sample of the corpus;
2. --check on a good config connects; a refused token and a bad config fail
   with their exit codes and words;
3. siberius-daemon.exe indexes a folder with accented names and a path over
   260 characters into the server, with the metadata and Windows paths;
4. picks up a new file; serves an upload request (the downloaded bytes have
   the file's hash);
5. reconnects after the server restarts and indexes what arrived meanwhile.

    wine_e2e.py --windows BUILD_WINDOWS/dist --linux-reader PATH --server PATH
                --schema-dir DIR --corpus DIR   (SIBERIUS_PG: a cluster's conninfo)

Python 3 standard library; psql for the database. Each check prints PASS or
FAIL; the exit code is the number of failures (0: all passed).
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

failures = 0


def check(ok, what, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + what + ("" if ok or not detail else f"\n     {detail}"), flush=True)
    if not ok:
        failures += 1
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def until(what, predicate, timeout):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.3)
    return last


class World:
    def __init__(self, a):
        self.a = a
        self.work = tempfile.mkdtemp(prefix="siberius-wine-")
        self.prefix = os.path.join(self.work, "wineprefix")
        self.procs = []
        self.db = f"sib_wine_{os.getpid()}"
        self.psql_conn = os.environ["SIBERIUS_PG"]
        self.psql("postgres", f"DROP DATABASE IF EXISTS {self.db}")
        self.psql("postgres", f"CREATE DATABASE {self.db}")
        self.port = free_port()
        self.server = None
        self.creds = None

    # -- PostgreSQL ---------------------------------------------------------
    def conninfo(self, dbname):
        parts = [p for p in self.psql_conn.split() if not p.startswith("dbname=")]
        return " ".join(parts + [f"dbname={dbname}"])

    def psql(self, dbname, sql):
        out = subprocess.run(["psql", self.conninfo(dbname), "-XAtq", "-F", "\t", "-c", sql],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql: {out.stderr}")
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def rows(self):
        return self.psql(self.db, "SELECT file_hash, status, coalesce(local_path, ''), coalesce(tipo, ''), "
                                  "coalesce(numero, ''), coalesce(cliente, ''), coalesce(data_evento::text, '') FROM pdf_cache")

    # -- the server ---------------------------------------------------------
    def start_server(self):
        creds_path = os.path.join(self.work, "credentials.json")
        log = open(os.path.join(self.work, "server.log"), "ab")
        self.server = subprocess.Popen(
            [self.a.server, "--port", str(self.port), "--db", self.conninfo(self.db), "--schema-dir",
             self.a.schema_dir, "--credentials", creds_path, "--storage-dir", os.path.join(self.work, "server-data"),
             "--ping-interval-ms", "1000", "--ping-timeout-ms", "2000"],
            stdout=log, stderr=log)
        ok = until("server", lambda: os.path.exists(creds_path) and self.http_ok("/health"), 60)
        if not ok:
            raise RuntimeError("siberius-server did not start; see " + os.path.join(self.work, "server.log"))
        with open(creds_path) as f:
            self.creds = json.load(f)

    def stop_server(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()

    def http_ok(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as r:
                return r.status == 200
        except Exception:
            return False

    def api(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.creds["adminToken"])
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    # -- Wine ---------------------------------------------------------------
    def wine_env(self, extra=None):
        # Wine reads Linux file names in the locale's encoding: UTF-8, as the files are named.
        env = {"PATH": "/usr/bin:/bin", "HOME": self.work, "WINEPREFIX": self.prefix, "WINEDEBUG": "-all",
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
               "WINEDLLOVERRIDES": "mscoree,mshtml="}
        env.update(extra or {})
        return env

    def wine(self, args, extra_env=None, timeout=120, cwd=None):
        return subprocess.run(["wine"] + args, env=self.wine_env(extra_env), capture_output=True, timeout=timeout,
                              cwd=cwd or self.work)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.stop_server()
        subprocess.run(["wineserver", "-k"], env=self.wine_env(), capture_output=True)
        try:
            self.psql("postgres", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        except Exception:
            pass
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print("kept", self.work)


def compare_extraction(w, a):
    """Every corpus sample, read by the Windows reader under Wine and by the Linux one."""
    samples = sorted(f for f in os.listdir(a.corpus) if f.endswith(".pdf"))
    folder = os.path.join(w.work, "corpus")
    shutil.copytree(a.corpus, folder)
    lin = subprocess.run([a.linux_reader, "--print"] + samples, cwd=folder, capture_output=True, text=True)
    win = w.wine([os.path.join(a.windows, "siberius-pdf-reader.exe"), "--print"] + samples, cwd=folder)
    win_lines = win.stdout.decode("utf-8", "replace").replace("\r\n", "\n").splitlines()
    lin_facts = {json.loads(l)["file"]: json.loads(l)["facts"] for l in lin.stdout.splitlines()}
    win_facts = {json.loads(l)["file"]: json.loads(l)["facts"] for l in win_lines if l.startswith("{")}
    check(len(lin_facts) == len(samples) and len(samples) > 0, f"the Linux reader read all {len(samples)} samples")
    check(win.returncode == 0 and set(win_facts) == set(samples),
          f"the Windows reader under Wine read all {len(samples)} samples",
          f"exit {win.returncode}; got {sorted(set(samples) - set(win_facts))[:5]} missing; "
          f"stderr: {win.stderr.decode('utf-8', 'replace')[-400:]}")
    differing = [s for s in samples if lin_facts.get(s) != win_facts.get(s)]
    check(not differing, "every sample gives exactly the same facts on Windows as on Linux",
          "; ".join(f"{s}: linux {lin_facts.get(s)} windows {win_facts.get(s)}" for s in differing[:3]))
    return lin_facts


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--windows", required=True, help="folder with siberius-daemon.exe and siberius-pdf-reader.exe")
    p.add_argument("--linux-reader", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--schema-dir", required=True)
    p.add_argument("--corpus", required=True)
    a = p.parse_args()
    if shutil.which("wine") is None:
        print("SKIP: wine is not installed")
        return 77
    daemon_exe = os.path.join(a.windows, "siberius-daemon.exe")
    for exe in (daemon_exe, os.path.join(a.windows, "siberius-pdf-reader.exe")):
        if not os.path.exists(exe):
            print(f"FAIL {exe} is missing: build it with scripts/build-windows")
            return 1
    w = World(a)
    try:
        t0 = time.time()
        boot = w.wine(["cmd", "/c", "ver"], timeout=180)  # creates the prefix
        print(f"     (Wine prefix ready in {time.time() - t0:.1f} s)")
        facts = compare_extraction(w, a)

        w.start_server()
        url = f"http://127.0.0.1:{w.port}"
        # The folder: accented names, and one file deeper than 260 characters.
        folder = os.path.join(w.work, "pdfs")
        accented = os.path.join(folder, "Orçamento São João")
        deep = os.path.join(folder, *(["pasta de orçamentos antigos " + str(i) for i in range(8)]))
        os.makedirs(accented)
        os.makedirs(deep)
        good = [s for s, f in sorted(facts.items()) if f["problem"] == "none"]
        # Broken files are reported as daemon errors; a scan without text is indexed as such, not an error.
        broken = [s for s, f in sorted(facts.items()) if f["problem"] not in ("none", "no_text_layer")]
        first, later, last = good[:-2], good[-2], good[-1]
        placed = {}
        for i, s in enumerate(first):
            target_dir = accented if i % 3 == 0 else deep if i % 3 == 1 else folder
            name = "Orçamento São João nº 12.pdf" if i == 0 else s
            shutil.copy(os.path.join(a.corpus, s), os.path.join(target_dir, name))
            placed[facts[s]["sha256"]] = os.path.join(target_dir, name)
        for s in broken:
            shutil.copy(os.path.join(a.corpus, s), os.path.join(folder, s))
        deepest = max(placed.values(), key=len)
        check(len(deepest) > 260, f"a path of {len(deepest)} characters is in the folder")

        env_file = os.path.join(w.work, "daemon.env")
        with open(env_file, "w", encoding="utf-8") as f:
            f.write(f"SERVER_URL={url}\nDAEMON_TOKEN={w.creds['daemonToken']}\nCLIENT_ID={w.creds['clientId']}\n"
                    f"PDF_DIRECTORY={folder}\nSTABLE_MS=200\nSETTLE_MS=2500\nRECONNECT_BASE_MS=300\n"
                    f"SYNC_DEBOUNCE_MS=300\nPARSE_WORKERS=2\n")

        out = w.wine([daemon_exe, "--check", "--config", env_file])
        text = out.stdout.decode("utf-8", "replace")
        check(out.returncode == 0 and "connected and authenticated" in text,
              "--check on a good config connects and says so", f"exit {out.returncode}: {text}")
        out = w.wine([daemon_exe, "--check", "--config", env_file, "--token", "not-a-real-token"])
        text = out.stdout.decode("utf-8", "replace")
        check(out.returncode == 1 and "refused" in text, "--check with a wrong token exits 1 and says refused",
              f"exit {out.returncode}: {text}")
        out = w.wine([daemon_exe, "--check", "--server-url", url, "--token", "x", "--pdf-directory",
                      os.path.join(w.work, "no-such-folder")])
        err = out.stderr.decode("utf-8", "replace")
        check(out.returncode == 2 and "PDF_DIRECTORY" in err and "does not exist" in err,
              "--check on a missing folder exits 2 and names PDF_DIRECTORY", f"exit {out.returncode}: {err[-300:]}")

        log_path = os.path.join(w.work, "daemon.log")
        log = open(log_path, "ab")
        daemon = subprocess.Popen(["wine", daemon_exe, "--config", env_file], env=w.wine_env(), stdout=log,
                                  stderr=log, cwd=w.work)
        w.procs.append(daemon)

        def indexed():
            rows = {r[0]: r for r in w.rows()}
            return rows if all(h in rows and rows[h][1] == "available_local" for h in placed) else None
        t0 = time.time()
        rows = until("first index", indexed, 120)
        check(rows is not None, f"the daemon under Wine indexed all {len(placed)} readable PDFs "
                                f"({time.time() - t0:.1f} s)", f"have {len(w.rows())} rows; see {log_path}")
        rows = {r[0]: r for r in w.rows()}
        wrong = []
        for h, path in placed.items():
            row = rows.get(h)
            meta = next(f["metadata"] for f in facts.values() if f["sha256"] == h)
            if row is None:
                wrong.append(f"{path}: no row")
                continue
            got = {"tipo": row[3], "numero": row[4], "cliente": row[5], "dataEvento": row[6]}
            want = {k: str(meta.get(k, "") or "") for k in got}
            if got != want:
                wrong.append(f"{os.path.basename(path)}: {got} != {want}")
        check(not wrong, "each row has the metadata the reader gives", "; ".join(wrong[:3]))
        win_paths = {rows[h][2] for h in placed if h in rows}
        want_paths = {"Z:" + p.replace("/", "\\") for p in placed.values()}
        check(win_paths == want_paths, "rows carry Windows paths (Z:\\...\\Orçamento São João\\..., the deep one too)",
              f"unexpected: {sorted(win_paths - want_paths)[:2]} missing: {sorted(want_paths - win_paths)[:2]}")
        def reported():
            got = w.psql(w.db, "SELECT DISTINCT event->>'filePath' FROM daemon_events WHERE event ? 'filePath'")
            return {os.path.basename(r[0].replace("\\", "/")) for r in got} >= set(broken) or None
        ok = until("errors", reported, 30)
        check(bool(ok), f"each of the {len(broken)} broken samples is reported to the server as a daemon error")

        # A new file.
        new_path = os.path.join(accented, "Orçamento novo.pdf")
        shutil.copy(os.path.join(a.corpus, later), new_path)
        h_new = facts[later]["sha256"]
        t0 = time.time()
        ok = until("new file", lambda: any(r[0] == h_new and r[1] == "available_local" for r in w.rows()), 30)
        check(bool(ok), f"a new file is indexed ({time.time() - t0:.1f} s after it landed)")

        # An upload request: the server asks, the daemon under Wine sends the bytes.
        status, body = w.api("GET", "/api/pdfs?pageSize=100")
        items = json.loads(body)["items"] if status == 200 else []
        target = next((i for i in items if i.get("fileHash") == h_new), None)
        check(target is not None, "the new PDF is listed by the API")
        if target is not None:
            pid = target["id"]
            status, body = w.api("POST", f"/api/pdfs/{pid}/request", {"priority": "high"})
            check(status in (200, 202), f"the PDF is requested (HTTP {status})", body[:200])

            def ready():
                s, b = w.api("GET", f"/api/pdfs/{pid}/status")
                return s == 200 and json.loads(b).get("status") in ("cached", "ready")
            ok = until("upload", ready, 60)
            status, body = w.api("GET", f"/api/pdfs/{pid}/download")
            check(ok and status == 200 and hashlib.sha256(body).hexdigest() == h_new,
                  "the daemon under Wine uploaded it and the download has its hash",
                  f"status {status}, {len(body)} bytes: {body[:200]!r}")

        # The server restarts; the daemon reconnects and catches up.
        w.stop_server()
        shutil.copy(os.path.join(a.corpus, last), os.path.join(folder, "chegou durante a queda.pdf"))
        time.sleep(2)
        w.start_server()
        h_last = facts[last]["sha256"]
        t0 = time.time()
        ok = until("after restart", lambda: any(r[0] == h_last and r[1] == "available_local" for r in w.rows()), 60)
        check(bool(ok), f"after the server restarts the daemon reconnects and indexes the file that arrived "
                        f"meanwhile ({time.time() - t0:.1f} s)", f"see {log_path}")
        check(daemon.poll() is None, "the daemon under Wine is still running")
    finally:
        w.close()
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
