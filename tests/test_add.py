"""tracker add: one event from options (every field of every kind has one), warnings at append
time, append --json, and every error as one line with the log untouched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers import ev, write_jsonl
from typer.testing import CliRunner

from tracker.cli import app
from tracker.core import advice, drafts, fields
from tracker.core.events import KINDS

runner = CliRunner()
SOURCE = "Reuters | US and France announce a truce | 2024-11-26 | https://example.org/a"


def run(db: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)], input=input)
    return result.exit_code, result.stdout, result.stderr


def head(db: Path) -> str:
    return run(db, "head")[1]


def stored(out: str) -> dict[str, Any]:
    row = json.loads(out)
    return dict(row["event"])


@pytest.fixture
def floated(db_path: Path) -> Path:
    code, _, err = run(db_path, "add", "floated", "p", "--id", "f", "--actor", "united-states",
                       "--addressee", "israel", "--addressee", "lebanon", "--occurred", "2024-11-26",
                       "--source", SOURCE)  # fmt: skip
    assert code == 0, err
    return db_path


def test_every_field_of_every_kind_has_its_option() -> None:
    command = typer.main.get_command(app).commands["add"]  # type: ignore[attr-defined]
    opts = {o for p in command.params for o in p.opts}
    for kind in KINDS:
        for name in fields.fields(kind):
            if name not in ("type", "proposal", "replacement"):
                assert drafts.option(name) in opts, (kind, name)
    for singular in ("--addressee", "--mediator", "--co-proposer", "--required-party", "--deadline", "--source"):
        assert singular in opts
    assert {"--source-url", "--source-outlet", "--source-title", "--source-published", "--source-quote",
            "--source-attribution", "--json", "--dry-run", "--expect-version"} <= opts  # fmt: skip


def test_add_prints_the_event_one_field_a_line_and_the_id(floated: Path) -> None:
    code, out, err = run(floated, "add", "accepted", "p", "--actor", "israel", "--occurred", "2024-11-27",
                         "--source", SOURCE.replace("26", "27"), "--note", "The cabinet voted 10 to 1")  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "accepted p (seq 2)"
    assert any(line.split() == ["actor:", "israel"] for line in lines)
    assert any(line.split()[:2] == ["note:", "The"] for line in lines)
    assert any(line.strip().startswith("source:") and "Reuters" in line for line in lines)
    eid = next(line.split()[1] for line in lines if line.strip().startswith("id:"))
    assert eid.startswith("accepted-") and f"({eid})" in err and "appended 1 event(s)" in err
    assert "warning" not in err


# (kind, options, field, stored value): every option of a field at least once
CASES: list[tuple[str, list[str], str, Any]] = [
    ("floated", ["--co-proposer", "france", "--co-proposer", "uk"], "co_proposers", ["france", "uk"]),
    ("floated", ["--addressee", "israel; lebanon"], "addressees", ["israel", "lebanon"]),
    ("floated", ["--mediator", "qatar"], "mediators", ["qatar"]),
    ("floated", ["--required-party", "israel"], "required_parties", ["israel"]),
    ("floated", ["--deadline", "withdrawal of forces | 2025-01-26", "--deadline", "handover | 2025-02"],
     "deadlines", [{"what": "withdrawal of forces", "due": "2025-01-26"}, {"what": "handover", "due": "2025-02"}]),
    ("floated", ["--terms", "a 60-day truce"], "terms", "a 60-day truce"),
    ("floated", ["--channel", "back-channel"], "channel", "back-channel"),
    ("floated", ["--effective", "2024-11-27"], "effective", "2024-11-27"),
    ("floated", ["--ends", "2025-01-26"], "ends", "2025-01-26"),
    ("floated", ["--duration", "P60D"], "duration", "P60D"),
    ("floated", ["--end-rule", "renewable"], "end_rule", "renewable"),
    ("floated", ["--person", "Amos Hochstein"], "person", "Amos Hochstein"),
    ("floated", ["--reported", "2024-12-02"], "reported", "2024-12-02"),
    ("floated", ["--id", "my-own-id"], "id", "my-own-id"),
    ("floated", ["--source", SOURCE.replace("11-26", "12-01"), "--source", "AP | Truce | 2024-12-02"], "sources",
     [{"outlet": "Reuters", "title": "US and France announce a truce", "published": "2024-12-01",
       "url": "https://example.org/a"}, {"outlet": "AP", "title": "Truce", "published": "2024-12-02"}]),
    ("accepted", ["--conditions", "if Israel withdraws"], "conditions", "if Israel withdraws"),
    ("denied", ["--target", "f"], "target", "f"),
    ("reversed", ["--stance", "rejected"], "stance", "rejected"),
    ("counter_proposed", ["--changes", "90 days, not 60"], "changes", "90 days, not 60"),
    ("extended", ["--new-end", "2025-02-18"], "new_end", "2025-02-18"),
    ("suspended", ["--scope", "talks", "--until", "2025-01"], "until", "2025-01"),
    ("resumed", ["--scope", "implementation"], "scope", "implementation"),
    ("violation_alleged", ["--accused", "israel", "--incident", "2024-12-02", "--location", "Marjayoun"],
     "location", "Marjayoun"),
    ("violation_confirmed", ["--accused", "israel", "--accused", "hezbollah", "--incident", "2024-12-02"],
     "accused", ["israel", "hezbollah"]),
    ("claimed", ["--about", "hezbollah", "--claim", "it agreed through Berri"], "claim", "it agreed through Berri"),
    ("terminated", ["--mode", "mutual", "--conditions-for-return", "a new text"], "conditions_for_return",
     "a new text"),
    ("superseded", ["--by", "another-proposal"], "by", "another-proposal"),
    ("terminated", ["--mode", "by_mediator"], "mode", "by_mediator"),
    ("claimed", ["--about", "hezbollah", "--claim", "it agreed"], "about", "hezbollah"),
    ("violation_alleged", ["--accused", "israel", "--incident", "2024-12-02"], "incident", "2024-12-02"),
    ("suspended", ["--scope", "participation", "--conditions", "until the strikes stop"], "conditions",
     "until the strikes stop"),
    ("objected", ["--target", "ends"], "target", "ends"),
    ("retracted", ["--target", "f", "--reason", "a hoax"], "reason", "a hoax"),
    ("considering", ["--note", "studying it"], "note", "studying it"),
    ("withdrawn", ["--reported", "2024-12-01"], "type", "withdrawn"),
    ("rejected", ["--reported", "2024-12-01"], "type", "rejected"),
    ("collapsed", ["--reported", "2024-12-01"], "type", "collapsed"),
    ("signed", ["--terms", "the text"], "terms", "the text"),
    ("took_effect", ["--effective", "2024-11-27T04:00"], "effective", "2024-11-27T04:00"),
    ("recommitted", ["--terms", "the same"], "terms", "the same"),
    ("expired", ["--reported", "2025-01-27"], "type", "expired"),
    ("terms_disclosed", ["--terms", "13 points"], "terms", "13 points"),
    ("endorsed", ["--actor", "un-security-council"], "actor", "un-security-council"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "options", "name", "expected"), CASES)
def test_each_option_sets_its_field(floated: Path, kind: str, options: list[str], name: str, expected: Any) -> None:
    proposal = "p2" if kind == "floated" else "p"
    actor = [] if "--actor" in options else ["--actor", "israel" if kind != "floated" else "united-states"]
    code, out, err = run(floated, "add", kind, proposal, *actor, "--occurred", "2024-12-01", *options, "--json")
    assert code == 0, err
    assert stored(out)[name] == expected


def test_a_source_in_parts(floated: Path) -> None:
    code, out, err = run(floated, "add", "considering", "p", "--actor", "lebanon", "--occurred", "2024-11-26",
                         "--source-url", "https://example.org/b", "--source-outlet", "L'Orient", "--source-title",
                         "Beirut studies it", "--source-published", "2024-11-26", "--source-attribution", "Berri",
                         "--source-quote", "we study | weigh it", "--json")  # fmt: skip
    assert code == 0, err
    assert stored(out)["sources"] == [{"outlet": "L'Orient", "title": "Beirut studies it", "published": "2024-11-26",
                                       "url": "https://example.org/b", "attribution": "Berri",
                                       "quote": "we study | weigh it"}]  # fmt: skip


def test_dry_run_shows_and_writes_nothing(floated: Path) -> None:
    before = head(floated)
    code, out, err = run(floated, "add", "accepted", "p", "--actor", "israel", "--occurred", "2024-11-27",
                         "--dry-run")  # fmt: skip
    assert code == 0 and out.startswith("accepted p\n") and "dry run" in err and "nothing written" in err
    assert head(floated) == before
    code, _, err = run(floated, "add", "accepted", "p", "--actor", "hamas", "--occurred", "2024-11-27", "--dry-run")
    assert code == 0 and "hamas, a party the proposal did not address" in err and head(floated) == before
    code, out, _ = run(floated, "add", "accepted", "p", "--actor", "israel", "--occurred", "2024-11-27",
                       "--dry-run", "--json")  # fmt: skip
    assert json.loads(out)["seq"] is None and head(floated) == before


def test_json_prints_the_stored_event_with_its_seq(floated: Path) -> None:
    code, out, _ = run(floated, "add", "rejected", "p", "--actor", "lebanon", "--occurred", "2024-11-27", "--json")
    row = json.loads(out)
    assert code == 0 and row["seq"] == 2 and row["recorded_at"] and row["event"]["actor"] == "lebanon"


def test_expect_version(floated: Path) -> None:
    args = ["add", "rejected", "p", "--actor", "lebanon", "--occurred", "2024-11-27", "--expect-version"]
    code, _, err = run(floated, *args, "0")
    assert code == 1 and err.startswith("error: --expect-version: proposal 'p' is at version 1, not 0")
    assert "field 'expect_version'" not in err
    assert run(floated, *args, "1")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["considering", "p", "--actor", "israel", "--occurred", "2024-12", "--stance", "accepted"],
         "error: --stance is not a field of considering; its fields are --actor, --person, --occurred, --reported, "
         "--note, --source, --id"),
        (["consdering", "p", "--actor", "israel", "--occurred", "2024-12"],
         "error: unknown kind 'consdering' (did you mean considering?); the kinds are floated, considering,"),
        (["amended", "p", "--actor", "israel", "--occurred", "2024-12"], "error: an amendment is built from the"),
        (["considering", "p", "--actor", "israel"], "error: considering needs --occurred"),
        (["suspended", "p", "--occurred", "2024-12"], "error: suspended needs --actor, --scope"),
        (["considering", "p", "--actor", "israel", "--occurred", "2024-13"], "error: --occurred: month 13"),
        (["accepted", "p", "--actor", "israel", "--occurred", "2024-12", "--end-rule", "often"],
         "error: --end-rule: Input should be"),
        (["accepted", "p", "--actor", "Israel", "--occurred", "2024-12"], "error: --actor: 'Israel' is not a slug"),
        (["accepted", "p", "--actor", "israel", "--occurred", "2024-12", "--deadline", "withdrawal"],
         "error: --deadline: a deadline is written 'what | due'"),
        (["accepted", "p", "--actor", "israel", "--occurred", "2024-12", "--source", "Reuters | no date"],
         "error: --source: a source needs published"),
        (["accepted", "p", "--actor", "israel", "--occurred", "2024-12", "--source", "A | T | 2024-13"],
         "error: --source #1 published: month 13"),
        (["accepted", "p", "--actor", "israel", "--occurred", "2024-12", "--source-url", "https://e.org"],
         "error: a source given in parts needs --source-outlet, --source-title, --source-published"),
        (["accepted", "p", "--actor", "israel", "--occurred", "2024-12", "--ends", "2025", "--duration", "P1D"],
         "error: give 'ends' or 'duration', not both"),
        (["accepted", "nope", "--actor", "israel", "--occurred", "2024-12"],
         "error: proposal 'nope' has never been floated"),
        (["accepted", "p", "--id", "f", "--actor", "israel", "--occurred", "2024-12"],
         "error: --id: id 'f' already names a different event in the log"),
    ],
)  # fmt: skip
def test_errors_are_one_line_and_write_nothing(floated: Path, args: list[str], message: str) -> None:
    before = head(floated)
    code, out, err = run(floated, "add", *args)
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1, err
    assert head(floated) == before


def test_warnings_the_rules_raise_are_printed(floated: Path) -> None:
    code, _, err = run(floated, "add", "accepted", "p", "--actor", "hamas", "--occurred", "2024-11-27",
                       "--reported", "2024-11-27")  # fmt: skip
    assert code == 0
    assert "warning: accepted-" in err and "accepted by hamas, a party the proposal did not address" in err
    # the same warning is not printed again for a later event that raises none
    code, _, err = run(floated, "add", "accepted", "p", "--actor", "israel", "--occurred", "2024-11-27",
                       "--reported", "2024-11-27")  # fmt: skip
    assert code == 0 and "warning" not in err


def test_advice_no_source_and_troops(floated: Path) -> None:
    code, _, err = run(floated, "add", "withdrawn", "p", "--actor", "israel", "--occurred", "2024-12",
                       "--note", "Israel began pulling back its troops from the south")  # fmt: skip
    assert code == 0
    assert "will never count as publicly known: give --source or --reported" in err
    assert "did you mean a withdrawal of forces?" in err


@pytest.mark.parametrize(
    ("note", "troops"),
    [("the army redeploys", True), ("a pull-out of forces", True), ("soldiers left", True),
     ("Israel leaves the talks", False), (None, False)],
)  # fmt: skip
def test_troop_words(note: str | None, troops: bool) -> None:
    event = {"type": "withdrawn", "id": "w", "sources": [{"published": "2024"}], "note": note}
    assert bool(advice.advise(event)) is troops
    assert advice.advise({**event, "type": "rejected"}) == []


def test_append_json_and_warnings(floated: Path) -> None:
    lines = json.dumps(ev("accepted", proposal="p", actor="hamas", occurred="2024-11-27")) + "\n"
    lines += json.dumps(ev("rejected", proposal="p", actor="lebanon", occurred="2024-11-28", reported="2024-11-28"))
    code, out, err = run(floated, "append", "--json", input=lines)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["seq"] for r in rows] == [2, 3] and rows[0]["event"]["actor"] == "hamas"
    assert [r["event"]["id"] for r in rows] == [r["event"]["id"] for r in rows if r["event"]["id"] in err]
    assert "a party the proposal did not address" in err and "will never count as publicly known" in err
    assert err.count("warning:") == 2


def test_append_without_json_prints_nothing_on_stdout(floated: Path) -> None:
    code, out, err = run(floated, "append", json.dumps(ev("considering", actor="israel", proposal="p")))
    assert code == 0 and out == "" and "appended 1 event(s)" in err and "warning:" in err


def test_append_error_names_the_option(floated: Path) -> None:
    before = head(floated)
    code, _, err = run(floated, "append", "--expect-version", "7", json.dumps(ev("considering", proposal="p")))
    assert code == 1 and err.startswith("error: --expect-version: ") and "field 'expect_version'" not in err
    assert head(floated) == before


def test_import_warns(tmp_path: Path, floated: Path) -> None:
    path = write_jsonl(
        tmp_path / "w.jsonl",
        [ev("accepted", proposal="p", actor="hamas", occurred="2024-12-01", reported="2024-12-01")],
    )
    code, _, err = run(floated, "import", str(path))
    assert code == 0 and "warning:" in err and "did not address" in err


def test_a_large_batch_is_not_replayed_for_warnings() -> None:
    assert "not checked" in advice.batch_warnings([], [], [None] * (advice.CHECKED_UP_TO + 1))[0]  # type: ignore[list-item]


def test_a_long_stream_takes_its_warnings_from_the_projections(floated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(advice, "CHECKED_UP_TO", 0)
    args = ["add", "accepted", "p", "--actor", "hamas", "--occurred", "2024-11-27"]
    code, _, err = run(floated, *args, "--dry-run")
    assert code == 0 and "not checked in a dry run on a stream this long" in err and "publicly known" in err
    code, out, err = run(floated, *args, "--reported", "2024-11-27", "--json")
    eid = json.loads(out)["event"]["id"]
    assert code == 0 and err.count("warning:") == 1
    assert f"warning: {eid}: accepted by hamas, a party the proposal did not address" in err
    code, _, err = run(floated, "amend", eid, "--set", "occurred=2024-11-26", "--reason", "r")
    assert code == 0 and f"warning: {eid}: accepted by hamas" in err
