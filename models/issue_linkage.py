r"""Issue linkage: tariffs for defence spending, cooperative and coercive.

The theory (Drezner 2018). The op-ed asks whether the United States can use "America’s large market
and disproportionate defense contributions" to get more defence spending from its allies,
linking two issues, trade and security. Two mechanisms are at work. *Cooperative* linkage
(Bernheim and Whinston 1990): when two relationships are played together and cheating in
either ends cooperation in both, the incentive constraints pool, so slack in one issue can
sustain cooperation in the other. *Coercive* linkage (the op-ed's tariff threat): the sender
threatens the trade relationship unless the target concedes on defence; this is Drezner's
coercion game (:mod:`models.sanctions_paradox`) in which the target's cost of sanctions is the
trade it stands to lose.

The games. Each issue :math:`g \in \{\text{trade}, \text{security}\}` is a repeated
prisoner's dilemma between the sender :math:`S` and the target :math:`T`, with reward
:math:`R_g` (mutual cooperation), punishment :math:`P_g` (mutual defection), sucker's payoff
:math:`0` and a temptation :math:`T_{g,i}` for each player (:math:`T_{g,i} > R_g > P_g > 0`).
Both discount the future by :math:`\delta`. Under grim trigger, player :math:`i` keeps
cooperating in issue :math:`g` iff

.. math::

    \delta \ge \delta^*_{g,i} = \frac{T_{g,i} - R_g}{T_{g,i} - P_g},

and the issue's deal holds iff :math:`\delta \ge \max_i \delta^*_{g,i}`. Linked, a deviation
anywhere is punished everywhere, and the deal holds iff

.. math::

    \delta \ge \max_i \frac{\sum_g (T_{g,i} - R_g)}{\sum_g (T_{g,i} - P_g)} .

For symmetric issues the linked threshold is a weighted mean of the two issue thresholds:
linkage carries the harder issue on the easier one's slack (THEORIES.md: trade
:math:`(5, 3, 1)` gives :math:`1/2`, security :math:`(10, 3, 1)` gives :math:`7/9`, linked
:math:`9/13`). When the players are tempted in different issues (the sender in trade, the
target in security), linkage can sustain a deal that neither issue sustains alone. All
thresholds come from the generic repeated-game tools
(:func:`irgames.solvers.repeated.grim_trigger`, :func:`~irgames.solvers.repeated.linked`,
with Nash reversion checked as a stage equilibrium).

Coercive linkage. The sender threatens to end the trade deal (tariffs) unless the target
raises its defence spending by :math:`D`. Each side loses the discounted value of trade
cooperation in proportion to its exposure :math:`e_i`,

.. math::

    c_i = e_i \, \frac{R_\text{trade} - P_\text{trade}}{1 - \delta},

and the defence concession is the equilibrium demand of the coercion game with these costs
and the conflict expectations :math:`B_s, B_t`, solved by
:func:`models.sanctions_paradox.solve` (batched backward induction and bisection).

Sources: Bernheim, B. D. and Whinston, M. D. (1990), "Multimarket contact and collusive
behavior", *RAND Journal of Economics* 21(1); Drezner (1999), *The Sanctions Paradox*; the
Drezner, D. W. (2018), his column on coercing allies and tactical issue linkage, *The
Washington Post* (Spoiler Alerts), mid-2018 (undated; dated by the tariffs it discusses).

Examples
--------
>>> from irgames.models.issue_linkage import MODEL
>>> out = MODEL(delta=0.7)
>>> [round(float(out[k]), 4) for k in ("delta_trade", "delta_security", "delta_linked")]
[0.5, 0.7778, 0.6923]
>>> bool(out["security_alone"]), bool(out["linked_holds"]), bool(out["only_linked"])
(False, True, True)
"""

from __future__ import annotations

import numpy as np
from irgames.models import sanctions_paradox
from irgames.models._sources import COERCING_ALLIES
from numpy.typing import ArrayLike

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Constraint, Parameter, ParameterSpace
from irgames.games.normal_form import NormalFormGame
from irgames.plot import (
    axis_label,
    pyplot,
    regime_legend,
    regime_palette,
    regime_panel,
)
from irgames.solvers.repeated import IncentiveThresholds, grim_trigger, linked, nash_reversion

