"""Non-negative least squares for the performance model's few columns, in relative error."""

from __future__ import annotations

import itertools

import numpy as np


def weighted_nnls(columns: np.ndarray, target: np.ndarray, relative_to: np.ndarray | None = None) -> np.ndarray:
    """min Σ ((columns · β − y) / w)², β ≥ 0, w = `relative_to` or y: relative error, so short and long
    shapes weigh alike."""
    weights = 1.0 / (target if relative_to is None else relative_to)
    scale = np.abs(columns).max(axis=0)
    scale[scale == 0] = 1.0
    beta = nnls_small(columns * weights[:, None] / scale, target * weights)
    return beta / scale


def nnls_small(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Non-negative least squares, min ‖a·β − y‖², β ≥ 0, exactly, for a few columns (here at most 4).

    The optimum is the unconstrained least-squares solution on its own support, so trying every support
    (2^k − 1 subsets) and keeping the best non-negative solution finds it. Written with numpy rather than
    scipy.optimize.nnls because importing scipy.optimize costs ~0.6 s of the app's first page
    (bench/app.py);
    tests/tco/capacity/test_capacity_model.py checks it against scipy's nnls on random problems.

    >>> nnls_small(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([2.0, -1.0]))
    array([2., 0.])
    """
    k = a.shape[1]
    best, best_residual = np.zeros(k), float(np.sum(y**2))
    for size in range(1, k + 1):
        for support in itertools.combinations(range(k), size):
            cols = list(support)
            coef, *_ = np.linalg.lstsq(a[:, cols], y, rcond=None)
            if np.any(coef < 0):
                continue
            residual = float(np.sum((a[:, cols] @ coef - y) ** 2))
            if residual < best_residual - 1e-12 * max(best_residual, 1.0):
                best = np.zeros(k)
                best[cols] = coef
                best_residual = residual
    return best
