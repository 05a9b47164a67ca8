"""Anonymous binary games: the compact form agrees with the full normal form."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import binom

from irgames.games.anonymous import AnonymousBinaryGame, binomial_weights
from irgames.games.normal_form import GameValueError
from irgames.games.regret import expected_payoffs, regret

payoff = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def small_games(draw, max_players: int = 6):
    n = draw(st.integers(2, max_players))
    act = draw(arrays(float, n, elements=payoff))
    not_ = draw(arrays(float, n, elements=payoff))
    return AnonymousBinaryGame(act, not_)


@given(small_games())
def test_normal_form_payoffs_follow_the_definition(game):
    nf = game.to_normal_form()
    n = game.n_players
    for profile in itertools.product((0, 1), repeat=n):
        total = sum(profile)
        for i in range(n):
            k = total - profile[i]
            expected = game.payoff_act[k] if profile[i] else game.payoff_not[k]
            assert nf.payoffs[(i, *profile)] == pytest.approx(expected, abs=0)


@given(small_games(), st.integers(0, 6))
def test_profile_regret_matches_normal_form_regret(game, m):
    m = min(m, game.n_players)
    nf = game.to_normal_form()
    profile = [
        np.array([0.0, 1.0]) if i < m else np.array([1.0, 0.0]) for i in range(game.n_players)
    ]
    expected = regret(nf, profile).max()
    assert game.profile_regret(m) == pytest.approx(expected, abs=1e-12)


@given(small_games(), st.floats(0, 1))
def test_symmetric_regret_matches_normal_form_regret(game, p):
    nf = game.to_normal_form()
    profile = [np.array([1 - p, p])] * game.n_players
    expected = regret(nf, profile).max()
    tol = 1e-9 * float(game.payoff_scale)
    assert game.symmetric_regret(p) == pytest.approx(expected, abs=tol)
    va, vn = game.action_values(p)
    assert expected_payoffs(nf, profile)[0] == pytest.approx(p * va + (1 - p) * vn, abs=tol)


@given(st.integers(1, 4000), st.floats(1e-12, 1 - 1e-12))
def test_binomial_weights_are_the_binomial_law(n, p):
    w = binomial_weights(n, p)
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.allclose(w, binom.pmf(np.arange(n + 1), n, p), rtol=1e-8, atol=1e-300)


@pytest.mark.parametrize("n", [1, 7, 3000])
def test_binomial_weights_at_the_ends_are_point_masses(n):
    assert binomial_weights(n, 0.0)[0] == 1.0 and binomial_weights(n, 0.0).sum() == 1.0
    assert binomial_weights(n, 1.0)[-1] == 1.0 and binomial_weights(n, 1.0).sum() == 1.0


def test_constructors_broadcast_parameters_into_the_batch():
    game = AnonymousBinaryGame.threshold_public_good(6, [[1], [3]], 2.0, [0.5, 1.0, 1.5])
    assert game.batch_shape == (2, 3)
    assert game.n_players == 6
    # threshold 3, cost 1: acting pays b - c only when exactly two others act
    assert game.gain[1, 1].tolist() == [-1.0, -1.0, 1.0, -1.0, -1.0, -1.0]
    entry = AnonymousBinaryGame.entry_game(4, prize=6.0, cost=1.0)
    assert entry.payoff_act.tolist() == [5.0, 2.0, 1.0, 0.5]
    with pytest.raises(IndexError):
        AnonymousBinaryGame.volunteers_dilemma(3, 1.0, 0.5)[0]
    flat = game.flatten()
    assert flat.batch_shape == (6,)
    assert np.array_equal(flat[4].gain, game[1, 1].gain)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: AnonymousBinaryGame([1.0], [0.0]), "N >= 2"),
        (lambda: AnonymousBinaryGame.volunteers_dilemma(1, 1.0, 0.5), "N >= 2"),
        (lambda: AnonymousBinaryGame.volunteers_dilemma(5, 1.0, 0.0), "cost must be positive"),
        (lambda: AnonymousBinaryGame.volunteers_dilemma(5, 1.0, -1.0), "cost must be positive"),
        (lambda: AnonymousBinaryGame.volunteers_dilemma(5, -1.0, 0.5), "benefit"),
        (lambda: AnonymousBinaryGame.threshold_public_good(5, 6, 1.0, 0.5), "threshold"),
        (lambda: AnonymousBinaryGame.threshold_public_good(5, 1.5, 1.0, 0.5), "integer"),
        (lambda: AnonymousBinaryGame([1.0, 2.0], [0.0, 0.0, 1.0]), "same length"),
        (lambda: AnonymousBinaryGame([1.0, np.nan], [0.0, 0.0]), "finite"),
        (lambda: AnonymousBinaryGame.volunteers_dilemma(2.5, 1.0, 0.5), "integer"),
    ],
)
def test_bad_input_raises_clear_errors(build, message):
    with pytest.raises(GameValueError, match=message):
        build()


def test_large_games_never_build_the_tensor():
    game = AnonymousBinaryGame.volunteers_dilemma(5000, 1.0, 0.4)
    assert game.payoff_act.shape == (5000,)
    with pytest.raises(GameValueError, match="exceeds the limit"):
        game.to_normal_form()
    with pytest.raises(GameValueError, match=r"0\.\.5000"):
        game.profile_regret(5001)
    with pytest.raises(GameValueError, match=r"\[0, 1\]"):
        game.symmetric_regret(1.5)
