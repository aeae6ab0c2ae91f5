"""The agreement lifecycle of issue 14, row by row: one unit test per transition.

The event rows go through ``rules.apply`` over stored bodies (``helpers.body``); the
transitions with no event through ``rules.status_at`` and ``rules.judged``; the time axes
(``--on``, ``--known-by``, ``--as-recorded``) through ``Tracker`` and the CLI. "Status on D"
is judged at the end of day D, UTC. Where the issue is silent the comment says what a
careful analyst would expect and the test holds the rules to it.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from helpers import body, ev
from typer.testing import CliRunner

from tracker import api
from tracker.api import Tracker
from tracker.cli import app
from tracker.core.replay import answer
from tracker.core.rules import apply, breakpoints, judged, required, status_at
from tracker.core.state import State, as_json, empty, listed

NOW = "2026-01-10T09:00:00Z"
"""The recording time (and 'today') of every Tracker test: pinned, so answers do not depend on the clock."""


def fold(*events: dict[str, Any]) -> State:
    state = empty("p")
    for e in events:
        state = apply(state, body(e))
    return state


def warnings(state: State) -> list[str]:
    return list(listed(state["warnings"]))


def on(state: State, day: str) -> str | None:
    return status_at(state, day)[0]


def judge(state: State, day: str | None, known_by: str | None = None) -> dict[str, Any]:
    return judged(as_json(state), day, known_by)[0]


# A proposal by north to south (two parties: the proposer and the addressee are required).
F = ev("floated", id="f", actor="north", addressees=["south"], occurred="2022-04-01")
AGREE = ev("accepted", id="a", actor="south", occurred="2022-04-01")
# A mediator's proposal (the UN floats a truce to two parties): the mediator has a role, not a stance.
UN = ev("floated", id="f", actor="un", mediators=["un"], addressees=["north", "south"], occurred="2022-04-01")
UN_N = ev("accepted", id="an", actor="north", occurred="2022-04-01")
UN_S = ev("accepted", id="as", actor="south", occurred="2022-04-01")


def agreed(**terms: Any) -> State:
    """North's proposal, accepted by south on 2022-04-01 with these terms."""
    return fold(F, AGREE | terms)


def mediated(*later: dict[str, Any], **terms: Any) -> State:
    """The UN's proposal, accepted by north and south on 2022-04-01 (terms on north's acceptance), then ``later``."""
    return fold(UN, UN_N | terms, UN_S, *later)


# -- negotiation: counter-proposals, signatures, who counts --------------------------------------

THREE = ev("floated", id="f", actor="north", addressees=["south", "east"], occurred="2022-04-01")


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([THREE, ev("counter_proposed", actor="south", changes="90 days, not 30")], "countered"),
        ([THREE, ev("accepted", actor="east"), ev("counter_proposed", actor="south")], "countered"),
        ([THREE, ev("rejected", actor="east"), ev("counter_proposed", actor="south")], "rejected"),
        (
            [THREE, ev("counter_proposed", actor="south"), ev("rejected", actor="east", occurred="2022-04-02")],
            "rejected",
        ),
    ],
)
def test_counter_proposed_counters_unless_someone_rejected(events: list[dict[str, Any]], status: str) -> None:
    state = fold(*events)
    assert state["status"] == status
    assert state["stances"]["south"]["stance"] == "countered"


def test_signed_counts_as_accepted_and_adopts_terms() -> None:
    state = fold(F, ev("signed", id="s", actor="south", ends="2022-06-30"))
    assert state["stances"]["south"]["stance"] == "signed"
    assert (state["status"], state["agreed_by"], state["ends"]) == ("agreed", "s", "2022-06-30")
    both = fold(THREE, ev("signed", actor="south"), ev("accepted", id="e", actor="east"))
    assert (both["status"], both["agreed_by"]) == ("agreed", "e")


def test_a_mediator_proposer_is_no_required_party() -> None:
    # Before the fix, required() put the mediator who floated the proposal first, so an
    # extension or suspension by the UN counted as the UN's own, as a party's.
    assert required(fold(UN)) == ("north", "south")
    assert fold(UN, UN_N)["status"] == "considering"
    state = mediated()
    assert (state["status"], state["agreed_by"]) == ("agreed", "as")
    assert "un" not in state["stances"] or state["stances"]["un"]["stance"] == "proposed"


def test_required_parties_decide_and_a_non_party_never_counts() -> None:
    floated = UN | {"required_parties": ["north", "south"], "addressees": []}
    state = fold(floated, ev("accepted", actor="france"), UN_N)
    assert state["status"] == "considering"  # france's acceptance does not stand in for south's
    assert fold(floated, ev("accepted", actor="france"), UN_N, UN_S)["status"] == "agreed"
    # An endorser (a role) is never counted among "every other party that took a stance".
    bare = ev("floated", id="f", actor="north", occurred="2022-04-01")
    state = fold(bare, ev("endorsed", actor="unsc"), ev("accepted", actor="south"))
    assert required(state) == ("north", "south") and state["status"] == "agreed"


def test_required_parties_beyond_the_addressees_must_all_accept() -> None:
    floated = F | {"required_parties": ["north", "south", "west"]}
    assert fold(floated, AGREE)["status"] == "considering"
    assert fold(floated, AGREE, ev("accepted", actor="west"))["status"] == "agreed"


