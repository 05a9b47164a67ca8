r"""Sequential equilibria of finite trees with perfect recall, for a whole batch at once.

An *assessment* :math:`(\beta, \mu)` of an :class:`~irgames.games.extensive_form.ExtensiveFormGame`
is a behaviour profile :math:`\beta` (a distribution :math:`\beta(\cdot \mid h)` over the actions
of every information set :math:`h`) and a system of beliefs :math:`\mu` (a distribution
:math:`\mu(\cdot \mid h)` over the nodes of every :math:`h`). Kreps and Wilson (1982) call it a
*sequential equilibrium* when it is

* **sequentially rational**: at every information set :math:`h` of player :math:`i`, the
  continuation of :math:`\beta_i` maximises :math:`\sum_{v \in h} \mu(v \mid h)\,
  u_i(\beta \mid v)` over player :math:`i`'s continuation strategies, :math:`u_i(\beta \mid v)`
  being :math:`i`'s expected payoff from node :math:`v` on;
* **consistent**: :math:`(\beta, \mu) = \lim_k (\beta^k, \mu^k)` for totally mixed profiles
  :math:`\beta^k` and their Bayes beliefs :math:`\mu^k(v \mid h) = P_{\beta^k}(v) /
  P_{\beta^k}(h)`.

Pure profiles and the consistent beliefs
----------------------------------------
:func:`sequential_equilibria` enumerates every pure behaviour profile (one action per
information set) for all games of the batch at once. Fix a pure :math:`\beta`. A tremble
:math:`\beta^k` gives each action :math:`a \ne \beta(h)` a probability
:math:`\varepsilon_{h,a}^k \to 0`, so a node :math:`v` is reached with probability
:math:`c_v \prod_{(h,a) \in D(v)} \varepsilon^k_{h,a} (1 + o(1))`, where :math:`c_v` is the
product of the chance probabilities on its path and :math:`D(v)` the set of *deviations* (the
actions off :math:`\beta`) on it. On the path (:math:`P_\beta(h) > 0`) the beliefs are Bayes'
rule. Off the path, only the nodes of

.. math::

    S_h = \{v \in h : c_v > 0,\ \text{no } v' \in h \text{ with } c_{v'} > 0
    \text{ and } D(v') \subsetneq D(v)\}

can carry weight (a node whose deviations strictly contain another's is infinitely less
likely). When the deviation sets of the nodes of the off-path information sets with two or
more such nodes are pairwise disjoint, across all those sets (*independent trembles*), every
belief system with :math:`\operatorname{supp} \mu(\cdot \mid h) \subseteq S_h` is consistent:
give the deviations of :math:`D(v)` rates :math:`\varepsilon^{w_v}` with :math:`\sum_{D(v)}
w_v` equal on :math:`S_h` and coefficients that set the ratios. Then the beliefs that sustain
:math:`\beta` form the product over the off-path sets of the polytopes

.. math::

    B_h = \{\mu \in \Delta(S_h) : \textstyle\sum_{v} \mu_v\,[u_i(\beta \mid v, \beta(h))
    - u_i(\beta \mid v, a)] \ge 0\ \forall a\},

reported by their bounds ``belief_lower`` and ``belief_upper`` (for a set of two nodes, exactly
the interval of :math:`\mu(v_0 \mid h)`) and a representative (the mean of the polytope's
vertices). This covers one-shot signalling games (each type's deviation to a message is its
own action, so Bayes' rule where possible is the whole of consistency, and the sets are those
of :func:`~irgames.solvers.pbe.pure_pbe`) and Selten's horse. Where trembles are not
independent (a deviation that leads to two off-path information sets, as in multi-stage games
where later beliefs must follow Bayes' rule from earlier off-path ones), the solver checks
sequential rationality under one consistent belief system, that of uniform trembles
(:math:`\varepsilon_{h,a} = \varepsilon`: weight on the nodes with the fewest deviations,
proportional to :math:`c_v`): every row it returns is a sequential equilibrium, but an
equilibrium sustained only by other beliefs may be missed, the row's ``belief_exact`` is
False and the result's ``complete`` is False. Off-path sets that no tremble reaches (all their
nodes behind a chance move of probability zero) take any belief.

Sequential rationality given the beliefs is checked at each information set for the one-shot
deviation (the action against the continuation values of :math:`\beta`); for consistent
assessments that is equivalent to optimality of the whole continuation (the one-shot
deviation principle for consistent assessments, Hendon, Jacobsen and Sloth 1996), and
:func:`sequential_regret` checks the whole continuation independently.

Mixed equilibria with one mixing information set
------------------------------------------------
With ``mixed=True`` (the default) the solver also finds the sequential equilibria in which one
information set :math:`h^*` mixes over a support :math:`A^*` and every other set plays one
action (see :func:`_mixed_rows`): every reach probability and continuation value is linear in
the mixture :math:`q \in \Delta(A^*)`, since with perfect recall no path crosses :math:`h^*`
twice, so the mixtures that sustain the profile form a polytope, and a row is reported at an
average of its vertices (a point of full support :math:`A^*`) when there is one. Such rows are
typically components: a receiver that mixes off the path at the belief that makes it
indifferent, a player whose mixture is never tested (Selten's horse). Equilibria in which two
or more sets mix (the hybrid equilibria of signalling games, found for 2 x 2 x 2 games by
:func:`~irgames.solvers.pbe.mixed_pbe_2x2x2`) are not searched; ``complete`` is True when every
pure sequential equilibrium is listed with its exact belief set and every one-mixing-set
support was decided, and says nothing about equilibria with two or more mixing sets.

Refinements (signalling stages)
-------------------------------
For a sender-receiver tree (Nature draws a type, the sender sends a message, the receiver
responds; see :meth:`~irgames.games.signalling.SignallingGame.from_tree`), with
:math:`u^*(t)` type :math:`t`'s equilibrium payoff and :math:`BR(X, m)` the receiver's best
responses to beliefs in :math:`\Delta(X)` after :math:`m` (all types :math:`T`, prior zero
included, as :mod:`irgames.solvers.pbe` does):

* ``refine="intuitive"`` (Cho and Kreps 1987): with :math:`J(m) = \{t : u^*(t) >
  \max_{r \in BR(T, m)} u_S(t, m, r)\}`, the row fails if some :math:`t \notin J(m)` has
  :math:`\min_{r \in BR(T \setminus J(m), m)} u_S(t, m, r) > u^*(t)` at an off-path
  :math:`m`;
* ``refine="D1"`` (Cho and Kreps 1987; Banks and Sobel 1987), for two responses: with
  :math:`\rho` the probability of the first response and :math:`M = MBR(T, m)` the receiver's
  mixed best responses, :math:`D^0_t = \{\rho \in M : u_S(t, m, \rho) \ge u^*(t)\}` and
  :math:`D_t` the same with :math:`>`; type :math:`t` is deleted when :math:`D^0_t \subseteq
  D_{t'}` for some :math:`t' \ne t` (or :math:`D^0_t = \emptyset`); the row survives when
  its response to every off-path message is a best response to a belief on the types not
  deleted (on all types, if every type is deleted).

Examples
--------
Beer-Quiche (Cho and Kreps 1987): two pooling equilibria, and the intuitive criterion removes
the one on quiche.

>>> from irgames.games.signalling import SignallingGame
>>> from irgames.solvers.sequential import sequential_equilibria
>>> tree = SignallingGame.beer_quiche().to_tree()
>>> se = sequential_equilibria(tree)
>>> int(se.pure.sum()), se.complete
(2, True)
>>> kept = sequential_equilibria(tree, refine="intuitive")
>>> kept.behavior[kept.pure][:, :2, 0].tolist()  # both types drink beer
[[1.0, 1.0]]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._memory import require
from ..errors import GameValueError, SolverError
from ..games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame
from .result import Result

__all__ = ["SequentialEquilibria", "sequential_equilibria", "sequential_regret"]

_REFINEMENTS = (None, "intuitive", "D1")


@dataclass(frozen=True, eq=False)
class SequentialEquilibria(Result):
    r"""Sequential equilibria of a batch of trees, one row per equilibrium.

    Attributes
    ----------
    method : str
        ``"sequential_equilibria"``.
    tol : float
        Relative tolerance (a fraction of each player's payoff unit).
    batch_shape : tuple of int
    game_index : ndarray of int, shape (rows,)
        Flat (C-order) batch index of each row's game.
    behavior : ndarray, shape (rows, n_infosets, max_actions)
        Each information set's distribution over its actions, NaN beyond its actions.
    beliefs : ndarray, shape (rows, n_infosets, max_nodes)
        A distribution over each information set's nodes in node order (NaN padded): Bayes'
        rule on the path, off it a representative consistent belief that sustains the row.
    belief_lower, belief_upper : ndarray, shape (rows, n_infosets, max_nodes)
        Bounds of :math:`\mu(v \mid h)` over the consistent beliefs that sustain the row (equal
        on the path). The set is the product over information sets of polytopes, so the bounds
        of a two-node set are its interval exactly. Where ``belief_exact`` is False they are
        the one belief system checked.
    on_path : ndarray of bool, shape (rows, n_infosets)
    belief_exact : ndarray of bool, shape (rows,)
        Whether the row's belief set is the exact set of consistent sustaining beliefs
        (independent trembles, see the module docstring).
    payoffs : ndarray, shape (rows, n_players)
    regret : ndarray, shape (rows, n_players)
        :func:`sequential_regret`: each player's largest gain, at any of her information sets
        given the beliefs, from changing her continuation strategy (computed independently of
        the solver).
    belief_gap : ndarray, shape (rows,)
        Largest departure of a belief from Bayes' rule on the path (also independent).
    units : ndarray, shape (rows, n_players)
        Each player's payoff unit.
    intuitive, d1 : ndarray of bool, shape (rows,), or None
        Whether the row passes the intuitive criterion / D1 (signalling trees only).
    count : ndarray of int, shape batch_shape
    complete : bool
        True when every pure sequential equilibrium of every game is listed with its exact
        belief set. Mixed equilibria are not searched (see ``options``).
    options : dict
    """

    method: str
    tol: float
    batch_shape: tuple[int, ...]
    game_index: np.ndarray
    behavior: np.ndarray
    beliefs: np.ndarray
    belief_lower: np.ndarray
    belief_upper: np.ndarray
    on_path: np.ndarray
    belief_exact: np.ndarray
    payoffs: np.ndarray
    regret: np.ndarray
    belief_gap: np.ndarray
    units: np.ndarray
    intuitive: np.ndarray | None
    d1: np.ndarray | None
    count: np.ndarray
    complete: bool
    options: dict[str, Any] = field(default_factory=dict)

    layout = "per_equilibrium"

    def __len__(self) -> int:
        return int(self.game_index.size)

    @property
    def relative_regret(self) -> np.ndarray:
        r"""Per row, :math:`\max_i r_i / s_i` (each player's regret in her own unit)."""
        return (self.regret / self.units).max(axis=-1) if len(self) else np.zeros(0)

    @property
    def pure(self) -> np.ndarray:
        """Per row, whether every information set plays one action, shape ``(rows,)``."""
        b = np.nan_to_num(self.behavior)
        return np.all((b == 0) | (b == 1), axis=(1, 2))

    def actions(self) -> np.ndarray:
        """Each information set's most likely action, shape ``(rows, n_infosets)``."""
        return np.nanargmax(np.where(np.isnan(self.behavior), -1.0, self.behavior), axis=-1)

    def to_pandas(self):
        """One row per equilibrium: game, each information set's action, payoffs, regret."""
        import pandas as pd

        data: dict[str, Any] = {"game_index": self.game_index}
        acts = self.actions()
        for h in range(acts.shape[1]):
            data[f"action_{h}"] = acts[:, h]
        for i in range(self.payoffs.shape[1]):
            data[f"payoff_{i}"] = self.payoffs[:, i]
            data[f"regret_{i}"] = self.regret[:, i]
        data["belief_exact"] = self.belief_exact
        return pd.DataFrame(data)

    def __repr__(self) -> str:
        worst = float(self.relative_regret.max()) if len(self) else 0.0
        return (
            f"SequentialEquilibria({len(self)} equilibria in {int(np.prod(self.batch_shape))} "
            f"game(s), complete={self.complete}, max relative regret={worst:.2e})"
        )


# ====================================================================== tree helpers
def _members(game: ExtensiveFormGame) -> np.ndarray:
    """Nodes of each information set in node order, ``(n_infosets, max_nodes)``, -1 padded."""
    H = game.n_infosets
    width = int(game.infoset_size.max()) if H else 1
    out = np.full((H, max(width, 1)), -1, dtype=np.int64)
    for h in range(H):
        nodes = np.flatnonzero(game.infoset == h)
        out[h, : nodes.size] = nodes
    return out


def _flat_numbers(game: ExtensiveFormGame) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs ``(B, n_terminals, n_players)`` and chance probabilities ``(B, n_chance, k)``."""
    size = game.batch_size
    pay = np.asarray(game.payoffs, dtype=float).reshape(size, *game.payoffs.shape[-2:])
    probs = np.broadcast_to(game.chance_probs, game.batch_shape + game.chance_probs.shape[-2:])
    probs = np.asarray(probs, dtype=float).reshape(size, *game.chance_probs.shape[-2:])
    return pay, probs


def _units(pay: np.ndarray) -> np.ndarray:
    spread = pay.max(axis=1) - pay.min(axis=1)
    return np.where(spread > 0, spread, 1.0)


# ====================================================================== polytopes
def _simplex_vertices(
    A: np.ndarray, support: np.ndarray, slack: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r"""Vertices of :math:`\{\mu \in \Delta : \mu_j = 0\ (j \notin S),\ A\mu \ge -s\}`.

    ``A`` has shape ``(N, K, n)``, ``support`` ``(N, n)`` (bool) and ``slack`` ``(N,)``. The
    set is a face of :math:`P = \{\mu \in \Delta_n : A \mu \ge -s\}`, so its vertices are the
    vertices of :math:`P` that vanish off :math:`S`; each vertex of :math:`P` makes ``n - 1``
    of its ``K + n`` inequalities active besides :math:`\sum_j \mu_j = 1`. The loop runs over
    those combinations, each solved for all ``N`` sets at once. Returns the candidates
    ``(N, C, n)`` and the mask ``(N, C)`` of the vertices.
    """
    N, K, n = A.shape
    cons = np.concatenate([A, np.broadcast_to(np.eye(n), (N, n, n))], axis=1)
    norms = np.linalg.norm(cons, axis=-1)
    scale = np.where(norms > 0, norms, 1.0)
    combos = list(itertools.combinations(range(K + n), n - 1))
    vert = np.zeros((N, len(combos), n))
    valid = np.zeros((N, len(combos)), dtype=bool)
    for c, active in enumerate(combos):
        act = list(active)
        M = np.concatenate([cons[:, act] / scale[:, act, None], np.ones((N, 1, n))], axis=1)
        rhs = np.zeros((N, n))
        rhs[:, -1] = 1.0
        ok = np.abs(np.linalg.det(M)) > 1e-12
        if not ok.any():
            continue
        mu = np.linalg.solve(M[ok], rhs[ok][..., None])[..., 0]
        feas = np.all(
            np.einsum("nkj,nj->nk", A[ok], mu) >= -slack[ok, None] * (1 + 1e-9) - 1e-12, -1
        )
        feas &= np.all(mu >= -1e-10, axis=-1)
        feas &= np.all(np.where(support[ok], True, np.abs(mu) <= 1e-10), axis=-1)
        mu = np.clip(mu, 0.0, None)
        total = mu.sum(axis=-1, keepdims=True)
        vert[ok, c] = mu / np.where(total > 0, total, 1.0)
        valid[ok, c] = feas
    return vert, valid


def _bounds(vert: np.ndarray, valid: np.ndarray):
    """Lower / upper bounds and the vertex mean over the valid vertices ``(N, n)`` each."""
    big = np.where(valid[..., None], vert, np.inf)
    small = np.where(valid[..., None], vert, -np.inf)
    k = valid.sum(axis=1)[:, None]
    mean = np.where(valid[..., None], vert, 0.0).sum(axis=1) / np.where(k > 0, k, 1)
    return big.min(axis=1), small.max(axis=1), mean


def _minimal_nodes(dn: np.ndarray, crn: np.ndarray) -> np.ndarray:
    r"""The nodes :math:`S_h` that trembles can give weight, ``(P, B, s)``.

    ``dn`` ``(P, s, K)`` holds each node's deviation set, ``crn`` ``(B, s)`` its chance weight:
    a node is kept when chance reaches it and no other such node's deviations are a strict
    subset of its own. Where no node is reachable, every node is kept (any belief).
    """
    sub = np.all(dn[:, :, None, :] <= dn[:, None, :, :], -1) & np.any(
        dn[:, :, None, :] != dn[:, None, :, :], -1
    )  # sub[p, v', v]: D(v') strictly inside D(v)
    reachable = crn > 0  # (B, s)
    dominated = np.any(reachable[None, :, :, None] & sub[:, None, :, :], axis=2)
    S = reachable[None] & ~dominated
    return np.where(S.any(axis=-1, keepdims=True), S, True)


# ====================================================================== the solver
def _check_game(game) -> ExtensiveFormGame:
    if not isinstance(game, ExtensiveFormGame):
        raise GameValueError(
            f"sequential_equilibria needs an ExtensiveFormGame, got {type(game).__name__}"
        )
    game.require_bound()
    problem = game.recall_violation()
    if problem is not None:
        raise GameValueError(
            f"sequential equilibria need perfect recall, and the tree lacks it: {problem}"
        )
    return game


def sequential_equilibria(
    game: ExtensiveFormGame,
    *,
    refine: str | None = None,
    tol: float | None = None,
    max_profiles: int = 1_000_000,
    mixed: bool = True,
) -> SequentialEquilibria:
    r"""All pure sequential equilibria of a batch of trees with their belief sets, and those
    in which one information set mixes.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound tree with perfect recall, any number of players and stages; the batch shares
        the tree.
    refine : {None, "intuitive", "D1"}
        Keep only the rows that pass the intuitive criterion or D1 (sender-receiver trees; D1
        for a receiver with two responses). See the module docstring.
    tol : float, optional
        Relative tolerance, a fraction of each player's payoff unit (default ``1e-9``).
    max_profiles : int
        Refuse trees with more pure behaviour profiles than this (the product of the
        information sets' numbers of actions).
    mixed : bool
        Also search the equilibria in which one information set mixes (default True; the work
        is the pure enumeration's times the number of supports of one set).

    Returns
    -------
    SequentialEquilibria

    Raises
    ------
    GameValueError
        For a game that is not a bound tree with perfect recall, or a refinement that does not
        apply to it.
    SolverError
        When the tree has more than ``max_profiles`` pure profiles.

    Examples
    --------
    Selten's horse: :math:`(C, c, R)` with :math:`\mu(x) \le 1/3` and :math:`(C, d, R)`; the
    Nash equilibrium :math:`(D, c, L)` is not sequential (player 2 would take ``d``).

    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["1", "2", "3"])
    >>> def three(key):
    ...     return T.decision("3", {"L": key[0], "R": key[1]}, infoset="3")
    >>> root = T.decision("1", {
    ...     "C": T.decision("2", {
    ...         "c": T.terminal(1, 1, 1),
    ...         "d": three((T.terminal(4, 4, 0), T.terminal(1, 1, 1))),
    ...     }),
    ...     "D": three((T.terminal(3, 3, 2), T.terminal(0, 0, 0))),
    ... })
    >>> se = sequential_equilibria(T.build(root))
    >>> se.actions()[se.pure].tolist()
    [[0, 0, 1], [0, 1, 1]]
    >>> se.belief_upper[0, 2].round(6).tolist()   # mu(after D), mu(after C, d)
    [0.333333, 1.0]
    >>> bool(0 < se.behavior[~se.pure][0, 1, 1] < 1)  # and 2 may mix: a component
    True
    """
    game = _check_game(game)
    if refine not in _REFINEMENTS:
        raise GameValueError(f"refine must be one of {_REFINEMENTS}, got {refine!r}")
    tol = 1e-9 if tol is None else float(tol)
    if not (np.isfinite(tol) and 0 <= tol < 1):
        raise GameValueError(f"tol must be a relative tolerance in [0, 1), got {tol}")
    H = game.n_infosets
    first = game.infoset_nodes_first
    widths = game.num_children[first]
    n_profiles = float(np.prod(widths.astype(float)))
    if n_profiles > max_profiles:
        raise SolverError(
            f"the tree has {n_profiles:.3g} pure behaviour profiles, more than max_profiles="
            f"{max_profiles}; raise max_profiles or solve a smaller tree"
        )
    P = int(n_profiles)
    pay, probs = _flat_numbers(game)
    B = pay.shape[0]
    n, n_pl = game.n_nodes, game.n_players
    offsets = np.concatenate([[0], np.cumsum(widths)])
    K = int(offsets[-1])
    require(
        8.0 * P * B * n * (n_pl + 2) + P * n * K,
        "the pure profiles' reach and values",
        advice="solve a smaller batch or a smaller tree",
    )
    if H:
        profiles = np.stack(np.unravel_index(np.arange(P), tuple(int(w) for w in widths)), -1)
    else:  # only chance moves: the one (empty) profile
        profiles = np.zeros((1, 0), dtype=np.int64)
    members = _members(game)
    units = _units(pay)  # (B, n_players)
    amax = game.children.shape[1]

    # ---- forward: chance reach (B, n), reach under each profile (P, B, n), deviations (P, n, K)
    cr = np.ones((B, n))
    reach = np.ones((P, B, n))
    dev = np.zeros((P, n, K), dtype=bool)
    for level in game.levels[1:]:
        u = game.parent[level]
        a = game.action_index[level]
        m = game.mover[u]
        r = reach[:, :, u].copy()
        c = cr[:, u].copy()
        d = dev[:, u, :].copy()
        ch = m == CHANCE
        if ch.any():
            w = probs[:, game.chance_index[u[ch]], a[ch]]
            c[:, ch] *= w
            r[:, :, ch] *= w[None]
        de = np.flatnonzero(m >= 0)
        if de.size:
            hs = game.infoset[u[de]]
            off = profiles[:, hs] != a[de][None, :]  # (P, m)
            r[:, :, de] *= (~off)[:, None, :]
            cols = offsets[hs] + a[de]
            d[:, de, cols] |= off
        reach[:, :, level] = r
        cr[:, level] = c
        dev[:, level, :] = d

    # ---- backward: continuation values under each profile (P, B, n, n_players)
    value = np.zeros((P, B, n, n_pl))
    value[:, :, game.terminals, :] = pay[None]
    for level in game.levels[::-1]:
        inner = level[game.mover[level] != TERMINAL]
        if not inner.size:
            continue
        kids = game.children[inner]
        okk = kids >= 0
        vals = np.where(okk[None, None, :, :, None], value[:, :, np.where(okk, kids, 0)], 0.0)
        weight = np.zeros((P, B, inner.size, amax))
        ch = game.mover[inner] == CHANCE
        if ch.any():
            kc = min(probs.shape[-1], amax)
            weight[:, :, ch, :kc] = probs[:, game.chance_index[inner[ch]], :kc][None]
        de = np.flatnonzero(~ch)
        if de.size:
            chosen = profiles[:, game.infoset[inner[de]]]  # (P, m)
            onehot = chosen[..., None] == np.arange(amax)  # (P, m, amax)
            weight[:, :, de, :] = onehot[:, None]
        value[:, :, inner] = np.einsum("pbma,pbmai->pbmi", weight, vals)

    # ---- per information set: beliefs and sequential rationality
    maxn = members.shape[1]
    beliefs = np.full((P, B, H, maxn), np.nan)
    lower = np.full((P, B, H, maxn), np.nan)
    upper = np.full((P, B, H, maxn), np.nan)
    uniform = np.full((P, B, H, maxn), np.nan)
    on_path = np.zeros((P, B, H), dtype=bool)
    ok_exact = np.ones((P, B), dtype=bool)
    ok_uniform = np.ones((P, B), dtype=bool)
    shared = np.zeros((P, B, K), dtype=np.int64)
    for h in range(H):
        nodes = members[h, : game.infoset_size[h]]
        s = nodes.size
        i = int(game.infoset_player[h])
        w = int(widths[h])
        chosen = profiles[:, h]  # (P,)
        q = value[:, :, game.children[nodes, :w], i]  # (P, B, s, w)
        qc = np.take_along_axis(q, chosen[:, None, None, None], axis=-1)  # (P, B, s, 1)
        others = [np.flatnonzero(np.arange(w) != c) for c in range(w)]
        diff = qc - q  # (P, B, s, w): the chosen action's gain over each action
        slack = tol * units[:, i]  # (B,)
        rh = reach[:, :, nodes]  # (P, B, s)
        tot = rh.sum(axis=-1)
        reached = tot > 0
        on_path[:, :, h] = reached
        bayes = rh / np.where(reached, tot, 1.0)[..., None]
        # on the path: Bayes' belief must make the chosen action optimal
        gain = np.einsum("pbs,pbsa->pba", bayes, diff)
        good_on = np.all(gain >= -slack[None, :, None], axis=-1)
        # off the path: minimal deviation sets among reachable nodes
        dn = dev[:, nodes, :]  # (P, s, K)
        S = _minimal_nodes(dn, cr[:, nodes])
        # the chosen action's constraints as rows A[a] . mu >= -slack, a != chosen
        A = np.moveaxis(diff, -1, -2)  # (P, B, w, s)
        if w > 1:
            idx = np.stack([others[c] for c in chosen])  # (P, w-1)
            A = np.take_along_axis(A, idx[:, None, :, None], axis=2)
        else:
            A = A[:, :, :0]
        flatA = A.reshape(P * B, A.shape[2], s)
        vert, valid = _simplex_vertices(
            flatA, S.reshape(P * B, s), np.broadcast_to(slack, (P, B)).reshape(-1)
        )
        lo, hi, mean = _bounds(vert, valid)
        nonempty = valid.any(axis=1).reshape(P, B)
        # uniform trembles: the nodes of S_h with fewest deviations, weighted by chance
        ndev = np.where(S, dn.sum(-1)[:, None, :], np.iinfo(np.int64).max)
        fewest = ndev == ndev.min(axis=-1, keepdims=True)
        wts = np.where(fewest, np.broadcast_to(cr[:, nodes], fewest.shape), 0.0)
        wts = np.where(wts.sum(-1, keepdims=True) > 0, wts, fewest.astype(float))
        uni = wts / wts.sum(-1, keepdims=True)
        good_uni = np.all(np.einsum("pbs,pbsa->pba", uni, diff) >= -slack[None, :, None], -1)
        big = (~reached) & (S.sum(-1) >= 2)
        shared += np.einsum("pb,pbs,psk->pbk", big, S, dn.astype(np.int64))
        ok_exact &= np.where(reached, good_on, nonempty)
        ok_uniform &= np.where(reached, good_on, good_uni)
        beliefs[:, :, h, :s] = np.where(reached[..., None], bayes, mean.reshape(P, B, s))
        lower[:, :, h, :s] = np.where(reached[..., None], bayes, lo.reshape(P, B, s))
        upper[:, :, h, :s] = np.where(reached[..., None], bayes, hi.reshape(P, B, s))
        uniform[:, :, h, :s] = np.where(reached[..., None], bayes, uni)
    exact = np.all(shared <= 1, axis=-1)  # (P, B)
    keep = np.where(exact, ok_exact, ok_uniform)
    pp, bb = np.nonzero(keep)  # profile-major rows
    order = np.lexsort((pp, bb))
    pp, bb = pp[order], bb[order]
    ex = exact[pp, bb]
    bel = np.where(ex[:, None, None], beliefs[pp, bb], uniform[pp, bb])
    lo_r = np.where(ex[:, None, None], lower[pp, bb], uniform[pp, bb])
    hi_r = np.where(ex[:, None, None], upper[pp, bb], uniform[pp, bb])
    behavior = np.full((pp.size, H, amax), np.nan)
    for h in range(H):
        behavior[:, h, : widths[h]] = (profiles[pp, h][:, None] == np.arange(widths[h])).astype(
            float
        )
    values = value[pp, bb]
    on = on_path[pp, bb]
    mixed_part, mixed_unsupported = (None, False)
    if mixed:
        mixed_part, mixed_unsupported = _mixed_rows(
            game, profiles, widths, reach, value, dev, cr, units, members, tol
        )
    if mixed_part is not None:
        bb = np.concatenate([bb, mixed_part["game_index"]])
        ex = np.concatenate([ex, np.ones(mixed_part["game_index"].size, dtype=bool)])
        behavior = np.concatenate([behavior, mixed_part["behavior"]])
        bel = np.concatenate([bel, mixed_part["beliefs"]])
        lo_r = np.concatenate([lo_r, mixed_part["lower"]])
        hi_r = np.concatenate([hi_r, mixed_part["upper"]])
        on = np.concatenate([on, mixed_part["on_path"]])
        values = np.concatenate([values, mixed_part["value"]])
        order = np.argsort(bb, kind="stable")
        bb, ex, behavior, bel = bb[order], ex[order], behavior[order], bel[order]
        lo_r, hi_r, on, values = lo_r[order], hi_r[order], on[order], values[order]
    payoffs_rows = values[:, 0, :]

    intuitive = d1 = None
    options: dict[str, Any] = {
        "max_profiles": max_profiles,
        "profiles": P,
        "mixed": (
            "one information set mixing at a time (the others pure); equilibria in which two "
            "or more sets mix are not searched"
            if mixed
            else "not searched"
        ),
    }
    signalling = _signalling_structure(game)
    if signalling is not None and bb.size:
        intuitive, d1 = _refinements(game, signalling, pay, values, behavior, on, bb, tol)
    if refine is not None:
        if signalling is None:
            raise GameValueError(
                f"refine={refine!r} applies to sender-receiver trees (Nature draws a type, the "
                "sender sends a message, the receiver responds); this tree is not one"
            )
        if refine == "D1" and int(widths[signalling[1][0]]) != 2:
            raise GameValueError("refine='D1' is implemented for receivers with two responses")
        if bb.size:
            sel = intuitive if refine == "intuitive" else d1
            pick = np.flatnonzero(sel)
            bb, ex = bb[pick], ex[pick]
            bel, lo_r, hi_r, behavior = bel[pick], lo_r[pick], hi_r[pick], behavior[pick]
            payoffs_rows, on = payoffs_rows[pick], on[pick]
            intuitive, d1 = intuitive[pick], d1[pick]
        options["refine"] = refine
    regret, gap = sequential_regret(game, behavior, bel, bb)
    count = np.bincount(bb, minlength=B).reshape(game.batch_shape)
    return SequentialEquilibria(
        method="sequential_equilibria",
        tol=tol,
        batch_shape=game.batch_shape,
        game_index=bb,
        behavior=behavior,
        beliefs=bel,
        belief_lower=lo_r,
        belief_upper=hi_r,
        on_path=on,
        belief_exact=ex,
        payoffs=payoffs_rows,
        regret=regret,
        belief_gap=gap,
        units=units[bb],
        intuitive=intuitive,
        d1=d1,
        count=count,
        complete=bool(np.all(exact[keep]) if keep.any() else np.all(exact))
        and not mixed_unsupported,
        options=options,
    )


# ====================================================================== refinements
def _signalling_structure(game: ExtensiveFormGame):
    """``(type nodes, receiver infosets)`` of a sender-receiver tree, or None."""
    from ..games.signalling import SignallingGame

    try:
        SignallingGame.from_tree(game)
    except GameValueError:
        return None
    types = game.children[0, : game.num_children[0]]
    receiver = sorted({int(game.infoset[k]) for t in types for k in game.children[t] if k >= 0})
    return types, receiver


def _refinements(game, structure, pay, value, behavior, on, bb, tol):
    """Intuitive-criterion and D1 flags of the rows of a sender-receiver tree.

    ``value`` ``(rows, n_nodes, n_players)`` holds each row's continuation values and
    ``behavior`` its behaviour (a response mixed off the path must have every response of its
    support a best reply to a belief on the surviving types, for D1).
    """
    types, receivers = structure
    rows = behavior.shape[0]
    T = types.size
    sender = int(game.mover[types[0]])
    recv = int(game.mover[game.children[types[0], 0]])
    ustar = value[:, types, sender]  # (rows, T)
    tpos = {int(t): k for k, t in enumerate(types)}
    su = _units(pay)[bb]  # (rows, n_players)
    ok_int = np.ones(rows, dtype=bool)
    ok_d1 = np.ones(rows, dtype=bool)
    term = {int(z): k for k, z in enumerate(game.terminals)}
    for h in receivers:
        nodes = np.flatnonzero(game.infoset == h)
        order = np.array([tpos[int(game.parent[v])] for v in nodes])
        R = int(game.num_children[nodes[0]])
        uS = np.zeros((rows, T, R))
        uR = np.zeros((rows, T, R))
        for v, t in zip(nodes, order, strict=True):
            for r in range(R):
                z = term[int(game.children[v, r])]
                uS[:, t, r] = pay[bb, z, sender]
                uR[:, t, r] = pay[bb, z, recv]
        off = ~on[:, h]
        slack_r = tol * su[:, recv]
        slack_s = tol * su[:, sender][:, None]

        def best_set(support, uR=uR, R=R, slack_r=slack_r):
            # (rows, R): response r is a best reply to some belief on `support`
            out = np.zeros((rows, R), dtype=bool)
            for r in range(R):
                A = np.zeros((rows, R - 1, T))
                for k, x in enumerate(x for x in range(R) if x != r):
                    A[:, k] = uR[:, :, r] - uR[:, :, x]
                _, valid = _simplex_vertices(A, support, slack_r)
                out[:, r] = valid.any(axis=1)
            return out

        all_types = np.ones((rows, T), dtype=bool)
        br_all = best_set(all_types)
        best_dev = np.where(br_all[:, None, :], uS, -np.inf).max(axis=-1)  # (rows, T)
        J = ustar > best_dev + slack_s
        rest = ~J
        br_rest = best_set(rest)
        worst = np.where(br_rest[:, None, :], uS, np.inf).min(axis=-1)
        breaks = np.any(rest & (worst > ustar + slack_s), axis=-1) & rest.any(axis=-1)
        ok_int &= ~(off & breaks)
        if R != 2:
            ok_d1 &= np.zeros(rows, dtype=bool) | ~off  # D1 is not defined here: off rows fail
            continue
        lo = np.where(br_all[:, 1], 0.0, 1.0)  # rho = probability of response 0
        hi = np.where(br_all[:, 0], 1.0, 0.0)

        def f(rho, uS=uS):
            return rho[..., None] * uS[:, :, 0] + (1 - rho[..., None]) * uS[:, :, 1] - ustar

        fa, fc = f(lo), f(hi)  # (rows, T)
        eps = slack_s
        empty = (fa < -eps) & (fc < -eps)
        span = (hi - lo)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            root = lo[:, None] + span * np.clip((fa + eps) / (fa - fc), 0, 1)
        a_lo = np.where(fa >= -eps, lo[:, None], root)
        a_hi = np.where(fc >= -eps, hi[:, None], root)
        deleted = empty.copy()
        for t in range(T):
            for t2 in range(T):
                if t2 == t:
                    continue
                inside = (f(a_lo[:, t])[:, t2] > eps[:, 0]) & (f(a_hi[:, t])[:, t2] > eps[:, 0])
                deleted[:, t] |= inside & ~empty[:, t]
        survivors = np.where(deleted.all(axis=-1, keepdims=True), True, ~deleted)
        br_surv = best_set(survivors)
        support = np.nan_to_num(behavior[:, h, :R]) > 0
        ok_d1 &= ~(off & np.any(support & ~br_surv, axis=-1))
    return ok_int, ok_d1


# ====================================================================== independent check
def sequential_regret(game: ExtensiveFormGame, behavior, beliefs, game_index=None):
    r"""Sequential regret of assessments, straight from the tree (independent of the solver).

    For player :math:`i`'s information set :math:`h` with belief :math:`\mu_h`, the weight of
    a node :math:`w` below :math:`v \in h` is :math:`\mu_h(v)` times the probability that
    chance and the other players lead from :math:`v` to :math:`w`; the best continuation
    value is found by backward induction over :math:`i`'s information sets below :math:`h`,
    deepest own level first (with perfect recall they hold only nodes below :math:`h`), and
    the gain at :math:`h` is that value minus :math:`\sum_{v \in h} \mu_h(v) u_i(\beta \mid
    v)`. A player's regret is her largest gain over her information sets.

    Parameters
    ----------
    game : ExtensiveFormGame
    behavior : array_like, shape (rows, n_infosets, max_actions)
    beliefs : array_like, shape (rows, n_infosets, max_nodes)
        A distribution over each information set's nodes in node order.
    game_index : array_like of int, shape (rows,), optional

    Returns
    -------
    regret : ndarray, shape (rows, n_players)
    belief_gap : ndarray, shape (rows,)
        Largest :math:`|\mu_h(v) - P_\beta(v) / P_\beta(h)|` over information sets with
        :math:`P_\beta(h) > 0`.
    """
    game.require_bound()
    beh = np.nan_to_num(np.asarray(behavior, dtype=float))
    mu = np.nan_to_num(np.asarray(beliefs, dtype=float))
    rows = beh.shape[0]
    if game_index is None:
        game_index = np.zeros(rows, dtype=np.int64)
    gi = np.asarray(game_index, dtype=np.int64)
    pay, probs = _flat_numbers(game)
    pay, probs = pay[gi], probs[gi]
    n = game.n_nodes
    # step probability of each edge (parent -> node), under beh and chance
    step = np.ones((rows, n))
    for v in range(1, n):
        u = int(game.parent[v])
        a = int(game.action_index[v])
        if game.mover[u] == CHANCE:
            step[:, v] = probs[:, int(game.chance_index[u]), a]
        else:
            step[:, v] = beh[:, int(game.infoset[u]), a]
    # expected payoff of each node under beh (children after parents, so reverse order)
    val = np.zeros((rows, n, game.n_players))
    for k, z in enumerate(game.terminals):
        val[:, z] = pay[:, k]
    for v in range(n - 1, 0, -1):
        val[:, game.parent[v]] += step[:, v, None] * val[:, v]
    reach = np.ones((rows, n))
    for v in range(1, n):
        reach[:, v] = reach[:, game.parent[v]] * step[:, v]
    regret = np.zeros((rows, game.n_players))
    gap = np.zeros(rows)
    kids = [list(game.children[v, : game.num_children[v]]) for v in range(n)]
    for h in range(game.n_infosets):
        nodes = np.flatnonzero(game.infoset == h)
        i = int(game.infoset_player[h])
        m = mu[:, h, : nodes.size]
        tot = reach[:, nodes].sum(axis=1)
        seen = tot > 0
        if seen.any():
            bayes = reach[seen][:, nodes] / tot[seen, None]
            gap[seen] = np.maximum(gap[seen], np.abs(m[seen] - bayes).max(axis=1))
        # nodes below h, and i's information sets there
        below = set()
        stack = list(nodes)
        while stack:
            v = stack.pop()
            below.add(v)
            stack.extend(kids[v])
        below_sorted = sorted(below)
        own = {v: 0 for v in nodes}
        for v in below_sorted:
            if v not in own:
                u = int(game.parent[v])
                own[v] = own[u] + int(game.mover[u] == i)
        # weights: mu at h's nodes, times the others' and chance's steps below
        wgt = np.zeros((rows, n))
        wgt[:, nodes] = m
        for v in below_sorted:
            if v in set(nodes.tolist()):
                continue
            u = int(game.parent[v])
            wgt[:, v] = wgt[:, u] * (1.0 if game.mover[u] == i else step[:, v])
        my_sets = sorted({int(game.infoset[v]) for v in below_sorted if game.mover[v] == i})
        depth_of = {g: own[int(np.flatnonzero(game.infoset == g)[0])] for g in my_sets}
        choice: dict[int, np.ndarray] = {}

        def best_value(below=below, below_sorted=below_sorted, wgt=wgt, i=i, choice=choice):
            # weighted value of each node when i plays `choice` (undecided: weight 0 paths)
            out = np.zeros((rows, n))
            for k, z in enumerate(game.terminals):
                if z in below:
                    out[:, z] = wgt[:, z] * pay[:, k, i]
            for v in reversed(below_sorted):
                if game.mover[v] == TERMINAL:
                    continue
                ch = np.stack([out[:, c] for c in kids[v]], axis=1)
                if game.mover[v] == i and int(game.infoset[v]) in choice:
                    out[:, v] = np.take_along_axis(ch, choice[int(game.infoset[v])][:, None], 1)[
                        :, 0
                    ]
                else:
                    out[:, v] = ch.sum(axis=1)
            return out

        for g in sorted(my_sets, key=lambda g: -depth_of[g]):
            w_vals = best_value()
            gnodes = np.flatnonzero(game.infoset == g)
            score = sum(np.stack([w_vals[:, c] for c in kids[v]], axis=1) for v in gnodes)
            choice[g] = np.argmax(score, axis=1)
        best = best_value()[:, nodes].sum(axis=1)
        current = (m * val[:, nodes, i]).sum(axis=1)
        regret[:, i] = np.maximum(regret[:, i], best - current)
    return np.maximum(regret, 0.0), gap


# ====================================================================== one mixing set
def _mixed_rows(game, profiles, widths, reach, value, dev, cr, units, members, tol):
    r"""Sequential equilibria in which exactly one information set mixes.

    Fix the mixing set :math:`h^*`, its support :math:`A^* \subseteq A(h^*)` (two actions
    or more) and a pure action at every other set. With perfect recall no path crosses
    :math:`h^*` twice, so every reach probability and continuation value is linear in the
    mixture :math:`q \in \Delta(A^*)`: :math:`X(q) = \sum_{a \in A^*} q_a X(\beta^a)`, with
    :math:`\beta^a` the pure profile that plays :math:`a` at :math:`h^*`. At a set on the path
    the unnormalised condition :math:`\sum_v P_q(v) [u(\cdot \mid v, \beta(h)) - u(\cdot \mid v,
    a)] \ge 0` is a product in which one factor does not depend on :math:`q` (a node lies
    above or below :math:`h^*`, never both), so it is linear in :math:`q`; :math:`h^*`'s own
    condition (every action of :math:`A^*` optimal) does not depend on :math:`q`. The feasible
    mixtures form a polytope; a row is reported, at the mean of its vertices, when it holds a
    point with full support :math:`A^*` (then the mean does). Off-path sets follow the pure
    case, with the actions outside the supports as deviations; an off-path set of two or more
    weighted nodes whose values move with :math:`q` (beliefs and mixture multiply) and
    dependent trembles are not handled, and set the returned flag.
    """
    B = reach.shape[1]
    H = game.n_infosets
    amax = game.children.shape[1]
    require(
        8.0 * reach.size * (value.shape[-1] + 1) + dev.size,
        "the mixed search's copies of reach and values",
        advice="pass mixed=False, or solve a smaller batch",
    )
    strides = np.ones(H, dtype=np.int64)
    for h in range(H - 2, -1, -1):
        strides[h] = strides[h + 1] * widths[h + 1]
    above = np.zeros((H, H), dtype=bool)  # above[h, g]: some node of g lies below a node of h
    for v in np.flatnonzero(game.mover >= 0):
        u = int(game.parent[v])
        while u >= 0:
            if game.mover[u] >= 0:
                above[game.infoset[u], game.infoset[v]] = True
            u = int(game.parent[u])
    maxn = members.shape[1]
    parts: list[dict[str, np.ndarray]] = []
    unsupported = False
    for hs in range(H):
        w_star = int(widths[hs])
        for size in range(2, w_star + 1):
            for star_t in itertools.combinations(range(w_star), size):
                star = np.array(star_t)
                base = np.flatnonzero(profiles[:, hs] == star[0])
                pa = base[:, None] + (star - star[0])[None, :] * strides[hs]  # (Q, z)
                Q, z = pa.shape
                Ra, Va = reach[pa], value[pa]  # (Q, z, B, n), (Q, z, B, n, players)
                Dsup = dev[pa].all(axis=1)  # deviations: actions outside the supports
                feasible = np.ones((Q, B), dtype=bool)
                shared = np.zeros((Q, B, Dsup.shape[-1]), dtype=np.int64)
                blocks = []
                stored = []
                for h in range(H):
                    nodes = members[h, : game.infoset_size[h]]
                    s = nodes.size
                    i = int(game.infoset_player[h])
                    wh = int(widths[h])
                    slack = tol * units[:, i]
                    kids = game.children[nodes, :wh]
                    moving = h != hs and above[h, hs]
                    if h == hs:
                        qv = Va[:, 0][:, :, kids, i]  # (Q, B, s, wh): no q below h*
                        pairs = [(a, b) for a in star for b in range(wh) if b != a]
                        A = np.stack([qv[..., a] - qv[..., b] for a, b in pairs], axis=2)
                        r = Ra[:, 0][:, :, nodes]
                    else:
                        c = profiles[base, h]
                        qa = Va[..., kids, i]  # (Q, z, B, s, wh)
                        diff = np.take_along_axis(qa, c[:, None, None, None, None], -1) - qa
                        r_a = Ra[..., nodes]  # (Q, z, B, s)
                        r = r_a.sum(axis=1)
                        A = np.moveaxis(diff[:, 0], -1, -2)  # (Q, B, wh, s)
                    tot = r.sum(-1)
                    reached = tot > 0
                    if h == hs:
                        bayes = r / np.where(reached, tot, 1.0)[..., None]
                        gain = np.einsum("qbs,qbks->qbk", bayes, A)
                        feasible &= ~reached | np.all(gain >= -slack[None, :, None], -1)
                    else:
                        G = np.einsum(
                            "qabs,qabsw->qbwa", r_a, diff + slack[None, None, :, None, None]
                        )
                        blocks.append(np.where(reached[:, :, None, None], G, 1.0))
                    dn = Dsup[:, nodes, :]
                    S = _minimal_nodes(dn, cr[:, nodes])
                    big = ~reached & (S.sum(-1) >= 2)
                    shared += np.einsum("qb,qbs,qsk->qbk", big, S, dn.astype(np.int64))
                    if moving:
                        unsupported |= bool(big.any())
                        feasible &= ~big
                        single = (~reached & ~big).astype(float)
                        Gs = np.einsum("qbs,qabsw->qbwa", S * single[..., None], diff)
                        Gs = Gs + slack[None, :, None, None]
                        blocks.append(np.where((single > 0)[:, :, None, None], Gs, 1.0))
                        one = S / S.sum(-1, keepdims=True)
                        lo = hi = mean = one.reshape(Q * B, s)
                    else:
                        vert, valid = _simplex_vertices(
                            A.reshape(Q * B, A.shape[2], s),
                            S.reshape(Q * B, s),
                            np.broadcast_to(slack, (Q, B)).reshape(-1),
                        )
                        lo, hi, mean = _bounds(vert, valid)
                        feasible &= reached | valid.any(axis=1).reshape(Q, B)
                    stored.append(
                        (reached, lo.reshape(Q, B, s), hi.reshape(Q, B, s), mean.reshape(Q, B, s))
                    )
                exact = np.all(shared <= 1, axis=-1)
                unsupported |= bool((feasible & ~exact).any())
                feasible &= exact
                if not feasible.any():
                    continue
                Acat = np.concatenate(blocks, axis=2) if blocks else np.zeros((Q, B, 0, z))
                vert, valid = _simplex_vertices(
                    Acat.reshape(Q * B, Acat.shape[2], z),
                    np.ones((Q * B, z), dtype=bool),
                    np.zeros(Q * B),
                )
                _, _, qmean = _bounds(vert, valid)
                inner = valid.any(axis=1) & (qmean.min(axis=-1) > 1e-9)
                qq, bb = np.nonzero(feasible & inner.reshape(Q, B))
                if not qq.size:
                    continue
                qmix = qmean.reshape(Q, B, z)[qq, bb]  # (r, z)
                rows = qq.size
                beh = np.full((rows, H, amax), np.nan)
                for h in range(H):
                    beh[:, h, : widths[h]] = (
                        profiles[base[qq], h][:, None] == np.arange(widths[h])
                    ).astype(float)
                beh[:, hs, :w_star] = 0.0
                beh[:, hs, star] = qmix
                reach_q = np.einsum("rz,rzn->rn", qmix, Ra[qq, :, bb])
                value_q = np.einsum("rz,rzni->rni", qmix, Va[qq, :, bb])
                bel = np.full((rows, H, maxn), np.nan)
                lo_r, hi_r = bel.copy(), bel.copy()
                on = np.zeros((rows, H), dtype=bool)
                for h, (reached, lo, hi, mean) in enumerate(stored):
                    nodes = members[h, : game.infoset_size[h]]
                    s = nodes.size
                    rh = reach_q[:, nodes]
                    on[:, h] = reached[qq, bb]
                    bayes = rh / np.where(on[:, h], rh.sum(-1), 1.0)[:, None]
                    pick = on[:, h][:, None]
                    bel[:, h, :s] = np.where(pick, bayes, mean[qq, bb])
                    lo_r[:, h, :s] = np.where(pick, bayes, lo[qq, bb])
                    hi_r[:, h, :s] = np.where(pick, bayes, hi[qq, bb])
                parts.append(
                    {
                        "game_index": bb,
                        "behavior": beh,
                        "beliefs": bel,
                        "lower": lo_r,
                        "upper": hi_r,
                        "on_path": on,
                        "value": value_q,
                    }
                )
    if not parts:
        return None, unsupported
    merged = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return merged, unsupported
