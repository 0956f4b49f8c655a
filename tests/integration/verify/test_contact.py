"""verify's contact feature on real Postgres: the stage handler stores a verdict per lead in
one statement and publishes each lead's outcome once; the read API shows the verdict."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Collection
from typing import Any

import pytest

from leadflow_shared.db import Database
from leadflow_shared.events import LeadCaptured, LeadRejected, LeadVerified
from leadflow_verify.contact.dns import DomainAnswer, MailDomainResolver
from leadflow_verify.contact.domain.policy import VerificationPolicy
from leadflow_verify.contact.handlers import verify_leads
from leadflow_verify.service import SERVICE as VERIFY
from leadflow_verify.settings import VerifySettings
from tests.conftest import Infra
from tests.support import api_client, fresh, handle


def captured(**submission: Any) -> LeadCaptured:
    """A captured lead of a person of its own (unless told otherwise): leads of one person
    are linked as repeats."""
    person = {"email": unique("ana"), "phone": None, "company": f"Acme {uuid.uuid4().hex[:8]}"}
    event: LeadCaptured = fresh(
        "lead.captured", lambda raw: raw["data"]["submission"].update(person | submission)
    )
    return event


def unique(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture
async def db(infra_env: Infra) -> AsyncIterator[Database]:
    async with infra_env.service_database("verify") as database:
        yield database


async def test_each_lead_of_a_batch_is_verified_or_rejected_with_its_evidence(
    db: Database,
) -> None:
    good = captured(email="Ana@Example.COM", phone=None)
    unreachable = captured(email="nobody-at-example", phone=None)
    published = await handle(db, verify_leads, [good, unreachable])
    by_lead = {e.lead_id: e for e in published}
    verified, rejected = by_lead[good.lead_id], by_lead[unreachable.lead_id]
    assert isinstance(verified, LeadVerified) and verified.causation_id == good.id
    assert verified.data.contact.email == "Ana@example.com"
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["invalid_email"]


async def test_a_lead_verified_before_under_another_event_id_publishes_nothing_again(
    db: Database,
) -> None:
    event = captured()
    copy = event.model_copy(update={"id": uuid.uuid4()})
    assert len(await handle(db, verify_leads, [event, copy])) == 1  # twice in one batch
    assert await handle(db, verify_leads, [copy]) == []  # and in a later one


async def test_the_read_api_shows_the_stored_verdict(infra_env: Infra, db: Database) -> None:
    event = captured(email="ben@example.com", phone="+1 415 555 2671", country="US")
    await handle(db, verify_leads, [event])
    app = VERIFY.create_app(infra_env.settings(VerifySettings, "verify"))
    async with api_client(app, "verify") as client:
        found = await client.get(f"/v1/leads/{event.lead_id}/verification")
        missing = await client.get(f"/v1/leads/{uuid.uuid4()}/verification")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["lead_id"] == str(event.lead_id) and body["accepted"] is True
    assert body["contact"]["phone"] == "+14155552671" and body["contact"]["country"] == "US"
    names = {c["name"] for c in body["checks"]}
    assert names >= {"email_syntax", "phone_number", "country", "website"}
    flagged = {c["name"]: c["findings"] for c in body["checks"] if c["status"] != "passed"}
    assert flagged == {
        "domain_agreement": ["domain_mismatch"],  # example.com ≠ acme.example
        "email_domain": ["mail_domain_unknown"],  # no DNS lookups unless configured
    }
    assert body["reasons"] == [] and body["verified_at"]
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_a_repeat_by_the_same_person_is_linked_to_their_first_lead(db: Database) -> None:
    email = unique("ana")
    company = f"Acme {uuid.uuid4().hex[:8]}"
    first = captured(email=email, phone=None, first_name="Ana", last_name="Lopez", company=company)
    # the same address with a +tag and other case, in the same batch
    again = captured(
        email=email.replace("@", "+promo@").upper(), phone=None, first_name="Ana", company=None
    )
    published = {e.lead_id: e for e in await handle(db, verify_leads, [first, again])}
    original, repeat = published[first.lead_id], published[again.lead_id]
    assert isinstance(original, LeadVerified) and original.data.duplicate_of is None
    assert isinstance(repeat, LeadVerified)
    assert repeat.data.duplicate_of == first.lead_id
    assert repeat.data.duplicate_match is not None and repeat.data.duplicate_match.on == "email"
    assert "duplicate" in repeat.data.findings and repeat.data.outcome == "verified"

    # later, another address but a near-equal name at the same company (legal form aside)
    later = captured(
        email=unique("alopez"),
        phone=None,
        first_name="Anna",
        last_name="Lopez",
        company=f"{company.upper()} Inc.",
    )
    stranger = captured(
        email=unique("zoe"), phone=None, first_name="Zoe", last_name="Quinn", company=company
    )
    published = {e.lead_id: e for e in await handle(db, verify_leads, [later, stranger])}
    near = published[later.lead_id]
    assert isinstance(near, LeadVerified) and near.data.duplicate_of == first.lead_id
    assert near.data.duplicate_match is not None
    assert near.data.duplicate_match.on == "name_company"
    assert 90 <= near.data.duplicate_match.score < 100
    other = published[stranger.lead_id]
    assert isinstance(other, LeadVerified) and other.data.duplicate_of is None


async def test_two_batches_with_the_same_person_at_once_make_one_first_lead(
    db: Database,
) -> None:
    """Two consumers verifying the same person at the same moment: the second batch waits
    for the first's keys, then finds its lead (without the locks both were "first")."""
    email = unique("bo")
    first = captured(email=email, phone=None, first_name="Bo", last_name="Berg")
    again = captured(email=email, phone=None, first_name="Bo", last_name="Berg")
    async with db.unit_of_work() as one:
        await verify_leads(one, [first])
        second = asyncio.create_task(handle(db, verify_leads, [again]))
        await asyncio.sleep(0.5)
        assert not second.done()  # waiting for the first batch's keys
        await one.commit()
    (repeat,) = await asyncio.wait_for(second, 10)
    assert isinstance(repeat, LeadVerified) and repeat.data.duplicate_of == first.lead_id


