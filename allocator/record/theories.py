"""How well the classic coalition theories predict the cabinets that formed
(`allocator theories`), over the choice sets of `dataset`.

For each theory, a formation is a **hit** when the cabinet that formed is in the set the theory
predicts; the **hit rate** is the share of formations that are hits, and the **rate by chance**
the mean share of each formation's potential governments that the theory predicts (what
picking a government at random would score). Per country (the formation's name up to its first
`-`: ParlGov imports are named `deu-2017-09-24`) and overall. A theory that needs positions
(median, minimal connected winning) counts only formations where every party has one.

Then a **conditional logit** of `formed` on the cabinets' attributes (McFadden; the model of
Martin & Stevenson 2001), fitted to its maximum by Newton's method (`logit`), one group per
formation. Its choice sets are the formation's distinct cabinets (a government's support
parties do not enter), and formations without positions for every party are left out.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from ..render.text import aligned
from .dataset import COLUMNS, Rows
from .logit import ChoiceSets, fit

Row = dict[str, str]


def _flag(column: str) -> Callable[[Row], bool | None]:
    """A theory that predicts the cabinets with this column set (None: the column is empty,
    the formation lacks what the theory needs)."""
    return lambda row: None if row[column] == "" else row[column] == "1"


def _coalition(row: Row) -> bool:
    """Minimal winning, of two parties or more (a single-party majority is no coalition)."""
    return row["minimal_winning"] == "1" and int(row["parties"]) >= 2


#: theory -> (what it predicts of a cabinet's row, whom it is due to)
THEORIES: dict[str, tuple[Callable[[Row], bool | None], str]] = {
    "minimal winning, single-party majorities included": (
        _flag("minimal_winning"), "Riker 1962; von Neumann & Morgenstern 1944"),
    "minimal winning coalition (two parties or more)": (
        _coalition, "the same, single-party majorities apart"),
    "minimum winning": (_flag("minimum_winning"), "Riker 1962"),
    "minimal connected winning": (_flag("minimal_connected_winning"), "Axelrod 1970"),
    "median party in cabinet": (_flag("median"), "Black 1958; Laver & Schofield 1990"),
    "largest party in cabinet": (_flag("largest"), "Laver & Schofield 1990"),
}
#: the attributes of the conditional logit (all of the cabinet)
ATTRIBUTES = ("minimal_winning", "minimum_winning", "minimal_connected_winning", "median",
              "largest", "range", "parties", "minority")


@dataclass
class Score:
    """A theory's record over some formations."""

    formations: int = 0
    hits: int = 0
    chance: float = 0.0  # the sum over formations of predicted / potential

    def add(self, hit: bool, share: float) -> None:
        self.formations += 1
        self.hits += hit
        self.chance += share

    def rates(self) -> tuple[float, float]:
        n = self.formations
        return (self.hits / n, self.chance / n) if n else (math.nan, math.nan)


@dataclass
class Record:
    """Everything `theories` reports: scores by theory and country, the formations counted,
    the minority cabinets among those formed, and the choice sets for the logit."""

    scores: dict[str, dict[str, Score]] = field(default_factory=dict)
    formations: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    minority: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    without_outcome: list[str] = field(default_factory=list)
    without_positions: int = 0
    choices: list[tuple[int, list[float], int]] = field(default_factory=list)
    groups: int = 0


def country_of(formation: str) -> str:
    return formation.split("-", 1)[0].upper()


def score(formations: Iterable[Rows]) -> Record:
    """Score every theory over these formations (each one's rows, from `dataset.build`), one
    pass over each formation's rows."""
    record = Record()
    for rows in formations:
        seen = _Formation()
        for text in rows.text():
            for row in csv.DictReader(io.StringIO(text), fieldnames=COLUMNS):
                seen.add(row)
        if seen.formed is None:
            record.without_outcome.append(rows.formation)
            continue
        seen.tally(record, rows.formation)
    return record


