"""POST /v1/forms/{source_id} on real Postgres: a browser's form post, with and without
script, its CORS preflight, the honeypot, the rate limits and where browsers are sent."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import asyncpg
import httpx
import pytest

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from tests.conftest import Infra
from tests.integration.capture.conftest import client_for

ADMIN_KEY = "forms-admin-key-0123456789"
PAGE = "http://127.0.0.1:8080"
THANKS = "http://127.0.0.1:8080/thanks.html"
ERROR = "http://127.0.0.1:8080/error.html"
AS_JSON = {"Accept": "application/json"}
BOUNDARY = "leadflow-test-boundary"
Fields = list[tuple[str, str]]

_addresses = itertools.count(1)


def fresh_ip() -> str:
    """A client address of its own, so that one test never spends another's rate limit."""
    n = next(_addresses)
    return f"10.1.{n // 250}.{n % 250 + 1}"


def unique_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def multipart(fields: Fields, files: Fields | None = None) -> tuple[bytes, dict[str, str]]:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    parts += [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        f"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"
        for name, filename in files or []
    ]
    body = ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


@pytest.fixture(scope="module")
async def forms(infra_env: Infra) -> AsyncIterator[httpx.AsyncClient]:
    """capture with the admin API on, taking the client address from X-Forwarded-For."""
    settings = infra_env.settings(
        CaptureSettings, "capture", admin_api_key=ADMIN_KEY, trust_forwarded_for=True
    )
    async with client_for(CAPTURE.create_app(settings)) as client:
        yield client


