"""A light progress bar for long imports: drawn on a terminal's stderr, silent anywhere else."""

from __future__ import annotations

from typing import TextIO


class Bar:
    """Redraws ``label [#####.....]  42%  1.2/2.9 MB`` in place, only when the percentage moves."""

    def __init__(self, stream: TextIO, label: str = "importing", width: int = 30) -> None:
        self.stream = stream
        self.label = label
        self.width = width
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        """Hear progress (bytes read of the total); draw if a new whole percent was reached."""
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%  {done / 1e6:.1f}/{total / 1e6:.1f} MB")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line (if one was drawn)."""
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def bar_for(stream: TextIO, label: str = "importing") -> Bar | None:
    """A bar on ``stream`` if it is a terminal, else None (piped output stays quiet)."""
    isatty = getattr(stream, "isatty", None)
    return Bar(stream, label) if isatty is not None and isatty() else None
