"""Tables for other tools (Datasette, the sqlite3 shell): sources, notes, full-text search, intervals.

One projection (``Readable``) derives, per proposal, from the log:
- ``sources``: one row per source of an event (event id, outlet, title, published, ...);
- ``notes``: the free text of events (note, terms, conditions, reason), one row per field;
- ``notes_fts`` and ``sources_fts``: FTS5 indexes with external content over those two tables
  (kept in step by triggers; Datasette finds them by name and offers a search box);
- ``status_segments``: the status intervals (``intervals.status_intervals``) by everything recorded.
Rows of retracted events stay, flagged ``retracted = 1``: the log keeps them, so does the index.
``search`` answers ``tracker search`` from the two indexes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tracker.core import codec
from tracker.core.dates import MAX_DAY, bounds
from tracker.core.replay import Record, effective, has_correction, retracted_ids
from tracker.core.segments import status_intervals
from tracker.core.value import Value
from tracker.errors import InputError

if TYPE_CHECKING:
    from tracker.store.log import Store

TEXT_FIELDS = ("note", "terms", "conditions", "reason")
_TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sources (
    event_id TEXT NOT NULL, n INTEGER NOT NULL, proposal TEXT NOT NULL, kind TEXT NOT NULL,
    outlet TEXT NOT NULL, title TEXT NOT NULL, published TEXT NOT NULL,
    published_from TEXT NOT NULL, published_to TEXT NOT NULL,
    attribution TEXT, url TEXT, quote TEXT, retracted INTEGER NOT NULL,
    PRIMARY KEY (event_id, n)
);
CREATE INDEX IF NOT EXISTS sources_proposal ON sources (proposal);
CREATE TABLE IF NOT EXISTS notes (
    event_id TEXT NOT NULL, field TEXT NOT NULL, proposal TEXT NOT NULL, kind TEXT NOT NULL,
    text TEXT NOT NULL, retracted INTEGER NOT NULL,
    PRIMARY KEY (event_id, field)
);
CREATE INDEX IF NOT EXISTS notes_proposal ON notes (proposal);
CREATE TABLE IF NOT EXISTS status_segments (
    proposal TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT, status TEXT, uncertain TEXT NOT NULL,
    PRIMARY KEY (proposal, valid_from)
);
CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(text, content=[notes], {_TOKENIZE});
CREATE VIRTUAL TABLE IF NOT EXISTS sources_fts USING fts5(title, quote, content=[sources], {_TOKENIZE});
CREATE TRIGGER IF NOT EXISTS notes_ai AFTER INSERT ON notes
BEGIN INSERT INTO notes_fts (rowid, text) VALUES (new.rowid, new.text); END;
CREATE TRIGGER IF NOT EXISTS notes_ad AFTER DELETE ON notes
BEGIN INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END;
CREATE TRIGGER IF NOT EXISTS sources_ai AFTER INSERT ON sources
BEGIN INSERT INTO sources_fts (rowid, title, quote) VALUES (new.rowid, new.title, new.quote); END;
CREATE TRIGGER IF NOT EXISTS sources_ad AFTER DELETE ON sources
BEGIN INSERT INTO sources_fts (sources_fts, rowid, title, quote)
    VALUES ('delete', old.rowid, old.title, old.quote); END;
"""
Rows = dict[str, list[tuple[Any, ...]]]


def source_rows(records: Iterable[Record]) -> list[dict[str, Any]]:
    """One dict per source of every event (an amendment's replacement sources listed after its own)."""
    keys = ("event_id", "n", "proposal", "type", "outlet", "title", "published", "published_from", "published_to",
            "attribution", "url", "quote", "retracted")  # fmt: skip
    return [dict(zip(keys, row, strict=True)) for row in derive("", list(records), [])["sources"]]


def _segments_from_intervals(conn: sqlite3.Connection, proposal: str, start: str = "") -> list[tuple[Any, ...]]:
    """Status segments from the stored 'on'-axis pieces of the interval projection (from ``start`` on)."""
    sql = (
        "SELECT valid_from, valid_to, status, uncertain FROM intervals "
        "WHERE axis = 'on' AND proposal = ? AND valid_from >= ? ORDER BY valid_from"
    )
    return merge_segments(proposal, conn.execute(sql, (proposal, start)))


