"""Binding demands of a feasible instance: those whose dropping would allow more allocations.

Dropping a demand never removes an allocation (the programme can only shrink, which removes
conflicts), so a demand is binding exactly when the instance without it has more allocations.
"""

from __future__ import annotations

from ..instance.schema import Instance
from ..instance.transform import without
from ..solving import allocations, coalitions
from ..solving.solver import Budget, Stopped
from ..solving.symmetry import party_classes

#: feasible instances with more allocations than this have the demands that bind only at the
#: allocation level left undecided (counting allocations means listing them)
ALLOCATION_BUDGET = 20_000


def binding_demands(problem: Instance, budget: Budget | None = None
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(binding, undecided) non-fixed demands of a feasible (scenario-resolved) instance, each
    in instance order.

    First the coalitions: a demand is binding when the relaxed instance has a coalition the
    instance lacks (the search stops at the first). Then, for the demands that add no coalition,
    the allocations, where there are at most `ALLOCATION_BUDGET` of them: a demand is binding
    when the relaxed instance has more (the count stops at the first one more); past the
    budget they are undecided. Demands not reached when the budget runs out (or the run is
    interrupted) are undecided too.
    """
    budget = budget or Budget()
    soft = [d.key for d in problem.demands if not d.fixed]
    found: list[str] = []
    loose: list[str] = []  # proven not binding
    try:
        budget.phase("binding demands: coalitions")
        known = _Coalitions(problem, budget)
        for i, demand in enumerate(soft):
            budget.phase(f"binding demands: {i + 1} of {len(soft)} ({demand}), coalitions")
            if known.more_in(without(problem, [demand])):
                found.append(demand)
        rest = [d for d in soft if d not in found]
        if rest and not _by_allocations(problem, rest, known.total, budget, found, loose):
            return _in_order(soft, found), tuple(rest)
    except Stopped:
        return _in_order(soft, found), tuple(d for d in soft if d not in found + loose)
    return _in_order(soft, found), ()


def _by_allocations(problem: Instance, rest: list[str], coalitions: int, budget: Budget,
                    found: list[str], loose: list[str]) -> bool:
    """Decide the demands of `rest` by counting allocations with and without each, adding it
    to `found` (binding) or `loose`; False, deciding nothing, when there are too many to count
    (known without counting when the coalitions alone are too many: each has an allocation)."""
    budget.phase("binding demands: counting allocations")
    base = (coalitions if coalitions > ALLOCATION_BUDGET else
            allocations.count(problem, ALLOCATION_BUDGET + 1, budget))
    if base > ALLOCATION_BUDGET:
        return False
    for i, demand in enumerate(rest):
        budget.phase(f"binding demands: {i + 1} of {len(rest)} ({demand}), allocations")
        relaxed = allocations.count(without(problem, [demand]), base + 1, budget)
        (found if relaxed > base else loose).append(demand)
    return True


def _in_order(soft: list[str], found: list[str]) -> tuple[str, ...]:
    return tuple(d for d in soft if d in found)


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
        self.total = sum(map(listing.expander.multiplicity, self.roles))  # coalitions
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
