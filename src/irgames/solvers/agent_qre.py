r"""Agent quantal response equilibrium of batches of game trees.

In an extensive-form game each information set :math:`h` of player :math:`i` is an agent that
plays the logit of its conditional expected payoffs (McKelvey and Palfrey 1998; Signorino's
strategic logit model is this for perfect-information trees):

.. math::

    \pi_h(a) \propto \exp\big(\lambda\, Q_h(a)\big), \qquad
    Q_h(a) = \frac{\sum_{v \in h} P(v)\, V_i(\mathrm{child}(v, a))}{\sum_{v \in h} P(v)},

where :math:`P(v)` is the probability of reaching :math:`v` and :math:`V(w)` the expected
payoff vector of the subtree at :math:`w`. With perfect information this is solved exactly by
one backward pass over the tree levels (batched). With imperfect information it is a fixed
point, followed in :math:`\lambda` from the centroid by the same continuation as the normal
form. :func:`agent_probit_qre` is the probit version (normal errors; Signorino's strategic
probit) for perfect-information trees.

The continuation (:func:`irgames.solvers.qre._trace`) is the one of normal-form QRE in
:mod:`irgames.solvers.qre`; ``irgames.solvers.qre.agent_logit_qre`` and the other names of
this module stay importable from there.

Examples
--------
>>> import numpy as np
>>> from irgames.games.tree_builder import TreeBuilder
>>> from irgames.solvers.agent_qre import agent_logit_qre
>>> T = TreeBuilder(["A", "B"])
>>> root = T.decision("A", {"out": T.terminal(1, 1),
...                         "in": T.decision("B", {"fight": T.terminal(0, 0),
...                                                "share": T.terminal(2, 1)})})
>>> q = agent_logit_qre(T.build(root), np.array([0.0, 50.0]))
>>> np.round(q.behaviour[0], 3).tolist(), bool(q.residual.max() < 1e-9)
([[0.5, 0.5], [0.5, 0.5]], True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SolverError
from .qre import _check_lambdas, _log_softmax, _QREResult, _trace

if TYPE_CHECKING:
    from ..games.extensive_form import ExtensiveFormGame

__all__ = ["AgentQRE", "agent_logit_qre", "agent_probit_qre"]


# ====================================================================== trees: agent QRE
@dataclass(frozen=True, eq=False)
class AgentQRE(_QREResult):
    r"""Agent logit QRE of a batch of game trees.

    Attributes
    ----------
    game : ExtensiveFormGame
        The solved (bound) game.
    lam : ndarray, shape batch_shape
    behaviour : ndarray, shape ``(*batch, n_infosets, max_actions)``
        :math:`\pi_h(a)`, zero beyond the information set's actions.
    values : ndarray, shape ``(*batch, n_nodes, n_players)``
        Expected payoffs of the subtree at every node under the behaviour profile.
    reach : ndarray, shape ``(*batch, n_nodes)``
        Probability of reaching every node.
    residual : ndarray, shape batch_shape
        :math:`\max_{h,a} |\pi_h(a) - \mathrm{logit}_\lambda(Q_h)(a)|` at the returned profile.
    converged : ndarray of bool, shape batch_shape
    method : str
        ``"backward recursion"`` (perfect information) or ``"fixed point"``.
    regret : ndarray, shape ``(*batch, n_players)``
        Each player's *Nash* regret of the QRE behaviour profile in the whole tree, computed
        from the tree by :func:`~irgames.solvers.sequence_form.tree_regret` (independent of
        the QRE solver). Not zero: a QRE is a Nash equilibrium only as
        :math:`\lambda \to \infty`. ``nan`` for trees without perfect recall. Computed on
        first access.
    """

    game: Any
    lam: np.ndarray
    behaviour: np.ndarray
    values: np.ndarray
    reach: np.ndarray
    residual: np.ndarray
    converged: np.ndarray
    method: str
    options: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def regret(self) -> np.ndarray:
        from .sequence_form import tree_regret

        batch, n = self.batch_shape, self.game.n_players
        if self.game.recall_violation() is not None:
            return np.full((*batch, n), np.nan)
        size = int(np.prod(batch, dtype=np.int64))
        behaviour = self.behaviour.reshape(size, *self.behaviour.shape[len(batch) :])
        return tree_regret(self.game, behaviour, np.arange(size))[1].reshape((*batch, n))


class _Tree:
    """Per-level index plans of a tree, for batched sweeps."""

    def __init__(self, game):
        from ..games.extensive_form import CHANCE, TERMINAL

        self.game = game
        self.A = int(game.children.shape[1])
        self.levels = [lv for lv in game.levels]
        self.internal = [lv[game.mover[lv] != TERMINAL] for lv in self.levels]
        self.is_chance = game.mover == CHANCE
        self.decision = np.flatnonzero(game.mover >= 0)
        self.valid = game.children >= 0  # (n_nodes, A)
        self.kids = np.where(self.valid, game.children, 0)
        h = game.infoset[self.decision]
        # decision nodes grouped by information set, for sums with np.add.reduceat
        self.by_infoset = np.argsort(h, kind="stable")
        self.infoset_of = h
        counts = np.bincount(h, minlength=game.n_infosets)
        self.infoset_starts = np.cumsum(counts) - counts
        first = game.infoset_nodes_first
        self.infoset_valid = self.valid[first]  # (n_infosets, A)

    def node_probs(self, pi: np.ndarray, chance: np.ndarray) -> np.ndarray:
        """Action probabilities at every node, shape (N, n_nodes, A)."""
        g = self.game
        N = pi.shape[0]
        probs = np.zeros((N, g.n_nodes, self.A))
        d = self.decision
        probs[:, d] = pi[:, g.infoset[d]]
        c = g.chance_nodes
        if c.size:
            probs[:, c, : chance.shape[-1]] = chance
        return probs

    def values(self, probs: np.ndarray, payoffs: np.ndarray) -> np.ndarray:
        g = self.game
        N = probs.shape[0]
        V = np.zeros((N, g.n_nodes, g.n_players))
        V[:, g.terminals] = payoffs
        for nodes in reversed(self.internal):
            if nodes.size == 0:
                continue
            child = V[:, self.kids[nodes]]  # (N, k, A, n)
            w = probs[:, nodes] * self.valid[nodes]
            V[:, nodes] = (w[..., None] * child).sum(axis=2)
        return V

    def reach(self, probs: np.ndarray) -> np.ndarray:
        g = self.game
        N = probs.shape[0]
        P = np.zeros((N, g.n_nodes))
        P[:, 0] = 1.0
        for nodes in self.internal:
            if nodes.size == 0:
                continue
            kids = g.children[nodes]
            ok = kids >= 0
            contrib = P[:, nodes, None] * probs[:, nodes]
            P[:, kids[ok]] = contrib[:, ok]
        return P

    def logit(self, lam: np.ndarray, q: np.ndarray, valid: np.ndarray) -> np.ndarray:
        z = np.where(valid, lam[:, None, None] * q, -np.inf)
        z = z - z.max(axis=-1, keepdims=True)
        e = np.where(valid, np.exp(z), 0.0)
        return e / e.sum(axis=-1, keepdims=True)

    def conditional_values(self, V: np.ndarray, P: np.ndarray) -> np.ndarray:
        """Q_h(a) for every information set, shape (N, n_infosets, A)."""
        g = self.game
        d = self.decision
        q = V[:, self.kids[d], g.mover[d][:, None]]  # (N, n_dec, A)
        q = np.where(self.valid[d], q, 0.0)
        weight = P[:, d]  # (N, n_dec)
        total = self.infoset_sum(weight)  # (N, n_infosets)
        # an information set reached with probability zero: equal weights on its nodes
        unreached = total <= 0
        weight = weight + unreached[:, self.infoset_of]
        total = self.infoset_sum(weight)
        num = self.infoset_sum(weight[..., None] * q)
        return num / total[..., None]

    def infoset_sum(self, x: np.ndarray) -> np.ndarray:
        """Sum an array over decision nodes (axis 1) within each information set."""
        if self.infoset_starts.size == 0:  # no decision nodes (only chance and terminals)
            return np.zeros((x.shape[0], 0, *x.shape[2:]))
        return np.add.reduceat(x[:, self.by_infoset], self.infoset_starts, axis=1)

    def respond(self, pi, lam, payoffs, chance):
        probs = self.node_probs(pi, chance)
        V = self.values(probs, payoffs)
        P = self.reach(probs)
        Q = self.conditional_values(V, P)
        return self.logit(lam, Q, self.infoset_valid[None]), V, P

    def backward(self, lam, payoffs, chance, choice=None):
        """Exact agent QRE of a perfect-information tree, one pass over the levels."""
        choice = self.logit if choice is None else choice
        g = self.game
        N = payoffs.shape[0]
        V = np.zeros((N, g.n_nodes, g.n_players))
        V[:, g.terminals] = payoffs
        pi = np.zeros((N, g.n_infosets, self.A))
        for nodes in reversed(self.internal):
            if nodes.size == 0:
                continue
            child = V[:, self.kids[nodes]]  # (N, k, A, n)
            valid = self.valid[nodes]
            chance_nodes = nodes[self.is_chance[nodes]]
            dec = nodes[~self.is_chance[nodes]]
            w = np.zeros((N, nodes.size, self.A))
            if dec.size:
                sel = ~self.is_chance[nodes]
                q = np.take_along_axis(child[:, sel], g.mover[dec][None, :, None, None], axis=-1)[
                    ..., 0
                ]
                p = choice(lam, q, valid[sel][None])
                pi[:, g.infoset[dec]] = p
                w[:, sel] = p
            if chance_nodes.size:
                sel = self.is_chance[nodes]
                rows = g.chance_index[chance_nodes]
                w[:, sel, : chance.shape[-1]] = chance[:, rows]
            V[:, nodes] = ((w * valid)[..., None] * child).sum(axis=2)
        return pi


class _TreeSystem:
    r"""The agent-QRE equations of a batch of trees in log-probabilities, for :func:`_trace`.

    Unknowns: :math:`x_h(a) = \log \pi_h(a)` for the actions of every information set;
    equations :math:`x_h - \log \mathrm{logit}_s(Q_h(e^x)) = 0`. The Jacobian is taken by
    forward differences (one batched evaluation per unknown).
    """

    def __init__(self, tree: _Tree, payoffs: np.ndarray, chance: np.ndarray):
        self.tree = tree
        self.payoffs = payoffs
        self.chance = chance
        valid = tree.infoset_valid
        self.h_idx, self.a_idx = np.nonzero(valid)
        self.sizes = tuple(int(k) for k in valid.sum(axis=1))
        self.D = int(self.h_idx.size)

    def behaviour(self, x: np.ndarray) -> np.ndarray:
        pi = np.zeros((x.shape[0], *self.tree.infoset_valid.shape))
        pi[:, self.h_idx, self.a_idx] = np.exp(np.minimum(x, 50.0))
        return pi

    def residual(self, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        x, s = y[:, :-1], y[:, -1]
        tree = self.tree
        probs = tree.node_probs(self.behaviour(x), self.chance[rows])
        V = tree.values(probs, self.payoffs[rows])
        P = tree.reach(probs)
        Q = tree.conditional_values(V, P)
        z = np.where(tree.infoset_valid[None], s[:, None, None] * Q, -np.inf)
        logp = _log_softmax(z)
        return x - logp[:, self.h_idx, self.a_idx]

    def jacobian(self, y: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        H = self.residual(y, rows)
        N, D = H.shape
        J = np.empty((N, D, D + 1))
        for k in range(D + 1):
            step = 1e-7 * (1.0 + np.abs(y[:, k]))
            moved = y.copy()
            moved[:, k] += step
            J[:, :, k] = (self.residual(moved, rows) - H) / step[:, None]
        return H, J


def _flatten_batch(game, lam):
    """Broadcast precisions and the tree's arrays to one batch, flattened to ``N`` rows."""
    lam = _check_lambdas(lam)
    try:
        batch = np.broadcast_shapes(lam.shape, game.batch_shape)
    except ValueError:
        raise SolverError(
            f"lam of shape {lam.shape} does not broadcast with the batch {game.batch_shape}"
        ) from None
    N = int(np.prod(batch, dtype=np.int64))
    payoffs = np.broadcast_to(game.payoffs, batch + game.payoffs.shape[-2:]).reshape(
        N, *game.payoffs.shape[-2:]
    )
    chance = np.broadcast_to(game.chance_probs, batch + game.chance_probs.shape[-2:]).reshape(
        N, *game.chance_probs.shape[-2:]
    )
    lam_flat = np.broadcast_to(lam, batch).reshape(N).astype(float)
    return batch, N, lam_flat, payoffs, chance


