"""Iterated strict dominance: textbook cases, order independence, no equilibrium removed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linprog

from irgames.errors import SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.io.nfg import read_nfg
from irgames.solvers.dominance import iterated_dominance
from irgames.solvers.pure import pure_equilibria

TOL = 1e-9


@st.composite
def game_batches(draw, max_players=3, max_actions=4, max_games=4):
    n = draw(st.integers(1, max_players))
    actions = tuple(draw(st.lists(st.integers(1, max_actions), min_size=n, max_size=n)))
    G = draw(st.integers(1, max_games))
    elements = draw(
        st.sampled_from(
            [st.integers(-3, 3).map(float), st.floats(-10, 10, allow_nan=False, width=32)]
        )
    )
    payoffs = draw(hnp.arrays(float, (G, n, *actions), elements=elements))
    return NormalFormGame(payoffs, n_players=n)


def dominated_in(
    u: np.ndarray, rows: list[int], cols_alive: np.ndarray, s: int, mixed: bool, spread: float
):
    """Reference check for one action of one single game, written directly: u is (a_i, R)."""
    others = [t for t in rows if t != s]
    if not others:
        return False
    diff = u[others][:, cols_alive] - u[s, cols_alive]  # (k, R')
    if not mixed or len(others) == 1:
        return bool(np.any(diff.min(axis=1) > TOL * spread))
    k = len(others)
    # max eps s.t. diff^T sigma >= eps, sum sigma = 1, sigma >= 0
    res = linprog(
        np.r_[np.zeros(k), -1.0],
        A_ub=np.c_[-diff.T, np.ones(diff.shape[1])],
        b_ub=np.zeros(diff.shape[1]),
        A_eq=np.r_[np.ones(k), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * k + [(None, None)],
        method="highs",
    )
    return bool(-res.fun > TOL * spread)


def sequential_reference(payoffs: np.ndarray, n: int, mixed: bool, order: list[int]):
    """Remove one dominated action at a time, choosing among them by ``order``."""
    actions = payoffs.shape[1:]
    alive = [list(range(a)) for a in actions]
    # each player's payoff unit: the range of that player's own payoffs in the whole game
    spreads = [float(np.ptp(payoffs[i])) or 1.0 for i in range(n)]
    step = 0
    while True:
        found = []
        for i in range(n):
            u = np.moveaxis(payoffs[i], i, 0).reshape(actions[i], -1)
            grids = np.meshgrid(
                *[np.isin(np.arange(actions[j]), alive[j]) for j in range(n) if j != i],
                indexing="ij",
            )
            cols = (
                np.logical_and.reduce([g.reshape(-1) for g in grids]) if grids else np.ones(1, bool)
            )
            for s in alive[i]:
                if dominated_in(u, alive[i], cols, s, mixed, spreads[i]):
                    found.append((i, s))
        if not found:
            return alive
        i, s = found[order[step % len(order)] % len(found)]
        alive[i].remove(s)
        step += 1


@given(game=game_batches(), mixed=st.booleans(), order=st.lists(st.integers(0, 50), min_size=1))
def test_same_survivors_as_one_at_a_time_in_any_order(game, mixed, order):
    result = iterated_dominance(game, mixed=mixed, tol=TOL)
    for g in range(game.batch_size):
        alive = sequential_reference(game.payoffs[g], game.n_players, mixed, order)
        for i in range(game.n_players):
            assert np.flatnonzero(result.masks[i][g]).tolist() == alive[i]


@given(game=game_batches(max_players=3, max_actions=3))
def test_no_pure_equilibrium_is_removed(game):
    result = iterated_dominance(game)
    eq = pure_equilibria(game)
    for g, profile in zip(eq.game_index, eq.options["profiles"], strict=True):
        for i, s in enumerate(profile):
            assert result.masks[i][g, s]


@given(game=game_batches(max_players=2, max_games=3).filter(lambda g: g.n_players == 2))
def test_no_equilibrium_is_removed_and_reduced_equilibria_are_equilibria(game):
    vertex_enumeration = pytest.importorskip(
        "irgames.solvers.vertex_enumeration"
    ).vertex_enumeration
    result = iterated_dominance(game)
    every = vertex_enumeration(game)
    for r, g in enumerate(every.game_index):
        for i in range(2):
            support = every.strategies[i][r] > 1e-12
            assert np.all(result.masks[i][g][support])
    if result.reduced is not None:
        small = vertex_enumeration(result.reduced)
        for r, g in enumerate(small.game_index):
            profile = []
            for i in range(2):
                full = np.zeros(game.num_actions[i])
                full[result.surviving[i][g]] = small.strategies[i][r]
                profile.append(full)
            assert regret(game[int(g)], profile).max() <= 1e-8 * game[int(g)].payoff_scale


def test_textbook_mixed_domination():
    # row 2 pays 1 against both columns; (1/2, 1/2) on rows 0 and 1 pays 1.5
    game = NormalFormGame.bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]])
    assert iterated_dominance(game).masks[0].tolist() == [True, True, False]
    assert iterated_dominance(game, mixed=False).masks[0].tolist() == [True, True, True]
    # at exactly the mixture's payoff the row is only weakly dominated: it stays
    weak = NormalFormGame.bimatrix([[2, 0], [0, 2], [1, 1]], [[1, 0], [0, 1], [0, 0]])
    assert iterated_dominance(weak).masks[0].tolist() == [True, True, True]


def test_prisoners_dilemma_and_batch_shape():
    pd = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    result = iterated_dominance(pd)
    assert [m.tolist() for m in result.masks] == [[False, True], [False, True]]
    assert result.reduced.num_actions == (1, 1) and int(result.rounds) == 1
    coordination = NormalFormGame.bimatrix(np.eye(2), np.eye(2))
    batch = NormalFormGame(np.stack([pd.payoffs, coordination.payoffs]).reshape(2, 1, 2, 2, 2))
    mixed_batch = iterated_dominance(batch)
    assert mixed_batch.masks[0].shape == (2, 1, 2)
    assert mixed_batch.reduced is None  # the games keep different numbers of actions
    assert mixed_batch.rounds.tolist() == [[1], [0]]


def test_gambit_mixed_domination_game(gambit_corpus):
    path = gambit_corpus / "contrib" / "games" / "mixdom.nfg"
    if not path.exists():
        pytest.skip("mixdom.nfg not in the corpus")
    game = read_nfg(path)
    assert all(m.all() for m in iterated_dominance(game, mixed=False).masks)
    result = iterated_dominance(game)
    assert sum(int(m.sum()) for m in result.masks) < 8  # mixtures remove what pure cannot


def test_bad_input():
    with pytest.raises(SolverError, match="NormalFormGame"):
        iterated_dominance(np.eye(2))
    with pytest.raises(ValueError, match="tol"):
        iterated_dominance(NormalFormGame.zero_sum(np.eye(2)), tol=-1.0)


def test_empty_batch_and_one_player():
    empty = iterated_dominance(NormalFormGame(np.zeros((0, 2, 3, 2)), n_players=2))
    assert empty.masks[0].shape == (0, 3) and empty.reduced is None
    # one player: every action below the best is dominated by it
    alone = iterated_dominance(NormalFormGame([[[1.0, 3.0, 2.0]], [[0.0, 0.0, 0.0]]], 1))
    assert alone.masks[0].tolist() == [[False, True, False], [True, True, True]]
    assert alone.reduced is None
