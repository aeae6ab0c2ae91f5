"""Questions take what events take: the time forms, one vocabulary, --db anywhere, did you mean.

Every option is exercised through typer's CliRunner; the clock is pinned with freezegun where
"today" or "the future" matters. The pure parts (``dates.asked_day``, ``suggest``, the
completion readers) are tested directly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import ev
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.commands import complete
from tracker.core import suggest
from tracker.core.dates import Asked, DateError, asked_day, asked_moment, future

ROOT = Path(__file__).resolve().parents[1]
RECORDED = "2026-01-10T09:00:00Z"
TODAY = "2026-03-15T12:00:00Z"
"""The recording time of the corpus, and the clock's time while the questions are asked."""
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("questions") / "corpus.db"
    with freeze_time(RECORDED), Tracker(path) as t:
        t.load_corpus()
    return path


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    with freeze_time(TODAY):
        result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def keys(obj: Any) -> set[str]:
    """Every key of every object nested in a JSON value."""
    if isinstance(obj, dict):
        return set(obj) | {k for v in obj.values() for k in keys(v)}
    if isinstance(obj, list):
        return {k for v in obj for k in keys(v)}
    return set()


# -- the forms a time option takes (pure) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-14", Asked("2024-02-14", None)),
        ("today", Asked("2026-03-15", "today")),
        ("2024-11", Asked("2024-11-30", "end of 2024-11")),
        ("2024-02", Asked("2024-02-29", "end of 2024-02")),
        ("2023-02", Asked("2023-02-28", "end of 2023-02")),
        ("2024", Asked("2024-12-31", "end of 2024")),
        ("2022-04-02T19:00+03:00", Asked("2022-04-02", "2022-04-02T19:00+03:00, judged at the end of its UTC day")),
        ("2022-04-02T01:00+03:00", Asked("2022-04-01", "2022-04-02T01:00+03:00, judged at the end of its UTC day")),
        ("2022-04-02T23:30Z", Asked("2022-04-02", "2022-04-02T23:30Z, judged at the end of its UTC day")),
        ("2022-04-02T23:30:15.5", Asked("2022-04-02", "2022-04-02T23:30:15.5, judged at the end of its UTC day")),
    ],
)
def test_asked_day_reads_every_form(text: str, expected: Asked) -> None:
    assert asked_day(text, "2026-03-15") == expected


@pytest.mark.parametrize(
    "text",
    ["", "junk", "Today", "2024-13", "0000", "2024-02-30", "2024-01-01Z", "٢٠٢٤", "２０２４-01", "2024-W01-1",
     "2024-01-01T25:00", "14/02/2024", " 2024", "2024-1", "20240101", "9999-12-31T23:00-05:00"],
)  # fmt: skip
def test_asked_day_refuses_the_rest(text: str) -> None:
    with pytest.raises(DateError):
        asked_day(text, "2026-03-15")


def test_asked_moment_reads_months_years_and_today_at_their_end() -> None:
    assert asked_moment("2024-11", "2026-03-15") == Asked("2024-11-30", "end of 2024-11")
    assert asked_moment("today", "2026-03-15") == Asked("2026-03-15", "today")
    assert asked_moment("2024-03-01T10:00Z", "2026-03-15") == Asked("2024-03-01T10:00Z", None)


def test_future_is_judged_by_day() -> None:
    now = "2026-03-15T12:00:00.000000Z"
    for past in ("2026-03-15", "today", "2026-03-14", "2026", "2026-03", "2026-03-15T23:00Z", "2026-03-16T01:00+03:00"):
        assert future(past, now) is None, past
    for ahead in ("2031-01-01", "2027", "2026-04", "2026-03-16", "2026-03-16T00:30Z"):
        note = future(ahead, now)
        assert note == f"{ahead} is in the future: the answer holds only what is recorded by now (2026-03-15)"


# -- the forms, through every command that asks ----------------------------------------------------

ASKING = {
    "status": ["status", "yemen-truce-2022"],
    "history": ["history", "yemen-truce-2022"],
    "audit": ["audit", "yemen-truce-2022"],
    "why": ["why", "yemen-truce-2022"],
    "timeline": ["timeline", "yemen-truce-2022"],
}
FORMS = [("2022-06", "2022-06-30"), ("2022", "2022-12-31"), ("2022-06-30T22:00-05:00", "2022-07-01")]


