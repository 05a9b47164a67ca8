"""Sweeps: one batched call equals a per-point loop; chunking and backends do not matter."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_toys import COERCION, EROSION, ORDERED_SPACE, coercion_solve
from hypothesis import given
from hypothesis import strategies as st

from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterError, ParameterSpace, Range
from irgames.analysis.sweep import SweepError, sweep


@st.composite
def small_models(draw):
    """A random polynomial model of 1-3 parameters with a threshold regime."""
    k = draw(st.integers(1, 3))
    names = [f"t{i}" for i in range(k)]
    params = [Parameter(n, -1.0, 2.0, default=0.5) for n in names]
    coef = np.array(draw(st.lists(st.floats(-3, 3), min_size=k + 1, max_size=k + 1)))
    cut = draw(st.floats(-1, 1))

    def solve(**p):
        x = [np.asarray(p[n]) for n in names]
        y = coef[0] + sum(c * xi**2 - xi for c, xi in zip(coef[1:], x, strict=True))
        prod = np.prod(np.broadcast_arrays(*x), axis=0)
        return Outcome(
            {"y": y, "prod": prod, "high": y > cut},
            regime=(y > cut).astype(int),
            regime_names=["low", "high"],
        )

    return Model("random_poly", "random polynomial", ParameterSpace(params), solve)


@given(small_models(), st.data())
def test_sweep_equals_a_per_point_loop(model, data):
    axes = {
        p.name: Range(n=data.draw(st.integers(1, 6), label=f"n_{p.name}"))
        for p in model.space
        if data.draw(st.booleans(), label=f"sweep_{p.name}")
    } or {model.space.names[0]: Range(n=4)}
    chunk = data.draw(st.sampled_from([None, 1, 3, 7]), label="chunk")
    result = sweep(model, chunk_size=chunk, **axes)
    params = result.params()
    for index in np.ndindex(result.shape):
        single = model(**{k: float(v[index]) for k, v in params.items()})
        for name in single:
            np.testing.assert_allclose(result[name][index], single[name], rtol=1e-12, atol=1e-15)
        assert result.outcome.regime[index] == single.regime


def test_sweep_of_the_coercion_toy_matches_the_closed_form():
    result = sweep(COERCION, B_s=Range(n=11), B_t=Range(0, 1, 6), fixed={"c_s": 1.0, "c_t": 3.0})
    assert result.dims == ("B_s", "B_t") and result.shape == (11, 6)
    B_s, B_t = np.meshgrid(result.coords["B_s"], result.coords["B_t"], indexing="ij")
    expected = np.where(1.0 <= (1 - B_s) * 3.0, (3.0 - (1 - B_t)) / (2 - B_t), 0.0)
    np.testing.assert_allclose(result["D"], expected, rtol=1e-12)
    assert result.fixed == {"c_s": 1.0, "c_t": 3.0}


def test_constraint_violators_are_not_solved():
    model = Model("ordered", "ordered", ORDERED_SPACE, coercion_solve)
    result = sweep(model, c_s=Range(n=5), c_t=Range(n=5))
    P = result.params()
    np.testing.assert_array_equal(result.valid, P["c_s"] < P["c_t"])
    assert np.isnan(result["D"][~result.valid]).all()
    assert np.isfinite(result["D"][result.valid]).all()
    assert (result.outcome.regime[~result.valid] == -1).all()
    assert len(result.to_pandas()) == int(result.valid.sum())


def test_chunking_to_a_tiny_budget_gives_the_same_result():
    whole = sweep(COERCION, c_s=Range(n=20), B_t=Range(n=30))
    tiny = sweep(COERCION, c_s=Range(n=20), B_t=Range(n=30), memory_budget=2_000)
    assert tiny.n_chunks > 1 and whole.n_chunks == 1
    assert tiny.bytes_per_point > 0
    for name in whole.outcome:
        np.testing.assert_array_equal(whole[name], tiny[name])


def test_dask_backend_equals_numpy_on_a_local_cluster():
    distributed = pytest.importorskip("dask.distributed")
    model = Model("ordered", "ordered", ORDERED_SPACE, coercion_solve)
    axes = {"c_s": Range(n=9), "c_t": Range(n=7), "B_t": Range(n=5)}
    reference = sweep(model, chunk_size=40, **axes)
    with (
        distributed.LocalCluster(
            processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        on_dask = sweep(model, backend="dask", chunk_size=40, **axes)
    assert on_dask.n_chunks > 1
    for name in reference.outcome:
        np.testing.assert_array_equal(on_dask[name], reference[name])
        assert on_dask[name].dtype == reference[name].dtype
    np.testing.assert_array_equal(on_dask.outcome.regime, reference.outcome.regime)


def test_conversions(tmp_path):
    xr = pytest.importorskip("xarray")
    result = sweep(COERCION, B_s=Range(n=3), B_t=Range(n=4))
    ds = result.to_xarray()
    assert dict(ds.sizes) == {"B_s": 3, "B_t": 4}
    np.testing.assert_array_equal(ds["D"].values, result["D"])
    assert ds["regime"].attrs["regime_names"] == "status quo|coercion"
    frame = result.to_pandas()
    assert list(frame.columns)[:4] == ["c_s", "c_t", "B_s", "B_t"] and len(frame) == 12
    path = result.to_csv(tmp_path / "sweep.csv")
    again = result.to_csv(tmp_path / "again.csv")
    assert path.read_bytes() == again.read_bytes()
    assert path.read_text().splitlines()[0] == "c_s,c_t,B_s,B_t,D,U_S,credible,regime"
    nc = result.to_netcdf(tmp_path / "sweep.nc")
    back = xr.load_dataset(nc)
    np.testing.assert_allclose(back["D"].values, result["D"])


def test_sweep_errors():
    with pytest.raises(SweepError, match="backend"):
        sweep(COERCION, backend="spark", B_t=Range(n=3))
    with pytest.raises(ParameterError, match="give at least one axis"):
        sweep(COERCION)
    with pytest.raises(ParameterError, match="'B_t' = 2 is outside"):
        sweep(COERCION, B_t=[0.5, 2.0])
    with pytest.raises(ParameterError, match="unknown parameter 'x'"):
        sweep(COERCION, x=Range(0, 1, 3))


def test_working_memory_stays_within_the_budget():
    import tracemalloc

    budget = 1_000_000
    tracemalloc.start()
    try:
        axes = {"c_s": Range(n=40), "c_t": Range(n=40), "B_s": Range(n=8), "B_t": Range(n=8)}
        result = sweep(COERCION, memory_budget=budget, **axes)
        _, peak = tracemalloc.get_traced_memory()  # peak since the probe reset it
    finally:
        tracemalloc.stop()
    result_bytes = result.info["result_bytes"] + result.valid.nbytes
    assert result.n_chunks > 1
    assert peak - result_bytes <= 1.25 * budget, (peak - result_bytes, budget)


def test_sweeps_of_vector_outcomes_on_both_backends():
    model = EROSION
    result = sweep(model, B_t=Range(n=6), r=Range(n=5), chunk_size=7)
    assert result["path"].shape == (6, 5, 3)
    P = result.params()
    expected = P["B_t"][..., None] * (1 - P["r"][..., None]) ** np.arange(3)
    inside = result.valid
    np.testing.assert_allclose(result["path"][inside], expected[inside], rtol=1e-12)
    assert np.isnan(result["path"][~inside]).all()
    ds = result.to_xarray()
    assert ds["path"].dims == ("B_t", "r", "round")
    assert "path[2]" in result.to_pandas().columns
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        on_dask = sweep(model, backend="dask", B_t=Range(n=6), r=Range(n=5), chunk_size=7)
    for name in result.outcome:
        np.testing.assert_array_equal(on_dask[name], result[name])
    np.testing.assert_array_equal(on_dask.valid, result.valid)


def test_progress_bar_does_not_change_the_result(capsys):
    pytest.importorskip("tqdm")
    axes = {"c_s": Range(n=10), "B_t": Range(n=10)}
    quiet = sweep(COERCION, chunk_size=13, progress=False, **axes)
    shown = sweep(COERCION, chunk_size=13, progress=True, **axes)
    assert "sweep coercion_toy" in capsys.readouterr().err
    for name in quiet.outcome:
        np.testing.assert_array_equal(quiet[name], shown[name])


@given(small_models(), st.integers(1, 6), st.integers(4, 40))
def test_dask_and_numpy_backends_agree_on_random_models(model, n, chunk):
    pytest.importorskip("dask.array")
    import dask

    axes = {p.name: Range(n=n) for p in model.space}
    reference = sweep(model, chunk_size=chunk, **axes)
    with dask.config.set(scheduler="synchronous"):
        on_dask = sweep(model, backend="dask", chunk_size=chunk, **axes)
    for name in reference.outcome:
        np.testing.assert_array_equal(on_dask[name], reference[name])
        assert on_dask[name].dtype == reference[name].dtype
    np.testing.assert_array_equal(on_dask.outcome.regime, reference.outcome.regime)


@st.composite
def grids_and_ranges(draw):
    """A 1-4 dimensional grid of a few values per axis and a range of its flat points."""
    k = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 5), label=f"n_{i}") for i in range(k)]
    space = ParameterSpace([Parameter(f"t{i}", -1.0, 2.0, default=0.25) for i in range(k + 1)])
    axes = {f"t{i}": Range(n=n) for i, n in enumerate(sizes)}  # the last parameter stays fixed
    size = int(np.prod(sizes))
    start = draw(st.integers(0, size - 1), label="start")
    stop = draw(st.integers(start + 1, size), label="stop")
    return space, axes, start, stop


@given(grids_and_ranges(), st.booleans())
def test_chunk_parameters_are_the_grid_points_in_c_order(case, reuse):
    from irgames.analysis.sweep import _Chunker

    space, axes, start, stop = case
    model = Model("identity", "identity", space, lambda **p: Outcome(dict(p)))
    grid = space.grid(check_constraints=False, **axes)
    chunker = _Chunker(model, grid)
    buffers = chunker.buffers(grid.size) if reuse else None
    params = chunker.params(start, stop, buffers)
    for name, value in grid.params.items():
        expected = np.broadcast_to(value, grid.shape).reshape(-1)[start:stop]
        np.testing.assert_array_equal(params[name], expected)
    gathered = chunker.params_at(np.arange(start, stop)[::-1])
    for name in grid.params:
        np.testing.assert_array_equal(gathered[name], params[name][::-1])


@pytest.mark.parametrize("chunk", [None, 1, 5, 64])
def test_a_model_that_returns_its_parameters_gets_every_point_back(chunk):
    # the parameter arrays are reused from chunk to chunk: outcomes that are views of them
    # must be copied out before the next chunk overwrites them
    space = ParameterSpace([Parameter(n, 0, 1, default=0.5) for n in ("a", "b", "c")])
    model = Model("identity", "identity", space, lambda **p: Outcome({k: v for k, v in p.items()}))
    result = sweep(model, chunk_size=chunk, a=Range(n=7), b=Range(0, 1, 11), fixed={"c": 0.25})
    for name, value in result.params().items():
        np.testing.assert_array_equal(result[name], value)


def test_constraints_are_checked_in_every_chunk():
    model = Model("ordered", "ordered", ORDERED_SPACE, coercion_solve)
    axes = {"c_s": Range(n=9), "c_t": Range(n=7)}
    whole = sweep(model, **axes)
    for chunk in (1, 4, 10):
        chunked = sweep(model, chunk_size=chunk, **axes)
        np.testing.assert_array_equal(chunked.valid, whole.valid)
        np.testing.assert_array_equal(chunked["D"], whole["D"])
        np.testing.assert_array_equal(chunked.outcome.regime, whole.outcome.regime)


def test_non_consecutive_points_are_solved_like_consecutive_ones():
    from irgames.analysis.sweep import _Chunker

    grid = COERCION.space.grid(check_constraints=False, c_s=Range(n=6), B_t=Range(n=5))
    chunker = _Chunker(COERCION, grid)
    index = np.array([29, 3, 17, 4, 0])
    scattered = chunker.solve_at(index)
    together = chunker.solve(0, grid.size)
    for name in together:
        np.testing.assert_array_equal(scattered[name], together[name][index])


def test_numpy_chunks_fit_the_cache_budget_when_the_memory_budget_is_larger():
    from irgames.analysis.sweep import CACHE_BUDGET

    axes = {"c_s": Range(n=60), "c_t": Range(n=60), "B_s": Range(n=30)}
    result = sweep(COERCION, memory_budget=64 * CACHE_BUDGET, **axes)
    assert result.n_chunks > 1
    assert result.chunk_size <= CACHE_BUDGET / result.bytes_per_point
