"""The stored form of a state: the fixed-size part in the piece, denials and warnings once, as links."""

from __future__ import annotations

from typing import Any

from helpers import body, ev

from tracker.core.rules import apply
from tracker.core.state import State, as_json, empty
from tracker.store.packing import Packer, chain_reader, link_id, unpack, unpack_state

FLOAT = ev("floated", id="f", actor="north", addressees=["south"], mediators=["un"], terms="60 days")


def fold(*events: dict[str, Any]) -> State:
    state = empty("p")
    for e in events:
        state = apply(state, body(e))
    return state


def denials(n: int) -> list[dict[str, Any]]:
    return [ev("denied", id=f"d{i}", actor="south", person=f"spokesman {i}", target="f") for i in range(n)]


def links_of(packer: Packer) -> dict[int, tuple[int | None, str]]:
    return {lid: (parent, item) for _, lid, parent, item in packer.links}


def test_a_packed_state_unpacks_to_its_json_form() -> None:
    state = fold(FLOAT, *denials(3), ev("rejected", id="x", actor="ally"), ev("considering", id="c", actor="south"))
    packer = Packer("p")
    text = packer.pack(state)
    assert unpack("p", state["status"], text, chain_reader(links_of(packer))) == as_json(state)
    assert as_json(state)["warnings"] and len(as_json(state)["denials"]) == 3


def test_a_piece_does_not_grow_with_the_lists() -> None:
    short, long = fold(FLOAT, *denials(1)), fold(FLOAT, *denials(500))
    a, b = Packer("p").pack(short), Packer("p").pack(long)
    assert abs(len(a) - len(b)) <= 24  # the last link's id and the length, not the elements
    assert len(b) < 300


def test_each_element_is_stored_once_across_states() -> None:
    states = [fold(FLOAT, *denials(n)) for n in range(1, 6)]
    packer = Packer("p")
    for s in states:
        packer.pack(s)
    assert len(packer.links) == 5  # a separate fold per state makes the same 5 links again: listed once
    shared = fold(FLOAT)
    packer = Packer("p")
    for d in denials(5):
        shared = apply(shared, body(d))
        packer.pack(shared)
    assert len(packer.links) == 5  # one fold: each state shares its predecessor's list


def test_link_ids_are_the_same_whoever_packs() -> None:
    state = fold(FLOAT, *denials(4))
    one, two = Packer("p"), Packer("p")
    assert one.pack(state) == two.pack(state) and one.links == two.links
    (_, first, parent, item), *_ = one.links
    assert parent is None and first == link_id(None, item)


def test_folding_on_from_a_stored_state_packs_as_a_fresh_fold() -> None:
    events = [FLOAT, *denials(3)]
    packer = Packer("p")
    stored = packer.pack(fold(*events))
    more = ev("denied", id="late", actor="north")
    resumed = apply(unpack_state("p", "floated", stored), body(more))
    assert Packer("p").pack(resumed) == Packer("p").pack(fold(*events, more))


def test_unread_lists_keep_their_lengths() -> None:
    state = fold(FLOAT, *denials(3))
    unread = unpack("p", state["status"], Packer("p").pack(state), None)
    assert len(unread["denials"]) == 3 and unread["warnings"] == []


def test_the_current_status_view_reads_the_packed_fields_where_they_are() -> None:
    from tracker.core.state import CHAINS
    from tracker.store.log import VIEWS
    from tracker.store.packing import FIXED

    view = VIEWS[0]
    place = {name: len(CHAINS) + FIXED.index(name) for name in ("addressees", "last_event", "agreed_by",
                                                                 "agreed_on", "effective", "ends")}  # fmt: skip
    assert f"json_each(p.state, '$[{place['addressees']}]')) AS addressees" in view
    assert f"json_extract(p.state, '$[{place['last_event']}]') AS last_event" in view
    assert f"json_extract(p.state, '$[{place['agreed_by']}]') IS NULL" in view
    assert f"json_extract(p.state, '$[{place['agreed_on']}]')) END AS effective" in view
    assert f"json_extract(p.state, '$[{place['ends']}]') AS scheduled_end" in view
