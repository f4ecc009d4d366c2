"""A sweep's result -> text: CSV and a table for people (its JSON document is
`sweep.document`).

Probabilities are shares of the draws; beside each, the table and the CSV give its 95% Wilson
score interval (Wilson 1927), which stays inside [0, 1] and is honest for shares near 0 or 1,
where most coalitions' are.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING

from ..solving.result import ABSTAIN, CABINET, SUPPORT
from ..sweep.document import BLOCK, json_parts, members, sets, share
from .text import aligned
from .views import percent

if TYPE_CHECKING:  # what is rendered; the renderers never run a sweep
    from ..sweep.governments import Roles
    from ..sweep.run import SweepResult

#: the table lists this many governments, the most likely first (csv and json list them all)
TABLE_ROWS = 30
Z95 = 1.959963984540054  # the normal quantile of 0.975


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share k/n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    middle = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, middle - half)  # exactly, not a rounding error away
    high = 1.0 if k == n else min(1.0, middle + half)
    return low, high


def csv_parts(result: SweepResult) -> Iterator[str]:
    """One row per government, the most often possible first; parties joined with `+`:
    `probability` the share of draws in which it is possible (with its 95% interval),
    `cabinet_forms` its cabinet's P(forms). In parts of `BLOCK` rows (millions of rows for a
    sweep of a many-party parliament: each set of parties is spelled once, each count's
    interval worked out once)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["cabinet", "support", "abstain", "probability", "low", "high", "draws",
                     "cabinet_forms"])
    n = result.draws
    ids = result.instance.party_ids
    forms = {cabinet: chance for cabinet, chance, _ in result.cabinets}
    spelled: dict[tuple[int, Hashable], str] = {}
    forming: dict[Hashable, str] = {}
    figures: dict[int, tuple[str, str, str]] = {}

    def joined(role: int, key: Hashable, roles: Roles) -> str:
        if (role, key) not in spelled:
            spelled[role, key] = "+".join(p for p, r in zip(ids, roles, strict=True)
                                          if r == role)
        return spelled[role, key]

    def chance(key: Hashable, roles: Roles) -> str:
        if key not in forming:
            cabinet = tuple(i for i, r in enumerate(roles) if r == CABINET)
            forming[key] = f"{share(forms.get(cabinet, 0.0), n):.6f}"
        return forming[key]

    def shares(k: int) -> tuple[str, str, str]:
        if k not in figures:
            low, high = wilson(k, n)
            figures[k] = f"{share(k, n):.6f}", f"{low:.6f}", f"{high:.6f}"
        return figures[k]

    governments = result.governments
    for start in range(0, len(governments), BLOCK):
        block = governments[start:start + BLOCK]
        keys = [sets(block.rows == role) for role in (CABINET, SUPPORT, ABSTAIN)]
        writer.writerows([joined(CABINET, cabinet, roles), joined(SUPPORT, support, roles),
                          joined(ABSTAIN, abstain, roles), *shares(k), k,
                          chance(cabinet, roles)]
                         for (roles, k), cabinet, support, abstain
                         in zip(block, *keys, strict=True))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def status(result: SweepResult) -> str:
    """What the figures are over: how many draws, from where, complete or not."""
    source = (f"drawn from the polls (seed {result.seed})" if result.seed is not None
              else "from the seat table")
    said = f"{result.draws:,} parliaments {source}"
    if result.complete:
        return f"Over {said}."
    reason = result.stopped_by or "stopped"
    return (f"Incomplete ({reason}): over the first {said}, of {result.requested:,} asked "
            "for.")


def sweep_table(result: SweepResult) -> str:
    n = result.draws
    title = result.instance.name + (f" (scenario {result.scenario})" if result.scenario
                                     else "")
    lines = [title, status(result)]
    if n == 0:
        return "\n".join(lines) + "\n"
    possible = n - result.deadlock
    lines.append(f"Some government is possible in {possible:,} of them "
                 f"({percent(share(possible, n))}); none in {result.deadlock:,} "
                 f"({percent(share(result.deadlock, n))}).")
    abstain = result.instance.government.investiture != "absolute"
    lines += _forming_lines(result)
    if result.governments:
        header: list[object] = ["probability", "95% interval", "draws", "cabinet", "support",
                                *(["abstain"] if abstain else [])]
        rows: list[list[object]] = []
        for roles, k in result.governments[:TABLE_ROWS]:
            low, high = wilson(k, n)
            rows.append([percent(share(k, n)), f"{percent(low)}-{percent(high)}",
                         f"{k:,}", ", ".join(members(result, roles, CABINET)),
                         ", ".join(members(result, roles, SUPPORT)) or "-",
                         *([", ".join(members(result, roles, ABSTAIN)) or "-"]
                           if abstain else [])])
        lines += ["", "Possible: the share of parliaments in which each government has a deal "
                  "meeting every demand:", *aligned(header, rows, figures=True)]
        rest = len(result.governments) - TABLE_ROWS
        if rest > 0:
            lines.append(f"... and {rest:,} more (--format csv or json lists them all)")
    party_rows: list[list[object]] = [
        [p, percent(share(c, n)), percent(share(s, n)), percent(share(v, n))]
        for p, (c, s, v) in result.parties.items()]
    lines += ["", "Parties: in how many parliaments each can sit in a cabinet, support one, "
              "or is pivotal to one:",
              *aligned(["party", "cabinet", "support", "pivotal"], party_rows, figures=True)]
    return "\n".join(lines) + "\n"


def _forming_lines(result: SweepResult) -> list[str]:
    """Likely: each cabinet's chance to form (the formation model, averaged over the draws)."""
    if not result.cabinets:
        return []
    n = result.draws
    ids = result.instance.party_ids
    rows: list[list[object]] = [
        [percent(share(chance, n)), percent(share(k, n)), ", ".join(ids[i] for i in cabinet)]
        for cabinet, chance, k in result.cabinets[:TABLE_ROWS]]
    lines = ["", "Likely: which cabinet forms (the formation model, over the parliaments; with "
             "no deal, none does):",
             *aligned(["forms", "possible", "cabinet"], rows, figures=True)]
    rest = len(result.cabinets) - TABLE_ROWS
    if rest > 0:
        lines.append(f"... and {rest:,} more cabinets (--format json lists them all)")
    return lines


def table_parts(result: SweepResult) -> Iterator[str]:
    yield sweep_table(result)


#: `allocator sweep --format`: each format's renderer, giving the text in parts
FORMATS: dict[str, Callable[[SweepResult], Iterable[str]]] = {
    "table": table_parts, "json": json_parts, "csv": csv_parts}
