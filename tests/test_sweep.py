"""Sweeps (SPEC §7): apportionment against votelib, the pooling of polls, the draws, and every
figure of a sweep against the brute force, parliament by parliament; engines, checkpoints and
the command.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
import votelib.component.divisor as divisors
import votelib.evaluate.proportional as proportional
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import allocator
import allocator.sweep.arithmetic
import allocator.sweep.joined
from allocator.instance.polls import Poll
from allocator.instance.schema import Independents
from allocator.render.sweep import wilson
from allocator.solving.result import ABSTAIN, CABINET, SUPPORT
from allocator.sweep.apportion import apportion, qualified
from allocator.sweep.document import sweep_dict
from allocator.sweep.draws import Draw, PollDraws, SeatTable, effective_sample_size, pool
from allocator.sweep.run import SweepResult, sweep
from allocator.sweep.signature import seat_signature
from tests import bruteforce
from tests.compare import needed
from tests.helpers import run
from tests.strategies import instances

ROOT = Path(__file__).resolve().parent.parent
GERMANY = str(ROOT / "instances" / "germany-2017.yaml")
SPAIN = str(ROOT / "instances" / "spain-2019.yaml")

# --- votes -> seats -------------------------------------------------------------------------------

LIBRARY = {
    "dhondt": proportional.HighestAverages("d_hondt"),
    "sainte_lague": proportional.HighestAverages("sainte_lague"),
    "modified_sainte_lague": proportional.HighestAverages(
        divisors.modified_first_coef(divisors.sainte_lague, Fraction(7, 5))),
    "hamilton": proportional.LargestRemainder("hare"),
    "droop": proportional.LargestRemainder("droop"),
}


@pytest.mark.parametrize("method", list(LIBRARY))
def test_apportionment_agrees_with_votelib(method):
    """Random vote vectors (large enough that no two quotients tie, where votelib and the
    law would draw lots)."""
    rng = random.Random(method)
    for _ in range(400):
        votes = [rng.randint(0, 10**7) for _ in range(rng.randint(1, 9))]
        seats = rng.randint(1, 700)
        got = apportion(votes, seats, method)
        said = LIBRARY[method].evaluate({str(i): v for i, v in enumerate(votes) if v}, seats)
        assert got == [said.get(str(i), 0) for i in range(len(votes))], (votes, seats)
        assert sum(got) == seats


def test_a_tie_for_the_last_seat_goes_to_the_party_listed_first():
    assert apportion([100, 100, 50], 1, "dhondt") == [1, 0, 0]
    assert apportion([100, 100, 50], 3, "sainte_lague") == [1, 1, 1]
    assert apportion([50, 100, 100], 1, "hamilton") == [0, 1, 0]
    assert apportion([0, 0], 5, "dhondt") == [0, 0]


def test_the_threshold_is_exact_and_exemptions_hold():
    share = Fraction(5)
    # 5 of 100 votes is exactly 5%: it passes; 4,999,999 of 100,000,000 does not
    assert qualified([5, 95], 100, share, [False, False]) == [True, True]
    assert qualified([4_999_999, 95_000_001], 10**8, share, [False, False]) == [False, True]
    assert qualified([1, 99], 100, share, [True, False]) == [True, True]


def electoral(**system: object) -> allocator.Instance:
    return allocator.from_dict({
        "name": "t", "cabinet": {"size": 3},
        "parties": [{"id": "a", "seats": 1}, {"id": "b", "seats": 1}, {"id": "c", "seats": 1}],
        "votes": {"shares": {"a": 50, "b": 46, "c": 3}, "sample": 1000},
        "electoral_system": {"seats": 100, "method": "dhondt", **system}})


def test_seats_from_votes_with_threshold_exemptions_and_others():
    draws = PollDraws(electoral(threshold=5), 0)
    assert draws.seats_of([500, 460, 30, 10]) == Draw((52, 48, 0), 0, (500, 460, 30))
    exempt = PollDraws(electoral(threshold=5, exempt=["c"]), 0)
    assert exempt.seats_of([500, 460, 30, 10]).seats == (51, 46, 3)
    direct = PollDraws(electoral(threshold={"share": 5, "direct_seats": 3}, direct={"c": 3}), 0)
    assert direct.seats_of([500, 460, 30, 10]).seats == (51, 46, 3)
    # others as one list: their seats are held by no listed party
    others = PollDraws(electoral(others_win_seats=True), 0)
    drawn = others.seats_of([500, 400, 30, 70])
    assert drawn.unlisted == 100 - sum(drawn.seats) == 7


# --- polls ----------------------------------------------------------------------------------------


def test_one_poll_is_its_own_pool():
    shares, size = pool([Poll(sample=1500, shares={"a": 40, "b": 35})], 14, 0.5)
    assert shares == {"a": 0.4, "b": 0.35} and size == 1500


def test_polls_are_pooled_as_the_coalitions_package_does():
    """The latest poll of each pollster within the window, shares weighted by sample size,
    and Bender & Bauer's effective sample size (worked by hand: two polls of 1,000 at 40%
    with correlation 1/2 are worth 1,333 people)."""
    assert effective_sample_size([1000, 1000], [0.4, 0.4], 0.5) == pytest.approx(4000 / 3)
    polls = [Poll(pollster="x", date="2026-01-01", sample=1000, shares={"a": 30, "b": 30}),
             Poll(pollster="x", date="2026-01-10", sample=1000, shares={"a": 40, "b": 30}),
             Poll(pollster="y", date="2026-01-12", sample=1000, shares={"a": 40, "b": 20}),
             Poll(pollster="z", date="2025-12-01", sample=9000, shares={"a": 10, "b": 10})]
    shares, size = pool(polls, 14, 0.5)
    assert shares == pytest.approx({"a": 0.4, "b": 0.25})  # x's older poll and z are out
    assert size == pytest.approx(4000 / 3)


def test_draws_depend_on_the_seed_and_index_only():
    instance = allocator.load(GERMANY)
    first, second = PollDraws(instance, 7), PollDraws(instance, 7)
    forward = [first.draw(i) for i in range(20)]
    backward = [second.draw(i) for i in reversed(range(20))][::-1]
    assert forward == backward
    assert forward != [PollDraws(instance, 8).draw(i) for i in range(20)]
    for drawn in forward:
        assert sum(drawn.seats) + drawn.unlisted == 598 and drawn.unlisted == 0
        assert drawn.votes is not None and sum(drawn.votes) <= 10**9


# --- every figure against the brute force ---------------------------------------------------------

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def at_row(raw: dict, scenario: str | None, seats: tuple[int, ...], unlisted: int) -> dict:
    """The instance dict in that parliament: as SPEC §7 says a sweep reads a row (the row's
    total, its quota, or `government.quota`'s share of it; the scenario's own seats and
    majority give way to the row's)."""
    row = copy.deepcopy(raw)
    for party, s in zip(row["parties"], seats):
        party["seats"] = s
    total = sum(seats) + unlisted
    row["seats"] = total
    government = row.setdefault("government", {})
    for sc in row.get("scenarios", []):
        sc.pop("seats", None)
        if sc.pop("majority", None) is not None and sc["name"] == scenario:
            government.pop("quota", None)  # the scenario's number replaced the share
    if government.get("quota") is None:
        row["majority"] = total // 2 + 1
    else:  # a share applies to the row's total
        row.pop("majority", None)
    return row


def keys_of(allocations: list) -> set:
    return {(tuple(p for p, _ in a[0]), a[1], a[2]) for a in allocations}


def spec_key(key: tuple, ids: list[str]) -> tuple:
    cabinet, support, abstain = key
    return (len(cabinet), *([ids.index(p) for p in part] for part in key))


@st.composite
def seat_rows(draw, parties: int) -> list[tuple[tuple[int, ...], int]]:
    base = tuple(draw(st.integers(0, 6)) for _ in range(parties))
    rows = [(base, 0)]
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            rows.append(draw(st.sampled_from(rows)))  # repeats, as under D'Hondt
        else:
            rows.append((tuple(max(0, s + draw(st.integers(-2, 2))) for s in base),
                         draw(st.integers(0, 2))))
    return rows


def test_non_party_ministers_are_swept_with_no_seats():
    """Non-party ministers have no votes and win no seats in any draw; the arithmetic path and
    the solver agree on a sweep with them, and they can lead."""
    instance = allocator.load(ROOT / "instances" / "germany-2017.yaml")
    cabinet = instance.cabinet.model_copy(update={"independents": Independents(
        max=1, posts=["leader"])})
    instance = instance.model_copy(update={"cabinet": cabinet})
    fast = sweep(instance, "campaign", draws=40, workers=1)
    slow = sweep(instance, "campaign", draws=40, workers=1, by_arithmetic=False)
    assert sweep_dict(fast) == sweep_dict(slow)
    assert fast.instance.party_ids[-1] == "independent"
    assert any(roles[-1] == CABINET for roles, _ in fast.governments)  # they sit in some


@SETTINGS
@given(st.data())
def test_every_figure_matches_the_brute_force_row_by_row(data):
    raw, scenario = data.draw(instances(max_parties=4))
    ids = [p["id"] for p in raw["parties"]]
    rows = data.draw(seat_rows(len(ids)))
    table = SeatTable([Draw(seats, unlisted) for seats, unlisted in rows])
    result = sweep(allocator.from_dict(raw), scenario, seats=table, workers=1)
    assert result.complete and result.draws == len(rows)
    ids = result.instance.party_ids  # the non-party ministers too, where the cabinet has them

    counts: dict = {}
    deadlock = 0
    figures = {p: [0, 0, 0] for p in ids}
    for seats, unlisted in rows:
        row = at_row(raw, scenario, seats, unlisted)
        found = keys_of(bruteforce.allocations(row, scenario))
        deadlock += not found
        for key in found:
            counts[key] = counts.get(key, 0) + 1
        for p in ids:
            figures[p][0] += any(p in key[0] for key in found)
            figures[p][1] += any(p in key[1] for key in found)
            figures[p][2] += any(needed(p, key, row, scenario)
                                 for key in found if p in (*key[0], *key[1], *key[2]))
    got = {(tuple(ids[i] for i, r in enumerate(roles) if r == CABINET),
            tuple(ids[i] for i, r in enumerate(roles) if r == SUPPORT),
            tuple(ids[i] for i, r in enumerate(roles) if r == ABSTAIN)): k
           for roles, k in result.governments}
    assert got == counts
    assert list(got) == sorted(counts, key=lambda key: (-counts[key], spec_key(key, ids)))
    assert result.deadlock == deadlock
    assert {p: list(f) for p, f in result.parties.items()} == figures
    document = sweep_dict(result)
    assert all(0 <= c["probability"] <= 1 and c["draws"] > 0 for c in document["coalitions"])
    assert 0 <= document["deadlock"] <= 1


@SETTINGS
@given(st.data())
def test_a_sweep_by_arithmetic_is_the_solvers_sweep(data):
    """Every figure, P(forms) included, the same whether each distinct parliament is solved or
    the draws are decided by arithmetic over one list of candidates (where no demand reads the
    seats: that list was made, and only once)."""
    raw, scenario = data.draw(instances(max_parties=5))
    rows = data.draw(seat_rows(len(raw["parties"])))
    instance = allocator.from_dict(raw)
    table = SeatTable([Draw(seats, unlisted) for seats, unlisted in rows])
    solved = sweep(instance, scenario, seats=table, workers=1, by_arithmetic=False)
    decided = sweep(instance, scenario, seats=table, workers=1)
    assert decided.governments == solved.governments
    assert decided.cabinets == solved.cabinets
    same(decided, solved)
    problem = allocator.instance.transform.resolve(instance, scenario)
    if allocator.sweep.arithmetic.applies(problem):
        assert decided.solved == 1  # decided by arithmetic (the solver's sweep solves one
        # search per distinct parliament)
    elif not problem.cabinet.members_within_seats:  # (the seats cap the members: each
        # parliament is solved) a demand reads the seats: no encoding over a range takes it
        assert any(d.reads() & {"quota", "seats", "votes"} for d in problem.demands)
        with pytest.raises(ValueError, match="needs the seats of one parliament"):
            allocator.solving.encoding.Encoding(problem, seats=allocator.solving.encoding.
                                                SeatRange((0,) * len(rows[0][0]),
                                                          (9,) * len(rows[0][0]), (0, 0),
                                                          (1, 1)))


@st.composite
def many_parties(draw) -> tuple[dict, list[tuple[tuple[int, ...], int]]]:
    """A parliament of many parties, most of which no demand names (the join's right side:
    `joined`), with demands that do not read the seats, and seat rows with repeats and
    near-repeats."""
    count = draw(st.integers(5, 8))
    ids = [f"p{i}" for i in range(count)]
    named = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    demands: list[dict] = []
    for party in named:
        kind = draw(st.sampled_from(["role", "requires_partner", "refuse_partner",
                                     "requires_form", "max_partners", "requires_post"]))
        other = draw(st.sampled_from([p for p in ids if p != party]))
        demands.append({"role": {"type": "role", "party": party,
                                 "in": draw(st.sampled_from([["cabinet", "opposition"],
                                                             ["opposition"],
                                                             ["support", "abstain",
                                                              "opposition"]]))},
                        "requires_partner": {"type": "requires_partner", "party": party,
                                             "with": [other]},
                        "refuse_partner": {"type": "refuse_partner", "party": party,
                                           "with": [other], "as": ["cabinet", "support"]},
                        "requires_form": {"type": "requires_form", "party": party,
                                          "form": draw(st.sampled_from(["majority",
                                                                        "minority"]))},
                        "max_partners": {"type": "max_partners", "party": party, "count": 1,
                                         "when": "involved"},
                        "requires_post": {"type": "requires_post", "party": party,
                                          "post": "leader"}}[kind])
    investiture = draw(st.sampled_from(["absolute", "relative", "negative"]))
    if investiture == "absolute":
        for d in demands:
            if d["type"] == "role":
                d["in"] = [r for r in d["in"] if r != "abstain"] or ["opposition"]
    raw = {"name": "many", "parties": [{"id": p, "seats": draw(st.integers(1, 6))}
                                       for p in ids],
           "cabinet": {"size": {"min": 1, "max": count}},
           "government": {"investiture": investiture,
                          "forms": draw(st.sampled_from([["majority", "minority"],
                                                         ["minority"], ["majority"]]))},
           "demands": demands}
    if draw(st.booleans()):  # a quota the law fixes, below half of some draws' chambers
        raw["electoral_system"] = {"seats": 40, "method": "dhondt",
                                   "majority": draw(st.integers(4, 16))}
    elif draw(st.booleans()):  # a qualified majority, and seats to spare
        raw["government"].update(quota=draw(st.sampled_from(["2/3", 0.6])),
                                 margin=draw(st.integers(1, 2)))
    base = tuple(draw(st.integers(0, 6)) for _ in ids)
    rows = [(base, draw(st.integers(0, 2)))]
    for _ in range(draw(st.integers(2, 6))):
        if draw(st.booleans()):
            rows.append(draw(st.sampled_from(rows)))
        else:
            rows.append((tuple(max(0, s + draw(st.integers(-2, 2))) for s in base),
                         draw(st.integers(0, 2))))
    return raw, rows


@pytest.mark.parametrize("split", [3, 10])
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=many_parties())
def test_a_sweep_of_many_parties_by_the_join_is_the_solvers_sweep(split, case):
    """Every figure the same when the draws are decided by the join of the two lists
    (`joined`: the right side of at most `split` parties) as when each distinct parliament is
    solved: parliaments of many parties, repeats and near-repeats."""
    raw, rows = case
    instance = allocator.from_dict(raw)
    table = SeatTable([Draw(seats, unlisted) for seats, unlisted in rows])
    before = allocator.sweep.joined.MAX_SPLIT
    allocator.sweep.joined.MAX_SPLIT = split
    try:
        decided = sweep(instance, seats=table, workers=1)
    finally:
        allocator.sweep.joined.MAX_SPLIT = before
    assert decided.solved == 1
    solved = sweep(instance, seats=table, workers=1, by_arithmetic=False)
    assert decided.governments == solved.governments
    assert decided.cabinets == solved.cabinets
    same(decided, solved)


