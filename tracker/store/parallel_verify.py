"""Verifying a large log on every core: the chain and column passes over ranges of seqs.

``tracker verify`` hashes every row and tests every derived column: CPU work in two
loops that each carry a little state from row to row. On a large log the seq range is
cut into contiguous ranges, each checked in a forked worker that opens its own read-only
connection, and the results are joined in order so that the ``Verification`` is the one
the serial loops give, faults and their order included, whatever was tampered with.

Each range starts from a state assumed from the rows just before it, then checked when
the ranges are joined:

- the chain pass (``Link``: the seq and stored hash of the row before, and the recording
  time it accepted) assumes that row was intact, so takes its recorded_at;
- the column pass (each proposal's last version) assumes a proposal's first row in the
  range follows the version just below its own.

On an intact log both assumptions hold. Where the state the previous ranges really ended
in differs (only a tampered log), that range's pass is run again, in this process, from
the real state. The log is append-only and every range is bounded by seq, up to the head
fixed at the start, so the ranges read one log even while a writer appends. Small logs,
``TRACKER_WORKERS=1`` and machines without fork verify in one process (``verify.verify``).
"""

from __future__ import annotations

import functools
import gc
import itertools
import multiprocessing
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tracker.errors import StoreError, TrackerError
from tracker.store import clock
from tracker.store.faults import READ_TIMEOUT, store_error
from tracker.store.log import Store
from tracker.store.verify import (
    CHAIN_COLUMNS,
    DERIVED_COLUMNS,
    START,
    Chain,
    Fault,
    Link,
    Passes,
    Row,
    Verification,
    check_chain,
    check_columns,
    verify,
)
from tracker.store.workers import START_METHOD, die_with_parent, workers

PARALLEL_FROM = 20_000
"""Smaller logs are verified in this process (a pool costs ~50 ms to start)."""
RANGES_PER_WORKER = 2  # more ranges than workers, so a core slowed by another process is balanced out

Span = tuple[int, int]
"""A range of the log: the rows with ``low < seq <= high``."""


@dataclass
class RangeCheck:
    """What the passes found over one range, and the state each assumed at its start."""

    span: Span
    start: Link
    chain: Chain
    column_faults: list[Fault] | None = None  # None: the column pass was not asked for
    assumed: dict[Any, Any] = field(default_factory=dict)  # proposal -> version assumed before the range
    versions: dict[Any, Any] = field(default_factory=dict)  # proposal -> last version, at the range's end


def verify_store(store: Store, head: tuple[int, str] | None = None, *, projections: bool = True) -> Verification:
    """``verify.verify`` over the store's log, its two passes split over workers when the log is large.

    Everything is read in one snapshot (one read transaction, query-only), so rows appended
    meanwhile by another process are neither half seen nor taken for tampering. The full-text
    indexes are checked first, outside it (their check is an INSERT; see
    ``Store.index_differences``). A file with text that is not UTF-8 is read again with such
    bytes kept as lone surrogates, so that the rows holding them are named, not crashed on.
    """
    indexes, unchecked = store.index_differences() if projections else ([], None)
    try:
        result = _verify_snapshot(store, head, projections, indexes)
    except sqlite3.OperationalError as exc:
        if not undecodable(exc):
            raise store_error(exc, store.path, "read") from None
        store.conn.text_factory = lenient_text
        try:
            result = _verify_snapshot(store, head, projections, indexes)
        except sqlite3.Error as again:
            raise store_error(again, store.path, "read") from None
        finally:
            store.conn.text_factory = str
    if unchecked is None:
        return result
    # Not a fault (nothing disagrees), but not checked either: the list of what was checked says so.
    note = f"projections (full-text indexes not checked: {unchecked})"
    return result.model_copy(update={"checked": tuple(note if c == "projections" else c for c in result.checked)})


def undecodable(exc: sqlite3.Error) -> bool:
    """True for the error SQLite's reader raises on a text column that is not UTF-8."""
    return "Could not decode to UTF-8" in str(exc)


def lenient_text(data: bytes) -> str:
    """A text column as a string, bytes that are not UTF-8 kept as lone surrogates (``surrogateescape``)."""
    return data.decode("utf-8", "surrogateescape")


