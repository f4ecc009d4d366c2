"""The library's entry points: solve an instance at either level, iterate its allocations, or
explain it. Each takes the instance as loaded and the name of a scenario, and returns a result
that carries the instance as solved, so that nothing needs to be worked out twice.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from typing import Any, TypeVar

from .explaining.binding import binding_demands
from .explaining.deadlock import explain_deadlock
from .instance.schema import Instance
from .instance.transform import CoalitionQuestion, Filters, ask, narrow, resolve
from .likely.model import FormationModel
from .likely.ranking import EveryRanked, MostLikely
from .solving import allocations, census, coalitions
from .solving.coalitions import Analysed
from .solving.encoding import Encoding
from .solving.power import power as power_of
from .solving.result import (
    DEFAULT_MAX_RELAXATIONS,
    Allocation,
    Coalition,
    Explanation,
    Level,
    Power,
    Rank,
    Result,
    Status,
    Summary,
)
from .solving.solver import Budget, Search, Stopped

T = TypeVar("T")


@contextmanager
def collection_paused() -> Iterator[None]:
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
          filters: Filters | None = None, limit: int | None = None,
          time_limit: float | None = None,
          on_found: Callable[[Allocation | Coalition], None] | None = None,
          max_relaxations: int = DEFAULT_MAX_RELAXATIONS,
          on_phase: Callable[[str], None] | None = None,
          budget: Budget | None = None, rank: Rank = "spec",
          model: FormationModel | None = None) -> Result:
    """Every allocation (or coalition) of the instance, in SPEC order, or a deadlock verdict
    with its explanation (a minimal conflict and the minimum relaxations). With
    `rank="likely"`, in order of the probability that their cabinet forms (`model`, the
    shipped formation model by default), each carrying it (`Ranking`).

    `on_found` sees each one as it is found: allocations in the solver's order, coalitions in
    SPEC order (they are generated in it).
    `limit`, `time_limit` (seconds, for the whole run, explanation included), Ctrl-C and
    SIGTERM end it early: what was found is returned, marked incomplete. `on_phase` hears the
    name of each phase as it starts. `filters` keep only the governments asked for. A
    `budget` given (instead of `time_limit`) is shared with other work, and stopping it stops
    this.
    """
    if rank == "likely":
        return _ranked(Ranking(instance, scenario, level=level, filters=filters, limit=limit,
                               time_limit=time_limit, max_relaxations=max_relaxations,
                               on_phase=on_phase, budget=budget, model=model), on_found)
    problem = narrow(resolve(instance, scenario), filters or Filters())
    budget = budget or Budget(time_limit, on_phase)
    search: Search[Any] | coalitions.Listing
    listed_allocations: tuple[Allocation, ...] = ()
    listed_coalitions: tuple[Coalition, ...] = ()
    with collection_paused():
        if level == "allocation":
            found_allocations, search = allocations.listing(
                problem, limit=limit, budget=budget, on_found=on_found)
            listed_allocations = tuple(found_allocations)
        else:
            search = coalitions.Listing(problem, limit=limit, budget=budget)
            listed: list[Coalition] = []
            with budget.stopped_by_signals():
                for coalition in search:
                    listed.append(coalition)
                    if on_found is not None:
                        on_found(coalition)
            listed_coalitions = tuple(listed)
    found = bool(listed_allocations or listed_coalitions)
    status: Status = "feasible" if found else "deadlock" if search.complete else "unknown"
    deadlock = (budget.run(lambda: explain_deadlock(problem, max_relaxations, budget, model))
                if status == "deadlock" else None)
    return Result(instance=problem, scenario=scenario, level=level, status=status,
                  complete=search.complete, allocations=listed_allocations,
                  coalitions=listed_coalitions, deadlock=deadlock, stopped_by=search.stopped)


def _ranked(ranking: Ranking, on_found: Callable[[Allocation | Coalition], None] | None
            ) -> Result:
    """`solve` with `rank="likely"`: the ranking's governments, kept in the result."""
    with collection_paused(), ranking.signals():
        items = []
        for item in ranking:
            items.append(item)
            if on_found is not None:
                on_found(item)
    result = replace(ranking.result(), counted=None)
    if ranking.level == "allocation":
        return replace(result, allocations=tuple(i for i in items if isinstance(i, Allocation)))
    return replace(result, coalitions=tuple(i for i in items if isinstance(i, Coalition)))


