"""The file ``tracker new`` and ``tracker edit`` open in the editor: a commented template of one
event, in YAML (the default) or JSON, and reading it back.

Lines starting with ``#`` are comments in both formats (JSON has none of its own: they are
dropped before parsing), so the fields of the kind, the form of lists, deadlines and sources,
and after a failed save the errors, are written as comments on top, as ``git commit`` does.
YAML is read by ``core.yamlin``, with strings for every scalar (no dates, numbers or booleans
guessed: ``2024-11`` stays the text ``2024-11``), JSON by ``core.jsonin``. Pure: the editor is run
by ``tracker.commands.editing``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from tracker.core import fields, jsonin, yamlin
from tracker.core.drafts import describe
from tracker.errors import InputError

FORMATS = ("yaml", "json")
ERROR = "# error: "
FORMS = {
    "yaml": [
        "# A list: [a, b], or one '- item' a line. A deadline: 'withdrawal of forces | 2025-01-26'.",
        "# A source: 'Outlet | Title | published | url | attribution | quote' (the last three optional),",
        "#   or {outlet: ..., title: ..., published: ..., url: ...}. Dates are EDTF: 2024-11-26, 2024-11, 2024~,",
        "#   2024-09/2024-11. Leave a field empty to leave it out.",
    ],
    "json": [
        '# A list: ["a", "b"]. A deadline: "withdrawal of forces | 2025-01-26".',
        '# A source: "Outlet | Title | published | url | attribution | quote" (the last three optional),',
        '#   or {"outlet": ..., "title": ..., "published": ..., "url": ...}. Dates are EDTF: 2024-11-26, 2024-11,',
        "#   2024~, 2024-09/2024-11. null leaves a field out.",
    ],
}


class _Dumper(yaml.SafeDumper):
    """YAML that writes None as an empty value, and strings unquoted wherever ``core.yamlin`` (which
    keeps every scalar but null as text) reads them back as the same text."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag.endswith(":null")]
        for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }


_Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))


def template(kind: str, data: Mapping[str, Any], fmt: str, header: Sequence[str], extra: Sequence[str] = ()) -> str:
    """The file to edit: ``header`` and the kind's fields as comments, then every field of ``kind``
    (``data``'s value, else empty), then ``extra`` fields (``reason`` for a correction)."""
    required = fields.required_fields(kind)
    names = list(fields.fields(kind))
    width = max(len(n) for n in names) + 2
    shapes = fields.fields(kind)
    notes = [f"#   {(n + (' *' if n in required else '')).ljust(width)} {describe(kind, n)}"
             + (" (a list)" if shapes[n] != "text" else "") for n in names]  # fmt: skip
    comments = [*(f"# {h}" for h in header), "#", f"# Fields of {kind} (* required):", *notes, *FORMS[fmt]]
    body = {n: _written(kind, n, data.get(n)) for n in names}
    body.update({n: data.get(n) for n in extra})
    if fmt == "json":
        text = json.dumps(body, indent=2, ensure_ascii=False)
    else:
        text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return "\n".join(comments) + "\n" + text.rstrip("\n") + "\n"


def _written(kind: str, name: str, value: Any) -> Any:
    """A field's value as the template shows it: deadlines and sources a line each, in the form typed."""
    shape = fields.fields(kind)[name]
    if shape in ("deadlines", "sources"):
        return [fields.as_text(kind, name, [item]) for item in value or ()]
    return [] if value is None and shape != "text" else value


def parse(text: str, fmt: str) -> dict[str, Any] | None:
    """The event a saved file holds, empty values dropped; None if it holds nothing."""
    content = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    if not content.strip():
        return None
    # Through the same guarded readers as every other input (``jsonin``, ``yamlin``); YAML keeps its
    # comments, so that a line number names the line of the file as the editor shows it.
    try:
        data = jsonin.loads(content) if fmt == "json" else yamlin.document(io.BytesIO(text.encode()), "the file")
    except InputError as exc:
        raise InputError(f"not valid {fmt.upper()}: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise InputError(f"expected the fields of one event (name: value), not {type(data).__name__}")
    return _read(normal(data))


def _read(data: dict[str, Any]) -> dict[str, Any]:
    """Lists, deadlines and sources written as text (``a; b``, ``what | due``, a source line) read as
    ``tracker add`` reads them (``fields.value``)."""
    kind = data.get("type")
    if kind not in fields.models():
        return data  # the model names the kind that is wrong
    shapes = fields.fields(str(kind))
    for name, value in data.items():
        shape = shapes.get(name, "text")
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
        if shape == "text" or items is None:
            continue
        try:
            data[name] = [v for i in items for v in (fields.value(str(kind), name, i) if isinstance(i, str) else [i])]
        except fields.FieldError as exc:
            raise InputError(str(exc), field=name) from None
    return data


def normal(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that hold something (an empty value, list or text is the field left out)."""
    return {str(k): v for k, v in data.items() if v not in (None, "", [], {})}


def with_errors(text: str, errors: Sequence[str]) -> str:
    """The file with ``errors`` on top as comments, replacing those of the previous save."""
    kept = [line for line in text.splitlines() if not line.startswith(ERROR)]
    return "\n".join([*(ERROR + " ".join(e.split()) for e in errors), *kept]) + "\n"
