"""What a partner sees of a lead (``lead.offered``, on its topic and its webhook): pinned,
so that a field added to the offer is a decision, not an accident."""

from __future__ import annotations

from leadflow_shared.events import LeadOffered
from leadflow_shared.events.v1 import ContactDetails, Cta, LeadOfferedData


def test_the_offer_carries_only_what_a_partner_may_see() -> None:
    assert set(LeadOfferedData.model_fields) == {
        "partner_id",  # its own id, no other partner's
        "contact",
        "cta",
        "message",
        "temperature",
        "offered_at",
    }
    assert set(ContactDetails.model_fields) == {
        "email",
        "phone",
        "first_name",
        "last_name",
        "company",
        "job_title",
        "website",
        "country",
        "city",
        "language",
    }
    assert set(Cta.model_fields) == {"type", "page_url"}
    # no score or its explanation, no routing rule, no rep, no checks, no source
    assert set(LeadOffered.model_fields) == {
        "id",
        "type",
        "version",
        "occurred_at",
        "producer",
        "lead_id",
        "correlation_id",
        "causation_id",
        "data",
    }
