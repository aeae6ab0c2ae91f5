"""Fuzzing (hypothesis) the import path and the CLI: a clean import or a clean refusal, nothing else.

The strategies live in ``scripts/fuzz.py``, which runs the same checks for much longer.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.core.validate import parse_line
from tracker.errors import InputError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz import batches, fresh, import_once, lines  # noqa: E402
from reliability import chain_problems  # noqa: E402

VALID = b'{"type": "considering", "proposal": "seed-p", "actor": "ukraine", "occurred": "2024-02"}'
QUICK = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=400, deadline=None, database=None)
@given(st.one_of(lines, st.text(max_size=200), st.binary(max_size=200)))
def test_parse_line_returns_an_event_or_one_input_error(raw: str | bytes) -> None:
    try:
        line = parse_line(raw, 7, "f.jsonl")
    except InputError as exc:
        assert str(exc).startswith("f.jsonl:7: ") and "\n" not in str(exc)
    else:
        assert parse_line(line.body).body == line.body  # what is stored parses back to itself


def test_import_path_fuzzed() -> None:
    tally: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fresh(folder / "f.db")
        with Tracker(folder / "f.db") as t:

            @QUICK
            @given(batch=batches)
            # both outcomes on every run: random batches alone sometimes imported nothing (a flaky assert)
            @example(batch=[VALID])
            @example(batch=[VALID[:-1]])  # malformed JSON
            def run(batch: list[bytes]) -> None:
                import_once(t, folder, batch, tally)

            run()
            assert chain_problems(t.store) == []
            assert t.store.projection_differences() == []
    assert sum(tally.values()) >= 100
    assert tally["refused: InputError"] and (tally["imported"] or tally["imported (nothing new)"])


def test_cli_append_fuzzed() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "f.db"
        fresh(db)

        @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(batch=batches)
        def run(batch: list[bytes]) -> None:
            with Tracker(db) as t:
                before = (t.store.count(), t.store.head())
            text = b"\n".join(x.replace(b"\n", b" ").replace(b"\r", b" ") for x in batch).decode("utf-8", "replace")
            result = CliRunner().invoke(app, ["append", "--db", str(db)], input=text)
            assert isinstance(result.exception, SystemExit | None), result.exception
            assert result.exit_code in (0, 1)
            err = result.stderr
            assert "Traceback" not in err, err
            lines = err.splitlines()
            with Tracker(db) as t:
                if result.exit_code == 1:
                    assert all(line.startswith("error: ") for line in lines), err  # one line per bad line
                    assert (t.store.count(), t.store.head()) == before
                else:  # the summary, then one line per warning the new events raised
                    assert lines[0].startswith("appended ") and all(x.startswith("warning: ") for x in lines[1:]), err

        run()
