"""Audit of issue 2: a profile whose batch does not fit the game's gets a clear error.

``test_regret.py::test_profile_validation`` covers the other bad profiles (length, sign,
sum, non-finite entries); a batch mismatch raised numpy's own broadcasting message.
"""

from __future__ import annotations

import numpy as np
import pytest

from irgames.games.normal_form import GameValueError, NormalFormGame
from irgames.games.regret import expected_payoffs, regret

GAMES = NormalFormGame.bimatrix(np.zeros((3, 2, 2)), np.ones((3, 2, 2)))


@pytest.mark.parametrize("function", [regret, expected_payoffs])
def test_a_profile_batch_that_does_not_broadcast_is_refused(function):
    with pytest.raises(
        GameValueError, match=r"do not broadcast with the game's batch shape \(3,\)"
    ):
        function(GAMES, (np.full((4, 2), 0.5), np.full((4, 2), 0.5)))
    with pytest.raises(GameValueError, match="do not broadcast"):
        function(GAMES, (np.full((3, 2), 0.5), np.full((2, 2), 0.5)))


def test_profiles_that_broadcast_are_accepted():
    one = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    per_game = (np.tile([1.0, 0.0], (3, 1)), np.tile([0.0, 1.0], (3, 1)))
    np.testing.assert_array_equal(regret(GAMES, one), regret(GAMES, per_game))
    # several profiles per game along a new leading axis
    many = (np.full((5, 1, 2), 0.5), np.full((5, 3, 2), 0.5))
    assert regret(GAMES, many).shape == (5, 3, 2)