def test_a_spanish_sweep_by_the_join_is_the_solvers_and_the_brute_forces():
    """spain-2019 (17 parties, relative investiture, nine parties no demand names): the join
    gives the solver's sweep over parliaments around the result, repeated and a seat apart;
    and a seven-party version of it gives the brute force's governments, draw by draw."""
    instance = allocator.load(SPAIN)
    result = [p.seats for p in instance.parties]
    near = list(result)
    near[0], near[1] = near[0] - 1, near[1] + 1
    other = list(result)
    other[5], other[9], other[13] = other[5] - 2, other[9] + 1, other[13] + 1
    rows = [tuple(result), tuple(near), tuple(result), tuple(other), tuple(near)]
    table = SeatTable([Draw(seats, 0) for seats in rows])
    decided = sweep(instance, seats=table, workers=1)
    assert decided.solved == 1 and decided.complete
    solved = sweep(instance, seats=table, workers=1, by_arithmetic=False)
    assert len(decided.governments) > 200_000  # (the whole document: too slow to compare)
    assert (decided.governments, decided.cabinets, decided.parties, decided.deadlock) == (
        solved.governments, solved.cabinets, solved.parties, solved.deadlock)

    raw = {"name": "seven", "parties": [{"id": p, "seats": s} for p, s in
                                        [("psoe", 40), ("pp", 30), ("up", 12), ("erc", 5),
                                         ("pnv", 2), ("bng", 1), ("te", 1)]],
           "cabinet": {"size": {"min": 1, "max": 3}},
           "government": {"investiture": "relative"},
           "demands": [{"type": "requires_partner", "party": "psoe", "with": ["up"]},
                       {"type": "role", "party": "pp", "in": ["opposition"]},
                       {"type": "role", "party": "erc", "in": ["abstain", "opposition"]}]}
    rows7 = [(40, 30, 12, 5, 2, 1, 1), (41, 29, 12, 5, 2, 1, 1), (40, 30, 12, 5, 2, 1, 1),
             (39, 31, 11, 6, 1, 2, 1)]
    swept = sweep(allocator.from_dict(raw), seats=SeatTable([Draw(r, 0) for r in rows7]),
                  workers=1)
    counts: dict = {}
    for seats in rows7:
        for key in keys_of(bruteforce.allocations(at_row(raw, None, seats, 0))):
            counts[key] = counts.get(key, 0) + 1
    ids = swept.instance.party_ids
    assert {tuple(tuple(ids[i] for i, r in enumerate(roles) if r == role)
                  for role in (CABINET, SUPPORT, ABSTAIN)): k
            for roles, k in swept.governments} == counts


