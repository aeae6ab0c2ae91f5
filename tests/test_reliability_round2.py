"""Issue 12, by class: restore, the format marker, corrections of corrections, amplification,
verify under attack, false alarms, JSON and bytes, calendar ends. Each refusal is one line,
names the field or line, exits non-zero and leaves the log as it was."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ev, write_jsonl
from test_verify import build, tamper
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.core import jsonin
from tracker.core.dates import DateError, bounds
from tracker.core.events import canonical_json
from tracker.errors import InputError, RuleError
from tracker.store import parallel_verify
from tracker.store.log import row_hash

runner = CliRunner()


def cli(*args: str, stdin: bytes | str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def snapshot(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT * FROM events ORDER BY seq").fetchall()
    conn.close()
    return rows


# -- restore trusts its input --------------------------------------------------------------


def _export(tmp_path: Path) -> list[dict[str, object]]:
    with Tracker(build(tmp_path / "src.db")) as t:
        return [json.loads(line) for line in t.export()]


def _with(lines: list[dict[str, object]], at: int, **change: object) -> list[dict[str, object]]:
    edited = [dict(line) for line in lines]
    edited[at].update(change)
    return edited


def _rechained(lines: list[dict[str, object]]) -> list[dict[str, object]]:
    """The export with every hash recomputed after an edit, as a forger would."""
    prev = "0" * 64
    for line in lines:
        body = canonical_json(line["event"])
        line["hash"] = prev = row_hash(prev, int(str(line["seq"])), str(line["recorded_at"]), 1, body)
    return lines


RESTORE_CASES: list[tuple[str, Callable[[list[dict[str, object]]], list[dict[str, object]]], str]] = [
    ("far future", lambda x: _with(x, 6, recorded_at="9999-12-31T00:00:00.000000Z"), "recorded_at"),
    ("not a time", lambda x: _with(x, 2, recorded_at="zzzz"), "recorded_at"),
    ("lone surrogate", lambda x: _with(x, 2, recorded_at="2024-02-02T12:00:00.000000Z\ud800"), ".jsonl:3:"),
    ("no zone", lambda x: _with(x, 2, recorded_at="2024-02-02T12:00:00"), "recorded_at"),
    ("Arabic digits", lambda x: _with(x, 0, recorded_at="٢٠٢٤-02-01T12:00:00.000000Z"), "recorded_at"),
    ("not a day", lambda x: _with(x, 0, recorded_at="2024-02-30T12:00:00.000000Z"), "recorded_at"),
    ("before 1970", lambda x: _with(x, 0, recorded_at="1969-12-31T12:00:00.000000Z"), "recorded_at"),
    ("back in time", lambda x: _rechained(_with(x, 3, recorded_at="2024-02-01T11:00:00.000000Z")), "goes back"),
    ("schema_version true", lambda x: _with(x, 0, schema_version=True), "schema_version"),
    ("schema_version text", lambda x: _with(x, 0, schema_version="1"), "schema_version"),
    ("schema_version newer", lambda x: _with(x, 0, schema_version=2), "schema_version"),
    ("seq true", lambda x: _with(x, 0, seq=True), "seq"),
    ("hash a number", lambda x: _with(x, 1, hash=5), "hash"),
    ("event an array", lambda x: _with(x, 1, event=[1]), "event"),
]


@pytest.mark.parametrize(("edit", "named"), [c[1:] for c in RESTORE_CASES], ids=[c[0] for c in RESTORE_CASES])
def test_restore_refuses_a_bad_column_whole_and_names_the_line(
    tmp_path: Path, edit: Callable[[list[dict[str, object]]], list[dict[str, object]]], named: str
) -> None:
    lines = edit(_export(tmp_path))
    backup = tmp_path / "backup.jsonl"
    backup.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    db = tmp_path / "restored.db"
    code, out, err = cli("import", str(backup), "--db", str(db))
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "backup.jsonl:" in err and named in err
    assert snapshot(db) == []


def test_an_untouched_export_still_restores_and_verifies(tmp_path: Path) -> None:
    backup = tmp_path / "backup.jsonl"
    backup.write_text("".join(json.dumps(x) + "\n" for x in _export(tmp_path)), encoding="utf-8")
    with Tracker(tmp_path / "restored.db") as t:
        assert t.import_file(backup).added == 7
        assert t.verify().ok


def test_restore_refuses_nesting_on_any_line(tmp_path: Path) -> None:
    lines = [json.dumps(x) for x in _export(tmp_path)]
    lines[4] = "[" * 1100 + "]" * 1100
    backup = tmp_path / "backup.jsonl"
    backup.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = cli("import", str(backup), "--db", str(tmp_path / "r.db"))
    assert code == 1 and ":5: " in err and "nested deeper" in err


# -- the format marker -----------------------------------------------------------------------


def test_a_database_of_a_newer_format_is_refused_and_not_written(tmp_path: Path) -> None:
    db = build(tmp_path / "t.db")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    before = snapshot(db)
    for args in (["status"], ["append", json.dumps(ev("considering", id="n", actor="z"))], ["verify"]):
        code, _, err = cli(*args, "--db", str(db))
        assert code == 1 and "format 7" in err and "format 1" in err and err.count("\n") == 1
    assert snapshot(db) == before


# -- corrections of corrections ----------------------------------------------------------------


def _story(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f", occurred="2024-01-01"), ev("accepted", id="x", actor="b")])


def test_a_retracted_retraction_lets_the_original_be_corrected_again(tracker: Tracker) -> None:
    _story(tracker)
    tracker.append([ev("retracted", id="r1", actor="b", target="x", reason="wrong")])
    with pytest.raises(RuleError, match="already retracted"):
        tracker.append([ev("retracted", id="r2", actor="b", target="x", reason="again")])
    tracker.append([ev("retracted", id="r3", actor="b", target="r1", reason="it was right")])
    assert tracker.append([ev("retracted", id="r4", actor="b", target="x", reason="wrong after all")]).added == 1
    with pytest.raises(RuleError, match="already retracted"):  # and once more, within one batch
        tracker.append([ev("retracted", id="r5", actor="b", target="r4", reason="."), ev("retracted", id="r6",
                        actor="b", target="r5", reason="."), ev("retracted", id="r7", actor="b", target="x",
                        reason=".")])


def test_a_retraction_of_a_retraction_in_one_batch_revives_its_target(tracker: Tracker) -> None:
    _story(tracker)
    batch = [
        ev("retracted", id="r1", actor="b", target="x", reason="wrong"),
        ev("retracted", id="r2", actor="b", target="r1", reason="right after all"),
        ev("amended", id="a1", actor="b", target="x", reason="date", replacement=ev("accepted", actor="b",
           occurred="2024-01-02")),
    ]
    assert tracker.append(batch).added == 3


@pytest.mark.parametrize(
    ("replacement", "field"),
    [
        (ev("accepted", actor="b", occurred="2024-03-01", reported="2024-02-01"), "replacement.occurred"),
        (ev("accepted", id="other", actor="b"), "replacement.id"),
        (ev("floated", addressees=[f"p{i}" for i in range(101)]), "replacement.addressees"),
    ],
)
def test_a_replacement_obeys_the_append_rules(tracker: Tracker, replacement: dict[str, object], field: str) -> None:
    _story(tracker)
    before = tracker.head()
    with pytest.raises((InputError, RuleError)) as caught:
        tracker.append([ev("amended", id="a", actor="b", target="x", reason="r", replacement=replacement)])
    assert caught.value.field == field
    assert tracker.head() == before


def test_a_replacement_may_keep_its_target_id(tracker: Tracker) -> None:
    _story(tracker)
    fixed = ev("accepted", id="x", actor="b", occurred="2024-01-03")
    assert tracker.append([ev("amended", id="a", actor="b", target="x", reason="r", replacement=fixed)]).added == 1


# -- input amplification ---------------------------------------------------------------------------


def test_lists_in_one_event_are_bounded(tracker: Tracker) -> None:
    with pytest.raises(InputError, match="at most 100") as caught:
        tracker.append([ev("floated", addressees=[f"p{i}" for i in range(101)])])
    assert caught.value.field == "addressees"


def test_one_proposal_at_the_bound_grows_the_database_modestly(tmp_path: Path) -> None:
    """The issue's 819 KB file grew a database by 467 MB; at the bound (100 addressees) 300 events
    restating them must stay small."""
    events = [ev("floated", id="f", addressees=[f"party-{i}" for i in range(100)])]
    events += [ev("considering", id=f"c{i}", actor=f"party-{i % 100}", occurred="2024-01-02") for i in range(299)]
    path = write_jsonl(tmp_path / "wide.jsonl", events)
    db = tmp_path / "t.db"
    with Tracker(db) as t:
        t.import_file(path)
    size = db.stat().st_size + sum(p.stat().st_size for p in tmp_path.glob("t.db-*"))
    assert size < 40 * path.stat().st_size, (size, path.stat().st_size)


# -- verify names the fault, never crashes ---------------------------------------------------------


def _rehash(path: Path) -> None:
    """Recompute every hash after an edit, as a forger would (only a published head catches that)."""
    conn = sqlite3.connect(path)
    conn.text_factory = lambda data: data.decode("utf-8", "surrogateescape")
    conn.execute("DROP TRIGGER events_no_update")
    prev = "0" * 64
    rows = conn.execute("SELECT seq, recorded_at, schema_version, body FROM events ORDER BY seq").fetchall()
    for seq, at, version, body in rows:
        try:
            digest = row_hash(prev, seq, at, version, body)
        except (UnicodeEncodeError, TypeError):  # text that is not UTF-8 cannot be hashed as the store does
            digest = "x" * 64
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest
    conn.commit()
    conn.executescript("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
                       "BEGIN SELECT RAISE(ABORT, 'the event log is append-only: UPDATE refused'); END;")
    conn.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``test_verify.build``'s 7-row log, built once (closing it leaves no WAL: one file to copy)."""
    path = build(tmp_path_factory.mktemp("built") / "t.db")
    assert not Path(f"{path}-wal").exists()
    return path


