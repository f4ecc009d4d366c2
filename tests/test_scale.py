"""The parliament-scale paths against the brute force: symmetry classes, filters, counts and
summaries, and the expansion of canonical coalitions.

Instances are drawn with `twins`, so that most parties have an interchangeable twin and the
symmetry is exercised; every figure is recomputed here from the brute force's allocations.
"""

from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import allocator
from allocator.explaining.binding import _Coalitions
from allocator.instance.transform import Filters, narrow, resolve, without
from allocator.render import json as render
from allocator.solving import census
from allocator.solving.coalitions import CoalitionAnalyst, Listing
from allocator.solving.solver import Budget
from allocator.solving.symmetry import Expander
from tests import bruteforce
from tests.compare import check_both_levels, government_seats, needed, project
from tests.helpers import run
from tests.strategies import instances

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(instances(max_parties=5, twins=True))
def test_symmetry_classes_match_brute_force(case):
    raw, scenario = case
    check_both_levels(raw, scenario, bruteforce.allocations(raw, scenario))


@SETTINGS
@given(st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["a", "b", None])), min_size=2,
                max_size=4),
       st.integers(1, 3), st.integers(0, 2), st.sampled_from([[], ["leader"], ["deputy"],
                                                                ["leader", "deputy"]]),
       st.sampled_from([[], ["aid"]]))
def test_allocations_counted_under_parity_and_outside_posts(parties, low, more, excepted,
                                                            outside):
    """The census counts allocations without listing them under parity (excepted posts
    among them) and with posts outside cabinet: as many as the brute force lists."""
    raw = {"name": "parity", "parties": [{"id": f"p{i}", "seats": seats, **(
        {"group": group} if group else {})} for i, (seats, group) in enumerate(parties)],
        "cabinet": {"size": {"min": low, "max": low + more}, "posts": ["leader", "deputy"],
                    "parity": {"groups": ["a", "b"], "except": excepted},
                    "outside": outside},
        "government": {"investiture": "relative"}}
    if {"a", "b"} - {group for _, group in parties}:
        raw["cabinet"].pop("parity")
    assume(low + more >= 2)  # room for the two posts
    problem = allocator.from_dict(raw)
    expected: dict = {}
    for cabinet, _, _, _, _, _, form, _ in bruteforce.allocations(raw):
        expected[len(cabinet), form] = expected.get((len(cabinet), form), 0) + 1
    assert census.count(Listing(problem)).allocations == dict(sorted(expected.items()))


@SETTINGS
@given(instances(max_parties=5, twins=True))
def test_count_and_summary_match_brute_force(case):
    raw, scenario = case
    expected = project(bruteforce.allocations(raw, scenario))
    problem = resolve(allocator.from_dict(raw), scenario)
    by_size: dict = {}
    for (cabinet, _, _), entry in expected.items():
        key = (len(cabinet), entry["rest"][1])
        by_size[key] = by_size.get(key, 0) + 1
    counted = census.count(Listing(problem))
    assert counted.counts == dict(sorted(by_size.items()))
    allocations: dict = {}
    for cabinet, _, _, _, _, _, form, _ in bruteforce.allocations(raw, scenario):
        allocations[len(cabinet), form] = allocations.get((len(cabinet), form), 0) + 1
    if not any(d.touches_allocation for d in problem.demands):  # countable without listing
        assert counted.allocations == dict(sorted(allocations.items()))
    assert counted.allocations in (None, dict(sorted(allocations.items())))

    summary = census.summarise(Listing(problem))
    assert summary.counts == dict(sorted(by_size.items()))
    for party in problem.party_ids:
        roles = [(party in key[0], party in key[1], party in key[2]) for key in expected]
        figures = summary.parties[party]
        assert (figures.cabinet, figures.support, figures.abstain) == tuple(
            sum(r[j] for r in roles) for j in range(3))
        assert figures.pivotal == sum(1 for key in expected if any(party in g for g in key)
                                      and needed(party, key, raw, scenario))
    keys = list(expected)  # SPEC order
    if keys:
        behind = {k: expected[k]["rest"][2] for k in keys}
        fewest, most = min(behind.values()), max(behind.values())
        assert [as_key(c) for c in summary.smallest] == [
            k for k in keys if behind[k] == fewest][:census.SHOWN]
        assert [as_key(c) for c in summary.largest] == [
            k for k in keys if behind[k] == most][:census.SHOWN]
        assert [as_key(c) for c in summary.few] == [
            k for k in keys if sum(map(len, k)) <= census.FEW_PARTIES]


