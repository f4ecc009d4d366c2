"""The coalition level: every distinct (cabinet, support, abstain), without listing allocations.

Two phases. First enumerate the solutions of the roles-only model (who is in cabinet, support,
abstention): far fewer than allocations. Then, for each candidate, ask the full model with those
roles assumed whether any allocation exists, and the least and greatest members of each cabinet
party and the possible holders of each post and portfolio.

The second phase is shared between candidates by symmetry. Its answer depends only on which
allocation demands (vetoes, required posts, proportionality, ...) are in force, on the cabinet
parties those demands mention (`DemandBase.mentions`), and on how many other cabinet parties
there are: the base rules treat unmentioned parties alike. So candidates with the same
*signature* share one answer, and a parliament of 34,478 coalitions needs a handful of
second-phase solves instead of one each.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import model as m
from .decode import Decoder, role_key
from .encoding import CABINET, SUPPORT, Encoding, Literal
from .result import Coalition, MemberRange
from .solver import Budget, Search, Solver, Stopped

Candidate = tuple[tuple[int, ...], tuple[bool, ...]]  # roles, programme flags
Slot = int | None  # a party index, or None for "any cabinet party no allocation demand names"
Signature = tuple[tuple[int, ...], tuple[int, ...], int]


@dataclass(frozen=True)
class _Answer:
    """What the full model allows for one signature: member ranges and able holders by slot."""

    ranges: dict[Slot, MemberRange]
    posts: list[set[Slot]]
    portfolios: list[set[Slot]]


@dataclass(frozen=True)
class _AllocationDemand:
    """An allocation demand as the symmetry sees it: when it is in force, whom it mentions."""

    party: int | None
    scope: str | None
    mentions: frozenset[int] | None  # None: every cabinet party

    def in_force(self, roles: tuple[int, ...]) -> bool:
        if self.party is None or self.scope is None:
            return True
        if self.scope == "cabinet":
            return roles[self.party] == CABINET
        return roles[self.party] in (CABINET, SUPPORT)


class CoalitionAnalyst:
    """Second phase: a candidate's roles -> its `Coalition`, or None if it has no allocation."""

    def __init__(self, instance: m.Instance, phase1: Decoder, budget: Budget) -> None:
        self.instance = instance
        self.phase1 = phase1
        self.budget = budget
        index = {p: i for i, p in enumerate(instance.party_ids)}

        def indexes(parties: frozenset[str] | None) -> frozenset[int] | None:
            return None if parties is None else frozenset(index[p] for p in parties)

        self._demands = [
            _AllocationDemand(None if d.party is None else index[d.party], d.scope,
                              indexes(d.mentions()))
            for d in instance.demands if d.touches_allocation
        ]
        self._memo: dict[Signature, _Answer | None] = {}
        self._full: Encoding | None = None

    def coalition(self, candidate: Candidate) -> Coalition | None:
        roles, programme = candidate
        cabinet = [i for i, r in enumerate(roles) if r == CABINET]
        signature = self._signature(roles, cabinet)
        if signature not in self._memo:
            self._memo[signature] = self._analyse(roles, signature[1])
        answer = self._memo[signature]
        if answer is None:
            return None
        named = signature[1]
        parties = self.instance.party_ids
        slots = [(parties[i], i if i in named else None) for i in cabinet]

        def holders(able: set[Slot]) -> tuple[str, ...]:
            return tuple(name for name, s in slots if s in able)

        common = self.phase1.common(roles, programme)
        enc = self.phase1.encoding
        return Coalition(
            cabinet={name: answer.ranges[s] for name, s in slots},
            posts={p: holders(a) for p, a in zip(enc.posts, answer.posts, strict=True)},
            portfolios={p: holders(a) for p, a in zip(enc.portfolio_names, answer.portfolios,
                                                      strict=True)},
            support=common.support, abstain=common.abstain, opposition=common.opposition,
            programme=common.programme, form=common.form, seats=common.seats,
        )

    def _signature(self, roles: tuple[int, ...], cabinet: list[int]) -> Signature:
        """(allocation demands in force, cabinet parties they name, size of the cabinet)."""
        in_force = tuple(j for j, d in enumerate(self._demands) if d.in_force(roles))
        mentioned: set[int] = set()
        for j in in_force:
            mentions = self._demands[j].mentions
            mentioned |= set(cabinet) if mentions is None else mentions
        return in_force, tuple(i for i in cabinet if i in mentioned), len(cabinet)

    def _analyse(self, roles: tuple[int, ...], named: tuple[int, ...]) -> _Answer | None:
        """Solve the full model with these roles assumed; None if it has no allocation."""
        if self._full is None:
            self._full = Encoding(self.instance)
            self._decoder = Decoder(self._full)
            self._solver = Solver(self._full.model, presolve=False, budget=self.budget)
        enc = self._full
        assumed: list[Literal] = [enc.role_vars[r][i] for i, r in enumerate(roles)]
        cabinet = [i for i, r in enumerate(roles) if r == CABINET]
        anonymous = [i for i in cabinet if i not in named]
        slots: dict[Slot, int] = {i: i for i in named}
        if anonymous:
            slots[None] = anonymous[0]  # stands for every cabinet party no demand names
        answer = _Answer({}, [set() for _ in enc.posts], [set() for _ in enc.portfolio_names])
        first = self._solver.solution(assumed)
        if first is None:
            return None
        self._witness(first, named, answer)
        for slot, i in slots.items():
            answer.ranges[slot] = self._member_range(assumed, i, named, answer)
        self._able_holders(assumed, slots, named, answer)
        return answer

    def _member_range(self, assumed: list[Literal], i: int, named: tuple[int, ...],
                      answer: _Answer) -> MemberRange:
        enc = self._full
        assert enc is not None
        bounds = []
        for maximise in (False, True):
            optimum = self._solver.optimum(enc.members[i], maximise=maximise, assume=assumed)
            assert optimum is not None, "the roles have an allocation"
            self._witness(optimum[1], named, answer)
            bounds.append(optimum[0])
        return MemberRange(bounds[0], bounds[1])

    def _able_holders(self, assumed: list[Literal], slots: dict[Slot, int],
                      named: tuple[int, ...], answer: _Answer) -> None:
        """For each post and portfolio, every slot that can hold it (one solve per slot not
        yet seen holding it in a solution found so far)."""
        enc = self._full
        assert enc is not None
        tables = [(answer.posts, list(enc.holders.values())),
                  (answer.portfolios, list(enc.portfolio_holders.values()))]
        for able_sets, rows in tables:
            for able, row in zip(able_sets, rows, strict=True):
                for slot, i in slots.items():
                    if slot not in able:
                        solution = self._solver.solution([*assumed, row[i]])
                        if solution is not None:
                            self._witness(solution, named, answer)

    def _witness(self, solution: Sequence[int], named: tuple[int, ...], answer: _Answer) -> None:
        """Record who holds each post and portfolio in a solution."""
        _, _, post_holders, portfolio_holders, _ = self._decoder.raw(solution)
        for able, h in zip(answer.posts + answer.portfolios, post_holders + portfolio_holders,
                           strict=True):
            able.add(h if h in named else None)


