"""The solver against the independent brute force, on many small random instances."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import allocator
from tests import bruteforce
from tests.strategies import instances


def as_tuple(a: allocator.Allocation) -> tuple:
    return (tuple(a.cabinet.items()), a.support, a.abstain, tuple(a.posts.items()),
            tuple(a.portfolios.items()), a.programme, a.form, a.seats)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances())
def test_allocations_match_brute_force(case):
    raw, scenario = case
    instance = allocator.from_dict(raw)
    result = allocator.solve(instance, scenario)
    expected = bruteforce.allocations(raw, scenario)
    assert result.complete
    assert [as_tuple(a) for a in result.allocations] == expected
    assert result.status == ("feasible" if expected else "deadlock")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(instances())
def test_coalitions_match_brute_force(case):
    raw, scenario = case
    instance = allocator.from_dict(raw)
    result = allocator.solve(instance, scenario, level="coalition")
    expected: dict = {}
    for cabinet, support, abstain, posts, portfolios, programme, form, seats in \
            bruteforce.allocations(raw, scenario):
        key = (tuple(p for p, _ in cabinet), support, abstain)
        entry = expected.setdefault(key, {"n": {}, "posts": {}, "portfolios": {},
                                          "rest": (programme, form, seats)})
        for p, n in cabinet:
            lo, hi = entry["n"].get(p, (n, n))
            entry["n"][p] = (min(lo, n), max(hi, n))
        for table, pairs in (("posts", posts), ("portfolios", portfolios)):
            for name, holder in pairs:
                entry[table].setdefault(name, set()).add(holder)
    got = {}
    for c in result.coalitions:
        got[(tuple(c.cabinet), c.support, c.abstain)] = {
            "n": {p: (r.min, r.max) for p, r in c.cabinet.items()},
            "posts": {k: set(v) for k, v in c.posts.items()},
            "portfolios": {k: set(v) for k, v in c.portfolios.items()},
            "rest": (c.programme, c.form, c.seats),
        }
    assert got == expected
    assert list(got) == list(expected)  # same order: the allocations' order restricted to roles


@pytest.mark.parametrize("rule", ["absolute", "relative", "negative"])
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_each_investiture_rule_matches_brute_force(rule, data):
    raw, scenario = data.draw(instances(investitures=(rule,)))
    result = allocator.solve(allocator.from_dict(raw), scenario)
    assert [as_tuple(a) for a in result.allocations] == bruteforce.allocations(raw, scenario)
