"""Rubinstein bargaining and Fearon's range against finite-horizon backward induction."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.errors import SolverError
from irgames.games.normal_form import GameValueError
from irgames.solvers.bargaining import bargaining_range, rubinstein

unit = st.floats(0.05, 0.95)


def backward_induction(d1, d2, rounds, w=(0.0, 0.0), p=0.0, d=(0.0, 0.0)):
    """Alternating offers over ``rounds`` rounds, solved from the last round backwards.

    Written from the game's rules, not from the stationary equations: in round t the proposer
    offers the responder exactly what she gets by rejecting (her outside option, or the
    breakdown lottery followed by the next round's equilibrium), and keeps the rest. After the
    last rejection both get the disagreement payoffs. Returns player 1's share in round 0.
    """
    deltas = (d1, d2)
    # values[i] = player i's equilibrium payoff at the start of the next round.
    values = [np.asarray(d[0], dtype=float), np.asarray(d[1], dtype=float)]
    for t in reversed(range(rounds)):
        proposer = t % 2
        responder = 1 - proposer
        reject = np.maximum(
            w[responder], p * d[responder] + (1 - p) * deltas[responder] * values[responder]
        )
        offer = reject
        new = [None, None]
        new[responder] = offer
        new[proposer] = 1 - offer
        values = new
    return values[0]


@given(unit, unit)
def test_unequal_discounting_is_the_limit_of_finite_horizons(d1, d2):
    x = rubinstein(d1, d2).proposer_share
    assert np.isclose(x, (1 - d2) / (1 - d1 * d2), rtol=0, atol=1e-12)
    assert np.isclose(backward_induction(d1, d2, 600), x, rtol=0, atol=1e-8)


@given(unit)
def test_equal_discounting_gives_one_over_one_plus_delta(delta):
    assert np.isclose(rubinstein(delta).proposer_share, 1 / (1 + delta), rtol=0, atol=1e-12)


@given(unit, unit, st.floats(0, 0.6), st.floats(0, 0.39))
def test_outside_options_match_backward_induction(d1, d2, w1, w2):
    sol = rubinstein(d1, d2, outside_options=(w1, w2))
    limit = backward_induction(d1, d2, 600, w=(w1, w2))
    assert np.isclose(sol.proposer_share, limit, rtol=0, atol=1e-8)
    # Outside option principle: the option matters only when it beats the continuation.
    inside = (1 - d2) / (1 - d1 * d2)
    if not sol.outside_option_binds.any():
        assert np.isclose(sol.proposer_share, inside, atol=1e-12)


@given(unit, unit, st.floats(0.01, 0.9), st.floats(0, 0.45), st.floats(0, 0.45))
def test_breakdown_risk_matches_backward_induction(d1, d2, p, e1, e2):
    sol = rubinstein(d1, d2, breakdown=p, disagreement=(e1, e2))
    limit = backward_induction(d1, d2, 600, p=p, d=(e1, e2))
    assert np.isclose(sol.proposer_share, limit, rtol=0, atol=1e-8)


def test_breakdown_without_discounting_tends_to_the_nash_split():
    # delta = 1 and a vanishing breakdown risk: the split of the surplus over (d1, d2) is even.
    x = rubinstein(1.0, 1.0, breakdown=1e-6, disagreement=(0.3, 0.1)).proposer_share
    assert np.isclose(x, 0.3 + (1 - 0.4) / 2, atol=1e-5)


def test_batched_over_parameters():
    deltas = np.linspace(0.1, 0.9, 9)
    x = rubinstein(deltas[:, None], deltas[None, :]).proposer_share
    assert x.shape == (9, 9)
    assert np.allclose(x, (1 - deltas[None, :]) / (1 - deltas[:, None] * deltas[None, :]))


@given(st.floats(0, 1), st.floats(0, 0.5), st.floats(0, 0.5))
def test_bargaining_range_is_where_both_prefer_a_deal_to_war(p, ca, cb):
    r = bargaining_range(p, ca, cb)
    grid = np.linspace(0, 1, 2001)
    prefer = (grid >= p - ca - 1e-12) & (1 - grid >= 1 - p - cb - 1e-12)
    inside = r.contains(grid)
    # the grid points strictly inside/outside agree (the edges are within one grid step)
    step = grid[1] - grid[0]
    away = (np.abs(grid - r.lower) > step) & (np.abs(grid - r.upper) > step)
    assert np.array_equal(prefer[away], inside[away])
    if 0 <= p - ca and p + cb <= 1:
        assert np.isclose(r.width, ca + cb, atol=1e-12)


def test_bad_input_is_rejected():
    with pytest.raises(GameValueError, match="delta_1"):
        rubinstein(1.5)
    with pytest.raises(SolverError, match="continuum"):
        rubinstein(1.0)
    with pytest.raises(GameValueError, match="breakdown"):
        rubinstein(0.9, breakdown=1.0)
    with pytest.raises(GameValueError, match="outside_options"):
        rubinstein(0.9, outside_options=(0.6, 0.5))
    with pytest.raises(GameValueError, match=r"\[0, 1\]"):
        bargaining_range(1.2, 0.1, 0.1)
    with pytest.raises(GameValueError, match="non-negative"):
        bargaining_range(0.5, -0.1, 0.1)
