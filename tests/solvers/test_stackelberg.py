"""Stackelberg equilibria: the known commitment game, a grid check of every region, the
commitment value against every Nash payoff (von Stengel and Zamir), invariances, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import irgames as ig
from irgames.errors import SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.solvers.stackelberg import stackelberg
from irgames.solvers.vertex_enumeration import vertex_enumeration

TOL = 1e-7

A0 = [[2, 4], [1, 3]]
B0 = [[1, 0], [0, 1]]


def test_commitment_game_by_hand():
    game = NormalFormGame.bimatrix(A0, B0)
    result = stackelberg(game)
    assert result.leader_value == pytest.approx(3.5, abs=1e-9)
    assert result.leader_strategy == pytest.approx([0.5, 0.5], abs=1e-9)
    assert int(result.follower_action) == 1
    assert result.follower_value == pytest.approx(0.5, abs=1e-9)
    assert bool(result.attained)
    # the unique Nash equilibrium (row dominant) gives the leader 2
    nash = vertex_enumeration(game)
    assert len(nash) == 1 and nash.payoffs[0, 0] == pytest.approx(2.0)
    # the follower's action is a best response to the commitment (regret computed here)
    r = regret(game, (result.leader_strategy, np.eye(2)[int(result.follower_action)]))
    assert r[1] <= 1e-9


def test_column_leader_is_the_transposed_game():
    game = NormalFormGame.bimatrix(A0, B0)
    swapped = NormalFormGame.bimatrix(np.transpose(B0), np.transpose(A0))
    by_column = stackelberg(swapped, leader=1)
    assert by_column.leader_value == pytest.approx(3.5, abs=1e-9)
    assert by_column.leader_strategy == pytest.approx([0.5, 0.5], abs=1e-9)
    assert int(by_column.follower_action) == 1
    assert stackelberg(game, leader=1).leader_value == pytest.approx(1.0)


def test_weak_version_is_a_supremum_not_attained():
    """Against the leader, the follower picks column 0 at the tie x = (1/2, 1/2): the leader
    gets 1.5 there, and 3.5 - O(eps) at (1/2 - eps, 1/2 + eps)."""
    game = NormalFormGame.bimatrix(A0, B0)
    weak = stackelberg(game, kind="weak")
    assert weak.leader_value == pytest.approx(3.5, abs=1e-9)
    assert int(weak.follower_action) == 1
    assert not bool(weak.attained)
    A, B = np.array(A0, float), np.array(B0, float)
    for eps in (1e-2, 1e-4):
        x = np.array([0.5 - eps, 0.5 + eps])
        assert np.argmax(x @ B) == 1 and (x @ B)[1] > (x @ B)[0]
        assert (x @ A)[1] == pytest.approx(3.5 - eps)


def test_weak_attained_when_the_optimum_is_inside_a_region():
    # the follower's column 0 strictly dominates: no ties anywhere
    game = NormalFormGame.bimatrix([[3, 0], [1, 5]], [[2, 0], [1, 0]])
    weak = stackelberg(game, kind="weak")
    assert bool(weak.attained)
    assert weak.leader_value == pytest.approx(3.0)
    assert int(weak.follower_action) == 0


def test_weak_refuses_identical_follower_columns():
    game = NormalFormGame.bimatrix(
        [[[3, 0], [1, 5]], [[3, 0], [1, 5]]], [[[1, 1], [0, 0]], [[2, 0], [1, 0]]]
    )
    weak = stackelberg(game, kind="weak")
    assert np.isnan(weak.leader_value[0]) and not weak.attained[0]
    assert np.isfinite(weak.leader_value[1])
    strong = stackelberg(game)
    assert strong.leader_value[0] == pytest.approx(5.0)  # ties go the leader's way


def grid_values(A, B, points=4001):
    """Strong and weak values of 2 x n games on a grid of commitments, by brute force."""
    p = np.linspace(0.0, 1.0, points)
    X = np.stack([p, 1 - p], axis=-1)  # (P, 2)
    vf = np.einsum("pm,gmn->gpn", X, B)
    vl = np.einsum("pm,gmn->gpn", X, A)
    best = vf >= vf.max(axis=-1, keepdims=True) - 1e-12
    strong = np.where(best, vl, -np.inf).max(axis=-1).max(axis=-1)
    weak = np.where(best, vl, np.inf).min(axis=-1).max(axis=-1)
    return strong, weak, 1.0 / (points - 1)


def test_grid_check_of_every_region_2x2():
    rng = np.random.default_rng(7)
    A = rng.normal(size=(400, 2, 2))
    B = rng.normal(size=(400, 2, 2))
    result = stackelberg(NormalFormGame.bimatrix(A, B))
    weak = stackelberg(NormalFormGame.bimatrix(A, B), kind="weak")
    strong_grid, weak_grid, step = grid_values(A, B)
    lipschitz = 2 * np.abs(A).max(axis=(1, 2))
    # no region gives the leader more than the result ...
    assert np.all(strong_grid <= result.leader_value + 1e-9)
    assert np.all(weak_grid <= weak.leader_value + 1e-9)
    # ... and the result is reached on the grid up to its resolution
    assert np.all(result.leader_value <= strong_grid + lipschitz * step)
    assert np.all(weak.leader_value <= weak_grid + lipschitz * step)
    assert np.all(result.follower_regret <= TOL)
    assert np.all(result.attained)


def test_batch_equals_one_game_at_a_time():
    rng = np.random.default_rng(3)
    A = rng.integers(-3, 4, size=(2, 3, 3, 4)).astype(float)
    B = rng.integers(-3, 4, size=(2, 3, 3, 4)).astype(float)
    batch = stackelberg(NormalFormGame.bimatrix(A, B))
    assert batch.leader_value.shape == (2, 3) and batch.leader_strategy.shape == (2, 3, 3)
    for index in np.ndindex(2, 3):
        one = stackelberg(NormalFormGame.bimatrix(A[index], B[index]))
        assert one.leader_value == pytest.approx(batch.leader_value[index], abs=1e-9)
    frame = batch.to_pandas()
    assert list(frame.game_index) == list(range(6))


entries = st.one_of(
    st.integers(-3, 3).map(float), st.floats(-50, 50, allow_nan=False, allow_infinity=False)
)


@st.composite
def bimatrices(draw):
    G = draw(st.integers(1, 4))
    m = draw(st.integers(1, 4))
    n = draw(st.integers(1, 4))
    A = draw(hnp.arrays(float, (G, m, n), elements=entries))
    B = draw(hnp.arrays(float, (G, m, n), elements=entries))
    return A, B


@given(data=bimatrices(), leader=st.sampled_from([0, 1]))
def test_commitment_is_worth_at_least_every_nash_payoff(data, leader):
    """von Stengel and Zamir: the strong Stackelberg value is at least the leader's payoff in
    every Nash equilibrium; and the follower best-responds (regret in his own unit)."""
    A, B = data
    game = NormalFormGame.bimatrix(A, B)
    result = stackelberg(game, leader=leader)
    units = game.payoff_units  # (G, 2)
    assert np.all(result.follower_regret <= 1e-6)
    nash = vertex_enumeration(game)
    best = np.full(A.shape[0], -np.inf)
    np.maximum.at(best, nash.game_index, nash.payoffs[:, leader])
    assert np.all(result.leader_value >= best - 1e-6 * units[:, leader])
    # the leader's payoff is what her strategy and the follower's action give
    pure = np.eye(A.shape[2 - leader])[result.follower_action]
    profile = (result.leader_strategy, pure) if leader == 0 else (pure, result.leader_strategy)
    payoff = ig.expected_payoffs(game, profile)[..., leader]
    assert np.allclose(payoff, result.leader_value, atol=1e-9 * units[:, leader].max())


@given(
    data=bimatrices(),
    kind=st.sampled_from(["strong", "weak"]),
    a=st.sampled_from([0.01, 3.0, 1e4]),
    b=st.sampled_from([0.5, 200.0]),
)
def test_each_players_affine_rescaling_keeps_the_commitment(data, kind, a, b):
    A, B = data
    original = NormalFormGame.bimatrix(A, B)
    transformed = NormalFormGame.bimatrix(a * A - 5.0, b * B + 1.0)
    # only games whose payoff differences survive the shift in floating point (a difference
    # of 1e-19 next to 1.0 is lost, and the transformed game is then another game)
    assume(np.allclose(transformed.payoff_units, original.payoff_units * [a, b], rtol=1e-6))
    base = stackelberg(original, kind=kind)
    moved = stackelberg(transformed, kind=kind)
    unit = NormalFormGame.bimatrix(A, B).payoff_units[:, 0]
    ok = np.isfinite(base.leader_value)
    assert np.array_equal(ok, np.isfinite(moved.leader_value))
    assert np.allclose(
        moved.leader_value[ok], a * base.leader_value[ok] - 5.0, atol=1e-6 * a * unit[ok]
    )


def test_bad_input():
    three = NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    with pytest.raises(SolverError, match="two-player"):
        stackelberg(three)
    game = NormalFormGame.bimatrix(A0, B0)
    with pytest.raises(SolverError, match="leader"):
        stackelberg(game, leader=2)
    with pytest.raises(SolverError, match="kind"):
        stackelberg(game, kind="medium")
    with pytest.raises(SolverError, match="tol"):
        stackelberg(game, tol=-1)
