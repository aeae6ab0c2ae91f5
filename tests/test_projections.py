"""The ``intervals`` projection answers exactly as a fresh replay, after any sequence of appends."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import DATES, PARTIES, ev
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.api import Tracker
from tracker.core.dates import bounds
from tracker.core.replay import Question, answer, effective, fold
from tracker.core.state import as_json
from tracker.store import clock
from tracker.store.lookup import PROJECTIONS_FORMAT
from tracker.store.packing import chain_reader, read_links, unpack

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


def _assert_fresh(t: Tracker, log: list[list[dict[str, Any]]], stamps: list[str]) -> None:
    """Every answer from the projections equals a fresh replay; the stored rows equal a rebuild's."""
    records = list(t.store.records())
    questions = [Question()]
    questions += [Question(on=d) for d in _days(log)] + [Question(known_by=d) for d in _days(log)]
    questions += [Question(as_recorded=s) for s in ["2024-06-30T00:00:00.000000Z", *stamps]]
    questions += [Question(as_recorded=s[:14] + "30" + s[16:]) for s in stamps]  # between two recordings
    today = clock.now()[:10]
    for q in questions:
        expected = answer(records, replace(q, today=today))
        got = t.status(on=q.on, known_by=q.known_by, as_recorded=q.as_recorded)
        assert got == expected, q
        for a in expected:
            assert t.status(a.proposal, on=q.on, known_by=q.known_by, as_recorded=q.as_recorded) == [a]
    assert t.store.projection_differences() == []
    # the rule book's current state (the status the events make), stored packed
    now = {p: as_json(fold(p, effective(stream))) for p, stream in t.store.streams() if effective(stream)}
    links = read_links(t.store.conn)
    stored = t.store.conn.execute("SELECT proposal, status, state FROM proposals")
    assert {p: unpack(p, status, state, chain_reader(links)) for p, status, state in stored} == now
    tables = {
        "intervals": "SELECT * FROM intervals ORDER BY axis, proposal, valid_from",
        "proposals": "SELECT * FROM proposals ORDER BY proposal",
        "status_segments": "SELECT * FROM status_segments ORDER BY proposal, valid_from",
        "sources": "SELECT * FROM sources ORDER BY event_id, n",
    }
    before = {name: list(t.store.conn.execute(sql)) for name, sql in tables.items()}
    t.store.rebuild()
    assert {name: list(t.store.conn.execute(sql)) for name, sql in tables.items()} == before


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
        _assert_fresh(t, log, stamps)


STORY = ["2023-09", "2023-10-01", "2023-11", "2023-12-15", "2024-01", "2024-02-13", "2024-03", "2024-04-10?", "2024-05"]


