"""Zero-sum games by block-diagonal linear programming: value, regret, invariances, peers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from irgames.errors import SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.solvers.zero_sum import zero_sum

REL = 1e-9  # relative to the payoff range

entries = st.one_of(
    st.integers(-3, 3).map(float), st.floats(-50, 50, allow_nan=False, allow_infinity=False)
)


@st.composite
def matrices(draw, max_games=6):
    G = draw(st.integers(1, max_games))
    m = draw(st.integers(1, 4))
    n = draw(st.integers(1, 4))
    return draw(hnp.arrays(float, (G, m, n), elements=entries))


def ranges(A):
    spread = A.max(axis=(-2, -1)) - A.min(axis=(-2, -1))
    return np.where(spread > 0, spread, 1.0)


@given(A=matrices())
def test_profile_is_an_equilibrium_and_value_is_certified(A):
    solution = zero_sum(NormalFormGame.zero_sum(A))
    eq = solution.equilibria
    scale = ranges(A)
    assert np.all(eq.regret <= REL * scale)
    # the strategies' guarantees bracket the value, and the bracket is tight
    assert np.all(solution.lower <= solution.value + REL * scale)
    assert np.all(solution.value <= solution.upper + REL * scale)
    assert np.all(solution.upper - solution.lower <= 2 * REL * scale)
    # regret computed here, independently of the result's own field
    game = NormalFormGame.zero_sum(A)
    assert np.all(regret(game, (solution.row, solution.column)).max(axis=-1) <= REL * scale)


@given(A=matrices(), shift=st.sampled_from([-7.0, 0.5, 100.0]), factor=st.sampled_from([0.25, 3.0]))
def test_value_moves_with_affine_transforms(A, shift, factor):
    base = zero_sum(NormalFormGame.zero_sum(A)).value
    moved = zero_sum(NormalFormGame.zero_sum(factor * A + shift)).value
    tolerance = 1e-9 * factor * ranges(A) + 1e-12 * abs(shift)
    assert np.all(np.abs(moved - (factor * base + shift)) <= tolerance)


@given(A=matrices(max_games=3))
def test_value_equals_the_payoff_of_every_extreme_equilibrium(A):
    vertex_enumeration = pytest.importorskip(
        "irgames.solvers.vertex_enumeration"
    ).vertex_enumeration
    game = NormalFormGame.zero_sum(A)
    value = zero_sum(game).value
    every = vertex_enumeration(game)
    assert len(every) >= A.shape[0]
    scale = ranges(A)
    np.testing.assert_array_less(
        np.abs(every.payoffs[:, 0] - value[every.game_index]), 1e-8 * scale[every.game_index]
    )


@given(A=matrices(max_games=1))
@example(A=np.array([[[0.0], [-4.29727922e-170]]]))
def test_agrees_with_nashpy_linear_program(A):
    nashpy = pytest.importorskip("nashpy")
    # nashpy's LP tolerances are absolute: give it the game in units of its payoff range
    # (on payoffs of 1e-170 it could not tell the rows apart), and map its value back
    low, scale = float(A[0].min()), float(ranges(A[0]))
    unit = (A[0] - low) / scale if scale > 0 else A[0] - low
    x, y = nashpy.Game(unit).linear_program()
    theirs = low + (scale if scale > 0 else 1.0) * float(np.asarray(x) @ unit @ np.asarray(y))
    ours = float(zero_sum(NormalFormGame.zero_sum(A[0])).value)
    assert abs(theirs - ours) <= 1e-6 * ranges(A[0])  # nashpy's LP tolerance is coarser


def test_known_values():
    pennies = zero_sum(NormalFormGame.zero_sum([[1, -1], [-1, 1]]))
    assert abs(float(pennies.value)) <= 1e-12
    np.testing.assert_allclose(pennies.row, [0.5, 0.5], atol=1e-12)
    rps = zero_sum(NormalFormGame.zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]))
    np.testing.assert_allclose(rps.row, [1 / 3] * 3, atol=1e-9)
    np.testing.assert_allclose(rps.column, [1 / 3] * 3, atol=1e-9)
    saddle = zero_sum(NormalFormGame.zero_sum([[4, 2, 3], [1, 0, -1]]))
    assert abs(float(saddle.value) - 2.0) <= 1e-12


def test_constant_sum_and_batch_shape():
    A = np.random.default_rng(2).normal(size=(3, 4, 2, 3))
    game = NormalFormGame.bimatrix(A, 5.0 - A)
    solution = zero_sum(game)
    assert solution.value.shape == (3, 4)
    assert solution.row.shape == (3, 4, 2) and solution.column.shape == (3, 4, 3)
    reference = zero_sum(NormalFormGame.zero_sum(A))
    np.testing.assert_allclose(solution.value, reference.value, atol=1e-9)
    # small blocks give the same answer as one program
    blocks = zero_sum(NormalFormGame.zero_sum(A), max_nonzeros=1)
    np.testing.assert_allclose(blocks.value, reference.value, atol=1e-9)


def test_agrees_with_shapley_snow_minmax():
    minmax = pytest.importorskip("irgames.solvers.minmax")
    A = np.random.default_rng(5).integers(-3, 4, size=(50, 3, 4)).astype(float)
    value, _, _ = minmax.zero_sum_value(A)
    np.testing.assert_allclose(zero_sum(NormalFormGame.zero_sum(A)).value, value, atol=1e-9)


def test_bad_input():
    with pytest.raises(SolverError, match="not zero-sum"):
        zero_sum(NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
    with pytest.raises(SolverError, match="two players"):
        zero_sum(NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3))
    with pytest.raises(SolverError, match="NormalFormGame"):
        zero_sum(np.eye(2))
    with pytest.raises(ValueError, match="tol"):
        zero_sum(NormalFormGame.zero_sum(np.eye(2)), tol=-1)


def test_empty_batch():
    solution = zero_sum(NormalFormGame.zero_sum(np.zeros((0, 2, 3))))
    assert solution.value.shape == (0,) and solution.row.shape == (0, 2)
    assert len(solution.equilibria) == 0
