"""Instance -> one CP-SAT model: the base rules of SPEC §2 and every demand type of SPEC §3.

Variables: per party one boolean per role (cabinet, support, abstain where investiture allows it,
opposition) and a member count; per post and per named portfolio, one boolean per possible holder.
Every auxiliary variable (involvement, the majority form, the programme, proportionality products)
is tied to those by a full equivalence, so that enumerating solutions enumerates allocations
exactly once (see ../shared/CPSAT-NOTES.md: a half-reified auxiliary duplicates solutions).

Each demand is guarded by an *active* literal: the constant True when solving, a free boolean when
explaining, so that CP-SAT can assume demands in or out (`active`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from itertools import combinations, permutations
from math import lcm
from typing import Any

from ortools.sat.python import cp_model, cp_model_helper

from . import model as m

Literal = cp_model.IntVar | cp_model_helper.Literal | bool  # a BoolVar, its negation, a constant
CABINET, SUPPORT, ABSTAIN, OPPOSITION = range(4)
ROLE_NAMES = ("cabinet", "support", "abstain", "opposition")

#: demand types that constrain member counts, posts or portfolios, not only the parties' roles
ALLOCATION_TYPES = frozenset({
    "veto_leader", "veto_post", "requires_post", "requires_portfolio", "min_portfolios",
    "max_portfolios", "equal_split", "proportional", "distinct_posts",
})


class Encoding:
    """The CP-SAT model of one (scenario-resolved) instance.

    `roles_only` leaves out member counts, posts, portfolios and the demands about them: the
    model whose solutions are the coalitions. `relaxable` gives every non-fixed demand a free
    active literal instead of the constant True.
    """

    def __init__(self, instance: m.Instance, *, roles_only: bool = False,
                 relaxable: bool = False) -> None:
        self.instance = instance
        self.roles_only = roles_only
        self.model = cp_model.CpModel()
        self.parties = instance.party_ids
        self.index = {pid: i for i, pid in enumerate(self.parties)}
        self.seats = [p.seats for p in instance.parties]
        self.quota = instance.quota
        self.unlisted = instance.total_seats - sum(self.seats)
        self.investiture = instance.government.investiture
        self.posts = instance.cabinet.all_posts
        self.portfolio_names = list(instance.cabinet.portfolios)
        self._involved: dict[int, Literal] = {}

        self._roles()
        if not roles_only:
            self._allocation()
        self.active: dict[str, Literal] = {
            d.key: (True if d.fixed or not relaxable else self.model.new_bool_var(f"active:{d.id}"))
            for d in instance.demands
        }
        self.demands = [d for d in instance.demands
                        if not (roles_only and d.type in ALLOCATION_TYPES)]  # type: ignore[attr-defined]
        self.programme = self._programme()
        for demand in self.demands:
            ENCODERS[demand.type](self, demand)  # type: ignore[attr-defined]

    # --- variables and base rules -------------------------------------------------------------

    def _roles(self) -> None:
        new = self.model.new_bool_var
        k = range(len(self.parties))
        self.cabinet = [new(f"cabinet:{p}") for p in self.parties]
        self.support = [new(f"support:{p}") for p in self.parties]
        self.abstain: list[Literal] = (
            [False for _ in k] if self.investiture == "absolute"
            else [new(f"abstain:{p}") for p in self.parties]
        )
        self.opposition = [new(f"opposition:{p}") for p in self.parties]
        self.role_vars = (self.cabinet, self.support, self.abstain, self.opposition)
        for i in k:
            self.model.add_exactly_one(
                [lit for lit in (self.cabinet[i], self.support[i], self.abstain[i],
                                 self.opposition[i]) if lit is not False]
            )
        self.model.add(sum(self.cabinet) >= 1)

        w = self.seats
        cab_seats = sum(w[i] * self.cabinet[i] for i in k)
        for_seats = cab_seats + sum(w[i] * self.support[i] for i in k)
        against = sum(w[i] * self.opposition[i] for i in k) + self.unlisted
        self.majority_form = new("form:majority")
        self.model.add(cab_seats >= self.quota).only_enforce_if(self.majority_form)
        self.model.add(cab_seats <= self.quota - 1).only_enforce_if(~self.majority_form)
        helpers = [lit for lit in (*self.support, *self.abstain) if lit is not False]
        self.model.add(sum(helpers) == 0).only_enforce_if(self.majority_form)
        forms = self.instance.government.forms
        if "majority" not in forms:
            self.model.add(self.majority_form == 0)
        if "minority" not in forms:
            self.model.add(self.majority_form == 1)

        # the government gets in, and every supporter and abstainer is needed for that
        if self.investiture == "absolute":
            self.model.add(for_seats >= self.quota)
            for i in k:
                self.model.add(for_seats - w[i] <= self.quota - 1).only_enforce_if(self.support[i])
        elif self.investiture == "relative":
            self.model.add(for_seats >= against + 1)
            for i in k:
                self.model.add(for_seats - w[i] <= against + w[i]).only_enforce_if(self.support[i])
                self.model.add(for_seats <= against + w[i]).only_enforce_if(self.abstain[i])
        else:
            self.model.add(against <= self.quota - 1)
            for i in k:
                for helper in (self.support[i], self.abstain[i]):
                    self.model.add(against + w[i] >= self.quota).only_enforce_if(helper)

    def _allocation(self) -> None:
        low, high = self.instance.cabinet.size_range
        per_party = self.instance.cabinet.min_per_party
        k = range(len(self.parties))
        self.members = [self.model.new_int_var(0, max(high, 0), f"n:{p}") for p in self.parties]
        for i in k:
            self.model.add(self.members[i] >= per_party).only_enforce_if(self.cabinet[i])
            self.model.add(self.members[i] == 0).only_enforce_if(~self.cabinet[i])
        self.model.add_linear_constraint(sum(self.members), low, high)
        self.holders = {post: self._holders(f"post:{post}") for post in self.posts}
        self.portfolio_holders = {
            name: self._holders(f"portfolio:{name}") for name in self.portfolio_names
        }
        for table in (self.holders, self.portfolio_holders):
            for i in k:
                held = [row[i] for row in table.values()]
                if held:
                    self.model.add(sum(held) <= self.members[i])

    def _holders(self, name: str) -> list[cp_model.IntVar]:
        row = [self.model.new_bool_var(f"{name}:{p}") for p in self.parties]
        self.model.add_exactly_one(row)
        for holder, in_cabinet in zip(row, self.cabinet, strict=True):
            self.model.add_implication(holder, in_cabinet)
        return row

    def involved(self, i: int) -> Literal:
        """cabinet or support: a boolean equal to their sum, made on first use."""
        if i not in self._involved:
            lit = self.model.new_bool_var(f"involved:{self.parties[i]}")
            self.model.add(lit == self.cabinet[i] + self.support[i])
            self._involved[i] = lit
        return self._involved[i]

    # --- helpers ------------------------------------------------------------------------------

    def in_force(self, demand: m.DemandBase) -> list[Literal]:
        """The literals whose conjunction puts `demand` in force: active, and its party's role."""
        role = m.scope(demand)
        lits: list[Literal] = [self.active[demand.key]]
        if role == "cabinet":
            lits.append(self.cabinet[self.index[demand.party]])  # type: ignore[index]
        elif role == "involved":
            lits.append(self.involved(self.index[demand.party]))  # type: ignore[index]
        return lits

    def require(self, constraint: cp_model.Constraint, enforcement: Iterable[Literal]) -> None:
        """`constraint` holds whenever all of `enforcement` (variables or True) hold."""
        lits = [lit for lit in enforcement if lit is not True]
        if lits:
            constraint.only_enforce_if(lits)

    def forbid(self, lits: Sequence[Literal], enforcement: Iterable[Literal]) -> None:
        """None of `lits` is true while `enforcement` holds."""
        lits = [lit for lit in lits if lit is not False]
        if lits:
            self.require(self.model.add_bool_and([negation(lit) for lit in lits]), enforcement)

    def _conjunction(self, lits: Sequence[Literal], name: str) -> Literal:
        lits = [lit for lit in lits if lit is not True]
        if any(lit is False for lit in lits):
            return False
        if not lits:
            return True
        if len(lits) == 1:
            return lits[0]
        both = self.model.new_bool_var(name)
        self.model.add_bool_and(lits).only_enforce_if(both)
        self.model.add_bool_or([~lit for lit in lits]).only_enforce_if(~both)
        return both

    def _programme(self) -> dict[str, Literal]:
        """Policy -> whether it is in the programme: required by some demand in force."""
        causes: dict[str, list[Literal]] = {p.id: [] for p in self.instance.policies}
        for demand in self.demands:
            if demand.type == "requires_policy":  # type: ignore[attr-defined]
                lit = self._conjunction(self.in_force(demand), f"force:{demand.id}")
                for policy in demand.policies:  # type: ignore[attr-defined]
                    causes[policy].append(lit)
        programme: dict[str, Literal] = {}
        for policy, lits in causes.items():
            lits = [lit for lit in lits if lit is not False]
            if any(lit is True for lit in lits) or not lits:
                programme[policy] = bool(lits)
                continue
            var = self.model.new_bool_var(f"programme:{policy}")
            self.model.add_bool_or(lits).only_enforce_if(var)
            for lit in lits:
                self.model.add_implication(lit, var)
            programme[policy] = var
        for group in self.instance.policy_conflicts:
            for a, b in combinations(dict.fromkeys(group), 2):
                pair = [programme[a], programme[b]]
                if all(lit is not False for lit in pair):
                    self.model.add_bool_or([negation(lit) for lit in pair])
        return programme

    def weights(self, demand: m.Proportional) -> list[int]:
        """Seats or votes as exact integers (votes scaled by the lcm of their denominators)."""
        if demand.basis == "seats":
            return list(self.seats)
        votes = [m.exact(p.votes) if p.votes is not None else Fraction(0)
                 for p in self.instance.parties]
        scale = lcm(*(v.denominator for v in votes))
        return [int(v * scale) for v in votes]


