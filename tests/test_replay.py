"""The three time questions, straddling dates, corrections and their recording time."""

from __future__ import annotations

from freezegun import freeze_time
from helpers import ev

from tracker.api import Tracker

SRC = {"outlet": "NYT", "title": "Signals", "published": "2023-12-23"}
REUTERS = {"outlet": "Reuters", "title": "Exclusive", "published": "2024-02-13"}


def story(t: Tracker) -> None:
    t.append(
        [
            ev(
                "floated",
                id="f",
                actor="russia",
                addressees=["united-states"],
                occurred="2023-09/2024-01",
                sources=[SRC],
            ),
            ev("rejected", id="r", actor="united-states", occurred="2024-01", sources=[REUTERS]),
            ev(
                "denied",
                id="d",
                actor="russia",
                target="f",
                occurred="2024-02-14",
                sources=[{**REUTERS, "published": "2024-02-14"}],
            ),
        ]
    )


def test_on_axis_orders_by_occurred(tracker: Tracker) -> None:
    story(tracker)
    (a,) = tracker.status(on="2024-02-14")
    assert a.state["status"] == "rejected" and a.state["disputed"]
    (a,) = tracker.status(on="2024-02-01")
    assert a.state["status"] == "rejected" and not a.state["disputed"]


def test_straddling_event_is_listed_not_counted(tracker: Tracker) -> None:
    story(tracker)
    (a,) = tracker.status(on="2024-01-15")
    assert a.state["status"] is None
    assert a.uncertain == ("f", "r")
    assert tracker.status(on="2023-08-31") == []  # nothing could have happened by then


def test_known_by_axis(tracker: Tracker) -> None:
    story(tracker)
    (a,) = tracker.status(known_by="2024-02-12")
    assert a.state["status"] == "floated" and set(a.state["stances"]) == {"russia"}
    (a,) = tracker.status(known_by="2024-02-13")
    assert a.state["status"] == "rejected" and not a.state["disputed"]
    assert tracker.status(known_by="2023-12-01") == []


def test_not_public_event_never_known(tracker: Tracker) -> None:
    tracker.append([ev("floated", id="f", occurred="2024-01-01")])
    assert tracker.status(known_by="2030-01-01") == []
    assert tracker.status(on="2030-01-01")[0].state["status"] == "floated"


def test_axes_combine(tracker: Tracker) -> None:
    story(tracker)
    (a,) = tracker.status(on="2024-02-14", known_by="2024-02-12")
    assert a.state["status"] == "floated"


def test_as_recorded_reproduces_answer_before_retraction(tracker: Tracker) -> None:
    with freeze_time("2024-03-01T12:00:00Z"):
        story(tracker)
    with freeze_time("2024-04-01T12:00:00Z"):
        tracker.append([ev("retracted", actor="editor", target="r", reason="misread", occurred="2024-04-01")])
    (now,) = tracker.status(on="2024-02-14")
    (before,) = tracker.status(on="2024-02-14", as_recorded="2024-03-15")
    assert now.state["status"] == "floated"
    assert before.state["status"] == "rejected"
    assert tracker.status(on="2024-02-14", as_recorded="2024-02-01") == []
    (at_end_of_day,) = tracker.status(as_recorded="2024-03-01")  # a bare date means the end of that day
    assert at_end_of_day.state["version"] == 3


def test_retraction_ignores_valid_time(tracker: Tracker) -> None:
    with freeze_time("2024-03-01"):
        story(tracker)
        tracker.append([ev("retracted", actor="editor", target="r", reason="x", occurred="2030-01-01")])
    (a,) = tracker.status(on="2024-02-14")
    assert "united-states" not in a.state["stances"]


def test_amendment_replaces_and_keeps_id(tracker: Tracker) -> None:
    with freeze_time("2024-03-01"):
        story(tracker)
    with freeze_time("2024-04-01"):
        fixed = ev("rejected", actor="united-states", occurred="2024-02-20", sources=[REUTERS])
        fixed["reported"] = "2024-02-20"
        tracker.append(
            [ev("amended", actor="editor", target="r", reason="wrong date", occurred="2024-04-01", replacement=fixed)]
        )
    (a,) = tracker.status(on="2024-02-14")
    assert a.state["status"] == "floated"
    (a,) = tracker.status(on="2024-02-21")
    assert a.state["stances"]["united-states"]["event"] == "r"
    (old,) = tracker.status(on="2024-02-14", as_recorded="2024-03-02")
    assert old.state["status"] == "rejected"


def test_retracting_a_retraction_restores(tracker: Tracker) -> None:
    story(tracker)
    tracker.append([ev("retracted", id="x1", actor="editor", target="r", reason="x")])
    tracker.append([ev("retracted", id="x2", actor="editor", target="x1", reason="the retraction was wrong")])
    (a,) = tracker.status(on="2024-02-14")
    assert a.state["status"] == "rejected"


def test_same_day_order_does_not_depend_on_append_order(tracker: Tracker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tracker.append(
        [
            ev("floated", id="f", actor="a", addressees=["b"], occurred="2024-01-01"),
            ev("reversed", id="v", actor="b", stance="accepted", occurred="2024-01-02"),
            ev("rejected", id="r", actor="b", occurred="2024-01-02"),
        ]
    )
    (a,) = tracker.status()
    assert a.state["stances"]["b"]["stance"] == "accepted"  # a reversal folds after a same-day stance


def test_history_and_audit(tracker: Tracker) -> None:
    story(tracker)
    entries = tracker.history("p")
    assert [e.id for e in entries] == ["f", "r", "d"]
    assert entries[1].status == "rejected" and entries[1].source == "Reuters: Exclusive"
    audit = tracker.audit("p", on="2024-02-14")
    assert [s.id for s in audit.steps] == ["f", "r", "d"]
    assert any("an event the log holds" in w.message for w in audit.steps[2].warnings)
