r"""Repeated games: critical discount factors, linkage, and equilibrium payoff sets.

Incentive thresholds of simple strategy profiles
    A pure target profile :math:`a^*` is played on the path; a deviation by player :math:`i` is
    met by a punishment worth :math:`P_i` per period to :math:`i` (per-period average). With
    :math:`R_i = u_i(a^*)` (reward) and the temptation of the best one-shot deviation
    :math:`T_i = \max_{a_i} u_i(a_i, a^*_{-i})`, the one-shot deviation principle gives, for
    *grim trigger* (punish forever),

    .. math::

        R_i \ge (1 - \hat\delta) T_i + \hat\delta P_i
        \iff \hat\delta \ge \delta_i^* = \frac{T_i - R_i}{T_i - P_i},

    and the profile is subgame perfect iff :math:`\hat\delta \ge \max_i \delta_i^*`, provided
    the punishment is itself an equilibrium of the continuation game: Nash reversion to a stage
    equilibrium :math:`\sigma^N` (:math:`P_i = u_i(\sigma^N)`; Friedman, *RES* 38, 1971), or an
    *agent-specific* punishment, a different stage equilibrium :math:`\sigma^{(i)}` after a
    deviation by :math:`i` (:math:`P_i = u_i(\sigma^{(i)})`). The minmax value
    :math:`\underline v_i` gives the lowest threshold any punishment can reach (Fudenberg and
    Maskin, 1986). Here :math:`\hat\delta = \delta(1 - \rho)` includes a per-period
    termination probability :math:`\rho` (turnover), so that a relationship with threshold
    :math:`\delta^*` survives turnover up to :math:`\rho^* = 1 - \delta^*/\delta`.

    A *forgiving* trigger punishes for :math:`k` periods and then returns to :math:`a^*`.
    Deviating from the path is unprofitable iff :math:`(1 - \hat\delta)(T_i - R_i) \le
    (\hat\delta - \hat\delta^{k+1})(R_i - P_i)`, i.e.
    :math:`\sum_{j=1}^{k} \hat\delta^j \ge (T_i - R_i)/(R_i - P_i)`; with a stage-Nash
    punishment no deviation during the punishment pays. As :math:`k \to \infty` this is grim
    trigger.

    *Issue linkage* (Bernheim and Whinston, *RAND J. Econ.* 21, 1990): when several stage games
    are played together and a deviation in any of them triggers punishment in all, the
    incentive constraints pool:

    .. math::

        \hat\delta \ge \frac{\sum_g (T_{g} - R_{g})^+}{\sum_g (T_{g} - R_{g})^+ + \sum_g
        (R_g - P_g)} ,

    which for two prisoner's dilemmas is :math:`\sum (T - R) / \sum (T - P)`.

Feasible and individually rational payoffs
    :math:`F^* = \operatorname{conv}\{u(a) : a \in A\} \cap \{v : v_i \ge \underline v_i\}`,
    the set of the folk theorem.

Subgame-perfect equilibrium payoffs (two players, perfect monitoring)
    With pure actions and public randomisation, the set :math:`V` of (normalised) SPE payoffs
    is the largest fixed point of the operator of Abreu, Pearce and Stacchetti
    (*Econometrica* 58, 1990)

    .. math::

        B(W) = \operatorname{conv} \big\{ (1 - \hat\delta) u(a) + \hat\delta w :
        a \in A,\ w \in W,\ (1 - \hat\delta) u_i(a) + \hat\delta w_i \ge
        (1 - \hat\delta) \max_{a_i'} u_i(a_i', a_{-i}) + \hat\delta \underline w_i \big\},

    where :math:`\underline w_i = \min_{w \in W} w_i` is the worst continuation for :math:`i`.
    Following Judd, Yeltekin and Conklin (*Econometrica* 71, 2003), :math:`W` is held as a
    polygon :math:`\{w : h_k \cdot w \le c_k\}` with fixed directions :math:`h_k` and the
    levels are updated by :math:`c_k \leftarrow \max_{x \in B(W)} h_k \cdot x`, starting from
    the feasible set. The iterates decrease to an *outer approximation* of :math:`V`
    (exact in the limit of many directions); the levels are always the support function of
    the polygon, so its vertices are the intersections of adjacent lines. The optimisation
    over :math:`w` is a two-dimensional linear programme solved exactly by enumerating the
    vertices of the polygon clipped by the two incentive constraints. Compare Abreu and
    Sannikov (*Theoretical Economics* 9, 2014), which QuantEcon implements.

Examples
--------
>>> from irgames.games.normal_form import NormalFormGame
>>> from irgames.solvers.repeated import grim_trigger, linked, nash_reversion
>>> trade = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> security = NormalFormGame.bimatrix([[3, 0], [10, 1]], [[3, 10], [0, 1]])
>>> t = grim_trigger(trade, (0, 0), nash_reversion(trade, (1, 1)))
>>> s = grim_trigger(security, (0, 0), nash_reversion(security, (1, 1)))
>>> float(t.threshold), round(float(s.threshold), 3), round(float(linked(t, s).threshold), 4)
(0.5, 0.778, 0.6923)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConvergenceError, GameValueError, SolverError
from ..games.normal_form import NormalFormGame
from ..games.regret import action_values, expected_payoffs, regret
from ..games.repeated import RepeatedGame, check_discount
from .minmax import minmax_values
from .result import Result, accepts_tolerance, tolerance_property

__all__ = [
    "EquilibriumPayoffSet",
    "IncentiveThresholds",
    "PayoffPolygon",
    "agent_specific_punishment",
    "equilibrium_payoffs",
    "feasible_payoffs",
    "forgiving_trigger",
    "grim_trigger",
    "linked",
    "minmax_punishment",
    "nash_reversion",
]


# ---------------------------------------------------------------------------- profiles
def _as_profile(game: NormalFormGame, profile: Sequence) -> tuple[np.ndarray, ...]:
    """A profile of pure actions (ints or int arrays) or mixed strategies, as mixed arrays."""
    if len(profile) != game.n_players:
        raise GameValueError(
            f"a profile needs one strategy per player ({game.n_players}), got {len(profile)}"
        )
    out = []
    for i, (s, a) in enumerate(zip(profile, game.num_actions, strict=True)):
        s = np.asarray(s)
        if np.issubdtype(s.dtype, np.integer):
            if np.any((s < 0) | (s >= a)):
                raise GameValueError(f"player {i}'s action must be in 0..{a - 1}; got {s}")
            s = np.eye(a)[s]
        out.append(np.asarray(s, dtype=float))
    return tuple(out)


def _check_stage_equilibrium(game: NormalFormGame, profile, tol: float, what: str):
    # each player's regret in her own payoff unit (NormalFormGame.payoff_units)
    r = regret(game, profile)  # (*batch, n)
    units = game.payoff_units
    relative = (r / np.broadcast_to(units, np.broadcast_shapes(r.shape, units.shape))).max(-1)
    if np.any(relative > tol):
        worst = float(relative.max())
        raise SolverError(
            f"{what} is not a Nash equilibrium of the stage game (relative regret {worst:.3g}): "
            "reverting to it would not be a credible punishment"
        )


@accepts_tolerance
def nash_reversion(game: NormalFormGame, profile: Sequence, *, tol: float = 1e-9):
    r"""Punishment values :math:`P_i = u_i(\sigma^N)` of reverting to a stage equilibrium.

    ``profile`` is a stage Nash equilibrium (pure actions as ints, or mixed strategies); a
    :class:`GameValueError` is raised if it is not one (some player's regret above
    ``tol`` times her own payoff range). Returns shape ``(*batch, n)``.
    """
    profile = _as_profile(game, profile)
    _check_stage_equilibrium(game, profile, tol, "the punishment profile")
    return expected_payoffs(game, profile)


@accepts_tolerance
def agent_specific_punishment(
    game: NormalFormGame, profiles: Sequence[Sequence], *, tol: float = 1e-9
):
    r"""Punishment values :math:`P_i = u_i(\sigma^{(i)})`: a stage equilibrium per deviator.

    ``profiles[i]`` is the stage equilibrium played forever after a deviation by player ``i``.
    Returns shape ``(*batch, n)``.
    """
    if len(profiles) != game.n_players:
        raise GameValueError(f"need one punishment profile per player ({game.n_players})")
    values = []
    for i, profile in enumerate(profiles):
        profile = _as_profile(game, profile)
        _check_stage_equilibrium(game, profile, tol, f"the punishment of player {i}")
        values.append(expected_payoffs(game, profile)[..., i])
    return np.stack(np.broadcast_arrays(*values), axis=-1)


def minmax_punishment(game: NormalFormGame, *, mixed: bool = True) -> np.ndarray:
    r"""Punishment values :math:`P_i = \underline v_i` (minmax): the most severe punishment.

    Permanent minmaxing need not be credible (the punishers may gain by stopping); the
    threshold it gives is a lower bound on what any subgame-perfect punishment achieves.
    """
    return minmax_values(game, mixed=mixed).values


# ---------------------------------------------------------------------------- thresholds
@dataclass(frozen=True, eq=False)
class IncentiveThresholds(Result):
    r"""Per-player incentive data of a simple strategy profile, for a batch of games.

    Attributes
    ----------
    reward, temptation, punishment : ndarray, shape (*batch, n)
        :math:`R_i`, :math:`T_i` and :math:`P_i` (per-period payoffs).
    player_threshold : ndarray, shape (*batch, n)
        Smallest effective discount factor :math:`\hat\delta` at which player ``i`` does not
        want to deviate; ``0`` when no deviation gains and ``inf`` when none in ``(0, 1)``
        deters it.
    rule : str
        The strategy profile ("grim trigger", "k-period punishment", "linked grim trigger").
    """

    reward: np.ndarray
    temptation: np.ndarray
    punishment: np.ndarray
    player_threshold: np.ndarray
    rule: str = "grim trigger"
    options: dict = field(default_factory=dict)

    complete = True

    @property
    def method(self) -> str:
        """The strategy profile's rule (closed form: no tolerance, no equilibrium rows)."""
        return self.rule

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.player_threshold.shape[:-1])

    @property
    def threshold(self) -> np.ndarray:
        r"""The critical effective discount factor :math:`\max_i \delta_i^*`, shape batch."""
        return self.player_threshold.max(axis=-1)

    def sustainable(self, delta, termination=0.0) -> np.ndarray:
        r"""Whether :math:`\delta (1 - \rho) \ge \delta^*` and :math:`\delta^* < 1`."""
        eff = check_discount(delta) * (1.0 - np.asarray(termination, dtype=float))
        return (eff >= self.threshold) & (self.threshold < 1)

    def critical_termination(self, delta) -> np.ndarray:
        r"""Largest turnover :math:`\rho^* = 1 - \delta^*/\delta` that the profile survives.

        ``nan`` where no turnover rate works (:math:`\delta^* > \delta`).
        """
        delta = check_discount(delta)
        rho = 1.0 - self.threshold / delta
        return np.where(rho >= -1e-12, np.maximum(rho, 0.0), np.nan)

    def minimum_transfer(self, effective_discount) -> np.ndarray:
        r"""Per-player transfer :math:`\tau_i` paid each period on the path that deters deviation.

        A transfer received each period while the relationship lasts (also in the period of a
        deviation, lost afterwards) adds :math:`\tau` to :math:`R_i` and :math:`T_i`, not to
        :math:`P_i`; the grim-trigger constraint becomes
        :math:`\tau_i \ge (T_i - R_i)/\hat\delta - (T_i - P_i)`, floored at 0. For a client
        that pays :math:`c` to deliver a favour (:math:`T = P = 0`, :math:`R = -c`) this is
        :math:`c / (\delta (1 - \rho))`.
        """
        eff = np.asarray(effective_discount, dtype=float)[..., None]
        tau = (self.temptation - self.reward) / eff - (self.temptation - self.punishment)
        return np.maximum(tau, 0.0)


