"""The ``intervals`` projection answers exactly as a fresh replay, after any sequence of appends."""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import DATES, PARTIES, ev
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.api import Tracker
from tracker.dates import bounds
from tracker.lookup import PROJECTIONS_FORMAT
from tracker.replay import Answer, Question, answer

REPORTED = [None, "2023-12", "2024-01-20", "2024-02", "2024-12-31", "2025-03-01"]
KINDS = ["considering", "accepted", "rejected", "denied", "reversed", "withdrawn", "collapsed"]


def _world(draw: st.DrawFn, eid: str, proposal: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    occurred = draw(st.sampled_from(DATES))
    e = ev(kind, proposal=proposal, actor=draw(st.sampled_from(PARTIES)), occurred=occurred, id=eid)
    if kind == "reversed":
        e["stance"] = draw(st.sampled_from(["considering", "accepted", "rejected", "withdrawn"]))
    if kind == "denied" and draw(st.booleans()):
        e["target"] = f"{proposal}-f"
    reported = draw(st.sampled_from(REPORTED))
    if reported is not None and bounds(occurred).earliest <= bounds(reported).latest:
        e["reported"] = reported  # often long after the fact: a late report about the past
    return e


@st.composite
def batches(draw: st.DrawFn) -> list[list[dict[str, Any]]]:
    """A valid log cut into batches: floats first, world events, then retractions and amendments."""
    proposals = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    events: list[dict[str, Any]] = []
    for p in proposals:
        floated = ev("floated", proposal=p, actor=draw(st.sampled_from(PARTIES)), occurred=draw(st.sampled_from(DATES)))
        floated.update(id=f"{p}-f", addressees=draw(st.lists(st.sampled_from(PARTIES), max_size=2, unique=True)))
        events.append(floated)
    world = [_world(draw, f"e{i}", draw(st.sampled_from(proposals))) for i in range(draw(st.integers(0, 12)))]
    events += world
    targets = draw(st.lists(st.sampled_from(world), max_size=3, unique_by=lambda e: e["id"])) if world else []
    for j, target in enumerate(targets):
        p = target["proposal"]
        if draw(st.booleans()):
            events.append(ev("retracted", proposal=p, actor="editor", id=f"x{j}", target=target["id"], reason="t"))
        else:
            fixed = _world(draw, target["id"], p)
            events.append(ev("amended", proposal=p, actor="editor", id=f"m{j}", target=target["id"], reason="t"))
            events[-1]["replacement"] = {k: v for k, v in fixed.items() if k != "id"}
    cuts = sorted(draw(st.lists(st.integers(1, len(events) - 1), max_size=4, unique=True))) if len(events) > 1 else []
    edges = [0, *cuts, len(events)]
    return [events[a:b] for a, b in zip(edges, edges[1:], strict=False)]


def _days(log: list[list[dict[str, Any]]]) -> list[str]:
    """Every bound of the log, the day before each, and a few days outside."""
    out = {"2020-01-01", "2030-01-01"}
    for batch in log:
        for e in batch:
            for text in (e["occurred"], e.get("reported"), e.get("replacement", {}).get("occurred")):
                if text:
                    for d in bounds(text):
                        out |= {d, (date.fromisoformat(d) - timedelta(days=1)).isoformat()}
    return sorted(out)


def _strip(answers: list[Answer]) -> list[Answer]:
    return [a.model_copy(update={"state": a.state.model_copy(update={"history": ()})}) for a in answers]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.booleans())
def test_projection_equals_a_fresh_replay_on_every_axis(log: list[list[dict[str, Any]]], singly: bool) -> None:
    stamps = [f"2024-07-{n + 1:02d}T12:00:00.000000Z" for n in range(len(log))]
    with tempfile.TemporaryDirectory() as tmp, Tracker(Path(tmp) / "t.db") as t:
        for stamp, batch in zip(stamps, log, strict=True):
            with freeze_time(stamp):
                if singly:  # one event per append, all recorded at the same instant
                    for e in batch:
                        t.append([e])
                else:
                    t.append(batch)
        records = list(t.store.records())
        questions = [Question()]
        questions += [Question(on=d) for d in _days(log)] + [Question(known_by=d) for d in _days(log)]
        questions += [Question(as_recorded=s) for s in ["2024-06-30T00:00:00.000000Z", *stamps]]
        questions += [Question(as_recorded=s.replace("12:00", "13:00")) for s in stamps]
        for q in questions:
            expected = _strip(answer(records, q))
            got = t.status(on=q.on, known_by=q.known_by, as_recorded=q.as_recorded)
            assert got == expected, q
            for a in expected:
                assert t.status(a.proposal, on=q.on, known_by=q.known_by, as_recorded=q.as_recorded) == [a]
        assert t.store.projection_differences() == []
        now = answer(records, Question())  # the reducer's current state, stored without its history
        expected = {
            a.proposal: json.dumps(
                a.state.model_dump(mode="json", exclude={"history"}), separators=(",", ":"), ensure_ascii=False
            )
            for a in now
        }
        assert dict(t.store.conn.execute("SELECT proposal, state FROM proposals")) == expected
        before = list(t.store.conn.execute("SELECT * FROM intervals ORDER BY axis, proposal, valid_from"))
        t.store.rebuild()
        assert list(t.store.conn.execute("SELECT * FROM intervals ORDER BY axis, proposal, valid_from")) == before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.sampled_from(["2023-10-15", "2024-01-20", "2024-03-31"]))
