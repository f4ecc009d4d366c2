"""Answers about millions of coalitions without listing them: how many, and who sits in them.

Every figure is computed from the canonical candidates of a `coalitions.Listing` and the number
of coalitions each stands for (`symmetry.Expander.multiplicity`), so it costs what the
canonical search costs, however many coalitions there are. Only the short lists of a summary
(the smallest and largest governments, those of at most three parties) expand candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from math import comb

import numpy as np

from ..instance.schema import Instance
from .coalitions import Analysed, Listing
from .investiture import SeatRules
from .result import (
    ABSTAIN,
    CABINET,
    FEW_PARTIES,
    MAX_FEW_LISTED,
    OPPOSITION,
    SHOWN,
    SUPPORT,
    Coalition,
    PartyFigures,
    Summary,
)


def count(listing: Listing) -> Summary:
    """The coalitions, and where countable the allocations, by (number of cabinet parties,
    form): a summary without its per-party figures and lists."""
    summary = Summary({}, {}, allocations={})
    tally = _Tally(listing, summary)
    for group in listing.canonical():
        for analysed in group:
            tally.add(analysed)
    return tally.sorted()


class _Tally:
    """Adds candidates to a summary's counts. Allocations are countable without listing where
    no demand touching members, posts or portfolios is in force for any coalition: then every
    cabinet of k parties has the same number of them (`_AllocationsPerCabinet`); otherwise (or
    where that count is too costly) `allocations` becomes None."""

    def __init__(self, listing: Listing, summary: Summary) -> None:
        self.listing, self.summary = listing, summary
        self.per_cabinet = _AllocationsPerCabinet(listing.problem)
        self.total = self.candidates = 0

    def add(self, analysed: Analysed) -> int:
        """Count one candidate's coalitions (and allocations); how many coalitions."""
        summary = self.summary
        size = len(analysed.key[0])
        key = (size, analysed.form)
        times = self.listing.expander.multiplicity(analysed.roles)
        summary.counts[key] = summary.counts.get(key, 0) + times
        self.total += times
        self.candidates += 1
        if self.candidates % 4096 == 0:  # progress, where someone watches (a terminal)
            self.listing.budget.phase(f"counting: {self.total:,} coalitions so far")
        parties = self.per_cabinet.parties
        each = (self.per_cabinet(tuple(sorted(parties[i] for i in analysed.key[0])))
                if analysed.answer.free else None)
        if each is not None:  # each post outside cabinet: any cabinet party or supporter
            each *= (size + len(analysed.key[1])) ** self.per_cabinet.outside
        if each is None:
            summary.allocations = None
        elif summary.allocations is not None:
            summary.allocations[key] = summary.allocations.get(key, 0) + times * each
        return times

    def sorted(self) -> Summary:
        summary = self.summary
        summary.counts = dict(sorted(summary.counts.items()))
        if summary.allocations is not None:
            summary.allocations = dict(sorted(summary.allocations.items()))
        return summary


class _AllocationsPerCabinet:
    """How many allocations a cabinet has under the base rules alone (SPEC §2): member counts
    min_per_party <= n_i <= cap_i (its seats under `members_within_seats`, else the largest
    cabinet) summing into the size range, each post and portfolio held by a cabinet party
    holding at most n_i of each, and under `cabinet.parity` every listed group counting as many
    members less the excepted posts it holds. The count depends only on the cabinet parties'
    caps and groups (every cabinet of k parties alike, without either). A dynamic programme over
    the parties on (members so far, excepted posts given, other posts given, portfolios given,
    each group's count), choosing which of the remaining posts and portfolios each party takes.
    None where its table would be too large to fill quickly."""

    MAX_CELLS = 2_000_000

    def __init__(self, problem: Instance) -> None:
        cabinet = problem.cabinet
        self.low, self.high = cabinet.size_range
        self.least = cabinet.min_per_party
        parity = cabinet.parity
        groups = [] if parity is None else parity.groups
        self.excepted = 0 if parity is None else len(set(parity.except_))
        self.posts = len(cabinet.all_posts) - self.excepted
        self.portfolios = len(cabinet.portfolios)
        #: posts outside cabinet, which multiply the count by the holders they may have
        self.outside = len(cabinet.outside)
        #: per party, the most members it may have, and the group parity counts it in (-1:
        #: none)
        self.parties = [(cap, groups.index(party.group) if party.group in groups else -1)
                        for cap, party in zip(problem.member_caps(), problem.parties,
                                              strict=True)]
        self.groups = len(groups)
        self._known: dict[tuple[tuple[int, int], ...], int | None] = {}

    def __call__(self, parties: tuple[tuple[int, int], ...]) -> int | None:
        """The count for a cabinet of parties with these (cap, group), sorted."""
        if parties not in self._known:
            self._known[parties] = self._count(parties)
        return self._known[parties]

    def _count(self, parties: tuple[tuple[int, int], ...]) -> int | None:
        high, excepted, posts, portfolios = self.high, self.excepted, self.posts, self.portfolios
        cells = ((high + 1) ** (2 + self.groups) * (excepted + 1) ** 2 * (posts + 1) ** 2
                 * (portfolios + 1) ** 2)
        if cells > self.MAX_CELLS:
            return None
        Cell = tuple[int, int, int, int, tuple[int, ...]]
        table: dict[Cell, int] = {(0, 0, 0, 0, (0,) * self.groups): 1}
        for cap, group in parties:
            following: dict[Cell, int] = {}
            for (members, e, p, q, counts), ways in table.items():
                for n in range(self.least, min(cap, high - members) + 1):
                    for x in range(min(n, excepted - e) + 1):
                        counted = counts if group < 0 else (
                            *counts[:group], counts[group] + n - x, *counts[group + 1:])
                        for a in range(min(n - x, posts - p) + 1):
                            for b in range(min(n, portfolios - q) + 1):
                                cell = (members + n, e + x, p + a, q + b, counted)
                                following[cell] = following.get(cell, 0) + ways * comb(
                                    excepted - e, x) * comb(posts - p, a) * comb(
                                    portfolios - q, b)
            table = following
        return sum(ways for (members, e, p, q, counts), ways in table.items()
                   if self.low <= members and (e, p, q) == (excepted, posts, portfolios)
                   and len(set(counts)) <= 1)


