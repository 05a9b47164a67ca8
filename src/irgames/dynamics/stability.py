r"""Rest points of the replicator dynamics of symmetric games, their stability, and
evolutionarily stable strategies.

**Rest points.** :math:`x` is a rest point of :math:`\dot x_i = x_i((Ax)_i - x^\top A x)` iff
every strategy in its support :math:`S` earns the same payoff: :math:`(A x)_i = c` for
:math:`i \in S`. For each support :math:`S` this is the linear system

.. math::

    A_{SS}\, x_S - c \mathbf 1 = 0, \qquad \mathbf 1^\top x_S = 1,

with a rest point in the relative interior of the face :math:`\Delta_S` iff its solution has
:math:`x_S > 0`. Where the system is singular the face may hold a continuum of rest points;
the game is flagged ``degenerate`` and that support is skipped (its vertices, being faces of
their own, are still found). The loop runs over the :math:`2^m - 1` supports; each step
solves the system for the whole batch.

**Stability.** The Jacobian of the field is

.. math::

    J_{ij} = \delta_{ij}\big((Ax)_i - x^\top A x\big)
        + x_i \big(A_{ij} - (Ax)_j - (A^\top x)_j\big);

it maps the tangent space :math:`\{z : \mathbf 1^\top z = 0\}` of the simplex into itself, and
its eigenvalues there (in the basis :math:`e_k - e_m`) decide: all real parts below
:math:`-\mathrm{tol} \cdot s` (asymptotically) ``"stable"``, one above :math:`\mathrm{tol}
\cdot s` ``"unstable"``, otherwise ``"non-hyperbolic"`` (linearisation does not decide),
:math:`s` the payoff unit (range of :math:`A`).

**Evolutionarily stable strategies** (Maynard Smith and Price 1973). :math:`x^*` is an ESS
iff it is a symmetric Nash equilibrium and :math:`x^{*\top} A y > y^\top A y` for every best
reply :math:`y \ne x^*` against :math:`x^*` (Haigh 1975). With :math:`T \supseteq S` the pure
best replies, and writing :math:`y - x^* = z`, this is

.. math::

    z^\top A z < 0 \quad \text{for all } z \ne 0 \text{ with } \mathbf 1^\top z = 0,\;
    z_j = 0 \;(j \notin T),\; z_j \ge 0 \;(j \in T \setminus S).

In coordinates :math:`u` (:math:`z = \sum_{k \in T, k \ne r} u_k (e_k - e_r)`, :math:`r` the
first strategy of :math:`S`), the form is :math:`u^\top M u` with :math:`M = P^\top \tfrac12
(A + A^\top) P`; :math:`u` splits into free coordinates :math:`f` (:math:`S \setminus r`) and
sign-constrained ones :math:`K = T \setminus S`. The condition holds iff :math:`M_{ff}` is
negative definite and the Schur complement :math:`C = M_{KK} - M_{Kf} M_{ff}^{-1} M_{fK}`
satisfies :math:`u^\top C u < 0` for :math:`u \ge 0, u \ne 0` (maximise over the free part
first), i.e. :math:`-C` is strictly copositive. Strict copositivity is decided exactly by
Kaplan's criterion (2000): a symmetric matrix is strictly copositive iff no principal
submatrix has an eigenvector :math:`v > 0` with eigenvalue :math:`\le 0`. Rows are grouped by
their pattern :math:`(S, T)` and each group is decided for all its games at once.

Examples
--------
Hawk-dove (:math:`V = 2, C = 3`): the mixed rest point :math:`(2/3, 1/3)` is the ESS and
stable; the two pure rest points are unstable.

>>> import numpy as np
>>> from irgames import dynamics
>>> A = np.array([[-0.5, 2.0], [0.0, 1.0]])
>>> rp = dynamics.rest_points(A)
>>> rp.points.round(6).tolist()
[[1.0, 0.0], [0.0, 1.0], [0.666667, 0.333333]]
>>> rp.stability.tolist(), rp.ess.tolist()
(['unstable', 'unstable', 'stable'], [False, False, True])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._memory import require
from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from ..games.regret import regret as _regret
from ..solvers.result import Result
from ._common import symmetric_matrix

__all__ = ["RestPoints", "evolutionarily_stable_strategies", "rest_points"]

#: The most strategies whose supports are enumerated (2^m - 1 of them).
MAX_STRATEGIES = 16


@dataclass(frozen=True, eq=False)
class RestPoints(Result):
    """Rest points of the replicator dynamics of a batch of symmetric games (ragged rows).

    Attributes
    ----------
    game_index : ndarray of int, shape (k,)
        Flat batch index of each row's game.
    points : ndarray, shape (k, m)
    support : ndarray of bool, shape (k, m)
    eigenvalues : ndarray of complex, shape (k, m - 1)
        Of the Jacobian on the tangent space of the simplex.
    stability : ndarray of str, shape (k,)
        ``"stable"``, ``"unstable"`` or ``"non-hyperbolic"``.
    regret : ndarray, shape (k,)
        The symmetric profile's regret over the payoff unit (computed by
        :func:`irgames.games.regret.regret`): 0 (within ``tol``) for Nash equilibria.
    ess : ndarray of bool, shape (k,)
        Evolutionarily stable.
    count : ndarray of int, shape batch_shape
    degenerate : ndarray of bool, shape batch_shape
        Some support's system was singular (continua of rest points may exist there).
    tol : float
    method : str
    options : dict
    """

    game_index: np.ndarray
    points: np.ndarray
    support: np.ndarray
    eigenvalues: np.ndarray
    stability: np.ndarray
    regret: np.ndarray
    ess: np.ndarray
    count: np.ndarray
    degenerate: np.ndarray
    tol: float
    method: str = "rest_points"
    options: dict[str, Any] = field(default_factory=dict)

    layout = "per_equilibrium"

    def __len__(self) -> int:
        return int(self.game_index.size)

    @property
    def is_nash(self) -> np.ndarray:
        """Rows that are symmetric Nash equilibria (regret within ``tol``)."""
        return self.regret <= self.tol

    def select(self, rows) -> RestPoints:
        """The rows ``rows`` (a mask or indices), counts recomputed."""
        rows = np.asarray(rows)
        index = self.game_index[rows]
        count = np.bincount(index, minlength=self.count.size).reshape(self.count.shape)
        return RestPoints(
            game_index=index,
            points=self.points[rows],
            support=self.support[rows],
            eigenvalues=self.eigenvalues[rows],
            stability=self.stability[rows],
            regret=self.regret[rows],
            ess=self.ess[rows],
            count=count,
            degenerate=self.degenerate,
            tol=self.tol,
            method=self.method,
            options=self.options,
        )


def _tangent_jacobian(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The replicator Jacobian at ``x`` on the tangent space, ``(k, m-1, m-1)``."""
    m = x.shape[1]
    f = np.einsum("kij,kj->ki", A, x)
    g = np.einsum("kji,kj->ki", A, x)
    phi = np.einsum("ki,ki->k", x, f)
    J = x[:, :, None] * (A - f[:, None, :] - g[:, None, :])
    J[:, np.arange(m), np.arange(m)] += f - phi[:, None]
    V = np.vstack([np.eye(m - 1), -np.ones((1, m - 1))])
    return (J @ V)[:, : m - 1, :]