# -- coming into force -------------------------------------------------------------------------------


def test_with_no_effective_an_agreement_is_in_force_from_the_day_it_is_agreed() -> None:
    state = agreed()
    assert (on(state, "2022-04-01"), breakpoints(state)) == ("in_force", ("2022-04-01",))


def test_took_effect_sets_the_start_and_is_derived_without_the_event() -> None:
    state = agreed(effective="2022-04-05")
    assert [on(state, d) for d in ("2022-04-04", "2022-04-05")] == ["agreed", "in_force"]
    took = fold(F, AGREE | {"effective": "2022-04-10"}, ev("took_effect", id="t", actor="north", occurred="2022-04-07"))
    # took_effect with no effective: in force from its own day (the event says when it happened)
    assert took["effective"] == "2022-04-07"
    assert [on(took, d) for d in ("2022-04-06", "2022-04-07")] == ["agreed", "in_force"]
    assert warnings(took) == []


def test_a_duration_counts_from_the_effective_named_later() -> None:
    # Before the fix the end a duration gave was computed once, from the day of agreement, and
    # stuck: a took_effect naming the real start left the 60 days counted from the wrong day.
    state = fold(F, AGREE | {"duration": "P60D"}, ev("took_effect", actor="north", occurred="2022-04-10"))
    assert (state["ends"], on(state, "2022-06-08"), on(state, "2022-06-09")) == ("2022-06-08", "in_force", "expired")


def test_took_effect_before_acceptance_is_read_as_agreed_with_a_warning() -> None:
    state = fold(F, ev("took_effect", id="t", actor="north", occurred="2022-04-03", effective="2022-04-03"))
    assert (state["status"], state["agreed_by"]) == ("agreed", "t")
    assert on(state, "2022-04-03") == "in_force"
    assert any("t: took effect before every required party accepted" in w for w in warnings(state))


@pytest.mark.parametrize(
    ("effective", "start"),
    [
        ("2022-04-02", ("2022-04-02", "2022-04-02")),
        ("2022-04", ("2022-04-01", "2022-04-30")),  # a vague EDTF: straddles every day of April
        ("2022-04-02?", ("2022-04-01", "2022-04-03")),  # uncertain: a day either side (tracker.core.dates)
        # the evening before in local time, already the next day in UTC: the UTC day decides
        ("2022-04-01T22:30-03:00", ("2022-04-02", "2022-04-02")),
        # 01:00 in Kyiv on the 2nd is 22:00 UTC on the 1st: in force on the 1st
        ("2022-04-02T01:00+03:00", ("2022-04-01", "2022-04-01")),
        ("2022-04-02T19:00+03:00", ("2022-04-02", "2022-04-02")),
    ],
)
def test_effective_as_a_day_a_vague_date_or_a_date_time(effective: str, start: tuple[str, str]) -> None:
    state = agreed(effective=effective)
    assert state["start"] == start
    before = (date.fromisoformat(start[0]) - timedelta(days=1)).isoformat()
    assert status_at(state, before) == ("agreed", ())
    assert status_at(state, start[1]) == ("in_force", ())
    if start[0] != start[1]:  # straddling: neither applied nor dropped, the term is listed
        assert status_at(state, start[0]) == ("agreed", ("a#effective",))


def test_a_date_time_effective_keeps_its_offset() -> None:
    state = agreed(effective="2022-04-01T22:30-03:00")
    assert state["effective"] == "2022-04-01T22:30-03:00"
    assert judge(state, "2022-04-02")["status"] == "in_force"


# -- scheduled ends ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "ends", "last_in_force", "first_expired"),
    [
        ({"ends": "2022-06-02"}, "2022-06-02", "2022-06-02", "2022-06-03"),  # a day: the inclusive last day
        # an instant: expired on the UTC day it passes (19:00 in Sana'a = 16:00 UTC)
        ({"ends": "2022-06-02T19:00+03:00"}, "2022-06-02T19:00+03:00", "2022-06-01", "2022-06-02"),
        # just before midnight in Kyiv is still the day before in UTC
        ({"ends": "2022-06-03T00:30+03:00"}, "2022-06-03T00:30+03:00", "2022-06-01", "2022-06-02"),
        ({"effective": "2022-04-02", "duration": "P60D"}, "2022-05-31", "2022-05-31", "2022-06-01"),
        ({"effective": "2022-04-02", "duration": "P2M"}, "2022-06-01", "2022-06-01", "2022-06-02"),
        ({"effective": "2022-01-31", "duration": "P1M"}, "2022-02-27", "2022-02-27", "2022-02-28"),
        # 72 hours from the start of 2 April: the last full day is 4 April
        ({"effective": "2022-04-02", "duration": "PT72H"}, "2022-04-04", "2022-04-04", "2022-04-05"),
        (
            {"effective": "2022-04-02T19:00+03:00", "duration": "PT72H"},
            "2022-04-05T19:00:00+03:00",
            "2022-04-04",
            "2022-04-05",
        ),
    ],
)
def test_ends_and_durations(terms: dict[str, Any], ends: str, last_in_force: str, first_expired: str) -> None:
    state = agreed(**terms)
    assert state["ends"] == ends
    assert status_at(state, last_in_force) == ("in_force", ())
    assert status_at(state, first_expired) == ("expired", ())
    assert judge(state, first_expired)["projected"] is False


