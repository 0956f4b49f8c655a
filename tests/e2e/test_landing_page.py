"""The example landing page (deploy/examples/) in a real browser, headless Chromium, posting
to a capture API on loopback: with script, without script, and filled in by a bot.

The page is served on one loopback port and capture on another, so every post is a
cross-origin one with its CORS preflight, as in production. Chromium comes from Debian's
``chromium`` package (Playwright drives it; it never downloads a browser).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import uvicorn
import yaml
from playwright.async_api import Browser, Page, async_playwright, expect

from leadflow_capture.service import SERVICE as CAPTURE
from leadflow_capture.settings import CaptureSettings
from leadflow_local.postgres import plain_dsn
from tests.conftest import EXAMPLE_CONFIG, Infra
from tests.infra import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLES = ROOT / "deploy" / "examples"
PAGE_ACTION = "http://127.0.0.1:8000/v1/forms/web-form"  # as shipped in landing-page.html
SOURCE = "landing-page-e2e"


@dataclass(frozen=True)
class Site:
    origin: str  # where the landing page and its thank-you and error pages are served
    api: str  # capture's base URL
    dsn: str  # capture's database

    @property
    def landing(self) -> str:
        return f"{self.origin}/landing-page.html"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve_pages(directory: Path) -> ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, name="landing-pages", daemon=True).start()
    return server


def _write_config(path: Path, origin: str) -> None:
    """The example configuration plus a source for pages on ``origin``."""
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text())
    config["sources"].append(
        {
            "id": SOURCE,
            "name": "Landing page in the browser test",
            "allowed_origins": [origin],
            "thank_you_url": f"{origin}/thanks.html",
            "error_url": f"{origin}/error.html",
            "default_cta": "contact_sales",
            "rate_limit_per_ip_per_minute": 600,
        }
    )
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def _copy_pages(directory: Path, api: str) -> None:
    """deploy/examples/'s pages, the form pointed at the test's capture and source."""
    for name in ("landing-page.html", "thanks.html", "error.html"):
        text = (EXAMPLES / name).read_text()
        if name == "landing-page.html":
            assert PAGE_ACTION in text, "the landing page's form no longer posts to web-form"
            text = text.replace(PAGE_ACTION, f"{api}/v1/forms/{SOURCE}")
        (directory / name).write_text(text)


@pytest.fixture(scope="module")
def site(infra_env: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("landing")
    pages = root / "pages"
    pages.mkdir()
    static = _serve_pages(pages)
    origin = f"http://127.0.0.1:{static.server_address[1]}"

    api_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    api_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    api_socket.bind(("127.0.0.1", 0))
    api = f"http://127.0.0.1:{api_socket.getsockname()[1]}"
    _copy_pages(pages, api)
    _write_config(root / "leadflow.yaml", origin)

    settings = infra_env.settings(CaptureSettings, "capture", config_file=root / "leadflow.yaml")
    server = uvicorn.Server(uvicorn.Config(CAPTURE.create_app(settings), log_level="warning"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [api_socket]}, name="capture-api", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "capture did not start"
            time.sleep(0.05)
        yield Site(origin, api, plain_dsn(infra_env.service_url("capture")))
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        api_socket.close()
        static.shutdown()
        static.server_close()


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium; the browser tests fail, never skip, when it is missing."""
    assert os.access(CHROMIUM, os.X_OK), (
        f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)"
    )
    return CHROMIUM


@pytest.fixture(scope="module")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def open_page(browser: Browser, url: str, *, script: bool = True) -> Page:
    context = await browser.new_context(java_script_enabled=script)
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await page.goto(url)
    return page


async def fill_in(page: Page, email: str) -> None:
    await page.fill("#first_name", "Ana")
    await page.fill("#last_name", "Lopez")
    await page.fill("#email", email)
    await page.fill("#company", "Acme ApS")
    await page.fill("#country", "DK")
    await page.select_option("#custom_company_size", "51-200")
    await page.select_option("#bant_timeline", "This quarter")
    await page.fill("#message", "Show us territory routing.")
    await page.check("#consent_marketing")