def as_key(c: allocator.Coalition) -> tuple:
    return (tuple(c.cabinet), c.support, c.abstain)


@st.composite
def filters(draw, parties: list[str]) -> Filters:
    include = draw(st.lists(st.sampled_from(parties), max_size=1, unique=True))
    others = [p for p in parties if p not in include]
    exclude = draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
    return Filters(tuple(include), tuple(exclude),
                   draw(st.none() | st.integers(1, 3)),
                   draw(st.none() | st.sampled_from(["majority", "minority"])),
                   draw(st.booleans()))


def kept(key: tuple, entry: dict, f: Filters, raw: dict, scenario: str | None) -> bool:
    """The filters as documented, recomputed from a brute-force coalition (non-party
    ministers are no party: not counted, never needed)."""
    cabinet, support, _ = key
    parties = [p for p in cabinet if p != "independent"]
    seats, quota, margin, _, _ = government_seats(raw, scenario)
    behind = sum(seats[p] for p in (*cabinet, *support))
    return (all(p in cabinet for p in f.include)
            and not any(p in cabinet or p in support for p in f.exclude)
            and (f.max_parties is None or len(parties) <= f.max_parties)
            and (f.form is None or entry["rest"][1] == f.form)
            and (not f.minimal_winning
                 or all(behind - seats[p] < quota + margin for p in (*parties, *support))))


@SETTINGS
@given(st.data())
def test_filters_match_brute_force(data):
    raw, scenario = data.draw(instances(max_parties=5, twins=True))
    chosen = data.draw(filters([p["id"] for p in raw["parties"]]))
    expected = project(bruteforce.allocations(raw, scenario))
    wanted = [k for k, entry in expected.items() if kept(k, entry, chosen, raw, scenario)]
    result = allocator.solve(allocator.from_dict(raw), scenario, level="coalition",
                             filters=chosen)
    assert [as_key(c) for c in result.coalitions] == wanted
    problem = narrow(resolve(allocator.from_dict(raw), scenario), chosen)
    assert census.count(Listing(problem)).total == len(wanted)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=7), st.data())
def test_expansions_are_every_swap_in_spec_order(roles, data):
    """The expansion of any canonical roles: every assignment reachable by permuting the
    classes, once each, in SPEC order, as many as `multiplicity` says."""
    n = len(roles)
    labels = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    classes = [tuple(i for i in range(n) if labels[i] == c) for c in sorted(set(labels))]
    canonical = list(roles)
    for members in classes:  # the canonical form: roles sorted within each class
        for i, r in zip(members, sorted(roles[i] for i in members), strict=True):
            canonical[i] = r
    expander = Expander(classes)
    got = [r for _, r in expander.expansions(tuple(canonical))]
    swaps = set()
    for perms in itertools.product(*(itertools.permutations(c) for c in classes)):
        swapped = list(canonical)
        for members, perm in zip(classes, perms, strict=True):
            for i, j in zip(members, perm, strict=True):
                swapped[j] = canonical[i]
        swaps.add(tuple(swapped))

    def spec_key(r: tuple) -> tuple:
        return tuple(tuple(i for i in range(n) if r[i] == role) for role in range(3))

    assert got == sorted(swaps, key=spec_key)
    assert len(got) == expander.multiplicity(tuple(canonical))
    assert [k for k, _ in expander.expansions(tuple(canonical))] == [spec_key(r) for r in got]


# --- the command line ---------------------------------------------------------------------------

