"""Projections: tables derived from the log, kept up to date at append time, rebuildable.

The log is the truth; every other table is a projection. A projection says how to create
its tables, how to refresh the proposals a batch touched (inside the batch's transaction),
how to rebuild itself from nothing, and how it differs from a fresh replay (for ``verify``
and the tests). New projections register in ``PROJECTIONS``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from tracker.core import codec
from tracker.core.intervals import AXES, Axis, Interval, each_interval, extend, intervals
from tracker.core.replay import Record, effective, fold, has_correction
from tracker.core.state import CHAINS
from tracker.store.lookup import pieces_at
from tracker.store.packing import FIXED, LinkRow, Packer, unpack_state
from tracker.store.tables import Readable, Rows

if TYPE_CHECKING:
    from tracker.store.log import Store


class Projection(Protocol):
    """A derived table (or several) of the store."""

    name: str
    tables: tuple[str, ...]

    def create(self, conn: sqlite3.Connection) -> None:
        """Create the tables if they do not exist."""

    def refresh(self, store: Store, proposals: Iterable[str]) -> None:
        """Re-derive the rows of these proposals (called inside the append transaction)."""

    def derive(self, proposal: str, records: Sequence[Record], before: Rows) -> Rows:
        """Every row of one proposal from its whole stream, by table (pure: no I/O, runs in workers).

        ``before`` holds the rows already derived for this proposal by the projections listed earlier
        in ``PROJECTIONS``.
        """

    def insert(self, conn: sqlite3.Connection, rows: Rows) -> None:
        """Write rows made by ``derive``."""

    def clear(self, conn: sqlite3.Connection) -> None:
        """Empty the tables (``Store.rebuild`` then inserts what ``derive`` makes of every stream)."""

    def begin_bulk(self, conn: sqlite3.Connection) -> None:
        """Many rows are coming (a rebuild, a large import): drop what is cheaper to remake once."""

    def end_bulk(self, conn: sqlite3.Connection) -> None:
        """Remake what ``begin_bulk`` dropped."""

    def differences(self, store: Store) -> list[str]:
        """How the tables differ from a fresh replay of the log (empty if they agree)."""


class Current:
    """``proposals``: each proposal's state now, by everything recorded (one row each).

    The state is the one the ``intervals`` projection holds from the last recording time on
    (its open ``as_recorded`` piece: nothing is folded twice), without ``history``;
    ``differences`` checks it against a straight fold of the stream.
    """

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

    def _row(
        self, proposal: str, records: Sequence[Record], state: tuple[str | None, str] | None
    ) -> tuple[object, ...] | None:
        if state is None:  # every event retracted
            return None
        return _current_row(proposal, len(records), max(r.seq for r in records), *state)

    def _fresh(self, proposal: str, records: Sequence[Record]) -> tuple[object, ...] | None:
        live = effective(records)
        state = fold(proposal, live)
        return self._row(proposal, records, (state["status"], Packer(proposal).pack(state)) if live else None)

    def refresh(self, store: Store, proposals: Iterable[str]) -> None:
        """Re-derive the rows of the touched proposals (after ``intervals``, in the same transaction).

        A batch that only adds events to a proposal with a row moves its version and last seq
        on; a correction, or a proposal without a row, counts the whole stream.
        """
        sql = "SELECT status, state FROM intervals WHERE axis = 'as_recorded' AND proposal = ? AND valid_to IS NULL"
        after = store.refresh_after_seq
        for proposal in proposals:
            now = store.conn.execute(sql, (proposal,)).fetchone()
            state = (now[0], now[1]) if now else None
            old = store.conn.execute("SELECT version FROM proposals WHERE proposal = ?", (proposal,)).fetchone()
            new = store.new_records(proposal, after) if old is not None and after is not None else []
            if new and state is not None and not has_correction(new):
                row: tuple[object, ...] | None = _current_row(
                    proposal, old[0] + len(new), max(r.seq for r in new), *state
                )
            else:
                row = self._row(proposal, store.stream(proposal), state)
            store.conn.execute("DELETE FROM proposals WHERE proposal = ?", (proposal,))
            if row is not None:
                store.conn.execute("INSERT INTO proposals VALUES (?, ?, ?, ?, ?, ?, ?)", row)

    def derive(self, proposal: str, records: Sequence[Record], before: Rows) -> Rows:
        """The proposal's one row (none if every event was retracted)."""
        now = [(r[4], r[6]) for r in before["intervals"] if r[0] == "as_recorded" and r[3] is None]
        row = self._row(proposal, records, now[0] if now else None)
        return {"proposals": [row] if row is not None else []}

    def insert(self, conn: sqlite3.Connection, rows: Rows) -> None:
        """Write the rows."""
        conn.executemany("INSERT INTO proposals VALUES (?, ?, ?, ?, ?, ?, ?)", rows["proposals"])

    def clear(self, conn: sqlite3.Connection) -> None:
        """Empty the table."""
        conn.execute("DELETE FROM proposals")

    def begin_bulk(self, conn: sqlite3.Connection) -> None:
        """Nothing to drop."""

    def end_bulk(self, conn: sqlite3.Connection) -> None:
        """Nothing to remake."""

    def differences(self, store: Store) -> list[str]:
        """Rows that disagree with a fresh replay."""
        stored = {r[0]: tuple(r) for r in store.conn.execute("SELECT * FROM proposals")}
        out = []
        for proposal, records in store.streams():
            fresh = self._fresh(proposal, records)
            if stored.pop(proposal, None) != fresh:
                out.append(f"proposals: row of {proposal!r} disagrees with a fresh replay")
        return out + [f"proposals: row of {p!r}, a proposal not in the log" for p in sorted(stored)]


