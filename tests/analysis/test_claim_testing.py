"""The pytest helpers that turn claims into property tests."""

from __future__ import annotations

import pytest
from analysis_toys import COERCION

from irgames.testing import (
    ClaimFailure,
    ClosedFormMismatch,
    assert_claim,
    assert_closed_form,
    claim_cases,
    claim_test,
)

test_threat_needs_low_cost_batch = claim_test(COERCION, "threat_needs_low_cost")
test_threat_needs_low_cost_points = claim_test(COERCION, "threat_needs_low_cost", mode="points")
test_allies_concede_more_batch = claim_test(COERCION, "allies_concede_more", n=100)


@pytest.mark.parametrize("mode", ["batch", "points"])
def test_a_false_claim_fails_its_generated_tests(mode):
    # no shrinking here: only whether the generated test fails matters
    test = claim_test(COERCION, "always_coerce", mode=mode, shrink=False)
    with pytest.raises(ClaimFailure, match="always_coerce fails"):
        test()


def test_assert_claim_reports_the_counterexample():
    assert assert_claim(COERCION, "threat_needs_low_cost", n=200).holds
    with pytest.raises(ClaimFailure, match="counterexample: c_s="):
        assert_claim(COERCION, "always_coerce", n=200)


def test_claim_cases_names_every_claim():
    cases = claim_cases([COERCION])
    assert [c.id for c in cases] == [f"coercion_toy-{c.name}" for c in COERCION.claims]
    assert cases[0].values == (COERCION, COERCION.claims[0])


def test_assert_closed_form():
    import sympy as sp

    c_s, c_t, B_t = sp.symbols("c_s c_t B_t")
    credible = lambda p: p["c_s"] <= (1 - p["B_s"]) * p["c_t"]  # noqa: E731
    d_star = (c_t - (1 - B_t) * c_s) / (2 - B_t)
    assert assert_closed_form(COERCION, "D", d_star, given=credible, n=400) > 50
    with pytest.raises(ClosedFormMismatch, match="differs from"):
        assert_closed_form(COERCION, "D", d_star * 1.001, given=credible, n=400)
    with pytest.raises(ClosedFormMismatch, match="worst at"):
        assert_closed_form(COERCION, "D", d_star, n=400)  # not the closed form off its regime
    with pytest.raises(ValueError, match="not parameters"):
        assert_closed_form(COERCION, "D", sp.Symbol("q"), n=10)


def test_assert_closed_form_evaluates_special_functions_on_arrays():
    # the normal CDF through erf: lambdified for numpy alone, erf fails on arrays
    import sympy as sp
    from scipy.stats import norm

    from irgames.analysis.model import Model, Outcome
    from irgames.analysis.parameters import Parameter, ParameterSpace

    space = ParameterSpace([Parameter("x", -3, 3, default=0)])
    model = Model("normal_cdf", "the normal CDF", space, lambda x: Outcome({"p": norm.cdf(x)}))
    x = sp.Symbol("x")
    assert assert_closed_form(model, "p", (1 + sp.erf(x / sp.sqrt(2))) / 2, n=50) == 50
    with pytest.raises(ClosedFormMismatch):
        assert_closed_form(model, "p", (1 + sp.erf(x)) / 2, n=50)
