"""Hypothesis strategies for whole logs in which every kind carries every one of its fields.

``logs()`` draws a valid log, in append order: each proposal's first ``floated`` comes before
its other events, a denial's ``target`` is an id of the log (or absent), and corrections
(``retracted``, ``amended``) come last and target earlier events of their own proposal, never
an already-retracted one; an amendment's ``replacement`` is a world event with every field
too. Optional fields are sometimes absent, so that both the default and the given value are
folded (a re-float without ``terms``, an event whose ``reported`` comes from its sources).
"""

from __future__ import annotations

from typing import Any

from helpers import DATES, PARTIES
from hypothesis import strategies as st

from tracker.core.dates import bounds

PROPOSALS = ["a", "b", "c"]
WORLD_KINDS = ["floated", "considering", "accepted", "rejected", "denied", "reversed", "withdrawn", "collapsed"]
LIFECYCLE_KINDS = [
    "counter_proposed", "signed", "took_effect", "extended", "objected", "suspended", "resumed",
    "violation_alleged", "violation_confirmed", "claimed", "terminated", "recommitted", "superseded",
    "expired", "terms_disclosed", "endorsed",
]  # fmt: skip
"""The kinds of the agreement phase (issue 14): ``logs(lifecycle=True)`` mixes them in."""
NEW_STANCES = ["considering", "accepted", "rejected", "withdrawn"]
LIFECYCLE_STANCES = [*NEW_STANCES, "countered", "signed"]
TERM_KINDS = ["floated", "accepted", "counter_proposed", "signed", "took_effect", "recommitted", "terms_disclosed"]
MOMENTS = ["2023-12-14T22:00+03:00", "2023-12-31T23:30-05:00", "2024-01-15T00:00Z", "2024-02-12T21:00-04:00"]
"""Date-times with a UTC offset (some fall on another UTC day than their own)."""
DURATIONS = ["P60D", "P2M", "PT72H", "P1Y", "P1W"]
END_RULES = ["fixed", "open", "renewable", "while_talks"]
DEADLINES = ["withdrawal", "prisoner exchange", "talks"]
CHANNELS = ["public", "back-channel", "intermediaries", "talks", "leak"]
PEOPLE = ["Dmitry Peskov", "Volodymyr Zelensky", "Antony Blinken", "Hakan Fidan"]
OUTLETS = ["Reuters", "AP", "Kyiv Independent", "TASS"]
TERMS = ["a 30-day truce", "a ceasefire along the line of contact", "prisoner exchange first"]
MEDIATORS = ["turkey", "qatar", "vatican", "china"]


