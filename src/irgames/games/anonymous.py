r"""Large anonymous games with binary actions, in compact form.

In an *anonymous* (symmetric) :math:`N`-player game with binary actions each player either
*acts* (volunteers, balances, participates, contributes) or does not, and a player's payoff
depends only on her own action and on the number :math:`k \in \{0, \dots, N-1\}` of *others*
who act:

.. math::

    u(\text{act}, k) = a_k, \qquad u(\text{not}, k) = n_k .

The whole game is the pair of vectors :math:`a, n \in \mathbb{R}^N`: :math:`2N` numbers instead
of the :math:`N 2^N` of the full tensor, so :math:`N` may be in the thousands. The *gain from
acting* :math:`d_k = a_k - n_k` decides everything:

* a profile in which :math:`m` players act is a (pure) Nash equilibrium iff no actor wants to
  stop, :math:`d_{m-1} \ge 0` (when :math:`m \ge 1`), and no non-actor wants to start,
  :math:`d_m \le 0` (when :math:`m \le N-1`);
* in the symmetric profile where each acts independently with probability :math:`p`, the
  number of others who act is :math:`\mathrm{Binomial}(N-1, p)`, the values of the two actions
  are :math:`V_a(p) = \sum_k \binom{N-1}{k} p^k (1-p)^{N-1-k} a_k` and :math:`V_n(p)`
  likewise, and the regret is :math:`(1-p)\,[V_a - V_n]^+ + p\,[V_n - V_a]^+`.

Constructors cover the classic families:

* the *threshold public good* (Palfrey and Rosenthal, 1984): acting costs :math:`c`, and every
  player receives :math:`b` if at least :math:`t` of the :math:`N` act, so
  :math:`a_k = b\,[k + 1 \ge t] - c` and :math:`n_k = b\,[k \ge t]`;
* the *volunteer's dilemma* (Diekmann, 1985), the threshold public good with :math:`t = 1`;
  its symmetric mixed equilibrium has :math:`p = 1 - (c/b)^{1/(N-1)}`;
* the *entry (participation) game* (Selten and Gueth, 1982): the :math:`m` entrants share a
  prize, :math:`a_k = v/(k+1) - c`, :math:`n_k = 0`;
* any other anonymous binary game from two functions of :math:`k` (:meth:`from_functions`).

Every parameter may be an array: the batch shape is the broadcast of the parameters' shapes,
and the payoff vectors have shape ``(*batch, N)``.

References
----------
Diekmann, A. (1985). Volunteer's dilemma. *Journal of Conflict Resolution* 29(4), 605-610.
Palfrey, T. and Rosenthal, H. (1984). Participation and the provision of discrete public
goods: a strategic analysis. *Journal of Public Economics* 24(2), 171-193.
Selten, R. and Gueth, W. (1982). Equilibrium point selection in a class of market entry games.

Examples
--------
>>> from irgames.games.anonymous import AnonymousBinaryGame
>>> vd = AnonymousBinaryGame.volunteers_dilemma(5, benefit=1.0, cost=0.4)
>>> vd.gain.tolist()
[0.6, -0.4, -0.4, -0.4, -0.4]
>>> vd.is_pure_equilibrium(1).item(), vd.is_pure_equilibrium(2).item()
(True, False)
>>> float(vd.symmetric_regret(1 - 0.4 ** (1 / 4))) < 1e-12
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from .normal_form import GameValueError, NormalFormGame, _as_finite_array
from .normal_form import _unit as _payoff_unit

__all__ = ["AnonymousBinaryGame", "binomial_weights"]

#: Largest number of players :meth:`AnonymousBinaryGame.to_normal_form` expands.
MAX_NORMAL_FORM_PLAYERS = 14


def binomial_weights(n: int, p) -> np.ndarray:
    r"""Binomial probabilities :math:`\binom{n}{k} p^k (1-p)^{n-k}`, :math:`k = 0..n`.

    Computed in log space (stable for :math:`n` in the thousands and :math:`p` near 0 or 1).
    ``p`` of any shape gives an array of shape ``(*p.shape, n + 1)``.

    >>> binomial_weights(2, 0.5).tolist()
    [0.25, 0.5, 0.25]
    """
    p = np.asarray(p, dtype=float)[..., None]
    k = np.arange(n + 1, dtype=float)
    log_choose = gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)
    inner = np.where((p > 0) & (p < 1), p, 0.5)  # the ends are filled in below
    weights = np.exp(log_choose + k * np.log(inner) + (n - k) * np.log1p(-inner))
    # The endpoints p = 0 and p = 1 put all mass on k = 0 and k = n.
    weights = np.where(p <= 0, (k == 0).astype(float), weights)
    weights = np.where(p >= 1, (k == n).astype(float), weights)
    return weights


@dataclass(frozen=True, eq=False)
class AnonymousBinaryGame:
    r"""A batch of anonymous :math:`N`-player games with actions *not act* (0) and *act* (1).

    Parameters
    ----------
    payoff_act : array_like, shape (*batch, N)
        ``payoff_act[..., k]`` is the payoff of acting when ``k`` others act.
    payoff_not : array_like, shape (*batch, N)
        ``payoff_not[..., k]`` is the payoff of not acting when ``k`` others act.

    Raises
    ------
    GameValueError
        If the payoffs are not finite, do not broadcast, or describe fewer than two players.
    """

    payoff_act: np.ndarray
    payoff_not: np.ndarray

    def __init__(self, payoff_act, payoff_not):
        act = _as_finite_array(payoff_act, "payoff_act")
        not_ = _as_finite_array(payoff_not, "payoff_not")
        if act.ndim < 1 or not_.ndim < 1:
            raise GameValueError(
                "payoff_act and payoff_not must end in an axis of length N (one entry per "
                f"number of others who act); got shapes {act.shape} and {not_.shape}"
            )
        if act.shape[-1] != not_.shape[-1]:
            raise GameValueError(
                f"payoff_act and payoff_not must have the same length N; got {act.shape[-1]} "
                f"and {not_.shape[-1]}"
            )
        if act.shape[-1] < 2:
            raise GameValueError(f"an anonymous game needs N >= 2 players; got N = {act.shape[-1]}")
        try:
            act, not_ = np.broadcast_arrays(act, not_)
        except ValueError:
            raise GameValueError(
                f"the batch shapes {act.shape[:-1]} and {not_.shape[:-1]} do not broadcast"
            ) from None
        act, not_ = act.copy(), not_.copy()
        act.setflags(write=False)
        not_.setflags(write=False)
        object.__setattr__(self, "payoff_act", act)
        object.__setattr__(self, "payoff_not", not_)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_functions(
        cls,
        n_players: int,
        act: Callable[[np.ndarray], np.ndarray],
        not_act: Callable[[np.ndarray], np.ndarray],
    ) -> AnonymousBinaryGame:
        r"""Build the game from payoff functions vectorised in ``k``.

        ``act(k)`` and ``not_act(k)`` receive ``k = np.arange(N)`` and return arrays of shape
        ``(*batch, N)`` (a function may broadcast its parameters against ``k``).

        >>> g = AnonymousBinaryGame.from_functions(3, lambda k: 1.0 - k, lambda k: 0.0 * k)
        >>> g.gain.tolist()
        [1.0, 0.0, -1.0]
        """
        n = _check_players(n_players)
        k = np.arange(n)
        return cls(np.asarray(act(k), dtype=float), np.asarray(not_act(k), dtype=float))

    @classmethod
    def threshold_public_good(cls, n_players: int, threshold, benefit, cost) -> AnonymousBinaryGame:
        r"""Threshold (step-level) public good: :math:`b` to all iff at least :math:`t` act.

        Acting costs :math:`c > 0`; :math:`a_k = b\,[k+1 \ge t] - c`,
        :math:`n_k = b\,[k \ge t]`. ``threshold`` is an integer (array) in ``1..N``;
        ``benefit`` and ``cost`` must be positive. All three broadcast into the batch shape.
        """
        n = _check_players(n_players)
        t = np.asarray(threshold)
        if not np.issubdtype(t.dtype, np.number) or np.any(t != np.round(t)):
            raise GameValueError(f"threshold must be an integer, got {threshold!r}")
        if np.any((t < 1) | (t > n)):
            raise GameValueError(f"threshold must lie in 1..N = 1..{n}, got {threshold!r}")
        b = _positive(benefit, "benefit")
        c = _positive(cost, "cost")
        t, b, c = np.broadcast_arrays(t.astype(float), b, c)
        k = np.arange(n, dtype=float)
        t, b, c = t[..., None], b[..., None], c[..., None]
        act = b * (k + 1 >= t) - c
        not_ = b * (k >= t)
        return cls(act, not_)

    @classmethod
    def volunteers_dilemma(cls, n_players: int, benefit, cost) -> AnonymousBinaryGame:
        r"""Volunteer's dilemma: the threshold public good with threshold 1.

        Its symmetric mixed equilibrium is :math:`p = 1 - (c/b)^{1/(N-1)}` when
        :math:`0 < c < b`, and nobody acts with probability :math:`(c/b)^{N/(N-1)}`.
        """
        return cls.threshold_public_good(n_players, 1, benefit, cost)

    @classmethod
    def entry_game(cls, n_players: int, prize, cost) -> AnonymousBinaryGame:
        r"""Entry (participation) game: the entrants share ``prize`` equally, entry costs ``cost``.

        :math:`a_k = v/(k+1) - c`, :math:`n_k = 0`. With :math:`0 < c < v` the pure equilibria
        have :math:`m` entrants with :math:`v/(m+1) \le c \le v/m`.
        """
        n = _check_players(n_players)
        v = _positive(prize, "prize")
        c = _positive(cost, "cost")
        v, c = np.broadcast_arrays(v, c)
        k = np.arange(n, dtype=float)
        act = v[..., None] / (k + 1.0) - c[..., None]
        return cls(act, np.zeros_like(act))

    # ------------------------------------------------------------------ shape
    @property
    def n_players(self) -> int:
        """Number of players :math:`N`."""
        return int(self.payoff_act.shape[-1])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch shape; ``()`` for a single game."""
        return tuple(self.payoff_act.shape[:-1])

    @property
    def batch_size(self) -> int:
        """Number of games in the batch."""
        return int(np.prod(self.batch_shape, dtype=np.int64))

    @property
    def gain(self) -> np.ndarray:
        r"""Gain from acting :math:`d_k = a_k - n_k`, shape ``(*batch, N)``."""
        return self.payoff_act - self.payoff_not

    @property
    def payoff_units(self) -> np.ndarray:
        r"""Each player's payoff unit, shape ``(*batch, N)``: the range of all payoffs.

        The players share one payoff function (:math:`a_k`, :math:`n_k`), so every player's
        own unit (:func:`irgames.games.normal_form.payoff_units`) is the same,
        :math:`s = \max(a, n) - \min(a, n)` (1 where all payoffs are equal), and the
        solvers' single unit :attr:`payoff_scale` is each player's own. Scaling the game's
        payoffs by :math:`\lambda > 0` or shifting them changes no equilibrium.

        Examples
        --------
        >>> AnonymousBinaryGame.entry_game(3, prize=6.0, cost=1.0).payoff_units.tolist()
        [5.0, 5.0, 5.0]
        """
        return np.repeat(self.payoff_scale[..., None], self.n_players, axis=-1)

    @property
    def payoff_scale(self) -> np.ndarray:
        """Per game, the range of all payoffs (1 where they are all equal); shape ``batch``.

        Every player's own payoff unit, since the players share one payoff function."""
        both = np.concatenate([self.payoff_act, self.payoff_not], axis=-1)
        with np.errstate(over="ignore"):
            spread = both.max(axis=-1) - both.min(axis=-1)
        return _payoff_unit(spread)

    def __getitem__(self, index) -> AnonymousBinaryGame:
        """Index the batch (never the players)."""
        if not self.batch_shape:
            # builtin: the sequence protocol (indexing)
            raise IndexError("a single game (empty batch shape) cannot be indexed")
        if not isinstance(index, tuple):
            index = (index,)
        full = (*index, slice(None))
        return AnonymousBinaryGame(self.payoff_act[full], self.payoff_not[full])

    def flatten(self) -> AnonymousBinaryGame:
        """The same games with the batch flattened to ``(batch_size,)``."""
        n = self.n_players
        return AnonymousBinaryGame(self.payoff_act.reshape(-1, n), self.payoff_not.reshape(-1, n))

    # ------------------------------------------------------------------ definitions
    def profile_regret(self, actors) -> np.ndarray:
        r"""Regret of the pure profile in which ``actors`` (= :math:`m`) players act.

        The largest gain from a unilateral deviation: an actor who stops gets
        :math:`n_{m-1} - a_{m-1}`, a non-actor who starts gets :math:`a_m - n_m`; the regret is
        the larger of those that exist, and 0 if neither is positive. ``actors`` broadcasts
        against the batch shape; values must lie in ``0..N``.
        """
        n = self.n_players
        m = np.asarray(actors)
        if np.any((m < 0) | (m > n)) or np.any(m != np.round(m)):
            raise GameValueError(f"the number of actors must be an integer in 0..{n}")
        m = np.broadcast_to(m.astype(np.int64), np.broadcast_shapes(m.shape, self.batch_shape))
        act = np.broadcast_to(self.payoff_act, (*m.shape, n))
        not_ = np.broadcast_to(self.payoff_not, (*m.shape, n))
        below = np.clip(m - 1, 0, n - 1)[..., None]
        here = np.clip(m, 0, n - 1)[..., None]
        stop = (
            np.take_along_axis(not_, below, -1)[..., 0] - np.take_along_axis(act, below, -1)[..., 0]
        )
        start = (
            np.take_along_axis(act, here, -1)[..., 0] - np.take_along_axis(not_, here, -1)[..., 0]
        )
        stop = np.where(m >= 1, stop, -np.inf)
        start = np.where(m <= n - 1, start, -np.inf)
        return np.maximum(np.maximum(stop, start), 0.0)

    def is_pure_equilibrium(self, actors, *, tolerance: float = 1e-9) -> np.ndarray:
        """Whether the profile with ``actors`` players acting has relative regret within
        ``tolerance`` (a fraction of :attr:`payoff_scale`)."""
        return self.profile_regret(actors) <= tolerance * self.payoff_scale

    def action_values(self, p) -> tuple[np.ndarray, np.ndarray]:
        r"""Values :math:`(V_a(p), V_n(p))` of acting and not acting when each of the others
        acts independently with probability ``p`` (broadcast against the batch shape)."""
        p = np.asarray(p, dtype=float)
        if np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
            raise GameValueError("a probability of acting must lie in [0, 1]")
        w = binomial_weights(self.n_players - 1, p)
        return (w * self.payoff_act).sum(-1), (w * self.payoff_not).sum(-1)

    def symmetric_regret(self, p) -> np.ndarray:
        r"""Regret of the symmetric profile in which every player acts with probability ``p``:
        :math:`\max(V_a, V_n) - [p V_a + (1-p) V_n]`."""
        p = np.asarray(p, dtype=float)
        va, vn = self.action_values(p)
        return np.maximum(va, vn) - (p * va + (1 - p) * vn)

    def actor_distribution(self, p) -> np.ndarray:
        r"""Distribution of the number of actors (``0..N``) when each acts with probability
        ``p``: shape ``(*p.shape, N + 1)``."""
        return binomial_weights(self.n_players, p)

    # ------------------------------------------------------------------ conversion
    def to_normal_form(self) -> NormalFormGame:
        r"""The full normal form (action 0 = not act, 1 = act), for small :math:`N` only.

        Raises :class:`GameValueError` above ``MAX_NORMAL_FORM_PLAYERS`` players: the tensor
        has :math:`N 2^N` entries per game.
        """
        n = self.n_players
        if n > MAX_NORMAL_FORM_PLAYERS:
            raise GameValueError(
                f"to_normal_form expands N 2^N payoffs; N = {n} exceeds the limit of "
                f"{MAX_NORMAL_FORM_PLAYERS} players"
            )
        grids = np.meshgrid(*([np.arange(2)] * n), indexing="ij")
        total = sum(grids)  # number of actors at each pure profile, shape (2,)*n
        payoffs = []
        for i in range(n):
            others = total - grids[i]
            a = self.payoff_act[..., others]
            b = self.payoff_not[..., others]
            payoffs.append(np.where(grids[i] == 1, a, b))
        return NormalFormGame(np.stack(payoffs, axis=len(self.batch_shape)), n_players=n)

    def __repr__(self) -> str:
        return f"AnonymousBinaryGame(n_players={self.n_players}, batch_shape={self.batch_shape})"


def _check_players(n_players) -> int:
    if isinstance(n_players, bool) or int(n_players) != n_players:
        raise GameValueError(f"the number of players must be an integer, got {n_players!r}")
    n = int(n_players)
    if n < 2:
        raise GameValueError(f"an anonymous game needs N >= 2 players, got N = {n}")
    return n


def _positive(value, name: str) -> np.ndarray:
    array = _as_finite_array(value, name)
    if np.any(array <= 0):
        raise GameValueError(f"{name} must be positive, got {value!r}")
    return array
