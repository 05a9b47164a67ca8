r"""Markov perfect equilibria of discounted stochastic games, and Markov decision problems.

A Markov strategy profile :math:`\sigma` assigns each state :math:`s` a profile
:math:`\sigma(s)` of the stage game. Its normalised values solve the linear system

.. math::

    V_i(s) = \sum_a \sigma(a \mid s) \Big[(1 - \delta) u_i(s, a)
             + \delta \sum_{s'} q(s' \mid s, a) V_i(s')\Big],

and, by the one-shot deviation principle, :math:`\sigma` is a *Markov perfect equilibrium*
(Maskin and Tirole, *JET* 100, 2001) iff in every state :math:`\sigma(s)` is a Nash
equilibrium of the stage game with continuation values

.. math::

    G_s(V): \quad W_i(s, a) = (1 - \delta) u_i(s, a) + \delta \sum_{s'} q(s' \mid s, a) V_i(s').

:func:`value_iteration` iterates :math:`V \leftarrow \mathrm{val}\, G_s(V)`, solving every
state's stage game of every game in the batch at once with the normal-form core (pure
equilibria by best-response masks, :func:`irgames.solvers.pure.best_response_masks`; for two
players optionally all extreme equilibria by
:func:`irgames.solvers.vertex_enumeration.vertex_enumeration`) and picking one equilibrium by a
*selection rule*:

``"utilitarian"``
    the largest sum of continuation payoffs :math:`\sum_i W_i`;
``"maxmin"``
    the largest worst payoff :math:`\min_i W_i`;
``"first"`` / ``"last"``
    the first / last equilibrium in the order of the solver (C order of pure profiles).

Best responses and ties are judged in each player's own payoff unit :math:`s_i`
(:attr:`~irgames.games.repeated.StochasticGame.payoff_units`, the range of her stage payoffs):
:math:`a_i` is a best response in state :math:`s` when :math:`W_i(s, a_i, a_{-i}) \ge
\max_b W_i(s, b, a_{-i}) - 10^{-9} s_i`, and iteration stops when no player's values move by
more than ``tol`` :math:`\cdot s_i`, so scaling or shifting one player's payoffs changes
neither the equilibria of the stage games nor when iteration stops. The selection rules
``"utilitarian"`` and ``"maxmin"`` compare players' payoffs with each other and so depend on
their scales by their nature; ``"first"`` and ``"last"`` do not. Ties of a selection score
(within the tolerance) go to the first in the solver's order. For one player the stage
"game" is a decision and value iteration is Bellman's. With several players the operator is not
a contraction when the selected equilibrium switches, so iteration may cycle: a game whose
values still move by more than ``tol`` (relative to the payoff range) after ``max_iter``
steps is flagged ``converged=False``, a state whose stage game has no equilibrium of the kind
sought is flagged ``found=False``, and every returned profile carries its regret, computed by
:func:`markov_regret` from the payoffs and transitions alone. :func:`markov_perfect_equilibria`
runs several selection rules from several starting values and reports how many distinct
equilibria they reach (stochastic games often have several MPE).

:func:`policy_iteration` is Howard's algorithm for Markov decision problems (one player): it
evaluates the policy exactly, improves it greedily and stops when no state changes, in finitely
many steps. :func:`grid_transitions` discretises a continuous scalar state (such as a
conflict expectation :math:`B \in [0, 1]`) on a grid, splitting the mass of a next state that
falls between grid points by linear interpolation.

Sources: Shapley (1953); Howard, *Dynamic Programming and Markov Processes* (1960); Maskin and
Tirole (2001); Filar and Vrieze, *Competitive Markov Decision Processes* (1997); Judd,
*Numerical Methods in Economics* (1998), ch. 12, for the grid.

Examples
--------
>>> import numpy as np
>>> from irgames.games.repeated import StochasticGame
>>> from irgames.solvers.stochastic import value_iteration
>>> u = np.array([[[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]]])  # one-state PD
>>> game = StochasticGame(u, np.ones((1, 2, 2, 1)), 0.9)
>>> mpe = value_iteration(game)
>>> bool(mpe.converged), mpe.values.round(6).tolist(), float(mpe.regret.max())
(True, [[1.0, 1.0]], 0.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._memory import require
from ..errors import ConvergenceError, GameValueError, SolverError
from ..games.normal_form import NormalFormGame
from ..games.regret import regret as stage_regret
from ..games.repeated import StochasticGame
from .result import Result, accepts_tolerance, tolerance_property

__all__ = [
    "ConvergenceError",
    "MarkovPerfectEquilibria",
    "MarkovPerfectEquilibrium",
    "PolicyIterationResult",
    "grid_transitions",
    "markov_perfect_equilibria",
    "markov_regret",
    "policy_iteration",
    "policy_values",
    "value_iteration",
]

SELECTIONS = ("utilitarian", "maxmin", "first", "last")


# ---------------------------------------------------------------------------- evaluation
def _check_max_iter(max_iter) -> None:
    """Refuse an iteration budget that is not a positive integer (zero steps find nothing)."""
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise SolverError(f"max_iter must be a positive integer, got {max_iter!r}")


def _joint(strategies: Sequence[np.ndarray]) -> np.ndarray:
    """Product distribution over pure profiles: (*lead, a_1, ..., a_n)."""
    n = len(strategies)
    joint = None
    for i, s in enumerate(strategies):
        shaped = s.reshape(s.shape[:-1] + (1,) * i + s.shape[-1:] + (1,) * (n - 1 - i))
        joint = shaped if joint is None else joint * shaped
    return joint


def _check_strategies(game: StochasticGame, strategies) -> tuple[np.ndarray, ...]:
    if len(strategies) != game.n_players:
        raise GameValueError(f"need one Markov strategy per player ({game.n_players})")
    out = []
    for i, (s, a) in enumerate(zip(strategies, game.num_actions, strict=True)):
        s = np.asarray(s, dtype=float)
        want = (*game.batch_shape, game.num_states, a)
        try:
            s = np.broadcast_to(s, want)
        except ValueError:
            raise GameValueError(
                f"player {i}'s Markov strategy must have shape {want}; got {s.shape}"
            ) from None
        if np.any(s < -1e-9) or np.any(np.abs(s.sum(-1) - 1) > 1e-9 * a):
            raise GameValueError(f"player {i}'s strategy is not a distribution in every state")
        out.append(s)
    return tuple(out)


def policy_values(game: StochasticGame, strategies: Sequence) -> np.ndarray:
    r"""Normalised values :math:`V_i(s)` of a Markov profile, shape ``(*batch, S, n)``.

    Solves :math:`(I - \delta P_\sigma) V = (1 - \delta) r_\sigma` for the whole batch.
    """
    strategies = _check_strategies(game, strategies)
    n = game.n_players
    joint = _joint(strategies)  # (*batch, S, a...)
    axes = tuple(range(-n, 0))
    reward = (game.payoffs * joint[..., None, *[slice(None)] * n]).sum(axis=axes)  # (*b,S,n)
    move = (game.transitions * joint[..., None]).sum(axis=tuple(range(-n - 1, -1)))  # (*b,S,S)
    S = game.num_states
    d = game.delta[..., None, None]
    lhs = np.eye(S) - d * move
    return np.linalg.solve(lhs, (1 - d) * reward)


@dataclass(frozen=True)
class _Flat:
    """The arrays of a flattened batch of stochastic games (no validation: internal)."""

    payoffs: np.ndarray
    transitions: np.ndarray
    delta: np.ndarray
    n_players: int

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return (self.delta.shape[0],)

    def take(self, idx: np.ndarray) -> _Flat:
        return _Flat(self.payoffs[idx], self.transitions[idx], self.delta[idx], self.n_players)


def _continuation_game(game, values: np.ndarray) -> np.ndarray:
    r""":math:`W_i(s, a)`, shape ``(*batch, S, n, a_1..a_n)``, from values ``(*batch, S, n)``."""
    n = game.n_players
    future = _expect(game, values)  # E[V_i(s') | s, a]
    d = game.delta.reshape(game.batch_shape + (1,) * (n + 2))
    return (1 - d) * game.payoffs + d * future


def _expect(game, values: np.ndarray) -> np.ndarray:
    """E[V(s') | s, a] arranged as (*batch, S, n, a_1..a_n)."""
    n = game.n_players
    b = len(game.batch_shape)
    q = game.transitions  # (*b, S, a..., S')
    lead = q.shape[: b + 1 + n]
    flat_q = q.reshape((*game.batch_shape, -1, q.shape[-1]))  # (*b, S*prod(a), S')
    ev = np.matmul(flat_q, values)  # (*b, S*prod(a), n)
    ev = ev.reshape((*lead, n))  # (*b, S, a..., n)
    return np.moveaxis(ev, -1, b + 1)


def markov_regret(game: StochasticGame, strategies: Sequence) -> tuple[np.ndarray, np.ndarray]:
    r"""One-shot deviation gains of a Markov profile, per state and player.

    Evaluates the profile exactly (:func:`policy_values`), builds every state's stage game with
    those continuation values and returns the regret of :math:`\sigma(s)` in it (computed by
    :func:`irgames.games.regret.regret`), shape ``(*batch, S, n)``, together with the values.
    The profile is an MPE iff all regrets are zero.
    """
    strategies = _check_strategies(game, strategies)
    values = policy_values(game, strategies)
    W = _continuation_game(game, values)
    stage = NormalFormGame(W, n_players=game.n_players)
    return stage_regret(stage, strategies), values


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class MarkovPerfectEquilibrium(Result):
    r"""One Markov profile per game of a batch, from an iterative solver, with its checks.

    Attributes
    ----------
    strategies : tuple of ndarray
        ``strategies[i]`` has shape ``(*batch, S, a_i)``: player ``i``'s mixed action in each
        state (one-hot for pure equilibria).
    values : ndarray, shape (*batch, S, n)
        Exact normalised values of the profile (by :func:`policy_values`).
    regret : ndarray, shape batch
        Largest one-shot deviation gain over states and players (:func:`markov_regret`).
    scale : ndarray, shape batch
        The largest payoff range of one player (for reporting).
    converged : ndarray of bool, shape batch
        No player's values moved by more than ``tol`` times her payoff unit.
    found : ndarray of bool, shape batch
        Every state's stage game had an equilibrium of the kind sought (pure unless ``mixed``).
    iterations : ndarray of int, shape batch
    residual : ndarray, shape batch
        Last change of the values (sup norm).
    method, selection, tol, options : provenance.
    relative_regret : ndarray, shape batch
        Largest one-shot deviation gain over states and players, each player's in her own
        unit: :math:`\max_{s, i} r_i(s) / s_i`
        (:attr:`~irgames.games.repeated.StochasticGame.payoff_units`).
    """

    strategies: tuple[np.ndarray, ...]
    values: np.ndarray
    regret: np.ndarray
    scale: np.ndarray
    converged: np.ndarray
    found: np.ndarray
    iterations: np.ndarray
    residual: np.ndarray
    method: str
    selection: str
    tol: float
    options: dict = field(default_factory=dict)
    relative_regret: np.ndarray | None = None

    tolerance = tolerance_property()

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.regret))

    @property
    def verified(self) -> np.ndarray:
        """Converged, found, and no player's one-shot deviation gains more than the tolerance
        allows in her own payoff unit."""
        slack = self.options.get("verify_tolerance", 1e-7)
        if self.relative_regret is None:
            return self.converged & self.found & (self.regret <= slack * self.scale)
        return self.converged & self.found & (self.relative_regret <= slack)

    def pure_policy(self) -> tuple[np.ndarray, ...]:
        """Each player's action index per state, shape ``(*batch, S)`` (the modal action)."""
        return tuple(s.argmax(axis=-1) for s in self.strategies)

    def raise_if_failed(self) -> MarkovPerfectEquilibrium:
        """Return ``self``, or raise :class:`ConvergenceError` naming the failed games."""
        bad = ~self.verified
        if np.any(bad):
            where = [tuple(int(x) for x in w) for w in np.argwhere(bad)[:5]]
            reasons = []
            if np.any(~self.converged):
                reasons.append(f"{int((~self.converged).sum())} did not converge")
            if np.any(~self.found):
                reasons.append(f"{int((~self.found).sum())} had a state without an equilibrium")
            raise ConvergenceError(
                f"{int(bad.sum())} game(s) without a verified MPE "
                f"({'; '.join(reasons) or 'regret too large'}); first at batch index {where}"
            )
        return self


