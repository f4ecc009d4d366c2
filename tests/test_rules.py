"""Every base rule and demand type on a tiny council, with the exact allocations it allows.

The council: a 5 seats, b 4, c 2; quota 6; a cabinet of exactly 2 members; one post (leader).
An allocation is written `a1+b1@a` (cabinet members, then the leader) or `a2/b@a` (cabinet a
with 2 members, supported by b, led by a); `~c` marks an abstainer.
"""

from __future__ import annotations

import pytest

import allocator

BASE = {
    "a2/b@a", "a2/c@a", "b2/a@b", "b2/c@b", "c2/a@c", "c2/b@c",
    "a1+b1@a", "a1+b1@b", "a1+c1@a", "a1+c1@c", "b1+c1@b", "b1+c1@c",
}


def instance(demands=(), **changes) -> dict:
    data = {
        "name": "tiny",
        "parties": [{"id": "a", "seats": 5, "votes": 50, "position": 0},
                    {"id": "b", "seats": 4, "votes": 30, "position": 1},
                    {"id": "c", "seats": 2, "votes": 20, "position": 2}],
        "cabinet": {"size": 2, "posts": ["leader"]},
        "policies": [{"id": "x"}, {"id": "y"}],
        "policy_conflicts": [["x", "y"]],
        "demands": list(demands),
    }
    data.update(changes)
    return data


def code(a: allocator.Allocation) -> str:
    out = "+".join(f"{p}{n}" for p, n in a.cabinet.items())
    out += "".join(f"/{p}" for p in a.support) + "".join(f"~{p}" for p in a.abstain)
    out += "".join(f"@{h}" for h in a.posts.values())
    return out + "".join(f"#{h}" for h in a.portfolios.values())


def allocations(*demands, **changes) -> set[str]:
    result = allocator.solve(allocator.from_dict(instance(demands, **changes)))
    assert result.complete
    return {code(a) for a in result.allocations}


def without(*codes: str) -> set[str]:
    assert set(codes) <= BASE
    return BASE - set(codes)


# --- base rules ---------------------------------------------------------------------------------


def test_base_instance():
    assert allocations() == BASE


def test_majority_form_only():
    assert allocations(government={"forms": ["majority"]}) == {
        "a1+b1@a", "a1+b1@b", "a1+c1@a", "a1+c1@c", "b1+c1@b", "b1+c1@c"}


def test_minority_form_only():
    assert allocations(government={"forms": ["minority"]}) == {
        "a2/b@a", "a2/c@a", "b2/a@b", "b2/c@b", "c2/a@c", "c2/b@c"}


def test_supporters_are_minimal():
    """a with b and c supporting is never listed: either supporter alone is enough."""
    result = allocator.solve(allocator.from_dict(instance(cabinet={"size": 3})), level="coalition")
    assert [(list(c.cabinet), c.support) for c in result.coalitions if len(c.support) > 1] == []


def test_unlisted_seats_count_toward_the_total_not_a_majority():
    # 13 seats in all: quota 7, so b+c (6) no longer governs alone: it needs a's support
    assert allocations(seats=13) == without(
        "b1+c1@b", "b1+c1@c", "b2/c@b", "c2/b@c") | {"b1+c1/a@b", "b1+c1/a@c"}


def test_explicit_quota():
    # quota 9: a+b (9) governs either way round; every other cabinet needs the third party
    assert allocations(majority=9) == {
        "a2/b@a", "b2/a@b", "a1+b1@a", "a1+b1@b", "a1+c1/b@a", "a1+c1/b@c", "b1+c1/a@b",
        "b1+c1/a@c", "c2/a/b@c"}


def test_size_range_and_min_per_party():
    got = allocations(cabinet={"size": {"min": 3, "max": 3}, "min_per_party": 2},
                      government={"forms": ["majority"]})
    assert got == set()  # two parties need at least 4 members
    got = allocations(cabinet={"size": {"min": 3, "max": 4}, "min_per_party": 2},
                      government={"forms": ["majority"]})
    assert got == {f"{x}2+{y}2@{h}" for x, y in (("a", "b"), ("a", "c"), ("b", "c"))
                   for h in (x, y)}


