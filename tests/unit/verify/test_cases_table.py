"""The data wash on a table of realistic leads: what verify decides about each, and why.

Each case is one submission as a form or webhook sends it, the outcome verify must reach,
the finding codes that must be raised (and, where it matters, those that must not), and
the washed value where washing is the point: the phone in E.164, the address as stored,
the name as a rep will read it, and the typo check's suggested fix. The table covers
ordinary leads from many countries (names with diacritics, short names, particles),
phones read in the lead's country, disposable, role, free-mail and mistyped addresses,
junk and placeholder names, the company's domain, and repeats of one person.

Every expectation was read off verify as it runs. Where verify does something a real user
would call wrong (a real name flagged, obvious junk let through), the case is not in the
table: it is reported as a defect rather than pinned here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from _pytest.mark import ParameterSet

from leadflow_shared.events.v1 import LeadSubmission
from leadflow_verify.contact.domain.checks import verify_submission
from leadflow_verify.contact.domain.country import parse_country
from leadflow_verify.contact.domain.policy import FINDINGS, Outcome
from leadflow_verify.contact.domain.verdict import Verdict
from leadflow_verify.dedupe.domain.identity import identity_of, link_repeats

# Findings about who the lead is: an ordinary lead raises none of them.
NAME_FINDINGS = ("gibberish_name", "placeholder_name", "contact_in_name")


@dataclass(frozen=True, slots=True)
class Case:
    """One submission and what verify must make of it. ``None`` means "not checked"."""

    lead: dict[str, str]
    outcome: Outcome
    has: frozenset[str]
    lacks: frozenset[str]
    exact: bool  # the findings are exactly ``has``, nothing more
    email: str | None
    phone: str | None
    first: str | None
    last: str | None
    suggestion: str | None


def lead(**fields: str) -> dict[str, str]:
    return fields


def case(
    id_: str,
    fields: dict[str, str],
    outcome: Outcome,
    *has: str,
    lacks: Iterable[str] = (),
    exact: bool = False,
    email: str | None = None,
    phone: str | None = None,
    first: str | None = None,
    last: str | None = None,
    suggestion: str | None = None,
) -> ParameterSet:
    expected = Case(
        lead=fields,
        outcome=outcome,
        has=frozenset(has),
        lacks=frozenset(lacks),
        exact=exact,
        email=email,
        phone=phone,
        first=first,
        last=last,
        suggestion=suggestion,
    )
    return pytest.param(expected, id=id_)


def good(
    id_: str,
    fields: dict[str, str],
    *,
    phone: str | None = None,
    first: str | None = None,
    last: str | None = None,
    email: str | None = None,
) -> ParameterSet:
    """An ordinary lead: verified, and nothing found about it at all."""
    return case(
        id_, fields, "verified", exact=True, email=email or fields.get("email"),
        phone=phone, first=first or fields.get("first_name"),
        last=last or fields.get("last_name"),
    )  # fmt: skip


# --- ordinary leads from many countries: verified, nothing found ------------------------

GOOD_LEADS = [
    good(
        "dk-mobile-valid",
        lead(
            email="mette.jensen@novonordisk.dk",
            phone="20 12 34 56",
            first_name="Mette",
            last_name="Jensen",
            company="Novo Nordisk A/S",
            website="novonordisk.dk",
            country="DK",
        ),
        phone="+4520123456",
    ),
    good(
        "dk-fixed-valid-oie",
        lead(
            email="lars@example.dk",
            phone="33 12 34 56",
            first_name="Lars",
            last_name="Øie",
            country="DK",
        ),
        phone="+4533123456",
    ),
    good(
        "dk-soren-no-phone",
        lead(email="z@firm.dk", first_name="Søren", last_name="Kierkegaard", country="DK"),
    ),
    good(
        "se-mobile-valid",
        lead(
            email="anna.lindqvist@volvo.se",
            phone="070-123 45 67",
            first_name="Anna",
            last_name="Lindqvist",
            country="SE",
        ),
        phone="+46701234567",
    ),
    good(
        "se-fixed-valid-astrom",
        lead(
            email="erik@firma.se",
            phone="08-123 456 78",
            first_name="Erik",
            last_name="Åström",
            country="SE",
        ),
        phone="+46812345678",
    ),
    good(
        "se-alpha3-country",
        lead(email="t@firm.se", first_name="Åsa", last_name="Öberg", country="SWE"),
    ),
    good(
        "no-mobile-valid-oie",
        lead(
            email="kari.oie@telenor.no",
            phone="412 34 567",
            first_name="Kari",
            last_name="Øie",
            country="NO",
        ),
        phone="+4741234567",
    ),
    good(
        "fi-mobile-valid",
        lead(
            email="mikko.virtanen@nokia.fi",
            phone="040 123 4567",
            first_name="Mikko",
            last_name="Virtanen",
            country="FI",
        ),
        phone="+358401234567",
    ),
    good(
        "fi-fixed-valid-makela",
        lead(
            email="jukka@yritys.fi",
            phone="09 1234 5678",
            first_name="Jukka",
            last_name="Mäkelä",
            country="FI",
        ),
        phone="+358912345678",
    ),
    good(
        "de-mobile-valid-muller",
        lead(
            email="juergen.mueller@siemens.de",
            phone="0151 23456789",
            first_name="Jürgen",
            last_name="Müller",
            country="DE",
        ),
        phone="+4915123456789",
    ),
    good(
        "de-fixed-valid-schroder",
        lead(
            email="k.schroeder@firma.de",
            phone="030 1234567",
            first_name="Klaus",
            last_name="Schröder",
            country="DE",
        ),
        phone="+49301234567",
    ),
    good(
        "de-short-name-bo-li",
        lead(email="x@firm.de", first_name="Bo", last_name="Li", country="DE"),
    ),
    good(
        "de-country-by-name",
        lead(email="t@firm.de", first_name="Hans-Peter", last_name="von Stein", country="Germany"),
    ),
    good(
        "gb-mobile-valid",
        lead(
            email="j@firm.co.uk",
            phone="07400 123456",
            first_name="James",
            last_name="Smith",
            country="GB",
        ),
        phone="+447400123456",
    ),
    good(
        "gb-fixed-valid",
        lead(
            email="s.patel@firm.co.uk",
            phone="020 7946 0018",
            first_name="Sunita",
            last_name="Patel",
            country="GB",
        ),
        phone="+442079460018",
    ),
    good(
        "ie-mobile-valid-obrien",
        lead(
            email="siobhan.obrien@firm.ie",
            phone="085 123 4567",
            first_name="Siobhán",
            last_name="O'Brien",
            country="IE",
        ),
        phone="+353851234567",
    ),
    good(
        "ie-fixed-valid-o-briain",
        lead(
            email="sean@firm.ie",
            phone="01 234 5678",
            first_name="Seán",
            last_name="Ó Briain",
            country="IE",
        ),
        phone="+35312345678",
    ),
    good(
        "ie-international-format",
        lead(
            email="n@firm.ie",
            phone="+353 1 234 5678",
            first_name="Aoife",
            last_name="Byrne",
            country="IE",
        ),
        phone="+35312345678",
    ),
    good(
        "ie-oconnor-no-phone",
        lead(email="d.oconnor@firm.com", first_name="Declan", last_name="O'Connor", country="IE"),
    ),
    good(
        "us-fixed-valid",
        lead(
            email="mike.johnson@acme.com",
            phone="(415) 555-2671",
            first_name="Mike",
            last_name="Johnson",
            country="US",
        ),
        phone="+14155552671",
    ),
    good(
        "us-dashed-valid",
        lead(
            email="linda@corp.com",
            phone="212-555-0143",
            first_name="Linda",
            last_name="Garcia",
            country="US",
        ),
        phone="+12125550143",
    ),
    good(
        "us-short-name-ed-wu",
        lead(email="v@firm.us", first_name="Ed", last_name="Wu", country="US"),
    ),
    good(
        "ca-valid-amelie",
        lead(
            email="a.tremblay@entreprise.ca",
            phone="514 555 0199",
            first_name="Amélie",
            last_name="Tremblay",
            country="CA",
        ),
        phone="+15145550199",
    ),
    good(
        "ca-valid-toronto",
        lead(
            email="r.singh@corp.ca",
            phone="416-555-0142",
            first_name="Raj",
            last_name="Singh",
            country="CA",
        ),
        phone="+14165550142",
    ),
    good(
        "au-mobile-valid",
        lead(
            email="jack.wilson@company.com.au",
            phone="0412 345 678",
            first_name="Jack",
            last_name="Wilson",
            country="AU",
        ),
        phone="+61412345678",
    ),
    good(
        "au-fixed-valid",
        lead(
            email="chloe@firm.com.au",
            phone="02 9876 5432",
            first_name="Chloe",
            last_name="Nguyen",
            country="AU",
        ),
        phone="+61298765432",
    ),
    good(
        "nz-mobile-valid",
        lead(
            email="aroha@firm.co.nz",
            phone="021 123 4567",
            first_name="Aroha",
            last_name="Ngata",
            country="NZ",
        ),
        phone="+64211234567",
    ),
    good(
        "nz-fixed-valid-ng",
        lead(
            email="t@firm.co.nz",
            phone="09 379 4567",
            first_name="Tom",
            last_name="Ng",
            country="NZ",
        ),
        phone="+6493794567",
    ),
    good(
        "br-mobile-valid-joao",
        lead(
            email="joao.silva@empresa.com.br",
            phone="(11) 91234-5678",
            first_name="João",
            last_name="Silva",
            country="BR",
        ),
        phone="+5511912345678",
    ),
    good(
        "br-fixed-valid",
        lead(
            email="maria@empresa.com.br",
            phone="(21) 2345-6789",
            first_name="Maria",
            last_name="Conceição",
            country="BR",
        ),
        phone="+552123456789",
    ),
    good(
        "mx-valid-hernandez",
        lead(
            email="jose.hernandez@empresa.mx",
            phone="55 1234 5678",
            first_name="José",
            last_name="Hernández",
            country="MX",
        ),
        phone="+525512345678",
    ),
    good(
        "jp-mobile-valid",
        lead(
            email="tanaka@kaisha.co.jp",
            phone="090-1234-5678",
            first_name="Hiroshi",
            last_name="Tanaka",
            country="JP",
        ),
        phone="+819012345678",
    ),
    good(
        "jp-fixed-valid",
        lead(
            email="sato@kaisha.co.jp",
            phone="03-1234-5678",
            first_name="Yuki",
            last_name="Sato",
            country="JP",
        ),
        phone="+81312345678",
    ),
    good(
        "jp-kanji-name", lead(email="a@firm.jp", first_name="太郎", last_name="山田", country="JP")
    ),
    good(
        "jp-short-name-ai-ito",
        lead(email="a@firm.com", first_name="Ai", last_name="Ito", country="JP"),
    ),
    good(
        "in-mobile-valid",
        lead(
            email="priya.sharma@infosys.com",
            phone="98765 43210",
            first_name="Priya",
            last_name="Sharma",
            country="IN",
        ),
        phone="+919876543210",
    ),
    good(
        "in-fixed-valid",
        lead(
            email="arjun@firm.in",
            phone="022 2345 6789",
            first_name="Arjun",
            last_name="Reddy",
            country="IN",
        ),
        phone="+912223456789",
    ),
    good(
        "fr-mobile-valid-lefevre",
        lead(
            email="f.lefevre@societe.fr",
            phone="06 12 34 56 78",
            first_name="François",
            last_name="Lefèvre",
            country="FR",
        ),
        phone="+33612345678",
    ),
    good(
        "fr-fixed-valid-helene",
        lead(
            email="h.dubois@societe.fr",
            phone="01 23 45 67 89",
            first_name="Hélène",
            last_name="Dubois",
            country="FR",
        ),
        phone="+33123456789",
    ),
    good(
        "fr-hyphenated-names",
        lead(email="n@firm.fr", first_name="Anne-Marie", last_name="Saint-Exupéry", country="FR"),
    ),
    good(
        "es-mobile-valid",
        lead(
            email="j.garcia@empresa.es",
            phone="612 34 56 78",
            first_name="Javier",
            last_name="García",
            country="ES",
        ),
        phone="+34612345678",
    ),
    good(
        "es-fixed-valid-ibanez",
        lead(
            email="l.ibanez@empresa.es",
            phone="91 123 45 67",
            first_name="Lucía",
            last_name="Ibáñez",
            country="ES",
        ),
        phone="+34911234567",
    ),
    good(
        "nl-mobile-valid-de-vries",
        lead(
            email="s.devries@bedrijf.nl",
            phone="06 12345678",
            first_name="Sanne",
            last_name="de Vries",
            country="NL",
        ),
        phone="+31612345678",
    ),
    good(
        "nl-fixed-valid-van-den-berg",
        lead(
            email="j.vandenberg@bedrijf.nl",
            phone="020 123 4567",
            first_name="Jan",
            last_name="van den Berg",
            country="NL",
        ),
        phone="+31201234567",
    ),
    good(
        "nl-sjoerd-dijkstra",
        lead(email="a@firm.nl", first_name="Sjoerd", last_name="Dijkstra", country="NL"),
    ),
    good(
        "pl-mobile-valid-szczesniak",
        lead(
            email="k.szczesniak@firma.pl",
            phone="512 345 678",
            first_name="Krzysztof",
            last_name="Szczęśniak",
            country="PL",
        ),
        phone="+48512345678",
    ),
    good(
        "pl-fixed-valid-wojcik",
        lead(
            email="a.wojcik@firma.pl",
            phone="22 123 45 67",
            first_name="Agnieszka",
            last_name="Wójcik",
            country="PL",
        ),
        phone="+48221234567",
    ),
    good(
        "pl-long-consonant-name",
        lead(
            email="a@firm.pl", first_name="Grzegorz", last_name="Brzęczyszczykiewicz", country="PL"
        ),
    ),
    good(
        "vn-mobile-valid-nguyen",
        lead(
            email="an.nguyen@congty.vn",
            phone="091 234 56 78",
            first_name="Văn An",
            last_name="Nguyễn",
            country="VN",
        ),
        phone="+84912345678",
    ),
    good(
        "vn-fixed-valid-tran",
        lead(
            email="thao@congty.vn",
            phone="024 3123 4567",
            first_name="Thảo",
            last_name="Trần",
            country="VN",
        ),
        phone="+842431234567",
    ),
    good(
        "ng-mobile-valid",
        lead(
            email="chinedu@firm.ng",
            phone="0803 123 4567",
            first_name="Chinedu",
            last_name="Okafor",
            country="NG",
        ),
        phone="+2348031234567",
    ),
    good(
        "ng-fixed-valid",
        lead(
            email="n@firm.com.ng",
            phone="0201 234 5678",
            first_name="Ngozi",
            last_name="Adeyemi",
            country="NG",
        ),
        phone="+2342012345678",
    ),
    good(
        "za-mobile-valid",
        lead(
            email="thabo@firm.co.za",
            phone="082 123 4567",
            first_name="Thabo",
            last_name="Mokoena",
            country="ZA",
        ),
        phone="+27821234567",
    ),
    good(
        "za-fixed-valid-van-der-merwe",
        lead(
            email="pieter@firm.co.za",
            phone="021 123 4567",
            first_name="Pieter",
            last_name="van der Merwe",
            country="ZA",
        ),
        phone="+27211234567",
    ),
    good(
        "cn-mobile-valid",
        lead(
            email="li.wei@corp.cn",
            phone="138 0013 8000",
            first_name="Wei",
            last_name="Li",
            country="CN",
        ),
        phone="+8613800138000",
    ),
    good(
        "cn-short-names", lead(email="a@firm.cn", first_name="Xu", last_name="Zhang", country="CN")
    ),
    good(
        "it-mobile-valid",
        lead(
            email="m.rossi@azienda.it",
            phone="347 123 4567",
            first_name="Marco",
            last_name="Rossi",
            country="IT",
        ),
        phone="+393471234567",
    ),
    good(
        "kr-mobile-valid",
        lead(
            email="mj.kim@corp.kr",
            phone="010-1234-5678",
            first_name="Min-jun",
            last_name="Kim",
            country="KR",
        ),
        phone="+821012345678",
    ),
    good(
        "tr-mobile-valid-yilmaz",
        lead(
            email="ali@firma.com.tr",
            phone="0532 123 45 67",
            first_name="Ali",
            last_name="Yılmaz",  # noqa: RUF001 (the Turkish dotless i)
            country="TR",
        ),
        phone="+905321234567",
    ),
    good(
        "is-mobile-valid-gudrun",
        lead(
            email="y@firm.is",
            phone="611 1234",
            first_name="Guðrún",
            last_name="Jónsdóttir",
            country="IS",
        ),
        phone="+3546111234",
    ),
    good(
        "gr-latin-name",
        lead(email="w@firm.gr", first_name="Giorgos", last_name="Papadopoulos", country="GR"),
    ),
    good(
        "gr-greek-script",
        lead(email="a@firm.gr", first_name="Γιώργος", last_name="Παπαδόπουλος", country="GR"),
    ),
    good(
        "ae-hyphenated-al",
        lead(email="u@firm.ae", first_name="Mohammed", last_name="Al-Farsi", country="AE"),
    ),
    good("cz-zdenek", lead(email="a@firm.cz", first_name="Zdeněk", last_name="Vrba", country="CZ")),
    good(
        "cz-vowelless-strc",
        lead(email="a@firm.cz", first_name="Petr", last_name="Strč", country="CZ"),
    ),
    good(
        "ge-mtskheta",
        lead(email="a@firm.ge", first_name="Mtskheta", last_name="Mgeladze", country="GE"),
    ),
    good(
        "de-xaver-pfitzner",
        lead(email="a@firm.de", first_name="Xaver", last_name="Pfitzner", country="DE"),
    ),
    good(
        "th-somchai",
        lead(email="a@firm.th", first_name="Somchai", last_name="Srisuk", country="TH"),
    ),
    good(
        "hu-szucs", lead(email="a@firm.hu", first_name="Zsuzsanna", last_name="Szűcs", country="HU")
    ),
    good(
        "ru-cyrillic",
        lead(email="a@firm.ru", first_name="Дмитрий", last_name="Иванов", country="RU"),
    ),
    good(
        "sg-short-name-kim-ng",
        lead(email="a@firm.com", first_name="Kim", last_name="Ng", country="SG"),
    ),
    good(
        "us-short-name-jo-li",
        lead(email="a@firm.com", first_name="Jo", last_name="Li", country="US"),
    ),
    good(
        "cn-short-name-yu-xu",
        lead(email="a@firm.com", first_name="Yu", last_name="Xu", country="CN"),
    ),
    good(
        "se-common-name-not-placeholder",
        lead(email="a@firm.se", first_name="Sven", last_name="Svensson", country="SE"),
    ),
    good(
        "dk-common-name-not-placeholder",
        lead(email="a@firm.dk", first_name="Jens", last_name="Hansen", country="DK"),
    ),
    good(
        "us-john-smith-not-placeholder",
        lead(email="a@firm.com", first_name="John", last_name="Smith", country="US"),
    ),
]

# --- phones: read in the lead's country; another country's number; invalid numbers -----

PHONES = [
    good(
        "dk-international-no-country",
        lead(email="a@firm.dk", phone="+45 20 12 34 56", first_name="Anders", last_name="Hansen"),
        phone="+4520123456",
    ),
    good(
        "dk-00-prefix-no-country",
        lead(email="a@firm.dk", phone="0045 20 12 34 56", first_name="Anders", last_name="Hansen"),
        phone="+4520123456",
    ),
    case(
        "dk-lead-se-phone-mismatch",
        lead(
            email="a@firm.dk",
            phone="+46 70 123 45 67",
            first_name="Anders",
            last_name="Hansen",
            country="DK",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+46701234567",
    ),
    case(
        "de-lead-gb-phone-mismatch",
        lead(
            email="a@firm.de",
            phone="+44 7400 123456",
            first_name="Katrin",
            last_name="Weber",
            country="DE",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+447400123456",
    ),
    case(
        "ca-lead-us-phone-mismatch",
        lead(
            email="a@firm.ca",
            phone="+1 212 555 0143",
            first_name="Raj",
            last_name="Singh",
            country="CA",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+12125550143",
    ),
    case(
        "us-lead-ca-phone-mismatch",
        lead(
            email="a@firm.com",
            phone="+1 416 555 0142",
            first_name="Linda",
            last_name="Garcia",
            country="US",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+14165550142",
    ),
    case(
        "fr-lead-be-phone-mismatch",
        lead(
            email="a@firm.fr",
            phone="+32 470 12 34 56",
            first_name="Hélène",
            last_name="Dubois",
            country="FR",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+32470123456",
    ),
    case(
        "no-lead-fi-phone-mismatch",
        lead(
            email="a@firm.no",
            phone="+358 40 123 4567",
            first_name="Kari",
            last_name="Øie",
            country="NO",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+358401234567",
    ),
    case(
        "au-lead-nz-phone-mismatch",
        lead(
            email="a@firm.com.au",
            phone="+64 21 123 4567",
            first_name="Jack",
            last_name="Wilson",
            country="AU",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+64211234567",
    ),
    case(
        "in-lead-ae-phone-mismatch",
        lead(
            email="a@firm.in",
            phone="+971 50 123 4567",
            first_name="Priya",
            last_name="Sharma",
            country="IN",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+971501234567",
    ),
    case(
        "es-lead-mx-phone-mismatch",
        lead(
            email="a@firm.es",
            phone="+52 55 1234 5678",
            first_name="Lucía",
            last_name="Ibáñez",
            country="ES",
        ),
        "verified",
        "phone_country_mismatch",
        exact=True,
        phone="+525512345678",
    ),
    case(
        "de-phone-too-short",
        lead(email="a@firm.de", phone="12", first_name="Klaus", last_name="Schröder", country="DE"),
        "verified",
        "invalid_phone",
        exact=True,
        email="a@firm.de",
    ),
    case(
        "dk-phone-four-digits",
        lead(email="a@firm.dk", phone="1234", first_name="Mette", last_name="Jensen", country="DK"),
        "verified",
        "invalid_phone",
        exact=True,
    ),
    case(
        "us-phone-seven-digits",
        lead(
            email="a@firm.com",
            phone="555-1234",
            first_name="Mike",
            last_name="Johnson",
            country="US",
        ),
        "verified",
        "invalid_phone",
        exact=True,
    ),
    case(
        "se-phone-words",
        lead(email="a@firm.se", phone="hello", first_name="Erik", last_name="Åström", country="SE"),
        "verified",
        "invalid_phone",
        exact=True,
    ),
    case(
        "fr-phone-all-zeros",
        lead(
            email="a@firm.fr",
            phone="00 00 00 00 00",
            first_name="Hélène",
            last_name="Dubois",
            country="FR",
        ),
        "verified",
        "invalid_phone",
        exact=True,
    ),
    case(
        "us-phone-123-area-code",
        lead(
            email="a@firm.com",
            phone="+1 123 456 7890",
            first_name="Mike",
            last_name="Johnson",
            country="US",
        ),
        "verified",
        "invalid_phone",
        exact=True,
    ),
    case(
        "gb-phone-too-long",
        lead(
            email="a@firm.co.uk",
            phone="0123456789012345",
            first_name="James",
            last_name="Smith",
            country="GB",
        ),
        "verified",
        "invalid_phone",
        exact=True,
    ),
    case(
        "national-phone-without-country",
        lead(email="a@firm.com", phone="20 12 34 56", first_name="Mike", last_name="Johnson"),
        "verified",
        "invalid_phone",
        exact=True,
    ),
    case(
        "de-only-invalid-phone-rejected",
        lead(phone="12", first_name="Klaus", last_name="Schröder", country="DE"),
        "rejected",
        "no_usable_contact",
        "invalid_phone",
    ),
    case(
        "dk-only-zeros-phone-rejected",
        lead(phone="000000", first_name="Mette", last_name="Jensen", country="DK"),
        "rejected",
        "no_usable_contact",
        "invalid_phone",
    ),
    case(
        "only-national-phone-no-country-rejected",
        lead(phone="20 12 34 56", first_name="Mette", last_name="Jensen"),
        "rejected",
        "no_usable_contact",
        "invalid_phone",
    ),
    good(
        "dk-only-valid-phone",
        lead(phone="20 12 34 56", first_name="Mette", last_name="Jensen", country="DK"),
        phone="+4520123456",
    ),
    good(
        "de-only-international-phone",
        lead(phone="+49 151 23456789", first_name="Jürgen", last_name="Müller"),
        phone="+4915123456789",
    ),
    case(
        "no-email-no-phone-rejected",
        lead(first_name="Jürgen", last_name="Müller", country="DE"),
        "rejected",
        "no_usable_contact",
        exact=True,
    ),
]

# --- emails: impossible, disposable, role, free-mail, mistyped --------------------------

IMPOSSIBLE = [
    case(
        f"invalid-email-{id_}",
        lead(email=address, first_name="Anna", country="DE"),
        "rejected",
        "no_usable_contact",
        "invalid_email",
        exact=True,
    )
    for id_, address in [
        ("localhost", "a@localhost"),
        ("no-domain", "anna@"),
        ("no-at", "anna.example.com"),
        ("two-ats", "anna@@example.com"),
        ("space", "anna smith@example.com"),
        ("no-tld", "anna@example"),
        ("empty-label", "anna@.com"),
        ("double-dot-domain", "anna@example..com"),
        ("hyphen-label", "anna@-example.com"),
        ("leading-dot", ".anna@example.com"),
    ]
] + [
    case(
        "invalid-email-valid-phone-verified",
        lead(email="anna@localhost", phone="+49 30 1234567", first_name="Anna", country="DE"),
        "verified",
        "invalid_email",
        exact=True,
        phone="+49301234567",
    ),
]

DISPOSABLE = [
    case(
        f"disposable-{domain}",
        lead(email=f"bob@{domain}", first_name="Bob", last_name="Miller", country=country),
        "needs_review",
        "disposable_domain",
        exact=True,
        email=f"bob@{domain.lower()}",
    )
    for domain, country in [
        ("mailinator.com", "US"),
        ("guerrillamail.com", "US"),
        ("yopmail.com", "FR"),
        ("10minutemail.com", "US"),
        ("trashmail.com", "DE"),
        ("sharklasers.com", "US"),
        ("temp-mail.org", "US"),
        ("throwawaymail.com", "US"),
        ("maildrop.cc", "US"),
        ("getnada.com", "US"),
        ("dispostable.com", "US"),
        ("MAILINATOR.COM", "US"),
        ("sub.mailinator.com", "US"),
    ]
] + [
    case(
        "disposable-with-valid-phone",
        lead(
            email="bob@mailinator.com",
            phone="+1 415 555 2671",
            first_name="Bob",
            last_name="Miller",
            country="US",
        ),
        "needs_review",
        "disposable_domain",
        exact=True,
        phone="+14155552671",
    ),
]

ROLE = [
    case(
        f"role-{local}-{domain}",
        lead(email=f"{local}@{domain}", first_name="Mike", last_name="Johnson", country=country),
        "verified",
        "role_account",
        exact=True,
        email=f"{local.lower()}@{domain.lower()}",
    )
    for local, domain, country in [
        ("info", "acme.com", "US"),
        ("sales", "firma.de", "DE"),
        ("noreply", "corp.com", "US"),
        ("no-reply", "corp.com", "US"),
        ("support", "firm.co.uk", "GB"),
        ("admin", "firm.fr", "FR"),
        ("contact", "societe.fr", "FR"),
        ("hello", "startup.io", "NZ"),
        ("office", "firma.pl", "PL"),
        ("kontakt", "firma.de", "DE"),
        ("marketing", "corp.com", "US"),
        ("hr", "corp.com", "US"),
        ("billing", "corp.com", "US"),
        ("webmaster", "corp.com", "US"),
        ("postmaster", "corp.com", "US"),
        ("Info", "Acme.com", "US"),
    ]
] + [
    case(
        "role-at-free-mail",
        lead(email="info@gmail.com", first_name="Mike", last_name="Johnson", country="US"),
        "verified",
        "role_account",
        "free_mail",
        exact=True,
    ),
]

FREE_MAIL = [
    case(
        f"free-mail-{domain}",
        lead(email=f"ana@{domain}", first_name="Ana", last_name="Lopez", country=country),
        "verified",
        "free_mail",
        exact=True,
        email=f"ana@{domain}",
    )
    for domain, country in [
        ("gmx.de", "DE"),
        ("web.de", "DE"),
        ("outlook.com", "IE"),
        ("hotmail.co.uk", "GB"),
        ("yahoo.co.jp", "JP"),
        ("yahoo.com", "US"),
        ("live.dk", "DK"),
        ("icloud.com", "ES"),
        ("protonmail.com", "ES"),
        ("wp.pl", "PL"),
        ("rediffmail.com", "IN"),
        ("gmx.com", "DE"),
        ("ymail.com", "US"),
        ("mail.com", "US"),
        ("hotmail.fr", "FR"),
        ("aol.com", "US"),
        ("mail.ru", "RU"),
    ]
] + [
    case(
        "free-mail-gmail-domain-lower-cased",
        lead(email="Anna.Schmidt@GMAIL.COM", first_name="Anna", last_name="Schmidt", country="DE"),
        "verified",
        "free_mail",
        exact=True,
        email="Anna.Schmidt@gmail.com",
    ),
]

TYPOS = [
    case(
        f"typo-{typo}",
        lead(email=f"ana@{typo}", first_name="Ana", last_name="Lopez", country="ES"),
        "verified",
        "email_typo",
        exact=True,
        email=f"ana@{typo}",
        suggestion=f"ana@{fixed}",
    )
    for typo, fixed in [
        ("hotmial.con", "hotmail.com"),
        ("yaho.com", "yahoo.com"),
        ("outlok.com", "outlook.com"),
        ("gmail.co", "gmail.com"),
        ("gmail.cm", "gmail.com"),
        ("gmai.com", "gmail.com"),
        ("gnail.com", "gmail.com"),
        ("gmil.com", "gmail.com"),
        ("gamil.com", "gmail.com"),
        ("gmail.con", "gmail.com"),
        ("gmail.comm", "gmail.com"),
        ("gmail.om", "gmail.com"),
        ("hotmail.con", "hotmail.com"),
        ("hotnail.com", "hotmail.com"),
        ("yahoo.cm", "yahoo.com"),
        ("outlook.co", "outlook.com"),
        ("icloud.co", "icloud.com"),
        ("gmx.dee", "gmx.de"),
    ]
]

# --- names: junk, placeholders, contact details in a name, washing and splitting ---------

GIBBERISH = [
    case(
        f"gibberish-{first.lower()}-{last.lower()}",
        lead(email="a@firm.com", first_name=first, last_name=last, country=country),
        "needs_review",
        "gibberish_name",
        lacks=("placeholder_name",),
    )
    for first, last, country in [
        ("asdf", "asdf", "US"),
        ("qwerty", "Smith", "US"),
        ("xkcdjq", "Smith", "US"),
        ("sdfsdf", "sdfsdf", "US"),
        ("John", "asdfgh", "US"),
        ("qwertz", "Müller", "DE"),
        ("azerty", "Dubois", "FR"),
        ("jkjkjk", "Smith", "US"),
        ("zxcvbn", "Smith", "US"),
        ("hjkl", "fghj", "US"),
        ("aaaa", "bbbb", "US"),
    ]
] + [
    case(
        "gibberish-and-placeholder-xxx",
        lead(email="a@firm.com", first_name="xxx", last_name="xxx", country="US"),
        "needs_review",
        "gibberish_name",
        "placeholder_name",
    ),
    case(
        "gibberish-and-placeholder-asdf-test",
        lead(email="a@firm.com", first_name="Asdf", last_name="Test", country="US"),
        "needs_review",
        "gibberish_name",
        "placeholder_name",
    ),
]

PLACEHOLDERS = [
    case(
        f"placeholder-{first.lower()}-{(last or '').lower()}".rstrip("-").replace("/", ""),
        lead(
            email="a@firm.com",
            first_name=first,
            **({"last_name": last} if last else {}),
            country=country,
        ),
        "needs_review",
        "placeholder_name",
        lacks=("gibberish_name", "contact_in_name"),
    )
    for first, last, country in [
        ("Test", "Test", "US"),
        ("John", "Doe", "US"),
        ("Jane", "Doe", "US"),
        ("Mickey", "Mouse", "US"),
        ("Donald", "Duck", "US"),
        ("Max", "Mustermann", "DE"),
        ("Erika", "Mustermann", "DE"),
        ("Ola", "Nordmann", "NO"),
        ("Joe", "Bloggs", "GB"),
        ("N/A", "N/A", "US"),
        ("n/a", None, "US"),
        ("Test", "User", "US"),
        ("test", None, "US"),
        ("Firstname", "Lastname", "US"),
        ("none", "none", "US"),
        ("Foo", "Bar", "US"),
        ("1234", "5678", "US"),
    ]
]

CONTACT_IN_NAME = [
    case(
        "email-typed-into-first-name",
        lead(email="a@firm.com", first_name="anna@firm.com", country="US"),
        "needs_review",
        "contact_in_name",
    ),
    case(
        "email-typed-into-last-name",
        lead(
            email="a@firm.com", first_name="Anna", last_name="anna.schmidt@gmail.com", country="US"
        ),
        "needs_review",
        "contact_in_name",
    ),
    case(
        "phone-typed-into-last-name",
        lead(email="a@firm.de", first_name="Anna", last_name="+49 151 23456789", country="DE"),
        "needs_review",
        "contact_in_name",
    ),
    case(
        "phone-typed-into-first-name",
        lead(email="a@firm.com", first_name="555-123-4567", country="US"),
        "needs_review",
        "contact_in_name",
    ),
]

WASHED_NAMES = [
    good(
        "whole-name-in-first-split",
        lead(email="a@firm.com", first_name="John Smith", country="US"),
        first="John",
        last="Smith",
    ),
    good(
        "whole-name-in-last-split",
        lead(email="a@firm.com", last_name="John Smith", country="US"),
        first="John",
        last="Smith",
    ),
    good(
        "three-part-name-split",
        lead(email="a@firm.de", first_name="Anna Maria Schmidt", country="DE"),
        first="Anna Maria",
        last="Schmidt",
    ),
    good(
        "dutch-particle-name-split",
        lead(email="a@firm.nl", first_name="Jan van den Berg", country="NL"),
        first="Jan",
        last="van den Berg",
    ),
    good(
        "inverted-case-split",
        lead(email="a@firm.com", first_name="jOHN  SMITH", country="US"),
        first="John",
        last="Smith",
    ),
    good(
        "inverted-case-washed",
        lead(email="a@firm.com", first_name="jOHN", last_name="SMITH", country="US"),
        first="John",
        last="Smith",
    ),
    good(
        "upper-case-dutch-particle",
        lead(email="a@firm.nl", first_name="JAN", last_name="VAN DER BERG", country="NL"),
        first="Jan",
        last="van der Berg",
    ),
    good(
        "lower-case-irish-apostrophe",
        lead(email="a@firm.ie", first_name="mary", last_name="o'brien", country="IE"),
        first="Mary",
        last="O'Brien",
    ),
    good(
        "upper-case-irish-apostrophe",
        lead(email="a@firm.ie", first_name="PATRICK", last_name="O'NEILL", country="IE"),
        first="Patrick",
        last="O'Neill",
    ),
    good(
        "upper-case-mc",
        lead(email="a@firm.co.uk", first_name="ANGUS", last_name="MCDONALD", country="GB"),
        first="Angus",
        last="McDonald",
    ),
    good(
        "spaces-trimmed",
        lead(email="a@firm.com", first_name="  Mike ", last_name=" McDonald ", country="US"),
        first="Mike",
        last="McDonald",
    ),
    good(
        "upper-case-french-de",
        lead(email="a@firm.fr", first_name="CHARLES", last_name="DE GAULLE", country="FR"),
        first="Charles",
        last="de Gaulle",
    ),
    good(
        "upper-case-portuguese-da",
        lead(email="a@firm.br", first_name="LUIZ", last_name="DA SILVA", country="BR"),
        first="Luiz",
        last="da Silva",
    ),
    good(
        "upper-case-vietnamese",
        lead(email="a@firm.vn", first_name="NGUYỄN", last_name="VĂN AN", country="VN"),
        first="Nguyễn",
        last="Văn An",
    ),
]

# --- company, country and website --------------------------------------------------------

COMPANY = [
    good(
        "company-domain-agrees",
        lead(
            email="m.jensen@novonordisk.com",
            first_name="Mette",
            last_name="Jensen",
            company="Novo Nordisk",
            website="https://www.novonordisk.com",
            country="DK",
        ),
    ),
    good(
        "company-domain-agrees-across-tld",
        lead(
            email="m.jensen@novonordisk.dk",
            first_name="Mette",
            last_name="Jensen",
            company="Novo Nordisk",
            website="www.novonordisk.com",
            country="DK",
        ),
    ),
    good(
        "company-domain-agrees-co-uk",
        lead(
            email="j.smith@acme.co.uk",
            first_name="James",
            last_name="Smith",
            company="Acme Ltd",
            website="acme.co.uk",
            country="GB",
        ),
    ),
    good(
        "company-mail-subdomain-agrees",
        lead(
            email="j.smith@mail.acme.co.uk",
            first_name="James",
            last_name="Smith",
            company="Acme Ltd",
            website="https://www.acme.co.uk/contact",
            country="GB",
        ),
    ),
    good(
        "company-website-upper-case",
        lead(
            email="k.schroeder@firma.de",
            first_name="Klaus",
            last_name="Schröder",
            company="Firma GmbH",
            website="HTTPS://WWW.FIRMA.DE",
            country="DE",
        ),
    ),
    good(
        "company-domain-agrees-com-au",
        lead(
            email="a@bigcorp.com.au",
            first_name="Jack",
            last_name="Wilson",
            company="BigCorp",
            website="bigcorp.com.au",
            country="AU",
        ),
    ),
    case(
        "company-domain-mismatch",
        lead(
            email="j.smith@acme.com",
            first_name="James",
            last_name="Smith",
            company="Acme Ltd",
            website="globex.com",
            country="GB",
        ),
        "verified",
        "domain_mismatch",
        exact=True,
    ),
    case(
        "company-domain-mismatch-com-au",
        lead(
            email="a@bigcorp.com.au",
            first_name="Jack",
            last_name="Wilson",
            company="BigCorp",
            website="othercorp.com.au",
            country="AU",
        ),
        "verified",
        "domain_mismatch",
        exact=True,
    ),
    case(
        "company-domain-mismatch-jp",
        lead(
            email="a@firm.jp",
            first_name="Yuki",
            last_name="Sato",
            company="Kaisha KK",
            website="kaisha.co.jp",
            country="JP",
        ),
        "verified",
        "domain_mismatch",
        exact=True,
    ),
    case(
        "company-free-mail-not-a-mismatch",
        lead(
            email="j.smith@gmail.com",
            first_name="James",
            last_name="Smith",
            company="Acme Ltd",
            website="acme.co.uk",
            country="GB",
        ),
        "verified",
        "free_mail",
        exact=True,
    ),
    case(
        "company-website-not-a-url",
        lead(
            email="k.schroeder@firma.de",
            first_name="Klaus",
            last_name="Schröder",
            company="Firma GmbH",
            website="not a website",
            country="DE",
        ),
        "verified",
        "invalid_website",
        exact=True,
    ),
    case(
        "company-website-ftp",
        lead(
            email="k.schroeder@firma.de",
            first_name="Klaus",
            last_name="Schröder",
            company="Firma GmbH",
            website="ftp://firma.de",
            country="DE",
        ),
        "verified",
        "invalid_website",
        exact=True,
    ),
    case(
        "country-unknown-name",
        lead(email="a@firm.com", first_name="John", last_name="Smith", country="Narnia"),
        "verified",
        "invalid_country",
        exact=True,
    ),
    case(
        "country-unknown-code",
        lead(email="a@firm.com", first_name="John", last_name="Smith", country="XX"),
        "verified",
        "invalid_country",
        exact=True,
    ),
    good(
        "country-english-name",
        lead(email="a@firm.com", first_name="John", last_name="Smith", country="United Kingdom"),
    ),
    good(
        "country-usa-lower-case",
        lead(email="a@firm.com", first_name="John", last_name="Smith", country="usa"),
    ),
    good(
        "country-uk-alias",
        lead(email="a@firm.com", first_name="John", last_name="Smith", country="UK"),
    ),
]

CASES = [
    *GOOD_LEADS,
    *PHONES,
    *IMPOSSIBLE,
    *DISPOSABLE,
    *ROLE,
    *FREE_MAIL,
    *TYPOS,
    *GIBBERISH,
    *PLACEHOLDERS,
    *CONTACT_IN_NAME,
    *WASHED_NAMES,
    *COMPANY,
]


def verdict_of(expected: Case) -> Verdict:
    return verify_submission(LeadSubmission(**expected.lead))


def typo_suggestion(verdict: Verdict) -> str | None:
    (check,) = [c for c in verdict.checks if c.name == "email_typo"]
    return check.suggestion


@pytest.mark.parametrize("expected", CASES)
def test_case(expected: Case) -> None:
    verdict = verdict_of(expected)
    findings = set(verdict.findings)

    assert verdict.outcome == expected.outcome, verdict.findings
    assert expected.has <= findings, f"missing {sorted(expected.has - findings)}"
    assert not expected.lacks & findings, f"unexpected {sorted(expected.lacks & findings)}"
    if expected.exact:
        assert findings == expected.has
    if expected.outcome == "verified":
        assert not findings & set(NAME_FINDINGS)
    contact = verdict.contact
    if "invalid_phone" in findings:
        assert contact.phone is None  # a number that is not one is never passed on
    if "invalid_email" in findings:
        assert contact.email is None
    if expected.email is not None:
        assert contact.email == expected.email
    if expected.phone is not None:
        assert contact.phone == expected.phone
    if expected.first is not None:
        assert contact.first_name == expected.first
    if expected.last is not None:
        assert contact.last_name == expected.last
    if "email_typo" in expected.has:
        assert typo_suggestion(verdict) == expected.suggestion
        assert contact.email == expected.email  # the fix is suggested, never applied


# --- repeats: who a lead is, across a small sequence of leads ---------------------------


@dataclass(frozen=True, slots=True)
class Repeats:
    """Leads in arrival order, and which repeat which: (repeat, first lead, matched on),
    by position in ``leads``."""

    leads: tuple[dict[str, str], ...]
    links: frozenset[tuple[int, int, str]]


def repeats(
    id_: str, leads: Iterable[dict[str, str]], *links: tuple[int, int, str]
) -> ParameterSet:
    return pytest.param(Repeats(tuple(leads), frozenset(links)), id=id_)


REPEATS = [
    repeats(
        "repeat-email-plus-tag-and-case",
        [
            lead(email="Ana.Lopez@Empresa.es", country="ES"),
            lead(email="ana.lopez+webinar@empresa.es", country="ES"),
        ],
        (1, 0, "email"),
    ),
    repeats(
        "repeat-gmail-dots-case-googlemail",
        [
            lead(email="ana.lopez@gmail.com"),
            lead(email="Ana.Lopez@GMAIL.COM"),
            lead(email="analopez@googlemail.com"),
        ],
        (1, 0, "email"),
        (2, 0, "email"),
    ),
    repeats(
        "repeat-same-phone-written-differently",
        [
            lead(email="a@x.dk", phone="20 12 34 56", country="DK"),
            lead(email="b@y.dk", phone="+45 20123456", country="DK"),
        ],
        (1, 0, "phone"),
    ),
    repeats(
        "repeat-near-name-same-company",
        [
            lead(
                email="john.smith@acme.com",
                first_name="John",
                last_name="Smith",
                company="ACME Inc.",
            ),
            lead(email="jon@gmail.com", first_name="Jon", last_name="Smith", company="Acme"),
        ],
        (1, 0, "name_company"),
    ),
    repeats(
        "repeat-name-accents-and-order",
        [
            lead(email="a@x.com", first_name="Nguyễn", last_name="Văn An", company="Vingroup"),
            lead(email="b@y.com", first_name="Van An", last_name="Nguyen", company="VINGROUP"),
        ],
        (1, 0, "name_company"),
    ),
    repeats(
        "not-repeat-same-surname-same-company",
        [
            lead(
                email="john.smith@acme.com",
                first_name="John",
                last_name="Smith",
                company="ACME Inc.",
            ),
            lead(email="jane@acme.com", first_name="Jane", last_name="Smith", company="Acme"),
        ],
    ),
    repeats(
        "not-repeat-colleagues",
        [
            lead(
                email="john.smith@acme.com",
                first_name="John",
                last_name="Smith",
                company="ACME Inc.",
            ),
            lead(email="peter@acme.com", first_name="Peter", last_name="Jones", company="Acme"),
        ],
    ),
    repeats(
        "not-repeat-same-name-other-company",
        [
            lead(
                email="john.smith@acme.com",
                first_name="John",
                last_name="Smith",
                company="ACME Inc.",
            ),
            lead(email="js@globex.com", first_name="John", last_name="Smith", company="Globex"),
        ],
    ),
    repeats(
        "not-repeat-dots-outside-gmail",
        [lead(email="ana.lopez@outlook.com"), lead(email="analopez@outlook.com")],
    ),
    repeats(
        "repeat-of-first-not-of-neighbour",
        [
            lead(email="a@x.com", phone="+4520123456"),
            lead(email="b@x.com", phone="+4520123457"),
            lead(email="A@X.COM"),
        ],
        (2, 0, "email"),
    ),
]


@pytest.mark.parametrize("expected", REPEATS)
def test_repeats(expected: Repeats) -> None:
    ids = [uuid.uuid4() for _ in expected.leads]
    identities = [
        identity_of(lead_id, verify_submission(LeadSubmission(**fields)).contact)
        for lead_id, fields in zip(ids, expected.leads, strict=True)
    ]

    links = link_repeats(identities, ())

    found = {
        (ids.index(new), ids.index(link.first_lead_id), link.match.on)
        for new, link in links.items()
    }
    assert found == expected.links


# --- the table itself --------------------------------------------------------------------


def cases() -> list[Case]:
    return [param.values[0] for param in CASES if isinstance(param.values[0], Case)]


def test_the_table_holds_at_least_150_cases_from_at_least_10_countries() -> None:
    table = cases()
    countries = {parse_country(c.lead["country"]) for c in table if "country" in c.lead}
    phone_countries = {
        parse_country(c.lead["country"])
        for c in table
        if "country" in c.lead and c.phone is not None
    }

    assert len(table) + len(REPEATS) >= 150
    assert len(table) >= 150
    assert len(countries - {None}) >= 10
    assert len(phone_countries - {None}) >= 10


def test_the_table_names_only_known_findings_and_unique_ids() -> None:
    ids = [param.id for param in [*CASES, *REPEATS]]
    named = {code for c in cases() for code in c.has | c.lacks}

    assert len(ids) == len(set(ids))
    assert named <= FINDINGS.keys()
    assert all(c.suggestion for c in cases() if "email_typo" in c.has)
