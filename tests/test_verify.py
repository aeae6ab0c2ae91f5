"""verify: the chain, the derived columns, the projections and a published head, tampered with directly."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from freezegun import freeze_time
from helpers import ev
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.store.log import GENESIS, SCHEMA, row_hash
from tracker.store.verify import link, parse_head
from tracker.store.verify import verify as verify_rows

STORY = [
    [ev("floated", id="f", actor="a", addressees=["b"], occurred="2024-01-01")],
    [
        ev("considering", id="c", actor="b", occurred="2024-01-03"),
        ev("floated", id="g", proposal="q", occurred="2024-01-02"),
    ],
    [
        ev("accepted", id="x", actor="b", occurred="2024-01-05"),
        ev("rejected", id="r", proposal="q", actor="b", occurred="2024-01-06"),
    ],
    [
        ev("denied", id="d", actor="c", occurred="2024-01-07", target="x"),
        ev("considering", id="k", proposal="q", actor="c"),
    ],
]


def build(path: Path) -> Path:
    """A small log of 7 rows in 4 batches recorded on 4 different days."""
    for day, batch in enumerate(STORY, start=1):
        with freeze_time(f"2024-02-0{day}T12:00:00Z"), Tracker(path) as t:
            t.append(batch)
    return path


def tamper(path: Path, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    """Drop the append-only triggers, run statements straight on the SQLite file, put the triggers back
    (as a careful forger would: ``verify`` checks the schema objects too)."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    for st in statements:
        sql, args = (st, ()) if isinstance(st, str) else st
        conn.execute(sql, args)
    conn.commit()
    conn.executescript(SCHEMA)  # every statement is IF NOT EXISTS: only the dropped triggers come back
    conn.close()


def row(path: Path, seq: int) -> tuple[str, int, str, str, str]:
    conn = sqlite3.connect(path)
    found = conn.execute(
        "SELECT recorded_at, schema_version, body, prev_hash, hash FROM events WHERE seq = ?", (seq,)
    ).fetchone()
    conn.close()
    return tuple(found)  # type: ignore[return-value]


def edit_body(path: Path) -> None:
    tamper(path, "UPDATE events SET body = replace(body, '2024-01-03', '2024-01-02') WHERE seq = 2")


def edit_and_rehash(path: Path) -> None:
    at, version, body, prev, _ = row(path, 2)
    body = body.replace("2024-01-03", "2024-01-02")
    digest = row_hash(prev, 2, at, version, body)
    tamper(path, ("UPDATE events SET body = ?, occurred = '2024-01-02', hash = ? WHERE seq = 2", (body, digest)))


def edit_recorded_at(path: Path) -> None:
    tamper(path, "UPDATE events SET recorded_at = '2024-01-01T00:00:00.000000Z' WHERE seq = 3")


def delete_row(path: Path) -> None:
    tamper(path, "DELETE FROM events WHERE seq = 3")


def delete_and_renumber(path: Path) -> None:
    tamper(
        path,
        "DELETE FROM events WHERE seq = 3",
        *(f"UPDATE events SET seq = {s - 1} WHERE seq = {s}" for s in range(4, 8)),
    )


def swap_rows(path: Path) -> None:
    tamper(
        path,
        "UPDATE events SET seq = 100 WHERE seq = 3",
        "UPDATE events SET seq = 3 WHERE seq = 4",
        "UPDATE events SET seq = 4 WHERE seq = 100",
    )


def insert_forged(path: Path) -> None:
    """Shift rows 3.. up and insert a well-formed row with a correct hash at seq 3."""
    _, _, _, _, prev = row(path, 2)
    body = '{"actor":"b","id":"forged","occurred":"2024-01-04","proposal":"p","type":"rejected"}'
    at = "2024-02-02T12:00:00.000000Z"
    digest = row_hash(prev, 3, at, 1, body)
    shifts = [f"UPDATE events SET seq = {s + 1} WHERE seq = {s}" for s in range(7, 2, -1)]
    insert = (
        "INSERT INTO events VALUES (3, 'forged', 'p', 9, 'rejected', 'b', '2024-01-04', '2024-01-04', '2024-01-04', "
        "NULL, NULL, NULL, ?, 1, ?, ?, ?)",
        (at, body, prev, digest),
    )
    tamper(path, *shifts, insert)


def edit_column(path: Path) -> None:
    tamper(path, "UPDATE events SET actor = 'z' WHERE seq = 4")


def edit_bounds(path: Path) -> None:
    tamper(path, "UPDATE events SET occurred_to = '2024-12-31' WHERE seq = 5")


def edit_projection(path: Path) -> None:
    tamper(path, "UPDATE proposals SET status = 'collapsed' WHERE proposal = 'q'")


CASES: list[tuple[Callable[[Path], None], int | None, str, str]] = [
    (edit_body, 2, "edited", "does not match its hash"),
    (edit_and_rehash, 2, "edited", "rewritten"),
    (edit_recorded_at, 3, "edited", "does not match its hash"),
    (delete_row, 3, "deleted", "seq 3 missing"),
    (delete_and_renumber, 3, "deleted", "renumbered"),
    (swap_rows, 3, "reordered", "recorded as seq 4"),
    (insert_forged, 3, "inserted", "inserted"),
    (edit_column, 4, "column", "column actor is 'z'"),
    (edit_bounds, 5, "column", "occurred bounds"),
    (edit_projection, None, "projection", "proposals: row of 'q'"),
]


def test_an_untouched_log_verifies(tmp_path: Path) -> None:
    with Tracker(build(tmp_path / "t.db")) as t:
        result = t.verify()
        assert result.ok and result.rows == 7 and result.faults == ()
        assert (result.head_seq, result.head_hash) == t.head()
        assert result.checked == ("chain", "columns", "projections")


