"""A briefing -> one HTML page (SPEC §7): the verdict, the chamber and the government shown,
the deals or their summary, the deadlock and what unlocks it, the scenarios, and how it was
worked out.

The markup is in Jinja2 templates (`templates/`, autoescaped: no text from a file or a request
reaches the page unescaped), the style sheet and the script are package files (`static/`).
This module only works out what the templates show (`page_context`, `answer_context`), in the
words of `views`: party names, not ids (ids stay where something is typed, and in tooltips).
A page written to a file stands alone: style, script and the chamber's SVG inline, system
fonts, nothing fetched at view time.

Every government on the page (a row, a relaxation's example) carries its roles in
`data-roles` and its sentence in `data-said`; choosing it (a click, Enter or Space on its
button, or its address `#g3`) redraws the chamber with the government together from the left
end and shows it in the strip that stays in view. The page opens on the most likely government
(`data-default`), or the chamber as elected where there is none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from markupsafe import Markup

from ..instance.schema import Instance, Outcome
from ..solving.result import (
    COUNTED,
    SHOWN,
    Allocation,
    Briefing,
    Coalition,
    Deadlock,
    Summary,
)
from .chamber import Roles, government_sentence, hemicycle_svg, seating, unplaced
from .colours import Clash, clash_note, colours
from .pages import REPORT, Script, render, static_text
from .power import power_context
from .views import (
    deal_said,
    headline,
    holders,
    listed,
    members_said,
    names_of,
    percent,
    share_said,
    shows_abstain,
)

#: the report's own script, first on every page that shows a report
REPORT_SCRIPT = Script("report.js", "allocator.render")
#: a sweep's governments the page lists, the most likely first
SWEPT = 15


@dataclass(frozen=True)
class Government:
    """A government as a page shows it: its roles (JSON, for the script) and its sentence."""

    roles: str
    said: str


@dataclass(frozen=True)
class Row:
    """A coalition's row: its number, its cells (label, text), its government, and what opens
    under it (its first allocations), if anything."""

    number: int
    cells: list[tuple[str, str]]
    government: Government
    happened: bool = False
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class CoalitionTable:
    head: list[str]
    rows: list[Row]
    prefix: str  # the rows' addresses: #g3 for the governments, #s3 for a summary's list
    detailed: int = 0  # how many of the first rows open onto their allocations


def report_html(briefing: Briefing, *, inline: bool = True, template: str = "page.html.j2",
                packages: tuple[str, ...] = REPORT, scripts: Sequence[Script] = (),
                room_link: str | None = None, **extra: Any) -> str:
    """The page, as one string. `inline`: style and scripts in the page (a file that stands
    alone); otherwise linked from /static/ (a served page). `room_link`: the address of the
    negotiation room, for each relaxation's "try it" (served pages only). `template`,
    `packages` (whose templates), `scripts` and `extra` let the negotiation room (`web.room`)
    extend the page with its panel."""
    return render(template, packages,
                  page=page_context(briefing, inline, [REPORT_SCRIPT, *scripts]),
                  answer=answer_context(briefing, room_link), **extra)


def answer_html(briefing: Briefing, room_link: str | None = None) -> str:
    """The part of the page that answers (what the room shows again after each change)."""
    return render("answer.html.j2", answer=answer_context(briefing, room_link))


def page_context(briefing: Briefing, inline: bool, scripts: Sequence[Script]
                 ) -> dict[str, Any]:
    problem = briefing.result.instance
    instance = briefing.instance
    drawn = colours(problem)
    names = names_of(problem)
    default = _default(briefing)
    roles = None if default is None else Roles(tuple(default.cabinet), default.support,
                                               default.abstain)
    return {
        "title": problem.name + (f" (scenario {briefing.scenario})" if briefing.scenario
                                 else ""),
        "date": instance.date.strftime("%-d %B %Y") if instance.date else None,
        "seats": f"{problem.total_seats:,} seats, {problem.quota:,} for a majority",
        "sources": instance.sources, "command": briefing.command,
        "version": version("allocator"), "inline": inline,
        "css": Markup(static_text("report.css", "allocator.render")),
        "chamber": Markup(hemicycle_svg(problem, roles, restyle=True, legend=False)),
        "shown": (government_sentence(problem, roles) if roles is not None
                  else "The chamber as elected: no government shown."),
        "legend": [{"name": names[p.id], "seats": f"{p.seats:,}", "colour": drawn.fill[p.id],
                    "ink": drawn.ink[p.id]} for p in seating(problem) if p.seats],
        "notes": _notes(problem, drawn.clashes, names),
        "data": {"title": problem.name, "quota": problem.quota, "total": problem.total_seats,
                 "parties": [{"id": p.id, "name": names[p.id], "seats": p.seats,
                              "position": p.position, "colour": drawn.fill[p.id],
                              "ink": drawn.ink[p.id]} for p in problem.parties],
                 "unlisted": {"colour": drawn.fill.get("", "#dddddd"), "ink": drawn.ink[""]}},
        "scripts": [{"name": s.name, "text": Markup(s.text())} for s in scripts],
        "power": power_context(briefing.power) if briefing.power is not None else None,
    }


def _notes(problem: Instance, clashes: Sequence[Clash], names: dict[str, str]) -> list[str]:
    """What the picture needs said: colours that clash, parties without a position."""
    missing = [names[p.id] for p in unplaced(problem)]
    notes = [note for note in [clash_note(clashes, names)] if note]
    if missing and len(missing) < sum(1 for p in problem.parties if p.seats > 0):
        notes.append(f"No left-right position for {listed(missing)}: seated at the right "
                     "end, as listed.")
    elif missing:
        notes.append("The file gives no left-right positions: parties are seated as listed.")
    return notes


def _default(briefing: Briefing) -> Coalition | None:
    """The government a page opens on: the most likely (the first listed), if any."""
    listed_ = briefing.result.coalitions
    return listed_[0] if listed_ else None


def answer_context(briefing: Briefing, room_link: str | None = None) -> dict[str, Any]:
    result = briefing.result
    problem = result.instance
    names = names_of(problem)
    coalitions = None
    if result.coalitions:
        coalitions = coalition_table(result.coalitions, problem, "g", briefing.allocations,
                                     recorded(briefing.instance.outcome))
    return {
        "headline": headline(result, names),
        "deadlock": (None if result.deadlock is None
                     else _deadlock(result.deadlock, problem, room_link)),
        "summary": None if briefing.summary is None else _summary(briefing.summary, problem),
        "coalitions": coalitions,
        "sweep": None if briefing.sweep is None else _sweep(briefing.sweep, problem),
        "scenarios": [{"name": s.name, "text": s.text or "",
                       "verdict": briefing.verdicts[s.name]}
                      for s in briefing.instance.scenarios],
        "checks": [{"css": "undecided" if c.ok is None else "pass" if c.ok else "fail",
                    "word": "undecided" if c.ok is None else "holds" if c.ok else "fails",
                    "what": c.scenario or "the recorded outcome", "detail": c.detail}
                   for c in briefing.checks],
        "abstain": shows_abstain(problem.government.investiture),
    }


def government(item: Coalition | Allocation | Roles, problem: Instance) -> Government:
    """A government's roles (for the page's script) and its sentence (for the strip)."""
    roles = item if isinstance(item, Roles) else Roles(tuple(item.cabinet), item.support,
                                                       item.abstain)
    return Government(json.dumps({"cabinet": list(roles.cabinet), "support": list(roles.support),
                                  "abstain": list(roles.abstain)}),
                      government_sentence(problem, roles))


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


def coalition_table(items: Sequence[Coalition], problem: Instance, prefix: str,
                    examples: Sequence[tuple[tuple[Allocation, ...], int | None]] = (),
                    happened: Callable[[Coalition], bool] | None = None) -> CoalitionTable:
    """A table of governments (with their chance to form, where they are ranked), in words;
    with `examples`, each row opens onto its allocations: how many, and the first of them;
    with `happened`, the government that formed is marked."""
    names = names_of(problem)
    ranked = items[0].probability is not None
    posts = [*items[0].posts, *items[0].portfolios]
    head = [*(["chance to form"] if ranked else []), "cabinet", "helped by", "seats",
            "posts", *(["programme"] if problem.policies else [])]
    rows = [Row(number, list(zip(head, _cells(c, problem, names, ranked, posts), strict=True)),
                government(c, problem), bool(happened and happened(c)),
                _details(*examples[number - 1], names) if number <= len(examples) else None)
            for number, c in enumerate(items, 1)]
    return CoalitionTable(head, rows, prefix, len(examples))


def _cells(c: Coalition, problem: Instance, names: dict[str, str], ranked: bool,
           posts: Sequence[str]) -> list[str]:
    """A government's cells, in words."""
    helped = [*([listed([names[p] for p in c.support]) + " (support)"] if c.support else []),
              *([listed([names[p] for p in c.abstain]) + " (abstaining)"] if c.abstain
                else [])]
    held = [f"{post.replace('_', ' ')}: " + " or ".join(names[h] for h in who.split("/"))
            for post, who in zip(posts, holders(c), strict=True)]
    return [*([percent(c.probability or 0.0)] if ranked else []), cabinet_said(c, names),
            "; ".join(helped) or "no one",
            f"{c.seats:,} of {problem.total_seats:,} ({c.form})", "; ".join(held),
            *([", ".join(p.replace("_", " ") for p in c.programme) or "none"]
              if problem.policies else [])]


