"""The rule book: ``apply(state, event) -> state``, one small pure rule per kind, written once.

Every consumer folds through this module: replay, the interval pieces, audit, why, diff,
history, the readable tables and the quick status path (which reads what it folded). An
event is its stored JSON body as a ``dict`` (every default present, ``id`` and ``reported``
derived); a state is ``tracker.core.state.State``. Standard library only: nothing here
builds a pydantic model.

The fold never raises on an event that is already in the log (validation happens at append
time, in ``validate``); anything odd is recorded as a warning, so any log can be replayed.
Each rule is a row of ``RULES`` and of the README's rule tables. Transitions that happen
with no event (an agreement coming into force at its ``effective`` time, expiring at its
scheduled end) are ``status_at``: the state after the fold, judged on a day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tracker.core import terms
from tracker.core.dates import Bounds, bounds
from tracker.core.state import Chain, State, Stored, Transition, push

Event = dict[str, Any]
Changes = list[Transition] | None
"""Where a rule reports what it changed (``audit``, ``history``); None when nobody reads it."""

RULES: dict[str, str] = {
    "floated": "proposer's and co-proposers' stances -> proposed; status -> floated (re-floating reopens a closed one)",
    "considering": "actor's stance -> considering; status follows the stances",
    "accepted": "actor's stance -> accepted; status follows the stances",
    "rejected": "actor's stance -> rejected; status follows the stances",
    "denied": "denial recorded; disputed -> true; status and stances unchanged",
    "reversed": "actor's stance -> the new stance named; status follows the stances",
    "withdrawn": "actor's stance -> withdrawn; by the proposer: status -> withdrawn (closed)",
    "collapsed": "status -> collapsed (closed)",
    "counter_proposed": "actor's stance -> countered; status -> countered unless someone rejected",
    "signed": "actor's stance -> signed (counts as accepted); terms adopted",
    "took_effect": "effective -> the event's (else its day); an agreement is in force from then",
    "extended": "the scheduled end moves once every required party extended (the mediator: for all); "
    "different ends -> an interval, disputed; deadlines move only the deadlines named",
    "objected": "the actor's objection to one term or extension is recorded; status unchanged",
    "suspended": "a required party suspending participation or implementation -> suspended; scope talks: talks only",
    "resumed": "actor's stance -> participating; in force again once nobody remains suspended; scope talks: talks only",
    "violation_alleged": "a ledger entry (claimant, accused, incident); status never changes",
    "violation_confirmed": "the allegation is marked confirmed by the monitor (or a confirmed entry added)",
    "claimed": "a ledger entry: a third party's claim about another; nothing changes until that party acts",
    "terminated": "status -> terminated (closed); the actor's stance -> terminated",
    "recommitted": "once every required party recommitted, a closed or lapsed agreement is agreed again",
    "superseded": "status -> superseded (closed), by the proposal named",
    "expired": "pins the end of an agreement with no scheduled end (a report that contradicts one: warning)",
    "terms_disclosed": "terms adopted (published later than the agreement)",
    "endorsed": "the actor is an endorser (a role, not a stance)",
    "retracted": "the target event is removed before the fold (for questions recorded after it)",
    "amended": "the target event is replaced by the corrected copy before the fold",
}

KIND_RANK: dict[str, int] = {
    "floated": 0,
    "considering": 10,
    "counter_proposed": 15,
    "accepted": 20,
    "rejected": 20,
    "signed": 20,
    "recommitted": 22,
    "terms_disclosed": 24,
    "took_effect": 25,
    "endorsed": 26,
    "extended": 27,
    "objected": 28,
    "claimed": 29,
    "violation_alleged": 30,
    "violation_confirmed": 31,
    "denied": 32,
    "reversed": 40,
    "suspended": 45,
    "resumed": 46,
    "withdrawn": 50,
    "expired": 55,
    "collapsed": 60,
    "terminated": 61,
    "superseded": 62,
    "retracted": 70,
    "amended": 70,
}
"""Events on the same days fold in this order of kinds (then by id): a proposal is floated before
anyone answers it, agreed before it takes effect, and closed after."""

CORRECTIONS = ("retracted", "amended")
"""The kinds that change other events rather than the proposal: ``replay.effective`` applies them
before the fold, and ``apply`` passes them by."""

ACCEPTING = ("accepted", "signed", "participating")
"""Stances that count towards an agreement (the proposer's ``proposed`` does too)."""
OPEN_AFTER_CLOSE = ("floated", "denied", "violation_alleged", "violation_confirmed", "claimed", "endorsed",
                    "terms_disclosed", "expired")  # fmt: skip
"""Kinds that are no anomaly after a proposal closed (a re-float reopens it; the rest is about the past)."""
REOPENING = ("accepted", "signed", "recommitted", "extended")
"""Kinds that are no anomaly after an agreement closed: they may recommit to it (or extend a lapsed one)."""
REOPENABLE = ("collapsed", "expired", "terminated")
"""Closures of an agreement that a recommitment by every required party undoes."""
TERM_KINDS = ("floated", "accepted", "signed", "took_effect", "terms_disclosed", "recommitted")
"""Kinds whose terms (effective, ends or duration, end_rule, deadlines, required parties) are adopted."""


# -- who counts --------------------------------------------------------------------------------


def required(state: State) -> tuple[str, ...]:
    """The parties whose agreement makes an agreement: ``required_parties`` if given, else the
    proposer and the addressees, else the proposer and every other party that took a stance
    (mediators and endorsers have roles, not stances, and never count)."""
    if state["required"]:
        return state["required"]
    proposers = _proposers(state)
    # A mediator who floats the proposal (the UN putting forward a truce) has a role, not a stance.
    head = tuple(p for p in proposers if p not in state["mediators"])
    if state["addressees"]:
        return head + tuple(p for p in state["addressees"] if p not in proposers)
    roles = (*state["mediators"], *state["endorsers"])
    return head + tuple(p for p in state["stances"] if p not in proposers and p not in roles)


def _proposers(state: State) -> tuple[str, ...]:
    """The proposer, then the parties who put the proposal forward with it (co-proposers)."""
    proposer = state["proposer"]
    return ((proposer,) if proposer is not None else ()) + state["co_proposers"]


def _counting(state: State) -> tuple[str, ...]:
    """The required parties other than the proposers: the ones whose answer moves the status."""
    proposers = _proposers(state)
    return tuple(p for p in required(state) if p not in proposers)


def _all_accept(state: State) -> bool:
    """Whether every required party accepts (a proposal nobody is known to have floated is never agreed)."""
    counting = _counting(state)
    if not counting or state["floated_by"] is None:
        return False
    stances = state["stances"]
    if any(p not in stances or stances[p]["stance"] not in ACCEPTING for p in counting):
        return False
    proposer = state["proposer"]
    if proposer is not None and proposer in required(state) and proposer in stances:
        return stances[proposer]["stance"] in (*ACCEPTING, "proposed")
    return True


def derive_status(state: State) -> str:
    """The status the events make, before any transition with no event (see ``status_at``).

    A closure (withdrawn, collapsed, terminated, superseded, a reported expiry) holds until the
    proposal is floated again or recommitted to. An agreement is ``agreed`` (or ``suspended``
    while a required party has suspended it). In negotiation the required parties other than
    the proposer count: any of them rejecting (or withdrawing from the process) makes it
    rejected; a counter-proposal makes it countered; a party considering it, or a partial
    acceptance, makes it considering; otherwise it is floated.
    """
    closure = state["closure"]
    if closure is not None:
        return closure
    if state["agreed_by"] is not None:
        return "suspended" if state["suspended"] else "agreed"
    stances = state["stances"]
    held = [stances[p]["stance"] for p in _counting(state) if p in stances]
    if "rejected" in held or "withdrawn" in held:
        return "rejected"
    if "countered" in held:
        return "countered"
    if "considering" in held or "accepted" in held or "signed" in held or "participating" in held:
        return "considering"
    return "floated"


# -- transitions with no event -------------------------------------------------------------------


def status_at(state: Mapping[str, Any], day: str) -> tuple[str | None, tuple[str, ...]]:
    """The status on ``day`` (judged at its end, UTC) and the terms whose date straddles it.

    An agreement is in force from its first day in force (``effective``, else the day it was
    agreed) and expired from the first day after its scheduled end. A vague term whose days
    straddle ``day`` is neither applied nor dropped: the status stays what it was before it,
    and the term is listed (``<event>#effective``, ``<event>#ends``), like an uncertain event.
    """
    status = state["status"]
    if status not in ("agreed", "suspended"):
        return status, ()
    marks: list[str] = []
    source = state["terms_by"] or state["agreed_by"]
    expiry = state["expiry"]
    if expiry is not None:
        if expiry[1] <= day:
            return "expired", ()
        if expiry[0] <= day:
            marks.append(f"{source}#ends")
    if status == "suspended":
        return status, tuple(marks)
    start = state["start"]
    if start is None or start[1] <= day:
        return "in_force", tuple(marks)
    if start[0] <= day:
        marks.insert(0, f"{source}#effective")
    return "agreed", tuple(marks)


def breakpoints(state: Mapping[str, Any]) -> tuple[str, ...]:
    """The days on which ``status_at`` can change for this state (its terms' bounds), sorted."""
    days = set()
    for pair in (state["start"], state["expiry"]):
        if pair is not None:
            days.update(pair)
    return tuple(sorted(days)) if state["status"] in ("agreed", "suspended") else ()


def judged(
    state: Mapping[str, Any], day: str | None, known_by: str | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A state in its JSON form as it stands on ``day``: the status with the transitions that need no
    event, the deadlines' state, the violations and claims as read from the ledger, and whether the
    answer is a projection (a transition after ``known_by`` that nobody had reported by then).

    Returns the judged JSON form and the terms left uncertain on ``day``. ``day`` None: no day
    (the status the events make).
    """
    out = dict(state)
    marks: tuple[str, ...] = ()
    out["judged_on"] = day
    if day is not None:
        out["status"], marks = status_at(state, day)
    out["projected"] = bool(
        day is not None and known_by is not None and known_by < day
        and any(known_by < b <= day for b in breakpoints(state))
    )  # fmt: skip
    out["deadlines"] = [{**d, "state": _deadline(d["due"], day)} for d in state["deadlines"]]
    out["violations"], out["claims"], out["objections"] = _ledger(state["ledger"])
    return out, marks


def _deadline(due: str, day: str | None) -> str:
    if day is None:
        return "open"
    low, high = bounds(due)
    return "passed" if high < day else "open" if low > day else "due"


Rows = list[dict[str, Any]]


def _ledger(entries: Rows) -> tuple[Rows, Rows, Rows]:
    """Violations, claims and objections from the ledger, each denial and confirmation on its entry."""
    violations: dict[str, dict[str, Any]] = {}
    claims: dict[str, dict[str, Any]] = {}
    objections = []
    for x in entries:
        if "kind" not in x:  # an element left unread (``packing.unpack`` without a reader)
            continue
        if x["kind"] == "allegation":
            violations[x["event"]] = {"event": x["event"], "claimant": x["claimant"], "accused": x["accused"],
                                      "incident": x["incident"], "location": x["location"],
                                      "denied_by": [], "confirmed_by": []}  # fmt: skip
        elif x["kind"] == "confirmation":
            found = violations.get(x["target"]) if x["target"] else None
            if found is not None:
                found["confirmed_by"].append(x["actor"])
            elif x["target"] is None:
                violations[x["event"]] = {"event": x["event"], "claimant": x["actor"], "accused": x["accused"],
                                          "incident": x["incident"], "location": None,
                                          "denied_by": [], "confirmed_by": [x["actor"]]}  # fmt: skip
        elif x["kind"] == "claim":
            claims[x["event"]] = {"event": x["event"], "claimant": x["claimant"], "about": x["about"],
                                  "claim": x["claim"], "denied_by": []}  # fmt: skip
        elif x["kind"] == "denial":
            for table in (violations, claims):
                if x["target"] in table:
                    table[x["target"]]["denied_by"].append(x["actor"])
        elif x["kind"] == "objection":
            objections.append({"event": x["event"], "actor": x["actor"], "target": x["target"]})
    return list(violations.values()), list(claims.values()), objections


# -- helpers of the rules ---------------------------------------------------------------------


def _change(changes: Changes, e: Event, field: str, before: str | None, after: str | None) -> None:
    if changes is not None:
        changes.append(
            {"event": e["id"], "type": e["type"], "actor": e["actor"], "field": field, "before": before, "after": after}
        )


def _warn(state: State, message: str) -> None:
    state["warnings"] = push(state["warnings"], message)


def _note(state: State, entry: dict[str, Any]) -> None:
    state["ledger"] = push(state["ledger"], entry)


def _set_stance(state: State, e: Event, stance: str, changes: Changes, actor: str | None = None) -> None:
    actor = actor or e["actor"]
    before = state["stances"].get(actor)
    state["stances"] = {**state["stances"], actor: {"stance": stance, "event": e["id"], "occurred": e["occurred"]}}
    _change(changes, e, f"stance.{actor}", before["stance"] if before else None, stance)


def _check_party(state: State, e: Event) -> None:
    if state["proposer"] is None:
        _warn(state, f"{e['id']}: {e['type']} before the proposal was floated (dates overlap)")
    elif state["addressees"] and e["actor"] not in state["addressees"] and e["actor"] not in _proposers(state):
        _warn(state, f"{e['id']}: {e['type']} by {e['actor']}, a party the proposal did not address")


def _window(state: State) -> None:
    """Recompute the first day in force and the first day expired from the terms."""
    if state["agreed_by"] is None:
        state["start"] = state["expiry"] = None
        return
    effective = state["effective"] or state["agreed_on"]
    assert effective is not None
    state["start"] = tuple(terms.start(effective))  # type: ignore[typeddict-item]
    if state["end_rule"] == "open":
        state["expiry"] = None
    elif state["duration"] is not None:  # first: the end it gave moves with a later effective
        state["ends"] = terms.end_of(effective, state["duration"])
        state["expiry"] = tuple(terms.expiry_after(effective, state["duration"]))  # type: ignore[typeddict-item]
    elif state["ends"] is not None:
        state["expiry"] = tuple(terms.expiry_of_end(state["ends"]))  # type: ignore[typeddict-item]
    else:
        state["expiry"] = None


def _adopt_terms(state: State, e: Event) -> None:
    """Take the terms an event carries (only those it names)."""
    named = False
    if e.get("effective") is not None:
        state["effective"] = e["effective"]
        named = True
    if e.get("ends") is not None:
        state["ends"], state["duration"] = e["ends"], None
        named = True
    elif e.get("duration") is not None:
        state["ends"], state["duration"] = None, e["duration"]
        named = True
    if e.get("end_rule") is not None:
        state["end_rule"] = e["end_rule"]
        if e["end_rule"] == "open":
            state["ends"] = state["duration"] = None
        named = True
    if e.get("deadlines"):
        due = {d["what"]: d for d in state["deadlines"]}
        due.update((d["what"], {"what": d["what"], "due": d["due"], "set_by": e["id"]}) for d in e["deadlines"])
        state["deadlines"] = tuple(due.values())
    if e.get("required_parties"):
        state["required"] = tuple(e["required_parties"])
    if named:
        state["terms_by"] = e["id"]
    _window(state)


def _agree(state: State, e: Event, changes: Changes) -> None:
    """The event completes an agreement (or a recommitment): it is agreed from the event's day."""
    state["agreed_by"] = e["id"]
    state["agreed_on"] = e["occurred"]
    state["closure"] = state["closed_by"] = None
    state["recommitted"] = ()
    state["extensions"] = {}
    _window(state)
    _change(changes, e, "agreed_by", None, e["id"])


def _lapsed(state: State, e: Event) -> bool:
    """Whether the agreement was closed (collapsed, expired, terminated) or past its end when ``e`` happened."""
    return state["agreed_by"] is not None and (state["closure"] in REOPENABLE or _after_end(state, e))


def _after_end(state: State, e: Event) -> bool:
    """Whether the event certainly happened after the agreement's scheduled end (it had lapsed)."""
    expiry = state["expiry"]
    return expiry is not None and bounds(e["occurred"]).earliest >= expiry[1]


def _recommit(state: State, e: Event, changes: Changes, *, read_as: bool) -> None:
    """A required party recommits to a closed or lapsed agreement; every one of them: agreed again."""
    actor = e["actor"]
    if actor not in required(state):
        _warn(state, f"{e['id']}: {e['type']} by {actor}, who is not a required party")
        return
    state["recommitted"] = tuple(dict.fromkeys((*state["recommitted"], actor)))
    if read_as:
        _warn(state, f"{e['id']}: {e['type']} by {actor} after the agreement ended, read as a recommitment")
    if set(required(state)) <= set(state["recommitted"]):
        # The terms of the old agreement do not carry over: with no term named in this round it is
        # open-ended from today; an ``effective`` from before the round (the old start) gives way to
        # the day of the recommitment, so a duration counts from it.
        stances = state["stances"]
        round_ = {stances[p]["event"] for p in state["recommitted"] if p in stances} | {e["id"]}
        if state["terms_by"] not in round_:
            state["effective"], state["ends"], state["duration"] = None, None, None
        elif state["effective"] is not None:
            first = min(bounds(stances[p]["occurred"]).earliest for p in state["recommitted"] if p in stances)
            if terms.start(state["effective"]).latest < first:
                state["effective"] = None
        _agree(state, e, changes)
    elif state["closure"] is None:
        # Lapsed, and not every party has recommitted yet: it stays expired whatever terms this
        # recommitment named (they hold once the others recommit), not revived by one side alone.
        state["closure"], state["closed_by"] = "expired", None


# -- the rules ------------------------------------------------------------------------------------


def _floated(state: State, e: Event, changes: Changes) -> None:
    if state["floated_by"] is not None:
        _warn(state, f"{e['id']}: floated again (re-floated; a closed proposal reopens)")
    state["proposer"] = e["actor"]
    joint = dict.fromkeys((*state["co_proposers"], *e.get("co_proposers", ())))
    state["co_proposers"] = tuple(p for p in joint if p != e["actor"])
    state["addressees"] = tuple(dict.fromkeys((*state["addressees"], *e.get("addressees", ()))))
    state["mediators"] = tuple(dict.fromkeys((*state["mediators"], *e.get("mediators", ()))))
    state["channel"] = e.get("channel", "public")
    if e.get("terms") is not None:
        state["terms"] = e["terms"]
    state["floated_by"] = e["id"]
    state["closure"] = None
    state["closed_by"] = None
    _set_stance(state, e, "proposed", changes)
    for party in e.get("co_proposers", ()):
        if party != e["actor"]:
            _set_stance(state, e, "proposed", changes, party)
    _adopt_terms(state, e)


def _stance(state: State, e: Event, changes: Changes) -> None:
    kind = str(e["type"])
    stance = "countered" if kind == "counter_proposed" else kind
    if state["agreed_by"] is not None and stance in ("rejected", "withdrawn"):
        _terminate_by(state, e, stance, changes)
        return
    _check_party(state, e)
    lapsed = _lapsed(state, e)  # judged on the terms before this event's own
    _set_stance(state, e, stance, changes)
    if kind in TERM_KINDS:
        _adopt_terms(state, e)
    if stance not in ACCEPTING:
        return
    if lapsed:
        _recommit(state, e, changes, read_as=True)
    elif state["agreed_by"] is None and state["closure"] is None and _all_accept(state):
        _agree(state, e, changes)


def _terminate_by(state: State, e: Event, stance: str, changes: Changes) -> None:
    """After agreement, a required party rejecting or withdrawing is read as terminating it."""
    actor = e["actor"]
    if actor not in required(state):
        _warn(state, f"{e['id']}: {stance} by {actor} after the agreement, by a party it does not require")
        _set_stance(state, e, stance, changes)
        return
    _warn(state, f"{e['id']}: {stance} by {actor} after the agreement, read as terminated by {actor}")
    _set_stance(state, e, "terminated", changes)
    if state["closure"] is None:
        state["closure"], state["closed_by"] = "terminated", e["id"]


def _ledger_target(state: State, target: str | None) -> dict[str, Any] | None:
    """The ledger entry (an allegation or claim) an event names, if any."""
    node: Chain | Stored | None = state["ledger"]
    while isinstance(node, Chain):
        if node.item.get("event") == target and node.item["kind"] in ("allegation", "claim"):
            return dict(node.item)
        node = node.parent
    return None


def _denied(state: State, e: Event, changes: Changes) -> None:
    if e.get("target") is not None and _ledger_target(state, e["target"]) is not None:
        _note(state, {"kind": "denial", "event": e["id"], "actor": e["actor"], "target": e["target"]})
        _change(changes, e, f"denial.{e['actor']}", None, e["target"])
        return
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
    if state["agreed_by"] is not None and e["stance"] in ("rejected", "withdrawn"):
        _terminate_by(state, e, e["stance"], changes)
        return
    _set_stance(state, e, e["stance"], changes)
    if e["stance"] in ACCEPTING and state["agreed_by"] is None and state["closure"] is None and _all_accept(state):
        _agree(state, e, changes)


def _withdrawn(state: State, e: Event, changes: Changes) -> None:
    if state["agreed_by"] is not None:
        _terminate_by(state, e, "withdrawn", changes)
        return
    _set_stance(state, e, "withdrawn", changes)
    if e["actor"] == state["proposer"]:
        state["closure"] = "withdrawn"
        state["closed_by"] = e["id"]


def _closed_as(closure: str) -> Callable[[State, Event, Changes], None]:
    def rule(state: State, e: Event, changes: Changes) -> None:
        if closure != "collapsed" and state["agreed_by"] is None:
            _warn(state, f"{e['id']}: {e['type']} before the proposal was agreed")
        if closure == "terminated" and e["actor"] in state["stances"]:
            _set_stance(state, e, "terminated", changes)
        if closure == "superseded":
            state["superseded_by"] = e.get("by")
        state["closure"], state["closed_by"] = closure, e["id"]

    return rule


def _took_effect(state: State, e: Event, changes: Changes) -> None:
    if state["agreed_by"] is None:
        _warn(state, f"{e['id']}: took effect before every required party accepted (read as agreed)")
        _agree(state, e, changes)
    if e.get("effective") is None:
        e = {**e, "effective": e["occurred"]}
    _adopt_terms(state, e)


def _terms_disclosed(state: State, e: Event, changes: Changes) -> None:
    if e.get("terms") is not None:
        state["terms"] = e["terms"]
    _adopt_terms(state, e)


def _extended(state: State, e: Event, changes: Changes) -> None:
    if state["agreed_by"] is None:
        _warn(state, f"{e['id']}: extended before the proposal was agreed")
    if e.get("deadlines"):
        _adopt_terms(state, {"id": e["id"], "deadlines": e["deadlines"]})
    if e.get("new_end") is None and e.get("duration") is None:
        return
    current = state["ends"]
    if e.get("new_end") is not None:
        new_end = e["new_end"]
    elif current is not None:
        new_end = terms.end_after(current, e["duration"])
    else:
        _warn(state, f"{e['id']}: an extension by a duration of an agreement with no scheduled end")
        return
    actor = e["actor"]
    parties = required(state)
    if actor not in parties:
        if actor != state["proposer"] and actor not in state["mediators"]:
            _warn(state, f"{e['id']}: extended by {actor}, neither a required party nor a mediator")
            return
        state["extensions"] = {p: {"event": e["id"], "ends": new_end} for p in parties}
    else:
        state["extensions"] = {**state["extensions"], actor: {"event": e["id"], "ends": new_end}}
    if not set(parties) <= set(state["extensions"]):
        return  # waits for every required party
    ends = sorted({x["ends"] for x in state["extensions"].values()}, key=terms.expiry_of_end)
    before = state["ends"]
    if len(ends) == 1:
        state["ends"] = ends[0]
    else:
        low, high = terms.expiry_of_end(ends[0]), terms.expiry_of_end(ends[-1])
        state["ends"] = terms.between(ends[0], ends[-1]) if "T" not in ends[0] + ends[-1] else ends[-1]
        if not state["disputed"]:
            _change(changes, e, "disputed", "false", "true")
        state["disputed"] = True
        state["expiry"] = tuple(terms.spanning(Bounds(*low), Bounds(*high)))  # type: ignore[typeddict-item]
    state["duration"] = None
    state["terms_by"] = e["id"]
    state["extensions"] = {}
    if len(ends) == 1:
        _window(state)
    if state["closure"] == "expired":
        state["closure"] = state["closed_by"] = None
    _change(changes, e, "ends", before, state["ends"])


def _objected(state: State, e: Event, changes: Changes) -> None:
    _note(state, {"kind": "objection", "event": e["id"], "actor": e["actor"], "target": e["target"]})
    _change(changes, e, f"objection.{e['actor']}", None, e["target"])


def _suspended(state: State, e: Event, changes: Changes) -> None:
    actor = e["actor"]
    if e["scope"] == "talks":
        _change(changes, e, "talks", state["talks"], "suspended")
        state["talks"] = "suspended"
        return
    if actor not in required(state):
        _warn(state, f"{e['id']}: suspended by {actor}, who is not a required party (no effect)")
        return
    if state["agreed_by"] is None:
        _warn(state, f"{e['id']}: suspended before the proposal was agreed")
    entry = {"event": e["id"], "since": e["occurred"], "scope": e["scope"], "until": e.get("until")}
    state["suspended"] = {**state["suspended"], actor: entry}
    _set_stance(state, e, "suspended", changes)


def _resumed(state: State, e: Event, changes: Changes) -> None:
    actor = e["actor"]
    if e["scope"] == "talks":
        _change(changes, e, "talks", state["talks"], "resumed")
        state["talks"] = "resumed"
        return
    if actor not in state["suspended"]:
        _warn(state, f"{e['id']}: resumed by {actor}, who had not suspended it")
    state["suspended"] = {p: v for p, v in state["suspended"].items() if p != actor}
    _set_stance(state, e, "participating", changes)


def _violation_alleged(state: State, e: Event, changes: Changes) -> None:
    entry = {"kind": "allegation", "event": e["id"], "claimant": e["actor"], "accused": list(e["accused"])}
    _note(state, {**entry, "incident": e["incident"], "location": e.get("location")})
    _change(changes, e, "violations", None, f"{e['actor']} accuses {', '.join(e['accused'])}")


def _violation_confirmed(state: State, e: Event, changes: Changes) -> None:
    target = e.get("target")
    if target is not None and _ledger_target(state, target) is None:
        _warn(state, f"{e['id']}: confirms {target}, which is not an allegation of this proposal")
    entry = {"kind": "confirmation", "event": e["id"], "actor": e["actor"], "target": target}
    _note(state, {**entry, "accused": list(e.get("accused", ())), "incident": e.get("incident")})
    _change(changes, e, "violations", None, f"confirmed by {e['actor']}")


def _claimed(state: State, e: Event, changes: Changes) -> None:
    _note(state, {"kind": "claim", "event": e["id"], "claimant": e["actor"], "about": e["about"], "claim": e["claim"]})
    _change(changes, e, "claims", None, f"{e['actor']} says {e['about']}: {e['claim']}")


def _recommitted(state: State, e: Event, changes: Changes) -> None:
    lapsed = _lapsed(state, e)
    if e.get("terms") is not None:
        state["terms"] = e["terms"]
    _set_stance(state, e, "accepted", changes)
    _adopt_terms(state, e)
    if state["agreed_by"] is None:
        if _all_accept(state):
            _agree(state, e, changes)
    elif lapsed:
        _recommit(state, e, changes, read_as=False)
    # an agreement still in force: a reaffirmation (its terms adopted), not a new agreement


def _expired(state: State, e: Event, changes: Changes) -> None:
    if state["agreed_by"] is None:
        _warn(state, f"{e['id']}: expired before the proposal was agreed")
    reported = bounds(e["occurred"])
    expiry = state["expiry"]
    if expiry is None:
        state["closure"], state["closed_by"] = "expired", e["id"]
        return
    if reported.latest < expiry[0] or reported.earliest > expiry[1]:
        _warn(state, f"{e['id']}: reported expired on {e['occurred']}, but the scheduled end is {state['ends']}")


def _endorsed(state: State, e: Event, changes: Changes) -> None:
    state["endorsers"] = tuple(dict.fromkeys((*state["endorsers"], e["actor"])))
    _change(changes, e, "endorsers", None, e["actor"])


RULE: dict[str, Callable[[State, Event, Changes], None]] = {
    "floated": _floated,
    "considering": _stance,
    "accepted": _stance,
    "rejected": _stance,
    "signed": _stance,
    "counter_proposed": _stance,
    "denied": _denied,
    "reversed": _reversed,
    "withdrawn": _withdrawn,
    "collapsed": _closed_as("collapsed"),
    "terminated": _closed_as("terminated"),
    "superseded": _closed_as("superseded"),
    "took_effect": _took_effect,
    "terms_disclosed": _terms_disclosed,
    "extended": _extended,
    "objected": _objected,
    "suspended": _suspended,
    "resumed": _resumed,
    "violation_alleged": _violation_alleged,
    "violation_confirmed": _violation_confirmed,
    "claimed": _claimed,
    "recommitted": _recommitted,
    "expired": _expired,
    "endorsed": _endorsed,
}
"""The rule of each world kind (it edits the copy ``apply`` made)."""


def apply(state: State, e: Event, changes: Changes = None) -> State:
    """Fold one event into the state of its proposal; pure: the given state is never changed.

    ``changes``, when a list, receives the transitions this event made (stances, denials,
    status, ...), for the history and the audit.
    """
    kind = e["type"]
    if kind in CORRECTIONS:
        return state  # corrections act on the log before the fold (see replay.effective)
    closure = state["closure"]
    before = state["status"]
    new: State = state.copy()
    RULE[kind](new, e, changes)
    quiet = kind in OPEN_AFTER_CLOSE or (kind in REOPENING and state["agreed_by"] is not None)
    if closure is not None and not quiet:
        _warn(new, f"{e['id']}: {kind} after the proposal closed ({closure})")
    new["version"] += 1
    new["last_event"] = e["id"]
    after = derive_status(new)
    new["status"] = after
    if after != before:
        _change(changes, e, "status", before, after)
    return new
