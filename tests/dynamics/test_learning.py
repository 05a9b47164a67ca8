"""Fictitious play, plain and stochastic: matching pennies' frequencies tend to 1/2;
QuantEcon's FictitiousPlay and nashpy's fictitious_play give the same trajectories; stochastic
fictitious play ends where nashpy's does, at the logit QRE."""

from __future__ import annotations

import nashpy
import numpy as np
import pytest
from quantecon.game_theory import FictitiousPlay
from quantecon.game_theory import NormalFormGame as QENormalFormGame

import irgames as ig
from irgames import dynamics
from irgames.errors import GameValueError, SolverError

MP = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1]])


def test_matching_pennies_frequencies_tend_to_one_half():
    starts = (np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 5.0]]), np.array([[1.0, 0.0]]))
    play = dynamics.fictitious_play(MP, 20_000, initial=starts)
    x, y = play.final
    assert x.shape == (3, 2) and y.shape == (3, 2)
    assert np.allclose(x, 0.5, atol=0.01) and np.allclose(y, 0.5, atol=0.01)
    # the distance to (1/2, 1/2) shrinks along the way
    early = np.abs(play.trajectory[0][:, 100, 0] - 0.5)
    assert np.all(np.abs(x[:, 0] - 0.5) < early + 1e-12)


def quantecon_game(A, B):
    return QENormalFormGame(np.stack([A, B], axis=-1))


@pytest.mark.parametrize("gain", [None, 0.1])
def test_same_trajectories_as_quantecon(gain):
    rng = np.random.default_rng(5)
    A = rng.normal(size=(3, 4))
    B = rng.normal(size=(3, 4))
    x0, y0 = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(4))
    theirs = FictitiousPlay(quantecon_game(A, B), gain=gain).time_series(200, init_actions=(x0, y0))
    ours = dynamics.fictitious_play(
        ig.NormalFormGame.bimatrix(A, B), 199, initial=(x0, y0), gain=gain
    )
    assert np.abs(ours.trajectory[0] - theirs[0]).max() < 1e-12
    assert np.abs(ours.trajectory[1] - theirs[1]).max() < 1e-12


def test_same_play_counts_as_nashpy():
    rng = np.random.default_rng(6)
    A = rng.normal(size=(3, 3))
    B = rng.normal(size=(3, 3))
    c1, c2 = rng.uniform(0.5, 2, size=3), rng.uniform(0.5, 2, size=3)  # no ties
    steps = 150
    theirs = list(nashpy.Game(A, B).fictitious_play(iterations=steps, play_counts=[c1, c2]))
    ours = dynamics.fictitious_play((A, B), steps, initial=(c1, c2))
    for t in (0, 1, 17, steps):
        assert np.allclose(ours.trajectory[0][t] * (c1.sum() + t), theirs[t][0])
        assert np.allclose(ours.trajectory[1][t] * (c2.sum() + t), theirs[t][1])


def test_stochastic_fictitious_play_ends_at_the_logit_qre_as_nashpys_does():
    """Both processes draw from the logit response to the empirical frequencies (nashpy with
    epsilon_bar = 0); their frequencies settle near the logit QRE at precision 1/eta."""
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    B = np.array([[0.0, 1.0], [1.0, 0.0]])
    eta, steps = 0.5, 3000
    qre = ig.logit_qre(ig.NormalFormGame.bimatrix(A, B), 1 / eta).strategies
    start = (np.ones((64, 2)), np.ones((64, 2)))
    ours = dynamics.stochastic_fictitious_play((A, B), steps, eta=eta, initial=start, seed=3)
    mine = [x.mean(axis=0) for x in ours.final]
    np.random.seed(4)  # noqa: NPY002 (nashpy draws from numpy's global generator)
    game = nashpy.Game(A, B)
    runs = []
    for _ in range(8):
        *_, (counts, _) = game.stochastic_fictitious_play(
            iterations=steps, etha=eta, epsilon_bar=0.0, play_counts=[np.ones(2), np.ones(2)]
        )
        runs.append([c / c.sum() for c in counts])
    theirs = np.mean(runs, axis=0)
    for k in range(2):
        assert np.allclose(mine[k], qre[k], atol=0.02)
        assert np.allclose(theirs[k], qre[k], atol=0.04)
    # seeded: the same seed gives the same path
    again = dynamics.stochastic_fictitious_play((A, B), steps, eta=eta, initial=start, seed=3)
    assert np.array_equal(again.trajectory[0], ours.trajectory[0])


def test_stochastic_matching_pennies():
    play = dynamics.stochastic_fictitious_play(MP, 5000, eta=0.2, initial=([1, 0], [1, 0]), seed=0)
    assert np.allclose(play.final[0], 0.5, atol=0.05) and np.allclose(play.final[1], 0.5, atol=0.05)


def test_zero_counts_and_bad_input():
    play = dynamics.fictitious_play(MP, 3)
    assert np.all(np.isnan(play.trajectory[0][0]))
    assert play.options["actions"][0].tolist() == [0, 0]  # an empty history: every action ties
    with pytest.raises(GameValueError, match="non-negative"):
        dynamics.fictitious_play(MP, 3, initial=([-1, 2], [1, 1]))
    with pytest.raises(SolverError, match="gain"):
        dynamics.fictitious_play(MP, 3, gain=1.5)
    with pytest.raises(GameValueError, match="steps"):
        dynamics.fictitious_play(MP, 0)


def test_stochastic_fictitious_play_ends_where_quantecons_does():
    """QuantEcon's StochasticFictitiousPlay best-responds to payoffs perturbed by Gumbel shocks
    of scale eta: the same choice probabilities as the logit response, so the same limit."""
    from quantecon.game_theory import StochasticFictitiousPlay
    from scipy.stats import gumbel_r

    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    B = np.array([[0.0, 1.0], [1.0, 0.0]])
    eta, steps = 0.5, 2000
    qre = ig.logit_qre(ig.NormalFormGame.bimatrix(A, B), 1 / eta).strategies
    model = StochasticFictitiousPlay(quantecon_game(A, B), gumbel_r(scale=eta))
    runs = [
        [
            x[-1]
            for x in model.time_series(steps, init_actions=([0.5, 0.5], [0.5, 0.5]), random_state=s)
        ]
        for s in range(4)
    ]
    theirs = np.mean(runs, axis=0)
    start = (np.full((64, 2), 0.5), np.full((64, 2), 0.5))  # weight 1, as QuantEcon's
    ours = dynamics.stochastic_fictitious_play((A, B), steps - 1, eta=eta, initial=start, seed=9)
    for k in range(2):
        assert np.allclose(ours.final[k].mean(axis=0), qre[k], atol=0.02)
        assert np.allclose(theirs[k], qre[k], atol=0.04)
