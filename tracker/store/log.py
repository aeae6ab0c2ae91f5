"""The store: one SQLite file holding the append-only event log (and, later, projections).

The ``events`` table is the truth. Triggers make the database itself refuse UPDATE and
DELETE on it. Each batch goes in one ``BEGIN IMMEDIATE`` transaction, whole or not at all.
Every row carries ``prev_hash`` and ``hash``, a SHA-256 chain over its canonical form (see
``row_hash``), so that tampering can be detected.
"""

from __future__ import annotations

import functools
import gc
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.core.chain import GENESIS, link
from tracker.core.dates import bounds
from tracker.core.events import SCHEMA_VERSION, Event
from tracker.core.replay import Record
from tracker.core.validate import Known, Line, decide, decide_all
from tracker.errors import ConflictError, InputError, Interrupted, StoreError, TrackerError
from tracker.store import clock
from tracker.store import names as names_log
from tracker.store.backup import Entry
from tracker.store.faults import (
    begin_immediate,
    default_busy_timeout,
    is_busy,
    read_timeout,
    retry_busy,
    store_error,
)
from tracker.store.lookup import PROJECTIONS_FORMAT
from tracker.store.verify import COLUMNS  # the row layout, as the checker reads it
from tracker.store.workers import RAW_COLUMNS, Raw, derive_streams, record

if TYPE_CHECKING:
    import sqlite_utils

    from tracker.store.files import Problems
    from tracker.store.projections import Projection

APP_ID = "tracker"
_CHUNK = 500
_REFRESH_GROUP = 256
IDS_KEPT = 1_000
"""``AppendResult.ids`` lists the first this many ids: memory must not grow with the input."""
BULK_FROM = 1_000
"""A batch of new streams this large that at least doubles the log indexes its text in one pass."""
PAGE_SIZE = 16_384
"""Bytes a page, for new files (SQLite's default is 4 KiB). A piece of the ``intervals`` projection
carries a state of 1.5 kB on average and up to ~9 kB; in 4 KiB pages the larger ones spill into
overflow pages. Measured on the 1M-event log: a rebuild 6.4k -> 10.4k events/s, an import ~8%
faster, the file 13% smaller, a durable append and status lookups unchanged (docs/benchmarks.md).
A file made with another page size keeps it."""
CACHE_KIB = 4_096
"""SQLite's page cache, in KiB (allocated as used; the default is 2 MiB). With 16 KiB pages a 16 MiB
cache cost ~50 MB of memory, not 16, and was slower: a 101k import ran at 6.5k events/s and peaked
at 155 MB with it, at 7.9k and 110 MB with 4 MiB (8 MiB: 7.5k, 130 MB). The 1M import must stay
under 300 MB; the lookups read pages the cache would not hold anyway."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    proposal TEXT NOT NULL,
    version INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    occurred TEXT NOT NULL,
    occurred_from TEXT NOT NULL,
    occurred_to TEXT NOT NULL,
    reported TEXT,
    reported_from TEXT,
    reported_to TEXT,
    recorded_at TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_stream ON events (proposal, version);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only: DELETE refused'); END;
"""

# Views for people and other tools (Datasette, the sqlite3 shell); see docs/sharing.md.
VIEWS = (
    """CREATE VIEW IF NOT EXISTS current_status AS
    SELECT p.proposal, p.status, p.proposer,
        (SELECT group_concat(value, ', ') FROM json_each(p.state, '$[4]')) AS addressees,
        p.disputed, p.version AS events, json_extract(p.state, '$[14]') AS last_event,
        CASE WHEN json_extract(p.state, '$[17]') IS NULL THEN json_extract(p.state, '$[19]')
             ELSE coalesce(json_extract(p.state, '$[19]'), json_extract(p.state, '$[18]')) END AS effective,
        json_extract(p.state, '$[20]') AS scheduled_end,
        (SELECT max(e.recorded_at) FROM events e WHERE e.proposal = p.proposal) AS last_recorded_at
    FROM proposals p ORDER BY p.proposal""",
    """CREATE VIEW IF NOT EXISTS status_intervals AS
    SELECT proposal, status, valid_from, valid_to,
        CAST(julianday(valid_to) - julianday(valid_from) AS INTEGER) AS days,
        json_array_length(uncertain) AS uncertain_events, uncertain
    FROM status_segments ORDER BY proposal, valid_from""",
    """CREATE VIEW IF NOT EXISTS event_details AS
    SELECT e.seq, e.id, e.proposal, e.type AS kind, e.actor, json_extract(e.body, '$.person') AS person,
        e.occurred, e.reported, e.recorded_at, json_extract(e.body, '$.note') AS note,
        (SELECT count(*) FROM sources s WHERE s.event_id = e.id) AS sources
    FROM events e ORDER BY e.seq""",
)



