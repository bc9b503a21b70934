#!/usr/bin/env python3
"""Upload and download throughput of one large PDF through siberius-server,
beside a plain HTTP transfer of the same bytes over loopback in the same run,
and the server's memory before and after (issue 4). Python 3 standard
library only; bench/pdf_transfer.sh starts PostgreSQL and calls this.

The bench is the office daemon (the demo daemon token of credentials.json):
it joins /daemon over a WebSocket, indexes the PDF with daemon:pdf_indexed,
and uploads only what the server asks of it. Each round, as a user, it asks
for the PDF (POST /api/pdfs/:id/request with the admin token), reads the
daemon:upload_request that follows, and answers it:

  upload     POST /api/daemon/upload with that request's X-Request-Id
             (multipart, streamed, hashed, checked by siberius-pdf-reader,
             renamed into the cache) vs a plain server that writes the same
             request body to a file
  download   GET /api/pdfs/:id/download vs a plain server sending the file
             with sendfile(2)
Each transfer runs --rounds times (same client code for both sides); the
median counts.
"""
import argparse, base64, hashlib, http.client, json, os, queue, socket, statistics, struct, subprocess, sys, tempfile, \
    threading, time
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


class DaemonSocket:
    """The office daemon's /daemon session: Engine.IO v4 over a raw WebSocket,
    Socket.IO CONNECT with {token, clientId, version} (docs/protocol.md).
    A thread reads every frame: it answers the server's pings (so the session
    lives through long uploads), hands acks to emit() and queues the server's
    daemon:upload_request / daemon:cancel_upload events."""

    def __init__(self, port, token, client_id, version="0.1.0-bench"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            block = self.sock.recv(4096)
            if not block:
                raise ConnectionError("the server closed the WebSocket upgrade")
            head += block
        head, _, self.buf = head.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(f"WebSocket upgrade refused: {head.decode(errors='replace')[:200]}")
        self.sock.settimeout(None)
        self.send_lock = threading.Lock()
        self.acks, self.ack_cv, self.next_ack = {}, threading.Condition(), 1
        self.events = queue.Queue()
        self.joined = threading.Event()
        self.refused = None
        self.closed = None
        self.auth = {"token": token, "clientId": client_id, "version": version}
        threading.Thread(target=self._read_loop, daemon=True).start()
        if not self.joined.wait(10) or self.refused or self.closed:
            raise ConnectionError(f"/daemon CONNECT failed: {self.refused or self.closed or 'no answer in 10 s'}")

    def _recv_exact(self, n):
        while len(self.buf) < n:
            block = self.sock.recv(65536)
            if not block:
                raise ConnectionError("connection closed")
            self.buf += block
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_frame(self):
        """One whole message (continuations joined): (opcode, payload)."""
        parts, first = [], None
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._recv_exact(8))[0]
            mask = self._recv_exact(4) if b1 & 0x80 else None
            data = self._recv_exact(n)
            if mask:
                data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
            opcode = b0 & 0x0F
            if opcode >= 8:  # control frames may come between fragments
                if opcode == 9:
                    self._send(data, opcode=10)
                elif opcode == 8:
                    return 8, data
                continue
            if first is None:
                first = opcode
            parts.append(data)
            if b0 & 0x80:
                return first, b"".join(parts)

    def _send(self, payload, opcode=1):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
        with self.send_lock:
            self.sock.sendall(head + mask + masked)

    def _read_loop(self):
        try:
            while True:
                opcode, payload = self._read_frame()
                if opcode == 8:
                    raise ConnectionError("WebSocket closed by the server")
                if opcode != 1:
                    continue
                text = payload.decode()
                if text.startswith("0"):
                    self._send(("40/daemon," + json.dumps(self.auth)).encode())
                elif text == "2":
                    self._send(b"3")
                elif text.startswith("40/daemon,"):
                    self.joined.set()
                elif text.startswith("44/daemon,"):
                    self.refused = text[10:]
                    self.joined.set()
                elif text.startswith("43/daemon,"):
                    rest = text[10:]
                    digits = len(rest) - len(rest.lstrip("0123456789"))
                    with self.ack_cv:
                        self.acks[int(rest[:digits])] = json.loads(rest[digits:])
                        self.ack_cv.notify_all()
                elif text.startswith("42/daemon,"):
                    rest = text[10:]
                    digits = len(rest) - len(rest.lstrip("0123456789"))
                    event = json.loads(rest[digits:])
                    if digits:
                        # daemon:resync / daemon:config_update: not something this daemon does.
                        answer = {"ok": False, "error": f"not supported by this daemon: {event[0]}"}
                        self._send(f"43/daemon,{rest[:digits]}{json.dumps([answer])}".encode())
                    else:
                        self.events.put(event)
                elif text.startswith("41/daemon") or text.startswith("1"):
                    raise ConnectionError("the server ended the /daemon session")
        except (OSError, ValueError) as e:
            self.closed = str(e) or type(e).__name__
            self.joined.set()
            self.events.put(["closed", self.closed])
            with self.ack_cv:
                self.ack_cv.notify_all()

    def emit(self, name, data, timeout=30):
        """Sends an event with an ack id; returns the ack's first argument."""
        with self.ack_cv:
            ack_id, self.next_ack = self.next_ack, self.next_ack + 1
        self._send(f"42/daemon,{ack_id}{json.dumps([name, data])}".encode())
        deadline = time.monotonic() + timeout
        with self.ack_cv:
            while ack_id not in self.acks:
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise ConnectionError(f"no ack for {name}: {self.closed or 'timed out'}")
                self.ack_cv.wait(left)
            return self.acks.pop(ack_id)[0]

    def upload_request(self, request_id, timeout=30):
        """Waits for the server's daemon:upload_request of `request_id`."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                name, *args = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no daemon:upload_request for {request_id} within {timeout} s")
            if name == "closed":
                raise ConnectionError(f"/daemon session lost: {args[0] if args else ''}")
            if name == "daemon:upload_request" and args and args[0].get("requestId") == request_id:
                return args[0]
            if name == "daemon:cancel_upload" and args and args[0].get("requestId") == request_id:
                raise RuntimeError(f"the server cancelled {request_id}: {args[0].get('reason')}")

    def close(self):
        try:
            self._send(b"41/daemon,")
            self._send(b"", opcode=8)
            self.sock.close()
        except OSError:
            pass


def request_pdf(port, pdf_id, admin_token):
    """POST /api/pdfs/:id/request as a user does; returns (status, answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", f"/api/pdfs/{pdf_id}/request", body=b"",
                 headers={"Authorization": "Bearer " + admin_token})
    res = conn.getresponse()
    body = res.read()
    conn.close()
    try:
        return res.status, json.loads(body)
    except ValueError:
        return res.status, {"raw": body[:300].decode(errors="replace")}


