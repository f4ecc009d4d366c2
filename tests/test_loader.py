"""Loading instances: every format, and every kind of bad input reported with file, line, path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import allocator
from allocator import InstanceError

ROOT = Path(__file__).resolve().parent.parent
GOOD = """\
name: tiny
parties:
  - {id: a, seats: 5, votes: 15.6}
  - {id: b, seats: 4, votes: 12}
cabinet: {size: {min: 2, max: 3}}
demands:
  - {party: a, type: veto_leader, of: [b]}
"""


def problems(text: str, fmt: str = "yaml") -> list[str]:
    with pytest.raises(InstanceError) as info:
        allocator.loads(text, format=fmt, filename="f.yaml")
    return [str(p) for p in info.value.problems]


def test_yaml_json_toml_and_dict_agree(tmp_path):
    from_yaml = allocator.loads(GOOD)
    data = from_yaml.model_dump(by_alias=True, exclude_none=True)
    as_json = json.dumps({"name": "tiny", "parties": data["parties"],
                          "cabinet": {"size": {"min": 2, "max": 3}},
                          "demands": [{"party": "a", "type": "veto_leader", "of": ["b"]}]})
    (tmp_path / "i.json").write_text(as_json)
    (tmp_path / "i.toml").write_text(
        'name = "tiny"\n[[parties]]\nid = "a"\nseats = 5\nvotes = 15.6\n'
        '[[parties]]\nid = "b"\nseats = 4\nvotes = 12\n[cabinet.size]\nmin = 2\nmax = 3\n'
        '[[demands]]\nparty = "a"\ntype = "veto_leader"\nof = ["b"]\n')
    loaded = [allocator.load(tmp_path / "i.json"), allocator.load(tmp_path / "i.toml"),
              allocator.from_dict(json.loads(as_json))]
    for other in loaded:
        assert other == from_yaml
    assert from_yaml.demands[0].id == "a-veto_leader-1"


@pytest.mark.parametrize("path", sorted((ROOT / "instances").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_bundled_instances_cite_and_explain(path):
    """A real formation names its sources, every demand says in words what it is (explanations
    show that text), and the file records the outcome `check` holds it to."""
    instance = allocator.load(path)
    assert instance.sources and instance.date
    assert [d.key for d in instance.demands if not d.text] == []
    assert instance.outcome is not None


def test_yaml_syntax_error_has_a_line():
    assert problems("name: x\nparties: [\n") == [
        "f.yaml:3: not valid YAML: expected the node content, but found '<stream end>'"]


def test_json_errors_have_lines_too():
    text = '{"name": "x",\n "parties": [{"id": "a", "seats": 1}],\n "cabinet": {"size": 2},\n' \
           ' "demands": [{"type": "connected", "colour": 1}]}'
    assert problems(text, "json") == [
        "f.yaml:4: demands[0]: `connected` needs a position on every party; missing on a",
        "f.yaml:4: demands[0].colour: unknown key 'colour' (known: type, id, text, source, party, "
        "by, when, fixed)"]


def test_toml_syntax_error():
    assert "not valid TOML" in problems("name = \n", "toml")[0]


def test_not_a_mapping():
    assert problems("- a\n- b\n") == [
        "f.yaml:1: an instance is a mapping of keys (name, parties, ...)"]


def test_every_shape_problem_at_once():
    text = """\
name: broken
parties:
  - {id: a, seats: many}
  - {id: B, seats: 2}
cabinet:
  size: {min: 9, max: 3}
  colour: blue
demands:
  - {party: a, type: veto_lead, of: [b]}
  - {party: a, type: refuse_partner, with: [b], wen: involved}
  - {party: a, type: min_partners}
"""
    assert problems(text) == [
        "f.yaml:3: parties[0].seats: expected an integer, got 'many'",
        "f.yaml:4: parties[1].id: 'B' is not an id: use lowercase letters, digits, _ and -",
        "f.yaml:6: cabinet.size: the size range is empty (min 9 > max 3); swap them",
        "f.yaml:7: cabinet.colour: unknown key 'colour' (known: size, min_per_party, posts, "
        "portfolios, members_within_seats, parity, outside, weights, independents)",
        "f.yaml:9: demands[0]: unknown demand type 'veto_lead' (known: veto_leader, veto_post, "
        "requires_post, requires_portfolio, refuse_partner, requires_partner, requires_form, "
        "refuse_support, min_partners, max_partners, min_portfolios, max_portfolios, "
        "requires_policy, opposes_policy, role, equal_split, proportional, distinct_posts, "
        "max_cabinet_parties, minimal_winning, connected)",
        "f.yaml:10: demands[1].wen: unknown key 'wen' (known: type, id, text, source, party, by, "
        "when, fixed, with, as)",
        "f.yaml:11: demands[2].count: missing required key 'count'",
    ]


def test_no_parties():
    assert problems("name: x\nparties: []\ncabinet: {size: 2}\n") == [
        "f.yaml:2: parties: List should have at least 1 item after validation, not 0"]


def test_every_reference_problem_at_once():
    text = """\
name: refs
seats: 5
parties:
  - {id: a, seats: 5}
  - {id: b, seats: 4}
  - {id: a, seats: 1}
cabinet: {size: 3, posts: [leader, deputy]}
policies: [{id: x}]
policy_conflicts: [[x, z]]
demands:
  - {party: a, type: veto_leader, of: [b, gren]}
  - {party: a, type: role, in: [abstain]}
  - {type: connected}
  - {party: a, type: equal_split, parties: [a, b], when: cabinet}
  - {party: a, type: requires_post, post: mayor}
  - {type: min_portfolios, count: 2}
  - {id: d1, party: a, type: refuse_partner, with: [a]}
  - {id: d1, type: proportional, basis: votes}
  - {type: requires_portfolio, party: b, portfolio: finance}
  - {type: veto_leader, of: [a], when: involved}
