"""Which web addresses may be passed on to reps and partners."""

from __future__ import annotations

import pytest

from leadflow_shared.urls import scheme_of, web_url


@pytest.mark.parametrize(
    "given",
    [
        "https://www.example.com/pricing?utm_source=news",
        "http://example.com",
        "HTTPS://Example.com/a",
        "https://bücher.de/katalog",
        "https://example.com:8443/x",
    ],
)
def test_http_addresses_are_kept_as_given(given: str) -> None:
    assert web_url(f"  {given} ") == given


@pytest.mark.parametrize(
    "given",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/x",
        "/pricing",
        "https://",
        "https://good.example@evil.example/",  # a user name: the host is evil.example
        "https://user:pass@example.com/",
        "http://evil.example\\@good.example/",  # browsers read the backslash as a slash
        "https://example.com/\u202eabc",  # a right-to-left override
        "https://exa\u200bmple.com/",  # a zero-width space
        "https://example.com/a b",
        "https://example.com:99999/",
        "",
        None,
    ],
)
def test_anything_else_is_refused(given: str | None) -> None:
    assert web_url(given) is None


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("javascript:alert(1)", "javascript:"),
        ("DATA:text/html,x", "data:"),
        ("/pricing", "not an absolute web address"),
        ("https://good.example@evil.example/", "https:"),
    ],
)
def test_a_refused_address_is_named_by_its_kind_not_repeated(given: str, kind: str) -> None:
    assert scheme_of(given) == kind