@dataclass(frozen=True, eq=False)
class MarkovPerfectEquilibria(Result):
    """Runs of :func:`value_iteration` from several selection rules and starting values.

    Attributes
    ----------
    runs : tuple of MarkovPerfectEquilibrium
    labels : ndarray of int, shape (len(runs), *batch)
        For each run and game, the label of the distinct verified equilibrium it reached
        (``-1`` where the run did not give a verified MPE).
    count : ndarray of int, shape batch
        Number of distinct verified MPE found.
    """

    runs: tuple[MarkovPerfectEquilibrium, ...]
    labels: np.ndarray
    count: np.ndarray

    method = "markov_perfect_equilibria"
    complete = False  # one MPE from every start does not prove there are no others

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.count.shape)

    @property
    def tol(self) -> float:
        """The runs' tolerance."""
        return self.runs[0].tol if self.runs else None

    @property
    def regret(self) -> np.ndarray:
        """Each run's regret (:func:`markov_regret`), shape ``(len(runs), *batch)``."""
        return np.stack([run.regret for run in self.runs])

    @property
    def converged(self) -> np.ndarray:
        """Whether every run converged, shape ``batch``."""
        return np.logical_and.reduce([run.converged for run in self.runs])

    @property
    def multiple(self) -> np.ndarray:
        """Games where the runs found more than one MPE."""
        return self.count > 1


