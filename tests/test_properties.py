"""Replay invariants, as properties: append order does not matter; as-recorded equals a fresh log."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from freezegun import freeze_time
from helpers import DATES, PARTIES, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import batched, logs

from tracker.api import Tracker
from tracker.core import terms
from tracker.core.dates import bounds
from tracker.core.replay import Question, answer, classify, effective, steps
from tracker.core.rules import status_at
from tracker.store import clock

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
    """Cut-off days where answers change: every bound of the log (the terms' days too: the first day in
    force of an ``effective``, the first day expired after an ``ends``), the day before, and two outside."""
    out = {"2020-01-01", "2030-01-01"}
    for e in events:
        e = e.get("replacement", e)
        texts = [e["occurred"], e.get("reported"), *(s["published"] for s in e.get("sources", ()))]
        texts += [e.get(f) for f in ("effective", "ends", "new_end", "incident", "until")]
        texts += [d["due"] for d in e.get("deadlines", ())]
        for text in texts:
            if text:
                days = {*bounds(text), *terms.start(text), *terms.expiry_of_end(text)}
                for d in days - {"9999-12-31"}:
                    out |= {d, (date.fromisoformat(d) - timedelta(days=1)).isoformat()}
    return sorted(out)


def _record_log(tmp: str, name: str, batches: list[list[dict[str, Any]]]) -> Tracker:
    t = Tracker(Path(tmp) / name)
    for n, batch in enumerate(batches):
        with freeze_time(STAMPS[n]):
            t.append(batch)
    return t


def _fresh(records: list[Any], q: Question) -> list[Any]:
    """The answers of a fresh replay (judged on today when the question names no day, as the API does)."""
    q = Question(q.on, q.known_by, q.as_recorded, clock.now()[:10])
    return [(a.proposal, a.state, a.uncertain) for a in answer(records, q)]


# -- The rule table read off the events: an oracle for every field of the state -----------------

RANK = {
    "floated": 0, "considering": 1, "counter_proposed": 2, "accepted": 3, "rejected": 3, "signed": 3,
    "recommitted": 4, "terms_disclosed": 5, "took_effect": 6, "endorsed": 7, "extended": 8, "objected": 9,
    "claimed": 10, "violation_alleged": 11, "violation_confirmed": 12, "denied": 13, "reversed": 14,
    "suspended": 15, "resumed": 16, "withdrawn": 17, "expired": 18, "collapsed": 19, "terminated": 20,
    "superseded": 21,
}  # fmt: skip
"""The README's order of kinds on one day: floated first, answers, then terms, the ledger, closures last."""
AGREEING = ("accepted", "signed", "participating")
"""Stances that count towards an agreement (the proposer's ``proposed`` too)."""


def _required(s: dict[str, Any]) -> list[str]:
    """Who must agree: the named required parties, else the proposer and the addressees, else the
    proposer and every other party with a stance (mediators and endorsers have roles, no stance)."""
    if s["required"]:
        return s["required"]
    proposers = _proposers(s)
    head = [p for p in proposers if p not in s["mediators"]]
    if s["addressees"]:
        return head + [a for a in s["addressees"] if a not in proposers]
    return head + [a for a in s["stances"] if a not in proposers and a not in s["mediators"] + s["endorsers"]]


def _proposers(s: dict[str, Any]) -> list[str]:
    return ([s["proposer"]] if s["proposer"] else []) + s["co_proposers"]


def _others(s: dict[str, Any]) -> list[str]:
    return [a for a in _required(s) if a not in _proposers(s)]


def _everyone_agrees(s: dict[str, Any]) -> bool:
    stances = {a: v["stance"] for a, v in s["stances"].items()}
    if not _others(s) or s["floated_by"] is None:
        return False
    if any(stances.get(a) not in AGREEING for a in _others(s)):
        return False
    p = s["proposer"]
    return p not in _required(s) or p not in stances or stances[p] in (*AGREEING, "proposed")


def _counting_status(state: dict[str, Any]) -> str:
    """The README's status made by the events: a closure; an agreement (suspended while a required
    party suspended it); else what the stances of the required parties other than the proposer make."""
    if state["closure"]:
        return state["closure"]
    if state["agreed_by"]:
        return "suspended" if state["suspended"] else "agreed"
    stances = {a: s["stance"] for a, s in state["stances"].items()}
    held = {stances[a] for a in _others(state) if a in stances}
    if {"rejected", "withdrawn"} & held:
        return "rejected"
    if "countered" in held:
        return "countered"
    return "considering" if {"considering", *AGREEING} & held else "floated"


