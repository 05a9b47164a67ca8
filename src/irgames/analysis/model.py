r"""Models: a parameter space, a vectorised solve, claims and figures.

A model is a map :math:`\theta \mapsto o(\theta)` from a parameter space :math:`\Theta` to
named outcomes (actions, paths, payoffs, equilibrium regimes, derived quantities), computed by
solving the game :math:`G(\theta)` for a whole batch of parameter points at once:
``solve(**params)`` takes broadcastable arrays and returns an :class:`Outcome` whose arrays
have the broadcast shape of the inputs. Calling the model (``model(**params)``) validates the
parameters against the space, fills in defaults, and solves.

An :class:`Outcome` is a read-only mapping of named arrays with a common shape, plus optional
*regime* labels: an integer array (``-1`` for "no regime") and the list of regime names, for
the qualitative type of equilibrium that holds at each point (e.g. "status quo", "coercion").

A :class:`Figure` pairs a deterministic ``compute() -> dict of columns`` with ``draw(data) ->
matplotlib Figure``; :func:`irgames.plot.render_figure` writes ``<name>.png`` and ``<name>.csv``
so that a test can compare the data (this module draws nothing and imports no plotting
library).

:meth:`Model.evaluate` broadcasts the parameters once and hands the model's ``solve``
equal-length 1-D arrays (one entry per point, C order); it reshapes the returned outcome to
the broadcast shape. So a ``solve`` never broadcasts its inputs again.

Examples
--------
>>> import numpy as np
>>> from irgames.analysis.parameters import Parameter, ParameterSpace
>>> from irgames.analysis.model import Model, Outcome
>>> space = ParameterSpace([Parameter("a", 0, 1, default=0.5), Parameter("b", 0, 1, default=0.2)])
>>> def solve(a, b):
...     return Outcome({"total": a + b}, regime=(a > b).astype(int), regime_names=["b", "a"])
>>> m = Model("toy", "A toy", space, solve)
>>> out = m(a=np.array([0.1, 0.9]))
>>> out.shape, out["total"].tolist(), out.regime_labels().tolist()
((2,), [0.30000000000000004, 1.1], ['b', 'a'])
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._memory import require
from ..errors import IrgamesError
from .parameters import ParameterError, ParameterSpace

__all__ = [
    "Figure",
    "Model",
    "ModelError",
    "Outcome",
    "OutcomeError",
    "as_outcome",
    "evaluate_valid",
    "figure_table",
    "write_csv",
]


class OutcomeError(IrgamesError, ValueError):
    """An outcome was built from arrays that do not fit together."""


class ModelError(IrgamesError, ValueError):
    """A model, claim or figure is defined inconsistently, or an analysis function was given
    an option it does not have."""


# ---------------------------------------------------------------------------------- Outcome
@dataclass(frozen=True, eq=False, init=False)
class Outcome(Mapping):
    """Named outcome arrays with a common shape, plus optional regime labels.

    Parameters
    ----------
    data : mapping of str to array_like
        The outcomes; all are broadcast to one shape (the *batch* shape, one value per
        parameter point). Arrays that already have it are stored as read-only views (no copy:
        do not modify them afterwards); others are copied.
    regime : array_like of int, optional
        Index into ``regime_names`` at each point, ``-1`` where no regime applies.
    regime_names : sequence of str, optional
        Names of the regimes; required with ``regime``.
    axes : mapping of str to tuple of str, optional
        Trailing axes of vector-valued outcomes: ``axes={"path": ("round",)}`` says that
        ``data["path"]`` has shape ``(*batch, n_rounds)`` (a path of play, a mixed strategy).
        Only the leading dimensions broadcast.

    Notes
    -----
    ``outcome["regime"]`` returns the regime array when there is one (and no field of that
    name). Iteration and ``len`` cover the named fields only.
    """

    data: dict[str, np.ndarray]
    regime: np.ndarray | None
    regime_names: tuple[str, ...]
    axes: dict[str, tuple[str, ...]]

    def __init__(self, data: Mapping[str, Any], regime=None, regime_names=None, axes=None):
        names = list(data)
        for name in names:
            if not isinstance(name, str):
                raise OutcomeError(f"outcome names must be strings, got {name!r}")
        axes = {k: tuple(v) for k, v in (axes or {}).items() if tuple(v)}
        for k in axes:
            if k not in data:
                raise OutcomeError(f"axes names {k!r}, which is not an outcome")
        arrays = [np.asarray(data[k]) for k in names]
        trailing = [len(axes.get(k, ())) for k in names]
        if regime is not None:
            if regime_names is None:
                raise OutcomeError("regime labels need regime_names")
            regime_arr = np.asarray(regime)
            if regime_arr.dtype.kind not in "iu":
                if regime_arr.dtype.kind == "b" or (
                    regime_arr.dtype.kind == "f" and np.all(np.floor(regime_arr) == regime_arr)
                ):
                    regime_arr = regime_arr.astype(np.int64)
                else:
                    raise OutcomeError(f"regime must be integers, got dtype {regime_arr.dtype}")
            if regime_arr.dtype.kind != "i":
                regime_arr = regime_arr.astype(np.int64)
            arrays.append(regime_arr)
            trailing.append(0)
        for k, a, t in zip([*names, "regime"], arrays, trailing, strict=False):
            if a.ndim < t:
                raise OutcomeError(
                    f"outcome {k!r} has {a.ndim} dimension(s), fewer than its trailing axes "
                    f"{axes[k]}"
                )
        leads = [a.shape[: a.ndim - t] for a, t in zip(arrays, trailing, strict=True)]
        try:
            shape = np.broadcast_shapes(*leads) if arrays else ()
        except ValueError:
            shapes = {k: a.shape for k, a in zip([*names, "regime"], arrays, strict=False)}
            raise OutcomeError(f"outcome arrays do not broadcast together: {shapes}") from None
        stored = {}
        for k, a, t in zip(names, arrays, trailing, strict=False):
            stored[k] = _read_only(a, shape + (a.shape[a.ndim - t :] if t else ()))
        reg = None
        rnames: tuple[str, ...] = ()
        if regime is not None:
            rnames = tuple(str(r) for r in regime_names)
            reg = _read_only(arrays[-1], shape)
            if reg.size and (reg.min() < -1 or reg.max() >= len(rnames)):
                raise OutcomeError(
                    f"regime labels must lie in -1..{len(rnames) - 1}, got "
                    f"{int(reg.min())}..{int(reg.max())}"
                )
        elif regime_names is not None:
            rnames = tuple(str(r) for r in regime_names)
        object.__setattr__(self, "data", stored)
        object.__setattr__(self, "regime", reg)
        object.__setattr__(self, "regime_names", rnames)
        object.__setattr__(self, "axes", axes)
        object.__setattr__(self, "_shape", shape)

    # ------------------------------------------------------------------ mapping
    def __getitem__(self, key: str) -> np.ndarray:
        if key in self.data:
            return self.data[key]
        if key == "regime" and self.regime is not None:
            return self.regime
        # builtin: the Mapping protocol (a missing key)
        raise KeyError(f"no outcome {key!r}; the outcomes are {', '.join(self.data) or 'none'}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        """The batch shape: one value of each scalar outcome per parameter point."""
        return self._shape  # type: ignore[attr-defined]

    def trailing_shape(self, name: str) -> tuple[int, ...]:
        """The shape of the trailing axes of outcome ``name`` (``()`` for a scalar one)."""
        return self.data[name].shape[len(self.shape) :]

    def scalar(self, name: str) -> np.ndarray:
        """Outcome ``name``, which must have no trailing axes (a clear error otherwise)."""
        if name not in self.data and not (name == "regime" and self.regime is not None):
            self[name]  # raises the KeyError listing the outcomes
        if name in self.axes:
            raise OutcomeError(
                f"outcome {name!r} has trailing axes {self.axes[name]}: pick a scalar outcome"
            )
        return self[name]

    @property
    def has_regime(self) -> bool:
        return self.regime is not None

    def regime_labels(self) -> np.ndarray:
        """Regime names at each point (``""`` where no regime applies)."""
        if self.regime is None:
            raise OutcomeError("this outcome has no regime labels")
        names = np.array([*self.regime_names, ""], dtype=object)
        return np.asarray(names[self.regime], dtype=object)  # an array also for 0-d outcomes

    # ------------------------------------------------------------------ reshaping
    def reshape(self, shape) -> Outcome:
        """The same outcome with the batch dimensions reshaped."""
        shape = tuple(np.empty(self.shape, dtype=np.bool_).reshape(shape).shape)
        return Outcome(
            {k: v.reshape(shape + self.trailing_shape(k)) for k, v in self.data.items()},
            regime=None if self.regime is None else self.regime.reshape(shape),
            regime_names=self.regime_names if self.regime is not None else None,
            axes=self.axes,
        )

    def flatten(self) -> Outcome:
        return self.reshape(-1)

    def select(self, mask) -> Outcome:
        """The points where a boolean mask of the batch shape holds (a 1-D outcome)."""
        mask = np.asarray(mask, dtype=bool)
        return Outcome(
            {k: v[mask] for k, v in self.data.items()},
            regime=None if self.regime is None else self.regime[mask],
            regime_names=self.regime_names if self.regime is not None else None,
            axes=self.axes,
        )

    def fields(self) -> dict[str, np.ndarray]:
        """All arrays, with the regime (if any) under the key ``"regime"``."""
        out = dict(self.data)
        if self.regime is not None and "regime" not in out:
            out["regime"] = self.regime
        return out

    def columns(self, params: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
        """Flat columns, one row per point: ``params`` (broadcast), then each outcome (an
        outcome with trailing axes gives one column per position, ``path[0]``, ``path[1]``,
        ...), then the regime names under ``regime``."""
        columns: dict[str, np.ndarray] = {}
        n = int(np.prod(self.shape, dtype=np.int64))
        for k, v in (params or {}).items():
            columns[k] = np.broadcast_to(np.asarray(v), self.shape).reshape(-1)
        for k, v in self.data.items():
            trail = self.trailing_shape(k)
            if not trail:
                columns[k] = v.reshape(-1)
                continue
            flat = v.reshape(n, -1)
            for j, index in enumerate(np.ndindex(*trail)):
                columns[f"{k}[{','.join(map(str, index))}]"] = flat[:, j]
        if self.regime is not None:
            columns["regime" if "regime" not in columns else "regime_label"] = (
                self.regime_labels().reshape(-1)
            )
        return columns

    def to_pandas(self, params: Mapping[str, Any] | None = None):
        """A flat :class:`pandas.DataFrame` of :meth:`columns`: one row per point."""
        import pandas as pd

        return pd.DataFrame(self.columns(params))

    def __repr__(self) -> str:
        regime = f", regimes={list(self.regime_names)}" if self.regime is not None else ""
        return f"Outcome(shape={self.shape}, fields={list(self.data)}{regime})"


def _read_only(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A read-only array of ``shape``: a view when ``a`` has it, else a broadcast copy."""
    b = a.view() if a.shape == shape else np.array(np.broadcast_to(a, shape))
    b.flags.writeable = False
    return b


