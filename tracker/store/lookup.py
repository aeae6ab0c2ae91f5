"""Reading the ``intervals`` projection with the standard library alone.

``Tracker.status`` and the quick path of the ``tracker`` script (``quickstatus``, which must
not import pydantic) answer a question on one time axis the same way: for each proposal, the
last piece on that axis starting on or before the cut-off, kept if it has not ended by then.
This module holds that lookup and the constants both sides must agree on.
"""

from __future__ import annotations

import json
import sqlite3

from tracker.core.replay import Answer
from tracker.core.rules import judged
from tracker.store.packing import stored_reader, unpack

END_OF_TIME = "~"
"""Sorts after every date and timestamp: the cut-off of a question with no axis."""

PROJECTIONS_FORMAT = "6"
"""The stored form of the projections; the store rebuilds a file written in another on open.

1: the first (issue 4); 2: ``proposals.state`` written compact (``codec.canonical``);
3: ``proposals.state`` is the ``intervals`` state (no ``history``, keys in model order);
4: states packed (``packing``): the fixed-size part in the piece, denials and warnings as ``links``;
5: the agreement lifecycle's fields in the packed state, the ledger as ``links``, ``on`` pieces split at
   transitions with no event;
6: the ``current_status`` view shows an agreement's effective day and scheduled end.
"""

AXES = ("on", "known_by", "as_recorded")

# CROSS JOIN keeps interval_streams the outer loop (SQLite's planner otherwise starts from
# intervals when one proposal is asked); a piece that ended by the cut-off is dropped in SQL.
_SQL = (
    "SELECT i.proposal, i.status, i.uncertain, i.state FROM interval_streams s CROSS "
    "JOIN intervals i ON i.rowid = (SELECT rowid FROM intervals WHERE axis = ?1 AND proposal = s.proposal "
    "AND valid_from <= ?2 ORDER BY valid_from DESC LIMIT 1) WHERE (i.valid_to IS NULL OR i.valid_to > ?2)"
)


def pieces_at(
    conn: sqlite3.Connection, axis: str, cut: str, proposal: str | None = None
) -> list[tuple[str, str | None, tuple[str, ...], str]]:
    """(proposal, status, uncertain ids, state JSON) on one axis at ``cut``, sorted by proposal.

    One index seek per proposal; the state JSON is returned undecoded. The question with no
    cut-off (everything recorded, the default of ``tracker status``) reads the ``proposals``
    table instead, which holds the same open ``as_recorded`` piece of each proposal, in one scan.
    """
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}")
    if axis == "as_recorded" and cut == END_OF_TIME:
        if proposal is not None:
            rows = conn.execute("SELECT proposal, status, state FROM proposals WHERE proposal = ?", (proposal,))
        else:  # in table order (a bulk import writes it sorted), then sorted here: no index walk
            rows = conn.execute("SELECT proposal, status, state FROM proposals")
        return sorted((name, status, (), state) for name, status, state in rows)
    sql, args = _SQL, [axis, cut]
    if proposal is not None:
        sql, args = sql + " AND s.proposal = ?3", [axis, cut, proposal]
    loads = json.loads
    return [
        (name, status, tuple(loads(uncertain)) if uncertain != "[]" else (), state)
        for name, status, uncertain, state in conn.execute(sql + " ORDER BY s.proposal", args)
    ]


def answers_at(
    conn: sqlite3.Connection,
    axis: str,
    cut: str,
    proposal: str | None = None,
    *,
    today: str | None = None,
    lists: bool = True,
) -> list[Answer]:
    """``pieces_at`` decoded: each proposal's answer on ``axis`` holding at ``cut``, sorted by proposal.

    The status is judged on the day asked (``rules.judged``): the ``on`` cut-off, else ``today``;
    an ``on`` piece already holds the transitions with no event (its status and the terms left
    uncertain). Each answer's lists (denials, warnings, the ledger) are read from ``links``, only
    the links they hold; ``lists=False`` leaves them unread, with only their lengths right (the
    status table shows no more)."""
    day = cut if axis == "on" else today
    known_by = cut if axis == "known_by" else None
    out = []
    for name, status, ids, packed in pieces_at(conn, axis, cut, proposal):
        state = unpack(name, status, packed, stored_reader(conn, name) if lists else None)
        judged_state, marks = judged(state, day, known_by)
        out.append(Answer(name, judged_state, ids if axis == "on" else ids + marks))
    return out
