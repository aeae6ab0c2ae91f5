"""Small builders for tests (import as ``from helpers import ev, write_jsonl``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def ev(kind: str, proposal: str = "p", actor: str = "a", occurred: str = "2024-01-01", **fields: Any) -> dict[str, Any]:
    """A minimal event dict for tests."""
    return {"type": kind, "proposal": proposal, "actor": actor, "occurred": occurred, **fields}


def write_jsonl(path: Path, events: list[dict[str, Any]]) -> Path:
    """Write events as a JSONL file."""
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


# Parties and vague dates that the property tests draw from.
PARTIES = ["russia", "ukraine", "united-states", "turkey"]
DATES = [
    "2023",
    "2023-09",
    "2023-23",
    "2023-24",
    "2023-10-01",
    "2023-12-15",
    "2024-01",
    "2024-01-15",
    "2023-09/2024-01",
    "2023~",
    "2024-02-13",
    "2024-03",
    "2024-03-10?",
]


def body(event: dict[str, Any]) -> dict[str, Any]:
    """An event dict as the store keeps it: validated, defaults present, id and reported derived."""
    from tracker.core.events import event_body, parse_event

    return dict(json.loads(event_body(parse_event(event))))


def record(seq: int, recorded_at: str, event: dict[str, Any]) -> Any:
    """A ``replay.Record`` of an event dict (validated as the store would)."""
    from tracker.core.replay import Record

    return Record.of(seq, recorded_at, body(event))
