"""The Moran process: a neutral mutant fixes with probability 1/N; the exact formula against
Moran's constant-fitness formula, against simulation, and against nashpy's moran_process."""

from __future__ import annotations

import nashpy
import numpy as np
import pytest

from irgames import dynamics
from irgames.errors import GameValueError


@pytest.mark.parametrize("N", [2, 5, 10, 100, 1000])
def test_a_neutral_mutant_fixes_with_probability_one_over_n(N):
    rho = dynamics.fixation_probabilities(np.full((3, 3), 2.0), N)
    assert np.allclose(rho, 1.0 / N, rtol=1e-12)
    some = dynamics.fixation_probabilities(np.ones((2, 2)), N, initial=N // 2 if N > 2 else 1)
    assert np.allclose(some, (N // 2 if N > 2 else 1) / N, rtol=1e-12)


def test_constant_fitness_is_morans_formula_batched():
    r = np.array([0.5, 1.5, 3.0])
    A = np.zeros((3, 2, 2))
    A[:, 0, :] = r[:, None]  # the mutant (strategy 0) has fitness r against anyone
    A[:, 1, :] = 1.0
    N = 20
    rho = dynamics.fixation_probabilities(A, N)
    assert rho.shape == (3, 2, 2)
    assert np.allclose(rho[:, 1, 0], (1 - 1 / r) / (1 - r**-N), rtol=1e-12)
    assert np.allclose(rho[:, 0, 1], (1 - r) / (1 - r**N), rtol=1e-12)
    # no overflow for large populations under strong selection
    big = dynamics.fixation_probabilities(A, 20_000)
    assert np.all(np.isfinite(big)) and big[2, 1, 0] == pytest.approx(1 - 1 / 3.0)


def test_simulation_agrees_with_the_exact_formula():
    A = np.array([[[3.0, 1.0], [2.0, 2.0]], [[1.0, 4.0], [3.0, 2.0]]])
    N, runs = 8, 4000
    exact = dynamics.fixation_probabilities(A, N, intensity=0.5)[:, 0, 1]  # one 1 among 0s
    sim = dynamics.moran_process(A, [N - 1, 1], runs=runs, intensity=0.5, seed=1)
    assert sim.fixed.shape == (2, runs) and np.all(sim.fixed >= 0)
    estimate = sim.fixation[:, 1]
    sigma = np.sqrt(exact * (1 - exact) / runs)
    assert np.all(np.abs(estimate - exact) < 4 * sigma)
    assert np.allclose(sim.final.sum(axis=-1), 1.0)
    assert sim.to_xarray().dims == ("batch_0", "time", "strategy")


def test_same_fixation_probability_as_nashpys_moran_process():
    A = np.array([[3.0, 1.0], [4.0, 2.0]])  # non-negative payoffs, as nashpy requires
    N, runs = 4, 400
    exact = float(dynamics.fixation_probabilities(A, N)[0, 1])
    np.random.seed(0)  # noqa: NPY002 (nashpy draws from numpy's global generator)
    game = nashpy.Game(A, A.T)
    fixed = 0
    for _ in range(runs):
        *_, last = game.moran_process(initial_population=np.array([0, 0, 0, 1]))
        fixed += int(np.all(last == 1))
    sigma = np.sqrt(exact * (1 - exact) / runs)
    assert abs(fixed / runs - exact) < 4 * sigma


def test_bad_input():
    with pytest.raises(GameValueError, match="positive"):
        dynamics.fixation_probabilities(np.array([[-1.0, 0.0], [0.0, 0.0]]), 5)
    with pytest.raises(GameValueError, match="population size"):
        dynamics.fixation_probabilities(np.ones((2, 2)), 1)
    with pytest.raises(GameValueError, match="initial"):
        dynamics.fixation_probabilities(np.ones((2, 2)), 5, initial=5)
    with pytest.raises(GameValueError, match="counts"):
        dynamics.moran_process(np.ones((2, 2)), [1.5, 2])
