"""Concurrent writers: nothing lost or duplicated, no "locked" traceback, optimistic locking holds."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import ev

from tracker.api import Tracker
from tracker.errors import ConflictError, StoreError
from tracker.store.log import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from reliability import chain_problems, run_cli, snapshot, tracker_cmd  # noqa: E402
from stress_writers import ok, run  # noqa: E402


def test_four_writers_cli_and_api_lose_nothing(tmp_path: Path) -> None:
    figures = run(tmp_path / "w.db", writers=4, events=250, cli_writers=2, api_batch=1, cli_batch=50)
    assert figures["writer_failures"] == []
    assert figures["stored"] == figures["expected"] == 1000
    assert (figures["missing"], figures["unexpected"], figures["duplicates"]) == (0, 0, 0)
    assert figures["seq_dense"]
    assert figures["chain_problems"] == []
    assert figures["projection_differences"] == []
    assert ok(figures)


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_busy_database_is_a_clear_error_not_a_traceback(db_path: Path) -> None:
    Tracker(db_path).append([ev("floated", id="f")])
    holder = _hold_write_lock(db_path)
    try:
        before = snapshot(db_path)
        with Store(db_path, busy_timeout=0.3) as store, pytest.raises(StoreError, match="is busy") as caught:
            store.append(iter([]))
        assert "nothing was written" in str(caught.value)
        done = run_cli("append", "--db", str(db_path), json.dumps(ev("considering", id="c")),
                       env={"TRACKER_BUSY_TIMEOUT": "0.3"})
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1 and "is busy" in done.stderr and "Traceback" not in done.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert snapshot(db_path) == before


def test_writer_waits_for_a_lock_that_is_released(db_path: Path) -> None:
    Tracker(db_path).append([ev("floated", id="f")])
    holder = _hold_write_lock(db_path)
    holder.execute("INSERT INTO meta VALUES ('held', 'yes')")
    release = threading.Timer(0.5, holder.execute, ("COMMIT",))
    release.start()
    try:
        with Tracker(db_path) as t:
            result = t.append([ev("considering", id="c")])
    finally:
        release.join()
        holder.close()
    assert result.added == 1
    with Store(db_path) as store:
        assert chain_problems(store) == []
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'held'").fetchone() == ("yes",)


def test_status_and_history_show_the_stream_version(db_path: Path) -> None:
    with Tracker(db_path) as t:
        t.append([ev("floated", id="f"), ev("considering", id="c", actor="b"), ev("retracted", id="r",
                  target="c", reason="wrong")])
        assert t.versions() == {"p": 3}
    plain = run_cli("status", "--no-versions", "--db", str(db_path))
    assert "VERSION" not in plain.stdout
    status = run_cli("status", "--db", str(db_path))  # shown by default
    assert status.stdout.splitlines()[1].split()[-1] == "VERSION"
    assert status.stdout.splitlines()[2].split()[-1] == "3"
    rows = json.loads(run_cli("status", "--versions", "--json", "--db", str(db_path)).stdout)
    assert rows[0]["stream_version"] == 3
    history = run_cli("history", "p", "--versions", "--db", str(db_path))
    assert history.stdout.splitlines()[-1] == "p is at version 3 (--expect-version 3 fails if anyone wrote first)"


def test_expect_version_refuses_a_stale_append_through_the_api(db_path: Path) -> None:
    with Tracker(db_path) as t:
        t.append([ev("floated", id="f")], expect_version=0)
        t.append([ev("considering", id="c", actor="b")], expect_version=1)
        before = snapshot(db_path)
        with pytest.raises(ConflictError, match="at version 2, not 1: someone appended first"):
            t.append([ev("rejected", id="r", actor="b")], expect_version=1)
    assert snapshot(db_path) == before


def test_expect_version_refuses_a_stale_append_through_the_cli(db_path: Path) -> None:
    Tracker(db_path).append([ev("floated", id="f"), ev("considering", id="c", actor="b")])
    before = snapshot(db_path)
    done = run_cli("append", "--expect-version", "1", "--db", str(db_path), json.dumps(ev("rejected", id="r")))
    assert done.returncode == 1
    assert done.stderr == (
        "error: --expect-version: proposal 'p' is at version 2, not 1: someone appended first; "
        "re-read it and try again\n"
    )
    assert snapshot(db_path) == before
    done = run_cli("append", "--expect-version", "2", "--db", str(db_path), json.dumps(ev("rejected", id="r")))
    assert done.returncode == 0, done.stderr


def test_two_racing_editors_one_wins_one_is_refused(db_path: Path) -> None:
    Tracker(db_path).append([ev("floated", id="f")])
    status = run_cli("status", "p", "--versions", "--json", "--db", str(db_path))
    version = json.loads(status.stdout)[0]["stream_version"]
    edits = [ev("accepted", id="alice-reading", actor="b"), ev("rejected", id="bob-reading", actor="b")]
    procs = [
        subprocess.Popen(
            tracker_cmd("append", "--expect-version", str(version), "--db", str(db_path), json.dumps(edit)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for edit in edits
    ]
    outcomes = [(p.wait(), p.communicate()[1]) for p in procs]
    assert sorted(code for code, _ in outcomes) == [0, 1]
    refused = next(err for code, err in outcomes if code == 1)
    assert "someone appended first" in refused and "Traceback" not in refused
    with Store(db_path) as store:
        ids = {str(r[1]) for r in store.rows()}
        assert len(ids & {"alice-reading", "bob-reading"}) == 1
        assert store.versions() == {"p": 2}


def test_writers_racing_to_create_a_new_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    procs = [
        subprocess.Popen(
            tracker_cmd("append", "--db", str(db), json.dumps(ev("floated", proposal=f"p{i}", id=f"f{i}"))),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(4)
    ]
    outcomes = [(p.wait(), p.communicate()[1]) for p in procs]
    assert [code for code, _ in outcomes] == [0] * 4, outcomes
    with Store(db) as store:
        assert sorted(str(r[1]) for r in store.rows()) == ["f0", "f1", "f2", "f3"]
        assert chain_problems(store) == []
