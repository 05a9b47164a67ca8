"""Repeated coercion: stage payoffs from Drezner's closed form, the MPE checked two ways."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from irgames.models.repeated_coercion import GRID, HORIZON, MODEL, coercion_markov_game

from irgames.analysis.parameters import ParameterError
from irgames.solvers.stochastic import policy_iteration, value_iteration
from irgames.testing import assert_claim

model = MODEL
space = model.space


def _drezner_concession(c_s, c_t, B_s, B, a_S=0.0, a_T=0.0):
    """One round of Drezner's game without an outside option: the concession (closed form)."""
    credible = c_s - a_S <= (1 - B_s) * c_t
    d = max((c_t - (1 - B) * c_s - a_T) / (2 - B), 0.0)
    deadlock = -c_s + (1 - B_s) * c_t
    if not credible or (2 - B_s) * d <= max(deadlock, 0.0):
        return 0.0
    return d


def test_worked_path_at_the_defaults():
    # c_s = 1, c_t = 3, B_s = 0.2, B_t0 = 0.9; quiet threats lower B_t by 0.05, loud by 0.15
    out = model()
    quiet = out["concession_quiet"]
    expected = [_drezner_concession(1, 3, 0.2, max(0.9 - 0.05 * k, 0.0)) for k in range(HORIZON)]
    assert np.allclose(quiet, expected, atol=1e-8)
    assert quiet[0] == pytest.approx(2.9 / 1.1)  # (3 - 0.1)/(2 - 0.9)
    loud = out["concession_loud"]
    # loud: a_T = 1 lowers each concession; at B_t = 0.3 the sender prefers sanctions
    assert np.allclose(loud[:4], [1.9 / 1.1, 1.75 / 1.25, 1.6 / 1.4, 1.45 / 1.55], atol=1e-8)
    assert np.allclose(loud[4:], 0.0)
    assert int(out["stop_round_loud"]) == 4 and int(out["stop_round_quiet"]) == HORIZON


@given(space.strategy(w_T=-20.0))
def test_quiet_path_is_drezners_concession_round_by_round(point):
    p = {k: float(v) for k, v in point.items()}
    p["B_t0"] = float(GRID[round(p["B_t0"] * (GRID.size - 1))])  # start on the grid
    c_s, c_t, B_s = p["c_s"], p["c_t"], p["B_s"]
    # stay clear of the sender's indifference between demanding, sanctions and the status quo
    if abs(c_s - (1 - B_s) * c_t) < 1e-6 * (c_s + c_t):
        return
    out = model(**p)
    B = p["B_t0"]
    h = GRID[1] - GRID[0]
    for k in range(HORIZON):
        d = _drezner_concession(c_s, c_t, B_s, B)
        deadlock = -c_s + (1 - B_s) * c_t
        if abs((2 - B_s) * max((c_t - (1 - B) * c_s) / (2 - B), 0) - max(deadlock, 0)) < 1e-6:
            return  # a tie between conceding and another outcome: either path is right
        assert float(out["concession_quiet"][k]) == pytest.approx(d, abs=1e-8 * (c_s + c_t))
        threat = c_s <= (1 - B_s) * c_t and max(deadlock, (2 - B_s) * d) > 0
        B = max(B - p["erosion_quiet"] * h, 0.0) if threat else min(B + p["recovery"] * h, 1.0)
        B = float(GRID[round(B / h)])


@given(st.integers(0, 2**32 - 1))
def test_the_policy_has_no_profitable_one_shot_deviation(seed):
    p = space.sample(50, seed)
    out = model.evaluate(p)
    assert np.all(out["regret"] <= 1e-9 * out["payoff_scale"])


def test_policy_iteration_and_value_iteration_agree():
    # two generic solvers, two algorithms: the same optimal values
    p = space.sample(60, 123)
    # value iteration contracts at rate delta: keep it patient enough to be slow, not stuck
    p["delta"] = np.minimum(p["delta"], 0.9)
    names = ("c_s", "c_t", "B_s", "a_S", "a_T", "w_T", "erosion_quiet", "erosion_loud")
    game = coercion_markov_game(*(p[k] for k in names), p["recovery"], p["delta"])
    by_policy = policy_iteration(game.payoffs[..., 0, :], game.transitions, game.delta)
    by_values = value_iteration(game, tol=1e-12)
    assert bool(by_values.converged.all())
    scale = game.payoff_scale[..., None]
    assert np.all(np.abs(by_values.values[..., 0] - by_policy.values) <= 1e-7 * scale)


def test_the_equilibrium_value_is_the_discounted_sum_along_its_path():
    # simulate the equilibrium policy from a grid start for many rounds (independently of
    # the solver's linear algebra) and sum the discounted payoffs
    p = {**space.defaults(), "recovery": 2, "delta": 0.95}
    out = model(**p)
    names = ("c_s", "c_t", "B_s", "a_S", "a_T", "w_T", "erosion_quiet", "erosion_loud")
    game = coercion_markov_game(*(p[k] for k in names), p["recovery"], p["delta"])
    policy = policy_iteration(game.payoffs[..., 0, :], game.transitions, game.delta).policy
    state = round(p["B_t0"] * (GRID.size - 1))
    total, weight = 0.0, 1.0 - p["delta"]
    for _ in range(800):
        a = int(policy[state])
        total += weight * float(game.payoffs[state, 0, a])
        weight *= p["delta"]
        state = int(np.argmax(game.transitions[state, a]))
    assert total == pytest.approx(float(out["value_S"]), abs=1e-9)
    # here restraint pays: the sender skips rounds to let the ally's expectations recover
    assert float(out["value_S"]) > float(out["value_quiet"]) + 0.1
    assert 0 < float(out["coercion_mpe"].mean()) < 1


def test_a_target_with_an_outside_option_realigns_under_loud_coercion():
    out = model(w_T=-2.0)
    assert int(out["realign_round_loud"]) < HORIZON
    assert int(out["realign_round_quiet"]) == HORIZON
    r = int(out["realign_round_loud"])
    assert np.allclose(out["concession_loud"][r:], 0.0)


@pytest.mark.parametrize("claim", model.claims, ids=lambda c: c.name)
def test_claim_holds_over_its_domain(claim):
    assert_claim(model, claim, n=200, seed=7, segments=15, use_hypothesis=False)


def test_sweeps_on_numpy_and_dask_agree():
    pytest.importorskip("dask")
    from irgames.analysis.sweep import Range, sweep

    a = sweep(model, B_t0=Range(n=3), delta=Range(n=2), backend="numpy", chunk_size=2)
    b = sweep(model, B_t0=Range(n=3), delta=Range(n=2), backend="dask", chunk_size=2)
    for name in ("value_S", "concession_quiet", "stop_round_loud"):
        assert np.allclose(a[name], b[name], atol=1e-12)


def test_figure_is_deterministic_and_draws(tmp_path):
    pytest.importorskip("matplotlib")
    from irgames.plot import render_figure

    figure = model.figures[0]
    one, two = figure.compute(), figure.compute()
    assert all(np.array_equal(one[k], two[k]) for k in one)
    png, csv = render_figure(figure, tmp_path)
    assert png.stat().st_size > 0 and csv.read_text().count("\n") == HORIZON + 1


def test_bad_parameters_are_rejected():
    with pytest.raises(ParameterError, match="erosion_loud >= erosion_quiet"):
        model(erosion_quiet=3, erosion_loud=1)
    with pytest.raises(ParameterError, match="delta"):
        model(delta=1.0)
