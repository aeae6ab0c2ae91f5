"""Sharing: export, the raw log, the timeline and full-text search."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.commands.app import (
    AsRecordedOption,
    DbOption,
    JsonOption,
    KnownByOption,
    _open,
    app,
    handled,
)
from tracker.errors import TrackerError


@app.command()
@handled
def export(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="[jsonl|csv|yaml|timelinejs]",
            help="jsonl (the log, with seq, recorded_at, hash: the backup), csv or yaml (the events only, "
            "read back by import), or timelinejs.",
        ),
    ] = "jsonl",
    proposal: Annotated[
        list[str] | None,
        typer.Option(
            "--proposal",
            metavar="SLUG",
            help="Only this proposal's events (repeatable). A partial JSONL export is not a backup: "
            "it cannot be restored.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the whole log as JSONL (event, seq, recorded_at, hash) to stdout, or the events as CSV or YAML.

    CSV and YAML hold the events only and round-trip through tracker import (same events, same ids).

    Example: tracker export > backup.jsonl

    Example: tracker export --format csv --proposal yemen-truce-2022 > yemen.csv

    Example: tracker export --format timelinejs > timeline.json
    """
    proposals = proposal or []
    if format != "jsonl":
        _export_other(format, proposals, db)
        return
    with _open(db) as t:
        for line in t.export(proposals):
            typer.echo(line)


@app.command()
@handled
def log(
    proposal: Annotated[str | None, typer.Option("--proposal", help="Only this proposal's stream.")] = None,
    since: Annotated[int | None, typer.Option("--since", min=0, max=2**62, help="Only rows after this seq.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=2**62, help="At most this many rows.")] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The raw append log in order of recording.

    Example: tracker log --proposal istanbul-2022
    Example: tracker log --since 120 --limit 20
    """
    from tracker.views import text as render

    with _open(db) as t:
        rows = list(t.log(proposal=proposal, since=since, limit=limit))
    if json:
        typer.echo(render.to_json(rows))
        return
    typer.echo(
        render.table(
            ("seq", "recorded_at", "kind", "proposal", "actor", "occurred", "id"),
            (
                (
                    str(r["seq"]),
                    r["recorded_at"],
                    r["event"]["type"],
                    r["event"]["proposal"],
                    r["event"]["actor"],
                    r["event"]["occurred"],
                    r["event"]["id"],
                )
                for r in rows
            ),
        )
    )


def _export_other(format: str, proposals: list[str], db: Path | None) -> None:
    from tracker.views import eventfiles
    from tracker.views import text as render

    writers = {"csv": eventfiles.csv_text, "yaml": eventfiles.yaml_text}
    if format not in (*writers, "timelinejs"):
        raise TrackerError(f"unknown export format {format!r}; expected jsonl, csv, yaml or timelinejs", field="format")
    with _open(db) as t:
        if format == "timelinejs":
            typer.echo(render.to_json(t.timelinejs(proposals)))
            return
        for chunk in writers[format](lambda: t.events(proposals)):
            typer.echo(chunk, nl=False)


def _day_option(value: str | None, name: str) -> str | None:
    from tracker.core.dates import DateError, day

    try:
        return day(value) if value is not None else None
    except DateError as exc:
        raise TrackerError(str(exc), field=name) from None


@app.command()
@handled
def timeline(
    proposals: Annotated[list[str] | None, typer.Argument(help="Proposal slugs; all if omitted.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day drawn (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day drawn (YYYY-MM-DD).")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Draw a vertical line at this day.")] = None,
    known_by: KnownByOption = None,
    as_recorded: AsRecordedOption = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML page here.")] = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="Write the SVG picture alone here.")] = None,
    title: Annotated[
        str, typer.Option("--title", help="The picture's title (the HTML page's title and heading, the SVG's).")
    ] = "Proposals over time",
    db: DbOption = None,
) -> None:
    """A timeline: a lane per proposal, its status over time, a marker per event (text, HTML or SVG).

    Lanes run in order of first event (or as named). A proposal still open with no news for 90 days
    fades out, marked "no news since ...".

    Example: tracker timeline --on 2024-02-14 --html timeline.html --title "Ceasefire proposals, 2022-2025"
    """
    from tracker.api import question
    from tracker.views import timeline as draw

    q = question(on, known_by, as_recorded)
    first, last = _day_option(start, "from"), _day_option(end, "to")
    from tracker.views.words import words

    with _open(db) as t:
        lanes = t.timeline(proposals or (), known_by=known_by, as_recorded=as_recorded)
        names = {**t.names("actor"), **t.names("proposal")}  # display names and titles, for readers
    lanes = lanes if proposals else draw.by_first_event(lanes)
    first, last = draw.span(lanes, first, last, q.on)
    if first > last:
        raise TrackerError(f"--from {first} is after --to {last}", field="from")
    for target, text in ((html, draw.page), (svg, draw.svg)):
        if target is not None:
            target.write_text(text(lanes, first, last, q.on, title, names=names, words=words), encoding="utf-8")
            typer.echo(f"wrote {target} ({len(lanes)} lane(s), {first} to {last})", err=True)
    if html is None and svg is None:
        typer.echo(draw.text(lanes, first, last, q.on, names=names))


@app.command()
@handled
def search(
    text: Annotated[str, typer.Argument(help="Words to find (all of them) in notes and sources.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many results.")] = 20,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Full-text search over event notes, terms and source titles and quotes.

    Example: tracker search "ceasefire Sullivan"
    """
    from tracker.arguments import check_search
    from tracker.views import text as render

    check_search(text)
    with _open(db) as t:
        hits = t.search(text, limit=limit)
    if json:
        typer.echo(render.to_json([h.model_dump(mode="json") for h in hits]))
        return
    rows = ((h.proposal, h.event_id + (" (retracted)" if h.retracted else ""), h.field, h.snippet) for h in hits)
    typer.echo(render.table(("proposal", "event", "field", "match"), rows))
