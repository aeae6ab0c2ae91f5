"""The quick path of the ``tracker`` script: the common ``tracker status`` answered in a few ms.

Importing typer and pydantic costs several times what the answer does (a Python start is
~20 ms, typer ~100 ms, pydantic and our models ~150 ms on a small shared machine), and
``status`` on a single time axis needs neither: it is one indexed lookup in the ``intervals``
projection, whose rows hold each state as JSON. So the script's entry point, ``main``, first
tries to answer here with the standard library alone, and hands everything else to the
typer app (``tracker.cli.main``) unchanged.

The quick path only answers what it fully understands, and prints the same bytes the typer
path would (``tests/test_quickstatus.py`` runs both over many argument combinations). It
declines, before writing anything, on: any other command or option (``--csv``, ``--help``,
``--opt=value`` flags, repeated options, a value that looks like an option), two or more
time axes (a replay), a database that does not exist yet (the first run seeds it) or is not
ready for the lookup, and every error (bad date, unknown proposal, busy file): the typer
path then reports it in its own words.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tracker.core.dates import day
from tracker.errors import TrackerError
from tracker.store import names as names_log
from tracker.store.clock import instant, now
from tracker.store.faults import default_busy_timeout, read_timeout
from tracker.store.location import ENV_DB, default_db_path
from tracker.store.lookup import END_OF_TIME, PROJECTIONS_FORMAT, answers_at
from tracker.views import text as render

VALUED = {"--on": "on", "--known-by": "known_by", "--as-recorded": "as_recorded", "--db": "db"}
FLAGS = {"--json": ("json", True), "--versions": ("versions", True), "--no-versions": ("versions", False)}
STRICT_INSTANT = re.compile(
    r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
"""The ``--as-recorded`` forms the quick path answers itself (ASCII digits, years 1000-9999)."""
NEEDED_TABLES = {"meta", "events", "intervals", "interval_streams"}


class Question(NamedTuple):
    """The cut-offs asked, normalised as ``api.question`` makes them."""

    on: str | None
    known_by: str | None
    as_recorded: str | None


class Declined(Exception):
    """The quick path does not answer this invocation: the typer path will."""


def parse(argv: Sequence[str]) -> dict[str, Any]:
    """The options of ``status`` from the arguments after the script name (Declined if unsure)."""
    if not argv or argv[0] != "status":
        raise Declined
    opts: dict[str, Any] = {}
    args = list(argv[1:])
    while args:
        token = args.pop(0)
        value: str | bool
        if token in VALUED:
            if not args or args[0].startswith("-"):
                raise Declined
            name, value = VALUED[token], args.pop(0)
        elif token in FLAGS:
            name, value = FLAGS[token]
        elif not token.startswith("-"):
            name, value = "proposal", token
        else:
            raise Declined
        if name in opts:
            raise Declined
        opts[name] = value
    return opts


def question(opts: Mapping[str, Any]) -> Question:
    """Normalise the cut-offs; any malformed one declines (the typer path names the option)."""
    recorded = opts.get("as_recorded")
    if recorded is not None and not STRICT_INSTANT.fullmatch(recorded):  # the typer path checks the rest
        raise Declined
    try:
        q = Question(
            day(opts["on"]) if "on" in opts else None,
            day(opts["known_by"]) if "known_by" in opts else None,
            instant(opts["as_recorded"]) if "as_recorded" in opts else None,
        )
    except ValueError:  # DateError, InputError: both reported by the typer path
        raise Declined from None
    if sum(cut is not None for cut in q) > 1:  # two or three axes: a replay of each stream, in Tracker.status
        raise Declined
    return q


def database(opts: Mapping[str, Any]) -> Path:
    """The database file, as the typer path finds it (``--db``, then ``$TRACKER_DB``, then the default)."""
    given = opts["db"] if "db" in opts else os.environ.get(ENV_DB) or None  # click ignores an empty variable
    target = Path(given) if given is not None else default_db_path()
    if not target.is_file():  # missing (the first run seeds it), a folder, ...: the typer path decides
        raise Declined
    return target


def read(conn: sqlite3.Connection, opts: Mapping[str, Any], q: Question) -> str:
    """The text ``tracker status`` prints for these options, read from an open database."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not NEEDED_TABLES <= tables:  # an older file: opening it in the Store adds the projections
        raise Declined
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('app', 'projections')").fetchall())
    if meta != {"app": "tracker", "projections": PROJECTIONS_FORMAT}:  # not ours, or to be rebuilt first
        raise Declined
    proposal = opts.get("proposal")
    if proposal is not None:
        found = conn.execute("SELECT 1 FROM events WHERE proposal = ? LIMIT 1", (proposal,)).fetchone()
        if found is None:  # the typer path says so
            raise Declined
    asked = [(axis, cut) for axis, cut in zip(Question._fields, q, strict=True) if cut is not None]
    axis, cut = asked[0] if asked else ("as_recorded", END_OF_TIME)  # one axis at most (see question)
    as_json = bool(opts.get("json"))
    answers = answers_at(conn, axis, cut, proposal, today=now()[:10], lists=as_json)
    versions = None
    if opts.get("versions", True):
        sql = "SELECT proposal, max(version) FROM events GROUP BY proposal"
        versions = {str(p): int(v) for p, v in conn.execute(sql)}
    names, titles = names_log.read(conn, "actor"), names_log.read(conn, "proposal")  # as the typer path shows them
    return render.status_output(answers, q, versions, as_json=as_json, names=names, titles=titles)


def _utf8(stream: Any) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def answer(argv: Sequence[str]) -> int | None:
    """Answer ``tracker status ...`` and return the exit code, or None to leave it to the typer path."""
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):  # shell completion: click's job
        return None
    try:
        opts = parse(argv)
        q = question(opts)
        target = database(opts)
        conn = sqlite3.connect(target, isolation_level=None, timeout=read_timeout(default_busy_timeout()))
        try:
            text = read(conn, opts, q) + "\n"
        finally:
            conn.close()
        text.encode("utf-8")  # a lone surrogate from the data: let click deal with it
    except (Declined, TrackerError, sqlite3.Error, ValueError, KeyError, TypeError):
        return None  # nothing written yet: the typer path answers or reports the error
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted; nothing from the unfinished batch was written\n")  # as cli.handled
        return 1
    # click strips ANSI codes when not writing to a terminal and re-encodes a misconfigured stream;
    # the only ANSI codes here are text.table's colours (the data's are escaped), sent to terminals only.
    if ("\x1b" in text and not sys.stdout.isatty()) or not _utf8(sys.stdout):
        return None
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # ``tracker status | head``: stop quietly, as cli.handled does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:  # ``tracker status > /dev/full``: one line, no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.stderr.write(f"error: cannot write the answer: {exc.strerror or exc}\n")
        return 1
    return 0