TAMPERED = {
    "invalid UTF-8 in the body": "UPDATE events SET body = CAST(X'7B22FF22' AS TEXT) WHERE seq = 3",
    "invalid UTF-8 in a column": "UPDATE events SET actor = CAST(X'61FF' AS TEXT) WHERE seq = 3",
    "invalid UTF-8 in recorded_at": "UPDATE events SET recorded_at = CAST(X'32FF' AS TEXT) WHERE seq = 3",
    "body not JSON": "UPDATE events SET body = 'zzz' WHERE seq = 3",
    "body an array": "UPDATE events SET body = '[1,2]' WHERE seq = 3",
    "body a number": "UPDATE events SET body = 5 WHERE seq = 3",
    "body a blob": "UPDATE events SET body = X'00FF' WHERE seq = 3",
    "deep nesting": "UPDATE events SET body = '{\"a\":" + "[" * 1100 + "]" * 1100 + "}' WHERE seq = 3",
    "unknown type": "UPDATE events SET body = replace(body, '\"accepted\"', '\"zzz\"'), type = 'zzz' WHERE seq = 4",
    "duplicate keys": "UPDATE events SET body = replace(body, '{\"actor\":\"b\"', '{\"actor\":\"b\",\"actor\":\"z\"') "
    "WHERE seq = 4",
    "text schema_version": "UPDATE events SET schema_version = 'x' WHERE seq = 3",
    "newer schema_version": "UPDATE events SET schema_version = 7 WHERE seq = 3",
    "recorded_at not a time": "UPDATE events SET recorded_at = 'zzzz' WHERE seq = 7",
    "recorded_at in the future": "UPDATE events SET recorded_at = '9999-12-31T00:00:00.000000Z' WHERE seq = 7",
}