def test_members_within_seats():
    """With a cabinet of 3 and min_per_party 1: without the rule c (2 seats) may hold 2 of 3
    members; with it, also, but not 3 (c alone). Scenario overrides switch it either way."""
    cabinet = {"size": 3, "posts": ["leader"]}
    free = allocations(cabinet=cabinet)
    capped = allocations(cabinet={**cabinet, "members_within_seats": True})
    assert "c3/a@c" in free and "c3/b@c" in free
    assert capped == {a for a in free if not a.startswith("c3")}
    two = instance(cabinet={"size": 3, "min_per_party": 3, "members_within_seats": True},
                   scenarios=[{"name": "off", "cabinet": {"members_within_seats": False}}])
    loaded = allocator.from_dict(two)
    assert {code(a)[:2] for a in allocator.solve(loaded).allocations} == {"a3", "b3"}
    assert {code(a)[:2] for a in allocator.solve(loaded, "off").allocations} == {
        "a3", "b3", "c3"}


def test_parity_counts_each_group_alike_except_the_posts_listed():
    """a and c are of one group, b of the other. Cabinets of 2: parity admits only one member
    from each group. Cabinets of 3 excepting the leader: the leader's group has one member
    more than the other (2 + 1), so no party governs alone."""
    parties = [{"id": "a", "seats": 5, "group": "x"}, {"id": "b", "seats": 4, "group": "y"},
               {"id": "c", "seats": 2, "group": "x"}]
    even = allocations(parties=parties, cabinet={"size": 2, "parity": {"groups": ["x", "y"]}})
    assert even == {"a1+b1@a", "a1+b1@b", "b1+c1@b", "b1+c1@c"}
    three = {"size": 3, "parity": {"groups": ["x", "y"], "except": ["leader"]}}
    assert allocations(parties=parties, cabinet=three) == {
        "a2+b1@a", "a1+b1+c1@a", "a1+b1+c1@c", "b1+c2@c",  # led from x: x 2, y 1
        "a1+b2@b", "b2+c1@b"}                               # led from y: y 2, x 1
    # a party of no listed group is not counted: z alone (2 members) has parity 0 = 0
    alone = allocations(parties=[*parties[:2], {"id": "z", "seats": 9}], majority=9,
                        cabinet={"size": 2, "parity": {"groups": ["x", "y"]}},
                        government={"forms": ["majority"]})
    assert alone == {"a1+b1@a", "a1+b1@b", "z2@z"}


def test_posts_outside_cabinet_go_to_cabinet_parties_or_supporters():
    """`aid` is held outside cabinet: by a cabinet party (whatever its members) or a
    supporter; a `role` demand `outside` asks a supporter to hold one, `support` any."""
    cabinet = {"size": 2, "outside": ["aid"]}
    got = allocations(cabinet=cabinet, government={"forms": ["minority"]})
    assert got == {"a2/b@a@b", "a2/b@a@a", "a2/c@a@a", "a2/c@a@c",
                   "b2/a@b@a", "b2/a@b@b", "b2/c@b@b", "b2/c@b@c",
                   "c2/a@c@a", "c2/a@c@c", "c2/b@c@b", "c2/b@c@c"}
    outside = allocations({"type": "role", "party": "b", "in": ["cabinet", "outside"]},
                          cabinet=cabinet, government={"forms": ["minority"]})
    assert outside == {"a2/b@a@b", "b2/a@b@a", "b2/a@b@b", "b2/c@b@b", "b2/c@b@c",
                       "c2/b@c@b"}
    assert "a2/b@a@a" not in outside  # supporting without the post is not allowed
    anyhow = allocations({"type": "role", "party": "b", "in": ["support", "outside"]},
                         cabinet=cabinet, government={"forms": ["minority"]})
    assert anyhow == {"a2/b@a@b", "a2/b@a@a", "c2/b@c@b", "c2/b@c@c"}
    required = allocations({"type": "requires_post", "party": "c", "post": "aid",
                            "when": "involved"}, cabinet=cabinet,
                           government={"forms": ["minority"]})
    assert required == {"a2/b@a@a", "a2/b@a@b", "a2/c@a@c", "b2/a@b@a", "b2/a@b@b",
                        "b2/c@b@c", "c2/a@c@c", "c2/b@c@c"}