def test_a_duration_on_a_vague_effective_gives_a_vague_end() -> None:
    state = agreed(effective="2022-04", duration="P60D")  # in force from some day of April, for 60 days
    assert state["ends"] == "2022-05-30/2022-06-28"
    assert state["expiry"] == ("2022-05-31", "2022-06-29")
    assert status_at(state, "2022-05-30") == ("in_force", ())
    assert status_at(state, "2022-06-10") == ("in_force", ("a#ends",))  # straddling: listed, not applied
    assert status_at(state, "2022-06-29") == ("expired", ())


def test_a_vague_day_end_straddles_its_days() -> None:
    state = agreed(ends="2022-06")
    assert [status_at(state, d) for d in ("2022-05-31", "2022-06-15", "2022-07-01")] == [
        ("in_force", ()),
        ("in_force", ("a#ends",)),
        ("expired", ()),
    ]


def test_end_rule_open_never_expires() -> None:
    state = agreed(ends="2022-06-02", end_rule="open")
    assert state["ends"] is None and state["expiry"] is None
    assert on(state, "2030-01-01") == "in_force"
    assert on(agreed(), "9999-12-31") == "in_force"  # no ends: never expires


# -- deadlines --------------------------------------------------------------------------------------

WITHDRAWAL = {"what": "withdrawal", "due": "2022-05-31"}


@pytest.mark.parametrize(
    ("day", "state"),
    [(None, "open"), ("2022-05-30", "open"), ("2022-05-31", "due"), ("2022-06-01", "passed")],
)
def test_a_deadline_is_never_an_end(day: str | None, state: str) -> None:
    agreement = agreed(deadlines=[WITHDRAWAL])
    judged_state = judge(agreement, day)
    assert judged_state["status"] == ("agreed" if day is None else "in_force")
    assert [(d["what"], d["state"]) for d in judged_state["deadlines"]] == [("withdrawal", state)]


def test_a_vague_deadline_is_due_while_it_straddles_the_day() -> None:
    agreement = agreed(deadlines=[{"what": "withdrawal", "due": "2022-05"}])
    assert [judge(agreement, d)["deadlines"][0]["state"] for d in ("2022-04-30", "2022-05-15", "2022-06-01")] == [
        "open",
        "due",
        "passed",
    ]


def test_extending_a_deadline_moves_the_deadline_only() -> None:
    state = agreed(deadlines=[WITHDRAWAL, {"what": "exchange", "due": "2022-04-30"}])
    moved = apply(state, body(ev("extended", id="x", actor="north", occurred="2022-05-20",
                                 deadlines=[{"what": "withdrawal", "due": "2022-07-31"}])))  # fmt: skip
    assert {d["what"]: d["due"] for d in moved["deadlines"]} == {"withdrawal": "2022-07-31", "exchange": "2022-04-30"}
    assert (moved["ends"], moved["expiry"], on(moved, "2030-01-01")) == (None, None, "in_force")


# -- extensions -------------------------------------------------------------------------------------

END = {"effective": "2022-04-02", "ends": "2022-06-02"}


def x(eid: str, actor: str, occurred: str, **fields: Any) -> dict[str, Any]:
    return ev("extended", id=eid, actor=actor, occurred=occurred, **fields)


def test_extended_by_the_mediator_for_all() -> None:
    state = mediated(x("x", "un", "2022-06-01", new_end="2022-08-02"), **END)
    assert (state["ends"], state["expiry"], state["disputed"]) == ("2022-08-02", ("2022-08-03", "2022-08-03"), False)
    assert warnings(state) == []


def test_extended_by_each_required_party_waits_for_all() -> None:
    one = mediated(x("xn", "north", "2022-06-01", new_end="2022-08-02"), **END)
    assert one["ends"] == "2022-06-02" and on(one, "2022-06-03") == "expired"
    both = apply(one, body(x("xs", "south", "2022-06-02", new_end="2022-08-02")))
    assert (both["ends"], on(both, "2022-06-03"), on(both, "2022-08-03")) == ("2022-08-02", "in_force", "expired")


def test_extended_by_a_duration_counts_from_the_scheduled_end() -> None:
    state = mediated(x("x", "un", "2022-06-01", duration="P2M"), **END)
    assert state["ends"] == "2022-08-02"


def test_an_extension_by_a_non_party_does_nothing_but_warn() -> None:
    state = mediated(x("x", "france", "2022-06-01", new_end="2022-08-02"), **END)
    assert state["ends"] == "2022-06-02"
    assert any("extended by france, neither a required party nor a mediator" in w for w in warnings(state))


