"""The conditional logit (`record.logit`): its likelihood, gradient and Hessian against finite
differences, and the fit against statsmodels' `ConditionalLogit` at the true maximum."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from allocator.record.logit import ChoiceSets, fit, gradient, hessian, log_likelihood


def simulated(groups: int, size: int, beta: list[float], seed: int) -> tuple[ChoiceSets, ...]:
    """Formations of `size` alternatives with normal attributes, each choosing the one of
    highest utility under `beta` plus Gumbel noise (the logit's own model)."""
    rng = np.random.default_rng(seed)
    formations = []
    for _ in range(groups):
        x = rng.normal(size=(size, len(beta)))
        utility = x @ np.array(beta) + rng.gumbel(size=size)
        formations.append((x.tolist(), int(np.argmax(utility))))
    return (ChoiceSets.of(formations),)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_gradient_and_hessian_are_the_likelihoods_derivatives(seed):
    (sets,) = simulated(30, 5, [1.0, -0.5, 0.2], seed)
    beta = np.array([0.3, 0.1, -0.4])
    step = 1e-6
    numeric = np.array([(log_likelihood(beta + step * e, sets)
                         - log_likelihood(beta - step * e, sets)) / (2 * step)
                        for e in np.eye(3)])
    assert np.allclose(gradient(beta, sets), numeric, atol=1e-5)
    second = np.array([(gradient(beta + step * e, sets) - gradient(beta - step * e, sets))
                       / (2 * step) for e in np.eye(3)])
    assert np.allclose(hessian(beta, sets), second, atol=1e-4)


def test_the_fit_reaches_the_maximum_and_is_statsmodels_conditional_logit():
    """On choice sets small enough for statsmodels' own ConditionalLogit: the same β,
    standard errors and log-likelihood; the gradient vanishes at ours."""
    from statsmodels.discrete.conditional_models import ConditionalLogit

    (sets,) = simulated(60, 6, [1.0, -0.5], 3)
    ours = fit(sets)
    assert ours.converged and ours.gradient_norm < 1e-6
    groups = np.repeat(np.arange(sets.groups), np.diff(sets.starts))
    chosen = np.zeros(len(groups), dtype=int)
    chosen[sets.chosen] = 1
    theirs = ConditionalLogit(chosen, sets.x, groups=groups).fit(disp=0, gtol=1e-10)
    assert np.allclose(ours.coefficients, theirs.params, atol=1e-5)
    assert np.allclose(ours.errors, theirs.bse, rtol=1e-3)
    assert math.isclose(ours.log_likelihood, theirs.llf, rel_tol=1e-8)


def test_probabilities_sum_to_one_in_every_formation():
    (sets,) = simulated(20, 7, [0.5, 2.0], 5)
    p = sets.probabilities(np.array([0.7, -1.2]))
    assert np.allclose(np.add.reduceat(p, sets.starts[:-1]), 1.0)


# --- the choice set: an instance's distinct feasible cabinets -----------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402

import allocator  # noqa: E402
from allocator.instance.transform import resolve  # noqa: E402
from allocator.likely import cabinets as choice  # noqa: E402
from tests import bruteforce  # noqa: E402
from tests.strategies import instances  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def brute_cabinets(raw: dict, scenario: str | None) -> list[tuple[str, ...]]:
    """The distinct cabinets of the brute force's allocations, in SPEC order."""
    found = []
    for allocation in bruteforce.allocations(raw, scenario):
        cabinet = tuple(p for p, _ in allocation[0])
        if cabinet not in found:
            found.append(cabinet)
    return found


def named(problem, members) -> list[tuple[str, ...]]:
    ids = problem.party_ids
    return [tuple(ids[i] for i in np.flatnonzero(row)) for row in members]


@SETTINGS
@given(instances(max_parties=5))
def test_the_cabinets_are_the_brute_forces(case):
    raw, scenario = case
    problem = resolve(allocator.from_dict(raw), scenario)
    assert named(problem, choice.feasible(problem)) == brute_cabinets(raw, scenario)


@SETTINGS
@given(instances(max_parties=5))
def test_arithmetic_gives_the_coalition_levels_cabinets_without_demands(case):
    """The fast path (no demand in force: arithmetic on subset sums) against the slow one
    (the coalition level) and the brute force, on the same instances without their demands
    (and without parity or non-party ministers, which the fast path leaves to the slow
    one)."""
    raw, scenario = case
    cabinet = {k: v for k, v in raw["cabinet"].items() if k not in ("parity", "independents")}
    raw = {**raw, "cabinet": cabinet, "demands": [], "scenarios": [], "policy_conflicts": []}
    problem = resolve(allocator.from_dict(raw), None)
    fast = named(problem, choice.by_arithmetic(problem))
    assert fast == named(problem, choice.from_coalitions(problem)[0])
    assert fast == brute_cabinets(raw, None)


@pytest.mark.parametrize("rule, b, majority, expected", [
    # a quota of half: a cabinet of 3 of 6 seats "holds the majority" but only ties the vote
    ("relative", 3, 3, [("a", "b")]),
    ("relative", 4, 3, [("b",), ("a", "b")]),
    ("absolute", 3, 3, [("a",), ("b",), ("a", "b")]),
    ("negative", 4, 4, [("b",), ("a", "b")]),
    ("negative", 3, 3, [("a", "b")]),  # 3 against reach the quota of 3
])
def test_the_arithmetic_at_the_edges_of_the_rules(rule, b, majority, expected):
    raw = {"name": "x", "parties": [{"id": "a", "seats": 3}, {"id": "b", "seats": b}],
           "seats": 3 + b, "majority": majority, "cabinet": {"size": {"min": 1, "max": 2}},
           "government": {"investiture": rule, "forms": ["majority"]}}
    problem = resolve(allocator.from_dict(raw), None)
    assert named(problem, choice.by_arithmetic(problem)) == expected
    assert named(problem, choice.from_coalitions(problem)[0]) == expected
    assert brute_cabinets(raw, None) == [tuple(c) for c in expected]


# --- the model at work: ranking, sweeps, model files, the fit ----------------------------------

import json  # noqa: E402

from allocator.likely.model import cabinet_probabilities  # noqa: E402
from tests.helpers import DATA, GERMANY, INSTANCES, ROOT, run  # noqa: E402


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.stem)
def test_the_probabilities_of_every_bundled_formation_sum_to_one(path):
    instance = allocator.load(path)
    for scenario in [None, *(s.name for s in instance.scenarios)]:
        members, p = cabinet_probabilities(resolve(instance, scenario))
        assert len(members) == 0 or math.isclose(p.sum(), 1.0, rel_tol=1e-9)
        assert (p >= 0).all()


