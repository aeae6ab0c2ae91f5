"""Export and restore: an export restored into an empty database reproduces the chain byte for byte."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from freezegun import freeze_time
from helpers import ev
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.errors import ConflictError, InputError, RuleError
from tracker.store.backup import is_export


def build(path: Path) -> Path:
    with freeze_time("2024-03-01T10:00:00Z"), Tracker(path) as t:
        t.append([ev("floated", id="f", addressees=["b"], note="ünïcode | text"), ev("considering", id="c", actor="b")])
    with freeze_time("2024-03-02T10:00:00Z"), Tracker(path) as t:
        fixed = ev("accepted", id="c", actor="b", occurred="2024-01-02")
        t.append([ev("amended", id="fix", actor="b", target="c", reason="it was an acceptance", replacement=fixed)])
        t.append([ev("floated", id="g", proposal="q"), ev("retracted", id="rq", proposal="q", target="g", reason="x")])
    return path


def rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    out = conn.execute("SELECT * FROM events ORDER BY seq").fetchall()
    conn.close()
    return out


def export(path: Path, target: Path) -> Path:
    with Tracker(path) as t:
        target.write_text("".join(line + "\n" for line in t.export()), encoding="utf-8")
    return target


def test_restore_reproduces_the_chain_byte_for_byte(tmp_path: Path) -> None:
    source = build(tmp_path / "a.db")
    backup = export(source, tmp_path / "backup.jsonl")
    with Tracker(tmp_path / "b.db") as t:
        result = t.import_file(backup)
        assert result.added == 5 and t.verify().ok
        assert t.head() == (result.head_seq, result.head_hash)
    assert rows(tmp_path / "b.db") == rows(source)


def test_restore_through_the_cli(tmp_path: Path) -> None:
    source = build(tmp_path / "a.db")
    runner = CliRunner()
    backup = tmp_path / "backup.jsonl"
    backup.write_text(runner.invoke(app, ["export", "--db", str(source)]).stdout, encoding="utf-8")
    result = runner.invoke(app, ["import", str(backup), "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output
    assert "appended 5 event(s)" in result.stderr
    assert rows(tmp_path / "b.db") == rows(source)
    same = runner.invoke(app, ["head", "--db", str(source)]).stdout
    assert runner.invoke(app, ["verify", "--head", same.strip(), "--db", str(tmp_path / "b.db")]).exit_code == 0


def test_a_reformatted_export_still_restores_exactly(tmp_path: Path) -> None:
    """Whitespace and key order do not matter: the hash is over the canonical form."""
    source = build(tmp_path / "a.db")
    backup = export(source, tmp_path / "backup.jsonl")
    pretty = [json.dumps(json.loads(line), indent=None, ensure_ascii=True) for line in backup.read_text().splitlines()]
    backup.write_text("\n\n".join(pretty) + "\n", encoding="utf-8")
    with Tracker(tmp_path / "b.db") as t:
        t.import_file(backup)
    assert rows(tmp_path / "b.db") == rows(source)


def _edit(backup: Path, number: int, change: str, into: str) -> None:
    lines = backup.read_text(encoding="utf-8").splitlines()
    assert change in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(change, into)
    backup.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "change", "into", "words"),
    [
        (2, '"occurred":"2024-01-01"', '"occurred":"2023-12-31"', "hash does not match: the chain is broken at seq 2"),
        (3, '"seq":3', '"seq":4', "seq 4 where 3 was expected"),
        (4, "2024-03-02T10:00:00", "2024-03-02T10:00:01", "hash does not match"),
        (1, '"hash":"', '"hash":"0', "hash does not match"),
    ],
)
def test_a_broken_export_is_refused_with_the_line_named(
    tmp_path: Path, line: int, change: str, into: str, words: str
) -> None:
    backup = export(build(tmp_path / "a.db"), tmp_path / "backup.jsonl")
    _edit(backup, line, change, into)
    with Tracker(tmp_path / "b.db") as t:
        with pytest.raises(InputError) as caught:
            t.import_file(backup)
        assert f"backup.jsonl:{line}:" in str(caught.value) and words in str(caught.value)
        assert t.store.count() == 0


def test_a_missing_line_is_refused(tmp_path: Path) -> None:
    backup = export(build(tmp_path / "a.db"), tmp_path / "backup.jsonl")
    lines = backup.read_text().splitlines()
    backup.write_text("\n".join(lines[:1] + lines[2:]) + "\n")
    result = CliRunner().invoke(app, ["import", str(backup), "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 1
    assert "backup.jsonl:2: field 'seq': seq 3 where 2 was expected" in result.stderr
    with Tracker(tmp_path / "b.db") as t:
        assert t.store.count() == 0


def test_restore_needs_an_empty_database(tmp_path: Path) -> None:
    backup = export(build(tmp_path / "a.db"), tmp_path / "backup.jsonl")
    with Tracker(tmp_path / "b.db") as t:
        t.append([ev("floated", id="other")])
        with pytest.raises(ConflictError, match="empty database"):
            t.import_file(backup)
        assert t.store.count() == 1


def test_restore_applies_the_append_rules(tmp_path: Path) -> None:
    """A forged export with a valid chain still cannot smuggle in an event the log would refuse."""
    source = build(tmp_path / "a.db")
    conn = sqlite3.connect(source)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq >= 3")
    conn.commit()
    conn.close()
    lines = [json.loads(x) for x in export(source, tmp_path / "b.jsonl").read_text().splitlines()]
    from tracker.core.events import event_body, parse_event
    from tracker.store.verify import link

    body = event_body(parse_event(ev("considering", id="z", proposal="nowhere")))  # never floated, chained properly
    lines.append({"seq": 3, "recorded_at": "2024-03-03T00:00:00.000000Z", "event": json.loads(body)})
    lines[-1]["hash"] = link(lines[1]["hash"], 3, "2024-03-03T00:00:00.000000Z", 1, body)
    forged = tmp_path / "forged.jsonl"
    forged.write_text("".join(json.dumps(x) + "\n" for x in lines))
    with Tracker(tmp_path / "c.db") as t:
        with pytest.raises(RuleError, match="never been floated"):
            t.import_file(forged)
        assert t.store.count() == 0


def test_export_rows_are_told_apart_from_bare_events() -> None:
    assert is_export('{"seq":1,"recorded_at":"x","hash":"y","event":{}}')
    assert not is_export(json.dumps(ev("floated")))
    assert not is_export("not json")


def test_restore_takes_no_expected_version(tmp_path: Path) -> None:
    backup = export(build(tmp_path / "a.db"), tmp_path / "backup.jsonl")
    with Tracker(tmp_path / "b.db") as t, pytest.raises(InputError, match="does not apply"):
        t.import_file(backup, expect_version=0)


def test_restore_in_small_chunks_reads_the_earlier_chunks_back(tmp_path: Path) -> None:
    """The rules see what earlier chunks restored (from the database, not from memory): a correction
    of an event restored two chunks before is accepted, an id restored twice is refused."""
    from tracker.store.backup import read_export

    source = build(tmp_path / "a.db")
    lines = export(source, tmp_path / "backup.jsonl").read_text(encoding="utf-8").splitlines()
    with Tracker(tmp_path / "b.db") as t:
        result = t.store.restore(read_export(enumerate(lines, start=1)), chunk_size=2)
        assert result.added == 5 and t.verify().ok
    assert rows(tmp_path / "b.db") == rows(source)

    doubled = json.loads(lines[0])["event"]  # the first event again, chained properly after the last row
    from tracker.store.verify import link

    last = json.loads(lines[-1])
    body = json.dumps(doubled, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    extra = {"seq": 6, "recorded_at": last["recorded_at"], "event": doubled}
    extra["hash"] = link(last["hash"], 6, last["recorded_at"], 1, body)
    with Tracker(tmp_path / "c.db") as t:
        with pytest.raises(ConflictError, match="duplicate event id 'f'"):
            t.store.restore(read_export(enumerate([*lines, json.dumps(extra)], start=1)), chunk_size=2)
        assert t.store.count() == 0
