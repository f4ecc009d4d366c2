"""Random small instances (as plain dicts) for the differential tests.

Written from docs/spec.md, independently of the package: `BUILDERS` has one entry per demand type
(tests/test_model.py checks it covers every type the package knows). `instances(of_type=T)`
makes every instance hold a demand of type T with what it needs to bite (a policy in the
programme for `opposes_policy`, a second post for `distinct_posts`, ...). `deadlocks()` makes
instances whose minimal conflicts have three to five demands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

import allocator

ROLES = ["cabinet", "support", "abstain", "opposition"]
#: types with a default `when` (SPEC §3), on which a user may set `when`
WHEN_TYPES = {"veto_leader", "veto_post", "requires_post", "requires_portfolio",
              "refuse_partner", "requires_partner", "requires_form", "min_partners",
              "max_partners", "min_portfolios", "max_portfolios", "requires_policy",
              "opposes_policy"}
#: types that mean nothing without a party
NEEDS_PARTY = {"requires_post", "requires_portfolio", "refuse_support", "min_partners",
               "max_partners", "min_portfolios", "max_portfolios", "role"}

Draw = Callable[[st.SearchStrategy[Any]], Any]


def _subset(draw: Draw, pool: list, min_size: int = 1, max_size: int | None = None) -> list:
    return draw(st.lists(st.sampled_from(pool), min_size=min_size,
                         max_size=max_size or len(pool), unique=True))


def _posts(inst: dict) -> list[str]:
    """Every post: the cabinet's, then those outside it."""
    cabinet = inst["cabinet"]
    return (["leader"] + [p for p in cabinet["posts"] if p != "leader"]
            + cabinet.get("outside", []))


def _others(inst: dict, d: dict) -> list[str]:
    return [p["id"] for p in inst["parties"] if p["id"] != d.get("party")]


def _veto(draw: Draw, inst: dict, d: dict) -> bool:
    d["of"] = _subset(draw, [p["id"] for p in inst["parties"]], max_size=2)
    if d["type"] == "veto_post":
        d["post"] = draw(st.sampled_from(_posts(inst)))
    return True


def _partner_list(key: str) -> Callable[[Draw, dict, dict], bool]:
    def build(draw: Draw, inst: dict, d: dict) -> bool:
        others = _others(inst, d)
        if not others:
            return False
        d[key] = _subset(draw, others, max_size=2)
        if d["type"] == "refuse_partner" and draw(st.booleans()):
            d["as"] = _subset(draw, ["cabinet", "support"])
        return True
    return build


def _requires_portfolio(draw: Draw, inst: dict, d: dict) -> bool:
    if not inst["cabinet"]["portfolios"]:
        return False
    d["portfolio"] = draw(st.sampled_from(inst["cabinet"]["portfolios"]))
    return True


def _policies(draw: Draw, inst: dict, d: dict) -> bool:
    if not inst["policies"]:
        return False
    d["policies"] = _subset(draw, [p["id"] for p in inst["policies"]], max_size=2)
    return True


def _role(draw: Draw, inst: dict, d: dict) -> bool:
    roles = ROLES if inst["government"]["investiture"] != "absolute" else [
        r for r in ROLES if r != "abstain"]
    d["in"] = _subset(draw, roles + (["outside"] if inst["cabinet"].get("outside") else []))
    return True


def _equal_split(draw: Draw, inst: dict, d: dict) -> bool:
    if len(inst["parties"]) < 2:
        return False
    d["parties"] = _subset(draw, [p["id"] for p in inst["parties"]], min_size=2)
    return True


def _proportional(draw: Draw, inst: dict, d: dict) -> bool:
    d["method"] = draw(st.sampled_from(["share", "dhondt", "sainte_lague", "hamilton"]))
    d["basis"] = draw(st.sampled_from(["seats", "votes"]))
    if d["method"] == "share":
        d["tolerance"] = draw(st.sampled_from([0, 0.5, 1, 1.5, 2]))
    if draw(st.booleans()):
        d["parties"] = _subset(draw, [p["id"] for p in inst["parties"]])
    return True


