"""webhooks' ports: the HTTP client that posts to partners' endpoints, and the environment
their secrets may be read from. Tests hand in an ``httpx.MockTransport`` and a dict."""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

from leadflow_router.webhooks.domain import Answer


class WebhookClient:
    """Posts a body to an endpoint and tells what came back. The answer's body is never
    read (an endpoint cannot make router hold a large one); redirects are not followed."""

    def __init__(
        self, timeout_s: float = 10.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.timeout_s = timeout_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:  # made on first use: the api process never needs one
            self._client = httpx.AsyncClient(
                transport=self._transport, timeout=self.timeout_s, follow_redirects=False
            )
        return self._client

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        try:
            async with self._http().stream("POST", url, content=body, headers=headers) as answer:
                return Answer(answer.status_code, retry_after=answer.headers.get("retry-after"))
        except httpx.TimeoutException:
            return Answer(None, "timeout")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # its text may name the URL
            return Answer(None, f"no connection ({type(exc).__name__})")

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


class Secrets:
    """The secrets a webhook's ``secret_env`` names, from the process's environment."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def get(self, name: str) -> str | None:
        return self._environ.get(name) or None
