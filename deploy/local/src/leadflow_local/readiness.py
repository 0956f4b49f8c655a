"""Telling when a started service is ready: its API answers ``/readyz`` with 200, and its
consumer process has logged that it joined its group (or, for capture, that its relay runs)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path


def http_ready(url: str, timeout_s: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


class LogWatcher:
    """Reads a JSON-lines log as it grows and remembers whether ``event`` has appeared."""

    def __init__(self, path: Path, event: str) -> None:
        self.path = path
        self.event = event
        self._offset = 0
        self._partial = b""
        self._seen = False

    def seen(self) -> bool:
        if self._seen:
            return True
        try:
            with open(self.path, "rb") as log:
                log.seek(self._offset)
                chunk = log.read()
        except OSError:
            return False
        self._offset += len(chunk)
        *lines, self._partial = (self._partial + chunk).split(b"\n")
        self._seen = any(self._is_event(line) for line in lines)
        return self._seen

    def _is_event(self, line: bytes) -> bool:
        if b'"event"' not in line:
            return False
        try:
            record = json.loads(line)
        except ValueError:
            return False
        return isinstance(record, dict) and record.get("event") == self.event
