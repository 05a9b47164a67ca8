"""Balance of threat: worked numbers, closed forms via the generic solvers, and every claim."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from irgames.models.balance_of_threat import MODEL as balance_of_threat
from irgames.models.balance_of_threat import ROUNDS, harm, stage_game

from irgames.games.regret import regret
from irgames.testing import assert_claim

model = balance_of_threat
space = model.space


def at(**values):
    """The model at the defaults, overridden by ``values``."""
    return model(**{**space.defaults(), **values})


def test_worked_number_volunteers_dilemma():
    # THEORIES.md: b = 1, c = 0.4, N = 5 gives a balancing probability of 0.205 each.
    out = at(
        intentions=1.0,
        power=1.0,
        proximity=1.0,
        offense=1.0,
        stakes=1.0,
        cost=0.4,
        bandwagon_gain=0.05,
        bandwagon_loss=0.6,
        n_states=5,
        threshold=1,
    )
    assert float(out["balance_probability"]) == pytest.approx(0.205, abs=5e-4)
    assert float(out["no_balancing"]) == pytest.approx(0.4 ** (5 / 4), rel=1e-8)


def test_power_alone_worked_example():
    # benign intentions: nobody balances at any power, and bandwagoning pays
    out = model(intentions=np.zeros(5), power=np.linspace(0, 1, 5))
    assert np.all(out["balances"] == 0) and np.all(out["cutoff"] == 0)
    assert np.all(out["bandwagons"] == 1)


@given(space.strategy())
def test_volunteers_dilemma_closed_form_at_random_points(point):
    point = {**point, "threshold": 1.0}
    out = model.evaluate({k: np.asarray(v) for k, v in point.items()})
    h = harm(point["power"], point["proximity"], point["offense"], point["stakes"])
    mu, n = point["intentions"], point["n_states"]
    b = mu * h
    c = point["cost"] + max(point["bandwagon_gain"] - mu * point["bandwagon_loss"], 0.0)
    p = float(out["balance_probability"])
    if b > c * (1 + 1e-9):
        assert p == pytest.approx(1 - (c / b) ** (1 / (n - 1)), rel=1e-7, abs=1e-12)
        assert float(out["no_balancing"]) == pytest.approx((c / b) ** (n / (n - 1)), rel=1e-6)
        # Morris-Shin: the hegemon is contained iff its strength is below 1 - c/b
        assert float(out["cutoff"]) == pytest.approx(1 - c / b, abs=1e-9)
    elif b < c * (1 - 1e-9):
        assert p == 0 and float(out["cutoff"]) == 0


@given(space.strategy())
def test_reported_equilibrium_has_no_profitable_deviation(point):
    out = model.evaluate({k: np.asarray(v) for k, v in point.items()})
    h = harm(point["power"], point["proximity"], point["offense"], point["stakes"])
    n = int(point["n_states"])
    game = stage_game(
        point["intentions"],
        h,
        point["cost"],
        point["bandwagon_gain"],
        point["bandwagon_loss"],
        n,
        point["threshold"],
    )
    p = float(out["balance_probability"])
    scale = float(game.payoff_scale)
    assert float(game.symmetric_regret(p)) <= 1e-9 * scale
    if n <= 6:  # the full normal form, and the regret of irgames.games.regret
        profile = [np.array([1 - p, p])] * n
        assert regret(game.to_normal_form(), profile).max() <= 1e-9 * scale


@given(space.strategy())
def test_learning_paths_follow_bayes_rule(point):
    out = model.evaluate({k: np.asarray(v) for k, v in point.items()})
    mu, qp, qb = point["intentions"], point["demand_predatory"], point["demand_benign"]
    t = np.arange(ROUNDS + 1)

    def bayes(like_predatory, like_benign):
        # P(predatory | t signals) = mu L_P^t / (mu L_P^t + (1 - mu) L_B^t), in logs
        if mu == 0:
            return np.zeros(t.size)
        a = np.log(mu) + t * np.log(like_predatory)
        b = np.log1p(-mu) + t * np.log(like_benign) if mu < 1 else np.full(t.size, -np.inf)
        return np.exp(a - np.logaddexp(a, b))

    assert np.allclose(out["posterior_path"], bayes(qp, qb), atol=1e-9)
    assert np.allclose(out["benign_path"], bayes(1 - qp, 1 - qb), atol=1e-9)
    # the penny drops in the first round where a containing coalition is an equilibrium:
    # where the expected harm covers the effective cost at that round's posterior
    h = harm(point["power"], point["proximity"], point["offense"], point["stakes"])
    post = out["posterior_path"]
    c_t = point["cost"] + np.maximum(point["bandwagon_gain"] - post * point["bandwagon_loss"], 0)
    margin = post * h - c_t
    if np.all(np.abs(margin) > 1e-9 * (h + 1)):
        rounds = np.flatnonzero(margin > 0)
        if rounds.size:
            assert float(out["penny_round"]) == rounds[0]
        else:
            assert np.isnan(out["penny_round"]) and not out["balances_eventually"]


@given(space.strategy())
def test_war_of_attrition_delay_closed_form(point):
    out = model.evaluate({k: np.asarray(v) for k, v in point.items()})
    h = harm(point["power"], point["proximity"], point["offense"], point["stakes"])
    n, k = point["n_states"], point["threshold"]
    c = point["cost"] + max(point["bandwagon_gain"] - point["bandwagon_loss"], 0.0)
    delay, first = float(out["expected_delay"]), float(out["first_balancer_delay"])
    if h <= c:
        assert np.isnan(delay)
        return
    # the first balancer: exponential race at rate N h_0; for k = 1 Bliss-Nalebuff's
    # (N - 1) c / (N rate h); under unanimity nobody waits
    if k == 1:
        assert delay == pytest.approx((n - 1) * c / (n * point["harm_rate"] * h), rel=1e-9)
    if k == n:
        assert delay == 0
    assert first <= delay + 1e-12


def test_penny_round_bisection_equals_the_scan_of_every_round():
    # The model finds the first containing round by bisection, which needs containment to be
    # monotone along the predatory path; scan every round with the generic solver instead.
    from irgames.models.balance_of_threat import _balancing, _penny_round

    points = space.sample(120, seed=11)
    points["intentions"][:10] = np.linspace(0.0, 1.0, 10)  # the ends of the prior too
    out = model(**points)
    path = out["posterior_path"]
    h = harm(points["power"], points["proximity"], points["offense"], points["stakes"])
    args = [h, points["cost"], points["bandwagon_gain"], points["bandwagon_loss"]]
    args += [points["n_states"], points["threshold"]]
    _, contain = _balancing(path, *(np.asarray(a)[:, None] for a in args), mixed=False)
    # the premise: once contained, contained in every later round
    assert np.all(contain[:, 1:] >= contain[:, :-1])
    started = contain.any(-1)
    scan = np.where(started, np.argmax(contain, -1), np.nan)
    np.testing.assert_array_equal(out["balances_eventually"], started)
    np.testing.assert_array_equal(out["penny_round"], scan)
    assert 0 < started.sum() < started.size  # both kinds of point are exercised
    again = _penny_round(path, *args)
    np.testing.assert_array_equal(again[1], scan)


def test_no_runtime_warning_at_the_corners_of_the_space():
    # Warnings from irgames are errors in CI; the model's own arithmetic (posterior odds at
    # priors 0 and 1, empty stages) must not warn either.
    import warnings

    names = space.names
    rng = np.random.default_rng(4)
    lows = {p.name: p.low for p in space.parameters}
    highs = {p.name: p.high for p in space.parameters}
    corner = {n: np.where(rng.random(64) < 0.5, lows[n], highs[n]) for n in names}
    corner["threshold"] = np.minimum(corner["threshold"], corner["n_states"])
    informative = corner["demand_benign"] + 0.09 <= corner["demand_predatory"]
    corner["demand_benign"] = np.where(informative, corner["demand_benign"], 0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = model(**corner)
    for name in ("posterior_path", "benign_path"):
        assert np.all((out[name] >= 0) & (out[name] <= 1))


CHEAP = dict(n=150, segments=20, use_hypothesis=False)


@pytest.mark.parametrize("claim", model.claims, ids=lambda c: c.name)
def test_claim_holds_over_its_domain(claim):
    sub = space
    if claim.name == "no_balancing_rises_with_potential_balancers":
        sub = space.restrict(threshold=1)
    assert_claim(model, claim, space=sub, seed=7, **CHEAP)


def test_unanimity_exception_is_real():
    # With k = N the symmetric mixed equilibrium has perverse statics: more threat, less
    # balancing by each. The claims exclude it; here we check that exclusion is needed.
    base = {
        **space.defaults(),
        "n_states": 6.0,
        "threshold": 6.0,
        "stakes": 5.0,
        "intentions": np.array([0.8, 0.9]),
    }
    out = model.evaluate(base)
    assert out["balances"][1] < out["balances"][0]


def test_figures_compute_deterministic_data():
    for figure in model.figures:
        first, second = figure.compute(), figure.compute()
        assert first.keys() == second.keys()
        for k in first:
            assert np.array_equal(np.asarray(first[k]), np.asarray(second[k]), equal_nan=True)


def test_figures_draw(tmp_path):
    pytest.importorskip("matplotlib")
    from irgames.plot import render_figure

    for figure in model.figures:
        png, csv = render_figure(figure, tmp_path)
        assert png.stat().st_size > 0 and csv.read_text().count("\n") > 2