def test_different_new_ends_make_the_end_an_interval_and_disputed() -> None:
    state = mediated(
        x("xn", "north", "2022-06-01", new_end="2022-08-02"),
        x("xs", "south", "2022-06-01", new_end="2022-09-02"),
        **END,
    )
    assert (state["ends"], state["expiry"], state["disputed"]) == (
        "2022-08-02/2022-09-02",
        ("2022-08-03", "2022-09-03"),
        True,
    )
    assert status_at(state, "2022-08-02") == ("in_force", ())
    status, marks = status_at(state, "2022-08-20")
    assert status == "in_force" and len(marks) == 1 and marks[0].endswith("#ends")
    assert status_at(state, "2022-09-03") == ("expired", ())


def test_different_vague_new_ends_make_one_interval_that_later_terms_can_read() -> None:
    # Two ends that are intervals themselves once made "a/b/c/d", which no date parser reads: the
    # next took_effect then raised (found by scripts/synthetic.py). The interval keeps the outer sides.
    state = mediated(
        x("xn", "north", "2022-06-01", new_end="2022-08/2022-09"),
        x("xs", "south", "2022-06-01", new_end="2022-10-01/2022-10-15"),
        **END,
    )
    assert state["ends"] == "2022-08/2022-10-15" and state["disputed"]
    later = apply(state, body(ev("took_effect", id="t", actor="un", occurred="2022-06-05", effective="2022-06-05")))
    assert later["ends"] == "2022-08/2022-10-15"


# -- objections, suspensions, the ledger ------------------------------------------------------------


def test_objected_changes_no_status_and_is_listed() -> None:
    state = mediated(ev("objected", id="o", actor="south", occurred="2022-05-01", target="ends"), **END)
    assert state["status"] == "agreed" and on(state, "2022-05-02") == "in_force"
    assert judge(state, "2022-05-02")["objections"] == [{"event": "o", "actor": "south", "target": "ends"}]
    assert state["stances"]["south"]["stance"] == "accepted"


@pytest.mark.parametrize("scope", ["participation", "implementation"])
def test_suspended_by_a_required_party_then_resumed(scope: str) -> None:
    s_n = ev("suspended", id="sn", actor="north", occurred="2022-05-10", scope=scope)
    s_s = ev("suspended", id="ss", actor="south", occurred="2022-05-11", scope=scope)
    r_n = ev("resumed", id="rn", actor="north", occurred="2022-05-20", scope=scope)
    r_s = ev("resumed", id="rs", actor="south", occurred="2022-05-21", scope=scope)
    state = mediated(s_n, **END)
    assert (state["status"], on(state, "2022-05-10")) == ("suspended", "suspended")
    assert state["stances"]["north"]["stance"] == "suspended"
    both = mediated(s_n, s_s, r_n, **END)
    assert on(both, "2022-05-20") == "suspended"  # south still suspends it
    again = mediated(s_n, s_s, r_n, r_s, **END)
    assert (again["status"], on(again, "2022-05-21"), on(again, "2022-06-03")) == ("agreed", "in_force", "expired")
    assert again["stances"]["north"]["stance"] == "participating"
    assert warnings(again) == []


def test_a_suspension_still_expires_at_the_scheduled_end() -> None:
    # The issue is silent: the end is the end; a suspended truce does not outlive its term.
    state = mediated(ev("suspended", actor="north", occurred="2022-05-10", scope="participation"), **END)
    assert on(state, "2022-06-03") == "expired"


def test_a_suspension_by_a_non_required_party_has_no_effect() -> None:
    state = mediated(ev("suspended", id="s", actor="france", occurred="2022-05-10", scope="participation"), **END)
    assert (state["status"], state["suspended"]) == ("agreed", {})
    assert any("s: suspended by france, who is not a required party" in w for w in warnings(state))
    # nor by the mediator who floated it: it has a role, not a stance
    assert (
        mediated(ev("suspended", actor="un", occurred="2022-05-10", scope="implementation"), **END)["suspended"] == {}
    )


def test_scope_talks_changes_only_the_talks() -> None:
    state = mediated(ev("suspended", actor="north", occurred="2022-05-10", scope="talks"), **END)
    assert (state["talks"], state["status"], on(state, "2022-05-10"), state["suspended"]) == (
        "suspended",
        "agreed",
        "in_force",
        {},
    )
    assert apply(state, body(ev("resumed", actor="north", occurred="2022-05-12", scope="talks")))["talks"] == "resumed"


ALLEGE = ev("violation_alleged", id="v", actor="south", occurred="2022-05-01", accused=["north"], incident="2022-04-30")


def test_violation_alleged_never_changes_status() -> None:
    before = mediated(**END)
    state = apply(before, body(ALLEGE))
    assert (state["status"], state["stances"], state["disputed"]) == (before["status"], before["stances"], False)
    [entry] = judge(state, "2022-05-01")["violations"]
    assert (entry["claimant"], entry["accused"], entry["incident"]) == ("south", ["north"], "2022-04-30")


def test_a_denial_of_an_allegation_goes_on_the_allegation() -> None:
    state = mediated(ALLEGE, ev("denied", id="d", actor="north", occurred="2022-05-02", target="v"), **END)
    assert judge(state, "2022-05-02")["violations"][0]["denied_by"] == ["north"]
    assert (listed(state["denials"]), state["disputed"]) == ([], False)


def test_a_denial_of_the_agreement_itself_still_disputes_it() -> None:
    state = mediated(ev("denied", actor="north", occurred="2022-05-02"), **END)
    assert state["disputed"] and len(listed(state["denials"])) == 1


