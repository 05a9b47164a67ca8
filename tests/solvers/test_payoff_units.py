"""Tolerances in each player's own payoff unit, in every normal-form solver (issue 16, point 1).

A tolerance on player i's payoffs is a fraction of s_i, the range of u_i
(``NormalFormGame.payoff_units``). Before, it was a fraction of the largest range of *any*
player, so a player whose payoffs were small next to the other's was read as indifferent and
solvers returned profiles that are not equilibria. The games below are the ones of the issue;
the property tests scale (and shift) one player's payoffs by factors in [1e-12, 1e12] and ask
every solver family for the same equilibria, with exact (rational) enumeration of the original
game as the oracle where it applies.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twoplayer_strategies import profile_set, same_profile_sets

import irgames as ig
from irgames.games.regret import relative_regret
from irgames.solvers.dominance import iterated_dominance
from irgames.solvers.exact import exact_equilibria
from irgames.solvers.front import solve
from irgames.solvers.lemke_howson import lemke_howson_all_labels
from irgames.solvers.n_player import polynomial_support_enumeration
from irgames.solvers.pure import pure_equilibria
from irgames.solvers.support_enumeration import support_enumeration
from irgames.solvers.two_by_two import two_by_two
from irgames.solvers.vertex_enumeration import vertex_enumeration

#: Largest relative regret (in each player's own unit) accepted for a row.
RTOL = 1e-9


def _issue_games() -> dict[str, ig.NormalFormGame]:
    # a generic 3x3 game with 7 equilibria; the column player's payoffs are 1e10 times larger
    A = np.array([[4, 0, 1], [1, 5, 0], [0, 1, 6]], dtype=float)
    B = np.array([[5, 1, 0], [0, 4, 1], [1, 0, 3]], dtype=float)
    return {
        "huge row payoffs": ig.NormalFormGame.bimatrix([[2**64 + 1, 5], [0, 1]], [[3, 0], [5, 1]]),
        "huge column payoff": ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[1e10, 0], [0, 1]]),
        "3x3, column x 1e10": ig.NormalFormGame.bimatrix(A, 1e10 * B),
    }


ISSUE_GAMES = _issue_games()


def _exact_profiles(game: ig.NormalFormGame):
    return exact_equilibria(game).profiles()


def _own_unit_regret(eq) -> np.ndarray:
    """Each row's regret per player divided by that player's unit, recomputed from the game."""
    return eq.player_regret / eq.units


def test_the_3x3_issue_game_is_generic_with_seven_equilibria():
    exact = exact_equilibria(ISSUE_GAMES["3x3, column x 1e10"])
    assert len(exact) == 7 and not bool(exact.degenerate)


@pytest.mark.parametrize("name", list(ISSUE_GAMES))
@pytest.mark.parametrize(
    "solver", [solve, vertex_enumeration, support_enumeration], ids=lambda f: f.__name__
)
def test_issue_games_give_exactly_the_certified_equilibria(name, solver):
    game = ISSUE_GAMES[name]
    exact = _exact_profiles(game)
    eq = solver(game)
    assert len(eq) == len(exact), (name, eq.profiles())
    assert same_profile_sets(eq.profiles(), exact)
    assert np.all(_own_unit_regret(eq) <= RTOL)


@pytest.mark.parametrize("name", list(ISSUE_GAMES))
def test_issue_games_lemke_howson_finds_a_subset_with_zero_regret(name):
    game = ISSUE_GAMES[name]
    exact = _exact_profiles(game)
    eq = lemke_howson_all_labels(game)
    assert len(eq) >= 1
    for profile in eq.profiles():
        assert any(same_profile_sets([profile], [p]) for p in exact)
    assert len(profile_set(eq.profiles())) == len(eq)  # no row twice
    assert np.all(_own_unit_regret(eq) <= RTOL)
    # each player's regret, recomputed here from the definition
    for x, y in eq.profiles():
        r = ig.regret(game, (x, y))
        assert np.all(r <= RTOL * game.payoff_units)


def test_relative_regret_is_judged_in_each_players_own_unit():
    # (row 0, column 1) in the first issue game: the column player loses 3 of a range of 5,
    # which the old unit (the row player's range, 1.8e19) called a regret of 1.6e-19
    game = ISSUE_GAMES["huge row payoffs"]
    profile = ([1.0, 0.0], [0.0, 1.0])
    eq = ig.Equilibria.from_profiles(
        game, [0], ([profile[0]], [profile[1]]), method="by hand", tol=0.0, complete=False
    )
    assert eq.relative_regret.tolist() == [pytest.approx(0.6)]
    assert float(relative_regret(game, profile)) == pytest.approx(0.6)
    np.testing.assert_array_equal(eq.units, [[2.0**64, 5.0]])
    np.testing.assert_array_equal(eq.player_regret, [[0.0, 3.0]])


# ------------------------------------------------------------------ scale invariance
factors = st.floats(-12.0, 12.0).map(lambda e: 10.0**e)
shifts = st.integers(-50, 50)


def _rescale(game: ig.NormalFormGame, player: int, factor: float, shift: int):
    """``game`` with player ``player``'s payoffs mapped to ``factor * (u + shift)``."""
    payoffs = np.array(game.payoffs)
    where = (Ellipsis, player) + (slice(None),) * game.n_players
    payoffs[where] = factor * (payoffs[where] + shift)
    return ig.NormalFormGame(payoffs, n_players=game.n_players)


