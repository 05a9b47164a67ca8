"""Lemke-Howson: every output checked by the independent regret, against nashpy and against the
complete set of extreme equilibria (vertex enumeration, pygambit)."""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from irgames import testing
from irgames.errors import SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.solvers.lemke_howson import lemke_howson, lemke_howson_all_labels
from irgames.testing import bimatrix_batches

TOL = 1e-9


#: rows in the simplices, relative regret <= 1e-8 in the game's payoff scale (as before)
assert_equilibria = partial(testing.assert_equilibria, tol=1e-8, simplex_atol=1e-9, unit="game")


@given(bimatrix_batches(), st.data())
def test_every_label_finds_an_equilibrium_in_every_game(game, data):
    m, n = game.num_actions
    label = data.draw(st.integers(0, m + n - 1))
    eq = lemke_howson(game, initial_label=label)
    assert eq.options["converged"].all()
    assert np.array_equal(eq.count, np.ones(game.batch_shape, dtype=int))
    assert_equilibria(game, eq)
    assert not eq.complete


@given(bimatrix_batches(elements=st.integers(-2, 2)), st.data())
def test_degenerate_games_with_repeated_payoffs_terminate_with_an_equilibrium(game, data):
    """Small integer payoffs make ties everywhere; lexicographic pivoting cannot cycle."""
    m, n = game.num_actions
    labels = data.draw(arrays(np.int64, game.batch_shape, elements=st.integers(0, m + n - 1)))
    eq = lemke_howson(game, initial_label=labels)
    assert eq.options["converged"].all()
    assert_equilibria(game, eq)


def test_all_zero_and_constant_games():
    game = NormalFormGame(np.zeros((3, 2, 3, 4)), n_players=2)
    eq = lemke_howson_all_labels(game)
    assert_equilibria(game, eq)
    assert np.all(eq.count >= 1)


@given(bimatrix_batches(max_batch=3, max_actions=4), st.data())
def test_invariant_under_positive_affine_transformations(game, data):
    a = data.draw(st.floats(0.1, 10))
    b = data.draw(st.floats(-5, 5))
    m, n = game.num_actions
    label = data.draw(st.integers(0, m + n - 1))
    eq = lemke_howson(game, initial_label=label)
    transformed = NormalFormGame(a * game.payoffs + b, n_players=2)
    eq2 = lemke_howson(transformed, initial_label=label)
    assert_equilibria(transformed, eq2)
    nondegenerate = ~(eq.degenerate | eq2.degenerate)
    for g in np.flatnonzero(nondegenerate):
        for s, t in zip(eq.profiles(g)[0], eq2.profiles(g)[0], strict=True):
            assert np.allclose(s, t, atol=1e-7)


def test_batched_result_equals_game_by_game():
    rng = np.random.default_rng(3)
    game = NormalFormGame.bimatrix(rng.normal(size=(8, 4, 3)), rng.normal(size=(8, 4, 3)))
    labels = rng.integers(0, 7, size=8)
    eq = lemke_howson(game, initial_label=labels)
    for g in range(8):
        one = lemke_howson(game[g], initial_label=int(labels[g]))
        for s, t in zip(eq.profiles(g)[0], one.profiles(0)[0], strict=True):
            assert np.allclose(s, t, atol=1e-12)


def test_agrees_with_nashpy_for_each_label_on_nondegenerate_games():
    nash = pytest.importorskip("nashpy")
    rng = np.random.default_rng(11)
    A = rng.integers(-1000, 1000, size=(25, 4, 5))
    B = rng.integers(-1000, 1000, size=(25, 4, 5))
    game = NormalFormGame.bimatrix(A, B)
    compared = 0
    for label in range(9):
        eq = lemke_howson(game, initial_label=label)
        for g in range(25):
            if eq.degenerate[g]:
                continue  # a tie on the path: pivoting rules may legitimately differ
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x, y = nash.Game(A[g], B[g]).lemke_howson(initial_dropped_label=label)
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
                continue  # nashpy's integer pivoting failed; nothing to compare
            ours = eq.profiles(g)[0]
            assert np.allclose(ours[0], x, atol=1e-9) and np.allclose(ours[1], y, atol=1e-9)
            compared += 1
    assert compared >= 150


