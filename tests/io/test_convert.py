"""Round trips between NormalFormGame, nashpy and pygambit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from irgames.games.normal_form import GameValueError, NormalFormGame
from irgames.games.regret import regret
from irgames.io.convert import from_nashpy, from_pygambit, to_nashpy, to_pygambit
from irgames.io.nfg import load_nfg

nashpy = pytest.importorskip("nashpy")

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def games(draw, min_players=1, max_players=3):
    n = draw(st.integers(min_players, max_players))
    actions = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    payoffs = draw(hnp.arrays(float, (n, *actions), elements=finite))
    return NormalFormGame(payoffs, n_players=n)


@given(game=games(2, 2))
def test_nashpy_round_trip(game):
    theirs = to_nashpy(game)
    A, B = theirs.payoff_matrices
    assert np.array_equal(A, game.payoffs[0]) and np.array_equal(B, game.payoffs[1])
    assert np.array_equal(from_nashpy(theirs).payoffs, game.payoffs)


def test_nashpy_equilibrium_has_zero_regret_in_our_game():
    game = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    for profile in to_nashpy(game).support_enumeration():
        assert regret(game, profile).max() <= 1e-12 * game.payoff_scale


def test_from_nashpy_zero_sum():
    game = from_nashpy(nashpy.Game(np.array([[1.0, -1.0], [-1.0, 1.0]])))
    np.testing.assert_array_equal(game.payoffs[1], -game.payoffs[0])


def test_nashpy_needs_one_two_player_game():
    batch = NormalFormGame.zero_sum(np.zeros((4, 2, 2)))
    with pytest.raises(GameValueError, match="one game"):
        to_nashpy(batch)
    three = NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    with pytest.raises(GameValueError, match="two players"):
        to_nashpy(three)
    with pytest.raises(TypeError, match="nashpy"):
        from_nashpy(np.zeros((2, 2)))


@given(game=games())
def test_pygambit_round_trip_is_exact(game):
    pytest.importorskip("pygambit")
    theirs = to_pygambit(game)
    assert len(theirs.players) == game.n_players
    assert tuple(len(p.strategies) for p in theirs.players) == game.num_actions
    assert np.array_equal(from_pygambit(theirs).payoffs, game.payoffs)


def test_pygambit_labels_and_profiles():
    pytest.importorskip("pygambit")
    game = NormalFormGame(np.arange(24.0).reshape(3, 2, 2, 2) / 7, n_players=3)
    names = [["a", "b"], ["c", "d"], ["e", "f"]]
    theirs = to_pygambit(game, title="three", players=["X", "Y", "Z"], strategies=names)
    assert theirs.title == "three"
    assert [p.label for p in theirs.players] == ["X", "Y", "Z"]
    assert [[s.label for s in p.strategies] for p in theirs.players] == names
    # payoff of one profile, read through pygambit's own profile lookup
    profile = [list(p.strategies)[k] for p, k in zip(theirs.players, (1, 0, 1), strict=True)]
    outcome = theirs[profile]
    for i, player in enumerate(theirs.players):
        assert float(outcome[player]) == game.payoffs[i, 1, 0, 1]


def test_pygambit_bad_input():
    pytest.importorskip("pygambit")
    game = NormalFormGame.zero_sum(np.eye(2))
    with pytest.raises(GameValueError, match="one game"):
        to_pygambit(NormalFormGame.zero_sum(np.zeros((2, 2, 2))))
    with pytest.raises(GameValueError, match="player names"):
        to_pygambit(game, players=["one"])
    with pytest.raises(GameValueError, match="strategy names"):
        to_pygambit(game, strategies=[["a"], ["b", "c"]])
    with pytest.raises(TypeError, match="pygambit"):
        from_pygambit(game)


def test_from_pygambit_agrees_with_nfg_reader(gambit_corpus):
    pygambit = pytest.importorskip("pygambit")
    for path in sorted(gambit_corpus.rglob("*.nfg")):
        ours = load_nfg(path).game
        theirs = from_pygambit(pygambit.read_nfg(str(path)))
        assert np.array_equal(ours.payoffs, theirs.payoffs), path


def test_from_pygambit_tree_gives_strategic_form(gambit_corpus):
    pygambit = pytest.importorskip("pygambit")
    path = next(iter(sorted(gambit_corpus.rglob("*.efg"))), None)
    if path is None:
        pytest.skip("no .efg file in the corpus")
    tree = pygambit.read_efg(str(path))
    game = from_pygambit(tree)
    assert game.n_players == len(tree.players)
    assert game.num_actions == tuple(len(p.strategies) for p in tree.players)
