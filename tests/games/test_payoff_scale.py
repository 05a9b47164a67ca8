"""One payoff unit for every game type: the largest payoff range of any one player.

Tolerances are fractions of it, so it must not move when one player's payoffs are shifted
(an equilibrium-preserving change) and must scale with a common positive factor.
"""

from __future__ import annotations

import numpy as np
import pytest

from irgames.games.extensive_form import TreeBuilder
from irgames.games.normal_form import NormalFormGame
from irgames.games.repeated import StochasticGame
from irgames.games.signalling import SignallingGame


def _tree():
    T = TreeBuilder(["Row", "Col"])
    root = T.decision(
        "Row",
        {
            "U": T.decision("Col", {"l": T.terminal(3, 1), "r": T.terminal(0, 0)}, infoset="c"),
            "D": T.decision("Col", {"l": T.terminal(0, 0), "r": T.terminal(1, 3)}, infoset="c"),
        },
    )
    return T.build(root)


def _shift_first_player(kind, game, c):
    if kind == "normal":
        p = np.array(game.payoffs)
        p[..., 0, :, :] += c
        return NormalFormGame(p)
    if kind == "tree":
        p = np.array(game.payoffs)
        p[..., 0] += c
        return game.with_payoffs(p)
    if kind == "signalling":
        return SignallingGame(game.prior, game.sender_payoffs + c, game.receiver_payoffs)
    p = np.array(game.payoffs)
    p[..., 0, :, :] += c
    return StochasticGame(p, game.transitions, game.delta)


def _games():
    rng = np.random.default_rng(3)
    stay = np.zeros((2, 2, 2, 2))
    stay[..., 0] = 1.0
    unequal = np.array([1.0, 10.0])[:, None, None]  # the column player's payoffs spread more
    return {
        "normal": NormalFormGame(rng.normal(size=(4, 2, 3, 2)) * unequal),
        "tree": _tree(),
        "signalling": SignallingGame.beer_quiche(),
        "stochastic": StochasticGame(rng.normal(size=(2, 2, 2, 2)), stay, 0.9),
    }


@pytest.mark.parametrize("kind", ["normal", "tree", "signalling", "stochastic"])
def test_payoff_scale_is_the_largest_range_of_one_player(kind):
    game = _games()[kind]
    scale = np.asarray(game.payoff_scale)
    shifted = _shift_first_player(kind, game, 1000.0)
    np.testing.assert_allclose(shifted.payoff_scale, scale, rtol=1e-12)
    assert np.all(scale > 0)
