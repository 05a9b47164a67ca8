r"""Two-player zero-sum games by linear programming, many games per linear program.

In a zero-sum game the row player receives :math:`A_{ij}` and the column player
:math:`-A_{ij}`. By von Neumann's minimax theorem

.. math::

    v = \max_{x \in \Delta_m} \min_{j} (x^\top A)_j = \min_{y \in \Delta_n} \max_i (A y)_i,

and a profile :math:`(x, y)` is a Nash equilibrium iff :math:`x` is maximin and :math:`y`
minmax. The row player's problem is the linear program

.. math::

    \max_{x, v}\; v \quad \text{s.t.} \quad v - (A^\top x)_j \le 0 \;\; (j = 1..n),
    \quad \mathbf 1^\top x = 1, \quad x \ge 0,

whose dual is the column player's problem: the multipliers of the :math:`n` inequalities
form an optimal :math:`y`. One solve gives both strategies.

Batching. The linear programs of different games share no variable, so a batch of :math:`G`
games is one linear program whose constraint matrix is block diagonal (sparse), with objective
:math:`\max \sum_g v_g`; it separates into the games' own programs, and its multipliers are
the games' own. scipy's HiGHS dual simplex solves it in one call; a loop runs only over
blocks of games sized to keep each program near ``max_nonzeros`` nonzeros (a memory bound,
not a loop over games). Each game's matrix is first mapped affinely to :math:`[0, 1]`
(:math:`A' = (A - \min A) / (\max A - \min A)`), which leaves the optimal strategies unchanged
and puts every block on the same numerical scale; the value is mapped back.

Why linear programming here: it is polynomial in the size of the game, so it also serves
games far too large for enumerating supports or vertices, and its answer is checked like
every other solver's: the returned profile's regret is computed independently, and
``lower``/``upper`` bracket the value by the guarantees of :math:`x` and :math:`y`.

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.zero_sum import zero_sum
>>> solution = zero_sum(ig.NormalFormGame.zero_sum([[2.0, -1.0], [-1.0, 1.0]]))
>>> round(float(solution.value), 9), solution.row.round(9).tolist()
(0.2, [0.4, 0.6])
>>> bool(solution.equilibria.max_relative_regret < 1e-9)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from .equilibria import Equilibria
from .result import Result

__all__ = ["ZeroSumSolution", "zero_sum"]


@dataclass(frozen=True, eq=False)
class ZeroSumSolution(Result):
    """Value and optimal strategies of a batch of zero-sum (or constant-sum) games.

    Attributes
    ----------
    value : ndarray, shape batch_shape
        The value to the row player, :math:`x^\\top A y` at the returned profile.
    row, column : ndarray, shapes (*batch_shape, m) and (*batch_shape, n)
        An optimal (maximin) strategy of the row player and an optimal (minmax) strategy of
        the column player.
    lower, upper : ndarray, shape batch_shape
        What the strategies guarantee: :math:`\\min_j (x^\\top A)_j \\le v \\le
        \\max_i (A y)_i`; ``upper - lower`` is a certificate of optimality (0 when exact).
    equilibria : Equilibria
        The profiles as a result with one row per game, payoffs and independently computed
        regret (``complete=False``: a game may have a polytope of optimal strategies; one
        point of it is returned).
    """

    value: np.ndarray
    row: np.ndarray
    column: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    equilibria: Equilibria

    method = "zero_sum"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    @property
    def tol(self) -> float:
        return self.equilibria.tol

    @property
    def regret(self) -> np.ndarray:
        """Each player's regret of the rows of :attr:`equilibria`, shape ``(k, 2)``."""
        return self.equilibria.player_regret


def _check(game: NormalFormGame, tol: float) -> np.ndarray:
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"expected a NormalFormGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise SolverError(f"a zero-sum game here has two players; got {game.n_players}")
    tol = float(tol)
    if not np.isfinite(tol) or tol < 0:
        raise SolverError(f"tol must be a finite non-negative number, got {tol}")
    flat = game.flatten()
    total = flat.payoffs[:, 0] + flat.payoffs[:, 1]
    spread = total.max(axis=(1, 2)) - total.min(axis=(1, 2))
    # In a constant-sum game both players' payoff units are equal (s_1 = s_2); the check is
    # against the smaller one, so that a game whose players' ranges differ cannot pass.
    bad = np.flatnonzero(spread > tol * flat.payoff_units.min(axis=1))
    if bad.size:
        raise SolverError(
            f"game {int(bad[0])} of the batch is not zero-sum (nor constant-sum): the payoffs "
            f"sum to values spread over {float(spread[bad[0]]):.3g}; {bad.size} game(s) fail"
        )
    return flat.payoffs[:, 0]