def _threshold(T, R, P):
    gain = T - R
    loss = R - P
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = gain / (gain + loss)
    scale = np.maximum(np.abs(T), 1.0) * 1e-12
    return np.where(gain <= scale, 0.0, np.where(loss > 0, ratio, np.inf))


def _reward_temptation(game: NormalFormGame, target):
    target = _as_profile(game, target)
    for i, s in enumerate(target):
        if not np.all(np.isclose(s.max(axis=-1), 1.0)):
            raise SolverError(
                f"the target profile must be pure (player {i}'s strategy is mixed): mixed "
                "actions are not observed, so deviations from them cannot be detected"
            )
    reward = expected_payoffs(game, target)
    temptation = np.stack(
        np.broadcast_arrays(
            *[action_values(game, target, i).max(axis=-1) for i in range(game.n_players)]
        ),
        axis=-1,
    )
    return reward, temptation


def grim_trigger(game: NormalFormGame, target: Sequence, punishment) -> IncentiveThresholds:
    r"""Critical discount factors of grim trigger: play ``target`` until a deviation, then punish.

    Parameters
    ----------
    game : NormalFormGame
        The stage game (a batch).
    target : sequence
        Pure action of each player (ints, or int arrays broadcasting with the batch).
    punishment : array_like, shape (*batch, n)
        Per-period value :math:`P_i` of the punishment that follows a deviation by player
        ``i``: from :func:`nash_reversion`, :func:`agent_specific_punishment` or
        :func:`minmax_punishment`.

    Returns
    -------
    IncentiveThresholds
        ``player_threshold`` is :math:`(T_i - R_i)/(T_i - P_i)`.

    Examples
    --------
    >>> pd = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> grim_trigger(pd, (0, 0), minmax_punishment(pd)).threshold.item()
    0.5
    """
    reward, temptation = _reward_temptation(game, target)
    punishment = np.broadcast_to(np.asarray(punishment, dtype=float), reward.shape)
    return IncentiveThresholds(
        reward=reward,
        temptation=temptation,
        punishment=punishment,
        player_threshold=_threshold(temptation, reward, punishment),
    )