def agent_logit_qre(
    game: ExtensiveFormGame,
    lam,
    *,
    tol: float = 1e-10,
    max_steps: int = 20_000,
) -> AgentQRE:
    r"""Agent logit QRE of a batch of extensive-form games at precision ``lam``.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound game (numbers, not expressions).
    lam : float or array_like
        Precision, broadcastable to the batch shape; in the units of the payoffs.
    tol : float
        Newton tolerance on the equations in log-probabilities (imperfect information).
    max_steps : int
        Cap on continuation steps (imperfect information).

    Returns
    -------
    AgentQRE

    Notes
    -----
    With perfect information the agent QRE is unique and computed exactly by backward
    recursion (the logit analogue of backward induction); as :math:`\lambda \to \infty` it
    converges to the subgame-perfect equilibrium where that is unique. With imperfect
    information the equations :math:`\log \pi_h = \log \mathrm{logit}_\lambda(Q_h(\pi))`
    are followed from the centroid at :math:`\lambda = 0` by the same pseudo-arclength
    continuation as :func:`logit_qre_path`, with a Jacobian by finite differences (one batched
    evaluation of the tree per unknown, so this suits trees with tens of actions, not
    thousands). Games where the continuation fails are reported with ``converged`` False.
    Information sets reached with probability zero (only possible when a chance probability is
    zero) get equal weights on their nodes.

    Examples
    --------
    >>> import numpy as np
    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A", "B"])
    >>> root = T.decision("A", {
    ...     "out": T.terminal(1, 1),
    ...     "in": T.decision("B", {"fight": T.terminal(0, 0), "share": T.terminal(2, 2)}),
    ... })
    >>> q = agent_logit_qre(T.build(root), np.array([0.0, 50.0]))
    >>> q.behaviour.round(4).tolist()
    [[[0.5, 0.5], [0.5, 0.5]], [[0.0, 1.0], [0.0, 1.0]]]
    """
    from ..games.extensive_form import ExtensiveFormGame

    if not isinstance(game, ExtensiveFormGame):
        raise SolverError(f"agent_logit_qre needs an ExtensiveFormGame, got {type(game).__name__}")
    game.require_bound()
    batch, N, lam_flat, payoffs, chance = _flatten_batch(game, lam)
    tree = _Tree(game)
    if game.is_perfect_information:
        pi = tree.backward(lam_flat, payoffs, chance)
        method = "backward recursion"
        converged = np.ones(N, dtype=bool)
    else:
        method = "fixed point"
        scale = np.where(np.ptp(payoffs, axis=(1, 2)) > 0, np.ptp(payoffs, axis=(1, 2)), 1.0)
        system = _TreeSystem(tree, payoffs / scale[:, None, None], chance)
        with np.errstate(all="ignore"):
            x, ok, _, _ = _trace(system, (lam_flat * scale)[:, None], tol=tol, max_steps=max_steps)
        pi = system.behaviour(x[:, 0])
        pi /= np.where(tree.infoset_valid[None], pi, 0.0).sum(axis=-1, keepdims=True)
        converged = ok[:, 0]
    new, V, P = tree.respond(pi, lam_flat, payoffs, chance)
    residual = np.abs(new - pi).max(axis=(1, 2)) if game.n_infosets else np.zeros(N)
    if method == "fixed point":
        converged = converged & (residual < 1e-8)
    return AgentQRE(
        game=game,
        lam=lam_flat.reshape(batch),
        behaviour=pi.reshape(*batch, *pi.shape[1:]),
        values=V.reshape(*batch, *V.shape[1:]),
        reach=P.reshape(*batch, P.shape[-1]),
        residual=residual.reshape(batch),
        converged=converged.reshape(batch),
        method=method,
        options={"tol": tol, "max_steps": max_steps},
    )  # fmt: skip


