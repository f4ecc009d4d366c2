"""Where a sweep's simulated parliaments come from: polls (drawn from their posterior, then
turned into seats by the electoral system) or a table of seats a user already has.

Draw `i` depends only on the seed and `i` (its own random stream, `random.Random` seeded with
both), never on which worker makes it or in which order: the same seed gives the same draws on
one core, two, or a cluster.

**Polls** (`PollDraws`), as the R package `coalitions` (Bender & Bauer 2018) does it: the latest
poll of each pollster within the window is pooled, shares weighted by sample size, with an
effective sample size that allows for correlation between pollsters (its `pool_surveys`); each
draw is a Dirichlet draw with concentration share x sample + prior (Jeffreys: 1/2), including
the unlisted "others". The drawn shares become integer votes out of `ELECTORATE`, and from there
on everything is exact (`apportion`).

**A seat table** (`SeatTable`): a CSV with a header of party ids (and optionally `others`, seats
held by no listed party), one simulated parliament per row.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..errors import InstanceError, Problem, UsageError, known, shown
from ..files import read_text
from ..instance.fields import MAX_SEATS, exact, quota_of
from ..instance.loader import MAX_PROBLEMS
from ..instance.polls import Poll
from ..instance.schema import Instance
from ..instance.transform import INDEPENDENT
from .apportion import apportion, qualified

#: drawn shares become votes out of this many: ties between lists are then practically
#: impossible, and where they happen the tie rule of `apportion` decides
ELECTORATE = 10**9
#: the CSV column for seats held by no listed party
OTHERS = "others"
#: the most of a seat table that is read (a million rows of a 6-party parliament fit in it)
MAX_TABLE = 20 * 1024 * 1024
#: a cell of seats: ASCII digits only (`str.isdigit` would take `²`, which `int` refuses)
SEATS = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True)
class Draw:
    """One simulated parliament: every listed party's seats (and drawn votes, where a poll was
    drawn), and the seats held by no listed party."""

    seats: tuple[int, ...]
    unlisted: int
    votes: tuple[int, ...] | None = None

    @property
    def total(self) -> int:
        return sum(self.seats) + self.unlisted

    def quota(self, majority: int | None = None, share: Fraction | None = None) -> int:
        """The majority of this chamber (or `majority`, where the law fixes one; or a
        qualified majority, `share` of it)."""
        return majority or quota_of(self.total, share)


def at_draw(problem: Instance, draw: Draw, majority: int | None = None) -> Instance:
    """The instance as it stands in that parliament: the draw's seats (and votes), its total,
    and the quota of that total (or `majority` where the electoral system fixes it)."""
    votes = draw.votes
    parties = [p.model_copy(update={"seats": s, **({"votes": votes[i]} if votes else {})})
               for i, (p, s) in enumerate(zip(problem.parties, draw.seats, strict=True))]
    return problem.model_copy(update={"parties": parties, "seats": draw.total,
                                      "majority": draw.quota(majority,
                                                             problem.government.share)})


class PollDraws:
    """Parliaments drawn from an instance's polls (`votes`) through its `electoral_system`."""

    def __init__(self, instance: Instance, seed: int) -> None:
        if instance.votes is None or instance.electoral_system is None:
            raise UsageError(f"{instance.name}: a sweep needs `votes` (polls) and "
                             "`electoral_system` in the instance (or --polls FILE), or a "
                             "table of seats (--seats draws.csv)")
        self.seed = seed
        self.system = instance.electoral_system
        self.majority = self.system.majority
        ids = [p for p in instance.party_ids if p != INDEPENDENT]  # no votes, no seats
        #: parties no poll has (the non-party ministers, last): 0 seats and votes in every draw
        self.padding = len(instance.party_ids) - len(ids)
        shares, sample = pool(instance.votes.as_polls(), instance.votes.window,
                              float(instance.votes.correlation))
        self.shares = [shares[p] for p in ids]
        others = max(0.0, 1.0 - sum(self.shares))
        prior = float(instance.votes.prior)
        self.alpha = [s * sample + prior for s in self.shares]
        if others > 0 or self.system.others_win_seats:
            self.alpha.append(others * sample + prior)
        bar = self.system.bar
        self.bar = exact(bar.share)
        direct = [self.system.direct.get(p, 0) for p in ids]
        self.exempt = [p in self.system.exempt or (bar.direct_seats is not None
                                                   and d >= bar.direct_seats)
                       for p, d in zip(ids, direct, strict=True)]
        self.parties = len(ids)

    def draw(self, index: int) -> Draw:
        stream = random.Random(f"allocator-sweep:{self.seed}:{index}")
        gammas = [stream.gammavariate(a, 1.0) for a in self.alpha]
        scale = ELECTORATE / sum(gammas)
        votes = [math.floor(g * scale) for g in gammas]
        return self.seats_of(votes)

    def seats_of(self, votes: Sequence[int]) -> Draw:
        """The parliament these votes elect (listed parties first, then others if any)."""
        system = self.system
        n = self.parties
        competing = list(votes) if system.others_win_seats else list(votes[:n])
        exempt = self.exempt + [False] * (len(competing) - n)
        passing = qualified(competing, sum(votes), self.bar, exempt)
        seats = apportion([v if ok else 0 for v, ok in zip(competing, passing, strict=True)],
                          system.seats, system.method)
        held = sum(seats[:n])
        none = (0,) * self.padding
        return Draw((*seats[:n], *none), system.seats - held, (*votes[:n], *none))


