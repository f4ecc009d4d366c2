"""The instance (SPEC §4): what a user writes, validated field by field. The first thing to
read: every key, its type and bounds, and the JSON Schema (`allocator schema`) come from here.

Only the shape of each key, and its bounds, are checked here; references between ids and the
arithmetic of the base rules are checked by `references` (through `loader`), and generated ids
and scenarios are applied by `transform`, which see the whole instance at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from fractions import Fraction
from math import lcm
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, model_validator

from .demands import Demand
from .fields import (
    MAX_ITEMS,
    MAX_PARTIES,
    MAX_SEATS,
    Colour,
    Count,
    Form,
    Members,
    Position,
    QuotaShare,
    Seats,
    Slug,
    Strict,
    Text,
    Votes,
    Weight,
    exact,
    quota_of,
)
from .polls import ElectoralSystem, Polls


def _both_forms() -> list[Form]:
    return ["majority", "minority"]


class Party(Strict):
    id: Slug
    name: Text | None = None
    seats: Seats
    votes: Votes | None = None
    position: Position | None = None
    colour: Colour | None = None
    group: Slug | None = Field(
        default=None, description="the party's language group (or any other group a "
        "`cabinet.parity` counts), e.g. nl or fr")


class SizeRange(Strict):
    min: Members
    max: Members

    @model_validator(mode="after")
    def _not_empty(self) -> SizeRange:
        if self.min > self.max:
            raise ValueError(f"the size range is empty (min {self.min} > max {self.max}); "
                             "swap them")
        return self


class Parity(Strict):
    """As many cabinet members from each group (Belgium's constitution, article 99: as many
    Dutch- as French-speaking ministers, the prime minister possibly excepted). A group's
    members are those of its parties (`Party.group`), less one for each post in `except` that
    one of them holds; parties of no listed group are not counted."""

    groups: list[Slug] = Field(min_length=2, max_length=MAX_ITEMS,
                               description="the groups whose members must be equal")
    except_: list[Slug] = Field(default_factory=list, alias="except", max_length=MAX_ITEMS,
                                description="posts whose holders are not counted")


class Independents(Strict):
    """Non-party ministers: between `min` and `max` cabinet members who belong to no party,
    holding any portfolio and, of the posts, only those in `posts` (`leader`: a non-party
    prime minister). In the solved instance they are one party of no seats, `independent`
    (`transform.with_independents`); a cabinet of them alone is a non-partisan cabinet."""

    min: Count = 0
    max: Members
    posts: list[Slug] = Field(default_factory=list, max_length=MAX_ITEMS,
                              description="the posts they may hold (leader among them)")

    @model_validator(mode="after")
    def _not_empty(self) -> Independents:
        if self.min > self.max:
            raise ValueError(f"the range of non-party ministers is empty (min {self.min} > "
                             f"max {self.max}); swap them")
        return self


class Cabinet(Strict):
    size: Members | SizeRange = Field(description="an integer, or {min, max}")
    min_per_party: Members = 1
    posts: list[Slug] = Field(default_factory=lambda: ["leader"], max_length=MAX_ITEMS)
    portfolios: list[Slug] = Field(default_factory=list, max_length=MAX_ITEMS)
    members_within_seats: StrictBool = Field(
        default=False, description="a party's cabinet members are at most its seats (a "
        "council's cabinet is made of councillors)")
    parity: Parity | None = Field(default=None, description="as many members from each "
                                  "group, some posts excepted")
    outside: list[Slug] = Field(
        default_factory=list, max_length=MAX_ITEMS,
        description="posts of ministers outside cabinet: each held by a cabinet party or a "
        "supporter, without a cabinet member")
    weights: dict[Slug, Weight] = Field(
        default_factory=dict, max_length=MAX_ITEMS,
        description="the weight of a post or portfolio against an average portfolio (1, the "
        "default): what its holder counts for in proportional shares")
    independents: Independents | None = Field(
        default=None, description="non-party ministers: how many, and the posts they may hold")

    @property
    def size_range(self) -> tuple[int, int]:
        if isinstance(self.size, int):
            return self.size, self.size
        return self.size.min, self.size.max

    @property
    def all_posts(self) -> list[str]:
        """The posts of cabinet members: `leader` is always one, and always the first."""
        return ["leader", *(p for p in self.posts if p != "leader")]

    def weight(self, office: str) -> Fraction:
        """A post's or portfolio's weight, exactly (1 where none is given)."""
        return exact(self.weights.get(office, 1))

    @property
    def unit(self) -> int:
        """The weights' least common denominator: weighted members are counted in 1/unit."""
        return lcm(*(self.weight(office).denominator for office in self.weights))

    def value(self, members: int, held: Iterable[str]) -> int:
        """What a party's `members` count for in proportional shares, in 1/`unit`: each
        member one average portfolio, and each post or portfolio it holds its weight less 1
        more (a leader weighing 2.5 counts as two and a half members)."""
        unit = self.unit
        return unit * members + sum(int(self.weight(office) * unit) - unit for office in held)

    def value_range(self) -> tuple[int, int]:
        """The least and the most a party's weighted members can count, in 1/`unit`."""
        unit = self.unit
        extras = [int(self.weight(office) * unit) - unit for office in self.weights]
        return (sum(e for e in extras if e < 0),
                unit * self.size_range[1] + sum(e for e in extras if e > 0))

    @property
    def every_post(self) -> list[str]:
        """The cabinet's posts, then those outside it: every post an allocation gives."""
        return [*self.all_posts, *self.outside]


