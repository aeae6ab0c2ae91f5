"""Replay invariants, as properties: append order does not matter; as-recorded equals a fresh log."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from freezegun import freeze_time
from helpers import DATES, PARTIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import batched, logs

from tracker.api import Tracker
from tracker.core.dates import bounds
from tracker.core.replay import Question, answer, classify, effective, steps

QUESTION_DAYS = [None, "2023-06-30", "2023-10-15", "2023-12-31", "2024-01-20", "2024-02-13", "2025-01-01"]
KINDS = ["considering", "accepted", "rejected", "denied", "reversed", "withdrawn", "collapsed"]


@st.composite
def stories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A valid log: floated events first, then world events, then retractions of earlier ones."""
    proposals = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    events: list[dict[str, Any]] = []
    for p in proposals:
        events.append(
            {
                "type": "floated",
                "id": f"{p}-f",
                "proposal": p,
                "actor": draw(st.sampled_from(PARTIES)),
                "occurred": draw(st.sampled_from(DATES)),
                "addressees": draw(st.lists(st.sampled_from(PARTIES), max_size=2, unique=True)),
            }
        )
    for i in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(KINDS))
        e: dict[str, Any] = {
            "type": kind,
            "id": f"e{i}",
            "proposal": draw(st.sampled_from(proposals)),
            "actor": draw(st.sampled_from(PARTIES)),
            "occurred": draw(st.sampled_from(DATES)),
        }
        if kind == "reversed":
            e["stance"] = draw(st.sampled_from(["considering", "accepted", "rejected", "withdrawn"]))
        if kind == "denied" and draw(st.booleans()):
            e["target"] = f"{e['proposal']}-f"
        if draw(st.booleans()):
            e["reported"] = "2024-12-31"
        events.append(e)
    world = [e for e in events if e["type"] != "floated"]
    for j, target in enumerate(
        draw(st.lists(st.sampled_from(world), max_size=2, unique_by=lambda e: e["id"])) if world else []
    ):
        events.append(
            {
                "type": "retracted",
                "id": f"x{j}",
                "proposal": target["proposal"],
                "actor": "editor",
                "occurred": "2024-06-01",
                "target": target["id"],
                "reason": "test",
            }
        )
    return events


def answers(t: Tracker, **q: Any) -> list[Any]:
    return [(a.proposal, a.state, a.uncertain) for a in t.status(**q)]


# -- Logs in which every kind carries every field (tests/strategies.py) ----------------------------

FULL = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIGHT = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""The properties that compare two paths through one rule book (so catch no rule bug alone) run fewer."""
STAMPS = [f"2024-07-{n:02d}T12:00:00.000000Z" for n in range(1, 6)]


def _days(events: list[dict[str, Any]]) -> list[str]:
    """Cut-off days where answers change: every bound of the log, the day before, and two outside."""
    out = {"2020-01-01", "2030-01-01"}
    for e in events:
        for text in (e["occurred"], e.get("reported"), *(s["published"] for s in e.get("sources", ()))):
            if text:
                for d in bounds(text):
                    out |= {d, (date.fromisoformat(d) - timedelta(days=1)).isoformat()}
    return sorted(out)


def _record_log(tmp: str, name: str, batches: list[list[dict[str, Any]]]) -> Tracker:
    t = Tracker(Path(tmp) / name)
    for n, batch in enumerate(batches):
        with freeze_time(STAMPS[n]):
            t.append(batch)
    return t


def _fresh(records: list[Any], q: Question) -> list[Any]:
    return [(a.proposal, a.state, a.uncertain) for a in answer(records, q)]


# -- The rule table read off the events: an oracle for every field of the state -----------------

RANK = {"floated": 0, "considering": 1, "accepted": 2, "rejected": 2, "denied": 3, "reversed": 4, "withdrawn": 5}
RANK["collapsed"] = 6
"""The README's order of kinds on one day: floated first, closures last."""


def _counting_status(state: dict[str, Any]) -> str:
    """The README's status of an open proposal: which parties count, and what their stances make."""
    stances = {a: s["stance"] for a, s in state["stances"].items()}
    parties = state["addressees"] or [a for a in stances if a != state["proposer"]]
    held = [stances[a] for a in parties if a in stances]
    if {"rejected", "withdrawn"} & set(held):
        return "rejected"
    if parties and held == ["accepted"] * len(parties):
        return "accepted"
    return "considering" if {"considering", "accepted"} & set(held) else "floated"


