"""Instance file -> validated `Instance`, reporting every problem with file, line and path.

`parse` turns the file into plain data (and refuses what is not an instance file at all); this
module validates it: pydantic checks each key's shape (`model.py`), then one walk checks every
reference between ids and the arithmetic of the base rules. All problems are reported at once,
each with the line `parse` recorded for its path.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from fractions import Fraction
from itertools import combinations
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from .errors import InstanceError, Path, Problem, ProblemKind, known
from .model import (
    DEMAND_TYPES,
    Connected,
    DemandBase,
    Instance,
    Outcome,
    Proportional,
    Reference,
    RoleDemand,
    Scenario,
    Uncertainty,
    exact,
)
from .parse import FORMATS, Parsed, line_of, parse, read_text
from .transform import apply_scenario, generated_ids, with_ids

#: at most this many problems are listed (then how many more there are)
MAX_PROBLEMS = 50
#: a value shown in a message is cut to this many characters
MAX_SHOWN = 60
#: CP-SAT computes in 64-bit integers; every bound of the model stays below this
MAX_MAGNITUDE = 2**62


def load(path: str | FilePath) -> Instance:
    """Read an instance file (YAML, JSON or TOML, by its extension)."""
    path = FilePath(path)
    text = read_text(path)
    return loads(text, format=FORMATS.get(path.suffix.lower(), "yaml"), filename=str(path))


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
        problems = list(_reference_problems(instance))
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


def _shown(value: Any) -> str:
    """A value as a message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "..."


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
    hiding = _HIDDEN.set(frozenset(stand_ins) - _ids_given(data))
    parties_unknown = any(kind == "parties" for kind, _ in replaced)
    try:
        return [p for p in _reference_problems(instance) if p.path[:2] not in replaced
                and not (parties_unknown and p.kind == "base_rules")]  # seats unknown
    finally:
        _HIDDEN.reset(hiding)


#: ids of stand-ins (`_references_beside`), left out of the "known: ..." lists of messages
_HIDDEN: ContextVar[frozenset[str]] = ContextVar("hidden", default=frozenset())


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
        parent = _parent_fields(path, data)
        return path, f"unknown key {path[-1]!r}" + (f" ({known(parent)})" if parent else ""), \
            "unknown_key"
    if kind == "missing" and path[-1] == "party" and _demand_type(path[:-1], data):
        return path[:-1], (f"a `{_demand_type(path[:-1], data)}` demand needs the `party` it "
                           "belongs to"), "missing_key"
    if kind == "missing":
        return path, f"missing required key {path[-1]!r}", "missing_key"
    if kind == "union_tag_invalid":
        return path, (f"unknown demand type {_shown(error['input'].get('type'))} "
                      f"({known(DEMAND_TYPES)})"), "shape"
    if kind == "union_tag_not_found":
        return path, f"a demand needs a 'type' ({known(DEMAND_TYPES)})", "missing_key"
    if kind == "string_pattern_mismatch":
        return path, (f"{_shown(error['input'])} is not an id: use lowercase letters, digits, "
                      "_ and -"), "shape"
    if kind in _KINDS:
        return path, f"expected {_KINDS[kind]}, got {_shown(error['input'])}", "shape"
    bounds = {"less_than_equal": "at most", "greater_than_equal": "at least"}
    if kind in bounds:
        limit = error["ctx"]["le" if kind == "less_than_equal" else "ge"]
        return path, f"must be {bounds[kind]} {limit}, got {_shown(error['input'])}", "shape"
    message = error["msg"].replace("Value error, ", "")
    if kind in ("literal_error", "too_long", "string_too_long"):
        message += f", got {_shown(error['input'])}"
    return path, message, "shape"


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
    demand_type = _demand_type(path[:-1], data)
    if demand_type is None:
        return []
    fields = DEMAND_TYPES[demand_type].model_fields
    return [f.alias or name for name, f in fields.items()]


