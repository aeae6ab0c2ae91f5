"""Shared fixtures: every test gets its own database and never touches the user's home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.api import Tracker


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TRACKER_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new, empty database."""
    return tmp_path / "t.db"


@pytest.fixture
def tracker(db_path: Path) -> Iterator[Tracker]:
    """An empty tracker."""
    with Tracker(db_path) as t:
        yield t


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Tracker]:
    """A tracker holding the bundled corpus."""
    with Tracker(tmp_path / "corpus.db") as t:
        t.load_corpus()
        yield t


# The suite's property tests draw the same examples on every run (``derandomize``): a CI run is
# reproducible and never fails on a seed nobody can replay. Long random searches are scripts'
# work (scripts/fuzz.py, scripts/mutate.py); HYPOTHESIS_PROFILE=random restores random draws.
from hypothesis import settings as _settings  # noqa: E402

_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
_settings.register_profile("random", deadline=None, print_blob=True)
_settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as wide as their rows and without colour, whatever the developer's shell exports
    (``text.terminal``); a test that wants a width sets ``COLUMNS`` itself."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
