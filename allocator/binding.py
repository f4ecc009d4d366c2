"""Binding demands of a feasible instance: those whose dropping would allow more allocations.

Dropping a demand never removes an allocation (the programme can only shrink, which removes
conflicts), so a demand is binding exactly when the instance without it has more allocations.
"""

from __future__ import annotations

from . import allocations, coalitions
from .census import count
from .model import Instance
from .solver import Budget, Stopped
from .transform import without

#: feasible instances with more allocations than this have their binding demands decided at the
#: coalition level only (a difference there proves a demand binding; no difference is undecided)
ALLOCATION_BUDGET = 20_000


def binding_demands(problem: Instance, budget: Budget | None = None
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(binding, undecided) non-fixed demands of a feasible (scenario-resolved) instance.

    Up to `ALLOCATION_BUDGET` allocations, count: a demand is binding when the relaxed instance
    has more (the listing stops at the first one more). Past it, compare the coalition lists: a
    difference proves a demand binding, no difference leaves it undecided. Demands not reached
    when the budget runs out (or the run is interrupted) are undecided too.
    """
    budget = budget or Budget()
    budget.phase("binding demands")
    soft = [d.key for d in problem.demands if not d.fixed]
    try:
        base, search = allocations.listing(problem, limit=ALLOCATION_BUDGET + 1, budget=budget)
        budget.check()
        small = search.complete
        if not small:
            budget.phase(f"binding demands: more than {ALLOCATION_BUDGET:,} allocations, "
                         "listing the coalitions to compare")
        summary = None if small else _coalitions(problem, budget)
    except Stopped:
        return (), tuple(soft)
    found: list[str] = []
    for i, demand in enumerate(soft):
        budget.phase(f"binding demands: {i + 1} of {len(soft)} ({demand})")
        relaxed = without(problem, [demand])
        try:
            if small:
                more = allocations.listing(relaxed, limit=len(base) + 1, budget=budget)[0]
                binds = len(more) > len(base)
            else:
                binds = _coalitions(relaxed, budget) != summary
            budget.check()
        except Stopped:
            return tuple(found), tuple(soft[i:])
        if binds:
            found.append(demand)
    undecided = () if small else tuple(d for d in soft if d not in found)
    return tuple(found), undecided


def _coalitions(problem: Instance, budget: Budget) -> int:
    """How many coalitions: dropping a demand never removes one, so a relaxed instance with
    more coalitions has new ones."""
    listing = coalitions.Listing(problem, budget=budget)
    total = sum(count(listing).values())
    if not listing.complete:
        raise Stopped(budget.stopped or "time limit")
    return total