# --- reference checks -----------------------------------------------------------------------------


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
                      "give the whole chamber, or leave `seats` out", ("seats",), kind="meaning")
    yield from _base_rule_problems(instance, ())
    yield from _policy_conflict_problems(instance)
    for i, demand in enumerate(instance.demands):
        yield from _demand_problems(instance, demand, ("demands", i))
    if instance.outcome is not None:
        yield from _outcome_problems(instance, instance.outcome, ("outcome",))
        yield from _relaxed_by(instance, instance.outcome.relaxed_by, ("outcome",))
    for i, scenario in enumerate(instance.scenarios):
        yield from _scenario_problems(instance, scenario, ("scenarios", i))
    yield from uncertainty_problems(instance)


def uncertainty_problems(instance: Instance) -> Iterator[Problem]:
    """The polls and the electoral system of a sweep against the parties: every listed party
    has a share in every poll, no share names an unknown party, shares leave room for others,
    and the seats can make a government."""
    ids = instance.party_ids
    if instance.votes is not None:
        votes = instance.votes
        polls = [(("votes",), votes.shares or {})] if votes.polls is None else [
            (("votes", "polls", i), poll.shares) for i, poll in enumerate(votes.polls)]
        for at, shares in polls:
            yield from _poll_problems(shares, ids, at + ("shares",))
        if instance.electoral_system is None:
            yield Problem("a sweep over polls needs `electoral_system` (seats, method, "
                          "threshold) to turn votes into seats", ("votes",), kind="missing_key")
    system = instance.electoral_system
    if system is not None:
        for j, party in enumerate(system.exempt):
            yield from _ref("party", party, ids, ("electoral_system", "exempt", j))
        for party in system.direct:
            yield from _ref("party", party, ids, ("electoral_system", "direct", party))
        if system.majority is not None and system.majority > system.seats:
            yield Problem(f"the quota ({system.majority}) is above the {system.seats} seats",
                          ("electoral_system", "majority"), kind="base_rules")


def _poll_problems(shares: Mapping[str, Any], ids: list[str], at: Path) -> Iterator[Problem]:
    for party in shares:
        yield from _ref("party", party, ids, at + (party,))
    missing = [p for p in ids if p not in shares]
    if missing:
        yield Problem(f"no share for {', '.join(missing)}: give every listed party a share "
                      "(0 if it has none)", at, kind="meaning")
    total = sum((exact(v) for v in shares.values()), Fraction(0))
    if total > 100:
        yield Problem(f"the shares add up to {float(total):g}%, above 100: they are "
                      "percentages of all votes, the rest going to unlisted parties", at,
                      kind="meaning")
    elif total == 0:
        yield Problem("every share is 0: nobody would win a seat", at, kind="meaning")


def _scenario_problems(instance: Instance, scenario: Scenario, at: Path) -> Iterator[Problem]:
    """A scenario's drops against the instance; its additions against the scenario's own
    instance (a scenario that adds a `deputy` post may require it)."""
    demand_ids = [d.key for d in instance.demands]
    for j, dropped in enumerate(scenario.drop):
        yield from _ref("demand", dropped, demand_ids, at + ("drop", j))
    effective = apply_scenario(instance, scenario)
    yield from _base_rule_problems(effective, at)
    added = effective.demands[len(effective.demands) - len(scenario.add):]
    kept = [d.id for d in effective.demands[:len(effective.demands) - len(added)]]
    for j, demand in enumerate(added):
        if demand.id in kept:
            yield Problem(f"{demand.id!r} is already a demand of the instance; drop it "
                          "first or choose another id", at + ("add", j, "id"), kind="duplicate")
        yield from _demand_problems(effective, demand, at + ("add", j))
    if scenario.outcome is not None:
        yield from _outcome_problems(effective, scenario.outcome, at + ("outcome",))
    yield from _relaxed_by(effective, scenario.relaxed_by, at)