async def stored(site: Site, email: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(site.dsn)
    try:
        rows = await conn.fetch(
            "SELECT submission, context FROM capture.leads WHERE submission->>'email' = $1", email
        )
    finally:
        await conn.close()
    return [
        {"submission": json.loads(r["submission"]), "context": json.loads(r["context"])}
        for r in rows
    ]


async def honeypot_count(site: Site) -> int:
    conn = await asyncpg.connect(site.dsn)
    try:
        total = await conn.fetchval(
            "SELECT coalesce(sum(count), 0) FROM capture.spam_counts"
            " WHERE source_id = $1 AND reason = 'honeypot'",
            SOURCE,
        )
    finally:
        await conn.close()
    return int(total)


def unique_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


async def test_with_script_a_double_click_sends_once_and_thanks_inline(
    site: Site, browser: Browser
) -> None:
    page = await open_page(browser, f"{site.landing}?utm_source=newsletter&utm_campaign=spring")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    email = unique_email("script")
    await fill_in(page, email)

    await page.dblclick("button[type=submit]")
    await expect(page.locator("#thanks")).to_be_visible()
    await expect(page.locator("#lead-form")).to_be_hidden()
    assert page.url.startswith(site.landing)  # no page load: the thank-you is inline
    await asyncio.sleep(0.5)  # room for a second post to arrive, were there one

    assert posts == [f"{site.api}/v1/forms/{SOURCE}"]
    (lead,) = await stored(site, email)
    submission, context = lead["submission"], lead["context"]
    assert submission["first_name"] == "Ana" and submission["company"] == "Acme ApS"
    assert submission["utm"]["source"] == "newsletter"
    assert submission["utm"]["campaign"] == "spring"
    assert submission["cta"]["type"] == "demo_request"
    assert submission["cta"]["page_url"].startswith(site.landing)
    assert submission["consent"]["marketing"] is True
    assert submission["consent"]["text"].startswith("Yes, email me product news")
    assert submission["bant"]["timeline"] == "This quarter"
    assert submission["custom"] == {"company_size": "51-200"}
    assert context["channel"] == "form"
    uuid.UUID(context["idempotency_key"])  # one generated per page view


async def test_with_script_field_errors_show_next_to_the_field_then_the_fix_goes_through(
    site: Site, browser: Browser
) -> None:
    page = await open_page(browser, site.landing)
    email = unique_email("fix")
    await fill_in(page, email)
    # maxlength stops a person typing this; a script can still set it, and capture says no.
    await page.evaluate("document.getElementById('first_name').value = 'x'.repeat(101)")
    await page.click("button[type=submit]")

    error = page.locator("#first_name-error")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("100 characters")
    await expect(page.locator("#first_name")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("button[type=submit]")).to_be_enabled()
    assert await stored(site, email) == []

    await page.fill("#first_name", "Ana")
    await page.click("button[type=submit]")
    await expect(page.locator("#thanks")).to_be_visible()
    assert len(await stored(site, email)) == 1


async def test_without_script_the_browser_lands_on_the_thank_you_page(
    site: Site, browser: Browser
) -> None:
    landing = f"{site.landing}?utm_source=print"
    page = await open_page(browser, landing, script=False)
    email = unique_email("noscript")
    await fill_in(page, email)

    await page.click("button[type=submit]")
    await page.wait_for_url(f"{site.origin}/thanks.html")
    await expect(page.locator("h1")).to_have_text("Thank you!")

    (lead,) = await stored(site, email)
    assert lead["submission"]["consent"]["marketing"] is True
    assert lead["submission"]["cta"]["type"] == "demo_request"
    assert lead["context"]["channel"] == "form"
    assert lead["context"]["page_url"] == landing  # the page's referrer policy sends it all


async def test_without_script_an_invalid_lead_lands_on_the_error_page(
    site: Site, browser: Browser
) -> None:
    page = await open_page(browser, site.landing, script=False)
    email = unique_email("noscript-bad")
    await fill_in(page, email)
    await page.eval_on_selector("#message", "el => el.removeAttribute('maxlength')")
    await page.fill("#message", "x" * 5001)

    await page.click("button[type=submit]")
    await page.wait_for_url(f"{site.origin}/error.html?*")
    assert "reason=validation_failed" in page.url and "field=message" in page.url
    assert await stored(site, email) == []


async def test_a_bot_filling_the_honeypot_is_thanked_but_nothing_is_stored(
    site: Site, browser: Browser
) -> None:
    page = await open_page(browser, site.landing)
    email = unique_email("bot")
    before = await honeypot_count(site)
    await fill_in(page, email)
    await page.evaluate("document.getElementById('fax_number').value = '+1 555 0100'")

    await page.click("button[type=submit]")
    await expect(page.locator("#thanks")).to_be_visible()

    assert await stored(site, email) == []
    assert await honeypot_count(site) == before + 1
