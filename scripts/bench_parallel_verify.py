"""Time verify's passes on an existing database, in one process and in ranges on every core (run by hand).

    python scripts/bench_parallel_verify.py /tmp/exp/m1.db [runs]

Opens the file read-only (nothing is written to it) and times, median of ``runs`` (3):
the hash chain alone (``check_chain``; in ranges, ``parallel_verify.chain_in_ranges``) and
the chain and derived columns (``verify`` without projections, as ``tracker verify
--no-projections``; in ranges, with ``parallel_verify.ranged_passes``), in rows/s. The
ranges are the ones ``tracker verify`` uses (``TRACKER_WORKERS`` or the number of cores).
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tracker.store.parallel_verify import RANGES_PER_WORKER, chain_in_ranges, ranged_passes, split
from tracker.store.verify import CHAIN_COLUMNS, Row, check_chain, verify
from tracker.store.workers import workers


def main() -> None:
    path = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    last = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    spans = split(0, last, workers() * RANGES_PER_WORKER)

    def select(columns: Sequence[str]) -> Iterable[Row]:
        return conn.execute(f"SELECT {', '.join(columns)} FROM events WHERE seq <= ? ORDER BY seq", (last,))

    def chain_serial() -> None:
        assert not check_chain(select(CHAIN_COLUMNS)).broken

    def chain_ranges() -> None:
        assert not chain_in_ranges(path, spans).broken

    def log_serial() -> None:
        assert verify(select=select).ok

    def log_ranges() -> None:
        assert verify(select=select, passes=ranged_passes(path, spans)).ok

    cases: list[tuple[str, Callable[[], None]]] = [
        ("chain, one process", chain_serial),
        (f"chain, {len(spans)} ranges on {workers()} workers", chain_ranges),
        ("chain + columns, one process", log_serial),
        (f"chain + columns, {len(spans)} ranges on {workers()} workers", log_ranges),
    ]
    print(f"{path}: {count:,} rows")
    for name, case in cases:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            case()
            times.append(time.perf_counter() - start)
        rates = ", ".join(f"{count / t:,.0f}" for t in times)
        print(f"{name}: median {count / statistics.median(times):,.0f} rows/s ({rates})", flush=True)


if __name__ == "__main__":
    main()