@pytest.mark.parametrize("ranged", [False, True], ids=["serial", "ranged"])
@pytest.mark.parametrize("rehashed", [False, True], ids=["as-edited", "rehashed"])
@pytest.mark.parametrize("name", list(TAMPERED))
def test_verify_names_each_tampered_row_at_its_seq(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: Path, name: str, rehashed: bool, ranged: bool
) -> None:
    if ranged:
        monkeypatch.setattr(parallel_verify, "PARALLEL_FROM", 1)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        monkeypatch.setenv("TRACKER_WORKERS", "2")
    path = tmp_path / "t.db"
    shutil.copy(built, path)
    tamper(path, TAMPERED[name])
    if rehashed:
        _rehash(path)
    code, out, err = cli("verify", "--db", str(path))
    assert code == 1 and err == "" and out.startswith("FAILED: first fault at seq "), out + err
    seq = int(TAMPERED[name].rsplit("seq = ", 1)[1])
    assert f"seq {seq}: " in out


def test_verify_finds_a_forged_view_and_dropped_or_foreign_triggers(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    conn = sqlite3.connect(path)
    conn.execute("DROP VIEW current_status")
    conn.execute("CREATE VIEW current_status AS SELECT 'ok' AS status")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("CREATE TRIGGER swallow BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END")
    conn.commit()
    conn.close()
    with Tracker(path) as t:
        messages = [f.message for f in t.verify().faults if f.kind == "schema"]
    assert any(m.startswith("view current_status differs") for m in messages)
    assert any(m.startswith("trigger events_no_delete is missing") for m in messages)
    assert any(m.startswith("trigger swallow is not one tracker creates") for m in messages)


def test_append_refuses_when_a_trigger_swallows_its_rows(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    conn = sqlite3.connect(path)
    conn.execute("CREATE TRIGGER swallow BEFORE INSERT ON events BEGIN SELECT RAISE(IGNORE); END")
    conn.commit()
    conn.close()
    before = snapshot(path)
    code, _, err = cli("append", json.dumps(ev("considering", id="n", actor="z")), "--db", str(path))
    assert code == 1 and "did not keep the rows written" in err and err.count("\n") == 1
    assert snapshot(path) == before


# -- false alarms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["verify", "head", "rebuild", "status", "log", "search", "timeline"])
def test_a_read_command_never_creates_the_database_it_was_pointed_at(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "mistyped.db"
    args = [command, "word"] if command == "search" else [command]
    code, _, err = cli(*args, "--db", str(missing))
    assert code == 1 and f"no database at {missing}" in err
    assert not missing.exists()


def test_reads_work_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = build(folder / "t.db")
    with Tracker(path) as t:
        head = t.head()
    # Opened read-only as SQLite opens it when it cannot create the WAL's shared-memory file.
    for extra in folder.glob("t.db-*"):
        extra.unlink()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root: simulate with an immutable folder if possible
        folder.chmod(0o755)
        if shutil.which("chattr") is None or os.system(f"chattr +i {folder} 2>/dev/null") != 0:
            pytest.skip("cannot make a folder read-only for this user")
    try:
        code, out, err = cli("head", "--db", str(path))
        assert (code, out.strip()) == (0, f"{head[0]}:{head[1]}"), err
        code, out, err = cli("verify", "--db", str(path))
        assert code == 0 and out.startswith("ok: 7 row(s)"), out + err
        assert "full-text indexes not checked" in out  # their check writes: said, not a fault
        code, _, err = cli("append", json.dumps(ev("considering", id="n", actor="z")), "--db", str(path))
        assert code == 1 and "read-only" in err
    finally:
        os.system(f"chattr -i {folder} 2>/dev/null")
        folder.chmod(0o755)


def test_verify_reads_one_snapshot_while_another_connection_appends(tmp_path: Path) -> None:
    """Rows committed by another writer between verify's passes are not seen, so not taken for tampering."""
    path = build(tmp_path / "t.db")
    with Tracker(path) as t, Tracker(path) as writer:
        calls = 0
        original = t.store.rows

        def rows_then_append(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            if calls == 2:  # between the chain pass and the column pass
                writer.append([ev("considering", id=f"late{calls}", actor="late")])
            return original(*args, **kwargs)  # type: ignore[arg-type]

        t.store.rows = rows_then_append  # type: ignore[method-assign]
        result = t.verify()
        assert result.ok and result.rows == 7, result.faults
    with Tracker(path) as t:
        assert t.verify().ok and t.head()[0] == 8


# -- JSON and bytes ---------------------------------------------------------------------------------------


FLOATED = json.dumps(ev("floated", id="f"))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"type":"floated","note":' + b"[" * 1100 + b"]" * 1100 + b"}\n", "nested"),
        (b'{"type":"floated","proposal":"p","actor":"\xff"}\n', "not valid UTF-8"),
    ],
    ids=["deep", "invalid UTF-8"],
)
def test_stdin_and_import_refuse_the_same_bad_bytes_in_one_line(tmp_path: Path, data: bytes, words: str) -> None:
    db = tmp_path / "t.db"
    code, _, err = cli("append", "--db", str(db), stdin=data)
    assert code == 1 and words in err and err.count("\n") == 1
    (tmp_path / "in.jsonl").write_bytes(data)
    code, _, err = cli("import", str(tmp_path / "in.jsonl"), "--db", str(db))
    assert code == 1 and words in err and err.count("\n") == 1


def test_a_bom_is_skipped_and_u2028_is_text_on_stdin_and_in_a_file(tmp_path: Path) -> None:
    line = json.dumps(ev("floated", id="f", note="one\u2028two\x85three"), ensure_ascii=False)
    data = ("\ufeff" + line + "\n").encode()
    code, _, err = cli("append", "--db", str(tmp_path / "a.db"), stdin=data)
    assert code == 0, err
    (tmp_path / "in.jsonl").write_bytes(data)
    code, _, err = cli("import", str(tmp_path / "in.jsonl"), "--db", str(tmp_path / "b.db"))
    assert code == 0, err
    assert snapshot(tmp_path / "a.db")[0][14] == snapshot(tmp_path / "b.db")[0][14]


def test_an_argument_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    cli("append", FLOATED, "--db", str(db))
    for args in (["status", "p\udcff"], ["history", "p\udcff"], ["audit", "p\udcff"], ["why", "p\udcff"],
                 ["log", "--proposal", "p\udcff"], ["search", "x\udcff"], ["timeline", "p\udcff"],
                 ["append", '{"a":"\udcff"}']):
        code, _, err = cli(*args, "--db", str(db))
        assert code == 1 and "not valid UTF-8" in err and err.count("\n") == 1, (args, err)


@pytest.mark.parametrize("text", ["٢٠٢٥-٠٣-١٢", "２０２５-０３-１２", "2025-03-1٢"])
def test_dates_take_ascii_digits_only(text: str) -> None:
    with pytest.raises(DateError):
        bounds(text)
    code, _, err = cli("status", "--on", text)
    assert code == 1 and "on" in err


def test_the_guarded_parse_bounds_depth_and_names_bytes() -> None:
    with pytest.raises(InputError, match="nested deeper"):
        jsonin.loads("[" * 1100 + "]" * 1100)
    inside = "[" * 40  # brackets inside a string do not nest
    assert jsonin.loads(json.dumps([inside, {"a": "\\"}])) == [inside, {"a": "\\"}]
    assert jsonin.depth(b'{"a":"[\\"[","b":[[1]]}') == 3
    with pytest.raises(InputError, match="byte 0xff at column 7"):
        jsonin.loads(b'{"a":"\xff"}')
    with pytest.raises(InputError, match="malformed JSON"):
        jsonin.loads('{"a":NaN}')


# -- calendar ends and numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["0999-01-01", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "2024-01-01ZZ", "2024-W01-1",
     "2024-01-01Z", "20240101", "٢٠٢٤-01-01"],
)
def test_as_recorded_is_refused_in_one_line_outside_its_forms(tmp_path: Path, value: str) -> None:
    db = tmp_path / "t.db"
    cli("append", FLOATED, "--db", str(db))
    for command in (["status"], ["history", "p"], ["audit", "p"]):
        code, _, err = cli(*command, "--as-recorded", value, "--db", str(db))
        assert code == 1 and "as_recorded" in err and err.count("\n") == 1, (command, err)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["search", "x", "--limit", "12345678901234567890"], "--limit"),
        (["search", " ".join(["w"] * 65)], "too long"),
        (["append", "--expect-version", "-1", FLOATED], "--expect-version"),
    ],
    ids=["20-digit limit", "4000-word search", "negative expect-version"],
)
def test_numbers_and_queries_out_of_range_are_refused(tmp_path: Path, args: list[str], words: str) -> None:
    db = tmp_path / "t.db"
    cli("append", FLOATED, "--db", str(db))
    before = snapshot(db)
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code != 0 and words in result.stderr and "Traceback" not in result.stderr
    assert snapshot(db) == before


