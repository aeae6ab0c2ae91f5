"""The state of one proposal, as the reducer folds it from events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from tracker.core.events import Stance

Status = Literal["floated", "considering", "accepted", "rejected", "withdrawn", "collapsed"]


class Value(BaseModel):
    """Frozen state value."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class StanceEntry(Value):
    """A party's current stance and the event that set it."""

    stance: Stance
    event: str
    occurred: str


class Denial(Value):
    """A party denies the proposal (``target`` None) or a given event."""

    actor: str
    person: str | None = None
    target: str | None
    event: str
    occurred: str


class Transition(Value):
    """One change the fold made: ``field`` went from ``before`` to ``after`` by ``event``."""

    event: str
    kind: str
    actor: str
    field: str
    before: str | None
    after: str | None


class ProposalState(Value):
    """Everything the log says about one proposal, after folding some of its events."""

    proposal: str
    status: Status | None = None
    proposer: str | None = None
    addressees: tuple[str, ...] = ()
    mediators: tuple[str, ...] = ()
    channel: str | None = None
    terms: str | None = None
    floated_by: str | None = None
    closure: Literal["withdrawn", "collapsed"] | None = None
    closed_by: str | None = None
    stances: Mapping[str, StanceEntry] = {}
    denials: tuple[Denial, ...] = ()
    disputed: bool = False
    history: tuple[Transition, ...] = ()
    warnings: tuple[str, ...] = ()
    version: int = 0
    last_event: str | None = None

    @property
    def closed(self) -> bool:
        """True once the proposal was withdrawn by its proposer or collapsed."""
        return self.closure is not None


def empty(proposal: str) -> ProposalState:
    """The state of a proposal before any event."""
    return ProposalState(proposal=proposal)