# ---------------------------------------------------------------------------- value iteration
def _pure_equilibria(W: np.ndarray, n: int, slack: np.ndarray) -> np.ndarray:
    r"""Pure equilibria of stage games, each player's best responses within her own slack.

    ``W`` (*lead, n, a_1, ..., a_n), ``slack`` (*lead, n) absolute. Profile :math:`a` is an
    equilibrium iff :math:`W_i(a) \ge \max_{b_i} W_i(b_i, a_{-i}) - \mathrm{slack}_i` for
    every :math:`i`. Returns a boolean array (*lead, a_1, ..., a_n).
    """
    eq = np.ones(W.shape[: -n - 1] + W.shape[-n:], dtype=bool)
    for i in range(n):
        Wi = W[..., i, *[slice(None)] * n]
        best = Wi.max(axis=Wi.ndim - n + i, keepdims=True)
        eq &= Wi >= best - slack[..., i].reshape(slack.shape[:-1] + (1,) * n)
    return eq


def _select_pure(
    W: np.ndarray, n: int, scale: np.ndarray, selection: str, tol: float, units: np.ndarray
):
    """Pick one pure equilibrium per stage game. W: (*lead, n, a...); scale: lead-shaped
    (the unit of the selection scores); units (*lead, n): each player's payoff unit."""
    eq = _pure_equilibria(W, n, tol * units)  # (*lead, a...)
    lead = W.shape[: -n - 1]
    flat_eq = eq.reshape((*lead, -1))
    k = flat_eq.shape[-1]
    flat_W = W.reshape((*lead, n, k))
    unit = (tol * scale)[..., None]
    if selection == "utilitarian":
        score = np.round(flat_W.sum(axis=-2) / (n * unit))
    elif selection == "maxmin":
        score = np.round(flat_W.min(axis=-2) / unit)
    elif selection == "first":
        score = np.broadcast_to(-np.arange(k, dtype=float), flat_eq.shape)
    elif selection == "last":
        score = np.broadcast_to(np.arange(k, dtype=float), flat_eq.shape)
    else:  # pragma: no cover - checked by the caller
        raise SolverError(selection)
    score = np.where(flat_eq, score, -np.inf)
    choice = score.argmax(axis=-1)  # first maximiser: ties to the first profile
    found = flat_eq.any(axis=-1)
    idx = np.unravel_index(choice, W.shape[-n:])
    value = np.take_along_axis(flat_W, choice[..., None, None], axis=-1)[..., 0]
    return idx, value, found


