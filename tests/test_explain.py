"""Deadlocks made by hand, whose explanation can be stated in words."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import allocator
from allocator import CoalitionQuestion as Q
from allocator import UsageError, cli, explain
from allocator.explaining.deadlock import BASE_RULES_ONLY, explain_deadlock
from allocator.instance.transform import resolve
from allocator.solving import allocations
from allocator.solving.solver import Budget


def council(*demands, **changes) -> allocator.Instance:
    """a and b, 3 seats each, quota 4: only a cabinet of both can govern alone."""
    data = {
        "name": "pair",
        "parties": [{"id": "a", "seats": 3}, {"id": "b", "seats": 3}, {"id": "c", "seats": 1}],
        "cabinet": {"size": 2},
        "government": {"forms": ["majority"]},
        "demands": list(demands),
    }
    data.update(changes)
    return allocator.from_dict(data)


A_LEADS = {"id": "a-leads", "party": "a", "type": "requires_post", "post": "leader",
           "text": "a must lead"}
B_LEADS = {"id": "b-leads", "party": "b", "type": "requires_post", "post": "leader",
           "text": "b must lead"}
NO_C = {"id": "no-c", "type": "role", "party": "c", "in": ["opposition"]}


def test_two_parties_wanting_the_leader():
    """Both big parties must sit together, and each insists on the leader: drop either claim."""
    result = allocator.solve(council(A_LEADS, B_LEADS, NO_C))
    assert result.status == "deadlock"
    deadlock = result.deadlock
    assert deadlock.conflict == ("a-leads", "b-leads", "no-c")
    assert [r.drop for r in deadlock.relaxations] == [("a-leads",), ("b-leads",), ("no-c",)]
    examples = [r.example for r in deadlock.relaxations]
    assert [(e.cabinet, e.posts["leader"]) for e in examples] == [
        ({"a": 1, "b": 1}, "b"), ({"a": 1, "b": 1}, "a"), ({"a": 1, "c": 1}, "a")]
    assert deadlock.complete and deadlock.message == ""


def test_fixed_demands_are_never_blamed():
    """With c's exclusion fixed (a legal rule, say), only the leader claims can give way."""
    fixed = {**NO_C, "fixed": True}
    deadlock = allocator.solve(council(A_LEADS, B_LEADS, fixed)).deadlock
    assert deadlock.conflict == ("a-leads", "b-leads")
    assert [r.drop for r in deadlock.relaxations] == [("a-leads",), ("b-leads",)]


def test_base_rules_alone_admit_nothing():
    """No single party has a majority and the cabinet may hold only one: nobody is to blame."""
    one_party = {"type": "max_cabinet_parties", "count": 1, "fixed": True}
    result = allocator.solve(council(one_party, A_LEADS))
    assert result.status == "deadlock"
    assert result.deadlock == allocator.Deadlock((), (), True, (
        "the fixed demand max_cabinet_parties-1 cannot hold with the base rules (majority, "
        "cabinet size, posts), and fixed demands are never dropped"))
    # without any fixed demand, the base rules alone
    alone = allocator.solve(council(A_LEADS, government={"forms": ["majority"]},
                                    majority=7)).deadlock
    assert alone == allocator.Deadlock((), (), True, BASE_RULES_ONLY)


def test_max_relaxations_says_the_list_was_cut():
    deadlock = allocator.solve(council(A_LEADS, B_LEADS, NO_C), max_relaxations=2).deadlock
    assert len(deadlock.relaxations) == 2 and not deadlock.complete
    assert "only 2 minimum relaxations listed (the limit asked for)" in deadlock.message


@pytest.mark.parametrize("phase, conflict, relaxations", [
    ("minimal conflict", (), 0),
    ("minimum relaxations", ("a-leads", "b-leads", "no-c"), 0),
    ("minimum relaxations: 2 found", ("a-leads", "b-leads", "no-c"), 0),
])
def test_a_stop_in_any_phase_gives_a_marked_partial_explanation(phase, conflict, relaxations):
    """Ctrl-C or the time limit at the start of each phase: what was found, marked
    incomplete, with a message saying what was cut; never an exception. (The relaxations are
    searched while the conflict is: a stop as they find their second may come before the
    conflict is found, or after.)"""
    budget = Budget(on_phase=lambda name: budget.stop("interrupt") if name == phase else None)
    problem = resolve(council(A_LEADS, B_LEADS, NO_C), None)
    deadlock = explain_deadlock(problem, budget=budget)
    found = (conflict, relaxations)
    assert (deadlock.conflict, len(deadlock.relaxations)) in (
        [found, ((), 0)] if phase.endswith("found") else [found])
    assert not deadlock.complete and "interrupt" in deadlock.message


def test_coalition_level_deadlocks_are_explained_too():
    result = allocator.solve(council(A_LEADS, B_LEADS, NO_C), level="coalition")
    assert result.status == "deadlock" and result.deadlock.conflict == (
        "a-leads", "b-leads", "no-c")


def test_binding_demands_of_a_feasible_instance():
    answer = explain(council(A_LEADS, NO_C, {"id": "b-not-c", "party": "b",
                                             "type": "refuse_partner", "with": ["c"]}))
    assert answer.feasible and answer.deadlock is None
    # a-leads removes b-led cabinets and no-c removes a+c; b never sits with c anyway (4 seats
    # is a majority, but c's exclusion already keeps c out): b-not-c changes nothing
    assert answer.binding == ("a-leads", "no-c")