_HERMITE = np.polynomial.hermite.hermgauss(48)


def _probit(lam: np.ndarray, q: np.ndarray, valid: np.ndarray) -> np.ndarray:
    r"""Probit choice probabilities with i.i.d. normal errors of standard deviation 1/lam.

    :math:`P(a) = E_z \prod_{b \ne a} \Phi(z + \lambda (q_a - q_b))`, the expectation over
    :math:`z \sim N(0, 1)` taken by Gauss-Hermite quadrature (48 nodes), then renormalised.
    """
    from scipy.special import ndtr

    nodes, weights = _HERMITE
    z = np.sqrt(2.0) * nodes  # (G,)
    w = weights / np.sqrt(np.pi)
    valid = np.broadcast_to(valid, q.shape)
    diff = lam[:, None, None, None] * (q[..., :, None] - q[..., None, :])  # (N, k, A, A)
    both = valid[..., :, None] & valid[..., None, :]
    diff = np.where(both, diff, np.inf)
    A = q.shape[-1]
    diff = np.where(np.eye(A, dtype=bool), np.inf, diff)  # b = a contributes a factor 1
    prob = np.zeros(q.shape)
    for zg, wg in zip(z, w, strict=True):
        prob += wg * ndtr(zg + diff).prod(axis=-1)
    prob = np.where(valid, prob, 0.0)
    return prob / prob.sum(axis=-1, keepdims=True)


