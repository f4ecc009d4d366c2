"""What the entry points return: allocations or coalitions, a status, and (on deadlock) an
explanation; a check's verdict; what a report shows.

Plain frozen dataclasses, so that the library hands users typed objects and the renderers turn
them into JSON, CSV or a table without knowing anything about CP-SAT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..instance.schema import Instance
from ..instance.transform import CoalitionQuestion

#: how many minimum relaxations of a deadlock are listed unless asked otherwise: enough for every
#: historical instance; a cut list says so (Deadlock.complete)
DEFAULT_MAX_RELAXATIONS = 1000

#: a party's role, as an index (a government is a tuple of these, one per party, in instance
#: order): the order of SPEC §2 (cabinet, support, abstain, opposition)
CABINET, SUPPORT, ABSTAIN, OPPOSITION = range(4)
ROLE_NAMES = ("cabinet", "support", "abstain", "opposition")

Status = Literal["feasible", "deadlock", "unknown"]
Form = Literal["majority", "minority"]
Level = Literal["allocation", "coalition"]
#: the order of a listing: SPEC §2's, or by the probability that the cabinet forms
Rank = Literal["spec", "likely"]


@dataclass(frozen=True)
class Allocation:
    """One government (SPEC §2): who sits in cabinet with how many members, who holds what."""

    cabinet: dict[str, int]
    support: tuple[str, ...]
    abstain: tuple[str, ...]
    opposition: tuple[str, ...]
    posts: dict[str, str]
    portfolios: dict[str, str]
    programme: tuple[str, ...]
    form: Form
    seats: int
    #: with `rank="likely"`: the probability that its cabinet forms (the formation model)
    probability: float | None = None


@dataclass(frozen=True)
class MemberRange:
    min: int
    max: int


@dataclass(frozen=True)
class Coalition:
    """One (cabinet, support, abstain) with the range of every split and post it allows."""

    cabinet: dict[str, MemberRange]
    support: tuple[str, ...]
    abstain: tuple[str, ...]
    opposition: tuple[str, ...]
    posts: dict[str, tuple[str, ...]]
    portfolios: dict[str, tuple[str, ...]]
    programme: tuple[str, ...]
    form: Form
    seats: int
    #: with `rank="likely"`: the probability that its cabinet forms (the formation model)
    probability: float | None = None


@dataclass(frozen=True)
class Relaxation:
    """One smallest way out of a deadlock: drop these demands, and this deal becomes possible."""

    drop: tuple[str, ...]
    example: Allocation


@dataclass(frozen=True)
class Deadlock:
    """Why no allocation exists (SPEC §1): a minimal conflict and every minimum relaxation.

    Both lists are empty when the base rules and fixed demands alone admit no allocation.
    `complete` is False when a bound (`max_relaxations`) cut the list of relaxations.
    """

    conflict: tuple[str, ...]
    relaxations: tuple[Relaxation, ...]
    complete: bool = True
    message: str = ""


@dataclass(frozen=True)
class Explanation:
    """`explain`'s answer: a deadlock's explanation, or, when feasible, the binding demands.

    `instance` is the instance as explained: the scenario applied and, with a `question`, the
    coalition asked about pinned as fixed `role` demands.
    """

    instance: Instance
    scenario: str | None
    question: CoalitionQuestion | None
    feasible: bool | None  # None: stopped (time limit, interrupt) before the verdict
    deadlock: Deadlock | None
    binding: tuple[str, ...] | None  # demands whose dropping would add allocations
    undecided: tuple[str, ...] = ()  # demands too costly to decide, or not reached
    stopped_by: str | None = None  # "time limit" or "interrupt", if either cut it short
    #: a possible why-not: its cabinet's probability, its rank (from 1) and how many cabinets
    #: there are, by the formation model; None where not worked out
    likelihood: tuple[float, int, int] | None = None
    #: a possible why-not: its sensible deal (the most likely, closest to proportional)
    example: Allocation | None = None

    @property
    def status(self) -> Status:
        return "unknown" if self.feasible is None else "feasible" if self.feasible else "deadlock"

    @property
    def complete(self) -> bool:
        return self.stopped_by is None and (self.deadlock is None or self.deadlock.complete)


@dataclass(frozen=True)
class Result:
    """The outcome of a solve; `complete` is False when a limit or an interrupt cut it short.

    `instance` is the instance as solved (the scenario applied), so that whoever renders the
    result has the parties, posts and demand texts at hand.
    """

    instance: Instance
    scenario: str | None
    level: Level
    status: Status
    complete: bool
    allocations: tuple[Allocation, ...] = ()
    coalitions: tuple[Coalition, ...] = ()
    deadlock: Deadlock | None = None
    stopped_by: str | None = None  # "limit", "time limit" or "interrupt"
    counted: int | None = None  # how many, where they were streamed or counted, not kept

    @property
    def investiture(self) -> str:
        return self.instance.government.investiture

    @property
    def items(self) -> Sequence[Allocation | Coalition]:
        return self.allocations if self.level == "allocation" else self.coalitions

    @property
    def count(self) -> int:
        return len(self.items) if self.counted is None else self.counted


#: a table or a page lists at most this many allocations or coalitions; past it, the summary
LISTED = 200
#: for each coalition a page lists, its allocations are counted up to this many, and the first
#: few shown
COUNTED, SHOWN_ALLOCATIONS = 200, 5

#: how many coalitions a summary lists at each end (smallest, largest) and at most among the
#: governments of few parties
SHOWN = 10
FEW_PARTIES = 3
MAX_FEW_LISTED = 200


@dataclass
class PartyFigures:
    """In how many coalitions a party takes each role, and is pivotal: moving it into
    opposition would make the government fail its investiture (SPEC §2)."""

    cabinet: int = 0
    support: int = 0
    abstain: int = 0
    pivotal: int = 0


@dataclass
class Summary:
    """What a person wants to know when there are too many coalitions to read."""

    counts: dict[tuple[int, Form], int]
    parties: dict[str, PartyFigures]
    smallest: list[Coalition] = field(default_factory=list)  # fewest seats behind it
    largest: list[Coalition] = field(default_factory=list)  # most seats behind it
    few: list[Coalition] = field(default_factory=list)  # at most FEW_PARTIES parties involved
    few_complete: bool = True  # False when more than MAX_FEW_LISTED had few parties
    #: allocations by (cabinet parties, form), where countable without listing, else None
    allocations: dict[tuple[int, Form], int] | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


#: a party's (Shapley–Shubik, normalised Banzhaf) indices in one game; None where no set of
#: parties wins it (a deadlock, or a quota above the chamber)
PowerPair = tuple[float, float] | None


@dataclass(frozen=True)
class PartyPower:
    """One party's power (`solving.power`): in the game under the demands (a set of parties
    wins when it holds some feasible government) and in the weighted majority game (a set wins
    when its seats reach the quota)."""

    party: str
    constrained: PowerPair
    unconstrained: PowerPair


@dataclass(frozen=True)
class DemandPower:
    """A party's demand and what it costs the party: its indices in the game under every demand
    but this one (compare with its `PartyPower.constrained`). A demand stated by several parties
    (`by`) without a `party` is the first one's."""

    demand: str
    party: str
    without: PowerPair


