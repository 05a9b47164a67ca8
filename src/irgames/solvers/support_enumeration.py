r"""All equilibria of two-player games by support enumeration, batched over games and supports.

Let the row player have :math:`m` actions and payoff matrix :math:`A`, the column player
:math:`n` actions and matrix :math:`B`. Each player's payoffs are first shifted and divided by
that player's own payoff range :math:`s_i`
(:attr:`irgames.NormalFormGame.payoff_units`; this changes no equilibrium), so a tolerance
on player :math:`i`'s payoffs is a fraction of :math:`s_i` and scaling one player's payoffs by
any positive factor changes nothing the algorithm decides. A profile :math:`(x, y)` with supports
:math:`I = \operatorname{supp} x` and :math:`J = \operatorname{supp} y` is a Nash equilibrium
iff every action in a support is a best response:

.. math::

    (A y)_i = v \;\; (i \in I), \quad (A y)_i \le v \;\; (i \notin I), \qquad
    (B^\top x)_j = u \;\; (j \in J), \quad (B^\top x)_j \le u \;\; (j \notin J),

with :math:`x, y \ge 0` summing to one. For a candidate pair of supports the equalities are a
linear system in :math:`(y_J, v)` and one in :math:`(x_I, u)`:

.. math::

    \begin{pmatrix} A_{IJ} & -\mathbf 1 \\ \mathbf 1^\top & 0 \end{pmatrix}
    \begin{pmatrix} y_J \\ v \end{pmatrix} = \begin{pmatrix} 0 \\ 1 \end{pmatrix},
    \qquad
    \begin{pmatrix} B_{IJ}^\top & -\mathbf 1 \\ \mathbf 1^\top & 0 \end{pmatrix}
    \begin{pmatrix} x_I \\ u \end{pmatrix} = \begin{pmatrix} 0 \\ 1 \end{pmatrix}.

For each support size the systems of *every* game in the batch and *every* pair of supports are
stacked and solved at once (batched Gaussian elimination with partial pivoting; singular
systems are discarded), and the nonnegativity and best-response inequalities are checked with
tolerance ``tol``. Equal rows are removed per game with a tolerance.

Nondegenerate games
    In a nondegenerate game (no mixed strategy with :math:`k` actions in its support has more
    than :math:`k` pure best responses) every equilibrium has supports of equal size and is the
    unique solution of its systems, so equal-size supports
    (:math:`\sum_k \binom{m}{k}\binom{n}{k} = \binom{m+n}{m}` pairs) find all of them.

Degenerate games
    Degeneracy is decided exactly as in :mod:`irgames.solvers.vertex_enumeration` (some vertex
    of a best-response polytope has too many labels), and reported per game. In a degenerate
    game equilibria can have supports of different sizes, can form continua, and an extreme
    equilibrium need *not* be determined by the equalities of its own supports (its strategy
    can be pinned down by a best response outside the opponent's support). Support enumeration
    therefore cannot promise the extreme points of continua, whatever supports it tries. How
    such games are handled is chosen by ``on_degenerate``:

    ``"vertex_enumeration"`` (default)
        The degenerate games of the batch are solved by
        :func:`irgames.solvers.vertex_enumeration.vertex_enumeration`: their rows are the
        extreme equilibria, with component labels, and the result is complete.
    ``"supports"``
        Plain support enumeration over *all* pairs of support sizes :math:`(k, l)`, solving each
        (possibly non-square) system by least squares (the minimum-norm solution, through the
        pseudo-inverse) and keeping the solutions that pass the equilibrium checks. Every row is
        an equilibrium, but for degenerate games the rows can miss extreme equilibria and can be
        interior points of continua; the result then has ``complete=False`` and
        ``options["incomplete"]`` marks the degenerate games. Use vertex enumeration for them.

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.support_enumeration import support_enumeration
>>> rps = ig.NormalFormGame.zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
>>> eq = support_enumeration(rps)
>>> len(eq), [round(float(p), 4) for p in eq.strategies[0][0]]
(1, [0.3333, 0.3333, 0.3333])
"""

from __future__ import annotations

from itertools import combinations
from typing import Literal

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from ._batched_linalg import solve_batched
from .equilibria import DEFAULT_TOL, Equilibria, _default_components
from .vertex_enumeration import (
    _check_two_player,
    _popcount,
    normalised_bimatrix,
    polytope_vertices,
    vertex_enumeration,
)

__all__ = ["is_degenerate", "support_enumeration"]

#: Bound on the number of floats held by one stack of systems when ``chunk_size`` is None.
DEFAULT_MEMORY_FLOATS = 8_000_000


def _combos(n: int, k: int) -> np.ndarray:
    combos = list(combinations(range(n), k))
    return np.array(combos, dtype=np.int64).reshape(len(combos), k)


