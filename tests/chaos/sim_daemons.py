"""Lightweight simulated office daemons: one asyncio task each, speaking the
real protocol (Engine.IO v4 over a WebSocket, Socket.IO CONNECT to /daemon with
{token, clientId, version}; docs/protocol.md) and reconnecting on the real
daemon's schedule (daemon/reconnect_backoff.hpp: RECONNECT_BASE_MS x 1, 2, 4,
8, 12, each plus up to 20 % jitter; the schedule starts over after a connect).

Python 3 standard library only. Not a client library: enough to hold a session,
answer pings and acks, and time reconnects.
"""

import asyncio
import base64
import json
import os
import random
import struct
import time

FACTORS = (1, 2, 4, 8, 12)


class SimDaemon:
    def __init__(self, port, token, client_id, base_ms, rng):
        self.port, self.token, self.client_id = port, token, client_id
        self.base_ms, self.rng = base_ms, rng
        self.attempt = 0
        self.connected = asyncio.Event()
        self.connected_at = []      # monotonic time of each successful connect
        self.tried_at = []          # monotonic time each attempt began
        self.failed_attempts = 0
        self.refusals = []          # CONNECT_ERROR messages (auth refused etc.)
        self.stopping = False
        self.writer = None

    def next_delay(self):
        d = self.base_ms * FACTORS[min(self.attempt, 4)]
        self.attempt += 1
        return (d + self.rng.randint(0, d // 5)) / 1000

    async def run(self):
        while not self.stopping:
            try:
                await self._session()
            except ConnectionRefusedError:
                self.failed_attempts += 1  # the server is not listening (yet)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                pass
            self.connected.clear()
            if self.stopping:
                return
            await asyncio.sleep(self.next_delay())

    async def _session(self):
        self.tried_at.append(time.monotonic())
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer = writer
        try:
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                          f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n").encode())
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 101"):
                self.failed_attempts += 1
                return
            while True:
                opcode, payload = await _read_frame(reader)
                if opcode == 8:
                    return
                if opcode == 9:
                    _send(writer, payload, opcode=10)
                    continue
                if opcode != 1:
                    continue
                text = payload.decode()
                if text.startswith("0"):
                    auth = {"token": self.token, "clientId": self.client_id, "version": "0.1.0-sim"}
                    _send(writer, ("40/daemon," + json.dumps(auth)).encode())
                elif text == "2":
                    _send(writer, b"3")
                elif text.startswith("40/daemon,"):
                    self.attempt = 0
                    self.connected_at.append(time.monotonic())
                    self.connected.set()
                elif text.startswith("44/daemon,"):
                    self.refusals.append(text[10:])
                    self.failed_attempts += 1
                    return
                elif text.startswith("42/daemon,"):
                    # An event the server wants answered: ack it plainly.
                    rest = text[10:]
                    digits = len(rest) - len(rest.lstrip("0123456789"))
                    if digits:
                        _send(writer, f"43/daemon,{rest[:digits]}[{{\"ok\":true}}]".encode())
                elif text.startswith("1") or text.startswith("41/daemon"):
                    return
        finally:
            self.writer = None
            writer.transport.abort()

    def stop(self):
        self.stopping = True
        if self.writer is not None:
            self.writer.transport.abort()


async def _read_frame(reader):
    b0, b1 = await reader.readexactly(2)
    opcode = b0 & 0x0F
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", await reader.readexactly(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", await reader.readexactly(8))[0]
    mask = await reader.readexactly(4) if b1 & 0x80 else None
    data = await reader.readexactly(n)
    if mask:
        data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
    if not b0 & 0x80:
        raise ValueError("fragmented frames are not expected from the server")
    return opcode, data


def _send(writer, payload, opcode=1):
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    writer.write(head + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload)))


async def start_fleet(port, creds, base_ms, seed=1, concurrency=100, timeout=120):
    """Starts one SimDaemon per (token, clientId) and waits until each is
    connected or `timeout` seconds passed for it."""
    rng = random.Random(seed)
    fleet = [SimDaemon(port, token, cid, base_ms, random.Random(rng.random())) for token, cid in creds]
    gate = asyncio.Semaphore(concurrency)
    tasks = []

    async def staggered(d):
        async with gate:
            tasks.append(asyncio.ensure_future(d.run()))
            try:
                await asyncio.wait_for(d.connected.wait(), timeout)
            except asyncio.TimeoutError:
                pass  # the caller counts who is connected

    await asyncio.gather(*(staggered(d) for d in fleet))
    return fleet, tasks
