r"""Omnibalancing with three threats: which ones a leader appeases.

The three-threat case of the K-threat leader game (:mod:`irgames.models._threats`, shared with
the two-threat model :mod:`irgames.models.omnibalancing`, which states the theory): the
domestic opposition :math:`D` (internal), its foreign ally :math:`F` (external, and able to
back :math:`D`) and an unaligned foreign rival :math:`X` (external, unable to). The leader
chooses the set of threats to offer concessions (any of the three); :math:`F`, unless
appeased, decides whether to back :math:`D`; survival is a normal CDF of the resources net of
the threats left (the survival index of :mod:`irgames.models._threats`). Subgame-perfect
equilibrium by batched backward induction; the regime is the set appeased on the path.

Sources: David, S. R. (1991), "Explaining Third World Alignment", *World Politics* 43(2),
233-256;
Drezner, D. W. (2017), "Trump, Russia and omnibalancing", *The Washington Post*
(Spoiler Alerts), June 2017.

Examples
--------
>>> from irgames.models.omnibalancing_threats import MODEL as model
>>> out = model(theta_D=[0.6, 2.5], R=10.0)
>>> out.regime_labels().tolist(), out["survival"].round(3).tolist()
(['appease F, X', 'balance all'], [0.788, 0.0])
"""

from __future__ import annotations

import numpy as np
from irgames.models._sources import OMNIBALANCING
from irgames.models._threats import (
    ALLIES,
    DOMESTIC,
    SECONDARY,
    SEED,
    region_axes,
    region_legend,
    region_palette,
    region_panel,
    solve_threats,
    threat_game,
)
from irgames.models.omnibalancing import space as leader_space
from scipy.special import ndtr

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace
from irgames.plot import fixed_values, pyplot

__all__ = ["MODEL", "THREAT_NAMES", "THREE_THREATS", "solve_k", "threats_space"]


# ---------------------------------------------------------------------------------- space
#: The three-threat structure: the domestic opposition D, its foreign ally F (who can back
#: it) and an unaligned foreign rival X (who cannot); L may appease any of them.
THREE_THREATS = threat_game(("D", "F", "X"), (True, False, False), None, (False, True, False))

threats_space = ParameterSpace(
    [
        *(leader_space[n] for n in ("E", "sigma", "theta_D")),
        Parameter(
            "z_D",
            0,
            30,
            default=15.0,
            closed=(False, True),
            meaning="cost to the state of appeasing the domestic opposition (it wants office)",
            unit="payoff",
        ),
        leader_space["kappa_F"],
        leader_space["s_F"],
        Parameter(
            "z_F",
            0,
            10,
            default=2.0,
            closed=(False, True),
            meaning="cost to the state of appeasing F",
            unit="payoff",
        ),
        leader_space["V_F"],
        leader_space["c_F"],
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
        leader_space["R"],
        leader_space["w"],
    ]
)

THREAT_NAMES = ("D", "F", "X")


def solve_k(E, sigma, theta_D, z_D, kappa_F, s_F, z_F, V_F, c_F, kappa_X, z_X, R, w) -> Outcome:
    r"""Outcomes of the three-threat game (D, its foreign ally F, an unaligned rival X).

    ``appeases_D``, ``appeases_F``, ``appeases_X`` (1.0 where appeased),
    ``secondary_appeased`` (how many of F and X), ``backing`` (probability that F backs D on
    the path), ``survival``, utilities, ``agency_gap``; the regime is the set appeased.
    """
    col = lambda *vs: np.stack(vs, -1)  # noqa: E731
    zero = np.zeros_like(theta_D)
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


claims = [
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
def _threats_map():
    x, y, regime = region_axes(MODEL, threats_space)
    return {"theta_D": x[None, :], "R": y[:, None], "regime": regime}


#: Colours and hatches of the eight three-threat regimes (colour-blind safe, hatched).
THREE_PALETTE = region_palette(8)


def _draw_threats_map(d):
    plt = pyplot()
    p = threats_space.defaults()
    note = fixed_values(
        p,
        ("E", "sigma", "z_D", "kappa_F", "s_F", "z_F", "V_F", "c_F", "kappa_X", "z_X", "w"),
        per_line=6,
    )
    fig, ax = plt.subplots(figsize=(8.6, 5.0))
    present = region_panel(
        ax,
        d,
        "regime",
        THREE_PALETTE,
        "Three threats: which ones the leader appeases\n(D domestic, F its foreign ally, X an "
        "unaligned rival)",
        note,
    )
    region_legend(ax, THREE_THREATS.subset_labels(), THREE_PALETTE, present)
    fig.tight_layout()
    return fig


figures = [
    Figure(
        "omnibalancing_threats_map",
        "Which threats the leader appeases (K = 3)",
        _threats_map,
        _draw_threats_map,
        "The set of threats appeased in the subgame-perfect equilibrium of the three-threat "
        "game, over the domestic threat and the value of office.",
    ),
]


MODEL = Model(
    "omnibalancing_threats",
    "Omnibalancing with three threats: the domestic opposition, its foreign ally, a rival",
    threats_space,
    solve_k,
    claims=claims,
    figures=figures,
    description=(
        "The leader chooses which of three threats to appease: the domestic opposition D, its "
        "foreign ally F (who, unless appeased, decides whether to back D) and an unaligned "
        "foreign rival X. Survival is a normal CDF of resources net of the threats left."
    ),
    source=f"David 1991; {OMNIBALANCING}",
)
