"""The verification policy: which findings reject, which send to review, which only flag."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadflow_shared.config import load_config
from leadflow_shared.events.v1 import Check
from leadflow_verify.config import VerifyConfig
from leadflow_verify.contact.domain.policy import FINDINGS, VerificationPolicy
from tests.conftest import EXAMPLE_CONFIG


def check(*findings: str, field: str = "email", passed: bool = True) -> Check:
    return Check(
        name="x", passed=passed, evidence=f"found {findings}", field=field, findings=findings
    )


def test_by_default_doubtful_identities_go_to_review_and_the_rest_only_flags() -> None:
    policy = VerificationPolicy()
    review = policy.decide([check("disposable_domain"), check("free_mail")], usable_contact=True)
    assert review.outcome == "needs_review"
    assert [r.code for r in review.review_reasons] == ["disposable_domain"]
    assert review.findings == ("disposable_domain", "free_mail")
    flagged = policy.decide([check("role_account", "free_mail")], usable_contact=True)
    assert (flagged.outcome, flagged.reasons, flagged.review_reasons) == ("verified", (), ())


def test_suppressed_rejects_and_rejecting_wins_over_review() -> None:
    decision = VerificationPolicy().decide(
        [check("gibberish_name", field="first_name"), check("suppressed")], usable_contact=True
    )
    assert decision.outcome == "rejected"
    assert [(r.code, r.field) for r in decision.reasons] == [("suppressed", "email")]


def test_no_usable_contact_always_rejects_naming_each_failed_contact() -> None:
    failed = check("invalid_email", passed=False)
    decision = VerificationPolicy(reject=frozenset()).decide([failed], usable_contact=False)
    assert decision.outcome == "rejected"
    assert [r.code for r in decision.reasons] == ["invalid_email"]
    assert decision.findings == ("no_usable_contact", "invalid_email")
    nothing = VerificationPolicy().decide([], usable_contact=False)
    assert [r.code for r in nothing.reasons] == ["no_contact"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"review": ["disposable"]}, r"unknown findings \['disposable'\]"),
        ({"reject": ["no_usable_contact"]}, "always rejects"),
        ({"review": ["unconfirmed"]}, "unconfirmed always rejects"),
        ({"reject": ["no_email_to_confirm"]}, "no_email_to_confirm always rejects"),
        ({"reject": [], "review": ["suppressed"]}, "suppressed always rejects"),
        ({"review": ["duplicate"]}, "duplicate only flags"),
        ({"reject": ["free_mail"], "review": ["free_mail"]}, "both reject and send to review"),
        ({"ignore": ["free_mail"]}, "Extra inputs"),
    ],
)
def test_a_policy_that_makes_no_sense_is_refused_clearly(
    raw: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        VerificationPolicy.model_validate(raw)


def test_the_example_configuration_states_the_default_policy() -> None:
    config = load_config(EXAMPLE_CONFIG, VerifyConfig)
    default = VerificationPolicy()
    assert (config.verification.reject, config.verification.review) == (
        default.reject,
        default.review,
    )
    assert config.verification.review <= FINDINGS.keys()
