"""Instance file -> validated `Instance`, reporting every problem with file, line and path.

YAML and JSON are read with ruamel.yaml, which remembers where each key and item stood, so a
problem found by pydantic or by the reference checks below can be pointed at its line.
TOML is read with tomllib, which keeps no positions: its problems carry the path only.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from itertools import combinations
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from .errors import InstanceError, Path, Problem, known
from .model import (
    DEMAND_TYPES,
    Connected,
    DemandBase,
    EqualSplit,
    Instance,
    Outcome,
    Proportional,
)
from .scenarios import apply_scenario, with_ids

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}


def load(path: str | FilePath) -> Instance:
    """Read an instance file (YAML, JSON or TOML, by its extension)."""
    path = FilePath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError([Problem(f"cannot read the file: {exc}", file=str(path))]) from None
    return loads(text, format=FORMATS.get(path.suffix.lower(), "yaml"), filename=str(path))


def loads(text: str, format: str = "yaml", filename: str | None = None) -> Instance:
    """Read an instance from text in the given format ("yaml", "json" or "toml")."""
    tree: Any
    if format == "toml":
        try:
            tree = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InstanceError([Problem(f"not valid TOML: {exc}", file=filename)]) from None
    else:
        try:
            tree = YAML(typ="rt", pure=True).load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            message = f"not valid {format.upper()}: {exc.problem or exc.context}"
            raise InstanceError([Problem(message, file=filename, line=line)]) from None
    return _validate(tree, filename)


def from_dict(data: Mapping[str, Any]) -> Instance:
    """Validate an instance given as plain Python data."""
    return _validate(data, None)


# --- validation ----------------------------------------------------------------------------


def _validate(tree: Any, filename: str | None) -> Instance:
    if not isinstance(tree, Mapping):
        raise InstanceError([Problem("an instance is a mapping of keys (name, parties, ...)",
                                     file=filename, line=1)])
    data = _plain(tree)
    try:
        instance = _with_ids(Instance.model_validate(data))
    except ValidationError as exc:
        problems = _pydantic_problems(exc, data)
        problems += _references_beside(data, problems)
    else:
        problems = list(_reference_problems(instance))
    if problems:
        located = [Problem(p.message, p.path, filename, _line(tree, p.path)) for p in problems]
        raise InstanceError(sorted(located, key=lambda p: p.line or 0))
    return instance


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
    replaced: set[tuple[str | int, ...]] = set()
    for problem in shape:
        path = problem.path
        if problem.message.startswith("unknown key"):
            parent = repaired
            for part in path[:-1]:
                parent = parent[part]
            parent.pop(path[-1], None)
        elif len(path) >= 2 and path[:1] in _ITEM_LISTS and isinstance(path[1], int):
            repaired[path[0]][path[1]] = _stand_in(path[0], repaired[path[0]][path[1]], path[1])
            replaced.add(path[:2])
        else:
            return []
    try:
        instance = _with_ids(Instance.model_validate(repaired))
    except ValidationError:
        return []
    return [p for p in _reference_problems(instance) if p.path[:2] not in replaced]


def _stand_in(kind: Any, item: Any, index: int) -> dict[str, Any]:
    given = item.get("id" if kind != "scenarios" else "name") if isinstance(item, dict) else None
    ident = given if isinstance(given, str) and re.fullmatch(r"[a-z0-9_-]+", given) else None
    if kind == "parties":
        return {"id": ident or f"malformed-party-{index}", "seats": 0}
    if kind == "policies":
        return {"id": ident or f"malformed-policy-{index}"}
    if kind == "scenarios":
        return {"name": ident or f"malformed-scenario-{index}"}
    return {"type": "minimal_winning", **({"id": ident} if ident else {})}


def _plain(node: Any) -> Any:
    """ruamel's commented containers and scalars, as plain dicts, lists, ints and strs."""
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    for kind in (bool, int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node


def _line(tree: Any, path: Path) -> int | None:
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


_KINDS = {
    "int_type": "an integer", "int_parsing": "an integer", "int_from_float": "an integer",
    "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
    "bool_parsing": "true or false", "string_type": "a string", "list_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
}


def _pydantic_problems(exc: ValidationError, data: Any) -> list[Problem]:
    """pydantic's errors, re-addressed to the user's own paths and worded for people."""
    by_path: dict[Path, list[str]] = {}
    for error in exc.errors():
        kind = error["type"]
        path = _user_path(error["loc"], data, keeps_last=kind in ("missing", "extra_forbidden"))
        if kind == "extra_forbidden":
            parent = _parent_fields(path, data)
            message = f"unknown key {path[-1]!r}" + (f" ({known(parent)})" if parent else "")
        elif kind == "missing":
            message = f"missing required key {path[-1]!r}"
        elif kind == "union_tag_invalid":
            message = f"unknown demand type {error['input'].get('type')!r} ({known(DEMAND_TYPES)})"
        elif kind == "union_tag_not_found":
            message = f"a demand needs a 'type' ({known(DEMAND_TYPES)})"
        elif kind == "string_pattern_mismatch":
            message = f"{error['input']!r} is not an id: use lowercase letters, digits, _ and -"
        elif kind in _KINDS:
            message = f"expected {_KINDS[kind]}, got {error['input']!r}"
        else:
            message = error["msg"].replace("Value error, ", "")
            if kind == "literal_error":
                message += f", got {error['input']!r}"
        by_path.setdefault(path, [])
        if message not in by_path[path]:
            by_path[path].append(message)
    problems = []
    for path, messages in by_path.items():
        expected = [m for m in messages if m.startswith("expected ")]
        if len(expected) < len(messages):  # a union branch that fit the shape said more
            messages = [m for m in messages if m not in expected]
        elif len(expected) > 1:  # one per branch of a union: say them as one alternative
            got = expected[0].split(", got ", 1)[1]
            kinds = " or ".join(m[len("expected "):].split(", got ")[0] for m in expected)
            messages = [m for m in messages if m not in expected] + [f"expected {kinds}, got {got}"]
        problems += [Problem(m, path) for m in messages]
    return problems


def _user_path(loc: tuple[Any, ...], data: Any, keeps_last: bool) -> Path:
    """Drop the parts of pydantic's location that name union branches, not keys of the file.

    `keeps_last`: the error is about a key that is absent (missing) or should be (unknown).
    """
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, Mapping):
            if part in node or (last and keeps_last):
                path.append(part)
                node = node.get(part)
            elif part in ("with_", "as_", "in_") and part[:-1] in node:
                path.append(part[:-1])
                node = node[part[:-1]]
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if part < len(node) else None
    return tuple(path)