@pytest.mark.parametrize(("tampering", "seq", "kind", "words"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_kind_of_tampering_is_caught_and_named(
    tmp_path: Path, tampering: Callable[[Path], None], seq: int | None, kind: str, words: str
) -> None:
    path = build(tmp_path / "t.db")
    tampering(path)
    with Tracker(path) as t:
        result = t.verify()
    assert not result.ok
    assert result.first is not None
    assert (result.first.seq, result.first.kind) == (seq, kind), result.faults
    assert words in result.first.message


@pytest.mark.parametrize(("tampering", "seq", "kind", "words"), CASES[:7], ids=[c[0].__name__ for c in CASES[:7]])
def test_the_cli_names_the_fault_and_exits_non_zero(
    tmp_path: Path, tampering: Callable[[Path], None], seq: int, kind: str, words: str
) -> None:
    path = build(tmp_path / "t.db")
    tampering(path)
    result = CliRunner().invoke(app, ["verify", "--db", str(path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"FAILED: first fault at seq {seq}: {kind}")
    result = CliRunner().invoke(app, ["verify", "--json", "--db", str(path)])
    assert result.exit_code == 1
    import json

    report = json.loads(result.stdout)
    assert (report["ok"], report["first_bad_seq"], report["first_fault"]) == (False, seq, kind)


def test_the_cli_can_skip_the_projections(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    edit_projection(path)
    runner = CliRunner()
    assert runner.invoke(app, ["verify", "--db", str(path)]).exit_code == 1
    result = runner.invoke(app, ["verify", "--no-projections", "--db", str(path)])
    assert result.exit_code == 0 and "chain, columns checked" in result.stdout


def test_a_published_head_proves_a_prefix(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    runner = CliRunner()
    head = runner.invoke(app, ["head", "--db", str(path)]).stdout.strip()
    with Tracker(path) as t:
        assert head == "{}:{}".format(*t.head())
        t.append([ev("accepted", id="late", proposal="q", actor="c", occurred="2024-01-09")])
    assert runner.invoke(app, ["verify", "--head", head, "--db", str(path)]).exit_code == 0
    with Tracker(path) as t:
        assert not t.verify("7:" + "0" * 64).ok


def test_a_truncated_log_fails_against_its_head(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    with Tracker(path) as t:
        head = t.head()
    tamper(path, "DELETE FROM events WHERE seq = 7", "DELETE FROM proposals")
    with Tracker(path) as t:
        t.store.rebuild()
        assert t.verify().ok  # the chain alone cannot see a cut tail ...
        result = t.verify(head)  # ... the published head can
    assert not result.ok and result.first is not None
    assert (result.first.seq, result.first.kind) == (7, "head")


def test_a_rewritten_tail_fails_against_its_head(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    with Tracker(path) as t:
        head = t.head()
    at, version, body, prev, _ = row(path, 7)
    forged = body.replace('"actor":"c"', '"actor":"b"')
    tamper(
        path,
        (
            "UPDATE events SET body = ?, actor = 'b', hash = ? WHERE seq = 7",
            (forged, row_hash(prev, 7, at, version, forged)),
        ),
    )
    with Tracker(path) as t:
        t.store.rebuild()
        assert t.verify().ok
        result = t.verify(head)
    assert result.first is not None and result.first.kind == "head" and "rewritten" in result.first.message


def test_verify_hashes_exactly_as_the_store() -> None:
    body = '{"actor":"ä","id":"x","type":"floated"}'
    assert link(GENESIS, 3, "2024-01-01T00:00:00.000000Z", 1, body) == row_hash(
        GENESIS, 3, "2024-01-01T00:00:00.000000Z", 1, body
    )


def test_amended_rows_are_checked_through_json(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    replacement = ev("considering", id="c", actor="b", occurred="2024-01-04")
    with Tracker(path) as t:
        t.append([ev("amended", id="fix", actor="b", target="c", reason="wrong day", replacement=replacement)])
        assert t.verify().ok
    tamper(path, "UPDATE events SET type = 'considering' WHERE seq = 8")
    with Tracker(path) as t:
        result = t.verify(projections=False)
    assert result.first is not None and (result.first.seq, result.first.kind) == (8, "column")


def test_verify_works_on_any_re_iterable_rows() -> None:
    assert verify_rows(lambda: []).ok


@pytest.mark.parametrize("text", ["7", "x:abc", "7:" + "g" * 64, ""])
def test_a_malformed_head_is_refused(text: str) -> None:
    from tracker.errors import InputError

    with pytest.raises(InputError, match="SEQ:HASH"):
        parse_head(text)


def test_an_empty_log_verifies_against_the_genesis_head(tracker: Tracker) -> None:
    result = tracker.verify("0:" + GENESIS)
    assert result.ok and result.rows == 0 and (result.head_seq, result.head_hash) == (0, GENESIS)
    assert not tracker.verify("1:" + GENESIS).ok


def test_a_body_that_is_not_json_is_named_not_crashed_on(tmp_path: Path) -> None:
    path = build(tmp_path / "t.db")
    tamper(path, "UPDATE events SET body = 'garbage' WHERE seq = 6")
    with Tracker(path) as t:
        result = t.verify(projections=False)
    assert result.first is not None and (result.first.seq, result.first.kind) == (6, "edited")
    assert any(f.kind == "column" and "not a JSON object" in f.message for f in result.faults)


@pytest.mark.parametrize("command", ["verify", "head", "audit", "why", "diff"])
def test_each_audit_command_documents_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Example: tracker " + command in result.stdout
