"""Sweeps decided by arithmetic: the candidates listed once for every parliament of a sweep,
and each parliament decided over all of them at once (numpy).

Where no demand reads the seats (nor which parties reach the quota: `minimal_winning`, a
`proportional` by seats or votes), whether a government has an allocation meeting every demand
does not depend on the parliament; only SPEC §2's rules on seats do (`investiture.SeatRules`),
and the `requires_form` demands (the form: whether the cabinet alone reaches the quota). So
instead of solving each distinct parliament:

1. every draw is made first (a fraction of a millisecond each), and their range taken: per
   party the least and the most seats, and the same for the unlisted seats and the quota
   (`SeatRange`);
2. the coalition level over that range (`Listing(seats=...)`) lists every government that some
   parliament within it could admit: one search, in SPEC order, a superset of every draw's
   answer;
3. each draw keeps the rows its seats admit (`SeatRules.admits`) in the form its
   `requires_form` demands ask for (`_FormDemand`): exactly the governments that solving that
   parliament finds (tests/test_sweep.py checks it against the solver and the
   brute force).

Draws are decided in order, so a sweep cut short by its time limit or an interrupt has answered
a prefix of its draws, as the solver's sweep does.

The superset grows with the range: under relative investiture many small parties can each help
in some parliament of the range, and five Spanish draws already have ten times the candidates
of one. Deciding a draw costs about a quarter of a microsecond per candidate, so where the
candidates times the draws pass `CHECKS` (about 15 seconds of arithmetic), the listing stops
and the sweep solves each distinct parliament instead (`run`): the attempt costs a search of
at most that many candidates (a few seconds for a thousand draws).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from ..instance.demands import RequiresForm
from ..instance.schema import Instance
from ..solving.coalitions import Listing
from ..solving.encoding import SEAT_READINGS, SeatRange
from ..solving.investiture import SeatRules
from ..solving.result import CABINET, SUPPORT
from ..solving.solver import Budget
from .draws import Draw, PollDraws, SeatTable
from .forming import Forming

#: the most candidates times draws decided by arithmetic (rows a draw checks, summed)
CHECKS = 50_000_000
#: ... and the most candidates, however few the draws
MAX_ROWS = 100_000
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

    def breaks(self, governments: NDArray[np.int8], majority: NDArray[np.bool_]
               ) -> NDArray[np.bool_]:
        """Per government: whether it is in force and the form is the other."""
        wrong: NDArray[np.bool_] = majority != self.majority
        if self.party is None:
            return wrong
        breaking: NDArray[np.bool_] = np.isin(governments[:, self.party], self.roles) & wrong
        return breaking


@dataclass
class Decided:
    """A sweep decided by arithmetic: how many of the draws (the first `draws`) admitted each
    candidate government (`roles`, in SPEC order), how many admitted none, and per party in
    how many it could sit in cabinet, support, or be pivotal; `stopped_by` what cut it short."""

    roles: NDArray[np.int8]
    counts: NDArray[np.int64]
    deadlock: int
    figures: NDArray[np.int64]  # per party: cabinet, support, pivotal
    draws: int
    stopped_by: str | None


def decide(problem: Instance, majority: int | None, source: PollDraws | SeatTable, total: int,
           budget: Budget, forming: Forming,
           on_draw: Callable[[int], None] | None = None) -> Decided | None:
    """The sweep of `total` draws of `source`, by arithmetic; None where the range of its
    parliaments is too wide (`CHECKS`, `MAX_ROWS`).

    Draws are made a chunk at a time (each chunk twice the last, from `FIRST`), so that a
    sweep of a million draws starts answering at once; the candidates are listed again only
    where a chunk's parliaments reach out of the range listed so far."""
    width = len(problem.parties)
    decided = Decided(np.zeros((0, width), dtype=np.int8), np.zeros(0, dtype=np.int64), 0,
                      np.zeros((width, 3), dtype=np.int64), 0, None)
    listed: SeatRange | None = None
    cabinets = _Cabinets(decided.roles)
    forms = _form_demands(problem)
    chunk = FIRST
    while decided.draws < total and decided.stopped_by is None:
        drawn = _draws(source, decided.draws, min(decided.draws + chunk, total), majority,
                       problem.government.share, budget)
        if drawn is None:
            decided.stopped_by = _spent(budget)
            break
        wider = _range(drawn, listed)
        if wider != listed:
            listing = Listing(problem, detail=False, seats=wider, budget=budget,
                              limit=min(MAX_ROWS, CHECKS // total))
            rows = np.array([roles for _, roles in listing.rows()],
                            dtype=np.int8).reshape(-1, width)
            if listing.stopped == "limit":
                return None
            if listing.stopped is not None:
                decided.stopped_by = listing.stopped
                break
            _relist(decided, rows)
            cabinets, listed = _Cabinets(rows), wider
        for *seats, unlisted, quota in drawn.tolist():
            decided.stopped_by = _spent(budget)
            if decided.stopped_by is not None:
                break
            _decide(decided, Draw(tuple(seats), unlisted), quota, problem, forming, cabinets,
                    forms)
            if on_draw is not None:
                try:
                    on_draw(decided.draws)
                except KeyboardInterrupt:  # (from a caller's progress display)
                    budget.stop("interrupt")
        chunk = min(2 * chunk, LAST)
    return decided


def _draws(source: PollDraws | SeatTable, start: int, end: int, majority: int | None,
           share: Fraction | None, budget: Budget) -> NDArray[np.int64] | None:
    """Draws `start` to `end` as numbers, a row each: the parties' seats, the unlisted seats
    and the quota (`majority`, or `share` of the chamber, or more than half); None if the
    budget ran out or was stopped while drawing."""
    drawn = []
    for i in range(start, end):
        if _spent(budget) is not None:
            return None
        draw = source.draw(i)
        drawn.append((*draw.seats, draw.unlisted, draw.quota(majority, share)))
    return np.array(drawn, dtype=np.int64)


def _spent(budget: Budget) -> str | None:
    """Why the sweep must end now, if it must: an interrupt or the time limit."""
    if budget.stopped is None and budget.deadline is not None and (
            time.monotonic() >= budget.deadline):
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


def _relist(decided: Decided, rows: NDArray[np.int8]) -> None:
    """Candidates listed again over a wider range (a superset of those before, in SPEC
    order): the counts so far move with their rows."""
    counts = np.zeros(len(rows), dtype=np.int64)
    if len(decided.roles):
        where = {row.tobytes(): k for k, row in enumerate(rows)}
        counts[[where[row.tobytes()] for row in decided.roles]] = decided.counts
    decided.roles, decided.counts = rows, counts


def _decide(decided: Decided, draw: Draw, quota: int, problem: Instance,
            forming: Forming, cabinets: _Cabinets, forms: list[_FormDemand]) -> None:
    """Count one parliament."""
    rules = SeatRules(draw.seats, quota, draw.unlisted, problem.government.investiture,
                      problem.government.forms, problem.government.margin)
    admitted = np.flatnonzero(rules.admits(decided.roles))
    if forms and len(admitted):
        governments = decided.roles[admitted]
        majority = rules.majority(governments)
        broken = np.zeros(len(admitted), dtype=bool)
        for demand in forms:
            broken |= demand.breaks(governments, majority)
        admitted = admitted[~broken]
    decided.draws += 1
    if not len(admitted):
        decided.deadlock += 1
        return
    decided.counts[admitted] += 1
    governments = decided.roles[admitted]
    decided.figures[:, 0] += np.any(governments == CABINET, axis=0)
    decided.figures[:, 1] += np.any(governments == SUPPORT, axis=0)
    decided.figures[:, 2] += np.any(rules.each_needed(governments), axis=0)
    forming.add_cabinets(draw, *cabinets.of(admitted))


class _Cabinets:
    """The distinct cabinets of the candidates, each a number, so that a draw's cabinets are
    the distinct numbers of its rows."""

    def __init__(self, roles: NDArray[np.int8]) -> None:
        members = roles == CABINET
        self.members, self.number = np.unique(members, axis=0, return_inverse=True)
        self.number = self.number.reshape(-1)
        self.cabinets = [tuple(int(i) for i in np.flatnonzero(row)) for row in self.members]

    def of(self, rows: NDArray[np.intp]) -> tuple[list[tuple[int, ...]], NDArray[np.bool_]]:
        """The distinct cabinets of these rows, in the order they first come (as `Forming`
        meets them from the solver's answers)."""
        numbers = self.number[rows]
        _, first = np.unique(numbers, return_index=True)
        numbers = numbers[np.sort(first)]
        return [self.cabinets[k] for k in numbers], self.members[numbers]