def _select_mixed(W: np.ndarray, scale: np.ndarray, selection: str, tol: float):
    from .vertex_enumeration import vertex_enumeration

    lead = W.shape[:-3]
    stage = NormalFormGame(W.reshape((-1, *W.shape[-3:])), n_players=2)
    eq = vertex_enumeration(stage, tol=tol)
    G = stage.batch_size
    k = len(eq)
    gi = eq.game_index
    unit = np.reshape(tol * scale, -1)[gi] if k else np.zeros(0)
    if selection == "utilitarian":
        score = np.round(eq.payoffs.sum(axis=-1) / (2 * unit))
    elif selection == "maxmin":
        score = np.round(eq.payoffs.min(axis=-1) / unit)
    elif selection == "first":
        score = -np.arange(k, dtype=float)
    else:
        score = np.arange(k, dtype=float)
    order = np.lexsort((np.arange(k), -score, gi))
    games, first = np.unique(gi[order], return_index=True)
    rows = order[first]
    found = np.zeros(G, dtype=bool)
    found[games] = True
    m, n = W.shape[-2:]
    x = np.full((G, m), 1.0 / m)
    y = np.full((G, n), 1.0 / n)
    value = np.zeros((G, 2))
    x[games] = eq.strategies[0][rows]
    y[games] = eq.strategies[1][rows]
    value[games] = eq.payoffs[rows]
    return (x.reshape(*lead, m), y.reshape(*lead, n)), value.reshape(*lead, 2), found.reshape(lead)


