r"""Regret: the definition of equilibrium, computed independently of every solver.

For a profile :math:`\sigma` of a finite game, the value of pure action :math:`s_i` to player
:math:`i` against the others' mixture is

.. math::

    v_i(s_i; \sigma_{-i}) = \sum_{s_{-i}} u_i(s_i, s_{-i}) \prod_{j \ne i} \sigma_j(s_j),

the expected payoff is :math:`u_i(\sigma) = \sum_{s_i} \sigma_i(s_i) v_i(s_i; \sigma_{-i})`, and
player :math:`i`'s regret is the largest gain from a unilateral deviation,

.. math::

    r_i(\sigma) = \max_{s_i \in A_i} v_i(s_i; \sigma_{-i}) - u_i(\sigma) \;\ge\; 0.

A profile is a Nash equilibrium iff :math:`\max_i r_i(\sigma) = 0`. Solvers in
:mod:`irgames.solvers` never compute this number themselves: every equilibrium they return is
passed through :func:`regret`, which shares no code with any solver, and tests hold solvers to
it. The code below contracts the payoff tensor one opponent at a time with plain numpy.

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

from .normal_form import GameValueError, NormalFormGame

__all__ = ["action_values", "check_profile", "expected_payoffs", "regret"]


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


def action_values(game: NormalFormGame, profile: Sequence, player: int) -> np.ndarray:
    r"""Values :math:`v_i(s_i; \sigma_{-i})` of each of ``player``'s pure actions.

    Returns an array of shape ``(*batch, a_player)`` (the batch shape broadcast with the
    profile's leading shape).
    """
    profile = check_profile(game, profile)
    n = game.n_players
    table = game.player_payoffs(player)  # (*batch, a_1, ..., a_n)
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


def expected_payoffs(game: NormalFormGame, profile: Sequence) -> np.ndarray:
    r"""Expected payoffs :math:`u_i(\sigma)` of every player, shape ``(*batch, n_players)``."""
    profile = check_profile(game, profile)
    values = [
        (action_values(game, profile, i) * profile[i]).sum(axis=-1) for i in range(game.n_players)
    ]
    return np.stack(np.broadcast_arrays(*values), axis=-1)


def regret(game: NormalFormGame, profile: Sequence) -> np.ndarray:
    r"""Each player's regret :math:`r_i(\sigma)`, shape ``(*batch, n_players)``.

    ``profile[i]`` has shape ``(*batch, a_i)``, its leading shape broadcasting with the game's
    batch shape. The result is clipped at zero (rounding can make it a hair negative).
    """
    profile = check_profile(game, profile)
    regrets = []
    for i in range(game.n_players):
        values = action_values(game, profile, i)
        current = (values * profile[i]).sum(axis=-1)
        regrets.append(np.maximum(values.max(axis=-1) - current, 0.0))
    return np.stack(np.broadcast_arrays(*regrets), axis=-1)
