"""What can go wrong with the SQLite file, waited out or named in one line.

Another writer holding the lock is waited out: each attempt lets SQLite's busy handler
wait ``BUSY_STEP`` seconds, and a statement that is safe to repeat (``BEGIN IMMEDIATE``,
opening and migrating the file) is retried until ``busy_timeout`` has passed. Short steps
keep Ctrl-C responsive: Python only sees the signal when SQLite hands control back.
Everything else (a read-only file, a full disk, a file that is not a database) becomes
one ``StoreError`` line saying what happened and that nothing was written.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tracker.errors import StoreError

ENV_BUSY_TIMEOUT = "TRACKER_BUSY_TIMEOUT"
BUSY_TIMEOUT = 60.0
BUSY_STEP = 0.2
READ_TIMEOUT = 5.0

T = TypeVar("T")


def default_busy_timeout() -> float:
    """Seconds a writer waits for the others: ``$TRACKER_BUSY_TIMEOUT``, else 60."""
    text = os.environ.get(ENV_BUSY_TIMEOUT, "")
    try:
        return max(0.0, float(text)) if text else BUSY_TIMEOUT
    except ValueError:
        raise StoreError(f"{ENV_BUSY_TIMEOUT} must be a number of seconds, not {text!r}") from None


def is_busy(exc: sqlite3.Error) -> bool:
    """True for the errors that mean another connection holds a lock."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def retry_busy(attempt: Callable[[], T], busy_timeout: float) -> T:
    """Call ``attempt`` (a statement safe to repeat) until it is not busy or the time is up."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            return attempt()
        except sqlite3.Error as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise


def begin_immediate(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """``BEGIN IMMEDIATE``, retried in short waits so that Ctrl-C is seen between them.

    Other statements keep the connection's longer busy timeout (``read_timeout``): a reader
    can meet a lock for a moment while another process closes and checkpoints the file.
    """
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_STEP * 1000)}")
    try:
        retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"), busy_timeout)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(read_timeout(busy_timeout) * 1000)}")


def read_timeout(busy_timeout: float) -> float:
    """How long a single read or commit waits for a lock (seconds): a few seconds at most."""
    return min(busy_timeout, READ_TIMEOUT)


def store_error(exc: sqlite3.Error, path: Path, doing: str) -> StoreError:
    """One line naming what went wrong with ``path`` (``doing`` is e.g. "open", "write to")."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc)
    if is_busy(exc):
        message = (
            f"the database {path} is busy: another process has been writing to it for too long "
            f"(set {ENV_BUSY_TIMEOUT} to wait longer); nothing was written, try again"
        )
    elif code == sqlite3.SQLITE_READONLY or "readonly" in text:
        message = f"cannot write to {path}: the file (or its folder) is read-only; nothing was written"
    elif code == sqlite3.SQLITE_FULL or "disk is full" in text:
        message = f"cannot write to {path}: the disk is full (or a file-size limit was hit); nothing was written"
    elif code == sqlite3.SQLITE_IOERR:
        message = (
            f"cannot {doing} {path}: disk I/O error (is the disk full or a file-size limit set?); "
            "the unfinished batch was not kept"
        )
    elif code == sqlite3.SQLITE_NOTADB or "not a database" in text:
        message = f"{path} is not a tracker database (not an SQLite file)"
    elif code == sqlite3.SQLITE_CANTOPEN:
        message = f"cannot {doing} {path}: the file cannot be opened (check permissions)"
    else:
        message = f"cannot {doing} {path}: {text}"
    return StoreError(message)
