"""Rendering ``tracker show``, ``tracker proposals`` and ``tracker actors`` for reading.

Dates are said in words with the EDTF after them (``12 March 2022 (2022-03-12)``), slugs with
their display names (``united-states (United States)``); ``--json`` prints the data as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tracker.core.listing import Duplicate, Party, ProposalRow
from tracker.views.text import lines, table
from tracker.views.words import words

DATES = ("occurred", "reported", "effective", "ends", "until", "incident", "new_end")
PARTIES = ("actor", "addressees", "mediators", "required_parties", "accused", "about")
ORDER = (
    "type", "proposal", "actor", "person", "occurred", "reported", "note", "conditions",
    "effective", "ends", "duration", "end_rule", "deadlines", "required_parties", "terms", "changes",
    "addressees", "mediators", "channel", "target",
)  # fmt: skip
SKIPPED = ("id", "sources", "replacement")
"""Shown apart (the id heads the page; sources and an amendment's replacement get blocks of their own)."""


def dated(edtf: str) -> str:
    """An EDTF date in words, the EDTF after it when the words differ."""
    said = words(edtf)
    return said if said == edtf else f"{said} ({edtf})"


def named(slug: str, names: Mapping[str, str]) -> str:
    """A slug with its display name after it, if it has one."""
    return f"{slug} ({names[slug]})" if slug in names else slug


def _value(key: str, value: Any, names: Mapping[str, str]) -> str:
    if key in DATES:
        return dated(str(value))
    if key in PARTIES:
        slugs = [value] if isinstance(value, str) else list(value)
        return ", ".join(named(s, names) for s in slugs)
    if key == "deadlines":
        return "; ".join(f"{d['what']} by {dated(d['due'])}" for d in value)
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def _fields(event: Mapping[str, Any], names: Mapping[str, str], skip: Sequence[str] = SKIPPED) -> list[tuple[str, str]]:
    keys = [k for k in ORDER if k in event] + sorted(k for k in event if k not in ORDER)
    return [(k, _value(k, event[k], names)) for k in keys if k not in skip and event[k] not in (None, [], (), "")]


def _sources(sources: Sequence[Mapping[str, Any]]) -> list[str]:
    out = []
    for number, src in enumerate(sources, start=1):
        out.append(f"  {number}. {src['outlet']}, \u201c{src['title']}\u201d, {dated(src['published'])}")
        out += [f"     {key}: {src[key]}" for key in ("attribution", "url", "quote") if src.get(key)]
    return out


def event_text(d: Mapping[str, Any]) -> str:
    """Everything about one event (``Tracker.show``), for reading."""
    event, names = d["event"], d["names"]
    title = f" ({d['title']})" if d.get("title") else ""
    out = [f"event {event['id']}: seq {d['seq']}, recorded {d['recorded_at']}"]
    rows = [(k, f"{v}{title}" if k == "proposal" else v) for k, v in _fields(event, names)]
    width = max(len(k) for k, _ in rows)
    out += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    if d.get("now"):
        by = ", ".join(f"#{c['seq']}" for c in d["corrected_by"] if c["type"] == "amended" and c["state"] == "applied")
        out.append(f"as it now stands (amended by {by}):")
        out += [f"  {k.ljust(width)}  {v}" for k, v in _fields(d["now"], names)]
    if event.get("replacement"):
        out.append("replacement (what the corrected event now says):")
        out += [f"  {k}: {v}" for k, v in _fields(event["replacement"], names, ("sources", "id"))]
    if event.get("sources"):
        out.append("sources:")
        out += _sources(event["sources"])
    else:
        out.append("sources: none given")
    out += _effect(d)
    return lines(out)


def _effect(d: Mapping[str, Any]) -> list[str]:
    out = []
    if d["applied"]:
        out.append(f"changed (replaying {d['event']['proposal']} by everything recorded; rule: {d['rule']}):")
        out += [f"  {c['field']}: {c['before'] or '-'} -> {c['after'] or '-'}" for c in d["changes"]] or ["  nothing"]
        out.append(f"  status after it: {d['status_after'] or '-'}")
    elif d["corrects"] is None:
        out.append("changed: nothing (it is not applied by everything recorded: retracted, or not yet certain)")
    if d["warnings"]:
        out.append("warnings:")
        out += [f"  [{w['code']}] {w['message']}" for w in d["warnings"]]
    if d["corrects"] is not None:
        c = d["corrects"]
        out.append(f"corrects: #{c['seq']} {c['type']} {c['id']} ({c['state']})")
    if d["corrected_by"]:
        out.append("corrected by:")
        out += [f"  #{c['seq']} {c['type']} by {c['actor']} ({c['state']}): {c['reason']}" for c in d["corrected_by"]]
    return out


def proposals_text(rows: Sequence[ProposalRow], names: Mapping[str, str]) -> str:
    """The proposals as a table (dates in words, parties by display name)."""
    body = [
        (
            r.slug,
            r.title or "-",
            r.said or r.status or "-",
            words(r.first),
            words(r.last),
            str(r.events),
            ", ".join(names.get(p, p) for p in (r.proposer, *r.co_proposers) if p) or "-",
        )
        for r in rows
    ]
    return table(("proposal", "title", "status", "first", "last", "events", "proposer"), body)


def parties_text(parties: Sequence[Party], duplicates: Sequence[Duplicate]) -> str:
    """The parties as a table, then the pairs that may be one party."""
    body = [(p.slug, p.name or "-", str(p.events), str(len(p.proposals))) for p in parties]
    out = [table(("party", "name", "events as actor", "proposals"), body)]
    if duplicates:
        out += ["", f"warning: {len(duplicates)} pair(s) of slugs may name one party (check, then amend the events):"]
        out += [f"  {d.first} / {d.second}: {d.why}" for d in duplicates]
    return lines(out)