def _window(s: dict[str, Any]) -> None:
    """The first day in force (effective, else the day agreed) and the first day expired."""
    if s["agreed_by"] is None:
        s["start"] = s["expiry"] = None
        return
    effective = s["effective"] or s["agreed_on"]
    s["start"] = list(terms.start(effective))
    if s["end_rule"] == "open":
        s["expiry"] = None
    elif s["duration"]:  # a duration counts from effective, whenever that is known
        s["ends"] = terms.end_of(effective, s["duration"])
        s["expiry"] = list(terms.expiry_after(effective, s["duration"]))
    elif s["ends"]:
        s["expiry"] = list(terms.expiry_of_end(s["ends"]))
    else:
        s["expiry"] = None


def _terms(s: dict[str, Any], e: dict[str, Any], eid: str) -> None:
    """Adopt the terms an event names (the others are kept)."""
    if e.get("effective"):
        s["effective"] = e["effective"]
    if e.get("ends"):
        s["ends"], s["duration"] = e["ends"], None
    elif e.get("duration"):
        s["ends"], s["duration"] = None, e["duration"]
    if e.get("end_rule"):
        s["end_rule"] = e["end_rule"]
        if e["end_rule"] == "open":
            s["ends"] = s["duration"] = None
    if e.get("deadlines"):
        named = {d["what"]: d for d in s["deadlines"]}
        named |= {d["what"]: {"what": d["what"], "due": d["due"], "set_by": eid} for d in e["deadlines"]}
        s["deadlines"] = list(named.values())
    if e.get("required_parties"):
        s["required"] = list(e["required_parties"])
    if any(e.get(f) for f in ("effective", "ends", "duration", "end_rule")):
        s["terms_by"] = eid
    _window(s)


def _agreed(s: dict[str, Any], eid: str, occurred: str) -> None:
    s.update(agreed_by=eid, agreed_on=occurred, closure=None, closed_by=None, recommitted=[], extensions={})
    _window(s)


def judge(s: dict[str, Any], day: str | None, known_by: str | None = None) -> dict[str, Any]:
    """The README's status on a day, judged at its end: an agreement is in force from its first day in
    force and expired from the first day after its scheduled end (a term straddling the day is not
    applied); deadlines passed, due or open; the ledger read as violations, claims and objections."""
    out = {**s, "judged_on": day, "projected": False}
    status = s["status"]
    if day is not None and status in ("agreed", "suspended"):
        start, expiry = s["start"], s["expiry"]
        if expiry and day >= expiry[1]:
            status = "expired"
        elif status == "agreed" and (start is None or day >= start[1]):
            status = "in_force"
        edges = [*(start or ()), *(expiry or ())]
        out["projected"] = known_by is not None and any(known_by < d <= day for d in edges)
    out["status"] = status
    deadlines = []
    for d in s["deadlines"]:
        low, high = bounds(d["due"])
        state = "open" if day is None or low > day else "passed" if high < day else "due"
        deadlines.append({**d, "state": state})
    out["deadlines"] = deadlines
    violations: dict[str, dict[str, Any]] = {}
    claims: dict[str, dict[str, Any]] = {}
    objections = []
    for x in s["ledger"]:
        if x["kind"] == "allegation":
            violations[x["event"]] = {
                "event": x["event"], "claimant": x["claimant"], "accused": x["accused"], "incident": x["incident"],
                "location": x["location"], "denied_by": [], "confirmed_by": [],
            }  # fmt: skip
        elif x["kind"] == "confirmation" and x["target"] in violations:
            violations[x["target"]]["confirmed_by"].append(x["actor"])
        elif x["kind"] == "confirmation" and x["target"] is None:
            violations[x["event"]] = {
                "event": x["event"], "claimant": x["actor"], "accused": x["accused"], "incident": x["incident"],
                "location": None, "denied_by": [], "confirmed_by": [x["actor"]],
            }  # fmt: skip
        elif x["kind"] == "claim":
            claims[x["event"]] = {k: x[k] for k in ("event", "claimant", "about", "claim")} | {"denied_by": []}
        elif x["kind"] == "denial":
            for table in (violations, claims):
                if x["target"] in table:
                    table[x["target"]]["denied_by"].append(x["actor"])
        elif x["kind"] == "objection":
            objections.append({k: x[k] for k in ("event", "actor", "target")})
    out["violations"], out["claims"], out["objections"] = list(violations.values()), list(claims.values()), objections
    return out


