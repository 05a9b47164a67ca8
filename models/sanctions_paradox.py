r"""The sanctions paradox: coercion between allies and adversaries.

The theory (Drezner 2018; Drezner 1998, 1999). Economic coercion "can yield far greater
concessions from allies than adversaries", because allies do not expect frequent conflict
with one another, so a concession today costs them little in relative position tomorrow. Yet
states rarely threaten their allies: the sender, too, weighs relative gains less against an
ally, so its threat to impose costly sanctions is credible only when the target's dependence
far exceeds its own. Threats go mostly to adversaries, the largest concessions come from
allies: that is the paradox. The op-ed adds three twists, each a parameter of the same game:
loud (public) coercion carries audience costs and "will be more likely to generate
resistance"; a target that stops seeing the sender as an ally can realign with a rival
(Cuba in the 1960s); and coercion can link issues (tariffs for defence spending, see
:mod:`models.issue_linkage`), or be repeated (:mod:`models.repeated_coercion`).

The game (Drezner 1998, fig. 1). A sender :math:`S` and a target :math:`T`.

1. :math:`S` keeps the status quo (raw payoffs :math:`0, 0`) or demands a concession
   :math:`D \in (0, \bar D]`.
2. :math:`T` acquiesces (raw :math:`D` for :math:`S`, :math:`-D` for :math:`T`), stands firm,
   or realigns with a rival (raw :math:`0` for :math:`S`, :math:`w_T \le 0` for :math:`T`:
   the outside option; the concession is lost).
3. After a firm stand :math:`S` backs down (raw :math:`0, 0`) or imposes sanctions, a
   deadlock with raw payoffs :math:`(-c_s, -c_t)`.

Each state weighs absolute and relative gains,

.. math::

    U_i = B_i P_i + (1 - B_i)(P_i - P_j) = P_i - (1 - B_i) P_j,

where :math:`B_i \in [0, 1]` falls as :math:`i`'s expectation of future conflict with the
other rises (allies: high :math:`B`). Loud coercion adds audience costs outside the material
comparison: conceding publicly costs :math:`T` an extra :math:`a_T`; backing down from a
public threat costs :math:`S` an extra :math:`a_S`. The terminal utilities are

.. math::

    \begin{array}{lcc}
    & U_S & U_T \\
    \text{status quo} & 0 & 0 \\
    \text{acquiesce} & (2 - B_s) D & -(2 - B_t) D - a_T \\
    \text{back down} & -a_S & 0 \\
    \text{sanctions} & -c_s + (1 - B_s) c_t & -c_t + (1 - B_t) c_s \\
    \text{realign} & -(1 - B_s) w_T & w_T
    \end{array}

Solution. The tree is built once with sympy parameters (:func:`coercion_game`) and solved by
the generic batched backward induction (:func:`irgames.solvers.backward_induction.
backward_induction`). The demand is a continuous choice. After a demand :math:`D` nothing
that follows except :math:`T`'s utility from acquiescing depends on :math:`D`, and that
utility falls in :math:`D`; so :math:`T` accepts exactly the demands up to a boundary
:math:`D^*`, and :math:`S`'s backward-induction value rises in :math:`D` up to :math:`D^*`
and is constant beyond it. :func:`largest_acceptable_demand` locates :math:`D^*` on the
solver's own answers: a secant step on :math:`T`'s backward-induction values, accepted only
where the solver has :math:`T` accept just below it and refuse just above it, else a
vectorised bisection on :math:`T`'s choice (every step solves the whole batch); the sender's
best demand is then the better, by the solver's values, of
:math:`D^*` (bought acquiescence) and :math:`\bar D` (a demand :math:`T` refuses: a deadlock
or a realignment the sender prefers), ties reported; the full tree is solved once more at that
demand, and the root's choice decides whether :math:`S` demands at all. No closed form is
used here; the tests hold the engine to Drezner's:

.. math::

    \text{credible} \iff c_s - a_S \le (1 - B_s) c_t, \qquad
    D^* = \frac{c_t - (1 - B_t) c_s - a_T}{2 - B_t}, \qquad U_S = (2 - B_s) D^*

(the middle one when the threat is credible and :math:`T` prefers sanctions to realigning).
Backing down is never on the equilibrium path under complete information: a sender that
would back down does better not to demand (at :math:`a_S = 0` it is indifferent, and the
status quo is reported). The regime "back down" is kept in the labels so that the map says
so. Realignment costs the target :math:`w_T` in raw terms, which a sender that weighs relative
gains (:math:`B_s < 1`) values at :math:`-(1 - B_s) w_T > 0`: an adversarial sender may prefer
pushing the target away to a small concession (the realignment region of the regime map).
That follows from the relative-gains utility; it is not an extra assumption.

Sources: Drezner, D. W. (1998), "Conflict expectations and the paradox of economic
coercion", *International Studies Quarterly* 42(4); Drezner, D. W. (1999), *The Sanctions
Paradox*, Cambridge University Press; Fearon, J. (1994), "Domestic political audiences and
the escalation of international disputes", *APSR* 88(3) (audience costs); the op-ed by
Drezner, D. W. (2018), his column on coercing allies and tactical issue linkage, *The
Washington Post* (Spoiler Alerts), mid-2018 (undated; dated by the tariffs it discusses).

Examples
--------
>>> from irgames.models.sanctions_paradox import MODEL
>>> out = MODEL(c_s=1.0, c_t=3.0, B_s=0.5, B_t=0.5)
>>> round(float(out["demand"]), 9), round(float(out["utility_S"]), 9)
(1.666666667, 2.5)
>>> str(out.regime_labels())
'acquiescence'
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from irgames.models._sources import COERCING_ALLIES
from numpy.typing import ArrayLike

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace
from irgames.games.extensive_form import ExtensiveFormGame, TreeBuilder
from irgames.plot import (
    axis_label,
    outside_legend,
    pyplot,
    regime_legend,
    regime_palette,
    regime_panel,
    symbol,
)
from irgames.solvers.backward_induction import SubgamePerfect, backward_induction

__all__ = [
    "MODEL",
    "REGIMES",
    "coercion_game",
    "largest_acceptable_demand",
    "solve",
    "solve_at_demand",
]

SEED = COERCING_ALLIES

#: Equilibrium regimes (on the path of play).
REGIMES = ("status quo", "acquiescence", "deadlock", "back down", "realignment")

#: Most bisection steps for the demand boundary (the bracket shrinks by 2**-60).
BISECTION_STEPS = 60

space = ParameterSpace(
    [
        Parameter(
            "c_s",
            0,
            10,
            default=1.0,
            closed=(False, True),
            meaning="sender's raw cost of imposing sanctions",
            unit="payoff",
            source="Drezner 1998, fig. 1",
        ),
        Parameter(
            "c_t",
            0,
            10,
            default=3.0,
            closed=(False, True),
            meaning="target's raw cost of sanctions (its dependence on the sender)",
            unit="payoff",
            source="Drezner 1998, fig. 1",
        ),
        Parameter(
            "B_s",
            0,
            1,
            default=0.5,
            meaning="sender's weight on absolute gains (low: expects frequent conflict)",
            source="Drezner 1998 (conflict expectations)",
        ),
        Parameter(
            "B_t",
            0,
            1,
            default=0.5,
            meaning="target's weight on absolute gains (high: an ally)",
            source="Drezner 1998 (conflict expectations)",
        ),
        Parameter(
            "a_S",
            0,
            5,
            default=0.0,
            meaning="sender's audience cost of backing down from a public threat (0: quiet)",
            unit="payoff",
            source=f"Fearon 1994; {COERCING_ALLIES} (loud coercion)",
        ),
        Parameter(
            "a_T",
            0,
            5,
            default=0.0,
            meaning="target's audience cost of conceding in public (0: quiet)",
            unit="payoff",
            source=f"{COERCING_ALLIES} (loud pressure generates resistance)",
        ),
        Parameter(
            "w_T",
            -20,
            0,
            default=-20.0,
            meaning="target's raw payoff from realigning with a rival (its outside option; "
            "-20 is below any deadlock, i.e. no real option)",
            unit="payoff",
            source=f"{COERCING_ALLIES} (Cuba)",
        ),
        Parameter(
            "D_max",
            0,
            100,
            default=25.0,
            closed=(False, True),
            meaning="largest demand the sender can make (the whole disputed issue)",
            unit="payoff",
        ),
    ]
)


# ---------------------------------------------------------------------------------- the game
@lru_cache(maxsize=1)
def coercion_game() -> ExtensiveFormGame:
    r"""Drezner's coercion game with audience costs and realignment, unbound.

    Parameters of the tree: ``D`` (the demand), ``c_s, c_t, B_s, B_t, a_S, a_T, w_T``.

    >>> game = coercion_game()
    >>> game.n_nodes, [p.name for p in game.free_parameters]
    (8, ['D', 'c_s', 'c_t', 'B_s', 'B_t', 'a_S', 'a_T', 'w_T'])
    """
    T = TreeBuilder(["S", "T"], parameters="D c_s c_t B_s B_t a_S a_T w_T")
    D, c_s, c_t, B_s, B_t, a_S, a_T, w_T = T.symbols

    def U(P_s, P_t, extra_s=0, extra_t=0):
        # relative gains: U_i = B_i P_i + (1 - B_i)(P_i - P_j); audience costs outside
        return T.terminal(P_s - (1 - B_s) * P_t - extra_s, P_t - (1 - B_t) * P_s - extra_t)

    root = T.decision(
        "S",
        {
            "status quo": U(0, 0),
            "demand": T.decision(
                "T",
                {
                    "acquiesce": U(D, -D, extra_t=a_T),
                    "stand firm": T.decision(
                        "S",
                        {"back down": U(0, 0, extra_s=a_S), "impose": U(-c_s, -c_t)},
                        label="sanction decision",
                    ),
                    "realign": U(0, w_T),
                },
                label="target",
            ),
        },
        label="sender",
    )
    return T.build(root, title="Drezner's coercion game")


def _node(label: str) -> int:
    return coercion_game().node_labels.index(label)


def _child(node: int, action: str) -> int:
    game = coercion_game()
    return int(game.children[node, list(game.action_labels[node]).index(action)])


def _broadcast(params: dict) -> tuple[tuple[int, ...], dict[str, np.ndarray]]:
    arrays = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    return shape, {k: np.broadcast_to(a, shape).reshape(-1) for k, a in arrays.items()}


def solve_at_demand(
    D: ArrayLike,
    c_s: ArrayLike,
    c_t: ArrayLike,
    B_s: ArrayLike,
    B_t: ArrayLike,
    a_S: ArrayLike = 0.0,
    a_T: ArrayLike = 0.0,
    w_T: ArrayLike = -20.0,
    *,
    tol: float = 1e-9,
) -> SubgamePerfect:
    """The subgame-perfect equilibrium of the game in which the demand is ``D`` (batched).

    >>> spe = solve_at_demand(1.0, 1.0, 3.0, 0.0, 0.0)
    >>> spe.path_labels()
    ['demand', 'acquiesce']
    """
    game = coercion_game().bind(D=D, c_s=c_s, c_t=c_t, B_s=B_s, B_t=B_t, a_S=a_S, a_T=a_T, w_T=w_T)
    return backward_induction(game, tol=tol)


def largest_acceptable_demand(
    c_s: ArrayLike,
    c_t: ArrayLike,
    B_s: ArrayLike,
    B_t: ArrayLike,
    a_S: ArrayLike = 0.0,
    a_T: ArrayLike = 0.0,
    w_T: ArrayLike = -20.0,
    D_max: ArrayLike = 25.0,
    *,
    secant: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The largest demand :math:`D^* \in [0, \bar D]` that the target accepts.

    The boundary is located on the solver's own answers. The game is solved at :math:`D = 0`
    and :math:`D = \bar D` (all points at once); where :math:`T` accepts the first and refuses
    the second, a secant step on :math:`T`'s backward-induction value of acquiescing (the
    payoffs are affine in :math:`D`) against its best refusal proposes :math:`D^*`, and the
    proposal is accepted only if the solver has :math:`T` accept just below it and refuse
    just above it (a relative bracket of :math:`10^{-12}`). Points where the check fails (a
    payoff that is not affine in the demand) fall back to a vectorised bisection on
    :math:`T`'s choice. Ties go to acquiescing (solved with zero tolerance). Returns
    ``(D_star, accepts_some)``: ``accepts_some`` is False where :math:`T` refuses even a
    vanishing demand (then ``D_star`` is 0). ``secant=False`` bisects everywhere.

    >>> d, ok = largest_acceptable_demand(1.0, 3.0, 0.5, 0.5)
    >>> round(float(d), 10), bool(ok)
    (1.6666666667, True)
    """
    shape, p = _broadcast(
        dict(c_s=c_s, c_t=c_t, B_s=B_s, B_t=B_t, a_S=a_S, a_T=a_T, w_T=w_T, D_max=D_max)
    )
    rest = {k: v for k, v in p.items() if k != "D_max"}
    d_star, at_zero = _largest_demand(_bound_game(rest), p["D_max"], secant=secant)
    return d_star.reshape(shape), at_zero.reshape(shape)


