"""The store: the database refuses edits, batches are atomic, imports idempotent, seq dense."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from freezegun import freeze_time
from helpers import ev, write_jsonl

from tracker.api import Tracker
from tracker.errors import ConflictError, InputError, RuleError, StoreError
from tracker.store.log import GENESIS, Store, row_hash


def test_database_refuses_update_and_delete(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f")])
    conn = sqlite3.connect(tracker.path)
    for sql in ("UPDATE events SET actor = 'x'", "DELETE FROM events", "UPDATE events SET body = '{}'"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()
    assert tracker.store.count() == 1


def test_batch_is_all_or_nothing(tracker: Tracker, tmp_path: Path) -> None:
    tracker.append([ev("floated", id="f")])
    path = write_jsonl(tmp_path / "b.jsonl", [ev("accepted", id="ok", actor="b"), ev("accepted", proposal="never")])
    with pytest.raises(RuleError) as info:
        tracker.import_file(path)
    assert info.value.line == 2 and info.value.field == "proposal"
    assert tracker.store.count() == 1


def test_bad_line_in_large_file_rolls_back_earlier_chunks(tracker: Tracker, tmp_path: Path) -> None:
    events = [ev("floated", id="f")] + [ev("considering", id=f"c{i}", actor="b") for i in range(12000)]
    events.append(ev("considering", occurred="2024-13-01"))
    path = write_jsonl(tmp_path / "big.jsonl", events)
    with pytest.raises(InputError) as info:
        tracker.import_file(path)
    assert info.value.line == 12002 and info.value.field == "occurred"
    assert tracker.store.count() == 0


def test_reimport_adds_nothing(tracker: Tracker, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [ev("floated"), ev("rejected", actor="b")])  # no ids
    first = tracker.import_file(path)
    second = tracker.import_file(path)
    assert (first.added, second.added, second.skipped) == (2, 0, 2)
    assert tracker.store.count() == 2


def test_same_id_different_content_refused(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f")])
    with pytest.raises(ConflictError, match="different event"):
        tracker.append([ev("floated", id="f", note="changed")])


def test_duplicate_id_inside_batch_refused(tracker: Tracker) -> None:
    with pytest.raises(ConflictError, match="duplicate"):
        tracker.append([ev("floated", id="f"), ev("floated", id="f")])
    assert tracker.store.count() == 0


def test_floated_must_come_first(tracker: Tracker) -> None:
    with pytest.raises(RuleError, match="never been floated"):
        tracker.append([ev("accepted", actor="b"), ev("floated")])


def test_correction_rules(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f"), ev("accepted", id="a", actor="b")])
    with pytest.raises(RuleError, match="unknown event"):
        tracker.append([ev("retracted", target="nope", reason="x")])
    tracker.append([ev("retracted", id="x", target="a", reason="x")])
    with pytest.raises(RuleError, match="already retracted"):
        tracker.append([ev("retracted", id="y", target="a", reason="again")])
    with pytest.raises(RuleError, match="already retracted"):
        tracker.append([ev("amended", target="a", reason="fix", replacement=ev("accepted", actor="c"))])
    tracker.append([ev("floated", id="g", proposal="q")])
    with pytest.raises(RuleError, match="belongs to proposal"):
        tracker.append([ev("retracted", target="g", reason="x")])


def test_occurred_after_reported_refused(tracker: Tracker) -> None:
    with pytest.raises(InputError, match="after reported"):
        tracker.append([ev("floated", occurred="2024-03-01", reported="2024-02-01")])


def test_seq_version_recorded_at_and_chain(tracker: Tracker) -> None:
    with freeze_time("2024-01-01T00:00:00Z"):
        tracker.append([ev("floated", id="f"), ev("floated", id="g", proposal="q")])
    with freeze_time("2023-01-01T00:00:00Z"):  # a clock that went backwards never reorders the log
        tracker.append([ev("accepted", id="a", actor="b")])
    rows = list(tracker.store.conn.execute("SELECT seq, id, proposal, version, recorded_at FROM events"))
    assert rows == [
        (1, "f", "p", 1, "2024-01-01T00:00:00.000000Z"),
        (2, "g", "q", 1, "2024-01-01T00:00:00.000000Z"),
        (3, "a", "p", 2, "2024-01-01T00:00:00.000000Z"),
    ]
    prev = GENESIS
    for seq, recorded_at, schema, body, prev_hash, digest in tracker.store.conn.execute(
        "SELECT seq, recorded_at, schema_version, body, prev_hash, hash FROM events ORDER BY seq"
    ):
        assert prev_hash == prev
        assert digest == row_hash(prev, seq, recorded_at, schema, body)
        prev = digest
    assert tracker.store.head() == (3, prev)


def test_expect_version(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f")])
    tracker.append([ev("accepted", id="a", actor="b")], expect_version=1)
    with pytest.raises(ConflictError, match="version 2, not 1"):
        tracker.append([ev("rejected", id="r", actor="c")], expect_version=1)
    assert tracker.store.version("p") == 2


def test_not_a_tracker_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a tracker database"):
        Store(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store(junk)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "nope" / "t.db")


def test_projection_equals_fresh_replay(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f", addressees=["b"]), ev("accepted", id="a", actor="b")])
    tracker.append([ev("retracted", target="a", reason="x")])
    assert tracker.store.projection_differences() == []
    status = tracker.store.conn.execute("SELECT status FROM proposals").fetchone()[0]
    assert status == tracker.status()[0].state["status"] == "floated"
    tracker.store.rebuild()
    assert tracker.store.projection_differences() == []


def test_projection_tampering_detected(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f")])
    tracker.store.conn.execute("UPDATE proposals SET status = 'accepted'")
    assert tracker.store.projection_differences()
    tracker.store.rebuild()
    assert tracker.store.projection_differences() == []


def test_a_new_file_has_large_pages_and_an_old_one_keeps_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.store.log

    with Store(tmp_path / "new.db") as store:
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == tracker.store.log.PAGE_SIZE == 16_384
    monkeypatch.setattr(tracker.store.log, "PAGE_SIZE", 4096)  # a file made before the change
    with Tracker(tmp_path / "old.db") as t:
        t.append([ev("floated", id="f")])
    monkeypatch.undo()
    with Tracker(tmp_path / "old.db") as t:
        t.append([ev("considering", id="c", actor="b")])
        assert t.store.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert t.verify().ok and [a.state["status"] for a in t.status()] == ["considering"]