class Ranking:
    """Governments in order of the probability that their cabinet forms (`likely.ranking`),
    one at a time, each carrying it; then `result()` gives the verdict (and on deadlock its
    explanation). With `limit`, the `limit` most likely, in bounded memory."""

    def __init__(self, instance: Instance, scenario: str | None = None, *,
                 level: Level = "coalition", filters: Filters | None = None,
                 limit: int | None = None, time_limit: float | None = None,
                 max_relaxations: int = DEFAULT_MAX_RELAXATIONS,
                 on_phase: Callable[[str], None] | None = None,
                 budget: Budget | None = None, model: FormationModel | None = None) -> None:
        self.scenario, self.level, self.limit, self.model = scenario, level, limit, model
        self.problem = narrow(resolve(instance, scenario), filters or Filters())
        self.budget = budget or Budget(time_limit, on_phase)
        self.max_relaxations = max_relaxations
        self.count = 0
        self.stopped: str | None = None
        self._passes: list[EveryRanked | MostLikely] = []

    def signals(self) -> AbstractContextManager[None]:
        return self.budget.stopped_by_signals()

    @property
    def in_one_pass(self) -> bool:
        """Whether every coalition is ranked in one pass (`rows` then gives them as rows)."""
        return self.limit is None and self.level == "coalition"

    def __iter__(self) -> Iterator[Allocation | Coalition]:
        from .likely.ranking import ranked

        self.budget.phase("the cabinets' probabilities")
        yield from self._counted(ranked(self.problem, self.level, self.limit, self.model,
                                        self.budget, self._passes))

    def summary(self) -> Summary | None:
        """Once iterated: the coalitions' summary from the pass that ranked them, where one
        did (every coalition listed once); None otherwise."""
        if not self._passes or not self._passes[0].listing.complete:
            return None
        everything = self._passes[0]
        return census.summarise(everything.listing, everything.candidates)

    def rows(self) -> Iterator[tuple[Analysed, tuple[int, ...], float]]:
        """With `in_one_pass`: every coalition as (its candidate's analysis, its roles, its
        probability), for a renderer that reads the listing's rows (render.json's
        `CoalitionJson`), in the order of iterating."""
        from .likely.ranking import EveryRanked

        assert self.in_one_pass, "rows are for a ranking of every coalition"
        self.budget.phase("the cabinets' probabilities")
        yield from self._counted(EveryRanked(self.problem, self.model, self.budget).rows())

    def _counted(self, items: Iterator[T]) -> Iterator[T]:
        try:
            for item in items:
                self.count += 1
                yield item
        except Stopped as stop:
            self.stopped = stop.reason
            return
        if self.limit is not None and self.count >= self.limit:
            self.stopped = "limit"

    def result(self) -> Result:
        """The verdict once the governments were iterated (they are not kept)."""
        complete = self.stopped is None
        status: Status = ("feasible" if self.count else "deadlock" if complete else "unknown")
        deadlock = (self.budget.run(lambda: explain_deadlock(
            self.problem, self.max_relaxations, self.budget, self.model))
            if status == "deadlock" else None)
        return Result(instance=self.problem, scenario=self.scenario, level=self.level,
                      status=status, complete=complete, deadlock=deadlock,
                      stopped_by=self.stopped, counted=self.count)


class Stream:
    """The coalitions of an instance in SPEC order, one at a time, with flat memory; once they
    have been iterated, `result()` gives the verdict (and on deadlock its explanation), `count()`
    and `summary()` answer without listing.

    Ctrl-C and SIGTERM end the iteration as the time limit does (the result is then marked
    incomplete) while they are handled by this stream (`with stream.signals():`). A `budget`
    given (instead of `time_limit`) is shared with other work, and stopping it stops this.
    """

    def __init__(self, instance: Instance, scenario: str | None = None, *,
                 filters: Filters | None = None, limit: int | None = None,
                 time_limit: float | None = None,
                 max_relaxations: int = DEFAULT_MAX_RELAXATIONS,
                 on_phase: Callable[[str], None] | None = None,
                 budget: Budget | None = None, model: FormationModel | None = None) -> None:
        self.scenario = scenario
        self.problem = narrow(resolve(instance, scenario), filters or Filters())
        self.budget = budget or Budget(time_limit, on_phase)
        self.listing = coalitions.Listing(self.problem, limit=limit, budget=self.budget)
        self.max_relaxations = max_relaxations
        self.model = model

    def signals(self) -> AbstractContextManager[None]:
        return self.budget.stopped_by_signals()

    def __iter__(self) -> Iterator[Coalition]:
        return iter(self.listing)

    def count(self) -> Summary:
        """How many coalitions (and where countable without listing, allocations), by number
        of cabinet parties and form: the summary without its per-party figures and lists."""
        return census.count(self.listing)

    def summary(self) -> Summary:
        return census.summarise(self.listing)

    def result(self, found: int | None = None) -> Result:
        """The verdict once the coalitions were iterated (or counted: give how many)."""
        listing = self.listing
        found = listing.count if found is None else found
        status: Status = ("feasible" if found else "deadlock" if listing.complete
                          else "unknown")
        deadlock = (self.budget.run(lambda: explain_deadlock(
            self.problem, self.max_relaxations, self.budget, self.model))
            if status == "deadlock" else None)
        return Result(instance=self.problem, scenario=self.scenario, level="coalition",
                      status=status, complete=listing.complete, deadlock=deadlock,
                      stopped_by=listing.stopped, counted=found)


