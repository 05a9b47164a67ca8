r"""Logit quantal response equilibrium, for batches of normal-form games and game trees.

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

Game trees (agent QRE)
----------------------
In an extensive-form game each information set :math:`h` of player :math:`i` is an agent that
plays the logit of its conditional expected payoffs (McKelvey and Palfrey 1998; Signorino's
strategic logit model is this for perfect-information trees):

.. math::

    \pi_h(a) \propto \exp\big(\lambda\, Q_h(a)\big), \qquad
    Q_h(a) = \frac{\sum_{v \in h} P(v)\, V_i(\mathrm{child}(v, a))}{\sum_{v \in h} P(v)},

where :math:`P(v)` is the probability of reaching :math:`v` and :math:`V(w)` the expected
payoff vector of the subtree at :math:`w`. With perfect information this is solved exactly by
one backward pass over the tree levels (batched). With imperfect information it is a fixed
point, followed in :math:`\lambda` from the centroid by the same continuation as the normal
form. :func:`agent_probit_qre` is the probit version (normal errors; Signorino's strategic
probit) for perfect-information trees.

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
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from ..games.regret import action_values, regret

if TYPE_CHECKING:
    from ..games.extensive_form import ExtensiveFormGame

__all__ = [
    "AgentQRE",
    "LogitQRE",
    "LogitQREPath",
    "agent_logit_qre",
    "agent_probit_qre",
    "logit_qre",
    "logit_qre_path",
]


# ====================================================================== results
@dataclass(frozen=True, eq=False)
class LogitQRE:
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
        Largest gain from a unilateral deviation (:func:`irgames.games.regret.regret`).
    scale : ndarray, shape batch_shape
        Payoff range of each game.
    converged : ndarray of bool, shape batch_shape
        Whether the continuation reached ``lam`` on the principal branch.
    method : str
    options : dict
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
class LogitQREPath:
    r"""Points of the principal logit QRE branch at the requested precisions.

    Attributes
    ----------
    lambdas : ndarray, shape (L,)
    strategies : tuple of ndarray
        ``strategies[i]`` has shape ``(L, *batch, a_i)``.
    residual, regret, converged : ndarray, shape ``(L, *batch)``
        As in :class:`LogitQRE`.
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


# ====================================================================== trees: agent QRE
@dataclass(frozen=True, eq=False)
class AgentQRE:
    r"""Agent logit QRE of a batch of game trees.

    Attributes
    ----------
    game : ExtensiveFormGame
        The solved (bound) game.
    lam : ndarray, shape batch_shape
    behaviour : ndarray, shape ``(*batch, n_infosets, max_actions)``
        :math:`\pi_h(a)`, zero beyond the information set's actions.
    values : ndarray, shape ``(*batch, n_nodes, n_players)``
        Expected payoffs of the subtree at every node under the behaviour profile.
    reach : ndarray, shape ``(*batch, n_nodes)``
        Probability of reaching every node.
    residual : ndarray, shape batch_shape
        :math:`\max_{h,a} |\pi_h(a) - \mathrm{logit}_\lambda(Q_h)(a)|` at the returned profile.
    converged : ndarray of bool, shape batch_shape
    method : str
        ``"backward recursion"`` (perfect information) or ``"fixed point"``.
    """

    game: Any
    lam: np.ndarray
    behaviour: np.ndarray
    values: np.ndarray
    reach: np.ndarray
    residual: np.ndarray
    converged: np.ndarray
    method: str
    options: dict[str, Any] = field(default_factory=dict)