def test_the_probabilities_of_the_records_formations_sum_to_one(tmp_path):
    code, _, err = run("parlgov", DATA / "parlgov-sample.csv", "--out", tmp_path)
    assert code == 0, err
    for path in tmp_path.glob("*.yaml"):
        _, p = cabinet_probabilities(resolve(allocator.load(path), None))
        assert math.isclose(p.sum(), 1.0, rel_tol=1e-9), path.name


@pytest.mark.parametrize("level", ["coalition", "allocation"])
def test_the_n_most_likely_are_the_first_n_of_the_whole_ranking(level):
    """`--rank likely --limit N` (the likeliest cabinets one at a time) gives exactly the
    first N of the whole ranking (one pass, every cabinet's block kept aside)."""
    path = ROOT / "instances" / "worcester-2022.yaml"
    code, whole, err = run("solve", path, "--level", level, "--rank", "likely",
                           "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in whole.splitlines()[:-1]]
    for n in (1, 3, 7, len(rows)):
        code, out, _ = run("solve", path, "--level", level, "--rank", "likely", "--limit", n,
                           "--format", "jsonl")
        assert [json.loads(line) for line in out.splitlines()[:-1]] == rows[:n]
    chances = {tuple(r["cabinet"]): r["probability"] for r in rows}
    assert math.isclose(sum(chances.values()), 1.0, rel_tol=1e-9)
    order = [r["probability"] for r in rows]
    assert order == sorted(order, reverse=True)


def test_a_sweeps_cabinets_and_no_deal_make_one():
    code, out, err = run("sweep", GERMANY, "--draws", "200", "--workers", "1", "--format",
                         "json")  # the November red lines: deadlocked in most parliaments
    assert code in (0, 3), err
    document = json.loads(out)
    likely = sum(c["forms"] for c in document["cabinets"])
    assert math.isclose(likely + document["deadlock"], 1.0, rel_tol=1e-9)
    code, out, err = run("sweep", GERMANY, "--scenario", "campaign", "--draws", "200",
                         "--workers", "1", "--format", "json")
    document = json.loads(out)
    assert math.isclose(sum(c["forms"] for c in document["cabinets"]), 1.0, rel_tol=1e-9)
    for cabinet in document["cabinets"]:  # a cabinet forms only where it is possible
        assert cabinet["forms"] <= cabinet["possible"] + 1e-12


@pytest.mark.parametrize("text, said", [
    ("{", "not JSON"),
    ('{"terms": []}', "terms"),
    ('{"terms": [{"name": "charisma", "coefficient": 1}]}', "unknown attribute 'charisma'"),
    ('{"terms": [{"name": "parties", "coefficient": "NaN"}]}', "terms"),
    ('{"terms": [{"name": "parties", "coefficient": 1}], "surprise": 1}', "surprise"),
    ("[" * 100_000 + "]" * 100_000, "not JSON"),
])
def test_a_model_file_is_checked(tmp_path, text, said):
    model = tmp_path / "model.json"
    model.write_text(text)
    code, _, err = run("solve", WORCESTER_PATH, "--rank", "likely", "--model", model)
    assert code == 2 and said in err and "Traceback" not in err


WORCESTER_PATH = ROOT / "instances" / "worcester-2016.yaml"


def test_fit_writes_a_model_that_ranks(tmp_path):
    folder = tmp_path / "record"
    assert run("parlgov", DATA / "parlgov-sample.csv", "--out", folder)[0] == 0
    (folder / "che-1991-10-20.yaml").unlink()  # 3.8 million cabinets: for the benchmark
    model = tmp_path / "model.json"
    code, out, err = run("fit", folder, "--attributes", "parties,minority,seat_share",
                         "--out", model)
    assert code == 0, err
    assert "Conditional logit over 5 formations" in out and "gradient norm" in out
    fitted = json.loads(model.read_text())
    assert [t["name"] for t in fitted["terms"]] == ["parties", "minority", "seat_share"]
    code, out, err = run("solve", GERMANY, "--scenario", "campaign", "--level", "coalition",
                         "--rank", "likely", "--model", model, "--format", "jsonl")
    assert code == 0, err
    code, _, err = run("fit", folder, "--attributes", "charisma")
    assert code == 2 and "unknown attribute charisma" in err


def test_parlgov_records_the_outgoing_government(tmp_path):
    assert run("parlgov", DATA / "parlgov-sample.csv", "--out", tmp_path)[0] == 0
    germany = allocator.load(tmp_path / "deu-2017-09-24.yaml")
    assert germany.previous is not None
    assert germany.previous.cabinet == ["cdu-csu", "spd"] and germany.previous.leader == "cdu-csu"


# --- the model's utility over the encoding (likely.deals) against its attributes ---------------

from hypothesis import strategies as st  # noqa: E402

from allocator.likely.attributes import NAMES, Chamber, attributes  # noqa: E402
from allocator.likely.deals import TERMS, most_likely  # noqa: E402
from allocator.likely.model import FormationModel, Term  # noqa: E402
from allocator.solving.encoding import Encoding  # noqa: E402
from allocator.solving.solver import Solver  # noqa: E402


@st.composite
def with_a_past(draw, max_parties: int = 5) -> tuple[dict, str | None]:
    """An instance with positions for some of its parties (ParlGov leaves many out) and an
    outgoing government; half of them without demands (most random demands leave one cabinet
    or none, and the utility is only tested where there is a choice)."""
    raw, scenario = draw(instances(max_parties=max_parties))
    if draw(st.booleans()):
        raw, scenario = {**raw, "demands": [], "scenarios": []}, None
    placed = "'connected'" in repr(raw)  # a `connected` demand needs every party's position
    parties = []
    for party in raw["parties"]:
        position = draw(st.integers(0, 20).map(lambda x: x / 2)
                        | (st.nothing() if placed else st.none()))
        parties.append({k: v for k, v in party.items() if k != "position"}
                       | ({"position": position} if position is not None else {}))
    ids = [p["id"] for p in parties]
    previous = draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
    raw = {**raw, "parties": parties}
    if previous:
        raw["previous"] = {"cabinet": previous, "leader": draw(st.sampled_from(previous))}
    return raw, scenario


UTILITY = settings(SETTINGS, max_examples=150)


@UTILITY
@given(with_a_past())
def test_each_term_is_its_attribute_on_every_cabinet(case):
    """Each term of the sensible deal's utility (CP-SAT, over the instance's model), with the
    cabinet fixed, can only take the value its attribute has for that cabinet (numpy): its
    minimum and its maximum are both that value (range: in thousandths of the spread)."""
    raw, scenario = case
    problem = resolve(allocator.from_dict(raw), scenario)
    members = choice.feasible(problem)
    chamber = Chamber.of(problem)
    expected = attributes(chamber, members)
    encoding = Encoding(problem)
    for row, cabinet in enumerate(members[:8]):
        for column, name in enumerate(NAMES):
            model = encoding.model.clone()
            value, unit = TERMS[name](encoding, model, chamber)  # before the cabinet is fixed
            for inside, party in zip(cabinet, encoding.cabinet, strict=True):
                model.add(party == int(inside))
            found = [value if isinstance(value, int) else
                     Solver(model, presolve=False).optimum(value, maximise=highest)[0]
                     for highest in (False, True)]
            assert found[0] == found[1], (name, cabinet)
            assert found[0] / unit == pytest.approx(expected[row, column], abs=1e-3), name


@UTILITY
@given(with_a_past(), st.lists(st.floats(-3, 3), min_size=len(NAMES), max_size=len(NAMES)))
def test_the_likeliest_cabinet_is_the_one_of_highest_probability(case, coefficients):
    """With every attribute at once: the cabinet CP-SAT finds has the highest probability of
    the instance's cabinets, up to the utility's rounding."""
    raw, scenario = case
    problem = resolve(allocator.from_dict(raw), scenario)
    model = FormationModel(terms=[Term(name=n, coefficient=round(b, 3))
                                  for n, b in zip(NAMES, coefficients, strict=True)])
    members, p = cabinet_probabilities(problem, model)
    found = most_likely(problem, model)
    if found is None:
        assert len(members) == 0
        return
    row = np.flatnonzero((members == np.isin(np.array(problem.party_ids),
                                             found)[None, :]).all(axis=1))
    assert len(row) == 1
    assert math.log(p[row[0]]) >= math.log(p.max()) - 0.005  # 14 terms rounded, and range


RECENT = ROOT / "benchmarks" / "recent"


def test_the_recent_formations_hold_and_predict_ranks_them(tmp_path):
    """The held-out formations after the record (benchmarks/recent) are valid and feasible as
    recorded; `predict` ranks each recorded cabinet, the shipped model ahead of every rule."""
    code, out, err = run("check", RECENT)
    assert code == 0, out + err
    code, out, err = run("predict", RECENT)
    assert code == 0, err
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line[:3].isalpha() and line[3:4] == "-"}
    assert len(rows) == len(list(RECENT.glob("*.yaml")))
    assert rows["prt-2022-01-30"][3] == "1"  # a single-party majority: first

    def top3(predictor: str) -> float:
        line = next(line for line in out.splitlines() if line.startswith(predictor))
        return float(re.findall(r"([\d.]+)%", line)[1])

    for rule in ("largest party's minimal winning", "the outgoing cabinet again", "minimal range"):
        assert top3("the formation model") > top3(rule), rule