def _duplicates(what: str, ids: list[Any], at: Path) -> Iterator[Problem]:
    seen: set[Any] = set()
    for i, item in enumerate(ids):
        if item in seen:
            yield Problem(f"{item!r} appears twice in {what}; ids must be unique", at + (i,),
                          kind="duplicate")
        seen.add(item)


def _base_rule_problems(instance: Instance, at: Path) -> Iterator[Problem]:
    """What plain arithmetic shows no allocation can satisfy, whatever the demands (`at`: the
    scenario whose overrides made it so, or the top level)."""
    def where(*key: str) -> Path:
        return at or key

    listed = sum(p.seats for p in instance.parties)
    unlisted = instance.total_seats - listed
    quota = instance.quota
    rule = instance.government.investiture
    if quota > instance.total_seats:
        yield Problem(f"the quota ({quota}) is above the chamber's {instance.total_seats} "
                      "seats: no government can reach it", where("majority"), kind="base_rules")
    elif rule == "absolute" and listed < quota:
        yield Problem(f"the parties hold {listed} seats, below the quota of {quota}: no "
                      "government can reach it", where("parties"), kind="base_rules")
    elif rule == "relative" and listed <= unlisted:
        yield Problem(f"the parties hold {listed} seats and {unlisted} are held by no listed "
                      "party (votes against): no government can win a relative investiture",
                      where("seats"), kind="base_rules")
    elif rule == "negative" and unlisted >= quota:
        yield Problem(f"{unlisted} seats held by no listed party already reach the quota of "
                      f"{quota} against: no government survives a negative investiture",
                      where("seats"), kind="base_rules")
    high = instance.cabinet.size_range[1]
    needs = {"min_per_party": (instance.cabinet.min_per_party, "a cabinet party's share"),
             "posts": (len(instance.cabinet.all_posts), "the posts (one member each)"),
             "portfolios": (len(instance.cabinet.portfolios),
                            "the named portfolios (one member each)")}
    for key, (need, what) in needs.items():
        if need > high:
            yield Problem(f"{what} need {need} members, but the cabinet has at most {high}; "
                          "raise cabinet.size", where("cabinet", key), kind="base_rules")


def _policy_conflict_problems(instance: Instance) -> Iterator[Problem]:
    policies = [p.id for p in instance.policies]
    for i, group in enumerate(instance.policy_conflicts):
        if len(set(group)) < 2:
            yield Problem("a conflict names at least two different policies",
                          ("policy_conflicts", i), kind="meaning")
        for j, pid in enumerate(group):
            yield from _ref("policy", pid, policies, ("policy_conflicts", i, j))


def _demand_problems(instance: Instance, demand: DemandBase, at: Path) -> Iterator[Problem]:
    """One generic walk over what the demand's class declares it references, then the checks
    of data the instance must have for it."""
    pools: dict[Reference, list[str]] = {
        "party": instance.party_ids, "post": instance.cabinet.all_posts,
        "portfolio": list(instance.cabinet.portfolios),
        "policy": [p.id for p in instance.policies],
    }
    for alias, kind, j, ref in demand.referenced():
        where = at + (alias,) + (() if j is None else (j,))
        yield from _ref(kind, ref, pools[kind], where)
        if alias in demand.not_self and ref == demand.party:
            yield Problem(f"{ref!r} cannot name itself here", where, kind="meaning")
    yield from _when_problems(demand, at)
    yield from _data_problems(instance, demand, at)


def _when_problems(demand: DemandBase, at: Path) -> Iterator[Problem]:
    if demand.when is not None and demand.default_when is None:
        yield Problem(f"a `{demand.type}` demand is always in force; remove `when`",
                      at + ("when",), kind="meaning")
    elif demand.when is not None and demand.party is None:
        yield Problem("`when` needs the `party` whose role it refers to", at + ("when",),
                      kind="meaning")


