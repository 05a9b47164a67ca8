r"""All equilibria of n x n bimatrix games: batched enumeration against per-game peers.

Workload: games with independent standard normal payoffs (seeded; nondegenerate with
probability one), at several game sizes :math:`n` (6x6 is the reference of issue 10).
irgames solves a batch in one call with
:func:`~irgames.solvers.vertex_enumeration.vertex_enumeration` and with
:func:`~irgames.solvers.support_enumeration.support_enumeration` (both return every
equilibrium with its regret, computed independently). Peers solve one game per call in a
Python loop on the first ``k`` games: QuantEcon's ``support_enumeration`` (numba-compiled; its
compile time is reported separately), pygambit's ``enummixed_solve`` and nashpy's
``support_enumeration`` (on very few games: it is slow).

Agreement, before any rate: on the peers' games the equilibrium sets of both irgames solvers,
QuantEcon and pygambit must be equal (max-norm distance ``1e-6``). nashpy is known to miss
equilibria of some random games and to return near-equilibria (regret about ``1e-6``); its
check passes when every equilibrium it returns is one of ours, and the games where it misses
some are counted.

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
from irgames.solvers.support_enumeration import support_enumeration
from irgames.solvers.vertex_enumeration import vertex_enumeration

from . import peers
from .common import Config, Family, compare_sets, profiles_by_game, rows_from_timings
from .timing import compare

FAMILY = "n x n all equilibria"
VE = "irgames vertex_enumeration"
SE = "irgames support_enumeration"
PEERS = {
    "QuantEcon support_enumeration": (
        "quantecon",
        peers.quantecon_support_enumeration,
        peers.quantecon_profiles,
    ),
    "pygambit enummixed_solve": ("pygambit", peers.gambit_enummixed, peers.gambit_profiles),
    "nashpy support_enumeration": (
        "nashpy",
        peers.nashpy_support_enumeration,
        peers.nashpy_profiles,
    ),
}


def workload(games: int, n: int, seed: int) -> np.ndarray:
    """Payoffs of shape ``(games, 2, n, n)``."""
    return np.random.default_rng(seed).standard_normal((games, 2, n, n))


def _solve(solver, P: np.ndarray):
    return solver(NormalFormGame(P, n_players=2))


def _peer_loop(solver, P: np.ndarray):
    return [solver(P[g, 0], P[g, 1]) for g in range(len(P))]


def _one_size(family: Family, config: Config, n: int, batch: int, k: int, nashpy_k: int):
    workload_name = f"{n}x{n}, N(0,1) payoffs"
    P = workload(batch, n, config.seed + n)
    ours = {}
    for name, solver in ((VE, vertex_enumeration), (SE, support_enumeration)):
        eq = _solve(solver, P[:k])
        assert eq.complete and eq.max_relative_regret <= 1e-8, f"{name} regret"
        ours[name] = profiles_by_game(eq.game_index, eq.strategies, k)
    compare_sets(family, workload_name, "irgames support vs vertex", ours[VE], ours[SE], atol=1e-8)
    candidates = {
        VE: (lambda: _solve(vertex_enumeration, P), batch),
        SE: (lambda: _solve(support_enumeration, P), batch),
    }
    batches = {VE: batch, SE: batch}
    for name, (package, solver, to_profiles) in PEERS.items():
        games = nashpy_k if package == "nashpy" else k
        if not config.uses(package) or games == 0:
            continue
        theirs = [to_profiles(r) for r in _peer_loop(solver, P[:games])]
        compare_sets(
            family,
            workload_name,
            name,
            ours[VE][:games],
            theirs,
            atol=1e-6,
            allow_missing=package == "nashpy",
            payoffs=P[:games],
        )
        candidates[name] = (lambda s=solver, g=games: _peer_loop(s, P[:g]), games)
        batches[name] = games
    timings = compare(candidates, repeats=config.repeats)
    family.rows += rows_from_timings(
        FAMILY,
        workload_name,
        f"{n}x{n}",
        "games/s",
        timings,
        batches,
        reference=VE,
        notes={n: "per-game Python loop" for n in PEERS},
    )


def run(config: Config) -> Family:
    family = Family(FAMILY)
    if config.uses("quantecon"):
        first, warm = peers.quantecon_compile_seconds("support_enumeration")
        family.facts["QuantEcon support_enumeration first call (s)"] = first
        family.facts["QuantEcon support_enumeration warm call (s)"] = warm
    # (n, irgames batch, peer games, nashpy games)
    sizes = config.pick(
        [(3, 20, 5, 2)],
        [(3, 1000, 50, 5), (6, 300, 30, 2)],
        [(3, 10_000, 300, 30), (4, 10_000, 300, 10), (6, 2000, 200, 4), (8, 300, 30, 0)],
    )
    for n, batch, k, nashpy_k in sizes:
        _one_size(family, config, n, batch, k, nashpy_k)

    # batch scaling of the batched solvers on 6x6 games
    n = config.pick(3, 6, 6)
    for size in config.pick([10], [10, 100], [10, 100, 1000, 10_000]):
        P = workload(size, n, config.seed + 100)
        cands = {VE: (lambda P=P: _solve(vertex_enumeration, P), size)}
        if size <= 1000:
            cands[SE] = (lambda P=P: _solve(support_enumeration, P), size)
        t = compare(cands, repeats=config.repeats if size < 10_000 else 3)
        rows = rows_from_timings(
            FAMILY,
            f"{n}x{n}, N(0,1) payoffs",
            f"{n}x{n}",
            "games/s",
            t,
            dict.fromkeys(cands, size),
            reference=VE,
        )
        family.rows += [
            r.__class__(
                **{**r.as_dict(), "ratio": float("nan"), "reference": False, "note": "scaling"}
            )
            for r in rows
        ]
    return family
