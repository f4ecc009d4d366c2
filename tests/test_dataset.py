"""`allocator dataset` and `allocator theories`: the rows are the coalition level, every
attribute is recomputed here from its definition, `formed` marks exactly one row, and the
theories are scored (the conditional logit itself: tests/test_formation.py)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import allocator
from allocator.record.dataset import COLUMNS, build
from allocator.record.theories import score
from tests.helpers import run

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "parlgov-sample.csv"


@pytest.fixture(scope="module")
def formations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's formations but Switzerland 1991 and Denmark 2015, whose 3.8 million and
    395,000 potential governments are for the benchmark, not the suite."""
    folder = tmp_path_factory.mktemp("formations")
    code, _, err = run("parlgov", str(SAMPLE), "--out", str(folder))
    assert code == 0, err
    (folder / "che-1991-10-20.yaml").unlink()
    (folder / "dnk-2015-06-18.yaml").unlink()
    return folder


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_one_formed_row_and_as_many_rows_as_coalitions(formations, tmp_path):
    out = tmp_path / "rows.csv"
    code, _, err = run("dataset", str(formations), "--out", str(out), "--workers", "1")
    assert code == 0, err
    rows = read(out)
    assert list(rows[0]) == list(COLUMNS)
    for path in sorted(formations.glob("*.yaml")):
        mine = [r for r in rows if r["formation"] == path.stem]
        assert sum(r["formed"] == "1" for r in mine) == 1, path.stem
        code, counted, _ = run("solve", str(path), "--level", "coalition", "--count",
                               "--format", "json")
        assert len(mine) == json.loads(counted)["count"], path.stem
        instance = allocator.load(path)
        formed = next(r for r in mine if r["formed"] == "1")
        assert instance.outcome is not None
        assert set(formed["cabinet"].split("+")) == set(instance.outcome.cabinet)


def test_parquet_holds_what_the_csv_holds(formations, tmp_path):
    import pyarrow.parquet as pq

    run("dataset", str(formations / "deu-2017-09-24.yaml"), "--out", str(tmp_path / "d.csv"),
        "--workers", "1")
    code, _, err = run("dataset", str(formations / "deu-2017-09-24.yaml"), "--out",
                       str(tmp_path / "d.parquet"), "--workers", "1")
    assert code == 0, err
    table = pq.read_table(tmp_path / "d.parquet").to_pylist()
    rows = read(tmp_path / "d.csv")
    assert len(table) == len(rows) == 150
    for got, want in zip(table, rows):
        assert {k: "" if v is None else str(v) for k, v in got.items()} == want


def positioned_instances() -> st.SearchStrategy:
    @st.composite
    def draw(data: st.DrawFn) -> dict:
        n = data(st.integers(2, 5))
        parties = [{"id": f"p{i}", "seats": data(st.integers(0, 9)),
                    "position": data(st.integers(0, 4))} for i in range(n)]
        if sum(p["seats"] for p in parties) == 0:
            parties[0]["seats"] = 1
        inst = {"name": "t", "parties": parties, "cabinet": {"size": {"min": 1, "max": n}},
                "government": {"investiture": data(st.sampled_from(
                    ["absolute", "relative", "negative"]))}}
        try:
            allocator.from_dict(inst)
        except allocator.InstanceError:
            from hypothesis import reject
            reject()
        return inst
    return draw()


