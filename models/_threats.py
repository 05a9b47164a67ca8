r"""The K-threat leader game shared by the omnibalancing models.

A leader :math:`L` counters every threat to staying in power, internal and external (David
1991; see :mod:`irgames.models.omnibalancing` for the theory). This module holds the game and
its solution once, for both models built on it: :mod:`irgames.models.omnibalancing` (two
threats: the domestic challenger and a foreign power) and
:mod:`irgames.models.omnibalancing_threats` (three: the domestic opposition, its foreign ally
and an unaligned rival). It defines no model (the registry skips it).

The K-threat game (:func:`threat_game`, :func:`solve_threats`). Threats :math:`k = 1..K` are
internal or external. :math:`L` chooses the set :math:`A` of threats to offer concessions
among the appeasable ones (all :math:`2^K` sets as the actions of one decision node), paying
:math:`w z_k` for each one accepted. Then every external threat that can back the domestic
opposition decides, in turn: offered a concession, it accepts or refuses and backs; not
offered one, it backs or stays out (support :math:`s_k`, cost :math:`c_k`, value :math:`V_k`
of :math:`L`'s fall); backing helps only while some internal threat is left unappeased. Other
threats accept what they are offered. With :math:`A'` the set appeased (offered and
accepting) and :math:`b` the backers, the survival index is

.. math::

    x(A', b) = E - \sum_{k \notin A',\ k \text{ internal}} \theta_k
        - \sum_{k \notin A',\ k \text{ external}} \kappa_k
        - \Big[\exists\, k \notin A' \text{ internal}\Big]
          \sum_{k \in b} s_k ,

with :math:`\theta_k` an internal threat's severity and :math:`\kappa_k` the resources that
balancing an external one diverts. :class:`ThreatGame` carries the tree; the model
``omnibalancing_threats`` is its :math:`K = 3` case: the domestic opposition :math:`D`, its
foreign ally :math:`F` (who can back it) and an unaligned foreign rival :math:`X` (who cannot).

Figures of both models share :func:`region_axes`, :func:`region_panel` and
:func:`region_legend` (regimes over the domestic threat and the value of office).

Sources: David, S. R. (1991), "Explaining Third World Alignment", *World Politics* 43(2),
233-256;
Drezner, D. W. (2017), "Trump, Russia and omnibalancing", *The Washington Post*
(Spoiler Alerts), June 2017.

Examples
--------
>>> g = threat_game(("D", "F"), (True, False), (False, True))
>>> g.backers, g.subset_labels()
(('F',), ['balance all', 'appease F'])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from irgames.models._sources import OMNIBALANCING
from scipy.special import ndtr

from irgames.analysis.parameters import Range
from irgames.games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame, TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.plot import regime_legend, regime_palette, regime_panel
from irgames.solvers.backward_induction import SubgamePerfect, backward_induction

__all__ = [
    "DAVID",
    "SEED",
    "ThreatGame",
    "ThreatSolution",
    "region_axes",
    "region_legend",
    "region_palette",
    "region_panel",
    "solve_threats",
    "threat_game",
]

SEED = OMNIBALANCING
DAVID = "David 1991, World Politics 43(2)"


# ---------------------------------------------------------------------------------- the game
@dataclass(frozen=True, eq=False)
class ThreatGame:
    r"""The multi-threat leader game as a (symbolic) extensive-form game.

    Attributes
    ----------
    names : tuple of str
        The threats, e.g. ``("D", "F")``.
    internal, appeasable, can_back : tuple of bool
        Per threat: whether it is domestic, whether :math:`L` can appease it, and whether it
        can back the domestic opposition (then it is a player).
    game : ExtensiveFormGame
        The tree: players ``("L", *external threats, "state")``; terminal payoffs are sympy
        expressions in ``R``, ``w``, ``z_<k>``, ``V_<k>``, ``c_<k>``; the survival
        probability of chance node ``j`` is the parameter ``q_<j>``.
    subsets : ndarray of bool, shape (n_actions, K)
        The threats offered a concession by each of :math:`L`'s actions at the root (in
        action order: smaller sets first, so that where a larger offer would be refused and
        change nothing, the smaller one is reported).
    chance_appeased, chance_backing : ndarray of bool, shape (n_chance, K)
        Per chance node (in the order of ``game.chance_nodes``): the threats appeased (offered
        a concession that they accepted) and the threats backing the domestic opposition on
        the way to it.
    survive : ndarray of bool, shape (n_nodes,)
        The terminal nodes where :math:`L` survives.
    chance_parameters : tuple of str
        The survival-probability parameter of each chance node (in the same order).
    """

    names: tuple[str, ...]
    internal: tuple[bool, ...]
    appeasable: tuple[bool, ...]
    can_back: tuple[bool, ...]
    game: ExtensiveFormGame
    subsets: np.ndarray
    chance_appeased: np.ndarray
    chance_backing: np.ndarray
    survive: np.ndarray
    chance_parameters: tuple[str, ...]

    @property
    def backers(self) -> tuple[str, ...]:
        """The threats that can back the domestic opposition: the players besides L."""
        return tuple(n for n, b in zip(self.names, self.can_back, strict=True) if b)

    def survival_probabilities(self, E, sigma, severity, support) -> np.ndarray:
        r""":math:`\Phi(x(A, b)/\sigma)` at every chance node, shape ``(*batch, n_chance)``.

        ``severity`` and ``support`` have shape ``(*batch, K)``; ``E`` and ``sigma``
        broadcast with ``(*batch,)``.
        """
        sev = np.asarray(severity, dtype=float)
        sup = np.asarray(support, dtype=float)
        left = ~self.chance_appeased  # (C, K): threats still faced
        internal = np.asarray(self.internal)
        domestic_left = (left & internal).any(axis=1)  # (C,)
        pressure = np.einsum("...k,ck->...c", sev, left.astype(float))
        backing = np.einsum(
            "...k,ck->...c", sup, (left & ~internal & self.chance_backing).astype(float)
        )
        x = np.asarray(E, float)[..., None] - pressure - domestic_left * backing
        return ndtr(x / np.asarray(sigma, float)[..., None])

    def subset_labels(self) -> list[str]:
        """A readable label for each root action (``"balance all"``, ``"appease F, X"``)."""
        return list(self.game.action_labels[0])


def _subset_label(names, mask) -> str:
    chosen = [n for n, m in zip(names, mask, strict=True) if m]
    return "appease " + ", ".join(chosen) if chosen else "balance all"


def threat_game(
    names: Sequence[str],
    internal: Sequence[bool],
    appeasable: Sequence[bool] | None = None,
    can_back: Sequence[bool] | None = None,
) -> ThreatGame:
    r"""Build the multi-threat leader game for a structure of threats.

    Parameters
    ----------
    names : sequence of str
        Identifiers of the threats.
    internal : sequence of bool
        Whether each threat is domestic (it weighs on survival directly, and can be backed)
        or foreign (balancing it diverts resources; unappeased, it may back the domestic
        opposition).
    appeasable : sequence of bool, optional
        Whether :math:`L` can appease each threat (default: all).
    can_back : sequence of bool, optional
        Whether each threat can back the domestic opposition (default: every external
        threat). Those that can are the players besides :math:`L`; internal threats cannot.

    Returns
    -------
    ThreatGame

    Examples
    --------
    >>> g = threat_game(("D", "F"), (True, False), (False, True))
    >>> g.game.players, g.subset_labels()
    (('L', 'F', 'state'), ['balance all', 'appease F'])
    >>> g.game.n_nodes, g.game.action_labels[2]  # F's node after L's offer
    (15, ('accept', 'back D'))
    """
    names = tuple(str(n) for n in names)
    internal = tuple(bool(i) for i in internal)
    appeasable = tuple(True for _ in names) if appeasable is None else tuple(map(bool, appeasable))
    can_back = tuple(not i for i in internal) if can_back is None else tuple(map(bool, can_back))
    return _threat_game(names, internal, appeasable, can_back)


@lru_cache(maxsize=32)
def _threat_game(names, internal, appeasable, can_back) -> ThreatGame:
    """:func:`threat_game` on normalised (hashable) arguments, built once per structure."""
    K = len(names)
    if K == 0 or len(internal) != K or len(appeasable) != K or len(can_back) != K:
        raise GameValueError(
            f"give one entry of internal, appeasable and can_back per threat: {K} names, "
            f"{len(internal)} internal flags, {len(appeasable)} appeasable flags, "
            f"{len(can_back)} can_back flags"
        )
    if any(b and i for b, i in zip(can_back, internal, strict=True)):
        raise GameValueError("only external threats can back the domestic opposition")
    if len(set(names)) != K or not all(n.isidentifier() for n in names):
        raise GameValueError(f"threat names must be distinct identifiers, got {names}")
    if "L" in names or "state" in names:
        raise GameValueError("the names 'L' and 'state' are taken by the leader and the state")
    external = [k for k in range(K) if can_back[k]]
    players = ["L", *(names[k] for k in external), "state"]
    free = [k for k in range(K) if appeasable[k]]
    subsets = []
    for size in range(len(free) + 1):  # smaller sets first: no futile offers on ties
        for chosen in itertools.combinations(free, size):
            mask = np.zeros(K, dtype=bool)
            mask[list(chosen)] = True
            subsets.append(mask)
    n_chance = len(subsets) * 2 ** len(external)
    symbols = ["R", "w"]
    for k in range(K):
        symbols.append(f"z_{names[k]}")
    for k in external:
        symbols += [f"V_{names[k]}", f"c_{names[k]}"]
    symbols += [f"q_{j}" for j in range(n_chance)]
    bounds = {s: (0, None) for s in symbols}
    for j in range(n_chance):
        bounds[f"q_{j}"] = (0, 1)
    T = TreeBuilder(players, parameters=bounds)
    R, w = T["R"], T["w"]
    chance_rows: list[tuple[np.ndarray, np.ndarray]] = []

    def leaf(mask, backing):
        j = len(chance_rows)
        chance_rows.append((mask.copy(), backing.copy()))
        cost = sum((T[f"z_{names[k]}"] for k in range(K) if mask[k]), start=0)
        gift = {names[k]: T[f"z_{names[k]}"] if mask[k] else 0 for k in external}

        def ends(alive: bool):
            pay = {"L": (R if alive else 0) - w * cost, "state": -cost}
            for k in external:
                n = names[k]
                pay[n] = (0 if alive else T[f"V_{n}"]) - (T[f"c_{n}"] if backing[k] else 0)
                pay[n] += gift[n]
            return T.terminal(**pay, label="survives" if alive else "falls")

        q = T[f"q_{j}"]
        return T.chance({"survives": (q, ends(True)), "falls": (1 - q, ends(False))})

    def backers(mask, backing, pending):
        if not pending:
            return leaf(mask, backing)
        k, rest = pending[0], pending[1:]
        on = backing.copy()
        on[k] = True
        if mask[k]:  # offered a concession: take it and stay out, or refuse and back D
            off = mask.copy()
            off[k] = False
            moves = {"accept": backers(mask, backing, rest), "back D": backers(off, on, rest)}
        else:
            moves = {"back D": backers(mask, on, rest), "stay out": backers(mask, backing, rest)}
        return T.decision(names[k], moves)

    actions = {}
    for mask in subsets:
        actions[_subset_label(names, mask)] = backers(mask, np.zeros(K, dtype=bool), external)
    root = T.decision("L", actions)
    title = "Omnibalancing: " + ", ".join(
        f"{n} ({'internal' if i else 'external'})" for n, i in zip(names, internal, strict=True)
    )
    game = T.build(root, title=title)
    # chance rows were numbered in construction (depth-first) order; the built game numbers
    # chance nodes breadth first: match them through the q_j parameter of each node
    order = np.empty(game.chance_nodes.size, dtype=np.int64)
    chance_parameters = []
    for row, expr in enumerate(game.chance_exprs[:, 0]):
        (sym,) = expr.free_symbols
        order[row] = int(sym.name[2:])
        chance_parameters.append(sym.name)
    appeased = np.array([chance_rows[j][0] for j in order]).reshape(-1, K)
    backing = np.array([chance_rows[j][1] for j in order]).reshape(-1, K)
    survive = np.array([lab == "survives" for lab in game.node_labels]) & (game.mover == TERMINAL)
    for a in (appeased, backing, survive):
        a.setflags(write=False)
    subs = np.array(subsets)
    subs.setflags(write=False)
    return ThreatGame(
        names,
        internal,
        appeasable,
        can_back,
        game,
        subs,
        appeased,
        backing,
        survive,
        tuple(chance_parameters),
    )


# ---------------------------------------------------------------------------------- solving
@dataclass(frozen=True, eq=False)
class ThreatSolution:
    """The subgame-perfect equilibrium of a batch of multi-threat games, read out.

    Attributes
    ----------
    structure : ThreatGame
    spe : SubgamePerfect
        The solver's result (``spe.game`` is the bound game).
    action : ndarray of int, batch shape
        :math:`L`'s action at the root (a row of ``structure.subsets``: the offers).
    appeases : ndarray of bool, shape (*batch, K)
        The threats appeased on the path of play (offered a concession and accepting it).
    backs : ndarray, shape (*batch, K)
        Probability that each threat backs the domestic opposition on the path of play.
    survival : ndarray
        :math:`L`'s survival probability on the path of play.
    survival_by_action : ndarray, shape (*batch, n_actions)
        Survival probability after each of :math:`L`'s root actions (continuation play).
    node_survival : ndarray, shape (*batch, n_nodes)
        Survival probability from every node on, under the equilibrium strategies.
    value_by_action : ndarray, shape (*batch, n_actions)
        :math:`L`'s continuation payoff after each root action.
    payoffs : ndarray, shape (*batch, n_players)
    state_action : ndarray of int
        The root action of a leader with the state's utility (``R = 0, w = 1``), solved by
        the same backward induction.
    """

    structure: ThreatGame
    spe: SubgamePerfect
    action: np.ndarray
    appeases: np.ndarray
    backs: np.ndarray
    survival: np.ndarray
    survival_by_action: np.ndarray
    node_survival: np.ndarray
    value_by_action: np.ndarray
    payoffs: np.ndarray
    state_action: np.ndarray


def _survival_values(spe: SubgamePerfect, survive: np.ndarray) -> np.ndarray:
    """Probability that ``L`` survives from every node on, under the SPE choices, shape
    ``(*batch, n_nodes)`` (one step per node, vectorised over the batch)."""
    game = spe.game
    batch = spe.batch_shape
    n = game.n_nodes
    s = np.zeros((n, *batch))
    probs = np.moveaxis(game.chance_probs, (-2, -1), (0, 1))  # (n_chance, A, *batch)
    choice = np.moveaxis(spe.choice, -1, 0)  # (n_nodes, *batch)
    for v in range(n - 1, -1, -1):  # children come after their parents
        kind = game.mover[v]
        if kind == TERMINAL:
            s[v] = float(survive[v])
            continue
        kids = game.children[v, : game.num_children[v]]
        if kind == CHANCE:
            row = game.chance_index[v]
            s[v] = sum(probs[row, a] * s[c] for a, c in enumerate(kids))
        else:
            s[v] = np.take_along_axis(s[kids], choice[v][None], axis=0)[0]
    return np.moveaxis(s, 0, -1)


def solve_threats(
    structure: ThreatGame,
    *,
    E,
    sigma,
    R,
    w,
    severity,
    cost,
    support,
    stake,
    backing_cost,
) -> ThreatSolution:
    r"""Solve the multi-threat game at a batch of parameter points by backward induction.

    Parameters
    ----------
    structure : ThreatGame
        From :func:`threat_game`.
    E, sigma, R, w : array_like
        Resources, noise of survival, value of office, weight on the national interest.
    severity, cost, support, stake, backing_cost : array_like, shape (..., K)
        Per threat: :math:`\theta_k` (internal) or :math:`\kappa_k` (external); the
        concession's cost :math:`z_k`; the support :math:`s_k` an external threat can give
        the domestic opposition; its value :math:`V_k` of :math:`L`'s fall; its cost
        :math:`c_k` of backing (entries of internal threats are ignored where they do not
        apply).

    Returns
    -------
    ThreatSolution

    Examples
    --------
    The three-threat game at one point: the leader buys off both foreign threats and
    balances the domestic opposition, whose price (15) exceeds the value of office (10).

    >>> three = threat_game(("D", "F", "X"), (True, False, False), None, (False, True, False))
    >>> sol = solve_threats(three, E=1.0, sigma=0.5, R=10.0, w=1.0,
    ...                     severity=[0.6, 0.3, 0.3], cost=[15.0, 2.0, 2.0],
    ...                     support=[0.0, 0.5, 0.0], stake=[0.0, 4.0, 0.0],
    ...                     backing_cost=[0.0, 0.5, 0.0])
    >>> three.subset_labels()[int(sol.action)], sol.appeases.tolist()
    ('appease F, X', [False, True, True])
    >>> round(float(sol.survival), 3)
    0.788
    """
    K = len(structure.names)
    arrays = [np.asarray(v, dtype=float) for v in (severity, cost, support, stake, backing_cost)]
    for name, a in zip(
        ("severity", "cost", "support", "stake", "backing_cost"), arrays, strict=True
    ):
        if a.ndim == 0 or a.shape[-1] != K:
            raise GameValueError(f"{name} must have a last axis of length {K} (one per threat)")
        if np.any(a < 0) or not np.all(np.isfinite(a)):
            raise GameValueError(f"{name} must be finite and non-negative")
    sigma = np.asarray(sigma, dtype=float)
    if np.any(sigma <= 0):
        raise GameValueError("sigma must be positive")
    batch = np.broadcast_shapes(
        *(np.shape(v) for v in (E, sigma, R, w)), *(a.shape[:-1] for a in arrays)
    )
    sev, z, sup, V, c = (np.broadcast_to(a, (*batch, K)) for a in arrays)
    q = structure.survival_probabilities(E, sigma, sev, sup)
    q = np.broadcast_to(q, (*batch, q.shape[-1]))
    values = {"R": R, "w": w}
    external = [k for k in range(K) if structure.can_back[k]]
    for k, name in enumerate(structure.names):
        values[f"z_{name}"] = z[..., k]
        if k in external:
            values[f"V_{name}"] = V[..., k]
            values[f"c_{name}"] = c[..., k]
    for row, name in enumerate(structure.chance_parameters):
        values[name] = q[..., row]
    game = structure.game.bind(**values)
    spe = backward_induction(game)
    # the state's choice: the same tree, the leader's payoff replaced by the national outcome
    state = backward_induction(game.rebind(R=0.0, w=1.0))  # re-bound in R and w alone
    root_kids = game.children[0, : game.num_children[0]]
    surv = _survival_values(spe, structure.survive)
    action = spe.choice[..., 0]
    chance = game.chance_nodes
    appeases = np.einsum("...c,ck->...k", spe.reach[..., chance], structure.chance_appeased) > 0.5
    backs = np.einsum("...c,ck->...k", spe.reach[..., chance], structure.chance_backing)
    return ThreatSolution(
        structure=structure,
        spe=spe,
        action=action,
        appeases=appeases,
        backs=backs,
        survival=surv[..., 0],
        survival_by_action=surv[..., root_kids],
        node_survival=surv,
        value_by_action=spe.values[..., root_kids, 0],
        payoffs=spe.payoffs,
        state_action=state.choice[..., 0],
    )


# ---------------------------------------------------------------------------------- quotes
PROTECT = (
    "Finally, since the dominant goal of Third World leaders is to stay in power, they will "
    "sometimes protect themselves at the expense of the interests of the state."
)
SECONDARY = (
    "As with the leaders of great powers, Third World leaders, too, seek to appease secondary "
    "threats in order to counter those that are more pressing."
)
DOMESTIC = (
    "But in the Third World, this often means appeasing other states (which often pose less "
    "pressing threats) in order to counter the more immediate and dangerous domestic threats."
)
SPLIT = (
    "They seek to split the alignment against them and focus their energies on their most "
    "dangerous (domestic) opponents."
)
ALLIES = "To do this they appease the international allies of their domestic opponents."
BETTER = (
    "But it is better classified as balancing; the accommodation, made to conserve strength "
    "for the battle against the prime threat, is part of a general policy of resistance."
)
FEAR = (
    "Simply put, my fear is that the Trump White House will choose to tighten its relationship "
    "with foreign adversaries because they are viewed as less immediately threatening than "
    "either Congress or the special prosecutor."
)
PRESSURE = (
    "If Trump thought the pressure was great before, one can only imagine how hot he thinks it "
    "is in his kitchen now."
)


# ---------------------------------------------------------------------------------- figures
def region_axes(model, spc, fixed=None, nx=121, ny=101):
    """A model's regimes over ``theta_D`` (columns) and ``R`` (rows), the others fixed."""
    g = spc.grid(fixed=fixed, theta_D=Range(0, 3, nx), R=Range(0, 20, ny))
    out = model.evaluate(g.params)
    swap = g.dims[0] != "R"  # make rows R and columns theta_D
    regime = out.regime.T if swap else out.regime
    return g.coords["theta_D"], g.coords["R"], regime


def region_palette(n: int) -> tuple[list[str], list[str]]:
    """Colours and hatches of ``n`` regimes (:func:`irgames.plot.regime_palette`)."""
    return regime_palette(n)


def region_panel(ax, d, key, palette, title, note):
    """One panel of regimes over the domestic threat and the value of office.

    ``palette`` is ``(colours, hatches)`` (:func:`region_palette`); ``note`` (the fixed
    parameters) is printed under the panel, outside the data.
    """
    colours, hatches = palette
    present = regime_panel(
        ax, np.unique(d["theta_D"]), np.unique(d["R"]), d[key], colours, hatches=hatches
    )
    ax.set_xlabel(r"strength of the domestic challenger $\theta_D$")
    ax.set_ylabel("value of office $R$ (payoff units)")
    ax.set_title(title, fontsize=10)
    ax.text(0.0, -0.2, note, transform=ax.transAxes, fontsize=7, va="top", wrap=True)
    return present


def region_legend(ax, names, palette, present):
    """The legend of the regimes present in a region panel, to the right of the panel."""
    colours, hatches = palette
    regime_legend(
        ax,
        names,
        colours,
        present,
        hatches=hatches,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0.0,
        fontsize=8,
        frameon=False,
    )
