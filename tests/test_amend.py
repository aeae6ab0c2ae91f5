"""tracker amend and tracker retract: corrections built from the stored event, with the editor and
today as defaults, and every error as one line with the log untouched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app

runner = CliRunner()


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)], env=env)
    return result.exit_code, result.stdout, result.stderr


def head(db: Path) -> str:
    return run(db, "head")[1]


@pytest.fixture
def story(db_path: Path) -> Path:
    for args in (
        ["floated", "p", "--id", "f", "--actor", "united-states", "--addressee", "israel", "--addressee", "lebanon",
         "--occurred", "2024-11-26", "--reported", "2024-11-26"],
        ["accepted", "p", "--id", "a", "--actor", "israel", "--occurred", "2024-11-27",
         "--source", "Reuters | Israel accepts | 2024-11-27 | https://example.org/a", "--note", "cabinet vote"],
        ["rejected", "p", "--id", "r", "--actor", "lebanon", "--occurred", "2024-11-28", "--reported", "2024-11-28"],
    ):  # fmt: skip
        code, _, err = run(db_path, "add", *args)
        assert code == 0, err
    return db_path


def current(db: Path, eid: str) -> dict[str, Any]:
    with Tracker(db) as t:
        found = t.find(eid)
        assert found.current is not None
        return found.current


@freeze_time("2026-05-04T10:00:00Z")
def test_amend_builds_the_replacement_from_the_stored_event(story: Path) -> None:
    code, out, err = run(story, "amend", "a", "--set", "occurred=2024-11-26", "--reason", "the vote was on the 26th",
                         "--json")  # fmt: skip
    assert code == 0, err
    event = json.loads(out)["event"]
    assert event["type"] == "amended" and event["target"] == "a" and event["actor"] == "editor"
    assert event["occurred"] == "2026-05-04" and event["reason"] == "the vote was on the 26th"
    fixed = event["replacement"]
    assert fixed["id"] == "a" and fixed["occurred"] == "2024-11-26" and fixed["note"] == "cabinet vote"
    assert fixed["sources"][0]["outlet"] == "Reuters"
    assert current(story, "a")["occurred"] == "2024-11-26"


def test_a_second_amendment_starts_from_the_first(story: Path) -> None:
    assert run(story, "amend", "a", "--set", "occurred=2024-11-26", "--reason", "one")[0] == 0
    code, out, err = run(story, "amend", "a", "--set", "note=", "--set", "person=Netanyahu", "--reason", "two")
    assert code == 0, err
    now = current(story, "a")
    assert now["occurred"] == "2024-11-26" and "note" not in now and now["person"] == "Netanyahu"
    assert "amended p (seq 5)" in out and "replacement:" in out


def test_adding_a_source_and_rederiving_reported(story: Path) -> None:
    code, _, err = run(story, "amend", "a", "--set", "sources+=AP | Israel votes | 2024-11-26", "--set",
                       "occurred=2024-11-26", "--reason", "an earlier report")  # fmt: skip
    assert code == 0, err
    now = current(story, "a")
    assert [s["outlet"] for s in now["sources"]] == ["Reuters", "AP"] and now["reported"] == "2024-11-26"


def test_changing_the_kind(story: Path) -> None:
    code, _, err = run(story, "amend", "r", "--set", "type=considering", "--reason", "it only said it would study")
    assert code == 0, err
    assert current(story, "r")["type"] == "considering"
    code, out, _ = run(story, "status", "--json")
    assert json.loads(out)[0]["stances"]["lebanon"] == "considering"


def test_actor_and_occurred_defaults_and_overrides(story: Path) -> None:
    code, out, _ = run(story, "retract", "r", "--reason", "no such rejection", "--json",
                       env={"TRACKER_EDITOR": "desk-beirut"})  # fmt: skip
    assert code == 0 and json.loads(out)["event"]["actor"] == "desk-beirut"
    code, out, _ = run(story, "amend", "a", "--set", "person=Katz", "--reason", "who spoke", "--actor", "alice",
                       "--occurred", "2025-01-02", "--json")  # fmt: skip
    event = json.loads(out)["event"]
    assert code == 0 and event["actor"] == "alice" and event["occurred"] == "2025-01-02"
    code, out, _ = run(story, "retract", "a", "--reason", "r", "--actor", "bob", "--occurred", "2025-01-03", "--json")
    event = json.loads(out)["event"]
    assert code == 0 and (event["actor"], event["occurred"]) == ("bob", "2025-01-03")


@freeze_time("2026-05-04T10:00:00Z")
def test_retract(story: Path) -> None:
    code, out, err = run(story, "retract", "r", "--reason", "a hoax")
    assert code == 0, err
    assert out.startswith("retracted p (seq 4)") and "target:" in out and "2026-05-04" in out
    code, out, _ = run(story, "status", "--json")
    assert "lebanon" not in json.loads(out)[0]["stances"]


def test_dry_run_and_expect_version(story: Path) -> None:
    before = head(story)
    code, out, err = run(story, "amend", "a", "--set", "person=Katz", "--reason", "r", "--dry-run")
    assert code == 0 and "amended p" in out and "nothing written" in err and head(story) == before
    code, _, err = run(story, "retract", "a", "--reason", "r", "--dry-run")
    assert code == 0 and "nothing written" in err and head(story) == before
    code, _, err = run(story, "retract", "a", "--reason", "r", "--expect-version", "2")
    assert code == 1 and err.startswith("error: --expect-version: proposal 'p' is at version 3, not 2")
    assert run(story, "retract", "a", "--reason", "r", "--expect-version", "3")[0] == 0


def test_a_correction_warns_as_any_event(story: Path) -> None:
    code, _, err = run(story, "amend", "r", "--set", "actor=hamas", "--reason", "misattributed")
    assert code == 0 and "warning: r: rejected by hamas, a party the proposal did not address" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["amend", "acepted", "--set", "note=x", "--reason", "r"], "error: no event 'acepted' in the log"),
        (["amend", "f-typo", "--set", "note=x", "--reason", "r"], "error: no event 'f-typo' in the log"),
        (["amend", "a", "--set", "stance=accepted", "--reason", "r"],
         "error: --set stance: accepted has no field 'stance'; its fields are type, actor, person, occurred"),
        (["amend", "a", "--set", "occurred=2024-13", "--reason", "r"], "error: --set occurred: month 13"),
        (["amend", "a", "--set", "occurred=2024-11-27", "--reason", "r"], "error: nothing to change"),
        (["amend", "a", "--reason", "r"], "error: say what to change: --set field=value"),
        (["amend", "a", "--set", "occurred", "--reason", "r"], "error: --set takes field=value"),
        (["amend", "a", "--set", "id=b", "--reason", "r"], "error: --set id: an amendment keeps the event's id"),
        (["amend", "a", "--set", "proposal=q", "--reason", "r"], "error: --set proposal: an amendment keeps"),
        (["amend", "a", "--set", "note+=more"], "error: --set note+=: note is not a list"),
        (["amend", "a", "--set", "type=amended", "--reason", "r"], "error: unknown kind 'amended'"),
        (["amend", "a", "--set", "occurred=2024-11-26"], "error: --reason is required"),
        (["amend", "a", "--set", "occurred=2024-11-26", "--reason", "r", "--actor", "Bob"],
         "error: --actor (or TRACKER_EDITOR): 'Bob' is not a slug"),
        (["amend", "a", "--set", "occurred=2024-11-26", "--reason", "r", "--occurred", "soon"],
         "error: --occurred: "),
        (["retract", "nope", "--reason", "r"], "error: no event 'nope' in the log"),
        (["retract", "a"], "error: --reason is required"),
    ],
)  # fmt: skip
def test_errors_are_one_line_and_write_nothing(story: Path, args: list[str], message: str) -> None:
    before = head(story)
    code, out, err = run(story, *args)
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1, err
    assert head(story) == before


def test_unknown_id_lists_close_matches(story: Path) -> None:
    _, out, _ = run(story, "add", "considering", "p", "--actor", "lebanon", "--occurred", "2024-11-29", "--json")
    eid = json.loads(out)["event"]["id"]
    code, _, err = run(story, "amend", eid[:-1], "--set", "note=x", "--reason", "r")
    assert code == 1 and f"(did you mean {eid}?)" in err


def test_a_bad_tracker_editor_is_named(story: Path) -> None:
    code, _, err = run(story, "retract", "a", "--reason", "r", env={"TRACKER_EDITOR": "Desk Beirut"})
    assert code == 1 and err.startswith("error: TRACKER_EDITOR 'Desk Beirut' is not a slug")


def test_retracted_and_corrections(story: Path) -> None:
    _, out, _ = run(story, "retract", "r", "--reason", "a hoax", "--json")
    rid = json.loads(out)["event"]["id"]
    before = head(story)
    code, _, err = run(story, "amend", "r", "--set", "note=x", "--reason", "r")
    assert code == 1 and err == f"error: event 'r' is retracted (by '{rid}'): there is nothing to amend\n"
    code, _, err = run(story, "retract", "r", "--reason", "again")
    assert code == 1 and err == f"error: event 'r' is already retracted (by '{rid}')\n"
    code, _, err = run(story, "amend", rid, "--set", "note=x", "--reason", "r")
    assert code == 1 and err.startswith(f"error: event '{rid}' is a correction (retracted): amend the event it")
    assert head(story) == before
    # a retraction can itself be retracted: the rejection counts again
    assert run(story, "retract", rid, "--reason", "it was no hoax")[0] == 0
    assert current(story, "r")["type"] == "rejected"


def test_an_event_may_be_named_by_its_seq(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli import app as cli

    db = str(tmp_path / "seq.db")
    runner = CliRunner()
    floated = (
        '{"type": "floated", "id": "f", "proposal": "p", "actor": "a", "addressees": ["b"], "occurred": "2024-01-01"}'
    )
    assert runner.invoke(cli, ["append", floated, "--db", db]).exit_code == 0
    rejected = '{"type": "rejected", "id": "r", "proposal": "p", "actor": "b", "occurred": "2024-01-02"}'
    assert runner.invoke(cli, ["append", rejected, "--db", db]).exit_code == 0
    assert "event r: seq 2" in runner.invoke(cli, ["show", "2", "--db", db]).stdout
    amended = runner.invoke(cli, ["amend", "2", "--set", "occurred=2024-01-20", "--reason", "typo", "--db", db])
    assert amended.exit_code == 0, amended.output
    history = runner.invoke(cli, ["history", "p", "--json", "--db", db]).stdout
    assert "2024-01-20" in history
    missing = runner.invoke(cli, ["retract", "99", "--reason", "x", "--db", db])
    assert missing.exit_code == 1 and "99" in missing.stderr
