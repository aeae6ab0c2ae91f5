"""The quick ``tracker status`` path prints exactly what the typer path prints, or leaves it to it.

Each case runs the arguments twice in this process, with ``sys.argv`` and the standard
streams replaced: once through ``quickstatus.answer`` (which may decline) and once through
the typer app (``cli.main``); when the quick path answered, exit code, stdout and stderr
must be byte-identical. Other tests check that the common questions are in fact answered
quickly, and that the quick path's import graph stays free of typer and pydantic.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import cli, entry
from tracker import quick as quickstatus
from tracker.api import Tracker

ROOT = Path(__file__).resolve().parents[1]
Outcome = tuple[object, bytes, bytes]


class _Declined(Exception):
    pass


def run(entry: Callable[[], None], argv: list[str]) -> Outcome:
    """Exit code, stdout and stderr bytes of ``entry()`` run as ``tracker ARGV``."""
    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2))
    saved = sys.argv, sys.stdout, sys.stderr
    sys.argv, sys.stdout, sys.stderr = ["tracker", *argv], out, err
    try:
        entry()
        code: object = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    finally:
        sys.argv, sys.stdout, sys.stderr = saved
    out.flush()
    err.flush()
    return code, out.buffer.getvalue(), err.buffer.getvalue()  # type: ignore[attr-defined]


def quick(argv: list[str]) -> Outcome | None:
    """What the quick path prints, or None if it declines."""

    def entry() -> None:
        code = quickstatus.answer(sys.argv[1:])
        if code is None:
            raise _Declined
        sys.exit(code)

    try:
        return run(entry, argv)
    except _Declined:
        return None


def same(argv: list[str]) -> bool:
    """Assert the quick path agrees with the typer path; True if it answered."""
    fast = quick(argv)
    if fast is None:
        return False
    full = run(cli.main, argv)
    assert fast == full, argv
    return True


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick") / "corpus.db"
    with Tracker(path) as t:
        t.load_corpus()
    return path


def _synthetic() -> Any:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "scripts" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    """A synthetic log (fuzzy dates, late reports, denials, retractions); cut-off days and proposals."""
    folder = tmp_path_factory.mktemp("quick")
    log, path = folder / "log.jsonl", folder / "synthetic.db"
    _synthetic().write(log, 6, 40, seed=11)
    with Tracker(path) as t:
        t.import_file(log)
        days = [r[0] for r in t.store.conn.execute("SELECT DISTINCT occurred_from FROM events ORDER BY 1")]
        slugs = sorted(t.versions())
    return path, days[:: max(1, len(days) // 5)][:5], slugs


PROPOSALS: list[list[str]] = [[], ["istanbul-2022"], ["ru-freeze-2023"], ["no-such-proposal"], [""]]
AXES: list[list[str]] = [
    [],
    ["--on", "2024-02-14"],
    ["--on", "2022-03-01"],
    ["--on", "1999-01-01"],
    ["--known-by", "2024-02-12"],
    ["--known-by", "2022-04"],
    ["--as-recorded", "2000-01-01"],
    ["--as-recorded", "2100-01-01T00:00:00Z"],
    ["--on", "2024-02-14", "--known-by", "2024-02-12"],
    ["--on", "14/02/2024"],
    ["--on", "2024-02-30"],
    ["--as-recorded", "yesterday"],
    ["--on=2024-02-14"],
    ["--on", "2024-02-14", "--on", "2023-01-01"],
]
OUTPUTS: list[list[str]] = [[], ["--json"], ["--no-versions"], ["--json", "--no-versions"], ["--csv"]]
OUTPUTS += [["--json", "--csv"]]


@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda p: p[0] if p else "all")
def test_same_bytes_as_the_typer_path_on_the_corpus(corpus_db: Path, proposal: list[str]) -> None:
    answered = 0
    for axes, output in itertools.product(AXES, OUTPUTS):
        answered += same(["status", *proposal, *axes, *output, "--db", str(corpus_db)])
        answered += same(["status", "--db", str(corpus_db), *output, *axes, *proposal])
    if proposal in ([], ["istanbul-2022"]):
        assert answered >= 30  # the test compares something: most plain questions are answered quickly


def test_same_bytes_on_a_synthetic_log(synthetic_db: tuple[Path, list[str], list[str]]) -> None:
    path, days, slugs = synthetic_db
    stamp = "2000-01-01T00:00:00Z"
    answered = 0
    for proposal, axis, day, output in itertools.product(
        [[], slugs[-1:]], ["--on", "--known-by", "--as-recorded"], days, [[], ["--json"]]
    ):
        answered += same(["status", *proposal, axis, day, *output, "--db", str(path)])
    answered += same(["status", "--as-recorded", stamp, "--db", str(path)])
    assert answered >= len(days) * 12


def test_where_the_database_is_found(
    corpus_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRACKER_DB", str(corpus_db))
    assert same(["status", "--on", "2024-02-14"])
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "missing.db"))
    assert quick(["status"]) is None  # a new file: the typer path creates it
    assert quick(["status", "--db", ""]) is None  # click reads "" as the current folder
    monkeypatch.setenv("TRACKER_DB", "")  # ignored by click, and by the default location
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    assert quick(["status"]) is None  # the first run seeds the default database ...
    first = run(entry.main, ["status", "--on", "2024-02-14"])
    assert first[0] == 0 and b"istanbul-2022" in first[1]
    assert same(["status", "--on", "2024-02-14"])  # ... and later runs answer quickly from it
    assert quick(["status", "--db", str(tmp_path)]) is None  # a folder: the typer path says so


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--on", "2024-02-14"],
        ["status"],
        ["status", "istanbul-2022", "--known-by", "2022-04-01", "--json"],
        ["status", "--as-recorded", "2100-01-01", "--no-versions"],
        ["status", "--versions", "--json", "ru-freeze-2023"],
    ],
)
def test_common_questions_take_the_quick_path(corpus_db: Path, argv: list[str]) -> None:
    assert quick([*argv, "--db", str(corpus_db)]) is not None


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--on", "2024-02-30"],
        ["status", "no-such-proposal"],
        ["status", "--on", "2024-02-14", "--known-by", "2024-02-12"],
        ["status", "--markdown"],
        ["status", "--help"],
        ["status", "--json=yes"],
        ["status", "--on"],
        ["status", "--", "istanbul-2022"],
        ["status", "a", "b"],
        ["log"],
        ["--version"],
        [],
    ],
)
def test_the_entry_point_hands_the_rest_to_typer(corpus_db: Path, argv: list[str]) -> None:
    full = [*argv, "--db", str(corpus_db)] if argv and argv[0] != "--version" else argv
    assert quick(full) is None
    first = run(entry.main, full)  # the first run may seed the default database and say so: the second is quiet
    code, out, err = run(cli.main, full)
    assert first[:2] == (code, out)
    assert b"".join(x for x in first[2].splitlines(True) if not x.startswith(b"note: first use")) == err


TOKENS = [
    "--on",
    "--known-by",
    "--as-recorded",
    "--json",
    "--versions",
    "--no-versions",
    "--csv",
    "--markdown",
    "2024-02-14",
    "2022-04",
    "2022-03-29",
    "2030-01-01T00:00:00Z",
    "istanbul-2022",
    "ru-freeze-2023",
    "nope",
    "--on=2024-02-14",
    "-x",
    "--",
    "",
]


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), max_size=6))
def test_any_arguments_same_bytes_or_declined(corpus_db: Path, tokens: list[str]) -> None:
    same(["status", *tokens, "--db", str(corpus_db)])



def test_a_file_the_store_would_rebuild_or_extend_is_left_to_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Tracker(path) as t:
        t.load_corpus()
    argv = ["status", "--on", "2024-02-14", "--db", str(path)]
    assert quick(argv) is not None
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'projections'")  # an older projection format
    conn.close()
    assert quick(argv) is None
    assert run(cli.main, argv)[0] == 0  # the store rebuilds the projections on open ...
    assert same(argv)  # ... and the quick path answers again
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE interval_streams")  # a file from before the intervals projection
    conn.close()
    assert quick(argv) is None
    assert run(cli.main, argv)[0] == 0
    assert same(argv)


# A status answer must not pull these in: they are what made the script slow to start.
SLOW = ["typer", "click", "rich", "pydantic", "pydantic_core", "sqlite_utils", "edtf", "tracker.core.events"]
SLOW += ["tracker.store.log", "tracker.api", "tracker.cli", "tracker.store.verify"]
SLOW += ["tracker.views.timeline", "tracker.views.exports"]


def _loaded(code: str, home: Path) -> set[str]:
    """The modules loaded after running ``code`` in a fresh interpreter (it prints them to stderr)."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return set(done.stderr.split())


