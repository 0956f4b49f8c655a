"""The lists email examination reads: role mailboxes, free-mail providers, TLD typos.

Disposable domains are not here: they come from the ``disposable-email-domains`` package,
which ships its list and is kept current by upgrading the package.
"""

from __future__ import annotations

# Local parts of shared mailboxes that name a job, not a person, compared after lower-casing,
# dropping a "+tag" and the separators ". - _" (so "no-reply", "no_reply" and "noreply" are
# one). English first, then the German, French and Spanish ones forms commonly get.
ROLE_LOCAL_PARTS: frozenset[str] = frozenset(
    {
        # generic contact points
        "info", "information", "contact", "contactus", "hello", "hi", "office", "mail",
        "email", "enquiries", "enquiry", "inquiries", "inquiry", "general", "team", "all",
        "staff", "reception", "frontdesk", "welcome",
        # sales and marketing
        "sales", "marketing", "business", "bizdev", "partners", "partnerships", "press",
        "media", "pr", "newsletter", "news", "events", "orders", "order", "shop", "store",
        # support and service
        "support", "help", "helpdesk", "service", "services", "customerservice",
        "customercare", "care", "feedback", "questions",
        # administration, finance, people
        "admin", "administrator", "billing", "accounts", "accounting", "finance", "invoice",
        "invoices", "payments", "hr", "jobs", "careers", "recruiting", "recruitment",
        "legal", "privacy", "compliance", "security",
        # technical and automatic
        "webmaster", "postmaster", "hostmaster", "abuse", "root", "it", "dev", "devnull",
        "noreply", "donotreply", "dontreply", "mailerdaemon", "bounce", "bounces",
        # German, French, Spanish
        "kontakt", "buero", "büro", "vertrieb", "verkauf", "bewerbung", "personal",
        "rechnung", "zentrale", "bonjour", "commercial", "ventas", "contacto",
    }
)  # fmt: skip

# Free (consumer) mail providers: a domain here is a person's private mailbox, not a
# company's. Families with many country domains list their name and the suffixes in use.
_FREE_MAIL_FAMILIES: dict[str, tuple[str, ...]] = {
    "yahoo": (
        "com", "co.uk", "co.jp", "co.in", "co.id", "com.au", "com.br", "com.ar", "com.mx",
        "com.sg", "com.hk", "com.tw", "ca", "de", "fr", "es", "it", "ie", "in", "gr", "se",
        "dk", "no", "fi", "pl", "nl", "be", "at", "ch",
    ),
    "hotmail": (
        "com", "co.uk", "de", "fr", "es", "it", "nl", "be", "ca", "com.au", "com.br", "se",
        "dk", "no", "fi", "gr", "ch", "at",
    ),
    "outlook": ("com", "de", "fr", "es", "it", "co.uk", "com.au", "com.br", "at", "be", "jp"),
    "live": ("com", "co.uk", "de", "fr", "it", "nl", "be", "ca", "com.au", "se", "dk", "no"),
    "aol": ("com", "de", "fr", "co.uk"),
    "gmx": ("de", "net", "com", "at", "ch", "fr", "co.uk", "es", "us"),
    "yandex": ("ru", "com", "ua", "by", "kz", "com.tr"),
}  # fmt: skip

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {f"{name}.{suffix}" for name, suffixes in _FREE_MAIL_FAMILIES.items() for suffix in suffixes}
    | {
        "gmail.com", "googlemail.com", "ymail.com", "rocketmail.com", "msn.com",
        "windowslive.com", "icloud.com", "me.com", "mac.com", "aim.com", "gmx.net",
        "web.de", "t-online.de", "freenet.de", "mail.de", "posteo.de", "arcor.de",
        "mail.ru", "inbox.ru", "list.ru", "bk.ru", "ya.ru", "rambler.ru",
        "uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br",
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com",
        "tuta.io", "mail.com", "email.com", "zoho.com", "zohomail.com", "fastmail.com",
        "hey.com", "hushmail.com", "qq.com", "163.com", "126.com", "yeah.net", "sina.com",
        "naver.com", "daum.net", "hanmail.net", "orange.fr", "wanadoo.fr", "free.fr",
        "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "tiscali.it", "seznam.cz",
        "wp.pl", "o2.pl", "onet.pl", "interia.pl", "btinternet.com", "sky.com",
        "virginmedia.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
        "cox.net", "bluewin.ch", "telenet.be", "skynet.be", "bigpond.com", "rediffmail.com",
    }
)  # fmt: skip

# Domains a typo is measured against: the free-mail domains people mistype most.
COMMON_DOMAINS: tuple[str, ...] = (
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "hotmail.com", "outlook.com",
    "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.de",
    "gmx.net", "gmx.com", "web.de", "t-online.de", "freenet.de", "mail.ru", "yandex.ru",
    "protonmail.com", "proton.me", "mail.com", "qq.com", "163.com", "comcast.net",
    "verizon.net", "btinternet.com", "orange.fr", "wanadoo.fr", "libero.it",
    "hotmail.co.uk", "yahoo.co.uk", "yahoo.de", "yahoo.fr", "hotmail.de", "hotmail.fr",
    "outlook.de",
)  # fmt: skip

# Misspelt top-level domains that exist nowhere, and what they almost always mean. Real
# country domains that are also common slips (.co, .cm, .om) are caught only next to a
# common domain (gmail.co → gmail.com), never on their own.
TLD_TYPOS: dict[str, str] = {
    "con": "com", "cmo": "com", "ocm": "com", "cpm": "com", "vom": "com", "xom": "com",
    "comm": "com", "coom": "com", "cim": "com", "ccom": "com",
    "nte": "net", "ent": "net", "nett": "net", "met": "net",
    "ogr": "org", "orgg": "org", "prg": "org", "dee": "de",
}  # fmt: skip
