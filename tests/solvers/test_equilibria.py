"""The Equilibria result type: regret computed on assembly, selection, pandas."""

import numpy as np
import pytest

import irgames as ig


def coordination_batch():
    A = np.array([[[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 1.0]]])
    return ig.NormalFormGame.bimatrix(A, A)


def test_regret_is_computed_not_trusted():
    game = coordination_batch()
    # a true equilibrium and a profile that is not one
    eq = ig.Equilibria.from_profiles(
        game,
        [0, 1],
        ([[1.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]),
        method="test",
        tol=1e-9,
        complete=False,
    )
    assert eq.regret[0] == pytest.approx(0.0)
    # in game 1, (row 0, column 1) pays 0 to both; the column player gains 2 by column 0
    assert eq.regret[1] == pytest.approx(2.0)
    assert eq.payoffs[0].tolist() == [1.0, 1.0]
    assert eq.max_relative_regret == pytest.approx(1.0)


def test_counts_selection_and_components():
    game = coordination_batch()
    mixed1 = [1 / 3, 2 / 3]
    eq = ig.Equilibria.from_profiles(
        game,
        [0, 0, 1, 1, 1],
        (
            [[1, 0], [0, 1], [1, 0], [0, 1], mixed1],
            [[1, 0], [0, 1], [1, 0], [0, 1], mixed1],
        ),
        method="test",
        tol=1e-9,
        complete=True,
    )
    assert eq.count.tolist() == [2, 3]
    assert eq.component.tolist() == [0, 1, 0, 1, 2]
    one = eq.for_game(1)
    assert len(one) == 3 and one.count.tolist() == [0, 3]
    assert np.all(one.regret < 1e-12)
    frame = eq.to_pandas()
    assert list(frame["game"]) == [0, 0, 1, 1, 1]
    assert frame["relative_regret"].max() < 1e-12


def test_concatenate_chunks():
    game = coordination_batch()
    parts = [
        ig.Equilibria.from_profiles(
            game[i : i + 1], [0], ([[1, 0]], [[1, 0]]), method="t", tol=0, complete=False
        )
        for i in range(2)
    ]
    joined = ig.Equilibria.concatenate(parts, [0, 1], (2,))
    assert joined.game_index.tolist() == [0, 1]
    assert joined.count.tolist() == [1, 1]


def test_empty_result():
    game = coordination_batch()
    eq = ig.Equilibria.from_profiles(
        game, [], (np.zeros((0, 2)), np.zeros((0, 2))), method="t", tol=0, complete=False
    )
    assert len(eq) == 0 and eq.count.tolist() == [0, 0] and eq.max_relative_regret == 0.0
