"""The parties' colours on a picture or a page, and what makes them readable.

* Each party's **colour** is its own (`colour` in the file), else the next of a colour-blind-safe
  palette (Paul Tol's) in instance order.
* Each colour's **ink** is the colour itself where it stands out from the white background by
  3:1 (WCAG's contrast ratio for graphics), else the same hue darkened until it does: a seat, a
  swatch or a bar segment is outlined in its ink, so that a light colour (a yellow, a pale
  green) is still seen.
* **Clashes**: two parties whose colours are hard to tell apart, for everyone or for readers
  with the common red-green colour blindness (deuteranopia, protanopia: about one man in twelve),
  measured by CIEDE2000 on the colours as simulated by `coloraide` (Machado et al. 2009). Of a
  clashing pair the smaller party is drawn in the colour of the safe palette that clashes
  with no other and is nearest its own, and the page says so. Only parties that a reader
  compares need telling apart:
  pairs where both hold at least `NOTICED` of the chamber.

The colour arithmetic is `coloraide`'s (a well-kept library: contrast, colour difference and
colour-vision-deficiency filters), not ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from coloraide import Color

from ..instance.schema import Instance

#: colour-blind-safe qualitative colours (Paul Tol's "bright" then "muted" schemes), given to
#: parties without a `colour` in instance order, and to a party whose colour clashes
PALETTE = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#332288",
           "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
           "#AA4499", "#BBBBBB")
UNLISTED = "#DDDDDD"
BACKGROUND = "#ffffff"
#: the contrast a mark needs against the background (WCAG 2.1, non-text contrast)
CONTRAST = 3.0
#: colours closer than this (CIEDE2000) are hard to tell apart
CLOSE = 10.0
#: the share of the chamber from which a party is compared with the others
NOTICED = 0.02
#: how the colours are seen: as they are, and under the common colour-vision deficiencies
VISIONS = {"": None, "deuteranopia": "deutan", "protanopia": "protan"}


@dataclass(frozen=True)
class Clash:
    """Two parties' colours that readers may not tell apart, and how the page draws them."""

    larger: str
    smaller: str
    vision: str  # "" (everyone) or the colour-vision deficiency under which they merge
    given: str  # the smaller party's own colour
    drawn: str  # the colour it is drawn in instead



def contrast(colour: str, background: str = BACKGROUND) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    return float(Color(colour).contrast(Color(background), method="wcag21"))


@cache
def ink(colour: str) -> str:
    """The colour, darkened (its OkLCh lightness lowered, its hue kept) until it stands out
    from the background by CONTRAST."""
    found = Color(colour).convert("oklch")
    while contrast(found.convert("srgb").to_string(hex=True)) < CONTRAST:
        found["lightness"] = found["lightness"] - 0.02
    return str(found.convert("srgb").fit().to_string(hex=True))


def _difference(a: str, b: str, vision: str | None) -> float:
    x, y = Color(a), Color(b)
    if vision:
        x, y = x.filter(vision), y.filter(vision)
    return float(x.delta_e(y, method="2000"))


def _clash(a: str, b: str) -> str | None:
    """The vision under which two colours merge ("" for everyone), or None."""
    for vision, simulated in VISIONS.items():
        if _difference(a, b, simulated) < CLOSE:
            return vision
    return None


@dataclass(frozen=True)
class Colours:
    """Each party's colour as drawn, its ink, and the clashes that were resolved."""

    fill: dict[str, str]
    ink: dict[str, str]
    clashes: tuple[Clash, ...]


def colours(instance: Instance) -> Colours:
    """The parties' colours: their own or the palette's, clashes resolved, each with its ink."""
    spare = iter(c for c in PALETTE * (len(instance.parties) // len(PALETTE) + 1)
                 if c not in {p.colour for p in instance.parties})
    fill = {p.id: p.colour or next(spare) for p in instance.parties}
    total = max(instance.total_seats, 1)
    noticed = sorted((p for p in instance.parties if p.seats / total >= NOTICED),
                     key=lambda p: -p.seats)
    clashes = _resolved([p.id for p in noticed], fill)
    return Colours(fill, {p: ink(c) for p, c in fill.items()} | {"": ink(UNLISTED)},
                   tuple(clashes))


def _resolved(noticed: Sequence[str], fill: dict[str, str]) -> list[Clash]:
    """Each party of `noticed` (largest first) whose colour clashes with a larger one's gets
    the nearest safe colour that clashes with none (`fill` is changed); the clashes."""
    clashes = []
    for i, smaller in enumerate(noticed):
        for larger in noticed[:i]:
            vision = _clash(fill[larger], fill[smaller])
            if vision is None:
                continue
            others = [fill[p] for p in noticed if p != smaller]
            nearest = sorted(PALETTE, key=lambda c: _difference(c, fill[smaller], None))
            drawn = next((c for c in nearest if all(_clash(c, o) is None for o in others)),
                         None)
            if drawn is not None:
                clashes.append(Clash(larger, smaller, vision, fill[smaller], drawn))
                fill[smaller] = drawn
            break
    return clashes


def clash_note(clashes: Sequence[Clash], names: dict[str, str]) -> str:
    """One sentence for a page on the colours changed, or "" if none was."""
    if not clashes:
        return ""
    said = [f"{names[c.smaller]} (like {names[c.larger]}"
            + (f" with {c.vision})" if c.vision else ")") for c in clashes]
    return ("Drawn in other colours, so that they can be told apart: " + ", ".join(said)
            + ".")
