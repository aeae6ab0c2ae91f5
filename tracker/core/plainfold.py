"""The replay over plain dicts: ``replay.effective`` and ``reducer.apply`` for the projections.

The projections fold every event of a touched proposal at append time and every event of
the log on rebuild; through pydantic models that costs ~80 us an event (each rule copies
the frozen state several times). This module folds plain dicts (stored bodies decoded with
``codec.loads`` in ``workers.plain``) (copy on write, ~3 us an event), rule for rule the same as
``tracker.reducer``: the property tests check that a state folded here validates to the
very ``ProposalState`` the reducer makes. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from tracker.core import codec
from tracker.core.dates import Bounds, bounds
from tracker.core.replay import KIND_RANK, partition

State = dict[str, Any]


class Plain(NamedTuple):
    """A stored event as a dict, with its log position, date bounds and replay order.

    A named tuple: built once per event on every append and rebuild, and a frozen dataclass
    costs several times as much to construct.
    """

    seq: int
    recorded_at: str
    event: dict[str, Any]
    occurred: Bounds
    reported: Bounds | None
    order: tuple[str, str, int, str]
    id: str
    """The event id (also the last part of ``order``)."""

    @classmethod
    def of(cls, seq: int, recorded_at: str, event: dict[str, Any]) -> Plain:
        """Wrap a decoded body (as stored: every default present, ``id`` and ``reported`` derived)."""
        occurred = bounds(event["occurred"])
        reported = bounds(event["reported"]) if event.get("reported") is not None else None
        eid = str(event["id"])
        order = (occurred.earliest, occurred.latest, KIND_RANK[event["type"]], eid)
        return cls(seq, recorded_at, event, occurred, reported, order, eid)

    @classmethod
    def stored(
        cls, seq: int, recorded_at: str, event: dict[str, Any], occurred: Bounds, reported: Bounds | None
    ) -> Plain:
        """Wrap a decoded stored body whose date bounds are already known (the store's columns)."""
        eid = event["id"]
        order = (occurred.earliest, occurred.latest, KIND_RANK[event["type"]], eid)
        return cls(seq, recorded_at, event, occurred, reported, order, eid)


CORRECTIONS = ("retracted", "amended")
"""The kinds that change other events rather than the proposal (``reducer.apply`` passes them by)."""


def has_correction(records: Iterable[Plain]) -> bool:
    """Whether any of these records is a correction (a retraction or an amendment)."""
    return any(r.event["type"] in CORRECTIONS for r in records)


def retracted_ids(log: Sequence[Plain]) -> set[str]:
    """``replay.retracted_ids`` over plain records."""
    cancelled: set[str] = set()
    for rec in reversed(log):
        if rec.id not in cancelled and rec.event["type"] == "retracted":
            cancelled.add(rec.event["target"])
    return cancelled


def effective(records: Iterable[Plain], as_recorded: str | None = None) -> list[Plain]:
    """``replay.effective`` over plain records: retractions drop, amendments replace in place."""
    log = [r for r in records if as_recorded is None or r.recorded_at <= as_recorded]
    cancelled = retracted_ids(log)
    replacements: dict[str, dict[str, Any]] = {}
    for rec in log:
        if rec.id not in cancelled and rec.event["type"] == "amended":
            replacements[rec.event["target"]] = {**rec.event["replacement"], "id": rec.event["target"]}
    out = []
    for rec in log:
        if rec.id in cancelled or rec.event["type"] in CORRECTIONS:
            continue
        fixed = replacements.get(rec.id)
        out.append(rec if fixed is None else Plain.of(rec.seq, rec.recorded_at, fixed))
    return out


def empty(proposal: str) -> State:
    """``state.empty`` as the dict ``ProposalState.model_dump(mode="json")`` gives."""
    return {
        "proposal": proposal,
        "status": None,
        "proposer": None,
        "addressees": [],
        "mediators": [],
        "channel": None,
        "terms": None,
        "floated_by": None,
        "closure": None,
        "closed_by": None,
        "stances": {},
        "denials": [],
        "disputed": False,
        "history": [],
        "warnings": [],
        "version": 0,
        "last_event": None,
    }


def derive_status(state: State) -> str:
    """``reducer.derive_status`` over a dict (the hottest function of a fold: no generators)."""
    closure = state["closure"]
    if closure is not None:
        return str(closure)
    stances = state["stances"]
    addressees = state["addressees"]
    if addressees:
        held = [stances[p]["stance"] for p in addressees if p in stances]
        counting = len(addressees)
    else:
        proposer = state["proposer"]
        held = [v["stance"] for p, v in stances.items() if p != proposer]
        counting = len(held)
    if "rejected" in held or "withdrawn" in held:
        return "rejected"
    if counting and len(held) == counting and held.count("accepted") == counting:
        return "accepted"
    if "considering" in held or "accepted" in held:
        return "considering"
    return "floated"


def _change(state: State, e: dict[str, Any], field: str, before: str | None, after: str | None) -> None:
    # The history list is appended in place (copying it per event made a long fold
    # quadratic): it is shared by successive states, so a caller that keeps earlier
    # states (``intervals``) folds without history (None).
    if state.get("history") is not None:
        change = {"event": e["id"], "kind": e["type"], "actor": e["actor"], "field": field}
        state["history"].append({**change, "before": before, "after": after})


def _warn(state: State, message: str) -> None:
    state["warnings"] = [*state["warnings"], message]


def _set_stance(state: State, e: dict[str, Any], stance: str) -> None:
    actor = e["actor"]
    before = state["stances"].get(actor)
    state["stances"] = {**state["stances"], actor: {"stance": stance, "event": e["id"], "occurred": e["occurred"]}}
    if state.get("history") is not None:
        _change(state, e, f"stance.{actor}", before["stance"] if before else None, stance)


def _check_party(state: State, e: dict[str, Any]) -> None:
    if state["proposer"] is None:
        _warn(state, f"{e['id']}: {e['type']} before the proposal was floated (dates overlap)")
    elif state["addressees"] and e["actor"] not in state["addressees"] and e["actor"] != state["proposer"]:
        _warn(state, f"{e['id']}: {e['type']} by {e['actor']}, a party the proposal did not address")


def apply(state: State, e: dict[str, Any]) -> State:
    """``reducer.apply`` over dicts: returns a new dict; only ``state["history"]`` is shared and grows.

    A state without history (the key None or absent) is left with a stale ``status``: see ``settle``.
    """
    kind = e["type"]
    if kind in CORRECTIONS:
        return state
    closed = state["closure"]
    was_closed = closed is not None
    before = state["status"]
    state = dict(state)
    if kind == "floated":
        if state["floated_by"] is not None:
            _warn(state, f"{e['id']}: floated again (re-floated; a closed proposal reopens)")
        state["proposer"] = e["actor"]
        state["addressees"] = list(dict.fromkeys([*state["addressees"], *e.get("addressees", ())]))
        state["mediators"] = list(dict.fromkeys([*state["mediators"], *e.get("mediators", ())]))
        state["channel"] = e.get("channel", "public")
        if e.get("terms") is not None:
            state["terms"] = e["terms"]
        state.update(floated_by=e["id"], closure=None, closed_by=None)
        _set_stance(state, e, "proposed")
    elif kind in ("considering", "accepted", "rejected"):
        _check_party(state, e)
        _set_stance(state, e, kind)
    elif kind == "denied":
        denial = {"actor": e["actor"], "person": e.get("person"), "target": e.get("target")}
        state["denials"] = [*state["denials"], {**denial, "event": e["id"], "occurred": e["occurred"]}]
        _change(state, e, f"denial.{e['actor']}", None, e.get("target") or "the proposal")
        if not state["disputed"]:
            _change(state, e, "disputed", "false", "true")
        state["disputed"] = True
    elif kind == "reversed":
        if e["actor"] not in state["stances"]:
            _warn(state, f"{e['id']}: reversal by {e['actor']}, who had taken no earlier stance")
        else:
            _check_party(state, e)
        _set_stance(state, e, e["stance"])
    elif kind == "withdrawn":
        _set_stance(state, e, "withdrawn")
        if e["actor"] == state["proposer"]:
            state.update(closure="withdrawn", closed_by=e["id"])
    elif kind == "collapsed":
        state.update(closure="collapsed", closed_by=e["id"])
    else:
        raise ValueError(f"unknown event kind {kind!r}")
    if was_closed and kind not in ("floated", "denied"):
        _warn(state, f"{e['id']}: {kind} after the proposal closed ({closed})")  # closed: the status was that
    state["version"] += 1
    state["last_event"] = e["id"]
    if state.get("history") is None:
        # Without history nothing reads the status of a state in the middle of a fold, and a fold
        # that keeps every state (``intervals``) derives it only for those it emits: ``settle``.
        return state
    after = derive_status(state)
    state["status"] = after
    if after != before:
        _change(state, e, "status", before, after)
    return state


def settle(state: State) -> State:
    """Set ``status`` on a state folded without history (in place; the empty state keeps None)."""
    if state["version"]:
        state["status"] = derive_status(state)
    return state


def fold(proposal: str, records: Sequence[Plain], *, history: bool = True) -> State:
    """Fold records (already certain) in replay order; ``history=False`` skips the transitions."""
    state = empty(proposal)
    if not history:
        state["history"] = None
    for rec in sorted(records, key=lambda r: r.order):
        state = apply(state, rec.event)
    return state if history else settle(state)


def _place(low: str, high: str, cut: str | None) -> int:
    if cut is None or high <= cut:
        return 1
    return 0 if low <= cut else -1


def classify(rec: Plain, on: str | None, known_by: str | None) -> int:
    """``replay.classify``: 1 certain, 0 uncertain, -1 excluded."""
    place = _place(rec.occurred.earliest, rec.occurred.latest, on)
    if known_by is None:
        return place
    if rec.reported is None:
        return -1
    return min(place, _place(rec.reported.earliest, rec.reported.latest, known_by))


def answer_one(
    proposal: str, records: Iterable[Plain], on: str | None, known_by: str | None
) -> tuple[State, tuple[str, ...]] | None:
    """``replay.answer_one`` without history: the state and the uncertain ids, None if nothing by then."""
    split = partition(records, lambda rec: classify(rec, on, known_by))
    if split is None:
        return None
    certain, uncertain = split
    return fold(proposal, certain, history=False), tuple(r.id for r in uncertain)


def state_json(state: State) -> str:
    """The stored form of a state without history (compact; keys in the fixed order of ``empty``)."""
    return codec.compact({k: v for k, v in state.items() if k != "history"} if "history" in state else state)
