"""Event models: one frozen pydantic model per kind, a discriminated union on ``type``.

An event is one development in the story of a proposal, as a source reported it. Events are
immutable facts about the record; corrections (``retracted``, ``amended``) are events too.
"""

from __future__ import annotations

import hashlib
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

Stance = Literal["proposed", "considering", "accepted", "rejected", "withdrawn"]
NewStance = Literal["considering", "accepted", "rejected", "withdrawn"]
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


class Floated(EventBase):
    """A proposal is put forward by ``actor`` to ``addressees``."""

    type: Literal["floated"]
    addressees: tuple[Slug, ...] = ()
    mediators: tuple[Slug, ...] = ()
    terms: Text | None = None
    channel: Channel = "public"


class Considering(EventBase):
    """A party says it is studying the proposal."""

    type: Literal["considering"]


class Accepted(EventBase):
    """A party accepts the proposal (in principle counts; say so in ``conditions``)."""

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
    """The talks ended without agreement, or the deal fell apart."""

    type: Literal["collapsed"]


WorldEvent = Annotated[
    Floated | Considering | Accepted | Rejected | Denied | Reversed | Withdrawn | Collapsed,
    Field(discriminator="type"),
]


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


Event = Annotated[
    Floated | Considering | Accepted | Rejected | Denied | Reversed | Withdrawn | Collapsed | Retracted | Amended,
    Field(discriminator="type"),
]
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
