r"""Regret: the definition of equilibrium, computed independently of every solver.

For a profile :math:`\sigma` of a finite game, the value of pure action :math:`s_i` to player
:math:`i` against the others' mixture is

.. math::

    v_i(s_i; \sigma_{-i}) = \sum_{s_{-i}} u_i(s_i, s_{-i}) \prod_{j \ne i} \sigma_j(s_j),

the expected payoff is :math:`u_i(\sigma) = \sum_{s_i} \sigma_i(s_i) v_i(s_i; \sigma_{-i})`, and
player :math:`i`'s regret is the largest gain from a unilateral deviation,

.. math::

    r_i(\sigma) = \max_{s_i \in A_i} v_i(s_i; \sigma_{-i}) - u_i(\sigma) \;\ge\; 0.

A profile is a Nash equilibrium iff :math:`\max_i r_i(\sigma) = 0`. Each regret is judged in
its player's own payoff unit :math:`s_i` (the range of :math:`u_i`, see
:func:`~irgames.games.normal_form.payoff_units`): the *relative regret* is

.. math::

    \rho(\sigma) = \max_i \; r_i(\sigma) / s_i,

which no positive affine transformation of any one player's payoffs changes. Solvers in
:mod:`irgames.solvers` never compute this number themselves: every equilibrium they return is
passed through :func:`regret`, which shares no code with any solver, and tests hold solvers to
it. The code below contracts the payoff tensor one opponent at a time with plain numpy.

For two-player games the action values are the matrix-vector products
:math:`v_1 = A y` and :math:`v_2 = B^\top x`; :func:`row_payoffs_and_regret` evaluates them
for many (game, profile) rows at once, the batch axis last and in chunks that stay in cache,
so that checking a million equilibria costs about as much as finding them. Each row's
payoffs and regret are computed in one pass from its game's payoff table: no solver output
other than the profile is used.

Examples
--------
>>> import irgames as ig
>>> mp = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1]])
>>> ig.regret(mp, ([0.5, 0.5], [0.5, 0.5])).tolist()
[0.0, 0.0]
>>> ig.regret(mp, ([1.0, 0.0], [1.0, 0.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .normal_form import GameValueError, NormalFormGame, payoff_units

__all__ = [
    "action_values",
    "check_profile",
    "expected_payoffs",
    "payoffs_and_regret",
    "regret",
    "relative_regret",
    "row_payoffs_and_regret",
]

#: Payoff cells (floats) per chunk of rows in the two-player kernel: a chunk's payoff tables,
#: profiles and action values stay in the CPU cache.
_CHUNK_CELLS = 1 << 17

#: Games with at most this many cells (m n) are evaluated by a loop over actions with the
#: batch axis last; larger ones by batched matrix products.
_LOOP_CELLS = 64


def check_profile(
    game: NormalFormGame, profile: Sequence, *, atol: float = 1e-9
) -> tuple[np.ndarray, ...]:
    """Validate a mixed profile against ``game`` and return it as float arrays.

    Each ``profile[i]`` must have trailing length ``a_i`` and a leading shape that broadcasts
    with the game's batch shape, hold finite non-negative numbers and sum to one (within
    ``atol``).
    """
    if len(profile) != game.n_players:
        raise GameValueError(
            f"a profile needs one strategy per player ({game.n_players}), got {len(profile)}"
        )
    out = []
    for i, (sigma, a) in enumerate(zip(profile, game.num_actions, strict=True)):
        sigma = np.asarray(sigma, dtype=float)
        if sigma.ndim == 0 or sigma.shape[-1] != a:
            raise GameValueError(
                f"player {i}'s strategy must end in an axis of length {a}; got shape {sigma.shape}"
            )
        if not np.all(np.isfinite(sigma)):
            raise GameValueError(f"player {i}'s strategy has non-finite entries")
        if np.any(sigma < -atol):
            raise GameValueError(f"player {i}'s strategy has negative probabilities")
        total = sigma.sum(axis=-1)
        if np.any(np.abs(total - 1.0) > atol * max(1, a)):
            worst = float(np.max(np.abs(total - 1.0)))
            raise GameValueError(f"player {i}'s strategy must sum to one; off by up to {worst:.3g}")
        out.append(sigma)
    return tuple(out)


def _fits_batch(game: NormalFormGame, profile: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """``profile`` unchanged if its leading shapes broadcast with the game's batch shape."""
    try:
        np.broadcast_shapes(game.batch_shape, *(sigma.shape[:-1] for sigma in profile))
    except ValueError:
        shapes = ", ".join(str(sigma.shape[:-1]) for sigma in profile)
        raise GameValueError(
            f"the strategies' leading shapes ({shapes}) do not broadcast with the game's batch "
            f"shape {game.batch_shape}"
        ) from None
    return profile


