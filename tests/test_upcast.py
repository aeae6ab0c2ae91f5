"""Schema evolution: old event bodies load through upcasters; the frozen fixture imports forever."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.core.events import SCHEMA_VERSION, canonical_json
from tracker.core.upcast import UPCASTERS, check_version, load, upcast
from tracker.errors import InputError, StoreError
from tracker.store.log import COLUMNS, GENESIS, row_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from reliability import chain_problems  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1 = FIXTURES / "events_v1.jsonl"
V0 = FIXTURES / "events_v0.jsonl"
FROZEN = {
    V1: "97c1285f94d21f3f5d8aa00f1df8a320ec5fda4b48987eee98979de3b682aaba",
    V0: "6ebbc5e51c413cad8614a63bf42a7ea70d89f102740f53cce4f47d4c6fb39c04",
}

# (on, proposal) -> (status, stances, disputed, may also count): what the frozen story says.
EXPECTED = {
    ("2023-12-31", "fx-counter"): (
        "rejected", {"alpha": "rejected", "beta": "proposed"}, False, ["fx-counter-collapsed"]
    ),
    ("2024-01-12", "fx-truce"): ("floated", {"alpha": "proposed"}, False, []),
    ("2024-01-20", "fx-truce"): ("considering", {"alpha": "proposed", "beta": "considering"}, False, []),
    ("2024-02-21", "fx-truce"): ("considering", {"alpha": "proposed", "beta": "considering"}, False, ["fx-accepted"]),
    ("2024-02-21", "fx-counter"): ("collapsed", {"alpha": "rejected", "beta": "proposed"}, False, []),
    # beta accepted (an agreement, in force), then reversed to rejected: read as terminating it (issue 14)
    ("2024-03-15", "fx-truce"): ("terminated", {"alpha": "proposed", "beta": "terminated"}, True, []),
    ("2024-05-01", "fx-truce"): ("terminated", {"alpha": "terminated", "beta": "terminated"}, True, []),
}


def _answers(t: Tracker) -> dict[tuple[str, str], tuple[object, ...]]:
    out = {}
    for on in sorted({on for on, _ in EXPECTED}):
        for a in t.status(on=on):
            stances = {actor: e["stance"] for actor, e in a.state["stances"].items()}
            out[(on, a.proposal)] = (a.state["status"], stances, a.state["disputed"], list(a.uncertain))
    return out


def _check_answers(t: Tracker) -> None:
    answers = _answers(t)
    for key, expected in EXPECTED.items():
        assert answers[key] == expected, key


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("path", [V1, V0], ids=["v1", "v0"])
def test_fixtures_are_frozen(path: Path) -> None:
    """These files are a promise to users: never edit them; add a new fixture for a new version."""
    assert _digest(path) == FROZEN[path]


def test_frozen_v1_fixture_imports_and_answers(db_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(V1), "--db", str(db_path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("appended 12 event(s), skipped 0")
    with Tracker(db_path) as t:
        _check_answers(t)
        assert t.versions() == {"fx-truce": 9, "fx-counter": 3}
        assert [e.id for e in t.history("fx-truce") if e.seq is not None] == [
            "fx-floated", "fx-considering", "fx-accepted", "fx-denied", "fx-reversed", "fx-withdrawn"
        ]
        again = t.import_file(V1)
        assert (again.added, again.skipped) == (0, 12)


def test_v0_lines_upcast_to_exactly_the_v1_events(tmp_path: Path) -> None:
    with Tracker(tmp_path / "v1.db") as t1, Tracker(tmp_path / "v0.db") as t0:
        t1.import_file(V1)
        t0.import_file(V0)
        assert [r[14] for r in t0.store.rows()] == [r[14] for r in t1.store.rows()]
        assert {r[13] for r in t0.store.rows()} == {SCHEMA_VERSION}  # stored in today's form
        _check_answers(t0)
        assert t0.import_file(V1).added == 0  # the same events, already recorded


def _downgrade(body: dict[str, Any]) -> dict[str, Any]:
    """Today's body in the version-0 field names (the inverse of the 0 -> 1 upcaster)."""
    names = {"type": "kind", "actor": "party", "occurred": "date", "reported": "published"}
    out = {names.get(k, k): v for k, v in body.items()}
    if "sources" in out:
        out["sources"] = [{{"title": "headline", "published": "date"}.get(k, k): v for k, v in s.items()}
                          for s in out["sources"]]
    if "replacement" in out:
        out["replacement"] = _downgrade(out["replacement"])
    return out


def test_stored_rows_of_an_old_version_are_upcast_on_read(tmp_path: Path) -> None:
    """A log written by an older tracker: bodies stay as stored (and hashed), read through upcasters."""
    with Tracker(tmp_path / "v1.db") as t1:
        t1.import_file(V1)
        template = list(t1.store.rows())
    with Tracker(tmp_path / "old.db") as old:
        prev = GENESIS
        rows = []
        for row in template:  # what a version-0 tracker would have stored: its canonical body
            text = canonical_json(_downgrade(json.loads(str(row[14]))))
            digest = row_hash(prev, int(str(row[0])), str(row[12]), 0, text)
            rows.append((*row[:13], 0, text, prev, digest))
            prev = digest
        marks = ",".join("?" * len(COLUMNS))
        old.store.conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
        old.store.rebuild()
        assert {r[13] for r in old.store.rows()} == {0}
        assert chain_problems(old.store) == []
        assert old.store.projection_differences() == []
        verification = old.verify()
        assert verification.ok, verification.faults
        _check_answers(old)
        with Tracker(tmp_path / "v1.db") as t1:
            assert [r.event for r in old.store.records()] == [r.event for r in t1.store.records()]


def test_every_older_version_has_an_upcaster() -> None:
    assert set(UPCASTERS) == set(range(SCHEMA_VERSION))


def test_upcast_renames_nested_fields() -> None:
    v0 = {"kind": "amended", "party": "a", "date": "2024", "target": "x", "reason": "r",
          "sources": [{"outlet": "o", "headline": "h", "date": "2024-01-02"}],
          "replacement": {"kind": "accepted", "party": "a", "date": "2024", "published": "2024-02"}}
    assert upcast(v0, 0) == {
        "type": "amended", "actor": "a", "occurred": "2024", "target": "x", "reason": "r",
        "sources": [{"outlet": "o", "title": "h", "published": "2024-01-02"}],
        "replacement": {"type": "accepted", "actor": "a", "occurred": "2024", "reported": "2024-02"},
    }


@pytest.mark.parametrize("version", [-1, SCHEMA_VERSION + 1, "1", 1.0, True, None])
def test_unknown_versions_are_refused(version: object) -> None:
    with pytest.raises(InputError, match="unknown schema version"):
        check_version(version)


def test_a_stored_version_newer_than_this_tracker_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="newer than this tracker reads"):
        load('{"type": "floated"}', SCHEMA_VERSION + 1)
