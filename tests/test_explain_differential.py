"""Deadlock explanations, binding demands and why-not against the brute force."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import allocator
from allocator.explaining.check import verify
from allocator.explaining.soft import SoftModel
from allocator.instance.schema import Outcome
from allocator.instance.transform import resolve, without
from allocator.likely.model import cabinet_probabilities
from tests import bruteforce
from tests.compare import as_tuple
from tests.strategies import deadlocks, instances


class Brute:
    """The brute force's answers for one instance (and scenario), memoised per drop set."""

    def __init__(self, raw: dict, scenario: str | None, restrict=None) -> None:
        self.raw, self.scenario, self.restrict = raw, scenario, restrict
        demands = bruteforce.effective(raw, scenario).get("demands", [])
        self.ids = [d["id"] for d in demands]
        self.droppable = [d["id"] for d in demands if not d.get("fixed")]
        self.memo: dict[frozenset, list] = {}

    def allocations(self, dropped) -> list:
        key = frozenset(dropped)
        if key not in self.memo:
            found = bruteforce.allocations(
                self.raw, self.scenario, frozenset(self.ids.index(d) for d in key))
            self.memo[key] = [a for a in found if self.restrict is None or self.restrict(a)]
        return self.memo[key]

    def minimum_drop_sets(self) -> set[tuple[str, ...]]:
        for size in range(len(self.droppable) + 1):
            found = {ds for ds in combinations(self.droppable, size) if self.allocations(ds)}
            if found:
                return found
        return set()


def check_deadlock(brute: Brute, deadlock, problem: allocator.Instance) -> None:
    """`problem`: the instance as explained (its relaxations drop demands of it)."""
    minimum = brute.minimum_drop_sets()
    if not minimum:  # base rules and fixed demands alone admit nothing
        assert (deadlock.conflict, deadlock.relaxations) == ((), ())
        return
    conflict = set(deadlock.conflict)
    assert conflict and conflict <= set(brute.droppable)
    others = [d for d in brute.droppable if d not in conflict]
    assert not brute.allocations(others), "the conflict must be unsatisfiable on its own"
    for d in conflict:
        assert brute.allocations([*others, d]), f"{d} is not needed in the conflict"
    assert deadlock.complete
    assert {r.drop for r in deadlock.relaxations} == minimum
    assert [r.drop for r in deadlock.relaxations] == sorted(
        (r.drop for r in deadlock.relaxations), key=lambda ds: [brute.ids.index(d) for d in ds])
    for relaxation in deadlock.relaxations:
        check_example(brute, without(problem, relaxation.drop), relaxation.example,
                      relaxation.drop)


def check_example(brute: Brute, problem: allocator.Instance, example: allocator.Allocation,
                  drop: tuple[str, ...]) -> None:
    """A relaxation's example is a deal it allows, of the most likely cabinet it allows (by
    the enumeration of every cabinet, not the CP-SAT maximum that found it), with members as
    close to proportional as that cabinet's deals allow."""
    allowed = brute.allocations(drop)
    assert as_tuple(example) in allowed
    members, probabilities = cabinet_probabilities(problem)
    ids = problem.party_ids
    chance = {tuple(ids[i] for i in range(len(ids)) if row[i]): p
              for row, p in zip(members, probabilities, strict=True)}
    assert chance[tuple(example.cabinet)] >= max(probabilities) - 1e-4
    seats = {p["id"]: p["seats"] for p in brute.raw["parties"]}
    weights = {office: Fraction(str(w))
               for office, w in brute.raw["cabinet"].get("weights", {}).items()}

    def deviation(allocation: tuple) -> Fraction:
        """The largest |n_p·W − N·w_p|, each member counted with the weight of the posts and
        portfolios it holds."""
        cabinet = [(p, k) for p, k in allocation[0] if p != "independent"]  # no party
        held = [*allocation[3], *allocation[4]]
        if not cabinet:
            return Fraction(0)
        counted = {p: k + sum(weights.get(office, 1) - 1 for office, holder in held
                              if holder == p) for p, k in cabinet}
        whole, n = sum(seats[p] for p, _ in cabinet), sum(counted.values())
        return max(abs(whole * k - n * seats[p]) for p, k in counted.items())

    same = [a for a in allowed if tuple(p for p, _ in a[0]) == tuple(example.cabinet)]
    assert deviation(as_tuple(example)) == min(deviation(a) for a in same)


