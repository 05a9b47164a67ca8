r"""Lemke-Howson complementary pivoting, every game of a batch at once.

For a bimatrix game :math:`(A, B)` with :math:`m \times n` matrices, shift and scale the payoffs
so that every entry is positive (this changes neither best responses nor equilibria) and
consider the polytopes

.. math::

    P = \{x \in \mathbb{R}^m : x \ge 0,\; B^\top x \le 1\}, \qquad
    Q = \{y \in \mathbb{R}^n : A y \le 1,\; y \ge 0\}.

Label the row player's actions :math:`0, \dots, m-1` and the column player's actions
:math:`m, \dots, m+n-1`. A point :math:`x \in P` has label :math:`i` if :math:`x_i = 0` and
label :math:`m + j` if :math:`(B^\top x)_j = 1`; a point :math:`y \in Q` has label :math:`i` if
:math:`(A y)_i = 1` and label :math:`m + j` if :math:`y_j = 0`. A pair :math:`(x, y) \ne (0, 0)`
that is *completely labelled* (every label appears at :math:`x` or at :math:`y`) is, after
normalisation, a Nash equilibrium.

With slacks :math:`w = 1 - M z`, :math:`z = (x, y)` and
:math:`M = \begin{pmatrix} 0 & A \\ B^\top & 0 \end{pmatrix}`, this is the linear
complementarity problem :math:`w + M z = 1`, :math:`w, z \ge 0`, :math:`w^\top z = 0`; the pair
:math:`(z_k, w_k)` carries label :math:`k`. Lemke-Howson starts at the artificial equilibrium
:math:`z = 0`, drops the *initial label* :math:`k` by bringing :math:`z_k` into the basis, and
then repeatedly brings in the complement of the variable that just left, until the variable
that leaves carries label :math:`k` (Lemke and Howson 1964; von Stengel 2007, *Algorithmic Game
Theory*, ch. 3).

Batching
    All games of the batch share one tableau array of shape ``(G, m+n, 2(m+n)+1)`` (columns:
    :math:`z`, :math:`w`, right-hand side). One pivot step is one vectorised operation over the
    games that are still running; finished games are masked. The Python loop runs over pivot
    steps (the structure of the algorithm), never over games.

Tie-breaking
    The leaving variable is chosen by the *lexicographic* minimum-ratio rule: among rows with a
    positive entry in the entering column, compare the rows of
    :math:`[\,\text{rhs} \mid B^{-1}\,]` divided by that entry, lexicographically. The rows of
    :math:`B^{-1}` are linearly independent, so the minimum is unique, the path is well defined
    in degenerate games, and it cannot cycle.

Lemke-Howson finds *one* equilibrium per initial label; different labels may find the same
one, and some equilibria are reachable from no label (e.g. in the games ``sh3`` and ``todd2``
of Gambit's catalogue). The result is therefore marked ``complete=False``.

Examples
--------
>>> import numpy as np
>>> import irgames as ig
>>> from irgames.solvers.lemke_howson import lemke_howson
>>> game = ig.NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
>>> eq = lemke_howson(game, initial_label=0)
>>> [s.round(3).tolist() for s in eq.profiles()[0]]
[[1.0, 0.0], [1.0, 0.0]]
>>> rng = np.random.default_rng(1)
>>> batch = ig.NormalFormGame.bimatrix(rng.normal(size=(500, 4, 5)), rng.normal(size=(500, 4, 5)))
>>> eq = lemke_howson(batch)
>>> bool(eq.options["converged"].all()), eq.max_relative_regret < 1e-9
(True, True)
"""

from __future__ import annotations

import numpy as np

from ..games.normal_form import GameValueError, NormalFormGame
from .equilibria import Equilibria

__all__ = ["lemke_howson", "lemke_howson_all_labels"]

DEFAULT_TOL = 1e-9


def _check_two_player(game: NormalFormGame, who: str) -> None:
    if not isinstance(game, NormalFormGame):
        raise GameValueError(f"{who} needs a NormalFormGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise GameValueError(
            f"{who} solves two-player games; this game has {game.n_players} players "
            "(use irgames.solvers.n_player for N >= 3)"
        )


def _initial_tableau(game: NormalFormGame) -> tuple[np.ndarray, int, int]:
    """Tableau ``[M | I | 1]`` of the flattened batch, payoffs mapped into ``[1, 2]``."""
    flat = game.flatten()
    m, n = game.num_actions
    A = flat.payoffs[:, 0]
    B = flat.payoffs[:, 1]
    # Positive affine maps of each player's payoffs leave equilibria unchanged; map every
    # game's payoffs into [1, 2] so the tableau is well scaled and M > 0 off its zero blocks.
    scale = flat.payoff_scale[:, None, None]
    low = flat.payoffs.min(axis=(1, 2, 3))[:, None, None]
    A = (A - low) / scale + 1.0
    B = (B - low) / scale + 1.0
    G, k = flat.batch_size, m + n
    T = np.zeros((G, k, 2 * k + 1))
    T[:, :m, m:k] = A
    T[:, m:k, :m] = np.swapaxes(B, 1, 2)
    T[:, :, k : 2 * k] = np.eye(k)
    T[:, :, -1] = 1.0
    return T, m, n