@accepts_tolerance
def value_iteration(
    game: StochasticGame,
    *,
    selection: str = "utilitarian",
    mixed: bool = False,
    initial_values=None,
    tol: float = 1e-10,
    max_iter: int | None = None,
    verify_tolerance: float = 1e-7,
) -> MarkovPerfectEquilibrium:
    r"""A Markov perfect equilibrium of every game in a batch, by value iteration.

    Parameters
    ----------
    game : StochasticGame
    selection : {"utilitarian", "maxmin", "first", "last"}
        Which stage equilibrium to pick in each state (see the module docstring).
    mixed : bool
        Two players only: pick among all extreme (possibly mixed) stage equilibria, found by
        vertex enumeration, instead of pure ones.
    initial_values : array_like, optional
        Starting values, broadcasting to ``(*batch, S, n)``; zeros by default.
    tol : float
        Stop when no player's values move by more than ``tol`` times her payoff unit
        (:attr:`StochasticGame.payoff_units <irgames.games.repeated.StochasticGame.payoff_units>`).
    max_iter : int, optional
        Games still moving after this many iterations are flagged ``converged=False``. By
        default twice the number of steps a contraction of modulus :math:`\delta` needs to
        reach ``tol``, plus 100: once the selected equilibria stop switching, value
        iteration converges at rate :math:`\delta`, so a game that is still moving then is
        cycling between selections.
    verify_tolerance : float
        Relative regret (each player's in her own unit) below which
        :attr:`MarkovPerfectEquilibrium.verified` holds.

    Returns
    -------
    MarkovPerfectEquilibrium
        Never raises for a game that fails: it is flagged (call ``raise_if_failed()`` to turn
        flags into an error).
    """
    tolerance = tol
    if not isinstance(game, StochasticGame):
        raise SolverError("value_iteration needs a StochasticGame")
    if selection not in SELECTIONS:
        raise SolverError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    n, S = game.n_players, game.num_states
    if mixed and n != 2:
        raise SolverError("mixed stage equilibria are enumerated for two-player games only")
    batch = game.batch_shape
    scale = game.payoff_scale
    units = game.payoff_units  # (*batch, n)
    V = np.zeros((*batch, S, n))
    if initial_values is not None:
        V = np.broadcast_to(np.asarray(initial_values, dtype=float), V.shape).copy()
        if not np.all(np.isfinite(V)):
            raise SolverError("initial_values must be finite")
    if not (np.isfinite(tolerance) and tolerance > 0):
        raise SolverError(f"tolerance must be a positive number, got {tolerance!r}")
    if max_iter is not None:
        _check_max_iter(max_iter)
    if max_iter is None:
        rate = float(np.max(game.delta))
        max_iter = int(np.ceil(2 * np.log(tolerance) / np.log(rate))) + 100
    # Work on the flattened batch and iterate only the games still moving.
    G = int(np.prod(batch, dtype=np.int64))
    tail = game.num_actions
    profiles = float(np.prod(tail, dtype=float))
    # every state's continuation game, with its expectation and the equilibrium masks
    require(
        4.0 * 8 * G * S * (n + S) * profiles,
        f"value iteration's continuation games ({G} games, {S} states, {int(profiles)} profiles)",
        advice="solve the batch in chunks",
    )
    flat = _Flat(
        game.payoffs.reshape(G, S, n, *tail),
        game.transitions.reshape(G, S, *tail, S),
        game.delta.reshape(G),
        n,
    )
    V = V.reshape(G, S, n)
    flat_scale = scale.reshape(G)
    flat_units = units.reshape(G, n)
    active = np.ones(G, dtype=bool)
    iterations = np.zeros(G, dtype=np.int64)
    residual = np.full(G, np.inf)
    found = np.zeros(G, dtype=bool)
    strategies = [np.zeros((G, S, a)) for a in tail]
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        sub = flat.take(idx)
        W = _continuation_game(sub, V[idx])
        sub_scale = np.broadcast_to(flat_scale[idx, None], (idx.size, S))
        if mixed:
            chosen, value, ok = _select_mixed(W, sub_scale, selection, 1e-9)
        else:
            sub_units = np.broadcast_to(flat_units[idx, None], (idx.size, S, n))
            picks, value, ok = _select_pure(W, n, sub_scale, selection, 1e-9, sub_units)
            chosen = tuple(np.eye(a)[i] for i, a in zip(picks, tail, strict=True))
        for i in range(n):
            strategies[i][idx] = chosen[i]
        found[idx] = ok.all(axis=-1)
        moved = np.abs(value - V[idx])  # (k, S, n)
        change = moved.max(axis=(-2, -1))
        V[idx] = value
        residual[idx] = change
        iterations[idx] += 1
        # every player's values in her own unit
        active[idx] = (moved / flat_units[idx, None, :]).max(axis=(-2, -1)) > tolerance
    strategies = tuple(s.reshape(*batch, S, a) for s, a in zip(strategies, tail, strict=True))
    active = active.reshape(batch)
    found = found.reshape(batch)
    iterations = iterations.reshape(batch)
    residual = residual.reshape(batch)
    reg, values = markov_regret(game, strategies)
    return MarkovPerfectEquilibrium(
        relative_regret=(reg / units[..., None, :]).max(axis=(-2, -1)),
        strategies=tuple(strategies),
        values=values,
        regret=reg.max(axis=(-2, -1)),
        scale=scale,
        converged=~active,
        found=found,
        iterations=iterations,
        residual=residual,
        method="value iteration" + (" (mixed stage equilibria)" if mixed else ""),
        selection=selection,
        tol=float(tolerance),
        options={"max_iter": int(max_iter), "verify_tolerance": float(verify_tolerance)},
    )


