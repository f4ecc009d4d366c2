"""The seat signature of a parliament: everything the model reads from the seats and votes,
in a form that many drawn parliaments share (a sweep solves each signature once).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from ..instance.demands import DemandBase
from ..instance.schema import Instance

#: truth tables over more subsets than this give way to the seats themselves (`seat_signature`)
MAX_TABLE = 6_561


def seat_signature(instance: Instance) -> Hashable:
    """Everything the encoding reads from the seats and votes, in a form that two parliaments
    often share: instances equal but for their seats and votes, with equal signatures, have
    exactly the same solutions (a sweep solves each signature once).

    The seats enter the model only through these comparisons, which must be kept in step with
    every use of `seats`, `quota` and `unlisted` above:
    * whether a set of parties reaches the quota (`_majority_form`, absolute investiture, and
      `minimal_winning`): a truth table over every subset;
    * relative investiture, whether 2 x seats(for) + seats(abstaining) exceeds the chamber
      (for > against, with against the rest): a table over every (for, abstain) split;
    * negative investiture, whether a set of parties (the opposition) plus the unlisted seats
      stays below the quota;
    * the numbers a demand reads from the seats or votes beyond the quota
      (`DemandBase.numbers`: the weights of a `proportional` demand);
    * under `cabinet.members_within_seats`, the most members each party may have
      (`Instance.member_caps`).
    Where a table would be too long, the seats themselves are the signature.
    """
    weights = tuple(d.numbers(instance) for d in instance.demands if reads_numbers(d))
    seats = [p.seats for p in instance.parties]
    return seat_tables(seats, instance.quota, instance.total_seats,
                       instance.government.investiture, instance.government.margin,
                       instance.member_caps(seats)) + (weights,)


def seat_tables(seats: Sequence[int], quota: int, total: int, rule: str, margin: int,
                caps: Sequence[int]) -> tuple[Any, ...]:
    """`seat_signature` but for the weights, from the numbers alone (a sweep computes it for
    every draw, without building an instance where no `proportional` demand needs one)."""
    size = 3 ** len(seats) if rule == "relative" else 2 ** len(seats)
    if size > MAX_TABLE:
        return (rule, tuple(seats), quota, total, tuple(caps))
    return (rule, *_seat_tables(seats, quota, total, rule, margin), tuple(caps))


def _seat_tables(seats: Sequence[int], quota: int, total: int, rule: str, margin: int
                 ) -> list[bytes]:
    """The truth tables of `seat_signature`: every subset's seats against the quota (plus the
    margin), then the investiture rule's own comparison (by the margin)."""
    sums = [0]
    for w in seats:
        sums += [s + w for s in sums]
    tables = [bytes(s >= quota + margin for s in sums)]
    if rule == "relative":  # each party against, for (counted twice) or abstaining
        votes = [0]
        for w in seats:
            votes = [v + x for v in votes for x in (0, 2 * w, w)]
        tables.append(bytes(v > total + margin for v in votes))
    elif rule == "negative":
        unlisted = total - sum(seats)
        tables.append(bytes(s + unlisted < quota - margin for s in sums))
    return tables



def reads_numbers(demand: DemandBase) -> bool:
    """Whether a demand reads seats or votes as numbers (not only which parties reach the
    quota), so that a parliament's signature must hold them."""
    return bool(demand.reads() & {"seats", "votes"})