def _distinct_posts(draw: Draw, inst: dict, d: dict) -> bool:
    posts = _posts(inst)
    if len(posts) < 2:
        return False
    d["posts"] = posts if draw(st.booleans()) else [*posts, posts[0]]  # a repeat is harmless
    return True


def _count(low: int, high: int) -> Callable[[Draw, dict, dict], bool]:
    def build(draw: Draw, inst: dict, d: dict) -> bool:
        d["count"] = draw(st.integers(low, high))
        return True
    return build


def _nothing(draw: Draw, inst: dict, d: dict) -> bool:
    return True


#: demand type -> fills in its fields (False: the instance lacks what the type needs)
BUILDERS: dict[str, Callable[[Draw, dict, dict], bool]] = {
    "veto_leader": _veto,
    "veto_post": _veto,
    "requires_post": lambda draw, inst, d: bool(d.update(post=draw(st.sampled_from(
        _posts(inst))))) or True,
    "requires_portfolio": _requires_portfolio,
    "refuse_partner": _partner_list("with"),
    "requires_partner": _partner_list("with"),
    "requires_form": lambda draw, inst, d: bool(d.update(form=draw(st.sampled_from(
        ["majority", "minority"])))) or True,
    "refuse_support": _partner_list("of"),
    "min_partners": _count(0, 3),
    "max_partners": _count(0, 3),
    "min_portfolios": _count(0, 4),
    "max_portfolios": _count(0, 4),
    "requires_policy": _policies,
    "opposes_policy": _policies,
    "role": _role,
    "equal_split": _equal_split,
    "proportional": _proportional,
    "distinct_posts": _distinct_posts,
    "max_cabinet_parties": _count(1, 3),
    "minimal_winning": _nothing,
    "connected": _nothing,
}
TYPES = list(BUILDERS)


def demand(draw: Draw, inst: dict, number: int, of_type: str | None = None) -> dict | None:
    """A random demand (of the given type), or None if the instance cannot have it."""
    t = of_type or draw(st.sampled_from(TYPES))
    d: dict = {"id": f"d{number}", "type": t}
    parties = [p["id"] for p in inst["parties"]]
    party = draw(st.sampled_from(parties) if t in NEEDS_PARTY
                 else st.none() | st.sampled_from(parties))
    if party is not None:
        d["party"] = party
        if t in WHEN_TYPES and draw(st.booleans()):
            d["when"] = draw(st.sampled_from(["cabinet", "involved"]))
    if draw(st.integers(0, 4)) == 0:
        d["by"] = _subset(draw, parties, max_size=2)
    return d if BUILDERS[t](draw, inst, d) else None


def _parties(draw: Draw, low: int, high: int, twins: bool = False) -> list[dict]:
    """Parties with random seats, votes and positions; with `twins`, from so few values that
    most parties have an interchangeable twin (equal seats, votes and position)."""
    if twins:
        return [{"id": f"p{i}", "seats": draw(st.sampled_from([1, 2, 2, 3])),
                 "votes": draw(st.sampled_from([1, 2])), "position": draw(st.integers(0, 1))}
                for i in range(draw(st.integers(low, high)))]
    return [{"id": f"p{i}", "seats": draw(st.integers(1, 9)),
             "votes": draw(st.sampled_from([1, 2.5, 4, 7.5, 10, 12.25])),
             "position": draw(st.integers(0, 4))}
            for i in range(draw(st.integers(low, high)))]


