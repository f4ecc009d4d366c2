"""The demand types (SPEC §3): one class each, and each class the whole of what the program
knows about its type but its CP-SAT encoding (`solving.encoders`); see the comment above
`DemandBase`.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from math import gcd, lcm
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, get_args

from pydantic import Field, StrictInt

from ..errors import Problem
from .fields import (
    MAX_ITEMS,
    MAX_MAGNITUDE,
    MAX_MEMBERS,
    MAX_PARTIES,
    Count,
    Form,
    Role,
    Slug,
    Strict,
    Text,
    Tolerance,
    When,
    exact,
)

if TYPE_CHECKING:  # a demand reads the instance it belongs to
    from .schema import Instance

def _as_cabinet() -> list[Literal["cabinet", "support"]]:
    return ["cabinet"]


# Each demand type is one class, and the class is the whole of what the program knows about the
# type apart from its CP-SAT encoding (one function per class in `solving.encoders.ENCODERS`):
#   * `type`, its fields and their constraints (the JSON Schema and error messages come from them);
#   * whether it needs a `party` (`PartyDemand`) or may stand without one (`DemandBase`);
#   * `default_when`: the role of its party that puts it in force (None: always in force);
#   * `reads()`: what it reads of the instance besides the parties' roles (`READS`). The
#     coalition level, the symmetry between parties and a sweep's signatures go by this alone:
#     a demand that reads votes makes parties with different votes different; one that reads
#     members, posts or portfolios `touches_allocation`; one that reads seats or votes beyond
#     the quota gives those `numbers()` to a sweep's signature; `ROLES_TOO`: one that touches
#     the allocation but also says something of the roles alone stays in the roles-only model;
#   * `references`: which fields name parties, posts, portfolios or policies (checked by the
#     loader in one generic walk), and `not_self`: which keys may not name the demand's party;
#   * `problems()`: what the instance must have for the demand to mean anything;
#   * `mentions()`: the cabinet parties whose members or posts it singles out (the coalition level
#     treats every other cabinet party alike).
# tests/test_model.py checks each class: an encoder, a brute-force check, a generator, and READS.

Reference = Literal["party", "post", "portfolio", "policy"]
#: what a demand may read of an instance besides the parties' roles: `quota`, which sets of
#: parties reach the majority; `form`, whether the cabinet alone does (a majority or a minority
#: government); `seats` and `votes`, the numbers themselves; `positions`; the
#: cabinet `members` of each party; who holds the `posts` and `portfolios`; the `policies`
Reading = Literal["quota", "form", "seats", "votes", "positions", "members", "posts", "portfolios",
                  "policies"]
#: what an allocation has beyond its roles
ALLOCATION: frozenset[Reading] = frozenset({"members", "posts", "portfolios"})


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
    READS: ClassVar[frozenset[Reading]] = frozenset()
    #: its encoder also constrains the roles alone (the roles-only model keeps it)
    ROLES_TOO: ClassVar[bool] = False
    references: ClassVar[dict[str, Reference]] = {}
    not_self: ClassVar[tuple[str, ...]] = ()

    def reads(self) -> frozenset[Reading]:
        """What the demand reads of the instance besides the parties' roles."""
        return self.READS

    @property
    def touches_allocation(self) -> bool:
        """It constrains member counts, posts or portfolios, not only roles."""
        return bool(self.reads() & ALLOCATION)

    def numbers(self, instance: Instance) -> tuple[int, ...]:
        """The numbers it reads from the seats or votes beyond which sets of parties reach the
        quota (a sweep's signature holds them); () when it reads none."""
        return ()

    def problems(self, instance: Instance) -> Iterator[Problem]:
        """What the instance lacks for this demand to mean anything (paths relative to the
        demand)."""
        return iter(())

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
    READS = frozenset({"posts"})
    of: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "cabinet"
    references = {"of": "party"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset(self.of)


class VetoPost(DemandBase):
    """That post is not held by any of `of`."""

    type: Literal["veto_post"]
    READS = frozenset({"posts"})
    post: Slug
    of: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "cabinet"
    references = {"post": "post", "of": "party"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset(self.of)


class RequiresPost(PartyDemand):
    """The party itself holds that post."""

    type: Literal["requires_post"]
    READS = frozenset({"posts"})
    post: Slug
    default_when = "cabinet"
    references = {"post": "post"}


class RequiresPortfolio(PartyDemand):
    """The party itself holds that named portfolio."""

    type: Literal["requires_portfolio"]
    READS = frozenset({"portfolios"})
    portfolio: Slug
    default_when = "cabinet"
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
    READS = frozenset({"form"})


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
    READS = frozenset({"members"})
    count: Count
    default_when = "cabinet"


class MaxPortfolios(PartyDemand):
    """The party has at most `count` cabinet members."""

    type: Literal["max_portfolios"]
    READS = frozenset({"members"})
    count: Count
    default_when = "cabinet"


class RequiresPolicy(DemandBase):
    """Those policies enter the programme."""

    type: Literal["requires_policy"]
    READS = frozenset({"policies"})
    policies: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "involved"
    references = {"policies": "policy"}


class OpposesPolicy(DemandBase):
    """None of those policies is in the programme."""

    type: Literal["opposes_policy"]
    READS = frozenset({"policies"})
    policies: list[Slug] = Field(min_length=1, max_length=MAX_ITEMS)
    default_when = "involved"
    references = {"policies": "policy"}


class RoleDemand(PartyDemand):
    """The party's role is one of `in`. `outside` is a kind of support: supporting, and
    holding a post outside cabinet (`cabinet.outside`); `support` is any support."""

    type: Literal["role"]
    in_: list[Role | Literal["outside"]] = Field(alias="in", min_length=1,
                                                  max_length=MAX_ITEMS)
    ROLES_TOO = True  # without the posts: `outside` is support

    def reads(self) -> frozenset[Reading]:
        """Who holds the posts, where `outside` tells a supporter from an outside minister."""
        return frozenset({"posts"}) if self.outside_only else frozenset()

    @property
    def outside_only(self) -> bool:
        """It allows supporters only with a post outside cabinet."""
        return "outside" in self.in_ and "support" not in self.in_

    def problems(self, instance: Instance) -> Iterator[Problem]:
        if "abstain" in self.in_ and instance.government.investiture == "absolute":
            yield Problem("`abstain` needs government.investiture relative or negative "
                          "(under absolute investiture nobody abstains)", ("in",),
                          kind="meaning")
        if "outside" in self.in_ and not instance.cabinet.outside:
            yield Problem("`outside` needs posts outside cabinet (`cabinet.outside`)",
                          ("in",), kind="meaning")


class EqualSplit(DemandBase):
    """All listed parties that are in the cabinet have equal member counts."""

    type: Literal["equal_split"]
    READS = frozenset({"members"})
    parties: list[Slug] = Field(min_length=2, max_length=MAX_ITEMS)
    references = {"parties": "party"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset(self.parties)


class Proportional(DemandBase):
    """Cabinet members in proportion to seats or votes (SPEC §3 gives the four methods); the
    `share` method counts each member with the weight of the posts and portfolios it holds
    (`cabinet.weights`), the others apportion whole members."""

    type: Literal["proportional"]
    method: Literal["share", "dhondt", "sainte_lague", "hamilton"] = "share"
    basis: Literal["seats", "votes"] = "seats"
    tolerance: Tolerance = 1
    parties: list[Slug] | None = Field(default=None, max_length=MAX_ITEMS)
    references = {"parties": "party"}

    def reads(self) -> frozenset[Reading]:
        read: set[Reading] = {"members", self.basis}
        if self.method == "share":  # members weighted by the offices they hold
            read |= {"posts", "portfolios"}
        return frozenset(read)

    def mentions(self) -> frozenset[str] | None:
        return None if self.parties is None else frozenset(self.parties)

    def numbers(self, instance: Instance) -> tuple[int, ...]:
        return tuple(self.weights(instance))

    def problems(self, instance: Instance) -> Iterator[Problem]:
        if self.basis == "votes":
            in_scope = self.parties or instance.party_ids
            missing = [p.id for p in instance.parties if p.id in in_scope and p.votes is None]
            if missing:
                yield Problem(f"`basis: votes` needs votes for {', '.join(missing)}; add them "
                              "or use `basis: seats`", ("basis",), kind="meaning")
                return
        if self.magnitude(instance) > MAX_MAGNITUDE:
            yield Problem("the weights are too large or too precise for exact arithmetic with "
                          f"a cabinet of up to {instance.cabinet.size_range[1]} members; round "
                          "the votes (shares with a few decimals are enough)", kind="meaning")

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
        members, weighted by their offices, times the tolerance's terms): it must fit CP-SAT's
        64-bit arithmetic."""
        t = exact(self.tolerance)
        low, high = instance.cabinet.value_range()
        return (2 * t.denominator + t.numerator * instance.cabinet.unit + 2) * (
            max(high, -low) + 1) * max(sum(self.weights(instance)), 1)


class DistinctPosts(DemandBase):
    """The listed posts are held by pairwise different parties."""

    type: Literal["distinct_posts"]
    READS = frozenset({"posts"})
    posts: list[Slug] = Field(min_length=2, max_length=MAX_ITEMS)
    references = {"posts": "post"}

    def mentions(self) -> frozenset[str] | None:
        return frozenset()


class MaxCabinetParties(DemandBase):
    """At most `count` parties in the cabinet."""

    type: Literal["max_cabinet_parties"]
    count: Annotated[StrictInt, Field(ge=1, le=MAX_MEMBERS)]


class MinimalWinning(DemandBase):
    """Every party of C ∪ S is pivotal: without its seats the rest is below the quota (plus the
    government's `margin`)."""

    type: Literal["minimal_winning"]
    READS = frozenset({"quota"})


class Connected(DemandBase):
    """No party outside C ∪ S sits strictly between two parties of C ∪ S (needs positions)."""

    type: Literal["connected"]
    READS = frozenset({"positions"})

    def problems(self, instance: Instance) -> Iterator[Problem]:
        missing = [p.id for p in instance.parties if p.position is None]
        if missing:
            yield Problem(f"`connected` needs a position on every party; missing on "
                          f"{', '.join(missing)}", kind="meaning")


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

