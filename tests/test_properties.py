"""Replay invariants, as properties: append order does not matter; as-recorded equals a fresh log."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from freezegun import freeze_time
from helpers import DATES, PARTIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.api import Tracker

QUESTION_DAYS = [None, "2023-06-30", "2023-10-15", "2023-12-31", "2024-01-20", "2024-02-13", "2025-01-01"]
KINDS = ["considering", "accepted", "rejected", "denied", "reversed", "withdrawn", "collapsed"]


@st.composite
def stories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A valid log: floated events first, then world events, then retractions of earlier ones."""
    proposals = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    events: list[dict[str, Any]] = []
    for p in proposals:
        events.append(
            {
                "type": "floated",
                "id": f"{p}-f",
                "proposal": p,
                "actor": draw(st.sampled_from(PARTIES)),
                "occurred": draw(st.sampled_from(DATES)),
                "addressees": draw(st.lists(st.sampled_from(PARTIES), max_size=2, unique=True)),
            }
        )
    for i in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(KINDS))
        e: dict[str, Any] = {
            "type": kind,
            "id": f"e{i}",
            "proposal": draw(st.sampled_from(proposals)),
            "actor": draw(st.sampled_from(PARTIES)),
            "occurred": draw(st.sampled_from(DATES)),
        }
        if kind == "reversed":
            e["stance"] = draw(st.sampled_from(["considering", "accepted", "rejected", "withdrawn"]))
        if kind == "denied" and draw(st.booleans()):
            e["target"] = f"{e['proposal']}-f"
        if draw(st.booleans()):
            e["reported"] = "2024-12-31"
        events.append(e)
    world = [e for e in events if e["type"] != "floated"]
    for j, target in enumerate(
        draw(st.lists(st.sampled_from(world), max_size=2, unique_by=lambda e: e["id"])) if world else []
    ):
        events.append(
            {
                "type": "retracted",
                "id": f"x{j}",
                "proposal": target["proposal"],
                "actor": "editor",
                "occurred": "2024-06-01",
                "target": target["id"],
                "reason": "test",
            }
        )
    return events


def answers(t: Tracker, **q: Any) -> list[Any]:
    return [(a.proposal, a.state, a.uncertain) for a in t.status(**q)]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(stories(), st.randoms(use_true_random=False))
def test_append_order_does_not_change_the_on_state(events: list[dict[str, Any]], rng: Any) -> None:
    floated = [e for e in events if e["type"] == "floated"]
    world = [e for e in events if e["type"] not in ("floated", "retracted")]
    corrections = [e for e in events if e["type"] == "retracted"]
    shuffled = list(world)
    rng.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as tmp:
        with Tracker(Path(tmp) / "one.db") as one, Tracker(Path(tmp) / "two.db") as two:
            one.append(events)
            for e in [*floated[::-1], *shuffled, *corrections]:  # one event per append, another order
                two.append([e])
            for day in QUESTION_DAYS:
                assert answers(one, on=day) == answers(two, on=day)
                assert answers(one, on=day, known_by="2024-12-31") == answers(two, on=day, known_by="2024-12-31")


@SETTINGS
@given(stories(), st.integers(1, 4), st.sampled_from(QUESTION_DAYS))
def test_as_recorded_equals_a_fresh_log_of_what_was_recorded(
    events: list[dict[str, Any]], parts: int, day: str | None
) -> None:
    # Cut the log into batches recorded one day apart, respecting that targets precede corrections.
    size = max(1, len(events) // parts)
    batches = [events[i : i + size] for i in range(0, len(events), size)]
    with tempfile.TemporaryDirectory() as tmp:
        with Tracker(Path(tmp) / "log.db") as log:
            for n, batch in enumerate(batches):
                with freeze_time(f"2024-07-{n + 1:02d}T12:00:00Z"):
                    log.append(batch)
            for n in range(len(batches)):
                with Tracker(Path(tmp) / f"fresh{n}.db") as fresh:
                    fresh.append([e for batch in batches[: n + 1] for e in batch])
                    cut = f"2024-07-{n + 1:02d}T12:00:00Z"
                    assert answers(log, on=day, as_recorded=cut) == answers(fresh, on=day)
                    assert log.store.projection_differences() == []
