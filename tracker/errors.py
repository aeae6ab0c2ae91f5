"""The small family of errors a user can cause; only the CLI turns them into messages."""

from __future__ import annotations


class TrackerError(Exception):
    """A user-facing error, optionally placed at a file, a line and a field."""

    def __init__(
        self, message: str, *, file: str | None = None, line: int | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def located(self, *, file: str | None = None, line: int | None = None) -> TrackerError:
        """The same error, placed at a file and line if it was not placed yet."""
        self.file = self.file or file
        self.line = self.line if self.line is not None else line
        return self

    def __str__(self) -> str:
        if self.file is None and self.line is not None:
            where = f"line {self.line}"
        else:
            where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        field = f"field '{self.field}': " if self.field else ""
        return _one_line(f"{where + ': ' if where else ''}{field}{self.message}")


def _one_line(text: str) -> str:
    # Field names and values come from the input: a newline in one must not split the error.
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InputError(TrackerError):
    """An event or a question that is not well formed."""


class RuleError(TrackerError):
    """A well-formed event that the log refuses (never floated, unknown target, ...)."""


class ConflictError(TrackerError):
    """Someone else wrote first: an id already used, or an unexpected stream version."""


class NotFoundError(TrackerError):
    """A proposal or event that the log does not hold."""


class StoreError(TrackerError):
    """The database cannot be opened, read or written."""


class Interrupted(StoreError):
    """Ctrl-C during a write: the message says what of the batch was kept."""


class ManyErrors(InputError):
    """Several bad rows of one batch, reported together: one line each (the first ``errors`` of ``count``).

    It carries the first error's file, line and field, so code that reads one error still can.
    """

    def __init__(self, errors: list[TrackerError], count: int) -> None:
        first = errors[0]
        super().__init__(first.message, file=first.file, line=first.line, field=first.field)
        self.errors = errors
        self.count = count

    def __str__(self) -> str:
        lines = [str(error) for error in self.errors]
        if self.count > len(self.errors):
            lines.append(f"... and {self.count - len(self.errors)} more")
        lines.append(f"{self.count} errors in all; nothing was written")
        return "\n".join(lines)