def expected(inst: dict, cabinet: list[str]) -> dict[str, object]:
    """Every attribute, from its definition in allocator/dataset.py's docstring."""
    seats = {p["id"]: p["seats"] for p in inst["parties"]}
    where = {p["id"]: p["position"] for p in inst["parties"]}
    total = sum(seats.values())
    quota = total // 2 + 1

    def wins(members: list[str]) -> bool:
        return sum(seats[p] for p in members) >= quota

    def connected(members: list[str]) -> bool:
        low, high = min(where[p] for p in members), max(where[p] for p in members)
        return not any(low < where[p] < high for p in seats if p not in members)

    winning = [set(c) for c in _subsets(list(seats)) if wins(list(c))]
    fewest = min((sum(seats[p] for p in c) for c in winning), default=None)
    order = sorted(seats, key=lambda p: (where[p], list(seats).index(p)))
    held, median = 0, None
    for p in order:
        held += seats[p]
        if 2 * held >= total:
            median = p
            break
    mine = sum(seats[p] for p in cabinet)
    mcw = (connected(cabinet) and wins(cabinet) and not any(
        connected(rest) and wins(rest) for rest in
        ([q for q in cabinet if q != p] for p in cabinet) if rest))
    return {"parties": str(len(cabinet)), "cabinet_seats": str(mine),
            "minimal_winning": str(int(wins(cabinet) and all(
                mine - seats[p] < quota for p in cabinet))),
            "minimum_winning": str(int(wins(cabinet) and mine == fewest)),
            "largest": str(int(any(seats[p] == max(seats.values()) for p in cabinet))),
            "median": str(int(median in cabinet)), "connected": str(int(connected(cabinet))),
            "minimal_connected_winning": str(int(mcw)),
            "range": str(float(max(where[p] for p in cabinet) - min(where[p]
                                                                  for p in cabinet)))}


def _subsets(items: list[str]) -> list[tuple[str, ...]]:
    from itertools import combinations
    return [c for k in range(1, len(items) + 1) for c in combinations(items, k)]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(positioned_instances())