def test_predict_says_what_it_leaves_out(tmp_path):
    (tmp_path / "a.yaml").write_text((ROOT / "instances" / "worcester-2016.yaml").read_text())
    code, _, err = run("predict", tmp_path)
    assert code == 2 and "a: no cabinet is feasible (a deadlock), left out" in err
    assert "no formation with a recorded cabinet" in err


@pytest.mark.parametrize("one_pass", [0, 10**6])
def test_both_ways_of_ranking_give_the_same_order(monkeypatch, one_pass):
    """A ranking with a limit lists every coalition in one pass, or (past ONE_PASS) cabinet by
    cabinet: the same governments in the same order, the first N of the whole ranking."""
    from allocator.likely import ranking

    problem = resolve(allocator.load(ROOT / "instances" / "uk-2010.yaml"), None)
    whole = list(ranking.EveryRanked(problem))
    monkeypatch.setattr(ranking, "ONE_PASS", one_pass)
    for n in (1, 7, 60):
        assert list(ranking.ranked(problem, "coalition", n)) == whole[:n]


@SETTINGS
@given(instances(max_parties=5, twins=True), st.sampled_from([1, 3, 12]))
def test_the_most_likely_from_the_candidates_are_the_first_of_the_whole_ranking(case, n):
    """`MostLikely` reads the cabinets off the canonical candidates and expands only the most
    likely: the first n of the whole ranking, interchangeable parties swapped included."""
    from allocator.likely import ranking

    problem = resolve(allocator.from_dict(case[0]), case[1])
    whole = list(ranking.EveryRanked(problem))
    assert list(ranking.MostLikely(problem, n)) == whole[:n]


def test_the_summary_of_the_pass_that_ranked_is_the_streams():
    """The report's summary, worked out from the candidates its ranking met, is the summary of
    a listing of its own."""
    from allocator.api import Ranking, Stream

    instance = allocator.load(ROOT / "instances" / "uk-2010.yaml")
    ranking = Ranking(instance, None, limit=20)
    assert len(list(ranking)) == 20 and ranking.stopped == "limit"
    assert ranking.summary() == Stream(instance, None).summary()