def fold_spec(proposal: str, records: list[Any]) -> dict[str, Any]:
    """What each field must be after these (certain, effective) records, event by event, per the README."""
    s: dict[str, Any] = {
        "proposal": proposal, "status": None, "proposer": None, "addressees": [], "mediators": [],
        "channel": None, "terms": None, "floated_by": None, "closure": None, "closed_by": None,
        "stances": {}, "denials": [], "disputed": False, "warnings": [], "version": 0, "last_event": None,
    }  # fmt: skip
    for rec in sorted(records, key=lambda r: (*r.occurred, RANK[r.kind], r.id)):
        e, kind, actor, eid = rec.event, rec.kind, rec.event["actor"], rec.id
        closed = s["closure"]
        party = actor == s["proposer"] or not s["addressees"] or actor in s["addressees"]
        if kind == "floated":
            if s["floated_by"]:
                s["warnings"].append((eid, "floated again"))
            s["addressees"] += [a for a in e.get("addressees", ()) if a not in s["addressees"]]
            s["mediators"] += [m for m in e.get("mediators", ()) if m not in s["mediators"]]
            s["terms"] = e.get("terms") or s["terms"]
            s.update(proposer=actor, channel=e.get("channel", "public"), floated_by=eid, closure=None, closed_by=None)
        elif kind == "denied":
            s["denials"].append(
                {
                    "actor": actor,
                    "person": e.get("person"),
                    "target": e.get("target"),
                    "event": eid,
                    "occurred": e["occurred"],
                }
            )
            s["disputed"] = True
        elif kind == "collapsed":
            s.update(closure="collapsed", closed_by=eid)
        elif kind == "reversed" and actor not in s["stances"]:
            s["warnings"].append((eid, "who had taken no earlier stance"))
        elif kind != "withdrawn":
            if s["proposer"] is None:
                s["warnings"].append((eid, "before the proposal was floated"))
            elif not party:
                s["warnings"].append((eid, "a party the proposal did not address"))
        if kind == "withdrawn" and actor == s["proposer"]:
            s.update(closure="withdrawn", closed_by=eid)
        if kind not in ("denied", "collapsed"):
            stance = {"floated": "proposed", "reversed": e.get("stance")}.get(kind, kind)
            s["stances"] = {**s["stances"], actor: {"stance": stance, "event": eid, "occurred": e["occurred"]}}
        if closed and kind not in ("floated", "denied"):
            s["warnings"].append((eid, f"after the proposal closed ({closed})"))
        s["version"] += 1
        s["last_event"] = eid
        s["status"] = s["closure"] or _counting_status(s)
    return s


def _warned(state: dict[str, Any]) -> list[tuple[str, str]]:
    """Each warning of a state as (event id, the fragment of the spec it matches)."""
    fragments = ["floated again", "who had taken no earlier stance", "before the proposal was floated"]
    fragments += ["a party the proposal did not address", "after the proposal closed (collapsed)"]
    fragments += ["after the proposal closed (withdrawn)"]
    return [(w.split(":")[0], next(f for f in fragments if f in w)) for w in state["warnings"]]


@FULL
@given(logs(), st.randoms(use_true_random=False))
def test_every_field_follows_the_rule_table(events: list[dict[str, Any]], rng: Any) -> None:
    # Catches a rule that forgets a field: terms erased by a re-float without terms, mediators or
    # addressees not accumulating, a denial without its person or target, a channel not updated,
    # a stance without its event or day, a version or last event off, a warning missing.
    days = [None, *rng.sample(_days(events), 3)]
    with tempfile.TemporaryDirectory() as tmp, Tracker(Path(tmp) / "log.db") as t:
        t.append(events)
        live = effective(t.store.records())
        for day in days:
            q = Question(on=day)
            got = {a.proposal: a.state for a in t.status(on=day)}
            assert got == {a.proposal: a.state for a in answer(live, q)}
            for p, state in got.items():
                spec = fold_spec(p, [r for r in live if r.proposal == p and classify(r, q) == 1])
                assert _warned(state) == spec["warnings"]
                assert {k: v for k, v in state.items() if k != "warnings"} == {
                    k: v for k, v in spec.items() if k != "warnings"
                }


