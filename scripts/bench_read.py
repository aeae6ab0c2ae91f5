"""Time the read paths on an existing database (not a test; run by hand).

    python scripts/bench_read.py /tmp/1m.db [--no-verify]

``Tracker.status`` of all proposals on each axis (median of 5 runs), the same with every
answer's ``state`` read, the projection lookup alone, then ``Tracker.verify(projections=False)``
and the hash-chain pass. Runs against whichever ``tracker`` is importable, so
``PYTHONPATH=/other/checkout`` times another version on the same database.
"""

from __future__ import annotations

import sys
import time

from bench import median_ms  # scripts/ is on the path when this runs as a script

import tracker
from tracker.api import Tracker
from tracker.store.projections import lookup


def chain_rate(t: Tracker, count: int) -> tuple[str, float]:
    """The hash-chain pass in events/s: ``verify.check_chain`` where it exists, else the old bench loop."""
    try:
        from tracker.store.verify import CHAIN_COLUMNS, check_chain
    except ImportError:
        from tracker.store.log import GENESIS, row_hash

        def old_loop() -> None:
            prev = GENESIS
            for row in t.store.rows():
                seq, at, schema, body, prev_hash, digest = row[0], row[12], row[13], row[14], row[15], row[16]
                if prev_hash != prev or row_hash(prev, seq, at, schema, body) != digest:  # type: ignore[arg-type]
                    raise SystemExit(f"hash chain broken at seq {seq}")
                prev = str(digest)

        start = time.perf_counter()
        old_loop()
        return "bench-local loop", count / (time.perf_counter() - start)
    start = time.perf_counter()
    chain = check_chain(t.store.rows(CHAIN_COLUMNS))
    if chain.broken or chain.faults:
        raise SystemExit("hash chain broken")
    return "verify.check_chain", count / (time.perf_counter() - start)


def main() -> None:
    db = sys.argv[1]
    print(f"tracker from {tracker.__file__}")
    with Tracker(db) as t:
        conn = t.store.conn
        count = t.store.count()
        stamp = conn.execute("SELECT recorded_at FROM events LIMIT 1").fetchone()[0]
        for axis, cut in (("on", "2019-06-15"), ("known_by", "2019-06-15"), ("as_recorded", stamp)):
            kwargs = {axis: cut}
            answers = len(t.status(**kwargs))
            listed = median_ms(lambda kw=kwargs: t.status(**kw))  # type: ignore[misc]
            read = median_ms(lambda kw=kwargs: [a.state for a in t.status(**kw)])  # type: ignore[misc]
            rows = median_ms(lambda a=axis, c=cut: lookup(conn, a, c))  # type: ignore[misc]
            print(
                f"{axis:12s} status of all {listed:8.1f} ms | every state read {read:8.1f} ms | "
                f"lookup {rows:6.1f} ms | {answers} answers"
            )
        if "--no-verify" in sys.argv:
            return
        start = time.perf_counter()
        result = t.verify(projections=False)
        print(f"verify --no-projections: ok={result.ok}, {count / (time.perf_counter() - start):,.0f} events/s")
        how, rate = chain_rate(t, count)
        print(f"hash chain ({how}): {rate:,.0f} events/s")


if __name__ == "__main__":
    main()