def test_non_party_ministers_join_a_cabinet_or_form_one():
    """`independents` (0..1, the leader among their posts): the cabinet of 2 may take one
    non-party minister, who may lead; they never support or abstain, and never count as a
    party (max_cabinet_parties 1 still allows a + independent). With min 1 they always sit;
    with supporters enough, they may form the cabinet alone (a non-partisan cabinet)."""
    cabinet = {"size": 2, "independents": {"max": 1, "posts": ["leader"]}}
    got = allocations(d("max_cabinet_parties", count=1), cabinet=cabinet,
                      government={"forms": ["minority"]})
    assert {"a1+independent1/b@a", "a1+independent1/b@independent"} <= got
    assert "independent2/a@independent" not in got  # at most one of them
    assert all("/independent" not in g and "~independent" not in g for g in got)
    alone = allocations(cabinet={"size": 1, "independents": {"min": 1, "max": 1,
                                                             "posts": ["leader"]}},
                        government={"forms": ["minority"]})
    assert alone == {"independent1/a/b@independent", "independent1/a/c@independent",
                     "independent1/b/c@independent"}
    no_lead = allocations(cabinet={"size": 2, "independents": {"min": 1, "max": 1}},
                          government={"forms": ["majority", "minority"]})
    assert no_lead and all(g.endswith("@a") or g.endswith("@b") or g.endswith("@c")
                           for g in no_lead)


def test_posts_and_portfolios_are_held_within_members():
    got = allocations(cabinet={"size": 2, "posts": ["leader", "deputy"],
                               "portfolios": ["finance"]}, government={"forms": ["majority"]})
    # each partner has 1 member: one post each, and one portfolio at most
    assert got == {
        "a1+b1@a@b#a", "a1+b1@a@b#b", "a1+b1@b@a#a", "a1+b1@b@a#b",
        "a1+c1@a@c#a", "a1+c1@a@c#c", "a1+c1@c@a#a", "a1+c1@c@a#c",
        "b1+c1@b@c#b", "b1+c1@b@c#c", "b1+c1@c@b#b", "b1+c1@c@b#c",
    }


def test_relative_investiture_lets_a_needed_party_abstain():
    got = allocations(government={"investiture": "relative", "forms": ["minority"]})
    # a alone: 5 for, 6 against; with c abstaining 5 > 4 and c is needed
    assert "a2~c@a" in got
    assert "a2/b@a" in got          # b supporting: 9 > 2
    assert "c2~a@c" not in got      # c alone, a abstaining: 2 against 4, fails
    assert "a2~b~c@a" not in got    # either abstainer alone is enough: neither is needed


def test_negative_investiture_tolerates_a_cabinet_nobody_outvotes():
    got = allocations(government={"investiture": "negative", "forms": ["minority"]})
    # a alone: against = 6 >= quota; with b abstaining, against = 2 < 6
    assert "a2~b@a" in got and "a2@a" not in got
    assert "b2~a@b" in got  # b alone with a abstaining: against 2 < 6


# --- demands ------------------------------------------------------------------------------------


def d(type_: str, **fields) -> dict:
    return {"type": type_, **fields}


