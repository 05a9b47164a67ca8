"""Audit of issue 2: bad input to NormalFormGame, one test per case not covered elsewhere.

``test_normal_form.py`` covers NaN/inf, wrong shapes, an empty action set and non-numbers; the
cases here were accepted silently before the audit: a fractional number of players (read as
its floor), complex payoffs (imaginary parts dropped), and payoffs whose range overflows double
precision (the payoff unit became infinite, so every profile passed the relative regret test).
"""

from __future__ import annotations

import numpy as np
import pytest

from irgames.games.normal_form import GameValueError, NormalFormGame, payoff_scale
from irgames.games.regret import regret
from irgames.solvers.front import solve


@pytest.mark.parametrize("n_players", [2.5, 1.0000001, True])
def test_a_fractional_number_of_players_is_refused(n_players):
    with pytest.raises(GameValueError, match="n_players must be an integer"):
        NormalFormGame(np.zeros((2, 2, 2)), n_players=n_players)


def test_an_integral_number_of_players_of_any_integer_type_is_accepted():
    for n in (2, 2.0, np.int64(2), np.int32(2)):
        assert NormalFormGame(np.zeros((2, 2, 2)), n_players=n).n_players == 2


def test_complex_payoffs_are_refused():
    with pytest.raises(GameValueError, match="real numbers"):
        NormalFormGame(np.zeros((2, 2, 2), dtype=complex), n_players=2)
    with pytest.raises(GameValueError, match="real numbers"):
        NormalFormGame.bimatrix(np.eye(2) + 1j, np.eye(2))
    with pytest.raises(GameValueError, match="numeric"):
        NormalFormGame.bimatrix([[1j, 0], [0, 1]], np.eye(2))


def test_a_payoff_range_that_overflows_is_an_error_not_an_infinite_unit():
    # Player 0's range, 1e308 - (-1e308), is beyond the largest double.
    game = NormalFormGame.bimatrix([[1e308, -1e308], [0.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(GameValueError, match="overflows double precision"):
        _ = game.payoff_scale
    with pytest.raises(GameValueError, match="overflows"):
        solve(game)
    # the batched-kernel layout and the batch index of the bad game
    batch = NormalFormGame.bimatrix(
        np.stack([np.eye(2), [[1e308, -1e308], [0.0, 0.0]]]), np.zeros((2, 2, 2))
    )
    with pytest.raises(GameValueError, match=r"batch index \(1,\)"):
        _ = batch.payoff_scale
    with pytest.raises(GameValueError, match="overflows"):
        payoff_scale(np.moveaxis(batch.payoffs, 0, -1), 2, batch_last=True)


def test_large_but_representable_payoffs_are_solved_with_zero_relative_regret():
    # The largest payoffs whose ranges still fit: the unit is finite and equilibria are right.
    big = 4e307
    game = NormalFormGame.bimatrix([[big, -big], [-big, big]], [[-big, big], [big, -big]])
    assert np.isfinite(game.payoff_scale)
    eq = solve(game)
    assert int(eq.count) == 1
    np.testing.assert_allclose(eq.strategies[0][0], [0.5, 0.5], atol=1e-12)
    r = regret(game, (eq.strategies[0][0], eq.strategies[1][0]))
    assert np.all(r <= 1e-9 * game.payoff_scale)
