"""The options of the recording commands: ``tracker add``'s one option per field (generated from
``core.drafts``), the options of corrections, and errors that name options as the user typed them."""

from __future__ import annotations

import inspect
import os
from typing import Annotated, Any

import typer

from tracker.core import drafts, fields
from tracker.core.events import KINDS
from tracker.errors import TrackerError

DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Validate and show the event; write nothing.")]
ShowJsonOption = Annotated[bool, typer.Option("--json", help="Print the stored event as a JSON line instead.")]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", metavar="TEXT", help="Why the event is corrected (required).")
]
ByOption = Annotated[
    str | None,
    typer.Option("--actor", metavar="SLUG", help="Who corrects it (default $TRACKER_EDITOR, else 'editor')."),
]
OnDayOption = Annotated[
    str | None, typer.Option("--occurred", metavar="DATE", help="When it is corrected (default today, UTC).")
]
FormatOption = Annotated[str, typer.Option("--format", metavar="[yaml|json]", help="The file's format.")]


def named(exc: TrackerError, name: Any = None) -> TrackerError:
    """The error naming options as typed (``--expect-version``, not ``field 'expect_version'``)."""
    return drafts.renamed(exc, name or drafts.option_of)


def field_options(func: Any) -> Any:
    """Give ``add`` an option for every field of every kind (from ``core.drafts.options``), after its
    arguments: typer reads them from the signature, and they reach ``func`` as ``**given``."""
    explicit = list(inspect.signature(func, eval_str=True).parameters.values())
    generated = []
    for name, kinds in drafts.options().items():
        shape = fields.fields(kinds[0])[name]
        kinds_text = "every kind" if len(kinds) == len(KINDS) else ", ".join(kinds)
        repeat = " (repeatable)" if shape in ("list", "deadlines", "sources") else ""
        info = typer.Option(
            drafts.option(name),
            metavar=drafts.metavar(name),
            help=f"{drafts.describe(kinds[0], name)}{repeat}. Of: {kinds_text}.",
            show_default=False,
        )
        kind_of = list[str] | None if repeat else str | None
        generated.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                           annotation=Annotated[kind_of, info]))  # fmt: skip
    head = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in explicit if p.kind is not p.VAR_KEYWORD]
    params = head[:2] + generated + head[2:]
    func.__signature__ = inspect.Signature(params)
    func.__annotations__ = {p.name: p.annotation for p in params}
    return func


def correction_name(path: str) -> str:
    """A correction's fields as the options that give them (``replacement.occurred``: ``--set occurred``)."""
    path = drafts.bare(path)
    if path.startswith("replacement."):
        return "--set " + path.removeprefix("replacement.").split(".")[0]
    return {"actor": "--actor (or TRACKER_EDITOR)", "target": "the event", "expect_version": "--expect-version"}.get(
        path, "--" + path.replace("_", "-")
    )


def file_name(path: str) -> str:
    """A field of the file ``new`` and ``edit`` open, named as written there (an amendment's
    ``replacement.occurred`` is the file's ``occurred``); ``--expect-version`` as typed."""
    path = drafts.bare(path).removeprefix("replacement.")
    return "--expect-version" if path == "expect_version" else path


def corrector(actor: str | None) -> str:
    """Who records a correction: ``--actor``, else ``$TRACKER_EDITOR``, else ``editor``."""
    return actor or drafts.editor_slug(os.environ.get("TRACKER_EDITOR"))


def reason_given(reason: str | None) -> str:
    """The ``--reason`` of a correction, which it cannot do without."""
    if not reason or not reason.strip():
        raise TrackerError("--reason is required: say why the event is corrected")
    return reason


def file_format(fmt: str) -> str:
    """The ``--format`` of ``new`` and ``edit``, checked."""
    from tracker.core.template import FORMATS

    if fmt not in FORMATS:
        raise TrackerError(f"--format: unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
    return fmt
