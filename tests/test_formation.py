"""The conditional logit (`record.logit`): its likelihood, gradient and Hessian against finite
differences, and the fit against statsmodels' `ConditionalLogit` at the true maximum."""

from __future__ import annotations

import math

import numpy as np
import pytest

from allocator.record.logit import ChoiceSets, fit, gradient, hessian, log_likelihood


def simulated(groups: int, size: int, beta: list[float], seed: int) -> tuple[ChoiceSets, ...]:
    """Formations of `size` alternatives with normal attributes, each choosing the one of
    highest utility under `beta` plus Gumbel noise (the logit's own model)."""
    rng = np.random.default_rng(seed)
    formations = []
    for _ in range(groups):
        x = rng.normal(size=(size, len(beta)))
        utility = x @ np.array(beta) + rng.gumbel(size=size)
        formations.append((x.tolist(), int(np.argmax(utility))))
    return (ChoiceSets.of(formations),)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_gradient_and_hessian_are_the_likelihoods_derivatives(seed):
    (sets,) = simulated(30, 5, [1.0, -0.5, 0.2], seed)
    beta = np.array([0.3, 0.1, -0.4])
    step = 1e-6
    numeric = np.array([(log_likelihood(beta + step * e, sets)
                         - log_likelihood(beta - step * e, sets)) / (2 * step)
                        for e in np.eye(3)])
    assert np.allclose(gradient(beta, sets), numeric, atol=1e-5)
    second = np.array([(gradient(beta + step * e, sets) - gradient(beta - step * e, sets))
                       / (2 * step) for e in np.eye(3)])
    assert np.allclose(hessian(beta, sets), second, atol=1e-4)


def test_the_fit_reaches_the_maximum_and_is_statsmodels_conditional_logit():
    """On choice sets small enough for statsmodels' own ConditionalLogit: the same β,
    standard errors and log-likelihood; the gradient vanishes at ours."""
    from statsmodels.discrete.conditional_models import ConditionalLogit

    (sets,) = simulated(60, 6, [1.0, -0.5], 3)
    ours = fit(sets)
    assert ours.converged and ours.gradient_norm < 1e-6
    groups = np.repeat(np.arange(sets.groups), np.diff(sets.starts))
    chosen = np.zeros(len(groups), dtype=int)
    chosen[sets.chosen] = 1
    theirs = ConditionalLogit(chosen, sets.x, groups=groups).fit(disp=0, gtol=1e-10)
    assert np.allclose(ours.coefficients, theirs.params, atol=1e-5)
    assert np.allclose(ours.errors, theirs.bse, rtol=1e-3)
    assert math.isclose(ours.log_likelihood, theirs.llf, rel_tol=1e-8)


def test_probabilities_sum_to_one_in_every_formation():
    (sets,) = simulated(20, 7, [0.5, 2.0], 5)
    p = sets.probabilities(np.array([0.7, -1.2]))
    assert np.allclose(np.add.reduceat(p, sets.starts[:-1]), 1.0)