def cabinet_said(c: Coalition, names: dict[str, str]) -> str:
    """`Labour (5-9 members)`, `VVD, CDA and D66 (1-13 members each)`, or each party with its
    own range where they differ."""
    ranges = set(c.cabinet.values())
    if len(c.cabinet) > 1 and len(ranges) == 1:
        return f"{listed([names[p] for p in c.cabinet])} ({members_said(ranges.pop())} each)"
    return listed([f"{names[p]} ({members_said(n)})" for p, n in c.cabinet.items()])


def _details(shown: tuple[Allocation, ...], count: int | None, names: dict[str, str]
             ) -> dict[str, Any]:
    """What opens under a government: how many allocations, and the first of them."""
    said = (f"{count:,} way{'s' if count != 1 else ''} to fill the cabinet"
            if count is not None else f"more than {COUNTED:,} ways to fill the cabinet")
    if shown and (count is None or count > len(shown)):
        said += f"; the first {len(shown)}" + (" found" if count is None else "")
    return {"said": said, "lines": [deal_said(a, names) for a in shown]}


def _summary(summary: Summary, problem: Instance) -> dict[str, Any]:
    abstain = shows_abstain(problem.government.investiture)
    names = names_of(problem)
    seats = {p.id: p.seats for p in problem.parties}
    total = summary.total
    lists = [(title, coalition_table(items, problem, prefix))
             for title, items, prefix in (
                 (f"The smallest governments (the first {SHOWN})", summary.smallest, "s"),
                 (f"The largest governments (the first {SHOWN})", summary.largest, "l"),
                 ("Governments of at most three parties", summary.few, "f")) if items]
    by_size = [{"parties": k, "form": form, "count": share_said(n, total)}
               for (k, form), n in sorted(summary.counts.items())]
    return {
        "total": f"{total:,}", "by_size": by_size,
        "head": ["party", "seats", "in cabinet", "supporting",
                 *(["abstaining"] if abstain else []), "pivotal"],
        "rows": [[names[party], f"{seats[party]:,}", share_said(f.cabinet, total),
                  share_said(f.support, total),
                  *([share_said(f.abstain, total)] if abstain else []),
                  share_said(f.pivotal, total)]
                 for party, f in summary.parties.items()],
        "lists": lists,
    }


