"""Complete enumeration of allocations: solutions of the full model, decoded and put in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ortools.sat.python import cp_model

from . import model as m
from .encoding import ABSTAIN, CABINET, OPPOSITION, SUPPORT, Encoding, Literal
from .result import Allocation
from .search import Search, parameters, value_reader

#: roles per party, members per party, holder index per post, per portfolio, programme flags
Raw = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[bool, ...]]


def _index(lit: Literal) -> int | bool:
    return lit if isinstance(lit, bool) else lit.index


@dataclass
class Decoder:
    """Turns a CP-SAT solution vector into allocations (or coalitions) of one encoding."""

    encoding: Encoding

    def __post_init__(self) -> None:
        enc = self.encoding
        k = len(enc.parties)
        self.role_indexes = [
            [_index(lit) for lit in role] for role in enc.role_vars[:3]
        ]
        flat_roles = [i for role in self.role_indexes for i in role if not isinstance(i, bool)]
        self._roles = value_reader(flat_roles)
        self._abstain_known = any(not isinstance(i, bool) for i in self.role_indexes[2])
        self._programme_lits = list(enc.programme.items())
        self._programme = value_reader(
            [lit.index for _, lit in self._programme_lits if not isinstance(lit, bool)]
        )
        if not enc.roles_only:
            self._members = value_reader([v.index for v in enc.members])
            self._posts = [value_reader([v.index for v in row]) for row in enc.holders.values()]
            self._portfolios = [
                value_reader([v.index for v in row]) for row in enc.portfolio_holders.values()
            ]
        self.k = k
        self._common: dict[tuple[tuple[int, ...], tuple[bool, ...]], dict[str, object]] = {}

    def roles(self, solution: Sequence[int]) -> tuple[int, ...]:
        values = self._roles(solution)
        k = self.k
        cab, sup = values[:k], values[k:2 * k]
        abst = values[2 * k:] if self._abstain_known else (0,) * k
        return tuple(
            CABINET if cab[i] else SUPPORT if sup[i] else ABSTAIN if abst[i] else OPPOSITION
            for i in range(k)
        )

    def programme(self, solution: Sequence[int]) -> tuple[bool, ...]:
        values = iter(self._programme(solution))
        return tuple(lit if isinstance(lit, bool) else bool(next(values))
                     for _, lit in self._programme_lits)

    def raw(self, solution: Sequence[int]) -> Raw:
        return (
            self.roles(solution),
            self._members(solution),
            tuple(row(solution).index(1) for row in self._posts),
            tuple(row(solution).index(1) for row in self._portfolios),
            self.programme(solution),
        )

    # --- to result objects --------------------------------------------------------------------

    def common(self, roles: tuple[int, ...], programme: tuple[bool, ...]) -> dict[str, object]:
        """The fields an allocation and a coalition share, all derived from the roles (and
        memoised: thousands of allocations share one set of roles)."""
        key = (roles, programme)
        if key not in self._common:
            self._common[key] = self._derive(roles, programme)
        return self._common[key]

    def _derive(self, roles: tuple[int, ...], programme: tuple[bool, ...]) -> dict[str, object]:
        enc = self.encoding
        groups: tuple[list[str], ...] = ([], [], [], [])
        seats = [0, 0, 0, 0]
        for name, role, w in zip(enc.parties, roles, enc.seats, strict=True):
            groups[role].append(name)
            seats[role] += w
        helpers = bool(groups[SUPPORT] or groups[ABSTAIN])
        return {
            "support": tuple(groups[SUPPORT]),
            "abstain": tuple(groups[ABSTAIN]),
            "opposition": tuple(groups[OPPOSITION]),
            "programme": tuple(p for (p, _), on in zip(self._programme_lits, programme,
                                                       strict=True) if on),
            "form": "majority" if seats[CABINET] >= enc.quota and not helpers else "minority",
            "seats": seats[CABINET] + seats[SUPPORT],
        }

    def allocation(self, raw: Raw) -> Allocation:
        roles, members, posts, portfolios, programme = raw
        enc = self.encoding
        return Allocation(
            cabinet={p: members[i] for i, p in enumerate(enc.parties) if roles[i] == CABINET},
            posts={post: enc.parties[h] for post, h in zip(enc.posts, posts, strict=True)},
            portfolios={name: enc.parties[h]
                        for name, h in zip(enc.portfolio_names, portfolios, strict=True)},
            **self.common(roles, programme),  # type: ignore[arg-type]
        )


@lru_cache(maxsize=4096)
def role_key(roles: tuple[int, ...]) -> tuple[object, ...]:
    """The start of SPEC §2's order: cabinet size, then cabinet, supporter, abstainer indexes."""
    def members(role: int) -> tuple[int, ...]:
        return tuple(i for i, r in enumerate(roles) if r == role)

    cabinet = members(CABINET)
    return (len(cabinet), cabinet, members(SUPPORT), members(ABSTAIN))


