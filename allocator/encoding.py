"""Instance -> one CP-SAT model: the base rules of SPEC §2 and every demand type of SPEC §3.

Variables: per party one boolean per role (cabinet, support, abstain where investiture allows it,
opposition) and a member count; per post and per named portfolio, one boolean per possible holder.
Every auxiliary variable (involvement, the majority form, the programme, proportionality products)
is tied to those by a full equivalence, so that enumerating solutions enumerates allocations
exactly once (../shared/CPSAT-NOTES.md: a half-reified auxiliary duplicates solutions).

Each demand is guarded by an *active* literal: the constant True when solving, a free boolean when
explaining, so that CP-SAT can assume demands in or out (`active`). Each demand type has one
encoder, keyed by its class in `ENCODERS`; the model class says everything else about the type.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import combinations, permutations
from typing import Any

from ortools.sat.python import cp_model, cp_model_helper

from . import model as m

Literal = cp_model.IntVar | cp_model_helper.Literal | bool  # a BoolVar, its negation, a constant
CABINET, SUPPORT, ABSTAIN, OPPOSITION = range(4)
ROLE_NAMES = ("cabinet", "support", "abstain", "opposition")


class Model(cp_model.CpModel):
    """CP-SAT's model, without the camelCase aliases that OR-Tools 9.15 adds to every new model
    by walking `dir()`: a millisecond a model, which was a fifth of a sweep's time (each
    coalition search clones a model per cabinet size). Nothing here uses the aliases."""

    def _add_pre_pep8_methods(self) -> None:
        pass

    def clone(self) -> Model:
        copy = Model()
        copy.proto.copy_from(self.proto)
        copy.rebuild_constant_map()
        return copy


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
        self.model: cp_model.CpModel = Model()
        self.parties = instance.party_ids
        self.index = {pid: i for i, pid in enumerate(self.parties)}
        self.seats = [p.seats for p in instance.parties]
        self.quota = instance.quota
        self.unlisted = instance.total_seats - sum(self.seats)
        self.investiture = instance.government.investiture
        self.posts = instance.cabinet.all_posts
        self.portfolio_names = list(instance.cabinet.portfolios)
        self._involved: dict[int, Literal] = {}

        self._role_variables()
        self._majority_form()
        self._investiture()
        if not roles_only:
            self._allocation()
        self.active: dict[str, Literal] = {
            d.key: (True if d.fixed or not relaxable else self.model.new_bool_var(f"active:{d.id}"))
            for d in instance.demands
        }
        self.demands = [d for d in instance.demands
                        if not (roles_only and d.touches_allocation)]
        # policy -> whether it is in the programme; the `requires_policy` encoder names the
        # causes that put it there, `_close_programme` says nothing else does (SPEC §2)
        self.programme: dict[str, cp_model.IntVar] = {
            p.id: self.model.new_bool_var(f"programme:{p.id}") for p in instance.policies}
        self.programme_causes: dict[str, list[Literal]] = {p.id: [] for p in instance.policies}
        for demand in self.demands:
            ENCODERS[type(demand)](self, demand)
        self._close_programme()

    # --- variables and base rules -------------------------------------------------------------

    def _role_variables(self) -> None:
        new = self.model.new_bool_var
        self.cabinet = [new(f"cabinet:{p}") for p in self.parties]
        self.support = [new(f"support:{p}") for p in self.parties]
        self.abstain: list[Literal] = (
            [False for _ in self.parties] if self.investiture == "absolute"
            else [new(f"abstain:{p}") for p in self.parties]
        )
        self.opposition = [new(f"opposition:{p}") for p in self.parties]
        self.role_vars = (self.cabinet, self.support, self.abstain, self.opposition)
        for roles in zip(*self.role_vars, strict=True):
            self.model.add_exactly_one([lit for lit in roles if lit is not False])
        self.model.add(sum(self.cabinet) >= 1)

    def _seats(self, role: Sequence[cp_model.IntVar]) -> cp_model.LinearExpr:
        """The seats of the parties taking a role."""
        return cp_model.LinearExpr.weighted_sum(role, self.seats)

    def _majority_form(self) -> None:
        """`majority_form` <=> the cabinet alone reaches the quota (and then nobody helps)."""
        cab_seats = self._seats(self.cabinet)
        self.majority_form = self.model.new_bool_var("form:majority")
        self.model.add(cab_seats >= self.quota).only_enforce_if(self.majority_form)
        self.model.add(cab_seats <= self.quota - 1).only_enforce_if(~self.majority_form)
        helpers = [lit for lit in (*self.support, *self.abstain) if lit is not False]
        self.model.add(sum(helpers) == 0).only_enforce_if(self.majority_form)
        forms = self.instance.government.forms
        if "majority" not in forms:
            self.model.add(self.majority_form == 0)
        if "minority" not in forms:
            self.model.add(self.majority_form == 1)

    def _investiture(self) -> None:
        """The government gets in, and every supporter and abstainer is needed for that."""
        w, quota = self.seats, self.quota
        for_seats = self._seats(self.cabinet) + self._seats(self.support)
        against = self._seats(self.opposition) + self.unlisted
        add = self.model.add
        if self.investiture == "absolute":
            add(for_seats >= quota)
            for i, supports in enumerate(self.support):
                add(for_seats - w[i] <= quota - 1).only_enforce_if(supports)
        elif self.investiture == "relative":
            add(for_seats >= against + 1)
            for i, (supports, abstains) in enumerate(zip(self.support, self.abstain,
                                                         strict=True)):
                add(for_seats - w[i] <= against + w[i]).only_enforce_if(supports)
                add(for_seats <= against + w[i]).only_enforce_if(abstains)
        else:
            add(against <= quota - 1)
            for i, helps in enumerate(zip(self.support, self.abstain, strict=True)):
                for helper in helps:
                    add(against + w[i] >= quota).only_enforce_if(helper)

    def _allocation(self) -> None:
        low, high = self.instance.cabinet.size_range
        per_party = self.instance.cabinet.min_per_party
        self.members = [self.model.new_int_var(0, max(high, 0), f"n:{p}") for p in self.parties]
        for n, in_cabinet in zip(self.members, self.cabinet, strict=True):
            self.model.add(n >= per_party).only_enforce_if(in_cabinet)
            self.model.add(n == 0).only_enforce_if(~in_cabinet)
        self.model.add_linear_constraint(sum(self.members), low, high)
        self.holders = {post: self._holders(f"post:{post}") for post in self.posts}
        self.portfolio_holders = {
            name: self._holders(f"portfolio:{name}") for name in self.portfolio_names
        }
        for table in (self.holders, self.portfolio_holders):
            for i, n in enumerate(self.members):
                held = [row[i] for row in table.values()]
                if held:
                    self.model.add(sum(held) <= n)

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
        lits: list[Literal] = [self.active[demand.key]]
        if demand.party is not None and demand.scope == "cabinet":
            lits.append(self.cabinet[self.index[demand.party]])
        elif demand.party is not None and demand.scope == "involved":
            lits.append(self.involved(self.index[demand.party]))
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

    def conjunction(self, lits: Sequence[Literal], name: str) -> Literal:
        """A literal equal to the conjunction of `lits` (a constant where it can be)."""
        lits = [lit for lit in lits if lit is not True]
        if any(lit is False for lit in lits):
            return False
        if not lits:
            return True
        if len(lits) == 1:
            return lits[0]
        both = self.model.new_bool_var(name)
        self.model.add_bool_and(lits).only_enforce_if(both)
        self.model.add_bool_or([negation(lit) for lit in lits]).only_enforce_if(~both)
        return both

    def _close_programme(self) -> None:
        """A policy is in the programme only if some demand in force put it there (the
        `requires_policy` encoder added each cause -> policy), and no two policies listed
        together in `policy_conflicts` are both in it (base rule 3)."""
        for policy, lit in self.programme.items():
            causes = [c for c in self.programme_causes[policy] if c is not False]
            if not causes:
                self.model.add(lit == 0)
            elif all(c is not True for c in causes):  # (a True cause fixed it in the programme)
                self.model.add_bool_or(causes).only_enforce_if(lit)
        for group in self.instance.policy_conflicts:
            for a, b in combinations(dict.fromkeys(group), 2):
                self.model.add_bool_or([~self.programme[a], ~self.programme[b]])


#: truth tables over more subsets than this give way to the seats themselves (`seat_signature`)
MAX_TABLE = 6_561


def seat_signature(instance: m.Instance) -> Hashable:
    """Everything the encoding reads from the seats and votes, in a form that two parliaments
    often share: instances equal but for their seats and votes, with equal signatures, have
    exactly the same solutions (a sweep solves each signature once).

    The seats enter the model only through these comparisons, which must be kept in step with
    every use of `seats`, `quota` and `unlisted` above:
    * whether a set of parties reaches the quota (`_majority_form`, absolute investiture, and
      `minimal_winning`): a truth table over every subset;
    * relative investiture, whether 2 x seats(for) + seats(abstaining) exceeds the chamber
      (for > against, with against the rest): a table over every (for, abstain) split;
    * negative investiture, whether a set of parties (the opposition) plus the unlisted seats
      stays below the quota;
    * the weights of `proportional` demands (seats or votes).
    Where a table would be too long, the seats themselves are the signature.
    """
    weights = tuple(tuple(d.weights(instance)) for d in instance.demands
                    if isinstance(d, m.Proportional))
    return seat_tables([p.seats for p in instance.parties], instance.quota,
                       instance.total_seats, instance.government.investiture) + (weights,)


def seat_tables(seats: Sequence[int], quota: int, total: int, rule: str) -> tuple[Any, ...]:
    """`seat_signature` but for the weights, from the numbers alone (a sweep computes it for
    every draw, without building an instance where no `proportional` demand needs one)."""
    size = 3 ** len(seats) if rule == "relative" else 2 ** len(seats)
    if size > MAX_TABLE:
        return (rule, tuple(seats), quota, total)
    return (rule, *_seat_tables(seats, quota, total, rule))


def _seat_tables(seats: Sequence[int], quota: int, total: int, rule: str) -> list[bytes]:
    """The truth tables of `seat_signature`: every subset's seats against the quota, then the
    investiture rule's own comparison."""
    sums = [0]
    for w in seats:
        sums += [s + w for s in sums]
    tables = [bytes(s >= quota for s in sums)]
    if rule == "relative":  # each party against, for (counted twice) or abstaining
        votes = [0]
        for w in seats:
            votes = [v + x for v in votes for x in (0, 2 * w, w)]
        tables.append(bytes(v > total for v in votes))
    elif rule == "negative":
        unlisted = total - sum(seats)
        tables.append(bytes(s + unlisted < quota for s in sums))
    return tables