def iter_allocations(instance: Instance, scenario: str | None = None, *,
                     limit: int | None = None,
                     time_limit: float | None = None) -> Iterator[Allocation]:
    """Allocations one by one as the solver finds them (solver order); stop whenever you like."""
    search, decoder = allocations.search(Encoding(resolve(instance, scenario)), limit=limit,
                                         budget=Budget(time_limit))
    for raw in search:
        yield decoder.allocation(raw)


def explain(instance: Instance, scenario: str | None = None, *,
            why_not: CoalitionQuestion | None = None,
            max_relaxations: int = DEFAULT_MAX_RELAXATIONS, time_limit: float | None = None,
            on_phase: Callable[[str], None] | None = None,
            budget: Budget | None = None, model: FormationModel | None = None
            ) -> Explanation:
    """Explain the instance (or scenario): its deadlock, or its binding demands; with
    `why_not`, why that coalition has no allocation (or that it has one), how likely its
    cabinet is (`model`: the shipped formation model by default) and a sensible deal of it.
    Every example is the most likely deal it stands for. `time_limit`, Ctrl-C and SIGTERM end
    it early with what was found, marked incomplete."""
    problem = resolve(instance, scenario)
    budget = budget or Budget(time_limit, on_phase)
    if why_not is None:
        return budget.run(lambda: _explain(problem, scenario, None, max_relaxations, budget,
                                           model))
    asked = ask(problem, why_not)
    answer = budget.run(lambda: _explain(asked, scenario, why_not, max_relaxations, budget,
                                         model))
    if not answer.feasible:
        return answer
    return budget.run(lambda: _likelihood(answer, problem, why_not, model, budget))


def _likelihood(answer: Explanation, problem: Instance, question: CoalitionQuestion,
                model: FormationModel | None, budget: Budget) -> Explanation:
    """A feasible why-not's answer with its cabinet's probability and rank, and its sensible
    deal (left out if the time limit or an interrupt comes first)."""
    from .likely.deals import sensible
    from .likely.ranking import probability_of

    try:
        likely = probability_of(problem, question.cabinet, model, budget)
        example = sensible(answer.instance, model, budget)
    except Stopped:
        return answer
    return replace(answer, likelihood=likely, example=example)


def _explain(problem: Instance, scenario: str | None, why_not: CoalitionQuestion | None,
             max_relaxations: int, budget: Budget, model: FormationModel | None
             ) -> Explanation:
    try:
        budget.phase("verdict")
        feasible = allocations.exists(problem, budget)
    except Stopped as stop:
        return Explanation(problem, scenario, why_not, None, None, None, stopped_by=stop.reason)
    if not feasible:
        deadlock = explain_deadlock(problem, max_relaxations, budget, model)
        return Explanation(problem, scenario, why_not, False, deadlock, None,
                           stopped_by=budget.stopped)
    if why_not is not None:
        return Explanation(problem, scenario, why_not, True, None, None)
    found, undecided = binding_demands(problem, budget)
    return Explanation(problem, scenario, None, True, None, found, undecided,
                       stopped_by=budget.stopped)


def power(instance: Instance, scenario: str | None = None, *, time_limit: float | None = None,
          on_phase: Callable[[str], None] | None = None, budget: Budget | None = None
          ) -> Power:
    """Who holds power (`solving.power`): every party's Shapley–Shubik and normalised Banzhaf
    indices in the weighted majority game and in the game under the demands, and what each
    party's demands cost it. A time limit or an interrupt leaves the rest undecided, marked
    incomplete. `on_phase` hears what is being counted."""
    budget = budget or Budget(time_limit, on_phase)
    with collection_paused(), budget.stopped_by_signals():
        return power_of(resolve(instance, scenario), scenario, budget)
