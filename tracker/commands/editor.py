"""The editor loop of ``tracker new`` and ``tracker edit``, at the edge: open ``$VISUAL`` or
``$EDITOR`` (else ``vi``) on a template, read it back on save, and on an error reopen it with the
message on top, as ``git commit`` does. Nothing is written until ``accept`` takes the file."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tracker.core import template
from tracker.errors import TrackerError

T = TypeVar("T")


class Aborted(TrackerError):
    """The user left the file empty or unchanged: nothing is written."""


def editor() -> list[str]:
    """The editor command: ``$VISUAL``, else ``$EDITOR``, else ``vi`` (split as a shell would)."""
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def edit_until_valid(text: str, fmt: str, accept: Callable[[dict[str, Any]], T]) -> T:
    """Open the editor on ``text`` until ``accept`` takes what was saved (its errors reopen the file);
    an empty file, the template unchanged or a file unchanged since an error aborts (``Aborted``)."""
    initial = template.parse(text, fmt)
    handle, name = tempfile.mkstemp(prefix="tracker-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    try:
        path.write_text(text, encoding="utf-8")
        last: str | None = None
        while True:
            _run(path)
            saved = path.read_text(encoding="utf-8")
            body = _content(saved)
            if body == last:
                raise Aborted("the file is unchanged since the error on its first line; nothing written")
            try:
                data = template.parse(saved, fmt)
                if data is None:
                    raise Aborted("the file is empty; nothing written")
                if data == initial:
                    raise Aborted("the template is unchanged; nothing written")
                return accept(data)
            except Aborted:
                raise
            except TrackerError as exc:
                path.write_text(template.with_errors(saved, [str(exc)]), encoding="utf-8")
                last = body
    finally:
        path.unlink(missing_ok=True)


def _content(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()


def _run(path: Path) -> None:
    command = [*editor(), str(path)]
    try:
        done = subprocess.run(command, check=False)
    except OSError as exc:
        raise TrackerError(f"cannot run the editor {command[0]!r} ({exc.strerror}): set VISUAL or EDITOR") from None
    if done.returncode != 0:
        raise TrackerError(f"the editor {command[0]!r} exited with status {done.returncode}; nothing written")
