"""The formation model fitted on the record, and checked on formations the fit did not see
(`allocator fit`).

Each formation (an instance file with a recorded cabinet; `parlgov` writes them) is a choice:
among its distinct feasible cabinets (`likely.cabinets`), one formed. The conditional logit of
`likely.attributes` is fitted by Newton's method (`logit`). A formation with more cabinets
than `SAMPLE` enters the fit with the cabinet that formed and a sample of the others, the same
every run: with a uniform sample of the alternatives the conditional logit's estimates stay
consistent (McFadden 1978); predictions always use every cabinet.

Validation: leave one country out (each country predicted by a model fitted on all the others)
and fit up to 2004, predict from 2005 on. For each predicted formation: the rank of the cabinet
that formed among its cabinets by probability (ties counted against the model), its
log-probability, and every cabinet's probability for the calibration table. Beside the model,
the classic rules on the same formations (`RULES`), each an ordering of cabinets.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import UsageError
from ..instance.loader import instance_files, load
from ..instance.transform import resolve
from ..likely.attributes import MARTIN_STEVENSON, NAMES, Chamber, attributes
from ..likely.cabinets import feasible
from ..likely.model import FormationModel, Term
from ..render.text import aligned
from .logit import ChoiceSets, LogitFit, fit

#: a formation with more cabinets than this enters the fit with a sample of them
SAMPLE = 20_000
#: the year the temporal check splits at: fitted before it, predicted from it on
SPLIT = 2005
Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class Formation:
    """One formation's choice set: every feasible cabinet's attributes (all of `NAMES`, in SPEC
    order of the cabinets), and the row of the cabinet that formed."""

    name: str
    country: str
    year: int
    x: Matrix
    chosen: int

    def sample(self, limit: int = SAMPLE) -> Formation:
        """The cabinet that formed and a fixed sample of the others (all, if few)."""
        if len(self.x) <= limit:
            return self
        rng = np.random.default_rng(_seed(self.name))
        others = np.delete(np.arange(len(self.x)), self.chosen)
        kept = np.sort(rng.choice(others, size=limit - 1, replace=False))
        rows = np.concatenate([[self.chosen], kept])
        return Formation(self.name, self.country, self.year, self.x[rows], 0)


def _seed(name: str) -> int:
    """A seed of the formation's name alone (the same every run and on every machine)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(name)) % 2**32


def country_of(name: str) -> str:
    """A formation's country: its name up to the first `-` (ParlGov's `deu-2017-09-24`)."""
    return name.split("-", 1)[0].upper()


def year_of(name: str, date: datetime.date | None) -> int:
    """The election's year, from the name (`deu-2017-09-24`) or else the instance's date."""
    found = re.search(r"(\d{4})-\d{2}-\d{2}", name)
    if found:
        return int(found.group(1))
    return date.year if date is not None else 0


def formations(paths: Sequence[str], said: Callable[[str], None] = lambda _: None
               ) -> Iterator[Formation]:
    """The choice set of every instance file (folders: every file in them) that records the
    cabinet that formed and has it among its feasible cabinets; what is left out is said."""
    for path in instance_files(paths):
        instance = load(path)
        outcome = instance.outcome
        if outcome is None or not outcome.cabinet:
            said(f"{path.stem}: no recorded cabinet, left out")
            continue
        problem = resolve(instance, None)
        members = feasible(problem)
        formed = np.isin(np.array(problem.party_ids), list(outcome.cabinet))
        rows = np.flatnonzero((members == formed[None, :]).all(axis=1))
        if not len(members):
            said(f"{path.stem}: no cabinet is feasible (a deadlock), left out")
            continue
        if not len(rows):
            said(f"{path.stem}: the recorded cabinet is not among its {len(members):,} feasible "
                 "cabinets, left out")
            continue
        yield Formation(path.stem, country_of(path.stem), year_of(path.stem, instance.date),
                        attributes(Chamber.of(problem), members).astype(np.float32),
                        int(rows[0]))


def columns(names: Sequence[str]) -> list[int]:
    return [NAMES.index(n) for n in names]


def fitted(sample: Sequence[Formation], names: Sequence[str]) -> LogitFit:
    """The conditional logit of the named attributes over these formations."""
    keep = columns(names)
    return fit(ChoiceSets.of([(f.x[:, keep], f.chosen) for f in sample]))


def model_of(sample: Sequence[Formation], names: Sequence[str], data: str
             ) -> FormationModel:
    """The model fitted on these formations, as a model file holds it."""
    found = fitted(sample, names)
    return FormationModel(
        terms=[Term(name=n, coefficient=round(float(b), 6), error=round(float(e), 6))
               for n, b, e in zip(names, found.coefficients, found.errors, strict=True)],
        data=data, fit={"formations": len(sample), "cabinets": sum(len(f.x) for f in sample),
                        "log_likelihood": round(found.log_likelihood, 6),
                        "gradient_norm": float(f"{found.gradient_norm:.3g}"),
                        "iterations": found.iterations})


# --- validation -------------------------------------------------------------------------------


