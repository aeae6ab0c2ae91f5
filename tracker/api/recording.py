"""The Python API for recording without JSON: append with warnings, dry runs, finding the event to correct."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker.api.reading import Reading
from tracker.core.replay import Record
from tracker.core.validate import Line
from tracker.store import clock
from tracker.store.log import AppendResult

if TYPE_CHECKING:
    from tracker.core.advice import Recorded
    from tracker.core.corrections import Found


class Recording(Reading):
    """The recording methods of ``Tracker``: append with warnings, dry runs, the event to correct."""

    def record(self, events: Sequence[Line], *, expect_version: int | None = None, dry_run: bool = False) -> Recorded:
        """Append validated lines as one batch (or, ``dry_run``, only check them) and say what was
        stored and every warning it raised (``core.advice``)."""
        from tracker.core.advice import Recorded, batch_warnings, too_long
        from tracker.store.log import dry_run as check

        if not dry_run:
            return self.recorded(self.store.append(events, expect_version=expect_version))
        todo = check(self.store, events, expect_version)
        head, now = self.store.head()[0], clock.now()
        new = [Record.of(head + i, now, json.loads(line.body)) for i, line in enumerate(todo, start=1)]
        proposals = sorted({r.proposal for r in new})
        if self._long(proposals):
            warnings = too_long(new, None)
        else:
            before = [r for p in proposals for r in self.store.stream(p)]
            warnings = batch_warnings(before, before + new, new)
        return Recorded(tuple(new), warnings, len(todo), len(events) - len(todo), head, dry_run=True)

    def recorded(self, result: AppendResult, *, rows: bool = True) -> Recorded:
        """What an append stored (the records after its base seq) and every warning it raised;
        ``rows`` False: a bulk import's records are not read only to skip their warnings."""
        from tracker.core.advice import CHECKED_UP_TO, Recorded, batch_warnings, too_long, unchecked

        if not rows and result.added > CHECKED_UP_TO:
            return Recorded((), unchecked(result.added), result.added, result.skipped, result.head_seq)
        base = result.head_seq - result.added  # a batch is atomic and seq has no gaps
        new = list(self.store.records(after_seq=base))
        proposals = sorted({r.proposal for r in new})
        if self._long(proposals):
            # the projections hold the state after the batch: its warnings that name a new event
            now = [w for p in proposals for a in self.status(p) for w in a.state["warnings"]]
            warnings = too_long(new, now)
        else:
            after = [r for p in proposals for r in self.store.stream(p)]
            warnings = batch_warnings([r for r in after if r.seq <= base], after, new)
        return Recorded(tuple(new), warnings, result.added, result.skipped, result.head_seq)

    def _long(self, proposals: Sequence[str]) -> bool:
        """Whether these streams are too long to fold twice at each append (``advice.CHECKED_UP_TO``)."""
        from tracker.core.advice import CHECKED_UP_TO

        return sum(self.store.version(p) for p in proposals) > CHECKED_UP_TO

    def find(self, eid: str, kind: str = "amended") -> Found:
        """Event ``eid`` as recorded and as it now stands, for a correction of ``kind``: an unknown id is
        refused with the closest ids, a retracted event (or, to amend, a correction) too."""
        from tracker.core.corrections import check_target, find
        from tracker.core.drafts import closest

        eid = self.event_id(eid)
        row = self.store.conn.execute("SELECT proposal FROM events WHERE id = ?", (eid,)).fetchone()
        if row is None:
            # the latest ids only: a mistyped id is most often one just recorded, and the log may be large
            recent = [r[0] for r in self.store.conn.execute("SELECT id FROM events ORDER BY seq DESC LIMIT 50000")]
            return check_target(None, eid, kind, closest(eid, recent))
        return check_target(find(self.store.stream(row[0]), eid), eid, kind, "")

    def today(self) -> str:
        """Today (UTC) by the recording clock: the default day of a correction."""
        return clock.now()[:10]
