"""Files of events as analysts hand them over: JSONL, YAML or CSV, read into one batch of lines.

The format comes from the extension (``.jsonl``; ``.yaml``/``.yml``; ``.csv``) unless given. A
folder is every such file in it, in name order. Every event, whatever its format, becomes JSON
parsed by ``validate.parse_line``, so every guarantee of a JSONL line (one error naming file,
line and field; bounded size and nesting; ids derived from content) holds for a row or a
YAML event too. Reading does not stop at a bad row: ``Problems`` keeps them all (the first
``MAX_REPORTED``) and the batch ends with one error listing them, so the store writes nothing.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from itertools import chain
from pathlib import Path
from typing import IO

import orjson

from tracker.core import rows
from tracker.core.validate import MAX_DIAGNOSE_BYTES, MAX_LINE_BYTES, Line, parse_line
from tracker.errors import InputError, ManyErrors, TrackerError

FORMATS = ("jsonl", "yaml", "csv")
EXTENSIONS = {".jsonl": "jsonl", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
DELIMITERS = (",", ";", "\t")
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
MAX_REPORTED = 50
"""At most this many bad rows are listed; the rest are counted."""

Item = Line | TrackerError
Opener = Callable[[], AbstractContextManager[IO[bytes]]]
Source = tuple[str, str, Opener]
"""A name for errors, a format and a way to open it."""
OnBytes = Callable[[int], None] | None


class Problems:
    """The bad rows of one batch, as read and as the log refuses them: the first ``MAX_REPORTED`` kept."""

    def __init__(self, files: Sequence[str] = ()) -> None:
        self.kept: list[TrackerError] = []
        self.count = 0
        self.order = {name: n for n, name in enumerate(files)}

    def add(self, error: TrackerError) -> None:
        """Note one bad row (or a file that cannot be read)."""
        self.count += 1
        if len(self.kept) < MAX_REPORTED:
            self.kept.append(error)

    def error(self) -> TrackerError:
        """The one error to raise: the error itself if there is one, else all of them, in file and line order."""
        if self.count == 1:
            return self.kept[0]
        ordered = sorted(self.kept, key=lambda e: (self.order.get(e.file or "", -1), e.line or 0))
        return ManyErrors(ordered, self.count)

    def raise_if_any(self) -> None:
        """Raise ``error()`` if any row was bad: the store calls it before it commits."""
        if self.count:
            raise self.error()


def format_of(path: Path, given: str | None) -> str:
    """The format of a file: the one given, else its extension's (JSONL for any other extension)."""
    if given is not None:
        if given not in FORMATS:
            raise InputError(f"unknown format {given!r}; expected {', '.join(FORMATS)}", field="format")
        return given
    if path.suffix.lower() in SPREADSHEETS:
        raise InputError(f"{path} is a spreadsheet file: save it as CSV (UTF-8) and import that", field="file")
    return EXTENSIONS.get(path.suffix.lower(), "jsonl")


def from_path(path: Path, fmt: str) -> Source:
    """A file to read in a batch."""
    return str(path), fmt, lambda: path.open("rb")


def from_stream(stream: IO[bytes], name: str, fmt: str) -> Source:
    """An open stream (stdin) to read in a batch; it is left open."""
    return name, fmt, lambda: contextlib.nullcontext(stream)


def event_files(source: Path) -> list[Path]:
    """The files a path names: itself, or every event file in a folder, in name order."""
    if not source.is_dir():
        return [source]
    found = sorted(p for p in source.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())
    if not found:
        raise InputError(f"no {', '.join(EXTENSIONS)} files in {source}")
    return found


def batch(
    sources: Iterable[Source],
    problems: Problems,
    *,
    delimiter: str | None = None,
    on_bytes: OnBytes = None,
) -> Iterator[Line]:
    """The lines of every source (``name``, ``format``, ``open``) in order, while none is bad.

    After the first bad row (or the first the log refuses: ``Store.append(refused=problems)``)
    nothing more is yielded, so that one bad ``floated`` does not make every later row of its
    proposal bad too; the rest is read for its own problems. The store, given ``problems``,
    refuses the batch at its end and writes nothing.
    """
    for name, fmt, opener in sources:
        try:
            with opener() as handle:
                for item in READERS[fmt](handle, name, delimiter, on_bytes):
                    if isinstance(item, TrackerError):
                        problems.add(item)
                    elif not problems.count:
                        yield item
        except OSError as exc:
            problems.add(InputError(f"cannot read {name}: {exc.strerror or exc}"))


def _jsonl(handle: IO[bytes], name: str, delimiter: str | None, on_bytes: OnBytes) -> Iterator[Item]:
    # Bounded reads: a hostile file with no newline must not be read into memory whole.
    for number, raw in enumerate(iter(lambda: handle.readline(MAX_DIAGNOSE_BYTES + 1), b""), start=1):
        if on_bytes is not None:
            on_bytes(len(raw))
        if len(raw) > MAX_DIAGNOSE_BYTES:
            yield InputError(f"line longer than {MAX_LINE_BYTES} bytes", file=name, line=number)
            while not raw.endswith(b"\n") and raw:  # the rest of the long line is not a line of its own
                raw = handle.readline(MAX_DIAGNOSE_BYTES + 1)
            continue
        if raw.strip():
            try:
                yield parse_line(raw, number, name)
            except TrackerError as exc:
                yield exc.located(file=name, line=number)


