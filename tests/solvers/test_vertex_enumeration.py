"""Vertex enumeration: the definition of equilibrium, invariances, batching, cliques, peers."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from twoplayer_strategies import assert_covers_nashpy, gambit_profiles, same_profile_sets

import irgames as ig
from irgames import testing
from irgames.games.regret import regret
from irgames.solvers.vertex_enumeration import (
    polytope_vertices,
    vertex_enumeration,
    vertex_enumeration_floats,
)
from irgames.testing import generic_bimatrix, integer_bimatrix

TOL = 1e-9


#: relative regret <= 1e-9 in the game's payoff scale (as before); supports are best responses
assert_equilibria = partial(testing.assert_equilibria, tol=TOL, support=True, unit="game")


@given(generic_bimatrix())
def test_generic_games_equilibria_have_zero_regret_and_odd_count(game):
    eq = vertex_enumeration(game)
    assert_equilibria(game, eq)
    assert not eq.degenerate
    assert len(eq) % 2 == 1
    assert eq.complete
    # Nondegenerate: every equilibrium is isolated (its own component and clique).
    assert len(set(eq.component.tolist())) == len(eq)
    assert np.all(eq.options["isolated"])


@given(integer_bimatrix())
def test_integer_games_every_row_is_an_equilibrium(game):
    eq = vertex_enumeration(game)
    assert_equilibria(game, eq)
    assert len(eq) >= 1


@given(integer_bimatrix(max_actions=3))
def test_same_extreme_equilibria_as_pygambit_on_degenerate_games(game):
    # Against pygambit's *rational* enummixed: its float version misses extreme equilibria of
    # some degenerate games (see the regression test below).
    eq = vertex_enumeration(game)
    assert same_profile_sets(eq.profiles(), gambit_profiles(game, rational=True))


@given(integer_bimatrix(max_actions=3))
def test_cliques_are_maximal_nash_subsets(game):
    eq = vertex_enumeration(game)
    cliques = eq.options["cliques"]
    listed = {r for c in cliques for r in c.rows}
    # Rows outside the listed cliques are exactly the isolated equilibria.
    isolated = eq.options["isolated"]
    assert listed == set(np.flatnonzero(~isolated).tolist())
    for c in cliques:
        assert len(c.rows) == len(c.player1) * len(c.player2)
        assert set(eq.component[list(c.rows)].tolist()) == {c.component}
        # Any mixture of the clique's extreme strategies is an equilibrium: test the barycentre.
        x = np.mean(np.array(c.player1), axis=0)
        y = np.mean(np.array(c.player2), axis=0)
        assert regret(game, (x, y)).max() <= TOL * float(game.payoff_scale)
    # Rows in one component share a strategy with another row of it (connectivity), unless alone.
    for label in set(eq.component.tolist()):
        rows = np.flatnonzero(eq.component == label)
        if rows.size > 1:
            for r in rows:
                others = rows[rows != r]
                shares = [
                    np.allclose(eq.strategies[0][r], eq.strategies[0][o], atol=1e-9)
                    or np.allclose(eq.strategies[1][r], eq.strategies[1][o], atol=1e-9)
                    for o in others
                ]
                assert any(shares)


@given(generic_bimatrix(max_actions=4), st.data())
def test_invariant_under_affine_transformations_and_relabelling(game, data):
    m, n = game.num_actions
    eq = vertex_enumeration(game)
    a = data.draw(st.floats(0.01, 100.0))
    c = data.draw(st.floats(0.01, 100.0))
    b = data.draw(st.floats(-100.0, 100.0))
    d = data.draw(st.floats(-100.0, 100.0))
    rows = np.array(data.draw(st.permutations(range(m))))
    cols = np.array(data.draw(st.permutations(range(n))))
    A, B = game.player_payoffs(0), game.player_payoffs(1)
    transformed = ig.NormalFormGame.bimatrix(
        (a * A + b)[np.ix_(rows, cols)], (c * B + d)[np.ix_(rows, cols)]
    )
    other = vertex_enumeration(transformed)
    # Action k of the transformed game is action rows[k] of the original.
    expected = [(x[rows], y[cols]) for x, y in eq.profiles()]
    assert same_profile_sets(other.profiles(), expected, atol=1e-6)


@given(integer_bimatrix(max_actions=3), st.data())
def test_degenerate_games_invariant_under_relabelling(game, data):
    m, n = game.num_actions
    rows = np.array(data.draw(st.permutations(range(m))))
    cols = np.array(data.draw(st.permutations(range(n))))
    A, B = game.player_payoffs(0), game.player_payoffs(1)
    permuted = ig.NormalFormGame.bimatrix(A[np.ix_(rows, cols)], B[np.ix_(rows, cols)])
    eq, other = vertex_enumeration(game), vertex_enumeration(permuted)
    expected = [(x[rows], y[cols]) for x, y in eq.profiles()]
    assert same_profile_sets(other.profiles(), expected)
    assert bool(eq.degenerate) == bool(other.degenerate)
    assert len(set(eq.component.tolist())) == len(set(other.component.tolist()))


@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4))
def test_batched_result_equals_per_game_results(seed, m, n):
    rng = np.random.default_rng(seed)
    # Mix generic games with integer games (degenerate ones included) in one batch.
    A = np.concatenate([rng.normal(size=(3, m, n)), rng.integers(-1, 2, size=(3, m, n))])
    B = np.concatenate([rng.normal(size=(3, m, n)), rng.integers(-1, 2, size=(3, m, n))])
    batch = ig.NormalFormGame.bimatrix(A.reshape(2, 3, m, n), B.reshape(2, 3, m, n))
    eq = vertex_enumeration(batch, memory_floats=600)  # tiny chunks: exercises chunking
    assert eq.batch_shape == (2, 3)
    for flat_index in range(6):
        position = np.unravel_index(flat_index, (2, 3))
        single = vertex_enumeration(batch[position])
        mine = eq.for_game(flat_index)
        assert same_profile_sets(mine.profiles(), single.profiles())
        assert bool(eq.degenerate[position]) == bool(single.degenerate)
        assert len(set(mine.component.tolist())) == len(set(single.component.tolist()))


@given(generic_bimatrix(max_actions=4, min_actions=2))
def test_finds_every_equilibrium_nashpy_finds_on_nondegenerate_games(game):
    nash = pytest.importorskip("nashpy")
    # nashpy's vertex enumeration needs positive payoffs (its polytopes are not shifted) and
    # two actions per player (qhull); shifting each player's payoffs changes no equilibrium.
    A, B = game.player_payoffs(0), game.player_payoffs(1)
    A, B = 1 + (A - A.min()) / np.ptp(A), 1 + (B - B.min()) / np.ptp(B)
    theirs = list(nash.Game(A, B).vertex_enumeration())
    assert_covers_nashpy(game, vertex_enumeration(game).profiles(), theirs)


def test_polytope_vertices_of_a_square():
    # {z >= 0, z_1 <= 1, z_2 <= 1}: vertices (1, 0), (0, 1), (1, 1).
    C = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    game, z, zero, tight = polytope_vertices(C)
    found = sorted(zip(map(tuple, z.tolist()), zero.tolist(), tight.tolist(), strict=True))
    # (z, bits of zero coordinates, bits of tight constraints)
    assert found == [((0.0, 1.0), 0b01, 0b10), ((1.0, 0.0), 0b10, 0b01), ((1.0, 1.0), 0, 0b11)]
    assert np.all(game == 0)


def test_constant_game_every_pure_pair_is_extreme_and_one_component():
    game = ig.NormalFormGame.bimatrix(np.zeros((2, 3)), np.ones((2, 3)))
    eq = vertex_enumeration(game)
    assert len(eq) == 6
    assert bool(eq.degenerate)
    assert set(eq.component.tolist()) == {0}
    (clique,) = eq.options["cliques"]
    assert len(clique.player1) == 2 and len(clique.player2) == 3


def test_one_action_players():
    game = ig.NormalFormGame.bimatrix([[1.0, 3.0, 2.0]], [[0.0, 2.0, 1.0]])
    eq = vertex_enumeration(game)
    assert len(eq) == 1
    np.testing.assert_allclose(eq.strategies[1][0], [0, 1, 0])


def test_extreme_equilibrium_that_pygambit_float_enummixed_misses():
    # Found by hypothesis: pygambit 16.7.0's enummixed_solve(rational=False) returns 4
    # equilibria, missing ((1/2, 1/2), (0, 0, 1)); its rational version returns all 5. Against
    # x = (1/2, 1/2) the column player is indifferent among all three columns, and against the
    # third column the row player is indifferent: a completely labelled vertex pair.
    A = [[0, 0, -2], [0, 0, -2]]
    B = [[2, 1, -2], [-2, -1, 2]]
    game = ig.NormalFormGame.bimatrix(A, B)
    eq = vertex_enumeration(game)
    assert_equilibria(game, eq)
    assert len(eq) == 5
    assert any(
        np.allclose(x, [0.5, 0.5], atol=1e-12) and np.allclose(y, [0, 0, 1], atol=1e-12)
        for x, y in eq.profiles()
    )
    assert same_profile_sets(eq.profiles(), gambit_profiles(game, rational=True))
    # All five are connected through x = (1/2, 1/2): one component made of three maximal
    # Nash subsets, {(1/2,1/2), (1,0)} x {e1}, {(1/2,1/2), (0,1)} x {e3}, {(1/2,1/2)} x {e1,e2,e3}.
    assert len(set(eq.component.tolist())) == 1
    assert sorted((len(c.player1), len(c.player2)) for c in eq.options["cliques"]) == [
        (1, 3),
        (2, 1),
        (2, 1),
    ]


# --------------------------------------------------------------------------- nashpy issues
def test_nashpy_issue_82_all_eight_equilibria():
    # drvinceknight/Nashpy#82: players minimise costs A, B; nashpy's support enumeration on
    # (-A, -B) finds 5 of the 8 extreme equilibria.
    A = np.array([[0, 0, 6, 0, 0], [0, 0, 3, 2, 1], [4, 3, 0, 0, 1]])
    B = np.array([[3, 0, 2, 1, 0], [0, 2, 0, 0, 4], [4, 0, 2, 4, 4]])
    game = ig.NormalFormGame.bimatrix(-A, -B)
    eq = vertex_enumeration(game)
    assert_equilibria(game, eq)
    assert len(eq) == 8
    assert same_profile_sets(eq.profiles(), gambit_profiles(game, rational=True))
    expected = [
        ([1 / 3, 1 / 2, 1 / 6], [0, 4 / 9, 2 / 9, 1 / 3, 0]),
        ([0, 1, 0], [3 / 8, 0, 1 / 4, 3 / 8, 0]),
        ([0, 1, 0], [3 / 7, 0, 4 / 7, 0, 0]),
    ]
    for x, y in expected:
        assert any(
            np.allclose(p[0], x, atol=1e-9) and np.allclose(p[1], y, atol=1e-9)
            for p in eq.profiles()
        )


def test_nashpy_issue_222_endpoints_of_the_continuum():
    # drvinceknight/Nashpy#222: (p, 1 - p) against the first column is an equilibrium for
    # p in [0, 2/7]; both endpoints are extreme and they form one component.
    game = ig.NormalFormGame.bimatrix([[-3, 3], [-3, 5]], [[2, 7], [4, 2]])
    eq = vertex_enumeration(game)
    assert_equilibria(game, eq)
    assert bool(eq.degenerate)
    xs = sorted(float(x[0]) for x, y in eq.profiles())
    np.testing.assert_allclose(xs, [0.0, 2 / 7], atol=1e-12)
    assert len(set(eq.component.tolist())) == 1


def test_nashpy_issue_231_symmetric_zero_sum_game():
    # drvinceknight/Nashpy#231: nashpy's support enumeration returns nothing (degenerate game).
    A = np.array(
        [
            [0, -1, -1, -1, 1, -1],
            [1, 0, 1, -1, -1, -1],
            [1, -1, 0, -1, -1, 1],
            [1, 1, 1, 0, -1, -1],
            [-1, 1, 1, 1, 0, -1],
            [1, 1, -1, 1, 1, 0],
        ]
    )
    game = ig.NormalFormGame.zero_sum(A)
    eq = vertex_enumeration(game)
    assert_equilibria(game, eq)
    assert bool(eq.degenerate)
    target = np.array([0, 0, 1, 0, 1, 1]) / 3
    assert any(np.allclose(x, target, atol=1e-9) for x, _ in eq.profiles())
    assert same_profile_sets(eq.profiles(), gambit_profiles(game, rational=True))
    # Zero-sum: every equilibrium gives the row player the value 0 (the game is symmetric).
    np.testing.assert_allclose(eq.payoffs[:, 0], 0.0, atol=1e-12)


# --------------------------------------------------------------------------- bad input
def test_rejects_games_that_are_not_two_player():
    three = ig.NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    with pytest.raises(ig.errors.SolverError, match="two-player"):
        vertex_enumeration(three)
    with pytest.raises(ig.errors.SolverError, match="NormalFormGame"):
        vertex_enumeration(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("tol", [0.0, -1e-9, float("nan"), 0.5])
def test_rejects_bad_tolerances(tol):
    game = ig.NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="tol"):
        vertex_enumeration(game, tol=tol)


def test_games_too_large_for_the_memory_bound_get_a_clear_error():
    game = ig.NormalFormGame.bimatrix(np.eye(6), np.eye(6))
    with pytest.raises(ig.errors.SolverError, match="memory_floats >= "):
        vertex_enumeration(game, memory_floats=1000, vertices="label_sets")


def test_size_is_checked_before_any_table_is_built():
    # A 9x27 game needs 94 million linear systems per polytope: the solver must say so at
    # once, from binomial coefficients, instead of building index tables for minutes.
    from irgames.solvers.vertex_enumeration import _MinorPlan

    game = ig.NormalFormGame.bimatrix(*np.random.default_rng(0).normal(size=(2, 9, 27)))
    with pytest.raises(ig.errors.SolverError, match="94,143,280 linear systems"):
        vertex_enumeration(game, vertices="label_sets")
    assert (27, 10) not in _MinorPlan._cache and (9, 28) not in _MinorPlan._cache
    # the size is available before calling, and it decides whether the call goes ahead
    need = vertex_enumeration_floats((4, 5))
    small = ig.NormalFormGame.bimatrix(*np.random.default_rng(1).normal(size=(2, 4, 5)))
    ls = "label_sets"  # memory_floats bounds the label-set enumeration
    assert vertex_enumeration(small, memory_floats=need, vertices=ls).max_relative_regret <= TOL
    with pytest.raises(ig.errors.SolverError, match="memory_floats >= "):
        vertex_enumeration(small, memory_floats=need - 1, vertices=ls)
    assert vertex_enumeration_floats((9, 27)) > 8_000_000


def test_bcp2_reduced_normal_form_gets_a_clear_error(gambit_corpus):
    # Gambit's contrib/games/bcp2.efg reduces to a 9x27 game; it used to hang.
    from irgames.games.reduced_form import reduced_normal_form
    from irgames.io.efg import read_efg

    path = gambit_corpus / "contrib" / "games" / "bcp2.efg"
    if not path.exists():
        pytest.skip(f"{path} not found")
    game = reduced_normal_form(read_efg(path)).game
    assert game.num_actions == (9, 27)
    with pytest.raises(ig.errors.SolverError, match="memory_floats >= "):
        vertex_enumeration(game, vertices="label_sets")
