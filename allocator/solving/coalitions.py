"""The coalition level: every distinct (cabinet, support, abstain), in SPEC order, streamed.

Three steps, each far cheaper than listing allocations:

1. **Canonical roles** (`Listing.canonical`). The roles-only model (who is in cabinet, support,
   abstention) with the symmetry between interchangeable parties broken (`symmetry`), solved one
   cabinet size at a time so that the smallest cabinets come out first.
2. **Analysis** (`CoalitionAnalyst`). For each canonical candidate, the full model with those
   roles assumed: does any allocation exist, what are the least and greatest members of each
   cabinet party, who can hold each post and portfolio. Where the one allocation demand in
   force is a `proportional` by D'Hondt or Sainte-Laguë, arithmetic answers (`averages`).
3. **Expansion** (`Listing.rows`, `Listing.ordered`). Each canonical candidate stands for every
   coalition that swaps interchangeable parties; they are generated in SPEC order and merged
   across candidates with a heap, so memory holds the candidates of one cabinet size, never
   the coalitions.

The analysis is shared between candidates by symmetry. Its answer depends only on which
allocation demands (vetoes, required posts, proportionality, ...) are in force, and on the
cabinet parties as those demands see them: a party a demand names by id is itself; where a demand
reads every cabinet party (a `proportional` without `parties`), a party is its class of
interchangeable parties; otherwise every cabinet party is alike. Candidates with the same
*signature* share one answer, so a parliament of 34,478 coalitions needs a handful of solves.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..instance.demands import Proportional
from ..instance.schema import Instance
from .averages import DIVISORS, Averages, Room
from .decode import Decoder
from .encoders import apportioned
from .encoding import Encoding, SeatRange
from .literals import Literal
from .result import ABSTAIN, CABINET, OPPOSITION, SUPPORT, Coalition, Form, MemberRange
from .solver import Budget, Search, Solver, Stopped
from .symmetry import Expander, RoleKey, break_symmetry, key_of, parity_groups, party_classes

Candidate = tuple[tuple[int, ...], tuple[bool, ...]]  # roles, programme flags
#: how the analysis sees a cabinet party: its index (named by a demand), its class (where a demand
#: reads every cabinet party), or ANONYMOUS
Slot = int
ANONYMOUS: Slot = -1
#: the demands in force, the cabinet's slots (sorted) and, with posts outside cabinet, the
#: supporters'
Signature = tuple[tuple[int, ...], tuple[Slot, ...], tuple[Slot, ...]]


@dataclass(frozen=True)
class _Answer:
    """What the full model allows for one signature: member ranges and able holders by slot."""

    ranges: dict[Slot, MemberRange]
    posts: list[set[Slot]]
    portfolios: list[set[Slot]]
    free: bool  # no allocation demand in force: the base rules alone shape the allocations


@dataclass(frozen=True)
class _AllocationDemand:
    """An allocation demand as the symmetry sees it: when it is in force, whom it mentions."""

    party: int | None
    scope: str | None
    mentions: frozenset[int] | None  # None: every cabinet party

    def in_force(self, roles: Sequence[int]) -> bool:
        if self.party is None or self.scope is None:
            return True
        if self.scope == "cabinet":
            return roles[self.party] == CABINET
        return roles[self.party] in (CABINET, SUPPORT)


@dataclass(frozen=True, slots=True)
class Analysed:
    """A canonical candidate with its analysis: everything its coalitions share (kept by the
    million for one cabinet size of a large parliament: no instance dictionary)."""

    roles: tuple[int, ...]
    key: RoleKey
    answer: _Answer
    slots: tuple[Slot, ...]  # per party
    programme: tuple[str, ...]
    form: Form
    seats: int


class CoalitionAnalyst:
    """Second phase: a candidate's roles -> what its allocations allow, or None if it has none.
    Without `detail`, only whether it has one (member ranges and post holders left empty)."""

    def __init__(self, instance: Instance, classes: Sequence[Sequence[int]],
                 budget: Budget, detail: bool = True, seats: SeatRange | None = None) -> None:
        self.instance = instance
        self.budget = budget
        self.detail = detail
        self.seats = seats
        index = {p: i for i, p in enumerate(instance.party_ids)}
        self._kind = [0] * len(index)
        for members in classes:
            for i in members:
                self._kind[i] = members[0]

        def indexes(parties: frozenset[str] | None) -> frozenset[int] | None:
            return None if parties is None else frozenset(index[p] for p in parties)

        self._demands = [
            _AllocationDemand(None if d.party is None else index[d.party], d.scope,
                              indexes(d.mentions()))
            for d in instance.demands if d.touches_allocation
        ]
        # a party whose seats cap its members (`members_within_seats`, seats fewer than the
        # largest cabinet), or whose group parity counts, is not like every other cabinet
        # party (`_slots`)
        high = instance.cabinet.size_range[1]
        counted = parity_groups(instance)
        caps = instance.member_caps(None if seats is None else list(seats.high))
        self._distinct = {i for i, cap in enumerate(caps)
                          if cap < high or instance.parties[i].group in counted}
        self._outside = bool(instance.cabinet.outside)
        low, high = instance.cabinet.size_range
        cabinet = instance.cabinet
        self._room = Room(cabinet.min_per_party, caps,
                          (max(low, len(cabinet.all_posts), len(cabinet.portfolios)), high))
        self._averages = self._by_arithmetic()
        self._memo: dict[Signature, _Answer | None] = {}
        self._slot_memo: dict[tuple[int, ...], tuple[Slot, ...]] = {}
        self._full: Encoding | None = None

    def analyse(self, roles: tuple[int, ...]) -> tuple[_Answer, tuple[Slot, ...]] | None:
        """The answer for these roles and the slot of every party, or None (no allocation)."""
        cabinet = [i for i, r in enumerate(roles) if r == CABINET]
        # posts outside cabinet may go to supporters: then they are part of the signature
        supporters = [i for i, r in enumerate(roles) if r == SUPPORT] if self._outside else []
        in_force = tuple(j for j, d in enumerate(self._demands) if d.in_force(roles))
        if in_force not in self._slot_memo:
            self._slot_memo[in_force] = self._slots([self._demands[j].mentions
                                                     for j in in_force])
        slots = self._slot_memo[in_force]
        signature = (in_force, tuple(sorted(slots[i] for i in cabinet)),
                     tuple(slots[i] for i in supporters))
        if signature not in self._memo:
            self._memo[signature] = self._answer(roles, cabinet, supporters, slots, in_force)
        answer = self._memo[signature]
        return None if answer is None else (answer, slots)

    def _answer(self, roles: tuple[int, ...], cabinet: list[int], supporters: list[int],
                slots: tuple[Slot, ...], in_force: tuple[int, ...]) -> _Answer | None:
        """A signature's answer: by arithmetic where its one allocation demand allows it
        (`_by_arithmetic`), else from the solver."""
        averages = self._averages.get(in_force[0]) if len(in_force) == 1 else None
        if averages is not None:
            return self._averaged(averages, cabinet, slots)
        return self._solve(roles, cabinet, supporters, slots, not in_force)

    def _by_arithmetic(self) -> dict[int, Averages]:
        """The allocation demands decided by arithmetic (`averages`) where each is the only
        one in force: a `proportional` by D'Hondt or Sainte-Laguë, whose meaning on members
        alone is all there is to an allocation unless parity counts them or posts lie
        outside the cabinet."""
        cabinet = self.instance.cabinet
        if cabinet.parity is not None or cabinet.outside:
            return {}
        allocation = [d for d in self.instance.demands if d.touches_allocation]
        return {j: Averages(d, d.weights(self.instance), apportioned(self.instance, d),
                            self._room.total[1])
                for j, d in enumerate(allocation)
                if isinstance(d, Proportional) and d.method in DIVISORS}

    def _averaged(self, averages: Averages, cabinet: list[int], slots: tuple[Slot, ...]
                  ) -> _Answer | None:
        """The answer by arithmetic: the member ranges from `averages`; every cabinet party
        may hold every post and portfolio (each has a member, and they have one for each)."""
        ranges = averages.ranges(cabinet, self._room)
        if ranges is None:
            return None
        able = {slots[i] for i in cabinet}
        return _Answer({slots[i]: ranges[i] for i in cabinet},
                       [set(able) for _ in self.instance.cabinet.every_post],
                       [set(able) for _ in self.instance.cabinet.portfolios], False)

    def _slots(self, mentions: list[frozenset[int] | None]) -> tuple[Slot, ...]:
        """Every party's slot under the demands in force that mention these parties; a party
        whose members its seats cap or whose group parity counts, and no demand names, is its
        class (numbered below ANONYMOUS, apart from the parties named). With posts outside
        cabinet every party is itself: a post's holder may be a cabinet party or a supporter,
        which one slot could not tell apart."""
        if self._outside:
            return tuple(range(len(self._kind)))
        if any(named is None for named in mentions):
            return tuple(self._kind)
        named = {i for parties in mentions if parties is not None for i in parties}
        return tuple(i if i in named else ANONYMOUS - 1 - self._kind[i] if i in self._distinct
                     else ANONYMOUS for i in range(len(self._kind)))

    def _solve(self, roles: tuple[int, ...], cabinet: list[int], supporters: list[int],
               slots: tuple[Slot, ...], free: bool) -> _Answer | None:
        """Solve the full model with these roles assumed; None if it has no allocation."""
        if self._full is None:
            self._full = Encoding(self.instance, seats=self.seats)
            self._decoder = Decoder(self._full)
            self._solver = Solver(self._full.model, presolve=False, light=True,
                                  budget=self.budget)
        enc = self._full
        assumed: list[Literal] = [enc.role_vars[r][i] for i, r in enumerate(roles)]
        representatives: dict[Slot, int] = {}
        for i in cabinet:
            representatives.setdefault(slots[i], i)
        answer = _Answer({}, [set() for _ in enc.posts], [set() for _ in enc.portfolio_names],
                         free)
        first = self._solver.solution(assumed)
        if first is None:
            return None
        if not self.detail:
            return answer
        self._witness(first, slots, answer)
        for slot, i in representatives.items():
            answer.ranges[slot] = self._member_range(assumed, i, slots, answer)
        self._able_holders(assumed, representatives,
                           {**representatives, **{slots[i]: i for i in supporters}},
                           slots, answer)
        return answer

    def _member_range(self, assumed: list[Literal], i: int, slots: tuple[Slot, ...],
                      answer: _Answer) -> MemberRange:
        enc = self._full
        assert enc is not None
        bounds = []
        for maximise in (False, True):
            optimum = self._solver.optimum(enc.members[i], maximise=maximise, assume=assumed)
            assert optimum is not None, "the roles have an allocation"
            self._witness(optimum[1], slots, answer)
            bounds.append(optimum[0])
        return MemberRange(bounds[0], bounds[1])

    def _able_holders(self, assumed: list[Literal], representatives: dict[Slot, int],
                      outside: dict[Slot, int], slots: tuple[Slot, ...],
                      answer: _Answer) -> None:
        """For each post and portfolio, every slot that can hold it (`representatives`, the
        cabinet's; `outside`, the cabinet's and the supporters', for the posts outside
        cabinet): repeatedly, a solution holding as many (post, slot) pairs not yet seen as
        possible, until none can be."""
        enc = self._full
        assert enc is not None
        inside = set(enc.cabinet_posts)
        tables = [*((able, row, representatives if post in inside else outside)
                    for able, (post, row) in zip(answer.posts, enc.holders.items(),
                                                 strict=True)),
                  *((able, row, representatives)
                    for able, row in zip(answer.portfolios, enc.portfolio_holders.values(),
                                         strict=True))]
        while True:
            unseen = [row[i] for able, row, eligible in tables
                      for slot, i in eligible.items() if slot not in able]
            if not unseen:
                return
            best = self._solver.optimum(sum(unseen), maximise=True, assume=assumed)
            assert best is not None, "the roles have an allocation"
            if best[0] == 0:
                return
            self._witness(best[1], slots, answer)

    def _witness(self, solution: Sequence[int], slots: tuple[Slot, ...],
                 answer: _Answer) -> None:
        """Record who holds each post and portfolio in a solution."""
        _, _, post_holders, portfolio_holders, _ = self._decoder.raw(solution)
        for able, h in zip(answer.posts + answer.portfolios, post_holders + portfolio_holders,
                           strict=True):
            able.add(slots[h])


class Listing:
    """Every coalition of a (scenario-resolved) instance, in SPEC order, as an iterator.

    Iterating runs the search; afterwards `complete` says whether every coalition came out,
    `stopped` what cut it short ("limit", "time limit" or "interrupt"), `count` how many came
    out. `canonical()` gives the analysed canonical candidates without expanding them, for
    counting and summaries. The budget's deadline and stop are obeyed between coalitions too.
    Without `detail`, only `rows()` means anything: which coalitions there are, not their
    member ranges or post holders (a sweep asks no more, thousands of times), and `limit` also
    bounds the canonical candidates searched: past that many the listing stops ("limit"), even
    where fewer of them have an allocation. Over a range of parliaments (`seats`), the
    coalitions that some parliament within it could admit.
    """

    def __init__(self, problem: Instance, *, limit: int | None = None,
                 budget: Budget | None = None,
                 classes: Sequence[Sequence[int]] | None = None, detail: bool = True,
                 seats: SeatRange | None = None) -> None:
        self.problem = problem
        self.limit = limit
        self.budget = budget or Budget()
        self.parties = problem.party_ids
        # finer classes than the instance allows are still classes (`binding` compares
        # instances with and without a demand under the classes of the one with it)
        classes = party_classes(problem, seats) if classes is None else classes
        self.expander = Expander(classes)
        #: per party, its class of interchangeable parties (itself alone if it has no twin)
        self.classes_of = {i: tuple(members) for members in classes for i in members}
        self._encoding = Encoding(problem, roles_only=True, seats=seats)
        break_symmetry(self._encoding.model, self._encoding.role_vars, classes)
        self._decoder = Decoder(self._encoding)
        self._seats = [p.seats for p in problem.parties]
        #: the posts a supporter may hold too (`cabinet.outside`)
        self._outside_posts = frozenset(problem.cabinet.outside)
        self._policies = list(self._encoding.programme)
        self.detail = detail
        self._analyst = CoalitionAnalyst(problem, classes, self.budget, detail, seats)
        self.stopped: str | None = None
        self.count = 0
        self._ended = False

    @property
    def complete(self) -> bool:
        return self._ended and self.stopped is None

    def _stop(self, reason: str) -> None:
        if self.stopped is None:
            self.stopped = reason

    # --- steps 1 and 2 ------------------------------------------------------------------------

    def _search(self, size: int | None) -> Search[Candidate]:
        """The canonical candidates with `size` cabinet parties (any number: None), in solver
        order."""
        model = self._encoding.model.clone()
        if size is not None:
            model.add(sum(model.get_bool_var_from_proto_index(lit.index)
                          for lit in self._encoding.cabinet) == size)
        decoder = self._decoder

        def decode(solution: Sequence[int]) -> Candidate:
            return decoder.roles(solution), decoder.programme(solution)

        # a listing without detail stops after `limit` candidates, before expanding them
        limit = None if self.detail or self.limit is None else self.limit + 1
        return Search(model, decode, budget=self.budget, limit=limit)

    def canonical(self, skip: Callable[[tuple[int, ...]], bool] | None = None,
                  sizes: range | None = None, at_once: bool = False
                  ) -> Iterator[list[Analysed]]:
        """For each cabinet size in turn (of `sizes` only, where given: a listing with
        detail), its analysed canonical candidates in order of their first coalition (those
        whose roles `skip` accepts left out unanalysed). A search cut short still yields what
        it found, then ends (`stopped` set). `at_once`: every size is wanted before any is
        used (a ranking), so one search finds them all."""
        if not self.detail or at_once:  # one search for every size: each search has a fixed
            # cost that outweighs the few candidates of a small parliament (a sweep asks
            # thousands)
            search = self._search(None)
            every = self._found(search, skip)
            for size in range(1, len(self.parties) + 1):
                yield sorted((a for a in every if len(a.key[0]) == size), key=lambda a: a.key)
            self._end(search)
            return
        for size in sizes or range(1, len(self.parties) + 1):
            search = self._search(size)
            found = self._found(search, skip)
            found.sort(key=lambda a: a.key)
            yield found
            if not search.complete:
                self._end(search)
                return
        self._ended = True

    def _found(self, search: Search[Candidate],
               skip: Callable[[tuple[int, ...]], bool] | None) -> list[Analysed]:
        """The analysed candidates a search finds (in its order), but those `skip` accepts."""
        found: list[Analysed] = []
        # over a range of parliaments the form is not settled by the roles (it may be either
        # in some parliament), so a candidate can come twice, once with each form
        seen: set[Candidate] | None = None if self._encoding.range.exact else set()
        for roles, programme in search:
            if skip is not None and skip(roles):
                continue
            if seen is not None:
                if (roles, programme) in seen:
                    continue
                seen.add((roles, programme))
            try:
                analysed = self._analyse(roles, programme)
            except Stopped as stop:
                search.stop(stop.reason)
                break
            if analysed is not None:
                found.append(analysed)
        return found

    def _end(self, search: Search[Candidate]) -> None:
        """The listing is over: complete, or cut short where the search was."""
        if search.complete:
            self._ended = True
        else:
            self._stop(search.stopped or self.budget.stopped or "time limit")

    def _analyse(self, roles: tuple[int, ...], programme: tuple[bool, ...]) -> Analysed | None:
        analysis = self._analyst.analyse(roles)
        if analysis is None:
            return None
        answer, slots = analysis
        seats = self._seats
        cabinet = sum(w for w, r in zip(seats, roles, strict=True) if r == CABINET)
        backing = cabinet + sum(w for w, r in zip(seats, roles, strict=True) if r == SUPPORT)
        helped = any(r in (SUPPORT, ABSTAIN) for r in roles)
        form: Form = ("majority" if cabinet >= self.problem.quota + self.problem.government.margin
                      and not helped else "minority")
        return Analysed(roles, key_of(roles), answer, slots,
                        tuple(p for p, on in zip(self._policies, programme, strict=True) if on),
                        form, backing)

    # --- step 3 -------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Coalition]:
        for analysed, roles in self.rows():
            yield self.coalition(analysed, roles)

    def rows(self) -> Iterator[tuple[Analysed, tuple[int, ...]]]:
        """Every coalition as (its candidate's analysis, its roles), in SPEC order: what
        `coalition` turns into a `Coalition`, and what a fast renderer reads directly."""
        deadline = self.budget.deadline
        for group in self.canonical():
            for row in self.ordered(group):
                if self.limit is not None and self.count >= self.limit:
                    self._stop("limit")
                    return
                if self.budget.stopped is not None:
                    self._stop(self.budget.stopped)
                    return
                if deadline is not None and self.count % 64 == 0 and time.monotonic() > deadline:
                    self.budget.stop("time limit")
                    self._stop("time limit")
                    return
                self.count += 1
                yield row

    def ordered(self, group: Sequence[Analysed]) -> Iterator[tuple[Analysed, tuple[int, ...]]]:
        """Every coalition of one cabinet size's candidates, in SPEC order: each candidate's
        expansions are already in order; a heap merges them, taking a candidate in only when
        the merge reaches its first coalition (so few are open at a time)."""
        heap: list[tuple[RoleKey, int, tuple[int, ...],
                         Iterator[tuple[RoleKey, tuple[int, ...]]]]] = []
        waiting = iter(enumerate(group))
        upcoming = next(waiting, None)
        while heap or upcoming is not None:
            while upcoming is not None and (not heap or upcoming[1].key <= heap[0][0]):
                number, analysed = upcoming
                expansions = self.expander.expansions(analysed.roles)
                key, roles = next(expansions)
                heapq.heappush(heap, (key, number, roles, expansions))
                upcoming = next(waiting, None)
            _, number, roles, expansions = heap[0]
            yield group[number], roles
            following = next(expansions, None)
            if following is None:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, (following[0], number, following[1], expansions))

    def coalition(self, analysed: Analysed, roles: tuple[int, ...]) -> Coalition:
        """One coalition: the roles of one expansion, the rest from its candidate's analysis."""
        parties = self.parties
        answer, slots = analysed.answer, analysed.slots
        cabinet = [i for i, r in enumerate(roles) if r == CABINET]
        involved = [i for i, r in enumerate(roles) if r in (CABINET, SUPPORT)]
        outside = self._outside_posts

        def holders(able: set[Slot], post: str = "") -> tuple[str, ...]:
            return tuple(parties[i] for i in (involved if post in outside else cabinet)
                         if slots[i] in able)

        return Coalition(
            cabinet={parties[i]: answer.ranges[slots[i]] for i in cabinet},
            support=tuple(parties[i] for i, r in enumerate(roles) if r == SUPPORT),
            abstain=tuple(parties[i] for i, r in enumerate(roles) if r == ABSTAIN),
            opposition=tuple(parties[i] for i, r in enumerate(roles) if r == OPPOSITION),
            posts={p: holders(a, p) for p, a in zip(self.problem.cabinet.every_post,
                                                    answer.posts, strict=True)},
            portfolios={p: holders(a) for p, a in zip(self.problem.cabinet.portfolios,
                                                      answer.portfolios, strict=True)},
            programme=analysed.programme, form=analysed.form, seats=analysed.seats,
        )
