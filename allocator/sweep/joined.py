"""Every government that a sweep's parliaments admit, as the join of two lists made once for
the whole sweep, each parliament decided by arithmetic (numpy) in time that follows its answer.

Where no demand reads the seats (`arithmetic.applies`), whether a government has an allocation
meeting every demand depends on the parliament only through SPEC §2's rules on seats. So:

* **The parties no demand names are alike.** Given one common range of seats, the demands
  cannot tell them apart: they form one class of interchangeable parties (`symmetry`). Its
  first `MAX_SPLIT` members are the *right* side `J`; every other party is on the left.
* **The left rows** are the canonical candidates of the coalition level over the sweep's range
  of parliaments (`Listing(seats=...)`, one search), each expanded over every class but `J`:
  the roles of the parties outside `J`, and how many members of `J` take each role (the row's
  *composition*).
* **The right rows** are every way of giving the members of `J` their roles.

A left row and a right row of the same composition make a government that the demands allow in
some parliament of the range, and every such government is exactly one pair. In one parliament
the rules on seats are one linear *excess* (`SeatRules.excess`): the government gets in when
E > 0; every supporter and abstainer is needed when E is at most each one's weight (its seats
times its role's weight); a government with helpers is a minority one (the cabinet below the
quota); the instance says which forms it allows. E, the cabinet's seats and the least weight
of a helper each add up from a left part and a right part. With the right rows sorted by
composition, least helper weight and E (two radix sorts a parliament), the partners of a left
row are one run of consecutive right rows per least weight, found by binary search: the work
of a parliament is its answer's size, plus the sorts, however many candidates there are.

tests/test_sweep.py holds this to the solver's sweep and to the brute force.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..instance.schema import Instance
from ..solving.coalitions import Listing
from ..solving.encoding import SeatRange
from ..solving.investiture import SeatRules
from ..solving.result import ABSTAIN, CABINET, OPPOSITION, SUPPORT
from ..solving.solver import Budget
from ..solving.symmetry import Expander, named_parties, party_classes

#: the most parties on the right: 4^10 (about a million) right rows
MAX_SPLIT = 10
#: the most left rows (canonical candidates expanded): past that the sweep is solved instead
MAX_ROWS = 200_000
#: the least weight of the helpers of a government that has none
NO_HELPER = 1 << 60

Indexes = NDArray[np.intp]
Numbers = NDArray[np.int64]


@dataclass(frozen=True)
class Admitted:
    """One parliament's governments, each as (its left row, its right row), with its excess
    and whether its cabinet alone reaches the quota (`majority`); in increasing order of left
    row."""

    left: Indexes
    right: Indexes
    excess: Numbers
    majority: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.left)

    def taking(self, kept: NDArray[np.bool_]) -> Admitted:
        return Admitted(self.left[kept], self.right[kept], self.excess[kept],
                        self.majority[kept])


class Structure:
    """The two lists of one range of parliaments, and the join that decides a parliament."""

    def __init__(self, problem: Instance, left: NDArray[np.int8], split: tuple[int, ...]
                 ) -> None:
        self.width = len(problem.parties)
        self.split = split  # J, the right side's parties
        roles = (CABINET, SUPPORT, OPPOSITION) if problem.government.investiture == (
            "absolute") else (CABINET, SUPPORT, ABSTAIN, OPPOSITION)
        self.roles = np.array(roles, dtype=np.int8)
        #: every way of giving J roles, the first party of J the slowest to change
        places = len(roles) ** np.arange(len(split) - 1, -1, -1)
        self.right = self.roles[np.arange(len(roles) ** len(split))[:, None] // places
                                % len(roles)]
        self.left = left
        right_compositions = _composition(self.right)
        compositions = np.unique(right_compositions)
        self.right_composition = np.searchsorted(compositions, right_compositions)
        self.left_composition = np.searchsorted(compositions,
                                                _composition(left[:, list(split)]))
        self.compositions = len(compositions)
        outside = np.ones(self.width, dtype=bool)
        outside[list(split)] = False
        #: per role that backs or abstains (cabinet, support, abstain: 0 to 2), whether each
        #: left row gives it to each party outside J, and each right row to each party of J
        self.left_has = [(left == role) & outside for role in (CABINET, SUPPORT, ABSTAIN)]
        self.right_has = [self.right == role for role in (CABINET, SUPPORT, ABSTAIN)]
        # numbering (`numbers`): the right rows by composition, each one's rank in its own,
        # and where each left row's governments begin
        self.by_composition = np.argsort(self.right_composition, kind="stable")
        sizes = np.bincount(self.right_composition, minlength=self.compositions)
        self.group_start = np.cumsum(sizes) - sizes
        self.rank = np.empty(len(self.right), dtype=np.intp)
        self.rank[self.by_composition] = np.arange(len(self.right)) - self.group_start[
            self.right_composition[self.by_composition]]
        per_left = sizes[self.left_composition]
        self.offset = np.cumsum(per_left) - per_left
        #: how many governments the two lists make
        self.count = int(per_left.sum())
        # cabinets (`cabinets`): the left rows' cabinets outside J, the right rows' in J
        self.left_cabinets, left_cabinet = np.unique(self.left_has[CABINET], axis=0,
                                                     return_inverse=True)
        self.left_cabinet = left_cabinet.reshape(-1)
        self.right_cabinet = (self.right_has[CABINET] << np.arange(len(split))).sum(axis=1)
        self._cabinets: dict[int, tuple[int, ...]] = {}  # by number (`cabinets`)

    @classmethod
    def listed(cls, problem: Instance, seats: SeatRange, budget: Budget
               ) -> tuple[Structure | None, str | None]:
        """The lists over the range `seats` (and None if there would be more than `MAX_ROWS`
        left rows), and what stopped the listing, if anything did."""
        common, classes, split = _common(problem, seats)
        listing = Listing(problem, detail=False, seats=common, budget=budget, limit=MAX_ROWS,
                          classes=classes)
        canonical = sorted({a.roles for group in listing.canonical() for a in group})
        if listing.stopped is not None:
            return None, None if listing.stopped == "limit" else listing.stopped
        expander = Expander([c for c in classes if c != split])
        if sum(expander.multiplicity(roles) for roles in canonical) > MAX_ROWS:
            return None, None
        rows = [row for roles in canonical for _, row in expander.expansions(roles)]
        left = np.array(rows, dtype=np.int8).reshape(-1, len(problem.parties))
        return cls(problem, left, split), None

    # --- one parliament -----------------------------------------------------------------------

    def admitted(self, rules: SeatRules) -> Admitted:
        """The governments this parliament admits (`rules`: its seats, quota and the rest)."""
        excess = rules.excess()
        weights = np.array(excess.weights, dtype=np.int64)
        seats = rules.seats
        left_excess = excess.constant + sum(
            self.left_has[role].astype(np.int64) @ (weights[role] * seats) for role in
            (CABINET, SUPPORT, ABSTAIN))
        left_cabinet = self.left_has[CABINET].astype(np.int64) @ seats
        left_least = _least_helper(self.left_has, weights, seats)
        right = _RightSide.of(self, weights, seats[list(self.split)])
        # every (left row, least helper weight of the right) pair: E's window on the right
        levels = right.levels
        least = np.minimum(left_least[:, None], levels[None, :])
        low = np.maximum(1 - left_excess, 0)[:, None]
        high = np.minimum(least - left_excess[:, None], right.most)
        base = (self.left_composition[:, None] * len(levels) + np.arange(len(levels))
                ) * (right.most + 1)
        start = np.searchsorted(right.keys, (base + low).ravel(), "left")
        end = np.searchsorted(right.keys, (base + high).ravel(), "right")
        runs = np.where((low <= high).ravel(), end - start, 0)
        pair = np.repeat(np.arange(len(runs)), runs)
        at = np.arange(int(runs.sum())) - np.repeat(np.cumsum(runs) - runs, runs) + np.repeat(
            start, runs)
        left_rows, right_rows = pair // len(levels), right.order[at]
        helped = (least.ravel()[pair] < NO_HELPER)
        majority = left_cabinet[left_rows] + right.cabinet[right_rows] >= (
            rules.quota + rules.margin)
        forms = rules.forms
        kept = np.where(helped | ~majority, "minority" in forms, "majority" in forms)
        kept &= ~(helped & majority)
        return Admitted(left_rows, right_rows, left_excess[left_rows] + right.excess[right_rows],
                        majority).taking(kept)

    def role_of(self, admitted: Admitted, party: int) -> NDArray[np.int8]:
        """Per government, the role of one party."""
        if party in self.split:
            column: NDArray[np.int8] = self.right[admitted.right, self.split.index(party)]
        else:
            column = self.left[admitted.left, party]
        return column

    def parts(self, admitted: Admitted, rules: SeatRules) -> NDArray[np.bool_]:
        """Per party: whether it sits in the cabinet of one of these governments, supports
        one, or is needed by one (moved into opposition, the government would not get in: a
        helper always is; a cabinet party where the excess is at most its weight)."""
        weight = rules.excess().weights[CABINET] * rules.seats
        seen_left = np.full(len(self.left), NO_HELPER, dtype=np.int64)
        np.minimum.at(seen_left, admitted.left, admitted.excess)  # each row's least excess
        seen_right = np.full(len(self.right), NO_HELPER, dtype=np.int64)
        np.minimum.at(seen_right, admitted.right, admitted.excess)
        parts = np.zeros((self.width, 3), dtype=bool)
        split = list(self.split)
        for side, seen, columns in ((self.left_has, seen_left, slice(None)),
                                    (self.right_has, seen_right, split)):
            rows = np.flatnonzero(seen < NO_HELPER)
            least = seen[rows][:, None]
            cabinet, support = side[CABINET][rows], side[SUPPORT][rows]
            helper = support | side[ABSTAIN][rows]
            needed = helper | (cabinet & (least <= weight[columns][None, :]))
            parts[columns, 0] |= cabinet.any(axis=0)
            parts[columns, 1] |= support.any(axis=0)
            parts[columns, 2] |= needed.any(axis=0)
        return parts

    def cabinets(self, admitted: Admitted) -> tuple[list[tuple[int, ...]], NDArray[np.bool_]]:
        """The distinct cabinets of these governments (party indexes, and a row of members
        each), in the order SPEC §2 lists governments: fewest parties, then their indexes."""
        shift = len(self.split)
        found = np.unique((self.left_cabinet[admitted.left] << shift)
                          | self.right_cabinet[admitted.right])
        members = self.left_cabinets[found >> shift]
        members[:, list(self.split)] = (found[:, None] >> np.arange(shift)) & 1
        known = self._cabinets
        numbers = found.tolist()
        for number, row in zip(numbers, members, strict=True):
            if number not in known:
                known[number] = tuple(np.flatnonzero(row).tolist())
        order = sorted(range(len(numbers)),
                       key=lambda k: (len(known[numbers[k]]), known[numbers[k]]))
        return [known[numbers[k]] for k in order], members[order]

    def rows(self, left: Indexes, right: Indexes) -> NDArray[np.int8]:
        """The governments of these pairs, a row of roles each."""
        rows = self.left[left]
        rows[:, list(self.split)] = self.right[right]
        return rows

    # --- numbering the governments --------------------------------------------------------------

    def numbers(self, admitted: Admitted) -> Indexes:
        """Each government's number, from 0 to `count` - 1 (left row by left row, the right
        rows of its composition in order)."""
        numbers: Indexes = self.offset[admitted.left] + self.rank[admitted.right]
        return numbers

    def pairs(self, numbers: Indexes) -> tuple[Indexes, Indexes]:
        """The (left row, right row) of these numbers."""
        left = np.searchsorted(self.offset, numbers, "right") - 1
        at = self.group_start[self.left_composition[left]] + numbers - self.offset[left]
        return left, self.by_composition[at]


@dataclass(frozen=True)
class _RightSide:
    """The right rows in one parliament: their excess, cabinet seats and least helper weight,
    and their order by (composition, least helper weight, excess), with the sort keys."""

    excess: Numbers
    cabinet: Numbers
    levels: Numbers  # the least helper weights there are, increasing
    most: int  # the greatest excess a right row can have
    order: Indexes
    keys: Numbers  # sorted: (composition x levels + level) x (most + 1) + excess

    @classmethod
    def of(cls, structure: Structure, weights: Numbers, seats: Numbers) -> _RightSide:
        roles = structure.roles
        worth = weights[roles][None, :] * seats[:, None]  # per party of J and role
        helping = (roles == SUPPORT) | (roles == ABSTAIN)
        excess = _outer(worth, np.add, 0)
        cabinet = _outer(np.where(roles == CABINET, 1, 0)[None, :] * seats[:, None], np.add, 0)
        helper = np.where(helping[None, :], worth, NO_HELPER)
        levels = np.unique(np.append(helper, NO_HELPER))
        # the least helper weight of each row, as its place among `levels`
        level = _outer(np.searchsorted(levels, helper), np.minimum, len(levels) - 1)
        most = int(worth.max(axis=1).sum()) if len(seats) else 0
        inner = level * (most + 1) + excess
        first = np.argsort(inner.astype(np.uint16) if len(levels) * (most + 1) <= 1 << 16
                           else inner, kind="stable")
        composition = structure.right_composition[first]
        order = first[np.argsort(composition.astype(np.uint16) if structure.compositions
                                 <= 1 << 16 else composition, kind="stable")]
        keys = structure.right_composition[order] * (len(levels) * (most + 1)) + inner[order]
        return cls(excess, cabinet, levels, most, order, keys)


def _outer(table: Numbers, combine: np.ufunc, start: int) -> Numbers:
    """Per right row (every way of giving J its roles, in `Structure.right`'s order), the
    `combine` of each party's entry in `table` (a row per party, a column per role)."""
    result = np.array([start], dtype=np.int64)
    for row in table:
        result = combine.outer(result, row).ravel()
    return result


def _least_helper(has: list[NDArray[np.bool_]], weights: Numbers, seats: Numbers) -> Numbers:
    """Per row, the least weight of a supporter or abstainer (`NO_HELPER` if none)."""
    least = np.full(len(has[0]), NO_HELPER, dtype=np.int64)
    for role in (SUPPORT, ABSTAIN):
        worth = np.where(has[role], weights[role] * seats, NO_HELPER)
        least = np.minimum(least, worth.min(axis=1, initial=NO_HELPER))
    return least


def _composition(roles: NDArray[np.int8]) -> Numbers:
    """How many parties (of these columns) take each role, as one number per row."""
    base = roles.shape[1] + 1
    counts = [(roles == role).sum(axis=1).astype(np.int64) for role in (CABINET, SUPPORT,
                                                                         ABSTAIN)]
    composition: Numbers = (counts[0] * base + counts[1]) * base + counts[2]
    return composition


def _common(problem: Instance, seats: SeatRange
            ) -> tuple[SeatRange, list[tuple[int, ...]], tuple[int, ...]]:
    """The range with one common range for the parties no demand names, its classes (the
    largest cut after `MAX_SPLIT` parties), and that class's first part: J."""
    named = named_parties(problem)
    unnamed = [i for i, p in enumerate(problem.party_ids) if p not in named]
    low, high = list(seats.low), list(seats.high)
    if unnamed:
        least, most = min(low[i] for i in unnamed), max(high[i] for i in unnamed)
        for i in unnamed:
            low[i], high[i] = least, most
    common = SeatRange(tuple(low), tuple(high), seats.unlisted, seats.quota)
    classes = party_classes(problem, common)
    largest = max(classes, key=len)
    split = largest[:MAX_SPLIT]
    classes = [c for c in classes if c != largest] + [split] + (
        [largest[MAX_SPLIT:]] if len(largest) > MAX_SPLIT else [])
    return common, sorted(classes), split
