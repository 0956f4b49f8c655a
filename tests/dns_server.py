"""A DNS server on loopback that tests and benchmarks control (dnslib): this machine has no
DNS beyond itself.

It answers from the records of a zone file's text: the records of the name and type asked,
none (NOERROR, no answer) for a name it holds with no record of that type, NXDOMAIN for a
name it does not hold, SERVFAIL for the names in ``servfail``. ``delay`` says how long each
query of a name takes (a real resolver's round trip, or a slow nameserver). It counts every
query and how many run at once.

    zone = Zone(ZONE, delay=lambda name: 0.02)
    with serve(zone) as nameserver:  # "127.0.0.1:<port>"
        ...
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

from dnslib import QTYPE, RCODE, RR
from dnslib.server import BaseResolver, DNSLogger, DNSServer


def no_delay(name: str) -> float:
    return 0.0


class Zone(BaseResolver):
    """Answers from ``zone`` (zone file text; names end with a dot), counting queries."""

    def __init__(
        self,
        zone: str,
        *,
        servfail: Collection[str] = (),
        delay: Callable[[str], float] = no_delay,
    ) -> None:
        self.records: dict[str, list[Any]] = defaultdict(list)
        for rr in RR.fromZone(zone):
            self.records[str(rr.rname).lower()].append(rr)
        self.servfail = {name.lower() for name in servfail}
        self.delay = delay
        self.queries: Counter[tuple[str, str]] = Counter()
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).lower()
        with self._lock:
            self.queries[(name, QTYPE[request.q.qtype])] += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            wait = self.delay(name)
            if wait > 0:
                time.sleep(wait)
            if name in self.servfail:
                reply.header.rcode = RCODE.SERVFAIL
                return reply
            known = self.records.get(name)
            if not known:
                reply.header.rcode = RCODE.NXDOMAIN
                return reply
            for rr in known:
                if rr.rtype == request.q.qtype:
                    reply.add_answer(rr)
            return reply
        finally:
            with self._lock:
                self.in_flight -= 1

    def asked(self, name: str) -> int:
        """Queries of ``name`` (without its final dot), of any type, so far."""
        return sum(n for (qname, _), n in self.queries.items() if qname == f"{name}.")

    def total(self) -> int:
        return sum(self.queries.values())


class _ThreadingUDPServer(socketserver.ThreadingMixIn, socketserver.UDPServer):
    daemon_threads = True  # each query in a thread of its own: slow answers overlap


@contextmanager
def serve(zone: Zone) -> Iterator[str]:
    """The zone served on 127.0.0.1 and a free UDP port (the kernel's pick, bound at once);
    yields ``"127.0.0.1:<port>"``, as ``LEADFLOW_DNS_SERVERS`` takes it."""
    server = DNSServer(
        zone,
        address="127.0.0.1",
        port=0,
        logger=DNSLogger(log="-recv,-send,-request,-reply,-truncated,-error,-data"),
        server=_ThreadingUDPServer,
    )
    server.start_thread()
    port = server.server.server_address[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()
        server.server.server_close()
