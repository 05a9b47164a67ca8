"""Audit of issue 2: the odd number of equilibria of generic N-player games, property-tested.

Wilson's oddness theorem: a nondegenerate finite game has an odd number of Nash equilibria.
``test_n_player.py`` checks it on one fixed batch; here hypothesis draws the games (normal
payoffs, generic with probability one), and every equilibrium is checked by the independent
regret of :mod:`irgames.games.regret`, relative to the payoff scale.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.solvers.n_player import polynomial_support_enumeration

REL = 1e-9


@given(
    seed=st.integers(0, 2**32 - 1),
    scale=st.floats(1e-3, 1e3),
    shift=st.floats(-100.0, 100.0),
)
def test_generic_three_player_games_have_an_odd_number_of_equilibria(seed, scale, shift):
    rng = np.random.default_rng(seed)
    game = NormalFormGame(shift + scale * rng.normal(size=(1, 3, 2, 2, 2)), n_players=3)
    eq = polynomial_support_enumeration(game)
    assert eq.complete
    assert not eq.degenerate.any()
    assert int(eq.count[0]) % 2 == 1
    # every row is an equilibrium, by the independent definition
    for s in eq.strategies:
        assert np.all(s >= 0) and np.allclose(s.sum(axis=1), 1.0, atol=1e-12)
    r = regret(game[eq.game_index], eq.strategies).max(axis=1)
    assert np.all(r <= REL * game.payoff_scale[eq.game_index])
    # and no two rows are the same profile
    stacked = np.concatenate(eq.strategies, axis=1)
    gaps = np.abs(stacked[:, None, :] - stacked[None, :, :]).max(axis=-1)
    assert np.all(gaps[~np.eye(len(stacked), dtype=bool)] > 1e-6)
