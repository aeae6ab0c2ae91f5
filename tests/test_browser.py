"""The timeline page in a real headless browser (Chromium).

The tests skip, saying why, when no Chromium is on PATH: they never install anything (``.ci/run``
installs Debian's chromium for CI when it can). Every page load goes through a local proxy that
records connections, so "the page made no network request" is checked, not assumed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sharing_story import story

from tracker.api import Tracker
from tracker.views import timeline as draw

# Chromium's own background calls (update and time checks, sign-in), which some builds make despite
# the --disable-* flags; anything else reaching the proxy came from the page.
BROWSER_HOSTS = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com", "googleusercontent.com")


def _find() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of a Chromium binary on PATH; the test is skipped when there is none."""
    found = _find()
    if not found:
        pytest.skip("no chromium on PATH (install it, e.g. apt-get install chromium; .ci/run does)")
    return found


class Proxy:
    """A TCP listener standing in for an HTTP proxy: it records each request line, answers nothing."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            conn.settimeout(2)
            try:
                first = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
            except OSError:
                first = ""  # nothing sent before the timeout: no request (see from_page)
            self.requests.append(first)
            conn.close()

    def from_page(self) -> list[str]:
        """Request lines other than Chromium's own background calls.

        A connection that sent no request line at all (an empty line: Chromium preconnects to its
        proxy speculatively, and one such connection showed up once in CI) fetched nothing, so it
        is not counted; any request the page makes arrives with its line and is.
        """
        out = []
        for line in self.requests:
            if not line:
                continue
            target = line.split(" ")[1] if " " in line else line
            host = target.removeprefix("http://").removeprefix("https://").split("/")[0].split(":")[0]
            if not any(host == h or host.endswith("." + h) for h in BROWSER_HOSTS):
                out.append(line)
        return out

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    p = Proxy()
    yield p
    p.close()


def run(chromium: str, tmp_path: Path, page: Path, proxy: Proxy, *extra: str) -> str:
    args = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
        "--no-pings", "--disable-domain-reliability", "--disable-features=NetworkTimeServiceQuerying,OptimizationHints",
        f"--user-data-dir={tmp_path / 'profile'}", f"--proxy-server=127.0.0.1:{proxy.port}",
        "--proxy-bypass-list=<-loopback>", *extra, page.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def page(tracker: Tracker, tmp_path: Path) -> Path:
    tracker.append(story())
    lanes = tracker.timeline()
    target = tmp_path / "timeline.html"
    target.write_text(draw.page(lanes, *draw.span(lanes, on="2024-02-14"), on="2024-02-14"), encoding="utf-8")
    return target


def test_lanes_and_markers_in_the_dom(chromium: str, page: Path, tmp_path: Path, proxy: Proxy) -> None:
    dom = run(chromium, tmp_path, page, proxy, "--dump-dom")
    assert dom.count('class="lane"') == 2
    assert dom.count('class="marker" data-event-id=') == 4
    assert dom.count('class="segment"') == 3 and 'class="on-line"' in dom
    assert "<script>" not in dom  # hostile event text stayed text
    assert proxy.from_page() == []


def test_screenshot(chromium: str, page: Path, tmp_path: Path, proxy: Proxy) -> None:
    shot = tmp_path / "shot.png"
    run(chromium, tmp_path, page, proxy, f"--screenshot={shot}", "--window-size=1200,400", "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
    assert proxy.from_page() == []


def test_the_network_check_can_fail(chromium: str, tmp_path: Path, proxy: Proxy) -> None:
    control = tmp_path / "control.html"
    control.write_text('<!doctype html><img src="http://tracker-test.example/x.png">', encoding="utf-8")
    run(chromium, tmp_path, control, proxy, "--dump-dom", "--virtual-time-budget=2000")
    assert any("tracker-test.example" in r for r in proxy.from_page())


def test_screenshot_on_a_phone_wide_screen(chromium: str, page: Path, tmp_path: Path, proxy: Proxy) -> None:
    shot = tmp_path / "narrow.png"
    run(chromium, tmp_path, page, proxy, f"--screenshot={shot}", "--window-size=420,900", "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
    assert proxy.from_page() == []
