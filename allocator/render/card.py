"""A picture to share (`allocator draw FILE --card`): 1200 x 675 (the shape social sites show
whole), with the chamber and the government shown beside what a reader needs to trust and
cite it: the title, the date, the verdict, the government in words, the sources, and who made
it. Everything on it is drawn from the instance and the answer; nothing is fetched.
"""

from __future__ import annotations

import textwrap
from html import escape

from ..instance.schema import Instance
from .chamber import Roles, government_sentence, hemicycle_svg

WIDTH, HEIGHT = 1200, 675
_LEFT, _COLUMN = 48, 500  # the text column
_FONT = "system-ui, 'DejaVu Sans', sans-serif"


def _lines(text: str, size: int, width: float, most: int) -> list[str]:
    """The text wrapped to a column of `width` pixels at `size` px, at most `most` lines (the
    last cut with an ellipsis)."""
    wrapped = textwrap.wrap(text, max(int(width / (size * 0.55)), 8))
    if len(wrapped) > most:
        wrapped = [*wrapped[:most - 1], textwrap.shorten(" ".join(wrapped[most - 1:]),
                                                         int(width / (size * 0.55)),
                                                         placeholder="…")]
    return wrapped


def card_svg(instance: Instance, roles: Roles | None, verdict: str, credit: str,
             note: str = "") -> str:
    """The card as a self-contained SVG document (`chamber.png` makes the PNG)."""
    parts: list[str] = []
    y = 64.0

    def block(text: str, size: int, most: int, colour: str = "#1f1f1f",
              weight: str = "normal", gap: float = 14) -> None:
        nonlocal y
        for line in _lines(text, size, _COLUMN, most):
            y += size * 1.25
            parts.append(f'<text x="{_LEFT}" y="{y:.0f}" font-size="{size}" '
                         f'font-weight="{weight}" fill="{colour}">{escape(line)}</text>')
        y += gap

    block(instance.name, 38, 3, weight="bold")
    when = instance.date.strftime("%-d %B %Y") if instance.date else ""
    block(" · ".join(x for x in (when, f"{instance.total_seats:,} seats, "
                                 f"{instance.quota:,} for a majority") if x), 20, 2,
          colour="#4d4d4d", gap=24)
    block(verdict, 24, 3, weight="bold")
    shown = government_sentence(instance, roles) if roles else "The chamber as elected."
    block(shown, 22, 4)
    if note:
        block(note, 20, 3, colour="#a11d15")
    sources = "Sources: " + "; ".join(instance.sources) if instance.sources else ""
    bottom = [*(_lines(sources, 16, _COLUMN, 3) if sources else []),
              *_lines(credit, 16, _COLUMN, 2)]
    footer = [f'<text x="{_LEFT}" y="{HEIGHT - 36 - 22 * (len(bottom) - 1 - i):.0f}" '
              f'font-size="16" fill="#4d4d4d">{escape(line)}</text>'
              for i, line in enumerate(bottom)]
    chamber = hemicycle_svg(instance, roles, placed=(590, 40, 580, 595))
    title = escape(f"{instance.name}. {verdict} {shown}")
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}" '
        f'font-family="{_FONT}">', f"<title>{title}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<rect width="{WIDTH}" height="8" fill="#1f1f1f"/>',
        *parts, *footer, chamber, "</svg>", ""])
