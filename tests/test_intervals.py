"""Pure computation of a proposal's intervals from its records."""

from __future__ import annotations

import json

from helpers import ev

from tracker.core.events import event_body, parse_event
from tracker.core.intervals import Interval, intervals
from tracker.core.replay import Record

T1 = "2024-07-01T12:00:00.000000Z"
T2 = "2024-07-02T12:00:00.000000Z"


def rec(seq: int, recorded_at: str = T1, **fields: object) -> Record:
    kind = str(fields.pop("kind"))
    return Record.of(seq, recorded_at, json.loads(event_body(parse_event(ev(kind, **fields)))))


def story() -> list[Record]:
    return [
        rec(1, kind="floated", id="f", actor="russia", addressees=["ukraine"], occurred="2023-09-10"),
        rec(2, kind="rejected", id="r", actor="ukraine", occurred="2024-01", reported="2024-02-13"),
    ]


def pieces(records: list[Record], axis: str) -> list[tuple[str, str | None, str | None, tuple[str, ...]]]:
    out: list[Interval] = [p for p in intervals("p", records) if p.axis == axis]
    return [(p.valid_from, p.valid_to, p.status, p.uncertain) for p in out]


def test_a_fuzzy_month_is_uncertain_through_the_month_then_certain() -> None:
    assert pieces(story(), "on") == [
        ("2023-09-10", "2024-01-01", "floated", ()),
        ("2024-01-01", "2024-01-31", "floated", ("r",)),
        ("2024-01-31", None, "rejected", ()),
    ]


def test_events_never_reported_never_count_by_publication_time() -> None:
    assert pieces(story(), "known_by") == [("2024-02-13", None, "rejected", ())]


def test_recording_time_pieces_follow_batches_and_leave_a_gap_after_a_full_retraction() -> None:
    records = [
        rec(1, kind="floated", id="f", actor="russia", occurred="2023-09"),
        rec(2, T2, kind="retracted", id="x", actor="editor", occurred="2024-06-01", target="f", reason="wrong"),
    ]
    assert pieces(records, "as_recorded") == [(T1, T2, "floated", ())]


def test_an_amendment_moves_the_event_it_corrects() -> None:
    records = [
        *story(),
        rec(
            3,
            T2,
            kind="amended",
            id="m",
            actor="editor",
            occurred="2024-06-01",
            target="r",
            reason="date",
            replacement=ev("rejected", actor="ukraine", occurred="2024-03-05"),
        ),
    ]
    assert pieces(records, "on")[-1] == ("2024-03-05", None, "rejected", ())
    assert [p[:3] for p in pieces(records, "as_recorded")] == [(T1, T2, "rejected"), (T2, None, "rejected")]
