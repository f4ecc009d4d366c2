"""The library's entry points: solve an instance at either level, or iterate its allocations."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from . import allocations, coalitions
from .encoding import Encoding
from .explain import DEFAULT_MAX_RELAXATIONS, deadlock
from .model import Instance
from .result import Allocation, Coalition, Result
from .scenarios import resolve
from .search import Search

Level = Literal["allocation", "coalition"]


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Results are acyclic, but generational GC rescans the growing heap as they pile up: pausing
    it halves the cost of listing a hundred thousand coalitions."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def solve(instance: Instance, scenario: str | None = None, *, level: Level = "allocation",
          limit: int | None = None, time_limit: float | None = None,
          on_found: Callable[[Allocation | Coalition], None] | None = None,
          max_relaxations: int = DEFAULT_MAX_RELAXATIONS) -> Result:
    """Every allocation (or coalition) of the instance, in SPEC order, or a deadlock verdict
    with its explanation (a minimal conflict and the minimum relaxations).

    `on_found` sees each one as the solver finds it (in the solver's order, not SPEC order).
    `limit`, `time_limit` and Ctrl-C end the search early with `complete=False`.
    """
    with _collection_paused():
        return _solve(instance, scenario, level, limit, time_limit, on_found, max_relaxations)


def _solve(instance: Instance, scenario: str | None, level: Level, limit: int | None,
           time_limit: float | None,
           on_found: Callable[[Allocation | Coalition], None] | None,
           max_relaxations: int) -> Result:
    problem = resolve(instance, scenario)
    result = Result(instance=instance.name, scenario=scenario, level=level,
                    investiture=problem.government.investiture)
    search: Search[Any]
    if level == "allocation":
        result.allocations, search = allocations.listing(
            problem, limit=limit, time_limit=time_limit, on_found=on_found)
    else:
        result.coalitions, search = coalitions.listing(
            problem, limit=limit, time_limit=time_limit, on_found=on_found)
    result.complete = search.complete
    result.stopped_by = search.stopped
    if result.count:
        result.status = "feasible"
    elif result.complete:
        result.status = "deadlock"
        result.deadlock = deadlock(problem, max_relaxations)
    return result


def iter_allocations(instance: Instance, scenario: str | None = None, *,
                     limit: int | None = None,
                     time_limit: float | None = None) -> Iterator[Allocation]:
    """Allocations one by one as the solver finds them (solver order); stop whenever you like."""
    search, decoder = allocations.search(Encoding(resolve(instance, scenario)), limit=limit,
                                         time_limit=time_limit)
    for raw in search:
        yield decoder.allocation(raw)