async def test_a_rejected_lead_is_nobody_to_repeat(db: Database) -> None:
    phone = "+4520" + str(uuid.uuid4().int)[:6]
    rejected = captured(email="nobody-at-example", phone="12")
    first = captured(email=None, phone=phone, country="DK")
    published = {e.lead_id: e for e in await handle(db, verify_leads, [rejected, first])}
    assert isinstance(published[rejected.lead_id], LeadRejected)
    verified = published[first.lead_id]
    assert isinstance(verified, LeadVerified) and verified.data.duplicate_of is None


async def test_the_report_and_the_summary_show_findings_and_links(
    infra_env: Infra, db: Database
) -> None:
    email = unique("ben")
    first = captured(email=email, phone=None)
    again = captured(email=email, phone=None)
    bad = captured(email="nobody-at-example", phone=None)
    await handle(db, verify_leads, [first, again, bad])
    app = VERIFY.create_app(infra_env.settings(VerifySettings, "verify"))
    async with api_client(app, "verify") as client:
        report = await client.get(f"/v1/verifications/{again.lead_id}")
        rejected = await client.get(f"/v1/verifications/{bad.lead_id}")
        summary = await client.get("/v1/verifications/summary")
        backwards = await client.get(
            "/v1/verifications/summary",
            params={"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"},
        )
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["outcome"] == "verified" and body["duplicate_of"] == str(first.lead_id)
    assert body["duplicate_match"]["on"] == "email" and "duplicate" in body["findings"]
    duplicate = next(c for c in body["checks"] if c["name"] == "duplicate")
    assert duplicate["status"] == "flagged" and email in duplicate["evidence"]
    email_check = next(c for c in body["checks"] if c["field"] == "email")
    assert email_check["status"] == "passed"

    body = rejected.json()
    assert body["outcome"] == "rejected" and body["accepted"] is False
    assert body["findings"] == ["no_usable_contact", "invalid_email"]
    failed = next(c for c in body["checks"] if c["field"] == "email")
    assert failed["status"] == "failed" and failed["before"] == "nobody-at-example"

    assert summary.status_code == 200, summary.text
    counts = summary.json()
    assert counts["leads"] >= 3
    assert counts["outcomes"]["verified"] >= 2 and counts["outcomes"]["rejected"] >= 1
    found = {f["code"]: f for f in counts["findings"]}
    assert found["duplicate"]["leads"] >= 1 and found["duplicate"]["meaning"]
    assert backwards.status_code == 422