def row_hash(prev_hash: str, seq: int, recorded_at: str, schema_version: int, body: str) -> str:
    """SHA-256 (hex) of the previous hash followed by the row's canonical text (``core.chain``)."""
    return link(prev_hash, seq, recorded_at, schema_version, body, strict=True)


@dataclass(frozen=True)
class AppendResult:
    """What a batch did: events added, identical events skipped, the new head, and the ids of the
    first ``IDS_KEPT`` events added (all of them for any batch but a bulk import)."""

    added: int
    skipped: int
    head_seq: int
    head_hash: str
    ids: tuple[str, ...] = ()


class Store:
    """The SQLite event store. Open it with ``Store(path)``; close with ``close()``."""

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float | None = None) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout if busy_timeout is not None else default_busy_timeout()
        if not self.path.parent.is_dir():
            raise StoreError(f"directory does not exist: {self.path.parent}")
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a tracker database")
        conn: sqlite3.Connection | None = None
        self.read_only = False
        self.committed: AppendResult | None = None
        """The last batch this store committed (``append``), for a Ctrl-C that lands after it."""
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=read_timeout(self.busy_timeout))
            try:
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            except sqlite3.OperationalError as exc:
                conn.close()
                conn = self._read_only_connection(exc)
            self._conn = conn
            self._stream_cache: dict[str, list[Record]] | None = None
            self._new_cache: dict[tuple[str, int], list[Record]] = {}  # new_records, within one refresh
            self.refresh_after_seq: int | None = None
            retry_busy(self._migrate, self.busy_timeout)
        except (sqlite3.Error, TrackerError) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, TrackerError):
                raise
            raise store_error(exc, self.path, "open") from None

    def _read_only_connection(self, exc: sqlite3.OperationalError) -> sqlite3.Connection:
        """A read-only connection to an existing file that cannot be opened for writing (its folder is
        read-only, so SQLite cannot make the WAL's shared-memory file); ``exc`` is re-raised otherwise.

        ``mode=ro`` first; if even that needs the shared-memory file, ``immutable=1``, which is
        safe here because no process can write to a WAL database in a folder it cannot write to.
        """
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if not self.path.is_file() or code not in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
            raise exc
        for mode in ("mode=ro", "immutable=1"):
            uri = f"{self.path.resolve().as_uri()}?{mode}"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=read_timeout(self.busy_timeout))
            try:
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                conn.close()
                continue
            self.read_only = True
            return conn
        raise exc

    @property
    def conn(self) -> sqlite3.Connection:
        """The raw connection (the hot paths use it directly)."""
        return self._conn

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection wrapped by sqlite-utils (imported on first use: it costs ~80 ms at startup)."""
        import sqlite_utils

        return sqlite_utils.Database(self._conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        """Check the file is ours, or make an empty one ours; safe to repeat after a busy error."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path} is an SQLite database but not a tracker database")
        if self.read_only and "meta" not in tables:
            raise StoreError(f"{self.path} is not a tracker database, and its folder is read-only")
        if "meta" in tables:
            app = self.conn.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()
            if app is None or app[0] != APP_ID:
                raise StoreError(f"{self.path} is an SQLite database but not a tracker database")
            self._check_format()
            self._build_missing_projections(tables)
            self._refresh_projection_format()
            if not self.read_only:  # every object exists already: a read-only file is read as it is
                self._create_projections()
                self._create_views()
                if "names" not in tables:  # a file made before the names log (never a repair: verify sees those)
                    names_log.create(self.conn)
            return
        self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only a new, empty file takes it
        if self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise StoreError(f"cannot use write-ahead logging on {self.path}")
        try:
            self.conn.executescript(
                f"BEGIN IMMEDIATE; {SCHEMA} "
                f"INSERT OR IGNORE INTO meta VALUES ('app', '{APP_ID}'), "
                f"('schema', '{SCHEMA_VERSION}'), ('projections', '{PROJECTIONS_FORMAT}'); COMMIT;"
            )
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        self._create_projections()
        self._create_views()
        names_log.create(self.conn)

    def _check_format(self) -> None:
        """Refuse a file written in a newer format (its ``meta`` 'schema' marker) before reading or writing it."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:  # a file from before the marker was written: an older format, readable
            return
        marker = str(row[0])
        if not (marker.isascii() and marker.isdigit()):
            raise StoreError(
                f"{self.path} carries no readable format marker ({marker!r}); this tracker reads format "
                f"{SCHEMA_VERSION} and older"
            )
        if int(marker) > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} is in format {int(marker)}, newer than this tracker's format {SCHEMA_VERSION}: "
                "upgrade tracker to read it (nothing was read or written)"
            )

    def _create_projections(self) -> None:
        _create_projections(self.conn)

    def _build_missing_projections(self, tables: set[str]) -> None:
        """On a file made before a projection existed, create and fill its tables in one transaction."""
        from tracker.store.projections import PROJECTIONS

        missing = [p for p in PROJECTIONS if not set(p.tables) <= tables]
        if not missing:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for projection in missing:
                projection.create(self.conn)
            self._derive_all(missing)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _refresh_projection_format(self) -> None:
        """Rebuild every projection if the file's were written in another format (see ``PROJECTIONS_FORMAT``)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'projections'").fetchone()
        if row is not None and row[0] == PROJECTIONS_FORMAT:
            return
        self._begin()
        try:
            self.conn.execute("DROP VIEW IF EXISTS current_status")  # it reads the stored state's form
            self._create_projections()
            self._create_views()
            self._derive_all()
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('projections', ?)", (PROJECTIONS_FORMAT,))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _create_views(self) -> None:
        for statement in VIEWS:
            self.conn.execute(statement)

    def schema_differences(self) -> list[str]:
        """How the file's tables, indexes, triggers and views differ from those this code creates.

        A dropped append-only trigger, a foreign trigger (one with ``RAISE(IGNORE)`` makes inserts
        vanish), a forged view: each is one line. The expected objects are made by the same code,
        in an in-memory database, and compared by type, name, table and SQL text.
        """
        expected = _objects(_expected_schema())
        found = _objects(self.conn)
        out = []
        for key in sorted(expected.keys() | found.keys()):
            kind, name = key
            if key not in found:
                out.append(f"{kind} {name} is missing" + (_WHY.get(name, "")))
            elif key not in expected:
                out.append(f"{kind} {name} is not one tracker creates (on table {found[key][0]}): {found[key][1]}")
            elif found[key] != expected[key]:
                out.append(f"{kind} {name} differs from the one tracker creates: {found[key][1]}")
        return out

    def index_differences(self) -> tuple[list[str], str | None]:
        """The full-text indexes checked against their tables (FTS5 'integrity-check'), and why they
        could not be checked, if they could not: the check is written as an INSERT, so it needs a
        file that can be written and the write lock (waited for a few seconds, ``read_timeout``).

        Run outside ``verify``'s read snapshot, which is query-only: an index agrees with its
        table in every committed state, so this needs no snapshot of its own.
        """
        names = [r[0] for r in self.conn.execute(_FTS_TABLES)]
        out = []
        for name in names:
            try:
                sql = f"INSERT INTO [{name}] ([{name}], rank) VALUES ('integrity-check', 1)"
                retry_busy(functools.partial(self.conn.execute, sql), read_timeout(self.busy_timeout))
            except sqlite3.DatabaseError as exc:
                if "readonly" in str(exc):
                    return [], "the file is read-only"
                if is_busy(exc):
                    return [], "another process held the write lock"
                out.append(f"{name}: the full-text index disagrees with its table ({exc})")
        return out, None

    def rebuild(self) -> None:
        """Recreate every projection from the log, in one transaction."""
        self._begin()
        try:
            self._derive_all()
            self.conn.execute("COMMIT")
        except BaseException as exc:
            raise self._abort(exc, self.head()[0]) from None

    def _derive_all(self, only: Sequence[Projection] | None = None) -> None:
        """Empty the projections (``only`` these) and derive them from every stream of the log."""
        from tracker.store.projections import PROJECTIONS

        chosen = [(i, p) for i, p in enumerate(PROJECTIONS) if only is None or p in only]
        for _, projection in chosen:
            projection.begin_bulk(self.conn)
            projection.clear(self.conn)
        for rows in derive_streams(self._streams(), self.count()):
            for i, projection in chosen:
                projection.insert(self.conn, rows[i])
        for _, projection in chosen:
            projection.end_bulk(self.conn)

    def projection_differences(self) -> list[str]:
        """How the projections differ from a fresh replay of the log (empty when they agree)."""
        from tracker.store.projections import PROJECTIONS

        return [d for projection in PROJECTIONS for d in projection.differences(self)]

    # -- transactions --------------------------------------------------------------------

    def _begin(self) -> None:
        """Take the write lock (``BEGIN IMMEDIATE``), waiting up to ``busy_timeout`` for other writers."""
        try:
            begin_immediate(self.conn, self.busy_timeout)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path, "write to") from None

    def _abort(self, exc: BaseException, base_seq: int) -> BaseException:
        """Roll back after ``exc`` and return the exception to raise: one named error, no traceback.

        SQLite rolls back by itself after some errors (a full disk, I/O errors); a Ctrl-C that
        lands after COMMIT finds no transaction open and reports what was kept.
        """
        rolled_back = self.conn.in_transaction
        if rolled_back:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # closing the connection rolls back too; the original error matters more
        if isinstance(exc, KeyboardInterrupt):
            if rolled_back:
                return Interrupted(
                    f"interrupted: the batch was rolled back, nothing of it was kept (the log ends at seq {base_seq})"
                )
            kept = self.head()[0] - base_seq
            return Interrupted(f"interrupted after the batch was committed: {kept} event(s) kept")
        if isinstance(exc, sqlite3.Error):
            return store_error(exc, self.path, "write to")
        return exc

    # -- reading -------------------------------------------------------------------------

    def records(
        self, proposal: str | None = None, *, upto_seq: int | None = None, after_seq: int | None = None
    ) -> Iterator[Record]:
        """The log in append order, optionally one proposal's stream, optionally a range of seq."""
        sql = f"SELECT {RAW_COLUMNS} FROM events"
        where: list[str] = []
        args: list[object] = []
        if proposal is not None:
            where.append("proposal = ?")
            args.append(proposal)
        if upto_seq is not None:
            where.append("seq <= ?")
            args.append(upto_seq)
        if after_seq is not None:
            where.append("seq > ?")
            args.append(after_seq)
        if where:
            sql += " WHERE " + " AND ".join(where)
        for row in self.conn.execute(sql + " ORDER BY seq", args):
            yield record(*row)

    def stream(self, proposal: str) -> list[Record]:
        """One proposal's stream, in seq order."""
        cache = self._stream_cache
        if cache is not None and proposal in cache:
            return cache[proposal]
        # version order is seq order within a stream, and the index gives it without a sort
        sql = f"SELECT {RAW_COLUMNS} FROM events WHERE proposal = ? ORDER BY version"
        records = [record(*row) for row in self.conn.execute(sql, (proposal,))]
        if cache is not None:
            cache[proposal] = records
        return records

    def new_records(self, proposal: str, after_seq: int) -> list[Record]:
        """The events of one proposal after ``after_seq`` (what a batch added), as plain records.

        Read without the rest of the stream (the index on (proposal, version) holds the seq), so
        that a projection extending its rows at the tail costs the same at any stream length.
        """
        cache = self._stream_cache
        if cache is not None and proposal in cache:
            return [r for r in cache[proposal] if r.seq > after_seq]
        new = self._new_cache.get((proposal, after_seq))
        if new is None:
            sql = f"SELECT {RAW_COLUMNS} FROM events WHERE proposal = ? AND seq > ? ORDER BY version"
            new = [record(*row) for row in self.conn.execute(sql, (proposal, after_seq))]
            if cache is not None:  # within a refresh: every projection asks for the same events
                self._new_cache[(proposal, after_seq)] = new
        return new

    def streams(self) -> Iterator[tuple[str, list[Record]]]:
        """Every proposal's stream in (proposal, version) order, one list at a time (for rebuild and verify)."""
        for proposal, stream in self._streams():
            yield proposal, [record(*row) for row in stream]

    def _streams(self) -> Iterator[tuple[str, list[Raw]]]:
        rows = self.conn.execute(
            f"SELECT proposal, {RAW_COLUMNS} FROM events ORDER BY proposal, version"
        )
        return _group(rows)

    def _streams_of(self, proposals: Sequence[str]) -> Iterator[tuple[str, list[Raw]]]:
        """The streams of these proposals (sorted), read a group at a time."""
        for start in range(0, len(proposals), _REFRESH_GROUP):
            group = proposals[start : start + _REFRESH_GROUP]
            marks = ",".join("?" * len(group))
            rows = self.conn.execute(
                f"SELECT proposal, {RAW_COLUMNS} FROM events "
                f"WHERE proposal IN ({marks}) ORDER BY proposal, version",
                group,
            )
            yield from _group(rows)

    def proposals(self) -> list[str]:
        """Every proposal slug in the log, sorted."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT proposal FROM events ORDER BY proposal")]

    def version(self, proposal: str) -> int:
        """How many events the proposal's stream holds (0 if none)."""
        row = self.conn.execute("SELECT max(version) FROM events WHERE proposal = ?", (proposal,)).fetchone()
        return int(row[0] or 0)

    def versions(self) -> dict[str, int]:
        """Every proposal's stream version (what ``append --expect-version`` compares with)."""
        sql = "SELECT proposal, max(version) FROM events GROUP BY proposal"
        return {str(p): int(v) for p, v in self.conn.execute(sql)}

    def head(self) -> tuple[int, str]:
        """The last seq and hash (0 and the genesis hash for an empty log)."""
        row = self.conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def rows(self, columns: Sequence[str] = COLUMNS, *, upto_seq: int | None = None) -> Iterator[tuple[object, ...]]:
        """Raw rows in seq order, every column or those named (for export and verify), up to a seq if given."""
        unknown = [c for c in columns if c not in COLUMNS]
        if unknown:
            raise ValueError(f"not a column of events: {unknown}")
        sql = f"SELECT {', '.join(columns)} FROM events"
        if upto_seq is None:
            yield from self.conn.execute(sql + " ORDER BY seq")
        else:
            yield from self.conn.execute(sql + " WHERE seq <= ? ORDER BY seq", (upto_seq,))

    def count(self) -> int:
        """Number of events in the log."""
        return int(self.conn.execute("SELECT count(*) FROM events").fetchone()[0])

    # -- writing -------------------------------------------------------------------------

    def _known(self, batch: Sequence[Line], base_seq: int) -> Known:
        known = Known()
        ids = [ln.event.event_id for ln in batch]
        targets = [t for ln in batch if (t := getattr(ln.event, "target", None))]
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, body, seq FROM events WHERE id IN ({marks})"
            for eid, body, seq in self.conn.execute(sql, chunk):
                if seq > base_seq:
                    known.this_batch.add(eid)
                else:
                    known.bodies[eid] = body
        for chunk in _chunks(targets):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT id, type, proposal FROM events WHERE id IN ({marks})", chunk)
            for eid, kind, proposal in rows:
                known.kinds[eid] = (kind, proposal)
        # The retractions of the targets, the retractions of those, and so on: whether a target
        # is retracted depends on whether its retraction was retracted (``validate._cancelled``).
        frontier = sorted(set(targets))
        while frontier:
            found = []
            for chunk in _chunks(frontier):
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    "SELECT id, json_extract(body, '$.target') FROM events "
                    f"WHERE type = 'retracted' AND json_extract(body, '$.target') IN ({marks})",
                    chunk,
                )
                for rid, target in rows:
                    if rid not in known.retracts:
                        known.retracts[rid] = str(target)
                        found.append(rid)
            frontier = sorted(found)
        proposals = sorted({ln.event.proposal for ln in batch})
        for chunk in _chunks(proposals):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT DISTINCT proposal FROM events WHERE type = 'floated' AND proposal IN ({marks})"
            known.floated.update(r[0] for r in self.conn.execute(sql, chunk))
        return known

    def append(
        self,
        batch: Iterable[Line],
        *,
        expect_version: int | None = None,
        chunk_size: int = 5000,
        refused: Problems | None = None,
    ) -> AppendResult:
        """Append a batch atomically; identical events already in the log are skipped.

        The batch is consumed as a stream, in chunks, inside one transaction: an error on
        any line (raised by the iterator or by validation) rolls the whole batch back.
        ``expect_version`` (optimistic concurrency) refuses the batch unless the stream of
        its single proposal holds exactly that many events. With ``refused``, the lines the log
        refuses are noted there and the rest decided, and the batch is refused at its end if
        ``refused`` holds any problem (those of the reader's too): every bad row is reported.
        """
        self._begin()
        # The batch makes many short-lived objects and no cycles: the collector walking the
        # heap would cost ~30% of a large import. It is paused for the batch only.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._append(batch, expect_version, chunk_size, refused)
        finally:
            if collecting:
                gc.enable()

    def _append(
        self, batch: Iterable[Line], expect_version: int | None, chunk_size: int, refused: Problems | None = None
    ) -> AppendResult:
        base_seq = 0
        try:
            base_seq, _ = self.head()
            # recorded_at never decreases along seq (see below), so the last row holds the latest
            last_row = self.conn.execute("SELECT recorded_at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            last = last_row[0] if last_row else None
            recorded_at = max(clock.now(), last or "")
            added = skipped = 0
            ids: list[str] = []
            proposals: set[str] = set()
            versions: dict[str, int] = {}
            chunk: list[Line] = []
            for line in batch:
                proposals.add(line.event.proposal)
                chunk.append(line)
                if len(chunk) >= chunk_size:
                    skipped += self._append_chunk(chunk, base_seq, recorded_at, ids, versions, refused)
                    chunk = []
            skipped += self._append_chunk(chunk, base_seq, recorded_at, ids, versions, refused)
            if refused is not None:
                refused.raise_if_any()
            added = self.head()[0] - base_seq  # seq has no gaps
            if expect_version is not None:
                self._check_version(proposals, added, expect_version)
            if added:
                # A range of seq read in order, deduplicated here: with DISTINCT, SQLite chose
                # to scan the whole (proposal, version) index, ~90 ms an append at 1M events.
                rows = self.conn.execute("SELECT proposal FROM events WHERE seq > ? ORDER BY seq", (base_seq,))
                self._refresh_projections({proposal for (proposal,) in rows}, after_seq=base_seq)
            seq, digest = self.head()
            result = AppendResult(added, skipped, seq, digest, tuple(ids))
            self.conn.execute("COMMIT")
            self.committed = result  # a Ctrl-C after this line is reported from it (see tracker.cli)
            return result
        except BaseException as exc:
            raise self._abort(exc, base_seq) from None

    def _refresh_projections(self, proposals: set[str], *, after_seq: int | None = None) -> None:
        """Refresh every projection for these proposals; ``after_seq``: the events after it are the new ones.

        A proposal whose whole stream is new (an import of new proposals, a restore) is derived
        from nothing, in worker processes when there are many events (``workers``); the others are
        refreshed from what the batch can change.
        """
        from tracker.store.projections import PROJECTIONS

        fresh: list[str] = []
        if after_seq is not None:
            firsts = self.conn.execute("SELECT proposal FROM events WHERE seq > ? AND version = 1", (after_seq,))
            fresh = sorted(p for (p,) in firsts)
        if fresh:
            events = self.conn.execute("SELECT count(*) FROM events WHERE seq > ?", (after_seq,)).fetchone()[0]
            bulk = events >= max(after_seq or 0, BULK_FROM)  # at least doubles the log: remake indexes once
            if bulk:
                for projection in PROJECTIONS:
                    projection.begin_bulk(self.conn)
            for rows in derive_streams(self._streams_of(fresh), events):
                for projection, derived in zip(PROJECTIONS, rows, strict=True):
                    projection.insert(self.conn, derived)
            if bulk:
                for projection in PROJECTIONS:
                    projection.end_bulk(self.conn)
        self.refresh_after_seq = after_seq
        # A group of proposals at a time, so that every projection reads each stream once
        # (``stream`` keeps the group's streams, ``new_records`` their new events) and memory
        # stays flat.
        ordered = sorted(proposals.difference(fresh))
        try:
            for start in range(0, len(ordered), _REFRESH_GROUP):
                group = ordered[start : start + _REFRESH_GROUP]
                self._stream_cache, self._new_cache = {}, {}
                for projection in PROJECTIONS:
                    projection.refresh(self, group)
        finally:
            self._stream_cache = None
            self._new_cache = {}
            self.refresh_after_seq = None

    def _check_version(self, proposals: set[str], added: int, expected: int) -> None:
        if not isinstance(expected, int) or isinstance(expected, bool) or expected < 0:
            message = f"--expect-version must be a whole number, at least 0, not {expected!r}"
            raise InputError(message, field="expect_version")
        if len(proposals) != 1:
            raise ConflictError("--expect-version needs a batch about exactly one proposal", field="expect_version")
        proposal = next(iter(proposals))
        before = self.version(proposal) - added
        if before != expected:
            raise ConflictError(
                f"proposal {proposal!r} is at version {before}, not {expected}: someone appended first; "
                "re-read it and try again",
                field="expect_version",
            )

    def _append_chunk(
        self,
        chunk: Sequence[Line],
        base_seq: int,
        recorded_at: str,
        ids: list[str],
        versions: dict[str, int],
        refused: Problems | None = None,
    ) -> int:
        """Insert a chunk's new events; ``versions`` keeps each touched stream's length across the batch."""
        if not chunk:
            return 0
        known = self._known(chunk, base_seq)
        todo = decide(chunk, known) if refused is None else decide_all(chunk, known, refused.add)
        seq, prev = self.head()
        rows = []
        for line in todo:
            event = line.event
            if event.proposal not in versions:
                versions[event.proposal] = self.version(event.proposal)
            versions[event.proposal] += 1
            seq += 1
            digest = row_hash(prev, seq, recorded_at, SCHEMA_VERSION, line.body)
            rows.append(
                _row(
                    seq,
                    recorded_at,
                    event,
                    versions[event.proposal],
                    SCHEMA_VERSION,
                    line.body,
                    prev,
                    digest,
                )
            )
            if len(ids) < IDS_KEPT:
                ids.append(event.event_id)
            prev = digest
        marks = ",".join("?" * len(COLUMNS))
        try:
            self.conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"the log changed under this batch: {exc}") from None
        self._check_kept(seq, prev)
        return len(chunk) - len(todo)

    def _check_kept(self, seq: int, digest: str) -> None:
        """Refuse the batch unless the log now ends at the row just written (a trigger the code did
        not create can make SQLite drop rows silently: ``RAISE(IGNORE)``)."""
        if self.head() != (seq, digest):
            raise StoreError(
                f"{self.path} did not keep the rows written (the log should end at seq {seq}): a trigger "
                "tracker did not create may be dropping them; nothing was written (run tracker verify)"
            )

    # -- restoring (issue 3) -----------------------------------------------------------------

    def restore(self, entries: Iterable[Entry], *, chunk_size: int = 5000) -> AppendResult:
        """Write an export's checked rows into an EMPTY log, keeping seq, recorded_at and hash.

        One transaction: the append rules (``decide``) are applied as the rows stream in, and
        any error (from the entries' own chain check or from the rules) leaves nothing written.
        """
        self._begin()
        try:
            if self.count():
                raise ConflictError(
                    "an export can only be restored into an empty database (to add its events to this log, "
                    "import the bare events: jq -c .event backup.jsonl)"
                )
            versions, ids = dict[str, int](), list[str]()
            chunk: list[Entry] = []
            for entry in entries:
                chunk.append(entry)
                if len(chunk) >= chunk_size:
                    self._restore_chunk(chunk, versions, ids)
                    chunk = []
            self._restore_chunk(chunk, versions, ids)
            self._refresh_projections(set(versions), after_seq=0)  # every stream is new
            seq, digest = self.head()
            result = AppendResult(seq, 0, seq, digest, tuple(ids))  # into an empty log: seq events
            self.conn.execute("COMMIT")
            self.committed = result
            return result
        except BaseException as exc:
            raise self._abort(exc, 0) from None

    def _restore_chunk(self, chunk: Sequence[Entry], versions: dict[str, int], ids: list[str]) -> None:
        """Check a chunk against the rules and write it; what the rules need of the rows restored before
        it is read back from the database (``_known``), so memory does not grow with the export."""
        lines = [e.line for e in chunk]
        decide(lines, self._known(lines, 0))  # every row restored so far is of this batch
        rows = []
        for entry in chunk:
            event = entry.line.event
            versions[event.proposal] = versions.get(event.proposal, 0) + 1
            rows.append(
                _row(
                    entry.seq,
                    entry.recorded_at,
                    event,
                    versions[event.proposal],
                    entry.schema_version,
                    entry.line.body,
                    entry.prev_hash,
                    entry.hash,
                )
            )
            if len(ids) < IDS_KEPT:
                ids.append(event.event_id)
        marks = ",".join("?" * len(COLUMNS))
        self.conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
        if chunk:
            self._check_kept(chunk[-1].seq, chunk[-1].hash)