def _strictly_copositive(Q: np.ndarray, eps: float) -> np.ndarray:
    """Kaplan's test for a batch of symmetric matrices ``(g, k, k)``: True where strictly
    copositive (no principal submatrix has an eigenvector > 0 with eigenvalue <= eps)."""
    g, k, _ = Q.shape
    ok = np.ones(g, dtype=bool)
    for size in range(1, k + 1):
        for subset in itertools.combinations(range(k), size):
            sub = Q[:, subset][:, :, subset]
            w, v = np.linalg.eigh(sub)
            v = v * np.where(v.sum(axis=1, keepdims=True) < 0, -1.0, 1.0)  # orient each vector
            positive = np.all(v > 1e-12, axis=1)  # (g, size): eigenvector strictly positive
            ok &= ~np.any(positive & (w <= eps), axis=1)
    return ok


def _ess(A: np.ndarray, x: np.ndarray, support: np.ndarray, nash: np.ndarray, tol, unit):
    """Haigh's criterion for each row (see the module docstring)."""
    k, m = x.shape
    out = np.zeros(k, dtype=bool)
    f = np.einsum("kij,kj->ki", A, x)
    phi = np.einsum("ki,ki->k", x, f)
    best = f >= phi[:, None] - tol * unit[:, None]
    best |= support
    pattern = np.concatenate([support, best], axis=1)
    candidates = np.flatnonzero(nash)
    if not candidates.size:
        return out
    keys, inverse = np.unique(pattern[candidates], axis=0, return_inverse=True)
    for p, key in enumerate(keys):  # a loop over (support, best-reply) patterns
        rows = candidates[inverse.reshape(-1) == p]
        S = np.flatnonzero(key[:m])
        T = np.flatnonzero(key[m:])
        r = int(S[0])
        free = [int(j) for j in S if j != r]
        cone = [int(j) for j in T if j not in set(S.tolist())]
        coords = free + cone
        if not coords:  # a strict pure equilibrium with no alternative best reply
            out[rows] = True
            continue
        P = np.zeros((m, len(coords)))
        for c, j in enumerate(coords):
            P[j, c] += 1.0
            P[r, c] -= 1.0
        D = 0.5 * (A[rows] + np.swapaxes(A[rows], 1, 2))
        M = np.swapaxes(P, 0, 1)[None] @ D @ P[None]
        eps = tol * unit[rows]
        nf = len(free)
        good = np.ones(rows.size, dtype=bool)
        if nf:
            Mff = M[:, :nf, :nf]
            good &= np.linalg.eigvalsh(Mff).max(axis=1) < -eps
        if cone:
            C = M[:, nf:, nf:]
            if nf:
                safe = np.where(good[:, None, None], Mff, -np.eye(nf)[None])
                C = C - M[:, nf:, :nf] @ np.linalg.solve(safe, M[:, :nf, nf:])
            good &= _strictly_copositive(-C, eps)
        out[rows] = good
    return out