@pytest.mark.parametrize("command", sorted(ASKING))
@pytest.mark.parametrize("option", ["--on", "--known-by"])
@pytest.mark.parametrize(("form", "same_as"), FORMS)
def test_every_asking_command_takes_the_forms(db: Path, command: str, option: str, form: str, same_as: str) -> None:
    given = run(*ASKING[command], option, form, "--db", str(db))
    plain = run(*ASKING[command], option, same_as, "--db", str(db))
    assert given[0] == 0, given
    if command == "status":  # the header says how the form was read; the table is the same
        assert given[1].splitlines()[1:] == plain[1].splitlines()[1:]
    else:
        assert given[1] == plain[1]


@pytest.mark.parametrize("command", sorted(ASKING))
def test_every_asking_command_takes_as_recorded_forms_and_today(db: Path, command: str) -> None:
    for form in ("2026", "2026-01", "today", "2026-01-10T10:00+01:00"):
        code, out, err = run(*ASKING[command], "--as-recorded", form, "--db", str(db))
        assert code == 0 and err == "", (form, err)
    # before the corpus was recorded, nothing is known; at the end of that month, everything
    assert "no proposal has any event" in run("status", "--as-recorded", "2025", "--db", str(db))[1]
    assert (
        run("status", "--as-recorded", "2026-01", "--db", str(db))[1].splitlines()[1:]
        == (run("status", "--db", str(db))[1].splitlines()[1:])
    )


def test_the_header_says_how_a_form_was_read(db: Path) -> None:
    out = run("status", "--on", "2024-11", "--db", str(db))[1]
    assert out.startswith("Status as it stood on 2024-11-30 (end of 2024-11), by everything recorded\n")
    out = run("status", "--on", "2024", "--known-by", "2024-02", "--db", str(db))[1]
    assert out.startswith(
        "Status as it stood on 2024-12-31 (end of 2024), as publicly known by 2024-02-29 (end of 2024-02)"
    )
    out = run("status", "--on", "today", "--db", str(db))[1]
    assert out.startswith("Status as it stood on 2026-03-15 (today), by everything recorded\n")
    out = run("status", "--on", "2022-04-02T19:00+03:00", "--db", str(db))[1]
    assert out.startswith("Status as it stood on 2022-04-02 (2022-04-02T19:00+03:00, judged at the end of its UTC day)")
    out = run("status", "--as-recorded", "2026-01", "--db", str(db))[1]
    assert out.startswith("Status as it stands now, as recorded by 2026-01-31T23:59:59.999999Z (end of 2026-01)\n")


def test_today_comes_from_the_clock(db: Path) -> None:
    with freeze_time("2022-04-10T12:00:00Z"):
        then = runner.invoke(app, ["status", "yemen-truce-2022", "--on", "today", "--json", "--db", str(db)])
    on_day = run("status", "yemen-truce-2022", "--on", "2022-04-10", "--json", "--db", str(db))
    assert then.exit_code == 0 and json.loads(then.stdout) == json.loads(on_day[1])
    assert json.loads(on_day[1])[0]["status"] == "in_force"


def test_a_day_in_the_future_is_answered_with_a_note(db: Path) -> None:
    code, out, err = run("status", "--on", "2031-01-01", "--db", str(db))
    assert code == 0 and out.startswith("Status as it stood on 2031-01-01")
    assert err == "note: --on 2031-01-01 is in the future: the answer holds only what is recorded by now (2026-03-15)\n"
    code, out, err = run(
        "history", "istanbul-2022", "--known-by", "2027", "--as-recorded", "2030-01-01", "--db", str(db)
    )
    assert code == 0 and err.count("\n") == 2
    assert "--known-by 2027 is in the future" in err and "--as-recorded 2030-01-01 is in the future" in err
    assert run("status", "--on", "today", "--as-recorded", "today", "--db", str(db))[2] == ""


@pytest.mark.parametrize("option", ["--on", "--known-by", "--as-recorded"])
@pytest.mark.parametrize("value", ["junk", "٢٠٢٤-٠١-٠١", "２０２４", "2024-13", "2024-02-30", "yesterday", "0999"])
def test_junk_and_other_digits_are_refused_in_one_line(db: Path, option: str, value: str) -> None:
    if value == "0999" and option != "--as-recorded":
        value = "0000"  # a day of year 999 is a question one may ask; recording times start at 1000
    code, out, err = run("status", option, value, "--db", str(db))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {option}: "), err


# -- history on the time axes ----------------------------------------------------------------------


