"""Markov perfect equilibria, policy iteration and grids, checked by brute-force deviations."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.errors import SolverError
from irgames.games.normal_form import GameValueError
from irgames.games.repeated import StochasticGame
from irgames.solvers.stochastic import (
    ConvergenceError,
    grid_transitions,
    markov_perfect_equilibria,
    markov_regret,
    policy_iteration,
    value_iteration,
)


def brute_force_regret(payoffs, transitions, delta, strategies):
    """Largest one-shot deviation gain of a Markov profile in one game, from the definitions.

    payoffs (S, n, a...), transitions (S, a..., S), strategies[i] (S, a_i). Loops over states,
    profiles and deviations; the values come from the linear system of the profile.
    """
    S, n = payoffs.shape[:2]
    actions = payoffs.shape[2:]
    P = np.zeros((S, S))
    r = np.zeros((S, n))
    for s in range(S):
        for a in itertools.product(*[range(k) for k in actions]):
            prob = np.prod([strategies[i][s][a[i]] for i in range(n)])
            r[s] += prob * payoffs[(s, slice(None), *a)]
            P[s] += prob * transitions[(s, *a)]
    V = np.linalg.solve(np.eye(S) - delta * P, (1 - delta) * r)
    worst = 0.0
    for s in range(S):
        for i in range(n):
            for dev in range(actions[i]):
                value = 0.0
                for a in itertools.product(*[range(k) for k in actions]):
                    if a[i] != dev:
                        continue
                    prob = np.prod([strategies[j][s][a[j]] for j in range(n) if j != i])
                    future = transitions[(s, *a)] @ V[:, i]
                    value += prob * ((1 - delta) * payoffs[(s, i, *a)] + delta * future)
                worst = max(worst, value - V[s, i])
    return worst, V


def random_game(seed, batch=6, S=3, actions=(2, 2), delta=0.8):
    rng = np.random.default_rng(seed)
    n = len(actions)
    payoffs = rng.normal(size=(batch, S, n, *actions))
    q = rng.random((batch, S, *actions, S)) ** 3
    q /= q.sum(axis=-1, keepdims=True)
    return StochasticGame(payoffs, q, delta)


@given(st.integers(0, 2**32 - 1), st.sampled_from(["utilitarian", "maxmin", "first", "last"]))
def test_every_verified_mpe_has_no_profitable_one_shot_deviation(seed, selection):
    game = random_game(seed)
    mpe = value_iteration(game, selection=selection)
    for b in range(6):
        worst, V = brute_force_regret(
            game.payoffs[b],
            game.transitions[b],
            float(game.delta[b]),
            [s[b] for s in mpe.strategies],
        )
        scale = float(game.payoff_scale[b])
        assert np.isclose(worst, mpe.regret[b], atol=1e-9 * scale)
        assert np.allclose(V, mpe.values[b], atol=1e-9 * scale)
        if mpe.verified[b]:
            assert worst <= 1e-7 * scale
        if mpe.converged[b] and mpe.found[b]:
            assert mpe.verified[b]


def test_mixed_stage_equilibria_give_an_mpe_where_pure_ones_may_not_exist():
    game = random_game(11, batch=16, S=2, actions=(2, 3), delta=0.6)
    mpe = value_iteration(game, mixed=True, max_iter=80)
    pure = value_iteration(game)
    assert mpe.found.all()
    assert mpe.verified.sum() >= pure.verified.sum() and mpe.verified.sum() >= 10
    for b in range(16):
        worst, _ = brute_force_regret(
            game.payoffs[b], game.transitions[b], 0.6, [s[b] for s in mpe.strategies]
        )
        assert np.isclose(worst, mpe.regret[b], atol=1e-9)
        if mpe.converged[b]:
            assert worst <= 1e-7 * float(game.payoff_scale[b])


def test_batch_gives_the_same_answer_as_single_games():
    game = random_game(3)
    batch = value_iteration(game)
    for b in range(6):
        single = value_iteration(
            StochasticGame(game.payoffs[b], game.transitions[b], float(game.delta[b]))
        )
        for s_b, s_1 in zip(batch.strategies, single.strategies, strict=True):
            assert np.array_equal(s_b[b], s_1)
        assert np.allclose(batch.values[b], single.values)


def test_one_state_game_repeats_a_stage_equilibrium():
    pd = np.array([[[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]]])
    game = StochasticGame(pd, np.ones((1, 2, 2, 1)), [0.5, 0.99])
    mpe = value_iteration(game)
    assert mpe.verified.all()
    assert np.allclose(mpe.values, 1.0)  # mutual defection forever: Markov play ignores history
    assert [p.tolist() for p in mpe.pure_policy()] == [[[1], [1]], [[1], [1]]]


def coordination_game(delta=0.7):
    """Two states; in each a coordination game; coordinating on action 1 moves to state 1."""
    stage = np.array([[2.0, 0.0], [0.0, 1.0]])
    payoffs = np.stack([np.stack([stage, stage]), np.stack([stage, stage]) + 0.5])
    q = np.zeros((2, 2, 2, 2))
    q[:, :, :, 0] = 1.0
    q[:, 1, 1, :] = [0.0, 1.0]
    return StochasticGame(payoffs, q, delta)


def test_several_selection_rules_find_several_mpe():
    game = coordination_game()
    found = markov_perfect_equilibria(game)
    assert found.multiple and found.count >= 2
    for run, label in zip(found.runs, found.labels, strict=True):
        if label >= 0:
            worst, _ = brute_force_regret(game.payoffs, game.transitions, 0.7, list(run.strategies))
            assert worst <= 1e-9
    labelled = {int(lab): run for run, lab in zip(found.runs, found.labels, strict=True)}
    policies = {
        tuple(np.concatenate([p.ravel() for p in r.pure_policy()])) for r in labelled.values()
    }
    assert len(policies) == int(found.count)


def test_non_convergence_and_missing_equilibria_are_flagged():
    game = random_game(5, delta=0.99)
    stopped = value_iteration(game, max_iter=3)
    assert not stopped.converged.any()
    assert not stopped.verified.any()
    with pytest.raises(ConvergenceError, match="did not converge"):
        stopped.raise_if_failed()
    pennies = np.array([[[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]]])
    game = StochasticGame(pennies, np.ones((1, 2, 2, 1)), 0.9)
    pure = value_iteration(game)
    assert not pure.found and not pure.verified
    with pytest.raises(ConvergenceError, match="without an equilibrium"):
        pure.raise_if_failed()
    mixed = value_iteration(game, mixed=True).raise_if_failed()
    assert np.allclose(mixed.strategies[0], 0.5) and np.allclose(mixed.values, 0.0, atol=1e-12)


# ---------------------------------------------------------------- MDPs
def brute_force_bellman_gap(rewards, transitions, delta, policy):
    S, A = rewards.shape
    P = np.array([transitions[s, policy[s]] for s in range(S)])
    r = np.array([rewards[s, policy[s]] for s in range(S)])
    V = np.linalg.solve(np.eye(S) - delta * P, (1 - delta) * r)
    gap = max(
        (1 - delta) * rewards[s, a] + delta * transitions[s, a] @ V - V[s]
        for s in range(S)
        for a in range(A)
    )
    return gap, V


@given(st.integers(0, 2**32 - 1), st.floats(0.1, 0.9))
def test_policy_iteration_is_optimal_and_agrees_with_value_iteration(seed, delta):
    rng = np.random.default_rng(seed)
    rewards = rng.normal(size=(5, 4, 3))
    q = rng.random((5, 4, 3, 4)) ** 2
    q /= q.sum(axis=-1, keepdims=True)
    result = policy_iteration(rewards, q, delta)
    assert result.converged.all()
    vi = value_iteration(StochasticGame(rewards[..., None, :], q, delta, n_players=1))
    assert vi.verified.all()
    for b in range(5):
        gap, V = brute_force_bellman_gap(rewards[b], q[b], delta, result.policy[b])
        assert gap <= 1e-9
        assert np.allclose(V, result.values[b])
        assert np.allclose(vi.values[b, :, 0], V, atol=1e-7)


# ---------------------------------------------------------------- grids
@given(
    st.lists(st.floats(0.01, 1.0), min_size=1, max_size=8),
    st.lists(st.floats(-0.5, 1.5), min_size=1, max_size=20),
)
def test_grid_transitions_preserve_the_mean(gaps, points):
    grid = np.cumsum([0.0, *gaps])
    q = grid_transitions(grid, points)
    assert np.all(q >= 0) and np.allclose(q.sum(axis=-1), 1.0)
    clipped = np.clip(points, grid[0], grid[-1])
    assert np.allclose(q @ grid, clipped, atol=1e-12)
    assert np.all((q > 0).sum(axis=-1) <= 2)


def test_coercion_on_a_grid_of_conflict_expectations():
    """A sender decides each round whether to coerce a partner with conflict expectation B.

    Coercing yields a concession D(B) = B now but lowers B by 0.2; restraint lets B recover by
    0.1. On a grid of B the sender coerces when B is high and holds back when it is low.
    """
    grid = np.linspace(0, 1, 21)
    nxt = np.stack([np.minimum(grid + 0.1, 1.0), np.maximum(grid - 0.2, 0.0)], axis=-1)
    q = grid_transitions(grid, nxt)  # (S, 2, S)
    rewards = np.stack([np.zeros_like(grid), grid], axis=-1)
    result = policy_iteration(rewards, q, 0.9)
    gap, _ = brute_force_bellman_gap(rewards, q, 0.9, result.policy)
    assert gap <= 1e-9
    coerce = result.policy == 1
    assert coerce[-1] and not coerce[0]
    # a threshold rule: once the sender coerces at some B it coerces at every higher B
    first = np.argmax(coerce)
    assert coerce[first:].all()


def test_bad_input_is_rejected():
    game = random_game(1)
    with pytest.raises(ValueError, match="selection"):
        value_iteration(game, selection="best")
    three = random_game(1, actions=(2, 2, 2))
    with pytest.raises(SolverError, match="two-player"):
        value_iteration(three, mixed=True)
    with pytest.raises(GameValueError, match="increasing"):
        grid_transitions([0.0, 0.0, 1.0], [0.5])
    with pytest.raises(GameValueError, match="shape"):
        markov_regret(game, (np.ones((6, 3, 3)) / 3, np.ones((6, 3, 2)) / 2))
    with pytest.raises(GameValueError, match="delta"):
        policy_iteration(np.zeros((2, 2)), np.ones((2, 2, 2)) / 2, 1.0)


# ---------------------------------------------------------------- payoff units
def _scale_player(payoffs, player, factor, shift):
    """Player ``player``'s payoffs (axis -n-1 of ``(..., S, n, a...)``) times ``factor``,
    shifted by ``shift`` of her own range first."""
    payoffs = np.array(payoffs, dtype=float)
    u = payoffs[:, :, player]
    spread = np.ptp(u.reshape(u.shape[0], -1), axis=-1).reshape((-1,) + (1,) * (u.ndim - 1))
    payoffs[:, :, player] = factor * (u + shift * spread)
    return payoffs


def test_a_player_with_tiny_payoffs_still_best_responds():
    # One-state prisoner's dilemma, the row player's payoffs times 1e-12: defecting is still
    # strictly dominant for her. The old unit (the larger range, the column player's 5) made her
    # indifferent, and "first" picked (cooperate, defect), and called it verified.
    u = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    u[0] *= 1e-12
    game = StochasticGame(u[None], np.ones((1, 2, 2, 1)), 0.9)
    mpe = value_iteration(game, selection="first")
    assert [int(p[0]) for p in mpe.pure_policy()] == [1, 1]
    assert bool(mpe.verified) and float(mpe.relative_regret) <= 1e-9
    np.testing.assert_allclose(game.payoff_units, [5e-12, 5.0])


@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(["first", "last"]),
    st.integers(0, 1),
    st.floats(-12.0, 12.0).map(lambda e: 10.0**e),
    st.floats(-5.0, 5.0),
)
def test_scaling_one_players_payoffs_leaves_the_mpe_unchanged(
    seed, selection, player, factor, shift
):
    # "first" and "last" do not compare players' payoffs, so the MPE they reach must not
    # depend on one player's scale; the regret oracle works in each player's unit
    game = random_game(seed, batch=4, S=2)
    moved = StochasticGame(
        _scale_player(game.payoffs, player, factor, shift), game.transitions, game.delta
    )
    base = value_iteration(game, selection=selection)
    new = value_iteration(moved, selection=selection)
    for p_base, p_new in zip(base.pure_policy(), new.pure_policy(), strict=True):
        np.testing.assert_array_equal(p_new, p_base)
    np.testing.assert_array_equal(new.found, base.found)
    np.testing.assert_array_equal(new.verified, base.verified)
    units = moved.payoff_units
    for b in range(4):
        # brute force on each player's payoffs divided by her range: regret in her own unit
        normalised = moved.payoffs[b] / units[b][None, :, None, None]
        worst, _ = brute_force_regret(
            normalised, moved.transitions[b], float(moved.delta[b]), [s[b] for s in new.strategies]
        )
        assert np.isclose(worst, new.relative_regret[b], atol=1e-9)
        if new.verified[b]:
            assert worst <= 1e-7


@given(
    st.integers(0, 2**32 - 1),
    st.floats(0.1, 0.9),
    st.floats(-12.0, 12.0).map(lambda e: 10.0**e),
    st.floats(-5.0, 5.0),
)
def test_policy_iteration_does_not_depend_on_the_scale_of_rewards(seed, delta, factor, shift):
    rng = np.random.default_rng(seed)
    rewards = rng.normal(size=(3, 4, 3))
    q = rng.random((3, 4, 3, 4)) ** 2
    q /= q.sum(axis=-1, keepdims=True)
    spread = np.ptp(rewards.reshape(3, -1), axis=-1)[:, None, None]
    base = policy_iteration(rewards, q, delta)
    moved = policy_iteration(factor * (rewards + shift * spread), q, delta)
    np.testing.assert_array_equal(moved.policy, base.policy)
    for b in range(3):
        gap, _ = brute_force_bellman_gap(rewards[b], q[b], delta, moved.policy[b])
        assert gap <= 1e-9


def test_a_batch_whose_continuation_games_do_not_fit_is_refused(monkeypatch):
    from irgames.errors import WorkTooLargeError

    game = random_game(0, batch=1000, S=3)
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "1M")  # about 3.7 MiB of continuation games
    with pytest.raises(WorkTooLargeError, match="value iteration"):
        value_iteration(game)
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "64M")
    assert value_iteration(game).found.shape == (1000,)
