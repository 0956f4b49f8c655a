"""A lean HTTP/1.1 load generator on raw asyncio sockets (uvloop); run it as its own process.

``closed``: N keep-alive connections, each sending its next request as soon as the answer
to the previous one arrives: the most the server sustains at that concurrency.

``open``: requests fall due at a fixed rate whatever the server does, and each latency is
measured from the moment the request fell due, not from when it could be sent. A request
that finds every connection busy waits in a queue and that wait counts, so a server that
stalls cannot hide its backlog from the percentiles (no coordinated omission). With
``--phases`` the rate steps from phase to phase (``500:30,1000:60``: 500 a second for 30
seconds, then 1,000 a second for 60).

By default every request posts the same lead with a unique email (a body template and a
counter); ``--leads varied`` posts realistic, varied leads (``tests.bench.leads``).
``--record FILE`` writes one line per answer: phase, when the request fell due and when
it was answered (wall clock, seconds), status, and the ``lead_id`` of a 202.
``--progress S`` prints a JSON line every S seconds (``started`` is the wall-clock time
the first request fell due). The result is one JSON object, the last line on stdout.

    python -m tests.bench.loadgen --port 8000 --mode closed --connections 64 --duration 5
    python -m tests.bench.loadgen --port 8000 --mode open --rate 800 --duration 10
    python -m tests.bench.loadgen --port 8000 --mode open --phases 500:30,1000:60 --leads varied
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import sys
import time
from collections import Counter, deque
from pathlib import Path
from typing import IO, Any, cast

import uvloop

from tests.bench.leads import LeadFactory

LEAD = {
    "email": "@",  # replaced: bench-<tag>-<n>@example.com
    "first_name": "Ana",
    "last_name": "Lopez",
    "company": "Example ApS",
    "job_title": "Head of Marketing",
    "country": "DK",
    "city": "Copenhagen",
    "message": "We would like a demo for our sales team of 40 people.",
    "cta": {"type": "demo_request", "page_url": "https://example.com/demo"},
    "utm": {"source": "google", "medium": "cpc", "campaign": "q4-demo"},
    "consent": {"marketing": True, "text": "Email me about products and events"},
}


TICK_S = 0.001


class RequestMaker:
    """Request bytes for lead number ``n``: only the email's counter changes."""

    def __init__(self, host: str, port: int, path: str, source: str, tag: str) -> None:
        body = json.dumps(LEAD, separators=(",", ":"))
        head, tail = body.split('"@"')
        self.body_head = f'{head}"bench-{tag}-'.encode()
        self.body_tail = f'@example.com"{tail}'.encode()
        self.request_head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nX-Leadflow-Source: {source}\r\n"
            "User-Agent: leadflow-bench\r\nContent-Length: "
        ).encode()

    def __call__(self, n: int) -> bytes:
        return self.request(self.body_head + str(n).encode() + self.body_tail)

    def request(self, body: bytes) -> bytes:
        return b"%s%d\r\n\r\n%s" % (self.request_head, len(body), body)


class VariedRequestMaker(RequestMaker):
    """Request bytes for lead number ``n``: a realistic lead of its own."""

    def __init__(self, host: str, port: int, path: str, source: str, tag: str, seed: int) -> None:
        super().__init__(host, port, path, source, tag)
        self.leads = LeadFactory(tag, seed)

    def __call__(self, n: int) -> bytes:
        lead = self.leads(n)
        return self.request(json.dumps(lead, separators=(",", ":"), ensure_ascii=False).encode())


class Connection(asyncio.Protocol):
    """One keep-alive connection with at most one request in flight."""

    def __init__(self, load: Load) -> None:
        self.load = load
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.due = 0.0  # when the request in flight fell due (open) or was sent (closed)
        self.phase = 0  # the open loop's phase the request in flight fell due in
        self.busy = False  # a request in flight

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[: end + 2]).lower()  # each header line ends with CRLF
            at = head.find(b"\r\ncontent-length:")
            length = int(head[at + 17 : head.find(b"\r\n", at + 2)]) if at >= 0 else 0
            if len(buf) < end + 4 + length:
                return
            status = int(head[9:12])
            body = bytes(buf[end + 4 : end + 4 + length]) if self.load.record else b""
            del buf[: end + 4 + length]
            self.load.answered(self, status, body)

    def connection_lost(self, exc: Exception | None) -> None:
        self.load.lost(self)


