"""The reducer: ``apply(state, event) -> state``, one small pure rule per kind.

The fold never raises on an event that is already in the log (validation happens at append
time); anything odd is recorded in ``state.warnings`` so that any log can be replayed.
Each rule is a row of the README's rule table.
"""

from __future__ import annotations

from typing import assert_never

from tracker.core.events import (
    Accepted,
    Amended,
    Collapsed,
    Considering,
    Denied,
    Event,
    Floated,
    Rejected,
    Retracted,
    Reversed,
    Stance,
    Withdrawn,
)
from tracker.core.state import Denial, ProposalState, StanceEntry, Status, Transition

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


def derive_status(state: ProposalState) -> Status:
    """Overall status from the closure and the stances of the parties that count.

    The parties that count are the addressees, or, when none were named, every party
    other than the proposer that took a stance. Any rejection (or withdrawal from the
    process) by one of them makes the proposal rejected; acceptance by all of them makes
    it accepted; a party considering it, or a partial acceptance, makes it considering.
    """
    if state.closure is not None:
        return state.closure
    if state.addressees:
        counting = state.addressees
    else:
        counting = tuple(p for p in state.stances if p != state.proposer)
    stances = [state.stances[p].stance for p in counting if p in state.stances]
    if any(s in ("rejected", "withdrawn") for s in stances):
        return "rejected"
    if counting and len(stances) == len(counting) and all(s == "accepted" for s in stances):
        return "accepted"
    if any(s in ("considering", "accepted") for s in stances):
        return "considering"
    return "floated"


def _set_stance(state: ProposalState, event: Event, stance: Stance) -> ProposalState:
    eid = event.event_id
    before = state.stances.get(event.actor)
    entry = StanceEntry(stance=stance, event=eid, occurred=event.occurred)
    change = Transition(
        event=eid,
        kind=event.type,
        actor=event.actor,
        field=f"stance.{event.actor}",
        before=before.stance if before else None,
        after=stance,
    )
    return state.model_copy(
        update={"stances": {**state.stances, event.actor: entry}, "history": (*state.history, change)}
    )


def _warn(state: ProposalState, message: str) -> ProposalState:
    return state.model_copy(update={"warnings": (*state.warnings, message)})


def _check_party(state: ProposalState, event: Event) -> ProposalState:
    eid = event.event_id
    if state.proposer is None:
        state = _warn(state, f"{eid}: {event.type} before the proposal was floated (dates overlap)")
    elif state.addressees and event.actor not in state.addressees and event.actor != state.proposer:
        state = _warn(state, f"{eid}: {event.type} by {event.actor}, a party the proposal did not address")
    return state


def _floated(state: ProposalState, event: Floated) -> ProposalState:
    if state.floated_by is not None:
        state = _warn(state, f"{event.event_id}: floated again (re-floated; a closed proposal reopens)")
    state = state.model_copy(
        update={
            "proposer": event.actor,
            "addressees": tuple(dict.fromkeys((*state.addressees, *event.addressees))),
            "mediators": tuple(dict.fromkeys((*state.mediators, *event.mediators))),
            "channel": event.channel,
            "terms": event.terms if event.terms is not None else state.terms,
            "floated_by": event.event_id,
            "closure": None,
            "closed_by": None,
        }
    )
    return _set_stance(state, event, "proposed")


def _stance(state: ProposalState, event: Considering | Accepted | Rejected) -> ProposalState:
    state = _check_party(state, event)
    return _set_stance(state, event, event.type)


def _denied(state: ProposalState, event: Denied) -> ProposalState:
    denial = Denial(
        actor=event.actor,
        person=event.person,
        target=event.target,
        event=event.event_id,
        occurred=event.occurred,
    )
    changes = [
        Transition(
            event=event.event_id,
            kind="denied",
            actor=event.actor,
            field=f"denial.{event.actor}",
            before=None,
            after=event.target or "the proposal",
        )
    ]
    if not state.disputed:
        changes.append(
            Transition(
                event=event.event_id, kind="denied", actor=event.actor, field="disputed", before="false", after="true"
            )
        )
    return state.model_copy(
        update={"denials": (*state.denials, denial), "disputed": True, "history": (*state.history, *changes)}
    )


def _reversed(state: ProposalState, event: Reversed) -> ProposalState:
    if event.actor not in state.stances:
        state = _warn(state, f"{event.event_id}: reversal by {event.actor}, who had taken no earlier stance")
    else:
        state = _check_party(state, event)
    return _set_stance(state, event, event.stance)


def _withdrawn(state: ProposalState, event: Withdrawn) -> ProposalState:
    state = _set_stance(state, event, "withdrawn")
    if event.actor == state.proposer:
        state = state.model_copy(update={"closure": "withdrawn", "closed_by": event.event_id})
    return state


def _collapsed(state: ProposalState, event: Collapsed) -> ProposalState:
    return state.model_copy(update={"closure": "collapsed", "closed_by": event.event_id})


def apply(state: ProposalState, event: Event) -> ProposalState:
    """Fold one event into the state of its proposal. Pure: no I/O, no clock, never raises."""
    was_closed = state.closed
    before = state.status
    match event:
        case Floated():
            state = _floated(state, event)
        case Considering() | Accepted() | Rejected():
            state = _stance(state, event)
        case Denied():
            state = _denied(state, event)
        case Reversed():
            state = _reversed(state, event)
        case Withdrawn():
            state = _withdrawn(state, event)
        case Collapsed():
            state = _collapsed(state, event)
        case Retracted() | Amended():
            return state  # corrections act on the log before the fold (see replay.effective)
        case _:
            assert_never(event)
    if was_closed and not isinstance(event, Floated | Denied):
        state = _warn(state, f"{event.event_id}: {event.type} after the proposal closed ({before})")
    after = derive_status(state)
    update: dict[str, object] = {"status": after, "version": state.version + 1, "last_event": event.event_id}
    if after != before:
        change = Transition(
            event=event.event_id, kind=event.type, actor=event.actor, field="status", before=before, after=after
        )
        update["history"] = (*state.history, change)
    return state.model_copy(update=update)
