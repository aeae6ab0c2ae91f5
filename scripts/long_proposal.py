"""Memory and time of one long proposal: import, verify, timeline and TimelineJS, each a process.

One proposal of N events (``scripts/synthetic.py``: fuzzy dates, late reports, denials,
violations, corrections, 4 parties) is written, imported, then asked. Each command runs as its
own process and its peak resident memory is read from the kernel (``os.wait4``), so the figures
include the interpreter (~45 MB) and everything the command held at its worst.

    python scripts/long_proposal.py --events 100000 --json

Issue 12 measured 20,000 events at 2.1 GB and 100,000 killed at ~24 GB before the fold stopped
keeping the state after every event (``tracker.core.intervals._Fold``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from synthetic import write

from tracker.store.location import ENV_DB

COMMANDS = {
    "import": ["import", "{file}"],
    "verify --no-projections": ["verify", "--no-projections"],
    "verify": ["verify"],
    "timeline": ["timeline"],
    "timelinejs": ["export", "--format", "timelinejs"],
}


def measure(args: list[str], db: Path) -> dict[str, Any]:
    """Run one tracker command; its exit code, wall seconds and peak resident memory in MB."""
    start = time.monotonic()
    env = {**os.environ, ENV_DB: str(db)}
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen([sys.executable, "-m", "tracker", *args], stdout=sink, stderr=subprocess.PIPE, env=env)
        assert child.stderr is not None
        err = child.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "exit": child.returncode,
        "seconds": round(time.monotonic() - start, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "error": err.strip().splitlines()[-1] if child.returncode else "",
    }


def run(events: int, seed: int, folder: Path) -> dict[str, Any]:
    """Write, import and ask one proposal of ``events`` events; a report per command."""
    file, db = folder / "long.jsonl", folder / "long.db"
    written = write(file, 1, events, seed)
    out: dict[str, Any] = {"events": written, "file_mb": round(file.stat().st_size / 2**20, 1)}
    for name, template in COMMANDS.items():
        out[name] = measure([part.format(file=file) for part in template], db)
        if out[name]["exit"] and name == "import":
            break
    out["db_mb"] = round(db.stat().st_size / 2**20, 1) if db.exists() else None
    return out


def main() -> None:
    """Command line: ``--events N [--seed S] [--json]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = run(options.events, options.seed, Path(folder))
    if options.json:
        print(json.dumps(report, indent=2))
        return
    for name, figures in report.items():
        print(f"{name}: {figures}")


if __name__ == "__main__":
    main()
