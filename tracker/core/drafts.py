"""Drafts: events built from what a user types (``tracker add`` options, ``amend --set``).

Every value goes through ``fields.value`` and every source through ``citation.parse``: this
module only says which option names which field, refuses options the kind lacks, and names
options (``--end-rule``), not fields (``end_rule``), in its errors. Pure: the commands pass in
the clock's day and the editor's name.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from tracker.core import citation, fields
from tracker.core.events import KINDS, SLUG_PATTERN
from tracker.core.validate import Line, parse_line
from tracker.errors import InputError, TrackerError

SINGULAR = {
    "addressees": "addressee",
    "mediators": "mediator",
    "co_proposers": "co-proposer",
    "required_parties": "required-party",
    "deadlines": "deadline",
    "sources": "source",
}
"""List fields whose option is the singular, repeated (``--addressee a --addressee b``)."""
NOT_OPTIONS = ("type", "proposal", "replacement")
"""Fields with no option: the kind and the proposal are arguments; a replacement is ``tracker amend``."""
ADDABLE = tuple(k for k in KINDS if k != "amended")
"""The kinds ``tracker add`` records (an amendment is built from the stored event by ``amend``)."""
SOURCE_PARTS = ("url", "outlet", "title", "published", "attribution", "quote")
"""The parts of a source given option by option (``--source-url``, ``--source-outlet``, ...)."""
DATES = ("occurred", "reported", "effective", "ends", "new_end", "until", "incident")
DESCRIPTIONS = {
    "type": "the event's kind (floated, accepted, ...)",
    "proposal": "the proposal's slug",
    "actor": "who did it: a party's slug (united-states)",
    "person": "who spoke for the actor, as written (Antony Blinken)",
    "occurred": "when it happened (EDTF: 2024-11-26, 2024-11, 2024~, 2024-09/2024-11)",
    "reported": "when it was first public (EDTF); derived from the earliest source if absent",
    "note": "free text for the reader",
    "id": "the event's id (derived from its content if absent)",
    "sources": "where it was read: 'Outlet | Title | published | url | attribution | quote'",
    "addressees": "a party the proposal is addressed to",
    "mediators": "a mediator",
    "co_proposers": "a party proposing it jointly with the actor",
    "required_parties": "a party whose acceptance the agreement needs",
    "deadlines": "something due under the terms: 'what | due' (withdrawal of forces | 2025-01-26)",
    "terms": "the terms, as text",
    "conditions": "the conditions the actor set",
    "effective": "when the terms take effect (EDTF)",
    "ends": "the scheduled end: the last day in force, or an instant (EDTF)",
    "duration": "how long from effective (ISO 8601: P60D, P2M, PT72H)",
    "new_end": "the new end of an extension (EDTF)",
    "changes": "what a counter-proposal changes",
    "target": "the event (or, for objected, the term) this one is about",
    "until": "until when it is suspended (EDTF)",
    "accused": "a party accused of a violation",
    "incident": "when the incident happened (EDTF)",
    "location": "where the incident happened",
    "about": "the party a claim is about (a slug)",
    "claim": "what the third party claims",
    "conditions_for_return": "what the actor asks before returning",
    "by": "the proposal (slug) that supersedes this one",
    "reason": "why the event is corrected",
}


def option(name: str) -> str:
    """The option that gives field ``name`` (``--addressee`` for ``addressees``, ``--end-rule``)."""
    return "--" + SINGULAR.get(name, name.replace("_", "-"))


@cache
def options() -> dict[str, tuple[str, ...]]:
    """Every field that has an option, with the kinds that have that field (in the order of ``KINDS``)."""
    out: dict[str, list[str]] = {}
    for kind in KINDS:
        for name in fields.fields(kind):
            if name not in NOT_OPTIONS:
                out.setdefault(name, []).append(kind)
    return {name: tuple(kinds) for name, kinds in out.items()}


def describe(kind: str, name: str) -> str:
    """What a field holds, for a template's comments and an option's help."""
    choices = _choices(kind, name)
    if choices and name != "type":
        return "one of " + ", ".join(choices)
    return DESCRIPTIONS.get(name, name.replace("_", " "))


def _choices(kind: str, name: str) -> tuple[str, ...]:
    annotation = fields.models()[kind].model_fields[name].annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return tuple(str(a) for a in typing.get_args(arg))
    return ()


def metavar(name: str) -> str:
    """The placeholder an option's help shows for its value."""
    if name in DATES:
        return "DATE"
    slugs = {n for kind in options()[name] for n, shape in fields.fields(kind).items() if shape == "list"}
    return {"deadlines": "'WHAT | DUE'", "sources": "'OUTLET | TITLE | DATE | URL'", "duration": "DURATION"}.get(
        name, "SLUG" if name in slugs or name in ("actor", "about", "by") else "TEXT"
    )