PARLIAMENT = "tests/data/parliament-12.yaml"


def test_streamed_json_and_jsonl_equal_the_library():
    result = allocator.solve(allocator.load(PARLIAMENT), level="coalition")
    code, out, _ = run("solve", PARLIAMENT, "--level", "coalition", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["count"] == result.count == len(doc["coalitions"])
    assert [tuple(c["cabinet"]) for c in doc["coalitions"]] == [
        tuple(c.cabinet) for c in result.coalitions]
    code, out, _ = run("solve", PARLIAMENT, "--level", "coalition", "--format", "jsonl",
                       "--limit", "100")
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[:-1] == doc["coalitions"][:100]  # the first 100 in SPEC order
    assert lines[-1]["complete"] is False and lines[-1]["count"] == 100


def test_count_and_summary_on_the_command_line():
    code, out, _ = run("solve", PARLIAMENT, "--count", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["count"] == 34478 and doc["complete"]
    assert sum(r["majority"] + r["minority"] for r in doc["by_size"]) == 34478
    assert doc["allocations"] == 137_916_735_535 == sum(  # its file's comment: about 1.38e11
        sum(r["allocations"].values()) for r in doc["by_size"])
    code, out, _ = run("solve", PARLIAMENT, "--summary", "--include", "p01", "--max-parties",
                       "2", "--format", "json")
    doc = json.loads(out)
    assert all("p01" in c["cabinet"] for c in doc["few_parties"])
    assert doc["parties"]["p01"]["cabinet"] == doc["count"]


def test_the_table_turns_into_the_summary_when_too_long():
    code, out, _ = run("solve", PARLIAMENT)
    assert code == 0
    assert "too many for a table: here is the summary" in out
    assert "Coalitions by number of cabinet parties and form:" in out
    code, out, _ = run("solve", PARLIAMENT, "--limit", "3")
    assert "summary" not in out and len(out.splitlines()) == 7  # title, status, blank, header, 3


def test_filter_mistakes_are_usage_errors():
    for args, said in ((["--include", "nobody"], "unknown party nobody"),
                       (["--include", "p01", "--exclude", "p01"], "both included and excluded"),
                       (["--count", "--format", "csv"], "table or json"),
                       (["--count", "--summary"], "not both")):
        code, out, err = run("solve", PARLIAMENT, *args)
        assert code == 2 and said in err and out == "", args


@SETTINGS
@given(instances(max_parties=5, twins=True))
def test_fast_json_lines_equal_the_slow_path(case):
    """`render.CoalitionJson` builds each line from cached pieces; it must give exactly the
    text of `json.dumps(item_dict(coalition))`."""
    raw, scenario = case
    problem = resolve(allocator.from_dict(raw), scenario)
    listing = Listing(problem)
    text = render.CoalitionJson(problem)
    investiture = problem.government.investiture
    for analysed, roles in listing.rows():
        slow = json.dumps(render.item_dict(listing.coalition(analysed, roles), investiture),
                          ensure_ascii=False)
        assert text.line(analysed, roles) == slow


@SETTINGS
@given(instances(max_parties=5, twins=True))
def test_new_coalitions_of_a_relaxation_match_brute_force(case):
    """`binding` decides a demand at the coalition level by searching the relaxed instance
    under the instance's classes, skipping the coalitions it has: it must find a new coalition
    exactly when the brute force's relaxed instance has one."""
    raw, scenario = case
    problem = resolve(allocator.from_dict(raw), scenario)
    before = set(project(bruteforce.allocations(raw, scenario)))
    known = _Coalitions(problem, Budget())
    assert known.total == len(before)
    for j, demand in enumerate(bruteforce.effective(raw, scenario)["demands"]):
        after = set(project(bruteforce.allocations(raw, scenario, frozenset([j]))))
        assert known.more_in(without(problem, [demand["id"]])) == (after > before)


def test_too_many_allocations_but_few_coalitions_show_the_coalitions():
    code, out, _ = run("solve", "instances/stockton-2007.yaml")
    assert code == 0 and "here are their coalitions" in out
    # 10, not 18: members within seats (a council), so no party under 10 seats governs alone
    assert "feasible: 10 coalitions, complete" in out and "summary" not in out


@SETTINGS
@given(instances(max_parties=5, twins=True))
def test_one_search_for_every_size_lists_what_a_search_per_size_lists(case):
    """Without detail (sweeps, the choice sets), the canonical candidates come from one search
    over every cabinet size: the same coalitions, in the same order, as one search per size."""
    raw, scenario = case
    problem = resolve(allocator.from_dict(raw), scenario)
    quick = Listing(problem, detail=False)
    whole = Listing(problem)
    assert [roles for _, roles in quick.rows()] == [roles for _, roles in whole.rows()]
    assert quick.complete and whole.complete


@st.composite
def apportioned(draw: st.DrawFn) -> dict:
    """An instance whose one allocation demand is a `proportional` by D'Hondt or Sainte-Laguë
    (decided by arithmetic at the coalition level): ties of seats and votes, parties of no
    votes, member caps, several members a party, a demand over some parties only."""
    n = draw(st.integers(2, 5))
    seats = draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    votes = draw(st.lists(st.sampled_from([0, 1, 2, 3, 4.5]), min_size=n, max_size=n))
    posts = draw(st.sampled_from([[], ["deputy"], ["deputy", "finance"]]))
    least = draw(st.sampled_from([1, 1, 2]))
    low = draw(st.integers(max(len(posts) + 1, least), 4))
    ids = [f"p{i}" for i in range(n)]
    demand: dict = {"id": "apportioned", "type": "proportional",
                    "method": draw(st.sampled_from(["dhondt", "sainte_lague"])),
                    "basis": draw(st.sampled_from(["seats", "votes"]))}
    if draw(st.booleans()):
        demand["parties"] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=n,
                                          unique=True))
    demands = [demand]
    if draw(st.booleans()):  # a demand on roles alone leaves the arithmetic in place
        demands.append({"id": "cordon", "type": "role", "party": "p0",
                        "in": ["cabinet", "opposition"]})
    return {"name": "apportioned", "parties": [
        {"id": p, "seats": s, "votes": v} for p, s, v in zip(ids, seats, votes, strict=True)],
        "cabinet": {"size": {"min": low, "max": low + draw(st.integers(0, 3))},
                    "min_per_party": least,
                    "members_within_seats": draw(st.booleans()),
                    "posts": posts,
                    "portfolios": draw(st.sampled_from([[], ["home"]]))},
        "government": {"investiture": draw(st.sampled_from(["absolute", "relative"]))},
        "demands": demands}


