"""The Python API: ``Tracker(path)``, the library surface that the CLI is a thin layer over."""

from tracker.api.core import future_notes, question
from tracker.api.tracker import Tracker

__all__ = ["Tracker", "future_notes", "question"]
