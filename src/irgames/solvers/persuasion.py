r"""Bayesian persuasion: the sender-optimal public signal (Kamenica and Gentzkow 2011).

**The problem.** A state :math:`\omega \in \Omega` (finite) is drawn from a prior
:math:`\mu_0 \in \Delta(\Omega)`. A sender commits to a signal (a map
:math:`\pi(\cdot \mid \omega)` to messages); a receiver sees the message, forms the posterior
:math:`\mu` by Bayes' rule and takes an action :math:`a \in A` maximising
:math:`\sum_\omega \mu(\omega) u_R(a, \omega)`, breaking ties in the sender's favour. The
sender's payoff is :math:`u_S(a, \omega)`. A distribution :math:`\tau` of posteriors can be
induced by some signal iff it is *Bayes-plausible*, :math:`E_\tau[\mu] = \mu_0`, so the
sender's best value is the concave envelope (*concavification*) of
:math:`\hat v(\mu) = \sum_\omega \mu(\omega)\, u_S(a^*(\mu), \omega)` at the prior:

.. math::

    V(\mu_0) = \sup\{ z : (\mu_0, z) \in \mathrm{co}(\mathrm{graph}\ \hat v) \} .

The *value of persuasion* is :math:`V(\mu_0) - \hat v(\mu_0)`.

**Binary state** (:func:`persuade_binary`). With :math:`\mu = P(\omega = 1)`, :math:`\hat v`
is piecewise linear, with breaks only where the receiver is indifferent between two actions
(:math:`\mu_{ab} = \Delta_0/(\Delta_0 - \Delta_1)`, :math:`\Delta_\omega = u_R(a,\omega) -
u_R(b,\omega)`) and upper semicontinuous (sender-preferred ties). Its concave envelope is
therefore attained on the finite set of breakpoints, the ends 0 and 1 and the prior, and the
solver takes the best split of :math:`\mu_0` between two such points, vectorised over the batch
(:func:`concave_envelope`). The textbook case: the receiver acts iff
:math:`\mu \ge \bar\mu` and the sender wants action; for :math:`\mu_0 < \bar\mu` the optimal
signal induces the posteriors :math:`0` and :math:`\bar\mu`, and the receiver acts with
probability :math:`\mu_0/\bar\mu`.

**Finite states** (:func:`persuade`). By the revelation principle a signal can recommend
actions: choose the joint law :math:`q(a, \omega) = \mu_0(\omega)\pi(a \mid \omega) \ge 0`
with :math:`\sum_a q(a, \omega) = \mu_0(\omega)`, subject to *obedience*
:math:`\sum_\omega q(a, \omega)[u_R(a, \omega) - u_R(a', \omega)] \ge 0` for all
:math:`a, a'`, and maximise :math:`\sum_{a,\omega} q(a,\omega) u_S(a,\omega)`. The
posteriors are :math:`\mu_a = q(a, \cdot)/\sum_\omega q(a, \omega)`. The whole batch is one
sparse block-diagonal linear program, solved once by HiGHS (:func:`scipy.optimize.linprog`);
the blocks are independent, so each block of the joint optimum is optimal for its game.

**Public persuasion of receivers who coordinate** (:func:`persuade_public`). :math:`N`
identical receivers see the same public message and so share the posterior :math:`\mu`; they
then play an anonymous binary game (act or not) whose payoffs are the posterior mix of two
state games, :math:`(1-\mu)\,G_0 + \mu\,G_1` (payoffs linear in beliefs). The sender's payoff
:math:`w(m)` depends on the number :math:`m` of receivers who act, and the receivers play the
sender-preferred pure equilibrium at each posterior (the selection of Kamenica-Gentzkow's
tie-breaking, extended to equilibria; Bergemann and Morris 2019 call it *partial*
implementation). :math:`\hat v(\mu) = \max\{w(m) : m \text{ an equilibrium count at }
\mu\}` is piecewise constant with breaks where some gain from acting changes sign, and is
concavified as above. A signal must now move enough receivers *at once*: a threshold
coordination game makes :math:`\hat v` jump only where enough of them would act together.

References
----------
Kamenica, E. and Gentzkow, M. (2011). Bayesian persuasion. *American Economic Review*
101(6), 2590-2615.
Bergemann, D. and Morris, S. (2019). Information design: a unified perspective. *Journal of
Economic Literature* 57(1), 44-95.

Examples
--------
>>> import numpy as np
>>> from irgames.solvers.persuasion import persuade_binary
>>> # The receiver balances (action 1) iff P(predatory) >= 0.5; the sender wants balancing.
>>> u_r = [[0.0, 0.0], [-0.5, 0.5]]  # rows: actions; columns: states (benign, predatory)
>>> u_s = [[0.0, 0.0], [1.0, 1.0]]
>>> sig = persuade_binary(u_r, u_s, prior=0.3)
>>> sig.posteriors.round(12).tolist(), sig.weights.round(12).tolist(), sig.actions.tolist()
([0.0, 0.5], [0.4, 0.6], [0, 1])
>>> round(float(sig.value), 12), round(float(sig.value_of_persuasion), 12)
(0.6, 0.6)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ..errors import GameValueError, SolverError
from ..games.anonymous import AnonymousBinaryGame
from ..games.normal_form import _as_finite_array
from ..games.normal_form import _unit as _payoff_unit
from .result import Result, accepts_tolerance

__all__ = [
    "BinarySignal",
    "PublicSignal",
    "Signal",
    "concave_envelope",
    "persuade",
    "persuade_binary",
    "persuade_public",
    "receiver_best_response",
]


@dataclass(frozen=True, eq=False)
class BinarySignal(Result):
    r"""Sender-optimal signals for a batch of binary-state persuasion problems.

    Attributes
    ----------
    prior : ndarray, shape batch
        :math:`\mu_0 = P(\omega = 1)`.
    posteriors : ndarray, shape (*batch, 2)
        The two induced posteriors :math:`\mu_- \le \mu_0 \le \mu_+` (equal to the prior when
        revealing nothing is optimal).
    weights : ndarray, shape (*batch, 2)
        Their probabilities; ``(weights * posteriors).sum(-1) == prior`` (Bayes plausibility).
    actions : ndarray of int, shape (*batch, 2)
        The receiver's (sender-preferred) best response at each posterior.
    value : ndarray, shape batch
        :math:`V(\mu_0)`, the sender's expected payoff.
    no_information : ndarray, shape batch
        :math:`\hat v(\mu_0)`, the sender's payoff without a signal.
    """

    prior: np.ndarray
    posteriors: np.ndarray
    weights: np.ndarray
    actions: np.ndarray
    value: np.ndarray
    no_information: np.ndarray
    tol: float | None = None

    method = "persuade_binary"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    @property
    def value_of_persuasion(self) -> np.ndarray:
        r""":math:`V(\mu_0) - \hat v(\mu_0) \ge 0`."""
        return self.value - self.no_information

    def action_probability(self, action: int) -> np.ndarray:
        """Probability that the receiver ends up taking ``action``."""
        return (self.weights * (self.actions == action)).sum(-1)


@dataclass(frozen=True, eq=False)
class Signal(Result):
    r"""Sender-optimal recommendation signals for a batch of finite persuasion problems.

    Attributes
    ----------
    prior : ndarray, shape (*batch, n_states)
    joint : ndarray, shape (*batch, n_actions, n_states)
        :math:`q(a, \omega) = \mu_0(\omega)\pi(a \mid \omega)`.
    value : ndarray, shape batch
    no_information : ndarray, shape batch
    """

    prior: np.ndarray
    joint: np.ndarray
    value: np.ndarray
    no_information: np.ndarray
    tol: float | None = None

    method = "persuade"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    @property
    def action_probability(self) -> np.ndarray:
        """:math:`P(a)`, shape ``(*batch, n_actions)``."""
        return self.joint.sum(-1)

    @property
    def posteriors(self) -> np.ndarray:
        """:math:`\\mu_a`, shape ``(*batch, n_actions, n_states)``; NaN rows for actions never
        recommended."""
        p = self.action_probability[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(p > 0, self.joint / np.where(p > 0, p, 1.0), np.nan)

    @property
    def signal(self) -> np.ndarray:
        r""":math:`\pi(a \mid \omega)`, shape ``(*batch, n_states, n_actions)``."""
        prior = self.prior[..., None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            pi = np.where(prior > 0, self.joint / np.where(prior > 0, prior, 1.0), np.nan)
        return np.swapaxes(pi, -1, -2)

    @property
    def value_of_persuasion(self) -> np.ndarray:
        return self.value - self.no_information


@dataclass(frozen=True, eq=False)
class PublicSignal(Result):
    r"""Sender-optimal public signals to :math:`N` receivers who play an anonymous game.

    Attributes
    ----------
    prior : ndarray, shape batch
    posteriors, weights : ndarray, shape (*batch, 2)
        Induced posteriors and their probabilities (Bayes-plausible).
    actors : ndarray of int, shape (*batch, 2)
        Number of receivers who act (sender-preferred pure equilibrium) at each posterior.
    value, no_information : ndarray, shape batch
    """

    prior: np.ndarray
    posteriors: np.ndarray
    weights: np.ndarray
    actors: np.ndarray
    value: np.ndarray
    no_information: np.ndarray
    tol: float | None = None

    method = "persuade_public"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    @property
    def value_of_persuasion(self) -> np.ndarray:
        return self.value - self.no_information


# ---------------------------------------------------------------------- concavification
def concave_envelope(points, values, prior) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Concave envelope at ``prior`` of the function given by ``values`` at ``points``.

    .. math::

        V(\mu_0) = \max_{i, j:\ p_i \le \mu_0 \le p_j}
            \frac{(p_j - \mu_0)\, v_i + (\mu_0 - p_i)\, v_j}{p_j - p_i}

    (a single point :math:`p_i = \mu_0` counts with value :math:`v_i`). On a one-dimensional
    domain every point of the envelope is a mix of at most two points of the graph
    (Caratheodory), so this is exact when ``points`` contain every kink and jump of the
    function and its values there are the upper semicontinuous ones.

    Parameters
    ----------
    points, values : array_like, shape (*batch, P)
    prior : array_like, shape batch (broadcasts)

    Returns
    -------
    value : ndarray, shape batch
    support : ndarray of int, shape (*batch, 2)
        Indices ``(i, j)`` of the two supporting points.
    weights : ndarray, shape (*batch, 2)
        Probabilities of the two points, which average to ``prior``.

    >>> v, s, w = concave_envelope([0.0, 0.5, 1.0], [0.0, 1.0, 1.0], 0.3)
    >>> round(float(v), 12), s.tolist(), w.round(12).tolist()
    (0.6, [0, 1], [0.4, 0.6])
    """
    p = np.asarray(points, dtype=float)
    v = np.asarray(values, dtype=float)
    mu = np.asarray(prior, dtype=float)
    p, v = np.broadcast_arrays(p, v)
    shape = np.broadcast_shapes(p.shape[:-1], mu.shape)
    p = np.broadcast_to(p, (*shape, p.shape[-1]))
    v = np.broadcast_to(v, (*shape, v.shape[-1]))
    mu = np.broadcast_to(mu, shape)[..., None, None]
    pi, pj = p[..., :, None], p[..., None, :]
    vi, vj = v[..., :, None], v[..., None, :]
    width = pj - pi
    tol = 1e-12
    valid = (pi <= mu + tol) & (pj >= mu - tol)
    point = np.abs(width) <= tol
    valid &= ~point | (np.abs(pi - mu) <= tol)
    with np.errstate(invalid="ignore", divide="ignore"):
        wj = np.where(point, 0.0, (mu - pi) / np.where(point, 1.0, width))
    wj = np.clip(wj, 0.0, 1.0)
    mix = (1 - wj) * vi + wj * vj
    mix = np.where(valid, mix, -np.inf)
    P = p.shape[-1]
    flat = mix.reshape((*shape, P * P))
    best = np.argmax(flat, axis=-1)
    value = np.take_along_axis(flat, best[..., None], -1)[..., 0]
    i, j = np.divmod(best, P)
    w_j = np.take_along_axis(wj.reshape((*shape, P * P)), best[..., None], -1)[..., 0]
    support = np.stack([i, j], axis=-1)
    weights = np.stack([1 - w_j, w_j], axis=-1)
    return value, support, weights


