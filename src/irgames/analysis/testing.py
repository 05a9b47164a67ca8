r"""Pytest helpers: every claim of every model as a property test.

Two ways to test a claim (:class:`irgames.analysis.claims.Claim`):

``claim_test(model, claim)``
    returns a test function driven by hypothesis. In the default ``mode="batch"`` each
    hypothesis example is a seed, and the claim is checked on a batch of ``n`` random points
    of the space drawn from that seed (one batched solve per example, so a few dozen examples
    cover thousands of points). In ``mode="points"`` each example is one point drawn from
    :meth:`~irgames.analysis.parameters.ParameterSpace.strategy` (hypothesis explores edges
    and shrinks a failure itself; points outside the claim's condition are discarded with
    ``assume``). A failure reports the claim, its quote and a shrunk counterexample.

``assert_closed_form(model, outcome, expr, given=...)``
    compares an outcome of the model (solved by the generic engine) with a closed form (a
    sympy expression in the parameters' names) at random points of the space, within a
    tolerance relative to the outcome's scale; a mismatch names the worst point.

``claim_cases(models=None)``
    the ``(model, claim)`` pairs of every registered model (or of the given ones) as
    ``pytest.param`` objects with readable ids, for ``@pytest.mark.parametrize``.

Examples
--------
In a test module::

    import pytest
    from irgames.analysis.testing import assert_claim, claim_cases

    @pytest.mark.parametrize(("model", "claim"), claim_cases())
    def test_claims_hold(model, claim):
        assert_claim(model, claim)

or, for one model::

    test_allies_concede_more = claim_test(coercion, "allies_concede_more")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .claims import Claim, ClaimCheck, check, find_claim
from .model import Model
from .statics import numeric_function

__all__ = [
    "ClaimFailure",
    "ClosedFormMismatch",
    "assert_claim",
    "assert_closed_form",
    "claim_cases",
    "claim_test",
]


class ClaimFailure(AssertionError):
    """A claim of a model failed; the message gives the counterexample."""


def _message(result: ClaimCheck, claim: Claim) -> str:
    if result.n_conditioned == 0:
        return (
            f"claim {result.model}.{result.claim} was never conditioned: no checked point "
            f"satisfies its condition ({result.n_points} points)"
        )
    point = ", ".join(f"{k}={v:.10g}" for k, v in (result.counterexample or {}).items())
    note = f"; {result.note}" if result.note else ""
    return (
        f"claim {result.model}.{result.claim} fails: {claim.statement!r} "
        f"(quote: {claim.quote!r}, {claim.source}); held on {result.share:.4f} of "
        f"{result.n_conditioned} points; counterexample: {point or 'none'}{note}"
    )


def assert_claim(
    model: Model, claim: Claim | str, *, n: int = 1000, seed: int = 0, **kwargs
) -> ClaimCheck:
    """Check a claim and raise :class:`ClaimFailure` (with a counterexample) if it fails."""
    if isinstance(claim, str):
        claim = find_claim(model, claim)
    result = check(model, claim, n=n, seed=seed, **kwargs)
    if not result.holds:
        raise ClaimFailure(_message(result, claim))
    return result


def claim_test(
    model: Model,
    claim: Claim | str,
    *,
    n: int = 200,
    mode: str = "batch",
    shrink: bool = True,
) -> Callable[[], None]:
    """A hypothesis-driven test function for one claim (see the module docstring).

    ``shrink=False`` turns off hypothesis's shrinking of a failing point (``mode="points"``);
    in batch mode the seed is never shrunk (the counterexample is shrunk by ``check``).
    """
    from hypothesis import HealthCheck, Phase, assume, given, settings
    from hypothesis import strategies as st

    if isinstance(claim, str):
        claim = find_claim(model, claim)
    if mode not in ("batch", "points"):
        raise ValueError(f"mode must be 'batch' or 'points', got {mode!r}")
    if mode == "points" and claim.kind == "aggregate":
        raise ValueError(f"claim {claim.name!r} is aggregate: test it in batch mode")

    if mode == "batch":
        # shrinking a seed says nothing; check() shrinks the counterexample itself
        @settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])
        @given(st.integers(0, 2**32 - 1))
        def test(seed: int) -> None:
            result = check(
                model,
                claim,
                n=n,
                seed=seed,
                shrink=False,
                use_hypothesis=False,
                segments=min(n, 25),
            )
            if not result.holds:
                result = check(model, claim, n=n, seed=seed, use_hypothesis=False)
                raise ClaimFailure(_message(result, claim))

    else:
        phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else [])

        @settings(
            suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
            phases=phases,
        )
        @given(model.space.strategy())
        def test(point: dict) -> None:
            arrays = {k: np.asarray([v], dtype=float) for k, v in point.items()}
            cond, holds = claim.evaluate(model, arrays)
            assume(bool(cond[0]))
            if not bool(holds.reshape(-1)[0]):
                raise ClaimFailure(
                    f"claim {model.name}.{claim.name} fails: {claim.statement!r} "
                    f"(quote: {claim.quote!r}, {claim.source}) at {point}"
                )

    test.__name__ = f"test_{model.name}_{claim.name}"
    test.__doc__ = f"{model.name}: {claim.statement}"
    return test


def claim_cases(models: Iterable[Model] | None = None) -> list:
    """``pytest.param(model, claim, id="model-claim")`` for every claim of the models
    (every registered model when None)."""
    import pytest

    if models is None:
        from .registry import all_models

        models = list(all_models().values())
    return [pytest.param(m, c, id=f"{m.name}-{c.name}") for m in models for c in m.claims]


class ClosedFormMismatch(AssertionError):
    """A model's outcome differs from its closed form; the message gives the worst point."""


