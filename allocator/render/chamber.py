"""The chamber as a picture: a hemicycle of seats as SVG, one mark per seat (SPEC §7).

The seat layout (rows, the centre of every seat) comes from `parliamentarch`, a small
well-kept library for arch diagrams, with its rows filled from the outside in (a council of 35
reads as two packed rows, not a scatter); this module only decides who sits where and how each
seat looks.

* **Who sits where.** Parties from left to right by `position`; parties without one come after
  those with one, in the file's order (`unplaced` names them, and pages say so). With a
  government, it is drawn **together from the left end**: the cabinet's parties, then its
  supporters, then those abstaining, each group by position, then the opposition. The majority
  line stands after the quota-th seat from the left, so a government's size reads against it,
  as newspapers' coalition builders draw it. Seats no listed party holds come last.
* **How a seat looks** reads without colour, and every mark stands out from the white
  background by 3:1 (`colours.ink` outlines light colours): cabinet seats are discs in the
  party's colour, supporters' seats are rings, abstainers' seats dashed rings, opposition seats
  grey. Parties' colours that readers could not tell apart are resolved by `colours`.

Every seat is a `<circle class="seat ..." data-party="<party id>">` (`data-party=""` for seats
held by no listed party), so that a reader or a test can count them; a page's script regroups
and restyles them when a government is chosen (`role_css`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..errors import UsageError
from ..extras import require
from ..instance.schema import Instance, Party
from .colours import UNLISTED, Colours, colours

#: the largest chamber drawn (one mark per seat: past this, a picture says nothing more)
MAX_DRAWN_SEATS = 5_000
ROLES = ("cabinet", "support", "abstain", "opposition")
#: opposition seats: grey, outlined darker (4.5:1 against white)
OPPOSITION_FILL, OPPOSITION_INK = "#c4c4c4", "#767676"
_SCALE = 300.0  # pixels per unit of parliamentarch's 2 x 1 canvas
_MARGIN = 12.0
_CHAR = 7.2  # the width of a character of the 13 px system font, near enough


@dataclass(frozen=True)
class Roles:
    """Who takes which role in the government drawn (parties not named are in opposition)."""

    cabinet: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    abstain: tuple[str, ...] = ()

    def of(self, party: str) -> str:
        for role in ("cabinet", "support", "abstain"):
            if party in getattr(self, role):
                return role
        return "opposition"


def unplaced(instance: Instance) -> list[Party]:
    """The parties without a position (seated after the others, in the file's order); a
    party of no seats (non-party ministers) has none to seat."""
    return [p for p in instance.parties if p.position is None and p.seats > 0]


def seating(instance: Instance, roles: Roles | None = None) -> list[Party]:
    """The parties from left to right: by position (those without one last, as listed); with
    a government, its cabinet, supporters and abstainers first, in that order."""
    listed = {p.id: i for i, p in enumerate(instance.parties)}

    def place(p: Party) -> tuple[int, int, float, int]:
        group = ROLES.index(roles.of(p.id)) if roles is not None else 0
        return (group, p.position is None, float(p.position or 0), listed[p.id])

    return sorted(instance.parties, key=place)


def hemicycle_svg(instance: Instance, roles: Roles | None = None, *, restyle: bool = False,
                  legend: bool = True, note: str = "",
                  placed: tuple[float, float, float, float] | None = None) -> str:
    """The chamber as a self-contained SVG document (no external resource). With `restyle`,
    each seat keeps its party's colour in `--c` and its ink in `--k`, and the document carries
    the style sheet that draws seats by role class (`role_css`), for a page that redraws a
    government; `legend`: the parties' swatches under the arc (a page shows its own, in HTML);
    `note`: a line under it all (a picture that must say something more); `placed`: (x, y,
    width, height) where it goes inside a larger picture (`card`), instead of its own size."""
    total = instance.total_seats
    if total > MAX_DRAWN_SEATS:
        raise UsageError(f"the chamber has {total:,} seats; pictures are drawn up to "
                         f"{MAX_DRAWN_SEATS:,} (one mark per seat)")
    drawn = colours(instance)
    names = {p.id: p.name or p.id for p in instance.parties}
    holders = [(p.id, p.seats) for p in seating(instance, roles)]
    holders.append(("", total - sum(p.seats for p in instance.parties)))
    owners = [party for party, seats in holders for _ in range(seats)]
    ordered, radius = layout(total)

    def role_of(party: str) -> str | None:
        return None if roles is None or not party else roles.of(party)

    marks = [_seat(x, y, radius, owner, drawn, role_of(owner), names, restyle)
             for (x, y), owner in zip(ordered, owners, strict=True)]
    title = escape(f"{instance.name}: {total:,} seats, {instance.quota:,} for a majority"
                   + (f". {government_sentence(instance, roles)}" if roles else ""))
    width = 2 * _SCALE + 2 * _MARGIN
    bottom = _MARGIN + _SCALE + radius + 10
    parts = []
    if legend:
        group, bottom = _legend([(names.get(p, "no listed party"), seats, p, role_of(p))
                                 for p, seats in holders if seats], drawn, bottom, width)
        parts.append(group)
    notes, bottom = _note(note, bottom, width)
    body = [f"<style>{role_css(radius)}</style>" if restyle else "",
            '<rect width="100%" height="100%" fill="#ffffff"/>',  # PNGs are not transparent
            _majority_line(ordered, instance.quota, radius),
            f'<text class="count" x="{width / 2:.0f}" y="{_MARGIN + _SCALE - 6:.0f}" '
            f'text-anchor="middle" font-size="15">{total:,} seats · {instance.quota:,} for a '
            "majority</text>", '<g class="seats">', *marks, "</g>", *parts, *notes]
    return _document(width, bottom + _MARGIN, placed, title, body)


def _note(note: str, top: float, width: float) -> tuple[list[str], float]:
    """A note under the picture, wrapped, and where it ends."""
    lines = textwrap.wrap(note, int((width - 2 * _MARGIN) / _CHAR)) if note else []
    return ([f'<text class="note" x="{_MARGIN:.0f}" y="{top + 16 + 18 * i:.0f}">'
             f"{escape(line)}</text>" for i, line in enumerate(lines)],
            top + 18 * len(lines) + (6 if lines else 0))


def _document(width: float, height: float, placed: tuple[float, float, float, float] | None,
              title: str, body: list[str]) -> str:
    """The SVG document: its own size, or `placed` inside a larger picture."""
    at = (f'x="{placed[0]:.0f}" y="{placed[1]:.0f}" width="{placed[2]:.0f}" '
          f'height="{placed[3]:.0f}"' if placed else f'width="{width:.0f}" height="{height:.0f}"')
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'{at} role="img" aria-label="{title}" '
        'font-family="system-ui, sans-serif" font-size="13">', f"<title>{title}</title>",
        *body, "</svg>", ""])


def government_sentence(instance: Instance, roles: Roles) -> str:
    """A government as a person says it: `Labour 16 + Green 2 (support) = 18 of 35 seats: a
    majority`, or how far short it is, and who lets it govern by abstaining."""
    names = {p.id: p.name or p.id for p in instance.parties}
    seats = {p.id: p.seats for p in instance.parties}
    parts = [f"{names[p]} {seats[p]:,}" for p in roles.cabinet]
    parts += [f"{names[p]} {seats[p]:,} (support)" for p in roles.support]
    behind = sum(seats[p] for p in (*roles.cabinet, *roles.support))
    said = f"{' + '.join(parts)} = {behind:,} of {instance.total_seats:,} seats"
    if behind >= instance.quota:
        said += f": a majority ({instance.quota:,} needed)"
    else:
        said += f": {instance.quota - behind:,} short of the {instance.quota:,} for a majority"
        if len(roles.abstain) > 3:
            said += f", governing with {len(roles.abstain)} other parties abstaining"
        elif roles.abstain:
            said += ", governing with " + ", ".join(names[p] for p in roles.abstain) + \
                " abstaining"
    return said


def layout(total: int) -> tuple[list[tuple[float, float]], float]:
    """The centres of `total` seats from left to right (wedge by wedge, outer rows first in
    each), and the radius of a seat mark, on parliamentarch's 2 x 1 canvas scaled to pixels.
    Rows are filled from the outside in (parliamentarch's OUTER_PRIORITY), so that seats are
    packed whatever the chamber's size."""
    from parliamentarch import get_nrows_from_nseats, get_row_thickness, get_seats_centers
    from parliamentarch.geometry import FillingStrategy

    if not total:
        return [], 0.0
    centres = get_seats_centers(total, filling_strategy=FillingStrategy.OUTER_PRIORITY)
    # parliamentarch's angles grow from right to left: the leftmost wedge of seats first
    ordered = sorted(centres, key=lambda c: (-centres[c], -math.hypot(c[0] - 1, c[1])))
    return ordered, 0.42 * get_row_thickness(get_nrows_from_nseats(total)) * _SCALE


def _pixels(x: float, y: float) -> tuple[float, float]:
    """parliamentarch's canvas (2 x 1, y up) -> SVG pixels (y down)."""
    return _MARGIN + x * _SCALE, _MARGIN + (1 - y) * _SCALE


def role_style(role: str | None, colour: str, ink: str, radius: float) -> dict[str, str]:
    """How a seat of a party in this role looks, as SVG properties (the mark's radius
    included): the one place that says it, for the marks drawn here and for the style sheet
    with which a page restyles them (`role_css`)."""
    # an outline keeps its width on screen however small the picture is drawn
    outline = {"stroke-width": f"{max(radius * 0.15, 1.2):.2f}",
               "vector-effect": "non-scaling-stroke"}
    if role in (None, "cabinet"):
        return {"fill": colour, "stroke": ink, **outline, "r": f"{radius:.2f}"}
    if role == "support":  # a ring as wide as the seat, never thinner than 2.2 units
        ring = max(radius * 0.7, 2.2)
        return {"fill": "#ffffff", "stroke": ink, "stroke-width": f"{ring:.2f}",
                "r": f"{max(radius - ring / 2, 0.3):.2f}"}
    if role == "abstain":
        return {"fill": "#ffffff", "stroke": ink, "stroke-width": f"{max(radius * 0.3, 1.2):.2f}",
                "vector-effect": "non-scaling-stroke",
                "stroke-dasharray": f"{max(radius * 0.5, 2):.2f} {max(radius * 0.35, 1.5):.2f}",
                "r": f"{radius * 0.82:.2f}"}
    return {"fill": OPPOSITION_FILL, "stroke": OPPOSITION_INK, **outline,
            "r": f"{radius * 0.9:.2f}"}


def png(svg: str) -> bytes:
    """The picture as PNG, at twice its size (CairoSVG, which needs the cairo library)."""
    cairosvg = require("cairosvg", "plot", instead="write .svg")
    data: bytes = cairosvg.svg2png(bytestring=svg.encode(), scale=2)
    return data


def role_css(radius: float) -> str:
    """CSS that draws a seat by the role class a script gives it (its colour in `--c`, its
    ink in `--k`)."""
    def rule(role: str) -> str:
        style = role_style(role, "var(--c)", "var(--k)", radius)
        return f".seat.{role}{{" + ";".join(
            f"{k}:{v}px" if k in ("r", "stroke-width") else f"{k}:{v}"
            for k, v in style.items()) + "}"

    return "".join(rule(role) for role in ROLES)


def _seat(x: float, y: float, radius: float, owner: str, drawn: Colours, role: str | None,
          names: dict[str, str], restyle: bool) -> str:
    px, py = _pixels(x, y)
    who = escape(names.get(owner, "no listed party"))
    label = f"{who}, {role}" if role else who
    colour = drawn.fill.get(owner, UNLISTED)
    ink = drawn.ink[owner]
    style = " ".join(f'{k}="{v}"' for k, v in role_style(role, colour, ink, radius).items())
    role_class = f" {role}" if role else ""
    custom = f' style="--c:{colour};--k:{ink}"' if restyle else ""
    return (f'<circle class="seat{role_class}" data-party="{escape(owner)}"{custom} '
            f'cx="{px:.2f}" cy="{py:.2f}" {style}><title>{label}</title></circle>')


def _majority_line(ordered: list[tuple[float, float]], quota: int, radius: float) -> str:
    """A dashed radial line between the quota-th seat from the left and the next (the seats
    to its left are a bare majority), from inside the innermost row to outside the outermost."""
    if not 0 < quota < len(ordered):
        return ""
    angle = sum(math.atan2(y, x - 1) for x, y in ordered[quota - 1:quota + 1]) / 2
    inner = min(math.hypot(cx - 1, cy) for cx, cy in ordered) * _SCALE - 2 * radius
    outer = _SCALE + radius
    cx, cy = _pixels(1, 0)
    points = [(cx + r * math.cos(angle), cy - r * math.sin(angle)) for r in (inner, outer)]
    return (f'<line class="majority" x1="{points[0][0]:.2f}" y1="{points[0][1]:.2f}" '
            f'x2="{points[1][0]:.2f}" y2="{points[1][1]:.2f}" stroke="#222222" '
            f'stroke-width="1.5" stroke-dasharray="5 4"><title>{quota:,} seats for a majority'
            f"</title></line>")


def _legend(entries: Sequence[tuple[str, int, str, str | None]], drawn: Colours, top: float,
            width: float) -> tuple[str, float]:
    """Swatch (drawn as the party's seats are), name and seats of each party in seating order,
    in as many columns as the longest entry allows, a name too long for its column wrapped
    onto a second line. Returns the SVG group and where it ends."""
    labels = [f"{name} {seats:,}" for name, seats, _, _ in entries]
    longest = max((len(label) for label in labels), default=0)
    columns = 3 if longest <= 24 else 2
    fits = int((width - 2 * _MARGIN) / columns / _CHAR) - 3
    column_width = (width - 2 * _MARGIN) / columns
    items, y, row_height = [], top, 0.0
    for k, ((_, _, party, role), label) in enumerate(zip(entries, labels, strict=True)):
        if k % columns == 0:
            y += row_height
            row_height = 20.0
        x = _MARGIN + (k % columns) * column_width
        lines = textwrap.wrap(label, fits)[:2] or [""]
        row_height = max(row_height, 16.0 * len(lines) + 4)
        style = role_style(role, drawn.fill.get(party, UNLISTED), drawn.ink[party], 6.0)
        swatch = " ".join(f'{k}="{v}"' for k, v in style.items())
        text = "".join(f'<tspan x="{x + 18:.0f}" dy="{0 if i == 0 else 16}">{escape(line)}'
                       "</tspan>" for i, line in enumerate(lines))
        items.append(f"<g><title>{escape(label)}</title>"
                     f'<circle cx="{x + 6:.0f}" cy="{y + 6:.0f}" {swatch}/>'
                     f'<text y="{y + 11:.0f}">{text}</text></g>')
    return '<g class="legend">' + "".join(items) + "</g>", y + row_height