@accepts_tolerance
def receiver_best_response(
    receiver_utility, sender_utility, belief, *, tol: float = 1e-9
) -> np.ndarray:
    r"""The receiver's best response to ``belief``, ties broken in the sender's favour.

    ``receiver_utility`` and ``sender_utility`` have shape ``(*batch, n_actions, n_states)``
    and ``belief`` ``(*batch, n_states)`` (or broadcastable). An action is a best response if
    its expected utility is within ``tol`` times the receiver's payoff range of the best.
    Returns the action index, shape ``batch``.
    """
    u_r = np.asarray(receiver_utility, dtype=float)
    u_s = np.asarray(sender_utility, dtype=float)
    belief = np.asarray(belief, dtype=float)[..., None, :]
    er = (u_r * belief).sum(-1)
    es = (u_s * belief).sum(-1)
    scale = _scale(u_r)
    best = er.max(-1, keepdims=True)
    ok = er >= best - tol * scale[..., None]
    return np.argmax(np.where(ok, es, -np.inf), axis=-1)


@accepts_tolerance
def persuade_binary(receiver_utility, sender_utility, prior, *, tol: float = 1e-9) -> BinarySignal:
    r"""Sender-optimal signal for a binary state by concavification, vectorised over the batch.

    Parameters
    ----------
    receiver_utility, sender_utility : array_like, shape (*batch, n_actions, 2)
        :math:`u(a, \omega)`; column 1 is the state whose probability is the belief.
    prior : array_like, shape batch
        :math:`\mu_0 = P(\omega = 1) \in [0, 1]`.

    Returns
    -------
    BinarySignal

    Raises
    ------
    GameValueError
        If a prior lies outside :math:`[0, 1]` or the utilities do not have two states.
    """
    u_r, u_s = _utilities(receiver_utility, sender_utility)
    if u_r.shape[-1] != 2:
        raise GameValueError(
            f"persuade_binary needs two states (last axis of length 2); got {u_r.shape}"
        )
    _scale(u_r), _scale(u_s)  # refuses utility ranges that overflow
    mu0 = _as_finite_array(prior, "prior")
    if np.any((mu0 < 0) | (mu0 > 1)):
        raise GameValueError(f"a binary prior P(state 1) must lie in [0, 1], got {prior!r}")
    shape = np.broadcast_shapes(u_r.shape[:-2], mu0.shape)
    u_r = np.broadcast_to(u_r, (*shape, *u_r.shape[-2:]))
    u_s = np.broadcast_to(u_s, (*shape, *u_s.shape[-2:]))
    mu0 = np.broadcast_to(mu0, shape)
    n_a = u_r.shape[-2]
    # Candidate posteriors: 0, 1, the prior, and every pairwise indifference belief.
    d0 = u_r[..., :, None, 0] - u_r[..., None, :, 0]
    d1 = u_r[..., :, None, 1] - u_r[..., None, :, 1]
    iu = np.triu_indices(n_a, 1)
    d0, d1 = d0[..., iu[0], iu[1]], d1[..., iu[0], iu[1]]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        cross = d0 / (d0 - d1)
    cross = np.where(np.isfinite(cross) & (cross > 0) & (cross < 1), cross, 0.0)
    points = np.concatenate(
        [np.zeros((*shape, 1)), np.ones((*shape, 1)), mu0[..., None], cross], axis=-1
    )
    beliefs = np.stack([1 - points, points], axis=-1)  # (*batch, P, 2)
    actions = receiver_best_response(u_r[..., None, :, :], u_s[..., None, :, :], beliefs, tol=tol)
    values = (
        np.take_along_axis(u_s[..., None, :, :], actions[..., None, None], -2)[..., 0, :] * beliefs
    ).sum(-1)
    value, support, weights = concave_envelope(points, values, mu0)
    post = np.take_along_axis(points, support, -1)
    acts = np.take_along_axis(actions, support, -1)
    return BinarySignal(
        prior=np.asarray(mu0, dtype=float).copy(),
        posteriors=post,
        weights=weights,
        actions=acts,
        value=value,
        no_information=values[..., 2],
        tol=float(tol),
    )


