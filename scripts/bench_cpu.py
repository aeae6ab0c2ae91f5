"""CPU time (not wall time) of the import, the rebuild and status of all, in one process (run by hand).

    python scripts/synthetic.py 100 100 /tmp/log.jsonl --seed 7
    python scripts/bench_cpu.py /tmp/log.jsonl
    PYTHONPATH=/other/checkout python scripts/bench_cpu.py /tmp/log.jsonl     # the same log, other code

On a machine whose cores are shared with other work, wall times move with the load; the CPU
time of this process (``time.process_time``: user + system, this process only, so
``TRACKER_WORKERS=1`` keeps every derivation here) moves much less. So two checkouts compared
with this script, one after the other, compare their code rather than the moment. Prints one JSON
object: us of CPU per event for the import and the rebuild, ms for status of all proposals on each
axis (answers' states read), the file's bytes per event.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import tracker
from tracker.api import Tracker


def cpu(func: object, runs: int = 1) -> float:
    """Median CPU seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()  # type: ignore[operator]
        times.append(time.process_time() - start)
    return sorted(times)[len(times) // 2]


def main() -> None:
    log = Path(sys.argv[1])
    os.environ["TRACKER_WORKERS"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        n = sum(1 for line in log.open() if line.strip())
        out: dict[str, object] = {"tracker": tracker.__file__, "events": n}
        with Tracker(Path(tmp) / "cpu.db") as t:
            out["import_cpu_us_per_event"] = cpu(lambda: t.import_file(log)) / n * 1e6
            out["rebuild_cpu_us_per_event"] = cpu(t.store.rebuild) / n * 1e6
            stamp = t.store.conn.execute("SELECT recorded_at FROM events LIMIT 1").fetchone()[0]
            for axis, cut in (("on", "2019-06-15"), ("known_by", "2019-06-15"), ("as_recorded", stamp)):

                def read_all(a: str = axis, c: str = cut) -> None:
                    [x.state for x in t.status(**{a: c})]

                out[f"status_all_{axis}_cpu_ms"] = cpu(read_all, 5) * 1e3
            t.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn = t.store.conn
            pages = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
            out["bytes_per_event"] = pages / n
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
