"""Recording: append events given as JSON, import files of them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tracker.api import Tracker
from tracker.commands.app import (
    DbOption,
    ExpectOption,
    _open,
    app,
    handled,
)
from tracker.errors import TrackerError


@app.command()
@handled
def append(
    event: Annotated[str | None, typer.Argument(help="One event as JSON; read from stdin if omitted or '-'.")] = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
) -> None:
    """Append one event (or JSONL lines from stdin) as one atomic batch.

    Example: tracker append '{"type": "considering", "proposal": "us-ua-30day-2025", ...}'
    """
    from tracker.arguments import stdin_lines
    from tracker.core.validate import parse_line

    if event in (None, "-"):
        # Bytes, split on "\n" only, as ``import`` reads a file: a U+2028 inside a JSON string is
        # text, and bytes that are not UTF-8 are named by parse_line, not raised by the decoder.
        lines: list[tuple[int, str | bytes]] = [*stdin_lines(sys.stdin.buffer)]
    else:
        lines = [(1, event)]
    if not lines:
        raise TrackerError("no event given (pass JSON as an argument or on stdin)")
    with _open(db, create=True) as t:
        batch = (
            parse_line(raw, n if len(lines) > 1 else None, "<stdin>" if event in (None, "-") else None)
            for n, raw in lines
        )
        result = t.store.append(batch, expect_version=expect_version)
    _report(result.added, result.skipped, result.head_seq, result.ids)


def _report(added: int, skipped: int, head: int, ids: tuple[str, ...]) -> None:
    shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
    typer.echo(
        f"appended {added} event(s), skipped {skipped} already recorded; head is seq {head}"
        + (f" ({shown})" if ids else ""),
        err=True,
    )


@app.command("import")
@handled
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="A JSONL, YAML or CSV file, a folder of them, or - for stdin (with --format)."
        ),
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="[jsonl|yaml|csv]",
            help="The format, if not the file's extension (.jsonl; .yaml or .yml; .csv).",
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option("--delimiter", metavar="CHAR", help="CSV: the delimiter (default: , ; or tab, from the header)."),
    ] = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
) -> None:
    """Import events from JSONL, YAML or CSV files as one atomic batch (re-importing adds nothing).

    Every bad row is reported (file:line: field: message), and then nothing is written. YAML: a
    list of events (mappings), or documents each an event. CSV: a header line, then one row per
    event. Columns: type, proposal, actor, person, occurred, reported, note, then any field of the
    kind (addressees, co_proposers, terms, channel, conditions, target, stance, effective, ends,
    duration, deadlines, required_parties, id, ...); lists separated by '; ', deadlines 'what |
    due; what | due'; sources in source1, source2, ... as 'Outlet | Title | published | url |
    attribution | quote', or in parts (source1_outlet, source1_title, source1_published,
    source1_url, source1_attribution, source1_quote); an amendment's replacement as JSON. An
    empty cell is absent. See docs/formats.md.

    Example: tracker import events/ru-freeze-2023.jsonl

    Example: tracker import story.csv

    A YAML file of display names ({parties: {slug: name}, proposals: {slug: title}}) is recorded as
    names, as tracker actors --load does.
    """
    from tracker.views.progress import bar_for

    if Tracker.is_names_file(file):  # a names file (parties: / proposals:) is imported like events
        from tracker.commands.listing import _named

        with _open(db, create=True) as t:
            _named(*t.load_names(file), "party or proposal")
        return
    separator = _delimiter(delimiter)
    bar = bar_for(sys.stderr) if str(file) != "-" else None
    with _open(db, create=True) as t:
        try:
            if str(file) == "-":
                result = t.import_stream(
                    sys.stdin.buffer, format=format or "jsonl", expect_version=expect_version, delimiter=separator
                )
            else:
                result = t.import_file(
                    file, expect_version=expect_version, progress=bar, format=format, delimiter=separator
                )
        finally:
            if bar is not None:
                bar.close()
    _report(result.added, result.skipped, result.head_seq, result.ids)


def _delimiter(text: str | None) -> str | None:
    """The CSV delimiter given: one character (``tab`` or ``\\t`` for a tab)."""
    if text is None:
        return None
    if text in ("tab", "\\t"):
        return "\t"
    if len(text) != 1 or text in ('"', "\r", "\n"):
        raise TrackerError(f"--delimiter is one character (such as , or ; or tab), not {text!r}", field="delimiter")
    return text
