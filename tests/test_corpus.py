"""Acceptance: the bundled corpus read like a user would, on the dates the issue names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.api import Tracker
from tracker.core.replay import Answer
from tracker.core.validate import parse_line
from tracker.store.corpus import corpus_files

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def by_proposal(t: Tracker, **q: str) -> dict[str, Answer]:
    return {a.proposal: a for a in t.status(**q)}


def test_required_proposals_present(corpus: Tracker) -> None:
    assert {"istanbul-2022", "ru-armistice-signals-2022", "ru-freeze-2023", "us-ua-30day-2025"} <= set(
        corpus.store.proposals()
    )


def test_every_event_cites_a_source_with_a_quote() -> None:
    for path in corpus_files():
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            event = parse_line(raw, n, str(path)).event
            assert event.sources, f"{path.name}:{n} cites nothing"
            assert all(s.quote for s in event.sources), f"{path.name}:{n} has a source without a quote"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside this checkout")
def test_quotes_appear_in_the_seed_articles() -> None:
    def norm(s: str) -> str:
        return " ".join(
            s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"').split()
        )

    seeds = norm(" ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")))
    for path in corpus_files():
        if path.name == "yemen-truce-2022.jsonl":  # not from the seeds: its quotes are checked in test_yemen.py
            continue
        for raw in path.read_text(encoding="utf-8").splitlines():
            for source in json.loads(raw).get("sources", []):
                quote = norm(source["quote"]).rstrip(".")
                assert quote[:60] in seeds, f"{path.name}: quote not found in the seeds: {quote[:60]!r}"


def test_ru_freeze_known_by_feb_12_shows_offer_not_rejection(corpus: Tracker) -> None:
    a = by_proposal(corpus, known_by="2024-02-12")["ru-freeze-2023"]
    assert a.state["status"] == "floated"
    assert set(a.state["stances"]) == {"russia"}


def test_ru_freeze_known_by_feb_13_rejected_and_disputed(corpus: Tracker) -> None:
    a = by_proposal(corpus, known_by="2024-02-13")["ru-freeze-2023"]
    assert a.state["status"] == "rejected"
    assert a.state["stances"]["united-states"]["stance"] == "rejected"
    assert [d["actor"] for d in a.state["denials"]] == ["united-states"]


def test_ru_freeze_on_feb_14_both_denials(corpus: Tracker) -> None:
    a = by_proposal(corpus, on="2024-02-14")["ru-freeze-2023"]
    assert a.state["status"] == "rejected" and a.state["disputed"]
    assert sorted(d["actor"] for d in a.state["denials"]) == ["russia", "united-states"]


def test_ru_freeze_mid_january_is_uncertain_not_guessed(corpus: Tracker) -> None:
    a = by_proposal(corpus, on="2024-01-15")["ru-freeze-2023"]
    assert "ru-freeze-2023.us-rejects" in a.uncertain
    assert "united-states" not in a.state["stances"]


def test_istanbul_reached_in_principle_then_collapsed(corpus: Tracker) -> None:
    mid_april = by_proposal(corpus, on="2022-04-15")["istanbul-2022"]
    assert mid_april.state["status"] == "considering"  # a deal in principle, never an agreement in force
    assert "istanbul-2022.collapsed" in mid_april.uncertain
    assert by_proposal(corpus, on="2022-06-01")["istanbul-2022"].state["status"] == "collapsed"


def test_thirty_day_proposal_considered_by_kremlin(corpus: Tracker) -> None:
    assert "us-ua-30day-2025" not in by_proposal(corpus, on="2025-03-10")
    a = by_proposal(corpus, on="2025-03-12")["us-ua-30day-2025"]
    assert a.state["status"] == "considering"
    assert a.state["stances"]["russia"]["stance"] == "considering"
    assert by_proposal(corpus, on="2025-03-11")["us-ua-30day-2025"].state["status"] == "floated"


def test_corpus_replays_without_warnings(corpus: Tracker) -> None:
    for a in corpus.status():
        assert a.state["warnings"] == [], a.proposal


def test_loading_twice_adds_nothing(corpus: Tracker) -> None:
    assert corpus.load_corpus().added == 0