class Load:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.make = (
            VariedRequestMaker(args.host, args.port, args.path, args.source, args.tag, args.seed)
            if args.leads == "varied"
            else RequestMaker(args.host, args.port, args.path, args.source, args.tag)
        )
        self.record: IO[str] | None = None
        self.wall_offset = 0.0  # time.time() - time.perf_counter()
        self.counter = 0
        self.fallen_due = 0
        self.connections: list[Connection] = []
        self.idle: deque[Connection] = deque()
        # (due time, phase) of requests waiting for a connection
        self.backlog: deque[tuple[float, int]] = deque()
        self.in_flight = 0
        self.statuses: Counter[int] = Counter()
        self.latencies: list[float] = []
        self.window_ok = 0  # 2xx answered inside the measured window
        self.errors = 0
        self.most_backlog = 0
        self.start = self.end = 0.0
        self.sending = True
        self.drained = asyncio.Event()
        self._reconnecting: set[asyncio.Task[None]] = set()

    def send(self, conn: Connection, due: float, phase: int = 0) -> None:
        assert conn.transport is not None
        self.counter += 1
        conn.due = due
        conn.phase = phase
        self.in_flight += 1
        conn.busy = True
        conn.transport.write(self.make(self.args.first + self.counter))

    def answered(self, conn: Connection, status: int, body: bytes) -> None:
        now = time.perf_counter()
        self.in_flight -= 1
        conn.busy = False
        self.statuses[status] += 1
        if self.record is not None:
            lead_id = json.loads(body).get("lead_id", "-") if status == 202 else "-"
            due, at = conn.due + self.wall_offset, now + self.wall_offset
            self.record.write(f"{conn.phase} {due:.6f} {at:.6f} {status} {lead_id}\n")
        if self.args.mode == "open" or now <= self.end:  # open: every request fell due in it
            self.latencies.append(now - conn.due)
            if 200 <= status < 300:
                self.window_ok += 1
        if self.args.mode == "closed":
            if self.sending and now < self.end:
                self.send(conn, now)
            else:
                self.idle.append(conn)
        elif self.backlog:
            self.send(conn, *self.backlog.popleft())
        else:
            self.idle.append(conn)
        if not self.sending and self.in_flight == 0 and not self.backlog:
            self.drained.set()

    def lost(self, conn: Connection) -> None:
        if conn in self.connections and self.sending:
            self.errors += 1
        if conn in self.idle:
            self.idle.remove(conn)
        if not self.args.reconnect or conn not in self.connections:
            return
        # The server went away (killed, restarted): the request in flight has no answer
        # (recorded as status 0); a new connection takes this one's place once it can.
        self.connections.remove(conn)
        if conn.busy:
            conn.busy = False
            self.in_flight -= 1
            self.statuses[0] += 1
            if self.record is not None:
                due, at = conn.due + self.wall_offset, time.perf_counter() + self.wall_offset
                self.record.write(f"{conn.phase} {due:.6f} {at:.6f} 0 -\n")
        task = asyncio.get_running_loop().create_task(self.reconnect())
        self._reconnecting.add(task)
        task.add_done_callback(self._reconnecting.discard)
        if not self.sending and self.in_flight == 0 and not self.backlog:
            self.drained.set()

    async def reconnect(self) -> None:
        loop = asyncio.get_running_loop()
        while self.sending or self.backlog:
            try:
                _, conn = await loop.create_connection(
                    lambda: Connection(self), self.args.host, self.args.port
                )
            except OSError:
                await asyncio.sleep(0.1)
                continue
            self.connections.append(conn)
            if self.backlog:
                self.send(conn, *self.backlog.popleft())
            else:
                self.idle.append(conn)
            return

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(self.args.connections):
            _, conn = await loop.create_connection(
                lambda: Connection(self), self.args.host, self.args.port
            )
            self.connections.append(conn)
            self.idle.append(conn)

    async def run(self) -> None:
        await self.connect()
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        self.wall_offset = time.time() - time.perf_counter()
        self.start = time.perf_counter()
        self.end = self.start + self.args.duration
        progress = asyncio.create_task(self.show_progress()) if self.args.progress else None
        if self.args.mode == "closed":
            while self.idle:
                self.send(self.idle.popleft(), self.start)
            await asyncio.sleep(self.args.duration)
        else:
            await self.schedule()
        self.sending = False
        if self.in_flight or self.backlog:
            try:
                await asyncio.wait_for(self.drained.wait(), self.args.drain_timeout)
            except TimeoutError:
                self.errors += self.in_flight + len(self.backlog)
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu_s = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        if progress is not None:
            progress.cancel()
            self.print_progress()
        for conn in self.connections:
            if conn.transport is not None:
                conn.transport.close()

    async def schedule(self) -> None:
        first = self.start
        for phase, (rate, seconds) in enumerate(self.args.phases):
            interval = 1.0 / rate
            total = int(rate * seconds)
            i = 0
            while i < total:
                now = time.perf_counter()
                while i < total and first + i * interval <= now:
                    self.fall_due(first + i * interval, phase)
                    i += 1
                if i < total:
                    # The loop's timers have millisecond resolution: a shorter sleep returns
                    # at once and the generator would spin, taking a core from the server.
                    # Wake at most once a millisecond and send whatever fell due meanwhile
                    # (each latency still counts from its own due time).
                    wait = first + i * interval - time.perf_counter()
                    await asyncio.sleep(max(TICK_S, wait))
            first += seconds

    def fall_due(self, due: float, phase: int) -> None:
        self.fallen_due += 1
        if self.idle:
            self.send(self.idle.popleft(), due, phase)
        else:
            self.backlog.append((due, phase))
            self.most_backlog = max(self.most_backlog, len(self.backlog))

    async def show_progress(self) -> None:
        while True:
            self.print_progress()
            await asyncio.sleep(self.args.progress)

    def print_progress(self) -> None:
        line = {
            "started": round(self.start + self.wall_offset, 6),
            "due": self.fallen_due,
            "posted": self.counter,
            "accepted": self.statuses[202],
            "answered": self.statuses.total(),
        }
        print(json.dumps(line), flush=True)

    def report(self) -> dict[str, Any]:
        lat = sorted(self.latencies)

        def pct(p: float) -> float | None:
            if not lat:
                return None
            return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000, 2)

        return {
            "mode": self.args.mode,
            "connections": self.args.connections,
            "duration_s": self.args.duration,
            "rate_target": self.args.rate if self.args.mode == "open" else None,
            "phases": self.args.phases if self.args.mode == "open" else None,
            "sent": self.counter,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "accepted": self.statuses[202],
            "errors": self.errors,
            "throughput": round(self.window_ok / self.args.duration, 1),
            "latency_ms": {
                "p50": pct(50),
                "p90": pct(90),
                "p95": pct(95),
                "p99": pct(99),
                "p999": pct(99.9),
                "max": round(lat[-1] * 1000, 2) if lat else None,
            },
            "most_backlog": self.most_backlog,
            "client_cpu_share": round(self.cpu_s / self.args.duration, 3),
        }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", default="/v1/leads")
    p.add_argument("--source", default="web-form", help="X-Leadflow-Source header")
    p.add_argument("--mode", choices=("closed", "open"), default="closed")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--duration", type=float, default=5.0, help="seconds of sending")
    p.add_argument("--rate", type=float, default=0.0, help="requests a second (open loop)")
    p.add_argument(
        "--phases",
        type=parse_phases,
        help="open loop in phases, RATE:SECONDS comma-separated (instead of --rate, --duration)",
    )
    p.add_argument("--tag", default="x", help="part of every email, to keep runs apart")
    p.add_argument("--first", type=int, default=0, help="counter offset for the emails")
    p.add_argument("--leads", choices=("fixed", "varied"), default="fixed")
    p.add_argument("--seed", type=int, default=0, help="of the varied leads")
    p.add_argument("--record", type=Path, help="write one line per answer to this file")
    p.add_argument("--progress", type=float, default=0.0, help="seconds between progress lines")
    p.add_argument("--drain-timeout", type=float, default=30.0)
    p.add_argument(
        "--reconnect",
        action="store_true",
        help="open a new connection for each one the server closes (a server restarted)",
    )
    args = p.parse_args(argv)
    if args.mode == "open":
        if args.phases:
            args.rate = args.phases[0][0]
            args.duration = sum(seconds for _, seconds in args.phases)
        elif args.rate > 0:
            args.phases = [(args.rate, args.duration)]
        else:
            p.error("--rate or --phases is required in open mode")
    return args


def parse_phases(text: str) -> list[tuple[float, float]]:
    """``500:30,1000:60`` -> [(500.0, 30.0), (1000.0, 60.0)]: rates a second, seconds."""
    phases = []
    for part in text.split(","):
        rate, _, seconds = part.partition(":")
        phase = (float(rate), float(seconds))
        if min(phase) <= 0:
            raise argparse.ArgumentTypeError(f"{part!r}: a rate and a duration above zero")
        phases.append(phase)
    return phases


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    load = Load(args)
    if args.record is None:
        uvloop.run(load.run())
    else:
        with open(args.record, "w", buffering=1 << 20) as load.record:
            uvloop.run(load.run())
    json.dump(load.report(), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
