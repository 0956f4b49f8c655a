"""Whether a lead's email domain and its company's website name the same organisation.

Both sides are reduced to their registrable domain with a small built-in rule rather than
the full Public Suffix List (no download, no network): the last two labels of the host, or
the last three when the last two are a common two-level public suffix such as ``co.uk``
("mail.acme.co.uk" → "acme.co.uk"). A suffix not listed is read as one label, so an
unlisted two-level suffix makes two companies under it look alike ("a.gv.at" and
"b.gv.at" both become "gv.at") — a missed flag, never a false one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from leadflow_shared.events.v1 import Check
from leadflow_verify.contact.domain.washing import normalise_website

DOMAIN_MISMATCH = "domain_mismatch"

# Second-level labels under a country code that are public suffixes ("co.uk", "com.br").
_SECOND_LEVEL = frozenset(
    {"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "nom", "ltd", "plc"}
)
_COUNTRY_SUFFIXES_WITHOUT_SECOND_LEVEL = frozenset({"de", "dk", "se", "no", "fi", "nl", "ch"})

# Mailbox providers: their domain says nothing about the lead's company.
_FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.de", "yahoo.fr",
        "ymail.com", "hotmail.com", "hotmail.co.uk", "hotmail.de", "hotmail.fr", "hotmail.dk",
        "outlook.com", "outlook.de", "live.com", "live.dk", "live.se", "live.co.uk", "msn.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de", "gmx.net", "gmx.com",
        "gmx.at", "gmx.ch", "web.de", "t-online.de", "freenet.de", "proton.me",
        "protonmail.com", "pm.me", "tutanota.com", "yandex.ru", "yandex.com", "mail.ru",
        "qq.com", "163.com", "126.com", "sina.com", "zoho.com", "fastmail.com", "hey.com",
        "mail.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "libero.it",
        "virgilio.it", "seznam.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "bol.com.br",
        "uol.com.br", "terra.com.br", "rediffmail.com", "naver.com", "daum.net",
        "btinternet.com", "sky.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
        "telia.com", "online.no", "jubii.dk",
    }
)  # fmt: skip


def registrable_domain(host: str) -> str | None:
    """The domain an organisation registers: "www.shop.acme.co.uk" → "acme.co.uk"."""
    labels = [label for label in host.strip().lower().rstrip(".").split(".") if label]
    if len(labels) < 2:
        return None
    suffix_is_two_level = (
        len(labels) >= 3
        and len(labels[-1]) == 2
        and labels[-1] not in _COUNTRY_SUFFIXES_WITHOUT_SECOND_LEVEL
        and labels[-2] in _SECOND_LEVEL
    )
    return ".".join(labels[-3:] if suffix_is_two_level else labels[-2:])


def is_free_mail(domain: str) -> bool:
    """A mailbox provider's domain (gmail.com, gmx.de, …), not a company's."""
    found = registrable_domain(domain)
    return domain.lower() in _FREE_MAIL or (found is not None and found in _FREE_MAIL)


def domain_agreement(email_domain: str | None, website: str | None) -> Check | None:
    """Whether the email domain and the website belong to one organisation.

    ``email_domain`` may be a whole address; its part after "@" is used. None when either
    is missing or the website is no web address (the website check says why). A free-mail
    address gives a passed check with nothing compared. Disagreeing domains pass flagged
    ``domain_mismatch``: a consultant writing from their own company is not an error.
    """
    if not email_domain or not website:
        return None
    mail_host = email_domain.rsplit("@", 1)[-1].strip().lower()
    url = normalise_website(website)
    web_host = urlsplit(url).hostname if url else None
    mail_domain = registrable_domain(mail_host)
    web_domain = registrable_domain(web_host) if web_host else None
    if mail_domain is None or web_domain is None:
        return None
    before = f"{mail_host} / {web_host}"
    after = f"{mail_domain} / {web_domain}"

    def check(evidence: str, findings: tuple[str, ...] = ()) -> Check:
        return Check(
            name="domain_agreement", passed=True, status="flagged" if findings else "passed",
            field="email", before=before, after=after, evidence=evidence, findings=findings,
        )  # fmt: skip

    if is_free_mail(mail_host):
        return check("free-mail address: no company domain to compare")
    if mail_domain == web_domain:
        return check(f"the email domain and the website are both {mail_domain}")
    mail_name, web_name = mail_domain.split(".", 1)[0], web_domain.split(".", 1)[0]
    if mail_name == web_name:
        evidence = (
            f"the email domain {mail_domain} and the website {web_domain} share the name "
            f"{mail_name!r} under different endings"
        )
        return check(evidence)
    evidence = (
        f"the email domain {mail_domain} differs from the company website {web_domain}: "
        "the person may write from another company or a personal domain"
    )
    return check(evidence, (DOMAIN_MISMATCH,))
