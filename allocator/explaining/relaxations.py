"""Minimum relaxations: every smallest set of demands whose dropping makes a deal possible, each
with the sensible deal it allows (SPEC §1; docs/explanations.md).

A relaxation is a minimum correction set (MCS) of the soft demands: its complement is a maximum
satisfiable subset. One algorithm: optimise, then enumerate the optimal correction sets with
blocking clauses. The relaxations' example deals are independent searches, made on as many
threads as there are cores (CP-SAT solves outside Python's lock), each its own model.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from ..instance.transform import without
from ..likely.deals import sensible
from ..likely.model import FormationModel
from ..solving.result import Allocation, Relaxation
from ..solving.solver import Solver, Stopped
from .soft import SoftModel


def minimum_drop_count(soft: SoftModel) -> int | None:
    """How many demands every minimum relaxation drops; None if dropping all does not help."""
    optimum = soft.solver.optimum(sum(soft.indicators(soft.soft)), maximise=True)
    return None if optimum is None else len(soft.soft) - optimum[0]


def minimum_correction_sets(soft: SoftModel, limit: int) -> tuple[list[tuple[str, ...]], bool]:
    """Every minimum correction set (at most `limit`), and whether that is all of them (a
    time limit or an interrupt while they are listed also leaves the list incomplete).

    Maximise the number of kept demands (k), fix sum(indicators) == k on a copy of the model,
    then repeat: solve, read the dropped set D, add the clause "keep at least one of D", which
    excludes exactly D (every other set of the same size keeps some member of D). Stop when
    infeasible. Sets are listed by the instance order of their demands.
    """
    found: list[tuple[str, ...]] = []
    try:
        dropping = minimum_drop_count(soft)
        if dropping is None:
            return [], True
        indicators = soft.indicators(soft.soft)
        model = soft.encoding.model.clone()
        model.add(sum(indicators) == len(soft.soft) - dropping)
        solver = Solver(model, budget=soft.budget)
        while (solution := solver.solution()) is not None:
            if len(found) == limit:
                return _in_instance_order(soft, found), False
            dropped = soft.dropped(solution)
            found.append(dropped)
            soft.budget.phase(f"minimum relaxations: {len(found)} found")
            model.add_bool_or(soft.indicators(dropped))
    except Stopped:
        return _in_instance_order(soft, found), False
    return _in_instance_order(soft, found), True


def _in_instance_order(soft: SoftModel, sets: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    position = {d: i for i, d in enumerate(soft.soft)}
    return sorted(sets, key=lambda ds: [position[d] for d in ds])


def minimum_relaxations(soft: SoftModel, limit: int, model: FormationModel | None = None
                        ) -> tuple[list[Relaxation], bool]:
    """Every minimum relaxation (at most `limit`) with the sensible deal it allows (the most
    likely cabinet under `model`, its allocation closest to proportional: `likely.deals`), and
    whether the list is complete (a relaxation whose example a time limit or an interrupt cut
    short is left out, and the list marked incomplete)."""
    sets, complete = minimum_correction_sets(soft, limit)

    def example(dropped: tuple[str, ...]) -> Allocation | Stopped:
        try:
            found = sensible(without(soft.problem, dropped), model, soft.budget)
        except Stopped as stop:
            return stop
        assert found is not None, "a relaxation always allows a deal"
        return found

    relaxations: list[Relaxation] = []
    with ThreadPoolExecutor(max(1, min(len(sets), os.cpu_count() or 1))) as threads:
        for dropped, found in zip(sets, threads.map(example, sets), strict=True):
            if isinstance(found, Stopped):
                return relaxations, False
            relaxations.append(Relaxation(dropped, found))
    return relaxations, complete