def test_too_many_workers_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.db"
    cli("append", FLOATED, "--db", str(db))
    monkeypatch.setenv("TRACKER_WORKERS", str((os.cpu_count() or 1) + 1))
    code, _, err = cli("verify", "--db", str(db))
    assert code == 1 and "TRACKER_WORKERS must be a whole number from 1 to" in err


def test_a_damaged_value_while_reading_is_one_line(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    tamper(path, "UPDATE events SET body = CAST(X'7B22FF22' AS TEXT) WHERE seq = 3")
    code, _, err = cli("log", "--db", str(path))
    assert code == 1 and err.startswith("error: cannot read ") and err.count("\n") == 1


def test_store_refuses_a_negative_expected_version(tracker: Tracker) -> None:
    with pytest.raises(InputError, match="at least 0") as caught:
        tracker.append([ev("floated", id="f")], expect_version=-1)
    assert caught.value.field == "expect_version" and tracker.head()[0] == 0


def test_near_the_calendar_ends_timeline_and_timelinejs_answer_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    cli("append", json.dumps(ev("floated", id="f", occurred="0001-01-03~")), "--db", str(db))
    for args in (["timeline", "--on", "9999-12-31"], ["export", "--format", "timelinejs"], ["timeline"]):
        code, _, err = cli(*args, "--db", str(db))
        assert code == 0 or (code == 1 and err.count("\n") == 1 and "calendar's ends" in err), (args, err)


# -- a read-only file, and workers that outlive their parent ------------------------------------------


def test_verify_on_a_file_that_cannot_be_written_is_not_tampering(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    with Tracker(path):
        pass  # closing checkpoints the WAL into the file
    path.chmod(0o444)
    immutable = False
    if os.access(path, os.W_OK):  # root ignores permission bits
        immutable = shutil.which("chattr") is not None and os.system(f"chattr +i {path} 2>/dev/null") == 0
        if not immutable:
            pytest.skip("cannot make a file read-only for this user")
    try:
        code, out, err = cli("verify", "--db", str(path))
        assert code == 0 and out.startswith("ok: 7 row(s)") and "full-text indexes not checked" in out, out + err
    finally:
        if immutable:
            os.system(f"chattr -i {path} 2>/dev/null")
        path.chmod(0o644)


WORKER_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from tracker.store.parallel_verify import die_with_parent

def task(path):
    with open(path, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(60)

pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                           initargs=(os.getpid(),))
pool.submit(task, sys.argv[1])
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_verify_worker_dies_with_its_parent(tmp_path: Path) -> None:
    marker = tmp_path / "worker.pid"
    parent = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(marker)])
    try:
        deadline = time.monotonic() + 20
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = int(marker.read_text())
        parent.kill()  # SIGKILL: no cleanup runs in the parent
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has died; only its entry waits to be reaped