def summarise(listing: Listing, candidates: Iterable[Analysed] | None = None) -> Summary:
    """Counts, per-party figures, and the short lists, from one canonical search (or from the
    canonical candidates a pass over `listing` already analysed, each once)."""
    parties = listing.parties
    summary = Summary({}, {p: PartyFigures() for p in parties}, allocations={})
    tally = _Tally(listing, summary)
    every: list[Analysed] = []
    pivotal = SeatRules.of(listing.problem)
    found = (candidates if candidates is not None else
             (analysed for group in listing.canonical() for analysed in group))
    times: list[int] = []
    for analysed in found:
        times.append(tally.add(analysed))
        every.append(analysed)
    tally.sorted()
    _figures(summary, listing, every, times, pivotal)
    if every:
        _short_lists(summary, listing, every)
    return summary


def _short_lists(summary: Summary, listing: Listing, every: list[Analysed]) -> None:
    """The smallest and largest governments, and those of at most FEW_PARTIES parties."""
    fewest = min(a.seats for a in every)
    most = max(a.seats for a in every)
    summary.smallest = _first(listing, [a for a in every if a.seats == fewest], SHOWN)
    summary.largest = _first(listing, [a for a in every if a.seats == most], SHOWN)
    small = [a for a in every if sum(1 for r in a.roles if r != OPPOSITION) <= FEW_PARTIES]
    summary.few = _first(listing, small, MAX_FEW_LISTED + 1)
    summary.few_complete = len(summary.few) <= MAX_FEW_LISTED
    del summary.few[MAX_FEW_LISTED:]


def _figures(summary: Summary, listing: Listing, every: Sequence[Analysed],
             times: Sequence[int], rules: SeatRules) -> None:
    """Add the candidates' coalitions (`times` each) to the per-party figures, all candidates
    at once and class by class: a member of a class of m interchangeable parties, c of which
    take a role, takes it in c/m of them (and is pivotal there when the class members taking
    that role are). Exact: in 64 bits where the counts fit, else in Python's integers."""
    if not every:
        return
    roles = np.array([a.roles for a in every], dtype=np.int8)
    needed = rules.each_needed(roles)
    weight = np.array(times, dtype=np.int64 if sum(times) * len(roles[0]) < 2 ** 62
                      else object)
    rows = np.arange(len(every))
    for members in dict.fromkeys(listing.classes_of.values()):
        held = roles[:, members]
        for role, name in ((CABINET, "cabinet"), (SUPPORT, "support"), (ABSTAIN, "abstain")):
            taking = held == role
            count = taking.sum(axis=1)
            here = weight * count // len(members)
            pivotal = needed[rows, np.asarray(members)[taking.argmax(axis=1)]] & (count > 0)
            added, pivots = int(here.sum()), int(here[pivotal].sum())
            for i in members:
                figures = summary.parties[listing.parties[i]]
                setattr(figures, name, getattr(figures, name) + added)
                figures.pivotal += pivots


def _first(listing: Listing, candidates: list[Analysed], n: int) -> list[Coalition]:
    """The first `n` coalitions, in SPEC order, that these candidates stand for."""
    def each_size() -> Iterator[tuple[Analysed, tuple[int, ...]]]:
        sizes = sorted({len(a.key[0]) for a in candidates})
        for size in sizes:
            group = sorted((a for a in candidates if len(a.key[0]) == size),
                           key=lambda a: a.key)
            yield from listing.ordered(group)

    return [listing.coalition(a, roles) for a, roles in islice(each_size(), n)]

