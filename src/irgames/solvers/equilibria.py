r"""`Equilibria`: what every normal-form solver returns for a batch of games.

Games in a batch have different numbers of equilibria, so the result is *ragged*: one row per
equilibrium, each with the flat index of its game in the batch. For every row the result holds
each player's mixed strategy, the expected payoffs and the regret

.. math::

    r_i(\sigma) = \max_{s_i} u_i(s_i, \sigma_{-i}) - u_i(\sigma), \qquad
    r(\sigma) = \max_i r_i(\sigma),

with each player's payoff unit :math:`s_i` (the range of :math:`u_i`, see
:func:`~irgames.games.normal_form.payoff_units`) and the relative regret
:math:`\rho(\sigma) = \max_i r_i(\sigma) / s_i`, computed by
:func:`irgames.games.regret.row_payoffs_and_regret` (the definition of
:mod:`irgames.games.regret`, evaluated for every row from its game's payoff table), which
shares no code with any solver. Per game
it holds the count of equilibria found, a flag for degenerate games, and (for methods that
enumerate extreme equilibria of degenerate games) the label of the connected component each
extreme equilibrium belongs to, so that continua are reported, not dropped. Provenance records
the method, the tolerance, whether the method is complete (finds all equilibria) and exact, and
its options.

Examples
--------
>>> import irgames as ig
>>> game = ig.NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
>>> eq = ig.Equilibria.from_profiles(
...     game, [0, 0], ([[1.0, 0.0], [0.5, 0.5]], [[1.0, 0.0], [0.5, 0.5]]),
...     method="by hand", tol=1e-9, complete=False)
>>> len(eq), eq.count.tolist(), float(eq.regret.max())
(2, 2, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from ..games.regret import row_payoffs_and_regret
from .result import Result, accepts_tolerance, tolerance_property

__all__ = ["DEFAULT_TOL", "Equilibria"]

#: Default tolerance of the normal-form enumeration solvers (``two_by_two``,
#: ``pure_equilibria``, ``support_enumeration``, ``vertex_enumeration``,
#: ``polynomial_support_enumeration``), as a fraction of each player's own payoff unit
#: :math:`s_i` (``NormalFormGame.payoff_units``): a difference of player :math:`i`'s payoffs
#: of at most ``DEFAULT_TOL * s_i`` is a tie. Each player's payoffs are mapped onto an interval
#: of length one before they are compared, so rounding there is of order ``1e-16`` (grown by
#: the eliminations of a small linear system), far inside it; and payoffs that differ by
#: ``1e-10`` of a player's range (``[[1e10, 0], [0, 1]]``) are told apart, as exact arithmetic
#: tells them apart. Lemke-Howson and the logit homotopy keep ``1e-9``: their tolerance steers
#: pivoting and convergence, not which ties exist.
DEFAULT_TOL = 1e-12


@dataclass(frozen=True, eq=False)
class Equilibria(Result):
    r"""Equilibria of a batch of normal-form games, one row per equilibrium.

    Attributes
    ----------
    batch_shape : tuple of int
        Batch shape of the solved game.
    num_actions : tuple of int
        Numbers of actions of the players.
    game_index : ndarray of int, shape (k,)
        Flat (C-order) index of each row's game in the batch; use :meth:`game_position` for
        the multi-index.
    strategies : tuple of ndarray
        ``strategies[i]`` has shape ``(k, a_i)``: player ``i``'s mixed strategy in each row.
    payoffs : ndarray, shape (k, n_players)
        Expected payoffs of each row.
    regret : ndarray, shape (k,)
        Largest gain from a unilateral deviation, :math:`\max_i r_i`, in payoffs.
    player_regret : ndarray, shape (k, n_players)
        Each player's regret :math:`r_i`.
    units : ndarray, shape (k, n_players)
        Each player's payoff unit :math:`s_i` in the row's game
        (``NormalFormGame.payoff_units``); ``player_regret / units`` is each player's relative
        regret and :attr:`relative_regret` its maximum over players.
    count : ndarray of int, shape batch_shape
        Number of rows per game.
    degenerate : ndarray of bool, shape batch_shape
        Whether the game was found degenerate (ties that can produce continua).
    component : ndarray of int, shape (k,)
        Within each game, the label of the connected set of equilibria a row belongs to (rows
        with the same label are extreme points of one component; isolated equilibria get labels
        of their own).
    method : str
        Name of the algorithm.
    tol : float
        Relative tolerance the solver used: on player :math:`i`'s payoffs, a fraction of
        :math:`s_i`.
    complete : bool
        True if the method finds every equilibrium (every extreme equilibrium, for degenerate
        games) and False for methods that find some (e.g. Lemke-Howson).
    exact : bool
        True if the equilibria were certified in exact (rational) arithmetic.
    options : dict
        The options the solver was called with, and anything else it reports.
    """

    batch_shape: tuple[int, ...]
    num_actions: tuple[int, ...]
    game_index: np.ndarray
    strategies: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    regret: np.ndarray
    player_regret: np.ndarray
    units: np.ndarray
    count: np.ndarray
    degenerate: np.ndarray
    component: np.ndarray
    method: str
    tol: float
    complete: bool
    exact: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    layout = "per_equilibrium"
    tolerance = tolerance_property()

    # ------------------------------------------------------------------ construction
    @classmethod
    @accepts_tolerance
    def from_profiles(
        cls,
        game: NormalFormGame,
        game_index,
        strategies: Sequence,
        *,
        method: str,
        tol: float,
        complete: bool,
        degenerate=None,
        component=None,
        exact: bool = False,
        options: dict[str, Any] | None = None,
    ) -> Equilibria:
        """Assemble a result from a solver's profiles; payoffs and regret are computed here.

        Parameters
        ----------
        game : NormalFormGame
            The solved batch.
        game_index : array_like of int, shape (k,)
            Flat index of each profile's game.
        strategies : sequence of array_like
            ``strategies[i]`` of shape ``(k, a_i)``.
        degenerate : array_like of bool, optional
            Shape ``game.batch_shape``; False everywhere when omitted.
        component : array_like of int, optional
            Shape ``(k,)``; by default every row is its own component.
        """
        size = game.batch_size
        game_index = np.asarray(game_index, dtype=np.int64).reshape(-1)
        k = game_index.size
        strategies = tuple(
            np.asarray(s, dtype=float).reshape(k, a)
            for s, a in zip(strategies, game.num_actions, strict=True)
        )
        # Every row is checked against its game's payoff table, in one pass per row (an index
        # outside the batch raises IndexError there).
        payoffs, regrets, units = row_payoffs_and_regret(game, game_index, strategies)
        reg = regrets[:, 0].copy()
        for i in range(1, game.n_players):
            np.maximum(reg, regrets[:, i], out=reg)
        count = np.bincount(game_index, minlength=size).reshape(game.batch_shape)
        if degenerate is None:
            degenerate = np.zeros(game.batch_shape, dtype=bool)
        degenerate = np.broadcast_to(np.asarray(degenerate, dtype=bool), game.batch_shape).copy()
        if component is None:
            component = _default_components(game_index)
        component = np.asarray(component, dtype=np.int64).reshape(k)
        return cls(
            batch_shape=game.batch_shape,
            num_actions=game.num_actions,
            game_index=game_index,
            strategies=strategies,
            payoffs=np.asarray(payoffs, dtype=float),
            regret=np.asarray(reg, dtype=float),
            player_regret=np.asarray(regrets, dtype=float),
            units=np.asarray(units, dtype=float),
            count=count,
            degenerate=degenerate,
            component=component,
            method=method,
            tol=float(tol),
            complete=bool(complete),
            exact=bool(exact),
            options=dict(options or {}),
        )

    # ------------------------------------------------------------------ views
    @property
    def n_players(self) -> int:
        return len(self.num_actions)

    @property
    def relative_regret(self) -> np.ndarray:
        r"""Each row's largest regret in its player's own unit, :math:`\max_i r_i / s_i`.

        Scaling or shifting one player's payoffs leaves it unchanged.
        """
        if not len(self):
            return np.zeros(0)
        return (self.player_regret / self.units).max(axis=1)

    @property
    def scale(self) -> np.ndarray:
        """The largest of each row's payoff units (``NormalFormGame.payoff_scale``), shape (k,).

        Kept for code that wants one number per row; judge regrets with :attr:`units` or
        :attr:`relative_regret`, which are per player.
        """
        if not len(self):
            return np.zeros(0)
        return self.units.max(axis=1)

    @property
    def max_relative_regret(self) -> float:
        """Worst relative regret over all rows (0 for an empty result)."""
        return float(self.relative_regret.max()) if len(self) else 0.0

    def game_position(self) -> tuple[np.ndarray, ...]:
        """Multi-index of each row's game in the batch shape."""
        return np.unravel_index(self.game_index, self.batch_shape)

    def __len__(self) -> int:
        return int(self.game_index.size)

    def select(self, rows) -> Equilibria:
        """The rows selected by a boolean mask or an index array (counts are recomputed)."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        game_index = self.game_index[rows]
        size = int(np.prod(self.batch_shape, dtype=np.int64))
        count = np.bincount(game_index, minlength=size).reshape(self.batch_shape)
        return replace(
            self,
            game_index=game_index,
            strategies=tuple(s[rows] for s in self.strategies),
            payoffs=self.payoffs[rows],
            regret=self.regret[rows],
            player_regret=self.player_regret[rows],
            units=self.units[rows],
            component=self.component[rows],
            count=count,
        )

    def for_game(self, index) -> Equilibria:
        """The equilibria of one game, given its flat index or its multi-index in the batch."""
        if isinstance(index, tuple):
            index = int(np.ravel_multi_index(index, self.batch_shape))
        return self.select(self.game_index == int(index))

    def profiles(self, game=None) -> list[tuple[np.ndarray, ...]]:
        """The equilibria as a list of profiles ``(sigma_1, ..., sigma_n)``."""
        chosen = self if game is None else self.for_game(game)
        return [tuple(s[r] for s in chosen.strategies) for r in range(len(chosen))]

    def to_pandas(self):
        """A :class:`pandas.DataFrame` with one row per equilibrium.

        Columns: ``game`` (flat index), ``component``, ``player_i`` (strategy as a tuple),
        ``payoff_i``, ``regret`` and ``relative_regret``.
        """
        import pandas as pd

        data: dict[str, Any] = {"game": self.game_index, "component": self.component}
        for i, s in enumerate(self.strategies):
            data[f"player_{i}"] = [tuple(map(float, row)) for row in s]
        for i in range(self.n_players):
            data[f"payoff_{i}"] = self.payoffs[:, i]
        data["regret"] = self.regret
        data["relative_regret"] = self.relative_regret
        return pd.DataFrame(data)

    @classmethod
    def concatenate(cls, parts: Sequence[Equilibria], offsets: Sequence[int], batch_shape):
        """Join results of consecutive chunks of one flat batch (``offsets`` are their starts)."""
        if not parts:
            raise SolverError("nothing to concatenate")
        first = parts[0]
        game_index = np.concatenate([p.game_index + o for p, o in zip(parts, offsets, strict=True)])
        size = int(np.prod(batch_shape, dtype=np.int64))
        return replace(
            first,
            batch_shape=tuple(batch_shape),
            game_index=game_index,
            strategies=tuple(
                np.concatenate([p.strategies[i] for p in parts]) for i in range(first.n_players)
            ),
            payoffs=np.concatenate([p.payoffs for p in parts]),
            regret=np.concatenate([p.regret for p in parts]),
            player_regret=np.concatenate([p.player_regret for p in parts]),
            units=np.concatenate([p.units for p in parts]),
            component=np.concatenate([p.component for p in parts]),
            count=np.bincount(game_index, minlength=size).reshape(batch_shape),
            degenerate=np.concatenate([p.degenerate.reshape(-1) for p in parts]).reshape(
                batch_shape
            ),
        )

    def __repr__(self) -> str:
        games = int(np.prod(self.batch_shape, dtype=np.int64))
        return (
            f"Equilibria({len(self)} equilibria in {games} game(s) of "
            f"{'x'.join(map(str, self.num_actions))}, method={self.method!r}, "
            f"max relative regret={self.max_relative_regret:.2e}, "
            f"degenerate games={int(self.degenerate.sum())})"
        )


def _default_components(game_index: np.ndarray) -> np.ndarray:
    """Label rows 0, 1, 2, ... within each game (each row its own component)."""
    k = game_index.size
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(game_index, kind="stable")
    sorted_games = game_index[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_games)) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, k]))
    labels = np.empty(k, dtype=np.int64)
    labels[order] = np.arange(k) - run_start
    return labels
