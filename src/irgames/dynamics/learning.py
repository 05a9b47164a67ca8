r"""Fictitious play, plain and stochastic, for batches of two-player games.

Each player :math:`i` keeps the empirical frequency :math:`b_{-i}^t` of the other's past
actions (her *belief*) and plays a response to it; then both beliefs are updated with the
actions just played:

.. math::

    b^{t+1} = b^t + \alpha_t \,(e_{a^t} - b^t), \qquad
    \alpha_t = \frac{1}{w_0 + t + 1} \;\text{(decreasing gain)} \quad\text{or}\quad
    \alpha_t = \alpha \;\text{(constant gain)},

where :math:`w_0` is the weight of the initial belief (the sum of the initial play counts
:math:`c^0`, :math:`b^0 = c^0 / w_0`): with decreasing gain, :math:`b^t = c^t / (w_0 + t)`
is the frequency of the counts :math:`c^{t+1} = c^t + e_{a^t}`.

**Fictitious play** (Brown 1951): :math:`a_1^t \in \arg\max_i (A b_2^t)_i`,
:math:`a_2^t \in \arg\max_j (B^\top b_1^t)_j`; ties (payoffs within ``tol`` times the player's
payoff unit of the best) go to the smallest index. In zero-sum games (Robinson 1951) and
:math:`2 \times 2` games the beliefs converge to the set of Nash equilibria.

**Stochastic fictitious play** (Fudenberg and Kreps 1993; Hofbauer and Sandholm 2002): each
player draws her action from the logit response

.. math::

    P(a_1^t = i) = \frac{e^{(A b_2^t)_i / \eta}}{\sum_k e^{(A b_2^t)_k/\eta}},

the best response to payoffs perturbed by independent Gumbel shocks of scale :math:`\eta`;
beliefs then track the logit quantal response equilibrium at precision :math:`1/\eta` in
games where it is globally stable (zero-sum, potential, :math:`2 \times 2`).

Batching: the state is one array over the batch (games and initial beliefs broadcast); a loop
runs over the iterations, each a vectorised step for the whole batch. Random draws come from
one :func:`numpy.random.default_rng` seeded by ``seed``.

Examples
--------
Matching pennies: the empirical frequencies tend to :math:`(1/2, 1/2)`.

>>> import irgames as ig
>>> from irgames import dynamics
>>> mp = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1]])
>>> play = dynamics.fictitious_play(mp, 20_000, initial=([1, 0], [1, 0]))
>>> [x.round(2).tolist() for x in play.final]
[[0.5, 0.5], [0.5, 0.5]]
"""

from __future__ import annotations

import numpy as np

from .._memory import require
from ..errors import GameValueError, SolverError
from ._common import Trajectory, bimatrix, broadcast_batch, steps_of

__all__ = ["fictitious_play", "stochastic_fictitious_play"]


def _setup(game, initial, iterations, gain):
    A, Bm, game_batch = bimatrix(game)
    m, n = A.shape[-2:]
    steps = steps_of(iterations)
    if initial is None:
        initial = (np.zeros(m), np.zeros(n))
    try:
        c1, c2 = (np.asarray(c, dtype=float) for c in initial)
    except (TypeError, ValueError):
        raise GameValueError("initial must be a pair of play counts (row's, column's)") from None
    for c, k, who in ((c1, m, "row"), (c2, n, "column")):
        if c.ndim == 0 or c.shape[-1] != k:
            raise GameValueError(f"the {who} player's initial counts must end in an axis of {k}")
        if not np.all(np.isfinite(c)) or np.any(c < 0):
            raise GameValueError(f"the {who} player's initial counts must be non-negative")
    batch = broadcast_batch(game_batch, c1.shape[:-1], c2.shape[:-1])
    B = int(np.prod(batch, dtype=np.int64))
    require(8.0 * B * (m + n) * (steps + 1), "the beliefs' trajectories")
    if gain is not None:
        gain = float(gain)
        if not 0 < gain <= 1:
            raise SolverError(f"a constant gain must lie in (0, 1], got {gain}")
    A = np.broadcast_to(A, (*batch, m, n)).reshape(B, m, n)
    Bm = np.broadcast_to(Bm, (*batch, m, n)).reshape(B, m, n)
    c1 = np.broadcast_to(c1, (*batch, m)).reshape(B, m)
    c2 = np.broadcast_to(c2, (*batch, n)).reshape(B, n)
    w1, w2 = c1.sum(axis=1), c2.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        b1 = np.where(w1[:, None] > 0, c1 / w1[:, None], 0.0)
        b2 = np.where(w2[:, None] > 0, c2 / w2[:, None], 0.0)
    return A, Bm, batch, B, steps, (b1, b2), (w1, w2), gain


