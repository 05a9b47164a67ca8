"""Rest points of the replicator dynamics, their stability, and ESS: known games by hand, the
cases where an alternative best reply decides (Haigh's second condition), and random games
against the definitions (the field vanishes; local superiority decides ESS)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import irgames as ig
from irgames import dynamics
from irgames.errors import SolverError

CASES = {
    # name: (A, rest points, stability, ESS)
    "hawk-dove": (
        [[-0.5, 2.0], [0.0, 1.0]],
        [[1, 0], [0, 1], [2 / 3, 1 / 3]],
        ["unstable", "unstable", "stable"],
        [False, False, True],
    ),
    "prisoner's dilemma": (
        [[3.0, 0.0], [5.0, 1.0]],
        [[1, 0], [0, 1]],
        ["unstable", "stable"],
        [False, True],
    ),
    "coordination": (
        [[1.0, 0.0], [0.0, 1.0]],
        [[1, 0], [0, 1], [0.5, 0.5]],
        ["stable", "stable", "unstable"],
        [True, True, False],
    ),
    "rock-paper-scissors, wins outweigh losses": (
        [[0.0, -1.0, 2.0], [2.0, 0.0, -1.0], [-1.0, 2.0, 0.0]],
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3]],
        ["unstable", "unstable", "unstable", "stable"],
        [False, False, False, True],
    ),
    "rock-paper-scissors, losses outweigh wins": (
        [[0.0, -2.0, 1.0], [1.0, 0.0, -2.0], [-2.0, 1.0, 0.0]],
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3]],
        ["unstable", "unstable", "unstable", "unstable"],
        [False, False, False, False],
    ),
    # e_0 ties with e_1 against itself; ESS iff it does better against the entrant (Haigh)
    "tie, entrant loses": (
        [[1.0, 1.0], [1.0, 0.0]],
        [[1, 0], [0, 1]],
        ["non-hyperbolic", "unstable"],
        [True, False],
    ),
    "tie, entrant wins": (
        [[1.0, 0.0], [1.0, 1.0]],
        [[1, 0], [0, 1]],
        ["non-hyperbolic", "stable"],
        [False, True],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_known_games(name):
    A, points, stability, ess = CASES[name]
    rp = dynamics.rest_points(np.array(A))
    assert np.allclose(rp.points, points, atol=1e-12)
    assert rp.stability.tolist() == stability
    assert rp.ess.tolist() == ess
    found = dynamics.evolutionarily_stable_strategies(np.array(A))
    assert np.allclose(found.points, np.array(points)[np.array(ess)], atol=1e-12)


def test_hawk_dove_batch_and_the_mixed_ess_v_over_c():
    V = np.array([1.0, 2.0, 3.0])
    C = np.array([2.0, 5.0, 4.0])
    A = np.zeros((3, 2, 2))
    A[:, 0, 0], A[:, 0, 1], A[:, 1, 1] = (V - C) / 2, V, V / 2
    ess = dynamics.evolutionarily_stable_strategies(ig.NormalFormGame.symmetric(A))
    assert ess.count.tolist() == [1, 1, 1]
    assert np.allclose(ess.points[:, 0], V / C)


def test_degenerate_games_are_flagged():
    rp = dynamics.rest_points(np.ones((2, 2)))
    assert bool(rp.degenerate)
    assert rp.stability.tolist() == ["non-hyperbolic", "non-hyperbolic"]


def field(A, x):
    f = A @ x
    return x * (f - x @ f)


def locally_superior(A, x, rng, radius=1e-4, samples=4000):
    """Hofbauer-Sigmund: x is an ESS iff x.Ay > y.Ay for every y != x near x (sampled)."""
    m = x.size
    toward = rng.dirichlet(np.ones(m), size=samples)  # toward every point of the simplex ...
    face = rng.dirichlet(np.ones(m), size=samples) * (x > 0)  # ... and of x's own face
    face /= face.sum(axis=1, keepdims=True)
    y = x + radius * (np.concatenate([toward, face]) - x)
    y = y[np.abs(y - x).max(axis=1) > 1e-3 * radius]  # y != x
    return bool(np.all(np.einsum("i,ij,sj->s", x, A, y) > np.einsum("si,ij,sj->s", y, A, y)))


@given(A=hnp.arrays(float, (3, 3), elements=st.floats(-5, 5)), seed=st.integers(0, 2**16))
@example(  # found by the deep profile: e_2 is beaten by 6e-9 units, more than tol
    A=np.array([[0.0, 0.0, 1.15419983e-08], [0.0, -2.0, 0.0], [0.0, 0.0, 0.0]]), seed=0
)
def test_random_games_against_the_definitions(A, seed):
    rp = dynamics.rest_points(A)
    rng = np.random.default_rng(seed)
    unit = max(np.ptp(A), 1.0) if np.ptp(A) > 0 else 1.0
    for x, ess, nash, stability in zip(rp.points, rp.ess, rp.is_nash, rp.stability, strict=True):
        assert np.abs(field(A, x)).max() <= 1e-8 * unit
        if ess:
            assert nash and stability != "unstable"  # an ESS is asymptotically stable
        margins = np.linalg.eigvals(0.5 * (A + A.T))
        if nash and not rp.degenerate and np.min(np.abs(margins)) > 1e-3 * unit:
            f = A @ x
            gaps = np.sort(f.max() - f[x == 0])
            if gaps.size == 0 or gaps[0] > 1e-3 * unit:  # no alternative best reply
                assert ess == locally_superior(A, x, rng)
    # every vertex is a rest point
    vertices = rp.points[rp.points.max(axis=1) == 1.0]
    assert sorted(np.argmax(vertices, axis=1).tolist()) == [0, 1, 2]


def test_bad_input():
    with pytest.raises(SolverError, match="supports"):
        dynamics.rest_points(np.zeros((17, 17)))
    with pytest.raises(SolverError, match="symmetric"):
        dynamics.rest_points(ig.NormalFormGame.bimatrix([[1, 0], [0, 1]], [[0, 1], [1, 0]]))
