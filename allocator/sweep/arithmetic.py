"""Sweeps decided by arithmetic: the candidates listed once for every parliament of a sweep,
and each parliament decided over all of them at once (numpy).

Where no demand reads the seats (nor which parties reach the quota: `minimal_winning`, a
`proportional` by seats or votes), whether a government has an allocation meeting every demand
does not depend on the parliament; only SPEC §2's rules on seats do (`investiture.SeatRules`),
and the `requires_form` demands (the form: whether the cabinet alone reaches the quota). So
instead of solving each distinct parliament:

1. the draws are made a chunk at a time (a fraction of a millisecond each), and their range
   taken: per party the least and the most seats, and the same for the unlisted seats and the
   quota (`SeatRange`);
2. the coalition level over that range lists, in two parts made once (`joined.Structure`),
   every government that some parliament within it could admit: a superset of every draw's
   answer;
3. each draw takes the governments its seats admit (`Structure.admitted`, a join whose work
   is that of its answer) in the form its `requires_form` demands ask for (`_FormDemand`):
   exactly the governments that solving that parliament finds (tests/test_sweep.py checks it
   against the solver and the brute force); each government found is counted by its number
   in the structure, in one array for the whole sweep.

Draws are decided in order, so a sweep cut short by its time limit or an interrupt has answered
a prefix of its draws, as the solver's sweep does. A chunk whose parliaments reach out of the
range listed so far has the structure listed again over the wider range, and the counts move
with their governments. Where the structure would be too large (`joined.MAX_ROWS` left rows,
`MAX_COUNTED` governments) the sweep solves each distinct parliament instead (`run`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from ..instance.demands import RequiresForm
from ..instance.schema import Instance
from ..solving.encoding import SEAT_READINGS, SeatRange
from ..solving.investiture import SeatRules
from ..solving.result import CABINET, SUPPORT
from ..solving.solver import Budget
from .draws import Draw, PollDraws, SeatTable
from .forming import Forming
from .joined import Admitted, Structure

#: the most governments the structure may make (each has a counter: 4 bytes)
MAX_COUNTED = 50_000_000
#: seconds to rank and write each distinct government found (measured: 2.1 million Spanish
#: governments took 1.9 s to rank, 3.3 s to write as JSON and 6.5 s as CSV), kept back from a
#: time limit so that a sweep cut short still ends within it
WRITING = 4e-6
#: the draws of the first chunk, and the most of any chunk
FIRST, LAST = 256, 8192


def applies(problem: Instance) -> bool:
    """Whether the demands leave the seats to the base rules alone (and the form), and the
    seats do not cap the members (`cabinet.members_within_seats`)."""
    return not (problem.cabinet.members_within_seats
                or any(d.reads() & SEAT_READINGS for d in problem.demands))


def _form_demands(problem: Instance) -> list[_FormDemand]:
    return [_FormDemand.of(problem, d) for d in problem.demands if isinstance(d, RequiresForm)]


@dataclass(frozen=True)
class _FormDemand:
    """A `requires_form` demand as a draw decides it: while its party has a role that puts it
    in force (any role, for a demand without a party), the government has that form."""

    party: int | None
    roles: tuple[int, ...]  # the party's roles that put it in force
    majority: bool

    @classmethod
    def of(cls, problem: Instance, demand: RequiresForm) -> _FormDemand:
        party = None if demand.party is None else problem.party_ids.index(demand.party)
        roles = (CABINET,) if demand.scope == "cabinet" else (CABINET, SUPPORT)
        return cls(party, roles, demand.form == "majority")

    def breaks(self, structure: Structure, admitted: Admitted) -> NDArray[np.bool_]:
        """Per government: whether it is in force and the form is the other."""
        wrong: NDArray[np.bool_] = admitted.majority != self.majority
        if self.party is None:
            return wrong
        breaking: NDArray[np.bool_] = np.isin(structure.role_of(admitted, self.party),
                                              self.roles) & wrong
        return breaking


@dataclass
class Decided:
    """A sweep decided by arithmetic: its distinct governments (`roles`, a row each, in no
    particular order) and how many of the draws (the first `draws`) admitted each, how many
    admitted none, and per party in how many it could sit in cabinet, support, or be pivotal;
    `stopped_by` what cut it short."""

    roles: NDArray[np.int8]
    counts: NDArray[np.int64]
    deadlock: int
    figures: NDArray[np.int64]  # per party: cabinet, support, pivotal
    draws: int
    stopped_by: str | None


@dataclass
class _Counting:
    """The sweep so far: the structure it is listed in (and its range), per government of it
    the draws that admitted it, and the rest of `Decided`."""

    width: int  # parties
    structure: Structure | None = None
    listed: SeatRange | None = None
    counts: NDArray[np.uint32] = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    deadlock: int = 0
    seen: int = 0  # governments counted at least once
    figures: NDArray[np.int64] = field(init=False)
    draws: int = 0
    stopped_by: str | None = None

    def __post_init__(self) -> None:
        self.figures = np.zeros((self.width, 3), dtype=np.int64)

    def relisted(self, structure: Structure, listed: SeatRange) -> None:
        """The structure listed again over a wider range: the counts move with their
        governments (every one counted so far is in it: the range only grew)."""
        counts = np.zeros(structure.count, dtype=np.uint32)
        if self.structure is not None and self.counts.any():
            seen = np.flatnonzero(self.counts)
            left, right = self.structure.pairs(seen)
            where = {row.tobytes(): k for k, row in enumerate(structure.left)}
            now = np.array([where.get(row.tobytes(), -1) for row in self.structure.left],
                           dtype=np.intp)  # each left row's place in the new list
            admitted = Admitted(now[left], right, np.zeros(len(seen), dtype=np.int64),
                                np.zeros(len(seen), dtype=bool))
            counts[structure.numbers(admitted)] = self.counts[seen]
        self.structure, self.listed, self.counts = structure, listed, counts

    def decided(self) -> Decided:
        if self.structure is None:
            return Decided(np.zeros((0, self.width), dtype=np.int8),
                           np.zeros(0, dtype=np.int64), self.deadlock, self.figures,
                           self.draws, self.stopped_by)
        seen = np.flatnonzero(self.counts)
        return Decided(self.structure.rows(*self.structure.pairs(seen)),
                       self.counts[seen].astype(np.int64), self.deadlock, self.figures,
                       self.draws, self.stopped_by)


def decide(problem: Instance, majority: int | None, source: PollDraws | SeatTable, total: int,
           budget: Budget, forming: Forming,
           on_draw: Callable[[int], None] | None = None) -> Decided | None:
    """The sweep of `total` draws of `source`, by arithmetic; None where the structure of
    its parliaments would be too large (`joined.MAX_ROWS`, `MAX_COUNTED`).

    Draws are made a chunk at a time (each chunk twice the last, from `FIRST`), so that a
    sweep of a million draws starts answering at once; the structure is listed again only
    where a chunk's parliaments reach out of the range listed so far."""
    counting = _Counting(len(problem.parties))
    forms = _form_demands(problem)
    chunk = FIRST
    while counting.draws < total and counting.stopped_by is None:
        drawn = _draws(source, counting.draws, min(counting.draws + chunk, total), majority,
                       problem.government.share, budget, WRITING * counting.seen)
        if drawn is None:
            counting.stopped_by = budget.stopped
            break
        wider = _range(drawn, counting.listed)
        if wider != counting.listed:
            structure, stopped = Structure.listed(problem, wider, budget)
            if stopped is not None:
                counting.stopped_by = stopped
                break
            if structure is None or structure.count > MAX_COUNTED:
                return None
            counting.relisted(structure, wider)
        for *seats, unlisted, quota in drawn.tolist():
            counting.stopped_by = _spent(budget, WRITING * counting.seen)
            if counting.stopped_by is not None:
                break
            _decide(counting, Draw(tuple(seats), unlisted), quota, problem, forming, forms)
            if on_draw is not None:
                try:
                    on_draw(counting.draws)
                except KeyboardInterrupt:  # (from a caller's progress display)
                    budget.stop("interrupt")
        chunk = min(2 * chunk, LAST)
    return counting.decided()


