"""Rendering the audit trail: verify results, explained replays, provenance and diffs.

Three forms: plain text for reading, JSON with stable keys for machines (the models'
``model_dump``), and Markdown for pasting into a report (event text escaped).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tracker.core.audit import Audit, EventRef, Step
from tracker.core.diff import Diff
from tracker.core.provenance import Provenance
from tracker.store.verify import Verification
from tracker.views.text import EMPTY, table, to_json
from tracker.views.text import lines as printable_lines
from tracker.views.words import words

__all__ = [
    "audit_markdown",
    "audit_text",
    "diff_text",
    "to_json",
    "verification_dict",
    "verification_text",
    "why_text",
]


# -- verify ------------------------------------------------------------------------------


def verification_dict(v: Verification) -> dict[str, Any]:
    """The stable JSON shape of a verification."""
    first = v.first
    return {
        "ok": v.ok,
        "rows": v.rows,
        "head": {"seq": v.head_seq, "hash": v.head_hash},
        "checked": list(v.checked),
        "first_bad_seq": first.seq if first else None,
        "first_fault": first.kind if first else None,
        "faults": [f.model_dump() for f in v.faults],
    }


def verification_text(v: Verification) -> str:
    """One verdict line, then one line per fault."""
    if v.ok:
        return f"ok: {v.rows} row(s), {', '.join(v.checked)} checked; head {v.head_seq}:{v.head_hash}"
    first = v.faults[0]
    where = f"seq {first.seq}" if first.seq is not None else "a derived table"
    lines = [f"FAILED: first fault at {where}: {first.kind}; {len(v.faults)} fault(s) in {v.rows} row(s)"]
    lines += [f"  {'seq ' + str(f.seq) if f.seq is not None else '-'}: {f.kind}: {f.message}" for f in v.faults]
    return printable_lines(lines)


# -- audit -------------------------------------------------------------------------------


def _with(parties: tuple[str, ...]) -> str:
    """ " with france" for a proposal put forward jointly, else nothing."""
    return " with " + ", ".join(parties) if parties else ""


def _who(actor: str, person: str | None) -> str:
    return f"{actor} ({person})" if person else actor


def _sources(step: Step | EventRef) -> list[str]:
    out = []
    for src in step.sources:
        attribution = f" ({src.attribution})" if src.attribution else ""
        out.append(f'{src.outlet}, "{src.title}", {src.published}{attribution}')
    return out


def audit_text(a: Audit) -> str:
    """The replay log of one proposal, for reading."""
    events = sum(st.seq is not None for st in a.steps)
    lines = [f"Replay of {a.proposal}: {events} event(s) applied, final status {a.status or '-'}"]
    for st in a.steps:
        if st.seq is None:
            lines.append(f"\n(no event) on {st.occurred}  [{st.id}]")
        else:
            lines.append(
                f"\n#{st.seq} {st.type} by {_who(st.actor, st.person)}{_with(st.co_proposers)}  "
                f"occurred {st.occurred}  reported {st.reported or '-'}  recorded {st.recorded_at}  [{st.id}]"
            )
        lines += [f"  source: {s}" for s in _sources(st)]
        lines.append(f"  rule:   {st.rule}")
        lines += [f"  change: {c['field']}: {c['before'] or '-'} -> {c['after'] or '-'}" for c in st.changes]
        if st.original is not None:
            o = st.original
            lines.append(
                f"  AMENDED: originally {o.type} by {_who(o.actor, o.person)}, occurred {o.occurred}, "
                f"reported {o.reported or '-'} (seq {o.seq})"
            )
        lines += [f"  WARNING [{w.code}] {w.message}" for w in st.warnings]
    if a.corrections:
        lines.append("\nCorrections in the log:")
        for c in a.corrections:
            state = STATES[c.state]
            lines.append(
                f"  #{c.seq} {NOUNS.get(c.type, c.type)} of {c.target} by {c.actor}, recorded {c.recorded_at} "
                f"({state}): {c.reason}"
            )
            lines.append(
                f"    original: {c.original.type} by {c.original.actor}, occurred {c.original.occurred} "
                f"(seq {c.original.seq})"
            )
            if c.replacement is not None:
                r = c.replacement
                lines.append(
                    f"    corrected: {r.type} by {r.actor}, occurred {r.occurred}, reported {r.reported or '-'}"
                )
    if a.uncertain:
        lines.append(f"\nMay also have happened by then (not applied): {', '.join(a.uncertain)}")
    return printable_lines(lines)


NOUNS = {"retracted": "retraction", "amended": "amendment"}
"""A correction named as a noun: "#3 retraction of x", never "#3 retracted of x"."""
STATES = {
    "applied": "applied",
    "later": "recorded after this question's cut-off, not applied",
    "cancelled": "cancelled by a later retraction, not applied",
}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~!])")


def md(text: str | None) -> str:
    """Escape text for a Markdown table cell: punctuation backslashed, ``<``/``&`` as entities."""
    if text is None:
        return "-"
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())


def audit_markdown(a: Audit, names: Mapping[str, str] = EMPTY, titles: Mapping[str, str] = EMPTY) -> str:
    """The replay log as a Markdown section with one table row per step: dates in words, parties by
    display name, the proposal by its title (``names``, ``titles``; slugs where none is given)."""
    title = f"{titles[a.proposal]} ({a.proposal})" if a.proposal in titles else a.proposal
    out = [
        f"### Replay of {md(title)}",
        "",
        f"{md(a.question)}; final status **{md(a.status)}**",
        "",
        "| seq | occurred | reported | recorded | type | actor | source | rule | change | warnings |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for st in a.steps:
        source = "<br>".join(f"{md(s.outlet)}: {md(s.title)}" for s in st.sources) or "-"
        changes = "<br>".join(f"{md(c['field'])}: {md(c['before'])} → {md(c['after'])}" for c in st.changes) or "-"
        warnings = [f"{md(w.code)}: {md(w.message)}" for w in st.warnings]
        if st.original is not None:
            o = st.original
            original = f"{md(o.type)} by {md(names.get(o.actor, o.actor))}, occurred {md(words(o.occurred))}"
            warnings.insert(0, f"amended; originally {original}")
        reported = md(words(st.reported)) if st.reported else "-"
        cells = [str(st.seq), md(words(st.occurred)), reported, md(st.recorded_at), md(st.type)]
        joint = _with(tuple(names.get(p, p) for p in st.co_proposers))
        cells += [md(_who(names.get(st.actor, st.actor), st.person) + joint), source, md(st.rule), changes]
        cells.append("<br>".join(warnings) or "-")
        out.append("| " + " | ".join(cells) + " |")
    if a.corrections:
        out += ["", "Corrections:", ""]
        for c in a.corrections:
            noun = md(NOUNS.get(c.type, c.type))
            out.append(f"- \\#{c.seq} {noun} of `{c.target}` ({STATES[c.state]}): {md(c.reason)}")
    if a.uncertain:
        out += ["", "May also have happened by then (not applied): " + ", ".join(md(u) for u in a.uncertain)]
    return "\n".join(out)


# -- why and diff ------------------------------------------------------------------------


def _ref(r: EventRef) -> str:
    amended = f", amended by #{r.amended_by}" if r.amended_by is not None else ""
    return f"#{r.seq} {r.type} by {r.actor} on {r.occurred}{amended}"


def why_text(p: Provenance) -> str:
    """Each field of the state, its value and the events that set it; then each event's sources once."""
    lines = [f"Why {p.proposal} is {p.status or '-'} ({p.question}):", ""]
    rows = [(f.field, _short(f.value), "; ".join(_ref(r) for r in f.events) or "(no event)") for f in p.fields]
    lines.append(table(("field", "value", "set by"), rows))
    cited = {r.seq: r for f in p.fields for r in f.events}
    if cited:
        lines += ["", "Sources:"]
        for seq in sorted(cited):
            lines.append(f"  #{seq} [{cited[seq].id}]")
            lines += [f"    {s}" for s in _sources(cited[seq])] or ["    (no source recorded)"]
    if p.uncertain:
        lines.append(f"\nMay also count (uncertain, not applied): {', '.join(p.uncertain)}")
    return printable_lines(lines)


def _short(value: str | None, width: int = 60) -> str:
    if not value:
        return "-"
    return value if len(value) <= width else value[: width - 3] + "..."


def diff_text(d: Diff) -> str:
    """What changed between the two cut-offs, per proposal, and by which events."""
    fixed = [
        f"{name} {value}" for name, value in (("on", d.on), ("known by", d.known_by), ("as recorded", d.as_recorded))
    ]
    held = [f for f in fixed if not f.endswith(" None")]
    lines = [f"Changes on the {d.axis} axis from {d.start} to {d.end}" + (f" ({', '.join(held)}):" if held else ":")]
    if not d.proposals:
        lines.append("(nothing changed)")
    for p in d.proposals:
        lines.append(f"\n{p.proposal}:")
        for c in p.changes:
            by = f"  (by {', '.join(c.by)})" if c.by else ""
            lines.append(f"  {c.field}: {c.before if c.before is not None else '-'} -> {c.after or '-'}{by}")
        for e in p.events:
            lines.append(f"  event #{e.seq} {e.type} by {e.actor} on {e.occurred} [{e.id}]: {e.before} -> {e.after}")
    return printable_lines(lines)
