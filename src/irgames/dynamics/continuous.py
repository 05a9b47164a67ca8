r"""Evolutionary dynamics of populations: replicator (continuous and discrete, with mutation,
one or two populations), best-response and logit dynamics, for batches of games and states.

One population plays a symmetric game with payoff matrix :math:`A` (``A[s, t]``: the payoff
of strategy :math:`s` against :math:`t`); its state is the vector :math:`x \in \Delta_m` of
strategy shares, the fitness of strategy :math:`i` is :math:`f_i(x) = (A x)_i` and the mean
fitness :math:`\bar f = x^\top A x`. Two populations (rows and columns of a bimatrix game
:math:`(A, B)`) have states :math:`x \in \Delta_m, y \in \Delta_n` and fitnesses
:math:`f = A y`, :math:`g = B^\top x`.

**Replicator dynamics** (Taylor and Jonker 1978):

.. math::

    \dot x_i = x_i \big(f_i(x) - \bar f(x)\big);

with mutation (the replicator-mutator equation), :math:`Q_{ij}` the probability that an
offspring of an :math:`i`-strategist plays :math:`j`,

.. math::

    \dot x_j = \sum_i x_i f_i(x) Q_{ij} - x_j \bar f(x);

two populations: :math:`\dot x_i = x_i (f_i - x^\top f)`, :math:`\dot y_j = y_j (g_j - y^\top
g)`. **Discrete** replicator (one generation per step, background fitness :math:`w_0` so that
every fitness is positive):

.. math::

    x_j' = \frac{\sum_i x_i (w_0 + f_i) Q_{ij}}{w_0 + \bar f} \qquad (Q = I \text{ without
    mutation}).

**Best-response dynamics** (Gilboa and Matsui 1991): :math:`\dot x \in \mathrm{BR}(x) - x`, a
differential inclusion; it is approximated by Euler steps
:math:`x_{k+1} = x_k + h (b(x_k) - x_k)` (``substeps`` per output interval), :math:`b(x)` the
uniform mixture over the pure best responses (payoffs within ``tol`` of the best, in the
player's payoff unit). **Logit dynamics** (Fudenberg and Levine 1998):

.. math::

    \dot x = L_\eta(f(x)) - x, \qquad L_\eta(f)_i = \frac{e^{f_i / \eta}}{\sum_k e^{f_k/\eta}},

whose rest points are the logit quantal response equilibria at precision :math:`1/\eta`.

Batching. A batch of games and a batch of initial states broadcast against each other; the
states of the whole batch are one vector, so a single call of
:func:`scipy.integrate.solve_ivp` integrates one ODE system holding every game (its
right-hand side is vectorised with numpy). Because the step-size control of ``solve_ivp``
holds the root mean square of the scaled error to the tolerances, ``rtol`` and ``atol`` are
divided by :math:`\sqrt{N}` (:math:`N` the size of the stacked system, floored at
:math:`10^{-13}`), so that each game's own components are held to them.

Examples
--------
Hawk-dove with value :math:`V = 2` and cost :math:`C = 3`: the share of hawks tends to
:math:`V / C`.

>>> import numpy as np
>>> from irgames import dynamics
>>> V, C = 2.0, 3.0
>>> A = np.array([[(V - C) / 2, V], [0.0, V / 2]])
>>> path = dynamics.replicator(A, [[0.1, 0.9], [0.9, 0.1]], 60.0)
>>> path.final[:, 0].round(6).tolist()
[0.666667, 0.666667]
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from .._memory import require
from ..errors import ConvergenceError, GameValueError, SolverError
from ._common import (
    Trajectory,
    bimatrix,
    broadcast_batch,
    simplex_states,
    steps_of,
    symmetric_matrix,
    times_of,
)

__all__ = [
    "asymmetric_replicator",
    "best_response_dynamics",
    "logit_dynamics",
    "replicator",
]


class _Populations:
    """Payoff matrices and states of a batch, flattened to ``B`` rows."""

    def __init__(self, game, x0, y0):
        if y0 is None:
            A, game_batch = symmetric_matrix(game)
            m = A.shape[-1]
            x = simplex_states(x0, m, "x0")
            batch = broadcast_batch(game_batch, x.shape[:-1])
            self.sizes = (m,)
            self.mats = (A,)
            states = (x,)
        else:
            A, Bm, game_batch = bimatrix(game)
            m, n = A.shape[-2:]
            x = simplex_states(x0, m, "x0")
            y = simplex_states(y0, n, "y0")
            batch = broadcast_batch(game_batch, x.shape[:-1], y.shape[:-1])
            self.sizes = (m, n)
            self.mats = (A, Bm)
            states = (x, y)
        self.batch = batch
        self.B = int(np.prod(batch, dtype=np.int64))
        cells = sum(int(np.prod(M.shape[-2:])) for M in self.mats)
        require(8.0 * self.B * cells, "the payoff matrices of the batch")
        m0 = self.mats[0].shape[-2:]
        self.A = np.broadcast_to(self.mats[0], (*batch, *m0)).reshape(self.B, *m0)
        if len(self.sizes) == 2:
            self.Bm = np.broadcast_to(self.mats[1], (*batch, *m0)).reshape(self.B, *m0)
        self.states = tuple(
            np.broadcast_to(s, (*batch, k)).reshape(self.B, k)
            for s, k in zip(states, self.sizes, strict=True)
        )
        # each population's payoff unit, per row (for ties)
        units = []
        for M in (self.A,) if len(self.sizes) == 1 else (self.A, self.Bm):
            spread = M.max(axis=(1, 2)) - M.min(axis=(1, 2))
            units.append(np.where(spread > 0, spread, 1.0))
        self.units = tuple(units)

    def fitness(self, states):
        if len(states) == 1:
            (x,) = states
            return (np.einsum("bij,bj->bi", self.A, x),)
        x, y = states
        return np.einsum("bij,bj->bi", self.A, y), np.einsum("bij,bi->bj", self.Bm, x)

    def split(self, vector):
        """The stacked vector ``(..., N)`` as one array per population ``(..., B, k)``."""
        out, start = [], 0
        for k in self.sizes:
            stop = start + self.B * k
            out.append(vector[..., start:stop].reshape(*vector.shape[:-1], self.B, k))
            start = stop
        return tuple(out)

    def stack(self, states) -> np.ndarray:
        return np.concatenate([s.reshape(-1) for s in states])

    def shape_out(self, paths) -> np.ndarray | tuple[np.ndarray, ...]:
        """Per population ``(T, B, k)`` to ``(*batch, T, k)``; a pair for two populations."""
        out = tuple(
            np.moveaxis(p, 0, 1).reshape(*self.batch, p.shape[0], p.shape[-1]) for p in paths
        )
        return out[0] if len(out) == 1 else out


def _mutation_matrix(mutation, m: int, B: int, batch) -> np.ndarray | None:
    if mutation is None:
        return None
    Q = np.asarray(mutation, dtype=float)
    if Q.ndim == 0:
        mu = float(Q)
        if not 0 <= mu <= 1:
            raise GameValueError(f"a mutation rate must lie in [0, 1], got {mu}")
        off = mu / (m - 1) if m > 1 else 0.0
        Q = np.full((m, m), off)
        np.fill_diagonal(Q, 1.0 - mu if m > 1 else 1.0)
    if Q.shape[-2:] != (m, m) or np.any(Q < 0) or not np.all(np.isfinite(Q)):
        raise GameValueError(f"the mutation matrix must be non-negative of shape (..., {m}, {m})")
    if np.any(np.abs(Q.sum(axis=-1) - 1.0) > 1e-9):
        raise GameValueError("each row of the mutation matrix must sum to one")
    try:
        return np.broadcast_to(Q, (*batch, m, m)).reshape(B, m, m)
    except ValueError:
        raise GameValueError(
            f"the mutation matrices' batch shape {Q.shape[:-2]} does not broadcast with {batch}"
        ) from None


def _integrate(pops: _Populations, field, t, *, method, rtol, atol, what) -> Trajectory:
    y0 = pops.stack(pops.states)
    N = y0.size
    require(8.0 * N * (t.size + 16), f"the trajectories of {what}")
    shrink = np.sqrt(N)
    rtol_eff = max(rtol / shrink, 1e-13)
    atol_eff = max(atol / shrink, 1e-15)

    def rhs(_, vector):
        return pops.stack(field(pops.split(vector)))

    solution = solve_ivp(
        rhs, (t[0], t[-1]), y0, t_eval=t, method=method, rtol=rtol_eff, atol=atol_eff
    )
    if solution.status != 0:
        raise ConvergenceError(f"solve_ivp failed on {what}: {solution.message}")
    paths = pops.split(solution.y.T)  # each (T, B, k)
    return Trajectory(
        times=t,
        trajectory=pops.shape_out(paths),
        method=what,
        options={
            "integrator": f"scipy.integrate.solve_ivp ({method})",
            "rtol": rtol_eff,
            "atol": atol_eff,
            "evaluations": int(solution.nfev),
        },
        batch_shape=pops.batch,
    )


def replicator(
    game,
    x0,
    t,
    *,
    y0=None,
    mutation=None,
    discrete: bool = False,
    background: float = 0.0,
    method: str = "DOP853",
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> Trajectory:
    r"""Replicator dynamics of one population (or two, with ``y0``), continuous or discrete.

    Parameters
    ----------
    game : NormalFormGame or array_like
        One population: a symmetric two-player game, or its matrix :math:`A` of shape
        ``(*batch, m, m)``. Two populations: a two-player game or a pair ``(A, B)``.
    x0 : array_like
        Initial shares, shape ``(..., m)``, broadcast with the games' batch shape.
    t : float or array_like
        Continuous: the output times (increasing), or a horizon (101 equally spaced times from
        0). Discrete: the number of generations (an integer).
    y0 : array_like, optional
        The column population's initial shares: two populations (asymmetric dynamics).
    mutation : float or array_like, optional
        One population only: a rate :math:`\mu` (mutants spread uniformly over the other
        strategies) or a row-stochastic matrix :math:`Q` of shape ``(..., m, m)``.
    discrete : bool
        The discrete-time map instead of the ODE.
    background : float
        Discrete only: the background fitness :math:`w_0`; every payoff plus :math:`w_0` must
        be positive.
    method, rtol, atol
        Continuous only: passed to :func:`scipy.integrate.solve_ivp` (the tolerances per
        component, see the module docstring).

    Returns
    -------
    Trajectory
        ``trajectory`` of shape ``(*batch, T, m)`` (a pair for two populations).
    """
    pops = _Populations(game, x0, y0)
    Q = None
    if mutation is not None:
        if len(pops.sizes) == 2:
            raise SolverError("mutation is supported for one population; drop y0 or mutation")
        Q = _mutation_matrix(mutation, pops.sizes[0], pops.B, pops.batch)
    label = "replicator" if len(pops.sizes) == 1 else "asymmetric replicator"
    if discrete:
        return _discrete_replicator(pops, steps_of(t), Q, float(background), label)

    def field(states):
        out = []
        for x, f in zip(states, pops.fitness(states), strict=True):
            mean = np.einsum("bi,bi->b", x, f)[:, None]
            if Q is not None:
                out.append(np.einsum("bi,bij->bj", x * f, Q) - x * mean)
            else:
                out.append(x * (f - mean))
        return out

    return _integrate(pops, field, times_of(t), method=method, rtol=rtol, atol=atol, what=label)


def _discrete_replicator(pops, steps, Q, w0, label) -> Trajectory:
    lowest = min(float(M.min() if M.size else 0.0) for M in (pops.A, getattr(pops, "Bm", pops.A)))
    if not lowest + w0 > 0:
        raise GameValueError(
            f"the discrete replicator needs positive fitness: the lowest payoff is {lowest:g}; "
            f"pass background > {-lowest:g}"
        )
    require(8.0 * pops.B * sum(pops.sizes) * (steps + 1), f"the trajectories of {label}")
    paths = [np.empty((steps + 1, pops.B, k)) for k in pops.sizes]
    states = tuple(s.copy() for s in pops.states)
    for p, s in zip(paths, states, strict=True):
        p[0] = s
    for step in range(1, steps + 1):  # a loop over generations, each over the whole batch
        new = []
        for x, f in zip(states, pops.fitness(states), strict=True):
            w = x * (w0 + f)
            if Q is not None:
                w = np.einsum("bi,bij->bj", w, Q)
            new.append(w / w.sum(axis=1, keepdims=True))
        states = tuple(new)
        for p, s in zip(paths, states, strict=True):
            p[step] = s
    return Trajectory(
        times=np.arange(steps + 1, dtype=float),
        trajectory=pops.shape_out(paths),
        method=f"discrete {label}",
        options={"background": w0, "mutation": Q is not None},
        batch_shape=pops.batch,
    )


def asymmetric_replicator(game, x0, y0, t, **options) -> Trajectory:
    """Two-population replicator dynamics: :func:`replicator` with ``y0`` (same options)."""
    return replicator(game, x0, t, y0=y0, **options)


def best_response_dynamics(
    game, x0, t, *, y0=None, substeps: int = 10, tol: float = 1e-9
) -> Trajectory:
    r"""Best-response dynamics :math:`\dot x \in \mathrm{BR}(x) - x` by Euler steps.

    Parameters
    ----------
    game, x0, y0
        As for :func:`replicator`.
    t : float or array_like
        Output times (or a horizon); each interval is split into ``substeps`` Euler steps.
    substeps : int
        Euler steps per output interval (each of length at most 1, so states stay in the
        simplex).
    tol : float
        Payoffs within ``tol`` times the population's payoff unit of the best count as best
        responses (ties are split equally).

    Returns
    -------
    Trajectory
    """
    pops = _Populations(game, x0, y0)
    t = times_of(t)
    substeps = steps_of(substeps)
    require(8.0 * pops.B * sum(pops.sizes) * t.size, "the trajectories of best-response dynamics")
    paths = [np.empty((t.size, pops.B, k)) for k in pops.sizes]
    states = tuple(s.copy() for s in pops.states)
    for p, s in zip(paths, states, strict=True):
        p[0] = s
    for k in range(1, t.size):  # a loop over time steps, each over the whole batch
        h = (t[k] - t[k - 1]) / substeps
        if h > 1:
            raise SolverError("Euler steps longer than 1 leave the simplex; raise substeps")
        for _ in range(substeps):
            new = []
            for x, f, unit in zip(states, pops.fitness(states), pops.units, strict=True):
                best = f >= f.max(axis=1, keepdims=True) - tol * unit[:, None]
                b = best / best.sum(axis=1, keepdims=True)
                new.append(x + h * (b - x))
            states = tuple(new)
        for p, s in zip(paths, states, strict=True):
            p[k] = s
    return Trajectory(
        times=t,
        trajectory=pops.shape_out(paths),
        method="best-response dynamics (Euler)",
        options={"substeps": substeps, "tol": tol},
        batch_shape=pops.batch,
    )


def logit_dynamics(
    game,
    x0,
    t,
    *,
    eta: float = 0.1,
    y0=None,
    method: str = "DOP853",
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> Trajectory:
    r"""Logit dynamics :math:`\dot x = L_\eta(f(x)) - x` (smoothed best responses).

    Parameters
    ----------
    game, x0, y0, t, method, rtol, atol
        As for :func:`replicator` (continuous).
    eta : float
        The noise level :math:`\eta > 0`, in payoff units of the game as given (precision
        :math:`\lambda = 1/\eta`).

    Returns
    -------
    Trajectory
    """
    eta = float(eta)
    if not (np.isfinite(eta) and eta > 0):
        raise SolverError(f"eta must be a positive number, got {eta}")
    pops = _Populations(game, x0, y0)

    def field(states):
        out = []
        for x, f in zip(states, pops.fitness(states), strict=True):
            z = (f - f.max(axis=1, keepdims=True)) / eta
            e = np.exp(z)
            out.append(e / e.sum(axis=1, keepdims=True) - x)
        return out

    result = _integrate(
        pops, field, times_of(t), method=method, rtol=rtol, atol=atol, what="logit dynamics"
    )
    result.options["eta"] = eta
    return result
