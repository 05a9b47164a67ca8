"""Global games of regime change: Morris-Shin closed forms and the best-response property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import minimize_scalar

from irgames.games.normal_form import GameValueError
from irgames.solvers.global_games import (
    best_response_cutoff,
    noiseless_limit,
    regime_change_cutoffs,
    regime_threshold,
    uniqueness_condition,
)

ratio = st.floats(0.02, 0.98)
noise = st.floats(0.01, 3.0)
benefit = st.floats(0.1, 10.0)


def expected_gain(x, cutoff, b, c, sigma, y=0.0, alpha=0.0):
    """E[b 1{regime falls} - c | signal x] when all others attack iff their signal < cutoff.

    Computed from the definitions by quadrature: the regime of strength theta falls iff the
    attacking mass Phi((cutoff - theta)/sigma) is at least theta; the posterior density is
    prior(theta) * phi((x - theta)/sigma) (in logs, shifted to avoid underflow), normalised
    numerically.
    """

    def log_density(theta):
        log_prior = 0.0 if alpha == 0 else -0.5 * alpha * (theta - y) ** 2
        return log_prior - 0.5 * ((x - theta) / sigma) ** 2

    def attacking(theta):
        return 0.5 * math.erfc(-(cutoff - theta) / (sigma * math.sqrt(2)))

    # the regime falls for theta <= 0 and never for theta >= 1; in between the attacking mass
    # minus theta decreases, so it falls exactly on (-inf, t], t found here by bisection
    a, z = 0.0, 1.0
    for _ in range(60):
        m = (a + z) / 2
        a, z = (m, z) if attacking(m) >= m else (a, m)
    t = (a + z) / 2
    # locate the mode numerically (the log density is concave; it lies between x and y)
    ends = (x, y) if alpha > 0 else (x, x)
    mode = minimize_scalar(
        lambda t: -log_density(t),
        bounds=(min(ends) - 1, max(ends) + 1),
        method="bounded",
        options={"xatol": 1e-10},
    ).x
    top = log_density(mode)
    sd = 1 / math.sqrt(alpha + sigma**-2)
    lo, hi = mode - 16 * sd, mode + 16 * sd

    def density(theta):
        return math.exp(log_density(theta) - top)

    mass = quad(density, lo, hi, limit=200, epsabs=0, epsrel=1e-11)[0]
    win = quad(density, lo, min(max(t, lo), hi), limit=200, epsabs=0, epsrel=1e-11)[0]
    return b * win / mass - c


@given(benefit, ratio, noise)
def test_morris_shin_threshold_under_the_uniform_prior(b, r, sigma):
    eq = regime_change_cutoffs(b, r * b, sigma)
    assert eq.count == 1 and bool(eq.unique)
    assert eq.threshold[0] == pytest.approx(1 - r, abs=1e-10)
    # the threshold is where the attacking mass just equals the regime's strength
    assert eq.attacking_share(eq.threshold)[0] == pytest.approx(eq.threshold[0], abs=1e-10)
    assert abs(eq.residual[0]) <= 1e-10 * b


@given(benefit, ratio, noise, st.floats(-1, 2), st.floats(0, 8))
def test_every_cutoff_is_a_best_response_to_itself(b, r, sigma, y, alpha):
    c = r * b
    eq = regime_change_cutoffs(b, c, sigma, prior_mean=y, prior_precision=alpha)
    assert eq.count >= 1
    for x_star in eq.cutoff:
        # the marginal type is indifferent (by quadrature, not the solver's formula)
        assert abs(expected_gain(x_star, x_star, b, c, sigma, y, alpha)) <= 1e-6 * b
        # a fixed point of the best-response map
        br = best_response_cutoff(x_star, b, c, sigma, prior_mean=y, prior_precision=alpha)
        assert br == pytest.approx(x_star, abs=1e-8 * (1 + abs(x_star)))


@given(benefit, ratio, noise, st.floats(-1, 2), st.floats(0, 8))
def test_lower_signals_attack_and_higher_do_not(b, r, sigma, y, alpha):
    c = r * b
    eq = regime_change_cutoffs(b, c, sigma, prior_mean=y, prior_precision=alpha)
    assume(bool(eq.unique))
    x_star = eq.cutoff[0]
    step = 0.05 * sigma
    assert expected_gain(x_star - step, x_star, b, c, sigma, y, alpha) > 0
    assert expected_gain(x_star + step, x_star, b, c, sigma, y, alpha) < 0


@given(ratio, st.floats(0.2, 3.0), st.floats(-0.5, 1.5), st.floats(0.1, 12))
def test_all_equilibria_found_against_a_scan_of_the_best_response_map(r, sigma, y, alpha):
    eq = regime_change_cutoffs(1.0, r, sigma, prior_mean=y, prior_precision=alpha)
    assert (eq.count == 1) | ~eq.unique
    assert eq.count in (1, 2, 3)
    # fixed points of BR(x) - x, by a dense scan over a range that holds every cutoff
    xs = np.sinh(np.linspace(-7, 7, 3001))  # dense near 0, reaching beyond +-500
    gap = best_response_cutoff(xs, 1.0, r, sigma, prior_mean=y, prior_precision=alpha) - xs
    crossings = int(np.sum(np.sign(gap[:-1]) * np.sign(gap[1:]) < 0))
    assume(np.min(np.abs(gap)) > 1e-6)  # skip near-tangencies the scan cannot resolve
    assert crossings == int(eq.count)


def test_three_equilibria_with_precise_public_information():
    eq = regime_change_cutoffs(1.0, 0.5, noise=1.0, prior_mean=0.5, prior_precision=5.0)
    assert eq.count == 3 and not eq.unique
    assert eq.threshold[1] == pytest.approx(0.5, abs=1e-12)  # symmetric case
    assert eq.threshold[0] < 0.1 and eq.threshold[2] > 0.9


@given(ratio, st.floats(0.1, 5), st.floats(-1, 2))
def test_noiseless_limit_is_one_minus_c_over_b(r, alpha, y):
    eq = regime_change_cutoffs(1.0, r, noise=1e-7, prior_mean=y, prior_precision=alpha)
    assert eq.count == 1
    assert eq.threshold[0] == pytest.approx(float(noiseless_limit(1.0, r)), abs=1e-5)


def test_uniqueness_condition_is_alpha_squared_sigma_squared_at_most_two_pi():
    alpha = np.sqrt(2 * np.pi)
    assert uniqueness_condition(1.0, alpha * 0.999) and not uniqueness_condition(1.0, alpha * 1.001)
    # just beyond the bound, a symmetric game has three equilibria
    eq = regime_change_cutoffs(1.0, 0.5, noise=1.0, prior_mean=0.5, prior_precision=alpha * 1.2)
    assert eq.count == 3


def test_batch_and_regime_threshold():
    sigma = np.array([0.1, 0.5, 1.0])
    eq = regime_change_cutoffs(1.0, np.array([[0.2], [0.6]]), sigma)
    assert eq.batch_shape == (2, 3) and np.all(eq.count == 1)
    assert np.allclose(eq.extreme("min"), [[0.8] * 3, [0.4] * 3])
    t = regime_threshold(eq.cutoff, eq.noise.reshape(-1)[eq.game_index])
    assert np.allclose(t, eq.threshold, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(benefit=1.0, cost=1.0, noise=0.1), "0 < c < b"),
        (dict(benefit=1.0, cost=0.0, noise=0.1), "cost must be positive"),
        (dict(benefit=1.0, cost=0.5, noise=0.0), "noise must be positive"),
        (dict(benefit=1.0, cost=0.5, noise=0.1, prior_precision=-1.0), "non-negative"),
        (dict(benefit=1.0, cost=0.5, noise=np.nan), "finite"),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, message):
    with pytest.raises(GameValueError, match=message):
        regime_change_cutoffs(**kwargs)


@given(benefit, ratio, noise, st.floats(-1, 2), st.floats(0, 8), st.floats(0.1, 10))
def test_common_rescaling_of_payoffs_changes_nothing(b, r, sigma, y, alpha, scale):
    kwargs = dict(noise=sigma, prior_mean=y, prior_precision=alpha)
    base = regime_change_cutoffs(b, r * b, **kwargs)
    moved = regime_change_cutoffs(scale * b, scale * r * b, **kwargs)
    assert np.array_equal(base.count, moved.count)
    assert np.allclose(base.threshold, moved.threshold, atol=1e-9)
