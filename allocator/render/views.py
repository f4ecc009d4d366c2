"""What every output shows, worded once: the verdict, a coalition's cells, an example deal, when
the abstain column appears, and how many rows a page or a table lists before it summarises.
The table, the JSON, the CSV and the report all take these from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..instance.schema import Instance
from ..solving.result import Allocation, Coalition, Form, MemberRange, Result

FORMS: tuple[Form, ...] = ("majority", "minority")


def shows_abstain(investiture: str) -> bool:
    """`abstain` is shown only where the investiture rule lets anyone abstain."""
    return investiture != "absolute"


def members(r: MemberRange | int) -> str:
    """A party's cabinet members: `5`, or the range `5-9` a coalition allows."""
    if isinstance(r, int):
        return str(r)
    return str(r.min) if r.min == r.max else f"{r.min}-{r.max}"


def cabinet_cell(item: Allocation | Coalition) -> str:
    """`lab 5, green 1-2`: each cabinet party with its members."""
    return ", ".join(f"{p} {members(n)}" for p, n in item.cabinet.items())


def holders(item: Allocation | Coalition) -> list[str]:
    """Who holds (or can hold) each post, then each portfolio."""
    return [h if isinstance(h, str) else "/".join(h)
            for h in [*item.posts.values(), *item.portfolios.values()]]


def status_line(result: Result) -> str:
    noun = "allocation" if result.level == "allocation" else "coalition"
    plural = f"{result.count:,} {noun}{'' if result.count == 1 else 's'}"
    if result.status == "deadlock":
        return "deadlock: no allocation satisfies every demand (proven)"
    if result.status == "unknown":
        return (f"unknown: the {result.stopped_by or 'search'} ended the search before any "
                f"{noun} was found or deadlock was proven")
    if result.complete:
        return f"feasible: {plural}, complete"
    return f"feasible: {plural} found; INCOMPLETE, the {result.stopped_by} cut the search short"


def example_line(item: Allocation) -> str:
    parts = ["cabinet " + cabinet_cell(item)]
    if item.support:
        parts.append("support " + ", ".join(item.support))
    if item.abstain:
        parts.append("abstaining " + ", ".join(item.abstain))
    parts += [f"{post} {holder}" for post, holder in [*item.posts.items(),
                                                       *item.portfolios.items()]]
    if item.programme:
        parts.append("programme " + ", ".join(item.programme))
    return "; ".join(parts) + f" ({item.form}, {item.seats} seats)"


def percent(x: float) -> str:
    """One decimal, never rounding a share that is not 0 or 1 to 0.0% or 100.0%."""
    if 0 < x < 0.0005:
        return "<0.1%"
    if 0.9995 <= x < 1:
        return ">99.9%"
    return f"{100 * x:.1f}%"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


# --- words for pages: names, not ids ---------------------------------------------------------


def names_of(instance: Instance) -> dict[str, str]:
    """Each party's name as a person reads it (its id where the file gives none)."""
    return {p.id: p.name or p.id for p in instance.parties}


def members_said(r: MemberRange | int) -> str:
    """`5 members`, `5-9 members`, `1 member`."""
    return f"{members(r)} member{'' if members(r) == '1' else 's'}"


def listed(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def government_said(item: Allocation | Coalition, names: dict[str, str]) -> str:
    """`Labour (5 members) with Green support`, `CDU (8 members), CSU (2 members) and SPD
    (6 members), Linke abstaining`: the cabinet, its members, who helps."""
    said = listed([f"{names[p]} ({members_said(n)})" for p, n in item.cabinet.items()])
    if item.support:
        said += " with " + listed([names[p] for p in item.support]) + " support"
    if item.abstain:
        said += ", " + listed([names[p] for p in item.abstain]) + " abstaining"
    return said


def deal_said(item: Allocation, names: dict[str, str]) -> str:
    """An allocation in words: the government, who holds each post and portfolio, the
    programme."""
    parts = [government_said(item, names)]
    parts += [f"{post.replace('_', ' ')}: {names[holder]}" for post, holder in
              [*item.posts.items(), *item.portfolios.items()]]
    if item.programme:
        parts.append("programme: " + ", ".join(p.replace("_", " ") for p in item.programme))
    return "; ".join(parts)


def seats_said(seats: int, instance: Instance) -> str:
    """`18 of 35 seats (18 needed)`."""
    return f"{seats:,} of {instance.total_seats:,} seats ({instance.quota:,} needed)"


def share_said(count: int, total: int) -> str:
    """`1,110 (1.0%)`: a count with its share, so a reader sees what it is out of."""
    return f"{count:,} ({percent(count / total) if total else '-'})"


def headline(result: Result, names: dict[str, str]) -> str:
    """The verdict in one plain sentence."""
    if result.status == "deadlock":
        return "No deal meets every demand."
    if result.status == "unknown":
        return (f"No answer: the {result.stopped_by or 'search'} ended the search before a "
                "deal was found or ruled out.")
    n = result.count
    some = f"{n:,} possible government{'s' if n != 1 else ''}"
    if not result.complete:
        some = f"At least {some} (the {result.stopped_by} cut the search short)"
    first = result.coalitions[0] if result.coalitions else None
    if first is None:
        return some + "."
    who = listed([names[p] for p in first.cabinet])
    if first.support:
        who += " with " + listed([names[p] for p in first.support]) + " support"
    if n == 1 and result.complete:
        return f"One possible government: {who}."
    chance = f", {percent(first.probability)} likely to form" if first.probability else ""
    return f"{some}. The most likely: {who}{chance}."