@pytest.mark.parametrize("demand, expected", [
    (d("veto_leader", party="b", of=["a"]), without("a1+b1@a")),
    (d("veto_leader", of=["a"]), without("a2/b@a", "a2/c@a", "a1+b1@a", "a1+c1@a")),
    (d("veto_leader", party="b", of=["a"], when="involved"), without("a2/b@a", "a1+b1@a")),
    (d("veto_post", party="c", post="leader", of=["b"]), without("b1+c1@b")),
    (d("requires_post", party="b", post="leader"), without("a1+b1@a", "b1+c1@c")),
    (d("refuse_partner", party="a", **{"with": ["b"]}), without("a1+b1@a", "a1+b1@b")),
    (d("refuse_partner", party="a", **{"with": ["b"], "as": ["support"]}), without("a2/b@a")),
    (d("refuse_partner", party="a", when="involved", **{"with": ["b"], "as": ["cabinet",
                                                                              "support"]}),
     without("a2/b@a", "b2/a@b", "a1+b1@a", "a1+b1@b")),
    (d("requires_partner", party="a", **{"with": ["c"]}),
     without("a2/b@a", "a2/c@a", "a1+b1@a", "a1+b1@b")),
    (d("requires_form", party="a", form="majority"),
     without("a2/b@a", "a2/c@a", "b2/a@b", "c2/a@c")),
    (d("requires_form", party="a", form="minority", when="cabinet"),
     without("a1+b1@a", "a1+b1@b", "a1+c1@a", "a1+c1@c")),
    (d("refuse_support", party="c", of=["a"]), without("a2/c@a")),
    (d("min_partners", party="a", count=1), without("a2/b@a", "a2/c@a")),
    (d("min_partners", party="a", count=2, when="involved"),
     without("a2/b@a", "a2/c@a", "b2/a@b", "c2/a@c", "a1+b1@a", "a1+b1@b", "a1+c1@a",
             "a1+c1@c")),
    (d("max_partners", party="b", count=0),
     without("a1+b1@a", "a1+b1@b", "b1+c1@b", "b1+c1@c")),
    (d("max_partners", party="c", count=0, when="involved"),
     without("a2/c@a", "b2/c@b", "c2/a@c", "c2/b@c", "a1+c1@a", "a1+c1@c", "b1+c1@b",
             "b1+c1@c")),
    (d("min_portfolios", party="a", count=2),
     without("a1+b1@a", "a1+b1@b", "a1+c1@a", "a1+c1@c")),
    (d("max_portfolios", party="a", count=1), without("a2/b@a", "a2/c@a")),
    (d("role", party="c", **{"in": ["opposition"]}),
     without("a2/c@a", "b2/c@b", "c2/a@c", "c2/b@c", "a1+c1@a", "a1+c1@c", "b1+c1@b",
             "b1+c1@c")),
    (d("role", party="c", **{"in": ["support"]}), {"a2/c@a", "b2/c@b"}),
    (d("max_cabinet_parties", count=1),
     without("a1+b1@a", "a1+b1@b", "a1+c1@a", "a1+c1@c", "b1+c1@b", "b1+c1@c")),
    (d("connected"), without("a2/c@a", "c2/a@c", "a1+c1@a", "a1+c1@c")),
])
def test_demand(demand, expected):
    assert allocations(demand) == expected


def test_distinct_posts():
    """Three members and a deputy: the leader's party may take both posts unless told not to."""
    changes = {"cabinet": {"size": 3, "posts": ["leader", "deputy"]},
               "government": {"forms": ["majority"]}}
    base = allocations(**changes)
    assert {"a2+b1@a@a", "a1+b2@b@b"} <= base
    distinct = allocations(d("distinct_posts", posts=["leader", "deputy"]), **changes)
    assert distinct == {c for c in base if c[-3:-2] != c[-1:]}
    # listing a post twice is the same as listing it once
    assert allocations(d("distinct_posts", posts=["leader", "deputy", "leader"]),
                       **changes) == distinct


