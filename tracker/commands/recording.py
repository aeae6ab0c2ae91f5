"""Recording: append events given as JSON, import files of them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

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
    file: Annotated[Path, typer.Argument(metavar="PATH", help="A JSONL file, or a folder of *.jsonl files.")],
    expect_version: ExpectOption = None,
    db: DbOption = None,
) -> None:
    """Import a JSONL file of events as one atomic batch (re-importing adds nothing).

    Example: tracker import events/ru-freeze-2023.jsonl
    """
    from tracker.views.progress import bar_for

    bar = bar_for(sys.stderr)
    with _open(db, create=True) as t:
        try:
            result = t.import_file(file, expect_version=expect_version, progress=bar)
        finally:
            if bar is not None:
                bar.close()
    _report(result.added, result.skipped, result.head_seq, result.ids)