@SETTINGS
@given(raw=apportioned())
def test_highest_averages_by_arithmetic_match_solver_and_brute_force(raw, monkeypatch):
    """D'Hondt and Sainte-Laguë at the coalition level, decided without the solver
    (`solving.averages`): the same coalitions, member ranges and post holders as the solver
    gives (the arithmetic turned off) and as the brute force projects."""
    problem = allocator.from_dict(raw)
    listing = Listing(problem)
    got = [listing.coalition(a, roles) for a, roles in listing.rows()]
    assert listing._analyst._full is None  # no allocation was solved for
    expected = project(bruteforce.allocations(raw))
    assert [as_key(c) for c in got] == list(expected)
    assert {as_key(c): {p: (r.min, r.max) for p, r in c.cabinet.items()} for c in got} == {
        k: e["n"] for k, e in expected.items()}
    assert {as_key(c): ({k: set(v) for k, v in c.posts.items()},
                        {k: set(v) for k, v in c.portfolios.items()}) for c in got} == {
        k: (e["posts"], e["portfolios"]) for k, e in expected.items()}
    with monkeypatch.context() as patched:
        patched.setattr(CoalitionAnalyst, "_by_arithmetic", lambda self: {})
        solved = Listing(problem)
        assert [solved.coalition(a, roles) for a, roles in solved.rows()] == got
