"""What a solve returns: allocations or coalitions, a status, and (on deadlock) an explanation.

Plain frozen dataclasses, so that the library hands users typed objects and the renderers turn
them into JSON, CSV or a table without knowing anything about CP-SAT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["feasible", "deadlock", "unknown"]
Form = Literal["majority", "minority"]


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
    """`explain`'s answer: a deadlock's explanation, or, when feasible, the binding demands."""

    instance: str
    scenario: str | None
    question: str | None  # the coalition asked about with why-not, in its own words
    feasible: bool
    deadlock: Deadlock | None
    binding: tuple[str, ...] | None  # demands whose dropping would add allocations
    undecided: tuple[str, ...] = ()  # demands too costly to decide (too many allocations)


@dataclass
class Result:
    """The outcome of a solve; `complete` is False when a limit or an interrupt cut it short."""

    instance: str
    scenario: str | None
    level: Literal["allocation", "coalition"]
    investiture: str
    status: Status = "unknown"
    complete: bool = False
    allocations: list[Allocation] = field(default_factory=list)
    coalitions: list[Coalition] = field(default_factory=list)
    deadlock: Deadlock | None = None
    stopped_by: str | None = None  # "limit", "time limit" or "interrupt"

    @property
    def items(self) -> Sequence[Allocation | Coalition]:
        return self.allocations if self.level == "allocation" else self.coalitions

    @property
    def count(self) -> int:
        return len(self.items)