def _bound_game(params: dict) -> ExtensiveFormGame:
    """The coercion game bound once at flat parameter arrays (the demand at 0): each demand
    tried is then a :meth:`~irgames.games.extensive_form.ExtensiveFormGame.rebind` in ``D``
    alone (the other parameters are validated and evaluated once)."""
    return coercion_game().bind(D=np.zeros_like(params["c_s"]), **params)


def _at_demand(base: ExtensiveFormGame, D, tol: float = 1e-9) -> SubgamePerfect:
    """The subgame-perfect equilibrium of the bound game ``base`` at the demand ``D``."""
    return backward_induction(base.rebind(D=D), tol=tol)


def _largest_demand(base: ExtensiveFormGame, D_max, *, secant: bool = True):
    """:func:`largest_acceptable_demand` on the flat game ``base`` of :func:`_bound_game`
    (bound at the demand 0)."""
    target = _node("target")
    acq, firm, realign = (_child(target, a) for a in ("acquiesce", "stand firm", "realign"))

    def at(D):
        return _at_demand(base, D, tol=0.0)

    D_max = np.asarray(D_max, dtype=float)
    lo = np.zeros_like(D_max)
    hi = D_max.copy()
    zero, top = backward_induction(base, tol=0.0), at(hi)  # base is bound at D = 0
    at_zero = zero.choice[:, target] == 0
    at_max = top.choice[:, target] == 0
    active = at_zero & ~at_max
    if secant and active.any():
        # secant on T's value of acquiescing, against its best refusal
        v0 = zero.values[:, acq, 1]
        v1 = top.values[:, acq, 1]
        refusal = np.maximum(zero.values[:, firm, 1], zero.values[:, realign, 1])
        with np.errstate(divide="ignore", invalid="ignore"):
            guess = hi * (v0 - refusal) / (v0 - v1)
        guess = np.where(active & np.isfinite(guess), np.clip(guess, lo, hi), 0.5 * (lo + hi))
        below = np.maximum(guess * (1 - 1e-12), lo)
        above = np.minimum(guess * (1 + 1e-12) + 1e-300, hi)
        yes_below = at(below).choice[:, target] == 0
        no_above = at(above).choice[:, target] != 0
        lo = np.where(active & yes_below, below, lo)
        hi = np.where(active & no_above, above, hi)
        active = active & ~(yes_below & no_above)
    for _ in range(BISECTION_STEPS):  # fallback: bisection where the secant missed
        if not active.any():
            break
        mid = 0.5 * (lo + hi)
        yes = at(mid).choice[:, target] == 0
        lo = np.where(active & yes, mid, lo)
        hi = np.where(active & ~yes, mid, hi)
    d_star = np.where(at_max, D_max, np.where(at_zero, lo, 0.0))
    return d_star, at_zero