def _unit(M):
    spread = M.max(axis=(1, 2)) - M.min(axis=(1, 2))
    return np.where(spread > 0, spread, 1.0)


def _run(game, iterations, initial, gain, choose, method, options):
    A, Bm, batch, B, steps, (b1, b2), (w1, w2), gain = _setup(game, initial, iterations, gain)
    m, n = A.shape[1:]
    path1 = np.empty((steps + 1, B, m))
    path2 = np.empty((steps + 1, B, n))
    actions = np.empty((steps, B, 2), dtype=np.int64)
    path1[0] = np.where(w1[:, None] > 0, b1, np.nan)
    path2[0] = np.where(w2[:, None] > 0, b2, np.nan)
    units = (_unit(A), _unit(Bm))
    rows = np.arange(B)
    for t in range(steps):  # a loop over iterations, each a step of the whole batch
        v1 = np.einsum("bij,bj->bi", A, b2)
        v2 = np.einsum("bij,bi->bj", Bm, b1)
        a1 = choose(v1, units[0])
        a2 = choose(v2, units[1])
        actions[t, :, 0], actions[t, :, 1] = a1, a2
        if gain is None:
            s1, s2 = 1.0 / (w1 + t + 1), 1.0 / (w2 + t + 1)
        else:
            s1 = s2 = np.full(B, gain)
        b1 = b1 * (1 - s1)[:, None]
        b1[rows, a1] += s1
        b2 = b2 * (1 - s2)[:, None]
        b2[rows, a2] += s2
        path1[t + 1], path2[t + 1] = b1, b2

    def shape(p):
        return np.moveaxis(p, 0, 1).reshape(*batch, steps + 1, p.shape[-1])

    options = dict(options, gain=gain)
    options["actions"] = np.moveaxis(actions, 0, 1).reshape(*batch, steps, 2)
    return Trajectory(
        times=np.arange(steps + 1, dtype=float),
        trajectory=(shape(path1), shape(path2)),
        method=method,
        options=options,
        batch_shape=batch,
    )


def fictitious_play(
    game, iterations: int, *, initial=None, gain: float | None = None, tol: float = 1e-9
) -> Trajectory:
    r"""Fictitious play in a batch of two-player games.

    Parameters
    ----------
    game : NormalFormGame or (A, B)
        Two-player games, any batch shape.
    iterations : int
        Number of rounds of play.
    initial : pair of array_like, optional
        Initial play counts :math:`c^0` of the row and the column player (what the other
        believes about them), shapes ``(..., m)`` and ``(..., n)``, broadcast with the batch.
        Default zeros: the first responses are to an empty history (every action ties).
    gain : float, optional
        A constant gain :math:`\alpha` instead of the decreasing gain.
    tol : float
        Ties: payoffs within ``tol`` times the player's payoff unit of the best.

    Returns
    -------
    Trajectory
        ``trajectory = (row beliefs, column beliefs)``, each ``(*batch, iterations + 1, k)``:
        the empirical frequency of each player's actions (NaN at time 0 for zero initial
        counts); ``options["actions"]`` holds the actions played, ``(*batch, iterations, 2)``.
    """

    def best(values, unit):
        top = values.max(axis=1, keepdims=True)
        return np.argmax(values >= top - tol * unit[:, None], axis=1)

    return _run(game, iterations, initial, gain, best, "fictitious play", {"tol": tol})


def stochastic_fictitious_play(
    game,
    iterations: int,
    *,
    eta: float = 0.1,
    initial=None,
    gain: float | None = None,
    seed=None,
) -> Trajectory:
    r"""Stochastic (logit) fictitious play in a batch of two-player games.

    Parameters
    ----------
    game, iterations, initial, gain
        As for :func:`fictitious_play`.
    eta : float
        The noise :math:`\eta > 0` of the logit response, in the game's payoff units as given.
    seed : int or numpy.random.Generator, optional
        Seeds the draws (one generator for the whole batch).

    Returns
    -------
    Trajectory
        As for :func:`fictitious_play`.
    """
    eta = float(eta)
    if not (np.isfinite(eta) and eta > 0):
        raise SolverError(f"eta must be a positive number, got {eta}")
    rng = np.random.default_rng(seed)

    def draw(values, _unit):
        z = np.exp((values - values.max(axis=1, keepdims=True)) / eta)
        cdf = np.cumsum(z, axis=1)
        u = rng.random(values.shape[0]) * cdf[:, -1]
        return np.minimum((cdf < u[:, None]).sum(axis=1), values.shape[1] - 1)

    return _run(game, iterations, initial, gain, draw, "stochastic fictitious play", {"eta": eta})
