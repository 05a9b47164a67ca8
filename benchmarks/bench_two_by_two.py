r"""2x2 bimatrix games: every equilibrium of a batch in closed form, against per-game peers.

Workload: games with independent standard normal payoffs (seeded; nondegenerate with
probability one). irgames solves the whole batch in one call, two ways:

* ``irgames two_by_two``: the public solver, from the payoff array to an
  :class:`~irgames.solvers.equilibria.Equilibria` with every row's payoffs and regret computed
  independently (game construction and validation included);
* ``irgames solve_two_by_two (core)``: the closed-form core alone (arrays in, arrays out).

Peers solve one game per call in a Python loop, on the first ``k`` games of the same batch:
nashpy's support enumeration, QuantEcon's (numba-compiled) support enumeration and pygambit's
``enummixed_solve``. Before any rate is reported the sets of equilibria of irgames and of each
peer are compared game by game on those ``k`` games.

Rates are games per second; the bandwidth floor counts the input (64 bytes per game) and the
arrays each irgames variant returns.

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
from irgames.solvers.two_by_two import solve_two_by_two, two_by_two

from . import peers
from .common import Config, Family, compare_sets, nbytes, profiles_by_game, rows_from_timings
from .timing import compare

FAMILY = "2x2 all equilibria"
WORKLOAD = "2x2, N(0,1) payoffs"
PUBLIC = "irgames two_by_two"
CORE = "irgames solve_two_by_two (core)"


def workload(games: int, seed: int) -> np.ndarray:
    """Payoffs of shape ``(games, 2, 2, 2)``: player, row action, column action."""
    return np.random.default_rng(seed).standard_normal((games, 2, 2, 2))


def public(P: np.ndarray):
    return two_by_two(NormalFormGame(P, n_players=2))


def core(P: np.ndarray):
    return solve_two_by_two(P)


def _peer_loop(solver, P: np.ndarray):
    return [solver(P[g, 0], P[g, 1]) for g in range(len(P))]


PEERS = {
    "nashpy support_enumeration": (
        "nashpy",
        peers.nashpy_support_enumeration,
        peers.nashpy_profiles,
    ),
    "QuantEcon support_enumeration": (
        "quantecon",
        peers.quantecon_support_enumeration,
        peers.quantecon_profiles,
    ),
    "pygambit enummixed_solve": ("pygambit", peers.gambit_enummixed, peers.gambit_profiles),
}


def run(config: Config) -> Family:
    family = Family(FAMILY)
    reference_batch = config.pick(1_000, 100_000, 1_000_000)
    k = config.pick(10, 200, 1000)
    P = workload(reference_batch, config.seed)
    if config.uses("quantecon"):
        first, warm = peers.quantecon_compile_seconds("support_enumeration")
        family.facts["QuantEcon support_enumeration first call (s)"] = first
        family.facts["QuantEcon support_enumeration warm call (s)"] = warm

    # agreement on the peers' games, before any timing
    eq = public(P[:k])
    assert eq.max_relative_regret <= 1e-9, "two_by_two returned a profile with regret"
    ours = profiles_by_game(eq.game_index, eq.strategies, k)
    raw_core = core(P[:k])
    core_profiles = [
        [
            np.array([p, 1 - p, q, 1 - q])
            for p, q in zip(
                raw_core.p[raw_core.game_index == g],
                raw_core.q[raw_core.game_index == g],
                strict=True,
            )
        ]
        for g in range(k)
    ]
    compare_sets(family, WORKLOAD, "irgames core vs public", ours, core_profiles, atol=1e-12)
    candidates = {
        PUBLIC: (lambda: public(P), reference_batch),
        CORE: (lambda: core(P), reference_batch),
    }
    batches = {PUBLIC: reference_batch, CORE: reference_batch}
    for name, (package, solver, to_profiles) in PEERS.items():
        if not config.uses(package):
            continue
        theirs = [to_profiles(r) for r in _peer_loop(solver, P[:k])]
        compare_sets(family, WORKLOAD, name, ours, theirs, atol=1e-6, payoffs=P[:k])
        candidates[name] = (lambda s=solver: _peer_loop(s, P[:k]), k)
        batches[name] = k

    # one alternating comparison at the reference batch
    timings = compare(candidates, repeats=config.repeats)
    floors = {}
    if np.isfinite(config.bandwidth):
        for name, fn in ((PUBLIC, public), (CORE, core)):
            out = fn(P[: min(reference_batch, 10_000)])
            per_game = P[0].nbytes + nbytes(out) / min(reference_batch, 10_000)
            floors[name] = config.bandwidth / per_game
    family.rows += rows_from_timings(
        FAMILY,
        WORKLOAD,
        "2x2",
        "games/s",
        timings,
        batches,
        reference=PUBLIC,
        floors=floors,
        notes={n: "per-game Python loop" for n in PEERS},
    )

    # scaling of the batched solvers alone
    sizes = config.pick([100], [10**2, 10**3, 10**4], [10**2, 10**3, 10**4, 10**5, 10**7])
    for size in sizes:
        Q = workload(size, config.seed + 1)
        cands = {CORE: (lambda Q=Q: core(Q), size), PUBLIC: (lambda Q=Q: public(Q), size)}
        t = compare(cands, repeats=config.pick(1, 3, 3) if size >= 10**7 else config.repeats)
        rows = rows_from_timings(
            FAMILY, WORKLOAD, "2x2", "games/s", t, dict.fromkeys(cands, size), reference=CORE
        )
        family.rows += [
            r.__class__(
                **{**r.as_dict(), "ratio": float("nan"), "reference": False, "note": "scaling"}
            )
            for r in rows
        ]
    return family
