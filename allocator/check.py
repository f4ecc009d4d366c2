"""`allocator check`: do the recorded outcomes and each scenario's expectation still hold?

Every check is decided by solving, never by listing allocations: the recorded outcome is imposed
as fixed demands and CP-SAT says whether any allocation remains (SPEC §4-5).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .explain import minimum_drop_count, satisfiable, without
from .scenarios import apply_scenario, resolve

INSTANCE_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
RECORDED = {"cabinet", "support", "abstain", "posts", "portfolios"}


@dataclass(frozen=True)
class Check:
    """One expectation: where it is, whether it holds, and in words what was checked or why not."""

    instance: str
    scenario: str | None
    ok: bool
    detail: str


def instance_files(paths: list[str]) -> list[Path]:
    """The files named, and every instance file inside each folder named (sorted)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in INSTANCE_SUFFIXES)
        else:
            found.append(path)
    return found


def checks(instance: m.Instance) -> Iterator[Check]:
    """The instance's outcome, then each scenario that states an expectation."""
    if instance.outcome is not None:
        ok, detail = verify(resolve(instance, None), instance.outcome.expect or "feasible",
                            instance.outcome.relaxed_by, instance.outcome)
        yield Check(instance.name, None, ok, detail)
    for scenario in instance.scenarios:
        if scenario.expect is None:
            continue
        ok, detail = verify(apply_scenario(instance, scenario), scenario.expect,
                            scenario.relaxed_by, scenario.outcome)
        yield Check(instance.name, scenario.name, ok, detail)


def verify(problem: m.Instance, expect: str, relaxed_by: list[str] | None,
           outcome: m.Outcome | None) -> tuple[bool, str]:
    """(holds, what was checked or why it fails) for one expectation."""
    if outcome is not None and not outcome.model_dump(include=RECORDED, exclude_none=True):
        outcome = None  # an instance's outcome may hold only its expectation
    recorded = " and the recorded outcome matches" if outcome is not None else ""
    if expect == "feasible":
        if not satisfiable(problem):
            return False, "expected feasible, but the instance is deadlocked"
        if outcome is None or satisfiable(with_outcome(problem, outcome)):
            return True, f"feasible{recorded}"
        return False, "feasible, but no allocation matches the recorded outcome"
    if satisfiable(problem):
        return False, "expected deadlock, but allocations exist"
    if not relaxed_by:
        return True, "deadlocked"
    fixed = [d.key for d in problem.demands if d.key in relaxed_by and d.fixed]
    if fixed:
        return False, f"relaxed_by names fixed demands, which no relaxation drops: {fixed}"
    relaxed = without(problem, relaxed_by)
    if not satisfiable(relaxed):
        return False, f"dropping {', '.join(relaxed_by)} does not unlock a deal"
    smallest = minimum_drop_count(problem)
    if smallest != len(set(relaxed_by)):
        return False, (f"dropping {', '.join(relaxed_by)} unlocks a deal, but it is not a minimum "
                       f"relaxation: {smallest} demand(s) are enough")
    if outcome is not None and not satisfiable(with_outcome(relaxed, outcome)):
        return False, (f"relaxed by {', '.join(relaxed_by)}, no allocation matches the recorded "
                       "outcome")
    return True, f"deadlocked; relaxed by {', '.join(relaxed_by)}{recorded}"


def with_outcome(problem: m.Instance, outcome: m.Outcome) -> m.Instance:
    """The instance with what the outcome records imposed as fixed demands."""
    roles = ["cabinet", "support", "abstain", "opposition"]
    if problem.government.investiture == "absolute":
        roles.remove("abstain")
    cabinet = outcome.cabinet if outcome.cabinet is not None else None
    added: list[m.DemandBase] = []
    for party in problem.party_ids:
        allowed = list(roles)
        for role, listed in (("cabinet", cabinet), ("support", outcome.support),
                             ("abstain", outcome.abstain)):
            if listed is not None:
                allowed = [r for r in allowed if (r == role) == (party in listed)]
        if allowed != roles:
            added.append(m.RoleDemand.model_validate(
                {"id": f"outcome-role-{party}", "party": party, "type": "role", "in": allowed,
                 "fixed": True}))
    if isinstance(cabinet, dict):
        for party, members in cabinet.items():
            added += [kind.model_validate({"id": f"outcome-{bound}-{party}", "party": party,
                                           "type": f"{bound}_portfolios", "count": members,
                                           "fixed": True})
                      for kind, bound in ((m.MinPortfolios, "min"), (m.MaxPortfolios, "max"))]
    for post, holder in (outcome.posts or {}).items():
        added.append(m.RequiresPost.model_validate(
            {"id": f"outcome-post-{post}", "party": holder, "type": "requires_post",
             "post": post, "fixed": True}))
    for name, holder in (outcome.portfolios or {}).items():
        added.append(m.RequiresPortfolio.model_validate(
            {"id": f"outcome-portfolio-{name}", "party": holder, "type": "requires_portfolio",
             "portfolio": name, "fixed": True}))
    return problem.model_copy(update={"demands": [*problem.demands, *added]})