def search(instance: m.Instance, *, budget: Budget
           ) -> tuple[Search[Candidate], CoalitionAnalyst]:
    """The first-phase search over roles, and the analyst that completes each candidate."""
    encoding = Encoding(instance, roles_only=True)
    decoder = Decoder(encoding)

    def decode(solution: Sequence[int]) -> Candidate:
        return decoder.roles(solution), decoder.programme(solution)

    return (Search(encoding.model, decode, budget=budget),
            CoalitionAnalyst(instance, decoder, budget))


def listing(problem: m.Instance, *, limit: int | None = None, budget: Budget | None = None,
            on_found: Callable[[Coalition], None] | None = None
            ) -> tuple[list[Coalition], Search[Candidate]]:
    """Every coalition of a (scenario-resolved) instance in SPEC order, and the first-phase
    search (which says whether the list is complete; a time limit or an interrupt during the
    second phase stops it too)."""
    budget = budget or Budget()
    first, analyst = search(problem, budget=budget)
    found: list[tuple[tuple[object, ...], Coalition]] = []
    for candidate in first:
        try:
            coalition = analyst.coalition(candidate)
        except Stopped as stop:
            first.stop(stop.reason)
            break
        if coalition is not None:
            found.append((role_key(candidate[0]), coalition))
            if on_found is not None:
                on_found(coalition)
            if limit is not None and len(found) >= limit:
                first.stop("limit")
                break
        if budget.deadline is not None and time.monotonic() > budget.deadline:
            first.stop("time limit")
            break
    found.sort(key=lambda pair: pair[0])
    return [c for _, c in found], first