def test_a_sweep_by_arithmetic_lists_again_when_the_draws_reach_out():
    """Chunks of draws whose parliaments leave the range listed so far: the candidates are
    listed again over the wider range, and what was counted moves with its rows."""
    instance = allocator.load(GERMANY)
    rng = random.Random(7)
    rows = []
    for i in range(700):  # the spread grows with the draws: later chunks reach out
        spread = 1 + i // 100
        rows.append(Draw(tuple(max(0, p.seats + rng.randint(-spread, spread))
                               for p in instance.parties), 0))
    table = SeatTable(rows)
    decided = sweep(instance, "campaign", seats=table, workers=1)
    assert decided.complete and decided.solved == 1
    same(decided, sweep(instance, "campaign", seats=table, workers=1, by_arithmetic=False))


@pytest.mark.parametrize("investiture", ["absolute", "relative", "negative"])
def test_a_sweep_by_arithmetic_decides_the_form_each_parliament(investiture):
    """`requires_form` reads whether the cabinet alone reaches the quota: over the range of
    parliaments either, so each draw decides it (here A's cabinet alone has a majority in
    some rows and not in others)."""
    raw = {"name": "forms", "seats": 20, "cabinet": {"size": {"min": 2, "max": 6}},
           "government": {"forms": ["majority", "minority"], "investiture": investiture},
           "parties": [{"id": p, "seats": 5} for p in "abcd"],
           "demands": [{"type": "requires_form", "party": "a", "form": "majority"},
                       {"type": "requires_form", "party": "b", "form": "minority",
                        "when": "cabinet"}]}
    rng = random.Random(investiture)
    table = SeatTable([Draw(tuple(rng.randint(1, 12) for _ in range(4)), rng.randint(0, 2))
                       for _ in range(120)])
    instance = allocator.from_dict(raw)
    decided = sweep(instance, seats=table, workers=1)
    assert decided.solved == 1
    same(decided, sweep(instance, seats=table, workers=1, by_arithmetic=False))
    free = allocator.from_dict({**raw, "demands": []})
    assert sweep_dict(decided) != sweep_dict(sweep(free, seats=table, workers=1))


