"""The Python API's core: opening a log; writing, asking on the three axes, sharing, auditing.

``Tracker`` (``tracker.api.tracker``) adds the methods for readers (``tracker.api.reading``) and
those for recording without JSON (``tracker.api.recording``).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self, cast

from tracker.core.dates import DateError, asked_day, asked_moment, future
from tracker.core.events import Event, event_body, parse_event
from tracker.core.history import HistoryEntry, story
from tracker.core.jsonin import numbered_lines
from tracker.core.replay import Answer, Question, Record, answer_one, effective
from tracker.core.validate import MAX_DIAGNOSE_BYTES, MAX_LINE_BYTES, Line, parse_line
from tracker.errors import InputError, NotFoundError, TrackerError
from tracker.store import clock
from tracker.store.clock import instant
from tracker.store.corpus import corpus_files
from tracker.store.location import ENV_DB as ENV_DB
from tracker.store.location import default_db_path as default_db_path
from tracker.store.log import AppendResult, Store
from tracker.store.lookup import END_OF_TIME, answers_at

if TYPE_CHECKING:
    # Only some commands need these: imported where used, to keep start-up quick.
    from tracker.core.audit import Audit
    from tracker.core.diff import Diff
    from tracker.core.provenance import Provenance
    from tracker.core.segments import Segment
    from tracker.store import files
    from tracker.store.tables import Hit
    from tracker.store.verify import Verification
    from tracker.views.timeline import Lane


def question(on: str | None = None, known_by: str | None = None, as_recorded: str | None = None) -> Question:
    """Build a Question from user strings (a day, a month or a year at its end, ``today``, a
    date-time), naming the option that is malformed."""
    now = clock.now()
    today = now[:10]  # the day an agreement's status is judged on when no --on is given
    cuts: dict[str, str | None] = {}
    said: list[tuple[str, str]] = []
    for name, text in (("on", on), ("known_by", known_by), ("as_recorded", as_recorded)):
        if text is None:
            cuts[name] = None
            continue
        try:
            read = asked_moment(text, today) if name == "as_recorded" else asked_day(text, today)
        except DateError as exc:
            raise InputError(str(exc), field=name) from None
        cuts[name] = instant(read.day) if name == "as_recorded" else read.day
        if read.reading is not None:
            said.append((name, read.reading))
    return Question(cuts["on"], cuts["known_by"], cuts["as_recorded"], today, tuple(said))


def future_notes(on: str | None = None, known_by: str | None = None, as_recorded: str | None = None) -> list[str]:
    """A note for each cut-off after today (the answer can only hold what is recorded so far)."""
    question(on, known_by, as_recorded)  # a malformed cut-off is refused first, naming its option
    now = clock.now()
    notes = []
    for name, text in (("on", on), ("known_by", known_by), ("as_recorded", as_recorded)):
        if text is not None and (note := future(text, now)) is not None:
            notes.append(f"note: --{name.replace('_', '-')} {note}")
    return notes


def _bounded(handle: IO[bytes], file: str) -> Iterator[tuple[int, bytes]]:
    # Bounded reads: a hostile file with no newline must not be read into memory whole.
    return numbered_lines(handle, file, MAX_DIAGNOSE_BYTES, MAX_LINE_BYTES)


def _is_export(path: Path) -> bool:
    """True if the file's first non-blank line is a row of ``tracker export``."""
    from tracker.store.backup import is_export

    with path.open("rb") as handle:
        for _, raw in _bounded(handle, str(path)):
            if raw.strip():
                return is_export(raw)
    return False


def _lines(items: Iterable[Event | dict[str, Any] | str]) -> Iterator[Line]:
    for number, item in enumerate(items, start=1):
        if isinstance(item, str):
            yield parse_line(item, number)
        elif isinstance(item, dict):
            yield parse_line(json.dumps(item), number)
        else:
            yield Line(number, item, event_body(item))