def _solve_flat(c_s, c_t, B_s, B_t, a_S, a_T, w_T, D_max):
    """Core of :func:`solve` on flat arrays; returns the final SPE and derived arrays."""
    params = dict(c_s=c_s, c_t=c_t, B_s=B_s, B_t=B_t, a_S=a_S, a_T=a_T, w_T=w_T)
    base = _bound_game(params)  # bound once; every demand below re-binds D alone
    d_star, accepts_some = _largest_demand(base, D_max)
    demand_node = _child(_node("sender"), "demand")
    # the sender's backward-induction value of demanding D* and of a refused demand D_max
    v_accept = _at_demand(base, d_star).values[:, demand_node, 0]
    v_refuse = _at_demand(base, D_max).values[:, demand_node, 0]
    refused_exists = d_star < D_max
    scale = _scale(params, D_max)
    v_accept = np.where(accepts_some, v_accept, -np.inf)
    v_refuse = np.where(refused_exists, v_refuse, -np.inf)
    use_refusal = v_refuse > v_accept + 1e-9 * scale
    demand_tie = np.abs(v_refuse - v_accept) <= 1e-9 * scale
    demand = np.where(use_refusal, D_max, d_star)
    spe = _at_demand(base, demand)
    return spe, d_star, accepts_some, demand, demand_tie


