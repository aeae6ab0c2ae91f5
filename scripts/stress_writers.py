#!/usr/bin/env python3
"""Many processes appending to one log at once, through the Python API and the CLI.

Each writer is its own process with its own story (distinct ids and proposals) and appends
it in small batches, each its own transaction, so the writers contend for the lock all the
time. Afterwards: every event landed exactly once, seq is dense, the hash chain recomputes,
the projections equal a fresh replay, and no writer printed a traceback or "locked".

    python scripts/stress_writers.py --writers 8 --events 1000          # half API, half CLI
    python scripts/stress_writers.py --writers 4 --events 250 --cli-batch 25 --json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability import chain_problems, run_cli, story  # noqa: E402

from tracker.api import Tracker  # noqa: E402
from tracker.store.log import Store  # noqa: E402


def api_writer(db: Path, tag: str, n: int, batch: int) -> None:
    """Append ``story(tag, n)`` through ``Tracker.append``, ``batch`` events per transaction."""
    events = story(tag, n, proposals=max(1, n // 25))
    with Tracker(db) as t:
        for start in range(0, n, batch):
            t.append(events[start : start + batch])


def cli_writer(db: Path, tag: str, n: int, batch: int) -> None:
    """Append ``story(tag, n)`` through ``tracker append`` on stdin, ``batch`` lines per call."""
    events = story(tag, n, proposals=max(1, n // 25))
    for start in range(0, n, batch):
        lines = "".join(json.dumps(e) + "\n" for e in events[start : start + batch])
        done = run_cli("append", "--db", str(db), stdin=lines)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(done.returncode)
        sys.stderr.write(done.stderr if "Traceback" in done.stderr else "")


def run(db: Path, writers: int, events: int, *, cli_writers: int | None = None, api_batch: int = 1,
        cli_batch: int = 50) -> dict[str, Any]:
    """Start the writers at once, wait, and check the log; returns the figures."""
    cli = writers // 2 if cli_writers is None else cli_writers
    Store(db).close()  # create the file first, so the writers race on appends, not on creation
    procs = []
    started = time.monotonic()
    for w in range(writers):
        mode, batch = ("cli", cli_batch) if w < cli else ("api", api_batch)
        cmd = [sys.executable, __file__, "--worker", mode, "--db", str(db), "--tag", f"w{w}",
               "--events", str(events), "--batch", str(batch)]
        procs.append((f"w{w}", mode, subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)))
    failures = []
    for tag, mode, proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0 or "Traceback" in err or "locked" in err:
            failures.append(f"{tag} ({mode}) exited {proc.returncode}: {err.strip()[-500:]}")
    elapsed = time.monotonic() - started
    expected = {e["id"] for w in range(writers) for e in story(f"w{w}", events)}
    with Store(db) as store:
        ids = [str(r[1]) for r in store.rows()]
        seqs = [int(str(r[0])) for r in store.rows()]
        return {
            "writers": writers,
            "cli_writers": cli,
            "events_per_writer": events,
            "expected": len(expected),
            "stored": len(ids),
            "missing": len(expected - set(ids)),
            "unexpected": len(set(ids) - expected),
            "duplicates": len(ids) - len(set(ids)),
            "seq_dense": seqs == list(range(1, len(seqs) + 1)),
            "chain_problems": chain_problems(store),
            "projection_differences": store.projection_differences(),
            "writer_failures": failures,
            "seconds": round(elapsed, 2),
        }


def ok(figures: dict[str, Any]) -> bool:
    """True when nothing was lost, duplicated, broken or reported as an error."""
    return (
        figures["stored"] == figures["expected"]
        and not figures["missing"]
        and not figures["unexpected"]
        and not figures["duplicates"]
        and figures["seq_dense"]
        and not figures["chain_problems"]
        and not figures["projection_differences"]
        and not figures["writer_failures"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--events", type=int, default=1000, help="events per writer")
    parser.add_argument("--cli-writers", type=int, default=None, help="how many writers use the CLI (half)")
    parser.add_argument("--api-batch", type=int, default=1, help="events per API transaction")
    parser.add_argument("--cli-batch", type=int, default=50, help="events per CLI call")
    parser.add_argument("--db", type=Path, help="database to use (default: a temporary one)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", choices=("api", "cli"), help=argparse.SUPPRESS)
    parser.add_argument("--tag", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        (api_writer if args.worker == "api" else cli_writer)(args.db, args.tag, args.events, args.batch)
        return
    with TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "stress.db"
        figures = run(db, args.writers, args.events, cli_writers=args.cli_writers, api_batch=args.api_batch,
                      cli_batch=args.cli_batch)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:24} {value}")
    print("OK: nothing lost" if ok(figures) else "FAILED", file=sys.stderr)
    raise SystemExit(0 if ok(figures) else 1)


if __name__ == "__main__":
    main()
