r"""Sweeps: a model solved over a grid of any dimension, in batched chunks.

``sweep(model, B_s=Range(0, 1, 41), B_t="0:1:41", c_s=2)`` solves the model at every point
of the grid :math:`\{\theta : \theta_j \in \text{axis}_j\}` (other parameters held at their
defaults, at ``fixed`` or at the bare numbers given) and returns a :class:`SweepResult`: the
outcome arrays shaped like the grid, with labelled coordinates, convertible to xarray, pandas,
CSV and netCDF.

Axes
    An axis is a :class:`~irgames.analysis.parameters.Range` (``Range(lo, hi, n)``, or
    ``Range(n=n)`` over the whole domain), the same as a string ``"lo:hi:n"``, or a list,
    tuple or array of explicit values; a bare number holds the parameter fixed. Nothing else
    is read as an axis (a :class:`ParameterError`).

Results that do not fit in memory
    Without ``out`` the result arrays (one value per grid point and outcome) are held in
    memory; their bytes are accounted before allocation (:func:`irgames._memory.require`)
    and a grid whose results exceed the limit is refused with one line naming the size. With
    ``out="file.csv"`` the results stream to the file chunk by chunk: each chunk is solved,
    its rows (the points inside the space) appended, and freed, so peak memory is the
    working memory of one chunk whatever the grid's size. The file appears complete at its
    path or not at all (:func:`irgames._atomic.atomic_output`: an interrupt leaves no partial
    file and any previous file untouched). ``sweep`` then returns a :class:`SweepFile`, a
    summary of what was written. ``out="file.nc"`` streams the labelled grid as netCDF-3
    (64-bit offsets; :mod:`irgames.analysis._netcdf3`, which needs no netCDF library: each
    chunk is a contiguous slice of every variable), the layout of
    :meth:`SweepResult.to_xarray`; it is the format for grids of 10^8 points, which CSV
    writes at the speed of float formatting.

Chunking
    The grid's points are enumerated in C order and solved in chunks of consecutive points;
    each chunk is one batched call of the model's ``solve``. The chunk size is chosen to fit a
    memory budget: a probe chunk is solved under :mod:`tracemalloc` (numpy reports its array
    allocations to it), which measures the peak bytes per point (64 points first, then 1024
    when they fit the budget; when streaming, formatting the probe's rows is measured too),
    and the chunk size is
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
>>> result = sweep(m, a=Range(n=3), b=Range(0, 2, 5))
>>> result.dims, result["y"].shape, float(result["y"][2, 4])
(('a', 'b'), (3, 5), 2.0)
>>> sweep(m, a=(0.5, 1.0, 2.0), b=2)
Traceback (most recent call last):
...
irgames.errors.ParameterError: parameter 'a' = 2 is outside its domain [0, 1]
>>> sweep(m, a=[0.25, 0.5], b=2)["y"].tolist()  # b=2 is a fixed value
[0.5, 1.0]
"""

from __future__ import annotations

import math
import os
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .._atomic import atomic_output
from .._memory import memory_limit, require
from ..errors import IrgamesError, MissingExtraError
from .model import Model, Outcome, _csv_value, evaluate_valid, write_csv
from .parameters import Grid, ParameterError, Range, is_fixed_value

__all__ = ["Range", "SweepError", "SweepFile", "SweepResult", "sweep"]

DEFAULT_MEMORY_BUDGET = 256 * 2**20
#: Working memory of one chunk on the numpy backend when the budget allows more: chunks that
#: stay in the processor's cache are faster than larger ones (which only add cache misses and
#: page faults), and a few hundred chunks cost little Python.
CACHE_BUDGET = 8 * 2**20
_PROBE = 1024
_SMALL_PROBE = 64
_REGIME = "__regime__"
_VALID = "__valid__"


class SweepError(IrgamesError, ValueError):
    """A sweep was asked for something it cannot do (bad backend, budget, ...)."""