def as_outcome(result: Any, shape: tuple[int, ...] | None = None) -> Outcome:
    """An :class:`Outcome` from an Outcome or a mapping of arrays, broadcast to ``shape``."""
    if isinstance(result, Outcome):
        out = result
    elif isinstance(result, Mapping):
        out = Outcome(result)
    else:
        raise OutcomeError(
            f"a model's solve must return an Outcome (or a mapping of arrays), got "
            f"{type(result).__name__}"
        )
    if shape is not None and out.shape != shape:
        try:
            target = np.broadcast_shapes(out.shape, shape)
        except ValueError:
            target = None
        if target != shape:
            raise OutcomeError(
                f"the outcome has shape {out.shape}, but the parameters broadcast to {shape}"
            )
        out = Outcome(
            {
                k: np.broadcast_to(
                    v.reshape((1,) * (len(shape) - len(out.shape)) + v.shape),
                    shape + out.trailing_shape(k),
                )
                for k, v in out.data.items()
            },
            regime=None if out.regime is None else np.broadcast_to(out.regime, shape),
            regime_names=out.regime_names if out.regime is not None else None,
            axes=out.axes,
        )
    return out


# ---------------------------------------------------------------------------------- Figure
@dataclass(frozen=True)
class Figure:
    """A figure of a model: deterministic data and a drawing of it.

    Parameters
    ----------
    name : str
        File stem: the figure renders to ``<name>.png`` and ``<name>.csv``.
    title : str
    compute : callable
        ``compute() -> dict of str to array``: the data behind the figure. Columns are 1-D
        arrays of one length, or arrays that broadcast to a common 2-D shape (e.g. ``x`` of
        shape ``(1, nx)``, ``y`` of shape ``(ny, 1)`` and ``z`` of shape ``(ny, nx)`` for a
        map); the CSV holds them broadcast and flattened (C order).
    draw : callable
        ``draw(data) -> matplotlib.figure.Figure``.
    caption : str
    """

    name: str
    title: str
    compute: Callable[[], Mapping[str, Any]]
    draw: Callable[[Mapping[str, np.ndarray]], Any]
    caption: str = ""


