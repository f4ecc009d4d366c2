"""The instance model (SPEC §4): what a user writes, validated field by field, and each demand
type's knowledge (see the comment above `DemandBase`).

Only the shape of each key, and its bounds, are checked here; references between ids and the
arithmetic of the base rules are checked by `loader`, and generated ids and scenarios are
applied by `transform`, which see the whole instance at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from fractions import Fraction
from math import gcd, lcm
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    model_validator,
)

# --- bounds (docs/format.md) ---------------------------------------------------------------------
# Generous for any real chamber, and small enough that no valid instance overflows CP-SAT's 64-bit
# arithmetic (`Proportional.magnitude` checks the one product that could still grow too large).

MAX_SEATS = 100_000  #: seats of a party, of the whole chamber, the quota
MAX_MEMBERS = 1_000  #: cabinet members, and every count a demand states
MAX_VOTES = 10**12  #: votes of a party (a count or a share)
MAX_DECIMALS = 6  #: digits after the decimal point in votes, positions and tolerances
MAX_PARTIES = 500
MAX_ITEMS = 5_000  #: demands, policies, posts, portfolios, scenarios, sources
MAX_TEXT = 10_000  #: characters in a name, text or source


def _few_decimals(value: int | float) -> int | float:
    if exact(value).denominator > 10**MAX_DECIMALS:
        raise ValueError(f"use at most {MAX_DECIMALS} decimals (got {value!r})")
    return value


Slug = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", max_length=100)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Seats = Annotated[StrictInt, Field(ge=0, le=MAX_SEATS)]
Members = Annotated[StrictInt, Field(ge=1, le=MAX_MEMBERS)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_MEMBERS)]
Decimal = Annotated[StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)],
                    AfterValidator(_few_decimals)]
Votes = Annotated[Decimal, Field(ge=0, le=MAX_VOTES)]
Position = Annotated[Decimal, Field(ge=-MAX_VOTES, le=MAX_VOTES)]
#: a party's colour in pictures of the chamber: `#rrggbb`
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Tolerance = Annotated[Decimal, Field(ge=0, le=MAX_MEMBERS)]
Role = Literal["cabinet", "support", "abstain", "opposition"]
When = Literal["cabinet", "involved"]
Form = Literal["majority", "minority"]


def exact(value: int | float | str) -> Fraction:
    """The decimal a user wrote (15.6), as an exact fraction: never a binary float."""
    return Fraction(str(value))


def _both_forms() -> list[Form]:
    return ["majority", "minority"]


def _as_cabinet() -> list[Literal["cabinet", "support"]]:
    return ["cabinet"]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never silently drop a demand."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Party(Strict):
    id: Slug
    name: Text | None = None
    seats: Seats
    votes: Votes | None = None
    position: Position | None = None
    colour: Colour | None = None


class SizeRange(Strict):
    min: Members
    max: Members

    @model_validator(mode="after")
    def _not_empty(self) -> SizeRange:
        if self.min > self.max:
            raise ValueError(f"the size range is empty (min {self.min} > max {self.max}); "
                             "swap them")
        return self


class Cabinet(Strict):
    size: Members | SizeRange = Field(description="an integer, or {min, max}")
    min_per_party: Members = 1
    posts: list[Slug] = Field(default_factory=lambda: ["leader"], max_length=MAX_ITEMS)
    portfolios: list[Slug] = Field(default_factory=list, max_length=MAX_ITEMS)

    @property
    def size_range(self) -> tuple[int, int]:
        if isinstance(self.size, int):
            return self.size, self.size
        return self.size.min, self.size.max

    @property
    def all_posts(self) -> list[str]:
        """`leader` is always a post, and always the first one."""
        return ["leader", *(p for p in self.posts if p != "leader")]


class CabinetOverride(Strict):
    """A scenario's changes to the cabinet; absent keys keep the instance's values."""

    size: Members | SizeRange | None = None
    min_per_party: Members | None = None
    posts: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)
    portfolios: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)


class Government(Strict):
    forms: list[Form] = Field(default_factory=_both_forms, min_length=1)
    investiture: Literal["absolute", "relative", "negative"] = "absolute"


class GovernmentOverride(Strict):
    forms: list[Form] | None = Field(default=None, min_length=1)
    investiture: Literal["absolute", "relative", "negative"] | None = None


class Policy(Strict):
    id: Slug
    name: Text | None = None


# --- demands (SPEC §3) -------------------------------------------------------------------------
#
# Each demand type is one class, and the class is the whole of what the program knows about the
# type apart from its CP-SAT encoding (one function per class in `encoding.ENCODERS`):
#   * `type`, its fields and their constraints (the JSON Schema and error messages come from them);
#   * whether it needs a `party` (`PartyDemand`) or may stand without one (`DemandBase`);
#   * `default_when`: the role of its party that puts it in force (None: always in force);
#   * `touches_allocation`: it constrains member counts, posts or portfolios, not only roles;
#   * `references`: which fields name parties, posts, portfolios or policies (checked by the
#     loader in one generic walk), and `not_self`: which keys may not name the demand's party;
#   * `mentions()`: the cabinet parties whose members or posts it singles out (the coalition level
#     treats every other cabinet party alike).

Reference = Literal["party", "post", "portfolio", "policy"]


class DemandBase(Strict):
    """What every demand has (SPEC §3). A demand without a party is always in force."""

    type: str
    id: Slug | None = None
    text: Text | None = None
    source: Text | None = None
    party: Slug | None = None
    by: list[Slug] | None = Field(default=None, max_length=MAX_PARTIES)
    when: When | None = None
    fixed: bool = False

    default_when: ClassVar[When | None] = None
    touches_allocation: ClassVar[bool] = False
    references: ClassVar[dict[str, Reference]] = {}
    not_self: ClassVar[tuple[str, ...]] = ()

    @property
    def key(self) -> str:
        """The id, which the loader always fills in (generated where the user gave none)."""
        if self.id is None:
            raise ValueError("demand ids are filled in by the loader")
        return self.id

    @property
    def scope(self) -> When | None:
        """The role of `party` that puts the demand in force; None means always in force."""
        if self.party is None:
            return None
        return self.when or self.default_when

    @property
    def stated_by(self) -> list[str]:
        """The parties that stated the demand, for grouping explanations (SPEC §3 `by`)."""
        return self.by or ([self.party] if self.party else [])

    def referenced(self) -> Iterator[tuple[str, Reference, int | None, str]]:
        """(field alias, kind, index in a list or None, id) for every id the demand names."""
        for name, kind in {"party": "party", "by": "party", **self.references}.items():
            value = getattr(self, name)
            alias = type(self).model_fields[name].alias or name
            if isinstance(value, str):
                yield alias, kind, None, value
            elif value is not None:
                for j, ref in enumerate(value):
                    yield alias, kind, j, ref

    def mentions(self) -> frozenset[str] | None:
        """The cabinet parties this (allocation) demand singles out; None: all of them."""
        return frozenset({self.party}) if self.party else frozenset()


class PartyDemand(DemandBase):
    """A demand that means nothing without the party it belongs to."""

    party: Slug


class VetoLeader(DemandBase):
    """The leader post is not held by any of `of`."""

    type: Literal["veto_leader"]
    of: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "cabinet"
    touches_allocation = True
    references = {"of": "party"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset(self.of)


class VetoPost(DemandBase):
    """That post is not held by any of `of`."""

    type: Literal["veto_post"]
    post: Slug
    of: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "cabinet"
    touches_allocation = True
    references = {"post": "post", "of": "party"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset(self.of)


class RequiresPost(PartyDemand):
    """The party itself holds that post."""

    type: Literal["requires_post"]
    post: Slug
    default_when = "cabinet"
    touches_allocation = True
    references = {"post": "post"}


class RequiresPortfolio(PartyDemand):
    """The party itself holds that named portfolio."""

    type: Literal["requires_portfolio"]
    portfolio: Slug
    default_when = "cabinet"
    touches_allocation = True
    references = {"portfolio": "portfolio"}


class RefusePartner(DemandBase):
    """None of `with` holds a role listed in `as`."""

    type: Literal["refuse_partner"]
    with_: list[Slug] = Field(alias="with", min_length=1, max_length=MAX_ITEMS)
    as_: list[Literal["cabinet", "support"]] = Field(
        alias="as", default_factory=_as_cabinet, min_length=1
    )
    default_when = "cabinet"
    references = {"with_": "party"}
    not_self = ("with",)


class RequiresPartner(DemandBase):
    """Every one of `with` is in the cabinet ("only together with")."""

    type: Literal["requires_partner"]
    with_: list[Slug] = Field(alias="with", min_length=1, max_length=MAX_ITEMS)
    default_when = "cabinet"
    references = {"with_": "party"}
    not_self = ("with",)


class RequiresForm(DemandBase):
    """The government has that form."""

    type: Literal["requires_form"]
    form: Form
    default_when = "involved"


class RefuseSupport(PartyDemand):
    """The party is not a supporter while any of `of` is in the cabinet."""

    type: Literal["refuse_support"]
    of: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    references = {"of": "party"}
    not_self = ("of",)


class MinPartners(PartyDemand):
    """At least `count` partners: the other parties of C (`when: cabinet`) or of C ∪ S."""

    type: Literal["min_partners"]
    count: Count
    default_when = "cabinet"


class MaxPartners(PartyDemand):
    """At most `count` partners: the other parties of C (`when: cabinet`) or of C ∪ S."""

    type: Literal["max_partners"]
    count: Count
    default_when = "cabinet"


class MinPortfolios(PartyDemand):
    """The party has at least `count` cabinet members."""

    type: Literal["min_portfolios"]
    count: Count
    default_when = "cabinet"
    touches_allocation = True


class MaxPortfolios(PartyDemand):
    """The party has at most `count` cabinet members."""

    type: Literal["max_portfolios"]
    count: Count
    default_when = "cabinet"
    touches_allocation = True


class RequiresPolicy(DemandBase):
    """Those policies enter the programme."""

    type: Literal["requires_policy"]
    policies: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "involved"
    references = {"policies": "policy"}


class OpposesPolicy(DemandBase):
    """None of those policies is in the programme."""

    type: Literal["opposes_policy"]
    policies: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "involved"
    references = {"policies": "policy"}


class RoleDemand(PartyDemand):
    """The party's role is one of `in`."""

    type: Literal["role"]
    in_: list[Role] = Field(alias="in", min_length=1, max_length=MAX_ITEMS)


