"""A briefing -> one self-contained HTML page (SPEC §7): the chamber, the verdict, the deals or
their summary, the deadlock and what unlocks it, the scenarios and the recorded outcome.

Nothing is fetched at view time: the style sheet, the script and the chamber's SVG are inline,
and the fonts are the system's. Every coalition, relaxation and example carries its roles in
`data-roles`; clicking it (or Enter on it) redraws the chamber's seats by role, with the styles
`chamber.role_css` gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from importlib.metadata import version
from typing import Any

from ..briefing import COUNTED, Briefing
from ..instance.schema import Instance
from ..solving.result import SHOWN, Allocation, Coalition, Deadlock, Summary
from .bars import bars_svg
from .chamber import hemicycle_svg
from .sweep import percent
from .text import count_lines
from .views import example_line, status_line

STYLE = """
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:64rem;padding:1rem;color:#222}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:1.6rem}
.meta,.note{color:#555;font-size:.9rem}.meta code{overflow-wrap:anywhere}
figure{margin:0}svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.9rem;width:100%}th,td{text-align:left;
padding:.25rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
.scroll{overflow-x:auto}.details td{background:#fafafa;font-size:.85rem}
[data-roles]{cursor:pointer}[data-roles]:hover{background:#f3f3f3}
.chosen,.chosen:hover{background:#fff3c4}g.chosen rect.bar{fill:#c58b00}
.verdict{font-size:1.15rem;font-weight:600}
#answer[aria-busy]{opacity:.45}.pass{color:#1a7f37}.fail{color:#b3261e}.undecided{color:#8a6d00}pre{white-space:pre-wrap;font-size:.8rem}
input[type=search]{font:inherit;padding:.3rem;width:min(24rem,100%)}
@media print{input[type=search],.hint{display:none}body{max-width:none}}
"""

SCRIPT = """
const seats = document.querySelectorAll('.seat');
function show(roles) {
  for (const seat of seats) {
    const p = seat.dataset.party;
    seat.classList.remove('cabinet', 'support', 'abstain', 'opposition');
    if (!p || !roles) continue;  // no roles: the chamber as elected
    seat.classList.add(roles.cabinet.includes(p) ? 'cabinet' : roles.support.includes(p) ?
      'support' : roles.abstain.includes(p) ? 'abstain' : 'opposition');
  }
}
function bind(root) {
  for (const item of root.querySelectorAll('[data-roles]')) {
    const choose = () => {
      for (const other of document.querySelectorAll('.chosen')) other.classList.remove('chosen');
      item.classList.add('chosen');
      show(JSON.parse(item.dataset.roles));
    };
    item.addEventListener('click', () => {
      choose();
      const more = item.nextElementSibling;
      if (more && more.classList.contains('details')) more.hidden = !more.hidden;
    });
    item.addEventListener('keydown', e => { if (e.key === 'Enter') choose(); });
  }
  const box = root.querySelector('input[type=search]');
  if (box) box.addEventListener('input', () => {
    const q = box.value.toLowerCase();
    for (const row of root.querySelectorAll('tr[data-roles]')) {
      row.hidden = !row.textContent.toLowerCase().includes(q);
      const more = row.nextElementSibling;
      if (row.hidden && more && more.classList.contains('details')) more.hidden = true;
    }
  });
}
bind(document);
"""


def report_html(briefing: Briefing, controls: str = "", script: str = "") -> str:
    """The page, as one string. `controls` and `script` let the negotiation room (`room`) put
    its panel above the answer and drive it."""
    problem = briefing.result.instance
    title = problem.name + (f" (scenario {briefing.scenario})" if briefing.scenario else "")
    return "\n".join([
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>{_meta(briefing)}</header>",
        f"<figure>{hemicycle_svg(problem, restyle=True)}</figure>",
        '<p class="hint note">Click a coalition, a relaxation or an example to see it in the '
        "chamber: cabinet seats solid, supporters rings, abstainers dashed, opposition pale.</p>",
        controls, f'<div id="answer">{answer_html(briefing)}</div>',
        f"<script>{SCRIPT}{script}</script></body></html>", ""])


def answer_html(briefing: Briefing) -> str:
    """The part of the page that answers: the verdict, the deadlock, the deals, the scenarios
    and the checks."""
    result = briefing.result
    problem = result.instance
    parts = [f'<p class="verdict">{escape(status_line(result))}</p>']
    if result.deadlock is not None:
        parts += _deadlock(result.deadlock, problem)
    if briefing.summary is not None:
        parts += _summary(briefing.summary, problem)
    elif result.coalitions:
        parts += ["<h2>Every coalition</h2>", _filter_box(),
                  _coalitions(result.coalitions, problem.government.investiture,
                              briefing.allocations)]
    if briefing.sweep is not None:
        parts += _sweep(briefing.sweep, problem)
    parts += _scenarios(briefing)
    return "\n".join(parts)


def _sweep(sweep: dict[str, Any], problem: Instance) -> list[str]:
    """The sweep given: its bars (each redraws the chamber when clicked) and the parties'
    chances."""
    n = sweep["draws"]
    source = (f"drawn from the polls with seed {sweep['seed']}" if sweep["seed"] is not None
              else "from a table of seats")
    said = (f"Over {n:,} simulated parliaments {source}"
            + (f" (scenario {sweep['scenario']})" if sweep["scenario"] else "")
            + ("." if sweep["complete"] else "; the sweep is incomplete."))
    rows = "".join(
        f"<tr><td>{escape(p)}</td>"
        + "".join(f"<td>{percent(f[key])}</td>" for key in ("cabinet", "support", "pivotal"))
        + "</tr>" for p, f in sweep["parties"].items())
    none = sweep["deadlock"]
    said += (" A government is possible in every one of them." if not none else
             f" No government is possible in {percent(none)} of them.")
    return ["<h2>How likely each government is</h2>", f'<p class="note">{escape(said)}</p>',
            f'<figure class="sweep">{bars_svg(sweep, problem)}</figure>',
            '<div class="scroll"><table><thead><tr><th>party</th><th>can sit in a cabinet</th>'
            "<th>can support one</th><th>pivotal to one</th></tr></thead><tbody>" + rows
            + "</tbody></table></div>"]


def _meta(briefing: Briefing) -> str:
    instance = briefing.instance
    lines = []
    if instance.date:
        lines.append(f"As of {instance.date.isoformat()}.")
    if instance.sources:
        lines.append("Sources: " + "; ".join(_linked(s) for s in instance.sources) + ".")
    lines.append(f"Made by <code>{escape(briefing.command)}</code> (allocator "
                 f"{escape(version('allocator'))}).")
    return "".join(f'<p class="meta">{line}</p>' for line in lines)


def _linked(text: str) -> str:
    """The text, as a link where it is a web address."""
    if text.startswith(("http://", "https://")) and " " not in text:
        return f'<a href="{escape(text)}">{escape(text)}</a>'
    return escape(text)


def _roles(item: Coalition | Allocation) -> str:
    return escape(json.dumps({"cabinet": list(item.cabinet), "support": list(item.support),
                              "abstain": list(item.abstain)}))


def _filter_box() -> str:
    return ('<p><input type="search" placeholder="Filter: a party, a form, a post..." '
            'aria-label="Filter the coalitions"></p>')


def _coalitions(items: Sequence[Coalition], investiture: str,
                examples: Sequence[tuple[tuple[Allocation, ...], int | None]] = ()) -> str:
    """A table of coalitions; with `examples`, each row opens (when chosen) onto its
    allocations: how many, and the first of them."""
    abstain = investiture != "absolute"
    head = ["#", "cabinet", "support", *(["abstain"] if abstain else []), "form", "seats",
            *items[0].posts, *items[0].portfolios]
    rows = []
    for number, c in enumerate(items, 1):
        cabinet = ", ".join(f"{p} {r.min}" if r.min == r.max else f"{p} {r.min}-{r.max}"
                            for p, r in c.cabinet.items())
        cells = [str(number), cabinet, ", ".join(c.support) or "-",
                 *([", ".join(c.abstain) or "-"] if abstain else []), c.form, str(c.seats),
                 *("/".join(h) for h in [*c.posts.values(), *c.portfolios.values()])]
        rows.append(f'<tr tabindex="0" data-roles="{_roles(c)}">'
                    + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>")
        if examples:
            rows.append(_details(*examples[number - 1], len(cells)))
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (f'<div class="scroll"><table><thead><tr>{header}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></div>")


def _details(shown: tuple[Allocation, ...], count: int | None, columns: int) -> str:
    """The row under a coalition that lists its first allocations."""
    said = (f"{count:,} allocation{'s' if count != 1 else ''}" if count is not None
            else f"more than {COUNTED:,} allocations")
    if shown and (count is None or count > len(shown)):
        said += f"; the first {len(shown)}" + (" found" if count is None else "")
    lines = "".join(f"<li>{escape(example_line(a))}</li>" for a in shown)
    return (f'<tr class="details" hidden><td colspan="{columns}">{said}:<ul>{lines}</ul>'
            "</td></tr>")


def _summary(summary: Summary, problem: Instance) -> list[str]:
    investiture = problem.government.investiture
    abstain = investiture != "absolute"
    seats = {p.id: p.seats for p in problem.parties}
    head = ["party", "seats", "cabinet", "support", *(["abstain"] if abstain else []),
            "pivotal"]
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in [
            party, seats[party], f"{f.cabinet:,}", f"{f.support:,}",
            *([f"{f.abstain:,}"] if abstain else []), f"{f.pivotal:,}"]) + "</tr>"
        for party, f in summary.parties.items())
    parts = ["<h2>Summary</h2>",
             f'<p class="note">{summary.total:,} coalitions: too many to list here. '
             "<code>allocator solve --level coalition --format jsonl</code> lists them all.</p>",
             f"<pre>{escape(chr(10).join(count_lines(summary)))}</pre>",
             "<h2>In how many of them each party governs, helps, or is pivotal</h2>",
             '<div class="scroll"><table><thead><tr>'
             + "".join(f"<th>{h}</th>" for h in head) + f"</tr></thead><tbody>{rows}"
             "</tbody></table></div>"]
    parts.append(_filter_box())
    for title, items in ((f"Smallest governments (the first {SHOWN})", summary.smallest),
                         (f"Largest governments (the first {SHOWN})", summary.largest),
                         ("Governments of at most three parties", summary.few)):
        if items:
            parts += [f"<h2>{title}</h2>", _coalitions(items, investiture)]
    return parts


def _deadlock(deadlock: Deadlock, problem: Instance) -> list[str]:
    demands = {d.key: d for d in problem.demands}
    parts = ["<h2>Why no deal is possible</h2>"]
    if not deadlock.conflict:
        return [*parts, f"<p>{escape(deadlock.message)}</p>"]
    parts.append(f"<p>These {len(deadlock.conflict)} demands cannot all hold; without any one "
                 "of them the rest can:</p><ul>")
    for did in deadlock.conflict:
        d = demands[did]
        who = ", ".join(d.stated_by) or "no party"
        said = f": {escape(d.text)}" if d.text else ""
        source = f" [{_linked(d.source)}]" if d.source else ""
        parts.append(f"<li><b>{escape(did)}</b> ({escape(who)}){said}{source}</li>")
    parts += ["</ul>", "<h2>What would unlock a deal</h2><ol>"]
    for relaxation in deadlock.relaxations:
        example = relaxation.example
        parts.append(f'<li tabindex="0" data-roles="{_roles(example)}">drop '
                     f"<b>{escape(', '.join(relaxation.drop))}</b>; for example: "
                     f"{escape(example_line(example))}</li>")
    parts.append("</ol>")
    if not deadlock.complete:
        parts.append(f'<p class="note">{escape(deadlock.message)}</p>')
    return parts


def _scenarios(briefing: Briefing) -> list[str]:
    parts = []
    scenarios = briefing.instance.scenarios
    if scenarios:
        rows = "".join(f"<tr><td>{escape(s.name)}</td><td>{escape(s.text or '')}</td>"
                       f"<td>{briefing.verdicts[s.name]}</td></tr>" for s in scenarios)
        parts += ["<h2>Scenarios</h2>", '<div class="scroll"><table><thead><tr><th>scenario'
                  "</th><th>what it asks</th><th>verdict</th></tr></thead><tbody>" + rows
                  + "</tbody></table></div>"]
    if briefing.checks:
        items = "".join(
            f'<li class="{"undecided" if c.ok is None else "pass" if c.ok else "fail"}">'
            f'{"PASS" if c.ok else "UNDECIDED" if c.ok is None else "FAIL"} '
            f'{escape(c.scenario or "the recorded outcome")}: {escape(c.detail)}</li>'
            for c in briefing.checks)
        parts += ["<h2>What happened, checked</h2>", f"<ul>{items}</ul>"]
    return parts