def test_combined_questions_replay_each_stream(log: list[list[dict[str, Any]]], day: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, Tracker(Path(tmp) / "t.db") as t:
        for n, batch in enumerate(log):
            with freeze_time(f"2024-07-{n + 1:02d}T12:00:00Z"):
                t.append(batch)
        records = list(t.store.records())
        for q in [
            Question(on=day, known_by="2024-12-31"),
            Question(on=day, as_recorded="2024-07-01T12:00:00.000000Z"),
            Question(on=day, known_by=day, as_recorded="2024-07-02T23:59:59.999999Z"),
        ]:
            assert t.status(on=q.on, known_by=q.known_by, as_recorded=q.as_recorded) == _strip(answer(records, q))


def test_a_late_report_about_the_past_changes_only_what_it_should(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f", actor="russia", addressees=["ukraine"], occurred="2023-09")])
    tracker.append([ev("rejected", id="r", actor="ukraine", occurred="2023-10-05", reported="2024-03-01")])
    assert tracker.status(on="2023-10-04")[0].state.status == "floated"
    assert tracker.status(on="2023-10-05")[0].state.status == "rejected"
    assert tracker.status(known_by="2024-02-29") == []  # the float was never reported
    (a,) = tracker.status(known_by="2024-03-01")
    assert a.state.status == "rejected" and a.state.proposer is None
    assert tracker.store.projection_differences() == []


def test_differences_detect_a_tampered_piece(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f", actor="russia", occurred="2023-09")])
    tracker.store.conn.execute("UPDATE intervals SET status = 'accepted' WHERE axis = 'on'")
    assert tracker.store.projection_differences() == ["intervals: pieces of 'p' disagree with a fresh replay"]
    tracker.store.rebuild()
    assert tracker.store.projection_differences() == []


def test_unknown_proposal_is_not_found(tracker: Tracker) -> None:
    from tracker.errors import NotFoundError

    tracker.append([ev("floated", id="f", actor="russia", occurred="2023-09")])
    with pytest.raises(NotFoundError):
        tracker.status("nope", on="2024-01-01")


def test_rebuild_command_recreates_a_dropped_projection(tracker: Tracker, db_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli import app

    tracker.append([ev("floated", id="f", actor="russia", occurred="2023-09")])
    tracker.store.conn.execute("DELETE FROM intervals")
    assert tracker.status(on="2024-01-01") == []
    result = CliRunner().invoke(app, ["rebuild", "--db", str(db_path)])
    assert result.exit_code == 0 and "rebuilt the projections from 1 event(s)" in result.stderr
    assert tracker.status(on="2024-01-01")[0].state.status == "floated"


def test_a_log_from_before_the_projection_gets_it_on_open(db_path: Path) -> None:
    with Tracker(db_path) as t:
        t.append([ev("floated", id="f", actor="russia", occurred="2023-09")])
        t.store.conn.execute("DROP TABLE intervals")
        t.store.conn.execute("DROP TABLE interval_streams")
    with Tracker(db_path) as t:
        assert t.status(on="2024-01-01")[0].state.status == "floated"
        assert t.store.projection_differences() == []


@pytest.mark.parametrize("written", ["1", None])
def test_projections_of_another_format_are_rebuilt_on_open(db_path: Path, written: str | None) -> None:
    with Tracker(db_path) as t:
        t.append([ev("floated", id="f", actor="russia", occurred="2023-09")])
        # as format 1 wrote it (spaces after separators), or a file from before the format was recorded
        old = json.dumps(json.loads(t.store.conn.execute("SELECT state FROM proposals").fetchone()[0]), sort_keys=True)
        t.store.conn.execute("UPDATE proposals SET state = ?", (old,))
        if written is None:
            t.store.conn.execute("DELETE FROM meta WHERE key = 'projections'")
        else:
            t.store.conn.execute("UPDATE meta SET value = ? WHERE key = 'projections'", (written,))
        assert t.store.projection_differences() == ["proposals: row of 'p' disagrees with a fresh replay"]
    with Tracker(db_path) as t:
        assert t.store.projection_differences() == []
        stored = t.store.conn.execute("SELECT value FROM meta WHERE key = 'projections'").fetchone()[0]
        assert stored == PROJECTIONS_FORMAT
