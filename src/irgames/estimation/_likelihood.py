r"""The batched likelihood of a strategic model: one pass up the tree for all observations.

Each observation :math:`n` is one game: the tree is fixed and the utilities
:math:`u_{n,t,m}` (terminal :math:`t`, player :math:`m`) are linear indices in covariates. For
every node :math:`v` the pass keeps the *reach vector* :math:`\rho_v \in [0,1]^T`, the
probability of ending at each terminal once play is at :math:`v`. A terminal's reach vector is
its unit vector; a chance node averages its children's with the chance probabilities; a
decision node :math:`v` of player :math:`m` with moves L (child :math:`c_0`) and R (child
:math:`c_1`) computes

.. math::

    w_v = \rho_{c_1} - \rho_{c_0}, \qquad
    \Delta_v = \sum_t w_{v,t}\, u_{t,m}, \qquad
    z_v = \frac{\Delta_v}{s_m\, b_v}, \qquad
    \Pr(R) = G(z_v), \qquad \rho_v = G(-z_v)\, \rho_{c_0} + G(z_v)\, \rho_{c_1},

with :math:`b_v = \sqrt 2` under agent error (the difference of the mover's two shocks) and
:math:`b_v = \sqrt{\sum_t w_{v,t}^2}` under private information (the mover's shocks on every
terminal enter :math:`\Delta_v` with the weights :math:`w_v`), :math:`s_m` the mover's scale
and :math:`G` the normal or logistic CDF. The log-likelihood of an observation ending at
terminal :math:`t` is the sum, over the nodes on the path to :math:`t`, of the log of the
(clamped) probability of the move taken.

The gradient is exact forward-mode differentiation of that recursion with respect to the free
utilities and the log-scales (a Jacobian of shape ``(n, T, F)`` per node, released once the
parent has used it), then the chain rule through the design matrices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_ndtr, ndtr

from .._memory import require
from ..errors import GameValueError
from ..games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame

__all__ = ["Tree", "forward"]

#: Clamps of the action probabilities before logs (the R package games' convention).
P_LOW = 2.2e-16
P_HIGH = 1.0 - 1.1e-16
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def cdf(z: np.ndarray, link: str) -> np.ndarray:
    """``G(z)``: the standard normal (probit) or logistic (logit) CDF."""
    return ndtr(z) if link == "probit" else expit(z)


def pdf(z: np.ndarray, link: str) -> np.ndarray:
    """``G'(z)``."""
    if link == "probit":
        return _INV_SQRT_2PI * np.exp(-0.5 * z * z)
    p = expit(z)
    return p * (1.0 - p)


@dataclass(frozen=True)
class Tree:
    """The structure of a perfect-information tree with binary moves, ready for the pass.

    Built by :meth:`from_game`; holds no numbers that depend on observations.
    """

    players: tuple[str, ...]
    parent: np.ndarray
    mover: np.ndarray
    children: np.ndarray
    num_children: np.ndarray
    terminals: np.ndarray  # node index of each terminal, in terminal order
    terminal_labels: tuple[str, ...]
    chance_probs: dict  # chance node -> probabilities of its actions
    action_labels: tuple
    path_action: np.ndarray  # (n_nodes, T): move taken at node v on the way to t, -1 if off

    @property
    def n_terminals(self) -> int:
        return int(self.terminals.size)

    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def decision_nodes(self) -> np.ndarray:
        return np.flatnonzero(self.mover >= 0)

    def subtree_terminals(self, v: int) -> np.ndarray:
        """Terminal indices (into ``terminals``) reachable from the non-terminal node ``v``."""
        return np.flatnonzero(self.path_action[v] >= 0)

    @classmethod
    def from_game(cls, game: ExtensiveFormGame, errors: str = "agent") -> Tree:
        if not isinstance(game, ExtensiveFormGame):
            raise GameValueError(
                f"estimate needs an ExtensiveFormGame (built with TreeBuilder or read from "
                f".efg), got {type(game).__name__}"
            )
        if not game.is_perfect_information:
            raise GameValueError(
                "strategic estimation needs a tree of perfect information; this game has "
                "information sets with several nodes"
            )
        decision = np.flatnonzero(game.mover >= 0)
        wide = decision[game.num_children[decision] != 2]
        if wide.size:
            v = int(wide[0])
            raise GameValueError(
                f"every decision node must offer exactly two moves (L, R); node {v} "
                f"({game.node_labels[v] or 'unnamed'}) offers {int(game.num_children[v])}"
            )
        labels = tuple(game.node_labels[int(t)] for t in game.terminals)
        if any(not lab for lab in labels) or len(set(labels)) != len(labels):
            raise GameValueError(
                "every terminal node needs a distinct label (the outcome values name them): "
                f"got {list(labels)}; give T.terminal(..., label='...')"
            )
        chance = {}
        if game.chance_nodes.size:
            if not game.is_bound or game.chance_probs.ndim != 2:
                raise GameValueError(
                    "chance probabilities must be plain numbers (one game, no parameters) for "
                    "estimation"
                )
            for c, v in enumerate(game.chance_nodes):
                k = int(game.num_children[v])
                chance[int(v)] = np.asarray(game.chance_probs[c, :k], dtype=float)
        n, T = game.n_nodes, game.terminals.size
        path_action = np.full((n, T), -1, dtype=np.int64)
        for t, node in enumerate(game.terminals):
            for v, a in game.path_to(int(node)):
                path_action[v, t] = a
        if errors == "private":
            for v in decision:
                same = [
                    int(u)
                    for u in decision
                    if u > v and game.mover[u] == game.mover[v] and _is_below(game.parent, u, v)
                ]
                if same:
                    raise GameValueError(
                        f"errors='private' needs each player to move at most once on every "
                        f"path; player {game.players[game.mover[v]]} moves at node {int(v)} "
                        f"and again below it at node {same[0]}"
                    )
        path_action.setflags(write=False)
        return cls(
            players=tuple(game.players),
            parent=np.asarray(game.parent),
            mover=np.asarray(game.mover),
            children=np.asarray(game.children),
            num_children=np.asarray(game.num_children),
            terminals=np.asarray(game.terminals),
            terminal_labels=labels,
            chance_probs=chance,
            action_labels=tuple(game.action_labels),
            path_action=path_action,
        )


