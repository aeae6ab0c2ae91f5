"""Co-proposers: a proposal put forward jointly (the US and France, November 2024).

The form: ``floated`` names the first proposer as ``actor`` and the others in ``co_proposers``.
Each co-proposer's stance is ``proposed``; co-proposers are required like the proposer (unless
mediators), their answers never move the status, and an event by one is no "party the proposal
did not address".
"""

from __future__ import annotations

from typing import Any

from helpers import body, ev

from tracker.core.rules import apply, required
from tracker.core.state import State, as_json, empty, listed

JOINT = ev("floated", id="f", actor="united-states", co_proposers=["france"], addressees=["israel", "lebanon"])


def fold(*events: dict[str, Any]) -> State:
    state = empty("p")
    for e in events:
        state = apply(state, body(e))
    return state


def test_co_proposers_take_the_proposed_stance() -> None:
    state = fold(JOINT)
    assert state["co_proposers"] == ("france",)
    assert {p: s["stance"] for p, s in state["stances"].items()} == {
        "united-states": "proposed",
        "france": "proposed",
    }
    assert state["status"] == "floated"
    assert as_json(state)["co_proposers"] == ["france"]


def test_co_proposers_are_required_but_do_not_block_agreement() -> None:
    state = fold(JOINT)
    assert required(state) == ("united-states", "france", "israel", "lebanon")
    agreed = fold(JOINT, ev("accepted", actor="israel"), ev("accepted", actor="lebanon"))
    assert agreed["status"] == "agreed"


def test_a_co_proposer_rejecting_does_not_make_it_rejected() -> None:
    state = fold(JOINT, ev("considering", actor="israel"), ev("rejected", actor="france"))
    assert state["status"] == "considering"


def test_an_event_by_a_co_proposer_is_not_from_an_unaddressed_party() -> None:
    state = fold(JOINT, ev("considering", actor="france"))
    assert not any("did not address" in w for w in listed(state["warnings"]))
    other = fold(JOINT, ev("considering", actor="egypt"))
    assert any("egypt, a party the proposal did not address" in w for w in listed(other["warnings"]))


def test_the_actor_is_never_its_own_co_proposer() -> None:
    state = fold(JOINT, ev("floated", id="f2", actor="france", co_proposers=["france", "united-kingdom"]))
    assert state["proposer"] == "france"
    assert state["co_proposers"] == ("united-kingdom",)  # the former proposer is not made a co-proposer


def test_the_change_lists_each_co_proposers_stance() -> None:
    out: list[Any] = []
    apply(empty("p"), body(JOINT), out)
    fields = [c[1] if isinstance(c, tuple) else c["field"] for c in out]
    assert "stance.france" in fields and "stance.united-states" in fields


def test_every_view_shows_the_co_proposers(tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    from tracker.cli import app

    db = str(tmp_path / "joint.db")
    runner = CliRunner()
    line = json.dumps({**JOINT, "proposal": "joint-2024", "occurred": "2024-11-14", "reported": "2024-11-15"})
    assert runner.invoke(app, ["append", line, "--db", db]).exit_code == 0
    status = json.loads(runner.invoke(app, ["status", "--json", "--db", db]).stdout)[0]
    assert status["proposer"] == "united-states" and status["co_proposers"] == ["france"]
    assert status["stances"]["france"] == "proposed"
    csv = runner.invoke(app, ["status", "--csv", "--db", db]).stdout.splitlines()
    assert "co_proposers" in csv[0].split(",") and ",france," in csv[1]
    listing = runner.invoke(app, ["proposals", "--db", db]).stdout
    assert "united-states, france" in listing
    assert "france=proposed" in runner.invoke(app, ["status", "--db", db]).stdout


def test_the_story_and_the_audit_name_the_co_proposers(tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    from tracker.cli import app

    db = str(tmp_path / "story.db")
    runner = CliRunner()
    line = json.dumps({**JOINT, "proposal": "joint-2024", "occurred": "2024-11-14", "reported": "2024-11-15"})
    assert runner.invoke(app, ["append", line, "--db", db]).exit_code == 0
    assert runner.invoke(app, ["actors", "--set", "france", "France", "--db", db]).exit_code == 0
    story = runner.invoke(app, ["history", "joint-2024", "--markdown", "--db", db]).stdout
    assert "united-states with France, floated" in story
    audit = runner.invoke(app, ["audit", "joint-2024", "--db", db]).stdout
    assert "#1 floated by united-states with france  occurred" in audit
    steps = json.loads(runner.invoke(app, ["audit", "joint-2024", "--json", "--db", db]).stdout)["steps"]
    assert steps[0]["co_proposers"] == ["france"]
