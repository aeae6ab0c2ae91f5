"""Reading a log like an analyst: one event with all it did, a row per proposal, a row per party,
and the party slugs that look like one party spelt twice.

Pure: records, audits and answers in, plain data out (``tracker.api`` reads, ``tracker.commands.listing``
prints). Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from tracker.core.audit import Audit
from tracker.core.replay import Record, effective

PARTY_FIELDS = ("actor", "addressees", "mediators", "required_parties")
"""The fields of an event that name parties (``tracker actors`` lists them)."""
STOP_WORDS = frozenset({"of", "the", "and", "for", "de", "al"})
"""Words an abbreviation skips: ``usa`` is united-states-of-america."""


def parties_of(event: Mapping[str, Any]) -> list[str]:
    """Every party slug an event names (an amendment's replacement included), actor first."""
    out = [str(event["actor"])]
    for name in PARTY_FIELDS[1:]:
        out += [str(s) for s in event.get(name, ())]
    if isinstance(event.get("replacement"), Mapping):
        out += parties_of(event["replacement"])
    return list(dict.fromkeys(out))


class Party(NamedTuple):
    """A party slug, its display name, the events it is the actor of, the proposals it appears in."""

    slug: str
    name: str | None
    events: int
    proposals: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape."""
        return {"slug": self.slug, "name": self.name, "events": self.events, "proposals": list(self.proposals)}


def parties(records: Iterable[Record], names: Mapping[str, str]) -> list[Party]:
    """Every party named by the log, by slug, with its counts."""
    acting: dict[str, int] = {}
    seen: dict[str, dict[str, None]] = {}
    for rec in records:
        acting[rec.event["actor"]] = acting.get(rec.event["actor"], 0) + 1
        for slug in parties_of(rec.event):
            seen.setdefault(slug, {})[rec.proposal] = None
    return [Party(s, names.get(s), acting.get(s, 0), tuple(sorted(seen[s]))) for s in sorted(seen)]


class Duplicate(NamedTuple):
    """Two slugs that may name one party, and why we think so."""

    first: str
    second: str
    why: str

    def as_dict(self) -> dict[str, str]:
        """The stable JSON shape."""
        return {"first": self.first, "second": self.second, "why": self.why}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def _initials(words: Sequence[str]) -> set[str]:
    """Abbreviations of some words: every initial, and those of the words that are not stop words."""
    kept = [w for w in words if w not in STOP_WORDS]
    return {"".join(w[0] for w in words), "".join(w[0] for w in kept)} if len(kept) >= 2 else set()


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _abbreviates(short: str, words: Sequence[str]) -> bool:
    """``short`` is the initials of ``words`` (``us``: united-states), perhaps with one letter more
    for a word left out of the slug (``usa``: united-states)."""
    return any(
        short == i or (len(i) >= 2 and short.startswith(i) and len(short) == len(i) + 1) for i in _initials(words)
    )


def _why(a: str, b: str, names: Mapping[str, str]) -> str | None:
    """Why two slugs may be one party, or None."""
    name_a, name_b = names.get(a), names.get(b)
    if name_a and name_b and name_a.casefold() == name_b.casefold():
        return f"the same display name ({name_a})"
    for short, long in ((a, b), (b, a)):
        if "-" not in short and _abbreviates(short, _words(long)):
            return f"{short} looks like the initials of {long}"
        long_name = names.get(long)
        if "-" not in short and long_name and _abbreviates(short, _words(long_name)):
            return f"{short} looks like the initials of {long_name!r} ({long})"
    if min(len(a), len(b)) >= 4:
        distance = _distance(a, b)
        if distance <= (1 if min(len(a), len(b)) < 7 else 2):
            return f"spelt alike ({distance} letter{'s' if distance > 1 else ''} apart)"
    if a.replace("-", "") == b.replace("-", ""):
        return "the same letters, hyphenated differently"
    return None


def duplicates(slugs: Iterable[str], names: Mapping[str, str]) -> list[Duplicate]:
    """Pairs of slugs that look like one party (initials, spelling, display name); a hint, never a rule."""
    ordered = sorted(set(slugs))
    out = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            why = _why(a, b, names)
            if why is not None:
                out.append(Duplicate(a, b, why))
    return out




class ProposalRow(NamedTuple):
    """One proposal as ``tracker proposals`` lists it."""

    slug: str
    title: str | None
    status: str | None
    first: str
    last: str
    events: int
    proposer: str | None
    co_proposers: tuple[str, ...]
    said: str | None = None
    """The status in words for the table ("in force since 27 November 2024"); not in JSON."""

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape."""
        out = self._asdict()
        out["co_proposers"] = list(self.co_proposers)
        del out["said"]
        return out


def proposal_row(
    slug: str, records: Sequence[Record], state: Mapping[str, Any] | None, titles: Mapping[str, str]
) -> ProposalRow:
    """A proposal's row: its records (every one, in log order) and its state now (None: no answer).

    ``events`` counts every row of its stream, corrections included; ``first`` and ``last`` are the
    ``occurred`` of its events as corrected (retracted ones left out, amended ones as amended)."""
    ordered = sorted(effective(records) or records, key=lambda r: r.order)
    state = state or {}
    return ProposalRow(
        slug=slug,
        title=titles.get(slug),
        status=state.get("status"),
        first=ordered[0].event["occurred"],
        last=max(ordered, key=lambda r: (r.occurred.latest, r.occurred.earliest)).event["occurred"],
        events=len(records),
        proposer=state.get("proposer"),
        co_proposers=tuple(state.get("co_proposers", ())),
    )


def event_detail(rec: Record, audit: Audit) -> dict[str, Any]:
    """Everything about one event: the stored row, what its step changed in the replay of its proposal
    (by everything recorded), the warnings it raised, and the corrections of it and by it."""
    step = next((s for s in audit.steps if s.id == rec.id and s.seq is not None), None)
    corrected_by = [c for c in audit.corrections if c.target == rec.id]
    corrects = next((c for c in audit.corrections if c.id == rec.id), None)
    return {
        "seq": rec.seq,
        "recorded_at": rec.recorded_at,
        "event": rec.event,
        "applied": step is not None,
        "rule": step.rule if step else None,
        "changes": [dict(c) for c in step.changes] if step else [],
        "status_after": step.status if step else None,
        "warnings": [w.model_dump(mode="json") for w in step.warnings] if step else [],
        "corrected_by": [
            {"seq": c.seq, "id": c.id, "type": c.type, "actor": c.actor, "reason": c.reason, "state": c.state}
            for c in corrected_by
        ],
        "corrects": None
        if corrects is None
        else {
            "seq": corrects.original.seq,
            "id": corrects.target,
            "type": corrects.original.type,
            "state": corrects.state,
        },
    }