def test_why_not_names_what_rules_a_coalition_out():
    answer = explain(council(A_LEADS, B_LEADS), why_not=Q(("a", "c")))
    assert answer.feasible and answer.question.words() == "cabinet a, c, any support"
    answer = explain(council(A_LEADS, B_LEADS), why_not=Q(("a", "b")))
    assert not answer.feasible and answer.deadlock.conflict == ("a-leads", "b-leads")
    # a minority cabinet of a supported by b is fine: b's claim binds b only in cabinet
    answer = explain(council(A_LEADS, B_LEADS, government={"forms": ["minority", "majority"]}),
                     why_not=Q(("a",), ("b",)))
    assert answer.question.words() == "cabinet a, supported by b" and answer.feasible


def test_why_not_a_minority_the_base_rules_forbid():
    """c (1 seat) supported by both a and b: either supporter alone would give c a majority,
    so neither is needed, and the base rules (minimal support) rule it out, not a demand: a and
    b both supporting (which leaves only c to govern) is the conflict."""
    instance = council(government={"forms": ["majority", "minority"]})
    answer = explain(instance, why_not=Q(("c",), ("a", "b")))
    assert not answer.feasible
    assert answer.deadlock == allocator.Deadlock((), (), True, (
        "the fixed demands why-not-a, why-not-b cannot hold with the base rules "
        "(majority, cabinet size, posts), and fixed demands are never dropped"))


@pytest.mark.parametrize("question, message", [
    (Q(("a", "x")), "unknown party x in the coalition asked about (known: a, b, c)"),
    (Q((), ("a",)), "at least one cabinet party"),
    (Q(("a",), ("a",)), "a cannot be both in cabinet and supporting"),
    (Q(("a", "a")), "a named twice"),
    (Q(("a",), ("b", "b")), "b named twice"),
])
def test_why_not_usage_errors(question, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        explain(council(), why_not=question)


def run(*args: str):
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def deadlocked(tmp_path):
    path = tmp_path / "pair.yaml"
    path.write_text(json.dumps({
        "name": "pair", "parties": [{"id": "a", "seats": 3}, {"id": "b", "seats": 3}],
        "cabinet": {"size": 2}, "government": {"forms": ["majority"]},
        "demands": [{**A_LEADS, "source": "minutes"}, B_LEADS]}))
    return str(path)


def test_explain_command(deadlocked):
    code, out, _ = run("explain", deadlocked)
    assert code == 3
    assert out == """\
pair
deadlock: no allocation satisfies every demand (proven)

Minimal conflict: these 2 demands cannot all hold; without any one of them the rest can.
  a
    a-leads: a must lead [minutes]
  b
    b-leads: b must lead

Smallest relaxations: 2 ways to unlock a deal by dropping 1 demand.
  1. drop a-leads (a)
     for example: cabinet a 1, b 1; leader b (majority, 6 seats)
  2. drop b-leads (b)
     for example: cabinet a 1, b 1; leader a (majority, 6 seats)
"""
    code, out, _ = run("explain", deadlocked, "--format", "json")
    doc = json.loads(out)
    assert code == 3 and doc["status"] == "deadlock" and doc["binding"] is None
    assert doc["deadlock"]["conflict"] == ["a-leads", "b-leads"]


def test_solve_prints_the_explanation(deadlocked):
    code, out, _ = run("solve", deadlocked)
    assert code == 3 and "Smallest relaxations: 2 ways" in out
    code, out, _ = run("solve", deadlocked, "--max-relaxations", "1")
    assert "only 1 minimum relaxation listed (the limit asked for)" in out


def test_explain_why_not_command(deadlocked):
    code, out, _ = run("explain", deadlocked, "--why-not", "a,b")
    assert code == 3 and "Why not cabinet a, b, any support?" in out
    assert "not possible: no allocation of it satisfies every demand (proven)" in out
    code, _, err = run("explain", deadlocked, "--why-not", "a,z")
    assert code == 2 and "unknown party z" in err


def test_explain_feasible_lists_binding(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(json.dumps({
        "name": "ok", "parties": [{"id": "a", "seats": 3}, {"id": "b", "seats": 3}],
        "cabinet": {"size": 2}, "government": {"forms": ["majority"]},
        "demands": [A_LEADS, {"id": "loose", "party": "b", "type": "max_portfolios",
                              "count": 5}]}))
    code, out, _ = run("explain", str(path))
    assert code == 0
    assert "Binding demands" in out and "a-leads: a must lead" in out
    assert "Not binding (dropping one alone changes nothing):\n  b\n    loose" in out


def test_first_allocation_found_past_62_parties():
    """`allocations.first` finds each next index by maximising binary weights over windows of
    62 literals: here the only cabinet party is the 70th, beyond the first window, and the
    smallest supporter set is {p65, p66}."""
    parties = [{"id": f"p{i:02d}", "seats": 1} for i in range(1, 70)] + [
        {"id": "p70", "seats": 80}]
    demands = [{"id": f"out-{i:02d}", "type": "role", "party": f"p{i:02d}",
                "in": ["support", "opposition"], "fixed": True} for i in range(1, 70)]
    demands += [{"id": f"no-{i:02d}", "type": "role", "party": f"p{i:02d}",
                 "in": ["opposition"], "fixed": True} for i in range(1, 65)]
    raw = {"name": "wide", "parties": parties, "cabinet": {"size": 1}, "demands": demands,
           "government": {"forms": ["minority"]}}
    raw["majority"] = 82  # p70 (80 seats) needs two supporters
    first = allocations.first(allocator.from_dict(raw))
    assert first is not None
    assert first.cabinet == {"p70": 1} and first.support == ("p65", "p66")