__all__ = ["MODEL", "issue_thresholds", "prisoners_dilemma", "solve"]

SEED = COERCING_ALLIES

space = ParameterSpace(
    [
        Parameter("delta", 0, 1, default=0.7, closed=(False, False), meaning="discount factor"),
        Parameter(
            "T_trade_S",
            4,
            30,
            closed=(False, True),
            default=5.0,
            meaning="sender's temptation in trade",
            unit="payoff",
        ),
        Parameter(
            "T_trade_T",
            4,
            30,
            closed=(False, True),
            default=5.0,
            meaning="target's temptation in trade",
            unit="payoff",
        ),
        Parameter("R_trade", 2, 4, default=3.0, meaning="reward of free trade", unit="payoff"),
        Parameter(
            "P_trade",
            0,
            2,
            closed=(True, False),
            default=1.0,
            meaning="payoff of a trade war",
            unit="payoff",
        ),
        Parameter(
            "T_security_S",
            4,
            30,
            closed=(False, True),
            default=10.0,
            meaning="sender's temptation in security (under-providing defence)",
            unit="payoff",
        ),
        Parameter(
            "T_security_T",
            4,
            30,
            closed=(False, True),
            default=10.0,
            meaning="target's temptation in security (free riding on the alliance)",
            unit="payoff",
        ),
        Parameter(
            "R_security", 2, 4, default=3.0, meaning="reward of burden sharing", unit="payoff"
        ),
        Parameter(
            "P_security",
            0,
            2,
            closed=(True, False),
            default=1.0,
            meaning="payoff of mutual neglect",
            unit="payoff",
        ),
        Parameter(
            "exposure_S",
            0,
            1,
            default=0.05,
            closed=(False, True),
            meaning="share of the trade gains the sender loses when the deal ends",
            source=f"{COERCING_ALLIES} (America's large market)",
        ),
        Parameter(
            "exposure_T",
            0,
            1,
            default=0.5,
            closed=(False, True),
            meaning="share of the trade gains the target loses when the deal ends",
        ),
        Parameter(
            "B_s",
            0,
            1,
            default=0.8,
            meaning="sender's weight on absolute gains (allies: high)",
            source="Drezner 1998",
        ),
        Parameter(
            "B_t",
            0,
            1,
            default=0.8,
            meaning="target's weight on absolute gains (allies: high)",
            source="Drezner 1998",
        ),
    ],
    constraints=[
        Constraint(
            "T > R > P in trade",
            lambda p: (
                (p["T_trade_S"] > p["R_trade"])
                & (p["T_trade_T"] > p["R_trade"])
                & (p["R_trade"] > p["P_trade"])
            ),
        ),
        Constraint(
            "T > R > P in security",
            lambda p: (
                (p["T_security_S"] > p["R_security"])
                & (p["T_security_T"] > p["R_security"])
                & (p["R_security"] > p["P_security"])
            ),
        ),
    ],
)


def prisoners_dilemma(T_S: ArrayLike, T_T: ArrayLike, R: ArrayLike, P: ArrayLike) -> NormalFormGame:
    r"""A batch of prisoner's dilemmas (actions: cooperate, defect; sucker's payoff 0).

    >>> prisoners_dilemma(5.0, 5.0, 3.0, 1.0).payoffs[0].tolist()
    [[3.0, 0.0], [5.0, 1.0]]
    """
    T_S, T_T, R, P = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (T_S, T_T, R, P)))
    zero = np.zeros_like(R)
    row = np.stack([np.stack([R, zero], -1), np.stack([T_S, P], -1)], -2)
    col = np.stack([np.stack([R, T_T], -1), np.stack([zero, P], -1)], -2)
    return NormalFormGame.bimatrix(row, col)


def issue_thresholds(
    T_S: ArrayLike, T_T: ArrayLike, R: ArrayLike, P: ArrayLike
) -> IncentiveThresholds:
    """Grim-trigger thresholds of mutual cooperation with Nash reversion (mutual defection)."""
    game = prisoners_dilemma(T_S, T_T, R, P)
    return grim_trigger(game, (0, 0), nash_reversion(game, (1, 1)))