class EqualSplit(DemandBase):
    """All listed parties that are in the cabinet have equal member counts."""

    type: Literal["equal_split"]
    parties: list[Slug] = Field(min_length=2, max_length=MAX_ITEMS)
    touches_allocation = True
    references = {"parties": "party"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset(self.parties)


class Proportional(DemandBase):
    """Cabinet members in proportion to seats or votes (SPEC §3 gives the four methods)."""

    type: Literal["proportional"]
    method: Literal["share", "dhondt", "sainte_lague", "hamilton"] = "share"
    basis: Literal["seats", "votes"] = "seats"
    tolerance: Tolerance = 1
    parties: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)
    touches_allocation = True
    references = {"parties": "party"}

    def mentions(self) -> frozenset[str] | None:
        return None if self.parties is None else frozenset(self.parties)

    def weights(self, instance: Instance) -> list[int]:
        """Every party's weight as an exact integer, in instance order: seats, or votes scaled
        by the lcm of their denominators; then divided by their gcd (only ratios matter)."""
        if self.basis == "seats":
            raw = [Fraction(p.seats) for p in instance.parties]
        else:
            raw = [exact(p.votes) if p.votes is not None else Fraction(0)
                   for p in instance.parties]
        scale = lcm(*(w.denominator for w in raw))
        scaled = [int(w * scale) for w in raw]
        common = gcd(*scaled) or 1
        return [w // common for w in scaled]

    def magnitude(self, instance: Instance) -> int:
        """A bound on the largest number the encoding of this demand handles (weights times
        members times the tolerance's terms): it must fit CP-SAT's 64-bit arithmetic."""
        t = exact(self.tolerance)
        high = instance.cabinet.size_range[1]
        return (2 * t.denominator + t.numerator + 2) * (high + 1) * max(
            sum(self.weights(instance)), 1)


class DistinctPosts(DemandBase):
    """The listed posts are held by pairwise different parties."""

    type: Literal["distinct_posts"]
    posts: list[Slug] = Field(min_length=2, max_length=MAX_ITEMS)
    touches_allocation = True
    references = {"posts": "post"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset()


class MaxCabinetParties(DemandBase):
    """At most `count` parties in the cabinet."""

    type: Literal["max_cabinet_parties"]
    count: Annotated[StrictInt, Field(ge=1, le=MAX_MEMBERS)]


class MinimalWinning(DemandBase):
    """Every party of C ∪ S is pivotal: without its seats the rest is below the quota."""

    type: Literal["minimal_winning"]


class Connected(DemandBase):
    """No party outside C ∪ S sits strictly between two parties of C ∪ S (needs positions)."""

    type: Literal["connected"]


Demand = Annotated[
    VetoLeader
    | VetoPost
    | RequiresPost
    | RequiresPortfolio
    | RefusePartner
    | RequiresPartner
    | RequiresForm
    | RefuseSupport
    | MinPartners
    | MaxPartners
    | MinPortfolios
    | MaxPortfolios
    | RequiresPolicy
    | OpposesPolicy
    | RoleDemand
    | EqualSplit
    | Proportional
    | DistinctPosts
    | MaxCabinetParties
    | MinimalWinning
    | Connected,
    Field(discriminator="type"),
]

#: type name -> class, for every demand type of SPEC §3, in the order of the table there
DEMAND_TYPES: dict[str, type[DemandBase]] = {
    get_args(cls.model_fields["type"].annotation)[0]: cls
    for cls in get_args(get_args(Demand)[0])
}


def needs_party(cls: type[DemandBase]) -> bool:
    """Whether the type means nothing without a party (its `party` field is required)."""
    return cls.model_fields["party"].is_required()


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


# --- uncertainty: the draws of a sweep (`allocator sweep`) -----------------------------------

#: a share of all votes, in percent
Share = Annotated[Decimal, Field(ge=0, le=100)]
Sample = Annotated[StrictInt, Field(ge=1, le=10**9)]


class Poll(Strict):
    """One poll: each listed party's share of all votes in percent; what the shares leave of
    100 went to parties the instance does not list ("others")."""

    pollster: Text | None = None
    date: datetime.date | None = None
    sample: Sample = Field(description="how many people answered")
    shares: dict[Slug, Share] = Field(description="party id -> percent of all votes")


class Polls(Strict):
    """Where a sweep's vote shares come from: one poll (`shares` and `sample`), or several
    (`polls`), pooled as the R package `coalitions` does: the latest poll of each pollster
    within `window` days of the latest poll, shares weighted by sample size, and an effective
    sample size that allows for `correlation` between pollsters. Each draw is a Dirichlet
    draw with concentration share x sample + `prior` (1/2: Jeffreys)."""

    shares: dict[Slug, Share] | None = None
    sample: Sample | None = None
    polls: list[Poll] | None = Field(default=None, min_length=1, max_length=MAX_ITEMS)
    window: Annotated[StrictInt, Field(ge=0, le=10_000)] = Field(
        default=14, description="days before the latest poll that still count")
    correlation: Annotated[Decimal, Field(ge=0, le=1)] = 0.5
    prior: Annotated[Decimal, Field(gt=0, le=MAX_MEMBERS)] = 0.5

    @model_validator(mode="after")
    def _one_source(self) -> Polls:
        single = self.shares is not None or self.sample is not None
        if single and self.polls is not None:
            raise ValueError("give one poll (shares and sample) or several (polls), not both")
        if self.polls is None and (self.shares is None or self.sample is None):
            raise ValueError("give shares and sample (one poll), or polls (several)")
        return self

    def as_polls(self) -> list[Poll]:
        if self.polls is not None:
            return self.polls
        assert self.shares is not None and self.sample is not None
        return [Poll(sample=self.sample, shares=self.shares)]


class Threshold(Strict):
    """A party wins seats only with at least `share` percent of all votes, or (where
    `direct_seats` is given) at least that many constituency seats (`electoral_system.direct`)."""

    share: Share = 0
    direct_seats: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)] | None = None