def figure_table(data: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The columns of a figure's data, broadcast and flattened (see :class:`Figure`)."""
    arrays = {k: np.asarray(v) for k, v in data.items()}
    if not arrays:
        raise OutcomeError("a figure's compute() returned no data")
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = {k: a.shape for k, a in arrays.items()}
        raise OutcomeError(f"figure columns do not broadcast together: {shapes}") from None
    if len(shape) > 2:
        raise OutcomeError(f"figure data must be 1-D or 2-D, got shape {shape}")
    return {k: np.broadcast_to(a, shape).reshape(-1) for k, a in arrays.items()}


def write_csv(columns: Mapping[str, np.ndarray], path, float_format: str = "%.10g") -> None:
    """Write equal-length columns as CSV with a fixed float format (deterministic)."""
    names = list(columns)
    arrays = [np.asarray(columns[k]).reshape(-1) for k in names]
    n = arrays[0].size if arrays else 0
    buf = io.StringIO()
    buf.write(",".join(_csv_field(k) for k in names) + "\n")
    for i in range(n):
        buf.write(",".join(_csv_value(a[i], float_format) for a in arrays) + "\n")
    Path(path).write_text(buf.getvalue(), encoding="utf-8", newline="")


def _csv_field(text: str) -> str:
    text = str(text)
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_value(x, float_format: str) -> str:
    if isinstance(x, float | np.floating):
        if np.isnan(x):
            return "nan"
        return float_format % float(x)
    if isinstance(x, bool | np.bool_):
        return "true" if x else "false"
    if isinstance(x, int | np.integer):
        return str(int(x))
    return _csv_field(str(x))


# ---------------------------------------------------------------------------------- Model
@dataclass(frozen=True, eq=False)
class Model:
    """A theory's family of games: parameters in, outcomes out, with claims and figures.

    Parameters
    ----------
    name : str
        Registry name (an identifier, e.g. ``"coercion"``).
    title : str
    space : ParameterSpace
    solve : callable
        ``solve(**params) -> Outcome``, vectorised over points: it receives every parameter
        as a 1-D float array, all of one length (one entry per point), and returns outcomes
        of that length (see :meth:`evaluate`).
    claims : sequence of Claim
        The theory's propositions (:class:`irgames.analysis.claims.Claim`).
    figures : sequence of Figure
    description, source : str
    """

    name: str
    title: str
    space: ParameterSpace
    solve: Callable[..., Outcome]
    claims: tuple = ()
    figures: tuple[Figure, ...] = ()
    description: str = ""
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            raise ModelError(f"model name must be an identifier, got {self.name!r}")
        if not isinstance(self.space, ParameterSpace):
            # builtin: an argument of the wrong type, as Python's own functions do
            raise TypeError(f"model {self.name!r}: space must be a ParameterSpace")
        object.__setattr__(self, "claims", tuple(self.claims))
        object.__setattr__(self, "figures", tuple(self.figures))
        names = [c.name for c in self.claims]
        if len(set(names)) != len(names):
            raise ModelError(f"model {self.name!r}: claim names repeat: {names}")

    def __call__(self, **params) -> Outcome:
        """Validate ``params`` (missing ones take defaults) and solve."""
        values = self.space.validate(**params)
        return self.evaluate(values)

    def evaluate(self, params: Mapping[str, Any]) -> Outcome:
        r"""Solve at already validated, complete parameters (no validation).

        The parameters are broadcast together once, to the batch shape :math:`S`, and
        flattened in C order: ``solve`` receives equal-length 1-D arrays of
        :math:`n = \prod S` points (``n = 1`` for scalars) and returns an outcome of shape
        ``(n,)`` (or one that broadcasts to it), which is reshaped to :math:`S` (trailing axes
        of vector-valued outcomes kept).
        """
        arrays = {k: np.asarray(v, dtype=float) for k, v in params.items()}
        missing = [n for n in self.space.names if n not in arrays]
        if missing:
            raise ParameterError(f"model {self.name!r}: missing parameters {missing}")
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        n = math.prod(shape)
        require(
            8 * n * len(arrays),
            f"the {len(arrays)} parameters of model {self.name!r} at {n} points",
            advice="evaluate fewer points at a time (irgames.sweep solves a grid in chunks)",
        )
        flat = {
            k: a.reshape(-1) if a.shape == shape else np.broadcast_to(a, shape).reshape(-1)
            for k, a in arrays.items()
        }
        out = as_outcome(self.solve(**flat))
        if out.shape not in ((n,), (1,), ()):
            raise OutcomeError(
                f"model {self.name!r}: solve returned outcomes of shape {out.shape} for {n} "
                f"points (the parameters broadcast to {shape}); solve receives 1-D arrays of "
                f"one length and must return outcomes of that length"
            )
        return as_outcome(out, (n,)).reshape(shape)

    def claim(self, name: str):
        """The claim called ``name`` (:func:`~irgames.analysis.claims.find_claim`: an unknown
        name raises :class:`~irgames.analysis.claims.UnknownClaimError`, a ``KeyError`` whose
        message lists the model's claims)."""
        from .claims import find_claim  # claims builds on this module

        return find_claim(self, name)

    def figure(self, name: str) -> Figure:
        for f in self.figures:
            if f.name == name:
                return f
        # builtin: the Mapping protocol (a missing key)
        raise KeyError(
            f"model {self.name!r} has no figure {name!r}; its figures are "
            f"{', '.join(f.name for f in self.figures) or 'none'}"
        )

    def __repr__(self) -> str:
        return (
            f"Model({self.name!r}, parameters={list(self.space.names)}, "
            f"claims={len(self.claims)}, figures={len(self.figures)})"
        )


def evaluate_valid(
    model: Model, params: Mapping[str, Any], valid=None, *, fill: float = np.nan
) -> Outcome:
    """Solve only at the points where ``valid`` holds; the others get ``fill`` (regime -1).

    ``params`` are broadcastable arrays of every parameter; ``valid`` (default: the space's
    membership test) is a bool array of their broadcast shape. Integer and bool outcomes are
    converted to float where some point is invalid (so that ``fill`` fits).
    """
    arrays = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    if valid is None:
        valid = model.space.contains(**arrays)
    valid = np.broadcast_to(np.asarray(valid, dtype=bool), shape)
    if valid.all():
        return model.evaluate(arrays)
    keep = valid.reshape(-1)
    flat = {k: np.broadcast_to(a, shape).reshape(-1)[keep] for k, a in arrays.items()}
    inner = model.evaluate(flat)
    data = {}
    for k, v in inner.data.items():
        dtype = v.dtype if (keep.all() or v.dtype.kind in "fc") else np.float64
        trail = inner.trailing_shape(k)
        full = np.full((keep.size, *trail), fill, dtype=dtype)
        full[keep] = v
        data[k] = full.reshape(shape + trail)
    regime = None
    if inner.regime is not None:
        regime = np.full(keep.size, -1, dtype=np.int64)
        regime[keep] = inner.regime
        regime = regime.reshape(shape)
    return Outcome(
        data,
        regime=regime,
        regime_names=inner.regime_names if regime is not None else None,
        axes=inner.axes,
    )
