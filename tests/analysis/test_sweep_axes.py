"""Sweep axes that cannot be misread: lists, tuples and arrays are explicit values, a range is
a ``Range`` or ``"lo:hi:n"``, a bare number is a fixed value (issue 16, point 6)."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_toys import COERCION, ORDERED_SPACE, coercion_solve
from hypothesis import given
from hypothesis import strategies as st

import irgames as ig
from irgames.analysis.model import Model
from irgames.analysis.parameters import Parameter, ParameterError, ParameterSpace, Range
from irgames.analysis.sweep import sweep
from irgames.errors import IrgamesError, WorkTooLargeError


def test_a_tuple_is_a_list_of_explicit_values():
    # the example: (0.5, 1.0, 2.0) was read as linspace(0.5, 1.0, 2) = [0.5, 1.0]
    result = sweep(COERCION, c_s=(0.5, 1.0, 2.0))
    assert result.dims == ("c_s",)
    np.testing.assert_array_equal(result.coords["c_s"], [0.5, 1.0, 2.0])
    for spec in ([0.5, 1.0, 2.0], np.array([0.5, 1.0, 2.0])):
        np.testing.assert_array_equal(sweep(COERCION, c_s=spec).coords["c_s"], [0.5, 1, 2])


def test_a_bare_number_is_a_fixed_value():
    # c_s=2 swept two points of the domain; on the command line it was a fixed value
    result = sweep(COERCION, c_s=2, B_t=Range(0, 1, 3))
    assert result.dims == ("B_t",) and result.fixed["c_s"] == 2.0
    assert (result.params()["c_s"] == 2.0).all()
    for number in (np.float64(2.0), np.int64(2), 2.0):
        assert sweep(COERCION, c_s=number, B_t=[0.5]).fixed["c_s"] == 2.0


def test_a_range_and_its_string_give_the_same_points():
    a = sweep(COERCION, B_t=Range(0, 1, 5))
    b = sweep(COERCION, B_t="0:1:5")
    np.testing.assert_array_equal(a.coords["B_t"], np.linspace(0, 1, 5))
    np.testing.assert_array_equal(a.coords["B_t"], b.coords["B_t"])
    # Range(n=n): n points of the whole domain (open ends stepped inside)
    whole = sweep(COERCION, c_s=Range(n=4))
    np.testing.assert_array_equal(whole.coords["c_s"], COERCION.space["c_s"].points(4))
    assert ig.Range is Range


def test_bad_axis_specs_are_clear_errors():
    for spec, words in [
        (True, "bool"),
        (None, "cannot read None"),
        ({"lo": 0}, "must be numbers"),
        ("0:1", "lo:hi:n"),
        ("0:1:x", "not an integer"),
        ("a:1:3", "must be numbers"),
        ([[0.1, 0.2]], "flat list"),
        ([], "no values"),
        ([0.5, float("nan")], "NaN"),
    ]:
        with pytest.raises(ParameterError, match=words):
            sweep(COERCION, B_t=spec, c_s=Range(n=2))
    for args, words in [((0, 1, 0), "positive integer"), ((0, 1, 2.5), "positive integer")]:
        with pytest.raises(ParameterError, match=words):
            Range(*args)
    with pytest.raises(ParameterError, match="both lo and hi"):
        Range(0, n=3)
    with pytest.raises(ParameterError, match="fixed value, not an axis"):
        COERCION.space.axis("c_s", 2)
    with pytest.raises(ParameterError, match="give at least one axis"):
        sweep(COERCION, c_s=2)


def test_an_axis_of_a_trillion_points_is_refused_by_size():
    # was numpy's MemoryError from linspace (exit 1 on the command line)
    with pytest.raises(ParameterError, match="1,000,000,000,000 points") as info:
        sweep(COERCION, B_t=Range(0, 1, 10**12))
    assert "\n" not in str(info.value) and isinstance(info.value, IrgamesError)
    with pytest.raises(ParameterError, match="1,000,000,000,000 points"):
        sweep(COERCION, B_t="0:1:1000000000000")


def test_a_grid_whose_results_do_not_fit_is_refused_before_allocating(monkeypatch):
    # 10^6 x 10^6 points: the result arrays alone need about 25 TB
    with pytest.raises(WorkTooLargeError) as info:
        sweep(COERCION, B_s=Range(0, 1, 10**6), B_t=Range(0, 1, 10**6))
    message = str(info.value)
    assert "\n" not in message and "10^12" not in message
    assert "1,000,000,000,000 points" in message and "out=" in message and "TiB" in message
    # under constraints too (the bool outcome counted as float64: 8 + 8 + 8 + 8 + 1 bytes),
    # before the constraints' pass over the 10^12 points
    ordered = Model("ordered", "ordered", ORDERED_SPACE, coercion_solve)
    with pytest.raises(WorkTooLargeError, match="1,000,000,000,000 points, 33 bytes each"):
        sweep(ordered, c_s=Range(0.1, 1, 10**6), c_t=Range(2, 4, 10**6))  # all inside
    # a small grid under a small limit is refused in the same way, with its size
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "1M")
    with pytest.raises(WorkTooLargeError, match=r"200 x 1000 = 200,000 points") as small:
        sweep(COERCION, B_s=Range(0, 1, 200), B_t=Range(0, 1, 1000))
    assert small.value.needed > small.value.limit == 2**20


@given(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=8),
    st.floats(0, 1),
    st.floats(0, 1),
    st.integers(1, 30),
)
def test_explicit_values_are_kept_as_given_and_ranges_are_linspace(values, lo, hi, n):
    space = ParameterSpace([Parameter("a", 0, 1, default=0.5), Parameter("b", 0, 1, default=0)])
    for spec in (values, tuple(values), np.array(values)):
        np.testing.assert_array_equal(space.grid(a=spec).coords["a"], values)
    grid = space.grid(a=Range(lo, hi, n), b=lo)
    np.testing.assert_array_equal(grid.coords["a"], np.linspace(lo, hi, n))
    assert grid.dims == ("a",) and float(grid.params["b"]) == lo
    text = space.grid(a=f"{lo!r}:{hi!r}:{n}").coords["a"]
    np.testing.assert_array_equal(text, grid.coords["a"])