INDEXES = (
    # Small partial indexes for the append-time rules (floated? already retracted?): without
    # them each chunk of a large import scanned the whole table.
    "CREATE INDEX IF NOT EXISTS events_floated ON events (proposal) WHERE type = 'floated'",
    "CREATE INDEX IF NOT EXISTS events_retracted ON events (json_extract(body, '$.target')) WHERE type = 'retracted'",
)
_WHY = {
    "events_no_update": " (the log is no longer append-only: UPDATE is allowed)",
    "events_no_delete": " (the log is no longer append-only: DELETE is allowed)",
}
_FTS_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"


def _create_projections(conn: sqlite3.Connection) -> None:
    """The append-time indexes and every projection's tables, indexes and triggers (if not there)."""
    from tracker.store.projections import PROJECTIONS

    for statement in INDEXES:
        conn.execute(statement)
    for projection in PROJECTIONS:
        projection.create(conn)


@lru_cache(maxsize=1)
def _expected_schema() -> sqlite3.Connection:
    """An empty in-memory database with every object the code creates (``Store.schema_differences``)."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.executescript(SCHEMA)
    _create_projections(conn)
    for statement in VIEWS:
        conn.execute(statement)
    names_log.create(conn)
    return conn


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, name) -> (table, SQL with whitespace runs made one space) of every schema object."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE substr(name, 1, 7) != 'sqlite_'")
    return {(kind, name): (table, " ".join((sql or "").split())) for kind, name, table, sql in rows}


def _group(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, list[Raw]]]:
    """Rows (proposal, *``RAW_COLUMNS``) sorted by proposal, as streams."""
    proposal: str | None = None
    stream: list[Raw] = []
    for row in rows:
        if row[0] != proposal:
            if stream:
                assert proposal is not None
                yield proposal, stream
            proposal, stream = row[0], []
        stream.append(row[1:])
    if stream:
        assert proposal is not None
        yield proposal, stream


def _row(
    seq: int,
    recorded_at: str,
    event: Event,
    version: int,
    schema_version: int,
    body: str,
    prev_hash: str,
    digest: str,
) -> tuple[object, ...]:
    """One row of the events table, in the order of ``COLUMNS``."""
    occurred = bounds(event.occurred)
    reported = bounds(event.reported) if event.reported is not None else None
    return (
        seq, event.event_id, event.proposal, version, event.type, event.actor,
        event.occurred, occurred.earliest, occurred.latest,
        event.reported, reported.earliest if reported else None, reported.latest if reported else None,
        recorded_at, schema_version, body, prev_hash, digest,
    )  # fmt: skip


def _chunks(items: Sequence[str] | Iterable[str]) -> Iterator[list[str]]:
    items = list(items)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def dry_run(store: Store, batch: Sequence[Line], expect_version: int | None = None) -> list[Line]:
    """The lines ``store.append`` would add (validated as it validates them), writing nothing."""
    todo = decide(batch, store._known(batch, store.head()[0]))
    if expect_version is not None:
        store._check_version({line.event.proposal for line in batch}, 0, expect_version)
    return todo