@pytest.mark.parametrize("limit", ["MAX_ROWS", "MAX_COUNTED"])
def test_a_sweep_too_wide_for_arithmetic_is_solved(monkeypatch, limit):
    """Past `MAX_ROWS` left rows, or `MAX_COUNTED` governments, the structure is not used
    and every distinct parliament is solved instead."""
    module = allocator.sweep.joined if limit == "MAX_ROWS" else allocator.sweep.arithmetic
    monkeypatch.setattr(module, limit, 3)
    result = germany(draws=300, workers=1)
    assert result.complete and result.solved > 1
    same(result, germany(draws=300, workers=1, by_arithmetic=False))


@pytest.mark.parametrize("name", ["germany-2017", "sweden-2022", "spain-2019"])
def test_the_quick_key_of_a_draw_is_its_signature(name):
    """`Parliaments.key` skips building the instance where no demand weighs parties: it must
    give what the signature of the instance built gives."""
    problem = allocator.load(ROOT / "instances" / f"{name}.yaml")
    parliaments = allocator.sweep.run.Parliaments(problem)
    rng = random.Random(name)
    for _ in range(50):
        seats = tuple(max(0, p.seats + rng.randint(-9, 9)) for p in problem.parties)
        draw = Draw(seats, rng.randint(0, 3))
        slow = repr(seat_signature(parliaments.at(draw))).encode()
        assert parliaments.key(draw) == hashlib.blake2b(slow, digest_size=16).hexdigest()


@pytest.mark.parametrize("workers", [1, 2])
def test_identical_parliaments_are_solved_once(workers):
    """300 draws, nearly all distinct parliaments, but few signatures: each solved once,
    however many workers."""
    instance = allocator.load(GERMANY)
    draws = PollDraws(instance, 3)
    distinct = {draws.draw(i).seats for i in range(300)}
    result = sweep(instance, "campaign", draws=300, seed=3, workers=workers,
                   by_arithmetic=False)
    assert len(distinct) > 250 and 0 < result.solved < 60
    assert result.solved == len({allocator.sweep.run.Parliaments(
        allocator.instance.transform.resolve(instance, "campaign")).key(draws.draw(i))
        for i in range(300)})


@pytest.mark.parametrize("name", ["worcester-2016", "stockton-2007", "spain-2019"])
def test_the_same_parliament_in_every_row_gives_what_solve_gives(name, tmp_path):
    """Rows equal to the instance's own seats: every coalition `solve` lists has probability
    1, and nothing else appears."""
    instance = allocator.load(ROOT / "instances" / f"{name}.yaml")
    seats = [p.seats for p in instance.parties]
    unlisted = instance.total_seats - sum(seats)
    csv = tmp_path / "rows.csv"
    csv.write_text(",".join([*instance.party_ids, "others"]) + "\n"
                   + (",".join(map(str, [*seats, unlisted])) + "\n") * 3)
    code, out, err = run("sweep", str(ROOT / "instances" / f"{name}.yaml"), "--seats",
                         str(csv), "--format", "json", "--workers", "1")
    document = json.loads(out)
    listed = allocator.solve(instance, level="coalition")
    assert {(tuple(c["cabinet"]), tuple(c["support"]), tuple(c["abstain"]))
            for c in document["coalitions"]} == {
        (tuple(c.cabinet), c.support, c.abstain) for c in listed.coalitions}
    assert all(c["probability"] == 1.0 and c["draws"] == 3 for c in document["coalitions"])
    assert document["deadlock"] == (0.0 if listed.coalitions else 1.0)
    assert code == (0 if listed.coalitions else 3), err


