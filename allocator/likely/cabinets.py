"""An instance's distinct feasible cabinets: every set of parties C for which some government
(C, S, A) has an allocation meeting every demand (the formation model's choice set).

Two ways to the same answer, checked against each other and against the brute force:

* **By arithmetic** (`by_arithmetic`), where no demand is in force and no `cabinet.parity`
  counts groups (ParlGov's formations, a parliament as elected): the base rules alone decide.
  A cabinet of k parties fits when its k smallest shares fit the cabinet's size (k x
  min_per_party <= max) and, where the seats cap the members, each party's cap holds its share
  and the caps together staff the smallest cabinet, the posts and the portfolios; it governs
  alone when its seats reach the quota and its investiture rule passes without helpers; as a
  minority it governs when the rule passes with every other party helping (a minimal set of
  helpers is then found by dropping the unneeded ones). Subset sums over every cabinet, vectorised.
* **From the coalition level** (`from_coalitions`): the cabinets of `solving.coalitions`'
  listing, each once (its governments are contiguous in SPEC order).

Cabinets come in SPEC order: fewest parties first, then by their parties' indexes.
"""

from __future__ import annotations

from itertools import combinations
from math import comb
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..instance.schema import Instance
from ..instance.transform import Filters, narrow
from ..solving.result import CABINET

if TYPE_CHECKING:  # a budget is given, never made here: no solver at import
    from ..solving.solver import Budget

Members = NDArray[np.bool_]
#: the most cabinets a choice set holds; past it, cabinets of fewer parties only
MAX_CABINETS = 600_000


def feasible(problem: Instance, budget: Budget | None = None,
             max_parties: int | None = None) -> Members:
    """The distinct feasible cabinets of a (scenario-resolved) instance, one row per cabinet
    (a boolean per party), in SPEC order; of at most `max_parties` parties if given."""
    return counted(problem, budget, max_parties)[0]


def counted(problem: Instance, budget: Budget | None = None,
            max_parties: int | None = None) -> tuple[Members, int | None]:
    """`feasible`, and how many coalitions the instance has where they were listed to find
    the cabinets (None where arithmetic found them)."""
    if not problem.demands and problem.cabinet.parity is None:
        return by_arithmetic(problem, max_parties), None
    return from_coalitions(problem, budget, max_parties)


def largest_size(parties: int, limit: int = MAX_CABINETS) -> int:
    """The most parties a cabinet may have for every cabinet of that size or fewer to fit in
    `limit` rows (all of them when they fit)."""
    total, size = 0, 0
    while size < parties and total + comb(parties, size + 1) <= limit:
        size += 1
        total += comb(parties, size)
    return max(size, 1)


def every_cabinet(parties: int, max_parties: int) -> Members:
    """Every set of 1 to `max_parties` of `parties` parties, in SPEC order."""
    blocks = []
    for size in range(1, max_parties + 1):
        chosen = np.array(list(combinations(range(parties), size)), dtype=np.intp)
        block = np.zeros((len(chosen), parties), dtype=bool)
        block[np.arange(len(chosen))[:, None], chosen] = True
        blocks.append(block)
    return np.concatenate(blocks) if blocks else np.zeros((0, parties), dtype=bool)


def by_arithmetic(problem: Instance, max_parties: int | None = None) -> Members:
    """The feasible cabinets of an instance without demands (see the module docstring)."""
    seats = np.array([p.seats for p in problem.parties], dtype=np.int64)
    n = len(seats)
    low_members = problem.cabinet.min_per_party
    most = min(n, problem.cabinet.size_range[1] // low_members,
               max_parties if max_parties is not None else n, largest_size(n))
    members = every_cabinet(n, most)
    held = members.astype(np.int64) @ seats
    return members[passes(problem, held) & staffed(problem, members)]


def staffed(problem: Instance, members: Members) -> NDArray[np.bool_]:
    """Which cabinets the member caps (`cabinet.members_within_seats`) let staff: every party's
    cap at least `min_per_party`, and the caps together the smallest cabinet and a member for
    every post and every portfolio (the size's upper bound is `by_arithmetic`'s)."""
    cabinet = problem.cabinet
    if not cabinet.members_within_seats:
        return np.ones(len(members), dtype=bool)
    caps = np.array(problem.member_caps(), dtype=np.int64)
    need = max(cabinet.size_range[0], len(cabinet.all_posts), len(cabinet.portfolios))
    short = (members & (caps < cabinet.min_per_party)).any(axis=1)
    room: NDArray[np.bool_] = (members.astype(np.int64) @ caps >= need) & ~short
    return room


def passes(problem: Instance, held: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which cabinets holding these seats can govern under the base rules and the investiture
    rule, alone (majority) or with every other party helping (minority)."""
    quota, margin = problem.quota, problem.government.margin
    listed = sum(p.seats for p in problem.parties)
    unlisted = problem.total_seats - listed
    rule = problem.government.investiture
    forms = problem.government.forms
    if rule == "absolute":
        alone = held >= quota + margin
        helped = listed >= quota + margin
    elif rule == "relative":
        alone = held > listed - held + unlisted + margin
        helped = listed > unlisted + margin
    else:
        alone = listed - held + unlisted < quota - margin
        helped = unlisted < quota - margin
    majority = held >= quota + margin
    ok = np.zeros(len(held), dtype=bool)
    if "majority" in forms:
        ok |= majority & alone
    if "minority" in forms:
        ok |= ~majority & helped
    return ok


def from_coalitions(problem: Instance, budget: Budget | None = None,
                    max_parties: int | None = None) -> tuple[Members, int]:
    """The cabinets of the coalition level's governments, each once, in SPEC order, and how
    many governments there are."""
    from ..solving.coalitions import Listing

    narrowed = narrow(problem, Filters(max_parties=max_parties)) if max_parties else problem
    listing = Listing(narrowed, budget=budget, detail=False)
    seen: list[tuple[int, ...]] = []
    count = 0
    for _, roles in listing.rows():
        count += 1
        cabinet = tuple(i for i, r in enumerate(roles) if r == CABINET)
        if not seen or seen[-1] != cabinet:
            seen.append(cabinet)
    if not listing.complete:
        from ..solving.solver import Stopped

        raise Stopped(listing.stopped or "time limit")
    members = np.zeros((len(seen), len(problem.parties)), dtype=bool)
    for row, cabinet in enumerate(seen):
        members[row, list(cabinet)] = True
    return members, count