def _verify_snapshot(store: Store, head: tuple[int, str] | None, projections: bool, indexes: list[str]) -> Verification:
    conn = store.conn
    conn.execute("BEGIN")
    conn.execute("PRAGMA query_only = ON")
    try:
        conn.execute("SELECT 1 FROM events LIMIT 1").fetchall()  # the snapshot starts at the first read
        differences = None
        if projections:
            differences = functools.partial(_projection_differences, store, indexes)
        now = clock.now()
        plan = _plan(store)
        if plan is None:
            return verify(
                projection_differences=differences,
                head=head,
                select=store.rows,
                passes=_serial(store, now),
                schema_differences=store.schema_differences,
            )
        spans, last = plan
        return verify(
            projection_differences=differences,
            head=head,
            select=functools.partial(store.rows, upto_seq=last),  # the head fixed at the start
            passes=ranged_passes(store.path, spans, now, lenient=conn.text_factory is lenient_text),
            schema_differences=store.schema_differences,
        )
    finally:
        conn.execute("PRAGMA query_only = OFF")
        conn.execute("ROLLBACK")


def _serial(store: Store, now: str) -> Passes:
    def passes(head_seq: int | None) -> tuple[Chain, list[Fault]]:
        return check_chain(store.rows(CHAIN_COLUMNS), head_seq, now=now), check_columns(store.rows(DERIVED_COLUMNS))

    return passes


