r"""Parameter spaces: the domain over which a theory's family of games is indexed.

A theory is a family of games :math:`\{G(\theta) : \theta \in \Theta\}`. The parameter space
:math:`\Theta \subseteq \mathbb{R}^k` is a box of named parameters, each an interval
:math:`[\ell_j, h_j]` (either end open or closed, real or integer), cut by cross-parameter
constraints :math:`g(\theta)` (vectorised predicates such as :math:`c_s < c_t`) and by simplex
constraints (groups of parameters :math:`\theta_{j_1}, \dots, \theta_{j_m} \ge 0` with
:math:`\sum \theta_{j} \le 1`; the omitted last coordinate is :math:`1 - \sum \theta_j`).

:class:`ParameterSpace` makes labelled grids (:meth:`~ParameterSpace.grid`), seeded random draws
(:meth:`~ParameterSpace.sample`, uniform or log-uniform on each interval, rejection for the
constraints), hypothesis strategies (:meth:`~ParameterSpace.strategy`), and rejects values
outside the space with a :class:`ParameterError` that names the parameter, the value and the
domain (:meth:`~ParameterSpace.validate`).

Examples
--------
>>> from irgames.analysis.parameters import Constraint, Parameter, ParameterSpace, Range
>>> space = ParameterSpace(
...     [Parameter("c_s", 0, 10, default=1, closed=(False, True), meaning="sender's cost",
...                source="Drezner 1999"),
...      Parameter("c_t", 0, 10, default=3, closed=(False, True), meaning="target's cost",
...                source="Drezner 1999")],
...     constraints=[Constraint("c_s < c_t", lambda p: p["c_s"] < p["c_t"])])
>>> space.defaults()
{'c_s': 1.0, 'c_t': 3.0}
>>> grid = space.grid(c_t=Range(2, 4, 3), c_s=[0.5, 1.5])
>>> grid.dims, grid.shape, grid.coords["c_t"].tolist()
(('c_t', 'c_s'), (3, 2), [2.0, 3.0, 4.0])
>>> space.grid(c_t="2:4:3", c_s=1.5).dims  # a bare number holds c_s fixed
('c_t',)
>>> space.validate(c_s=12.0)
Traceback (most recent call last):
...
irgames.errors.ParameterError: parameter 'c_s' = 12 is outside its domain (0, 10]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from .._memory import require
from ..errors import ParameterError

__all__ = [
    "Constraint",
    "Grid",
    "Parameter",
    "ParameterError",
    "ParameterSpace",
    "Range",
    "is_fixed_value",
]

#: Most points one grid axis may have (a larger request is refused before any allocation).
MAX_AXIS_POINTS = 2**31


# ---------------------------------------------------------------------------------- Parameter
@dataclass(frozen=True)
class Parameter:
    r"""One named parameter and its domain.

    Parameters
    ----------
    name : str
        A Python identifier, used as the keyword of the model's ``solve``.
    low, high : float
        Bounds of the domain (``-inf`` / ``inf`` allowed; grids and draws then need explicit
        values). ``low == high`` is allowed for a closed, fixed parameter.
    default : float
        A value inside the domain, used when a parameter is not given.
    closed : (bool, bool)
        Whether the lower and upper ends belong to the domain.
    integer : bool
        Whether only integers are allowed.
    scale : {"linear", "log"}
        How grids and draws spread points: evenly, or evenly in :math:`\log \theta`
        (requires ``low >= 0``).
    meaning, unit, source : str
        What the parameter is, its unit, and where it comes from (paper, seed).
    """

    name: str
    low: float
    high: float
    default: float
    closed: tuple[bool, bool] = (True, True)
    integer: bool = False
    scale: Literal["linear", "log"] = "linear"
    meaning: str = ""
    unit: str | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            raise ParameterError(f"parameter name must be an identifier, got {self.name!r}")
        low, high, default = (float(self.low), float(self.high), float(self.default))
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "default", default)
        object.__setattr__(self, "closed", (bool(self.closed[0]), bool(self.closed[1])))
        if math.isnan(low) or math.isnan(high):
            raise ParameterError(f"parameter {self.name!r}: bounds must not be NaN")
        if low > high or (low == high and not all(self.closed)):
            raise ParameterError(
                f"parameter {self.name!r}: empty domain {self._domain_text(low, high)}"
            )
        if self.scale not in ("linear", "log"):
            raise ParameterError(
                f"parameter {self.name!r}: scale must be 'linear' or 'log', got {self.scale!r}"
            )
        if self.scale == "log" and (low < 0 or (low == 0 and self.closed[0])):
            raise ParameterError(
                f"parameter {self.name!r}: log scale needs a positive domain, got "
                f"{self._domain_text(low, high)}"
            )
        if not bool(self.contains(default)):
            raise ParameterError(
                f"parameter {self.name!r}: default {default!r} is outside its domain {self.domain}"
            )

    # ------------------------------------------------------------------ domain
    def _domain_text(self, low: float, high: float) -> str:
        left = "[" if self.closed[0] else "("
        right = "]" if self.closed[1] else ")"
        kind = " (integers)" if self.integer else ""
        return f"{left}{_fmt(low)}, {_fmt(high)}{right}{kind}"

    @property
    def domain(self) -> str:
        """The domain in interval notation, e.g. ``(0, 1]``."""
        return self._domain_text(self.low, self.high)

    @property
    def bounded(self) -> bool:
        """Whether both bounds are finite."""
        return math.isfinite(self.low) and math.isfinite(self.high)

    def contains(self, value) -> np.ndarray:
        """Elementwise membership of ``value`` in the domain (NaN is never a member)."""
        x = np.asarray(value, dtype=float)
        above = x >= self.low if self.closed[0] else x > self.low
        below = x <= self.high if self.closed[1] else x < self.high
        ok = above & below & ~np.isnan(x)
        if self.integer:
            ok &= np.isfinite(x) & (np.floor(x) == x)
        return ok

    def _without_integer(self) -> _RealDomain:
        return _RealDomain(self.low, self.high, self.closed)

    def _inner_bounds(self) -> tuple[float, float]:
        """Finite bounds used for grids and draws (an error if the domain is unbounded)."""
        if not self.bounded:
            raise ParameterError(
                f"parameter {self.name!r} has the unbounded domain {self.domain}: give explicit "
                "values for it"
            )
        return self.low, self.high

    def points(self, n: int) -> np.ndarray:
        """``n`` evenly spread points of the domain (in log space for ``scale="log"``).

        Closed ends are included; open ends are replaced by the nearest points of an even
        grid of ``n + 1`` (one open end) or ``n + 2`` (both open) points. Integer parameters
        give the distinct integers of the rounded grid (possibly fewer than ``n``).
        """
        n = int(n)
        if n < 1:
            raise ParameterError(f"parameter {self.name!r}: number of points must be >= 1")
        low, high = self._inner_bounds()
        if low == high:
            return np.array([low])
        if self.integer:
            lo = math.ceil(low) if self.closed[0] else math.floor(low) + 1
            hi = math.floor(high) if self.closed[1] else math.ceil(high) - 1
            if lo > hi:
                raise ParameterError(f"parameter {self.name!r}: no integer in {self.domain}")
            return np.unique(np.round(np.linspace(lo, hi, n)))
        extra = (not self.closed[0]) + (not self.closed[1])
        if n == 1 and extra == 0:
            return np.array([self.default])
        m = n + extra
        if self.scale == "log":
            if low == 0.0:  # open at zero: spread over the last decades below high
                low = high * 1e-6
            grid = np.geomspace(low, high, m)
        else:
            grid = np.linspace(low, high, m)
        start = 0 if self.closed[0] else 1
        stop = m if self.closed[1] else m - 1
        return grid[start:stop]

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` random values, uniform (or log-uniform) on the domain."""
        low, high = self._inner_bounds()
        if low == high:
            return np.full(n, low)
        if self.integer:
            lo = math.ceil(low) if self.closed[0] else math.floor(low) + 1
            hi = math.floor(high) if self.closed[1] else math.ceil(high) - 1
            return rng.integers(lo, hi + 1, size=n).astype(float)
        if self.scale == "log":
            lo = math.log(low) if low > 0 else math.log(high) - 6 * math.log(10)
            x = np.exp(rng.uniform(lo, math.log(high), size=n))
        else:
            x = rng.uniform(low, high, size=n)
        # rng.uniform can return the lower bound (probability ~ 2^-53), and exp(log(high))
        # can round past high: keep such draws inside by moving them to the midpoint
        return np.where(self.contains(x), x, 0.5 * (low + high))

    def strategy(self):
        """A hypothesis strategy for values of this parameter (floats)."""
        from hypothesis import strategies as st

        if self.low == self.high:
            return st.just(self.low)
        if self.integer:
            lo = (
                None
                if math.isinf(self.low)
                else (math.ceil(self.low) if self.closed[0] else math.floor(self.low) + 1)
            )
            hi = (
                None
                if math.isinf(self.high)
                else (math.floor(self.high) if self.closed[1] else math.ceil(self.high) - 1)
            )
            return st.integers(lo, hi).map(float)
        if self.scale == "log" and self.bounded:
            lo = math.log(self.low) if self.low > 0 else math.log(self.high) - 6 * math.log(10)
            inner = st.floats(lo, math.log(self.high), allow_nan=False).map(math.exp)
            return inner.filter(lambda x: bool(self.contains(x)))
        return st.floats(
            None if math.isinf(self.low) else self.low,
            None if math.isinf(self.high) else self.high,
            exclude_min=not self.closed[0] and math.isfinite(self.low),
            exclude_max=not self.closed[1] and math.isfinite(self.high),
            allow_nan=False,
            allow_infinity=False,
        )

    def describe(self) -> str:
        """One line: name, domain, default, meaning, unit, source."""
        unit = f" [{self.unit}]" if self.unit else ""
        source = f" ({self.source})" if self.source else ""
        return (
            f"{self.name} in {self.domain}, default {_fmt(self.default)}{unit}: "
            f"{self.meaning}{source}"
        )