def pool(polls: Sequence[Poll], window: int, correlation: float) -> tuple[dict[str, float],
                                                                            float]:
    """Pooled shares (fractions of all votes) and the effective sample size.

    The polls that count: those without a date, and of the dated ones the latest of each
    pollster within `window` days of the latest poll (undated or unnamed polls each count as
    their own). Shares are weighted by sample size; the effective sample size is that of the
    party with the most votes, allowing for `correlation` between the polls (`coalitions`'
    `effective_samplesize`)."""
    used = _counted(polls, window)
    sizes = [p.sample for p in used]
    total = sum(sizes)
    parties = list(used[0].shares)
    shares = {party: sum(float(exact(p.shares[party])) / 100 * p.sample for p in used) / total
              for party in parties}
    if len(used) == 1:
        return shares, float(total)
    biggest = max(parties, key=lambda party: shares[party])
    each = [float(exact(p.shares[biggest])) / 100 for p in used]
    return shares, effective_sample_size(sizes, each, correlation)


def _counted(polls: Sequence[Poll], window: int) -> list[Poll]:
    """The polls that count (see `pool`), in the order given."""
    latest = max((p.date for p in polls if p.date is not None), default=None)
    chosen: dict[object, Poll] = {}
    for i, poll in enumerate(polls):
        if poll.date is None or latest is None:
            chosen[("undated", i)] = poll
            continue
        if (latest - poll.date).days > window:
            continue
        key = poll.pollster if poll.pollster is not None else ("unnamed", i)
        kept = chosen.get(key)
        if kept is None or (kept.date is not None and poll.date > kept.date):
            chosen[key] = poll
    return list(chosen.values())


def effective_sample_size(sizes: Sequence[int], shares: Sequence[float],
                          correlation: float) -> float:
    """The sample size of one poll as informative as these correlated ones, for one party's
    share (Bender & Bauer's `effective_samplesize`, weights = sample sizes)."""
    weights = [float(s) for s in sizes]
    whole = sum(weights)
    pooled = sum(w * s for w, s in zip(weights, shares, strict=True)) / whole
    spread = [s * (1 - s) / n for s, n in zip(shares, sizes, strict=True)]
    deviation = [math.sqrt(v) for v in spread]
    variance = sum(w * w * v for w, v in zip(weights, spread, strict=True))
    for i in range(len(sizes)):
        for j in range(i + 1, len(sizes)):
            variance += 2 * weights[i] * weights[j] * correlation * deviation[i] * deviation[j]
    variance /= whole * whole
    if variance == 0:
        return whole
    return pooled * (1 - pooled) / variance


