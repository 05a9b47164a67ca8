"""Finitely repeated games as trees: strategy counts against nashpy's expansion, payoffs by
hand and by playing strategies out, defection on every subgame-perfect path of the twice-played
prisoner's dilemma, and cooperation sustained by a second stage equilibrium."""

from __future__ import annotations

import itertools

import nashpy
import numpy as np
import pytest
from nashpy.repeated_games import obtain_repeated_game

import irgames as ig
from irgames.errors import GameValueError
from irgames.games.extensive_form import TERMINAL

PD_A = np.array([[3.0, 0.0], [5.0, 1.0]])
PD = ig.NormalFormGame.bimatrix(PD_A, PD_A.T)
CD = [["C", "D"], ["C", "D"]]


def pure_strategies(tree, player):
    """Every full pure strategy of ``player``: an action at each of her information sets."""
    mine = np.flatnonzero(tree.infoset_player == player)
    widths = [int(tree.num_children[tree.infoset_nodes_first[h]]) for h in mine]
    return [
        dict(zip(mine.tolist(), c, strict=True)) for c in itertools.product(*map(range, widths))
    ]


def play(tree, profile):
    """The payoffs of a pure profile, by walking the tree (no solver code)."""
    v = 0
    while tree.mover[v] != TERMINAL:
        h = int(tree.infoset[v])
        v = int(tree.children[v, profile[int(tree.mover[v])][h]])
    return tree.payoffs[..., int(np.searchsorted(tree.terminals, v)), :]


def test_twice_played_prisoners_dilemma_has_32_strategies_each():
    tree = ig.repeat(PD, 2, action_labels=CD)
    strategies = [pure_strategies(tree, i) for i in range(2)]
    assert [len(s) for s in strategies] == [32, 32]
    expanded = obtain_repeated_game(nashpy.Game(PD_A, PD_A.T), 2)
    assert expanded.payoff_matrices[0].shape == (32, 32)
    # the same normal form as nashpy's expansion, up to the order of the strategies
    ours = np.array([play(tree, (s, t)) for s in strategies[0] for t in strategies[1]])
    theirs = np.stack([m.reshape(-1) for m in expanded.payoff_matrices], axis=-1)
    order = np.lexsort(ours.T[::-1])
    order_theirs = np.lexsort(theirs.T[::-1])
    assert np.array_equal(ours[order], theirs[order_theirs])
    # strategies that differ only after one's own ruled-out first moves collapse: 2 * 2^2
    reduced = ig.reduced_normal_form(tree)
    assert reduced.game.num_actions == (8, 8)


def test_defection_on_every_subgame_perfect_path():
    tree = ig.repeat(PD, 2, action_labels=CD)
    spe = ig.subgame_perfect(tree)
    assert int(spe.count) == 1
    assert spe.payoffs.tolist() == [[2.0, 2.0]]
    # defect (action 1) with probability one at every information set: on and off the path
    assert np.allclose(spe.behavior[0, :, 1], 1.0)
    labels = spe.action_probabilities(0)
    assert all(probs == {"C": 0.0, "D": 1.0} for probs in labels.values())


def test_discounted_payoffs_by_hand_in_a_batch():
    delta = np.array([0.25, 0.5, 1.0])
    tree = ig.repeat(PD, 3, discount=delta, action_labels=CD)
    assert tree.batch_shape == (3,)
    C, D = 0, 1
    one, two = ({int(h): C for h in np.flatnonzero(tree.infoset_player == i)} for i in (0, 1))
    # everybody cooperates everywhere (action 0 at every information set)
    assert np.allclose(play(tree, (one, two))[:, 0], 3 * (1 + delta + delta**2))
    # player 1 defects everywhere, player 2 cooperates everywhere
    always_d = {h: D for h in one}
    payoff = play(tree, (always_d, {h: C for h in two}))
    assert np.allclose(payoff[:, 0], 5 * (1 + delta + delta**2))
    assert np.allclose(payoff[:, 1], 0.0)
    spe = ig.subgame_perfect(tree)
    assert spe.count.tolist() == [1, 1, 1]
    assert np.allclose(spe.payoffs[:, 0], 1 + delta + delta**2)


def test_a_second_stage_equilibrium_sustains_first_period_cooperation():
    """Benoit and Krishna: with two stage equilibria, (C, C) in period 1 is subgame perfect
    when the reward (D, D) and the punishment (P, P) differ by more than the gain from
    deviating (1): payoffs 4 + 2 = 6 against 5 + 0."""
    A = np.array([[4.0, 0.0, -1.0], [5.0, 2.0, -1.0], [-1.0, -1.0, 0.0]])
    tree = ig.repeat(ig.NormalFormGame.bimatrix(A, A.T), 2)
    spe = ig.subgame_perfect(tree)
    cooperative = np.flatnonzero(np.all(np.isclose(spe.payoffs, 6.0), axis=1))
    assert cooperative.size > 0
    # in those equilibria both play C (action 0) in period 1
    first = [int(tree.infoset[0]), int(tree.infoset[tree.children[0, 0]])]
    assert np.allclose(spe.behavior[cooperative][:, first, 0], 1.0)
    # and the stage game alone never gives 6: cooperation needs the second period
    assert ig.vertex_enumeration(ig.NormalFormGame.bimatrix(A, A.T)).payoffs.max() < 3


def test_three_players_one_period_is_the_stage_game():
    rng = np.random.default_rng(0)
    stage = ig.NormalFormGame(rng.normal(size=(3, 2, 3, 2)), n_players=3)
    tree = ig.repeat(stage, 1)
    reduced = ig.reduced_normal_form(tree)
    assert reduced.game.num_actions == (2, 3, 2)
    assert np.allclose(reduced.game.payoffs, stage.payoffs)


def test_bad_input():
    with pytest.raises(GameValueError, match="periods"):
        ig.repeat(PD, 0)
    with pytest.raises(GameValueError, match="discount"):
        ig.repeat(PD, 2, discount=1.5)
    with pytest.raises(GameValueError, match="discount"):
        ig.repeat(PD, 2, discount=0.0)
    with pytest.raises(GameValueError, match="max_nodes"):
        ig.repeat(PD, 3, max_nodes=100)
    with pytest.raises(GameValueError, match="action_labels"):
        ig.repeat(PD, 2, action_labels=[["C"], ["C", "D"]])
    batch = ig.NormalFormGame.bimatrix(np.stack([PD_A, PD_A]), np.stack([PD_A.T, PD_A.T]))
    with pytest.raises(GameValueError, match="broadcast"):
        ig.repeat(batch, 2, discount=[0.5, 0.6, 0.7])