def _action_values(payoffs: np.ndarray, n: int, profile: Sequence, player: int) -> np.ndarray:
    """Action values of ``player`` from a payoff array ``(*batch, n, a_1..a_n)``, unchecked."""
    table = payoffs[(..., player) + (slice(None),) * n]  # (*batch, a_1, ..., a_n)
    # Contract the opponents' axes from the last to the first. When player j's axis is
    # contracted, the action axes left are those of players 0..j, followed by the deviating
    # player's own axis if it comes later.
    for j in reversed(range(n)):
        if j == player:
            continue
        after = 1 if player > j else 0
        sigma = profile[j]
        shaped = sigma.reshape(sigma.shape[:-1] + (1,) * j + sigma.shape[-1:] + (1,) * after)
        table = (table * shaped).sum(axis=-1 - after)
    return table


def action_values(game: NormalFormGame, profile: Sequence, player: int) -> np.ndarray:
    r"""Values :math:`v_i(s_i; \sigma_{-i})` of each of ``player``'s pure actions.

    Returns an array of shape ``(*batch, a_player)`` (the batch shape broadcast with the
    profile's leading shape).
    """
    profile = _fits_batch(game, check_profile(game, profile))
    return _action_values(game.payoffs, game.n_players, profile, player)


def _general_payoffs_and_regret(
    payoffs: np.ndarray, n: int, profile: Sequence
) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs and regrets of any number of players, each action value computed once."""
    values, regrets = [], []
    for i in range(n):
        v = _action_values(payoffs, n, profile, i)
        current = (v * profile[i]).sum(axis=-1)
        values.append(current)
        regrets.append(np.maximum(v.max(axis=-1) - current, 0.0))
    return (
        np.stack(np.broadcast_arrays(*values), axis=-1),
        np.stack(np.broadcast_arrays(*regrets), axis=-1),
    )


def _rows_are_profiles(sigma: np.ndarray, atol: float) -> bool:
    """Whether every row of ``sigma`` (shape ``(a, c)``, rows last) is a mixed strategy.

    NaN fails both comparisons and an infinite entry fails one, so finiteness is covered.
    """
    if not sigma.min() >= -atol:
        return False
    total = sigma.sum(axis=0)
    total -= 1.0
    return bool(np.abs(total).max() <= atol * max(1, sigma.shape[0]))


def _bimatrix_rows(
    P: np.ndarray,
    game_index: np.ndarray | None,
    x: np.ndarray,
    y: np.ndarray,
    *,
    with_scale: bool,
    atol: float = 1e-9,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    r"""Payoffs, regrets (and payoff units) of rows ``(P[game_index[r]], x[r], y[r])``.

    ``P`` has shape ``(G, 2, m, n)``; ``game_index`` is ``None`` when row ``r`` is game ``r``.
    Per chunk of rows the payoff tables are gathered; :math:`v_1 = A y`, :math:`v_2 = B^\top x`,
    :math:`u_1 = x \cdot v_1`, :math:`u_2 = y \cdot v_2` and :math:`r_i = \max v_i - u_i` are
    then, for small games, sums of products of contiguous vectors with the batch axis last (a
    loop over actions, never over rows) and, for larger games, batched matrix-vector products.
    Returns ``None`` when some
    row is not a mixed strategy, so that the caller can report it with
    :func:`check_profile`'s message.
    """
    k = x.shape[0]
    m, n = P.shape[-2:]
    cells = m * n
    table = P.reshape(P.shape[0], 2 * cells)
    out_payoffs = np.empty((k, 2))
    out_regret = np.empty((k, 2))
    out_scale = np.empty((k, 2)) if with_scale else None
    chunk = max(1, _CHUNK_CELLS // (2 * cells + 3 * (m + n)))
    for s in range(0, k, chunk):
        e = min(k, s + chunk)
        rows = table[s:e] if game_index is None else table.take(game_index[s:e], axis=0)
        if cells <= _LOOP_CELLS:
            T = np.ascontiguousarray(rows.T)  # (2 m n, c)
            xs = np.ascontiguousarray(x[s:e].T)  # (m, c)
            ys = np.ascontiguousarray(y[s:e].T)  # (n, c)
            if not (_rows_are_profiles(xs, atol) and _rows_are_profiles(ys, atol)):
                return None
            _small_bimatrix_chunk(T, xs, ys, m, n, out_payoffs[s:e], out_regret[s:e])
            if out_scale is not None:
                out_scale[s:e] = payoff_units(T.reshape(2, m, n, e - s), 2, batch_last=True).T
        else:
            xs, ys = x[s:e], y[s:e]
            if not (_rows_are_profiles(xs.T, atol) and _rows_are_profiles(ys.T, atol)):
                return None
            _large_bimatrix_chunk(rows, xs, ys, m, n, out_payoffs[s:e], out_regret[s:e])
            if out_scale is not None:
                out_scale[s:e] = payoff_units(rows.reshape(e - s, 2, m, n), 2)
    np.maximum(out_regret, 0.0, out=out_regret)
    return out_payoffs, out_regret, out_scale


def _small_bimatrix_chunk(T, xs, ys, m, n, out_payoffs, out_regret) -> None:
    """Rows of small games, batch axis last: ``T`` (2 m n, c), ``xs`` (m, c), ``ys`` (n, c)."""
    c = T.shape[-1]
    A = T[: m * n].reshape(m, n, c)
    B = T[m * n :].reshape(m, n, c)
    v1 = A[:, 0] * ys[0]  # (m, c): value of each row against y
    for j in range(1, n):
        v1 += A[:, j] * ys[j]
    v2 = B[0] * xs[0]  # (n, c): value of each column against x
    for i in range(1, m):
        v2 += B[i] * xs[i]
    u1 = (v1 * xs).sum(axis=0)
    u2 = (v2 * ys).sum(axis=0)
    out_payoffs[:, 0] = u1
    out_payoffs[:, 1] = u2
    best = v1.max(axis=0)
    best -= u1
    out_regret[:, 0] = best
    best = v2.max(axis=0)
    best -= u2
    out_regret[:, 1] = best


def _large_bimatrix_chunk(rows, x, y, m, n, out_payoffs, out_regret) -> None:
    """Rows of larger games, batch axis first: one batched matrix product per player."""
    tables = rows.reshape(-1, 2, m, n)
    v1 = np.matmul(tables[:, 0], y[:, :, None])[..., 0]  # (c, m)
    v2 = np.matmul(x[:, None, :], tables[:, 1])[:, 0, :]  # (c, n)
    u1 = np.einsum("ci,ci->c", v1, x)
    u2 = np.einsum("cj,cj->c", v2, y)
    out_payoffs[:, 0] = u1
    out_payoffs[:, 1] = u2
    out_regret[:, 0] = v1.max(axis=1) - u1
    out_regret[:, 1] = v2.max(axis=1) - u2


def _as_rows(profile: Sequence, n_players: int, num_actions, k: int) -> tuple[np.ndarray, ...]:
    if len(profile) != n_players:
        raise GameValueError(
            f"a profile needs one strategy per player ({n_players}), got {len(profile)}"
        )
    out = []
    for i, (sigma, a) in enumerate(zip(profile, num_actions, strict=True)):
        sigma = np.asarray(sigma, dtype=float)
        if sigma.shape != (k, a):
            raise GameValueError(
                f"player {i}'s strategies must have shape ({k}, {a}) (one row per game index); "
                f"got {sigma.shape}"
            )
        out.append(sigma)
    return tuple(out)


def row_payoffs_and_regret(
    game: NormalFormGame, game_index, profile: Sequence, *, atol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Payoffs, regrets and each player's payoff unit of many (game, profile) rows, in one pass.

    Row :math:`r` is the profile ``(profile[0][r], ..., profile[n-1][r])`` in the game of flat
    index ``game_index[r]`` of the batch. This is what :class:`~irgames.solvers.equilibria.
    Equilibria` stores for every equilibrium a solver returns.

    Parameters
    ----------
    game : NormalFormGame
    game_index : array_like of int, shape (k,)
        Flat (C-order) index of each row's game.
    profile : sequence of array_like
        ``profile[i]`` of shape ``(k, a_i)``; every row a mixed strategy (within ``atol``).

    Returns
    -------
    payoffs : ndarray, shape (k, n_players)
        :math:`u_i(\sigma)` of each row.
    regret : ndarray, shape (k, n_players)
        :math:`r_i(\sigma)` of each row, clipped at zero.
    units : ndarray, shape (k, n_players)
        ``game.payoff_units`` of each row's game: :math:`s_i`, the range of player
        :math:`i`'s payoffs, so that ``regret / units`` is each player's relative regret.

    Raises
    ------
    GameValueError
        If a strategy has the wrong shape or is not a mixed strategy.
    IndexError
        If a game index is outside the batch.

    Examples
    --------
    >>> import irgames as ig
    >>> games = ig.NormalFormGame.bimatrix([[[3, 0], [0, 2]]] * 2, [[[2, 0], [0, 3]]] * 2)
    >>> u, r, s = row_payoffs_and_regret(games, [0, 1], ([[1, 0], [1, 0]], [[1, 0], [0, 1]]))
    >>> u.tolist(), r.tolist(), s.tolist()
    ([[3.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [2.0, 2.0]], [[3.0, 3.0], [3.0, 3.0]])
    """
    n = game.n_players
    G = game.batch_size
    flat = game.payoffs.reshape(G, *game.payoffs.shape[-n - 1 :])
    game_index = np.asarray(game_index)
    if game_index.dtype.kind not in "iu":
        raise GameValueError(f"game_index must hold integers, got dtype {game_index.dtype}")
    game_index = game_index.reshape(-1)
    k = game_index.size
    profile = _as_rows(profile, n, game.num_actions, k)
    if k == 0:
        return np.zeros((0, n)), np.zeros((0, n)), np.zeros((0, n))
    if game_index.min() < 0 or game_index.max() >= G:
        # builtin: the sequence protocol (an index out of range)
        raise IndexError(f"game_index out of range of the batch of {G} games")
    if n == 2:
        result = _bimatrix_rows(
            flat, game_index, profile[0], profile[1], with_scale=True, atol=atol
        )
        if result is None:
            check_profile(game, profile, atol=atol)  # raises with the reason
            raise GameValueError("a row of the profile is not a mixed strategy")  # pragma: no cover
        return result  # type: ignore[return-value]
    check_profile(game, profile, atol=atol)
    rows = flat[game_index]
    payoffs, regrets = _general_payoffs_and_regret(rows, n, profile)
    return payoffs, regrets, payoff_units(rows, n)


