"""What the package answers, in the shape the brute force (tests/bruteforce.py) answers in, to
compare the two."""

from __future__ import annotations

import allocator
from tests import bruteforce


def as_tuple(a: allocator.Allocation) -> tuple:
    return (tuple(a.cabinet.items()), a.support, a.abstain, tuple(a.posts.items()),
            tuple(a.portfolios.items()), a.programme, a.form, a.seats)


def project(allocations: list[tuple]) -> dict:
    """The coalition level as the projection of allocation tuples onto the roles: per (cabinet,
    support, abstain) the member range of each cabinet party and the holders of each post."""
    expected: dict = {}
    for cabinet, support, abstain, posts, portfolios, programme, form, seats in allocations:
        key = (tuple(p for p, _ in cabinet), support, abstain)
        entry = expected.setdefault(key, {"n": {}, "posts": {}, "portfolios": {},
                                          "rest": (programme, form, seats)})
        for p, n in cabinet:
            lo, hi = entry["n"].get(p, (n, n))
            entry["n"][p] = (min(lo, n), max(hi, n))
        for table, pairs in (("posts", posts), ("portfolios", portfolios)):
            for name, holder in pairs:
                entry[table].setdefault(name, set()).add(holder)
    return expected


def coalitions_as_dict(result: allocator.Result) -> dict:
    return {
        (tuple(c.cabinet), c.support, c.abstain): {
            "n": {p: (r.min, r.max) for p, r in c.cabinet.items()},
            "posts": {k: set(v) for k, v in c.posts.items()},
            "portfolios": {k: set(v) for k, v in c.portfolios.items()},
            "rest": (c.programme, c.form, c.seats),
        }
        for c in result.coalitions
    }


def check_both_levels(raw: dict, scenario: str | None, expected: list[tuple]) -> None:
    instance = allocator.from_dict(raw)
    result = allocator.solve(instance, scenario)
    assert result.complete
    assert [as_tuple(a) for a in result.allocations] == expected
    assert result.status == ("feasible" if expected else "deadlock")
    coalitions = allocator.solve(instance, scenario, level="coalition")
    got = coalitions_as_dict(coalitions)
    assert got == project(expected)
    assert list(got) == list(project(expected))  # same order: SPEC's, restricted to roles


def government_seats(raw: dict, scenario: str | None) -> tuple[dict, int, int, str]:
    inst = bruteforce.independents(bruteforce.effective(raw, scenario))
    seats = {p["id"]: p["seats"] for p in inst["parties"]}
    total = inst.get("seats", sum(seats.values()))
    quota, margin = bruteforce.thresholds(inst, total)
    return seats, quota, margin, total - sum(seats.values()), inst["government"].get(
        "investiture", "absolute")


def needed(party: str, key: tuple, raw: dict, scenario: str | None) -> bool:
    """SPEC §2: the government fails its investiture with `party` moved into opposition."""
    seats, quota, margin, unlisted, rule = government_seats(raw, scenario)
    cabinet, support, abstain = key
    backing = [p for p in (*cabinet, *support) if p != party]
    votes_for = sum(seats[p] for p in backing)
    against = unlisted + sum(seats[p] for p in seats
                             if p not in (*backing, *abstain) or p == party)
    gets_in = (votes_for >= quota + margin if rule == "absolute" else
               votes_for > against + margin if rule == "relative" else
               against < quota - margin)
    return not gets_in
