"""The pipeline benchmark's leads: valid bodies, varied, a few that verify rejects."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime

from leadflow_capture.intake.schemas import LeadIn
from leadflow_router.config import RouterConfig
from leadflow_shared.config import load_config
from leadflow_shared.events.v1 import ContactDetails
from leadflow_verify.contact.domain.checks import check_phone, verify_submission
from leadflow_verify.dedupe.domain.identity import identity_of
from tests.bench.leads import COUNTRIES, LeadFactory, phone
from tests.infra import ROOT

N = 3000


def leads(seed: int = 1) -> list[dict[str, object]]:
    make = LeadFactory("t", seed)
    return [make(n) for n in range(N)]


def test_every_lead_is_a_valid_body_and_unique() -> None:
    bodies = leads()

    for body in bodies:
        LeadIn.model_validate(body)
    assert len({json.dumps(b, sort_keys=True) for b in bodies}) == N
    emails = [b["email"] for b in bodies if "email" in b]
    repeats = len(emails) - len(set(emails))
    assert 0.03 < repeats / len(emails) < 0.07  # people coming back, for verify to link


def test_leads_come_from_every_territory_and_elsewhere() -> None:
    # the router's reading of the example: regions ("nordics") become their countries
    config = load_config(ROOT / "deploy" / "examples" / "leadflow.yaml", RouterConfig)
    territories = {
        *(c for rep in config.reps for c in rep.territories),
        *(c for partner in config.partners for c in partner.territories),
    }
    codes = {c.code for c in COUNTRIES}
    given = Counter(str(b.get("country")) for b in leads())

    assert territories < codes
    assert {"JP", "FR"} <= codes - territories
    assert all(given[code] for code in codes)
    assert any(country in given for country in ("Germany", "United States"))  # names too


def test_leads_vary_in_intent_role_and_answers() -> None:
    bodies = leads()
    ctas = {b["cta"]["type"] for b in bodies}  # type: ignore[index]

    assert len(ctas) == 10
    assert 0.3 < sum("bant" in b for b in bodies) / N < 0.5
    assert 0.2 < sum("phone" in b for b in bodies) / N < 0.5
    assert len({b.get("job_title") for b in bodies}) > 10


def test_a_few_percent_have_no_contact_verify_accepts() -> None:
    now = datetime.now(UTC)
    verdicts = [
        verify_submission(LeadIn.model_validate(b).to_submission("contact_sales", now))
        for b in leads()
    ]
    rejected = [v for v in verdicts if not v.accepted]

    assert 0.01 < len(rejected) / N < 0.06
    codes = {r.code for v in rejected for r in v.reasons}
    assert codes == {"invalid_email", "invalid_phone"}


def test_every_country_gets_valid_phone_numbers_one_per_lead() -> None:
    for country in COUNTRIES:
        for n in (0, 4321, 9999, 123_456, 999_999):
            assert check_phone(phone(country, n), country.code).value, (country.code, n)
    assert len({phone(COUNTRIES[0], n) for n in range(100_000)}) == 100_000


def test_different_people_seldom_share_a_name_at_one_company() -> None:
    # verify links leads with near-equal names at one company as one person: namesakes
    # would be taken for people coming back
    first: dict[tuple[str | None, str | None], object] = {}
    namesakes = 0
    bodies = leads()
    for b in bodies:
        contact = ContactDetails(
            first_name=b["first_name"], last_name=b["last_name"], company=b.get("company")
        )
        identity = identity_of(uuid.uuid4(), contact)
        if identity.name is None or identity.company is None:
            continue
        key = (identity.name, identity.company)
        if key in first and first[key] != b.get("email"):
            namesakes += 1
        first.setdefault(key, b.get("email"))
    assert namesakes / N < 0.02


def test_the_seed_fixes_the_sequence() -> None:
    assert leads(7)[:50] == leads(7)[:50]
    assert leads(7)[:50] != leads(8)[:50]
