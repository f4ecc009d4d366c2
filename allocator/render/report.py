"""A briefing -> one HTML page (SPEC §7): the chamber, the verdict, the deals or their summary,
the deadlock and what unlocks it, the scenarios and the recorded outcome.

The markup is in Jinja2 templates (`templates/`, autoescaped: no text from a file or a request
reaches the page unescaped), the style sheet and the script are package files (`static/`).
This module only works out what the templates show (`page_context`, `answer_context`), from
the words of `views`. A page written to a file stands alone: style, script and the chamber's
SVG inline, system fonts, nothing fetched at view time. Every coalition, relaxation and example
carries its roles in `data-roles`; clicking it (or Enter on it) redraws the chamber's seats by
role, with the styles `chamber.role_css` gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from markupsafe import Markup

from ..instance.schema import Instance, Outcome
from ..solving.result import COUNTED, SHOWN, Allocation, Briefing, Coalition, Deadlock, Summary
from .bars import bars_svg
from .chamber import hemicycle_svg
from .pages import REPORT, Script, render, static_text
from .text import count_lines
from .views import (
    cabinet_cell,
    example_line,
    holders,
    percent,
    shows_abstain,
    status_line,
)

#: the report's own script, first on every page that shows a report
REPORT_SCRIPT = Script("report.js", "allocator.render")


@dataclass(frozen=True)
class Row:
    """A coalition's row: its cells, its roles (JSON, for the script), and what opens under it
    (its first allocations), if anything."""

    cells: list[str]
    roles: str
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class CoalitionTable:
    head: list[str]
    rows: list[Row]


def report_html(briefing: Briefing, *, inline: bool = True, template: str = "page.html.j2",
                packages: tuple[str, ...] = REPORT, scripts: Sequence[Script] = (),
                **extra: Any) -> str:
    """The page, as one string. `inline`: style and scripts in the page (a file that stands
    alone); otherwise linked from /static/ (a served page). `template`, `packages` (whose
    templates), `scripts` and `extra` let the negotiation room (`web.room`) extend the page
    with its panel."""
    return render(template, packages,
                  page=page_context(briefing, inline, [REPORT_SCRIPT, *scripts]),
                  answer=answer_context(briefing), **extra)


def answer_html(briefing: Briefing) -> str:
    """The part of the page that answers (what the room shows again after each change)."""
    return render("answer.html.j2", answer=answer_context(briefing))


def page_context(briefing: Briefing, inline: bool, scripts: Sequence[Script]
                 ) -> dict[str, Any]:
    problem = briefing.result.instance
    instance = briefing.instance
    return {
        "title": problem.name + (f" (scenario {briefing.scenario})" if briefing.scenario
                                 else ""),
        "date": instance.date.isoformat() if instance.date else None,
        "sources": instance.sources, "command": briefing.command,
        "version": version("allocator"), "inline": inline,
        "css": Markup(static_text("report.css", "allocator.render")),
        "chamber": Markup(hemicycle_svg(problem, restyle=True)),
        "scripts": [{"name": s.name, "text": Markup(s.text())} for s in scripts],
    }


def answer_context(briefing: Briefing) -> dict[str, Any]:
    result = briefing.result
    problem = result.instance
    investiture = problem.government.investiture
    coalitions = None
    if result.coalitions:
        coalitions = coalition_table(result.coalitions, investiture, briefing.allocations,
                                     recorded(briefing.instance.outcome))
    return {
        "verdict": status_line(result),
        "deadlock": None if result.deadlock is None else _deadlock(result.deadlock, problem),
        "summary": None if briefing.summary is None else _summary(briefing.summary, problem),
        "coalitions": coalitions,
        "sweep": None if briefing.sweep is None else _sweep(briefing.sweep, problem),
        "scenarios": [{"name": s.name, "text": s.text or "",
                       "verdict": briefing.verdicts[s.name]}
                      for s in briefing.instance.scenarios],
        "checks": [{"css": "undecided" if c.ok is None else "pass" if c.ok else "fail",
                    "word": "UNDECIDED" if c.ok is None else "PASS" if c.ok else "FAIL",
                    "what": c.scenario or "the recorded outcome", "detail": c.detail}
                   for c in briefing.checks],
    }


def roles_json(item: Coalition | Allocation) -> str:
    """A government's roles, for the page's script (`data-roles`)."""
    return json.dumps({"cabinet": list(item.cabinet), "support": list(item.support),
                       "abstain": list(item.abstain)})


def recorded(outcome: Outcome | None) -> Callable[[Coalition], bool] | None:
    """Whether a coalition is what happened (the parties the recorded outcome names, in the
    roles it gives them); None without a recorded cabinet."""
    if outcome is None or outcome.cabinet is None:
        return None

    def matches(c: Coalition) -> bool:
        return (set(c.cabinet) == set(outcome.cabinet or ())
                and (outcome.support is None or set(c.support) == set(outcome.support))
                and (outcome.abstain is None or set(c.abstain) == set(outcome.abstain)))

    return matches


def coalition_table(items: Sequence[Coalition], investiture: str,
                    examples: Sequence[tuple[tuple[Allocation, ...], int | None]] = (),
                    happened: Callable[[Coalition], bool] | None = None) -> CoalitionTable:
    """A table of coalitions (with their probability, where they are ranked); with
    `examples`, each row opens (when chosen) onto its allocations: how many, and the first of
    them; with `happened`, the coalition that formed is marked."""
    abstain = shows_abstain(investiture)
    ranked = items[0].probability is not None
    head = ["#", *(["probability"] if ranked else []), "cabinet", "support",
            *(["abstain"] if abstain else []), "form", "seats", *items[0].posts,
            *items[0].portfolios, *(["what happened"] if happened else [])]
    rows = []
    for number, c in enumerate(items, 1):
        cells = [str(number), *([percent(c.probability or 0.0)] if ranked else []),
                 cabinet_cell(c), ", ".join(c.support) or "-",
                 *([", ".join(c.abstain) or "-"] if abstain else []), c.form, str(c.seats),
                 *holders(c), *(["✓ formed" if happened(c) else ""] if happened else [])]
        rows.append(Row(cells, roles_json(c),
                        _details(*examples[number - 1]) if examples else None))
    return CoalitionTable(head, rows)


def _details(shown: tuple[Allocation, ...], count: int | None) -> dict[str, Any]:
    """What opens under a coalition: how many allocations, and the first of them."""
    said = (f"{count:,} allocation{'s' if count != 1 else ''}" if count is not None
            else f"more than {COUNTED:,} allocations")
    if shown and (count is None or count > len(shown)):
        said += f"; the first {len(shown)}" + (" found" if count is None else "")
    return {"said": said, "lines": [example_line(a) for a in shown]}


def _summary(summary: Summary, problem: Instance) -> dict[str, Any]:
    investiture = problem.government.investiture
    abstain = shows_abstain(investiture)
    seats = {p.id: p.seats for p in problem.parties}
    lists = [(title, coalition_table(items, investiture)) for title, items in (
        (f"Smallest governments (the first {SHOWN})", summary.smallest),
        (f"Largest governments (the first {SHOWN})", summary.largest),
        ("Governments of at most three parties", summary.few)) if items]
    return {
        "total": f"{summary.total:,}", "counts": "\n".join(count_lines(summary)),
        "head": ["party", "seats", "cabinet", "support", *(["abstain"] if abstain else []),
                 "pivotal"],
        "rows": [[party, str(seats[party]), f"{f.cabinet:,}", f"{f.support:,}",
                  *([f"{f.abstain:,}"] if abstain else []), f"{f.pivotal:,}"]
                 for party, f in summary.parties.items()],
        "lists": lists,
    }


def _deadlock(deadlock: Deadlock, problem: Instance) -> dict[str, Any]:
    demands = {d.key: d for d in problem.demands}
    return {
        "message": deadlock.message if not deadlock.conflict or not deadlock.complete else "",
        "conflict": [{"id": did, "who": ", ".join(demands[did].stated_by) or "no party",
                      "text": demands[did].text, "source": demands[did].source}
                     for did in deadlock.conflict],
        "relaxations": [{"drop": ", ".join(r.drop), "example": example_line(r.example),
                         "roles": roles_json(r.example)} for r in deadlock.relaxations],
    }


def _sweep(sweep: dict[str, Any], problem: Instance) -> dict[str, Any]:
    """The sweep given: its bars (each redraws the chamber when clicked) and the parties'
    chances."""
    n = sweep["draws"]
    source = (f"drawn from the polls with seed {sweep['seed']}" if sweep["seed"] is not None
              else "from a table of seats")
    said = (f"Over {n:,} simulated parliaments {source}"
            + (f" (scenario {sweep['scenario']})" if sweep["scenario"] else "")
            + ("." if sweep["complete"] else "; the sweep is incomplete."))
    none = sweep["deadlock"]
    said += (" A government is possible in every one of them." if not none else
             f" No government is possible in {percent(none)} of them.")
    return {"said": said, "bars": Markup(bars_svg(sweep, problem)),
            "rows": [[p, *(percent(f[key]) for key in ("cabinet", "support", "pivotal"))]
                     for p, f in sweep["parties"].items()]}
