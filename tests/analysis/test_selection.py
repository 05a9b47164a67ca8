"""Regime maps (boundaries by bisection) and continuation of equilibria along a sweep."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_toys import COERCION
from hypothesis import given
from hypothesis import strategies as st

from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace, Range
from irgames.analysis.selection import (
    continue_equilibrium,
    equilibrium_regimes,
    follow_branches,
    label_branches,
    regime_map,
)
from irgames.games.normal_form import NormalFormGame
from irgames.solvers.support_enumeration import support_enumeration


def coordination(a):
    """Both players get a on (0, 0) and 1 on (1, 1); the mixed equilibrium puts 1/(1+a) on 0."""
    a = np.asarray(a, dtype=float).reshape(-1)
    A = np.zeros((a.size, 2, 2))
    A[:, 0, 0] = a
    A[:, 1, 1] = 1.0
    return NormalFormGame.bimatrix(A, A)


def test_regime_boundary_of_the_coercion_toy_is_located():
    # credible iff c_s <= (1 - B_s) c_t, with c_t = 3 held: the boundary is c_s = 3 (1 - B_s)
    result = regime_map(COERCION, c_s=Range(n=12), B_s=Range(n=7), refine=40)
    assert result.regime_names == ("status quo", "coercion")
    along = result.boundaries["c_s"]
    assert along["c_s"].size > 0
    exact = 3.0 * (1 - along["B_s"])
    np.testing.assert_allclose(along["c_s"], exact, atol=1e-9)
    assert np.all(along["from"] == 1) and np.all(along["to"] == 0)
    # along B_s the boundary is B_s = 1 - c_s / 3
    across = result.boundaries["B_s"]
    np.testing.assert_allclose(across["B_s"], 1 - across["c_s"] / 3, atol=1e-9)
    shares = result.shares()
    assert shares["coercion"] + shares["status quo"] == pytest.approx(1.0)
    assert result.boundary_table("c_s").shape[0] == along["c_s"].size


def _solver_model():
    space = ParameterSpace([Parameter("a", -1.0, 2.0, default=1.0)])

    def solve(a):
        a = np.asarray(a, dtype=float)
        eq = support_enumeration(coordination(a))
        assert eq.max_relative_regret <= 1e-9
        labels, names = equilibrium_regimes(eq)
        return Outcome(
            {"count": eq.count.reshape(a.shape)}, regime=labels.reshape(a.shape), regime_names=names
        )

    return Model("coordination", "coordination", space, solve)


def test_regime_map_of_a_solver_based_model():
    # a < 0: (1, 1) is the only equilibrium; a > 0: two pure and one mixed
    model = _solver_model()
    labels, names = equilibrium_regimes(support_enumeration(coordination([-0.5, 1.0])))
    assert [names[i] for i in labels] == ["1 pure, 0 mixed", "2 pure, 1 mixed"]
    assert equilibrium_regimes(support_enumeration(coordination([1.0])))[1] == names
    result = regime_map(model, a=Range(-1.0, 1.7, 4), refine=30)
    boundary = result.boundaries["a"]["a"]
    # located to the solver's tolerance (1e-9 of the payoff range): within |a| ~ 1e-9 the
    # game is degenerate to that tolerance
    assert boundary.size == 1 and abs(boundary[0]) <= 1e-8


def test_continuation_follows_three_branches_with_rows_shuffled():
    a = np.linspace(0.5, 3.0, 26)
    eq = support_enumeration(coordination(a))
    eq = eq.select(np.random.default_rng(0).permutation(len(eq)))
    branches = follow_branches(eq)
    assert branches.n_branches == 3
    np.testing.assert_array_equal(branches.extent(), [[0, 25]] * 3)
    # the branch through the mixed equilibrium of the first game is the mixed one throughout
    start = int(
        np.flatnonzero(
            (eq.game_index == 0) & (eq.strategies[0][:, 0] < 0.99) & (eq.strategies[0][:, 0] > 0.01)
        )[0]
    )
    rows = continue_equilibrium(eq, start)
    assert (rows >= 0).all()
    np.testing.assert_allclose(eq.strategies[0][rows, 0], 1 / (1 + a), rtol=1e-9)
    # start from a profile: the pure (1, 1) equilibrium
    rows = continue_equilibrium(eq, ([0.0, 1.0], [0.0, 1.0]))
    np.testing.assert_allclose(eq.strategies[1][rows, 1], 1.0)


def test_continuation_through_a_fold():
    # for a < 0 only (1, 1); for a > 0 (0, 0) and the mixed equilibrium appear
    a = np.concatenate([np.linspace(-1, -0.05, 10), np.linspace(0.05, 1, 10)])
    eq = support_enumeration(coordination(a))
    rows = continue_equilibrium(eq, ([0.0, 1.0], [0.0, 1.0]))
    assert (rows >= 0).all()  # the (1, 1) branch runs through
    branches = follow_branches(eq)
    extent = branches.extent()
    assert branches.n_branches == 3
    assert sorted(map(tuple, extent.tolist())) == [(0, 19), (10, 19), (10, 19)]
    with pytest.raises(ValueError, match="one-dimensional"):
        follow_branches(
            support_enumeration(coordination(a).reshape(4, 5))
            if hasattr(NormalFormGame, "reshape")
            else _two_d(a)
        )


def _two_d(a):
    game = coordination(a)
    return support_enumeration(NormalFormGame(game.payoffs.reshape(4, 5, 2, 2, 2), n_players=2))


@given(st.integers(1, 8), st.integers(1, 4), st.integers(0, 2**16))
def test_label_branches_recovers_separated_paths(n_steps, n_paths, seed):
    """Paths far apart relative to their steps are each one branch, whatever the row order."""
    rng = np.random.default_rng(seed)
    offsets = np.arange(n_paths) * 10.0
    steps = np.repeat(np.arange(n_steps), n_paths)
    path = np.tile(np.arange(n_paths), n_steps)
    features = offsets[path] + rng.uniform(-1, 1, size=steps.size)
    perm = rng.permutation(steps.size)
    labels = label_branches(steps[perm], features[perm][:, None])
    back = np.empty_like(labels)
    back[perm] = labels
    # same path <=> same label
    same_path = path[:, None] == path[None, :]
    same_label = back[:, None] == back[None, :]
    np.testing.assert_array_equal(same_path, same_label)
    assert set(back.tolist()) == set(range(n_paths))