def test_one_log_gives_every_field_on_every_path(tracker: Tracker) -> None:
    # A re-float by another party, without terms, on another channel; two denials with people and
    # targets; a closure. The whole state is checked on the projection and on a fresh replay.
    tracker.append(
        [
            {"type": "floated", "id": "f1", "proposal": "p", "actor": "russia", "occurred": "2024-01-01",
             "addressees": ["ukraine"], "mediators": ["turkey"], "terms": "a 30-day truce", "channel": "back-channel"},
            {"type": "accepted", "id": "a1", "proposal": "p", "actor": "ukraine", "occurred": "2024-01-05",
             "reported": "2024-01-07", "conditions": "in principle"},
            {"type": "denied", "id": "d1", "proposal": "p", "actor": "united-states", "person": "Antony Blinken",
             "occurred": "2024-01-06", "target": "a1"},
            {"type": "denied", "id": "d2", "proposal": "p", "actor": "russia", "occurred": "2024-01-06"},
            {"type": "floated", "id": "f2", "proposal": "p", "actor": "turkey", "occurred": "2024-02-01",
             "addressees": ["russia", "ukraine"], "mediators": ["qatar", "turkey"], "channel": "talks"},
            {"type": "collapsed", "id": "c1", "proposal": "p", "actor": "russia", "occurred": "2024-03-01"},
        ]
    )  # fmt: skip
    stances = {
        "russia": {"stance": "proposed", "event": "f1", "occurred": "2024-01-01"},
        "ukraine": {"stance": "accepted", "event": "a1", "occurred": "2024-01-05"},
        "turkey": {"stance": "proposed", "event": "f2", "occurred": "2024-02-01"},
    }
    denials = [
        {"actor": "united-states", "person": "Antony Blinken", "target": "a1", "event": "d1", "occurred": "2024-01-06"},
        {"actor": "russia", "person": None, "target": None, "event": "d2", "occurred": "2024-01-06"},
    ]
    expected = {
        "proposal": "p", "status": "collapsed", "proposer": "turkey", "addressees": ["ukraine", "russia"],
        "mediators": ["turkey", "qatar"], "channel": "talks", "terms": "a 30-day truce", "floated_by": "f2",
        "closure": "collapsed", "closed_by": "c1", "stances": stances, "denials": denials, "disputed": True,
        "warnings": ["f2: floated again (re-floated; a closed proposal reopens)"], "version": 6, "last_event": "c1",
    }  # fmt: skip
    before_close = {**expected, "status": "considering", "closure": None, "closed_by": None, "last_event": "f2"}
    before_close["version"] = 5
    records = list(tracker.store.records())
    for q, state in [(Question(), expected), (Question(on="2024-02-15"), before_close)]:
        assert [a.state for a in answer(records, q)] == [state]
        assert [a.state for a in tracker.status(on=q.on)] == [state]
        assert [a.state for a in tracker.status("p", on=q.on, as_recorded="2100-01-01")] == [state]
    assert [(h.id, h.person) for h in tracker.history("p")][2:4] == [("d1", "Antony Blinken"), ("d2", None)]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(stories(), st.randoms(use_true_random=False))
def test_append_order_does_not_change_the_on_state(events: list[dict[str, Any]], rng: Any) -> None:
    floated = [e for e in events if e["type"] == "floated"]
    world = [e for e in events if e["type"] not in ("floated", "retracted")]
    corrections = [e for e in events if e["type"] == "retracted"]
    shuffled = list(world)
    rng.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as tmp:
        with Tracker(Path(tmp) / "one.db") as one, Tracker(Path(tmp) / "two.db") as two:
            one.append(events)
            for e in [*floated[::-1], *shuffled, *corrections]:  # one event per append, another order
                two.append([e])
            for day in QUESTION_DAYS:
                assert answers(one, on=day) == answers(two, on=day)
                assert answers(one, on=day, known_by="2024-12-31") == answers(two, on=day, known_by="2024-12-31")


