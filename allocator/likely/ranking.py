"""Governments in order of probability (`solve --rank likely`): cabinets by the probability
that they form (the formation model), the most likely first, ties in SPEC order; within a
cabinet, its governments (or allocations) in SPEC order. Every government carries its
cabinet's probability, and over the distinct cabinets listed the probabilities sum to 1.

Two ways to the same order, in bounded memory:

* `first_ranked`: for the N most likely (`--limit N`), the cabinets' probabilities first (the
  choice set, `cabinets.feasible`), then the governments of the most likely cabinets, one
  cabinet at a time (its roles pinned), until N are listed;
* `every_ranked`: for all of them, one pass over the coalition level, whose governments come
  in SPEC order and so cabinet by cabinet: each cabinet's block is kept in a temporary file,
  and when the pass is over (and with it every cabinet known, so every probability) the blocks
  are read back in order of probability.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Sequence
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

if TYPE_CHECKING:
    from ..solving.coalitions import Listing


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
                 model: FormationModel | None = None, budget: Budget | None = None
                 ) -> Iterator[Allocation | Coalition]:
    """The `limit` most likely governments (all of them, cabinet by cabinet, without a limit;
    see the module docstring)."""
    from ..solving import allocations
    from ..solving.coalitions import Listing

    budget = budget or Budget()
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


def every_ranked(problem: Instance, model: FormationModel | None = None,
                 budget: Budget | None = None) -> Iterator[Coalition]:
    """Every coalition, in order of its cabinet's probability (see the module docstring)."""
    from ..solving.coalitions import Listing

    listing = Listing(problem, budget=budget)
    with tempfile.TemporaryFile() as store:
        cabinets, places = _blocks(listing, store)
        if not listing.complete:
            raise Stopped(listing.stopped or "time limit")
        members = np.zeros((len(cabinets), len(problem.parties)), dtype=bool)
        for row, cabinet in enumerate(cabinets):
            members[row, list(cabinet)] = True
        probabilities = (model or shipped()).probabilities(Chamber.of(problem), members)
        for row in order(probabilities):
            start, end = places[row]
            store.seek(start)
            block: list[Coalition] = pickle.loads(store.read(end - start))
            p = float(probabilities[row])
            for coalition in block:
                yield replace(coalition, probability=p)


def _blocks(listing: Listing, store: IO[bytes]
            ) -> tuple[list[tuple[int, ...]], list[tuple[int, int]]]:
    """Write the listing's coalitions to `store`, one pickled block per cabinet; the cabinets
    (party indexes) in the order met, and where each block lies."""
    cabinets: list[tuple[int, ...]] = []
    places: list[tuple[int, int]] = []
    block: list[Coalition] = []

    def flush() -> None:
        if block:
            start = store.tell()
            store.write(pickle.dumps(block, protocol=pickle.HIGHEST_PROTOCOL))
            places.append((start, store.tell()))
            block.clear()

    for analysed, roles in listing.rows():
        cabinet = tuple(i for i, r in enumerate(roles) if r == CABINET)
        if not cabinets or cabinets[-1] != cabinet:
            flush()
            cabinets.append(cabinet)
        block.append(listing.coalition(analysed, roles))
    flush()
    return cabinets, places


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
