r"""Minmax values: the worst payoff the others can hold a player to.

Player :math:`i`'s *pure* minmax value is

.. math::

    \underline v_i^{\,p} = \min_{a_{-i} \in A_{-i}} \max_{a_i \in A_i} u_i(a_i, a_{-i}),

and, in a two-player game, the *mixed* minmax value is the value of the zero-sum game in which
the opponent :math:`j` minimises :math:`u_i`,

.. math::

    \underline v_i = \min_{\sigma_j \in \Delta(A_j)} \max_{a_i \in A_i} u_i(a_i, \sigma_j)
    = \max_{\sigma_i} \min_{a_j} u_i(\sigma_i, a_j)

(von Neumann's minimax theorem). These are the punishments behind the folk theorem: no
equilibrium of the repeated game gives player :math:`i` less than :math:`\underline v_i`
(Fudenberg and Maskin, *Econometrica* 54, 1986).

The mixed value is computed without linear programming, for the whole batch at once, by the
theorem of Shapley and Snow (1950): every matrix game has an optimal pair that is *basic*,
supported on a square submatrix :math:`M` (rows :math:`I`, columns :math:`J`,
:math:`|I| = |J| = k`) with :math:`M y = v \mathbf 1`, :math:`x^\top M = v \mathbf 1^\top`,
:math:`\mathbf 1^\top x = \mathbf 1^\top y = 1`. The loop runs over the pairs of supports (the
structure of the game), each step solving the bordered linear systems of every game in the
batch; a candidate is kept where :math:`x, y \ge 0` and it is optimal against every pure
strategy.

Examples
--------
>>> from irgames.games.normal_form import NormalFormGame
>>> from irgames.solvers.minmax import minmax_values
>>> pd = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> minmax_values(pd).values.tolist()
[1.0, 1.0]
>>> mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
>>> minmax_values(mp).values.round(9).tolist(), minmax_values(mp, mixed=False).values.tolist()
([0.0, 0.0], [1.0, 1.0])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..errors import ConvergenceError, GameValueError, SolverError
from ..games.normal_form import NormalFormGame
from .result import Result, accepts_tolerance

__all__ = ["MinmaxValues", "minmax_values", "zero_sum_value"]


@dataclass(frozen=True, eq=False)
class MinmaxValues(Result):
    """Minmax values of every player, for a batch of games.

    Attributes
    ----------
    values : ndarray, shape (*batch, n)
        :math:`\\underline v_i` for each player.
    punishments : tuple of ndarray
        ``punishments[i]`` has shape ``(*batch, a_j)`` for two players: the opponent's (mixed)
        strategy that holds player ``i`` to her minmax value. For pure minmax of
        ``n`` players, ``punishments[i]`` is the flat index (C order over the others' action
        axes) of the others' minmaxing pure profile, shape ``batch``.
    mixed : bool
        Whether the values are mixed (two players) or pure minmax values.
    """

    values: np.ndarray
    punishments: tuple[np.ndarray, ...]
    mixed: bool

    method = "minmax_values"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape[:-1])


@accepts_tolerance
def zero_sum_value(A, *, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Value and optimal strategies of zero-sum matrix games (row maximises ``A``).

    Parameters
    ----------
    A : array_like, shape (*batch, m, n)
    tol : float
        Relative to each game's payoff range.

    Returns
    -------
    value : ndarray, shape batch
    x : ndarray, shape (*batch, m)
        An optimal (maximin) strategy of the row player.
    y : ndarray, shape (*batch, n)
        An optimal (minmax) strategy of the column player.

    Examples
    --------
    >>> v, x, y = zero_sum_value([[2.0, -1.0], [-1.0, 1.0]])
    >>> round(float(v), 6), x.round(6).tolist(), y.round(6).tolist()
    (0.2, [0.4, 0.6], [0.4, 0.6])
    """
    A = np.asarray(A, dtype=float)
    if A.ndim < 2 or not np.all(np.isfinite(A)):
        raise GameValueError(f"A must be a finite (batch of) matrices; got shape {A.shape}")
    batch, (m, n) = A.shape[:-2], A.shape[-2:]
    spread = A.max(axis=(-2, -1)) - A.min(axis=(-2, -1))
    scale = np.where(spread > 0, spread, 1.0)
    value = np.full(batch, np.nan)
    best_x = np.full((*batch, m), np.nan)
    best_y = np.full((*batch, n), np.nan)
    # Shift so that the value is positive: keeps the bordered systems well conditioned.
    B = (A - A.min(axis=(-2, -1), keepdims=True)[..., :, :]) / scale[..., None, None] + 1.0
    for k in range(1, min(m, n) + 1):
        for rows in itertools.combinations(range(m), k):
            for cols in itertools.combinations(range(n), k):
                done = ~np.isnan(value)
                if np.all(done):
                    break
                M = B[..., rows, :][..., :, cols]  # (*batch, k, k)
                border = np.zeros((*batch, k + 1, k + 1))
                border[..., :k, :k] = M
                border[..., :k, k] = -1.0
                border[..., k, :k] = 1.0
                rhs = np.zeros((*batch, k + 1))
                rhs[..., k] = 1.0
                bt = border.copy()
                bt[..., :k, :k] = np.swapaxes(M, -1, -2)
                det_y = np.linalg.det(border)
                det_x = np.linalg.det(bt)
                ok = (np.abs(det_y) > 1e-10) & (np.abs(det_x) > 1e-10)
                safe = np.eye(k + 1)
                sy = np.linalg.solve(np.where(ok[..., None, None], border, safe), rhs[..., None])
                sx = np.linalg.solve(np.where(ok[..., None, None], bt, safe), rhs[..., None])
                y_k, v = sy[..., :k, 0], sy[..., k, 0]
                x_k = sx[..., :k, 0]
                y = np.zeros((*batch, n))
                x = np.zeros((*batch, m))
                y[..., list(cols)] = y_k
                x[..., list(rows)] = x_k
                eps = tol
                good = ok & ~done
                good &= np.all(y_k >= -eps, axis=-1) & np.all(x_k >= -eps, axis=-1)
                good &= np.all(np.einsum("...ij,...j->...i", B, y) <= v[..., None] + eps, -1)
                good &= np.all(np.einsum("...i,...ij->...j", x, B) >= v[..., None] - eps, -1)
                value = np.where(good, v, value)
                best_x = np.where(good[..., None], np.clip(x, 0, None), best_x)
                best_y = np.where(good[..., None], np.clip(y, 0, None), best_y)
    if np.any(np.isnan(value)):
        raise ConvergenceError("no basic optimal solution found (tolerance too tight?)")
    best_x /= best_x.sum(axis=-1, keepdims=True)
    best_y /= best_y.sum(axis=-1, keepdims=True)
    # The value in the original units, from the optimal strategies.
    value = np.einsum("...i,...ij,...j->...", best_x, A, best_y)
    return value, best_x, best_y


