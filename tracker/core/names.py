"""Display names: what readers call a party or a proposal, checked before the store keeps them.

A name is data about the record, not an event: it says how to *print* a slug ("united-states"
as "United States", "istanbul-2022" as "Istanbul Communiqué"), not anything that happened, so
it has no sources, no dates and no effect on any answer. It lives in its own append-only log
(``tracker.store.names``) beside the events, outside their hash chain; renaming a party is a new
row (the latest wins), never an edit, and the events keep their slugs.

Pure: standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from tracker.errors import InputError

Subject = Literal["actor", "proposal"]
SUBJECTS: tuple[Subject, ...] = ("actor", "proposal")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # as ``tracker.core.events.SLUG_PATTERN``
MAX_SLUG = 80
MAX_NAME = 200
SECTIONS: dict[str, Subject] = {"parties": "actor", "proposals": "proposal"}
"""The keys of a names file (``tracker actors --load``) and the subject each names."""


class Name(NamedTuple):
    """One display name: a party's (``actor``) or a proposal's title (``proposal``)."""

    subject: Subject
    slug: str
    name: str


def check_name(subject: str, slug: object, name: object, *, key: str | None = None) -> Name:
    """A display name checked: a known subject, a slug as events spell them, a name of printable text
    (1-200 characters, spaces at its ends removed); InputError naming ``key`` (default: slug) otherwise."""
    where = key or "slug"
    if subject not in SUBJECTS:
        raise InputError(f"unknown subject {subject!r}; expected actor or proposal", field="subject")
    if not isinstance(slug, str) or len(slug) > MAX_SLUG or SLUG.fullmatch(slug) is None:
        raise InputError(
            f"{slug!r} is not a slug (lowercase letters, digits and single hyphens, at most {MAX_SLUG})", field=where
        )
    if not isinstance(name, str):
        raise InputError(f"the name of {slug} must be text, not {type(name).__name__}", field=key or "name")
    text = name.strip()
    if not text or len(text) > MAX_NAME or not text.isprintable():
        raise InputError(
            f"the name of {slug} must be 1 to {MAX_NAME} printable characters on one line", field=key or "name"
        )
    return Name("actor" if subject == "actor" else "proposal", slug, text)


def names_file(doc: Any) -> list[Name]:
    """The names of a parsed names file ``{parties: {slug: name}, proposals: {slug: title}}`` (either
    section may be absent); InputError naming the first bad key (``parties.usa``) otherwise."""
    if not isinstance(doc, Mapping):
        raise InputError("a names file is a mapping with the keys parties and proposals")
    unknown = [k for k in doc if k not in SECTIONS]
    if unknown or not doc:
        raise InputError(f"unknown key {unknown[0]!r}; expected parties or proposals" if unknown else "no names")
    out = []
    for section, subject in SECTIONS.items():
        entries = doc.get(section) or {}
        if not isinstance(entries, Mapping):
            raise InputError(f"{section} must map slugs to names", field=section)
        out += [check_name(subject, slug, name, key=f"{section}.{slug}") for slug, name in entries.items()]
    return out
