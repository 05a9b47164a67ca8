"""War of attrition: closed form, indifference by quadrature, and a seeded simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad

from irgames.games.normal_form import GameValueError
from irgames.solvers.attrition import (
    attrition_equilibrium,
    classic_attrition,
    threshold_attrition,
    volunteer_attrition,
)

players = st.integers(2, 200)
positive = st.floats(0.05, 20)
rate = st.one_of(st.just(0.0), st.floats(1e-4, 0.5))


def payoff_of_conceding_at(T, n, hazard, leader, follower, flow_cost, r):
    """Expected payoff of 'concede at time T unless someone else has', from the definitions.

    Each of the n - 1 others concedes at the constant hazard ``hazard``, so the first of them
    arrives at rate (n - 1) * hazard; flow costs accrue until the game ends.
    """
    lam = (n - 1) * hazard

    def cost_until(t):
        return flow_cost * (t if r == 0 else -math.expm1(-r * t) / r)

    def integrand(t):
        return lam * math.exp(-lam * t) * (math.exp(-r * t) * follower - cost_until(t))

    if math.isinf(T):
        return quad(integrand, 0, math.inf, limit=200)[0]
    before = quad(integrand, 0, T, limit=200)[0]
    return before + math.exp(-lam * T) * (math.exp(-r * T) * leader - cost_until(T))


@given(players, st.floats(-5, 5), positive, positive, rate)
def test_every_concession_time_is_a_best_response(n, leader, gap, c, r):
    follower = leader + gap
    eq = attrition_equilibrium(n, leader, follower, c, discount_rate=r)
    if not (c + r * leader > 0):
        assert not eq.exists and np.isnan(eq.hazard)
        return
    assert eq.exists
    h = float(eq.hazard)
    assert h == pytest.approx((c + r * leader) / ((n - 1) * gap), rel=1e-12)
    scale = abs(leader) + abs(follower) + 1
    expected_delay = 1 / (n * h)
    for T in (0.3 * expected_delay, 2 * expected_delay, math.inf):
        value = payoff_of_conceding_at(T, n, h, leader, follower, c, r)
        assert value == pytest.approx(leader, abs=1e-7 * scale)
    assert float(eq.expected_payoff) == leader


@given(st.integers(2, 100), positive, positive, positive)
def test_delay_grows_with_the_number_of_potential_volunteers(n, value, cost, c):
    eq = volunteer_attrition(np.array([n, n + 1]), value, cost, c)
    delay = eq.expected_delay
    assert delay[1] > delay[0]
    # closed form: (N - 1) K / (N c), tending to K / c
    assert np.allclose(delay, (np.array([n, n + 1]) - 1) * cost / (np.array([n, n + 1]) * c))
    assert np.all(delay < cost / c)


@given(players, positive, positive, positive, positive)
def test_costlier_volunteering_is_slower(n, value, cost, extra, c):
    eq = volunteer_attrition(n, value, np.array([cost, cost + extra]), c)
    assert eq.expected_delay[1] > eq.expected_delay[0]


def test_two_player_classic_war_of_attrition():
    eq = classic_attrition(prize=4.0, flow_cost=1.0)
    assert float(eq.hazard) == pytest.approx(0.25)
    assert float(eq.expected_delay) == pytest.approx(2.0)
    assert float(eq.median_delay) == pytest.approx(2.0 * math.log(2))


def test_seeded_simulation_of_the_first_concession():
    # Discretised simulation: each of N players concedes in each step of length dt with
    # probability 1 - exp(-h dt); the first concession time should match 1/(N h).
    eq = volunteer_attrition(6, value=3.0, cost=1.0, flow_cost=0.5)
    h, n, dt = float(eq.hazard), 6, 1e-3
    rng = np.random.default_rng(12345)
    runs = 4000
    steps = rng.geometric(1 - np.exp(-h * dt), size=(runs, n)).min(axis=1)
    times = steps * dt
    se = times.std() / np.sqrt(runs)
    assert abs(times.mean() - float(eq.expected_delay)) < 5 * se + dt
    t = float(eq.expected_delay)
    assert abs(np.mean(times > t) - float(eq.survival(t))) < 5 * np.sqrt(0.25 / runs)
    # expected waiting cost c E[T] (undiscounted)
    assert float(eq.expected_waiting_cost) == pytest.approx(0.5 * t)


def test_no_stationary_equilibrium_is_flagged():
    eq = attrition_equilibrium(3, leader=[1.0, 2.0], follower=[2.0, 1.0], flow_cost=1.0)
    assert eq.exists.tolist() == [True, False]
    assert np.isnan(eq.hazard[1]) and np.isnan(eq.expected_payoff[1])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: attrition_equilibrium(1, 0.0, 1.0, 1.0), "n_players"),
        (lambda: attrition_equilibrium(2.5, 0.0, 1.0, 1.0), "n_players"),
        (lambda: attrition_equilibrium(3, 0.0, 1.0, 0.0), "flow_cost must be positive"),
        (lambda: attrition_equilibrium(3, 0.0, 1.0, -1.0), "flow_cost must be positive"),
        (lambda: attrition_equilibrium(3, 0.0, 1.0, 1.0, discount_rate=-0.1), "discount_rate"),
        (lambda: volunteer_attrition(3, 1.0, 0.0, 1.0), "cost of volunteering"),
        (lambda: classic_attrition(-1.0, 1.0), "prize"),
        (lambda: attrition_equilibrium(3, np.inf, 1.0, 1.0), "finite"),
    ],
)
def test_bad_input_raises_clear_errors(call, message):
    with pytest.raises(GameValueError, match=message):
        call()
    with pytest.raises(ValueError, match="non-negative"):
        classic_attrition(1.0, 1.0).survival(-1.0)


def _value_of_waiting(rates, value, flow_cost, r):
    """Expected payoff of a player who pays nothing and waits while stages pass at ``rates``.

    Stage durations are independent exponentials, so E[exp(-rT)] = prod(rate / (rate + r))
    and the expected discounted flow cost is c (1 - E[exp(-rT)]) / r (c E[T] when r = 0).
    """
    rates = np.asarray(rates, dtype=float)
    if r == 0:
        return value - flow_cost * np.sum(1.0 / rates)
    discount = np.prod(rates / (rates + r))
    return value * discount - flow_cost * (1 - discount) / r


@given(
    st.integers(2, 12),
    st.integers(1, 12),
    st.floats(0.5, 10),
    st.floats(0.05, 2),
    positive,
    st.one_of(st.just(0.0), st.floats(1e-3, 0.3)),
)
def test_threshold_attrition_every_stage_is_indifferent(n, k, value, cost, c, r):
    k = min(k, n - 1) if n > 1 else 1
    eq = threshold_attrition(n, k, value, cost, c, discount_rate=r)
    if not eq.exists:
        return
    h = eq.hazard
    scale = abs(value) + cost + 1
    for m in range(k):
        remaining = np.arange(n - m, n - k, -1)  # players not yet volunteered at stages m..k-1
        # never volunteer: the others (one fewer) move the stages
        never = _value_of_waiting((remaining - 1) * h[m:k], value, c, r)
        # volunteer now, then wait as a committed volunteer while the rest move the stages
        now = -cost + _value_of_waiting(remaining[1:] * h[m + 1 : k], value, c, r)
        assert never == pytest.approx(now, abs=1e-7 * scale)
    assert float(eq.payoff) == pytest.approx(
        _value_of_waiting((np.arange(n, n - k, -1) - 1) * h[:k], value, c, r), abs=1e-7 * scale
    )


@given(players, positive, positive, positive)
def test_threshold_attrition_with_one_volunteer_is_the_volunteer_war(n, value, cost, c):
    a = threshold_attrition(n, 1, value, cost, c)
    b = volunteer_attrition(n, value, cost, c)
    assert float(a.expected_delay) == pytest.approx(float(b.expected_delay), rel=1e-12)
    assert float(a.payoff) == pytest.approx(value - cost, rel=1e-9, abs=1e-9)


def test_threshold_attrition_unanimity_and_batches():
    eq = threshold_attrition(np.array([3, 3, 5]), np.array([1, 3, 2]), 3.0, 1.0, 0.5)
    assert eq.exists.all()
    # with k = N the last player is pivotal and moves at once
    assert np.isinf(eq.hazard[1, 2]) and eq.stage_delay[1, 2] == 0
    assert np.isnan(eq.hazard[0, 1]) and eq.stage_delay[0, 1] == 0
    # by hand for N = 6, k = 2, V = 3, K = 1, c = 1/2: stage 1 has h = c / (4 K) = 1/8 and
    # lasts 1/(5/8) = 1.6; U_1 = V - c * 1.6 = 2.2, W_0 = U_1 - K = 1.2, W_1 = V - K = 2, so
    # stage 0 has h = c / (5 * 0.8) = 1/8 and lasts 1/(6/8); the delays need not rise with k
    more = threshold_attrition(6, np.arange(1, 6), 3.0, 1.0, 0.5)
    assert more.expected_delay[1] == pytest.approx(1.6 + 4 / 3)
    assert float(more.payoff[1]) == pytest.approx(1.2)
    assert more.expected_delay[4] < more.expected_delay[3]
    with pytest.raises(GameValueError, match="threshold"):
        threshold_attrition(3, 4, 3.0, 1.0, 0.5)