def _deadlock(deadlock: Deadlock, problem: Instance, room_link: str | None
              ) -> dict[str, Any]:
    demands = {d.key: d for d in problem.demands}
    names = names_of(problem)

    def demand(key: str) -> dict[str, Any]:
        d = demands[key]
        return {"id": key, "who": listed([names[p] for p in d.stated_by]) if d.stated_by
                else "", "text": d.text or key.replace("-", " "), "source": d.source}

    def given_up(keys: Sequence[str]) -> list[dict[str, Any]]:
        """The demands dropped, grouped by who stated them (in the order first named)."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for k in keys:
            said = demand(k)
            groups.setdefault(said["who"], []).append(said)
        return [{"who": who, "demands": found} for who, found in groups.items()]

    low, high = problem.cabinet.size_range
    start = {"size": f"{low}-{high}", "forms": ",".join(problem.government.forms)}
    return {
        "message": deadlock.message if not deadlock.conflict or not deadlock.complete else "",
        "conflict": [demand(k) for k in deadlock.conflict],
        "relaxations": [{"number": i, "drop": given_up(r.drop), "government":
                         government(r.example, problem), "deal": deal_said(r.example, names),
                         "seats": f"{r.example.seats:,} of {problem.total_seats:,}",
                         "try": None if room_link is None else room_link + "#" + _address(
                             {"drop": ",".join(r.drop), **start})}
                        for i, r in enumerate(deadlock.relaxations, 1)],
    }


def _address(state: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(state)


def _sweep(sweep: dict[str, Any], problem: Instance) -> dict[str, Any]:
    """The sweep given, as rows of bars a phone can read (each a button that shows its
    government in the chamber; `--plot` draws the same as a picture), and the parties'
    chances."""
    names = names_of(problem)
    n = sweep["draws"]
    source = (f"drawn from the polls with seed {sweep['seed']}" if sweep["seed"] is not None
              else "from a table of seats")
    said = (f"Over {n:,} simulated parliament{'' if n == 1 else 's'} {source}"
            + (f" (scenario {sweep['scenario']})" if sweep["scenario"] else "")
            + ("." if sweep["complete"] else "; the sweep is incomplete."))
    none = sweep["deadlock"]
    said += (" A government is possible in every one of them." if not none else
             f" No government is possible in {percent(none)} of them.")
    likely = bool(sweep.get("cabinets"))
    listed_ = sweep["cabinets"] if likely else sweep["coalitions"]
    # a sweep read back keeps its first governments, and says how many it has (`listed`)
    count = len(listed_) if likely else sweep.get("listed", len(listed_))
    rows = [_swept(i, c, likely, n, problem, names) for i, c in enumerate(listed_[:SWEPT], 1)]
    return {"said": said, "likely": likely, "rows": rows, "none": percent(none),
            "more": max(count - SWEPT, 0),
            "parties": [[names.get(p, p), *(percent(f[key]) for key in ("cabinet", "support",
                                                                          "pivotal"))]
                        for p, f in sweep["parties"].items()]}


def _swept(i: int, c: dict[str, Any], likely: bool, n: int, problem: Instance,
           names: dict[str, str]) -> dict[str, Any]:
    """One government of a sweep: its label, its bar's share (its chance to form, or how often
    it is possible) and the paler share behind it, and its government for the chamber."""
    roles = Roles(tuple(c["cabinet"]), tuple(c.get("support", ())), tuple(c.get("abstain", ())))
    label = listed([names[p] for p in c["cabinet"]])
    if roles.support or roles.abstain:
        label += " with " + listed([names[p] for p in (*roles.support, *roles.abstain)])
    share = c["forms"] if likely else c["draws"] / n if n else 0.0
    behind = c["possible"] if likely else share
    return {"number": i, "label": label, "share": share, "behind": behind,
            "shown": percent(share), "possible": percent(behind),
            "government": government(roles, problem)}
