"""Instance file -> validated `Instance`, reporting every problem with file, line and path.

`parse` turns the file into plain data (and refuses what is not an instance file at all); this
module validates it: pydantic checks each key's shape (`model.py`), then one walk checks every
reference between ids and the arithmetic of the base rules. All problems are reported at once,
each with the line `parse` recorded for its path.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from ..errors import InstanceError, Path, Problem, ProblemKind, known, shown
from ..files import read_text
from .demands import DEMAND_TYPES
from .parse import FORMATS, Parsed, line_of, parse
from .polls import Uncertainty
from .references import HIDDEN, reference_problems, uncertainty_problems
from .schema import Instance
from .transform import generated_ids, with_ids

#: at most this many problems are listed (then how many more there are)
MAX_PROBLEMS = 50


def load(path: str | FilePath) -> Instance:
    """Read an instance file (YAML, JSON or TOML, by its extension)."""
    path = FilePath(path)
    text = read_text(path)
    return loads(text, format=FORMATS.get(path.suffix.lower(), "yaml"), filename=str(path))


def instance_files(paths: Iterable[str | FilePath]) -> list[FilePath]:
    """The files named, and every instance file inside each folder named (sorted by name)."""
    found: list[FilePath] = []
    for name in paths:
        path = FilePath(name)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in FORMATS)
        else:
            found.append(path)
    return found


def loads(text: str, format: str = "yaml", filename: str | None = None) -> Instance:
    """Read an instance from text in the given format ("yaml", "json" or "toml")."""
    return _validate(parse(text, format, filename), filename)


def from_dict(data: Mapping[str, Any]) -> Instance:
    """Validate an instance given as plain Python data."""
    return _validate(Parsed(data, None), None)


# --- validation -----------------------------------------------------------------------------------


def _validate(parsed: Parsed, filename: str | None) -> Instance:
    data = parsed.data
    if not isinstance(data, Mapping):
        raise InstanceError([Problem("an instance is a mapping of keys (name, parties, ...)",
                                     file=filename, line=1)], source=filename)
    try:
        instance = _with_ids(Instance.model_validate(data))
    except ValidationError as exc:
        problems = _pydantic_problems(exc, data)
        problems += _references_beside(data, problems)
    else:
        problems = list(reference_problems(instance))
    _refuse(problems, parsed, filename)
    return instance


def load_uncertainty(path: str | FilePath, instance: Instance) -> Instance:
    """The instance with the `votes` and `electoral_system` of a file beside it (`sweep
    --polls FILE`), checked against its parties like the rest of an instance."""
    path = FilePath(path)
    filename = str(path)
    parsed = parse(read_text(path), FORMATS.get(path.suffix.lower(), "yaml"), filename)
    data = parsed.data
    if not isinstance(data, Mapping):
        raise InstanceError([Problem("a polls file is a mapping with the keys votes and "
                                     "electoral_system", file=filename, line=1)],
                            source=filename)
    try:
        given = Uncertainty.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(exc, data)
    else:
        instance = instance.model_copy(update={"votes": given.votes,
                                               "electoral_system": given.electoral_system})
        problems = list(uncertainty_problems(instance))
    _refuse(problems, parsed, filename)
    return instance


def _refuse(problems: list[Problem], parsed: Parsed, filename: str | None) -> None:
    """Raise the problems found, if any, each with its line, in reading order."""
    if not problems:
        return
    located = sorted((Problem(p.message, p.path, filename, line_of(parsed.tree, p.path),
                              p.kind) for p in problems), key=_reading_order)
    if len(located) > MAX_PROBLEMS:
        rest = len(located) - MAX_PROBLEMS
        located = [*located[:MAX_PROBLEMS],
                   Problem(f"... and {rest} more problem{'s' if rest > 1 else ''}",
                           file=filename)]
    raise InstanceError(located, source=filename)


def _reading_order(problem: Problem) -> tuple[int, list[tuple[int, int | str]]]:
    """By line, then by path (`demands[2]` before `demands[10]`)."""
    return problem.line or 0, [(0, p) if isinstance(p, int) else (1, p) for p in problem.path]


def _with_ids(instance: Instance) -> Instance:
    return instance.model_copy(update={"demands": with_ids(instance.demands, set())})


#: items of these lists can be set aside when malformed, so the rest can still be cross-checked
_ITEM_LISTS = {("parties",), ("policies",), ("demands",), ("scenarios",)}


def _references_beside(data: Any, shape: list[Problem]) -> list[Problem]:
    """Reference problems of the well-formed rest of an instance that has shape problems.

    Unknown keys are deleted; a malformed party, policy, demand or scenario is replaced by a
    harmless stand-in that keeps its id (so that references to it do not cascade). If anything
    else is malformed, the rest cannot be cross-checked and only the shape problems are reported.
    """
    repaired = copy.deepcopy(data)
    demand_ids = _raw_demand_ids(data.get("demands"))
    replaced: set[tuple[str | int, ...]] = set()
    for problem in sorted(shape, key=lambda p: p.kind != "unknown_key"):  # deletions first
        path = problem.path
        if problem.kind == "unknown_key":
            parent = _at(path[:-1], repaired)
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
        elif len(path) >= 2 and path[:1] in _ITEM_LISTS and isinstance(path[1], int):
            kind, i = path[0], path[1]
            repaired[kind][i] = _stand_in(kind, repaired[kind][i], i, demand_ids)
            replaced.add(path[:2])
        else:
            return []
    try:
        instance = _with_ids(Instance.model_validate(repaired))
    except ValidationError:
        return []
    stand_ins = {repaired[kind][i].get("id", repaired[kind][i].get("name"))
                 for kind, i in replaced if kind != "demands"}
    hiding = HIDDEN.set(frozenset(stand_ins) - _ids_given(data))
    parties_unknown = any(kind == "parties" for kind, _ in replaced)
    try:
        return [p for p in reference_problems(instance) if p.path[:2] not in replaced
                and not (parties_unknown and p.kind == "base_rules")]  # seats unknown
    finally:
        HIDDEN.reset(hiding)


def _ids_given(data: Any) -> set[str]:
    """Every party id, policy id and scenario name the user wrote."""
    given = set()
    for kind, key in (("parties", "id"), ("policies", "id"), ("scenarios", "name")):
        items = data.get(kind) if isinstance(data, Mapping) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and isinstance(item.get(key), str):
                given.add(item[key])
    return given


def _raw_demand_ids(demands: Any) -> list[str]:
    """The id each demand of the file would get, read from the raw data (malformed or not)."""
    if not isinstance(demands, list):
        return []

    def text(item: Any, key: str) -> str | None:
        value = item.get(key) if isinstance(item, Mapping) else None
        return value if isinstance(value, str) else None

    return generated_ids([(text(d, "id"), text(d, "party"), text(d, "type") or "demand")
                          for d in demands], ())


def _stand_in(kind: Any, item: Any, index: int, demand_ids: list[str]) -> dict[str, Any]:
    """A harmless, valid item in place of a malformed one, keeping its id."""
    if kind == "demands":
        return {"type": "minimal_winning", "id": demand_ids[index]}
    given = item.get("id" if kind != "scenarios" else "name") if isinstance(item, dict) else None
    ident = given if isinstance(given, str) and re.fullmatch(r"[a-z0-9_-]+", given) else None
    if kind == "parties":
        return {"id": ident or f"malformed-party-{index}", "seats": 0}
    if kind == "policies":
        return {"id": ident or f"malformed-policy-{index}"}
    return {"name": ident or f"malformed-scenario-{index}"}


def _pydantic_problems(exc: ValidationError, data: Any) -> list[Problem]:
    """pydantic's errors, re-addressed to the user's own paths and worded for people."""
    by_path: dict[Path, list[tuple[str, ProblemKind]]] = {}
    for error in exc.errors():
        path, message, kind = _worded(error, data)
        by_path.setdefault(path, [])
        if (message, kind) not in by_path[path]:
            by_path[path].append((message, kind))
    return [Problem(message, path, kind=kind)
            for path, said in by_path.items() for message, kind in _alternatives(said)]


_KINDS = {
    "int_type": "an integer", "int_parsing": "an integer", "int_from_float": "an integer",
    "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
    "bool_parsing": "true or false", "string_type": "a string", "list_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)", "finite_number": "a finite number",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
}


def _worded(error: Any, data: Any) -> tuple[Path, str, ProblemKind]:
    """One pydantic error as (the user's path, a message for people, its kind)."""
    kind = error["type"]
    path = _user_path(error["loc"], data, keeps_last=kind in ("missing", "extra_forbidden"))
    if kind == "extra_forbidden":
        return path, _unknown_key(path, data), "unknown_key"
    if kind == "missing" and path[-1] == "party" and _demand_type(path[:-1], data):
        return path[:-1], (f"a `{_demand_type(path[:-1], data)}` demand needs the `party` it "
                           "belongs to"), "missing_key"
    if kind == "missing":
        return path, f"missing required key {path[-1]!r}", "missing_key"
    if kind == "union_tag_invalid":
        return path, (f"unknown demand type {shown(error['input'].get('type'))} "
                      f"({known(DEMAND_TYPES)})"), "shape"
    if kind == "union_tag_not_found":
        return path, f"a demand needs a 'type' ({known(DEMAND_TYPES)})", "missing_key"
    if kind == "string_pattern_mismatch":
        return path, (f"{shown(error['input'])} is not an id: use lowercase letters, digits, "
                      "_ and -"), "shape"
    if kind in _KINDS:
        return path, f"expected {_KINDS[kind]}, got {shown(error['input'])}", "shape"
    bounds = {"less_than_equal": ("at most", "le"), "greater_than_equal": ("at least", "ge"),
              "greater_than": ("greater than", "gt")}
    if kind in bounds:
        said, key = bounds[kind]
        limit = error["ctx"][key]
        return path, f"must be {said} {limit}, got {shown(error['input'])}", "shape"
    message = error["msg"].replace("Value error, ", "")
    if kind in ("literal_error", "too_long", "string_too_long"):
        message += f", got {shown(error['input'])}"
    return path, message, "shape"


def _unknown_key(path: Path, data: Any) -> str:
    """What to say of a key the format does not have where it stands: the keys it does have
    there, and where a demand's key landed outside its demand, that it lost its indent."""
    parent = _parent_fields(path, data)
    said = f"unknown key {path[-1]!r}" + (f" ({known(parent)})" if parent else "")
    if path[-1] in _DEMAND_KEYS and "type" not in parent:
        said += "; a demand's key? indent it under its demand"
    return said


#: every key some demand type has
_DEMAND_KEYS = frozenset(f.alias or name for cls in DEMAND_TYPES.values()
                         for name, f in cls.model_fields.items())


def _alternatives(said: list[tuple[str, ProblemKind]]) -> list[tuple[str, ProblemKind]]:
    """The messages for one path: where a union's branches each said "expected X", one message
    naming the alternatives; where one branch fitted the shape and said more, only that."""
    expected = [m for m, _ in said if m.startswith("expected ")]
    if len(expected) < len(said):
        return [(m, k) for m, k in said if m not in expected]
    if len(expected) > 1:
        got = expected[0].split(", got ", 1)[1]
        kinds = " or ".join(m[len("expected "):].split(", got ")[0] for m in expected)
        return [(f"expected {kinds}, got {got}", "shape")]
    return said


def _user_path(loc: tuple[Any, ...], data: Any, keeps_last: bool) -> Path:
    """Drop the parts of pydantic's location that name union branches, not keys of the file.

    `keeps_last`: the error is about a key that is absent (missing) or should be (unknown).
    """
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, Mapping):
            key = part if part in node or (last and keeps_last) else _alias(part, node)
            if key is not None:
                path.append(key)
                node = node.get(key)
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if part < len(node) else None
    return tuple(path)


