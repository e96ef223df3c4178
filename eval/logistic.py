"""Weighted logistic regression with an L2 penalty and sign bounds, fitted by L-BFGS-B on
standardised features: the fitting shared by the decision and the selection models."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def fit_logistic(matrix: np.ndarray, labels: np.ndarray, weights: np.ndarray, strength: float,
                 signs: Sequence[int]) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(intercept, weights, means, scales) minimising the weighted log loss plus
    ``strength`` times half the squared weights; ``signs`` holds, per feature, +1 (weight at
    least 0), -1 (at most 0) or 0 (free)."""
    from scipy.optimize import minimize

    means, scales = matrix.mean(axis=0), matrix.std(axis=0)
    scales[scales == 0] = 1.0
    standard = (matrix - means) / scales
    total_weight = weights.sum()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        scores = standard @ theta[1:] + theta[0]
        probability = 1 / (1 + np.exp(-np.clip(scores, -50, 50)))
        eps = 1e-9
        value = -np.sum(weights * (labels * np.log(probability + eps) +
                                   (1 - labels) * np.log(1 - probability + eps))) / total_weight
        error = weights * (probability - labels) / total_weight
        gradient = np.concatenate([[error.sum()], standard.T @ error])
        gradient[1:] += strength * theta[1:]
        return value + strength * theta[1:] @ theta[1:] / 2, gradient

    bounds = [(None, None)] + [(0, None) if s > 0 else (None, 0) if s < 0 else (None, None)
                               for s in signs]
    found = minimize(loss, np.zeros(matrix.shape[1] + 1), jac=True, method="L-BFGS-B",
                     bounds=bounds)
    return float(found.x[0]), found.x[1:], means, scales


def fit_conditional_logit(groups: Sequence[tuple[np.ndarray, np.ndarray]],
                          weights: Sequence[float], strength: float, signs: Sequence[int]
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights, means, scales) of a listwise model: within each group (features, 0/1
    labels) the softmax of the scores should put its mass on the labelled rows; each group
    weighs ``weights``, plus ``strength`` times half the squared weights; ``signs`` as in
    fit_logistic. Groups without a labelled row are left out."""
    from scipy.optimize import minimize

    kept = [(rows, labels, w) for (rows, labels), w in zip(groups, weights, strict=True)
            if labels.any()]
    matrix = np.vstack([rows for rows, _, _ in kept])
    means, scales = matrix.mean(axis=0), matrix.std(axis=0)
    scales[scales == 0] = 1.0
    data = [((rows - means) / scales, labels, w) for rows, labels, w in kept]
    total_weight = sum(w for _, _, w in data)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = 0.0, np.zeros_like(theta)
        for rows, labels, weight in data:
            scores = rows @ theta
            exp = np.exp(scores - scores.max())
            on_gold = exp * labels
            value -= weight * (np.log(on_gold.sum()) - np.log(exp.sum()))
            gradient -= weight * (on_gold / on_gold.sum() - exp / exp.sum()) @ rows
        return (value / total_weight + strength * theta @ theta / 2,
                gradient / total_weight + strength * theta)

    bounds = [(0, None) if s > 0 else (None, 0) if s < 0 else (None, None) for s in signs]
    found = minimize(loss, np.zeros(matrix.shape[1]), jac=True, method="L-BFGS-B",
                     bounds=bounds)
    return found.x, means, scales