def minmax_values(game: NormalFormGame, *, mixed: bool = True) -> MinmaxValues:
    r"""Minmax values :math:`\underline v_i` of every player of a batch of games.

    Parameters
    ----------
    game : NormalFormGame
    mixed : bool
        Mixed minmax (two-player games only) or pure minmax (any number of players).

    Returns
    -------
    MinmaxValues
    """
    n = game.n_players
    if mixed:
        if n != 2:
            raise SolverError(
                "mixed minmax values are computed for two-player games only (with three or "
                "more players the punishers' independent mixing makes the problem non-convex); "
                "use mixed=False for pure minmax values"
            )
        values, punish = [], []
        for i in range(2):
            A = game.player_payoffs(i)
            if i == 1:
                A = np.swapaxes(A, -1, -2)  # rows: player 1's actions
            v, _, y = zero_sum_value(A)
            values.append(v)
            punish.append(y)
        return MinmaxValues(np.stack(values, axis=-1), tuple(punish), True)
    values, punish = [], []
    for i in range(n):
        u = np.moveaxis(game.player_payoffs(i), -n + i, -1)  # (*batch, a_-i..., a_i)
        best = u.max(axis=-1).reshape(*game.batch_shape, -1)
        values.append(best.min(axis=-1))
        punish.append(best.argmin(axis=-1))
    return MinmaxValues(np.stack(values, axis=-1), tuple(punish), False)
