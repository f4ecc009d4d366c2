"""The coalition level: every distinct (cabinet, support, abstain), without listing allocations.

Two phases. First enumerate the solutions of the roles-only model (who is in cabinet, support,
abstention): far fewer than allocations. Then, for each candidate, ask the full model with those
roles assumed whether any allocation exists, and the least and greatest members of each cabinet
party and the possible holders of each post and portfolio.

The second phase is shared between candidates by symmetry. Its answer depends only on which
allocation demands (vetoes, required posts, proportionality, ...) are in force, on the cabinet
parties those demands mention, and on how many other cabinet parties there are: the base rules
treat unmentioned parties alike. So candidates with the same *signature* share one answer, and
a parliament of 34,478 coalitions needs a handful of second-phase solves instead of one each.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from . import model as m
from .allocations import Decoder, role_key
from .encoding import ALLOCATION_TYPES, CABINET, SUPPORT, Encoding, Literal
from .result import Coalition, MemberRange
from .search import Search, parameters

Candidate = tuple[tuple[int, ...], tuple[bool, ...]]  # roles, programme flags
Slot = int | None  # a party index, or None for "any cabinet party no allocation demand names"


@dataclass
class _Answer:
    ranges: dict[Slot, MemberRange]
    posts: list[set[Slot]]
    portfolios: list[set[Slot]]


@dataclass
class _Demand:
    party: int | None
    role: str | None
    mentions: frozenset[int] | None  # None: every cabinet party


@dataclass
class CoalitionAnalyst:
    """Second phase: a candidate's roles -> its `Coalition`, or None if it has no allocation."""

    instance: m.Instance
    phase1: Decoder
    _full: Encoding | None = None
    _decoder: Decoder | None = None
    _memo: dict[tuple[object, ...], _Answer | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index = {p: i for i, p in enumerate(self.instance.party_ids)}
        self._demands = []
        for d in self.instance.demands:
            if d.type not in ALLOCATION_TYPES:  # type: ignore[attr-defined]
                continue
            if isinstance(d, m.Proportional):
                mentions = None if d.parties is None else frozenset(index[p] for p in d.parties)
            elif isinstance(d, m.VetoLeader | m.VetoPost):
                mentions = frozenset(index[p] for p in d.of)
            elif isinstance(d, m.EqualSplit):
                mentions = frozenset(index[p] for p in d.parties)
            elif isinstance(d, m.DistinctPosts):
                mentions = frozenset()
            else:
                mentions = frozenset({index[d.party]})  # type: ignore[index]
            party = None if d.party is None else index[d.party]
            self._demands.append(_Demand(party, m.scope(d), mentions))

    def coalition(self, candidate: Candidate) -> Coalition | None:
        roles, programme = candidate
        cabinet = [i for i, r in enumerate(roles) if r == CABINET]
        mentioned: set[int] = set()
        in_force = []
        for j, d in enumerate(self._demands):
            if d.role is None or (roles[d.party] == CABINET if d.role == "cabinet"  # type: ignore[index]
                                  else roles[d.party] in (CABINET, SUPPORT)):  # type: ignore[index]
                in_force.append(j)
                mentioned |= set(cabinet) if d.mentions is None else d.mentions
        named = tuple(i for i in cabinet if i in mentioned)
        signature = (tuple(in_force), named, len(cabinet))
        if signature not in self._memo:
            self._memo[signature] = self._analyse(roles, named)
        answer = self._memo[signature]
        if answer is None:
            return None

        parties = self.instance.party_ids
        slots = [(parties[i], i if i in named else None) for i in cabinet]

        def holders(able: set[Slot]) -> tuple[str, ...]:
            return tuple(name for name, s in slots if s in able)

        posts = self.phase1.encoding.posts
        portfolios = self.phase1.encoding.portfolio_names
        return Coalition(
            cabinet={name: answer.ranges[s] for name, s in slots},
            posts={p: holders(a) for p, a in zip(posts, answer.posts, strict=True)},
            portfolios={p: holders(a) for p, a in zip(portfolios, answer.portfolios,
                                                      strict=True)},
            **self.phase1.common(roles, programme),  # type: ignore[arg-type]
        )

    def _analyse(self, roles: tuple[int, ...], named: tuple[int, ...]) -> _Answer | None:
        """Solve the full model with these roles assumed; None if it has no allocation."""
        if self._full is None:
            self._full = Encoding(self.instance)
            self._decoder = Decoder(self._full)
            self._solver = cp_model.CpSolver()
            parameters(self._solver)
            self._solver.parameters.cp_model_presolve = False
        enc, decoder = self._full, self._decoder
        assert decoder is not None
        fixed = [enc.role_vars[r][i] for i, r in enumerate(roles)]
        cabinet = [i for i, r in enumerate(roles) if r == CABINET]
        anonymous = [i for i in cabinet if i not in named]
        slots: dict[Slot, int] = {i: i for i in named}
        if anonymous:
            slots[None] = anonymous[0]

        posts: list[set[Slot]] = [set() for _ in enc.posts]
        portfolios: list[set[Slot]] = [set() for _ in enc.portfolio_names]

        def witness(solution: Sequence[int]) -> None:
            _, _, post_holders, portfolio_holders, _ = decoder.raw(solution)
            for able, h in zip(posts + portfolios, post_holders + portfolio_holders, strict=True):
                able.add(h if h in named else None)

        first = self._solve(fixed)
        if first is None:
            return None
        witness(first)
        ranges: dict[Slot, MemberRange] = {}
        for s, i in slots.items():
            bounds = []
            for sense in (1, -1):
                enc.model.minimize(sense * enc.members[i])
                solution = self._solve(fixed)
                enc.model.clear_objective()
                assert solution is not None
                witness(solution)
                bounds.append(solution[enc.members[i].index])
            ranges[s] = MemberRange(bounds[0], bounds[1])
        tables = [(posts, list(enc.holders.values())),
                  (portfolios, list(enc.portfolio_holders.values()))]
        for able_sets, rows in tables:
            for able, row in zip(able_sets, rows, strict=True):
                for s, i in slots.items():
                    if s not in able:
                        solution = self._solve([*fixed, row[i]])
                        if solution is not None:
                            witness(solution)
        return _Answer(ranges, posts, portfolios)

    def _solve(self, assumptions: Sequence[Literal]) -> Sequence[int] | None:
        assert self._full is not None
        model = self._full.model
        model.clear_assumptions()
        model.add_assumptions([a for a in assumptions if not isinstance(a, bool)])  # type: ignore[misc]
        status = self._solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return list(self._solver.response_proto.solution)
        if status == cp_model.INFEASIBLE:
            return None
        raise RuntimeError(f"CP-SAT stopped with status {self._solver.status_name(status)}")


def search(instance: m.Instance, *, time_limit: float | None = None
           ) -> tuple[Search[Candidate], CoalitionAnalyst]:
    """The first-phase search over roles, and the analyst that completes each candidate."""
    encoding = Encoding(instance, roles_only=True)
    decoder = Decoder(encoding)

    def decode(solution: Sequence[int]) -> Candidate:
        return decoder.roles(solution), decoder.programme(solution)

    first = Search(encoding.model, decode, time_limit=time_limit)
    return first, CoalitionAnalyst(instance, decoder)


def listing(problem: m.Instance, *, limit: int | None = None, time_limit: float | None = None,
            on_found: Callable[[Coalition], None] | None = None
            ) -> tuple[list[Coalition], Search[Candidate]]:
    """Every coalition of a (scenario-resolved) instance in SPEC order, and the first-phase
    search (which says whether the list is complete)."""
    started = time.monotonic()
    first, analyst = search(problem, time_limit=time_limit)
    found: list[tuple[tuple[object, ...], Coalition]] = []
    for candidate in first:
        coalition = analyst.coalition(candidate)
        if coalition is not None:
            found.append((role_key(candidate[0]), coalition))
            if on_found is not None:
                on_found(coalition)
            if limit is not None and len(found) >= limit:
                first.stop("limit")
                break
        if time_limit is not None and time.monotonic() - started > time_limit:
            first.stop("time limit")
            break
    found.sort(key=lambda pair: pair[0])
    return [c for _, c in found], first
