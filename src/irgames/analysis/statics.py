r"""Comparative statics: how outcomes move with parameters, numerically and symbolically.

Numeric derivatives
    For an outcome :math:`f(\theta)` and a parameter :math:`\theta_j`, the central difference

    .. math::

        \partial_j f(\theta) \approx \frac{f(\theta + h e_j) - f(\theta - h e_j)}{2h}

    with a step :math:`h` relative to the domain (``rel_step`` times its width; for log-scale
    parameters, times :math:`\theta_j \log(h_j/\ell_j)`). Where one side leaves the space (a
    bound or a constraint) the one-sided difference is used. All points of a batch and all
    offsets are solved in one batched call.

Kinks
    Where an outcome is not differentiable (a regime boundary), the left and right differences
    :math:`D^-_h, D^+_h` disagree by an amount that does not vanish with :math:`h`. With
    :math:`d(h) = D^+_h - D^-_h`, a smooth outcome has :math:`d(2h) \approx 2 d(h)` (the gap is
    :math:`h f''`), a kink :math:`d(2h) \approx d(h)` and a jump :math:`d(2h) \approx d(h)/2`.
    A point is flagged as a kink when :math:`|d(h)|` is above rounding noise and
    :math:`|d(2h)| < 1.5 |d(h)|`, or when the regime label changes across the stencil.

Integer parameters
    (a number of states, of rounds) have no derivative; for them the step is 1, ``left`` and
    ``right`` are the backward and forward unit differences :math:`f(\theta) - f(\theta - 1)`
    and :math:`f(\theta + 1) - f(\theta)`, and ``value`` is their mean (no kink test).

Elasticities
    :math:`\varepsilon = \partial_j f \cdot \theta_j / f`.

Monotone comparative statics
    :func:`monotone` tests whether :math:`f` is monotone in :math:`\theta_j` over the space:
    from random base points it solves :math:`f` along the whole segment of :math:`\theta_j`'s
    domain (one batched call), and reports every base point along whose segment a value falls
    below the previous one by more than the tolerance (a rise, for "decreasing").

Symbolic comparative statics
    For a sympy expression :math:`x^*(\theta)`, :func:`symbolic_derivative` differentiates, and
    :func:`sign_under` decides the sign of an expression on the space's box (each bounded
    parameter :math:`\theta \in (\ell, h)` rewritten as :math:`\ell + (h - \ell) s/(1 + s)` with
    :math:`s > 0`, so that sympy's positivity assumptions apply; undecided signs fall back to
    random points, flagged unproved). For an interior solution of :math:`F(x, \theta) = 0`, the
    implicit function theorem gives

    .. math::

        \frac{dx}{d\theta} = -\left[\frac{\partial F}{\partial x}\right]^{-1}
        \frac{\partial F}{\partial \theta}

    (:func:`implicit_derivative`). :func:`check_symbolic` compares a symbolic derivative with
    the numeric one at random points of the space.

Examples
--------
>>> import numpy as np
>>> from irgames.analysis.parameters import Parameter, ParameterSpace
>>> from irgames.analysis.model import Model, Outcome
>>> space = ParameterSpace([Parameter("x", -1, 1, default=0.5)])
>>> m = Model("absval", "|x|", space, lambda x: Outcome({"y": np.abs(x)}))
>>> d = derivative(m, "y", "x", {"x": np.array([-0.5, 0.0, 0.5])})
>>> np.round(d.value, 6).tolist(), d.kink.tolist()
([-1.0, 0.0, 1.0], [False, True, False])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import SolverError
from .model import Model, ModelError, evaluate_valid
from .parameters import ParameterError, ParameterSpace

__all__ = [
    "Derivative",
    "MonotoneCheck",
    "SignResult",
    "SymbolicCheck",
    "check_symbolic",
    "derivative",
    "elasticity",
    "implicit_derivative",
    "monotone",
    "outcome_where",
    "sign_under",
    "statics_table",
    "symbolic_derivative",
    "symbols",
]

_EPS = np.finfo(float).eps


@dataclass(frozen=True, eq=False)
class Derivative:
    """Numeric derivative of an outcome with respect to a parameter, at a batch of points.

    Attributes
    ----------
    value : ndarray
        Central difference where both sides lie in the space, else the one-sided one (NaN if
        neither side does).
    left, right : ndarray
        Backward and forward differences (NaN where that side leaves the space).
    kink : ndarray of bool
        Where the outcome is detected not to be differentiable (see the module docstring).
    step : ndarray
        The step :math:`h` at each point.
    at : dict of str to ndarray
        The points (every parameter, broadcast).
    outcome, parameter : str
    base : ndarray
        The outcome's value at the points.
    """

    value: np.ndarray
    left: np.ndarray
    right: np.ndarray
    kink: np.ndarray
    step: np.ndarray
    at: dict[str, np.ndarray]
    outcome: str
    parameter: str
    base: np.ndarray

    @property
    def one_sided(self) -> np.ndarray:
        """Where only one side of the stencil lies in the space."""
        return np.isnan(self.left) ^ np.isnan(self.right)


def _step(space: ParameterSpace, parameter: str, x: np.ndarray, rel_step: float) -> np.ndarray:
    p = space[parameter]
    if p.integer:
        return np.ones_like(x)
    if p.bounded and p.high > p.low:
        if p.scale == "log" and p.low > 0:
            h = rel_step * np.abs(x) * max(1.0, math.log(p.high / p.low))
        else:
            h = np.full_like(x, rel_step * (p.high - p.low))
    else:
        h = rel_step * np.maximum(np.abs(x), 1.0)
    return np.maximum(h, 8 * _EPS * np.maximum(np.abs(x), 1.0))


def derivative(
    model: Model,
    outcome: str,
    parameter: str,
    params: Mapping[str, Any] | None = None,
    *,
    rel_step: float = 1e-5,
    validate: bool = True,
) -> Derivative:
    r"""Derivative of ``outcome`` with respect to ``parameter`` at a batch of points.

    Parameters
    ----------
    model : Model
    outcome : str
        Name of a float outcome of the model.
    parameter : str
    params : mapping, optional
        Broadcastable arrays of parameters (missing ones take defaults).
    rel_step : float
        Step as a fraction of the domain's width.
    validate : bool
        Check ``params`` against the space first.

    Returns
    -------
    Derivative
    """
    space = model.space
    if parameter not in space:
        raise ParameterError(space._unknown(parameter))
    full = space.validate(**dict(params or {})) if validate else space._complete(dict(params))
    shape = np.broadcast_shapes(*(np.shape(v) for v in full.values()))
    dense = {k: np.broadcast_to(np.asarray(v, float), shape) for k, v in full.items()}
    x = dense[parameter]
    h = _step(space, parameter, x, rel_step)
    offsets = np.array([-2.0, -1.0, 0.0, 1.0, 2.0]).reshape((5,) + (1,) * len(shape))
    stacked = {k: np.broadcast_to(v, (5, *shape)) for k, v in dense.items()}
    stacked[parameter] = x + offsets * h
    valid = space.contains(**stacked)
    valid[2] = True
    out = evaluate_valid(model, stacked, valid)
    f = np.asarray(out.scalar(outcome), dtype=float)
    fm2, fm1, f0, fp1, fp2 = f
    with np.errstate(invalid="ignore", divide="ignore"):
        left = (f0 - fm1) / h
        right = (fp1 - f0) / h
        left2 = (f0 - fm2) / (2 * h)
        right2 = (fp2 - f0) / (2 * h)
        central = (fp1 - fm1) / (2 * h)
        value = np.where(np.isnan(central), np.where(np.isnan(right), left, right), central)
        d1 = right - left
        d2 = right2 - left2
        noise = 256 * _EPS * (np.fmax.reduce(np.abs(f), axis=0) + _EPS) / h
        rough = (np.abs(d1) > noise + 1e-9 * (np.abs(left) + np.abs(right))) & (
            np.abs(d2) < 1.5 * np.abs(d1)
        )
    kink = np.where(np.isnan(d1) | np.isnan(d2), False, rough)
    if space[parameter].integer:  # unit differences: no limit, so no kink test
        kink = np.zeros_like(kink, dtype=bool)
    if out.regime is not None:
        reg = out.regime
        both = valid[1] & valid[3]
        kink = kink | (both & (reg[1] != reg[3]))
    return Derivative(
        value=value,
        left=left,
        right=right,
        kink=np.asarray(kink, dtype=bool),
        step=h,
        at={k: np.array(v) for k, v in dense.items()},
        outcome=outcome,
        parameter=parameter,
        base=f0,
    )


def elasticity(
    model: Model,
    outcome: str,
    parameter: str,
    params: Mapping[str, Any] | None = None,
    **kwargs,
) -> np.ndarray:
    r"""Elasticity :math:`\partial_j f \cdot \theta_j / f` (NaN where :math:`f = 0`)."""
    d = derivative(model, outcome, parameter, params, **kwargs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d.base != 0, d.value * d.at[parameter] / d.base, np.nan)


def outcome_where(model: Model, params, valid, outcome: str, given=None):
    """A scalar outcome on a batch, solved only where ``valid``; ``given(params, outcome)``
    (if any) sees only those points, with the model's own dtypes.

    Returns
    -------
    (y, use) : float array (NaN where not used), bool array (valid and given)
    """
    shape = valid.shape
    keep = valid.reshape(-1)
    flat = {k: np.broadcast_to(v, shape).reshape(-1)[keep] for k, v in params.items()}
    out = model.evaluate(flat)
    values = np.asarray(out.scalar(outcome), dtype=float)
    use = np.ones(values.shape, dtype=bool)
    if given is not None:
        with np.errstate(all="ignore"):
            use &= np.broadcast_to(np.asarray(given(flat, out), dtype=bool), values.shape)
    y = np.full(keep.size, np.nan)
    y[keep] = np.where(use, values, np.nan)
    used = np.zeros(keep.size, dtype=bool)
    used[keep] = use
    return y.reshape(shape), used.reshape(shape)


# ---------------------------------------------------------------------------------- monotone
@dataclass(frozen=True, eq=False)
class MonotoneCheck:
    """Result of :func:`monotone`.

    Attributes
    ----------
    holds : bool
        Whether no violation was found.
    share : float
        Share of the base points along whose segment the outcome is monotone.
    n_points : int
        Number of base points (segments) checked.
    failures : dict of str to ndarray
        The base points whose segment violates monotonicity (every parameter), with the
        entries ``"<parameter>_from"`` / ``"<parameter>_to"`` giving the two values of the
        parameter between which the outcome moves the wrong way, and ``"drop"`` by how much.
    direction : str
    """

    holds: bool
    share: float
    n_points: int
    failures: dict[str, np.ndarray]
    direction: str
    outcome: str
    parameter: str

    def first_failure(self) -> dict[str, float] | None:
        if self.holds:
            return None
        return {k: float(v[0]) for k, v in self.failures.items()}


def monotone(
    model: Model,
    outcome: str,
    parameter: str,
    *,
    direction: Literal["increasing", "decreasing"] = "increasing",
    n: int = 200,
    steps: int = 41,
    seed: int = 0,
    atol: float | None = None,
    rtol: float = 1e-9,
    given=None,
    space: ParameterSpace | None = None,
) -> MonotoneCheck:
    r"""Test whether ``outcome`` is (weakly) monotone in ``parameter`` over the space.

    From ``n`` random base points, ``parameter`` runs over ``steps`` evenly spread values of its
    domain with the others held fixed (points violating a constraint are skipped); the whole
    ``n x steps`` batch is solved in one call. Along each segment, the outcome must never fall
    (rise, for "decreasing") from one point to the next by more than ``atol + rtol * scale``,
    where ``scale`` is the larger of the outcome's range and magnitude over the batch. Only
    neighbours that both lie in the space (and satisfy ``given``) are compared: a gap
    separates runs.

    ``given(params, outcome) -> bool array`` restricts the check to points where it holds
    (evaluated at every point of the segments).
    """
    if direction not in ("increasing", "decreasing"):
        raise ModelError(f"direction must be 'increasing' or 'decreasing', got {direction!r}")
    space = space or model.space
    p = space[parameter]
    base = space.sample(n, seed)
    line = p.points(steps)
    params = {k: v[:, None] for k, v in base.items()}
    params[parameter] = np.broadcast_to(line[None, :], (n, line.size))
    params = {k: np.broadcast_to(v, (n, line.size)) for k, v in params.items()}
    valid = space.contains(**params)
    y, valid = outcome_where(model, params, valid, outcome, given)
    if direction == "decreasing":
        y = -y
    finite = y[np.isfinite(y)]
    scale = max(float(np.ptp(finite)), float(np.abs(finite).max())) if finite.size else 0.0
    tol = (atol if atol is not None else 0.0) + rtol * scale
    with np.errstate(invalid="ignore"):
        # compare neighbours along the segment, both inside the space and the condition:
        # a gap (a constraint, or where the claim is not made) separates runs
        drop = np.concatenate([np.full((n, 1), np.nan), y[:, :-1] - y[:, 1:]], axis=1)
        bad = np.isfinite(drop) & (drop > tol)
    failed = bad.any(axis=1)
    checked = (np.isfinite(y[:, 1:]) & np.isfinite(y[:, :-1])).any(axis=1)
    rows = np.flatnonzero(failed)
    failures: dict[str, np.ndarray] = {k: v[rows] for k, v in base.items()}
    if rows.size:
        j = np.argmax(bad[rows], axis=1)
        failures[f"{parameter}_from"] = line[j - 1]
        failures[f"{parameter}_to"] = line[j]
        failures[parameter] = line[j]
        failures["drop"] = drop[rows, j]
    n_checked = int(checked.sum())
    share = 1.0 - (rows.size / n_checked) if n_checked else float("nan")
    return MonotoneCheck(
        holds=not rows.size,
        share=share,
        n_points=n_checked,
        failures=failures,
        direction=direction,
        outcome=outcome,
        parameter=parameter,
    )


# ---------------------------------------------------------------------------------- symbolic


def numeric_function(expr, names):
    """``expr`` as a vectorised function of the parameters ``names`` (positional, in order).

    Symbols are matched to parameters by name; scipy's special functions come first, so that
    ``erf`` (hence the normal CDF) evaluates elementwise on arrays.
    """
    import sympy as sp

    by_name = {s.name: s for s in expr.free_symbols}
    return sp.lambdify([by_name.get(k, sp.Symbol(k)) for k in names], expr, ["scipy", "numpy"])


def symbolic_derivative(expr, parameter):
    """The derivative of a sympy expression, simplified.

    >>> import sympy as sp
    >>> c_s, c_t, B_t = sp.symbols("c_s c_t B_t")
    >>> symbolic_derivative((c_t - (1 - B_t) * c_s) / (2 - B_t), B_t)
    (c_s + c_t)/(B_t - 2)**2
    """
    import sympy as sp

    symbol = _symbol(expr, parameter)
    return sp.factor(sp.simplify(sp.diff(expr, symbol)))


def implicit_derivative(F, x, theta):
    r"""Implicit-function-theorem derivative :math:`dx/d\theta = -F_x^{-1} F_\theta`.

    Parameters
    ----------
    F : sympy expression or sequence of expressions
        The equilibrium conditions :math:`F(x, \theta) = 0` (first-order or indifference
        conditions); as many equations as unknowns.
    x : sympy symbol or sequence of symbols
        The endogenous variables.
    theta : sympy symbol
        The parameter.

    Returns
    -------
    sympy expression (one unknown) or sympy Matrix (a column, one row per unknown)

    Raises
    ------
    ValueError
        If :math:`F_x` is identically singular (the solution is not locally a function of
        :math:`\theta`).

    >>> import sympy as sp
    >>> x, a = sp.symbols("x a", positive=True)
    >>> implicit_derivative(x**2 - a, x, a)   # x = sqrt(a): dx/da = 1/(2x)
    1/(2*x)
    """
    import sympy as sp

    scalar = not isinstance(F, list | tuple | sp.MatrixBase)
    Fs = sp.Matrix([F] if scalar else list(F))
    xs = [x] if scalar or isinstance(x, sp.Symbol) else list(x)
    if Fs.shape[0] != len(xs):
        raise ModelError(f"need as many equations as unknowns, got {Fs.shape[0]} and {len(xs)}")
    J = Fs.jacobian(xs)
    det = sp.simplify(J.det())
    if det == 0:
        raise SolverError("F_x is singular: the implicit function theorem does not apply")
    Ft = Fs.diff(theta)
    result = (-J.inv() * Ft).applyfunc(sp.simplify)
    return result[0] if scalar else result


def _symbol(expr, parameter):
    import sympy as sp

    if isinstance(parameter, sp.Symbol):
        return parameter
    for s in expr.free_symbols:
        if s.name == parameter:
            return s
    return sp.Symbol(str(parameter))


@dataclass(frozen=True)
class SignResult:
    """Sign of an expression over a parameter space.

    Attributes
    ----------
    sign : int or None
        +1 (the expression is >= 0 everywhere and > 0 somewhere), -1 (the mirror image), 0
        (identically zero), or None when it changes sign or is undecided.
    proved : bool
        True when sympy proved the sign on the box of domains; False when it rests on random
        points (then ``share_positive`` / ``share_negative`` say what was found).
    share_positive, share_negative : float
        Shares of random points where the expression is > 0 and < 0.
    strict : bool
        Whether the sign is strict: proved strict on the interior of the box (closed ends are
        limits, where the expression may vanish), or seen at every random point.
    """

    sign: int | None
    proved: bool
    share_positive: float
    share_negative: float
    strict: bool = False


def _positive_form(expr, space: ParameterSpace):
    """Rewrite each bounded parameter as l + (h - l) s/(1+s), s > 0 (others by their sign)."""
    import sympy as sp

    subs = {}
    for s in expr.free_symbols:
        if s.name not in space:
            continue
        p = space[s.name]
        t = sp.Symbol(f"_{s.name}_s", positive=True)
        low, high = (
            sp.nsimplify(p.low) if math.isfinite(p.low) else None,
            (sp.nsimplify(p.high) if math.isfinite(p.high) else None),
        )
        if low is not None and high is not None:
            subs[s] = low + (high - low) * t / (1 + t)
        elif low is not None:
            subs[s] = low + t
        elif high is not None:
            subs[s] = high - t
    return sp.simplify(sp.factor(sp.together(expr.subs(subs))))


def sign_under(expr, space: ParameterSpace, *, n: int = 2000, seed: int = 0) -> SignResult:
    r"""The sign of a sympy expression over the space (proved on the box when sympy can).

    The proof covers the interior of the box of domains (each bounded parameter is rewritten
    as :math:`\ell + (h - \ell) s / (1 + s)`, :math:`s > 0`); by continuity a weak sign extends
    to closed ends. Constraints of the space are not used by the proof (a sign on the whole
    box holds on any part of it); the random-point fallback respects them.

    >>> import sympy as sp
    >>> from irgames.analysis.parameters import Parameter, ParameterSpace
    >>> space = ParameterSpace([Parameter("B_t", 0, 1, default=0.5),
    ...                         Parameter("c_s", 0, 5, default=1, closed=(False, True)),
    ...                         Parameter("c_t", 0, 5, default=3, closed=(False, True))])
    >>> B_t, c_s, c_t = sp.symbols("B_t c_s c_t")
    >>> sign_under((c_s + c_t) / (B_t - 2) ** 2, space)
    SignResult(sign=1, proved=True, share_positive=1.0, share_negative=0.0, strict=True)
    """
    import sympy as sp

    unknown = [s.name for s in expr.free_symbols if s.name not in space]
    if unknown:
        raise ParameterError(f"expression has symbols that are not parameters: {unknown}")
    points = space.sample(n, seed)
    f = numeric_function(expr, space.names)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(f(*(points[k] for k in space.names)), float), (n,))
    pos = float(np.mean(values > 0)) if n else 0.0
    neg = float(np.mean(values < 0)) if n else 0.0
    if expr == 0 or sp.simplify(expr) == 0:
        return SignResult(0, True, 0.0, 0.0, strict=False)
    form = _positive_form(expr, space)
    if form.is_positive:
        return SignResult(1, True, pos, neg, strict=True)
    if form.is_negative:
        return SignResult(-1, True, pos, neg, strict=True)
    if form.is_nonnegative:
        return SignResult(1, True, pos, neg, strict=False)
    if form.is_nonpositive:
        return SignResult(-1, True, pos, neg, strict=False)
    if neg == 0.0 and pos > 0.0:
        return SignResult(1, False, pos, neg, strict=pos == 1.0)
    if pos == 0.0 and neg > 0.0:
        return SignResult(-1, False, pos, neg, strict=neg == 1.0)
    return SignResult(None, False, pos, neg, strict=False)


def symbols(space: ParameterSpace) -> dict[str, Any]:
    """Sympy symbols for the space's parameters, with the assumptions their domains imply.

    Every symbol is real; a parameter with ``low > 0`` (or ``low = 0`` open) is positive, one
    with ``low = 0`` closed nonnegative; integer parameters are integer. Expressions built on
    these symbols simplify under those assumptions.

    >>> from irgames.analysis.parameters import Parameter, ParameterSpace
    >>> s = symbols(ParameterSpace([Parameter("c", 0, 5, default=1, closed=(False, True)),
    ...                             Parameter("B", 0, 1, default=0.5)]))
    >>> s["c"].is_positive, s["B"].is_nonnegative, s["B"].is_positive
    (True, True, None)
    """
    import sympy as sp

    out = {}
    for p in space.parameters:
        assumptions: dict[str, bool] = {"real": True}
        if p.low > 0 or (p.low == 0 and not p.closed[0]):
            assumptions["positive"] = True
        elif p.low == 0:
            assumptions["nonnegative"] = True
        if p.high < 0 or (p.high == 0 and not p.closed[1]):
            assumptions["negative"] = True
        elif p.high == 0:
            assumptions["nonpositive"] = True
        if p.integer:
            assumptions["integer"] = True
        out[p.name] = sp.Symbol(p.name, **assumptions)
    return out


@dataclass(frozen=True, eq=False)
class StaticsTable:
    """Symbolic comparative statics of one expression: per parameter, the derivative and its
    sign over the space (see :func:`statics_table`)."""

    expression: Any
    rows: tuple[tuple[str, Any, SignResult], ...]

    def sign(self, parameter: str) -> int | None:
        for name, _, sign in self.rows:
            if name == parameter:
                return sign.sign
        # builtin: the Mapping protocol (a missing key)
        raise KeyError(f"no row for {parameter!r}")

    def to_text(self) -> str:
        marks = {1: "+", -1: "-", 0: "0", None: "?"}
        lines = []
        for name, d, sign in self.rows:
            how = "proved" if sign.proved else "sampled"
            lines.append(f"d/d{name}: {marks[sign.sign]} ({how})   {d}")
        return "\n".join(lines)


def statics_table(
    expr, space: ParameterSpace, parameters=None, *, n: int = 2000, seed: int = 0
) -> StaticsTable:
    """Derivative of ``expr`` with respect to each parameter and its sign over the space.

    Examples
    --------
    >>> import sympy as sp
    >>> from irgames.analysis.parameters import Parameter, ParameterSpace
    >>> space = ParameterSpace([Parameter("B_t", 0, 1, default=0.5),
    ...                         Parameter("c_s", 0, 5, default=1, closed=(False, True)),
    ...                         Parameter("c_t", 0, 5, default=3, closed=(False, True))])
    >>> B_t, c_s, c_t = sp.symbols("B_t c_s c_t")
    >>> table = statics_table((c_t - (1 - B_t) * c_s) / (2 - B_t), space)
    >>> [table.sign(p) for p in ("B_t", "c_s", "c_t")]
    [1, -1, 1]
    """
    names = [s.name for s in expr.free_symbols] if parameters is None else list(parameters)
    names = [n_ for n_ in space.names if n_ in names]
    rows = []
    for name in names:
        d = symbolic_derivative(expr, name)
        rows.append((name, d, sign_under(d, space, n=n, seed=seed)))
    return StaticsTable(expr, tuple(rows))


@dataclass(frozen=True, eq=False)
class SymbolicCheck:
    """Agreement of a symbolic derivative with the numeric one at random points.

    Attributes
    ----------
    agree : bool
        Whether every compared point agrees within tolerance.
    max_error : float
        Largest ``|numeric - symbolic| / (|symbolic| + scale)``.
    n_points : int
        Points compared (kinks and one-sided points excluded).
    worst : dict of str to float
        The point of largest error.
    """

    agree: bool
    max_error: float
    n_points: int
    worst: dict[str, float]


def check_symbolic(
    model: Model,
    outcome: str,
    parameter: str,
    expr,
    *,
    n: int = 200,
    seed: int = 0,
    rtol: float = 1e-4,
    rel_step: float = 1e-5,
    given=None,
) -> SymbolicCheck:
    """Compare the derivative of the closed form ``expr`` (sympy, in the model's parameter
    names) for ``outcome`` with the model's numeric derivative at ``n`` random points.

    ``given(params) -> bool array`` restricts the comparison (e.g. to the regime where the
    closed form applies); kinks are excluded.
    """

    dexpr = symbolic_derivative(expr, parameter)
    points = model.space.sample(n, seed)
    if given is not None:
        keep = np.broadcast_to(np.asarray(given(points), dtype=bool), (n,))
        points = {k: v[keep] for k, v in points.items()}
    f = numeric_function(dexpr, model.space.names)
    m = next(iter(points.values())).size
    with np.errstate(all="ignore"):
        exact = np.broadcast_to(np.asarray(f(*(points[k] for k in model.space.names)), float), (m,))
    d = derivative(model, outcome, parameter, points, rel_step=rel_step)
    use = ~d.kink & np.isfinite(d.value) & np.isfinite(exact) & ~d.one_sided
    scale = float(np.fmax.reduce(np.abs(d.base))) if m else 1.0
    err = np.abs(d.value - exact) / (np.abs(exact) + max(scale, 1e-300) * 1e-3)
    err = np.where(use, err, 0.0)
    i = int(np.argmax(err)) if m else 0
    worst = {k: float(v[i]) for k, v in points.items()} if m else {}
    max_error = float(err.max()) if m else 0.0
    return SymbolicCheck(
        agree=bool(max_error <= rtol), max_error=max_error, n_points=int(use.sum()), worst=worst
    )