def solve(
    delta: ArrayLike,
    T_trade_S: ArrayLike,
    T_trade_T: ArrayLike,
    R_trade: ArrayLike,
    P_trade: ArrayLike,
    T_security_S: ArrayLike,
    T_security_T: ArrayLike,
    R_security: ArrayLike,
    P_security: ArrayLike,
    exposure_S: ArrayLike,
    exposure_T: ArrayLike,
    B_s: ArrayLike,
    B_t: ArrayLike,
) -> Outcome:
    """Cooperative and coercive linkage at a batch of parameter points."""
    trade = issue_thresholds(T_trade_S, T_trade_T, R_trade, P_trade)
    security = issue_thresholds(T_security_S, T_security_T, R_security, P_security)
    both = linked(trade, security)
    d = np.asarray(delta, dtype=float)
    trade_alone = trade.sustainable(d)
    security_alone = security.sustainable(d)
    linked_holds = both.sustainable(d)
    # coercive linkage: a tariff threat for defence spending
    c_s = exposure_S * (R_trade - P_trade) / (1 - d)
    c_t = exposure_T * (R_trade - P_trade) / (1 - d)
    coercion = _coercion(c_s, c_t, B_s, B_t)
    return Outcome(
        {
            "delta_trade": trade.threshold,
            "delta_security": security.threshold,
            "delta_linked": both.threshold,
            "trade_alone": trade_alone,
            "security_alone": security_alone,
            "linked_holds": linked_holds,
            "only_linked": linked_holds & ~(trade_alone & security_alone),
            "neither_alone": ~trade_alone & ~security_alone,
            "cost_S": c_s,
            "cost_T": c_t,
            "coercion_threatens": coercion["threatens"],
            "coercion_credible": coercion["credible"],
            "defence_concession": coercion["concession"],
            "coercion_utility_S": coercion["utility_S"],
        },
        regime=coercion.regime,
        regime_names=coercion.regime_names,
    )


def _coercion(c_s, c_t, B_s, B_t) -> Outcome:
    """The coercion game of a tariff threat (no audience costs, no outside option)."""
    # an outside option below any deadlock utility, and a demand cap above any acceptable one
    w_T = -2.0 * (c_s + c_t)
    return sanctions_paradox.MODEL.evaluate(
        dict(c_s=c_s, c_t=c_t, B_s=B_s, B_t=B_t, a_S=0.0, a_T=0.0, w_T=w_T, D_max=2.0 * c_t)
    )


# ---------------------------------------------------------------------------------- claims
QUOTES = {
    "tactical": (
        "Trump is not as wrong about tactical issue linkage as he is about other aspects of his "
        "foreign policy."
    ),
    "leverage": (
        "Over the weekend, Treasury Secretary Steven Mnuchin seemed to confirm the notion that "
        "the Trump White House was using the steel and aluminum tariffs to leverage treaty "
        "allies into spending more on defense."
    ),
    "crude": (
        "He does have certain instincts, however, and one of\xa0 them is that crude issue linkage "
        "can extract concessions in world politics."
    ),
}


