"""Governments in order of probability (`solve --rank likely`): cabinets by the probability
that they form (the formation model), the most likely first, ties in SPEC order; within a
cabinet, its governments (or allocations) in SPEC order. Every government carries its
cabinet's probability, and over the distinct cabinets listed the probabilities sum to 1.

Three ways to the same order, in bounded memory:

* `MostLikely`: for the N most likely (`--limit N`) at the coalition level, where there are at
  most ONE_PASS coalitions, from the canonical candidates of one listing: every feasible
  cabinet is read off them without listing their coalitions, and only the most likely
  cabinets' coalitions are generated, until N are listed;
* `first_ranked`: for the N most likely past that (or allocations), the cabinets'
  probabilities first (the choice set, `cabinets.feasible`), then the governments of the most
  likely cabinets, one cabinet at a time (its roles pinned), until N are listed;
* `every_ranked`: for all of them, one pass over the coalition level, whose governments come
  in SPEC order and so cabinet by cabinet: each cabinet's block is kept in a temporary file,
  and when the pass is over (and with it every cabinet known, so every probability) the blocks
  are read back in order of probability.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import IO, TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..instance.fields import Role
from ..instance.schema import Instance
from ..instance.transform import adding, open_roles, pin_roles
from ..solving.result import CABINET, Allocation, Coalition, Level
from ..solving.solver import Budget, Stopped
from .attributes import Chamber
from .cabinets import Members, feasible
from .model import FormationModel, shipped

#: a ranking with a limit ranks from one listing's canonical candidates (about the cost of
#: finding the cabinets, which ranking them one at a time needs first) where they stand for
#: at most this many coalitions
ONE_PASS = 200_000

if TYPE_CHECKING:
    from ..solving.coalitions import Analysed, Listing


def order(probabilities: NDArray[np.float64]) -> NDArray[np.intp]:
    """Cabinets by probability, the most likely first; ties in SPEC order (their order here)."""
    return np.lexsort((np.arange(len(probabilities)), -probabilities))


def pinned(problem: Instance, cabinet: Sequence[str]) -> Instance:
    """The instance with exactly these parties in the cabinet (the others anything else)."""
    others: list[Role] = [r for r in open_roles(problem) if r != "cabinet"]
    allowed: dict[str, Sequence[Role]] = {
        p: ["cabinet"] if p in cabinet else others for p in problem.party_ids}
    return adding(problem, pin_roles(problem, allowed, "ranked"))


def first_ranked(problem: Instance, level: Level, limit: int | None = None,
                 model: FormationModel | None = None, budget: Budget | None = None,
                 members: Members | None = None) -> Iterator[Allocation | Coalition]:
    """The `limit` most likely governments (all of them, cabinet by cabinet, without a limit;
    see the module docstring)."""
    from ..solving import allocations
    from ..solving.coalitions import Listing

    budget = budget or Budget()
    if members is None:
        members = feasible(problem, budget)
    probabilities = (model or shipped()).probabilities(Chamber.of(problem), members)
    ids = problem.party_ids
    listed = 0
    for row in order(probabilities):
        cabinet = [ids[i] for i in np.flatnonzero(members[row])]
        p = float(probabilities[row])
        narrowed = pinned(problem, cabinet)
        left = None if limit is None else limit - listed
        items: Sequence[Allocation | Coalition]
        if level == "allocation":  # all of the cabinet's, sorted: the solver finds them in
            # its own order, and the first in SPEC order may be found last
            sorted_allocations, search = allocations.listing(narrowed, budget=budget)
            if search.stopped is not None:
                raise Stopped(search.stopped)
            items = sorted_allocations[:left]
        else:
            listing = Listing(narrowed, limit=left, budget=budget)
            items = list(listing)
            if listing.stopped not in (None, "limit"):
                raise Stopped(listing.stopped)
        for item in items:
            yield replace(item, probability=p)
            listed += 1
        if limit is not None and listed >= limit:
            return


class EveryRanked:
    """Every coalition in order of its cabinet's probability (see the module docstring), as
    rows: (its candidate's analysis, its roles, its probability), which `coalitions` turns into
    a `Coalition` and a fast renderer reads directly. One pass over the coalition level writes
    each cabinet's rows to a temporary file as bytes (a candidate's number and the roles); the
    candidates themselves stay in memory, one per canonical candidate."""

    def __init__(self, problem: Instance, model: FormationModel | None = None,
                 budget: Budget | None = None) -> None:
        from ..solving.coalitions import Listing

        self.problem, self.model = problem, model
        self.listing = Listing(problem, budget=budget)
        #: the canonical candidates met, once the pass is over
        self.candidates: list[Analysed] = []

    def rows(self) -> Iterator[tuple[Analysed, tuple[int, ...], float]]:
        width = len(self.problem.parties)
        with tempfile.TemporaryFile() as store:
            candidates, cabinets, places = _blocks(self.listing, store)
            self.candidates = candidates
            if not self.listing.complete:
                raise Stopped(self.listing.stopped or "time limit")
            members = np.zeros((len(cabinets), width), dtype=bool)
            for row, cabinet in enumerate(cabinets):
                members[row, list(cabinet)] = True
            probabilities = (self.model or shipped()).probabilities(Chamber.of(self.problem),
                                                                    members)
            record = 4 + width
            for row in order(probabilities):
                start, end = places[row]
                store.seek(start)
                block = store.read(end - start)
                p = float(probabilities[row])
                for at in range(0, len(block), record):
                    number = int.from_bytes(block[at:at + 4], "little")
                    yield candidates[number], tuple(block[at + 4:at + record]), p

    def __iter__(self) -> Iterator[Coalition]:
        for analysed, roles, p in self.rows():
            yield replace(self.listing.coalition(analysed, roles), probability=p)


class MostLikely:
    """The `limit` most likely coalitions (see the module docstring) as `EveryRanked` gives
    them, from the canonical candidates alone: their cabinets (`Expander.cabinets`, each
    candidate's few, not its many coalitions) are every feasible cabinet, whose probabilities
    order them; then only the cabinets that make up the limit are expanded, each from the
    candidates that have it. `TooMany` where the candidates stand for more than ONE_PASS
    coalitions (the cabinets of all of them would be kept)."""

    def __init__(self, problem: Instance, limit: int, model: FormationModel | None = None,
                 budget: Budget | None = None) -> None:
        from ..solving.coalitions import Listing

        self.problem, self.limit, self.model = problem, limit, model
        self.listing = Listing(problem, budget=budget)
        #: the canonical candidates met, once the rows are begun
        self.candidates: list[Analysed] = []

    def rows(self) -> Iterator[tuple[Analysed, tuple[int, ...], float]]:
        expander = self.listing.expander
        having: dict[tuple[int, ...], list[int]] = {}  # cabinet -> the candidates with it
        coalitions = 0
        for group in self.listing.canonical(at_once=True):
            for analysed in group:
                coalitions += expander.multiplicity(analysed.roles)
                if coalitions > ONE_PASS:
                    raise TooMany
                for cabinet in expander.cabinets(analysed.roles):
                    having.setdefault(cabinet, []).append(len(self.candidates))
                self.candidates.append(analysed)
        if not self.listing.complete:
            raise Stopped(self.listing.stopped or "time limit")
        cabinets = sorted(having, key=lambda c: (len(c), c))  # SPEC order
        members = np.zeros((len(cabinets), len(self.problem.parties)), dtype=bool)
        for row, cabinet in enumerate(cabinets):
            members[row, list(cabinet)] = True
        probabilities = (self.model or shipped()).probabilities(Chamber.of(self.problem),
                                                                members)
        listed = 0
        for row in order(probabilities):
            cabinet, p = cabinets[row], float(probabilities[row])
            found = sorted((key, number, roles) for number in having[cabinet]
                           for key, roles in expander.expansions(
                               self.candidates[number].roles, cabinet))
            for _, candidate, roles in found:
                yield self.candidates[candidate], roles, p
                listed += 1
                if listed >= self.limit:
                    return

    def __iter__(self) -> Iterator[Coalition]:
        for analysed, roles, p in self.rows():
            yield replace(self.listing.coalition(analysed, roles), probability=p)


def every_ranked(problem: Instance, model: FormationModel | None = None,
                 budget: Budget | None = None) -> Iterator[Coalition]:
    """Every coalition, in order of its cabinet's probability (see the module docstring)."""
    return iter(EveryRanked(problem, model, budget))


class TooMany(Exception):
    """A ranking from the candidates met more coalitions than it may keep (`ONE_PASS`)."""


def ranked(problem: Instance, level: Level, limit: int | None,
           model: FormationModel | None = None, budget: Budget | None = None,
           passed: list[EveryRanked | MostLikely] | None = None
           ) -> Iterator[Allocation | Coalition]:
    """The `limit` most likely governments (all, without a limit): at the coalition level
    from one listing (`MostLikely`, or `EveryRanked` for all) where there are at most ONE_PASS
    coalitions (or where all are asked for), else cabinet by cabinet (`first_ranked`, in
    memory that does not grow with the listing). All give the same order. A listing that went
    through is added to `passed` (its candidates also give the coalitions' summary,
    `census.summarise`)."""
    if level == "coalition":
        everything = (EveryRanked(problem, model, budget) if limit is None
                      else MostLikely(problem, limit, model, budget))
        items: Iterable[Coalition] | None = everything
        if limit is not None:
            try:
                items = list(everything)
            except TooMany:
                items = None
        if items is not None:
            if passed is not None:
                passed.append(everything)
            yield from items
            return
    yield from first_ranked(problem, level, limit, model, budget)


def _blocks(listing: Listing, store: IO[bytes]
            ) -> tuple[list[Analysed], list[tuple[int, ...]], list[tuple[int, int]]]:
    """Write the listing's coalitions to `store`, one block of rows per cabinet, each row its
    candidate's number (4 bytes) and its roles (a byte per party); the candidates, the
    cabinets (party indexes) in the order met, and where each block lies."""
    candidates: list[Analysed] = []
    numbers: dict[int, int] = {}  # id of a candidate -> its number (each is kept, so ids stay)
    cabinets: list[tuple[int, ...]] = []
    places: list[tuple[int, int]] = []
    block = bytearray()

    def flush() -> None:
        if block:
            start = store.tell()
            store.write(block)
            places.append((start, store.tell()))
            block.clear()

    for analysed, roles in listing.rows():
        cabinet = tuple(i for i, r in enumerate(roles) if r == CABINET)
        if not cabinets or cabinets[-1] != cabinet:
            flush()
            cabinets.append(cabinet)
        number = numbers.get(id(analysed))
        if number is None:
            number = numbers[id(analysed)] = len(candidates)
            candidates.append(analysed)
        block += number.to_bytes(4, "little")
        block += bytes(roles)
    flush()
    return candidates, cabinets, places


def probability_of(problem: Instance, cabinet: Sequence[str],
                   model: FormationModel | None = None,
                   budget: Budget | None = None) -> tuple[float, int, int] | None:
    """How likely a cabinet is among the instance's feasible cabinets: (its probability, its
    rank from 1, how many cabinets there are); None where it is not feasible."""
    members = feasible(problem, budget)
    wanted = np.isin(np.array(problem.party_ids), list(cabinet))
    rows = np.flatnonzero((members == wanted[None, :]).all(axis=1))
    if not len(rows):
        return None
    probabilities = (model or shipped()).probabilities(Chamber.of(problem), members)
    rank = int(np.flatnonzero(order(probabilities) == rows[0])[0]) + 1
    return float(probabilities[rows[0]]), rank, len(members)


def likeliest(problem: Instance, model: FormationModel | None = None,
              budget: Budget | None = None) -> tuple[list[str], float] | None:
    """The most likely feasible cabinet (ties in SPEC order) and its probability; None
    where no cabinet is feasible."""
    members: Members = feasible(problem, budget)
    if not len(members):
        return None
    probabilities = (model or shipped()).probabilities(Chamber.of(problem), members)
    best = int(order(probabilities)[0])
    return ([problem.party_ids[i] for i in np.flatnonzero(members[best])],
            float(probabilities[best]))
