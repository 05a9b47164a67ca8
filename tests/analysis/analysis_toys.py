"""Small closed-form models for the analysis tests (not theories: test fixtures).

The coercion toy is the one-round coercion game of Drezner (1999) in closed form: the sender's
threat is credible iff ``c_s <= (1 - B_s) c_t``, and then the target concedes
``D* = [c_t - (1 - B_t) c_s] / (2 - B_t)``; otherwise the status quo holds (``D = 0``).
"""

from __future__ import annotations

import numpy as np

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Constraint, Parameter, ParameterSpace

COERCION_SPACE = ParameterSpace(
    [
        Parameter(
            "c_s", 0, 5, default=1, closed=(False, True), meaning="sender's cost", source="toy"
        ),
        Parameter(
            "c_t", 0, 5, default=3, closed=(False, True), meaning="target's cost", source="toy"
        ),
        Parameter(
            "B_s", 0, 1, default=0.5, meaning="sender's weight on absolute gains", source="toy"
        ),
        Parameter(
            "B_t", 0, 1, default=0.5, meaning="target's weight on absolute gains", source="toy"
        ),
    ]
)


def coercion_solve(c_s, c_t, B_s, B_t):
    credible = c_s <= (1 - B_s) * c_t
    demand = (c_t - (1 - B_t) * c_s) / (2 - B_t)
    D = np.where(credible, demand, 0.0)
    return Outcome(
        {"D": D, "U_S": (2 - B_s) * D, "credible": credible},
        regime=credible.astype(int),
        regime_names=["status quo", "coercion"],
    )


def _figure_data():
    B_t = np.linspace(0, 1, 11)
    out = COERCION(B_t=B_t)
    return {"B_t": B_t, "D": out["D"]}


def _figure_draw(data):
    import matplotlib.figure

    fig = matplotlib.figure.Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot(data["B_t"], data["D"])
    ax.set_xlabel("B_t")
    return fig


COERCION = Model(
    "coercion_toy",
    "Coercion (closed form)",
    COERCION_SPACE,
    coercion_solve,
    claims=(
        Claim.increasing(
            "allies_concede_more",
            "D",
            "B_t",
            quote="allies concede more",
            source="toy",
            given=lambda p, o: o["credible"],
        ),
        Claim(
            "threat_needs_low_cost",
            "a credible threat implies c_s <= c_t",
            holds=lambda p, o: ~o["credible"] | (p["c_s"] <= p["c_t"]),
            quote="asymmetric dependence must be very high",
            source="toy",
        ),
        Claim(
            "always_coerce",
            "the sender always coerces (false)",
            holds=lambda p, o: o["credible"],
            quote="(a false claim, for tests)",
            source="toy",
        ),
    ),
    figures=(Figure("concession", "Concession and B_t", _figure_data, _figure_draw),),
)

ORDERED_SPACE = COERCION_SPACE.subspace(Constraint("c_s < c_t", lambda p: p["c_s"] < p["c_t"]))


def _erosion_model():
    """A model with a vector outcome: B_t eroding over three rounds, B_t (1 - r)^k."""
    space = ParameterSpace(
        [Parameter("B_t", 0, 1, default=0.5), Parameter("r", 0, 1, default=0.1)],
        constraints=[("r <= B_t", lambda p: p["r"] <= p["B_t"])],
    )

    def solve(B_t, r):
        k = np.arange(3)
        path = B_t[..., None] * (1 - r[..., None]) ** k
        return Outcome({"final": path[..., -1], "path": path}, axes={"path": ("round",)})

    return Model("erosion", "erosion", space, solve)


EROSION = _erosion_model()
