r"""Signalling (sender-receiver) games, held in batches.

Nature draws the sender's type :math:`t \in T` from a prior :math:`p \in \Delta(T)`; the sender,
knowing :math:`t`, sends a message :math:`m \in M`; the receiver, seeing :math:`m` but not
:math:`t`, picks a response :math:`r \in R`. Payoffs are :math:`u_S(t, m, r)` and
:math:`u_R(t, m, r)`. irgames stores a *batch* of such games that share :math:`|T|, |M|, |R|`:

.. math::

    \texttt{prior}[b, t] = p^{(b)}(t), \qquad
    \texttt{sender\_payoffs}[b, t, m, r] = u_S^{(b)}(t, m, r),

with shapes ``(*batch, T)`` and ``(*batch, T, M, R)`` (and the same for the receiver).

A behaviour profile is a sender strategy :math:`\sigma(m \mid t)` (shape ``(..., T, M)``), a
receiver strategy :math:`\rho(r \mid m)` (shape ``(..., M, R)``) and beliefs
:math:`\mu(t \mid m)` (shape ``(..., M, T)``). It is a *perfect Bayesian equilibrium* when

1. every type's message is optimal: :math:`\sigma(m \mid t) > 0 \Rightarrow
   m \in \arg\max_{m'} \sum_r \rho(r \mid m') u_S(t, m', r)`;
2. every response is optimal given the belief at its message:
   :math:`\rho(r \mid m) > 0 \Rightarrow r \in \arg\max_{r'} \sum_t \mu(t \mid m) u_R(t, m, r')`;
3. beliefs follow Bayes' rule wherever it applies:
   :math:`\mu(t \mid m) = p(t)\sigma(m \mid t) / \sum_{t'} p(t')\sigma(m \mid t')` whenever the
   denominator is positive; off the path (denominator zero) any belief in :math:`\Delta(T)`.

:func:`pbe_regret` measures how far a profile is from these three conditions; it is the
definition that the solvers of :mod:`irgames.solvers.pbe` are held to, and it shares no code
with them. :meth:`SignallingGame.to_normal_form` gives the ex-ante strategic form (sender
strategies :math:`M^T`, receiver strategies :math:`R^M`), in which every PBE is a Nash
equilibrium.

Examples
--------
Beer-Quiche (Cho and Kreps 1987): types (wimp, surly), messages (beer, quiche), responses
(duel, don't).

>>> import numpy as np
>>> from irgames.games.signalling import SignallingGame
>>> game = SignallingGame.beer_quiche()
>>> game.num_types, game.num_messages, game.num_responses, game.batch_shape
(2, 2, 2, ())
>>> sweep = SignallingGame.beer_quiche(prior_wimp=np.linspace(0.05, 0.95, 7))
>>> sweep.batch_shape
(7,)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .normal_form import GameValueError, NormalFormGame, _as_finite_array
from .normal_form import _unit as _payoff_unit

if TYPE_CHECKING:
    from .extensive_form import ExtensiveFormGame

__all__ = ["SignallingGame", "pbe_regret", "screening_tree"]


@dataclass(frozen=True, eq=False)
class SignallingGame:
    r"""A batch of sender-receiver games with the same numbers of types, messages, responses.

    Parameters
    ----------
    prior : array_like, shape ``(*batch, T)``
        Nature's distribution of the sender's type: non-negative, summing to one.
    sender_payoffs, receiver_payoffs : array_like, shape ``(*batch, T, M, R)``
        :math:`u_S(t, m, r)` and :math:`u_R(t, m, r)`. The three arrays' batch shapes
        broadcast against each other.
    types, messages, responses : sequence of str, optional
        Labels (default ``t0, t1, ...``, ``m0, ...``, ``r0, ...``).

    Raises
    ------
    GameValueError
        If a payoff is not finite, the prior is not a distribution, or shapes do not fit.
    """

    prior: np.ndarray
    sender_payoffs: np.ndarray
    receiver_payoffs: np.ndarray
    types: tuple[str, ...]
    messages: tuple[str, ...]
    responses: tuple[str, ...]

    def __init__(
        self,
        prior,
        sender_payoffs,
        receiver_payoffs,
        *,
        types: Sequence[str] | None = None,
        messages: Sequence[str] | None = None,
        responses: Sequence[str] | None = None,
        atol: float = 1e-9,
    ):
        prior = _as_finite_array(prior, "prior")
        us = _as_finite_array(sender_payoffs, "sender_payoffs")
        ur = _as_finite_array(receiver_payoffs, "receiver_payoffs")
        if prior.ndim < 1:
            raise GameValueError("prior must have a trailing axis of types, got a scalar")
        for name, arr in (("sender_payoffs", us), ("receiver_payoffs", ur)):
            if arr.ndim < 3:
                raise GameValueError(
                    f"{name} must have shape (*batch, T, M, R); got shape {arr.shape}"
                )
        if us.shape[-3:] != ur.shape[-3:]:
            raise GameValueError(
                "sender_payoffs and receiver_payoffs must have the same (T, M, R); got "
                f"{us.shape[-3:]} and {ur.shape[-3:]}"
            )
        n_types, n_messages, n_responses = us.shape[-3:]
        if min(n_types, n_messages, n_responses) < 1:
            raise GameValueError(f"(T, M, R) must all be positive; got {us.shape[-3:]}")
        if prior.shape[-1] != n_types:
            raise GameValueError(
                f"prior has {prior.shape[-1]} types but the payoffs have {n_types}"
            )
        if np.any(prior < -atol):
            raise GameValueError(f"prior has a negative probability: min {prior.min():.3g}")
        total = prior.sum(axis=-1)
        if np.any(np.abs(total - 1.0) > atol * n_types):
            worst = float(np.max(np.abs(total - 1.0)))
            raise GameValueError(f"prior must sum to one over the types; off by up to {worst:.3g}")
        try:
            batch = np.broadcast_shapes(prior.shape[:-1], us.shape[:-3], ur.shape[:-3])
        except ValueError:
            raise GameValueError(
                f"batch shapes do not broadcast: prior {prior.shape[:-1]}, sender_payoffs "
                f"{us.shape[:-3]}, receiver_payoffs {ur.shape[:-3]}"
            ) from None
        prior = np.broadcast_to(np.clip(prior, 0.0, None), (*batch, n_types)).copy()
        us = np.broadcast_to(us, (*batch, n_types, n_messages, n_responses)).copy()
        ur = np.broadcast_to(ur, (*batch, n_types, n_messages, n_responses)).copy()
        for arr in (prior, us, ur):
            arr.setflags(write=False)
        object.__setattr__(self, "prior", prior)
        object.__setattr__(self, "sender_payoffs", us)
        object.__setattr__(self, "receiver_payoffs", ur)
        object.__setattr__(self, "types", _labels(types, n_types, "t", "types"))
        object.__setattr__(self, "messages", _labels(messages, n_messages, "m", "messages"))
        object.__setattr__(self, "responses", _labels(responses, n_responses, "r", "responses"))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def beer_quiche(
        cls, prior_wimp=0.1, *, dislike: float = 1.0, duel_cost: float = 2.0
    ) -> SignallingGame:
        r"""Cho and Kreps' (1987) Beer-Quiche game, as in Gambit's ``e17.efg``.

        Types (wimp, surly) with :math:`p(\text{wimp})` = ``prior_wimp`` (an array gives a
        batch); messages (beer, quiche); responses (duel, don't). The sender gets ``dislike``
        for its preferred breakfast (quiche for the wimp, beer for the surly type) plus
        ``duel_cost`` if not challenged; the receiver gets 1 for dueling a wimp or for not
        dueling a surly type, 0 otherwise.
        """
        q = np.asarray(prior_wimp, dtype=float)
        prior = np.stack([q, 1.0 - q], axis=-1)
        us = np.zeros((2, 2, 2))
        ur = np.zeros((2, 2, 2))
        favourite = {0: 1, 1: 0}  # wimp likes quiche, surly likes beer
        for t, m, r in itertools.product(range(2), repeat=3):
            us[t, m, r] = dislike * (m == favourite[t]) + duel_cost * (r == 1)
            ur[t, m, r] = float((t == 0 and r == 0) or (t == 1 and r == 1))
        return cls(
            prior,
            us,
            ur,
            types=("wimp", "surly"),
            messages=("beer", "quiche"),
            responses=("duel", "don't"),
        )

    @classmethod
    def from_tree(cls, tree: ExtensiveFormGame) -> SignallingGame:
        r"""Read a sender-receiver game off an extensive-form game tree.

        The tree must be: a chance node at the root (the types), each of whose children is a
        decision node of one player, the sender, in an information set of its own; each
        sender action leads to a decision node of the other player, the receiver, whose
        information sets are the messages (the receiver sees the message, not the type: the
        nodes that follow one message from every type form one information set); every
        receiver action leads to a terminal node. Messages are identified by the receiver's
        information sets (in order of first appearance), responses by position.

        Raises
        ------
        GameValueError
            Naming the first node where the tree departs from that shape.

        Examples
        --------
        >>> g = SignallingGame.beer_quiche()
        >>> back = SignallingGame.from_tree(g.to_tree())
        >>> bool(np.allclose(back.sender_payoffs, g.sender_payoffs))
        True
        """
        from .extensive_form import CHANCE, TERMINAL, ExtensiveFormGame

        if not isinstance(tree, ExtensiveFormGame):
            raise GameValueError(f"from_tree needs an ExtensiveFormGame, got {type(tree).__name__}")
        tree.require_bound()
        if tree.n_players != 2:
            raise GameValueError(
                "a signalling game has two players (sender, receiver); the tree has "
                f"{tree.n_players}"
            )
        if tree.mover[0] != CHANCE:
            raise GameValueError(
                "a signalling game starts with Nature's draw: the root must be a chance node"
            )
        T = int(tree.num_children[0])
        type_nodes = tree.children[0, :T]
        sender = int(tree.mover[type_nodes[0]])
        if np.any(tree.mover[type_nodes] != sender) or sender < 0:
            raise GameValueError(
                "every child of the root must be a decision node of the same player (the sender)"
            )
        receiver = 1 - sender
        sender_sets = tree.infoset[type_nodes]
        if np.any(tree.infoset_size[sender_sets] != 1):
            v = int(type_nodes[np.flatnonzero(tree.infoset_size[sender_sets] != 1)[0]])
            raise GameValueError(
                f"the sender must know its type: node {v}'s information set holds other nodes"
            )
        M = int(tree.num_children[type_nodes[0]])
        messages: dict[int, int] = {}
        where = np.zeros((T, M), dtype=np.int64)  # receiver node of (type, message)
        for t, v in enumerate(type_nodes):
            if int(tree.num_children[v]) != M:
                raise GameValueError(
                    f"every type must have the same number of messages (node {int(v)})"
                )
            seen = set()
            for a in range(M):
                w = int(tree.children[v, a])
                if tree.mover[w] != receiver:
                    raise GameValueError(
                        f"node {w} follows a message but is not the receiver's decision node"
                    )
                h = int(tree.infoset[w])
                if t == 0:
                    messages.setdefault(h, len(messages))
                if h not in messages or h in seen:
                    raise GameValueError(
                        f"node {w}: the receiver's information sets must be one per message, "
                        "each reached once by every type"
                    )
                seen.add(h)
                where[t, messages[h]] = w
        if np.any(tree.infoset_size[list(messages)] != T):
            raise GameValueError(
                "each of the receiver's information sets must hold one node per type"
            )
        R = int(tree.num_children[where[0, 0]])
        nodes = where.reshape(-1)
        if np.any(tree.num_children[nodes] != R):
            raise GameValueError(
                "the receiver must have the same number of responses at every message"
            )
        leaves = tree.children[nodes][:, :R]  # (T*M, R)
        if np.any(tree.mover[leaves] != TERMINAL):
            raise GameValueError("every response of the receiver must end the game (terminal node)")
        rows = tree.terminal_index[leaves].reshape(T, M, R)
        pay = tree.payoffs[..., rows, :]  # (*batch, T, M, R, 2)
        prior = tree.chance_probs[..., int(tree.chance_index[0]), :T]
        first = {h: int(where[0, k]) for h, k in messages.items()}
        message_labels = [""] * M
        for h, k in messages.items():
            parent_action = int(tree.action_index[first[h]])
            message_labels[k] = tree.action_labels[int(type_nodes[0])][parent_action]
        return cls(
            prior,
            pay[..., sender],
            pay[..., receiver],
            types=tree.action_labels[0][:T],
            messages=message_labels,
            responses=tree.action_labels[int(where[0, 0])][:R],
        )

    def to_tree(self, players: Sequence[str] = ("Sender", "Receiver")) -> ExtensiveFormGame:
        r"""This batch as an :class:`~irgames.games.extensive_form.ExtensiveFormGame`.

        Nodes, parents first: the root (Nature), the :math:`T` type nodes, the :math:`TM`
        receiver nodes (type-major), then the :math:`TMR` terminals. The receiver's
        information set :math:`m` holds the nodes that follow message :math:`m`.
        """
        from .extensive_form import CHANCE, TERMINAL, ExtensiveFormGame

        T, M, R = self.num_types, self.num_messages, self.num_responses
        first_receiver = 1 + T
        first_leaf = first_receiver + T * M
        n = first_leaf + T * M * R
        parent = np.empty(n, dtype=np.int64)
        mover = np.empty(n, dtype=np.int64)
        infoset = np.full(n, -1, dtype=np.int64)
        parent[0], mover[0] = -1, CHANCE
        parent[1:first_receiver] = 0
        mover[1:first_receiver] = 0
        infoset[1:first_receiver] = np.arange(T)
        tm = np.arange(T * M)
        parent[first_receiver:first_leaf] = 1 + tm // M
        mover[first_receiver:first_leaf] = 1
        infoset[first_receiver:first_leaf] = T + tm % M
        parent[first_leaf:] = first_receiver + np.arange(T * M * R) // R
        mover[first_leaf:] = TERMINAL
        labels = (
            [self.types] + [self.messages] * T + [self.responses] * (T * M) + [()] * (T * M * R)
        )
        payoffs = np.stack(
            [
                self.sender_payoffs.reshape(*self.batch_shape, -1),
                self.receiver_payoffs.reshape(*self.batch_shape, -1),
            ],
            axis=-1,
        )
        return ExtensiveFormGame(
            players,
            parent,
            mover,
            infoset=infoset,
            action_labels=labels,
            infoset_labels=[f"type {t}" for t in self.types]
            + [f"after {m}" for m in self.messages],
            payoffs=payoffs,
            chance_probs=self.prior[..., None, :],
            title="signalling game",
        )

    # ------------------------------------------------------------------ shape
    @property
    def num_types(self) -> int:
        return int(self.sender_payoffs.shape[-3])

    @property
    def num_messages(self) -> int:
        return int(self.sender_payoffs.shape[-2])

    @property
    def num_responses(self) -> int:
        return int(self.sender_payoffs.shape[-1])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.prior.shape[:-1])

    @property
    def batch_size(self) -> int:
        return int(np.prod(self.batch_shape, dtype=np.int64))

    @property
    def payoff_units(self) -> np.ndarray:
        r"""Each player's payoff unit: ``[..., 0]`` the sender's, ``[..., 1]`` the receiver's.

        .. math::

            s_S = \max u_S - \min u_S, \qquad s_R = \max u_R - \min u_R

        over all (type, message, response), 1 where a player's payoffs are constant; shape
        ``(*batch_shape, 2)``. The package's one notion of a payoff unit
        (:func:`irgames.games.normal_form.payoff_units`): a type's best message is judged
        within ``tol`` :math:`\cdot s_S`, the receiver's best response within ``tol``
        :math:`\cdot s_R`, so scaling or shifting one player's payoffs changes no
        equilibrium.

        Examples
        --------
        >>> SignallingGame.beer_quiche().payoff_units.tolist()
        [3.0, 1.0]
        """
        axes = (-3, -2, -1)
        with np.errstate(over="ignore", invalid="ignore"):
            spread = np.stack(
                [
                    self.sender_payoffs.max(axis=axes) - self.sender_payoffs.min(axis=axes),
                    self.receiver_payoffs.max(axis=axes) - self.receiver_payoffs.min(axis=axes),
                ],
                axis=-1,
            )
        return _payoff_unit(spread)

    @property
    def payoff_scale(self) -> np.ndarray:
        r"""Per game, the larger of the sender's and the receiver's payoff ranges (1 if zero).

        Kept for reporting; the solvers judge each player's ties in her own unit,
        :attr:`payoff_units`.
        """
        axes = (-3, -2, -1)
        with np.errstate(over="ignore"):
            spread = np.maximum(
                self.sender_payoffs.max(axis=axes) - self.sender_payoffs.min(axis=axes),
                self.receiver_payoffs.max(axis=axes) - self.receiver_payoffs.min(axis=axes),
            )
        return _payoff_unit(spread)

    def flatten(self) -> SignallingGame:
        """The same games with the batch shape flattened to ``(batch_size,)``."""
        n = self.batch_size
        return SignallingGame(
            self.prior.reshape(n, -1),
            self.sender_payoffs.reshape(n, *self.sender_payoffs.shape[-3:]),
            self.receiver_payoffs.reshape(n, *self.receiver_payoffs.shape[-3:]),
            types=self.types,
            messages=self.messages,
            responses=self.responses,
        )

    def __getitem__(self, index) -> SignallingGame:
        """Index the batch (never the types, messages or responses)."""
        if not self.batch_shape:
            # builtin: the sequence protocol (indexing)
            raise IndexError("a single game (empty batch shape) cannot be indexed")
        if not isinstance(index, tuple):
            index = (index,)
        return SignallingGame(
            self.prior[(*index, slice(None))],
            self.sender_payoffs[(*index, slice(None), slice(None), slice(None))],
            self.receiver_payoffs[(*index, slice(None), slice(None), slice(None))],
            types=self.types,
            messages=self.messages,
            responses=self.responses,
        )

    # ------------------------------------------------------------------ strategic form
    def pure_sender_strategies(self) -> np.ndarray:
        """All pure sender strategies, shape ``(M**T, T)``: row ``k`` maps type to message.

        The order is lexicographic with the first type's message varying slowest.
        """
        return np.array(
            list(itertools.product(range(self.num_messages), repeat=self.num_types)),
            dtype=np.int64,
        ).reshape(-1, self.num_types)

    def pure_receiver_strategies(self) -> np.ndarray:
        """All pure receiver strategies, shape ``(R**M, M)``: row ``k`` maps message to response."""
        return np.array(
            list(itertools.product(range(self.num_responses), repeat=self.num_messages)),
            dtype=np.int64,
        ).reshape(-1, self.num_messages)

    def to_normal_form(self) -> NormalFormGame:
        r"""The ex-ante strategic form: sender strategies :math:`M^T`, receiver :math:`R^M`.

        Payoffs are expectations over Nature's prior,
        :math:`U_i(s, r) = \sum_t p(t)\, u_i(t, s(t), r(s(t)))`, with strategies ordered as in
        :meth:`pure_sender_strategies` and :meth:`pure_receiver_strategies`.
        """
        senders = self.pure_sender_strategies()  # (S, T)
        receivers = self.pure_receiver_strategies()  # (Q, M)
        types = np.arange(self.num_types)
        # responses[q, s, t] = receiver strategy q's response to the message of type t under s
        responses = receivers[:, senders]  # (Q, S, T)
        tables = []
        for payoff in (self.sender_payoffs, self.receiver_payoffs):
            values = payoff[..., types[None, None, :], senders[None, :, :], responses]
            # values: (*batch, Q, S, T)
            expected = (values * self.prior[..., None, None, :]).sum(axis=-1)
            tables.append(np.swapaxes(expected, -1, -2))  # (*batch, S, Q)
        return NormalFormGame.bimatrix(tables[0], tables[1])

    def __repr__(self) -> str:
        return (
            f"SignallingGame(types={self.num_types}, messages={self.num_messages}, "
            f"responses={self.num_responses}, batch_shape={self.batch_shape})"
        )


def _labels(labels, n: int, prefix: str, what: str) -> tuple[str, ...]:
    if labels is None:
        return tuple(f"{prefix}{k}" for k in range(n))
    labels = tuple(str(x) for x in labels)
    if len(labels) != n:
        raise GameValueError(f"{what} needs {n} labels, got {len(labels)}")
    return labels


@dataclass(frozen=True)
class PBERegret:
    """How far a behaviour profile is from a perfect Bayesian equilibrium.

    Attributes
    ----------
    sender : ndarray, shape ``(*batch, T)``
        Per type, the best message's expected payoff minus the payoff of the type's strategy.
    receiver : ndarray, shape ``(*batch, M)``
        Per message, the best response's expected payoff under the belief minus that of the
        receiver's strategy.
    bayes : ndarray, shape ``(*batch, M)``
        Per message on the path, the largest gap between the belief and Bayes' rule (0 off it).
    on_path : ndarray of bool, shape ``(*batch, M)``
        Whether the message is sent with positive probability.
    """

    sender: np.ndarray
    receiver: np.ndarray
    bayes: np.ndarray
    on_path: np.ndarray

    def max(self) -> np.ndarray:
        """The worst of the three, per game (payoff units for the first two)."""
        return np.maximum(
            np.maximum(self.sender.max(axis=-1), self.receiver.max(axis=-1)),
            self.bayes.max(axis=-1),
        )


def pbe_regret(game: SignallingGame, sender, receiver, beliefs) -> PBERegret:
    r"""Regrets of a behaviour profile of a signalling game, against the definition of PBE.

    Parameters
    ----------
    game : SignallingGame
    sender : array_like, shape ``(..., T, M)``
        :math:`\sigma(m \mid t)`; the leading shape broadcasts with the batch shape.
    receiver : array_like, shape ``(..., M, R)``
        :math:`\rho(r \mid m)`.
    beliefs : array_like, shape ``(..., M, T)``
        :math:`\mu(t \mid m)`.

    Returns
    -------
    PBERegret
        Sender regret per type :math:`\max_m V_S(t, m) - \sum_m \sigma(m\mid t) V_S(t, m)`
        with :math:`V_S(t, m) = \sum_r \rho(r\mid m) u_S(t, m, r)`; receiver regret per message
        :math:`\max_r W(m, r) - \sum_r \rho(r\mid m) W(m, r)` with
        :math:`W(m, r) = \sum_t \mu(t\mid m) u_R(t, m, r)`; and the distance of beliefs from
        Bayes' rule on the path.

    Examples
    --------
    >>> from irgames.games.signalling import SignallingGame, pbe_regret
    >>> g = SignallingGame.beer_quiche()
    >>> beer = [[1, 0], [1, 0]]                  # both types drink beer
    >>> resp = [[0, 1], [1, 0]]                  # no duel after beer, duel after quiche
    >>> mu = [[0.1, 0.9], [1.0, 0.0]]            # off path: quiche means wimp
    >>> float(pbe_regret(g, beer, resp, mu).max())
    0.0
    """
    sender = np.asarray(sender, dtype=float)
    receiver = np.asarray(receiver, dtype=float)
    beliefs = np.asarray(beliefs, dtype=float)
    T, M, R = game.num_types, game.num_messages, game.num_responses
    for name, arr, shape in (
        ("sender", sender, (T, M)),
        ("receiver", receiver, (M, R)),
        ("beliefs", beliefs, (M, T)),
    ):
        if arr.ndim < 2 or arr.shape[-2:] != shape:
            raise GameValueError(f"{name} must end in shape {shape}; got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise GameValueError(f"{name} has non-finite entries")
        if np.any(arr < -1e-9) or np.any(np.abs(arr.sum(axis=-1) - 1.0) > 1e-9 * arr.shape[-1]):
            raise GameValueError(
                f"{name} must be distributions (rows non-negative, summing to one)"
            )
    # Sender: V_S(t, m) = sum_r rho(r|m) u_S(t, m, r).
    v_sender = np.einsum("...tmr,...mr->...tm", game.sender_payoffs, receiver)
    current = (v_sender * sender).sum(axis=-1)
    sender_regret = np.maximum(v_sender.max(axis=-1) - current, 0.0)
    # Receiver: W(m, r) = sum_t mu(t|m) u_R(t, m, r).
    w = np.einsum("...tmr,...mt->...mr", game.receiver_payoffs, beliefs)
    chosen = (w * receiver).sum(axis=-1)
    receiver_regret = np.maximum(w.max(axis=-1) - chosen, 0.0)
    # Bayes' rule where the message has positive probability.
    joint = game.prior[..., :, None] * sender  # (..., T, M)
    mass = joint.sum(axis=-2)  # (..., M)
    on_path = mass > 1e-12
    posterior = np.swapaxes(joint, -1, -2) / np.where(on_path, mass, 1.0)[..., None]
    gap = np.abs(posterior - beliefs).max(axis=-1)
    bayes = np.where(on_path, gap, 0.0)
    return PBERegret(sender_regret, receiver_regret, bayes, on_path)


def screening_tree(
    prior,
    principal_payoffs,
    agent_payoffs,
    *,
    players: Sequence[str] = ("Principal", "Agent"),
    types: Sequence[str] | None = None,
    offers: Sequence[str] | None = None,
    responses: Sequence[str] | None = None,
) -> ExtensiveFormGame:
    r"""A batch of screening games as a game tree.

    The uninformed principal makes an offer :math:`c \in C` (a contract, or a menu of them);
    Nature draws the agent's type :math:`t \sim p`; the agent, knowing :math:`t` and
    :math:`c`, responds with :math:`a \in A` (accept, reject, or an item of the menu). Payoffs
    :math:`u_P(t, c, a)` and :math:`u_A(t, c, a)` have shape ``(*batch, T, C, A)``. Since the
    principal moves knowing nothing, putting its move before Nature's gives the same game
    with perfect information, so backward induction
    (:func:`irgames.solvers.backward_induction.backward_induction`) and the agent QRE solve it
    for the whole batch.

    Returns
    -------
    ExtensiveFormGame
        Nodes: the principal's root, :math:`C` chance nodes, :math:`CT` agent nodes
        (offer-major), then the :math:`CTA` terminals.

    Examples
    --------
    A candidate of type q (her chance of winning) accepts support 0.3 for a public
    endorsement that costs her a fraction 0.5 of a prize 1 iff 0.3 >= 0.5 q:

    >>> import numpy as np
    >>> q = np.array([0.2, 0.8])
    >>> agent = np.zeros((2, 2, 2))
    >>> agent[:, 1, 0] = q                 # no offer: keep her chances
    >>> agent[:, 1, 1] = q
    >>> agent[:, 0, 0] = 0.3 + 0.5 * q     # offer accepted: support, halved chances
    >>> agent[:, 0, 1] = q                 # offer refused
    >>> principal = np.zeros((2, 2, 2))
    >>> principal[:, 0, 0] = 1.0 - 0.3     # an endorsement is worth 1 to the patron
    >>> tree = screening_tree([0.5, 0.5], principal, agent, offers=["offer", "none"],
    ...                       responses=["accept", "refuse"])
    >>> tree.n_nodes, tree.is_perfect_information
    (15, True)
    """
    from .extensive_form import CHANCE, TERMINAL, ExtensiveFormGame

    prior = _as_finite_array(prior, "prior")
    up = _as_finite_array(principal_payoffs, "principal_payoffs")
    ua = _as_finite_array(agent_payoffs, "agent_payoffs")
    # validate through the signalling game's checks (same shapes: type, move, response)
    game = SignallingGame(prior, up, ua, types=types, messages=offers, responses=responses)
    T, C, A = game.num_types, game.num_messages, game.num_responses
    first_chance = 1
    first_agent = first_chance + C
    first_leaf = first_agent + C * T
    n = first_leaf + C * T * A
    parent = np.empty(n, dtype=np.int64)
    mover = np.empty(n, dtype=np.int64)
    parent[0], mover[0] = -1, 0
    parent[first_chance:first_agent] = 0
    mover[first_chance:first_agent] = CHANCE
    ct = np.arange(C * T)
    parent[first_agent:first_leaf] = first_chance + ct // T
    mover[first_agent:first_leaf] = 1
    parent[first_leaf:] = first_agent + np.arange(C * T * A) // A
    mover[first_leaf:] = TERMINAL
    labels = [game.messages] + [game.types] * C + [game.responses] * (C * T) + [()] * (C * T * A)
    # terminals are ordered (offer, type, response); the game's arrays are (type, offer, ...)
    k = len(game.batch_shape)
    order = (*range(k), k + 1, k, k + 2)
    pay = np.stack(
        [
            np.transpose(game.sender_payoffs, order).reshape(*game.batch_shape, -1),
            np.transpose(game.receiver_payoffs, order).reshape(*game.batch_shape, -1),
        ],
        axis=-1,
    )
    chance = np.broadcast_to(game.prior[..., None, :], (*game.batch_shape, C, T))
    return ExtensiveFormGame(
        players,
        parent,
        mover,
        action_labels=labels,
        payoffs=pay,
        chance_probs=chance,
        title="screening game",
    )
