"""One test per rule of the rule book (``rules.RULES``, the rule table in docs/model.md), and the warnings."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import body, ev

from tracker.core.events import KINDS
from tracker.core.rules import CORRECTIONS, KIND_RANK, RULE, RULES, apply, derive_status
from tracker.core.state import State, Transition, empty, listed


def fold(*events: dict[str, Any]) -> State:
    state = empty("p")
    for e in events:
        state = apply(state, body(e))
    return state


def changes_of(*events: dict[str, Any]) -> list[Transition]:
    state, out = empty("p"), []
    for e in events:
        state = apply(state, body(e), out)
    return out


FLOAT = ev("floated", id="f", actor="russia", addressees=["ukraine", "united-states"])


@pytest.mark.parametrize(
    ("row", "events", "status", "stances"),
    [
        ("floated", [FLOAT], "floated", {"russia": "proposed"}),
        ("considering", [FLOAT, ev("considering", actor="ukraine")], "considering", {"ukraine": "considering"}),
        ("accepted", [FLOAT, ev("accepted", actor="ukraine")], "considering", {"ukraine": "accepted"}),
        (
            "accepted",
            [FLOAT, ev("accepted", actor="ukraine"), ev("accepted", actor="united-states")],
            "agreed",
            {"ukraine": "accepted", "united-states": "accepted"},
        ),
        (
            "rejected",
            [FLOAT, ev("accepted", actor="ukraine"), ev("rejected", actor="united-states")],
            "rejected",
            {"united-states": "rejected"},
        ),
        (
            "reversed",
            [FLOAT, ev("rejected", actor="ukraine"), ev("reversed", actor="ukraine", stance="considering")],
            "considering",
            {"ukraine": "considering"},
        ),
        ("withdrawn", [FLOAT, ev("withdrawn", actor="russia")], "withdrawn", {"russia": "withdrawn"}),
        ("withdrawn", [FLOAT, ev("withdrawn", actor="ukraine")], "rejected", {"ukraine": "withdrawn"}),
        ("collapsed", [FLOAT, ev("considering", actor="ukraine"), ev("collapsed", actor="russia")], "collapsed", {}),
        ("denied", [FLOAT, ev("denied", actor="russia")], "floated", {"russia": "proposed"}),
    ],
)
def test_rules(row: str, events: list[dict[str, Any]], status: str, stances: dict[str, str]) -> None:
    assert events[-1]["type"] == row
    state = fold(*events)
    assert state["status"] == status
    for actor, stance in stances.items():
        assert state["stances"][actor]["stance"] == stance


def test_every_kind_has_a_rule_row_and_a_rank() -> None:
    assert set(RULES) == set(KINDS) == set(KIND_RANK)
    assert set(RULE) | set(CORRECTIONS) == set(KINDS)


def test_kinds_on_one_day_fold_floated_first_and_closures_last() -> None:
    assert KIND_RANK["floated"] < KIND_RANK["considering"] < KIND_RANK["accepted"] == KIND_RANK["rejected"]
    assert KIND_RANK["rejected"] < KIND_RANK["denied"] < KIND_RANK["reversed"] < KIND_RANK["withdrawn"]
    assert KIND_RANK["withdrawn"] < KIND_RANK["collapsed"] < KIND_RANK["retracted"] == KIND_RANK["amended"]


def test_stance_records_setting_event() -> None:
    state = fold(FLOAT, ev("rejected", id="r1", actor="ukraine", occurred="2024-02"))
    assert state["stances"]["ukraine"] == {"stance": "rejected", "event": "r1", "occurred": "2024-02"}


def test_reversal_changes_show_from_to() -> None:
    reversal = ev("reversed", id="v", actor="ukraine", stance="accepted")
    events = [FLOAT, ev("rejected", id="r", actor="ukraine"), reversal]
    changes = [(t["field"], t["before"], t["after"]) for t in changes_of(*events) if t["event"] == "v"]
    assert changes == [("stance.ukraine", "rejected", "accepted"), ("status", "rejected", "considering")]


def test_float_changes_name_the_stance_and_the_status() -> None:
    assert [(t["field"], t["before"], t["after"]) for t in changes_of(FLOAT)] == [
        ("stance.russia", None, "proposed"),
        ("status", None, "floated"),
    ]


def test_denial_sets_disputed_keeps_status_and_records_who() -> None:
    events = [
        FLOAT,
        ev("rejected", id="r", actor="ukraine"),
        ev("denied", id="d", actor="russia", target="r", person="Dmitry Peskov", occurred="2024-02-02"),
    ]
    state = fold(*events)
    assert state["disputed"] and state["status"] == "rejected"
    assert listed(state["denials"]) == [
        {"actor": "russia", "person": "Dmitry Peskov", "target": "r", "event": "d", "occurred": "2024-02-02"}
    ]
    changes = [(t["field"], t["before"], t["after"]) for t in changes_of(*events) if t["event"] == "d"]
    assert changes == [("denial.russia", None, "r"), ("disputed", "false", "true")]


def test_denials_accumulate_and_disputed_changes_once() -> None:
    events = [FLOAT, ev("denied", id="d1", actor="russia"), ev("denied", id="d2", actor="ukraine")]
    state = fold(*events)
    assert [d["event"] for d in listed(state["denials"])] == ["d1", "d2"]
    assert [t["field"] for t in changes_of(*events) if t["event"] == "d2"] == ["denial.ukraine"]


def test_no_addressees_every_other_party_counts() -> None:
    state = fold(ev("floated", actor="russia"), ev("accepted", actor="ukraine"))
    assert state["status"] == "agreed" and state["agreed_by"] is not None
    assert derive_status(state) == "agreed"


def test_a_float_accumulates_addressees_and_mediators_and_keeps_terms() -> None:
    first = FLOAT | {"mediators": ["turkey"], "terms": "a 30-day truce", "channel": "back-channel"}
    again = ev("floated", id="f2", actor="russia", addressees=["france"], mediators=["qatar"], occurred="2024-02")
    state = fold(first, again)
    assert state["addressees"] == ("ukraine", "united-states", "france")
    assert state["mediators"] == ("turkey", "qatar")
    assert state["terms"] == "a 30-day truce"  # a re-float without terms keeps them
    assert state["channel"] == "public" and state["floated_by"] == "f2"
    assert fold(first, again | {"terms": "60 days"})["terms"] == "60 days"


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        ([FLOAT, ev("rejected", id="x", actor="france")], "x: rejected by france, a party the proposal did not"),
        ([FLOAT, ev("reversed", id="x", actor="ukraine", stance="accepted")], "reversal by ukraine, who had taken"),
        (
            [FLOAT, ev("collapsed", id="c", actor="russia"), ev("accepted", id="x", actor="ukraine")],
            "x: accepted after the proposal closed (collapsed)",
        ),
        ([ev("accepted", id="x", actor="ukraine")], "x: accepted before the proposal was floated"),
        ([FLOAT, FLOAT | {"id": "f2"}], "f2: floated again"),
    ],
)
def test_warnings_are_data(events: list[dict[str, Any]], fragment: str) -> None:
    warnings = listed(fold(*events)["warnings"])
    assert any(fragment in w for w in warnings), warnings


def test_a_denial_after_close_is_no_anomaly() -> None:
    state = fold(FLOAT, ev("collapsed", id="c", actor="russia"), ev("denied", id="d", actor="ukraine"))
    assert listed(state["warnings"]) == []


def test_refloat_reopens_closed_proposal() -> None:
    state = fold(FLOAT, ev("collapsed", actor="russia"), FLOAT | {"id": "f2", "occurred": "2024-06"})
    assert state["status"] == "floated" and state["closure"] is None and state["closed_by"] is None


def test_closing_names_the_closing_event() -> None:
    state = fold(FLOAT, ev("withdrawn", id="w", actor="russia"))
    assert (state["closure"], state["closed_by"]) == ("withdrawn", "w")
    assert fold(FLOAT, ev("withdrawn", id="w", actor="ukraine"))["closure"] is None


def test_version_and_last_event_count_every_world_event() -> None:
    state = fold(FLOAT, ev("denied", id="d", actor="russia"), ev("considering", id="c", actor="ukraine"))
    assert (state["version"], state["last_event"]) == (3, "c")


def test_corrections_do_not_change_state_in_the_fold() -> None:
    state = fold(FLOAT)
    assert apply(state, body(ev("retracted", actor="editor", target="f", reason="typo"))) is state


def test_the_rule_book_is_pure() -> None:
    state = fold(FLOAT)
    frozen = repr(state)
    event = body(ev("rejected", actor="ukraine"))
    assert apply(state, event) == apply(state, event)
    assert repr(state) == frozen


def test_every_rule_is_a_row_of_the_rule_table_in_docs() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text(encoding="utf-8")
    table = text[text.index("## Status rules") :]
    for kind in RULES:
        assert f"| `{kind}` |" in table or f"`{kind}`," in table, kind
