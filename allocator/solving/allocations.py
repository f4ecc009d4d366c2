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


def first(problem: Instance, budget: Budget | None = None,
          prefer: Sequence[Preference] = ()) -> Allocation | None:
    """The first allocation in SPEC §2's order, or None: found by fixing the key part by part
    (the number of cabinet parties by minimising, each index list greedily, each member count
    and holder index by minimising), on a copy of the model. With `prefer`, each expression is
    minimised (and fixed at its minimum) first, in turn: the first in SPEC order of the
    allocations that do best by them."""
    encoding = Encoding(problem)
    model = encoding.model.clone()
    solver = Solver(model, presolve=False, budget=budget)
    if not solver.satisfiable():
        return None

    def fix_minimum(expr: cp_model.LinearExprT) -> None:
        optimum = solver.optimum(expr)
        assert optimum is not None, "the model was satisfiable before"
        model.add(expr == optimum[0])

    def fix_smallest_index_list(lits: Sequence[Literal]) -> None:
        """The lexicographically smallest sorted list of the indexes whose literal is true:
        the list ends as soon as it can (shorter is smaller), else its next member is the
        smallest index that can still come next, found by one solve that maximises binary
        weights (the earliest of the next 62 literals weighs most; none of them: skip them)."""
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

    for preference in prefer:
        fix_minimum(preference(encoding, model))
    fix_minimum(sum(encoding.cabinet))
    for role in encoding.role_vars[:3]:
        fix_smallest_index_list(role)
    for members in encoding.members:
        fix_minimum(members)
    for row in [*encoding.holders.values(), *encoding.portfolio_holders.values()]:
        fix_minimum(sum(i * h for i, h in enumerate(row)))
    solution = solver.solution()
    assert solution is not None, "every part was fixed to a satisfiable value"
    decoder = Decoder(encoding)
    return decoder.allocation(decoder.raw(solution))


def exists(problem: Instance, budget: Budget | None = None) -> bool:
    """Whether the (scenario-resolved) instance has any allocation: one solve, no listing."""
    return Solver(Encoding(problem).model, budget=budget).satisfiable()