def test_violation_confirmed_with_a_target_and_without() -> None:
    confirm = ev("violation_confirmed", id="c", actor="monitor", occurred="2022-05-03", target="v")
    state = mediated(ALLEGE, confirm, **END)
    [entry] = judge(state, "2022-05-03")["violations"]
    assert entry["confirmed_by"] == ["monitor"] and state["status"] == "agreed"
    own = ev("violation_confirmed", id="c2", actor="monitor", occurred="2022-05-03", accused=["south"],
             incident="2022-05-02")  # fmt: skip
    [entry] = judge(mediated(own, **END), "2022-05-03")["violations"]
    assert (entry["claimant"], entry["accused"], entry["confirmed_by"]) == ("monitor", ["south"], ["monitor"])


def test_claimed_changes_nothing_and_can_be_denied() -> None:
    claim = ev("claimed", id="c", actor="turkey", occurred="2022-05-01", about="north", claim="agreed to extend")
    before = mediated(**END)
    state = apply(before, body(claim))
    assert (state["status"], state["stances"], state["ends"]) == (before["status"], before["stances"], before["ends"])
    denied = apply(state, body(ev("denied", actor="north", occurred="2022-05-02", target="c")))
    [entry] = judge(denied, "2022-05-02")["claims"]
    assert (entry["claimant"], entry["about"], entry["denied_by"]) == ("turkey", "north", ["north"])
    assert not denied["disputed"]


# -- ends of an agreement --------------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "mode"), [("north", "renounced"), ("north", "mutual"), ("un", "by_mediator")])
def test_terminated(actor: str, mode: str) -> None:
    state = mediated(ev("terminated", id="t", actor=actor, occurred="2022-05-01", mode=mode), **END)
    assert (state["status"], state["closed_by"], on(state, "2022-05-01")) == ("terminated", "t", "terminated")
    assert warnings(state) == []


def test_a_denial_of_the_termination_disputes_it() -> None:
    state = mediated(
        ev("terminated", id="t", actor="north", occurred="2022-05-01"),
        ev("denied", id="d", actor="un", occurred="2022-05-02", target="t"),
        **END,
    )
    assert (state["status"], state["disputed"]) == ("terminated", True)


@pytest.mark.parametrize(
    "event",
    [
        ev("rejected", id="r", actor="south", occurred="2022-05-01"),
        ev("withdrawn", id="r", actor="south", occurred="2022-05-01"),
        ev("withdrawn", id="r", actor="north", occurred="2022-05-01"),
        ev("reversed", id="r", actor="south", occurred="2022-05-01", stance="rejected"),
        ev("reversed", id="r", actor="south", occurred="2022-05-01", stance="withdrawn"),
    ],
)
def test_a_rejection_after_agreement_by_a_required_party_terminates_it(event: dict[str, Any]) -> None:
    state = mediated(event, **END)
    assert (state["status"], state["closed_by"], on(state, "2022-05-01")) == ("terminated", "r", "terminated")
    assert state["stances"][event["actor"]]["stance"] == "terminated"
    assert any(f"after the agreement, read as terminated by {event['actor']}" in w for w in warnings(state))


def test_a_rejection_after_agreement_by_a_non_party_terminates_nothing() -> None:
    state = mediated(ev("rejected", id="r", actor="france", occurred="2022-05-01"), **END)
    assert state["status"] == "agreed" and on(state, "2022-05-01") == "in_force"
    assert any("by a party it does not require" in w for w in warnings(state))


COLLAPSE = ev("collapsed", id="c", actor="north", occurred="2022-05-01")
TERMINATE = ev("terminated", id="c", actor="north", occurred="2022-05-01")


@pytest.mark.parametrize(
    ("closure", "closing"),
    [("collapsed", [COLLAPSE]), ("terminated", [TERMINATE]), ("expired", [])],
)
def test_recommitted_by_every_required_party(closure: str, closing: list[dict[str, Any]]) -> None:
    rc_n = ev("recommitted", id="rn", actor="north", occurred="2022-07-01")
    rc_s = ev("recommitted", id="rs", actor="south", occurred="2022-07-02", ends="2022-09-30")
    half = mediated(*closing, rc_n, **END)
    assert on(half, "2022-07-01") == closure
    state = mediated(*closing, rc_n, rc_s, **END)
    assert (state["agreed_by"], on(state, "2022-07-02")) == ("rs", "in_force")
    assert on(state, "2022-10-01") == "expired"
    assert warnings(state) == []


def test_recommitted_with_a_duration_counts_from_the_recommitment() -> None:
    # The issue is silent. A recommitment "for 30 days" after a lapse runs 30 days from the
    # recommitment, not from the old agreement's effective date (which would make it expired at
    # once). Before the fix the old effective was kept: expired on the day it was recommitted.
    rc_n = ev("recommitted", id="rn", actor="north", occurred="2022-07-01")
    rc_s = ev("recommitted", id="rs", actor="south", occurred="2022-07-02", duration="P30D")
    state = mediated(rc_n, rc_s, **END)
    assert (state["ends"], on(state, "2022-07-02"), on(state, "2022-07-31"), on(state, "2022-08-01")) == (
        "2022-07-31",
        "in_force",
        "in_force",
        "expired",
    )
    phrase_start = judge(state, "2022-07-10")["start"]
    assert phrase_start == ["2022-07-02", "2022-07-02"]


