r"""Claims: a theory's propositions as vectorised predicates, checked over the space.

A claim is a proposition :math:`\forall \theta \in \Theta: C(\theta) \Rightarrow
H(\theta, o(\theta))`: under the condition :math:`C` (``given``), the predicate :math:`H`
(``holds``) holds of the parameters and the model's outcomes. Both are vectorised:
``holds(params, outcome) -> bool array`` on a batch of points.

Kinds of claim
    ``"pointwise"``
        ``holds`` as written.
    ``"increasing"`` / ``"decreasing"``
        comparative statics, built with :meth:`Claim.increasing` / :meth:`Claim.decreasing`:
        :math:`\partial o / \partial \theta_j \ge 0` (resp. :math:`\le 0`) at each point, by
        the numeric derivative of :mod:`irgames.analysis.statics` (at a kink, both one-sided
        differences must have the sign), within a tolerance relative to the outcome's scale.
    ``"single_peaked"``
        built with :meth:`Claim.single_peaked`: at each point, the outcome along the whole
        segment of the parameter's domain through it (``steps`` points, the other parameters
        held) never rises again after it has fallen (quasi-concavity), within the tolerance;
        points of the segment outside the space or the condition are skipped.
    ``"aggregate"``
        ``holds(params, outcome) -> bool`` once for the whole sample (e.g. "threats are made
        mostly against adversaries"); it has no pointwise counterexample.

Checking
    :func:`check` draws ``n`` seeded random points (plus a grid, if given; more draws until
    ``min_conditioned`` points are in the claim's scope), solves the model once for all of
    them, and returns a :class:`ClaimCheck`: the shares of the points where the claim holds
    over the whole space (its condition ignored) and within its scope, the number of points
    of each, a verdict (``"holds"``, ``"holds within scope"``, ``"fails"``, or None on too
    few points in scope), a counterexample, where it fails (the failing regimes and a
    shallow decision tree on the parameters, :mod:`irgames.analysis.regions`), and, for a
    grid, a region map of where it holds. A model is never solved on an empty batch.
    The counterexample is shrunk: first with hypothesis's
    ``find`` over :meth:`ParameterSpace.strategy` restricted to the condition (its shrinker
    moves towards simple values), then by trying simpler values of each coordinate (the
    default, the bounds, the value rounded to fewer digits) in one batched solve, keeping any
    that still fail.

Examples
--------
>>> import numpy as np
>>> from irgames.analysis.parameters import Parameter, ParameterSpace
>>> from irgames.analysis.model import Model, Outcome
>>> space = ParameterSpace([Parameter("x", -1, 1, default=0.5)])
>>> m = Model("sq", "x squared", space, lambda x: Outcome({"y": x**2}))
>>> up = Claim.increasing("rises", "y", "x", quote="y rises with x", source="toy")
>>> result = check(m, up, n=200)
>>> result.holds, 0.4 < result.share < 0.6, result.counterexample["x"] < 0
(False, True, True)
>>> check(m, up.restricted(lambda p, o: p["x"] > 0), n=200).holds
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from ..errors import IrgamesError, ParameterError
from .model import Model, ModelError, Outcome
from .parameters import ParameterSpace
from .regions import FailingRegion, describe_failures

#: The equilibrium selection a claim is checked under until models expose all equilibria.
SELECTION = "the model's equilibrium"

#: Most checked points the failing-region description looks at (a seeded subsample beyond).
REGION_POINTS = 4000

__all__ = [
    "SELECTION",
    "Claim",
    "ClaimCheck",
    "ClaimsReport",
    "RegionMap",
    "UnknownClaimError",
    "check",
    "claims_report",
    "find_claim",
]


class UnknownClaimError(IrgamesError, KeyError):
    """A claim name that the model does not have; the message lists the claims it has.

    A :class:`KeyError` (as the lookup always raised) whose message reads as a sentence.
    """

    def __str__(self) -> str:  # KeyError would show the message quoted, as a key
        return str(self.args[0]) if self.args else ""


def find_claim(model: Model, name: str) -> Claim:
    """The claim of ``model`` called ``name``.

    Raises
    ------
    UnknownClaimError
        Naming the model and every claim it has.

    Examples
    --------
    >>> from irgames.analysis.model import Model, Outcome
    >>> from irgames.analysis.parameters import Parameter, ParameterSpace
    >>> m = Model("m", "m", ParameterSpace([Parameter("a", 0, 1, default=0.5)]),
    ...           lambda a: Outcome({"y": a}))
    >>> find_claim(m, "nope")
    Traceback (most recent call last):
    ...
    irgames.analysis.claims.UnknownClaimError: model 'm' has no claim 'nope'; it has no claims
    """
    if not isinstance(name, str):
        # builtin: an argument of the wrong type, as Python's own functions do
        raise TypeError(f"a claim is a Claim or the name of one, got {type(name).__name__}")
    for c in model.claims:
        if c.name == name:
            return c
    known = ", ".join(repr(c.name) for c in model.claims)
    has = f"its claims are {known}" if known else "it has no claims"
    raise UnknownClaimError(f"model {model.name!r} has no claim {name!r}; {has}")


Kind = Literal["pointwise", "increasing", "decreasing", "single_peaked", "aggregate"]


@dataclass(frozen=True, eq=False)
class Claim:
    """A proposition of a theory, as a vectorised predicate.

    Parameters
    ----------
    name : str
        Short identifier, unique within a model.
    statement : str
        The proposition in plain words.
    holds : callable
        ``holds(params, outcome) -> bool array`` (for ``kind="aggregate"``, one bool).
        For increasing / decreasing claims it is built by the helpers.
    given : callable, optional
        ``given(params, outcome) -> bool array``: the condition under which it is claimed
        (everywhere when omitted).
    quote : str
        The sentence of the seed or paper the claim encodes.
    source : str
        Where the quote is from.
    kind : {"pointwise", "increasing", "decreasing", "aggregate"}
    outcome, parameter : str, optional
        For comparative-statics claims: the outcome and the parameter.
    rtol : float
        For comparative-statics claims: the derivative may have the wrong sign by
        ``rtol * scale`` (``scale``: the outcome's range over the batch divided by the
        parameter's domain width, at least ``1e-12``); for single-peaked claims a step may
        go the wrong way by ``rtol`` times the outcome's scale.
    steps : int
        For single-peaked claims: points per segment.
    scope : {"modeller", "theory"}
        Where the condition ``given`` comes from: the theory states it (``"theory"``, with
        ``scope_citation`` saying where) or the modeller added it (``"modeller"``, the
        default). :func:`check` reports the share over the whole space and within the scope
        either way.
    scope_citation : str
        For a scope from the theory: where the theory states it (author, title, page).
    """

    name: str
    statement: str
    holds: Callable[[Mapping[str, np.ndarray], Outcome], Any] | None = None
    given: Callable[[Mapping[str, np.ndarray], Outcome], Any] | None = None
    quote: str = ""
    source: str = ""
    kind: Kind = "pointwise"
    outcome: str | None = None
    parameter: str | None = None
    rtol: float = 1e-6
    steps: int = 41
    scope: Literal["modeller", "theory"] = "modeller"
    scope_citation: str = ""

    def __post_init__(self) -> None:
        if self.scope not in ("modeller", "theory"):
            raise ModelError(
                f"claim {self.name!r}: scope must be 'theory' (the theory states the condition) "
                f"or 'modeller' (the modeller added it), got {self.scope!r}"
            )
        if self.scope == "theory" and not self.scope_citation:
            raise ModelError(
                f"claim {self.name!r}: a scope from the theory needs scope_citation=... saying "
                "where the theory states it"
            )
        if self.kind not in ("pointwise", "increasing", "decreasing", "single_peaked", "aggregate"):
            raise ModelError(f"claim {self.name!r}: unknown kind {self.kind!r}")
        if self.kind in ("increasing", "decreasing", "single_peaked"):
            if not (self.outcome and self.parameter):
                raise ModelError(
                    f"claim {self.name!r}: a {self.kind} claim needs outcome and parameter"
                )
        elif self.holds is None:
            raise ModelError(f"claim {self.name!r}: holds(params, outcome) is required")
        if not self.quote or not self.source:
            raise ModelError(
                f"claim {self.name!r}: give the quote it encodes and its source "
                "(quote=..., source=...)"
            )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def increasing(
        cls,
        name: str,
        outcome: str,
        parameter: str,
        statement: str | None = None,
        *,
        quote: str,
        source: str,
        given=None,
        rtol: float = 1e-6,
        scope: Literal["modeller", "theory"] = "modeller",
        scope_citation: str = "",
    ) -> Claim:
        """The claim that ``outcome`` rises (weakly) with ``parameter``."""
        return cls(
            name,
            statement or f"{outcome} rises with {parameter}",
            given=given,
            quote=quote,
            source=source,
            kind="increasing",
            outcome=outcome,
            parameter=parameter,
            rtol=rtol,
            scope=scope,
            scope_citation=scope_citation,
        )

    @classmethod
    def decreasing(
        cls,
        name: str,
        outcome: str,
        parameter: str,
        statement: str | None = None,
        *,
        quote: str,
        source: str,
        given=None,
        rtol: float = 1e-6,
        scope: Literal["modeller", "theory"] = "modeller",
        scope_citation: str = "",
    ) -> Claim:
        """The claim that ``outcome`` falls (weakly) with ``parameter``."""
        return cls(
            name,
            statement or f"{outcome} falls with {parameter}",
            given=given,
            quote=quote,
            source=source,
            kind="decreasing",
            outcome=outcome,
            parameter=parameter,
            rtol=rtol,
            scope=scope,
            scope_citation=scope_citation,
        )

    @classmethod
    def single_peaked(
        cls,
        name: str,
        outcome: str,
        parameter: str,
        statement: str | None = None,
        *,
        quote: str,
        source: str,
        given=None,
        rtol: float = 1e-6,
        steps: int = 41,
        scope: Literal["modeller", "theory"] = "modeller",
        scope_citation: str = "",
    ) -> Claim:
        """The claim that ``outcome`` is single-peaked (quasi-concave) in ``parameter``."""
        return cls(
            name,
            statement or f"{outcome} is single-peaked in {parameter}",
            given=given,
            quote=quote,
            source=source,
            kind="single_peaked",
            outcome=outcome,
            parameter=parameter,
            rtol=rtol,
            steps=steps,
            scope=scope,
            scope_citation=scope_citation,
        )

    def restricted(self, condition, name: str | None = None) -> Claim:
        """The same claim under a further condition (``condition(params, outcome)``)."""
        old = self.given

        def given(params, outcome):
            c = np.asarray(condition(params, outcome), dtype=bool)
            return c if old is None else np.asarray(old(params, outcome), dtype=bool) & c

        return replace(self, given=given, name=name or self.name)

    # ------------------------------------------------------------------ evaluation
    def evaluate(
        self, model: Model, params: Mapping[str, Any], valid=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(given, holds)`` bool arrays at a batch of complete parameter points.

        Points outside the space (``valid`` False, by default the space's membership) are
        not conditioned. For an aggregate claim ``holds`` is a 0-d array.
        """
        arrays = {k: np.asarray(v, dtype=float) for k, v in params.items()}
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        if valid is None:
            valid = model.space.contains(**arrays)
        valid = np.broadcast_to(np.asarray(valid, dtype=bool), shape)
        # the predicates see only points inside the space (no NaN-filled outcomes)
        keep = valid.reshape(-1)
        flat = {k: np.broadcast_to(v, shape).reshape(-1)[keep] for k, v in arrays.items()}
        m = int(keep.sum())
        if m == 0:
            # no point inside the space: the model is never solved on an empty batch (some
            # solvers cannot reshape one); nothing is conditioned
            given = np.zeros(shape, dtype=bool)
            if self.kind == "aggregate":
                return given, np.asarray(True)
            return given, np.zeros(shape, dtype=bool)
        outcome = model.evaluate(flat)
        with np.errstate(all="ignore"):
            g = np.ones(m, dtype=bool)
            if self.given is not None:
                g &= np.broadcast_to(np.asarray(self.given(flat, outcome), bool), (m,))
            if self.kind == "pointwise":
                h = np.broadcast_to(np.asarray(self.holds(flat, outcome), bool), (m,))
            elif self.kind == "aggregate":
                sub = {k: v[g] for k, v in flat.items()}
                agg = bool(np.all(self.holds(sub, outcome.select(g))))
            elif self.kind == "single_peaked":
                h = self._single_peaked_holds(model, flat, (m,), np.ones(m, dtype=bool))
            else:
                h = self._statics_holds(model, flat, (m,), np.ones(m, dtype=bool))
        given = np.zeros(keep.size, dtype=bool)
        given[keep] = g
        given = given.reshape(shape)
        if self.kind == "aggregate":
            return given, np.asarray(agg)
        holds = np.zeros(keep.size, dtype=bool)
        holds[keep] = np.asarray(h, dtype=bool)
        return given, holds.reshape(shape)

    def _statics_holds(self, model, arrays, shape, valid) -> np.ndarray:
        from .statics import derivative

        holds = np.ones(shape, dtype=bool)
        if not valid.any():
            return holds
        keep = valid.reshape(-1)
        flat = {k: np.broadcast_to(v, shape).reshape(-1)[keep] for k, v in arrays.items()}
        d = derivative(model, self.outcome, self.parameter, flat, validate=False)
        p = model.space[self.parameter]
        width = p.high - p.low if p.bounded and p.high > p.low else 1.0
        base = d.base[np.isfinite(d.base)]
        scale = (
            max(
                float(np.ptp(base)) if base.size else 0.0,
                float(np.abs(base).max()) if base.size else 0.0,
            )
            / width
        )
        tol = self.rtol * max(scale, 1e-12)
        sign = 1.0 if self.kind == "increasing" else -1.0
        with np.errstate(invalid="ignore"):
            ok = sign * d.value >= -tol
            sides = np.fmin(sign * d.left, sign * d.right)
            # at a kink, and for an integer parameter (unit steps), both sides must hold
            both = d.kink | p.integer
            ok = np.where(both, np.where(np.isnan(sides), ok, sides >= -tol), ok)
            ok = np.where(np.isnan(d.value), True, ok)
        holds.reshape(-1)[keep] = ok
        return holds

    def _single_peaked_holds(self, model, arrays, shape, valid) -> np.ndarray:
        holds = np.ones(shape, dtype=bool)
        if not valid.any():
            return holds
        keep = valid.reshape(-1)
        flat = {k: np.broadcast_to(v, shape).reshape(-1)[keep] for k, v in arrays.items()}
        holds.reshape(-1)[keep] = ~_peak_violations(
            model, flat, self.outcome, self.parameter, self.steps, self.given, self.rtol
        )[0]
        return holds


def _peak_violations(model, base, outcome, parameter, steps, given, rtol):
    """For each base point: whether the outcome rises again after falling along the segment
    of ``parameter`` through it, and the parameter values where that rise happens."""
    line = model.space[parameter].points(steps)
    m = next(iter(base.values())).size
    params = {
        k: np.broadcast_to(np.asarray(v, float)[:, None], (m, line.size)) for k, v in base.items()
    }
    params[parameter] = np.broadcast_to(line[None, :], (m, line.size))
    from .statics import outcome_where

    inside = model.space.contains(**params)
    y, use = outcome_where(model, params, inside, outcome, given)
    # carry the last used value over skipped points, so that they add no step
    idx = np.where(use, np.arange(line.size)[None, :], 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    filled = np.take_along_axis(y, idx, axis=1)
    finite = filled[np.isfinite(filled)]
    scale = max(float(np.ptp(finite)), float(np.abs(finite).max())) if finite.size else 0.0
    tol = rtol * scale
    with np.errstate(invalid="ignore"):
        step = np.diff(filled, axis=1)
        rise = np.isfinite(step) & (step > tol)
        fall = np.isfinite(step) & (step < -tol)
    fallen = np.logical_or.accumulate(fall, axis=1)
    again = rise[:, 1:] & fallen[:, :-1]
    bad = again.any(axis=1)
    where = line[np.argmax(again, axis=1) + 2]
    return bad, where


# ---------------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class RegionMap:
    """Where a claim holds on a grid.

    Attributes
    ----------
    dims, coords
        The grid's axes (see :class:`irgames.analysis.parameters.Grid`).
    given, holds : ndarray of bool
        The condition and the claim at each grid point (``holds`` is meaningful where
        ``given``).
    """

    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]
    given: np.ndarray
    holds: np.ndarray

    def status(self) -> np.ndarray:
        """Per point: 1 holds, 0 fails, -1 not claimed there."""
        return np.where(self.given, self.holds.astype(int), -1)


@dataclass(frozen=True, eq=False)
class ClaimCheck:
    """The result of checking one claim of one model.

    Attributes
    ----------
    model, claim : str
        Names.
    statement, kind : str
    share_in_scope : float
        Share of the points in the claim's scope (its condition holds) where the claim holds
        (NaN if none is in scope).
    n_points : int
        Points checked (draws plus grid points inside the space): the whole space's points.
    n_in_scope : int
        Points where the condition holds.
    fails_in_scope : bool
        Whether a point in scope (or, for comparative statics, a segment in scope) fails.
    counterexample : dict or None
        A point where the claim fails (shrunk), with every parameter: in its scope when it
        fails there (``counterexample_in_scope`` True), else outside it.
    region : RegionMap or None
        Present when a grid was given.
    note : str
        For comparative-statics claims that fail between points (a jump), where it fails.
    verdict : {"holds", "holds within scope", "fails"} or None
        ``"holds"``: it holds at every checked point of the space, its condition ignored;
        ``"holds within scope"``: it holds at every point in scope and fails somewhere outside;
        ``"fails"``: it fails somewhere in scope; None: no verdict, for the reason in
        ``reason`` (fewer points in scope than ``min_conditioned``).
    share_whole_space : float
        Share of all the checked points where the claim holds, its condition ignored.
    scope, scope_citation : str
        The claim's :attr:`Claim.scope` and :attr:`Claim.scope_citation`.
    selection : str
        The equilibrium selection the claim was checked under.
    failing_region : FailingRegion or None
        Where it fails (:func:`irgames.analysis.regions.describe_failures`), for a claim that
        fails at some checked point; ``where_it_fails`` is its text (or the note of a failure
        between points).
    sample : dict of ndarray or None
        The checked points inside the space (every parameter), with ``"given"`` (in scope),
        ``"holds"`` (the claim, its condition ignored) and ``"holds_in_scope"``: what
        :func:`irgames.plot.claim_region_map` draws.

    Notes
    -----
    For callers written before verdicts: :attr:`share` is ``share_in_scope``,
    :attr:`n_conditioned` is ``n_in_scope``, and :attr:`holds` is whether some point is in
    scope and none fails there (the verdicts ``"holds"`` and ``"holds within scope"``, and a
    claim left without a verdict for lack of points on which no failure was found).
    """

    model: str
    claim: str
    statement: str
    kind: str
    share_in_scope: float
    n_points: int
    n_in_scope: int
    fails_in_scope: bool
    counterexample: dict[str, float] | None
    region: RegionMap | None = None
    quote: str = ""
    source: str = ""
    seed: int = 0
    note: str = ""
    verdict: str | None = None
    reason: str = ""
    share_whole_space: float = float("nan")
    counterexample_in_scope: bool | None = None
    scope: str = "modeller"
    scope_citation: str = ""
    selection: str = SELECTION
    failing_region: FailingRegion | None = None
    where_it_fails: str = ""
    sample: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def share(self) -> float:
        """``share_in_scope`` (the share of the points in scope where the claim holds)."""
        return self.share_in_scope

    @property
    def n_conditioned(self) -> int:
        """``n_in_scope``."""
        return self.n_in_scope

    @property
    def n_whole_space(self) -> int:
        """``n_points``: every checked point of the space, the condition ignored."""
        return self.n_points

    @property
    def holds(self) -> bool:
        """Some point is in scope and none fails there (see the class's notes)."""
        return self.n_in_scope > 0 and not self.fails_in_scope

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the region map and the sample): the audit's keys
        (``model``, ``claim``, ``quote``, ``source``, ``verdict``, ``share_whole_space``,
        ``share_in_scope``, ``n_whole_space``, ``n_in_scope``, ``selection``,
        ``counterexample``, ``where_it_fails``), then the rest."""

        def number(x):
            return None if x is None or math.isnan(x) else float(x)

        return {
            "model": self.model,
            "claim": self.claim,
            "quote": self.quote,
            "source": self.source,
            "verdict": self.verdict,
            "share_whole_space": number(self.share_whole_space),
            "share_in_scope": number(self.share_in_scope),
            "n_whole_space": self.n_points,
            "n_in_scope": self.n_in_scope,
            "selection": self.selection,
            "counterexample": self.counterexample,
            "where_it_fails": self.where_it_fails,
            "statement": self.statement,
            "kind": self.kind,
            "scope": self.scope,
            "scope_citation": self.scope_citation,
            "reason": self.reason,
            "counterexample_in_scope": self.counterexample_in_scope,
            "failing_region": None
            if self.failing_region is None
            else self.failing_region.to_dict(),
            "share": number(self.share),
            "n_points": self.n_points,
            "n_conditioned": self.n_in_scope,
            "holds": self.holds,
            "seed": self.seed,
            "note": self.note,
        }


def _counter_condition(model: Model, claim: Claim):
    def fails(point: Mapping[str, float]) -> bool:
        arrays = {k: np.asarray([v], dtype=float) for k, v in point.items()}
        given, holds = claim.evaluate(model, arrays)
        return bool(given[0] and not holds.reshape(-1)[0])

    return fails


class _Budget(IrgamesError):
    """Raised inside hypothesis's search when the evaluation budget is spent."""