@pytest.mark.parametrize(
    ("names", "finding"),
    [
        ({"first_name": "Mickey", "last_name": "Mouse"}, "placeholder_name"),
        ({"first_name": "Test", "last_name": "Test"}, "placeholder_name"),
        ({"first_name": "asdf", "last_name": "asdf"}, "gibberish_name"),
        ({"first_name": "xkcdjq", "last_name": None}, "gibberish_name"),
    ],
)
async def test_a_doubtful_identity_is_sent_to_review_with_why(
    db: Database, names: dict[str, str | None], finding: str
) -> None:
    lead = captured(**names)
    (published,) = await handle(db, verify_leads, [lead])
    assert isinstance(published, LeadVerified)
    assert published.data.outcome == "needs_review"
    assert finding in published.data.findings
    assert finding in {r.code for r in published.data.review_reasons}


async def test_the_policy_decides_what_a_finding_costs(db: Database) -> None:
    strict = VerificationPolicy(reject=frozenset({"placeholder_name"}), review=frozenset())
    lenient = VerificationPolicy(review=frozenset())
    mickey = {"first_name": "Mickey", "last_name": "Mouse"}
    (rejected,) = await handle(db, verify_leads, [captured(**mickey)], policy=strict)
    (verified,) = await handle(db, verify_leads, [captured(**mickey)], policy=lenient)
    assert isinstance(rejected, LeadRejected)
    assert [r.code for r in rejected.data.reasons] == ["placeholder_name"]
    assert isinstance(verified, LeadVerified) and verified.data.outcome == "verified"
    assert "placeholder_name" in verified.data.findings  # still flagged


class KnownDomains(MailDomainResolver):
    """The mail-domain port answering from a table, recording what it was asked."""

    def __init__(self, accepts: dict[str, bool]) -> None:
        self.accepts = accepts
        self.asked: list[set[str]] = []

    async def mail_hosts(self, domains: Collection[str]) -> dict[str, DomainAnswer]:
        self.asked.append(set(domains))
        return {
            d: DomainAnswer(
                domain=d,
                accepts_mail=self.accepts.get(d),
                hosts=(f"mx.{d}",) if self.accepts.get(d) else (),
                looked_up=f"MX {d}",
                duration_ms=1.5,
                evidence=f"{d}: {'MX mx.' + d if self.accepts.get(d) else 'no mail host'}",
            )
            for d in domains
        }


async def test_an_address_whose_domain_takes_no_mail_is_not_a_way_to_reach_the_lead(
    db: Database,
) -> None:
    mail = KnownDomains({"acme.example": True, "nomail.example": False})
    good = captured(email="ann@ACME.example")
    dead_end = captured(email="bob@nomail.example")
    phone_too = captured(email="eve@nomail.example", phone="+4520123456", country="DK")
    published = {
        e.lead_id: e for e in await handle(db, verify_leads, [good, dead_end, phone_too], mail=mail)
    }
    assert mail.asked == [{"acme.example", "nomail.example"}]  # each domain once per batch
    verified = published[good.lead_id]
    assert isinstance(verified, LeadVerified) and verified.data.contact.email == "ann@acme.example"
    domain = next(c for c in verified.data.checks if c.name == "email_domain")
    assert (domain.status, domain.looked_up, domain.duration_ms) == (
        "passed",
        "MX acme.example",
        1.5,
    )
    rejected = published[dead_end.lead_id]
    assert isinstance(rejected, LeadRejected)
    assert [(r.code, r.field) for r in rejected.data.reasons] == [("no_mail_domain", "email")]
    reachable = published[phone_too.lead_id]
    assert isinstance(reachable, LeadVerified)
    assert reachable.data.contact.email is None and reachable.data.contact.phone == "+4520123456"
    assert "no_mail_domain" in reachable.data.findings
