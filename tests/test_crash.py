"""Crashes and a hostile file system: SIGKILL and Ctrl-C mid-import, read-only, missing, full, foreign files."""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.api import Tracker
from tracker.errors import StoreError
from tracker.store.log import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from crash_harness import check, kill_at, run, spawn_import  # noqa: E402
from reliability import chain_problems, run_cli, snapshot, story, write_jsonl  # noqa: E402


def test_twenty_sigkills_leave_whole_batches_only(tmp_path: Path) -> None:
    figures = run(tmp_path, iterations=20, events=200, seed=5)
    assert figures["problems"] == []
    assert figures["survived"] == 20
    outcomes = figures["outcomes"]
    assert isinstance(outcomes, dict) and sum(outcomes.values()) == 20


def _seeded(db: Path) -> None:
    with Tracker(db) as t:
        t.append(story("base", 40))


@pytest.mark.parametrize("attempt", range(2))
def test_ctrl_c_mid_import_exits_cleanly_saying_what_was_kept(tmp_path: Path, attempt: int) -> None:
    db = tmp_path / "t.db"
    _seeded(db)
    before = snapshot(db)
    batch = story(f"big{attempt}", 3000, proposals=30)
    path = write_jsonl(tmp_path / "big.jsonl", batch)
    proc = spawn_import(db, path)
    _, err = kill_at(proc, db, random.Random(attempt), "mid-transaction", 0.05, signal.SIGINT)
    assert proc.returncode in (1, 130), err
    assert err.count("\n") == 1 and "Traceback" not in err and "interrupted" in err
    state, problems = check(db, before.ids, frozenset(e["id"] for e in batch))
    assert problems == []
    if "nothing of it was kept" in err:
        assert state == "before" and snapshot(db) == before
    else:
        assert "committed: 3000 event(s) kept" in err and state == "after"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A seeded database whose file cannot be written, even by root (chmod, else chattr +i)."""
    db = tmp_path / "ro.db"
    _seeded(db)
    db.chmod(0o444)
    if os.access(db, os.W_OK):  # root ignores permission bits
        if subprocess.run(["chattr", "+i", str(db)], capture_output=True, check=False).returncode != 0:
            pytest.skip("cannot make a file read-only for this user")
    try:
        yield db
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True, check=False)
        db.chmod(0o644)


def test_read_only_file_is_one_line_and_untouched(immutable: Path, tmp_path: Path) -> None:
    digest = _file_digest(immutable)
    path = write_jsonl(tmp_path / "more.jsonl", story("more", 10))
    done = run_cli("import", str(path), "--db", str(immutable))
    assert done.returncode == 1
    expected = f"error: cannot write to {immutable}: the file (or its folder) is read-only; nothing was written\n"
    assert done.stderr == expected
    assert _file_digest(immutable) == digest
    status = run_cli("status", "--db", str(immutable))  # reading still works
    assert status.returncode == 0 and "base-p0" in status.stdout


def test_missing_directory_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    done = run_cli("status", "--db", str(missing / "t.db"))
    assert (done.returncode, done.stderr) == (1, f"error: directory does not exist: {missing}\n")
    assert not (tmp_path / "no").exists()


def _limited(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_full_disk_is_one_line_and_the_log_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    _seeded(db)
    before = snapshot(db)
    path = write_jsonl(tmp_path / "big.jsonl", story("big", 3000, proposals=30))
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "import", str(path), "--db", str(db)],
        preexec_fn=lambda: _limited(200_000), capture_output=True, text=True, check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "disk I/O error" in done.stderr or "disk is full" in done.stderr
    assert snapshot(db) == before
    with Store(db) as store:
        assert chain_problems(store) == [] and store.projection_differences() == []
    assert run_cli("import", str(path), "--db", str(db)).returncode == 0  # room again: it completes
    assert snapshot(db).count == before.count + 3000


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "is not a tracker database (not an SQLite file)"),
        (b"seq,id\n1,a\n" * 300, "is not a tracker database (not an SQLite file)"),
        (None, "is an SQLite database but not a tracker database"),
    ],
    ids=["binary", "csv", "other-sqlite-app"],
)
def test_a_file_that_is_not_a_tracker_database(tmp_path: Path, content: bytes | None, expected: str) -> None:
    db = tmp_path / "foreign.db"
    if content is None:
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
    else:
        db.write_bytes(content)
    digest = _file_digest(db)
    done = run_cli("append", "--db", str(db), json.dumps({"type": "floated", "proposal": "p", "actor": "a",
                                                          "occurred": "2024"}))
    assert (done.returncode, done.stderr) == (1, f"error: {db} {expected}\n")
    assert _file_digest(db) == digest
    with pytest.raises(StoreError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        Store(db)
    assert _file_digest(db) == digest


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    done = run_cli("status", "--db", str(tmp_path))
    assert (done.returncode, done.stderr) == (1, f"error: {tmp_path} is a directory, not a tracker database\n")