def test_the_quick_path_imports_neither_typer_nor_pydantic(corpus_db: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from tracker.quick import answer\n"
        f"assert answer(['status', '--on', '2024-02-14', '--db', {str(corpus_db)!r}]) == 0\n"
        "print(*sys.modules, file=sys.stderr)\n"
    )
    loaded = _loaded(code, tmp_path)
    assert "tracker.quick" in loaded and "sqlite3" in loaded
    assert sorted(loaded & set(SLOW)) == []


def test_the_typer_status_path_imports_only_what_status_needs(corpus_db: Path, tmp_path: Path) -> None:
    argv = ["tracker", "status", "--on", "2024-02-14", "--known-by", "2024-02-12", "--db", str(corpus_db)]
    code = (
        "import sys\n"
        f"sys.argv = {argv!r}\n"
        "from tracker.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code in (0, None)\n"
        "print(*sys.modules, file=sys.stderr)\n"
    )
    loaded = _loaded(code, tmp_path)
    assert "typer" in loaded and "tracker.store.log" in loaded
    lazy = ["rich", "sqlite_utils", "edtf", "tracker.core.audit", "tracker.core.diff", "tracker.core.provenance"]
    lazy += ["tracker.views.exports"]
    lazy += ["tracker.views.timeline", "tracker.views.audit_text"]
    assert sorted(loaded & set(lazy)) == []
