"""2x2 batches: the closed-form core versus the whole call (result assembly with regret).

Run: ``PYTHONPATH=src:. python benchmarks/bench_two_by_two_assembly.py [--quick]``.
Prints, for batches of 10^4, 10^5 and 10^6 random 2x2 games (a tenth of them with tied
payoffs, so degenerate detection is exercised), the median rate of ``solve_two_by_two``
(the core), of ``two_by_two`` (core plus ``Equilibria.from_profiles``, which recomputes
payoffs and regret from the payoffs for every row), and the tracemalloc peak of the call.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from irgames.games.normal_form import NormalFormGame
from irgames.solvers.two_by_two import solve_two_by_two, two_by_two


def workload(size: int, seed: int = 0) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    payoffs = rng.integers(-3, 4, size=(size, 2, 2, 2)).astype(float)
    payoffs[: size // 10 * 9] = rng.normal(size=(size // 10 * 9, 2, 2, 2))
    return NormalFormGame(payoffs, n_players=2)


def median_time(function, repeats: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
        del result
    return statistics.median(times), min(times), max(times)


def peak_bytes(function) -> int:
    tracemalloc.start()
    result = function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = (10**4, 10**5) if args.quick else (10**4, 10**5, 10**6)
    print(f"{'games':>9} {'core M/s':>9} {'call M/s':>9} {'call min-max s':>18} {'peak MiB':>9}")
    for size in sizes:
        game = workload(size)
        repeats = 7 if size <= 10**5 else 5
        two_by_two(game)  # warm-up
        eq = two_by_two(game)
        assert eq.max_relative_regret <= 1e-9, eq.max_relative_regret
        core, _, _ = median_time(lambda g=game: solve_two_by_two(g.payoffs), repeats)
        call, lo, hi = median_time(lambda g=game: two_by_two(g), repeats)
        peak = peak_bytes(lambda g=game: two_by_two(g))
        print(
            f"{size:>9,} {size / core / 1e6:>9.2f} {size / call / 1e6:>9.2f} "
            f"{lo:>8.4f}-{hi:<8.4f} {peak / 2**20:>9.1f}"
        )


if __name__ == "__main__":
    main()
