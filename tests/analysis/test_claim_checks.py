"""Claims: true claims hold, false ones are reported with a (shrunk) counterexample."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_toys import COERCION, ORDERED_SPACE
from hypothesis import given
from hypothesis import strategies as st

from irgames.analysis.claims import Claim, check, claims_report
from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace, Range


def test_true_pointwise_claim_holds_without_counterexample():
    result = check(COERCION, "threat_needs_low_cost", n=500)
    assert result.holds and result.share == pytest.approx(1.0)
    assert result.counterexample is None
    assert result.n_points == 500 and result.n_conditioned == 500


def test_false_claim_is_reported_with_a_counterexample():
    result = check(COERCION, "always_coerce", n=500)
    assert not result.holds
    assert 0.0 < result.share < 1.0
    ce = result.counterexample
    assert ce is not None
    # the counterexample is a point of the space where the claim really fails
    COERCION.space.validate(**ce)
    assert not bool(COERCION(**ce)["credible"])
    # it is shrunk to simple values (defaults, bounds or few digits)
    assert all(len(f"{v:.10g}") <= 6 for v in ce.values()), ce


def test_comparative_statics_claim_true_under_its_condition():
    # dD*/dB_t = (c_s + c_t) / (2 - B_t)^2 > 0 wherever the threat is credible
    result = check(COERCION, "allies_concede_more", n=400)
    assert result.holds, result.counterexample
    assert result.n_conditioned < result.n_points  # only credible points are conditioned


def test_comparative_statics_claim_false_somewhere_is_caught():
    # D falls with c_s where coercion is credible: "D rises with c_s" is false there
    wrong = Claim.increasing(
        "d_rises_with_cs",
        "D",
        "c_s",
        quote="(false)",
        source="test",
        given=lambda p, o: o["credible"],
    )
    result = check(COERCION, wrong, n=300)
    assert not result.holds
    ce = result.counterexample
    assert ce is not None and ce["c_s"] <= (1 - ce["B_s"]) * ce["c_t"] + 1e-12
    # numerically: D really falls in c_s at the counterexample
    h = 1e-4
    lower = {**ce, "c_s": ce["c_s"] - h}
    if COERCION.space.contains(**lower) and bool(COERCION(**lower)["credible"]):
        assert float(COERCION(**lower)["D"]) > float(COERCION(**ce)["D"])


def test_jump_down_breaks_an_increasing_claim():
    space = ParameterSpace([Parameter("x", 0, 1, default=0.2)])
    step = Model("step", "a drop at 1/2", space, lambda x: Outcome({"y": x - (x > 0.5)}))
    result = check(step, Claim.increasing("up", "y", "x", quote="q", source="s"), n=2000)
    # random points almost never straddle the drop; the segment check finds it
    assert not result.holds
    assert result.counterexample is not None
    assert "from 0.5 to 0.55" in result.note


def test_claim_over_a_subspace_and_a_region_map():
    always = COERCION.claim("always_coerce")
    result = check(
        COERCION, always, n=200, grid={"c_s": Range(n=9), "B_s": Range(n=5)}, space=ORDERED_SPACE
    )
    region = result.region
    assert region is not None and region.dims == ("c_s", "B_s")
    # the map agrees with the credibility condition at every grid point (c_t = 3 held)
    cs, bs = np.meshgrid(region.coords["c_s"], region.coords["B_s"], indexing="ij")
    np.testing.assert_array_equal(region.given, cs < 3.0)
    np.testing.assert_array_equal(region.holds[region.given], (cs <= (1 - bs) * 3.0)[cs < 3.0])
    assert set(np.unique(region.status())) <= {-1, 0, 1}


def test_aggregate_claim():
    share_credible = Claim(
        "some_coercion",
        "coercion happens on part of the space",
        holds=lambda p, o: 0.0 < np.mean(o["credible"]) < 1.0,
        quote="q",
        source="s",
        kind="aggregate",
    )
    result = check(COERCION, share_credible, n=300)
    assert result.holds and result.counterexample is None
    never = Claim(
        "all_coercion",
        "coercion everywhere",
        holds=lambda p, o: np.all(o["credible"]),
        quote="q",
        source="s",
        kind="aggregate",
    )
    assert not check(COERCION, never, n=300).holds


def test_claim_about_no_point_does_not_hold():
    nowhere = Claim(
        "vacuous",
        "vacuous",
        holds=lambda p, o: np.ones(np.shape(p["c_s"]), bool),
        given=lambda p, o: p["c_s"] > 10,
        quote="q",
        source="s",
    )
    result = check(COERCION, nowhere, n=100)
    assert result.n_conditioned == 0 and not result.holds and np.isnan(result.share)


def test_claims_need_quote_and_source():
    with pytest.raises(ValueError, match="quote"):
        Claim("x", "x", holds=lambda p, o: True, quote="", source="s")
    with pytest.raises(ValueError, match="outcome and parameter"):
        Claim("x", "x", quote="q", source="s", kind="increasing")


def test_claims_report_text_and_json():
    report = claims_report(COERCION, n=200)
    assert len(report) == len(COERCION.claims)
    assert not report.all_hold
    rows = json.loads(report.to_json())
    by_name = {r["claim"]: r for r in rows}
    assert by_name["threat_needs_low_cost"]["holds"] is True
    assert by_name["always_coerce"]["counterexample"] is not None
    text = report.to_text()
    assert "always_coerce" in text and "FAILS" in text and "counterexample" in text
    frame = report.to_pandas()
    assert frame.shape[0] == len(COERCION.claims)


def test_segments_do_not_compare_across_a_gap_in_the_condition():
    space = ParameterSpace([Parameter("x", 0, 1, default=0.2)])
    two_pieces = Model(
        "pieces", "two rising pieces", space, lambda x: Outcome({"y": np.where(x < 0.5, x, x - 1)})
    )
    outside = lambda p, o: (p["x"] < 0.4) | (p["x"] > 0.6)  # noqa: E731
    claim = Claim.increasing("up", "y", "x", quote="q", source="s", given=outside)
    assert check(two_pieces, claim, n=300).holds
    # without the gap in the condition the drop at 1/2 is found
    whole = Claim.increasing("up_all", "y", "x", quote="q", source="s")
    result = check(two_pieces, whole, n=300)
    assert not result.holds and "from 0.45 to 0.5" in result.note


def test_single_peaked_claims():
    space = ParameterSpace([Parameter("x", 0, 1, default=0.2), Parameter("a", 0.5, 2, default=1)])
    model = Model(
        "peaks",
        "a hump and a wave",
        space,
        lambda x, a: Outcome({"hump": -a * (x - 0.3) ** 2, "wave": np.cos(4 * np.pi * x) * a}),
    )
    hump = Claim.single_peaked("hump", "hump", "x", quote="q", source="s")
    assert check(model, hump, n=100).holds
    wave = Claim.single_peaked("wave", "wave", "x", quote="q", source="s")
    result = check(model, wave, n=100)
    assert not result.holds and result.share == 0.0
    assert "rises again after falling" in result.note
    # monotone outcomes are single-peaked too (the peak sits at an end)
    assert check(model, Claim.single_peaked("a", "hump", "a", quote="q", source="s"), n=50).holds


def test_comparative_statics_in_an_integer_parameter():
    space = ParameterSpace(
        [Parameter("N", 2, 12, default=3, integer=True), Parameter("c", 0.1, 0.9, default=0.5)]
    )
    # chance that nobody volunteers, c^(N/(N-1)): rises with N (volunteer's dilemma)
    model = Model(
        "volunteer",
        "volunteer's dilemma",
        space,
        lambda N, c: Outcome({"nobody": c ** (N / (N - 1)), "bowl": (N - 5.0) ** 2}),
    )
    rises = Claim.increasing("nobody_rises", "nobody", "N", quote="q", source="s")
    assert check(model, rises, n=200).holds
    bowl = Claim.increasing("bowl_rises", "bowl", "N", quote="q", source="s")
    result = check(model, bowl, n=200)
    assert not result.holds and result.counterexample["N"] <= 5


def test_predicates_never_see_points_outside_the_space():
    # the claim uses ~o["credible"], which needs bools: grid points outside the ordered space
    # (c_s >= c_t) must not reach it as NaN-filled floats
    seen = []

    def holds(p, o):
        seen.append(o["credible"].dtype)
        return ~o["credible"] | (p["c_s"] <= p["c_t"])

    claim = Claim("low_cost", "credible threats are cheap", holds=holds, quote="q", source="s")
    result = check(
        COERCION, claim, n=50, grid={"c_s": Range(n=7), "c_t": Range(n=7)}, space=ORDERED_SPACE
    )
    assert result.holds and all(dt == np.bool_ for dt in seen)
    assert (result.region.given == (result.region.status() >= 0)).all()


@given(
    st.lists(st.floats(-2, 2).filter(lambda a: abs(a) > 0.1), min_size=1, max_size=3),
    st.floats(0.1, 0.5),
)
def test_counterexamples_are_real_and_true_claims_have_none(coefs, level):
    """y = a . x on the unit box: "y <= t" fails on at least half of the box when t is below
    the middle of y's range (y is symmetric about it), so 400 draws find it (a miss has
    probability below 2^-400); every reported counterexample must really fail. "y <= max"
    holds and has none."""
    a = np.array(coefs)
    names = [f"x{i}" for i in range(a.size)]
    space = ParameterSpace([Parameter(n, 0, 1, default=0.5) for n in names])
    model = Model(
        "linear",
        "a . x",
        space,
        lambda **p: Outcome({"y": sum(c * p[n] for c, n in zip(a, names, strict=True))}),
    )
    lo, hi = float(np.minimum(a, 0).sum()), float(np.maximum(a, 0).sum())
    t = lo + level * (hi - lo)
    below = Claim("below", "y <= t", holds=lambda p, o: o["y"] <= t, quote="q", source="s")
    result = check(model, below, n=400, use_hypothesis=False)
    assert not result.holds
    ce = result.counterexample
    assert bool(space.contains(**ce)) and float(model(**ce)["y"]) > t
    always = Claim(
        "always", "y <= max", holds=lambda p, o: o["y"] <= hi + 1e-9, quote="q", source="s"
    )
    ok = check(model, always, n=400, use_hypothesis=False)
    assert ok.holds and ok.counterexample is None and ok.share == 1.0


# ------------------------------------------------------- claims conditioned on a thin region
def _thin_model():
    """y = x, except that y = -1 on the thin strip 0.98 < x (the claim's condition)."""
    space = ParameterSpace([Parameter("x", 0, 1, default=0.5), Parameter("z", 0, 1, default=0)])

    def solve(x, z):
        x = np.asarray(x, dtype=float)
        return Outcome({"y": np.where(x > 0.98, -1.0, x) + 0 * np.asarray(z)})

    return Model("thin", "a claim about a thin strip", space, solve)


THIN = _thin_model()
THIN_CLAIM = Claim(
    "y_is_nonnegative_on_the_strip",
    "y >= 0 where x > 0.98 (false: y = -1 there)",
    holds=lambda p, o: o["y"] >= 0,
    given=lambda p, o: p["x"] > 0.98,
    quote="(test)",
    source="test",
)


def test_more_draws_reach_the_conditioned_count_and_find_the_failure():
    few = check(THIN, THIN_CLAIM, n=100, seed=3, shrink=False, min_conditioned=0)
    # the strip is 2% of the space: 100 draws condition a few points (by default, check
    # draws more until 100 are in scope; min_conditioned=0 draws exactly n)
    assert few.n_points == 100 and few.n_conditioned < 10
    more = check(THIN, THIN_CLAIM, n=100, seed=3, shrink=False, min_conditioned=20)
    assert more.n_conditioned >= 20
    # doubling rounds: 100, 200, 400, ... up to the default cap of 20 * n
    assert more.n_points in (200, 400, 800, 1600, 2000)
    assert not more.holds and more.share == 0.0
    assert more.counterexample["x"] > 0.98
    # reproducible
    again = check(THIN, THIN_CLAIM, n=100, seed=3, shrink=False, min_conditioned=20)
    assert (again.n_points, again.n_conditioned) == (more.n_points, more.n_conditioned)


def test_more_draws_stop_at_the_cap():
    result = check(
        THIN, THIN_CLAIM, n=50, seed=0, shrink=False, min_conditioned=10**6, max_draws=300
    )
    assert result.n_points == 300
    # already enough conditioned points: exactly n draws
    whole = Claim("everywhere", "y <= 1", holds=lambda p, o: o["y"] <= 1, quote="-", source="-")
    assert check(THIN, whole, n=50, shrink=False, min_conditioned=10).n_points == 50


def test_more_draws_for_an_aggregate_claim_evaluate_all_points_together():
    mean_small = Claim(
        "mean_of_y_on_the_strip_is_negative",
        "the mean of y over the strip is negative",
        holds=lambda p, o: np.mean(o["y"]) < 0 if o["y"].size else True,
        given=lambda p, o: p["x"] > 0.98,
        quote="(test)",
        source="test",
        kind="aggregate",
    )
    result = check(THIN, mean_small, n=100, seed=1, min_conditioned=20)
    assert result.holds and result.n_conditioned >= 20


def test_negative_min_conditioned_is_refused():
    with pytest.raises(ValueError, match="min_conditioned"):
        check(THIN, THIN_CLAIM, n=10, min_conditioned=-1)


# ------------------------------------------------------------------ messages (issue 16, point 7)
def test_no_points_to_check_is_an_error_not_a_nan_share():
    from irgames.errors import ParameterError

    with pytest.raises(ParameterError, match="n=0 draws and no grid") as info:
        check(COERCION, "always_coerce", n=0)
    assert "\n" not in str(info.value)
    for bad in (-1, 2.5, True, "10"):
        with pytest.raises(ParameterError, match="integer >= 0"):
            check(COERCION, "always_coerce", n=bad)
    # with a grid, n=0 checks the grid's points only
    on_grid = check(COERCION, "always_coerce", n=0, grid={"c_s": Range(n=3)}, shrink=False)
    assert on_grid.n_points == 3 and on_grid.share == on_grid.share  # not NaN
    # a grid of bare numbers has no axis: {"c_s": 4} was 4 points, now it would be one
    with pytest.raises(ParameterError, match="has no axis"):
        check(COERCION, "always_coerce", n=10, grid={"c_s": 4})


def test_an_unknown_claim_names_the_known_ones():
    from irgames.analysis.claims import UnknownClaimError, find_claim
    from irgames.errors import IrgamesError

    with pytest.raises(UnknownClaimError) as info:
        check(COERCION, "no_such_claim", n=10)
    error = info.value
    assert isinstance(error, KeyError) and isinstance(error, IrgamesError)
    message = str(error)
    assert message.startswith("model 'coercion_toy' has no claim 'no_such_claim'; its claims")
    for c in COERCION.claims:
        assert repr(c.name) in message
    assert find_claim(COERCION, COERCION.claims[0].name) is COERCION.claims[0]
