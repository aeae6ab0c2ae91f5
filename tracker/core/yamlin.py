"""YAML input read safely, as ``jsonin`` reads JSON: every scalar stays text, no anchors or aliases,
bounded nesting.

A file is a list of events (mappings), or several documents (``---``), each an event or a list
of them. PyYAML's parser (libyaml's where installed) reads the events; nodes are composed from
them here and turned into plain values, never through a constructor: only ``null`` (``~``,
empty) is resolved, so that ``2024-11`` and ``2024-11-26`` stay the EDTF text they were (YAML
1.1 would make the second a ``datetime.date``), and ``yes``, ``1e3`` or ``0x10`` stay what was
typed. Anchors and aliases are
refused where they appear (an alias bomb, "billion laughs", expands a few lines into billions of
nodes), as are keys that are not text, keys given twice and tags other than YAML's own scalars.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tracker.core.jsonin import MAX_DEPTH
from tracker.errors import InputError

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_TEXT = {_STR, *(f"tag:yaml.org,2002:{t}" for t in ("timestamp", "int", "float", "bool"))}
"""Tags whose value is kept as the text written (``!!timestamp 2024-11-26`` is that text)."""


_NULLS = ("", "~", "null", "Null", "NULL")
"""The plain scalars that mean null (YAML 1.1's resolver): the only ones not kept as text."""


def _parser(stream: IO[bytes]) -> Any:
    """PyYAML's parser, in C (libyaml) where installed: only its events are used, never a constructor."""
    return yaml.CSafeLoader(stream) if yaml.__with_libyaml__ else yaml.SafeLoader(stream)


def _compose(parser: Any, depth: int) -> Node:
    """The node of the next value, refusing an anchor or an alias, and nesting deeper than ``MAX_DEPTH``,
    where they appear: nothing an alias names is ever expanded."""
    event: Any = parser.get_event()
    if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
        raise _Refused(
            "anchors and aliases (&name, *name) are not accepted: write each event in full", event.start_mark
        )
    if depth > MAX_DEPTH:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
    tag = event.tag if event.tag not in (None, "!") else None
    start: Any = event.start_mark  # a libyaml mark where the parser is libyaml's
    end: Any = event.end_mark
    if isinstance(event, yaml.ScalarEvent):
        if tag is None:
            tag = _NULL if event.implicit[0] and event.value in _NULLS else _STR
        return ScalarNode(tag, event.value, start, end)
    if isinstance(event, yaml.SequenceStartEvent):
        items = []
        while not parser.check_event(yaml.SequenceEndEvent):
            items.append(_compose(parser, depth + 1))
        parser.get_event()
        return SequenceNode(tag or _SEQ, items, start, end)
    pairs = []
    while not parser.check_event(yaml.MappingEndEvent):
        key = _compose(parser, depth + 1)
        pairs.append((key, _compose(parser, depth + 1)))
    parser.get_event()
    return MappingNode(tag or _MAP, pairs, start, end)


class _Refused(Exception):
    """YAML this reader does not accept, at a place in the file."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


def events(stream: IO[bytes], file: str) -> Iterator[tuple[int, dict[str, Any]] | InputError]:
    """Each event of a YAML stream with the line it starts on, or an error naming the line.

    An event that cannot be read is an error in its place and the next is read; malformed YAML
    ends the file there.
    """
    parser = _parser(stream)
    try:
        parser.get_event()  # the stream's start
        while not parser.check_event(yaml.StreamEndEvent):
            parser.get_event()  # a document's start
            node = _compose(parser, 1)
            parser.get_event()  # its end
            if isinstance(node, SequenceNode):
                for item in node.value:
                    yield _event(item, file)
            elif isinstance(node, MappingNode):
                yield _event(node, file)
            elif not (isinstance(node, ScalarNode) and node.tag == _NULL):
                line = node.start_mark.line + 1
                yield InputError("a YAML document is an event (a mapping) or a list of events", file=file, line=line)
    except _Refused as exc:
        yield InputError(exc.message, file=file, line=exc.line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        yield InputError(f"malformed YAML ({exc.problem or exc.context})", file=file, line=line)
    except yaml.YAMLError as exc:  # the reader: bytes that are not UTF-8, control characters
        yield InputError(f"malformed YAML ({exc})", file=file)
    finally:
        parser.dispose()


def _event(node: Node, file: str) -> tuple[int, dict[str, Any]] | InputError:
    line = node.start_mark.line + 1
    if not isinstance(node, MappingNode):
        return InputError("an event is a mapping of field: value", file=file, line=line)
    try:
        event = _plain(node)
    except _Refused as exc:
        return InputError(exc.message, file=file, line=line)
    version = event.get("schema_version")
    if isinstance(version, str) and version.isascii() and version.isdigit():
        event["schema_version"] = int(version)  # the one number an event may carry
    return line, event


def _plain(node: Node) -> Any:
    """The value of a node: text, None, a list or a dict with text keys."""
    if isinstance(node, ScalarNode):
        if node.tag == _NULL:
            return None
        if node.tag in _TEXT:
            return node.value
        raise _Refused(f"the tag {node.tag} is not accepted; write the value as text", node.start_mark)
    if node.tag not in (_SEQ, _MAP):
        raise _Refused(
            f"the tag {node.tag} is not accepted; write the value as a plain list or mapping", node.start_mark
        )
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    out: dict[str, Any] = {}
    for key, item in node.value:
        if not isinstance(key, ScalarNode) or key.tag != _STR:
            raise _Refused("a key must be text (a field name)", key.start_mark)
        if key.value in out:
            raise _Refused(f"key {key.value!r} is given twice", key.start_mark)
        out[key.value] = _plain(item)
    return out


def is_names(stream: IO[bytes]) -> bool:
    """Whether a YAML stream is a names file (its first document a mapping whose first key is
    ``parties`` or ``proposals``), read only as far as that key."""
    parser = _parser(stream)
    try:
        for expected in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.MappingStartEvent):
            if not parser.check_event(expected):
                return False
            parser.get_event()
        event: Any = parser.get_event()
        return isinstance(event, yaml.ScalarEvent) and event.value in ("parties", "proposals")
    except yaml.YAMLError:
        return False
    finally:
        parser.dispose()


def document(stream: IO[bytes], file: str) -> Any:
    """The first document of a YAML stream as plain values, read as guardedly as events are (no
    anchors or aliases, bounded nesting, every scalar text); InputError naming the line if not."""
    parser = _parser(stream)
    try:
        parser.get_event()
        if parser.check_event(yaml.StreamEndEvent):
            return None
        parser.get_event()
        return _plain(_compose(parser, 1))
    except _Refused as exc:
        raise InputError(exc.message, file=file, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"malformed YAML ({exc.problem or exc.context})", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML ({exc})", file=file) from None
    finally:
        parser.dispose()
