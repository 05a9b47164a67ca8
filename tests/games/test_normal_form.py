"""NormalFormGame: construction, validation and batch handling."""

import numpy as np
import pytest

import irgames as ig
from irgames.games.normal_form import GameValueError, payoff_scale


def test_bimatrix_layout():
    A = [[3, 0], [5, 1]]
    B = [[3, 5], [0, 1]]
    g = ig.NormalFormGame.bimatrix(A, B)
    assert g.payoffs.shape == (2, 2, 2)
    assert g.player_payoffs(0).tolist() == A
    assert g.player_payoffs(1).tolist() == B


def test_batch_shape_and_indexing():
    rng = np.random.default_rng(1)
    g = ig.NormalFormGame.bimatrix(rng.normal(size=(4, 5, 2, 3)), rng.normal(size=(4, 5, 2, 3)))
    assert g.batch_shape == (4, 5)
    assert g.batch_size == 20
    assert g[1, 2].batch_shape == ()
    assert np.array_equal(g.flatten().payoffs[7], g[1, 2].payoffs)


def test_zero_sum_and_symmetric():
    A = np.arange(9.0).reshape(3, 3)
    z = ig.NormalFormGame.zero_sum(A)
    assert np.array_equal(z.player_payoffs(1), -A)
    s = ig.NormalFormGame.symmetric(A)
    assert np.array_equal(s.player_payoffs(1), A.T)


def test_symmetric_three_players():
    # payoff of a player = own action + number of others playing 1
    a = np.arange(2)
    A = a[:, None, None] + a[None, :, None] + a[None, None, :]
    g = ig.NormalFormGame.symmetric(A, n_players=3)
    for i in range(3):
        for s in np.ndindex(2, 2, 2):
            assert g.payoffs[(i, *s)] == s[i] + sum(s) - s[i]


def test_symmetric_rejects_asymmetric_others():
    A = np.zeros((2, 2, 2))
    A[0, 1, 0] = 1.0
    with pytest.raises(GameValueError, match="order of the other players"):
        ig.NormalFormGame.symmetric(A, n_players=3)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_rejects_non_finite(bad):
    A = np.zeros((2, 2))
    A[1, 0] = bad
    with pytest.raises(GameValueError, match="finite"):
        ig.NormalFormGame.bimatrix(A, A)


def test_rejects_wrong_shapes():
    with pytest.raises(GameValueError, match="same number of rows"):
        ig.NormalFormGame.bimatrix(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(GameValueError, match="players"):
        ig.NormalFormGame(np.zeros((3, 2, 2)), n_players=2)
    with pytest.raises(GameValueError, match="matrices"):
        ig.NormalFormGame.bimatrix([1, 2], [1, 2])


def test_rejects_empty_action_set():
    with pytest.raises(GameValueError, match="empty action set"):
        ig.NormalFormGame(np.zeros((2, 0, 3)), n_players=2)


def test_rejects_non_numeric():
    with pytest.raises(GameValueError, match="numeric"):
        ig.NormalFormGame.bimatrix([["a", "b"]], [[1, 2]])


def test_ambiguous_shape_needs_n_players():
    with pytest.raises(GameValueError, match="pass n_players"):
        ig.NormalFormGame(np.zeros((3, 2, 2, 2)))
    assert ig.NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=2).batch_shape == (3,)


def test_payoffs_are_read_only():
    g = ig.NormalFormGame.bimatrix(np.eye(2), np.eye(2))
    with pytest.raises(ValueError):
        g.payoffs[0, 0, 0] = 5.0


def test_payoff_scale():
    g = ig.NormalFormGame.bimatrix([[[0, 1], [2, 3]], [[1, 1], [1, 1]]], np.zeros((2, 2, 2)))
    assert g.payoff_scale.tolist() == [3.0, 1.0]


def test_payoff_scale_is_the_largest_range_of_one_player():
    # player 0 ranges over [0, 3], player 1 over [100, 100.5]: the unit is 3, not 100.5
    A = [[0.0, 1.0], [2.0, 3.0]]
    B = [[100.0, 100.5], [100.0, 100.0]]
    g = ig.NormalFormGame.bimatrix(A, B)
    assert float(g.payoff_scale) == 3.0
    # constant payoffs, different per player: scale 1
    assert float(ig.NormalFormGame.bimatrix(np.zeros((2, 2)), np.ones((2, 2))).payoff_scale) == 1


def test_payoff_scale_ignores_shifts_of_one_player_and_scales_with_payoffs():
    rng = np.random.default_rng(2)
    payoffs = rng.normal(size=(6, 3, 2, 3, 2))
    g = ig.NormalFormGame(payoffs, n_players=3)
    shift = np.zeros((6, 3, 1, 1, 1))
    shift[:, 1] = rng.normal(size=(6, 1, 1, 1)) * 1e3
    shifted = ig.NormalFormGame(payoffs + shift, n_players=3)
    np.testing.assert_allclose(shifted.payoff_scale, g.payoff_scale, rtol=1e-9)
    scaled = ig.NormalFormGame(payoffs * 7.5, n_players=3)
    np.testing.assert_allclose(scaled.payoff_scale, 7.5 * g.payoff_scale, rtol=1e-12)
    # the definition, by brute force, and the batch-last layout of kernels
    ranges = payoffs.max(axis=(-3, -2, -1)) - payoffs.min(axis=(-3, -2, -1))
    np.testing.assert_allclose(g.payoff_scale, ranges.max(axis=-1), rtol=1e-15)
    last = np.moveaxis(payoffs, 0, -1)
    np.testing.assert_allclose(payoff_scale(last, 3, batch_last=True), g.payoff_scale, rtol=0)
    # many cells take numpy's reduction instead of a loop over cells
    big = rng.normal(size=(4, 2, 5, 5))
    expected = (big.max(axis=(-2, -1)) - big.min(axis=(-2, -1))).max(axis=-1)
    np.testing.assert_allclose(ig.NormalFormGame(big, 2).payoff_scale, expected, rtol=0)


def test_indexing_and_flatten_are_read_only_views():
    g = ig.NormalFormGame.bimatrix(np.ones((3, 2, 2)), np.zeros((3, 2, 2)))
    for sub in (g[1], g[[0, 2]], g.flatten(), g[1:]):
        assert not sub.payoffs.flags.writeable
        with pytest.raises(ValueError):
            sub.payoffs[..., 0, 0, 0] = 5.0
    assert np.array_equal(g[[0, 2]].payoffs, g.payoffs[[0, 2]])