@st.composite
def stories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Events as news mostly brings them: each later than the one before (day, month or uncertain dates),
    some late reports about the past, reports after the fact, and now and then a correction at the end."""
    proposals = draw(st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=2, unique=True))
    events = []
    for p in proposals:
        floated = ev("floated", proposal=p, actor="russia", occurred=draw(st.sampled_from(["2023-08", "2023-08-20"])))
        floated.update(id=f"{p}-f", addressees=draw(st.lists(st.sampled_from(PARTIES[1:]), max_size=2, unique=True)))
        events.append(floated)
    step = 0
    for i in range(draw(st.integers(0, 9))):
        e = _world(draw, f"e{i}", draw(st.sampled_from(proposals)))
        step = min(step + draw(st.sampled_from([0, 1, 1])), len(STORY) - 1)  # now and then the same day
        if draw(st.integers(0, 3)):  # mostly the next date of the story, sometimes a late one about the past
            e["occurred"] = STORY[step]
            reported = draw(st.sampled_from([None, None, STORY[step], *STORY[step + 1 : step + 3]]))
            e.pop("reported", None)
            if reported is not None:
                e["reported"] = reported
        events.append(e)
    if len(events) > len(proposals) and draw(st.booleans()):
        target = draw(st.sampled_from(events[len(proposals) :]))
        events.append(ev("retracted", proposal=target["proposal"], actor="editor", id="x", target=target["id"]))
        events[-1]["reason"] = "t"
    return events


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories(), st.integers(1, 3))
def test_appends_in_story_order_equal_a_fresh_replay(events: list[dict[str, Any]], size: int) -> None:
    """Batches of ``size`` events, each at its own time: the tail path (``intervals.extend``) serves
    most appends here, the full one the late reports, the events out of order and the corrections."""
    batches = [events[i : i + size] for i in range(0, len(events), size)]
    stamps = [f"2024-07-01T{n:02d}:00:00.000000Z" for n in range(len(batches))]
    with tempfile.TemporaryDirectory() as tmp, Tracker(Path(tmp) / "t.db") as t:
        for stamp, batch in zip(stamps, batches, strict=True):
            with freeze_time(stamp):
                t.append(batch)
        _assert_fresh(t, [events], stamps)


def test_an_event_after_everything_extends_the_pieces_without_reading_the_stream(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    with freeze_time("2024-07-01T12:00:00Z"):
        tracker.append([ev("floated", id="f", actor="russia", addressees=["ukraine"], occurred="2023-09")])
    with freeze_time("2024-07-01T13:00:00Z"):
        tracker.append([ev("considering", id="c", actor="ukraine", occurred="2023-10", reported="2023-11-02")])

    def whole_stream(proposal: str) -> None:
        raise AssertionError(f"read the whole stream of {proposal}")

    monkeypatch.setattr(tracker.store, "stream", whole_stream)
    with freeze_time("2024-07-01T14:00:00Z"):
        tracker.append([ev("rejected", id="r", actor="ukraine", occurred="2023-12", reported="2023-12-05")])
    with freeze_time("2024-07-01T15:00:00Z"):  # two at once, the second after the first
        tracker.append(
            [
                ev("denied", id="d", actor="russia", occurred="2024-01-02", reported="2024-01-03"),
                ev("considering", id="c2", actor="ukraine", occurred="2024-02", reported="2024-02-03"),
            ]
        )
    monkeypatch.undo()
    assert tracker.store.projection_differences() == []
    assert [(a.state["status"], a.uncertain) for a in tracker.status(on="2023-12-15")] == [("considering", ("r",))]
    assert [a.state["status"] for a in tracker.status(on="2023-12-31")] == ["rejected"]
    assert [a.state["status"] for a in tracker.status(known_by="2023-12-04")] == ["considering"]
    assert [a.state["status"] for a in tracker.status(as_recorded="2024-07-01T13:59:59.999999Z")] == ["considering"]
    assert [a.state["version"] for a in tracker.status(as_recorded="2024-07-01T14:00:00.000000Z")] == [3]
    assert [(a.state["status"], a.uncertain) for a in tracker.status(on="2024-02-01")] == [("rejected", ("c2",))]
    assert [(a.state["disputed"], a.state["version"]) for a in tracker.status()] == [(True, 5)]


@pytest.mark.parametrize(
    ("first", "second", "tail"),
    [
        ("considering", "rejected", True),  # the second sorts after the first on their common day
        ("rejected", "considering", False),  # before it: the stream is folded again
    ],
)
def test_two_developments_on_one_day_in_one_batch(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch, first: str, second: str, tail: bool
) -> None:
    stamps = ["2024-07-01T12:00:00.000000Z", "2024-07-01T13:00:00.000000Z"]
    with freeze_time(stamps[0]):
        float_ = ev("floated", id="f", actor="russia", addressees=["ukraine"], occurred="2023-09-20")
        tracker.append([{**float_, "reported": "2023-09-21"}])
    batch = [
        ev("considering", id="x0", actor="ukraine", occurred="2023-10", reported="2023-11-01"),
        ev(first, id="x1", actor="ukraine", occurred="2023-11-02", reported="2023-11-02"),
        ev(second, id="x2", actor="ukraine", occurred="2023-11-02", reported="2023-11-02"),
    ]
    read = tracker.store.stream
    streams_read: list[str] = []
    monkeypatch.setattr(tracker.store, "stream", lambda p: streams_read.append(p) or read(p))
    with freeze_time(stamps[1]):
        tracker.append(batch)
    assert bool(streams_read) is not tail
    _assert_fresh(tracker, [batch], stamps)


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
    assert tracker.status(on="2024-01-01")[0].state["status"] == "floated"


def test_a_log_from_before_the_projection_gets_it_on_open(db_path: Path) -> None:
    with Tracker(db_path) as t:
        t.append([ev("floated", id="f", actor="russia", occurred="2023-09")])
        t.store.conn.execute("DROP TABLE intervals")
        t.store.conn.execute("DROP TABLE interval_streams")
    with Tracker(db_path) as t:
        assert t.status(on="2024-01-01")[0].state["status"] == "floated"
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