def negation(lit: Literal) -> Literal:
    return (not lit) if isinstance(lit, bool) else ~lit


# --- one encoder per demand type ---------------------------------------------------------------

Encoder = Callable[[Encoding, Any], None]


def _veto(enc: Encoding, d: m.VetoLeader | m.VetoPost) -> None:
    post = d.post if isinstance(d, m.VetoPost) else "leader"
    enc.forbid([enc.holders[post][enc.index[p]] for p in d.of], enc.in_force(d))


def _requires_holding(enc: Encoding, d: m.RequiresPost | m.RequiresPortfolio) -> None:
    table = enc.holders if isinstance(d, m.RequiresPost) else enc.portfolio_holders
    key = d.post if isinstance(d, m.RequiresPost) else d.portfolio
    enc.require(enc.model.add_bool_and([table[key][enc.index[d.party]]]),  # type: ignore[index]
                enc.in_force(d))


def _refuse_partner(enc: Encoding, d: m.RefusePartner) -> None:
    roles = {"cabinet": enc.cabinet, "support": enc.support}
    enc.forbid([roles[r][enc.index[p]] for p in d.with_ for r in d.as_], enc.in_force(d))


def _requires_partner(enc: Encoding, d: m.RequiresPartner) -> None:
    enc.require(enc.model.add_bool_and([enc.cabinet[enc.index[p]] for p in d.with_]),
                enc.in_force(d))


