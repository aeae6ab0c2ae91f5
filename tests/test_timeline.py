"""The timeline picture: lanes, segments, markers, hatching, the --on line, escaping, text and CLI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import ev
from sharing_story import HOSTILE, story
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.errors import NotFoundError
from tracker.views import swimlane
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
        (["--from", "2024-02"], "field 'from': expected a day"),
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


# -- publishable: order, crowding, titles, quiet stories, names and words, odd text --------------------


def quiet_story() -> list[dict[str, object]]:
    """zulu floated in 2022 and never heard of again; alpha agreed and in force in 2023; mike discussed
    in 2025; four events on one day on alpha's lane."""
    return [
        ev("floated", "zulu", "un", "2022-03-01", id="z.f", addressees=["north"], note="a first idea"),
        ev("floated", "alpha", "north", "2023-05-01", id="a.f", addressees=["south"]),
        ev("accepted", "alpha", "south", "2023-05-02", id="a.s"),
        *(ev("endorsed", "alpha", f"party-{i}", "2023-05-02", id=f"a.e{i}") for i in range(3)),
        ev("floated", "mike", "south", "2025-01-10", id="m.f", addressees=["north"]),
        ev("considering", "mike", "north", "2025-02-01", id="m.c"),
    ]


@pytest.fixture
def quiet(tracker: Tracker) -> Tracker:
    tracker.append(quiet_story())
    return tracker


def lane_group(root: ET.Element, proposal: str) -> ET.Element:
    (group,) = [g for g in by_class(root, "g", "lane") if g.get("data-proposal") == proposal]
    return group


def test_lanes_run_in_order_of_first_event(quiet: Tracker) -> None:
    assert [lane.proposal for lane in draw.by_first_event(quiet.timeline())] == ["zulu", "alpha", "mike"]
    assert [lane.proposal for lane in quiet.timeline()] == ["alpha", "mike", "zulu"]  # the API: by slug
    result = CliRunner().invoke(app, ["timeline", "--db", str(quiet.path)])
    assert [line.split()[0] for line in result.stdout.splitlines()[1:4]] == ["zulu", "alpha", "mike"]
    named = CliRunner().invoke(app, ["timeline", "mike", "zulu", "--db", str(quiet.path)])
    assert [line.split()[0] for line in named.stdout.splitlines()[1:3]] == ["mike", "zulu"]  # as asked


def test_markers_on_the_same_day_do_not_overlap(quiet: Tracker) -> None:
    lanes = quiet.timeline()
    root = parse(draw.svg(lanes, *draw.span(lanes)))
    alpha = lane_group(root, "alpha")
    markers = by_class(alpha, "g", "marker")
    xs = sorted(float(g.find("s:circle", NS).get("cx")) for g in markers)  # type: ignore[union-attr]
    assert len(xs) == 5 and all(b - a >= 2 * swimlane.MARKER_R for a, b in zip(xs, xs[1:], strict=False))
    assert len(by_class(alpha, "path", "leader")) >= 3  # nudged markers point at their day
    same_day = [g for g in markers if g.get("data-day") == "2023-05-02"]
    assert len(same_day) == 4


def test_spread_keeps_order_and_centres_crowds() -> None:
    assert draw.spread([100.0, 100.0, 100.0], 10) == [90.0, 100.0, 110.0]
    assert draw.spread([0.0, 50.0, 200.0], 10) == [0.0, 50.0, 200.0]  # room enough: untouched
    assert draw.spread([10.0, 10.0], 10, low=8) == [8.0, 18.0]  # kept within the lane
    placed = draw.spread([5.0, 6.0, 7.0, 8.0, 30.0, 31.0], 10)
    assert placed == sorted(placed) and all(b - a >= 10 - 1e-9 for a, b in zip(placed, placed[1:], strict=False))
    assert draw.spread([], 10) == []


def test_title_goes_on_the_page_and_in_the_svg(quiet: Tracker, tmp_path: Path) -> None:
    html, svg = tmp_path / "t.html", tmp_path / "t.svg"
    args = ["timeline", "--db", str(quiet.path), "--html", str(html), "--svg", str(svg), "--title", "Truces & <talks>"]
    assert CliRunner().invoke(app, args).exit_code == 0
    page = html.read_text()
    assert "<title>Truces &amp; &lt;talks&gt;</title>" in page and "<h1>Truces &amp; &lt;talks&gt;</h1>" in page
    root = parse(svg.read_text())
    assert root.find("s:title", NS).text == "Truces & <talks>"  # type: ignore[union-attr]
    assert [t.text for t in by_class(root, "text", "heading")] == ["Truces & <talks>"]
    default = tmp_path / "d.svg"
    assert CliRunner().invoke(app, ["timeline", "--db", str(quiet.path), "--svg", str(default)]).exit_code == 0
    assert parse(default.read_text()).find("s:title", NS).text == "Proposals over time"  # type: ignore[union-attr]


def test_a_story_that_went_quiet_fades_out(quiet: Tracker) -> None:
    lanes = {lane.proposal: lane for lane in quiet.timeline()}
    assert draw.quiet_from(lanes["zulu"]) == "2022-05-30"  # 90 days after its only event
    assert draw.quiet_from(lanes["alpha"]) is None  # an agreement in force keeps its bar
    assert draw.QUIET_DAYS == 90
    start, end = draw.span(list(lanes.values()))
    root = parse(draw.svg(list(lanes.values()), start, end))
    zulu = lane_group(root, "zulu")
    (fading,) = by_class(zulu, "rect", "fading")
    (bar,) = by_class(zulu, "rect", "segment")
    assert abs(float(bar.get("x", 0)) + float(bar.get("width", 0)) - float(fading.get("x", 0))) < 0.2
    assert float(fading.get("width", 0)) <= swimlane.FADE_PX  # it ends: no floated bar to 2025
    assert [t.text for t in by_class(zulu, "text", "quiet")] == ["no news since 2022-03-01"]
    alpha = lane_group(root, "alpha")
    assert not by_class(alpha, "rect", "fading") and by_class(alpha, "rect", "segment")[-1].get("data-status")
    assert not by_class(lane_group(root, "mike"), "rect", "fading")  # news within 90 days of the end
    early = parse(draw.svg(list(lanes.values()), start, "2022-05-01"))  # the picture ends before the quiet
    assert not by_class(early, "rect", "fading")


