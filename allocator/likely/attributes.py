"""What the formation model reads of a cabinet: the attributes of Martin & Stevenson (2001),
"Government formation in parliamentary democracies", and a few more, each computed for every
cabinet of a choice set at once (one row per cabinet).

Martin & Stevenson's:

* `minority`: the cabinet's seats are below the quota;
* `minimal_winning`: it reaches the quota, and would not without any one of its parties;
* `parties`: how many parties it has;
* `range`: the distance between its outermost parties' positions, as a share of the whole
  chamber's spread;
* `largest`: it holds a party with the most seats; `median`: it holds the party of the median
  seat, parties ordered by position (the left one where two share the middle);
* `incumbent`: it is the outgoing cabinet (`previous`), every party of it still there;
  `previous_pm`: it holds the outgoing leader's party;
* `minority_tolerated`: a minority cabinet where the investiture rule is relative or negative
  (a government need not win a majority vote: minority cabinets are common there).

And others the fit may use where they help out of sample (docs/record.md says which do):
`single_party_majority`, `minimum_winning` (the fewest seats of the winning cabinets),
`connected` (no party outside sits between two of its parties), `seat_share` (its seats as a
share of the chamber), `surplus_share` (its seats beyond the quota, as a share of the chamber;
0 for a minority cabinet).

Positions are read where parties have them: a party without one neither widens a cabinet's
range, nor counts towards the median seat, nor sits between two parties (ParlGov leaves many
small parties without one). With fewer than two positions in the chamber, `range`, `median` and
`connected` are 0 for every cabinet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..instance.schema import Instance

MARTIN_STEVENSON = ("minority", "minimal_winning", "parties", "range", "largest", "median",
                    "incumbent", "previous_pm", "minority_tolerated")
MORE = ("single_party_majority", "minimum_winning", "connected", "seat_share", "surplus_share")
NAMES = (*MARTIN_STEVENSON, *MORE)
#: the attributes of the shipped model: Martin & Stevenson's, and those that raised the
#: out-of-sample likelihood (leave one country out) when added one at a time (docs/record.md)
CHOSEN = (*MARTIN_STEVENSON, "seat_share", "surplus_share")

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class Chamber:
    """What the attributes read of a formation."""

    seats: NDArray[np.int64]
    positions: NDArray[np.float64] | None  # NaN where a party has none; None: fewer than two
    quota: int  # with the government's margin: what a majority cabinet holds
    total: int
    tolerated: bool  # the investiture rule is relative or negative
    previous: NDArray[np.bool_] | None  # the outgoing cabinet's parties (None: not known)
    leader: int | None  # the outgoing leader's party

    @classmethod
    def of(cls, problem: Instance) -> Chamber:
        seats = np.array([p.seats for p in problem.parties], dtype=np.int64)
        given = np.array([np.nan if p.position is None else float(p.position)
                          for p in problem.parties])
        positions = given if (~np.isnan(given)).sum() >= 2 else None
        index = {p: i for i, p in enumerate(problem.party_ids)}
        previous, leader = None, None
        if problem.previous is not None and problem.previous.cabinet:
            previous = np.zeros(len(seats), dtype=bool)
            previous[[index[p] for p in problem.previous.cabinet]] = True
            leader = index.get(problem.previous.leader) if problem.previous.leader else None
        return cls(seats, positions, problem.quota + problem.government.margin,
                   problem.total_seats,
                   problem.government.investiture != "absolute", previous, leader)

    @property
    def positioned(self) -> NDArray[np.bool_]:
        """The parties with a position."""
        if self.positions is None:
            return np.zeros(len(self.seats), dtype=bool)
        return ~np.isnan(self.positions)

    @property
    def spread(self) -> tuple[float, float]:
        """The leftmost position, and the distance to the rightmost (1 where all are one)."""
        known = self.positions[self.positioned] if self.positions is not None else np.zeros(1)
        return float(known.min()), float(known.max() - known.min()) or 1.0

    @property
    def median(self) -> int | None:
        """The party of the median seat of the parties with a position, ordered by it (the
        left one where two share the middle), or None without positions."""
        if self.positions is None:
            return None
        known = np.flatnonzero(self.positioned)
        order = known[np.lexsort((known, self.positions[known]))]
        held = np.cumsum(self.seats[order])
        return int(order[np.searchsorted(2 * held, held[-1])])


def attributes(chamber: Chamber, members: NDArray[np.bool_],
               names: Sequence[str] = NAMES) -> Matrix:
    """One row per cabinet (`members`: a boolean per party), one column per attribute named."""
    seats = members.astype(np.int64) @ chamber.seats
    winning = seats >= chamber.quota
    smallest = np.where(members, chamber.seats, np.iinfo(np.int64).max).min(axis=1)
    parties = members.sum(axis=1)
    columns = {
        "minority": ~winning,
        "minimal_winning": winning & (seats - smallest < chamber.quota),
        "parties": parties,
        "largest": members[:, chamber.seats == chamber.seats.max()].any(axis=1),
        "minority_tolerated": ~winning & chamber.tolerated,
        "single_party_majority": winning & (parties == 1),
        "minimum_winning": winning & (seats == (seats[winning].min() if winning.any() else -1)),
        "seat_share": seats / max(chamber.total, 1),
        "surplus_share": np.maximum(seats - chamber.quota, 0) / max(chamber.total, 1),
        **_positional(chamber, members),
        **_history(chamber, members),
    }
    return np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in names])


def _positional(chamber: Chamber, members: NDArray[np.bool_]) -> dict[str, NDArray[np.float64]]:
    """`range`, `median` and `connected`, over the parties with a position (0 for every
    cabinet without two positions in the chamber)."""
    zero = np.zeros(len(members))
    if chamber.positions is None:
        return {"range": zero, "median": zero, "connected": zero}
    known = chamber.positioned
    positions = np.where(known, chamber.positions, 0.0)
    placed = members & known[None, :]
    high = np.where(placed, positions, -np.inf).max(axis=1)
    low = np.where(placed, positions, np.inf).min(axis=1)
    between = (known[None, :] & (positions[None, :] > low[:, None])
               & (positions[None, :] < high[:, None]))
    median = chamber.median
    return {"range": np.where(placed.any(axis=1), high - low, 0.0) / chamber.spread[1],
            "median": members[:, median].astype(np.float64) if median is not None else zero,
            "connected": (~(between & ~members).any(axis=1)).astype(np.float64)}


def _history(chamber: Chamber, members: NDArray[np.bool_]) -> dict[str, NDArray[np.float64]]:
    """`incumbent` and `previous_pm`: 0 for every cabinet where the past is not known."""
    zero = np.zeros(len(members))
    if chamber.previous is None:
        return {"incumbent": zero, "previous_pm": zero}
    incumbent = (members == chamber.previous[None, :]).all(axis=1)
    leader = members[:, chamber.leader] if chamber.leader is not None else zero
    return {"incumbent": incumbent.astype(np.float64),
            "previous_pm": np.asarray(leader, dtype=np.float64)}
