"""The command line: thin typer commands over ``tracker.api.Tracker``.

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
    help="Event-sourced tracker of ceasefire and peace proposals: status on any date, append, audit.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar="TRACKER_DB", help="SQLite file (default ~/.local/share/tracker/tracker.db)."),
]
OnOption = Annotated[str | None, typer.Option("--on", help="Valid time: the world as it stood on this day.")]
KnownByOption = Annotated[
    str | None, typer.Option("--known-by", help="Publication time: only what was public by this day.")
]
AsRecordedOption = Annotated[
    str | None,
    typer.Option("--as-recorded", help="Record time: what this tracker said at T (ISO timestamp; a day = its end)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
ExpectOption = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        min=0,
        max=2**62,
        help="Refuse unless the proposal still has exactly N events (optimistic lock).",
    ),
]
VersionsOption = Annotated[
    bool,
    typer.Option("--versions/--no-versions", help="Show each proposal's stream version (for append --expect-version)."),
]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _check_arguments(kwargs: dict[str, Any]) -> None:
    """Refuse, before anything is opened, what no command can use: text that is not UTF-8 (Python
    hands such argument bytes over as lone surrogates), a malformed ``--as-recorded``, and more
    workers than cores (``TRACKER_WORKERS``)."""
    for name, value in kwargs.items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str | Path) and not _is_utf8(str(text)):
                raise TrackerError(f"{_option(name)} is not valid UTF-8: {str(text)!r}", field=name)
    if kwargs.get("as_recorded") is not None:
        from tracker.arguments import check_as_recorded

        check_as_recorded(kwargs["as_recorded"])
    from tracker.arguments import check_workers

    check_workers(os.environ.get("TRACKER_WORKERS"))


def _option(name: str) -> str:
    return {"proposal": "the proposal", "proposals": "a proposal", "event": "the event", "text": "the text"}.get(
        name, "--" + name.replace("_", "-")
    )


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
            _check_arguments(kwargs)
            return func(*args, **kwargs)
        except TrackerError as exc:
            _fail(str(exc))
        except OverflowError as exc:  # date arithmetic past 0001-01-01 or 9999-12-31 (a margin, a widening)
            _fail(f"a date too near the calendar's ends (years 1 and 9999) to place here ({exc}); nothing was written")
        except sqlite3.Error as exc:  # a damaged page or value met while reading, after the file opened
            db = kwargs.get("db") or os.environ.get("TRACKER_DB") or "the database"
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
        return None

    return wrapper  # type: ignore[return-value]


def _open(db: Path | None, *, create: bool = False) -> Tracker:
    """The tracker at ``--db`` (or ``$TRACKER_DB``, or the default). A command that only reads
    (``create`` False) never creates a database at a path it was given: a mistyped path is an error."""
    named = db if db is not None else (Path(os.environ["TRACKER_DB"]) if os.environ.get("TRACKER_DB") else None)
    if not create and named is not None and named.parent.is_dir() and not named.exists():
        raise TrackerError(
            f"no database at {named} (check --db or TRACKER_DB; append or import creates one)", field="db"
        )
    tracker = Tracker(db)
    _OPENED.append(tracker)
    return tracker


_OPENED: list[Tracker] = []
"""The trackers this command opened (one, in practice), read if it is interrupted."""


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
    q = question(on, known_by, as_recorded)
    if not _status_export(answers, q, json=json, csv=csv, markdown=markdown):
        typer.echo(render.status_output(answers, q, stream, as_json=json))


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
    if json:
        typer.echo(render.to_json([e.model_dump(mode="json") for e in entries]))
        return
    rows = []
    for e in entries:
        changes = "; ".join(f"{c['field']}: {c['before'] or '-'} -> {c['after']}" for c in e.changes) or "-"
        if e.seq is None:  # a transition with no event: name the term that caused it
            changes += f" ({e.id})"
        rows.append((str(e.seq or "-"), e.occurred, e.reported or "-", e.kind, e.actor, changes, e.status or "-"))
    typer.echo(render.table(("seq", "occurred", "reported", "kind", "actor", "changes", "status"), rows))
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
    _only_one(json=json, csv=csv, markdown=markdown)
    if csv:
        _audit_csv(result)
    elif json:
        typer.echo(render_audit.to_json(result.model_dump(mode="json")))
    else:
        typer.echo(render_audit.audit_markdown(result) if markdown else render_audit.audit_text(result))


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
    file: Annotated[Path, typer.Argument(help="A JSONL file, or a folder of *.jsonl files.")],
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


@app.command()
@handled
def export(
    format: Annotated[
        str, typer.Option("--format", help="jsonl (the log, with seq, recorded_at, hash) or timelinejs.")
    ] = "jsonl",
    db: DbOption = None,
) -> None:
    """Write the whole log as JSONL (event, seq, recorded_at, hash) to stdout, or TimelineJS JSON.

    Example: tracker export > backup.jsonl
    Example: tracker export --format timelinejs > timeline.json
    """
    if format != "jsonl":
        _export_other(format, db)
        return
    with _open(db) as t:
        for line in t.export():
            typer.echo(line)


@app.command()
@handled
def log(
    proposal: Annotated[str | None, typer.Option("--proposal", help="Only this proposal's stream.")] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The raw append log in order of recording.

    Example: tracker log --proposal istanbul-2022
    """
    from tracker.views import text as render

    with _open(db) as t:
        rows = list(t.log(proposal=proposal))
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


