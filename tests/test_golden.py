"""Answers do not change: the outputs of a fixed set of commands on a fixed log, byte for byte.

The log is the bundled corpus and a seeded synthetic story (``fixtures/golden/synthetic.jsonl``:
12 proposals, 300 events with vague dates, late reports, denials, reversals, corrections),
appended in four batches at pinned recording times. Each command's output was captured from
the rule-book rewrite (issue 11: byte-identical to the code before it) and updated once, reviewed, for
the lifecycle (issue 14); ``GOLDEN_UPDATE=1 pytest tests/test_golden.py``
rewrites them (read the diff before committing: a change here is a change of answers).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app

HERE = Path(__file__).resolve().parent / "fixtures" / "golden"
TIMES = ["2026-01-05T09:00:00Z", "2026-02-10T12:30:00Z", "2026-03-01T08:00:00Z", "2026-03-01T08:00:01Z"]
P = "proposal-000003"
Q = "proposal-000007"
COMMANDS = [
    "status",
    "status --json",
    "status --on 2016-06-30",
    "status --on 2016-06-30 --json",
    "status --known-by 2016-01-15 --json",
    "status --as-recorded 2026-02-11 --json",
    "status --as-recorded 2026-01-05T09:00:00Z",
    "status --on 2017-03-01 --known-by 2017-06-01 --json",
    "status --on 2016-09-01 --known-by 2017-01-01 --as-recorded 2026-02-20",
    "status --on 2024-02-14",
    "status --on 2024-02-14 --known-by 2024-02-12 --json",
    "status ru-freeze-2023 --on 2024-01-15 --json",
    "status --on 2016-03-01 --csv",
    "status --on 2016-03-01 --markdown",
    f"status {P} --json",
    f"history {P}",
    f"history {Q} --json",
    "history ru-freeze-2023 --markdown",
    f"audit {P}",
    f"audit {Q} --on 2016-12-31 --known-by 2017-02-01",
    f"audit {Q} --as-recorded 2026-02-11 --json",
    "audit istanbul-2022",
    f"why {P} --on 2016-08-01",
    f"why {Q} --json",
    f"why {Q} --known-by 2016-12-01 --as-recorded 2026-02-11",
    f"diff {P} --from 2015-06-01 --to 2017-06-01",
    "diff --all --axis known-by --from 2015-01-01 --to 2016-12-31 --json",
    f"diff {Q} --axis as-recorded --from 2026-01-06 --to 2026-03-02",
    "log --proposal proposal-000001",
    "export --format timelinejs",
    "timeline --on 2016-06-30",
    "timeline --known-by 2016-12-31",
    "search truce",
    "verify",
]


def _batches() -> list[list[str]]:
    lines = (HERE / "synthetic.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    cut = [0, 120, 220, 290, len(lines)]
    return [lines[cut[i] : cut[i + 1]] for i in range(4)]


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixed log, built once for the module."""
    folder = tmp_path_factory.mktemp("golden")
    db = folder / "golden.db"
    with freeze_time("2026-01-01T00:00:00Z"), Tracker(db) as t:
        t.load_corpus()
    for moment, batch in zip(TIMES, _batches(), strict=True):
        path = folder / "batch.jsonl"
        path.write_text("".join(batch), encoding="utf-8")
        with freeze_time(moment), Tracker(db) as t:
            t.import_file(path)
    yield db


def _name(command: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in command)[:90] + ".txt"


@pytest.mark.parametrize("command", COMMANDS)
def test_output_is_unchanged(golden_db: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB", str(golden_db))
    monkeypatch.setenv("COLUMNS", "200")
    with freeze_time("2026-04-01T00:00:00Z"):
        result = CliRunner().invoke(app, shlex.split(command))
    got = f"exit {result.exit_code}\n{result.output}"
    path = HERE / _name(command)
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden output for {command!r}: run with GOLDEN_UPDATE=1"
    assert got == path.read_text(encoding="utf-8"), command


def test_golden_commands_are_answers(golden_db: Path) -> None:
    """The goldens are real answers, not errors: every command exits 0 and most print JSON or tables."""
    texts = [(HERE / _name(c)).read_text(encoding="utf-8") for c in COMMANDS]
    assert all(t.startswith("exit 0\n") for t in texts)
    parsed = json.loads((HERE / _name("status --json")).read_text(encoding="utf-8").split("\n", 1)[1])
    assert len(parsed) == 12 + 6  # the synthetic story and the bundled corpus
