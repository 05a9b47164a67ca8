r"""Lemke-Howson complementary pivoting, every game of a batch at once.

For a bimatrix game :math:`(A, B)` with :math:`m \times n` matrices, shift and scale each
player's payoffs by that player's own range into :math:`[1, 2]` (this changes neither best
responses nor equilibria, and makes the pivoting tolerances fractions of each player's own
payoff unit) and consider the polytopes

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
    :math:`M` is zero on its diagonal blocks, so the tableau ``[M | I | 1]`` splits into a
    *row block* (the :math:`m` rows of :math:`w_{0..m-1}`, columns :math:`y`,
    :math:`w_{0..m-1}`, rhs) and a *column block* (the :math:`n` rows of
    :math:`w_{m..m+n-1}`, columns :math:`x`, :math:`w_{m..m+n-1}`, rhs), each stored for all
    games as one array of shape ``(G, rows, m+n+1)``. Pivots alternate between the blocks
    (the complement of a variable that leaves one block lies in the other), so at each step
    every running game of a batch pivots in the same block: one step is a few vectorised
    operations on one contiguous array. Finished games are compacted away whenever at most
    half of the working games still run. The Python loop runs over pivot steps (the
    structure of the algorithm), never over games.

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

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from .equilibria import Equilibria

__all__ = ["lemke_howson", "lemke_howson_all_labels"]

DEFAULT_TOL = 1e-9


def _check_two_player(game: NormalFormGame, who: str) -> None:
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"{who} needs a NormalFormGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise SolverError(
            f"{who} solves two-player games; this game has {game.n_players} players "
            "(use irgames.solvers.n_player for N >= 3)"
        )


def _initial_blocks(game: NormalFormGame) -> tuple[np.ndarray, np.ndarray]:
    r"""The two blocks of the tableau ``[M | I | 1]``, payoffs mapped into ``[1, 2]``.

    :math:`M` is zero on its diagonal blocks, so the rows of :math:`w_{0..m-1} = 1 - A y`
    involve only :math:`y`, :math:`w_{0..m-1}` and the right-hand side, and the rows of
    :math:`w_{m..m+n-1} = 1 - B^\top x` only :math:`x`, :math:`w_{m..m+n-1}` and the
    right-hand side. Pivoting keeps the other block's entries exactly zero, so each block is
    stored alone: the *row block* ``[A | I_m | 1]`` of shape ``(G, m, m+n+1)`` (columns
    :math:`y_0..y_{n-1}, w_0..w_{m-1}`, rhs) and the *column block* ``[B^T | I_n | 1]`` of
    shape ``(G, n, m+n+1)`` (columns :math:`x_0..x_{m-1}, w_m..w_{m+n-1}`, rhs).
    """
    flat = game.flatten()
    m, n = game.num_actions
    A = flat.payoffs[:, 0]
    B = flat.payoffs[:, 1]
    # Positive affine maps of each player's payoffs leave equilibria unchanged; map each
    # player's payoffs into [1, 2] by that player's own range s_i (payoff_units), so the
    # tableau is well scaled, M > 0 off its zero blocks, and the absolute tolerances of the
    # pivoting are fractions of each player's own unit.
    units = flat.payoff_units
    A = (A - A.min(axis=(1, 2), keepdims=True)) / units[:, 0, None, None] + 1.0
    B = (B - B.min(axis=(1, 2), keepdims=True)) / units[:, 1, None, None] + 1.0
    G, k = flat.batch_size, m + n
    rows = np.zeros((G, m, k + 1))
    rows[:, :, :n] = A
    rows[:, :, n:k] = np.eye(m)
    rows[:, :, k] = 1.0
    columns = np.zeros((G, n, k + 1))
    columns[:, :, :m] = np.swapaxes(B, 1, 2)
    columns[:, :, m:k] = np.eye(n)
    columns[:, :, k] = 1.0
    return rows, columns


def _column_maps(m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Column of each variable (``z_0..z_{k-1}, w_0..w_{k-1}``) in the row and column blocks.

    A variable absent from a block maps to the block's last column (the right-hand side): it
    is never an entering variable there, and the index stays valid.
    """
    k = m + n
    rows = np.full(2 * k, k)
    rows[m:k] = np.arange(n)  # y_j
    rows[k : k + m] = n + np.arange(m)  # w_i, i < m
    columns = np.full(2 * k, k)
    columns[:m] = np.arange(m)  # x_i
    columns[k + m :] = m + np.arange(n)  # w_{m+j}
    return rows, columns


