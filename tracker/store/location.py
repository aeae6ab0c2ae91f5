"""Where the database lives when no ``--db`` is given (standard library only: the quick path uses it)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "TRACKER_DB"


def default_db_path() -> Path:
    """``$TRACKER_DB``, else ``$XDG_DATA_HOME/tracker/tracker.db`` (``~/.local/share/...``)."""
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tracker" / "tracker.db"
