"""audit: one step per event with its sources, rule, changes, and warnings as data; three renderings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import ev
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.core.audit import Audit
from tracker.views.audit_text import audit_markdown, audit_text, md

SOURCE = {"outlet": "Daily *Star*", "title": "A | b _c_ [d](e) <script>", "published": "2024-01-10"}


def codes(a: Audit) -> dict[str, list[str]]:
    return {st.id: [w.code for w in st.warnings] for st in a.steps}


@pytest.mark.parametrize(
    ("events", "eid", "code"),
    [
        (
            [
                ev("floated", id="f"),
                ev("collapsed", id="x", occurred="2024-01-02"),
                ev("accepted", id="late", actor="b", occurred="2024-01-03"),
            ],
            "late",
            "after-closed",
        ),
        (
            [ev("floated", id="f", addressees=["b"]), ev("rejected", id="r", actor="c", occurred="2024-01-02")],
            "r",
            "unaddressed-party",
        ),
        (
            [ev("floated", id="f"), ev("reversed", id="v", actor="b", stance="accepted", occurred="2024-01-02")],
            "v",
            "reversal-without-stance",
        ),
        (
            [ev("floated", id="f"), ev("denied", id="d", actor="b", target="f", occurred="2024-01-02")],
            "d",
            "denies-held-event",
        ),
        ([ev("floated", id="f", occurred="2024-01", reported="2024-01-10")], "f", "occurred-after-reported"),
        ([ev("floated", id="f"), ev("floated", id="f2", occurred="2024-01-05")], "f2", "refloated"),
    ],
)
def test_each_warning_is_data_with_a_code(tracker: Tracker, events: list[dict[str, Any]], eid: str, code: str) -> None:
    tracker.append(events)
    audit = tracker.audit("p")
    assert code in codes(audit)[eid]
    others = [c for i, cs in codes(audit).items() if i != eid for c in cs]
    assert code not in others


def test_a_step_carries_everything_a_reader_needs(tracker: Tracker) -> None:
    with freeze_time("2024-02-01T08:00:00Z"):
        tracker.append([ev("floated", id="f", addressees=["b"], sources=[SOURCE], person="P. Erson")])
    with freeze_time("2024-02-02T08:00:00Z"):
        tracker.append([ev("rejected", id="r", actor="b", occurred="2024-01-05", reported="2024-01-06")])
    a = tracker.audit("p")
    first, second = a.steps
    assert (first.seq, first.occurred, first.reported, first.type, first.actor, first.person) == (
        1,
        "2024-01-01",
        "2024-01-10",
        "floated",
        "a",
        "P. Erson",
    )
    assert first.recorded_at == "2024-02-01T08:00:00.000000Z"
    assert first.sources[0].outlet == "Daily *Star*"
    assert "proposed" in first.rule
    assert [(c["field"], c["before"], c["after"]) for c in second.changes] == [
        ("stance.b", None, "rejected"),
        ("status", "floated", "rejected"),
    ]
    assert a.status == "rejected" and second.status == "rejected"


def test_an_event_later_retracted_is_flagged_before_and_listed_after(tracker: Tracker) -> None:
    with freeze_time("2024-02-01T08:00:00Z"):
        tracker.append([ev("floated", id="f"), ev("accepted", id="x", actor="b", occurred="2024-01-02")])
    with freeze_time("2024-02-05T08:00:00Z"):
        tracker.append([ev("retracted", id="rx", actor="b", target="x", reason="misattributed quote")])
    before = tracker.audit("p", as_recorded="2024-02-02")
    assert codes(before)["x"] == ["later-retracted"]
    assert "misattributed quote" in before.steps[1].warnings[0].message
    (fix,) = before.corrections
    assert not fix.applied
    now = tracker.audit("p")
    assert [st.id for st in now.steps] == ["f"]
    (fix,) = now.corrections
    assert fix.applied and fix.original.id == "x" and fix.original.type == "accepted" and fix.replacement is None
    assert "#3 retraction of x" in audit_text(now) and "original: accepted by b" in audit_text(now)


def test_an_amended_event_shows_the_original_and_the_correction(tracker: Tracker) -> None:
    with freeze_time("2024-02-01T08:00:00Z"):
        tracker.append([ev("floated", id="f"), ev("accepted", id="x", actor="b", occurred="2025-01-02")])
    with freeze_time("2024-02-05T08:00:00Z"):
        fixed = ev("accepted", id="x", actor="b", occurred="2024-01-02")
        tracker.append([ev("amended", id="ax", actor="b", target="x", reason="wrong year", replacement=fixed)])
    step = tracker.audit("p").steps[1]
    assert step.occurred == "2024-01-02" and step.seq == 2
    assert step.original is not None and step.original.occurred == "2025-01-02" and step.original.amended_by == 3
    assert "amended" in [w.code for w in step.warnings]
    text = audit_text(tracker.audit("p"))
    assert "AMENDED: originally accepted by b, occurred 2025-01-02" in text
    assert "corrected: accepted by b, occurred 2024-01-02" in text
    old = tracker.audit("p", as_recorded="2024-02-02")
    assert old.steps[1].occurred == "2025-01-02" and codes(old)["x"] == ["later-amended"]


def test_markdown_escapes_event_text(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f", sources=[SOURCE], person="*bold*")])
    out = audit_markdown(tracker.audit("p"))
    row = next(line for line in out.splitlines() if line.startswith("| 1 |"))
    assert len(re.split(r"(?<!\\)\|", row)) == 12  # ten cells: no pipe from the text leaked
    assert r"Daily \*Star\*: A \| b \_c\_ \[d\](e) &lt;script>" in row
    assert "<script" not in out and r"\*bold\*" in row


def test_md_escapes_markdown_and_html() -> None:
    assert md("a|b*c_d[e]<f>&`g`#h") == r"a\|b\*c\_d\[e\]&lt;f>&amp;\`g\`\#h"
    assert md("line\nbreak") == "line break"
    assert md(None) == "-"


def test_the_cli_renders_text_json_and_markdown(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    with Tracker(db) as t:
        t.append([ev("floated", id="f", addressees=["b"]), ev("rejected", id="r", actor="c", occurred="2024-01-02")])
    runner = CliRunner()
    text = runner.invoke(app, ["audit", "p", "--db", db])
    assert text.exit_code == 0 and "WARNING [unaddressed-party]" in text.stdout
    data = json.loads(runner.invoke(app, ["audit", "p", "--json", "--db", db]).stdout)
    assert [st["seq"] for st in data["steps"]] == [1, 2]
    assert data["steps"][1]["warnings"][0]["code"] == "unaddressed-party"
    assert set(data) >= {"proposal", "steps", "corrections", "uncertain", "status", "on", "known_by", "as_recorded"}
    csv = runner.invoke(app, ["audit", "p", "--csv", "--db", db])
    assert csv.exit_code == 0 and "unaddressed-party: " in csv.stdout
    assert runner.invoke(app, ["audit", "p", "--csv", "--markdown", "--db", db]).exit_code == 1
    markdown = runner.invoke(app, ["audit", "p", "--markdown", "--on", "2024-01-01", "--db", db]).stdout
    assert markdown.startswith("### Replay of p") and "| 1 |" in markdown and "| 2 |" not in markdown


def test_the_rule_text_says_when_the_status_stayed() -> None:
    from tracker.core.audit import rule_text
    from tracker.core.rules import RULES

    assert rule_text("floated", "floated", "floated") == RULES["floated"] + " [here the status stays floated]"
    assert rule_text("floated", None, "floated") == RULES["floated"]
    assert rule_text("floated", "withdrawn", "floated") == RULES["floated"]
    assert rule_text("denied", "floated", "floated") == RULES["denied"]  # its rule moves no status
