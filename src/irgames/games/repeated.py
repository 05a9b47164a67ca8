r"""Repeated and stochastic games, held in batches.

Repeated game
    A stage game :math:`G = (N, (A_i), (u_i))` played in periods :math:`t = 0, 1, \dots` with
    perfect monitoring. Each period, after play, the relationship ends with probability
    :math:`\rho` (turnover: a leader loses office, a client regime falls). With the discount
    factor :math:`\delta`, player :math:`i`'s normalised payoff from a path :math:`(a^t)` is

    .. math::

        U_i = (1 - \hat\delta) \sum_{t \ge 0} \hat\delta^t u_i(a^t), \qquad
        \hat\delta = \delta (1 - \rho),

    so turnover acts exactly as extra impatience (the *effective* discount factor
    :math:`\hat\delta`). Sources: Fudenberg and Tirole, *Game Theory* (1991), ch. 5; Mailath
    and Samuelson, *Repeated Games and Reputations* (2006), ch. 2; McGillivray and Smith,
    *International Organization* 54 (2000) on turnover.

Stochastic game
    States :math:`s \in \{0, \dots, S-1\}`; in state :math:`s` the players play the stage game
    :math:`u(s, \cdot)`, and the next state is drawn from :math:`q(\cdot \mid s, a)`. A Markov
    strategy maps states to actions; payoffs are discounted with :math:`\delta`. Sources:
    Shapley, *PNAS* 39 (1953); Maskin and Tirole, *JET* 100 (2001) for Markov perfect
    equilibrium.

Both types carry a leading batch shape like :class:`~irgames.games.normal_form.NormalFormGame`:
the discount factor and the turnover may be arrays that broadcast with the payoffs' batch.

Examples
--------
>>> import numpy as np
>>> from irgames.games.normal_form import NormalFormGame
>>> from irgames.games.repeated import RepeatedGame, StochasticGame
>>> pd = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> RepeatedGame(pd, [0.5, 0.9], termination=0.2).effective_discount.round(6).tolist()
[0.4, 0.72]
>>> payoffs = np.zeros((2, 1, 2))          # 2 states, 1 player, 2 actions
>>> stay = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
>>> StochasticGame(payoffs, stay, 0.9).num_states
2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .normal_form import GameValueError, NormalFormGame, _as_finite_array
from .normal_form import _unit as _payoff_unit

__all__ = ["RepeatedGame", "StochasticGame", "check_discount"]


def check_discount(delta, what: str = "delta") -> np.ndarray:
    r"""Validate discount factors: finite numbers in the open interval :math:`(0, 1)`.

    >>> check_discount(0.9).item()
    0.9
    """
    delta = _as_finite_array(delta, what)
    if np.any((delta <= 0) | (delta >= 1)):
        bad = delta[(delta <= 0) | (delta >= 1)].reshape(-1)[0]
        raise GameValueError(f"{what} must lie in the open interval (0, 1); got {bad}")
    return delta


def _broadcast_batch(batch: tuple[int, ...], array: np.ndarray, what: str) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(batch, array.shape))
    except ValueError:
        raise GameValueError(
            f"{what} of shape {array.shape} does not broadcast with the batch shape {batch}"
        ) from None


@dataclass(frozen=True, eq=False)
class RepeatedGame:
    r"""A stage game repeated with discounting and a per-period termination probability.

    Parameters
    ----------
    stage : NormalFormGame
        The stage game (a batch of them).
    delta : array_like
        Discount factor(s) in :math:`(0, 1)`; broadcasts with ``stage.batch_shape``.
    termination : array_like, optional
        Per-period probability :math:`\rho \in [0, 1)` that the relationship ends (turnover).

    Attributes
    ----------
    batch_shape : tuple of int
        The broadcast of the stage game's batch with the shapes of ``delta`` and
        ``termination``.
    """

    stage: NormalFormGame
    delta: np.ndarray
    termination: np.ndarray
    batch_shape: tuple[int, ...]

    def __init__(self, stage: NormalFormGame, delta, *, termination=0.0):
        if not isinstance(stage, NormalFormGame):
            raise GameValueError(f"stage must be a NormalFormGame, got {type(stage).__name__}")
        delta = check_discount(delta)
        termination = _as_finite_array(termination, "termination")
        if np.any((termination < 0) | (termination >= 1)):
            bad = termination[(termination < 0) | (termination >= 1)].reshape(-1)[0]
            raise GameValueError(f"termination must lie in [0, 1); got {bad}")
        batch = _broadcast_batch(stage.batch_shape, delta, "delta")
        batch = _broadcast_batch(batch, termination, "termination")
        for name, value in (("delta", delta), ("termination", termination)):
            value = np.broadcast_to(value, batch).copy()
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "stage", stage)
        object.__setattr__(self, "batch_shape", batch)

    @property
    def n_players(self) -> int:
        return self.stage.n_players

    @property
    def num_actions(self) -> tuple[int, ...]:
        return self.stage.num_actions

    @property
    def effective_discount(self) -> np.ndarray:
        r"""The effective discount factor :math:`\hat\delta = \delta (1 - \rho)`, shape batch."""
        return self.delta * (1.0 - self.termination)

    def stage_payoffs(self) -> np.ndarray:
        """Stage payoffs broadcast to the full batch: ``(*batch, n, a_1, ..., a_n)``."""
        tail = self.stage.payoffs.shape[len(self.stage.batch_shape) :]
        return np.broadcast_to(self.stage.payoffs, self.batch_shape + tail)

    def __repr__(self) -> str:
        return (
            f"RepeatedGame(n_players={self.n_players}, num_actions={self.num_actions}, "
            f"batch_shape={self.batch_shape})"
        )


@dataclass(frozen=True, eq=False)
class StochasticGame:
    r"""A batch of finite-state discounted stochastic games.

    Parameters
    ----------
    payoffs : array_like
        Shape ``(*batch, S, n, a_1, ..., a_n)``: ``payoffs[..., s, i, a]`` is
        :math:`u_i(s, a)`.
    transitions : array_like
        Shape ``(*batch, S, a_1, ..., a_n, S)``: ``transitions[..., s, a, t]`` is
        :math:`q(t \mid s, a)`; every row must lie on the simplex (non-negative, summing to
        one within ``atol``). Its batch shape broadcasts with that of ``payoffs``.
    delta : array_like
        Discount factor(s) in :math:`(0, 1)`, broadcasting with the batch.
    n_players : int, optional
        Inferred from the shapes when omitted.
    atol : float
        Tolerance for the transition rows' sums.
    """

    payoffs: np.ndarray
    transitions: np.ndarray
    delta: np.ndarray
    n_players: int

    def __init__(
        self, payoffs, transitions, delta, *, n_players: int | None = None, atol: float = 1e-9
    ):
        payoffs = _as_finite_array(payoffs, "payoffs")
        transitions = _as_finite_array(transitions, "transitions")
        if transitions.ndim < 3:
            raise GameValueError(
                "transitions need shape (*batch, S, a_1, ..., a_n, S); "
                f"got shape {transitions.shape}"
            )
        S = transitions.shape[-1]
        if n_players is None:
            # payoffs (*batch, S, n, a...) with n action axes: find n with shape[-n-1] == n
            # and shape[-n-2] == S, matching the transitions' action axes.
            fits = [
                n
                for n in range(1, payoffs.ndim - 1)
                if payoffs.shape[-n - 1] == n
                and payoffs.shape[-n - 2] == S
                and transitions.ndim >= n + 2
                and transitions.shape[-n - 1 : -1] == payoffs.shape[-n:]
                and transitions.shape[-n - 2] == S
            ]
            if len(fits) != 1:
                raise GameValueError(
                    f"cannot read the number of players from payoffs {payoffs.shape} and "
                    f"transitions {transitions.shape}; pass n_players"
                    if fits
                    else f"payoffs {payoffs.shape} and transitions {transitions.shape} do not "
                    "fit (*batch, S, n, a_1..a_n) and (*batch, S, a_1..a_n, S)"
                )
            n_players = fits[0]
        n = int(n_players)
        if payoffs.ndim < n + 2 or payoffs.shape[-n - 1] != n or payoffs.shape[-n - 2] != S:
            raise GameValueError(
                f"payoffs must have shape (*batch, S={S}, n={n}, a_1..a_n); got {payoffs.shape}"
            )
        actions = payoffs.shape[-n:]
        if transitions.ndim < n + 2 or transitions.shape[-n - 2 :] != (S, *actions, S):
            raise GameValueError(
                f"transitions must have shape (*batch, {S}, {', '.join(map(str, actions))}, "
                f"{S}) to match the payoffs; got {transitions.shape}"
            )
        if np.any(transitions < -atol):
            where = tuple(int(x) for x in np.argwhere(transitions < -atol)[0])
            raise GameValueError(
                f"transition probabilities must be non-negative; found "
                f"{transitions[where]} at index {where}"
            )
        sums = transitions.sum(axis=-1)
        off = np.abs(sums - 1.0) > atol * S
        if np.any(off):
            where = tuple(int(x) for x in np.argwhere(off)[0])
            raise GameValueError(
                f"each transition row q(. | s, a) must sum to one; the row at index {where} "
                f"sums to {sums[where]}"
            )
        delta = check_discount(delta)
        pb = payoffs.shape[: -n - 2]
        tb = transitions.shape[: -n - 2]
        batch = _broadcast_batch(pb, transitions[(..., *([0] * (n + 2)))], "transitions")
        batch = _broadcast_batch(batch, delta, "delta")
        payoffs = np.broadcast_to(payoffs, batch + payoffs.shape[len(pb) :]).copy()
        transitions = np.broadcast_to(
            np.clip(transitions, 0.0, None), batch + transitions.shape[len(tb) :]
        ).copy()
        delta = np.broadcast_to(delta, batch).copy()
        for name, value in (("payoffs", payoffs), ("transitions", transitions), ("delta", delta)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "n_players", n)

    @property
    def num_states(self) -> int:
        return int(self.transitions.shape[-1])

    @property
    def num_actions(self) -> tuple[int, ...]:
        return tuple(int(a) for a in self.payoffs.shape[-self.n_players :])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.payoffs.shape[: -self.n_players - 2])

    @property
    def payoff_units(self) -> np.ndarray:
        r"""Each player's payoff unit: the range of her stage payoffs over states and profiles.

        .. math::

            s_i = \max_{s, a} u_i(s, a) - \min_{s, a} u_i(s, a) \quad (1 \text{ if constant}),

        shape ``(*batch_shape, n_players)``: the package's one notion of a payoff unit
        (:func:`irgames.games.normal_form.payoff_units`). Normalised values
        :math:`V_i = (1 - \delta) \sum_t \delta^t u_i` lie in the same range, so the
        solvers judge player :math:`i`'s best responses, ties and convergence in
        :math:`s_i`.

        Examples
        --------
        >>> u = np.array([[[[3.0, 0.0], [5.0, 1.0]], [[3e-9, 5e-9], [0.0, 1e-9]]]])
        >>> StochasticGame(u, np.ones((1, 2, 2, 1)), 0.9).payoff_units.round(12).tolist()
        [5.0, 5e-09]
        """
        n = self.n_players
        axes = (-n - 2, *range(-n, 0))  # states and actions; the player axis stays
        with np.errstate(over="ignore", invalid="ignore"):
            spread = self.payoffs.max(axis=axes) - self.payoffs.min(axis=axes)
        return _payoff_unit(spread)

    @property
    def payoff_scale(self) -> np.ndarray:
        r"""Per game, the largest range of one player's stage payoffs (1 if all are flat).

        :math:`\max_i (\max_{s, a} u_i(s, a) - \min_{s, a} u_i(s, a))` over states and action
        profiles, kept for reporting; the solvers use each player's own unit,
        :attr:`payoff_units`.
        """
        n = self.n_players
        axes = (-n - 2, *range(-n, 0))  # states and actions; the player axis stays
        with np.errstate(over="ignore"):
            spread = (self.payoffs.max(axis=axes) - self.payoffs.min(axis=axes)).max(axis=-1)
        return _payoff_unit(spread)

    def stage_game(self, state: int) -> NormalFormGame:
        """The stage game of ``state`` (payoffs without continuation values)."""
        return NormalFormGame(
            self.payoffs[..., state, :, *[slice(None)] * self.n_players], n_players=self.n_players
        )

    @classmethod
    def from_repeated(cls, game: RepeatedGame) -> StochasticGame:
        """A repeated game as a one-state stochastic game with the effective discount."""
        payoffs = game.stage_payoffs()[..., None, :, *[slice(None)] * game.n_players]
        shape = (*game.batch_shape, 1, *game.num_actions, 1)
        return cls(payoffs, np.ones(shape), game.effective_discount, n_players=game.n_players)

    def __repr__(self) -> str:
        return (
            f"StochasticGame(n_players={self.n_players}, num_states={self.num_states}, "
            f"num_actions={self.num_actions}, batch_shape={self.batch_shape})"
        )
