"""Writing an event in the editor: ``tracker new`` and ``tracker edit``, and the loop they share,
at the edge: open ``$VISUAL`` or ``$EDITOR`` (else ``vi``) on a template (``core.template``), read
it back on save, and on an error reopen it with the message on top, as ``git commit`` does.
Nothing is written until the file is valid."""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tracker.commands import complete
from tracker.commands.app import DbOption, ExpectOption, _open, app, handled
from tracker.commands.options import (
    ByOption,
    FormatOption,
    OnDayOption,
    ShowJsonOption,
    corrector,
    file_format,
    file_name,
)
from tracker.commands.recording import record_lines, show_recorded
from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.core.advice import Recorded

T = TypeVar("T")


@app.command()
@handled
def new(
    kind: Annotated[str, typer.Argument(help="The event's kind (floated, accepted, ...).")],
    proposal: Annotated[str, typer.Argument(help="The proposal's slug.")],
    actor: Annotated[str | None, typer.Option("--actor", metavar="SLUG", help="Prefill the actor.")] = None,
    occurred: Annotated[str | None, typer.Option("--occurred", metavar="DATE", help="Prefill the date.")] = None,
    format: FormatOption = "yaml",
    json: ShowJsonOption = False,
    expect_version: ExpectOption = None,
    db: DbOption = None,
) -> None:
    """Write one event in $VISUAL or $EDITOR (else vi) on a commented template; nothing is written until it is valid.

    Example: EDITOR=nano tracker new floated israel-hezbollah-2024 --actor united-states
    """
    from tracker.core import drafts, template

    drafts.check_kind(kind)
    prefill = template.normal({"type": kind, "proposal": proposal, "actor": actor, "occurred": occurred})
    header = [
        f"tracker new: a {kind} event of proposal {proposal}. Fill in the fields and save.",
        "Nothing is written until the file is valid; an empty file, or this template unchanged, aborts.",
    ]
    text = template.template(kind, prefill, file_format(format), header)
    with _open(db, create=True) as t:

        def accept(data: dict[str, Any]) -> Recorded:
            drafts.require(data)
            return record_lines(t, [drafts.validated(data, file_name)], expect_version, False, file_name)

        recorded = edit_until_valid(text, format, accept)
    show_recorded(recorded, json=json)


@app.command()
@handled
def edit(
    event: Annotated[
        str,
        typer.Argument(
            autocompletion=complete.events, help="The event to correct: its id, or its seq (as history shows it)."
        ),
    ],
    actor: ByOption = None,
    occurred: OnDayOption = None,
    format: FormatOption = "yaml",
    json: ShowJsonOption = False,
    db: DbOption = None,
) -> None:
    """Correct a recorded event in $VISUAL or $EDITOR: saved with a reason, it becomes an 'amended' event.

    Example: tracker edit accepted-1f2e3d4c5b6a7980
    """
    from tracker.core import corrections, drafts, template

    with _open(db) as t:
        found = t.find(event, "amended")
        current = found.current
        assert current is not None
        by, day = corrector(actor), occurred or t.today()
        header = [f"tracker edit: event {event}. Correct what is wrong, say why in 'reason' (last line), and save.",
                  f"It is recorded as an 'amended' event by {by} on {day}. Unchanged, nothing is written."]  # fmt: skip
        text = template.template(current["type"], current, file_format(format), header, extra=("reason",))

        def accept(data: dict[str, Any]) -> Recorded:
            reason = data.pop("reason", None)
            if data == template.normal(current):
                raise Aborted("the event is unchanged; nothing written")
            if not isinstance(reason, str) or not reason.strip():
                raise TrackerError("reason: say why the event is corrected")
            drafts.require(data)
            fixed = corrections.correction("amended", current, reason=reason, actor=by, occurred=day,
                                           replacement=data)  # fmt: skip
            return record_lines(t, [drafts.validated(fixed, file_name)], None, False, file_name)

        recorded = edit_until_valid(text, format, accept)
    show_recorded(recorded, json=json)


class Aborted(TrackerError):
    """The user left the file empty or unchanged: nothing is written."""


def editor() -> list[str]:
    """The editor command: ``$VISUAL``, else ``$EDITOR``, else ``vi`` (split as a shell would)."""
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def edit_until_valid(text: str, fmt: str, accept: Callable[[dict[str, Any]], T]) -> T:
    """Open the editor on ``text`` until ``accept`` takes what was saved (its errors reopen the file);
    an empty file, the template unchanged or a file unchanged since an error aborts (``Aborted``)."""
    import tempfile

    from tracker.core import template

    initial = template.parse(text, fmt)
    handle, name = tempfile.mkstemp(prefix="tracker-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    try:
        path.write_text(text, encoding="utf-8")
        last: str | None = None
        while True:
            _run(path)
            saved = path.read_text(encoding="utf-8")
            body = _content(saved)
            if body == last:
                raise Aborted("the file is unchanged since the error on its first line; nothing written")
            try:
                data = template.parse(saved, fmt)
                if data is None:
                    raise Aborted("the file is empty; nothing written")
                if data == initial:
                    raise Aborted("the template is unchanged; nothing written")
                return accept(data)
            except Aborted:
                raise
            except TrackerError as exc:
                path.write_text(template.with_errors(saved, [str(exc)]), encoding="utf-8")
                last = body
    finally:
        path.unlink(missing_ok=True)


def _content(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()


def _run(path: Path) -> None:
    import subprocess  # here, not at the top: every command imports this module at start-up

    command = [*editor(), str(path)]
    try:
        done = subprocess.run(command, check=False)
    except OSError as exc:
        raise TrackerError(f"cannot run the editor {command[0]!r} ({exc.strerror}): set VISUAL or EDITOR") from None
    if done.returncode != 0:
        raise TrackerError(f"the editor {command[0]!r} exited with status {done.returncode}; nothing written")
