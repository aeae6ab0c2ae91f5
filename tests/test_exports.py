"""CSV, Markdown and TimelineJS exports, through the API and the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sharing_story import HOSTILE, story
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.views import exports


@pytest.fixture
def told(tracker: Tracker) -> Tracker:
    tracker.append(story())
    return tracker


def cli(t: Tracker, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", str(t.path)])
    assert result.exit_code == 0, result.output
    return result.stdout


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_status_csv(told: Tracker) -> None:
    got = read_csv(cli(told, "status", "--csv", "--on", "2024-01-15"))
    assert list(got[0]) == list(exports.STATUS_COLUMNS)
    assert [(r["proposal"], r["status"], r["may_also_count"]) for r in got] == [("alpha-2024", "", "a.f; a.rej")]
    now = read_csv(cli(told, "status", "--csv"))
    assert [(r["proposal"], r["status"], r["stances"]) for r in now] == [
        ("alpha-2024", "rejected", "russia=proposed; united-states=rejected"),
        ("beta-2025", "considering", "russia=considering; united-states=proposed"),
    ]


def test_history_and_audit_csv(told: Tracker) -> None:
    history = read_csv(cli(told, "history", "alpha-2024", "--csv"))
    assert [r["id"] for r in history] == ["a.f", "a.rej"]
    assert history[0]["source"].startswith("Daily <b>News</b>: Talks & ceasefire")
    audit = read_csv(cli(told, "audit", "alpha-2024", "--csv"))
    assert list(audit[0]) == list(exports.AUDIT_COLUMNS)
    assert "https://example.org/a(b)<c>" in audit[0]["sources"]
    assert audit[1]["changes"] == "stance.united-states: - -> rejected; status: floated -> rejected"


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"])
def test_csv_cells_never_become_formulas(cell: str) -> None:
    (row,) = read_csv(exports.to_csv([{"a": cell}], ["a"]))
    assert row["a"] == "'" + cell


def test_markdown_escapes_event_text() -> None:
    assert exports.md(HOSTILE) == (
        r"\<script\>alert(\"x\")\</script\> \& =HYPERLINK(\"http://evil\") \*bold\* \[link\](http://evil) \| pipe"
        .replace('\\"', '"')
    )
    assert exports.md("two\nlines") == "two lines"


def test_story_markdown(told: Tracker) -> None:
    text = cli(told, "history", "alpha-2024", "--markdown")
    lines = text.splitlines()
    assert lines[0] == "## alpha-2024"
    assert lines[2] == (
        r"- **between September 2023 and January 2024**: russia (Vladimir Putin), floated. "
        r"Status: none → floated. \[1\]"
    )
    assert lines[3] == r"- **January 2024**: united-states, rejected. Status: floated → rejected. \[2\]"
    assert "Status by everything recorded: **rejected**." in text
    assert "1. [Daily \\<b\\>News\\</b\\>, “Talks \\& ceasefire: " in text
    assert "(https://example.org/a%28b%29%3Cc%3E), 13 February 2024. officials." in text
    assert "2. Wire, “Sullivan said no”, 13 February 2024." in text
    assert "<script>" not in text and "<b>" not in text


def test_status_markdown(told: Tracker) -> None:
    text = cli(told, "status", "--markdown", "--on", "2025-03-11")
    assert text.splitlines()[0] == "**Status as it stood on 2025-03-11, by everything recorded**"
    assert "| beta-2025 | floated | united-states: proposed | no | - |" in text


@pytest.mark.parametrize(
    ("edtf", "words"),
    [
        ("2024-02-13", "13 Feb 2024"),
        ("2024-01", "Jan 2024"),
        ("2024", "2024"),
        ("2023-09/2024-01", "between 1 Sep 2023 and 31 Jan 2024"),
        ("2024-21", "between 1 Mar 2024 and 31 May 2024"),
        ("2024-02-01/", "1 Feb 2024 or later"),
        ("../2024-02", "by 29 Feb 2024"),
    ],
)
def test_describe_date(edtf: str, words: str) -> None:
    assert exports.describe_date(edtf) == words


def test_only_one_format(told: Tracker) -> None:
    result = CliRunner().invoke(app, ["status", "--csv", "--json", "--db", str(told.path)])
    assert result.exit_code == 1 and "choose one output format" in result.output


# -- TimelineJS: checked against the documented format (timeline.knightlab.com/docs/json-format.html) --

SLIDE_KEYS = {"start_date", "end_date", "text", "media", "group", "display_date", "background", "autolink", "unique_id"}
DATE_KEYS = {"year", "month", "day", "hour", "minute", "second", "millisecond", "display_date"}


def check_date(d: Any) -> tuple[int, int, int]:
    assert isinstance(d, dict) and set(d) <= DATE_KEYS and isinstance(d["year"], int)
    if "day" in d:
        assert "month" in d
    assert 1 <= d.get("month", 1) <= 12 and 1 <= d.get("day", 1) <= 31
    return (d["year"], d.get("month", 1), d.get("day", 1))


def check_timelinejs(doc: Any) -> None:
    """The documented shape: events required (slides), title a slide, eras with start and end dates."""
    assert set(doc) <= {"events", "title", "eras", "scale"} and isinstance(doc["events"], list)
    ids = [s["unique_id"] for s in doc["events"]]
    assert len(ids) == len(set(ids))
    for slide in doc["events"]:
        assert set(slide) <= SLIDE_KEYS
        start = check_date(slide["start_date"])
        if "end_date" in slide:
            assert check_date(slide["end_date"]) >= start
        assert set(slide["text"]) <= {"headline", "text"}
        assert all(isinstance(v, str) for v in slide["text"].values())
        assert isinstance(slide["group"], str) and isinstance(slide["display_date"], str)
    for era in doc.get("eras", []):
        assert set(era) <= {"start_date", "end_date", "text"}
        assert check_date(era["end_date"]) >= check_date(era["start_date"])
    assert set(doc["title"]) <= SLIDE_KEYS and "headline" in doc["title"]["text"]


def test_timelinejs(told: Tracker) -> None:
    doc = json.loads(cli(told, "export", "--format", "timelinejs"))
    check_timelinejs(doc)
    slides = {s["unique_id"]: s for s in doc["events"]}
    assert list(slides) == ["a.f", "a.rej", "b.f", "b.c"]  # the retracted acceptance is left out
    vague = slides["a.f"]
    assert vague["start_date"] == {"year": 2023, "month": 9, "day": 1}
    assert vague["end_date"] == {"year": 2024, "month": 1, "day": 31}
    assert vague["display_date"] == "between September 2023 and January 2024"
    assert slides["a.rej"]["start_date"] == {"year": 2024, "month": 1} and "end_date" not in slides["a.rej"]
    assert slides["a.rej"]["display_date"] == "January 2024"
    assert slides["b.f"]["start_date"] == {"year": 2025, "month": 3, "day": 11}
    assert {s["group"] for s in doc["events"]} == {"alpha-2024", "beta-2025"}
    assert "<script>" not in vague["text"]["text"] and "&lt;script&gt;" in vague["text"]["text"]
    assert '<a href="https://example.org/a(b)&lt;c&gt;">' in vague["text"]["text"]
    eras = [(e["text"]["headline"], e["start_date"], e["end_date"]) for e in doc["eras"]]
    assert eras[0] == ("alpha-2024: rejected", {"year": 2024, "month": 1, "day": 31}, eras[0][2])
    assert [e[0] for e in eras] == ["alpha-2024: rejected", "beta-2025: floated", "beta-2025: considering"]
    assert eras[1][1:] == ({"year": 2025, "month": 3, "day": 11}, {"year": 2025, "month": 3, "day": 11})
    assert eras[2][1] == {"year": 2025, "month": 3, "day": 12}


def test_export_without_format_is_the_jsonl_log(told: Tracker) -> None:
    lines = cli(told, "export").splitlines()
    assert len(lines) == 6
    first = json.loads(lines[0])
    assert set(first) == {"seq", "recorded_at", "hash", "event"} and first["seq"] == 1


def test_unknown_export_format(told: Tracker, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--format", "xml", "--db", str(told.path)])
    assert result.exit_code == 1 and "unknown export format 'xml'" in result.output