def _scale(params, D_max):
    """A payoff scale of the game: the largest raw magnitude in it."""
    scale = np.maximum(np.abs(params["c_s"]), np.abs(params["c_t"]))
    return np.maximum(np.maximum(scale, np.abs(params["w_T"])), np.maximum(2 * D_max, 1.0))


def _outcomes(spe: SubgamePerfect, d_star, accepts_some, demand, demand_tie) -> Outcome:
    sender, target, sanction = _node("sender"), _node("target"), _node("sanction decision")
    reach = spe.reach
    threatens = spe.choice[:, sender] == 1
    acq = reach[:, _child(target, "acquiesce")] > 0.5
    imposes = reach[:, _child(sanction, "impose")] > 0.5
    backs = reach[:, _child(sanction, "back down")] > 0.5
    realigns = reach[:, _child(target, "realign")] > 0.5
    regime = np.select([acq, imposes, backs, realigns], [1, 2, 3, 4], default=0)
    values = spe.values
    return Outcome(
        {
            "threatens": threatens,
            "demand": np.where(threatens, demand, 0.0),
            "concession": np.where(acq, demand, 0.0),
            "max_acceptable": d_star,
            "accepts_some": accepts_some,
            "credible": spe.choice[:, sanction] == 1,
            "imposes": imposes,
            "realigns": realigns,
            "backs_down": backs,
            "acquiesces": acq,
            "utility_S": spe.payoffs[:, 0],
            "utility_T": spe.payoffs[:, 1],
            "u_T_concede": values[:, _child(target, "acquiesce"), 1],
            "u_T_firm": values[:, _child(target, "stand firm"), 1],
            "u_T_realign": values[:, _child(target, "realign"), 1],
            "ties": spe.tied[:, sender] | spe.tied[:, sanction] | demand_tie,
        },
        regime=regime,
        regime_names=REGIMES,
    )


