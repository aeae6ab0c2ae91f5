"""Answers read from the ``intervals`` projection: typed, their state decoded on first access.

A status question on one axis is one index seek per proposal in the projection, a few
microseconds each. Decoding each stored state into a ``ProposalState`` (pydantic, ~30 us
for a 2 kB state) would cost far more than all the seeks together, and a caller listing
every proposal often reads a few fields of a few answers. So ``Tracker.status`` returns
``StoredAnswer``s: each is an ``Answer`` (same fields and types, equal to the eager answer
with the same values, the same dumps) that keeps the state's stored JSON and validates it
the first time anything reads ``state``: the attribute, a dump, a comparison, a copy, a
pickle or a repr (all of them read the instance's ``__dict__``, which decodes first).

The stored JSON was written by our own fold and property tests check it against the
reducer's answers; it is still validated, once, when read.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from tracker.core.intervals import decode_state
from tracker.core.replay import Answer


class StoredAnswer(Answer):
    """An ``Answer`` whose ``state`` is the projection's JSON until first read, then a ``ProposalState``."""

    def __getattribute__(self, name: str) -> Any:
        if name == "state" or name == "__dict__":
            values = object.__getattribute__(self, "__dict__")
            state = values["state"]
            if type(state) is str:  # still the stored JSON: decode it once, in place
                state = values["state"] = decode_state(state)
            return state if name == "state" else values
        return object.__getattribute__(self, name)

    def __eq__(self, other: object) -> bool:
        """Equal to any ``Answer``, stored or replayed, with equal fields (pydantic compares exact types)."""
        if isinstance(other, Answer):
            return (self.proposal, self.state, self.uncertain) == (other.proposal, other.state, other.uncertain)
        return NotImplemented

    __hash__ = Answer.__hash__


# The slots every pydantic model instance carries, set through their descriptors (a C call
# each), as pydantic itself does in ``model_construct``.
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def stored_answer(proposal: str, uncertain: tuple[str, ...], state_json: str) -> StoredAnswer:
    """A ``StoredAnswer`` from one row of ``tracker.projections.lookup``.

    What ``model_construct`` does (a new instance, its field values, the fields set, no
    extra or private values) without its per-field loop, which costs more than the lookup
    itself when 10,000 answers are built. ``tests/test_answers.py`` checks the result
    equals ``model_construct``'s, slot for slot, so a change in pydantic shows there.
    """
    answer = object.__new__(StoredAnswer)
    _SET_DICT(answer, {"proposal": proposal, "state": state_json, "uncertain": uncertain})
    _SET_FIELDS_SET(answer, {"proposal", "state", "uncertain"})
    _SET_EXTRA(answer, None)
    _SET_PRIVATE(answer, None)
    return answer
