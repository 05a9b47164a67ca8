"""Regret against a brute-force definition, for any number of players."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import irgames as ig
from irgames.games.regret import payoffs_and_regret, row_payoffs_and_regret


def brute_force_regret(payoffs, profile):
    n = len(profile)
    shape = payoffs.shape[1:]
    out = []
    for i in range(n):
        values = np.zeros(shape[i])
        current = 0.0
        for s in itertools.product(*[range(a) for a in shape]):
            weight_others = np.prod([profile[j][s[j]] for j in range(n) if j != i])
            values[s[i]] += payoffs[(i, *s)] * weight_others
            current += payoffs[(i, *s)] * weight_others * profile[i][s[i]]
        out.append(values.max() - current)
    return np.array(out)


@st.composite
def game_and_profile(draw):
    n = draw(st.integers(1, 4))
    actions = draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    payoffs = rng.normal(size=(n, *actions))
    profile = [rng.dirichlet(np.ones(a)) for a in actions]
    return payoffs, profile


@given(game_and_profile())
def test_regret_matches_brute_force(case):
    payoffs, profile = case
    game = ig.NormalFormGame(payoffs, n_players=payoffs.shape[0])
    np.testing.assert_allclose(
        ig.regret(game, profile), brute_force_regret(payoffs, profile), atol=1e-12
    )


def test_regret_batched_equals_per_game():
    rng = np.random.default_rng(3)
    payoffs = rng.normal(size=(7, 3, 2, 3, 2))
    profile = [rng.dirichlet(np.ones(a), size=7) for a in (2, 3, 2)]
    game = ig.NormalFormGame(payoffs, n_players=3)
    batched = ig.regret(game, profile)
    for b in range(7):
        single = brute_force_regret(payoffs[b], [p[b] for p in profile])
        np.testing.assert_allclose(batched[b], single, atol=1e-12)


def test_pure_nash_of_prisoners_dilemma():
    pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert ig.regret(pd, ([0, 1], [0, 1])).tolist() == [0.0, 0.0]
    assert ig.regret(pd, ([1, 0], [1, 0])).tolist() == [2.0, 2.0]


def test_profile_validation():
    import pytest

    pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    with pytest.raises(ig.GameValueError, match="sum to one"):
        ig.regret(pd, ([0.2, 0.2], [0, 1]))
    with pytest.raises(ig.GameValueError, match="length 2"):
        ig.regret(pd, ([1, 0, 0], [0, 1]))
    with pytest.raises(ig.GameValueError, match="negative"):
        ig.regret(pd, ([1.5, -0.5], [0, 1]))


# ---------------------------------------------------------------- rows, in one pass


@st.composite
def batch_rows(draw, n_players=None):
    """A batch of games, and rows (game index, mixed profile) drawn with repeats."""
    n = draw(st.integers(2, 3)) if n_players is None else n_players
    most = 10 if n == 2 else 4  # two-player games up to 10x10 reach the matrix-product path
    actions = draw(st.lists(st.integers(1, most), min_size=n, max_size=n))
    size = draw(st.integers(1, 6))
    k = draw(st.integers(0, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    payoffs = rng.normal(size=(size, n, *actions)) * draw(st.sampled_from([1e-3, 1.0, 1e4]))
    index = rng.integers(0, size, size=k)
    profile = []
    for a in actions:
        sigma = rng.dirichlet(np.ones(a), size=k)
        pure = rng.random(k) < 0.3  # some pure strategies, where ties matter
        sigma[pure] = np.eye(a)[rng.integers(0, a, size=int(pure.sum()))]
        profile.append(sigma)
    return payoffs, index, profile


@given(batch_rows())
def test_rows_match_brute_force(case):
    payoffs, index, profile = case
    n = payoffs.shape[1]
    game = ig.NormalFormGame(payoffs, n_players=n)
    u, r, s = row_payoffs_and_regret(game, index, profile)
    for row, g in enumerate(index):
        sigma = [p[row] for p in profile]
        scale = float(game.payoff_scale[g])
        # rounding grows with the payoffs' magnitude, which can exceed their range
        atol = 1e-12 * (scale + np.abs(payoffs[g]).max())
        expected = np.maximum(brute_force_regret(payoffs[g], sigma), 0.0)
        np.testing.assert_allclose(r[row], expected, rtol=0, atol=atol)
        single = ig.NormalFormGame(payoffs[g], n_players=n)
        np.testing.assert_allclose(u[row], ig.expected_payoffs(single, sigma), rtol=0, atol=atol)
        np.testing.assert_array_equal(s[row], game.payoff_units[g])


@pytest.mark.parametrize("m, n, k", [(3, 2, 20_000), (9, 12, 3_000)])
def test_rows_across_chunks_equal_the_general_contraction(m, n, k):
    # More rows than one chunk of the two-player kernel holds, so that chunk edges are crossed;
    # small games (loop over actions) and larger ones (batched matrix products).
    rng = np.random.default_rng(5)
    payoffs = rng.normal(size=(40, 2, m, n))
    game = ig.NormalFormGame(payoffs, n_players=2)
    index = rng.integers(0, 40, size=k)
    profile = (rng.dirichlet(np.ones(m), size=k), rng.dirichlet(np.ones(n), size=k))
    u, r, s = row_payoffs_and_regret(game, index, profile)
    # the same numbers from the definition: v_1 = A y, v_2 = B^T x
    A, B = payoffs[index, 0], payoffs[index, 1]
    x, y = profile
    v1 = np.einsum("kij,kj->ki", A, y)
    v2 = np.einsum("kij,ki->kj", B, x)
    u1, u2 = (v1 * x).sum(1), (v2 * y).sum(1)
    np.testing.assert_allclose(u, np.stack([u1, u2], axis=1), atol=1e-12)
    np.testing.assert_allclose(r[:, 0], v1.max(1) - u1, atol=1e-12)
    np.testing.assert_allclose(r[:, 1], v2.max(1) - u2, atol=1e-12)
    np.testing.assert_array_equal(s, game.payoff_units[index])


@given(batch_rows(n_players=2))
def test_two_player_kernel_equals_the_general_contraction(case):
    payoffs, index, profile = case
    game = ig.NormalFormGame(payoffs, n_players=2)
    rows = ig.NormalFormGame(payoffs[index], n_players=2) if index.size else None
    if rows is None:
        return
    scale = (game.payoff_scale + np.abs(payoffs).max(axis=(1, 2, 3)))[index][:, None]
    u, r = payoffs_and_regret(rows, profile)  # profile shape equals the batch: the kernel
    # broadcasting the profile against a batch axis of length one takes the general path
    for row in range(index.size):
        single = ig.NormalFormGame(payoffs[index[row]][None], n_players=2)
        one = [p[row][None] for p in profile]
        u1, r1 = payoffs_and_regret(single, one)
        assert np.all(np.abs(u[row] - u1[0]) <= 1e-12 * scale[row])
        assert np.all(np.abs(r[row] - r1[0]) <= 1e-12 * scale[row])
    wide = ig.NormalFormGame(payoffs[index][:, None], n_players=2)  # batch (k, 1)
    u2, r2 = payoffs_and_regret(wide, [p[:, None, :] * np.ones((1, 2, 1)) for p in profile])
    assert np.all(np.abs(u2 - u[:, None]) <= 1e-12 * scale[:, None])
    assert np.all(np.abs(r2 - r[:, None]) <= 1e-12 * scale[:, None])


def test_rows_reject_what_is_not_a_profile():
    game = ig.NormalFormGame.bimatrix(np.eye(2)[None].repeat(3, 0), np.eye(2)[None].repeat(3, 0))
    good = np.array([[0.5, 0.5]] * 4)
    index = [0, 1, 2, 2]
    cases = {
        "sum to one": good * 1.1,
        "negative": np.array([[1.5, -0.5]] * 4),
        "non-finite": np.array([[np.nan, 1.0]] * 4),
    }
    for message, bad in cases.items():
        with pytest.raises(ig.GameValueError, match=message):
            row_payoffs_and_regret(game, index, (good, bad))
        with pytest.raises(ig.GameValueError, match=message):
            ig.Equilibria.from_profiles(
                game, index, (bad, good), method="t", tol=1e-9, complete=False
            )
    big = ig.NormalFormGame.bimatrix(np.ones((9, 9)), np.ones((9, 9)))  # 81 cells
    with pytest.raises(ig.GameValueError, match="sum to one"):
        row_payoffs_and_regret(big, [0], (np.ones((1, 9)) / 9, np.ones((1, 9)) / 8))
    with pytest.raises(ig.GameValueError, match="shape"):
        row_payoffs_and_regret(game, index, (good[:3], good))
    with pytest.raises(IndexError, match="out of range"):
        row_payoffs_and_regret(game, [0, 1, 2, 3], (good, good))
    with pytest.raises(ig.GameValueError, match="integers"):
        row_payoffs_and_regret(game, [0.0, 1.0, 2.0, 2.0], (good, good))