@dataclass
class Scores:
    """How one predictor did over some formations: hits in the top 1, 3 and 5, the sum of the
    log-probabilities (the model's), and the calibration bins (predicted, chosen, count)."""

    formations: int = 0
    top: dict[int, int] = field(default_factory=lambda: {1: 0, 3: 0, 5: 0})
    log_likelihood: float = 0.0
    bins: Matrix = field(default_factory=lambda: np.zeros((10, 3)))

    def add(self, rank: int, log_p: float | None = None,
            probabilities: Matrix | None = None, chosen: int = 0) -> None:
        self.formations += 1
        for k in self.top:
            self.top[k] += rank < k
        if log_p is not None:
            self.log_likelihood += log_p
        if probabilities is not None:
            which = np.minimum((probabilities * 10).astype(np.intp), 9)
            np.add.at(self.bins[:, 0], which, probabilities)
            np.add.at(self.bins[:, 2], which, 1)
            self.bins[which[chosen], 1] += 1

    def rates(self) -> dict[str, float]:
        n = max(self.formations, 1)
        return {f"top{k}": hits / n for k, hits in self.top.items()} | {
            "log_likelihood": self.log_likelihood / n, "formations": self.formations}


def model_rank(p: Matrix, chosen: int) -> int:
    """The rank of the chosen cabinet by probability; ties are counted against the model."""
    return int((p > p[chosen]).sum() + (p == p[chosen]).sum() - 1)


def rule_rank(order: Iterable[int], chosen: int) -> int:
    """The position of the chosen cabinet in a rule's order (past the end when it is not in it)."""
    listed = list(order)
    return listed.index(chosen) if chosen in listed else 10**9


def _by(x: Matrix, candidates: NDArray[np.bool_], *keys: Matrix) -> list[int]:
    """The candidate rows, ordered by the keys (the first key first), then in SPEC order."""
    rows = np.flatnonzero(candidates)
    order = np.lexsort((rows, *(k[rows] for k in reversed(keys))))  # the last key leads
    return [int(r) for r in rows[order]]


def largest_minimal_winning(f: Formation) -> list[int]:
    """Minimal winning cabinets holding the largest party: fewest parties, then fewest seats."""
    x = f.x
    a = NAMES.index
    return _by(x, (x[:, a("minimal_winning")] > 0) & (x[:, a("largest")] > 0),
               x[:, a("parties")], x[:, a("seat_share")])


def incumbent_again(f: Formation) -> list[int]:
    """The outgoing cabinet, where it still reaches the quota."""
    x = f.x
    a = NAMES.index
    return _by(x, (x[:, a("incumbent")] > 0) & (x[:, a("minority")] == 0))


def minimal_range(f: Formation) -> list[int]:
    """Minimal winning cabinets by ideological range, then fewest parties, then fewest seats."""
    x = f.x
    a = NAMES.index
    return _by(x, x[:, a("minimal_winning")] > 0, x[:, a("range")], x[:, a("parties")],
               x[:, a("seat_share")])


#: the models validated: the one fitted, and Martin & Stevenson's attributes alone
MODELS = ("the formation model", "Martin & Stevenson's attributes")
RULES: dict[str, Callable[[Formation], list[int]]] = {
    "largest party's minimal winning cabinet": largest_minimal_winning,
    "the outgoing cabinet again, where it still wins": incumbent_again,
    "minimal range": minimal_range,
}


def validate(everything: Sequence[Formation], names: Sequence[str],
             said: Callable[[str], None] = lambda _: None) -> dict[str, dict[str, Scores]]:
    """Leave one country out, and fit up to SPLIT - 1, predict from SPLIT on: the model with
    `names`, Martin & Stevenson's attributes alone, and the classic rules."""
    sample = [f.sample() for f in everything]
    models = dict(zip(MODELS, (names, MARTIN_STEVENSON), strict=True))
    schemes: dict[str, dict[str, Scores]] = {}
    for scheme, group in (("leave one country out", _country),
                          (f"fit before {SPLIT}, predict from {SPLIT}", _after_split)):
        scores = {label: Scores() for label in [*models, *RULES]}
        groups: dict[str, list[int]] = {}
        for i, f in enumerate(everything):
            if group(f):
                groups.setdefault(group(f), []).append(i)
        for key, predicted in groups.items():
            said(f"{scheme}: {key}")
            train = [s for s, f in zip(sample, everything, strict=True) if group(f) != key]
            betas = {label: fitted(train, chosen_names).coefficients
                     for label, chosen_names in models.items()}
            for i in predicted:
                _score(everything[i], models, betas, scores)
        schemes[scheme] = scores
    return schemes


def _country(f: Formation) -> str:
    """Leave one country out: a formation is predicted with its country's."""
    return f.country


def _after_split(f: Formation) -> str:
    """The temporal check: the formations from SPLIT on are predicted together (the others,
    "", are only fitted on)."""
    return "from " + str(SPLIT) if f.year >= SPLIT else ""