def _alias(field: Any, node: Mapping[str, Any]) -> str | None:
    """The key a user wrote for a field pydantic names differently (`with_` is `with`)."""
    if isinstance(field, str) and field.endswith("_") and field[:-1] in node:
        return field[:-1]
    return None


def _at(path: Path, data: Any) -> Any:
    """The value at `path`, or None where the data has no such place."""
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _demand_type(path: Path, data: Any) -> str | None:
    """The demand type of the mapping at `path`, if it is a demand of a known type."""
    node = _at(path, data)
    kind = node.get("type") if isinstance(node, Mapping) else None
    return kind if isinstance(kind, str) and kind in DEMAND_TYPES else None


def _parent_fields(path: Path, data: Any) -> list[str]:
    """The keys allowed where an unknown key was found, so the message can suggest the right one."""
    model = _model_at(path[:-1], data)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(path: Path, data: Any) -> type[BaseModel] | None:
    """The model of the mapping at `path` of an instance file (a demand's by its `type`), found
    by walking the instance's fields; None where the path leads nowhere known."""
    model: type[BaseModel] | None = Instance
    for i, part in enumerate(path):
        if model is None or isinstance(part, int):
            continue
        field = next((f for name, f in model.model_fields.items()
                      if (f.alias or name) == part), None)
        if field is None:
            return None
        model = _model_in(field.annotation, path[:i + 2], data)
    return model


def _model_in(annotation: Any, item: Path, data: Any) -> type[BaseModel] | None:
    """The model a field holds (through lists, optionals and unions); a demand's by the `type`
    of the item at `item`."""
    models = _models(annotation)
    if len(models) == 1:
        return models[0]
    kind = _demand_type(item, data)
    return DEMAND_TYPES[kind] if kind is not None else None


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models(arg)]
