"""Event models: one frozen pydantic model per kind, a discriminated union on ``type``.

An event is one development in the story of a proposal, as a source reported it. Events are
immutable facts about the record; corrections (``retracted``, ``amended``) are events too.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    model_validator,
)

from tracker.core import codec
from tracker.core.dates import DateError, bounds

SCHEMA_VERSION = 1
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


def _edtf(text: str) -> str:
    try:
        bounds(text)
    except DateError as exc:
        raise ValueError(str(exc)) from None
    return text


def _no_nul(text: str) -> str:
    # A NUL byte truncates strings in C tools and terminals that later read the log.
    if "\x00" in text:
        raise ValueError("contains a NUL byte")
    return text


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
EventId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
EdtfDate = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_edtf)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000), AfterValidator(_no_nul)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_no_nul)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s\x00]+$", max_length=2000)]

NewStance = Literal["considering", "countered", "accepted", "signed", "rejected", "withdrawn"]
DURATION = re.compile(r"P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?")
Channel = Literal["public", "back-channel", "intermediaries", "talks", "leak"]


class Model(BaseModel):
    """Frozen, strict about unknown fields; text fields refuse NUL bytes (see ``_no_nul``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False, defer_build=True)


class Source(Model):
    """Where an event was read: an article, with who it attributes the claim to."""

    outlet: ShortText
    title: ShortText
    published: EdtfDate
    attribution: ShortText | None = None
    url: Url | None = None
    quote: Text | None = None


class EventBase(Model):
    """Fields every event carries. ``id`` is derived from the content when absent."""

    id: EventId | None = None
    proposal: Slug
    actor: Slug
    person: ShortText | None = None
    occurred: EdtfDate
    reported: EdtfDate | None = None
    sources: tuple[Source, ...] = ()
    note: Text | None = None

    @model_validator(mode="after")
    def _derive(self) -> EventBase:
        # The model is frozen; deriving defaults once, at validation, keeps it a value.
        if self.reported is None and self.sources:
            earliest = min(self.sources, key=lambda s: bounds(s.published))
            object.__setattr__(self, "reported", earliest.published)
        if self.id is None:
            body = self.model_dump(mode="json", exclude={"id"}, exclude_none=True)
            digest = hashlib.sha256(canonical_json(body).encode()).hexdigest()
            object.__setattr__(self, "id", f"{body['type']}-{digest[:16]}")
        return self

    @property
    def event_id(self) -> str:
        """The id, never None after validation."""
        assert self.id is not None
        return self.id


def _duration(text: str) -> str:
    if not DURATION.fullmatch(text) or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"not an ISO 8601 duration such as P60D, P2M or PT72H: {text!r}")
    return text


Duration = Annotated[str, StringConstraints(max_length=40), AfterValidator(_duration)]
EndRule = Literal["fixed", "open", "renewable", "while_talks"]
Scope = Literal["participation", "implementation", "talks"]
TerminationMode = Literal["renounced", "mutual", "by_mediator"]


class Deadline(Model):
    """Something due by a date under the terms (a withdrawal within 60 days): never an end."""

    what: ShortText
    due: EdtfDate


class Terms(EventBase):
    """The terms an event may carry: when obligations start, when they end, what is due, who must agree.

    ``ends`` is the scheduled end (a day: the last day in force; a date-time: the instant);
    ``duration`` counts from ``effective`` instead. No ``ends`` and no ``duration``: it never expires.
    """

    effective: EdtfDate | None = None
    ends: EdtfDate | None = None
    duration: Duration | None = None
    end_rule: EndRule | None = None
    deadlines: tuple[Deadline, ...] = ()
    required_parties: tuple[Slug, ...] = ()

    @model_validator(mode="after")
    def _one_end(self) -> Terms:
        if self.ends is not None and self.duration is not None:
            raise ValueError("give 'ends' or 'duration', not both")
        return self


class Floated(Terms):
    """A proposal is put forward by ``actor`` (with ``co_proposers``, jointly) to ``addressees``."""

    type: Literal["floated"]
    co_proposers: tuple[Slug, ...] | None = None  # None, not (): an id derived from content stays as it was
    addressees: tuple[Slug, ...] = ()
    mediators: tuple[Slug, ...] = ()
    terms: Text | None = None
    channel: Channel = "public"


class Considering(EventBase):
    """A party says it is studying the proposal."""

    type: Literal["considering"]


class Accepted(Terms):
    """A party accepts the proposal (an agreement once every required party has; say so in ``conditions``)."""

    type: Literal["accepted"]
    conditions: Text | None = None


class Rejected(EventBase):
    """A party rejects the proposal."""

    type: Literal["rejected"]


class Denied(EventBase):
    """A party denies that the proposal (``target`` absent) or a given event happened."""

    type: Literal["denied"]
    target: EventId | None = None


class Reversed(EventBase):
    """A party changes its earlier stance to ``stance``."""

    type: Literal["reversed"]
    stance: NewStance


class Withdrawn(EventBase):
    """A party withdraws: the proposer its proposal, another party from the process."""

    type: Literal["withdrawn"]


class Collapsed(EventBase):
    """The talks ended without agreement, or the deal fell apart (fighting resumed without a formal act)."""

    type: Literal["collapsed"]


class CounterProposed(Terms):
    """A party answers with its own terms (``changes`` says what it changes)."""

    type: Literal["counter_proposed"]
    terms: Text | None = None
    changes: Text | None = None


class Signed(Terms):
    """A party signs the agreement (counts as accepting it)."""

    type: Literal["signed"]
    terms: Text | None = None


