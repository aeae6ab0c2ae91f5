"""Recording: append events given as JSON, import files of them, add one from options, open one in
the editor (``new``, ``edit``), and correct one without retyping it (``amend``, ``retract``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.api import Tracker
from tracker.commands import complete
from tracker.commands.app import (
    DbOption,
    ExpectOption,
    _open,
    app,
    handled,
)
from tracker.commands.options import (
    ByOption,
    DryRunOption,
    OnDayOption,
    ReasonOption,
    ShowJsonOption,
    correction_name,
    corrector,
    field_options,
    named,
    reason_given,
)
from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.core.advice import Recorded


@app.command()
@handled
def append(
    event: Annotated[str | None, typer.Argument(help="One event as JSON; read from stdin if omitted or '-'.")] = None,
    expect_version: ExpectOption = None,
    json: Annotated[bool, typer.Option("--json", help="Print what was stored: a JSON line per event.")] = False,
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
        try:
            recorded = t.recorded(t.store.append(batch, expect_version=expect_version))
        except TrackerError as exc:
            # the fields of JSON keep their names (the user typed them); only the option is renamed
            raise (named(exc) if exc.field == "expect_version" else exc) from None
    show_recorded(recorded, json=json, events=json)


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
        recorded = t.recorded(result, rows=False)
    _report(result.added, result.skipped, result.head_seq, result.ids)
    _warn(recorded)


def _delimiter(text: str | None) -> str | None:
    """The CSV delimiter given: one character (``tab`` or ``\\t`` for a tab)."""
    if text is None:
        return None
    if text in ("tab", "\\t"):
        return "\t"
    if len(text) != 1 or text in ('"', "\r", "\n"):
        raise TrackerError(f"--delimiter is one character (such as , or ; or tab), not {text!r}", field="delimiter")
    return text


# -- recording without JSON (issue 13) -------------------------------------------------------


def _warn(recorded: Recorded) -> None:
    for message in recorded.warnings:
        typer.echo(f"warning: {message}", err=True)


def show_recorded(recorded: Recorded, *, json: bool, events: bool = True) -> None:
    """The stored events on stdout (readable, or JSON lines), warnings and the summary on stderr."""
    from tracker.views.event_text import event_text, record_json

    if events:
        for rec in recorded.records:
            seq = None if recorded.dry_run else rec.seq
            typer.echo(record_json(rec, recorded.dry_run) if json else event_text(rec.event, seq))
    if recorded.dry_run:
        typer.echo(f"dry run: {recorded.added} event(s) valid, {recorded.skipped} already recorded; nothing written",
                   err=True)  # fmt: skip
    else:
        ids = tuple(r.id for r in recorded.records)
        _report(recorded.added, recorded.skipped, recorded.head_seq, ids)
    _warn(recorded)  # after the summary: the line a script reads first stays the same


@app.command()
@handled
@field_options
def add(
    kind: Annotated[str, typer.Argument(help="The event's kind (floated, accepted, ...).")],
    proposal: Annotated[str, typer.Argument(help="The proposal's slug.")],
    source_url: Annotated[str | None, typer.Option("--source-url", help="One source in parts: its URL.")] = None,
    source_outlet: Annotated[str | None, typer.Option("--source-outlet", help="... its outlet.")] = None,
    source_title: Annotated[str | None, typer.Option("--source-title", help="... its title.")] = None,
    source_published: Annotated[
        str | None, typer.Option("--source-published", metavar="DATE", help="... the day it was published.")
    ] = None,
    source_attribution: Annotated[
        str | None, typer.Option("--source-attribution", help="... who it attributes the claim to.")
    ] = None,
    source_quote: Annotated[str | None, typer.Option("--source-quote", help="... a short quote.")] = None,
    json: ShowJsonOption = False,
    dry_run: DryRunOption = False,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    **given: Any,
) -> None:
    """Record one event from options: no JSON to write. Prints the event stored and its warnings.

    Example: tracker add accepted us-ua-30day-2025 --actor ukraine --occurred 2025-03-11
    --source 'Reuters | Ukraine backs US ceasefire plan | 2025-03-11 | https://example.org/a'
    """
    from tracker.core import drafts

    parts = {"url": source_url, "outlet": source_outlet, "title": source_title, "published": source_published,
             "attribution": source_attribution, "quote": source_quote}  # fmt: skip
    line = drafts.validated(drafts.build(kind, proposal, given, parts))
    with _open(db, create=True) as t:
        recorded = record_lines(t, [line], expect_version, dry_run)
    show_recorded(recorded, json=json)


def record_lines(t: Tracker, lines: list[Any], expect_version: int | None, dry_run: bool, name: Any = None) -> Recorded:
    """Record (or, ``dry_run``, check) validated lines; an error names the option or field (``name``) as typed."""
    try:
        return t.record(lines, expect_version=expect_version, dry_run=dry_run)
    except TrackerError as exc:
        raise named(exc, name) from None


@app.command()
@handled
def amend(
    event: Annotated[
        str,
        typer.Argument(
            autocompletion=complete.events, help="The event to correct: its id, or its seq (as history shows it)."
        ),
    ],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="FIELD=VALUE", help="A field's new value; FIELD+=VALUE adds to a list."),
    ] = None,
    reason: ReasonOption = None,
    actor: ByOption = None,
    occurred: OnDayOption = None,
    json: ShowJsonOption = False,
    dry_run: DryRunOption = False,
    expect_version: ExpectOption = None,
    db: DbOption = None,
) -> None:
    """Correct fields of a recorded event: an 'amended' event built from it, keeping its id.

    Example: tracker amend accepted-1f2e3d4c5b6a7980 --set occurred=2025-05-20 --reason 'the article dates it so'
    """
    from tracker.core import corrections, drafts

    with _open(db) as t:
        found = t.find(event, "amended")
        assert found.current is not None
        replacement = corrections.amended(found.current, set_ or [])
        fixed = corrections.correction("amended", found.current, reason=reason_given(reason), actor=corrector(actor),
                                       occurred=occurred or t.today(), replacement=replacement)  # fmt: skip
        line = drafts.validated(fixed, correction_name)
        recorded = record_lines(t, [line], expect_version, dry_run, correction_name)
    show_recorded(recorded, json=json)


@app.command()
@handled
def retract(
    event: Annotated[
        str,
        typer.Argument(
            autocompletion=complete.events, help="The event to cancel: its id, or its seq (as history shows it)."
        ),
    ],
    reason: ReasonOption = None,
    actor: ByOption = None,
    occurred: OnDayOption = None,
    json: ShowJsonOption = False,
    dry_run: DryRunOption = False,
    expect_version: ExpectOption = None,
    db: DbOption = None,
) -> None:
    """Cancel a recorded event, as if it had never been recorded: a 'retracted' event naming it.

    Example: tracker retract denied-0a1b2c3d4e5f6071 --reason 'the report was a hoax'
    """
    from tracker.core import corrections, drafts

    with _open(db) as t:
        found = t.find(event, "retracted")
        fixed = corrections.correction("retracted", found.original, reason=reason_given(reason), actor=corrector(actor),
                                       occurred=occurred or t.today())  # fmt: skip
        line = drafts.validated(fixed, correction_name)
        recorded = record_lines(t, [line], expect_version, dry_run, correction_name)
    show_recorded(recorded, json=json)
