r"""Iterated elimination of strictly dominated strategies, for batches of games.

Action :math:`s` of player :math:`i` is *strictly dominated* on the surviving actions
:math:`S = S_1 \times \dots \times S_n` when some mixed strategy :math:`\sigma_i` on
:math:`S_i \setminus \{s\}` does strictly better against every surviving profile of the others:

.. math::

    \sum_{t} \sigma_i(t)\, u_i(t, s_{-i}) \;>\; u_i(s, s_{-i})
    \qquad \text{for all } s_{-i} \in S_{-i}.

*Pure* domination restricts :math:`\sigma_i` to pure strategies: for every pair
:math:`(t, s)` the minimum over :math:`S_{-i}` of :math:`u_i(t, \cdot) - u_i(s, \cdot)` is one
reduction of a tensor of shape ``(games, a_i, a_i, |A_{-i}|)`` for the whole batch.
*Mixed* domination is the linear program

.. math::

    \max_{\sigma, \varepsilon} \varepsilon \quad \text{s.t.} \quad
    \sum_{t \ne s} \sigma_t \big(u_i(t, s_{-i}) - u_i(s, s_{-i})\big) \ge \varepsilon
    \;\; (s_{-i} \in S_{-i}), \quad \sum_t \sigma_t = 1, \quad \sigma \ge 0,

and :math:`s` is dominated iff the optimum :math:`\varepsilon^* > 0`. The programs of all
candidates (every game, every player with at least three surviving actions, every action not
already dominated by a pure one and not a best response to any surviving pure profile of the
others, which no mixture can beat there) share no variable, so each round solves them as one
block-diagonal program with scipy's HiGHS (in blocks bounded by ``max_nonzeros``).

Rounds eliminate every dominated action of every player at once and repeat until nothing
changes. For strict domination the surviving set does not depend on the order of elimination
(Gilboa, Kalai and Zemel 1990), so this simultaneous order gives the same answer as any other;
no Nash equilibrium uses a strictly dominated action, so none is lost.

Tolerances: each player's payoffs are measured in units of that player's own payoff range
(``NormalFormGame.payoff_units``), and a domination counts only when its margin exceeds ``tol``
in those units, so scaling or shifting one player's payoffs changes nothing removed.

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.dominance import iterated_dominance
>>> # the third row is dominated only by the mixture (1/2, 1/2, 0) of the first two
>>> game = ig.NormalFormGame.bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]])
>>> iterated_dominance(game).masks[0].tolist()
[True, True, False]
>>> iterated_dominance(game, mixed=False).masks[0].tolist()
[True, True, True]
>>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> iterated_dominance(pd).reduced.payoffs.tolist()
[[[1.0]], [[1.0]]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from .result import Result

__all__ = ["DominanceResult", "iterated_dominance"]


@dataclass(frozen=True, eq=False)
class DominanceResult(Result):
    """What survives iterated elimination of strictly dominated strategies.

    Attributes
    ----------
    masks : tuple of ndarray of bool
        ``masks[i]`` has shape ``(*batch_shape, a_i)``: the surviving actions of player ``i``.
    rounds : ndarray of int, shape batch_shape
        Number of rounds in which each game lost at least one action.
    reduced : NormalFormGame or None
        The games restricted to the surviving actions, when every game of the batch keeps
        the same number of actions per player; otherwise None (use ``masks``).
    surviving : tuple of ndarray of int or None
        With ``reduced``: ``surviving[i]`` of shape ``(*batch_shape, k_i)`` holds the indices
        (in the original game) of player ``i``'s surviving actions.
    mixed : bool
        Whether domination by mixed strategies was checked.
    tol : float
        The tolerance used.
    """

    masks: tuple[np.ndarray, ...]
    rounds: np.ndarray
    reduced: NormalFormGame | None
    surviving: tuple[np.ndarray, ...] | None
    mixed: bool
    tol: float

    method = "iterated_dominance"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.rounds))


def _player_view(payoffs: np.ndarray, i: int, n: int) -> np.ndarray:
    """Player i's payoffs as (G, a_i, R): own action first, the others flattened (C order)."""
    u = np.moveaxis(payoffs[:, i], 1 + i, 1)
    return u.reshape(u.shape[0], u.shape[1], int(np.prod(u.shape[2:], dtype=np.int64)))