def test_history_takes_on_and_known_by(db: Path) -> None:
    every = json.loads(run("history", "yemen-truce-2022", "--json", "--db", str(db))[1])
    early = json.loads(run("history", "yemen-truce-2022", "--on", "2022-04-05", "--json", "--db", str(db))[1])
    known = json.loads(run("history", "yemen-truce-2022", "--known-by", "2022-04", "--json", "--db", str(db))[1])
    assert 0 < len(early) < len(every) and 0 < len(known) < len(every)
    assert all(e["occurred"][:10] <= "2022-04-05" for e in early)
    assert all(e["reported"] is None or e["reported"][:7] <= "2022-04" for e in known if e["type"] != "derived")
    # the events history tells for a question are those status folds for it
    status = json.loads(run("status", "yemen-truce-2022", "--on", "2022-04-05", "--json", "--db", str(db))[1])[0]
    assert status["events_applied"] == sum(e["seq"] is not None for e in early)
    assert status["last_event"] in {e["id"] for e in early}


def test_history_takes_on_in_csv_and_markdown(db: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run("history", "yemen-truce-2022", "--on", "2022-04", "--csv", "--db", str(db))[1]))
    )
    assert rows and all(r["occurred"][:7] <= "2022-04" for r in rows)
    md = run("history", "yemen-truce-2022", "--on", "2022-04-05", "--markdown", "--db", str(db))[1]
    assert "second-extension" not in md and md


# -- one vocabulary --------------------------------------------------------------------------------

JSON_COMMANDS = [
    ["history", "yemen-truce-2022", "--json"],
    ["audit", "yemen-truce-2022", "--json"],
    ["why", "yemen-truce-2022", "--json"],
    ["diff", "yemen-truce-2022", "--from", "2022-04-01", "--to", "2022-10-03", "--json"],
    ["log", "--proposal", "yemen-truce-2022", "--json"],
    ["search", "truce", "--json"],
    ["status", "--json"],
]


@pytest.mark.parametrize("argv", JSON_COMMANDS, ids=lambda a: a[0])
def test_the_event_kind_is_type_in_every_json_output(db: Path, argv: list[str]) -> None:
    code, out, _ = run(*argv, "--db", str(db))
    found = keys(json.loads(out))
    assert code == 0 and "kind" not in found
    if argv[0] != "status":
        assert "type" in found


@pytest.mark.parametrize("command", ["history", "audit"])
def test_the_event_kind_is_type_in_csv_and_tables(db: Path, command: str) -> None:
    header = run(command, "yemen-truce-2022", "--csv", "--db", str(db))[1].splitlines()[0].split(",")
    assert "type" in header and "kind" not in header
    md = run(command, "yemen-truce-2022", "--markdown", "--db", str(db))[1]
    assert "| kind |" not in md
    for argv in (["history", "yemen-truce-2022"], ["log"]):
        head = run(*argv, "--db", str(db))[1].splitlines()[0].split()
        assert "TYPE" in head and "KIND" not in head


def test_a_line_with_kind_for_type_is_told_the_field(tmp_path: Path) -> None:
    line = json.dumps({"kind": "floated", "proposal": "p", "actor": "a", "occurred": "2024"})
    code, _, err = run("append", line, "--db", str(tmp_path / "t.db"))
    assert (code, err) == (1, "error: unknown field 'kind': the field is 'type'\n")
    both = json.dumps(ev("floated") | {"kind": "floated"})
    code, _, err = run("append", "--db", str(tmp_path / "t.db"), input=both + "\n")
    assert (code, err) == (1, "error: <stdin>: unknown field 'kind': the field is 'type'\n")


def test_version_means_the_stream_version_everywhere(db: Path) -> None:
    with Tracker(db) as t:
        stream = t.versions()["yemen-truce-2022"]
    row = json.loads(run("status", "yemen-truce-2022", "--on", "2022-04-05", "--json", "--db", str(db))[1])[0]
    assert row["version"] == stream and 0 < row["events_applied"] < stream and "stream_version" not in row
    assert (
        "version" not in json.loads(run("status", "yemen-truce-2022", "--json", "--no-versions", "--db", str(db))[1])[0]
    )
    table = run("status", "yemen-truce-2022", "--db", str(db))[1].splitlines()
    assert table[1].split()[-1] == "VERSION" and table[2].split()[-1] == str(stream)
    assert f"is at version {stream}" in run("history", "yemen-truce-2022", "--db", str(db))[1]
    header = run("status", "--csv", "--db", str(db))[1].splitlines()[0].split(",")
    assert "events_applied" in header and "version" not in header
    helped = " ".join(run("status", "--help")[1].split())
    assert "the number of events in its stream" in helped and "schema_version" in helped


# -- --db before the sub-command -------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["status"], ["status", "--on", "2022-06"], ["history", "istanbul-2022"], ["audit", "ru-freeze-2023"], ["log"]],
)
def test_db_before_or_after_the_sub_command(db: Path, argv: list[str]) -> None:
    after = run(*argv, "--db", str(db))
    before = run("--db", str(db), *argv)
    assert after[0] == 0 and before == after


