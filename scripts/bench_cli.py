"""Start-up time of the CLI: ``tracker status --on D`` as a whole process, against bare interpreters.

Runs the installed console script N times (default 20) in a subprocess, with a temporary HOME
whose default database one warm-up run has seeded from the bundled corpus, and reports the
median and p90 wall time next to two baselines measured in the same run, interleaved so that
noise on a shared machine hits all three alike: ``python -c pass`` (the interpreter's floor)
and ``python -c "import sqlite3, json"`` (the floor of any answer read from SQLite).

Modules run from bytecode, as from an installed wheel: the runs write and read it under a
temporary ``PYTHONPYCACHEPREFIX`` (this machine sets ``PYTHONDONTWRITEBYTECODE=1``, so an
editable checkout would otherwise recompile every module of ours at each start);
``--as-is`` keeps the environment untouched.

    python scripts/bench_cli.py            # 20 runs each
    python scripts/bench_cli.py --runs 50 --json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAY = "2024-02-14"


def _script() -> str:
    """The ``tracker`` console script installed next to this interpreter (else the one on PATH)."""
    beside = Path(sys.executable).parent / "tracker"
    return str(beside) if beside.exists() else "tracker"


def _wall_ms(argv: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall ms of one run; its CPU ms (user + system, of the child) appended to ``cpu`` if given."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return wall


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": statistics.median(ordered), "p90_ms": ordered[int(0.9 * (len(ordered) - 1) + 0.5)]}


def measure(runs: int = 20, *, compiled: bool = True) -> dict[str, dict[str, float]]:
    """Median and p90 wall ms of the status command and of the two baselines, ``runs`` times each."""
    commands = {
        "tracker status --on D": [_script(), "status", "--on", DAY],
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import sqlite3, json"': [sys.executable, "-c", "import sqlite3, json"],
    }
    return interleaved(commands, runs, compiled=compiled)


def interleaved(
    commands: dict[str, list[str]], runs: int, *, compiled: bool = True, db: Path | None = None
) -> dict[str, dict[str, float]]:
    """Median and p90 wall ms of each command run as a whole process, ``runs`` times each, interleaved.

    A temporary HOME (so the default database is seeded from the corpus), or ``db`` as ``TRACKER_DB``;
    one warm-up run of each command first (bytecode written, page cache warm)."""
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "XDG_DATA_HOME")}
        env["HOME"] = home
        if db is not None:
            env["TRACKER_DB"] = str(db)
        if compiled:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(home) / "pycache")
        for argv in commands.values():  # warm-up: seeds the default database, warms the page cache
            _wall_ms(argv, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                times[name].append(_wall_ms(argv, env, cpu[name]))
    out = {name: _summary(values) for name, values in times.items()}
    for name, values in cpu.items():  # CPU time moves less than wall time when other work shares the cores
        out[name]["cpu_median_ms"] = statistics.median(values)
    return out


def one_proposal(db: Path, proposal: str, runs: int = 7) -> dict[str, dict[str, float]]:
    """``history``, ``audit``, ``why`` and ``status`` of one proposal of ``db``, each a whole process."""
    script = _script()
    commands = {f"tracker {name} P": [script, name, proposal] for name in ("history", "audit", "why")}
    commands["tracker status P --on D --known-by D"] = [script, "status", proposal, "--on", DAY, "--known-by", DAY]
    commands["python -c pass"] = [sys.executable, "-c", "pass"]
    return interleaved(commands, runs, db=db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    parser.add_argument("--as-is", action="store_true", help="Keep the bytecode settings of the environment.")
    args = parser.parse_args()
    results = measure(args.runs, compiled=not args.as_is)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    width = max(map(len, results))
    print(f"{'command':<{width}}  median ms  p90 ms  CPU ms   ({args.runs} runs each, interleaved)")
    for name, r in results.items():
        print(f"{name:<{width}}  {r['median_ms']:9.1f}  {r['p90_ms']:6.1f}  {r['cpu_median_ms']:6.1f}")


if __name__ == "__main__":
    main()