def with_fixed(raw: dict, data) -> dict:
    for demand in raw["demands"]:
        if data.draw(st.integers(0, 5)) == 0:
            demand["fixed"] = True
    return raw


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances(), st.data())
def test_explanations_match_brute_force(case, data):
    raw, scenario = case
    raw = with_fixed(raw, data)
    instance = allocator.from_dict(raw)
    brute = Brute(raw, scenario)
    result = allocator.solve(instance, scenario)
    if brute.allocations([]):
        assert result.status == "feasible" and result.deadlock is None
        return
    assert result.status == "deadlock"
    check_deadlock(brute, result.deadlock, result.instance)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances(max_parties=3), st.data())
def test_binding_demands_match_brute_force(case, data):
    raw, scenario = case
    raw = with_fixed(raw, data)
    brute = Brute(raw, scenario)
    answer = allocator.explain(allocator.from_dict(raw), scenario)
    if not brute.allocations([]):
        assert not answer.feasible
        return
    expected = tuple(d for d in brute.droppable
                     if len(brute.allocations([d])) > len(brute.allocations([])))
    assert answer.feasible and answer.binding == expected and answer.undecided == ()


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances(), st.data())
def test_why_not_matches_brute_force(case, data):
    raw, scenario = case
    parties = [p["id"] for p in raw["parties"]]
    cabinet = data.draw(st.lists(st.sampled_from(parties), min_size=1, unique=True))
    rest = [p for p in parties if p not in cabinet]
    named = data.draw(st.booleans())
    support = data.draw(st.lists(st.sampled_from(rest), unique=True)) if rest and named else []
    question = allocator.CoalitionQuestion(tuple(cabinet), tuple(support) if named else None)

    def restrict(a) -> bool:
        in_cabinet = [p for p, _ in a[0]]
        return sorted(in_cabinet) == sorted(cabinet) and (
            not named or sorted(a[1]) == sorted(support))

    brute = Brute(raw, scenario, restrict)
    answer = allocator.explain(allocator.from_dict(raw), scenario, why_not=question)
    assert answer.feasible == bool(brute.allocations([]))
    if not answer.feasible:
        check_deadlock(brute, answer.deadlock, answer.instance)


@pytest.mark.parametrize("rule", ["relative", "negative"])
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_explanations_under_tolerated_minorities(rule, data):
    """Deadlocks where abstainers can carry a government (issue: investiture rules)."""
    raw, scenario = data.draw(instances(investitures=(rule,)))
    raw = with_fixed(raw, data)
    brute = Brute(raw, scenario)
    result = allocator.solve(allocator.from_dict(raw), scenario)
    if brute.allocations([]):
        assert result.status == "feasible"
    else:
        check_deadlock(brute, result.deadlock, result.instance)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(deadlocks(), st.data())
def test_larger_conflicts_match_brute_force(raw, data):
    """Deadlocks around a cycle of 3-5 demands (plus noise): the conflict reported is minimal
    and the relaxations are every smallest one, as the brute force finds them."""
    raw = with_fixed(raw, data)
    result = allocator.solve(allocator.from_dict(raw))
    brute = Brute(raw, None)
    assert result.status == ("feasible" if brute.allocations([]) else "deadlock")
    if result.deadlock is not None:
        check_deadlock(brute, result.deadlock, result.instance)


@pytest.fixture
def weakest_core(monkeypatch):
    """CP-SAT promises no minimal core: make it return the weakest one it could (every demand
    assumed), so that only the deletion step can make the conflict minimal."""
    real = SoftModel.core

    def everything(self, demands):
        found = real(self, demands)
        return None if found is None else set(demands)

    monkeypatch.setattr(SoftModel, "core", everything)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=deadlocks() | instances().map(lambda case: case[0]))
def test_conflicts_are_minimal_whatever_the_core(weakest_core, case):
    result = allocator.solve(allocator.from_dict(case))
    if result.deadlock is not None:
        check_deadlock(Brute(case, None), result.deadlock, result.instance)


def outcome_of(example: allocator.Allocation) -> Outcome:
    return Outcome(cabinet=dict(example.cabinet), support=list(example.support),
                   abstain=list(example.abstain), posts=dict(example.posts),
                   portfolios=dict(example.portfolios))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=deadlocks() | instances().map(lambda case: case[0]))
def test_check_accepts_every_relaxation_it_reports(case):
    """`check` with `expect: deadlock`, `relaxed_by` one of the relaxations and its example as
    the outcome holds, for every relaxation `solve` lists."""
    problem = resolve(allocator.from_dict(case), None)
    result = allocator.solve(problem)
    for relaxation in result.deadlock.relaxations if result.deadlock else ():
        ok, detail = verify(problem, "deadlock", list(relaxation.drop),
                            outcome_of(relaxation.example))
        assert ok, detail
