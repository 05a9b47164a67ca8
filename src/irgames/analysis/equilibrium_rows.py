r"""Ragged equilibrium rows to per-point values, under a named equilibrium selection.

A solver that finds every equilibrium returns one row per equilibrium, with ``game_index``
:math:`g(r) \in \{0, \dots, G-1\}` naming the game (parameter point) of row :math:`r`; a game
may have no, one or many rows. A claim is a statement per point, so the rows must be reduced
to one value per game, and how is a choice of equilibrium selection:

``select="all"``
    robust: :math:`v_g = \bigwedge_{r: g(r) = g} v_r` (the claim holds in every equilibrium);
``select="any"``
    :math:`v_g = \bigvee_{r: g(r) = g} v_r` (in some equilibrium);
``select="best"`` / ``"worst"``
    the equilibrium that is best (worst) by ``key`` (e.g. one player's payoff: the
    sender-preferred equilibrium is ``key=payoffs[:, sender]``, ``select="best"``):
    :math:`v_g = v_{r^*(g)}`, :math:`r^*(g) = \arg\max_{r: g(r) = g} k_r` (ties: the first
    row);
a callable
    ``select(game_index, key, n_games) -> row`` returning, per game, the row it selects (-1
    for none).

Games with no row get ``fill``. Everything is vectorised over the rows (bincount, lexsort);
no loop runs over games.

Examples
--------
>>> import numpy as np
>>> gi = np.array([0, 0, 1, 2, 2, 2])
>>> ok = np.array([True, False, True, True, True, True])
>>> reduce_rows(gi, ok, 4, select="all").tolist()
[False, True, True, False]
>>> reduce_rows(gi, ok, 4, select="any").tolist()
[True, True, True, False]
>>> payoff = np.array([1.0, 3.0, 0.0, 2.0, 5.0, 5.0])
>>> reduce_rows(gi, np.arange(6), 4, select="best", key=payoff, fill=-1).tolist()
[1, 2, 4, -1]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["reduce_rows", "selected_rows"]


def selected_rows(game_index, key, n_games: int, *, select: str = "best") -> np.ndarray:
    """Per game, the row with the largest (``"best"``) or smallest (``"worst"``) ``key``;
    -1 for a game with no row. Ties go to the first row."""
    gi = np.asarray(game_index, dtype=np.int64).reshape(-1)
    k = np.asarray(key, dtype=float).reshape(-1)
    if k.shape != gi.shape:
        raise ParameterError(
            f"key has {k.size} entries for {gi.size} equilibrium rows; give one per row"
        )
    if select not in ("best", "worst"):
        raise ParameterError(f"select must be 'best' or 'worst' here, got {select!r}")
    if np.isnan(k).any():
        raise ParameterError("key has NaN entries: an equilibrium cannot be ranked by NaN")
    rows = np.arange(gi.size)
    primary = -k if select == "best" else k
    order = np.lexsort((rows, primary, gi))  # by game, then by key, then by row
    out = np.full(n_games, -1, dtype=np.int64)
    if gi.size:
        first = np.ones(gi.size, dtype=bool)
        first[1:] = gi[order][1:] != gi[order][:-1]
        out[gi[order][first]] = order[first]
    return out


def reduce_rows(
    game_index,
    values,
    n_games: int,
    *,
    select: str | Callable[..., Any] = "all",
    key=None,
    fill: Any = None,
) -> np.ndarray:
    """One value per game from one value per equilibrium row (see the module docstring).

    Parameters
    ----------
    game_index : array_like of int, shape (rows,)
        The game of each row, in ``0 .. n_games - 1``.
    values : array_like, shape (rows, ...)
        Per row: a bool (``"all"``, ``"any"``) or any value (the other selections).
    n_games : int
    select : {"all", "any", "best", "worst"} or callable
    key : array_like of float, shape (rows,), optional
        For ``"best"`` / ``"worst"`` (required) and passed to a callable.
    fill
        For games with no row: default False for ``"all"`` and ``"any"`` (a claim about no
        equilibrium is not evidence), NaN otherwise.

    Returns
    -------
    ndarray, shape (n_games, ...)
    """
    gi = np.asarray(game_index, dtype=np.int64).reshape(-1)
    v = np.asarray(values)
    if v.shape[:1] != gi.shape:
        raise ParameterError(
            f"values have {v.shape[0] if v.ndim else 0} rows for {gi.size} game indices; "
            "give one value per equilibrium row"
        )
    if gi.size and (gi.min() < 0 or gi.max() >= n_games):
        raise ParameterError(f"game_index must lie in 0..{n_games - 1}, got {gi.min()}..{gi.max()}")
    counts = np.bincount(gi, minlength=n_games)
    if select in ("all", "any"):
        if v.ndim != 1:
            raise ParameterError(f"select={select!r} reduces one bool per row, got shape {v.shape}")
        b = v.astype(bool)
        hits = np.bincount(
            gi, weights=(~b if select == "all" else b).astype(float), minlength=n_games
        )
        res = (hits == 0) if select == "all" else (hits > 0)
        fill = False if fill is None else fill
        return np.where(counts > 0, res, fill)
    if callable(select):
        rows = np.asarray(select(gi, key, n_games), dtype=np.int64).reshape(-1)
        if rows.shape != (n_games,):
            raise ParameterError(f"the selection returned {rows.size} rows for {n_games} games")
        chosen = rows >= 0
        bad = chosen & (rows >= gi.size)
        inside = chosen & ~bad
        bad[inside] = gi[rows[inside]] != np.flatnonzero(inside)
        if bad.any():
            raise ParameterError("the selection returned, for some game, a row of another game")
    elif select in ("best", "worst"):
        if key is None:
            raise ParameterError(
                f"select={select!r} needs key=... (e.g. one player's payoff per row)"
            )
        rows = selected_rows(gi, key, n_games, select=select)
    else:
        raise ParameterError(
            f"select must be 'all', 'any', 'best', 'worst' or a callable, got {select!r}"
        )
    fill = np.nan if fill is None else fill
    dtype = np.result_type(v.dtype, np.asarray(fill).dtype)
    out = np.full((n_games, *v.shape[1:]), fill, dtype=dtype)
    has = rows >= 0
    out[has] = v[rows[has]]
    return out
