"""Corrections: refused when they name an unknown or retracted event; --as-recorded reproduces old answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import ev
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.errors import RuleError
from tracker.views.audit_text import audit_text


def amend(target: str, eid: str = "fix", **replacement: Any) -> dict[str, Any]:
    fixed = ev(replacement.pop("kind", "accepted"), id=target, actor="b", **replacement)
    return ev("amended", id=eid, actor="b", target=target, reason="a correction", replacement=fixed)


def retract(target: str, eid: str = "rt") -> dict[str, Any]:
    return ev("retracted", id=eid, actor="b", target=target, reason="a correction")


@pytest.fixture
def story(tracker: Tracker) -> Tracker:
    tracker.append([ev("floated", id="f", addressees=["b"]), ev("accepted", id="x", actor="b", occurred="2024-01-05")])
    return tracker


@pytest.mark.parametrize(
    ("correction", "words"),
    [
        (retract("nope"), "retracted names unknown event 'nope'"),
        (amend("nope"), "amended names unknown event 'nope'"),
    ],
)
def test_a_correction_of_an_unknown_event_is_refused(story: Tracker, correction: dict[str, Any], words: str) -> None:
    with pytest.raises(RuleError, match=words):
        story.append([correction])
    assert story.store.count() == 2


@pytest.mark.parametrize("second", [retract("x", "rt2"), amend("x")])
def test_a_correction_of_a_retracted_event_is_refused(story: Tracker, second: dict[str, Any]) -> None:
    story.append([retract("x")])
    with pytest.raises(RuleError, match="event 'x' is already retracted"):
        story.append([second])
    with pytest.raises(RuleError, match="already retracted"):  # also within one batch
        story.append([ev("floated", id="g", proposal="q"), retract("g", "r1") | {"proposal": "q"}, second])
    assert story.store.count() == 3


def test_the_cli_refuses_with_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    with Tracker(db) as t:
        t.append([ev("floated", id="f")])
    import json

    result = CliRunner().invoke(app, ["append", json.dumps(retract("ghost")), "--db", db])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: field 'target': retracted names unknown event 'ghost'"


def test_as_recorded_reproduces_the_answer_before_a_correction_exactly(tracker: Tracker) -> None:
    with freeze_time("2024-03-01T09:00:00Z"):
        tracker.append(
            [ev("floated", id="f", addressees=["b"]), ev("accepted", id="x", actor="b", occurred="2024-01-05")]
        )
    old = tracker.status("p", on="2024-01-10")
    with freeze_time("2024-03-02T09:00:00Z"):
        tracker.append([amend("x", occurred="2024-02-05")])  # it happened a month later
    with freeze_time("2024-03-03T09:00:00Z"):
        tracker.append([retract("fix", "undo")])  # ... no, the first date was right after all
    with freeze_time("2024-03-04T09:00:00Z"):
        tracker.append([retract("x", "drop")])  # ... and in fact it never happened
    assert tracker.status("p", on="2024-01-10", as_recorded="2024-03-01T09:00:00Z") == old
    assert tracker.status("p", on="2024-01-10", as_recorded="2024-03-01") == old
    amended = tracker.status("p", on="2024-01-10", as_recorded="2024-03-02")
    assert amended[0].state["status"] == "floated" and old[0].state["status"] == "in_force"
    assert tracker.status("p", on="2024-01-10", as_recorded="2024-03-03") == old
    (now,) = tracker.status("p", on="2024-01-10")
    assert now.state["status"] == "floated" and "b" not in now.state["stances"]


def test_the_old_audit_is_reproduced_with_the_later_correction_flagged(tracker: Tracker) -> None:
    with freeze_time("2024-03-01T09:00:00Z"):
        tracker.append([ev("floated", id="f"), ev("accepted", id="x", actor="b", occurred="2024-01-05")])
    before = tracker.audit("p")
    with freeze_time("2024-03-02T09:00:00Z"):
        tracker.append([amend("x", occurred="2024-02-05")])
    again = tracker.audit("p", as_recorded="2024-03-01")
    assert [st.model_dump(exclude={"warnings"}) for st in again.steps] == [
        st.model_dump(exclude={"warnings"}) for st in before.steps
    ]
    assert [w.code for w in again.steps[1].warnings] == ["later-amended"]


def test_a_cancelled_correction_is_listed_as_cancelled(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f"), ev("accepted", id="x", actor="b", occurred="2024-01-05")])
    tracker.append([amend("x", occurred="2024-02-05")])
    tracker.append([retract("fix", "undo")])
    audit = tracker.audit("p")
    assert [(c.id, c.state, c.applied) for c in audit.corrections] == [
        ("fix", "cancelled", False),
        ("undo", "applied", True),
    ]
    assert audit.steps[1].occurred == "2024-01-05" and audit.steps[1].original is None
    assert "cancelled by a later retraction" in audit_text(audit)