def forgiving_trigger(
    game: NormalFormGame, target: Sequence, punishment, periods: int
) -> IncentiveThresholds:
    r"""Critical discount factors when a deviation is punished for ``periods`` periods only.

    The punishment values must come from a stage equilibrium (:func:`nash_reversion` or
    :func:`agent_specific_punishment`) so that no deviation during the punishment pays. The
    threshold solves :math:`\sum_{j=1}^{k} \hat\delta^j = (T_i - R_i)/(R_i - P_i)` (by
    bisection, vectorised; the left side increases in :math:`\hat\delta`).

    Examples
    --------
    >>> pd = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> round(float(forgiving_trigger(pd, (0, 0), nash_reversion(pd, (1, 1)), 1).threshold), 6)
    1.0
    >>> round(float(forgiving_trigger(pd, (0, 0), nash_reversion(pd, (1, 1)), 2).threshold), 6)
    0.618034
    """
    k = int(periods)
    if k < 1:
        raise SolverError(f"periods must be a positive integer, got {periods}")
    reward, temptation = _reward_temptation(game, target)
    P = np.broadcast_to(np.asarray(punishment, dtype=float), reward.shape)
    gain, loss = temptation - reward, reward - P
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(loss > 0, gain / loss, np.inf)
    lo, hi = np.zeros(need.shape), np.ones(need.shape)
    for _ in range(60):
        mid = (lo + hi) / 2
        total = sum(mid**j for j in range(1, k + 1))
        enough = total >= need
        hi = np.where(enough, mid, hi)
        lo = np.where(enough, lo, mid)
    eps = np.maximum(np.abs(temptation), 1.0) * 1e-12
    # At delta -> 1 the left side tends to k: when need >= k no discount factor below one works
    # (the boundary case need == k gives threshold 1).
    threshold = np.where(gain <= eps, 0.0, np.where(need <= k, hi, np.inf))
    return IncentiveThresholds(
        reward=reward,
        temptation=temptation,
        punishment=P,
        player_threshold=threshold,
        rule=f"{k}-period punishment",
        options={"periods": k},
    )