def is_degenerate(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> np.ndarray:
    r"""Whether each two-player game of the batch is degenerate.

    A bimatrix game is degenerate when some mixed strategy with :math:`k` actions in its support
    has more than :math:`k` pure best responses. Equivalently (von Stengel 2002, Handbook of
    Game Theory vol. 3, ch. 45), a vertex of the best-response polytope :math:`P` has more
    than :math:`m` labels or one of :math:`Q` more than :math:`n`: a point with more labels
    lies on a face whose vertices all keep those labels. That is what is computed, with label
    tolerance ``tol`` relative to each player's own payoff range.

    Examples
    --------
    >>> import irgames as ig
    >>> is_degenerate(ig.NormalFormGame.bimatrix([[1, 1], [1, 0]], [[1, 0], [0, 1]])).tolist()
    True
    """
    _check_two_player(game, tol)
    m, n = game.num_actions
    A, B = normalised_bimatrix(game)
    G = A.shape[0]
    out = np.zeros(G, dtype=bool)
    for C, dim in ((np.swapaxes(B, -1, -2), m), (A, n)):
        g, _, zero, tight = polytope_vertices(C, tol=tol)
        np.logical_or.at(out, g, _popcount(zero) + _popcount(tight) > dim)
    return out.reshape(game.batch_shape)


def _bordered(M: np.ndarray) -> np.ndarray:
    """``[[M, -1], [1, 0]]`` for a stack of (k, l) matrices: shape (..., k + 1, l + 1)."""
    *lead, k, l = M.shape
    out = np.zeros((*lead, k + 1, l + 1))
    out[..., :k, :l] = M
    out[..., :k, l] = -1.0
    out[..., k, :l] = 1.0
    return out


def _solve_side(M: np.ndarray, square: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve ``[[M, -1], [1, 0]] (z, v) = (0, 1)`` for a stack; returns z, v, ok."""
    K = _bordered(M)
    rhs = np.zeros(K.shape[:-1])
    rhs[..., -1] = 1.0
    if square:
        try:
            # LAPACK's LU is fastest; it refuses a stack holding an exactly singular matrix,
            # and then the elimination that reports singular systems one by one takes over.
            sol = np.linalg.solve(K, rhs[..., None])[..., 0]
            ok = np.all(np.isfinite(sol), axis=-1)
        except np.linalg.LinAlgError:
            sol, ok = solve_batched(K, rhs)
    else:
        sol = np.einsum("...ij,...j->...i", np.linalg.pinv(K), rhs)
        residual = np.abs(np.einsum("...ij,...j->...i", K, sol) - rhs).max(axis=-1)
        ok = residual <= 1e-10
    return sol[..., :-1], sol[..., -1], ok


def _candidates(
    A: np.ndarray, B: np.ndarray, k: int, l: int, tol: float, memory_floats: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equilibria with supports of sizes (k, l) of the games (A, B): (game, x, y)."""
    G, m, n = A.shape
    I, J = _combos(m, k), _combos(n, l)
    per_game = len(I) * len(J) * (2 * (k + 1) * (l + 1) + 4 * (m + n))
    step = max(1, int(memory_floats // max(per_game, 1)))
    found = []
    for start in range(0, G, step):
        Ag, Bg = A[start : start + step], B[start : start + step]
        subA = Ag[:, I[:, None, :, None], J[None, :, None, :]]  # (g, nI, nJ, k, l)
        subB = Bg[:, I[:, None, :, None], J[None, :, None, :]]
        y_J, v, ok_y = _solve_side(subA, k == l)  # A_IJ y_J = v
        x_I, u, ok_x = _solve_side(np.swapaxes(subB, -1, -2), k == l)  # B_IJ^T x_I = u
        ok = ok_x & ok_y & np.all(x_I >= -tol, axis=-1) & np.all(y_J >= -tol, axis=-1)
        gi, ii, jj = np.nonzero(ok)
        if gi.size == 0:
            continue
        x = np.zeros((gi.size, m))
        y = np.zeros((gi.size, n))
        rows = np.arange(gi.size)[:, None]
        x[rows, I[ii]] = x_I[gi, ii, jj]
        y[rows, J[jj]] = y_J[gi, ii, jj]
        # Best responses: no action earns more than the support's value.
        Ay = np.einsum("gij,gj->gi", Ag[gi], y)
        Bx = np.einsum("gij,gi->gj", Bg[gi], x)
        ok = np.all(Ay <= v[gi, ii, jj][:, None] + tol, axis=-1)
        ok &= np.all(Bx <= u[gi, ii, jj][:, None] + tol, axis=-1)
        found.append((gi[ok] + start, x[ok], y[ok]))
    if not found:
        return np.zeros(0, np.int64), np.zeros((0, m)), np.zeros((0, n))
    return tuple(np.concatenate([f[i] for f in found]) for i in range(3))


def _deduplicate(game: np.ndarray, x: np.ndarray, y: np.ndarray, tol: float) -> np.ndarray:
    """Indices of rows to keep: the first of every group of rows of one game within ``tol``."""
    if game.size == 0:
        return np.zeros(0, np.int64)
    order = np.lexsort((*x.T[::-1], game))
    game, x, y = game[order], x[order], y[order]
    counts = np.bincount(game)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    sizes = counts * counts
    group = np.repeat(np.arange(counts.size), sizes)
    within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    a = starts[group] + within // counts[group]
    b = starts[group] + within % counts[group]
    earlier = a < b
    a, b = a[earlier], b[earlier]
    close = (np.abs(x[a] - x[b]).max(axis=1) <= tol) & (np.abs(y[a] - y[b]).max(axis=1) <= tol)
    duplicate = np.zeros(game.size, dtype=bool)
    duplicate[b[close]] = True
    return np.sort(order[~duplicate])


def support_enumeration(
    game: NormalFormGame,
    *,
    tol: float = DEFAULT_TOL,
    chunk_size: int | None = None,
    on_degenerate: Literal["vertex_enumeration", "supports"] = "vertex_enumeration",
) -> Equilibria:
    r"""All Nash equilibria of every two-player game in a batch, by support enumeration.

    Parameters
    ----------
    game : NormalFormGame
        Two-player games, any batch shape.
    tol : float
        Tolerance of the nonnegativity, best-response and label checks; on player
        :math:`i`'s payoffs a fraction of :math:`s_i`, that player's payoff range
        (``NormalFormGame.payoff_units``).
    chunk_size : int, optional
        Number of games solved per stack; by default chosen so that a stack holds about
        ``8e6`` floats.
    on_degenerate : {"vertex_enumeration", "supports"}
        What to do with degenerate games (see the module docstring): solve them by vertex
        enumeration (complete: all extreme equilibria, with components), or by support
        enumeration over all pairs of support sizes (every row an equilibrium, but possibly
        incomplete; ``complete`` is then False when any game is degenerate).

    Returns
    -------
    Equilibria
        One row per equilibrium; ``degenerate`` per game; ``options["incomplete"]`` (bool per
        game) marks games whose list may miss equilibria.

    Examples
    --------
    >>> import numpy as np
    >>> import irgames as ig
    >>> games = ig.NormalFormGame.bimatrix(*np.random.default_rng(2).normal(size=(2, 300, 3, 3)))
    >>> eq = support_enumeration(games)
    >>> bool(np.all(eq.count % 2 == 1)), eq.max_relative_regret < 1e-9, eq.complete
    (True, True, True)
    """
    _check_two_player(game, tol)
    if on_degenerate not in ("vertex_enumeration", "supports"):
        raise SolverError(
            f"on_degenerate must be 'vertex_enumeration' or 'supports', got {on_degenerate!r}"
        )
    if chunk_size is not None and int(chunk_size) < 1:
        raise SolverError(f"chunk_size must be a positive number of games, got {chunk_size}")
    m, n = game.num_actions
    flat = game.flatten()
    G = flat.batch_size
    A, B = normalised_bimatrix(flat)
    degenerate = is_degenerate(flat, tol=tol).reshape(G)
    memory = DEFAULT_MEMORY_FLOATS
    if chunk_size is not None:
        memory = int(chunk_size) * max(
            len(_combos(m, k)) * len(_combos(n, k)) * (2 * (k + 1) ** 2 + 4 * (m + n))
            for k in range(1, min(m, n) + 1)
        )

    regular = np.flatnonzero(~degenerate)
    games, xs, ys = [], [], []
    for k in range(1, min(m, n) + 1):
        g, x, y = _candidates(A[regular], B[regular], k, k, tol, memory)
        games.append(regular[g])
        xs.append(x)
        ys.append(y)

    special = np.flatnonzero(degenerate)
    if special.size and on_degenerate == "supports":
        for k in range(1, m + 1):
            for l in range(1, n + 1):
                g, x, y = _candidates(A[special], B[special], k, l, tol, memory)
                games.append(special[g])
                xs.append(x)
                ys.append(y)

    game_index = np.concatenate(games)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    keep = _deduplicate(game_index, x, y, max(1e-7, 100 * tol))
    game_index, x, y = game_index[keep], x[keep], y[keep]
    x = np.maximum(x, 0.0)
    y = np.maximum(y, 0.0)
    x /= x.sum(axis=1, keepdims=True)
    y /= y.sum(axis=1, keepdims=True)
    component = _default_components(game_index)

    if special.size and on_degenerate == "vertex_enumeration":
        # Degenerate games: their extreme equilibria and components, from vertex enumeration.
        sub = vertex_enumeration(NormalFormGame(flat.payoffs[special], n_players=2), tol=tol)
        game_index = np.concatenate([game_index, special[sub.game_index]])
        x = np.concatenate([x, sub.strategies[0]])
        y = np.concatenate([y, sub.strategies[1]])
        component = np.concatenate([component, sub.component])
    order = np.argsort(game_index, kind="stable")
    game_index, x, y, component = game_index[order], x[order], y[order], component[order]

    incomplete = degenerate & (on_degenerate == "supports")
    return Equilibria.from_profiles(
        game,
        game_index,
        (x, y),
        method="support_enumeration",
        tol=tol,
        complete=not bool(incomplete.any()),
        degenerate=degenerate.reshape(game.batch_shape),
        component=component,
        options={
            "tol": tol,
            "chunk_size": chunk_size,
            "on_degenerate": on_degenerate,
            "incomplete": incomplete.reshape(game.batch_shape),
        },
    )
