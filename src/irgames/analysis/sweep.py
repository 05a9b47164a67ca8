r"""Sweeps: a model solved over a grid of any dimension, in batched chunks.

``sweep(model, B_s=41, B_t=41)`` solves the model at every point of the grid
:math:`\{\theta : \theta_j \in \text{axis}_j\}` (other parameters held at their defaults or at
``fixed``) and returns a :class:`SweepResult`: the outcome arrays shaped like the grid, with
labelled coordinates, convertible to xarray, pandas, CSV and netCDF.

Chunking
    The grid's points are enumerated in C order and solved in chunks of consecutive points;
    each chunk is one batched call of the model's ``solve``. The chunk size is chosen to fit a
    memory budget: a probe chunk is solved under :mod:`tracemalloc` (numpy reports its array
    allocations to it), which measures the peak bytes per point, and the chunk size is
    ``memory_budget / bytes_per_point``, capped on the numpy backend at ``CACHE_BUDGET /
    bytes_per_point`` (8 MiB of working memory: chunks that stay in cache are faster). The
    budget covers the working memory of a chunk; the result arrays (one value per grid point
    and outcome) come on top and are reported in the result. A chunk's parameters are written
    by slice assignments from the axes (runs of equal values, whole periods; no per-point
    index arithmetic) into arrays reused from chunk to chunk. Points violating a constraint of
    the space are not solved: their outcomes are NaN (regime -1), and ``valid`` marks them.

Backends
    ``backend="numpy"`` loops over chunks in this process (a tqdm progress bar on long sweeps
    when tqdm is installed). ``backend="dask"`` maps the same chunk function over a
    :mod:`dask.array` of point indices (``map_blocks``), so the sweep runs on whatever Dask
    scheduler is active, a ``dask.distributed`` cluster included; results are identical.

Examples
--------
>>> import numpy as np
>>> from irgames.analysis.parameters import Parameter, ParameterSpace
>>> from irgames.analysis.model import Model, Outcome
>>> space = ParameterSpace([Parameter("a", 0, 1, default=0.5), Parameter("b", 0, 2, default=1)])
>>> m = Model("prod", "a times b", space, lambda a, b: Outcome({"y": a * b}))
>>> result = sweep(m, a=3, b=(0, 2, 5))
>>> result.dims, result["y"].shape, float(result["y"][2, 4])
(('a', 'b'), (3, 5), 2.0)
"""

from __future__ import annotations

import math
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .model import Model, Outcome, evaluate_valid, write_csv
from .parameters import Grid, ParameterError

__all__ = ["SweepError", "SweepResult", "sweep"]

DEFAULT_MEMORY_BUDGET = 256 * 2**20
#: Working memory of one chunk on the numpy backend when the budget allows more: chunks that
#: stay in the processor's cache are faster than larger ones (which only add cache misses and
#: page faults), and a few hundred chunks cost little Python.
CACHE_BUDGET = 8 * 2**20
_PROBE = 1024
_REGIME = "__regime__"
_VALID = "__valid__"


class SweepError(ValueError):
    """A sweep was asked for something it cannot do (bad backend, budget, ...)."""