def order_key(raw: Raw) -> tuple[object, ...]:
    """SPEC §2's order of allocations."""
    roles, members, posts, portfolios, _ = raw
    return (*role_key(roles), members, posts, portfolios)


def search(encoding: Encoding, *, limit: int | None = None,
           time_limit: float | None = None) -> tuple[Search[Raw], Decoder]:
    decoder = Decoder(encoding)
    return Search(encoding.model, decoder.raw, limit=limit, time_limit=time_limit), decoder


def listing(problem: m.Instance, *, limit: int | None = None, time_limit: float | None = None,
            on_found: Callable[[Allocation], None] | None = None
            ) -> tuple[list[Allocation], Search[Raw]]:
    """Every allocation of a (scenario-resolved) instance in SPEC order, and the search that
    found them (which says whether it was complete)."""
    found, decoder = search(Encoding(problem), limit=limit, time_limit=time_limit)
    keyed: list[tuple[tuple[object, ...], Allocation]] = []
    for raw in found:
        allocation = decoder.allocation(raw)
        keyed.append((order_key(raw), allocation))
        if on_found is not None:
            on_found(allocation)
    keyed.sort(key=lambda pair: pair[0])
    return [a for _, a in keyed], found


def first(encoding: Encoding) -> Raw | None:
    """The first allocation in SPEC §2's order, without enumerating: fix the key part by part.

    Each part of the order key is settled in turn (the cabinet size by minimising, each index
    list greedily, each count and holder by minimising) and then fixed in the model, which this
    therefore changes: pass an encoding made for the purpose.
    """
    model = encoding.model
    solver = cp_model.CpSolver()
    parameters(solver)

    def feasible(assumed: Sequence[Any]) -> bool:
        model.clear_assumptions()
        model.add_assumptions(assumed)
        status = solver.solve(model)
        model.clear_assumptions()
        return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)

    def fix_minimum(expr: cp_model.LinearExprT) -> None:
        model.minimize(expr)
        status = solver.solve(model)
        assert status == cp_model.OPTIMAL, solver.status_name(status)
        model.clear_objective()
        model.add(expr == round(solver.objective_value))

    def fix_smallest_index_list(lits: Sequence[Literal]) -> None:
        """The lexicographically smallest sorted list of the indexes whose literal is true."""
        rest = [lit for lit in lits if not isinstance(lit, bool)]
        while rest:
            if feasible([~lit for lit in rest]):  # the list can end here: shortest is smallest
                break
            for j, lit in enumerate(rest):
                if feasible([*(~x for x in rest[:j]), lit]):
                    model.add_bool_and([*(~x for x in rest[:j]), lit])
                    rest = rest[j + 1:]
                    break
        for lit in rest:
            model.add_bool_and([~lit])

    if not feasible([]):
        return None
    fix_minimum(sum(encoding.cabinet))
    for role in encoding.role_vars[:3]:
        fix_smallest_index_list(role)
    for members in encoding.members:
        fix_minimum(members)
    for row in [*encoding.holders.values(), *encoding.portfolio_holders.values()]:
        fix_minimum(sum(i * h for i, h in enumerate(row)))
    status = solver.solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Decoder(encoding).raw(solver.response_proto.solution)
