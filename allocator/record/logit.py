"""McFadden's conditional logit, fitted by Newton's method to the maximum of its likelihood.

A formation is a choice among its alternatives (its distinct feasible cabinets), each described
by attributes x; the one that formed was chosen. The model: P(alternative j of formation g) =
exp(x_j·β) / Σ_{i in g} exp(x_i·β). The log-likelihood is concave in β, so Newton's method
with a step-halving line search climbs to its maximum; the fit stops when the gradient's norm
is below `TOLERANCE` (exact gradient and Hessian, computed per formation with a log-sum-exp
that never overflows), and the standard errors come from the inverse of the negative Hessian at
the maximum. statsmodels' `ConditionalLogit` gives the same numbers on small sets
(tests/test_formation.py); it is not needed here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Vector = NDArray[np.float64]
#: the fit has converged when the gradient's norm is below this
TOLERANCE = 1e-9
MAX_ITERATIONS = 200


@dataclass(frozen=True)
class ChoiceSets:
    """Alternatives grouped by formation: `x` one row of attributes per alternative, formation
    by formation (`starts[g]` is the first row of formation g, `starts[-1]` the row count), and
    `chosen[g]` the row of the alternative formation g chose."""

    x: Vector
    starts: NDArray[np.int64]
    chosen: NDArray[np.int64]

    @classmethod
    def of(cls, formations: Sequence[tuple[ArrayLike, int]]) -> ChoiceSets:
        """From (the attributes of each alternative, one row each; the index of the chosen
        one) per formation."""
        blocks = [np.atleast_2d(np.asarray(x, dtype=np.float64)) for x, _ in formations]
        sizes = [len(block) for block in blocks]
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        chosen = np.array([starts[g] + c for g, (_, c) in enumerate(formations)],
                          dtype=np.int64)
        return cls(np.vstack(blocks), starts, chosen)

    @property
    def groups(self) -> int:
        return len(self.chosen)

    def probabilities(self, beta: Vector) -> Vector:
        """Each alternative's probability under β, within its formation."""
        utility = self.x @ beta
        sizes = np.diff(self.starts)
        top = np.repeat(np.maximum.reduceat(utility, self.starts[:-1]), sizes)
        weight = np.exp(utility - top)
        shares: Vector = weight / np.repeat(np.add.reduceat(weight, self.starts[:-1]), sizes)
        return shares


def log_likelihood(beta: Vector, sets: ChoiceSets) -> float:
    """Σ over formations of log P(the chosen alternative)."""
    utility = sets.x @ beta
    starts = sets.starts[:-1]
    top = np.maximum.reduceat(utility, starts)
    spread = np.repeat(top, np.diff(sets.starts))
    total = np.log(np.add.reduceat(np.exp(utility - spread), starts)) + top
    return float(utility[sets.chosen].sum() - total.sum())


def gradient(beta: Vector, sets: ChoiceSets) -> Vector:
    """∂ log-likelihood / ∂β: the chosen alternatives' attributes less their expectation."""
    p = sets.probabilities(beta)
    expected = np.add.reduceat(p[:, None] * sets.x, sets.starts[:-1])
    return np.asarray(sets.x[sets.chosen].sum(axis=0) - expected.sum(axis=0), dtype=np.float64)


def hessian(beta: Vector, sets: ChoiceSets) -> Vector:
    """∂² log-likelihood / ∂β²: minus the attributes' covariance within each formation."""
    p = sets.probabilities(beta)
    mean = np.repeat(np.add.reduceat(p[:, None] * sets.x, sets.starts[:-1]),
                     np.diff(sets.starts), axis=0)
    centred = sets.x - mean
    return np.asarray(-(centred * p[:, None]).T @ centred, dtype=np.float64)


@dataclass(frozen=True)
class LogitFit:
    """A fitted conditional logit: β, their standard errors and p-values (normal), the
    log-likelihood at β and the norm of its gradient there, and Newton's iterations."""

    coefficients: Vector
    errors: Vector
    p_values: Vector
    log_likelihood: float
    gradient_norm: float
    iterations: int
    converged: bool


def fit(sets: ChoiceSets, start: Vector | None = None, tolerance: float = TOLERANCE,
        max_iterations: int = MAX_ITERATIONS) -> LogitFit:
    """The maximum-likelihood β (see the module docstring)."""
    k = sets.x.shape[1]
    beta = np.zeros(k) if start is None else np.array(start, dtype=np.float64)
    value = log_likelihood(beta, sets)
    iterations = 0
    g = gradient(beta, sets)
    while float(np.linalg.norm(g)) > tolerance and iterations < max_iterations:
        iterations += 1
        h = hessian(beta, sets)
        step = np.linalg.lstsq(-h, g, rcond=None)[0]
        size = 1.0
        while size > 1e-12:  # halve the step until it climbs (the likelihood is concave)
            trial = beta + size * step
            trial_value = log_likelihood(trial, sets)
            if trial_value >= value - 1e-12:
                break
            size /= 2
        if size <= 1e-12:
            break
        beta, value = trial, trial_value
        g = gradient(beta, sets)
    norm = float(np.linalg.norm(g))
    covariance = np.linalg.pinv(-hessian(beta, sets))
    errors = np.sqrt(np.clip(np.diag(covariance), 0, None))
    p_values = np.array([math.erfc(abs(b / e) / math.sqrt(2)) if e > 0 else math.nan
                         for b, e in zip(beta, errors, strict=True)])
    return LogitFit(beta, errors, p_values, value, norm, iterations, norm <= tolerance)
