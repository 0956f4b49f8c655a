"""A lead's company, as routing knows it: its email address's domain, unless that is a
free-mail or disposable one (verify's findings ``free_mail``, ``disposable_domain``)."""

from __future__ import annotations

from collections.abc import Collection

NOT_A_COMPANY = frozenset({"free_mail", "disposable_domain"})


def company_domain(email: str | None, findings: Collection[str]) -> str | None:
    """``ana@Acme.example`` → ``acme.example``; None for no address or a free-mail one."""
    if not email or "@" not in email or NOT_A_COMPANY & set(findings):
        return None
    domain = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    return domain or None