def _import_extra(module: str, extra: str, what: str):
    """Import ``module`` or raise :class:`MissingExtraError` naming ``pip install``."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtraError(
            f"{what} needs {module.split('.')[0]}, which is not installed: "
            f'pip install "irgames[{extra}]"',
            name=getattr(error, "name", None) or module,
        ) from None


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
        xr = _import_extra("xarray", "dask", "SweepResult.to_xarray")

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
        """Write the flat table (points inside the space) as CSV with a fixed float format.

        The file appears at ``path`` complete or not at all (an interrupt leaves any
        previous file untouched).
        """
        path = Path(path)
        with atomic_output(path) as tmp:
            try:
                frame = self.to_pandas()
            except ImportError:
                write_csv(self.columns(), tmp, float_format)
            else:
                frame.to_csv(tmp, index=False, float_format=float_format, lineterminator="\n")
        return path

    def to_netcdf(self, path) -> Path:
        """Write the dataset of :meth:`to_xarray` as netCDF (needs xarray and a netCDF engine:
        netCDF4, h5netcdf or scipy), atomically."""
        _import_extra("xarray", "dask", "writing netCDF")
        path = Path(path)
        dataset = self.to_xarray()
        with atomic_output(path) as tmp:
            dataset.to_netcdf(tmp)
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

    def __init__(self, model: Model, grid: Grid, *, keep_valid: bool = True):
        self.model = model
        self.grid = grid
        self.size = grid.size
        self.shape = grid.shape
        self.constraints = model.space._all_constraints()
        # the whole grid's validity, or None when streaming (then each chunk gets its own)
        self.valid = np.ones(self.size, dtype=bool) if keep_valid else None
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

    def solve(
        self,
        start: int,
        stop: int,
        buffers: dict[str, np.ndarray] | None = None,
        valid: np.ndarray | None = None,
    ) -> Outcome:
        """The outcomes at the points ``start, ..., stop - 1`` (parameters written into
        ``buffers`` when given: the outcome may then be views of them, valid until the
        buffers are refilled). Validity goes into ``valid`` (default: the grid's slice)."""
        return self.solve_params(self.params(start, stop, buffers), start, stop, valid)[1]

    def solve_params(self, params, start: int, stop: int, valid: np.ndarray | None = None):
        """``(valid, outcome)`` at the points ``start, ..., stop - 1`` of ``params``."""
        if valid is None:
            valid = self.valid[start:stop] if self.valid is not None else None
        if valid is None:
            valid = np.ones(stop - start, dtype=bool)
        elif not self.constraints:
            valid[...] = True  # a reused buffer: _check writes it only under constraints
        valid = self._check(params, valid)
        return valid, evaluate_valid(self.model, params, valid)

    def solve_at(self, index: np.ndarray) -> Outcome:
        """The outcomes at arbitrary flat points ``index``."""
        index = np.asarray(index, dtype=np.int64).reshape(-1)
        if index.size and index[-1] - index[0] == index.size - 1:
            if np.array_equal(index, np.arange(index[0], index[-1] + 1)):
                return self.solve(int(index[0]), int(index[-1]) + 1)
        params = self.params_at(index)
        valid = self._check(params, np.ones(index.size, dtype=bool))
        if self.valid is not None:
            self.valid[index] = valid
        return evaluate_valid(self.model, params, valid)


def _fields(outcome: Outcome) -> dict[str, np.ndarray]:
    out = dict(outcome.data)
    if outcome.regime is not None:
        out[_REGIME] = outcome.regime
    return out


def _measure(chunker: _Chunker, n: int, writer=None) -> tuple[Outcome, np.ndarray, float]:
    """Solve the first ``n`` points under tracemalloc: ``(outcome, valid, bytes per point)``.

    With a ``writer`` (streaming), formatting the probe's rows is measured too (written to a
    scratch buffer, not to the file), since a streamed chunk's rows are formatted in memory.
    """
    started = tracemalloc.is_tracing()
    if not started:
        tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        valid, out = chunker.solve_params(chunker.params(0, n), 0, n, np.ones(n, dtype=bool))
        if writer is not None:
            writer.rehearse(chunker.params(0, n), valid, out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not started:
            tracemalloc.stop()
    return out, valid, max(peak - before, 1) / max(n, 1)


@dataclass(frozen=True, eq=False)
class SweepFile:
    """What ``sweep(..., out=path)`` returns: a summary of the file it wrote.

    The outcomes themselves are in the file, not in memory; :meth:`to_pandas` (CSV) or
    :meth:`to_xarray` (netCDF) reads them back.

    Attributes
    ----------
    path : Path
        The file written (complete: it appears only when the sweep has finished).
    format : {"csv", "netcdf"}
    model : str
    dims : tuple of str
        The swept parameters, in axis order.
    coords : dict of str to ndarray
        Values along each axis.
    fixed : dict of str to float
        The parameters held fixed.
    shape : tuple of int
        The grid's shape.
    n_points, n_valid : int
        Points of the grid, and those inside the space (the CSV's rows).
    columns : tuple of str
        The CSV's header (every parameter, then every outcome column), or the netCDF
        file's variables.
    backend : str
    chunk_size, n_chunks : int
    bytes_per_point : float
        Measured peak working memory per point of the probe chunk (solving and, when
        streaming, formatting its rows).
    info : dict
        ``result_bytes`` (what the result arrays would take in memory), ``memory_budget``,
        ``streamed`` (True: chunks went to the file one by one).
    """

    path: Path
    format: str
    model: str
    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]
    fixed: dict[str, float]
    shape: tuple[int, ...]
    n_points: int
    n_valid: int
    columns: tuple[str, ...]
    backend: str
    chunk_size: int
    n_chunks: int
    bytes_per_point: float
    info: dict[str, Any] = field(default_factory=dict)

    def to_pandas(self, **read_csv):
        """The CSV file as a :class:`pandas.DataFrame` (reads the whole file)."""
        if self.format != "csv":
            raise SweepError(f"{self.path} is {self.format}: read it with to_xarray()")
        pd = _import_extra("pandas", "figures", "SweepFile.to_pandas")
        return pd.read_csv(self.path, **read_csv)

    def to_xarray(self):
        """The netCDF file as an :class:`xarray.Dataset` (opened lazily)."""
        if self.format != "netcdf":
            raise SweepError(f"{self.path} is {self.format}: read it with to_pandas()")
        xr = _import_extra("xarray", "dask", "SweepFile.to_xarray")
        return xr.open_dataset(self.path)

    def __repr__(self) -> str:
        return (
            f"SweepFile({str(self.path)!r}, format={self.format!r}, model={self.model!r}, "
            f"dims={self.dims}, shape={self.shape}, rows={self.n_valid}, chunks={self.n_chunks})"
        )


def _out_format(out) -> str | None:
    if out is None:
        return None
    suffix = Path(out).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".nc":
        return "netcdf"
    raise SweepError(
        f"cannot write {str(out)!r}: out must end in .csv (streamed chunk by chunk) or .nc (netCDF)"
    )


def sweep(
    model: Model,
    *,
    backend: Literal["numpy", "dask"] = "numpy",
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    chunk_size: int | None = None,
    progress: bool | None = None,
    fixed: Mapping[str, float] | None = None,
    out: str | os.PathLike | None = None,
    **axes,
) -> SweepResult | SweepFile:
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
    out : path, optional
        Write the results to this file instead of returning them, chunk by chunk, so the
        grid may be far larger than memory: ``.csv`` (the rows of the points inside the
        space, as :meth:`SweepResult.to_csv`) or ``.nc`` (the labelled grid as netCDF-3, as
        :meth:`SweepResult.to_xarray`). The file appears complete or not at all.
    **axes
        One spec per parameter: ``Range(lo, hi, n)`` or ``"lo:hi:n"`` (``n`` evenly spread
        points), ``Range(n=n)`` (``n`` points of the whole domain), a list, tuple or array
        (explicit values), or a bare number (held fixed). See
        :meth:`irgames.analysis.parameters.ParameterSpace.grid`.

    Returns
    -------
    SweepResult
        Without ``out``: the outcomes in memory.
    SweepFile
        With ``out``: a summary of the file written (its path, grid, rows, chunks).

    Raises
    ------
    ParameterError
        An unknown parameter, a spec that is no axis, a value outside its domain, or no
        axis at all.
    WorkTooLargeError
        Without ``out``, when the result arrays would need more memory than
        :func:`irgames._memory.memory_limit`: the message names the size and ``out=``.
    SweepError
        A bad backend, budget, chunk size or output suffix.
    """
    if backend not in ("numpy", "dask"):
        raise SweepError(f"backend must be 'numpy' or 'dask', got {backend!r}")
    if isinstance(memory_budget, bool) or not memory_budget > 0:
        raise SweepError(f"memory_budget must be positive, got {memory_budget!r}")
    # a chunk's working memory never exceeds what one allocation may take (IRGAMES_MAX_BYTES)
    memory_budget = min(memory_budget, memory_limit())
    fmt = _out_format(out)
    for name in axes:
        if name not in model.space:
            raise ParameterError(model.space._unknown(name))
    if not any(not is_fixed_value(v) for v in axes.values()):
        raise ParameterError(
            "give at least one axis to sweep (Range(lo, hi, n), 'lo:hi:n' or a list of "
            f"values); the parameters are {', '.join(model.space.names)}"
        )
    if backend == "dask":
        _import_extra("dask.array", "dask", "backend='dask'")
    grid = model.space.grid(fixed=fixed, check_constraints=False, **axes)
    chunker = _Chunker(model, grid, keep_valid=False)
    size = grid.size
    stream = fmt is not None
    if fmt == "csv":
        writer: _CSVWriter | _NetcdfWriter | None = _CSVWriter(model.space.names)
    elif fmt == "netcdf":
        writer = _NetcdfWriter(model.name, grid)
    else:
        writer = None
    # the probe itself must fit the budget: a small one first, the full one if it fits
    probe_n = min(_SMALL_PROBE, size)
    probe, probe_valid, bpp = _measure(chunker, probe_n, writer)
    if size > probe_n and min(_PROBE, size) * bpp <= memory_budget:
        probe_n = min(_PROBE, size)
        probe, probe_valid, bpp = _measure(chunker, probe_n, writer)
    groups = _DASK_GROUP if (stream and backend == "dask") else 1
    if chunk_size is None:
        if stream:
            budget = memory_budget / groups
        else:
            budget = memory_budget if backend == "dask" else min(memory_budget, CACHE_BUDGET)
        chunk_size = int(max(1, min(size, budget // max(bpp, 1.0))))
    else:
        if isinstance(chunk_size, bool) or int(chunk_size) < 1:
            raise SweepError(f"chunk_size must be >= 1, got {chunk_size}")
        chunk_size = int(chunk_size)
    n_chunks = math.ceil(size / chunk_size)
    template = _fields(probe)
    trailing = {k: v.shape[1:] for k, v in template.items()}
    if not stream:  # refuse before the constraints' pass over the grid, in the worst case
        _require_results(grid, backend, template, trailing, bool(chunker.constraints))
    # whether any point violates a constraint (then int and bool outcomes become float to
    # hold NaN): known only after solving, so decided by the constraints' cheap check
    all_valid = not chunker.constraints or _all_valid(chunker, chunk_size)
    dtypes = {
        k: (v.dtype if (all_valid or v.dtype.kind in "fc" or k == _REGIME) else np.float64)
        for k, v in template.items()
    }
    per_point = sum(
        np.dtype(dt).itemsize * int(np.prod(trailing[k], dtype=np.int64))
        for k, dt in dtypes.items()
    )
    result_bytes = float(size) * per_point
    fixed_values = {k: float(v) for k, v in grid.params.items() if k not in grid.coords}
    info = {"result_bytes": int(result_bytes), "memory_budget": int(memory_budget)}
    if stream:
        path = Path(out)
        mode = {"csv": "w", "netcdf": "wb"}[fmt]
        text = {"encoding": "utf-8", "newline": ""} if fmt == "csv" else {}
        with atomic_output(path) as tmp, open(tmp, mode, **text) as handle:
            writer.open(handle, dtypes, trailing, probe)
            if backend == "numpy":
                n_valid = _stream_numpy(chunker, writer, size, chunk_size, progress)
            else:
                n_valid = _stream_dask(chunker, writer, size, chunk_size, groups, probe)
        return SweepFile(
            path=path,
            format=fmt,
            model=model.name,
            dims=grid.dims,
            coords=dict(grid.coords),
            fixed=fixed_values,
            shape=grid.shape,
            n_points=size,
            n_valid=n_valid,
            columns=writer.header,
            backend=backend,
            chunk_size=chunk_size,
            n_chunks=n_chunks,
            bytes_per_point=float(bpp),
            info={**info, "streamed": True},
        )
    chunker.valid = np.ones(size, dtype=bool)
    chunker.valid[:probe_n] = probe_valid
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
    result = SweepResult(
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
        info=info,
    )
    return result


# ---------------------------------------------------------------------------------- streaming
#: Chunks a streamed dask sweep computes at once (each gets 1/_DASK_GROUP of the budget).
_DASK_GROUP = 4


class _CSVWriter:
    """Formats a chunk's rows (points inside the space) exactly as
    :meth:`SweepResult.to_csv` formats the whole table, and appends them to the file."""

    def __init__(self, names: tuple[str, ...], float_format: str = "%.10g"):
        self.names = names
        self.float_format = float_format
        self.dtypes: dict[str, np.dtype] | None = None
        self.header: tuple[str, ...] = ()
        self.handle = None
        try:
            import pandas
        except ImportError:
            pandas = None
        self._pd = pandas

    def open(self, handle, dtypes, trailing, probe) -> None:
        self.handle = handle
        self.dtypes = dtypes

    def columns(self, params, valid, outcome: Outcome) -> dict[str, np.ndarray]:
        cast = _cast(outcome, self.dtypes)
        cols = cast.columns({k: params[k] for k in self.names})
        if not valid.all():
            cols = {k: v[valid] for k, v in cols.items()}
        return cols

    def format(self, cols: dict[str, np.ndarray], header: bool) -> str:
        if self._pd is not None:
            return self._pd.DataFrame(cols).to_csv(
                None,
                index=False,
                header=header,
                float_format=self.float_format,
                lineterminator="\n",
            )
        from .model import _csv_field

        names = list(cols)
        lines = [",".join(_csv_field(k) for k in names)] if header else []
        arrays = [cols[k] for k in names]
        n = arrays[0].size if arrays else 0
        for i in range(n):
            lines.append(",".join(_csv_value(a[i], self.float_format) for a in arrays))
        return "".join(line + "\n" for line in lines)

    def rehearse(self, params, valid, outcome: Outcome) -> None:
        """Format a chunk without writing it (to measure its memory; records the header)."""
        cols = self.columns(params, valid, outcome)
        self.header = tuple(cols)
        self.format(cols, header=False)

    def write(self, start: int, params, valid, outcome: Outcome) -> int:
        """Append the chunk's rows (and the header before the first); returns the rows."""
        cols = self.columns(params, valid, outcome)
        if tuple(cols) != self.header:
            raise SweepError(
                f"a chunk's columns {list(cols)} differ from the first chunk's {list(self.header)}"
            )
        self.handle.write(self.format(cols, header=start == 0))
        self.handle.flush()  # the file holds every finished chunk (and no chunk waits)
        return int(valid.sum())


class _NetcdfWriter:
    """Writes the labelled grid of :meth:`SweepResult.to_xarray` as netCDF-3, chunk by chunk
    (:mod:`irgames.analysis._netcdf3`: each chunk is one contiguous slice of every
    variable, since the grid's points are enumerated in C order).

    Outcomes, ``regime`` (int32, attribute ``regime_names``) and ``valid`` (int8) are
    variables over the grid's dimensions (and an outcome's trailing axes); bool outcomes are
    stored as int8 with the attribute ``dtype="bool"`` (xarray reads them back as bools),
    int outcomes as int32; fixed parameters and the model are global attributes.
    """

    def __init__(self, model: str, grid: Grid):
        self.model = model
        self.grid = grid
        self.header: tuple[str, ...] = ()
        self.writer = None

    def rehearse(self, params, valid, outcome: Outcome) -> None:
        """Convert a chunk as :meth:`write` does, without writing (to measure memory)."""
        for v in _fields(outcome).values():
            np.ascontiguousarray(v, dtype=">f8")

    def open(self, handle, dtypes, trailing, probe: Outcome) -> None:
        from ._netcdf3 import Netcdf3Writer

        grid = self.grid
        dims: dict[str, int] = {d: grid.coords[d].size for d in grid.dims}
        names = {k: tuple(probe.axes.get(k, ())) for k in dtypes if k != _REGIME}
        for k, axes in names.items():
            for axis, n in zip(axes, trailing[k], strict=True):
                if dims.setdefault(axis, n) != n:
                    raise SweepError(
                        f"outcome {k!r}: axis {axis!r} has {n} values, elsewhere {dims[axis]}"
                    )
        fixed = {f"fixed_{k}": float(v) for k, v in grid.params.items() if k not in grid.coords}
        w = Netcdf3Writer(handle, dims, {"model": self.model, **fixed})
        for d in grid.dims:
            w.variable(d, (d,), np.float64)
        for k in names:
            if k in grid.dims or k in ("regime", "valid"):
                raise SweepError(f"outcome {k!r} has the name of a dimension or variable")
            attrs = {"dtype": "bool"} if np.dtype(dtypes[k]).kind == "b" else {}
            w.variable(k, (*grid.dims, *names[k]), dtypes[k], attrs, point_dims=len(grid.dims))
        if _REGIME in dtypes:
            w.variable(
                "regime",
                grid.dims,
                np.int32,
                {"regime_names": "|".join(probe.regime_names)},
                point_dims=len(grid.dims),
            )
        w.variable(
            "valid", grid.dims, np.int8, {"meaning": "1 in space"}, point_dims=len(grid.dims)
        )
        try:
            w.write_header()
        except ValueError as error:  # more than one variable over netCDF-3's 4 GiB
            raise SweepError(str(error)) from None
        for d in grid.dims:
            w.write(d, 0, grid.coords[d])
        self.writer = w
        self.dtypes = dtypes
        self.header = tuple(w.vars)

    def write(self, start: int, params, valid, outcome: Outcome) -> int:
        fields = _fields(outcome)
        try:
            for k, dt in self.dtypes.items():
                self.writer.write("regime" if k == _REGIME else k, start, fields[k].astype(dt))
        except ValueError as error:  # integers beyond netCDF-3's int32
            raise SweepError(f"{error}: write CSV instead (out='sweep.csv')") from None
        self.writer.write("valid", start, valid)
        return int(valid.sum())


def _cast(outcome: Outcome, dtypes) -> Outcome:
    """``outcome`` with its fields converted to the sweep's ``dtypes`` (bool and int outcomes
    become float on a grid where some point is outside the space, as in memory)."""
    fields = _fields(outcome)
    if dtypes is not None:
        fields = {k: np.asarray(fields[k], dtype=dt) for k, dt in dtypes.items()}
    regime = fields.pop(_REGIME, None)
    return Outcome(
        fields,
        regime=regime,
        regime_names=outcome.regime_names if regime is not None else None,
        axes=outcome.axes,
    )


def _stream_numpy(chunker: _Chunker, writer, size, chunk_size, progress) -> int:
    n_chunks = math.ceil(size / chunk_size)
    buffers = chunker.buffers(min(size, chunk_size))
    valid_buffer = np.empty(min(size, chunk_size), dtype=bool)
    bar_cls = _progress_bar(progress, size, n_chunks)
    bar = bar_cls(total=size, unit="pt", desc=f"sweep {chunker.model.name}") if bar_cls else None
    rows = 0
    try:
        for start in range(0, size, chunk_size):
            stop = min(size, start + chunk_size)
            params = chunker.params(start, stop, buffers)
            valid, outcome = chunker.solve_params(params, start, stop, valid_buffer[: stop - start])
            rows += writer.write(start, params, valid, outcome)
            del outcome  # free the chunk before solving the next one
            if bar is not None:
                bar.update(stop - start)
    finally:
        if bar is not None:
            bar.close()
    return rows


def _stream_dask(chunker: _Chunker, writer, size, chunk_size, group, probe) -> int:
    import dask

    def block(start, stop):
        valid, outcome = chunker.solve_params(chunker.params(start, stop), start, stop)
        return valid, dict(outcome.data), outcome.regime

    starts = list(range(0, size, chunk_size))
    rows = 0
    for first in range(0, len(starts), group):
        batch = [(s, min(size, s + chunk_size)) for s in starts[first : first + group]]
        done = dask.compute(*[dask.delayed(block)(a, b) for a, b in batch])
        for (a, b), (valid, data, regime) in zip(batch, done, strict=True):
            outcome = Outcome(
                data,
                regime=regime,
                regime_names=probe.regime_names if regime is not None else None,
                axes=probe.axes,
            )
            rows += writer.write(a, chunker.params(a, b), valid, outcome)
        del done
    return rows


def _require_results(grid: Grid, backend, template, trailing, constrained: bool) -> None:
    """Refuse (:func:`irgames._memory.require`) a grid whose in-memory results would exceed
    the memory limit: the outcome arrays (int and bool ones as float64 when some point may
    lie outside the space), the validity flags and, on dask, the stacked blocks."""
    size = grid.size
    widths = {k: int(np.prod(trailing[k], dtype=np.int64)) for k in template}
    itemsize = {
        k: 8 if (constrained and v.dtype.kind not in "fc" and k != _REGIME) else v.dtype.itemsize
        for k, v in template.items()
    }
    per_point = sum(itemsize[k] * widths[k] for k in template) + 1
    need = float(size) * per_point
    if backend == "dask":
        need += 8.0 * size * (sum(widths.values()) + 1)
    shape_text = " x ".join(str(n) for n in grid.shape)
    require(
        need,
        f"holding the sweep's results in memory ({shape_text} = {size:,} points, "
        f"{per_point} bytes each)",
        advice=(
            "stream them to a file instead, sweep(..., out='sweep.nc' or 'sweep.csv') or "
            "irgames sweep --out FILE.nc, or sweep a smaller grid"
        ),
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
