"""Exhaustively: whichever row is tampered with, and however, verify names that seq and the kind of fault.

The rows are tampered with in memory (``verify`` is pure over rows), so every case runs fast;
``test_verify.py`` does the same kinds against a real SQLite file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import ev

from tracker.api import Tracker
from tracker.store.log import row_hash
from tracker.store.verify import verify

Rows = list[list[Any]]


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Rows:
    path: Path = tmp_path_factory.mktemp("prop") / "t.db"
    with Tracker(path) as t:
        for n in range(12):
            with freeze_time(f"2024-02-{n + 1:02d}T12:00:00Z"):
                proposal = f"p{n % 3}"
                first = n < 3
                kind = "floated" if first else ("considering", "accepted", "rejected")[n % 3]
                t.append([ev(kind, proposal=proposal, id=f"e{n}", actor=f"x{n % 4}", occurred=f"2024-01-{n + 1:02d}")])
        return [list(r) for r in t.store.rows()]


def renumber(rows: Rows) -> Rows:
    return [[i + 1, *r[1:]] for i, r in enumerate(rows)]


def edit(rows: Rows, i: int) -> Rows:
    rows[i][14] = rows[i][14].replace('"actor":"', '"actor":"z')
    return rows


def rewrite(rows: Rows, i: int) -> Rows:
    """Edit a row and recompute its hash: the next row still chains to the old one."""
    rows = edit(rows, i)
    rows[i][16] = row_hash(rows[i][15], rows[i][0], rows[i][12], rows[i][13], rows[i][14])
    return rows


def edit_column(rows: Rows, i: int) -> Rows:
    rows[i][6] = "2023-12-31"
    return rows


def delete(rows: Rows, i: int) -> Rows:
    return rows[:i] + rows[i + 1 :]


def delete_renumbered(rows: Rows, i: int) -> Rows:
    return renumber(delete(rows, i))


def swap(rows: Rows, i: int) -> Rows:
    rows[i], rows[i + 1] = rows[i + 1], rows[i]
    return renumber(rows)


def insert(rows: Rows, i: int) -> Rows:
    prev = rows[i - 1][16] if i else "0" * 64
    forged = list(rows[i])
    forged[1], forged[14] = "forged", forged[14].replace(f'"id":"{forged[1]}"', '"id":"forged"')
    forged[15], forged[16] = prev, row_hash(prev, i + 1, forged[12], forged[13], forged[14])
    return renumber(rows[:i] + [forged] + rows[i:])


TAMPERINGS = {
    "edited": edit,
    "edited ": rewrite,
    "column": edit_column,
    "deleted": delete,
    "deleted ": delete_renumbered,
    "reordered": swap,
    "inserted": insert,
}


@pytest.mark.parametrize("kind", sorted(TAMPERINGS))
@pytest.mark.parametrize("at", range(11))
def test_any_single_tampering_is_named_at_its_seq(log: Rows, kind: str, at: int) -> None:
    rows = TAMPERINGS[kind]([list(r) for r in log], at)
    result = verify(lambda: rows)
    assert not result.ok
    assert result.first is not None
    assert (result.first.seq, result.first.kind) == (at + 1, kind.strip()), result.faults


def test_the_untouched_rows_verify(log: Rows) -> None:
    assert verify(lambda: log).ok
