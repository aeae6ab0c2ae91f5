"""Asking: status, history, audit, why and diff, on the three time axes."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tracker.api import Tracker
from tracker.commands.app import (
    AsRecordedOption,
    CsvOption,
    DbOption,
    JsonOption,
    KnownByOption,
    MarkdownOption,
    OnOption,
    VersionsOption,
    _only_one,
    _open,
    app,
    handled,
)
from tracker.errors import TrackerError


@app.command()
@handled
def status(
    proposal: Annotated[str | None, typer.Argument(help="One proposal slug; all if omitted.")] = None,
    on: OnOption = None,
    known_by: KnownByOption = None,
    as_recorded: AsRecordedOption = None,
    json: JsonOption = False,
    csv: CsvOption = False,
    markdown: MarkdownOption = False,
    versions: VersionsOption = True,
    db: DbOption = None,
) -> None:
    """Status of every proposal (or one) on a date (as text, JSON, CSV or Markdown).

    Example: tracker status --on 2024-02-14 --known-by 2024-02-12
    """
    from tracker.api import question
    from tracker.views import text as render

    with _open(db) as t:
        # the table shows only how many denials there are: the lists are read for JSON and CSV only
        answers = t.status(proposal, on=on, known_by=known_by, as_recorded=as_recorded, lists=json or csv)
        stream = t.versions() if versions else None
        names, titles = t.names(), t.names("proposal")
    q = question(on, known_by, as_recorded)
    if not _status_export(answers, q, json=json, csv=csv, markdown=markdown, names=names, titles=titles):
        typer.echo(render.status_output(answers, q, stream, as_json=json, names=names, titles=titles))


@app.command()
@handled
def history(
    proposal: Annotated[str, typer.Argument(help="Proposal slug.")],
    as_recorded: AsRecordedOption = None,
    json: JsonOption = False,
    csv: CsvOption = False,
    markdown: MarkdownOption = False,
    versions: VersionsOption = True,
    db: DbOption = None,
) -> None:
    """A proposal's story: every event in order of occurrence and the changes it made.

    --markdown writes the story for an article, with numbered citations.

    Example: tracker history ru-freeze-2023
    """
    from tracker.views import text as render

    with _open(db) as t:
        entries = t.history(proposal, as_recorded=as_recorded)
        version = t.versions().get(proposal, 0) if versions else None
        if _history_export(t, proposal, entries, as_recorded, json=json, csv=csv, markdown=markdown):
            return
        names = t.names()
    if json:
        typer.echo(render.to_json([e.model_dump(mode="json") for e in entries]))
        return
    typer.echo(render.history_table(entries, names))
    if version is not None:
        typer.echo(f"{proposal} is at version {version} (--expect-version {version} fails if anyone wrote first)")


@app.command()
@handled
def audit(
    proposal: Annotated[str, typer.Argument(help="Proposal slug.")],
    on: OnOption = None,
    known_by: KnownByOption = None,
    as_recorded: AsRecordedOption = None,
    json: JsonOption = False,
    csv: CsvOption = False,
    markdown: MarkdownOption = False,
    db: DbOption = None,
) -> None:
    """The replay log: each event applied in order, its source, the change it made, warnings.

    Example: tracker audit ru-freeze-2023 --on 2024-02-14 --markdown
    """
    from tracker.views import audit_text as render_audit

    with _open(db) as t:
        result = t.audit(proposal, on=on, known_by=known_by, as_recorded=as_recorded)
        names, titles = t.names(), t.names("proposal")
    _only_one(json=json, csv=csv, markdown=markdown)
    if csv:
        _audit_csv(result)
    elif json:
        typer.echo(render_audit.to_json(result.model_dump(mode="json")))
    elif markdown:
        typer.echo(render_audit.audit_markdown(result, names, titles))
    else:
        typer.echo(render_audit.audit_text(result))


def _status_export(
    answers: Any, q: Any, *, json: bool, csv: bool, markdown: bool, names: Any = None, titles: Any = None
) -> bool:
    _only_one(json=json, csv=csv, markdown=markdown)
    if not (csv or markdown):
        return False
    from tracker.views import exports

    if csv:
        rows = (exports.status_row(a) for a in answers)
        typer.echo(exports.to_csv(rows, exports.STATUS_COLUMNS), nl=False)
    elif markdown:
        typer.echo(exports.status_markdown(answers, q, names or {}, titles or {}), nl=False)
    return csv or markdown


def _history_export(
    t: Tracker, proposal: str, entries: Any, as_recorded: str | None, *, json: bool, csv: bool, markdown: bool
) -> bool:
    from tracker.views import exports

    _only_one(json=json, csv=csv, markdown=markdown)
    if csv:
        rows = (exports.history_row(e) for e in entries)
        typer.echo(exports.to_csv(rows, exports.HISTORY_COLUMNS), nl=False)
    elif markdown:
        story = t.audit(proposal, as_recorded=as_recorded)
        typer.echo(exports.story_markdown(story, t.names(), t.names("proposal")), nl=False)
    return csv or markdown


def _audit_csv(result: Any) -> None:
    from tracker.views import exports

    typer.echo(exports.to_csv((exports.audit_row(st) for st in result.steps), exports.AUDIT_COLUMNS), nl=False)


@app.command()
@handled
def why(
    proposal: Annotated[str, typer.Argument(help="Proposal slug.")],
    on: OnOption = None,
    known_by: KnownByOption = None,
    as_recorded: AsRecordedOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Provenance: which event (and source) set each field of a proposal's state.

    Example: tracker why ru-freeze-2023 --on 2024-02-14
    """
    from tracker.views import audit_text as render_audit

    with _open(db) as t:
        result = t.why(proposal, on=on, known_by=known_by, as_recorded=as_recorded)
    typer.echo(render_audit.to_json(result.model_dump(mode="json")) if json else render_audit.why_text(result))


@app.command()
@handled
def diff(
    proposal: Annotated[str | None, typer.Argument(help="Proposal slug (or --all).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every proposal.")] = False,
    start: Annotated[str, typer.Option("--from", help="Earlier cut-off (a day; a timestamp for as-recorded).")] = "",
    end: Annotated[str, typer.Option("--to", help="Later cut-off.")] = "",
    axis: Annotated[str, typer.Option("--axis", help="Which time moves: on, known-by or as-recorded.")] = "on",
    on: OnOption = None,
    known_by: KnownByOption = None,
    as_recorded: AsRecordedOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What changed between two dates on one time axis, and by which events (other axes fixed).

    Example: tracker diff truce --axis as-recorded --from 2024-03-01 --to 2024-03-08 --on 2024-01-10
    """
    from tracker.views import audit_text as render_audit

    if (proposal is None) == (not all_) or not start or not end:
        raise TrackerError("give a proposal or --all, and both --from and --to")
    with _open(db) as t:
        result = t.diff(proposal, start=start, end=end, axis=axis, on=on, known_by=known_by, as_recorded=as_recorded)
    typer.echo(render_audit.to_json(result.model_dump(mode="json")) if json else render_audit.diff_text(result))
