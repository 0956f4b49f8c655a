"""Form posts as leads: field mapping, the honeypot, error field names, redirect targets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadflow_capture.intake.domain.forms import form_field, read_form, with_params
from leadflow_capture.intake.endpoints.forms import wants_json
from leadflow_capture.intake.schemas import LeadIn
from leadflow_capture.sources.domain import Source


def test_flat_nested_and_custom_fields_map_onto_the_json_body() -> None:
    post = read_form(
        [
            ("email", "ana@example.com"),
            ("first_name", "Ana"),
            ("utm_source", "google"),
            ("utm_medium", "cpc"),
            ("utm_campaign", "q4"),
            ("utm_term", "crm"),
            ("utm_content", "ad-1"),
            ("cta_type", "demo_request"),
            ("cta_page_url", "https://example.com/demo"),
            ("consent_marketing", "on"),
            ("consent_text", "Email me"),
            ("bant_budget", "10k"),
            ("bant_authority", "yes"),
            ("bant_need", "routing"),
            ("bant_timeline", "Q1"),
            ("custom_company_size", "51-200"),
        ],
        "fax_number",
    )
    assert post.payload == {
        "email": "ana@example.com",
        "first_name": "Ana",
        "utm": {
            "source": "google",
            "medium": "cpc",
            "campaign": "q4",
            "term": "crm",
            "content": "ad-1",
        },
        "cta": {"type": "demo_request", "page_url": "https://example.com/demo"},
        "consent": {"marketing": True, "text": "Email me"},
        "bant": {"budget": "10k", "authority": "yes", "need": "routing", "timeline": "Q1"},
        "custom": {"company_size": "51-200"},
    }
    assert not post.honeypot and post.ignored == ()
    LeadIn.model_validate(post.payload)  # what the form gives is what the JSON body takes


@pytest.mark.parametrize(
    ("value", "ticked"),
    [("on", True), ("true", True), ("YES", True), ("1", True), ("", False), ("off", False)],
)
def test_the_consent_checkbox_reads_the_usual_values(value: str, ticked: bool) -> None:
    post = read_form([("email", "a@example.com"), ("consent_marketing", value)], "fax_number")
    assert post.payload["consent"]["marketing"] is ticked


def test_an_odd_checkbox_value_is_left_to_validation() -> None:
    post = read_form([("email", "a@example.com"), ("consent_marketing", "maybe")], "fax_number")
    with pytest.raises(ValidationError):
        LeadIn.model_validate(post.payload)


def test_empty_fields_are_absent_and_the_last_non_empty_value_wins() -> None:
    post = read_form(
        [
            ("email", "a@example.com"),
            ("email", ""),
            ("cta_type", ""),
            ("consent_marketing", "0"),  # the hidden "unticked" value before the checkbox
            ("consent_marketing", "1"),
            ("phone", ""),
        ],
        "fax_number",
    )
    assert post.payload == {"email": "a@example.com", "consent": {"marketing": True}}


def test_repeated_custom_fields_are_kept_as_a_list() -> None:
    post = read_form(
        [("custom_interest", "crm"), ("custom_interest", "routing"), ("custom_", "x")],
        "fax_number",
    )
    assert post.payload["custom"] == {"interest": ["crm", "routing"]}
    assert post.ignored == ("custom_",)


def test_unknown_fields_such_as_a_redirect_are_ignored_and_named() -> None:
    post = read_form(
        [("email", "a@example.com"), ("redirect", "https://evil.example/"), ("next", "/x")],
        "fax_number",
    )
    assert post.payload == {"email": "a@example.com"}
    assert post.ignored == ("redirect", "next")


@pytest.mark.parametrize(("value", "caught"), [("555-1234", True), ("", False), ("  ", False)])
def test_the_honeypot_catches_a_filled_in_hidden_field(value: str, caught: bool) -> None:
    post = read_form([("email", "a@example.com"), ("website_url", value)], "website_url")
    assert post.honeypot is caught
    assert "website_url" not in post.payload and post.ignored == ()


def test_a_source_refuses_a_lead_field_as_its_honeypot() -> None:
    for name in ("email", "utm_source", "custom_x"):
        with pytest.raises(ValidationError, match="honeypot"):
            Source(id="s", name="S", honeypot_field=name)
    assert Source(id="s", name="S", honeypot_field="fax_number").honeypot_field == "fax_number"


@pytest.mark.parametrize(
    ("error_field", "form_name"),
    [
        ("utm.source", "utm_source"),
        ("cta.type", "cta_type"),
        ("consent.marketing", "consent_marketing"),
        ("custom.size", "custom_size"),
        ("custom", "custom"),
        ("email", "email"),
        (None, None),
    ],
)
def test_validation_errors_name_the_form_field(error_field: str | None, form_name: str) -> None:
    assert form_field(error_field) == form_name


def test_redirect_parameters_join_the_configured_query() -> None:
    assert (
        with_params("https://example.com/error?lang=da", {"reason": "rate_limited", "field": None})
        == "https://example.com/error?lang=da&reason=rate_limited"
    )
    assert with_params("https://example.com/e", {"field": "a b&c"}) == (
        "https://example.com/e?field=a+b%26c"
    )


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        ("application/json", True),
        ("text/html, application/json;q=0.9", True),
        ("application/json;q=0", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        (None, False),
        ("", False),
    ],
)
def test_json_is_for_clients_that_ask_for_it(accept: str | None, json: bool) -> None:
    assert wants_json(accept) is json
