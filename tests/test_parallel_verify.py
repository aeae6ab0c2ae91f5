"""parallel_verify: the log checked in ranges finds what the serial passes find, tampered or not.

Tampered rows are written to a plain SQLite ``events`` table (no constraints, so that any
tampering, duplicate ids included, can be stored) and checked both ways from that file:
the serial passes (``verify.serial_passes``) and the ranges joined (``parallel_verify``),
with the tampered row at, just before and just after a range boundary. The tamperings
are those of the 77-case test (``test_verify_positions``) and the column test
(``test_verify_fast``); the ranges run in this process (``check_range``, ``_join``) so that
every case is cheap, and a few cases go through the pool of forked workers.
"""

from __future__ import annotations

import functools
import itertools
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import ev
from test_verify import CASES, build
from test_verify_fast import LOG
from test_verify_fast import TAMPERINGS as COLUMN_TAMPERINGS
from test_verify_positions import TAMPERINGS as ROW_TAMPERINGS

from tracker.api import Tracker
from tracker.errors import StoreError
from tracker.store import parallel_verify
from tracker.store.parallel_verify import Span, _join, check_range, ranged_passes, split
from tracker.store.verify import COLUMNS, DERIVED_COLUMNS, Fault, Select, Verification, check_columns, verify

Rows = list[list[Any]]
MORE = [ev("floated", id="r", proposal="r", actor="d"), ev("floated", id="s", proposal="s", actor="e")] + [
    ev(("considering", "accepted", "rejected")[n % 3], proposal="pqrs"[n % 4], id=f"e{n}", actor=f"x{n % 3}",
       occurred=f"2024-02-{n + 1:02d}")
    for n in range(12)
]  # fmt: skip


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Rows:
    """23 rows: every kind of event (from the column test), then four proposals taking turns."""
    with Tracker(tmp_path_factory.mktemp("ranges") / "t.db") as t:
        for n, e in enumerate(LOG + MORE):
            with freeze_time(f"2024-04-{n + 1:02d}T12:00:00Z"):
                t.append([e])
        assert t.verify().ok
        return [list(r) for r in t.store.rows()]


def write(path: Path, rows: Rows) -> Path:
    """The rows as an ``events`` table that stores whatever it is given."""
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE events (seq INTEGER PRIMARY KEY, {', '.join(COLUMNS[1:])})")
    conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    conn.commit()
    conn.close()
    return path


def selecting(path: Path) -> Select:
    conn = sqlite3.connect(path)
    return lambda columns: conn.execute(f"SELECT {', '.join(columns)} FROM events ORDER BY seq")


def joined(path: Path, spans: Sequence[Span]) -> Callable[[int | None], Any]:
    """The ranged passes, each range in this process (as a worker would run it), then joined."""
    return lambda head: _join(path, [check_range(path, s, head, columns=True) for s in spans], head)


def both(path: Path, spans: Sequence[Span], head: tuple[int, str] | None = None) -> tuple[Verification, Verification]:
    select = selecting(path)
    return verify(select=select, head=head), verify(select=select, head=head, passes=joined(path, spans))


def cuts(seq: int, last: int) -> list[list[Span]]:
    """Ranges of 1..last with the row ``seq`` just after, at the end of, and just before a boundary
    (and a two-row range next to it, so a state also crosses a short range)."""
    out = []
    for cut in (seq - 1, seq, seq + 1):
        edges = sorted({0, last, *(c for c in (cut, cut + 2) if 0 < c < last)})
        out.append(list(itertools.pairwise(edges)))
    return out


def column_tampered(log: Rows, name: str, at: int) -> Rows:
    """``test_verify_fast``'s tampering (on rows of DERIVED_COLUMNS) applied to full rows."""
    rows = [list(r) for r in log]
    derived = [[r[COLUMNS.index(c)] for c in DERIVED_COLUMNS] for r in rows]
    COLUMN_TAMPERINGS[name](derived[at], derived)
    for c, value in zip(DERIVED_COLUMNS, derived[at], strict=True):
        rows[at][COLUMNS.index(c)] = value
    return rows


def test_split_cuts_a_seq_range_into_contiguous_spans() -> None:
    assert split(0, 10, 4) == [(0, 2), (2, 5), (5, 7), (7, 10)]
    assert split(4, 6, 4) == [(4, 5), (5, 6)]
    assert split(-3, 1000, 1) == [(-3, 1000)]


def test_an_intact_log_in_ranges_is_the_serial_verification(log: Rows, tmp_path: Path) -> None:
    path = write(tmp_path / "t.db", log)
    for parts in (1, 2, 3, 7, len(log)):
        serial, ranged = both(path, split(0, len(log), parts))
        assert ranged == serial and serial.ok and serial.rows == len(log)


@pytest.mark.parametrize("kind", sorted(ROW_TAMPERINGS))
def test_each_row_tampering_at_a_range_boundary_is_found_as_serially(log: Rows, tmp_path: Path, kind: str) -> None:
    for at in range(len(log) - 1):
        rows = ROW_TAMPERINGS[kind]([list(r) for r in log], at)
        path = write(tmp_path / f"{at}.db", rows)
        for spans in cuts(at + 1, max(r[0] for r in rows)):
            serial, ranged = both(path, spans)
            assert ranged == serial, (kind, at, spans)
            assert not serial.ok


@pytest.mark.parametrize("name", sorted(COLUMN_TAMPERINGS))
def test_each_column_tampering_at_a_range_boundary_is_found_as_serially(log: Rows, tmp_path: Path, name: str) -> None:
    for at in range(len(log)):
        path = write(tmp_path / f"{at}.db", column_tampered(log, name, at))
        for spans in cuts(at + 1, len(log))[:2]:
            serial, ranged = both(path, spans)
            assert ranged == serial, (name, at, spans)