def linked(*parts: IncentiveThresholds) -> IncentiveThresholds:
    r"""Pool the grim-trigger incentive constraints of several stage games played together.

    A deviation in any game triggers the punishment in all; the deviator deviates in every game
    where that gains, so :math:`R = \sum R_g`, :math:`P = \sum P_g` and
    :math:`T = R + \sum_g (T_g - R_g)^+`.
    """
    if not parts:
        raise SolverError("linked needs at least one set of thresholds")
    R = sum(np.asarray(p.reward) for p in parts)
    P = sum(np.asarray(p.punishment) for p in parts)
    T = R + sum(np.maximum(p.temptation - p.reward, 0.0) for p in parts)
    return IncentiveThresholds(
        reward=R,
        temptation=T,
        punishment=P,
        player_threshold=_threshold(T, R, P),
        rule="linked grim trigger",
        options={"games": len(parts)},
    )


# ---------------------------------------------------------------------------- payoff polygons
def _directions(directions) -> np.ndarray:
    if np.ndim(directions) == 0:
        D = int(directions)
        if D < 4:
            raise SolverError(f"need at least 4 directions, got {D}")
        angle = 2 * np.pi * np.arange(D) / D
    else:
        H = np.asarray(directions, dtype=float)
        if H.ndim != 2 or H.shape[1] != 2 or H.shape[0] < 4:
            raise SolverError("directions must be an int or an array of shape (D >= 4, 2)")
        angle = np.sort(np.mod(np.arctan2(H[:, 1], H[:, 0]), 2 * np.pi))
    gaps = np.diff(np.r_[angle, angle[0] + 2 * np.pi])
    if gaps.max() >= np.pi - 1e-9 or gaps.min() <= 1e-12:
        raise SolverError("directions must be distinct and leave no gap of pi or more")
    return np.stack([np.cos(angle), np.sin(angle)], axis=-1)


