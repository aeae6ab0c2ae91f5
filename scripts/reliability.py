"""Shared pieces of the reliability harnesses (stress writers, crash harness, fuzzing).

Imported by ``scripts/*.py`` and by the tests that run the same harnesses at a smaller
scale. The hash chain is checked here from first principles with ``tracker.store.row_hash``
over ``Store.rows()``, independently of any ``verify`` command.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.store.log import GENESIS, Store, row_hash

ROOT = Path(__file__).resolve().parent.parent


def chain_problems(store: Store) -> list[str]:
    """Every way the log breaks its invariants: seq not dense from 1, a broken or forged hash link."""
    problems: list[str] = []
    prev = GENESIS
    for expected, row in enumerate(store.rows(), start=1):
        seq, recorded_at, version, body, prev_hash, digest = row[0], row[12], row[13], row[14], row[15], row[16]
        if seq != expected:
            problems.append(f"seq {seq} where {expected} was expected")
        if prev_hash != prev:
            problems.append(f"seq {seq}: prev_hash does not link to the row before")
        if row_hash(str(prev_hash), int(str(seq)), str(recorded_at), int(str(version)), str(body)) != digest:
            problems.append(f"seq {seq}: hash does not match the row")
        prev = str(digest)
    return problems


@dataclass(frozen=True)
class Snapshot:
    """What a log holds, to compare before and after: its rows' count, ids and a digest of all rows."""

    count: int
    ids: frozenset[str]
    digest: str


def snapshot(path: Path) -> Snapshot:
    """The log's content (an empty snapshot if the file does not exist)."""
    if not path.exists():
        return Snapshot(0, frozenset(), hashlib.sha256().hexdigest())
    with Store(path) as store:
        rows = list(store.rows())
    digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    return Snapshot(len(rows), frozenset(str(r[1]) for r in rows), digest)


def event(kind: str, proposal: str, actor: str, occurred: str = "2024-01-01", **fields: Any) -> dict[str, Any]:
    """A minimal event dict."""
    return {"type": kind, "proposal": proposal, "actor": actor, "occurred": occurred, **fields}


def story(tag: str, n: int, proposals: int = 1) -> list[dict[str, Any]]:
    """``n`` events with ids ``{tag}-{i}``: each of ``proposals`` proposals floated first, then stances."""
    out: list[dict[str, Any]] = []
    kinds = ("considering", "accepted", "rejected")
    for i in range(n):
        proposal = f"{tag}-p{i % proposals}"
        if i < proposals:
            out.append(event("floated", proposal, "proposer", id=f"{tag}-{i}", addressees=["party"]))
        else:
            day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            out.append(event(kinds[i % 3], proposal, f"actor-{i % 7}", day, id=f"{tag}-{i}"))
    return out


def write_jsonl(path: Path, events: list[dict[str, Any]]) -> Path:
    """Write events as a JSONL file."""
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def tracker_cmd(*args: str) -> list[str]:
    """The command line running the tracker CLI with this interpreter."""
    return [sys.executable, "-m", "tracker", *args]


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess, capturing its output."""
    return subprocess.run(
        tracker_cmd(*args), input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
