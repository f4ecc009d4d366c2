"""The allocation level: every allocation in SPEC order, and the first one without listing.

`listing` enumerates the solutions of the full model (`solver.Search`) and sorts them by SPEC
§2's key. `first` finds the allocation that would come first in that order with a handful of
decision solves, fixing the key part by part: how each relaxation of a deadlock gets its example.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from ..instance.schema import Instance
from .decode import Decoder, Raw, order_key
from .encoding import Encoding
from .literals import Literal, negation
from .result import Allocation
from .solver import Budget, Search, Solver, Stopped


def search(encoding: Encoding, *, limit: int | None = None,
           budget: Budget | None = None) -> tuple[Search[Raw], Decoder]:
    """The enumeration of every allocation of an encoding (solver order), and its decoder."""
    decoder = Decoder(encoding)
    return Search(encoding.model, decoder.raw, limit=limit, budget=budget), decoder


#: seconds to keep, per allocation found, for sorting and printing them before a deadline
#: (measured: about 15 µs each for JSON), so that a time limit holds output included
OUTPUT_RESERVE = 20e-6


def listing(problem: Instance, *, limit: int | None = None, budget: Budget | None = None,
            on_found: Callable[[Allocation], None] | None = None
            ) -> tuple[list[Allocation], Search[Raw]]:
    """Every allocation of a (scenario-resolved) instance in SPEC order, and the search that
    found them (which says whether it was complete). Under a deadline, the search stops early
    enough to leave time to sort and print what it found (`OUTPUT_RESERVE`)."""
    found, decoder = search(Encoding(problem), limit=limit, budget=budget)
    deadline = found.budget.deadline
    keyed: list[tuple[tuple[object, ...], Allocation]] = []
    for raw in found:
        allocation = decoder.allocation(raw)
        keyed.append((order_key(raw), allocation))
        if on_found is not None:
            on_found(allocation)
        if (deadline is not None and len(keyed) % 256 == 0
                and time.monotonic() + len(keyed) * OUTPUT_RESERVE > deadline):
            found.stop("time limit")
            break
    keyed.sort(key=lambda pair: pair[0])
    return [a for _, a in keyed], found


def count(problem: Instance, limit: int, budget: Budget | None = None) -> int:
    """How many allocations, counting up to `limit` (nothing decoded); `Stopped` if the
    budget ran out before the count was known."""
    found = Search(Encoding(problem).model, lambda _solution: None, limit=limit, budget=budget)
    total = sum(1 for _ in found)
    if not found.complete and found.stopped != "limit":
        raise Stopped(found.stopped or "time limit")
    return total


#: something to prefer before SPEC order decides: given the encoding and the model (a copy, to
#: which it may add variables and constraints), an expression to minimise
Preference = Callable[[Encoding, cp_model.CpModel], cp_model.LinearExprT]


class _Key:
    """The parts of SPEC §2's key fixed one at a time on a copy of an instance's model, each
    to its smallest value while the model stays satisfiable (`first`, `first_cabinet`)."""

    def __init__(self, problem: Instance, budget: Budget | None) -> None:
        self.encoding = Encoding(problem)
        self.model = self.encoding.model.clone()
        self.solver = Solver(self.model, presolve=False, budget=budget)

    def fix_minimum(self, expr: cp_model.LinearExprT) -> None:
        optimum = self.solver.optimum(expr)
        assert optimum is not None, "the model was satisfiable before"
        self.model.add(expr == optimum[0])

    def fix_smallest_index_list(self, lits: Sequence[Literal]) -> None:
        """The lexicographically smallest sorted list of the indexes whose literal is true:
        the list ends as soon as it can (shorter is smaller), else its next member is the
        smallest index that can still come next, found by one solve that maximises binary
        weights (the earliest of the next 62 literals weighs most; none of them: skip them)."""
        solver, model = self.solver, self.model
        rest = [lit for lit in lits if not isinstance(lit, bool)]
        while rest and not solver.satisfiable([negation(lit) for lit in rest]):
            window = rest[:62]
            best = solver.optimum(sum((1 << (len(window) - 1 - j)) * lit
                                      for j, lit in enumerate(window)), maximise=True)
            assert best is not None, "the model was satisfiable before"
            if best[0] == 0:  # the next member comes after this window
                model.add_bool_and([negation(lit) for lit in window])
                rest = rest[len(window):]
                continue
            j = len(window) - best[0].bit_length()
            model.add_bool_and([*(negation(lit) for lit in rest[:j]), rest[j]])
            rest = rest[j + 1:]
        for lit in rest:
            model.add_bool_and([negation(lit)])

    def cabinet(self, prefer: Sequence[Preference]) -> list[int]:
        """Fix the preferences, then the number of cabinet parties and the cabinet's index
        list; the cabinet's party indexes."""
        for preference in prefer:
            self.fix_minimum(preference(self.encoding, self.model))
        self.fix_minimum(sum(self.encoding.cabinet))
        self.fix_smallest_index_list(self.encoding.cabinet)
        solution = self.solver.solution()
        assert solution is not None, "every part was fixed to a satisfiable value"
        return [i for i, lit in enumerate(self.encoding.cabinet)
                if solution[lit.index] == 1]


def first(problem: Instance, budget: Budget | None = None,
          prefer: Sequence[Preference] = ()) -> Allocation | None:
    """The first allocation in SPEC §2's order, or None: found by fixing the key part by part
    (the number of cabinet parties by minimising, each index list greedily, each member count
    and holder index by minimising), on a copy of the model. With `prefer`, each expression is
    minimised (and fixed at its minimum) first, in turn: the first in SPEC order of the
    allocations that do best by them. A party outside the cabinet has no members (SPEC §2),
    so only the cabinet's member counts are fixed."""
    key = _Key(problem, budget)
    if not key.solver.satisfiable():
        return None
    cabinet = key.cabinet(prefer)
    encoding = key.encoding
    for role in encoding.role_vars[1:3]:
        key.fix_smallest_index_list(role)
    for i in cabinet:
        key.fix_minimum(encoding.members[i])
    for row in [*encoding.holders.values(), *encoding.portfolio_holders.values()]:
        key.fix_minimum(sum(i * h for i, h in enumerate(row)))
    solution = key.solver.solution()
    assert solution is not None, "every part was fixed to a satisfiable value"
    decoder = Decoder(encoding)
    return decoder.allocation(decoder.raw(solution))


def first_cabinet(problem: Instance, budget: Budget | None = None,
                  prefer: Sequence[Preference] = ()) -> list[str] | None:
    """The cabinet of `first(problem, budget, prefer)`, without fixing the rest of the key
    (the likeliest cabinet of `likely.deals` needs no more)."""
    key = _Key(problem, budget)
    if not key.solver.satisfiable():
        return None
    return [problem.party_ids[i] for i in key.cabinet(prefer)]


def exists(problem: Instance, budget: Budget | None = None) -> bool:
    """Whether the (scenario-resolved) instance has any allocation: one solve, no listing."""
    return Solver(Encoding(problem).model, budget=budget).satisfiable()