def solve(
    c_s: ArrayLike,
    c_t: ArrayLike,
    B_s: ArrayLike,
    B_t: ArrayLike,
    a_S: ArrayLike,
    a_T: ArrayLike,
    w_T: ArrayLike,
    D_max: ArrayLike,
) -> Outcome:
    r"""Outcomes of the coercion game at a batch of parameter points (1-D arrays of one length,
    as :meth:`~irgames.analysis.model.Model.evaluate` hands them).

    Outcomes: ``threatens`` (S demands), ``demand`` (0 where none is made; :math:`\bar D` where
    S prefers a demand that T refuses), ``concession`` (the demand conceded on the path, else
    0), ``max_acceptable`` (:math:`D^*`), ``accepts_some``, ``credible`` (S would impose after
    a firm stand), ``imposes``, ``realigns``, ``backs_down``, ``acquiesces``, ``utility_S``,
    ``utility_T``, T's utility from each reply to the demand made (``u_T_concede``,
    ``u_T_firm``, ``u_T_realign``), ``ties`` (the sender is indifferent at the root, at the
    sanction decision or between two demands); regimes :data:`REGIMES`.
    """
    return _outcomes(
        *_solve_flat(c_s=c_s, c_t=c_t, B_s=B_s, B_t=B_t, a_S=a_S, a_T=a_T, w_T=w_T, D_max=D_max)
    )


# ---------------------------------------------------------------------------------- claims
_SEED_TEXT = {
    "allies": "That’s because allies do not anticipate frequent conflicts with one another.",
    "concessions": (
        "threats of economic coercion can yield far greater concessions from allies than "
        "adversaries"
    ),
    "asymmetric": (
        "So the degree of asymmetric dependence ordinarily needs to be very high before one ally "
        "threatens coercion against another."
    ),
    "paradox": (
        "The paradox is that states are usually very reluctant to even threaten sanctions "
        "against their allies, for obvious political and policy logics."
    ),
    "loud": (
        "In a world in which Trump has vaporized America’s soft power reserves, loud pressure "
        "will be more likely to generate resistance."
    ),
    "public": (
        "Publicly threatening allies raises all kinds of domestic political costs for both sides."
    ),
    "bargaining": (
        "Trump clearly does not care about any of these risks, and that might be a bargaining "
        "advantage."
    ),
    "cuba": (
        "This is why sanctioning Cuba in the 1960s did not work. Despite the severe economic "
        "costs, Castro decided to ally with the U.S.S.R. instead."
    ),
}
QUOTES = _SEED_TEXT