scenarios:
  - {name: s, drop: [nope], add: [{id: d1, type: connected}]}
outcome: {cabinet: [a], support: [a], posts: {mayor: a}, expect: deadlock, relaxed_by: [zz]}
"""
    got = problems(text)
    expected = [
        "f.yaml:2: seats: the total (5) is below the parties' seats (10); give the whole "
        "chamber, or leave `seats` out",
        "f.yaml:6: parties[2]: 'a' appears twice in parties; ids must be unique",
        "f.yaml:9: policy_conflicts[0][1]: unknown policy 'z' (known: x)",
        "f.yaml:11: demands[0].of[1]: unknown party 'gren' (known: a, b, a)",
        "f.yaml:12: demands[1].in: `abstain` needs government.investiture relative or negative "
        "(under absolute investiture nobody abstains)",
        "f.yaml:13: demands[2]: `connected` needs a position on every party; missing on a, b, a",
        "f.yaml:14: demands[3].when: a `equal_split` demand is always in force; remove `when`",
        "f.yaml:15: demands[4].post: unknown post 'mayor' (known: leader, deputy)",
        "f.yaml:16: demands[5]: a `min_portfolios` demand needs the `party` it belongs to",
        "f.yaml:17: demands[6].with[0]: 'a' cannot name itself here",
        "f.yaml:18: demands[7]: 'd1' appears twice in demand ids; ids must be unique",
        "f.yaml:18: demands[7].basis: `basis: votes` needs votes for a, b, a; add them or use "
        "`basis: seats`",
        "f.yaml:19: demands[8].portfolio: unknown portfolio 'finance' (none are defined)",
        "f.yaml:20: demands[9].when: `when` needs the `party` whose role it refers to",
        "f.yaml:22: scenarios[0].add[0]: `connected` needs a position on every party; missing "
        "on a, b, a",
        "f.yaml:22: scenarios[0].add[0].id: 'd1' is already a demand of the instance; drop it "
        "first or choose another id",
        "f.yaml:22: scenarios[0].drop[0]: unknown demand 'nope' (known: a-veto_leader-1, "
        "a-role-1, connected-1, a-equal_split-1, a-requires_post-1, min_portfolios-1, d1, d1, "
        "b-requires_portfolio-1, veto_leader-1)",
        "f.yaml:23: outcome: 'a' is given two roles in the outcome",
        "f.yaml:23: outcome.posts.mayor: unknown post 'mayor' (known: leader, deputy)",
        "f.yaml:23: outcome.relaxed_by[0]: unknown demand 'zz' (known: a-veto_leader-1, "
        "a-role-1, connected-1, a-equal_split-1, a-requires_post-1, min_portfolios-1, d1, d1, "
        "b-requires_portfolio-1, veto_leader-1)",
    ]
    assert got == expected


def test_relaxed_by_needs_deadlock():
    text = GOOD + "outcome: {expect: feasible, relaxed_by: [a-veto_leader-1]}\n"
    assert problems(text) == [
        "f.yaml:8: outcome: relaxed_by only makes sense with expect: deadlock"]


def test_scenario_references_are_checked_against_the_scenario():
    text = GOOD + """\
scenarios:
  - name: with-deputy
    cabinet: {posts: [leader, deputy]}
    add: [{party: b, type: requires_post, post: deputy}]
  - name: without
    add: [{party: b, type: requires_post, post: deputy}]
"""
    assert problems(text) == [
        "f.yaml:13: scenarios[1].add[0].post: unknown post 'deputy' (known: leader)"]


def test_unreadable_file(tmp_path):
    with pytest.raises(InstanceError) as info:
        allocator.load(tmp_path / "missing.yaml")
    assert "cannot read the file" in str(info.value)


def test_reference_problems_are_reported_beside_shape_problems():
    text = """\
name: both
parties:
  - {id: a, seats: 5}
  - {id: b, seats: lots}
cabinet: {size: 2}
demands:
  - {id: bad, party: a, type: veto_leader}
  - {party: a, type: veto_leader, of: [b, c]}
scenarios:
  - {name: s, drop: [bad, nope]}
"""
    assert problems(text) == [
        "f.yaml:4: parties[1].seats: expected an integer, got 'lots'",
        "f.yaml:7: demands[0].of: missing required key 'of'",
        "f.yaml:8: demands[1].of[1]: unknown party 'c' (known: a, b)",
        "f.yaml:10: scenarios[0].drop[1]: unknown demand 'nope' (known: bad, a-veto_leader-1)",
    ]


def test_a_demand_indented_into_its_scenario_is_told_where_it_belongs():
    """A scenario's demand whose keys slipped out to the scenario: the message lists the
    scenario's own keys (never the demand's, as if `as` were allowed there) and says why."""
    text = """\
name: x
parties: [{id: a, seats: 5}, {id: b, seats: 4}]
cabinet: {size: 2}
scenarios:
  - name: s
    add:
      - {type: refuse_partner, party: a, with: [b]}
    as: [support]
"""
    said = problems(text)
    assert len(said) == 1 and said[0].startswith("f.yaml:8: scenarios[0].as: unknown key 'as'")
    listed = said[0].split("(known: ")[1].split(")")[0].split(", ")
    assert "add" in listed and "as" not in listed
    assert "indent it under its demand" in said[0]