def agent_probit_qre(game: ExtensiveFormGame, lam) -> AgentQRE:
    r"""Agent probit QRE of perfect-information trees (Signorino's strategic probit).

    Every mover adds to each action's continuation value an independent normal error with
    standard deviation :math:`1/\lambda` and takes the best, so at a node with values
    :math:`q_a` the choice probabilities are

    .. math::

        P(a) = \int \varphi(z) \prod_{b \ne a} \Phi\big(z + \lambda (q_a - q_b)\big)\, dz,

    which for two actions is :math:`\Phi(\lambda (q_a - q_b) / \sqrt{2})`. Solved by one
    backward pass over the tree levels for the whole batch, as
    :func:`agent_logit_qre` does for the logit.

    Raises
    ------
    GameValueError
        If the game has imperfect information (not supported for the probit).

    Examples
    --------
    >>> from scipy.stats import norm
    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A"])
    >>> tree = T.build(T.decision("A", {"x": T.terminal(1.0), "y": T.terminal(0.0)}))
    >>> q = agent_probit_qre(tree, 2.0)
    >>> bool(abs(q.behaviour[0, 0] - norm.cdf(2.0 / 2 ** 0.5)) < 1e-9)
    True
    """
    from ..games.extensive_form import ExtensiveFormGame

    if not isinstance(game, ExtensiveFormGame):
        raise SolverError(f"agent_probit_qre needs an ExtensiveFormGame, got {type(game).__name__}")
    game.require_bound()
    if not game.is_perfect_information:
        raise SolverError("agent_probit_qre supports perfect-information trees only")
    batch, N, lam_flat, payoffs, chance = _flatten_batch(game, lam)
    tree = _Tree(game)
    pi = tree.backward(lam_flat, payoffs, chance, choice=_probit)
    probs = tree.node_probs(pi, chance)
    V = tree.values(probs, payoffs)
    P = tree.reach(probs)
    Q = tree.conditional_values(V, P)
    residual = (
        np.abs(_probit(lam_flat, Q, tree.infoset_valid[None]) - pi).max(axis=(1, 2))
        if game.n_infosets
        else np.zeros(N)
    )
    return AgentQRE(
        game=game,
        lam=lam_flat.reshape(batch),
        behaviour=pi.reshape(*batch, *pi.shape[1:]),
        values=V.reshape(*batch, *V.shape[1:]),
        reach=P.reshape(*batch, P.shape[-1]),
        residual=residual.reshape(batch),
        converged=np.ones(batch, dtype=bool),
        method="probit backward recursion",
        options={"quadrature_nodes": len(_HERMITE[0])},
    )
