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
    phone_prefix: str  # a valid mobile number without its last six digits
    domain: str  # top-level domain of its companies' addresses
    language: str


COUNTRIES = (
    Country("US", 18, "United States", ("New York", "Austin"), "+1 201 5", "com", "en-US"),
    Country("CA", 4, "Canada", ("Toronto", "Vancouver", "Montreal"), "+1 506 2", "ca", "en-CA"),
    Country("GB", 8, "United Kingdom", ("London", "Leeds"), "+44 7400 ", "co.uk", "en-GB"),
    Country("IE", 2, "Ireland", ("Dublin", "Cork"), "+353 85 0", "ie", "en-IE"),
    Country("DE", 7, "Germany", ("Berlin", "München", "Köln"), "+49 1512 3", "de", "de"),
    Country("AT", 2, "Austria", ("Wien", "Graz"), "+43 664 ", "at", "de-AT"),
    Country("CH", 2, "Switzerland", ("Zürich", "Genève", "Basel"), "+41 78 1", "ch", "de-CH"),
    Country("DK", 3, "Denmark", ("København", "Aarhus"), "+45 28", "dk", "da"),
    Country("SE", 3, "Sweden", ("Stockholm", "Göteborg", "Malmö"), "+46 70 1", "se", "sv"),
    Country("NO", 2, "Norway", ("Oslo", "Bergen"), "+47 40", "no", "nb"),
    Country("FI", 2, "Finland", ("Helsinki", "Tampere"), "+358 41 2", "fi", "fi"),
    Country("AU", 5, "Australia", ("Sydney", "Perth"), "+61 412 ", "com.au", "en-AU"),
    Country("NZ", 2, "New Zealand", ("Auckland", "Wellington"), "+64 21 1", "co.nz", "en-NZ"),
    Country("BR", 5, "Brazil", ("São Paulo", "Rio de Janeiro"), "+55 11 961", "com.br", "pt-BR"),
    Country("MX", 4, "Mexico", ("Puebla", "Guadalajara"), "+52 222 1", "com.mx", "es-MX"),
    Country("AR", 3, "Argentina", ("Buenos Aires", "Córdoba"), "+54 9 11 23", "com.ar", "es-AR"),
    Country("JP", 4, "Japan", ("Tokyo", "Osaka"), "+81 90 12", "co.jp", "ja"),
    Country("FR", 6, "France", ("Paris", "Lyon", "Toulouse"), "+33 6 12 ", "fr", "fr"),
    Country("IN", 4, "India", ("Bengaluru", "Mumbai", "Pune"), "+91 8123", "in", "en-IN"),
    Country("ES", 3, "Spain", ("Madrid", "Barcelona"), "+34 612 ", "es", "es"),
    Country("NL", 3, "Netherlands", ("Amsterdam", "Utrecht"), "+31 6 12", "nl", "nl"),
    Country("SG", 1, "Singapore", ("Singapore",), "+65 81", "com.sg", "en-SG"),
    Country("ZA", 1, "South Africa", ("Cape Town", "Durban"), "+27 71 1", "co.za", "en-ZA"),
)  # fmt: skip
COUNTRY_WEIGHTS = [c.weight for c in COUNTRIES]

