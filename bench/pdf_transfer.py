#!/usr/bin/env python3
"""Upload and download throughput of one large PDF through siberius-server,
beside a plain HTTP transfer of the same bytes over loopback in the same run,
and the server's memory before and after (issue 4). Python 3 standard
library only; bench/pdf_transfer.sh starts PostgreSQL and calls this.

  upload     POST /api/daemon/upload (multipart, streamed, hashed, checked by
             siberius-pdf-reader, renamed into the cache) vs a plain server
             that writes the same request body to a file
  download   GET /api/pdfs/:id/download vs a plain server sending the file
             with sendfile(2)
Each transfer runs --rounds times (same client code for both sides); the
median counts.
"""
import argparse, hashlib, http.client, json, os, socket, statistics, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 256 * 1024


def make_pdf(path, megabytes):
    """A valid one-page PDF whose bulk is an (unreferenced) binary stream."""
    text = b"BT /F1 12 Tf 72 720 Td (ORCAMENTO N 1 Cliente: Bench Transfer) Tj ET"
    bulk = os.urandom(megabytes * 1024 * 1024)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(bulk) + bulk + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def cpu_seconds(pid):
    """User + system CPU the process has used, its ended threads included."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024
    return out


def post_file(port, path, headers, boundary, filename):
    """Streams a multipart body holding `path`; returns (seconds, status, reply)."""
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = os.path.getsize(path)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.perf_counter()
    conn.putrequest("POST", "/api/daemon/upload", skip_accept_encoding=True)
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + size + len(tail)))
    conn.endheaders()
    conn.send(head)
    with open(path, "rb") as f:
        while True:
            block = f.read(CHUNK)
            if not block:
                break
            conn.send(block)
    conn.send(tail)
    res = conn.getresponse()
    body = res.read()
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds, res.status, body


def get_file(port, target, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.perf_counter()
    conn.request("GET", target, headers=headers)
    res = conn.getresponse()
    got = 0
    while True:
        block = res.read(CHUNK)
        if not block:
            break
        got += len(block)
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds, res.status, got


class PlainHandler(BaseHTTPRequestHandler):
    """The reference: reads an upload and drops it; sends a file with sendfile."""
    protocol_version = "HTTP/1.1"
    file_path = None

    def log_message(self, *a):
        pass

    def do_POST(self):
        # A plain transfer of the file: the bytes end up in a file, as
        # siberius-server's do (without its hash, checks and database).
        left = int(self.headers["Content-Length"])
        with tempfile.NamedTemporaryFile(dir=os.path.dirname(self.file_path)) as out:
            while left > 0:
                block = self.rfile.read(min(CHUNK, left))
                if not block:
                    break
                out.write(block)
                left -= len(block)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        size = os.path.getsize(self.file_path)
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.flush()
        with open(self.file_path, "rb") as f:
            self.connection.sendfile(f)


def plain_server(file_path):
    """Runs the reference in a child process (its own interpreter, its own core time)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        PlainHandler.file_path = file_path
        srv = ThreadingHTTPServer(("127.0.0.1", 0), PlainHandler)
        os.write(w, str(srv.server_address[1]).encode())
        os.close(w)
        srv.serve_forever()
        os._exit(0)
    os.close(w)
    port = int(os.read(r, 16))
    os.close(r)
    return pid, port


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--pg", required=True)
    p.add_argument("--psql", default="psql")
    p.add_argument("--schema-dir", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--size-mb", type=int, default=50)
    p.add_argument("--small-mb", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()

    def psql(sql):
        return subprocess.run([a.psql, a.pg, "-qAtc", sql], check=True, capture_output=True, text=True).stdout.strip()

    creds_path = os.path.join(a.work, "credentials.json")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(os.path.join(a.work, "server.log"), "w")
    server = subprocess.Popen([a.server, "--port", str(port), "--db", a.pg, "--schema-dir", a.schema_dir,
                               "--credentials", creds_path, "--storage-dir", os.path.join(a.work, "storage"),
                               "--max-upload-mb", str(a.size_mb + 1)], stderr=log)
    for _ in range(600):
        if os.path.exists(creds_path) and os.path.getsize(creds_path) > 0:
            break
        time.sleep(0.1)
    creds = json.load(open(creds_path))
    results = {}
    try:
        for label, mb in (("small", a.small_mb), ("large", a.size_mb)):
            pdf = os.path.join(a.work, f"bench-{mb}mb.pdf")
            make_pdf(pdf, mb)
            digest = hashlib.sha256(open(pdf, "rb").read()).hexdigest()
            size = os.path.getsize(pdf)
            before = memory(server.pid)
            ups, downs, ref_ups, ref_downs = [], [], [], []
            upload_cpu = 0.0
            ref_pid, ref_port = plain_server(pdf)
            for r in range(a.rounds):
                # A fresh row each round: the upload is for a PDF not yet cached.
                psql("DELETE FROM pdf_cache WHERE file_hash = '%s'" % digest)
                pdf_id = psql("INSERT INTO pdf_cache (file_hash, filename, file_size, client_id, tipo, local_path)"
                              " VALUES ('%s', 'bench.pdf', %d, '%s', 'orcamento', '/bench/bench.pdf') RETURNING id"
                              % (digest, size, creds["clientId"])).splitlines()[0]
                hdrs = {"Authorization": "Bearer " + creds["daemonToken"], "X-Request-Id": f"bench-{label}-{r}",
                        "X-File-Hash": digest}
                cpu0 = cpu_seconds(server.pid)
                secs, status, reply = post_file(port, pdf, hdrs, "benchBoundary7", "bench.pdf")
                upload_cpu += cpu_seconds(server.pid) - cpu0
                if status != 200:
                    sys.exit(f"upload failed: {status} {reply[:300]!r}")
                ups.append(secs)
                secs, status, _ = post_file(ref_port, pdf, {}, "benchBoundary7", "bench.pdf")
                ref_ups.append(secs)
                secs, status, got = get_file(port, f"/api/pdfs/{pdf_id}/download",
                                             {"Authorization": "Bearer " + creds["adminToken"]})
                if status != 200 or got != size:
                    sys.exit(f"download failed: {status}, {got} of {size} bytes")
                downs.append(secs)
                secs, status, got = get_file(ref_port, "/file", {})
                ref_downs.append(secs)
                # The next round uploads into an empty place, as a PDF is
                # cached once: replacing the previous round's 50 MB copy would
                # time the kernel freeing it.
                for root, _, names in os.walk(os.path.join(a.work, "storage")):
                    for n in names:
                        if n.startswith(digest):
                            os.unlink(os.path.join(root, n))
            os.kill(ref_pid, 9)
            os.waitpid(ref_pid, 0)
            after = memory(server.pid)
            mbps = lambda xs: size / statistics.median(xs) / 1e6
            results[label] = dict(bytes=size, upload_mb_s=mbps(ups), upload_plain_mb_s=mbps(ref_ups),
                                  upload_ratio=statistics.median(ref_ups) / statistics.median(ups),
                                  upload_server_cpu_ms_per_mb=upload_cpu * 1e3 / (a.rounds * size / 1e6),
                                  download_mb_s=mbps(downs), download_plain_mb_s=mbps(ref_downs),
                                  download_ratio=statistics.median(ref_downs) / statistics.median(downs),
                                  server_rss_before_mb=before["VmRSS"], server_rss_after_mb=after["VmRSS"],
                                  server_hwm_after_mb=after["VmHWM"])
    finally:
        server.terminate()
        server.wait()
    print(f"{'file':<8}{'MB':>7}{'upload MB/s':>13}{'plain':>8}{'ratio':>7}{'download MB/s':>15}{'plain':>8}"
          f"{'ratio':>7}{'server RSS before/after/peak MB':>33}")
    for label, r in results.items():
        print(f"{label:<8}{r['bytes'] / 1e6:>7.1f}{r['upload_mb_s']:>13.0f}{r['upload_plain_mb_s']:>8.0f}"
              f"{r['upload_ratio']:>6.2f}x{r['download_mb_s']:>15.0f}{r['download_plain_mb_s']:>8.0f}"
              f"{r['download_ratio']:>6.2f}x{r['server_rss_before_mb']:>13.1f} / {r['server_rss_after_mb']:.1f}"
              f" / {r['server_hwm_after_mb']:.1f}")
    large = results["large"]
    print(f"target: upload >= 0.5x the plain transfer: {'met' if large['upload_ratio'] >= 0.5 else 'MISSED'}")
    print(f"target: download >= 0.8x the plain transfer: {'met' if large['download_ratio'] >= 0.8 else 'MISSED'}")
    print(f"server CPU per uploaded MB (hash, write, checks, database): "
          f"{large['upload_server_cpu_ms_per_mb']:.2f} ms (small file {results['small']['upload_server_cpu_ms_per_mb']:.2f})")
    grew = results["large"]["server_hwm_after_mb"] - results["small"]["server_hwm_after_mb"]
    print(f"server peak RSS grew {grew:.1f} MB from the {a.small_mb} MB file to the {a.size_mb} MB one "
          f"(the file is not held in memory)")
    print(json.dumps({"bench": "pdf-transfer", "results": results}))


if __name__ == "__main__":
    main()
