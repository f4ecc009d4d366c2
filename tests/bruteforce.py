"""An independent brute-force enumerator, written plainly from docs/spec.md.

It shares no code with the `allocator` package: it reads the instance as a plain dict, tries
every combination of roles, member counts, post holders and portfolio holders, and keeps those
that satisfy the base rules and every demand in force. Only for small instances.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

ALWAYS_TYPES = {"refuse_support", "role", "equal_split", "proportional", "distinct_posts",
                "max_cabinet_parties", "minimal_winning", "connected"}
DEFAULT_WHEN = {"requires_form": "involved", "requires_policy": "involved",
                "opposes_policy": "involved"}


def effective(inst: dict, scenario: str | None) -> dict:
    """The instance with the named scenario applied (overrides, drops, then additions)."""
    inst = dict(inst)
    inst["cabinet"] = dict(inst["cabinet"])
    inst["government"] = dict(inst.get("government") or {})
    if scenario is None:
        return inst
    sc = next(s for s in inst["scenarios"] if s["name"] == scenario)
    for key in ("seats", "majority"):
        if key in sc:
            inst[key] = sc[key]
    inst["cabinet"].update(sc.get("cabinet") or {})
    inst["government"].update(sc.get("government") or {})
    dropped = set(sc.get("drop") or [])  # (non-party ministers: `independents` below)
    inst["demands"] = [d for d in inst.get("demands", []) if d.get("id") not in dropped]
    inst["demands"] = inst["demands"] + list(sc.get("add") or [])
    return inst


def independents(inst: dict) -> dict:
    """Non-party ministers (`cabinet.independents`) as a party `independent` of no seats,
    listed last; the limits on it are checked by `independents_allowed`."""
    if inst["cabinet"].get("independents") is None:
        return inst
    return {**inst, "parties": [*inst["parties"], {"id": NON_PARTY, "seats": 0}]}


def independents_allowed(inst: dict, role: dict, n: dict, holders: dict) -> bool:
    """The non-party ministers sit in the cabinet or not at all (always, with `min` >= 1),
    number `min`..`max` when they sit, and hold only the posts listed."""
    spec = inst["cabinet"].get("independents")
    if spec is None:
        return True
    low = spec.get("min", 0)
    if role[NON_PARTY] not in ("C", "O") or (low >= 1 and role[NON_PARTY] != "C"):
        return False
    if role[NON_PARTY] == "C" and not low <= n[NON_PARTY] <= spec["max"]:
        return False
    return all(holder != NON_PARTY or post in spec.get("posts", [])
               for post, holder in holders.items())


def allocations(raw: dict, scenario: str | None = None, drop: frozenset = frozenset()) -> list:
    """Every allocation, as comparable tuples, in SPEC order. `drop`: demand indexes left out."""
    inst = independents(effective(raw, scenario))
    parties = [p["id"] for p in inst["parties"]]
    seats = {p["id"]: p["seats"] for p in inst["parties"]}
    total = inst.get("seats", sum(seats.values()))
    quota, margin = thresholds(inst, total)
    unlisted = total - sum(seats.values())
    cab = inst["cabinet"]
    size = cab["size"]
    lo, hi = (size, size) if isinstance(size, int) else (size["min"], size["max"])
    mpp = cab.get("min_per_party", 1)
    posts = ["leader"] + [p for p in cab.get("posts", ["leader"]) if p != "leader"]
    portfolios = list(cab.get("portfolios", []))
    outside = list(cab.get("outside", []))  # posts outside cabinet: a cabinet party or supporter
    forms = inst["government"].get("forms", ["majority", "minority"])
    investiture = inst["government"].get("investiture", "absolute")
    policies = [p["id"] for p in inst.get("policies", [])]
    demands = [d for i, d in enumerate(inst.get("demands", [])) if i not in drop]

    role_options = ["C", "S", "O"] if investiture == "absolute" else ["C", "S", "A", "O"]
    found = []
    for roles_tuple in itertools.product(role_options, repeat=len(parties)):
        role = dict(zip(parties, roles_tuple))
        C = [p for p in parties if role[p] == "C"]
        S = [p for p in parties if role[p] == "S"]
        A = [p for p in parties if role[p] == "A"]
        O = [p for p in parties if role[p] == "O"]
        if not C:
            continue
        form = government_form(C, S, A, O, seats, quota, unlisted, investiture, margin)
        if form is None or form not in forms:
            continue
        gov_seats = sum(seats[p] for p in C + S)
        # members_within_seats: a party's members at most its seats
        within = cab.get("members_within_seats", False)
        for n_c in itertools.product(*(range(mpp, (min(hi, seats[p]) if within else hi) + 1)
                                       for p in C)):
            if not lo <= sum(n_c) <= hi:
                continue
            n = {p: 0 for p in parties}
            n.update(zip(C, n_c))
            for post_holders in itertools.product(C, repeat=len(posts)):
                if any(post_holders.count(p) > n[p] for p in C):
                    continue
                if not at_parity(inst, n, dict(zip(posts, post_holders))):
                    continue
                if not independents_allowed(inst, role, n, dict(zip(posts, post_holders))):
                    continue
                for pf_holders, out_holders in itertools.product(
                        itertools.product(C, repeat=len(portfolios)),
                        itertools.product([p for p in parties if p in C + S],
                                          repeat=len(outside))):
                    if any(pf_holders.count(p) > n[p] for p in C):
                        continue
                    alloc = {
                        "role": role, "C": C, "S": S, "A": A, "n": n, "form": form,
                        "posts": dict(zip(posts + outside, post_holders + out_holders)),
                        "portfolios": dict(zip(portfolios, pf_holders)),
                    }
                    programme = programme_of(demands, alloc, policies)
                    if conflicted(programme, inst.get("policy_conflicts", [])):
                        continue
                    if all(satisfied(d, alloc, inst, programme, seats, quota + margin)
                           for d in demands if in_force(d, role)):
                        found.append(as_tuple(alloc, parties, posts + outside, portfolios,
                                              programme, gov_seats))
    return sorted(found, key=lambda a: order(a, parties))


def at_parity(inst: dict, n: dict, holders: dict) -> bool:
    """cabinet.parity: each listed group has as many members as every other, the holders of
    the excepted posts left out; parties of no listed group are not counted."""
    parity = inst["cabinet"].get("parity")
    if parity is None:
        return True
    group = {p["id"]: p.get("group") for p in inst["parties"]}
    counts = set()
    for g in parity["groups"]:
        members = sum(k for p, k in n.items() if group[p] == g)
        excepted = sum(1 for post in parity.get("except", []) if group[holders[post]] == g)
        counts.add(members - excepted)
    return len(counts) == 1


def thresholds(inst: dict, total: int) -> tuple[int, int]:
    """The quota (`majority`; or at least the share `government.quota` of the chamber, and
    more than half; or more than half) and the margin every comparison must hold by."""
    share = inst["government"].get("quota")
    if "majority" in inst:
        quota = inst["majority"]
    elif share is not None:
        quota = max(math.ceil(Fraction(str(share)) * total), total // 2 + 1)
    else:
        quota = total // 2 + 1
    return quota, inst["government"].get("margin", 0)


def government_form(C, S, A, O, seats, quota, unlisted, investiture, margin=0):
    """'majority', 'minority', or None if the investiture rule fails; every comparison must
    hold by `margin` seats."""
    w = lambda group: sum(seats[p] for p in group)  # noqa: E731
    votes_for, against = w(C) + w(S), w(O) + unlisted

    def gets_in(votes_for, against):
        if investiture == "absolute":
            return votes_for >= quota + margin
        if investiture == "relative":
            return votes_for > against + margin
        return against < quota - margin

    if not gets_in(votes_for, against):
        return None
    if w(C) >= quota + margin and not S and not A:
        return "majority"
    if w(C) >= quota + margin:
        return None  # a cabinet that holds a majority has neither supporters nor abstainers
    for p in S:
        if gets_in(votes_for - seats[p], against + seats[p]):
            return None  # this supporter is not needed
    for p in A:
        if gets_in(votes_for, against + seats[p]):
            return None  # this abstainer is not needed
    return "minority"


def in_force(d, role):
    party = d.get("party")
    if party is None or d["type"] in ALWAYS_TYPES:
        return True
    when = d.get("when", DEFAULT_WHEN.get(d["type"], "cabinet"))
    if when == "cabinet":
        return role[party] == "C"
    return role[party] in ("C", "S")


def programme_of(demands, alloc, policies):
    chosen = set()
    for d in demands:
        if d["type"] == "requires_policy" and in_force(d, alloc["role"]):
            chosen |= set(d["policies"])
    return [p for p in policies if p in chosen]


def conflicted(programme, conflicts):
    return any(a in programme and b in programme and a != b
               for group in conflicts for a in group for b in group)


def role_in(d, a, inst) -> bool:
    """`role`: the party's role is listed; `outside` is a supporter holding a post outside
    cabinet (and `support` any supporter)."""
    party = d["party"]
    role = {v: k for k, v in ROLE_LETTERS.items()}[a["role"][party]]
    outside = role == "support" and any(a["posts"][p] == party
                                        for p in inst["cabinet"].get("outside", []))
    return role in d["in"] or ("outside" in d["in"] and outside)


def weight(party: dict, basis: str) -> Fraction:
    return Fraction(str(party["votes"])) if basis == "votes" else Fraction(party["seats"])


def satisfied(d, a, inst, programme, seats, quota) -> bool:
    """Whether demand `d` (in force) holds for allocation `a`: SPEC §3's table, row by row."""
    return CHECKS[d["type"]](d, a, Context(inst, programme, seats, quota))


