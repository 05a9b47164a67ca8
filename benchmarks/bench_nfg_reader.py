r"""Reading Gambit ``.nfg`` files: irgames' fast path, its exact path, and pygambit.

Workload (seeded): a two-player :math:`m \times n` game with integer payoffs drawn uniformly
from :math:`\{0, \dots, 9\}`, in the payoff version (one profile per line, the first player's
strategy changing fastest), written to a temporary file once; every candidate reads that file
into a game. At :math:`10000 \times 1000` the file is 40 MB with :math:`2 \cdot 10^7` payoffs.

Candidates, each called as a user calls it (``read(path)``, file reading included):

* ``irgames read_nfg``: the reader as shipped; the payoff body is parsed by numpy in C (the
  fast path of :func:`irgames.io.nfg._fast_numbers`).
* ``irgames read_nfg, exact path``: the same reader with the fast path turned off, so every
  number is a token and a :class:`~fractions.Fraction` (the reader before issue 16, which took
  about 70 s of CPU on the 40 MB file); timed only where it takes seconds.
* ``pygambit read_nfg``: Gambit's C++ reader, whose time grows faster than the file (about
  50 s for :math:`300 \times 200`), so it is timed on small games only.

Agreement, before any rate: irgames reads the payoffs written, the two irgames paths give bit
for bit the same payoffs, and pygambit's payoffs (read profile by profile) equal irgames' on
the games it reads. Rates are payoffs read per second; a row's batch is the payoffs one call
reads (the file's size), so the plot shows how each reader scales with the file.

Examples
--------
>>> from benchmarks.common import Config
>>> family = run(Config(mode="tiny", repeats=1))
>>> all(c.agreed for c in family.checks), len(family.rows) > 0
(True, True)
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import numpy as np

from irgames.io import nfg

from .common import Agreement, Config, Family, rows_from_timings
from .timing import compare

FAMILY = "nfg reader"
OURS = "irgames read_nfg"
EXACT = "irgames read_nfg, exact path"
GAMBIT = "pygambit read_nfg"


def write_workload(path: Path, m: int, n: int, seed: int) -> np.ndarray:
    """Write the ``m x n`` game to ``path``; return its payoffs ``(2, m, n)``."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, 10, size=(m * n, 2))  # profile c = i + m j: (u_1, u_2)
    with open(path, "w", encoding="ascii") as f:
        f.write(f'NFG 1 R "benchmark" {{ "1" "2" }} {{ {m} {n} }}\n""\n')
        np.savetxt(f, rows, fmt="%d")
    return rows.T.reshape(2, m, n, order="F").astype(float)


@contextmanager
def _exact_path():
    with mock.patch.object(nfg, "_fast_numbers", lambda text, start, needed: None):
        yield


def _read_exact(path: Path):
    with _exact_path():
        return nfg.read_nfg(path)


def _gambit_payoffs(path: Path) -> np.ndarray:
    import pygambit

    game = pygambit.read_nfg(str(path))
    players = list(game.players)
    strategies = [list(p.strategies) for p in players]
    shape = tuple(len(s) for s in strategies)
    out = np.empty((len(players), *shape))
    for index in np.ndindex(*shape):
        outcome = game[[strategies[i][k] for i, k in enumerate(index)]]
        for i, player in enumerate(players):
            out[(i, *index)] = float(outcome[player])
    return out


def run(config: Config) -> Family:
    family = Family(FAMILY)
    # (m, n, time the exact path, time pygambit)
    small = [(60, 40, True, True), (150, 100, True, True), (1000, 100, True, False)]
    large = [(1000, 1000, False, False), (10000, 1000, False, False)]
    sizes = config.pick([(20, 10, True, True)], [small[0], small[2]], [*small, *large])
    gambit = config.uses("pygambit")
    with tempfile.TemporaryDirectory(prefix="irgames-bench-nfg-") as folder:
        for m, n, time_exact, time_gambit in sizes:
            path = Path(folder) / f"game_{m}x{n}.nfg"
            expected = write_workload(path, m, n, config.seed)
            size = f"{m}x{n} ({os.path.getsize(path) / 2**20:.1f} MiB)"
            payoffs = expected.size
            ours = nfg.read_nfg(path).payoffs
            family.check(
                Agreement(
                    FAMILY,
                    size,
                    OURS,
                    1,
                    0,
                    bool(np.array_equal(ours, expected)),
                    "the payoffs written",
                )
            )
            candidates = {OURS: (lambda p=path: nfg.read_nfg(p), payoffs)}
            if time_exact:
                exact = _read_exact(path).payoffs
                same = exact.tobytes() == ours.tobytes()
                family.check(Agreement(FAMILY, size, EXACT, 1, 0, same, "bit for bit"))
                candidates[EXACT] = (lambda p=path: _read_exact(p), payoffs)
            if time_gambit and gambit:
                theirs = _gambit_payoffs(path)
                family.check(
                    Agreement(
                        FAMILY,
                        size,
                        GAMBIT,
                        1,
                        0,
                        bool(np.array_equal(theirs, ours)),
                        "payoffs read profile by profile",
                    )
                )
                import pygambit

                candidates[GAMBIT] = (lambda p=path: pygambit.read_nfg(str(p)), payoffs)
            timings = compare(candidates, repeats=min(config.repeats, 3))
            batches = {name: payoffs for name in candidates}  # the units one call reads
            family.rows += rows_from_timings(
                FAMILY,
                "integer bimatrix payoffs from a file",
                size,
                "payoffs/s",
                timings,
                batches,
                reference=OURS,
            )
    return family
