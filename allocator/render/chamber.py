"""The chamber as a picture: a hemicycle of seats as SVG, one mark per seat (SPEC §7).

The seat layout (rows, the centre of every seat) comes from `parliamentarch`, a small
well-kept library for arch diagrams; this module only decides who sits where and how each seat
looks. Parties are seated from left to right by `position` where every party has one, else in
instance order; seats no listed party holds come last and are grey.

Every seat is a `<circle class="seat ..." data-party="<party id>">` (`data-party=""` for seats
held by no listed party), so that a reader or a test can count them. With a coalition, each
seat also carries its party's role, drawn so that it reads without colour: cabinet seats are
solid, supporters' seats are rings, abstainers' seats are dashed outlines, opposition seats
are pale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from ..errors import UsageError
from ..extras import require
from ..instance.schema import Instance, Party

#: the largest chamber drawn (one mark per seat: past this, a picture says nothing more)
MAX_DRAWN_SEATS = 5_000
#: colour-blind-safe qualitative colours (Paul Tol's "muted" and "bright" schemes), given to
#: parties without a `colour` in instance order
PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
           "#882255", "#AA4499", "#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE",
           "#AA3377", "#BBBBBB")
UNLISTED_COLOUR = "#DDDDDD"
ROLES = ("cabinet", "support", "abstain", "opposition")
_SCALE = 300.0  # pixels per unit of parliamentarch's 2 x 1 canvas
_MARGIN = 12.0
_CHAR = 7.2  # the width of a character of the 13 px system font, near enough


@dataclass(frozen=True)
class Roles:
    """Who takes which role in the coalition drawn (parties not named are in opposition)."""

    cabinet: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    abstain: tuple[str, ...] = ()

    def of(self, party: str) -> str:
        for role in ("cabinet", "support", "abstain"):
            if party in getattr(self, role):
                return role
        return "opposition"


def colours(instance: Instance) -> dict[str, str]:
    """Each party's colour: its own, else the next palette colour in instance order."""
    spare = iter(c for c in PALETTE * (len(instance.parties) // len(PALETTE) + 1)
                 if c not in {p.colour for p in instance.parties})
    return {p.id: p.colour or next(spare) for p in instance.parties}


def seating(instance: Instance) -> list[Party]:
    """The parties from left to right: by position where all have one, else as listed."""
    parties = list(instance.parties)
    if all(p.position is not None for p in parties):
        order = {p.id: i for i, p in enumerate(parties)}
        parties.sort(key=lambda p: (p.position, order[p.id]))
    return parties


def hemicycle_svg(instance: Instance, roles: Roles | None = None,
                  restyle: bool = False) -> str:
    """The chamber as a self-contained SVG document (no external resource). With `restyle`,
    each seat keeps its party's colour in `--c` and the document carries the style sheet that
    draws seats by role class (`role_css`), for a page that redraws a coalition."""
    total = instance.total_seats
    if total > MAX_DRAWN_SEATS:
        raise UsageError(f"the chamber has {total:,} seats; pictures are drawn up to "
                         f"{MAX_DRAWN_SEATS:,} (one mark per seat)")
    party_colour = colours(instance)
    names = {p.id: p.name or p.id for p in instance.parties}
    holders = [(p.id, p.seats) for p in seating(instance)]
    holders.append(("", total - sum(p.seats for p in instance.parties)))
    owners = [party for party, seats in holders for _ in range(seats)]
    ordered, radius = _layout(total)

    def role_of(party: str) -> str | None:
        return None if roles is None or not party else roles.of(party)

    def colour_of(party: str) -> str:
        return party_colour.get(party, UNLISTED_COLOUR)

    marks = [_seat(x, y, radius, owner, colour_of(owner), role_of(owner), names, restyle)
             for (x, y), owner in zip(ordered, owners, strict=True)]
    title = escape(f"{instance.name}: {total:,} seats, {instance.quota:,} for a majority")
    width = 2 * _SCALE + 2 * _MARGIN
    legend, bottom = _legend([(names.get(p, "no listed party"), seats, colour_of(p), role_of(p))
                              for p, seats in holders if seats],
                             _MARGIN + _SCALE + radius + 10, width)
    caption = _caption(instance, roles, bottom)
    height = bottom + (22 if caption else 0) + _MARGIN
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{title}" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{title}</title>", f"<style>{role_css(radius)}</style>" if restyle else "",
        '<rect width="100%" height="100%" fill="#ffffff"/>',  # PNGs are not transparent
        _majority_line(ordered, instance.quota, radius),
        f'<text x="{width / 2:.0f}" y="{_MARGIN + _SCALE - 8:.0f}" text-anchor="middle" '
        f'font-size="15">{total:,} seats · {instance.quota:,} for a majority</text>',
        '<g class="seats">', *marks, "</g>", legend, caption, "</svg>", ""])


