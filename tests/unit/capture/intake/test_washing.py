from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from leadflow_capture.intake.domain.washing import clean_free_form, clean_optional, clean_text
from leadflow_capture.intake.schemas import LeadIn


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Ana  ", "Ana"),
        ("Ana\x00\x07 Lopez", "Ana Lopez"),
        ("Ana\u200b\u202eLopez", "AnaLopez"),
        ("multi \t  space", "multi space"),
        ("Cafe\u0301", "Café"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_multiline_text_keeps_paragraphs_but_not_runs_of_blank_lines() -> None:
    assert clean_text("Hi\r\n\r\n\r\n\r\nthere  you", multiline=True) == "Hi\n\nthere you"


def test_blank_strings_become_none_and_other_values_pass_through() -> None:
    assert clean_optional("   \x00 ") is None
    assert clean_optional(5) == 5


def test_a_lead_needs_an_email_or_a_phone() -> None:
    with pytest.raises(ValidationError, match="at least one of email or phone"):
        LeadIn.model_validate({"first_name": "Ana", "email": "   "})


def test_over_long_fields_and_unknown_fields_are_refused_field_by_field() -> None:
    with pytest.raises(ValidationError) as info:
        LeadIn.model_validate({"email": "a@example.com", "first_name": "x" * 101, "nope": 1})
    fields = {".".join(str(p) for p in e["loc"]) for e in info.value.errors()}
    assert fields == {"first_name", "nope"}


NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_the_source_default_cta_applies_when_none_is_given() -> None:
    lead = LeadIn.model_validate({"phone": "+4520123456"})
    assert lead.to_submission("contact_sales", NOW).cta.type == "contact_sales"
    given = LeadIn.model_validate({"phone": "+4520123456", "cta": {"type": "pricing"}})
    assert given.to_submission("contact_sales", NOW).cta.type == "pricing"


def test_marketing_consent_is_recorded_with_its_text_and_time() -> None:
    lead = LeadIn.model_validate(
        {"email": "a@example.com", "consent": {"marketing": True, "text": " Email me "}}
    )
    consent = lead.to_submission("other", NOW).consent
    assert (consent.marketing, consent.text, consent.given_at) == (True, "Email me", NOW)
    refused = LeadIn.model_validate({"email": "a@example.com", "consent": {"marketing": False}})
    assert refused.to_submission("other", NOW).consent.given_at is None


def test_free_form_data_loses_nul_and_control_characters_but_keeps_its_shape() -> None:
    raw = {"a\x00": ["x\x00y", {"n": 1, "t": "line\nbreak"}], "b": None}
    assert clean_free_form(raw) == {"a": ["xy", {"n": 1, "t": "line\nbreak"}], "b": None}


@pytest.mark.parametrize("raw", [{"s": "\ud800"}, {"deep": [[[[[[[[[["x"]]]]]]]]]]}])
def test_free_form_data_that_cannot_be_stored_is_refused(raw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        clean_free_form(raw)
    with pytest.raises(ValidationError):
        LeadIn.model_validate({"email": "a@example.com", "custom": raw})