# Names from many countries, in pools large enough that two different people with the
# same name at the same company are as rare as they are in real lists: verify links a
# lead to an earlier one with a near-equal name at the same company, so small pools would
# make most leads look like repeats of somebody.
FIRST_NAMES = (
    "Ana", "Ben", "Chloe", "Dev", "Emma", "Felix", "Greta", "Hiro", "Ines", "Jonas", "Kai",
    "Lena", "Mateo", "Nora", "Olivia", "Pedro", "Quinn", "Ravi", "Sofia", "Tom", "Uma",
    "Valentina", "Wei", "Yuki", "Zoë", "Søren", "Åsa", "Mikko", "Siobhán", "José",
    "Aiko", "Bjørn", "Camille", "Dmitri", "Elif", "Farah", "Gustavo", "Hannah", "Ingrid",
    "Jamal", "Kenji", "Lucía", "Magnus", "Nadia", "Oskar", "Priya", "Rafael", "Sanne",
    "Tariq", "Ulla", "Vikram", "Wiebke", "Ximena", "Yara", "Zainab", "Aurélie", "Bongani",
    "Chidi", "Daniela", "Eero", "Fatima", "Giulia", "Henrik", "Isabela", "Jakub", "Kirsten",
    "Liam", "Mei", "Niamh", "Omar", "Paula", "Rohan", "Sipho", "Thabo", "Ugo", "Vera",
)  # fmt: skip
LAST_NAMES = (
    "Lopez", "Smith", "Müller", "Jensen", "Andersson", "Tanaka", "Dubois", "Rossi", "Silva",
    "O'Brien", "Nguyen", "Kowalski", "Virtanen", "Hansen", "García", "Patel", "Brown",
    "van der Berg", "Schmidt", "Martínez", "Sato", "Moreau", "Murphy", "Eriksson",
    "Achebe", "Bauer", "Castillo", "Dlamini", "Eklund", "Fischer", "Gonçalves", "Haddad",
    "Iyer", "Johansson", "Kim", "Lindqvist", "Mahlangu", "Nakamura", "Okafor", "Pereira",
    "Quispe", "Rahman", "Suzuki", "Takahashi", "Urquhart", "Vasquez", "Wagner", "Yamamoto",
    "Zimmermann", "Abbasi", "Bernard", "Chen", "De Vries", "Esposito", "Fernández", "Gallagher",
    "Horvat", "Ivanova", "Jovanović", "Kaur", "Laurent", "Mendoza", "Nielsen", "Olsen",
    "Park", "Reddy", "Santos", "Tremblay", "Ueda", "Weber", "Yilmaz", "Zhou", "Byrne", "Costa",
)  # fmt: skip
COMPANIES = (
    "Northwind Logistics", "Blue Fjord Analytics", "Acme Robotics", "Helios Energy",
    "Kite & Key Retail", "Orbital Payments", "Granite Health", "Lumen Studios",
    "Tidewater Foods", "Quantum Freight", "Maple Leaf Insurance", "Sakura Systems",
    "Atelier Nord", "Pampas Agro", "Kiwi Cloud", "Rheinwerk Maschinenbau",
)  # fmt: skip
# Each brand's companies: "Helios Energy Nordic", "Helios Energy Labs"… (their addresses
# all at the brand's domain in a country), so that a company's leads are few, as in life.
DIVISIONS = (
    "Americas", "Nordic", "Labs", "Digital", "Services", "Solutions", "Partners", "Europe",
    "Asia Pacific", "Iberia", "Benelux", "DACH", "France", "Japan", "India", "Brasil",
    "Mexico", "Ventures", "Consulting", "Software", "Hardware", "Research", "Studios",
    "Logistics", "Finance", "Retail", "Wholesale", "Health", "Energy Storage", "Cloud",
    "Security", "Data", "Marketing", "Academy", "Foundation", "Capital", "Trading",
    "Manufacturing", "Engineering", "Systems", "Networks", "Mobility", "Robotics Lab",
    "Analytics", "Media", "Travel", "Foods", "Pharma", "Biotech", "Materials", "Aviation",
    "Marine", "Rail", "Telecom", "Insurance Brokers", "Real Estate", "Hospitality",
    "Education", "Public Sector", "Nonprofit", "Automotive", "Agritech", "Water", "Outdoor",
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
REPEAT_SHARE = 0.05  # people who come back: an earlier lead's name and email address again
DOUBLE_SURNAME_SHARE = 0.2  # "Lopez-Nielsen"


class LeadFactory:
    """Lead bodies numbered ``n``; the same seed gives the same leads."""

    def __init__(self, tag: str, seed: int = 0) -> None:
        self.tag = tag
        self.rng = random.Random(seed)
        self.people: list[tuple[str, str, str, str]] = []  # email, names, company: repeats

    def __call__(self, n: int) -> dict[str, Any]:
        rng = self.rng
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < DOUBLE_SURNAME_SHARE:
            last = f"{last}-{rng.choice(LAST_NAMES)}"
        brand = rng.choice(COMPANIES)
        company = f"{brand} {rng.choice(DIVISIONS)}"
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
        domain = email_domain(brand, country)
        draw = rng.random()
        if draw < UNREACHABLE_SHARE:
            if rng.random() < 0.5:
                lead["email"] = f"{local}@localhost"  # capture takes it, verify does not
            else:
                lead["phone"] = f"555-{n % 1000:03d}"  # no number anywhere
        elif draw < UNREACHABLE_SHARE + PHONE_ONLY_SHARE:
            lead["phone"] = phone(country, n)
        else:
            if self.people and rng.random() < REPEAT_SHARE:  # somebody comes back
                lead["email"], lead["first_name"], lead["last_name"], company = rng.choice(
                    self.people
                )
            else:
                lead["email"] = f"{local}@{domain}"
                self.people.append((lead["email"], first, last, company))
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
    """A valid mobile number of ``country``, a different one for each ``n`` below a million
    (7,919 is prime to a million: multiplying by it permutes the six digits)."""
    return f"{country.phone_prefix}{n * 7919 % 1_000_000:06d}"


def ascii_part(text: str) -> str:
    """Lower-case letters and digits of ``text``, for an email's local part or a domain."""
    return "".join(c for c in text.lower() if c.isascii() and c.isalnum()) or "x"