def _text_lines(handle: IO[bytes], name: str, on_bytes: OnBytes) -> Iterator[str]:
    """The lines of a UTF-8 file (BOM dropped), each bounded while it is read; InputError otherwise."""
    for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), start=1):
        if on_bytes is not None:
            on_bytes(len(raw))
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(f"line longer than {MAX_LINE_BYTES} bytes", file=name, line=number)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            message = f"not valid UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1}); save it as CSV UTF-8"
            raise InputError(message, file=name, line=number) from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def sniff(header: str) -> str:
    """The delimiter of a CSV file from its header line: the most frequent of ``,``, ``;`` and tab."""
    return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def _csv(handle: IO[bytes], name: str, delimiter: str | None, on_bytes: OnBytes) -> Iterator[Item]:
    lines = _text_lines(handle, name, on_bytes)
    blank = 0  # blank lines before the header: rows are numbered as lines of the file
    try:
        for first in lines:
            if first.strip():
                break
            blank += 1
        else:
            return
        if first.startswith("sep=") and len(first.rstrip("\r\n")) == 5:  # Excel's line naming the delimiter
            delimiter, blank = delimiter or first[4], blank + 1
            first = next(lines, "")
        reader = csv.reader(chain([first], lines), delimiter=delimiter or sniff(first), strict=True)
        header = [column.strip() for column in next(reader)]
        rows.check_header(header)
    except TrackerError as exc:
        yield exc.located(file=name, line=blank + 1)
        return
    except csv.Error as exc:
        yield InputError(f"malformed CSV header ({exc})", file=name, line=blank + 1)
        return
    end = reader.line_num
    while True:
        start = blank + end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except TrackerError as exc:  # from the lines beneath: not UTF-8, too long
            yield exc
            return
        except csv.Error as exc:
            yield InputError(f"malformed CSV ({exc})", file=name, line=start)
            return
        end = reader.line_num
        item = _row(cells, header, name, start)
        if item is not None:
            yield item


def _row(cells: Sequence[str], header: Sequence[str], name: str, number: int) -> Item | None:
    """The line of one row (None for a blank row), or the error that names its column."""
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        return InputError(f"{len(cells)} cells where the header has {len(header)} columns", file=name, line=number)
    try:
        row = rows.event_of_row(dict(zip(header, cells, strict=False)))
    except TrackerError as exc:
        return exc.located(file=name, line=number)
    if row is None:
        return None
    try:
        return parse_line(orjson.dumps(row.event), number, name)
    except TrackerError as exc:
        exc.field = row.column(exc.field)
        return exc.located(file=name, line=number)


class _LineTooLong(Exception):
    """A line of a YAML file longer than ``MAX_LINE_BYTES``, met while the parser reads it."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _BoundedLines:
    """A byte stream that refuses a line longer than ``MAX_LINE_BYTES`` as it is read, so that the
    YAML parser never holds more than one chunk of an over-long line (a 1 GB file with no newline)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._run = 0  # bytes since the last newline
        self._lines = 1

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size if 0 <= size <= MAX_LINE_BYTES else MAX_LINE_BYTES)
        last = chunk.rfind(b"\n")
        if last < 0:
            self._run += len(chunk)
        else:
            self._lines += chunk.count(b"\n")
            self._run = len(chunk) - last - 1
        if self._run > MAX_LINE_BYTES:
            raise _LineTooLong(self._lines)
        return chunk


def _yaml(handle: IO[bytes], name: str, delimiter: str | None, on_bytes: OnBytes) -> Iterator[Item]:
    from tracker.core import yamlin  # PyYAML is imported only for YAML files: start-up stays quick

    items = yamlin.events(_BoundedLines(handle), name)  # type: ignore[arg-type]
    while True:
        try:
            item = next(items)
        except StopIteration:
            break
        except _LineTooLong as exc:
            yield InputError(f"line longer than {MAX_LINE_BYTES} bytes", file=name, line=exc.line)
            break
        if isinstance(item, TrackerError):
            yield item
            continue
        number, event = item
        try:
            yield parse_line(orjson.dumps(event), number, name)
        except TrackerError as exc:
            yield exc.located(file=name, line=number)
        except (TypeError, orjson.JSONEncodeError) as exc:
            yield InputError(f"cannot be read as an event ({exc})", file=name, line=number)
    if on_bytes is not None:
        on_bytes(handle.tell())


READERS: dict[str, Callable[[IO[bytes], str, str | None, OnBytes], Iterator[Item]]] = {
    "jsonl": _jsonl,
    "yaml": _yaml,
    "csv": _csv,
}