@st.composite
def integer_games(draw, shape, low=-3, high=3):
    """A game with small integer payoffs of the given ``(n_players, a_1, ..., a_n)`` shape
    (ties, hence degeneracy, are common)."""
    values = st.integers(low, high)
    size = int(np.prod(shape))
    flat = draw(st.lists(values, min_size=size, max_size=size))
    return ig.NormalFormGame(np.array(flat, dtype=float).reshape(shape), n_players=shape[0])


@st.composite
def bimatrix_shapes(draw, max_actions=3):
    return (2, draw(st.integers(1, max_actions)), draw(st.integers(1, max_actions)))


@st.composite
def integer_bimatrix(draw, max_actions=3):
    return draw(integer_games(draw(bimatrix_shapes(max_actions))))


@st.composite
def rescaled(draw, games):
    game = draw(games)
    player = draw(st.integers(0, game.n_players - 1))
    return game, _rescale(game, player, draw(factors), draw(shifts))


def _assert_same_as_exact(eq, original):
    exact = _exact_profiles(original)
    assert len(eq) == len(exact)
    assert same_profile_sets(eq.profiles(), exact)
    assert np.all(_own_unit_regret(eq) <= RTOL)


@given(rescaled(integer_games((2, 2, 2))))
def test_two_by_two_is_invariant_to_one_players_scale(case):
    game, scaled = case
    eq = two_by_two(scaled)
    _assert_same_as_exact(eq, game)
    assert bool(eq.degenerate) == bool(two_by_two(game).degenerate)


@given(rescaled(integer_bimatrix()))
def test_vertex_enumeration_is_invariant_to_one_players_scale(case):
    game, scaled = case
    eq = vertex_enumeration(scaled)
    _assert_same_as_exact(eq, game)
    reference = vertex_enumeration(game)
    assert bool(eq.degenerate) == bool(reference.degenerate)
    assert eq.component.tolist() == reference.component.tolist()


@given(rescaled(integer_bimatrix()))
def test_support_enumeration_is_invariant_to_one_players_scale(case):
    game, scaled = case
    eq = support_enumeration(scaled)
    _assert_same_as_exact(eq, game)
    assert bool(eq.degenerate) == bool(exact_equilibria(game).degenerate)


@given(rescaled(integer_bimatrix()))
def test_solve_is_invariant_to_one_players_scale(case):
    game, scaled = case
    _assert_same_as_exact(solve(scaled), game)


@given(rescaled(integer_bimatrix()))
def test_lemke_howson_rows_are_certified_equilibria_at_any_scale(case):
    game, scaled = case
    exact = _exact_profiles(game)
    eq = lemke_howson_all_labels(scaled)
    assert len(eq) >= 1
    assert np.all(_own_unit_regret(eq) <= RTOL)
    for profile in eq.profiles():
        assert any(same_profile_sets([profile], [p]) for p in exact)


