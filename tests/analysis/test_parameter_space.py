"""ParameterSpace: domains, validation, grids, draws and hypothesis strategies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.analysis.parameters import Constraint, Parameter, ParameterError, ParameterSpace, Range
from irgames.testing import parameter_spaces as spaces
from irgames.testing import parameters


def _inside(space: ParameterSpace, values: dict) -> np.ndarray:
    ok = np.ones(np.shape(next(iter(values.values()))), dtype=bool)
    for p in space:
        x = np.asarray(values[p.name])
        ok &= (x >= p.low) if p.closed[0] else (x > p.low)
        ok &= (x <= p.high) if p.closed[1] else (x < p.high)
        if p.integer:
            ok &= x == np.round(x)
    for c in space.constraints:
        ok &= np.asarray(c.predicate(values), dtype=bool)
    return ok


@given(spaces(), st.integers(0, 2**32 - 1), st.integers(1, 50))
def test_draws_stay_in_the_domain_and_satisfy_constraints(space, seed, n):
    draws = space.sample(n, seed)
    assert set(draws) == set(space.names)
    assert all(v.shape == (n,) for v in draws.values())
    assert _inside(space, draws).all()
    space.validate(**draws)  # does not raise


@given(spaces(), st.integers(0, 2**16))
def test_draws_are_seeded(space, seed):
    a, b = space.sample(10, seed), space.sample(10, seed)
    assert all(np.array_equal(a[k], b[k]) for k in space.names)


@given(spaces(), st.integers(1, 12))
def test_grid_points_stay_in_the_domain(space, n):
    axes = {p.name: Range(n=n) for p in space}
    grid = space.grid(**axes)
    dense = grid.dense()
    inside = _inside(space, dense)
    # every point is in the box; constraint violators are exactly the invalid ones
    assert np.array_equal(inside, grid.valid)
    assert grid.shape == tuple(grid.coords[d].size for d in grid.dims)
    for p in space:
        assert 1 <= grid.coords[p.name].size <= n


@given(st.data())
def test_strategy_respects_domains_and_constraints(data):
    space = data.draw(spaces())
    point = data.draw(space.strategy())
    arrays = {k: np.asarray(v) for k, v in point.items()}
    assert _inside(space, arrays).all()


@given(parameters(), st.floats(allow_nan=False, allow_infinity=True))
def test_validate_accepts_exactly_the_domain(p, x):
    space = ParameterSpace([p])
    if bool(p.contains(x)):
        assert float(space.validate(p=x)["p"]) == pytest.approx(x)  # returned unchanged
    else:
        with pytest.raises(ParameterError, match="'p'"):
            space.validate(p=x)


def test_validate_messages_name_parameter_value_and_domain():
    space = ParameterSpace(
        [
            Parameter("B_t", 0, 1, default=0.5),
            Parameter("n", 1, 10, default=2, integer=True),
            Parameter("c", 0, 5, default=1, closed=(False, True)),
        ],
        constraints=[Constraint("c < 4", lambda p: p["c"] < 4)],
    )
    with pytest.raises(ParameterError, match=r"'B_t' = 1\.5 is outside its domain \[0, 1\]"):
        space.validate(B_t=1.5)
    with pytest.raises(ParameterError, match=r"'c' = 0 is outside its domain \(0, 5\]"):
        space.validate(c=0.0)
    with pytest.raises(ParameterError, match=r"'n' = 2\.5 is not an integer"):
        space.validate(n=2.5)
    with pytest.raises(ParameterError, match="'B_t' is NaN"):
        space.validate(B_t=np.array([0.1, np.nan]))
    with pytest.raises(ParameterError, match=r"'B_t' = 2 at index \(1,\)"):
        space.validate(B_t=np.array([0.1, 2.0]))
    with pytest.raises(ParameterError, match=r"unknown parameter 'b_t'.*B_t, n, c"):
        space.validate(b_t=0.1)
    with pytest.raises(ParameterError, match="must be numeric"):
        space.validate(B_t="high")
    with pytest.raises(ParameterError, match="'c < 4'"):
        space.validate(c=4.5)
    with pytest.raises(ParameterError, match="do not broadcast"):
        space.validate(B_t=np.zeros(2), c=np.ones(3))


def test_validate_fills_defaults_and_keeps_arrays():
    space = ParameterSpace([Parameter("a", 0, 1, default=0.25), Parameter("b", 0, 1, default=1)])
    values = space.validate(a=np.array([[0.0, 1.0]]))
    assert values["a"].shape == (1, 2)
    assert float(values["b"]) == pytest.approx(1.0)


def test_bad_parameter_definitions_are_rejected():
    with pytest.raises(ParameterError, match="default"):
        Parameter("x", 0, 1, default=2)
    with pytest.raises(ParameterError, match="empty domain"):
        Parameter("x", 1, 0, default=0.5)
    with pytest.raises(ParameterError, match="log scale"):
        Parameter("x", -1, 1, default=0.5, scale="log")
    with pytest.raises(ParameterError, match="identifier"):
        Parameter("not a name", 0, 1, default=0.5)
    with pytest.raises(ParameterError, match="defined twice"):
        ParameterSpace([Parameter("x", 0, 1, default=0.5), Parameter("x", 0, 1, default=0.5)])
    with pytest.raises(ParameterError, match="defaults violate"):
        ParameterSpace(
            [Parameter("x", 0, 1, default=0.5)], [Constraint("x < 0.1", lambda p: p["x"] < 0.1)]
        )


def test_grid_axis_specs():
    space = ParameterSpace(
        [
            Parameter("a", 0, 1, default=0.5, closed=(False, False)),
            Parameter("r", 0.001, 1000, default=1, scale="log"),
            Parameter("k", 1, 5, default=2, integer=True),
        ]
    )
    g = space.grid(a=Range(n=3), r=Range(0.01, 100, 5), k=[1, 3])
    assert g.dims == ("a", "r", "k") and g.shape == (3, 5, 2)
    np.testing.assert_allclose(g.coords["a"], [0.25, 0.5, 0.75])  # open ends excluded
    np.testing.assert_allclose(g.coords["r"], [0.01, 0.1, 1, 10, 100])  # log spacing
    assert g.params["a"].shape == (3, 1, 1) and g.params["k"].shape == (1, 1, 2)
    held = space.grid(a=Range(n=2), fixed={"k": 4})
    assert float(held.params["k"]) == pytest.approx(4.0)
    np.testing.assert_allclose(space["k"].points(10), [1, 2, 3, 4, 5])
    with pytest.raises(ParameterError, match="'a' = 1 is outside"):
        space.grid(a=[0.5, 1.0])
    # a tuple is a list of explicit values, never a (low, high, n) range
    np.testing.assert_array_equal(space.grid(a=(0.1, 0.2)).coords["a"], [0.1, 0.2])
    with pytest.raises(ParameterError, match="unknown parameter 'z'"):
        space.grid(z=3)


def test_constraint_violators_are_marked_invalid_in_grids():
    space = ParameterSpace(
        [Parameter("c_s", 0, 4, default=1), Parameter("c_t", 0, 4, default=3)],
        [Constraint("c_s < c_t", lambda p: p["c_s"] < p["c_t"])],
    )
    g = space.grid(c_s=Range(n=5), c_t=Range(n=5))
    dense = g.dense()
    np.testing.assert_array_equal(g.valid, dense["c_s"] < dense["c_t"])


def test_simplex_groups():
    space = ParameterSpace(
        [Parameter("p", 0, 1, default=0.2), Parameter("q", 0, 1, default=0.3)],
        simplex=[("p", "q")],
    )
    draws = space.sample(500, 1)
    assert np.all(draws["p"] + draws["q"] <= 1 + 1e-12)
    with pytest.raises(ParameterError, match="shares"):
        space.validate(p=0.7, q=0.7)


def test_restrict_and_subspace():
    space = ParameterSpace([Parameter("a", 0, 1, default=0.9, closed=(False, True))])
    narrow = space.restrict(a=(0.2, 0.5))
    assert narrow["a"].low == pytest.approx(0.2) and narrow["a"].high == pytest.approx(0.5)
    assert bool(narrow["a"].contains(narrow["a"].default))
    assert np.all(narrow.sample(100, 0)["a"] <= 0.5)
    fixed = space.restrict(a=0.3)
    np.testing.assert_allclose(fixed.sample(3, 0)["a"], 0.3)
    with pytest.raises(ParameterError, match="outside"):
        space.restrict(a=(0.5, 2.0))
    half = space.subspace(("a > 0.5", lambda p: p["a"] > 0.5))
    assert np.all(half.sample(100, 0)["a"] > 0.5)


def test_impossible_constraints_are_reported():
    space = ParameterSpace(
        [Parameter("a", 0, 1, default=0.0)], [Constraint("a == 0", lambda p: p["a"] == 0)]
    )
    with pytest.raises(ParameterError, match="reject nearly every draw"):
        space.sample(10, 0, max_rounds=5)
