"""The Python API for readers: display names and titles, one event in full, the proposals, the parties."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.api.core import Core
from tracker.errors import InputError, NotFoundError, TrackerError
from tracker.store import clock

if TYPE_CHECKING:
    from tracker.core.listing import Duplicate, Party, ProposalRow


class Reading(Core):
    """The readers' methods of ``Tracker``: names and titles recorded, one event, the proposals, the parties."""

    def set_names(self, items: Iterable[tuple[str, str, str]]) -> tuple[int, list[str]]:
        """Record display names ``(subject, slug, name)`` in one batch (all checked first, all or none).

        Returns how many were new and the slugs the log does not name yet (named anyway: a names
        file may come before the events).
        """
        from sqlite3 import Error

        from tracker.core.names import check_name
        from tracker.store import names as names_log
        from tracker.store.faults import store_error

        checked = [check_name(subject, slug, name) for subject, slug, name in items]
        try:
            added = names_log.write(self.store.conn, checked, self.store.busy_timeout, clock.now())
        except Error as exc:
            raise store_error(exc, self.path, "write to") from None
        known_proposals = set(self.store.proposals())
        known_parties = {p.slug for p in self.parties()[0]}
        unknown = [
            n.slug for n in checked if n.slug not in (known_parties if n.subject == "actor" else known_proposals)
        ]
        return added, unknown

    @staticmethod
    def is_names_file(path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` is a YAML names file (``parties:``/``proposals:``) rather than events."""
        from tracker.core import yamlin

        source = Path(path)
        if not source.is_file() or source.suffix.lower() not in (".yaml", ".yml"):
            return False
        with source.open("rb") as handle:
            return yamlin.is_names(handle)

    def load_names(self, path: str | os.PathLike[str]) -> tuple[int, list[str]]:
        """Record the names of a YAML file ``{parties: {slug: name}, proposals: {slug: title}}``."""
        from tracker.core import yamlin
        from tracker.core.names import names_file

        source = Path(path)
        try:
            with source.open("rb") as handle:
                doc = yamlin.document(handle, str(source))
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror}") from None
        try:
            items = names_file(doc)
        except TrackerError as exc:
            raise exc.located(file=str(source)) from None
        return self.set_names(items)

    def show(self, event_id: str) -> dict[str, Any]:
        """Everything about one event (``core.listing.event_detail``), with its proposal's title and the
        display names of its parties; NotFoundError with the closest ids if the log has no such event."""
        from tracker.core.listing import event_detail, parties_of
        from tracker.core.suggest import close

        event_id = self.event_id(event_id)
        row = self.store.conn.execute("SELECT proposal FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            ids = [r[0] for r in self.store.conn.execute("SELECT id FROM events")]
            near = close(event_id, ids, n=3, cutoff=0.5, part=False)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise NotFoundError(f"no event {event_id!r} in the log{hint}", field="event")
        from tracker.core.corrections import find

        records = self._records(str(row[0]))
        rec = next(r for r in records if r.id == event_id)
        detail = event_detail(rec, self.audit(rec.proposal))
        found = find(records, event_id)
        now = found.current if found is not None else None
        # what the amendments changed: the fields as the event now stands, where they differ
        detail["now"] = {k: v for k, v in now.items() if rec.event.get(k) != v} if now and now != rec.event else {}
        names = self.names()
        detail["title"] = self.names("proposal").get(rec.proposal)
        detail["names"] = {s: names[s] for s in parties_of(rec.event) if s in names}
        return detail

    def proposals(self) -> list[ProposalRow]:
        """A row per proposal (``core.listing.ProposalRow``): title, status today, first and last
        ``occurred``, number of events, proposer and co-proposers."""
        from tracker.core.listing import proposal_row
        from tracker.views.text import phrase

        states = {a.proposal: a.state for a in self.status(lists=False)}
        titles, names = self.names("proposal"), self.names()
        rows = [proposal_row(p, rs, states.get(p), titles) for p, rs in self.store.streams()]
        return [r._replace(said=phrase(states[r.slug], names)) if r.slug in states else r for r in rows]

    def parties(self) -> tuple[list[Party], list[Duplicate]]:
        """Every party slug of the log (``core.listing.Party``) and the pairs that may be one party
        (``core.listing.Duplicate``)."""
        from tracker.core.listing import duplicates, parties

        names = self.names()
        found = parties(self.store.records(), names)
        return found, duplicates((p.slug for p in found), names)

    def event_id(self, ref: str) -> str:
        """The id an event reference names: an id, or the event's seq (the number ``history``,
        ``audit`` and ``log`` show) when no event has that text as its id."""
        if ref.isascii() and ref.isdigit() and len(ref) < 19:
            conn = self.store.conn
            if conn.execute("SELECT 1 FROM events WHERE id = ?", (ref,)).fetchone() is None:
                row = conn.execute("SELECT id FROM events WHERE seq = ?", (int(ref),)).fetchone()
                if row is not None:
                    return str(row[0])
        return ref
