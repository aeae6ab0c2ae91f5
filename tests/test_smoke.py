"""A first end-to-end check that the loop works on a tiny story."""

from __future__ import annotations

from helpers import ev

from tracker.api import Tracker


def test_float_reject_status(tracker: Tracker) -> None:
    tracker.append(
        [
            ev("floated", id="f", actor="russia", addressees=["united-states"], occurred="2023-09"),
            ev("rejected", id="r", actor="united-states", occurred="2024-01"),
        ]
    )
    (answer,) = tracker.status(on="2024-02-14")
    assert answer.state["status"] == "rejected"
    (answer,) = tracker.status(on="2023-12-01")
    assert answer.state["status"] == "floated"
