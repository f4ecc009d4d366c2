"""SPEC §2's rules on seats, by arithmetic over many governments at once (numpy).

The CP-SAT encoding states them as constraints (`Encoding._majority_form`, `_investiture`);
here they are the same comparisons on arrays of governments (a row of roles each), for what
must not wait for a solver: a checkpoint's answers checked against their parliament, each
party's part in a census, and a sweep that decides thousands of parliaments over one list of
candidates (`sweep.arithmetic`). tests/test_sweep.py holds the two to each other.

* **Gets in**: absolute investiture, the cabinet and its supporters reach the quota; relative,
  they outvote the opposition (with the seats of no listed party); negative, the opposition
  stays below the quota.
* **Needed**: a party is needed when, moved into opposition, the government would not get in.
  Every supporter and abstainer must be.
* **Form**: a cabinet that reaches the quota alone is a majority government and takes no help;
  the instance lists the forms it allows.
* **Margin** (`government.margin`): each comparison holds by that many seats to spare.

Under every rule, whether a government gets in is the sign of one linear *excess* of its
seats by role (`SeatRules.excess`), and a party is needed when its seats, weighed by its role,
are at least that excess: what a sweep joins on (`sweep.joined`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..instance.schema import Instance
from .result import ABSTAIN, CABINET, OPPOSITION, SUPPORT

Governments = NDArray[np.int8]  # a row of roles per government
Flags = NDArray[np.bool_]


@dataclass(frozen=True)
class Excess:
    """A government's excess E = sum of `weights[role] x seats` over the parties + `constant`:
    it gets in exactly when E > 0, and moving a party of role r into opposition lowers E by
    `weights[r] x` its seats (so that party is needed when E <= that)."""

    weights: tuple[int, int, int, int]  # cabinet, support, abstain, opposition
    constant: int


class SeatRules:
    """The rules on seats in one parliament: its seats, quota, unlisted seats, investiture rule,
    the forms its instance allows and the margin."""

    def __init__(self, seats: Sequence[int], quota: int, unlisted: int, rule: str,
                 forms: Sequence[str], margin: int = 0) -> None:
        self.seats = np.asarray(seats, dtype=np.int64)
        self.quota = quota
        self.unlisted = unlisted
        self.rule = rule
        self.forms = frozenset(forms)
        self.margin = margin

    @classmethod
    def of(cls, problem: Instance) -> SeatRules:
        seats = [p.seats for p in problem.parties]
        government = problem.government
        return cls(seats, problem.quota, problem.total_seats - sum(seats),
                   government.investiture, government.forms, government.margin)

    def _gets_in(self, backing: NDArray[np.int64], against: NDArray[np.int64]) -> Flags:
        if self.rule == "absolute":
            return backing >= self.quota + self.margin
        if self.rule == "relative":
            return backing > against + self.margin
        return against < self.quota - self.margin

    def excess(self) -> Excess:
        """The rule as an excess (`Excess`). Absolute: for - (quota + margin) + 1, and a
        party backing the government is worth its seats; relative: for - against - margin,
        where against is the rest of the chamber less the abstainers, so a backer is worth
        twice its seats (off one side, onto the other) and an abstainer once; negative:
        quota - margin - against, and a backer or an abstainer is worth its seats."""
        total = int(self.seats.sum()) + self.unlisted
        if self.rule == "absolute":
            return Excess((1, 1, 0, 0), 1 - self.quota - self.margin)
        if self.rule == "relative":
            return Excess((2, 2, 1, 0), -total - self.margin)
        return Excess((1, 1, 1, 0), self.quota - self.margin - total)

    def needed(self, roles: Sequence[int]) -> list[bool]:
        """For one government (each party's role)."""
        return [bool(x) for x in self.each_needed(np.array([roles], dtype=np.int8))[0]]

    def each_needed(self, governments: Governments) -> Flags:
        """Per government and party: whether the government needs the party to get in."""
        w = self.seats
        backs = (governments == CABINET) | (governments == SUPPORT)
        out = governments == OPPOSITION
        backing = (backs * w).sum(axis=1, keepdims=True)
        against = self.unlisted + (out * w).sum(axis=1, keepdims=True)
        gets_in = self._gets_in(backing - backs * w, against + w)  # the party moved out
        needed: Flags = ~gets_in & ~out
        return needed

    def majority(self, governments: Governments) -> Flags:
        """Per government: whether its cabinet alone reaches the quota (with the margin)."""
        reaches: Flags = ((governments == CABINET) * self.seats).sum(axis=1) >= (
            self.quota + self.margin)
        return reaches

    def admits(self, governments: Governments) -> Flags:
        """Per government: whether it meets every rule on seats (its roles otherwise valid: one
        per party, a cabinet party, abstainers only where the rule has them)."""
        w = self.seats
        backing = ((governments == CABINET) * w).sum(axis=1) + (
            (governments == SUPPORT) * w).sum(axis=1)
        against = self.unlisted + ((governments == OPPOSITION) * w).sum(axis=1)
        helpers = (governments == SUPPORT) | (governments == ABSTAIN)
        helped = helpers.any(axis=1)
        majority = self.majority(governments)
        admitted: Flags = self._gets_in(backing, against) & ~(majority & helped)
        if "majority" not in self.forms:
            admitted &= ~majority
        if "minority" not in self.forms:
            admitted &= majority
        if helped.any():
            rows = np.flatnonzero(admitted & helped)
            unneeded = helpers[rows] & ~self.each_needed(governments[rows])
            admitted[rows[unneeded.any(axis=1)]] = False
        return admitted
