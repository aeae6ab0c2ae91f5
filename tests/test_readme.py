"""The README is honest: every ``$ tracker ...`` command in its console blocks runs and prints what it shows.

The commands run in order against one database that holds the bundled corpus, recorded at a
pinned time (freezegun); command number i runs at 10:i, so the sample output, recording times
included, is reproducible.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app

ROOT = Path(__file__).resolve().parents[1]
CORPUS_RECORDED = "2026-11-22T09:00:00Z"
def command_time(i: int) -> str:
    """Command i runs at 10:00 plus i minutes, so each append has its own recording time."""
    return f"2026-11-22T{10 + i // 60:02d}:{i % 60:02d}:00Z"


def console_examples(text: str) -> Iterator[tuple[str, str]]:
    """(command, expected output) pairs from ```console blocks."""
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    yield command, "\n".join(output)
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            yield command, "\n".join(output)


def prepare(folder: Path) -> dict[str, str]:
    """A folder to run the README's commands in, as a user would from a checkout: the bundled
    corpus in the database ``TRACKER_DB`` names (recorded at a pinned time), ``events/`` and
    ``tests/`` at hand for the commands that read files, scratch files (``--db story.db``) written
    here. Returns the environment to set."""
    db = folder / "readme.db"
    with freeze_time(CORPUS_RECORDED), Tracker(db) as t:
        t.load_corpus()
    for name in ("events", "tests"):
        (folder / name).symlink_to(ROOT / name)
    editor = f"{sys.executable} {ROOT / 'tests' / 'walkthrough' / 'editor.py'}"
    return {"TRACKER_DB": str(db), "COLUMNS": "160", "TRACKER_EDITOR": "analyst", "EDITOR": editor, "VISUAL": editor}


def run(runner: CliRunner, command: str) -> str:
    """What a README command prints on the terminal. ``> FILE`` at the end writes stdout to FILE, as
    the shell would (then only stderr shows)."""
    args = shlex.split(command)
    assert args[0] == "tracker", command
    target = None
    if len(args) > 2 and args[-2] == ">":
        args, target = args[:-2], args[-1]
    result = runner.invoke(app, args[1:])
    if target is None:
        return result.output
    Path(target).write_text(result.stdout, encoding="utf-8")
    return result.stderr


def test_readme_console_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in prepare(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    examples = list(console_examples((ROOT / "README.md").read_text(encoding="utf-8")))
    assert len(examples) >= 5
    for minute, (command, expected) in enumerate(examples):
        with freeze_time(command_time(minute)):
            output = run(runner, command)
        assert output.rstrip() == expected.rstrip(), f"README example differs: {command}"


def test_readme_python_examples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "events").symlink_to(ROOT / "events")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    assert "ru-freeze-2023 floated ()" in capsys.readouterr().out