def _lexicographic_tie_break(
    block: np.ndarray, candidates: np.ndarray, entries: np.ndarray, tol: float
) -> np.ndarray:
    r"""Leaving row of games whose plain ratio test tied, by the lexicographic rule.

    ``block`` (shape ``(t, r, k+1)``) holds the tied games' tableau blocks, ``candidates``
    (``(t, r)``) the rows that tied on the right-hand side and ``entries`` the entering
    column. The remaining keys are the columns of :math:`B^{-1}` (the slack columns, the
    block's last ``r`` before the right-hand side, in the order of their variables); the
    other block's slack columns are zero in these rows and could not break a tie. The rows of
    :math:`B^{-1}` are linearly independent, so one row is left.
    """
    r = block.shape[1]
    k = block.shape[2] - 1
    candidates = candidates.copy()
    safe = np.where(candidates, entries, 1.0)
    for key in range(k - r, k):
        ratio = np.where(candidates, block[:, :, key] / safe, np.inf)
        best = ratio.min(axis=1, keepdims=True)
        candidates &= ratio <= best + tol * np.maximum(1.0, np.abs(best))
        if np.all(candidates.sum(axis=1) <= 1):
            break
    return np.argmax(candidates, axis=1)


def _complementary_paths(
    blocks: list[np.ndarray], labels: np.ndarray, m: int, first: int, tol: float, max_pivots: int
) -> tuple[np.ndarray, ...]:
    r"""Follow the Lemke-Howson path of every game whose first pivot lies in block ``first``.

    ``blocks`` is ``[row block, column block]`` (see :func:`_initial_blocks`), pivoted in
    place; ``labels`` the dropped label of each game. Because :math:`M` is block
    off-diagonal, the pivots alternate between the blocks: a variable leaving the column
    block (an :math:`x_i` or :math:`w_{m+j}`) has its complement (:math:`w_i` or :math:`y_j`)
    in the row block, and vice versa. So at each step every running game pivots in the same
    block, and one step is a few vectorised operations on one contiguous array.

    Games that finish stay in the working arrays and pivot on the entry of the variable
    basic in their first row, which changes nothing (its column is a unit vector; the
    entry is exactly 1). When at most half the working games are still running, the working
    arrays are compacted to those, so no step costs more than twice its running games and
    no step gathers or scatters whole tableaux.

    Returns the final right-hand sides and bases of both blocks, and per game whether the
    path ended at the dropped label, its number of pivots, and whether a tie in the plain
    ratio test was met (degeneracy).
    """
    G = labels.shape[0]
    n = blocks[0].shape[2] - 1 - m
    k = m + n
    maps = _column_maps(m, n)
    complement = np.concatenate([np.arange(k, 2 * k), np.arange(k)])
    sizes = (m, n)
    rhs_out = [np.zeros((G, r)) for r in sizes]
    basis_out = [np.zeros((G, r), dtype=np.int64) for r in sizes]
    converged = np.zeros(G, dtype=bool)
    pivots = np.zeros(G, dtype=np.int64)
    degenerate = np.zeros(G, dtype=bool)

    W = list(blocks)
    basis = [np.tile(k + np.arange(m), (G, 1)), np.tile(k + m + np.arange(n), (G, 1))]
    buffers = [np.empty_like(W[0]), np.empty_like(W[1])]
    entering = labels.copy()  # start by bringing z_label into the basis
    label = labels.copy()  # -1 once a game has finished
    ids = np.arange(G)
    deg = np.zeros(G, dtype=bool)
    g, running, finished_inside = G, G, False
    ar = np.arange(g)

    def flush(which: np.ndarray) -> None:
        out = ids[which]
        for b in (0, 1):
            rhs_out[b][out] = W[b][which, :, k]
            basis_out[b][out] = basis[b][which]
        degenerate[out] = deg[which]

    steps = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for step in range(max_pivots):
            if running == 0:
                break
            if running <= g // 2:  # compact the working arrays to the running games
                keep = label >= 0
                flush(~keep)
                W = [w[keep] for w in W]
                basis = [v[keep] for v in basis]
                entering, label, ids, deg = entering[keep], label[keep], ids[keep], deg[keep]
                g, finished_inside = running, False
                ar = np.arange(g)
                buffers = [v[:g] for v in buffers]
            steps = step + 1
            b = (first + step) & 1
            block, in_basis = W[b], basis[b]
            entries = block[ar, :, maps[b][entering]]  # the entering column, (g, r)
            positive = entries > tol
            ratio = np.where(positive, block[:, :, k] / entries, np.inf)
            best = ratio.min(axis=1)
            bound = best + tol * np.maximum(1.0, np.abs(best))
            candidates = (ratio <= bound[:, None]) & positive
            count = np.count_nonzero(candidates, axis=1)
            leaving_row = ratio.argmin(axis=1)
            if (count != 1).any():
                tie = count > 1
                if tie.any():
                    t = np.flatnonzero(tie)
                    deg[t] = True
                    leaving_row[t] = _lexicographic_tie_break(
                        block[t], candidates[t], entries[t], tol
                    )
                stuck = np.flatnonzero(count == 0)
                if stuck.size:  # no positive entry: not possible in exact arithmetic; give up
                    pivots[ids[stuck]] = step
                    label[stuck] = -1
                    running -= stuck.size
                    finished_inside = True
                    # pivot on the first row's basic variable instead: a step that does nothing
                    entering[stuck] = in_basis[stuck, 0]
                    entries[stuck] = block[stuck, :, maps[b][entering[stuck]]]
                    leaving_row[stuck] = 0
            pivot_row = block[ar, leaving_row] / entries[ar, leaving_row][:, None]
            np.multiply(entries[:, :, None], pivot_row[:, None, :], out=buffers[b])
            block -= buffers[b]
            block[ar, leaving_row] = pivot_row
            leaving = in_basis[ar, leaving_row]
            in_basis[ar, leaving_row] = entering
            # The variable that left has label (index mod k); its complement enters next.
            done = leaving % k == label
            if done.any():
                d = np.flatnonzero(done)
                converged[ids[d]] = True
                pivots[ids[d]] = step + 1
                label[d] = -1
                running -= d.size
                finished_inside = True
            entering = complement[leaving]
            if finished_inside:  # finished games enter their next block's first basic variable
                entering = np.where(label >= 0, entering, basis[1 - b][:, 0])
    pivots[ids[label >= 0]] = steps
    flush(np.ones(g, dtype=bool))
    return rhs_out[0], rhs_out[1], basis_out[0], basis_out[1], converged, pivots, degenerate


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
        ``[1, 2]`` player by player (each player's payoffs divided by that player's own range
        :math:`s_i`, ``NormalFormGame.payoff_units``); it is also recorded as the result's
        tolerance.
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
        raise SolverError(f"initial_label must be an integer, got {initial_label!r}")
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise SolverError(
            f"initial_label must be in 0..{k - 1} (0..{m - 1} row actions, {m}..{k - 1} "
            f"column actions); got {initial_label!r}"
        )
    labels = labels.astype(np.int64)
    if max_pivots is None:
        max_pivots = 50 * k * k
    if tol <= 0:
        raise SolverError(f"tol must be positive, got {tol}")

    rows, columns = _initial_blocks(game)
    rhs_rows, rhs_columns = np.zeros((G, m)), np.zeros((G, n))
    basis_rows = np.zeros((G, m), dtype=np.int64)
    basis_columns = np.zeros((G, n), dtype=np.int64)
    converged = np.zeros(G, dtype=bool)
    pivots = np.zeros(G, dtype=np.int64)
    degenerate = np.zeros(G, dtype=bool)
    # A label of the row player (z_label = x_label) enters the column block first; a label of
    # the column player enters the row block first. Each side is one batch of paths.
    for first, side in ((1, labels < m), (0, labels >= m)):
        if not side.any():
            continue
        whole = side.all()
        part = slice(None) if whole else np.flatnonzero(side)
        blocks = [rows, columns] if whole else [rows[part], columns[part]]
        out = _complementary_paths(blocks, labels[part], m, first, tol, max_pivots)
        rhs_rows[part], rhs_columns[part], basis_rows[part], basis_columns[part] = out[:4]
        converged[part], pivots[part], degenerate[part] = out[4:]

    # Read z from the final bases: basic z variables take the right-hand side (the column
    # block's rows hold the x_i, the row block's rows the y_j).
    z = np.zeros((G, k + 1))  # last column: a sink for the basic slack variables
    np.put_along_axis(z, np.where(basis_columns < k, basis_columns, k), rhs_columns, axis=1)
    np.put_along_axis(z, np.where(basis_rows < k, basis_rows, k), rhs_rows, axis=1)
    z = z[:, :k]
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
        tol=tol,
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
        tol=tol,
        complete=False,
        degenerate=runs.degenerate.reshape(k, G).any(axis=0).reshape(game.batch_shape),
        options={
            "converged_labels": converged.sum(axis=0).reshape(game.batch_shape),
            "pivots": runs.options["pivots"].reshape(k, G).sum(axis=0).reshape(game.batch_shape),
        },
    )
