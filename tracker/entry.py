"""The ``tracker`` script: the quick status path first, else the typer app.

``tracker.quick`` answers the common ``tracker status`` with the standard library alone
(no typer, no pydantic: see docs/startup.md); anything it declines goes to ``tracker.cli``.
"""

from __future__ import annotations

import sys

from tracker import quick


def main() -> None:
    """Entry point of the ``tracker`` script."""
    code = quick.answer(sys.argv[1:])
    if code is None:
        from tracker.cli import main as full

        full()
        return
    sys.exit(code)