def _score(f: Formation, models: dict[str, Sequence[str]], betas: dict[str, Matrix],
           scores: dict[str, Scores]) -> None:
    for label, names in models.items():
        utility = f.x[:, columns(names)] @ betas[label]
        weight = np.exp(utility - utility.max())
        p = weight / weight.sum()
        scores[label].add(model_rank(p, f.chosen), float(np.log(p[f.chosen])), p, f.chosen)
    for label, rule in RULES.items():
        scores[label].add(rule_rank(rule(f), f.chosen))


#: what `predicted` scores a model file as
GIVEN = "the formation model"


def predicted(everything: Sequence[Formation], model: FormationModel
              ) -> tuple[dict[str, Scores], list[list[object]]]:
    """A fitted model on formations it may not have seen, beside the classic rules: the scores,
    and a row per formation (its cabinets, the recorded cabinet's probability and its rank by
    the model and by each rule, 1 first; "-" where a rule does not list it)."""
    names: dict[str, Sequence[str]] = {GIVEN: model.names}
    betas = {GIVEN: model.beta}
    scores = {label: Scores() for label in [GIVEN, *RULES]}
    rows: list[list[object]] = []
    for f in everything:
        _score(f, names, betas, scores)
        utility = f.x[:, columns(model.names)] @ model.beta
        weight = np.exp(utility - utility.max())
        p = weight / weight.sum()
        ranks = [rule_rank(rule(f), f.chosen) for rule in RULES.values()]
        rows.append([f.name, f"{len(f.x):,}", f"{100 * p[f.chosen]:.1f}%",
                     model_rank(p, f.chosen) + 1,
                     *(r + 1 if r < 10**9 else "-" for r in ranks)])
    return scores, rows


def predicted_lines(scores: dict[str, Scores], rows: list[list[object]]) -> list[str]:
    """The formations one by one, then the hit rates (`validation_lines`)."""
    headers: list[object] = ["formation", "cabinets", "P(recorded)", "model rank",
               *(f"rule {i}" for i in range(1, len(RULES) + 1))]
    return [*aligned(headers, rows, figures=True), "",
            *(f"rule {i}: {label}" for i, label in enumerate(RULES, 1)),
            *validation_lines({"the recorded cabinets": scores})]


def read(paths: Sequence[str], said: Callable[[str], None]) -> list[Formation]:
    found = list(formations(paths, said))
    if len(found) < 2:
        raise UsageError("fit: fewer than two formations with a recorded cabinet in "
                         + ", ".join(paths))
    return found


def data_of(paths: Sequence[str]) -> str:
    """What the model was fitted on, in words."""
    return "instance files: " + ", ".join(Path(p).name for p in paths)


def fit_lines(model: FormationModel) -> list[str]:
    """The fitted model for people: each attribute's coefficient and standard error."""
    figures = model.fit
    rows: list[list[object]] = [[t.name, f"{t.coefficient:+.3f}",
                                 "" if t.error is None else f"{t.error:.3f}"]
                                for t in model.terms]
    return [f"Conditional logit over {figures['formations']:,} formations "
            f"({figures['cabinets']:,} cabinets in the fit): log-likelihood "
            f"{figures['log_likelihood']:.2f}, gradient norm {figures['gradient_norm']:.1e} "
            f"after {figures['iterations']} Newton steps.",
            *aligned(["attribute", "coefficient", "std. error"], rows, figures=True)]


def validation_lines(results: dict[str, dict[str, Scores]]) -> list[str]:
    """Each scheme's table: the model and the rules, hits in the top 1, 3 and 5 and the mean
    log-likelihood per formation; then the model's calibration."""
    lines: list[str] = []
    for scheme, scores in results.items():
        n = next(iter(scores.values())).formations
        rows: list[list[object]] = []
        for label, score in scores.items():
            r = score.rates()
            rows.append([label, *(f"{100 * r[f'top{k}']:.1f}%" for k in (1, 3, 5)),
                         f"{r['log_likelihood']:.3f}" if label in MODELS else "-"])
        lines += ["", f"{scheme} ({n:,} formations predicted):",
                  *aligned(["predictor", "top 1", "top 3", "top 5", "log-lik./formation"],
                           rows, figures=True)]
        model = scores["the formation model"]
        calibration: list[list[object]] = [
            [f"{i / 10:.1f}-{(i + 1) / 10:.1f}", f"{int(c):,}",
             f"{p / c:.4f}" if c else "-", f"{chosen / c:.4f}" if c else "-"]
            for i, (p, chosen, c) in enumerate(model.bins)]
        lines += ["", "  the model's calibration: cabinets by predicted probability",
                  *("  " + line for line in aligned(
                      ["predicted", "cabinets", "mean predicted", "share formed"],
                      calibration, figures=True))]
    return lines


def validation_figures(results: dict[str, dict[str, Scores]]) -> dict[str, Any]:
    """The validation as a model file keeps it."""
    return {scheme: {label: {k: round(v, 4) if isinstance(v, float) else v
                             for k, v in score.rates().items()}
                     for label, score in scores.items()}
            for scheme, scores in results.items()}