def _splice_segments(conn: sqlite3.Connection, proposal: str, cut: str) -> list[tuple[Any, ...]]:
    """Delete the stored segments the 'on' pieces from ``cut`` on can change, and return their replacements.

    The pieces before ``cut`` stand, so every segment but the last one starting before it
    stands too (it ends where its neighbour's status or uncertainty differs, both before
    ``cut``); the segments are merged again from the start of that last one.
    """
    sql = "SELECT max(valid_from) FROM status_segments WHERE proposal = ? AND valid_from < ?"
    start = conn.execute(sql, (proposal, cut)).fetchone()[0] or ""
    conn.execute("DELETE FROM status_segments WHERE proposal = ? AND valid_from >= ?", (proposal, start))
    return _segments_from_intervals(conn, proposal, start)


def merge_segments(proposal: str, pieces: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Status segments: 'on'-axis pieces (valid_from, valid_to, status, uncertain JSON) in order,
    with neighbours of equal status and uncertainty merged."""
    merged: list[list[Any]] = []
    for valid_from, valid_to, status, uncertain in pieces:
        if valid_from >= MAX_DAY:  # the sentinel of open ends: a segment never starts there (as in segments.py)
            if merged:
                merged[-1][2] = None
            continue
        valid_to = None if valid_to is not None and valid_to >= MAX_DAY else valid_to
        last = merged[-1] if merged else None
        # the pieces' uncertain ids are one compact JSON text per list: equal lists, equal texts
        if last is not None and last[2] == valid_from and last[3] == status and last[4] == uncertain:
            last[2] = valid_to
        else:
            merged.append([proposal, valid_from, valid_to, status, uncertain])
    return [(p, f, t, s, "[]" if ids == "[]" else json.dumps(codec.loads(ids))) for p, f, t, s, ids in merged]


def derive(proposal: str, records: Sequence[Record], segments: list[tuple[Any, ...]]) -> Rows:
    """The rows of every readable table for one proposal's records (in append order).

    ``segments`` are the status segments already derived from the ``on`` axis of the interval
    pieces (``merge_segments``), or by ``segments.status_intervals`` (``differences``).
    """
    cancelled = retracted_ids(records)
    notes, sources = [], []
    for rec in records:
        event, gone = rec.event, int(rec.id in cancelled)
        replacement = event.get("replacement") if event["type"] == "amended" else None
        parts = [(f, event.get(f)) for f in TEXT_FIELDS]
        if replacement is not None:
            parts += [(f"replacement.{f}", replacement.get(f)) for f in TEXT_FIELDS]
        notes += [(rec.id, field, event["proposal"], event["type"], text, gone) for field, text in parts if text]
        listed = [*event.get("sources", ()), *(replacement.get("sources", ()) if replacement is not None else ())]
        for n, src in enumerate(listed, start=1):
            low, high = bounds(src["published"])
            sources.append(
                (rec.id, n, event["proposal"], event["type"], src["outlet"], src["title"], src["published"],
                 low, high, src.get("attribution"), src.get("url"), src.get("quote"), gone)
            )  # fmt: skip
    return {"sources": sources, "notes": notes, "status_segments": segments}


class Readable:
    """``sources``, ``notes`` (+ FTS5 indexes) and ``status_segments``, per proposal."""

    name = "readable"
    tables: tuple[str, ...] = ("sources", "notes", "status_segments")

    def create(self, conn: sqlite3.Connection) -> None:
        """Create the tables, indexes and triggers if they do not exist."""
        for statement in _statements(SCHEMA):
            conn.execute(statement)

    def _write(self, store: Store, proposal: str) -> None:
        # At append time the rows come from the records (``derive``) and the segments from
        # the 'on' axis of the interval projection (refreshed just before, in the same transaction)
        # instead of a second replay; ``differences`` checks them against segments swept afresh
        # from the stream (``segments.status_intervals``).
        conn, after = store.conn, store.refresh_after_seq
        new = store.new_records(proposal, after) if after is not None else []
        if new and not has_correction(new):
            # Only new events, and no correction: earlier rows stand as they are, add the new ones.
            segments = _splice_segments(conn, proposal, min(r.occurred.earliest for r in new))
            rows = derive(proposal, new, segments)
        else:
            for table in self.tables:
                conn.execute(f"DELETE FROM {table} WHERE proposal = ?", (proposal,))
            rows = derive(proposal, store.stream(proposal), _segments_from_intervals(conn, proposal))
        self.insert(conn, rows)

    def derive(self, proposal: str, records: Sequence[Record], before: Rows) -> Rows:
        """Every row of the proposal; the segments from the 'on'-axis pieces derived just before."""
        on = sorted(row[2:6] for row in before["intervals"] if row[0] == "on")
        return derive(proposal, records, merge_segments(proposal, on))

    def insert(self, conn: sqlite3.Connection, rows: Rows) -> None:
        """Write the rows (the triggers index them)."""
        for table, table_rows in rows.items():
            if table_rows:
                marks = ",".join("?" * len(table_rows[0]))
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)

    def clear(self, conn: sqlite3.Connection) -> None:
        """Empty the tables (within ``begin_bulk``/``end_bulk``, which remake the indexes)."""
        for table in self.tables:
            conn.execute(f"DELETE FROM {table}")

    def begin_bulk(self, conn: sqlite3.Connection) -> None:
        """Stop indexing row by row: at ~60 us a source row that is 30x what one ``rebuild`` costs."""
        for name in ("notes_ai", "notes_ad", "sources_ai", "sources_ad"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")

    def end_bulk(self, conn: sqlite3.Connection) -> None:
        """Index every row in one pass and index row by row again from now on."""
        for index in ("notes_fts", "sources_fts"):
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
        self.create(conn)

    def refresh(self, store: Store, proposals: Iterable[str]) -> None:
        """Re-derive the rows of the touched proposals (the triggers keep the indexes in step)."""
        for proposal in proposals:
            self._write(store, proposal)

    def differences(self, store: Store) -> list[str]:
        """Rows that disagree with a fresh derivation, and indexes that disagree with their tables."""
        out = []
        for proposal in sorted(set(store.proposals()) | _stored_proposals(store, self.tables)):
            records = store.stream(proposal)
            segments = [
                (proposal, s.valid_from, s.valid_to, s.status, json.dumps(list(s.uncertain)))
                for s in status_intervals(proposal, effective(records))
            ]
            fresh = derive(proposal, records, segments)
            for table in self.tables:
                sql = f"SELECT * FROM {table} WHERE proposal = ?"
                stored = sorted((tuple(r) for r in store.conn.execute(sql, (proposal,))), key=_key)
                if stored != sorted(fresh[table], key=_key):
                    out.append(f"{table}: rows of {proposal!r} disagree with a fresh replay")
        for index in ("notes_fts", "sources_fts"):
            try:
                store.conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                out.append(f"{index}: the full-text index disagrees with its table ({exc})")
        return out


def _key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("\x00" if v is None else str(v) for v in row)


def _stored_proposals(store: Store, tables: Sequence[str]) -> set[str]:
    return {r[0] for table in tables for r in store.conn.execute(f"SELECT DISTINCT proposal FROM {table}")}


def _statements(script: str) -> list[str]:
    """Split the schema on statement ends (the triggers' inner ``;`` end with ``END;``)."""
    out, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if line.endswith("END;") or (line.endswith(";") and not current.lstrip().startswith("CREATE TRIGGER")):
            out.append(current.strip())
            current = ""
    return out


class Hit(Value):
    """One search result: the event, which of its texts matched, and a snippet around the match."""

    event_id: str
    proposal: str
    type: str
    field: str
    snippet: str
    retracted: bool


_SEARCH = """
SELECT n.event_id, n.proposal, n.kind, n.field, snippet(notes_fts, 0, '[', ']', '...', 12), n.retracted,
       bm25(notes_fts) AS score
FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid WHERE notes_fts MATCH :q
UNION ALL
SELECT s.event_id, s.proposal, s.kind, 'source ' || s.n || ' (' || s.outlet || ')',
       snippet(sources_fts, -1, '[', ']', '...', 12), s.retracted, bm25(sources_fts) AS score
FROM sources_fts JOIN sources s ON s.rowid = sources_fts.rowid WHERE sources_fts MATCH :q
ORDER BY score, 1, 4 LIMIT :limit
"""


def fts_query(text: str) -> str:
    """User words as an FTS5 query: every word must occur; no FTS syntax is interpreted."""
    words = re.findall(r"\w+", text)
    if not words:
        raise InputError("nothing to search for: give at least one word", field="text")
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(conn: sqlite3.Connection, text: str, *, limit: int = 50) -> list[Hit]:
    """Search notes, source titles and quotes; best matches first."""
    rows = conn.execute(_SEARCH, {"q": fts_query(text), "limit": limit})
    return [
        Hit(event_id=r[0], proposal=r[1], type=r[2], field=r[3], snippet=" ".join(r[4].split()), retracted=bool(r[5]))
        for r in rows
    ]
