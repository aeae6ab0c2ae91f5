"""The issue's "done means", end to end: a wrong date, asked, corrected, asked again, both answers
reproduced, the chain verified, the file tampered with, and verify naming the fault. Through the
CLI (human and JSON output) and through the Python API.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from freezegun import freeze_time
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app

DOC = Path(__file__).resolve().parent.parent / "docs" / "audit.md"
T1, T2 = "2024-03-01T09:00:00Z", "2024-03-08T09:00:00Z"
FLOATED = {
    "type": "floated",
    "id": "truce.floated",
    "proposal": "truce",
    "actor": "north",
    "addressees": ["south"],
    "occurred": "2024-01-02",
    "sources": [{"outlet": "Wire", "title": "North offers a truce", "published": "2024-01-02"}],
}
WRONG = {
    "type": "accepted",
    "id": "truce.south-accepts",
    "proposal": "truce",
    "actor": "south",
    "occurred": "2024-01-15",  # typed 15 for 5
    "sources": [{"outlet": "Wire", "title": "South accepts", "published": "2024-01-16"}],
}
FIX = {
    "type": "amended",
    "id": "truce.south-accepts.fix",
    "proposal": "truce",
    "actor": "south",
    "occurred": "2024-01-05",
    "target": "truce.south-accepts",
    "reason": "occurred was typed as 15 January; the article of 16 January dates it to 5 January",
    "replacement": {**WRONG, "occurred": "2024-01-05"},
}


def tamper(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET body = replace(body, 'South accepts', 'South refuses') WHERE seq = 2")
    conn.commit()
    conn.close()


def test_the_story_through_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == code, result.output
        return result.stdout

    def status(*args: str) -> str:
        (answer,) = json.loads(run("status", "truce", "--on", "2024-01-10", "--json", *args))
        return str(answer["status"])

    with freeze_time(T1):
        run("append", json.dumps(FLOATED))
        run("append", json.dumps(WRONG))
    assert status() == "floated"  # the acceptance is (wrongly) dated 15 January
    assert "truce     floated" in run("status", "truce", "--on", "2024-01-10")
    with freeze_time(T2):
        run("append", json.dumps(FIX))
    assert status() == "in_force"  # agreed by every party, no effective date: in force from the day agreed
    assert status("--as-recorded", "2024-03-01") == "floated"  # the old answer, reproduced
    assert status("--as-recorded", "2024-03-08T09:00:00Z") == "in_force"  # the corrected one
    audit = run("audit", "truce")
    assert "AMENDED: originally accepted by south, occurred 2024-01-15" in audit
    assert "#3 amendment of truce.south-accepts by south, recorded 2024-03-08T09:00:00.000000Z (applied)" in audit
    old = json.loads(run("audit", "truce", "--as-recorded", "2024-03-01", "--json"))
    assert old["steps"][1]["occurred"] == "2024-01-15"
    assert old["steps"][1]["warnings"][0]["code"] == "later-amended"
    head = run("head").strip()
    assert re.fullmatch(r"3:[0-9a-f]{64}", head)
    assert run("verify").startswith("ok: 3 row(s)")
    assert json.loads(run("verify", "--json", "--head", head))["ok"] is True
    tamper(Path(db))
    assert run("verify", code=1).startswith("FAILED: first fault at seq 2: edited")
    report = json.loads(run("verify", "--json", "--head", head, code=1))
    assert (report["first_bad_seq"], report["first_fault"]) == (2, "edited")


def test_the_story_through_the_python_api(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with Tracker(path) as t:
        with freeze_time(T1):
            t.append([FLOATED, WRONG])
        before = t.status("truce", on="2024-01-10")
        assert before[0].state["status"] == "floated"
        with freeze_time(T2):
            t.append([FIX])
        assert t.status("truce", on="2024-01-10")[0].state["status"] == "in_force"
        assert t.status("truce", on="2024-01-10", as_recorded="2024-03-01") == before
        assert t.why("truce", on="2024-01-10").origins()["status"] == ("truce.south-accepts",)
        (change,) = [
            c
            for c in t.diff("truce", start="2024-03-02", end="2024-03-09", axis="as-recorded", on="2024-01-10")
            .proposals[0]
            .changes
            if c.field == "status"
        ]
        assert (change.before, change.after, change.by) == ("floated", "in_force", ("truce.south-accepts.fix",))
        head = t.head()
        assert t.verify(head).ok
    tamper(path)
    with Tracker(path) as t:
        result = t.verify(head)
    assert result.first is not None and (result.first.seq, result.first.kind) == (2, "edited")


def _doc_script() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- chain-check -->\s*```python\n(.*?)```", text, re.S)
    assert match is not None, "docs/audit.md lost its chain-check script"
    return match.group(1)


def test_the_documented_standalone_script_recomputes_the_chain(tmp_path: Path) -> None:
    script = tmp_path / "check_chain.py"
    script.write_text(_doc_script(), encoding="utf-8")
    assert len(_doc_script().strip().splitlines()) <= 20
    db = tmp_path / "t.db"
    with Tracker(db) as t:
        t.append([FLOATED, WRONG])
        t.append([FIX])
        seq, digest = t.head()
    done = subprocess.run([sys.executable, "-I", str(script), str(db)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ok: head {seq}:{digest}"
    tamper(db)
    done = subprocess.run([sys.executable, "-I", str(script), str(db)], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "seq 2" in done.stderr