def negation(lit: Literal) -> Literal:
    return (not lit) if isinstance(lit, bool) else ~lit


# --- one encoder per demand type ---------------------------------------------------------------

Encoder = Callable[[Encoding, Any], None]


def _veto(enc: Encoding, d: m.VetoLeader | m.VetoPost) -> None:
    post = d.post if isinstance(d, m.VetoPost) else "leader"
    enc.forbid([enc.holders[post][enc.index[p]] for p in d.of], enc.in_force(d))


def _requires_holding(enc: Encoding, d: m.RequiresPost | m.RequiresPortfolio) -> None:
    if isinstance(d, m.RequiresPost):
        holder = enc.holders[d.post][enc.index[d.party]]
    else:
        holder = enc.portfolio_holders[d.portfolio][enc.index[d.party]]
    enc.require(enc.model.add_bool_and([holder]), enc.in_force(d))


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
    me = enc.support[enc.index[d.party]]
    for p in d.of:
        enc.require(enc.model.add_bool_or([~me, ~enc.cabinet[enc.index[p]]]), enc.in_force(d))


def _partners(enc: Encoding, d: m.MinPartners | m.MaxPartners) -> None:
    me = enc.index[d.party]
    partner = enc.cabinet.__getitem__ if d.scope == "cabinet" else enc.involved
    others = sum(partner(i) for i in range(len(enc.parties)) if i != me)
    bound = others >= d.count if isinstance(d, m.MinPartners) else others <= d.count
    enc.require(enc.model.add(bound), enc.in_force(d))