class CabinetOverride(Strict):
    """A scenario's changes to the cabinet; absent keys keep the instance's values."""

    size: Members | SizeRange | None = None
    min_per_party: Members | None = None
    posts: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)
    portfolios: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)
    members_within_seats: StrictBool | None = None
    parity: Parity | None = None
    outside: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)
    weights: dict[Slug, Weight] | None = Field(default=None, max_length=MAX_ITEMS)
    independents: Independents | None = None


class Government(Strict):
    forms: list[Form] = Field(default_factory=_both_forms, min_length=1)
    investiture: Literal["absolute", "relative", "negative"] = "absolute"
    quota: QuotaShare | None = Field(
        default=None, description="a qualified majority: at least this share of the seats "
        "(0.6, or 2/3), instead of more than half")
    margin: Seats = Field(default=0, description="seats to spare: every comparison of the "
                          "investiture rule (and the majority form) must hold by this many")

    @property
    def share(self) -> Fraction | None:
        """`quota` exactly, or None for more than half."""
        return None if self.quota is None else exact(self.quota)


class GovernmentOverride(Strict):
    forms: list[Form] | None = Field(default=None, min_length=1)
    investiture: Literal["absolute", "relative", "negative"] | None = None
    quota: QuotaShare | None = None
    margin: Seats | None = None


class Policy(Strict):
    id: Slug
    name: Text | None = None



# --- scenarios and outcomes --------------------------------------------------------------------


class Outcome(Strict):
    """What really happened (or a scenario's expected deal); every field is optional."""

    cabinet: list[Slug] | dict[Slug, Members] | None = Field(default=None,
                                                             max_length=MAX_PARTIES)
    support: list[Slug] | None = Field(default=None, max_length=MAX_PARTIES)
    abstain: list[Slug] | None = Field(default=None, max_length=MAX_PARTIES)
    posts: dict[Slug, Slug] | None = None
    portfolios: dict[Slug, Slug] | None = None


class Expectation(Strict):
    expect: Literal["feasible", "deadlock"] | None = None
    relaxed_by: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _relaxed_needs_deadlock(self) -> Expectation:
        if self.relaxed_by is not None and self.expect != "deadlock":
            raise ValueError("relaxed_by only makes sense with expect: deadlock")
        return self


class InstanceOutcome(Outcome, Expectation):
    pass


class Previous(Strict):
    """The outgoing government: its cabinet parties still in parliament (a party that left it is
    simply not listed) and the party of its leader, if that party is still there. The formation
    model reads it: outgoing cabinets often form again."""

    cabinet: list[Slug] = Field(default_factory=list, max_length=MAX_PARTIES,
                                description="the outgoing cabinet's parties")
    leader: Slug | None = Field(default=None, description="the outgoing leader's party")


class Scenario(Expectation):
    name: Slug
    text: Text | None = None
    seats: Seats | None = None
    majority: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)] | None = None
    cabinet: CabinetOverride | None = None
    government: GovernmentOverride | None = None
    add: list[Demand] = Field(default_factory=list, max_length=MAX_ITEMS)
    drop: list[Slug] = Field(default_factory=list, max_length=MAX_ITEMS)
    outcome: Outcome | None = None


class Instance(Strict):
    """A formation: parties, cabinet, rules, demands; `demands` always carry their ids here."""

    name: Text
    date: datetime.date | None = None
    sources: list[Text] = Field(default_factory=list, max_length=MAX_ITEMS)
    seats: Seats | None = None
    majority: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)] | None = None
    parties: list[Party] = Field(min_length=1, max_length=MAX_PARTIES)
    cabinet: Cabinet
    government: Government = Field(default_factory=Government)
    policies: list[Policy] = Field(default_factory=list, max_length=MAX_ITEMS)
    policy_conflicts: list[list[Slug]] = Field(default_factory=list, max_length=MAX_ITEMS)
    demands: list[Demand] = Field(default_factory=list, max_length=MAX_ITEMS)
    scenarios: list[Scenario] = Field(default_factory=list, max_length=MAX_ITEMS)
    outcome: InstanceOutcome | None = None
    previous: Previous | None = Field(default=None, description="the outgoing government")
    votes: Polls | None = Field(default=None, description="polls, for `allocator sweep`")
    electoral_system: ElectoralSystem | None = Field(
        default=None, description="how a sweep's drawn votes become seats")

    @property
    def total_seats(self) -> int:
        return self.seats if self.seats is not None else sum(p.seats for p in self.parties)

    @property
    def quota(self) -> int:
        """The seats a government needs: `majority`, or the share `government.quota` of the
        chamber, or more than half of it."""
        if self.majority is not None:
            return self.majority
        return quota_of(self.total_seats, self.government.share)

    @property
    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]

    def member_caps(self, seats: list[int] | None = None) -> list[int]:
        """The most cabinet members each party may have under the base rules: the largest
        cabinet, or (`cabinet.members_within_seats`) its seats if fewer (`seats`: other seats
        than the instance's, a drawn parliament's)."""
        high = self.cabinet.size_range[1]
        seats = [p.seats for p in self.parties] if seats is None else seats
        if not self.cabinet.members_within_seats:
            return [high] * len(seats)
        return [min(high, s) for s in seats]
