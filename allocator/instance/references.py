"""The checks that need the whole instance: every id that points nowhere, every duplicate,
what plain arithmetic shows the base rules cannot satisfy, and what each demand's class says it
needs of the instance. Each problem carries its path; `loader` adds the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from fractions import Fraction
from itertools import combinations
from typing import Any

from ..errors import Path, Problem, known, shown
from .demands import DemandBase, Reference
from .fields import exact
from .schema import Instance, Outcome, Scenario
from .transform import INDEPENDENT, apply_scenario

#: ids of stand-ins for malformed items (`loader`), left out of the "known: ..." lists of
#: messages: they are not the user's
HIDDEN: ContextVar[frozenset[str]] = ContextVar("hidden", default=frozenset())


def reference_problems(instance: Instance) -> Iterator[Problem]:
    """Every id that points nowhere, every duplicate, every demand the instance cannot support."""
    yield from _duplicates("parties", [p.id for p in instance.parties], ("parties",))
    yield from _duplicates("policies", [p.id for p in instance.policies], ("policies",))
    yield from _duplicates("posts", instance.cabinet.posts, ("cabinet", "posts"))
    yield from _outside_problems(instance)
    yield from _weights_problems(instance)
    yield from _duplicates("portfolios", instance.cabinet.portfolios, ("cabinet", "portfolios"))
    yield from _duplicates("demand ids", [d.id for d in instance.demands], ("demands",))
    yield from _duplicates("scenario names", [s.name for s in instance.scenarios], ("scenarios",))
    listed = sum(p.seats for p in instance.parties)
    if instance.seats is not None and instance.seats < listed:
        yield Problem(f"the total ({instance.seats}) is below the parties' seats ({listed}); "
                      "give the whole chamber, or leave `seats` out", ("seats",), kind="meaning")
    if instance.majority is not None and instance.government.quota is not None:
        yield Problem("give `majority` (a number of seats) or `government.quota` (a share of "
                      "the chamber), not both", ("government", "quota"), kind="meaning")
    yield from _base_rule_problems(instance, ())
    yield from _policy_conflict_problems(instance)
    for i, demand in enumerate(instance.demands):
        yield from _demand_problems(instance, demand, ("demands", i))
    if instance.previous is not None:
        yield from _previous_problems(instance)
    if instance.outcome is not None:
        yield from _outcome_problems(instance, instance.outcome, ("outcome",))
        yield from _relaxed_by(instance, instance.outcome.relaxed_by, ("outcome",))
    for i, scenario in enumerate(instance.scenarios):
        yield from _scenario_problems(instance, scenario, ("scenarios", i))
    yield from uncertainty_problems(instance)


def uncertainty_problems(instance: Instance) -> Iterator[Problem]:
    """The polls and the electoral system of a sweep against the parties: every listed party
    has a share in every poll, no share names an unknown party, shares leave room for others,
    and the seats can make a government."""
    ids = instance.party_ids
    if instance.votes is not None:
        votes = instance.votes
        polls = [(("votes",), votes.shares or {})] if votes.polls is None else [
            (("votes", "polls", i), poll.shares) for i, poll in enumerate(votes.polls)]
        for at, shares in polls:
            yield from _poll_problems(shares, ids, at + ("shares",))
        if instance.electoral_system is None:
            yield Problem("a sweep over polls needs `electoral_system` (seats, method, "
                          "threshold) to turn votes into seats", ("votes",), kind="missing_key")
    system = instance.electoral_system
    if system is not None:
        for j, party in enumerate(system.exempt):
            yield from _ref("party", party, ids, ("electoral_system", "exempt", j))
        for party in system.direct:
            yield from _ref("party", party, ids, ("electoral_system", "direct", party))
        if system.majority is not None and system.majority > system.seats:
            yield Problem(f"the quota ({system.majority}) is above the {system.seats} seats",
                          ("electoral_system", "majority"), kind="base_rules")


def _poll_problems(shares: Mapping[str, Any], ids: list[str], at: Path) -> Iterator[Problem]:
    for party in shares:
        yield from _ref("party", party, ids, at + (party,))
    missing = [p for p in ids if p not in shares]
    if missing:
        yield Problem(f"no share for {', '.join(missing)}: give every listed party a share "
                      "(0 if it has none)", at, kind="meaning")
    total = sum((exact(v) for v in shares.values()), Fraction(0))
    if total > 100:
        yield Problem(f"the shares add up to {float(total):g}%, above 100: they are "
                      "percentages of all votes, the rest going to unlisted parties", at,
                      kind="meaning")
    elif total == 0:
        yield Problem("every share is 0: nobody would win a seat", at, kind="meaning")


def _scenario_problems(instance: Instance, scenario: Scenario, at: Path) -> Iterator[Problem]:
    """A scenario's drops against the instance; its additions against the scenario's own
    instance (a scenario that adds a `deputy` post may require it)."""
    demand_ids = [d.key for d in instance.demands]
    for j, dropped in enumerate(scenario.drop):
        yield from _ref("demand", dropped, demand_ids, at + ("drop", j))
    effective = apply_scenario(instance, scenario)
    yield from _base_rule_problems(effective, at)
    added = effective.demands[len(effective.demands) - len(scenario.add):]
    kept = [d.id for d in effective.demands[:len(effective.demands) - len(added)]]
    for j, demand in enumerate(added):
        if demand.id in kept:
            yield Problem(f"{demand.id!r} is already a demand of the instance; drop it "
                          "first or choose another id", at + ("add", j, "id"), kind="duplicate")
        yield from _demand_problems(effective, demand, at + ("add", j))
    if scenario.outcome is not None:
        yield from _outcome_problems(effective, scenario.outcome, at + ("outcome",))
    yield from _relaxed_by(effective, scenario.relaxed_by, at)


def _duplicates(what: str, ids: list[Any], at: Path) -> Iterator[Problem]:
    seen: set[Any] = set()
    for i, item in enumerate(ids):
        if item in seen:
            yield Problem(f"{item!r} appears twice in {what}; ids must be unique", at + (i,),
                          kind="duplicate")
        seen.add(item)


def _base_rule_problems(instance: Instance, at: Path) -> Iterator[Problem]:
    """What plain arithmetic shows no allocation can satisfy, whatever the demands (`at`: the
    scenario whose overrides made it so, or the top level)."""
    def where(*key: str) -> Path:
        return at or key

    listed = sum(p.seats for p in instance.parties)
    unlisted = instance.total_seats - listed
    quota = instance.quota
    rule = instance.government.investiture
    if quota > instance.total_seats:
        yield Problem(f"the quota ({quota}) is above the chamber's {instance.total_seats} "
                      "seats: no government can reach it", where("majority"), kind="base_rules")
    elif rule == "absolute" and listed < quota:
        yield Problem(f"the parties hold {listed} seats, below the quota of {quota}: no "
                      "government can reach it", where("parties"), kind="base_rules")
    elif rule == "relative" and listed <= unlisted:
        yield Problem(f"the parties hold {listed} seats and {unlisted} are held by no listed "
                      "party (votes against): no government can win a relative investiture",
                      where("seats"), kind="base_rules")
    elif rule == "negative" and unlisted >= quota:
        yield Problem(f"{unlisted} seats held by no listed party already reach the quota of "
                      f"{quota} against: no government survives a negative investiture",
                      where("seats"), kind="base_rules")
    high = instance.cabinet.size_range[1]
    needs = {"min_per_party": (instance.cabinet.min_per_party, "a cabinet party's share"),
             "posts": (len(instance.cabinet.all_posts), "the posts (one member each)"),
             "portfolios": (len(instance.cabinet.portfolios),
                            "the named portfolios (one member each)")}
    for key, (need, what) in needs.items():
        if need > high:
            yield Problem(f"{what} need {need} members, but the cabinet has at most {high}; "
                          "raise cabinet.size", where("cabinet", key), kind="base_rules")
    if instance.cabinet.parity is not None:
        yield from _parity_problems(instance, where("cabinet", "parity"))
    yield from _independents_problems(instance, (*at, "cabinet"))


def _parity_problems(instance: Instance, at: Path) -> Iterator[Problem]:
    """Parity's groups each once and each some party's, its exceptions posts."""
    parity = instance.cabinet.parity
    assert parity is not None
    yield from _duplicates("parity groups", parity.groups, at + ("groups",))
    grouped = {p.group for p in instance.parties}
    for j, group in enumerate(parity.groups):
        if group not in grouped:
            yield Problem(f"no party is in group {shown(group)}; give the parties of that group "
                          f"`group: {group}`", at + ("groups", j), kind="reference")
    yield from _duplicates("parity exceptions", parity.except_, at + ("except",))
    for j, post in enumerate(parity.except_):
        yield from _ref("post", post, instance.cabinet.all_posts, at + ("except", j))


def _weights_problems(instance: Instance) -> Iterator[Problem]:
    """Weights name cabinet posts and portfolios, never posts outside cabinet."""
    offices = [*instance.cabinet.all_posts, *instance.cabinet.portfolios]
    for office in instance.cabinet.weights:
        if office in instance.cabinet.outside:
            yield Problem(f"{shown(office)} is a post outside cabinet, which takes no cabinet "
                          "member and so weighs nothing in shares; remove its weight",
                          ("cabinet", "weights", office), kind="meaning")
        else:
            yield from _ref("post or portfolio", office, offices, ("cabinet", "weights", office))


def _outside_problems(instance: Instance) -> Iterator[Problem]:
    """Posts outside cabinet each once, and none also a cabinet post."""
    at = ("cabinet", "outside")
    yield from _duplicates("posts outside cabinet", instance.cabinet.outside, at)
    inside = set(instance.cabinet.all_posts)
    for j, post in enumerate(instance.cabinet.outside):
        if post in inside:
            yield Problem(f"{shown(post)} is a cabinet post (`posts`) and a post outside "
                          "cabinet; list it in one of them", at + (j,), kind="duplicate")


def _policy_conflict_problems(instance: Instance) -> Iterator[Problem]:
    policies = [p.id for p in instance.policies]
    for i, group in enumerate(instance.policy_conflicts):
        if len(set(group)) < 2:
            yield Problem("a conflict names at least two different policies",
                          ("policy_conflicts", i), kind="meaning")
        for j, pid in enumerate(group):
            yield from _ref("policy", pid, policies, ("policy_conflicts", i, j))


def _demand_problems(instance: Instance, demand: DemandBase, at: Path) -> Iterator[Problem]:
    """One generic walk over what the demand's class declares it references, then the checks
    of data the instance must have for it."""
    pools: dict[Reference, list[str]] = {
        "party": _parties(instance), "post": instance.cabinet.every_post,
        "portfolio": list(instance.cabinet.portfolios),
        "policy": [p.id for p in instance.policies],
    }
    for alias, kind, j, ref in demand.referenced():
        where = at + (alias,) + (() if j is None else (j,))
        yield from _ref(kind, ref, pools[kind], where)
        if alias in demand.not_self and ref == demand.party:
            yield Problem(f"{ref!r} cannot name itself here", where, kind="meaning")
    yield from _when_problems(demand, at)
    yield from _data_problems(instance, demand, at)


def _when_problems(demand: DemandBase, at: Path) -> Iterator[Problem]:
    if demand.when is not None and demand.default_when is None:
        yield Problem(f"a `{demand.type}` demand is always in force; remove `when`",
                      at + ("when",), kind="meaning")
    elif demand.when is not None and demand.party is None:
        yield Problem("`when` needs the `party` whose role it refers to", at + ("when",),
                      kind="meaning")


def _data_problems(instance: Instance, demand: DemandBase, at: Path) -> Iterator[Problem]:
    """What the instance must have for the demand to mean anything (its class says)."""
    for problem in demand.problems(instance):
        yield Problem(problem.message, at + problem.path, kind=problem.kind)


def _parties(instance: Instance) -> list[str]:
    """The ids a demand or an outcome may name: the parties, and `independent` where the
    cabinet has non-party ministers."""
    extra = [INDEPENDENT] if instance.cabinet.independents is not None else []
    return [*instance.party_ids, *extra]


def _independents_problems(instance: Instance, at: Path) -> Iterator[Problem]:
    """The id `independent` is the non-party ministers' alone; their posts are posts."""
    independents = instance.cabinet.independents
    if independents is None:
        return
    if INDEPENDENT in instance.party_ids:
        yield Problem(f"the id {INDEPENDENT!r} stands for the non-party ministers of "
                      "`cabinet.independents`; give the party another id",
                      ("parties", instance.party_ids.index(INDEPENDENT), "id"),
                      kind="duplicate")
    for j, post in enumerate(independents.posts):
        yield from _ref("post", post, instance.cabinet.all_posts,
                        at + ("independents", "posts", j))