def _ally_dyad(p):
    return (p["B_s"] >= 0.5) & (p["B_t"] >= 0.5)


def _adversary_dyad(p):
    return (p["B_s"] < 0.5) & (p["B_t"] < 0.5)


def _threats_mostly_adversaries(p, o):
    ally, adv = _ally_dyad(p), _adversary_dyad(p)
    return bool(o["threatens"][adv].mean() > o["threatens"][ally].mean())


def _largest_concessions_allies(p, o):
    """Among the top tenth of the concessions won by coercion, ally dyads outnumber adversaries."""
    won = o["concession"] > 0
    if won.sum() < 20:
        return False
    cut = np.quantile(o["concession"][won], 0.9)
    top = won & (o["concession"] >= cut)
    return bool(_ally_dyad(p)[top].sum() > _adversary_dyad(p)[top].sum())


def _quiet(p, o):
    return (p["a_S"] == 0) & (p["a_T"] == 0)


claims = [
    Claim.decreasing(
        "adversarial_senders_coerce_more",
        "threatens",
        "B_s",
        "Senders that expect frequent conflict (low B_s) coerce where more cooperative senders "
        "would not: whether the sender threatens never rises with its weight on absolute gains.",
        quote=_SEED_TEXT["asymmetric"],
        source=f"{SEED}; Drezner 1998, P1",
    ),
    Claim(
        "adversarial_senders_coerce_even_when_costly",
        "A sender with no weight on absolute gains (B_s <= 0.1) threatens whenever sanctions "
        "cost it no more than 90% of what they cost the target and the target prefers some "
        "concession to sanctions and to realigning: coercion that is costly to the sender still "
        "pays in relative terms.",
        holds=lambda p, o: o["threatens"],
        given=lambda p, o: (
            (p["B_s"] <= 0.1)
            & (p["c_s"] <= 0.9 * p["c_t"])
            & (p["c_t"] - (1 - p["B_t"]) * p["c_s"] - p["a_T"] > 0.01)
            & (p["w_T"] < -p["c_t"] + (1 - p["B_t"]) * p["c_s"])
        ),
        quote=_SEED_TEXT["bargaining"],
        source=f"{SEED}; Drezner 1998, P1",
    ),
    Claim(
        "allied_senders_need_asymmetric_dependence",
        "A sender that expects little conflict (B_s >= 0.8) and has little audience cost "
        "(a_S <= c_s / 5) threatens only if the target's cost of sanctions is at least four "
        "times its own.",
        holds=lambda p, o: ~o["threatens"] | (p["c_t"] >= 4 * p["c_s"] * (1 - 1e-9)),
        given=lambda p, o: (p["B_s"] >= 0.8) & (p["a_S"] <= p["c_s"] / 5),
        quote=_SEED_TEXT["asymmetric"],
        source=f"{SEED}; Drezner 1998, P2",
    ),
    Claim.increasing(
        "allies_accept_larger_demands",
        "max_acceptable",
        "B_t",
        "The target's conflict expectations set the size of the concession: the more weight "
        "the target puts on absolute gains (an ally), the larger the demand it accepts.",
        quote=_SEED_TEXT["allies"],
        source=f"{SEED}; Drezner 1998, P3",
    ),
    Claim.increasing(
        "allies_concede_more",
        "concession",
        "B_t",
        "Where the target's outside option never beats sanctions (w_T <= -c_t), the concession "
        "made in equilibrium rises with the target's weight on absolute gains. (Where it can, "
        "an adversarial sender may prefer driving the target to realign over a small "
        "concession, and the concession can drop to zero as B_t rises.)",
        given=lambda p, o: p["w_T"] <= -p["c_t"],
        quote=_SEED_TEXT["concessions"],
        source=f"{SEED}; Drezner 1998, P3",
    ),
    Claim(
        "threats_mostly_against_adversaries",
        "Across the parameter space, sender and target dyads that both expect frequent "
        "conflict (B_s, B_t < 1/2) see threats more often than allied dyads (B_s, B_t >= 1/2).",
        holds=_threats_mostly_adversaries,
        kind="aggregate",
        quote=_SEED_TEXT["paradox"],
        source=f"{SEED}; Drezner 1999, the paradox",
    ),
    Claim(
        "largest_concessions_from_allies",
        "Across the parameter space, the largest concessions won by coercion (the top tenth) "
        "come more often from allied dyads than from adversarial ones.",
        holds=_largest_concessions_allies,
        kind="aggregate",
        quote=_SEED_TEXT["concessions"],
        source=f"{SEED}; Drezner 1999, the paradox",
    ),
    Claim.decreasing(
        "loud_coercion_lowers_concessions",
        "concession",
        "a_T",
        "Loud coercion generates resistance: the target's audience cost of conceding in "
        "public never raises the concession.",
        quote=_SEED_TEXT["loud"],
        source=SEED,
    ),
    Claim.increasing(
        "public_threats_commit_the_sender",
        "credible",
        "a_S",
        "The sender's audience cost of backing down from a public threat makes the threat "
        "more credible (it can make an ally's threat credible).",
        quote=_SEED_TEXT["public"],
        source=f"{SEED}; Fearon 1994",
    ),
    Claim.decreasing(
        "outside_option_caps_concessions",
        "concession",
        "w_T",
        "A better outside option for the target (alignment with a rival) never raises the "
        "concession it makes.",
        quote=_SEED_TEXT["cuba"],
        source=SEED,
    ),
    Claim(
        "realignment_when_conceding_is_worse",
        "Where the target realigns, the concession is lost, and realigning is worth more to "
        "the target than conceding the demand made or standing firm.",
        holds=lambda p, o: (
            (o["concession"] == 0)
            & (o["u_T_realign"] >= o["u_T_concede"])
            & (o["u_T_realign"] >= o["u_T_firm"])
        ),
        given=lambda p, o: o["realigns"],
        quote=_SEED_TEXT["cuba"],
        source=SEED,
    ),
]


