"""Advice at append time: the warnings the rules raise for new events, and two advisory checks.

The fold records anomalies as warnings in the state (``rules._warn``); what a batch adds is
the difference between the warnings of its proposals folded without it and with it. Two checks
the rules cannot make are added here: an event with no source and no ``reported`` day (it never
counts as publicly known), and a ``withdrawn`` whose note speaks of troops (a withdrawal of
forces is a term, a deadline, not a party leaving the proposal). Pure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from tracker.core.replay import Record, effective, fold
from tracker.core.state import listed

TROOPS = re.compile(
    r"\b(troops?|forces|soldiers?|army|armies|military|brigades?|battalions?|units|tanks|"
    r"pull(?:s|ed|ing)?[- ]?(?:out|back)|pullouts?|pullbacks?|redeploy\w*|retreat\w*)\b",
    re.IGNORECASE,
)
"""Words of a withdrawal of forces (a term), not of a party leaving the proposal."""
CHECKED_UP_TO = 10_000
"""Batches larger than this (a bulk import) are not replayed twice for their warnings, nor streams
longer than this: their warnings are those of the state after the batch that name a new event."""


@dataclass(frozen=True)
class Recorded:
    """What a batch stored (or, dry, would store): its records, their warnings, and the counts."""

    records: tuple[Record, ...]
    warnings: tuple[str, ...]
    added: int
    skipped: int
    head_seq: int
    dry_run: bool = False


def advise(event: Mapping[str, Any]) -> list[str]:
    """The advisory checks of one event as stored (an amendment: of its replacement)."""
    if event["type"] == "retracted":
        return []
    if event["type"] == "amended":
        return advise({**event["replacement"], "id": event["target"]})
    out = []
    eid = event.get("id", event["type"])
    if not event.get("sources") and event.get("reported") is None:
        out.append(f"{eid}: no source and no reported date, so it will never count as publicly known: "
                   "give --source or --reported")  # fmt: skip
    if event["type"] == "withdrawn" and TROOPS.search(event.get("note") or ""):
        out.append(
            f"{eid}: 'withdrawn' is a party leaving the proposal, but the note speaks of troops: did you mean "
            "a withdrawal of forces? That is a term: a deadline ('withdrawal of forces | DATE') on the terms"
        )
    return out


def new_warnings(before: Sequence[Record], after: Sequence[Record]) -> list[str]:
    """The warnings the fold of ``after`` raises that the fold of ``before`` did not (each proposal
    folded from its effective events), in the order the fold raised them."""
    old = Counter(_warnings(before))
    out = []
    for message in _warnings(after):
        if old[message]:
            old[message] -= 1
        else:
            out.append(message)
    return out


def _warnings(records: Iterable[Record]) -> list[str]:
    live = sorted(effective(records), key=lambda r: r.proposal)
    out: list[str] = []
    for proposal, group in groupby(live, key=lambda r: r.proposal):
        out += [str(w) for w in listed(fold(proposal, group)["warnings"])]
    return out


def batch_warnings(before: Sequence[Record], after: Sequence[Record], new: Sequence[Record]) -> tuple[str, ...]:
    """Every warning a batch (``new``, within ``after``) raises: the rules' and the advisory checks'."""
    if len(new) > CHECKED_UP_TO:
        return unchecked(len(new))
    return tuple(new_warnings(before, after) + [w for r in new for w in advise(r.event)])


def unchecked(count: int) -> tuple[str, ...]:
    """The note that a batch of ``count`` events was too large to check for warnings."""
    return (f"{count} events: warnings are not checked at append time for a batch this large (see tracker audit)",)


def too_long(new: Sequence[Record], warnings: Sequence[str] | None) -> tuple[str, ...]:
    """The warnings of a batch on streams too long to fold twice: those of the state after it
    (``warnings``; None in a dry run, where there is no such state) that name a new event (or the
    event an amendment replaces), and the advisory checks."""
    ids = {r.id for r in new} | {r.event["target"] for r in new if r.kind == "amended"}
    if warnings is None:
        named = ["the rules' warnings are not checked in a dry run on a stream this long (see tracker audit)"]
    else:
        named = [w for w in warnings if str(w).split(":", 1)[0] in ids]
    return tuple(named + [w for r in new for w in advise(r.event)])
