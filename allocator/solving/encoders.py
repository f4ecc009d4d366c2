"""One CP-SAT encoder per demand type (SPEC §3): how each demand class becomes constraints of
an `Encoding`. Everything else about a type is on its class (`instance.demands`);
tests/test_model.py checks that every class has an encoder here.

An encoder adds its constraints guarded by `enc.in_force(demand)`: the demand's active literal
(True when solving, a free indicator when explaining) and its party's role.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations, permutations
from typing import TYPE_CHECKING, Any

from ..instance.demands import (
    Connected,
    DemandBase,
    DistinctPosts,
    EqualSplit,
    MaxCabinetParties,
    MaxPartners,
    MaxPortfolios,
    MinimalWinning,
    MinPartners,
    MinPortfolios,
    OpposesPolicy,
    Proportional,
    RefusePartner,
    RefuseSupport,
    RequiresForm,
    RequiresPartner,
    RequiresPolicy,
    RequiresPortfolio,
    RequiresPost,
    RoleDemand,
    VetoLeader,
    VetoPost,
)
from ..instance.fields import exact
from ..instance.schema import Instance
from ..instance.transform import INDEPENDENT
from .result import ROLE_NAMES

if TYPE_CHECKING:  # encoders are called by the encoding they add to
    from ortools.sat.python import cp_model

    from .encoding import Encoding

Encoder = Callable[["Encoding", Any], None]


def _veto(enc: Encoding, d: VetoLeader | VetoPost) -> None:
    post = d.post if isinstance(d, VetoPost) else "leader"
    enc.forbid([enc.holders[post][enc.index[p]] for p in d.of], enc.in_force(d))


def _requires_holding(enc: Encoding, d: RequiresPost | RequiresPortfolio) -> None:
    if isinstance(d, RequiresPost):
        holder = enc.holders[d.post][enc.index[d.party]]
    else:
        holder = enc.portfolio_holders[d.portfolio][enc.index[d.party]]
    enc.require(enc.model.add_bool_and([holder]), enc.in_force(d))


def _refuse_partner(enc: Encoding, d: RefusePartner) -> None:
    roles = {"cabinet": enc.cabinet, "support": enc.support}
    enc.forbid([roles[r][enc.index[p]] for p in d.with_ for r in d.as_], enc.in_force(d))


def _requires_partner(enc: Encoding, d: RequiresPartner) -> None:
    enc.require(enc.model.add_bool_and([enc.cabinet[enc.index[p]] for p in d.with_]),
                enc.in_force(d))


def _requires_form(enc: Encoding, d: RequiresForm) -> None:
    form = enc.majority_form if d.form == "majority" else ~enc.majority_form
    enc.require(enc.model.add_bool_and([form]), enc.in_force(d))


def _refuse_support(enc: Encoding, d: RefuseSupport) -> None:
    me = enc.support[enc.index[d.party]]
    for p in d.of:
        enc.require(enc.model.add_bool_or([~me, ~enc.cabinet[enc.index[p]]]), enc.in_force(d))


def _partners(enc: Encoding, d: MinPartners | MaxPartners) -> None:
    me = enc.index[d.party]
    partner = enc.cabinet.__getitem__ if d.scope == "cabinet" else enc.involved
    others = sum(partner(i) for i in enc.partisan if i != me)
    bound = others >= d.count if isinstance(d, MinPartners) else others <= d.count
    enc.require(enc.model.add(bound), enc.in_force(d))


def _portfolios(enc: Encoding, d: MinPortfolios | MaxPortfolios) -> None:
    n = enc.members[enc.index[d.party]]
    enc.require(enc.model.add(n >= d.count if isinstance(d, MinPortfolios) else n <= d.count),
                enc.in_force(d))


def _requires_policy(enc: Encoding, d: RequiresPolicy) -> None:
    """While the demand is in force, its policies are in the programme."""
    cause = enc.conjunction(enc.in_force(d), f"force:{d.id}")
    for policy in d.policies:
        enc.programme_causes[policy].append(cause)
        if cause is not False:
            enc.require(enc.model.add_bool_and([enc.programme[policy]]), [cause])


def _opposes_policy(enc: Encoding, d: OpposesPolicy) -> None:
    enc.forbid([enc.programme[p] for p in d.policies], enc.in_force(d))


def _role(enc: Encoding, d: RoleDemand) -> None:
    i = enc.index[d.party]
    allowed = [enc.role_vars[ROLE_NAMES.index(r)][i] for r in d.in_ if r != "outside"]
    if d.outside_only:  # (the roles-only model knows no posts: a supporter may be one)
        allowed.append(enc.support[i] if enc.roles_only else enc.outside_minister(i))
    allowed = [lit for lit in allowed if lit is not False]
    enc.require(enc.model.add_bool_or(allowed), enc.in_force(d))


def _equal_split(enc: Encoding, d: EqualSplit) -> None:
    for a, b in combinations(dict.fromkeys(d.parties), 2):
        i, j = enc.index[a], enc.index[b]
        enc.require(enc.model.add(enc.members[i] == enc.members[j]),
                    [*enc.in_force(d), enc.cabinet[i], enc.cabinet[j]])


def apportioned(instance: Instance, d: Proportional) -> list[int]:
    """The parties a `proportional` demand apportions among (instance indexes, each once):
    those it names, or every party; never the non-party ministers."""
    ids = instance.party_ids
    named = [ids.index(p) for p in dict.fromkeys(d.parties)] if d.parties else range(len(ids))
    return [i for i in named if ids[i] != INDEPENDENT]


def _proportional(enc: Encoding, d: Proportional) -> None:
    scope = apportioned(enc.instance, d)
    if d.method == "dhondt":
        _dhondt(enc, d, scope)
    elif d.method == "sainte_lague":
        _sainte_lague(enc, d, scope)
    else:
        _quota_method(enc, d, scope)


def _counted(enc: Encoding, i: int, low: int, high: int) -> cp_model.IntVar:
    """Party i's weighted members (`Encoding.value`): its member count where no office is
    weighted, else a variable equal to them (a product needs one)."""
    if not enc.instance.cabinet.weights:
        return enc.members[i]
    counted = enc.model.new_int_var(low, high, f"value:{enc.parties[i]}")
    enc.model.add(counted == enc.value(i))
    return counted


def _dhondt(enc: Encoding, d: Proportional, scope: list[int]) -> None:
    """For all p, q in the cabinet: w[p]·n[q] <= w[q]·(n[p] + 1)."""
    w, n, c = d.weights(enc.instance), enc.members, enc.cabinet
    for p, q in permutations(scope, 2):
        enc.require(enc.model.add(w[p] * n[q] <= w[q] * (n[p] + 1)),
                    [*enc.in_force(d), c[p], c[q]])


def _sainte_lague(enc: Encoding, d: Proportional, scope: list[int]) -> None:
    """For all p, q in the cabinet with n[q] >= 1: w[p]·(2·n[q] − 1) <= w[q]·(2·n[p] + 1)."""
    w, n, c = d.weights(enc.instance), enc.members, enc.cabinet
    for p, q in permutations(scope, 2):  # a cabinet party has n >= min_per_party >= 1
        enc.require(enc.model.add(w[p] * (2 * n[q] - 1) <= w[q] * (2 * n[p] + 1)),
                    [*enc.in_force(d), c[p], c[q]])


def _quota_method(enc: Encoding, d: Proportional, scope: list[int]) -> None:
    """share and hamilton compare n[p]·W with N·w[p]: W is a sum over the cabinet, so the
    products n[p]·W get variables of their own (each fully determined by n and the roles).
    `share` counts each party's members weighted by the posts and portfolios they hold
    (`cabinet.weights`, in 1/unit), hamilton whole members."""
    w, c, model = d.weights(enc.instance), enc.cabinet, enc.model
    cabinet = enc.instance.cabinet
    share = d.method == "share"
    unit = cabinet.unit if share else 1
    low, high = cabinet.value_range() if share else (0, cabinet.size_range[1])
    n = {p: _counted(enc, p, low, high) if share else enc.members[p] for p in scope}
    total_w = model.new_int_var(0, sum(w[i] for i in scope), f"W:{d.id}")
    model.add(total_w == sum(w[i] * c[i] for i in scope))
    total_n = sum(n[i] for i in scope)
    whole = sum(w[i] for i in scope)
    product = {}
    for p in scope:
        product[p] = model.new_int_var(min(low, 0) * whole, max(high, 0) * whole,
                                       f"nW:{d.id}:{p}")
        model.add_multiplication_equality(product[p], [n[p], total_w])
    # gap[p] = n[p]·W − N·w[p]: the party's distance from its exact quota, times W
    gap = {p: product[p] - w[p] * total_n for p in scope}
    force = enc.in_force(d)
    if share:
        t = exact(d.tolerance)
        for p in scope:
            enc.require(model.add(t.denominator * gap[p] <= t.numerator * unit * total_w),
                        [*force, c[p]])
            enc.require(model.add(t.denominator * gap[p] >= -t.numerator * unit * total_w),
                        [*force, c[p]])
        return
    # hamilton: every n[p] is floor or ceil of its quota (|gap| < W), and a party rounded up
    # (gap > 0) has at least the remainder of every party rounded down
    up = {}
    for p in scope:
        enc.require(model.add(gap[p] <= total_w - 1), [*force, c[p]])
        enc.require(model.add(-gap[p] <= total_w - 1), [*force, c[p]])
        up[p] = model.new_bool_var(f"up:{d.id}:{p}")
        model.add(gap[p] >= 1).only_enforce_if(up[p])
        model.add(gap[p] <= 0).only_enforce_if(~up[p])
    for p, q in permutations(scope, 2):
        enc.require(model.add(total_w - gap[p] >= -gap[q]), [*force, c[p], c[q], up[p], ~up[q]])


def _distinct_posts(enc: Encoding, d: DistinctPosts) -> None:
    posts = list(dict.fromkeys(d.posts))
    for i in range(len(enc.parties)):
        enc.require(enc.model.add(sum(enc.holders[post][i] for post in posts) <= 1),
                    enc.in_force(d))


def _max_cabinet_parties(enc: Encoding, d: MaxCabinetParties) -> None:
    enc.require(enc.model.add(sum(enc.cabinet[i] for i in enc.partisan) <= d.count),
                enc.in_force(d))


def _minimal_winning(enc: Encoding, d: MinimalWinning) -> None:
    k = enc.partisan
    seats = sum(enc.seats[i] * enc.involved(i) for i in k)
    for i in k:
        enc.require(enc.model.add(seats - enc.seats[i] <= enc.quota + enc.margin - 1),
                    [*enc.in_force(d), enc.involved(i)])


def _connected(enc: Encoding, d: Connected) -> None:
    pos = [exact(p.position if p.position is not None else 0) for p in enc.instance.parties]
    k = enc.partisan
    for r in k:
        for p, q in permutations(k, 2):
            if pos[p] < pos[r] < pos[q]:
                enc.require(enc.model.add_bool_or(
                    [~enc.involved(p), ~enc.involved(q), enc.involved(r)]), enc.in_force(d))


#: the encoder of every demand class; tests/test_model.py checks that none is missing
ENCODERS: dict[type[DemandBase], Encoder] = {
    VetoLeader: _veto,
    VetoPost: _veto,
    RequiresPost: _requires_holding,
    RequiresPortfolio: _requires_holding,
    RefusePartner: _refuse_partner,
    RequiresPartner: _requires_partner,
    RequiresForm: _requires_form,
    RefuseSupport: _refuse_support,
    MinPartners: _partners,
    MaxPartners: _partners,
    MinPortfolios: _portfolios,
    MaxPortfolios: _portfolios,
    RequiresPolicy: _requires_policy,
    OpposesPolicy: _opposes_policy,
    RoleDemand: _role,
    EqualSplit: _equal_split,
    Proportional: _proportional,
    DistinctPosts: _distinct_posts,
    MaxCabinetParties: _max_cabinet_parties,
    MinimalWinning: _minimal_winning,
    Connected: _connected,
}