def test_one_party_recommitting_with_new_terms_does_not_revive_a_lapsed_agreement() -> None:
    rc_n = ev("recommitted", id="rn", actor="north", occurred="2022-07-01", ends="2022-09-30")
    half = mediated(rc_n, **END)
    assert on(half, "2022-07-01") == "expired"
    rc_s = ev("recommitted", id="rs", actor="south", occurred="2022-07-02")
    state = apply(half, body(rc_s))  # the round's terms (north's end) hold once south recommits
    assert (state["ends"], on(state, "2022-07-02"), on(state, "2022-10-01")) == ("2022-09-30", "in_force", "expired")


def test_acceptance_by_all_after_a_collapse_is_read_as_a_recommitment() -> None:
    a_n = ev("accepted", id="an2", actor="north", occurred="2022-07-01")
    a_s = ev("accepted", id="as2", actor="south", occurred="2022-07-02")
    state = mediated(COLLAPSE, a_n, a_s, **END)
    assert (state["status"], state["agreed_by"], state["closure"]) == ("agreed", "as2", None)
    assert on(state, "2022-07-02") == "in_force"
    assert any("as2: accepted by south after the agreement ended, read as a recommitment" in w for w in warnings(state))
    assert mediated(COLLAPSE, a_n, **END)["status"] == "collapsed"


def test_superseded_by() -> None:
    state = mediated(ev("superseded", id="s", actor="un", occurred="2022-05-01", by="truce-two"), **END)
    assert (state["status"], state["superseded_by"], on(state, "2022-07-01")) == (
        "superseded",
        "truce-two",
        "superseded",
    )


def test_an_expired_report_pins_an_end_that_was_never_encoded() -> None:
    state = mediated(ev("expired", id="e", actor="un", occurred="2022-07-01"))
    assert (state["status"], on(state, "2022-07-01")) == ("expired", "expired")
    assert warnings(state) == []


@pytest.mark.parametrize(("occurred", "warns"), [("2022-06-03", False), ("2022-06", False), ("2022-07-01", True)])
def test_an_expired_report_against_a_known_end(occurred: str, warns: bool) -> None:
    state = mediated(ev("expired", id="e", actor="un", occurred=occurred), **END)
    assert on(state, "2022-07-02") == "expired"
    assert any("e: reported expired on" in w for w in warnings(state)) is warns


def test_terms_disclosed_adopts_terms_late() -> None:
    state = fold(F, AGREE, ev("terms_disclosed", id="t", actor="north", occurred="2022-04-01", ends="2022-04-30"))
    assert (state["ends"], on(state, "2022-04-30"), on(state, "2022-05-01")) == ("2022-04-30", "in_force", "expired")


def test_endorsed_is_a_role_not_a_stance() -> None:
    state = mediated(ev("endorsed", actor="unsc", occurred="2022-04-05"), **END)
    assert state["endorsers"] == ("unsc",) and "unsc" not in state["stances"]
    assert state["status"] == "agreed"


# -- the time axes, through the Tracker and the CLI ---------------------------------------------------

P = "truce"


def e(kind: str, eid: str, actor: str, occurred: str, reported: str | None = None, **fields: Any) -> dict[str, Any]:
    return ev(kind, proposal=P, id=eid, actor=actor, occurred=occurred, reported=reported or occurred, **fields)


STORY = [
    e("floated", "f", "un", "2022-04-01", mediators=["un"], addressees=["north", "south"],
      effective="2022-04-02T19:00+03:00", duration="P2M", deadlines=[{"what": "exchange", "due": "2022-05"}]),
    e("accepted", "an", "north", "2022-04-01"),
    e("accepted", "as", "south", "2022-04-01", "2022-04-02"),
    e("violation_alleged", "va", "south", "2022-04-11", accused=["north"], incident="2022-04-10"),
    e("denied", "dn", "north", "2022-04-12", target="va"),
    e("suspended", "sus", "north", "2022-05-10", scope="participation"),
    e("resumed", "res", "north", "2022-05-20", "2022-05-21", scope="participation"),
    e("extended", "x1", "un", "2022-06-02", duration="P2M"),  # on the last day: no gap
    e("extended", "x2", "un", "2022-08-05", "2022-08-06", new_end="2022-09-30"),  # after the end: a gap
    e("terminated", "ter", "south", "2022-09-15", "2022-09-16"),
    e("recommitted", "rc1", "north", "2022-11-01"),
    e("recommitted", "rc2", "south", "2022-11-03", ends="2022-12-31"),
]  # fmt: skip
EXPECTED_ON = {
    "2022-04-01": "agreed",  # 19:00 in Sana'a on the 2nd is 16:00 UTC on the 2nd
    "2022-04-02": "in_force",
    "2022-05-09": "in_force",
    "2022-05-10": "suspended",
    "2022-05-19": "suspended",
    "2022-05-20": "in_force",
    "2022-06-01": "in_force",
    "2022-06-02": "in_force",  # the first end (16:00 UTC) and the extension on the same day: no gap
    "2022-08-01": "in_force",
    "2022-08-02": "expired",  # the extended end passed at 16:00 UTC
    "2022-08-04": "expired",
    "2022-08-05": "in_force",  # extended after the end: in force again
    "2022-09-14": "in_force",
    "2022-09-15": "terminated",
    "2022-10-15": "terminated",  # terminated before its end: stays terminated
    "2022-11-01": "terminated",  # only north recommitted
    "2022-11-03": "in_force",
    "2022-12-31": "in_force",
    "2023-01-01": "expired",
}


