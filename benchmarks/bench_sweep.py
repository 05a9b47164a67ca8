"""Sweep throughput: a 10^7-point sweep of a small model against a per-point loop.

The model is the closed-form coercion game (Drezner 1999): the threat is credible iff
c_s <= (1 - B_s) c_t, and then D* = [c_t - (1 - B_t) c_s] / (2 - B_t). The sweep covers a 4-D
grid of about ``--points`` points in one ``sweep`` call chunked to ``--budget`` bytes of
working memory; the per-point loop calls the same model once per point on ``--loop-points``
points, in the same run. Reported: points per second of both, their ratio, the measured bytes
per point and chunk size, and the peak traced memory of the sweep beyond its result arrays,
against the budget.

Run: ``PYTHONPATH=src:. python benchmarks/bench_sweep.py --points 1e7``
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc

import numpy as np

from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace
from irgames.analysis.sweep import sweep

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=float, default=1e7)
    parser.add_argument("--budget", type=float, default=64 * 2**20, help="bytes per chunk")
    parser.add_argument("--loop-points", type=int, default=2000)
    args = parser.parse_args()
    side = max(2, round(args.points**0.25))
    axes = {name: side for name in SPACE.names}
    n = side**4

    tracemalloc.start()
    start = time.perf_counter()
    result = sweep(COERCION, memory_budget=int(args.budget), progress=False, **axes)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result_bytes = result.info["result_bytes"] + result.valid.nbytes
    working = peak - result_bytes

    draws = SPACE.sample(args.loop_points, 0)
    start = time.perf_counter()
    for i in range(args.loop_points):
        COERCION(**{k: v[i] for k, v in draws.items()})
    loop_elapsed = time.perf_counter() - start

    sweep_rate = n / elapsed
    loop_rate = args.loop_points / loop_elapsed
    print(f"grid                 {side}^4 = {n:,} points")
    print(f"sweep                {elapsed:.2f} s, {sweep_rate:,.0f} points/s")
    print(
        f"per-point loop       {loop_elapsed:.2f} s for {args.loop_points:,}, "
        f"{loop_rate:,.0f} points/s"
    )
    print(f"speed-up             {sweep_rate / loop_rate:,.0f}x")
    print(f"bytes per point      {result.bytes_per_point:.0f} (measured on the probe chunk)")
    print(f"chunks               {result.n_chunks} of {result.chunk_size:,} points")
    print(f"result arrays        {result_bytes / 2**20:.1f} MiB")
    print(
        f"peak working memory  {working / 2**20:.1f} MiB (budget {args.budget / 2**20:.1f} MiB)"
        f"{'' if working <= args.budget else '  OVER BUDGET'}"
    )
    assert math.isfinite(float(np.nanmax(result["D"])))  # consume the result


if __name__ == "__main__":
    main()