class TookEffect(Terms):
    """The agreement took effect (at ``effective``, else on ``occurred``)."""

    type: Literal["took_effect"]


class Extended(EventBase):
    """A party (or the mediator, for all of them) extends the agreement's end, or moves named deadlines."""

    type: Literal["extended"]
    new_end: EdtfDate | None = None
    duration: Duration | None = None
    deadlines: tuple[Deadline, ...] = ()
    target: EventId | None = None

    @model_validator(mode="after")
    def _what(self) -> Extended:
        if self.new_end is not None and self.duration is not None:
            raise ValueError("give 'new_end' or 'duration', not both")
        if self.new_end is None and self.duration is None and not self.deadlines:
            raise ValueError("an extension needs 'new_end', 'duration' or 'deadlines'")
        return self


class Objected(EventBase):
    """A party objects to one term or one extension (``target``: a term's name or an event id)."""

    type: Literal["objected"]
    target: ShortText


class Suspended(EventBase):
    """A party suspends its participation, the implementation, or the talks."""

    type: Literal["suspended"]
    scope: Scope
    until: EdtfDate | None = None
    conditions: Text | None = None


class Resumed(EventBase):
    """A party resumes what it suspended."""

    type: Literal["resumed"]
    scope: Scope


class ViolationAlleged(EventBase):
    """``actor`` accuses ``accused`` of violating the agreement (a ledger entry, never a status change)."""

    type: Literal["violation_alleged"]
    accused: tuple[Slug, ...] = Field(min_length=1)
    incident: EdtfDate
    location: ShortText | None = None


class ViolationConfirmed(EventBase):
    """A monitor confirms an allegation (``target``) or a violation of its own (``accused``, ``incident``)."""

    type: Literal["violation_confirmed"]
    target: EventId | None = None
    accused: tuple[Slug, ...] = ()
    incident: EdtfDate | None = None

    @model_validator(mode="after")
    def _what(self) -> ViolationConfirmed:
        if self.target is None and not (self.accused and self.incident):
            raise ValueError("a confirmation needs 'target' (an allegation) or 'accused' and 'incident'")
        return self


class Claimed(EventBase):
    """A third party says ``about`` did or agreed something; it changes nothing until ``about`` acts."""

    type: Literal["claimed"]
    about: Slug
    claim: Text


class Terminated(EventBase):
    """A party ends the agreement (renounces it), the parties end it together, or the mediator does."""

    type: Literal["terminated"]
    mode: TerminationMode = "renounced"
    conditions_for_return: Text | None = None


class Recommitted(Terms):
    """A party recommits to an agreement that expired, was terminated or collapsed."""

    type: Literal["recommitted"]
    terms: Text | None = None


class Superseded(EventBase):
    """The agreement is replaced by another proposal (``by``)."""

    type: Literal["superseded"]
    by: Slug


class Expired(EventBase):
    """A report that the agreement expired (pins an end that was never encoded)."""

    type: Literal["expired"]


class TermsDisclosed(Terms):
    """Terms published later than the agreement (``occurred``: the agreement; ``reported``: the text's release)."""

    type: Literal["terms_disclosed"]
    terms: Text | None = None


class Endorsed(EventBase):
    """A third party endorses the agreement (a UN resolution): a role, not a stance."""

    type: Literal["endorsed"]


WORLD = (
    Floated | Considering | Accepted | Rejected | Denied | Reversed | Withdrawn | Collapsed
    | CounterProposed | Signed | TookEffect | Extended | Objected | Suspended | Resumed
    | ViolationAlleged | ViolationConfirmed | Claimed | Terminated | Recommitted | Superseded
    | Expired | TermsDisclosed | Endorsed
)  # fmt: skip
WorldEvent = Annotated[WORLD, Field(discriminator="type")]


class Retracted(EventBase):
    """A correction: the event ``target`` is cancelled, as if it had never been recorded."""

    type: Literal["retracted"]
    target: EventId
    reason: Text


class Amended(EventBase):
    """A correction: the event ``target`` is replaced by ``replacement`` (same id kept)."""

    type: Literal["amended"]
    target: EventId
    reason: Text
    replacement: WorldEvent


Event = Annotated[WORLD | Retracted | Amended, Field(discriminator="type")]
Correction = Retracted | Amended
KINDS: tuple[str, ...] = (
    "floated",
    "considering",
    "accepted",
    "rejected",
    "denied",
    "reversed",
    "withdrawn",
    "collapsed",
    "counter_proposed",
    "signed",
    "took_effect",
    "extended",
    "objected",
    "suspended",
    "resumed",
    "violation_alleged",
    "violation_confirmed",
    "claimed",
    "terminated",
    "recommitted",
    "superseded",
    "expired",
    "terms_disclosed",
    "endorsed",
    "retracted",
    "amended",
)

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event, config=ConfigDict(defer_build=True))


def canonical_json(obj: Any) -> str:
    """The one serialisation we hash and store: sorted keys, no spaces, UTF-8 as is."""
    return codec.canonical(obj)


def event_body(event: Event) -> str:
    """The canonical JSON body of an event as stored (None fields left out)."""
    return canonical_json(event.model_dump(mode="json", exclude_none=True))


def parse_event(obj: Any) -> Event:
    """Validate a decoded JSON object into an event (raises pydantic.ValidationError)."""
    return EVENT_ADAPTER.validate_python(obj)


def parse_event_json(text: str | bytes) -> Event:
    """Validate a JSON document into an event (raises pydantic.ValidationError)."""
    return EVENT_ADAPTER.validate_json(text)
