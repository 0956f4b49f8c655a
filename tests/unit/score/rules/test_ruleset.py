"""The rules file: the example loads, its version follows its content (not its layout),
and a malformed file is refused with the line and the reason."""

from __future__ import annotations

import re

import pytest

from leadflow_score.rules.domain.ruleset import RuleSet, read_rules
from leadflow_shared.config import ConfigError
from tests.unit.score.rules.leads import EXAMPLE_TEXT, RULES


def _edit(old: str, new: str, text: str = EXAMPLE_TEXT) -> str:
    """The example file with ``old`` (found exactly once) replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _line(marker: str, text: str) -> int:
    """The 1-based line of the one line of ``text`` holding ``marker``."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(found) == 1, (marker, found)
    return found[0]


def _refused(text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        read_rules(text, "score-rules.yaml")
    return str(raised.value)


def _reported_lines(message: str) -> list[int]:
    return [int(n) for n in re.findall(r"\bline (\d+)", message)]


# --- the example ----------------------------------------------------------------------


def test_the_example_loads() -> None:
    rules = read_rules(EXAMPLE_TEXT, "example")
    assert isinstance(rules, RuleSet)
    assert rules.name == "example"
    assert (rules.temperature.hot, rules.temperature.warm) == (60, 30)
    assert rules.decay.half_life_days == 30
    assert rules.decay.recheck_every_hours == 6
    assert [status for status, _ in rules.status.in_order()] == ["sql", "mql", "lead"]
    assert len(rules.status.sql) == 2
    assert rules.status.sql[1].ctas == ("demo_request", "contact_sales", "quote_request")
    assert rules.status.sql[1].bant == ("authority", "timeline")
    assert rules.status.lead[0].has_contact is True
    assert rules.fit.seniority["c_level"] == 20
    assert rules.fit.company_size is not None
    assert [b.from_ for b in rules.fit.company_size.bands] == [1000, 200, 50, 0]
    assert rules.fit.industry is not None
    assert rules.fit.industry.points["financial services"] == 8
    assert rules.fit.country["NO"] == 5  # quoted, so Norway and not false
    assert len(rules.fit.country) == 11
    assert (rules.fit.email_domain.business, rules.fit.email_domain.free) == (10, -5)
    assert rules.intent["demo_request"] == 30
    assert rules.intent["newsletter"] == 1
    assert rules.bant.authority.implied_by_seniority == ("c_level", "vp")
    assert rules.bant.timeline.soon == 15
    assert rules.engagement.repeat_submission is not None
    assert rules.engagement.repeat_submission.max == 15
    assert rules.engagement.feedback["junk"] == -60
    assert rules.negative.competitors is not None
    assert rules.negative.competitors.domains == ("competitor.example", "rival.example")
    assert rules.negative.students is not None
    assert "ac.uk" in rules.negative.students.email_domains


def test_the_version_is_the_name_and_twelve_hex_digits_of_the_content_hash() -> None:
    assert re.fullmatch(r"example@[0-9a-f]{12}", RULES.version)
    assert re.fullmatch(r"[0-9a-f]{64}", RULES.content_hash)
    assert RULES.version == f"example@{RULES.content_hash[:12]}"
    assert read_rules(EXAMPLE_TEXT, "elsewhere").version == RULES.version


# --- the version follows the content, not the layout ---------------------------------


def _no_comments(text: str) -> str:
    lines = (re.sub(r"\s+#.*$", "", line) for line in text.splitlines())
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def _indented_four(text: str) -> str:
    lines = text.splitlines()
    return "\n".join(" " * (len(line) - len(line.lstrip(" "))) + line for line in lines)


def _sections_reordered(text: str) -> str:
    """The top-level sections in reverse order."""
    sections = re.split(r"\n(?=[a-z_]+:)", _no_comments(text).strip())
    return "\n".join(reversed(sections)) + "\n"


LAYOUTS = {
    "without comments": _no_comments,
    "with blank lines and trailing spaces": lambda t: t.replace("\n", "  \n\n"),
    "indented by four": _indented_four,
    "with sections in another order": _sections_reordered,
    "with keys in another order": lambda t: _edit(
        "  hot: 60\n  warm: 30", "  warm: 30\n  hot: 60", t
    ),
    "with a flow mapping written as a block": lambda t: _edit(
        "  budget: {positive: 10, negative: -15}",
        "  budget:\n    negative: -15\n    positive: 10",
        t,
    ),
    "with other quotes": lambda t: t.replace('"US"', "'US'").replace('"DE"', "DE"),
    "with a comment added": lambda t: "# my copy\n" + t.replace("hot: 60", "hot: 60  # hot!"),
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_the_version_ignores_the_layout(layout: object) -> None:
    assert callable(layout)
    text = layout(EXAMPLE_TEXT)
    assert text != EXAMPLE_TEXT
    rules = read_rules(text, "copy")
    assert rules == RULES
    assert rules.version == RULES.version


CHANGES = {
    "a threshold": ("  hot: 60", "  hot: 61"),
    "a seniority's points": ("    vp: 15", "    vp: 16"),
    "a band's size": ("{from: 200, points: 10}", "{from: 250, points: 10}"),
    "an intent's points": ("  newsletter: 1", "  newsletter: 0"),
    "a BANT answer's points": ("{soon: 15, later: 5, negative: -10}", "{soon: 15, later: 6}"),
    "a feedback's points": ("    junk: -60", "    junk: -61"),
    "the half-life": ("  half_life_days: 30", "  half_life_days: 30.5"),
    "a competitor": ("rival.example]", "rival.example, other.example]"),
    "a status condition": ("min_positive_bant: 3", "min_positive_bant: 2"),
}


@pytest.mark.parametrize(("old", "new"), CHANGES.values(), ids=CHANGES.keys())
def test_the_version_changes_with_the_rules(old: str, new: str) -> None:
    rules = read_rules(_edit(old, new), "copy")
    assert rules != RULES
    assert rules.name == RULES.name
    assert rules.version != RULES.version
    assert rules.version.startswith("example@")


def test_the_version_names_the_rules() -> None:
    rules = read_rules(_edit("name: example", "name: spring-2026.v2"), "copy")
    assert rules.version.startswith("spring-2026.v2@")
    assert rules.content_hash != RULES.content_hash


# --- malformed files are refused with the line and the reason ------------------------


def test_an_unknown_key_is_refused_on_its_line() -> None:
    text = _edit("    - {min_score: 30}", "    - {min_scor: 30}")
    message = _refused(text)
    assert f"line {_line('min_scor:', text)}: status.mql.0.min_scor: Extra inputs" in message
    assert message.startswith("score-rules.yaml is invalid: ")


def test_an_unknown_scalar_key_in_a_section_is_refused_on_its_line() -> None:
    text = _edit("recheck_every_hours: 6", "recheck_every_hour: 6")
    message = _refused(text)
    line = _line("recheck_every_hour", text)
    assert f"line {line}: decay.recheck_every_hour: Extra inputs are not permitted" in message


def test_an_unknown_section_is_refused_on_its_line() -> None:
    text = _edit("  seniority:  # from the job title", "  senority:")
    message = _refused(text)
    assert "fit.senority: Extra inputs are not permitted" in message
    assert _reported_lines(message) == [_line("senority", text)]


def test_an_unknown_cta_is_refused_on_its_line() -> None:
    text = _edit("  pricing: 20", "  price_page: 20")
    message = _refused(text)
    assert f"line {_line('price_page', text)}: intent.price_page.[key]: Input should be" in message


WRONG_TYPES = {
    "words for a number": ("  pricing: 20", "  pricing: twenty", "pricing: twenty"),
    "a fraction for points": ("  pricing: 20", "  pricing: 2.5", "pricing: 2.5"),
    "words for a threshold": ("    - {min_score: 30}", "    - {min_score: thirty}", "thirty"),
    "a list for a mapping": ("  newsletter: 1", "  newsletter: [1]", "newsletter: [1]"),
    "an unknown BANT field": ("bant: [authority, timeline]", "bant: [authority, timing]", "timing"),
    "a zero half-life": ("  half_life_days: 30", "  half_life_days: 0", "half_life_days: 0"),
    "too many points": ("  converted: 30", "  converted: 3000", "converted: 3000"),
}


@pytest.mark.parametrize(("old", "new", "marker"), WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_wrong_type_is_refused_on_its_line(old: str, new: str, marker: str) -> None:
    text = _edit(old, new)
    message = _refused(text)
    assert _reported_lines(message) == [_line(marker, text)]


def test_a_wrong_type_says_what_is_wanted() -> None:
    text = _edit("  half_life_days: 30", "  half_life_days: a month")
    message = _refused(text)
    line = _line("half_life_days: a month", text)
    assert f"line {line}: decay.half_life_days: Input should be a valid number" in message


@pytest.mark.parametrize("hot", [30, 20])
def test_hot_must_be_above_warm(hot: int) -> None:
    text = _edit("  hot: 60", f"  hot: {hot}")
    message = _refused(text)
    line = _line(f"hot: {hot}", text)
    assert f"line {line}: temperature.hot: Value error, hot must be more points than warm" in (
        message
    )


def test_a_missing_section_is_named() -> None:
    start, end = EXAMPLE_TEXT.index("decay:"), EXAMPLE_TEXT.index("fit:")
    message = _refused(EXAMPLE_TEXT[:start] + EXAMPLE_TEXT[end:])
    assert "decay: Field required" in message


def test_an_empty_file_names_what_it_lacks() -> None:
    message = _refused("")
    for section in ("name", "temperature", "status", "decay"):
        assert f"{section}: Field required" in message


def test_a_bad_name_is_refused() -> None:
    text = _edit("name: example", "name: my rules!")
    assert f"line {_line('name: my rules', text)}: name: String should match" in _refused(text)


BAND_ORDER = (
    "      - {from: 200, points: 10}\n      - {from: 50, points: 5}",
    "      - {from: 50, points: 5}\n      - {from: 200, points: 10}",
)


def test_bands_must_go_from_the_largest_down() -> None:
    message = _refused(_edit(*BAND_ORDER))
    assert "fit.company_size.bands: Value error, bands must go from the largest size down" in (
        message
    )


def test_bands_out_of_order_are_refused_on_their_lines() -> None:
    text = _edit(*BAND_ORDER)
    [line] = _reported_lines(_refused(text))
    assert _line("bands:", text) <= line <= _line("{from: 0, points: 0}", text)


def test_countries_must_be_alpha_2() -> None:
    message = _refused(_edit('    "FI": 5', '    "Finland": 5'))
    assert "fit.country: Value error, country needs ISO 3166 alpha-2 codes (US, DE …), not " in (
        message
    )


@pytest.mark.parametrize("code", ["us", "FIN"])
def test_lower_case_or_three_letter_codes_are_refused(code: str) -> None:
    assert f"not ['{code}']" in _refused(_edit('    "FI": 5', f'    "{code}": 5'))


def test_a_wrong_country_is_refused_on_its_line() -> None:
    text = _edit('    "FI": 5', '    "Finland": 5')
    [line] = _reported_lines(_refused(text))
    assert _line("  country:", text) <= line <= _line("Finland", text)


def test_an_unquoted_no_is_refused_in_the_country_section() -> None:
    """YAML reads NO as false: the file's comment says to quote it, and an unquoted NO is
    an error (in the country section) rather than a silent false."""
    text = _edit('    "NO": 5', "    NO: 5")
    message = _refused(text)
    assert "fit.country" in message
    assert "Input should be a valid string" in message
    [line] = _reported_lines(message)
    assert _line("  country:", text) <= line <= _line("NO: 5", text)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("    no_mail_domain: -20", "    no_mail_domain: 20", "negative.findings.no_mail_domain"),
        ("    points: -25", "    points: 25", "negative.students.points"),
        ("    points: -100", "    points: 1", "negative.competitors.points"),
    ],
)
def test_negative_signals_cannot_add_points(old: str, new: str, named: str) -> None:
    message = _refused(_edit(old, new))
    assert f"{named}: Value error, negative signals cannot add points" in message


def test_positive_points_under_negative_are_refused_on_their_line() -> None:
    text = _edit("    points: -25", "    points: 25")
    [line] = _reported_lines(_refused(text))
    assert _line("  students:", text) <= line <= _line("points: 25", text)


BROKEN = {
    "an unclosed flow sequence": (
        "  implied_by_seniority: [c_level, vp]",
        "  implied_by_seniority: [c_level, vp",
        "  need: {positive: 10",  # where the parser gives up: the next line
    ),
    "a line indented too little": ("  retail: 3", "  retail: 3\n   oops", "   oops"),
    "a tab": ("  warm: 30", "\twarm: 30", "\twarm: 30"),
    "a duplicate colon": ("  event: 5", "  event: 5: 6", "  event: 5: 6"),
}


@pytest.mark.parametrize(("old", "new", "marker"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_yaml_is_refused_with_its_line(old: str, new: str, marker: str) -> None:
    text = _edit(old, new)
    message = _refused(text)
    assert message.startswith(f"score-rules.yaml, line {_line(marker, text)}: not valid YAML: ")


def test_a_list_is_not_a_rules_file() -> None:
    message = _refused("- name: example\n")
    assert "line 1: the file: Input should be a valid dictionary" in message


def test_every_problem_is_reported() -> None:
    text = _edit("  pricing: 20", "  pricing: twenty")
    text = _edit("  hot: 60", "  hot: 10", text)
    message = _refused(text)
    assert _reported_lines(message) == [_line("hot: 10", text), _line("pricing: twenty", text)]