def test_every_attribute_follows_its_definition(inst):
    from allocator.record.dataset import formation_rows

    instance = allocator.from_dict(inst)
    rows = list(csv.DictReader(io.StringIO("".join(
        formation_rows(("t", instance.model_dump_json(), False, (1, len(inst["parties"])))
                       ).text())), fieldnames=COLUMNS))
    coalitions = allocator.solve(instance, level="coalition").coalitions
    assert [(r["cabinet"], r["support"], r["abstain"]) for r in rows] == [
        ("+".join(c.cabinet), "+".join(c.support), "+".join(c.abstain)) for c in coalitions]
    for row in rows:
        want = expected(inst, row["cabinet"].split("+"))
        assert {k: row[k] for k in want} == want, row
        assert row["formed"] == "0"  # no outcome recorded: no formed row


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_formed_row_follows_the_recorded_outcome(tmp_path):
    from allocator.record.dataset import formation_rows

    base = {"name": "t", "cabinet": {"size": {"min": 1, "max": 3}},
            "parties": [{"id": "a", "seats": 4}, {"id": "b", "seats": 3},
                        {"id": "c", "seats": 2}]}

    def formed(outcome: dict) -> list[tuple[str, str]]:
        text = allocator.from_dict({**base, "outcome": outcome}).model_dump_json()
        rows = formation_rows(("t", text, False, (1, 3)))
        found = [r for r in csv.DictReader(io.StringIO("".join(rows.text())),
                                           fieldnames=COLUMNS) if r["formed"] == "1"]
        return [(r["cabinet"], r["support"]) for r in found]

    assert formed({"cabinet": ["a"], "support": ["c"]}) == [("a", "c")]
    assert formed({"cabinet": ["a"]}) == [("a", "b")]  # support not recorded: SPEC order
    assert formed({"cabinet": ["a", "b"]}) == [("a+b", "")]
    text = allocator.from_dict({**base, "outcome": {"cabinet": ["c"], "support": []}}
                               ).model_dump_json()
    assert formation_rows(("t", text, False, (1, 3))).formed == 0
    rows = next(build([str(write(tmp_path / "t.yaml", text))], workers=1))
    assert rows.formed == 0 and "not among its 10 potential governments" in rows.problems[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_formations_split_by_cabinet_size_give_the_same_rows(formations, monkeypatch, workers):
    """A formation of many parties is one job per cabinet size (`SPLIT`), its parts coming
    back in any order and waiting on disk for their turn: the same rows, counts and formed
    rows as one job per formation."""
    from allocator.record import dataset

    def rows() -> list[tuple]:
        return [(r.formation, r.count, r.formed, r.problems, "".join(r.text()))
                for r in build([str(formations)], workers=workers)]

    whole = rows()
    monkeypatch.setattr(dataset, "SPLIT", 1)
    assert len(dataset.jobs([str(formations)])) > 2 * len(whole)
    assert rows() == whole and sum(r[1] for r in whole) > 1000


def test_theories_count_hits_against_chance(formations):
    record = score(build([str(formations)], workers=1))
    scores = record.scores["largest party in cabinet"]["all"]
    hits = 0
    for path in formations.glob("*.yaml"):  # by the definition, from the files
        instance = allocator.load(path)
        assert instance.outcome is not None and isinstance(instance.outcome.cabinet, list)
        most = max(p.seats for p in instance.parties)
        hits += any(p.seats == most for p in instance.parties
                    if p.id in instance.outcome.cabinet)
    # Greece 2012 counts too: a cabinet of non-party ministers, not the largest party's
    assert (scores.formations, scores.hits) == (4, hits)
    assert sum(record.formations.values()) == 4 and record.minority["ITA"] == 1
    assert record.formations["GRC"] == 1


def test_the_rate_by_chance_counts_each_cabinet_once(formations):
    """By chance: the share of a formation's distinct feasible cabinets that a theory
    predicts, however many supports each cabinet has (the choice set of the logit)."""
    from allocator.instance.transform import resolve
    from allocator.likely.cabinets import feasible

    record = score(build([str(formations)], workers=1))
    shares = []
    for path in sorted(formations.glob("*.yaml")):
        problem = resolve(allocator.load(path), None)
        members = feasible(problem)
        seats = np.array([p.seats for p in problem.parties])
        shares.append(members[:, seats == seats.max()].any(axis=1).mean())
    chance = record.scores["largest party in cabinet"]["all"].chance
    assert math.isclose(chance, sum(shares), rel_tol=1e-9)


def test_theories_print_a_table(formations):
    code, out, err = run("theories", str(formations), "--workers", "1")
    assert code == 0, err
    assert "4 formations with a recorded cabinet." in out  # Greece 2012: non-party
    assert ("minimal winning, single-party majorities included (Riker 1962; von Neumann & "
            "Morgenstern 1944)") in out
    assert "minimal winning coalition (two parties or more)" in out


def test_formations_are_named_once(formations, tmp_path):
    twin = tmp_path / "deu-2017-09-24.yaml"
    twin.write_text((formations / "deu-2017-09-24.yaml").read_text())
    code, _, err = run("dataset", str(formations), str(twin), "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "two formations are named deu-2017-09-24" in err
    assert not (tmp_path / "x.csv").exists()


def test_a_party_whose_leaving_breaks_the_chain_does_not_make_it_less_than_minimal():
    """Axelrod: {left, centre, right} with centre small is minimal connected winning, though
    left and right alone would win: they are not connected."""
    inst = {"name": "t", "cabinet": {"size": {"min": 1, "max": 4}},
            "parties": [{"id": "left", "seats": 40, "position": 1},
                        {"id": "centre", "seats": 5, "position": 2},
                        {"id": "right", "seats": 40, "position": 3},
                        {"id": "far", "seats": 15, "position": 4}]}
    want = expected(inst, ["left", "centre", "right"])
    assert want["minimal_connected_winning"] == "1" and want["minimal_winning"] == "0"
    from allocator.record.dataset import chamber_of

    chamber = chamber_of(allocator.from_dict(inst))
    assert chamber.minimal_connected_winning([0, 1, 2]) is True
    assert chamber.minimal_connected_winning([0, 1, 2, 3]) is False