def _generic_bimatrix(seed: int) -> ig.NormalFormGame:
    """A 3x3 game with standard normal payoffs: nondegenerate almost surely."""
    return ig.NormalFormGame(np.random.default_rng(seed).normal(size=(2, 3, 3)), n_players=2)


@given(rescaled(st.integers(0, 2**32 - 1).map(_generic_bimatrix)))
def test_lemke_howson_finds_the_same_equilibria_at_any_scale(case):
    game, scaled = case
    eq, reference = lemke_howson_all_labels(scaled), lemke_howson_all_labels(game)
    assert same_profile_sets(eq.profiles(), reference.profiles())
    assert np.all(_own_unit_regret(eq) <= RTOL)
    exact = _exact_profiles(game)
    for profile in eq.profiles():
        assert any(same_profile_sets([profile], [p]) for p in exact)


def _pure_oracle(game: ig.NormalFormGame) -> set[tuple[int, ...]]:
    """Pure equilibria of a game with integer payoffs, in exact integer arithmetic."""
    u = game.payoffs.astype(np.int64)
    n = game.n_players
    found = set()
    for profile in itertools.product(*[range(a) for a in game.num_actions]):
        stable = True
        for i in range(n):
            own = int(u[(i, *profile)])
            for t in range(game.num_actions[i]):
                other = list(profile)
                other[i] = t
                if int(u[(i, *other)]) > own:
                    stable = False
        if stable:
            found.add(profile)
    return found


@st.composite
def small_n_player_shapes(draw):
    n = draw(st.integers(2, 3))
    return (n, *draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))


@given(rescaled(small_n_player_shapes().flatmap(integer_games)))
def test_pure_equilibria_are_invariant_to_one_players_scale(case):
    game, scaled = case
    eq = pure_equilibria(scaled)
    found = {tuple(map(int, p)) for p in eq.options["profiles"]}
    assert found == _pure_oracle(game)
    assert bool(eq.degenerate) == bool(pure_equilibria(game).degenerate)


@given(rescaled(small_n_player_shapes().flatmap(integer_games)), st.booleans())
def test_dominance_is_invariant_to_one_players_scale(case, mixed):
    game, scaled = case
    ours, reference = iterated_dominance(scaled, mixed=mixed), iterated_dominance(game, mixed=mixed)
    for a, b in zip(ours.masks, reference.masks, strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=8)
@given(rescaled(integer_games((3, 2, 2, 2), low=-2, high=2)))
def test_polynomial_support_enumeration_is_invariant_to_one_players_scale(case):
    game, scaled = case
    eq, reference = polynomial_support_enumeration(scaled), polynomial_support_enumeration(game)
    assert eq.complete == reference.complete
    assert bool(eq.degenerate) == bool(reference.degenerate)
    assert len(eq) == len(reference)
    for p in eq.profiles():
        assert any(
            all(np.allclose(a, b, atol=1e-7) for a, b in zip(p, q, strict=True))
            for q in reference.profiles()
        )
    assert np.all(_own_unit_regret(eq) <= RTOL)
    # a pure row must be a pure equilibrium of the integer game, exactly
    pure = _pure_oracle(game)
    for p in eq.profiles():
        if all(np.isin(s, (0.0, 1.0)).all() for s in p):
            assert tuple(int(np.argmax(s)) for s in p) in pure


def test_polynomial_support_enumeration_on_a_mismatched_three_player_game():
    # Player 3's payoffs dwarf the others': with the old unit (the largest range of any
    # player) players 1 and 2 were read as indifferent everywhere.
    rng = np.random.default_rng(11)
    payoffs = rng.integers(-3, 4, size=(3, 2, 2, 2)).astype(float)
    big = payoffs.copy()
    big[2] *= 1e12
    eq, reference = (
        polynomial_support_enumeration(ig.NormalFormGame(big, n_players=3)),
        polynomial_support_enumeration(ig.NormalFormGame(payoffs, n_players=3)),
    )
    assert len(eq) == len(reference)
    assert np.all(_own_unit_regret(eq) <= RTOL)
