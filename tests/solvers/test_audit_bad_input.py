"""Audit of issue 5: bad discount factors, priors off the simplex and non-convergence.

Every entry point that takes a discount factor or a prior refuses each kind of bad value with
a :class:`GameValueError` that names the argument; every iterative solver given too small a
budget says so (``converged`` false) instead of returning an answer as if it were one.
"""

from __future__ import annotations

import numpy as np
import pytest

from irgames.errors import SolverError
from irgames.games.anonymous import AnonymousBinaryGame
from irgames.games.normal_form import GameValueError, NormalFormGame
from irgames.games.repeated import RepeatedGame, StochasticGame
from irgames.games.signalling import SignallingGame
from irgames.solvers.bargaining import bargaining_range, rubinstein
from irgames.solvers.persuasion import persuade, persuade_binary, persuade_public
from irgames.solvers.qre import agent_logit_qre, logit_qre, logit_qre_path
from irgames.solvers.repeated import grim_trigger
from irgames.solvers.stochastic import policy_iteration, value_iteration

PD = NormalFormGame.bimatrix([[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]])
RNG = np.random.default_rng(0)
STAGE = RNG.normal(size=(2, 2, 2, 2))  # two states, two players, 2x2 actions
MOVES = np.full((2, 2, 2, 2), 0.5)
MDP_R = np.array([[1.0, 0.0], [0.0, 2.0]])
MDP_Q = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])

OUTSIDE_OPEN_UNIT = [0.0, 1.0, -0.2, 1.5, np.nan, np.inf, -np.inf]

DISCOUNTED = {
    "RepeatedGame": lambda d: RepeatedGame(PD, d),
    "StochasticGame": lambda d: StochasticGame(STAGE, MOVES, d),
    "policy_iteration": lambda d: policy_iteration(MDP_R, MDP_Q, d),
    "sustainable": lambda d: grim_trigger(PD, (0, 0), [1.0, 1.0]).sustainable(d),
}


@pytest.mark.parametrize("delta", OUTSIDE_OPEN_UNIT)
@pytest.mark.parametrize("name", sorted(DISCOUNTED))
def test_discount_factors_outside_the_open_unit_interval_are_refused(name, delta):
    with pytest.raises(GameValueError, match="delta"):
        DISCOUNTED[name](delta)


@pytest.mark.parametrize("delta", [0.0, -0.2, 1.5, np.nan, np.inf])
@pytest.mark.parametrize("which", ["delta_1", "delta_2"])
def test_rubinstein_refuses_discount_factors_outside_zero_one(which, delta):
    args = (delta, 0.9) if which == "delta_1" else (0.9, delta)
    with pytest.raises(GameValueError, match=which):
        rubinstein(*args)


def test_one_bad_point_in_a_batch_of_discount_factors_is_named():
    with pytest.raises(GameValueError, match=r"delta.*1\.2"):
        RepeatedGame(PD, np.array([0.5, 0.9, 1.2]))
    with pytest.raises(GameValueError, match=r"delta_1.*1\.2"):
        rubinstein(np.array([0.5, 1.2]))


def threshold_receiver(mu_bar):
    u_r = np.array([[0.0, 0.0], [-mu_bar, 1.0 - mu_bar]])
    u_s = np.array([[0.0, 0.0], [1.0, 1.0]])
    return u_r, u_s


def coordination_games(n, t, cost):
    hostile = AnonymousBinaryGame.threshold_public_good(n, t, benefit=1.0, cost=cost)
    benign = AnonymousBinaryGame(np.full(n, -cost), np.zeros(n))
    return benign, hostile


BINARY_PRIORS = [1.2, -0.1, np.nan, np.inf]
FINITE_PRIORS = [[0.5, 0.6], [1.5, -0.5], [np.nan, 1.0], [0.3, 0.3], [-0.0001, 0.5]]


@pytest.mark.parametrize("prior", BINARY_PRIORS)
def test_binary_priors_outside_zero_one_are_refused(prior):
    u_r, u_s = threshold_receiver(0.5)
    with pytest.raises(GameValueError, match="prior"):
        persuade_binary(u_r, u_s, prior)
    benign, hostile = coordination_games(5, 2, 0.5)
    with pytest.raises(GameValueError, match="prior"):
        persuade_public(benign, hostile, np.arange(6) / 5, prior)
    with pytest.raises(GameValueError, match="prior"):
        SignallingGame.beer_quiche(prior_wimp=prior)


@pytest.mark.parametrize("prior", FINITE_PRIORS)
def test_priors_off_the_simplex_are_refused(prior):
    u_r, u_s = threshold_receiver(0.5)
    with pytest.raises(GameValueError, match=r"simplex|finite"):
        persuade(u_r, u_s, prior)
    with pytest.raises(GameValueError, match="prior"):
        SignallingGame(prior, np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


def test_a_bad_prior_inside_a_batch_is_refused():
    u_r, u_s = threshold_receiver(0.5)
    with pytest.raises(GameValueError, match="prior"):
        persuade_binary(u_r, u_s, np.array([0.2, 0.5, 1.01]))
    with pytest.raises(GameValueError, match="prior"):
        SignallingGame([[0.5, 0.5], [0.7, 0.4]], np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


def test_bargaining_range_refuses_a_probability_outside_zero_one():
    for p in (-0.1, 1.1, np.nan):
        with pytest.raises(GameValueError, match="p "):
            bargaining_range(p, 0.1, 0.1)


# ------------------------------------------------------------------ non-convergence
@pytest.mark.parametrize("budget", [0, -1, 2.5, True])
def test_iteration_budgets_that_are_not_positive_integers_are_refused(budget):
    with pytest.raises(SolverError, match="max_iter"):
        policy_iteration(MDP_R, MDP_Q, 0.9, max_iter=budget)
    with pytest.raises(SolverError, match="max_iter"):
        value_iteration(StochasticGame(STAGE, MOVES, 0.9), max_iter=budget)


@pytest.mark.parametrize("tolerance", [0.0, -1e-9, np.nan])
def test_value_iteration_needs_a_positive_tolerance(tolerance):
    with pytest.raises(SolverError, match="tolerance"):
        value_iteration(StochasticGame(STAGE, MOVES, 0.9), tol=tolerance)


def test_policy_iteration_stopped_early_is_flagged():
    # From the myopic policy (stay in state 0, reward 1), two improvements are needed to learn
    # that moving to state 1 (reward 2 forever) is better: one step is not enough.
    r = np.array([[1.0, 0.0], [0.0, 2.0]])
    q = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])
    stopped = policy_iteration(r, q, 0.9, max_iter=1)
    full = policy_iteration(r, q, 0.9)
    assert bool(full.converged) and full.policy.tolist() == [1, 1]
    assert not bool(stopped.converged)
    assert stopped.values is not None and np.all(np.isfinite(stopped.values))


def test_logit_qre_with_too_few_steps_is_flagged():
    game = NormalFormGame.bimatrix(RNG.normal(size=(4, 3, 3)), RNG.normal(size=(4, 3, 3)))
    assert logit_qre(game, 50.0).converged.all()
    for steps in (0, 1):
        assert not logit_qre(game, 50.0, max_steps=steps).converged.any()
        assert not logit_qre_path(game, [1.0, 50.0], max_steps=steps).converged.any()


def test_agent_qre_with_too_few_steps_is_flagged():
    tree = SignallingGame.beer_quiche().to_tree()
    assert bool(agent_logit_qre(tree, 30.0).converged)
    for steps in (0, 1):
        assert not bool(agent_logit_qre(tree, 30.0, max_steps=steps).converged)
