"""The instance model (SPEC §4): what a user writes, validated field by field.

Only the shape of each key is checked here; references between ids, generated demand ids and
scenario application live in `loader` and `scenarios`, which see the whole instance at once.
"""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]
Role = Literal["cabinet", "support", "abstain", "opposition"]
When = Literal["cabinet", "involved"]
Form = Literal["majority", "minority"]
Number = Annotated[int | float, Field(ge=0)]


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
    name: str | None = None
    seats: int = Field(ge=0)
    votes: Number | None = None
    position: Number | None = None


class SizeRange(Strict):
    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _not_empty(self) -> SizeRange:
        if self.min > self.max:
            raise ValueError(f"the size range is empty (min {self.min} > max {self.max}); "
                             "swap them")
        return self


class Cabinet(Strict):
    size: int | SizeRange = Field(description="an integer, or {min, max}")
    min_per_party: int = Field(default=1, ge=0)
    posts: list[Slug] = Field(default_factory=lambda: ["leader"])
    portfolios: list[Slug] = Field(default_factory=list)

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

    size: int | SizeRange | None = None
    min_per_party: int | None = Field(default=None, ge=0)
    posts: list[Slug] | None = None
    portfolios: list[Slug] | None = None


class Government(Strict):
    forms: list[Form] = Field(default_factory=_both_forms, min_length=1)
    investiture: Literal["absolute", "relative", "negative"] = "absolute"


class GovernmentOverride(Strict):
    forms: list[Form] | None = Field(default=None, min_length=1)
    investiture: Literal["absolute", "relative", "negative"] | None = None


class Policy(Strict):
    id: Slug
    name: str | None = None


# --- demands (SPEC §3) -------------------------------------------------------------------------


class DemandBase(Strict):
    id: Slug | None = None
    text: str | None = None
    source: str | None = None
    party: Slug | None = None
    by: list[Slug] | None = None
    when: When | None = None
    fixed: bool = False

    #: the `when` that applies if the user gives none; None for types in force always
    default_when: ClassVar[When | None] = None
    #: the demand means nothing without the party it belongs to
    needs_party: ClassVar[bool] = False

    @property
    def key(self) -> str:
        """The id, which the loader always fills in (generated where the user gave none)."""
        assert self.id is not None, "demand ids are filled in by the loader"
        return self.id


class VetoLeader(DemandBase):
    type: Literal["veto_leader"]
    of: list[Slug] = Field(min_length=1)
    default_when = "cabinet"


class VetoPost(DemandBase):
    type: Literal["veto_post"]
    post: Slug
    of: list[Slug] = Field(min_length=1)
    default_when = "cabinet"


class RequiresPost(DemandBase):
    type: Literal["requires_post"]
    post: Slug
    default_when = "cabinet"
    needs_party = True


class RequiresPortfolio(DemandBase):
    type: Literal["requires_portfolio"]
    portfolio: Slug
    default_when = "cabinet"
    needs_party = True


class RefusePartner(DemandBase):
    type: Literal["refuse_partner"]
    with_: list[Slug] = Field(alias="with", min_length=1)
    as_: list[Literal["cabinet", "support"]] = Field(
        alias="as", default_factory=_as_cabinet, min_length=1
    )
    default_when = "cabinet"


class RequiresPartner(DemandBase):
    type: Literal["requires_partner"]
    with_: list[Slug] = Field(alias="with", min_length=1)
    default_when = "cabinet"


class RequiresForm(DemandBase):
    type: Literal["requires_form"]
    form: Form
    default_when = "involved"


class RefuseSupport(DemandBase):
    type: Literal["refuse_support"]
    of: list[Slug] = Field(min_length=1)
    needs_party = True


class MinPartners(DemandBase):
    type: Literal["min_partners"]
    count: int = Field(ge=0)
    default_when = "cabinet"
    needs_party = True


class MaxPartners(DemandBase):
    type: Literal["max_partners"]
    count: int = Field(ge=0)
    default_when = "cabinet"
    needs_party = True


