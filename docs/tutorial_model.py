r"""Tutorial model: general deterrence with a costly war.

This module is the code of the documentation's tutorial ("write your own theory as a model in
15 minutes"); the tutorial page includes its sections verbatim and ``tests/docs/
test_tutorial.py`` runs it.

A challenger decides whether to challenge the status quo, which favours a defender. If
challenged, the defender concedes or resists; resistance means war, which the challenger wins
with probability :math:`p`, at costs :math:`c_C` and :math:`c_D`. With a prize worth 1,

.. math::

    u(\text{status quo}) = (0, 1), \quad u(\text{concede}) = (1, 0), \quad
    u(\text{war}) = (p - c_C,\; 1 - p - c_D).

By backward induction the defender resists iff :math:`1 - p - c_D > 0` (its threat is
credible); facing a credible threat the challenger challenges iff :math:`p - c_C > 0`, and
facing a defender who would concede it always challenges. Deterrence holds when the threat
is credible and war does not pay the challenger.

Examples
--------
>>> out = deterrence(p=[0.1, 0.5, 0.9], cost_challenger=0.2, cost_defender=0.2)
>>> out.regime_labels().tolist()
['deterrence', 'war', 'concession']
"""

from __future__ import annotations

import numpy as np

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace
from irgames.games.extensive_form import TreeBuilder
from irgames.solvers.backward_induction import backward_induction

# --8<-- [start:parameters]
space = ParameterSpace(
    [
        Parameter("p", 0.0, 1.0, default=0.5, meaning="probability that the challenger wins a war"),
        Parameter("cost_challenger", 0.0, 1.0, default=0.2, meaning="challenger's cost of war"),
        Parameter("cost_defender", 0.0, 1.0, default=0.2, meaning="defender's cost of war"),
    ]
)
# --8<-- [end:parameters]

# --8<-- [start:game]
T = TreeBuilder(["Challenger", "Defender"], parameters="p c_C c_D")
p, c_C, c_D = T.symbols
root = T.decision(
    "Challenger",
    {
        "status quo": T.terminal(0, 1, label="status quo"),
        "challenge": T.decision(
            "Defender",
            {
                "concede": T.terminal(1, 0, label="concession"),
                "resist": T.terminal(p - c_C, 1 - p - c_D, label="war"),
            },
        ),
    },
)
GAME = T.build(root, title="General deterrence")
# --8<-- [end:game]

# --8<-- [start:solve]
REGIMES = ["deterrence", "concession", "war"]
TERMINALS = [GAME.node_labels.index(name) for name in ["status quo", "concession", "war"]]


def solve(p, cost_challenger, cost_defender):
    """Solve the whole batch of games at once by backward induction."""
    game = GAME.bind(p=p, c_C=cost_challenger, c_D=cost_defender)
    spe = backward_induction(game)
    reach = spe.reach[..., TERMINALS]  # probability of each outcome, (*batch, 3)
    return Outcome(
        {
            "challenge": 1.0 - reach[..., 0],
            "war": reach[..., 2],
            "challenger_payoff": spe.payoffs[..., 0],
            "defender_payoff": spe.payoffs[..., 1],
        },
        regime=np.argmax(reach, axis=-1),
        regime_names=REGIMES,
    )


# --8<-- [end:solve]


# --8<-- [start:claims]
claims = [
    Claim(
        "credible_threats_deter_unless_war_pays",
        "Facing a defender who would resist, the challenger challenges only when war pays.",
        holds=lambda prm, out: (out["challenge"] > 0.5) == (prm["p"] > prm["cost_challenger"]),
        given=lambda prm, out: 1 - prm["p"] - prm["cost_defender"] > 0,
        quote="deterrence works when the threat is credible and war does not pay",
        source="Schelling 1966 (tutorial)",
    ),
    Claim.decreasing(
        "war_falls_with_its_cost",
        "war",
        "cost_challenger",
        quote="the costlier war is to the challenger, the less of it",
        source="tutorial",
    ),
    Claim(
        "war_never_happens",
        "Two sides who both know the odds never fight.",
        holds=lambda prm, out: out["war"] < 0.5,
        quote="rational states with complete information do not fight",
        source="a claim this model refutes: war needs a credible threat and a war that pays",
    ),
]
# --8<-- [end:claims]


# --8<-- [start:figure]
def regime_map():
    """Regime over the defender's cost and the odds, at the default challenger's cost."""
    odds = np.linspace(0, 1, 101)[None, :]
    cost = np.linspace(0, 1, 51)[:, None]
    out = deterrence(p=odds, cost_defender=cost)
    return {"p": odds, "cost_defender": cost, "regime": out.regime}


def draw_regime_map(data):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    x, y = data["p"][0], data["cost_defender"][:, 0]
    mesh = ax.pcolormesh(x, y, data["regime"], cmap="viridis", vmin=0, vmax=2, shading="auto")
    bar = fig.colorbar(mesh, ax=ax, ticks=[0, 1, 2])
    bar.ax.set_yticklabels(REGIMES)
    ax.set_xlabel("p, challenger's chance of winning a war")
    ax.set_ylabel("defender's cost of war")
    fig.tight_layout()
    return fig


figures = [
    Figure(
        "tutorial_deterrence_regimes",
        "Deterrence, concession and war",
        regime_map,
        draw_regime_map,
        "Deterrence holds where the defender's threat is credible and war does not pay.",
    )
]
# --8<-- [end:figure]

# --8<-- [start:model]
deterrence = Model(
    "tutorial_deterrence",
    "General deterrence with a costly war (tutorial)",
    space,
    solve,
    claims=claims,
    figures=figures,
)
# --8<-- [end:model]

if __name__ == "__main__":  # python docs/tutorial_model.py
    from irgames.analysis.claims import claims_report

    print(claims_report(deterrence, n=500).to_text())