def test_the_json_written_row_by_row_is_the_models_dump(tmp_path):
    """`json_parts` writes the governments one by one, not through the document's model: the
    same bytes as the model's dump, and the model reads them back (abstainers, supporters,
    a scenario and a sweep cut short included)."""
    from allocator.sweep.document import json_parts
    from allocator.sweep.reading import read_sweep

    spain = allocator.load(ROOT / "instances" / "spain-2019.yaml")
    table = SeatTable([Draw(tuple(p.seats for p in spain.parties), 0)] * 2)
    for result, instance in ((sweep(spain, seats=table, workers=1), spain),
                             (germany(40), allocator.load(GERMANY)),
                             (replace(germany(40), stopped_by="time limit"),
                              allocator.load(GERMANY))):
        written = "".join(json_parts(result))
        assert written == json.dumps(sweep_dict(result), ensure_ascii=False) + "\n"
        if instance is spain:  # (its 100,000 governments pass what `report` reads)
            assert any(c["abstain"] for c in json.loads(written)["coalitions"])
        else:
            (tmp_path / "sweep.json").write_text(written)
            whole = json.loads(written)
            assert read_sweep(str(tmp_path / "sweep.json"), instance) == {
                **whole, "listed": len(whole["coalitions"])}


def test_a_sweep_is_read_back_a_value_at_a_time(tmp_path, monkeypatch):
    """`reading.read_sweep` takes the file a piece at a time: in pieces of three bytes (values
    cut anywhere: numbers, strings, between keys) it reads what the model reads, keeping the
    first `KEPT` governments and how many there are."""
    import allocator.sweep.reading as reading
    from allocator.sweep.document import json_parts

    written = "".join(json_parts(germany(40)))
    path = tmp_path / "sweep.json"
    path.write_text(written)
    whole = json.loads(written)
    monkeypatch.setattr(reading, "PIECE", 3)
    monkeypatch.setattr(reading, "KEPT", 2)
    assert reading.read_sweep(str(path), allocator.load(GERMANY)) == {
        **whole, "coalitions": whole["coalitions"][:2], "listed": len(whole["coalitions"])}