@dataclass
class _Formation:
    """What one formation's rows say: how many, how many each theory predicts, the row that
    formed, and each distinct cabinet's attributes."""

    predicted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    formed: dict[str, str] | None = None
    cabinets: dict[str, list[float]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """How many distinct cabinets (a cabinet counts once, whatever its support)."""
        return len(self.cabinets)

    def add(self, row: dict[str, str]) -> None:
        if row["formed"] == "1":
            self.formed = row
        if row["cabinet"] in self.cabinets:
            return
        for theory, (predicts, _) in THEORIES.items():
            self.predicted[theory] += predicts(row) is True
        self.cabinets[row["cabinet"]] = [
            float(row["form"] == "minority") if a == "minority" else float(row[a] or 0)
            for a in ATTRIBUTES]

    def tally(self, record: Record, name: str) -> None:
        formed = self.formed
        assert formed is not None
        country = country_of(name)
        record.formations[country] += 1
        record.minority[country] += formed["form"] == "minority"
        for theory, (predicts, _) in THEORIES.items():
            hit = predicts(formed)
            if hit is None:
                continue  # the theory needs positions this formation lacks
            for place in (country, "all"):
                record.scores.setdefault(theory, {}).setdefault(place, Score()).add(
                    hit, self.predicted[theory] / self.count)
        if formed["median"] == "":
            record.without_positions += 1
            return
        record.groups += 1
        for cabinet, values in self.cabinets.items():
            record.choices.append((record.groups, values, int(cabinet == formed["cabinet"])))


@dataclass(frozen=True)
class Fit:
    names: tuple[str, ...]
    coefficients: tuple[float, ...]
    errors: tuple[float, ...]
    p_values: tuple[float, ...]
    groups: int
    choices: int
    log_likelihood: float
    gradient_norm: float


def conditional_logit(record: Record) -> Fit | None:
    """The conditional logit of `formed` on the cabinets' attributes (`logit.fit`: Newton's
    method to the maximum), or None without enough formations. Attributes that never vary
    within a formation are left out (they cannot be estimated)."""
    if record.groups < 2:
        return None
    by_group: dict[int, list[tuple[list[float], int]]] = defaultdict(list)
    for group, values, chosen in record.choices:
        by_group[group].append((values, chosen))
    blocks = [(np.array([values for values, _ in rows]),
               next(i for i, (_, chosen) in enumerate(rows) if chosen))
              for rows in by_group.values()]
    varying = [j for j in range(len(ATTRIBUTES))
               if any(np.ptp(x[:, j]) > 0 for x, _ in blocks)]
    found = fit(ChoiceSets.of([(x[:, varying], chosen) for x, chosen in blocks]))
    return Fit(tuple(ATTRIBUTES[j] for j in varying),
               tuple(float(x) for x in found.coefficients),
               tuple(float(x) for x in found.errors), tuple(float(x) for x in found.p_values),
               record.groups, len(record.choices), found.log_likelihood, found.gradient_norm)


def theories_table(record: Record, fit: Fit | None) -> str:
    """For people: hit rates against chance by theory, per country and overall; minority
    cabinets; the logit."""
    countries = sorted(record.formations)
    total = sum(record.formations.values())
    minority = sum(record.minority.values())
    lines = [f"{total:,} formations with a recorded cabinet"
             + (f" ({len(record.without_outcome):,} without one left out)"
                if record.without_outcome else "") + ".",
             f"Minority cabinets among those formed: {minority:,} of {total:,} "
             f"({100 * minority / max(total, 1):.0f}%).",
             "A theory's rate by chance: the share of each formation's distinct feasible "
             "cabinets it predicts (a cabinet counts once, whatever its support)."]
    for theory, (_, source) in THEORIES.items():
        places = [c for c in countries if c in record.scores.get(theory, {})] + ["all"]
        rows: list[list[object]] = []
        for place in places:
            entry = record.scores.get(theory, {}).get(place)
            if entry is not None:
                hit, chance = entry.rates()
                rows.append([place, f"{entry.hits:,}", f"{entry.formations:,}",
                             f"{100 * hit:.1f}%", f"{100 * chance:.1f}%"])
        lines += ["", f"{theory} ({source}):",
                  *("  " + line for line in aligned(
                      ["place", "hits", "formations", "hit rate", "by chance"], rows,
                      figures=True))]
    lines += ["", "Minority cabinets by country: " + ", ".join(
        f"{c} {record.minority[c]}/{record.formations[c]}" for c in countries)]
    if fit is None:
        lines += ["", "Conditional logit: too few formations with positions for every party."]
        return "\n".join(lines) + "\n"
    lines += ["", f"Conditional logit of formed on the cabinet's attributes: {fit.groups:,} "
              f"formations, {fit.choices:,} cabinets, log-likelihood {fit.log_likelihood:.2f} "
              f"at its maximum (gradient norm {fit.gradient_norm:.1e}); "
              f"{record.without_positions:,} formations without positions for every party "
              "left out.",
              *("  " + line for line in aligned(
                  ["attribute", "coefficient", "std. error", "p"],
                  [[n, f"{b:+.3f}", f"{se:.3f}", f"{p:.3f}"] for n, b, se, p in zip(
                      fit.names, fit.coefficients, fit.errors, fit.p_values, strict=True)],
                  figures=True))]
    return "\n".join(lines) + "\n"
