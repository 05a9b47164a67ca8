"""N-player equilibria: enumeration by polynomial systems and the logit homotopy, checked by
the independent regret and against pygambit's enumpoly on the corpus."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from irgames import testing
from irgames.errors import SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.solvers.n_player import (
    logit_homotopy,
    polynomial_support_enumeration,
    support_profiles,
)

REL = 1e-9


#: rows in the simplices, relative regret <= 1e-9 in the game's payoff scale (as before)
assert_equilibria = partial(testing.assert_equilibria, tol=REL, unit="game")


def stacked(eq, game_index=None):
    chosen = eq if game_index is None else eq.for_game(game_index)
    return np.concatenate(chosen.strategies, axis=1)


def covers(ours: np.ndarray, theirs: np.ndarray, atol: float = 1e-6) -> bool:
    return all(np.abs(ours - row).max(axis=1).min() <= atol for row in theirs)


def test_support_profiles_are_all_nonempty_subsets():
    profiles = support_profiles((2, 3, 1))
    assert len(profiles) == 3 * 7 * 1
    assert len(set(profiles)) == len(profiles)
    assert all(all(len(s) >= 1 for s in p) for p in profiles)


def three_player_batch(seed: int, size: int = 4) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    return NormalFormGame(rng.integers(-20, 21, size=(size, 3, 2, 2, 2)), n_players=3)


def test_random_three_player_games_regret_and_pure_equilibria():
    game = three_player_batch(0)
    eq = polynomial_support_enumeration(game)
    assert_equilibria(game, eq)
    assert eq.count.min() >= 1  # every finite game has an equilibrium
    # Every pure equilibrium (checked here by brute force) is among the rows.
    for g in range(game.batch_size):
        ours = stacked(eq, g)
        for profile in np.ndindex(2, 2, 2):
            pure = [np.eye(2)[a] for a in profile]
            r = regret(game[g], pure).max()
            if r <= 0:
                assert covers(ours, np.concatenate(pure)[None, :])


def test_generic_games_have_an_odd_number_of_equilibria():
    rng = np.random.default_rng(4)
    game = NormalFormGame(rng.normal(size=(3, 3, 2, 2, 2)), n_players=3)
    eq = polynomial_support_enumeration(game)
    assert_equilibria(game, eq)
    assert eq.complete
    assert np.all(eq.count % 2 == 1)


def test_invariant_under_affine_transformations_and_relabelling():
    game = three_player_batch(1, size=2)
    eq = polynomial_support_enumeration(game)
    scaled = NormalFormGame(3.0 * game.payoffs - 7.0, n_players=3)
    eq2 = polynomial_support_enumeration(scaled)
    # Swap the two actions of player 1 (axis of player 1 in the payoff tensor).
    swapped = NormalFormGame(game.payoffs[:, :, :, ::-1, :], n_players=3)
    eq3 = polynomial_support_enumeration(swapped)
    for g in range(2):
        a, b, c = stacked(eq, g), stacked(eq2, g), stacked(eq3, g)
        c = c[:, [0, 1, 3, 2, 4, 5]]
        assert len(a) == len(b) == len(c)
        assert covers(a, b) and covers(b, a) and covers(a, c) and covers(c, a)


def test_continuum_is_flagged_not_isolated():
    """Player 0 is indifferent everywhere: her mixtures form continua of equilibria."""
    rng = np.random.default_rng(2)
    payoffs = rng.integers(-5, 6, size=(3, 2, 2, 2)).astype(float)
    payoffs[0] = 0.0
    game = NormalFormGame(payoffs, n_players=3)
    eq = polynomial_support_enumeration(game)
    assert_equilibria(game, eq)
    assert not eq.complete
    assert bool(eq.degenerate)
    assert eq.options["non_isolated"]


def test_two_player_games_agree_with_vertex_enumeration_on_generic_games():
    vertex = pytest.importorskip("irgames.solvers.vertex_enumeration")
    rng = np.random.default_rng(7)
    game = NormalFormGame.bimatrix(rng.normal(size=(3, 3, 2)), rng.normal(size=(3, 3, 2)))
    ours = polynomial_support_enumeration(game)
    reference = vertex.vertex_enumeration(game)
    for g in range(3):
        a, b = stacked(ours, g), stacked(reference, g)
        assert len(a) == len(b) and covers(a, b)


def test_bad_input():
    big = NormalFormGame(np.zeros((3, 6, 6, 6)), n_players=3)
    with pytest.raises(SolverError, match="support profiles"):
        polynomial_support_enumeration(big)
    small = NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    with pytest.raises(ValueError, match="tol"):
        polynomial_support_enumeration(small, tol=0)
    with pytest.raises(ValueError, match="lambdas"):
        logit_homotopy(small, lambdas=[10.0, 1.0])
    with pytest.raises(SolverError):
        polynomial_support_enumeration(np.zeros((3, 2, 2, 2)))


def test_bounded_work_is_reported_as_incomplete():
    """With max_unknowns the skipped supports are listed and completeness is not claimed; what
    is returned is still a set of equilibria, and a subset of the full enumeration."""
    rng = np.random.default_rng(4)
    game = NormalFormGame(rng.normal(size=(3, 3, 2, 2, 2)), n_players=3)
    full = polynomial_support_enumeration(game)
    bounded = polynomial_support_enumeration(game, max_unknowns=1)
    assert_equilibria(game, bounded)
    assert bounded.options["skipped"]
    assert not bounded.complete
    for g in range(3):
        assert covers(stacked(full, g), stacked(bounded, g))
    assert len(bounded) < len(full)


# ---------------------------------------------------------------------------- homotopy
@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (4, 2, 2, 2, 2), (3, 4, 3, 2)])
def test_logit_homotopy_finds_an_equilibrium_of_random_games(shape):
    rng = np.random.default_rng(sum(shape))
    game = NormalFormGame(rng.normal(size=(10, *shape)), n_players=shape[0])
    eq = logit_homotopy(game)
    converged = eq.options["converged"]
    assert converged.all()
    assert np.array_equal(eq.count, np.ones(10, dtype=int))
    assert_equilibria(game, eq)
    assert not eq.complete


def test_logit_homotopy_is_among_the_enumerated_equilibria():
    game = three_player_batch(3)
    one = logit_homotopy(game)
    every = polynomial_support_enumeration(game)
    assert one.options["converged"].all()
    for g in range(game.batch_size):
        assert covers(stacked(every, g), stacked(one, g))


def test_logit_homotopy_reports_non_convergence_honestly():
    """With one low precision the branch point is not an equilibrium of a game whose only
    equilibrium is strict and pure far from the centroid ... unless the polish reaches it."""
    game = NormalFormGame(np.random.default_rng(9).normal(size=(20, 3, 3, 3, 3)), n_players=3)
    eq = logit_homotopy(game, lambdas=[1e-3])
    converged = eq.options["converged"]
    rel = eq.relative_regret
    assert np.all(rel[converged] <= REL)
    # A point reported as not converged is returned with its true (positive) regret.
    assert np.all(rel[~converged] > REL)


# ---------------------------------------------------------------------------- corpus
FAST = [
    "contrib/games/2x2x2.nfg",
    "contrib/games/g1.nfg",
    "catalog/journals/ijgt/nau2004/sec4.nfg",
    "catalog/journals/ijgt/nau2004/sec5.nfg",
]
SLOW = ["contrib/games/g3.nfg", "contrib/games/2x2x2x2.nfg", "contrib/games/8x2x2.nfg"]


def _enumpoly(path):
    gbt = pytest.importorskip("pygambit")
    g = gbt.read_nfg(str(path))
    result = gbt.nash.enumpoly_solve(g, stop_after=None)
    return np.array(
        [[float(e[s]) for p in g.players for s in p.strategies] for e in result.equilibria]
    )


def _check_corpus_game(gambit_corpus, name):
    from irgames.io.nfg import read_nfg

    path = gambit_corpus / name
    if not path.exists():
        pytest.skip(f"{path} not in the corpus")
    game = read_nfg(path)
    eq = polynomial_support_enumeration(game)
    assert_equilibria(game, eq)
    assert covers(stacked(eq), _enumpoly(path))


@pytest.mark.parametrize("name", FAST)
def test_covers_pygambit_enumpoly_on_the_corpus(gambit_corpus, name):
    _check_corpus_game(gambit_corpus, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_covers_pygambit_enumpoly_on_larger_games(gambit_corpus, name):
    _check_corpus_game(gambit_corpus, name)


@pytest.mark.parametrize(
    "name",
    [
        "contrib/games/3x3x3.nfg",
        "contrib/games/5x4x3.nfg",
        "contrib/games/8x2x2.nfg",
        "contrib/games/g2.nfg",
        "contrib/games/coord333.nfg",
        "contrib/games/perfect3.nfg",
        "catalog/journals/ijgt/nau2004/sec6.nfg",
    ],
)
def test_logit_homotopy_on_larger_corpus_games(gambit_corpus, name):
    from irgames.io.nfg import read_nfg

    path = gambit_corpus / name
    if not path.exists():
        pytest.skip(f"{path} not in the corpus")
    game = read_nfg(path)
    eq = logit_homotopy(game)
    assert bool(eq.options["converged"])
    assert_equilibria(game, eq)
