"""What a report shows, worked out once: the deals (or their summary), the deadlock and what
unlocks it, every scenario's verdict, and the checks of the recorded outcome.

An entry point like `api`: it runs the solving modules and hands `report` plain results, so
that the page is a pure function of a `Briefing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from . import api
from .api import Ranking, Stream
from .explaining.check import checks
from .instance.fields import Role
from .instance.schema import Instance
from .instance.transform import adding, pin_roles, resolve
from .likely.deals import closest, sensible_order
from .likely.model import FormationModel
from .solving import allocations
from .solving.result import COUNTED, LISTED, SHOWN_ALLOCATIONS, Allocation, Briefing, Coalition
from .solving.solver import Budget, Stopped


def brief(instance: Instance, scenario: str | None, command: str,
          time_limit: float | None = None, budget: Budget | None = None,
          sweep: dict[str, Any] | None = None, model: FormationModel | None = None,
          detailed: int | None = None, power: bool = False) -> Briefing:
    """The briefing on an instance (or one of its scenarios): its governments, the most likely
    first (`model`, the shipped formation model by default), at most LISTED of them, and their
    summary when there are more; the allocations of the first `detailed` governments (all of
    them by default: a page that answers at once, the room's, asks for fewer); with `power`,
    who holds power (`api.power`: a listing per party demand, so only a report asks). One budget
    (`time_limit`, or the `budget` given, which someone else may stop) bounds the whole of it:
    what it does not reach is marked incomplete, unknown or undecided."""
    budget = budget or Budget(time_limit)
    ranking = Ranking(instance, scenario, limit=LISTED + 1, budget=budget, model=model)
    with ranking.signals():
        listed = tuple(c for c in ranking if isinstance(c, Coalition))
    result = replace(ranking.result(), coalitions=listed[:LISTED], counted=None)
    summary = None
    if ranking.stopped == "limit":
        summary = ranking.summary()  # from the pass that ranked them, where there was one
        if summary is not None:
            result = replace(result, counted=summary.total, complete=True, stopped_by=None)
        else:
            whole = Stream(instance, scenario, budget=budget, model=model)
            with whole.signals():
                summary = whole.summary()
            result = replace(result, counted=summary.total, complete=whole.listing.complete,
                             stopped_by=whole.listing.stopped)
    verdicts = {s.name: _verdict(resolve(instance, s.name), budget) for s in instance.scenarios}
    try:
        examples = tuple(_allocations(result.instance, c, budget)
                         for c in result.coalitions[:detailed])
    except Stopped:  # the time limit or an interrupt: the coalitions without their allocations
        examples = ()
    weighed = api.power(instance, scenario, budget=budget) if power else None
    return Briefing(instance, scenario, result, summary, verdicts,
                    tuple(checks(instance, budget)), command, examples, sweep, weighed)


def _allocations(problem: Instance, coalition: Coalition, budget: Budget
                 ) -> tuple[tuple[Allocation, ...], int | None]:
    """The first allocations of one coalition (its roles pinned), the sensible one first
    (closest to proportional, led by the largest party: `likely.deals`), and how many it has;
    `Stopped` if the time limit or an interrupt came first."""
    roles: dict[str, Sequence[Role]] = {p: ["opposition"] for p in problem.party_ids}
    roles.update({p: ["cabinet"] for p in coalition.cabinet})
    roles.update({p: ["support"] for p in coalition.support})
    roles.update({p: ["abstain"] for p in coalition.abstain})
    pinned = adding(problem, pin_roles(problem, roles, "report"))
    found, search = allocations.listing(pinned, limit=COUNTED + 1, budget=budget)
    if search.stopped not in (None, "limit"):
        raise Stopped(search.stopped)
    shown = sensible_order(found, problem)
    if not search.complete:  # the sensible deal may be among those not listed: found, first
        best = closest(pinned, list(coalition.cabinet), budget)
        shown = [best, *(a for a in shown if a != best)] if best is not None else shown
    return tuple(shown[:SHOWN_ALLOCATIONS]), len(found) if search.complete else None


def _verdict(problem: Instance, budget: Budget) -> str:
    try:
        return "feasible" if allocations.exists(problem, budget) else "deadlock"
    except Stopped:
        return "unknown"
