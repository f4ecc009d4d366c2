"""Who holds power (`allocator power`): each party's Shapley–Shubik index and normalised Banzhaf
index in two simple games on the parties.

* **The weighted majority game**: a set of parties wins when its seats reach the quota. This is
  what every power-index package computes; the demands play no part.
* **The game under the demands**: a set T wins when some feasible government (C, S, A) of the
  instance (roles, allocation and every demand in force) has C ∪ S ∪ A ⊆ T. A red line that
  rules out every government a party could make or break moves power away from it; this is the
  game that says so.

Both games are monotone, so one kind of count gives both indices. A party i is a *swing* for a
set T without it when T loses and T ∪ {i} wins. Its Banzhaf count is the number of such T, and
the normalised Banzhaf index is that count over the sum of every party's count. Its
Shapley–Shubik index is the share of the n! orders of the parties in which i is the one that
turns the set before it from losing to winning: a swing T of size s stands for s!(n-1-s)! of
those orders. Both come out exact (fractions) and are 0 for a party that is never a swing (a
*null* party); when no set wins (a deadlock, or a quota above the chamber) there is no power to
share and the indices are undefined (`None`).

How each game is counted, never by running through the n! orders:

* `weighted_counts`: dynamic programming over (number of parties, seats) — how many sets of
  the other parties have s members and w seats below the quota — built once for all parties and
  "divided" by each party in turn (`_without`). Pseudo-polynomial: parties x parties x quota.
* `table_counts`: the winning sets of the game under the demands come from the coalition level
  (`governing_sets`: each distinct C ∪ S ∪ A; non-party ministers are no player). Null
  parties (in no government) are set aside, which changes neither index of the others; over
  the k parties left, a table of the 2^k sets marks the winners (every superset of a
  governing set, closed one party at a time), and each party's swings are read off it by the
  size of the set, vectorised with numpy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from itertools import combinations, product
from math import comb, factorial

import numpy as np
import numpy.typing as npt

from ..errors import UsageError
from ..instance.schema import Instance
from ..instance.transform import INDEPENDENT, without
from .coalitions import Listing
from .result import OPPOSITION, DemandPower, PartyPower, Power
from .solver import Budget

#: the game under the demands is tabulated over at most this many parties that sit in some
#: government (2^26 sets: 64 MiB per table)
MAX_TABLE_PARTIES = 26
#: the weighted game counts sets of up to this many parties in 64-bit integers
MAX_WEIGHTED_PARTIES = 62

#: per party, how many of its swing sets have each size (0 .. n-1); None when no set wins
SwingCounts = list[list[int]] | None
Indices = tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None


def indices(counts: SwingCounts) -> Indices:
    """The Shapley–Shubik and normalised Banzhaf indices from the swing counts by size."""
    if counts is None:
        return None
    n = len(counts)
    orders = factorial(n)
    shapley = tuple(Fraction(sum(c * factorial(s) * factorial(n - 1 - s)
                                 for s, c in enumerate(by_size)), orders)
                    for by_size in counts)
    swings = [sum(by_size) for by_size in counts]
    total = sum(swings)
    banzhaf = tuple(Fraction(b, total) for b in swings)
    return shapley, banzhaf


# --- the weighted majority game ---------------------------------------------------------------


def weighted_counts(seats: Sequence[int], quota: int) -> SwingCounts:
    """Swing counts of the weighted majority game (seats, quota), by dynamic programming."""
    n = len(seats)
    if n > MAX_WEIGHTED_PARTIES:
        raise UsageError(f"the weighted game is counted for at most {MAX_WEIGHTED_PARTIES} "
                        f"parties; this chamber has {n}")
    if sum(seats) < quota:
        return None
    # every[s, w]: how many sets of s parties have w seats (w < quota; larger sets win anyway)
    every = np.zeros((n + 1, quota), dtype=np.int64)
    every[0, 0] = 1
    for weight in seats:
        _add(every, weight)
    counts = []
    for weight in seats:
        others = _without(every, weight)
        low = max(0, quota - weight)
        counts.append([int(x) for x in others[:n, low:].sum(axis=1)])
    return counts


def _add(table: npt.NDArray[np.int64], weight: int) -> None:
    """Count the sets with one more party of `weight` seats too (in place)."""
    if weight < table.shape[1]:
        table[1:, weight:] += table[:-1, :table.shape[1] - weight].copy()


def _without(table: npt.NDArray[np.int64], weight: int) -> npt.NDArray[np.int64]:
    """The counts of the sets without one party of `weight` seats: `_add` undone, from the
    fewest parties up (the sets of s parties without it are those with it, less the sets of
    s - 1 parties without it that it joins)."""
    out = table.copy()
    if weight >= table.shape[1]:
        return out
    for s in range(1, table.shape[0]):
        out[s, weight:] -= out[s - 1, :table.shape[1] - weight]
    return out


# --- the game under the demands ----------------------------------------------------------------


def governing_sets(problem: Instance, budget: Budget) -> set[int] | None:
    """Each distinct C ∪ S ∪ A of the feasible governments, as a bit mask over the parties in
    instance order (the coalition level, which knows every demand); None when the budget ran
    out (or an interrupt came) before every government was found.

    Only the canonical candidates are searched: a candidate stands for every coalition that
    swaps interchangeable parties, and so its set stands for every choice of as many members of
    each class of interchangeable parties (`_expanded`), without listing the coalitions."""
    listing = Listing(problem, detail=False, budget=budget)
    players = _players(problem)
    classes = listing.expander.classes
    in_class = {i for members in classes for i in members}
    shapes = set()
    for group in listing.canonical():
        for analysed in group:
            involved = [role != OPPOSITION for role in analysed.roles]
            alone = sum(1 << i for i, on in enumerate(involved) if on and i not in in_class)
            shapes.add((alone & players,
                        tuple(sum(involved[i] for i in members) for members in classes)))
    if not listing.complete:
        return None
    return {mask for alone, counts in shapes for mask in _expanded(alone, classes, counts)}


def _players(problem: Instance) -> int:
    """The parties that play, as a bit mask: all but the non-party ministers, whom a set of
    parties never needs."""
    return sum(1 << i for i, p in enumerate(problem.party_ids) if p != INDEPENDENT)


def _expanded(alone: int, classes: Sequence[Sequence[int]], counts: Sequence[int]
              ) -> Iterator[int]:
    """The sets with the parties of `alone` and, of each class, any `counts` of its members."""
    for chosen in product(*(combinations(members, k)
                            for members, k in zip(classes, counts, strict=True))):
        yield alone | sum(1 << i for members in chosen for i in members)


def table_counts(n: int, governing: Iterable[int]) -> SwingCounts:
    """Swing counts of the game whose winning sets are the supersets of `governing` (bit masks
    over n parties)."""
    governing = set(governing)
    if not governing:
        return None
    present = [i for i in range(n) if any(mask >> i & 1 for mask in governing)]
    k = len(present)
    if k > MAX_TABLE_PARTIES:
        raise UsageError(f"{k} parties sit in some government; power under the demands is "
                        f"counted for at most {MAX_TABLE_PARTIES}")
    wins = np.zeros(1 << k, dtype=bool)
    wins[[_compact(mask, present) for mask in governing]] = True
    for bit in range(k):  # every superset of a winning set wins
        halves = wins.reshape(-1, 2, 1 << bit)
        halves[:, 1, :] |= halves[:, 0, :]
    sizes = _popcounts(k)
    counts = [[0] * n for _ in range(n)]
    for bit, party in enumerate(present):
        halves = wins.reshape(-1, 2, 1 << bit)
        swing = halves[:, 1, :] & ~halves[:, 0, :]
        by_size = np.bincount(sizes.reshape(-1, 2, 1 << bit)[:, 0, :][swing], minlength=k)
        # the null parties set aside join a swing set or not: each swing of size s in the
        # table stands for C(n-k, j) swings of size s + j in the whole game
        counts[party] = _with_null_parties([int(x) for x in by_size[:k]], n - k)
    return counts


def _compact(mask: int, present: Sequence[int]) -> int:
    return sum(1 << bit for bit, party in enumerate(present) if mask >> party & 1)


def _popcounts(k: int) -> npt.NDArray[np.uint8]:
    sizes = np.zeros(1 << k, dtype=np.uint8)
    for bit in range(k):
        sizes.reshape(-1, 2, 1 << bit)[:, 1, :] += 1
    return sizes


def _with_null_parties(by_size: list[int], nulls: int) -> list[int]:
    """Swing counts by size once `nulls` parties that never matter are added to the game."""
    out = [0] * (len(by_size) + nulls)
    for s, c in enumerate(by_size):
        for j in range(nulls + 1):
            out[s + j] += c * comb(nulls, j)
    return out


# --- the answer ---------------------------------------------------------------------------------


def power(problem: Instance, scenario: str | None = None, budget: Budget | None = None
          ) -> Power:
    """Both games' indices for every party of a (scenario-resolved) instance, and for each
    demand of a party, that party's indices under the demands without it. What the budget (a
    time limit, an interrupt) does not reach is left undecided (None), marked incomplete."""
    budget = budget or Budget()
    seats = [p.seats for p in problem.parties]
    n = len(seats)
    unconstrained = indices(weighted_counts(seats, problem.quota + problem.government.margin))
    budget.phase("the governments under every demand")
    governing = governing_sets(problem, budget)
    constrained = None if governing is None else indices(table_counts(n, governing))
    parties = tuple(PartyPower(party, _at(constrained, i), _at(unconstrained, i))
                    for i, party in enumerate(problem.party_ids) if party != INDEPENDENT)
    complete = governing is not None
    demands = []
    for demand in problem.demands:
        owner = demand.party or next(iter(demand.by or ()), None)
        if owner is None or owner == INDEPENDENT:
            continue
        budget.phase(f"without {demand.key}")
        governing = governing_sets(without(problem, [demand.key]), budget) if complete else None
        complete = governing is not None
        dropped = None if governing is None else indices(table_counts(n, governing))
        demands.append(DemandPower(demand.key, owner,
                                   _at(dropped, problem.party_ids.index(owner))))
    return Power(problem, scenario, parties, tuple(demands), complete)


def _at(found: Indices, i: int) -> tuple[float, float] | None:
    return None if found is None else (float(found[0][i]), float(found[1][i]))
