"""Which cabinet forms, over a sweep's draws: in each drawn parliament the formation model's
probability of each cabinet that has a deal there (`likely`), so that the cabinets and the
draws with no deal at all sum to 1; averaged over the draws, P(forms).

"Possible" (the share of draws in which a government has a deal, SPEC §7's `probability`)
says whether it can form; P(forms) says how likely it is to, where it can.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from ..instance.schema import Instance
from ..likely.attributes import Chamber
from ..likely.model import FormationModel, shipped
from ..solving.result import CABINET
from .draws import Draw
from .governments import Governments

Cabinet = tuple[int, ...]  # party indexes


@dataclass
class Forming:
    """The running sums over the draws answered: per cabinet, its probabilities and how many
    draws it was possible in."""

    problem: Instance
    majority: int | None
    model: FormationModel = field(default_factory=shipped)
    chances: dict[Cabinet, float] = field(default_factory=dict)
    possible: Counter[Cabinet] = field(default_factory=Counter)
    _chamber: Chamber = field(init=False)
    _cabinets: dict[Governments, tuple[list[Cabinet], NDArray[np.bool_]]] = (
        field(default_factory=dict))

    def __post_init__(self) -> None:
        self._chamber = Chamber.of(self.problem)

    def add(self, draw: Draw, governments: Governments) -> None:
        """One draw, and the governments that have a deal in it."""
        if governments:
            self.add_cabinets(draw, *self._distinct(governments))

    def add_cabinets(self, draw: Draw, cabinets: list[Cabinet],
                     members: NDArray[np.bool_]) -> None:
        """One draw, and the distinct cabinets of the governments that have a deal in it (a
        row of `members` each)."""
        chamber = replace(self._chamber, seats=np.array(draw.seats, dtype=np.int64),
                          quota=draw.quota(self.majority, self.problem.government.share)
                          + self.problem.government.margin,
                          total=draw.total)
        for cabinet, p in zip(cabinets, self.model.probabilities(chamber, members),
                              strict=True):
            self.chances[cabinet] = self.chances.get(cabinet, 0.0) + float(p)
            self.possible[cabinet] += 1

    def _distinct(self, governments: Governments) -> tuple[list[Cabinet], NDArray[np.bool_]]:
        """The distinct cabinets of these governments (and their rows), made once per set of
        governments (a signature's answer is shared by many draws)."""
        if governments not in self._cabinets:
            cabinets = list(dict.fromkeys(
                tuple(i for i, r in enumerate(roles) if r == CABINET) for roles in governments))
            members = np.zeros((len(cabinets), len(self.problem.parties)), dtype=bool)
            for row, cabinet in enumerate(cabinets):
                members[row, list(cabinet)] = True
            self._cabinets[governments] = (cabinets, members)
        return self._cabinets[governments]

    def ranked(self) -> tuple[tuple[Cabinet, float, int], ...]:
        """(cabinet, the sum of its probabilities, the draws it was possible in), the most
        likely first (ties: fewest parties, then their indexes)."""
        return tuple(sorted(((c, p, self.possible[c]) for c, p in self.chances.items()),
                            key=lambda item: (-round(item[1], 9), len(item[0]), item[0])))
