"""What the parts of ``Tracker`` may ask of one another: declared once, for the type checker.

``Tracker`` (``tracker.api.tracker``) is assembled from ``Reading`` and ``Recording``; each calls
methods the others define. ``Host`` names those methods and the attributes ``Tracker`` sets, so
that each part type-checks on its own; at run time it adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.store.log import AppendResult, Store

if TYPE_CHECKING:
    from tracker.core.advice import Recorded
    from tracker.core.audit import Audit
    from tracker.core.listing import Duplicate, Party
    from tracker.core.replay import Answer, Record


class Host:
    """The attributes and methods of ``Tracker`` that its parts use."""

    store: Store
    path: Path
    if TYPE_CHECKING:

        def _records(self, proposal: str | None) -> list[Record]: ...

        def audit(
            self, proposal: str, *, on: str | None = None, known_by: str | None = None, as_recorded: str | None = None
        ) -> Audit: ...

        def status(
            self,
            proposal: str | None = None,
            *,
            on: str | None = None,
            known_by: str | None = None,
            as_recorded: str | None = None,
            lists: bool = True,
        ) -> list[Answer]: ...

        def names(self, subject: str = "actor") -> dict[str, str]: ...

        def set_names(self, items: Iterable[tuple[str, str, str]]) -> tuple[int, list[str]]: ...

        def parties(self) -> tuple[list[Party], list[Duplicate]]: ...

        def event_id(self, ref: str) -> str: ...

        def recorded(self, result: AppendResult, *, rows: bool = True) -> Recorded: ...

        def _long(self, proposals: Sequence[str]) -> bool: ...