def _lexicographic_min_ratio(
    T: np.ndarray, column: np.ndarray, k: int, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Leaving row per game by the lexicographic minimum-ratio rule.

    ``T`` has shape ``(g, k, 2k+1)`` and ``column`` (length ``g``) is each game's entering
    column. Returns the leaving row of each game (``-1`` where no entry is positive: an
    unbounded ray, which cannot happen on the Lemke-Howson path and is reported as failure) and
    whether the plain ratio test (right-hand side only) had a tie, a sign of degeneracy.
    """
    g = T.shape[0]
    rows = np.arange(g)
    entries = T[rows, :, column]  # (g, k)
    positive = entries > tol
    candidates = positive.copy()
    # Keys in order: the right-hand side, then the columns of B^{-1} (the slack columns).
    keys = [2 * k, *range(k, 2 * k)]
    safe = np.where(positive, entries, 1.0)
    tie = np.zeros(g, dtype=bool)
    for position, key in enumerate(keys):
        ratio = np.where(candidates, T[:, :, key] / safe, np.inf)
        best = ratio.min(axis=1, keepdims=True)
        width = tol * np.maximum(1.0, np.abs(best))
        candidates &= ratio <= best + width
        remaining = candidates.sum(axis=1)
        if position == 0:
            tie = remaining > 1
        if np.all(remaining <= 1):
            break
    leaving = np.where(candidates.any(axis=1), np.argmax(candidates, axis=1), -1)
    return leaving, tie


def _pivot(T: np.ndarray, row: np.ndarray, column: np.ndarray) -> None:
    """Pivot every game ``g`` of ``T`` on entry ``(row[g], column[g])``, in place."""
    g = np.arange(T.shape[0])
    pivot_row = T[g, row, :] / T[g, row, column][:, None]  # (g, c)
    factors = T[g, :, column]  # (g, k)
    T -= factors[:, :, None] * pivot_row[:, None, :]
    T[g, row, :] = pivot_row


def lemke_howson(
    game: NormalFormGame,
    *,
    initial_label=0,
    tol: float = DEFAULT_TOL,
    max_pivots: int | None = None,
) -> Equilibria:
    r"""One Nash equilibrium of each two-player game of a batch by Lemke-Howson pivoting.

    Parameters
    ----------
    game : NormalFormGame
        A batch of two-player games, ``m`` by ``n`` actions.
    initial_label : int or array_like of int
        The label dropped at the artificial equilibrium: ``0..m-1`` are the row player's
        actions and ``m..m+n-1`` the column player's (nashpy's convention). An array with the
        game's batch shape gives one label per game.
    tol : float
        Relative tolerance: pivot entries and ratio ties are judged on payoffs mapped to
        ``[1, 2]``; it is also recorded as the result's tolerance.
    max_pivots : int, optional
        Pivot steps after which a game that has not finished is reported as not converged.
        Default ``50 * (m + n) ** 2`` (the lexicographic rule cannot cycle, so this only guards
        against exponentially long paths).

    Returns
    -------
    Equilibria
        One row per game that converged, ``complete=False``. ``options`` holds
        ``"converged"`` (bool, batch shape), ``"pivots"`` (int, batch shape) and
        ``"initial_label"``. ``degenerate`` is True where a tie in the ratio test was met on the
        path (a proof of degeneracy); False does not certify that a game is nondegenerate.

    Examples
    --------
    >>> import irgames as ig
    >>> from irgames.solvers.lemke_howson import lemke_howson
    >>> mp = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> eq = lemke_howson(mp, initial_label=3)
    >>> [s.round(12).tolist() for s in eq.profiles()[0]]
    [[0.5, 0.5], [0.5, 0.5]]
    """
    _check_two_player(game, "lemke_howson")
    m, n = game.num_actions
    k = m + n
    G = game.batch_size
    labels = np.broadcast_to(np.asarray(initial_label), game.batch_shape).reshape(-1)
    if not np.issubdtype(labels.dtype, np.integer):
        raise GameValueError(f"initial_label must be an integer, got {initial_label!r}")
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise GameValueError(
            f"initial_label must be in 0..{k - 1} (0..{m - 1} row actions, {m}..{k - 1} "
            f"column actions); got {initial_label!r}"
        )
    labels = labels.astype(np.int64)
    if max_pivots is None:
        max_pivots = 50 * k * k
    if tol <= 0:
        raise ValueError(f"tol must be positive, got {tol}")

    T, _, _ = _initial_tableau(game)
    basis = np.tile(np.arange(k, 2 * k), (G, 1))  # variable index basic in each row
    entering = labels.copy()  # start by bringing z_label into the basis
    active = np.ones(G, dtype=bool)
    converged = np.zeros(G, dtype=bool)
    pivots = np.zeros(G, dtype=np.int64)
    degenerate = np.zeros(G, dtype=bool)

    for _ in range(max_pivots):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        sub = T[idx]
        column = entering[idx]
        leaving_row, tie = _lexicographic_min_ratio(sub, column, k, tol)
        degenerate[idx] |= tie
        stuck = leaving_row < 0
        if stuck.any():  # no positive entry: not possible in exact arithmetic; give up
            active[idx[stuck]] = False
        ok = ~stuck
        idx, sub, column, leaving_row = idx[ok], sub[ok], column[ok], leaving_row[ok]
        _pivot(sub, leaving_row, column)
        T[idx] = sub
        leaving = basis[idx, leaving_row]
        basis[idx, leaving_row] = column
        pivots[idx] += 1
        # The variable that left has label (index mod k); its complement enters next.
        leaving_label = leaving % k
        done = leaving_label == labels[idx]
        converged[idx[done]] = True
        active[idx[done]] = False
        entering[idx] = np.where(leaving < k, leaving + k, leaving - k)

    # Read z from the final bases: basic z variables take the right-hand side.
    z = np.zeros((G, k))
    rows = np.arange(G)[:, None]
    is_z = basis < k
    z_index = np.where(is_z, basis, 0)
    values = np.where(is_z, T[:, :, -1], 0.0)
    np.add.at(z, (np.broadcast_to(rows, basis.shape), z_index), values)
    z = np.clip(z, 0.0, None)
    x, y = z[:, :m], z[:, m:]
    sx, sy = x.sum(axis=1), y.sum(axis=1)
    good = converged & (sx > 0) & (sy > 0)
    game_index = np.flatnonzero(good)
    x = x[good] / sx[good, None]
    y = y[good] / sy[good, None]
    return Equilibria.from_profiles(
        game,
        game_index,
        (x, y),
        method="lemke_howson",
        tolerance=tol,
        complete=False,
        degenerate=degenerate.reshape(game.batch_shape),
        options={
            "initial_label": initial_label,
            "max_pivots": max_pivots,
            "converged": good.reshape(game.batch_shape),
            "pivots": pivots.reshape(game.batch_shape),
        },
    )


def lemke_howson_all_labels(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> Equilibria:
    r"""Lemke-Howson from every initial label ``0..m+n-1``, duplicates removed.

    All ``(m + n)`` runs of all games are one batched call. Two equilibria of a game are the
    same when their strategies differ by at most ``sqrt(tol)`` in every coordinate (the
    equilibria found by pivoting are vertices, so distinct ones are far apart relative to
    that). The result is still ``complete=False``: some equilibria lie on no Lemke-Howson path.

    Examples
    --------
    >>> import irgames as ig
    >>> from irgames.solvers.lemke_howson import lemke_howson_all_labels
    >>> bos = ig.NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    >>> len(lemke_howson_all_labels(bos))  # the mixed equilibrium is on no path
    2
    """
    _check_two_player(game, "lemke_howson_all_labels")
    m, n = game.num_actions
    k = m + n
    flat = game.flatten()
    G = flat.batch_size
    tiled = NormalFormGame(np.repeat(flat.payoffs[None], k, axis=0), n_players=2)
    labels = np.repeat(np.arange(k), G).reshape(k, G)
    runs = lemke_howson(tiled, initial_label=labels, tol=tol)
    converged = runs.options["converged"].reshape(k, G)
    # Dense (G, k, m+n) array of the profile found from each label (NaN where none), then drop
    # a label's profile if an earlier label of the same game found the same point.
    dense = np.full((k, G, m + n), np.nan)
    found = np.concatenate(runs.strategies, axis=1)
    dense.reshape(k * G, m + n)[runs.game_index] = found
    dense = np.swapaxes(dense, 0, 1)  # (G, k, m+n)
    valid = np.swapaxes(converged, 0, 1)  # (G, k)
    close = np.abs(dense[:, :, None, :] - dense[:, None, :, :]).max(axis=3) <= np.sqrt(tol)
    earlier = np.tri(k, k=-1, dtype=bool)
    duplicate = (close & earlier & valid[:, None, :]).any(axis=2)
    keep = valid & ~duplicate
    gi, label = np.nonzero(keep)
    chosen = dense[gi, label]
    return Equilibria.from_profiles(
        game,
        gi,
        (chosen[:, :m], chosen[:, m:]),
        method="lemke_howson_all_labels",
        tolerance=tol,
        complete=False,
        degenerate=runs.degenerate.reshape(k, G).any(axis=0).reshape(game.batch_shape),
        options={
            "converged_labels": converged.sum(axis=0).reshape(game.batch_shape),
            "pivots": runs.options["pivots"].reshape(k, G).sum(axis=0).reshape(game.batch_shape),
        },
    )