def _data_problems(instance: Instance, demand: DemandBase, at: Path) -> Iterator[Problem]:
    """What the instance must have for the demand to mean anything."""
    if isinstance(demand, RoleDemand) and "abstain" in demand.in_ \
            and instance.government.investiture == "absolute":
        yield Problem("`abstain` needs government.investiture relative or negative "
                      "(under absolute investiture nobody abstains)", at + ("in",),
                      kind="meaning")
    if isinstance(demand, Connected):
        missing = [p.id for p in instance.parties if p.position is None]
        if missing:
            yield Problem(f"`connected` needs a position on every party; missing on "
                          f"{', '.join(missing)}", at, kind="meaning")
    if isinstance(demand, Proportional):
        yield from _proportional_problems(instance, demand, at)


def _proportional_problems(instance: Instance, demand: Proportional,
                           at: Path) -> Iterator[Problem]:
    if demand.basis == "votes":
        in_scope = demand.parties or instance.party_ids
        missing = [p.id for p in instance.parties if p.id in in_scope and p.votes is None]
        if missing:
            yield Problem(f"`basis: votes` needs votes for {', '.join(missing)}; add them or "
                          "use `basis: seats`", at + ("basis",), kind="meaning")
            return
    if demand.magnitude(instance) > MAX_MAGNITUDE:
        yield Problem("the weights are too large or too precise for exact arithmetic with a "
                      f"cabinet of up to {instance.cabinet.size_range[1]} members; round the "
                      "votes (shares with a few decimals are enough)", at, kind="meaning")


def _outcome_problems(instance: Instance, outcome: Outcome, at: Path) -> Iterator[Problem]:
    parties = instance.party_ids
    for key in ("cabinet", "support", "abstain"):
        listed = getattr(outcome, key) or []
        for j, pid in enumerate(listed):
            yield from _ref("party", pid, parties, at + (key, pid if isinstance(listed, dict)
                                                         else j))
    yield from _partisan(outcome, at)
    if outcome.abstain and instance.government.investiture == "absolute":
        yield Problem("`abstain` needs government.investiture relative or negative",
                      at + ("abstain",), kind="meaning")
    for key, pool in (("posts", instance.cabinet.all_posts),
                      ("portfolios", instance.cabinet.portfolios)):
        for name, holder in (getattr(outcome, key) or {}).items():
            yield from _ref(key[:-1], name, pool, at + (key, name))
            yield from _ref("party", holder, parties, at + (key, name))
    roles = [set(getattr(outcome, k) or []) for k in ("cabinet", "support", "abstain")]
    for a, b in combinations(roles, 2):
        for pid in sorted(a & b):
            yield Problem(f"{pid!r} is given two roles in the outcome", at, kind="meaning")


def _partisan(outcome: Outcome, at: Path) -> Iterator[Problem]:
    """A recorded cabinet of no party cannot be expressed (SPEC §2: C is non-empty)."""
    if outcome.cabinet is not None and len(outcome.cabinet) == 0:
        yield Problem("an empty cabinet is a non-partisan (technocratic) cabinet, which the "
                      "format cannot express: a cabinet holds at least one listed party. "
                      "Leave the outcome's cabinet out, or record the parties behind it as "
                      "support", at + ("cabinet",), kind="meaning")


def _relaxed_by(instance: Instance, ids: list[str] | None, at: Path) -> Iterator[Problem]:
    demand_ids = [d.key for d in instance.demands]
    for j, did in enumerate(ids or []):
        yield from _ref("demand", did, demand_ids, at + ("relaxed_by", j))


def _ref(what: str, ref: str, pool: Iterable[Any], at: Path) -> Iterator[Problem]:
    pool = list(pool)
    if ref not in pool:
        shown = [p for p in pool if p not in _HIDDEN.get()]
        yield Problem(f"unknown {what} {_shown(ref)} ({known(shown)})", at, kind="reference")
