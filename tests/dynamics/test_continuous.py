"""Replicator, best-response and logit dynamics: hawk-dove's ESS from any interior start,
nashpy's replicator trajectories (with mutation, and two populations), logit rest points at the
logit QRE, batches, xarray, bad input."""

from __future__ import annotations

import nashpy
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import irgames as ig
from irgames import dynamics
from irgames.errors import GameValueError, SolverError


def hawk_dove(V, C):
    V, C = np.asarray(V, float), np.asarray(C, float)
    A = np.empty((*np.broadcast_shapes(V.shape, C.shape), 2, 2))
    A[..., 0, 0] = (V - C) / 2
    A[..., 0, 1] = V
    A[..., 1, 0] = 0.0
    A[..., 1, 1] = V / 2
    return A


@given(
    V=st.floats(0.5, 5.0),
    ratio=st.floats(1.2, 5.0),
    starts=st.lists(st.floats(0.01, 0.99), min_size=1, max_size=5),
)
def test_hawk_dove_converges_to_the_mixed_ess_from_any_interior_start(V, ratio, starts):
    C = V * ratio
    x0 = np.array([[h, 1 - h] for h in starts])
    path = dynamics.replicator(hawk_dove(V, C), x0, 500.0)
    assert path.final.shape == (len(starts), 2)
    assert np.allclose(path.final[:, 0], V / C, atol=1e-5)
    assert np.allclose(path.trajectory.sum(axis=-1), 1.0, atol=1e-9)


def test_a_batch_of_games_against_a_batch_of_states():
    V = np.array([1.0, 2.0, 3.0])[:, None]
    A = hawk_dove(V, 4.0)  # (3, 1, 2, 2)
    x0 = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1], [0.05, 0.95]])  # (4, 2)
    path = dynamics.replicator(A, x0, 300.0)
    assert path.trajectory.shape == (3, 4, 101, 2) and path.batch_shape == (3, 4)
    assert np.allclose(path.final[..., 0], np.broadcast_to(V / 4.0, (3, 4)), atol=1e-5)
    one = dynamics.replicator(A[1, 0], x0[2], 300.0)
    assert np.allclose(one.trajectory, path.trajectory[1, 2], atol=1e-7)
    data = path.to_xarray()
    assert data.dims == ("batch_0", "batch_1", "time", "strategy")
    assert float(data.sel(time=300.0)[2, 0, 0]) == pytest.approx(0.75, abs=1e-5)


def test_same_trajectories_as_nashpy():
    rng = np.random.default_rng(11)
    A = rng.normal(size=(3, 3))
    x0 = np.array([0.2, 0.5, 0.3])
    times = np.linspace(0, 5, 51)
    theirs = nashpy.Game(A, A.T).replicator_dynamics(y0=x0, timepoints=times)
    ours = dynamics.replicator(A, x0, times)
    assert np.abs(ours.trajectory - theirs).max() < 1e-6
    # a game given as a symmetric NormalFormGame is the same
    game = ig.NormalFormGame.symmetric(A)
    assert np.allclose(dynamics.replicator(game, x0, times).trajectory, ours.trajectory)


def test_same_trajectories_as_nashpy_with_mutation():
    rng = np.random.default_rng(12)
    A = rng.uniform(0, 2, size=(3, 3))
    Q = rng.dirichlet(np.ones(3) * 20, size=3)
    x0 = np.array([0.6, 0.3, 0.1])
    times = np.linspace(0, 8, 41)
    theirs = nashpy.Game(A, A.T).replicator_dynamics(y0=x0, timepoints=times, mutation_matrix=Q)
    ours = dynamics.replicator(A, x0, times, mutation=Q)
    assert np.abs(ours.trajectory - theirs).max() < 1e-6
    # a rate spreads mutants uniformly over the other strategies
    rate = dynamics.replicator(A, x0, times, mutation=0.03)
    uniform = np.full((3, 3), 0.015) + np.eye(3) * (0.97 - 0.015)
    assert np.allclose(
        rate.trajectory, dynamics.replicator(A, x0, times, mutation=uniform).trajectory
    )


