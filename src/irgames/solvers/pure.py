r"""All pure-strategy Nash equilibria of batches of :math:`n`-player games.

A pure profile :math:`s = (s_1, \dots, s_n)` is a Nash equilibrium when every player's action
is a best response to the others',

.. math::

    u_i(s_i, s_{-i}) \;\ge\; \max_{t \in A_i} u_i(t, s_{-i}) - \varepsilon
    \qquad \text{for every player } i,

with :math:`\varepsilon_i = \mathrm{tol} \cdot s_i`, a tolerance relative to player :math:`i`'s
own payoff range :math:`s_i = \max u_i - \min u_i` (``NormalFormGame.payoff_units``), so that
scaling or shifting one player's payoffs changes no equilibrium.

For player :math:`i` the maximum over its own action axis of the payoff tensor gives, in one
reduction, the best-response value against every opponent profile; the *best-response mask*
compares each entry with it. The pure equilibria are the profiles where
the masks of all players are true: one boolean tensor of shape ``(*batch, a_1, ..., a_n)``
computed for the whole batch and every profile at once, then read off with
:func:`numpy.nonzero`.

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.pure import pure_equilibria
>>> battle = ig.NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
>>> eq = pure_equilibria(battle)
>>> [tuple(s.tolist() for s in profile) for profile in eq.profiles()]
[([1.0, 0.0], [1.0, 0.0]), ([0.0, 1.0], [0.0, 1.0])]
>>> float(eq.regret.max())
0.0
"""

from __future__ import annotations

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from .equilibria import DEFAULT_TOL, Equilibria

__all__ = ["best_response_masks", "pure_equilibria"]


def _check_tol(tol: float) -> float:
    tol = float(tol)
    if not np.isfinite(tol) or tol < 0:
        raise SolverError(f"tol must be a finite non-negative number, got {tol}")
    return tol


def best_response_masks(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> np.ndarray:
    r"""Which pure actions are best responses, for every player and every profile.

    Returns a boolean array of the payoffs' shape ``(*batch, n_players, a_1, ..., a_n)``:
    entry ``[..., i, s_1, ..., s_n]`` is true when :math:`s_i` is a best response (within
    ``tol`` times player :math:`i`'s payoff range :math:`s_i`) to :math:`s_{-i}`.
    """
    tol = _check_tol(tol)
    n = game.n_players
    payoffs = game.payoffs
    units = game.payoff_units  # (*batch, n)
    masks = np.empty(payoffs.shape, dtype=bool)
    for i in range(n):
        where = (Ellipsis, i) + (slice(None),) * n
        u = payoffs[where]  # (*batch, a_1, ..., a_n)
        best = u.max(axis=u.ndim - n + i, keepdims=True)
        slack = (tol * units[..., i]).reshape(game.batch_shape + (1,) * n)
        masks[where] = u >= best - slack
    return masks


def pure_equilibria(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> Equilibria:
    r"""Every pure Nash equilibrium of every game in a batch.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players and actions, any batch shape.
    tol : float
        Tolerance for a best response of player :math:`i`, as a fraction of :math:`s_i`,
        that player's payoff range.

    Returns
    -------
    Equilibria
        One row per pure equilibrium (strategies are 0/1 vectors). ``complete`` is False
        (mixed equilibria are not sought), ``options["all_pure"]`` is True: every pure
        equilibrium is listed. ``degenerate`` marks games where at some pure equilibrium a
        player has more than one best response (a tie that can extend it to a continuum).
        ``options["profiles"]`` holds the action indices, shape ``(k, n_players)``.

    Raises
    ------
    GameValueError
        If ``game`` is not a :class:`NormalFormGame`.
    ValueError
        If ``tol`` is negative or not finite.
    """
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"expected a NormalFormGame, got {type(game).__name__}")
    tol = _check_tol(tol)
    n, actions = game.n_players, game.num_actions
    flat = game.flatten()
    masks = best_response_masks(flat, tol=tol)  # (G, n, a_1, ..., a_n)
    equilibrium = masks.all(axis=1)  # (G, a_1, ..., a_n)
    found = np.nonzero(equilibrium)
    game_index = found[0]
    profiles = np.stack(found[1:], axis=1) if n else np.zeros((0, 0), dtype=np.int64)
    strategies = tuple(
        (profiles[:, i, None] == np.arange(a)).astype(float) for i, a in enumerate(actions)
    )
    # ties at an equilibrium: some player has another best response against s_{-i}
    ties = np.zeros(flat.batch_size, dtype=bool)
    if game_index.size:
        tied = np.zeros(game_index.size, dtype=bool)
        for i in range(n):
            # number of best responses of player i against each s_{-i}: (G, a_{-i})
            count = masks[:, i].sum(axis=1 + i)
            others = tuple(profiles[:, j] for j in range(n) if j != i)
            tied |= count[(game_index, *others)] > 1
        np.logical_or.at(ties, game_index, tied)
    return Equilibria.from_profiles(
        game,
        game_index,
        strategies,
        method="pure_equilibria",
        tol=tol,
        complete=False,
        degenerate=ties.reshape(game.batch_shape),
        options={"tol": tol, "all_pure": True, "profiles": profiles},
    )