def test_ctrl_c_after_the_commit_says_the_batch_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C landing after the store committed (here: while the report is printed) must not claim
    that nothing was written (the race behind an occasional failure of test_crash's Ctrl-C test)."""
    import tracker.commands.recording

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tracker.commands.recording, "_report", interrupted)
    db = tmp_path / "t.db"
    code, _, err = cli("append", FLOATED, "--db", str(db))
    assert code == 1 and err == "error: interrupted after the batch was committed: 1 event(s) kept\n"
    assert len(snapshot(db)) == 1


def test_a_published_head_takes_ascii_digits_only() -> None:
    from tracker.store.verify import parse_head

    with pytest.raises(InputError, match="expected SEQ:HASH"):
        parse_head("٧:" + "0" * 64)
    assert parse_head("7:" + "0" * 64) == (7, "0" * 64)


def test_verify_while_another_process_holds_the_write_lock_is_not_tampering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build(tmp_path / "t.db")
    monkeypatch.setenv("TRACKER_BUSY_TIMEOUT", "0.5")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = cli("verify", "--db", str(path))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert code == 0 and "full-text indexes not checked: another process held the write lock" in out, out + err


def test_a_short_fuzz_of_restore_and_verify_finds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``scripts/fuzz_round2.py`` for a few runs (docs/reliability.md has a long run's figures)."""
    from collections import Counter
    from random import Random

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import fuzz_round2

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv("TRACKER_WORKERS", "2")
    out: Counter[str] = Counter()
    findings: list[str] = []
    fuzz_round2.fuzz_restore(tmp_path, 20, Random(3), out, findings)
    fuzz_round2.fuzz_verify(tmp_path, 20, Random(3), out, findings)
    assert findings == []
    assert out["restore: crashed"] == out["verify: crashed"] == 0
    assert out["restore: refused in one line"] > 10 and out["verify: fault named"] > 10
