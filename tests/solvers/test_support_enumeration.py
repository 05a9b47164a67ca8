"""Support enumeration: definition of equilibrium, agreement with vertex enumeration and peers."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from twoplayer_strategies import assert_covers_nashpy, gambit_profiles, same_profile_sets

import irgames as ig
from irgames import testing
from irgames.solvers.exact import exact_equilibria
from irgames.solvers.support_enumeration import is_degenerate, support_enumeration
from irgames.solvers.vertex_enumeration import vertex_enumeration
from irgames.testing import generic_bimatrix, integer_bimatrix

TOL = 1e-9


#: relative regret <= 1e-9 in the game's payoff scale (as before); supports are best responses
assert_equilibria = partial(
    testing.assert_equilibria, tol=TOL, support=True, simplex_atol=1e-9, unit="game"
)


@given(generic_bimatrix())
def test_nondegenerate_games_zero_regret_odd_count_same_as_vertex_enumeration(game):
    eq = support_enumeration(game)
    assert_equilibria(game, eq)
    assert not eq.degenerate
    assert eq.complete
    assert len(eq) % 2 == 1
    assert same_profile_sets(eq.profiles(), vertex_enumeration(game).profiles())


@given(integer_bimatrix())
def test_degenerate_games_are_completed_by_vertex_enumeration(game):
    eq = support_enumeration(game)
    assert_equilibria(game, eq)
    assert eq.complete
    ve = vertex_enumeration(game)
    assert bool(eq.degenerate) == bool(ve.degenerate)
    assert same_profile_sets(eq.profiles(), ve.profiles())


@given(integer_bimatrix(max_actions=3))
def test_plain_support_enumeration_returns_only_equilibria_and_flags_incompleteness(game):
    eq = support_enumeration(game, on_degenerate="supports")
    assert_equilibria(game, eq)
    degenerate = bool(eq.degenerate)
    assert eq.complete == (not degenerate)
    assert bool(eq.options["incomplete"]) == degenerate
    if not degenerate:
        assert same_profile_sets(eq.profiles(), vertex_enumeration(game).profiles())
    # Supports of size (1, 1) determine a pure profile, so every pure equilibrium is found.
    pure = [
        (x, y)
        for x, y in vertex_enumeration(game).profiles()
        if np.isclose(x.max(), 1, rtol=0, atol=1e-12) and np.isclose(y.max(), 1, rtol=0, atol=1e-12)
    ]
    found = eq.profiles()
    assert all(any(same_profile_sets([p], [q]) for q in found) for p in pure)


@given(integer_bimatrix(max_actions=3))
def test_degeneracy_flag_matches_exact_arithmetic(game):
    exact = exact_equilibria(game)
    assert bool(is_degenerate(game)) == bool(exact.degenerate)


@given(generic_bimatrix(max_actions=3, min_actions=2))
def test_finds_every_equilibrium_nashpy_support_enumeration_finds(game):
    nash = pytest.importorskip("nashpy")
    # nashpy's tolerances are absolute: give it each player's payoffs mapped onto [1, 2]
    # (which changes no equilibrium).
    A, B = game.player_payoffs(0), game.player_payoffs(1)
    A, B = 1 + (A - A.min()) / np.ptp(A), 1 + (B - B.min()) / np.ptp(B)
    theirs = list(nash.Game(A, B).support_enumeration())
    assert_covers_nashpy(game, support_enumeration(game).profiles(), theirs)


@given(integer_bimatrix(max_actions=3))
def test_agrees_with_pygambit_on_degenerate_games(game):
    eq = support_enumeration(game)
    assert same_profile_sets(eq.profiles(), gambit_profiles(game, rational=True))


@given(generic_bimatrix(max_actions=3), st.data())
def test_invariant_under_affine_transformations_and_relabelling(game, data):
    m, n = game.num_actions
    a = data.draw(st.floats(0.01, 100.0))
    b = data.draw(st.floats(-100.0, 100.0))
    rows = np.array(data.draw(st.permutations(range(m))))
    cols = np.array(data.draw(st.permutations(range(n))))
    A, B = game.player_payoffs(0), game.player_payoffs(1)
    other = support_enumeration(
        ig.NormalFormGame.bimatrix(A[np.ix_(rows, cols)], (a * B + b)[np.ix_(rows, cols)])
    )
    expected = [(x[rows], y[cols]) for x, y in support_enumeration(game).profiles()]
    assert same_profile_sets(other.profiles(), expected, atol=1e-6)


@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4), st.integers(1, 5))
def test_batched_and_chunked_results_equal_per_game_results(seed, m, n, chunk):
    rng = np.random.default_rng(seed)
    A = np.concatenate([rng.normal(size=(3, m, n)), rng.integers(-1, 2, size=(2, m, n))])
    B = np.concatenate([rng.normal(size=(3, m, n)), rng.integers(-1, 2, size=(2, m, n))])
    batch = ig.NormalFormGame.bimatrix(A, B)
    eq = support_enumeration(batch, chunk_size=chunk)
    for g in range(5):
        single = support_enumeration(batch[g])
        assert same_profile_sets(eq.for_game(g).profiles(), single.profiles())
        assert bool(eq.degenerate[g]) == bool(single.degenerate)


def test_nashpy_issues_82_222_231_complete_answers():
    # Games from drvinceknight/Nashpy issues #82, #222 and #231 (all degenerate), where
    # nashpy's support enumeration misses equilibria.
    A82 = -np.array([[0, 0, 6, 0, 0], [0, 0, 3, 2, 1], [4, 3, 0, 0, 1]])
    B82 = -np.array([[3, 0, 2, 1, 0], [0, 2, 0, 0, 4], [4, 0, 2, 4, 4]])
    A231 = np.array(
        [
            [0, -1, -1, -1, 1, -1],
            [1, 0, 1, -1, -1, -1],
            [1, -1, 0, -1, -1, 1],
            [1, 1, 1, 0, -1, -1],
            [-1, 1, 1, 1, 0, -1],
            [1, 1, -1, 1, 1, 0],
        ]
    )
    games = [
        ig.NormalFormGame.bimatrix(A82, B82),
        ig.NormalFormGame.bimatrix([[-3, 3], [-3, 5]], [[2, 7], [4, 2]]),
        ig.NormalFormGame.zero_sum(A231),
    ]
    for game, count in zip(games, [8, 2, None], strict=True):
        eq = support_enumeration(game)
        assert_equilibria(game, eq)
        assert bool(eq.degenerate)
        assert same_profile_sets(eq.profiles(), gambit_profiles(game, rational=True))
        if count is not None:
            assert len(eq) == count
        plain = support_enumeration(game, on_degenerate="supports")
        assert_equilibria(game, plain)
        assert not plain.complete


def test_rejects_bad_arguments():
    game = ig.NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="on_degenerate"):
        support_enumeration(game, on_degenerate="guess")
    with pytest.raises(ValueError, match="chunk_size"):
        support_enumeration(game, chunk_size=0)
    with pytest.raises(ig.errors.SolverError, match="two-player"):
        support_enumeration(ig.NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3))