@accepts_tolerance
def markov_perfect_equilibria(
    game: StochasticGame,
    *,
    selections: Sequence[str] = SELECTIONS,
    initial_values: Sequence | None = None,
    mixed: bool = False,
    tol: float = 1e-10,
    max_iter: int | None = None,
    same: float = 1e-6,
) -> MarkovPerfectEquilibria:
    r"""Search for several MPE: value iteration from each selection rule and starting value.

    By default the starting values are, for each player, the smallest, zero and the largest
    of her stage payoffs (as constant value functions). Two verified runs reach the same
    equilibrium when their strategies differ by at most ``same`` in every state; the number of
    distinct ones is reported per game. Finding one MPE from every start does not prove uniqueness.
    """
    if initial_values is None:
        n = game.n_players
        axes = (-n - 2, *range(-n, 0))  # each player's own payoffs
        low = game.payoffs.min(axis=axes)[..., None, :]
        high = game.payoffs.max(axis=axes)[..., None, :]
        initial_values = (low, 0.0, high)
    runs = tuple(
        value_iteration(
            game,
            selection=s,
            mixed=mixed,
            initial_values=v,
            tol=tol,
            max_iter=max_iter,
        )
        for s, v in itertools.product(selections, initial_values)
    )
    batch = game.batch_shape
    labels = np.full((len(runs), *batch), -1, dtype=np.int64)
    count = np.zeros(batch, dtype=np.int64)
    for r, run in enumerate(runs):
        ok = run.verified
        label = np.full(batch, -1, dtype=np.int64)
        for q in range(r):
            prev = runs[q]
            match = labels[q] >= 0
            for s_new, s_old in zip(run.strategies, prev.strategies, strict=True):
                match &= np.abs(s_new - s_old).max(axis=(-2, -1)) <= same
            label = np.where((label < 0) & match, labels[q], label)
        fresh = ok & (label < 0)
        label = np.where(fresh, count, label)
        count = count + fresh
        labels[r] = np.where(ok, label, -1)
    return MarkovPerfectEquilibria(runs=runs, labels=labels, count=count)


