r"""Logit quantal response equilibrium, for batches of normal-form games.

Normal form
-----------
At precision :math:`\lambda \ge 0` a logit quantal response equilibrium (McKelvey and Palfrey
1995) is a profile in which every player plays the logit of her action values,

.. math::

    \sigma_i(s) = \frac{\exp(\lambda\, v_i(s; \sigma_{-i}))}
                       {\sum_{s'} \exp(\lambda\, v_i(s'; \sigma_{-i}))}
    \qquad \text{for all } i, s.

At :math:`\lambda = 0` the only solution is the centroid (uniform play). The *principal
branch* is the curve of solutions that starts there; for generic games it is a smooth curve
that converges, as :math:`\lambda \to \infty`, to a Nash equilibrium (the logit tracing
procedure). :func:`logit_qre_path` follows it by predictor-corrector continuation in the
unknowns :math:`y = (x, \lambda)`, with :math:`x_i = \log \sigma_i`: the system

.. math::

    H_i(x, \lambda) = x_i - \lambda v_i(e^{x}) + \log \textstyle\sum_s e^{\lambda v_i(s;
    e^{x})} = 0

defines the branch, the predictor steps along its tangent (the null vector of
:math:`[\partial_x H, \partial_\lambda H]`), and Newton's method corrects on the hyperplane
orthogonal to the tangent (pseudo-arclength continuation), so the branch is followed through
turning points where :math:`\lambda` bends back. Every game of the batch has its own step
length; each numpy step works on all the games still running. The solution at a requested
:math:`\lambda` is taken where the branch first reaches it and polished by Newton's method at
that :math:`\lambda`. Internally payoffs are divided by the game's payoff range, so
:math:`\lambda` is in the units of the payoffs as given.

Game trees
----------
The agent QRE of game trees (:func:`agent_logit_qre`, :func:`agent_probit_qre`) lives in
:mod:`irgames.solvers.agent_qre`, which uses the continuation of this module; its names are
importable from here too.

Every result carries a residual computed by code that the solver does not use: for normal-form
games, :func:`irgames.games.regret.action_values` and :func:`irgames.games.regret.regret`.

Examples
--------
>>> import numpy as np
>>> import irgames as ig
>>> from irgames.solvers.qre import logit_qre, logit_qre_path
>>> mp = ig.NormalFormGame.bimatrix([[2, 0], [0, 1]], [[0, 1], [1, 0]])   # asymmetric pennies
>>> q = logit_qre(mp, 2.0)
>>> bool(q.residual < 1e-10)
True
>>> path = logit_qre_path(mp, [0.0, 1.0, 1e4])
>>> np.round(path.strategies[0][-1], 4).tolist(), np.round(path.strategies[1][-1], 4).tolist()
([0.5, 0.5], [0.3333, 0.6667])
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from ..games.regret import action_values, regret
from .result import Result

__all__ = [
    "AgentQRE",  # noqa: F822 (from agent_qre, through __getattr__)
    "LogitQRE",
    "LogitQREPath",
    "agent_logit_qre",  # noqa: F822
    "agent_probit_qre",  # noqa: F822
    "logit_qre",
    "logit_qre_path",
]


# ====================================================================== results
class _QREResult(Result):
    """What the quantal-response results share: the continuation's tolerance, kept in
    ``options``, and a batch shape read from the precisions ``lam``."""

    @property
    def tol(self) -> float | None:
        return self.options.get("tol")

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.lam))


@dataclass(frozen=True, eq=False)
class LogitQRE(_QREResult):
    r"""Logit QRE of a batch of normal-form games at one precision per game.

    Attributes
    ----------
    lam : ndarray, shape batch_shape
        The precision :math:`\lambda` of each game.
    strategies : tuple of ndarray
        ``strategies[i]`` has shape ``(*batch, a_i)``.
    residual : ndarray, shape batch_shape
        :math:`\max_{i,s} |\sigma_i(s) - \mathrm{logit}_\lambda(v_i(\sigma_{-i}))(s)|`, computed
        with :func:`irgames.games.regret.action_values`.
    regret : ndarray, shape batch_shape
        Largest gain from a unilateral deviation (:func:`irgames.games.regret.regret`): the
        *Nash* regret of the QRE profile, which is not zero (a QRE is a Nash equilibrium only
        in the limit :math:`\lambda \to \infty`); it measures how far the QRE is from one.
    scale : ndarray, shape batch_shape
        Payoff range of each game.
    converged : ndarray of bool, shape batch_shape
        Whether the continuation reached ``lam`` on the principal branch.
    method : str
    options : dict
    tol : float
        The Newton tolerance (``options["tol"]``).
    """

    lam: np.ndarray
    strategies: tuple[np.ndarray, ...]
    residual: np.ndarray
    regret: np.ndarray
    scale: np.ndarray
    converged: np.ndarray
    method: str = "logit_qre"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class LogitQREPath(_QREResult):
    r"""Points of the principal logit QRE branch at the requested precisions.

    Attributes
    ----------
    lambdas : ndarray, shape (L,)
    strategies : tuple of ndarray
        ``strategies[i]`` has shape ``(L, *batch, a_i)``.
    residual, regret, converged : ndarray, shape ``(L, *batch)``
        As in :class:`LogitQRE` (``regret`` is the Nash regret of each QRE, not zero). The
        layout is per point with a leading axis of precisions.
    scale : ndarray, shape batch_shape
    steps : ndarray of int, shape batch_shape
        Continuation steps taken per game.
    turning_points : ndarray of int, shape batch_shape
        Number of times the branch turned back in :math:`\lambda` before the last precision
        was reached (where it did, a requested precision is taken at its first crossing).
    """

    lambdas: np.ndarray
    strategies: tuple[np.ndarray, ...]
    residual: np.ndarray
    regret: np.ndarray
    scale: np.ndarray
    converged: np.ndarray
    steps: np.ndarray
    turning_points: np.ndarray
    method: str = "logit_qre_path"
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.scale))

    def to_pandas(self):
        """One row per (precision, game point): ``lam``, ``game_index`` and the QRE's columns."""
        import pandas as pd

        return pd.concat([self.at(k).to_pandas() for k in range(len(self))], ignore_index=True)

    def __len__(self) -> int:
        return int(self.lambdas.size)

    def at(self, k: int) -> LogitQRE:
        """The ``k``-th requested precision as a :class:`LogitQRE`."""
        lam = np.broadcast_to(self.lambdas[k], self.scale.shape).copy()
        return LogitQRE(
            lam=lam,
            strategies=tuple(s[k] for s in self.strategies),
            residual=self.residual[k],
            regret=self.regret[k],
            scale=self.scale,
            converged=self.converged[k],
            method=self.method,
            options=self.options,
        )


