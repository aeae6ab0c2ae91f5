"""A proposal's story: its events in valid-time order, each with what it changed, and the
transitions that happened with no event (an agreement coming into force, expiring)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tracker.core.replay import Derived, Question, Record, classify, effective, timeline
from tracker.core.value import Value


class HistoryEntry(Value):
    """One event of a proposal's story, in valid-time order, with the status it left on its day.

    A transition with no event has no ``seq``; its ``type`` is ``derived`` and its ``id`` names
    the term that caused it (``<event>#effective`` or ``<event>#ends``)."""

    seq: int | None
    id: str
    occurred: str
    reported: str | None
    recorded_at: str
    type: str
    actor: str
    person: str | None
    changes: tuple[Mapping[str, str | None], ...]  # each a ``state.Transition``
    status: str | None
    source: str | None


def derived_entry(d: Derived) -> HistoryEntry:
    """A transition with no event as a row of the story."""
    return HistoryEntry(
        seq=None,
        id=d.term,
        occurred=d.day,
        reported=None,
        recorded_at="",
        type="derived",
        actor="-",
        person=None,
        changes=(d.transition(),),
        status=d.after,
        source=None,
    )


def story(
    proposal: str,
    records: Iterable[Record],
    as_recorded: str | None = None,
    day: str | None = None,
    question: Question | None = None,
) -> list[HistoryEntry]:
    """Every effective event of one proposal (recorded by ``as_recorded``) in replay order, with its
    changes, and the transitions with no event up to ``day``. With a ``question``, the story as
    it stood then: only the events certainly on or before its ``on`` and public by its ``known_by``
    (those ``status`` folds), up to its day."""
    live = effective(records, as_recorded)
    if question is not None:
        live = [rec for rec in live if classify(rec, question) == 1]
        day = question.day
    out = []
    for item in timeline(proposal, live, day):
        if isinstance(item, Derived):
            out.append(derived_entry(item))
            continue
        rec, _, after, changes, status = item
        e = rec.event
        src = e["sources"][0] if e.get("sources") else None
        out.append(
            HistoryEntry(
                seq=rec.seq,
                id=rec.id,
                occurred=e["occurred"],
                reported=e.get("reported"),
                recorded_at=rec.recorded_at,
                type=e["type"],
                actor=e["actor"],
                person=e.get("person"),
                changes=tuple(changes),
                status=status,
                source=f"{src['outlet']}: {src['title']}" if src else None,
            )
        )
    return out
