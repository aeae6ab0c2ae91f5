"""Answers read from the projection (``lookup.answers_at``) are the replay's answers, as plain data."""

from __future__ import annotations

import json
from dataclasses import replace

from helpers import ev

from tracker.api import Tracker
from tracker.core.replay import Answer, Question, answer
from tracker.store import clock
from tracker.store.lookup import answers_at
from tracker.views import text as render
from tracker.views.exports import status_row

STORY = [
    ev("floated", id="f", actor="a", addressees=["b", "c"], occurred="2024-01-01"),
    ev("accepted", id="x", actor="b", occurred="2024-01-05", reported="2024-01-06"),
    ev("rejected", id="r", actor="c", occurred="2024-01"),
    ev("denied", id="d", actor="c", occurred="2024-01-07", target="x"),
    ev("floated", id="g", proposal="q", actor="b", addressees=["a"], occurred="2024-01", reported="2024-02-01"),
]


def test_the_lookup_holds_a_certain_and_an_uncertain_answer(tracker: Tracker) -> None:
    tracker.append(STORY)
    got = answers_at(tracker.store.conn, "on", "2024-01-20")
    assert [(a.proposal, a.state["status"], a.uncertain) for a in got] == [
        ("p", "considering", ("r",)),
        ("q", None, ("g",)),
    ]
    assert got[0].state["denials"] == [
        {"actor": "c", "person": None, "target": "x", "event": "d", "occurred": "2024-01-07"}
    ]


def test_tracker_status_equals_a_replay_on_every_axis(tracker: Tracker) -> None:
    tracker.append(STORY)
    records = list(tracker.store.records())
    recorded = tracker.store.conn.execute("SELECT max(recorded_at) FROM events").fetchone()[0]
    today = clock.now()[:10]
    for q in (Question(on="2024-01-20"), Question(known_by="2024-03-01"), Question(as_recorded=recorded), Question()):
        q = replace(q, today=today)
        got = tracker.status(on=q.on, known_by=q.known_by, as_recorded=q.as_recorded)
        assert got and all(type(a) is Answer for a in got)
        assert got == answer(records, q)


def test_answers_are_plain_json_data(tracker: Tracker) -> None:
    tracker.append(STORY)
    for a in tracker.status(on="2024-01-20"):
        assert json.loads(json.dumps(a.state)) == a.state
        assert render.answer_dict(a)["proposal"] == a.proposal
        assert status_row(a)["status"] == a.state["status"]