# ====================================================================== normal form core
class _Contractions:
    """Action values and pairwise tables of a batch of normalised games (einsum plans)."""

    def __init__(self, payoffs: np.ndarray, n: int):
        self.u = payoffs  # (N, n, a_1, ..., a_n)
        self.n = n
        letters = string.ascii_lowercase[:n]
        self.letters = letters

    def values(self, sigma: list[np.ndarray], rows: np.ndarray) -> list[np.ndarray]:
        n, L = self.n, self.letters
        u = self.u[rows]
        out = []
        for i in range(n):
            ops = [u[:, i]]
            subs = ["z" + L]
            for j in range(n):
                if j != i:
                    ops.append(sigma[j])
                    subs.append("z" + L[j])
            out.append(np.einsum(",".join(subs) + "->z" + L[i], *ops, optimize=n > 3))
        return out

    def pair(self, sigma: list[np.ndarray], i: int, j: int, rows: np.ndarray) -> np.ndarray:
        """``T[z, s_i, s_j] = u_i(s_i, s_j, sigma_{-ij})``."""
        n, L = self.n, self.letters
        ops = [self.u[rows, i]]
        subs = ["z" + L]
        for k in range(n):
            if k not in (i, j):
                ops.append(sigma[k])
                subs.append("z" + L[k])
        return np.einsum(",".join(subs) + f"->z{L[i]}{L[j]}", *ops, optimize=n > 3)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    top = z.max(axis=-1, keepdims=True)
    shifted = z - top
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class _System:
    """The branch equations H(x, s) = 0 of a batch, and their derivatives."""

    def __init__(self, payoffs: np.ndarray, num_actions: tuple[int, ...]):
        self.c = _Contractions(payoffs, len(num_actions))
        self.sizes = num_actions
        self.offsets = np.r_[0, np.cumsum(num_actions)]
        self.D = int(self.offsets[-1])

    def split(self, x: np.ndarray) -> list[np.ndarray]:
        return [x[:, self.offsets[i] : self.offsets[i + 1]] for i in range(len(self.sizes))]

    def residual(self, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        x, s = y[:, :-1], y[:, -1]
        sigma = [np.exp(np.minimum(xi, 50.0)) for xi in self.split(x)]
        v = self.c.values(sigma, rows)
        return np.concatenate(
            [xi - _log_softmax(s[:, None] * vi) for xi, vi in zip(self.split(x), v, strict=True)],
            axis=1,
        )

    def jacobian(self, y: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(H, [dH/dx, dH/ds])`` with shapes ``(N, D)`` and ``(N, D, D + 1)``."""
        x, s = y[:, :-1], y[:, -1]
        N, D = x.shape
        xs = self.split(x)
        sigma = [np.exp(np.minimum(xi, 50.0)) for xi in xs]
        v = self.c.values(sigma, rows)
        J = np.zeros((N, D, D + 1))
        H = np.empty((N, D))
        o = self.offsets
        for i, vi in enumerate(v):
            logp = _log_softmax(s[:, None] * vi)
            p = np.exp(logp)
            H[:, o[i] : o[i + 1]] = xs[i] - logp
            a_i = self.sizes[i]
            proj = np.eye(a_i) - p[:, None, :]  # (N, a_i, a_i): I - 1 p^T
            J[:, o[i] : o[i + 1], o[i] : o[i + 1]] = np.eye(a_i)
            J[:, o[i] : o[i + 1], D] = -np.einsum("nab,nb->na", proj, vi)
            for j in range(len(self.sizes)):
                if j == i:
                    continue
                T = self.c.pair(sigma, i, j, rows) * sigma[j][:, None, :]
                J[:, o[i] : o[i + 1], o[j] : o[j + 1]] = -s[:, None, None] * (proj @ T)
        return H, J


def _solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched solve that falls back to least squares for singular systems."""
    try:
        return np.linalg.solve(A, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.einsum("nij,nj->ni", np.linalg.pinv(A), b)


def _trace(
    system: _System,
    targets: np.ndarray,
    *,
    tol: float,
    max_steps: int,
    h0: float = 0.3,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Follow the branch from s = 0 through the sorted ``targets`` (N, L) of every game.

    Returns the log-probabilities at each target ``(N, L, D)``, a convergence mask ``(N, L)``
    the number of steps per game and the number of turning points (where the branch's
    direction in the precision reverses).
    """
    N, L = targets.shape
    D = system.D
    x0 = np.concatenate([np.full(a, -np.log(a)) for a in system.sizes])
    y = np.zeros((N, D + 1))
    y[:, :D] = x0
    out = np.zeros((N, L, D))
    ok = np.zeros((N, L), dtype=bool)
    nxt = np.zeros(N, dtype=np.int64)
    # targets at s = 0 are the centroid
    while True:
        rows = np.flatnonzero((nxt < L) & (targets[np.arange(N), np.minimum(nxt, L - 1)] <= 0))
        if rows.size == 0:
            break
        out[rows, nxt[rows]] = x0
        ok[rows, nxt[rows]] = True
        nxt[rows] += 1
    # initial tangent: J_x = I at s = 0, so t = (-dH/ds, 1)
    _, J = system.jacobian(y, np.arange(N))
    t = np.concatenate([-J[:, :, D], np.ones((N, 1))], axis=1)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    # Orientation: the sign of det([dH; t^T]) is constant along a branch traversed in one
    # direction; a step that lands on another arm of a hairpin (and would turn back) flips it.
    orient = np.sign(np.linalg.det(np.concatenate([J, t[:, None, :]], axis=1)))
    h = np.full(N, h0)
    steps = np.zeros(N, dtype=np.int64)
    turns = np.zeros(N, dtype=np.int64)
    active = nxt < L
    e_last = np.zeros(D + 1)
    e_last[-1] = 1.0
    for _ in range(max_steps):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        yk, tk, hk = y[idx], t[idx], h[idx]
        pred = yk + hk[:, None] * tk
        z = pred.copy()
        good = np.zeros(idx.size, dtype=bool)
        alive = np.ones(idx.size, dtype=bool)
        iters = np.zeros(idx.size, dtype=np.int64)
        for it in range(8):
            live = np.flatnonzero(alive & ~good)
            if live.size == 0:
                break
            H, J = system.jacobian(z[live], idx[live])
            A = np.concatenate([J, tk[live, None, :]], axis=1)  # (n, D+1, D+1)
            F = np.concatenate([H, ((z[live] - pred[live]) * tk[live]).sum(1, keepdims=True)], 1)
            delta = _solve(A, -F)
            z[live] += delta
            iters[live] = it + 1
            scale = 1.0 + np.abs(z[live, -1])
            small = (np.abs(delta).max(axis=1) < 1e-9 * scale) | (
                np.abs(H).max(axis=1) < tol * scale
            )
            good[live] = small & np.isfinite(z[live]).all(axis=1)
            alive[live] = np.isfinite(z[live]).all(axis=1)
        if good.any():
            H = system.residual(z, idx)
            good &= np.abs(H).max(axis=1) < tol * (1.0 + np.abs(z[:, -1])) * 10
        dist = np.linalg.norm(z - pred, axis=1)
        good &= dist <= 0.5 * hk + 1e-12
        # new tangents at accepted points; reject sharp turns
        acc = np.flatnonzero(good)
        if acc.size:
            _, J = system.jacobian(z[acc], idx[acc])
            A = np.concatenate([J, tk[acc, None, :]], axis=1)
            rhs = np.broadcast_to(e_last, (acc.size, D + 1))
            tn = _solve(A, rhs)
            tn /= np.linalg.norm(tn, axis=1, keepdims=True)
            cos = (tn * tk[acc]).sum(axis=1)
            same_way = np.sign(np.linalg.det(np.concatenate([J, tn[:, None, :]], axis=1)))
            # a flip that persists at tiny steps is a bifurcation point of a degenerate game
            # (the branch crosses another one): go straight through it
            turn_ok = (cos > 0.8) & ((same_way == orient[idx[acc]]) | (hk[acc] < 1e-4))
            same_way = same_way[turn_ok]
            good[acc[~turn_ok]] = False
            acc_ok = acc[turn_ok]
            tn = tn[turn_ok]
            cos = cos[turn_ok]
        else:
            acc_ok = acc
        steps[idx] += 1
        # rejected: halve the step
        rej = np.flatnonzero(~good)
        h[idx[rej]] *= 0.5
        failed = idx[rej][h[idx[rej]] < 1e-10]
        active[failed] = False
        if acc_ok.size == 0:
            continue
        gi = idx[acc_ok]
        y_old = y[gi].copy()
        y[gi] = z[acc_ok]
        turns[gi] += (np.sign(tn[:, -1]) != np.sign(t[gi, -1])).astype(np.int64)
        t[gi] = tn
        orient[gi] = np.where(same_way != 0, same_way, orient[gi])
        fast = (iters[acc_ok] <= 3) & (cos > 0.99)
        h[gi] = np.where(fast, h[gi] * 2.0, h[gi])
        h[gi] = np.minimum(h[gi], 1.0 + 0.5 * np.abs(y[gi, -1]))
        # record the targets crossed by this step
        while True:
            pend = nxt[gi] < L
            tgt = targets[gi, np.minimum(nxt[gi], L - 1)]
            cross = pend & (y_old[:, -1] < tgt) & (y[gi, -1] >= tgt)
            c = np.flatnonzero(cross)
            if c.size == 0:
                break
            g = gi[c]
            frac = (tgt[c] - y_old[c, -1]) / (y[g, -1] - y_old[c, -1])
            start = y_old[c] + frac[:, None] * (y[g] - y_old[c])
            xs, conv = _newton_at(system, start[:, :D], tgt[c], tol, g)
            out[g, nxt[g]] = xs
            ok[g, nxt[g]] = conv
            nxt[g] += 1
        active[gi] &= nxt[gi] < L
    return out, ok, steps, turns


def _newton_at(
    system: _System, x: np.ndarray, s: np.ndarray, tol: float, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on H(x, s) = 0 at fixed s."""
    D = system.D
    y = np.concatenate([x, s[:, None]], axis=1)
    for _ in range(20):
        H, J = system.jacobian(y, rows)
        delta = _solve(J[:, :, :D], -H)
        y[:, :D] += delta
        if np.all(np.abs(delta).max(axis=1) < 1e-12 * (1 + np.abs(s))):
            break
    H = system.residual(y, rows)
    conv = (np.abs(H).max(axis=1) < tol * (1.0 + np.abs(s)) * 10) & np.isfinite(y).all(axis=1)
    return y[:, :D], conv


def _normalised(game: NormalFormGame) -> tuple[NormalFormGame, np.ndarray]:
    flat = game.flatten()
    scale = flat.payoff_scale
    shape = (flat.batch_size,) + (1,) * (game.n_players + 1)
    return flat.payoffs / scale.reshape(shape), scale


def _check_lambdas(lambdas) -> np.ndarray:
    lam = np.asarray(lambdas, dtype=float)
    if not np.all(np.isfinite(lam)) or np.any(lam < 0):
        raise SolverError(f"precisions lambda must be finite and non-negative, got {lambdas!r}")
    return lam


def _qre_report(game: NormalFormGame, lam: np.ndarray, sigma: tuple[np.ndarray, ...]):
    """Residual (logit fixed point) and regret, from irgames.games.regret only."""
    res = np.zeros(np.broadcast_shapes(lam.shape, game.batch_shape))
    for i in range(game.n_players):
        v = action_values(game, sigma, i)
        target = np.exp(_log_softmax(lam[..., None] * v))
        res = np.maximum(res, np.abs(target - sigma[i]).max(axis=-1))
    return res, regret(game, sigma).max(axis=-1)


def logit_qre_path(
    game: NormalFormGame, lambdas, *, tol: float = 1e-10, max_steps: int = 20_000
) -> LogitQREPath:
    r"""The principal branch of logit QRE at the precisions ``lambdas``, for every game.

    Parameters
    ----------
    game : NormalFormGame
    lambdas : array_like, shape (L,)
        Non-negative, non-decreasing precisions.
    tol : float
        Newton tolerance on the branch equations (log-probabilities), relative to
        :math:`1 + \lambda \cdot \text{scale}`.
    max_steps : int
        Cap on continuation steps; games that have not reached the last precision by then
        are reported with ``converged`` False.

    Returns
    -------
    LogitQREPath

    Examples
    --------
    >>> import irgames as ig
    >>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> path = logit_qre_path(pd, [0.0, 100.0])
    >>> path.strategies[0].round(6).tolist()   # from the centroid to defection
    [[0.5, 0.5], [0.0, 1.0]]
    """
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"logit_qre_path needs a NormalFormGame, got {type(game).__name__}")
    lam = _check_lambdas(lambdas).reshape(-1)
    if lam.size == 0:
        raise SolverError("lambdas must not be empty")
    if np.any(np.diff(lam) < 0):
        raise SolverError("lambdas must be non-decreasing")
    payoffs, scale = _normalised(game)
    system = _System(payoffs, game.num_actions)
    targets = lam[None, :] * scale[:, None]
    with np.errstate(all="ignore"):
        x, ok, steps, turns = _trace(system, targets, tol=tol, max_steps=max_steps)
    N, L = targets.shape
    strategies = []
    for i, xi in enumerate(system.split(x.reshape(N * L, -1))):
        p = np.exp(xi)
        p /= p.sum(axis=-1, keepdims=True)
        p = p.reshape(N, L, -1).swapaxes(0, 1).reshape(L, *game.batch_shape, game.num_actions[i])
        strategies.append(p)
    strategies = tuple(strategies)
    lam_b = lam.reshape((L,) + (1,) * len(game.batch_shape))
    residual, reg = _qre_report(game, lam_b, strategies)
    converged = ok.T.reshape(L, *game.batch_shape)
    return LogitQREPath(
        lambdas=lam,
        strategies=strategies,
        residual=residual,
        regret=reg,
        scale=scale.reshape(game.batch_shape),
        converged=converged,
        steps=steps.reshape(game.batch_shape),
        turning_points=turns.reshape(game.batch_shape),
        options={"tol": tol, "max_steps": max_steps},
    )


def logit_qre(
    game: NormalFormGame, lam, *, tol: float = 1e-10, max_steps: int = 20_000
) -> LogitQRE:
    r"""The logit QRE on the principal branch at precision ``lam`` (one per game, broadcast).

    Parameters
    ----------
    game : NormalFormGame
    lam : float or array_like
        Precision, broadcastable to the batch shape.

    Examples
    --------
    >>> import numpy as np
    >>> import irgames as ig
    >>> mp = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> q = logit_qre(mp, np.array([0.0, 5.0]))    # a scalar game, two precisions
    >>> q.strategies[0].round(6).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"logit_qre needs a NormalFormGame, got {type(game).__name__}")
    lam = _check_lambdas(lam)
    try:
        batch = np.broadcast_shapes(lam.shape, game.batch_shape)
    except ValueError:
        raise SolverError(
            f"lam of shape {lam.shape} does not broadcast with the batch {game.batch_shape}"
        ) from None
    if batch != game.batch_shape:
        reps = np.broadcast_to(game.payoffs, batch + game.payoffs.shape[len(game.batch_shape) :])
        game = NormalFormGame(reps, n_players=game.n_players)
    lam = np.broadcast_to(lam, batch).astype(float)
    payoffs, scale = _normalised(game)
    system = _System(payoffs, game.num_actions)
    targets = (lam.reshape(-1) * scale)[:, None]
    with np.errstate(all="ignore"):
        x, ok, _, _ = _trace(system, targets, tol=tol, max_steps=max_steps)
    strategies = []
    for i, xi in enumerate(system.split(x[:, 0])):
        p = np.exp(xi)
        p /= p.sum(axis=-1, keepdims=True)
        strategies.append(p.reshape(*batch, game.num_actions[i]))
    strategies = tuple(strategies)
    residual, reg = _qre_report(game, lam, strategies)
    return LogitQRE(
        lam=np.array(lam),
        strategies=strategies,
        residual=residual,
        regret=reg,
        scale=scale.reshape(batch),
        converged=ok[:, 0].reshape(batch),
        options={"tol": tol, "max_steps": max_steps},
    )


_AGENT_QRE = ("AgentQRE", "agent_logit_qre", "agent_probit_qre")


def __getattr__(name: str):
    # Agent QRE lives in irgames.solvers.agent_qre (it imports this module's continuation);
    # its names stay importable from here, as they always were.
    if name in _AGENT_QRE:
        from . import agent_qre

        return getattr(agent_qre, name)
    # builtin: Python's module __getattr__ protocol
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
