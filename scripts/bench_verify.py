"""Time ``verify``'s chain-and-columns pass over N synthetic rows (not a test; run by hand).

    python scripts/bench_verify.py 200000

Rows are written straight into a fresh store with correct hashes and columns (building them
through ``append`` would time the append path instead). Prints rows/s for the chain and
column pass, and separately for the projection check.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tracker.core.dates import bounds
from tracker.core.events import canonical_json
from tracker.store.log import COLUMNS, GENESIS, Store, row_hash
from tracker.store.verify import verify


def fill(store: Store, n: int, proposals: int = 1000) -> None:
    """Append n valid rows: each proposal floated once, then stances."""
    prev, versions, rows = GENESIS, dict[str, int](), []
    at = "2024-05-01T00:00:00.000000Z"
    for seq in range(1, n + 1):
        p = f"p-{seq % proposals}"
        kind = "floated" if p not in versions else ("considering", "accepted", "rejected")[seq % 3]
        day = f"2024-{1 + seq % 12:02d}-{1 + seq % 28:02d}"
        body = canonical_json(
            {
                "actor": f"party-{seq % 7}",
                "id": f"e{seq}",
                "occurred": day,
                "proposal": p,
                "reported": day,
                "sources": [{"outlet": "Wire", "published": day, "title": f"Story number {seq}"}],
                "type": kind,
            }
        )
        versions[p] = versions.get(p, 0) + 1
        digest = row_hash(prev, seq, at, 1, body)
        low, high = bounds(day)
        rows.append(
            (seq, f"e{seq}", p, versions[p], kind, f"party-{seq % 7}", day, low, high, day, low, high, at, 1, body)
            + (prev, digest)
        )
        prev = digest
    marks = ",".join("?" * len(COLUMNS))
    store.conn.execute("BEGIN")
    store.conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
    store.conn.execute("COMMIT")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        fill(store, n)
        start, cpu = time.perf_counter(), time.process_time()
        result = verify(select=store.rows)
        chain, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert result.ok, result.faults[:3]
        print(
            f"chain+columns: {n} rows in {chain:.2f} s = {n / chain:,.0f} rows/s "
            f"(CPU {cpu:.2f} s = {n / cpu:,.0f} rows/s; wall time suffers when other work shares the cores)"
        )
        if "--projections" in sys.argv:
            store.rebuild()
            start = time.perf_counter()
            differences = store.projection_differences()
            took = time.perf_counter() - start
            print(f"projections: {took:.2f} s ({len(differences)} differences)")


if __name__ == "__main__":
    main()
