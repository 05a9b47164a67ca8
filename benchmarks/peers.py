r"""The peers, one game per call, as a user calls them; and their answers as flat profiles.

Each peer solver takes one bimatrix game :math:`(A, B)` (the row and column player's payoff
matrices, numpy arrays) and builds the peer's own game object inside the call (a user starts
from arrays too). The timed functions return the peer's raw output, consumed; the ``*_profiles``
functions turn it into a list of flat profiles :math:`(x, y)` for the agreement checks, outside
the timed region.

QuantEcon's solvers are compiled by numba on their first call in a process;
:func:`quantecon_compile_seconds` times that first call and a second, warm one, so the compile
time is reported separately and never mixed into a rate.

Examples
--------
>>> import numpy as np
>>> A = np.array([[3.0, 0.0], [0.0, 2.0]]); B = np.array([[2.0, 0.0], [0.0, 3.0]])
>>> len(nashpy_profiles(nashpy_support_enumeration(A, B)))
3
"""

from __future__ import annotations

import signal
import threading
import time
import warnings
from collections.abc import Callable

import numpy as np

__all__ = [
    "available",
    "gambit_enummixed",
    "gambit_profiles",
    "nashpy_lemke_howson",
    "nashpy_profiles",
    "nashpy_support_enumeration",
    "quantecon_compile_seconds",
    "quantecon_lemke_howson",
    "quantecon_profiles",
    "quantecon_support_enumeration",
    "quantecon_vertex_enumeration",
    "solve_guarded",
]

# nashpy warns (RuntimeWarning) when it finds an even number of equilibria; the agreement
# checks judge its answers instead.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"nashpy(\..*)?")


def available(name: str) -> bool:
    """Whether the peer package ``name`` imports."""
    try:
        __import__(name)
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------------------ nashpy
def nashpy_support_enumeration(A: np.ndarray, B: np.ndarray) -> list:
    import nashpy

    return list(nashpy.Game(A, B).support_enumeration())


def nashpy_lemke_howson(A: np.ndarray, B: np.ndarray, label: int = 0) -> tuple:
    import nashpy

    return nashpy.Game(A, B).lemke_howson(initial_dropped_label=label)


def nashpy_profiles(raw) -> list[np.ndarray]:
    if isinstance(raw, tuple):  # one equilibrium (Lemke-Howson)
        raw = [raw]
    return [np.concatenate([np.asarray(x, float), np.asarray(y, float)]) for x, y in raw]


# ---------------------------------------------------------------------------- QuantEcon
def _quantecon_game(A: np.ndarray, B: np.ndarray):
    from quantecon.game_theory import NormalFormGame, Player

    # QuantEcon's players hold their own payoffs indexed (own action, opponent's action)
    return NormalFormGame((Player(A), Player(B.T)))


def quantecon_support_enumeration(A: np.ndarray, B: np.ndarray) -> list:
    from quantecon.game_theory import support_enumeration

    return support_enumeration(_quantecon_game(A, B))


def quantecon_vertex_enumeration(A: np.ndarray, B: np.ndarray) -> list:
    """QuantEcon's fastest method for all equilibria (both polytopes' vertices by qhull)."""
    from quantecon.game_theory import vertex_enumeration

    return vertex_enumeration(_quantecon_game(A, B))


def quantecon_lemke_howson(A: np.ndarray, B: np.ndarray, label: int = 0) -> tuple:
    from quantecon.game_theory import lemke_howson

    return lemke_howson(_quantecon_game(A, B), init_pivot=label)


quantecon_profiles = nashpy_profiles

_COMPILE: dict[str, tuple[float, float]] = {}


def quantecon_compile_seconds(name: str) -> tuple[float, float]:
    """``(first call, warm call)`` seconds of QuantEcon's ``name`` on a 3x3 game.

    The first call in the process compiles (or loads numba's cache); the difference is the
    compile time. Measured once per process and remembered.
    """
    if name not in _COMPILE:
        fn = {
            "support_enumeration": quantecon_support_enumeration,
            "vertex_enumeration": quantecon_vertex_enumeration,
            "lemke_howson": quantecon_lemke_howson,
        }[name]
        rng = np.random.default_rng(12345)
        A, B = rng.standard_normal((2, 3, 3))
        start = time.perf_counter()
        fn(A, B)
        first = time.perf_counter() - start
        start = time.perf_counter()
        fn(A, B)
        _COMPILE[name] = (first, time.perf_counter() - start)
    return _COMPILE[name]


# ----------------------------------------------------------------------------- pygambit
def gambit_enummixed(A: np.ndarray, B: np.ndarray):
    import pygambit

    game = pygambit.Game.from_arrays(A, B)
    return game, pygambit.nash.enummixed_solve(game, rational=False).equilibria


def gambit_profiles(raw) -> list[np.ndarray]:
    game, equilibria = raw
    return [
        np.array([float(eq[s]) for p in game.players for s in p.strategies]) for eq in equilibria
    ]


# ------------------------------------------------------------------------- guarded loop
class _Hung(Exception):
    pass


def _alarm(signum, frame):
    raise _Hung


def solve_guarded(solver: Callable, P: np.ndarray, seconds: float = 0.5) -> tuple[list, list[int]]:
    """Solve games ``P[g, 0], P[g, 1]`` one by one; games over ``seconds`` are given up.

    Some peers do not terminate on some games (nashpy's Lemke-Howson has no anti-cycling
    rule). Returns the results of the games that finished (``None`` for the others) and the
    indices of the games given up. The limit uses ``SIGALRM`` and so needs the main thread;
    elsewhere the games run unguarded.
    """
    results: list = []
    hung: list[int] = []
    guard = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    previous = signal.signal(signal.SIGALRM, _alarm) if guard else None
    try:
        for g in range(len(P)):
            if guard:
                signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                results.append(solver(P[g, 0], P[g, 1]))
            except _Hung:
                results.append(None)
                hung.append(g)
            finally:
                if guard:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        if guard:
            signal.signal(signal.SIGALRM, previous)
    return results, hung