# ---------------------------------------------------------------------------- MDPs
@dataclass(frozen=True, eq=False)
class PolicyIterationResult(Result):
    """Optimal policy of a batch of Markov decision problems.

    Attributes
    ----------
    policy : ndarray of int, shape (*batch, S)
    values : ndarray, shape (*batch, S)
        Normalised optimal values :math:`(1 - \\delta) \\sum_t \\delta^t r_t`.
    iterations : int
        Improvement steps taken (the loop runs over the batch together).
    converged : ndarray of bool, shape batch
    """

    policy: np.ndarray
    values: np.ndarray
    iterations: int
    converged: np.ndarray
    tol: float | None = None

    method = "policy_iteration"

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.converged.shape)


@accepts_tolerance
def policy_iteration(
    rewards, transitions, delta, *, tol: float = 1e-12, max_iter: int = 1000
) -> PolicyIterationResult:
    r"""Howard's policy iteration for Markov decision problems, batched.

    A one-player :class:`~irgames.games.repeated.StochasticGame` ``g`` is solved by
    ``policy_iteration(g.payoffs[..., 0, :], g.transitions, g.delta)``.

    Parameters
    ----------
    rewards : array_like, shape (*batch, S, A)
        Per-period reward of each action in each state.
    transitions : array_like, shape (*batch, S, A, S)
        Probability of each next state.
    delta : array_like
        Discount factor(s) in :math:`(0, 1)`.
    tol : float
        An action replaces the current one only if it gains more than ``tol`` times
        the payoff scale.
    max_iter : int
        Bound on the number of policy improvements.

    Examples
    --------
    >>> r = [[1.0, 0.0], [0.0, 2.0]]            # state 0: stay (1) or move (0)
    >>> q = [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]  # action 0 -> state 0, action 1 -> state 1
    >>> policy_iteration(r, q, 0.9).policy.tolist()
    [1, 1]
    """
    _check_max_iter(max_iter)
    game = StochasticGame(
        np.asarray(rewards, dtype=float)[..., None, :], transitions, delta, n_players=1
    )
    r = game.payoffs[..., 0, :]  # (*b, S, A)
    q = game.transitions  # (*b, S, A, S)
    d = game.delta[..., None, None]
    batch, S = game.batch_shape, game.num_states
    scale = game.payoff_scale[..., None, None]
    policy = r.argmax(axis=-1)
    converged = np.zeros(batch, dtype=bool)
    values = None
    steps = 0
    while steps < max_iter:
        steps += 1
        r_pi = np.take_along_axis(r, policy[..., None], axis=-1)[..., 0]
        q_pi = np.take_along_axis(q, policy[..., None, None], axis=-2)[..., 0, :]
        values = np.linalg.solve(np.eye(S) - d * q_pi, ((1 - d[..., 0]) * r_pi)[..., None])[..., 0]
        Q = (1 - d) * r + d * (q @ values[..., None, :, None])[..., 0]
        best = Q.max(axis=-1, keepdims=True)
        current = np.take_along_axis(Q, policy[..., None], axis=-1)
        # keep the current action unless another beats it by more than the tolerance
        improve = current < best - tol * scale
        new = np.where(improve[..., 0], Q.argmax(axis=-1), policy)
        converged = np.all(new == policy, axis=-1)
        policy = new
        if converged.all():
            break
    return PolicyIterationResult(
        policy=policy, values=values, iterations=steps, converged=converged, tol=float(tol)
    )


