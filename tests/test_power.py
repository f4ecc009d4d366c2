"""`allocator power`: both indices of both games, against a brute force over every order and every
set of parties (written here from the definitions), against the `powerindex` package on the
weighted game, and through the command line."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import powerindex
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import allocator
from allocator.solving.power import indices, table_counts, weighted_counts
from tests import bruteforce
from tests.helpers import run
from tests.strategies import instances

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def brute_indices(n: int, wins) -> tuple[list[Fraction], list[Fraction]] | None:
    """Shapley-Shubik over all n! orders (the party that first makes the set win), normalised
    Banzhaf over all 2^n sets (the parties whose leaving makes a winning set lose)."""
    if not wins(frozenset(range(n))):
        return None
    pivots = [0] * n
    orders = 0
    for order in itertools.permutations(range(n)):
        orders += 1
        before: set[int] = set()
        for i in order:
            before.add(i)
            if wins(frozenset(before)):
                pivots[i] += 1
                break
    swings = [0] * n
    for size in range(n + 1):
        for subset in itertools.combinations(range(n), size):
            s = frozenset(subset)
            if wins(s):
                for i in s:
                    if not wins(s - {i}):
                        swings[i] += 1
    return ([Fraction(p, orders) for p in pivots],
            [Fraction(b, sum(swings)) for b in swings])


def ours(counts) -> tuple[list[Fraction], list[Fraction]] | None:
    found = indices(counts)
    return None if found is None else (list(found[0]), list(found[1]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=6), st.integers(1, 40))
def test_weighted_game_against_brute_force(seats: list[int], quota: int) -> None:
    def wins(s: frozenset[int]) -> bool:
        return sum(seats[i] for i in s) >= quota

    assert ours(weighted_counts(seats, quota)) == brute_indices(len(seats), wins)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.just(n), st.sets(st.integers(1, (1 << n) - 1), max_size=5))))
def test_game_of_governing_sets_against_brute_force(game: tuple[int, set[int]]) -> None:
    """Winning sets: the supersets of some governing set (masks), null parties included."""
    n, governing = game

    def wins(s: frozenset[int]) -> bool:
        mask = sum(1 << i for i in s)
        return any(g & mask == g for g in governing)

    assert ours(table_counts(n, governing)) == brute_indices(n, wins)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=2, max_size=15), st.data())
def test_weighted_game_against_powerindex(seats: list[int], data: st.DataObject) -> None:
    """The published package (generating functions) on proper games (quota above half)."""
    quota = data.draw(st.integers(sum(seats) // 2 + 1, sum(seats)))
    game = powerindex.Game(quota, seats)
    game.calc()
    shapley, banzhaf = ours(weighted_counts(seats, quota))
    assert [float(x) for x in shapley] == pytest.approx(game.shapley_shubik, abs=1e-12)
    assert [float(x) for x in banzhaf] == pytest.approx(game.banzhaf, abs=1e-12)


@pytest.mark.parametrize("name", ["spain-2019", "netherlands-2017", "germany-2017"])
def test_bundled_chambers_against_powerindex(name: str) -> None:
    answer = allocator.power(allocator.load(INSTANCES / f"{name}.yaml"))
    seats = [p.seats for p in answer.instance.parties]
    game = powerindex.Game(answer.instance.quota, seats)
    game.calc()
    assert [p.unconstrained[0] for p in answer.parties] == pytest.approx(game.shapley_shubik)
    assert [p.unconstrained[1] for p in answer.parties] == pytest.approx(game.banzhaf)


def _governing(raw: dict, scenario: str | None, drop: frozenset[int] = frozenset()
               ) -> list[frozenset[str]]:
    """Each C ∪ S ∪ A of the brute force's allocations (non-party ministers are no player)."""
    return [frozenset([p for p, _ in a[0]] + list(a[1]) + list(a[2])) - {"independent"}
            for a in bruteforce.allocations(raw, scenario, drop)]


def _expected(raw: dict, scenario: str | None, drop: frozenset[int] = frozenset()):
    parties = [p["id"] for p in raw["parties"]]
    governing = _governing(raw, scenario, drop)

    def wins(s: frozenset[int]) -> bool:
        named = {parties[i] for i in s}
        return any(g <= named for g in governing)

    return brute_indices(len(parties), wins)


def _floats(found) -> list[tuple[float, float]] | None:
    return None if found is None else [(float(a), float(b)) for a, b in zip(*found, strict=True)]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(instances(max_parties=4), instances(max_parties=4, twins=True)))