@st.composite
def instances(draw: Draw, max_parties: int = 4,
              investitures: tuple[str, ...] = ("absolute", "relative", "negative"),
              of_type: str | None = None, twins: bool = False) -> tuple[dict, str | None]:
    """A small instance dict and the scenario to solve (None or the name of its scenario).

    With `of_type`, the instance has at least two parties, the posts, portfolios and policies
    that type needs, and a demand of that type (the last one of the instance's demands).
    With `twins`, most parties have an interchangeable twin (the coalition level's symmetry).
    """
    parties = _parties(draw, 2 if of_type else 1, max_parties, twins)
    listed = sum(p["seats"] for p in parties)
    posts = draw(st.sampled_from([["leader"], ["leader", "deputy"]]))
    if of_type in ("distinct_posts", "veto_post"):
        posts = ["leader", "deputy"]
    portfolios = draw(st.sampled_from([[], ["finance"], ["finance", "housing"]]))
    if of_type == "requires_portfolio":
        portfolios = portfolios or ["finance"]
    min_per_party = draw(st.sampled_from([1, 1, 1, 2]))
    # SPEC's arithmetic: the largest cabinet has room for the posts, portfolios and a party
    need = max(min_per_party, len(posts), len(portfolios))
    lo = draw(st.integers(1, 4))
    hi = draw(st.integers(max(lo, need), 5))
    inst: dict = {
        "name": "random",
        "parties": parties,
        "cabinet": {
            "size": lo if lo == hi and draw(st.booleans()) else {"min": lo, "max": hi},
            "min_per_party": min_per_party,
            "members_within_seats": draw(st.booleans()),
            "posts": posts,
            "portfolios": portfolios,
            "outside": draw(st.sampled_from([[], [], ["aid"], ["aid", "env"]])),
        },
        "government": {
            "forms": draw(st.sampled_from([["majority", "minority"], ["majority"],
                                           ["minority"]])),
            "investiture": draw(st.sampled_from(investitures)),
        },
        "policies": [{"id": f"x{i}"} for i in range(draw(st.integers(
            1 if of_type in ("requires_policy", "opposes_policy") else 0, 3)))],
    }
    if draw(st.integers(0, 3)) == 0:
        _parity(draw, inst)
    if draw(st.integers(0, 4)) == 0:  # non-party ministers
        low = draw(st.integers(0, 1))
        inst["cabinet"]["independents"] = {"min": low, "max": draw(st.integers(max(low, 1), 2)),
                                           "posts": _subset(draw, posts, min_size=0)}
    if draw(st.integers(0, 2)) == 0:  # weights of posts and portfolios
        offices = [*posts, *portfolios]
        inst["cabinet"]["weights"] = {office: draw(st.sampled_from([0.5, 1, 1.5, 2.5, 3]))
                                      for office in _subset(draw, offices, max_size=2)}
    if draw(st.booleans()):
        inst["seats"] = listed + draw(st.integers(0, 3))
    if draw(st.integers(0, 4)) == 0:
        inst["majority"] = draw(st.integers(1, inst.get("seats", listed)))
    elif draw(st.integers(0, 5)) == 0:  # a qualified majority
        inst["government"]["quota"] = draw(st.sampled_from([0.6, "2/3", 0.75, 1]))
    if draw(st.integers(0, 4)) == 0:
        inst["government"]["margin"] = draw(st.integers(1, 3))
    policies = [p["id"] for p in inst["policies"]]
    inst["policy_conflicts"] = (
        [_subset(draw, policies, min_size=2, max_size=2 if draw(st.booleans()) else 3)]
        if len(policies) >= 2 and draw(st.booleans()) else []
    )
    demands = [demand(draw, inst, i) for i in range(draw(st.integers(0, 4)))]
    if of_type == "opposes_policy":  # something must put a policy in the programme
        demands.append({"id": "helper", "type": "requires_policy",
                        "policies": [draw(st.sampled_from(policies))],
                        **({"party": draw(st.sampled_from([p["id"] for p in parties]))}
                           if draw(st.booleans()) else {})})
    if of_type is not None:
        demands.append(demand(draw, inst, 99, of_type))
    inst["demands"] = [d for d in demands if d is not None]
    scenario = draw(_scenario(inst)) if draw(st.integers(0, 3)) == 0 else None
    _valid(inst)
    return inst, scenario


def _parity(draw: Draw, inst: dict) -> None:
    """Groups for the parties (some in none) and, where two groups have parties, parity
    between them, maybe with posts excepted."""
    for party in inst["parties"]:
        group = draw(st.sampled_from(["a", "b", "b", None]))
        if group is not None:
            party["group"] = group
    groups = sorted({p["group"] for p in inst["parties"] if "group" in p})
    if len(groups) == 2:
        excepted = _subset(draw, inst["cabinet"]["posts"], min_size=0, max_size=2)
        inst["cabinet"]["parity"] = {"groups": groups, **({"except": excepted} if excepted
                                                          else {})}


