"""The Python API: ``Tracker(path)``, the library surface that the CLI is a thin layer over."""

from tracker.api.tracker import Tracker, future_notes, question

__all__ = ["Tracker", "future_notes", "question"]
