r"""Stackelberg (leader-commitment) equilibria of bimatrix games, many games per linear program.

The leader :math:`L` commits to a mixed strategy :math:`x \in \Delta_m` over her :math:`m`
actions; the follower observes :math:`x` and plays a best response among his :math:`n`
actions. With :math:`U` the leader's and :math:`V` the follower's payoff matrix (leader's
actions as rows), the follower's best responses to :math:`x` are

.. math::

    \mathrm{BR}(x) = \arg\max_{j} (x^\top V)_j ,

and the set of commitments against which :math:`j` is a best response is the polytope

.. math::

    R_j = \{x \in \Delta_m : x^\top (V_{\cdot j} - V_{\cdot k}) \ge 0 \;\; \forall k\}.

**Strong** Stackelberg equilibrium (ties broken in the leader's favour). The leader's value is
:math:`\max_j \max_{x \in R_j} x^\top U_{\cdot j}`: one linear program per follower action
(Conitzer and Sandholm 2006), the best of them chosen. This value is never below the leader's
payoff in any Nash equilibrium (von Stengel and Zamir 2010): a Nash strategy :math:`x^*` is
a commitment whose follower best response gives the leader her Nash payoff.

**Weak** Stackelberg equilibrium (ties broken against the leader): the leader gets
:math:`W(x) = \min_{j \in \mathrm{BR}(x)} x^\top U_{\cdot j}`. :math:`W` is upper
semicontinuous only on the interior of the regions, so its supremum need not be attained. On
the set where :math:`j` is the *unique* best response, :math:`W = x^\top U_{\cdot j}`; when
that set is non-empty its closure is :math:`R_j`, so the supremum is

.. math::

    \sup_x W(x) = \max \big\{ \max_{x \in R_j} x^\top U_{\cdot j} \;:\; R_j
    \text{ has a point where } j \text{ is the unique best response} \big\},

reached by approaching the maximiser :math:`x_j^*` from inside the region. ``kind="weak"``
returns this supremum, the maximiser :math:`x_j^*` (a point of the boundary when the value is
not attained) and :math:`j`; ``attained`` says whether :math:`W(x_j^*)` equals the supremum
(within the tolerance), i.e. whether the follower's worst best response at :math:`x_j^*` still
gives the leader the value. A region with a unique-best-response point is detected by the
margin program :math:`\max_{x, t} t` s.t. :math:`x^\top(V_{\cdot j} - V_{\cdot k}) \ge t`
(:math:`k \ne j`): its optimum is positive. Games where two follower actions have identical
payoff columns (so that neither is ever the unique best response, and the formula above does
not cover the pair) are not solved in the weak version: their row is NaN and ``attained`` is
False.

Tolerances and scale. Each game's matrices are mapped to :math:`[0, 1]` by their own ranges
(the players' payoff units :math:`s_L, s_F`), which changes neither the regions nor the
maximisers. The margin program's optimum :math:`t_j^*` (in the follower's unit) decides:
:math:`R_j` is non-empty iff :math:`t_j^* \ge -\mathrm{tol}`, and it has a point where
:math:`j` is the unique best response iff :math:`t_j^* > \mathrm{tol}`. The value program for
:math:`j` then uses right-hand sides :math:`\min(t_j^*, 0)`, so it is always feasible.

Batching. The programs of different games share no variable: for each follower action
:math:`j` the margin programs of the whole batch are one block-diagonal linear program, and
so are the value programs, each solved by one call of scipy's HiGHS
(:func:`scipy.optimize.linprog`). Loops run over the follower's actions and over blocks of
games sized to ``max_nonzeros`` (a memory bound), never over single games.

Every result is checked independently of the linear programs: ``follower_regret`` is the
follower's regret of the pure action :math:`j` against :math:`x`, computed by
:func:`irgames.games.regret.regret`, in the follower's own payoff unit.

Examples
--------
The commitment game of Conitzer and Sandholm: committing to :math:`(1/2, 1/2)` gives the
leader 3.5 where her Nash payoff is 2.

>>> import irgames as ig
>>> game = ig.NormalFormGame.bimatrix([[2, 4], [1, 3]], [[1, 0], [0, 1]])
>>> result = ig.stackelberg(game)
>>> round(float(result.leader_value), 9), result.leader_strategy.round(9).tolist()
(3.5, [0.5, 0.5])
>>> int(result.follower_action), round(float(result.follower_value), 9)
(1, 0.5)
>>> weak = ig.stackelberg(game, kind="weak")
>>> round(float(weak.leader_value), 9), bool(weak.attained)
(3.5, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ..errors import SolverError
from ..games.normal_form import NormalFormGame, payoff_units
from ..games.regret import regret as _regret
from .result import Result

__all__ = ["DEFAULT_TOL", "StackelbergResult", "stackelberg"]

#: Default tolerance, relative to each player's payoff unit.
DEFAULT_TOL = 1e-7

_HIGHS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


@dataclass(frozen=True, eq=False)
class StackelbergResult(Result):
    """Stackelberg equilibrium of every game in a batch (one row per game).

    Attributes
    ----------
    leader_value : ndarray, shape batch_shape
        The leader's payoff (the supremum, for ``kind="weak"``).
    leader_strategy : ndarray, shape (*batch_shape, m)
        The leader's commitment over her own actions.
    follower_action : ndarray of int, shape batch_shape
        The follower's (pure) best response played against the commitment.
    follower_value : ndarray, shape batch_shape
        The follower's payoff.
    follower_regret : ndarray, shape batch_shape
        The follower's regret of ``follower_action`` against ``leader_strategy`` divided by
        his payoff unit (computed by :func:`irgames.games.regret.regret`); at most about
        ``tol``.
    attained : ndarray of bool, shape batch_shape
        Whether the value is reached at ``leader_strategy`` by the tie-breaking rule of
        ``kind`` (always True for ``"strong"``; for ``"weak"``, False where the value is a
        supremum approached from inside the region of ``follower_action``).
    leader : int
        The leader's player index (0: row, 1: column).
    kind : str
        ``"strong"`` or ``"weak"``.
    game_index : ndarray of int, shape (batch_size,)
        Flat (C-order) index of each row's game.
    method : str
    tol : float
    options : dict
    """

    leader_value: np.ndarray
    leader_strategy: np.ndarray
    follower_action: np.ndarray
    follower_value: np.ndarray
    follower_regret: np.ndarray
    attained: np.ndarray
    leader: int
    kind: str
    game_index: np.ndarray
    method: str
    tol: float
    options: dict[str, Any] = field(default_factory=dict)

    layout = "per_equilibrium"

    @property
    def regret(self) -> np.ndarray:
        """The follower's regret (``follower_regret``): the leader commits, so the follower's
        best reply is the equilibrium condition."""
        return self.follower_regret

    def to_pandas(self):
        """One row per game: the values, the follower's action and the leader's strategy."""
        import pandas as pd

        m = self.leader_strategy.shape[-1]
        data = {
            "game_index": self.game_index,
            "leader_value": self.leader_value.reshape(-1),
            "follower_action": self.follower_action.reshape(-1),
            "follower_value": self.follower_value.reshape(-1),
            "follower_regret": self.follower_regret.reshape(-1),
            "attained": self.attained.reshape(-1),
        }
        strategy = self.leader_strategy.reshape(-1, m)
        for a in range(m):
            data[f"x_{a}"] = strategy[:, a]
        return pd.DataFrame(data)


def _block_program(U, D, rhs, *, margin: bool):
    r"""One HiGHS solve over games ``U`` (g, m), ``D`` (g, k, m).

    ``margin=False``: :math:`\max_x U x` s.t. :math:`D x \ge \text{rhs}`, :math:`x \in \Delta`.
    ``margin=True``: :math:`\max_{x, t} t` s.t. :math:`D x - t \ge 0`, :math:`t \in [-1, 1]`
    (``U`` and ``rhs`` unused). Returns (x, objective per game).
    """
    g, k, m = D.shape
    width = m + 1 if margin else m
    # inequalities -D x (+ t) <= -rhs, k per game
    rows = np.repeat(np.arange(g * k), width)
    cols = (np.arange(g)[:, None, None] * width + np.arange(width)[None, None, :]).repeat(k, axis=1)
    values = np.empty((g, k, width))
    values[:, :, :m] = -D
    if margin:
        values[:, :, m] = 1.0
    A_ub = sp.csr_matrix((values.reshape(-1), (rows, cols.reshape(-1))), shape=(g * k, g * width))
    b_ub = np.zeros(g * k) if margin else -rhs.reshape(-1)
    eq_rows = np.repeat(np.arange(g), m)
    eq_cols = (np.arange(g)[:, None] * width + np.arange(m)).reshape(-1)
    A_eq = sp.csr_matrix((np.ones(g * m), (eq_rows, eq_cols)), shape=(g, g * width))
    c = np.zeros((g, width))
    bounds = np.zeros((g, width, 2))
    bounds[:, :, 1] = 1.0
    if margin:
        c[:, m] = -1.0
        bounds[:, m] = (-1.0, 1.0)
    else:
        c[:, :] = -U
    result = linprog(
        c.reshape(-1),
        A_ub=A_ub if k else None,
        b_ub=b_ub if k else None,
        A_eq=A_eq,
        b_eq=np.ones(g),
        bounds=bounds.reshape(-1, 2),
        method="highs",
        options=_HIGHS,
    )
    if result.status != 0:
        raise SolverError(f"HiGHS did not solve the Stackelberg programs: {result.message}")
    solution = result.x.reshape(g, width)
    x = np.clip(solution[:, :m], 0.0, None)
    x /= x.sum(axis=1, keepdims=True)
    objective = solution[:, m] if margin else np.einsum("gm,gm->g", U, x)
    return x, objective


def _check_game(game, leader, kind, tol) -> float:
    if not isinstance(game, NormalFormGame) or game.n_players != 2:
        raise SolverError(
            f"stackelberg needs a two-player NormalFormGame (a bimatrix game); got {game!r}"
        )
    if leader not in (0, 1):
        raise SolverError(f"leader must be 0 (row) or 1 (column), got {leader!r}")
    if kind not in ("strong", "weak"):
        raise SolverError(f"kind must be 'strong' or 'weak', got {kind!r}")
    tol = DEFAULT_TOL if tol is None else float(tol)
    if not (np.isfinite(tol) and 0 <= tol < 1):
        raise SolverError(f"tol must be a number in [0, 1), got {tol}")
    return tol


def stackelberg(
    game: NormalFormGame,
    leader: int = 0,
    *,
    kind: str = "strong",
    tol: float | None = None,
    max_nonzeros: int = 200_000,
) -> StackelbergResult:
    r"""The Stackelberg equilibrium of every bimatrix game in a batch.

    Parameters
    ----------
    game : NormalFormGame
        Two-player games, any batch shape.
    leader : int
        The player who commits: 0 (row, default) or 1 (column).
    kind : {"strong", "weak"}
        Ties in the follower's best responses broken in the leader's favour (``"strong"``) or
        against her (``"weak"``; the value is then a supremum, see the module docstring).
    tol : float, optional
        Tolerance relative to each player's payoff unit (default :data:`DEFAULT_TOL`).
    max_nonzeros : int
        Rough bound on the nonzeros of one linear program; the batch is split into blocks of
        games to respect it.

    Returns
    -------
    StackelbergResult

    Raises
    ------
    GameValueError
        If the game is not a two-player normal-form game, or an argument is invalid.
    SolverError
        If HiGHS fails (it should not: every program solved is feasible and bounded).
    """
    tol = _check_game(game, leader, kind, tol)
    flat = game.flatten()
    P = flat.payoffs  # (G, 2, a_0, a_1)
    if leader == 0:
        U, V = P[:, 0], P[:, 1]
    else:
        U, V = np.swapaxes(P[:, 1], 1, 2), np.swapaxes(P[:, 0], 1, 2)
    G, m, n = U.shape
    units = payoff_units(P, 2)  # (G, 2)
    s_L, s_F = units[:, leader], units[:, 1 - leader]
    Un = (U - U.min(axis=(1, 2))[:, None, None]) / s_L[:, None, None]
    Vn = (V - V.min(axis=(1, 2))[:, None, None]) / s_F[:, None, None]

    per_game = (n - 1) * (m + 1) + m + 1
    block = max(1, int(max_nonzeros) // per_game)
    values = np.full((n, G), -np.inf)
    strategies = np.zeros((n, G, m))
    margins = np.zeros((n, G))
    others = [np.array([k for k in range(n) if k != j], dtype=np.int64) for j in range(n)]
    for j in range(n):  # a loop over the follower's actions: one pair of programs each
        # D[g, k, :] = V[:, j] - V[:, k] over the other actions k
        D = Vn[:, :, j, None] - Vn[:, :, others[j]]  # (G, m, n-1)
        D = np.swapaxes(D, 1, 2)  # (G, n-1, m)
        for start in range(0, G, block):
            sl = slice(start, min(G, start + block))
            if n > 1:
                _, t = _block_program(None, D[sl], None, margin=True)
            else:
                t = np.ones(sl.stop - sl.start)
            margins[j, sl] = t
            rhs = np.broadcast_to(np.minimum(t, 0.0)[:, None], (t.size, n - 1))
            x, value = _block_program(Un[sl, :, j], D[sl], rhs, margin=False)
            strategies[j, sl] = x
            values[j, sl] = value

    if kind == "strong":
        usable = margins >= -tol
    else:
        usable = margins > tol
    scored = np.where(usable, values, -np.inf)
    best = np.argmax(scored, axis=0)  # lowest index among exact ties
    rows = np.arange(G)
    x = strategies[best, rows]
    solved = np.isfinite(scored[best, rows])
    if kind == "weak":
        # identical follower columns: neither action is ever the unique best response
        gaps = np.abs(Vn[:, :, :, None] - Vn[:, :, None, :]).max(axis=1)  # (G, n, n)
        gaps[:, np.arange(n), np.arange(n)] = np.inf
        solved &= ~np.any(gaps <= tol, axis=(1, 2))
    elif not np.all(solved):  # some region is always non-empty: the LPs failed
        raise SolverError(
            f"no follower action was found a best response in game {int(np.argmin(solved))}; "
            "this is a bug, please report it with the game"
        )

    leader_value = np.einsum("gm,gm->g", x, U[rows, :, best])
    follower_value = np.einsum("gm,gm->g", x, V[rows, :, best])
    pure = np.zeros((G, n))
    pure[rows, best] = 1.0
    profile = (x, pure) if leader == 0 else (pure, x)
    follower_regret = _regret(flat, profile)[:, 1 - leader] / s_F

    # the value reached at x by the tie-breaking rule (independent of the programs)
    vf = np.einsum("gm,gmn->gn", x, V)
    vl = np.einsum("gm,gmn->gn", x, U)
    ties = vf >= vf.max(axis=1, keepdims=True) - tol * s_F[:, None]
    if kind == "strong":
        reached = np.where(ties, vl, -np.inf).max(axis=1)
        attained = reached >= leader_value - tol * s_L
    else:
        reached = np.where(ties, vl, np.inf).min(axis=1)
        attained = solved & (reached >= leader_value - tol * s_L)

    nan = ~solved
    leader_value = np.where(nan, np.nan, leader_value)
    follower_value = np.where(nan, np.nan, follower_value)
    x = np.where(nan[:, None], np.nan, x)
    follower_regret = np.where(nan, np.nan, follower_regret)

    batch = game.batch_shape
    return StackelbergResult(
        leader_value=leader_value.reshape(batch),
        leader_strategy=x.reshape((*batch, m)),
        follower_action=best.reshape(batch),
        follower_value=follower_value.reshape(batch),
        follower_regret=follower_regret.reshape(batch),
        attained=attained.reshape(batch),
        leader=int(leader),
        kind=kind,
        game_index=np.arange(G),
        method=f"stackelberg_{kind}_lp",
        tol=tol,
        options={
            "solver": "scipy.optimize.linprog (HiGHS)",
            "block": block,
            "region_margins": margins.T.reshape((*batch, n)),
        },
    )
