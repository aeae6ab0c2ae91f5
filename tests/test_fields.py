"""Fields written as text (options, --set, spreadsheet cells) and sources written on one line."""

from __future__ import annotations

import pytest

from tracker.core import citation, fields
from tracker.core.events import KINDS, parse_event


def test_every_kind_has_its_fields_common_first() -> None:
    for kind in KINDS:
        names = list(fields.fields(kind))
        assert names[:7] == ["type", "proposal", "actor", "person", "occurred", "reported", "note"]
        assert names[-1] == "id"
    assert fields.fields("amended")["replacement"] == "event"
    assert fields.fields("floated")["co_proposers"] == "list"
    assert fields.fields("extended")["deadlines"] == "deadlines"
    assert fields.required_fields("retracted") == ("type", "proposal", "actor", "occurred", "target", "reason")


@pytest.mark.parametrize(
    ("kind", "name", "text", "expected"),
    [
        ("floated", "addressees", "israel; lebanon", ["israel", "lebanon"]),
        ("floated", "co_proposers", "united-states,france", ["united-states", "france"]),
        ("floated", "deadlines", "withdrawal | 2025-01-26; handover | 2025-02-18",
         [{"what": "withdrawal", "due": "2025-01-26"}, {"what": "handover", "due": "2025-02-18"}]),
        ("floated", "ends", "2025-01-26", "2025-01-26"),
        ("reversed", "stance", "accepted", "accepted"),
    ],
)  # fmt: skip
def test_text_becomes_the_json_value(kind: str, name: str, text: str, expected: object) -> None:
    assert fields.value(kind, name, text) == expected


def test_a_field_the_kind_lacks_lists_its_fields() -> None:
    with pytest.raises(fields.FieldError, match="considering has no field 'stance'; its fields are type, proposal"):
        fields.value("considering", "stance", "accepted")


@pytest.mark.parametrize("text", ["withdrawal", "| 2025-01-01", "withdrawal |"])
def test_a_deadline_needs_what_and_due(text: str) -> None:
    with pytest.raises(fields.FieldError, match="what \\| due"):
        fields.value("floated", "deadlines", text)


def test_a_source_line_round_trips() -> None:
    line = "Reuters | Israel's cabinet approves | 2024-11-26 | https://example.org/a | Netanyahu | a \\| b"
    source = citation.parse(line)
    assert source == {
        "outlet": "Reuters",
        "title": "Israel's cabinet approves",
        "published": "2024-11-26",
        "url": "https://example.org/a",
        "attribution": "Netanyahu",
        "quote": "a | b",
    }
    assert citation.format_source(source) == line
    assert citation.parse("AP | T | 2024-11 | | the Kremlin") == {
        "outlet": "AP", "title": "T", "published": "2024-11", "attribution": "the Kremlin"
    }  # fmt: skip
    event = {"type": "considering", "proposal": "p", "actor": "a", "occurred": "2024-11-26"}
    assert parse_event({**event, "sources": fields.value("considering", "sources", line)}).reported == "2024-11-26"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Reuters | Title", "needs published"),
        ("Reuters", "needs title, published"),
        ("A | B | 2024 | not-a-url", "fourth part of a source is its URL"),
        ("A | B | C | https://x | E | F | G", "at most 6 parts"),
    ],
)
def test_a_bad_source_line_names_the_form(line: str, message: str) -> None:
    with pytest.raises(citation.CitationError, match=message):
        citation.parse(line)
    with pytest.raises(fields.FieldError, match="Outlet \\| Title \\| published"):
        fields.value("floated", "sources", line)


def test_text_forms_read_back() -> None:
    assert fields.as_text("floated", "addressees", ["a", "b"]) == "a; b"
    deadlines = [{"what": "w", "due": "2025-01-01"}]
    assert fields.value("floated", "deadlines", fields.as_text("floated", "deadlines", deadlines)) == deadlines
    with pytest.raises(fields.FieldError, match="whole event"):
        fields.value("amended", "replacement", "x")


def test_a_mistyped_field_names_the_closest() -> None:
    with pytest.raises(fields.FieldError, match="considering has no field 'ocurred' \\(did you mean 'occurred'\\?\\)"):
        fields.value("considering", "ocurred", "2024-01-01")