async def post_form(
    client: httpx.AsyncClient,
    data: dict[str, str] | None = None,
    *,
    source: str = "web-form",
    headers: dict[str, str] | None = None,
    ip: str | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    sent = {"X-Forwarded-For": ip or fresh_ip(), **(headers or {})}
    if content is not None:
        return await client.post(f"/v1/forms/{source}", content=content, headers=sent)
    return await client.post(f"/v1/forms/{source}", data=data, headers=sent)


async def post_pairs(
    client: httpx.AsyncClient, pairs: Fields, *, headers: dict[str, str]
) -> httpx.Response:
    """An urlencoded post that keeps repeated names and their order."""
    body = urlencode(pairs).encode()
    sent = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    return await post_form(client, content=body, headers=sent)


async def make_source(client: httpx.AsyncClient, **fields: Any) -> str:
    source_id = f"form-test-{uuid.uuid4().hex[:8]}"
    response = await client.put(
        f"/v1/admin/sources/{source_id}",
        json={"name": "Form test", **fields},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert response.status_code == 201, response.text
    return source_id


async def leads_with(db: asyncpg.Connection, email: str) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT * FROM capture.leads WHERE submission->>'email' = $1", email.lower()
    )


async def spam_count(db: asyncpg.Connection, source_id: str) -> int:
    total = await db.fetchval(
        "SELECT coalesce(sum(count), 0) FROM capture.spam_counts"
        " WHERE source_id = $1 AND reason = 'honeypot'",
        source_id,
    )
    return int(total)


def query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


# --- accepted ---------------------------------------------------------------------------


async def test_an_urlencoded_post_is_stored_and_the_browser_sent_to_the_thank_you_page(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("urlencoded")
    referer = f"{PAGE}/landing-page.html?utm_source=news"
    response = await post_form(
        forms,
        {"email": email, "first_name": "Ana"},
        headers={"Origin": PAGE, "Referer": referer, "User-Agent": "pytest-browser"},
    )
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == THANKS
    assert response.headers["Access-Control-Allow-Origin"] == PAGE

    (row,) = await leads_with(capture_db, email)
    assert row["source_id"] == "web-form"
    assert json.loads(row["submission"])["first_name"] == "Ana"
    context = json.loads(row["context"])
    assert context["channel"] == "form"
    assert context["page_url"] == referer and context["user_agent"] == "pytest-browser"


async def test_a_multipart_post_is_stored_and_file_parts_are_ignored(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("multipart")
    body, headers = multipart(
        [("email", email), ("company", "Ørsted A/S")], files=[("attachment", "")]
    )
    response = await post_form(forms, content=body, headers=headers)  # no Origin: a curl
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == THANKS
    assert "Access-Control-Allow-Origin" not in response.headers

    (row,) = await leads_with(capture_db, email)
    assert json.loads(row["submission"])["company"] == "Ørsted A/S"


async def test_a_script_asking_for_json_gets_202_with_the_lead_id(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("json")
    body, headers = multipart([("email", email)])
    response = await post_form(
        forms, content=body, headers={**headers, **AS_JSON, "Origin": "http://localhost:8080"}
    )
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "accepted"
    lead_id = uuid.UUID(response.json()["lead_id"])
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]

    row = await capture_db.fetchrow("SELECT * FROM capture.leads WHERE id = $1", lead_id)
    assert row is not None and json.loads(row["submission"])["email"] == email
    event = await capture_db.fetchval(
        "SELECT count(*) FROM capture.outbox WHERE key = $1", str(lead_id).encode()
    )
    assert event == 1


async def test_nested_form_fields_become_the_leads_nested_fields(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("nested")
    pairs = [
        ("email", email),
        ("utm_source", "google"),
        ("utm_medium", "cpc"),
        ("utm_campaign", "q4"),
        ("utm_term", "lead routing"),
        ("utm_content", "ad-1"),
        ("cta_type", "demo_request"),
        ("cta_page_url", "https://example.com/demo"),
        ("consent_marketing", "on"),
        ("consent_text", "Email me about products"),
        ("bant_budget", "10-50k"),
        ("bant_authority", "decision maker"),
        ("bant_need", "faster follow-up"),
        ("bant_timeline", "this quarter"),
        ("custom_company_size", "51-200"),
        ("custom_interest", "crm"),
        ("custom_interest", "routing"),
    ]
    response = await post_pairs(forms, pairs, headers=AS_JSON)
    assert response.status_code == 202, response.text

    (row,) = await leads_with(capture_db, email)
    submission = json.loads(row["submission"])
    assert submission["utm"] == {
        "source": "google",
        "medium": "cpc",
        "campaign": "q4",
        "term": "lead routing",
        "content": "ad-1",
    }
    assert submission["cta"] == {"type": "demo_request", "page_url": "https://example.com/demo"}
    assert submission["consent"]["marketing"] is True
    assert submission["consent"]["text"] == "Email me about products"
    assert submission["consent"]["given_at"]
    assert submission["bant"] == {
        "budget": "10-50k",
        "authority": "decision maker",
        "need": "faster follow-up",
        "timeline": "this quarter",
    }
    assert submission["custom"] == {"company_size": "51-200", "interest": ["crm", "routing"]}
    assert json.loads(row["context"])["page_url"] == "https://example.com/demo"


@pytest.mark.parametrize("value", ["on", "true", "yes", "1"])
async def test_a_ticked_consent_checkbox_is_consent(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection, value: str
) -> None:
    email = unique_email("consent")
    response = await post_form(forms, {"email": email, "consent_marketing": value})
    assert response.status_code == 303
    (row,) = await leads_with(capture_db, email)
    assert json.loads(row["submission"])["consent"]["marketing"] is True


async def test_an_unticked_consent_checkbox_is_no_consent_and_the_default_cta_applies(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("no-consent")
    assert (await post_form(forms, {"email": email})).status_code == 303
    (row,) = await leads_with(capture_db, email)
    submission = json.loads(row["submission"])
    assert submission["consent"]["marketing"] is False
    assert submission["cta"]["type"] == "contact_sales"  # web-form's default_cta


async def test_an_idempotency_key_replay_answers_the_same_lead(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("replay")
    headers = {**AS_JSON, "Idempotency-Key": str(uuid.uuid4()), "Origin": PAGE}
    first = await post_form(forms, {"email": email}, headers=headers)
    second = await post_form(forms, {"email": email}, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["lead_id"] == second.json()["lead_id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    # the same key with another lead: refused, not answered with the first lead
    changed = await post_form(forms, {"email": email, "first_name": "Changed"}, headers=headers)
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert len(await leads_with(capture_db, email)) == 1


async def test_a_double_submit_without_script_stores_one_lead(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("double")
    ip = fresh_ip()
    for _ in range(2):
        response = await post_form(forms, {"email": email}, headers={"Origin": PAGE}, ip=ip)
        assert response.headers["Location"] == THANKS
    assert len(await leads_with(capture_db, email)) == 1


# --- the honeypot -----------------------------------------------------------------------


async def test_a_filled_in_honeypot_looks_accepted_but_is_only_counted(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("bot")
    before = await spam_count(capture_db, "web-form")
    bot = {"email": email, "fax_number": "+1 555 0100"}

    plain = await post_form(forms, bot, headers={"Origin": PAGE})
    assert plain.status_code == 303 and plain.headers["Location"] == THANKS
    scripted = await post_form(forms, bot, headers={"Origin": PAGE, **AS_JSON})
    assert scripted.status_code == 202 and scripted.json()["status"] == "accepted"
    fake_id = uuid.UUID(scripted.json()["lead_id"])

    assert await leads_with(capture_db, email) == []
    assert (
        await capture_db.fetchval("SELECT count(*) FROM capture.leads WHERE id = $1", fake_id) == 0
    )
    assert await spam_count(capture_db, "web-form") == before + 2


async def test_an_empty_honeypot_is_a_human(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("human")
    response = await post_form(forms, {"email": email, "fax_number": ""})
    assert response.status_code == 303
    assert len(await leads_with(capture_db, email)) == 1


# --- rate limits ------------------------------------------------------------------------


async def test_the_per_ip_limit_answers_429_to_scripts_and_the_error_page_to_browsers(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    source = await make_source(
        forms, allowed_origins=[PAGE], thank_you_url=THANKS, error_url=ERROR,
        rate_limit_per_ip_per_minute=3,
    )  # fmt: skip
    ip = fresh_ip()
    for n in range(3):  # the burst
        ok = await post_form(forms, {"email": unique_email(f"ip{n}")}, source=source, ip=ip)
        assert ok.status_code == 303 and ok.headers["Location"] == THANKS

    email = unique_email("limited")
    limited = await post_form(
        forms, {"email": email}, source=source, ip=ip, headers={**AS_JSON, "Origin": PAGE}
    )
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "rate_limited"
    assert limited.headers["Access-Control-Allow-Origin"] == PAGE  # the script can read it

    browser = await post_form(forms, {"email": email}, source=source, ip=ip)
    assert browser.status_code == 303
    location = browser.headers["Location"]
    assert location.startswith(ERROR + "?")
    assert query_of(location)["reason"] == ["rate_limited"]
    assert int(query_of(location)["retry_after"][0]) > 0
    assert await leads_with(capture_db, email) == []

    other = await post_form(forms, {"email": email}, source=source, ip=fresh_ip())
    assert other.headers["Location"] == THANKS


async def test_the_per_source_limit_answers_429(forms: httpx.AsyncClient) -> None:
    source = await make_source(forms, rate_limit_per_second=1)
    first = await post_form(forms, {"email": unique_email("s1")}, source=source, headers=AS_JSON)
    assert first.status_code == 202
    second = await post_form(forms, {"email": unique_email("s2")}, source=source, headers=AS_JSON)
    assert second.status_code == 429 and int(second.headers["Retry-After"]) > 0


# --- refused bodies ---------------------------------------------------------------------


async def test_an_oversized_body_gets_413(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("big")
    big = {"email": email, "message": "x" * 70_000}
    scripted = await post_form(forms, big, headers=AS_JSON)
    assert scripted.status_code == 413
    assert scripted.json()["error"]["code"] == "payload_too_large"
    browser = await post_form(forms, big)
    assert browser.status_code == 303
    assert query_of(browser.headers["Location"])["reason"] == ["payload_too_large"]
    assert await leads_with(capture_db, email) == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
async def test_other_content_types_get_415(
    forms: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {**AS_JSON, **({"Content-Type": content_type} if content_type else {})}
    response = await post_form(forms, content=b'{"email": "a@example.com"}', headers=headers)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


# --- CORS -------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [PAGE, "http://localhost:8080", "HTTP://LOCALHOST:8080"])
async def test_a_preflight_from_an_allowed_origin_is_answered(
    forms: httpx.AsyncClient, origin: str
) -> None:
    response = await forms.options(
        "/v1/forms/web-form",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "idempotency-key",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"content-type", "accept", "idempotency-key"} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize(
    ("source", "origin", "status"),
    [
        ("web-form", "https://evil.example", 403),
        ("web-form", "http://127.0.0.1:8081", 403),
        ("web-form", "null", 403),
        ("web-form", None, 403),
        ("webhook", PAGE, 403),  # signed sources take no browser posts
        ("no-such-source", PAGE, 404),
    ],
)
async def test_a_preflight_from_elsewhere_gets_no_cors_headers(
    forms: httpx.AsyncClient, source: str, origin: str | None, status: int
) -> None:
    headers = {"Access-Control-Request-Method": "POST"}
    if origin is not None:
        headers["Origin"] = origin
    response = await forms.options(f"/v1/forms/{source}", headers=headers)
    assert response.status_code == status
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


@pytest.mark.parametrize("accept", [AS_JSON, {}])
async def test_a_post_from_a_disallowed_origin_is_refused(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection, accept: dict[str, str]
) -> None:
    email = unique_email("cross")
    response = await post_form(
        forms, {"email": email}, headers={**accept, "Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert await leads_with(capture_db, email) == []


async def test_a_signed_source_takes_no_form_posts(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    email = unique_email("unsigned")
    response = await post_form(forms, {"email": email}, source="webhook")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signed_source"
    assert await leads_with(capture_db, email) == []


async def test_an_unknown_source_gets_404(forms: httpx.AsyncClient) -> None:
    response = await post_form(forms, {"email": "a@example.com"}, source="no-such-source")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_source"


# --- invalid leads and redirects --------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "a@example.com", "first_name": "x" * 101}, "first_name"),
        ({"email": "a@example.com", "cta_type": "coffee"}, "cta_type"),
        ({"email": "a@example.com", "consent_marketing": "maybe"}, "consent_marketing"),
        ({"email": "a@example.com", "utm_source": "u" * 256}, "utm_source"),
        ({"first_name": "No contact"}, None),
        ({"email": "ann.example.com", "phone": "+4520123456"}, "email"),
        ({"email": "ann@"}, "email"),
    ],
)
async def test_an_invalid_lead_sends_the_browser_to_the_error_page_with_the_field(
    forms: httpx.AsyncClient,
    capture_db: asyncpg.Connection,
    fields: dict[str, str],
    field: str | None,
) -> None:
    before = await capture_db.fetchval("SELECT count(*) FROM capture.leads")
    browser = await post_form(forms, fields, headers={"Origin": PAGE})
    assert browser.status_code == 303
    location = browser.headers["Location"]
    assert location.startswith(ERROR + "?")
    query = query_of(location)
    assert query["reason"] == ["validation_failed"]
    assert query.get("field") == ([field] if field else None)

    scripted = await post_form(forms, fields, headers={"Origin": PAGE, **AS_JSON})
    assert scripted.status_code == 422
    assert scripted.headers["Access-Control-Allow-Origin"] == PAGE
    details = scripted.json()["error"]["details"]
    assert {d["field"] for d in details} == {field}
    assert await capture_db.fetchval("SELECT count(*) FROM capture.leads") == before


@pytest.mark.parametrize("name", ["redirect", "next", "return_to", "thank_you_url"])
async def test_a_redirect_target_in_the_request_is_ignored(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection, name: str
) -> None:
    email = unique_email("redirect")
    evil = "https://evil.example/phish"
    ok = await forms.post(
        f"/v1/forms/web-form?{name}={evil}",
        data={"email": email, name: evil},
        headers={"X-Forwarded-For": fresh_ip(), "Origin": PAGE},
    )
    assert ok.status_code == 303 and ok.headers["Location"] == THANKS
    assert len(await leads_with(capture_db, email)) == 1

    invalid = await post_form(forms, {"first_name": "x", name: evil})
    assert invalid.status_code == 303
    assert invalid.headers["Location"].startswith(ERROR + "?")
    assert "evil" not in invalid.headers["Location"]


async def test_without_configured_pages_a_browser_gets_a_plain_page(
    forms: httpx.AsyncClient, capture_db: asyncpg.Connection
) -> None:
    source = await make_source(forms)  # no thank-you or error URL
    email = unique_email("plain")
    ok = await post_form(forms, {"email": email}, source=source)
    assert ok.status_code == 202
    assert ok.headers["Content-Type"].startswith("text/html")
    assert "Thank you" in ok.text and "Location" not in ok.headers
    assert len(await leads_with(capture_db, email)) == 1

    bad = await post_form(forms, {"email": email, "first_name": "<script>" * 20}, source=source)
    assert bad.status_code == 422
    assert bad.headers["Content-Type"].startswith("text/html")
    assert "first_name" in bad.text and "<script>" not in bad.text
    assert bad.headers["Content-Security-Policy"].startswith("default-src 'none'")


async def test_a_too_long_idempotency_key_gets_422(forms: httpx.AsyncClient) -> None:
    response = await post_form(
        forms, {"email": "a@example.com"}, headers={**AS_JSON, "Idempotency-Key": "k" * 256}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "Idempotency-Key"


# --- nothing is a 5xx -------------------------------------------------------------------

MP = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"email=a@example.com"),  # no boundary
        ("multipart/form-data; boundary=", b"--\r\n"),
        (MP, b"garbage without any boundary"),
        (MP, f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{BOUNDARY}--".encode()),
        (MP, f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\na@ex'.encode()),
        (MP, b""),
        (
            MP,
            "".join(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f{i}"; filename="{i}"'
                "\r\n\r\n\r\n"
                for i in range(20)
            ).encode()
            + f"--{BOUNDARY}--\r\n".encode(),
        ),
        ("multipart/form-data; boundary=x; charset=no-such-charset", b"--x--\r\n"),
        ("application/x-www-form-urlencoded", "&".join(f"f{i}=1" for i in range(300)).encode()),
        ("application/x-www-form-urlencoded", b"email=%zz%&&==&first_name=\xff\xfe"),
        ("application/x-www-form-urlencoded", b"email=a%40example.com&custom_%00=\x00"),
        ("application/x-www-form-urlencoded", b""),
        ("application/x-www-form-urlencoded; charset=utf-16", b"email=a@example.com"),
    ],
)
async def test_odd_form_bodies_never_get_a_5xx(
    forms: httpx.AsyncClient, content_type: str, body: bytes
) -> None:
    for accept in (AS_JSON, {}):
        response = await post_form(
            forms, content=body, headers={"Content-Type": content_type, **accept}
        )
        assert response.status_code < 500, response.text
        assert response.status_code in (202, 303, 400, 413, 415, 422)
