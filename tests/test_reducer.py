"""One test per reducer rule (the rows of the README's rule table), plus the warnings."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import ev

from tracker.core.events import parse_event
from tracker.core.reducer import RULES, apply, derive_status
from tracker.core.state import ProposalState, empty


def fold(*events: dict[str, Any]) -> ProposalState:
    state = empty("p")
    for e in events:
        state = apply(state, parse_event(e))
    return state


FLOAT = ev("floated", id="f", actor="russia", addressees=["ukraine", "united-states"])


@pytest.mark.parametrize(
    ("events", "status", "stances"),
    [
        ([FLOAT], "floated", {"russia": "proposed"}),
        ([FLOAT, ev("considering", actor="ukraine")], "considering", {"ukraine": "considering"}),
        ([FLOAT, ev("accepted", actor="ukraine")], "considering", {"ukraine": "accepted"}),
        (
            [FLOAT, ev("accepted", actor="ukraine"), ev("accepted", actor="united-states")],
            "accepted",
            {"ukraine": "accepted", "united-states": "accepted"},
        ),
        (
            [FLOAT, ev("accepted", actor="ukraine"), ev("rejected", actor="united-states")],
            "rejected",
            {"united-states": "rejected"},
        ),
        (
            [FLOAT, ev("rejected", actor="ukraine"), ev("reversed", actor="ukraine", stance="considering")],
            "considering",
            {"ukraine": "considering"},
        ),
        ([FLOAT, ev("withdrawn", actor="russia")], "withdrawn", {"russia": "withdrawn"}),
        ([FLOAT, ev("withdrawn", actor="ukraine")], "rejected", {"ukraine": "withdrawn"}),
        ([FLOAT, ev("considering", actor="ukraine"), ev("collapsed", actor="russia")], "collapsed", {}),
        ([FLOAT, ev("denied", actor="russia")], "floated", {"russia": "proposed"}),
    ],
)
def test_rules(events: list[dict[str, Any]], status: str, stances: dict[str, str]) -> None:
    state = fold(*events)
    assert state.status == status
    for actor, stance in stances.items():
        assert state.stances[actor].stance == stance


def test_every_kind_has_a_rule_row() -> None:
    from tracker.core.events import KINDS

    assert set(RULES) == set(KINDS)


def test_stance_records_setting_event() -> None:
    state = fold(FLOAT, ev("rejected", id="r1", actor="ukraine", occurred="2024-02"))
    assert state.stances["ukraine"].event == "r1"
    assert state.stances["ukraine"].occurred == "2024-02"


def test_reversal_history_shows_from_to() -> None:
    state = fold(
        FLOAT, ev("rejected", id="r", actor="ukraine"), ev("reversed", id="v", actor="ukraine", stance="accepted")
    )
    changes = [(t.field, t.before, t.after) for t in state.history if t.event == "v"]
    assert ("stance.ukraine", "rejected", "accepted") in changes
    assert ("status", "rejected", "considering") in changes


def test_denial_sets_disputed_and_keeps_status() -> None:
    state = fold(
        FLOAT,
        ev("rejected", id="r", actor="ukraine"),
        ev("denied", id="d", actor="russia", target="r", person="Dmitry Peskov"),
    )
    assert state.disputed and state.status == "rejected"
    (denial,) = state.denials
    assert (denial.actor, denial.target, denial.event, denial.person) == ("russia", "r", "d", "Dmitry Peskov")


def test_no_addressees_every_other_party_counts() -> None:
    state = fold(ev("floated", actor="russia"), ev("accepted", actor="ukraine"))
    assert state.status == "accepted"
    assert derive_status(state) == "accepted"


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        ([FLOAT, ev("rejected", id="x", actor="france")], "did not address"),
        ([FLOAT, ev("reversed", id="x", actor="ukraine", stance="accepted")], "no earlier stance"),
        (
            [FLOAT, ev("collapsed", id="c", actor="russia"), ev("accepted", id="x", actor="ukraine")],
            "after the proposal closed",
        ),
        ([ev("accepted", id="x", actor="ukraine")], "before the proposal was floated"),
        ([FLOAT, FLOAT | {"id": "f2"}], "floated again"),
    ],
)
def test_warnings_are_data(events: list[dict[str, Any]], fragment: str) -> None:
    state = fold(*events)
    assert any(fragment in w for w in state.warnings), state.warnings


def test_refloat_reopens_closed_proposal() -> None:
    state = fold(FLOAT, ev("collapsed", actor="russia"), FLOAT | {"id": "f2", "occurred": "2024-06"})
    assert state.status == "floated" and not state.closed


def test_corrections_do_not_change_state_in_the_fold() -> None:
    state = fold(FLOAT)
    after = apply(state, parse_event(ev("retracted", actor="editor", target="f", reason="typo")))
    assert after == state


def test_reducer_is_pure() -> None:
    state = fold(FLOAT)
    event = parse_event(ev("rejected", actor="ukraine"))
    assert apply(state, event) == apply(state, event)
    assert state.stances.keys() == {"russia"}