# ---------------------------------------------------------------------------- grids
def grid_transitions(grid, next_state) -> np.ndarray:
    r"""Transition probabilities on a grid for a deterministic scalar law of motion.

    A next state :math:`x'` between grid points :math:`g_j \le x' \le g_{j+1}` goes to
    :math:`g_j` with probability :math:`(g_{j+1} - x')/(g_{j+1} - g_j)` and to :math:`g_{j+1}`
    with the rest, so the expected next grid point equals :math:`x'` (linear interpolation of
    the value function). Values outside the grid are clipped to its ends.

    Parameters
    ----------
    grid : array_like, shape (S,)
        Strictly increasing grid points.
    next_state : array_like
        Next-state values of any shape, e.g. ``(*batch, S, a_1, ..., a_n)`` built from
        ``grid[s]`` and the actions.

    Returns
    -------
    ndarray of shape ``(*next_state.shape, S)``; rows on the simplex.

    Examples
    --------
    >>> grid_transitions([0.0, 0.5, 1.0], [0.2, 1.3]).round(6).tolist()
    [[0.6, 0.4, 0.0], [0.0, 0.0, 1.0]]
    """
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise GameValueError("grid must be a strictly increasing 1-d array of >= 2 points")
    x = np.asarray(next_state, dtype=float)
    if not np.all(np.isfinite(x)):
        raise GameValueError("next_state must be finite")
    x = np.clip(x, grid[0], grid[-1])
    j = np.clip(np.searchsorted(grid, x, side="right") - 1, 0, grid.size - 2)
    lo, hi = grid[j], grid[j + 1]
    w_hi = (x - lo) / (hi - lo)
    out = np.zeros((*x.shape, grid.size))
    np.put_along_axis(out, j[..., None], (1 - w_hi)[..., None], axis=-1)
    np.put_along_axis(out, (j + 1)[..., None], w_hi[..., None], axis=-1)
    return out