def days(first: str, last: str) -> list[str]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [(a + timedelta(days=n)).isoformat() for n in range((b - a).days + 1)]


def record(t: Tracker, *batches: list[dict[str, Any]], stamps: list[str] | None = None) -> Tracker:
    for n, batch in enumerate(batches):
        with freeze_time(stamps[n] if stamps else NOW):
            t.append(batch)
    return t


def status(t: Tracker, **q: Any) -> dict[str, Any] | None:
    with freeze_time(NOW):
        answers = t.status(P, **q)
    assert len(answers) <= 1
    return answers[0].state if answers else None


@pytest.fixture
def story(tracker: Tracker) -> Tracker:
    return record(tracker, STORY)


@pytest.mark.parametrize(("day", "expected"), sorted(EXPECTED_ON.items()))
def test_status_on_the_days_of_a_lifecycle(story: Tracker, day: str, expected: str) -> None:
    state = status(story, on=day)
    assert state is not None and state["status"] == expected
    assert state["warnings"] == []


def test_status_on_reports_the_deadline_violations_and_suspensions(story: Tracker) -> None:
    state = status(story, on="2022-05-15")
    assert state is not None
    assert [d["state"] for d in state["deadlines"]] == ["due"]
    assert state["violations"][0]["denied_by"] == ["north"]
    assert set(state["suspended"]) == {"north"}


def test_cli_status_json_on_the_boundaries(db_path: Path) -> None:
    with Tracker(db_path) as t:
        record(t, STORY)
    runner = CliRunner()

    def cli(*args: str) -> dict[str, Any]:
        with freeze_time(NOW):
            result = runner.invoke(app, ["status", P, "--json", "--db", str(db_path), *args])
        assert result.exit_code == 0, result.output
        [out] = json.loads(result.stdout)
        return dict(out)

    first = cli("--on", "2022-04-02")
    assert (first["status"], first["effective"], first["scheduled_end"]) == (
        "in_force",
        "2022-04-02T19:00+03:00",
        "2022-06-02T19:00:00+03:00",
    )
    assert cli("--on", "2022-08-04")["status"] == "expired"
    assert cli("--on", "2022-08-05")["scheduled_end"] == "2022-09-30"
    assert cli("--on", "2022-05-12")["suspended_by"] == {"north": "2022-05-10"}
    # known by 1 May: the end in June is judged on a later day, so that answer is a projection
    projected = cli("--on", "2022-07-01", "--known-by", "2022-05-01")
    assert (projected["status"], projected["projected"]) == ("expired", True)
    assert cli("--on", "2022-04-20", "--known-by", "2022-05-01")["projected"] is False
    with freeze_time(NOW):
        text = runner.invoke(app, ["status", P, "--db", str(db_path), "--on", "2022-07-01", "--known-by", "2022-05-01"])
    assert "expired on 2 June 2022 (projected)" in text.stdout


def test_known_by_alone_projects_to_today(story: Tracker) -> None:
    # known by 1 May, judged today (2026): no extension had been reported, so it "expired on 2 June"
    state = status(story, known_by="2022-05-01")
    assert state is not None
    assert (state["status"], state["ends"], state["projected"]) == ("expired", "2022-06-02T19:00:00+03:00", True)
    assert (state["suspended"], state["violations"][0]["denied_by"]) == ({}, ["north"])
    # known by the end of the story, judged today: nothing after K changes it, no projection
    final = status(story, known_by="2023-06-01")
    assert final is not None and (final["status"], final["projected"]) == ("expired", False)


def test_known_by_an_extension_reported_the_day_after(story: Tracker) -> None:
    # x2 happened on 5 August and was reported on the 6th
    before = status(story, on="2022-08-05", known_by="2022-08-05")
    after = status(story, on="2022-08-05", known_by="2022-08-06")
    assert before is not None and after is not None
    assert (before["status"], after["status"]) == ("expired", "in_force")


def test_terms_disclosed_later_are_seen_only_from_the_report(tracker: Tracker) -> None:
    record(tracker, [
        e("floated", "f", "north", "2023-01-01", addressees=["south"]),
        e("accepted", "a", "south", "2023-01-01"),
        e("terms_disclosed", "t", "north", "2023-01-01", "2023-02-15", ends="2023-01-31"),
    ])  # fmt: skip
    for day, expected in (("2023-01-31", "in_force"), ("2023-02-01", "expired")):
        state = status(tracker, on=day)
        assert state is not None and state["status"] == expected
    hidden = status(tracker, on="2023-03-01", known_by="2023-02-14")
    assert hidden is not None
    assert (hidden["status"], hidden["ends"], hidden["projected"]) == ("in_force", None, False)
    seen = status(tracker, on="2023-03-01", known_by="2023-02-15")
    assert seen is not None and (seen["status"], seen["ends"]) == ("expired", "2023-01-31")


