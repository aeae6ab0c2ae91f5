"""Peak memory of refusing a file with no newline: ``import``, ``restore`` and ``append`` on stdin.

A file of ``--mb`` megabytes that is one JSON line never ended (as a truncated download or a
binary pasted by mistake would be) is fed to each reader as its own process; each must refuse it
in one line naming the file, the line and the limit, with its peak resident memory (read from
the kernel through ``os.wait4``) bounded by the read limit (16 MB), not by the file.

    python scripts/long_line.py --mb 1024 --json
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

from tracker.store.location import ENV_DB

EXPORT_ROW = '{"seq":1,"recorded_at":"2024-05-01T09:00:00.000000Z","hash":"' + "0" * 64 + '","event":{"note":"'


def endless(path: Path, megabytes: int, start: str) -> Path:
    """``start`` then ``megabytes`` MB of one JSON string, with no newline anywhere."""
    chunk = b"x" * 2**20
    with path.open("wb") as out:
        out.write(start.encode())
        for _ in range(megabytes):
            out.write(chunk)
    return path


def measure(args: list[str], db: Path, stdin: Path | None = None) -> dict[str, Any]:
    """Run one tracker command; its exit code, error line, seconds and peak resident memory in MB."""
    start = time.monotonic()
    env = {**os.environ, ENV_DB: str(db)}
    with open(os.devnull, "wb") as sink, stdin.open("rb") if stdin else open(os.devnull, "rb") as feed:
        child = subprocess.Popen(
            [sys.executable, "-m", "tracker", *args], stdin=feed, stdout=sink, stderr=subprocess.PIPE, env=env
        )
        assert child.stderr is not None
        err = child.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(child.pid, 0)
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "error": err.strip(),
        "seconds": round(time.monotonic() - start, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
    }


def run(megabytes: int, folder: Path) -> dict[str, Any]:
    """Each reader against a file of ``megabytes`` MB with no newline."""
    events = endless(folder / "events.jsonl", megabytes, '{"type":"floated","note":"')
    out: dict[str, Any] = {"file_mb": megabytes}
    out["import (first line)"] = measure(["import", str(events)], folder / "a.db")
    out["append (stdin)"] = measure(["append"], folder / "b.db", stdin=events)
    events.unlink()
    export = endless(folder / "export.jsonl", megabytes, EXPORT_ROW)
    out["restore (an export's line)"] = measure(["import", str(export)], folder / "c.db")
    return out


def main() -> None:
    """Command line: ``--mb N [--json]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=256)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = run(options.mb, Path(folder))
    if options.json:
        print(json.dumps(report, indent=2))
        return
    for name, figures in report.items():
        print(f"{name}: {figures}")


if __name__ == "__main__":
    main()