def _draws(source: PollDraws | SeatTable, start: int, end: int, majority: int | None,
           share: Fraction | None, budget: Budget, reserve: float) -> NDArray[np.int64] | None:
    """Draws `start` to `end` as numbers, a row each: the parties' seats, the unlisted seats
    and the quota (`majority`, or `share` of the chamber, or more than half); None if the
    budget ran out (less `reserve` seconds) or was stopped while drawing."""
    drawn = []
    for i in range(start, end):
        if _spent(budget, reserve) is not None:
            return None
        draw = source.draw(i)
        drawn.append((*draw.seats, draw.unlisted, draw.quota(majority, share)))
    return np.array(drawn, dtype=np.int64)


def _spent(budget: Budget, reserve: float) -> str | None:
    """Why the sweep must end now, if it must: an interrupt or the time limit (`reserve`
    seconds before it, what writing the answer will take)."""
    if budget.stopped is None and budget.deadline is not None and (
            time.monotonic() >= budget.deadline - reserve):
        budget.stop("time limit")
    return budget.stopped


def _range(numbers: NDArray[np.int64], listed: SeatRange | None) -> SeatRange:
    """The range of these parliaments (rows of `_draws`) and of those listed so far."""
    least, most = numbers.min(axis=0), numbers.max(axis=0)
    if listed is not None:
        least = np.minimum(least, [*listed.low, listed.unlisted[0], listed.quota[0]])
        most = np.maximum(most, [*listed.high, listed.unlisted[1], listed.quota[1]])
    low, high = [int(x) for x in least], [int(x) for x in most]
    return SeatRange(tuple(low[:-2]), tuple(high[:-2]), (low[-2], high[-2]), (low[-1], high[-1]))


def _decide(counting: _Counting, draw: Draw, quota: int, problem: Instance,
            forming: Forming, forms: list[_FormDemand]) -> None:
    """Count one parliament."""
    assert counting.structure is not None
    structure = counting.structure
    rules = SeatRules(draw.seats, quota, draw.unlisted, problem.government.investiture,
                      problem.government.forms, problem.government.margin)
    admitted = structure.admitted(rules)
    if forms and len(admitted):
        broken = np.zeros(len(admitted), dtype=bool)
        for demand in forms:
            broken |= demand.breaks(structure, admitted)
        admitted = admitted.taking(~broken)
    counting.draws += 1
    if not len(admitted):
        counting.deadlock += 1
        return
    numbers = structure.numbers(admitted)
    counting.seen += int(np.count_nonzero(counting.counts[numbers] == 0))
    counting.counts[numbers] += 1  # (a government once a parliament)
    counting.figures += structure.parts(admitted, rules)
    forming.add_cabinets(draw, *structure.cabinets(admitted))
