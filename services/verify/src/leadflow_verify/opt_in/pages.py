"""The pages a person sees after following a confirmation link: small, self-contained
HTML (no scripts, nothing loaded from elsewhere). Following the link shows a button; only
pressing it confirms, so a mail scanner that opens every link confirms nothing."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from fastapi.responses import HTMLResponse


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    text: str


ASK = Page(
    200,
    "Please confirm your email address",
    "Press the button to confirm that you signed up and want to hear from us.",
)
CONFIRMED = Page(
    200,
    "Thank you: your email address is confirmed",
    "We will be in touch. You can close this page.",
)
ALREADY_CONFIRMED = Page(
    200,
    "Your email address is already confirmed",
    "You confirmed it before; there is nothing more to do. You can close this page.",
)
INVALID = Page(
    400,
    "This confirmation link is not valid",
    "The link may have been cut short or changed. Open it straight from the email we sent "
    "you, or copy the whole address from it.",
)
UNKNOWN = Page(
    404,
    "We do not know this confirmation link",
    "There is nothing to confirm for it any more. If you still want to hear from us, "
    "please sign up again.",
)
EXPIRED = Page(
    410,
    "This confirmation link has expired",
    "It was not opened in time, so your sign-up was not completed and we will not contact "
    "you. If you still want to hear from us, please sign up again.",
)
UNAVAILABLE = Page(
    503,
    "Confirmation is not available right now",
    "Please try the link again later.",
)

_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; background: #f6f7f9; color: #1f2328;
         margin: 0; display: flex; min-height: 100vh; align-items: center;
         justify-content: center; }}
  main {{ background: #fff; max-width: 32rem; margin: 1rem; padding: 2rem 2.5rem;
         border-radius: 12px; box-shadow: 0 1px 4px rgba(0, 0, 0, .12); }}
  h1 {{ font-size: 1.4rem; margin-top: 0; }}
  p {{ line-height: 1.5; }}
  button {{ font: inherit; padding: .6rem 1.2rem; border: 0; border-radius: 8px;
           background: #1f6feb; color: #fff; cursor: pointer; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
{form}</main>
</body>
</html>
"""

# The token is in the address: no page may pass it on, be kept by a cache or be indexed.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
}


# posts to the page's own address (the link, token included): nothing to copy into it
_FORM = '<form method="post"><button type="submit">Confirm my email address</button></form>\n'


def render(page: Page) -> HTMLResponse:
    form = _FORM if page is ASK else ""
    html = _HTML.format(title=escape(page.title), text=escape(page.text), form=form)
    return HTMLResponse(html, status_code=page.status, headers=HEADERS)
