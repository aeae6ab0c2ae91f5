"""The clock: the only source of ``recorded_at``, and parsing of recording-time questions."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tracker.errors import InputError

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def now() -> str:
    """The current UTC time as the store writes it (freezegun can pin it in tests)."""
    return stamp(datetime.now(UTC))


def stamp(moment: datetime) -> str:
    """A datetime as a fixed-width, sortable UTC string (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_FORMAT)


def instant(text: str) -> str:
    """Parse an ``--as-recorded`` value: an ISO 8601 timestamp, or a bare date = end of that day UTC."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return stamp(datetime.fromisoformat(text).replace(hour=23, minute=59, second=59, microsecond=999999))
        return stamp(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise InputError(f"not an ISO 8601 timestamp or date: {text!r}", field="as_recorded") from None
