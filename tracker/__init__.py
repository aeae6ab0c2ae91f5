"""tracker: an event-sourced negotiation state tracker.

The public surface is re-exported here lazily, so that ``import tracker`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Tracker", "TrackerError", "__version__"]

if TYPE_CHECKING:
    from tracker.api import Tracker
    from tracker.errors import TrackerError


def __getattr__(name: str) -> Any:
    if name == "Tracker":
        from tracker.api import Tracker

        return Tracker
    if name == "TrackerError":
        from tracker.errors import TrackerError

        return TrackerError
    raise AttributeError(name)
