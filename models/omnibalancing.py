r"""Omnibalancing: a leader who fears domestic threats more than foreign ones.

The theory (David 1991). Balance-of-power theory asks how a *state* counters threats from
other states. Omnibalancing asks how a *leader* counters every threat to staying in power,
internal and external. Where domestic threats are the more pressing, the leader appeases
secondary (foreign) threats in order to counter the primary (domestic) one, and in particular
appeases the foreign allies of its domestic opponents, to "split the alignment against them".
What looks like bandwagoning is then balancing against the prime threat; and since the leader's
dominant goal is to stay in power, it will sometimes protect itself at the expense of the
state. Seed 000 (Drezner, on Trump, Russia and the special counsel) applies the theory to a
leader in legal jeopardy, for whom losing office costs more than office is worth as such. No
formal model of omnibalancing exists in the literature; this one is ours.

The two-threat game. A leader :math:`L` faces a domestic challenger :math:`D` of strength
:math:`\theta_D` and a foreign power :math:`F`.

1. :math:`L` offers :math:`F` a policy concession that costs the state :math:`z` (appeases
   it), or balances against it; balancing diverts :math:`\kappa_F` of :math:`L`'s resources
   :math:`E` from the domestic front.
2. :math:`F` moves. Offered the concession, it accepts (and stays out) or refuses and backs
   :math:`D` (support :math:`s_F`, at cost :math:`c_F`), in which case :math:`L` balances
   after all. Not offered anything, it backs :math:`D` or stays out. :math:`F` values
   :math:`L`'s fall at :math:`V_F` and the concession at :math:`z` (what the state gives up,
   it gets): it backs :math:`D` when that pays it more than the concession it could get.
3. :math:`L` survives with probability :math:`\Phi(x/\sigma)`, where the survival index
   :math:`x = E - \theta_D - \kappa_F[\text{not appeased}] - s_F[\text{back}]` is the
   leader's resources net of the threats it faces (a chance node).

Payoffs: :math:`u_L = R\,[\text{survive}] - w z\,[\text{appeased}]` (the value of office
:math:`R`, raised by the legal jeopardy that awaits after leaving office, and the weight
:math:`w` on the national interest); :math:`u_F = V_F\,[\text{fall}] - c_F\,[\text{back}] +
z\,[\text{appeased}]`; the state's utility is the national outcome alone,
:math:`u_S = -z\,[\text{appeased}]`. The state moves nowhere: its payoff measures the *agency
gap*, against the choice a leader who cared only for the state would have made (the same game
solved with :math:`R = 0, w = 1`). Subgame-perfect equilibrium by batched backward induction
(:func:`~irgames.solvers.backward_induction.backward_induction`). Where :math:`F`'s backing
pays (:math:`V_F[\Phi(\tfrac{E - \kappa_F - \theta_D}{\sigma}) - \Phi(\tfrac{E - \kappa_F -
\theta_D - s_F}{\sigma})] \ge c_F`), an accepted concession buys the leader the survival

.. math::

    G(\theta) = \Phi\Big(\frac{E - \theta}{\sigma}\Big)
        - \Phi\Big(\frac{E - \kappa_F - s_F - \theta}{\sigma}\Big),

:math:`F` accepts iff :math:`z + c_F \ge V_F\,G(\theta_D)`, and :math:`L` appeases iff also
:math:`R\,G(\theta_D) \ge w z`: appeasement happens where
:math:`wz/R \le G(\theta_D) \le (z + c_F)/V_F`. :math:`G` is the probability mass of a normal
on an interval of fixed width :math:`\kappa_F + s_F`: it peaks at
:math:`\theta = E - (\kappa_F + s_F)/2`, so where :math:`F`'s price does not bind, appeasement
is single-peaked in the domestic threat (a secure leader need not appease; a hopeless one
gambles); where it binds, :math:`F` refuses exactly where the leader needs it most.

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

Sources: David, S. R. (1991), "Explaining Third World Alignment", *World Politics* 43(2),
233-256; seed ``000_07c32c0179fb5827.txt`` (Drezner, "Trump, Russia and omnibalancing",
Washington Post, 2017).

Examples
--------
>>> from models.omnibalancing import omnibalancing as model
>>> out = model(E=1, kappa_F=0.3, s_F=0.5, sigma=0.5, R=10, w=1, z=4, V_F=5, c_F=0.1,
...             theta_D=[0.0, 0.6, 1.5])
>>> out["appeases"].tolist(), out["survival_gain"].round(3).tolist()
([0.0, 1.0, 0.0], [0.322, 0.576, 0.154])
>>> out["agency_gap"].tolist()
[False, True, False]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtr

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace, Range
from irgames.games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame, TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.solvers.backward_induction import SubgamePerfect, backward_induction

__all__ = [
    "THREE_THREATS",
    "TWO_THREATS",
    "ThreatGame",
    "ThreatSolution",
    "omnibalancing",
    "omnibalancing_threats",
    "solve",
    "solve_k",
    "solve_threats",
    "solve_two_threats",
    "threat_game",
]

SEED = "seed 000 (Drezner, Washington Post, quoting David 1991)"
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

    >>> sol = solve_threats(THREE_THREATS, E=1.0, sigma=0.5, R=10.0, w=1.0,
    ...                     severity=[0.6, 0.3, 0.3], cost=[15.0, 2.0, 2.0],
    ...                     support=[0.0, 0.5, 0.0], stake=[0.0, 4.0, 0.0],
    ...                     backing_cost=[0.0, 0.5, 0.0])
    >>> THREE_THREATS.subset_labels()[int(sol.action)], sol.appeases.tolist()
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
    state = backward_induction(structure.game.bind(**{**values, "R": 0.0, "w": 1.0}))
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


# ------------------------------------------------------------------------- two threats: space
#: The two-threat structure: the domestic challenger D (not appeasable) and the foreign power F.
TWO_THREATS = threat_game(("D", "F"), (True, False), (False, True))

space = ParameterSpace(
    [
        Parameter(
            "E",
            0,
            2,
            default=1.0,
            meaning="the leader's resources for staying in power (survival index without threats)",
            source="THEORIES.md section 2",
        ),
        Parameter(
            "theta_D",
            0,
            3,
            default=0.6,
            meaning="strength of the domestic challenger (Congress, courts, special counsel)",
            source=SEED,
        ),
        Parameter(
            "sigma",
            0.1,
            1,
            default=0.5,
            meaning="noise of the survival contest (the normal CDF's scale)",
        ),
        Parameter(
            "kappa_F",
            0,
            1,
            default=0.3,
            meaning="resources that balancing F diverts from the domestic front",
            source=DAVID,
        ),
        Parameter(
            "s_F",
            0,
            1,
            default=0.5,
            meaning="support F can give the leader's domestic opponents",
            source=DAVID + ": 'the international allies of their domestic opponents'",
        ),
        Parameter(
            "R",
            0,
            20,
            default=10.0,
            meaning="value of office to the leader (raised by legal jeopardy after leaving it)",
            unit="payoff",
            source=SEED,
        ),
        Parameter(
            "w",
            0,
            2,
            default=1.0,
            meaning="the leader's weight on the national interest",
            source=DAVID,
        ),
        Parameter(
            "z",
            0,
            10,
            default=4.0,
            closed=(False, True),
            meaning="cost to the state of the concession that appeases F",
            unit="payoff",
        ),
        Parameter(
            "V_F",
            0,
            20,
            default=4.0,
            meaning="F's value of the leader's fall",
            unit="payoff",
        ),
        Parameter(
            "c_F",
            0,
            2,
            default=0.5,
            closed=(False, True),
            meaning="F's cost of backing the domestic opposition",
            unit="payoff",
        ),
    ]
)


def solve_two_threats(E, theta_D, sigma, kappa_F, s_F, R, w, z, V_F, c_F) -> ThreatSolution:
    """The two-threat game at a batch of points, solved by backward induction."""
    zero = np.zeros(np.broadcast_shapes(*(np.shape(v) for v in (theta_D, kappa_F, s_F, z))))
    stack = lambda a, b: np.stack(np.broadcast_arrays(a, b), axis=-1)  # noqa: E731
    return solve_threats(
        TWO_THREATS,
        E=E,
        sigma=sigma,
        R=R,
        w=w,
        severity=stack(theta_D + zero, kappa_F + zero),
        cost=stack(zero, z + zero),
        support=stack(zero, s_F + zero),
        stake=stack(zero, np.broadcast_to(V_F, np.shape(V_F)) + zero),
        backing_cost=stack(zero, np.asarray(c_F, float) + zero),
    )


def solve(E, theta_D, sigma, kappa_F, s_F, R, w, z, V_F, c_F) -> Outcome:
    r"""Outcomes of the two-threat omnibalancing game at a batch of parameter points.

    All are read from the subgame-perfect equilibrium found by backward induction:

    - ``appeases``: 1.0 where :math:`F` is appeased on the path of play (offered the
      concession, and accepting it); ``offers``: where :math:`L` offers it;
    - ``F_accepts``, ``F_backs``: :math:`F`'s strategy, whether it would accept the
      concession if offered, and whether it backs :math:`D` if not offered;
    - ``survival`` on the path; ``survival_if_appease`` (once :math:`F` has accepted) and
      ``survival_if_balance`` (after :math:`L` balances, with :math:`F`'s response), and
      their difference ``survival_gain`` (:math:`G(	heta_D)` where :math:`F` backs);
    - ``appeasement_margin``: :math:`L`'s gain from an accepted concession over balancing;
    - the players' utilities; ``state_appeases`` (the choice of a leader with the state's
      utility); ``agency_gap`` (the two differ); ``tied`` (the SPE is not unique).
    """
    sol = solve_two_threats(E, theta_D, sigma, kappa_F, s_F, R, w, z, V_F, c_F)
    game = sol.spe.game
    offer = int(sol.structure.subsets[:, 1].argmax())  # the root action that offers F
    balance = 1 - offer
    f_balance = int(game.children[0, balance])  # F's node after L balances
    f_offer = int(game.children[0, offer])  # F's node after L's offer
    accepted = int(game.children[f_offer, 0])  # the offer accepted
    assert game.action_labels[f_offer][0] == "accept"
    assert game.action_labels[f_balance][0] == "back D"
    f_backs = sol.spe.choice[..., f_balance] == 0
    f_accepts = sol.spe.choice[..., f_offer] == 0
    appeases = sol.appeases[..., 1]
    state_appeases = sol.state_action == offer
    players = game.players
    survival_appeased = sol.node_survival[..., accepted]
    survival_balance = sol.survival_by_action[..., balance]
    value_L = sol.spe.values[..., 0]
    regime = np.where(appeases, 0, np.where(~f_accepts, 1, np.where(f_backs, 2, 3)))
    return Outcome(
        {
            "appeases": appeases.astype(float),
            "offers": sol.action == offer,
            "F_accepts": f_accepts,
            "F_backs": f_backs,
            "backing": sol.backs[..., 1],
            "survival": sol.survival,
            "survival_if_appease": survival_appeased,
            "survival_if_balance": survival_balance,
            "survival_gain": survival_appeased - survival_balance,
            "appeasement_margin": value_L[..., accepted] - value_L[..., f_balance],
            "utility_L": sol.payoffs[..., players.index("L")],
            "utility_F": sol.payoffs[..., players.index("F")],
            "utility_state": sol.payoffs[..., players.index("state")],
            "state_appeases": state_appeases,
            "agency_gap": appeases != state_appeases,
            "tied": sol.spe.ties,
        },
        regime=regime,
        regime_names=[
            "appease F",
            "balance; F would refuse a concession",
            "balance; F backs D",
            "balance; F stays out",
        ],
    )


# ------------------------------------------------------------------------- claims (K = 2)
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


def _f_backs(p, o):
    return o["F_backs"]


def _f_accepts(p, o):
    return o["F_accepts"]


def _f_backs_and_accepts(p, o):
    return o["F_backs"] & o["F_accepts"]


claims = [
    Claim(
        "agency_gap",
        "Wherever the leader appeases F, a leader with the state's interest alone would have "
        "balanced, and the state is worse off for the appeasement.",
        holds=lambda p, o: (~o["state_appeases"]) & (o["utility_state"] < 0),
        given=lambda p, o: o["appeases"] > 0,
        quote=PROTECT,
        source=SEED,
    ),
    Claim(
        "agency_gap_occurs",
        "The agency gap is not empty: on part of the space the office-seeking leader appeases "
        "where the state would balance.",
        holds=lambda p, o: bool(np.any(o["agency_gap"])),
        kind="aggregate",
        quote=PROTECT,
        source=SEED,
    ),
    Claim(
        "appeasement_is_balancing_against_the_prime_threat",
        "Wherever the leader appeases F, appeasement raises its survival: the accommodation "
        "conserves strength against the domestic threat (and a leader who does not value "
        "office, R = 0, never appeases).",
        holds=lambda p, o: (o["survival_if_appease"] > o["survival_if_balance"]) & (p["R"] > 0),
        given=lambda p, o: o["appeases"] > 0,
        quote=BETTER,
        source=SEED,
    ),
    Claim.increasing(
        "appeasement_rises_with_value_of_office",
        "appeases",
        "R",
        "Appeasement rises with the value of office (legal jeopardy after leaving office "
        "raises it).",
        quote=FEAR,
        source=SEED,
    ),
    Claim.increasing(
        "appeasement_rises_with_foreign_support_for_opponents",
        "appeases",
        "s_F",
        "Appeasement rises with the support F can give the leader's domestic opponents "
        "(where F would accept the concession: F's price rises with its support too).",
        given=_f_accepts,
        quote=SPLIT,
        source=SEED,
    ),
    Claim.increasing(
        "appeasement_rises_with_diversion",
        "appeases",
        "kappa_F",
        "Appeasement rises with the resources that balancing F diverts from the domestic "
        "front (where F's backing pays it and F would accept the concession).",
        given=_f_backs_and_accepts,
        quote=BETTER,
        source=SEED,
    ),
    Claim.decreasing(
        "appeasement_falls_with_weight_on_national_interest",
        "appeases",
        "w",
        "Appeasement falls with the leader's weight on the national interest.",
        quote=PROTECT,
        source=SEED,
    ),
    Claim.decreasing(
        "appeasement_falls_with_cost_of_concession",
        "appeases",
        "z",
        "Appeasement falls with the cost of the concession to the state (where F accepts it: a "
        "concession worth less to F than backing the opposition is refused).",
        given=_f_accepts,
        quote=PROTECT,
        source=SEED,
    ),
    Claim.single_peaked(
        "appeasement_single_peaked_in_domestic_threat",
        "appeases",
        "theta_D",
        "Appeasement is single-peaked in the domestic threat (where F's backing pays it and F "
        "would accept the concession): strongest when the threat is acute but survivable; a "
        "secure leader need not appease and a hopeless one gambles.",
        given=_f_backs_and_accepts,
        quote=DOMESTIC,
        source=SEED,
    ),
    Claim(
        "hopeless_leader_gambles",
        "A hopeless leader gambles: where even after appeasing, its survival is worth less "
        "than the concession (R Phi((E - theta_D)/sigma) < w z), it balances.",
        holds=lambda p, o: o["appeases"] == 0,
        given=lambda p, o: p["R"] * ndtr((p["E"] - p["theta_D"]) / p["sigma"]) < p["w"] * p["z"],
        quote=DOMESTIC,
        source=SEED,
    ),
    Claim.single_peaked(
        "survival_gain_single_peaked_in_domestic_threat",
        "survival_gain",
        "theta_D",
        "The survival that appeasement buys is single-peaked in the domestic threat (while F's "
        "backing pays it).",
        given=_f_backs,
        quote=DOMESTIC,
        source=SEED,
    ),
]


# ------------------------------------------------------------------------- K = 3: space
#: The three-threat structure: the domestic opposition D, its foreign ally F (who can back
#: it) and an unaligned foreign rival X (who cannot); L may appease any of them.
THREE_THREATS = threat_game(("D", "F", "X"), (True, False, False), None, (False, True, False))

threats_space = ParameterSpace(
    [
        *(space[n] for n in ("E", "sigma", "theta_D")),
        Parameter(
            "z_D",
            0,
            30,
            default=15.0,
            closed=(False, True),
            meaning="cost to the state of appeasing the domestic opposition (it wants office)",
            unit="payoff",
        ),
        space["kappa_F"],
        space["s_F"],
        Parameter(
            "z_F",
            0,
            10,
            default=2.0,
            closed=(False, True),
            meaning="cost to the state of appeasing F",
            unit="payoff",
        ),
        space["V_F"],
        space["c_F"],
        Parameter(
            "kappa_X",
            0,
            1,
            default=0.3,
            meaning="resources that balancing the unaligned rival X diverts",
        ),
        Parameter(
            "z_X",
            0,
            10,
            default=2.0,
            closed=(False, True),
            meaning="cost to the state of appeasing X",
            unit="payoff",
        ),
        space["R"],
        space["w"],
    ]
)

THREAT_NAMES = ("D", "F", "X")


def solve_k(E, sigma, theta_D, z_D, kappa_F, s_F, z_F, V_F, c_F, kappa_X, z_X, R, w) -> Outcome:
    r"""Outcomes of the three-threat game (D, its foreign ally F, an unaligned rival X).

    ``appeases_D``, ``appeases_F``, ``appeases_X`` (1.0 where appeased),
    ``secondary_appeased`` (how many of F and X), ``backing`` (probability that F backs D on
    the path), ``survival``, utilities, ``agency_gap``; the regime is the set appeased.
    """
    shape = np.broadcast_shapes(
        *(np.shape(v) for v in (theta_D, z_D, kappa_F, s_F, z_F, V_F, c_F, kappa_X, z_X))
    )
    col = lambda *vs: np.stack([np.broadcast_to(np.asarray(v, float), shape) for v in vs], -1)  # noqa: E731
    zero = 0.0
    sol = solve_threats(
        THREE_THREATS,
        E=E,
        sigma=sigma,
        R=R,
        w=w,
        severity=col(theta_D, kappa_F, kappa_X),
        cost=col(z_D, z_F, z_X),
        support=col(zero, s_F, zero),
        stake=col(zero, V_F, zero),
        backing_cost=col(zero, c_F, zero),
    )
    players = sol.spe.game.players
    data = {f"appeases_{n}": sol.appeases[..., k].astype(float) for k, n in enumerate(THREAT_NAMES)}
    data["secondary_appeased"] = sol.appeases[..., 1:].sum(-1).astype(float)
    data["backing"] = sol.backs[..., 1]
    data["survival"] = sol.survival
    data["utility_L"] = sol.payoffs[..., players.index("L")]
    data["utility_state"] = sol.payoffs[..., players.index("state")]
    data["agency_gap"] = sol.action != sol.state_action
    data["tied"] = sol.spe.ties
    # the regime: the set appeased on the path (offered and accepted), as a row of subsets
    match = (sol.appeases[..., None, :] == THREE_THREATS.subsets).all(-1)
    regime = np.argmax(match, axis=-1)
    return Outcome(data, regime=regime, regime_names=THREE_THREATS.subset_labels())


def _primary_unbuyable(p, o):
    # appeasing D costs the leader more than office is worth: no survival gain can pay for it
    return p["w"] * p["z_D"] >= p["R"]


def _f_alone_pays(p, o):
    # appeasing F alone (D and X balanced) pays the leader even if F would not have backed D,
    # and F accepts that offer (the concession is worth more to it than backing D)
    a = p["E"] - p["theta_D"] - p["kappa_X"]
    gain = ndtr(a / p["sigma"]) - ndtr((a - p["kappa_F"]) / p["sigma"])
    price = p["V_F"] * (ndtr(a / p["sigma"]) - ndtr((a - p["kappa_F"] - p["s_F"]) / p["sigma"]))
    accepts = p["z_F"] + p["c_F"] >= price
    return _primary_unbuyable(p, o) & (p["R"] * gain > p["w"] * p["z_F"]) & accepts


def _f_always_bought(p, o):
    # F accepts any offer: its concession is worth more than the most that backing D (or
    # refusing while D is appeased) could change the leader's fall, V_F (2 Phi(m/2) - 1)
    most = 2 * ndtr((p["kappa_F"] + p["s_F"]) / (2 * p["sigma"])) - 1
    return p["z_F"] + p["c_F"] >= p["V_F"] * most


threat_claims = [
    Claim(
        "primary_threat_is_balanced",
        "A domestic opposition that cannot be bought off at a price the leader would pay (w z_D "
        ">= R: it wants office itself) is always balanced.",
        holds=lambda p, o: o["appeases_D"] == 0,
        given=_primary_unbuyable,
        quote=DOMESTIC,
        source=SEED,
    ),
    Claim(
        "balances_primary_appeases_secondary",
        "The leader balances the primary (domestic) threat and appeases secondary ones, wherever "
        "the primary cannot be bought off and appeasing F alone would pay even without its "
        "backing, at a price F accepts.",
        holds=lambda p, o: (o["appeases_D"] == 0) & (o["secondary_appeased"] >= 1),
        given=_f_alone_pays,
        quote=SECONDARY,
        source=SEED,
    ),
    Claim(
        "split_the_alignment",
        "The leader appeases the domestic opponents' foreign ally before an unaligned rival "
        "that diverts no more and costs no less to appease, where F can be bought: it appeases "
        "X only if it appeases F.",
        holds=lambda p, o: o["appeases_X"] <= o["appeases_F"],
        given=lambda p, o: (
            (p["kappa_F"] >= p["kappa_X"]) & (p["z_F"] <= p["z_X"]) & _f_always_bought(p, o)
        ),
        quote=ALLIES,
        source=SEED,
    ),
]


# ---------------------------------------------------------------------------------- figures
def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _region_axes(model, spc, fixed=None, nx=121, ny=101):
    g = spc.grid(fixed=fixed, theta_D=Range(0, 3, nx), R=Range(0, 20, ny))
    out = model.evaluate(g.params)
    swap = g.dims[0] != "R"  # make rows R and columns theta_D
    regime = out.regime.T if swap else out.regime
    return g.coords["theta_D"], g.coords["R"], regime


#: F's value of the leader's fall in the two panels of the regions figure: a foreign power
#: that can be bought, and one whose price (what backing D is worth to it) binds.
REGION_PANELS = (4.0, 10.0)


def _regions():
    data = {}
    for v in REGION_PANELS:
        x, y, regime = _region_axes(omnibalancing, space, fixed={"V_F": v})
        data["theta_D"], data["R"] = x[None, :], y[:, None]
        data[f"regime_V_F_{v:g}"] = regime
    return data


def _regime_panel(ax, d, key, colours, title, note):
    from matplotlib.colors import ListedColormap

    x = np.unique(d["theta_D"])
    y = np.unique(d["R"])
    z = np.asarray(d[key]).reshape(y.size, x.size)
    cmap = ListedColormap(colours)
    ax.pcolormesh(x, y, z, shading="nearest", cmap=cmap, vmin=-0.5, vmax=len(colours) - 0.5)
    ax.set_xlabel(r"strength of the domestic challenger $\theta_D$")
    ax.set_ylabel("value of office R (payoff units)")
    ax.set_title(title, fontsize=10)
    ax.text(0.02, 0.02, note, transform=ax.transAxes, fontsize=7, va="bottom")
    return set(np.unique(z).tolist())


def _legend(ax, names, colours, present):
    from matplotlib.patches import Patch

    ax.legend(
        handles=[Patch(color=colours[i], label=names[i]) for i in sorted(present) if i >= 0],
        loc="center right",
        fontsize=8,
        framealpha=0.9,
    )


TWO_COLOURS = ["#d62728", "#ff9f40", "#1f77b4", "#9ecae1"]


def _draw_regions(d):
    plt = _plt()
    p = space.defaults()
    names = list(omnibalancing.solve(**{k: np.zeros(1) + v for k, v in p.items()}).regime_names)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    present = set()
    for ax, v in zip(axes, REGION_PANELS, strict=True):
        note = (
            f"E={p['E']:g}, sigma={p['sigma']:g}, kappa_F={p['kappa_F']:g}, s_F={p['s_F']:g}, "
            f"w={p['w']:g}, z={p['z']:g}, c_F={p['c_F']:g}"
        )
        title = f"F values the leader's fall at V_F = {v:g}"
        present |= _regime_panel(ax, d, f"regime_V_F_{v:g}", TWO_COLOURS, title, note)
    axes[1].set_ylabel("")
    _legend(axes[1], names, TWO_COLOURS, present)
    fig.suptitle("Two threats: where the leader appeases the foreign power", fontsize=11)
    fig.tight_layout()
    return fig


def _survival():
    theta = np.linspace(0, 3, 301)
    out = omnibalancing.evaluate({**space.defaults(), "theta_D": theta})
    return {
        "theta_D": theta,
        "survival_if_appease": out["survival_if_appease"],
        "survival_if_balance": out["survival_if_balance"],
        "survival_gain": out["survival_gain"],
        "appeases": out["appeases"],
        "F_backs": out["F_backs"],
    }


def _draw_survival(d):
    plt = _plt()
    p = space.defaults()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    x = d["theta_D"]
    ax.fill_between(
        x, 0, 1, where=d["appeases"] > 0, color="#d62728", alpha=0.12, label="leader appeases F"
    )
    ax.plot(x, d["survival_if_appease"], color="#d62728", label="survival if L appeases F")
    ax.plot(x, d["survival_if_balance"], color="#1f77b4", label="survival if L balances F")
    ax.plot(x, d["survival_gain"], "k--", label="survival gain from appeasing")
    ax.axhline(
        p["w"] * p["z"] / p["R"],
        color="grey",
        lw=0.8,
        ls=":",
        label="w z / R (cost in office units)",
    )
    ax.set_xlabel(r"strength of the domestic challenger $\theta_D$")
    ax.set_ylabel("probability the leader survives")
    ax.set_ylim(0, 1)
    ax.set_xlim(x.min(), x.max())
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    ax.set_title("Survival with and without appeasing the foreign power", fontsize=10)
    ax.text(
        0.98,
        0.66,
        f"E={p['E']:g}, sigma={p['sigma']:g}, kappa_F={p['kappa_F']:g}, s_F={p['s_F']:g}\n"
        f"R={p['R']:g}, w={p['w']:g}, z={p['z']:g}, V_F={p['V_F']:g}, c_F={p['c_F']:g}",
        transform=ax.transAxes,
        fontsize=7,
        va="top",
        ha="right",
    )
    fig.tight_layout()
    return fig


def _threats_map():
    x, y, regime = _region_axes(omnibalancing_threats, threats_space)
    return {"theta_D": x[None, :], "R": y[:, None], "regime": regime}


THREE_COLOURS = [
    "#1f77b4",  # balance all
    "#9467bd",  # D
    "#ff9896",  # F
    "#2ca02c",  # X
    "#8c564b",  # D, F
    "#bcbd22",  # D, X
    "#d62728",  # F, X
    "#7f7f7f",  # D, F, X
]


def _draw_threats_map(d):
    plt = _plt()
    p = threats_space.defaults()
    note = (
        f"E={p['E']:g}, sigma={p['sigma']:g}, z_D={p['z_D']:g}, kappa_F={p['kappa_F']:g}, "
        f"s_F={p['s_F']:g}, z_F={p['z_F']:g}, V_F={p['V_F']:g}, c_F={p['c_F']:g}, "
        f"kappa_X={p['kappa_X']:g}, z_X={p['z_X']:g}, w={p['w']:g}"
    )
    fig, ax = plt.subplots(figsize=(6.6, 4.6))
    present = _regime_panel(
        ax,
        d,
        "regime",
        THREE_COLOURS,
        "Three threats: which ones the leader appeases\n(D domestic, F its foreign ally, X an "
        "unaligned rival)",
        note,
    )
    _legend(ax, THREE_THREATS.subset_labels(), THREE_COLOURS, present)
    fig.tight_layout()
    return fig


figures = [
    Figure(
        "omnibalancing_regions",
        "Appeasement regions over the domestic threat and the value of office",
        _regions,
        _draw_regions,
        "Subgame-perfect choice of the leader (and of F) over the domestic challenger's "
        "strength and the value of office, other parameters at their defaults.",
    ),
    Figure(
        "omnibalancing_survival",
        "Survival with and without appeasement",
        _survival,
        _draw_survival,
        "The leader's survival probability after appeasing and after balancing F, and the gain "
        "from appeasing, against the domestic threat; shaded where the leader appeases.",
    ),
]

threat_figures = [
    Figure(
        "omnibalancing_threats_map",
        "Which threats the leader appeases (K = 3)",
        _threats_map,
        _draw_threats_map,
        "The set of threats appeased in the subgame-perfect equilibrium of the three-threat "
        "game, over the domestic threat and the value of office.",
    ),
]

omnibalancing = Model(
    "omnibalancing",
    "Omnibalancing: a leader between a domestic challenger and a foreign power",
    space,
    solve,
    claims=claims,
    figures=figures,
    description=__doc__.split("\n\n")[1],
    source="David 1991; seed 000",
)

omnibalancing_threats = Model(
    "omnibalancing_threats",
    "Omnibalancing with three threats: the domestic opposition, its foreign ally, a rival",
    threats_space,
    solve_k,
    claims=threat_claims,
    figures=threat_figures,
    description=(
        "The leader chooses which of three threats to appease: the domestic opposition D, its "
        "foreign ally F (who, unless appeased, decides whether to back D) and an unaligned "
        "foreign rival X. Survival is a normal CDF of resources net of the threats left."
    ),
    source="David 1991; seed 000",
)
