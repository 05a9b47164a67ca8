"""Backward induction speed: node-points per second, against a per-point Python loop and pygambit.

Run: ``PYTHONPATH=src python benchmarks/bench_backward_induction.py`` (prints one line per case).
Each timing is the best of three runs; the result arrays are consumed (summed) so nothing is
left lazy.
"""

from __future__ import annotations

import time

import numpy as np

from irgames.games.extensive_form import TreeBuilder
from irgames.games.tree_generators import complete_tree
from irgames.solvers.backward_induction import backward_induction


def best_of(f, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def coercion(points: int, seed: int = 0):
    T = TreeBuilder(["S", "T"], parameters="D c_s c_t B_s B_t")
    D, c_s, c_t, B_s, B_t = T.symbols

    def U(P_s, P_t):
        return T.terminal(P_s - (1 - B_s) * P_t, P_t - (1 - B_t) * P_s)

    root = T.decision(
        "S",
        {
            "status quo": U(0, 0),
            "demand": T.decision(
                "T",
                {
                    "acquiesce": U(D, -D),
                    "stand firm": T.decision("S", {"back down": U(0, 0), "impose": U(-c_s, -c_t)}),
                },
            ),
        },
    )
    rng = np.random.default_rng(seed)
    return T.build(root).bind(
        D=rng.uniform(0, 3, points),
        c_s=rng.uniform(0, 3, points),
        c_t=rng.uniform(0, 3, points),
        B_s=rng.uniform(0, 1, points),
        B_t=rng.uniform(0, 1, points),
    )


def python_loop(game, points):
    """A plain per-point recursion over the first ``points`` games (the baseline)."""
    kids = [[] for _ in range(game.n_nodes)]
    for v in range(1, game.n_nodes):
        kids[int(game.parent[v])].append(v)
    flat = game.flatten()
    term = {int(t): r for r, t in enumerate(game.terminals)}
    mover = game.mover.tolist()
    total = 0.0
    for b in range(points):
        pay = flat.payoffs[b].tolist()
        value = [None] * game.n_nodes
        for v in range(game.n_nodes - 1, -1, -1):
            m = mover[v]
            if m < 0:
                value[v] = pay[term[v]]
            else:
                value[v] = max((value[c] for c in kids[v]), key=lambda x, m=m: x[m])
        total += value[0][0]
    return total


def report(name, game, seconds):
    rate = game.n_nodes * game.batch_size / seconds
    print(
        f"{name:40s} {game.n_nodes:>9d} nodes x {game.batch_size:>8d} points: "
        f"{seconds:8.4f} s, {rate / 1e6:8.1f} M node-points/s"
    )
    return rate


def main():
    cases = [("coercion tree, 10^6 points", coercion(1_000_000))]
    for depth, points in [(10, 10_000), (16, 200), (20, 10)]:
        cases.append(
            (
                f"binary tree depth {depth}",
                complete_tree(depth, 2, 2, batch_shape=(points,), seed=0),
            )
        )
    for name, game in cases:
        seconds = best_of(lambda g=game: float(backward_induction(g).payoffs.sum()))
        rate = report(name, game, seconds)
        few = min(game.batch_size, max(1, 200_000 // game.n_nodes))
        loop = best_of(lambda g=game, k=few: python_loop(g, k), repeat=1)
        loop_rate = game.n_nodes * few / loop
        print(
            f"{'':40s} per-point Python loop: {loop_rate / 1e6:8.2f} M node-points/s "
            f"(x{rate / loop_rate:.0f})"
        )
    try:
        import pygambit as gbt

        from irgames.io.efg import to_pygambit_tree

        game = complete_tree(6, 2, 2, batch_shape=(1,), seed=0)
        tree = to_pygambit_tree(game, index=0)
        seconds = best_of(lambda: gbt.nash.lcp_solve(tree, rational=False), repeat=1)
        ours = best_of(lambda: backward_induction(game))
        print(
            f"pygambit lcp_solve, binary depth 6, 1 game: {seconds:.4f} s; "
            f"irgames BI same game: {ours:.5f} s (x{seconds / ours:.0f})"
        )
    except ImportError:
        print("pygambit not installed: peer comparison skipped")


if __name__ == "__main__":
    main()
