"""StoredAnswer: an Answer whose state is decoded on first read, indistinguishable from the eager one."""

from __future__ import annotations

import copy
import pickle

import pytest
from helpers import ev
from pydantic import TypeAdapter

from tracker.answers import StoredAnswer, stored_answer
from tracker.api import Tracker
from tracker.core.intervals import decode_state
from tracker.core.replay import Answer, Question, answer
from tracker.core.state import ProposalState
from tracker.store.projections import lookup
from tracker.views import text as render
from tracker.views.exports import status_row

STORY = [
    ev("floated", id="f", actor="a", addressees=["b", "c"], occurred="2024-01-01"),
    ev("accepted", id="x", actor="b", occurred="2024-01-05", reported="2024-01-06"),
    ev("rejected", id="r", actor="c", occurred="2024-01"),
    ev("denied", id="d", actor="c", occurred="2024-01-07", target="x"),
    ev("floated", id="g", proposal="q", actor="b", addressees=["a"], occurred="2024-01", reported="2024-02-01"),
]


@pytest.fixture
def rows(tracker: Tracker) -> list[tuple[str, str | None, tuple[str, ...], str]]:
    tracker.append(STORY)
    return lookup(tracker.store.conn, "on", "2024-01-20")


def pairs(rows: list[tuple[str, str | None, tuple[str, ...], str]]) -> list[tuple[StoredAnswer, Answer]]:
    """Each row as a fresh (undecoded) stored answer and as the eager answer decoded up front."""
    return [
        (stored_answer(name, ids, state), Answer(proposal=name, state=decode_state(state), uncertain=ids))
        for name, _, ids, state in rows
    ]


def test_the_rows_hold_a_certain_and_an_uncertain_answer(
    rows: list[tuple[str, str | None, tuple[str, ...], str]],
) -> None:
    assert [(name, status, ids) for name, status, ids, _ in rows] == [("p", "considering", ("r",)), ("q", None, ("g",))]


def test_the_state_stays_undecoded_until_read(rows: list[tuple[str, str | None, tuple[str, ...], str]]) -> None:
    lazy, eager = pairs(rows)[0]
    assert type(object.__getattribute__(lazy, "__dict__")["state"]) is str
    assert lazy.proposal == "p" and lazy.uncertain == ("r",)
    assert type(object.__getattribute__(lazy, "__dict__")["state"]) is str
    state = lazy.state
    assert isinstance(state, ProposalState) and state == eager.state
    assert lazy.state is state  # decoded once, kept


def test_built_as_model_construct_builds_it(rows: list[tuple[str, str | None, tuple[str, ...], str]]) -> None:
    name, _, ids, state = rows[0]
    fast = stored_answer(name, ids, state)
    slow = StoredAnswer.model_construct(proposal=name, state=state, uncertain=ids)
    for slot in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
        assert object.__getattribute__(fast, slot) == object.__getattribute__(slow, slot), slot


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda a: a.model_dump(), id="model_dump"),
        pytest.param(lambda a: a.model_dump(mode="json"), id="model_dump_json_mode"),
        pytest.param(lambda a: a.model_dump_json(), id="model_dump_json"),
        pytest.param(lambda a: repr(a).replace("StoredAnswer(", "Answer(", 1), id="repr"),
        pytest.param(lambda a: str(a), id="str"),
        pytest.param(lambda a: dict(a), id="iter"),
        pytest.param(lambda a: render.answer_dict(a), id="answer_dict"),
        pytest.param(lambda a: status_row(a), id="status_row"),
        pytest.param(lambda a: render.status_text([a], Question()), id="status_text"),
        pytest.param(lambda a: pickle.loads(pickle.dumps(a)).model_dump(), id="pickle"),
        pytest.param(lambda a: copy.copy(a).model_dump(), id="copy"),
        pytest.param(lambda a: copy.deepcopy(a).model_dump(), id="deepcopy"),
        pytest.param(lambda a: a.model_copy(update={"uncertain": ()}).model_dump(), id="model_copy"),
        pytest.param(lambda a: TypeAdapter(list[Answer]).dump_json([a]), id="inside_a_list"),
    ],
)
def test_every_use_sees_the_decoded_state(
    rows: list[tuple[str, str | None, tuple[str, ...], str]], use: object
) -> None:
    assert callable(use)
    for lazy, eager in pairs(rows):  # each use on a fresh, undecoded answer
        assert use(lazy) == use(eager)


def test_equal_to_the_eager_answer_both_ways(rows: list[tuple[str, str | None, tuple[str, ...], str]]) -> None:
    for lazy, eager in pairs(rows):
        assert lazy == eager
    for lazy, eager in pairs(rows):
        assert eager == lazy
    for lazy, eager in pairs(rows):
        assert [eager] == [lazy] and [lazy] == [eager]
    (p, _), (q, q_eager) = pairs(rows)
    assert p != q and q_eager != p and p != "p"
    changed = Answer(proposal=q.proposal, state=q_eager.state.model_copy(update={"status": "floated"}), uncertain=())
    assert q != changed and changed != q


def test_tracker_status_returns_stored_answers_equal_to_a_replay(tracker: Tracker) -> None:
    tracker.append(STORY)
    records = list(tracker.store.records())
    for q in (Question(on="2024-01-20"), Question(known_by="2024-03-01"), Question()):
        got = tracker.status(on=q.on, known_by=q.known_by)
        assert got and all(type(a) is StoredAnswer for a in got)
        expected = [
            a.model_copy(update={"state": a.state.model_copy(update={"history": ()})}) for a in answer(records, q)
        ]
        assert got == expected and expected == got