def _portfolios(enc: Encoding, d: m.MinPortfolios | m.MaxPortfolios) -> None:
    n = enc.members[enc.index[d.party]]
    enc.require(enc.model.add(n >= d.count if isinstance(d, m.MinPortfolios) else n <= d.count),
                enc.in_force(d))


def _requires_policy(enc: Encoding, d: m.RequiresPolicy) -> None:
    """While the demand is in force, its policies are in the programme."""
    cause = enc.conjunction(enc.in_force(d), f"force:{d.id}")
    for policy in d.policies:
        enc.programme_causes[policy].append(cause)
        if cause is not False:
            enc.require(enc.model.add_bool_and([enc.programme[policy]]), [cause])


def _opposes_policy(enc: Encoding, d: m.OpposesPolicy) -> None:
    enc.forbid([enc.programme[p] for p in d.policies], enc.in_force(d))


def _role(enc: Encoding, d: m.RoleDemand) -> None:
    i = enc.index[d.party]
    allowed = [enc.role_vars[ROLE_NAMES.index(r)][i] for r in d.in_]
    allowed = [lit for lit in allowed if lit is not False]
    enc.require(enc.model.add_bool_or(allowed), enc.in_force(d))


def _equal_split(enc: Encoding, d: m.EqualSplit) -> None:
    for a, b in combinations(dict.fromkeys(d.parties), 2):
        i, j = enc.index[a], enc.index[b]
        enc.require(enc.model.add(enc.members[i] == enc.members[j]),
                    [*enc.in_force(d), enc.cabinet[i], enc.cabinet[j]])


