r"""Batched dense linear algebra for many tiny systems at once.

Enumeration solvers solve millions of small square systems :math:`M z = r` (one per game and
per support or label set). ``numpy.linalg.solve`` stops the whole stack at the first singular
matrix and pays a LAPACK call per matrix; here Gaussian elimination with partial pivoting runs
as a loop over the *columns* (at most a dozen) with every step vectorised over the stack, and a
system whose pivot falls below ``pivot_tol`` times the largest entry of its matrix is reported
singular instead of raising.

Examples
--------
>>> import numpy as np
>>> M = np.array([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [2.0, 4.0]]])
>>> z, ok = solve_batched(M, np.ones((2, 2)))
>>> ok.tolist()
[True, False]
>>> np.allclose(M[0] @ z[0], 1.0)
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["solve_batched"]


def solve_batched(
    M: np.ndarray, rhs: np.ndarray, *, pivot_tol: float = 1e-11
) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``M[..., :, :] z = rhs[..., :]`` for a stack of square systems.

    Parameters
    ----------
    M : ndarray, shape (..., k, k)
    rhs : ndarray, shape (..., k)
    pivot_tol : float
        A system is declared singular when a pivot is smaller in absolute value than
        ``pivot_tol`` times the largest absolute entry of its matrix.

    Returns
    -------
    z : ndarray, shape (..., k)
        The solutions; rows of singular systems hold unspecified finite values.
    ok : ndarray of bool, shape (...)
        False where the system was found singular.
    """
    M = np.asarray(M, dtype=float)
    rhs = np.asarray(rhs, dtype=float)
    k = M.shape[-1]
    lead = M.shape[:-2]
    count = int(np.prod(lead, dtype=np.int64))
    aug = np.empty((count, k, k + 1))
    aug[:, :, :k] = M.reshape(count, k, k)
    aug[:, :, k] = np.broadcast_to(rhs, (*lead, k)).reshape(count, k)
    ok = np.ones(count, dtype=bool)
    if k == 0:
        return np.zeros((*lead, 0)), ok.reshape(lead)
    threshold = pivot_tol * np.abs(aug[:, :, :k]).max(axis=(1, 2))
    rows = np.arange(count)
    for c in range(k):
        # Partial pivoting: bring the largest remaining entry of column c to row c.
        p = c + np.argmax(np.abs(aug[:, c:, c]), axis=1)
        swap = p != c
        if swap.any():
            idx = rows[swap]
            pc = p[swap]
            row_c = aug[idx, c].copy()
            aug[idx, c] = aug[idx, pc]
            aug[idx, pc] = row_c
        pivot = aug[:, c, c]
        good = np.abs(pivot) > threshold
        ok &= good
        safe = np.where(good, pivot, 1.0)
        aug[:, c, c:] /= safe[:, None]
        if c + 1 < k:
            factor = aug[:, c + 1 :, c : c + 1]  # (count, k-c-1, 1)
            aug[:, c + 1 :, c:] -= factor * aug[:, c : c + 1, c:]
    # Back substitution on the unit upper-triangular system.
    z = np.empty((count, k))
    for c in range(k - 1, -1, -1):
        z[:, c] = aug[:, c, k] - np.einsum("ij,ij->i", aug[:, c, c + 1 : k], z[:, c + 1 :])
    z[~ok] = 0.0
    return z.reshape(*lead, k), ok.reshape(lead)
