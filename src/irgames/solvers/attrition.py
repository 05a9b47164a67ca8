r"""The symmetric stationary equilibrium of the N-player war of attrition.

**The game.** :math:`N \ge 2` players wait in continuous time. While nobody has conceded each
pays a flow cost :math:`c > 0`. The first to concede ends the game: the conceder (the
*leader*) gets :math:`L`, every other player (a *follower*) gets :math:`F > L`. Payoffs are
discounted at rate :math:`r \ge 0` (:math:`r = 0`: undiscounted). Two readings:

* the classic war of attrition (Maynard Smith 1974; Bishop and Cannings 1978): two players
  fight for a prize :math:`V`; the one who quits gets :math:`L = 0`, the other
  :math:`F = V` (:func:`classic_attrition`);
* the public-good war of attrition, or continuous-time volunteer's dilemma (Bliss and
  Nalebuff 1984; Bilodeau and Slivinski 1996): a public good worth :math:`V` to all arrives
  when one player pays :math:`K` to provide it; :math:`L = V - K` and :math:`F = V`
  (:func:`volunteer_attrition`). Balancing against a hegemon is such a good: each middle
  power waits for another to pay for it, and all suffer the hegemon meanwhile.

**The equilibrium.** In the symmetric stationary equilibrium each player concedes at a
constant hazard rate :math:`h` that keeps the others indifferent between conceding now
(worth :math:`L`) and waiting a moment :math:`dt`:

.. math::

    L = -c\,dt + (N-1)h\,dt\,F + (1 - (N-1)h\,dt - r\,dt)\,L
    \quad\Longrightarrow\quad
    h = \frac{c + rL}{(N-1)(F - L)} .

It exists iff :math:`F > L` and :math:`c + rL > 0`. The first concession arrives at the
rate :math:`Nh`, so the expected delay until it is

.. math::

    E[T] = \frac{1}{Nh} = \frac{N-1}{N}\,\frac{F - L}{c + rL},

which *rises* with :math:`N` (towards :math:`(F-L)/(c+rL)`): more potential volunteers, more
waiting for one of them (Bliss and Nalebuff 1984). Every player's expected payoff is
:math:`L`: the whole surplus of being a follower is dissipated in waiting. The first
concession time is exponential: :math:`P(T > t) = e^{-Nht}`, its median is
:math:`\ln 2 / (Nh)`. (There are also asymmetric equilibria in which one designated player
concedes at once; they are not computed here.)

References
----------
Bliss, C. and Nalebuff, B. (1984). Dragon-slaying and ballroom dancing: the private supply of
a public good. *Journal of Public Economics* 25(1-2), 1-12.
Bilodeau, M. and Slivinski, A. (1996). Toilet cleaning and department chairing: volunteering
a public service. *Journal of Public Economics* 59(2), 299-308.
Bishop, D. T. and Cannings, C. (1978). A generalized war of attrition. *Journal of
Theoretical Biology* 70(1), 85-124.

Examples
--------
>>> from irgames.solvers.attrition import volunteer_attrition
>>> eq = volunteer_attrition([2, 5, 50], value=3.0, cost=1.0, flow_cost=0.5)
>>> eq.hazard.round(4).tolist()
[0.5, 0.125, 0.0102]
>>> eq.expected_delay.round(3).tolist()
[1.0, 1.6, 1.96]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import GameValueError, SolverError
from ..games.normal_form import _as_finite_array
from .result import Result

__all__ = [
    "AttritionEquilibrium",
    "ThresholdAttrition",
    "attrition_equilibrium",
    "classic_attrition",
    "threshold_attrition",
    "volunteer_attrition",
]


@dataclass(frozen=True, eq=False)
class AttritionEquilibrium(Result):
    r"""Symmetric stationary equilibria of a batch of wars of attrition.

    Attributes
    ----------
    n_players, leader, follower, flow_cost, discount_rate : ndarray, shape batch
        The parameters, broadcast.
    exists : ndarray of bool
        Where :math:`F > L` and :math:`c + rL > 0`.
    hazard : ndarray
        Each player's concession rate :math:`h` (NaN where no such equilibrium exists).
    """

    n_players: np.ndarray
    leader: np.ndarray
    follower: np.ndarray
    flow_cost: np.ndarray
    discount_rate: np.ndarray
    exists: np.ndarray
    hazard: np.ndarray

    method = "attrition_equilibrium"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.hazard.shape)

    @property
    def total_hazard(self) -> np.ndarray:
        """Rate :math:`Nh` at which the first concession arrives."""
        return self.n_players * self.hazard

    @property
    def expected_delay(self) -> np.ndarray:
        r"""Expected time until the first concession, :math:`1/(Nh)`."""
        return 1.0 / self.total_hazard

    @property
    def median_delay(self) -> np.ndarray:
        r"""Median time until the first concession, :math:`\ln 2/(Nh)`."""
        return np.log(2.0) / self.total_hazard

    @property
    def expected_payoff(self) -> np.ndarray:
        """Each player's equilibrium payoff: the leader's payoff :math:`L` (full dissipation)."""
        return np.where(self.exists, self.leader, np.nan)

    @property
    def expected_waiting_cost(self) -> np.ndarray:
        r"""Expected discounted flow cost each player pays before the first concession,
        :math:`c / (Nh + r)`."""
        return self.flow_cost / (self.total_hazard + self.discount_rate)

    def survival(self, t) -> np.ndarray:
        r"""Probability that nobody has conceded by time ``t``: :math:`e^{-Nht}` (``t``
        broadcasts against the batch shape)."""
        t = np.asarray(t, dtype=float)
        if np.any(t < 0):
            raise SolverError("times must be non-negative")
        return np.exp(-self.total_hazard * t)


def attrition_equilibrium(
    n_players, leader, follower, flow_cost, *, discount_rate=0.0
) -> AttritionEquilibrium:
    r"""Symmetric stationary equilibrium of the N-player war of attrition.

    Parameters
    ----------
    n_players : array_like of int
        :math:`N \ge 2`.
    leader : array_like
        :math:`L`, the payoff of the player who concedes first.
    follower : array_like
        :math:`F`, the payoff of each other player.
    flow_cost : array_like
        :math:`c > 0`, each player's cost per unit of time until someone concedes.
    discount_rate : array_like, optional
        :math:`r \ge 0`.

    Returns
    -------
    AttritionEquilibrium
        With :math:`h = (c + rL)/((N-1)(F-L))` where it exists and NaN elsewhere
        (``exists`` says where).

    Raises
    ------
    GameValueError
        If :math:`N < 2` or not an integer, :math:`c \le 0`, :math:`r < 0`, or a value is not
        finite.
    """
    n = _as_finite_array(n_players, "n_players")
    if np.any(n != np.round(n)) or np.any(n < 2):
        raise GameValueError(f"n_players must be an integer >= 2, got {n_players!r}")
    lead = _as_finite_array(leader, "leader")
    follow = _as_finite_array(follower, "follower")
    c = _as_finite_array(flow_cost, "flow_cost")
    if np.any(c <= 0):
        raise GameValueError(f"flow_cost must be positive, got {flow_cost!r}")
    r = _as_finite_array(discount_rate, "discount_rate")
    if np.any(r < 0):
        raise GameValueError(f"discount_rate must be non-negative, got {discount_rate!r}")
    n, lead, follow, c, r = np.broadcast_arrays(n, lead, follow, c, r)
    exists = (follow > lead) & (c + r * lead > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(exists, (c + r * lead) / ((n - 1) * (follow - lead)), np.nan)
    return AttritionEquilibrium(
        n_players=n.copy(),
        leader=lead.copy(),
        follower=follow.copy(),
        flow_cost=c.copy(),
        discount_rate=r.copy(),
        exists=exists,
        hazard=h,
    )


def volunteer_attrition(
    n_players, value, cost, flow_cost, *, discount_rate=0.0
) -> AttritionEquilibrium:
    r"""Public-good war of attrition: the first volunteer pays ``cost`` :math:`K` to provide a
    good worth ``value`` :math:`V` to all, so :math:`L = V - K`, :math:`F = V`, and
    :math:`h = (c + r(V-K))/((N-1)K)`.
    """
    v = _as_finite_array(value, "value")
    k = _as_finite_array(cost, "cost")
    if np.any(k <= 0):
        raise GameValueError(f"the cost of volunteering must be positive, got {cost!r}")
    return attrition_equilibrium(n_players, v - k, v, flow_cost, discount_rate=discount_rate)


def classic_attrition(prize, flow_cost, *, n_players=2, discount_rate=0.0):
    r"""Classic war of attrition for a prize :math:`V`: the quitter gets 0 and the other(s)
    :math:`V`; with two players and :math:`r = 0` each quits at rate :math:`c/V`."""
    v = _as_finite_array(prize, "prize")
    if np.any(v <= 0):
        raise GameValueError(f"prize must be positive, got {prize!r}")
    return attrition_equilibrium(n_players, 0.0 * v, v, flow_cost, discount_rate=discount_rate)


@dataclass(frozen=True, eq=False)
class ThresholdAttrition(Result):
    r"""Stationary symmetric equilibria of the threshold war of attrition (batch).

    Attributes
    ----------
    n_players, threshold, value, cost, flow_cost, discount_rate : ndarray, shape batch
    hazard : ndarray, shape (*batch, max threshold)
        ``hazard[..., m]``: each remaining player's rate of volunteering once ``m`` have
        volunteered (``inf`` under unanimity, where every player volunteers at once; NaN
        beyond the threshold or where no stationary equilibrium exists).
    stage_delay : ndarray, shape (*batch, max threshold)
        Expected time spent with ``m`` volunteers, :math:`1/((N-m) h_m)` (0 past the
        threshold).
    exists : ndarray of bool, shape batch
    payoff : ndarray, shape batch
        Each player's expected payoff at the start, :math:`W_0`.
    """

    n_players: np.ndarray
    threshold: np.ndarray
    value: np.ndarray
    cost: np.ndarray
    flow_cost: np.ndarray
    discount_rate: np.ndarray
    hazard: np.ndarray
    stage_delay: np.ndarray
    exists: np.ndarray
    payoff: np.ndarray

    method = "threshold_attrition"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.threshold))

    @property
    def first_delay(self) -> np.ndarray:
        """Expected time until the first volunteer."""
        return np.where(self.exists, self.stage_delay[..., 0], np.nan)

    @property
    def expected_delay(self) -> np.ndarray:
        """Expected time until the threshold is reached (the good is provided)."""
        return np.where(self.exists, self.stage_delay.sum(-1), np.nan)


def threshold_attrition(
    n_players, threshold, value, cost, flow_cost, *, discount_rate=0.0
) -> ThresholdAttrition:
    r"""War of attrition over a threshold public good: :math:`k` volunteers are needed.

    :math:`N` players; a good worth :math:`V` to every player arrives once :math:`k \le N`
    of them have volunteered, each volunteer paying :math:`K` when she volunteers; until then
    every player pays the flow cost :math:`c` (discount rate :math:`r \ge 0`). With :math:`k
    = 1` this is :func:`volunteer_attrition`. In a stationary symmetric Markov equilibrium,
    once :math:`m` have volunteered each of the :math:`n_m = N - m` others volunteers at the
    rate :math:`h_m`. Let :math:`W_m` be a non-volunteer's value and :math:`U_m` a committed
    volunteer's, with :math:`W_k = U_k = V`. Indifference between volunteering now and
    waiting gives :math:`W_m = U_{m+1} - K`, and the Hamilton-Jacobi-Bellman equations

    .. math::

        r W_m = -c + (n_m - 1) h_m (W_{m+1} - W_m), \qquad
        r U_m = -c + n_m h_m (U_{m+1} - U_m)

    solve backwards for :math:`h_m = (c + r W_m) / ((n_m - 1)(W_{m+1} - W_m))` and
    :math:`U_m = (n_m h_m U_{m+1} - c)/(r + n_m h_m)`. Under unanimity (:math:`k = N`)
    nobody can free-ride, waiting only costs, and every player volunteers at once. The
    equilibrium exists where every :math:`h_m` is positive and finite (or a
    pivotal stage). The derivation extends Bliss and Nalebuff (1984) from one volunteer to
    :math:`k`; expected delays add up over the stages, :math:`\sum_m 1/(n_m h_m)`. The
    total delay need not rise with :math:`k`: near unanimity there is little room to
    free-ride (with :math:`N = 6`, :math:`V = 3`, :math:`K = 1`, :math:`c = 1/2` it is
    2.93 for :math:`k = 2`, 3.8 for :math:`k = 4` and 2.9 for :math:`k = 5`).

    Raises
    ------
    GameValueError
        If :math:`N < 2`, :math:`k` is not in :math:`1..N`, :math:`K \le 0` or :math:`c \le 0`.

    >>> eq = threshold_attrition(3, [1, 2], value=3.0, cost=1.0, flow_cost=0.5)
    >>> eq.expected_delay.round(4).tolist()
    [1.3333, 1.6667]
    """
    n = _as_finite_array(n_players, "n_players")
    if np.any(n != np.round(n)) or np.any(n < 2):
        raise GameValueError(f"n_players must be an integer >= 2, got {n_players!r}")
    k = _as_finite_array(threshold, "threshold")
    if np.any(k != np.round(k)) or np.any(k < 1) or np.any(k > n):
        raise GameValueError(f"threshold must be an integer in 1..n_players, got {threshold!r}")
    v = _as_finite_array(value, "value")
    big_k = _as_finite_array(cost, "cost")
    if np.any(big_k <= 0):
        raise GameValueError(f"the cost of volunteering must be positive, got {cost!r}")
    c = _as_finite_array(flow_cost, "flow_cost")
    if np.any(c <= 0):
        raise GameValueError(f"flow_cost must be positive, got {flow_cost!r}")
    r = _as_finite_array(discount_rate, "discount_rate")
    if np.any(r < 0):
        raise GameValueError(f"discount_rate must be non-negative, got {discount_rate!r}")
    n, k, v, big_k, c, r = np.broadcast_arrays(n, k, v, big_k, c, r)
    stages = int(k.max()) if k.size else 1
    hazard = np.full((*n.shape, stages), np.nan)
    delay = np.zeros((*n.shape, stages))
    W_next, U_next = v.copy(), v.copy()
    ok = np.ones(n.shape, dtype=bool)
    # stages m = k - 1, ..., 0, run backwards over the largest threshold in the batch
    for m in range(stages - 1, -1, -1):
        active = m < k
        remaining = n - m
        W = U_next - big_k
        pivotal = active & (k == n)  # unanimity: nobody can free-ride, so nobody waits
        with np.errstate(divide="ignore", invalid="ignore"):
            h = (c + r * W) / ((remaining - 1) * (W_next - W))
            U = (remaining * h * U_next - c) / (r + remaining * h)
        fine = active & ~pivotal & np.isfinite(h) & (h > 0) & (W_next > W)
        ok &= ~active | pivotal | fine
        hazard[..., m] = np.where(pivotal, np.inf, np.where(fine, h, np.nan))
        rate = np.where(fine, remaining * h, 1.0)  # inactive stages may have no one left
        delay[..., m] = np.where(active & fine, 1.0 / rate, 0.0)
        U = np.where(pivotal, U_next, U)
        W_next = np.where(active, W, W_next)
        U_next = np.where(active, U, U_next)
    return ThresholdAttrition(
        n_players=n.copy(),
        threshold=k.copy(),
        value=v.copy(),
        cost=big_k.copy(),
        flow_cost=c.copy(),
        discount_rate=r.copy(),
        hazard=np.where(ok[..., None], hazard, np.nan),
        stage_delay=np.where(ok[..., None], delay, np.nan),
        exists=ok,
        payoff=np.where(ok, W_next, np.nan),
    )