def _proportional(enc: Encoding, d: m.Proportional) -> None:
    scope = list(dict.fromkeys(enc.index[p] for p in (d.parties or enc.parties)))
    if d.method == "dhondt":
        _dhondt(enc, d, scope)
    elif d.method == "sainte_lague":
        _sainte_lague(enc, d, scope)
    else:
        _quota_method(enc, d, scope)


def _dhondt(enc: Encoding, d: m.Proportional, scope: list[int]) -> None:
    """For all p, q in the cabinet: w[p]·n[q] <= w[q]·(n[p] + 1)."""
    w, n, c = d.weights(enc.instance), enc.members, enc.cabinet
    for p, q in permutations(scope, 2):
        enc.require(enc.model.add(w[p] * n[q] <= w[q] * (n[p] + 1)),
                    [*enc.in_force(d), c[p], c[q]])


def _sainte_lague(enc: Encoding, d: m.Proportional, scope: list[int]) -> None:
    """For all p, q in the cabinet with n[q] >= 1: w[p]·(2·n[q] − 1) <= w[q]·(2·n[p] + 1)."""
    w, n, c = d.weights(enc.instance), enc.members, enc.cabinet
    for p, q in permutations(scope, 2):  # a cabinet party has n >= min_per_party >= 1
        enc.require(enc.model.add(w[p] * (2 * n[q] - 1) <= w[q] * (2 * n[p] + 1)),
                    [*enc.in_force(d), c[p], c[q]])


def _quota_method(enc: Encoding, d: m.Proportional, scope: list[int]) -> None:
    """share and hamilton compare n[p]·W with N·w[p]: W is a sum over the cabinet, so the
    products n[p]·W get variables of their own (each fully determined by n and the roles)."""
    w, n, c, model = d.weights(enc.instance), enc.members, enc.cabinet, enc.model
    high = enc.instance.cabinet.size_range[1]
    total_w = model.new_int_var(0, sum(w[i] for i in scope), f"W:{d.id}")
    model.add(total_w == sum(w[i] * c[i] for i in scope))
    total_n = sum(n[i] for i in scope)
    product = {}
    for p in scope:
        product[p] = model.new_int_var(0, max(high, 0) * sum(w[i] for i in scope),
                                       f"nW:{d.id}:{p}")
        model.add_multiplication_equality(product[p], [n[p], total_w])
    # gap[p] = n[p]·W − N·w[p]: the party's distance from its exact quota, times W
    gap = {p: product[p] - w[p] * total_n for p in scope}
    force = enc.in_force(d)
    if d.method == "share":
        t = m.exact(d.tolerance)
        for p in scope:
            enc.require(model.add(t.denominator * gap[p] <= t.numerator * total_w),
                        [*force, c[p]])
            enc.require(model.add(t.denominator * gap[p] >= -t.numerator * total_w),
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
    pos = [m.exact(p.position if p.position is not None else 0) for p in enc.instance.parties]
    k = range(len(enc.parties))
    for r in k:
        for p, q in permutations(k, 2):
            if pos[p] < pos[r] < pos[q]:
                enc.require(enc.model.add_bool_or(
                    [~enc.involved(p), ~enc.involved(q), enc.involved(r)]), enc.in_force(d))


#: the encoder of every demand class; tests/test_model.py checks that none is missing
ENCODERS: dict[type[m.DemandBase], Encoder] = {
    m.VetoLeader: _veto,
    m.VetoPost: _veto,
    m.RequiresPost: _requires_holding,
    m.RequiresPortfolio: _requires_holding,
    m.RefusePartner: _refuse_partner,
    m.RequiresPartner: _requires_partner,
    m.RequiresForm: _requires_form,
    m.RefuseSupport: _refuse_support,
    m.MinPartners: _partners,
    m.MaxPartners: _partners,
    m.MinPortfolios: _portfolios,
    m.MaxPortfolios: _portfolios,
    m.RequiresPolicy: _requires_policy,
    m.OpposesPolicy: _opposes_policy,
    m.RoleDemand: _role,
    m.EqualSplit: _equal_split,
    m.Proportional: _proportional,
    m.DistinctPosts: _distinct_posts,
    m.MaxCabinetParties: _max_cabinet_parties,
    m.MinimalWinning: _minimal_winning,
    m.Connected: _connected,
}