def test_the_sub_commands_db_wins_and_the_variable_yields(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "missing.db"
    assert run("--db", str(missing), "status", "--db", str(db))[0] == 0
    code, _, err = run("--db", str(missing), "status")
    assert (
        code == 1
        and err == f"error: --db: no database at {missing} (check --db or TRACKER_DB; append or import creates one)\n"
    )
    monkeypatch.setenv("TRACKER_DB", str(missing))
    assert run("--db", str(db), "status")[0] == 0
    assert run("status")[0] == 1  # the variable is still read when no --db is given
    monkeypatch.setenv("TRACKER_DB", str(db))
    assert run("status")[0] == 0


def test_db_before_the_sub_command_creates_for_append(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    code, _, err = run("--db", str(target), "append", json.dumps(ev("floated")))
    assert code == 0 and "appended 1 event" in err and target.exists()


# -- options show their value type -----------------------------------------------------------------

TYPES = {
    "status": ["--on DATE", "--known-by DATE", "--as-recorded TIMESTAMP", "--db PATH"],
    "history": ["--on DATE", "--known-by DATE", "--as-recorded TIMESTAMP"],
    "diff": ["--from DATE", "--to DATE", "--axis [on|known-by|as-recorded]"],
    "timeline": ["--from DATE", "--html PATH", "--svg PATH"],
    "export": ["--format [jsonl|csv|yaml|timelinejs]", "--proposal SLUG"],
    "import": ["--format [jsonl|yaml|csv]", "--delimiter CHAR"],
    "append": ["--expect-version N"],
    "search": ["--limit N"],
    "log": ["--proposal PROPOSAL", "--since SEQ", "--limit N"],
    "actors": ["--load PATH"],
    "verify": ["--head SEQ:HASH"],
}


@pytest.mark.parametrize("command", ["status", "history", "audit", "why", "diff", "timeline", "append", "import",
                                     "export", "log", "search", "verify", "head", "rebuild", "show", "proposals",
                                     "actors"])  # fmt: skip
def test_options_show_their_value_type(command: str) -> None:
    code, out, _ = run(command, "--help")
    options = out[out.index("Options:") :]
    assert code == 0 and "<str>" not in options and "TEXT" not in options and "<int" not in options
    for shown in TYPES.get(command, []):
        assert shown in options, shown
    root = run("--help")[1]
    assert "--db PATH" in root


# -- did you mean ----------------------------------------------------------------------------------


def test_an_unknown_kind_names_the_closest_and_lists_the_kinds(tmp_path: Path) -> None:
    code, _, err = run("append", json.dumps(ev("floatd")), "--db", str(tmp_path / "t.db"))
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("error: field 'type': unknown event kind 'floatd' (did you mean 'floated'?); the kinds are: ")
    assert "violation_alleged" in err and "terms_disclosed" in err


def test_an_unknown_field_names_the_closest_and_the_kinds_fields(tmp_path: Path) -> None:
    line = json.dumps({"type": "floated", "proposal": "p", "actr": "a", "occurred": "2024"})
    code, _, err = run("append", line, "--db", str(tmp_path / "t.db"))
    assert code == 1 and err.startswith(
        "error: field 'actr': unknown field (did you mean 'actor'?); floated takes: type, "
    )
    assert "addressees" in err and "mediators" in err
    source = ev("accepted", sources=[{"outlet": "o", "title": "t", "published": "2024", "titel": "x"}])
    code, _, err = run("append", json.dumps(source), "--db", str(tmp_path / "t.db"))
    assert "field 'sources.0.titel': unknown field (did you mean 'title'?); a source takes: outlet, title" in err


@pytest.mark.parametrize(
    "argv",
    [["status"], ["history"], ["audit"], ["why"], ["timeline"], ["diff", "--from", "2022", "--to", "2023"], ["log"]],
    ids=lambda a: a[0],
)
def test_an_unknown_proposal_is_named_with_close_ones(db: Path, argv: list[str]) -> None:
    slug = ["--proposal"] if argv[0] == "log" else []
    code, out, err = run(argv[0], *slug, "yemen-truce", *argv[1:], "--db", str(db))
    assert (code, out) == (1, "")
    assert err == "error: field 'proposal': no proposal 'yemen-truce' in the log; did you mean 'yemen-truce-2022'?\n"
    code, _, err = run(argv[0], *slug, "zzz", *argv[1:], "--db", str(db))
    assert code == 1 and "no proposal 'zzz' in the log; 6 proposal(s) in the log" in err


def test_suggest_close_matches() -> None:
    assert suggest.close("ru-freze-2023", ["ru-freeze-2023", "istanbul-2022"]) == ["ru-freeze-2023"]
    assert suggest.close("istanbul", ["ru-freeze-2023", "istanbul-2022"]) == ["istanbul-2022"]
    assert suggest.close("zzz", ["ru-freeze-2023"]) == []
    assert suggest.fields_of("retracted") == ("type", "id", "proposal", "actor", "person", "occurred", "reported",
                                              "sources", "note", "target", "reason")  # fmt: skip
    assert suggest.fields_of("exploded") == ()


# -- shell completion ------------------------------------------------------------------------------


def test_completion_reads_slugs_and_ids(db: Path, tmp_path: Path) -> None:
    assert complete.proposal_slugs(db, "ru") == ["ru-armistice-signals-2022", "ru-freeze-2023"]
    assert len(complete.proposal_slugs(db)) == 6
    ids = complete.event_ids(db, "istanbul-2022.")
    assert ids and all(i.startswith("istanbul-2022.") for i in ids) and ids == sorted(ids)
    assert complete.event_ids(db, "nothing-like-this") == []
    assert complete.proposal_slugs(tmp_path / "missing.db") == [] and not (tmp_path / "missing.db").exists()
    (tmp_path / "junk.db").write_bytes(b"not a database")
    assert complete.proposal_slugs(tmp_path / "junk.db", "") == []


def test_completion_finds_the_database_as_commands_do(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = SimpleNamespace(params={"db": str(db)}, parent=None)
    assert complete.proposals(sub, "yem") == ["yemen-truce-2022"]
    root = SimpleNamespace(params={"db": str(db)})
    assert complete.proposals(SimpleNamespace(params={"db": None}, parent=root), "ist") == ["istanbul-2022"]
    monkeypatch.setenv("TRACKER_DB", str(db))
    assert complete.events(None, "yemen-truce-2022.second") == ["yemen-truce-2022.second-extension"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["tracker", "--db", "DB", "history", "ru"], ["ru-armistice-signals-2022", "ru-freeze-2023"]),
        (["tracker", "status", "--db", "DB", "ist"], ["istanbul-2022"]),
        (["tracker", "log", "--db", "DB", "--proposal", "yem"], ["yemen-truce-2022"]),
        (["tracker", "show", "--db", "DB", "istanbul-2022.c"], ["istanbul-2022.collapsed"]),
    ],
)
def test_completion_through_the_shell_protocol(db: Path, words: list[str], expected: list[str]) -> None:
    words = [str(db) if w == "DB" else w for w in words]
    env = {"_TRACKER_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(words), "COMP_CWORD": str(len(words) - 1)}
    result = runner.invoke(app, [], env=env, prog_name="tracker")
    assert result.exit_code == 0 and result.stdout.split() == expected


# -- the three help and error bugs -----------------------------------------------------------------


def test_export_help_keeps_its_examples_on_their_own_lines() -> None:
    out = run("export", "--help")[1]
    lines = [line.strip() for line in out.splitlines()]
    assert "Example: tracker export > backup.jsonl" in lines
    assert "Example: tracker export --format timelinejs > timeline.json" in lines


@pytest.mark.parametrize("command", ["status", "history", "audit", "why", "diff", "timeline", "import", "log"])
def test_help_examples_name_real_proposals(command: str) -> None:
    out = run(command, "--help")[1]
    slugs = {p.stem for p in (ROOT / "events").glob("*.jsonl")}
    named = re.findall(r"\b([a-z]+(?:-[a-z0-9]+)*-20[0-9]{2})\b", out)
    example = [line for line in out.splitlines() if "Example: tracker" in line]
    assert example, out
    assert set(named) <= slugs, named
    if command == "diff":
        assert "yemen-truce-2022" in example[0] and " truce " not in out


def test_expect_version_errors_name_the_option(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    line = json.dumps(ev("considering", proposal="istanbul-2022", actor="turkey", occurred="2022-04"))
    code, _, err = run("append", line, "--expect-version", "1", "--db", str(copy))
    assert code == 1 and err.startswith("error: --expect-version: proposal 'istanbul-2022' is at version 4, not 1")
    assert "expect_version" not in err
    export = tmp_path / "export.jsonl"
    export.write_text(run("export", "--db", str(db))[1], encoding="utf-8")
    code, _, err = run("import", str(export), "--expect-version", "3", "--db", str(tmp_path / "fresh.db"))
    assert (code, err) == (1, "error: --expect-version: --expect-version does not apply to restoring an export\n")