def test_a_sweep_cut_short_is_refused_with_its_place_in_the_file(tmp_path, monkeypatch):
    """Read a piece at a time, a mistake is still placed in the whole file (line and
    character), not in the piece being read."""
    import allocator.sweep.reading as reading
    from allocator.sweep.document import json_parts

    text = "".join(json_parts(germany(40))).replace('], "', '],\n"')  # lines
    cut = text.rindex('"cabinet"', 0, len(text) // 2) + 4  # inside a key
    path = tmp_path / "sweep.json"
    path.write_text(text[:cut])
    monkeypatch.setattr(reading, "PIECE", 7)
    start = text.rindex('"', 0, cut)  # the string left open
    with pytest.raises(allocator.errors.UsageError) as raised:
        reading.read_sweep(str(path), allocator.load(GERMANY))
    assert (f"Unterminated string starting at: line {text.count(chr(10), 0, start) + 1:,}, "
            f"character {start + 1:,} of the file") in str(raised.value)


def test_the_report_takes_a_sweep_of_a_many_party_parliament(tmp_path):
    """One Spanish parliament's sweep lists 100,000 governments (16 MB of JSON, more than any
    other input file may hold): the report reads it a value at a time and shows its
    cabinets."""
    table = tmp_path / "seats.csv"
    spain = allocator.load(SPAIN)
    table.write_text(",".join(spain.party_ids) + "\n"
                     + ",".join(str(p.seats) for p in spain.parties) + "\n")
    swept = tmp_path / "sweep.json"
    code, _, err = run("sweep", SPAIN, "--seats", table, "--format", "json", "--out", swept)
    assert code == 0 and swept.stat().st_size > 5 * 1024 * 1024, err
    code, _, err = run("report", SPAIN, "--sweep", swept, "--out", tmp_path / "spain.html")
    assert code == 0, err
    html = (tmp_path / "spain.html").read_text()
    assert "Over 1 simulated parliament from a table of seats" in html


def test_json_and_csv_written_in_blocks_are_written_whole(monkeypatch):
    """The JSON and the CSV are written a block of governments at a time: the same bytes
    whatever the block."""
    import allocator.render.sweep as rendering
    import allocator.sweep.document as documents

    result = germany(40)
    assert len(result.governments) > 3
    whole = ["".join(rendering.FORMATS[f](result)) for f in ("json", "csv")]
    monkeypatch.setattr(rendering, "BLOCK", 2)
    monkeypatch.setattr(documents, "BLOCK", 2)
    assert ["".join(rendering.FORMATS[f](result)) for f in ("json", "csv")] == whole
    assert whole[1].count("\n") == len(result.governments) + 1


def test_the_sets_of_a_role_are_told_apart_in_wide_parliaments():
    """The JSON writer names each role's parties once per set: sets of parties past the 62nd
    (where they no longer fit one integer) are told apart too."""
    import numpy as np

    from allocator.sweep.document import sets

    for width in (5, 62, 70):
        taking = np.zeros((4, width), dtype=bool)
        taking[1, width - 1] = taking[2, width - 1] = taking[3, 0] = True
        keys = sets(taking)
        assert keys[1] == keys[2] and len({keys[0], keys[1], keys[3]}) == 3


def test_wilson_intervals_stay_within_zero_and_one():
    assert wilson(0, 100)[0] == 0.0 and 0 < wilson(0, 100)[1] < 0.05
    assert wilson(100, 100)[1] == 1.0 and 0.95 < wilson(100, 100)[0] < 1
    low, high = wilson(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)


# --- engines, partial answers, checkpoints ------------------------------------------------------


def germany(draws: int = 600, **options: object) -> SweepResult:
    return sweep(allocator.load(GERMANY), "campaign", draws=draws, seed=11, **options)


def same(a: SweepResult, b: SweepResult, *, but: str = "") -> None:
    first, second = sweep_dict(a), sweep_dict(b)
    first.pop(but, None), second.pop(but, None)
    assert first == second


def test_the_local_pool_gives_what_one_process_gives():
    same(germany(workers=1), germany(workers=2))


class Interrupt:
    """An on_progress that presses Ctrl-C after `after` chunks."""

    def __init__(self, after: int) -> None:
        self.after, self.seen = after, 0

    def __call__(self, progress: object) -> None:
        self.seen += 1
        if self.seen >= self.after:
            raise KeyboardInterrupt


@pytest.mark.parametrize("workers", [1, 2])
def test_an_interrupted_sweep_reports_a_whole_prefix_and_resumes(tmp_path, workers):
    many = 5_000  # enough that Ctrl-C after two chunks comes well before the end
    whole = germany(workers=1, draws=many, by_arithmetic=False)
    cut = germany(workers=workers, checkpoint=str(tmp_path), on_progress=Interrupt(2),
                  draws=many)
    assert not cut.complete and cut.stopped_by == "interrupt"
    assert 0 < cut.draws < many
    assert sweep_dict(cut)["complete"] is False
    # the partial answer is the whole answer of the first draws
    same(cut, sweep(allocator.load(GERMANY), "campaign", draws=cut.draws, seed=11,
                    workers=1), but="complete")
    resumed = germany(workers=1, checkpoint=str(tmp_path), draws=many)
    assert resumed.complete
    same(resumed, whole)
    assert resumed.solved == whole.solved - cut.solved  # what was saved was not solved again


def test_a_checkpoint_of_another_sweep_is_refused(tmp_path):
    germany(workers=1, checkpoint=str(tmp_path))
    with pytest.raises(allocator.errors.UsageError, match="another sweep"):
        sweep(allocator.load(GERMANY), "campaign", draws=600, seed=12, workers=1,
              checkpoint=str(tmp_path))


def test_a_time_limit_gives_a_partial_answer():
    result = sweep(allocator.load(GERMANY), "campaign", draws=10**6, seed=1, workers=1,
                   time_limit=1.0)
    assert not result.complete and result.stopped_by == "time limit"
    assert 0 < result.draws < 10**6


# --- the command ----------------------------------------------------------------------------------


def test_sweep_table_csv_and_plot(tmp_path):
    code, out, _ = run("sweep", GERMANY, "--scenario", "campaign", "--draws", "300",
                       "--workers", "1")
    assert code == 0
    assert "Over 300 parliaments drawn from the polls (seed 0)." in out
    assert re.search(r"95% interval", out) and "pivotal" in out
    code, out, _ = run("sweep", GERMANY, "--scenario", "campaign", "--draws", "300",
                       "--workers", "1", "--format", "csv", "--plot",
                       str(tmp_path / "bars.svg"))
    lines = out.splitlines()
    assert lines[0] == "cabinet,support,abstain,probability,low,high,draws,cabinet_forms"
    rows = [line.split(",") for line in lines[1:]]
    for _, _, _, p, low, high, k, forms in rows:
        assert float(low) <= float(p) <= float(high) and int(k) > 0
        assert 0 < float(forms) <= float(p) + 1e-9  # a cabinet forms only where possible
    likeliest = max(rows, key=lambda row: float(row[7]))[0]
    picture = (tmp_path / "bars.svg").read_text()
    bars = re.findall(r'<rect class="bar"[^>]*data-cabinet="([^"]*)"', picture)
    assert bars[0] == likeliest and "Which cabinet forms" in picture


def test_sweep_json_is_the_spec_document_and_the_same_bytes_every_time():
    args = ("sweep", GERMANY, "--scenario", "campaign", "--draws", "200", "--seed", "5",
            "--format", "json")
    code, out, _ = run(*args, "--workers", "1")
    assert code == 0
    document = json.loads(out)
    assert list(document) == ["instance", "scenario", "draws", "seed", "deadlock",
                              "coalitions", "cabinets", "parties", "complete"]
    assert list(document["cabinets"][0]) == ["cabinet", "forms", "possible"]
    assert document["draws"] == 200 and document["seed"] == 5 and document["complete"]
    assert list(document["coalitions"][0]) == ["cabinet", "support", "abstain",
                                               "probability", "draws"]
    assert list(document["parties"]["cdu"]) == ["cabinet", "support", "pivotal"]
    assert run(*args, "--workers", "1")[1] == out


@pytest.mark.parametrize("args, said", [
    (["--workers", "2", "--dask", "tcp://127.0.0.1:1"], "not both"),
    (["--plot", "x.gif"], ".svg or .png"),
    (["--scenario", "nope"], "nope"),
    (["--dask", "tcp://127.0.0.1:1"], "cannot reach a Dask scheduler"),
    (["--dask", "localhost"], "not a scheduler's address"),
    (["--out", "/"], "that is a folder"),
])
def test_sweep_usage_mistakes_exit_2(args, said):
    code, _, err = run("sweep", GERMANY, "--draws", "10", *args)
    assert code == 2 and said in err and "Traceback" not in err


def test_a_sweep_needs_polls_or_seats():
    code, _, err = run("sweep", str(ROOT / "instances" / "worcester-2016.yaml"))
    assert code == 2 and "--seats" in err and "votes" in err


def test_a_bad_seat_table_is_reported_line_by_line(tmp_path):
    csv = tmp_path / "rows.csv"
    csv.write_text("con,lab,green,tory\n1,2,3,4\n")
    code, _, err = run("sweep", str(ROOT / "instances" / "worcester-2016.yaml"), "--seats",
                       str(csv))
    assert code == 2 and f"{csv}:1: unknown column 'tory'" in err
    csv.write_text("con,lab,green\n17,16,2\n17,x,2\n17,16\n")
    code, _, err = run("sweep", str(ROOT / "instances" / "worcester-2016.yaml"), "--seats",
                       str(csv))
    assert code == 2
    assert f"{csv}:3: lab: 'x' is not a number of seats" in err
    assert f"{csv}:4: 2 values for 3 columns" in err


POLLED = """\
name: polled
parties: [{id: a, seats: 10}, {id: b, seats: 10}, {id: c, seats: 5}]
cabinet: {size: 4}
votes:
  polls:
    - {pollster: x, date: 2026-01-02, sample: 1000, shares: {a: 40, b: 35, c: 10}}
    - {pollster: y, date: 2026-01-03, sample: 800, shares: {a: 38, b: 37, d: 12}}
electoral_system: {seats: 50, method: hamilton, threshold: 5, exempt: [e]}
"""


def test_polls_are_checked_like_the_rest_of_an_instance(tmp_path):
    path = tmp_path / "polled.yaml"
    path.write_text(POLLED)
    code, _, err = run("validate", str(path))
    assert code == 2
    assert f"{path}:7: votes.polls[1].shares.d: unknown party 'd' (known: a, b, c)" in err
    assert f"{path}:7: votes.polls[1].shares: no share for c" in err
    assert f"{path}:8: electoral_system.exempt[0]: unknown party 'e'" in err
    path.write_text(POLLED.replace("d: 12", "c: 30").replace(", exempt: [e]", ""))
    code, _, err = run("validate", str(path))
    assert code == 2 and "add up to 105%, above 100" in err


def test_polls_can_come_from_a_file_beside_the_instance(tmp_path):
    beside = tmp_path / "polls.yaml"
    beside.write_text("votes: {shares: {con: 40, lab: 40, green: 15}, sample: 900}\n"
                      "electoral_system: {seats: 35, method: dhondt}\n")
    worcester = str(ROOT / "instances" / "worcester-2016.yaml")
    code, out, err = run("sweep", worcester, "--polls", str(beside), "--draws", "100",
                         "--workers", "1", "--format", "json")
    assert code in (0, 3) and json.loads(out)["draws"] == 100, err
    beside.write_text("votes: {shares: {con: 40}, sample: 900}\nelectoral: {}\n")
    code, _, err = run("sweep", worcester, "--polls", str(beside))
    assert code == 2 and f"{beside}:2" in err and "electoral" in err


# --- a real Dask cluster on loopback --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cluster():
    """`dask scheduler` and two `dask worker`s (one thread each), as a user starts them."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
             "start_new_session": True, "cwd": ROOT}
    dask = [sys.executable, "-m", "dask"]
    processes = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port",
                                   str(port), "--no-dashboard"], **quiet)]
    try:
        for name in ("w1", "w2"):
            processes.append(subprocess.Popen(
                [*dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--name", name], **quiet))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, processes[1:]
    finally:
        for process in reversed(processes):  # workers first, then the scheduler
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def test_a_dask_cluster_gives_the_local_answer_even_when_a_worker_dies(cluster, monkeypatch):
    address, workers = cluster
    local = sweep(allocator.load(GERMANY), "campaign", draws=1500, seed=2, workers=1)
    same(local, sweep(allocator.load(GERMANY), "campaign", draws=1500, seed=2, dask=address))

    def kill_a_worker(progress: object) -> None:
        if workers[0].poll() is None:
            os.killpg(workers[0].pid, signal.SIGKILL)

    survived = sweep(allocator.load(GERMANY), "campaign", draws=1500, seed=2, dask=address,
                     on_progress=kill_a_worker)
    assert workers[0].poll() is not None  # it died mid-sweep, and nothing was lost or doubled
    same(local, survived)
    # the formation dataset runs on the same engines (on the worker left)
    from allocator.record.dataset import build

    formations = [str(ROOT / "instances" / f"{n}.yaml") for n in ("germany-2017", "uk-2010",
                                                                  "worcester-2016")]
    here = [(r.formation, r.count, "".join(r.text())) for r in build(formations, workers=1)]
    from allocator.record import dataset

    monkeypatch.setattr(dataset, "SPLIT", 1)  # a job per cabinet size, on the cluster too
    there = [(r.formation, r.count, "".join(r.text())) for r in build(formations, dask=address)]
    assert here == there and sum(count for _, count, _ in here) > 0


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_ends_a_sweep_with_what_was_done(tmp_path, workers):
    target = tmp_path / "sweep.json"
    # its saved answers say the sweep is under way: four tasks answered (two workers answer
    # out of order, and only the answered prefix of the draws counts)
    saved = tmp_path / "checkpoint"
    process = subprocess.Popen(
        [sys.executable, "-m", "allocator.cli", "sweep", GERMANY, "--scenario", "campaign",
         "--draws", "1000000", "--workers", workers, "--format", "json", "--out", str(target),
         "--checkpoint", str(saved)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not (saved.is_dir() and len(list(saved.glob("answers-*.json"))) >= 4):
        assert process.poll() is None and time.monotonic() < deadline, "no answer was saved"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Incomplete (interrupt)" in err
    document = json.loads(target.read_text())
    assert document["complete"] is False and 0 < document["draws"] < 10**6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint", "sweep.json"]


def test_a_time_limit_ends_the_command_on_time():
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "allocator.cli", "sweep", GERMANY, "--scenario", "campaign",
         "--draws", "1000000", "--workers", "2", "--format", "json", "--time-limit", "4"],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert time.monotonic() - started < 4 * 1.1 + 0.5, "the time limit was not kept"
    document = json.loads(process.stdout)
    assert process.returncode == 0, process.stderr
    assert document["complete"] is False and document["draws"] > 0


def test_the_documented_sweep_is_what_the_command_prints():
    """docs/sweep.md (and the README) show this sweep's table; it must stay true."""
    shown = (ROOT / "docs" / "sweep.md").read_text()
    block = re.search(r"\$ (allocator sweep [^\n]*)\n(.*?)```", shown, re.S)
    assert block is not None
    command, said = block.group(1).split()[1:], block.group(2)
    code, out, _ = run(*[str(ROOT / a) if a.endswith(".yaml") else a for a in command])
    assert code == 0
    printed = out.splitlines()
    for line in said.splitlines():
        if line != "...":
            assert line in printed
    readme = (ROOT / "README.md").read_text()
    echoed = re.search(r"\$ (allocator sweep [^\n]*)\n(.*?)```", readme, re.S)
    assert echoed is not None and echoed.group(1) == block.group(1)
    assert [line for line in echoed.group(2).splitlines()
            if line != "..." and line not in printed] == []


def test_the_documented_library_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = (ROOT / "docs" / "sweep.md").read_text()
    block = re.search(r"## Library\n\n```python\n(.*?)```", shown, re.S)
    assert block is not None
    code = block.group(1).replace("workers=2", "workers=1")
    names: dict = {}
    exec(compile(code, "docs/sweep.md", "exec"), names)
    result = names["result"]
    assert (result.draws, result.deadlock, result.governments[0]) == (
        10000, 0, ((0, 0, 0, 3, 3, 3, 3), 10000))
    assert names["sweep_dict"](result)["parties"]["csu"] == {
        "cabinet": 1.0, "support": 0.0, "pivotal": 0.9287}


def pool_workers() -> list[int]:
    """The pids of this process's pool workers (fresh Python processes it spawned)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def test_a_pool_closed_while_answers_are_on_their_way_lets_the_process_end(tmp_path):
    """Workers killed while sending large answers (a sweep cut short by its time limit) left
    half a message in the pipe, and CPython 3.11's executor waited for the rest for ever: the
    command printed its answer and never ended. Closing the pool ends it now."""
    script = tmp_path / "close.py"
    script.write_text("from allocator.sweep.engines import LocalPool\n\n"
                      "if __name__ == '__main__':\n"
                      "    pool = LocalPool(2)\n"
                      "    for _ in range(8):\n"
                      "        pool.submit(bytes, 50_000_000)  # 50 MB answers\n"
                      "    while not pool.answers(0.01):  # the first is in: the rest are coming\n"
                      "        pass\n"
                      "    pool.close()\n"
                      "    print('closed')\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout == "closed\n", done.stderr


def test_a_local_pool_that_loses_a_worker_carries_on(monkeypatch):
    from allocator.sweep.engines import LocalPool

    killed, replaced = [], []
    again = LocalPool._again
    monkeypatch.setattr(LocalPool, "_again",
                        lambda self, tasks: replaced.append(len(tasks)) or again(self, tasks))

    def kill_a_worker(progress: object) -> None:
        if not killed and pool_workers():
            killed.append(pool_workers()[0])
            os.kill(killed[0], signal.SIGKILL)

    survived = sweep(allocator.load(GERMANY), "campaign", draws=1500, seed=4, workers=2,
                     on_progress=kill_a_worker, by_arithmetic=False)
    assert killed and replaced and survived.complete
    same(survived, sweep(allocator.load(GERMANY), "campaign", draws=1500, seed=4, workers=1))


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 40), st.data())
def test_governments_are_ranked_by_draws_then_in_spec_order(width, data):
    """`governments.ranked` (numpy, all at once) against a count and a sort by SPEC's key,
    written here: parliaments' answers sharing governments, seen in several draws each, wide
    enough for several integers a row (past 31 parties, and past the digits one holds)."""
    from allocator.sweep.governments import Governments, ranked

    roles = st.tuples(*[st.integers(0, 3)] * width)
    answers = data.draw(st.lists(st.tuples(st.lists(roles, max_size=12, unique=True),
                                           st.integers(1, 5)), max_size=6))
    counts: dict = {}
    for governments, times in answers:
        for g in governments:
            counts[g] = counts.get(g, 0) + times

    def spec(g: tuple) -> tuple:
        held = [tuple(i for i, r in enumerate(g) if r == role) for role in (0, 1, 2)]
        return len(held[0]), held

    expected = sorted(counts.items(), key=lambda item: (-item[1], spec(item[0])))
    assert list(ranked([(Governments(g, width), t) for g, t in answers], width)) == expected


def test_wide_governments_are_told_apart_and_ordered_by_their_first_places():
    """Past 31 parties a row is several integers, and past 11 cabinet parties of 40 their
    indexes are too: governments differing only in the first party, or agreeing up to the
    tenth cabinet party, are still two, and in SPEC order."""
    from allocator.sweep.governments import Governments, ranked

    width = 40
    first = (1,) + (3,) * 39
    second = (2,) + (3,) * 39

    def cabinet(*parties: int) -> tuple:
        return tuple(0 if i in parties else 3 for i in range(width))

    early = cabinet(*range(11), 30)  # the eleventh is 10: first, whatever comes next
    late = cabinet(*range(10), 11, 12)
    answers = [(Governments([late, second, early, first], width), 1)]
    assert [g for g, _ in ranked(answers, width)] == [second, first, early, late]


@pytest.mark.parametrize("by_arithmetic", [False, True])
def test_a_time_limit_keeps_back_what_finishing_takes(monkeypatch, by_arithmetic):
    """A sweep cut short by its time limit stops early enough to count and write what it
    found (`FINISHING` a government, `WRITING` by arithmetic): here, where that would take
    longer than the limit itself, it stops as soon as its first answers are counted, with
    what they say."""
    from allocator.sweep import run as running

    monkeypatch.setattr(running, "FINISHING", 60.0)
    monkeypatch.setattr(allocator.sweep.arithmetic, "WRITING", 60.0)
    result = sweep(allocator.load(GERMANY), "campaign", draws=10_000, seed=3, workers=1,
                   time_limit=30, by_arithmetic=by_arithmetic)
    assert result.stopped_by == "time limit" and 0 < result.draws < 10_000
    assert result.governments and not result.complete
