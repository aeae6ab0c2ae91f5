"""Human tables fit the terminal: wrapped running text, colour on terminals only, never raw controls."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from helpers import ev
from typer.testing import CliRunner

from tracker import quick
from tracker.api import Tracker
from tracker.cli import app
from tracker.views.text import ELLIPSIS, MAX_CELL_LINES, Terminal, _wrap, table, terminal

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PARTIES = [f"party-{n:02d}" for n in range(6)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Three proposals: one with six stances, one rejected, one agreement in force."""
    path = tmp_path / "t.db"
    many = [ev("floated", "many-parties-2024", PARTIES[0], addressees=PARTIES[1:], id="m.f")]
    many += [ev("considering", "many-parties-2024", p, "2024-01-02", id=f"m.{p}") for p in PARTIES[1:]]
    with Tracker(path) as t:
        t.append(many)
        t.append([ev("floated", "no", "north", addressees=["south"], id="n.f"),
                  ev("rejected", "no", "south", "2024-01-03", id="n.r")])  # fmt: skip
        t.append([ev("floated", "truce", "un", addressees=["north", "south"], id="t.f", effective="2024-01-05"),
                  ev("accepted", "truce", "north", "2024-01-02", id="t.n"),
                  ev("accepted", "truce", "south", "2024-01-02", id="t.s")])  # fmt: skip
    return path


def status(db: Path, **env: str | None) -> str:
    result = CliRunner(env=env).invoke(app, ["status", "--db", str(db), "--on", "2024-02-01"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_status_fits_80_columns_and_keeps_every_stance(db: Path) -> None:
    out = status(db, COLUMNS="80")
    assert max(map(len, out.splitlines())) <= 80
    for p in PARTIES[1:]:  # each stance whole, on a line of its own
        assert re.search(rf"(^|\s){p}=considering(\s|$)", out, re.M), out
    rows = [line for line in out.splitlines()[2:] if line and not line.startswith(" ")]
    assert [r.split()[0] for r in rows] == ["many-parties-2024", "no", "truce"]  # continuation lines start blank


def test_a_pipe_without_columns_gets_whole_rows(db: Path) -> None:
    out = status(db, COLUMNS=None)
    (row,) = [line for line in out.splitlines() if line.startswith("many-parties-2024")]
    assert all(f"{p}=considering" in row for p in PARTIES[1:]) and len(row) > 80


def test_wide_enough_changes_nothing(db: Path) -> None:
    assert status(db, COLUMNS="400") == status(db, COLUMNS=None)


def test_history_wraps_its_changes_column(db: Path) -> None:
    wide = CliRunner().invoke(app, ["history", "truce", "--db", str(db)]).stdout
    result = CliRunner(env={"COLUMNS": "72"}).invoke(app, ["history", "truce", "--db", str(db)])
    assert result.exit_code == 0 and max(map(len, wide.splitlines())) > 72
    assert max(map(len, result.stdout.splitlines())) <= 72
    assert len(result.stdout.splitlines()) > len(wide.splitlines())  # the changes went onto more lines
    assert sorted(result.stdout.split()) == sorted(wide.split())  # wrapped between words: nothing lost


def test_wrap_breaks_between_words_then_after_punctuation_and_cuts_with_an_ellipsis() -> None:
    assert _wrap("russia=considering ukraine=proposed", 20) == ["russia=considering", "ukraine=proposed"]
    assert _wrap("united-states=proposed", 16) == ["united-states=", "proposed"]
    assert _wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    long = _wrap(" ".join(["word"] * 40), 10)
    assert len(long) == MAX_CELL_LINES and long[-1].endswith(ELLIPSIS) and len(long[-1]) <= 10
    assert _wrap("short", 10) == ["short"]


def test_table_wraps_free_text_before_other_columns() -> None:
    rows = [("p-1", "considering", "a=accepted b=considering c=rejected d=accepted", "yes (3 denials)")]
    out = table(("proposal", "status", "stances", "disputed"), rows, Terminal(width=55, colour=False))
    lines = out.splitlines()
    assert max(map(len, lines)) <= 55
    assert lines[0].split() == ["PROPOSAL", "STATUS", "STANCES", "DISPUTED"]  # only stances had to give
    assert lines[1] == "p-1       considering  a=accepted       yes (3 denials)"
    assert lines[2:] == [" " * 23 + "b=considering", " " * 23 + "c=rejected", " " * 23 + "d=accepted"]


def test_headers_wrap_between_words_when_their_column_must_narrow() -> None:
    out = table(("proposal", "may also count"), [("a-long-proposal-slug", "-")], Terminal(width=30, colour=False))
    assert out.splitlines()[:2] == ["PROPOSAL              MAY ALSO", "                      COUNT"]


def test_terminal_decides_width_and_colour_from_isatty_and_environment() -> None:
    assert terminal(isatty=False, env={}) == Terminal(None, False)
    assert terminal(isatty=False, env={"COLUMNS": "90"}) == Terminal(90, False)
    assert terminal(isatty=True, env={"COLUMNS": "100"}) == Terminal(100, True)
    assert terminal(isatty=True, env={"COLUMNS": "100", "NO_COLOR": "1"}) == Terminal(100, False)
    assert terminal(isatty=True, env={"COLUMNS": "100", "TERM": "dumb"}).colour is False
    assert terminal(isatty=True, env={"COLUMNS": "junk"}).width is not None  # the terminal's own, or 80


def test_colour_marks_status_words_and_leaves_widths_alone() -> None:
    rows = [("a", "in force until 2024-03-01 (day 3 of 60)"), ("b", "rejected"), ("c", "expired on 2024-01-01")]
    rows += [("d", "considering")]
    plain = table(("proposal", "status"), rows, Terminal(None, False))
    coloured = table(("proposal", "status"), rows, Terminal(None, True))
    assert "\x1b" not in plain and ANSI.sub("", coloured) == plain
    assert "\x1b[32min force until" in coloured and "\x1b[31mrejected\x1b[0m" in coloured
    assert "\x1b[90mexpired on" in coloured and "\x1b[" not in coloured.splitlines()[4]  # considering: plain


def test_the_cli_never_colours_a_pipe(db: Path) -> None:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["status", "--db", str(db)], color=True)
    assert result.exit_code == 0 and "\x1b" not in result.stdout  # not a tty, so no colour was made


def test_printable_still_applies_to_wrapped_cells() -> None:
    rows = [("p", "note", "a \x1b[2J b \u202e " + "x " * 30)]
    out = table(("proposal", "field", "value"), rows, Terminal(30, True))
    assert "\x1b[2J" not in out and "\u202e" not in out and "\\u001b[2J" in out


class _Tty(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def test_quick_path_answers_a_terminal_in_colour_itself(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Tty()
    monkeypatch.setattr("sys.stdout", screen)
    monkeypatch.setenv("COLUMNS", "80")
    assert quick.answer(["status", "--db", str(db), "--on", "2024-02-01"]) == 0  # not declined
    out = screen.getvalue()
    assert "\x1b[31mrejected\x1b[0m" in out and "\x1b[32min force" in out
    assert max(len(ANSI.sub("", line)) for line in out.splitlines()) <= 80
