"""The consumer process's operations endpoint: ``GET /healthz`` (alive), ``GET /readyz``
(200 once it has joined its consumer group and its relay runs, 503 before and while
stopping) and ``GET /metrics`` (Prometheus text).

A few lines of asyncio rather than a web server: the process does nothing on its own while
idle (no timers), and these three answers need no more.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from leadflow_shared.logging import get_logger
from leadflow_shared.readiness import Readiness

log = get_logger(__name__)
MAX_REQUEST_HEAD = 8192
READ_TIMEOUT_S = 5.0


class OperationsServer:
    def __init__(self, readiness: Readiness, host: str, port: int) -> None:
        self.readiness = readiness
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, self.host, self.port, limit=MAX_REQUEST_HEAD
        )
        log.info("operations endpoint listening", host=self.host, port=self.port)

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    def answer(self, method: str, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request."""
        if method not in ("GET", "HEAD"):
            return 405, "application/json", b'{"error": "use GET"}'
        if path == "/healthz":
            return 200, "application/json", b'{"status": "ok"}'
        if path == "/readyz":
            ready = self.readiness.ready
            body = {"status": "ready" if ready else "not ready", "checks": _checks(self.readiness)}
            return (200 if ready else 503), "application/json", json.dumps(body).encode()
        if path == "/metrics":
            return 200, CONTENT_TYPE_LATEST, generate_latest()
        return 404, "application/json", b'{"error": "not found"}'

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
            method, target, *_ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            status, kind, body = self.answer(method, target.split("?", 1)[0])
            writer.write(
                f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
            )
            if method != "HEAD":
                writer.write(body)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            pass  # not an HTTP request we answer: drop the connection
        except ConnectionError:
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


def _checks(readiness: Readiness) -> dict[str, str]:
    return {name: "ok" if ok else "waiting" for name, ok in readiness.conditions().items()}


_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}
