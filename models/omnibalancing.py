r"""Omnibalancing: a leader who fears domestic threats more than foreign ones.

The theory (David 1991). Balance-of-power theory asks how a *state* counters threats from
other states. Omnibalancing asks how a *leader* counters every threat to staying in power,
internal and external. Where domestic threats are the more pressing, the leader appeases
secondary (foreign) threats in order to counter the primary (domestic) one, and in particular
appeases the foreign allies of its domestic opponents, to "split the alignment against them".
What looks like bandwagoning is then balancing against the prime threat; and since the leader's
dominant goal is to stay in power, it will sometimes protect itself at the expense of the
state. Drezner's 2017 column (on Trump, Russia and the special counsel) applies the theory to a
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

The game is the two-threat case of the K-threat leader game of :mod:`irgames.models._threats`
(shared with :mod:`irgames.models.omnibalancing_threats`, its three-threat case).

Sources: David, S. R. (1991), "Explaining Third World Alignment", *World Politics* 43(2),
233-256;
Drezner, D. W. (2017), "Trump, Russia and omnibalancing", *The Washington Post*
(Spoiler Alerts), June 2017.

Examples
--------
>>> from irgames.models.omnibalancing import MODEL as model
>>> out = model(E=1, kappa_F=0.3, s_F=0.5, sigma=0.5, R=10, w=1, z=4, V_F=5, c_F=0.1,
...             theta_D=[0.0, 0.6, 1.5])
>>> out["appeases"].tolist(), out["survival_gain"].round(3).tolist()
([0.0, 1.0, 0.0], [0.322, 0.576, 0.154])
>>> out["agency_gap"].tolist()
[False, True, False]
"""

from __future__ import annotations

import numpy as np
from irgames.models._sources import OMNIBALANCING
from irgames.models._threats import (
    BETTER,
    DAVID,
    DOMESTIC,
    FEAR,
    PROTECT,
    SEED,
    SPLIT,
    ThreatSolution,
    region_axes,
    region_legend,
    region_palette,
    region_panel,
    solve_threats,
    threat_game,
)
from scipy.special import ndtr

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace
from irgames.plot import OKABE_ITO, fixed_values, outside_legend, pyplot

__all__ = ["MODEL", "TWO_THREATS", "solve", "solve_two_threats", "space"]


# ---------------------------------------------------------------------------------- space
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
    """The two-threat game at a batch of points (float arrays of one shape), solved by
    backward induction."""
    zero = np.zeros_like(theta_D)
    stack = lambda a, b: np.stack([a, b], axis=-1)  # noqa: E731
    return solve_threats(
        TWO_THREATS,
        E=E,
        sigma=sigma,
        R=R,
        w=w,
        severity=stack(theta_D, kappa_F),
        cost=stack(zero, z),
        support=stack(zero, s_F),
        stake=stack(zero, V_F),
        backing_cost=stack(zero, c_F),
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


# ---------------------------------------------------------------------------------- claims
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


# ---------------------------------------------------------------------------------- figures
#: F's value of the leader's fall in the two panels of the regions figure: a foreign power
#: that can be bought, and one whose price (what backing D is worth to it) binds.
REGION_PANELS = (4.0, 10.0)


def _regions():
    data = {}
    for v in REGION_PANELS:
        x, y, regime = region_axes(MODEL, space, fixed={"V_F": v})
        data["theta_D"], data["R"] = x[None, :], y[:, None]
        data[f"regime_V_F_{v:g}"] = regime
    return data


#: Colours and hatches of the two-threat regimes (colour-blind safe, hatched).
TWO_PALETTE = region_palette(4)


def _draw_regions(d):
    plt = pyplot()
    p = space.defaults()
    names = list(MODEL.solve(**{k: np.zeros(1) + v for k, v in p.items()}).regime_names)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    present = set()
    for ax, v in zip(axes, REGION_PANELS, strict=True):
        note = fixed_values(p, ("E", "sigma", "kappa_F", "s_F", "w", "z", "c_F"))
        title = f"F values the leader's fall at $V_F$ = {v:g}"
        present |= region_panel(ax, d, f"regime_V_F_{v:g}", TWO_PALETTE, title, note)
    axes[1].set_ylabel("")
    region_legend(axes[1], names, TWO_PALETTE, present)
    fig.suptitle("Two threats: where the leader appeases the foreign power", fontsize=11)
    fig.tight_layout()
    return fig


def _survival():
    theta = np.linspace(0, 3, 301)
    out = MODEL.evaluate({**space.defaults(), "theta_D": theta})
    return {
        "theta_D": theta,
        "survival_if_appease": out["survival_if_appease"],
        "survival_if_balance": out["survival_if_balance"],
        "survival_gain": out["survival_gain"],
        "appeases": out["appeases"],
        "F_backs": out["F_backs"],
    }


def _draw_survival(d):
    plt = pyplot()
    p = space.defaults()
    fig, ax = plt.subplots(figsize=(9.0, 4.4))
    x = d["theta_D"]
    ax.fill_between(
        x,
        0,
        1,
        where=d["appeases"] > 0,
        facecolor=OKABE_ITO["orange"],
        alpha=0.18,
        hatch="//",
        edgecolor=OKABE_ITO["orange"],
        linewidth=0.0,
        label="leader appeases F",
    )
    ax.plot(
        x, d["survival_if_appease"], color=OKABE_ITO["vermillion"], label="survival if L appeases F"
    )
    ax.plot(
        x,
        d["survival_if_balance"],
        color=OKABE_ITO["blue"],
        ls="-.",
        label="survival if L balances F",
    )
    ax.plot(x, d["survival_gain"], "k--", label="survival gain from appeasing")
    ax.axhline(
        p["w"] * p["z"] / p["R"],
        color="grey",
        lw=0.8,
        ls=":",
        label="$w z / R$ (cost in office units)",
    )
    ax.set_xlabel(r"strength of the domestic challenger $\theta_D$")
    ax.set_ylabel("probability the leader survives")
    ax.set_ylim(0, 1)
    ax.set_xlim(x.min(), x.max())
    ax.set_title("Survival with and without appeasing the foreign power", fontsize=10)
    note = fixed_values(
        p, ("E", "sigma", "kappa_F", "s_F", "R", "w", "z", "V_F", "c_F"), per_line=5
    )
    outside_legend(ax, side="right", title=note, title_fontsize=7)
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

MODEL = Model(
    "omnibalancing",
    "Omnibalancing: a leader between a domestic challenger and a foreign power",
    space,
    solve,
    claims=claims,
    figures=figures,
    description=__doc__.split("\n\n")[1],
    source=f"David 1991; {OMNIBALANCING}",
)
