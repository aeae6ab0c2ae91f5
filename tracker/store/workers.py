"""Deriving the projections of whole streams, in worker processes when there are many.

A rebuild, and an import that brings new proposals, derive every row of each such stream
from nothing (``Projection.derive``, pure). That is CPU work on independent streams, so on
a large batch it runs in a pool of processes (one per core) while this process reads the
next streams and writes the rows already derived; results come back in order and a
bounded number of tasks is in flight, so memory stays flat. Small batches, and machines
with one core, derive in this process. ``TRACKER_WORKERS`` sets the pool's size (``1``:
never a pool); the pool never has more processes than cores. Workers die with the process that
started them, even when it is SIGKILLed (``die_with_parent``).

The workers never touch the database: they get the stored rows of a stream (seq,
recorded_at, body, schema_version) and return plain tuples.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tracker.core import codec
from tracker.core.dates import Bounds
from tracker.core.events import SCHEMA_VERSION, event_body
from tracker.core.replay import Record
from tracker.core.upcast import load
from tracker.errors import StoreError
from tracker.store.tables import Rows

Raw = tuple[int, str, str, int, str, str, str | None, str | None]
"""A stored row of a stream: seq, recorded_at, body, schema_version, and the date bounds the store
computed when the event was appended (occurred_from/to, reported_from/to; ``verify`` checks them)."""
RAW_COLUMNS = "seq, recorded_at, body, schema_version, occurred_from, occurred_to, reported_from, reported_to"

PARALLEL_FROM = 20_000
"""Fewer events than this are derived in this process (a pool costs ~50 ms to start)."""
START_METHOD = "fork"
"""Workers are forked: they start in milliseconds and never touch the SQLite connection they
inherit (they only run ``_derive_task`` and leave through ``os._exit``, so it is not even closed
there). "spawn" would re-run the caller's ``__main__`` in each worker, which breaks any script
without an ``if __name__ == "__main__"`` guard; where fork does not exist, streams are derived in
this process."""
_TASK_EVENTS = 2_000  # events per task: big enough to amortise pickling, small enough to balance
_IN_FLIGHT = 3  # tasks queued per worker
_WATCH_SECONDS = 0.5  # how often a worker without PR_SET_PDEATHSIG looks for its parent


def record(
    seq: int, recorded_at: str, body: str, version: int, low: str, high: str, said: str | None, known: str | None
) -> Record:
    """A stored row as a record, its dates bounded by the stored columns (no date is parsed);
    older schema versions go through the upcasters first."""
    event = codec.loads(body if version == SCHEMA_VERSION else event_body(load(body, version)))
    reported = Bounds(said, known) if said is not None and known is not None else None
    return Record.stored(seq, recorded_at, event, Bounds(low, high), reported)


def derive_stream(proposal: str, raw: Sequence[Raw]) -> list[Rows]:
    """Every projection's rows for one whole stream, in the order of ``PROJECTIONS``."""
    from tracker.store.projections import PROJECTIONS

    records = [record(*row) for row in raw]
    out: list[Rows] = []
    before: Rows = {}
    for projection in PROJECTIONS:
        rows = projection.derive(proposal, records, before)
        before = {**before, **rows}
        out.append(rows)
    return out


def _derive_task(task: list[tuple[str, list[Raw]]]) -> list[list[Rows]]:
    # Short-lived objects, no cycles: the collector walking them would cost ~30%.
    gc.disable()
    return [derive_stream(proposal, raw) for proposal, raw in task]


def die_with_parent(parent: int, *, prctl: bool = True) -> None:
    """In a worker (a pool's initializer): exit when ``parent``, the process that forked it, dies,
    even by SIGKILL, so that no worker is left running for ever after a killed import or verify.

    On Linux the kernel sends the worker SIGKILL (``prctl(PR_SET_PDEATHSIG)``); elsewhere, or if
    that call fails (``prctl=False`` forces this), a daemon thread polls ``os.getppid()`` twice a
    second and leaves through ``os._exit`` once the worker has been re-parented.
    """
    if prctl and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, signal.SIGKILL) == 0:  # 1 = PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the parent died before the call took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch, args=(parent,), name="die-with-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def workers() -> int:
    """The pool's size: ``TRACKER_WORKERS`` if set, else the number of cores."""
    setting = os.environ.get("TRACKER_WORKERS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    return os.cpu_count() or 1


def derive_streams(streams: Iterable[tuple[str, list[Raw]]], events: int) -> Iterator[list[Rows]]:
    """``derive_stream`` of each stream, in order; in a pool when ``events`` (their total) is large."""
    size = min(workers(), os.cpu_count() or 1)  # never more processes than cores
    if size <= 1 or events < PARALLEL_FROM or START_METHOD not in multiprocessing.get_all_start_methods():
        for proposal, raw in streams:
            yield derive_stream(proposal, raw)
        return
    context = multiprocessing.get_context(START_METHOD)
    pool = ProcessPoolExecutor(size, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
    with pool:
        pending: deque[Future[list[list[Rows]]]] = deque()
        try:
            for task in _tasks(streams):
                pending.append(pool.submit(_derive_task, task))
                if len(pending) >= size * _IN_FLIGHT:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool:
            # a worker was killed (out of memory, a signal); the caller's transaction rolls back
            raise StoreError("a worker process deriving the projections died; nothing was written") from None
        finally:
            for future in pending:
                future.cancel()


def _tasks(streams: Iterable[tuple[str, list[Raw]]]) -> Iterator[list[tuple[str, list[Raw]]]]:
    task: list[tuple[str, list[Raw]]] = []
    count = 0
    for proposal, raw in streams:
        task.append((proposal, raw))
        count += len(raw)
        if count >= _TASK_EVENTS:
            yield task
            task, count = [], 0
    if task:
        yield task
