from __future__ import annotations

import pytest

from leadflow_shared.signing import SignatureError, sign, verify_signature

BODY = b'{"email":"a@example.com"}'
NOW = 1_790_000_000


def test_a_valid_signature_is_accepted() -> None:
    header = sign("example-secret", BODY, NOW)
    verified = verify_signature("example-secret", header, BODY, now=NOW + 10, tolerance_s=300)
    assert verified.timestamp == NOW


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "missing"),
        ("", "missing"),
        ("v1=abc", "t="),
        ("t=abc,v1=abc", "t="),
        (sign("other-secret", BODY, NOW), "does not match"),
        (sign("example-secret", BODY + b" ", NOW), "does not match"),
        (sign("example-secret", BODY, NOW - 301), "tolerance"),
        (sign("example-secret", BODY, NOW + 301), "tolerance"),
    ],
)
def test_bad_signatures_are_refused(header: str | None, message: str) -> None:
    with pytest.raises(SignatureError, match=message):
        verify_signature("example-secret", header, BODY, now=NOW, tolerance_s=300)


def test_any_matching_v1_among_several_is_enough() -> None:
    good = sign("example-secret", BODY, NOW).split(",")[1]
    header = f"t={NOW},v1=deadbeef,{good}"
    assert (
        verify_signature("example-secret", header, BODY, now=NOW, tolerance_s=300).timestamp == NOW
    )


@pytest.mark.parametrize(
    "respell",
    [
        lambda h: h + ",",
        lambda h: " " + h,
        lambda h: h.replace(",", " , "),
        lambda h: h + "," + h.split(",")[1],
        lambda h: h + ",x=1",
        lambda h: h.upper().replace("T=", "t=").replace("V1=", "v1="),
    ],
)
def test_a_respelled_header_is_the_same_signature(respell: object) -> None:
    header = sign("example-secret", BODY, NOW)
    first = verify_signature("example-secret", header, BODY, now=NOW, tolerance_s=300)
    again = verify_signature("example-secret", respell(header), BODY, now=NOW, tolerance_s=300)  # type: ignore[operator]
    assert again.digest() == first.digest()