def _requires_form(enc: Encoding, d: m.RequiresForm) -> None:
    form = enc.majority_form if d.form == "majority" else ~enc.majority_form
    enc.require(enc.model.add_bool_and([form]), enc.in_force(d))


def _refuse_support(enc: Encoding, d: m.RefuseSupport) -> None:
    me = enc.support[enc.index[d.party]]  # type: ignore[index]
    for p in d.of:
        enc.require(enc.model.add_bool_or([~me, ~enc.cabinet[enc.index[p]]]), [enc.active[d.key]])


def _partners(enc: Encoding, d: m.MinPartners | m.MaxPartners) -> None:
    me = enc.index[d.party]  # type: ignore[index]
    others: cp_model.LinearExprT
    if m.scope(d) == "cabinet":
        others = sum(enc.cabinet[i] for i in range(len(enc.parties)) if i != me)
    else:
        others = sum(enc.involved(i) for i in range(len(enc.parties)) if i != me)
    bound = others >= d.count if isinstance(d, m.MinPartners) else others <= d.count
    enc.require(enc.model.add(bound), enc.in_force(d))


def _portfolios(enc: Encoding, d: m.MinPortfolios | m.MaxPortfolios) -> None:
    n = enc.members[enc.index[d.party]]  # type: ignore[index]
    enc.require(enc.model.add(n >= d.count if isinstance(d, m.MinPortfolios) else n <= d.count),
                enc.in_force(d))


