"""Reading a log like an analyst: ``show``, ``proposals``, ``actors``, display names, ``log --since``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import ev
from sharing_story import story
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.core.listing import duplicates


@pytest.fixture
def told(tracker: Tracker) -> Tracker:
    with freeze_time("2026-01-05T09:00:00Z"):
        tracker.append(story())
    return tracker


def run(t: Tracker, *args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(app, [*args, "--db", str(t.path)])
    assert result.exit_code == code, result.output
    return result


# -- show --------------------------------------------------------------------------------------


def test_show_tells_everything_about_one_event(told: Tracker) -> None:
    out = run(told, "show", "a.f").stdout
    assert out.startswith("event a.f: seq 1, recorded 2026-01-05T09:00:00.000000Z")
    assert "occurred    between September 2023 and January 2024 (2023-09/2024-01)" in out
    assert "reported    13 February 2024 (2024-02-13)" in out  # derived from the earliest source
    assert "person      Vladimir Putin" in out and "terms       freeze the front" in out
    assert "addressees  united-states" in out and "channel     public" in out
    assert "  1. Daily <b>News</b>, “Talks & ceasefire: " in out
    assert "     attribution: officials" in out and "     url: https://example.org/a(b)<c>" in out
    assert "     quote: a truce along the lines" in out
    assert "  stance.russia: - -> proposed" in out and "  status: - -> floated" in out
    assert "[occurred-after-reported]" not in out


def test_show_a_retracted_event_and_its_retraction(told: Tracker) -> None:
    out = run(told, "show", "a.acc").stdout
    assert "changed: nothing" in out
    assert "corrected by:\n  #3 retracted by editor (applied): wrong outlet" in out
    retraction = run(told, "show", "a.ret").stdout
    assert "  target    a.acc\n  reason    wrong outlet\n" in retraction
    assert "corrects: #2 accepted a.acc (applied)" in retraction


def test_show_json_is_the_stored_event_with_slugs(told: Tracker) -> None:
    told.set_names([("actor", "russia", "Russia")])
    doc = json.loads(run(told, "show", "a.rej", "--json").stdout)
    assert doc["event"]["actor"] == "united-states" and doc["event"]["id"] == "a.rej"
    assert (doc["seq"], doc["applied"], doc["status_after"]) == (4, True, "rejected")
    assert {c["field"] for c in doc["changes"]} == {"stance.united-states", "status"}
    assert doc["corrected_by"] == [] and doc["corrects"] is None and doc["names"] == {}
    assert json.loads(run(told, "show", "a.f", "--json").stdout)["names"] == {"russia": "Russia"}


def test_show_an_unknown_event_suggests_close_ids(told: Tracker) -> None:
    result = run(told, "show", "a.rje", code=1)
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: field 'event': no event 'a.rje' in the log; did you mean a.ret, a.rej, a.f?"
    ]
    assert "did you mean" not in run(told, "show", "zzzzzzzz", code=1).stderr


def test_show_names_and_titles(told: Tracker) -> None:
    told.set_names([("actor", "united-states", "United States"), ("proposal", "alpha-2024", "Alpha Plan")])
    out = run(told, "show", "a.f").stdout
    assert "proposal    alpha-2024 (Alpha Plan)" in out and "addressees  united-states (United States)" in out


# -- proposals ---------------------------------------------------------------------------------


def test_proposals_lists_each_with_status_dates_and_proposer(told: Tracker) -> None:
    with freeze_time("2026-06-01"):
        lines = run(told, "proposals").stdout.splitlines()
    assert lines[0].split() == ["PROPOSAL", "TITLE", "STATUS", "FIRST", "LAST", "EVENTS", "PROPOSER"]
    assert lines[1].split() == (
        "alpha-2024 - rejected between September 2023 and January 2024 January 2024 4 russia".split()
    )
    assert lines[2].split() == "beta-2025 - considering 11 March 2025 12 March 2025 2 united-states".split()


def test_proposals_json_and_titles(told: Tracker) -> None:
    result = run(told, "proposals", "--set", "alpha-2024", "  Alpha Plan ")
    assert result.stdout == "" and "recorded 1 new display name(s)" in result.stderr
    rows = json.loads(run(told, "proposals", "--json").stdout)
    assert rows[0] == {
        "slug": "alpha-2024",
        "title": "Alpha Plan",
        "status": "rejected",
        "first": "2023-09/2024-01",
        "last": "2024-01",  # the rejection: its month ends after the retraction's day
        "events": 4,
        "proposer": "russia",
        "co_proposers": [],
    }
    assert rows[1]["title"] is None
    assert "Alpha Plan" in run(told, "proposals").stdout


def test_proposals_dates_leave_out_retracted_events(tracker: Tracker) -> None:
    tracker.append(
        [
            ev("floated", "p", "a", "2024-01-01", addressees=["b"]),
            ev("accepted", "p", "b", "2024-05-01", id="late"),
            ev("retracted", "p", "ed", "2024-06-01", target="late", reason="never happened"),
        ]
    )
    (row,) = json.loads(run(tracker, "proposals", "--json").stdout)
    assert (row["first"], row["last"], row["events"], row["status"]) == ("2024-01-01", "2024-01-01", 3, "floated")


# -- actors and names --------------------------------------------------------------------------


def test_actors_counts_events_and_proposals(told: Tracker) -> None:
    doc = json.loads(run(told, "actors", "--json").stdout)
    got = {p["slug"]: (p["name"], p["events"], p["proposals"]) for p in doc["parties"]}
    assert got == {
        "editor": (None, 1, ["alpha-2024"]),
        "russia": (None, 2, ["alpha-2024", "beta-2025"]),
        "united-states": (None, 3, ["alpha-2024", "beta-2025"]),
    }
    assert doc["duplicates"] == []


def test_actors_warns_of_likely_duplicates(tracker: Tracker) -> None:
    tracker.append(
        [
            ev("floated", "p", "usa", addressees=["united-states", "us"], mediators=["qatar"], required_parties=["q"]),
            ev("accepted", "p", "russia"),
            ev("accepted", "p", "rusia"),
            ev("accepted", "p", "kyiv-city"),
        ]
    )
    tracker.set_names([("actor", "qatar", "Qatar"), ("actor", "q", "qatar ")])
    out = run(tracker, "actors").stdout
    assert "warning: 4 pair(s) of slugs may name one party" in out
    assert "  united-states / us: us looks like the initials of united-states" in out
    assert "  united-states / usa: usa looks like the initials of united-states" in out
    assert "  rusia / russia: spelt alike (1 letter apart)" in out
    assert "  q / qatar: the same display name (qatar)" in out
    assert "kyiv" not in out.split("warning:")[1]


@pytest.mark.parametrize(
    ("a", "b"),
    [("uk", "united-kingdom"), ("eu", "european-union"), ("usa", "united-states-of-america"), ("hamas", "hamass")],
)
def test_duplicates_found(a: str, b: str) -> None:
    assert [(d.first, d.second) for d in duplicates([a, b], {})] == [tuple(sorted((a, b)))]


@pytest.mark.parametrize(("a", "b"), [("uk", "ukraine"), ("un", "unsc"), ("iran", "iraq-x"), ("russia", "us")])
def test_duplicates_not_found(a: str, b: str) -> None:
    assert duplicates([a, b], {}) == []


def test_names_are_shown_for_readers_and_latest_wins(told: Tracker) -> None:
    run(told, "actors", "--set", "united-states", "USA")
    run(told, "actors", "--set", "united-states", "United States")
    assert told.names() == {"united-states": "United States"}
    rows = told.store.conn.execute("SELECT subject, slug, name FROM names ORDER BY seq").fetchall()
    assert rows == [("actor", "united-states", "USA"), ("actor", "united-states", "United States")]
    again = run(told, "actors", "--set", "united-states", "United States")  # the same name: nothing new
    assert "recorded 0 new display name(s)" in again.stderr
    assert "united-states  United States  3" in run(told, "actors").stdout


def test_load_a_names_file(told: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "parties.yaml"
    path.write_text("parties:\n  russia: Russia\n  hamas: Hamas\nproposals:\n  beta-2025: Beta Talks\n")
    result = run(told, "actors", "--load", str(path))
    assert "recorded 3 new display name(s)" in result.stderr
    assert "warning: no party or proposal hamas in the log yet (named anyway)" in result.stderr
    assert told.names() == {"russia": "Russia", "hamas": "Hamas"}
    assert told.names("proposal") == {"beta-2025": "Beta Talks"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("parties:\n  Russia: Russia\n", "field 'parties.Russia': 'Russia' is not a slug"),
        ("parties:\n  russia: ''\n", "field 'parties.russia': the name of russia must be 1 to 200"),
        ("parties:\n  russia: [a]\n", "field 'parties.russia': the name of russia must be text, not list"),
        ("parties:\n  russia: &x Russia\n", "anchors and aliases"),
        ("people:\n  russia: Russia\n", "unknown key 'people'; expected parties or proposals"),
        ("parties: [russia]\n", "field 'parties': parties must map slugs to names"),
        ("- russia\n", "a names file is a mapping"),
        ("parties: {russia: [\n", "malformed YAML"),
    ],
)
def test_a_bad_names_file_is_one_line_and_writes_nothing(
    told: Tracker, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text + "proposals:\n  alpha-2024: Alpha\n" if text.startswith("parties:\n") else text)
    result = run(told, "actors", "--load", str(path), code=1)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert told.names("proposal") == {}  # all or nothing


def test_set_refuses_a_bad_slug_or_name(told: Tracker) -> None:
    assert "is not a slug" in run(told, "actors", "--set", "United States", "x", code=1).stderr
    assert "printable characters" in run(told, "proposals", "--set", "alpha-2024", "a\nb", code=1).stderr
    assert "not both" in run(told, "actors", "--set", "a", "A", "--load", "x.yaml", code=1).stderr


def test_the_names_log_is_append_only(told: Tracker) -> None:
    told.set_names([("actor", "russia", "Russia")])
    for sql in ("UPDATE names SET name = 'x'", "DELETE FROM names"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            told.store.conn.execute(sql)


def test_verify_checks_the_names_table(told: Tracker) -> None:
    told.set_names([("actor", "russia", "Russia")])
    assert run(told, "verify").stdout.startswith("ok:")
    told.store.conn.execute("DROP TRIGGER names_no_delete")
    result = run(told, "verify", code=1)
    assert "trigger names_no_delete is missing" in result.stdout


def test_a_file_made_before_the_names_log_gets_it(told: Tracker) -> None:
    for name in ("names_no_update", "names_no_delete"):
        told.store.conn.execute(f"DROP TRIGGER {name}")
    told.store.conn.execute("DROP TABLE names")
    with Tracker(told.path) as again:
        assert again.names() == {} and again.verify().ok


def test_export_and_restore_keep_names(told: Tracker, tmp_path: Path) -> None:
    with freeze_time("2026-02-01T10:00:00Z"):
        told.set_names([("actor", "russia", "Russia"), ("proposal", "beta-2025", "Beta Talks")])
    backup = tmp_path / "backup.jsonl"
    backup.write_text(run(told, "export").stdout)
    assert backup.read_text().splitlines()[-1] == (
        '{"name":{"seq":2,"recorded_at":"2026-02-01T10:00:00.000000Z","subject":"proposal",'
        '"slug":"beta-2025","name":"Beta Talks"}}'
    )
    with Tracker(tmp_path / "restored.db") as restored:
        restored.restore(backup)
        assert restored.names() == {"russia": "Russia"} and restored.names("proposal") == {"beta-2025": "Beta Talks"}
        assert list(restored.export()) == list(told.export())
        assert restored.verify().ok


def test_a_bad_names_row_in_an_export_is_refused(told: Tracker, tmp_path: Path) -> None:
    backup = tmp_path / "backup.jsonl"
    bad = '{"name":{"seq":1,"recorded_at":"2026-02-01T10:00:00.000000Z","subject":"actor","slug":"Bad","name":"x"}}'
    backup.write_text(run(told, "export").stdout + bad + "\n")
    target = tmp_path / "restored.db"
    result = CliRunner().invoke(app, ["import", str(backup), "--db", str(target)])
    assert result.exit_code == 1 and "backup.jsonl:7: field 'slug': 'Bad' is not a slug" in result.stderr
    assert not target.exists() or Tracker(target).store.count() == 0


# -- names in the reader outputs ---------------------------------------------------------------


def test_names_and_titles_in_reader_outputs_not_in_json(told: Tracker) -> None:
    told.set_names(
        [("actor", "united-states", "United States"), ("actor", "russia", "Russia"), ("proposal", "beta-2025", "Beta")]
    )
    table = run(told, "status").stdout
    assert table.splitlines()[1].split()[:3] == ["PROPOSAL", "TITLE", "STATUS"]
    assert table.splitlines()[3].split()[:2] == ["beta-2025", "Beta"]
    assert "Russia=considering, United States=proposed" in table
    assert "Russia: considering, United States: proposed" in run(told, "status", "--markdown").stdout
    assert "| Beta |" in run(told, "status", "--markdown").stdout
    assert json.loads(run(told, "status", "--json").stdout)[1]["stances"] == {
        "russia": "considering",
        "united-states": "proposed",
    }
    assert "united-states=proposed" in run(told, "status", "--csv").stdout
    history = run(told, "history", "alpha-2024").stdout
    assert "United States" in history and "January 2024" in history
    assert run(told, "history", "beta-2025", "--markdown").stdout.startswith("## Beta\n")
    assert "Russia (Vladimir Putin), floated" in run(told, "history", "alpha-2024", "--markdown").stdout
    audit = run(told, "audit", "beta-2025", "--markdown").stdout
    assert audit.startswith("### Replay of Beta (beta-2025)") and "| 11 March 2025 |" in audit
    assert "| United States |" in audit
    slides = json.loads(run(told, "export", "--format", "timelinejs").stdout)["events"]
    assert slides[-1]["text"]["headline"] == "Beta: considering by Russia" and slides[-1]["group"] == "Beta"


def test_quick_status_shows_the_names_too(told: Tracker, capsys: pytest.CaptureFixture[str]) -> None:
    from tracker import quick

    told.set_names([("actor", "russia", "Russia"), ("proposal", "beta-2025", "Beta")])
    assert quick.answer(["status", "--db", str(told.path)]) == 0
    assert capsys.readouterr().out == run(told, "status").stdout


# -- log --since --limit ----------------------------------------------------------------------


def test_log_since_and_limit(told: Tracker) -> None:
    doc = json.loads(run(told, "log", "--since", "2", "--limit", "2", "--json").stdout)
    assert [r["seq"] for r in doc] == [3, 4]
    assert [r["seq"] for r in json.loads(run(told, "log", "--since", "5", "--json").stdout)] == [6]
    table = run(told, "log", "--since", "1", "--limit", "1").stdout.splitlines()
    assert len(table) == 2 and table[1].startswith("2 ")
    assert "--limit" in run(told, "log", "--limit", "0", code=2).output


def test_a_names_file_is_imported_like_events(tmp_path: Path) -> None:
    from tracker.cli import app as cli_app

    names = tmp_path / "parties.yaml"
    names.write_text("parties:\n  united-states: United States\nproposals:\n  p: The Plan\n", encoding="utf-8")
    db = str(tmp_path / "n.db")
    result = CliRunner().invoke(cli_app, ["import", str(names), "--db", db])
    assert result.exit_code == 0, result.output
    assert "recorded 2 new display name(s)" in result.stderr
    listed = json.loads(CliRunner().invoke(cli_app, ["actors", "--json", "--db", db]).stdout)
    assert listed is not None
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("parties: &a\n  x: y\nproposals: *a\n", encoding="utf-8")
    refused = CliRunner().invoke(cli_app, ["import", str(bomb), "--db", db])
    assert refused.exit_code == 1 and "anchors and aliases" in refused.stderr


def test_show_says_how_an_amended_event_now_stands(tmp_path: Path) -> None:
    db = str(tmp_path / "now.db")
    runner = CliRunner()
    floated = (
        '{"type": "floated", "id": "f", "proposal": "p", "actor": "a", "addressees": ["b"], "occurred": "2024-01-01"}'
    )
    assert runner.invoke(app, ["append", floated, "--db", db]).exit_code == 0
    assert (
        runner.invoke(
            app, ["add", "rejected", "p", "--actor", "b", "--occurred", "2024-01-02", "--id", "r", "--db", db]
        ).exit_code
        == 0
    )
    before = runner.invoke(app, ["show", "r", "--db", db]).stdout
    assert "as it now stands" not in before
    fixed = runner.invoke(app, ["amend", "r", "--set", "occurred=2024-01-20", "--reason", "typo", "--db", db])
    assert fixed.exit_code == 0, fixed.output
    after = runner.invoke(app, ["show", "r", "--db", db]).stdout
    assert "as it now stands (amended by #3):\n  occurred  20 January 2024 (2024-01-20)" in after
    assert json.loads(runner.invoke(app, ["show", "r", "--json", "--db", db]).stdout)["now"] == {
        "occurred": "2024-01-20"
    }
