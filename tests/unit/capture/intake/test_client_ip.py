from __future__ import annotations

import pytest

from leadflow_capture.intake.requests import Intake
from leadflow_capture.settings import CaptureSettings


def intake(trust: bool) -> Intake:
    settings = CaptureSettings(
        database_url="postgresql://x@127.0.0.1/x", ip_hash_salt="s" * 16, trust_forwarded_for=trust
    )
    return Intake(settings=settings, db=None, registry=None, submit=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("trust", "forwarded", "ip"),
    [
        (False, "1.2.3.4", "10.0.0.9"),  # not behind a proxy: the header is the client's own
        (True, "1.2.3.4", "1.2.3.4"),
        (True, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged entry before the proxy's
        (True, "  ", "10.0.0.9"),
        (True, None, "10.0.0.9"),
    ],
)
def test_the_client_ip_is_what_the_trusted_proxy_saw(
    trust: bool, forwarded: str | None, ip: str
) -> None:
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    assert intake(trust).client_ip(headers, "10.0.0.9") == ip
