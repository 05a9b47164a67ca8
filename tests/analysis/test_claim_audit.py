"""Claims that can fail (issue 18): the failure path for every registered model, verdicts over
the whole space and within scope, where a claim fails, and the audit report."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import irgames
from irgames.analysis.claims import AUDIT_KEYS, Claim, check, claims_report
from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace, Range
from irgames.analysis.regions import describe_failures, fit_tree

MODELS = irgames.all_models()

#: Small budgets: the claims are false by construction, so the search finds them at once.
CHEAP = {"n": 100, "find_examples": 20, "shrink_calls": 40, "segments": 5}


def _spread_outcome(model: Model) -> tuple[str, float]:
    """The first scalar float outcome that varies over a seeded sample, and its median."""
    out = model.evaluate(model.space.sample(200, 1))
    for name, value in out.data.items():
        v = np.asarray(value)
        if v.ndim == 1 and v.dtype.kind == "f":
            finite = v[np.isfinite(v)]
            if finite.size and np.ptp(finite) > 0:
                return name, float(np.median(finite))
    raise AssertionError(f"model {model.name} has no varying scalar float outcome")


def _strip_parameter(model: Model) -> Parameter:
    """The first bounded continuous parameter of the model."""
    for p in model.space.parameters:
        if p.bounded and not p.integer and p.high > p.low:
            return p
    raise AssertionError(f"model {model.name} has no bounded continuous parameter")


def _assert_real_counterexample(model: Model, claim: Claim, result) -> None:
    ce = result.counterexample
    assert ce is not None and set(ce) == set(model.space.names)
    assert bool(model.space.contains(**ce)), ce
    given, holds = claim.evaluate(model, {k: np.asarray([v]) for k, v in ce.items()})
    assert bool(given[0]) and not bool(holds.reshape(-1)[0]), ce


# ------------------------------------------------------------------ item 1: the failure path
@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_claim_above_its_median_is_reported_false_for_every_model(name):
    model = MODELS[name]
    outcome, median = _spread_outcome(model)
    claim = Claim(
        "above_median",
        f"{outcome} always exceeds its median (false by construction)",
        holds=lambda p, o: np.asarray(o[outcome], float) > median,
        quote="(test)",
        source="test",
    )
    result = check(model, claim, **CHEAP)
    assert result.verdict == "fails" and not result.holds
    assert 0.0 < result.share_in_scope < 1.0
    assert result.share_whole_space == result.share_in_scope  # no condition: one scope
    _assert_real_counterexample(model, claim, result)
    assert result.where_it_fails.startswith("fails on")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_claim_false_on_a_strip_is_reported_false_for_every_model(name):
    model = MODELS[name]
    p = _strip_parameter(model)
    cut = p.low + 0.85 * (p.high - p.low)
    claim = Claim(
        "false_on_a_strip",
        f"nothing happens where {p.name} > {cut:.3g} (false by construction)",
        holds=lambda q, o: q[p.name] <= cut,
        quote="(test)",
        source="test",
    )
    # the batched simplification only (the median test above runs hypothesis's shrinker too)
    result = check(model, claim, **CHEAP, use_hypothesis=False)
    assert result.verdict == "fails"
    _assert_real_counterexample(model, claim, result)
    assert result.counterexample[p.name] > cut
    # the tree puts the failure on the strip's parameter, past the cut
    rules = result.failing_region.rules
    assert rules and all(f"{p.name} > " in r for r in rules), rules


def test_claims_never_solve_the_model_on_an_empty_batch():
    # a batch wholly outside the space used to reach solve with no point: repeated_coercion's
    # Markov regret could not reshape it (and the shrinker made such batches)
    model = MODELS["repeated_coercion"]
    p = model.space["c_s"]
    outside = {k: np.asarray([v]) for k, v in model.space.defaults().items()}
    outside["c_s"] = np.asarray([p.high + 1.0])
    claim = Claim("any", "anything", holds=lambda q, o: o["regret"] >= 0, quote="q", source="s")
    given, holds = claim.evaluate(model, outside)
    assert given.shape == (1,) and not given.any() and not holds.any()


# ------------------------------------------------------------------ item 2: verdicts
def _toy(solve, names=("x", "y")) -> Model:
    space = ParameterSpace([Parameter(k, 0, 1, default=0.5) for k in names])
    return Model("toy", "a toy", space, solve)


STRIP = _toy(lambda x, y: Outcome({"v": np.where(x > 0.98, -1.0, x + y)}))


def test_a_claim_false_on_a_thin_strip_is_found_false_and_a_true_one_holds():
    thin = Claim("v_nonneg", "v >= 0", holds=lambda p, o: o["v"] >= 0, quote="q", source="s")
    result = check(STRIP, thin, n=1000, use_hypothesis=False)
    assert result.verdict == "fails" and result.counterexample["x"] > 0.98
    assert 0.95 < result.share_in_scope < 1.0
    true = Claim("v_small", "v <= 2", holds=lambda p, o: o["v"] <= 2, quote="q", source="s")
    ok = check(STRIP, true, n=1000)
    assert ok.verdict == "holds" and ok.holds and ok.counterexample is None
    assert ok.share_whole_space == ok.share_in_scope == 1.0
    assert ok.n_whole_space == ok.n_in_scope == 1000 and ok.where_it_fails == ""


def test_a_claim_false_only_outside_its_scope_holds_within_scope():
    scoped = Claim(
        "v_nonneg_off_the_strip",
        "v >= 0 where x <= 0.98",
        holds=lambda p, o: o["v"] >= 0,
        given=lambda p, o: p["x"] <= 0.98,
        quote="q",
        source="s",
        scope="theory",
        scope_citation="a toy, p. 1",
    )
    result = check(STRIP, scoped, n=1000, use_hypothesis=False)
    assert result.verdict == "holds within scope" and result.holds
    assert result.share_in_scope == 1.0 and 0.95 < result.share_whole_space < 1.0
    assert result.n_whole_space == 1000 and result.n_in_scope < 1000
    assert result.counterexample_in_scope is False and result.counterexample["x"] > 0.98
    assert result.failing_region.among == "whole space"
    row = result.to_dict()
    assert row["scope"] == "theory" and row["scope_citation"] == "a toy, p. 1"


def test_too_few_points_in_scope_get_no_verdict():
    rare = Claim(
        "on_a_sliver",
        "v >= 0 where x > 0.995",
        holds=lambda p, o: o["v"] >= 0,
        given=lambda p, o: p["x"] > 0.995,
        quote="q",
        source="s",
    )
    result = check(STRIP, rare, n=200, max_draws=1000, use_hypothesis=False)
    assert result.n_whole_space == 1000 and 0 < result.n_in_scope < 100
    assert result.verdict is None and result.reason.startswith("insufficient")
    assert "fewer than the 100" in result.reason
    # more draws reach 100 points in scope, and a verdict
    enough = check(STRIP, rare, n=2000, max_draws=40_000, use_hypothesis=False)
    assert enough.n_in_scope >= 100 and enough.verdict == "fails"


def test_a_scope_from_the_theory_needs_a_citation():
    with pytest.raises(ValueError, match="scope_citation"):
        Claim("c", "c", holds=lambda p, o: True, quote="q", source="s", scope="theory")
    with pytest.raises(ValueError, match=r"'theory'.*or 'modeller'"):
        Claim("c", "c", holds=lambda p, o: True, quote="q", source="s", scope="reviewer")
    assert Claim("c", "c", holds=lambda p, o: True, quote="q", source="s").scope == "modeller"


def test_a_comparative_static_that_jumps_outside_its_scope_holds_within_scope():
    # y rises with x except for a drop at x = 0.7, outside the scope x < 0.5
    space = ParameterSpace([Parameter("x", 0, 1, default=0.2)])
    step = Model("step", "a drop at 0.7", space, lambda x: Outcome({"y": x - (x > 0.7)}))
    rises = Claim.increasing("up", "y", "x", quote="q", source="s", given=lambda p, o: p["x"] < 0.5)
    result = check(step, rises, n=300)
    assert result.verdict == "holds within scope" and result.share_in_scope == 1.0
    assert "outside the claim's scope" in result.where_it_fails


def test_a_jump_in_scope_fails_even_where_points_fail_outside_the_scope():
    # a drop at 0.3 inside the scope x < 0.5; y falls pointwise outside it
    space = ParameterSpace([Parameter("x", 0, 1, default=0.2)])
    y = lambda x: np.where(x < 0.5, x - (x > 0.3), -x)  # noqa: E731
    model = Model("drop", "a drop in scope", space, lambda x: Outcome({"y": y(x)}))
    rises = Claim.increasing("up", "y", "x", quote="q", source="s", given=lambda p, o: p["x"] < 0.5)
    result = check(model, rises, n=300)
    assert result.verdict == "fails" and result.share_whole_space < 0.6
    assert result.counterexample_in_scope and "wrong way" in result.note


# ------------------------------------------------------------------ item 3: where it fails
def _region_model() -> Model:
    def solve(x, y, z):
        bad = (x > 0.3) & (y < 0.5)
        return Outcome({"bad": bad}, regime=bad.astype(int), regime_names=["calm", "storm"])

    return _toy(solve, ("x", "y", "z"))


def _bounds(rule: str) -> dict[tuple[str, str], float]:
    return {(k, op): float(t) for k, op, t in re.findall(r"(\w+) (>|<=) ([-\d.e]+)", rule)}


def test_the_failing_region_of_a_synthetic_claim_is_recovered_as_inequalities():
    model = _region_model()
    claim = Claim("calm", "never bad", holds=lambda p, o: ~o["bad"], quote="q", source="s")
    step = 0.05
    grid = {"x": Range(0, 1, 21), "y": Range(0, 1, 21), "z": Range(0, 1, 3)}
    result = check(model, claim, n=0, grid=grid, use_hypothesis=False)
    region = result.failing_region
    assert result.verdict == "fails" and region.accuracy == 1.0
    assert len(region.rules) == 1, region.rules
    bounds = _bounds(region.rules[0])
    assert set(bounds) == {("x", ">"), ("y", "<=")}, region.rules
    assert abs(bounds[("x", ">")] - 0.3) <= step and abs(bounds[("y", "<=")] - 0.5) <= step
    assert set(region.parameters) == {"x", "y"}
    # the regime where it fails, with its count
    assert set(region.regimes) == {"storm"}
    storm = region.regimes["storm"]
    assert storm["n_failing"] == storm["n"] == int((~result.sample["holds"]).sum())
    assert "storm" in result.where_it_fails and "x > " in result.where_it_fails


def test_the_tree_scores_every_threshold_and_stops_at_depth_three():
    rng = np.random.default_rng(5)
    X = rng.uniform(size=(3000, 4))
    fails = (X[:, 1] > 0.6) | ((X[:, 2] < 0.2) & (X[:, 0] > 0.5))
    tree = fit_tree(X, fails, ["a", "b", "c", "d"])
    depth = {0: 0}
    for node in range(len(tree.feature)):
        for child in (tree.left[node], tree.right[node]):
            if child >= 0:
                depth[int(child)] = depth[node] + 1
    assert max(depth.values()) <= 3
    assert np.mean(tree.predict(X) == fails) > 0.99
    assert tree.importance[3] == 0.0  # the noise parameter is never split on
    with pytest.raises(ValueError, match="max_depth"):
        fit_tree(X, fails, ["a", "b", "c", "d"], max_depth=4)


def test_a_description_of_a_failure_everywhere_and_of_none():
    params = {"x": np.linspace(0, 1, 11)}
    everywhere = describe_failures(params, np.ones(11, bool))
    assert everywhere.rules == ["everywhere"] and everywhere.accuracy == 1.0
    assert everywhere.to_text().startswith("fails at every one of the 11 points")


def test_the_region_map_draws_the_two_separating_parameters():
    pytest.importorskip("matplotlib")
    from irgames.plot import claim_region_map, pyplot

    model = _region_model()
    claim = Claim("calm", "never bad", holds=lambda p, o: ~o["bad"], quote="q", source="s")
    result = check(model, claim, n=400, use_hypothesis=False)
    fig = claim_region_map(result)
    ax = fig.axes[0]
    assert {ax.get_xlabel(), ax.get_ylabel()} == {"x", "y"}
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert labels == {"fails in scope", "holds in scope"}
    pyplot().close(fig)


# ------------------------------------------------------------------ item 6: the audit report
def test_the_report_rows_carry_the_audit_keys_and_the_text_groups_verdicts():
    thin = Claim("v_nonneg", "v >= 0", holds=lambda p, o: o["v"] >= 0, quote="q1", source="s1")
    true = Claim("v_small", "v <= 2", holds=lambda p, o: o["v"] <= 2, quote="q2", source="s2")
    toy = Model("strip", "a strip", STRIP.space, STRIP.solve, claims=[thin, true])
    report = claims_report(toy, n=500, shrink=False)
    rows = json.loads(report.to_json())
    for row in rows:
        assert list(row)[: len(AUDIT_KEYS)] == list(AUDIT_KEYS)
        assert row["selection"] == "the model's equilibrium"
    by = {r["claim"]: r for r in rows}
    assert by["v_nonneg"]["verdict"] == "fails" and "x > " in by["v_nonneg"]["where_it_fails"]
    assert by["v_small"]["verdict"] == "holds" and by["v_small"]["where_it_fails"] == ""
    text = report.to_text()
    assert "strip: what the model confirms, qualifies and refutes" in text
    assert text.index("[confirms: 1]") < text.index("[refutes: 1]")
    assert "encodes: 'q1' (s1)" in text and "where it fails: " in text


def test_every_claim_of_every_model_appears_in_the_audit_with_both_shares():
    report = claims_report(n=40, shrink=False, min_conditioned=0, segments=3, describe=False)
    rows = report.rows()
    expected = [(m.name, c.name) for m in MODELS.values() for c in m.claims]
    assert [(r["model"], r["claim"]) for r in rows] == expected
    for r in rows:
        assert r["n_whole_space"] >= 40 and 0 <= r["n_in_scope"] <= r["n_whole_space"]
        assert r["share_whole_space"] is not None and 0.0 <= r["share_whole_space"] <= 1.0
        if r["n_in_scope"]:
            assert 0.0 <= r["share_in_scope"] <= 1.0
        assert r["verdict"] in ("holds", "holds within scope", "fails", None)
    assert {r["model"] for r in rows} == set(MODELS)


@given(
    cut=st.floats(0.05, 0.9),
    width=st.floats(0.02, 0.08),
    along=st.sampled_from(["x", "y"]),
)
def test_a_claim_false_on_any_strip_is_refuted_there(cut, width, along):
    model = _toy(lambda x, y: Outcome({"s": x + y}))
    claim = Claim(
        "off_the_strip",
        "the point is off the strip",
        holds=lambda p, o: ~((p[along] > cut) & (p[along] <= cut + width)),
        quote="q",
        source="s",
    )
    result = check(model, claim, n=1000, use_hypothesis=False, segments=1)
    assert result.verdict == "fails"
    ce = result.counterexample[along]
    assert cut < ce <= cut + width
    assert result.share_in_scope == pytest.approx(1 - width, abs=0.05)
    bounds = _bounds(result.failing_region.rules[0])
    assert abs(bounds[(along, ">")] - cut) <= 0.02
    assert abs(bounds[(along, "<=")] - (cut + width)) <= 0.02


def test_the_command_line_json_carries_the_audit_keys(capsys):
    from irgames.cli import main

    args = ["claims", "sanctions_paradox", "--json", "-n", "30", "--min-given", "0"]
    assert main([*args, "--no-progress"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["claim"] for r in rows] == [c.name for c in MODELS["sanctions_paradox"].claims]
    for row in rows:
        assert set(AUDIT_KEYS) <= set(row)
        assert row["verdict"] in ("holds", "holds within scope", "fails", None)


# ------------------------------------------------------------------ item 4 (helpers only)
@given(
    st.integers(1, 6).flatmap(
        lambda g: st.lists(
            st.tuples(st.integers(0, g - 1), st.booleans(), st.integers(-3, 3)), max_size=20
        ).map(lambda rows: (g, rows))
    )
)
def test_equilibrium_rows_reduce_per_game_as_a_loop_would(case):
    from irgames.analysis.equilibrium_rows import reduce_rows

    n_games, rows = case
    gi = np.array([r[0] for r in rows], dtype=int)
    ok = np.array([r[1] for r in rows], dtype=bool)
    key = np.array([r[2] for r in rows], dtype=float)
    ids = np.arange(len(rows))
    robust = reduce_rows(gi, ok, n_games, select="all")
    some = reduce_rows(gi, ok, n_games, select="any")
    best = reduce_rows(gi, ids, n_games, select="best", key=key, fill=-1)
    worst = reduce_rows(gi, ids, n_games, select="worst", key=key, fill=-1)
    for g in range(n_games):  # the reference, a loop over games (a test may loop)
        mine = [i for i in ids if gi[i] == g]
        assert robust[g] == (bool(mine) and all(ok[i] for i in mine))
        assert some[g] == any(ok[i] for i in mine)
        if mine:
            assert best[g] == max(mine, key=lambda i: (key[i], -i))
            assert worst[g] == min(mine, key=lambda i: (key[i], i))
        else:
            assert best[g] == worst[g] == -1


def test_equilibrium_rows_with_a_callable_selection_and_bad_input():
    from irgames.analysis.equilibrium_rows import reduce_rows

    gi = np.array([0, 0, 1])
    last = reduce_rows(gi, np.array([5.0, 6.0, 7.0]), 3, select=lambda g, k, n: [1, 2, -1])
    np.testing.assert_array_equal(last[:2], [6.0, 7.0])
    assert np.isnan(last[2])
    with pytest.raises(ValueError, match="a row of another game"):
        reduce_rows(gi, np.ones(3), 2, select=lambda g, k, n: [2, 0])
    with pytest.raises(ValueError, match="needs key"):
        reduce_rows(gi, np.ones(3), 2, select="best")
    with pytest.raises(ValueError, match="game_index must lie"):
        reduce_rows(gi, np.ones(3, bool), 1)
