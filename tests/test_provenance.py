"""why and diff: which events set each field, and what changed between two cut-offs, by which events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from freezegun import freeze_time
from helpers import ev
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.errors import InputError

SRC = {"outlet": "Wire", "title": "B says no", "published": "2024-01-08"}


@pytest.fixture
def story(tracker: Tracker) -> Tracker:
    with freeze_time("2024-03-01T09:00:00Z"):
        tracker.append(
            [
                ev("floated", id="f", addressees=["b"], occurred="2024-01-01", channel="talks"),
                ev("considering", id="c", actor="b", occurred="2024-01-03"),
                ev("rejected", id="r", actor="b", occurred="2024-01-07", sources=[SRC]),
                ev("floated", id="f2", addressees=["c"], occurred="2024-01-09", reported="2024-01-20"),
                ev("denied", id="d1", actor="c", occurred="2024-01-10"),
                ev("denied", id="d2", actor="b", occurred="2024-01-11"),
            ]
        )
    return tracker


def test_why_names_the_event_behind_each_field(story: Tracker) -> None:
    why = story.why("p", on="2024-01-08")
    origins = why.origins()
    assert why.status == "rejected"
    assert origins["status"] == ("r",) and origins["stance.b"] == ("r",)
    assert origins["proposer"] == ("f",) and origins["addressees"] == ("f",) and origins["channel"] == ("f",)
    assert why.values()["disputed"] == "false" and origins["disputed"] == ()
    source = next(f for f in why.fields if f.field == "status").events[0].sources[0]
    assert (source.outlet, source.title) == ("Wire", "B says no")


def test_why_accumulates_addressees_and_denials(story: Tracker) -> None:
    why = story.why("p")
    origins, values = why.origins(), why.values()
    assert values["addressees"] == "b, c" and origins["addressees"] == ("f", "f2")
    assert values["disputed"] == "true" and origins["disputed"] == ("d1", "d2")
    assert values["denial.c"] == "the proposal" and origins["denial.c"] == ("d1",)
    assert origins["proposer"] == ("f",)  # re-floated by the same party: the value came from f


def test_why_points_at_the_amendment(story: Tracker) -> None:
    fixed = ev("rejected", id="r", actor="b", occurred="2024-01-06", sources=[SRC])
    story.append([ev("amended", id="fix", actor="b", target="r", reason="day", replacement=fixed)])
    (ref,) = next(f for f in story.why("p").fields if f.field == "stance.b").events
    assert (ref.id, ref.occurred, ref.amended_by) == ("r", "2024-01-06", 7)


def test_diff_on_valid_time(story: Tracker) -> None:
    d = story.diff("p", start="2024-01-04", end="2024-01-08")
    (p,) = d.proposals
    changes = {c.field: (c.before, c.after, c.by) for c in p.changes}
    assert changes == {"status": ("considering", "rejected", ("r",)), "stance.b": ("considering", "rejected", ("r",))}
    assert [(e.id, e.before, e.after) for e in p.events] == [("r", "not yet", "counted")]
    assert story.diff("p", start="2024-01-08", end="2024-01-04").proposals[0].changes[0].after == "considering"
    assert story.diff(start="2024-01-04", end="2024-01-05").proposals == ()


def test_diff_on_publication_time(story: Tracker) -> None:
    (p,) = story.diff("p", start="2024-01-15", end="2024-01-25", axis="known-by").proposals
    assert {c.field: c.by for c in p.changes}["addressees"] == ("f2",)
    assert [e.id for e in p.events] == ["f2"]


def test_diff_on_record_time_names_the_correction(story: Tracker) -> None:
    with freeze_time("2024-03-05T09:00:00Z"):
        story.append([ev("retracted", id="rr", actor="b", target="r", reason="no such statement")])
    (p,) = story.diff("p", start="2024-03-02", end="2024-03-06", axis="as-recorded").proposals
    changes = {c.field: (c.before, c.after, c.by) for c in p.changes}
    assert changes["stance.b"] == ("rejected", "considering", ("rr",))
    assert changes["status"] == ("rejected", "considering", ("rr",))
    assert [e.id for e in p.events] == ["rr"]


def test_diff_rejects_an_unknown_axis_or_a_fixed_moving_axis(story: Tracker) -> None:
    with pytest.raises(InputError, match="unknown axis"):
        story.diff("p", start="2024-01-01", end="2024-01-02", axis="sideways")
    with pytest.raises(InputError, match="the axis that moves"):
        story.diff("p", start="2024-01-01", end="2024-01-02", on="2024-01-03")


def test_diff_holds_the_other_axes_fixed(story: Tracker) -> None:
    """On 8 January the rejection counts; known by 7 January (before its report) it did not."""
    d = story.diff("p", start="2024-01-04", end="2024-01-08", known_by="2024-01-07")
    assert d.known_by == "2024-01-07" and d.on is None
    assert d.proposals == ()
    (p,) = story.diff("p", start="2024-01-04", end="2024-01-08", known_by="2024-01-08").proposals
    assert [e.id for e in p.events] == ["r"]


def test_why_and_diff_from_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    with Tracker(db) as t:
        t.append([ev("floated", id="f", addressees=["b"]), ev("rejected", id="r", actor="b", sources=[SRC])])
    runner = CliRunner()
    out = runner.invoke(app, ["why", "p", "--on", "2024-01-02", "--db", db]).stdout
    assert "status" in out and "#2 rejected by b" in out and 'Wire, "B says no"' in out
    data = json.loads(runner.invoke(app, ["why", "p", "--json", "--db", db]).stdout)
    assert {f["field"] for f in data["fields"]} >= {"status", "proposer", "stance.b", "disputed"}
    out = runner.invoke(app, ["diff", "--all", "--from", "2023-12-31", "--to", "2024-01-02", "--db", db]).stdout
    assert "status: - -> rejected  (by r)" in out
    data = json.loads(
        runner.invoke(app, ["diff", "p", "--from", "2023-12-31", "--to", "2024-01-02", "--json", "--db", db]).stdout
    )
    assert data["axis"] == "on" and data["proposals"][0]["proposal"] == "p"
    assert runner.invoke(app, ["diff", "--from", "2023-12-31", "--to", "2024-01-02", "--db", db]).exit_code == 1