class Core:
    """A log opened: writing, the three questions, sharing, the audit trail (``Tracker`` adds the
    readers' methods, ``tracker.api.reading``, and recording without JSON, ``tracker.api.recording``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, seed: bool | None = None) -> None:
        target = Path(path) if path is not None else default_db_path()
        fresh = not target.exists()
        if seed is None:
            seed = fresh and path is None and not os.environ.get(ENV_DB)
        if fresh and path is None:
            target.parent.mkdir(parents=True, exist_ok=True)
        self.path = target
        self.store = Store(target)
        self.seeded: AppendResult | None = None
        """What loading the bundled corpus added, when this first use of the default database did."""
        if seed and fresh:
            self.seeded = self.load_corpus()

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self, subject: str = "actor") -> dict[str, str]:
        """Display names by slug: parties' (``actor``, the default) or proposals' titles (``proposal``).

        Names are for readers only (Markdown, tables, TimelineJS); JSON and CSV keep slugs.
        """
        from tracker.store import names as names_log

        return names_log.read(self.store.conn, subject)

    # -- writing -------------------------------------------------------------------------

    def append(
        self, events: Iterable[Event | dict[str, Any] | str], *, expect_version: int | None = None
    ) -> AppendResult:
        """Append events (models, dicts or JSON strings) as one atomic batch."""
        return self.store.append(_lines(events), expect_version=expect_version)

    def import_file(
        self,
        path: str | os.PathLike[str],
        *,
        expect_version: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        format: str | None = None,
        delimiter: str | None = None,
    ) -> AppendResult:
        """Import a file of events (or every event file in a folder, in name order) as one batch.

        JSONL, YAML (``.yaml``/``.yml``) or CSV, by extension unless ``format`` is given
        (``tracker.store.files``); ``delimiter`` for CSV (else read from the header line). A
        ``tracker export`` file is restored. Every bad row is reported, and nothing is written.
        ``progress(done, total)`` is called with bytes read so far and the total, as lines are read.
        """
        from tracker.store import files

        source = Path(path)
        paths = files.event_files(source)
        kinds = [files.format_of(p, format) for p in paths]
        if source.is_file() and kinds == ["jsonl"] and _is_export(source):
            if expect_version is not None:
                raise InputError("--expect-version does not apply to restoring an export", field="expect_version")
            return self.restore(source)
        on_bytes = None
        if progress is not None:
            total = sum(f.stat().st_size for f in paths if f.is_file())
            done = 0

            def on_bytes(size: int) -> None:
                nonlocal done
                done += size
                progress(done, total)

        sources = [files.from_path(p, kind) for p, kind in zip(paths, kinds, strict=True)]
        return self._import(sources, expect_version, delimiter, on_bytes)

    def import_stream(
        self,
        stream: IO[bytes],
        *,
        format: str = "jsonl",
        name: str = "<stdin>",
        expect_version: int | None = None,
        delimiter: str | None = None,
    ) -> AppendResult:
        """Import events from an open binary stream (stdin) in ``format``, as one batch."""
        from tracker.store import files

        kind = files.format_of(Path(name), format)
        return self._import([files.from_stream(stream, name, kind)], expect_version, delimiter)

    def _import(
        self,
        sources: list[files.Source],
        expect_version: int | None,
        delimiter: str | None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> AppendResult:
        from tracker.store import files

        problems = files.Problems([name for name, _, _ in sources])
        lines = files.batch(sources, problems, delimiter=delimiter, on_bytes=on_bytes)
        return self.store.append(lines, expect_version=expect_version, refused=problems)

    def load_corpus(self) -> AppendResult:
        """Load the bundled corpus (idempotent)."""
        from tracker.store import files

        return self._import([files.from_path(f, "jsonl") for f in corpus_files()], None, None)

    # -- reading -------------------------------------------------------------------------

    def _records(self, proposal: str | None) -> list[Record]:
        records = list(self.store.records(proposal))
        if proposal is not None and not records:
            raise self._unknown(proposal)
        return records

    def _unknown(self, proposal: str) -> NotFoundError:
        """The error for a proposal the log does not hold, naming the close ones it does."""
        from tracker.core.suggest import close

        slugs = self.store.versions()
        near = close(proposal, slugs)
        if near:
            hint = "; did you mean " + " or ".join(repr(s) for s in near) + "?"
        else:
            hint = f"; {len(slugs)} proposal(s) in the log (tracker status lists them)"
        return NotFoundError(f"no proposal {proposal!r} in the log{hint}", field="proposal")

    def status(
        self,
        proposal: str | None = None,
        *,
        on: str | None = None,
        known_by: str | None = None,
        as_recorded: str | None = None,
        lists: bool = True,
    ) -> list[Answer]:
        """The state of every proposal (or one) for the three time questions.

        A question on one axis (or none) is an indexed lookup in the ``intervals``
        projection; a question on two or three axes replays each proposal's own stream.
        Each answer's ``state`` is the JSON form of the proposal's state (``state.as_json``);
        ``history`` and ``audit`` tell the story behind it. ``lists=False`` skips reading the
        denials, warnings and ledger of a one-axis answer (only their lengths are right).
        """
        q = question(on, known_by, as_recorded)
        if proposal is not None and self.store.version(proposal) == 0:
            raise self._unknown(proposal)
        cuts = [(axis, cut) for axis, cut in (("on", q.on), ("known_by", q.known_by), ("as_recorded", q.as_recorded))]
        asked = [(axis, cut) for axis, cut in cuts if cut is not None]
        if len(asked) <= 1:
            axis, cut = asked[0] if asked else ("as_recorded", END_OF_TIME)
            return answers_at(self.store.conn, axis, cut, proposal, today=q.today, lists=lists)
        streams = [(proposal, self.store.stream(proposal))] if proposal is not None else self.store.streams()
        out = []
        for name, records in streams:
            result = answer_one(name, effective(records, q.as_recorded), q)
            if result is not None:
                out.append(result)
        return out

    def versions(self) -> dict[str, int]:
        """Each proposal's stream version: pass it as ``expect_version`` to append only if nobody else did."""
        return self.store.versions()

    def history(
        self, proposal: str, *, on: str | None = None, known_by: str | None = None, as_recorded: str | None = None
    ) -> list[HistoryEntry]:
        """A proposal's story: every (effective) event in valid-time order and what it changed; with
        ``on`` or ``known_by``, only the events that ``status`` folds for that question."""
        q = question(on, known_by, as_recorded)
        if on is None and known_by is None:
            return story(proposal, self._records(proposal), q.as_recorded, q.today)
        return story(proposal, self._records(proposal), q.as_recorded, question=q)

    def audit(
        self, proposal: str, *, on: str | None = None, known_by: str | None = None, as_recorded: str | None = None
    ) -> Audit:
        """The replay log of one proposal, step by step, for a question."""
        from tracker.core import audit as audit_module

        return audit_module.audit(proposal, self._records(proposal), question(on, known_by, as_recorded))

    def log(
        self, *, proposal: str | None = None, since: int | None = None, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """The raw append log: one dict per row, in seq order (only rows after seq ``since``, at most
        ``limit``; NotFoundError for a proposal it lacks)."""
        from itertools import islice

        if proposal is not None and self.store.version(proposal) == 0:
            raise self._unknown(proposal)
        for rec in islice(self.store.records(proposal, after_seq=since), limit):
            yield {
                "seq": rec.seq,
                "recorded_at": rec.recorded_at,
                "event": parse_event(rec.event).model_dump(mode="json", exclude_none=True),
            }

    def export(self, proposals: Sequence[str] = ()) -> Iterator[str]:
        """JSONL of every stored row: the event body plus ``seq``, ``recorded_at`` and ``hash``.

        With ``proposals``, only their rows: a partial export, which cannot be restored.
        """
        wanted = self._existing(proposals)
        for row in self.store.rows():
            if wanted and row[2] not in wanted:
                continue
            seq, recorded_at, body, digest = row[0], row[12], row[14], row[16]
            yield f'{{"seq":{seq},"recorded_at":"{recorded_at}","hash":"{digest}","event":{body}}}'
        from tracker.store import names as names_log

        # The names log after the events: outside their chain, appended again by ``restore``.
        yield from map(names_log.export_line, names_log.rows(self.store.conn))

    def events(self, proposals: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
        """Every stored event (or the events of the proposals named), in the order recorded, as JSON."""
        wanted = self._existing(proposals)
        for proposal, body in self.store.rows(("proposal", "body")):
            if not wanted or proposal in wanted:
                yield json.loads(str(body))

    def _existing(self, proposals: Sequence[str]) -> set[str]:
        for proposal in proposals:
            if self.store.version(proposal) == 0:
                raise NotFoundError(f"no proposal {proposal!r} in the log", field="proposal")
        return set(proposals)

    # -- sharing (issue 6) ---------------------------------------------------------------

    def _named(self, proposals: Sequence[str]) -> list[Record]:
        """The records of the proposals named (every one must exist), or of all when none is named."""
        if not proposals:
            return list(self.store.records())
        return [r for proposal in dict.fromkeys(proposals) for r in self._records(proposal)]

    def timeline(
        self, proposals: Sequence[str] = (), *, known_by: str | None = None, as_recorded: str | None = None
    ) -> list[Lane]:
        """Swim lanes (status intervals and event marks) for every proposal, or those named."""
        from tracker.views.timeline import lanes

        q = question(known_by=known_by, as_recorded=as_recorded)
        return lanes(self._named(proposals), q, proposals)

    def intervals(
        self, proposal: str | None = None, *, known_by: str | None = None, as_recorded: str | None = None
    ) -> list[Segment]:
        """Status intervals over valid time: when each proposal had which status."""
        lanes = self.timeline((proposal,) if proposal else (), known_by=known_by, as_recorded=as_recorded)
        return [iv for lane in lanes for iv in lane.intervals]

    def search(self, text: str, *, limit: int = 50) -> list[Hit]:
        """Full-text search over notes and sources (words, all of them, any order)."""
        from tracker.store.tables import search

        return search(self.store.conn, text, limit=limit)

    def timelinejs(
        self, proposals: Sequence[str] = (), *, known_by: str | None = None, as_recorded: str | None = None
    ) -> dict[str, Any]:
        """The log as Knight Lab TimelineJS JSON: a slide per event, status intervals as eras."""
        from tracker.views.exports import timelinejs
        from tracker.views.timeline import lanes

        q = question(known_by=known_by, as_recorded=as_recorded)
        records = self._named(proposals)
        return timelinejs(
            effective(records, q.as_recorded), lanes(records, q, proposals), self.names(), self.names("proposal")
        )

    def dataframe(
        self,
        what: str = "status",
        proposal: str | None = None,
        *,
        on: str | None = None,
        known_by: str | None = None,
        as_recorded: str | None = None,
    ) -> Any:
        """A pandas DataFrame of ``status``, ``history``, ``intervals`` or ``sources`` (pandas optional)."""
        from tracker.store.tables import source_rows
        from tracker.views import exports

        try:
            pandas = importlib.import_module("pandas")
        except ImportError:
            raise TrackerError("Tracker.dataframe needs pandas: pip install pandas") from None
        rows: list[dict[str, Any]]
        if what == "status":
            answers = self.status(proposal, on=on, known_by=known_by, as_recorded=as_recorded)
            rows = [exports.status_row(a) for a in answers]
        elif what == "history":
            if proposal is None:
                raise InputError("history needs a proposal", field="proposal")
            rows = [exports.history_row(e) for e in self.history(proposal, as_recorded=as_recorded)]
        elif what == "intervals":
            intervals = self.intervals(proposal, known_by=known_by, as_recorded=as_recorded)
            rows = [iv.as_dict() for iv in intervals]
        elif what == "sources":
            cut = question(as_recorded=as_recorded).as_recorded
            rows = source_rows(effective(self._records(proposal), cut))
        else:
            raise InputError(f"unknown table {what!r}; expected status, history, intervals or sources", field="what")
        return pandas.DataFrame(rows)

    # -- audit trail (issue 3) ---------------------------------------------------------------

    def head(self) -> tuple[int, str]:
        """The current head of the log: the last seq and its hash (publish it as ``SEQ:HASH``)."""
        return self.store.head()

    def verify(self, head: str | tuple[int, str] | None = None, *, projections: bool = True) -> Verification:
        """Recompute the hash chain, check derived columns and projections, and a published head.

        ``head`` (``"SEQ:HASH"`` or a tuple) proves that the log recorded then is a prefix of
        the log now. Faults are data: check ``.ok`` and ``.faults``.
        """
        from tracker.store.parallel_verify import verify_store
        from tracker.store.verify import parse_head

        published = parse_head(head) if isinstance(head, str) else head
        return verify_store(self.store, published, projections=projections)

    def restore(self, path: str | os.PathLike[str]) -> AppendResult:
        """Restore a ``tracker export`` file into this (empty) database, chain byte for byte."""
        from tracker.store.backup import read_export

        source = Path(path)
        try:
            handle = source.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror}") from None
        from tracker.store import names as names_log

        names: list[tuple[Any, str]] = []
        with handle:
            lines = names_log.split_export(_bounded(handle, str(source)), names, str(source))
            result = self.store.restore(read_export(lines, str(source)))
        if names:  # a second transaction: the events are restored whether or not the names can be
            names_log.append_recorded(self.store.conn, names, self.store.busy_timeout)
        return result

    def why(
        self, proposal: str, *, on: str | None = None, known_by: str | None = None, as_recorded: str | None = None
    ) -> Provenance:
        """The provenance of every field of a proposal's state: which events set it, on which sources."""
        from tracker.core.provenance import provenance

        return provenance(proposal, self._records(proposal), question(on, known_by, as_recorded))

    def diff(
        self,
        proposal: str | None = None,
        *,
        start: str,
        end: str,
        axis: str = "on",
        on: str | None = None,
        known_by: str | None = None,
        as_recorded: str | None = None,
    ) -> Diff:
        """What changed between two cut-offs on one axis (``on``, ``known-by``, ``as-recorded``), and by what.

        The other two axes stay fixed at ``on``/``known_by``/``as_recorded`` (None: no cut-off).
        """
        from tracker.core.diff import FIELDS, Axis
        from tracker.core.diff import diff as diff_log

        if axis not in FIELDS:
            raise InputError(f"unknown axis {axis!r}: expected on, known-by or as-recorded", field="axis")
        name = FIELDS[axis]
        base = question(on, known_by, as_recorded)
        if getattr(base, name) is not None:
            raise InputError(f"--{axis} is the axis that moves: give it as --from and --to", field=name)
        low, high = (getattr(question(**{name: moment}), name) for moment in (start, end))
        assert low is not None and high is not None
        return diff_log(self._records(proposal), cast(Axis, axis), low, high, base)