class _Tree:
    """Per-level index plans of a tree, for batched sweeps."""

    def __init__(self, game):
        from ..games.extensive_form import CHANCE, TERMINAL

        self.game = game
        self.A = int(game.children.shape[1])
        self.levels = [lv for lv in game.levels]
        self.internal = [lv[game.mover[lv] != TERMINAL] for lv in self.levels]
        self.is_chance = game.mover == CHANCE
        self.decision = np.flatnonzero(game.mover >= 0)
        self.valid = game.children >= 0  # (n_nodes, A)
        self.kids = np.where(self.valid, game.children, 0)
        h = game.infoset[self.decision]
        # decision nodes grouped by information set, for sums with np.add.reduceat
        self.by_infoset = np.argsort(h, kind="stable")
        self.infoset_of = h
        counts = np.bincount(h, minlength=game.n_infosets)
        self.infoset_starts = np.cumsum(counts) - counts
        first = game.infoset_nodes_first
        self.infoset_valid = self.valid[first]  # (n_infosets, A)

    def node_probs(self, pi: np.ndarray, chance: np.ndarray) -> np.ndarray:
        """Action probabilities at every node, shape (N, n_nodes, A)."""
        g = self.game
        N = pi.shape[0]
        probs = np.zeros((N, g.n_nodes, self.A))
        d = self.decision
        probs[:, d] = pi[:, g.infoset[d]]
        c = g.chance_nodes
        if c.size:
            probs[:, c, : chance.shape[-1]] = chance
        return probs

    def values(self, probs: np.ndarray, payoffs: np.ndarray) -> np.ndarray:
        g = self.game
        N = probs.shape[0]
        V = np.zeros((N, g.n_nodes, g.n_players))
        V[:, g.terminals] = payoffs
        for nodes in reversed(self.internal):
            if nodes.size == 0:
                continue
            child = V[:, self.kids[nodes]]  # (N, k, A, n)
            w = probs[:, nodes] * self.valid[nodes]
            V[:, nodes] = (w[..., None] * child).sum(axis=2)
        return V

    def reach(self, probs: np.ndarray) -> np.ndarray:
        g = self.game
        N = probs.shape[0]
        P = np.zeros((N, g.n_nodes))
        P[:, 0] = 1.0
        for nodes in self.internal:
            if nodes.size == 0:
                continue
            kids = g.children[nodes]
            ok = kids >= 0
            contrib = P[:, nodes, None] * probs[:, nodes]
            P[:, kids[ok]] = contrib[:, ok]
        return P

    def logit(self, lam: np.ndarray, q: np.ndarray, valid: np.ndarray) -> np.ndarray:
        z = np.where(valid, lam[:, None, None] * q, -np.inf)
        z = z - z.max(axis=-1, keepdims=True)
        e = np.where(valid, np.exp(z), 0.0)
        return e / e.sum(axis=-1, keepdims=True)

    def conditional_values(self, V: np.ndarray, P: np.ndarray) -> np.ndarray:
        """Q_h(a) for every information set, shape (N, n_infosets, A)."""
        g = self.game
        d = self.decision
        q = V[:, self.kids[d], g.mover[d][:, None]]  # (N, n_dec, A)
        q = np.where(self.valid[d], q, 0.0)
        weight = P[:, d]  # (N, n_dec)
        total = self.infoset_sum(weight)  # (N, n_infosets)
        # an information set reached with probability zero: equal weights on its nodes
        unreached = total <= 0
        weight = weight + unreached[:, self.infoset_of]
        total = self.infoset_sum(weight)
        num = self.infoset_sum(weight[..., None] * q)
        return num / total[..., None]

    def infoset_sum(self, x: np.ndarray) -> np.ndarray:
        """Sum an array over decision nodes (axis 1) within each information set."""
        if self.infoset_starts.size == 0:  # no decision nodes (only chance and terminals)
            return np.zeros((x.shape[0], 0, *x.shape[2:]))
        return np.add.reduceat(x[:, self.by_infoset], self.infoset_starts, axis=1)

    def respond(self, pi, lam, payoffs, chance):
        probs = self.node_probs(pi, chance)
        V = self.values(probs, payoffs)
        P = self.reach(probs)
        Q = self.conditional_values(V, P)
        return self.logit(lam, Q, self.infoset_valid[None]), V, P

    def backward(self, lam, payoffs, chance, choice=None):
        """Exact agent QRE of a perfect-information tree, one pass over the levels."""
        choice = self.logit if choice is None else choice
        g = self.game
        N = payoffs.shape[0]
        V = np.zeros((N, g.n_nodes, g.n_players))
        V[:, g.terminals] = payoffs
        pi = np.zeros((N, g.n_infosets, self.A))
        for nodes in reversed(self.internal):
            if nodes.size == 0:
                continue
            child = V[:, self.kids[nodes]]  # (N, k, A, n)
            valid = self.valid[nodes]
            chance_nodes = nodes[self.is_chance[nodes]]
            dec = nodes[~self.is_chance[nodes]]
            w = np.zeros((N, nodes.size, self.A))
            if dec.size:
                sel = ~self.is_chance[nodes]
                q = np.take_along_axis(child[:, sel], g.mover[dec][None, :, None, None], axis=-1)[
                    ..., 0
                ]
                p = choice(lam, q, valid[sel][None])
                pi[:, g.infoset[dec]] = p
                w[:, sel] = p
            if chance_nodes.size:
                sel = self.is_chance[nodes]
                rows = g.chance_index[chance_nodes]
                w[:, sel, : chance.shape[-1]] = chance[:, rows]
            V[:, nodes] = ((w * valid)[..., None] * child).sum(axis=2)
        return pi


