"""Regret against a brute-force definition, for any number of players."""

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import irgames as ig


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