class SeatTable:
    """Parliaments given row by row in a CSV (see the module docstring), kept as one flat array
    of numbers (each row: the listed parties' seats, then the unlisted seats), so that a million
    rows take a few tens of MB rather than an object each."""

    def __init__(self, rows: Iterable[Draw] = ()) -> None:
        self.numbers = array("i")
        self.width = 0  # numbers per row
        for row in rows:
            self.add(row)

    def add(self, row: Draw) -> None:
        self.width = len(row.seats) + 1
        self.numbers.extend(row.seats)
        self.numbers.append(row.unlisted)

    def __len__(self) -> int:
        return len(self.numbers) // self.width if self.width else 0

    def draw(self, index: int) -> Draw:
        start = index * self.width
        row = self.numbers[start:start + self.width]
        return Draw(tuple(row[:-1]), row[-1])

    def padded(self, parties: int) -> SeatTable:
        """The table for `parties` listed parties, the ones it lacks (the non-party ministers,
        last) with 0 seats in every row."""
        extra = parties - (self.width - 1)
        if extra <= 0 or not self.width:
            return self
        return SeatTable(Draw((*row.seats, *(0,) * extra), row.unlisted)
                         for row in map(self.draw, range(len(self))))

    def digest(self) -> str:
        """A digest of every row: two tables with the same digest are the same table."""
        return hashlib.sha256(self.numbers.tobytes() + str(self.width).encode()).hexdigest()

    @classmethod
    def read(cls, path: str, instance: Instance) -> SeatTable:
        """Read and check the whole table (a regular UTF-8 file of at most `MAX_TABLE`
        bytes): every problem with its line, none silently."""
        return cls.parse(read_text(path, MAX_TABLE), instance, path)

    @classmethod
    def parse(cls, text: str, instance: Instance, name: str) -> SeatTable:
        """The table in `text`, or an `InstanceError` with every problem found (at most
        `MAX_PROBLEMS`), each with its line."""
        ids = instance.party_ids
        reader = csv.reader(_lines(text))
        table, problems = cls(), []
        try:
            header = [h.strip() for h in next(reader, [])]
            problems = [Problem(message, file=name, line=1) for message in _header(header, ids)]
            if problems:
                raise InstanceError(problems, source=name)
            for cells in reader:
                said = _row(header, cells, ids)
                if isinstance(said, Draw):
                    table.add(said)
                else:
                    problems += [Problem(m, file=name, line=reader.line_num) for m in said]
                if len(problems) >= MAX_PROBLEMS:
                    break
        except csv.Error as exc:  # a cell past csv's limit of 131,072 characters, say
            problems.append(Problem(f"not a table of seats ({exc})", file=name,
                                    line=reader.line_num))
        if not len(table) and not problems:
            problems.append(Problem("no rows: give one simulated parliament per line under "
                                    "the header", file=name, line=1))
        if problems:
            raise InstanceError(problems[:MAX_PROBLEMS], source=name)
        return table


def _lines(text: str) -> Iterator[str]:
    """The lines of a text, each with its line break, one at a time (`io.StringIO` would hold
    a copy of the whole text at 4 bytes a character)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def _header(header: list[str], ids: list[str]) -> list[str]:
    """What is wrong with a seat table's header."""
    wrong = []
    unknown = [h for h in header if h not in ids and h != OTHERS]
    if unknown:
        wrong.append(f"unknown column{'s' if len(unknown) > 1 else ''} {_listed(unknown)} "
                     f"(the header names party ids and optionally {OTHERS}; {known(ids)})")
    missing = sorted(set(ids) - set(header), key=ids.index)
    if missing:
        wrong.append(f"no column for {', '.join(missing)}: every listed party needs one")
    twice = sorted(h for h, times in Counter(header).items() if times > 1)
    if twice:
        wrong.append(f"column{'s' if len(twice) > 1 else ''} {_listed(twice)} given twice")
    return wrong


def _listed(names: list[str], most: int = 10) -> str:
    """Column names as a message quotes them: the first few, each `shown`."""
    more = f" and {len(names) - most:,} more" if len(names) > most else ""
    return ", ".join(shown(n) for n in names[:most]) + more


def _row(header: list[str], cells: list[str], ids: list[str]) -> Draw | list[str]:
    """One row of a seat table as a parliament, or what is wrong with it (an empty row: no
    parliament, and nothing wrong)."""
    if not any(cell.strip() for cell in cells):
        return []
    if len(cells) != len(header):
        return [f"{len(cells):,} values for {len(header)} columns"]
    values, wrong = {}, []
    for column, cell in zip(header, cells, strict=True):
        cell = cell.strip()
        if not SEATS.fullmatch(cell) or int(cell) > MAX_SEATS:
            wrong.append(f"{column}: {shown(cell)} is not a number of seats (0 to "
                         f"{MAX_SEATS:,}, in digits 0-9)")
        else:
            values[column] = int(cell)
    seats = tuple(values.get(p, 0) for p in ids)
    if not wrong and sum(seats) == 0:
        wrong.append("every party has 0 seats")
    return wrong or Draw(seats, values.get(OTHERS, 0))