def test_found_equilibrium_is_among_vertex_enumerations():
    vertex = pytest.importorskip("irgames.solvers.vertex_enumeration")
    rng = np.random.default_rng(5)
    game = NormalFormGame.bimatrix(rng.normal(size=(40, 4, 4)), rng.normal(size=(40, 4, 4)))
    all_eq = vertex.vertex_enumeration(game)
    found = lemke_howson_all_labels(game)
    for g in range(40):
        extreme = np.concatenate(all_eq.for_game(g).strategies, axis=1)
        for row in np.concatenate(found.for_game(g).strategies, axis=1):
            assert np.abs(extreme - row).max(axis=1).min() <= 1e-7


def _read(path):
    try:
        from irgames.io.nfg import read_nfg
    except ImportError:  # pragma: no cover - the reader lands separately
        gbt = pytest.importorskip("pygambit")
        g = gbt.read_nfg(str(path))
        return NormalFormGame(np.array(g.to_arrays(), dtype=float), n_players=2)
    return read_nfg(path)


@pytest.mark.parametrize("name", ["sh3.nfg", "todd2.nfg"])
def test_some_equilibria_lie_on_no_lemke_howson_path(gambit_corpus, name):
    """In these games LH from every label misses equilibria that vertex enumeration finds."""
    gbt = pytest.importorskip("pygambit")
    path = gambit_corpus / "contrib" / "games" / name
    if not path.exists():
        pytest.skip(f"{path} not in the corpus")
    game = _read(path)
    found = lemke_howson_all_labels(game)
    assert_equilibria(game, found)
    reference = gbt.nash.enummixed_solve(gbt.read_nfg(str(path)), rational=False).equilibria
    extreme = np.array(
        [[float(p[s]) for player in p.game.players for s in player.strategies] for p in reference]
    )
    ours = np.concatenate(found.strategies, axis=1)
    # Everything LH finds is an extreme equilibrium ...
    for row in ours:
        assert np.abs(extreme - row).max(axis=1).min() <= 1e-7
    # ... but not every extreme equilibrium is found.
    reached = [np.abs(ours - e).max(axis=1).min() <= 1e-7 for e in extreme]
    assert not all(reached)
    assert 1 <= len(found) < len(extreme)


def test_bad_input():
    three = NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    with pytest.raises(SolverError, match="two-player"):
        lemke_howson(three)
    game = NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(SolverError, match="initial_label"):
        lemke_howson(game, initial_label=4)
    with pytest.raises(SolverError, match="integer"):
        lemke_howson(game, initial_label=0.5)


def test_pivot_cap_reports_non_convergence():
    rng = np.random.default_rng(2)
    game = NormalFormGame.bimatrix(rng.normal(size=(20, 6, 6)), rng.normal(size=(20, 6, 6)))
    eq = lemke_howson(game, max_pivots=1)
    # One pivot reaches an equilibrium only if it is a pure one found immediately; the rest
    # must be reported as not converged, and no row may be returned for them.
    converged = eq.options["converged"]
    assert not converged.all()
    assert np.array_equal(eq.count, converged.astype(int))
    assert_equilibria(game, eq)


def test_paths_do_not_depend_on_the_rest_of_the_batch():
    """Compaction of finished games and the split by the side of the label change nothing.

    A batch mixes long and short paths, degenerate and nondegenerate games and labels of both
    players; each game solved alone must give the same equilibrium, pivot count and degeneracy
    flag, bit for bit (the arithmetic of one game's path is the same in any batch).
    """
    rng = np.random.default_rng(7)
    m, n, G = 7, 6, 60
    payoffs = rng.normal(size=(G, 2, m, n))
    payoffs[::3] = rng.integers(-2, 3, size=payoffs[::3].shape)  # ties on many paths
    game = NormalFormGame(payoffs, n_players=2)
    labels = rng.integers(0, m + n, size=G)
    for cap in (None, 3):
        eq = lemke_howson(game, initial_label=labels, max_pivots=cap)
        assert eq.degenerate.any() and not eq.degenerate.all()
        for g in range(G):
            one = lemke_howson(game[g], initial_label=int(labels[g]), max_pivots=cap)
            assert one.options["pivots"] == eq.options["pivots"][g]
            assert one.options["converged"] == eq.options["converged"][g]
            assert one.degenerate == eq.degenerate[g]
            if eq.options["converged"][g]:
                for s, t in zip(eq.profiles(g)[0], one.profiles(0)[0], strict=True):
                    assert np.array_equal(s, t)
    assert_equilibria(game, eq)
