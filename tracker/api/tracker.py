"""``Tracker``, the Python API: a log opened (``core``), with the readers' methods (``reading``) and
recording without JSON (``recording``), each part in the module named after it."""

from __future__ import annotations

from tracker.api.recording import Recording


class Tracker(Recording):
    """An event-sourced negotiation tracker backed by one SQLite file.

    >>> t = Tracker("tracker.db")          # doctest: +SKIP
    >>> t.status(on="2024-02-14")           # doctest: +SKIP
    """
