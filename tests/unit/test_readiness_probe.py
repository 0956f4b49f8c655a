"""The launcher's readiness probe takes only a real 200 for ready."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from leadflow_local.readiness import http_ready


@contextmanager
def answering(reply: bytes) -> Iterator[int]:
    """A one-connection server on a free port that answers ``reply`` to anything."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        thread.join(5)
        server.close()


def test_a_200_is_ready_anything_else_is_not_yet() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    with answering(ok) as port:
        assert http_ready(f"http://127.0.0.1:{port}/readyz")
    waiting = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    with answering(waiting) as port:
        assert not http_ready(f"http://127.0.0.1:{port}/readyz")


def test_an_echo_of_the_request_is_not_ready() -> None:
    """What a client connected to itself reads: its own request line as the status line."""
    with answering(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n") as port:
        assert not http_ready(f"http://127.0.0.1:{port}/readyz")
