"""Who a lead is, as keys that match across submissions, and how repeats are linked.

A lead repeats an earlier one when their normalised email addresses are equal, their
phone numbers (E.164) are equal, or their names are near-equal at the same company. A
repeat is linked to the first lead of that person (``duplicate_of``), never dropped.

- email: lower case; a ``+tag`` after the name is dropped; at Gmail, dots in the name are
  too (Gmail delivers ``a.n.n@gmail.com`` to ``ann@gmail.com``);
- name: case, accents, punctuation and word order do not count; near-equal is rapidfuzz's
  ``token_sort_ratio`` of at least :data:`NAME_MATCH_MIN` ("Jon Smith" and "John Smith");
- company: case, punctuation and legal forms do not count ("ACME Inc." is "acme").

Near names are looked for only among leads of the same company whose names have the same
initials (:func:`name_block`): "Jon Smith" finds "John Smith", not every lead of the
company, so a batch's candidates stay few however many leads a company sends.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from leadflow_shared.events.v1 import ContactDetails, DuplicateMatch

NAME_MATCH_MIN = 90.0
_GMAIL = frozenset({"gmail.com", "googlemail.com"})
_LEGAL_FORMS = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "llc",
        "llp",
        "ltd",
        "ltda",
        "limited",
        "plc",
        "pvt",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "ab",
        "as",
        "asa",
        "aps",
        "a/s",
        "oy",
        "oyj",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "sp",
        "zoo",
        "bv",
        "nv",
        "pty",
        "pte",
        "kk",
        "gk",
        "jsc",
        "cv",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:/[^\W_]+)?")


@dataclass(frozen=True, slots=True)
class Identity:
    """A lead's matching keys (None where the lead lacks the detail)."""

    lead_id: uuid.UUID
    email: str | None
    phone: str | None
    name: str | None
    company: str | None

    @property
    def block(self) -> str | None:
        return name_block(self.name, self.company)


@dataclass(frozen=True, slots=True)
class Known:
    """An identity seen before, and the first lead of its person."""

    identity: Identity
    first_lead_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Link:
    first_lead_id: uuid.UUID
    match: DuplicateMatch


def email_key(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    local, _, domain = email.lower().rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _plain(text: str) -> str:
    """Lower case without accents (``Nguyễn`` → ``nguyen``, ``Øie`` → ``øie``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(first: str | None, last: str | None) -> str | None:
    words = _WORD.findall(_plain(f"{first or ''} {last or ''}"))
    return " ".join(sorted(words)) or None


def company_key(company: str | None) -> str | None:
    # legal forms are dropped, also when written with dots ("S.A.", "Sp. z o.o."): single
    # letters go too, unless they are all the name has ("H&M")
    words = [w for w in _WORD.findall(_plain(company or "")) if w not in _LEGAL_FORMS]
    named = [w for w in words if len(w) > 1 or not w.isalpha()]  # "Studio 5" keeps its 5
    return " ".join(named or words) or None


def name_block(name: str | None, company: str | None) -> str | None:
    """Where to look for near names: the company and the name's initials, in order
    (``"acme|j s"`` for John Smith at ACME Inc.)."""
    if not name or not company:
        return None
    return f"{company}|{' '.join(word[0] for word in name.split())}"


def identity_of(lead_id: uuid.UUID, contact: ContactDetails) -> Identity:
    return Identity(
        lead_id=lead_id,
        email=email_key(contact.email),
        phone=contact.phone,
        name=name_key(contact.first_name, contact.last_name),
        company=company_key(contact.company),
    )


def match(new: Identity, earlier: Identity) -> DuplicateMatch | None:
    """How ``new`` matches ``earlier``, the strongest way first; None when it does not."""
    if new.email and new.email == earlier.email:
        return DuplicateMatch(on="email", score=100.0, evidence=f"same email {new.email}")
    if new.phone and new.phone == earlier.phone:
        return DuplicateMatch(on="phone", score=100.0, evidence=f"same phone {new.phone}")
    if new.name and earlier.name and new.company and new.company == earlier.company:
        score = round(fuzz.token_sort_ratio(new.name, earlier.name), 1)
        if score >= NAME_MATCH_MIN:
            evidence = f"name {new.name!r} ~ {earlier.name!r} ({score:g}) at {new.company!r}"
            return DuplicateMatch(on="name_company", score=score, evidence=evidence)
    return None


def link_repeats(
    batch: Sequence[Identity],
    known: Iterable[Known],
    *,
    unseen: Collection[uuid.UUID] = (),
) -> dict[uuid.UUID, Link]:
    """Each lead of ``batch`` that repeats a known one or an earlier lead of the batch,
    linked to its person's first lead. A lead matching several is linked by its strongest
    match (email, then phone, then name and company), the earliest first lead on a tie.

    The leads named in ``unseen`` (held for double opt-in: nobody downstream may see them)
    are linked like the others, but no lead is linked to them."""
    seen = _Seen()
    for candidate in known:
        seen.add(candidate)
    links: dict[uuid.UUID, Link] = {}
    for identity in batch:
        best: Link | None = None
        for candidate in seen.sharing_a_key(identity):
            if identity.lead_id in (candidate.identity.lead_id, candidate.first_lead_id):
                continue  # a lead delivered again finds its own row: it repeats nobody
            found = match(identity, candidate.identity)
            if found is not None and (best is None or _stronger(found, best.match)):
                best = Link(candidate.first_lead_id, found)
        if best is not None:
            links[identity.lead_id] = best
        if identity.lead_id not in unseen:
            seen.add(Known(identity, best.first_lead_id if best else identity.lead_id))
    return links


class _Seen:
    """Known identities by key, each key's earliest first: a lead is compared only with
    those sharing its email, its phone or its name block."""

    def __init__(self) -> None:
        self.by_email: dict[str, Known] = {}
        self.by_phone: dict[str, Known] = {}
        self.by_block: dict[str, list[Known]] = {}

    def add(self, known: Known) -> None:
        identity = known.identity
        if identity.email:
            self.by_email.setdefault(identity.email, known)
        if identity.phone:
            self.by_phone.setdefault(identity.phone, known)
        block = identity.block
        if block:
            self.by_block.setdefault(block, []).append(known)

    def sharing_a_key(self, identity: Identity) -> list[Known]:
        found = [
            *((self.by_email[identity.email],) if identity.email in self.by_email else ()),
            *((self.by_phone[identity.phone],) if identity.phone in self.by_phone else ()),
        ]
        block = identity.block
        return [*found, *self.by_block.get(block, ())] if block else found


_STRENGTH = {"email": 3, "phone": 2, "name_company": 1}


def _stronger(a: DuplicateMatch, b: DuplicateMatch) -> bool:
    return (_STRENGTH[a.on], a.score) > (_STRENGTH[b.on], b.score)