# ---------------------------------------------------------------------------------- Constraint
@dataclass(frozen=True)
class Constraint:
    """A cross-parameter constraint: a vectorised predicate on a dict of parameter arrays.

    Parameters
    ----------
    description : str
        The constraint in words or symbols, e.g. ``"c_s < c_t"``; used in error messages.
    predicate : callable
        ``predicate(params) -> bool array`` where ``params`` maps names to broadcastable arrays.
    """

    description: str
    predicate: Callable[[Mapping[str, np.ndarray]], Any]

    def __call__(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self.predicate(params), dtype=bool)


# ---------------------------------------------------------------------------------- Range
@dataclass(frozen=True)
class Range:
    r"""An axis of ``n`` evenly spread points from ``lo`` to ``hi`` (both included).

    The points are :math:`lo + k (hi - lo) / (n - 1)`, :math:`k = 0, \dots, n - 1`, or evenly
    spread in :math:`\log \theta` for a parameter with ``scale="log"``; for an integer
    parameter, the distinct integers of the rounded points. Without ``lo`` and ``hi``
    (``Range(n=41)``) the points spread over the parameter's whole domain
    (:meth:`Parameter.points`: open ends are stepped inside). The string ``"lo:hi:n"`` means
    ``Range(lo, hi, n)`` wherever an axis is given.

    A range is the only way to ask for evenly spread points: a list, tuple or array is a list
    of explicit values, and a bare number is a fixed value.

    Examples
    --------
    >>> Range(0, 1, 3)
    Range(0.0, 1.0, 3)
    >>> Range.parse("0:1:3") == Range(0, 1, 3)
    True
    >>> Range(n=5)
    Range(n=5)
    """

    lo: float | None = None
    hi: float | None = None
    n: int | None = None

    def __post_init__(self) -> None:
        n = self.n
        if n is None:
            raise ParameterError(
                "Range needs the number of points n: Range(lo, hi, n) or Range(n=n)"
            )
        if isinstance(n, bool) or not isinstance(n, int | np.integer | float | np.floating):
            raise ParameterError(f"Range: n must be a positive integer, got {n!r}")
        if not float(n).is_integer() or n < 1:
            raise ParameterError(f"Range: n must be a positive integer, got {n!r}")
        if n > MAX_AXIS_POINTS:
            raise ParameterError(
                f"Range: {int(n):,} points on one axis is more than {MAX_AXIS_POINTS:,}; use "
                "fewer points"
            )
        object.__setattr__(self, "n", int(n))
        if (self.lo is None) != (self.hi is None):
            raise ParameterError("Range: give both lo and hi, or neither (the whole domain)")
        for end in ("lo", "hi"):
            value = getattr(self, end)
            if value is None:
                continue
            try:
                x = float(value)
            except (TypeError, ValueError):
                raise ParameterError(f"Range: {end} must be a number, got {value!r}") from None
            if not math.isfinite(x):
                raise ParameterError(f"Range: {end} must be finite, got {value!r}")
            object.__setattr__(self, end, x)

    @classmethod
    def parse(cls, text: str) -> Range:
        """``"lo:hi:n"`` as a :class:`Range` (a :class:`ParameterError` if malformed)."""
        parts = str(text).split(":")
        if len(parts) != 3:
            raise ParameterError(f"malformed range {text!r}: use 'lo:hi:n'")
        try:
            lo, hi = float(parts[0]), float(parts[1])
        except ValueError:
            raise ParameterError(
                f"malformed range {text!r}: lo and hi must be numbers ('lo:hi:n')"
            ) from None
        try:
            n = int(parts[2])
        except ValueError:
            raise ParameterError(
                f"malformed range {text!r}: the number of points {parts[2]!r} is not an integer"
            ) from None
        if n < 1:
            raise ParameterError(f"malformed range {text!r}: need at least 1 point")
        return cls(lo, hi, n)

    def values(self, p: Parameter) -> np.ndarray:
        """The points of this range for parameter ``p`` (not yet checked against its domain)."""
        if self.lo is None:
            return p.points(self.n)
        if p.scale == "log":
            if self.lo <= 0 or self.hi <= 0:
                raise ParameterError(
                    f"axis {p.name!r}: a log-scale range needs positive ends, got {self!r}"
                )
            values = np.geomspace(self.lo, self.hi, self.n)
        else:
            values = np.linspace(self.lo, self.hi, self.n)
        return np.unique(np.round(values)) if p.integer else values

    def __repr__(self) -> str:
        if self.lo is None:
            return f"Range(n={self.n})"
        return f"Range({self.lo!r}, {self.hi!r}, {self.n})"