class Context:
    def __init__(self, inst, programme, seats, quota):
        self.inst, self.programme, self.seats, self.quota = inst, programme, seats, quota


#: non-party ministers are no party: demands that count, compare or place parties skip them
NON_PARTY = "independent"


def _partners(d, a):
    group = a["C"] if d.get("when", "cabinet") == "cabinet" else a["C"] + a["S"]
    return len([p for p in group if p not in (d.get("party"), NON_PARTY)])


def _minimal_winning(d, a, x):
    group = [p for p in a["C"] + a["S"] if p != NON_PARTY]
    total = sum(x.seats[p] for p in group)
    return all(total - x.seats[p] < x.quota for p in group)


def _connected(d, a, x):
    pos = {p["id"]: Fraction(str(p["position"])) for p in x.inst["parties"]
           if p["id"] != NON_PARTY}
    inside = [p for p in a["C"] + a["S"] if p != NON_PARTY]
    return not any(pos[p] < pos[r] < pos[q]
                   for r in pos if r not in inside for p in inside for q in inside)


ROLE_LETTERS = {"cabinet": "C", "support": "S", "abstain": "A", "opposition": "O"}

#: demand type -> (demand, allocation, context) -> holds
CHECKS = {
    "veto_leader": lambda d, a, x: a["posts"]["leader"] not in d["of"],
    "veto_post": lambda d, a, x: a["posts"][d["post"]] not in d["of"],
    "requires_post": lambda d, a, x: a["posts"][d["post"]] == d["party"],
    "requires_portfolio": lambda d, a, x: a["portfolios"][d["portfolio"]] == d["party"],
    "refuse_partner": lambda d, a, x: all(
        a["role"][p] not in {ROLE_LETTERS[r] for r in d.get("as", ["cabinet"])}
        for p in d["with"]),
    "requires_partner": lambda d, a, x: all(a["role"][p] == "C" for p in d["with"]),
    "requires_form": lambda d, a, x: a["form"] == d["form"],
    "refuse_support": lambda d, a, x: not (a["role"][d["party"]] == "S"
                                           and any(a["role"][p] == "C" for p in d["of"])),
    "min_partners": lambda d, a, x: _partners(d, a) >= d["count"],
    "max_partners": lambda d, a, x: _partners(d, a) <= d["count"],
    "min_portfolios": lambda d, a, x: a["n"][d["party"]] >= d["count"],
    "max_portfolios": lambda d, a, x: a["n"][d["party"]] <= d["count"],
    "requires_policy": lambda d, a, x: True,  # it acts through the programme
    "opposes_policy": lambda d, a, x: not any(p in x.programme for p in d["policies"]),
    "role": lambda d, a, x: role_in(d, a, x.inst),
    "equal_split": lambda d, a, x: len({a["n"][p] for p in d["parties"]
                                        if a["role"][p] == "C"}) <= 1,
    "proportional": lambda d, a, x: proportional(d, a, x.inst),
    "distinct_posts": lambda d, a, x: len({a["posts"][p] for p in d["posts"]})
    == len(set(d["posts"])),
    "max_cabinet_parties": lambda d, a, x: len([p for p in a["C"] if p != NON_PARTY])
    <= d["count"],
    "minimal_winning": _minimal_winning,
    "connected": _connected,
}


