"""Votes -> seats, as electoral law does it: a threshold, then a divisor method (D'Hondt,
Sainte-Laguë, modified Sainte-Laguë) or a largest-remainder method (Hamilton, also called
Hare-Niemeyer; Droop).

Exact: votes are integers and every comparison is between integer products, so no rounding
ever decides a seat. A tie for the last seat (equal quotients, or equal remainders) goes to the
list with more votes, then to the one listed first; real law draws lots there.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

#: every method, with the divisor of each list's (k+1)-th seat as an integer function of k (all
#: divisors of a method share one scale, so comparisons stay exact); None: a quota method
_DIVISORS = {
    "dhondt": lambda k: k + 1,                                  # 1, 2, 3, ...
    "sainte_lague": lambda k: 2 * k + 1,                        # 1, 3, 5, ... (halves)
    "modified_sainte_lague": lambda k: 7 if k == 0 else 10 * k + 5,  # 1.4, 3, 5, ... (x5)
}
METHODS = (*_DIVISORS, "hamilton", "droop")


def qualified(votes: Sequence[int], total: int, share: Fraction,
              exempt: Sequence[bool]) -> list[bool]:
    """Which lists pass the threshold: at least `share` percent of `total` votes, or exempt
    (named in the law, or holding enough constituency seats)."""
    return [free or v * 100 * share.denominator >= share.numerator * total
            for v, free in zip(votes, exempt, strict=True)]


def apportion(votes: Sequence[int], seats: int, method: str) -> list[int]:
    """`seats` shared among lists with these votes (lists with no votes win none)."""
    if not any(votes):
        return [0] * len(votes)
    if method in _DIVISORS:
        return _highest_averages(votes, seats, _DIVISORS[method])
    return _largest_remainders(votes, seats, droop=method == "droop")


def _highest_averages(votes: Sequence[int], seats: int, divisor: object) -> list[int]:
    """Each seat to the list with the highest votes / divisor(seats it holds). Every divisor
    of seat k+1 lies in [k, k+1] (in its method's scale), so a list holds at least
    floor(v x (S - P) / V) seats: start there and hand out the few seats left one by one."""
    d = divisor
    assert callable(d)
    total, lists = sum(votes), sum(1 for v in votes if v)
    start = max(seats - lists, 0)
    held = [v * start // total for v in votes]
    order = sorted(range(len(votes)), key=lambda i: -votes[i])  # ties: more votes, listed first
    for _ in range(seats - sum(held)):
        best = order[0]
        for i in order[1:]:
            # votes[i] / d(held[i]) > votes[best] / d(held[best]), exactly
            if votes[i] * d(held[best]) > votes[best] * d(held[i]):
                best = i
        held[best] += 1
    return held


def _largest_remainders(votes: Sequence[int], seats: int, *, droop: bool) -> list[int]:
    """Each list gets its quota's whole part; the seats left go to the largest remainders.
    Hamilton's quota is V/S, Droop's floor(V/(S+1)) + 1."""
    total = sum(votes)
    if droop:
        quota = Fraction(total // (seats + 1) + 1)
    else:
        quota = Fraction(total, seats)
    held = [int(v // quota) for v in votes]
    remainders = [v - h * quota for v, h in zip(votes, held, strict=True)]
    order = sorted((i for i, v in enumerate(votes) if v),
                   key=lambda i: (-remainders[i], -votes[i], i))
    left = seats - sum(held)
    while left > 0:
        for i in order[:left]:
            held[i] += 1
        left = seats - sum(held)
    return held
