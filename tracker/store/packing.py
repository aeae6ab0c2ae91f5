"""The stored form of a state: its fixed-size part in a piece, its growing lists once, as links.

A piece of the ``intervals`` projection (and a row of ``proposals``) stores only what does not
grow with the stream: a compact JSON array of the heads of its lists, then the state's other
fields in the order of ``FIXED`` (stances as ``[stance, event, occurred]``; trailing fields
still at their default left out), with ``proposal`` and ``status`` left to their own columns.
The lists that grow with the stream (denials, warnings, the ledger of violations and claims) are
persistent linked lists in the fold (``state.Chain``): each element is stored once, as a row of
``links`` (proposal, id, parent, item), and a piece stores only the id and length of its list's
last link. Successive pieces share their lists' links, so the bytes per event no longer grow
with a stream's length.

A link's id is a 64-bit hash of its parent's id and its item's JSON, so the same list always
gets the same ids: a refresh and a rebuild write the same pieces (a collision within one
proposal, about k^2/2^64 for k links, would merge two lists; at a million links that is ~5e-8).
Standard library only: the quick status path unpacks with it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from tracker.core.codec import compact
from tracker.core.state import CHAINS, TUPLES, Chain, State, Stored, empty

FIXED = tuple(name for name in State.__annotations__ if name not in ("proposal", "status", *CHAINS))
"""The fixed-size fields of a state, in the order of the packed array (then one head per chain)."""
STANCES = FIXED.index("stances")
_EMPTY = empty("")
_DEFAULTS: list[Any] = [None] * len(CHAINS) + [_EMPTY[name] for name in FIXED]  # type: ignore[literal-required]
"""The packed array's default values, in its order (the chains' heads first)."""
LinkRow = tuple[str, int, int | None, str]
"""A row of ``links``: proposal, id, parent id (None: the first element), the element as JSON."""
Links = dict[int, tuple[int | None, str]]


def link_id(parent: int | None, item: str) -> int:
    """The id of a link: a signed 64-bit hash of its parent's id and its element's JSON."""
    digest = hashlib.blake2b(f"{parent}\x00{item}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Packer:
    """Packs the states of one proposal, collecting the ``links`` rows their lists need.

    Ids are memoised by chain node (``id()``): the states packed by one packer share their
    chains, so each element is hashed once. The packer keeps every node it memoised alive (an
    ``id()`` is reused once its object is freed), so states may be dropped as soon as packed.
    """

    def __init__(self, proposal: str) -> None:
        self.proposal = proposal
        self.links: list[LinkRow] = []
        self._ids: dict[int, int] = {}
        self._kept: list[Chain] = []
        self._written: set[int] = set()  # a refold makes new nodes of the same links: each is listed once

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
            self._kept.append(link)
            if lid not in self._written:
                self._written.add(lid)
                self.links.append((self.proposal, lid, parent, item))
            parent = lid
        return [self._ids[id(chain)], chain.size]

    def pack(self, state: State) -> str:
        """The stored text of a state (without ``proposal`` and ``status``)."""
        heads: list[Any] = [self._head(state[name]) for name in CHAINS]  # type: ignore[literal-required]
        fixed: list[Any] = [state[name] for name in FIXED]  # type: ignore[literal-required]
        fixed[STANCES] = {actor: [e["stance"], e["event"], e["occurred"]] for actor, e in state["stances"].items()}
        packed = heads + fixed
        while len(packed) > len(CHAINS) and _same(packed[-1], _DEFAULTS[len(packed) - 1]):
            packed.pop()  # a field still at its default (most of an agreement's, in negotiation) is left out
        return compact(packed)


def _same(value: Any, default: Any) -> bool:
    return value == default and type(value) is type(default) or (value == () and default == ())


def _fields(proposal: str, status: str | None, text: str) -> tuple[dict[str, Any], list[Any]]:
    packed = json.loads(text)
    heads, fixed = packed[: len(CHAINS)], packed[len(CHAINS) :]
    fixed += [_copy(d) for d in _DEFAULTS[len(CHAINS) + len(fixed) :]]
    out: dict[str, Any] = {"proposal": proposal, "status": status}
    out.update(zip(FIXED, fixed, strict=True))
    out["stances"] = {a: {"stance": s, "event": e, "occurred": o} for a, (s, e, o) in fixed[STANCES].items()}
    return out, heads


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else dict(value) if isinstance(value, dict) else value


def unpack(proposal: str, status: str | None, text: str, read: Callable[[int], list[Any]] | None) -> dict[str, Any]:
    """A packed state in its JSON form (``state.as_json``), its lists read by ``read`` (a last link's id ->
    the list's elements). ``read`` None leaves the lists unread: each element an empty dict, so that
    only their lengths are right (what the status table shows)."""
    out, heads = _fields(proposal, status, text)
    for name, head in zip(CHAINS, heads, strict=True):
        out[name] = [] if head is None else read(head[0]) if read is not None else [{} for _ in range(head[1])]
    return {name: out[name] for name in State.__annotations__}


def unpack_state(proposal: str, status: str | None, text: str) -> State:
    """A packed state as a ``State`` whose lists are ``Stored`` stand-ins (for folding on from it)."""
    out, heads = _fields(proposal, status, text)
    for name in TUPLES:
        if out[name] is not None:
            out[name] = tuple(out[name])
    out.update((name, Stored(*head) if head else None) for name, head in zip(CHAINS, heads, strict=True))
    return {name: out[name] for name in State.__annotations__}  # type: ignore[return-value]


def chain_reader(links: Links) -> Callable[[int], list[Any]]:
    """A reader of lists from links already in memory (id -> parent, item)."""

    def read(at: int | None) -> list[Any]:
        out = []
        while at is not None:
            parent, item = links[at]
            out.append(json.loads(item))
            at = parent
        out.reverse()
        return out

    return read


_CHAIN_SQL = (
    "WITH RECURSIVE c(id, parent, item, depth) AS ("
    "SELECT id, parent, item, 0 FROM links WHERE proposal = ?1 AND id = ?2 "
    "UNION ALL SELECT l.id, l.parent, l.item, c.depth + 1 FROM links l JOIN c ON l.proposal = ?1 AND l.id = c.parent) "
    "SELECT item FROM c ORDER BY depth DESC"
)


def stored_reader(conn: sqlite3.Connection, proposal: str) -> Callable[[int], list[Any]]:
    """A reader of one proposal's lists from the database: only the links of the list asked, one query."""
    loads = json.loads

    def read(at: int) -> list[Any]:
        return [loads(item) for (item,) in conn.execute(_CHAIN_SQL, (proposal, at))]

    return read


def read_links(conn: sqlite3.Connection, proposals: Iterable[str] | None = None) -> Links:
    """The links of these proposals (all when None), id -> (parent, item)."""
    if proposals is None:
        return {i: (p, item) for i, p, item in conn.execute("SELECT id, parent, item FROM links")}
    out: Links = {}
    for proposal in proposals:
        for i, p, item in conn.execute("SELECT id, parent, item FROM links WHERE proposal = ?", (proposal,)):
            out[i] = (p, item)
    return out
