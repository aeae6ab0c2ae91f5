"""A source written on one line, as a user types it: ``Outlet | Title | published | url``.

The form of ``tracker add --source`` and of a CSV cell: the outlet, the title and the day it was
published, then optionally the URL, the attribution (who the article attributes the claim to)
and a short quote, separated by `` | ``. An empty part is absent (``Reuters | Title | 2024-02-13
| | Kremlin spokesman`` has no URL). A ``|`` inside a quote is written ``\\|``.
"""

from __future__ import annotations

import re
from typing import Any

PARTS = ("outlet", "title", "published", "url", "attribution", "quote")
"""The parts of a source line, in order; the first three are required."""
FORM = "'Outlet | Title | published | url | attribution | quote' (the last three optional)"
_SPLIT = re.compile(r"(?<!\\)\|")


class CitationError(ValueError):
    """A source line that is not in the form ``Outlet | Title | published | url``."""


def parse(text: str) -> dict[str, Any]:
    """The source a one-line form names, as the JSON object an event's ``sources`` holds."""
    parts = [p.strip().replace("\\|", "|") for p in _SPLIT.split(text)]
    if len(parts) > len(PARTS):
        raise CitationError(f"a source has at most {len(PARTS)} parts, not {len(parts)}: {FORM}")
    source = {name: value for name, value in zip(PARTS, parts, strict=False) if value}
    missing = [name for name in PARTS[:3] if name not in source]
    if missing:
        raise CitationError(f"a source needs {', '.join(missing)}: {FORM}")
    url = source.get("url")
    if url is not None and not url.startswith(("http://", "https://")):
        raise CitationError(f"the fourth part of a source is its URL (http:// or https://), not {url!r}: {FORM}")
    return source


def format_source(source: dict[str, Any]) -> str:
    """The one-line form of a source (``parse`` reads it back to the same object)."""
    parts = [str(source.get(name) or "").replace("|", "\\|") for name in PARTS]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)
