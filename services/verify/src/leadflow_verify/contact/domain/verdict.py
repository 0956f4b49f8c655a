"""What verification decides about one submission: read back by the API without loading
the checks themselves (email, name and phone libraries, the throwaway-domain list)."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow_shared.events.v1 import Check, ContactDetails, Reason
from leadflow_verify.contact.domain.policy import Outcome


@dataclass(frozen=True, slots=True)
class Verdict:
    """What verification decided about one submission."""

    accepted: bool  # verified or sent to review: not rejected
    contact: ContactDetails
    checks: tuple[Check, ...]
    reasons: tuple[Reason, ...]  # why rejected
    outcome: Outcome = "verified"
    review_reasons: tuple[Reason, ...] = ()
    findings: tuple[str, ...] = ()


# A lead on the do-not-contact list: rejected whatever else was found, and kept without its
# details: nothing about it is stored or published beyond that.
SUPPRESSED = Verdict(
    accepted=False,
    contact=ContactDetails(),
    checks=(),
    reasons=(Reason(code="suppressed", message="on the do-not-contact list"),),
    outcome="rejected",
    findings=("suppressed",),
)
