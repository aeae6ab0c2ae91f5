"""The command line: thin typer commands over ``tracker.api.Tracker``.

Data goes to stdout, diagnostics to stderr; a ``TrackerError`` becomes one line on stderr
and exit code 1, never a traceback. The app, the shared options and the error handling live in
``tracker.commands.app``; the commands of each group in their own module under ``tracker.commands``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.commands import asking, checking, editing, listing, recording, sharing
from tracker.commands.app import ROOT_DB, app

__all__ = ["app", "main", "asking", "checking", "editing", "listing", "recording", "sharing"]


ORDER = (
    "add", "new", "import", "amend", "retract", "edit", "append",
    "status", "history", "show", "proposals", "actors", "audit", "why", "diff", "log", "search",
    "timeline", "export",
    "verify", "head", "rebuild",
)  # fmt: skip
"""The commands in the order of the work, as ``tracker --help`` lists them: record, read, publish, check."""


def _place(command: Any) -> int:
    name = command.name or getattr(command.callback, "__name__", "").replace("_", "-")
    return ORDER.index(name) if name in ORDER else len(ORDER)


app.registered_commands.sort(key=_place)


def _version(value: bool) -> None:
    if value:
        from tracker import __version__

        typer.echo(f"tracker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the tool's release version (tracker X.Y.Z) and exit.",
        ),
    ] = False,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", metavar="PATH", help="SQLite file for the sub-command (as its own --db; that one wins if both)."
        ),
    ] = None,
) -> None:
    """Tracker of ceasefire and peace proposals: record a story, ask about any date, correct, publish, prove."""
    ROOT_DB[0] = db


def main() -> None:
    """Run the typer app: the ``tracker`` script (``quickstatus.main``) calls it when its quick path declines."""
    app()
