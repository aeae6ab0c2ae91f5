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
    "tests/test_properties.py",
    "tests/test_golden.py",
    "tests/test_replay.py",
    "tests/test_corpus.py",
    "tests/test_projections.py",
    "tests/test_audit.py",
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
        '    if e.get("terms") is not None:',
        '    if e.get("terms") is not None and state["terms"] is None:',
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
        '    _set_stance(state, e, e["type"], changes)',
        '    _set_stance(state, e, e["type"].replace("rejected", "withdrawn"), changes)',
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
        '    elif state["addressees"] and e["actor"] not in state["addressees"] and e["actor"] != state["proposer"]:',
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
        "collapse named as withdrawal", '    state["closure"] = "collapsed"', '    state["closure"] = "withdrawn"'
    ),
    Mutation(
        "collapse names the previous event",
        '    state["closed_by"] = e["id"]',
        '    state["closed_by"] = state["last_event"]',
    ),
    Mutation(
        "a denial after close warns",
        'QUIET_AFTER_CLOSE = ("floated", "denied")',
        'QUIET_AFTER_CLOSE = ("floated",)',
    ),
    Mutation(
        "no warning after close",
        "    if closure is not None and kind not in QUIET_AFTER_CLOSE:",
        '    if closure is not None and kind not in QUIET_AFTER_CLOSE and kind != "accepted":',
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
    Mutation("withdrawal after collapse on one day", '    "withdrawn": 5,', '    "withdrawn": 7,'),
    Mutation("denial before answers on one day", '    "denied": 3,', '    "denied": 1,'),
    Mutation("floated after considering on one day", '    "floated": 0,', '    "floated": 1,'),
    # derive_status
    Mutation("a closure does not set the status", "    if closure is not None:", '    if closure == "collapsed":'),
    Mutation(
        "withdrawal from the process is no rejection",
        '    if "rejected" in held or "withdrawn" in held:',
        '    if "rejected" in held:',
    ),
    Mutation(
        "partial acceptance by addressees is acceptance",
        "        counting = len(addressees)",
        "        counting = len(held)",
    ),
    Mutation(
        "no parties counts as accepted",
        '    if counting and len(held) == counting and held.count("accepted") == counting:',
        '    if len(held) == counting and held.count("accepted") == counting:',
    ),
    Mutation(
        "the proposer counts when nobody is addressed",
        '        held = [v["stance"] for p, v in stances.items() if p != proposer]',
        '        held = [v["stance"] for p, v in stances.items()]',
    ),
    Mutation(
        "partial acceptance is not considering",
        '    if "considering" in held or "accepted" in held:',
        '    if "considering" in held:',
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