def test_same_trajectories_as_nashpy_for_two_populations():
    rng = np.random.default_rng(13)
    A = rng.normal(size=(2, 3))
    B = rng.normal(size=(2, 3))
    x0, y0 = np.array([0.3, 0.7]), np.array([0.2, 0.3, 0.5])
    times = np.linspace(0, 6, 31)
    theirs = nashpy.Game(A, B).asymmetric_replicator_dynamics(x0=x0, y0=y0, timepoints=times)
    ours = dynamics.asymmetric_replicator(ig.NormalFormGame.bimatrix(A, B), x0, y0, times)
    assert np.abs(ours.trajectory[0] - theirs[0]).max() < 1e-6
    assert np.abs(ours.trajectory[1] - theirs[1]).max() < 1e-6
    assert set(ours.to_xarray().data_vars) == {"row", "column"}


def test_discrete_replicator_by_hand_and_its_limit():
    A = hawk_dove(2.0, 3.0)
    path = dynamics.replicator(A, [0.2, 0.8], 1, discrete=True, background=1.0)
    f = A @ np.array([0.2, 0.8]) + 1.0
    expected = np.array([0.2, 0.8]) * f / (np.array([0.2, 0.8]) @ f)
    assert np.allclose(path.trajectory[1], expected)
    long = dynamics.replicator(A, [0.2, 0.8], 400, discrete=True, background=1.0)
    assert long.final[0] == pytest.approx(2 / 3, abs=1e-8)
    with pytest.raises(GameValueError, match="background"):
        dynamics.replicator(A, [0.2, 0.8], 5, discrete=True)


def test_best_response_dynamics():
    # hawk-dove: the best response flips around V/C; Euler steps stay within a step of it
    path = dynamics.best_response_dynamics(hawk_dove(2.0, 3.0), [[0.05, 0.95], [0.95, 0.05]], 30.0)
    assert np.allclose(path.final[:, 0], 2 / 3, atol=0.02)
    # coordination: each basin's pure equilibrium, x(t) = b + (x0 - b) e^{-t} approximately
    coordination = np.array([[2.0, 0.0], [0.0, 1.0]])
    path = dynamics.best_response_dynamics(
        coordination, [[0.5, 0.5], [0.2, 0.8]], 10.0, substeps=50
    )
    assert np.allclose(path.final, [[1.0, 0.0], [0.0, 1.0]], atol=1e-3)
    steps = 100 * 50  # 101 output times, 50 Euler steps of length 0.002 each
    assert path.final[0, 0] == pytest.approx(1 - 0.5 * (1 - 10.0 / steps) ** steps, abs=1e-12)


def test_logit_dynamics_rest_at_the_logit_qre():
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    B = np.array([[0.0, 1.0], [1.0, 0.0]])
    eta = 0.25
    path = dynamics.logit_dynamics((A, B), [0.5, 0.5], 60.0, y0=[0.9, 0.1], eta=eta)
    qre = ig.logit_qre(ig.NormalFormGame.bimatrix(A, B), 1 / eta)
    assert np.allclose(path.final[0], qre.strategies[0], atol=1e-6)
    assert np.allclose(path.final[1], qre.strategies[1], atol=1e-6)
    hd = dynamics.logit_dynamics(hawk_dove(2.0, 3.0), [0.1, 0.9], 60.0, eta=0.05)
    sym = ig.logit_qre(ig.NormalFormGame.symmetric(hawk_dove(2.0, 3.0)), 20.0)
    assert np.allclose(hd.final, sym.strategies[0], atol=1e-6)


def test_bad_input():
    with pytest.raises(SolverError, match="not symmetric"):
        dynamics.replicator(
            ig.NormalFormGame.bimatrix([[1, 0], [0, 1]], [[0, 1], [1, 0]]), [1, 0], 1.0
        )
    with pytest.raises(GameValueError, match="sum to one"):
        dynamics.replicator(np.eye(2), [0.5, 0.6], 1.0)
    with pytest.raises(GameValueError, match="square"):
        dynamics.replicator(np.ones((2, 3)), [0.5, 0.5], 1.0)
    with pytest.raises(GameValueError, match="increasing"):
        dynamics.replicator(np.eye(2), [0.5, 0.5], [0.0, 2.0, 1.0])
    with pytest.raises(GameValueError, match="mutation"):
        dynamics.replicator(np.eye(2), [0.5, 0.5], 1.0, mutation=[[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(SolverError, match="eta"):
        dynamics.logit_dynamics(np.eye(2), [0.5, 0.5], 1.0, eta=0)
