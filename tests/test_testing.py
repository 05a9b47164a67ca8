"""``irgames.testing``: its assertions fail on what is not an equilibrium, its strategies give
valid games, and it explains a missing hypothesis."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings

import irgames as ig
from irgames import testing
from irgames.solvers.subgame_perfect import subgame_perfect


def _rows(strategies, index=0):
    return SimpleNamespace(
        strategies=[np.atleast_2d(np.asarray(s, dtype=float)) for s in strategies],
        game_index=np.array([index]),
    )


PD = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])


def test_assert_equilibria_accepts_the_equilibrium_and_rejects_a_deviation():
    testing.assert_equilibria(PD, _rows([[0, 1], [0, 1]]), support=True)
    with pytest.raises(AssertionError, match="relative regret"):
        testing.assert_equilibria(PD, _rows([[1, 0], [1, 0]]))
    with pytest.raises(AssertionError, match="negative"):
        testing.assert_equilibria(PD, _rows([[-0.5, 1.5], [0, 1]]))
    with pytest.raises(AssertionError, match="sums"):
        testing.assert_equilibria(PD, _rows([[0, 0.9], [0, 1]]))


def test_regret_is_in_each_players_own_unit():
    # player 1's payoffs are a million times smaller than player 0's: a regret of 1e-7 of
    # player 0's unit is tiny there, but a tenth of player 1's own unit
    small = 1e-6
    game = ig.NormalFormGame.bimatrix([[1.0, 1.0], [0.0, 0.0]], [[small, 0.0], [small, 0.0]])
    off = _rows([[1, 0], [0.9, 0.1]])  # player 1 loses 0.1 * small by mixing
    testing.assert_equilibria(game, off, tol=1e-6, unit="game")  # 1e-7 of the game's scale
    with pytest.raises(AssertionError, match=r"relative regret 0\.1"):
        testing.assert_equilibria(game, off, tol=1e-6)


def test_support_check_needs_every_played_action_to_be_a_best_response():
    # matching pennies at a non-equilibrium mix for the row player (regret 0 is impossible
    # to fake here): the column player mixes, the row player plays a worse action with weight
    pennies = ig.NormalFormGame.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    testing.assert_equilibria(pennies, _rows([[0.5, 0.5], [0.5, 0.5]]), support=True)
    with pytest.raises(AssertionError):
        testing.assert_equilibria(pennies, _rows([[0.5, 0.5], [0.6, 0.4]]), support=True)


def test_reported_regret_must_be_within_tolerance():
    rows = _rows([[0, 1], [0, 1]])
    rows.max_relative_regret = 1e-3
    with pytest.raises(AssertionError, match="reports"):
        testing.assert_equilibria(PD, rows)


@settings(max_examples=20)
@given(testing.normal_form_games())
def test_normal_form_games_are_solvable_and_checked(game):
    eq = ig.pure_equilibria(game)
    testing.assert_equilibria(game, eq)


@settings(max_examples=15)
@given(testing.trees(p_merge=0.6))
def test_trees_give_subgame_perfect_rows(game):
    result = subgame_perfect(game)
    testing.assert_subgame_perfect(game, result)


def test_assert_subgame_perfect_rejects_an_incredible_threat():
    T = ig.TreeBuilder(["E", "I"])
    root = T.decision(
        "E",
        {
            "out": T.terminal(0, 2),
            "in": T.decision("I", {"fight": T.terminal(-1, -1), "accommodate": T.terminal(1, 1)}),
        },
    )
    game = T.build(root)
    good = subgame_perfect(game)
    testing.assert_subgame_perfect(game, good)
    behavior = np.zeros_like(good.behavior[:1])
    h_entrant = int(game.infoset[0])
    h_incumbent = 1 - h_entrant
    behavior[0, h_entrant, 0] = 1.0  # out
    behavior[0, h_incumbent, 0] = 1.0  # fight: Nash, but not in the incumbent's subgame

    class Rows(SimpleNamespace):
        def __len__(self):
            return len(self.behavior)

    with pytest.raises(AssertionError, match="subgame at node"):
        testing.assert_subgame_perfect(game, Rows(behavior=behavior, game_index=[0]))


@settings(max_examples=10)
@given(testing.stochastic_games())
def test_stochastic_games_are_valid(game):
    assert game.n_players == 2 and game.num_states >= 1


@settings(max_examples=25)
@given(testing.parameter_spaces())
def test_parameter_spaces_contain_their_defaults(space):
    assert bool(space.contains(**space.defaults()))


def test_without_hypothesis_the_import_error_names_the_extra():
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import irgames.testing\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "irgames[test]"' in out.stdout
