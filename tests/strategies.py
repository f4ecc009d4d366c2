"""Random small instances (as plain dicts) for the differential tests."""

from __future__ import annotations

from hypothesis import strategies as st

ROLES = ["cabinet", "support", "abstain", "opposition"]
TYPES = ["veto_leader", "veto_post", "requires_post", "requires_portfolio", "refuse_partner",
         "requires_partner", "requires_form", "refuse_support", "min_partners", "max_partners",
         "min_portfolios", "max_portfolios", "requires_policy", "opposes_policy", "role",
         "equal_split", "proportional", "distinct_posts", "max_cabinet_parties",
         "minimal_winning", "connected"]
WHEN_TYPES = {"veto_leader", "veto_post", "requires_post", "requires_portfolio",
              "refuse_partner", "requires_partner", "requires_form", "min_partners",
              "max_partners", "min_portfolios", "max_portfolios", "requires_policy",
              "opposes_policy"}
PARTY_OPTIONAL = {"veto_leader", "veto_post", "refuse_partner", "requires_partner",
                  "requires_form", "requires_policy", "opposes_policy", "equal_split",
                  "proportional", "distinct_posts", "max_cabinet_parties", "minimal_winning",
                  "connected"}


def _subset(draw, pool, min_size=1, max_size=None):
    return draw(st.lists(st.sampled_from(pool), min_size=min_size,
                         max_size=max_size or len(pool), unique=True))


def demand(draw, inst: dict, number: int) -> dict | None:
    parties = [p["id"] for p in inst["parties"]]
    posts = ["leader"] + [p for p in inst["cabinet"]["posts"] if p != "leader"]
    portfolios = inst["cabinet"]["portfolios"]
    policies = [p["id"] for p in inst["policies"]]
    investiture = inst["government"]["investiture"]
    t = draw(st.sampled_from(TYPES))
    d: dict = {"id": f"d{number}", "type": t}
    if t in PARTY_OPTIONAL:
        party = draw(st.none() | st.sampled_from(parties))
    else:
        party = draw(st.sampled_from(parties))
    if party is not None:
        d["party"] = party
        if t in WHEN_TYPES and draw(st.booleans()):
            d["when"] = draw(st.sampled_from(["cabinet", "involved"]))
    others = [p for p in parties if p != party]
    if t in ("veto_leader", "veto_post"):
        d["of"] = _subset(draw, parties, max_size=2)
        if t == "veto_post":
            d["post"] = draw(st.sampled_from(posts))
    elif t == "requires_post":
        d["post"] = draw(st.sampled_from(posts))
    elif t == "requires_portfolio":
        if not portfolios:
            return None
        d["portfolio"] = draw(st.sampled_from(portfolios))
    elif t in ("refuse_partner", "requires_partner", "refuse_support"):
        if not others:
            return None
        d["with" if t != "refuse_support" else "of"] = _subset(draw, others, max_size=2)
        if t == "refuse_partner" and draw(st.booleans()):
            d["as"] = _subset(draw, ["cabinet", "support"])
    elif t == "requires_form":
        d["form"] = draw(st.sampled_from(["majority", "minority"]))
    elif t in ("min_partners", "max_partners"):
        d["count"] = draw(st.integers(0, 3))
    elif t in ("min_portfolios", "max_portfolios"):
        d["count"] = draw(st.integers(0, 4))
    elif t in ("requires_policy", "opposes_policy"):
        if not policies:
            return None
        d["policies"] = _subset(draw, policies, max_size=2)
    elif t == "role":
        roles = ROLES if investiture != "absolute" else [r for r in ROLES if r != "abstain"]
        d["in"] = _subset(draw, roles)
    elif t == "equal_split":
        if len(parties) < 2:
            return None
        d["parties"] = _subset(draw, parties, min_size=2)
    elif t == "proportional":
        d["method"] = draw(st.sampled_from(["share", "dhondt", "sainte_lague", "hamilton"]))
        d["basis"] = draw(st.sampled_from(["seats", "votes"]))
        if d["method"] == "share":
            d["tolerance"] = draw(st.sampled_from([0, 0.5, 1, 1.5, 2]))
        if draw(st.booleans()):
            d["parties"] = _subset(draw, parties)
    elif t == "distinct_posts":
        if len(posts) < 2:
            return None
        d["posts"] = posts
    elif t == "max_cabinet_parties":
        d["count"] = draw(st.integers(1, 3))
    return d


@st.composite
def instances(draw, max_parties: int = 4, investitures=("absolute", "relative", "negative")):
    """A small instance dict and the scenario to solve (None or the name of its scenario)."""
    k = draw(st.integers(1, max_parties))
    parties = [
        {"id": f"p{i}", "seats": draw(st.integers(1, 9)),
         "votes": draw(st.sampled_from([1, 2.5, 4, 7.5, 10, 12.25])),
         "position": draw(st.integers(0, 4))}
        for i in range(k)
    ]
    listed = sum(p["seats"] for p in parties)
    lo = draw(st.integers(1, 4))
    hi = draw(st.integers(lo, 5))
    inst: dict = {
        "name": "random",
        "parties": parties,
        "cabinet": {
            "size": lo if lo == hi and draw(st.booleans()) else {"min": lo, "max": hi},
            "min_per_party": draw(st.sampled_from([0, 1, 1, 1, 2])),
            "posts": draw(st.sampled_from([["leader"], ["leader", "deputy"]])),
            "portfolios": draw(st.sampled_from([[], ["finance"], ["finance", "housing"]])),
        },
        "government": {
            "forms": draw(st.sampled_from([["majority", "minority"], ["majority"],
                                           ["minority"]])),
            "investiture": draw(st.sampled_from(investitures)),
        },
        "policies": [{"id": f"x{i}"} for i in range(draw(st.integers(0, 3)))],
    }
    if draw(st.booleans()):
        inst["seats"] = listed + draw(st.integers(0, 3))
    if draw(st.integers(0, 4)) == 0:
        inst["majority"] = draw(st.integers(1, listed + 1))
    policies = [p["id"] for p in inst["policies"]]
    inst["policy_conflicts"] = (
        [_subset(draw, policies, min_size=2, max_size=2)] if len(policies) >= 2
        and draw(st.booleans()) else []
    )
    demands = [demand(draw, inst, i) for i in range(draw(st.integers(0, 4)))]
    inst["demands"] = [d for d in demands if d is not None]
    scenario = None
    if draw(st.integers(0, 3)) == 0:
        sc: dict = {"name": "what-if"}
        if draw(st.booleans()):
            sc["cabinet"] = {"size": {"min": 1, "max": draw(st.integers(1, 5))}}
        ids = [d["id"] for d in inst["demands"]]
        if ids and draw(st.booleans()):
            sc["drop"] = _subset(draw, ids, max_size=2)
        added = [demand(draw, inst, 100 + i) for i in range(draw(st.integers(0, 2)))]
        sc["add"] = [d for d in added if d is not None]
        inst["scenarios"] = [sc]
        scenario = "what-if"
    return inst, scenario
