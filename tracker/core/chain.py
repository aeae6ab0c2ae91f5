"""The hash chain's text, built in one place: what each row's SHA-256 covers.

A row's hash is SHA-256 (hex) of the previous row's hash followed by the row's canonical text:
``{"event":<body as stored>,"recorded_at":"...","schema_version":N,"seq":N}`` (sorted keys, no
spaces), UTF-8. The store writes it, ``verify`` and ``restore`` check it, and docs/audit.md gives
a standard-library checker of the same text.
"""

from __future__ import annotations

from hashlib import sha256

GENESIS = "0" * 64
"""The ``prev_hash`` of the first row."""


def canonical_row(seq: int, recorded_at: str, schema_version: int, body: str) -> str:
    """The text a row's hash covers: sorted keys, no spaces, the event body embedded as stored."""
    return f'{{"event":{body},"recorded_at":"{recorded_at}","schema_version":{schema_version},"seq":{seq}}}'


def link(prev: str, seq: int, recorded_at: str, schema_version: int, body: str, *, strict: bool = False) -> str:
    """The hash of a row after ``prev``.

    Text read from a tampered file may hold lone surrogates (bytes that were not UTF-8): a checker
    hashes them as such (``surrogatepass``), which no row the store wrote can match; the store
    writes with ``strict`` and refuses them (UnicodeEncodeError).
    """
    text = prev + canonical_row(seq, recorded_at, schema_version, body)
    return sha256(text.encode("utf-8", "strict" if strict else "surrogatepass")).hexdigest()