def payoffs_and_regret(game: NormalFormGame, profile: Sequence) -> tuple[np.ndarray, np.ndarray]:
    r"""Expected payoffs :math:`u_i(\sigma)` and regrets :math:`r_i(\sigma)` together.

    Each player's action values are computed once and give both. ``profile[i]`` has shape
    ``(*batch, a_i)``, its leading shape broadcasting with the game's batch shape; both
    results have shape ``(*batch, n_players)``.

    Examples
    --------
    >>> import irgames as ig
    >>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> u, r = payoffs_and_regret(pd, ([1.0, 0.0], [1.0, 0.0]))
    >>> u.tolist(), r.tolist()
    ([3.0, 3.0], [2.0, 2.0])
    """
    profile = _fits_batch(game, check_profile(game, profile))
    n = game.n_players
    batch = game.batch_shape
    if n == 2 and all(sigma.shape[:-1] == batch for sigma in profile):
        G = game.batch_size
        flat = game.payoffs.reshape(G, *game.payoffs.shape[-3:])
        m, n_cols = game.num_actions
        x = profile[0].reshape(G, m)
        y = profile[1].reshape(G, n_cols)
        # the profile was checked above; the kernel's own check cannot fail
        payoffs, regrets, _ = _bimatrix_rows(flat, None, x, y, with_scale=False, atol=np.inf)
        return payoffs.reshape(*batch, 2), regrets.reshape(*batch, 2)
    return _general_payoffs_and_regret(game.payoffs, n, profile)


