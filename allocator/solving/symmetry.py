"""Interchangeable parties: the symmetry that makes parliaments with a long tail tractable.

Two parties are *interchangeable* when no demand names either of them and nothing else the model
reads tells them apart: equal seats, equal votes where a demand reads votes (`proportional` by
votes), equal position where a demand reads positions (`connected`), the same group where
`cabinet.parity` counts groups; each demand's class says what it reads (`DemandBase.reads`).
Swapping them maps every coalition to another one, so the solver only needs one coalition per
way of filling each class with roles:

* `break_symmetry` adds to a model, for each class in instance order, role(a) <= role(b) for
  consecutive members a < b (cabinet < support < abstain < opposition). Every coalition then has
  exactly one *canonical* form among the solutions: its class members' roles sorted.
* `expansions` turns a canonical coalition back into all of its coalitions, in SPEC §2's order
  (fewest cabinet parties, then cabinet, supporter and abstainer indexes), without a solver.
* `multiplicity` counts them without listing: a product of multinomial coefficients.

A 16-party parliament whose small parties have equal seats has 905,265 coalitions but only a few
tens of thousands of canonical ones; a parliament without equal seats gains nothing and loses
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import combinations, pairwise, product
from math import factorial

from ortools.sat.python import cp_model

from ..instance.schema import Instance
from .encoding import SeatRange
from .literals import Literal
from .result import ABSTAIN, CABINET, OPPOSITION, SUPPORT

#: (cabinet indexes, supporter indexes, abstainer indexes): with the cabinet size in front, SPEC
#: §2's order of coalitions
RoleKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
_LISTED_ROLES = (CABINET, SUPPORT, ABSTAIN)


def named_parties(instance: Instance) -> set[str]:
    """The parties some demand names (as its party or in one of its fields; `by` only groups
    explanations and names nobody)."""
    return {ref for d in instance.demands for alias, kind, _, ref in d.referenced()
            if kind == "party" and alias != "by"}


def party_classes(instance: Instance, seats: SeatRange | None = None) -> list[tuple[int, ...]]:
    """The classes of interchangeable parties (party indexes, in instance order), one class per
    party that has no twin; classes ordered by their first member. Over a range of parliaments
    (`seats`), twins have the same least and most seats. With posts outside cabinet, every
    party is a class of its own."""
    if instance.cabinet.outside:  # a supporter may hold a post: see `coalitions._slots`
        return [(i,) for i in range(len(instance.parties))]
    named = named_parties(instance)
    read = frozenset().union(*(d.reads() for d in instance.demands))
    votes, position = "votes" in read, "positions" in read
    counted = parity_groups(instance)
    classes: dict[object, list[int]] = {}
    for i, party in enumerate(instance.parties):
        if party.id in named:
            key: object = ("named", i)
        else:
            key = (party.seats if seats is None else (seats.low[i], seats.high[i]),
                   party.votes if votes else None,
                   party.position if position else None,
                   party.group if party.group in counted else None)
        classes.setdefault(key, []).append(i)
    return sorted((tuple(c) for c in classes.values()), key=lambda c: c[0])


def parity_groups(instance: Instance) -> frozenset[str | None]:
    """The groups `cabinet.parity` counts (none without parity): a party's group tells it
    apart from others only there."""
    parity = instance.cabinet.parity
    return frozenset() if parity is None else frozenset(parity.groups)


def break_symmetry(model: cp_model.CpModel, role_vars: Sequence[Sequence[Literal]],
                   classes: Sequence[Sequence[int]]) -> None:
    """Keep only the canonical coalition of each class filling: within a class, a party's role
    (cabinet 0, support 1, abstain 2, opposition 3) is never below its predecessor's."""
    def rank(i: int) -> cp_model.LinearExprT:
        return sum(r * role_vars[r][i] for r in (SUPPORT, ABSTAIN, OPPOSITION)
                   if role_vars[r][i] is not False)

    for members in classes:
        for a, b in pairwise(members):
            model.add(rank(a) <= rank(b))


