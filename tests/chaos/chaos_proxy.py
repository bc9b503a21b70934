"""A TCP proxy between the office daemon and siberius-server that the soak
drives: it can cut every connection at once, stall (stop forwarding, both ways,
for new connections too) for a while, and cut each upload once midway.

asyncio, Python 3 standard library only. Runs inside the soak's event loop.
"""

import asyncio
import random
import re

UPLOAD_LINE = b"POST /api/daemon/upload"
REQUEST_ID = re.compile(rb"\r\nx-request-id:\s*([^\r\n]+)", re.IGNORECASE)


class ChaosProxy:
    def __init__(self, target_port, rng=None):
        self.target_port = target_port
        self.rng = rng or random.Random()
        self.port = None
        self.links = set()           # open (inbound writer, outbound writer) pairs
        self.flowing = asyncio.Event()
        self.flowing.set()
        # Uploads: when on, each request id's first attempt is cut once after
        # a random number of body bytes; later attempts pass.
        self.cut_uploads = False
        self.cut_request_ids = set()
        self.cuts = 0           # connections cut by cut_all
        self.upload_cuts = 0    # uploads cut midway
        self.stalls = 0
        self._server = None

    async def start(self):
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self):
        self._server.close()
        self.cut_all(count=False)
        await self._server.wait_closed()

    def cut_all(self, count=True):
        """Resets every open connection (both sides see it end at once)."""
        for inbound, outbound in list(self.links):
            for w in (inbound, outbound):
                if w is not None:
                    _abort(w)
        if count:
            self.cuts += 1
        self.links.clear()

    async def stall(self, seconds):
        """Forwards nothing, in either direction, for `seconds`: a hung link."""
        self.stalls += 1
        self.flowing.clear()
        try:
            await asyncio.sleep(seconds)
        finally:
            self.flowing.set()

    async def _accept(self, in_reader, in_writer):
        try:
            await self._link(in_reader, in_writer)
        except asyncio.CancelledError:
            _abort(in_writer)  # the soak is ending

    async def _link(self, in_reader, in_writer):
        await self.flowing.wait()
        try:
            out_reader, out_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            _abort(in_writer)  # the server is down: the daemon sees its connection end at once
            return
        link = (in_writer, out_writer)
        self.links.add(link)
        state = {"decided": False, "cut_after": None}
        try:
            await asyncio.gather(self._pump(in_reader, out_writer, state, upstream=True),
                                 self._pump(out_reader, in_writer, state, upstream=False))
        finally:
            self.links.discard(link)
            _abort(in_writer)
            _abort(out_writer)

    async def _pump(self, reader, writer, state, upstream):
        head = b""
        seen = 0
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                await self.flowing.wait()
                if upstream:
                    if not state["decided"]:
                        head += data
                        self._decide(head, state)
                    seen += len(data)
                    if state["cut_after"] is not None and seen > state["cut_after"]:
                        # Forward part of this chunk, then cut: the server has a
                        # partial body on disk when the connection ends.
                        keep = max(0, len(data) - (seen - state["cut_after"]))
                        writer.write(data[:keep])
                        self.upload_cuts += 1
                        raise ConnectionResetError("cut by the chaos proxy")
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            _abort(writer)

    def _decide(self, head, state):
        """Whether this connection is an upload to cut, once its head is known."""
        if not head.startswith(UPLOAD_LINE[:len(head)]):
            state["decided"] = True  # Socket.IO or another request: forwarded as is
            return
        end = head.find(b"\r\n\r\n")
        if end < 0:
            state["decided"] = len(head) > 8192
            return
        state["decided"] = True
        if not self.cut_uploads:
            return
        m = REQUEST_ID.search(head[:end + 2])
        rid = m.group(1).strip() if m else b""
        length = re.search(rb"\r\ncontent-length:\s*(\d+)", head[:end + 2], re.IGNORECASE)
        body = int(length.group(1)) if length else 0
        if rid in self.cut_request_ids or body < 4096:
            return
        self.cut_request_ids.add(rid)
        # Somewhere in the body, past the multipart head, before its end.
        state["cut_after"] = end + 4 + self.rng.randint(1024, body - 1024)


def _abort(writer):
    try:
        writer.transport.abort()
    except Exception:
        pass
