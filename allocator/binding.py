"""Binding demands of a feasible instance: those whose dropping would allow more allocations.

Dropping a demand never removes an allocation (the programme can only shrink, which removes
conflicts), so a demand is binding exactly when the instance without it has more allocations.
"""

from __future__ import annotations

from . import allocations, coalitions
from .model import Instance
from .solver import Budget, Stopped
from .symmetry import party_classes
from .transform import without

#: feasible instances with more allocations than this have their binding demands decided at the
#: coalition level only (a difference there proves a demand binding; no difference is undecided)
ALLOCATION_BUDGET = 20_000


def binding_demands(problem: Instance, budget: Budget | None = None
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(binding, undecided) non-fixed demands of a feasible (scenario-resolved) instance.

    Up to `ALLOCATION_BUDGET` allocations, count: a demand is binding when the relaxed instance
    has more (the listing stops at the first one more). Past it, compare coalitions: a demand
    is binding when the relaxed instance has a coalition the instance lacks (the search stops
    at the first), and undecided otherwise (it may still bind at the allocation level).
    Demands not reached when the budget runs out (or the run is interrupted) are undecided.
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
                         "comparing coalitions")
        known = None if small else _Coalitions(problem, budget)
    except Stopped:
        return (), tuple(soft)
    found: list[str] = []
    for i, demand in enumerate(soft):
        budget.phase(f"binding demands: {i + 1} of {len(soft)} ({demand})")
        relaxed = without(problem, [demand])
        try:
            if known is None:
                more = allocations.listing(relaxed, limit=len(base) + 1, budget=budget)[0]
                binds = len(more) > len(base)
            else:
                binds = known.more_in(relaxed)
            budget.check()
        except Stopped:
            return tuple(found), tuple(soft[i:])
        if binds:
            found.append(demand)
    undecided = () if small else tuple(d for d in soft if d not in found)
    return tuple(found), undecided


class _Coalitions:
    """The canonical coalitions of an instance, to tell whether a relaxation of it has more.

    Dropping a demand never removes a coalition, and leaves interchangeable parties
    interchangeable, so the relaxed instance is searched under the instance's classes: it has
    a new coalition exactly when one of its canonical candidates is not the instance's and has
    an allocation.
    """

    def __init__(self, problem: Instance, budget: Budget) -> None:
        self.budget = budget
        listing = coalitions.Listing(problem, budget=budget)
        self.classes = party_classes(problem)
        self.roles = {a.roles for group in listing.canonical() for a in group}
        if not listing.complete:
            raise Stopped(budget.stopped or "time limit")

    def more_in(self, relaxed: Instance) -> bool:
        listing = coalitions.Listing(relaxed, budget=self.budget, classes=self.classes)
        for group in listing.canonical(skip=self.roles.__contains__):
            if group:
                return True
        if not listing.complete:
            raise Stopped(self.budget.stopped or "time limit")
        return False
