"""Answers about millions of coalitions without listing them: how many, and who sits in them.

Every figure is computed from the canonical candidates of a `coalitions.Listing` and the number
of coalitions each stands for (`symmetry.Expander.multiplicity`), so it costs what the
canonical search costs, however many coalitions there are. Only the short lists of a summary
(the smallest and largest governments, those of at most three parties) expand candidates.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from .coalitions import Analysed, Listing
from .encoding import ABSTAIN, CABINET, OPPOSITION, SUPPORT
from .result import FEW_PARTIES, MAX_FEW_LISTED, SHOWN, Coalition, Form, PartyFigures, Summary


def count(listing: Listing) -> dict[tuple[int, Form], int]:
    """The number of coalitions by (number of cabinet parties, form), sizes ascending."""
    counts: dict[tuple[int, Form], int] = {}
    for group in listing.canonical():
        for analysed in group:
            key = (len(analysed.key[0]), analysed.form)
            counts[key] = counts.get(key, 0) + listing.expander.multiplicity(analysed.roles)
    return dict(sorted(counts.items()))


def summarise(listing: Listing) -> Summary:
    """Counts, per-party figures, and the short lists, from one canonical search."""
    parties = listing.parties
    summary = Summary({}, {p: PartyFigures() for p in parties})
    every: list[Analysed] = []
    pivotal = _Pivotal(listing)
    for group in listing.canonical():
        for analysed in group:
            times = listing.expander.multiplicity(analysed.roles)
            key = (len(analysed.key[0]), analysed.form)
            summary.counts[key] = summary.counts.get(key, 0) + times
            _tally(summary, listing, analysed, times, pivotal)
            every.append(analysed)
    summary.counts = dict(sorted(summary.counts.items()))
    if every:
        fewest = min(a.seats for a in every)
        most = max(a.seats for a in every)
        summary.smallest = _first(listing, [a for a in every if a.seats == fewest], SHOWN)
        summary.largest = _first(listing, [a for a in every if a.seats == most], SHOWN)
        small = [a for a in every if sum(1 for r in a.roles if r != OPPOSITION) <= FEW_PARTIES]
        summary.few = _first(listing, small, MAX_FEW_LISTED + 1)
        summary.few_complete = len(summary.few) <= MAX_FEW_LISTED
        del summary.few[MAX_FEW_LISTED:]
    return summary


def _tally(summary: Summary, listing: Listing, analysed: Analysed, times: int,
           pivotal: _Pivotal) -> None:
    """Add one candidate's coalitions to the per-party figures: a member of a class of m
    interchangeable parties, c of which take a role, takes it in c/m of them (and is pivotal
    there when the class members taking that role are)."""
    roles = analysed.roles
    needed = pivotal.needed(roles)
    for i, party in enumerate(listing.parties):
        members = listing.classes_of[i]
        figures = summary.parties[party]
        for role in (CABINET, SUPPORT, ABSTAIN):
            taking = [j for j in members if roles[j] == role]
            if not taking:
                continue
            here = times * len(taking) // len(members)
            if role == CABINET:
                figures.cabinet += here
            elif role == SUPPORT:
                figures.support += here
            else:
                figures.abstain += here
            if needed[taking[0]]:
                figures.pivotal += here


class _Pivotal:
    """Whether each party of a government is needed for it to get in (SPEC §2's investiture
    rules): with it moved into opposition, the government would fail."""

    def __init__(self, listing: Listing) -> None:
        problem = listing.problem
        self.seats = [p.seats for p in problem.parties]
        self.quota = problem.quota
        self.unlisted = problem.total_seats - sum(self.seats)
        self.rule = problem.government.investiture

    def needed(self, roles: tuple[int, ...]) -> list[bool]:
        w = self.seats
        backing = sum(s for s, r in zip(w, roles, strict=True) if r in (CABINET, SUPPORT))
        against = self.unlisted + sum(s for s, r in zip(w, roles, strict=True)
                                      if r == OPPOSITION)
        out = []
        for s, r in zip(w, roles, strict=True):
            if r == OPPOSITION:
                out.append(False)
                continue
            new_backing = backing - s if r in (CABINET, SUPPORT) else backing
            new_against = against + s
            if self.rule == "absolute":
                gets_in = new_backing >= self.quota
            elif self.rule == "relative":
                gets_in = new_backing > new_against
            else:
                gets_in = new_against < self.quota
            out.append(not gets_in)
        return out


def _first(listing: Listing, candidates: list[Analysed], n: int) -> list[Coalition]:
    """The first `n` coalitions, in SPEC order, that these candidates stand for."""
    def each_size() -> Iterator[tuple[Analysed, tuple[int, ...]]]:
        sizes = sorted({len(a.key[0]) for a in candidates})
        for size in sizes:
            group = sorted((a for a in candidates if len(a.key[0]) == size),
                           key=lambda a: a.key)
            yield from listing.ordered(group)

    return [listing.coalition(a, roles) for a, roles in islice(each_size(), n)]

