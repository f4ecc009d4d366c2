"""The library's entry points: solve an instance at either level, or iterate its allocations."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from . import allocations, coalitions
from .allocations import role_key
from .encoding import Encoding
from .model import Instance
from .result import Allocation, Coalition, Deadlock, Result
from .scenarios import resolve

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
          on_found: Callable[[Allocation | Coalition], None] | None = None) -> Result:
    """Every allocation (or coalition) of the instance, in SPEC order, or a deadlock verdict.

    `on_found` sees each one as the solver finds it (in the solver's order, not SPEC order).
    `limit`, `time_limit` and Ctrl-C end the search early with `complete=False`.
    """
    with _collection_paused():
        return _solve(instance, scenario, level, limit, time_limit, on_found)


def _solve(instance: Instance, scenario: str | None, level: Level, limit: int | None,
           time_limit: float | None,
           on_found: Callable[[Allocation | Coalition], None] | None) -> Result:
    problem = resolve(instance, scenario)
    result = Result(instance=instance.name, scenario=scenario, level=level,
                    investiture=problem.government.investiture)
    if level == "allocation":
        search, decoder = allocations.search(Encoding(problem), limit=limit, time_limit=time_limit)
        keyed: list[tuple[tuple[object, ...], Allocation]] = []
        for raw in search:
            allocation = decoder.allocation(raw)
            keyed.append((allocations.order_key(raw), allocation))
            if on_found is not None:
                on_found(allocation)
        keyed.sort(key=lambda pair: pair[0])
        result.allocations = [a for _, a in keyed]
    else:
        started = time.monotonic()
        first, analyst = coalitions.search(problem, time_limit=time_limit)
        found: list[tuple[tuple[object, ...], Coalition]] = []
        for candidate in first:
            coalition = analyst.coalition(candidate)
            if coalition is not None:
                found.append((role_key(candidate[0]), coalition))
                if on_found is not None:
                    on_found(coalition)
                if limit is not None and len(found) >= limit:
                    first.stop("limit")
                    break
            if time_limit is not None and time.monotonic() - started > time_limit:
                first.stop("time limit")
                break
        found.sort(key=lambda pair: pair[0])
        result.coalitions = [c for _, c in found]
        search = first  # type: ignore[assignment]
    result.complete = search.complete
    result.stopped_by = search.stopped
    if result.count:
        result.status = "feasible"
    elif result.complete:
        result.status = "deadlock"
        result.deadlock = Deadlock()
    return result


def iter_allocations(instance: Instance, scenario: str | None = None, *,
                     limit: int | None = None,
                     time_limit: float | None = None) -> Iterator[Allocation]:
    """Allocations one by one as the solver finds them (solver order); stop whenever you like."""
    search, decoder = allocations.search(Encoding(resolve(instance, scenario)), limit=limit,
                                         time_limit=time_limit)
    for raw in search:
        yield decoder.allocation(raw)