def _opponents_alive(masks: list[np.ndarray], i: int) -> np.ndarray:
    """(G, R) mask of the others' surviving profiles, in the order of :func:`_player_view`."""
    G = masks[0].shape[0]
    alive = np.ones((G, 1), dtype=bool)
    for j, m in enumerate(masks):
        if j == i:
            continue
        alive = (alive[:, :, None] & m[:, None, :]).reshape(G, alive.shape[1] * m.shape[1])
    return alive


def _pure_dominated(U: np.ndarray, alive: np.ndarray, opp: np.ndarray, eps: float) -> np.ndarray:
    """(G, a) mask of alive actions strictly dominated by an alive pure action."""
    diff = U[:, :, None, :] - U[:, None, :, :]  # (G, t, s, R): u(t) - u(s)
    diff = np.where(opp[:, None, None, :], diff, np.inf)
    margin = diff.min(axis=-1)  # (G, t, s)
    dominated_by = (margin > eps) & alive[:, :, None] & alive[:, None, :]
    return dominated_by.any(axis=1)


def _mixed_margins(
    U: np.ndarray,
    alive: np.ndarray,
    opp: np.ndarray,
    games: np.ndarray,
    actions: np.ndarray,
    max_nonzeros: int,
) -> np.ndarray:
    """Margin of the best mixture against each candidate (games[c], actions[c]).

    The margin returned is the one the program's mixture actually achieves, recomputed from
    the payoffs, so a domination reported is certified by that mixture.
    """
    a, R = U.shape[1], U.shape[2]
    k = a + 1  # variables per candidate: sigma_1..sigma_a, epsilon
    per_candidate = R * k + a
    block = max(1, max_nonzeros // per_candidate)
    margins = np.empty(games.size)
    for start in range(0, games.size, block):  # blocks of candidates, one program each
        g = games[start : start + block]
        s = actions[start : start + block]
        C = g.size
        diff = U[g] - U[g, s][:, None, :]  # (C, t, R): u(t) - u(s)
        rows_alive = opp[g]  # (C, R)
        # inequality rows: epsilon - sum_t sigma_t diff[t, r] <= 0, for alive r
        c_idx, r_idx = np.nonzero(rows_alive)
        row_id = np.arange(c_idx.size)
        coef = np.concatenate([-np.transpose(diff, (0, 2, 1)), np.ones((C, R, 1))], axis=2)
        values = coef[c_idx, r_idx]  # (rows, k)
        cols = c_idx[:, None] * k + np.arange(k)
        A_ub = sp.csr_matrix(
            (values.reshape(-1), (np.repeat(row_id, k), cols.reshape(-1))),
            shape=(c_idx.size, C * k),
        )
        eq_rows = np.repeat(np.arange(C), a)
        eq_cols = (np.arange(C)[:, None] * k + np.arange(a)).reshape(-1)
        A_eq = sp.csr_matrix((np.ones(C * a), (eq_rows, eq_cols)), shape=(C, C * k))
        allowed = alive[g].copy()
        allowed[np.arange(C), s] = False
        bounds = np.zeros((C, k, 2))
        bounds[:, :a, 1] = np.where(allowed, np.inf, 0.0)
        bounds[:, a] = (-2.0, 2.0)  # payoffs are in units of the range: |margin| <= 1
        objective = np.zeros((C, k))
        objective[:, a] = -1.0
        result = linprog(
            objective.reshape(-1),
            A_ub=A_ub,
            b_ub=np.zeros(c_idx.size),
            A_eq=A_eq,
            b_eq=np.ones(C),
            bounds=bounds.reshape(-1, 2),
            method="highs-ds",
        )
        if result.status != 0:
            raise SolverError(f"HiGHS did not solve the domination programs: {result.message}")
        # certify: the margin the returned mixture really achieves, computed from the payoffs
        # (not HiGHS's epsilon, which its feasibility tolerance could overstate)
        sigma = np.clip(result.x.reshape(C, k)[:, :a], 0.0, None) * allowed
        sigma /= np.maximum(sigma.sum(axis=1, keepdims=True), 1e-300)
        achieved = np.einsum("ct,ctr->cr", sigma, diff)
        margins[start : start + C] = np.where(rows_alive, achieved, np.inf).min(axis=1)
    return margins


def iterated_dominance(
    game: NormalFormGame,
    *,
    mixed: bool = True,
    tol: float = 1e-9,
    max_nonzeros: int = 20_000,
) -> DominanceResult:
    r"""Iteratively remove strictly dominated actions from every game in a batch.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players and actions, any batch shape.
    mixed : bool
        Also remove actions dominated only by mixed strategies (linear programs); with False
        only domination by pure actions is used.
    tol : float
        A domination of player :math:`i`'s action counts when its margin exceeds ``tol``
        times :math:`s_i`, that player's payoff range.
    max_nonzeros : int
        Rough bound on the size of one linear program.

    Returns
    -------
    DominanceResult

    Raises
    ------
    GameValueError
        If ``game`` is not a :class:`NormalFormGame`.
    ValueError
        If ``tol`` is negative or not finite.
    """
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"expected a NormalFormGame, got {type(game).__name__}")
    tol = float(tol)
    if not np.isfinite(tol) or tol < 0:
        raise SolverError(f"tol must be a finite non-negative number, got {tol}")
    n, actions = game.n_players, game.num_actions
    flat = game.flatten()
    G = flat.batch_size
    # each player's payoffs in units of that player's own range (NormalFormGame.payoff_units)
    cells = tuple(range(2, n + 2))
    low = flat.payoffs.min(axis=cells, keepdims=True)
    units = flat.payoff_units.reshape((G, n) + (1,) * n)
    payoffs = (flat.payoffs - low) / units
    views = [_player_view(payoffs, i, n) for i in range(n)]
    masks = [np.ones((G, a), dtype=bool) for a in actions]
    rounds = np.zeros(G, dtype=np.int64)
    while True:
        removed = []
        for i in range(n):
            opp = _opponents_alive(masks, i)
            dominated = _pure_dominated(views[i], masks[i], opp, tol)
            if mixed and actions[i] >= 3:
                left = masks[i].sum(axis=1)
                # an action that is a best response to some surviving pure profile of the
                # others cannot be strictly dominated: only the others need a program
                own = np.where(masks[i][:, :, None], views[i], -np.inf)
                best = own.max(axis=1, keepdims=True)  # (G, 1, R)
                responds = ((views[i] >= best - tol) & opp[:, None, :]).any(axis=2)
                candidates = masks[i] & ~dominated & ~responds & (left >= 3)[:, None]
                g, s = np.nonzero(candidates)
                if g.size:
                    margins = _mixed_margins(views[i], masks[i], opp, g, s, max_nonzeros)
                    dominated[g[margins > tol], s[margins > tol]] = True
            removed.append(dominated)
        changed = np.zeros(G, dtype=bool)
        for i in range(n):
            changed |= removed[i].any(axis=1)
            masks[i] = masks[i] & ~removed[i]
        if not changed.any():
            break
        rounds += changed

    batch = game.batch_shape
    counts = [m.sum(axis=1) for m in masks]
    reduced = surviving = None
    if G and all(np.all(c == c[0]) for c in counts):
        kept = [int(c[0]) for c in counts]
        surviving = tuple(np.nonzero(m)[1].reshape(G, k) for m, k in zip(masks, kept, strict=True))
        sub = flat.payoffs
        for i in range(n):
            index = surviving[i].reshape((G, 1) + (1,) * i + (kept[i],) + (1,) * (n - 1 - i))
            sub = np.take_along_axis(sub, index, axis=2 + i)
        reduced = NormalFormGame(sub.reshape(batch + sub.shape[1:]), n_players=n)
        surviving = tuple(s.reshape(batch + s.shape[1:]) for s in surviving)
    return DominanceResult(
        masks=tuple(m.reshape(batch + m.shape[1:]) for m in masks),
        rounds=rounds.reshape(batch),
        reduced=reduced,
        surviving=surviving,
        mixed=bool(mixed),
        tol=tol,
    )
