"""Listing: one event (``show``), the proposals, the parties, and their display names."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.commands import complete
from tracker.commands.app import DbOption, JsonOption, _open, app, handled
from tracker.errors import TrackerError

SetOption = Annotated[
    tuple[str, str] | None, typer.Option("--set", metavar="SLUG NAME", help="Record a display name for a slug.")
]


@app.command()
@handled
def show(
    event: Annotated[
        str, typer.Argument(autocompletion=complete.events, help="The event: its id, or its seq (as history shows it).")
    ],
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Everything about one event: its fields, sources, what it changed, its warnings, its corrections.

    Example: tracker show floated-3f2a9c1d0e4b5a6c
    """
    from tracker.views import listing, text

    with _open(db) as t:
        detail = t.show(event)
    typer.echo(text.to_json(detail) if json else listing.event_text(detail))


def _named(added: int, unknown: list[str], what: str) -> None:
    typer.echo(f"recorded {added} new display name(s)", err=True)
    if unknown:
        typer.echo(f"warning: no {what} {', '.join(unknown)} in the log yet (named anyway)", err=True)


@app.command()
@handled
def proposals(
    set_: SetOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every proposal: title, status today, first and last dates, events, proposer.

    Example: tracker proposals --set istanbul-2022 'Istanbul Communiqué'
    """
    from tracker.views import listing, text

    if set_ is not None:
        with _open(db, create=True) as t:
            _named(*t.set_names([("proposal", *set_)]), "proposal")
        return
    with _open(db) as t:
        rows, names = t.proposals(), t.names()
    typer.echo(text.to_json([r.as_dict() for r in rows]) if json else listing.proposals_text(rows, names))


@app.command()
@handled
def actors(
    set_: SetOption = None,
    load: Annotated[
        Path | None,
        typer.Option(
            "--load",
            metavar="PATH",
            help="Record the names of a YAML file {parties: {slug: name}, proposals: {slug: title}}.",
        ),
    ] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every party slug: display name, events as actor, proposals; and slugs that may be one party.

    Example: tracker actors --set united-states 'United States'
    Example: tracker actors --load parties.yaml
    """
    from tracker.views import listing, text

    if set_ is not None and load is not None:
        raise TrackerError("give --set or --load, not both")
    if set_ is not None or load is not None:
        with _open(db, create=True) as t:
            result = t.load_names(load) if load is not None else t.set_names([("actor", *(set_ or ("", "")))])
        _named(*result, "party or proposal")
        return
    with _open(db) as t:
        found, duplicates = t.parties()
    if json:
        doc = {"parties": [p.as_dict() for p in found], "duplicates": [d.as_dict() for d in duplicates]}
        typer.echo(text.to_json(doc))
        return
    typer.echo(listing.parties_text(found, duplicates))