def test_names_and_words_are_used(quiet: Tracker) -> None:
    lanes = quiet.timeline()
    names = {"zulu": "Zulu peace plan", "un": "United Nations"}

    def words(edtf: str) -> str:
        return f"<{edtf}>"

    picture = draw.svg(lanes, *draw.span(lanes), names=names, words=words)
    root = parse(picture)
    zulu = lane_group(root, "zulu")
    assert "".join(zulu.find("s:text", NS).itertext()).endswith("Zulu peace plan")  # type: ignore[union-attr]
    (marker,) = by_class(zulu, "g", "marker")
    hover = marker.find("s:title", NS).text or ""  # type: ignore[union-attr]
    assert "floated by United Nations" in hover and "occurred <2022-03-01>" in hover
    assert [t.text for t in by_class(zulu, "text", "quiet")] == ["no news since <2022-03-01>"]
    page = draw.page(lanes, *draw.span(lanes), names=names, words=words)
    (row,) = [r for r in page.split('<tr class="event-row">')[1:] if "a first idea" in r]
    assert "&lt;2022-03-01&gt;" in row and "Zulu peace plan" in row and "United Nations" in row
    assert draw.text(lanes, *draw.span(lanes), names=names).splitlines()[3].startswith("Zulu peace plan  ")


def test_the_label_column_fits_the_longest_name(quiet: Tracker) -> None:
    lanes = quiet.timeline()

    def label_x(names: dict[str, str]) -> float:
        root = parse(draw.svg(lanes, *draw.span(lanes), names=names))
        return float(lane_group(root, "zulu").find("s:text/s:tspan", NS).get("x", 0))  # type: ignore[union-attr]

    short, longer = label_x({}), label_x({"zulu": "The Zulu-Mike framework of 2022"})
    assert short < longer < swimlane.MAX_LABEL_W
    root = parse(draw.svg(lanes, *draw.span(lanes), names={"zulu": "A very long name " * 6}))
    spans = lane_group(root, "zulu").findall("s:text/s:tspan", NS)
    assert len(spans) == 2 and (spans[1].text or "").endswith("\u2026")  # wrapped, then cut
    assert lane_group(root, "zulu").find("s:text/s:title", NS).text == "A very long name " * 6  # type: ignore[union-attr]
    assert swimlane.label_lines("ru-armistice-signals-2022", 14) == ["ru-armistice-", "signals-2022"]


def test_the_page_reads_on_a_phone(quiet: Tracker) -> None:
    lanes = quiet.timeline()
    page = draw.page(lanes, *draw.span(lanes))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<div class="figure"><svg' in page and "overflow-x:auto" in page and "@media (max-width:640px)" in page
    width = int(page.split('class="timeline" width="', 1)[1].split('"', 1)[0])
    assert f"min-width:{width * 3 // 4}px" in page  # scrolls sideways rather than shrinking text away
    rows = page.split('<tr class="event-row">')[1:]
    assert len(rows) == 8 and all('data-label="date"' in r and 'data-label="note"' in r for r in rows)
    days = [r.split('class="when">', 1)[1].split("<", 1)[0] for r in rows]
    assert days == sorted(days)  # one list in order of date, all lanes together


def test_control_characters_keep_the_svg_valid_xml(tracker: Tracker) -> None:
    odd = "bad \x01\x08\x0b\x1b[2J \u202e text"
    tracker.append([ev("floated", "p", "north", "2024-01-01", id="p.f", addressees=["south"], person=odd,
                       note=odd, sources=[{"outlet": odd, "title": odd, "published": "2024-01-02"}])])  # fmt: skip
    lanes = tracker.timeline()
    names = {"p": "name \x02 with a control", "north": "North \x1f"}
    for picture in (draw.svg(lanes, *draw.span(lanes), names=names), draw.page(lanes, *draw.span(lanes), names=names)):
        assert not any(c in picture for c in "\x01\x02\x08\x0b\x1b\x1f\u202e")
    root = parse(draw.svg(lanes, *draw.span(lanes), title="t\x07", names=names))
    assert "\\u0001" in ET.tostring(root, encoding="unicode")


def test_cli_timeline_uses_display_names_and_dates_in_words(told: Tracker, tmp_path: Path) -> None:
    html = tmp_path / "named.html"
    actor = told.store.records().__next__().event["actor"]
    named = CliRunner().invoke(app, ["proposals", "--db", str(told.path), "--set", "alpha-2024", "Alpha Truce"])
    assert named.exit_code == 0, named.output
    assert CliRunner().invoke(app, ["actors", "--db", str(told.path), "--set", actor, "The First Party"]).exit_code == 0
    args = ["timeline", "--db", str(told.path), "--on", "2024-02-14", "--html", str(html), "--title", "Two truces"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    page = html.read_text()
    assert "Alpha Truce" in page and "The First Party" in page and "Two truces" in page
    assert "14 February 2024" in page  # the line drawn on --on, in words
    strip = CliRunner().invoke(app, ["timeline", "--db", str(told.path), "--from", "2023-01-01"])
    assert "Alpha Truce" in strip.output