@accepts_tolerance
def persuade(receiver_utility, sender_utility, prior, *, tol: float = 1e-9) -> Signal:
    r"""Sender-optimal signal for finite states and actions by the obedience LP.

    Parameters
    ----------
    receiver_utility, sender_utility : array_like, shape (*batch, n_actions, n_states)
    prior : array_like, shape (*batch, n_states)
        A probability vector per game.

    Returns
    -------
    Signal
        The optimal joint law of recommendations and states, from one block-diagonal LP.

    Raises
    ------
    GameValueError
        If a prior is off the simplex or shapes do not match.
    RuntimeError
        If the LP solver fails (it cannot be infeasible: full disclosure is obedient).

    >>> import numpy as np
    >>> sig = persuade([[0.0, 0.0], [-0.5, 0.5]], [[0.0, 0.0], [1.0, 1.0]], [0.7, 0.3])
    >>> sig.action_probability.round(6).tolist()
    [0.4, 0.6]
    """
    u_r, u_s = _utilities(receiver_utility, sender_utility)
    mu0 = _simplex(prior, u_r.shape[-1])
    shape = np.broadcast_shapes(u_r.shape[:-2], mu0.shape[:-1])
    n_a, n_s = u_r.shape[-2:]
    u_r = np.broadcast_to(u_r, (*shape, n_a, n_s)).reshape(-1, n_a, n_s)
    u_s = np.broadcast_to(u_s, (*shape, n_a, n_s)).reshape(-1, n_a, n_s)
    mu = np.broadcast_to(mu0, (*shape, n_s)).reshape(-1, n_s)
    B = u_r.shape[0]
    nv = n_a * n_s  # variables per game: q[a, s] at a * n_s + s
    # Equalities: sum_a q[a, s] = mu[s].
    eq_rows = np.repeat(np.arange(n_s), n_a)
    eq_cols = (np.arange(n_a)[None, :] * n_s + np.arange(n_s)[:, None]).reshape(-1)
    # Obedience: for a != a': sum_s q[a, s] (u[a', s] - u[a, s]) <= 0.
    pairs = [(a, b) for a in range(n_a) for b in range(n_a) if a != b]
    n_ub = len(pairs)
    ub_rows, ub_cols, ub_game_coef = [], [], []
    for r, (a, b) in enumerate(pairs):
        ub_rows.append(np.full(n_s, r))
        ub_cols.append(a * n_s + np.arange(n_s))
        ub_game_coef.append((a, b))
    scale = _scale(u_r)
    blocks_eq = []
    blocks_ub = []
    offs = np.arange(B)
    A_eq = sp.csr_array(
        (
            np.ones(B * eq_rows.size),
            (
                (offs[:, None] * n_s + eq_rows[None, :]).reshape(-1),
                (offs[:, None] * nv + eq_cols[None, :]).reshape(-1),
            ),
        ),
        shape=(B * n_s, B * nv),
    )
    blocks_eq.append(A_eq)
    if n_ub:
        rows = np.concatenate(ub_rows)
        cols = np.concatenate(ub_cols)
        coef = np.stack(
            [(u_r[:, b, :] - u_r[:, a, :]) / scale[:, None] for a, b in ub_game_coef], axis=1
        ).reshape(B, -1)  # (B, n_ub * n_s)
        A_ub = sp.csr_array(
            (
                coef.reshape(-1),
                (
                    (offs[:, None] * n_ub + rows[None, :]).reshape(-1),
                    (offs[:, None] * nv + cols[None, :]).reshape(-1),
                ),
            ),
            shape=(B * n_ub, B * nv),
        )
        blocks_ub.append(A_ub)
    s_scale = _scale(u_s)
    c = -(u_s / s_scale[:, None, None]).reshape(-1)
    res = linprog(
        c,
        A_ub=blocks_ub[0] if blocks_ub else None,
        b_ub=np.zeros(B * n_ub) if n_ub else None,
        A_eq=blocks_eq[0],
        b_eq=mu.reshape(-1),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise SolverError(f"the persuasion LP failed: {res.message}")
    q = np.clip(res.x.reshape(B, n_a, n_s), 0.0, None)
    # Renormalise each state's column to its prior exactly (undo solver round-off).
    col = q.sum(1, keepdims=True)
    q = np.where(col > 0, q * (mu[:, None, :] / np.where(col > 0, col, 1.0)), q)
    # A state whose prior mass the solver dropped (below its feasibility tolerance) gets it
    # back on the receiver's best action in that state: that recommendation's obedience
    # constraints only gain (u_r(a, s) >= u_r(b, s) for every b), and plausibility is exact.
    lost = (col[:, 0, :] <= 0) & (mu > 0)
    if lost.any():
        g, s = np.nonzero(lost)
        q[g, u_r[g, :, s].argmax(axis=1), s] = mu[g, s]
    value = (q * u_s).sum((-1, -2))
    a0 = receiver_best_response(u_r, u_s, mu, tol=tol)
    no_info = (np.take_along_axis(u_s, a0[:, None, None], 1)[:, 0, :] * mu).sum(-1)
    return Signal(
        prior=mu.reshape((*shape, n_s)).copy(),
        joint=q.reshape((*shape, n_a, n_s)),
        value=value.reshape(shape),
        no_information=no_info.reshape(shape),
        tol=float(tol),
    )


@accepts_tolerance
def persuade_public(
    game_benign: AnonymousBinaryGame,
    game_hostile: AnonymousBinaryGame,
    sender_payoff,
    prior,
    *,
    tol: float = 1e-9,
) -> PublicSignal:
    r"""Sender-optimal public signal to :math:`N` receivers who then play an anonymous game.

    Parameters
    ----------
    game_benign, game_hostile : AnonymousBinaryGame
        The receivers' game in state 0 and in state 1 (same :math:`N`, broadcastable batches).
        At posterior :math:`\mu` they play :math:`(1-\mu) G_0 + \mu G_1`.
    sender_payoff : array_like, shape (*batch, N + 1)
        :math:`w(m)`, the sender's payoff when :math:`m` receivers act.
    prior : array_like, shape batch
        :math:`\mu_0 = P(\text{state } 1)`.

    Returns
    -------
    PublicSignal
        The optimal split of the prior into two public posteriors and the number of receivers
        acting at each (sender-preferred pure equilibrium).

    >>> from irgames.games.anonymous import AnonymousBinaryGame as G
    >>> # Five receivers; acting pays 1 - 0.5 if at least 3 act and the state is hostile.
    >>> hostile = G.threshold_public_good(5, 3, benefit=1.0, cost=0.5)
    >>> benign = G(hostile.payoff_act * 0 - 0.5, hostile.payoff_not * 0)
    >>> sig = persuade_public(benign, hostile, sender_payoff=[0, 0, 0, 1, 1, 1], prior=0.25)
    >>> sig.posteriors.round(12).tolist(), sig.actors.tolist(), round(float(sig.value), 12)
    ([0.0, 0.5], [0, 3], 0.5)
    """
    n = game_benign.n_players
    if game_hostile.n_players != n:
        raise GameValueError(
            f"the two state games must have the same N; got {n} and {game_hostile.n_players}"
        )
    w = _as_finite_array(sender_payoff, "sender_payoff")
    if w.shape[-1:] != (n + 1,):
        raise GameValueError(
            f"sender_payoff must end in an axis of length N + 1 = {n + 1}; got {w.shape}"
        )
    mu0 = _as_finite_array(prior, "prior")
    if np.any((mu0 < 0) | (mu0 > 1)):
        raise GameValueError(f"a binary prior P(state 1) must lie in [0, 1], got {prior!r}")
    shape = np.broadcast_shapes(
        game_benign.batch_shape, game_hostile.batch_shape, w.shape[:-1], mu0.shape
    )
    d0 = np.broadcast_to(game_benign.gain, (*shape, n))
    d1 = np.broadcast_to(game_hostile.gain, (*shape, n))
    a0 = np.broadcast_to(game_benign.payoff_act, (*shape, n))
    a1 = np.broadcast_to(game_hostile.payoff_act, (*shape, n))
    n0 = np.broadcast_to(game_benign.payoff_not, (*shape, n))
    n1 = np.broadcast_to(game_hostile.payoff_not, (*shape, n))
    w = np.broadcast_to(w, (*shape, n + 1))
    mu0 = np.broadcast_to(mu0, shape)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        cross = d0 / (d0 - d1)
    cross = np.where(np.isfinite(cross) & (cross > 0) & (cross < 1), cross, 0.0)
    points = np.concatenate(
        [np.zeros((*shape, 1)), np.ones((*shape, 1)), mu0[..., None], cross], axis=-1
    )
    mu = points[..., None]  # (*batch, P, 1)
    mixed = AnonymousBinaryGame(
        (1 - mu) * a0[..., None, :] + mu * a1[..., None, :],
        (1 - mu) * n0[..., None, :] + mu * n1[..., None, :],
    )
    # Equilibrium counts at every candidate posterior (tolerance relative to the state games).
    scale = np.maximum(
        AnonymousBinaryGame(a0, n0).payoff_scale, AnonymousBinaryGame(a1, n1).payoff_scale
    )
    m = np.arange(n + 1)
    reg = mixed.profile_regret(m.reshape((n + 1,) + (1,) * len(mixed.batch_shape)))
    reg = np.moveaxis(reg, 0, -1)  # (*batch, P, N + 1)
    is_eq = reg <= tol * scale[..., None, None]
    pay = np.where(is_eq, w[..., None, :], -np.inf)
    actors = np.argmax(pay, axis=-1)  # sender-preferred; an equilibrium always exists
    values = np.take_along_axis(pay, actors[..., None], -1)[..., 0]
    value, support, weights = concave_envelope(points, values, mu0)
    return PublicSignal(
        prior=np.asarray(mu0, dtype=float).copy(),
        posteriors=np.take_along_axis(points, support, -1),
        weights=weights,
        actors=np.take_along_axis(actors, support, -1),
        value=value,
        no_information=values[..., 2],
        tol=float(tol),
    )


# ---------------------------------------------------------------------- validation
def _utilities(receiver_utility, sender_utility) -> tuple[np.ndarray, np.ndarray]:
    u_r = _as_finite_array(receiver_utility, "receiver_utility")
    u_s = _as_finite_array(sender_utility, "sender_utility")
    if u_r.ndim < 2 or u_s.ndim < 2 or u_r.shape[-2:] != u_s.shape[-2:]:
        raise GameValueError(
            "receiver_utility and sender_utility must have shape (*batch, n_actions, n_states) "
            f"with the same last two axes; got {u_r.shape} and {u_s.shape}"
        )
    if u_r.shape[-2] < 1 or u_r.shape[-1] < 1:
        raise GameValueError(f"need at least one action and one state; got {u_r.shape}")
    try:
        shape = np.broadcast_shapes(u_r.shape[:-2], u_s.shape[:-2])
    except ValueError:
        raise GameValueError(
            f"batch shapes {u_r.shape[:-2]} and {u_s.shape[:-2]} do not broadcast"
        ) from None
    return (
        np.broadcast_to(u_r, (*shape, *u_r.shape[-2:])),
        np.broadcast_to(u_s, (*shape, *u_s.shape[-2:])),
    )


def _simplex(prior, n_states: int, atol: float = 1e-9) -> np.ndarray:
    mu = _as_finite_array(prior, "prior")
    if mu.ndim < 1 or mu.shape[-1] != n_states:
        raise GameValueError(
            f"prior must end in an axis of length n_states = {n_states}; got shape {mu.shape}"
        )
    if np.any(mu < -atol):
        raise GameValueError("prior has negative probabilities: it must lie on the simplex")
    total = mu.sum(-1)
    if np.any(np.abs(total - 1) > atol * n_states):
        worst = float(np.max(np.abs(total - 1)))
        raise GameValueError(
            f"prior must sum to one (lie on the simplex); off by up to {worst:.3g}"
        )
    return np.clip(mu, 0.0, None) / total[..., None]


def _scale(u: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        spread = u.max((-1, -2)) - u.min((-1, -2))
    return _payoff_unit(spread)