@dataclass(frozen=True)
class Power:
    """`allocator power`: every party's indices, and every party demand's cost."""

    instance: Instance  # as solved (scenario applied)
    scenario: str | None
    parties: tuple[PartyPower, ...]
    demands: tuple[DemandPower, ...]
    #: False when a time limit or an interrupt came before every government was found: what
    #: it left undecided is None
    complete: bool = True

    @property
    def nobody(self) -> bool:
        """No set of parties wins the game under the demands (a deadlock, found for sure)."""
        return self.complete and all(p.constrained is None for p in self.parties)


@dataclass(frozen=True)
class Check:
    """One expectation (`allocator check`): where it is, whether it holds, and in words what
    was checked or why not."""

    instance: str
    scenario: str | None
    ok: bool | None  # None: not decided (the time limit or an interrupt came first)
    detail: str


@dataclass(frozen=True)
class Briefing:
    """Everything a report shows (`briefing.brief` works it out). `result` is the coalition
    level of the instance (or scenario) with at most `LISTED` coalitions; `summary` is set when
    there are more."""

    instance: Instance  # as loaded, with its scenarios
    scenario: str | None
    result: Result
    summary: Summary | None
    verdicts: dict[str, str]  # scenario name -> feasible, deadlock or unknown
    checks: tuple[Check, ...]
    command: str
    #: per coalition listed: its first allocations, and how many it has (None: more than
    #: COUNTED, and the ones shown are the first of those found)
    allocations: tuple[tuple[tuple[Allocation, ...], int | None], ...] = ()
    #: a sweep of the instance (the JSON of `allocator sweep`), shown as bars when given
    sweep: dict[str, Any] | None = None
    #: who holds power (`allocator power`), where it was asked for
    power: Power | None = None

