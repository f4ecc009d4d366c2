"""A sweep as the picture analysts expect: one bar per government, its probability, and the
95% Wilson interval as a whisker (`allocator sweep --plot`, and the report's sweep section).

Drawn from the sweep's JSON document (SPEC §7), so that a sweep saved with `--format json`
draws the same as one just run. Each bar is `<rect class="bar">` carrying the coalition in
`data-cabinet`, `data-support`, `data-abstain` (ids joined with `+`) and `data-probability`.
Each cabinet party shows as a chip in its colour (`chamber.colours`) before the label, so a
coalition reads at a glance and without colour (the label names every party). Each
government's row carries its roles in `data-roles`, as the report's rows do, so that a page can
redraw its chamber from a bar.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from ..instance.schema import Instance
from .chamber import colours
from .sweep import wilson
from .views import percent

#: the picture shows this many governments, the most likely first
SHOWN = 15
_WIDTH = 800
_LABEL = 340  # the label column, chips included
_BAR = 330  # the length of a bar at probability 1
_ROW = 28
_TOP = 78
#: a party name longer than this gives way to its id in a label (the tooltip has every name)
_SHORT = 14
_CHIP = 10
_CHAR = 7.6  # the width of a character of the 13 px system font, near enough
BAR_COLOUR = "#4b6a9b"
NONE_COLOUR = "#9a9a9a"


def _label(names: dict[str, str], coalition: dict[str, Any]) -> str:
    text = " + ".join(names[p] for p in coalition["cabinet"])
    helpers = [*coalition["support"], *coalition["abstain"]]
    if helpers:
        text += " (with " + ", ".join(names[p] for p in helpers) + ")"
    return text


def _cut(text: str, room: float) -> str:
    most = max(int(room / _CHAR), 4)
    return text if len(text) <= most else text[:most - 1] + "…"


def bars_svg(sweep: dict[str, Any], instance: Instance) -> str:
    """The picture as a self-contained SVG document."""
    n = int(sweep["draws"])
    full = {p.id: p.name or p.id for p in instance.parties}
    names = {p: name if len(name) <= _SHORT else p for p, name in full.items()}
    colour = colours(instance)
    shown = sweep["coalitions"][:SHOWN]
    rows: list[str] = []
    y = _TOP
    for coalition in shown:
        rows.append(_row(y, _label(names, coalition), _label(full, coalition),
                         coalition["cabinet"], colour,
                         coalition["draws"], n, BAR_COLOUR, {
                             "cabinet": "+".join(coalition["cabinet"]),
                             "support": "+".join(coalition["support"]),
                             "abstain": "+".join(coalition["abstain"]),
                             "probability": repr(coalition["probability"])}))
        y += _ROW
    deadlock = round(float(sweep["deadlock"]) * n)
    if deadlock:
        rows.append(_row(y, "no government possible", "no government possible", [], colour,
                         deadlock, n, NONE_COLOUR,
                         {"cabinet": "", "support": "", "abstain": "",
                          "probability": repr(sweep["deadlock"])}))
        y += _ROW
    more = len(sweep["coalitions"]) - len(shown)
    footer = (f"… and {more:,} less likely governments. " if more > 0 else "") + (
        "Bars: share of the simulated parliaments in which the government has a deal meeting "
        "every demand; whiskers: 95% interval.")
    if not sweep["complete"]:
        footer = "Incomplete sweep. " + footer
    height = y + 40
    subtitle = f"How likely each government is, over {n:,} simulated parliaments"
    if sweep.get("scenario"):
        subtitle += f" (scenario {sweep['scenario']})"
    title = f"{instance.name}. {subtitle}"
    axis = [f'<line x1="{_LABEL}" y1="{_TOP - 14}" x2="{_LABEL}" y2="{y - 6}" '
            'stroke="#444444"/>']
    for tick in (0, 25, 50, 75, 100):
        x = _LABEL + _BAR * tick / 100
        axis.append(f'<line x1="{x:.1f}" y1="{_TOP - 14}" x2="{x:.1f}" y2="{y - 6}" '
                    'stroke="#dddddd"/>')
        axis.append(f'<text x="{x:.1f}" y="{_TOP - 18}" text-anchor="middle" '
                    f'fill="#555555">{tick}%</text>')
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="12" y="22" font-size="15" font-weight="600">'
        f"{escape(_cut(instance.name, _WIDTH - 24))}</text>",
        f'<text x="12" y="42" fill="#333333">{escape(_cut(subtitle, _WIDTH - 24))}</text>',
        *axis, '<g class="bars">', *rows, "</g>",
        f'<text x="12" y="{height - 14}" fill="#555555" font-size="11">{escape(footer)}</text>',
        "</svg>", ""])


def _row(y: float, label: str, full: str, cabinet: list[str], colour: dict[str, str], k: int,
         n: int, fill: str, data: dict[str, str]) -> str:
    p = k / n if n else 0.0
    low, high = wilson(k, n)
    chips = "".join(
        f'<rect x="{12 + i * (_CHIP + 3)}" y="{y - _CHIP + 1}" width="{_CHIP}" '
        f'height="{_CHIP}" rx="2" fill="{colour[party]}" stroke="#333333" '
        'stroke-width="0.5"/>' for i, party in enumerate(cabinet[:6]))
    text_x = 12 + min(len(cabinet), 6) * (_CHIP + 3) + (4 if cabinet else 0)
    attributes = " ".join(f'data-{key}="{escape(value)}"' for key, value in data.items())
    roles = escape(json.dumps({role: [p for p in data[role].split("+") if p]
                               for role in ("cabinet", "support", "abstain")}))
    group = f'<g data-roles="{roles}">' if cabinet else "<g>"
    bar_end = _LABEL + _BAR * p
    return "".join([
        f"{group}<title>{escape(full)}: {percent(p)} ({k:,} of {n:,}; 95% interval "
        f"{percent(low)}-{percent(high)})</title>", chips,
        f'<text x="{text_x}" y="{y}">{escape(_cut(label, _LABEL - text_x - 8))}</text>',
        f'<rect class="bar" x="{_LABEL}" y="{y - 13}" width="{max(_BAR * p, 0.5):.1f}" '
        f'height="17" fill="{fill}" {attributes}/>',
        f'<line x1="{_LABEL + _BAR * low:.1f}" y1="{y - 4.5}" x2="{_LABEL + _BAR * high:.1f}" '
        f'y2="{y - 4.5}" stroke="#111111" stroke-width="1.5"/>',
        f'<text x="{max(bar_end, _LABEL + _BAR * high) + 6:.1f}" y="{y}">{percent(p)}</text>',
        "</g>"])
