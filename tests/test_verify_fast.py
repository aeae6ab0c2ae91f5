"""verify's fast passes agree with the exact checks they stand in for, whatever is tampered with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import ev

from tracker.api import Tracker
from tracker.store.log import COLUMNS
from tracker.store.verify import (
    CHAIN_COLUMNS,
    DERIVED_COLUMNS,
    Fault,
    _check_columns,
    check_chain,
    check_columns,
    select_from,
    verify,
)
from tracker.store.verify import (
    COLUMNS as VERIFY_COLUMNS,
)

Rows = list[list[Any]]

LOG = [
    ev("floated", id="f", actor="a", addressees=["b", "c"], mediators=["m"], occurred="2024-01-01", terms="x"),
    ev("considering", id="c1", actor="b", occurred="2024-01", reported="2024-02-01", person="Ms Ü"),
    ev("accepted", id="a1", actor="c", occurred="2024-01-03/2024-01-09", note="with \"quotes\" and \\ too"),
    ev("floated", id="g", proposal="q", actor="b", occurred="2023-12-30?", reported="2024-01-02"),
    ev("denied", id="d1", proposal="q", actor="b", occurred="2024-21"),
    ev("rejected", id="r1", actor="b", occurred="2024-02-10",
       sources=[{"outlet": "W", "title": "t", "published": "2024-02-11"}]),
    ev("retracted", id="x1", actor="editor", occurred="2024-03-01", target="c1", reason="wrong"),
    ev("amended", id="m1", actor="editor", occurred="2024-03-02", target="a1", reason="date",
       replacement={"type": "accepted", "proposal": "p", "actor": "c", "occurred": "2024-01-04"}),
    ev("reversed", id="v1", actor="c", occurred="2024-03-05", stance="rejected", reported="2024-03-06"),
]  # fmt: skip


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Rows:
    with Tracker(tmp_path_factory.mktemp("fast") / "t.db") as t:
        for n, e in enumerate(LOG):
            with freeze_time(f"2024-04-{n + 1:02d}T12:00:00Z"):
                t.append([e])
        assert t.verify().ok
        return [list(r) for r in t.store.rows()]


def exact(rows: Rows) -> list[Fault]:
    """The derived columns checked by the exact (decoding) check alone, row by row."""
    versions: dict[str, int] = {}
    faults: list[Fault] = []
    for row in rows:
        _check_columns(row, versions, faults)
    return faults


def derived(full: Rows) -> Rows:
    return [list(r) for r in select_from(lambda: full)(DERIVED_COLUMNS)]


D = {name: i for i, name in enumerate(DERIVED_COLUMNS)}
TAMPERINGS: dict[str, Callable[[list[Any], Rows], object]] = {
    "id of another row": lambda r, rows: r.__setitem__(D["id"], rows[0][D["id"]]),
    "id with a quote": lambda r, rows: r.__setitem__(D["id"], r[D["id"]] + '","x":"'),
    "id with a backslash": lambda r, rows: r.__setitem__(D["id"], r[D["id"]] + "\\"),
    "proposal swapped": lambda r, rows: r.__setitem__(D["proposal"], "q" if r[D["proposal"]] == "p" else "p"),
    "proposal as bytes": lambda r, rows: r.__setitem__(D["proposal"], r[D["proposal"]].encode()),
    "type": lambda r, rows: r.__setitem__(D["type"], "collapsed"),
    "actor": lambda r, rows: r.__setitem__(D["actor"], "z"),
    "actor prefix": lambda r, rows: r.__setitem__(D["actor"], r[D["actor"]][:-1] or "q"),
    "actor None": lambda r, rows: r.__setitem__(D["actor"], None),
    "occurred": lambda r, rows: r.__setitem__(D["occurred"], "2024-01-02"),
    "occurred not a date": lambda r, rows: r.__setitem__(D["occurred"], "soon"),
    "occurred as int": lambda r, rows: r.__setitem__(D["occurred"], 2024),
    "occurred_from": lambda r, rows: r.__setitem__(D["occurred_from"], "2000-01-01"),
    "occurred_to": lambda r, rows: r.__setitem__(D["occurred_to"], "2999-01-01"),
    "reported dropped": lambda r, rows: r.__setitem__(D["reported"], None),
    "reported added": lambda r, rows: r.__setitem__(D["reported"], "2024-05-01"),
    "reported_from": lambda r, rows: r.__setitem__(D["reported_from"], "2024-01-01"),
    "reported_to dropped": lambda r, rows: r.__setitem__(D["reported_to"], None),
    "version up": lambda r, rows: r.__setitem__(D["version"], r[D["version"]] + 1),
    "version as text": lambda r, rows: r.__setitem__(D["version"], str(r[D["version"]])),
    "version duplicated": lambda r, rows: r.__setitem__(D["version"], 1),
    "schema_version old": lambda r, rows: r.__setitem__(D["schema_version"], 0),
    "schema_version text": lambda r, rows: r.__setitem__(D["schema_version"], "1"),
    "v0 body": lambda r, rows: (
        r.__setitem__(D["schema_version"], 0),
        r.__setitem__(D["body"], r[D["body"]].replace('"type":', '"kind":').replace('"actor":', '"party":')),
    ),
    "body of another row": lambda r, rows: r.__setitem__(D["body"], rows[1][D["body"]]),
    "body not json": lambda r, rows: r.__setitem__(D["body"], "{"),
    "body key renamed": lambda r, rows: r.__setitem__(D["body"], r[D["body"]].replace('"type":', '"kind":')),
}


def test_the_untampered_rows_pass_both_ways(full: Rows) -> None:
    rows = derived(full)
    assert check_columns(rows) == exact(rows) == []


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_the_fast_column_check_finds_what_the_exact_one_finds(full: Rows, name: str) -> None:
    found = 0
    for at in range(len(full)):
        rows = derived(full)
        TAMPERINGS[name](rows[at], rows)
        expected = exact(rows)
        assert check_columns(rows) == expected, (name, at)
        found += bool(expected)
    assert bool(found) != (name in HARMLESS)  # the exact check sees the tampering, at least somewhere


HARMLESS = {"schema_version old", "v0 body"}  # a body of the draft schema that says the same: no fault


def test_the_chain_pass_reads_only_the_chain(full: Rows) -> None:
    chain = check_chain(select_from(lambda: full)(CHAIN_COLUMNS), head_seq=3)
    assert (chain.rows, chain.head_seq, chain.head_hash, chain.at_head) == (
        len(full),
        len(full),
        full[-1][16],
        full[2][16],
    )
    assert chain.broken == [] and chain.faults == []


def test_store_rows_selects_the_columns_named(tmp_path: Any) -> None:
    assert VERIFY_COLUMNS == COLUMNS
    with Tracker(tmp_path / "t.db") as t:
        t.append(LOG[:3])
        full = [list(r) for r in t.store.rows()]
        assert [list(r) for r in t.store.rows(DERIVED_COLUMNS)] == derived(full)
        assert verify(select=t.store.rows) == verify(lambda: full)
        with pytest.raises(ValueError, match="not a column"):
            list(t.store.rows(("seq", "1; DROP TABLE events")))