def ask_for_upload(port, daemon, pdf_id, admin_token):
    """Requests the PDF and returns the daemon:upload_request it brings. A
    request that joins the previous round's transfer (still ending after its
    upload was stored) is asked again shortly."""
    for _ in range(100):
        status, answer = request_pdf(port, pdf_id, admin_token)
        if status == 202 and not answer.get("coalesced"):
            return daemon.upload_request(answer["requestId"])
        if status == 202:
            time.sleep(0.05)
            continue
        sys.exit(f"request for PDF {pdf_id} failed: {status} {answer}")
    sys.exit(f"request for PDF {pdf_id}: the previous transfer did not end")


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
    p.add_argument("--schema-dir", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--size-mb", type=int, default=50)
    p.add_argument("--small-mb", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()

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
    daemon = None
    try:
        daemon = DaemonSocket(port, creds["daemonToken"], creds["clientId"])
        for label, mb in (("small", a.small_mb), ("large", a.size_mb)):
            pdf = os.path.join(a.work, f"bench-{mb}mb.pdf")
            make_pdf(pdf, mb)
            digest = hashlib.sha256(open(pdf, "rb").read()).hexdigest()
            size = os.path.getsize(pdf)
            # The daemon found the file in its folder: the server records the
            # document and this office's location of it.
            name = f"bench-{label}.pdf"
            ack = daemon.emit("daemon:pdf_indexed", {
                "filename": name, "fileHash": digest, "fileSize": size, "filePath": f"/bench/{name}",
                "fileMtimeMs": int(os.path.getmtime(pdf) * 1000),
                "metadata": {"tipo": "orcamento", "numero": "1", "cliente": "Bench Transfer"},
                "indexedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
            if not ack.get("received"):
                sys.exit(f"daemon:pdf_indexed refused: {ack}")
            pdf_id = ack["recordId"]
            before = memory(server.pid)
            ups, downs, ref_ups, ref_downs = [], [], [], []
            upload_cpu = 0.0
            ref_pid, ref_port = plain_server(pdf)
            for r in range(a.rounds):
                # The PDF is not cached: the first round after indexing, and
                # every later one because the previous copy was deleted from
                # the storage folder (a cached row whose file is gone is
                # transferred again). A user asks for it; the server asks
                # this daemon, and the upload answers that request.
                ask = ask_for_upload(port, daemon, pdf_id, creds["adminToken"])
                if ask.get("fileHash") != digest:
                    sys.exit(f"upload request for another file: {ask}")
                hdrs = {"Authorization": "Bearer " + creds["daemonToken"], "X-Request-Id": ask["requestId"],
                        "X-File-Hash": digest}
                cpu0 = cpu_seconds(server.pid)
                secs, status, reply = post_file(port, pdf, hdrs, "benchBoundary7", ask.get("filename") or name)
                upload_cpu += cpu_seconds(server.pid) - cpu0
                if status != 200:
                    sys.exit(f"upload failed: {status} {reply[:300]!r}")
                ups.append(secs)
                secs, status, reply = post_file(ref_port, pdf, {}, "benchBoundary7", "bench.pdf")
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
                # time the kernel freeing it. With the copy gone the PDF is
                # no longer cached, and the next request brings it again.
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
        if daemon is not None:
            daemon.close()
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