def proportional(d, a, inst) -> bool:
    role, n = a["role"], a["n"]
    scope = [p for p in d.get("parties") or [p["id"] for p in inst["parties"]]
             if p != NON_PARTY]
    info = {p["id"]: p for p in inst["parties"]}
    T = [p for p in dict.fromkeys(scope) if role[p] == "C"]
    if not T:
        return True
    w = {p: weight(info[p], d.get("basis", "seats")) for p in T}
    N, W = sum(n[p] for p in T), sum(w.values())
    method = d.get("method", "share")
    if method == "share":  # members weighted by the posts and portfolios they hold
        tol = Fraction(str(d.get("tolerance", 1)))
        v = {p: n[p] + sum(Fraction(str(weight_of)) - 1
                           for office, weight_of in inst["cabinet"].get("weights", {}).items()
                           for table in (a["posts"], a["portfolios"]) if table.get(office) == p)
             for p in T}
        V = sum(v.values())
        return all(abs(v[p] * W - V * w[p]) <= tol * W for p in T)
    if method == "dhondt":
        return all(w[p] * n[q] <= w[q] * (n[p] + 1) for p in T for q in T)
    if method == "sainte_lague":
        return all(w[p] * (2 * n[q] - 1) <= w[q] * (2 * n[p] + 1)
                   for p in T for q in T if n[q] >= 1)
    # hamilton
    if W == 0:
        return False
    quota = {p: N * w[p] / W for p in T}
    import math
    floor = {p: math.floor(quota[p]) for p in T}
    if any(n[p] not in (floor[p], math.ceil(quota[p])) for p in T):
        return False
    remainder = {p: quota[p] - floor[p] for p in T}
    up = [p for p in T if n[p] > quota[p]]
    down = [p for p in T if n[p] <= quota[p]]
    return all(remainder[u] >= remainder[v] for u in up for v in down)


def as_tuple(alloc, parties, posts, portfolios, programme, gov_seats):
    return (
        tuple((p, alloc["n"][p]) for p in parties if p in alloc["C"]),
        tuple(alloc["S"]), tuple(alloc["A"]),
        tuple((p, alloc["posts"][p]) for p in posts),
        tuple((p, alloc["portfolios"][p]) for p in portfolios),
        tuple(programme), alloc["form"], gov_seats,
    )


def order(a, parties):
    """SPEC §2: cabinet size; cabinet, supporter, abstainer indexes; n; posts; portfolios."""
    idx = {p: i for i, p in enumerate(parties)}
    cabinet, support, abstain, posts, portfolios = a[0], a[1], a[2], a[3], a[4]
    n = dict(cabinet)
    return (len(cabinet), [idx[p] for p, _ in cabinet], [idx[p] for p in support],
            [idx[p] for p in abstain], [n.get(p, 0) for p in parties],
            [idx[h] for _, h in posts], [idx[h] for _, h in portfolios])
