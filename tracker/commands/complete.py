"""Shell completion of PROPOSAL and EVENT arguments: slugs and event ids read from the database.

Completion runs on every Tab, so it reads cheaply and never writes: the standard library's
sqlite3, read-only, one indexed range scan (``events`` is indexed by proposal and by id), at
most ``LIMIT`` names. A database that is missing, locked or not ours completes nothing.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from tracker.store.location import default_db_path

LIMIT = 200
"""At most this many names are offered at one Tab."""
_TOP = "\U0010ffff"  # the greatest code point: every string starting with a prefix sorts below prefix + it


def database(ctx: Any = None) -> Path:
    """The database a command line names: its sub-command's ``--db``, the one before the
    sub-command, ``$TRACKER_DB``, else the default location."""
    for level in (ctx, getattr(ctx, "parent", None)):
        named = getattr(level, "params", {}).get("db") if level is not None else None
        if named:
            return Path(named)
    return Path(os.environ[ENV]) if os.environ.get(ENV) else default_db_path()


ENV = "TRACKER_DB"


def _names(path: Path, sql: str, incomplete: str) -> list[str]:
    if not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            return [str(r[0]) for r in conn.execute(sql, (incomplete, incomplete + _TOP, LIMIT))]
        finally:
            conn.close()
    except sqlite3.Error:  # locked, damaged, not ours: offer nothing rather than fail the shell
        return []


def proposal_slugs(path: Path, incomplete: str = "") -> list[str]:
    """The proposal slugs in the database at ``path`` that start with ``incomplete``, sorted."""
    sql = "SELECT DISTINCT proposal FROM events WHERE proposal >= ? AND proposal < ? ORDER BY proposal LIMIT ?"
    return _names(path, sql, incomplete)


def event_ids(path: Path, incomplete: str = "") -> list[str]:
    """The event ids in the database at ``path`` that start with ``incomplete``, sorted."""
    return _names(path, "SELECT id FROM events WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", incomplete)


def proposals(ctx: Any, incomplete: str) -> list[str]:
    """typer ``autocompletion`` for a PROPOSAL argument."""
    return proposal_slugs(database(ctx), incomplete)


def events(ctx: Any, incomplete: str) -> list[str]:
    """typer ``autocompletion`` for an EVENT argument."""
    return event_ids(database(ctx), incomplete)
