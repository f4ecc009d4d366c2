"""`allocator power` -> table, JSON or CSV: each party's power under the demands beside its power
from seats alone, and what each demand costs its party. Pure functions of a `Power`."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from typing import Any

from ..solving.result import Power, PowerPair
from .text import aligned
from .views import names_of, percent

#: the explanation's width in a file or a pipe
WRAP = 88

#: the two games as a reader sees them, for the table's headings and the report
UNDER_DEMANDS = "under the demands"
SEATS_ALONE = "seats alone"
EXPLAINED = (
    "Shapley-Shubik: the share of the orders in which the parties could join in which the "
    "party is the one that makes the set before it win. Banzhaf: the party's share of all "
    "the cases in which one party's leaving turns a winning set into a losing one. "
    f"'{UNDER_DEMANDS}': a set of parties wins when it can form a government that meets "
    f"every demand (its cabinet, supporters and abstainers all in the set); '{SEATS_ALONE}': "
    "a set wins when its seats reach the quota."
)


def power_dict(answer: Power) -> dict[str, Any]:
    """The JSON document (docs/power.md): per party both indices in both games, per demand of
    a party that party's indices without it; null where no set of parties wins (or where a time
    limit left it undecided: `complete` is then false)."""
    seats = {p.id: p.seats for p in answer.instance.parties}
    return {
        "instance": answer.instance.name,
        "scenario": answer.scenario,
        "complete": answer.complete,
        "quota": answer.instance.quota,
        "parties": [{"party": p.party, "seats": seats[p.party],
                     **_pair("shapley", "banzhaf", p.constrained),
                     **_pair("shapley_unconstrained", "banzhaf_unconstrained",
                             p.unconstrained)}
                    for p in answer.parties],
        "demands": [{"id": d.demand, "party": d.party,
                     **_pair("shapley_without", "banzhaf_without", d.without)}
                    for d in answer.demands],
    }


def _pair(shapley: str, banzhaf: str, pair: PowerPair) -> dict[str, float | None]:
    return {shapley: None if pair is None else pair[0],
            banzhaf: None if pair is None else pair[1]}


def power_json(answer: Power) -> str:
    return json.dumps(power_dict(answer), ensure_ascii=False) + "\n"


def power_csv(answer: Power) -> str:
    """One row per party (the demands' costs are in the table and the JSON)."""
    out = io.StringIO()
    rows = power_dict(answer)["parties"]
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return out.getvalue()


def power_said(answer: Power) -> str | None:
    """What the demands change, in a sentence: the party that gains most power (Shapley-Shubik)
    over its power by seats alone, and the one that loses most. None when nothing moves (or the
    game under the demands has no winner)."""
    names = names_of(answer.instance)
    moved = [(p.constrained[0] - p.unconstrained[0], p) for p in answer.parties
             if p.constrained is not None and p.unconstrained is not None]
    if not moved or max(abs(change) for change, _ in moved) < 0.0005:
        return None
    said = []
    gain, gainer = max(moved, key=lambda m: m[0])
    loss, loser = min(moved, key=lambda m: m[0])
    for change, party in ((gain, gainer), (loss, loser)):
        if abs(change) >= 0.0005 and party.constrained and party.unconstrained:
            held = (f"{percent(party.constrained[0])} of the power" if party.constrained[0]
                    else "no power")
            said.append(f"{names[party.party]} holds {held} under the demands, against "
                        f"{percent(party.unconstrained[0])} by seats alone")
    return "; ".join(said) + "."


def power_context(answer: Power) -> dict[str, Any]:
    """What the report's section on power shows."""
    names = names_of(answer.instance)
    total = answer.instance.total_seats
    texts = {d.key: d.text or d.key for d in answer.instance.demands}
    held = {p.party: p.constrained for p in answer.parties}
    seats = {p.id: p.seats for p in answer.instance.parties}
    return {
        "said": power_said(answer),
        "complete": answer.complete,
        "none": answer.nobody,
        "parties": [{"name": names[p.party], "seats": f"{seats[p.party]:,}",
                     "share": percent(seats[p.party] / total) if total else "-",
                     "cells": [_cell(p.constrained, 0), _cell(p.unconstrained, 0),
                               _cell(p.constrained, 1), _cell(p.unconstrained, 1)]}
                    for p in answer.parties],
        # in a deadlock, only the demands whose dropping alone lets some set govern
        "demands": [{"id": d.demand, "text": texts[d.demand], "party": names[d.party],
                     "cells": [_cell(held[d.party], 0), _cell(d.without, 0)]}
                    for d in answer.demands if d.without is not None or not answer.nobody],
        "explained": EXPLAINED,
    }


def _cell(pair: PowerPair, which: int) -> str:
    return "-" if pair is None else percent(pair[which])


def power_table(answer: Power, width: int | None = None) -> str:
    """For people: the verdict on the game under the demands, the parties' table, the demands'
    costs, and what the indices mean."""
    problem = answer.instance
    total = problem.total_seats
    names = names_of(problem)
    seats = {p.id: p.seats for p in problem.parties}
    title = problem.name + (f" (scenario {answer.scenario})" if answer.scenario else "")
    lines = [f"{title}: who holds power",
             "incomplete: the time limit or an interrupt came first; '-' is undecided"
             if not answer.complete else
             "no government meets every demand: nobody holds power under them ('-')"
             if answer.nobody else
             f"complete: {problem.quota:,} of {total:,} seats make a majority"
             + (f", and a government must hold {problem.government.margin:,} more to spare"
                if problem.government.margin else ""), "",
             f"Shapley and Banzhaf {UNDER_DEMANDS}, and by {SEATS_ALONE}:", ""]
    header: list[object] = ["party", "seats", "share", "Shapley", "Banzhaf",
                            "Shapley by seats", "Banzhaf by seats"]
    rows: list[list[object]] = [
        [names[p.party], f"{seats[p.party]:,}",
         percent(seats[p.party] / total) if total else "-",
         _cell(p.constrained, 0), _cell(p.constrained, 1),
         _cell(p.unconstrained, 0), _cell(p.unconstrained, 1)]
        for p in answer.parties]
    lines += aligned(header, rows, figures=True, width=width)
    said = power_said(answer)
    if said:
        lines += ["", *textwrap.wrap("What the demands change: " + said, width or WRAP)]
    if answer.demands:
        held = {p.party: p.constrained for p in answer.parties}
        lines += ["", "What each demand costs its party (its indices with the demand, and "
                  "without it):", ""]
        lines += aligned(
            ["demand", "party", "Shapley with", "without", "Banzhaf with", "without"],
            [[d.demand, names[d.party], _cell(held[d.party], 0), _cell(d.without, 0),
              _cell(held[d.party], 1), _cell(d.without, 1)] for d in answer.demands],
            figures=True, width=width)
    return "\n".join([*lines, "", *textwrap.wrap(EXPLAINED, width or WRAP)]) + "\n"
