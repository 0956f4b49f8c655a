"""Telling when a started process is ready: it answers ``/readyz`` with 200 (an API once
Postgres and Kafka answer it; a consumer process once it has joined its group and its
relay runs)."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request


def http_ready(url: str, timeout_s: float = 1.0) -> bool:
    """Whether ``url`` answers 200. Anything else is "not yet", garbage included: polling a
    port nobody listens on yet can connect the client to itself (a TCP self-connect, when
    the port is in the ephemeral range) and read its own request back."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return False
