"""Mutation check of the rule book: plant one one-line bug at a time in tracker/core/rules.py, run the tests.

The repository's tracked files (``git ls-files``) are copied into a temporary directory once;
each mutation is applied to a fresh copy of ``rules.py`` there, never to the working tree this
is run from. A mutation is an exact (old line, new line) replacement: the script stops with an
error if an old line is missing or not unique, so that the list follows the rule book.

    python scripts/mutate.py            # every mutation: a table, then "caught N of M"
    python scripts/mutate.py --list     # the mutations only
    python scripts/mutate.py -k terms   # the mutations whose name contains "terms"

Exit status 0 whatever the figure; 2 if the set-up fails (a stale mutation, git missing).
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
TARGET = "tracker/core/rules.py"
TESTS = [
    "tests/test_rules.py",
    "tests/test_coproposers.py",
    "tests/test_properties.py",
    "tests/test_golden.py",
    "tests/test_replay.py",
    "tests/test_corpus.py",
    "tests/test_projections.py",
    "tests/test_audit.py",
    "tests/test_lifecycle.py",
]
"""Fast tests first, so that ``-x`` stops early on a caught mutation."""


class Mutation(NamedTuple):
    """One planted bug: ``old`` (a whole line of the rule book) becomes ``new``."""

    name: str
    old: str
    new: str


STANCE_LINE = (
    '    state["stances"] = {**state["stances"], '
    'actor: {"stance": stance, "event": e["id"], "occurred": e["occurred"]}}'
)

MUTATIONS = [
    # floated
    Mutation(
        "re-float erases terms",
        '    state["channel"] = e.get("channel", "public")',
        '    state["channel"], state["terms"] = e.get("channel", "public"), None',
    ),
    Mutation(
        "re-float keeps the old terms",
        '    state["channel"] = e.get("channel", "public")',
        '    state["channel"], e = e.get("channel", "public"), {**e, "terms": None if state["terms"] else e.get("terms")}',  # noqa: E501
    ),
    Mutation(
        "mediators do not accumulate",
        '    state["mediators"] = tuple(dict.fromkeys((*state["mediators"], *e.get("mediators", ()))))',
        '    state["mediators"] = tuple(e.get("mediators", ()))',
    ),
    Mutation(
        "addressees do not accumulate",
        '    state["addressees"] = tuple(dict.fromkeys((*state["addressees"], *e.get("addressees", ()))))',
        '    state["addressees"] = tuple(e.get("addressees", ()))',
    ),
    Mutation(
        "channel not updated by a re-float",
        '    state["channel"] = e.get("channel", "public")',
        '    state["channel"] = state["channel"] or e.get("channel", "public")',
    ),
    Mutation(
        "proposer stays the first one",
        '    state["proposer"] = e["actor"]',
        '    state["proposer"] = state["proposer"] or e["actor"]',
    ),
    Mutation(
        "floated_by stays the first float",
        '    state["floated_by"] = e["id"]',
        '    state["floated_by"] = state["floated_by"] or e["id"]',
    ),
    Mutation("re-float does not reopen", '    state["closure"] = None', "    pass"),
    Mutation("re-float keeps closed_by", '    state["closed_by"] = None', "    pass"),
    Mutation(
        "no re-float warning",
        "        _warn(state, f\"{e['id']}: floated again (re-floated; a closed proposal reopens)\")",
        "        pass",
    ),
    # stances
    Mutation(
        "stance keeps its first event",
        STANCE_LINE,
        '    state["stances"] = {**state["stances"], actor: {"stance": stance, "event": before["event"] if before else e["id"], "occurred": e["occurred"]}}',  # noqa: E501
    ),
    Mutation(
        "stance dated by its report",
        STANCE_LINE,
        '    state["stances"] = {**state["stances"], actor: {"stance": stance, "event": e["id"], "occurred": e.get("reported") or e["occurred"]}}',  # noqa: E501
    ),
    Mutation(
        "stance change loses its before",
        '    _change(changes, e, f"stance.{actor}", before["stance"] if before else None, stance)',
        '    _change(changes, e, f"stance.{actor}", None, stance)',
    ),
    Mutation(
        "rejection recorded as withdrawal",
        '    stance = "countered" if kind == "counter_proposed" else kind',
        '    stance = "countered" if kind == "counter_proposed" else kind.replace("rejected", "withdrawn")',
    ),
    Mutation(
        "reversal to withdrawn recorded as rejected",
        '    _set_stance(state, e, e["stance"], changes)',
        '    _set_stance(state, e, "rejected" if e["stance"] == "withdrawn" else e["stance"], changes)',
    ),
    Mutation(
        "reversal warning flipped",
        '    if e["actor"] not in state["stances"]:',
        '    if e["actor"] in state["stances"]:',
    ),
    Mutation(
        "the proposer counts as unaddressed",
        '    elif state["addressees"] and e["actor"] not in state["addressees"] and e["actor"] not in _proposers(state):',  # noqa: E501
        '    elif state["addressees"] and e["actor"] not in state["addressees"]:',
    ),
    Mutation(
        "no warning before the float",
        '    if state["proposer"] is None:',
        '    if state["proposer"] is None and False:',
    ),
    # denials
    Mutation(
        "denial drops person",
        '    denial = {"actor": e["actor"], "person": e.get("person"), "target": e.get("target")}',
        '    denial = {"actor": e["actor"], "person": None, "target": e.get("target")}',
    ),
    Mutation(
        "denial drops target",
        '    denial = {"actor": e["actor"], "person": e.get("person"), "target": e.get("target")}',
        '    denial = {"actor": e["actor"], "person": e.get("person"), "target": None}',
    ),
    Mutation(
        "denials do not accumulate",
        '    state["denials"] = push(state["denials"], {**denial, "event": e["id"], "occurred": e["occurred"]})',
        '    state["denials"] = push(None, {**denial, "event": e["id"], "occurred": e["occurred"]})',
    ),
    Mutation(
        "denial does not dispute", '    state["disputed"] = True', '    state["disputed"] = bool(state["disputed"])'
    ),
    Mutation("disputed change every time", '    if not state["disputed"]:', "    if True:"),
    # closures
    Mutation(
        "withdrawal by another party closes",
        '    if e["actor"] == state["proposer"]:',
        '    if e["actor"] != state["proposer"]:',
    ),
    Mutation(
        "collapse named as withdrawal",
        '    "collapsed": _closed_as("collapsed"),',
        '    "collapsed": _closed_as("withdrawn"),',
    ),
    Mutation(
        "a closure names the previous event",
        '        state["closure"], state["closed_by"] = closure, e["id"]',
        '        state["closure"], state["closed_by"] = closure, state["last_event"]',
    ),
    Mutation(
        "a denial after close warns",
        'OPEN_AFTER_CLOSE = ("floated", "denied", "violation_alleged", "violation_confirmed", "claimed", "endorsed",',
        'OPEN_AFTER_CLOSE = ("floated", "violation_alleged", "violation_confirmed", "claimed", "endorsed",',
    ),
    Mutation(
        "no warning after close",
        "    if closure is not None and not quiet:",
        '    if closure is not None and not quiet and kind != "considering":',
    ),
    # apply
    Mutation(
        "version skips denials",
        '    new["version"] += 1',
        '    new["version"] += kind != "denied"',
    ),
    Mutation(
        "version off by one",
        '    new["version"] += 1',
        '    new["version"] = state["version"] + 1 + (state["version"] == 0)',
    ),
    Mutation(
        "last_event stays the first event",
        '    new["last_event"] = e["id"]',
        '    new["last_event"] = state["last_event"] or e["id"]',
    ),
    Mutation(
        "first status change not reported",
        "    if after != before:",
        "    if after != before and before is not None:",
    ),
    # KIND_RANK
    Mutation("withdrawal after collapse on one day", '    "withdrawn": 50,', '    "withdrawn": 65,'),
    Mutation("denial before answers on one day", '    "denied": 32,', '    "denied": 12,'),
    Mutation("floated after considering on one day", '    "floated": 0,', '    "floated": 11,'),
    Mutation("took effect before the acceptance on one day", '    "took_effect": 25,', '    "took_effect": 5,'),
    # derive_status and who counts
    Mutation("a closure does not set the status", "    if closure is not None:", '    if closure == "collapsed":'),
    Mutation(
        "withdrawal from the process is no rejection",
        '    if "rejected" in held or "withdrawn" in held:',
        '    if "rejected" in held:',
    ),
    Mutation(
        "partial acceptance is an agreement",
        '    if any(p not in stances or stances[p]["stance"] not in ACCEPTING for p in counting):',
        '    if all(p not in stances or stances[p]["stance"] not in ACCEPTING for p in counting):',
    ),
    Mutation(
        "no parties counts as agreed",
        '    if not counting or state["floated_by"] is None:',
        '    if state["floated_by"] is None:',
    ),
    Mutation(
        "mediators count when nobody is addressed",
        '    return head + tuple(p for p in state["stances"] if p not in proposers and p not in roles)',
        '    return head + tuple(p for p in state["stances"] if p not in proposers)',
    ),
    Mutation(
        "two vague ends joined as text",
        '        state["ends"] = terms.between(ends[0], ends[-1]) if "T" not in ends[0] + ends[-1] else ends[-1]',
        '        state["ends"] = f"{ends[0]}/{ends[-1]}" if "T" not in ends[0] + ends[-1] else ends[-1]',
    ),
    # co-proposers
    Mutation(
        "co-proposers take no stance",
        '            _set_stance(state, e, "proposed", changes, party)',
        "            pass",
    ),
    Mutation(
        "co-proposers do not accumulate",
        '    joint = dict.fromkeys((*state["co_proposers"], *e.get("co_proposers", ())))',
        '    joint = dict.fromkeys(e.get("co_proposers") or ())',
    ),
    Mutation(
        "the actor is its own co-proposer",
        '    state["co_proposers"] = tuple(p for p in joint if p != e["actor"])',
        '    state["co_proposers"] = tuple(joint)',
    ),
    Mutation(
        "co-proposers count as answering parties",
        "    return tuple(p for p in required(state) if p not in proposers)",
        '    return tuple(p for p in required(state) if p != state["proposer"])',
    ),
    Mutation(
        "co-proposers are not required",
        '    return ((proposer,) if proposer is not None else ()) + state["co_proposers"]',
        "    return (proposer,) if proposer is not None else ()",
    ),
    Mutation(
        "endorsers count when nobody is addressed",
        '    roles = (*state["mediators"], *state["endorsers"])',
        '    roles = state["mediators"]',
    ),
    Mutation(
        "required_parties ignored",
        '        state["required"] = tuple(e["required_parties"])',
        "        pass",
    ),
    Mutation(
        "partial acceptance is not considering",
        '    if "considering" in held or "accepted" in held or "signed" in held or "participating" in held:',
        '    if "considering" in held:',
    ),
    Mutation(
        "signing is no acceptance",
        'ACCEPTING = ("accepted", "signed", "participating")',
        'ACCEPTING = ("accepted", "participating")',
    ),
    # the agreement phase: terms and status_at
    Mutation(
        "in force a day late (< for <=)",
        "    if start is None or start[1] <= day:",
        "    if start is None or start[1] < day:",
    ),
    Mutation(
        "expired a day late (< for <=)",
        "        if expiry[1] <= day:",
        "        if expiry[1] < day:",
    ),
    Mutation(
        "a straddling end applied (expiry bounds swapped)",
        "        if expiry[1] <= day:",
        "        if expiry[0] <= day:",
    ),
    Mutation(
        "a straddling effective applied (start bounds swapped)",
        "    if start is None or start[1] <= day:",
        "    if start is None or start[0] <= day:",
    ),
    Mutation(
        "in force from the agreement, not from effective",
        '    effective = state["effective"] or state["agreed_on"]',
        '    effective = state["agreed_on"] or state["effective"]',
    ),
    Mutation(
        "the agreement dated by its report",
        '    state["agreed_on"] = e["occurred"]',
        '    state["agreed_on"] = e.get("reported") or e["occurred"]',
    ),
    Mutation(
        "a duration gives no scheduled end",
        '        state["ends"] = terms.end_of(effective, state["duration"])',
        "        pass",
    ),
    Mutation(
        "an open end_rule keeps the end",
        '            state["ends"] = state["duration"] = None',
        "            pass",
    ),
    Mutation(
        "deadlines do not accumulate",
        '        due = {d["what"]: d for d in state["deadlines"]}',
        "        due = {}",
    ),
    Mutation(
        "took_effect without effective: no start",
        '        e = {**e, "effective": e["occurred"]}',
        "        pass",
    ),
    # extensions
    Mutation(
        "an extension does not wait for every party",
        '    if not set(parties) <= set(state["extensions"]):',
        '    if not state["extensions"]:',
    ),
    Mutation(
        "the mediator's extension counts for one party",
        '        state["extensions"] = {p: {"event": e["id"], "ends": new_end} for p in parties}',
        '        state["extensions"] = {actor: {"event": e["id"], "ends": new_end}}',
    ),
    Mutation("different ends not disputed", '        state["disputed"] = True', "        pass"),
    Mutation("an extension after the end does not reopen", '    if state["closure"] == "expired":', "    if False:"),
    # after agreement: termination and recommitment
    Mutation(
        "a rejection after agreement is no termination",
        '    if state["agreed_by"] is not None and stance in ("rejected", "withdrawn"):',
        "    if False:",
    ),
    Mutation(
        "a reversal to rejected after agreement is no termination",
        '    if state["agreed_by"] is not None and e["stance"] in ("rejected", "withdrawn"):',
        "    if False:",
    ),
    Mutation(
        "a termination by a party sets no closure",
        '        state["closure"], state["closed_by"] = "terminated", e["id"]',
        "        pass",
    ),
    Mutation(
        "one party's recommitment is enough",
        '    if set(required(state)) <= set(state["recommitted"]):',
        '    if state["recommitted"]:',
    ),
    Mutation(
        "acceptance after a lapse is no recommitment",
        '    return state["agreed_by"] is not None and (state["closure"] in REOPENABLE or _after_end(state, e))',
        '    return state["agreed_by"] is not None and state["closure"] in REOPENABLE',
    ),
    Mutation(
        "acceptance after a closure is no recommitment",
        '    return state["agreed_by"] is not None and (state["closure"] in REOPENABLE or _after_end(state, e))',
        '    return state["agreed_by"] is not None and _after_end(state, e)',
    ),
    Mutation(
        "lapsed on its last day (>= for >)",
        '    return expiry is not None and bounds(e["occurred"]).earliest >= expiry[1]',
        '    return expiry is not None and bounds(e["occurred"]).earliest > expiry[1]',
    ),
    Mutation(
        "a recommitment keeps the old terms",
        '            state["effective"], state["ends"], state["duration"] = None, None, None',
        "            pass",
    ),
    Mutation(
        "a lapsed agreement revived by one party",
        '        state["closure"], state["closed_by"] = "expired", None',
        "        pass",
    ),
    Mutation(
        "a mediator who floats it must agree",
        '    head = tuple(p for p in proposers if p not in state["mediators"])',
        "    head = proposers",
    ),
    Mutation(
        "an acceptance after close warns",
        'REOPENING = ("accepted", "signed", "recommitted", "extended")',
        'REOPENING = ("signed", "recommitted", "extended")',
    ),
    Mutation("superseded_by not set", '            state["superseded_by"] = e.get("by")', "            pass"),
    # suspension
    Mutation(
        "a suspension leaves it agreed",
        '        return "suspended" if state["suspended"] else "agreed"',
        '        return "agreed"',
    ),
    Mutation("a suspended agreement judged in force", '    if status == "suspended":', "    if False:"),
    Mutation(
        "resuming leaves it suspended",
        '    state["suspended"] = {p: v for p, v in state["suspended"].items() if p != actor}',
        "    pass",
    ),
    # the ledger, deadlines, projection
    Mutation(
        "a denial of an allegation disputes the proposal",
        '    if e.get("target") is not None and _ledger_target(state, e["target"]) is not None:',
        "    if False:",
    ),
    Mutation(
        "a denial not put on its entry",
        '                    table[x["target"]]["denied_by"].append(x["actor"])',
        "                    pass",
    ),
    Mutation(
        "a confirmation not put on its allegation",
        '                found["confirmed_by"].append(x["actor"])',
        "                pass",
    ),
    Mutation(
        "a confirmation of an unknown allegation listed", '            elif x["target"] is None:', "            else:"
    ),
    Mutation(
        "a deadline passed on its day (<= for <)",
        '    return "passed" if high < day else "open" if low > day else "due"',
        '    return "passed" if high <= day else "open" if low > day else "due"',
    ),
    Mutation("a deadline with no day is due", '        return "open"', '        return "due"'),
    Mutation(
        "projected from the known-by day itself",
        "        and any(known_by < b <= day for b in breakpoints(state))",
        "        and any(known_by <= b <= day for b in breakpoints(state))",
    ),
    Mutation(
        "a closed proposal has breakpoints",
        '    return tuple(sorted(days)) if state["status"] in ("agreed", "suspended") else ()',
        "    return tuple(sorted(days))",
    ),
]


def plant(text: str, m: Mutation) -> str:
    """The rule book with one line replaced; raises ValueError if the old line is not there exactly once."""
    lines = text.split("\n")
    where = [i for i, line in enumerate(lines) if line == m.old]
    if len(where) != 1:
        raise ValueError(f"mutation {m.name!r}: old line found {len(where)} times: {m.old!r}")
    lines[where[0]] = m.new
    return "\n".join(lines)


def copy_repo(dest: Path) -> None:
    """Copy the tracked files of the repository (as they are on disk) into ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in listed.decode().split("\0"):
        if not name or not (ROOT / name).is_file():
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)