def test_minimal_winning():
    """A cabinet of all three (11 seats) does not need c: 9 without it is still a majority."""
    changes = {"cabinet": {"size": {"min": 2, "max": 3}}, "government": {"forms": ["majority"]}}
    base = allocations(**changes)
    assert {"a1+b1+c1@a", "a1+b1+c1@c"} <= base
    assert allocations(d("minimal_winning"), **changes) == {
        c for c in base if not c.startswith("a1+b1+c1")}


def test_requires_portfolio():
    got = allocations(d("requires_portfolio", party="b", portfolio="finance"),
                      cabinet={"size": 2, "portfolios": ["finance"]},
                      government={"forms": ["majority"]})
    assert got == {"a1+b1@a#b", "a1+b1@b#b", "a1+c1@a#a", "a1+c1@a#c", "a1+c1@c#a",
                   "a1+c1@c#c", "b1+c1@b#b", "b1+c1@c#b"}


def test_policies_in_conflict_keep_their_parties_apart():
    got = allocations(d("requires_policy", party="a", policies=["x"]),
                      d("requires_policy", party="b", policies=["y"]))
    assert got == without("a2/b@a", "b2/a@b", "a1+b1@a", "a1+b1@b")


def test_programme_is_the_union_of_demands_in_force():
    result = allocator.solve(allocator.from_dict(instance(
        [d("requires_policy", party="a", policies=["x"]),
         d("requires_policy", party="c", policies=["y"], when="cabinet")])))
    programmes = {code(a): a.programme for a in result.allocations}
    assert programmes["a2/b@a"] == ("x",)
    assert programmes["b1+c1@b"] == ("y",)
    assert programmes["b2/c@b"] == ()          # c only supports: its demand is not in force
    assert "a2/c@a" in programmes and "c2/a@c" not in programmes  # x and y conflict


def test_opposes_policy():
    got = allocations(d("requires_policy", party="a", policies=["x"]),
                      d("opposes_policy", party="c", policies=["x"]))
    assert got == without("a2/c@a", "c2/a@c", "a1+c1@a", "a1+c1@c")


def test_demand_without_party_is_always_in_force():
    assert allocations(d("requires_policy", policies=["x"]), d("requires_policy",
                                                               policies=["y"])) == set()


def splits(*demands, size=5) -> dict[str, set[tuple[int, ...]]]:
    """Cabinet -> the member splits allowed, for the majority cabinets of a bigger cabinet."""
    result = allocator.solve(allocator.from_dict(instance(
        demands, cabinet={"size": size}, government={"forms": ["majority"]})))
    out: dict[str, set[tuple[int, ...]]] = {}
    for a in result.allocations:
        out.setdefault("+".join(a.cabinet), set()).add(tuple(a.cabinet.values()))
    return out


def test_equal_split():
    got = splits(d("equal_split", parties=["a", "b"]), size=4)
    assert got["a+b"] == {(2, 2)}
    assert got["a+c"] == {(1, 3), (2, 2), (3, 1)}


def test_proportional_dhondt_on_seats():
    # a 5, c 2 seats, 5 members: D'Hondt gives 4-1 (quotients 5, 2.5, 2, 1.67, 1.25 vs 2, 1)
    # and 3-2 is not (5/3 < 2): any D'Hondt result, ties either way
    assert splits(d("proportional", method="dhondt"))["a+c"] == {(4, 1)}


def test_proportional_sainte_lague_on_votes():
    # votes a 50, c 20: Sainte-Lague divisors 1, 3, 5 -> 50, 20, 16.7, 10, 6.67 -> 4-1
    assert splits(d("proportional", method="sainte_lague", basis="votes"))["a+c"] == {(4, 1)}


def test_proportional_share_tolerance():
    # a+b, 5 members, seats 5:4: ideal 2.78 : 2.22; tolerance 1 allows 3-2 and 2-3, not 4-1
    # (|4*9 - 5*5| = 11 > 9)
    assert splits(d("proportional"))["a+b"] == {(2, 3), (3, 2)}
    assert splits(d("proportional", tolerance=0.25))["a+b"] == {(3, 2)}


