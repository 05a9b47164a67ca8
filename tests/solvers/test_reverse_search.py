"""Vertex enumeration by lexicographic pivoting equals the label-set enumeration.

``vertices="reverse_search"`` (:mod:`irgames.solvers.reverse_search`) and
``vertices="label_sets"`` must give the same vertices of both best-response polytopes (same
label sets, in the same order, coordinates within 1e-12) and so the same equilibria, degenerate
flags, components and maximal Nash subsets: on every two-player game of Gambit's catalog, on
hypothesis-generated degenerate games (small integer payoffs), and against pygambit's rational
``enummixed`` on a subsample. Every row is checked by the independent regret. The numba kernel
and the numpy reference are checked against each other.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from twoplayer_strategies import gambit_profiles, same_profile_sets

import irgames as ig
from irgames.errors import GameValueError, WorkTooLargeError
from irgames.io.nfg import read_nfg
from irgames.solvers.reverse_search import (
    prefers_reverse_search,
    reverse_search_vertices,
    search_bases,
)
from irgames.solvers.vertex_enumeration import (
    normalised_bimatrix,
    polytope_vertices,
    vertex_enumeration,
)

KERNELS = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])


def _polytopes(game):
    A, B = normalised_bimatrix(game)
    return np.swapaxes(B, -1, -2), A


def assert_same_vertices(old, new):
    g0, z0, zero0, tight0 = old
    g1, z1, zero1, tight1 = new
    assert g0.tolist() == g1.tolist()
    assert zero0.tolist() == zero1.tolist()
    assert tight0.tolist() == tight1.tolist()
    np.testing.assert_allclose(z1, z0, rtol=0, atol=1e-12)


def assert_same_result(old, new):
    assert new.game_index.tolist() == old.game_index.tolist()
    for a, b in zip(old.strategies, new.strategies, strict=True):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)
    assert np.array_equal(new.degenerate, old.degenerate)
    assert new.count.tolist() == old.count.tolist()
    assert new.component.tolist() == old.component.tolist()
    assert new.options["isolated"].tolist() == old.options["isolated"].tolist()
    for a, b in zip(old.options["vertices"], new.options["vertices"], strict=True):
        assert np.array_equal(a, b)
    assert [(c.game, c.component, c.rows) for c in new.options["cliques"]] == [
        (c.game, c.component, c.rows) for c in old.options["cliques"]
    ]
    if len(new):
        assert float(np.max(new.relative_regret)) <= 1e-9


def _two_player_corpus(root):
    for path in sorted(root.rglob("*.nfg")):
        game = read_nfg(path)
        if game.n_players == 2:
            yield str(path.relative_to(root)), game


def test_corpus_reverse_search_equals_label_sets(gambit_corpus):
    checked = 0
    for name, game in _two_player_corpus(gambit_corpus):
        old = vertex_enumeration(game, vertices="label_sets")
        for kernel in KERNELS:
            for C in _polytopes(game):
                assert_same_vertices(
                    polytope_vertices(C), reverse_search_vertices(C, kernel=kernel)
                )
        new = vertex_enumeration(game, vertices="reverse_search")
        assert new.options["vertex_method"] == "reverse_search", name
        assert_same_result(old, new)
        checked += 1
    assert checked >= 30


@st.composite
def integer_games(draw, max_actions=5, max_batch=4):
    m = draw(st.integers(1, max_actions))
    n = draw(st.integers(1, max_actions))
    batch = draw(st.integers(1, max_batch))
    low = draw(st.integers(-3, 0))
    high = draw(st.integers(low + 1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    P = np.random.default_rng(seed).integers(low, high + 1, size=(batch, 2, m, n))
    return ig.NormalFormGame(P.astype(float), n_players=2)


@given(integer_games())
def test_degenerate_integer_games_equal_label_sets(game):
    for kernel in KERNELS:
        for C in _polytopes(game):
            assert_same_vertices(polytope_vertices(C), reverse_search_vertices(C, kernel=kernel))
    assert_same_result(
        vertex_enumeration(game, vertices="label_sets"),
        vertex_enumeration(game, vertices="reverse_search"),
    )


def test_random_games_at_size_equal_label_sets():
    P = np.random.default_rng(24).standard_normal((20, 2, 7, 7))
    game = ig.NormalFormGame(P, n_players=2)
    old = vertex_enumeration(game, vertices="label_sets")
    new = vertex_enumeration(game, vertices="reverse_search")
    assert_same_result(old, new)
    assert np.all(new.count % 2 == 1)  # nondegenerate: an odd number of equilibria


def test_pygambit_rational_subsample():
    pytest.importorskip("pygambit")
    rng = np.random.default_rng(7)
    failures = []
    for size, payoffs in [((4, 4), (-2, 3)), ((5, 4), (-1, 2)), ((6, 6), (-3, 4))]:
        for _ in range(6):
            P = rng.integers(*payoffs, size=(2, *size)).astype(float)
            game = ig.NormalFormGame(P, n_players=2)
            eq = vertex_enumeration(game, vertices="reverse_search")
            assert eq.max_relative_regret <= 1e-9
            theirs = gambit_profiles(game, rational=True)
            if not same_profile_sets(eq.profiles(), theirs):
                failures.append(f"{size}: {len(eq)} vs pygambit {len(theirs)}\n{P.tolist()}")
    assert not failures, "\n".join(failures)


def test_bases_of_a_degenerate_vertex_give_it_once():
    # three constraints through (1/3, 1/3): a degenerate vertex with several bases
    C = np.array([[[1.0, 2.0], [2.0, 1.0], [1.5, 1.5]]])
    game, _, _ = search_bases(C)
    assert len(game) > 4  # the origin, three vertices, and more than one basis of one
    for kernel in KERNELS:
        z = reverse_search_vertices(C, kernel=kernel)[1]
        assert len(z) == 3
        expected = np.array([[0.0, 0.5], [1 / 3, 1 / 3], [0.5, 0.0]])
        np.testing.assert_allclose(z[np.lexsort(z.T[::-1])], expected, rtol=0, atol=1e-12)


def test_kernels_agree_on_random_polytopes():
    if "numba" not in KERNELS:
        pytest.skip("numba is not installed")
    C = 1.0 + np.random.default_rng(3).random((50, 8, 6))
    assert_same_vertices(
        reverse_search_vertices(C, kernel="numpy"), reverse_search_vertices(C, kernel="numba")
    )


def test_auto_keeps_label_sets_and_reverse_search_is_chosen_by_name():
    small = ig.NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    assert vertex_enumeration(small).options["vertex_method"] == "label_sets"
    assert not prefers_reverse_search(2, 2) and prefers_reverse_search(12, 12)
    rng = np.random.default_rng(0)
    game = ig.NormalFormGame(rng.standard_normal((2, 2, 5, 5)), n_players=2)
    assert vertex_enumeration(game).options["vertex_method"] == "label_sets"
    named = vertex_enumeration(game, vertices="reverse_search")
    assert named.options["vertex_method"] == "reverse_search"


def test_bad_options():
    game = ig.NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="vertices must be"):
        vertex_enumeration(game, vertices="qhull")
    with pytest.raises(ValueError, match="kernel must be"):
        reverse_search_vertices(np.ones((1, 2, 2)), kernel="C")
    with pytest.raises(GameValueError, match="nonnegative"):
        reverse_search_vertices(-np.ones((1, 2, 2)))


def test_a_search_past_the_memory_limit_is_refused(monkeypatch):
    if "numba" not in KERNELS:
        pytest.skip("numba is not installed")
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "200K")  # about 300 bases of a 12x12 polytope
    C = 1.0 + np.random.default_rng(5).random((1, 12, 12))
    with pytest.raises(WorkTooLargeError, match="vertex search of game 0"):
        reverse_search_vertices(C, kernel="numba")