def run(copy: Path, original: str, m: Mutation, tests: list[str], seed: str) -> tuple[bool, float]:
    """Plant ``m`` in the copy, run the tests; (caught, seconds). The copy's rule book is restored after."""
    target = copy / TARGET
    target.write_text(plant(original, m), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", f"--hypothesis-seed={seed}", *tests]
    start = time.perf_counter()
    try:
        result = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True)
    finally:
        target.write_text(original, encoding="utf-8")
    return result.returncode != 0, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the mutations and exit")
    parser.add_argument("-k", default="", help="only the mutations whose name contains this")
    parser.add_argument("--all-tests", action="store_true", help="run the whole suite, not the rule-book subset")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="mutations run at once, each in its own copy")
    parser.add_argument("--seed", default="0", help="hypothesis seed (fixed, so that a run is repeatable)")
    args = parser.parse_args()
    original = (ROOT / TARGET).read_text(encoding="utf-8")
    try:
        for m in MUTATIONS:
            plant(original, m)  # every mutation applies to today's rule book, or nothing runs
    except ValueError as exc:
        print(f"mutate: {exc}", file=sys.stderr)
        return 2
    chosen = [m for m in MUTATIONS if args.k in m.name]
    if args.list:
        for n, m in enumerate(chosen, 1):
            print(f"{n:2}. {m.name}\n    - {m.old.strip()}\n    + {m.new.strip()}")
        return 0
    tests = ["tests"] if args.all_tests else TESTS
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tracker-mutate-") as tmp:
        copies = [Path(tmp) / f"copy{n}" for n in range(max(1, args.jobs))]
        try:
            for copy in copies:
                copy_repo(copy)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"mutate: cannot copy the repository: {exc}", file=sys.stderr)
            return 2
        problem = check_copy(copies[0], tests, args.seed)
        if problem:
            print(f"mutate: {problem}", file=sys.stderr)
            return 2
        width = max(len(m.name) for m in chosen)
        print(f"{'mutation':<{width}}  result    seconds", flush=True)
        free: queue.Queue[Path] = queue.Queue()
        for copy in copies:
            free.put(copy)

        def one(m: Mutation) -> tuple[bool, float]:
            copy = free.get()
            try:
                return run(copy, original, m, tests, args.seed)
            finally:
                free.put(copy)

        caught = 0
        with ThreadPoolExecutor(len(copies)) as pool:
            for m, (hit, seconds) in zip(chosen, pool.map(one, chosen), strict=True):
                caught += hit
                print(f"{m.name:<{width}}  {'caught' if hit else 'SURVIVED':<8}  {seconds:7.1f}", flush=True)
    print(f"caught {caught} of {len(chosen)} in {time.perf_counter() - began:.0f} s")
    return 0


def check_copy(copy: Path, tests: list[str], seed: str) -> str | None:
    """Why the copy cannot be used (it imports another rule book, or its tests fail unmutated), or None."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import tracker.core.rules as r; print(r.__file__)"],
        cwd=copy, env=env, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    if not where or not Path(where).is_relative_to(copy):
        return f"the copy imports the rule book from {where!r}, not from {copy}"
    # Unmutated, the tests must pass, or every mutation would look caught.
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", f"--hypothesis-seed={seed}", *tests]
    check = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True)
    if check.returncode != 0:
        return f"the tests fail with no mutation planted:\n{check.stdout[-3000:]}"
    return None


if __name__ == "__main__":
    sys.exit(main())