def fold_spec(proposal: str, records: list[Any]) -> dict[str, Any]:
    """What each field must be after these (certain, effective) records, event by event, per the README.

    Every field is stated for the negotiation kinds (with the terms floated and accepted carry) and
    the agreement phase they make (agreed, terminated by a rejection after agreement, recommitted by
    acceptance after a closure). The lifecycle kinds are not modelled: a stream with one of them is
    compared on the other paths (tests below), not here.
    """
    s: dict[str, Any] = {
        "proposal": proposal, "status": None, "proposer": None, "addressees": [], "mediators": [],
        "channel": None, "terms": None, "floated_by": None, "closure": None, "closed_by": None,
        "stances": {}, "denials": [], "disputed": False, "warnings": [], "version": 0, "last_event": None,
        "required": [], "endorsers": [], "agreed_by": None, "agreed_on": None, "effective": None, "ends": None,
        "duration": None, "end_rule": None, "terms_by": None, "start": None, "expiry": None, "deadlines": [],
        "extensions": {}, "suspended": {}, "talks": None, "recommitted": [], "superseded_by": None, "ledger": [],
        "co_proposers": [],
    }  # fmt: skip
    for rec in sorted(records, key=lambda r: (*r.occurred, RANK[r.kind], r.id)):
        e, kind, actor, eid = rec.event, rec.kind, rec.event["actor"], rec.id
        closed, was_agreed = s["closure"], s["agreed_by"] is not None
        stance = {"floated": "proposed", "reversed": e.get("stance")}.get(kind, kind)

        def take(stance: str, e: dict[str, Any] = e, actor: str = actor, eid: str = eid) -> None:
            s["stances"] = {**s["stances"], actor: {"stance": stance, "event": eid, "occurred": e["occurred"]}}

        def check_party(actor: str = actor, eid: str = eid) -> None:
            if s["proposer"] is None:
                s["warnings"].append((eid, "before the proposal was floated"))
            elif s["addressees"] and actor not in s["addressees"] and actor not in _proposers(s):
                s["warnings"].append((eid, "a party the proposal did not address"))

        if kind == "reversed" and actor not in s["stances"]:
            s["warnings"].append((eid, "who had taken no earlier stance"))
        elif kind == "reversed" or (kind in ("considering", "accepted", "rejected") and not was_agreed):
            check_party()
        elif kind in ("considering", "accepted"):
            check_party()
        if kind == "floated":
            if s["floated_by"]:
                s["warnings"].append((eid, "floated again"))
            s["addressees"] += [a for a in e.get("addressees", ()) if a not in s["addressees"]]
            s["mediators"] += [m for m in e.get("mediators", ()) if m not in s["mediators"]]
            s["terms"] = e.get("terms") or s["terms"]
            joint = s["co_proposers"] + [p for p in e.get("co_proposers", ()) if p not in s["co_proposers"]]
            s["co_proposers"] = [p for p in joint if p != actor]
            s.update(proposer=actor, channel=e.get("channel", "public"), floated_by=eid, closure=None, closed_by=None)
            take("proposed")
            for party in e.get("co_proposers", ()):
                if party != actor:
                    take("proposed", actor=party)
            _terms(s, e, eid)
        elif kind == "denied":
            denial = {"actor": actor, "person": e.get("person"), "target": e.get("target")}
            s["denials"].append({**denial, "event": eid, "occurred": e["occurred"]})
            s["disputed"] = True
        elif kind == "collapsed":
            s.update(closure="collapsed", closed_by=eid)
        elif was_agreed and stance in ("rejected", "withdrawn"):
            # After agreement a required party's rejection or withdrawal terminates it.
            if actor in _required(s):
                s["warnings"].append((eid, "read as terminated by"))
                take("terminated")
                if s["closure"] is None:
                    s.update(closure="terminated", closed_by=eid)
            else:
                s["warnings"].append((eid, "by a party it does not require"))
                take(stance)
        else:
            # Lapsed: closed (collapsed, expired, terminated) or certainly past its end, before this event's terms.
            lapsed = was_agreed and (
                s["closure"] in ("collapsed", "expired", "terminated")
                or (s["expiry"] is not None and bounds(e["occurred"])[0] >= s["expiry"][1])
            )
            take(stance)
            if kind == "accepted":
                _terms(s, e, eid)
            if kind == "withdrawn" and actor == s["proposer"]:
                s.update(closure="withdrawn", closed_by=eid)
            if stance not in AGREEING:
                pass
            elif kind == "accepted" and lapsed:
                # Acceptance after the agreement ended is a recommitment; by every required party: agreed again.
                if actor not in _required(s):
                    s["warnings"].append((eid, "who is not a required party"))
                else:
                    s["recommitted"] = [*s["recommitted"], *([actor] if actor not in s["recommitted"] else [])]
                    s["warnings"].append((eid, "read as a recommitment"))
                    if set(_required(s)) <= set(s["recommitted"]):
                        # The old terms do not carry over: terms named in this round hold (an effective
                        # from before the round gives way to the round's day); none: open-ended from today.
                        held = {a: v for a, v in s["stances"].items() if a in s["recommitted"]}
                        if s["terms_by"] not in {v["event"] for v in held.values()}:
                            s["effective"] = s["ends"] = s["duration"] = None
                        elif s["effective"]:
                            first = min(bounds(v["occurred"])[0] for v in held.values())
                            if terms.start(s["effective"])[1] < first:
                                s["effective"] = None
                        _agreed(s, eid, e["occurred"])
                    elif s["closure"] is None:  # lapsed past its end: expired until every party recommits
                        s.update(closure="expired", closed_by=None)
            elif not was_agreed and s["closure"] is None and _everyone_agrees(s):
                _agreed(s, eid, e["occurred"])
        quiet = kind in ("floated", "denied") or (kind == "accepted" and was_agreed)
        if closed and not quiet:
            s["warnings"].append((eid, f"after the proposal closed ({closed})"))
        s["version"] += 1
        s["last_event"] = eid
        s["status"] = _counting_status(s)
    return s