def expected_payoffs(game: NormalFormGame, profile: Sequence) -> np.ndarray:
    r"""Expected payoffs :math:`u_i(\sigma)` of every player, shape ``(*batch, n_players)``."""
    return payoffs_and_regret(game, profile)[0]


def regret(game: NormalFormGame, profile: Sequence) -> np.ndarray:
    r"""Each player's regret :math:`r_i(\sigma)`, shape ``(*batch, n_players)``.

    ``profile[i]`` has shape ``(*batch, a_i)``, its leading shape broadcasting with the game's
    batch shape. The result is clipped at zero (rounding can make it a hair negative).
    """
    return payoffs_and_regret(game, profile)[1]


def relative_regret(game: NormalFormGame, profile: Sequence) -> np.ndarray:
    r"""The largest regret in its player's own payoff unit, :math:`\max_i r_i(\sigma) / s_i`.

    :math:`s_i` is player :math:`i`'s payoff range (``game.payoff_units``, 1 where constant),
    so the result does not change when one player's payoffs are multiplied by a positive
    factor or shifted. Shape ``(*batch,)`` (broadcast with the profile's leading shape).

    Examples
    --------
    >>> import irgames as ig
    >>> g = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[1e10, 0], [0, 1]])
    >>> float(relative_regret(g, ([0.0, 1.0], [1.0, 0.0])))  # player 2 loses 1 of 1e10
    1e-10
    >>> float(relative_regret(g, ([1.0, 0.0], [1.0, 0.0])))  # player 1 loses 2 of 5
    0.4
    """
    r = regret(game, profile)
    return (r / game.payoff_units).max(axis=-1)
