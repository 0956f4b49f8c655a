"""Telling when a started process is ready: it answers ``/readyz`` with 200 (an API once
Postgres and Kafka answer it; a consumer process once it has joined its group and its
relay runs)."""

from __future__ import annotations

import urllib.error
import urllib.request


def http_ready(url: str, timeout_s: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False
