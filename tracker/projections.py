"""Projections: tables derived from the log, kept up to date at append time, rebuildable.

The log is the truth; every other table is a projection. A projection says how to create
its tables, how to refresh the proposals a batch touched (inside the batch's transaction),
how to rebuild itself from nothing, and how it differs from a fresh replay (for ``verify``
and the tests). New projections register in ``PROJECTIONS``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from tracker.readable import Readable
from tracker.replay import Question, answer_one, effective

if TYPE_CHECKING:
    from tracker.store import Store


class Projection(Protocol):
    """A derived table (or several) of the store."""

    name: str
    tables: tuple[str, ...]

    def create(self, conn: sqlite3.Connection) -> None:
        """Create the tables if they do not exist."""

    def refresh(self, store: Store, proposals: Iterable[str]) -> None:
        """Re-derive the rows of these proposals (called inside the append transaction)."""

    def rebuild(self, store: Store) -> None:
        """Empty the tables and derive them again from the whole log."""

    def differences(self, store: Store) -> list[str]:
        """How the tables differ from a fresh replay of the log (empty if they agree)."""


class Current:
    """``proposals``: each proposal's state now, by everything recorded (one row each)."""

    name = "current"
    tables: tuple[str, ...] = ("proposals",)

    def create(self, conn: sqlite3.Connection) -> None:
        """Create the ``proposals`` table."""
        conn.execute(
            """CREATE TABLE IF NOT EXISTS proposals (
                proposal TEXT PRIMARY KEY,
                status TEXT,
                version INTEGER NOT NULL,
                disputed INTEGER NOT NULL,
                proposer TEXT,
                last_seq INTEGER NOT NULL,
                state TEXT NOT NULL
            )"""
        )

    def _row(self, store: Store, proposal: str) -> tuple[object, ...] | None:
        records = list(store.records(proposal))
        if not records:
            return None
        result = answer_one(proposal, effective(records), Question())
        if result is None:
            return None
        s = result.state
        state = json.dumps(s.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        last_seq = max(r.seq for r in records)
        return (proposal, s.status, len(records), int(s.disputed), s.proposer, last_seq, state)

    def refresh(self, store: Store, proposals: Iterable[str]) -> None:
        """Re-derive the rows of the touched proposals."""
        for proposal in proposals:
            row = self._row(store, proposal)
            store.conn.execute("DELETE FROM proposals WHERE proposal = ?", (proposal,))
            if row is not None:
                store.conn.execute("INSERT INTO proposals VALUES (?, ?, ?, ?, ?, ?, ?)", row)

    def rebuild(self, store: Store) -> None:
        """Derive every row again."""
        store.conn.execute("DELETE FROM proposals")
        self.refresh(store, store.proposals())

    def differences(self, store: Store) -> list[str]:
        """Rows that disagree with a fresh replay."""
        stored = {r[0]: tuple(r) for r in store.conn.execute("SELECT * FROM proposals")}
        out = []
        for proposal in sorted(set(stored) | set(store.proposals())):
            fresh = self._row(store, proposal)
            if stored.get(proposal) != fresh:
                out.append(f"proposals: row of {proposal!r} disagrees with a fresh replay")
        return out


PROJECTIONS: list[Projection] = [Current(), Readable()]
