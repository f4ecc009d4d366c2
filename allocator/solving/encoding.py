"""Instance -> one CP-SAT model: the base rules of SPEC §2 and every demand type of SPEC §3.

Variables: per party one boolean per role (cabinet, support, abstain where investiture allows it,
opposition) and a member count; per post and per named portfolio, one boolean per possible holder.
Every auxiliary variable (involvement, the majority form, the programme, proportionality products)
is tied to those by a full equivalence, so that enumerating solutions enumerates allocations
exactly once (docs/cpsat.md: a half-reified auxiliary duplicates solutions).

Each demand is guarded by an *active* literal: the constant True when solving, a free boolean when
explaining, so that CP-SAT can assume demands in or out (`active`). Each demand type has one
encoder, keyed by its class in `ENCODERS`; the model class says everything else about the type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from ..instance.demands import DemandBase
from ..instance.schema import Instance
from ..instance.transform import INDEPENDENT
from .encoders import ENCODERS
from .literals import Literal, negation


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


@dataclass(frozen=True)
class SeatRange:
    """The seats of many parliaments at once (a sweep's draws): per party, and for the seats of
    no listed party and the quota, the least and the most.

    Over a range the base rules keep every government that some parliament within it could
    admit: each comparison is made with the seats on each of its sides at their most favourable
    (`Encoding._investiture`). A sweep lists that superset once and decides each parliament by
    arithmetic (`sweep.arithmetic`), `requires_form` demands included: over a range, whether
    the cabinet alone reaches the quota, and so the form, may go either way. The range of one
    instance is its seats exactly, and then the comparisons are the base rules themselves.
    """

    low: tuple[int, ...]
    high: tuple[int, ...]
    unlisted: tuple[int, int]
    quota: tuple[int, int]

    @classmethod
    def of(cls, instance: Instance) -> SeatRange:
        """The seats of one instance, exactly."""
        seats = tuple(p.seats for p in instance.parties)
        unlisted = instance.total_seats - sum(seats)
        return cls(seats, seats, (unlisted, unlisted), (instance.quota, instance.quota))

    @property
    def exact(self) -> bool:
        return (self.low == self.high and self.unlisted[0] == self.unlisted[1]
                and self.quota[0] == self.quota[1])


#: what a demand may read of the seats for an encoding over a range of parliaments: nothing
SEAT_READINGS = frozenset({"quota", "seats", "votes"})


def _range(instance: Instance, seats: SeatRange | None) -> SeatRange:
    """The seats an encoding puts in the base rules: the instance's, or a range where no
    demand reads them."""
    if seats is None:
        return SeatRange.of(instance)
    if not seats.exact and any(d.reads() & SEAT_READINGS for d in instance.demands):
        raise ValueError("a demand that reads the seats needs the seats of one parliament")
    return seats


class Encoding:
    """The CP-SAT model of one (scenario-resolved) instance.

    `roles_only` leaves out member counts, posts, portfolios and the demands about them: the
    model whose solutions are the coalitions. `relaxable` gives every non-fixed demand a free
    active literal instead of the constant True. `seats`, a range of parliaments, puts their
    seats in the base rules instead of the instance's (only where no demand reads the seats).
    """

    def __init__(self, instance: Instance, *, roles_only: bool = False,
                 relaxable: bool = False, seats: SeatRange | None = None) -> None:
        self.instance = instance
        self.roles_only = roles_only
        self.model: cp_model.CpModel = Model()
        self.parties = instance.party_ids
        self.index = {pid: i for i, pid in enumerate(self.parties)}
        #: the parties proper: every party but the non-party ministers, whom demands that
        #: count, compare or place parties leave out (`transform.with_independents`)
        self.partisan = [i for i, p in enumerate(self.parties) if p != INDEPENDENT]
        self.seats = [p.seats for p in instance.parties]
        self.quota = instance.quota
        self.unlisted = instance.total_seats - sum(self.seats)
        self.range = _range(instance, seats)
        #: seats to spare in every comparison of the investiture rule and the form
        self.margin = instance.government.margin
        self.investiture = instance.government.investiture
        #: every post an allocation gives: the cabinet's (held within members), then those
        #: outside it (`cabinet.outside`: held by a cabinet party or a supporter)
        self.posts = instance.cabinet.every_post
        self.cabinet_posts = instance.cabinet.all_posts
        self.portfolio_names = list(instance.cabinet.portfolios)
        self._involved: dict[int, Literal] = {}
        self._outside: dict[int, Literal] = {}

        #: the most members each party may have (`cabinet.members_within_seats`: its seats, at
        #: their most over a range of parliaments)
        self.caps = instance.member_caps(list(self.range.high))
        self._role_variables()
        self._majority_form()
        self._investiture()
        self._room()
        if not roles_only:
            self._allocation()
        self.active: dict[str, Literal] = {
            d.key: (True if d.fixed or not relaxable else self.model.new_bool_var(f"active:{d.id}"))
            for d in instance.demands
        }
        self.demands = [d for d in instance.demands if self._encodes(d)]
        # policy -> whether it is in the programme; the `requires_policy` encoder names the
        # causes that put it there, `_close_programme` says nothing else does (SPEC §2)
        self.programme: dict[str, cp_model.IntVar] = {
            p.id: self.model.new_bool_var(f"programme:{p.id}") for p in instance.policies}
        self.programme_causes: dict[str, list[Literal]] = {p.id: [] for p in instance.policies}
        for demand in self.demands:
            ENCODERS[type(demand)](self, demand)
        self._close_programme()

    def _encodes(self, demand: DemandBase) -> bool:
        """Whether this model has the demand: every one, but the roles-only model leaves out
        those about members, posts and portfolios (unless they say something of roles too)."""
        return not (self.roles_only and demand.touches_allocation and not demand.ROLES_TOO)

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

    def _seats(self, role: Sequence[cp_model.IntVar], most: bool = False) -> cp_model.LinearExpr:
        """The seats of the parties taking a role (at their most over a range, else least)."""
        return cp_model.LinearExpr.weighted_sum(role, self.range.high if most else self.range.low)

    def _majority_form(self) -> None:
        """`majority_form` <=> the cabinet alone reaches the quota, with the margin to spare
        (and then nobody helps)."""
        quota = self.range.quota
        margin = self.margin
        self.majority_form = self.model.new_bool_var("form:majority")
        self.model.add(self._seats(self.cabinet, most=True) >= quota[0] + margin
                       ).only_enforce_if(self.majority_form)
        self.model.add(self._seats(self.cabinet) <= quota[1] + margin - 1).only_enforce_if(
            ~self.majority_form)
        helpers = [lit for lit in (*self.support, *self.abstain) if lit is not False]
        self.model.add(sum(helpers) == 0).only_enforce_if(self.majority_form)
        forms = self.instance.government.forms
        if "majority" not in forms:
            self.model.add(self.majority_form == 0)
        if "minority" not in forms:
            self.model.add(self.majority_form == 1)

    def _investiture(self) -> None:
        """The government gets in, and every supporter and abstainer is needed for that (over a
        range of parliaments: in the one most favourable to each comparison). `margin`: each
        comparison must hold by that many seats (absolute: the quota plus the margin; relative:
        more than the opposition plus the margin; negative: the opposition below the quota less
        the margin)."""
        low, high = self.range.low, self.range.high
        m = self.margin
        least_quota, most_quota = self.range.quota
        least_for = self._seats(self.cabinet) + self._seats(self.support)
        most_for = self._seats(self.cabinet, True) + self._seats(self.support, True)
        least_against = self._seats(self.opposition) + self.range.unlisted[0]
        most_against = self._seats(self.opposition, True) + self.range.unlisted[1]
        add = self.model.add
        if self.investiture == "absolute":
            add(most_for >= least_quota + m)
            for i, supports in enumerate(self.support):
                add(least_for - low[i] <= most_quota + m - 1).only_enforce_if(supports)
        elif self.investiture == "relative":
            add(most_for >= least_against + m + 1)
            for i, (supports, abstains) in enumerate(zip(self.support, self.abstain,
                                                         strict=True)):
                add(least_for - low[i] <= most_against + high[i] + m).only_enforce_if(supports)
                add(least_for <= most_against + high[i] + m).only_enforce_if(abstains)
        else:
            add(least_against <= most_quota - m - 1)
            for i, helps in enumerate(zip(self.support, self.abstain, strict=True)):
                for helper in helps:
                    add(most_against + high[i] >= least_quota - m).only_enforce_if(helper)

    def _room(self) -> None:
        """What the member caps say of the roles alone (the roles-only model too): a party whose
        cap is below `min_per_party` never sits in the cabinet, and the cabinet's caps together
        reach the smallest cabinet and leave a member for every post and every portfolio."""
        if not self.instance.cabinet.members_within_seats:
            return
        per_party = self.instance.cabinet.min_per_party
        low = self.instance.cabinet.size_range[0]
        for cap, in_cabinet in zip(self.caps, self.cabinet, strict=True):
            if cap < per_party:
                self.model.add(in_cabinet == 0)
        need = max(low, len(self.cabinet_posts), len(self.portfolio_names))
        self.model.add(cp_model.LinearExpr.weighted_sum(self.cabinet, self.caps) >= need)

    def _allocation(self) -> None:
        low, high = self.instance.cabinet.size_range
        per_party = self.instance.cabinet.min_per_party
        self.members = [self.model.new_int_var(0, max(cap, 0), f"n:{p}")
                        for p, cap in zip(self.parties, self.caps, strict=True)]
        for n, in_cabinet in zip(self.members, self.cabinet, strict=True):
            self.model.add(n >= per_party).only_enforce_if(in_cabinet)
            self.model.add(n == 0).only_enforce_if(~in_cabinet)
        self.model.add_linear_constraint(sum(self.members), low, high)
        self.holders = {post: self._holders(f"post:{post}") for post in self.cabinet_posts}
        self.holders.update({post: self._holders(f"outside:{post}", outside=True)
                             for post in self.instance.cabinet.outside})
        self.portfolio_holders = {
            name: self._holders(f"portfolio:{name}") for name in self.portfolio_names
        }
        for names, table in ((self.cabinet_posts, self.holders),
                             (self.portfolio_names, self.portfolio_holders)):
            for i, n in enumerate(self.members):
                held = [table[name][i] for name in names]
                if held:
                    self.model.add(sum(held) <= n)
        self._parity()

    def _parity(self) -> None:
        """`cabinet.parity`: every listed group counts as many members as the first, a group's
        count being its parties' members less the excepted posts they hold."""
        parity = self.instance.cabinet.parity
        if parity is None:
            return
        counts = []
        for group in parity.groups:
            mine = [i for i, p in enumerate(self.instance.parties) if p.group == group]
            counts.append(sum(self.members[i] for i in mine)
                          - sum(self.holders[post][i] for post in parity.except_ for i in mine))
        for other in counts[1:]:
            self.model.add(other == counts[0])

    def value(self, i: int) -> cp_model.LinearExpr:
        """Party i's cabinet members weighted by the posts and portfolios they hold
        (`Cabinet.value`), in 1/`cabinet.unit`."""
        cabinet = self.instance.cabinet
        unit = cabinet.unit
        extras = [(table[office][i], int(cabinet.weight(office) * unit) - unit)
                  for office in cabinet.weights
                  for table in (self.holders, self.portfolio_holders) if office in table]
        return cp_model.LinearExpr.weighted_sum(
            [self.members[i], *(held for held, _ in extras)],
            [unit, *(extra for _, extra in extras)])

    def _holders(self, name: str, outside: bool = False) -> list[cp_model.IntVar]:
        """One holder, a cabinet party (`outside`: a cabinet party or a supporter)."""
        row = [self.model.new_bool_var(f"{name}:{p}") for p in self.parties]
        self.model.add_exactly_one(row)
        for i, holder in enumerate(row):
            if outside:
                self.model.add_bool_or([self.cabinet[i], self.support[i]]).only_enforce_if(
                    holder)
            else:
                self.model.add_implication(holder, self.cabinet[i])
        return row

    def outside_minister(self, i: int) -> Literal:
        """A supporter holding a post outside cabinet: a boolean made on first use."""
        held = [self.holders[post][i] for post in self.instance.cabinet.outside]
        if i not in self._outside:
            lit = self.model.new_bool_var(f"outside:{self.parties[i]}")
            if held:
                self.model.add_max_equality(lit, held)
            else:
                self.model.add(lit == 0)
            self._outside[i] = self.conjunction([self.support[i], lit],
                                                f"outside-minister:{self.parties[i]}")
        return self._outside[i]

    def involved(self, i: int) -> Literal:
        """cabinet or support: a boolean equal to their sum, made on first use."""
        if i not in self._involved:
            lit = self.model.new_bool_var(f"involved:{self.parties[i]}")
            self.model.add(lit == self.cabinet[i] + self.support[i])
            self._involved[i] = lit
        return self._involved[i]

    # --- helpers ------------------------------------------------------------------------------

    def in_force(self, demand: DemandBase) -> list[Literal]:
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


