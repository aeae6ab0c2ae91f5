"""Side-by-side benchmark: our store against raw sqlite3 and the ``eventsourcing`` library.

One run generates a seeded synthetic log (``scripts/synthetic.py``: N proposals x 100
events, fuzzy dates, late reports, reversals, denials, retractions, amendments, plus one
1,000-event proposal) and measures, in this process and on the same rows, everything
issues 4 and 11 list. Results go to a JSON file (one entry per size) and a table is printed;
``--markdown`` renders the saved results as the table of ``docs/benchmarks.md``.

Besides the timings: the bytes of the database per table (``dbstat``) and the row bytes of the
1,000-event proposal against the average proposal; up to ``SERIAL_IMPORT_UP_TO`` events, a second
import of the same log without the long proposal (its bytes on disk are the difference of the two
files) in one process with ``rules.apply`` wrapped by a counter (calls per event, per axis:
instrumented here, not in the library); ``history``, ``audit``, ``why`` of one proposal as whole
processes on the benchmark's database (``bench_cli.one_proposal``).

    python scripts/bench.py --sizes 10000,100000 --out bench.json
    python scripts/bench.py --sizes 1000000 --out bench.json      # adds to the file
    python scripts/bench.py --markdown bench.json
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cli  # noqa: E402
import synthetic  # noqa: E402

import tracker.core.intervals as intervals_module  # noqa: E402
import tracker.core.replay as replay_module  # noqa: E402
import tracker.core.segments as segments_module  # noqa: E402
from tracker.api import Tracker  # noqa: E402
from tracker.store import workers  # noqa: E402
from tracker.store.log import COLUMNS  # noqa: E402
from tracker.store.parallel_verify import check_chain_of  # noqa: E402
from tracker.store.projections import lookup  # noqa: E402

PER_PROPOSAL = 100
VERIFY_PROJECTIONS_UP_TO = 200_000
SERIAL_IMPORT_UP_TO = 200_000
BIG = 1000
FEED = 1000
RAW_SCHEMA = """CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, proposal TEXT NOT NULL,
    version INTEGER NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL, occurred TEXT NOT NULL,
    occurred_from TEXT NOT NULL, occurred_to TEXT NOT NULL, reported TEXT, reported_from TEXT, reported_to TEXT,
    recorded_at TEXT NOT NULL, schema_version INTEGER NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL)"""
RAW_INDEXES = (
    "CREATE UNIQUE INDEX events_id ON events (id)",
    "CREATE UNIQUE INDEX events_stream ON events (proposal, version)",
)


def median_ms(func: Callable[[], object], runs: int = 5) -> float:
    """Median wall time of ``runs`` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def timed(func: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def raw_insert(src: sqlite3.Connection, path: Path, indexes: tuple[str, ...]) -> float:
    """executemany of our rows into a bare table (one transaction, WAL); returns rows/s (insert time only)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(RAW_SCHEMA)
    for sql in indexes:
        conn.execute(sql)
    cursor = src.execute(f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY seq")
    spent, count = 0.0, 0
    conn.execute("BEGIN")
    while rows := cursor.fetchmany(20_000):
        start = time.perf_counter()
        conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(COLUMNS))})", rows)
        spent += time.perf_counter() - start
        count += len(rows)
    start = time.perf_counter()
    conn.execute("COMMIT")
    spent += time.perf_counter() - start
    conn.close()
    return count / spent


def raw_durable_append_ms(path: Path) -> float:
    """One INSERT + COMMIT (WAL, synchronous=FULL) into the raw table, median ms."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    top = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    row = list(conn.execute("SELECT * FROM events WHERE seq = ?", (top,)).fetchone())
    counter = iter(range(1, 10_000))

    def one() -> None:
        n = next(counter)
        row[0], row[1], row[3] = top + n, f"raw-{n}", 10_000 + n
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO events VALUES ({', '.join('?' * len(row))})", row)
        conn.execute("COMMIT")

    result = median_ms(one, 30)
    conn.close()
    return result


@functools.cache
def _story_class() -> Any:
    """An aggregate per proposal; each event carries the stored body (defined once: topics are global)."""
    from eventsourcing.domain import Aggregate, event

    class Story(Aggregate):  # type: ignore[misc]
        @event("Floated")
        def __init__(self, slug: str, body: str) -> None:
            self.slug = slug
            self.last = body

        @event("Happened")
        def happen(self, body: str) -> None:
            self.last = body

    return Story


def bench_eventsourcing(src: sqlite3.Connection, workdir: Path) -> dict[str, Any] | str:
    """The same streams as ``eventsourcing`` aggregates with its SQLite persistence."""
    try:
        from eventsourcing.application import Application
    except ImportError:
        return "eventsourcing is not installed (pip install eventsourcing): column skipped"
    Story = _story_class()
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(workdir / "es.db")}
    app = Application(env=env)
    rows = src.execute("SELECT proposal, body FROM events ORDER BY proposal, version")
    ids: dict[str, Any] = {}
    count = 0
    start = time.perf_counter()
    story: Any = None
    for proposal, body in rows:
        if story is None or story.slug != proposal:
            if story is not None:
                app.save(story)
            story = Story(proposal, body)
            ids[proposal] = story.id
        else:
            story.happen(body)
        count += 1
    app.save(story)
    append_rate = count / (time.perf_counter() - start)
    big = ids["proposal-999999"]
    whole = median_ms(lambda: app.repository.get(big), 5)
    past = median_ms(lambda: app.repository.get(big, version=BIG // 2), 5)
    single = app.repository.get(ids[min(ids)])

    def one() -> None:
        single.happen("{}")
        app.save(single)

    durable = median_ms(one, 30)
    return {"append_per_s": append_rate, "get_ms": whole, "get_past_ms": past, "one_event_save_ms": durable}


class ApplyCounter:
    """Counts ``rules.apply`` calls by the axis being folded, from outside the library.

    ``rules.apply`` is bound by name in ``intervals`` and ``replay``; both bindings are wrapped, and so
    are the functions that fold one axis (``intervals.sweep_days``, ``intervals._sweep_recorded``,
    ``intervals._fold_in`` for the tail path, ``segments.sweep_days``), which set the axis a call
    is counted under. Calls outside them (``replay.fold``, audit, history) count as ``other``.
    """

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.axis = "other"
        self._saved: list[tuple[Any, str, Any]] = []

    def _swap(self, module: Any, name: str, wrapper: Any) -> None:
        self._saved.append((module, name, getattr(module, name)))
        setattr(module, name, wrapper)

    def __enter__(self) -> ApplyCounter:
        counter = self

        def counted(apply: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                counter.calls[counter.axis] = counter.calls.get(counter.axis, 0) + 1
                return apply(*args, **kwargs)

            return wrapper

        def on_axis(func: Callable[..., Any], axis_of: Callable[..., str]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                outer, counter.axis = counter.axis, axis_of(*args, **kwargs)
                try:
                    return func(*args, **kwargs)
                finally:
                    counter.axis = outer

            return wrapper

        for module in (intervals_module, replay_module):
            self._swap(module, "apply", counted(module.apply))
        self._swap(intervals_module, "sweep_days", on_axis(intervals_module.sweep_days, lambda p, axis, *a, **k: axis))
        self._swap(
            intervals_module, "_sweep_recorded", on_axis(intervals_module._sweep_recorded, lambda *a: "as_recorded")
        )
        self._swap(
            intervals_module, "_fold_in", on_axis(intervals_module._fold_in, lambda out, last, *a: f"tail {last.axis}")
        )
        self._swap(
            segments_module,
            "sweep_days",
            on_axis(segments_module.sweep_days, lambda p, axis, *a, **k: f"segments {axis}"),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        for module, name, value in reversed(self._saved):
            setattr(module, name, value)


def counted_import(log: Path, db: Path, events: int) -> dict[str, Any]:
    """Import ``log`` into a fresh ``db`` in this process (``TRACKER_WORKERS=1``) counting ``rules.apply``
    per event per axis; the file's size too (the counter's wrappers slow it: not timed)."""
    os.environ["TRACKER_WORKERS"] = "1"
    try:
        with ApplyCounter() as counter, Tracker(db) as t:
            t.import_file(log)
            t.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = _file_bytes(t.store.conn)
    finally:
        del os.environ["TRACKER_WORKERS"]
        gc.collect()
    per_axis = {axis: calls / events for axis, calls in sorted(counter.calls.items())}
    return {"apply_per_event": per_axis, "apply_per_event_total": sum(per_axis.values()), "file_bytes": size}


def _file_bytes(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0])


def table_bytes(conn: sqlite3.Connection) -> dict[str, int]:
    """Bytes of each table and index on disk (``dbstat``: pages times page size), largest first."""
    rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
    return {name: int(size) for name, size in rows}


def proposal_row_bytes(conn: sqlite3.Connection, proposal: str) -> dict[str, Any]:
    """Row bytes (the sum of every column's length) per event: of ``proposal``'s rows, and of every
    proposal's rows on average, table by table, for the tables with a ``proposal`` column."""
    tables = [
        name
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'")
        if any(col[1] == "proposal" for col in conn.execute(f"PRAGMA table_info({name})"))
    ]
    ours = conn.execute("SELECT count(*) FROM events WHERE proposal = ?", (proposal,)).fetchone()[0]
    everyone = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    out: dict[str, Any] = {"events": ours}
    big_total = all_total = 0
    for name in tables:
        cols = " + ".join(f"coalesce(length({c[1]}), 0)" for c in conn.execute(f"PRAGMA table_info({name})"))
        big = conn.execute(f"SELECT coalesce(sum({cols}), 0) FROM {name} WHERE proposal = ?", (proposal,)).fetchone()[0]
        total = conn.execute(f"SELECT coalesce(sum({cols}), 0) FROM {name}").fetchone()[0]
        out[name] = {"big_per_event": big / ours, "average_per_event": total / everyone}
        big_total, all_total = big_total + big, all_total + total
    out["all"] = {"big_per_event": big_total / ours, "average_per_event": all_total / everyone}
    out["ratio"] = out["all"]["big_per_event"] / out["all"]["average_per_event"]
    return out


def _partial(out: dict[str, Any]) -> None:
    """Write what is measured so far to ``$BENCH_PARTIAL`` if set (a long run stopped early keeps it)."""
    path = os.environ.get("BENCH_PARTIAL")
    if path:
        Path(path).write_text(json.dumps(out, indent=2, default=str))


def bench_size(total: int, workdir: Path) -> dict[str, Any]:
    """Every measurement at one size (about ``total`` events)."""
    proposals = max(1, total // PER_PROPOSAL)
    log = workdir / "log.jsonl"
    n = synthetic.write(log, proposals, PER_PROPOSAL, seed=7, big=BIG)
    out: dict[str, Any] = {"events": n, "proposals": proposals + 1}
    gc.collect()
    if n <= SERIAL_IMPORT_UP_TO:  # the same import in this process alone, for the pool's gain
        os.environ["TRACKER_WORKERS"] = "1"
        try:
            with Tracker(workdir / "serial.db") as t:
                out["import_serial_per_s"] = n / timed(lambda: t.import_file(log))
        finally:
            del os.environ["TRACKER_WORKERS"]
            gc.collect()
    db = workdir / "ours.db"
    with Tracker(db) as t:
        out["import_s"] = timed(lambda: t.import_file(log))
        out["import_per_s"] = n / out["import_s"]
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["peak_rss_worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        conn = t.store.conn
        wal = Path(f"{db}-wal")
        out["wal_bytes_after_import"] = wal.stat().st_size if wal.exists() else 0
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        out["file_bytes_imported"] = _file_bytes(conn)
        out["bytes_per_event_imported"] = out["file_bytes_imported"] / n
        _partial(out)
        if n <= SERIAL_IMPORT_UP_TO:  # the log without the long proposal, counted
            small = workdir / "small.jsonl"
            m = synthetic.write(small, proposals, PER_PROPOSAL, seed=7, big=0)
            counted = counted_import(small, workdir / "small.db", m)
            out["without_big_file_bytes"] = counted.pop("file_bytes")
            out.update(counted)
            small.unlink()
        out["raw_insert_noindex_per_s"] = raw_insert(conn, workdir / "raw0.db", ())
        out["raw_insert_per_s"] = raw_insert(conn, workdir / "raw1.db", RAW_INDEXES)
        out["raw_durable_append_ms"] = raw_durable_append_ms(workdir / "raw1.db")
        rng = random.Random(1)
        slugs = [r[0] for r in conn.execute("SELECT proposal FROM interval_streams")]
        mid = "2019-06-15"
        stamp = conn.execute("SELECT recorded_at FROM events LIMIT 1").fetchone()[0]
        for axis, kwargs in (
            ("on", {"on": mid}),
            ("known_by", {"known_by": mid}),
            ("as_recorded", {"as_recorded": stamp}),
        ):
            out[f"one_{axis}_ms"] = median_ms(lambda kw=kwargs: t.status(rng.choice(slugs), **kw), 50)
            out[f"all_{axis}_ms"] = median_ms(lambda kw=kwargs: t.status(**kw), 3)
            out[f"all_{axis}_decoded_ms"] = median_ms(lambda kw=kwargs: [a.state for a in t.status(**kw)], 3)
            cut = kwargs[axis]
            out[f"all_{axis}_rows_ms"] = median_ms(lambda a=axis, c=cut: lookup(conn, a, c), 3)  # type: ignore[misc]
        out["one_combined_ms"] = median_ms(lambda: t.status(rng.choice(slugs), on=mid, known_by=mid), 20)
        _partial(out)
        out["big_past_on_ms"] = median_ms(lambda: t.status("proposal-999999", on="2020-01-01"), 20)
        floats = {
            r[0]: json.loads(r[1]) for r in conn.execute("SELECT proposal, body FROM events WHERE type = 'floated'")
        }
        counter = iter(range(10_000))

        def append_one() -> None:
            slug = rng.choice(slugs)
            f = floats[slug]
            actor = (f.get("addressees") or [f["actor"]])[0]
            t.append(
                [
                    {
                        "type": "considering",
                        "proposal": slug,
                        "actor": actor,
                        "occurred": "2024-01-01",
                        "id": f"bench-{next(counter)}",
                    }
                ]
            )

        out["durable_append_ms"] = median_ms(append_one, 30)
        for share, key, day in ((1.0, "feed_tail_per_s", "2036-01-15"), (0.9, "feed_mixed_per_s", "2036-02-15")):
            feed = feed_events(rng, slugs, floats, FEED, share, key, day)
            out[key] = FEED / timed(lambda f=feed: t.append(f))  # type: ignore[misc]
        count = t.store.count()
        out["rebuild_per_s"] = count / timed(t.store.rebuild)
        _partial(out)
        out["verify_chain_per_s"] = count / timed(lambda: verify_chain(t))
        out["verify_log_per_s"] = count / timed(lambda: verify_log(t))
        if count <= VERIFY_PROJECTIONS_UP_TO:  # as long as a rebuild: skipped at 1M to fit the run in the time
            out["verify_projections_per_s"] = count / timed(t.store.projection_differences)
        out["raw_scan_per_s"] = count / timed(lambda: sum(1 for _ in conn.execute("SELECT body FROM events")))
        out["raw_scan_json_per_s"] = count / timed(
            lambda: sum(1 for (b,) in conn.execute("SELECT body FROM events") if json.loads(b))
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
        out["bytes_per_event"] = pages / count
        out["table_bytes"] = table_bytes(conn)
        out["big_rows"] = proposal_row_bytes(conn, "proposal-999999")
        out["big_row_bytes_ratio"] = out["big_rows"]["ratio"]
        _partial(out)
        before_appends = out.get("file_bytes_imported")
        if before_appends is not None and "without_big_file_bytes" in out:
            out["big_bytes_per_event"] = (before_appends - out["without_big_file_bytes"]) / BIG
            out["big_bytes_ratio"] = out["big_bytes_per_event"] / out["bytes_per_event_imported"]
        one = bench_cli.one_proposal(db, rng.choice(slugs))
        big = bench_cli.one_proposal(db, "proposal-999999")
        for name in ("history", "audit", "why"):
            out[f"cli_{name}_ms"] = one[f"tracker {name} P"]["median_ms"]
            out[f"cli_{name}_cpu_ms"] = one[f"tracker {name} P"]["cpu_median_ms"]
            out[f"cli_{name}_big_ms"] = big[f"tracker {name} P"]["median_ms"]
        out["cli_status_two_axes_ms"] = one["tracker status P --on D --known-by D"]["median_ms"]
        out["cli_python_pass_ms"] = one["python -c pass"]["median_ms"]
        out["eventsourcing"] = bench_eventsourcing(conn, workdir)
    return out


def feed_events(
    rng: random.Random, slugs: list[str], floats: dict[str, Any], count: int, share: float, tag: str, day: str
) -> list[dict[str, Any]]:
    """A day's feed into the big log: ``count`` developments of random proposals, ``share`` of them
    dated ``day``, later than everything (the synthetic log ends by 2035), the rest about the past."""
    out = []
    for n in range(count):
        slug = rng.choice(slugs)
        f = floats[slug]
        actor = (f.get("addressees") or [f["actor"]])[0]
        occurred = day if rng.random() < share else "2019-05"
        out.append({"type": "considering", "proposal": slug, "actor": actor, "occurred": occurred, "id": f"{tag}-{n}"})
    return out


def verify_chain(t: Tracker) -> None:
    """The hash chain as ``tracker verify`` checks it, nothing else: in ranges on every core from
    ``parallel_verify.PARALLEL_FROM`` events (``parallel_verify.check_chain_of``)."""
    chain = check_chain_of(t.store)
    if chain.broken or chain.faults:
        raise SystemExit(f"hash chain broken: {len(chain.broken)} break(s), {len(chain.faults)} fault(s)")


def verify_log(t: Tracker) -> None:
    """``tracker verify --no-projections``: the chain and the derived columns of every row (in ranges
    on every core from ``parallel_verify.PARALLEL_FROM`` events, as ``Tracker.verify`` runs them)."""
    result = t.verify(projections=False)
    if not result.ok:
        raise SystemExit(f"verify failed: {result.faults[:3]}")


def cli_startup() -> dict[str, float]:
    """``tracker status --on D`` on the bundled corpus as a whole process (see scripts/bench_cli.py)."""
    return {"cli_status_ms": bench_cli.measure()["tracker status --on D"]["median_ms"]}


def _machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    cores = os.cpu_count()
    python = platform.python_version()
    pool = workers.workers()
    sqlite = sqlite3.sqlite_version
    return f"{platform.machine()} {cpu}, {cores} cores ({pool} workers), Python {python}, SQLite {sqlite}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--out", type=Path, default=Path("bench.json"))
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return
    saved = json.loads(args.out.read_text()) if args.out.exists() else {"runs": {}}
    startup = cli_startup()  # independent of the size: measured once, reported in every column
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            result = bench_size(size, Path(tmp))
        result.update(
            startup,
            machine=_machine(),
            date=datetime.now(UTC).isoformat(timespec="seconds"),
            command=" ".join(sys.argv),
        )
        saved["runs"][str(size)] = result
        args.out.write_text(json.dumps(saved, indent=2))
        print(markdown(saved), flush=True)


ROWS: list[tuple[str, str, str]] = [
    # (label, key, target at 1M: issue 11's; "(i4)": issue 4's, not restated by issue 11)
    ("import, events/s (validation, dates, hashing, indexes, projections)", "import_per_s", ">= 20,000"),
    ("import in one process (TRACKER_WORKERS=1), events/s", "import_serial_per_s", ""),
    ("raw executemany, rows/s, no secondary index", "raw_insert_noindex_per_s", ""),
    ("raw executemany, rows/s, id + stream indexes", "raw_insert_per_s", ""),
    ("import / raw executemany (same indexes)", "ratio_import_raw", ">= 0.25"),
    ("peak RSS of the process after import, MB", "peak_rss_mb", "<= 300"),
    ("peak RSS of the largest worker process, MB", "peak_rss_worker_mb", ""),
    ("rules.apply calls per event during an import (all axes; by axis in the JSON)", "apply_per_event_total", ""),
    ("one durable append via the API, projections updated, ms", "durable_append_ms", "<= 5 (i4)"),
    ("raw durable single-row insert + commit, ms", "raw_durable_append_ms", ""),
    ("import of a 1,000-event feed into the log, all later than everything, events/s", "feed_tail_per_s", ""),
    ("import of a 1,000-event feed, 10% about the past, events/s", "feed_mixed_per_s", ""),
    ("status of one proposal, --on, ms", "one_on_ms", "<= 2 (i4)"),
    ("status of one proposal, --known-by, ms", "one_known_by_ms", "<= 2 (i4)"),
    ("status of one proposal, --as-recorded, ms", "one_as_recorded_ms", "<= 2 (i4)"),
    ("status of one proposal, --on + --known-by (stream replay), ms", "one_combined_ms", "<= 1"),
    ("status of all proposals, --on, ms (typed Answers)", "all_on_ms", "<= 50"),
    ("status of all proposals, --known-by, ms (typed Answers)", "all_known_by_ms", "<= 50"),
    ("status of all proposals, --as-recorded, ms (typed Answers)", "all_as_recorded_ms", "<= 50"),
    ("status of all, --on, every Answer's state read, ms", "all_on_decoded_ms", ""),
    ("status of all, --known-by, every state read, ms", "all_known_by_decoded_ms", ""),
    ("status of all, --as-recorded, every state read, ms", "all_as_recorded_decoded_ms", ""),
    ("status of all, --on, projection rows only (state undecoded), ms", "all_on_rows_ms", ""),
    ("status of all, --known-by, projection rows only, ms", "all_known_by_rows_ms", ""),
    ("status of all, --as-recorded, projection rows only, ms", "all_as_recorded_rows_ms", ""),
    ("rebuild of all projections, events/s", "rebuild_per_s", ">= 30,000"),
    ("verify: hash chain, events/s", "verify_chain_per_s", ">= 250,000 (i4)"),
    ("verify: chain + derived columns (verify --no-projections), events/s", "verify_log_per_s", ""),
    ("verify: projections against a fresh replay, events/s", "verify_projections_per_s", ""),
    ("raw scan of the table, rows/s", "raw_scan_per_s", ""),
    ("raw scan with json.loads, rows/s", "raw_scan_json_per_s", ""),
    ("database bytes per event (after the appends, checkpointed)", "bytes_per_event", "<= 1,000"),
    ("database bytes per event right after the import", "bytes_per_event_imported", ""),
    ("WAL file beside the database at the end of the import, MB", "wal_mb_after_import", ""),
    ("the 1,000-event proposal: bytes on disk per event (file with it - file without it)", "big_bytes_per_event", ""),
    ("the 1,000-event proposal: bytes per event / the average", "big_bytes_ratio", "<= 1.5"),
    ("the 1,000-event proposal: row bytes per event / the average", "big_row_bytes_ratio", "<= 1.5"),
    ("tracker status --on D on the bundled corpus, whole process, ms", "cli_status_ms", "<= 250 (i4)"),
    ("tracker status P --on D --known-by D on this log, whole process, ms", "cli_status_two_axes_ms", ""),
    ("tracker history P (100 events) on this log, whole process, ms", "cli_history_ms", "<= 150"),
    ("tracker audit P (100 events), whole process, ms", "cli_audit_ms", "<= 150"),
    ("tracker why P (100 events), whole process, ms", "cli_why_ms", "<= 150"),
    ("tracker history P, CPU of the process (user + system), ms", "cli_history_cpu_ms", ""),
    ("tracker audit P, CPU of the process, ms", "cli_audit_cpu_ms", ""),
    ("tracker why P, CPU of the process, ms", "cli_why_cpu_ms", ""),
    ("tracker history of the 1,000-event proposal, whole process, ms", "cli_history_big_ms", ""),
    ("tracker audit of the 1,000-event proposal, whole process, ms", "cli_audit_big_ms", ""),
    ("tracker why of the 1,000-event proposal, whole process, ms", "cli_why_big_ms", ""),
    ("python -c pass, the same way, ms", "cli_python_pass_ms", ""),
    ("eventsourcing: append, events/s", "es_append_per_s", ""),
    ("import / eventsourcing append", "ratio_import_es", ">= 2 (i4)"),
    ("eventsourcing: one-event save, ms", "es_one_event_save_ms", ""),
    ("eventsourcing: get() of the 1,000-event aggregate, ms", "es_get_ms", ""),
    ("eventsourcing: get(version=500), ms", "es_get_past_ms", ""),
    ("ours: past state of the 1,000-event proposal (--on), ms", "big_past_on_ms", ""),
    ("eventsourcing get(version=500) / ours", "ratio_past", ">= 10 (i4)"),
]


def _derived(run: dict[str, Any]) -> dict[str, Any]:
    values = dict(run)
    es = run.get("eventsourcing")
    if isinstance(es, dict):
        values.update({f"es_{k}": v for k, v in es.items()})
        values["ratio_import_es"] = run["import_per_s"] / es["append_per_s"]
        values["ratio_past"] = es["get_past_ms"] / run["big_past_on_ms"]
    values["ratio_import_raw"] = run["import_per_s"] / run["raw_insert_per_s"]
    if "wal_bytes_after_import" in run:
        values["wal_mb_after_import"] = run["wal_bytes_after_import"] / 1e6
    return values


def _fmt(value: Any) -> str:
    if not isinstance(value, int | float):
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def verdict(target: str, value: Any) -> str:
    """'met' or 'MISSED' for a target such as '>= 40,000' or '<= 2, flat'; empty without one."""
    if not target or not isinstance(value, int | float):
        return ""
    op, number = target.split()[:2]
    limit = float(number.rstrip(",").replace(",", ""))
    ok = value >= limit if op == ">=" else value <= limit
    return "met" if ok else "MISSED"


def markdown(saved: dict[str, Any]) -> str:
    """The results as a markdown table, one column per size."""
    runs = sorted(saved["runs"].items(), key=lambda kv: int(kv[0]))
    derived = [(size, _derived(run)) for size, run in runs]
    sizes = " | ".join(f"{int(run['events']):,} events" for _, run in derived)
    head = f"| measure | {sizes} | target at 1M | verdict (largest size) |"
    lines = [head, "|" + "---|" * (len(derived) + 3)]
    for label, key, target in ROWS:
        cells = " | ".join(_fmt(run.get(key)) for _, run in derived)
        lines.append(f"| {label} | {cells} | {target} | {verdict(target, derived[-1][1].get(key))} |")
    notes = [f"- {size}: {run['eventsourcing']}" for size, run in runs if isinstance(run.get("eventsourcing"), str)]
    return "\n".join(lines + notes)


if __name__ == "__main__":
    main()
