"""Verification: is the stored log the log that was recorded?

Pure checks over the raw rows of the ``events`` table (as ``Store.rows()`` yields them):

- the hash chain: each row's ``hash`` must be SHA-256 of ``prev_hash`` + its canonical text
  (see ``tracker.store.canonical_row``), its ``prev_hash`` the hash of the row before, and
  ``seq`` must count 1, 2, 3, ... A break is classified by what explains it: an *edited* row,
  a *deleted* row, a *reordered* (moved) row, an *inserted* row;
- the derived columns (id, proposal, type, actor, occurred/reported and their bounds,
  version) against the body they were derived from (*column*);
- optionally a published head ``SEQ:HASH`` (*head*): the log recorded then must be a prefix
  of the log now.

The hot path hashes the stored text and checks columns by substring on the canonical body,
without pydantic; bodies that nest an event (``amended``) are decoded with ``json``.
Classifying a break needs the hashes of every row, so that second pass runs only when the
first one found a break.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from tracker.dates import DateError, bounds
from tracker.errors import InputError, TrackerError
from tracker.events import SCHEMA_VERSION
from tracker.state import Value
from tracker.upcast import upcast

GENESIS = "0" * 64  # the prev_hash of seq 1 (same as tracker.store.GENESIS)
Row = Sequence[Any]  # the columns of tracker.store.COLUMNS, in that order


class Fault(Value):
    """One thing wrong with the stored log: where (``seq``, None for a table), what, and why."""

    seq: int | None
    kind: str  # edited | deleted | reordered | inserted | column | projection | head
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
    match = re.fullmatch(r"(\d+):([0-9a-f]{64})", text.strip())
    if match is None:
        raise InputError(f"expected SEQ:HASH (64 hex digits), got {text!r}", field="head")
    return int(match[1]), match[2]


def link(prev: str, seq: int, recorded_at: str, schema_version: int, body: str) -> str:
    """The chain link of a row: as ``tracker.store.row_hash``, inlined here for speed."""
    text = f'{prev}{{"event":{body},"recorded_at":"{recorded_at}","schema_version":{schema_version},"seq":{seq}}}'
    return sha256(text.encode()).hexdigest()


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


@dataclass
class _Scan:
    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    broken: list[_Broken] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    at_head: str | None = None


_RANK = {"column": 2, "projection": 3}  # at the same seq, a chain fault explains a column fault


def _column_message(name: str, column: object, body: object) -> str:
    return f"column {name} is {column!r} but the event body says {body!r}"


def _check_columns(row: Row, versions: dict[str, int], faults: list[Fault]) -> None:
    """The derived columns against the decoded body, exactly (the slow path, run when the fast one misses)."""
    seq, proposal, version, occurred, o_from, o_to, reported, r_from, r_to = (
        row[i] for i in (0, 2, 3, 6, 7, 8, 9, 10, 11)
    )
    try:
        obj = json.loads(row[14])
    except (ValueError, TypeError):
        obj = None
    if not isinstance(obj, dict):
        faults.append(Fault(seq=seq, kind="column", message="the event body is not a JSON object"))
        obj = {}
    elif row[13] != SCHEMA_VERSION:  # a body of an older schema: compare in today's field names
        try:
            obj = upcast(obj, row[13])
        except TrackerError as exc:
            faults.append(Fault(seq=seq, kind="column", message=f"schema_version {row[13]!r}: {exc.message}"))
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


def _scan(rows: Iterable[Row], head_seq: int | None) -> _Scan:
    """First pass: hash every row, note chain breaks, check derived columns.

    This is the hot loop (a million rows must take seconds), so it is written flat: the
    columns unpacked into locals, the common case of ``_check_columns`` inlined as one
    expression of substring tests on the canonical body, the exact check only on a miss.
    """
    scan = _Scan()
    versions: dict[str, int] = {}
    broken = scan.broken
    prev_seq, prev_hash, last_at, count = 0, GENESIS, "", 0
    for row in rows:
        (seq, eid, proposal, version, kind, actor, occurred, o_from, o_to, reported, r_from, r_to) = row[:12]
        recorded_at, schema_version, body, stored_prev, digest = row[12:17]
        text = f'{stored_prev}{{"event":{body},"recorded_at":"{recorded_at}","schema_version":{schema_version},"seq":{seq}}}'  # noqa: E501
        self_ok = sha256(text.encode()).hexdigest() == digest
        if not self_ok or stored_prev != prev_hash or seq != prev_seq + 1:
            broken.append(
                _Broken(seq, prev_seq, prev_hash, recorded_at, schema_version, body, stored_prev, digest, self_ok)
            )
        elif recorded_at < last_at:
            scan.faults.append(Fault(seq=seq, kind="reordered", message=f"recorded_at {recorded_at} goes back in time"))
        if recorded_at > last_at:
            last_at = recorded_at
        try:
            plain = eid + proposal + kind + actor
            agree = (
                '"replacement":' not in body
                and '"' not in plain
                and "\\" not in plain
                and f'"id":"{eid}"' in body
                and f'"proposal":"{proposal}"' in body
                and f'"type":"{kind}"' in body
                and f'"actor":"{actor}"' in body
                and f'"occurred":"{occurred}"' in body
                and bounds(occurred) == (o_from, o_to)
                and (
                    f'"reported":"{reported}"' in body and bounds(reported) == (r_from, r_to)
                    if reported is not None
                    else '"reported":' not in body and r_from is None and r_to is None
                )
                and versions.get(proposal, 0) + 1 == version
            )
        except (DateError, TypeError):
            agree = False
        if agree:
            versions[proposal] = version
        else:
            _check_columns(row, versions, scan.faults)
        if seq == head_seq:
            scan.at_head = digest
        prev_seq, prev_hash = seq, digest
        count += 1
    scan.rows, scan.head_seq, scan.head_hash = count, prev_seq, prev_hash
    return scan


def _classify(broken: list[_Broken], rows: Iterable[Row]) -> list[Fault]:
    """Second pass: explain each chain break from where its row's hashes point."""
    seq_of_hash: dict[str, int] = {}
    seq_of_prev: dict[str, int] = {}
    for row in rows:
        seq_of_hash[row[16]] = row[0]
        seq_of_prev[row[15]] = row[0]
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


def _head_fault(scan: _Scan, head: tuple[int, str]) -> Fault | None:
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


def verify(
    rows: Callable[[], Iterable[Row]],
    projection_differences: Callable[[], list[str]] | None = None,
    head: tuple[int, str] | None = None,
) -> Verification:
    """Check the chain and columns of the rows (a re-iterable source), the projections, a published head."""
    scan = _scan(rows(), head[0] if head else None)
    faults = scan.faults + (_classify(scan.broken, rows()) if scan.broken else [])
    checked = ["chain", "columns"]
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
        head_hash=scan.head_hash,
        checked=tuple(checked),
        faults=tuple(faults),
    )