def _parent_fields(path: Path, data: Any) -> list[str]:
    """The keys allowed where an unknown key was found, so the message can suggest the right one."""
    node = data
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, Mapping) and "type" in node and node["type"] in DEMAND_TYPES:
        cls = DEMAND_TYPES[node["type"]]
        return [f.alias or name for name, f in cls.model_fields.items()]
    return []


# --- reference checks -------------------------------------------------------------------------


def _reference_problems(instance: Instance) -> Iterator[Problem]:
    """Every id that points nowhere, every duplicate, every demand the instance cannot support."""
    yield from _duplicates("parties", [p.id for p in instance.parties], ("parties",))
    yield from _duplicates("policies", [p.id for p in instance.policies], ("policies",))
    yield from _duplicates("posts", instance.cabinet.posts, ("cabinet", "posts"))
    yield from _duplicates("portfolios", instance.cabinet.portfolios, ("cabinet", "portfolios"))
    yield from _duplicates("demand ids", [d.id for d in instance.demands], ("demands",))
    yield from _duplicates("scenario names", [s.name for s in instance.scenarios], ("scenarios",))
    listed = sum(p.seats for p in instance.parties)
    if instance.seats is not None and instance.seats < listed:
        yield Problem(f"the total ({instance.seats}) is below the parties' seats ({listed}); "
                      "give the whole chamber, or leave `seats` out", ("seats",))
    yield from _instance_problems(instance, (), list(enumerate(instance.demands)), ())
    if instance.outcome is not None:
        yield from _outcome_problems(instance, instance.outcome, ("outcome",))
        yield from _relaxed_by(instance, instance.outcome.relaxed_by, ("outcome",))
    demand_ids = [d.key for d in instance.demands]
    for i, scenario in enumerate(instance.scenarios):
        at: Path = ("scenarios", i)
        for j, dropped in enumerate(scenario.drop):
            if dropped not in demand_ids:
                yield Problem(f"unknown demand {dropped!r} ({known(demand_ids)})", at + ("drop", j))
        effective = apply_scenario(instance, scenario)
        added = effective.demands[len(effective.demands) - len(scenario.add):]
        kept = [d.id for d in effective.demands[:len(effective.demands) - len(added)]]
        for j, demand in enumerate(added):
            if demand.id in kept:
                yield Problem(f"{demand.id!r} is already a demand of the instance; drop it "
                              "first or choose another id", at + ("add", j, "id"))
        yield from _instance_problems(
            effective, at, [(j, d) for j, d in enumerate(added)], ("add",)
        )
        if scenario.outcome is not None:
            yield from _outcome_problems(effective, scenario.outcome, at + ("outcome",))
        yield from _relaxed_by(effective, scenario.relaxed_by, at)


def _duplicates(what: str, ids: list[Any], at: Path) -> Iterator[Problem]:
    seen: set[Any] = set()
    for i, item in enumerate(ids):
        if item in seen:
            yield Problem(f"{item!r} appears twice in {what}; ids must be unique", at + (i,))
        seen.add(item)


