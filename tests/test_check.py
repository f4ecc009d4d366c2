"""`allocator check`: outcomes and scenario expectations, each decided by solving."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

import allocator
from allocator import cli
from allocator.explaining.check import checks

ROOT = Path(__file__).resolve().parent.parent
BASE = {
    "name": "trio",
    "parties": [{"id": "a", "seats": 5}, {"id": "b", "seats": 4}, {"id": "c", "seats": 2}],
    "cabinet": {"size": {"min": 2, "max": 4}},
    "demands": [
        {"id": "a-leads", "party": "a", "type": "requires_post", "post": "leader"},
        {"id": "b-needs-a", "party": "b", "type": "requires_partner", "with": ["a"]},
        {"id": "a-majority", "party": "a", "type": "requires_form", "form": "majority"},
        {"id": "c-out", "party": "c", "type": "role", "in": ["opposition"]},
    ],
}


def verdicts(**changes) -> list[tuple[str | None, bool, str]]:
    instance = allocator.from_dict({**BASE, **changes})
    return [(c.scenario, c.ok, c.detail) for c in checks(instance)]


def test_feasible_outcome_matches():
    # a must lead a majority, b sits only with a, c stays out: a+b cabinets led by a
    assert verdicts(outcome={"cabinet": {"a": 2, "b": 1}, "posts": {"leader": "a"},
                             "support": [], "expect": "feasible"}) == [
        (None, True, "feasible and the recorded outcome matches")]


@pytest.mark.parametrize("outcome, detail", [
    ({"cabinet": ["a", "c"], "expect": "feasible"},
     "feasible, but no allocation matches the recorded outcome"),
    ({"cabinet": {"a": 1, "b": 4}, "expect": "feasible"},
     "feasible, but no allocation matches the recorded outcome"),  # 5 members > size 4
    ({"cabinet": ["a", "b"], "posts": {"leader": "b"}, "expect": "feasible"},
     "feasible, but no allocation matches the recorded outcome"),
    ({"expect": "deadlock"}, "expected deadlock, but allocations exist"),
])
def test_failing_outcomes(outcome, detail):
    assert verdicts(outcome=outcome) == [(None, False, detail)]


def test_deadlock_and_relaxation():
    deadlocked = {"government": {"forms": ["majority"]},
                  "demands": [*BASE["demands"],
                              {"id": "a-alone", "party": "a", "type": "max_partners",
                               "count": 0}]}
    # a must lead a majority, alone with nobody: a (5) alone is no majority; b needs a
    got = verdicts(**deadlocked, outcome={"cabinet": ["a", "b"], "posts": {"leader": "a"},
                                          "expect": "deadlock", "relaxed_by": ["a-alone"]})
    assert got == [(None, True, "deadlocked; relaxed by a-alone and the recorded outcome "
                                "matches")]
    got = verdicts(**deadlocked, outcome={"cabinet": ["a", "b"], "expect": "deadlock",
                                          "relaxed_by": ["a-alone", "c-out"]})
    assert got == [(None, False, "dropping a-alone, c-out unlocks a deal, but it is not a "
                                 "minimum relaxation: 1 demand(s) are enough")]
    got = verdicts(**deadlocked, outcome={"expect": "deadlock", "relaxed_by": ["c-out"]})
    assert got == [(None, False, "dropping c-out does not unlock a deal")]
    got = verdicts(**deadlocked, outcome={"cabinet": ["b"], "expect": "deadlock",
                                          "relaxed_by": ["a-alone"]})
    assert got == [(None, False, "relaxed by a-alone, no allocation matches the recorded "
                                 "outcome")]


def test_scenarios_with_expectations():
    got = verdicts(scenarios=[
        {"name": "unchecked", "drop": ["c-out"]},
        {"name": "c-in", "drop": ["c-out"], "add": [{"type": "role", "party": "c",
                                                     "in": ["cabinet"]}],
         "expect": "feasible", "outcome": {"cabinet": ["a", "c"]}},
        {"name": "wrong", "add": [{"type": "role", "party": "c", "in": ["cabinet"]}],
         "expect": "feasible"},
    ])
    assert got == [("c-in", True, "feasible and the recorded outcome matches"),
                   ("wrong", False, "expected feasible, but the instance is deadlocked")]


def dump(data: dict) -> str:
    import io
    buffer = io.StringIO()
    YAML(typ="safe").dump(data, buffer)
    return buffer.getvalue()


def test_check_command(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(dump({**BASE, "outcome": {"expect": "feasible"}}))
    bad = tmp_path / "bad.yaml"
    bad.write_text(dump({**BASE, "outcome": {"expect": "deadlock"}}))
    runner = CliRunner()
    result = runner.invoke(cli.main, ["check", str(good)])
    assert result.exit_code == 0 and result.stdout == f"PASS {good}: feasible\n"
    result = runner.invoke(cli.main, ["check", str(tmp_path)])
    assert result.exit_code == 5
    assert result.stdout == (f"FAIL {bad}: expected deadlock, but allocations exist\n"
                             f"PASS {good}: feasible\n")
    (tmp_path / "broken.yaml").write_text("name: x\n")
    result = runner.invoke(cli.main, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "INVALID" in result.stderr


def test_bundled_instances_hold():
    """The regression suite: every historical formation reproduces what really happened."""
    result = CliRunner().invoke(cli.main, ["check", str(ROOT / "instances")])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