def _valid(inst: dict) -> None:
    """Skip the few draws that break SPEC's plain arithmetic (a quota above the seats the
    parties hold, more unlisted seats than listed under relative investiture, ...): the loader
    refuses those, and tests/test_loader.py covers that."""
    try:
        allocator.from_dict(inst)
    except allocator.InstanceError:
        reject()


@st.composite
def _scenario(draw: Draw, inst: dict) -> str:
    """Adds a scenario to `inst` (overriding any of seats, majority, cabinet, government;
    dropping and adding demands) and returns its name."""
    sc: dict = {"name": "what-if"}
    if draw(st.booleans()):
        cabinet = inst["cabinet"]
        need = max(cabinet["min_per_party"], len(cabinet["posts"]), len(cabinet["portfolios"]))
        sc["cabinet"] = {"size": {"min": 1, "max": draw(st.integers(need, 5))}}
    if draw(st.integers(0, 4)) == 0:
        sc.setdefault("cabinet", {})["members_within_seats"] = draw(st.booleans())
    if "parity" in inst["cabinet"] and draw(st.integers(0, 3)) == 0:
        sc.setdefault("cabinet", {})["parity"] = {"groups": inst["cabinet"]["parity"]["groups"]}
    if draw(st.integers(0, 3)) == 0:
        sc["government"] = {"forms": draw(st.sampled_from([["majority"], ["minority"]]))}
    if draw(st.integers(0, 5)) == 0:
        sc.setdefault("government", {})["margin"] = draw(st.integers(0, 2))
    listed = sum(p["seats"] for p in inst["parties"])
    if draw(st.integers(0, 4)) == 0:
        sc["seats"] = listed + draw(st.integers(0, 4))
    if draw(st.integers(0, 4)) == 0:
        sc["majority"] = draw(st.integers(1, sc.get("seats", inst.get("seats", listed))))
    ids = [d["id"] for d in inst["demands"]]
    if ids and draw(st.booleans()):
        sc["drop"] = _subset(draw, ids, max_size=2)
    added = [demand(draw, inst, 100 + i) for i in range(draw(st.integers(0, 2)))]
    sc["add"] = [d for d in added if d is not None]
    inst["scenarios"] = [sc]
    return "what-if"


@st.composite
def deadlocks(draw: Draw) -> dict:
    """A deadlock built around a cycle of m = 3..5 demands that cannot all hold: p0 sits in
    cabinet (fixed), each p_i requires p_{i+1} as partner, and p_{m-1} refuses p0. Dropping any
    one of them breaks the cycle. Random other parties, noise demands and demand order around
    it; the brute force decides what the minimal conflicts and relaxations really are."""
    m = draw(st.integers(3, 5))
    parties = [{"id": f"p{i}", "seats": draw(st.integers(1, 6)), "votes": i + 1, "position": i}
               for i in range(m + draw(st.integers(0, 1)))]
    cycle: list[dict] = [
        {"id": f"c{i}", "party": f"p{i}", "type": "requires_partner", "with": [f"p{i + 1}"],
         **({"when": "involved"} if draw(st.booleans()) else {})}
        for i in range(m - 1)
    ]
    cycle.append({"id": f"c{m - 1}", "party": f"p{m - 1}", "type": "refuse_partner",
                  "with": ["p0"]})
    inst: dict = {
        "name": "cycle",
        "parties": parties,
        "cabinet": {"size": {"min": 1, "max": len(parties) + 1}, "posts": ["leader"],
                    "portfolios": []},
        "government": {"forms": ["majority", "minority"], "investiture": "absolute"},
        "policies": [],
        "policy_conflicts": [],
    }
    noise = [demand(draw, inst, 10 + i) for i in range(draw(st.integers(0, 2)))]
    demands = [*cycle, *(d for d in noise if d is not None)]
    demands = draw(st.permutations(demands))
    pinned = {"id": "p0-in", "party": "p0", "type": "role", "in": ["cabinet"], "fixed": True}
    inst["demands"] = [pinned, *demands]
    return inst
