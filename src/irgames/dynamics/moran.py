r"""The Moran process in a finite well-mixed population, and fixation probabilities.

A population of :math:`N` individuals plays a symmetric game with matrix :math:`A`; each meets
every other individual once (no self-interaction), so with :math:`n_k` individuals of type
:math:`k` the payoff of a :math:`k`-individual is

.. math::

    \pi_k = \frac{\sum_j A_{kj} n_j - A_{kk}}{N - 1}, \qquad F_k = 1 - w + w\,\pi_k,

:math:`F_k` its fitness at intensity of selection :math:`w` (:math:`w = 1`: fitness is the
payoff; :math:`w \to 0`: weak selection). In each step one individual is chosen to reproduce
with probability proportional to fitness, and one (possibly the parent) is chosen uniformly
to die and be replaced by the offspring (Moran 1958; Nowak et al. 2004).

**Exact fixation probabilities.** With two types, a mutant :math:`s` and a resident
:math:`r`, the number :math:`i` of mutants is a birth-death chain on :math:`0, \dots, N` with
absorbing ends and

.. math::

    \frac{T^-(i)}{T^+(i)} = \gamma_i = \frac{F_r(i)}{F_s(i)},

so the probability that :math:`i` mutants take over is

.. math::

    \rho_i = \frac{1 + \sum_{k=1}^{i-1} \prod_{j=1}^{k} \gamma_j}
                  {1 + \sum_{k=1}^{N-1} \prod_{j=1}^{k} \gamma_j};

a neutral mutant (:math:`\gamma \equiv 1`) fixes with probability :math:`i / N`. The products
are summed in logarithms (log-sum-exp), so large :math:`N` does not overflow; the cost is
:math:`O(m^2 N)` per game, for every ordered pair of strategies at once.

**Simulation** (:func:`moran_process`) runs the process from any composition of :math:`m`
types until one type is left, for many runs of every game of the batch at once (the counts of
all runs are one array; a loop runs over the steps), seeded.

Examples
--------
>>> import numpy as np
>>> from irgames import dynamics
>>> neutral = np.ones((2, 2))
>>> rho = dynamics.fixation_probabilities(neutral, 10)
>>> round(float(rho[0, 1]), 12)
0.1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._memory import require
from ..errors import GameValueError
from ..solvers.result import Result
from ._common import symmetric_matrix

__all__ = ["MoranResult", "fixation_probabilities", "moran_process"]


def _fitness_check(A, N, intensity):
    w = float(intensity)
    if not (np.isfinite(w) and 0 <= w <= 1):
        raise GameValueError(f"the intensity of selection must lie in [0, 1], got {intensity}")
    if isinstance(N, bool) or int(N) != N or N < 2:
        raise GameValueError(f"the population size must be an integer >= 2, got {N!r}")
    lowest = 1 - w + w * float(A.min()) if A.size else 1.0
    if lowest <= 0:
        raise GameValueError(
            f"fitness 1 - w + w * payoff must be positive; the lowest is {lowest:g}: shift "
            "the payoffs up or lower the intensity of selection"
        )
    return w, int(N)


def fixation_probabilities(game, N: int, *, intensity: float = 1.0, initial: int = 1):
    r"""Exact fixation probabilities for every ordered pair of strategies.

    Parameters
    ----------
    game : NormalFormGame or array_like
        A symmetric two-player game, or its matrix :math:`A` of shape ``(*batch, m, m)``.
    N : int
        Population size.
    intensity : float
        Intensity of selection :math:`w \in [0, 1]`.
    initial : int
        Number :math:`i` of mutants at the start (``1 <= i < N``).

    Returns
    -------
    ndarray, shape (*batch, m, m)
        ``rho[..., r, s]``: the probability that ``initial`` individuals playing :math:`s`
        take over a population whose other members play :math:`r` (on the diagonal
        :math:`i/N`, the neutral value).
    """
    A, batch = symmetric_matrix(game)
    w, N = _fitness_check(A, N, intensity)
    if isinstance(initial, bool) or int(initial) != initial or not 1 <= initial < N:
        raise GameValueError(f"initial must be an integer in [1, N), got {initial!r}")
    m = A.shape[-1]
    G = int(np.prod(batch, dtype=np.int64))
    require(8.0 * G * m * m * (N - 1) * 3, "the fixation probabilities' work arrays")
    A = A.reshape(G, m, m)
    i = np.arange(1, N, dtype=float)  # mutants 1..N-1
    a_ss = np.einsum("gss->gs", A)[:, None, :, None]  # mutant vs mutant, (G, 1, s, 1)
    a_rr = np.einsum("grr->gr", A)[:, :, None, None]
    a_sr = np.swapaxes(A, 1, 2)[:, :, :, None]  # [g, r, s] = A[s, r]
    a_rs = A[:, :, :, None]  # [g, r, s] = A[r, s]
    pi_s = (a_ss * (i - 1) + a_sr * (N - i)) / (N - 1)
    pi_r = (a_rs * i + a_rr * (N - i - 1)) / (N - 1)
    log_gamma = np.log(1 - w + w * pi_r) - np.log(1 - w + w * pi_s)  # (G, r, s, N-1)
    partial = np.cumsum(log_gamma, axis=-1)  # log prod_{j<=k} gamma_j, k = 1..N-1
    terms = np.concatenate([np.zeros((G, m, m, 1)), partial[..., : N - 1]], axis=-1)
    top = terms.max(axis=-1, keepdims=True)
    log_den = top[..., 0] + np.log(np.exp(terms - top).sum(axis=-1))
    head = terms[..., :initial]
    top_n = head.max(axis=-1, keepdims=True)
    log_num = top_n[..., 0] + np.log(np.exp(head - top_n).sum(axis=-1))
    rho = np.exp(log_num - log_den)
    return rho.reshape(*batch, m, m)


@dataclass(frozen=True, eq=False)
class MoranResult(Result):
    """Simulated runs of the Moran process until fixation.

    Attributes
    ----------
    fixed : ndarray of int, shape (*batch, runs)
        The type that took over in each run (-1 if none within ``max_steps``).
    steps : ndarray of int, shape (*batch, runs)
        The number of birth-death events until fixation.
    times : ndarray, shape (T,)
        Steps at which ``trajectory`` is recorded.
    trajectory : ndarray, shape (*batch, T, m)
        The mean share of each type over the runs (fixed runs stay fixed).
    method : str
    options : dict
    """

    fixed: np.ndarray
    steps: np.ndarray
    times: np.ndarray
    trajectory: np.ndarray
    method: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.fixed))

    @property
    def final(self) -> np.ndarray:
        """The mean shares over the runs at the last recorded step, ``(*batch, m)``."""
        return self.trajectory[..., -1, :]

    @property
    def fixation(self) -> np.ndarray:
        """The share of runs in which each type took over, ``(*batch, m)``."""
        m = self.trajectory.shape[-1]
        return (self.fixed[..., None] == np.arange(m)).mean(axis=-2)

    def to_xarray(self):
        """The mean shares as an ``xarray.DataArray`` (``batch_k, time, strategy``)."""
        import xarray as xr

        dims = [f"batch_{k}" for k in range(self.trajectory.ndim - 2)]
        return xr.DataArray(
            self.trajectory,
            dims=[*dims, "time", "strategy"],
            coords={"time": self.times},
            name="share",
            attrs={"method": self.method},
        )


def moran_process(
    game,
    population,
    *,
    runs: int = 1000,
    intensity: float = 1.0,
    seed=None,
    max_steps: int = 1_000_000,
    record_every: int = 1,
) -> MoranResult:
    r"""Simulate the Moran process from a composition until one type is left.

    Parameters
    ----------
    game : NormalFormGame or array_like
        A symmetric game or its matrix :math:`A`, shape ``(*batch, m, m)``.
    population : array_like of int, shape (m,)
        The number of individuals of each type at the start; their sum is :math:`N`.
    runs : int
        Independent runs per game.
    intensity : float
        Intensity of selection :math:`w`.
    seed : int or numpy.random.Generator, optional
    max_steps : int
        Stop after this many steps (unfixed runs get ``fixed = -1``).
    record_every : int
        Record the mean shares every this many steps.

    Returns
    -------
    MoranResult
    """
    A, batch = symmetric_matrix(game)
    counts0 = np.asarray(population)
    m = A.shape[-1]
    if counts0.shape != (m,) or np.any(counts0 < 0) or np.any(counts0 != np.round(counts0)):
        raise GameValueError(f"population must hold {m} non-negative integer counts")
    counts0 = counts0.astype(np.int64)
    N = int(counts0.sum())
    w, N = _fitness_check(A, N, intensity)
    G = int(np.prod(batch, dtype=np.int64))
    R = G * int(runs)
    require(8.0 * R * m * 4, "the simulated populations")
    rng = np.random.default_rng(seed)
    A_rows = np.repeat(A.reshape(G, m, m), int(runs), axis=0)  # (R, m, m)
    diag = np.einsum("rkk->rk", A_rows)
    counts = np.tile(counts0, (R, 1))
    fixed = np.where(np.any(counts == N, axis=1), np.argmax(counts, axis=1), -1)
    steps = np.zeros(R, dtype=np.int64)
    means = [counts.reshape(G, int(runs), m).mean(axis=1) / N]
    record_times = [0]
    active = np.flatnonzero(fixed < 0)
    step = 0
    while active.size and step < max_steps:  # a loop over birth-death events
        step += 1
        c = counts[active]
        payoff = (np.einsum("rkj,rj->rk", A_rows[active], c) - diag[active]) / (N - 1)
        birth_weight = c * (1 - w + w * payoff)
        cdf = np.cumsum(birth_weight, axis=1)
        u = rng.random(active.size) * cdf[:, -1]
        born = np.minimum((cdf < u[:, None]).sum(axis=1), m - 1)
        cdf_d = np.cumsum(c, axis=1)
        u = rng.random(active.size) * N
        died = np.minimum((cdf_d <= u[:, None]).sum(axis=1), m - 1)
        np.add.at(counts, (active, born), 1)
        np.add.at(counts, (active, died), -1)
        steps[active] += 1
        done = np.any(counts[active] == N, axis=1)
        fixed[active[done]] = np.argmax(counts[active[done]], axis=1)
        active = active[~done]
        if step % record_every == 0 or not active.size:
            means.append(counts.reshape(G, int(runs), m).mean(axis=1) / N)
            record_times.append(step)
    trajectory = np.stack(means, axis=1)  # (G, T, m)
    return MoranResult(
        fixed=fixed.reshape(*batch, int(runs)),
        steps=steps.reshape(*batch, int(runs)),
        times=np.asarray(record_times, dtype=float),
        trajectory=trajectory.reshape(*batch, len(record_times), m),
        method="Moran process (simulated)",
        options={"N": N, "intensity": w, "runs": int(runs), "seed": seed},
    )