class ValidTime:
    """``intervals``: each proposal's answer on each single time axis, piece by piece.

    One row per (axis, proposal, valid_from): the answer for every cut-off in
    [valid_from, valid_to). ``interval_streams`` lists the proposals with the last seq
    folded, so that a refresh recomputes the ``as_recorded`` axis from the new batch only.
    """

    name = "intervals"
    tables: tuple[str, ...] = ("intervals", "interval_streams", "links")

    def create(self, conn: sqlite3.Connection) -> None:
        """Create the tables and the lookup index."""
        conn.execute(
            """CREATE TABLE IF NOT EXISTS intervals (
                axis TEXT NOT NULL,
                proposal TEXT NOT NULL,
                valid_from TEXT NOT NULL,
                valid_to TEXT,
                status TEXT,
                uncertain TEXT NOT NULL,
                state TEXT NOT NULL
            )"""
        )
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS intervals_at ON intervals (axis, proposal, valid_from)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS interval_streams (proposal TEXT PRIMARY KEY, last_seq INTEGER NOT NULL)"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS links (proposal TEXT NOT NULL, id INTEGER NOT NULL, parent INTEGER, "
            "item TEXT NOT NULL, PRIMARY KEY (proposal, id)) WITHOUT ROWID"
        )

    def _write(self, conn: sqlite3.Connection, proposal: str, pieces: Iterable[Interval]) -> None:
        packer = Packer(proposal)
        conn.executemany("INSERT INTO intervals VALUES (?, ?, ?, ?, ?, ?, ?)", [_piece_row(p, packer) for p in pieces])
        _write_links(conn, packer.links)

    def refresh(self, store: Store, proposals: Iterable[str]) -> None:
        """Recompute the touched proposals from the earliest cut-off the batch can change, per axis."""
        conn = store.conn
        for proposal in proposals:
            row = conn.execute("SELECT last_seq FROM interval_streams WHERE proposal = ?", (proposal,)).fetchone()
            if row is not None and self._extend(conn, proposal, store.new_records(proposal, row[0])):
                continue
            records = store.stream(proposal)
            new = [r for r in records if r.seq > row[0]] if row else []
            if not new or has_correction(new):
                conn.execute(
                    "DELETE FROM intervals WHERE axis IN ('on', 'known_by', 'as_recorded') AND proposal = ?",
                    (proposal,),
                )
                conn.execute("DELETE FROM links WHERE proposal = ?", (proposal,))
                self._write(conn, proposal, each_interval(proposal, records))
            else:
                since = {
                    "on": min(r.occurred.earliest for r in new),
                    "as_recorded": min(r.recorded_at for r in new),
                }
                reported = [r.reported.earliest for r in new if r.reported is not None]
                if reported:
                    since["known_by"] = min(reported)
                axes = [a for a in AXES if a in since]
                pieces = intervals(proposal, records, axes, since=since)
                for axis in axes:
                    self._splice(conn, proposal, axis, since[axis], [p for p in pieces if p.axis == axis])
            top = max((r.seq for r in records), default=0)
            conn.execute("INSERT OR REPLACE INTO interval_streams VALUES (?, ?)", (proposal, top))

    def _extend(self, conn: sqlite3.Connection, proposal: str, new: Sequence[Record]) -> bool:
        """New events after everything: cut each axis's last piece and add the new ones
        (``intervals.extend``, which needs no stream); False when that does not apply.

        Only the states it folds are read (the stored state is the bulk of a piece)."""
        if not new:
            return False
        last: dict[str, tuple[int, str, str | None, str | None, str]] = {}
        for axis in AXES:
            row = conn.execute(
                "SELECT rowid, valid_from, valid_to, status, uncertain FROM intervals "
                "WHERE axis = ? AND proposal = ? ORDER BY valid_from DESC LIMIT 1",
                (axis, proposal),
            ).fetchone()
            if row is not None:
                last[axis] = row

        def piece(axis: Axis) -> Interval | None:
            if axis not in last:
                return None
            rowid, valid_from, valid_to, status, uncertain = last[axis]
            (state,) = conn.execute("SELECT state FROM intervals WHERE rowid = ?", (rowid,)).fetchone()
            ids = tuple(codec.loads(uncertain)) if uncertain != "[]" else ()
            return Interval(proposal, axis, valid_from, valid_to, status, ids, unpack_state(proposal, status, state))

        recorded = last.get("as_recorded")
        known = piece("known_by") if any(r.reported is not None for r in new) else None
        changes = extend(piece("on"), known, recorded[1] if recorded else None, new)
        if changes is None:
            return False
        for axis, (cut, pieces) in changes.items():
            conn.execute("UPDATE intervals SET valid_to = ? WHERE rowid = ?", (cut, last[axis][0]))
            self._write(conn, proposal, pieces)
        conn.execute("UPDATE interval_streams SET last_seq = ? WHERE proposal = ?", (new[-1].seq, proposal))
        return True

    def _splice(self, conn: sqlite3.Connection, proposal: str, axis: str, cut: str, pieces: list[Interval]) -> None:
        """Replace the pieces from ``cut`` on; the piece across the cut ends there or, if equal, absorbs the next."""
        conn.execute("DELETE FROM intervals WHERE axis = ? AND proposal = ? AND valid_from >= ?", (axis, proposal, cut))
        across = conn.execute(
            "SELECT rowid, status, uncertain, state FROM intervals WHERE axis = ? AND proposal = ? AND valid_from < ? "
            "AND (valid_to IS NULL OR valid_to > ?) ORDER BY valid_from DESC LIMIT 1",
            (axis, proposal, cut, cut),
        ).fetchone()
        packer = Packer(proposal)
        rows = [_piece_row(p, packer) for p in pieces]
        if across is not None:
            head = rows[0] if rows and rows[0][2] == cut else None
            if head is not None and (head[4], head[5], head[6]) == tuple(across[1:]):
                conn.execute("UPDATE intervals SET valid_to = ? WHERE rowid = ?", (head[3], across[0]))
                rows = rows[1:]
            else:
                conn.execute("UPDATE intervals SET valid_to = ? WHERE rowid = ?", (cut, across[0]))
        conn.executemany("INSERT INTO intervals VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        _write_links(conn, packer.links)

    def derive(self, proposal: str, records: Sequence[Record], before: Rows) -> Rows:
        """Every piece of the proposal on every axis, and its last seq folded."""
        packer = Packer(proposal)
        pieces = [_piece_row(p, packer) for p in each_interval(proposal, records)]  # packed as they come
        streams = [(proposal, max(r.seq for r in records))]
        return {"intervals": pieces, "interval_streams": streams, "links": packer.links}

    def insert(self, conn: sqlite3.Connection, rows: Rows) -> None:
        """Write the rows."""
        conn.executemany("INSERT INTO intervals VALUES (?, ?, ?, ?, ?, ?, ?)", rows["intervals"])
        conn.executemany("INSERT INTO interval_streams VALUES (?, ?)", rows["interval_streams"])
        _write_links(conn, rows["links"])

    def clear(self, conn: sqlite3.Connection) -> None:
        """Empty the tables."""
        conn.execute("DELETE FROM intervals")
        conn.execute("DELETE FROM interval_streams")
        conn.execute("DELETE FROM links")

    def begin_bulk(self, conn: sqlite3.Connection) -> None:
        """Nothing to drop."""

    def end_bulk(self, conn: sqlite3.Connection) -> None:
        """Nothing to remake."""

    def differences(self, store: Store) -> list[str]:
        """Proposals whose stored pieces disagree with a fresh computation."""
        out = []
        seen = set()
        for proposal, records in store.streams():
            seen.add(proposal)
            packer = Packer(proposal)
            fresh = [row[:1] + row[2:] for row in (_piece_row(p, packer) for p in each_interval(proposal, records))]
            stored_links = set(
                store.conn.execute("SELECT proposal, id, parent, item FROM links WHERE proposal = ?", (proposal,))
            )
            if any(link not in stored_links for link in packer.links):
                out.append(f"links: the lists of {proposal!r} disagree with a fresh replay")
            stored = [
                tuple(r)
                for r in store.conn.execute(
                    "SELECT axis, valid_from, valid_to, status, uncertain, state FROM intervals "
                    "WHERE axis IN ('on', 'known_by', 'as_recorded') AND proposal = ?",
                    (proposal,),
                )
            ]
            if sorted(stored) != sorted(fresh):
                out.append(f"intervals: pieces of {proposal!r} disagree with a fresh replay")
        extra = {r[0] for r in store.conn.execute("SELECT DISTINCT proposal FROM intervals")} - seen
        out += [f"intervals: pieces of {p!r}, a proposal not in the log" for p in sorted(extra)]
        return out


def _current_row(proposal: str, version: int, last_seq: int, status: str | None, state: str) -> tuple[object, ...]:
    """A row of ``proposals``: the stream's length and last seq, and the state now (with what it says)."""
    packed = codec.loads(state)[len(CHAINS) :]
    disputed, proposer = packed[FIXED.index("disputed")], packed[FIXED.index("proposer")]
    return (proposal, status, version, int(disputed), proposer, last_seq, state)


def _piece_row(p: Interval, packer: Packer) -> tuple[object, ...]:
    """A piece as a row of the ``intervals`` table (its lists' new links collected by ``packer``)."""
    return (p.axis, p.proposal, p.valid_from, p.valid_to, p.status, _ids_json(p.uncertain), packer.pack(p.state))


def _write_links(conn: sqlite3.Connection, links: Sequence[LinkRow]) -> None:
    """Store list elements; one already stored (the same parent and element) is kept as it is."""
    if links:
        conn.executemany("INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?)", links)


def _ids_json(ids: tuple[str, ...]) -> str:
    return codec.compact(list(ids)) if ids else "[]"


lookup = pieces_at
"""(proposal, status, uncertain ids, state JSON) on one axis at a cut-off: see ``tracker.lookup``."""


PROJECTIONS: list[Projection] = [ValidTime(), Current(), Readable()]  # Current and Readable read ValidTime's rows
