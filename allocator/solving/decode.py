"""CP-SAT solution vectors -> the result objects of `result.py`, for one encoding.

A solution is first read into a compact `Raw` tuple (roles, member counts, holder indexes,
programme flags): cheap to sort by SPEC §2's order and to keep. Only then is it turned into an
`Allocation`; the fields that depend on the roles alone (support, form, seats, ...) are derived
once per set of roles and shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .encoding import Encoding
from .literals import Literal
from .result import ABSTAIN, CABINET, OPPOSITION, SUPPORT, Allocation, Form
from .solver import value_reader

#: roles per party, members per party, holder index per post, per portfolio, programme flags
Raw = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[bool, ...]]


def _variables(lits: Sequence[Literal]) -> list[int]:
    """The variable indexes of the literals that are not constants."""
    return [lit.index for lit in lits if not isinstance(lit, bool)]


class Decoder:
    """Turns a CP-SAT solution vector of one encoding into allocations (or their roles)."""

    def __init__(self, encoding: Encoding) -> None:
        self.encoding = encoding
        self.k = len(encoding.parties)
        self._abstain_known = any(not isinstance(lit, bool) for lit in encoding.abstain)
        self._roles = value_reader(_variables([lit for role in encoding.role_vars[:3]
                                               for lit in role]))
        self._programme_lits = list(encoding.programme.items())
        self._programme = value_reader(_variables([lit for _, lit in self._programme_lits]))
        if not encoding.roles_only:
            self._members = value_reader(_variables(encoding.members))
            self._posts = [value_reader(_variables(row)) for row in encoding.holders.values()]
            self._portfolios = [value_reader(_variables(row))
                                for row in encoding.portfolio_holders.values()]
        self._common: dict[tuple[tuple[int, ...], tuple[bool, ...]], Common] = {}

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

    def common(self, roles: tuple[int, ...], programme: tuple[bool, ...]) -> Common:
        """The fields an allocation and a coalition share, all derived from the roles (and
        memoised: thousands of allocations share one set of roles)."""
        key = (roles, programme)
        if key not in self._common:
            self._common[key] = self._derive(roles, programme)
        return self._common[key]

    def _derive(self, roles: tuple[int, ...], programme: tuple[bool, ...]) -> Common:
        enc = self.encoding
        groups: tuple[list[str], ...] = ([], [], [], [])
        seats = [0, 0, 0, 0]
        for name, role, w in zip(enc.parties, roles, enc.seats, strict=True):
            groups[role].append(name)
            seats[role] += w
        helpers = bool(groups[SUPPORT] or groups[ABSTAIN])
        form: Form = ("majority" if seats[CABINET] >= enc.quota + enc.margin and not helpers
                      else "minority")
        return Common(
            support=tuple(groups[SUPPORT]),
            abstain=tuple(groups[ABSTAIN]),
            opposition=tuple(groups[OPPOSITION]),
            programme=tuple(p for (p, _), on in zip(self._programme_lits, programme,
                                                    strict=True) if on),
            form=form,
            seats=seats[CABINET] + seats[SUPPORT],
        )

    def allocation(self, raw: Raw) -> Allocation:
        roles, members, posts, portfolios, programme = raw
        enc = self.encoding
        common = self.common(roles, programme)
        return Allocation(
            cabinet={p: members[i] for i, p in enumerate(enc.parties) if roles[i] == CABINET},
            posts={post: enc.parties[h] for post, h in zip(enc.posts, posts, strict=True)},
            portfolios={name: enc.parties[h]
                        for name, h in zip(enc.portfolio_names, portfolios, strict=True)},
            support=common.support, abstain=common.abstain, opposition=common.opposition,
            programme=common.programme, form=common.form, seats=common.seats,
        )


@dataclass(frozen=True, slots=True)
class Common:
    """The roles-derived fields shared by an allocation and its coalition."""

    support: tuple[str, ...]
    abstain: tuple[str, ...]
    opposition: tuple[str, ...]
    programme: tuple[str, ...]
    form: Form
    seats: int


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
