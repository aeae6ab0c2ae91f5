"""Import from YAML and CSV, export to CSV and YAML, and every bad row reported at once (issue 13)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import body, ev, write_jsonl
from hypothesis import given, settings
from strategies import logs
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.core import rows, yamlin
from tracker.views import eventfiles

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
YEMEN = ROOT / "events" / "yemen-truce-2022.jsonl"
CORPUS = [*sorted((ROOT / "events").glob("*.jsonl")), ROOT / "tests" / "fixtures" / "golden" / "synthetic.jsonl"]


def run(db: Path, *args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)], input=input)
    return result.exit_code, result.stdout, result.stderr


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def stored(db: Path) -> list[dict[str, Any]]:
    with Tracker(db) as t:
        return list(t.events())


def as_csv(events: list[dict[str, Any]], delimiter: str = ",") -> str:
    """The events as a spreadsheet would hold them, written here without tracker's own mapping:
    lists joined by '; ', deadlines 'what | due', sources in part columns."""
    table = []
    for event in events:
        row: dict[str, str] = {}
        for name, value in event.items():
            if name == "sources":
                for n, source in enumerate(value, start=1):
                    row.update({f"source{n}_{part}": text for part, text in source.items()})
            elif name == "deadlines":
                row[name] = "; ".join(f"{d['what']} | {d['due']}" for d in value)
            elif isinstance(value, list):
                row[name] = "; ".join(value)
            else:
                row[name] = value
        table.append(row)
    header = list(dict.fromkeys(name for row in table for name in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()


# -- importing a story ------------------------------------------------------------------------


def test_yaml_import_of_a_story_gives_the_jsonl_events(tmp_path: Path) -> None:
    story = tmp_path / "yemen.yaml"
    story.write_text(yaml.safe_dump(jsonl(YEMEN), sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert run(tmp_path / "y.db", "import", str(story))[0] == 0
    assert run(tmp_path / "j.db", "import", str(YEMEN))[0] == 0
    assert stored(tmp_path / "y.db") == stored(tmp_path / "j.db")
    code, _, err = run(tmp_path / "y.db", "import", str(story))
    assert code == 0 and "appended 0 event(s), skipped 18" in err


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_import_of_a_story_gives_the_jsonl_events(tmp_path: Path, delimiter: str) -> None:
    story = tmp_path / "yemen.csv"
    story.write_text(as_csv(jsonl(YEMEN), delimiter), encoding="utf-8")
    code, _, err = run(tmp_path / "c.db", "import", str(story))
    assert code == 0, err
    assert run(tmp_path / "j.db", "import", str(YEMEN))[0] == 0
    assert stored(tmp_path / "c.db") == stored(tmp_path / "j.db")


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "python"])
def test_yaml_documents_and_dates_kept_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, libyaml: bool) -> None:
    if libyaml and not yaml.__with_libyaml__:
        pytest.skip("PyYAML is installed without libyaml")
    monkeypatch.setattr(yaml, "__with_libyaml__", libyaml)
    story = tmp_path / "s.yml"
    story.write_text(
        "type: floated\nproposal: lb\nactor: united-states\nco_proposers: [france]\noccurred: 2024-11-26\n"
        "reported: 2024-11\nnote: yes\n---\n"
        "- {type: accepted, proposal: lb, actor: israel, occurred: 2024-11-26, conditions: 0x10}\n"
        "- type: accepted\n  proposal: lb\n  actor: lebanon\n  occurred: !!timestamp 2024-11-27\n",
        encoding="utf-8",
    )
    code, _, err = run(tmp_path / "t.db", "import", str(story))
    assert code == 0, err
    floated, israel, lebanon = stored(tmp_path / "t.db")
    assert (floated["occurred"], floated["reported"], floated["note"]) == ("2024-11-26", "2024-11", "yes")
    assert israel["conditions"] == "0x10" and lebanon["occurred"] == "2024-11-27"
    # the same text gives the same event, id and all, as the same event in JSON
    same = ev("floated", proposal="lb", actor="united-states", co_proposers=["france"], occurred="2024-11-26")
    assert floated["id"] == body({**same, "reported": "2024-11", "note": "yes"})["id"]


def test_csv_sources_whole_and_in_parts_bom_and_crlf(tmp_path: Path) -> None:
    text = (
        "\ufefftype,proposal,actor,occurred,addressees,deadlines,source1,source2_outlet,source2_title,"
        "source2_published,source2_url\r\n"
        'floated,lb,united-states,2024-11-26,"israel; lebanon",withdrawal | 2025-01-26,'
        "Reuters | Truce agreed | 2024-11-26 | https://example.org/a | US officials,AP,Truce,2024-11-27,\r\n"
        "accepted,lb,israel,2024-11-26,,,,AP,Israel accepts,2024-11-26,https://example.org/b\r\n"
        ",,,,,,,,,,\r\n"
    )
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode("utf-8"))
    code, _, err = run(tmp_path / "t.db", "import", str(path))
    assert code == 0, err
    floated, accepted = stored(tmp_path / "t.db")
    assert floated["addressees"] == ["israel", "lebanon"]
    assert floated["deadlines"] == [{"what": "withdrawal", "due": "2025-01-26"}]
    assert floated["sources"] == [
        {
            "outlet": "Reuters",
            "title": "Truce agreed",
            "published": "2024-11-26",
            "url": "https://example.org/a",
            "attribution": "US officials",
        },
        {"outlet": "AP", "title": "Truce", "published": "2024-11-27"},
    ]
    assert accepted["sources"][0]["url"] == "https://example.org/b"
    assert accepted["reported"] == "2024-11-26"  # from its source, as in JSON
    code, _, err = run(tmp_path / "t.db", "import", str(path))  # the same rows give the same events
    assert code == 0 and "appended 0 event(s), skipped 2" in err


def test_csv_delimiter_option_and_stdin(tmp_path: Path) -> None:
    text = "type|proposal|actor|occurred\nfloated|lb|united-states|2024-11-26\n"
    path = tmp_path / "s.txt"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(tmp_path / "t.db", "import", str(path), "--format", "csv", "--delimiter", "|")
    assert code == 0, err
    code, _, err = run(tmp_path / "u.db", "import", "-", "--format", "csv", "--delimiter", "|", input=text)
    assert code == 0, err
    assert stored(tmp_path / "t.db") == stored(tmp_path / "u.db")
    code, _, err = run(tmp_path / "t.db", "import", str(path), "--format", "xls")
    assert code == 1 and "unknown format 'xls'; expected jsonl, yaml, csv" in err
    code, _, err = run(tmp_path / "t.db", "import", str(path), "--format", "csv", "--delimiter", "||")
    assert code == 1 and "--delimiter is one character" in err


def test_a_folder_of_mixed_formats_is_one_batch(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "1-float.yaml").write_text("- {type: floated, proposal: lb, actor: us, occurred: 2024-11}\n")
    (folder / "2-answers.csv").write_text("type,proposal,actor,occurred\naccepted,lb,israel,2024-11-26\n")
    write_jsonl(folder / "3-more.jsonl", [ev("accepted", proposal="lb", actor="lebanon", occurred="2024-11-27")])
    (folder / "README.md").write_text("not events")
    code, _, err = run(tmp_path / "t.db", "import", str(folder))
    assert code == 0 and "appended 3 event(s)" in err
    (folder / "4-bad.csv").write_text("type,proposal,actor,occurred\nrejected,lb,hezbollah,2024-13\n")
    code, _, err = run(tmp_path / "u.db", "import", str(folder))
    assert code == 1 and "4-bad.csv:2: field 'occurred'" in err
    assert not (tmp_path / "u.db").exists() or stored(tmp_path / "u.db") == []


def test_an_amendment_row_carries_its_replacement_as_json(tmp_path: Path) -> None:
    replacement = json.dumps({"type": "accepted", "proposal": "lb", "actor": "israel", "occurred": "2024-11-27"})
    cell = replacement.replace('"', '""')
    text = (
        "type,proposal,actor,occurred,id,target,reason,replacement\n"
        "floated,lb,us,2024-11,f,,,\n"
        "accepted,lb,israel,2024-11-26,a,,,\n"
        f'amended,lb,editor,2024-12-01,,a,wrong day,"{cell}"\n'
    )
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    code, _, err = run(tmp_path / "t.db", "import", str(tmp_path / "s.csv"))
    assert code == 0, err
    assert stored(tmp_path / "t.db")[2]["replacement"]["occurred"] == "2024-11-27"


# -- every bad row at once, nothing written ---------------------------------------------------


def head(db: Path) -> str:
    code, out, _ = run(db, "head")
    assert code == 0
    return out


BAD_CSV = (
    "type,proposal,actor,occurred,addressees,stance,deadlines,source1,source1_outlet,source2_title,replacement\n"
    "floated,lb,us,2024-11,israel,,,,,,\n"  # 2: good
    "acepted,lb,israel,2024-11-26,,,,,,,\n"  # 3: unknown kind
    "accepted,lb,israel,2024-11-26,lebanon,,,,,,\n"  # 4: a field of another kind
    "reversed,lb,israel,2024-13-01,,accepted,,,,,\n"  # 5: a bad date
    "reversed,lb,israel,2024-11-28,,maybe,,,,,\n"  # 6: a bad choice
    "floated,lb,us,2024-11,,,withdrawal 2025-01-26,,,,\n"  # 7: a deadline without its due date
    "accepted,lb,israel,2024-11-26,,,,Reuters | Title,,,\n"  # 8: a source without its date
    "accepted,lb,israel,2024-11-26,,,,Reuters | T | 2024-11-26,AP,,\n"  # 9: a source whole and in parts
    "accepted,lb,israel,2024-11-26,,,,,,Title only,\n"  # 10: a source without outlet and date
    'amended,lb,editor,2024-12-01,,,,,,,"{not json"\n'  # 11: a replacement that is not JSON
    ",lb,israel,2024-11-26,,,,,,,\n"  # 12: no type
    "accepted,lb,Israel,2024-11-26,,,,,,,,extra\n"  # 13: more cells than columns
)


def test_every_bad_csv_row_is_reported_and_nothing_written(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run(db, "import", str(YEMEN))[0] == 0
    before = head(db)
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    code, out, err = run(db, "import", str(tmp_path / "bad.csv"))
    assert code == 1 and out == ""
    lines = err.splitlines()
    bad = str(tmp_path / "bad.csv")
    expected = [
        (3, "field 'type': unknown kind 'acepted'; expected one of floated, considering"),
        (4, "field 'addressees': accepted has no field 'addressees'; its fields are type, proposal"),
        (5, "field 'occurred': month 13"),
        (6, "field 'stance': Input should be"),
        (7, "field 'deadlines': a deadline is written 'what | due'"),
        (8, "field 'source1': a source needs published"),
        (9, "field 'source1_outlet': source1 is given whole and in parts"),
        (10, "field 'source2_outlet': Field required"),
        (11, "field 'replacement': the replacement is an event as JSON: malformed JSON"),
        (12, "field 'type': every row needs a type"),
        (13, "12 cells where the header has 11 columns"),
    ]
    assert len(lines) == len(expected) + 1
    for line, (number, message) in zip(lines, expected, strict=False):
        assert line.startswith(f"error: {bad}:{number}: {message}"), line
    assert lines[-1] == f"error: {len(expected)} errors in all; nothing was written"
    assert head(db) == before


def test_unknown_columns_are_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("type,proposal,actor,occurred,colour\nfloated,lb,us,2024-11,red\n")
    code, _, err = run(tmp_path / "t.db", "import", str(tmp_path / "s.csv"))
    assert code == 1
    assert err.startswith(f"error: {tmp_path / 's.csv'}:1: field 'colour': unknown column 'colour'; the columns are ")
    assert "addressees" in err and "source1, source2, ..." in err and len(err.splitlines()) == 1


def test_every_bad_jsonl_and_yaml_row_is_reported(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run(db, "import", str(YEMEN))[0] == 0
    before = head(db)
    good = ev("accepted", proposal="yemen-truce-2022", actor="x", occurred="2022-05")
    path = write_jsonl(tmp_path / "b.jsonl", [good, good | {"actor": "X"}, good | {"occurred": "2022-13"}, good])
    with path.open("a") as handle:
        handle.write("{nope\n")
    code, _, err = run(db, "import", str(path))
    assert code == 1
    assert [line.split(": ", 2)[1] for line in err.splitlines()[:3]] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    assert "malformed JSON" in err and err.splitlines()[-1] == "error: 3 errors in all; nothing was written"
    story = tmp_path / "b.yaml"
    story.write_text(
        "- {type: accepted, proposal: yemen-truce-2022, actor: x, occurred: 2022-05}\n"
        "- type: accepted\n  proposal: yemen-truce-2022\n  actor: X\n  occurred: 2022-05\n"
        "- type: rejected\n  proposal: yemen-truce-2022\n  actor: x\n  occurred: 2022-05\n  stance: no\n"
    )
    code, _, err = run(db, "import", str(story))
    assert code == 1
    assert err.splitlines()[:2] == [
        f"error: {story}:2: field 'actor': 'X' is not a slug (lowercase letters, digits, single hyphens)",
        f"error: {story}:6: field 'stance': unknown field; rejected takes: type, id, proposal, actor, person, "
        "occurred, reported, sources, note",
    ]
    assert head(db) == before


def test_a_row_the_log_refuses_is_reported_with_the_bad_rows_after_it(tmp_path: Path) -> None:
    text = "type,proposal,actor,occurred\nfloated,lb,us,2024-11\naccepted,never,israel,2024-11-26\n"
    rows_after = "".join(f"accepted,lb,israel,2024-11-{day}\n" for day in (27, 28))
    (tmp_path / "a.csv").write_text(text + rows_after, encoding="utf-8")
    (tmp_path / "b.csv").write_text("type,proposal,actor,occurred\nrejected,lb,hezbollah,2024-13\n")
    code, _, err = run(tmp_path / "t.db", "import", str(tmp_path))
    assert code == 1
    assert err.splitlines() == [
        f"error: {tmp_path / 'a.csv'}:3: field 'proposal': proposal 'never' has never been floated; "
        "append its 'floated' event first",
        f"error: {tmp_path / 'b.csv'}:2: field 'occurred': month 13 is neither a month (01-12) nor a season "
        "(21-24): '2024-13'",
        "error: 2 errors in all; nothing was written",
    ]


def test_the_list_of_bad_rows_is_capped(tmp_path: Path) -> None:
    text = "type,proposal,actor,occurred\n" + "".join(f"floated,p{n},us,2024-13\n" for n in range(60))
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    code, _, err = run(tmp_path / "t.db", "import", str(tmp_path / "s.csv"))
    lines = err.splitlines()
    assert code == 1 and len(lines) == 52
    assert lines[49].startswith(f"error: {tmp_path / 's.csv'}:51: ")
    assert lines[-2:] == ["error: ... and 10 more", "error: 60 errors in all; nothing was written"]


# -- YAML that is refused ---------------------------------------------------------------------

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + n)}: &{chr(99 + n)} [{', '.join([f'*{chr(98 + n)}'] * 9)}]\n" for n in range(7)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BOMB, ":1: anchors and aliases (&name, *name) are not accepted"),
        ("- type: floated\n  <<: *base\n", ":2: anchors and aliases"),
        ("[" * 40 + "]" * 40 + "\n", ":1: nested deeper than 32 levels"),
        ("- type: floated\n  ? [a, b]\n  : x\n", ":1: a key must be text"),
        ("- type: floated\n  ~: x\n", ":1: a key must be text"),
        ("- type: floated\n  actor: !!python/object/apply:os.system [ls]\n", ":1: the tag"),
        ("- type: floated\n  actor: a\n  actor: b\n", ":1: key 'actor' is given twice"),
        ("just text\n", ":1: a YAML document is an event (a mapping) or a list of events"),
        ("- type: floated\n  actor: [unclosed\n", ":3: malformed YAML"),
    ],
)
@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "python"])
def test_yaml_that_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str, libyaml: bool
) -> None:
    if libyaml and not yaml.__with_libyaml__:
        pytest.skip("PyYAML is installed without libyaml")
    monkeypatch.setattr(yaml, "__with_libyaml__", libyaml)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(tmp_path / "t.db", "import", str(path))
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith(f"error: {path}{message}"), err


# -- exporting, and reading the export back ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_the_whole_corpus_round_trips(tmp_path: Path, fmt: str) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    for path in CORPUS:
        assert run(first, "import", str(path))[0] == 0
    code, exported, err = run(first, "export", "--format", fmt)
    assert code == 0, err
    (tmp_path / f"all.{fmt}").write_text(exported, encoding="utf-8")
    code, _, err = run(second, "import", str(tmp_path / f"all.{fmt}"))
    assert code == 0, err
    assert stored(second) == stored(first)
    assert {e["type"] for e in stored(first)} >= {"floated", "amended", "retracted", "extended", "claimed"}
    assert run(second, "export", "--format", fmt)[1] == exported
    code, _, err = run(first, "import", str(tmp_path / f"all.{fmt}"))
    assert code == 0 and f"appended 0 event(s), skipped {len(stored(first))}" in err


@settings(max_examples=40)
@given(logs(lifecycle=True))
def test_every_kind_with_every_field_round_trips_as_a_row_and_as_yaml(log: list[dict[str, Any]]) -> None:
    for event in log:
        stored_body = body(event)
        row = rows.row_of_event(stored_body)
        read = rows.event_of_row(row)
        assert read is not None and body(read.event) == stored_body
    text = "".join(eventfiles.yaml_text(lambda: [body(e) for e in log]))
    read_back = list(yamlin.events(io.BytesIO(text.encode()), "s.yaml"))
    assert [body(item[1]) for item in read_back if isinstance(item, tuple)] == [body(e) for e in log]


def test_export_of_some_proposals(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    for path in CORPUS[:-1]:
        assert run(db, "import", str(path))[0] == 0
    code, out, _ = run(db, "export", "--format", "csv", "--proposal", "istanbul-2022")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 4
    code, out, _ = run(db, "export", "--proposal", "istanbul-2022", "--proposal", "ru-freeze-2023")
    assert code == 0 and {json.loads(line)["event"]["proposal"] for line in out.splitlines()} == {
        "istanbul-2022",
        "ru-freeze-2023",
    }
    code, out, _ = run(db, "export", "--format", "yaml", "--proposal", "yemen-truce-2022")
    assert code == 0 and len(yaml.safe_load(out)) == 18
    code, out, err = run(db, "export", "--format", "csv", "--proposal", "nowhere")
    assert code == 1 and out == "" and "no proposal 'nowhere'" in err
    code, _, err = run(db, "export", "--format", "xml")
    assert code == 1 and "expected jsonl, csv, yaml or timelinejs" in err
    _, help_text, _ = run(db, "export", "--help")
    assert "[jsonl|csv|yaml|timelinejs]" in help_text and "cannot be restored" in help_text


def test_formula_like_cells_are_escaped_and_read_back(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    notes = ["=HYPERLINK(1)", "-30 days", "'quoted'", "''twice", "@home"]
    events = [ev("floated", proposal=f"p{n}", id=f"f{n}", note=note) for n, note in enumerate(notes)]
    assert run(db, "import", str(write_jsonl(tmp_path / "s.jsonl", events)))[0] == 0
    code, out, _ = run(db, "export", "--format", "csv")
    assert code == 0
    cells = [row["note"] for row in csv.DictReader(io.StringIO(out))]
    assert cells == ["'=HYPERLINK(1)", "'-30 days", "''quoted'", "'''twice", "'@home"]
    (tmp_path / "s.csv").write_text(out, encoding="utf-8")
    assert run(tmp_path / "u.db", "import", str(tmp_path / "s.csv"))[0] == 0
    assert [e["note"] for e in stored(tmp_path / "u.db")] == notes


def test_csv_export_refuses_what_a_cell_cannot_hold(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    lossy = ev("floated", id="f", co_proposers=[], deadlines=[{"what": "phase 1; phase 2", "due": "2025-01"}])
    assert run(db, "import", str(write_jsonl(tmp_path / "s.jsonl", [lossy])))[0] == 0
    code, out, err = run(db, "export", "--format", "csv")
    assert code == 1 and out == ""
    assert "event 'f': field" in err and "export it as yaml or jsonl" in err
    code, out, _ = run(db, "export", "--format", "yaml")
    assert code == 0 and "co_proposers: []" in out and "phase 1; phase 2" in out


def test_every_row_the_log_refuses_is_reported(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run(db, "import", str(YEMEN))[0] == 0
    before = head(db)
    text = (
        "type,proposal,actor,occurred,id,target,reason\n"
        "floated,lb,us,2024-11,lb-f,,\n"  # 2: good
        "accepted,lbb,israel,2024-11-26,,,\n"  # 3: a proposal never floated
        "accepted,lb,israel,2024-11-26,lb-f,,\n"  # 4: an id used on line 2
        "retracted,lb,editor,2024-12-01,,nothing,typo\n"  # 5: a correction of an unknown event
        "accepted,lb,lebanon,2024-11-26,yemen-truce-2022.un-proposes,,\n"  # 6: an id of the log
        "retracted,lb,editor,2024-12-01,,lb-f,typo\n"  # 7: good, and decided after the refused rows
        "accepted,lb,lebanon,2024-11-27,,,\n"  # 8: good
    )
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    code, _, err = run(db, "import", str(tmp_path / "s.csv"))
    assert code == 1
    where = [line.split(": ")[1] for line in err.splitlines()[:-1]]
    assert where == [f"{tmp_path / 's.csv'}:{n}" for n in (3, 4, 5, 6)]
    assert "never been floated" in err and "duplicate event id 'lb-f' (also on" in err
    assert "names unknown event 'nothing'" in err and "already names a different event" in err
    assert head(db) == before


def test_excel_sep_line_no_header_and_spreadsheet_files(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("sep=;\ntype;proposal;actor;occurred\nfloated;lb;us;2024-11\nrejected;lb;x;2024-13\n")
    code, _, err = run(tmp_path / "t.db", "import", str(path))
    assert (
        code == 1
        and err
        == f"error: {path}:4: field 'occurred': month 13 is neither a month (01-12) nor a season (21-24): '2024-13'\n"
    )
    path.write_text("floated,lb,us,2024-11\n")
    code, _, err = run(tmp_path / "t.db", "import", str(path))
    assert code == 1 and "the first line must be the header" in err and "('floated' is not a column)" in err
    (tmp_path / "s.xlsx").write_bytes(b"PK\x03\x04")
    code, _, err = run(tmp_path / "t.db", "import", str(tmp_path / "s.xlsx"))
    assert code == 1 and "is a spreadsheet file: save it as CSV (UTF-8)" in err
