#!/usr/bin/env python3
"""Writes the seed corpora (corpus/<target>/) from the inputs the tests use.

Run from anywhere: python3 fuzz/make_seeds.py [SHARED_CORPUS]. The PDF seeds
and the extract_rules text seeds come from the sample documents
(../shared/corpus/pdfs, and `pdftotext -layout` for the text); the result is
committed, so nothing outside the repository is needed to fuzz or replay.
"""
import hashlib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "corpus", "pdfs")


def put(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def client_frame(opcode, payload, fin=True, key=b"\x12\x34\x56\x78"):
    """A masked client WebSocket frame."""
    if isinstance(payload, str):
        payload = payload.encode()
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + masked


# --- sio_codec: Engine.IO frames as a WebSocket text frame carries them -----
sio = [
    "0", "0/daemon,{\"token\":\"abc\",\"clientId\":\"c1\",\"version\":\"1.0\"}", "1/daemon,",
    "2/daemon,13[\"daemon:heartbeat\",{\"uptime\":12,\"memory\":{\"rss\":1}}]", "3/daemon,13[{\"ok\":true}]",
    "4{\"message\":\"unauthorized\",\"data\":{\"code\":401}}", "51-[\"up\",{\"_placeholder\":true,\"num\":0}]",
    "2[\"message\",\"a\\\"b\",[1,2,{\"x\":null}],-1.5e10]", "2[\"ünïcødé\",\"€\"]", "4\"plain\"",
    "2/daemon13[\"x\"]", "2/", "0/,", "3/,5[]", "51-", "5-1-[\"x\"]", "2\"\\u0000\"", "2[\"\\ud800\"]",
    "2[\"x\"," + "[" * 40 + "]" * 40 + "]", "218446744073709551615[\"big\"]",
]
for i, s in enumerate(sio):
    put("sio_codec", "msg-%02d" % i, "4" + s)
for i, s in enumerate(["2", "3", "2probe", "6", "1", "5"]):
    put("sio_codec", "eio-%02d" % i, s)

# --- eio_polling: bodies of polling POSTs (packets joined by \x1e) ----------
placeholder = "{\"_placeholder\":true,\"num\":%d}"
polling = {
    "docs": "4hello\x1e4\u20ac\x1ebAQIDBA==",
    "control": "2\x1e3probe\x1e6\x1e1",
    "open": "40/daemon,{\"token\":\"abc\",\"clientId\":\"c1\"}\x1e42/daemon,[\"daemon:heartbeat\",{\"uptime\":12}]",
    "binary-event": "451-[\"hello\"," + placeholder % 0 + "]\x1ebAQIDBA==",
    "binary-ack": "462-/daemon,13[{\"a\":" + placeholder % 1 + ",\"b\":[" + placeholder % 0 + "]}]\x1eb\x1ebAA==",
    "illegal-attachment": "451-[\"x\"," + placeholder % 5 + "]\x1ebAA==",
    "empty-packet": "4hello\x1e\x1e2",
    "bad-base64": "bAQID\x1ebZh==",
    "bad-utf8": b"4\xff\x1e4\xed\xa0\x80",
    "unknown-type": "7\x1ex",
}
for name, body in polling.items():
    put("eio_polling", name, body)

# --- ws_frames: first byte picks the read sizes, the rest is the stream ------
ws = {
    "text": client_frame(1, "42[\"hello\"]"),
    "fragmented": client_frame(1, "42[\"he", fin=False) + client_frame(9, "p") + client_frame(0, "llo\"]"),
    "ping-close": client_frame(9, "ping") + client_frame(10, "") + client_frame(8, b"\x03\xe8"),
    "len126": client_frame(1, "4" + "x" * 300),
    "len127": client_frame(2, b"\x00" * 65536),
    "utf8": client_frame(1, "2[\"ünïcødé\",\"€\",\"\U0001F600\"]"),
    "bad-utf8": client_frame(1, b"\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80"),
    "unmasked": b"\x81\x05hello",
    "reserved": b"\xc1\x85\x00\x00\x00\x00hello",
}
for name, stream in ws.items():
    put("ws_frames", name, bytes([0x5A]) + stream)

# --- multipart: first line the Content-Type, then the body -----------------
b = "----siberius7MA4YWxkTrZu0gW"
ct = "multipart/form-data; boundary=" + b + "\n"
content = "%PDF-1.7\r\n--" + b[:10] + "\r\n\r\n--x\r\nbinary\0\xff\x01 %%EOF" + "z" * 200
bodies = {
    "upload": ct + "--" + b + "\r\nContent-Disposition: form-data; name=\"requestId\"\r\n\r\nreq-1\r\n--" + b +
              "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"OS \\\"89331\\\".pdf\"\r\n"
              "Content-Type: application/pdf\r\n\r\n" + content + "\r\n--" + b + "--\r\nepilogue",
    "quoted-boundary": "Multipart/Form-Data;boundary=\"a b;c\"\n--a b;c\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b;c--",
    "padding": "multipart/form-data; boundary=abc\npreamble\r\n--abc  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n--abc--",
    "no-disposition": "multipart/form-data; boundary=abc\n--abc\r\nContent-Type: text/plain\r\n\r\nA\r\n--abc--",
    "not-form-data": "multipart/form-data; boundary=abc\n--abc\r\nContent-Disposition: attachment\r\n\r\nA\r\n--abc--",
    "unterminated": "multipart/form-data; boundary=abc\n--abc\r\nContent-Disposition: form-data; name=\"a\r\n\r\nA",
}
for name, body in bodies.items():
    put("multipart", name, body.encode("latin-1"))

# --- http_front: what clients send the front --------------------------------
upgrade = ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: office\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Origin: https://office\r\nCookie: sid=abc\r\nX-Forwarded-Proto: https\r\n\r\n")
upload_body = bodies["upload"].split("\n", 1)[1].encode("latin-1")
http = {
    "get-root": b"GET / HTTP/1.1\r\nHost: office\r\n\r\n",
    "get-asset": b"GET /assets/app-1a2b3c4d.js HTTP/1.1\r\nHost: office\r\nAccept-Encoding: br;q=0, gzip\r\n"
                 b"Range: bytes=2-5\r\nIf-None-Match: \"x\"\r\n\r\n",
    "head-route": b"HEAD /atendimentos/12?x=%41 HTTP/1.1\r\nHost: office\r\n\r\n",
    "bad-paths": b"GET /assets/../index.html HTTP/1.1\r\nHost: a\r\n\r\nGET /%2e%2e/%00 HTTP/1.1\r\nHost: a\r\n\r\n"
                 b"GET /.hidden HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "api-post": b"POST /api/login HTTP/1.1\r\nHost: office\r\nContent-Type: application/json\r\nContent-Length: 27\r\n"
                b"X-Forwarded-For: 10.0.0.1, 192.168.0.9\r\nX-Real-IP: 10.0.0.2\r\n\r\n{\"user\":\"ana\",\"pass\":\"x\"}\r\n",
    "chunked": b"POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "pipelined": b"GET /health HTTP/1.1\r\nHost: a\r\n\r\nGET /api/me HTTP/1.0\r\n\r\n",
    "too-big": b"POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n",
    "upload": b"POST /api/upload HTTP/1.1\r\nHost: a\r\nContent-Type: " + ct.strip().encode() +
              b"\r\nContent-Length: " + str(len(upload_body)).encode() + b"\r\nExpect: 100-continue\r\n\r\n" + upload_body,
    "upload-chunked": b"POST /api/upload HTTP/1.1\r\nHost: a\r\nContent-Type: " + ct.strip().encode() +
                      b"\r\nTransfer-Encoding: chunked\r\n\r\n" + hex(len(upload_body))[2:].encode() + b"\r\n" +
                      upload_body + b"\r\n0\r\n\r\n",
    "upload-bad-type": b"POST /api/upload HTTP/1.1\r\nHost: a\r\nContent-Type: application/pdf\r\nContent-Length: 3\r\n\r\nabc",
    "socketio": upgrade.encode() + client_frame(1, "40/daemon,{\"token\":\"t\"}") + client_frame(1, "40") +
                client_frame(1, "42/daemon,[\"daemon:heartbeat\",{\"uptime\":1}]") + client_frame(1, "421[\"x\",1]") +
                client_frame(1, "43/daemon,7[{\"ok\":true}]") + client_frame(1, "3") +
                client_frame(1, "42[\"lea", fin=False) + client_frame(9, "p") + client_frame(0, "ve\"]") +
                client_frame(1, "41/daemon,") + client_frame(8, b"\x03\xe8"),
    "socketio-refused": upgrade.encode() + client_frame(1, "40{\"refuse\":1}") + client_frame(1, "40/nope,") +
                        client_frame(1, "42[\"close\"]"),
    "socketio-bad-frames": upgrade.encode() + client_frame(1, "9") + client_frame(2, b"\x01") + b"\x81\x05hello",
    "engineio": upgrade.replace("/socket.io/", "/engine.io/").encode() + client_frame(1, "4hello") +
                client_frame(1, "2") + client_frame(1, b"4\xff"),
    "upgrade-refused": b"GET /socket.io/?EIO=3&transport=polling HTTP/1.1\r\nHost: a\r\n\r\n"
                       b"GET /socket.io/?EIO=4&transport=websocket&sid=x HTTP/1.1\r\nHost: a\r\n\r\n"
                       b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                       b"Connection: Upgrade\r\nSec-WebSocket-Key: a\r\nSec-WebSocket-Version: 8\r\n\r\n",
    "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
}
for name, data in http.items():
    put("http_front", name, data)

# --- pdf_reader and extract_rules: the sample documents ---------------------
pdfs = ["orcamento_3765_table.pdf", "montagem_914_html.pdf", "os_59902_lines.pdf", "bad_not_a_pdf.pdf",
        "bad_truncated.pdf", "bad_encrypted.pdf", "bad_empty.pdf"]
for name in pdfs:
    shutil.copyfile(os.path.join(SHARED, name), os.path.join(HERE, "corpus", "pdf_reader", name))


def tiny_text_pdf(lines):
    """A one-page PDF with the given lines of text (Helvetica), exact xref."""
    stream = "BT /F1 11 Tf 14 TL 40 780 Td " + " ".join("(%s) '" % l for l in lines) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               "/Resources << /Font << /F1 5 0 R >> >> >>",
               "<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out = "%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += "%d 0 obj\n%s\nendobj\n" % (i + 1, o)
    xref = len(out)
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += "".join("%010d 00000 n \n" % o for o in offsets)
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


put("pdf_reader", "tiny_orcamento.pdf",
    tiny_text_pdf(["ORCAMENTO  No 2026/0215", "Cliente: Ana Souza", "Data do Evento: 15/01/2026",
                   "Valor Total: R$ 12.500,00"]))

for name in sorted(os.listdir(SHARED)):
    if not name.endswith(".pdf") or name.startswith("bad_"):
        continue
    text = subprocess.run(["pdftotext", "-layout", os.path.join(SHARED, name), "-"], capture_output=True).stdout
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    put("extract_rules", "layout-" + digest, text[:6000])
put("extract_rules", "titles", "#8PROPOSTA COMERCIAL / ORÇAMENTO\nNº 2026/0456      Data de emissão: 02/01/2026\n"
    "Cliente: Construtora Horizonte     Data do Evento: 1º de março de 2026\nSubtotal: R$ 1.000,00\n"
    "Desconto: R$ 10,00\nTOTAL GERAL   R$ 1.234.567,89\n\fpágina 2\nValor Total: 753,30\n")
