"""Nothing a user feeds in reaches a terminal raw: control characters and bidi overrides are shown
escaped in every text view; the quick status path fails in one line, and declines what it cannot check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ev
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.views.text import printable

HOSTILE = "Envoy \x1b[2J\x1b]0;owned\x07 says \u202egnp.exe\u202c\r\nfake line\x85"
RAW = ["\x1b", "\x07", "\u202e", "\r", "\x85"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    source = {"outlet": "Wire", "title": HOSTILE, "published": "2024-01-02", "quote": HOSTILE}
    with Tracker(path) as t:
        t.append(
            [
                ev("floated", id="f", actor="north", addressees=["south"], person=HOSTILE, note=HOSTILE,
                   sources=[source], terms=HOSTILE),
                ev("denied", id="d", actor="south", person=HOSTILE, occurred="2024-01-03"),
            ]
        )  # fmt: skip
    return path


@pytest.mark.parametrize(
    "args",
    [["status"], ["status", "--on", "2024-01-05"], ["history", "p"], ["audit", "p"], ["why", "p"],
     ["diff", "p", "--from", "2023-12-31", "--to", "2024-01-05"], ["log"], ["search", "Envoy"],
     ["timeline"]],
)  # fmt: skip
def test_text_views_never_print_control_characters(db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    for raw in RAW:
        assert raw not in result.stdout, (args, raw)


def test_json_keeps_the_text_and_escapes_the_controls(db: Path) -> None:
    result = CliRunner().invoke(app, ["history", "p", "--json", "--db", str(db)])
    assert "\x1b" not in result.stdout and json.loads(result.stdout)[0]["person"] == HOSTILE


def test_printable_escapes_and_keeps_the_rest() -> None:
    assert printable("a\x1bb\u202ec d") == "a\\u001bb\\u202ec d"
    assert printable("Kyiv – Київ, 30 days") == "Kyiv – Київ, 30 days"


SCRIPT = Path(sys.executable).with_name("tracker")


@pytest.mark.skipif(not SCRIPT.exists(), reason="the tracker script is not installed next to this interpreter")
def test_quick_status_to_a_full_disk_is_one_line(db: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(SCRIPT), "status", "--db", str(db)], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60, env={**os.environ})  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.skipif(not SCRIPT.exists(), reason="the tracker script is not installed next to this interpreter")
@pytest.mark.parametrize("value", ["0999-01-01", "2024-W01-1", "٢٠٢٤-٠١-٠١"])
def test_quick_status_declines_what_it_cannot_check(db: Path, value: str) -> None:
    done = subprocess.run([str(SCRIPT), "status", "--db", str(db), "--as-recorded", value],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode != 0 and done.stdout == ""
    assert "as_recorded" in done.stderr or "as-recorded" in done.stderr
    assert "Traceback" not in done.stderr