def rest_points(game, *, tol: float = 1e-9) -> RestPoints:
    r"""All isolated rest points of the replicator dynamics, their stability and the ESS.

    Parameters
    ----------
    game : NormalFormGame or array_like
        A symmetric two-player game or its matrix :math:`A`, shape ``(*batch, m, m)``.
    tol : float
        Relative to the payoff unit (the range of :math:`A`): strict positivity of shares,
        singular systems, ties of payoffs and the sign of eigenvalues.

    Returns
    -------
    RestPoints
    """
    A, batch = symmetric_matrix(game)
    m = A.shape[-1]
    if m > MAX_STRATEGIES:
        raise SolverError(
            f"rest points are enumerated over 2^m - 1 supports; m = {m} is more than "
            f"{MAX_STRATEGIES}"
        )
    if not (np.isfinite(tol) and tol >= 0):
        raise SolverError(f"tol must be a non-negative number, got {tol}")
    G = int(np.prod(batch, dtype=np.int64))
    A = A.reshape(G, m, m)
    require(8.0 * G * m * (m + 2) * 4, "the rest points' linear systems")
    spread = A.max(axis=(1, 2)) - A.min(axis=(1, 2))
    unit = np.where(spread > 0, spread, 1.0)
    An = A / unit[:, None, None]
    degenerate = np.zeros(G, dtype=bool)
    found_index, found_points = [], []
    for size in range(1, m + 1):  # a loop over supports, each solved for the whole batch
        for S in itertools.combinations(range(m), size):
            S = list(S)
            K = np.zeros((G, size + 1, size + 1))
            K[:, :size, :size] = An[:, S][:, :, S]
            K[:, :size, size] = -1.0
            K[:, size, :size] = 1.0
            rhs = np.zeros(size + 1)
            rhs[size] = 1.0
            sv = np.linalg.svd(K, compute_uv=False)
            singular = sv[:, -1] <= 1e-12 * sv[:, 0]
            degenerate |= singular
            ok = ~singular
            if not ok.any():
                continue
            sol = np.linalg.solve(
                K[ok], np.broadcast_to(rhs, (int(ok.sum()), size + 1))[..., None]
            )[..., 0]
            xs = sol[:, :size]
            interior = np.all(xs > tol, axis=1)
            games = np.flatnonzero(ok)[interior]
            x = np.zeros((games.size, m))
            x[:, S] = xs[interior]
            x /= x.sum(axis=1, keepdims=True)
            found_index.append(games)
            found_points.append(x)
    index = np.concatenate(found_index) if found_index else np.zeros(0, np.int64)
    points = np.concatenate(found_points) if found_points else np.zeros((0, m))
    order = np.argsort(index, kind="stable")
    index, points = index[order], points[order]
    support = points > 0
    An_rows = An[index]
    if m > 1:
        eig = np.linalg.eigvals(_tangent_jacobian(An_rows, points))
        top = eig.real.max(axis=1)
    else:
        eig = np.zeros((index.size, 0), dtype=complex)
        top = np.full(index.size, -np.inf)
    stability = np.where(
        top < -tol, "stable", np.where(top > tol, "unstable", "non-hyperbolic")
    ).astype(object)
    stability[top == -np.inf] = "stable"
    # regret, by the independent definition, in the payoff unit
    rows_game = NormalFormGame.symmetric(A[index]) if index.size else None
    if index.size:
        r = _regret(rows_game, (points, points)).max(axis=1) / unit[index]
    else:
        r = np.zeros(0)
    nash = r <= tol
    ess = _ess(An_rows, points, support, nash, tol, np.ones(index.size))
    count = np.bincount(index, minlength=G).reshape(batch)
    return RestPoints(
        game_index=index,
        points=points,
        support=support,
        eigenvalues=eig,
        stability=np.asarray(stability, dtype=str),
        regret=r,
        ess=ess,
        count=count,
        degenerate=degenerate.reshape(batch),
        tol=tol,
        options={"units": unit.reshape(batch)},
    )


def evolutionarily_stable_strategies(game, *, tol: float = 1e-9) -> RestPoints:
    """The evolutionarily stable strategies of a batch of symmetric games (rows of
    :func:`rest_points` with ``ess`` True; every ESS is a rest point)."""
    points = rest_points(game, tol=tol)
    result = points.select(np.flatnonzero(points.ess))
    return result
