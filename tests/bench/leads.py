"""Realistic, varied leads for the pipeline benchmark: ``POST /v1/leads`` bodies.

Leads come from the reps' and the partners' territories and from elsewhere, click every
kind of call to action, name their company and role or not, answer BANT or not, and
sometimes leave a phone number. A few percent leave no contact verify can accept (an
email on a host without a domain, or only a phone number that is no number): capture
takes them, verify rejects them. Each body is unique (its email, or its page URL for a
phone-only lead), so capture never takes one for a double submit.

The sequence is fixed by the seed: ``LeadFactory(tag, seed)`` makes the same leads for the
same numbers in the same order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Country:
    code: str
    weight: int
    name: str  # as some forms send it, instead of the code
    cities: tuple[str, ...]
    phone_prefix: str  # a valid mobile number without its last four digits
    domain: str  # top-level domain of its companies' addresses
    language: str


COUNTRIES = (
    Country("US", 18, "United States", ("New York", "Austin"), "+1 201 555 ", "com", "en-US"),
    Country("CA", 4, "Canada", ("Toronto", "Vancouver", "Montreal"), "+1 506 234 ", "ca", "en-CA"),
    Country("GB", 8, "United Kingdom", ("London", "Leeds"), "+44 7400 12", "co.uk", "en-GB"),
    Country("IE", 2, "Ireland", ("Dublin", "Cork"), "+353 85 012 ", "ie", "en-IE"),
    Country("DE", 7, "Germany", ("Berlin", "München", "Köln"), "+49 1512 345", "de", "de"),
    Country("AT", 2, "Austria", ("Wien", "Graz"), "+43 664 12", "at", "de-AT"),
    Country("CH", 2, "Switzerland", ("Zürich", "Genève", "Basel"), "+41 78 123 ", "ch", "de-CH"),
    Country("DK", 3, "Denmark", ("København", "Aarhus"), "+45 3441 ", "dk", "da"),
    Country("SE", 3, "Sweden", ("Stockholm", "Göteborg", "Malmö"), "+46 70 123 ", "se", "sv"),
    Country("NO", 2, "Norway", ("Oslo", "Bergen"), "+47 4061 ", "no", "nb"),
    Country("FI", 2, "Finland", ("Helsinki", "Tampere"), "+358 41 234 ", "fi", "fi"),
    Country("AU", 5, "Australia", ("Sydney", "Perth"), "+61 412 34", "com.au", "en-AU"),
    Country("NZ", 2, "New Zealand", ("Auckland", "Wellington"), "+64 21 123 ", "co.nz", "en-NZ"),
    Country("BR", 5, "Brazil", ("São Paulo", "Rio de Janeiro"), "+55 11 96123 ", "com.br", "pt-BR"),
    Country("MX", 4, "Mexico", ("Puebla", "Guadalajara"), "+52 222 123 ", "com.mx", "es-MX"),
    Country("AR", 3, "Argentina", ("Buenos Aires", "Córdoba"), "+54 9 11 2345 ", "com.ar", "es-AR"),
    Country("JP", 4, "Japan", ("Tokyo", "Osaka"), "+81 90 1234 ", "co.jp", "ja"),
    Country("FR", 6, "France", ("Paris", "Lyon", "Toulouse"), "+33 6 12 34 ", "fr", "fr"),
    Country("IN", 4, "India", ("Bengaluru", "Mumbai", "Pune"), "+91 81234 5", "in", "en-IN"),
    Country("ES", 3, "Spain", ("Madrid", "Barcelona"), "+34 612 34 ", "es", "es"),
    Country("NL", 3, "Netherlands", ("Amsterdam", "Utrecht"), "+31 6 1234 ", "nl", "nl"),
    Country("SG", 1, "Singapore", ("Singapore",), "+65 8123 ", "com.sg", "en-SG"),
    Country("ZA", 1, "South Africa", ("Cape Town", "Durban"), "+27 71 123 ", "co.za", "en-ZA"),
)  # fmt: skip
COUNTRY_WEIGHTS = [c.weight for c in COUNTRIES]

FIRST_NAMES = (
    "Ana", "Ben", "Chloe", "Dev", "Emma", "Felix", "Greta", "Hiro", "Ines", "Jonas", "Kai",
    "Lena", "Mateo", "Nora", "Olivia", "Pedro", "Quinn", "Ravi", "Sofia", "Tom", "Uma",
    "Valentina", "Wei", "Yuki", "Zoë", "Søren", "Åsa", "Mikko", "Siobhán", "José",
)  # fmt: skip
LAST_NAMES = (
    "Lopez", "Smith", "Müller", "Jensen", "Andersson", "Tanaka", "Dubois", "Rossi", "Silva",
    "O'Brien", "Nguyen", "Kowalski", "Virtanen", "Hansen", "García", "Patel", "Brown",
    "van der Berg", "Schmidt", "Martínez", "Sato", "Moreau", "Murphy", "Eriksson",
)  # fmt: skip
COMPANIES = (
    "Northwind Logistics", "Blue Fjord Analytics", "Acme Robotics", "Helios Energy",
    "Kite & Key Retail", "Orbital Payments", "Granite Health", "Lumen Studios",
    "Tidewater Foods", "Quantum Freight", "Maple Leaf Insurance", "Sakura Systems",
    "Atelier Nord", "Pampas Agro", "Kiwi Cloud", "Rheinwerk Maschinenbau",
)  # fmt: skip
JOB_TITLES = (
    "CEO", "CTO", "Founder", "VP Sales", "Head of Marketing", "Marketing Manager",
    "IT Director", "Procurement Specialist", "Software Engineer", "Operations Manager",
    "Student", "Consultant", "Sales Development Representative", "CFO", "Office Manager",
)  # fmt: skip

# (type, weight, page path)
CTAS = (
    ("demo_request", 20, "demo"),
    ("contact_sales", 14, "contact"),
    ("pricing", 10, "pricing"),
    ("trial_signup", 10, "signup"),
    ("content_download", 14, "resources/whitepaper"),
    ("webinar", 8, "webinars/q4"),
    ("newsletter", 10, "blog"),
    ("quote_request", 6, "quote"),
    ("event", 4, "events/summit"),
    ("other", 4, ""),
)
CTA_WEIGHTS = [w for _, w, _ in CTAS]

BUDGETS = ("50k", "about $20,000", "€100k approved", "no budget", "not sure", "10-20k", "none yet")
AUTHORITIES = ("I sign off", "decision maker", "not the decision maker", "yes", "my boss decides")
NEEDS = ("replace our spreadsheets", "yes, urgently", "just browsing", "scaling our SDR team")
TIMELINES = ("this quarter", "asap", "next year", "within 2 months", "no timeline", "Q3")
MESSAGES = (
    "We would like a demo for our sales team of 40 people.",
    "Can you send pricing for 10 seats?",
    "Looking for a partner in our region.",
    "Please call me back next week.",
    "",
)
UTM_SOURCES = (("google", "cpc"), ("linkedin", "paid_social"), ("newsletter", "email"))

UNREACHABLE_SHARE = 0.03  # leads verify rejects: no usable email and no usable phone
PHONE_ONLY_SHARE = 0.04
REPEAT_SHARE = 0.05  # people who come back: an earlier lead's email address again
DOUBLE_SURNAME_SHARE = 0.4  # "Lopez-Nielsen": fewer namesakes at one company


class LeadFactory:
    """Lead bodies numbered ``n``; the same seed gives the same leads."""

    def __init__(self, tag: str, seed: int = 0) -> None:
        self.tag = tag
        self.rng = random.Random(seed)
        self.emails: list[str] = []  # given so far, for repeats

    def __call__(self, n: int) -> dict[str, Any]:
        rng = self.rng
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < DOUBLE_SURNAME_SHARE:
            last = f"{last}-{rng.choice(LAST_NAMES)}"
        company = rng.choice(COMPANIES)
        cta, _, path = rng.choices(CTAS, CTA_WEIGHTS)[0]
        lead: dict[str, Any] = {
            "first_name": first,
            "last_name": last,
            "cta": {
                "type": cta,
                "page_url": f"https://www.example.com/{path}?session={self.tag}-{n}",
            },
        }
        local = f"{ascii_part(first)}.{ascii_part(last)}.{self.tag}{n}"
        domain = email_domain(company, country)
        draw = rng.random()
        if draw < UNREACHABLE_SHARE:
            if rng.random() < 0.5:
                lead["email"] = f"{local}@localhost"  # capture takes it, verify does not
            else:
                lead["phone"] = f"555-{n % 1000:03d}"  # no number anywhere
        elif draw < UNREACHABLE_SHARE + PHONE_ONLY_SHARE:
            lead["phone"] = phone(country, n)
        else:
            again = self.emails and rng.random() < REPEAT_SHARE
            lead["email"] = rng.choice(self.emails) if again else f"{local}@{domain}"
            self.emails.append(lead["email"])
            if rng.random() < 0.3:
                lead["phone"] = phone(country, n)
        if rng.random() < 0.97:  # some forms leave the country out
            lead["country"] = country.name if rng.random() < 0.15 else country.code
            lead["city"] = rng.choice(country.cities)
        if rng.random() < 0.8:
            lead["company"] = company
        if rng.random() < 0.75:
            lead["job_title"] = rng.choice(JOB_TITLES)
        if rng.random() < 0.3:
            lead["website"] = f"https://{domain}"
        if rng.random() < 0.5:
            lead["language"] = country.language
        message = rng.choice(MESSAGES)
        if message:
            lead["message"] = message
        if rng.random() < 0.6:
            source, medium = rng.choice(UTM_SOURCES)
            lead["utm"] = {"source": source, "medium": medium, "campaign": f"{cta}-q4"}
        if rng.random() < 0.6:
            lead["consent"] = {"marketing": True, "text": "Email me about products and events"}
        if rng.random() < 0.4:
            lead["bant"] = {
                "budget": rng.choice(BUDGETS),
                "authority": rng.choice(AUTHORITIES),
                "need": rng.choice(NEEDS),
                "timeline": rng.choice(TIMELINES),
            }
        return lead


def email_domain(company: str, country: Country) -> str:
    return f"{ascii_part(company)}.{country.domain}"


def email_domains() -> list[str]:
    """Every domain the leads' email addresses can be at (but ``localhost``)."""
    return sorted({email_domain(company, c) for company in COMPANIES for c in COUNTRIES})


def phone(country: Country, n: int) -> str:
    return f"{country.phone_prefix}{n % 10_000:04d}"


def ascii_part(text: str) -> str:
    """Lower-case letters and digits of ``text``, for an email's local part or a domain."""
    return "".join(c for c in text.lower() if c.isascii() and c.isalnum()) or "x"
