"""Issue linkage: critical discount factors from the repeated-game tools, coercive linkage."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from irgames.models.issue_linkage import MODEL

from irgames.analysis.parameters import ParameterError
from irgames.testing import assert_claim

model = MODEL
space = model.space


def test_worked_numbers():
    # THEORIES.md section 1: trade (5, 3, 1) gives 1/2, security (10, 3, 1) gives 7/9,
    # linked 9/13
    out = model(delta=0.7)
    assert float(out["delta_trade"]) == pytest.approx(0.5, abs=1e-12)
    assert float(out["delta_security"]) == pytest.approx(7 / 9, abs=1e-12)
    assert float(out["delta_linked"]) == pytest.approx(9 / 13, abs=1e-12)
    assert bool(out["trade_alone"]) and not bool(out["security_alone"])
    assert bool(out["linked_holds"]) and bool(out["only_linked"])
    below = model(delta=0.68)  # between 1/2 and 9/13: trade only
    assert bool(below["trade_alone"]) and not bool(below["linked_holds"])


def _thr(T, R, P):
    return (T - R) / (T - P)


@given(st.integers(0, 2**32 - 1))
def test_thresholds_match_the_closed_forms(seed):
    p = space.sample(200, seed)
    out = model.evaluate(p)
    trade = np.maximum(
        _thr(p["T_trade_S"], p["R_trade"], p["P_trade"]),
        _thr(p["T_trade_T"], p["R_trade"], p["P_trade"]),
    )
    security = np.maximum(
        _thr(p["T_security_S"], p["R_security"], p["P_security"]),
        _thr(p["T_security_T"], p["R_security"], p["P_security"]),
    )
    link = np.maximum.reduce(
        [
            (p[f"T_trade_{i}"] - p["R_trade"] + p[f"T_security_{i}"] - p["R_security"])
            / (p[f"T_trade_{i}"] - p["P_trade"] + p[f"T_security_{i}"] - p["P_security"])
            for i in ("S", "T")
        ]
    )
    assert np.allclose(out["delta_trade"], trade, rtol=1e-9, atol=1e-12)
    assert np.allclose(out["delta_security"], security, rtol=1e-9, atol=1e-12)
    assert np.allclose(out["delta_linked"], link, rtol=1e-9, atol=1e-12)
    d = p["delta"]
    for name, value in (
        ("trade_alone", trade),
        ("security_alone", security),
        ("linked_holds", link),
    ):
        clear = np.abs(d - value) > 1e-9
        assert np.array_equal(out[name][clear], (d >= value)[clear])


def test_linkage_sustains_a_deal_neither_issue_sustains_alone():
    # the sender is tempted in trade, the target in security: each issue alone needs 3/4,
    # linked each player needs (6 + 1.5)/(8 + 3.5)
    out = model(delta=0.7, T_trade_S=9.0, T_trade_T=4.5, T_security_S=4.5, T_security_T=9.0)
    assert float(out["delta_trade"]) == pytest.approx(0.75)
    assert float(out["delta_security"]) == pytest.approx(0.75)
    assert float(out["delta_linked"]) == pytest.approx(7.5 / 11.5)
    assert bool(out["neither_alone"]) and bool(out["linked_holds"])


@given(st.integers(0, 2**32 - 1))
def test_coercive_linkage_is_drezners_game_with_trade_costs(seed):
    p = space.sample(200, seed)
    out = model.evaluate(p)
    loss = (p["R_trade"] - p["P_trade"]) / (1 - p["delta"])
    c_s, c_t = p["exposure_S"] * loss, p["exposure_T"] * loss
    assert np.allclose(out["cost_T"], c_t, rtol=1e-12)
    clear = np.abs(c_s - (1 - p["B_s"]) * c_t) > 1e-7 * (c_s + c_t)
    credible = c_s <= (1 - p["B_s"]) * c_t
    assert np.array_equal(out["coercion_credible"][clear], credible[clear])
    assert not np.any(out["coercion_threatens"][clear & ~credible])
    d_star = (c_t - (1 - p["B_t"]) * c_s) / (2 - p["B_t"])
    won = clear & credible & (d_star > 1e-7 * c_t)
    assert won.sum() > 10
    assert np.allclose(out["defence_concession"][won], d_star[won], rtol=1e-8)
    assert np.allclose(out["coercion_utility_S"][won], ((2 - p["B_s"]) * d_star)[won], rtol=1e-8)


@pytest.mark.parametrize("claim", model.claims, ids=lambda c: c.name)
def test_claim_holds_over_its_domain(claim):
    assert_claim(model, claim, n=300, seed=5, segments=20, use_hypothesis=False)


def test_linkage_figure_shows_the_band_of_theories_md():
    data = model.figure("issue_linkage_region").compute()
    again = model.figure("issue_linkage_region").compute()
    assert all(np.array_equal(np.asarray(data[k]), np.asarray(again[k])) for k in data)
    row = int(np.argmin(np.abs(data["T_security"].reshape(-1) - 10.0)))
    assert data["T_security"].reshape(-1)[row] == pytest.approx(10.0)
    delta = data["delta"].reshape(-1)
    only = data["region"][row] == 3
    assert only.any()
    assert delta[only].min() >= 9 / 13 - 1e-12 and delta[only].max() < 7 / 9


def test_figure_draws(tmp_path):
    pytest.importorskip("matplotlib")
    from irgames.plot import render_figure

    png, csv = render_figure(model.figures[0], tmp_path)
    assert png.stat().st_size > 0 and csv.read_text().count("\n") > 2


def test_sweeps_on_numpy_and_dask_agree():
    pytest.importorskip("dask")
    from irgames.analysis.sweep import Range, sweep

    a = sweep(model, delta=Range(0.4, 0.9, 6), exposure_T=Range(n=3), backend="numpy", chunk_size=5)
    b = sweep(model, delta=Range(0.4, 0.9, 6), exposure_T=Range(n=3), backend="dask", chunk_size=5)
    for name in ("delta_linked", "linked_holds", "defence_concession"):
        assert np.allclose(a[name], b[name], atol=1e-12)


def test_bad_parameters_are_rejected():
    with pytest.raises(ParameterError, match="R_trade"):
        model(R_trade=6.0)
    with pytest.raises(ParameterError, match="delta"):
        model(delta=1.0)