def assert_closed_form(
    model: Model,
    outcome: str,
    expr,
    *,
    given=None,
    n: int = 500,
    seed: int = 0,
    rtol: float = 1e-9,
) -> int:
    r"""Check that ``outcome`` equals the closed form ``expr`` at ``n`` random points.

    Parameters
    ----------
    expr : sympy expression
        In the names of the model's parameters.
    given : callable, optional
        ``given(params) -> bool array``: where the closed form applies (e.g. a regime).
    rtol : float
        Tolerance relative to the scale of the outcome (its largest magnitude over the points,
        at least 1): ``|model - closed form| <= rtol * scale``.

    Returns
    -------
    int
        The number of points compared (an error if none).
    """

    points = model.space.sample(n, seed)
    if given is not None:
        keep = np.broadcast_to(np.asarray(given(points), dtype=bool), (n,))
        points = {k: v[keep] for k, v in points.items()}
    m = next(iter(points.values())).size if points else 0
    if m == 0:
        raise ClosedFormMismatch(f"no point of {model.name!r} satisfies the condition")
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in model.space)
    if unknown:
        raise ValueError(f"the closed form uses symbols that are not parameters: {unknown}")
    f = numeric_function(expr, model.space.names)
    with np.errstate(all="ignore"):
        exact = np.broadcast_to(np.asarray(f(*(points[k] for k in model.space.names)), float), (m,))
    got = np.asarray(model.evaluate(points).scalar(outcome), dtype=float)
    scale = max(float(np.nanmax(np.abs(exact))) if np.isfinite(exact).any() else 0.0, 1.0)
    err = np.abs(got - exact)
    bad = ~(err <= rtol * scale)  # NaN counts as a mismatch
    if bad.any():
        i = int(np.argmax(np.where(bad, np.nan_to_num(err, nan=np.inf), -1.0)))
        point = ", ".join(f"{k}={v[i]:.10g}" for k, v in points.items())
        raise ClosedFormMismatch(
            f"{model.name}.{outcome} differs from {expr} at {int(bad.sum())} of {m} points; "
            f"worst at {point}: model {got[i]!r}, closed form {exact[i]!r}"
        )
    return m
