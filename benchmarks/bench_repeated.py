r"""Repeated games: the set of subgame-perfect equilibrium payoffs, batched against QuantEcon.

Workload (seeded): prisoner's dilemmas with payoffs :math:`S < P < R < T` drawn uniformly in
:math:`[0, 10]` (the same for both players, symmetric), kept when grim trigger can sustain
cooperation below :math:`\delta = 0.9` (:math:`\delta^* = (T - R)/(T - P) < 0.9`), with a
discount factor drawn between :math:`\delta^*` and 0.97, so that the payoff set is
two-dimensional.

irgames computes every game's set at once with
:func:`~irgames.solvers.repeated.equilibrium_payoffs` (outer approximation of Judd, Yeltekin
and Conklin with 128 directions). QuantEcon's ``RepeatedGame.equilibrium_payoffs`` (Abreu and
Sannikov's algorithm, numba-compiled, compile time reported separately; ``u_init = 0``, below
every payoff) solves one game per call.

Agreement, before any rate, on the games QuantEcon solves: irgames' set is an outer
approximation, so its support function must be at least QuantEcon's in every direction (within
``1e-7`` of the payoff range) and exceed it by at most 2% of the payoff range (the error of
128 directions). QuantEcon raises a ``QhullError`` on some of these games; they are counted and
left out of its timed loop.

Examples
--------
>>> from benchmarks.common import Config
>>> family = run(Config(mode="tiny", repeats=1))
>>> all(c.agreed for c in family.checks), len(family.rows) > 0
(True, True)
"""

from __future__ import annotations

import time

import numpy as np

from irgames.games.normal_form import NormalFormGame
from irgames.games.repeated import RepeatedGame
from irgames.solvers.repeated import equilibrium_payoffs

from .common import Agreement, Config, Family, rows_from_timings
from .timing import compare

FAMILY = "repeated games"
WORKLOAD = "prisoner's dilemmas, SPE payoff set"
OURS = "irgames equilibrium_payoffs (128 directions)"
QE = "QuantEcon RepeatedGame.equilibrium_payoffs"
DIRECTIONS = 128


def workload(games: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs ``(G, 2, 2, 2)`` and discount factors ``(G,)`` (at most ``games`` games)."""
    rng = np.random.default_rng(seed)
    S, P, R, T = np.sort(rng.uniform(0, 10, (4, 4 * games)), axis=0)
    low = (T - R) / (T - P)
    keep = np.flatnonzero(low < 0.9)[:games]
    delta = low + (0.97 - low) * rng.uniform(0.1, 1.0, low.size)
    A = np.stack([np.stack([R, S], -1), np.stack([T, P], -1)], -2)[keep]
    return np.stack([A, np.swapaxes(A, -1, -2)], 1), delta[keep]


def _ours(payoffs: np.ndarray, delta: np.ndarray):
    game = NormalFormGame(payoffs, n_players=2)
    return equilibrium_payoffs(RepeatedGame(game, delta), directions=DIRECTIONS)


def _quantecon_one(payoffs: np.ndarray, delta: float):
    from quantecon.game_theory import NormalFormGame as QGame
    from quantecon.game_theory import Player
    from quantecon.game_theory import RepeatedGame as QRepeated

    game = QGame((Player(payoffs[0]), Player(payoffs[1].T)))
    return QRepeated(game, delta).equilibrium_payoffs(options={"u_init": np.zeros(2)})


def _quantecon_loop(payoffs: np.ndarray, delta: np.ndarray) -> list:
    return [_quantecon_one(payoffs[g], float(delta[g])) for g in range(len(delta))]


def run(config: Config) -> Family:
    family = Family(FAMILY)
    batch = config.pick(10, 50, 300)
    k = config.pick(4, 15, 60)
    payoffs, delta = workload(batch, config.seed)
    batch = len(delta)
    result = _ours(payoffs, delta)
    family.check(
        Agreement(
            FAMILY,
            WORKLOAD,
            "irgames (converged)",
            batch,
            batch,
            bool(result.converged.all()),
            f"{int(result.converged.sum())} of {batch} converged",
        )
    )
    candidates = {OURS: (lambda: _ours(payoffs, delta), batch)}
    batches = {OURS: batch}
    notes = {}
    if config.uses("quantecon"):
        start = time.perf_counter()
        try:
            _quantecon_one(payoffs[0], float(delta[0]))
        except Exception:
            pass
        family.facts["QuantEcon RepeatedGame.equilibrium_payoffs first call (s)"] = (
            time.perf_counter() - start
        )
        solved, gaps, inside, failed = [], [], [], 0
        scale = NormalFormGame(payoffs[:k], n_players=2).payoff_scale
        for g in range(k):
            try:
                hull = _quantecon_one(payoffs[g], float(delta[g]))
            except Exception:
                failed += 1
                continue
            support = (result.directions @ hull.points[hull.vertices].T).max(axis=1)
            diff = (result.levels[g] - support) / scale[g]
            gaps.append(float(diff.max()))
            inside.append(float(diff.min()) >= -1e-7)
            solved.append(g)
        ok = bool(solved) and all(inside) and max(gaps) <= 0.02
        family.check(
            Agreement(
                FAMILY,
                WORKLOAD,
                QE,
                len(solved),
                len(solved),
                ok,
                f"QuantEcon's set inside irgames' on {sum(inside)} of {len(solved)} games; "
                f"largest excess of irgames' support function {max(gaps, default=0):.1e} "
                f"of the payoff range; QuantEcon raised on {failed} of {k} games (excluded)",
            )
        )
        P, d = payoffs[solved], delta[solved]
        candidates[QE] = (lambda: _quantecon_loop(P, d), len(solved))
        batches[QE] = len(solved)
        notes[QE] = f"per-game Python loop; raised on {failed} of {k} games (excluded)"
        start = time.perf_counter()
        _quantecon_one(payoffs[solved[0]], float(delta[solved[0]]))
        family.facts["QuantEcon RepeatedGame.equilibrium_payoffs warm call (s)"] = (
            time.perf_counter() - start
        )
    timings = compare(candidates, repeats=min(config.repeats, 3))
    family.rows += rows_from_timings(
        FAMILY, WORKLOAD, "2x2 stage", "games/s", timings, batches, reference=OURS, notes=notes
    )
    return family
