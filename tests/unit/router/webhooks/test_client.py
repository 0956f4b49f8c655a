"""The webhook client's answers, with outbound HTTP faked by httpx.MockTransport."""

from __future__ import annotations

import httpx

from leadflow_router.webhooks.domain import Answer
from leadflow_router.webhooks.ports import Secrets, WebhookClient

URL = "https://northwind.example/hooks"


async def post(handler: object) -> Answer:
    client = WebhookClient(1.0, httpx.MockTransport(handler))  # type: ignore[arg-type]
    try:
        return await client.post(URL, b"{}", {"Content-Type": "application/json"})
    finally:
        await client.aclose()


async def test_a_status_and_its_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST" and request.content == b"{}"
        return httpx.Response(429, headers={"Retry-After": "30"}, content=b"slow down")

    assert await post(handler) == Answer(429, retry_after="30")


async def test_no_answer_is_told_by_its_kind_without_the_url() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {URL}", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    assert await post(refused) == Answer(None, "no connection (ConnectError)")
    assert await post(slow) == Answer(None, "timeout")


def test_secrets_come_from_the_environment_given() -> None:
    secrets = Secrets({"LEADFLOW_PARTNER_N_SECRET": "s3cret-value", "EMPTY": ""})
    assert secrets.get("LEADFLOW_PARTNER_N_SECRET") == "s3cret-value"
    assert secrets.get("EMPTY") is None and secrets.get("MISSING") is None