# ---------------------------------------------------------------------------------- figures
FIGURE_COSTS = (0.5, 1.0, 2.0)


def _demand_curve():
    b = np.linspace(0, 1, 101)
    out = {"B_t": b}
    for c in FIGURE_COSTS:
        # B_s = 0: the threat is credible for every sender cost below c_t = 3
        res = MODEL.evaluate({**space.defaults(), "B_s": 0.0, "c_s": c, "B_t": b})
        out[f"demand_c_s_{c}"] = res["demand"]
    return out


def _draw_demand_curve(d):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.8, 4.2))
    for c, style in zip(FIGURE_COSTS, ("-", "--", ":"), strict=True):
        ax.plot(d["B_t"], d[f"demand_c_s_{c}"], ls=style, lw=1.8, label=f"$c_s$ = {c}")
    ax.set_xlabel(
        axis_label(space["B_t"], "target's weight on absolute gains (0 adversary, 1 ally)")
    )
    ax.set_ylabel("equilibrium demand $D^*$ (payoff units)")
    ax.set_title("Allies concede more ($c_t$ = 3, $B_s$ = 0)")
    outside_legend(ax, title="sender's cost")
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    return fig


#: Panels of the regime map: quiet coercion, loud coercion, loud with an outside option.
REGIME_PANELS = (
    ("quiet", {"a_S": 0.0, "a_T": 0.0, "w_T": -20.0}),
    ("loud", {"a_S": 1.0, "a_T": 2.0, "w_T": -20.0}),
    ("loud, outside option", {"a_S": 0.5, "a_T": 1.2, "w_T": -2.3}),
)


def _regime_map():
    n = 81
    bs = np.linspace(0, 1, n)
    bt = np.linspace(0, 1, n)
    out = {"B_s": bs[None, :], "B_t": bt[:, None]}
    for k, (_name, fixed) in enumerate(REGIME_PANELS):
        res = MODEL.evaluate({**space.defaults(), **fixed, "B_s": bs[None, :], "B_t": bt[:, None]})
        out[f"regime_{k}"] = res["regime"]
        out[f"demand_{k}"] = res["demand"]
    return out


