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
NEW_STANCES = ["considering", "accepted", "rejected", "withdrawn"]
CHANNELS = ["public", "back-channel", "intermediaries", "talks", "leak"]
PEOPLE = ["Dmitry Peskov", "Volodymyr Zelensky", "Antony Blinken", "Hakan Fidan"]
OUTLETS = ["Reuters", "AP", "Kyiv Independent", "TASS"]
TERMS = ["a 30-day truce", "a ceasefire along the line of contact", "prisoner exchange first"]
MEDIATORS = ["turkey", "qatar", "vatican", "china"]
ADDRESSEES = [*PARTIES, "france"]


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
def world_event(draw: st.DrawFn, kind: str, eid: str | None, proposal: str, ids: list[str]) -> dict[str, Any]:
    """One world event of ``kind`` with every field it may carry (``ids``: the log's ids so far)."""
    occurred = draw(st.sampled_from(DATES))
    e: dict[str, Any] = {
        "type": kind,
        "id": eid,
        "proposal": proposal,
        "actor": draw(st.sampled_from(PARTIES)),
        "person": _maybe(draw, st.sampled_from(PEOPLE)),
        "occurred": occurred,
        "reported": _maybe(draw, _after(occurred)),
        "sources": draw(sources(occurred)),
        "note": _maybe(draw, st.sampled_from(["Unconfirmed.", "Reported by two outlets.", "multi\nline"])),
    }
    if kind == "floated":
        e["addressees"] = draw(st.lists(st.sampled_from(ADDRESSEES), max_size=3, unique=True))
        e["mediators"] = draw(st.lists(st.sampled_from(MEDIATORS), max_size=2, unique=True))
        e["terms"] = _maybe(draw, st.sampled_from(TERMS))
        e["channel"] = _maybe(draw, st.sampled_from(CHANNELS))
    elif kind == "accepted":
        e["conditions"] = _maybe(draw, st.sampled_from(["if the front is frozen", "in principle"]))
    elif kind == "denied":
        e["target"] = _maybe(draw, st.sampled_from(ids)) if ids else None
    elif kind == "reversed":
        e["stance"] = draw(st.sampled_from(NEW_STANCES))
    return {k: v for k, v in e.items() if v is not None and v != []}


@st.composite
def logs(draw: st.DrawFn, max_world: int = 14, max_corrections: int = 4) -> list[dict[str, Any]]:
    """A valid log in append order: first floats, world events (re-floats too), then corrections."""
    proposals = draw(st.lists(st.sampled_from(PROPOSALS), min_size=1, max_size=3, unique=True))
    events: list[dict[str, Any]] = []
    ids: list[str] = []
    for p in proposals:
        events.append(draw(world_event("floated", f"{p}-f", p, ids)))
        ids.append(f"{p}-f")
    for i in range(draw(st.integers(0, max_world))):
        kind = draw(st.sampled_from(WORLD_KINDS))
        events.append(draw(world_event(kind, f"e{i}", draw(st.sampled_from(proposals)), ids)))
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
            new_kind = draw(st.sampled_from([target["type"], *WORLD_KINDS]))
            replacement = draw(world_event(new_kind, None, p, ids))
            fix["replacement"] = {k: v for k, v in replacement.items() if k != "id"}
        events.append({k: v for k, v in fix.items() if v is not None and v != []})
        ids.append(f"x{j}")
    return events


def batched(events: list[dict[str, Any]], cuts: list[int]) -> list[list[dict[str, Any]]]:
    """The log cut before each position in ``cuts`` (sorted, within the log), dropping empty batches."""
    edges = [0, *cuts, len(events)]
    return [events[a:b] for a, b in zip(edges, edges[1:], strict=False) if a < b]