def _opposes_policy(enc: Encoding, d: m.OpposesPolicy) -> None:
    enc.forbid([enc.programme[p] for p in d.policies], enc.in_force(d))


def _role(enc: Encoding, d: m.RoleDemand) -> None:
    i = enc.index[d.party]  # type: ignore[index]
    allowed = [enc.role_vars[ROLE_NAMES.index(r)][i] for r in d.in_]
    allowed = [lit for lit in allowed if lit is not False]
    enc.require(enc.model.add_bool_or(allowed), enc.in_force(d))


def _equal_split(enc: Encoding, d: m.EqualSplit) -> None:
    for a, b in combinations(dict.fromkeys(d.parties), 2):
        i, j = enc.index[a], enc.index[b]
        enc.require(enc.model.add(enc.members[i] == enc.members[j]),
                    [*enc.in_force(d), enc.cabinet[i], enc.cabinet[j]])


def _proportional(enc: Encoding, d: m.Proportional) -> None:
    w = enc.weights(d)
    scope = [enc.index[p] for p in (d.parties or enc.parties)]
    scope = list(dict.fromkeys(scope))
    n, c, model = enc.members, enc.cabinet, enc.model
    force = enc.in_force(d)
    if d.method in ("dhondt", "sainte_lague"):
        for p, q in permutations(scope, 2):
            if d.method == "dhondt":
                enc.require(model.add(w[p] * n[q] <= w[q] * (n[p] + 1)), [*force, c[p], c[q]])
            else:
                positive: Literal = (c[q] if enc.instance.cabinet.min_per_party >= 1
                                     else _positive(enc, q))
                enc.require(model.add(w[p] * (2 * n[q] - 1) <= w[q] * (2 * n[p] + 1)),
                            [*force, c[p], c[q], positive])
        return
    # share and hamilton compare n[p]·W with N·w[p]: W is a sum over the cabinet, so the
    # products n[p]·W get variables of their own (each fully determined by n and the roles)
    high = enc.instance.cabinet.size_range[1]
    total_w = model.new_int_var(0, sum(w[i] for i in scope), f"W:{d.id}")
    model.add(total_w == sum(w[i] * c[i] for i in scope))
    total_n = sum(n[i] for i in scope)
    product = {}
    for p in scope:
        product[p] = model.new_int_var(0, max(high, 0) * sum(w[i] for i in scope),
                                       f"nW:{d.id}:{p}")
        model.add_multiplication_equality(product[p], [n[p], total_w])
    if d.method == "share":
        t = m.exact(d.tolerance)
        for p in scope:
            gap = t.denominator * (product[p] - w[p] * total_n)
            enc.require(model.add(gap <= t.numerator * total_w), [*force, c[p]])
            enc.require(model.add(gap >= -t.numerator * total_w), [*force, c[p]])
        return
    # hamilton: every n[p] is floor or ceil of its quota N·w[p]/W (|n·W − N·w| < W), and a party
    # rounded up has at least the remainder of every party rounded down
    up = {}
    for p in scope:
        enc.require(model.add(product[p] - w[p] * total_n <= total_w - 1), [*force, c[p]])
        enc.require(model.add(w[p] * total_n - product[p] <= total_w - 1), [*force, c[p]])
        up[p] = model.new_bool_var(f"up:{d.id}:{p}")
        model.add(product[p] >= w[p] * total_n + 1).only_enforce_if(up[p])
        model.add(product[p] <= w[p] * total_n).only_enforce_if(~up[p])
    for p, q in permutations(scope, 2):
        enc.require(model.add(w[p] * total_n - product[p] + total_w
                              >= w[q] * total_n - product[q]),
                    [*force, c[p], c[q], up[p], ~up[q]])