def naive(path: Path, spans: Sequence[Span]) -> tuple[list[Fault], list[Fault]]:
    """Each range from its assumed start, the findings simply put end to end (no check of the start)."""
    checks = [check_range(path, s, None, columns=True) for s in spans]
    return [f for c in checks for f in c.chain.faults], [f for c in checks for f in c.column_faults or []]


def test_a_state_crossing_a_boundary_is_the_real_one_not_the_assumed_one(log: Rows, tmp_path: Path) -> None:
    # seq 6's recorded_at put in the future: every later row "goes back in time", in every range;
    # a range starting after it would assume the time of the row before it, and see nothing.
    rows = [list(r) for r in log]
    rows[5][12] = "2099-01-01T00:00:00.000000Z"
    path = write(tmp_path / "time.db", rows)
    spans = [(0, 10), (10, 23)]
    serial, ranged = both(path, spans)
    assert ranged == serial
    assert [f.seq for f in serial.faults if "goes back in time" in f.message] == list(range(7, 24))
    assert [f.seq for f in naive(path, spans)[0]] == list(range(7, 11))
    # seq 16's version one up: the next row of its proposal (seq 20) is then one behind, in the next range
    rows = column_tampered(log, "version up", 15)
    path = write(tmp_path / "version.db", rows)
    spans = [(0, 16), (16, 23)]
    serial, ranged = both(path, spans)
    assert ranged == serial
    assert [f.seq for f in serial.faults] == [16, 20]
    assert [f.seq for f in naive(path, spans)[1]] == [16]
    assert check_columns(selecting(path)(DERIVED_COLUMNS)) == list(serial.faults)


def test_a_published_head_inside_each_range_is_checked_as_serially(log: Rows, tmp_path: Path) -> None:
    path = write(tmp_path / "t.db", log)
    spans = split(0, len(log), 3)
    for low, high in spans:
        for seq in (low + 1, high):
            good, bad = (seq, log[seq - 1][16]), (seq, "f" * 64)
            for head in (good, bad):
                serial, ranged = both(path, spans, head)
                assert ranged == serial and serial.ok == (head == good), (head, spans)
    serial, ranged = both(path, spans, (len(log) + 1, "f" * 64))
    assert ranged == serial and serial.faults[0].kind == "head"


def test_the_pool_of_workers_joins_its_ranges_as_serially(log: Rows, tmp_path: Path) -> None:
    intact = write(tmp_path / "intact.db", log)
    select = selecting(intact)
    head = (9, log[8][16])
    assert verify(select=select, head=head, passes=ranged_passes(intact, split(0, 23, 3))) == verify(
        select=select, head=head
    )
    for kind in ("deleted ", "reordered", "edited"):
        path = write(tmp_path / f"{kind.strip()}.db", ROW_TAMPERINGS[kind]([list(r) for r in log], 11))
        select = selecting(path)
        passes = ranged_passes(path, [(0, 11), (11, 12), (12, 30)])
        assert verify(select=select, passes=passes) == verify(select=select)


@pytest.mark.parametrize(("tampering", "seq", "kind", "words"), CASES, ids=[c[0].__name__ for c in CASES])
def test_tracker_verify_in_ranges_is_tracker_verify_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tampering: Callable[[Path], None], seq: int, kind: str, words: str
) -> None:
    path = build(tmp_path / "t.db")
    tampering(path)
    monkeypatch.setattr(parallel_verify, "PARALLEL_FROM", 0)
    results = []
    for pool in ("1", "3"):
        monkeypatch.setenv("TRACKER_WORKERS", pool)
        with Tracker(path) as t:
            results.append(t.verify())
    assert results[0] == results[1]
    assert results[0].first is not None and (results[0].first.seq, results[0].first.kind) == (seq, kind)


def test_small_logs_and_one_worker_stay_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Tracker(tmp_path / "t.db") as t:
        t.append(LOG[:3])
        monkeypatch.setenv("TRACKER_WORKERS", "2")
        assert parallel_verify._plan(t.store) is None  # 3 rows, below PARALLEL_FROM
        monkeypatch.setattr(parallel_verify, "PARALLEL_FROM", 0)
        assert parallel_verify._plan(t.store) == ([(0, 1), (1, 2), (2, 3)], 3)
        monkeypatch.setenv("TRACKER_WORKERS", "1")
        assert parallel_verify._plan(t.store) is None


def _die(*args: object, **kwargs: object) -> None:
    os._exit(1)


def test_a_worker_that_dies_is_one_store_error(log: Rows, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "t.db", log)
    monkeypatch.setattr(parallel_verify, "check_range", _die)
    with pytest.raises(StoreError, match="worker process verifying the log died"):
        ranged_passes(path, split(0, 23, 2))(None)


def test_rows_appended_after_the_start_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_verify, "PARALLEL_FROM", 0)
    monkeypatch.setenv("TRACKER_WORKERS", "2")
    with Tracker(tmp_path / "t.db") as t, Tracker(tmp_path / "t.db") as writer:
        t.append(LOG[:5])
        plan = parallel_verify._plan(t.store)
        assert plan is not None
        spans, last = plan
        head = t.head()
        writer.append(LOG[5:])  # another writer appends once the head is fixed
        bounded = functools.partial(t.store.rows, upto_seq=last)
        result = verify(select=bounded, passes=ranged_passes(t.store.path, spans))
        assert (result.ok, result.rows, result.head_seq, result.head_hash) == (True, 5, *head)
        assert t.verify().rows == len(LOG)