def _warned(state: dict[str, Any]) -> list[tuple[str, str]]:
    """Each warning of a state as (event id, the fragment of the spec it matches)."""
    fragments = ["floated again", "who had taken no earlier stance", "before the proposal was floated"]
    fragments += ["a party the proposal did not address", "read as terminated by", "by a party it does not require"]
    fragments += ["who is not a required party", "read as a recommitment"]
    fragments += [f"after the proposal closed ({c})" for c in ("collapsed", "withdrawn", "terminated", "expired")]
    return [(w.split(":")[0], next(f for f in fragments if f in w)) for w in state["warnings"]]


@FULL
@given(logs(), st.randoms(use_true_random=False))
def test_every_field_follows_the_rule_table(events: list[dict[str, Any]], rng: Any) -> None:
    # Catches a rule that forgets a field: terms erased by a re-float without terms, mediators or
    # addressees not accumulating, a denial without its person or target, a channel not updated,
    # a stance without its event or day, a version or last event off, a warning missing; an
    # agreement not made (or made early), its first day in force or expiry off by a day, a
    # rejection after it not read as a termination, an acceptance after its end not a recommitment.
    _check_rule_table(events, rng)


@FULL
@given(logs(agreeing=True), st.randoms(use_true_random=False))
def test_agreements_follow_the_rule_table(events: list[dict[str, Any]], rng: Any) -> None:
    # Two parties and many acceptances: most proposals become agreements, with terms (effective,
    # ends or duration, end_rule, deadlines, required parties), and are then rejected, withdrawn
    # from, collapse, lapse and are accepted again.
    _check_rule_table(events, rng)


