r"""Sweeps: a model over a parameter grid, against a per-point loop and the bandwidth floor.

The model is the closed-form coercion game (Drezner 1999): the threat is credible iff
:math:`c_s \le (1 - B_s) c_t`, and then :math:`D^* = [c_t - (1 - B_t) c_s] / (2 - B_t)`.
:func:`~irgames.analysis.sweep.sweep` covers a 4-D grid of :math:`s^4` points (sizes
:math:`10^2` to :math:`10^7`) in one call, chunked to a 64 MiB working-memory budget.

Compared, in the same run:

* ``plain numpy``: the same formula evaluated once on the broadcast grid (no chunking, no
  validation, no result object): what a careful user writes by hand, and the speed a sweep's
  machinery should approach;
* ``per-point loop``: the model called once per point (on a few thousand points).

Agreement, before any rate: the sweep's outcomes equal the plain-numpy ones at every grid point
and the per-point loop's at its points (same regime, ``D`` within ``1e-12`` relative).

Memory: at the largest size, one more sweep runs under :mod:`tracemalloc` (untimed); its peak
is reported as the result arrays plus the working memory beside them, and a check fails if
the working memory exceeds the budget by more than a quarter.

Memory-bandwidth floor: the sweep must at least write its result arrays (``D``, ``U_S``, the
regime and the validity mask: 18 bytes per point) once; at the measured copy bandwidth
:math:`\beta` that caps the rate at :math:`\beta / 18` points per second. A sweep within 10x
of that floor (issue 10's target) is limited by memory traffic, not by Python.

Examples
--------
>>> from benchmarks.common import Config
>>> family = run(Config(mode="tiny", repeats=1, bandwidth=1e10))
>>> all(c.agreed for c in family.checks), len(family.rows) > 0
(True, True)
"""

from __future__ import annotations

import tracemalloc

import numpy as np

from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace, Range
from irgames.analysis.sweep import sweep

from .common import Agreement, Config, Family, rows_from_timings
from .timing import compare

FAMILY = "sweep"
WORKLOAD = "coercion closed form, 4-D grid"
OURS = "irgames sweep"
NUMPY = "plain numpy on the grid"
LOOP = "per-point loop"
BUDGET = 64 * 2**20

SPACE = ParameterSpace(
    [
        Parameter("c_s", 0, 5, default=1, closed=(False, True)),
        Parameter("c_t", 0, 5, default=3, closed=(False, True)),
        Parameter("B_s", 0, 1, default=0.5),
        Parameter("B_t", 0, 1, default=0.5),
    ]
)


def solve(c_s, c_t, B_s, B_t):
    credible = c_s <= (1 - B_s) * c_t
    D = np.where(credible, (c_t - (1 - B_t) * c_s) / (2 - B_t), 0.0)
    return Outcome(
        {"D": D, "U_S": (2 - B_s) * D},
        regime=credible.astype(np.int8),
        regime_names=["status quo", "coercion"],
    )


COERCION = Model("coercion_bench", "Coercion, closed form", SPACE, solve)


def _sweep(side: int):
    return sweep(
        COERCION, memory_budget=BUDGET, progress=False, **dict.fromkeys(SPACE.names, Range(n=side))
    )


def _plain(coords: dict[str, np.ndarray]):
    axes = [
        coords[name].reshape([-1 if k == j else 1 for k in range(4)])
        for j, name in enumerate(SPACE.names)
    ]
    return solve(*axes)


def _peak_memory(side: int) -> tuple[int, int]:
    """Peak bytes allocated during one sweep (tracemalloc, outside any timed region) and the
    bytes of its result arrays."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = _sweep(side)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, int(result.info["result_bytes"])


def _loop(points: dict[str, np.ndarray]) -> list:
    n = len(next(iter(points.values())))
    return [COERCION(**{k: float(v[i]) for k, v in points.items()}) for i in range(n)]


def _check(family, name, peer, D_ours, regime_ours, D, regime, n):
    ok = np.array_equal(regime_ours, regime) and np.allclose(D_ours, D, rtol=1e-12, atol=1e-12)
    family.check(Agreement(FAMILY, name, peer, n, n, bool(ok), "same regime and D at every point"))


def run(config: Config) -> Family:
    family = Family(FAMILY)
    sizes = config.pick([100], [10**2, 10**4, 10**6], [10**2, 10**3, 10**4, 10**5, 10**6, 10**7])
    loop_points = config.pick(50, 1000, 2000)
    for target in sizes:
        side = max(2, round(target**0.25))
        n = side**4
        result = _sweep(side)
        plain = _plain(result.coords)
        _check(
            family,
            f"{WORKLOAD}, {n:,} points",
            NUMPY,
            result["D"],
            result.outcome.regime,
            np.broadcast_to(plain["D"], result.shape),
            np.broadcast_to(plain.regime, result.shape),
            n,
        )
        params = {k: v.reshape(-1)[:loop_points] for k, v in result.params().items()}
        looped = _loop(params)
        _check(
            family,
            f"{WORKLOAD}, {n:,} points",
            LOOP,
            result["D"].reshape(-1)[: len(looped)],
            result.outcome.regime.reshape(-1)[: len(looped)],
            np.array([float(np.asarray(o["D"])) for o in looped]),
            np.array([int(np.asarray(o.regime)) for o in looped]),
            len(looped),
        )
        candidates = {
            OURS: (lambda side=side: _sweep(side), n),
            NUMPY: (lambda c=result.coords: _plain(c), n),
        }
        batches = {OURS: n, NUMPY: n}
        if target == sizes[-1] or target == 10**4:
            candidates[LOOP] = (lambda p=params: _loop(p), len(looped))
            batches[LOOP] = len(looped)
        floors = {}
        if np.isfinite(config.bandwidth):
            written = sum(np.asarray(result.outcome[f]).nbytes for f in ("D", "U_S"))
            written += result.outcome.regime.nbytes + result.valid.nbytes
            floors = dict.fromkeys((OURS, NUMPY), config.bandwidth / (written / n))
        timings = compare(candidates, repeats=config.repeats if n < 10**7 else 3)
        family.rows += rows_from_timings(
            FAMILY,
            WORKLOAD,
            f"{side}^4 points",
            "points/s",
            timings,
            batches,
            reference=OURS,
            floors=floors,
            notes={LOOP: "one point per call", NUMPY: "hand-written, unchunked"},
        )
        family.facts[f"sweep {n:,} points: chunks"] = f"{result.n_chunks} of {result.chunk_size:,}"
        if target == sizes[-1]:
            peak, result_bytes = _peak_memory(side)
            working = peak - result_bytes
            family.facts[f"sweep {n:,} points: peak memory (MiB)"] = (
                f"{peak / 2**20:.1f}: results {result_bytes / 2**20:.1f} + working "
                f"{working / 2**20:.1f} (budget {BUDGET / 2**20:.0f})"
            )
            family.check(
                Agreement(
                    FAMILY,
                    f"{WORKLOAD}, {n:,} points",
                    "memory budget",
                    n,
                    n,
                    bool(working <= 1.25 * BUDGET),
                    f"working memory {working / 2**20:.1f} MiB beside the results, "
                    f"budget {BUDGET / 2**20:.0f} MiB",
                )
            )
    return family
