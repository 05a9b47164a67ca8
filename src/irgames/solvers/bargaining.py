r"""Bargaining: Rubinstein's alternating offers and Fearon's bargaining range, vectorised.

Alternating offers
    Two players split a pie of size one. In even rounds player 1 proposes a split
    :math:`(x, 1 - x)` and player 2 accepts or rejects; in odd rounds the roles swap. After a
    rejection the responder may instead take her outside option :math:`w_i` (and the game
    ends), and otherwise, with probability :math:`p` the talks break down exogenously (payoffs
    :math:`d_1, d_2`) before the next offer; each round of delay is discounted by
    :math:`\delta_i`. Let :math:`q_i = (1 - p)\delta_i`. In the unique subgame-perfect
    equilibrium (Rubinstein, *Econometrica* 50, 1982; Binmore, Shaked and Sutton, *QJE* 104,
    1989 for outside options; Binmore, Rubinstein and Wolinsky, *RAND J. Econ.* 17, 1986 for
    breakdown) offers are accepted at once, and the proposers' shares :math:`x` (player 1's
    share when she proposes) and :math:`y` (player 2's share when he proposes) solve

    .. math::

        1 - x = \max\{w_2,\; p\,d_2 + q_2 y\}, \qquad
        1 - y = \max\{w_1,\; p\,d_1 + q_1 x\}.

    Without outside options or breakdown this gives the classic

    .. math::

        x = \frac{1 - \delta_2}{1 - \delta_1 \delta_2},
        \qquad x = \frac{1}{1 + \delta} \text{ when } \delta_1 = \delta_2 = \delta .

    The *outside option principle*: an outside option changes the split only when it beats
    the responder's equilibrium continuation.

Bargaining range
    Fearon, *International Organization* 49 (1995): states A and B dispute an issue
    :math:`x \in [0, 1]` (A's share). War gives A the whole issue with probability
    :math:`p` and B with :math:`1 - p`, at costs :math:`c_A, c_B \ge 0`. Risk-neutral A
    prefers a deal :math:`x` to war iff :math:`x \ge p - c_A`, and B iff
    :math:`1 - x \ge 1 - p - c_B`. The deals both prefer form the bargaining range

    .. math::

        [\,p - c_A,\; p + c_B\,] \cap [0, 1],

    never empty when war is costly: war is inefficient, and the puzzle is why it happens.

Examples
--------
>>> from irgames.solvers.bargaining import rubinstein, bargaining_range
>>> rubinstein(0.9).proposer_share.round(4).item()
0.5263
>>> r = bargaining_range(0.6, 0.1, 0.2)
>>> (r.lower.round(6).item(), r.upper.round(6).item())
(0.5, 0.8)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import GameValueError, SolverError
from ..games.normal_form import _as_finite_array
from .result import Result

__all__ = ["BargainingRange", "RubinsteinSolution", "bargaining_range", "rubinstein"]


@dataclass(frozen=True, eq=False)
class RubinsteinSolution(Result):
    """The subgame-perfect split of the alternating-offers game, for a batch of parameters.

    Attributes
    ----------
    proposer_share : ndarray
        :math:`x`: player 1's share when she makes the first offer (accepted at once).
    responder_share : ndarray
        :math:`1 - x`: player 2's share in the agreement.
    second_proposer_share : ndarray
        :math:`y`: player 2's share when he proposes (the off-path offer after a rejection).
    outside_option_binds : ndarray of bool, shape (*batch, 2)
        Whether player ``i``'s outside option, not her continuation value, sets what she is
        offered.
    """

    proposer_share: np.ndarray
    responder_share: np.ndarray
    second_proposer_share: np.ndarray
    outside_option_binds: np.ndarray

    method = "rubinstein"
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.proposer_share))


def rubinstein(
    delta_1,
    delta_2=None,
    *,
    outside_options=(0.0, 0.0),
    breakdown=0.0,
    disagreement=(0.0, 0.0),
) -> RubinsteinSolution:
    r"""Subgame-perfect split of Rubinstein's alternating-offers game (player 1 proposes first).

    Parameters
    ----------
    delta_1, delta_2 : array_like
        Discount factors in :math:`(0, 1]` (``delta_2`` defaults to ``delta_1``). A discount
        factor of one is allowed only together with a positive breakdown risk.
    outside_options : pair of array_like
        :math:`(w_1, w_2) \ge 0`, with :math:`w_1 + w_2 < 1` (otherwise there is no surplus).
    breakdown : array_like
        Per-round probability :math:`p \in [0, 1)` that talks break down after a rejection.
    disagreement : pair of array_like
        Payoffs :math:`(d_1, d_2) \ge 0` at a breakdown, with :math:`d_1 + d_2 < 1`.

    Returns
    -------
    RubinsteinSolution
        All arrays have the broadcast shape of the inputs.

    Examples
    --------
    >>> rubinstein([0.5, 0.9], 0.9).proposer_share.round(4).tolist()
    [0.1818, 0.5263]
    >>> rubinstein(0.9, outside_options=(0.0, 0.6)).proposer_share.round(4).item()
    0.4
    """
    d1 = _as_finite_array(delta_1, "delta_1")
    d2 = d1 if delta_2 is None else _as_finite_array(delta_2, "delta_2")
    p = _as_finite_array(breakdown, "breakdown")
    w1, w2 = (_as_finite_array(w, "outside_options") for w in outside_options)
    e1, e2 = (_as_finite_array(d, "disagreement") for d in disagreement)
    for name, value in (("delta_1", d1), ("delta_2", d2)):
        if np.any((value <= 0) | (value > 1)):
            raise GameValueError(
                f"{name} must lie in (0, 1]; got {value[(value <= 0) | (value > 1)].reshape(-1)[0]}"
            )
    if np.any((p < 0) | (p >= 1)):
        raise GameValueError(
            f"breakdown must lie in [0, 1); got {p[(p < 0) | (p >= 1)].reshape(-1)[0]}"
        )
    for name, (a, b) in (("outside_options", (w1, w2)), ("disagreement", (e1, e2))):
        if np.any(a < 0) or np.any(b < 0):
            raise GameValueError(f"{name} must be non-negative")
        if np.any(a + b >= 1):
            raise GameValueError(
                f"{name} must sum to less than the pie (1): otherwise no agreement is mutually "
                "beneficial"
            )
    d1, d2, p, w1, w2, e1, e2 = np.broadcast_arrays(d1, d2, p, w1, w2, e1, e2)
    q1, q2 = (1 - p) * d1, (1 - p) * d2
    if np.any(q1 * q2 >= 1):
        raise SolverError(
            "with no discounting and no breakdown risk (delta = 1, p = 0) the alternating-offers "
            "game has a continuum of equilibria; give a discount factor below one or p > 0"
        )
    # Case analysis: b_i says whether player i's outside option binds. In each case the two
    # conditions are linear in (x, y); the unique fixed point is the consistent case.
    x = np.full(d1.shape, np.nan)
    y = np.full(d1.shape, np.nan)
    binds = np.zeros((*d1.shape, 2), dtype=bool)
    tol = 1e-12
    for b1 in (False, True):
        for b2 in (False, True):
            if b1 and b2:
                cx, cy = 1 - w2, 1 - w1
            elif b2:
                cx = 1 - w2
                cy = 1 - p * e1 - q1 * cx
            elif b1:
                cy = 1 - w1
                cx = 1 - p * e2 - q2 * cy
            else:
                cx = (1 - p * e2 - q2 * (1 - p * e1)) / (1 - q1 * q2)
                cy = 1 - p * e1 - q1 * cx
            ok2 = (w2 >= p * e2 + q2 * cy - tol) if b2 else (w2 <= p * e2 + q2 * cy + tol)
            ok1 = (w1 >= p * e1 + q1 * cx - tol) if b1 else (w1 <= p * e1 + q1 * cx + tol)
            take = ok1 & ok2 & np.isnan(x)
            x = np.where(take, cx, x)
            y = np.where(take, cy, y)
            binds[take] = (b1, b2)
    return RubinsteinSolution(
        proposer_share=x,
        responder_share=1 - x,
        second_proposer_share=y,
        outside_option_binds=binds,
    )


@dataclass(frozen=True, eq=False)
class BargainingRange(Result):
    """Fearon's bargaining range for a batch of disputes.

    Attributes
    ----------
    lower, upper : ndarray
        The range of A's shares both sides prefer to war, clipped to ``[0, 1]``.
    war_value_a, war_value_b : ndarray
        Expected utility of war: :math:`p - c_A` and :math:`1 - p - c_B`.
    width : ndarray
        ``upper - lower`` (equal to :math:`c_A + c_B` unless clipped).
    """

    lower: np.ndarray
    upper: np.ndarray
    war_value_a: np.ndarray
    war_value_b: np.ndarray

    method = "bargaining_range"

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.lower))

    @property
    def width(self) -> np.ndarray:
        return self.upper - self.lower

    def contains(self, x) -> np.ndarray:
        """Whether the deal ``x`` (A's share) is preferred to war by both sides."""
        x = np.asarray(x, dtype=float)
        return (x >= self.lower) & (x <= self.upper)


def bargaining_range(p, cost_a, cost_b) -> BargainingRange:
    r"""Fearon's range :math:`[p - c_A, p + c_B] \cap [0, 1]` of deals both sides prefer to war.

    Parameters
    ----------
    p : array_like
        Probability in :math:`[0, 1]` that A wins a war.
    cost_a, cost_b : array_like
        Costs of war :math:`c_A, c_B \ge 0`, in units of the issue.

    Examples
    --------
    >>> bargaining_range([0.0, 0.95], 0.1, 0.1).upper.round(6).tolist()
    [0.1, 1.0]
    """
    p = _as_finite_array(p, "p")
    ca = _as_finite_array(cost_a, "cost_a")
    cb = _as_finite_array(cost_b, "cost_b")
    if np.any((p < 0) | (p > 1)):
        raise GameValueError("p (A's probability of winning) must lie in [0, 1]")
    if np.any(ca < 0) or np.any(cb < 0):
        raise GameValueError("costs of war must be non-negative")
    p, ca, cb = np.broadcast_arrays(p, ca, cb)
    return BargainingRange(
        lower=np.clip(p - ca, 0.0, 1.0),
        upper=np.clip(p + cb, 0.0, 1.0),
        war_value_a=p - ca,
        war_value_b=1 - p - cb,
    )