def _is_below(parent: np.ndarray, u: int, v: int) -> bool:
    while u > v:
        u = int(parent[u])
    return u == v


@dataclass
class Pass:
    """What one pass returns: per-observation log-likelihood, root reach, derivatives."""

    loglik: np.ndarray  # (n,)
    reach: np.ndarray  # (n, T): outcome probabilities
    grad: np.ndarray | None  # (n, F + S): d loglik_n / d (free utilities, log-scale groups)
    clamped: np.ndarray  # (n,) bool: an observed move's probability hit a clamp
    weights: dict  # decision node -> w_v (n, T), reach after R minus reach after L
    dreach: np.ndarray | None = None  # (n, T, F + S): Jacobian of ``reach`` (with grad)


def forward(
    tree: Tree,
    u: np.ndarray,
    free: list[tuple[int, int]],
    log_scale: np.ndarray | None,
    scale_groups: list[tuple[int, ...]],
    y: np.ndarray | None,
    *,
    link: str,
    errors: str,
    grad: bool,
) -> Pass:
    """Run the recursion for all observations at once.

    Parameters
    ----------
    u : array, shape (n, T, M)
        Utilities of every player at every terminal, per observation.
    free : list of (t, m)
        The utilities to differentiate with respect to (columns ``0..F-1`` of ``grad``).
    log_scale : array, shape (n, S), optional
        Log-scale of each scale group per observation (``None``: all scales 1).
    scale_groups : list of tuples of player indices
        Column ``F + g`` of ``grad`` is the log-scale shared by the players of group ``g``.
    y : array of int, shape (n,), optional
        Observed terminal index per observation (``None``: probabilities only).
    """
    n, T, M = u.shape
    F = len(free)
    S = len(scale_groups)
    K = F + S
    if grad:
        require(
            8.0 * n * T * K * 4,
            "the likelihood's Jacobians",
            advice="estimate on fewer observations at a time or with fewer free utilities",
        )
    scale_of_player = np.full(M, -1)
    for g, members in enumerate(scale_groups):
        scale_of_player[list(members)] = g
    free_t = np.array([t for t, _ in free], dtype=np.int64)
    free_m = np.array([m for _, m in free], dtype=np.int64)
    rho: dict[int, np.ndarray] = {}
    drho: dict[int, np.ndarray | None] = {}
    loglik = np.zeros(n)
    clamped = np.zeros(n, dtype=bool)
    gll = np.zeros((n, K)) if grad else None
    eye = np.eye(T)
    wdict: dict[int, np.ndarray] = {}
    for v in range(tree.parent.size - 1, -1, -1):
        kind = tree.mover[v]
        if kind == TERMINAL:
            t = int(np.flatnonzero(tree.terminals == v)[0])
            rho[v] = np.broadcast_to(eye[t], (n, T))
            drho[v] = None
            continue
        kids = tree.children[v, : tree.num_children[v]]
        if kind == CHANCE:
            q = tree.chance_probs[v]
            rho[v] = sum(q[a] * rho[int(c)] for a, c in enumerate(kids))
            if grad:
                parts = [
                    q[a] * drho[int(c)] for a, c in enumerate(kids) if drho[int(c)] is not None
                ]
                drho[v] = sum(parts) if parts else None
            else:
                drho[v] = None
            if y is not None:
                a_obs = tree.path_action[v, y]
                on = a_obs >= 0
                with np.errstate(divide="ignore"):
                    loglik[on] += np.log(np.maximum(q[a_obs[on]], P_LOW))
            for c in kids:
                del rho[int(c)], drho[int(c)]
            continue
        m = int(kind)
        c0, c1 = int(kids[0]), int(kids[1])
        r0, r1 = rho[c0], rho[c1]
        w = r1 - r0  # (n, T)
        wdict[v] = w
        um = u[:, :, m]
        delta = np.einsum("nt,nt->n", w, um)
        if errors == "private":
            base = np.sqrt(np.einsum("nt,nt->n", w, w))
        else:
            base = np.full(n, np.sqrt(2.0))
        g_idx = scale_of_player[m]
        s = np.exp(log_scale[:, g_idx]) if g_idx >= 0 else 1.0
        denom = s * base
        z = delta / denom
        pR = cdf(z, link)
        pL = cdf(-z, link)
        rho[v] = pL[:, None] * r0 + pR[:, None] * r1
        dens = pdf(z, link)
        if grad:
            d0, d1 = drho[c0], drho[c1]
            if d0 is None and d1 is None:
                dw = None
            elif d0 is None:
                dw = d1
            elif d1 is None:
                dw = -d0
            else:
                dw = d1 - d0
            ddelta = np.zeros((n, K))
            if F:
                ddelta[:, :F] = w[:, free_t] * (free_m == m)
            if dw is not None:
                ddelta += np.einsum("ntk,nt->nk", dw, um)
            dz = ddelta / denom[:, None]
            if errors == "private" and dw is not None:
                dbase = np.einsum("ntk,nt->nk", dw, w) / base[:, None]
                dz -= (z / base)[:, None] * dbase
            if g_idx >= 0:
                dz[:, F + g_idx] -= z
            dpR = dens[:, None] * dz  # (n, K)
            new = w[:, :, None] * dpR[:, None, :]
            if d0 is not None:
                new += pL[:, None, None] * d0
            if d1 is not None:
                new += pR[:, None, None] * d1
            drho[v] = new
        else:
            drho[v] = None
        if y is not None:
            a_obs = tree.path_action[v, y]
            take_R = a_obs == 1
            take_L = a_obs == 0
            p_obs = np.where(take_R, pR, pL)
            on = take_R | take_L
            p_c = np.clip(p_obs, P_LOW, P_HIGH)
            hit = on & (p_c != p_obs)
            clamped |= hit
            if link == "probit":
                # log of the clamped probability; log_ndtr is exact where no clamp applies
                zz = np.where(take_R, z, -z)
                logp = np.where(hit, np.log(p_c), log_ndtr(zz))
            else:
                logp = np.log(p_c)
            loglik += np.where(on, logp, 0.0)
            if grad:
                # d log p / dz: +-G'(z)/p where the clamp does not bind
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(on & ~hit, dens / np.where(p_obs > 0, p_obs, 1.0), 0.0)
                if link == "probit":
                    # stable inverse Mills ratio phi(zz)/Phi(zz) in the far tail
                    zz = np.where(take_R, z, -z)
                    mills = np.exp(-0.5 * zz * zz - log_ndtr(zz)) * _INV_SQRT_2PI
                    ratio = np.where(on & ~hit, mills, 0.0)
                sign = np.where(take_R, 1.0, -1.0)
                gll += (sign * ratio)[:, None] * dz
        del rho[c0], rho[c1], drho[c0], drho[c1]
    dreach = drho.get(0) if grad else None
    if grad and dreach is None:
        dreach = np.zeros((n, T, K))
    return Pass(
        loglik=loglik,
        reach=np.asarray(rho[0]),
        grad=gll,
        clamped=clamped,
        weights=wdict,
        dreach=dreach,
    )