def test_game_under_the_demands_against_brute_force(drawn: tuple[dict, str | None]) -> None:
    """The whole command's answer: the constrained game from the brute force's allocations,
    and each party demand's cost from the brute force without that demand."""
    raw, scenario = drawn
    answer = allocator.power(allocator.from_dict(raw), scenario)
    assert answer.complete
    expected = _floats(_expected(raw, scenario))
    got = None if answer.parties[0].constrained is None else [p.constrained
                                                              for p in answer.parties]
    assert got == expected  # both exact fractions, as floats
    demands = bruteforce.effective(raw, scenario)["demands"]
    ids = [d.key for d in answer.instance.demands]
    owned = [i for i, d in enumerate(answer.instance.demands)
             if (d.party or d.by) and (d.party or (d.by or [""])[0]) != "independent"]
    assert [d.demand for d in answer.demands] == [ids[i] for i in owned]
    parties = [p["id"] for p in raw["parties"]]
    for cost, i in zip(answer.demands, owned, strict=True):
        assert cost.party == (demands[i].get("party") or demands[i]["by"][0])
        without = _floats(_expected(raw, scenario, frozenset({i})))
        assert cost.without == (None if without is None else
                                without[parties.index(cost.party)])


def test_a_red_line_moves_power() -> None:
    """Three equal parties: by seats each holds a third; when a vetoes b, the only governments
    are a+c and b+c (and the three, which a's veto also forbids), so c holds most."""
    raw = {"name": "veto", "parties": [{"id": p, "seats": 10} for p in "abc"],
           "cabinet": {"size": {"min": 1, "max": 3}},
           "government": {"forms": ["majority"]},
           "demands": [{"id": "no-b", "type": "refuse_partner", "party": "a", "with": ["b"],
                        "when": "involved"}]}
    answer = allocator.power(allocator.from_dict(raw))
    assert [p.unconstrained for p in answer.parties] == [(1 / 3, 1 / 3)] * 3
    assert [p.constrained for p in answer.parties] == [(1 / 6, 1 / 5), (1 / 6, 1 / 5),
                                                       (2 / 3, 3 / 5)]
    (cost,) = answer.demands
    assert (cost.demand, cost.party) == ("no-b", "a")
    assert cost.without == (1 / 3, 1 / 3)


def test_power_command_json_table_csv(tmp_path: Path) -> None:
    file = INSTANCES / "scotland-2007.yaml"
    code, out, _ = run("power", file, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["complete"] is True
    assert set(document["parties"][0]) == {"party", "seats", "shapley", "banzhaf",
                                           "shapley_unconstrained", "banzhaf_unconstrained"}
    assert set(document["demands"][0]) == {"id", "party", "shapley_without", "banzhaf_without"}
    for key in ("shapley", "banzhaf", "shapley_unconstrained", "banzhaf_unconstrained"):
        assert sum(p[key] for p in document["parties"]) == pytest.approx(1)
    code, out, _ = run("power", file)
    assert code == 0 and "who holds power" in out and "snp-referendum" in out
    target = tmp_path / "power.csv"
    code, _, _ = run("power", file, "--format", "csv", "--out", target)
    lines = target.read_text().splitlines()
    assert code == 0 and lines[0].startswith("party,seats,shapley,banzhaf")
    assert len(lines) == 1 + len(document["parties"])


def test_power_of_a_deadlock_and_bad_requests() -> None:
    code, out, _ = run("power", INSTANCES / "worcester-2016.yaml", "--format", "json")
    document = json.loads(out)
    assert code == 0 and all(p["shapley"] is None for p in document["parties"])
    assert all(p["shapley_unconstrained"] is not None for p in document["parties"])
    code, out, _ = run("power", INSTANCES / "worcester-2016.yaml")
    assert "nobody holds power" in out
    code, _, err = run("power", INSTANCES / "uk-2010.yaml", "--scenario", "nope")
    assert code == 2 and "no scenario named 'nope'" in err and "Traceback" not in err
    code, _, err = run("power", INSTANCES / "uk-2010.yaml", "--format", "xml")
    assert code == 2 and "Traceback" not in err


def test_power_under_a_time_limit_is_marked_incomplete() -> None:
    """Spain's eight listings take seconds; a hundredth of one leaves the game undecided, while
    the weighted game (arithmetic) is still answered."""
    code, out, _ = run("power", INSTANCES / "spain-2019.yaml", "--format", "json",
                       "--time-limit", "0.01")
    document = json.loads(out)
    assert code == 4 and document["complete"] is False
    assert all(p["shapley_unconstrained"] is not None for p in document["parties"])
    assert document["demands"][-1]["shapley_without"] is None