def _check_rule_table(events: list[dict[str, Any]], rng: Any) -> None:
    """Every field of every answer, on the store path and a fresh replay, equals the oracle's."""
    days = [None, *rng.sample(_days(events), 3)]
    with tempfile.TemporaryDirectory() as tmp, Tracker(Path(tmp) / "log.db") as t:
        t.append(events)
        today = clock.now()[:10]
        live = effective(t.store.records())
        for day in days:
            q = Question(on=day, today=today)
            got = {a.proposal: a.state for a in t.status(on=day)}
            assert got == {a.proposal: a.state for a in answer(live, q)}
            for p, state in got.items():
                spec = judge(fold_spec(p, [r for r in live if r.proposal == p and classify(r, q) == 1]), q.day)
                assert _warned(state) == spec["warnings"]
                assert {k: v for k, v in state.items() if k != "warnings"} == {
                    k: v for k, v in spec.items() if k != "warnings"
                }
        # The days on which an agreement's status turns: its first day in force, its expiry, the day before.
        edges = {
            b for a in answer(live, Question()) for pair in (a.state["start"], a.state["expiry"]) for b in pair or ()
        }
        for day in sorted({*edges, *(str(date.fromisoformat(d) - timedelta(days=1)) for d in edges if d < "9999")}):
            q = Question(on=day, known_by=days[-1])
            for a in answer(live, q):
                spec = judge(
                    fold_spec(a.proposal, [r for r in live if r.proposal == a.proposal and classify(r, q) == 1]),
                    day,
                    q.known_by,
                )
                assert {k: v for k, v in a.state.items() if k != "warnings"} == {
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
    expected |= {
        "required": [], "endorsers": [], "agreed_by": "a1", "agreed_on": "2024-01-05", "effective": None,
        "ends": None, "duration": None, "end_rule": None, "terms_by": None, "start": ["2024-01-05", "2024-01-05"],
        "expiry": None, "deadlines": [], "extensions": {}, "suspended": {}, "talks": None, "recommitted": [],
        "superseded_by": None, "ledger": [], "co_proposers": [], "judged_on": None, "projected": False,
        "violations": [], "claims": [],
        "objections": [],
    }  # fmt: skip
    # Ukraine's acceptance made it an agreement (every addressee accepted): in force from that day until the collapse.
    before_close = {**expected, "status": "in_force", "closure": None, "closed_by": None, "last_event": "f2"}
    before_close |= {"version": 5, "judged_on": "2024-02-15"}
    records = list(tracker.store.records())
    today = clock.now()[:10]
    for q, state in [(Question(), expected), (Question(on="2024-02-15"), before_close)]:
        assert [a.state for a in answer(records, q)] == [state]
        state = {**state, "judged_on": q.on or today}
        assert [a.state for a in answer(records, Question(on=q.on, today=today))] == [state]
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
@given(logs(lifecycle=True), st.randoms(use_true_random=False))
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
@given(logs(lifecycle=True), st.lists(st.integers(1, 30), max_size=3, unique=True), st.sampled_from(QUESTION_DAYS))
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
@given(logs(lifecycle=True), st.lists(st.integers(1, 30), max_size=3, unique=True), st.randoms(use_true_random=False))
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
            # History judges each event's status on its day (today at the latest), and adds the
            # transitions with no event as rows of their own.
            today = clock.now()[:10]
            folded = [(rec.id, tuple(changes), status_at(after, min(rec.occurred.latest, today))[0])
                      for rec, _, after, changes in steps(p, live)]  # fmt: skip
            assert [(h.id, h.changes, h.status) for h in t.history(p) if h.type != "derived"] == folded
            certain = [r for r in live if classify(r, Question(on=day)) == 1]
            folded = [(rec.id, tuple(changes), status_at(after, min(rec.occurred.latest, day))[0])
                      for rec, _, after, changes in steps(p, certain)]  # fmt: skip
            assert [(s.id, s.changes, s.status) for s in t.audit(p, on=day).steps if "#" not in s.id] == folded
            # The transitions chain: each field's change starts where its last one ended, and ends at the state.
            last: dict[str, str | None] = {}
            for rec, before, after, changes in steps(p, live):
                for c in changes:
                    assert c["event"] == rec.id and c["type"] == rec.kind and c["actor"] == rec.event["actor"]
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


# -- The lifecycle kinds, one example per rule (the oracle above does not model them) --------------


def _story(*events: dict[str, Any]) -> list[Any]:
    """Records of a story of proposal ``p`` (ids given), each reported on the day it happened, recorded at once."""
    stamp = "2024-07-01T12:00:00.000000Z"
    return [record(n, stamp, {"proposal": "p", "reported": e["occurred"], **e}) for n, e in enumerate(events)]


def _on(records: list[Any], day: str | None, known_by: str | None = None) -> dict[str, Any]:
    (a,) = answer(records, Question(on=day, known_by=known_by))
    return a.state


AGREED = [
    {"type": "floated", "id": "f", "actor": "russia", "occurred": "2024-01-01", "addressees": ["ukraine"],
     "mediators": ["turkey"], "ends": "2024-01-31", "deadlines": [{"what": "withdrawal", "due": "2024-03-01"}]},
    {"type": "accepted", "id": "a", "actor": "ukraine", "occurred": "2024-01-01"},
]  # fmt: skip
"""An agreement in force from 2024-01-01 to 2024-01-31 (expired from 2024-02-01)."""


def test_an_extension_waits_for_every_required_party() -> None:
    one = {"type": "extended", "id": "x1", "actor": "russia", "occurred": "2024-01-20", "new_end": "2024-02-29"}
    two = {"type": "extended", "id": "x2", "actor": "ukraine", "occurred": "2024-01-25", "new_end": "2024-02-29"}
    half = _on(_story(*AGREED, one), "2024-02-10")
    assert (half["status"], half["ends"], list(half["extensions"])) == ("expired", "2024-01-31", ["russia"])
    full = _on(_story(*AGREED, one, two), "2024-02-10")
    assert (full["status"], full["ends"], full["extensions"], full["expiry"]) == (
        "in_force", "2024-02-29", {}, ["2024-03-01", "2024-03-01"]
    )  # fmt: skip
    assert full["terms_by"] == "x2" and not full["disputed"]
    # The mediator extends for every party at once.
    by_mediator = {**one, "actor": "turkey", "id": "x3"}
    assert _on(_story(*AGREED, by_mediator), "2024-02-10")["status"] == "in_force"
    # Different ends: the end is an interval, disputed; straddled days are not applied.
    other = {**two, "new_end": "2024-03-31"}
    split = _on(_story(*AGREED, one, other), "2024-03-10")
    assert (split["ends"], split["expiry"], split["disputed"]) == (
        "2024-02-29/2024-03-31", ["2024-03-01", "2024-04-01"], True
    )  # fmt: skip
    assert split["status"] == "in_force" and answer(_story(*AGREED, one, other), Question(on="2024-03-10"))[0].uncertain


def test_an_extension_of_a_reported_expiry_reopens_it() -> None:
    open_ended = [{**AGREED[0], "ends": None}, AGREED[1]]
    open_ended[0] = {k: v for k, v in open_ended[0].items() if v is not None}
    lapse = {"type": "expired", "id": "end", "actor": "turkey", "occurred": "2024-02-01"}
    ext = [
        {"type": "extended", "id": f"x{n}", "actor": who, "occurred": "2024-02-05", "new_end": "2024-06-30"}
        for n, who in enumerate(["russia", "ukraine"])
    ]
    assert _on(_story(*open_ended, lapse), "2024-03-01")["status"] == "expired"
    state = _on(_story(*open_ended, lapse, *ext), "2024-03-01")
    assert (state["status"], state["closure"], state["ends"]) == ("in_force", None, "2024-06-30")


def test_a_suspension_and_its_resumption() -> None:
    stop = {"type": "suspended", "id": "s", "actor": "ukraine", "occurred": "2024-01-10", "scope": "participation"}
    go = {"type": "resumed", "id": "r", "actor": "ukraine", "occurred": "2024-01-15", "scope": "participation"}
    talks = {"type": "suspended", "id": "t", "actor": "russia", "occurred": "2024-01-11", "scope": "talks"}
    state = _on(_story(*AGREED, stop, talks), "2024-01-12")
    assert (state["status"], list(state["suspended"]), state["talks"]) == ("suspended", ["ukraine"], "suspended")
    assert state["stances"]["ukraine"]["stance"] == "suspended"
    assert _on(_story(*AGREED, stop), None)["status"] == "suspended"
    state = _on(_story(*AGREED, stop, go), "2024-01-20")
    assert (state["status"], state["suspended"]) == ("in_force", {})
    assert state["stances"]["ukraine"]["stance"] == "participating"
    # Suspended past its end: expired.
    assert _on(_story(*AGREED, stop), "2024-02-01")["status"] == "expired"


def test_the_ledger_routes_denials_and_confirmations() -> None:
    story = _story(
        *AGREED,
        {"type": "violation_alleged", "id": "v", "actor": "ukraine", "occurred": "2024-01-05", "accused": ["russia"],
         "incident": "2024-01-04", "location": "Zaporizhzhia"},
        {"type": "denied", "id": "d", "actor": "russia", "occurred": "2024-01-06", "target": "v"},
        {"type": "violation_confirmed", "id": "c", "actor": "osce", "occurred": "2024-01-07", "target": "v"},
        {"type": "violation_confirmed", "id": "c2", "actor": "osce", "occurred": "2024-01-07", "target": "a"},
        {"type": "violation_confirmed", "id": "c3", "actor": "osce", "occurred": "2024-01-08", "accused": ["ukraine"],
         "incident": "2024-01-08"},
        {"type": "claimed", "id": "k", "actor": "turkey", "occurred": "2024-01-09", "about": "russia",
         "claim": "agreed to extend"},
        {"type": "denied", "id": "d2", "actor": "russia", "occurred": "2024-01-10", "target": "k"},
    )  # fmt: skip
    state = _on(story, "2024-01-20")
    assert (state["status"], state["disputed"], state["denials"]) == ("in_force", False, [])
    assert state["violations"] == [
        {"event": "v", "claimant": "ukraine", "accused": ["russia"], "incident": "2024-01-04",
         "location": "Zaporizhzhia", "denied_by": ["russia"], "confirmed_by": ["osce"]},
        {"event": "c3", "claimant": "osce", "accused": ["ukraine"], "incident": "2024-01-08", "location": None,
         "denied_by": [], "confirmed_by": ["osce"]},
    ]  # fmt: skip
    assert state["claims"] == [
        {"event": "k", "claimant": "turkey", "about": "russia", "claim": "agreed to extend", "denied_by": ["russia"]}
    ]
    assert any(w.startswith("c2:") for w in state["warnings"])


def test_deadlines_states_and_projection() -> None:
    story = _story(*AGREED)
    states = [_on(story, d)["deadlines"][0]["state"] for d in ("2024-02-29", "2024-03-01", "2024-03-02")]
    assert states == ["open", "due", "passed"]
    assert _on(story, None)["deadlines"] == [
        {"what": "withdrawal", "due": "2024-03-01", "set_by": "f", "state": "open"}
    ]
    more = {"type": "accepted", "id": "a2", "actor": "ukraine", "occurred": "2024-01-02",
            "deadlines": [{"what": "talks", "due": "2024-03"}]}  # fmt: skip
    assert [d["what"] for d in _on(_story(*AGREED, more), None)["deadlines"]] == ["withdrawal", "talks"]
    # A later day's status past a known-by cut-off is a projection; a cut-off on the transition day is not.
    assert _on(story, "2024-03-01", known_by="2024-01-15")["projected"] is True
    assert _on(story, "2024-03-01", known_by="2024-02-01")["projected"] is False
    assert _on(story, "2024-01-20", known_by="2024-01-15")["projected"] is False
    ended = {"type": "terminated", "id": "t", "actor": "russia", "occurred": "2024-01-10"}
    assert _on(_story(*AGREED, ended), "2024-03-01", known_by="2024-01-15")["projected"] is False


def test_terms_start_and_end() -> None:
    late = [{**AGREED[0], "effective": "2024-01-10"}, AGREED[1]]
    assert [_on(_story(*late), d)["status"] for d in ("2024-01-09", "2024-01-10")] == ["agreed", "in_force"]
    took = {"type": "took_effect", "id": "te", "actor": "russia", "occurred": "2024-01-05"}
    state = _on(_story(*AGREED, took), None)
    assert (state["start"], state["effective"], state["agreed_by"]) == (["2024-01-05"] * 2, "2024-01-05", "a")
    same_day = {**took, "occurred": "2024-01-01"}
    state = _on(_story(*AGREED, same_day), None)
    assert (state["agreed_by"], state["warnings"]) == ("a", [])
    dur = [{**AGREED[0], "ends": None, "duration": "P30D"}, AGREED[1]]
    dur[0] = {k: v for k, v in dur[0].items() if v is not None}
    state = _on(_story(*dur), "2024-01-30")
    assert (state["status"], state["ends"], state["expiry"]) == ("in_force", "2024-01-30", ["2024-01-31", "2024-01-31"])
    forever = {"type": "accepted", "id": "a2", "actor": "ukraine", "occurred": "2024-01-02", "end_rule": "open"}
    state = _on(_story(*AGREED, forever), "2025-01-01")
    assert (state["status"], state["ends"], state["expiry"]) == ("in_force", None, None)
    signed = {"type": "signed", "id": "sg", "actor": "ukraine", "occurred": "2024-01-01"}
    assert _on(_story(AGREED[0], signed), "2024-01-02")["agreed_by"] == "sg"
    gone = {"type": "superseded", "id": "sp", "actor": "russia", "occurred": "2024-01-10", "by": "minsk-ii"}
    state = _on(_story(*AGREED, gone), None)
    assert (state["status"], state["superseded_by"]) == ("superseded", "minsk-ii")


def test_who_must_agree_and_recommit() -> None:
    # An endorser with a stance and a mediator who floats it never count.
    story = _story(
        {"type": "floated", "id": "f", "actor": "russia", "occurred": "2024-01-01"},
        {"type": "endorsed", "id": "en", "actor": "un", "occurred": "2024-01-02"},
        {"type": "considering", "id": "c", "actor": "un", "occurred": "2024-01-03"},
        {"type": "accepted", "id": "a", "actor": "ukraine", "occurred": "2024-01-04"},
    )
    assert _on(story, None)["agreed_by"] == "a"
    mediated = [
        {"type": "floated", "id": "f", "actor": "turkey", "occurred": "2024-01-01", "mediators": ["turkey"],
         "addressees": ["russia", "ukraine"], "ends": "2024-01-31"},
        {"type": "accepted", "id": "a1", "actor": "russia", "occurred": "2024-01-02"},
        {"type": "accepted", "id": "a2", "actor": "ukraine", "occurred": "2024-01-02"},
        {"type": "collapsed", "id": "c", "actor": "russia", "occurred": "2024-01-10"},
        {"type": "accepted", "id": "b1", "actor": "russia", "occurred": "2024-02-10", "ends": "2024-06-30"},
    ]  # fmt: skip
    state = _on(_story(*mediated), "2024-02-15")
    assert (state["status"], state["recommitted"]) == ("collapsed", ["russia"])
    back = {"type": "accepted", "id": "b2", "actor": "ukraine", "occurred": "2024-02-12"}
    state = _on(_story(*mediated, back), "2024-02-15")
    assert (state["status"], state["agreed_by"], state["ends"]) == ("in_force", "b2", "2024-06-30")
    # Past its end, one party's acceptance (with new terms) does not revive it alone.
    lapsed = [*mediated[:3], mediated[4]]
    state = _on(_story(*lapsed), "2024-02-15")
    assert (state["status"], state["closure"]) == ("expired", "expired")
    assert _on(_story(*lapsed, back), "2024-02-15")["status"] == "in_force"
    # Recommitting with no terms named: open-ended from the recommitment.
    plain = [*mediated[:4], {**mediated[4], "ends": None}, back]
    plain[4] = {k: v for k, v in plain[4].items() if v is not None}
    state = _on(_story(*plain), "2025-01-01")
    assert (state["status"], state["ends"], state["expiry"]) == ("in_force", None, None)


def test_after_agreement_rejections_terminate_and_vague_terms_straddle() -> None:
    no = {"type": "rejected", "id": "r", "actor": "ukraine", "occurred": "2024-01-10"}
    state = _on(_story(*AGREED, no), None)
    assert (state["status"], state["closed_by"], state["stances"]["ukraine"]["stance"]) == (
        "terminated", "r", "terminated"
    )  # fmt: skip
    assert [w.split(":")[0] for w in state["warnings"]] == ["r"] and "read as terminated" in state["warnings"][0]
    turned = {"type": "reversed", "id": "v", "actor": "ukraine", "occurred": "2024-01-10", "stance": "withdrawn"}
    assert _on(_story(*AGREED, turned), None)["closure"] == "terminated"
    # An acceptance after the termination is no anomaly (a recommitment), so no 'after the proposal closed'.
    yes = {"type": "accepted", "id": "y", "actor": "ukraine", "occurred": "2024-01-20"}
    state = _on(_story(*AGREED, no, yes), None)
    assert not any("after the proposal closed" in w for w in state["warnings"])
    # On its last day in force an acceptance is no recommitment; the day after, it is.
    last = {**yes, "occurred": "2024-01-31"}
    assert _on(_story(*AGREED, last), None)["recommitted"] == []
    assert _on(_story(*AGREED, {**yes, "occurred": "2024-02-01"}), None)["recommitted"] == ["ukraine"]
    # A vague effective (some day in March) straddling the day: not yet applied, and listed.
    vague = [{**AGREED[0], "effective": "2024-03", "ends": "2024-12-31"}, AGREED[1]]
    (a,) = answer(_story(*vague), Question(on="2024-03-10"))
    assert (a.state["status"], a.uncertain) == ("agreed", ("f#effective",))
    assert _on(_story(*vague), "2024-03-31")["status"] == "in_force"
    # Named required parties: the addressee alone no longer makes it an agreement.
    need = [{**AGREED[0], "required_parties": ["russia", "ukraine", "united-states"]}, AGREED[1]]
    assert _on(_story(*need), None)["status"] == "considering"
