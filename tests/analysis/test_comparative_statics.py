"""Comparative statics: numeric and symbolic derivatives against the closed form."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from analysis_toys import COERCION
from hypothesis import given
from hypothesis import strategies as st

from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterError, ParameterSpace
from irgames.analysis.statics import (
    check_symbolic,
    derivative,
    elasticity,
    implicit_derivative,
    monotone,
    sign_under,
    statics_table,
    symbolic_derivative,
    symbols,
)

c_s, c_t, B_s, B_t = sp.symbols("c_s c_t B_s B_t")
D_STAR = (c_t - (1 - B_t) * c_s) / (2 - B_t)


SYMBOLIC_dD_dBt = sp.lambdify((c_s, c_t, B_t), symbolic_derivative(D_STAR, "B_t"))


def analytic_dD_dBt(p):
    # by hand: d/dB [c_t - (1 - B) c_s] / (2 - B) = (c_s + c_t) / (2 - B)^2
    return (p["c_s"] + p["c_t"]) / (2 - p["B_t"]) ** 2


def analytic_dD_dcs(p):
    return -(1 - p["B_t"]) / (2 - p["B_t"])


def _credible_points(seed, n=60):
    draws = COERCION.space.sample(4 * n, seed)
    keep = draws["c_s"] <= (1 - draws["B_s"]) * draws["c_t"]
    return {k: v[keep][:n] for k, v in draws.items()}


@given(st.integers(0, 2**32 - 1))
def test_numeric_and_symbolic_derivatives_agree_with_the_analytic_one(seed):
    points = _credible_points(seed)
    d = derivative(COERCION, "D", "B_t", points)
    smooth = ~d.kink & ~d.one_sided  # one-sided differences are only first-order accurate
    np.testing.assert_allclose(d.value[smooth], analytic_dD_dBt(points)[smooth], rtol=1e-5)
    np.testing.assert_allclose(
        SYMBOLIC_dD_dBt(points["c_s"], points["c_t"], points["B_t"]),
        analytic_dD_dBt(points),
        rtol=1e-12,
    )
    d_cs = derivative(COERCION, "D", "c_s", points)
    ok = ~d_cs.kink & ~d_cs.one_sided
    np.testing.assert_allclose(d_cs.value[ok], analytic_dD_dcs(points)[ok], rtol=1e-5, atol=1e-9)


def test_check_symbolic_agrees_on_the_credible_region_and_catches_a_wrong_formula():
    credible = lambda p: p["c_s"] <= (1 - p["B_s"]) * p["c_t"]  # noqa: E731
    good = check_symbolic(COERCION, "D", "B_t", D_STAR, n=300, given=credible)
    assert good.agree and good.n_points > 50 and good.max_error < 1e-4
    wrong = (c_t - (1 - B_t) * c_s) / (2 + B_t)
    bad = check_symbolic(COERCION, "D", "B_t", wrong, n=300, given=credible)
    assert not bad.agree


def test_kinks_at_regime_boundaries_are_detected():
    # along c_s at c_t = 3, B_s = 0.5, the threat stops being credible at c_s = 1.5
    cs = np.array([1.0, 1.5, 2.0])
    d = derivative(COERCION, "D", "c_s", {"c_s": cs})
    assert d.kink.tolist() == [False, True, False]
    np.testing.assert_allclose(d.left[0], -0.5 / 1.5, rtol=1e-6)
    space = ParameterSpace([Parameter("x", -1, 1, default=0.5)])
    smooth = Model("cube", "x^3", space, lambda x: Outcome({"y": x**3}))
    # no false kink at a stationary point (the left and right differences differ by h f'')
    x = np.array([-0.5, 0.0, 1e-3, 0.5])
    d = derivative(smooth, "y", "x", {"x": x})
    assert not d.kink.any()
    np.testing.assert_allclose(d.value, 3 * x**2, atol=1e-9)


def test_one_sided_differences_at_bounds():
    space = ParameterSpace([Parameter("x", 0, 1, default=0.5)])
    m = Model("sq", "x^2", space, lambda x: Outcome({"y": x**2}))
    d = derivative(m, "y", "x", {"x": np.array([0.0, 0.5, 1.0])})
    assert d.one_sided.tolist() == [True, False, True]
    np.testing.assert_allclose(d.value, [0.0, 1.0, 2.0], atol=1e-4)
    with pytest.raises(ParameterError, match="unknown parameter 'z'"):
        derivative(m, "y", "z")


def test_elasticity():
    space = ParameterSpace([Parameter("x", 0.1, 10, default=1)])
    power = Model("power", "x^2.5", space, lambda x: Outcome({"y": x**2.5}))
    e = elasticity(power, "y", "x", {"x": np.array([0.5, 2.0, 7.0])})
    np.testing.assert_allclose(e, 2.5, rtol=1e-6)


def test_monotone_reports_where_it_fails():
    rises = monotone(COERCION, "D", "B_t", given=lambda p, o: o["credible"], n=100)
    assert rises.holds and rises.n_points > 0
    # D is not monotone in c_s: it falls while credible, then drops to 0 and stays
    up = monotone(COERCION, "D", "c_s", n=100)
    assert not up.holds and up.share < 1
    fail = up.first_failure()
    assert fail["c_s_from"] < fail["c_s_to"] and fail["drop"] > 0
    assert monotone(COERCION, "D", "c_s", direction="decreasing", n=100).holds


def test_implicit_function_theorem():
    # interior optimum of a*x - x^2/2 - b*x^3/3: F = a - x - b x^2 = 0
    x, a, b = sp.symbols("x a b", positive=True)
    F = a - x - b * x**2
    dxda = implicit_derivative(F, x, a)
    assert sp.simplify(dxda - 1 / (1 + 2 * b * x)) == 0
    # against the explicit root x(a) = (-1 + sqrt(1 + 4ab)) / (2b)
    root = (-1 + sp.sqrt(1 + 4 * a * b)) / (2 * b)
    explicit = sp.diff(root, a)
    for av, bv in [(0.3, 2.0), (5.0, 0.1)]:
        val = float(dxda.subs({x: root}).subs({a: av, b: bv}))
        assert val == pytest.approx(float(explicit.subs({a: av, b: bv})), rel=1e-12)
    # a system: x + y = a, x - y = b gives dx/da = dy/da = 1/2
    y = sp.Symbol("y")
    sys_d = implicit_derivative([x + y - a, x - y - b], [x, y], a)
    assert list(sys_d) == [sp.Rational(1, 2), sp.Rational(1, 2)]
    with pytest.raises(ValueError, match="singular"):
        implicit_derivative(a - b, x, a)


def test_signs_under_the_space():
    space = COERCION.space
    positive = sign_under(symbolic_derivative(D_STAR, "B_t"), space)
    assert positive.sign == 1 and positive.proved and positive.strict
    # dD*/dc_s = -(1 - B_t)/(2 - B_t): < 0 inside the box, 0 at the closed end B_t = 1
    dD_dcs = symbolic_derivative(D_STAR, "c_s")
    negative = sign_under(dD_dcs, space)
    assert negative.sign == -1 and negative.proved
    assert dD_dcs.subs(B_t, 1) == 0
    mixed = sign_under(c_t - 2 * c_s, space)
    assert mixed.sign is None and 0 < mixed.share_positive < 1
    with pytest.raises(ParameterError, match="not parameters"):
        sign_under(sp.Symbol("zeta") + c_s, space)


def test_statics_table_of_the_concession():
    # D* rises with B_t and c_t, falls with c_s (Drezner's comparative statics)
    table = statics_table(D_STAR, COERCION.space)
    assert [row[0] for row in table.rows] == ["c_s", "c_t", "B_t"]
    assert (table.sign("B_t"), table.sign("c_t"), table.sign("c_s")) == (1, 1, -1)
    assert all(sign.proved for _, _, sign in table.rows)
    assert "d/dB_t: + (proved)" in table.to_text()


def test_symbols_carry_the_domain_assumptions():
    s = symbols(COERCION.space)
    assert s["c_s"].is_positive and s["B_t"].is_nonnegative and s["B_t"].is_real
    # with these assumptions sympy decides the sign of dD*/dB_t directly
    d = symbolic_derivative(D_STAR.subs({c_s: s["c_s"], c_t: s["c_t"], B_t: s["B_t"]}), "B_t")
    assert sign_under(d, COERCION.space).sign == 1
