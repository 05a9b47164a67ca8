"""Pure Nash equilibria: the definition (brute force by regret), invariances, pygambit."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from irgames.errors import SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.io.nfg import read_nfg
from irgames.solvers.pure import best_response_masks, pure_equilibria

TOL = 1e-9


@st.composite
def game_batches(draw, max_players=3, integer=None):
    """Small batches of N-player games; small integer payoffs make many ties."""
    n = draw(st.integers(1, max_players))
    actions = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    if integer is None:
        integer = draw(st.booleans())
    elements = (
        st.integers(-3, 3).map(float)
        if integer
        # multiples of 1/64: the affine maps of the invariance test (scales 0.5-8, shifts -4
        # to 3) are exact on them, so no tie is made or broken by rounding (a range of 5e-324
        # vanished under a shift of -4 and made that test flaky)
        else st.integers(-6400, 6400).map(lambda k: k / 64)
    )
    payoffs = draw(hnp.arrays(float, (*batch, n, *actions), elements=elements))
    return NormalFormGame(payoffs, n_players=n)


def one_hot(profile, actions):
    return tuple(np.eye(a)[s] for s, a in zip(profile, actions, strict=True))


def brute_force(game: NormalFormGame) -> set[tuple[int, ...]]:
    """(flat game, profile...) of every pure profile whose regret is within tolerance."""
    flat = game.flatten()
    found = set()
    for g in range(flat.batch_size):
        single = NormalFormGame(flat.payoffs[g], n_players=game.n_players)
        slack = TOL * single.payoff_units  # relative to each player's own payoff range
        for profile in itertools.product(*[range(a) for a in game.num_actions]):
            r = regret(single, one_hot(profile, game.num_actions))
            if np.all(r <= slack):
                found.add((g, *profile))
    return found


def as_set(eq) -> set[tuple[int, ...]]:
    profiles = eq.options["profiles"]
    return {(int(g), *map(int, p)) for g, p in zip(eq.game_index, profiles, strict=True)}


@given(game=game_batches())
def test_pure_equilibria_are_exactly_the_zero_regret_profiles(game):
    eq = pure_equilibria(game, tol=TOL)
    assert as_set(eq) == brute_force(game)
    assert np.all(eq.player_regret <= TOL * eq.units)
    assert eq.count.shape == game.batch_shape
    # strategies are the pure profiles named in options["profiles"]
    for i, s in enumerate(eq.strategies):
        np.testing.assert_array_equal(s.argmax(axis=1), eq.options["profiles"][:, i])
        np.testing.assert_array_equal(s.sum(axis=1), 1.0)


@given(game=game_batches(), data=st.data())
def test_invariant_under_affine_transforms_and_relabelling(game, data):
    n = game.n_players
    scales = data.draw(st.lists(st.sampled_from([0.5, 2.0, 8.0]), min_size=n, max_size=n))
    shifts = data.draw(st.lists(st.sampled_from([-4.0, 0.0, 3.0]), min_size=n, max_size=n))
    perms = [data.draw(st.permutations(range(a))) for a in game.num_actions]
    payoffs = game.payoffs * np.reshape(scales, (n,) + (1,) * n) + np.reshape(
        shifts, (n,) + (1,) * n
    )
    k = len(game.batch_shape)
    for i, perm in enumerate(perms):
        payoffs = np.take(payoffs, perm, axis=k + 1 + i)
    transformed = NormalFormGame(payoffs, n_players=n)
    original = as_set(pure_equilibria(game))
    # profile s of the transformed game is profile perm[s] of the original
    mapped = {
        (g, *(int(perms[i][s]) for i, s in enumerate(profile)))
        for g, *profile in as_set(pure_equilibria(transformed))
    }
    assert mapped == original


@given(game=game_batches(integer=True))
def test_batch_equals_games_one_by_one(game):
    eq = pure_equilibria(game)
    flat = game.flatten()
    for g in range(flat.batch_size):
        single = pure_equilibria(NormalFormGame(flat.payoffs[g], n_players=game.n_players))
        assert {p[1:] for p in as_set(eq) if p[0] == g} == {p[1:] for p in as_set(single)}
        assert bool(single.degenerate) == bool(eq.degenerate.reshape(-1)[g])


def test_textbook_games():
    pd = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert as_set(pure_equilibria(pd)) == {(0, 1, 1)}
    pennies = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    assert len(pure_equilibria(pennies)) == 0
    chicken = NormalFormGame.bimatrix([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
    assert as_set(pure_equilibria(chicken)) == {(0, 0, 1), (0, 1, 0)}
    constant = NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    eq = pure_equilibria(constant)
    assert len(eq) == 8 and bool(eq.degenerate)


def test_tolerance_is_relative_to_payoff_scale():
    # a deviation gains 1e-6 of the range: an equilibrium at tol=1e-5, not at tol=1e-9
    for scale in (1.0, 1e6):
        game = NormalFormGame.bimatrix(
            np.array([[1.0, 0.0], [1.0 + 1e-6, 0.0]]) * scale, np.zeros((2, 2))
        )
        assert (0, 0, 0) in as_set(pure_equilibria(game, tol=1e-5))
        assert (0, 0, 0) not in as_set(pure_equilibria(game, tol=1e-9))


def test_best_response_masks():
    game = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    masks = best_response_masks(game)
    np.testing.assert_array_equal(masks[0], [[False, False], [True, True]])
    np.testing.assert_array_equal(masks[1], [[False, True], [False, True]])


def test_bad_input():
    game = NormalFormGame.zero_sum(np.eye(2))
    with pytest.raises(ValueError, match="tol"):
        pure_equilibria(game, tol=-1)
    with pytest.raises(ValueError, match="tol"):
        pure_equilibria(game, tol=float("nan"))
    with pytest.raises(SolverError, match="NormalFormGame"):
        pure_equilibria(np.eye(2))


def test_agrees_with_pygambit_enumpure(gambit_corpus):
    pygambit = pytest.importorskip("pygambit")
    for path in sorted(gambit_corpus.rglob("*.nfg")):
        game = read_nfg(path)
        theirs = pygambit.nash.enumpure_solve(pygambit.read_nfg(str(path))).equilibria
        expected = set()
        for profile in theirs:
            chosen = []
            for player in profile.game.players:
                probs = [float(profile[s]) for s in player.strategies]
                chosen.append(int(np.argmax(probs)))
            expected.add((0, *chosen))
        assert as_set(pure_equilibria(game)) == expected, path
