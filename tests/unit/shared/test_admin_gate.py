"""The admin API's gate: the key and the body's size are checked before a body is read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.types import Message, Receive, Scope, Send

from leadflow_shared.admin import ADMIN_MAX_BODY_BYTES, AdminGate

assert ADMIN_MAX_BODY_BYTES < 1_000_000  # the 1 MB chunks below pass it

KEY = SecretStr("an-admin-key-0123456789")


class Behind:
    """The app behind the gate: records whether it ran and the body it read."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.called = True
        more = True
        while more:
            message = await receive()
            self.body += message.get("body", b"")
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


class Client:
    """A request's body in chunks, counting how many of them the app asked for."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.read = 0

    async def receive(self) -> Message:
        if self.read < len(self.chunks):
            self.read += 1
            return {
                "type": "http.request",
                "body": self.chunks[self.read - 1],
                "more_body": self.read < len(self.chunks),
            }
        return {"type": "http.disconnect"}


async def call(
    gate: AdminGate, path: str, chunks: list[bytes], headers: dict[str, str]
) -> tuple[int, dict[str, Any], Client]:
    client = Client(chunks)
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "PUT",
        "path": path,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    await gate(scope, client.receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body or b"{}"), client


BIG = [b"x" * 1_000_000] * 15  # 15 MB


async def test_without_the_key_a_15_mb_body_is_refused_unread() -> None:
    behind = Behind()
    status, body, client = await call(
        AdminGate(behind, KEY), "/v1/admin/sources/x", BIG, {"content-length": "15000000"}
    )
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert client.read == 0 and not behind.called


async def test_with_the_admin_api_off_every_call_is_refused_unread() -> None:
    behind = Behind()
    status, body, client = await call(
        AdminGate(behind, None), "/v1/admin/sources", [b"{}"], {"authorization": "Bearer x"}
    )
    assert (status, body["error"]["code"]) == (403, "admin_disabled")
    assert client.read == 0 and not behind.called


async def test_with_the_key_a_body_announced_too_large_is_refused_unread() -> None:
    behind = Behind()
    headers = {"authorization": f"Bearer {KEY.get_secret_value()}", "content-length": "15000000"}
    status, body, client = await call(AdminGate(behind, KEY), "/v1/admin/sources/x", BIG, headers)
    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    assert client.read == 0 and not behind.called


async def test_a_body_that_turns_out_too_large_is_refused_once_past_the_limit() -> None:
    behind = Behind()
    headers = {"authorization": f"Bearer {KEY.get_secret_value()}"}  # no content-length
    status, _, client = await call(AdminGate(behind, KEY), "/v1/admin/sources/x", BIG, headers)
    assert status == 413
    assert client.read == 1 and not behind.called  # one chunk of 1 MB passed 64 KiB


async def test_with_the_key_the_body_reaches_the_api_whole() -> None:
    behind = Behind()
    headers = {"authorization": f"Bearer {KEY.get_secret_value()}"}
    chunks = [b'{"name": ', b'"Web"}']
    status, _, _ = await call(AdminGate(behind, KEY), "/v1/admin/sources/x", chunks, headers)
    assert status == 200 and behind.body == b'{"name": "Web"}'


@pytest.mark.parametrize("path", ["/v1/leads", "/v1/administration", "/healthz"])
async def test_other_paths_pass_untouched(path: str) -> None:
    behind = Behind()
    status, _, client = await call(AdminGate(behind, KEY), path, [b"{}"], {})
    assert status == 200 and behind.called and client.read == 1


class Leaving(Client):
    """A client that sends one chunk of a longer body, then goes away."""

    async def receive(self) -> Message:
        self.read += 1
        if self.read == 1:
            return {"type": "http.request", "body": b'{"name": ', "more_body": True}
        return {"type": "http.disconnect"}


async def test_a_client_that_goes_away_mid_body_is_not_answered() -> None:
    behind = Behind()
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "PUT",
        "path": "/v1/admin/sources/x",
        "headers": [(b"authorization", f"Bearer {KEY.get_secret_value()}".encode())],
    }
    await AdminGate(behind, KEY)(scope, Leaving([]).receive, send)
    assert not behind.called and sent == []


async def test_after_the_body_the_app_hears_the_server_itself() -> None:
    heard: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        heard.append(await receive())
        heard.append(await receive())  # after the body: the server's next message
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    client = Client([b"{}"])
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"authorization", f"Bearer {KEY.get_secret_value()}".encode())]
    scope = {"type": "http", "method": "PUT", "path": "/v1/admin/x", "headers": headers}
    await AdminGate(app, KEY)(scope, client.receive, send)
    assert heard[0]["body"] == b"{}" and heard[1] == {"type": "http.disconnect"}
    assert client.read == 1 and sent[0]["status"] == 204


async def test_a_service_can_keep_more_paths_behind_the_key() -> None:
    behind = Behind()
    gate = AdminGate(behind, KEY, prefixes=["/v1/assignments"])
    status, _, client = await call(gate, "/v1/assignments/x/feedback", BIG, {})
    assert status == 401 and client.read == 0 and not behind.called
    status, _, _ = await call(gate, "/v1/leads", [b"{}"], {})
    assert status == 200
