"""Instance file -> plain data (dicts, lists, strings, numbers), and where each value stood.

The first step of loading, and the one that meets hostile input: every limit on what a file may
be is here (docs/format.md lists them):

* files are read by `files.read_text`: only regular files (a FIFO or a device would block or
  never end), at most `files.MAX_BYTES`; the text must be UTF-8 without NUL bytes;
* JSON is parsed as JSON (strictly: a trailing comma is an error), YAML as YAML 1.2, TOML as TOML;
* dates stay text until the model reads them (so `2016-13-45` is a problem with a line, not a
  crash), YAML tags are refused, nesting is at most `MAX_DEPTH` deep and YAML aliases may not
  expand the document past `MAX_VALUES` values (a 1 KB "billion laughs" file otherwise needs GBs).

YAML and JSON keep their positions (ruamel.yaml records the line of each key and item), so later
problems can be pointed at a line with `line_of`; TOML problems carry the path only.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import InstanceError, Path, Problem

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
MAX_DEPTH = 40
MAX_VALUES = 200_000


class Parsed:
    """A parsed file: `data` as plain Python values, `tree` as the parser left it (with
    positions where the format has them). A JSON file read without problems never needs its
    positions, so its tree is made only when asked for (`json_data`)."""

    def __init__(self, data: Any, tree: Any, text: str | None = None) -> None:
        self.data = data
        self._tree, self._text = tree, text

    @property
    def tree(self) -> Any:
        if self._tree is None and self._text is not None:
            try:
                self._tree = _tree(self._text, "json")
            except (YAMLError, ValueError, RecursionError):  # positions are a courtesy
                self._text = None
        return self._tree


def parse(text: str, format: str, filename: str | None) -> Parsed:
    """Plain data from text in the given format ("yaml", "json" or "toml")."""
    def fail(message: str, line: int | None = None) -> InstanceError:
        return InstanceError([Problem(message, file=filename, line=line, kind="syntax")],
                             source=filename)

    if "\x00" in text:
        raise fail("the file holds a NUL byte: it is not a text file",
                   text[:text.index("\x00")].count("\n") + 1)
    try:
        quick = json_data(text) if format == "json" else None
        tree = _tree(text, format) if quick is None else None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise fail(f"not valid {format.upper()}: {exc.problem or exc.context}",
                   mark.line + 1 if mark else None) from None
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except (YAMLError, tomllib.TOMLDecodeError, ValueError) as exc:
        said = str(exc)
        if "digits" in said and "integer" in said:  # Python's guard on huge integers
            said = "a number has more than 4,300 digits"
        raise fail(f"not valid {format.upper()}: {_short(said)}") from None
    except RecursionError:
        raise fail(f"nested more than {MAX_DEPTH} levels deep") from None
    parsed = Parsed(None, tree, text)
    try:
        parsed.data = _plain(quick if quick is not None else tree, 0, [MAX_VALUES])
    except _Refused as exc:
        raise fail(exc.message, line_of(parsed.tree, exc.path)) from None
    return parsed


class _Unusual(Exception):
    """JSON that only the full parser reads as the format means it (or refuses with a line)."""


def json_data(text: str) -> Any:
    """JSON read by Python's parser, which is many times faster than ruamel.yaml's, where it
    means the same: None for a duplicate key or NaN and Infinity (which YAML reads as text),
    so that the full parser reads (or refuses) those with their lines."""
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(items)
        if len(found) < len(items):
            raise _Unusual
        return found

    def constant(name: str) -> Any:
        raise _Unusual

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except _Unusual:
        return None


def _tree(text: str, format: str) -> Any:
    if format == "toml":
        return tomllib.loads(text)
    if format == "json":
        json.loads(text)  # strict JSON first: YAML would accept a trailing comma
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _TextDates
    return yaml.load(text)


class _TextDates(RoundTripConstructor):
    """Leaves YAML timestamps as the text written, for the model to read as a date (and to
    report, with its line, when it is not one)."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


class _Refused(Exception):
    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.message, self.path = message, path


def _plain(node: Any, depth: int, budget: list[int], path: Path = ()) -> Any:
    """The parser's values as plain dicts, lists, bools, ints, floats and strs (dates as text),
    within the limits of depth and size."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused(f"the file expands to more than {MAX_VALUES:,} values (YAML aliases "
                       "repeating large parts?)", path)
    if depth > MAX_DEPTH:
        raise _Refused(f"nested more than {MAX_DEPTH} levels deep", path)
    if isinstance(node, TaggedScalar) or _tag(node):
        raise _Refused(f"YAML tags ({_tag(node) or node.tag.value}) are not part of the "
                       "format; remove the tag", path)
    if isinstance(node, Mapping):
        return {str(k): _plain(v, depth + 1, budget, (*path, str(k))) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, depth + 1, budget, (*path, i)) for i, v in enumerate(node)]
    for kind in (bool, int, float, str):
        if isinstance(node, kind):
            return kind(node)
    if hasattr(node, "isoformat"):  # a TOML date or datetime
        return node.isoformat()
    return node


def _tag(node: Any) -> str | None:
    """The explicit YAML tag on a collection (`!foo [1]`), if any."""
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", None)
    return value if isinstance(value, str) and value.startswith("!") else None


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + " ..."


def line_of(tree: Any, path: Path) -> int | None:
    """The 1-based line of the deepest part of `path` that the parsed file can place."""
    line = None
    node = tree
    for part in path:
        lc = getattr(node, "lc", None)
        try:
            if lc is None:
                break
            if isinstance(node, Mapping) and part in node:
                line = lc.data[part][2] if _is_leaf(node[part]) else lc.data[part][0]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                line = lc.data[part][0]
            else:
                break
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    if line is None and getattr(tree, "lc", None) is not None:
        return 1
    return None if line is None else line + 1


def _is_leaf(node: Any) -> bool:
    return not isinstance(node, Mapping | list)