claims = [
    Claim(
        "linkage_never_hurts",
        "Wherever both issues are sustained separately, the linked deal is sustained too.",
        holds=lambda p, o: o["linked_holds"],
        given=lambda p, o: o["trade_alone"] & o["security_alone"],
        quote=QUOTES["tactical"],
        source=f"{SEED}; Bernheim and Whinston 1990",
    ),
    Claim(
        "linkage_carries_the_harder_issue",
        "The linked threshold never exceeds the harder issue's: linking never makes the "
        "harder deal harder to sustain, and where the issues differ it can make it easier.",
        holds=lambda p, o: (
            o["delta_linked"] <= np.maximum(o["delta_trade"], o["delta_security"]) + 1e-12
        ),
        quote=QUOTES["tactical"],
        source=f"{SEED}; Bernheim and Whinston 1990",
    ),
    Claim(
        "linkage_sustains_a_deal_neither_issue_sustains_alone",
        "Linkage can sustain a deal that neither issue sustains alone (a linked threshold "
        "below both issue thresholds), and only where the players are tempted in different "
        "issues (one more in trade, the other more in security).",
        holds=lambda p, o: (
            (o["delta_linked"] >= np.minimum(o["delta_trade"], o["delta_security"]) - 1e-12)
            | ((p["T_trade_S"] - p["T_trade_T"]) * (p["T_security_S"] - p["T_security_T"]) < 0)
        ),
        quote=QUOTES["tactical"],
        source=f"{SEED}; Bernheim and Whinston 1990",
    ),
    Claim.increasing(
        "trade_dependence_buys_defence_spending",
        "defence_concession",
        "exposure_T",
        "In coercive linkage, the more the target depends on trade with the sender, the more "
        "defence spending a tariff threat extracts.",
        quote=QUOTES["leverage"],
        source=f"{SEED}; Drezner 1999",
    ),
    Claim(
        "allied_senders_link_only_under_asymmetric_dependence",
        "An allied sender (B_s >= 0.8) makes a tariff threat only if the target's exposure to "
        "trade is at least four times its own.",
        holds=lambda p, o: (
            ~o["coercion_threatens"] | (p["exposure_T"] >= 4 * p["exposure_S"] * (1 - 1e-9))
        ),
        given=lambda p, o: p["B_s"] >= 0.8,
        quote=QUOTES["crude"],
        source=f"{SEED}; Drezner 1999",
    ),
]


# ---------------------------------------------------------------------------------- figures
#: Regions of the linkage figure.
LINKAGE_REGIONS = ("no deal", "trade only", "both issues, separately", "both issues, only linked")


def _linkage_region():
    delta = np.linspace(0.3, 0.95, 131)
    t_sec = np.linspace(4.5, 15.0, 43)
    res = MODEL.evaluate(
        {
            **space.defaults(),
            "delta": delta[None, :],
            "T_security_S": t_sec[:, None],
            "T_security_T": t_sec[:, None],
        }
    )
    region = np.where(
        res["trade_alone"] & res["security_alone"],
        2,
        np.where(
            res["linked_holds"] & ~res["security_alone"], 3, np.where(res["trade_alone"], 1, 0)
        ),
    )
    return {
        "delta": delta[None, :],
        "T_security": t_sec[:, None],
        "region": region,
        "delta_security": res["delta_security"],
        "delta_linked": res["delta_linked"],
    }


def _draw_linkage_region(d):
    plt = pyplot()
    colours, hatches = regime_palette(len(LINKAGE_REGIONS), neutral_first=True)
    fig, ax = plt.subplots(figsize=(8.4, 4.8))
    regime_panel(
        ax, d["delta"], d["T_security"], d["region"], colours, bounds=True, hatches=hatches
    )
    (line,) = ax.plot(
        [9 / 13, 7 / 9], [10.0, 10.0], color="k", lw=1.6, marker="|", ms=10,
        label=r"$T_\mathrm{sec}$ = 10: linked $\delta \geq 9/13$, alone $\delta \geq 7/9$",
    )  # fmt: skip
    ax.set_xlabel(axis_label(space["delta"]))
    ax.set_ylabel(r"temptation to free ride in security $T_\mathrm{sec}$ ($R$ = 3, $P$ = 1)")
    ax.set_title(r"Issue linkage: trade (5, 3, 1) with security ($T_\mathrm{sec}$, 3, 1)")
    regime_legend(ax, LINKAGE_REGIONS, colours, hatches=hatches, extra=[line], frameon=False,
                  loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)  # fmt: skip
    fig.tight_layout()
    return fig


figures = [
    Figure(
        "issue_linkage_region",
        "Where only the linked deal holds",
        _linkage_region,
        _draw_linkage_region,
        "Grim-trigger cooperation in trade (5, 3, 1) and security (T_sec, 3, 1), separately and "
        "linked, over the discount factor and the security temptation: in the dotted green band "
        "security cooperation holds only because it is linked to trade.",
    ),
]

MODEL = Model(
    "issue_linkage",
    "Issue linkage: tariffs for defence spending",
    space,
    solve,
    claims=claims,
    figures=figures,
    description=__doc__.split("\n\n")[1],
    source=f"Bernheim and Whinston 1990; Drezner 1999; {COERCING_ALLIES}",
)