def test_an_extension_straddling_the_end_makes_the_gap_uncertain(tracker: Tracker) -> None:
    record(tracker, [
        e("floated", "f", "un", "2022-04-01", mediators=["un"], addressees=["north", "south"], ends="2022-06-02"),
        e("accepted", "an", "north", "2022-04-01"),
        e("accepted", "as", "south", "2022-04-01"),
        e("extended", "x", "un", "2022-06-01/2022-06-05", new_end="2022-08-02"),
    ])  # fmt: skip
    answers = {d: tracker.status(P, on=d)[0] for d in ("2022-06-02", "2022-06-03", "2022-06-04", "2022-06-05")}
    assert (answers["2022-06-02"].state["status"], answers["2022-06-02"].uncertain) == ("in_force", ("x",))
    for d in ("2022-06-03", "2022-06-04"):  # maybe extended in time, maybe after a gap: listed as uncertain
        assert (answers[d].state["status"], answers[d].uncertain) == ("expired", ("x",))
    assert (answers["2022-06-05"].state["status"], answers["2022-06-05"].uncertain) == ("in_force", ())


def test_as_recorded_equals_a_fresh_log_of_what_was_recorded(tmp_path: Path) -> None:
    cuts = [0, 5, 8, len(STORY)]
    batches = [STORY[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    stamps = ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"]
    with Tracker(tmp_path / "log.db") as log:
        record(log, *batches, stamps=stamps)
        for n, stamp in enumerate(stamps):
            with Tracker(tmp_path / f"fresh{n}.db") as fresh:
                record(fresh, [ev for batch in batches[: n + 1] for ev in batch])
                for day in (None, "2022-06-02", "2022-08-03", "2022-08-05", "2022-10-01", "2022-12-01"):
                    assert status(log, on=day, as_recorded=stamp) == status(fresh, on=day), (stamp, day)
                assert status(log, as_recorded=stamp) == status(fresh)


def test_the_answer_does_not_depend_on_the_order_of_appending(tmp_path: Path) -> None:
    rest = STORY[1:]
    random.Random(14).shuffle(rest)
    with Tracker(tmp_path / "one.db") as one, Tracker(tmp_path / "two.db") as two:
        record(one, STORY)
        record(two, [STORY[0]], *([event] for event in rest))
        for day in [None, *EXPECTED_ON]:
            assert status(one, on=day) == status(two, on=day), day
            assert status(one, known_by=day) == status(two, known_by=day), day


def test_the_pieces_equal_a_fresh_replay_on_every_day(story: Tracker) -> None:
    records = list(story.store.records())
    for n, day in enumerate(days("2022-03-30", "2023-01-03")):
        questions: list[dict[str, str | None]] = [{"on": day}]
        if n % 4 == 0:
            questions += [{"known_by": day}, {"on": day, "known_by": "2022-06-01"}]
        for q in questions:
            with freeze_time(NOW):
                ours = [
                    (a.proposal, a.state, a.uncertain) for a in story.status(on=q.get("on"), known_by=q.get("known_by"))
                ]
                fresh = [(a.proposal, a.state, a.uncertain) for a in answer(records, api.question(**q))]
            assert ours == fresh, q


def test_a_reaffirmation_of_an_agreement_in_force_keeps_its_terms() -> None:
    # The issue is silent. Parties "recommitting" while the truce is in force reaffirm it: its
    # start and scheduled end stand (before the fix, the round's last recommitment wiped them).
    rc_n = ev("recommitted", actor="north", occurred="2022-05-01")
    rc_s = ev("recommitted", id="rs", actor="south", occurred="2022-05-02")
    state = mediated(rc_n, rc_s, **END)
    assert (state["agreed_by"], state["ends"], on(state, "2022-06-03")) == ("as", "2022-06-02", "expired")


def test_disputed_ends_through_the_tracker(tracker: Tracker) -> None:
    record(tracker, [
        e("floated", "f", "un", "2022-04-01", mediators=["un"], addressees=["north", "south"], ends="2022-06-02"),
        e("accepted", "an", "north", "2022-04-01"),
        e("accepted", "as", "south", "2022-04-01"),
        e("extended", "xn", "north", "2022-06-01", new_end="2022-08-02"),
        e("extended", "xs", "south", "2022-06-02", new_end="2022-09-02"),
    ])  # fmt: skip
    [straddled] = tracker.status(P, on="2022-08-20")
    assert (straddled.state["status"], straddled.uncertain) == ("in_force", ("xs#ends",))
    assert (straddled.state["ends"], straddled.state["disputed"]) == ("2022-08-02/2022-09-02", True)
    assert tracker.status(P, on="2022-09-03")[0].state["status"] == "expired"
    assert tracker.status(P, on="2022-08-02")[0].uncertain == ()


def test_on_takes_a_date_time(story: Tracker) -> None:
    state = status(story, on="2022-04-02T17:00Z")  # judged at the end of its UTC day
    assert state is not None and state["status"] == "in_force"
