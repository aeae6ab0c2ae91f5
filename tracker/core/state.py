"""The state of one proposal, as the rule book folds it: plain typed data, standard library only.

A state is a ``dict`` typed by ``State``: the fold copies it once per event (a dict copy is the
cheapest immutable-update there is in Python) and never mutates a state it was given. The two
lists that grow with a stream, denials and warnings, are ``Chain``s: persistent linked lists
that successive states share, so that appending is O(1) and the store can keep each element
once (``tracker.store.projections``). ``listed`` turns a chain back into a list.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, TypedDict

Status = Literal[
    "floated", "considering", "countered", "rejected", "withdrawn", "collapsed",
    "agreed", "in_force", "suspended", "expired", "terminated", "superseded",
]  # fmt: skip
Stance = Literal[
    "proposed", "considering", "countered", "accepted", "signed", "rejected", "withdrawn",
    "participating", "suspended", "terminated",
]  # fmt: skip


class StanceEntry(TypedDict):
    """A party's current stance and the event that set it."""

    stance: str
    event: str
    occurred: str


class Denial(TypedDict):
    """A party denies the proposal (``target`` None) or a given event."""

    actor: str
    person: str | None
    target: str | None
    event: str
    occurred: str


class Transition(TypedDict):
    """One change the fold made: ``field`` went from ``before`` to ``after`` by ``event``."""

    event: str
    type: str
    actor: str
    field: str
    before: str | None
    after: str | None


class Chain(NamedTuple):
    """A persistent list: the chain before this element, the element, and the length so far."""

    parent: Chain | Stored | None
    item: Any
    size: int


class Stored(NamedTuple):
    """A list kept by the store, known by its last link's id and its length: a fold folding on
    from a stored state (``intervals.extend``) appends to it without reading its elements."""

    id: int
    size: int


def push(chain: Chain | Stored | None, item: Any) -> Chain:
    """A new chain: ``chain`` with ``item`` appended (``chain`` itself is unchanged)."""
    return Chain(chain, item, 1 if chain is None else chain.size + 1)


def listed(chain: Chain | Stored | None) -> list[Any]:
    """The elements of a chain, first to last (a ``Stored`` list is read by the store, not here)."""
    out = []
    while isinstance(chain, Chain):
        out.append(chain.item)
        chain = chain.parent
    if chain is not None:
        raise ValueError("a stored list is read through the store (tracker.store.packing)")
    out.reverse()
    return out


def size(chain: Chain | Stored | None) -> int:
    """How many elements a chain holds."""
    return 0 if chain is None else chain.size


def since(chain: Chain | Stored | None, earlier: Chain | Stored | None) -> list[Any]:
    """The elements appended to ``earlier`` to make ``chain`` (``chain`` extends ``earlier``)."""
    out = []
    stop = size(earlier)
    while isinstance(chain, Chain) and chain.size > stop:
        out.append(chain.item)
        chain = chain.parent
    out.reverse()
    return out


class State(TypedDict):
    """Everything the log says about one proposal, after folding some of its events."""

    proposal: str
    status: str | None
    proposer: str | None
    addressees: tuple[str, ...]
    mediators: tuple[str, ...]
    channel: str | None
    terms: str | None
    floated_by: str | None
    closure: str | None
    closed_by: str | None
    stances: dict[str, StanceEntry]
    denials: Chain | Stored | None
    disputed: bool
    warnings: Chain | Stored | None
    version: int
    last_event: str | None
    required: tuple[str, ...]
    endorsers: tuple[str, ...]
    agreed_by: str | None
    agreed_on: str | None
    effective: str | None
    ends: str | None
    duration: str | None
    end_rule: str | None
    terms_by: str | None
    start: tuple[str, str] | None
    expiry: tuple[str, str] | None
    deadlines: tuple[dict[str, Any], ...]
    extensions: dict[str, dict[str, Any]]
    suspended: dict[str, dict[str, Any]]
    talks: str | None
    recommitted: tuple[str, ...]
    superseded_by: str | None
    ledger: Chain | Stored | None
    co_proposers: tuple[str, ...]


FIELDS: tuple[str, ...] = tuple(State.__annotations__)
"""The fields of a state, in their fixed order (the order of every JSON form of it)."""


def empty(proposal: str) -> State:
    """The state of a proposal before any event."""
    return {
        "proposal": proposal,
        "status": None,
        "proposer": None,
        "addressees": (),
        "mediators": (),
        "channel": None,
        "terms": None,
        "floated_by": None,
        "closure": None,
        "closed_by": None,
        "stances": {},
        "denials": None,
        "disputed": False,
        "warnings": None,
        "version": 0,
        "last_event": None,
        "required": (),
        "endorsers": (),
        "agreed_by": None,
        "agreed_on": None,
        "effective": None,
        "ends": None,
        "duration": None,
        "end_rule": None,
        "terms_by": None,
        "start": None,
        "expiry": None,
        "deadlines": (),
        "extensions": {},
        "suspended": {},
        "talks": None,
        "recommitted": (),
        "superseded_by": None,
        "ledger": None,
        "co_proposers": (),
    }


CHAINS = ("denials", "warnings", "ledger")
"""The fields that grow with the stream: persistent chains in the fold, lists in JSON."""
TUPLES = (
    "addressees", "mediators", "required", "endorsers", "start", "expiry", "deadlines", "recommitted", "co_proposers",
)  # fmt: skip
"""The fields held as tuples in the fold (lists in JSON)."""


def as_json(state: State) -> dict[str, Any]:
    """The state as JSON data (lists, not chains or tuples), the shape the Python API returns."""
    out: dict[str, Any] = dict(state)
    for name in TUPLES:
        value = out[name]
        out[name] = None if value is None else list(value)
    for name in CHAINS:
        out[name] = listed(out[name])
    return out
