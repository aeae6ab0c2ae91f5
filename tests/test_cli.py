"""The CLI through typer's runner: outputs, errors as one line, exit codes, the log untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from freezegun import freeze_time
from helpers import ev, write_jsonl
from typer.testing import CliRunner

from tracker.cli import app

runner = CliRunner()


def run(db: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)], input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def story(tmp_path: Path, db_path: Path) -> Path:
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            ev(
                "floated",
                id="f",
                actor="russia",
                addressees=["united-states"],
                occurred="2023-09",
                reported="2023-12-23",
            ),
            ev("rejected", id="r", actor="united-states", occurred="2024-01", reported="2024-02-13"),
        ],
    )
    assert run(db_path, "import", str(path))[0] == 0
    return path


def test_status_human_and_json(story: Path, db_path: Path) -> None:
    code, out, _ = run(db_path, "status", "--on", "2024-02-14")
    assert code == 0
    assert "Status as it stood on 2024-02-14" in out
    assert "rejected" in out and "united-states=rejected" in out
    code, out, _ = run(db_path, "status", "--on", "2024-02-14", "--known-by", "2024-02-12", "--json")
    data = json.loads(out)
    assert data == [
        {
            "proposal": "p",
            "status": "floated",
            "stances": {"russia": "proposed"},
            "set_by": {"russia": "f"},
            "disputed": False,
            "denials": [],
            "uncertain": [],
            "proposer": "russia",
            "co_proposers": [],
            "addressees": ["united-states"],
            "version": 1,
            "last_event": "f",
            "warnings": [],
            "effective": None,
            "scheduled_end": None,
            "deadlines": [],
            "suspended_by": {},
            "talks": None,
            "violations": [],
            "claims": [],
            "projected": False,
            "stream_version": 2,
        }
    ]


def test_proposal_with_no_event_by_date_not_listed(story: Path, db_path: Path) -> None:
    code, out, _ = run(db_path, "status", "--on", "2023-01-01", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_reimport_is_idempotent(story: Path, db_path: Path) -> None:
    code, _, err = run(db_path, "import", str(story))
    assert code == 0 and "appended 0 event(s), skipped 2" in err


def test_append_argument_and_stdin(story: Path, db_path: Path) -> None:
    code, _, err = run(db_path, "append", json.dumps(ev("denied", actor="russia", occurred="2024-02-14")))
    assert code == 0 and "appended 1" in err
    lines = "\n".join(json.dumps(ev("considering", id=f"c{i}", actor="united-states")) for i in range(3))
    code, _, err = run(db_path, "append", input=lines)
    assert code == 0 and "appended 3" in err
    code, out, _ = run(db_path, "log", "--json")
    assert [r["seq"] for r in json.loads(out)] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("event", "fragment"),
    [
        ('{"type": "bogus", "proposal": "p"}', "field 'type'"),
        (json.dumps(ev("accepted", actor="")), "field 'actor': must not be empty"),
        (json.dumps(ev("accepted", occurred="2024-02-30")), "field 'occurred'"),
        (json.dumps(ev("accepted", extra=1)), "field 'extra': unknown field"),
        (json.dumps(ev("accepted", proposal="never")), "field 'proposal': proposal 'never' has never been floated"),
        ("{not json", "malformed JSON"),
    ],
)
def test_bad_append_is_one_line_and_leaves_log(story: Path, db_path: Path, event: str, fragment: str) -> None:
    code, out, err = run(db_path, "append", event)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err
    assert len(json.loads(run(db_path, "log", "--json")[1])) == 2


def test_bad_file_names_line_and_field(story: Path, db_path: Path, tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "bad.jsonl", [ev("considering", actor="x"), ev("considering", occurred="soon")])
    code, _, err = run(db_path, "import", str(bad))
    assert code == 1 and f"{bad}:2: field 'occurred'" in err
    code, _, err = run(db_path, "import", str(tmp_path / "missing.jsonl"))
    assert code == 1 and "cannot read" in err


def test_bad_question_names_option(story: Path, db_path: Path) -> None:
    code, _, err = run(db_path, "status", "--on", "Feb 14")
    assert code == 1 and "field 'on'" in err
    code, _, err = run(db_path, "status", "--as-recorded", "yesterday")
    assert code == 1 and "field 'as_recorded'" in err
    code, _, err = run(db_path, "history", "nope")
    assert code == 1 and "no proposal 'nope'" in err


def test_history_audit_log_export(story: Path, db_path: Path) -> None:
    code, out, _ = run(db_path, "history", "p")
    assert code == 0 and "floated -> rejected" in out
    code, out, _ = run(db_path, "audit", "p", "--on", "2024-02-14")
    assert code == 0 and "#2 rejected by united-states" in out and "change: status: floated -> rejected" in out
    code, out, _ = run(db_path, "audit", "p", "--json")
    assert [s["id"] for s in json.loads(out)["steps"]] == ["f", "r"]
    code, out, _ = run(db_path, "export")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["seq"] for r in rows] == [1, 2] and rows[1]["event"]["id"] == "r" and len(rows[1]["hash"]) == 64


def test_as_recorded_through_cli(db_path: Path) -> None:
    with freeze_time("2024-03-01T09:00:00Z"):
        run(db_path, "append", json.dumps(ev("floated", id="f")))
    with freeze_time("2024-03-02T09:00:00Z"):
        run(db_path, "append", json.dumps(ev("accepted", id="a", actor="b")))
    code, out, _ = run(db_path, "status", "--as-recorded", "2024-03-01T12:00:00Z", "--json")
    assert json.loads(out)[0]["status"] == "floated"
    code, out, _ = run(db_path, "status", "--as-recorded", "2024-03-02", "--json")
    assert json.loads(out)[0]["status"] == "in_force"  # agreed, with no effective date: in force from then


def test_env_var_selects_database(story: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB", str(db_path))
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["proposal"] == "p"


def test_default_database_is_seeded_with_corpus(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--on", "2024-02-14", "--json"])
    assert result.exit_code == 0, result.stderr
    assert {a["proposal"] for a in json.loads(result.stdout)} >= {"istanbul-2022", "ru-freeze-2023"}
    assert (tmp_path / "xdg" / "tracker" / "tracker.db").exists()
    # The first use says on stderr what it did; the next one is quiet.
    assert "note: first use: created" in result.stderr and "loaded the bundled corpus" in result.stderr
    again = runner.invoke(app, ["status", "--on", "2024-02-14"])
    assert again.exit_code == 0 and again.stderr == ""


def test_every_command_has_help_with_example() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.stdout, name
