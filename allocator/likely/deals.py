"""The sensible example deal: what a relaxation, a why-not or a page shows when it shows one
government. Not the first allocation in SPEC order (a cabinet of one member per party, led by
whichever party comes first), but

1. the **most likely cabinet** the instance allows (the formation model's utility, maximised by
   CP-SAT over the instance's own model, so that no list of cabinets is made; ties in SPEC
   order), then
2. its allocation **closest to proportional**: members in proportion to the cabinet parties'
   seats, the largest deviation |n_p·W − N·w_p| as small as possible (N members in all, W the
   cabinet's seats; each member counted with the weight of the posts and portfolios it holds,
   `Cabinet.value`, where `cabinet.weights` gives any), then the **leader from the largest
   cabinet party** where the demands allow it, then the rest in SPEC order.

The utility is the model's (x·β), each term written over the encoding's cabinet booleans; its
coefficients are rounded to 1/`SCALE` (`likely.ranking.likeliest` enumerates the cabinets
instead, and tests hold the two to the same cabinet).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ortools.sat.python import cp_model

from ..instance.schema import Instance
from ..instance.transform import INDEPENDENT
from ..solving.allocations import Preference, first, first_cabinet
from ..solving.encoding import Encoding
from ..solving.result import Allocation
from ..solving.solver import Budget
from .attributes import Chamber
from .model import FormationModel, shipped
from .ranking import pinned

#: utilities are compared in units of 1/SCALE
SCALE = 100_000
#: positions are compared in units of 1/POSITIONS
POSITIONS = 1_000
Expression = cp_model.LinearExprT
#: an attribute over the cabinet's booleans: an integer expression, and what to divide it by
Term = Callable[[Encoding, cp_model.CpModel, Chamber], tuple[Expression, int]]


def sensible(problem: Instance, model: FormationModel | None = None,
             budget: Budget | None = None) -> Allocation | None:
    """The sensible example deal of an instance (see the module docstring), or None."""
    cabinet = most_likely(problem, model, budget)
    if cabinet is None:
        return None
    return closest(pinned(problem, cabinet), cabinet, budget)


def closest(problem: Instance, cabinet: Sequence[str], budget: Budget | None = None
            ) -> Allocation | None:
    """The allocation of an instance whose cabinet is `cabinet` (its roles pinned) closest to
    proportional, led by the cabinet's largest party where the demands allow, then the first
    in SPEC order; None where there is none."""
    return first(problem, budget, prefer=[_deviation(problem, cabinet),
                                          _leader_from_largest(problem, cabinet)])


def most_likely(problem: Instance, model: FormationModel | None = None,
                budget: Budget | None = None) -> list[str] | None:
    """The most likely cabinet the instance allows (the model's utility at its maximum; ties
    in SPEC order), or None where it allows none."""
    return first_cabinet(problem, budget, prefer=[_negated_utility(model or shipped(),
                                                                   Chamber.of(problem))])


def _negated_utility(model: FormationModel, chamber: Chamber) -> Preference:
    def utility(enc: Encoding, cp: cp_model.CpModel) -> Expression:
        values: list[Any] = []
        weights: list[int] = []
        for term in model.terms:
            value, unit = TERMS[term.name](enc, cp, chamber)
            values.append(value)
            weights.append(round(-term.coefficient * SCALE / unit))
        return cp_model.LinearExpr.weighted_sum(values, weights)

    return utility


def deviation(allocation: Allocation, problem: Instance) -> int:
    """How far an allocation's members are from proportional to seats: the largest
    |n_p·W − N·w_p| over its cabinet parties, members weighted by their offices (what
    `sensible` minimises in the model)."""
    seats = {p.id: p.seats for p in problem.parties}
    held: dict[str, list[str]] = {p: [] for p in allocation.cabinet if p != INDEPENDENT}
    for office, party in [*allocation.posts.items(), *allocation.portfolios.items()]:
        if party in held:
            held[party].append(office)
    counted = {p: problem.cabinet.value(n, held[p]) for p, n in allocation.cabinet.items()
               if p in held}
    if not counted:
        return 0
    whole = sum(seats[p] for p in allocation.cabinet)
    members = sum(counted.values())
    return max(abs(n * whole - members * seats[p]) for p, n in counted.items())


def sensible_order(allocations: Sequence[Allocation], problem: Instance) -> list[Allocation]:
    """Allocations as `sensible` prefers them: closest to proportional first, then led by the
    cabinet's largest party, then in the order given (SPEC order)."""
    seats = {p.id: p.seats for p in problem.parties}

    def key(a: Allocation) -> tuple[int, bool]:
        largest = max(a.cabinet, key=lambda p: seats[p])
        return deviation(a, problem), a.posts.get("leader") != largest

    return sorted(allocations, key=key)