def _positive(enc: Encoding, i: int) -> cp_model.IntVar:
    lit = enc.model.new_bool_var(f"positive:{enc.parties[i]}")
    enc.model.add(enc.members[i] >= 1).only_enforce_if(lit)
    enc.model.add(enc.members[i] == 0).only_enforce_if(~lit)
    return lit


def _distinct_posts(enc: Encoding, d: m.DistinctPosts) -> None:
    posts = list(dict.fromkeys(d.posts))
    for i in range(len(enc.parties)):
        enc.require(enc.model.add(sum(enc.holders[post][i] for post in posts) <= 1),
                    enc.in_force(d))


def _max_cabinet_parties(enc: Encoding, d: m.MaxCabinetParties) -> None:
    enc.require(enc.model.add(sum(enc.cabinet) <= d.count), enc.in_force(d))


def _minimal_winning(enc: Encoding, d: m.MinimalWinning) -> None:
    k = range(len(enc.parties))
    seats = sum(enc.seats[i] * enc.involved(i) for i in k)
    for i in k:
        enc.require(enc.model.add(seats - enc.seats[i] <= enc.quota - 1),
                    [*enc.in_force(d), enc.involved(i)])


def _connected(enc: Encoding, d: m.Connected) -> None:
    pos = [m.exact(p.position) for p in enc.instance.parties]  # type: ignore[arg-type]
    k = range(len(enc.parties))
    for r in k:
        for p, q in permutations(k, 2):
            if pos[p] < pos[r] < pos[q]:
                enc.require(enc.model.add_bool_or(
                    [~enc.involved(p), ~enc.involved(q), enc.involved(r)]), enc.in_force(d))


def _nothing(enc: Encoding, d: m.RequiresPolicy) -> None:
    """requires_policy acts through the programme (see `Encoding._programme`)."""


ENCODERS: dict[str, Encoder] = {
    "veto_leader": _veto,
    "veto_post": _veto,
    "requires_post": _requires_holding,
    "requires_portfolio": _requires_holding,
    "refuse_partner": _refuse_partner,
    "requires_partner": _requires_partner,
    "requires_form": _requires_form,
    "refuse_support": _refuse_support,
    "min_partners": _partners,
    "max_partners": _partners,
    "min_portfolios": _portfolios,
    "max_portfolios": _portfolios,
    "requires_policy": _nothing,
    "opposes_policy": _opposes_policy,
    "role": _role,
    "equal_split": _equal_split,
    "proportional": _proportional,
    "distinct_posts": _distinct_posts,
    "max_cabinet_parties": _max_cabinet_parties,
    "minimal_winning": _minimal_winning,
    "connected": _connected,
}