def _find_with_hypothesis(model, claim, space, max_examples: int, max_calls: int):
    """A counterexample found and shrunk by hypothesis ``find`` (None if none was found).

    Shrinking stops after ``max_calls`` evaluations of the claim; hypothesis only moves to
    simpler failing examples, so the last failing example seen is the most shrunk one.
    """
    try:
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis.errors import NoSuchExample, Unsatisfiable
    except ImportError:  # pragma: no cover - hypothesis is a test dependency
        return None
    fails = _counter_condition(model, claim)
    state = {"calls": 0, "best": None}

    def condition(point):
        if state["calls"] >= max_calls:
            raise _Budget
        state["calls"] += 1
        if fails(point):
            state["best"] = dict(point)
            return True
        return False

    try:
        found = find(
            space.strategy(),
            condition,
            settings=settings(
                max_examples=max_examples,
                database=None,
                derandomize=True,
                deadline=None,
                phases=[Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            ),
        )
        return dict(found)
    except _Budget:
        return state["best"]
    except (NoSuchExample, Unsatisfiable):
        return None


def _simpler_values(p, x: float) -> list[float]:
    values = [p.default]
    if math.isfinite(p.low) and p.closed[0]:
        values.append(p.low)
    if math.isfinite(p.high) and p.closed[1]:
        values.append(p.high)
    for digits in range(0, 7):
        values.append(round(x, digits))
        if x != 0 and math.isfinite(x):
            magnitude = 10.0 ** (math.floor(math.log10(abs(x))) - digits)
            if magnitude > 0 and math.isfinite(magnitude):
                values.append(round(x / magnitude) * magnitude)
    out = []
    for v in values:
        v = float(v)
        if v not in out and v != x and bool(p.contains(v)):
            out.append(v)
    return out


def _complexity(p, x: float) -> tuple[int, int]:
    """How simple a value is: the default, then a bound, then by significant digits."""
    if x == p.default:
        return (0, 0)
    if x in (p.low, p.high):
        return (1, 0)
    digits = f"{abs(x):.15e}".split("e")[0].replace(".", "").rstrip("0")
    return (2, len(digits))


def _polish(
    model: Model, claim: Claim, point: dict[str, float], space: ParameterSpace, passes: int = 3
):
    """Replace coordinates by simpler values (:func:`_complexity`) while the point stays a
    counterexample; each coordinate only ever gets simpler."""
    point = dict(point)
    for _ in range(passes):
        changed = False
        for p in space.parameters:
            candidates = _simpler_values(p, point[p.name])
            if not candidates:
                continue
            batch = {k: np.full(len(candidates), v) for k, v in point.items()}
            batch[p.name] = np.asarray(candidates)
            valid = space.contains(**batch)
            given, holds = claim.evaluate(model, batch, valid)
            good = np.flatnonzero(valid & given & ~holds)
            if good.size:
                best = min(good, key=lambda i: _complexity(p, candidates[i]))
                if _complexity(p, candidates[best]) < _complexity(p, point[p.name]):
                    point[p.name] = float(candidates[best])
                    changed = True
        if not changed:
            break
    return point


def check(
    model: Model,
    claim: Claim | str,
    *,
    n: int = 1000,
    grid: Mapping[str, Any] | None = None,
    seed: int = 0,
    shrink: bool = True,
    find_examples: int = 100,
    shrink_calls: int = 300,
    segments: int = 50,
    segment_steps: int = 21,
    space: ParameterSpace | None = None,
    use_hypothesis: bool = True,
    min_conditioned: int = 100,
    max_draws: int | None = None,
    describe: bool = True,
) -> ClaimCheck:
    """Check a claim of a model over random draws (and a grid).

    Parameters
    ----------
    model : Model
    claim : Claim or str
        A claim, or the name of one of the model's claims.
    n : int
        Number of seeded random draws from the space.
    grid : mapping, optional
        Axes for :meth:`ParameterSpace.grid` (e.g. ``{"B_s": Range(0, 1, 21), "B_t":
        "0:1:21"}``; a bare number holds a parameter fixed); its points are checked too, and
        the result carries a :class:`RegionMap`.
    seed : int
    shrink : bool
        Shrink the counterexample (hypothesis ``find``, then simpler coordinates).
    find_examples : int
        Examples hypothesis may try when searching for a counterexample.
    shrink_calls : int
        Most single-point evaluations hypothesis may spend searching and shrinking.
    segments, segment_steps : int
        For increasing / decreasing claims: how many random segments along the parameter, of
        how many points, :func:`irgames.analysis.statics.monotone` also checks (it catches
        jumps that derivatives at points miss). The share is that of the points.
    space : ParameterSpace, optional
        Check over a subspace of the model's space (defaults to the whole space).
    use_hypothesis : bool
        Shrink with hypothesis ``find`` (False inside a hypothesis test, where nesting is not
        allowed: only the batched simplification runs).
    min_conditioned : int
        Draw more points (seeded, in rounds that double the draws) until at least this many
        random draws satisfy the claim's condition (its scope), or ``max_draws`` are made
        (default 100). A condition that holds on a thin part of the space would otherwise
        leave the claim checked on a handful of points. It is also the fewest points in scope
        on which a verdict is given: on fewer, the verdict is None and ``reason`` says why.
    max_draws : int, optional
        Most random draws in all (default ``20 * n``).
    describe : bool
        For a claim that fails at some checked point, describe where
        (:func:`irgames.analysis.regions.describe_failures`: the failing regimes, a tree of
        depth <= 3 on the parameters, its accuracy, the two most separating parameters).

    Returns
    -------
    ClaimCheck
        With the verdict: ``"holds"`` (no checked point of the space fails, the condition
        ignored), ``"holds within scope"`` (none fails in scope, some outside), ``"fails"``
        (some point in scope fails), or None (too few points in scope); both shares and
        their numbers of points; a shrunk counterexample; where it fails.

    Notes
    -----
    The claim "ignoring its condition" is its predicate ``holds`` at every point (for a
    single-peaked or aggregate claim, the claim rebuilt without ``given``); the whole
    space's points are all the checked points, in scope or not.
    """
    if isinstance(claim, str):
        claim = find_claim(model, claim)
    if isinstance(n, bool) or not isinstance(n, int | float | np.number) or n < 0 or n != int(n):
        raise ParameterError(f"n (the number of random draws) must be an integer >= 0, got {n!r}")
    n = int(n)
    if n == 0 and grid is None:
        raise ParameterError(
            f"claim {claim.name!r}: n=0 draws and no grid leave no point to check it on; "
            "give n >= 1 (or a grid)"
        )
    space = space or model.space
    if min_conditioned < 0:
        raise ParameterError(f"min_conditioned must be >= 0, got {min_conditioned}")
    draws = space.sample(n, seed) if n else {k: np.zeros(0) for k in space.names}
    given, holds = claim.evaluate(model, draws)
    if min_conditioned and n and int(given.sum()) < min_conditioned:
        cap = 20 * n if max_draws is None else int(max_draws)
        draws, given, holds = _draw_until_conditioned(
            model, claim, space, draws, given, holds, seed, min_conditioned, cap
        )
    n_drawn = given.size
    region = None
    inside = model.space.contains(**draws).reshape(-1) if n_drawn else np.zeros(0, bool)
    if grid is not None:
        g = space.grid(**dict(grid))
        if not g.dims:
            raise ParameterError(
                f"grid {dict(grid)!r} has no axis (a bare number is a fixed value): give "
                "Range(lo, hi, n), 'lo:hi:n' or a list of values for at least one parameter"
            )
        dense = g.dense()
        ggiven, gholds = claim.evaluate(model, dense, g.valid)
        if claim.kind != "aggregate":
            region = RegionMap(g.dims, g.coords, ggiven, gholds)
        flat_given = ggiven.reshape(-1)
        flat_holds = np.broadcast_to(gholds, ggiven.shape).reshape(-1)
        given_all = np.concatenate([given.reshape(-1), flat_given])
        if claim.kind == "aggregate":
            holds_all = np.asarray(bool(holds) and bool(np.all(gholds)))
        else:
            holds_all = np.concatenate([holds.reshape(-1), flat_holds])
        extra = {
            k: np.broadcast_to(dense[k], g.valid.shape).reshape(-1).astype(float)
            for k in space.names
        }
        points = {k: np.concatenate([draws[k], extra[k]]) for k in space.names}
        inside = np.concatenate([inside, np.asarray(g.valid, bool).reshape(-1)])
    else:
        given_all, holds_all = given.reshape(-1), holds
        points = draws
    n_points = int(inside.sum())
    n_cond = int(given_all.sum())
    common = {
        "model": model.name,
        "claim": claim.name,
        "statement": claim.statement,
        "kind": claim.kind,
        "quote": claim.quote,
        "source": claim.source,
        "seed": seed,
        "scope": claim.scope,
        "scope_citation": claim.scope_citation,
    }
    free = claim if claim.given is None else replace(claim, given=None)
    if claim.kind == "aggregate":
        whole = holds_all
        if claim.given is not None:
            whole = free.evaluate(model, points)[1]
        fails_in = n_cond > 0 and not bool(holds_all)
        fails_whole = fails_in or not bool(whole)
        share = (1.0 if bool(holds_all) else 0.0) if n_cond else float("nan")
        verdict, reason = _verdict(n_cond, min_conditioned, fails_in, fails_whole)
        return ClaimCheck(
            **common,
            share_in_scope=share,
            n_points=n_points,
            n_in_scope=n_cond,
            fails_in_scope=fails_in,
            counterexample=None,
            verdict=verdict,
            reason=reason,
            share_whole_space=(1.0 if bool(whole) else 0.0) if n_points else float("nan"),
            where_it_fails=(
                "an aggregate claim over the sample: it has no pointwise failing region"
                if fails_whole
                else ""
            ),
        )
    holds_all = np.asarray(holds_all).reshape(-1)
    if claim.given is None or claim.kind != "single_peaked":
        # the predicate was evaluated at every point: ignoring the condition reads it as is
        whole_all = holds_all
    else:
        whole_all = np.asarray(free.evaluate(model, points)[1]).reshape(-1)
    failing = given_all & ~holds_all
    failing_whole = inside & ~whole_all
    share = float(holds_all[given_all].mean()) if n_cond else float("nan")
    share_whole = float(whole_all[inside].mean()) if n_points else float("nan")
    counterexample, in_scope, note = None, None, ""
    seg_fails = seg_fails_whole = False
    if claim.kind in ("increasing", "decreasing") and not failing.any():
        # derivatives at points miss jumps between them: also test whole segments, in scope
        # and (when the scope is not the whole space and no point fails outside it) with the
        # condition ignored
        unscoped = claim.given is not None and not failing_whole.any()
        for scoped in (True, False) if unscoped else (True,):
            seg = _segments(model, claim, space, n, segments, segment_steps, seed, scoped)
            if seg is None:
                continue
            counterexample, in_scope, note = seg
            seg_fails, seg_fails_whole = scoped, True
            break
    fails_in = bool(failing.any()) or seg_fails
    fails_whole = fails_in or bool(failing_whole.any()) or seg_fails_whole
    if failing.any() or (failing_whole.any() and not seg_fails):
        target, mask = (claim, failing) if failing.any() else (free, failing_whole)
        i = int(np.flatnonzero(mask)[0])
        counterexample = {k: float(points[k][i]) for k in space.names}
        in_scope = bool(failing.any())
        if shrink and use_hypothesis:
            found = _find_with_hypothesis(model, target, space, find_examples, shrink_calls)
            if found is not None:
                counterexample = {k: float(v) for k, v in found.items()}
        if shrink:
            counterexample = _polish(model, target, counterexample, space)
        if claim.kind == "single_peaked":
            point = {k: np.asarray([v]) for k, v in counterexample.items()}
            bad, where = _peak_violations(
                model,
                point,
                claim.outcome,
                claim.parameter,
                claim.steps,
                target.given,
                claim.rtol,
            )
            if bad[0]:
                note = (
                    f"along {claim.parameter}, {claim.outcome} rises again after falling "
                    f"(at {claim.parameter} = {where[0]:.6g})"
                )
    verdict, reason = _verdict(n_cond, min_conditioned, fails_in, fails_whole)
    sample = {k: np.asarray(points[k], float)[inside] for k in space.names}
    sample.update(
        given=given_all[inside], holds=whole_all[inside], holds_in_scope=holds_all[inside]
    )
    failing_region, where = None, ""
    if fails_whole:
        if describe and (failing.any() or failing_whole.any()):
            among = "in scope" if failing.any() else "whole space"
            use = sample["given"] if failing.any() else np.ones(n_points, bool)
            labels = ~(sample["holds_in_scope"] if failing.any() else sample["holds"])
            failing_region = _describe(model, sample, use, labels, among, seed)
            where = failing_region.to_text()
        if note:
            where = f"{where}; {note}" if where else note
    return ClaimCheck(
        **common,
        share_in_scope=share,
        n_points=n_points,
        n_in_scope=n_cond,
        fails_in_scope=fails_in,
        counterexample=counterexample,
        region=region,
        note=note,
        verdict=verdict,
        reason=reason,
        share_whole_space=share_whole,
        counterexample_in_scope=in_scope,
        failing_region=failing_region,
        where_it_fails=where,
        sample=sample,
    )


def _verdict(n_in, minimum, fails_in, fails_whole) -> tuple[str | None, str]:
    """The verdict and, for none, the reason."""
    if n_in == 0:
        return None, "insufficient: no checked point is in the claim's scope"
    if n_in < minimum:
        found = "; a counterexample was found in scope" if fails_in else ""
        return None, (
            f"insufficient: {n_in} points in scope, fewer than the {minimum} a verdict needs "
            f"(raise n or max_draws){found}"
        )
    if fails_in:
        return "fails", ""
    return ("holds within scope" if fails_whole else "holds"), ""


def _segments(model, claim, space, n, segments, steps, seed, scoped):
    """Random segments along the claim's parameter (in scope, or the condition ignored):
    None when monotone on all, else ``(counterexample, in_scope, note)``."""
    from .statics import monotone

    seg = monotone(
        model,
        claim.outcome,
        claim.parameter,
        direction=claim.kind,
        n=max(1, min(n, segments)),
        steps=steps,
        seed=seed,
        given=claim.given if scoped else None,
        space=space,
        rtol=claim.rtol,
    )
    if seg.holds:
        return None
    bad = seg.first_failure()
    param = claim.parameter
    where = "" if scoped else " (outside the claim's scope)"
    note = (
        f"{claim.outcome} moves the wrong way by {bad['drop']:.6g} as {param} goes "
        f"from {bad[param + '_from']:.6g} to {bad[param + '_to']:.6g}{where}"
    )
    return {k: float(bad[k]) for k in space.names}, scoped, note


def _describe(model, sample, use, labels, among, seed) -> FailingRegion:
    """:func:`describe_failures` on the sample's points where ``use`` (a seeded subsample of
    at most :data:`REGION_POINTS`), with the model's regimes when it has a regime outcome."""
    rows = np.flatnonzero(use)
    if rows.size > REGION_POINTS:
        rng = np.random.default_rng(None if seed is None else [seed, 7])
        rows = np.sort(rng.choice(rows, REGION_POINTS, replace=False))
    params = {
        k: v[rows] for k, v in sample.items() if k not in ("given", "holds", "holds_in_scope")
    }
    regime = names = None
    if rows.size:
        out = model.evaluate(params)
        if out.regime is not None:
            regime, names = out.regime, out.regime_names
    return describe_failures(params, labels[rows], regime=regime, regime_names=names, among=among)


def _draw_until_conditioned(model, claim, space, draws, given, holds, seed, want, cap):
    """Add seeded draws in doubling rounds until ``want`` of them satisfy the claim's
    condition or ``cap`` draws are made; returns the draws, ``given`` and ``holds``.

    Round :math:`r` draws with the seed sequence ``[seed, r]`` (independent of the first
    ``seed`` stream, reproducible; fresh entropy when ``seed`` is None). An aggregate claim
    is evaluated once more on all the draws (its verdict is about the conditioned points
    together)."""
    rounds = 0
    while int(given.sum()) < want and given.size < cap:
        rounds += 1
        rng = np.random.default_rng(None if seed is None else [seed, rounds])
        more = space.sample(min(given.size, cap - given.size), rng)
        more_given, more_holds = claim.evaluate(model, more)
        draws = {k: np.concatenate([draws[k], more[k]]) for k in draws}
        given = np.concatenate([given, more_given])
        if claim.kind != "aggregate":
            holds = np.concatenate([holds, more_holds])
    if claim.kind == "aggregate":
        given, holds = claim.evaluate(model, draws)
    return draws, given, holds


# ---------------------------------------------------------------------------------- report
#: How the text report names each verdict (None: no verdict).
VERDICT_TEXT = {
    "holds": "holds",
    "holds within scope": "holds within scope",
    "fails": "FAILS",
    None: "no verdict",
}

#: The text report's sections, in order: what the model confirms, qualifies and refutes.
SECTIONS = (
    ("confirms", ("holds",)),
    ("qualifies", ("holds within scope",)),
    ("refutes", ("fails",)),
    ("cannot judge", (None,)),
)

#: The keys of every row of the audit (:meth:`ClaimsReport.rows`), in order.
AUDIT_KEYS = (
    "model",
    "claim",
    "quote",
    "source",
    "verdict",
    "share_whole_space",
    "share_in_scope",
    "n_whole_space",
    "n_in_scope",
    "selection",
    "counterexample",
    "where_it_fails",
)


@dataclass(frozen=True, eq=False)
class ClaimsReport:
    """The checks of many claims: the audit of what each model confirms, qualifies and
    refutes, with text, JSON and pandas renderings.

    Each row (:meth:`rows`, :meth:`to_json`, :meth:`to_pandas`) carries :data:`AUDIT_KEYS`
    first (``model``, ``claim``, ``quote``, ``source``, ``verdict``, ``share_whole_space``,
    ``share_in_scope``, ``n_whole_space``, ``n_in_scope``, ``selection``,
    ``counterexample``, ``where_it_fails``), then the rest of :meth:`ClaimCheck.to_dict`.
    """

    checks: tuple[ClaimCheck, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    @property
    def all_hold(self) -> bool:
        """Whether every claim holds within its scope (:attr:`ClaimCheck.holds`)."""
        return all(c.holds for c in self.checks)

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per claim (see the class docstring)."""
        return [c.to_dict() for c in self.checks]

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.rows(), indent=indent)

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self.rows())

    def to_text(self) -> str:
        """Per model, a table "what the model confirms, qualifies and refutes": per claim
        the verdict, the share over the whole space and in scope, the points of each and
        the selection; under it the quote and its source, a counterexample and where it
        fails (or why there is no verdict). Claims are grouped by verdict."""
        lines: list[str] = []
        models = list(dict.fromkeys(c.model for c in self.checks))
        wc = max([5, *(len(c.claim) for c in self.checks)])
        wv = max(len(v) for v in VERDICT_TEXT.values())
        header = (
            f"{'claim':<{wc}}  {'verdict':<{wv}}  {'whole':>6} {'scope':>6} "
            f"{'points':>7} {'in scope':>8}  selection"
        )
        for name in models:
            mine = [c for c in self.checks if c.model == name]
            if lines:
                lines.append("")
            lines.append(f"{name}: what the model confirms, qualifies and refutes")
            lines.append(header)
            lines.append("-" * len(header))
            for section, verdicts in SECTIONS:
                group = [c for c in mine if c.verdict in verdicts]
                if not group:
                    continue
                lines.append(f"[{section}: {len(group)}]")
                for c in group:
                    lines.extend(_text_rows(c, wc, wv))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _share_text(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:.3f}"


def _text_rows(c: ClaimCheck, wc: int, wv: int) -> list[str]:
    pad = " " * 4
    out = [
        f"{c.claim:<{wc}}  {VERDICT_TEXT[c.verdict]:<{wv}}  {_share_text(c.share_whole_space):>6} "
        f"{_share_text(c.share_in_scope):>6} {c.n_points:>7} {c.n_in_scope:>8}  {c.selection}"
    ]
    if c.quote:
        out.append(f"{pad}encodes: {c.quote!r} ({c.source})")
    if c.scope == "theory":
        out.append(f"{pad}scope from the theory: {c.scope_citation}")
    if c.reason:
        out.append(f"{pad}{c.reason}")
    if c.counterexample is not None:
        point = ", ".join(f"{k}={v:.6g}" for k, v in c.counterexample.items())
        where = {True: " (in scope)", False: " (outside the scope)", None: ""}
        out.append(f"{pad}counterexample{where[c.counterexample_in_scope]}: {point}")
    if c.where_it_fails:
        out.append(f"{pad}where it fails: {c.where_it_fails}")
    elif c.note:
        out.append(f"{pad}{c.note}")
    return out


def claims_report(
    models: Model | Iterable[Model] | None = None,
    *,
    n: int = 1000,
    seed: int = 0,
    shrink: bool = True,
    min_conditioned: int = 100,
    **options,
) -> ClaimsReport:
    """Check every claim of the given models (every registered model when None).

    ``min_conditioned`` and further ``options`` go to :func:`check`.
    """
    if models is None:
        from .. import all_models  # the registry (irgames.models), looked up lazily

        models = list(all_models().values())
    elif isinstance(models, Model):
        models = [models]
    checks = []
    for m in models:
        for c in m.claims:
            checks.append(
                check(
                    m, c, n=n, seed=seed, shrink=shrink, min_conditioned=min_conditioned, **options
                )
            )
    return ClaimsReport(tuple(checks))
