"""Transformations: from the instance a user wrote to the instance that gets solved.

Every change to an instance before it is encoded happens here, each as a pure function returning
a new `Instance`:

* `with_ids`: generated ids for demands that have none;
* `resolve` / `apply_scenario`: a named scenario's overrides, drops and additions, then
  `with_independents`: non-party ministers as a party of no seats, held to their range and
  posts by fixed demands;
* `without`: demands dropped (a relaxation, a binding test);
* `pin_roles`: fixed `role` demands that hold parties to roles; the two questions built on it,
  `ask` (why not this coalition?) and `with_outcome` (does a recorded outcome still hold?);
* `narrow`: the filters of `solve` (`--include`, `--exclude`, ...) as fixed demands, so that the
  solver never even visits the coalitions they leave out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import UsageError, known
from .demands import (
    DemandBase,
    MaxCabinetParties,
    MaxPortfolios,
    MinimalWinning,
    MinPortfolios,
    RequiresForm,
    RequiresPortfolio,
    RequiresPost,
    RoleDemand,
    VetoPost,
)
from .fields import Role
from .schema import CabinetOverride, GovernmentOverride, Instance, Outcome, Party, Scenario

ROLES: tuple[Role, ...] = ("cabinet", "support", "abstain", "opposition")


def generated_ids(demands: Sequence[tuple[str | None, str | None, str]],
                  taken: Collection[str]) -> list[str]:
    """The id of each demand, given as (id, party, type): its own, or a stable generated one,
    `<party>-<type>-<n>` (`<type>-<n>` without a party).

    `n` counts the demands of the same party and type up to this one (so editing other demands
    never renames it), bumped past ids already taken.
    """
    explicit = set(taken) | {ident for ident, _, _ in demands if ident}
    seen: dict[tuple[str | None, str], int] = {}
    out: list[str] = []
    for ident, party, kind in demands:
        seen[(party, kind)] = seen.get((party, kind), 0) + 1
        if ident:
            out.append(ident)
            continue
        stem = f"{party}-{kind}" if party else kind
        n = seen[(party, kind)]
        while f"{stem}-{n}" in explicit:
            n += 1
        explicit.add(f"{stem}-{n}")
        out.append(f"{stem}-{n}")
    return out


def with_ids(demands: Sequence[DemandBase], taken: Collection[str]) -> list[DemandBase]:
    """The demands, each without an id given its generated one (`generated_ids`)."""
    ids = generated_ids([(d.id, d.party, d.type) for d in demands], taken)
    return [d if d.id == ident else d.model_copy(update={"id": ident})
            for d, ident in zip(demands, ids, strict=True)]


# --- scenarios ------------------------------------------------------------------------------------


def find_scenario(instance: Instance, name: str) -> Scenario:
    for scenario in instance.scenarios:
        if scenario.name == name:
            return scenario
    raise UsageError(
        f"no scenario named {name!r} in {instance.name!r} "
        f"({known(s.name for s in instance.scenarios)})"
    )


def apply_scenario(instance: Instance, scenario: Scenario) -> Instance:
    """The instance as the scenario changes it: overrides merged, demands dropped, then added."""
    update: dict[str, object] = {"scenarios": [], "outcome": None}
    if scenario.seats is not None:
        update["seats"] = scenario.seats
    government = instance.government
    if scenario.majority is not None:  # a number of seats replaces a share
        update["majority"] = scenario.majority
        government = government.model_copy(update={"quota": None})
    if scenario.cabinet is not None:
        update["cabinet"] = instance.cabinet.model_copy(update=_given(scenario.cabinet))
    if scenario.government is not None:
        government = government.model_copy(update=_given(scenario.government))
        if scenario.government.quota is not None and scenario.majority is None:
            update["majority"] = None  # a share replaces a number of seats
    update["government"] = government
    kept = [d for d in instance.demands if d.id not in set(scenario.drop)]
    taken = {d.id for d in instance.demands if d.id}
    update["demands"] = kept + with_ids(scenario.add, taken)
    return instance.model_copy(update=update)


def _given(override: CabinetOverride | GovernmentOverride) -> dict[str, object]:
    """The keys an override sets (absent keys keep the instance's values)."""
    return {f: getattr(override, f) for f in override.model_fields_set
            if getattr(override, f) is not None}


def resolve(instance: Instance, scenario: str | None) -> Instance:
    """The instance to solve: as written, or as the named scenario changes it, with its
    non-party ministers as a party (`with_independents`)."""
    if scenario is None:
        return with_independents(instance.model_copy(update={"scenarios": []}))
    return with_independents(apply_scenario(instance, find_scenario(instance, scenario)))


#: the party that stands for the non-party ministers of `cabinet.independents`
INDEPENDENT = "independent"


def with_independents(problem: Instance) -> Instance:
    """`cabinet.independents` as what the solver knows: a party `independent` of no seats
    (so it can sit in the cabinet, hold members and posts, and never help a government in),
    held by fixed demands to the cabinet or nothing (the cabinet if `min` is at least 1), to
    `min`..`max` members and to the posts listed. The result has no `independents` left, so
    this is done once however often an instance is resolved."""
    independents = problem.cabinet.independents
    if independents is None:
        return problem
    party = INDEPENDENT
    roles: list[Role] = ["cabinet"] if independents.min >= 1 else ["cabinet", "opposition"]
    said = "Non-party ministers"
    added: list[DemandBase] = [
        RoleDemand.model_validate({"type": "role", "id": "independents-role", "party": party,
                                   "in": roles, "fixed": True,
                                   "text": f"{said}: in the cabinet or not at all"}),
        MinPortfolios(type="min_portfolios", id="independents-min", party=party,
                      count=independents.min, fixed=True,
                      text=f"{said}: at least {independents.min}"),
        MaxPortfolios(type="max_portfolios", id="independents-max", party=party,
                      count=independents.max, fixed=True,
                      text=f"{said}: at most {independents.max}"),
        *(VetoPost(type="veto_post", id=f"independents-not-{post}", post=post, of=[party],
                   fixed=True, text=f"{said} do not hold {post}")
          for post in problem.cabinet.all_posts if post not in independents.posts),
    ]
    return problem.model_copy(update={
        "parties": [*problem.parties, Party(id=party, name=said, seats=0, colour="#9E9E9E")],
        "cabinet": problem.cabinet.model_copy(update={"independents": None}),
        "demands": [*problem.demands, *added]})


# --- dropping and adding demands ------------------------------------------------------------------


def without(problem: Instance, dropped: Collection[str]) -> Instance:
    """The instance with the named demands dropped."""
    gone = set(dropped)
    return problem.model_copy(update={"demands": [d for d in problem.demands
                                                  if d.key not in gone]})


def adding(problem: Instance, demands: Sequence[DemandBase]) -> Instance:
    """The instance with more demands (already carrying their ids)."""
    return problem.model_copy(update={"demands": [*problem.demands, *demands]})


def open_roles(problem: Instance) -> list[Role]:
    """The roles a party can take under the instance's investiture rule."""
    if problem.government.investiture == "absolute":
        return [r for r in ROLES if r != "abstain"]
    return list(ROLES)


def pin_roles(problem: Instance, allowed: Mapping[str, Sequence[Role]], prefix: str,
              text: str | None = None) -> list[DemandBase]:
    """Fixed `role` demands holding each party of `allowed` to those roles, with ids
    `<prefix>-<party>` (in instance order; a party whose roles are all open gets none)."""
    everything = open_roles(problem)
    pinned: list[DemandBase] = []
    for party in problem.party_ids:
        roles = [r for r in everything if r in allowed.get(party, everything)]
        if roles == everything:
            continue
        said = f"{text}: {party} in {' or '.join(roles)}" if text else None
        pinned.append(RoleDemand.model_validate(
            {"id": f"{prefix}-{party}", "party": party, "type": "role", "in": roles,
             "fixed": True, "text": said}))
    return pinned


# --- the two questions built on pinned roles ------------------------------------------------------


@dataclass(frozen=True)
class CoalitionQuestion:
    """"Why not this coalition?": exactly these cabinet parties, and either exactly these
    supporters (`support` given; empty means none) or any support (`support` None)."""

    cabinet: tuple[str, ...]
    support: tuple[str, ...] | None = None

    def words(self) -> str:
        """The question in the words of explanations: `cabinet lab, supported by green`."""
        said = f"cabinet {', '.join(self.cabinet)}"
        if self.support is None:
            return said + ", any support"
        return said + (f", supported by {', '.join(self.support)}" if self.support
                       else ", no supporters")


def ask(problem: Instance, question: CoalitionQuestion) -> Instance:
    """The instance restricted to the coalition asked about (fixed role demands)."""
    check_question(problem, question)
    support = question.support or ()
    others: list[Role] = (["abstain", "opposition"] if question.support is not None
                          else ["support", "abstain", "opposition"])
    allowed: dict[str, Sequence[Role]] = {
        party: ["cabinet"] if party in question.cabinet else ["support"] if party in support
        else others
        for party in problem.party_ids
    }
    return adding(problem, pin_roles(problem, allowed, "why-not", "the coalition asked about"))


def check_question(problem: Instance, question: CoalitionQuestion) -> None:
    """A question names known parties, each once, and at least one cabinet party."""
    parties = problem.party_ids
    support = question.support or ()
    unknown = [p for p in dict.fromkeys([*question.cabinet, *support]) if p not in parties]
    if unknown:
        raise UsageError(f"unknown part{'ies' if len(unknown) > 1 else 'y'} "
                         f"{', '.join(unknown)} in the coalition asked about ({known(parties)})")
    if not question.cabinet:
        raise UsageError("the coalition asked about needs at least one cabinet party")
    repeated = sorted({p for group in (question.cabinet, support) for p in group
                       if group.count(p) > 1})
    if repeated:
        raise UsageError(f"{', '.join(repeated)} named twice in the coalition asked about")
    both = [p for p in question.cabinet if p in support]
    if both:
        raise UsageError(f"{', '.join(both)} cannot be both in cabinet and supporting")


def with_outcome(problem: Instance, outcome: Outcome) -> Instance:
    """The instance with what the outcome records imposed as fixed demands."""
    listed = {"cabinet": outcome.cabinet, "support": outcome.support,
              "abstain": outcome.abstain}
    allowed: dict[str, Sequence[Role]] = {}
    for party in problem.party_ids:
        roles = open_roles(problem)
        for role, members in listed.items():
            if members is not None:
                roles = [r for r in roles if (r == role) == (party in members)]
        allowed[party] = roles
    added = pin_roles(problem, allowed, "outcome-role")
    if isinstance(outcome.cabinet, dict):
        for party, count in outcome.cabinet.items():
            added += [MinPortfolios(type="min_portfolios", id=f"outcome-min-{party}",
                                    party=party, count=count, fixed=True),
                      MaxPortfolios(type="max_portfolios", id=f"outcome-max-{party}",
                                    party=party, count=count, fixed=True)]
    outside = set(problem.cabinet.outside)
    for post, holder in (outcome.posts or {}).items():
        added.append(RequiresPost(type="requires_post", id=f"outcome-post-{post}", party=holder,
                                  post=post, fixed=True,
                                  when="involved" if post in outside else None))
    for name, holder in (outcome.portfolios or {}).items():
        added.append(RequiresPortfolio(type="requires_portfolio", id=f"outcome-portfolio-{name}",
                                       party=holder, portfolio=name, fixed=True))
    return adding(problem, added)


# --- filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which governments a user wants to see (`solve --include ...`): parties that sit in the
    cabinet; parties that neither sit in it nor support it (they may abstain, where anyone
    can); at most `max_parties` cabinet parties; only one form; only minimal winning ones."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_parties: int | None = None
    form: Literal["majority", "minority"] | None = None
    minimal_winning: bool = False

    def __bool__(self) -> bool:
        return self != Filters()


def narrow(problem: Instance, filters: Filters) -> Instance:
    """The instance restricted by the filters: fixed demands with ids `filter-...`, which a
    deadlock's explanation never drops (it explains the deadlock of what was asked)."""
    unknown = [p for p in dict.fromkeys([*filters.include, *filters.exclude])
               if p not in problem.party_ids]
    if unknown:
        raise UsageError(f"unknown part{'ies' if len(unknown) > 1 else 'y'} "
                         f"{', '.join(unknown)} in --include/--exclude "
                         f"({known(problem.party_ids)})")
    both = [p for p in filters.include if p in filters.exclude]
    if both:
        raise UsageError(f"{', '.join(both)} cannot be both included and excluded")
    allowed: dict[str, Sequence[Role]] = {p: ["cabinet"] for p in filters.include}
    allowed.update({p: ["abstain", "opposition"] for p in filters.exclude})
    added = pin_roles(problem, allowed, "filter", "the filters asked for")
    if filters.max_parties is not None:
        added.append(MaxCabinetParties(type="max_cabinet_parties", id="filter-max-parties",
                                       count=filters.max_parties, fixed=True))
    if filters.form is not None:
        added.append(RequiresForm(type="requires_form", id="filter-form", form=filters.form,
                                  fixed=True))
    if filters.minimal_winning:
        added.append(MinimalWinning(type="minimal_winning", id="filter-minimal-winning",
                                    fixed=True))
    return adding(problem, added)
