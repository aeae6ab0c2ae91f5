"""Rewrite the README's console examples with the real output of each command.

Uses the same harness as tests/test_readme.py (the bundled corpus recorded at a pinned time,
command i run at 10:i), so after a change of output: run this, read the diff, commit.
    python scripts/readme_examples.py
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from freezegun import freeze_time
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_readme import command_time, prepare, run  # noqa: E402


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ.update(prepare(folder))
    os.chdir(folder)
    runner = CliRunner()
    count = 0

    def fill(match: re.Match[str]) -> str:
        nonlocal count
        out = []
        for line in match.group(1).splitlines():
            if line.startswith("$ "):
                with freeze_time(command_time(count)):
                    output = run(runner, line[2:])
                count += 1
                out += [line, output.rstrip()] if output.strip() else [line]
        return "```console\n" + "\n".join(out) + "\n```"

    readme = ROOT / "README.md"
    readme.write_text(re.sub(r"```console\n(.*?)```", fill, readme.read_text(encoding="utf-8"), flags=re.S),
                      encoding="utf-8")
    print(f"{count} example(s) rewritten in {readme}")


if __name__ == "__main__":
    main()
