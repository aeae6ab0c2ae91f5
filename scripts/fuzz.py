#!/usr/bin/env python3
"""Fuzz the import path and the CLI: the only outcomes allowed are a clean import or a clean refusal.

Hypothesis generates batches of lines: well-formed events, events with a field broken in
one of many ways, random JSON values and raw bytes. Each batch goes through
``Tracker.import_file`` (or ``tracker append`` on stdin). A refusal must be one
``TrackerError`` (one line on stderr, exit code 1) and leave the log unchanged; an import
must append, keep seq dense and the hash chain intact. Anything else is a finding.

    python scripts/fuzz.py --examples 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability import chain_problems  # noqa: E402

from tracker.api import Tracker  # noqa: E402
from tracker.core.events import KINDS  # noqa: E402
from tracker.errors import ManyErrors, TrackerError  # noqa: E402

SLUGS = ("p", "q", "seed-p", "russia", "ukraine", "united-states")
GOOD_DATES = ("2024", "2024-01", "2024-01-15", "2023-23", "2022~", "2024-03-10?", "2023-09/2024-01", "2022-03-29/..")
BAD_DATES = ("2024-02-30", "0000", "12024", "2024-13", "2024-01-01T25:00", "", " 2024", "2024/2023", "yesterday")
JUNK: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually a value from ``strategy``, sometimes anything at all."""
    # (hypothesis favours the ends of ranges and the first branches; 7 of 0..11 is a plain 1 in 12)
    return st.integers(0, 11).flatmap(lambda i: JUNK if i == 7 else strategy)


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    """An event dict, usually plausible, sometimes broken in a field or two."""
    kind = draw(_maybe(st.sampled_from(KINDS)))
    out: dict[str, Any] = {
        "type": kind,
        "proposal": draw(_maybe(st.sampled_from(SLUGS[:3]))),
        "actor": draw(_maybe(st.sampled_from(SLUGS))),
        "occurred": draw(_maybe(st.sampled_from(GOOD_DATES * 3 + BAD_DATES))),
    }
    if draw(st.booleans()):
        out["id"] = draw(_maybe(st.sampled_from(("e1", "e2", "e3", "e4", "seed-f", "seed-c"))))
    if draw(st.integers(0, 3)) == 0:
        out["reported"] = draw(_maybe(st.sampled_from(GOOD_DATES * 3 + BAD_DATES)))
    if kind in ("retracted", "amended") or (kind == "denied" and draw(st.booleans())):
        out["target"] = draw(_maybe(st.sampled_from(("e1", "e2", "seed-f", "seed-c", "nothing"))))
    if kind in ("retracted", "amended"):
        out["reason"] = draw(_maybe(st.text(min_size=1, max_size=20)))
    if kind == "amended":
        out["replacement"] = draw(_maybe(events()))
    if kind == "reversed":
        out["stance"] = draw(_maybe(st.sampled_from(("accepted", "rejected", "considering", "neutral"))))
    if draw(st.integers(0, 4)) == 0:
        out["note"] = draw(st.text(max_size=40))
    if draw(st.integers(0, 4)) == 0:
        source = st.fixed_dictionaries(
            {"outlet": st.text(min_size=1, max_size=10), "title": st.text(min_size=1, max_size=10),
             "published": st.sampled_from(GOOD_DATES * 3 + BAD_DATES)}
        )
        out["sources"] = draw(_maybe(st.lists(source, max_size=2)))
    if draw(st.integers(0, 19)) == 0:
        out[draw(st.text(max_size=10))] = draw(JUNK)
    return out


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _mangled(i: int) -> st.SearchStrategy[bytes]:
    if i == 7:
        return JUNK.map(lambda v: _line(v).encode())
    if i == 8:  # truncated
        return events().flatmap(lambda e: st.integers(0, len(_line(e))).map(lambda n: _line(e).encode()[:n]))
    if i == 9:
        return st.binary(max_size=60)
    return events().map(lambda e: _line(e).encode())


lines: st.SearchStrategy[bytes] = st.integers(0, 15).flatmap(_mangled)
batches: st.SearchStrategy[list[bytes]] = st.lists(lines, min_size=1, max_size=4)
SEED = [
    {"type": "floated", "id": "seed-f", "proposal": "seed-p", "actor": "russia", "occurred": "2024-01-01"},
    {"type": "considering", "id": "seed-c", "proposal": "seed-p", "actor": "ukraine", "occurred": "2024-01-02"},
]


def import_once(t: Tracker, folder: Path, batch: list[bytes], tally: Counter[str]) -> None:
    """Import one batch and check the outcome is clean; raises AssertionError on a finding.

    The log's fingerprint is its event count and head hash: the hash chain makes the head
    hash cover every row, so an unchanged fingerprint means an unchanged log.
    """
    path = folder / "batch.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ").replace(b"\r", b" ") for line in batch) + b"\n")
    before = (t.store.count(), t.store.head())
    try:
        result = t.import_file(path)
    except TrackerError as exc:
        message = str(exc)
        # One line per error: several (``ManyErrors``, every bad row of the batch) are one line each.
        assert message and all(message.split("\n")), message
        assert "\n" not in message or isinstance(exc, ManyErrors), message
        assert (t.store.count(), t.store.head()) == before, "a refused batch changed the log"
        tally[f"refused: {type(exc).__name__}"] += 1
        return
    assert t.store.count() == before[0] + result.added
    if result.added:
        assert t.store.head()[0] == before[1][0] + result.added
        tally["imported"] += 1
    else:
        tally["imported (nothing new)"] += 1


def fresh(db: Path) -> None:
    """A log holding the small seed story."""
    db.unlink(missing_ok=True)
    with Tracker(db) as t:
        t.append(SEED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=5000)
    args = parser.parse_args()
    tally: Counter[str] = Counter()
    started = time.monotonic()
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "fuzz.db"
        fresh(db)
        with Tracker(db) as t:

            @settings(max_examples=args.examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(batch=batches)
            def run(batch: list[bytes]) -> None:
                import_once(t, folder, batch, tally)

            run()
            problems = chain_problems(t.store) + t.store.projection_differences()
    figures = {"examples": sum(tally.values()), "outcomes": dict(sorted(tally.items())),
               "final_chain_and_projection_problems": problems, "seconds": round(time.monotonic() - started, 1)}
    print(json.dumps(figures, indent=2))
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