def _vertices(H: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Vertices of {w : H w <= levels} (levels tight): line k meets line k + 1."""
    nxt = np.roll(np.arange(len(H)), -1)
    pairs = np.stack([H, H[nxt]], axis=1)  # (D, 2, 2)
    inv = np.linalg.inv(pairs)
    rhs = np.stack([levels, levels[..., nxt]], axis=-1)  # (*batch, D, 2)
    return np.einsum("kij,...kj->...ki", inv, rhs)


@dataclass(frozen=True, eq=False)
class PayoffPolygon(Result):
    r"""A batch of convex polygons of payoff vectors :math:`\{w : h_k \cdot w \le c_k\}`.

    Attributes
    ----------
    directions : ndarray, shape (D, 2)
        Unit normals :math:`h_k`, sorted by angle.
    levels : ndarray, shape (*batch, D)
        Support function :math:`c_k = \max_{w} h_k \cdot w` of each polygon; ``nan`` for an
        empty set.
    """

    directions: np.ndarray
    levels: np.ndarray

    method = "feasible_payoffs"

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.levels.shape[:-1])

    @property
    def empty(self) -> np.ndarray:
        return np.isnan(self.levels).any(axis=-1)

    @property
    def vertices(self) -> np.ndarray:
        """Shape ``(*batch, D, 2)``: vertex ``k`` joins faces ``k`` and ``k + 1`` (may repeat)."""
        return _vertices(self.directions, self.levels)

    @accepts_tolerance
    def contains(self, points, *, tol: float = 1e-9) -> np.ndarray:
        """Whether ``points`` (shape ``(*batch, ..., 2)`` broadcasting) lie in the polygons."""
        points = np.asarray(points, dtype=float)
        slack = np.einsum("kj,...j->...k", self.directions, points)
        lev = self.levels
        extra = points.ndim - 1 - lev.ndim + 1
        lev = lev.reshape(lev.shape[:-1] + (1,) * max(extra, 0) + lev.shape[-1:])
        scale = np.nanmax(np.abs(self.levels), axis=-1, keepdims=True)
        scale = scale.reshape(scale.shape[:-1] + (1,) * max(extra, 0) + (1,))
        return np.all(slack <= lev + tol * np.maximum(scale, 1.0), axis=-1)

    @accepts_tolerance
    def extreme_points(self, index=(), *, tol: float = 1e-9) -> np.ndarray:
        """The distinct vertices of one polygon (``index`` into the batch), shape ``(m, 2)``."""
        V = self.vertices[index]
        if np.isnan(V).any():
            return np.zeros((0, 2))
        scale = max(1.0, float(np.abs(V).max()))
        keep = [0]
        for k in range(1, len(V)):
            if np.abs(V[k] - V[keep[-1]]).max() > tol * scale * 1e3:
                keep.append(k)
        if len(keep) > 1 and np.abs(V[keep[-1]] - V[keep[0]]).max() <= tol * scale * 1e3:
            keep.pop()
        # drop vertices on a straight edge between their neighbours
        pts = V[keep]
        if len(pts) > 2:
            prev, nxt = np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0)
            cross = (pts - prev)[:, 0] * (nxt - pts)[:, 1] - (pts - prev)[:, 1] * (nxt - pts)[:, 0]
            pts = pts[np.abs(cross) > tol * scale**2 * 1e3]
        return pts


def _flat_payoffs(game: NormalFormGame) -> tuple[np.ndarray, np.ndarray]:
    """Pure payoff vectors (*batch, m, 2) and best-deviation payoffs (*batch, m, 2)."""
    if game.n_players != 2:
        raise SolverError(
            f"payoff sets are computed for two-player games; this game has {game.n_players}"
        )
    u0, u1 = game.player_payoffs(0), game.player_payoffs(1)
    dev0 = np.broadcast_to(u0.max(axis=-2, keepdims=True), u0.shape)
    dev1 = np.broadcast_to(u1.max(axis=-1, keepdims=True), u1.shape)
    batch = game.batch_shape
    U = np.stack([u0, u1], axis=-1).reshape(*batch, -1, 2)
    dev = np.stack([dev0, dev1], axis=-1).reshape(*batch, -1, 2)
    return U, dev


def feasible_payoffs(
    game: NormalFormGame,
    *,
    individually_rational: bool = True,
    mixed: bool = True,
    directions=256,
) -> PayoffPolygon:
    r"""The feasible (and individually rational) payoff set of two-player games, as polygons.

    The feasible set is :math:`\operatorname{conv}\{u(a)\}`, whose support function is
    :math:`\max_a h \cdot u(a)`. With ``individually_rational`` it is intersected with
    :math:`\{v \ge \underline v\}` (mixed or pure minmax). The support function of the
    intersection is computed exactly: a linear function is maximised over it at a pure payoff
    vector that is individually rational, at a point where a segment between two pure payoff
    vectors crosses a line :math:`v_i = \underline v_i` (and satisfies the other bound), or at
    the corner :math:`\underline v` when it is feasible; all are enumerated for the whole
    batch. The polygon holds the exact support values in the given directions: it touches the
    set in every one of them, and contains it (equal to it when the set's edge normals are
    among ``directions``).
    """
    H = _directions(directions)
    U, _ = _flat_payoffs(game)
    levels = (U @ H.T).max(axis=-2)
    if not individually_rational:
        return PayoffPolygon(H, levels)
    floor = minmax_values(game, mixed=mixed).values
    return PayoffPolygon(H, _hull_clipped_support(H, U, floor, game.payoff_scale))


def _hull_clipped_support(H, U, g, scale):
    """Exact support of conv(U) intersected with {w >= g}: U (*b, m, 2), g (*b, 2) -> (*b, D)."""
    m = U.shape[-2]
    tol = 1e-9 * scale[..., None]
    first, second = np.triu_indices(m, k=1)
    P, Q = U[..., first, :], U[..., second, :]  # (*b, pairs, 2)
    cands = [U]
    masks = [np.all(U >= g[..., None, :] - tol[..., None], axis=-1)]
    corner_in = np.ones(g.shape[:-1], dtype=bool)
    for axis in (0, 1):
        other = 1 - axis
        denom = Q[..., axis] - P[..., axis]
        ok = np.abs(denom) > 1e-14 * scale[..., None]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(ok, (g[..., None, axis] - P[..., axis]) / np.where(ok, denom, 1.0), 0.0)
        point = P + t[..., None] * (Q - P)
        on = ok & (t >= -1e-12) & (t <= 1 + 1e-12)
        # points of U that lie on the line count as crossings too
        on_line = np.abs(U[..., axis] - g[..., None, axis]) <= tol
        heights = np.concatenate([point[..., other], U[..., other]], axis=-1)
        present = np.concatenate([on, on_line], axis=-1)
        lo = np.where(present, heights, np.inf).min(axis=-1)
        hi = np.where(present, heights, -np.inf).max(axis=-1)
        corner_in &= (lo <= g[..., other] + tol[..., 0]) & (g[..., other] <= hi + tol[..., 0])
        cands.append(point)
        masks.append(on & (point[..., other] >= g[..., None, other] - tol))
    cands.append(g[..., None, :])
    masks.append(corner_in[..., None])
    X = np.concatenate(cands, axis=-2)
    M = np.concatenate(masks, axis=-1)
    best = np.where(M[..., None], X @ H.T, -np.inf).max(axis=-2)
    if np.any(~np.isfinite(best)):
        raise ConvergenceError("empty individually rational set (should not happen)")
    return best


def _clipped_support(H, levels, V, g, scale):
    r"""Support of :math:`W \cap \{w \ge g\}` in every direction, for every profile.

    ``levels``: (*b, D); ``V``: (*b, D, 2) vertices; ``g``: (*b, m, 2) lower bounds per profile.
    Returns (*b, m, D); ``-inf`` where the clipped set is empty.

    In direction :math:`h_j` the unclipped maximum :math:`c_j` is attained on face :math:`j`
    (the segment from :math:`V_{j-1}` to :math:`V_j`). If that face meets the quadrant
    :math:`\{w \ge g\}`, the clipped support is :math:`c_j`. Otherwise the maximum over the
    clipped polygon is at one of its new vertices: the boundary it keeps is an arc of the old
    boundary that misses the maximiser, on which :math:`h_j \cdot w` is largest at an end, and
    the ends lie on the clipping lines. The new vertices are, on each line :math:`w_i = g_i`,
    the highest and lowest crossing of the boundary that satisfies the other constraint, and
    the corner :math:`g` when it lies in :math:`W`: five candidates, so the cost is linear in
    the number of directions.
    """
    tol = 1e-9 * scale[..., None, None]
    Vb = V[..., None, :, :]  # (*b, 1, D, 2)
    Vnb = np.roll(V, -1, axis=-2)[..., None, :, :]  # V_{k+1}
    gb = g[..., :, None, :]  # (*b, m, 1, 2)
    vertex_ok = np.all(Vb >= gb - tol[..., None], axis=-1)  # (*b, m, D)
    edge_ok = vertex_ok | np.roll(vertex_ok, -1, axis=-1)  # edge k: V_k -> V_{k+1}
    cands, masks = [], []
    for axis in (0, 1):
        other = 1 - axis
        a, b = Vb[..., axis], Vnb[..., axis]
        denom = b - a
        ok = np.abs(denom) > 1e-14 * scale[..., None, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(ok, (gb[..., axis] - a) / np.where(ok, denom, 1.0), 0.0)
        point = Vb + t[..., None] * (Vnb - Vb)  # (*b, m, D, 2)
        valid = ok & (t >= -1e-12) & (t <= 1 + 1e-12)
        valid &= point[..., other] >= gb[..., other] - tol
        edge_ok |= valid
        height = np.where(valid, point[..., other], np.nan)
        for pick in (np.nanargmax, np.nanargmin):
            any_valid = valid.any(axis=-1)
            k = pick(np.where(any_valid[..., None], height, 0.0), axis=-1)
            cands.append(np.take_along_axis(point, k[..., None, None], axis=-2)[..., 0, :])
            masks.append(any_valid)
    inside = np.all(np.einsum("kj,...mj->...mk", H, g) <= levels[..., None, :] + tol, axis=-1)
    cands.append(g)
    masks.append(inside)
    X = np.stack(cands, axis=-2)  # (*b, m, 5, 2)
    M = np.stack(masks, axis=-1)  # (*b, m, 5)
    ends = np.where(M[..., None], X @ H.T, -np.inf).max(axis=-2)  # (*b, m, D)
    face_ok = np.roll(edge_ok, 1, axis=-1)  # face j is edge j - 1
    return np.where(face_ok, levels[..., None, :], ends)


@dataclass(frozen=True, eq=False)
class EquilibriumPayoffSet(PayoffPolygon):
    r"""Outer approximation of the pure-strategy SPE payoff set (with public randomisation).

    Attributes (besides :class:`PayoffPolygon`'s)
    ----------
    converged : ndarray of bool, shape batch
        Whether the levels moved less than ``tol`` times the payoff range in the last
        iteration. A game that did not converge is flagged, never silently returned as done.
    iterations : ndarray of int, shape batch
    worst_payoffs : ndarray, shape (*batch, 2)
        :math:`\min_{w \in V} w_i`: each player's worst equilibrium payoff (the optimal
        penal code's punishment).
    method, tol, options : provenance.
    """

    converged: np.ndarray = None
    iterations: np.ndarray = None
    worst_payoffs: np.ndarray = None
    method: str = "outer approximation (Judd, Yeltekin and Conklin 2003)"
    tol: float = 1e-9
    options: dict = field(default_factory=dict)

    tolerance = tolerance_property()


@accepts_tolerance
def equilibrium_payoffs(
    game: RepeatedGame,
    *,
    directions=128,
    tol: float = 1e-10,
    max_iter: int = 2000,
    chunk_size: int | None = None,
) -> EquilibriumPayoffSet:
    r"""Subgame-perfect equilibrium payoffs of two-player repeated games (outer approximation).

    Parameters
    ----------
    game : RepeatedGame
        Two-player stage game(s) with the (effective) discount factor(s).
    directions : int or array_like of shape (D, 2)
        Normals of the approximating polygon; an int ``D`` spaces them evenly.
    tol : float
        Stop when no level moves by more than ``tol`` times the payoff range.
    max_iter : int
        Games still moving after this many iterations are flagged ``converged=False``.
    chunk_size : int, optional
        Games solved at a time (memory grows as ``chunk * profiles * D**2``).

    Examples
    --------
    >>> import numpy as np
    >>> pd = NormalFormGame.bimatrix([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    >>> V = equilibrium_payoffs(RepeatedGame(pd, 0.75), directions=64)
    >>> bool(V.converged), V.worst_payoffs.round(6).tolist()
    (True, [3.0, 3.0])
    >>> bool(V.contains([9.0, 9.0])), bool(V.contains([9.5, 9.5]))
    (True, False)
    """
    if not isinstance(game, RepeatedGame):
        raise SolverError("equilibrium_payoffs needs a RepeatedGame")
    H = _directions(directions)
    D = len(H)
    batch = game.batch_shape
    stage = NormalFormGame(game.stage_payoffs(), n_players=game.n_players)
    U, dev = _flat_payoffs(stage)
    m = U.shape[-2]
    size = int(np.prod(batch, dtype=np.int64))
    U = U.reshape(size, m, 2)
    gain = dev.reshape(size, m, 2) - U
    delta = game.effective_discount.reshape(size)
    scale = stage.payoff_scale.reshape(size)
    if chunk_size is None:
        chunk_size = max(1, int(2e7 // (m * (3 * D + 1) * D)))
    levels_out = np.full((size, D), np.nan)
    conv_out = np.zeros(size, dtype=bool)
    iters_out = np.zeros(size, dtype=np.int64)
    flow_all = np.einsum("kj,bmj->bmk", H, U)  # (b, m, D): h . u(a)
    for start in range(0, size, chunk_size):
        sl = slice(start, min(size, start + chunk_size))
        c = flow_all[sl].max(axis=-2)  # support of the feasible set
        d = delta[sl]
        sc = scale[sl]
        flow = flow_all[sl]
        active = np.ones(len(c), dtype=bool)
        empty = np.zeros(len(c), dtype=bool)
        iters = np.zeros(len(c), dtype=np.int64)
        for _ in range(max_iter):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            ca, da, sa = c[idx], d[idx], sc[idx]
            V = _vertices(H, ca)
            worst = V.min(axis=-2)  # (b, 2)
            g = worst[:, None, :] + ((1 - da) / da)[:, None, None] * gain[sl][idx]
            cont = _clipped_support(H, ca, V, g, sa)  # (b, m, D)
            new = ((1 - da)[:, None, None] * flow[idx] + da[:, None, None] * cont).max(axis=1)
            now_empty = ~np.all(np.isfinite(new), axis=-1)
            new = np.where(now_empty[:, None], np.nan, np.minimum(new, ca))
            moved = np.nanmax(np.abs(new - ca), axis=-1, initial=0.0)
            done = now_empty | (moved <= tol * sa)
            c[idx] = new
            iters[idx] += 1
            empty[idx] |= now_empty
            active[idx[done]] = False
        levels_out[sl] = np.where(empty[:, None], np.nan, c)
        conv_out[sl] = ~active
        iters_out[sl] = iters
    levels = levels_out.reshape(*batch, D)
    V = _vertices(H, np.nan_to_num(levels))
    worst = np.where(np.isnan(levels).any(-1)[..., None], np.nan, V.min(axis=-2))
    return EquilibriumPayoffSet(
        directions=H,
        levels=levels,
        converged=conv_out.reshape(batch),
        iterations=iters_out.reshape(batch),
        worst_payoffs=worst,
        tol=float(tol),
        options={"directions": D, "max_iter": int(max_iter)},
    )
