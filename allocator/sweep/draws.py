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
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InstanceError, Problem, UsageError, known
from ..instance.fields import exact
from ..instance.polls import Poll
from ..instance.schema import Instance
from .apportion import apportion, qualified

#: drawn shares become votes out of this many: ties between lists are then practically
#: impossible, and where they happen the tie rule of `apportion` decides
ELECTORATE = 10**9
#: the CSV column for seats held by no listed party
OTHERS = "others"


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

    def quota(self, majority: int | None = None) -> int:
        """The majority of this chamber (or `majority`, where the law fixes one)."""
        return majority or self.total // 2 + 1


def at_draw(problem: Instance, draw: Draw, majority: int | None = None) -> Instance:
    """The instance as it stands in that parliament: the draw's seats (and votes), its total,
    and the quota of that total (or `majority` where the electoral system fixes it)."""
    votes = draw.votes
    parties = [p.model_copy(update={"seats": s, **({"votes": votes[i]} if votes else {})})
               for i, (p, s) in enumerate(zip(problem.parties, draw.seats, strict=True))]
    return problem.model_copy(update={"parties": parties, "seats": draw.total,
                                      "majority": draw.quota(majority)})


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
        ids = instance.party_ids
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
        return Draw(tuple(seats[:n]), system.seats - held, tuple(votes[:n]))


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
    """Parliaments given row by row in a CSV (see the module docstring)."""

    def __init__(self, rows: Sequence[Draw]) -> None:
        self.rows = list(rows)

    def draw(self, index: int) -> Draw:
        return self.rows[index]

    @classmethod
    def read(cls, path: str, instance: Instance) -> SeatTable:
        """Read and check the whole table: every problem with its line, none silently."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--seats {path}: cannot read it ({exc})") from None
        return cls.parse(text, instance, path)

    @classmethod
    def parse(cls, text: str, instance: Instance, name: str) -> SeatTable:
        ids = instance.party_ids
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]
        problems = [Problem(message, file=name, line=1) for message in _header(header, ids)]
        if problems:
            raise InstanceError(problems, source=name)
        rows = []
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            said = _row(header, cells, ids)
            if isinstance(said, Draw):
                rows.append(said)
            else:
                problems += [Problem(message, file=name, line=line) for message in said]
        if not rows and not problems:
            problems.append(Problem("no rows: give one simulated parliament per line under "
                                    "the header", file=name, line=1))
        if problems:
            raise InstanceError(problems[:50], source=name)
        return cls(rows)


def _header(header: list[str], ids: list[str]) -> list[str]:
    """What is wrong with a seat table's header."""
    wrong = []
    unknown = [h for h in header if h not in ids and h != OTHERS]
    if unknown:
        wrong.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                     f"(the header names party ids and optionally {OTHERS}; {known(ids)})")
    missing = [p for p in ids if p not in header]
    if missing:
        wrong.append(f"no column for {', '.join(missing)}: every listed party needs one")
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        wrong.append(f"column{'s' if len(twice) > 1 else ''} {', '.join(twice)} given twice")
    return wrong


def _row(header: list[str], cells: list[str], ids: list[str]) -> Draw | list[str]:
    """One row of a seat table as a parliament, or what is wrong with it."""
    if len(cells) != len(header):
        return [f"{len(cells)} values for {len(header)} columns"]
    values, wrong = {}, []
    for column, cell in zip(header, cells, strict=True):
        cell = cell.strip()
        if not cell.isdigit() or int(cell) > 100_000:
            wrong.append(f"{column}: {cell!r} is not a number of seats (0 to 100,000)")
        else:
            values[column] = int(cell)
    seats = tuple(values.get(p, 0) for p in ids)
    if not wrong and sum(seats) == 0:
        wrong.append("every party has 0 seats")
    return wrong or Draw(seats, values.get(OTHERS, 0))