def _draw_regime_map(d):
    plt = pyplot()
    colours, hatches = regime_palette(len(REGIMES), neutral_first=True)
    fig, axes = plt.subplots(1, len(REGIME_PANELS), figsize=(12, 4.8), sharey=True)
    for k, (ax, (name, fixed)) in enumerate(zip(axes, REGIME_PANELS, strict=True)):
        regime_panel(
            ax, d["B_s"], d["B_t"], d[f"regime_{k}"], colours, bounds=True, hatches=hatches
        )
        values = ", ".join(f"{symbol(p)} = {fixed[p]:g}" for p in ("a_S", "a_T", "w_T"))
        ax.set_title(f"{name}\n{values}", fontsize=10)
        ax.set_xlabel(axis_label(space["B_s"], "sender's weight on absolute gains"))
    axes[0].set_ylabel(axis_label(space["B_t"], "target's weight on absolute gains"))
    regime_legend(
        fig,
        REGIMES,
        colours,
        hatches=hatches,
        loc="lower center",
        ncol=len(REGIMES),
        frameon=False,
    )
    fig.suptitle("Equilibrium regimes of the coercion game ($c_s$ = 1, $c_t$ = 3)")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


#: Sender audience costs of the credibility figure's panels.
CREDIBILITY_PANELS = (0.0, 0.5)


def _credibility():
    bs = np.linspace(0, 1, 81)
    ct = np.linspace(0.1, 10, 100)
    out = {"B_s": bs[None, :], "c_t": ct[:, None]}
    for k, a_s in enumerate(CREDIBILITY_PANELS):
        res = MODEL.evaluate(
            {**space.defaults(), "a_S": a_s, "B_s": bs[None, :], "c_t": ct[:, None]}
        )
        out[f"threatens_{k}"] = res["threatens"]
    return out


def _draw_credibility(d):
    plt = pyplot()
    colours, hatches = regime_palette(2, neutral_first=True)  # status quo, threatens
    fig, axes = plt.subplots(1, len(CREDIBILITY_PANELS), figsize=(10, 4.4), sharey=True)
    ct = d["c_t"].reshape(-1)
    line = np.linspace(0, 0.95, 200)
    for k, (ax, a_s) in enumerate(zip(axes, CREDIBILITY_PANELS, strict=True)):
        regime_panel(ax, d["B_s"], ct, d[f"threatens_{k}"].astype(int), colours, hatches=hatches)
        # Drezner's closed-form boundary, drawn for comparison with the engine's region
        ax.plot(line, (1 - a_s) / (1 - line), "k--", lw=1, label="$c_t = (c_s - a_S)/(1 - B_s)$")
        ax.set_ylim(ct[0], ct[-1])
        ax.set_title(f"sender's audience cost $a_S$ = {a_s:g}", fontsize=10)
        ax.set_xlabel(axis_label(space["B_s"], "sender's weight on absolute gains (1: an ally)"))
    axes[0].set_ylabel(axis_label(space["c_t"], "target's cost of sanctions") + ", $c_s$ = 1")
    regime_legend(
        fig,
        ["sender threatens", "status quo"],
        colours[::-1],
        hatches=hatches[::-1],
        extra=[axes[0].get_lines()[0]],
        loc="lower center",
        ncol=3,
        frameon=False,
    )
    fig.suptitle("Allied senders threaten only under strongly asymmetric dependence ($B_t$ = 0.5)")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


figures = [
    Figure(
        "sanctions_paradox_demand",
        "The equilibrium demand against the target's conflict expectations",
        _demand_curve,
        _draw_demand_curve,
        "D* = [c_t - (1 - B_t) c_s]/(2 - B_t) as the engine finds it, for three sender costs "
        "(c_t = 3, an adversarial sender B_s = 0 so that the threat is credible).",
    ),
    Figure(
        "sanctions_paradox_regimes",
        "Regime map over the two conflict expectations",
        _regime_map,
        _draw_regime_map,
        "On-path outcome over (B_s, B_t) for quiet coercion, loud coercion (audience costs "
        "a_S = 1, a_T = 2) and milder loud coercion (a_S = 0.5, a_T = 1.2) of a target with an "
        "outside option w_T = -2.3.",
    ),
    Figure(
        "sanctions_paradox_credibility",
        "Where the sender threatens",
        _credibility,
        _draw_credibility,
        "Whether the sender threatens over its weight on absolute gains and the target's cost "
        "of sanctions (c_s = 1, B_t = 0.5), quietly and with a sender audience cost a_S = 0.5; "
        "the dashed line is Drezner's credibility boundary, drawn for comparison.",
    ),
]


MODEL = Model(
    "sanctions_paradox",
    "The sanctions paradox: coercion between allies and adversaries",
    space,
    solve,
    claims=claims,
    figures=figures,
    description=__doc__.split("\n\n")[1],
    source=f"Drezner 1998 (ISQ), Drezner 1999; {COERCING_ALLIES}",
)