def _outcome_problems(instance: Instance, outcome: Outcome, at: Path) -> Iterator[Problem]:
    parties = _parties(instance)
    for key in ("cabinet", "support", "abstain"):
        listed = getattr(outcome, key) or []
        for j, pid in enumerate(listed):
            yield from _ref("party", pid, parties, at + (key, pid if isinstance(listed, dict)
                                                         else j))
    yield from _partisan(outcome, at)
    if outcome.abstain and instance.government.investiture == "absolute":
        yield Problem("`abstain` needs government.investiture relative or negative",
                      at + ("abstain",), kind="meaning")
    for key, pool in (("posts", instance.cabinet.every_post),
                      ("portfolios", instance.cabinet.portfolios)):
        for name, holder in (getattr(outcome, key) or {}).items():
            yield from _ref(key[:-1], name, pool, at + (key, name))
            yield from _ref("party", holder, parties, at + (key, name))
    roles = [set(getattr(outcome, k) or []) for k in ("cabinet", "support", "abstain")]
    for a, b in combinations(roles, 2):
        for pid in sorted(a & b):
            yield Problem(f"{pid!r} is given two roles in the outcome", at, kind="meaning")


def _previous_problems(instance: Instance) -> Iterator[Problem]:
    """The outgoing government names parties of this parliament, its leader among them."""
    previous = instance.previous
    assert previous is not None
    ids = instance.party_ids
    for j, party in enumerate(previous.cabinet):
        yield from _ref("party", party, ids, ("previous", "cabinet", j))
    yield from _duplicates("the outgoing cabinet", previous.cabinet, ("previous", "cabinet"))
    if previous.leader is not None:
        yield from _ref("party", previous.leader, ids, ("previous", "leader"))
        if previous.leader in ids and previous.leader not in previous.cabinet:
            yield Problem(f"the outgoing leader's party {previous.leader!r} is not among the "
                          "outgoing cabinet's parties", ("previous", "leader"), kind="meaning")


def _partisan(outcome: Outcome, at: Path) -> Iterator[Problem]:
    """A recorded cabinet of no party cannot be expressed (SPEC §2: C is non-empty)."""
    if outcome.cabinet is not None and len(outcome.cabinet) == 0:
        yield Problem("an empty cabinet is a non-partisan (technocratic) cabinet: give the "
                      "cabinet `independents` (non-party ministers) and record it as "
                      f"`cabinet: [{INDEPENDENT}]`, or leave the outcome's cabinet out",
                      at + ("cabinet",), kind="meaning")


def _relaxed_by(instance: Instance, ids: list[str] | None, at: Path) -> Iterator[Problem]:
    demand_ids = [d.key for d in instance.demands]
    for j, did in enumerate(ids or []):
        yield from _ref("demand", did, demand_ids, at + ("relaxed_by", j))


def _ref(what: str, ref: str, pool: Iterable[Any], at: Path) -> Iterator[Problem]:
    pool = list(pool)
    if ref not in pool:
        listed = [p for p in pool if p not in HIDDEN.get()]
        yield Problem(f"unknown {what} {shown(ref)} ({known(listed)})", at, kind="reference")