class _TreeSystem:
    r"""The agent-QRE equations of a batch of trees in log-probabilities, for :func:`_trace`.

    Unknowns: :math:`x_h(a) = \log \pi_h(a)` for the actions of every information set;
    equations :math:`x_h - \log \mathrm{logit}_s(Q_h(e^x)) = 0`. The Jacobian is taken by
    forward differences (one batched evaluation per unknown).
    """

    def __init__(self, tree: _Tree, payoffs: np.ndarray, chance: np.ndarray):
        self.tree = tree
        self.payoffs = payoffs
        self.chance = chance
        valid = tree.infoset_valid
        self.h_idx, self.a_idx = np.nonzero(valid)
        self.sizes = tuple(int(k) for k in valid.sum(axis=1))
        self.D = int(self.h_idx.size)

    def behaviour(self, x: np.ndarray) -> np.ndarray:
        pi = np.zeros((x.shape[0], *self.tree.infoset_valid.shape))
        pi[:, self.h_idx, self.a_idx] = np.exp(np.minimum(x, 50.0))
        return pi

    def residual(self, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        x, s = y[:, :-1], y[:, -1]
        tree = self.tree
        probs = tree.node_probs(self.behaviour(x), self.chance[rows])
        V = tree.values(probs, self.payoffs[rows])
        P = tree.reach(probs)
        Q = tree.conditional_values(V, P)
        z = np.where(tree.infoset_valid[None], s[:, None, None] * Q, -np.inf)
        logp = _log_softmax(z)
        return x - logp[:, self.h_idx, self.a_idx]

    def jacobian(self, y: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        H = self.residual(y, rows)
        N, D = H.shape
        J = np.empty((N, D, D + 1))
        for k in range(D + 1):
            step = 1e-7 * (1.0 + np.abs(y[:, k]))
            moved = y.copy()
            moved[:, k] += step
            J[:, :, k] = (self.residual(moved, rows) - H) / step[:, None]
        return H, J


def _flatten_batch(game, lam):
    """Broadcast precisions and the tree's arrays to one batch, flattened to ``N`` rows."""
    lam = _check_lambdas(lam)
    try:
        batch = np.broadcast_shapes(lam.shape, game.batch_shape)
    except ValueError:
        raise SolverError(
            f"lam of shape {lam.shape} does not broadcast with the batch {game.batch_shape}"
        ) from None
    N = int(np.prod(batch, dtype=np.int64))
    payoffs = np.broadcast_to(game.payoffs, batch + game.payoffs.shape[-2:]).reshape(
        N, *game.payoffs.shape[-2:]
    )
    chance = np.broadcast_to(game.chance_probs, batch + game.chance_probs.shape[-2:]).reshape(
        N, *game.chance_probs.shape[-2:]
    )
    lam_flat = np.broadcast_to(lam, batch).reshape(N).astype(float)
    return batch, N, lam_flat, payoffs, chance


def agent_logit_qre(
    game: ExtensiveFormGame,
    lam,
    *,
    tol: float = 1e-10,
    max_steps: int = 20_000,
) -> AgentQRE:
    r"""Agent logit QRE of a batch of extensive-form games at precision ``lam``.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound game (numbers, not expressions).
    lam : float or array_like
        Precision, broadcastable to the batch shape; in the units of the payoffs.
    tol : float
        Newton tolerance on the equations in log-probabilities (imperfect information).
    max_steps : int
        Cap on continuation steps (imperfect information).

    Returns
    -------
    AgentQRE

    Notes
    -----
    With perfect information the agent QRE is unique and computed exactly by backward
    recursion (the logit analogue of backward induction); as :math:`\lambda \to \infty` it
    converges to the subgame-perfect equilibrium where that is unique. With imperfect
    information the equations :math:`\log \pi_h = \log \mathrm{logit}_\lambda(Q_h(\pi))`
    are followed from the centroid at :math:`\lambda = 0` by the same pseudo-arclength
    continuation as :func:`logit_qre_path`, with a Jacobian by finite differences (one batched
    evaluation of the tree per unknown, so this suits trees with tens of actions, not
    thousands). Games where the continuation fails are reported with ``converged`` False.
    Information sets reached with probability zero (only possible when a chance probability is
    zero) get equal weights on their nodes.

    Examples
    --------
    >>> import numpy as np
    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A", "B"])
    >>> root = T.decision("A", {
    ...     "out": T.terminal(1, 1),
    ...     "in": T.decision("B", {"fight": T.terminal(0, 0), "share": T.terminal(2, 2)}),
    ... })
    >>> q = agent_logit_qre(T.build(root), np.array([0.0, 50.0]))
    >>> q.behaviour.round(4).tolist()
    [[[0.5, 0.5], [0.5, 0.5]], [[0.0, 1.0], [0.0, 1.0]]]
    """
    from ..games.extensive_form import ExtensiveFormGame

    if not isinstance(game, ExtensiveFormGame):
        raise SolverError(f"agent_logit_qre needs an ExtensiveFormGame, got {type(game).__name__}")
    game.require_bound()
    batch, N, lam_flat, payoffs, chance = _flatten_batch(game, lam)
    tree = _Tree(game)
    if game.is_perfect_information:
        pi = tree.backward(lam_flat, payoffs, chance)
        method = "backward recursion"
        converged = np.ones(N, dtype=bool)
    else:
        method = "fixed point"
        scale = np.where(np.ptp(payoffs, axis=(1, 2)) > 0, np.ptp(payoffs, axis=(1, 2)), 1.0)
        system = _TreeSystem(tree, payoffs / scale[:, None, None], chance)
        with np.errstate(all="ignore"):
            x, ok, _, _ = _trace(system, (lam_flat * scale)[:, None], tol=tol, max_steps=max_steps)
        pi = system.behaviour(x[:, 0])
        pi /= np.where(tree.infoset_valid[None], pi, 0.0).sum(axis=-1, keepdims=True)
        converged = ok[:, 0]
    new, V, P = tree.respond(pi, lam_flat, payoffs, chance)
    residual = np.abs(new - pi).max(axis=(1, 2)) if game.n_infosets else np.zeros(N)
    if method == "fixed point":
        converged = converged & (residual < 1e-8)
    return AgentQRE(
        game=game,
        lam=lam_flat.reshape(batch),
        behaviour=pi.reshape(*batch, *pi.shape[1:]),
        values=V.reshape(*batch, *V.shape[1:]),
        reach=P.reshape(*batch, P.shape[-1]),
        residual=residual.reshape(batch),
        converged=converged.reshape(batch),
        method=method,
        options={"tol": tol, "max_steps": max_steps},
    )  # fmt: skip


_HERMITE = np.polynomial.hermite.hermgauss(48)


def _probit(lam: np.ndarray, q: np.ndarray, valid: np.ndarray) -> np.ndarray:
    r"""Probit choice probabilities with i.i.d. normal errors of standard deviation 1/lam.

    :math:`P(a) = E_z \prod_{b \ne a} \Phi(z + \lambda (q_a - q_b))`, the expectation over
    :math:`z \sim N(0, 1)` taken by Gauss-Hermite quadrature (48 nodes), then renormalised.
    """
    from scipy.special import ndtr

    nodes, weights = _HERMITE
    z = np.sqrt(2.0) * nodes  # (G,)
    w = weights / np.sqrt(np.pi)
    valid = np.broadcast_to(valid, q.shape)
    diff = lam[:, None, None, None] * (q[..., :, None] - q[..., None, :])  # (N, k, A, A)
    both = valid[..., :, None] & valid[..., None, :]
    diff = np.where(both, diff, np.inf)
    A = q.shape[-1]
    diff = np.where(np.eye(A, dtype=bool), np.inf, diff)  # b = a contributes a factor 1
    prob = np.zeros(q.shape)
    for zg, wg in zip(z, w, strict=True):
        prob += wg * ndtr(zg + diff).prod(axis=-1)
    prob = np.where(valid, prob, 0.0)
    return prob / prob.sum(axis=-1, keepdims=True)


def agent_probit_qre(game: ExtensiveFormGame, lam) -> AgentQRE:
    r"""Agent probit QRE of perfect-information trees (Signorino's strategic probit).

    Every mover adds to each action's continuation value an independent normal error with
    standard deviation :math:`1/\lambda` and takes the best, so at a node with values
    :math:`q_a` the choice probabilities are

    .. math::

        P(a) = \int \varphi(z) \prod_{b \ne a} \Phi\big(z + \lambda (q_a - q_b)\big)\, dz,

    which for two actions is :math:`\Phi(\lambda (q_a - q_b) / \sqrt{2})`. Solved by one
    backward pass over the tree levels for the whole batch, as
    :func:`agent_logit_qre` does for the logit.

    Raises
    ------
    GameValueError
        If the game has imperfect information (not supported for the probit).

    Examples
    --------
    >>> from scipy.stats import norm
    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A"])
    >>> tree = T.build(T.decision("A", {"x": T.terminal(1.0), "y": T.terminal(0.0)}))
    >>> q = agent_probit_qre(tree, 2.0)
    >>> bool(abs(q.behaviour[0, 0] - norm.cdf(2.0 / 2 ** 0.5)) < 1e-9)
    True
    """
    from ..games.extensive_form import ExtensiveFormGame

    if not isinstance(game, ExtensiveFormGame):
        raise SolverError(f"agent_probit_qre needs an ExtensiveFormGame, got {type(game).__name__}")
    game.require_bound()
    if not game.is_perfect_information:
        raise SolverError("agent_probit_qre supports perfect-information trees only")
    batch, N, lam_flat, payoffs, chance = _flatten_batch(game, lam)
    tree = _Tree(game)
    pi = tree.backward(lam_flat, payoffs, chance, choice=_probit)
    probs = tree.node_probs(pi, chance)
    V = tree.values(probs, payoffs)
    P = tree.reach(probs)
    Q = tree.conditional_values(V, P)
    residual = (
        np.abs(_probit(lam_flat, Q, tree.infoset_valid[None]) - pi).max(axis=(1, 2))
        if game.n_infosets
        else np.zeros(N)
    )
    return AgentQRE(
        game=game,
        lam=lam_flat.reshape(batch),
        behaviour=pi.reshape(*batch, *pi.shape[1:]),
        values=V.reshape(*batch, *V.shape[1:]),
        reach=P.reshape(*batch, P.shape[-1]),
        residual=residual.reshape(batch),
        converged=np.ones(batch, dtype=bool),
        method="probit backward recursion",
        options={"quadrature_nodes": len(_HERMITE[0])},
    )
