"""What router posts is signed the way capture checks: the shared helper both ways."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from leadflow_router.webhooks.delivery import signed_headers
from leadflow_router.webhooks.repository import Delivery
from leadflow_shared.signing import SIGNATURE_HEADER, SignatureError, verify_signature
from tests.infra import ROOT

BODY = b'{"type":"lead.offered","data":{"partner_id":"partner-northwind"}}'
T = 1_796_461_200
DELIVERY = Delivery(7, uuid.uuid4(), "partner-northwind", uuid.uuid4(), BODY, attempts=2)


def test_capture_s_verifier_accepts_what_router_signs() -> None:
    headers = signed_headers("northwind-secret", BODY, T, DELIVERY, attempt=3)
    verified = verify_signature(
        "northwind-secret", headers[SIGNATURE_HEADER], BODY, now=T + 5, tolerance_s=300
    )
    assert verified.timestamp == T
    assert headers["X-Leadflow-Event-Id"] == str(DELIVERY.event_id)
    assert headers["X-Leadflow-Delivery-Attempt"] == "3"
    assert headers["X-Leadflow-Event-Type"] == "lead.offered"
    assert headers["Content-Type"] == "application/json"


def test_another_secret_or_another_body_does_not_verify() -> None:
    header = signed_headers("northwind-secret", BODY, T, DELIVERY, attempt=1)[SIGNATURE_HEADER]
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature("globex-secret-00", header, BODY, now=T, tolerance_s=300)
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature("northwind-secret", header, BODY + b" ", now=T, tolerance_s=300)


def test_the_readme_s_check_accepts_what_router_signs() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**Checking the signature**") :]
    start = section.index("```python\n") + len("```python\n")
    snippet = section[start : section.index("\n```", start)]
    scope: dict[str, Any] = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    now = int(time.time())
    header = signed_headers("northwind-secret", BODY, now, DELIVERY, attempt=1)[SIGNATURE_HEADER]
    assert scope["verify"]("northwind-secret", header, BODY) is True
    assert scope["verify"]("another-secret", header, BODY) is False
    assert scope["verify"]("northwind-secret", header, BODY + b" ") is False
    stale = signed_headers("northwind-secret", BODY, now - 301, DELIVERY, attempt=1)
    assert scope["verify"]("northwind-secret", stale[SIGNATURE_HEADER], BODY) is False
