"""The database as other tools see it: sources, notes, full-text search, views, rebuild and verify."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import ev
from sharing_story import HOSTILE, story
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.errors import InputError
from tracker.store.tables import fts_query


@pytest.fixture
def told(tracker: Tracker) -> Tracker:
    tracker.append(story())
    return tracker


def rows(t: Tracker, sql: str, *args: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in t.store.conn.execute(sql, args)]


def test_sources_table(told: Tracker) -> None:
    got = rows(told, "SELECT event_id, n, outlet, published, published_from, url, quote, retracted FROM sources")
    assert sorted(got) == [
        ("a.f", 1, "Daily <b>News</b>", "2024-02-13", "2024-02-13", "https://example.org/a(b)<c>",
         "a truce along the lines", 0),
        ("a.rej", 1, "Wire", "2024-02-13", "2024-02-13", None, None, 0),
    ]  # fmt: skip


def test_notes_keep_retracted_events_flagged(told: Tracker) -> None:
    got = {(r[0], r[1]): r[2] for r in rows(told, "SELECT event_id, field, retracted FROM notes")}
    assert got == {("a.f", "note"): 0, ("a.f", "terms"): 0, ("a.acc", "note"): 1, ("a.ret", "reason"): 0}


def test_search_notes_and_titles(told: Tracker) -> None:
    hits = told.search("intermediaries")
    assert [(h.event_id, h.field) for h in hits] == [("a.f", "note")]
    assert "[intermediaries]" in hits[0].snippet
    by_title = told.search("Sullivan")
    assert [(h.event_id, h.field) for h in by_title] == [("a.rej", "source 1 (Wire)")]
    assert told.search("mistaken")[0].retracted is True
    assert told.search("truce lines")[0].field == "source 1 (Daily <b>News</b>)"  # quotes are indexed too
    assert told.search("nothing-like-this") == []


@pytest.mark.parametrize("text", ['"unbalanced', "NEAR(a b)", "a OR", "col:value", "free*", "alert script"])
def test_search_never_interprets_fts_syntax(told: Tracker, text: str) -> None:
    told.search(text)  # no sqlite3.OperationalError whatever the user types


def test_fts_query_quotes_words() -> None:
    assert fts_query('say "no" OR yes') == '"say" "no" "OR" "yes"'
    with pytest.raises(InputError):
        fts_query(" ?! ")


def test_index_follows_appends(told: Tracker) -> None:
    told.append([ev("rejected", "beta-2025", "russia", "2025-04", id="b.r", note="Kremlin says\n\nnyet")])
    assert [(h.event_id, h.snippet) for h in told.search("nyet")] == [("b.r", "Kremlin says [nyet]")]
    told.append([ev("retracted", "beta-2025", "editor", "2025-05", id="b.x", target="b.r", reason="misquoted")])
    assert told.search("nyet")[0].retracted is True


def test_views(told: Tracker) -> None:
    current = rows(told, "SELECT proposal, status, proposer, addressees, disputed, events FROM current_status")
    assert current == [("alpha-2024", "rejected", "russia", "united-states", 0, 4),
                       ("beta-2025", "considering", "united-states", "russia", 0, 2)]  # fmt: skip
    sql = "SELECT proposal, status, valid_from, valid_to, days, uncertain_events FROM status_intervals"
    intervals = rows(told, sql)
    assert intervals == [
        ("alpha-2024", None, "2023-09-01", "2024-01-01", 122, 1),
        ("alpha-2024", None, "2024-01-01", "2024-01-31", 30, 2),
        ("alpha-2024", "rejected", "2024-01-31", None, None, 0),
        ("beta-2025", "floated", "2025-03-11", "2025-03-12", 1, 0),
        ("beta-2025", "considering", "2025-03-12", None, None, 0),
    ]
    assert [iv.as_dict() for iv in told.intervals()] == [
        {**dict(zip(("proposal", "status", "valid_from", "valid_to"), r[:4], strict=True)),
         "uncertain": json.loads(u)}
        for r, (u,) in zip(intervals, rows(told, "SELECT uncertain FROM status_intervals"), strict=True)
    ]  # fmt: skip
    details = rows(told, "SELECT id, kind, person, note IS NOT NULL, sources FROM event_details WHERE id = 'a.f'")
    assert details == [("a.f", "floated", "Vladimir Putin", 1, 1)]


def test_views_survive_reopening(told: Tracker) -> None:
    told.close()
    with Tracker(told.path) as again:
        assert rows(again, "SELECT count(*) FROM current_status") == [(2,)]


def test_rebuild_and_differences(told: Tracker) -> None:
    assert told.store.projection_differences() == []
    told.store.conn.execute("DELETE FROM sources WHERE event_id = 'a.rej'")
    told.store.conn.execute("UPDATE status_segments SET status = 'accepted' WHERE status = 'rejected'")
    told.store.conn.execute("INSERT INTO notes_fts (rowid, text) VALUES (999, 'ghost')")
    problems = told.store.projection_differences()
    assert any(p.startswith("sources: rows of 'alpha-2024'") for p in problems)
    assert any(p.startswith("status_segments: rows of 'alpha-2024'") for p in problems)
    assert any(p.startswith("notes_fts:") for p in problems)
    told.store.rebuild()
    assert told.store.projection_differences() == []
    assert [h.event_id for h in told.search("Sullivan")] == ["a.rej"]


def test_plain_sqlite_can_read_it(told: Tracker) -> None:
    told.close()
    conn = sqlite3.connect(told.path)
    got = conn.execute(
        "SELECT s.event_id FROM sources_fts JOIN sources s ON s.rowid = sources_fts.rowid "
        "WHERE sources_fts MATCH 'sullivan'"
    ).fetchall()
    assert got == [("a.rej",)]
    assert conn.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'freeze'").fetchone() == (1,)
    conn.close()


def test_cli_search(told: Tracker, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["search", "intermediaries", "--json", "--db", str(told.path)])
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.output)
    assert set(hit) == {"event_id", "proposal", "type", "field", "snippet", "retracted"}
    table = CliRunner().invoke(app, ["search", "mistaken", "--db", str(told.path)])
    assert "a.acc (retracted)" in table.output
    empty = CliRunner().invoke(app, ["search", "!!", "--db", str(told.path)])
    assert empty.exit_code == 1 and "nothing to search for" in empty.output
    assert HOSTILE  # the hostile text is searchable as words:
    assert told.search("HYPERLINK evil")


def test_datasette_finds_the_indexes(told: Tracker) -> None:
    # Datasette's own detection query (datasette.utils.detect_fts_sql): content=[table] in the FTS table's SQL.
    for table, index in (("notes", "notes_fts"), ("sources", "sources_fts")):
        sql = (
            "SELECT name FROM sqlite_master WHERE rootpage = 0 AND "
            f"sql LIKE '%VIRTUAL TABLE%USING FTS%content=[{table}]%'"
        )
        assert rows(told, sql) == [(index,)]


def test_an_older_file_gets_the_new_tables_filled(told: Tracker) -> None:
    conn = told.store.conn
    for view in ("current_status", "status_intervals", "event_details"):
        conn.execute(f"DROP VIEW {view}")
    for table in ("notes_fts", "sources_fts", "notes", "sources", "status_segments"):
        conn.execute(f"DROP TABLE {table}")  # as a file made before this projection existed
    told.close()
    with Tracker(told.path) as again:
        assert again.store.projection_differences() == []
        assert [h.event_id for h in again.search("Sullivan")] == ["a.rej"]
        assert rows(again, "SELECT count(*) FROM status_intervals") == [(5,)]