def _deviation(problem: Instance, cabinet: Sequence[str]) -> Preference:
    """The largest |n_p·W − N·w_p| over the cabinet's parties (w: seats; n: members weighted
    by their offices, `Encoding.value`; non-party ministers are no party and not counted)."""
    def deviation(enc: Encoding, cp: cp_model.CpModel) -> Expression:
        index = [enc.index[p] for p in cabinet if p != INDEPENDENT]
        w = [enc.seats[i] for i in index]
        whole = sum(w) or 1
        counted = {i: enc.value(i) for i in index}
        members = sum(counted.values())
        low, most = problem.cabinet.value_range()
        high = (len(index) + 1) * max(most, -low, 1) * max(whole, max(w, default=1))
        worst = cp.new_int_var(0, high, "deviation")
        for i, weight in zip(index, w, strict=True):
            cp.add(whole * counted[i] - weight * members <= worst)
            cp.add(weight * members - whole * counted[i] <= worst)
        return worst

    return deviation


def _leader_from_largest(problem: Instance, cabinet: Sequence[str]) -> Preference:
    """0 when the largest cabinet party (the first of them) leads, else 1."""
    seats = {p.id: p.seats for p in problem.parties}
    largest = max(cabinet, key=lambda p: seats[p])

    def leader(enc: Encoding, cp: cp_model.CpModel) -> Expression:
        return 1 - enc.holders["leader"][enc.index[largest]]

    return leader


# --- the model's attributes over the cabinet's booleans ----------------------------------------


def _seats(enc: Encoding, chamber: Chamber) -> Expression:
    return sum(int(s) * c for s, c in zip(chamber.seats, enc.cabinet, strict=True))