def _projection_differences(store: Store, indexes: list[str]) -> list[str]:
    """The projections against a fresh replay, in the snapshot; a log the replay cannot read is one
    line (the row faults say which rows), and the full-text index lines are those checked before."""
    try:
        found = store.projection_differences()
    except (TrackerError, ValidationError, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
        found = [f"the projections could not be replayed from the log ({type(exc).__name__}: {exc})"]
    # The snapshot is query-only, so each index's own check reports that it could not write: those
    # lines are replaced by the checks made before the snapshot.
    found = [d for d in found if not d.endswith("(attempt to write a readonly database)")]
    return found + indexes


def check_chain_of(store: Store, head_seq: int | None = None) -> Chain:
    """The chain pass alone over the store's log, as ``verify_store`` runs it."""
    plan = _plan(store)
    if plan is None:
        return check_chain(store.rows(CHAIN_COLUMNS), head_seq)
    return chain_in_ranges(store.path, plan[0], head_seq)


def chain_in_ranges(path: Path, spans: Sequence[Span], head_seq: int | None = None) -> Chain:
    """The chain pass of the log at ``path``, one range per task in a pool of workers."""
    return _join(path, _check_ranges(path, spans, head_seq, columns=False), head_seq)[0]


def ranged_passes(path: Path, spans: Sequence[Span], now: str | None = None, *, lenient: bool = False) -> Passes:
    """The chain and column passes of the log at ``path``, one range per task in a pool of workers.

    ``now``: the latest recording time a row may hold; ``lenient``: read text that is not UTF-8
    (``lenient_text``) from the start."""

    def passes(head_seq: int | None) -> tuple[Chain, list[Fault]]:
        checks = _check_ranges(path, spans, head_seq, columns=True, now=now, lenient=lenient)
        return _join(path, checks, head_seq, now=now)

    return passes


def split(low: int, high: int, parts: int) -> list[Span]:
    """``low < seq <= high`` cut into at most ``parts`` contiguous, non-empty spans of seqs."""
    width = high - low
    edges = sorted({low + width * i // parts for i in range(parts + 1)})
    return list(itertools.pairwise(edges))


def _plan(store: Store) -> tuple[list[Span], int] | None:
    """The spans to check and the head they end at, or None to verify in this process."""
    size = workers()  # the ranges follow the setting; the processes are capped (``pool_size``)
    if size <= 1 or START_METHOD not in multiprocessing.get_all_start_methods():
        return None
    first, last = store.conn.execute("SELECT min(seq), max(seq) FROM events").fetchone()
    if first is None or last - first + 1 < PARALLEL_FROM:
        return None
    return split(first - 1, last, size * RANGES_PER_WORKER), last


def _connect(path: Path, *, lenient: bool = False) -> sqlite3.Connection:
    """A read-only connection of this process's own (a forked worker never uses its parent's);
    ``lenient``: text that is not UTF-8 read as lone surrogates (``lenient_text``)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=READ_TIMEOUT)
    if lenient:
        conn.text_factory = lenient_text
    return conn


def _rows(conn: sqlite3.Connection, columns: Sequence[str], span: Span) -> Iterator[Row]:
    sql = f"SELECT {', '.join(columns)} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq"
    return conn.execute(sql, span)


def _assuming(rows: Iterable[Row], versions: dict[Any, Any], assumed: dict[Any, Any]) -> Iterator[Row]:
    """The rows unchanged; before a proposal's first row, assume its version before was one less."""
    for row in rows:
        proposal = row[2]
        if proposal not in assumed:
            version = row[3]
            prior = version - 1 if type(version) is int and version > 1 else 0
            assumed[proposal] = prior
            if prior:
                versions[proposal] = prior
        yield row


def check_range(
    path: Path,
    span: Span,
    head_seq: int | None,
    *,
    columns: bool,
    start: Link | None = None,
    versions: dict[Any, Any] | None = None,
    now: str | None = None,
    lenient: bool = False,
) -> RangeCheck:
    """The passes over one span, from the given states or, where none is given, assumed ones.

    A range holding text that is not UTF-8 is read again leniently (``lenient_text``)."""
    first = dict(versions) if versions is not None else None  # the retry starts from the same state
    try:
        return _check_range(path, span, head_seq, columns, start, first, now, lenient)
    except sqlite3.OperationalError as exc:
        if lenient or not undecodable(exc):
            raise
    return _check_range(path, span, head_seq, columns, start, versions, now, True)


def _check_range(
    path: Path,
    span: Span,
    head_seq: int | None,
    columns: bool,
    start: Link | None,
    versions: dict[Any, Any] | None,
    now: str | None,
    lenient: bool,
) -> RangeCheck:
    collecting = gc.isenabled()
    gc.disable()  # short-lived objects, no cycles: the collector would only cost time
    conn = _connect(path, lenient=lenient)
    try:
        if start is None:
            before = conn.execute(
                "SELECT seq, hash, recorded_at FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1", (span[0],)
            ).fetchone()
            start = START if before is None else Link(*before)
        check = RangeCheck(span, start, check_chain(_rows(conn, CHAIN_COLUMNS, span), head_seq, start, now))
        if columns:
            rows = _rows(conn, DERIVED_COLUMNS, span)
            if versions is None:
                versions = {}
                rows = _assuming(rows, versions, check.assumed)
            else:
                check.assumed = dict(versions)
            check.column_faults = check_columns(rows, versions)
            check.versions = versions
        return check
    finally:
        conn.close()
        if collecting:
            gc.enable()


def _check_ranges(
    path: Path,
    spans: Sequence[Span],
    head_seq: int | None,
    *,
    columns: bool,
    now: str | None = None,
    lenient: bool = False,
) -> list[RangeCheck]:
    """``check_range`` of each span in a pool of forked workers, in order."""
    context = multiprocessing.get_context(START_METHOD)
    try:
        with ProcessPoolExecutor(
            min(pool_size(), len(spans)), mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            futures = [
                pool.submit(check_range, path, span, head_seq, columns=columns, now=now, lenient=lenient)
                for span in spans
            ]
            return [future.result() for future in futures]
    except BrokenProcessPool:
        raise StoreError("a worker process verifying the log died; the log was not verified") from None
    except sqlite3.Error as exc:
        raise store_error(exc, path, "read") from None


def pool_size() -> int:
    """Processes for the ranges: ``workers()``, never more than the machine's cores (an uncapped
    ``TRACKER_WORKERS`` once forked 4,600 of them)."""
    return max(1, min(workers(), os.cpu_count() or 1))


def _same(a: Any, b: Any) -> bool:
    """Equal and of one type (2 and 2.0 print differently in a fault's message)."""
    return type(a) is type(b) and a == b


def _join(
    path: Path, checks: list[RangeCheck], head_seq: int | None, *, now: str | None = None
) -> tuple[Chain, list[Fault]]:
    """The ranges' findings in order, each range checked again from the real state where its assumed one was wrong."""
    chain, faults = Chain(), []
    state, versions = START, dict[Any, Any]()
    for check in checks:
        if not all(map(_same, check.start, state)):
            check.chain = _again(path, check.span, head_seq, state, now=now).chain
        if check.column_faults is not None:
            if not all(_same(versions.get(p, 0), v) for p, v in check.assumed.items()):
                again = _again(path, check.span, head_seq, state, dict(versions), now=now)
                check.column_faults, check.versions = again.column_faults, again.versions
            faults += check.column_faults or []
            versions.update(check.versions)
        part = check.chain
        chain.rows += part.rows
        chain.broken += part.broken
        chain.faults += part.faults
        if part.at_head is not None:
            chain.at_head = part.at_head
        state = part.end
    chain.head_seq, chain.head_hash, chain.last_at = state
    return chain, faults


def _again(
    path: Path,
    span: Span,
    head_seq: int | None,
    start: Link,
    versions: dict[Any, Any] | None = None,
    *,
    now: str | None = None,
) -> RangeCheck:
    """One range checked again in this process from the real state (a tampered log: the assumed one
    did not hold); the column pass too when ``versions`` is given."""
    try:
        return check_range(path, span, head_seq, columns=versions is not None, start=start, versions=versions, now=now)
    except sqlite3.Error as exc:
        raise store_error(exc, path, "read") from None