class Expander:
    """Canonical coalitions -> every coalition they stand for, and how many there are."""

    def __init__(self, classes: Sequence[Sequence[int]]) -> None:
        self.classes = [tuple(c) for c in classes if len(c) > 1]

    def multiplicity(self, roles: Sequence[int]) -> int:
        """How many coalitions the canonical `roles` stands for."""
        total = 1
        for members in self.classes:
            counts = [0, 0, 0, 0]
            for i in members:
                counts[roles[i]] += 1
            ways = factorial(len(members))
            for c in counts:
                ways //= factorial(c)
            total *= ways
        return total

    def _moving(self, roles: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
        """The classes whose members take different roles: those an expansion permutes."""
        return tuple(c for c in self.classes if len({roles[i] for i in c}) > 1)

    def cabinets(self, roles: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        """The cabinet of every coalition the canonical `roles` stands for, each once, in
        SPEC order (the indexes of its parties)."""
        moving = self._moving(roles)
        if not moving:
            yield key_of(roles)[0]
            return
        fixed, counts = _split(roles, moving, (CABINET,))
        for cabinet, _ in _choices(fixed[0], moving, counts[0]):
            yield cabinet

    def expansions(self, roles: tuple[int, ...], cabinet: tuple[int, ...] | None = None
                   ) -> Iterator[tuple[RoleKey, tuple[int, ...]]]:
        """Every coalition the canonical `roles` stands for (only those of that `cabinet`,
        where one is given), with its order key, in SPEC order.

        Role by role (cabinet, then support, then abstain), every way of choosing the role's
        class members from those still free is sorted by the indexes the role then holds; the
        members left at the end are in opposition.
        """
        moving = self._moving(roles)
        if not moving:
            if cabinet is None or key_of(roles)[0] == cabinet:
                yield key_of(roles), roles
            return
        fixed, counts = _split(roles, moving)
        current = list(roles)
        for held, after_cabinet in _choices(fixed[0], moving, counts[0]):
            if cabinet is not None and held != cabinet:
                continue
            for support, after_support in _choices(fixed[1], after_cabinet, counts[1]):
                for abstain, rest in _choices(fixed[2], after_support, counts[2]):
                    yield (held, support, abstain), _assign(current, (held, support,
                                                                      abstain), rest)


def _split(roles: Sequence[int], moving: Sequence[tuple[int, ...]],
           listed: Sequence[int] = _LISTED_ROLES
           ) -> tuple[list[tuple[int, ...]], list[list[int]]]:
    """Per listed role (`listed`, all three by default): the parties that keep it in every
    expansion (those outside the moving classes), and how many members of each moving class
    take it."""
    in_moving = {i for c in moving for i in c}
    fixed = [tuple(i for i, r in enumerate(roles) if r == role and i not in in_moving)
             for role in listed]
    counts = [[sum(1 for i in c if roles[i] == role) for c in moving] for role in listed]
    return fixed, counts


def _assign(current: list[int], held: Sequence[tuple[int, ...]],
            rest: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """`current` with the parties of `held[r]` in role r and those of `rest` in opposition."""
    for role, parties in zip(_LISTED_ROLES, held, strict=True):
        for i in parties:
            current[i] = role
    for members in rest:
        for i in members:
            current[i] = OPPOSITION
    return tuple(current)


def _choices(fixed: tuple[int, ...], free: tuple[tuple[int, ...], ...], counts: Sequence[int]
             ) -> list[tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]]:
    """Every way of giving one role `counts[j]` of the members `free[j]` of each class, as (the
    sorted indexes then holding the role, fixed ones included; the members still free), in
    order of those indexes. That order does not depend on the fixed parties (every choice adds
    as many; the smallest index in which two choices differ decides), so the choices of the
    class members alone are computed once for all candidates (`_picks`)."""
    if not any(counts):
        return [(fixed, free)]
    picks = _picks(free, tuple(counts))
    if not fixed:
        return picks
    return [(tuple(sorted(fixed + picked)), rest) for picked, rest in picks]


@lru_cache(maxsize=4096)
def _picks(free: tuple[tuple[int, ...], ...], counts: tuple[int, ...]
           ) -> list[tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]]:
    """`_choices` without fixed parties."""
    found = []
    for picked in product(*(combinations(f, n) for f, n in zip(free, counts, strict=True))):
        rest = tuple(tuple([i for i in f if i not in p]) for f, p in zip(free, picked,
                                                                       strict=True))
        found.append((tuple(sorted([i for p in picked for i in p])), rest))
    found.sort(key=lambda choice: choice[0])
    return found


def key_of(roles: Sequence[int]) -> RoleKey:
    """The indexes of the cabinet parties, the supporters and the abstainers."""
    cabinet, support, abstain = [], [], []
    for i, r in enumerate(roles):
        if r == CABINET:
            cabinet.append(i)
        elif r == SUPPORT:
            support.append(i)
        elif r == ABSTAIN:
            abstain.append(i)
    return tuple(cabinet), tuple(support), tuple(abstain)
