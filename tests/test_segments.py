"""Status intervals agree with the replay asked day by day, including vague dates and known_by."""

from __future__ import annotations

from datetime import date, timedelta

from helpers import ev, record
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.replay import Question, Record, answer_one
from tracker.core.segments import Segment, status_intervals, status_on

DATES = ["2024-01", "2024-01-15", "2024-01-10/2024-02-05", "2024-02", "2024-02-01", "2024-21", "2023-12-30/2024-01-02",
         "2024-03-03", "2024", "2024-01-31", "2024-02-29", "2024-01-05/"]  # fmt: skip
KINDS = ["considering", "accepted", "rejected", "withdrawn", "collapsed", "denied"]


def records(items: list[dict[str, object]]) -> list[Record]:
    return [record(n, "2024-06-01T00:00:00.000000Z", e) for n, e in enumerate(items, start=1)]


def probe_days(recs: list[Record]) -> list[str]:
    days = {d for r in recs for d in (r.occurred.earliest, r.occurred.latest) if d < "9999"}
    out = set()
    for d in days:
        base = date.fromisoformat(d)
        out |= {(base + timedelta(days=k)).isoformat() for k in (-1, 0, 1)}
    return sorted(out)


def check(recs: list[Record], known_by: str | None = None) -> list[Segment]:
    intervals = status_intervals("p", recs, Question(known_by=known_by))
    for day in probe_days(recs):
        expected = answer_one("p", recs, Question(on=day, known_by=known_by))
        got = status_on(intervals, day)
        if expected is None:
            assert got is None, day
        else:
            assert got is not None, day
            assert (got.status, got.uncertain) == (expected.state["status"], expected.uncertain), day
    return intervals


def test_vague_float_then_rejection() -> None:
    recs = records([
        ev("floated", occurred="2023-09/2024-01", id="f", actor="r", addressees=["u"]),
        ev("rejected", occurred="2024-01", id="x", actor="u"),
    ])
    intervals = check(recs)
    assert [(i.valid_from, i.valid_to, i.status, i.uncertain) for i in intervals] == [
        ("2023-09-01", "2024-01-01", None, ("f",)),
        ("2024-01-01", "2024-01-31", None, ("f", "x")),
        ("2024-01-31", None, "rejected", ()),
    ]


def test_open_ended_date_never_becomes_certain() -> None:
    recs = records([ev("floated", occurred="2024-01-01", id="f"), ev("collapsed", occurred="2024-02-01/", id="c")])
    intervals = check(recs)
    assert intervals[-1].valid_to is None
    assert intervals[-1].uncertain == ("c",)
    assert intervals[-1].status == "floated"


def test_known_by_hides_later_reports() -> None:
    recs = records([
        ev("floated", occurred="2024-01-01", reported="2024-01-02", id="f", addressees=["u"]),
        ev("rejected", occurred="2024-01-05", reported="2024-03-01", id="x", actor="u"),
        ev("considering", occurred="2024-01-06", reported="2024-02", id="c", actor="u"),
    ])
    intervals = check(recs, known_by="2024-02-10")
    assert {i.status for i in intervals} == {"floated"}
    assert intervals[-1].uncertain == ("c",)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(DATES), st.sampled_from(["u", "v"])), max_size=7),
    st.sampled_from(DATES),
    st.sampled_from([None, "2024-02-10", "2024-01-20"]),
)
def test_intervals_match_replay_every_day(events: list[tuple[str, str, str]], floated: str, known: str | None) -> None:
    items = [ev("floated", occurred=floated, reported="2024-02", id="f", actor="r", addressees=["u", "v"])]
    for n, (kind, when, actor) in enumerate(events):
        items.append(ev(kind, occurred=when, reported=when if n % 2 else "2024-02", id=f"e{n}", actor=actor))
    check(records(items), known_by=known)