def test_proportional_share_counts_weighted_offices():
    """With the leader weighing 3, the leader counts as three members: a+b, 5 members,
    seats 5:4 (ideal 7·5/9 = 3.9 : 3.1 of 7 weighted members), tolerance 1. Unweighted only
    3-2 and 2-3 pass; weighted, a 3 leading counts 5 against b's 2 (|5·9 − 7·5| = 10 > 9) and
    fails, while a 1 leading counts 3 against b's 4 (|3·9 − 7·5| = 8) and passes."""
    weighted = allocator.solve(allocator.from_dict(instance(
        [d("proportional")], cabinet={"size": 5, "weights": {"leader": 3}},
        government={"forms": ["majority"]})))
    got = {code(a) for a in weighted.allocations if set(a.cabinet) == {"a", "b"}}
    assert got == {"a1+b4@a", "a2+b3@a", "a3+b2@b", "a4+b1@b"}
    plain = allocator.solve(allocator.from_dict(instance(
        [d("proportional")], cabinet={"size": 5}, government={"forms": ["majority"]})))
    assert {code(a) for a in plain.allocations if set(a.cabinet) == {"a", "b"}} == {
        "a2+b3@a", "a2+b3@b", "a3+b2@a", "a3+b2@b"}
    # apportionment methods count whole members, whatever the weights
    assert splits(d("proportional", method="hamilton", basis="votes"))["a+b"] == {(3, 2)}


def test_proportional_hamilton():
    # votes a 50, b 30: N=5 -> quotas 3.125 and 1.875: 3-2 only
    assert splits(d("proportional", method="hamilton", basis="votes"))["a+b"] == {(3, 2)}


def test_proportional_only_over_listed_parties():
    got = splits(d("proportional", method="dhondt", parties=["a", "c"]))
    assert got["a+c"] == {(4, 1)}
    assert got["a+b"] == {(1, 4), (2, 3), (3, 2), (4, 1)}


def test_exact_vote_arithmetic():
    """Votes 15.6 and 15.4 are compared exactly (156:154), not truncated into a tie."""
    data = instance([d("proportional", method="dhondt", basis="votes")],
                    cabinet={"size": 3}, government={"forms": ["majority"]})
    data["parties"][1]["votes"] = 15.6
    data["parties"][2]["votes"] = 15.4
    result = allocator.solve(allocator.from_dict(data))
    assert {tuple(a.cabinet.values()) for a in result.allocations
            if list(a.cabinet) == ["b", "c"]} == {(2, 1)}


# --- scenarios ------------------------------------------------------------------------------------


def test_scenario_overrides_drops_and_adds():
    data = instance([{"id": "no-a-leader", "type": "veto_leader", "of": ["a"]}])
    data["scenarios"] = [{
        "name": "s", "cabinet": {"size": 2}, "government": {"forms": ["majority"]},
        "drop": ["no-a-leader"], "add": [d("requires_post", party="c", post="leader")],
    }]
    inst = allocator.from_dict(data)
    got = {code(a) for a in allocator.solve(inst, "s").allocations}
    assert got == {"a1+b1@a", "a1+b1@b", "a1+c1@c", "b1+c1@c"}
    assert not any(code(a).endswith("@a") for a in allocator.solve(inst).allocations)


def test_generated_ids_are_stable():
    inst = allocator.from_dict(instance([
        d("veto_leader", party="b", of=["a"]), {"id": "b-veto_leader-2", **d(
            "veto_leader", party="b", of=["c"])}, d("veto_leader", party="b", of=["c"]),
        d("connected"),
    ]))
    assert [x.id for x in inst.demands] == [
        "b-veto_leader-1", "b-veto_leader-2", "b-veto_leader-3", "connected-1"]
