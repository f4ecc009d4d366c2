"""Binding demands of a feasible instance: those whose dropping would allow more allocations.

Dropping a demand never removes an allocation (the programme can only shrink, which removes
conflicts), so a demand is binding exactly when the instance without it has more allocations.
"""

from __future__ import annotations

from . import allocations, coalitions
from .model import Instance
from .transform import without

#: feasible instances with more allocations than this have their binding demands decided at the
#: coalition level only (a difference there proves a demand binding; no difference is undecided)
ALLOCATION_BUDGET = 20_000


def binding_demands(problem: Instance) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(binding, undecided) non-fixed demands of a feasible (scenario-resolved) instance.

    Up to `ALLOCATION_BUDGET` allocations, count: a demand is binding when the relaxed instance
    has more (the listing stops at the first one more). Past it, compare the coalition lists: a
    difference proves a demand binding, no difference leaves it undecided.
    """
    base, search = allocations.listing(problem, limit=ALLOCATION_BUDGET + 1)
    small = search.complete
    summary = None if small else coalitions.listing(problem)[0]
    found: list[str] = []
    undecided: list[str] = []
    for demand in problem.demands:
        if demand.fixed:
            continue
        relaxed = without(problem, [demand.key])
        if small:
            if len(allocations.listing(relaxed, limit=len(base) + 1)[0]) > len(base):
                found.append(demand.key)
        elif coalitions.listing(relaxed)[0] != summary:
            found.append(demand.key)
        else:
            undecided.append(demand.key)
    return tuple(found), tuple(undecided)
