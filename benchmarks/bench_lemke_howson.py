r"""Lemke-Howson: one equilibrium per game, batched pivoting against per-game peers.

Workload: n x n games with independent standard normal payoffs (seeded), at several sizes.
irgames pivots every game of the batch at once
(:func:`~irgames.solvers.lemke_howson.lemke_howson`, initial dropped label 0, regret of each
result computed independently). Peers run one game per call in a Python loop from the same
label: nashpy's ``lemke_howson(initial_dropped_label=0)`` and QuantEcon's (numba-compiled)
``lemke_howson(init_pivot=0)``, compile time reported separately.

nashpy's Lemke-Howson has no anti-cycling rule and does not terminate on a few random games;
each peer game runs under a 0.5 s limit in the agreement pass, and the games given up are
reported and left out of that peer's timed loop.

Agreement, before any rate: in a nondegenerate game the path from a given label is unique, so
on the peers' games each must return the same equilibrium as irgames (max-norm ``1e-6``), and
irgames must have converged on every game of the batch. Each peer answer is first held to the
equilibrium standard (regret within ``1e-6`` of the payoff range, well-formed strategies);
nashpy sometimes returns a malformed profile (a strategy of the wrong length), which is
counted and dropped: its check requires only that every valid answer it gives is ours.

Examples
--------
>>> from benchmarks.common import Config
>>> family = run(Config(mode="tiny", repeats=1))
>>> all(c.agreed for c in family.checks), len(family.rows) > 0
(True, True)
"""

from __future__ import annotations

import numpy as np

from irgames.games.normal_form import NormalFormGame
from irgames.solvers.lemke_howson import lemke_howson

from . import peers
from .common import Agreement, Config, Family, compare_sets, profiles_by_game, rows_from_timings
from .timing import compare

FAMILY = "Lemke-Howson"
OURS = "irgames lemke_howson"
PEERS = {
    "QuantEcon lemke_howson": (
        "quantecon",
        peers.quantecon_lemke_howson,
        peers.quantecon_profiles,
    ),
    "nashpy lemke_howson": ("nashpy", peers.nashpy_lemke_howson, peers.nashpy_profiles),
}


def workload(games: int, n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((games, 2, n, n))


def _solve(P: np.ndarray):
    return lemke_howson(NormalFormGame(P, n_players=2), initial_label=0)


def _peer_loop(solver, P: np.ndarray):
    return [solver(P[g, 0], P[g, 1]) for g in range(len(P))]


def run(config: Config) -> Family:
    family = Family(FAMILY)
    if config.uses("quantecon"):
        first, warm = peers.quantecon_compile_seconds("lemke_howson")
        family.facts["QuantEcon lemke_howson first call (s)"] = first
        family.facts["QuantEcon lemke_howson warm call (s)"] = warm
    # (n, irgames batch, peer games)
    sizes = config.pick(
        [(4, 50, 10)],
        [(6, 10_000, 300), (12, 1000, 30)],
        [(6, 100_000, 2000), (12, 10_000, 300), (24, 1000, 30)],
    )
    for n, batch, k in sizes:
        name = f"{n}x{n}, N(0,1) payoffs"
        P = workload(batch, n, config.seed + n)
        eq = _solve(P)
        converged = np.asarray(eq.options["converged"])
        family.check(
            Agreement(
                FAMILY,
                name,
                "irgames (converged, regret)",
                batch,
                len(eq),
                bool(converged.all() and eq.max_relative_regret <= 1e-8),
                f"{int(converged.sum())} of {batch} converged; "
                f"max relative regret {eq.max_relative_regret:.1e}",
            )
        )
        ours = profiles_by_game(eq.game_index, eq.strategies, k)
        candidates = {OURS: (lambda P=P: _solve(P), batch)}
        batches = {OURS: batch}
        notes = dict.fromkeys(PEERS, "per-game Python loop")
        for peer, (package, solver, to_profiles) in PEERS.items():
            if not config.uses(package):
                continue
            raw, hung = peers.solve_guarded(solver, P[:k])
            done = [g for g in range(k) if g not in hung]
            theirs = [to_profiles(raw[g]) for g in done]
            compare_sets(
                family,
                name,
                peer,
                [ours[g] for g in done],
                theirs,
                atol=1e-6,
                allow_missing=package == "nashpy",
                payoffs=P[done],
            )
            if hung:
                notes[peer] = f"per-game Python loop; did not terminate on games {hung} (excluded)"
                family.facts[f"{peer} {name}: games given up after 0.5 s"] = hung
            Q = P[done]
            candidates[peer] = (lambda s=solver, Q=Q: _peer_loop(s, Q), len(done))
            batches[peer] = len(done)
        timings = compare(candidates, repeats=config.repeats)
        family.rows += rows_from_timings(
            FAMILY,
            name,
            f"{n}x{n}",
            "games/s",
            timings,
            batches,
            reference=OURS,
            notes=notes,
        )
    # batch scaling on 6x6
    n = config.pick(4, 6, 6)
    for size in config.pick([10], [100, 1000], [100, 1000, 10_000]):
        P = workload(size, n, config.seed + 100)
        t = compare({OURS: (lambda P=P: _solve(P), size)}, repeats=min(config.repeats, 3))
        rows = rows_from_timings(
            FAMILY,
            f"{n}x{n}, N(0,1) payoffs",
            f"{n}x{n}",
            "games/s",
            t,
            {OURS: size},
            reference=OURS,
        )
        family.rows += [
            r.__class__(
                **{**r.as_dict(), "ratio": float("nan"), "reference": False, "note": "scaling"}
            )
            for r in rows
        ]
    return family
