"""D'Hondt and Sainte-Laguë decided by arithmetic: the member ranges of one cabinet under a
`proportional` demand by a highest-averages method, without the solver.

SPEC §3 states both methods as pairwise conditions. They say the same as the textbook rule: a
party's k-th member is earned by its *average* w/d(k), with d(k) = k (D'Hondt) or 2k − 1
(Sainte-Laguë), and `n` satisfies the conditions exactly when every average earned is at least
every average not earned: the N members apportioned go to the N largest averages, ties either
way. So the vectors of each total N are read off one descending sequence of averages
(`highest_averages`): the averages above the N-th largest, plus any choice, among the parties
tied at it, of as many as make up N.

The coalition level asks no more than each party's least and greatest members, which these
vectors give with the base rules of SPEC §2 (at least `min_per_party` each, the caps of
`members_within_seats`, the size of the cabinet and a member for every post and portfolio),
the cabinet parties outside the demand taking any members the total leaves. The analysis
(`coalitions.CoalitionAnalyst`) uses it where that demand is the only one about members, posts
or portfolios in force; tests/test_scale.py checks it against the solver and the brute force.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby, repeat
from math import lcm

from ..instance.demands import Proportional
from .result import MemberRange

#: the methods decided here, each with its divisor for the k-th member
DIVISORS = {"dhondt": lambda k: k, "sainte_lague": lambda k: 2 * k - 1}


@dataclass(frozen=True)
class Room:
    """What the base rules leave the members of a cabinet: each party at least `least` and at
    most its cap (`caps`, per party in instance order), their total within `total`."""

    least: int
    caps: Sequence[int]
    total: tuple[int, int]


class Averages:
    """One `proportional` demand by D'Hondt or Sainte-Laguë over the parties `apportioned`
    (instance indexes), its averages computed once for every cabinet: exact integers (each
    party's weight times lcm(d(1), ..., d(H)) / d(k), for every k up to H, the largest
    cabinet)."""

    def __init__(self, demand: Proportional, weights: Sequence[int],
                 apportioned: Sequence[int], largest: int) -> None:
        divisors = [DIVISORS[demand.method](k) for k in range(1, largest + 1)]
        scale = lcm(*divisors)
        self.apportioned = frozenset(apportioned)
        self.weights = {i: weights[i] for i in apportioned}
        self._averages = {i: [weights[i] * (scale // d) for d in divisors] for i in apportioned}

    def ranges(self, cabinet: Sequence[int], room: Room) -> dict[int, MemberRange] | None:
        """Every cabinet party's least and greatest members, or None where no allocation
        meets the demand and the base rules."""
        ours = [i for i in cabinet if i in self.apportioned]
        positive = [i for i in ours if self.weights[i] > 0]
        if len(ours) < 2 or not positive:  # nobody to compare: the demand says nothing
            left = _left(0, cabinet, room)
            return None if left is None else _others(left, cabinet, room)
        if len(positive) < len(ours):
            # a party of no weight holding a member outweighs nobody, and every cabinet party
            # holds one (min_per_party >= 1): no vector meets the demand
            return None
        others = [i for i in cabinet if i not in self.apportioned]
        return highest_averages({i: self._averages[i] for i in ours}, others, room)


def highest_averages(averages: Mapping[int, Sequence[int]], others: Sequence[int],
                     room: Room) -> dict[int, MemberRange] | None:
    """The member ranges of a cabinet whose parties `averages` (each its averages, largest
    first, all positive) are apportioned by them and whose parties `others` are not, or None.

    The averages are merged into one descending sequence and taken tie group by tie group; for
    each total those parties may have, `_tied` says which vectors of that total the base rules
    allow and the range of each party over them, and `_left` what the cabinet's size leaves
    the others."""
    ranges: dict[int, tuple[int, int]] = {}
    spared: tuple[int, int] | None = None  # the least and most the others hold in all
    base = dict.fromkeys(averages, 0)
    given = 0
    high = room.total[1]
    merged = heapq.merge(*(zip(averages[i], repeat(i)) for i in averages), reverse=True)
    for _, group in groupby(merged, key=lambda award: award[0]):
        tied = [i for _, i in group]
        for extra in range(1, min(len(tied), high - given) + 1):
            left = _left(given + extra, others, room)
            found = None if left is None else _tied(base, tied, extra, room)
            if left is None or found is None:
                continue
            for i, (a, b) in found:
                ranges[i] = (min(a, ranges[i][0]), max(b, ranges[i][1])) if i in ranges \
                    else (a, b)
            spared = left if spared is None else (min(spared[0], left[0]),
                                                  max(spared[1], left[1]))
        for i in tied:
            base[i] += 1
        given += len(tied)
        if given >= high:
            break
    if spared is None:
        return None
    return {**{i: MemberRange(a, b) for i, (a, b) in ranges.items()},
            **_others(spared, others, room)}


def _left(taken: int, others: Sequence[int], room: Room) -> tuple[int, int] | None:
    """The least and most members `others` may hold together when `taken` are held by the
    rest of the cabinet: what the cabinet's size leaves, within their own bounds; None if
    nothing is left that they could hold."""
    low = max(room.least * len(others), room.total[0] - taken)
    high = min(sum(room.caps[i] for i in others), room.total[1] - taken)
    return (low, high) if low <= high else None


def _others(together: tuple[int, int], others: Sequence[int], room: Room
            ) -> dict[int, MemberRange]:
    """Each of `others`' least and greatest members when together they hold anything within
    `together`: the least leaves the rest their caps, the greatest their least."""
    least, caps = room.least, room.caps
    room_of = sum(caps[i] for i in others)
    return {i: MemberRange(max(least, together[0] - (room_of - caps[i])),
                           min(caps[i], together[1] - least * (len(others) - 1)))
            for i in others}


def _tied(base: Mapping[int, int], tied: Sequence[int], extra: int, room: Room
          ) -> Iterator[tuple[int, tuple[int, int]]] | None:
    """The vectors `base` plus one member for `extra` of the parties `tied`: None where none
    lies within the parties' bounds, else each party's least and greatest over those that do.
    A tied party must take the extra member where it is one short of `least`, and cannot
    where it is at its cap; the rest are free."""
    least, caps = room.least, room.caps
    among = set(tied)
    must = cannot = 0
    for i, n in base.items():
        if i in among:
            if n < least - 1 or n > caps[i]:
                return None
            must += n == least - 1
            cannot += n == caps[i] and n >= least
        elif not least <= n <= caps[i]:
            return None
    if not must <= extra <= len(tied) - cannot:
        return None

    def each() -> Iterator[tuple[int, tuple[int, int]]]:
        for i, n in base.items():
            if i not in among or n == caps[i] and n >= least:
                yield i, (n, n)
            elif n == least - 1:
                yield i, (n + 1, n + 1)
            else:  # free: it may go without while enough others can take one, and take one
                # while the parties that must leave room
                yield i, (n if extra <= len(tied) - cannot - 1 else n + 1,
                          n + 1 if extra >= must + 1 else n)

    return each()
