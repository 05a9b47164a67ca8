"""Validation and batching of RepeatedGame and StochasticGame."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.normal_form import GameValueError, NormalFormGame
from irgames.games.repeated import RepeatedGame, StochasticGame

PD = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])


@given(st.floats(0.01, 0.99), st.floats(0, 0.99))
def test_effective_discount_is_delta_times_survival(delta, rho):
    game = RepeatedGame(PD, delta, termination=rho)
    assert np.isclose(game.effective_discount, delta * (1 - rho), rtol=1e-12)


def test_parameters_broadcast_with_the_stage_batch():
    stage = NormalFormGame(np.broadcast_to(PD.payoffs, (3, 2, 2, 2)), n_players=2)
    game = RepeatedGame(stage, np.array([0.5, 0.6, 0.7]), termination=np.array([[0.0], [0.5]]))
    assert game.batch_shape == (2, 3)
    assert game.stage_payoffs().shape == (2, 3, 2, 2, 2)
    with pytest.raises(GameValueError, match="broadcast"):
        RepeatedGame(stage, np.array([0.5, 0.6]))


@pytest.mark.parametrize("delta", [0.0, 1.0, -0.2, 1.3, np.nan])
def test_discount_outside_the_open_unit_interval_is_rejected(delta):
    with pytest.raises(GameValueError, match="delta"):
        RepeatedGame(PD, delta)


@pytest.mark.parametrize("rho", [-0.1, 1.0])
def test_termination_outside_range_is_rejected(rho):
    with pytest.raises(GameValueError, match="termination"):
        RepeatedGame(PD, 0.9, termination=rho)


def random_transitions(rng, shape):
    q = rng.random(shape)
    return q / q.sum(axis=-1, keepdims=True)


def test_stochastic_game_shapes_and_inference():
    rng = np.random.default_rng(1)
    payoffs = rng.normal(size=(4, 3, 2, 2, 3))
    transitions = random_transitions(rng, (4, 3, 2, 3, 3))
    game = StochasticGame(payoffs, transitions, 0.9)
    assert (game.n_players, game.num_states, game.num_actions) == (2, 3, (2, 3))
    assert game.batch_shape == (4,)
    assert game.stage_game(1).payoffs.shape == (4, 2, 2, 3)
    assert np.allclose(game.stage_game(1).payoffs, payoffs[:, 1])


def test_transition_rows_off_the_simplex_are_rejected():
    rng = np.random.default_rng(2)
    payoffs = rng.normal(size=(2, 2, 2, 2))
    transitions = random_transitions(rng, (2, 2, 2, 2))
    bad = transitions.copy()
    bad[1, 0, 1] = [0.7, 0.7]
    with pytest.raises(GameValueError, match="sum to one"):
        StochasticGame(payoffs, bad, 0.9)
    bad = transitions.copy()
    bad[0, 1, 0] = [1.5, -0.5]
    with pytest.raises(GameValueError, match="non-negative"):
        StochasticGame(payoffs, bad, 0.9)
    with pytest.raises(GameValueError, match="shape"):
        StochasticGame(payoffs, transitions[..., :1, :], 0.9, n_players=2)
    with pytest.raises(GameValueError, match="delta"):
        StochasticGame(payoffs, transitions, 1.0)


def test_repeated_game_as_one_state_stochastic_game():
    game = StochasticGame.from_repeated(RepeatedGame(PD, [0.5, 0.9], termination=0.1))
    assert game.num_states == 1 and game.batch_shape == (2,)
    assert np.allclose(game.delta, [0.45, 0.81])
    assert np.allclose(game.payoffs[:, 0], PD.payoffs)