def _instance_problems(
    instance: Instance, at: Path, demands: list[tuple[int, DemandBase]], demand_key: Path
) -> Iterator[Problem]:
    """Problems of the cabinet, policies and the given demands against one (effective) instance."""
    policies = [p.id for p in instance.policies]
    if not at:
        for i, group in enumerate(instance.policy_conflicts):
            if len(set(group)) < 2:
                yield Problem("a conflict names at least two different policies",
                              ("policy_conflicts", i))
            for j, pid in enumerate(group):
                yield from _ref("policy", pid, policies, ("policy_conflicts", i, j))
    for i, demand in demands:
        yield from _demand_problems(instance, demand, at + (demand_key or ("demands",)) + (i,))


def _demand_problems(instance: Instance, demand: DemandBase, at: Path) -> Iterator[Problem]:
    parties = instance.party_ids
    refs: dict[str, Any] = demand.model_dump(by_alias=True)
    if demand.party is not None:
        yield from _ref("party", demand.party, parties, at + ("party",))
    elif demand.needs_party:
        yield Problem(f"a `{refs['type']}` demand needs the `party` it belongs to", at)
    for key in ("by", "of", "with", "parties"):
        for j, pid in enumerate(refs.get(key) or []):
            yield from _ref("party", pid, parties, at + (key, j))
            if key != "by" and pid == demand.party and refs["type"] in (
                "refuse_partner", "requires_partner", "refuse_support"
            ):
                yield Problem(f"{pid!r} cannot name itself here", at + (key, j))
    if demand.when is not None and demand.default_when is None:
        yield Problem(f"a `{refs['type']}` demand is always in force; remove `when`",
                      at + ("when",))
    elif demand.when is not None and demand.party is None:
        yield Problem("`when` needs the `party` whose role it refers to", at + ("when",))
    posts = instance.cabinet.all_posts
    if "post" in refs:
        yield from _ref("post", refs["post"], posts, at + ("post",))
    if "portfolio" in refs:
        yield from _ref("portfolio", refs["portfolio"], instance.cabinet.portfolios,
                        at + ("portfolio",))
    for key, pool, what in (("posts", posts, "post"),
                            ("policies", [p.id for p in instance.policies], "policy")):
        if key in refs and not isinstance(demand, EqualSplit | Proportional):
            for j, ref in enumerate(refs[key]):
                yield from _ref(what, ref, pool, at + (key, j))
    if "abstain" in (refs.get("in") or []) and instance.government.investiture == "absolute":
        yield Problem("`abstain` needs government.investiture relative or negative "
                      "(under absolute investiture nobody abstains)", at + ("in",))
    if isinstance(demand, Connected):
        missing = [p.id for p in instance.parties if p.position is None]
        if missing:
            yield Problem(f"`connected` needs a position on every party; missing on "
                          f"{', '.join(missing)}", at)
    if isinstance(demand, Proportional) and demand.basis == "votes":
        in_scope = demand.parties or parties
        missing = [p.id for p in instance.parties if p.id in in_scope and p.votes is None]
        if missing:
            yield Problem(f"`basis: votes` needs votes for {', '.join(missing)}; add them or "
                          "use `basis: seats`", at + ("basis",))


def _outcome_problems(instance: Instance, outcome: Outcome, at: Path) -> Iterator[Problem]:
    parties = instance.party_ids
    for key in ("cabinet", "support", "abstain"):
        for j, pid in enumerate(getattr(outcome, key) or []):
            yield from _ref("party", pid, parties, at + (key, j) if key != "cabinet"
                            or isinstance(outcome.cabinet, list) else at + (key, pid))
    if outcome.abstain and instance.government.investiture == "absolute":
        yield Problem("`abstain` needs government.investiture relative or negative",
                      at + ("abstain",))
    for key, pool in (("posts", instance.cabinet.all_posts),
                      ("portfolios", instance.cabinet.portfolios)):
        for name, holder in (getattr(outcome, key) or {}).items():
            yield from _ref(key[:-1], name, pool, at + (key, name))
            yield from _ref("party", holder, parties, at + (key, name))
    roles = [set(getattr(outcome, k) or []) for k in ("cabinet", "support", "abstain")]
    for a, b in combinations(roles, 2):
        for pid in sorted(a & b):
            yield Problem(f"{pid!r} is given two roles in the outcome", at)


def _relaxed_by(instance: Instance, ids: list[str] | None, at: Path) -> Iterator[Problem]:
    demand_ids = [d.key for d in instance.demands]
    for j, did in enumerate(ids or []):
        yield from _ref("demand", did, demand_ids, at + ("relaxed_by", j))


def _ref(what: str, ref: str, pool: Iterable[Any], at: Path) -> Iterator[Problem]:
    pool = list(pool)
    if ref not in pool:
        yield Problem(f"unknown {what} {ref!r} ({known(pool)})", at)

