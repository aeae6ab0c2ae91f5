"""CLI habits: --version, shell completion, an Example in every command's help, the import progress bar."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from helpers import ev, write_jsonl
from typer.testing import CliRunner

from tracker import __version__
from tracker.api import Tracker
from tracker.cli import app
from tracker.views.progress import Bar, bar_for

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"tracker {__version__}\n"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_an_example(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"tracker {name}" in result.output.split("Example:", 1)[1]


def test_commands_include_the_sharing_ones() -> None:
    assert {"timeline", "search", "status", "history", "audit", "export", "import"} <= set(COMMANDS)


def test_show_completion_script() -> None:
    result = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0 and "_TRACKER_COMPLETE=complete_bash" in result.output


def test_completion_completes() -> None:
    script = Path(sys.executable).with_name("tracker")
    if not script.exists():
        pytest.skip("the tracker script is not installed next to this interpreter")
    env = {**os.environ, "_TRACKER_COMPLETE": "complete_bash", "COMP_WORDS": "tracker time", "COMP_CWORD": "1"}
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["timeline"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_draws_on_a_terminal_only() -> None:
    assert bar_for(io.StringIO()) is None
    stream = Terminal()
    bar = bar_for(stream)
    assert isinstance(bar, Bar)
    for done in (0, 10, 11, 500, 1000):
        bar(done, 1000)
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert [f.split("]")[1].split("%")[0].strip() for f in frames] == ["0", "1", "50", "100"]
    assert frames[-1].startswith("importing [" + "#" * 30 + "]") and stream.getvalue().endswith("\n")


def test_import_reports_progress(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [ev("floated", id=f"f{n}", proposal=f"p{n}") for n in range(50)])
    seen: list[tuple[int, int]] = []
    with Tracker(tmp_path / "t.db") as t:
        t.import_file(path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert len(seen) == 50 and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_piped_import_stays_quiet(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [ev("floated", id="f")])
    result = CliRunner().invoke(app, ["import", str(path), "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 0
    assert "importing [" not in result.output and "appended 1 event(s)" in result.output


def test_import_on_a_terminal_shows_the_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [ev("floated", id="f")])
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    app(["import", str(path), "--db", str(tmp_path / "t.db")], standalone_mode=False)
    assert "importing [" + "#" * 30 + "] 100%" in stream.getvalue()
