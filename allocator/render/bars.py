"""A sweep as the picture analysts expect (`allocator sweep --plot`, and the report's sweep
section): one bar per cabinet, its chance to form (the formation model), with how often it is
possible behind it, paler; or, for a sweep document without those chances, one bar per
government, the share of parliaments in which it is possible, and the 95% Wilson interval as
a whisker.

Drawn from the sweep's JSON document (SPEC §7), so that a sweep saved with `--format json`
draws the same as one just run. Each bar is `<rect class="bar">` carrying the coalition in
`data-cabinet`, `data-support`, `data-abstain` (ids joined with `+`) and `data-probability`.
Each cabinet party shows as a chip in its colour (`colours.colours`) before the label, so a
coalition reads at a glance and without colour (the label names every party). Each
government's row carries its roles in `data-roles`, as the report's rows do, so that a page can
redraw its chamber from a bar.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..instance.schema import Instance
from .colours import colours
from .sweep import wilson
from .views import percent

#: the picture shows this many governments, the most likely first
SHOWN = 15
_WIDTH = 800
_LABEL = 340  # the label column, chips included
_BAR = 330  # the length of a bar at probability 1
_ROW = 34
_TOP = 78
_CHIP = 10
_CHAR = 7.6  # the width of a character of the 13 px system font, near enough
_SMALL = 6.4  # and of the 11 px font
BAR_COLOUR = "#4b6a9b"
NONE_COLOUR = "#9a9a9a"
PALE_COLOUR = "#c9d4e6"


def _label(names: dict[str, str], coalition: dict[str, Any]) -> str:
    text = " + ".join(names[p] for p in coalition["cabinet"])
    helpers = [*coalition["support"], *coalition["abstain"]]
    if helpers:
        text += " (with " + ", ".join(names[p] for p in helpers) + ")"
    return text


def _cut(text: str, room: float) -> str:
    most = max(int(room / _CHAR), 4)
    return text if len(text) <= most else text[:most - 1] + "…"


@dataclass(frozen=True)
class Bar:
    """One row of the chart: who, its bar (a share), a paler bar behind it (another share),
    a whisker (an interval), and what the bar element carries."""

    label: str
    full: str
    cabinet: list[str]
    share: float
    said: str
    behind: float | None = None
    whisker: tuple[float, float] | None = None
    data: dict[str, str] = field(default_factory=dict)
    fill: str = BAR_COLOUR


def bars_svg(sweep: dict[str, Any], instance: Instance) -> str:
    """The picture as a self-contained SVG document: which cabinet forms (the formation
    model's chance, and how often it is possible, paler, behind), or for a document without
    it, in how many parliaments each government is possible."""
    n = int(sweep["draws"])
    full = {p.id: p.name or p.id for p in instance.parties}
    names = full
    likely = bool(sweep.get("cabinets"))
    bars, listed = (_likely(sweep, names, full) if likely else _possible(sweep, names, full, n))
    deadlock = float(sweep["deadlock"])
    if deadlock:
        bars.append(Bar("no deal possible", "no deal possible", [], deadlock,
                        f"{percent(deadlock)} of the parliaments",
                        data={"cabinet": "", "support": "", "abstain": "",
                              "probability": repr(sweep["deadlock"])}, fill=NONE_COLOUR))
    colour = colours(instance).fill
    rows = [_row(_TOP + k * _ROW, bar, colour) for k, bar in enumerate(bars)]
    y = _TOP + len(bars) * _ROW
    more = listed - min(listed, SHOWN)
    noun = "cabinets" if likely else "governments"
    footer = (f"… and {more:,} less likely {noun}. " if more > 0 else "") + (
        "Dark: the chance that the cabinet forms (the formation model, over the parliaments); "
        "pale: the share of parliaments in which it has a deal meeting every demand."
        if likely else "Bars: the share of the simulated parliaments in which the government "
        "has a deal meeting every demand; whiskers: 95% interval.")
    if not sweep["complete"]:
        footer = "Incomplete sweep. " + footer
    notes = textwrap.wrap(footer, int((_WIDTH - 24) / _SMALL))
    height = y + 26 + 15 * len(notes)
    subtitle = (f"Which cabinet forms, over {n:,} simulated parliaments" if likely else
                f"Which governments are possible, over {n:,} simulated parliaments")
    if sweep.get("scenario"):
        subtitle += f" (scenario {sweep['scenario']})"
    title = f"{instance.name}. {subtitle}"
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="12" y="22" font-size="15" font-weight="600">'
        f"{escape(_cut(instance.name, _WIDTH - 24))}</text>",
        f'<text x="12" y="42" fill="#333333">{escape(_cut(subtitle, _WIDTH - 24))}</text>',
        *_axis(y), '<g class="bars">', *rows, "</g>",
        *(f'<text x="12" y="{y + 22 + 15 * k}" fill="#555555" font-size="11">{escape(note)}'
          "</text>" for k, note in enumerate(notes)),
        "</svg>", ""])


def _likely(sweep: dict[str, Any], names: dict[str, str], full: dict[str, str]
            ) -> tuple[list[Bar], int]:
    """The cabinets by their chance to form, how often each is possible behind."""
    bars = [Bar(" + ".join(names[p] for p in c["cabinet"]),
                " + ".join(full[p] for p in c["cabinet"]), c["cabinet"], c["forms"],
                f"forms in {percent(c['forms'])}; possible in {percent(c['possible'])}",
                behind=c["possible"],
                data={"cabinet": "+".join(c["cabinet"]), "support": "", "abstain": "",
                      "probability": repr(c["forms"])})
            for c in sweep["cabinets"][:SHOWN]]
    return bars, len(sweep["cabinets"])


def _possible(sweep: dict[str, Any], names: dict[str, str], full: dict[str, str], n: int
              ) -> tuple[list[Bar], int]:
    """The governments by how often they are possible, with their 95% intervals."""
    bars = []
    for coalition in sweep["coalitions"][:SHOWN]:
        k = coalition["draws"]
        bars.append(Bar(_label(names, coalition), _label(full, coalition),
                        coalition["cabinet"], k / n if n else 0.0,
                        f"{percent(k / n if n else 0.0)} ({k:,} of {n:,})",
                        whisker=wilson(k, n),
                        data={"cabinet": "+".join(coalition["cabinet"]),
                              "support": "+".join(coalition["support"]),
                              "abstain": "+".join(coalition["abstain"]),
                              "probability": repr(coalition["probability"])}))
    return bars, sweep.get("listed", len(sweep["coalitions"]))


def _axis(bottom: float) -> list[str]:
    axis = [f'<line x1="{_LABEL}" y1="{_TOP - 14}" x2="{_LABEL}" y2="{bottom - 6}" '
            'stroke="#444444"/>']
    for tick in (0, 25, 50, 75, 100):
        x = _LABEL + _BAR * tick / 100
        axis.append(f'<line x1="{x:.1f}" y1="{_TOP - 14}" x2="{x:.1f}" y2="{bottom - 6}" '
                    'stroke="#dddddd"/>')
        axis.append(f'<text x="{x:.1f}" y="{_TOP - 18}" text-anchor="middle" '
                    f'fill="#555555">{tick}%</text>')
    return axis


#: where every label starts: after room for six chips, so labels are aligned
_TEXT_X = 12 + 6 * (_CHIP + 3) + 4


def _label_text(text: str, y: float) -> tuple[str, float]:
    """A label on one line, or two where it is long (the second cut with an ellipsis), and
    the baseline of its first line (raised for two)."""
    lines = textwrap.wrap(text, max(int((_LABEL - _TEXT_X - 8) / _CHAR), 4)) or [""]
    if len(lines) > 2:
        lines = [lines[0], _cut(" ".join(lines[1:]), _LABEL - _TEXT_X - 8)]
    return "".join(f'<tspan x="{_TEXT_X}" dy="{0 if i == 0 else 14}">{escape(line)}</tspan>'
                   for i, line in enumerate(lines)), y - (7 if len(lines) > 1 else 0)


def _row(y: float, bar: Bar, colour: dict[str, str]) -> str:
    chips = "".join(
        f'<rect x="{12 + i * (_CHIP + 3)}" y="{y - _CHIP + 1}" width="{_CHIP}" '
        f'height="{_CHIP}" rx="2" fill="{colour[party]}" stroke="#333333" '
        'stroke-width="0.5"/>' for i, party in enumerate(bar.cabinet[:6]))
    label, top = _label_text(bar.label, y)
    attributes = " ".join(f'data-{key}="{escape(value)}"' for key, value in bar.data.items())
    roles = escape(json.dumps({role: [p for p in bar.data.get(role, "").split("+") if p]
                               for role in ("cabinet", "support", "abstain")}))
    group = f'<g data-roles="{roles}">' if bar.cabinet else "<g>"
    end = max(bar.share, bar.behind or 0.0, bar.whisker[1] if bar.whisker else 0.0)
    parts = [f"{group}<title>{escape(bar.full)}: {escape(bar.said)}</title>", chips,
             f'<text y="{top}">{label}</text>']
    if bar.behind is not None:
        parts.append(f'<rect class="possible" x="{_LABEL}" y="{y - 13}" '
                     f'width="{max(_BAR * bar.behind, 0.5):.1f}" height="17" '
                     f'fill="{PALE_COLOUR}"/>')
    parts.append(f'<rect class="bar" x="{_LABEL}" y="{y - 13}" '
                 f'width="{max(_BAR * bar.share, 0.5):.1f}" height="17" fill="{bar.fill}" '
                 f"{attributes}/>")
    if bar.whisker is not None:
        low, high = bar.whisker
        parts.append(f'<line x1="{_LABEL + _BAR * low:.1f}" y1="{y - 4.5}" '
                     f'x2="{_LABEL + _BAR * high:.1f}" y2="{y - 4.5}" stroke="#111111" '
                     'stroke-width="1.5"/>')
    parts += [f'<text x="{_LABEL + _BAR * end + 6:.1f}" y="{y}">{percent(bar.share)}</text>',
              "</g>"]
    return "".join(parts)
