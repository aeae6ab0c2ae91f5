"""Tracker.dataframe: a pandas DataFrame where pandas is installed, a clear error where it is not."""

from __future__ import annotations

import builtins
import importlib
from typing import Any

import pytest
from sharing_story import story

from tracker.api import Tracker
from tracker.errors import InputError, TrackerError


@pytest.fixture
def told(tracker: Tracker) -> Tracker:
    tracker.append(story())
    return tracker


def test_dataframes(told: Tracker) -> None:
    pytest.importorskip("pandas")
    status = told.dataframe("status", on="2025-03-11")
    assert list(status["proposal"]) == ["alpha-2024", "beta-2025"]
    assert list(status["status"]) == ["rejected", "floated"]
    history = told.dataframe("history", "alpha-2024")
    assert list(history["id"]) == ["a.f", "a.rej"]
    intervals = told.dataframe("intervals", "beta-2025")
    assert list(intervals["status"]) == ["floated", "considering"]
    sources = told.dataframe("sources")
    assert sorted(sources["event_id"]) == ["a.f", "a.rej"]
    with pytest.raises(InputError, match="unknown table"):
        told.dataframe("nope")
    with pytest.raises(InputError, match="needs a proposal"):
        told.dataframe("history")


def test_without_pandas(told: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = importlib.import_module

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", refuse)
    monkeypatch.setattr(builtins, "__import__", _guarded(builtins.__import__))
    with pytest.raises(TrackerError, match="pip install pandas"):
        told.dataframe("status")
    assert told.status()  # everything else still works


def _guarded(original: Any) -> Any:
    def guarded(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("No module named 'pandas'")
        return original(name, *args, **kwargs)

    return guarded
