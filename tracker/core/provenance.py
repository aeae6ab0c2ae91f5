"""Provenance: for each field of a proposal's state, the events that set it and their sources.

The fold is replayed step by step (the same certain events, in the same order, as the
status answer); whenever a step changes a field, that step's event becomes the field's
origin. Scalar fields (status, proposer, channel, terms, closure, each party's stance) keep
the last event that changed them; accumulating fields (addressees, mediators, denials) keep
every event that added to them; ``disputed`` lists every denial, ``denial.PARTY`` each
party's denials (of the proposal, or of the event named).
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.core.audit import EventRef, corrections, describe, ref
from tracker.core.replay import Question, Record, classify, effective, steps
from tracker.core.rules import status_at
from tracker.core.state import State, empty, listed
from tracker.core.value import Value

SCALARS = ("status", "proposer", "channel", "terms", "closure", "effective", "ends")
LISTS = ("addressees", "mediators")


class FieldOrigin(Value):
    """One field of the state, its value (as text), and the events that set it."""

    field: str
    value: str | None
    events: tuple[EventRef, ...]


class Provenance(Value):
    """Where every field of one proposal's state came from, for a question."""

    proposal: str
    on: str | None
    known_by: str | None
    as_recorded: str | None
    status: str | None
    fields: tuple[FieldOrigin, ...]
    uncertain: tuple[str, ...]

    @property
    def question(self) -> str:
        """The question in words."""
        return describe(Question(self.on, self.known_by, self.as_recorded))

    def values(self) -> dict[str, str | None]:
        """Field name -> value, for comparisons."""
        return {f.field: f.value for f in self.fields}

    def origins(self) -> dict[str, tuple[str, ...]]:
        """Field name -> ids of the events that set it."""
        return {f.field: tuple(r.id for r in f.events) for f in self.fields}


def _text(value: object) -> str | None:
    if isinstance(value, tuple):
        return ", ".join(value) or None
    if isinstance(value, bool):
        return str(value).lower()
    return None if value is None else str(value)


def _origins(proposal: str, certain: list[Record]) -> tuple[State, dict[str, list[Record]]]:
    setters: dict[str, list[Record]] = {}
    state = empty(proposal)
    for rec, before, after, _ in steps(proposal, certain):
        for name in SCALARS:
            if before[name] != after[name]:  # type: ignore[literal-required]
                setters[name] = [rec]
        for name in LISTS:
            if before[name] != after[name]:  # type: ignore[literal-required]
                setters.setdefault(name, []).append(rec)
        for actor, entry in after["stances"].items():
            if before["stances"].get(actor) != entry:
                setters[f"stance.{actor}"] = [rec]
        if before["denials"] is not after["denials"]:
            setters.setdefault("disputed", []).append(rec)
            setters.setdefault(f"denial.{rec.event['actor']}", []).append(rec)
        state = after
    return state, setters


def provenance(proposal: str, records: Iterable[Record], question: Question) -> Provenance:
    """The origin of every field of one proposal's state for a question (records: its whole log)."""
    records = list(records)
    amended = {c.target: c.seq for c in corrections(records, question.as_recorded) if c.applied and c.replacement}
    live = effective(records, question.as_recorded)
    certain = [r for r in live if classify(r, question) == 1]
    uncertain = sorted((r for r in live if classify(r, question) == 0), key=lambda r: r.order)
    state, setters = _origins(proposal, certain)
    if question.day is not None and certain:
        judged = status_at(state, question.day)[0]
        if judged != state["status"]:  # a transition with no event: the term that caused it set it
            term = state["terms_by"] or state["agreed_by"]
            setters["status"] = [r for r in certain if r.id == term] or setters.get("status", [])
            state = {**state, "status": judged}
    denials = listed(state["denials"])
    deniers = sorted({d["actor"] for d in denials})
    names = [*SCALARS, *LISTS, *(f"stance.{a}" for a in sorted(state["stances"])), "disputed"]
    names += [f"denial.{a}" for a in deniers]
    fields = []
    for name in names:
        value: object
        if name.startswith("stance."):
            value = state["stances"][name[7:]]["stance"]
        elif name.startswith("denial."):
            value = tuple(d["target"] or "the proposal" for d in denials if d["actor"] == name[7:])
        else:
            value = state[name]  # type: ignore[literal-required]
        events = tuple(ref(r, amended_by=amended.get(r.id)) for r in setters.get(name, []))
        if value in (None, ()) and not events:
            continue
        fields.append(FieldOrigin(field=name, value=_text(value), events=events))
    return Provenance(
        proposal=proposal,
        on=question.on,
        known_by=question.known_by,
        as_recorded=question.as_recorded,
        status=state["status"],
        fields=tuple(fields) if certain else (),
        uncertain=tuple(r.id for r in uncertain),
    )