def _block_lp(A: np.ndarray):
    """One HiGHS solve of the block-diagonal program for games ``A`` of shape (g, m, n)."""
    g, m, n = A.shape
    k = m + 1  # variables per game: x_1..x_m, v
    # inequalities: for each game and column j: v - sum_i A[i, j] x_i <= 0
    rows = np.repeat(np.arange(g * n), m + 1)
    game_of_row = rows // n
    within = np.tile(np.arange(m + 1), g * n)
    cols = game_of_row * k + within
    values = np.empty((g, n, m + 1))
    values[:, :, :m] = -np.swapaxes(A, 1, 2)
    values[:, :, m] = 1.0
    A_ub = sp.csr_matrix((values.reshape(-1), (rows, cols)), shape=(g * n, g * k))
    # equalities: sum_i x_i = 1 per game
    eq_rows = np.repeat(np.arange(g), m)
    eq_cols = (np.arange(g)[:, None] * k + np.arange(m)).reshape(-1)
    A_eq = sp.csr_matrix((np.ones(g * m), (eq_rows, eq_cols)), shape=(g, g * k))
    c = np.zeros(g * k)
    c[m::k] = -1.0  # maximise the sum of the values
    bounds = np.zeros((g * k, 2))
    bounds[:, 1] = np.inf
    bounds[m::k] = (-np.inf, np.inf)
    result = linprog(
        c,
        A_ub=A_ub,
        b_ub=np.zeros(g * n),
        A_eq=A_eq,
        b_eq=np.ones(g),
        bounds=bounds,
        method="highs-ds",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if result.status != 0:
        raise SolverError(f"HiGHS did not solve the zero-sum programs: {result.message}")
    solution = result.x.reshape(g, k)
    x = np.clip(solution[:, :m], 0.0, None)
    y = np.clip(-result.ineqlin.marginals.reshape(g, n), 0.0, None)
    x /= x.sum(axis=1, keepdims=True)
    y /= y.sum(axis=1, keepdims=True)
    return x, y


def zero_sum(
    game: NormalFormGame, *, tol: float = 1e-9, max_nonzeros: int = 20_000
) -> ZeroSumSolution:
    r"""Value and optimal strategies of every zero-sum game in a batch, by linear programming.

    Parameters
    ----------
    game : NormalFormGame
        Two-player games with ``payoffs[1] = -payoffs[0]`` (or constant-sum: ``payoffs[0] +
        payoffs[1]`` constant within ``tol`` times the payoff range); any batch shape.
    tol : float
        Tolerance of the zero-sum check, relative to each game's payoff range; also recorded
        as the tolerance of the result.
    max_nonzeros : int
        Rough bound on the nonzeros of one linear program; the batch is split into blocks of
        games to respect it.

    Returns
    -------
    ZeroSumSolution

    Raises
    ------
    GameValueError
        If a game does not have two players or is not zero-sum (constant-sum).
    RuntimeError
        If HiGHS reports a failure (it should not: these programs are feasible and bounded).
    """
    A = _check(game, tol)  # (G, m, n), row player's payoffs
    G, m, n = A.shape
    low = A.min(axis=(1, 2))
    spread = A.max(axis=(1, 2)) - low
    spread = np.where(spread > 0, spread, 1.0)
    normalised = (A - low[:, None, None]) / spread[:, None, None]
    per_game = n * (m + 1) + m
    block = max(1, int(max_nonzeros) // per_game)
    xs, ys = [np.zeros((0, m))], [np.zeros((0, n))]
    for start in range(0, G, block):  # blocks of games, each one linear program
        x, y = _block_lp(normalised[start : start + block])
        xs.append(x)
        ys.append(y)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    equilibria = Equilibria.from_profiles(
        game,
        np.arange(G),
        (x, y),
        method="zero_sum_lp",
        tol=tol,
        complete=False,
        options={"solver": "scipy.optimize.linprog (HiGHS dual simplex)", "block": block},
    )
    guaranteed = np.einsum("gi,gij->gj", x, A).min(axis=1)
    conceded = np.einsum("gij,gj->gi", A, y).max(axis=1)
    batch = game.batch_shape
    return ZeroSumSolution(
        value=equilibria.payoffs[:, 0].reshape(batch),
        row=x.reshape((*batch, m)),
        column=y.reshape((*batch, n)),
        lower=guaranteed.reshape(batch),
        upper=conceded.reshape(batch),
        equilibria=equilibria,
    )
