"""Where the bundled corpus lives: inside the installed package, or in the source tree."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path:
    """The folder of bundled JSONL stories (``tracker/corpus`` in a wheel, ``events/`` in a checkout)."""
    for candidate in (_HERE / "corpus", _HERE.parent / "events"):
        if candidate.is_dir() and any(candidate.glob("*.jsonl")):
            return candidate
    raise FileNotFoundError("the bundled events/ corpus is missing from this installation")


def corpus_files() -> list[Path]:
    """The bundled JSONL files, in name order."""
    return sorted(corpus_dir().glob("*.jsonl"))
