"""Names examined: washing, splitting, and the gibberish / placeholder / contact findings.

The measurement behind services/verify/NAMES.md lives here: every real name in
data/real_names.csv passes, every input in data/junk_names.csv is flagged with its finding.
Print the table with ``.venv/bin/python -m tests.unit.verify.contact.test_names``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from leadflow_verify.contact.domain.gibberish import find_mash
from leadflow_verify.contact.domain.names import (
    CONTACT_IN_NAME,
    GIBBERISH_NAME,
    PLACEHOLDER_NAME,
    NameExamination,
    examine_name,
    split_full_name,
    wash_person_name,
)

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


REAL = _rows("real_names.csv")
JUNK = _rows("junk_names.csv")


def _examine_real(part: str, name: str) -> NameExamination:
    return examine_name(name, None) if part == "first" else examine_name(None, name)


def _examine_junk(row: dict[str, str]) -> NameExamination:
    return examine_name(row["first"] or None, row["last"] or None)


# --- the measurement ------------------------------------------------------------------


def test_the_measured_tables_are_as_large_as_the_doc_says() -> None:
    countries = {row["country"] for row in REAL}
    assert len(REAL) >= 150
    assert len(countries) >= 10
    assert len(JUNK) >= 40


@pytest.mark.parametrize("row", REAL, ids=[f"{r['country']}-{r['name']}" for r in REAL])
def test_no_real_name_is_flagged(row: dict[str, str]) -> None:
    examined = _examine_real(row["part"], row["name"])

    assert examined.findings == (), [c.evidence for c in examined.checks if c.findings]
    assert all(check.status == "passed" for check in examined.checks)


@pytest.mark.parametrize("row", REAL, ids=[f"{r['country']}-{r['name']}" for r in REAL])
def test_no_real_name_is_flagged_in_the_other_field_or_beside_another_name(
    row: dict[str, str],
) -> None:
    assert examine_name("Anna", row["name"]).findings == ()
    assert examine_name(row["name"], "Larsen").findings == ()


@pytest.mark.parametrize("row", JUNK, ids=[f"{r['first']}|{r['last']}" for r in JUNK])
def test_every_junk_input_is_flagged_with_its_finding(row: dict[str, str]) -> None:
    examined = _examine_junk(row)

    assert examined.flagged
    assert row["finding"] in examined.findings


def measure() -> dict[str, int]:
    """The numbers NAMES.md reports."""
    real_flagged = sum(bool(_examine_real(r["part"], r["name"]).findings) for r in REAL)
    junk_flagged = sum(bool(_examine_junk(r).findings) for r in JUNK)
    by_finding = {
        code: sum(r["finding"] == code for r in JUNK)
        for code in (GIBBERISH_NAME, PLACEHOLDER_NAME, CONTACT_IN_NAME)
    }
    return {
        "real_names": len(REAL),
        "countries": len({r["country"] for r in REAL}),
        "real_flagged": real_flagged,
        "junk": len(JUNK),
        "junk_flagged": junk_flagged,
        **{f"junk_{code}": count for code, count in by_finding.items()},
    }


def test_measured_numbers() -> None:
    numbers = measure()

    assert numbers["real_flagged"] == 0
    assert numbers["junk_flagged"] == numbers["junk"]


# --- the must-not-flag list from the brief, one by one ----------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Ng", "Øie", "Nguyễn", "Szczęśniak", "O'Brien", "Li", "Wu", "Xu", "Ó Súilleabháin",
        "Mkhize", "Tshabalala", "Björk", "Müller", "Hernández", "Kowalczyk",
        "Brzęczyszczykiewicz", "Nkrumah", "Srinivasan", "Chakraborty", "Yılmaz", "Đặng",  # noqa: RUF001
        "Александр", "王", "さくら", "Ngozi", "Rhys", "Llwyd", "Schwartz", "Strzelczyk",
    ],
)  # fmt: skip
def test_short_and_non_latin_real_names_are_never_gibberish(name: str) -> None:
    assert find_mash(name) is None
    assert examine_name(name, None).findings == ()


# --- the gibberish rules, each with its reason -------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("asdf", "keyboard"),
        ("lkjh", "keyboard"),
        ("sdf", "keyboard"),
        ("xasdfgy", "keyboard"),
        ("jjjj", "repeated_letter"),
        ("sdsd", "repeated_chunk"),
        ("qweqwe", "repeated_chunk"),
        ("xkcdjq", "no_vowel"),
    ],
)
def test_each_gibberish_rule_names_itself(text: str, rule: str) -> None:
    mash = find_mash(text)

    assert mash is not None
    assert mash.rule == rule
    assert text in mash.explanation


@pytest.mark.parametrize(
    "text", ["Doherty", "Gerty", "Tingting", "Jojo", "Yui", "Tre", "Smrz", "Vlk", "Nietzsche"]
)
def test_near_misses_of_the_rules_are_real_names(text: str) -> None:
    assert find_mash(text) is None


# --- washing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "family", "washed"),
    [
        ("jOHN  SMITH", False, "John Smith"),
        ("ANNA", False, "Anna"),
        ("mcdonald", True, "McDonald"),
        ("McDonald", True, "McDonald"),
        ("mcDonald", True, "McDonald"),
        ("o'brien", True, "O'Brien"),
        ("O'Brien", True, "O'Brien"),
        ("VAN DER BERG", True, "van der Berg"),
        ("van der Berg", True, "van der Berg"),
        ("Van Der Berg", True, "Van Der Berg"),  # typed with care: kept
        ("de la cruz", True, "de la Cruz"),
        ("LE PEN", True, "Le Pen"),  # an article that begins a family name keeps its capital
        ("le pen", True, "Le Pen"),
        ("LA RUSSA", True, "La Russa"),
        ("le Clerc", True, "le Clerc"),  # typed with care: kept
        ("DE LA FONTAINE", True, "de la Fontaine"),  # after another particle: lower case
        ("DI LO RUSSO", True, "di lo Russo"),
        ("DeVito", True, "DeVito"),
        ("NGUYỄN", True, "Nguyễn"),
        ("Nguyễn", True, "Nguyễn"),
        ("jean-luc", False, "Jean-Luc"),
        ("ÓLAFUR", False, "Ólafur"),
        ("АЛЕКСАНДР", False, "Александр"),
        ("王", True, "王"),
        ("MACHADO", True, "Machado"),  # "Mac" is not a prefix to guess
        ("Anna SMITH", False, "Anna Smith"),
        ("N/A", False, "N/A"),
        ("  ", False, None),
        (None, False, None),
    ],
)
def test_names_are_washed_without_losing_careful_casing(
    given: str | None, family: bool, washed: str | None
) -> None:
    assert wash_person_name(given, family=family) == washed


def test_examination_returns_the_washed_parts() -> None:
    examined = examine_name(" ANNA ", "VAN DER BERG")

    assert (examined.first, examined.last, examined.split) == ("Anna", "van der Berg", False)


# --- splitting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("jOHN  SMITH", None, ("John", "Smith")),
        (None, "Anna Larsen", ("Anna", "Larsen")),
        ("Mary Ann O'Brien", None, ("Mary Ann", "O'Brien")),
        ("Dr. Anna Schmidt", None, ("Anna", "Schmidt")),
        ("SMITH, JOHN", None, ("John", "Smith")),
        ("ludwig van beethoven", None, ("Ludwig", "van Beethoven")),
    ],
)
def test_a_full_name_in_one_field_is_split(
    first: str | None, last: str | None, expected: tuple[str, str]
) -> None:
    examined = examine_name(first, last)

    assert examined.split
    assert (examined.first, examined.last) == expected
    (split,) = [c for c in examined.checks if c.name == "name_split"]
    assert split.status == "passed"
    assert split.after == " ".join(expected)
    assert "split into" in split.evidence


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Anna Maria", "Larsen"),  # both fields given: nothing to split
        ("Anna", None),  # one word
        (None, "van der Berg"),  # a family name with particles
        (None, "Ó Súilleabháin"),  # nameparser reads it as one family name
        ("anna@example.com", None),  # contact details are not split
    ],
)
def test_names_that_are_not_split(first: str | None, last: str | None) -> None:
    assert not examine_name(first, last).split


def test_split_full_name_refuses_a_single_word() -> None:
    assert split_full_name("Anna", typed_in="first_name") is None


# --- the checks' shape ----------------------------------------------------------------


def test_a_clean_name_has_passed_checks_per_field_and_for_the_whole_name() -> None:
    examined = examine_name("anna", "larsen")

    assert [(c.name, c.field, c.status) for c in examined.checks] == [
        ("name_contact_in_name", "first_name", "passed"),
        ("name_gibberish", "first_name", "passed"),
        ("name_contact_in_name", "last_name", "passed"),
        ("name_gibberish", "last_name", "passed"),
        ("name_placeholder", "name", "passed"),
    ]
    assert all(c.passed for c in examined.checks)
    gibberish = examined.checks[1]
    assert (gibberish.before, gibberish.after) == ("anna", "Anna")
    assert not examined.flagged


def test_nothing_given_means_no_checks() -> None:
    examined = examine_name(None, "  ")

    assert examined.checks == ()
    assert (examined.first, examined.last) == (None, None)


def test_a_flag_is_not_a_failure_and_the_evidence_explains_it() -> None:
    examined = examine_name("asdf", "Larsen")

    (check,) = [c for c in examined.checks if c.findings]
    assert (check.name, check.field, check.status) == ("name_gibberish", "first_name", "flagged")
    assert check.passed
    assert check.findings == (GIBBERISH_NAME,)
    assert "keyboard" in check.evidence


def test_placeholder_evidence_names_the_placeholder() -> None:
    (check,) = [c for c in examine_name("John", "Doe").checks if c.findings]

    assert (check.name, check.field) == ("name_placeholder", "name")
    assert (check.before, check.after) == ("John Doe", "John Doe")
    assert "placeholder" in check.evidence


def test_an_email_in_a_name_field_suggests_where_it_belongs() -> None:
    examined = examine_name("Anna@Example.com", None, email="anna@example.com")

    assert examined.findings == (CONTACT_IN_NAME,)
    (check,) = [c for c in examined.checks if c.findings]
    assert check.field == "first_name"
    assert "email address" in check.evidence
    assert "same address as the lead's email" in check.evidence
    assert check.suggestion == "move 'Anna@Example.com' to the email field"
    # no gibberish verdict on text that is not a name
    assert [c.name for c in examined.checks if c.field == "first_name"] == ["name_contact_in_name"]


def test_a_phone_number_in_a_name_field_is_one_finding_not_two() -> None:
    examined = examine_name("Anna", "+49 30 1234567")

    assert examined.findings == (CONTACT_IN_NAME,)
    assert examined.last == "+49 30 1234567"


if __name__ == "__main__":
    for key, value in measure().items():
        print(f"{key:>28}: {value}")


def test_first_last_typed_as_the_name_is_a_placeholder() -> None:
    assert "placeholder_name" in examine_name("First", "Last").findings


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("John", "Smith III"),
        ("Henry VIII", None),
        ("Jean", "Dupont 1er"),
        ("Juan", "Pérez 3º"),
        ("John", "Smith 3rd"),
        ("John", "Smith 3d"),
    ],
)
def test_generations_and_ordinals_after_a_name_are_no_gibberish(
    first: str, last: str | None
) -> None:
    assert examine_name(first, last).findings == ()


def test_digits_in_a_name_are_named_as_such_not_as_keyboard_mashing() -> None:
    (check,) = [c for c in examine_name("John", "Sm1th").checks if c.findings]
    assert check.findings == ("gibberish_name",)
    assert "does not read as a name" in check.evidence
    assert "keyboard" not in check.evidence


@pytest.mark.parametrize(("first", "last"), [("A B", None), ("J.R.", None), ("A.", "B.")])
def test_initials_only_are_a_placeholder_in_one_field_or_two(first: str, last: str | None) -> None:
    assert examine_name(first, last).findings == ("placeholder_name",)


@pytest.mark.parametrize(
    ("first", "washed"),
    [("Dr. John", "John"), ("Prof. Dr. Hans", "Hans"), ("mrs anna", "Anna"), ("Dr.", "Dr.")],
)
def test_titles_before_a_first_name_are_washed_off(first: str, washed: str) -> None:
    examined = examine_name(first, "Berg")
    assert examined.first == washed
    (check,) = [c for c in examined.checks if c.field == "first_name"][:1]
    assert (check.before, check.after) == (first, washed)
