"""The command line's shared parts: the typer app, the options every command declares, and the
error handling that turns a ``TrackerError`` into one stderr line.

Data goes to stdout, diagnostics to stderr; a ``TrackerError`` becomes one line on stderr
and exit code 1, never a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from tracker.api import Tracker
from tracker.errors import TrackerError

app = typer.Typer(
    name="tracker",
    help="Tracker of ceasefire and peace proposals: record a story, ask about any date, correct, publish, prove.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="SQLite file (else a --db before the sub-command, else $TRACKER_DB, "
        "else ~/.local/share/tracker/tracker.db).",
    ),
]
DATES = "YYYY-MM-DD; YYYY-MM or YYYY: its last day; today; a date-time: its UTC day"
OnOption = Annotated[
    str | None,
    typer.Option("--on", metavar="DATE", help=f"Valid time: the world as it stood on this day ({DATES})."),
]
KnownByOption = Annotated[
    str | None,
    typer.Option("--known-by", metavar="DATE", help=f"Publication time: only what was public by this day ({DATES})."),
]
AsRecordedOption = Annotated[
    str | None,
    typer.Option(
        "--as-recorded",
        metavar="TIMESTAMP",
        help="Record time: what this tracker said at T (a date-time; a day, a month, a year or today: its end).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
ExpectOption = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        min=0,
        max=2**62,
        metavar="N",
        help="Refuse unless the proposal's version is still N (its version: the number of events in its stream).",
    ),
]
VersionsOption = Annotated[
    bool,
    typer.Option(
        "--versions/--no-versions",
        help="Show each proposal's version: the number of events in its stream, what append --expect-version checks "
        "(events_applied counts those the answer folded; schema_version is the event format's; --version the tool's).",
    ),
]


def _fail(message: str) -> None:
    for line in message.split("\n"):  # several errors (``ManyErrors``): one line each
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(1)


def _check_arguments(kwargs: dict[str, Any]) -> list[str]:
    """Refuse, before anything is opened, what no command can use: text that is not UTF-8 (Python
    hands such argument bytes over as lone surrogates), a malformed ``--as-recorded``, and more
    workers than cores (``TRACKER_WORKERS``). Return the notes for cut-offs in the future (printed
    once the command has answered: an error stays one line)."""
    for name, value in kwargs.items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str | Path) and not _is_utf8(str(text)):
                raise TrackerError(f"{_option(name)} is not valid UTF-8: {str(text)!r}", field=name)
    if kwargs.get("as_recorded") is not None:
        from tracker.arguments import check_as_recorded

        check_as_recorded(kwargs["as_recorded"])
    from tracker.arguments import check_workers

    check_workers(os.environ.get("TRACKER_WORKERS"))
    cuts = {name: kwargs.get(name) for name in ("on", "known_by", "as_recorded")}
    if any(isinstance(cut, str) for cut in cuts.values()):
        from tracker.api import future_notes

        return future_notes(**cuts)
    return []


def _option(name: str) -> str:
    """How a parameter (or an error's field named after one) is typed on the command line."""
    spelled = {"proposal": "the proposal", "proposals": "a proposal", "event": "the event", "text": "the text"}
    spelled |= OPTION_NAMES
    return spelled.get(name, "--" + name.replace("_", "-"))


OPTION_NAMES = {"start": "--from", "end": "--to", "from": "--from", "to": "--to", "all_": "--all"}
"""Parameters (and error fields) whose option is not their name with dashes (``--from`` is ``start``)."""


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def handled(func: F) -> F:
    """Turn TrackerError (and a few OS and SQLite errors) into one stderr line and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import sqlite3

        try:
            notes = _check_arguments(kwargs)
            result = func(*args, **kwargs)
            for note in notes:
                typer.echo(note, err=True)
            return result
        except TrackerError as exc:
            if (exc.field in kwargs or exc.field in OPTION_NAMES) and exc.file is None and exc.line is None:
                # a field named after this command's own parameter: name the option as it is typed
                exc.field = _option(exc.field) if _option(exc.field).startswith("--") else exc.field
            _fail(str(exc))
        except OverflowError as exc:  # date arithmetic past 0001-01-01 or 9999-12-31 (a margin, a widening)
            _fail(f"a date too near the calendar's ends (years 1 and 9999) to place here ({exc}); nothing was written")
        except sqlite3.Error as exc:  # a damaged page or value met while reading, after the file opened
            db = kwargs.get("db") or ROOT_DB[0] or os.environ.get("TRACKER_DB") or "the database"
            _fail(f"cannot read {db}: {exc} (the file may be damaged; run tracker verify); nothing was written")
        except BrokenPipeError:
            # The reader went away (``tracker log | head``): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        except KeyboardInterrupt:
            # Landing after the store committed (the store reports a Ctrl-C before that itself),
            # the batch was kept: saying "nothing was written" then would be false.
            done = [t.store.committed for t in _OPENED if t.store.committed is not None]
            if done:
                _fail(f"interrupted after the batch was committed: {done[-1].added} event(s) kept")
            _fail("interrupted; nothing from the unfinished batch was written")
        finally:
            _OPENED.clear()
            ROOT_DB[0] = None  # one invocation's --db never reaches the next (tests run many in one process)
        return None

    return wrapper  # type: ignore[return-value]


def _open(db: Path | None, *, create: bool = False) -> Tracker:
    """The tracker at ``--db`` (or ``$TRACKER_DB``, or the default). A command that only reads
    (``create`` False) never creates a database at a path it was given: a mistyped path is an error."""
    db = _root_db(db)
    named = db if db is not None else (Path(os.environ["TRACKER_DB"]) if os.environ.get("TRACKER_DB") else None)
    if not create and named is not None and named.parent.is_dir() and not named.exists():
        raise TrackerError(
            f"no database at {named} (check --db or TRACKER_DB; append or import creates one)", field="db"
        )
    tracker = Tracker(named)
    _OPENED.append(tracker)
    if tracker.seeded is not None:
        typer.echo(
            f"note: first use: created {tracker.path} and loaded the bundled corpus "
            f"({tracker.seeded.added} events); --db PATH or TRACKER_DB choose another database",
            err=True,
        )
    return tracker


def _root_db(db: Path | None) -> Path | None:
    """``--db`` given after the sub-command, else the one given before it (``tracker --db x.db
    status``), else None (``$TRACKER_DB``, then the default location)."""
    return db if db is not None else ROOT_DB[0]


ROOT_DB: list[Path | None] = [None]
"""The ``--db`` given before the sub-command; the root callback sets it on every invocation."""
_OPENED: list[Tracker] = []
"""The trackers this command opened (one, in practice), read if it is interrupted."""
CsvOption = Annotated[bool, typer.Option("--csv", help="CSV output (a header line, one row each).")]
MarkdownOption = Annotated[bool, typer.Option("--markdown", help="Markdown output, for pasting into an article.")]


def _only_one(**formats: bool) -> None:
    chosen = [f"--{name}" for name, on in formats.items() if on]
    if len(chosen) > 1:
        raise TrackerError(f"choose one output format, not {' and '.join(chosen)}")
