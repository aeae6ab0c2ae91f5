#!/usr/bin/env python3
"""Kill imports with SIGKILL at random points and check that the log survives every time.

Each iteration writes a new batch (a JSONL file of fresh events), starts
``python -m tracker import`` on it and kills it: either at a random moment after the
start, or at a random moment after it was seen holding the write lock (mid-transaction).
Afterwards the log must hold exactly what it held before or before-plus-the-whole-batch,
seq must be dense, the hash chain must recompute (``row_hash`` over ``Store.rows()``) and
the projections must equal a fresh replay, and ``tracker verify`` must pass with the head
from before the kill (so the old log is a prefix of the new). Then the same import is run
again and must complete the batch with no duplicates.

    python scripts/crash_harness.py --iterations 200 --events 2000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability import chain_problems, snapshot, story, tracker_cmd, write_jsonl  # noqa: E402

from tracker.api import Tracker  # noqa: E402
from tracker.store.log import Store  # noqa: E402


def writing(db: Path) -> bool:
    """True while another connection holds the write lock (a batch is being written)."""
    probe = sqlite3.connect(db, isolation_level=None, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


@dataclass(frozen=True)
class Outcome:
    """One iteration: where the kill landed and what the log held afterwards."""

    moment: str  # "random" or "mid-transaction"
    state: str  # "before" (nothing of the batch) or "after" (the whole batch)
    problems: tuple[str, ...]


def spawn_import(db: Path, batch: Path) -> subprocess.Popen[bytes]:
    """Start ``tracker import`` on ``batch`` in a subprocess."""
    return subprocess.Popen(tracker_cmd("import", str(batch), "--db", str(db)), stderr=subprocess.PIPE)


def kill_at(
    proc: subprocess.Popen[bytes], db: Path, rng: random.Random, moment: str, span: float, sig: int
) -> tuple[bool, str]:
    """Send ``sig`` at a random point; whether the import was seen writing before it, and its stderr."""
    seen = False
    if moment == "mid-transaction":
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if writing(db):
                seen = True
                break
            time.sleep(0.002)
        time.sleep(rng.uniform(0, span / 10))
    else:
        time.sleep(rng.uniform(0, span))
    if proc.poll() is None:
        proc.send_signal(sig)
    _, err = proc.communicate()
    return seen, err.decode("utf-8", "replace")


def check(
    db: Path, before_ids: frozenset[str], batch_ids: frozenset[str], before_head: tuple[int, str] | None = None
) -> tuple[str, list[str]]:
    """Which whole state the log is in ("before", "after") and every invariant it breaks.

    Two independent checks of the chain: our own recomputation with ``row_hash`` and
    ``tracker verify`` (with the head from before the kill, which must be a prefix).
    """
    after = snapshot(db)
    problems = []
    if after.ids == before_ids and after.count == len(before_ids):
        state = "before"
    elif after.ids == before_ids | batch_ids and after.count == len(before_ids) + len(batch_ids):
        state = "after"
    else:
        state = "torn"
        problems.append(f"log holds {after.count} events: neither before ({len(before_ids)}) nor after a whole batch")
    with Store(db) as store:
        problems += chain_problems(store)
        problems += store.projection_differences()
    with Tracker(db) as t:
        verification = t.verify(before_head)
        problems += [f"verify: seq {f.seq}: {f.kind}: {f.message}" for f in verification.faults]
    return state, problems


def iteration(base: Path, folder: Path, k: int, events: int, rng: random.Random, span: float) -> Outcome:
    """One kill on a fresh copy of ``base``, the checks, the re-run and the checks again.

    Working on a copy keeps every iteration the same size, so that the checks (which replay
    the whole log) do not grow with the number of iterations.
    """
    db = folder / "crash.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, db)
    batch = story(f"b{k}", events, proposals=max(1, events // 100))
    path = write_jsonl(folder / f"batch-{k}.jsonl", batch)
    batch_ids = frozenset(str(e["id"]) for e in batch)
    before_ids = snapshot(db).ids
    with Store(db) as store:
        before_head = store.head()
    moment = rng.choice(("random", "mid-transaction"))
    proc = spawn_import(db, path)
    seen, _ = kill_at(proc, db, rng, moment, span, signal.SIGKILL)
    state, problems = check(db, before_ids, batch_ids, before_head)
    if moment == "mid-transaction" and not seen:
        moment = "random"  # the import finished before it was seen writing
    with Tracker(db) as t:
        result = t.import_file(path)
    if result.added + result.skipped != events or (state == "after") != (result.added == 0):
        problems.append(f"re-run added {result.added} and skipped {result.skipped} of {events}")
    final = snapshot(db)
    if final.ids != before_ids | batch_ids or final.count != len(before_ids) + events:
        problems.append("the re-run did not complete the batch exactly once")
    return Outcome(moment, state, tuple(problems))


def calibrate(db: Path, folder: Path, events: int) -> float:
    """Seconds a whole import of one batch takes (start-up included), to spread the kills over."""
    path = write_jsonl(folder / "calibration.jsonl", story("calibration", events, proposals=max(1, events // 100)))
    started = time.monotonic()
    proc = spawn_import(db, path)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"calibration import failed: {err.decode()}")
    return time.monotonic() - started


def run(folder: Path, iterations: int, events: int, seed: int) -> dict[str, object]:
    """Run the harness; the figures (and every problem found) as a dict."""
    rng = random.Random(seed)
    base = folder / "base.db"
    span = calibrate(base, folder, events) * 1.1
    for suffix in ("-wal", "-shm"):  # calibrate closed every connection: the file is whole
        assert not Path(f"{base}{suffix}").exists()
    outcomes = [iteration(base, folder, k, events, rng, span) for k in range(iterations)]
    tally = Counter(f"{o.moment}: {o.state}" for o in outcomes)
    with Store(folder / "crash.db") as store:  # the last re-run, checked in full
        final_problems = chain_problems(store) + store.projection_differences()
    return {
        "iterations": iterations,
        "events_per_batch": events,
        "seed": seed,
        "seconds_per_import": round(span / 1.1, 2),
        "outcomes": dict(sorted(tally.items())),
        "survived": sum(not o.problems for o in outcomes),
        "problems": [p for o in outcomes for p in o.problems] + final_problems,
        "events_in_log_before_each_kill": events,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--events", type=int, default=2000, help="events per batch")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with TemporaryDirectory() as tmp:
        figures = run(Path(tmp), args.iterations, args.events, args.seed)
    print(json.dumps(figures, indent=2))
    raise SystemExit(0 if not figures["problems"] else 1)


if __name__ == "__main__":
    main()
