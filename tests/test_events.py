"""Event models: derived ids, reported defaults, strictness, canonical bodies."""

from __future__ import annotations

import pytest
from helpers import ev
from pydantic import ValidationError

from tracker.core.events import event_body, parse_event

SRC = {"outlet": "Reuters", "title": "Exclusive", "published": "2024-02-13"}


def test_derived_id_is_deterministic_and_content_based() -> None:
    a = parse_event(ev("floated", sources=[SRC]))
    b = parse_event(ev("floated", sources=[SRC]))
    c = parse_event(ev("floated", sources=[SRC], note="different"))
    assert a.id == b.id and a.id != c.id
    assert a.event_id.startswith("floated-")


def test_explicit_id_kept() -> None:
    assert parse_event(ev("floated", id="my.id-1")).id == "my.id-1"


def test_reported_defaults_to_earliest_source() -> None:
    later = {**SRC, "published": "2024-03"}
    assert parse_event(ev("floated", sources=[later, SRC])).reported == "2024-02-13"
    assert parse_event(ev("floated")).reported is None  # no source, no report: not public


def test_explicit_reported_wins() -> None:
    assert parse_event(ev("floated", reported="2023-12", sources=[SRC])).reported == "2023-12"


@pytest.mark.parametrize(
    "bad",
    [
        ev("bogus"),
        ev("floated", extra=1),
        ev("floated", actor=""),
        ev("floated", proposal="Has Spaces"),
        ev("floated", proposal="a/b"),
        ev("floated", occurred="2024-02-30"),
        ev("floated", channel="pigeon"),
        ev("reversed"),  # stance missing
        ev("retracted", target="x"),  # reason missing
        ev("floated", sources=[{"outlet": "x"}]),
        ev("floated", note="nul\x00byte"),
        ev("floated", id="bad id"),
    ],
)
def test_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        parse_event(bad)


def test_body_is_canonical() -> None:
    body = event_body(parse_event(ev("floated", id="x", addressees=["b"])))
    assert body.startswith('{"actor":"a","addressees":["b"],')
    assert " " not in body and "null" not in body
    assert parse_event(__import__("json").loads(body)) == parse_event(ev("floated", id="x", addressees=["b"]))


def test_events_are_frozen() -> None:
    event = parse_event(ev("floated"))
    with pytest.raises(ValidationError):
        event.actor = "b"  # type: ignore[misc]
