"""`allocator parlgov`: ParlGov's view_cabinet table -> one instance per election.

On a fixture cut from the table (tests/data/README.md says which elections and why), and on
the whole table where it is at hand: the file `$ALLOCATOR_PARLGOV` names (ParlGov's
view_cabinet.csv, which is not in the repository).
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from pathlib import Path

import pytest

import allocator
from allocator.record import parlgov
from tests.helpers import run

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "parlgov-sample.csv"
WHOLE = (Path(os.environ["ALLOCATOR_PARLGOV"]) if os.environ.get("ALLOCATOR_PARLGOV")
         and Path(os.environ["ALLOCATOR_PARLGOV"]).exists() else None)


def imported(tmp_path: Path, table: Path, *args: str) -> tuple[int, str, str]:
    return run("parlgov", str(table), "--out", str(tmp_path), *args)


def test_each_election_becomes_its_first_partisan_cabinet(tmp_path):
    code, out, err = imported(tmp_path, SAMPLE)
    assert code == 0 and out.strip() == f"6 formations written to {tmp_path}"
    germany = allocator.load(tmp_path / "deu-2017-09-24.yaml")
    # Merkel IV carried on as caretaker under the new election's id; Merkel V formed
    assert "Merkel V cabinet" in germany.name and germany.date.isoformat() == "2018-03-14"
    assert germany.outcome is not None
    assert germany.outcome.cabinet == ["cdu-csu", "spd"]
    assert germany.outcome.posts == {"leader": "cdu-csu"} and germany.outcome.expect == "feasible"
    assert [(p.id, p.seats, p.position) for p in germany.parties][:2] == [
        ("cdu-csu", 246, 6.2503), ("spd", 153, 3.6451)]
    assert germany.total_seats == 709 and germany.government.investiture == "absolute"
    assert "election 1016, cabinet 1528 (Merkel V)" in germany.sources[0]


def test_the_data_problems_are_said_per_formation(tmp_path):
    _, _, err = imported(tmp_path, SAMPLE)
    said = err.splitlines()
    assert ("ita-2008-04-13 (ParlGov election 111): cabinet party FI-PdL has no seats in "
            "ParlGov (an alliance's seats filed under one member?): kept with 0 seats") in said
    assert any(line.startswith("fra-1951-06-17") and "add up to 627, past the chamber's 544"
               in line for line in said)
    assert any(line.startswith("grc-2012-05-06") and "non-partisan cabinet: recorded as a "
               "cabinet of non-party ministers" in line for line in said)
    assert any(line.startswith("che-1991-10-20") and "no prime minister" in line
               for line in said)
    italy = (tmp_path / "ita-2008-04-13.yaml").read_text()
    assert "# Data: cabinet party FI-PdL has no seats" in italy  # the file says it too
    assert allocator.load(tmp_path / "fra-1951-06-17.yaml").total_seats == 627
    assert (tmp_path / "grc-2012-05-06.yaml").exists()  # as non-party ministers


def test_negative_investiture_in_scandinavia_unless_told_otherwise(tmp_path):
    imported(tmp_path, SAMPLE, "--country", "DNK")
    assert allocator.load(tmp_path / "dnk-2015-06-18.yaml").government.investiture == "negative"
    imported(tmp_path, SAMPLE, "--country", "DNK", "--investiture", "DNK=absolute")
    assert allocator.load(tmp_path / "dnk-2015-06-18.yaml").government.investiture == "absolute"


def test_countries_and_years_are_chosen(tmp_path):
    code, out, _ = imported(tmp_path, SAMPLE, "--country", "DEU,ITA", "--since", "2010")
    assert code == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["deu-2017-09-24.yaml"]
    code, _, err = imported(tmp_path, SAMPLE, "--country", "XYZ")
    assert code == 2 and "--country XYZ: not in the table" in err


def test_every_imported_formation_passes_check(tmp_path):
    imported(tmp_path, SAMPLE)
    code, out, _ = run("check", str(tmp_path))
    assert code == 0 and out.count("PASS") == 6


def test_a_table_that_is_not_parlgovs_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    code, _, err = imported(tmp_path / "out", bad)
    assert code == 2 and "not ParlGov's view_cabinet table: no column" in err
    with SAMPLE.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        first = next(reader)
    first["election_id"] = "x"
    with bad.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(first))
        writer.writeheader()
        writer.writerow(first)
    code, _, err = imported(tmp_path / "out", bad)
    assert code == 2 and f"{bad}:2: election_id: 'x' is not a whole number" in err


@pytest.mark.skipif(WHOLE is None, reason="ParlGov's whole table is not at hand (set "
                    "ALLOCATOR_PARLGOV to its path)")
def test_the_whole_table_western_europe_since_1945(tmp_path):
    """Every post-war Western European election: the cabinet parties and their seats are
    ParlGov's, and every formation passes `allocator check`."""
    assert WHOLE is not None
    code, out, err = imported(tmp_path, WHOLE, "--country", "western-europe", "--since", "1945")
    assert code == 0, err
    with WHOLE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cabinets: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        cabinets[row["cabinet_id"]].append(row)
    files = sorted(tmp_path.glob("*.yaml"))
    assert len(files) == int(out.split()[0]) > 350
    for path in files:
        instance = allocator.load(path)
        cabinet_id = instance.sources[0].split("cabinet ")[1].split()[0]
        recorded = {r["party_name_short"]: int(r["seats"]) for r in cabinets[cabinet_id]
                    if r["cabinet_party"] == "1"
                    and r["party_name_short"] not in parlgov.PSEUDO_PARTIES}
        names = {p.id: p for p in instance.parties}
        assert instance.outcome is not None and isinstance(instance.outcome.cabinet, list)
        seats = sorted(names[p].seats for p in instance.outcome.cabinet)
        assert seats == sorted(recorded.values()), path.name
        assert len(instance.outcome.cabinet) == len(recorded), path.name
    code, out, _ = run("check", str(tmp_path))
    assert code == 0 and out.count("PASS") == len(files)


def test_a_non_partisan_cabinet_is_refused_clearly(tmp_path):
    """An empty cabinet is no cabinet: `check` (and `validate`) say how to write a cabinet of
    non-party ministers instead, never a silent skip or a puzzling FAIL."""
    path = tmp_path / "technocrats.yaml"
    path.write_text("name: t\nparties: [{id: a, seats: 3}, {id: b, seats: 2}]\n"
                    "cabinet: {size: 2}\noutcome: {cabinet: [], expect: feasible}\n")
    code, _, err = run("check", str(path))
    assert code == 2
    assert f"{path}:4: outcome.cabinet: an empty cabinet is a non-partisan (technocratic) " \
           "cabinet: give the cabinet `independents` (non-party ministers)" in err


def test_a_non_partisan_cabinet_is_imported_as_non_party_ministers(tmp_path):
    """Greece, May 2012: Pikrammenos' caretaker cabinet of no party becomes a cabinet of
    non-party ministers, led by one of them, which `check` reproduces."""
    imported(tmp_path, SAMPLE)
    greece = allocator.load(tmp_path / "grc-2012-05-06.yaml")
    assert greece.cabinet.independents is not None and greece.cabinet.independents.min == 1
    assert greece.cabinet.independents.posts == ["leader"]
    assert greece.outcome is not None and greece.outcome.cabinet == ["independent"]
    assert greece.outcome.posts == {"leader": "independent"}
    code, out, _ = run("check", str(tmp_path / "grc-2012-05-06.yaml"))
    assert code == 0 and "PASS" in out
