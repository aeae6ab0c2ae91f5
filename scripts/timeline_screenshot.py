"""Draw the bundled corpus as a timeline and take a screenshot with headless Chromium.

Usage: python scripts/timeline_screenshot.py [OUT.png] [--on YYYY-MM-DD]   (default docs/timeline.png)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tracker.api import Tracker
from tracker.views import timeline as draw
from tracker.views.words import words


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default="docs/timeline.png")
    parser.add_argument("--on", default="2024-02-14")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        with Tracker(Path(tmp) / "corpus.db") as t:
            t.load_corpus()
            lanes = draw.by_first_event(t.timeline())
        page = Path(tmp) / "timeline.html"
        start, end = draw.span(lanes, on=args.on)
        page.write_text(draw.page(lanes, start, end, on=args.on, title="Bundled corpus", words=words), encoding="utf-8")
        height = 120 + draw.TOP + draw.LANE_H * len(lanes) + 160  # the key flows over five rows
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp}/profile",
             "--hide-scrollbars", f"--window-size=1160,{height}", f"--screenshot={Path(args.out).resolve()}",
             page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
