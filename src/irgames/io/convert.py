r"""Converters between :class:`~irgames.games.normal_form.NormalFormGame` and peer libraries.

* nashpy holds one two-player game as the pair of payoff matrices :math:`(A, B)`, with
  :math:`A_{jk} = u_1(j, k)` and :math:`B_{jk} = u_2(j, k)`: exactly irgames' layout
  ``payoffs[0], payoffs[1]``.
* pygambit holds one :math:`n`-player game whose strategic form has a payoff table per player,
  :math:`T_i[s_1, \dots, s_n] = u_i(s)` (``Game.from_arrays`` / ``Game.to_arrays``). Payoffs go
  to pygambit as exact rationals (:class:`fractions.Fraction` of each double), so nothing is
  rounded on the way in, and come back through :class:`~fractions.Fraction`, so a round trip
  returns the same doubles.

Both libraries hold a single game, so the converters to them take a game with
``batch_shape == ()``; convert a batch one game at a time (``[to_nashpy(g) for g in batch]``).
Extensive-form conversion lives in :mod:`irgames.io.efg`.

Examples
--------
>>> import irgames as ig
>>> from irgames.io.convert import from_nashpy, to_nashpy
>>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> nashpy_game = to_nashpy(pd)
>>> [m.tolist() for m in nashpy_game.payoff_matrices]
[[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]]
>>> from_nashpy(nashpy_game).payoffs.tolist() == pd.payoffs.tolist()
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from ..games.normal_form import GameValueError, NormalFormGame

__all__ = ["from_nashpy", "from_pygambit", "to_nashpy", "to_pygambit"]


def _single(game: NormalFormGame, library: str) -> NormalFormGame:
    if not isinstance(game, NormalFormGame):
        # builtin: an argument of the wrong type, as Python's own functions do
        raise TypeError(f"expected a NormalFormGame, got {type(game).__name__}")
    if game.batch_shape != ():
        raise GameValueError(
            f"{library} holds one game at a time; got a batch of shape {game.batch_shape} "
            "(convert game[k] for each k)"
        )
    return game


def to_nashpy(game: NormalFormGame):
    """The nashpy game ``nashpy.Game(A, B)`` of a single two-player game.

    Raises
    ------
    GameValueError
        If the game is a batch or has other than two players.
    """
    import nashpy

    game = _single(game, "nashpy")
    if game.n_players != 2:
        raise GameValueError(f"nashpy games have two players; this one has {game.n_players}")
    return nashpy.Game(np.array(game.payoffs[0]), np.array(game.payoffs[1]))


def from_nashpy(nashpy_game) -> NormalFormGame:
    """The :class:`NormalFormGame` of a ``nashpy.Game`` (its ``payoff_matrices``)."""
    try:
        A, B = nashpy_game.payoff_matrices
    except (AttributeError, TypeError, ValueError):
        # builtin: an argument of the wrong type, as Python's own functions do
        raise TypeError(
            f"expected a nashpy.Game (with payoff_matrices), got {type(nashpy_game).__name__}"
        ) from None
    return NormalFormGame.bimatrix(A, B)


def to_pygambit(
    game: NormalFormGame,
    *,
    title: str | None = None,
    players: Sequence[str] | None = None,
    strategies: Sequence[Sequence[str]] | None = None,
):
    """The pygambit strategic game of a single :math:`n`-player game.

    Payoffs are passed as exact rationals of the doubles. ``players`` and ``strategies``
    optionally label the players and their strategies (pygambit's defaults are ``"1"``,
    ``"2"``, ...).

    Raises
    ------
    GameValueError
        If the game is a batch, or the labels do not match the numbers of players and actions.
    """
    import pygambit

    game = _single(game, "pygambit")
    n, actions = game.n_players, game.num_actions
    if players is not None and len(players) != n:
        raise GameValueError(f"need {n} player names, got {len(players)}")
    if strategies is not None and (
        len(strategies) != n or any(len(s) != a for s, a in zip(strategies, actions, strict=False))
    ):
        raise GameValueError(f"strategy names must match the numbers of actions {actions}")
    to_fraction = np.vectorize(Fraction, otypes=[object])
    tables = [to_fraction(game.payoffs[i]) for i in range(n)]
    kwargs = {} if title is None else {"title": str(title)}
    result = pygambit.Game.from_arrays(*tables, **kwargs)
    if players is not None:
        for player, label in zip(result.players, players, strict=True):
            player.label = str(label)
    if strategies is not None:
        for player, labels in zip(result.players, strategies, strict=True):
            for strategy, label in zip(player.strategies, labels, strict=True):
                strategy.label = str(label)
    return result


def from_pygambit(gambit_game) -> NormalFormGame:
    """The strategic form of a pygambit game as a :class:`NormalFormGame`.

    For a game tree this is Gambit's strategic form of the tree (its pure strategies).
    Payoffs come back through exact rationals and are rounded once to doubles.
    """
    try:
        tables = gambit_game.to_arrays(dtype=Fraction)
    except AttributeError:
        # builtin: an argument of the wrong type, as Python's own functions do
        raise TypeError(f"expected a pygambit.Game, got {type(gambit_game).__name__}") from None
    to_float = np.vectorize(float, otypes=[float])
    return NormalFormGame(
        np.stack([to_float(np.asarray(t, dtype=object)) for t in tables]),
        n_players=len(tables),
    )
