"""The relaxable model every explanation works on: each non-fixed demand behind its own
*indicator* literal (its `active` literal in the encoding), so that CP-SAT can be asked about any
set of demands by assuming their indicators true. Base rules and fixed demands have no indicator:
they always hold and are never blamed. (CPMpy's `make_assump_model` is the same idea.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..instance.schema import Instance
from ..solving.encoding import Encoding
from ..solving.literals import Literal
from ..solving.solver import Budget, Solver


@dataclass
class SoftModel:
    """The relaxable encoding of one (scenario-resolved) instance and a solver for it."""

    problem: Instance
    budget: Budget = field(default_factory=Budget)
    encoding: Encoding = field(init=False)
    solver: Solver = field(init=False)
    #: the ids of the non-fixed demands, in instance order: the only ones that can be blamed
    soft: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.encoding = Encoding(self.problem, relaxable=True)
        self.solver = Solver(self.encoding.model, budget=self.budget)
        self.soft = [d.key for d in self.problem.demands if not d.fixed]
        self._index_of = {did: lit.index for did, lit in self.encoding.active.items()
                          if not isinstance(lit, bool)}
        self._by_index = {i: did for did, i in self._index_of.items()}

    def indicators(self, demands: Iterable[str]) -> list[Literal]:
        return [self.encoding.active[d] for d in demands]

    def dropped(self, solution: Sequence[int]) -> tuple[str, ...]:
        """The soft demands whose indicator is false in a solution, in instance order."""
        return tuple(d for d in self.soft if not solution[self._index_of[d]])

    def satisfiable(self, demands: Iterable[str]) -> bool:
        """Whether these demands (with the base rules and fixed demands) can all hold."""
        return self.solver.satisfiable(self.indicators(demands))

    def core(self, demands: Iterable[str]) -> set[str] | None:
        """None if these demands can all hold; else a subset of them that cannot (CP-SAT's
        core, not necessarily minimal)."""
        found = self.solver.core(self.indicators(demands))
        return None if found is None else {self._by_index[i] for i in found}
