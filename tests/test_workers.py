"""workers: whole streams derived in a pool of processes give the very rows of this process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from freezegun import freeze_time

from tracker.api import Tracker
from tracker.store import workers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import synthetic  # noqa: E402

TABLES = {
    "proposals": "proposal",
    "intervals": "axis, proposal, valid_from",
    "interval_streams": "proposal",
    "sources": "event_id, n",
    "notes": "event_id, field",
    "status_segments": "proposal, valid_from",
}


def _dump(t: Tracker) -> dict[str, list[tuple[object, ...]]]:
    conn = t.store.conn
    return {table: list(conn.execute(f"SELECT * FROM {table} ORDER BY {key}")) for table, key in TABLES.items()}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workers") / "log.jsonl"
    synthetic.write(path, 30, 40, seed=3)  # retractions, amendments, late reports, vague dates
    return path


def _import(path: Path, log: Path, monkeypatch: pytest.MonkeyPatch, pool: int) -> dict[str, list[tuple[object, ...]]]:
    monkeypatch.setenv("TRACKER_WORKERS", str(pool))
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "_TASK_EVENTS", 100)  # many tasks, so that order and flow control matter
    with Tracker(path) as t, freeze_time("2026-01-02 10:00:00"):
        t.import_file(log)
        assert t.store.projection_differences() == []
        rows = _dump(t)
        t.store.rebuild()
        assert _dump(t) == rows
        return rows


def test_a_pool_derives_the_rows_this_process_derives(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _import(tmp_path / "serial.db", log, monkeypatch, 1)
    pooled = _import(tmp_path / "pooled.db", log, monkeypatch, 2)
    assert pooled == serial
    assert len(serial["intervals"]) > 1000 and serial["notes"]


def test_a_batch_on_known_and_new_proposals_refreshes_both(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = log.read_text().splitlines()
    slugs = sorted({json.loads(line)["proposal"] for line in lines})
    known = set(slugs[: len(slugs) // 2])  # half the proposals start in the first batch, half in the second
    early = [line for line in lines if json.loads(line)["proposal"] in known][: len(lines) // 4]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(early) + "\n")
    second.write_text("\n".join(line for line in lines if line not in set(early)) + "\n")
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    dumps = []
    for pool in (2, 1):
        monkeypatch.setenv("TRACKER_WORKERS", str(pool))
        with Tracker(tmp_path / f"two-{pool}.db") as t:
            with freeze_time("2026-01-02 10:00:00"):
                t.import_file(first)
            with freeze_time("2026-01-03 10:00:00"):
                # new proposals derived whole (in the pool or not), known ones refreshed in place
                t.import_file(second)
            assert t.store.projection_differences() == []
            dumps.append(_dump(t))
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["interval_streams"]) == len(slugs)


def test_an_error_in_a_worker_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_WORKERS", "2")
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    streams = [("p", [(1, "2024-01-01T00:00:00.000000Z", "not json", 1, "2024-01-01", "2024-01-01", None, None)])]
    with pytest.raises(ValueError):
        list(workers.derive_streams(streams, 1))


@pytest.mark.parametrize(("setting", "expected"), [("3", 3), ("1", 1), ("", None), ("x", None), ("0", None)])
def test_tracker_workers_sets_the_pool_size(
    monkeypatch: pytest.MonkeyPatch, setting: str, expected: int | None
) -> None:
    monkeypatch.setenv("TRACKER_WORKERS", setting)
    assert workers.workers() == (expected if expected is not None else (workers.os.cpu_count() or 1))


def test_a_killed_worker_is_one_error_and_nothing_is_written(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.errors import StoreError

    monkeypatch.setenv("TRACKER_WORKERS", "2")
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "START_METHOD", "fork")  # so that the workers inherit the patch below
    monkeypatch.setattr(workers, "_derive_task", _die)
    with Tracker(tmp_path / "t.db") as t:
        with pytest.raises(StoreError, match="worker process .* died; nothing was written"):
            t.import_file(log)
        assert t.store.count() == 0
        assert t.store.conn.execute("SELECT count(*) FROM intervals").fetchone()[0] == 0


def _die(task: object) -> None:
    import os

    os._exit(1)


def test_a_bulk_import_indexes_text_as_row_by_row_does(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.store import log as store

    hits = []
    for bulk_from in (0, 10**9):  # one pass over the whole index, then the triggers row by row
        monkeypatch.setattr(store, "BULK_FROM", bulk_from)
        with Tracker(tmp_path / f"bulk-{bulk_from}.db") as t, freeze_time("2026-01-02 10:00:00"):
            t.import_file(log)
            assert t.store.projection_differences() == []  # includes FTS5's integrity-check
            hits.append([(h.event_id, h.field) for h in t.search("talks update", limit=1000)])
            triggers = {r[0] for r in t.store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            assert {"notes_ai", "notes_ad", "sources_ai", "sources_ad"} <= triggers
    assert hits[0] == hits[1] and len(hits[0]) > 10