# --- sharing: timeline, search, exports, version (issue 6) ---

CsvOption = Annotated[bool, typer.Option("--csv", help="CSV output (a header line, one row each).")]
MarkdownOption = Annotated[bool, typer.Option("--markdown", help="Markdown output, for pasting into an article.")]


def _only_one(**formats: bool) -> None:
    chosen = [f"--{name}" for name, on in formats.items() if on]
    if len(chosen) > 1:
        raise TrackerError(f"choose one output format, not {' and '.join(chosen)}")


def _status_export(answers: Any, q: Any, *, json: bool, csv: bool, markdown: bool) -> bool:
    _only_one(json=json, csv=csv, markdown=markdown)
    if not (csv or markdown):
        return False
    from tracker.views import exports

    if csv:
        rows = (exports.status_row(a) for a in answers)
        typer.echo(exports.to_csv(rows, exports.STATUS_COLUMNS), nl=False)
    elif markdown:
        typer.echo(exports.status_markdown(answers, q), nl=False)
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
        typer.echo(exports.story_markdown(t.audit(proposal, as_recorded=as_recorded)), nl=False)
    return csv or markdown


def _audit_csv(result: Any) -> None:
    from tracker.views import exports

    typer.echo(exports.to_csv((exports.audit_row(st) for st in result.steps), exports.AUDIT_COLUMNS), nl=False)


def _export_other(format: str, db: Path | None) -> None:
    from tracker.views import text as render

    if format != "timelinejs":
        raise TrackerError(f"unknown export format {format!r}; expected jsonl or timelinejs", field="format")
    with _open(db) as t:
        typer.echo(render.to_json(t.timelinejs()))


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
    db: DbOption = None,
) -> None:
    """A timeline: a lane per proposal, its status over time, a marker per event (text, HTML or SVG).

    Example: tracker timeline --on 2024-02-14 --html timeline.html
    """
    from tracker.api import question
    from tracker.views import timeline as draw

    q = question(on, known_by, as_recorded)
    first, last = _day_option(start, "from"), _day_option(end, "to")
    with _open(db) as t:
        lanes = t.timeline(proposals or (), known_by=known_by, as_recorded=as_recorded)
    first, last = draw.span(lanes, first, last, q.on)
    if first > last:
        raise TrackerError(f"--from {first} is after --to {last}", field="from")
    for target, text in ((html, draw.page), (svg, draw.svg)):
        if target is not None:
            target.write_text(text(lanes, first, last, q.on), encoding="utf-8")
            typer.echo(f"wrote {target} ({len(lanes)} lane(s), {first} to {last})", err=True)
    if html is None and svg is None:
        typer.echo(draw.text(lanes, first, last, q.on))


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


def _version(value: bool) -> None:
    if value:
        from tracker import __version__

        typer.echo(f"tracker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Event-sourced tracker of ceasefire and peace proposals: status on any date, append, audit."""


# --- audit trail: verify, head, audit explained, why, diff (issue 3) ---

HeadOption = Annotated[
    str | None, typer.Option("--head", help="A head published earlier (SEQ:HASH): prove the log then is a prefix.")
]


@app.command()
@handled
def verify(
    head: HeadOption = None,
    projections: Annotated[
        bool, typer.Option("--projections/--no-projections", help="Also replay the log to check derived tables.")
    ] = True,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Recompute the hash chain and check every derived table; exit 1 on any fault.

    Example: tracker verify --head 42:3f1c...e9
    """
    from tracker.views import audit_text as render_audit

    with _open(db) as t:
        result = t.verify(head, projections=projections)
    if json:
        typer.echo(render_audit.to_json(render_audit.verification_dict(result)))
    else:
        typer.echo(render_audit.verification_text(result))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
@handled
def head(json: JsonOption = False, db: DbOption = None) -> None:
    """Print the head of the log as SEQ:HASH, to publish and check later with verify --head.

    Example: tracker head
    """
    from tracker.views import audit_text as render_audit

    with _open(db) as t:
        seq, digest = t.head()
    typer.echo(render_audit.to_json({"seq": seq, "hash": digest}) if json else f"{seq}:{digest}")


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


# --- projections (issue 4) ---


@app.command()
@handled
def rebuild(db: DbOption = None) -> None:
    """Recreate every projection (current state, valid-time intervals) from the log.

    Example: tracker rebuild --db tracker.db
    """
    with _open(db) as t:
        t.store.rebuild()
        count = t.store.count()
    typer.echo(f"rebuilt the projections from {count} event(s)", err=True)


def main() -> None:
    """Run the typer app: the ``tracker`` script (``quickstatus.main``) calls it when its quick path declines."""
    app()
