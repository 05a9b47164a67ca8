"""The front door: the method it picks, that it says so, and that the answer is sound."""

from __future__ import annotations

import numpy as np
import pytest

from irgames.errors import GameValueError, SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.solvers.front import METHODS, choose_method, solve


def assert_sound(game: NormalFormGame, eq, rel: float = 1e-9) -> None:
    flat = game.flatten()
    rows = NormalFormGame(flat.payoffs[eq.game_index], n_players=game.n_players)
    r = regret(rows, eq.strategies).max(axis=1)
    assert np.all(r <= rel * flat.payoff_scale[eq.game_index])


@pytest.mark.parametrize(
    ("shape", "n_players", "expected", "complete"),
    [
        ((2, 2, 2), 2, "two_by_two", True),
        ((2, 3, 4), 2, "vertex_enumeration", True),
        ((3, 2, 2, 2), 3, "polynomial_support_enumeration", True),
        ((3, 3, 3, 3), 3, "logit_homotopy", False),
        ((2, 9, 27), 2, "lemke_howson_all_labels", False),  # vertex enumeration too large
    ],
)
def test_default_method_by_size_is_recorded(shape, n_players, expected, complete):
    rng = np.random.default_rng(len(shape) + sum(shape))
    game = NormalFormGame(rng.normal(size=(2, *shape)), n_players=n_players)
    assert choose_method(game) == expected
    eq = solve(game)
    assert eq.method == expected
    assert eq.complete is complete
    assert np.all(eq.count >= 1)
    assert_sound(game, eq)


@pytest.mark.parametrize(
    "method",
    ["vertex_enumeration", "support_enumeration", "lemke_howson", "lemke_howson_all_labels"],
)
def test_named_two_player_methods_are_used_and_sound(method):
    rng = np.random.default_rng(1)
    game = NormalFormGame.bimatrix(rng.normal(size=(5, 3, 4)), rng.normal(size=(5, 3, 4)))
    eq = solve(game, method=method)
    assert eq.method.startswith(method.split("_all")[0])
    assert np.all(eq.count >= 1)
    assert_sound(game, eq)


def test_degenerate_game_flagged_by_both_enumerations():
    """Row 0 against a column mixture is a continuum of equilibria: vertex enumeration gives
    its two extreme points as one component; the polynomial enumeration finds the same points,
    flags the continuum and does not claim completeness."""
    game = NormalFormGame.bimatrix([[1, 1], [0, 0], [1, 0]], [[1, 1], [1, 1], [0, 1]])
    a = solve(game)
    b = solve(game, method="polynomial_support_enumeration")
    assert_sound(game, a)
    assert_sound(game, b)
    assert bool(a.degenerate) and bool(b.degenerate)
    assert len(set(a.component.tolist())) == 1
    assert b.complete is False and b.options["non_isolated"]
    ours = np.concatenate(b.strategies, axis=1)
    for row in np.concatenate(a.strategies, axis=1):
        assert np.abs(ours - row).max(axis=1).min() <= 1e-9


def test_zero_sum_by_linear_programming():
    pytest.importorskip("irgames.solvers.zero_sum")
    rng = np.random.default_rng(3)
    game = NormalFormGame.zero_sum(rng.normal(size=(4, 3, 3)))
    eq = solve(game, method="zero_sum")
    assert_sound(game, eq)
    reference = solve(game)
    # The value of the game is the row player's payoff in every equilibrium.
    for g in range(4):
        assert np.allclose(eq.for_game(g).payoffs[:, 0], reference.for_game(g).payoffs[0, 0])


def test_options_are_passed_to_the_solver():
    game = NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    eq = solve(game, method="lemke_howson", initial_label=2)
    assert eq.options["initial_label"] == 2


def test_unknown_method_lists_the_valid_names():
    game = NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="unknown method 'simplex'") as info:
        solve(game, method="simplex")
    for name in METHODS:
        assert name in str(info.value)


def test_method_that_does_not_apply_is_refused_clearly():
    three = NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    with pytest.raises(SolverError, match="two-player"):
        solve(three, method="vertex_enumeration")
    game = NormalFormGame.bimatrix(np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(SolverError, match="2x2"):
        solve(game, method="two_by_two")
    with pytest.raises(GameValueError, match="NormalFormGame"):  # not a game at all
        solve(np.zeros((2, 2, 2)))
