"""The replay log explained: one step per event, with its sources, rule, changes and warnings.

Warnings are data (a ``code`` and a message), never exceptions: an event after the proposal
closed, a stance by a party the proposal did not address, a reversal with no earlier stance,
a denial of an event the log holds, an event that was amended (the original is shown) or
corrected after the question's recording cut-off, an occurred date possibly after the
reported one. Corrections (``retracted``/``amended``) are listed with the event they correct,
whether or not they apply at the cut-off, so both the original and the correction are seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from tracker.core.events import Source
from tracker.core.replay import Derived, Question, Record, classify, effective, replacement, retracted_ids, timeline
from tracker.core.rules import RULES, status_at
from tracker.core.state import since
from tracker.core.value import Value

# The reducer writes its warnings as sentences; these fragments name them as codes.
REDUCER_CODES = (
    ("after the proposal closed", "after-closed"),
    ("a party the proposal did not address", "unaddressed-party"),
    ("who had taken no earlier stance", "reversal-without-stance"),
    ("floated again", "refloated"),
    ("before the proposal was floated", "before-floated"),
)


class AuditWarning(Value):
    """Something a reader should look at twice; ``code`` is stable, ``message`` is for people."""

    code: str
    message: str


class EventRef(Value):
    """An event as cited: where it is in the log, what it says, and its sources."""

    seq: int
    id: str
    type: str
    actor: str
    person: str | None
    occurred: str
    reported: str | None
    recorded_at: str
    sources: tuple[Source, ...]
    amended_by: int | None = None


class Correction(Value):
    """A ``retracted`` or ``amended`` event, the original it corrects, and whether it applies."""

    seq: int
    id: str
    type: str
    actor: str
    recorded_at: str
    reason: str
    target: str
    applied: bool
    state: Literal["applied", "later", "cancelled"]  # later: recorded after the question's cut-off
    original: EventRef
    replacement: EventRef | None


class Step(Value):
    """One event applied during replay, and what it did (``type`` ``derived``, no ``seq``: a transition
    with no event, its ``id`` naming the term that caused it)."""

    seq: int | None
    id: str
    occurred: str
    reported: str | None
    recorded_at: str
    type: str
    actor: str
    person: str | None
    sources: tuple[Source, ...]
    rule: str
    changes: tuple[Mapping[str, str | None], ...]  # each a ``state.Transition``
    warnings: tuple[AuditWarning, ...]
    status: str | None
    original: EventRef | None = None
    co_proposers: tuple[str, ...] = ()


class Audit(Value):
    """The replay of one proposal for a question: the steps, corrections, and events left uncertain."""

    proposal: str
    on: str | None
    known_by: str | None
    as_recorded: str | None
    steps: tuple[Step, ...]
    corrections: tuple[Correction, ...]
    uncertain: tuple[str, ...]
    status: str | None

    @property
    def question(self) -> str:
        """The question in words."""
        return describe(Question(self.on, self.known_by, self.as_recorded))


def describe(q: Question) -> str:
    """One phrase saying which picture an answer is."""
    parts = [f"as it stood on {q.on}" if q.on else "as it stands now"]
    if q.known_by:
        parts.append(f"as publicly known by {q.known_by}")
    parts.append(f"as recorded by {q.as_recorded}" if q.as_recorded else "by everything recorded")
    return ", ".join(parts)


def ref(rec: Record, event: dict[str, Any] | None = None, amended_by: int | None = None) -> EventRef:
    """Cite a recorded event (optionally with a corrected copy of it)."""
    e = event or rec.event
    return EventRef(
        seq=rec.seq,
        id=rec.id,
        type=e["type"],
        actor=e["actor"],
        person=e.get("person"),
        occurred=e["occurred"],
        reported=e.get("reported"),
        recorded_at=rec.recorded_at,
        sources=e.get("sources", ()),
        amended_by=amended_by,
    )


def corrections(records: list[Record], as_recorded: str | None) -> list[Correction]:
    """Every correction of the log, with its original, and whether it applies at the cut-off."""
    by_id = {r.id: r for r in records}
    cut = [r for r in records if as_recorded is None or r.recorded_at <= as_recorded]
    in_cut = {r.id for r in cut}
    cancelled = retracted_ids(cut)
    out = []
    for rec in records:
        event = rec.event
        if event["type"] not in ("retracted", "amended") or event["target"] not in by_id:
            continue
        original = by_id[event["target"]]
        fixed = ref(original, replacement(rec)) if event["type"] == "amended" else None
        out.append(
            Correction(
                seq=rec.seq,
                id=rec.id,
                type=event["type"],
                actor=event["actor"],
                recorded_at=rec.recorded_at,
                reason=event["reason"],
                target=event["target"],
                applied=rec.id in in_cut and rec.id not in cancelled,
                state="later" if rec.id not in in_cut else "cancelled" if rec.id in cancelled else "applied",
                original=ref(original),
                replacement=fixed,
            )
        )
    return out


def _code(message: str) -> str:
    return next((code for fragment, code in REDUCER_CODES if fragment in message), "note")


def _warnings(rec: Record, reducer: Iterable[str], held: set[str], later: list[Correction]) -> list[AuditWarning]:
    event = rec.event
    out = [AuditWarning(code=_code(m), message=m) for m in reducer]
    target = event.get("target")
    if event["type"] == "denied" and target in held:
        out.append(
            AuditWarning(code="denies-held-event", message=f"{event['actor']} denies {target}, an event the log holds")
        )
    if rec.reported is not None and rec.occurred.latest > rec.reported.earliest:
        certainly = rec.occurred.earliest > rec.reported.latest
        said, known = event["occurred"], event.get("reported")
        message = f"occurred {said} {'is' if certainly else 'may be'} after reported {known}"
        out.append(AuditWarning(code="occurred-after-reported", message=message))
    for c in later:
        out.append(
            AuditWarning(
                code=f"later-{c.type}",
                message=f"{c.type} by #{c.seq} (recorded {c.recorded_at}, after this question's cut-off): {c.reason}",
            )
        )
    return out


def audit(proposal: str, records: Iterable[Record], question: Question) -> Audit:
    """Replay one proposal's records for a question, explaining every step."""
    records = list(records)
    by_id = {r.id: r for r in records}
    fixes = corrections(records, question.as_recorded)
    amended = {c.target: c for c in fixes if c.applied and c.type == "amended"}
    later: dict[str, list[Correction]] = {}
    for c in fixes:
        if c.state == "later":
            later.setdefault(c.target, []).append(c)
    live = effective(records, question.as_recorded)
    held = {r.id for r in live}
    certain = [r for r in live if classify(r, question) == 1]
    uncertain = sorted((r for r in live if classify(r, question) == 0), key=lambda r: r.order)
    out = []
    status = None
    marks: tuple[str, ...] = ()
    for item in timeline(proposal, certain, question.day):
        if isinstance(item, Derived):
            out.append(_derived_step(item))
            status = item.after
            continue
        previous = status
        rec, before, after, changes, status = item
        event = rec.event
        warnings = _warnings(rec, since(after["warnings"], before["warnings"]), held, later.get(rec.id, []))
        fix = amended.get(rec.id)
        if fix is not None:
            message = f"amended by #{fix.seq} (recorded {fix.recorded_at}): {fix.reason}"
            warnings.append(AuditWarning(code="amended", message=message))
        out.append(
            Step(
                seq=rec.seq,
                id=rec.id,
                occurred=event["occurred"],
                reported=event.get("reported"),
                recorded_at=rec.recorded_at,
                type=event["type"],
                actor=event["actor"],
                person=event.get("person"),
                sources=event.get("sources", ()),
                rule=rule_text(event["type"], previous, status),
                changes=tuple(changes),
                warnings=tuple(warnings),
                status=status,
                original=ref(by_id[rec.id], amended_by=fix.seq) if fix is not None else None,
                co_proposers=tuple(event.get("co_proposers") or ()),
            )
        )
        if question.day is not None:
            marks = status_at(after, question.day)[1]
    return Audit(
        proposal=proposal,
        on=question.on,
        known_by=question.known_by,
        as_recorded=question.as_recorded,
        steps=tuple(out),
        corrections=tuple(fixes),
        uncertain=tuple(r.id for r in uncertain) + marks,
        status=status,
    )


DERIVED_RULES = {
    "effective": "in force from the first day of its terms' effective date (no event)",
    "ends": "expired after its scheduled end (no event)",
}


def rule_text(kind: str, before: str | None, after: str | None) -> str:
    """The rule of ``kind`` as the audit states it: when the rule can move the status but this
    event left it where it was (a re-float of an open proposal), say so rather than claim a move."""
    rule = RULES[kind]
    if before is not None and before == after and "status ->" in rule:
        return f"{rule} [here the status stays {after}]"
    return rule


def _derived_step(d: Derived) -> Step:
    """A transition with no event, as a step of the replay."""
    return Step(
        seq=None,
        id=d.term,
        occurred=d.day,
        reported=None,
        recorded_at="",
        type="derived",
        actor="-",
        person=None,
        sources=(),
        rule=DERIVED_RULES[d.term.rsplit("#", 1)[1]],
        changes=(d.transition(),),
        warnings=(),
        status=d.after,
    )
