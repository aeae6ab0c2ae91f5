"""``Value``: the frozen pydantic base of the outputs shaped at the edge (audits, provenance, diffs,
history entries, verification faults, search hits). Nothing on the fold path builds one."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Value(BaseModel):
    """A frozen output value."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