class MinPortfolios(DemandBase):
    type: Literal["min_portfolios"]
    count: int = Field(ge=0)
    default_when = "cabinet"
    needs_party = True


class MaxPortfolios(DemandBase):
    type: Literal["max_portfolios"]
    count: int = Field(ge=0)
    default_when = "cabinet"
    needs_party = True


class RequiresPolicy(DemandBase):
    type: Literal["requires_policy"]
    policies: list[Slug] = Field(min_length=1)
    default_when = "involved"


class OpposesPolicy(DemandBase):
    type: Literal["opposes_policy"]
    policies: list[Slug] = Field(min_length=1)
    default_when = "involved"


class RoleDemand(DemandBase):
    type: Literal["role"]
    in_: list[Role] = Field(alias="in", min_length=1)
    needs_party = True


class EqualSplit(DemandBase):
    type: Literal["equal_split"]
    parties: list[Slug] = Field(min_length=2)


class Proportional(DemandBase):
    type: Literal["proportional"]
    method: Literal["share", "dhondt", "sainte_lague", "hamilton"] = "share"
    basis: Literal["seats", "votes"] = "seats"
    tolerance: Number = 1
    parties: list[Slug] | None = None


class DistinctPosts(DemandBase):
    type: Literal["distinct_posts"]
    posts: list[Slug] = Field(min_length=2)


class MaxCabinetParties(DemandBase):
    type: Literal["max_cabinet_parties"]
    count: int = Field(ge=1)


class MinimalWinning(DemandBase):
    type: Literal["minimal_winning"]


class Connected(DemandBase):
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

DEMAND_TYPES: dict[str, type[DemandBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in DemandBase.__subclasses__()
}


def scope(demand: DemandBase) -> When | None:
    """The role of `demand.party` that puts the demand in force; None means always in force."""
    if demand.party is None:
        return None
    return demand.when or demand.default_when


# --- scenarios and outcomes --------------------------------------------------------------------


class Outcome(Strict):
    """What really happened (or a scenario's expected deal); every field is optional."""

    cabinet: list[Slug] | dict[Slug, int] | None = None
    support: list[Slug] | None = None
    abstain: list[Slug] | None = None
    posts: dict[Slug, Slug] | None = None
    portfolios: dict[Slug, Slug] | None = None


class Expectation(Strict):
    expect: Literal["feasible", "deadlock"] | None = None
    relaxed_by: list[Slug] | None = None

    @model_validator(mode="after")
    def _relaxed_needs_deadlock(self) -> Expectation:
        if self.relaxed_by is not None and self.expect != "deadlock":
            raise ValueError("relaxed_by only makes sense with expect: deadlock")
        return self


class InstanceOutcome(Outcome, Expectation):
    pass


class Scenario(Expectation):
    name: Slug
    text: str | None = None
    seats: int | None = Field(default=None, ge=0)
    majority: int | None = Field(default=None, ge=1)
    cabinet: CabinetOverride | None = None
    government: GovernmentOverride | None = None
    add: list[Demand] = Field(default_factory=list)
    drop: list[Slug] = Field(default_factory=list)
    outcome: Outcome | None = None


class Instance(Strict):
    """A formation: parties, cabinet, rules, demands; `demands` always carry their ids here."""

    name: str
    date: datetime.date | None = None
    sources: list[str] = Field(default_factory=list)
    seats: int | None = Field(default=None, ge=0)
    majority: int | None = Field(default=None, ge=1)
    parties: list[Party] = Field(min_length=1)
    cabinet: Cabinet
    government: Government = Field(default_factory=Government)
    policies: list[Policy] = Field(default_factory=list)
    policy_conflicts: list[list[Slug]] = Field(default_factory=list)
    demands: list[Demand] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)
    outcome: InstanceOutcome | None = None

    @property
    def total_seats(self) -> int:
        return self.seats if self.seats is not None else sum(p.seats for p in self.parties)

    @property
    def quota(self) -> int:
        return self.majority if self.majority is not None else self.total_seats // 2 + 1

    @property
    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]
