"""Properties that hold for every instance, checked on random ones (no brute force needed, so
some of them run on instances too big for it)."""

from __future__ import annotations

import io
import json
from collections import Counter

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

import allocator
from tests.compare import as_tuple, coalitions_as_dict, project
from tests.strategies import instances

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))


def identities(raw: dict) -> set[tuple]:
    """The allocations by their identity (SPEC §2: cabinet with members, support, posts,
    portfolios; abstainers too): programme, form and seats are derived."""
    return {(tuple(a.cabinet.items()), a.support, a.abstain, tuple(a.posts.items()),
             tuple(a.portfolios.items()))
            for a in allocator.solve(allocator.from_dict(raw)).allocations}


@SETTINGS
@given(case=instances(), data=st.data())
def test_dropping_a_demand_never_removes_allocations(case, data):
    raw = {**case[0], "scenarios": []}
    if not raw["demands"]:
        return
    dropped = data.draw(st.sampled_from(range(len(raw["demands"]))))
    relaxed = {**raw, "demands": [d for i, d in enumerate(raw["demands"]) if i != dropped]}
    assert identities(raw) <= identities(relaxed)


@SETTINGS
@given(case=instances())
def test_iterating_yields_what_solve_lists(case):
    raw, scenario = case
    instance = allocator.from_dict(raw)
    streamed = Counter(as_tuple(a) for a in allocator.iter_allocations(instance, scenario))
    solved = Counter(as_tuple(a) for a in allocator.solve(instance, scenario).allocations)
    assert streamed == solved and set(streamed.values()) <= {1}


@SETTINGS
@given(case=instances(), k=st.integers(1, 40))
def test_a_limit_gives_a_subset_of_that_size(case, k):
    raw, scenario = case
    instance = allocator.from_dict(raw)
    everything = [as_tuple(a) for a in allocator.solve(instance, scenario).allocations]
    cut = allocator.solve(instance, scenario, limit=k)
    assert len(cut.allocations) == min(k, len(everything))
    assert {as_tuple(a) for a in cut.allocations} <= set(everything)
    assert cut.complete == (len(everything) < k)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=instances(max_parties=7))
def test_coalitions_are_the_projection_of_allocations(case):
    """Also on instances of up to 7 parties, beyond the brute force: the coalition level's
    symmetry shortcut against the full allocation listing."""
    raw, scenario = case
    instance = allocator.from_dict(raw)
    allocations = allocator.solve(instance, scenario)
    coalitions = allocator.solve(instance, scenario, level="coalition")
    expected = project([as_tuple(a) for a in allocations.allocations])
    assert coalitions_as_dict(coalitions) == expected
    assert list(coalitions_as_dict(coalitions)) == list(expected)


def _yaml(raw: dict) -> str:
    buffer = io.StringIO()
    YAML(typ="safe").dump(raw, buffer)
    return buffer.getvalue()


@SETTINGS
@given(case=instances())
def test_yaml_json_and_toml_load_identically(case):
    raw = case[0]
    from_yaml = allocator.loads(_yaml(raw), "yaml")
    assert allocator.loads(json.dumps(raw), "json") == from_yaml
    assert allocator.loads(tomli_w.dumps(raw), "toml") == from_yaml
    assert allocator.from_dict(raw) == from_yaml


@SETTINGS
@given(case=instances())
def test_model_dump_round_trips(case):
    instance = allocator.from_dict(case[0])
    dumped = instance.model_dump(by_alias=True, exclude_none=True)
    assert allocator.Instance.model_validate(dumped) == instance
    assert allocator.from_dict(dumped) == instance


def test_a_search_that_ended_is_complete_however_slowly_its_thread_exits(monkeypatch):
    """The solver thread hands over its last batch, then takes a moment to exit: the listing
    is complete all the same (a race once marked such runs incomplete, "stopped by limit")."""
    import time

    from allocator.solving import solver

    ran = solver.Search._run

    def lingering(self):
        ran(self)
        time.sleep(0.3)

    monkeypatch.setattr(solver.Search, "_run", lingering)
    raw = {"name": "x", "parties": [{"id": "a", "seats": 3}, {"id": "b", "seats": 2}],
           "cabinet": {"size": 2}}
    result = allocator.solve(allocator.from_dict(raw))
    assert result.complete and result.stopped_by is None and result.count > 0
