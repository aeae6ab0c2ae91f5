"""The replay log explained: one step per event, with its sources, rule, changes and warnings."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.events import Source
from tracker.reducer import RULES
from tracker.replay import Question, Recorded, classify, effective, steps
from tracker.state import Transition, Value


class Step(Value):
    """One event applied during replay, and what it did."""

    seq: int
    id: str
    occurred: str
    reported: str | None
    recorded_at: str
    kind: str
    actor: str
    person: str | None
    sources: tuple[Source, ...]
    rule: str
    changes: tuple[Transition, ...]
    warnings: tuple[str, ...]
    status: str | None


class Audit(Value):
    """The replay of one proposal for a question: the steps, and the events left uncertain."""

    proposal: str
    steps: tuple[Step, ...]
    uncertain: tuple[str, ...]
    status: str | None


def audit(proposal: str, records: Iterable[Recorded], question: Question) -> Audit:
    """Replay one proposal's records for a question, explaining every step."""
    live = effective(records, question.as_recorded)
    held = {r.id for r in live}
    certain = [r for r in live if classify(r, question) == 1]
    uncertain = sorted((r for r in live if classify(r, question) == 0), key=lambda r: r.order)
    out = []
    status = None
    for rec, before, after in steps(proposal, certain):
        event = rec.event
        warnings = list(after.warnings[len(before.warnings) :])
        target = getattr(event, "target", None)
        if event.type == "denied" and target in held:
            warnings.append(f"{rec.id}: {event.actor} denies {target}, an event the log holds")
        if event.reported is not None and rec.reported is not None and rec.occurred.earliest > rec.reported.earliest:
            warnings.append(f"{rec.id}: occurred {event.occurred} may be after reported {event.reported}")
        out.append(
            Step(
                seq=rec.seq,
                id=rec.id,
                occurred=event.occurred,
                reported=event.reported,
                recorded_at=rec.recorded_at,
                kind=event.type,
                actor=event.actor,
                person=event.person,
                sources=event.sources,
                rule=RULES[event.type],
                changes=after.history[len(before.history) :],
                warnings=tuple(warnings),
                status=after.status,
            )
        )
        status = after.status
    return Audit(proposal=proposal, steps=tuple(out), uncertain=tuple(r.id for r in uncertain), status=status)
