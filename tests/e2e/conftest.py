"""The whole pipeline in this process: capture's app and every service's consumer process,
on the session's real broker and database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from leadflow_router.service import SERVICE as ROUTER
from leadflow_router.settings import RouterSettings
from leadflow_score.service import SERVICE as SCORE
from leadflow_score.settings import ScoreSettings
from leadflow_shared.events import Topics
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.smtp_server import Mailbox, smtp_server
from tests.support import wait_for_events


@dataclass
class Pipeline:
    infra: Infra
    capture: httpx.AsyncClient
    mailbox: Mailbox  # where verify's confirmation mails (double opt-in) go
    verify_settings: VerifySettings

    async def post_lead(self, body: dict[str, Any], source: str = "web-form") -> uuid.UUID:
        response = await self.capture.post(
            "/v1/leads", json=body, headers={"X-Leadflow-Source": source}
        )
        assert response.status_code == 202, response.text
        return uuid.UUID(response.json()["lead_id"])


@pytest.fixture(scope="package")
def mailbox() -> Iterator[Mailbox]:
    """The SMTP server verify's confirmation mails (double opt-in) go to."""
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="package")  # its relays must not drain outboxes other tests inspect
async def pipeline(infra_env: Infra, mailbox: Mailbox) -> AsyncIterator[Pipeline]:
    stop = asyncio.Event()
    verify = infra_env.settings(VerifySettings, "verify", smtp_port=mailbox.port, smtp_tls="none")
    workers = [
        CAPTURE.run_consumer(infra_env.settings(CaptureSettings, "capture"), stop),
        VERIFY.run_consumer(verify, stop),
        SCORE.run_consumer(infra_env.settings(ScoreSettings, "score"), stop),
        ROUTER.run_consumer(infra_env.settings(RouterSettings, "router"), stop),
    ]
    tasks = [asyncio.create_task(w) for w in workers]
    app = CAPTURE.create_app(infra_env.settings(CaptureSettings, "capture"))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://capture") as client:
        pipeline = Pipeline(infra_env, client, mailbox, verify)
        try:
            # The first consumer-group joins take a few seconds: wait for one lead to pass.
            warm_up = await pipeline.post_lead({"email": "warm.up@example.com", "country": "US"})
            waiting = asyncio.create_task(
                wait_for_events(infra_env.kafka_bootstrap, [Topics.ROUTED], {warm_up}, timeout_s=90)
            )
            await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                if task.done():
                    waiting.cancel()
                    raise RuntimeError("a worker stopped during start-up") from task.exception()
            await waiting
            yield pipeline
        finally:
            stop.set()
            results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"a worker failed: {failures!r}"