def _minority(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    return 1 - enc.majority_form, 1


def _minority_tolerated(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber
                        ) -> tuple[Expression, int]:
    return _minority(enc, cp, chamber) if chamber.tolerated else (0, 1)


def _parties(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    return sum(enc.cabinet), 1


def _minimal_winning(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber
                     ) -> tuple[Expression, int]:
    """Winning, and no member could leave it winning (each `spare` is such a member)."""
    seats = _seats(enc, chamber)
    spares = []
    for i, c in enumerate(enc.cabinet):
        keeps = cp.new_bool_var(f"keeps-without:{i}")  # the rest still reaches the quota
        cp.add(seats - int(chamber.seats[i]) >= chamber.quota).only_enforce_if(keeps)
        cp.add(seats - int(chamber.seats[i]) <= chamber.quota - 1).only_enforce_if(~keeps)
        spares.append(_all(cp, [c, keeps], f"spare:{i}"))
    return _all(cp, [enc.majority_form, *(~s for s in spares)], "minimal-winning"), 1


def _either(cp: cp_model.CpModel, lits: Sequence[Any], name: str) -> cp_model.IntVar:
    """A boolean that is the disjunction of `lits`."""
    found = cp.new_bool_var(name)
    cp.add_max_equality(found, list(lits))
    return found


def _largest(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    most = chamber.seats.max()
    return _either(cp, [c for c, s in zip(enc.cabinet, chamber.seats, strict=True)
                        if s == most], "largest"), 1


def _median(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    return (enc.cabinet[chamber.median] if chamber.median is not None else 0), 1


def _range(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    """The span of the members' positions, in units of 1/POSITIONS of the chamber's spread
    (0 when no member has a position: then `high` is 0 and `low` POSITIONS)."""
    if chamber.positions is None:
        return 0, 1
    leftmost, spread = chamber.spread
    placed = [(round((p - leftmost) / spread * POSITIONS), c)
              for p, c, known in zip(chamber.positions, enc.cabinet, chamber.positioned,
                                     strict=True) if known]
    high, low = cp.new_int_var(0, POSITIONS, "high"), cp.new_int_var(0, POSITIONS, "low")
    cp.add_max_equality(high, [a * c for a, c in placed])
    cp.add_min_equality(low, [a * c + POSITIONS * (1 - c) for a, c in placed])
    any_placed = _either(cp, [c for _, c in placed], "positioned")
    return high - low + POSITIONS * (1 - any_placed), POSITIONS


def _incumbent(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    if chamber.previous is None:
        return 0, 1
    same = [c if was else ~c for c, was in zip(enc.cabinet, chamber.previous, strict=True)]
    return _all(cp, same, "incumbent"), 1


def _previous_pm(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    return (enc.cabinet[chamber.leader] if chamber.leader is not None else 0), 1


def _seat_share(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    return _seats(enc, chamber), max(chamber.total, 1)


def _surplus_share(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber
                   ) -> tuple[Expression, int]:
    surplus = cp.new_int_var(0, int(chamber.seats.sum()), "surplus")
    cp.add_max_equality(surplus, [0, _seats(enc, chamber) - chamber.quota])
    return surplus, max(chamber.total, 1)


def _single_party_majority(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber
                           ) -> tuple[Expression, int]:
    one = cp.new_bool_var("one-party")
    cp.add(sum(enc.cabinet) == 1).only_enforce_if(one)
    cp.add(sum(enc.cabinet) != 1).only_enforce_if(~one)
    return _all(cp, [one, enc.majority_form], "single-party-majority"), 1


def _minimum_winning(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber
                     ) -> tuple[Expression, int]:
    """Winning with the fewest seats of the winning cabinets the instance allows: the fewest
    are found first, by a solve of the model as it stands."""
    from ..solving.solver import Solver

    seats = _seats(enc, chamber)
    probe = cp.clone()
    probe.add(enc.majority_form == 1)
    fewest = Solver(probe, presolve=False).optimum(seats)
    if fewest is None:
        return 0, 1
    under = cp.new_bool_var("at-most-the-fewest")
    cp.add(seats <= fewest[0]).only_enforce_if(under)
    cp.add(seats >= fewest[0] + 1).only_enforce_if(~under)
    return _all(cp, [under, enc.majority_form], "minimum-winning"), 1


def _all(cp: cp_model.CpModel, lits: Sequence[Any], name: str) -> cp_model.IntVar:
    """A boolean that is the conjunction of `lits` (true exactly when all are)."""
    found = cp.new_bool_var(name)
    cp.add_bool_and(lits).only_enforce_if(found)
    cp.add_bool_or([~x for x in lits]).only_enforce_if(~found)
    return found


def _connected(enc: Encoding, cp: cp_model.CpModel, chamber: Chamber) -> tuple[Expression, int]:
    """No party outside the cabinet sits strictly between two of its parties (parties with a
    position only)."""
    if chamber.positions is None:
        return 0, 1
    placed = [(float(p), c) for p, c, known in zip(chamber.positions, enc.cabinet,
                                                  chamber.positioned, strict=True) if known]
    breaks = []
    for r, (here, outside) in enumerate(placed):
        left = [c for p, c in placed if p < here]
        right = [c for p, c in placed if p > here]
        if left and right:
            breaks.append(_all(cp, [~outside, _either(cp, left, f"left:{r}"),
                                    _either(cp, right, f"right:{r}")], f"gap:{r}"))
    return (1 - _either(cp, breaks, "broken") if breaks else 1), 1


#: each attribute of `likely.attributes`, over the cabinet's booleans
TERMS: dict[str, Term] = {
    "minority": _minority, "minimal_winning": _minimal_winning, "parties": _parties,
    "range": _range, "largest": _largest, "median": _median, "incumbent": _incumbent,
    "previous_pm": _previous_pm, "minority_tolerated": _minority_tolerated,
    "single_party_majority": _single_party_majority, "minimum_winning": _minimum_winning,
    "connected": _connected, "seat_share": _seat_share, "surplus_share": _surplus_share,
}
