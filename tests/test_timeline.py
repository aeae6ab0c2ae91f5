"""The timeline picture: lanes, segments, markers, hatching, the --on line, escaping, text and CLI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sharing_story import HOSTILE, story
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.errors import NotFoundError
from tracker.views import timeline as draw

NS = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture
def told(tracker: Tracker) -> Tracker:
    tracker.append(story())
    return tracker


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)  # raises if the escaping broke the XML


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['s']}}}{tag}") if cls in (e.get("class") or "").split()]


def test_lanes_and_markers(told: Tracker) -> None:
    lanes = told.timeline()
    start, end = draw.span(lanes, on="2024-02-14")
    root = parse(draw.svg(lanes, start, end, on="2024-02-14"))
    assert [g.get("data-proposal") for g in by_class(root, "g", "lane")] == ["alpha-2024", "beta-2025"]
    markers = by_class(root, "g", "marker")
    ids = [m.get("data-event-id") for m in markers if m.get("data-event-id")]
    assert sorted(ids) == ["a.f", "a.rej", "b.c", "b.f"]  # the retracted acceptance is gone
    statuses = [r.get("data-status") for r in by_class(root, "rect", "segment")]
    assert statuses == ["rejected", "floated", "considering"]
    assert len(by_class(root, "rect", "uncertain")) == 2  # the vague float and the month-long rejection
    assert by_class(root, "line", "on-line")
    assert "legend" in draw.svg(lanes, start, end)


def test_hover_text_has_kind_actor_date_source(told: Tracker) -> None:
    lanes = told.timeline(["alpha-2024"])
    root = parse(draw.svg(lanes, *draw.span(lanes)))
    (marker,) = [m for m in by_class(root, "g", "marker") if m.get("data-event-id") == "a.f"]
    title = marker.find("s:title", NS)
    assert title is not None and title.text is not None
    assert "floated by russia (Vladimir Putin)" in title.text
    assert "occurred 2023-09/2024-01" in title.text
    assert 'source: Daily <b>News</b>, "Talks & ceasefire: ' + HOSTILE in title.text  # text, not markup


def test_event_text_is_escaped_in_html(told: Tracker) -> None:
    lanes = told.timeline()
    html = draw.page(lanes, *draw.span(lanes), title="<i>t</i>")
    assert "<script>" not in html and "<b>News" not in html and "<i>t</i>" not in html
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html and "http://evil" in html  # only as escaped text
    assert "src=" not in html and "<link" not in html
    assert html.count('class="event-row"') == 4
    assert '<a href="https://example.org/a(b)&lt;c&gt;" rel="noreferrer">' in html


def test_span_follows_events_and_on(told: Tracker) -> None:
    lanes = told.timeline()
    start, end = draw.span(lanes)
    assert start < "2023-09-01" and end > "2025-03-12"
    assert draw.span(lanes, on="2026-01-01")[1] > "2026-01-01"
    assert draw.span(lanes, "2024-01-01", "2024-12-31") == ("2024-01-01", "2024-12-31")


def test_text_timeline(told: Tracker) -> None:
    lanes = told.timeline()
    out = draw.text(lanes, "2023-08-01", "2025-06-30", on="2024-02-14", width=40)
    lines = out.splitlines()
    assert lines[1].startswith("alpha-2024") and lines[2].startswith("beta-2025")
    alpha = lines[1].split()[-1]
    assert alpha.startswith(".") and "?" in alpha and alpha.endswith("R")
    assert lines[2].split()[-1].endswith("C")
    assert "^ on 2024-02-14" in out


def test_unknown_proposal(told: Tracker) -> None:
    with pytest.raises(NotFoundError):
        told.timeline(["nope"])


def test_cli_writes_html_and_svg(told: Tracker, tmp_path: Path) -> None:
    html, svg = tmp_path / "t.html", tmp_path / "t.svg"
    args = ["timeline", "--db", str(told.path), "--on", "2024-02-14", "--html", str(html), "--svg", str(svg)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert html.read_text().startswith("<!doctype html>")
    parse(svg.read_text())
    text = CliRunner().invoke(app, ["timeline", "alpha-2024", "--db", str(told.path), "--from", "2023-01-01"])
    assert text.exit_code == 0 and "alpha-2024" in text.output and "beta-2025" not in text.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-05-01", "--to", "2024-01-01"], "after --to"),
        (["--on", "2024-13-01"], "expected a day"),
        (["--from", "2024-02"], "--from: expected a day"),
        (["nope"], "no proposal 'nope'"),
    ],
)
def test_cli_errors(told: Tracker, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["timeline", "--db", str(told.path), *args])
    assert result.exit_code == 1 and message in result.output


def test_empty_log(tracker: Tracker, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["timeline", "--db", str(tracker.path)])
    assert result.exit_code == 0 and "no proposal has any event" in result.output
    page = tmp_path / "empty.html"
    assert CliRunner().invoke(app, ["timeline", "--db", str(tracker.path), "--html", str(page)]).exit_code == 0
    assert 'class="lane"' not in page.read_text()


def test_named_lanes_keep_the_order_asked(told: Tracker) -> None:
    assert [lane.proposal for lane in told.timeline(["beta-2025", "alpha-2024"])] == ["beta-2025", "alpha-2024"]


def test_an_agreement_lane_shows_its_end_and_never_stays_green_after_it(tmp_path: Path) -> None:
    from tracker.views.timeline import STATUS_COLOURS, svg

    with Tracker(tmp_path / "t.db") as t:
        t.append(
            [
                {"type": "floated", "id": "f", "proposal": "truce", "actor": "un", "addressees": ["north", "south"],
                 "occurred": "2022-04-01", "effective": "2022-04-02", "duration": "P60D",
                 "deadlines": [{"what": "withdrawal", "due": "2022-05-01"}]},
                {"type": "accepted", "id": "n", "proposal": "truce", "actor": "north", "occurred": "2022-04-01"},
                {"type": "accepted", "id": "s", "proposal": "truce", "actor": "south", "occurred": "2022-04-01"},
            ]
        )  # fmt: skip
        (lane,) = t.timeline()
    assert lane.scheduled_end == "2022-06-01" and lane.deadlines == (("withdrawal", "2022-05-01"),)
    statuses = [(s.valid_from, s.status) for s in lane.intervals]
    assert statuses == [("2022-04-01", "agreed"), ("2022-04-02", "in_force"), ("2022-06-01", "expired")]
    assert STATUS_COLOURS["expired"] != STATUS_COLOURS["in_force"]
    picture = svg([lane], "2022-03-01", "2022-07-01")
    assert 'class="scheduled-end"' in picture and 'class="deadline"' in picture
    assert 'data-status="expired" x=' in picture
