"""The names log: display names of parties and proposals, a second append-only table.

Names are data about the record, not events (see ``tracker.core.names``): they sit outside the
events' hash chain and change no answer. Like the events they are only ever appended: a row per
naming, the latest row of a slug wins, and triggers refuse UPDATE and DELETE, so an earlier
name can always be read back. ``tracker verify`` checks the table and its triggers with the
rest of the schema (``Store.schema_differences``); ``tracker export`` writes the rows after the
events, one ``{"name": {...}}`` line each, and a restore appends them again (``split_export``).

Standard library only: ``tracker.quick`` reads names with it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tracker.core.names import Name, check_name
from tracker.errors import InputError

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS names (
    seq INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('actor', 'proposal')),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    recorded_at TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS names_subject ON names (subject, slug, seq)",
    """CREATE TRIGGER IF NOT EXISTS names_no_update BEFORE UPDATE ON names
BEGIN SELECT RAISE(ABORT, 'the names log is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS names_no_delete BEFORE DELETE ON names
BEGIN SELECT RAISE(ABORT, 'the names log is append-only: DELETE refused'); END""",
)
EXPORT_KEY = "name"
"""The one key of an export line holding a names row."""


def create(conn: sqlite3.Connection) -> None:
    """Create the names table, its index and its triggers, if not there (files made before them too)."""
    for statement in SCHEMA:
        conn.execute(statement)


def _exists(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'names'").fetchone() is not None


def read(conn: sqlite3.Connection, subject: str) -> dict[str, str]:
    """The current display name of every slug of a subject (``actor`` or ``proposal``): its latest row."""
    if not _exists(conn):  # a file opened read-only, made before the table existed
        return {}
    rows = conn.execute("SELECT slug, name FROM names WHERE subject = ? ORDER BY seq", (subject,))
    return {str(slug): str(name) for slug, name in rows}


def rows(conn: sqlite3.Connection) -> Iterator[tuple[int, str, str, str, str]]:
    """Every row of the names log in order: (seq, subject, slug, name, recorded_at)."""
    if _exists(conn):
        yield from conn.execute("SELECT seq, subject, slug, name, recorded_at FROM names ORDER BY seq")


def append(conn: sqlite3.Connection, names: Sequence[Name], recorded_at: Sequence[str]) -> int:
    """Append names (each with its recording time) unless the slug already has that very name; in the
    caller's transaction. Returns how many rows were written."""
    current = {subject: read(conn, subject) for subject in ("actor", "proposal")}
    added = 0
    for item, at in zip(names, recorded_at, strict=True):
        if current[item.subject].get(item.slug) == item.name:
            continue
        conn.execute(
            "INSERT INTO names (subject, slug, name, recorded_at) VALUES (?, ?, ?, ?)",
            (item.subject, item.slug, item.name, at),
        )
        current[item.subject][item.slug] = item.name
        added += 1
    return added


def export_line(row: tuple[int, str, str, str, str]) -> str:
    """A names row as a line of ``tracker export``."""
    seq, subject, slug, name, recorded_at = row
    body = {"seq": seq, "recorded_at": recorded_at, "subject": subject, "slug": slug, "name": name}
    return json.dumps({EXPORT_KEY: body}, ensure_ascii=False, separators=(",", ":"))


def split_export(
    lines: Iterable[tuple[int, bytes]], sink: list[tuple[Name, str]], file: str | None = None
) -> Iterator[tuple[int, bytes]]:
    """Pass on the event rows of an export and keep its names rows (checked) in ``sink``."""
    for number, raw in lines:
        if not raw.lstrip().startswith(b'{"' + EXPORT_KEY.encode() + b'"'):
            yield number, raw
            continue
        try:
            body = json.loads(raw)[EXPORT_KEY]
            item = check_name(body["subject"], body["slug"], body["name"])
            at = body["recorded_at"]
            if not isinstance(at, str):
                raise TypeError
        except InputError as exc:
            raise exc.located(file=file, line=number) from None
        except (ValueError, KeyError, TypeError):
            raise InputError("not a names row of an export", file=file, line=number, field=EXPORT_KEY) from None
        sink.append((item, at))


def as_dicts(rows: Iterable[tuple[int, str, str, str, str]]) -> list[dict[str, Any]]:
    """Names rows as dicts with stable keys."""
    return [dict(zip(("seq", "subject", "slug", "name", "recorded_at"), r, strict=True)) for r in rows]


def write(conn: sqlite3.Connection, items: Sequence[Name], busy_timeout: float, now: str) -> int:
    """Append names in one transaction (all or none), each recorded at ``now``; how many were new."""
    return append_recorded(conn, [(item, now) for item in items], busy_timeout)


def append_recorded(conn: sqlite3.Connection, items: Sequence[tuple[Name, str]], busy_timeout: float) -> int:
    """Append names, each with its own recording time (a restore keeps them), in one transaction."""
    from tracker.store.faults import begin_immediate

    begin_immediate(conn, busy_timeout)
    try:
        added = append(conn, [n for n, _ in items], [at for _, at in items])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return added
