"""tracker new and tracker edit: a real editor process (a fake one, ``EDITOR=python fake.py``)
writes prepared files in turn, so the reopen-on-error loop runs as it does for a user."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from tracker.api import Tracker
from tracker.cli import app
from tracker.core import template

runner = CliRunner()
FAKE = """
import json, os, sys, pathlib
queue = pathlib.Path(os.environ["FAKE_QUEUE"])
items = json.loads(queue.read_text())
path = pathlib.Path(sys.argv[1])
with open(str(queue) + ".seen", "a") as seen:
    seen.write(json.dumps(path.read_text()) + "\\n")
item = items.pop(0)
queue.write_text(json.dumps(items))
if item == "FAIL":
    sys.exit(3)
if item is not None:
    path.write_text(item)
"""


class Editor:
    """A queue of file contents the fake editor saves, one per opening (None: save unchanged)."""

    def __init__(self, tmp_path: Path) -> None:
        self.script = tmp_path / "fake_editor.py"
        self.script.write_text(FAKE)
        self.queue = tmp_path / "queue.json"

    def env(self, *saves: str | None, var: str = "EDITOR") -> dict[str, str]:
        self.queue.write_text(json.dumps(list(saves)))
        Path(str(self.queue) + ".seen").unlink(missing_ok=True)
        other = "VISUAL" if var == "EDITOR" else "EDITOR"
        return {var: f"{sys.executable} {self.script}", other: "", "FAKE_QUEUE": str(self.queue)}

    def seen(self) -> list[str]:
        """What the editor was opened on, each time."""
        return [json.loads(line) for line in Path(str(self.queue) + ".seen").read_text().splitlines()]

    def left(self) -> list[Any]:
        return list(json.loads(self.queue.read_text()))


@pytest.fixture
def editor(tmp_path: Path) -> Editor:
    return Editor(tmp_path)


def run(db: Path, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)], env=env)
    return result.exit_code, result.stdout, result.stderr


def head(db: Path) -> str:
    return runner.invoke(app, ["head", "--db", str(db)]).stdout


FLOATED = """type: floated
proposal: p
actor: united-states
occurred: 2024-11-26
co_proposers: [france]
addressees: israel; lebanon
sources:
- 'Reuters | US and France: a truce | 2024-11-26 | https://example.org/a'
deadlines:
- withdrawal of forces | 2025-01-26
"""


def test_new_writes_the_event_saved(editor: Editor, db_path: Path) -> None:
    code, out, err = run(db_path, "new", "floated", "p", "--actor", "united-states", env=editor.env(FLOATED))
    assert code == 0, err
    assert out.startswith("floated p (seq 1)") and "appended 1 event(s)" in err
    opened = editor.seen()[0]
    assert "# Fields of floated (* required):" in opened and "#   occurred *" in opened and "#   addressees" in opened
    assert "actor: united-states\n" in opened and "proposal: p\n" in opened and "type: floated\n" in opened
    with Tracker(db_path) as t:
        (row,) = list(t.log())
    event = row["event"]
    assert event["addressees"] == ["israel", "lebanon"] and event["co_proposers"] == ["france"]
    assert event["sources"][0]["title"] == "US and France: a truce" and event["reported"] == "2024-11-26"
    assert event["deadlines"] == [{"what": "withdrawal of forces", "due": "2025-01-26"}]


def test_an_error_reopens_the_file_with_the_message_on_top(editor: Editor, db_path: Path) -> None:
    bad = FLOATED.replace("actor: united-states", "actor: United States").replace("2024-11-26\n", "2024-13\n", 1)
    env = editor.env(bad, FLOATED.replace("actor: united-states", "actor: United States"), FLOATED)
    code, out, err = run(db_path, "new", "floated", "p", env=env)
    assert code == 0, err
    first, second, third = editor.seen()
    assert second.startswith("# error: ") and second.count("# error: ") == 1 and bad in second
    assert third.startswith("# error: actor: 'United States' is not a slug") and third.count("# error: ") == 1
    assert editor.left() == [] and out.startswith("floated p")


def test_every_missing_required_field_is_named(editor: Editor, db_path: Path) -> None:
    env = editor.env("type: suspended\nproposal: p\nnote: talks paused\n", None)
    code, _, err = run(db_path, "new", "suspended", "p", env=env)
    assert editor.seen()[1].startswith("# error: suspended needs actor, occurred, scope\n")
    assert code == 1 and err == "error: the file is unchanged since the error on its first line; nothing written\n"


@pytest.mark.parametrize(
    ("saves", "message"),
    [
        ([None], "error: the template is unchanged; nothing written\n"),
        (["# only comments\n"], "error: the file is empty; nothing written\n"),
        ([""], "error: the file is empty; nothing written\n"),
        (["FAIL"], "error: the editor 'python' exited with status 3; nothing written\n"),
    ],
)
def test_new_aborts_and_writes_nothing(editor: Editor, db_path: Path, saves: list[Any], message: str) -> None:
    run(db_path, "add", "floated", "q", "--actor", "a", "--occurred", "2024", "--reported", "2024", env={})
    before = head(db_path)
    code, out, err = run(db_path, "new", "considering", "q", env=editor.env(*saves))
    assert code == 1 and out == "" and err == message.replace("'python'", f"'{sys.executable}'")
    assert head(db_path) == before


def test_a_log_refusal_reopens_too(editor: Editor, db_path: Path) -> None:
    never = "type: considering\nproposal: nope\nactor: a\noccurred: 2024\nreported: 2024\n"
    code, out, err = run(db_path, "new", "considering", "nope", env=editor.env(never, FLOATED))
    assert editor.seen()[1].startswith("# error: proposal 'nope' has never been floated")
    assert code == 0 and out.startswith("floated p (seq 1)")


def test_json_format_and_visual_first(editor: Editor, db_path: Path) -> None:
    saved = json.dumps({"type": "floated", "proposal": "p", "actor": "russia", "occurred": "2023-09",
                        "reported": "2023-12-23", "addressees": ["ukraine"]})  # fmt: skip
    env = editor.env("# a comment\n" + saved, var="VISUAL")
    env["EDITOR"] = "false"  # VISUAL wins over EDITOR
    code, out, err = run(db_path, "new", "floated", "p", "--format", "json", "--occurred", "2023-09", "--json",
                         env=env)  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["event"]["addressees"] == ["ukraine"]
    opened = editor.seen()[0]
    body = json.loads("\n".join(line for line in opened.splitlines() if not line.startswith("#")))
    assert body["occurred"] == "2023-09" and body["addressees"] == [] and body["note"] is None


def test_bad_format_and_kind(editor: Editor, db_path: Path) -> None:
    code, _, err = run(db_path, "new", "floated", "p", "--format", "toml", env=editor.env(FLOATED))
    assert code == 1 and err == "error: --format: unknown format 'toml'; the formats are yaml, json\n"
    code, _, err = run(db_path, "new", "flaoted", "p", env=editor.env(FLOATED))
    assert code == 1 and err.startswith("error: unknown kind 'flaoted' (did you mean floated?)")
    assert head(db_path) == ""


@pytest.fixture
def story(db_path: Path) -> Path:
    code, _, err = run(db_path, "add", "floated", "p", "--id", "f", "--actor", "united-states", "--addressee",
                       "israel", "--occurred", "2024-11-26", "--source",
                       "Reuters | US and France: a truce | 2024-11-26 | https://example.org/a", env={})  # fmt: skip
    assert code == 0, err
    return db_path


def _opened_event(text: str) -> dict[str, Any]:
    data = template.parse(text, "yaml")
    assert data is not None
    return data


@freeze_time("2026-05-04T10:00:00Z")
def test_edit_appends_an_amendment(editor: Editor, story: Path) -> None:
    def saved(text: str) -> str:
        return text.replace("occurred: 2024-11-26", "occurred: 2024-11-25").replace("reason:", "reason: misdated")

    # the editor saves the opened file with two lines changed: prepared from the template edit shows
    with Tracker(story) as t:
        found = t.find("f")
    assert found.current is not None
    shown = template.template("floated", found.current, "yaml", ["x"], extra=("reason",))
    env = {"TRACKER_EDITOR": "desk", **editor.env(saved(shown))}
    code, out, err = run(story, "edit", "f", "--json", env=env)
    assert code == 0, err
    event = json.loads(out)["event"]
    assert event["type"] == "amended" and event["target"] == "f" and event["reason"] == "misdated"
    assert event["actor"] == "desk" and event["occurred"] == "2026-05-04"
    assert event["replacement"]["occurred"] == "2024-11-25" and event["replacement"]["id"] == "f"
    opened = editor.seen()[0]
    assert "by desk on 2026-05-04" in opened and "reason:" in opened
    assert "- 'Reuters | US and France: a truce | 2024-11-26 | https://example.org/a'\n" in opened
    assert _opened_event(opened)["sources"][0]["outlet"] == "Reuters"


def test_edit_needs_a_reason_and_a_change(editor: Editor, story: Path) -> None:
    before = head(story)
    with Tracker(story) as t:
        found = t.find("f")
    assert found.current is not None
    shown = template.template("floated", found.current, "yaml", ["x"], extra=("reason",))
    changed = shown.replace("occurred: 2024-11-26", "occurred: 2024-11-25")
    code, _, err = run(story, "edit", "f", "--actor", "bob", "--occurred", "2026-01-01",
                       env=editor.env(changed, changed.replace("reason:", "reason: misdated")))  # fmt: skip
    assert code == 0, err
    assert editor.seen()[1].startswith("# error: reason: say why the event is corrected")
    with Tracker(story) as t:
        (amendment,) = [r["event"] for r in t.log() if r["event"]["type"] == "amended"]
    assert amendment["actor"] == "bob" and amendment["occurred"] == "2026-01-01"
    after = head(story)
    assert after != before
    with Tracker(story) as t:
        now = t.find("f").current
    assert now is not None and now["occurred"] == "2024-11-25"
    shown = template.template("floated", now, "yaml", ["x"], extra=("reason",))
    code, _, err = run(story, "edit", "f", env=editor.env(shown.replace("reason:", "reason: nothing really")))
    assert code == 1 and err == "error: the event is unchanged; nothing written\n" and head(story) == after
    code, _, err = run(story, "edit", "f", env=editor.env(None))
    assert code == 1 and err == "error: the template is unchanged; nothing written\n" and head(story) == after


def test_edit_refuses_a_changed_id_by_reopening(editor: Editor, story: Path) -> None:
    with Tracker(story) as t:
        found = t.find("f")
    assert found.current is not None
    shown = template.template("floated", found.current, "yaml", ["x"], extra=("reason",))
    moved = shown.replace("id: f", "id: g").replace("reason:", "reason: r")
    code, _, err = run(story, "edit", "f", env=editor.env(moved, None))
    assert editor.seen()[1].startswith("# error: id: the replacement's id 'g' is not the id")
    assert code == 1 and "nothing written" in err


def test_edit_unknown_event(editor: Editor, story: Path) -> None:
    code, _, err = run(story, "edit", "g", env=editor.env(None))
    assert code == 1 and err.startswith("error: no event 'g' in the log")


def test_the_template_lists_fields_and_forms() -> None:
    text = template.template("violation_alleged", {"type": "violation_alleged", "proposal": "p"}, "yaml", ["hi"])
    assert text.startswith("# hi\n#\n# Fields of violation_alleged (* required):\n")
    assert "#   accused *" in text and "(a list)" in text and "#   incident *" in text and "#   location " in text
    assert "'Outlet | Title | published | url | attribution | quote'" in text
    assert template.parse(text, "yaml") == {"type": "violation_alleged", "proposal": "p"}
    assert template.parse("occurred: 2024-11-26\nnote: 2024\nid: 12\n", "yaml") == {
        "occurred": "2024-11-26", "note": "2024", "id": "12"}  # fmt: skip


@pytest.mark.parametrize(("text", "fmt"), [("a: [b", "yaml"), ("{", "json"), ("- a\n- b\n", "yaml")])
def test_a_file_that_does_not_parse_is_an_error(text: str, fmt: str) -> None:
    from tracker.errors import InputError

    with pytest.raises(InputError):
        template.parse(text, fmt)


def test_new_expect_version(editor: Editor, story: Path) -> None:
    saved = "type: considering\nproposal: p\nactor: israel\noccurred: 2024-11-27\nreported: 2024-11-27\n"
    code, _, err = run(story, "new", "considering", "p", "--expect-version", "0", env=editor.env(saved, None))
    assert editor.seen()[1].startswith("# error: --expect-version: proposal 'p' is at version 1, not 0")
    assert code == 1 and "nothing written" in err
    code, _, err = run(story, "new", "considering", "p", "--expect-version", "1", env=editor.env(saved))
    assert code == 0, err


def test_edit_in_json(editor: Editor, story: Path) -> None:
    with Tracker(story) as t:
        found = t.find("f")
    assert found.current is not None
    shown = template.template("floated", found.current, "json", ["x"], extra=("reason",))
    saved = shown.replace('"note": null', '"note": "announced in Beirut"').replace('"reason": null', '"reason": "r"')
    code, out, err = run(story, "edit", "f", "--format", "json", "--json", env=editor.env(saved))
    assert code == 0, err
    assert json.loads(out)["event"]["replacement"]["note"] == "announced in Beirut"
    assert '"reason": null' in editor.seen()[0] and '"sources": [' in editor.seen()[0]
