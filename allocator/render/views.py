"""What every output shows, worded once: the verdict, a coalition's cells, an example deal, when
the abstain column appears, and how many rows a page or a table lists before it summarises.
The table, the JSON, the CSV and the report all take these from here.
"""

from __future__ import annotations

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
