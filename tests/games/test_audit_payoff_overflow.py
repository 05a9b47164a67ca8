"""Audit of issue 2's tolerance rule for every game type: a payoff range that overflows.

Tolerances are fractions of the payoff scale (the largest range of one player's payoffs).
Where that range is beyond the largest double, the scale would be infinite and every
tolerance test would pass; each game type refuses it with a clear error instead.
"""

from __future__ import annotations

import numpy as np
import pytest

from irgames.games.extensive_form import TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.games.repeated import StochasticGame
from irgames.games.signalling import SignallingGame
from irgames.solvers.pbe import pure_pbe
from irgames.solvers.stochastic import value_iteration

HUGE = 1e308  # HUGE - (-HUGE) overflows


def tree(high: float):
    T = TreeBuilder(["A", "B"])
    root = T.decision(
        "A",
        {
            "l": T.terminal(high, 0.0),
            "r": T.decision("B", {"x": T.terminal(-high, 1.0), "y": T.terminal(0.0, 0.0)}),
        },
    )
    return T.build(root)


def signalling(high: float):
    sender = np.zeros((2, 2, 2))
    sender[0, 0, 0], sender[1, 1, 1] = high, -high
    return SignallingGame([0.5, 0.5], sender, np.eye(2)[None, :, :].repeat(2, axis=0))


def stochastic(high: float):
    payoffs = np.zeros((2, 2, 2, 2))
    payoffs[0, 0, 0, 0], payoffs[1, 0, 1, 1] = high, -high
    return StochasticGame(payoffs, np.full((2, 2, 2, 2), 0.5), 0.9)


@pytest.mark.parametrize("build", [tree, signalling, stochastic], ids=lambda f: f.__name__)
def test_an_overflowing_payoff_range_is_refused(build):
    assert np.all(np.isfinite(build(1e300).payoff_scale))
    with pytest.raises(GameValueError, match="overflows double precision"):
        _ = build(HUGE).payoff_scale


def test_solvers_refuse_rather_than_accept_everything():
    with pytest.raises(GameValueError, match="overflows"):
        pure_pbe(signalling(HUGE))
    with pytest.raises(GameValueError, match="overflows"):
        value_iteration(stochastic(HUGE))


def test_anonymous_games_and_persuasion_refuse_an_overflowing_range():
    from irgames.games.anonymous import AnonymousBinaryGame
    from irgames.solvers.anonymous import symmetric_equilibria
    from irgames.solvers.persuasion import persuade, persuade_binary

    game = AnonymousBinaryGame(np.array([HUGE, -HUGE, 0.0]), np.zeros(3))
    with pytest.raises(GameValueError, match="overflows"):
        _ = game.payoff_scale
    with pytest.raises(GameValueError, match="overflows"):
        symmetric_equilibria(game)
    u_r = np.array([[HUGE, -HUGE], [0.0, 0.0]])
    with pytest.raises(GameValueError, match="overflows"):
        persuade(u_r, np.ones((2, 2)), [0.5, 0.5])
    with pytest.raises(GameValueError, match="overflows"):
        persuade_binary(u_r, np.ones((2, 2)), 0.5)
    with pytest.raises(GameValueError, match="overflows"):
        persuade_binary(np.eye(2), u_r, 0.5)