@dataclass(frozen=True, eq=False)
class SweepResult:
    """A model's outcomes over a grid.

    Attributes
    ----------
    model : str
    dims : tuple of str
        The swept parameters, in axis order.
    coords : dict of str to ndarray
        Values along each axis.
    fixed : dict of str to float
        The parameters held fixed.
    outcome : Outcome
        Every outcome, shaped like the grid (NaN and regime -1 where ``valid`` is False).
    valid : ndarray of bool
        Whether each grid point satisfies the space's constraints.
    backend : str
    chunk_size, n_chunks : int
    bytes_per_point : float
        Measured peak working memory per point of the probe chunk.
    parameters : tuple of str
        Every parameter of the model's space, in its order.
    """

    model: str
    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]
    fixed: dict[str, float]
    outcome: Outcome
    valid: np.ndarray
    backend: str
    chunk_size: int
    n_chunks: int
    bytes_per_point: float
    parameters: tuple[str, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.valid.shape

    def __getitem__(self, name: str) -> np.ndarray:
        return self.outcome[name]

    def params(self) -> dict[str, np.ndarray]:
        """Every parameter broadcast to the grid shape (in the space's order)."""
        out = {}
        for k, d in enumerate(self.dims):
            shape = [1] * len(self.dims)
            shape[k] = self.coords[d].size
            out[d] = np.broadcast_to(self.coords[d].reshape(shape), self.shape)
        for k, v in self.fixed.items():
            out[k] = np.broadcast_to(np.asarray(v, dtype=float), self.shape)
        order = self.parameters or tuple(out)
        return {k: out[k] for k in order}

    def to_xarray(self):
        """An :class:`xarray.Dataset` with the grid's coordinates.

        Outcomes are data variables; the regime (if any) is an integer variable ``regime``
        whose attribute ``regime_names`` lists the names joined by ``"|"``; ``valid`` marks
        the points inside the space; fixed parameters are attributes.
        """
        import xarray as xr

        data_vars: dict[str, Any] = {
            k: ((*self.dims, *self.outcome.axes.get(k, ())), v)
            for k, v in self.outcome.data.items()
        }
        if self.outcome.regime is not None:
            data_vars["regime"] = (
                self.dims,
                self.outcome.regime,
                {"regime_names": "|".join(self.outcome.regime_names)},
            )
        data_vars["valid"] = (self.dims, self.valid.astype(np.int8), {"meaning": "1 in space"})
        attrs = {"model": self.model, **{f"fixed_{k}": float(v) for k, v in self.fixed.items()}}
        return xr.Dataset(data_vars, coords=dict(self.coords), attrs=attrs)

    def to_pandas(self, only_valid: bool = True):
        """A flat :class:`pandas.DataFrame`: every parameter, then every outcome, one row per
        grid point (only the points inside the space unless ``only_valid`` is False)."""
        import pandas as pd

        frame = pd.DataFrame(self.outcome.columns(self.params()))
        if only_valid:
            frame = frame[self.valid.reshape(-1)].reset_index(drop=True)
        else:
            frame["valid"] = self.valid.reshape(-1)
        return frame

    def columns(self, only_valid: bool = True) -> dict[str, np.ndarray]:
        """The flat columns of :meth:`to_pandas`, without pandas."""
        cols = self.outcome.columns(self.params())
        if only_valid:
            keep = self.valid.reshape(-1)
            cols = {k: v[keep] for k, v in cols.items()}
        return cols

    def to_csv(self, path, float_format: str = "%.10g") -> Path:
        """Write the flat table (points inside the space) as CSV with a fixed float format."""
        path = Path(path)
        try:
            frame = self.to_pandas()
        except ImportError:
            write_csv(self.columns(), path, float_format)
            return path
        frame.to_csv(path, index=False, float_format=float_format, lineterminator="\n")
        return path

    def to_netcdf(self, path) -> Path:
        """Write the dataset of :meth:`to_xarray` as netCDF (needs xarray and a netCDF engine:
        netCDF4, h5netcdf or scipy)."""
        path = Path(path)
        self.to_xarray().to_netcdf(path)
        return path

    def __repr__(self) -> str:
        return (
            f"SweepResult(model={self.model!r}, dims={self.dims}, shape={self.shape}, "
            f"outcomes={list(self.outcome)}, backend={self.backend!r}, "
            f"chunks={self.n_chunks})"
        )


# ---------------------------------------------------------------------------------- chunks
def _fill_axis(out: np.ndarray, values: np.ndarray, stride: int, start: int) -> None:
    r"""Write one grid axis's values at the consecutive C-order points ``start, start + 1, ...``.

    Along axis :math:`k` of a grid with stride :math:`s_k` (the product of the later axes'
    sizes) and :math:`n_k` values :math:`c_k`, point :math:`i` has the value
    :math:`c_k[\lfloor i / s_k \rfloor \bmod n_k]`: runs of :math:`s_k` equal values, in
    periods of :math:`p_k = n_k s_k` points. A run of consecutive points is therefore a
    partial run, whole runs up to the end of a period, whole periods, then again whole runs and
    a partial run; each part is one slice assignment from ``values`` (a broadcast copy, no
    index arithmetic per point). The loop runs over these parts (at most seven), never over
    points.

    Examples
    --------
    >>> out = np.empty(7)
    >>> _fill_axis(out, np.array([10.0, 20.0, 30.0]), 2, 3)  # points 3..9 of a 3 x 2 axis
    >>> out.tolist()
    [20.0, 30.0, 30.0, 10.0, 10.0, 20.0, 20.0]
    """
    n = values.size
    period = n * stride
    m = out.size
    pos = 0
    while pos < m:
        offset = (start + pos) % period
        left = m - pos
        if offset == 0 and left >= period:  # whole periods
            q = left // period
            out[pos : pos + q * period].reshape(q, n, stride)[...] = values[:, None]
            pos += q * period
            continue
        run, within = divmod(offset, stride)
        if within or left < stride:  # a partial run
            length = min(stride - within, left)
            out[pos : pos + length] = values[run]
            pos += length
            continue
        r = min(n - run, left // stride)  # whole runs, up to the end of the period
        out[pos : pos + r * stride].reshape(r, stride)[...] = values[run : run + r, None]
        pos += r * stride


class _Chunker:
    """Parameters of a slice of a grid's flat (C-order) points, built on demand; the
    constraints are checked chunk by chunk and recorded in ``valid``."""

    def __init__(self, model: Model, grid: Grid):
        self.model = model
        self.grid = grid
        self.size = grid.size
        self.shape = grid.shape
        self.constraints = model.space._all_constraints()
        self.valid = np.ones(self.size, dtype=bool)
        strides = [
            int(np.prod(self.shape[k + 1 :], dtype=np.int64)) for k in range(len(self.shape))
        ]
        self._strides = {d: strides[k] for k, d in enumerate(grid.dims)}

    def params(
        self, start: int, stop: int, buffers: dict[str, np.ndarray] | None = None
    ) -> dict[str, np.ndarray]:
        """Every parameter at the points ``start, ..., stop - 1`` (1-D arrays), written into
        the leading part of ``buffers`` (from :meth:`buffers`) when given."""
        n = stop - start
        out = {}
        for name, value in self.grid.params.items():
            target = np.empty(n) if buffers is None else buffers[name][:n]
            if name in self.grid.coords:
                _fill_axis(target, self.grid.coords[name], self._strides[name], start)
            else:
                target.fill(float(value))
            out[name] = target
        return out

    def buffers(self, n: int) -> dict[str, np.ndarray]:
        """Arrays for the parameters of chunks of up to ``n`` points, to be reused from chunk
        to chunk (fresh arrays of a few MiB cost a page fault per 4 KiB page)."""
        return {name: np.empty(n) for name in self.grid.params}

    def params_at(self, index: np.ndarray) -> dict[str, np.ndarray]:
        """Every parameter at arbitrary flat points ``index`` (a gather; consecutive points
        go through :meth:`params`)."""
        multi = np.unravel_index(index, self.shape) if self.shape else ()
        out = {}
        for name, value in self.grid.params.items():
            if name in self.grid.coords:
                out[name] = self.grid.coords[name][multi[self.grid.dims.index(name)]]
            else:
                out[name] = np.full(index.size, float(value))
        return out

    def _check(self, params: dict[str, np.ndarray], valid: np.ndarray) -> np.ndarray:
        """Write into ``valid`` whether each point satisfies the constraints."""
        if self.constraints:
            valid[...] = True
            with np.errstate(all="ignore"):
                for c in self.constraints:
                    valid &= np.broadcast_to(c(params), valid.shape)
        return valid

    def solve(self, start: int, stop: int, buffers: dict[str, np.ndarray] | None = None) -> Outcome:
        """The outcomes at the points ``start, ..., stop - 1`` (parameters written into
        ``buffers`` when given: the outcome may then be views of them, valid until the
        buffers are refilled)."""
        params = self.params(start, stop, buffers)
        valid = self._check(params, self.valid[start:stop])
        return evaluate_valid(self.model, params, valid)

    def solve_at(self, index: np.ndarray) -> Outcome:
        """The outcomes at arbitrary flat points ``index``."""
        index = np.asarray(index, dtype=np.int64).reshape(-1)
        if index.size and index[-1] - index[0] == index.size - 1:
            if np.array_equal(index, np.arange(index[0], index[-1] + 1)):
                return self.solve(int(index[0]), int(index[-1]) + 1)
        params = self.params_at(index)
        valid = self._check(params, np.ones(index.size, dtype=bool))
        self.valid[index] = valid
        return evaluate_valid(self.model, params, valid)


def _fields(outcome: Outcome) -> dict[str, np.ndarray]:
    out = dict(outcome.data)
    if outcome.regime is not None:
        out[_REGIME] = outcome.regime
    return out


def _measure(chunker: _Chunker, n: int) -> tuple[Outcome, float]:
    started = tracemalloc.is_tracing()
    if not started:
        tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out = chunker.solve(0, n)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not started:
            tracemalloc.stop()
    return out, max(peak - before, 1) / max(n, 1)


def sweep(
    model: Model,
    *,
    backend: Literal["numpy", "dask"] = "numpy",
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    chunk_size: int | None = None,
    progress: bool | None = None,
    fixed: Mapping[str, float] | None = None,
    **axes,
) -> SweepResult:
    """Solve ``model`` over a grid, chunked to a memory budget.

    Parameters
    ----------
    model : Model
    backend : {"numpy", "dask"}
        Where the chunks run (see the module docstring).
    memory_budget : int
        Bytes of working memory per chunk.
    chunk_size : int, optional
        Points per chunk; overrides the measured choice.
    progress : bool, optional
        Show a tqdm bar (numpy backend). By default shown for sweeps of more than one chunk
        and at least a million points, when tqdm is installed.
    fixed : mapping, optional
        Values of parameters held fixed (defaults otherwise).
    **axes
        Axis specs of :meth:`irgames.analysis.parameters.ParameterSpace.grid`.

    Returns
    -------
    SweepResult
    """
    if backend not in ("numpy", "dask"):
        raise SweepError(f"backend must be 'numpy' or 'dask', got {backend!r}")
    if memory_budget <= 0:
        raise SweepError(f"memory_budget must be positive, got {memory_budget!r}")
    if not axes:
        raise ParameterError(
            f"give at least one axis to sweep; the parameters are {', '.join(model.space.names)}"
        )
    grid = model.space.grid(fixed=fixed, check_constraints=False, **axes)
    chunker = _Chunker(model, grid)
    size = grid.size
    probe_n = min(_PROBE, size)
    probe, bpp = _measure(chunker, probe_n)
    if chunk_size is None:
        budget = memory_budget if backend == "dask" else min(memory_budget, CACHE_BUDGET)
        chunk_size = int(max(1, min(size, budget // max(bpp, 1.0))))
    else:
        chunk_size = int(chunk_size)
        if chunk_size < 1:
            raise SweepError(f"chunk_size must be >= 1, got {chunk_size}")
    n_chunks = math.ceil(size / chunk_size)
    template = _fields(probe)
    # whether any point violates a constraint (then int and bool outcomes become float to
    # hold NaN): known only after solving, so decided by the constraints' cheap check
    all_valid = not chunker.constraints or _all_valid(chunker, chunk_size)
    dtypes = {
        k: (v.dtype if (all_valid or v.dtype.kind in "fc" or k == _REGIME) else np.float64)
        for k, v in template.items()
    }
    trailing = {k: v.shape[1:] for k, v in template.items()}
    if backend == "numpy":
        results = _run_numpy(chunker, size, chunk_size, dtypes, trailing, probe, progress)
        valid = chunker.valid
    else:
        results = _run_dask(chunker, size, chunk_size, dtypes, trailing)
        valid = results.pop(_VALID).astype(bool)
    shape = grid.shape
    regime = results.pop(_REGIME, None)
    outcome = Outcome(
        {k: v.reshape(shape + v.shape[1:]) for k, v in results.items()},
        regime=None if regime is None else regime.reshape(shape),
        regime_names=probe.regime_names if regime is not None else None,
        axes=probe.axes,
    )
    fixed_values = {k: float(v) for k, v in grid.params.items() if k not in grid.coords}
    result_bytes = sum(v.nbytes for v in results.values()) + (
        regime.nbytes if regime is not None else 0
    )
    return SweepResult(
        model=model.name,
        dims=grid.dims,
        coords=dict(grid.coords),
        fixed=fixed_values,
        outcome=outcome,
        valid=valid.reshape(shape),
        backend=backend,
        chunk_size=chunk_size,
        n_chunks=n_chunks,
        bytes_per_point=float(bpp),
        parameters=model.space.names,
        info={"result_bytes": int(result_bytes), "memory_budget": int(memory_budget)},
    )


def _all_valid(chunker: _Chunker, chunk_size: int) -> bool:
    """Whether every grid point satisfies the constraints (checked chunk by chunk)."""
    buffers = chunker.buffers(min(chunker.size, chunk_size))
    for start in range(0, chunker.size, chunk_size):
        params = chunker.params(start, min(chunker.size, start + chunk_size), buffers)
        with np.errstate(all="ignore"):
            for c in chunker.constraints:
                if not np.all(c(params)):
                    return False
    return True


def _progress_bar(progress: bool | None, size: int, n_chunks: int) -> Callable | None:
    want = progress if progress is not None else (n_chunks > 1 and size >= 1_000_000)
    if not want:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _run_numpy(
    chunker, size, chunk_size, dtypes, trailing, probe, progress
) -> dict[str, np.ndarray]:
    n_chunks = math.ceil(size / chunk_size)
    if n_chunks == 1 and not progress:
        # one chunk: its outcome arrays are the result when they already have its layout
        fields = _fields(probe if size <= probe.shape[0] else chunker.solve(0, size))
        missing = [k for k in dtypes if k not in fields]
        if missing:
            raise SweepError(f"chunk at point 0 lacks the outcome {missing[0]!r}")
        return {
            k: _as_result(fields[k][:size], (size, *trailing[k]), dt) for k, dt in dtypes.items()
        }
    out = {k: np.empty((size, *trailing[k]), dtype=dt) for k, dt in dtypes.items()}
    bar_cls = _progress_bar(progress, size, n_chunks)
    bar = bar_cls(total=size, unit="pt", desc=f"sweep {chunker.model.name}") if bar_cls else None
    buffers = chunker.buffers(min(size, chunk_size)) if size > probe.shape[0] else None
    try:
        for start in range(0, size, chunk_size):
            stop = min(size, start + chunk_size)
            reuse = start == 0 and stop <= probe.shape[0]
            fields = _fields(probe if reuse else chunker.solve(start, stop, buffers))
            if reuse:
                fields = {k: v[:stop] for k, v in fields.items()}
            for k in out:
                if k not in fields:
                    raise SweepError(f"chunk at point {start} lacks the outcome {k!r}")
                out[k][start:stop] = fields[k]
            del fields  # free the chunk before solving the next one
            if bar is not None:
                bar.update(stop - start)
    finally:
        if bar is not None:
            bar.close()
    return out


def _as_result(values: np.ndarray, shape: tuple[int, ...], dtype) -> np.ndarray:
    """``values`` as a contiguous array of ``shape`` and ``dtype`` (itself when it is one)."""
    if values.shape == shape and values.dtype == dtype and values.flags.c_contiguous:
        return values
    out = np.empty(shape, dtype=dtype)
    out[...] = values
    return out


def _run_dask(chunker, size, chunk_size, dtypes, trailing) -> dict[str, np.ndarray]:
    import dask.array as da

    names = list(dtypes)
    widths = [int(np.prod(trailing[k], dtype=np.int64)) for k in names]
    rows = sum(widths) + 1  # every outcome's columns, then the validity flag

    def block(index):
        index = np.asarray(index)
        fields = _fields(chunker.solve_at(index))
        parts = [np.asarray(fields[k], dtype=np.float64).reshape(index.size, -1).T for k in names]
        parts.append(chunker.valid[index][None, :].astype(np.float64))
        return np.concatenate(parts, axis=0)

    index = da.arange(size, chunks=chunk_size, dtype=np.int64)
    stacked = da.map_blocks(
        block,
        index,
        new_axis=0,
        chunks=((rows,), index.chunks[0]),
        dtype=np.float64,
        meta=np.empty((0, 0), dtype=np.float64),
    )
    values = stacked.compute()
    out = {}
    start = 0
    for k, w in zip(names, widths, strict=True):
        out[k] = values[start : start + w].T.reshape((size, *trailing[k])).astype(dtypes[k])
        start += w
    out[_VALID] = values[-1]
    return out