def closest(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean x?)`` for the closest of ``choices`` to a mistyped ``word``, or nothing."""
    from tracker.core import suggest  # only on an error: difflib is not imported at every start-up

    return suggest.hint(word, choices, quoted=False, part=False)


def check_kind(kind: str, allowed: Sequence[str] = ADDABLE) -> None:
    """Refuse a kind that is not one of ``allowed``, listing them (and the closest)."""
    if kind == "amended" and allowed is ADDABLE:
        raise InputError("an amendment is built from the stored event: tracker amend EVENT --set field=value")
    if kind not in allowed:
        raise InputError(f"unknown kind {kind!r}{closest(kind, allowed)}; the kinds are {', '.join(allowed)}")


def kind_options(kind: str) -> str:
    """The options of a kind's fields, for an error that lists them."""
    return ", ".join(option(n) for n in fields.fields(kind) if n not in NOT_OPTIONS)


def build(
    kind: str, proposal: str, given: Mapping[str, str | Sequence[str] | None], parts: Mapping[str, str | None]
) -> dict[str, Any]:
    """The event that options give: ``given`` by field name (lists: one text per repetition),
    ``parts`` one source given part by part (``SOURCE_PARTS``)."""
    check_kind(kind)
    own = fields.fields(kind)
    event: dict[str, Any] = {"type": kind, "proposal": proposal}
    for name, raw in given.items():
        if raw is None or (not isinstance(raw, str) and not raw):
            continue
        if name not in own:
            raise InputError(f"{option(name)} is not a field of {kind}; its fields are {kind_options(kind)}")
        texts = [raw] if isinstance(raw, str) else list(raw)
        try:
            if own[name] in ("list", "deadlines", "sources"):
                event[name] = [item for text in texts for item in fields.value(kind, name, text)]
            else:
                if len(texts) > 1:
                    raise fields.FieldError(f"give it once, not {len(texts)} times")
                event[name] = fields.value(kind, name, texts[0])
        except fields.FieldError as exc:
            raise InputError(f"{option(name)}: {exc}") from None
    source = _source_in_parts(parts)
    if source is not None:
        event["sources"] = [*event.get("sources", ()), source]
    require(event, option)
    return event


def require(event: Mapping[str, Any], name: Callable[[str], str] = str) -> None:
    """Refuse an event that lacks fields its kind requires, naming them all (``name``: as typed)."""
    kind = event.get("type")
    if kind in fields.models():
        missing = [name(n) for n in fields.required_fields(str(kind)) if n not in event]
        if missing:
            raise InputError(f"{kind} needs {', '.join(missing)}")


def _source_in_parts(parts: Mapping[str, str | None]) -> dict[str, str] | None:
    source = {name: text for name, text in parts.items() if text}
    if not source:
        return None
    missing = [f"--source-{n}" for n in ("outlet", "title", "published") if n not in source]
    if missing:
        raise InputError(f"a source given in parts needs {', '.join(missing)} (or give it whole with --source)")
    return fields.source(" | ".join(source.get(n, "").replace("|", "\\|") for n in citation.PARTS))


def validated(event: Mapping[str, Any], name: Callable[[str], str] = lambda path: option_of(path)) -> Line:
    """The event checked by the model (``validate.parse_line``), an error naming the option (``name``)."""
    try:
        return parse_line(json.dumps(event, ensure_ascii=False))
    except TrackerError as exc:
        raise renamed(exc, name) from None


def renamed(exc: TrackerError, name: Callable[[str], str] = lambda path: option_of(path)) -> TrackerError:
    """The error with its field named as the user typed it (``--end-rule``, ``--expect-version``)."""
    if exc.field:
        named = name(exc.field)
        exc.message = exc.message if exc.message.startswith(named) else f"{named}: {exc.message}"
        exc.field = None
    return exc


def option_of(path: str) -> str:
    """The option a field path names: ``end_rule`` -> ``--end-rule``, ``sources.0.url`` -> ``--source #1 url``."""
    head, *rest = bare(path).split(".")
    out = option(head) if head in options() or head == "expect_version" else head
    return " ".join([out, *(f"#{int(p) + 1}" if p.isdigit() else p for p in rest)])


def bare(path: str) -> str:
    """A field path without the kind tags pydantic puts in it (``replacement.accepted.occurred``)."""
    return ".".join(p for p in path.split(".") if p not in KINDS)


def editor_slug(name: str | None) -> str:
    """Who records a correction by default: ``$TRACKER_EDITOR`` (a slug) or ``editor``."""
    if not name:
        return "editor"
    if not re.fullmatch(SLUG_PATTERN, name):
        raise InputError(f"TRACKER_EDITOR {name!r} is not a slug (lowercase letters, digits, single hyphens)")
    return name
