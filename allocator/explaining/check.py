"""`allocator check`: do the recorded outcomes and each scenario's expectation still hold?

Every check is decided by solving, never by listing allocations: the recorded outcome is imposed
as fixed demands and CP-SAT says whether any allocation remains (SPEC §4-5). A check that the
time limit or an interrupt reaches first is undecided (`ok` None), never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..instance.schema import Instance, Outcome
from ..instance.transform import apply_scenario, resolve, with_outcome, without
from ..solving.allocations import exists
from ..solving.result import Check
from ..solving.solver import Budget, Stopped
from .relaxations import minimum_drop_count
from .soft import SoftModel

RECORDED = {"cabinet", "support", "abstain", "posts", "portfolios"}


def checks(instance: Instance, budget: Budget | None = None) -> Iterator[Check]:
    """The instance's outcome, then each scenario that states an expectation."""
    budget = budget or Budget()
    if instance.outcome is not None:
        outcome = instance.outcome
        ok, detail = budget.run(partial(verify, resolve(instance, None),
                                        outcome.expect or "feasible", outcome.relaxed_by,
                                        outcome, budget))
        yield Check(instance.name, None, ok, detail)
    for scenario in instance.scenarios:
        if scenario.expect is not None:
            ok, detail = budget.run(partial(verify, apply_scenario(instance, scenario),
                                            scenario.expect, scenario.relaxed_by,
                                            scenario.outcome, budget))
            yield Check(instance.name, scenario.name, ok, detail)


def verify(problem: Instance, expect: str, relaxed_by: list[str] | None,
           outcome: Outcome | None, budget: Budget | None = None) -> tuple[bool | None, str]:
    """(holds, what was checked or why it fails) for one expectation; (None, why) when the
    budget ran out or the run was interrupted before it was decided."""
    if outcome is not None and not outcome.model_dump(include=RECORDED, exclude_none=True):
        outcome = None  # an instance's outcome may hold only its expectation
    budget = budget or Budget()
    try:
        if expect == "feasible":
            return _verify_feasible(problem, outcome, budget)
        if exists(problem, budget):
            return False, "expected deadlock, but allocations exist"
        if not relaxed_by:
            return True, "deadlocked"
        return _verify_relaxation(problem, relaxed_by, outcome, budget)
    except Stopped as stop:
        return None, f"not decided: the {stop.reason} came first"


def _recorded(outcome: Outcome | None) -> str:
    return " and the recorded outcome matches" if outcome is not None else ""


def _verify_feasible(problem: Instance, outcome: Outcome | None,
                     budget: Budget) -> tuple[bool, str]:
    if not exists(problem, budget):
        return False, "expected feasible, but the instance is deadlocked"
    if outcome is None or exists(with_outcome(problem, outcome), budget):
        return True, f"feasible{_recorded(outcome)}"
    return False, "feasible, but no allocation matches the recorded outcome"


def _verify_relaxation(problem: Instance, relaxed_by: list[str], outcome: Outcome | None,
                       budget: Budget) -> tuple[bool, str]:
    """The deadlock is broken by dropping `relaxed_by`, a minimum relaxation, and the outcome
    is one of the deals it allows."""
    named = ", ".join(relaxed_by)
    fixed = [d.key for d in problem.demands if d.key in relaxed_by and d.fixed]
    if fixed:
        return False, f"relaxed_by names fixed demands, which no relaxation drops: {fixed}"
    relaxed = without(problem, relaxed_by)
    if not exists(relaxed, budget):
        return False, f"dropping {named} does not unlock a deal"
    smallest = minimum_drop_count(SoftModel(problem, budget))
    if smallest != len(set(relaxed_by)):
        return False, (f"dropping {named} unlocks a deal, but it is not a minimum "
                       f"relaxation: {smallest} demand(s) are enough")
    if outcome is not None and not exists(with_outcome(relaxed, outcome), budget):
        return False, f"relaxed by {named}, no allocation matches the recorded outcome"
    return True, f"deadlocked; relaxed by {named}{_recorded(outcome)}"
