"""The stored form of a state: its fixed-size part in a piece, its growing lists once, as links.

A piece of the ``intervals`` projection (and a row of ``proposals``) stores only what does not
grow with the stream: a compact JSON array of the scalar fields and the stances, in the
order of ``FIXED``, with ``proposal`` and ``status`` left to their own columns. The two lists
that grow with the stream, denials and warnings, are persistent linked lists in the fold
(``state.Chain``): each element is stored once, as a row of ``links`` (proposal, id, parent,
item), and a piece stores only the id and length of its list's last link. Successive pieces
share their lists' links, so the bytes per event no longer grow with a stream's length.

A link's id is a 64-bit hash of its parent's id and its item's JSON, so the same list always
gets the same ids: a refresh and a rebuild write the same pieces (a collision within one
proposal, about k^2/2^64 for k links, would merge two lists; at a million links that is
~5e-8). Standard library only: the quick status path unpacks with it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from tracker.core.codec import compact
from tracker.core.state import Chain, State, Stored

FIXED = ("proposer", "addressees", "mediators", "channel", "terms", "floated_by", "closure", "closed_by",
         "stances", "disputed", "version", "last_event")  # fmt: skip
"""The fixed-size fields of a state, in the order of the packed array (then denials, warnings)."""
DENIALS, WARNINGS = len(FIXED), len(FIXED) + 1
LinkRow = tuple[str, int, int | None, str]
"""A row of ``links``: proposal, id, parent id (None: the first element), the element as JSON."""


def link_id(parent: int | None, item: str) -> int:
    """The id of a link: a signed 64-bit hash of its parent's id and its element's JSON."""
    digest = hashlib.blake2b(f"{parent}\x00{item}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Packer:
    """Packs the states of one proposal, collecting the ``links`` rows their lists need.

    Ids are memoised by chain node (``id()``): the states packed by one packer share their
    chains, so each element is hashed once. Keep the states alive while the packer is used.
    """

    def __init__(self, proposal: str) -> None:
        self.proposal = proposal
        self.links: list[LinkRow] = []
        self._ids: dict[int, int] = {}

    def _head(self, chain: Chain | Stored | None) -> list[int] | None:
        if chain is None:
            return None
        if isinstance(chain, Stored):
            return [chain.id, chain.size]
        todo: list[Chain] = []
        node: Chain | Stored | None = chain
        while isinstance(node, Chain) and id(node) not in self._ids:
            todo.append(node)
            node = node.parent
        parent = None if node is None else node.id if isinstance(node, Stored) else self._ids[id(node)]
        for link in reversed(todo):
            item = compact(link.item)
            lid = link_id(parent, item)
            self._ids[id(link)] = lid
            self.links.append((self.proposal, lid, parent, item))
            parent = lid
        return [self._ids[id(chain)], chain.size]

    def pack(self, state: State) -> str:
        """The stored text of a state (without ``proposal`` and ``status``)."""
        fixed: list[Any] = [state[name] for name in FIXED]  # type: ignore[literal-required]
        fixed[8] = {actor: [e["stance"], e["event"], e["occurred"]] for actor, e in state["stances"].items()}
        fixed += [self._head(state["denials"]), self._head(state["warnings"])]
        return compact(fixed)


def heads(text: str) -> list[tuple[int, int]]:
    """The (id, length) of the lists a packed state refers to."""
    packed = json.loads(text)
    return [(h[0], h[1]) for h in (packed[DENIALS], packed[WARNINGS]) if h is not None]


def unpack(proposal: str, status: str | None, text: str, links: dict[int, tuple[int | None, str]]) -> dict[str, Any]:
    """A packed state in its JSON form (``state.as_json``), its lists read from ``links`` (id -> parent, item)."""
    packed = json.loads(text)
    out: dict[str, Any] = {"proposal": proposal, "status": status}
    for name, value in zip(FIXED, packed, strict=False):
        out[name] = value
    out["stances"] = {actor: {"stance": s, "event": e, "occurred": o} for actor, (s, e, o) in packed[8].items()}
    denials, warnings = (_items(packed[i], links) for i in (DENIALS, WARNINGS))
    ordered = {name: out[name] for name in ("proposal", "status", *FIXED[:8], "stances")}
    ordered |= {"denials": denials, "disputed": out["disputed"], "warnings": warnings}
    ordered |= {"version": out["version"], "last_event": out["last_event"]}
    return ordered


def unpack_state(proposal: str, status: str | None, text: str) -> State:
    """A packed state as a ``State`` whose lists are ``Stored`` stand-ins (for folding on from it)."""
    packed = json.loads(text)
    out: dict[str, Any] = {"proposal": proposal, "status": status}
    for name, value in zip(FIXED, packed, strict=False):
        out[name] = value
    out["addressees"], out["mediators"] = tuple(out["addressees"]), tuple(out["mediators"])
    out["stances"] = {actor: {"stance": s, "event": e, "occurred": o} for actor, (s, e, o) in packed[8].items()}
    out["denials"], out["warnings"] = (Stored(*h) if h else None for h in (packed[DENIALS], packed[WARNINGS]))
    return {name: out[name] for name in State.__annotations__}  # type: ignore[return-value]


def _items(head: list[int] | None, links: dict[int, tuple[int | None, str]]) -> list[Any]:
    out = []
    at = head[0] if head else None
    while at is not None:
        parent, item = links[at]
        out.append(json.loads(item))
        at = parent
    out.reverse()
    return out


def read_links(conn: sqlite3.Connection, proposals: Iterable[str] | None = None) -> dict[int, tuple[int | None, str]]:
    """The links of these proposals (all when None), id -> (parent, item)."""
    if proposals is None:
        rows = conn.execute("SELECT id, parent, item FROM links")
        return {i: (p, item) for i, p, item in rows}
    out: dict[int, tuple[int | None, str]] = {}
    for proposal in proposals:
        for i, p, item in conn.execute("SELECT id, parent, item FROM links WHERE proposal = ?", (proposal,)):
            out[i] = (p, item)
    return out