def is_fixed_value(spec) -> bool:
    """Whether an axis spec is a bare number (a fixed value, not an axis).

    >>> is_fixed_value(2), is_fixed_value(0.5), is_fixed_value([2]), is_fixed_value(Range(0, 1, 3))
    (True, True, False, False)
    """
    if isinstance(spec, bool | np.bool_):
        return False
    if isinstance(spec, int | float | np.integer | np.floating):
        return True
    return isinstance(spec, np.ndarray) and spec.ndim == 0 and spec.dtype.kind in "iuf"


# ---------------------------------------------------------------------------------- Grid
@dataclass(frozen=True, eq=False)
class Grid:
    """A labelled grid of parameter points.

    Attributes
    ----------
    dims : tuple of str
        The swept parameters, in axis order.
    coords : dict of str to 1-D ndarray
        Values along each swept axis.
    params : dict of str to ndarray
        Every parameter of the space as an array that broadcasts to :attr:`shape`: swept
        axis ``k`` has shape ``(1, ..., n_k, ..., 1)``; the others are 0-d (held at their
        default or the given value).
    valid : ndarray of bool, shape ``shape``
        Whether each point satisfies the space's constraints.
    """

    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]
    params: dict[str, np.ndarray]
    valid: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.coords[d].size for d in self.dims)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def dense(self) -> dict[str, np.ndarray]:
        """Every parameter broadcast to the full grid shape (read-only views)."""
        return {k: np.broadcast_to(v, self.shape) for k, v in self.params.items()}

    def flat(self, only_valid: bool = False) -> dict[str, np.ndarray]:
        """Every parameter as a 1-D array over the grid points (C order)."""
        out = {k: np.ascontiguousarray(v).reshape(-1) for k, v in self.dense().items()}
        if only_valid:
            keep = self.valid.reshape(-1)
            out = {k: v[keep] for k, v in out.items()}
        return out