def _maybe(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> Any:
    """A value or None (the field left out)."""
    return draw(st.one_of(st.none(), values))


def _after(occurred: str) -> st.SearchStrategy[str]:
    """A date that cannot end before ``occurred`` starts (what the log accepts as ``reported``)."""
    start = bounds(occurred).earliest
    return st.sampled_from([d for d in DATES if bounds(d).latest >= start])


@st.composite
def sources(draw: st.DrawFn, occurred: str) -> list[dict[str, Any]]:
    """Zero to two sources, each with or without attribution, url and quote."""
    out = []
    for n in range(draw(st.integers(0, 2))):
        source: dict[str, Any] = {
            "outlet": draw(st.sampled_from(OUTLETS)),
            "title": f"Report {n}: {draw(st.sampled_from(TERMS))}",
            "published": draw(_after(occurred)),
            "attribution": _maybe(draw, st.sampled_from(["officials", "a spokesperson", "two diplomats"])),
            "url": _maybe(draw, st.sampled_from(["https://example.org/a", "http://example.com/news?id=7"])),
            "quote": _maybe(draw, st.sampled_from(["We are ready to talk.", "No comment.", "«Ніколи»"])),
        }
        out.append({k: v for k, v in source.items() if v is not None})
    return out


@st.composite
def world_event(
    draw: st.DrawFn,
    kind: str,
    eid: str | None,
    proposal: str,
    ids: list[str],
    lifecycle: bool = False,
    parties: list[str] = PARTIES,
) -> dict[str, Any]:
    """One world event of ``kind`` with every field it may carry (``ids``: the log's ids so far;
    ``parties``: who acts, and who is addressed besides a bystander)."""
    occurred = draw(st.sampled_from(DATES))
    e: dict[str, Any] = {
        "type": kind,
        "id": eid,
        "proposal": proposal,
        "actor": draw(st.sampled_from(parties)),
        "person": _maybe(draw, st.sampled_from(PEOPLE)),
        "occurred": occurred,
        "reported": _maybe(draw, _after(occurred)),
        "sources": draw(sources(occurred)),
        "note": _maybe(draw, st.sampled_from(["Unconfirmed.", "Reported by two outlets.", "multi\nline"])),
    }
    if kind == "floated":
        bystanders = ["france"] if parties == PARTIES else []
        e["addressees"] = draw(st.lists(st.sampled_from([*parties, *bystanders]), max_size=3, unique=True))
        e["mediators"] = draw(st.lists(st.sampled_from(MEDIATORS), max_size=2, unique=True))
        e["co_proposers"] = draw(st.lists(st.sampled_from([*parties, *bystanders]), max_size=2, unique=True))
        e["terms"] = _maybe(draw, st.sampled_from(TERMS))
        e["channel"] = _maybe(draw, st.sampled_from(CHANNELS))
    elif kind == "accepted":
        e["conditions"] = _maybe(draw, st.sampled_from(["if the front is frozen", "in principle"]))
    elif kind == "denied":
        e["target"] = _maybe(draw, st.sampled_from(ids)) if ids else None
    elif kind == "reversed":
        e["stance"] = draw(st.sampled_from(LIFECYCLE_STANCES if lifecycle else NEW_STANCES))
    if kind in TERM_KINDS:
        e.update(draw(terms_fields(kind, parties)))
    if kind in ("counter_proposed", "signed", "recommitted", "terms_disclosed"):
        e["terms"] = _maybe(draw, st.sampled_from(TERMS))
    if kind == "counter_proposed":
        e["changes"] = _maybe(draw, st.sampled_from(["60 days, not 30", "no prisoner exchange"]))
    elif kind == "extended":
        e.update(draw(extension(ids)))
    elif kind == "objected":
        e["target"] = draw(st.sampled_from(["ends", "deadlines", *ids[-3:]]))
    elif kind in ("suspended", "resumed"):
        e["scope"] = draw(st.sampled_from(["participation", "implementation", "talks"]))
        if kind == "suspended":
            e["until"] = _maybe(draw, st.sampled_from(DATES))
            e["conditions"] = _maybe(draw, st.sampled_from(["until the grain corridor reopens"]))
    elif kind in ("violation_alleged", "violation_confirmed"):
        e["target"] = _maybe(draw, st.sampled_from(ids)) if ids and kind == "violation_confirmed" else None
        if kind == "violation_alleged" or e["target"] is None or draw(st.booleans()):
            e["accused"] = draw(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=2, unique=True))
            e["incident"] = draw(st.sampled_from(DATES))
        e["location"] = (
            _maybe(draw, st.sampled_from(["Zaporizhzhia", "Hodeidah"])) if kind == "violation_alleged" else None
        )
    elif kind == "claimed":
        e["about"] = draw(st.sampled_from(PARTIES))
        e["claim"] = draw(st.sampled_from(["agreed to extend", "will withdraw"]))
    elif kind == "terminated":
        e["mode"] = _maybe(draw, st.sampled_from(["renounced", "mutual", "by_mediator"]))
        e["conditions_for_return"] = _maybe(draw, st.just("if the ports reopen"))
    elif kind == "superseded":
        e["by"] = draw(st.sampled_from(["minsk-ii", "a"]))
    return {k: v for k, v in e.items() if v is not None and v != []}


@st.composite
def terms_fields(draw: st.DrawFn, kind: str, parties: list[str] = PARTIES) -> dict[str, Any]:
    """The terms an event may carry: effective (a date or a date-time with an offset), ends or duration,
    end_rule, deadlines, required parties; each sometimes absent."""
    e: dict[str, Any] = {"effective": _maybe(draw, st.sampled_from([*DATES, *MOMENTS]))}
    if kind == "took_effect" and e["effective"] is None and draw(st.booleans()):
        e["effective"] = draw(st.sampled_from(MOMENTS))
    end = draw(st.sampled_from(["none", "none", "ends", "duration"]))
    if end == "ends":
        e["ends"] = draw(st.sampled_from([*DATES, *MOMENTS]))
    elif end == "duration":
        e["duration"] = draw(st.sampled_from(DURATIONS))
    e["end_rule"] = draw(st.one_of(st.none(), st.none(), st.sampled_from(END_RULES)))
    e["deadlines"] = [
        {"what": w, "due": draw(st.sampled_from(DATES))}
        for w in draw(st.lists(st.sampled_from(DEADLINES), max_size=2, unique=True))
    ]
    if draw(st.integers(0, 3)) == 0:
        e["required_parties"] = draw(st.lists(st.sampled_from(parties), min_size=1, max_size=3, unique=True))
    return e


