r"""All equilibria by vertex enumeration: reverse search against QuantEcon's qhull, n = 4..12.

Workload: n x n games with independent standard normal payoffs (seeded; nondegenerate with
probability one). irgames solves the batch in one call of
:func:`~irgames.solvers.vertex_enumeration.vertex_enumeration`, its polytope vertices
enumerated by lexicographic pivoting (``vertices="reverse_search"``,
:mod:`irgames.solvers.reverse_search`) and, where it still runs in reasonable time, by the
label sets (``vertices="label_sets"``, :math:`\binom{2n}{n}` systems per game and polytope).
The peer is QuantEcon's ``vertex_enumeration`` (qhull for the polytopes, numba for the rest;
its fastest method for all equilibria), one game per call in a Python loop. The target of
issue 24 is reverse search at >= 3x QuantEcon per game at every n from 4 to 12, with 1,000
games at n <= 8 and 100 at n = 10..12 (``full`` mode).

Measured (``--only vertex_enumeration --repeats 3``, full mode, on a shared 2-core machine
under load, so the rates are noisy; the ratios come from alternating rounds): reverse search
against QuantEcon per game 10.6x at 4x4, 7.1x at 5x5, 3.8x at 6x6, 2.0x at 7x7, 2.3x at 8x8,
1.3x at 9x9, 1.2x at 10x10, 1.1x at 11x11 and 12x12 (8.9 games/s against 8.2): the 3x target
is met up to 6x6 and missed above. Label sets: 8.0k, 2.4k, 829 and 291 games/s at 4..7
(reverse search 8.4k, 5.0k, 1.8k, 830).

Agreement, before any rate: reverse search equals the label-set enumeration (same equilibria,
1e-9) where both run, and QuantEcon's equilibria (1e-6) on the games QuantEcon solves.
Compile times (numba, both sides) are reported as facts, never mixed into a rate.

Examples
--------
>>> from benchmarks.common import Config
>>> family = run(Config(mode="tiny", repeats=1, exclude=("quantecon",)))
>>> all(c.agreed for c in family.checks), len(family.rows) > 0
(True, True)
"""

from __future__ import annotations

import time

import numpy as np

from irgames.games.normal_form import NormalFormGame
from irgames.solvers.vertex_enumeration import vertex_enumeration

from . import peers
from .common import Config, Family, compare_sets, profiles_by_game, rows_from_timings
from .timing import compare

FAMILY = "n x n vertex enumeration"
RS = "irgames vertex_enumeration reverse_search"
LS = "irgames vertex_enumeration label_sets"
QE = "QuantEcon vertex_enumeration"


def workload(games: int, n: int, seed: int) -> np.ndarray:
    """Payoffs of shape ``(games, 2, n, n)``."""
    return np.random.default_rng(seed).standard_normal((games, 2, n, n))


def _solve(P: np.ndarray, vertices: str):
    return vertex_enumeration(NormalFormGame(P, n_players=2), vertices=vertices)


def _peer_loop(P: np.ndarray):
    return [peers.quantecon_vertex_enumeration(P[g, 0], P[g, 1]) for g in range(len(P))]


def _one_size(family: Family, config: Config, n: int, batch: int, peer_games: int, ls: bool):
    name = f"{n}x{n}, N(0,1) payoffs"
    P = workload(batch, n, config.seed + 1000 + n)
    eq = _solve(P, "reverse_search")
    assert eq.complete and eq.max_relative_regret <= 1e-9, "reverse search regret"
    ours = profiles_by_game(eq.game_index, eq.strategies, batch)
    candidates = {RS: (lambda: _solve(P, "reverse_search"), batch)}
    if ls:
        old = _solve(P, "label_sets")
        compare_sets(
            family, name, LS, ours, profiles_by_game(old.game_index, old.strategies, batch),
            atol=1e-9,
        )  # fmt: skip
        candidates[LS] = (lambda: _solve(P, "label_sets"), batch)
    if config.uses("quantecon") and peer_games:
        Pk = P[:peer_games]
        theirs = [peers.quantecon_profiles(r) for r in _peer_loop(Pk)]
        compare_sets(family, name, QE, ours[:peer_games], theirs, atol=1e-6, payoffs=Pk)
        candidates[QE] = (lambda: _peer_loop(Pk), peer_games)
    timings = compare(candidates, repeats=config.repeats)
    family.rows += rows_from_timings(
        FAMILY,
        name,
        f"{n}x{n}",
        "games/s",
        timings,
        {k: v[1] for k, v in candidates.items()},
        reference=RS,
        notes={QE: "per-game Python loop"},
    )


def run(config: Config) -> Family:
    family = Family(FAMILY)
    start = time.perf_counter()
    _solve(workload(2, 5, 0), "reverse_search")  # numba compiles, or loads its cache
    family.facts["irgames reverse search first call (s)"] = time.perf_counter() - start
    if config.uses("quantecon"):
        first, warm = peers.quantecon_compile_seconds("vertex_enumeration")
        family.facts["QuantEcon vertex_enumeration first call (s)"] = first
        family.facts["QuantEcon vertex_enumeration warm call (s)"] = warm
    # (n, irgames batch, QuantEcon games, label sets timed too)
    sizes = config.pick(
        [(4, 20, 5, True)],
        [(4, 300, 50, True), (6, 100, 30, True), (8, 30, 10, False)],
        [(4, 1000, 1000, True), (5, 1000, 1000, True), (6, 1000, 1000, True),
         (7, 1000, 1000, True), (8, 1000, 1000, True), (9, 300, 300, False),
         (10, 100, 100, False), (11, 100, 100, False), (12, 100, 100, False)],
    )  # fmt: skip
    for n, batch, peer_games, ls in sizes:
        _one_size(family, config, n, batch, peer_games, ls)
    return family
