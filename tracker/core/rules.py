"""The rule book: ``apply(state, event) -> state``, one small pure rule per kind, written once.

Every consumer folds through this module: replay, the interval pieces, audit, why, diff,
history, the readable tables and the quick status path (which reads what it folded). An
event is its stored JSON body as a ``dict`` (every default present, ``id`` and ``reported``
derived); a state is ``tracker.core.state.State``. Standard library only: nothing here
builds a pydantic model.

The fold never raises on an event that is already in the log (validation happens at append
time, in ``validate``); anything odd is recorded as a warning, so any log can be replayed.
Each rule is a row of ``RULES`` and of the README's rule table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.core.state import State, Transition, push

Event = dict[str, Any]
Changes = list[Transition] | None
"""Where a rule reports what it changed (``audit``, ``history``); None when nobody reads it."""

RULES: dict[str, str] = {
    "floated": "proposer's stance -> proposed; status -> floated (re-floating reopens a closed proposal)",
    "considering": "actor's stance -> considering; status follows the stances",
    "accepted": "actor's stance -> accepted; status follows the stances",
    "rejected": "actor's stance -> rejected; status follows the stances",
    "denied": "denial recorded; disputed -> true; status and stances unchanged",
    "reversed": "actor's stance -> the new stance named; status follows the stances",
    "withdrawn": "actor's stance -> withdrawn; by the proposer: status -> withdrawn (closed)",
    "collapsed": "status -> collapsed (closed)",
    "retracted": "the target event is removed before the fold (for questions recorded after it)",
    "amended": "the target event is replaced by the corrected copy before the fold",
}

KIND_RANK: dict[str, int] = {
    "floated": 0,
    "considering": 1,
    "accepted": 2,
    "rejected": 2,
    "denied": 3,
    "reversed": 4,
    "withdrawn": 5,
    "collapsed": 6,
    "retracted": 7,
    "amended": 7,
}
"""Events on the same days fold in this order of kinds (then by id): a proposal is floated before
anyone answers it, and closed after."""

CORRECTIONS = ("retracted", "amended")
"""The kinds that change other events rather than the proposal: ``replay.effective`` applies them
before the fold, and ``apply`` passes them by."""


def derive_status(state: State) -> str:
    """Overall status from the closure and the stances of the parties that count.

    The parties that count are the addressees, or, when none were named, every party
    other than the proposer that took a stance. Any rejection (or withdrawal from the
    process) by one of them makes the proposal rejected; acceptance by all of them makes
    it accepted; a party considering it, or a partial acceptance, makes it considering.
    """
    closure = state["closure"]
    if closure is not None:
        return closure
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


def _change(changes: Changes, e: Event, field: str, before: str | None, after: str | None) -> None:
    if changes is not None:
        changes.append(
            {"event": e["id"], "kind": e["type"], "actor": e["actor"], "field": field, "before": before, "after": after}
        )


def _warn(state: State, message: str) -> None:
    state["warnings"] = push(state["warnings"], message)


def _set_stance(state: State, e: Event, stance: str, changes: Changes) -> None:
    actor = e["actor"]
    before = state["stances"].get(actor)
    state["stances"] = {**state["stances"], actor: {"stance": stance, "event": e["id"], "occurred": e["occurred"]}}
    _change(changes, e, f"stance.{actor}", before["stance"] if before else None, stance)


def _check_party(state: State, e: Event) -> None:
    if state["proposer"] is None:
        _warn(state, f"{e['id']}: {e['type']} before the proposal was floated (dates overlap)")
    elif state["addressees"] and e["actor"] not in state["addressees"] and e["actor"] != state["proposer"]:
        _warn(state, f"{e['id']}: {e['type']} by {e['actor']}, a party the proposal did not address")


def _floated(state: State, e: Event, changes: Changes) -> None:
    if state["floated_by"] is not None:
        _warn(state, f"{e['id']}: floated again (re-floated; a closed proposal reopens)")
    state["proposer"] = e["actor"]
    state["addressees"] = tuple(dict.fromkeys((*state["addressees"], *e.get("addressees", ()))))
    state["mediators"] = tuple(dict.fromkeys((*state["mediators"], *e.get("mediators", ()))))
    state["channel"] = e.get("channel", "public")
    if e.get("terms") is not None:
        state["terms"] = e["terms"]
    state["floated_by"] = e["id"]
    state["closure"] = None
    state["closed_by"] = None
    _set_stance(state, e, "proposed", changes)


def _stance(state: State, e: Event, changes: Changes) -> None:
    _check_party(state, e)
    _set_stance(state, e, e["type"], changes)


def _denied(state: State, e: Event, changes: Changes) -> None:
    denial = {"actor": e["actor"], "person": e.get("person"), "target": e.get("target")}
    state["denials"] = push(state["denials"], {**denial, "event": e["id"], "occurred": e["occurred"]})
    _change(changes, e, f"denial.{e['actor']}", None, e.get("target") or "the proposal")
    if not state["disputed"]:
        _change(changes, e, "disputed", "false", "true")
    state["disputed"] = True


def _reversed(state: State, e: Event, changes: Changes) -> None:
    if e["actor"] not in state["stances"]:
        _warn(state, f"{e['id']}: reversal by {e['actor']}, who had taken no earlier stance")
    else:
        _check_party(state, e)
    _set_stance(state, e, e["stance"], changes)


def _withdrawn(state: State, e: Event, changes: Changes) -> None:
    _set_stance(state, e, "withdrawn", changes)
    if e["actor"] == state["proposer"]:
        state["closure"] = "withdrawn"
        state["closed_by"] = e["id"]


def _collapsed(state: State, e: Event, changes: Changes) -> None:
    state["closure"] = "collapsed"
    state["closed_by"] = e["id"]


RULE: dict[str, Callable[[State, Event, Changes], None]] = {
    "floated": _floated,
    "considering": _stance,
    "accepted": _stance,
    "rejected": _stance,
    "denied": _denied,
    "reversed": _reversed,
    "withdrawn": _withdrawn,
    "collapsed": _collapsed,
}
"""The rule of each world kind (it edits the copy ``apply`` made)."""

QUIET_AFTER_CLOSE = ("floated", "denied")
"""Kinds that are no anomaly after a proposal closed: a re-float reopens it, a denial is about the past."""


def apply(state: State, e: Event, changes: Changes = None) -> State:
    """Fold one event into the state of its proposal; pure: the given state is never changed.

    ``changes``, when a list, receives the transitions this event made (stances, denials,
    status), for the history and the audit.
    """
    kind = e["type"]
    if kind in CORRECTIONS:
        return state  # corrections act on the log before the fold (see replay.effective)
    closure = state["closure"]
    before = state["status"]
    new: State = state.copy()
    RULE[kind](new, e, changes)
    if closure is not None and kind not in QUIET_AFTER_CLOSE:
        _warn(new, f"{e['id']}: {kind} after the proposal closed ({closure})")
    new["version"] += 1
    new["last_event"] = e["id"]
    after = derive_status(new)
    new["status"] = after
    if after != before:
        _change(changes, e, "status", before, after)
    return new