@st.composite
def extension(draw: st.DrawFn, ids: list[str]) -> dict[str, Any]:
    """An extension: a new end (a day, a vague day or an instant) or a duration, and/or moved deadlines."""
    e: dict[str, Any] = {}
    how = draw(st.sampled_from(["new_end", "duration", "deadlines", "new_end"]))
    if how == "new_end":
        e["new_end"] = draw(st.sampled_from([*DATES, *MOMENTS]))
    elif how == "duration":
        e["duration"] = draw(st.sampled_from(DURATIONS))
    if how == "deadlines" or draw(st.integers(0, 3)) == 0:
        e["deadlines"] = [{"what": draw(st.sampled_from(DEADLINES)), "due": draw(st.sampled_from(DATES))}]
    e["target"] = _maybe(draw, st.sampled_from(ids)) if ids else None
    return e


@st.composite
def logs(
    draw: st.DrawFn, max_world: int = 14, max_corrections: int = 4, lifecycle: bool = False, agreeing: bool = False
) -> list[dict[str, Any]]:
    """A valid log in append order: first floats, world events (re-floats too), then corrections.

    ``lifecycle``: the kinds of the agreement phase are drawn too (half of the world events), and
    reversals may name their stances (countered, signed). ``agreeing``: two parties only, and
    acceptances drawn three times as often, so that most proposals become agreements (and then
    are rejected, withdrawn from, collapse, lapse and are accepted again)."""
    kinds = [*WORLD_KINDS, *WORLD_KINDS, *LIFECYCLE_KINDS] if lifecycle else WORLD_KINDS
    parties = PARTIES[:2] if agreeing else PARTIES
    if agreeing:
        kinds = [*kinds, *["accepted"] * 8]
    proposals = draw(st.lists(st.sampled_from(PROPOSALS), min_size=1, max_size=3, unique=True))
    events: list[dict[str, Any]] = []
    ids: list[str] = []
    for p in proposals:
        events.append(draw(world_event("floated", f"{p}-f", p, ids, lifecycle, parties)))
        ids.append(f"{p}-f")
    for i in range(draw(st.integers(0, max_world))):
        kind = draw(st.sampled_from(kinds))
        events.append(draw(world_event(kind, f"e{i}", draw(st.sampled_from(proposals)), ids, lifecycle, parties)))
        ids.append(f"e{i}")
    retracted: set[str] = set()
    for j in range(draw(st.integers(0, max_corrections))):
        # Any earlier event that is not retracted; an amendment may not target a correction.
        kind = draw(st.sampled_from(["retracted", "amended"]))
        allowed = ("retracted", "amended") if kind == "amended" else ()
        targets = [e for e in events if e["id"] not in retracted and e["type"] not in allowed]
        if not targets:
            break
        target = draw(st.sampled_from(targets))
        p = target["proposal"]
        occurred = draw(st.sampled_from(DATES))
        fix: dict[str, Any] = {
            "type": kind,
            "id": f"x{j}",
            "proposal": p,
            "actor": "editor",
            "person": _maybe(draw, st.sampled_from(PEOPLE)),
            "occurred": occurred,
            "reported": _maybe(draw, _after(occurred)),
            "sources": draw(sources(occurred)),
            "note": _maybe(draw, st.just("Corrected after a second source.")),
            "target": target["id"],
            "reason": draw(st.sampled_from(["misattributed", "wrong date", "duplicate"])),
        }
        if kind == "retracted":
            retracted.add(target["id"])
        else:
            new_kind = draw(st.sampled_from([target["type"], *kinds]))
            replacement = draw(world_event(new_kind, None, p, ids, lifecycle, parties))
            fix["replacement"] = {k: v for k, v in replacement.items() if k != "id"}
        events.append({k: v for k, v in fix.items() if v is not None and v != []})
        ids.append(f"x{j}")
    return events


def batched(events: list[dict[str, Any]], cuts: list[int]) -> list[list[dict[str, Any]]]:
    """The log cut before each position in ``cuts`` (sorted, within the log), dropping empty batches."""
    edges = [0, *cuts, len(events)]
    return [events[a:b] for a, b in zip(edges, edges[1:], strict=False) if a < b]