def _layout(total: int) -> tuple[list[tuple[float, float]], float]:
    """The centres of `total` seats from left to right (wedge by wedge, outer rows first in
    each), and the radius of a seat mark, on parliamentarch's 2 x 1 canvas scaled to pixels."""
    from parliamentarch import get_nrows_from_nseats, get_row_thickness, get_seats_centers

    if not total:
        return [], 0.0
    centres = get_seats_centers(total)
    # parliamentarch's angles grow from right to left: the leftmost wedge of seats first
    ordered = sorted(centres, key=lambda c: (-centres[c], -math.hypot(c[0] - 1, c[1])))
    return ordered, 0.4 * get_row_thickness(get_nrows_from_nseats(total)) * _SCALE


def _pixels(x: float, y: float) -> tuple[float, float]:
    """parliamentarch's canvas (2 x 1, y up) -> SVG pixels (y down)."""
    return _MARGIN + x * _SCALE, _MARGIN + (1 - y) * _SCALE


def role_style(role: str | None, colour: str, radius: float) -> dict[str, str]:
    """How a seat of a party in this role looks, as SVG properties (the mark's radius
    included): the one place that says it, for the marks drawn here and for the style sheet
    with which a page restyles them (`role_css`)."""
    if role in (None, "cabinet"):
        return {"fill": colour, "r": f"{radius:.2f}"}
    if role == "support":
        return {"fill": "#ffffff", "stroke": colour, "stroke-width": f"{radius * 0.7:.2f}",
                "r": f"{radius * 0.65:.2f}"}
    if role == "abstain":
        return {"fill": "#ffffff", "stroke": colour, "stroke-width": f"{radius * 0.3:.2f}",
                "stroke-dasharray": f"{radius * 0.5:.2f} {radius * 0.35:.2f}",
                "r": f"{radius * 0.85:.2f}"}
    return {"fill": colour, "fill-opacity": "0.3", "r": f"{radius:.2f}"}


def png(svg: str) -> bytes:
    """The picture as PNG, at twice its size (CairoSVG, which needs the cairo library)."""
    cairosvg = require("cairosvg", "plot", instead="write .svg")
    data: bytes = cairosvg.svg2png(bytestring=svg.encode(), scale=2)
    return data


def role_css(radius: float) -> str:
    """CSS that draws a seat by the role class a script gives it (its colour in `--c`)."""
    def rule(role: str) -> str:
        style = role_style(role, "var(--c)", radius)
        return f".seat.{role}{{" + ";".join(
            f"{k}:{v}px" if k in ("r", "stroke-width") else f"{k}:{v}"
            for k, v in style.items()) + "}"

    return "".join(rule(role) for role in ROLES)


def _seat(x: float, y: float, radius: float, owner: str, colour: str, role: str | None,
          names: dict[str, str], restyle: bool) -> str:
    px, py = _pixels(x, y)
    who = escape(names.get(owner, "no listed party"))
    label = f"{who}, {role}" if role else who
    style = " ".join(f'{k}="{v}"' for k, v in role_style(role, colour, radius).items())
    role_class = f" {role}" if role else ""
    custom = f' style="--c:{colour}"' if restyle else ""
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


def _legend(entries: list[tuple[str, int, str, str | None]], top: float, width: float
            ) -> tuple[str, float]:
    """Swatch, name and seats of each party in seating order (with a coalition, its role), in
    as many columns as the longest entry allows; an entry too long for one column is cut with
    an ellipsis and kept whole in its tooltip. Returns the SVG group and where it ends."""
    labels = [f"{name} {seats:,}" + (f" ({role})" if role else "")
              for name, seats, _, role in entries]
    longest = max((len(label) for label in labels), default=0)
    columns = 3 if longest <= 26 else 2
    fits = int((width - 2 * _MARGIN) / columns / _CHAR) - 3
    row_height = 20.0
    column_width = (width - 2 * _MARGIN) / columns
    items = []
    for k, ((_, _, colour, _), label) in enumerate(zip(entries, labels, strict=True)):
        x = _MARGIN + (k % columns) * column_width
        y = top + (k // columns) * row_height
        shown = label if len(label) <= fits else label[:fits - 1] + "…"
        items.append(f'<g><title>{escape(label)}</title>'
                     f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 17:.0f}" y="{y + 11:.0f}">{escape(shown)}</text></g>')
    rows = -(-len(entries) // columns)
    return '<g class="legend">' + "".join(items) + "</g>", top + rows * row_height


def _caption(instance: Instance, roles: Roles | None, top: float) -> str:
    """With a coalition: who governs, who helps, and the seats behind it."""
    if roles is None:
        return ""
    seats = {p.id: p.seats for p in instance.parties}
    names = {p.id: p.name or p.id for p in instance.parties}
    behind = sum(seats[p] for p in (*roles.cabinet, *roles.support))
    parts = ["cabinet " + ", ".join(names[p] for p in roles.cabinet)]
    if roles.support:
        parts.append("supported by " + ", ".join(names[p] for p in roles.support))
    if roles.abstain:
        parts.append("abstaining: " + ", ".join(names[p] for p in roles.abstain))
    said = "; ".join(parts) + f": {behind:,} seats behind it, {instance.quota:,} needed"
    return (f'<text class="caption" x="{_MARGIN:.0f}" y="{top + 16:.0f}">{escape(said)}'
            "</text>")
