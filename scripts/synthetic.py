"""A seeded generator of a realistic synthetic log, written as JSONL with flat memory.

N proposals x M events each, interleaved as a feed would deliver them: every proposal
is floated first (to one to three addressees, sometimes through mediators; a third with terms:
in force from a day, for 30 days to two months), then parties consider, accept, sign, reject,
reverse, deny and withdraw, and once agreed it takes effect, is extended, suspended and resumed,
accused of violations, claimed about, endorsed; some proposals collapse or are terminated. Dates are
fuzzy EDTF in the real proportions (days, months, seasons, ``~`` years, intervals), most
events are reported within days but some months later (late reports about the past),
some never; about 1% are retracted and 1% amended later in the feed.

    python scripts/synthetic.py 100 100 /tmp/log.jsonl --seed 7
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PARTIES = [f"party-{i}" for i in range(40)]
OUTLETS = ["Reuters", "AP", "Kyiv Independent", "Meduza", "Al Jazeera", "BBC", "Le Monde", "NYT"]
START = date(2014, 1, 1)


def _fuzzy(rng: random.Random, day: date) -> str:
    """An EDTF text around ``day``: mostly plain days, then months, seasons, intervals, years."""
    roll = rng.random()
    if roll < 0.62:
        return day.isoformat()
    if roll < 0.82:
        return f"{day.year:04d}-{day.month:02d}"
    if roll < 0.88:
        return f"{day.year:04d}-{21 + (day.month % 12) // 3:02d}" if day.month not in (12, 1, 2) else day.isoformat()
    if roll < 0.94:
        end = day + timedelta(days=rng.randint(3, 60))
        return f"{day.isoformat()}/{end.isoformat()}"
    if roll < 0.97:
        return f"{day.isoformat()}?"
    return f"{day.year:04d}~"


def _report(rng: random.Random, occurred: str, day: date) -> str | None:
    """When it became public: usually days later, sometimes months (late), sometimes never said."""
    roll = rng.random()
    if roll < 0.1:
        return None
    lag = rng.randint(0, 5) if roll < 0.8 else rng.randint(60, 400)
    latest = _latest(occurred)
    return max(day + timedelta(days=lag), latest).isoformat()


def _latest(text: str) -> date:
    from tracker.core.dates import bounds

    return date.fromisoformat(bounds(text).latest)


class _Proposal:
    """The running story of one proposal (small: its parties and its clock)."""

    def __init__(self, seed: int, index: int, length: int) -> None:
        self.rng = random.Random(seed * 1_000_003 + index)
        self.slug = f"proposal-{index:06d}"
        parties = self.rng.sample(PARTIES, 4)
        self.proposer, self.addressees = parties[0], parties[1 : 1 + self.rng.randint(1, 3)]
        self.day = START + timedelta(days=self.rng.randint(0, 3000))
        self.ids: list[str] = []
        self.world: list[str] = []
        self.corrected: set[str] = set()
        self.length = length

    def event(self, k: int) -> dict[str, Any]:
        rng = self.rng
        self.day += timedelta(days=rng.randint(0, 9))
        occurred = _fuzzy(rng, self.day)
        eid = f"{self.slug}.{k}"
        base: dict[str, Any] = {"id": eid, "proposal": self.slug, "occurred": occurred}
        if k == 0:
            base.update(type="floated", actor=self.proposer, addressees=self.addressees, channel="public")
            if rng.random() < 0.3:
                base["mediators"] = [rng.choice(PARTIES)]
            if rng.random() < 0.3:  # a ceasefire with terms: in force from a day, for a while
                start = self.day + timedelta(days=rng.randint(10, 60))
                base["effective"] = start.isoformat() if rng.random() < 0.8 else f"{start.year:04d}-{start.month:02d}"
                base["duration"] = rng.choice(["P30D", "P60D", "P2M", "PT72H"])
        else:
            roll = rng.random()
            candidates = [i for i in self.world[-50:] if i not in self.corrected]
            if roll < 0.01 and candidates:
                target = rng.choice(candidates)
                self.corrected.add(target)
                base.update(type="retracted", actor="editor", target=target, reason="the source was unreliable")
                base["occurred"] = self.day.isoformat()
            elif roll < 0.02 and candidates:
                target = rng.choice(candidates)
                self.corrected.add(target)
                replacement = {"type": "considering", "proposal": self.slug, "actor": rng.choice(self.addressees)}
                replacement["occurred"] = self.day.isoformat()
                base.update(type="amended", actor="editor", target=target, reason="date corrected")
                base.update(replacement=replacement)
                base["occurred"] = self.day.isoformat()
            else:
                ending = k >= self.length * 0.9  # talks end, if at all, near the end of the stream
                kind = rng.choices(
                    ["considering", "accepted", "rejected", "denied", "reversed", "withdrawn", "collapsed",
                     "signed", "took_effect", "extended", "suspended", "resumed", "violation_alleged", "claimed",
                     "endorsed", "terminated"],
                    weights=[30, 20, 15, 12, 15, 5, 3 if ending else 0, 4, 2, 3, 2, 2, 5, 2, 1, 1 if ending else 0],
                )[0]  # fmt: skip
                actor = rng.choice(
                    self.addressees if kind == "withdrawn" and not ending else [*self.addressees, self.proposer]
                )
                base.update(type=kind, actor=actor)
                if kind == "reversed":
                    base["stance"] = rng.choice(["considering", "accepted", "rejected"])
                if kind == "denied" and rng.random() < 0.5:
                    base["target"] = rng.choice(self.ids)
                if kind == "extended":
                    base["duration"] = rng.choice(["P30D", "P2M"])
                if kind in ("suspended", "resumed"):
                    base["scope"] = rng.choice(["participation", "implementation", "talks"])
                if kind == "violation_alleged":
                    base["accused"] = [rng.choice([p for p in [*self.addressees, self.proposer] if p != actor])]
                    base["incident"] = base["occurred"]
                if kind == "claimed":
                    base.update(actor=rng.choice(PARTIES), about=rng.choice(self.addressees), claim="agreed to it")
                self.world.append(eid)
        reported = _report(rng, base["occurred"], self.day)
        if reported is not None:
            base["reported"] = reported
            if rng.random() < 0.5:
                source = {"outlet": rng.choice(OUTLETS), "title": f"Talks on {self.slug}, update {k}"}
                base["sources"] = [{**source, "published": reported}]
        self.ids.append(eid)
        return base


def events(proposals: int, per_proposal: int, seed: int = 7, big: int = 0) -> Iterator[dict[str, Any]]:
    """The feed: round k carries the k-th event of every proposal; ``big`` adds one long stream."""
    stories = [_Proposal(seed, i, per_proposal) for i in range(proposals)]
    giant = _Proposal(seed, 999_999, big) if big else None
    rounds = max(per_proposal, big)
    for k in range(rounds):
        if k < per_proposal:
            for story in stories:
                yield story.event(k)
        if giant is not None and k < big:
            yield giant.event(k)


def write(path: Path, proposals: int, per_proposal: int, seed: int = 7, big: int = 0) -> int:
    """Write the feed as JSONL; return the number of events."""
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for e in events(proposals, per_proposal, seed, big):
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
            n += 1
    return n


if __name__ == "__main__":
    args = sys.argv[1:]
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    print(write(Path(args[2]), int(args[0]), int(args[1]), seed), "events")