# ---------------------------------------------------------------------------------- space
@dataclass(frozen=True, eq=False)
class ParameterSpace:
    """Named parameters with domains, cut by constraints.

    Parameters
    ----------
    parameters : sequence of Parameter
    constraints : sequence of Constraint
        Vectorised cross-parameter predicates that every point must satisfy.
    simplex : sequence of sequences of str
        Groups of parameters that are shares: each must be >= 0 and each group must sum to at
        most 1 (the remainder is the implicit last share).
    """

    parameters: tuple[Parameter, ...]
    constraints: tuple[Constraint, ...] = ()
    simplex: tuple[tuple[str, ...], ...] = ()
    _index: dict[str, Parameter] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        params = tuple(self.parameters)
        for p in params:
            if not isinstance(p, Parameter):
                raise ParameterError(f"expected Parameter objects, got {type(p).__name__}")
        index: dict[str, Parameter] = {}
        for p in params:
            if p.name in index:
                raise ParameterError(f"parameter {p.name!r} is defined twice")
            index[p.name] = p
        constraints = tuple(
            c if isinstance(c, Constraint) else Constraint(*c) for c in self.constraints
        )
        simplex = tuple(tuple(group) for group in self.simplex)
        for group in simplex:
            for name in group:
                if name not in index:
                    raise ParameterError(f"simplex group names unknown parameter {name!r}")
        object.__setattr__(self, "parameters", params)
        object.__setattr__(self, "constraints", constraints)
        object.__setattr__(self, "simplex", simplex)
        object.__setattr__(self, "_index", index)
        defaults = self.defaults()
        problem = self._constraint_problem({k: np.asarray(v) for k, v in defaults.items()})
        if problem is not None:
            raise ParameterError(f"the defaults violate the constraint {problem}: {defaults}")

    # ------------------------------------------------------------------ access
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._index[name]
        except KeyError:
            raise ParameterError(self._unknown(name)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    def _unknown(self, name: str) -> str:
        return f"unknown parameter {name!r}; the parameters are {', '.join(self.names)}"

    def defaults(self) -> dict[str, float]:
        """The default value of every parameter."""
        return {p.name: p.default for p in self.parameters}

    def describe(self) -> str:
        """The space as text: one line per parameter, then the constraints."""
        lines = [p.describe() for p in self.parameters]
        lines += [f"constraint: {c.description}" for c in self.constraints]
        lines += [f"simplex: {' + '.join(g)} <= 1" for g in self.simplex]
        return "\n".join(lines)

    # ------------------------------------------------------------------ membership
    def _simplex_constraints(self) -> list[Constraint]:
        out = []
        for group in self.simplex:
            names = tuple(group)

            def pred(p, names=names):
                total = sum(np.asarray(p[n], dtype=float) for n in names)
                nonneg = np.logical_and.reduce([np.asarray(p[n]) >= 0 for n in names])
                return nonneg & (total <= 1 + 1e-12)

            out.append(Constraint(f"{' + '.join(names)} <= 1 (shares)", pred))
        return out

    def _all_constraints(self) -> list[Constraint]:
        return list(self.constraints) + self._simplex_constraints()

    def _constraint_problem(self, values: Mapping[str, np.ndarray]) -> str | None:
        """Description of the first violated constraint (with an offending point), or None."""
        for c in self._all_constraints():
            ok = c(values)
            if not np.all(ok):
                shape = np.broadcast_shapes(ok.shape, *(np.shape(v) for v in values.values()))
                bad = np.argwhere(~np.broadcast_to(ok, shape))[0] if shape else ()
                point = {k: float(np.broadcast_to(v, shape)[tuple(bad)]) for k, v in values.items()}
                return f"{c.description!r} at {point}"
        return None

    def contains(self, **values) -> np.ndarray:
        """Elementwise membership (domains and constraints) of broadcastable arrays.

        Missing parameters take their defaults; unknown names raise :class:`ParameterError`.
        """
        full = self._complete(values)
        ok = np.ones(np.broadcast_shapes(*(np.shape(v) for v in full.values())), dtype=bool)
        for p in self.parameters:
            ok = ok & p.contains(full[p.name])
        for c in self._all_constraints():
            with np.errstate(all="ignore"):
                ok = ok & c(full)
        return ok

    def _complete(self, values: Mapping[str, Any]) -> dict[str, np.ndarray]:
        for name in values:
            if name not in self._index:
                raise ParameterError(self._unknown(name))
        out = {}
        for p in self.parameters:
            out[p.name] = np.asarray(values[p.name] if p.name in values else p.default, float)
        return out

    def validate(self, **values) -> dict[str, np.ndarray]:
        """Check values against the space and fill in defaults.

        Parameters
        ----------
        **values : array_like
            Broadcastable arrays (or scalars) keyed by parameter name.

        Returns
        -------
        dict of str to ndarray
            Every parameter as a float array (given ones as given, the others 0-d defaults).

        Raises
        ------
        ParameterError
            For an unknown name, a non-numeric value, NaN, a value outside its domain (a
            non-integer for an integer parameter), shapes that do not broadcast, or a violated
            constraint; the message names the parameter and the offending value.
        """
        for name in values:
            if name not in self._index:
                raise ParameterError(self._unknown(name))
        out: dict[str, np.ndarray] = {}
        for p in self.parameters:
            if p.name not in values:
                out[p.name] = np.asarray(p.default)
                continue
            raw = values[p.name]
            try:
                x = np.asarray(raw, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(f"parameter {p.name!r} must be numeric, got {raw!r}") from None
            if np.isnan(x).any():
                raise ParameterError(f"parameter {p.name!r} is NaN (domain {p.domain})")
            ok = p.contains(x)
            if not np.all(ok):
                bad = x[~ok].flat[0] if x.ndim else float(x)
                where = "" if x.ndim == 0 else f" at index {tuple(np.argwhere(~ok)[0].tolist())}"
                reason = (
                    "is not an integer"
                    if p.integer
                    and np.isfinite(bad)
                    and math.floor(bad) != bad
                    and bool(p._without_integer().contains(bad))
                    else "is outside its domain"
                )
                raise ParameterError(
                    f"parameter {p.name!r} = {_fmt(float(bad))}{where} {reason} {p.domain}"
                )
            out[p.name] = x
        try:
            np.broadcast_shapes(*(v.shape for v in out.values()))
        except ValueError:
            shapes = {k: v.shape for k, v in out.items() if v.ndim}
            raise ParameterError(f"parameter arrays do not broadcast together: {shapes}") from None
        with np.errstate(all="ignore"):
            problem = self._constraint_problem(out)
        if problem is not None:
            raise ParameterError(f"parameters violate the constraint {problem}")
        return out

    # ------------------------------------------------------------------ grids and draws
    def axis(self, name: str, spec) -> np.ndarray:
        """The values of one grid axis from a spec (see :meth:`grid`), validated.

        Raises
        ------
        ParameterError
            For a bare number (a fixed value is not an axis: give it to ``fixed``), a
            malformed spec, no values, a value outside the domain, or an axis too large.
        """
        p = self[name]
        if isinstance(spec, bool | np.bool_):
            raise ParameterError(f"axis {name!r}: cannot use a bool ({spec!r}) as an axis spec")
        if isinstance(spec, str):
            spec = Range.parse(spec)
        if isinstance(spec, Range):
            require(
                8.0 * spec.n,
                f"axis {name!r} of {spec.n:,} points",
                advice="use fewer points",
            )
            values = spec.values(p)
        elif is_fixed_value(spec):
            raise ParameterError(
                f"axis {name!r}: {spec!r} is a fixed value, not an axis; give "
                f"Range(lo, hi, n), 'lo:hi:n' or a list of values to sweep it"
            )
        elif hasattr(spec, "__len__") or hasattr(spec, "__array__"):  # list, tuple, array
            if isinstance(spec, np.ndarray) and spec.dtype.kind == "b":
                raise ParameterError(f"axis {name!r}: cannot use bools as axis values")
            try:
                values = np.asarray(spec, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"axis {name!r}: values must be numbers, got {spec!r}"
                ) from None
            if values.ndim > 1:
                raise ParameterError(
                    f"axis {name!r}: give a flat list of values, got shape {values.shape}"
                )
            values = values.reshape(-1)
            if values.size == 0:
                raise ParameterError(f"axis {name!r}: no values given")
            if np.isnan(values).any():
                raise ParameterError(f"axis {name!r}: a value is NaN")
        else:
            raise ParameterError(
                f"axis {name!r}: cannot read {spec!r} as an axis; give Range(lo, hi, n), "
                "'lo:hi:n', a list of values, or a number (a fixed value)"
            )
        bad = ~p.contains(values)
        if bad.any():
            raise ParameterError(
                f"parameter {name!r} = {_fmt(float(values[bad][0]))} is outside its domain "
                f"{p.domain}"
            )
        return np.asarray(values, dtype=float)

    def grid(
        self, *, fixed: Mapping[str, Any] | None = None, check_constraints: bool = True, **axes
    ) -> Grid:
        """A labelled grid over the given axes, other parameters held fixed.

        Parameters
        ----------
        fixed : mapping, optional
            Values (scalars) for parameters that are not swept; defaults otherwise.
        **axes
            One spec per parameter, swept axes in axis order: a :class:`Range` (``Range(lo,
            hi, n)``: ``n`` points, linear or log spacing by the parameter's scale;
            ``Range(n=n)``: ``n`` points of the whole domain), the same as a string
            ``"lo:hi:n"``, or a list, tuple or array of explicit values. A bare number holds
            the parameter fixed at that value (as ``fixed`` does). Anything else is a
            :class:`ParameterError`.

        check_constraints : bool
            Evaluate the constraints on the whole grid now (``valid``); with False, ``valid``
            is a broadcast True and the caller checks chunks itself (as sweeps do, to keep
            memory per chunk).

        Returns
        -------
        Grid
            Points violating a constraint stay in the grid with ``valid`` False.
        """
        fixed = dict(fixed or {})
        for name in list(fixed) + list(axes):
            if name not in self._index:
                raise ParameterError(self._unknown(name))
        both = set(fixed) & set(axes)
        if both:
            raise ParameterError(f"parameters both swept and fixed: {sorted(both)}")
        held_here = {k: v for k, v in axes.items() if is_fixed_value(v)}
        fixed.update({k: float(v) for k, v in held_here.items()})
        axes = {k: v for k, v in axes.items() if k not in held_here}
        held = self.validate(**fixed) if fixed else self.validate()
        for k, v in fixed.items():
            if np.ndim(v) != 0:
                raise ParameterError(
                    f"fixed parameter {k!r} must be a scalar, got shape {np.shape(v)}"
                )
        dims = tuple(axes)
        coords = {name: self.axis(name, spec) for name, spec in axes.items()}
        params: dict[str, np.ndarray] = {}
        for p in self.parameters:
            if p.name in coords:
                k = dims.index(p.name)
                shape = [1] * len(dims)
                shape[k] = coords[p.name].size
                params[p.name] = coords[p.name].reshape(shape)
            else:
                params[p.name] = np.asarray(held[p.name], dtype=float)
        shape = tuple(coords[d].size for d in dims)
        if not check_constraints:
            return Grid(dims=dims, coords=coords, params=params, valid=np.broadcast_to(True, shape))
        valid = np.ones(shape, dtype=bool)
        with np.errstate(all="ignore"):
            for c in self._all_constraints():
                valid = valid & np.broadcast_to(c(params), shape)
        return Grid(dims=dims, coords=coords, params=params, valid=valid)

    def sample(
        self, n: int, seed: int | np.random.Generator | None = 0, *, max_rounds: int = 200
    ) -> dict[str, np.ndarray]:
        """``n`` seeded random points of the space.

        Each parameter is drawn uniformly (log-uniformly for ``scale="log"``) on its domain;
        points violating a constraint are rejected and redrawn.

        Returns
        -------
        dict of str to ndarray of shape (n,)

        Raises
        ------
        ParameterError
            If a parameter is unbounded, or the constraints reject nearly every draw.
        """
        n = int(n)
        if n < 0:
            raise ParameterError(f"number of draws must be >= 0, got {n}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        kept: list[dict[str, np.ndarray]] = []
        have = 0
        batch = max(n, 16)
        for _ in range(max_rounds):
            if have >= n:
                break
            draw = {p.name: p.draw(rng, batch) for p in self.parameters}
            ok = np.ones(batch, dtype=bool)
            with np.errstate(all="ignore"):
                for c in self._all_constraints():
                    ok &= np.broadcast_to(c(draw), (batch,))
            kept.append({k: v[ok] for k, v in draw.items()})
            have += int(ok.sum())
            rate = max(int(ok.sum()), 1) / batch
            batch = int(min(max((n - have) / rate * 1.2, 16), 10 * max(n, 16)))
        if have < n:
            raise ParameterError(
                f"the constraints reject nearly every draw ({have} of {n} points after "
                f"{max_rounds} rounds): {[c.description for c in self._all_constraints()]}"
            )
        if not kept:
            return {p.name: np.zeros(0) for p in self.parameters}
        return {k: np.concatenate([d[k] for d in kept])[:n] for k in self.names}

    def strategy(self, **fixed):
        """A hypothesis strategy for points of the space: dicts of floats.

        Values respect every domain (open ends excluded) and every constraint (by filtering).
        Keyword arguments fix parameters (to a value) or replace their strategy.
        """
        from hypothesis import strategies as st

        parts = {}
        for p in self.parameters:
            if p.name in fixed:
                v = fixed[p.name]
                parts[p.name] = v if hasattr(v, "example") else st.just(float(v))
            else:
                parts[p.name] = p.strategy()
        for name in fixed:
            if name not in self._index:
                raise ParameterError(self._unknown(name))
        constraints = self._all_constraints()

        def ok(point: dict) -> bool:
            arrays = {k: np.asarray(v) for k, v in point.items()}
            with np.errstate(all="ignore"):
                return all(bool(np.all(c(arrays))) for c in constraints)

        strategy = st.fixed_dictionaries(parts)
        return strategy.filter(ok) if constraints else strategy

    # ------------------------------------------------------------------ derived spaces
    def restrict(self, **bounds) -> ParameterSpace:
        """A smaller space: ``name=(low, high)`` narrows a domain, ``name=value`` fixes it.

        The new bounds must lie inside the old domain. A narrowed domain keeps the old
        openness where the old bound is kept and is closed at new bounds; the default is
        clipped into the new domain (the midpoint if it falls outside).
        """
        new = []
        for p in self.parameters:
            if p.name not in bounds:
                new.append(p)
                continue
            spec = bounds[p.name]
            if isinstance(spec, tuple | list):
                low, high = map(float, spec)
            else:
                low = high = float(spec)
            for v in (low, high):
                if not bool(p.contains(v)) and not (v == p.low or v == p.high):
                    raise ParameterError(
                        f"restrict: {p.name!r} = {_fmt(v)} is outside its domain {p.domain}"
                    )
            closed = (
                p.closed[0] if low == p.low else True,
                p.closed[1] if high == p.high else True,
            )
            if low == high:
                closed = (True, True)
                if not bool(p.contains(low)):
                    raise ParameterError(
                        f"restrict: {p.name!r} = {_fmt(low)} is outside its domain {p.domain}"
                    )
            candidate = replace(p, low=low, high=high, closed=closed, default=low)
            default = p.default if bool(candidate.contains(p.default)) else None
            if default is None:
                mid = 0.5 * (low + high)
                default = float(round(mid)) if p.integer else mid
            new.append(replace(candidate, default=default))
        for name in bounds:
            if name not in self._index:
                raise ParameterError(self._unknown(name))
        return ParameterSpace(tuple(new), self.constraints, self.simplex)

    def subspace(self, condition: Constraint | tuple[str, Callable]) -> ParameterSpace:
        """The space cut by one more constraint (its defaults must satisfy it)."""
        if not isinstance(condition, Constraint):
            condition = Constraint(*condition)
        return ParameterSpace(self.parameters, (*self.constraints, condition), self.simplex)


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


@dataclass(frozen=True)
class _RealDomain:
    """An interval without the integer requirement (for error messages)."""

    low: float
    high: float
    closed: tuple[bool, bool]

    def contains(self, value) -> np.ndarray:
        x = np.asarray(value, dtype=float)
        above = x >= self.low if self.closed[0] else x > self.low
        below = x <= self.high if self.closed[1] else x < self.high
        return above & below


def as_space(parameters: Iterable[Parameter] | ParameterSpace) -> ParameterSpace:
    """A :class:`ParameterSpace` from a space or a sequence of parameters."""
    if isinstance(parameters, ParameterSpace):
        return parameters
    if isinstance(parameters, Sequence) or hasattr(parameters, "__iter__"):
        return ParameterSpace(tuple(parameters))
    raise ParameterError(f"expected a ParameterSpace, got {type(parameters).__name__}")