@SETTINGS
@given(stories(), st.integers(1, 4), st.sampled_from(QUESTION_DAYS))
def test_as_recorded_equals_a_fresh_log_of_what_was_recorded(
    events: list[dict[str, Any]], parts: int, day: str | None
) -> None:
    # Cut the log into batches recorded one day apart, respecting that targets precede corrections.
    size = max(1, len(events) // parts)
    batches = [events[i : i + size] for i in range(0, len(events), size)]
    with tempfile.TemporaryDirectory() as tmp:
        with Tracker(Path(tmp) / "log.db") as log:
            for n, batch in enumerate(batches):
                with freeze_time(f"2024-07-{n + 1:02d}T12:00:00Z"):
                    log.append(batch)
            for n in range(len(batches)):
                with Tracker(Path(tmp) / f"fresh{n}.db") as fresh:
                    fresh.append([e for batch in batches[: n + 1] for e in batch])
                    cut = f"2024-07-{n + 1:02d}T12:00:00Z"
                    assert answers(log, on=day, as_recorded=cut) == answers(fresh, on=day)
                    assert log.store.projection_differences() == []


@LIGHT
@given(logs(), st.randoms(use_true_random=False))
def test_full_logs_answer_the_same_in_any_append_order(events: list[dict[str, Any]], rng: Any) -> None:
    first = [e for e in events if e["id"].endswith("-f")]  # each proposal's first float (strategies.logs)
    corrections = [e for e in events if e["type"] in ("retracted", "amended")]
    world = [e for e in events if e not in first and e not in corrections]
    rng.shuffle(world)
    days = rng.sample(_days(events), 4)
    with tempfile.TemporaryDirectory() as tmp:
        with Tracker(Path(tmp) / "one.db") as one, Tracker(Path(tmp) / "two.db") as two:
            one.append(events)
            for e in [*first[::-1], *world, *corrections]:  # one event per append, in another order
                two.append([e])
            assert answers(one) == answers(two)
            for day in days:
                assert answers(one, on=day) == answers(two, on=day)
                assert answers(one, known_by=day) == answers(two, known_by=day)
                assert answers(one, on=day, known_by=days[0]) == answers(two, on=day, known_by=days[0])


@LIGHT
@given(logs(), st.lists(st.integers(1, 30), max_size=3, unique=True), st.sampled_from(QUESTION_DAYS))
def test_full_logs_as_recorded_equals_a_fresh_log(
    events: list[dict[str, Any]], cuts: list[int], day: str | None
) -> None:
    batches = batched(events, sorted(c for c in cuts if c < len(events)))
    with tempfile.TemporaryDirectory() as tmp:
        with _record_log(tmp, "log.db", batches) as log:
            for n in range(len(batches)):
                with Tracker(Path(tmp) / f"fresh{n}.db") as fresh:
                    fresh.append([e for batch in batches[: n + 1] for e in batch])
                    assert answers(log, as_recorded=STAMPS[n]) == answers(fresh)
                    assert answers(log, on=day, as_recorded=STAMPS[n]) == answers(fresh, on=day)
                    for p in fresh.versions():  # seq and recorded_at differ between the two logs
                        ours = [(h.id, h.changes, h.status) for h in log.history(p, as_recorded=STAMPS[n])]
                        assert ours == [(h.id, h.changes, h.status) for h in fresh.history(p)]


@LIGHT
@given(logs(), st.lists(st.integers(1, 30), max_size=3, unique=True), st.randoms(use_true_random=False))
def test_full_logs_projection_equals_a_fresh_replay(events: list[dict[str, Any]], cuts: list[int], rng: Any) -> None:
    # The whole state is compared: terms, mediators, channel, denials with person and target,
    # warnings, stances with their event and day, version and last event.
    batches = batched(events, sorted(c for c in cuts if c < len(events)))
    days = rng.sample(_days(events), 6)
    stamps = [*STAMPS[: len(batches)], "2024-06-30T00:00:00.000000Z", "2024-07-01T18:00:00.000000Z"]
    questions = [
        *(Question(on=d) for d in days),
        *(Question(known_by=d) for d in days),
        *(Question(as_recorded=s) for s in stamps),
    ]
    with tempfile.TemporaryDirectory() as tmp, _record_log(tmp, "log.db", batches) as t:
        records = list(t.store.records())
        assert answers(t) == _fresh(records, Question())
        for q in questions:
            assert answers(t, on=q.on, known_by=q.known_by, as_recorded=q.as_recorded) == _fresh(records, q)


@LIGHT
@given(logs(), st.randoms(use_true_random=False))
def test_history_and_audit_changes_are_the_transitions_of_the_fold(events: list[dict[str, Any]], rng: Any) -> None:
    day = rng.choice(_days(events))
    with tempfile.TemporaryDirectory() as tmp, Tracker(Path(tmp) / "log.db") as t:
        t.append(events)
        for p, records in t.store.streams():
            live = effective(records)
            folded = [(rec.id, tuple(changes), after["status"]) for rec, _, after, changes in steps(p, live)]
            assert [(h.id, h.changes, h.status) for h in t.history(p)] == folded
            certain = [r for r in live if classify(r, Question(on=day)) == 1]
            folded = [(rec.id, tuple(changes), after["status"]) for rec, _, after, changes in steps(p, certain)]
            assert [(s.id, s.changes, s.status) for s in t.audit(p, on=day).steps] == folded
            # The transitions chain: each field's change starts where its last one ended, and ends at the state.
            last: dict[str, str | None] = {}
            for rec, before, after, changes in steps(p, live):
                for c in changes:
                    assert c["event"] == rec.id and c["kind"] == rec.kind and c["actor"] == rec.event["actor"]
                    if c["field"] == "status" or c["field"].startswith("stance."):
                        assert c["before"] == last.get(c["field"])
                        last[c["field"]] = c["after"]
                changed = {c["field"] for c in changes}
                assert ("status" in changed) == (before["status"] != after["status"])
                for actor, held in after["stances"].items():
                    assert (f"stance.{actor}" in changed) == (held["event"] == rec.id)
            final = fold_spec(p, live)
            assert last.get("status") == final["status"]
            assert {f: v for f, v in last.items() if f.startswith("stance.")} == {
                f"stance.{a}": s["stance"] for a, s in final["stances"].items()
            }