class ElectoralSystem(Strict):
    """How a draw's votes become seats: `seats` shared among the parties over the threshold by
    `method`. `others_win_seats`: the votes of unlisted parties are one list competing for
    seats (held by no listed party: they count toward the total, never toward a majority);
    by default they win none (many small parties, each under any threshold)."""

    seats: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)]
    majority: Annotated[StrictInt, Field(ge=1, le=MAX_SEATS)] | None = None
    method: Literal["dhondt", "sainte_lague", "modified_sainte_lague", "hamilton", "droop"]
    threshold: Share | Threshold = 0
    direct: dict[Slug, Annotated[StrictInt, Field(ge=0, le=MAX_SEATS)]] = Field(
        default_factory=dict, description="party id -> constituency seats it is expected to win")
    exempt: list[Slug] = Field(default_factory=list, max_length=MAX_PARTIES,
                               description="parties the threshold does not apply to")
    others_win_seats: bool = False

    @property
    def bar(self) -> Threshold:
        return self.threshold if isinstance(self.threshold, Threshold) else Threshold(
            share=self.threshold)


class Uncertainty(Strict):
    """A file beside an instance with what a sweep draws from (`sweep --polls FILE`)."""

    votes: Polls | None = None
    electoral_system: ElectoralSystem | None = None


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
    votes: Polls | None = Field(default=None, description="polls, for `allocator sweep`")
    electoral_system: ElectoralSystem | None = Field(
        default=None, description="how a sweep's drawn votes become seats")

    @property
    def total_seats(self) -> int:
        return self.seats if self.seats is not None else sum(p.seats for p in self.parties)

    @property
    def quota(self) -> int:
        return self.majority if self.majority is not None else self.total_seats // 2 + 1

    @property
    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]
