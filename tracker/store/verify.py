"""Verification: is the stored log the log that was recorded?

Pure checks over the raw rows of the ``events`` table (as ``Store.rows(columns)`` yields them),
each pass reading only the columns it needs:

- the hash chain: each row's ``hash`` must be SHA-256 of ``prev_hash`` + its canonical text
  (see ``tracker.core.chain``), its ``prev_hash`` the hash of the row before, and
  ``seq`` must count 1, 2, 3, ... A break is classified by what explains it: an *edited* row,
  a *deleted* row, a *reordered* (moved) row, an *inserted* row;
- the derived columns (id, proposal, type, actor, occurred/reported and their bounds,
  version) against the body they were derived from (*column*);
- optionally a published head ``SEQ:HASH`` (*head*): the log recorded then must be a prefix
  of the log now.

The hot paths are flat loops: ``check_chain`` hashes the stored text (``CHAIN_COLUMNS``);
``check_columns`` tests the derived columns by substring on the canonical body, without
pydantic or ``json``, and decodes a body exactly only when that test misses (``amended``
bodies, which nest an event, always). Classifying a break needs the hashes of every row,
so that pass runs only when the chain pass found a break.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any, NamedTuple

from tracker.core import codec, jsonin
from tracker.core.chain import GENESIS, link
from tracker.core.dates import DateError, bounds
from tracker.core.events import KINDS, SCHEMA_VERSION
from tracker.core.upcast import upcast
from tracker.core.value import Value
from tracker.errors import InputError, TrackerError

Row = Sequence[Any]
COLUMNS = (  # every column of the events table, in order (tracker.store writes rows in this order)
    "seq",
    "id",
    "proposal",
    "version",
    "type",
    "actor",
    "occurred",
    "occurred_from",
    "occurred_to",
    "reported",
    "reported_from",
    "reported_to",
    "recorded_at",
    "schema_version",
    "body",
    "prev_hash",
    "hash",
)
CHAIN_COLUMNS = ("seq", "recorded_at", "schema_version", "body", "prev_hash", "hash")
"""What the hash chain covers (``check_chain`` reads rows of these)."""
DERIVED_COLUMNS = (*COLUMNS[:12], "schema_version", "body")
"""The columns derived from the body, with the body (``check_columns`` reads rows of these)."""
LINK_COLUMNS = ("seq", "prev_hash", "hash")
STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z").fullmatch
"""The one form of a recording time (``clock.stamp``); a row holding another was not written by the store."""
_KINDS = frozenset(KINDS)
Select = Callable[[Sequence[str]], Iterable[Row]]
"""Rows of the named columns of the events table, in seq order (``Store.rows`` is one)."""


class Fault(Value):
    """One thing wrong with the stored log: where (``seq``, None for a table), what, and why."""

    seq: int | None
    kind: str  # edited | deleted | reordered | inserted | column | schema | projection | head
    message: str


class Verification(Value):
    """The outcome of ``verify``: ok only when no fault was found."""

    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    checked: tuple[str, ...]
    faults: tuple[Fault, ...]

    @property
    def first(self) -> Fault | None:
        """The first fault in log order (table faults last), or None."""
        return self.faults[0] if self.faults else None


def parse_head(text: str) -> tuple[int, str]:
    """Parse a published head ``SEQ:HASH`` (as ``tracker head`` prints it)."""
    match = re.fullmatch(r"([0-9]+):([0-9a-f]{64})", text.strip())
    if match is None:
        raise InputError(f"expected SEQ:HASH (64 hex digits), got {text!r}", field="head")
    return int(match[1]), match[2]


@dataclass
class _Broken:
    """A row whose place in the chain did not check out on the first pass."""

    seq: int
    prev_seq: int  # seq of the row stored before it (0 for the first row)
    prev_stored_hash: str
    recorded_at: str
    schema_version: int
    body: str
    prev_hash: str
    hash: str
    self_ok: bool


class Link(NamedTuple):
    """The chain pass's state between two rows: the last row's seq and stored hash, and the
    latest recording time it has accepted (``START`` before the first row)."""

    seq: int
    hash: str
    recorded_at: str


START = Link(0, GENESIS, "")


@dataclass
class Chain:
    """What ``check_chain`` found: the head, the rows whose link broke, and recording-time faults."""

    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    broken: list[_Broken] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    at_head: str | None = None
    last_at: str = ""  # the recorded_at the next row is held to (``Link.recorded_at``)

    @property
    def end(self) -> Link:
        """The state after the last row: where a pass over the rows that follow starts."""
        return Link(self.head_seq, self.head_hash, self.last_at)


_RANK = {"column": 2, "projection": 3, "schema": 4}  # at the same seq, a chain fault explains a column fault


def _column_message(name: str, column: object, body: object) -> str:
    return f"column {name} is {column!r} but the event body says {body!r}"


def _check_columns(row: Row, versions: dict[Any, Any], faults: list[Fault]) -> None:
    """A row of ``DERIVED_COLUMNS`` against its decoded body, exactly (run when the fast test misses)."""
    seq, proposal, version, occurred, o_from, o_to, reported, r_from, r_to = (
        row[i] for i in (0, 2, 3, 6, 7, 8, 9, 10, 11)
    )
    body, obj, problem = row[13], None, None
    if not isinstance(body, str):
        problem = f"the event body is not text but {type(body).__name__}"
    else:
        try:
            obj = jsonin.loads(body)
        except InputError as exc:
            problem = f"the event body is not a JSON object: {exc.message}"
        if problem is None and not isinstance(obj, dict):
            problem = "the event body is not a JSON object"
    if problem is not None or not isinstance(obj, dict):
        faults.append(Fault(seq=seq, kind="column", message=problem or "the event body is not a JSON object"))
        obj = {}
    else:
        # Sorting keys never changes the length: a longer text than the canonical one of what it
        # decodes to holds a duplicate key (the decoder keeps the last), spacing or other escapes.
        if len(codec.canonical(obj)) != len(body):
            message = "the event body is not in the canonical form the store writes (a duplicate key or spacing)"
            faults.append(Fault(seq=seq, kind="column", message=message))
        if row[12] != SCHEMA_VERSION or type(row[12]) is not int:  # an older schema: compare in today's names
            try:
                obj = upcast(obj, row[12])
            except TrackerError as exc:
                faults.append(Fault(seq=seq, kind="column", message=f"schema_version {row[12]!r}: {exc.message}"))
        if obj.get("type") not in _KINDS:
            faults.append(Fault(seq=seq, kind="column", message=f"unknown event type {obj.get('type')!r}"))
    for index, name in ((1, "id"), (2, "proposal"), (4, "type"), (5, "actor"), (6, "occurred"), (9, "reported")):
        if row[index] != obj.get(name):
            faults.append(Fault(seq=seq, kind="column", message=_column_message(name, row[index], obj.get(name))))
    try:
        if bounds(occurred) != (o_from, o_to):
            message = f"occurred bounds {o_from}..{o_to} do not match {occurred!r}"
            faults.append(Fault(seq=seq, kind="column", message=message))
        if (bounds(reported) if reported is not None else (None, None)) != (r_from, r_to):
            message = f"reported bounds {r_from}..{r_to} do not match {reported!r}"
            faults.append(Fault(seq=seq, kind="column", message=message))
    except (DateError, TypeError):
        message = f"occurred/reported column is not a date: {occurred!r}/{reported!r}"
        faults.append(Fault(seq=seq, kind="column", message=message))
    expected = versions.get(proposal, 0) + 1
    if version != expected:
        faults.append(Fault(seq=seq, kind="column", message=f"version {version} of {proposal!r} should be {expected}"))
    versions[proposal] = version if isinstance(version, int) else expected


def check_chain(rows: Iterable[Row], head_seq: int | None = None, start: Link = START, now: str | None = None) -> Chain:
    """The hash chain over rows of ``CHAIN_COLUMNS`` in seq order: breaks noted, not yet explained.

    The hot loop (a million rows must take a few seconds): one f-string, one SHA-256 and
    a few comparisons per intact row, the canonical text as ``tracker.store.row_hash``
    builds it. A row that fails any test is looked at again, slowly, to note what failed.
    ``start`` continues a chain from the state another pass ended in (``Chain.end``), so
    that consecutive ranges of the log can be checked apart. ``now`` (a recording time) is
    the latest ``recorded_at`` a row may hold; a row's ``recorded_at`` must also have the
    store's form (``STAMP``), else later appends would inherit a time that never was. The hot
    test is its length and range; the form is matched on a row that fails the test (a forger
    who recomputes the chain can keep a 27-character non-time between two times; a published
    head still catches the recomputed chain).
    """
    chain = Chain()
    broken, faults = chain.broken, chain.faults
    prev_seq, prev_hash, last_at = start
    ceiling = now if now is not None else "\U0010ffff"
    count = 0
    for seq, recorded_at, schema_version, body, stored_prev, digest in rows:
        text = f'{stored_prev}{{"event":{body},"recorded_at":"{recorded_at}","schema_version":{schema_version},"seq":{seq}}}'  # noqa: E501
        try:
            computed = sha256(text.encode()).hexdigest()
        except UnicodeEncodeError:  # text read from bytes that were not UTF-8: never written so
            computed = ""
        try:  # a recorded_at that is not text fails the length test with a TypeError
            intact = (
                computed == digest
                and stored_prev == prev_hash
                and seq == prev_seq + 1
                and len(recorded_at) == 27  # the stamped form's length; the form itself only on a miss
                and last_at <= recorded_at <= ceiling
            )
        except TypeError:
            intact = False
        if not intact:
            self_ok = computed == digest
            stamped = type(recorded_at) is str and STAMP(recorded_at) is not None
            if not self_ok or stored_prev != prev_hash or seq != prev_seq + 1:
                broken.append(
                    _Broken(seq, prev_seq, prev_hash, recorded_at, schema_version, body, stored_prev, digest, self_ok)
                )
            elif not stamped:
                message = f"recorded_at {recorded_at!r} is not a recording time the store writes"
                faults.append(Fault(seq=seq, kind="column", message=message))
            elif recorded_at > ceiling:
                message = f"recorded_at {recorded_at} is in the future (now is {ceiling})"
                faults.append(Fault(seq=seq, kind="column", message=message))
            else:
                message = f"recorded_at {recorded_at} goes back in time"
                faults.append(Fault(seq=seq, kind="reordered", message=message))
            if stamped and last_at < recorded_at <= ceiling:
                last_at = recorded_at
        else:
            last_at = recorded_at
        if seq == head_seq:
            chain.at_head = digest
        prev_seq, prev_hash = seq, digest
        count += 1
    chain.rows, chain.head_seq, chain.head_hash, chain.last_at = count, prev_seq, prev_hash, last_at
    return chain


def check_columns(rows: Iterable[Row], versions: dict[Any, Any] | None = None) -> list[Fault]:
    """The derived columns against the body, over rows of ``DERIVED_COLUMNS`` in seq order.

    The common case is one expression of substring tests on the canonical body (keys
    sorted: ``actor`` always first, ``type`` always last, and in a stance event ``actor``,
    ``id``, ``occurred`` and ``proposal`` adjacent), with the exact check, which decodes
    the body, only on a miss. Substring tests are sound only on plain values, so a value
    with a quote or a backslash, a body of another schema version or one that nests an
    event (``amended``) takes the exact check.

    ``versions`` (each proposal's last version seen) is the state carried from row to row:
    pass it to start from the rows before these, and read it afterwards to go on.
    """
    faults: list[Fault] = []
    versions = {} if versions is None else versions
    current = SCHEMA_VERSION
    for row in rows:
        seq, eid, proposal, version, kind, actor, occurred, o_from, o_to, reported, r_from, r_to, sv, body = row
        try:
            plain = eid + proposal + kind + actor
            agree = (
                sv == current
                and kind in _KINDS
                and '"' not in plain
                and "\\" not in plain
                and '"replacement":' not in body
                and body.endswith(f'"type":"{kind}"}}')
                and (
                    f'"actor":"{actor}","id":"{eid}","occurred":"{occurred}","proposal":"{proposal}"' in body
                    or (
                        body.startswith(f'{{"actor":"{actor}"')
                        and f'"id":"{eid}"' in body
                        and f'"occurred":"{occurred}"' in body
                        and f'"proposal":"{proposal}"' in body
                    )
                )
                and bounds(occurred) == (o_from, o_to)
                and (
                    f'"reported":"{reported}"' in body and bounds(reported) == (r_from, r_to)
                    if reported is not None
                    else '"reported":' not in body and r_from is None and r_to is None
                )
                and versions.get(proposal, 0) + 1 == version
                # A decoder keeps a duplicate key's last value, so the occurrence tested above must be
                # the only one. ``type`` needs no count: ``endswith`` tests its last occurrence.
                and body.count('"actor":') == 1
                and body.count('"proposal":') == 1
            )
        except (DateError, TypeError, AttributeError):  # a column of the wrong type (an edited file)
            agree = False
        if agree:
            versions[proposal] = version
        else:
            _check_columns(row, versions, faults)
    return faults


def _classify(broken: list[_Broken], rows: Iterable[Row]) -> list[Fault]:
    """Second pass over rows of ``LINK_COLUMNS``: explain each chain break from where its row's hashes point."""
    seq_of_hash: dict[str, int] = {}
    seq_of_prev: dict[str, int] = {}
    for seq, prev_hash, digest in rows:
        seq_of_hash[digest] = seq
        seq_of_prev[prev_hash] = seq
    faults: list[Fault] = []
    moved: set[int] = set()
    shift = 0
    for b in broken:
        parent = 0 if b.prev_hash == GENESIS else seq_of_hash.get(b.prev_hash)
        alt = b.seq if b.self_ok else _recorded_seq(b, parent, seq_of_prev.get(b.hash), shift)
        if alt is None:
            faults.append(Fault(seq=b.seq, kind="edited", message=_edited(b)))
            continue
        if parent is None:
            if alt != b.seq or b.seq != b.prev_seq + 1:
                first = b.prev_seq + 1
                shift = alt - b.seq
                faults.append(Fault(seq=first, kind="deleted", message=_deleted(b, alt)))
            else:
                faults.append(
                    Fault(
                        seq=b.prev_seq,
                        kind="edited",
                        message=f"row {b.prev_seq} was rewritten (its hash recomputed): "
                        f"row {b.seq} still chains to the hash it had when recorded",
                    )
                )
            continue
        if parent >= b.seq:
            moved.add(b.seq)
            faults.append(Fault(seq=b.seq, kind="reordered", message=f"row at seq {b.seq} was recorded as seq {alt}"))
        elif parent == b.prev_seq:
            if alt != b.seq and alt - b.seq != shift:
                moved.add(b.seq)
                faults.append(
                    Fault(seq=b.seq, kind="reordered", message=f"row at seq {b.seq} was recorded as seq {alt}")
                )
        elif any(s in moved for s in range(parent + 1, b.seq)):
            if alt != b.seq:
                moved.add(b.seq)
                faults.append(
                    Fault(seq=b.seq, kind="reordered", message=f"row at seq {b.seq} was recorded as seq {alt}")
                )
        else:
            shift = alt - b.seq
            span = f"seq {parent + 1}" if parent + 1 == b.prev_seq else f"seqs {parent + 1}..{b.prev_seq}"
            faults = [f for f in faults if f.seq is None or not parent < f.seq <= b.prev_seq]
            faults.append(
                Fault(
                    seq=parent + 1,
                    kind="inserted",
                    message=f"{span} not in the chain as recorded: row {b.seq} (recorded as seq {alt}) "
                    f"follows seq {parent}, so the row(s) between were inserted",
                )
            )
    return faults


def _recorded_seq(b: _Broken, parent: int | None, child: int | None, shift: int) -> int | None:
    """The seq this row's hash was computed with, if it is intact but stored elsewhere."""
    candidates = {b.seq + shift, b.seq - 1, b.seq + 1}
    if parent is not None:
        candidates.add(parent + 1)
    if child is not None:
        candidates.add(child - 1)
    for seq in sorted(candidates):
        if seq > 0 and link(b.prev_hash, seq, b.recorded_at, b.schema_version, b.body) == b.hash:
            return seq
    return None


def _edited(b: _Broken) -> str:
    return f"row {b.seq} does not match its hash: its body, recorded_at or prev_hash was changed after recording"


def _deleted(b: _Broken, alt: int) -> str:
    if b.seq != b.prev_seq + 1:
        missing = f"seq {b.prev_seq + 1}" if b.seq == b.prev_seq + 2 else f"seqs {b.prev_seq + 1}..{b.seq - 1}"
        return f"{missing} missing: row {b.seq} chains to a row that is no longer in the log (deleted)"
    return (
        f"a row before seq {b.seq} was deleted and later rows renumbered: "
        f"row {b.seq} was recorded as seq {alt} and chains to a row that is no longer in the log"
    )


def _head_fault(scan: Chain, head: tuple[int, str]) -> Fault | None:
    seq, digest = head
    if seq > scan.head_seq:
        return Fault(
            seq=scan.head_seq + 1,
            kind="head",
            message=f"the published head is seq {seq} but the log ends at seq {scan.head_seq}: rows were deleted",
        )
    if seq > 0 and scan.at_head != digest:
        return Fault(
            seq=seq,
            kind="head",
            message=f"row {seq} now has hash {scan.at_head} instead of the published {digest}: "
            f"the log up to seq {seq} was rewritten",
        )
    if seq == 0 and digest != GENESIS:
        return Fault(seq=None, kind="head", message="a head at seq 0 must carry the genesis hash")
    return None


def select_from(rows: Callable[[], Iterable[Row]]) -> Select:
    """A ``Select`` over full rows (every column of ``COLUMNS``, in order), such as rows held in memory."""

    def select(columns: Sequence[str]) -> Iterable[Row]:
        at = [COLUMNS.index(c) for c in columns]
        return ([row[i] for i in at] for row in rows())

    return select


Passes = Callable[[int | None], tuple[Chain, list[Fault]]]
"""The chain pass and the column pass over the whole log (given the published head's seq):
what ``check_chain`` and ``check_columns`` find, in one process or split in ranges
(``tracker.parallel_verify``)."""


def serial_passes(select: Select) -> Passes:
    """The two passes in this process, each one loop over the whole log."""

    def passes(head_seq: int | None) -> tuple[Chain, list[Fault]]:
        return check_chain(select(CHAIN_COLUMNS), head_seq), check_columns(select(DERIVED_COLUMNS))

    return passes


def verify(
    rows: Callable[[], Iterable[Row]] | None = None,
    projection_differences: Callable[[], list[str]] | None = None,
    head: tuple[int, str] | None = None,
    *,
    select: Select | None = None,
    passes: Passes | None = None,
    schema_differences: Callable[[], list[str]] | None = None,
) -> Verification:
    """Check the chain and columns of the log, the projections, and a published head.

    The log comes from ``select`` (rows of the columns each pass needs; ``Store.rows`` is
    one) or, for rows held in memory, from ``rows`` (a re-iterable source of full rows).
    ``passes`` runs the chain and column passes another way (default: ``serial_passes``);
    whichever way, they must find what the serial loops find.
    """
    if select is None:
        if rows is None:
            raise TypeError("verify needs rows or select")
        select = select_from(rows)
    scan, column_faults = (passes or serial_passes(select))(head[0] if head else None)
    faults = scan.faults + column_faults
    if scan.broken:
        faults += _classify(scan.broken, select(LINK_COLUMNS))
    checked = ["chain", "columns"]
    if schema_differences is not None:  # part of the chain's check: not listed apart (the README shows the list)
        faults.extend(Fault(seq=None, kind="schema", message=m) for m in schema_differences())
    if head is not None:
        checked.append("head")
        fault = _head_fault(scan, head)
        if fault is not None:
            faults.append(fault)
    if projection_differences is not None:
        checked.append("projections")
        faults.extend(Fault(seq=None, kind="projection", message=m) for m in projection_differences())
    faults.sort(key=lambda f: (f.seq is None, f.seq or 0, _RANK.get(f.kind, 1)))
    return Verification(
        ok=not faults,
        rows=scan.rows,
        head_seq=scan.head_seq,
        head_hash=printable(scan.head_hash),
        checked=tuple(checked),
        faults=tuple(f.model_copy(update={"message": printable(f.message)}) for f in faults),
    )


def printable(text: object) -> str:
    """Text from a tampered row made safe to print and encode: lone surrogates (bytes that were not
    UTF-8) and control characters written as escapes."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
