r"""Fleeting relationships: informal deals under turnover and the public endorsement screen.

The theory (Babitsky 2017). A patron who cannot enforce its agreements in court has two ways to make
them hold: violence, or partners bound to it by strong personal ties ("When you cannot enforce
your agreements by legal means, you can either use violence or only choose your partners from
your inner circle."). Abroad it deals with politicians who lose office from time to time, who,
once they win, gain by showing their independence, and who accept a public endorsement only when
their chances are slim. Unless the patron can punish a defector outside the relationship, the
seed concludes, its influence is not enforceable: "the “Russian scare” is probably just a myth".
Three connected games make each step precise.

1. The relational contract with turnover (McGillivray and Smith 2000). Each period the client
   holds office the patron :math:`P` pays a transfer :math:`\tau` and then the client :math:`C`,
   who sees it, delivers a favour that costs her :math:`c` and is worth :math:`b` to :math:`P`.
   The client loses office (and the relationship ends) with probability :math:`\rho` per
   period, so the effective discount factor is :math:`\hat\delta = \delta (1 - \rho)`. The
   stage game, in reduced normal form, gives the patron the moves *pay*, *withhold* and
   *punish* (withhold and inflict :math:`v` on the client, at no cost to itself: its capacity
   to punish outside the relationship), and the client the :math:`2^3` plans "deliver or not
   after each move". On the path: (pay, deliver iff paid). After a deviation by the client the
   patron punishes forever (the stage equilibrium (punish, never deliver)); after a deviation
   by the patron the relationship ends (withhold, never deliver): agent-specific punishments
   (:func:`~irgames.solvers.repeated.agent_specific_punishment`), checked by the solver to be
   stage equilibria. With :math:`R = \tau - c`, :math:`T = \tau`, :math:`P = -v` for the client,
   grim trigger (:func:`~irgames.solvers.repeated.grim_trigger`) holds her iff

   .. math::

       \hat\delta \ge \frac{c}{\tau + v}
       \iff \tau \ge \tau_{\min} = \frac{c}{\delta (1 - \rho)} - v ,

   (:meth:`~irgames.solvers.repeated.IncentiveThresholds.minimum_transfer`) and the patron keeps
   paying iff :math:`\tau \le b`. A deal exists iff :math:`\tau_{\min} \le b`, i.e.
   :math:`\rho \le \rho^* = 1 - c / (\delta (b + v))`
   (:meth:`~irgames.solvers.repeated.IncentiveThresholds.critical_termination` at
   :math:`\tau = b`); with :math:`v = 0`, :math:`\rho^* = 1 - c/(\delta b)`.

2. The winner's temptation. After winning office, complying costs the client an extra
   :math:`a` (the domestic cost of looking like a client), so :math:`c` becomes :math:`c + a`:
   :math:`\tau \ge (c + a)/(\delta (1 - \rho)) - v`. A *publicised friendship* (the public
   endorsement of part 3) adds a bond :math:`s`: a client who reneges on a public friend loses
   :math:`s` per period as well (exposure, the end of the personal tie), so the enforcement is
   :math:`v + s` for endorsed winners and :math:`v` for private deals. The patron's value of an
   endorsed winner is the present value of the deal at the minimum transfer,
   :math:`W = (b - \tau_{\min})/(1 - \hat\delta)` where the deal holds, and 0 where the winner
   reneges.

3. The endorsement screen. A candidate privately knows her chance of winning :math:`q` (a type;
   the prior is a Beta distribution with mean :math:`m` and concentration :math:`k`,
   discretised on :data:`N_TYPES` equal bins). The patron offers support :math:`T` (from a grid
   of :data:`N_OFFERS` offers :math:`T_j = \lambda V j/(N_\text{offers} - 1)`) for a public
   display of allegiance that multiplies her chance by :math:`1 - \lambda` (voter backlash);
   she values office at :math:`V`. Accepting is worth :math:`T + (1 - \lambda) q V` to her,
   refusing :math:`q V`, so she accepts iff :math:`T \ge \lambda q V`: only types
   :math:`q \le T / (\lambda V)` accept. The patron gets :math:`(1 - \lambda) q W - T` from an
   acceptor and 0 otherwise. The game is built with
   :func:`~irgames.games.signalling.screening_tree` and solved by
   :func:`~irgames.solvers.backward_induction.backward_induction` for the whole batch: its
   subgame-perfect equilibrium is the perfect Bayesian equilibrium of the screening game
   (the patron moves knowing nothing, so no beliefs are updated before it moves; each type
   best-responds to the offer). Ties are broken towards accepting (accept is the first
   response), matching :math:`T \ge \lambda q V`.

Sources: McGillivray, F. and Smith, A. (2000), "Trust and cooperation through agent-specific
punishments", *International Organization* 54(4); McGillivray, F. and Smith, A. (2008),
*Punishing the Prince*; Abreu (1988) on simple penal codes; the op-ed by
Babitsky, A. (2017), "Trump, Le Pen and Other Fleeting Relationships: Is the Russian
Scare Real?", *The Moscow Times*, 30 March 2017.

Examples
--------
>>> from irgames.models.fleeting_relationships import MODEL as model
>>> out = model(delta=0.9, cost=1.0, benefit=2.0, rho=0.2, punishment=0.0)
>>> round(float(out["min_transfer"]), 4), round(float(out["rho_star"]), 6), bool(out["deal_holds"])
(1.3889, 0.444444, True)
"""

from __future__ import annotations

import numpy as np
from irgames.models._sources import FLEETING
from scipy.stats import beta as beta_distribution

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Constraint, Parameter, ParameterSpace
from irgames.games.normal_form import NormalFormGame
from irgames.games.signalling import screening_tree
from irgames.plot import OKABE_ITO, axis_label, outside_legend, pyplot, regime_legend, regime_panel
from irgames.solvers.backward_induction import backward_induction
from irgames.solvers.repeated import (
    IncentiveThresholds,
    agent_specific_punishment,
    grim_trigger,
)

__all__ = [
    "CLIENT",
    "MODEL",
    "N_OFFERS",
    "N_TYPES",
    "PATRON",
    "endorsement_game",
    "offer_grid",
    "relational_contract",
    "solve",
    "space",
    "stage_game",
    "type_grid",
]

SEED = FLEETING
MS = "McGillivray and Smith 2000"

#: Player indices of the stage game.
CLIENT, PATRON = 0, 1
#: Patron's stage moves.
PAY, WITHHOLD, PUNISH = 0, 1, 2
#: Client's plans: bit ``a`` says whether she delivers after the patron's move ``a``.
DELIVER_IFF_PAID, NEVER_DELIVER = 1, 0
#: Number of types (win probabilities) and of offers in the endorsement screen.
N_TYPES = 25
N_OFFERS = 61

space = ParameterSpace(
    [
        Parameter(
            "delta",
            0.5,
            0.99,
            default=0.9,
            meaning="discount factor of the client (per period in office)",
            source=MS,
        ),
        Parameter(
            "cost",
            0.1,
            5,
            default=1.0,
            meaning="client's cost c of delivering the favour, per period",
            unit="payoff",
            source="THEORIES.md section 3",
        ),
        Parameter(
            "benefit",
            0.1,
            10,
            default=2.0,
            meaning="value b of the favour to the patron, per period",
            unit="payoff",
            source="THEORIES.md section 3",
        ),
        Parameter(
            "rho",
            0,
            0.95,
            default=0.2,
            meaning="turnover: probability per period that the client loses office",
            source=SEED,
        ),
        Parameter(
            "independence",
            0,
            5,
            default=0.5,
            meaning="extra domestic cost a of complying once the client has won office",
            unit="payoff",
            source=SEED,
        ),
        Parameter(
            "punishment",
            0,
            5,
            default=0.0,
            meaning="patron's capacity v to punish a defector outside the relationship "
            "(per period)",
            unit="payoff",
            source=SEED,
        ),
        Parameter(
            "bond",
            0,
            5,
            default=0.5,
            meaning="per-period loss s of a client who reneges on a publicised friendship",
            unit="payoff",
            source=SEED,
        ),
        Parameter(
            "backlash",
            0.01,
            0.99,
            default=0.3,
            meaning="share lambda of her win probability a candidate loses by a public endorsement",
            source=SEED,
        ),
        Parameter(
            "office_value",
            0.1,
            10,
            default=1.0,
            meaning="value V of office to a candidate",
            unit="payoff",
        ),
        Parameter(
            "prior_mean",
            0.05,
            0.95,
            default=0.3,
            meaning="mean of the Beta prior over candidates' win probability q",
        ),
        Parameter(
            "prior_concentration",
            1,
            50,
            default=4.0,
            scale="log",
            meaning="concentration k of the Beta prior (alpha = m k, beta = (1 - m) k)",
        ),
    ],
    constraints=[
        Constraint(
            "cost < benefit (the favour is worth delivering)",
            lambda p: p["cost"] < p["benefit"],
        )
    ],
)


# ------------------------------------------------------------------ the relational contract
def stage_game(transfer, cost, benefit, punishment) -> NormalFormGame:
    r"""The stage game of the relational contract, in reduced normal form (a batch).

    The patron moves first (pay :math:`\tau`, withhold, or punish: withhold and inflict
    :math:`v`); the client, seeing the move, delivers the favour (cost :math:`c`, worth
    :math:`b` to the patron) or not. The client's plan ``s`` (0..7) delivers after move ``a``
    iff bit ``a`` of ``s`` is set. Payoffs, client first:

    .. math::

        u_C(s, a) = \tau [a = \text{pay}] - c\, d_s(a) - v [a = \text{punish}], \qquad
        u_P(s, a) = b\, d_s(a) - \tau [a = \text{pay}].

    Examples
    --------
    >>> g = stage_game(1.5, 1.0, 2.0, 0.0)
    >>> g.player_payoffs(0)[DELIVER_IFF_PAID].tolist(), g.player_payoffs(1)[1].tolist()
    ([0.5, 0.0, 0.0], [0.5, 0.0, 0.0])
    """
    tau, c, b, v = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (transfer, cost, benefit, punishment))
    )
    plans = np.arange(8)[:, None]
    moves = np.arange(3)[None, :]
    deliver = ((plans >> moves) & 1).astype(float)  # (8, 3)
    paid = (moves == PAY).astype(float)
    punished = (moves == PUNISH).astype(float)
    e = (..., None, None)
    client = tau[e] * paid - c[e] * deliver - v[e] * punished
    patron = b[e] * deliver - tau[e] * paid
    return NormalFormGame(np.stack([client, patron], axis=-3), n_players=2)


def relational_contract(cost, benefit, punishment, transfer) -> IncentiveThresholds:
    r"""Grim trigger with agent-specific punishments at transfer ``transfer`` (a batch).

    On the path: (deliver iff paid, pay). A client who defects is punished forever
    ((never deliver, punish): a stage equilibrium, the patron indifferent); a patron who
    defects loses the relationship ((never deliver, withhold)). The thresholds are in the
    effective discount factor :math:`\hat\delta = \delta (1 - \rho)`: use the result's
    ``sustainable(delta, rho)``, ``critical_termination(delta)`` and
    ``minimum_transfer(delta * (1 - rho))``.

    Examples
    --------
    >>> rc = relational_contract(1.0, 2.0, 0.0, 2.0)   # c = 1, b = 2, v = 0, tau = b
    >>> rc.player_threshold.tolist(), round(float(rc.critical_termination(0.9)), 6)
    ([0.5, 0.0], 0.444444)
    """
    game = stage_game(transfer, cost, benefit, punishment)
    penalties = agent_specific_punishment(
        game, [(NEVER_DELIVER, PUNISH), (NEVER_DELIVER, WITHHOLD)]
    )
    return grim_trigger(game, (DELIVER_IFF_PAID, PAY), penalties)


def _contract(delta, rho, cost, benefit, enforcement):
    """Minimum transfer, whether a deal holds (at the patron's largest transfer b) and rho*."""
    eff = delta * (1.0 - rho)
    unpaid = relational_contract(cost, benefit, enforcement, 0.0)
    tau_min = unpaid.minimum_transfer(eff)[..., CLIENT]
    at_b = relational_contract(cost, benefit, enforcement, benefit)
    holds = at_b.sustainable(delta, rho)
    rho_star = at_b.critical_termination(delta)
    return tau_min, holds, rho_star


# ------------------------------------------------------------------ the endorsement screen
def type_grid(prior_mean, prior_concentration, n_types: int = N_TYPES):
    r"""Types :math:`q_k = (k + 1/2)/K` and their Beta prior mass on the bins ``[k/K, (k+1)/K]``.

    Returns ``(q, prior)`` with shapes ``(K,)`` and ``(*batch, K)``.
    """
    edges = np.linspace(0.0, 1.0, n_types + 1)
    q = 0.5 * (edges[1:] + edges[:-1])
    m = np.asarray(prior_mean, dtype=float)[..., None]
    k = np.asarray(prior_concentration, dtype=float)[..., None]
    cdf = beta_distribution.cdf(edges, m * k, (1 - m) * k)
    mass = np.clip(np.diff(cdf, axis=-1), 0.0, None)
    return q, mass / mass.sum(axis=-1, keepdims=True)


def offer_grid(backlash, office_value, n_offers: int = N_OFFERS):
    r"""Offers :math:`T_j = \lambda V j / (n - 1)`, shape ``(*batch, n)``: from nothing to what
    the surest candidate would need."""
    lv = np.asarray(backlash, dtype=float) * np.asarray(office_value, dtype=float)
    return lv[..., None] * np.linspace(0.0, 1.0, n_offers)


def endorsement_game(backlash, office_value, prior_mean, prior_concentration, winner_value):
    r"""The endorsement screen as a batch of screening trees (patron first, then the type).

    Payoffs have shape ``(*batch, type, offer, response)`` with responses (accept, refuse):
    the candidate gets :math:`T + (1 - \lambda) q V` or :math:`q V`; the patron
    :math:`(1 - \lambda) q W - T` or 0.

    Returns ``(tree, q, prior, offers)``.
    """
    lam, V, W = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (backlash, office_value, winner_value))
    )
    q, prior = type_grid(prior_mean, prior_concentration)
    offers = offer_grid(lam, V)
    e = (..., None, None)
    qq = q[:, None]  # (K, 1)
    T = offers[..., None, :]  # (*b, 1, C)
    accept_c = T + (1 - lam[e]) * qq * V[e]
    refuse_c = np.broadcast_to(qq * V[e], accept_c.shape)
    accept_p = (1 - lam[e]) * qq * W[e] - T
    refuse_p = np.zeros_like(accept_p)
    agent = np.stack([accept_c, refuse_c], axis=-1)
    principal = np.stack([accept_p, refuse_p], axis=-1)
    prior = np.broadcast_to(prior, (*agent.shape[:-3], q.size))
    tree = screening_tree(
        prior,
        principal,
        agent,
        players=("Patron", "Candidate"),
        offers=[f"T{j}" for j in range(offers.shape[-1])],
        responses=["accept", "refuse"],
    )
    return tree, q, prior, offers


# ------------------------------------------------------------------ solve
def solve(
    delta,
    cost,
    benefit,
    rho,
    independence,
    punishment,
    bond,
    backlash,
    office_value,
    prior_mean,
    prior_concentration,
) -> Outcome:
    """Outcomes of the three games at a batch of parameter points (see the module docstring;
    1-D arrays of one length, as :meth:`~irgames.analysis.model.Model.evaluate` hands them)."""
    d, c, b, r, a, v, s = delta, cost, benefit, rho, independence, punishment, bond
    lam, V, m, k = backlash, office_value, prior_mean, prior_concentration
    eff = d * (1 - r)

    # 1. the relational contract (before any election: no independence cost)
    tau, holds, rho_star = _contract(d, r, c, b, v)
    # 2. a winner: compliance costs c + a; private deal (v) or publicised friendship (v + s)
    tau_wp, holds_wp, _ = _contract(d, r, c + a, b, v)
    tau_w, holds_w, _ = _contract(d, r, c + a, b, v + s)
    # the patron's per-period surplus at the minimum transfer, read off the solved stage game
    at_min = relational_contract(c + a, b, v + s, np.minimum(tau_w, b))
    winner_value = np.where(holds_w, at_min.reward[..., PATRON] / (1 - eff), 0.0)

    # 3. the endorsement screen, solved by backward induction for the whole batch
    tree, q, prior, offers = endorsement_game(lam, V, m, k, winner_value)
    spe = backward_induction(tree)
    choice = spe.choice.astype(np.int64)  # (*batch, n_nodes)
    n_offers = offers.shape[-1]
    offer_index = choice[..., 0]
    first_agent = 1 + n_offers
    agent_nodes = first_agent + offer_index[..., None] * q.size + np.arange(q.size)
    accepts = np.take_along_axis(choice, agent_nodes, axis=-1) == 0
    # ties that matter: the patron indifferent between offers, or a type indifferent at the
    # offer made (she accepts: the tie is broken towards accepting, T >= lambda q V)
    ties = spe.tied[..., 0] | np.take_along_axis(spe.tied, agent_nodes, axis=-1).any(-1)
    offer = np.take_along_axis(offers, offer_index[..., None], axis=-1)[..., 0]
    share = (prior * accepts).sum(-1)
    mean_q = (prior * q).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_q_acc = np.where(share > 0, (prior * q * accepts).sum(-1) / share, np.nan)
    top = np.where(accepts.any(-1), np.where(accepts, q, -np.inf).max(-1), np.nan)

    return Outcome(
        {
            "min_transfer": tau,
            "deal_holds": holds,
            "deal_margin": b - tau,
            "rho_star": rho_star,
            "min_transfer_winner_private": tau_wp,
            "deal_holds_winner_private": holds_wp,
            "winner_margin_private": b - tau_wp,
            "min_transfer_winner": tau_w,
            "deal_holds_winner": holds_w,
            "winner_value": winner_value,
            "offer": offer,
            "acceptance_cutoff": offer / (lam * V),
            "highest_accepting_type": top,
            "accepts": accepts,
            "acceptance_rate": share,
            "mean_q_acceptors": mean_q_acc,
            "mean_q_population": mean_q,
            "patron_return": spe.payoffs[..., 0],
            "screen_ties": ties,
        },
        axes={"accepts": ("type",)},
    )


# ------------------------------------------------------------------ claims
Q_TURNOVER = (
    "When it comes to foreign policy, the Russian president has to rely on fleeting "
    "relationships, as Western politicians tend to lose power from time to time (a fact, by "
    "the way, that Putin is known to regret openly and find troubling)."
)
Q_LEGAL = (
    "When you cannot enforce your agreements by legal means, you can either use violence or "
    "only choose your partners from your inner circle."
)
Q_INDEPENDENCE = (
    "If and when a Moscow-supported politician wins elections, he or she has an incentive to "
    "signal his or her independence."
)
Q_SLIM = (
    "If Le Pen went to Moscow, it is probably because she thought her chances of winning were "
    "slim, but even her win would not mean that Putin would get his way."
)
Q_PUBLIC = (
    "When it comes to serious business there is only one sure way to know that agreements are "
    "going to be respected: a publicized friendship."
)
Q_BRIBE = (
    "But the ability to bribe exists only as long as the corrupting party can enforce its "
    "informal agreements with the target."
)
Q_MYTH = (
    "Unless you think that Russia can threaten American politicians with violence, the "
    "“Russian scare” is probably just a myth."
)

#: Relative tolerance for "the patron's return is positive".
RETURN_TOL = 1e-9


def _positive_return(p, o):
    scale = np.maximum(o["winner_value"], p["backlash"] * p["office_value"])
    return o["patron_return"] > RETURN_TOL * np.maximum(scale, 1.0)


claims = [
    Claim.increasing(
        "bribe_rises_with_turnover",
        "min_transfer",
        "rho",
        "The transfer that keeps a client complying rises as her hold on office weakens.",
        quote=Q_TURNOVER,
        source=SEED,
    ),
    Claim.decreasing(
        "deals_hold_only_while_turnover_is_low",
        "deal_margin",
        "rho",
        "The patron's surplus at the minimum transfer falls with turnover; the deal holds "
        "exactly where it is non-negative (see no_bribe_beyond_rho_star), so only while "
        "turnover is low.",
        quote=Q_TURNOVER,
        source=SEED,
    ),
    Claim(
        "no_bribe_beyond_rho_star",
        "A deal holds (grim trigger sustainable at the largest transfer the patron will pay, "
        "b) exactly where the minimum transfer is affordable, i.e. for turnover up to rho*; "
        "beyond rho* no bribe works.",
        holds=lambda p, o: (
            (
                (o["deal_holds"] == (o["deal_margin"] >= 0))
                | (np.abs(o["deal_margin"]) <= 1e-9 * p["benefit"])
            )
            & (~o["deal_holds"] | (p["rho"] <= np.nan_to_num(o["rho_star"], nan=-1.0) + 1e-12))
        ),
        quote=Q_LEGAL,
        source=SEED,
    ),
    Claim.decreasing(
        "winners_renege_when_independence_pays",
        "winner_margin_private",
        "independence",
        "The more a winner gains by showing independence (a), the less of a private deal "
        "survives: the patron's surplus falls with a and the deal breaks once "
        "(c + a)/(delta (1 - rho)) - v exceeds b.",
        quote=Q_INDEPENDENCE,
        source=SEED,
    ),
    Claim(
        "winning_never_makes_a_private_deal_easier",
        "A private deal that holds with a winner also holds before the election.",
        holds=lambda p, o: ~o["deal_holds_winner_private"] | o["deal_holds"],
        quote=Q_INDEPENDENCE,
        source=SEED,
    ),
    Claim(
        "only_weak_candidates_accept_endorsement",
        "Those who accept a public endorsement are the candidates with the lowest chances (a "
        "cutoff in q), so the expected win probability among acceptors is below the "
        "population's, wherever some but not all accept.",
        holds=lambda p, o: (
            (o["mean_q_acceptors"] < o["mean_q_population"])
            & np.all(np.diff(o["accepts"].astype(int), axis=-1) <= 0, axis=-1)
        ),
        given=lambda p, o: (o["acceptance_rate"] > 1e-12) & (o["acceptance_rate"] < 1 - 1e-12),
        quote=Q_SLIM,
        source=SEED,
    ),
    Claim(
        "bribery_needs_enforcement",
        "The patron's expected return from endorsing is positive only where its deal with a "
        "winner is enforceable.",
        holds=lambda p, o: ~_positive_return(p, o) | o["deal_holds_winner"],
        quote=Q_BRIBE,
        source=SEED,
    ),
    Claim.increasing(
        "enforcement_capacity_raises_influence",
        "patron_return",
        "punishment",
        "The patron's expected return rises with its capacity to punish outside the relationship.",
        quote=Q_MYTH,
        source=SEED,
    ),
    Claim.increasing(
        "publicised_friendship_raises_influence",
        "patron_return",
        "bond",
        "The stronger the bond a public friendship creates (what a client loses by reneging on "
        "a public friend), the more the endorsement is worth to the patron.",
        quote=Q_PUBLIC,
        source=SEED,
    ),
    Claim(
        "publicised_friendship_is_the_only_enforcement_for_serious_business",
        "Where a winner would renege on a private deal (serious business: high cost of "
        "compliance), the patron gains influence only through a publicised friendship that "
        "holds.",
        holds=lambda p, o: ~_positive_return(p, o) | (o["deal_holds_winner"] & (p["bond"] > 0)),
        given=lambda p, o: ~o["deal_holds_winner_private"],
        quote=Q_PUBLIC,
        source=SEED,
    ),
]


# ------------------------------------------------------------------ figures
def _transfer_curve():
    rho = np.linspace(0.0, 0.95, 191)
    base = space.defaults()
    out = {"rho": rho, "benefit": np.full_like(rho, base["benefit"])}
    res = MODEL.evaluate({**base, "rho": rho})
    out["min_transfer"] = res["min_transfer"]
    out["min_transfer_winner_private"] = res["min_transfer_winner_private"]
    out["deal_holds"] = res["deal_holds"]
    out["deal_holds_winner_private"] = res["deal_holds_winner_private"]
    out["rho_star"] = np.broadcast_to(res["rho_star"][0], rho.shape)
    return out


def _draw_transfer_curve(d):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9.0, 4.4))
    b = float(d["benefit"][0])
    top = 3 * b
    ax.axhspan(b, top, color="0.88", label="infeasible: transfer above the favour's value $b$")
    ax.plot(
        d["rho"], d["min_transfer"], lw=2, label=r"before the election: $c / (\delta (1 - \rho))$"
    )
    ax.plot(
        d["rho"],
        d["min_transfer_winner_private"],
        lw=2,
        ls="--",
        label=r"winner, private deal: $(c + a) / (\delta (1 - \rho))$",
    )
    ax.axhline(b, color="k", lw=0.8)
    rs = float(d["rho_star"][0])
    ax.axvline(rs, color="C0", ls=":", lw=1)
    ax.annotate(rf"$\rho^*$ = {rs:.3f}", (rs, 0.15 * b), xytext=(4, 0), textcoords="offset points")
    ax.set_ylim(0, top)
    ax.set_xlim(0, float(d["rho"][-1]))
    ax.set_xlabel(axis_label(space["rho"], "turnover: probability per period of losing office"))
    ax.set_ylabel("minimum transfer per period (payoff units)")
    ax.set_title(
        r"The bribe needed rises with turnover ($\delta$ = 0.9, $c$ = 1, $b$ = 2, $a$ = 0.5)"
    )
    outside_legend(ax)
    fig.tight_layout()
    return fig


LAMBDAS = np.linspace(0.05, 0.95, 19)


def _acceptance_map():
    fixed = space.defaults()  # v = 0, s = 0.5, a = 0.5: a winner worth W = 1.49 to the patron
    res = MODEL.evaluate({**fixed, "backlash": LAMBDAS})
    q, prior = type_grid(fixed["prior_mean"], fixed["prior_concentration"])
    return {
        "q": q[None, :],
        "backlash": LAMBDAS[:, None],
        "accepts": res["accepts"].astype(int),
        "cutoff": res["acceptance_cutoff"][:, None],
        "prior": prior[None, :],
        "mean_q_acceptors": res["mean_q_acceptors"][:, None],
        "mean_q_population": res["mean_q_population"][:, None],
    }


def _draw_acceptance_map(d):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9.0, 4.6))
    q = d["q"][0]
    lam = d["backlash"][:, 0]
    colours, hatches = ["#F4F4F4", OKABE_ITO["sky blue"]], ["", "//"]
    regime_panel(ax, q, lam, d["accepts"].astype(int), colours, hatches=hatches)
    line = ax.plot(d["cutoff"][:, 0], lam, "k-", lw=1.5, label=r"cutoff $T^* / (\lambda V)$")
    dots = ax.plot(
        d["mean_q_acceptors"][:, 0],
        lam,
        "o",
        color=OKABE_ITO["vermillion"],
        ms=3,
        label="mean $q$ among acceptors",
    )
    mean = ax.axvline(
        d["mean_q_population"][0, 0],
        color=OKABE_ITO["black"],
        ls="--",
        label="mean $q$ (population)",
    )
    ax.set_xlim(0, 1)
    ax.set_xlabel("candidate's win probability $q$ (private type)")
    ax.set_ylabel(
        axis_label(
            space["backlash"], "backlash: share of $q$ lost by the endorsement", math=r"$\lambda$"
        )
    )
    ax.set_title("Who accepts the patron's optimal offer")
    regime_legend(
        ax,
        ["refuses", "accepts"],
        colours,
        hatches=hatches,
        extra=[*line, *dots, mean],
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0.0,
        frameon=False,
    )
    fig.tight_layout()
    return fig


PUNISHMENTS = np.linspace(0.0, 3.0, 61)
INDEPENDENCE_LEVELS = (0.5, 1.5, 3.0)


def _return_curve():
    base = space.defaults()
    out = {"punishment": PUNISHMENTS}
    for a in INDEPENDENCE_LEVELS:
        for s in (0.0, 1.0):
            res = MODEL.evaluate({**base, "punishment": PUNISHMENTS, "independence": a, "bond": s})
            out[f"return_a{a}_bond{s}"] = res["patron_return"]
            out[f"holds_a{a}_bond{s}"] = res["deal_holds_winner"]
    return out


def _draw_return_curve(d):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9.0, 4.4))
    for i, a in enumerate(INDEPENDENCE_LEVELS):
        ax.plot(
            d["punishment"],
            d[f"return_a{a}_bond0.0"],
            color=f"C{i}",
            lw=2,
            label=f"$a$ = {a}, private deal",
        )
        ax.plot(
            d["punishment"],
            d[f"return_a{a}_bond1.0"],
            color=f"C{i}",
            lw=1.2,
            ls="--",
            label=f"$a$ = {a}, publicised friendship ($s$ = 1)",
        )
    ax.set_xlabel(
        axis_label(
            space["punishment"],
            "patron's capacity to punish outside the relationship, per period,",
            math="$v$",
        )
    )
    ax.set_ylabel("patron's expected return from the endorsement")
    ax.set_title(r"Influence needs enforcement ($\delta$ = 0.9, $\rho$ = 0.2, $c$ = 1, $b$ = 2)")
    outside_legend(ax)
    fig.tight_layout()
    return fig


figures = [
    Figure(
        "fleeting_relationships_transfer",
        "Minimum transfer against turnover",
        _transfer_curve,
        _draw_transfer_curve,
        "The minimum per-period transfer that keeps the client complying, before the election "
        "and for a winner who pays a domestic cost a = 0.5 (no outside punishment), against "
        "turnover; shaded: transfers above the favour's value, which the patron will not pay. "
        "Deals exist up to rho* = 1 - c/(delta b).",
    ),
    Figure(
        "fleeting_relationships_acceptance",
        "Who accepts the endorsement",
        _acceptance_map,
        _draw_acceptance_map,
        "Types (win probability q) who accept the patron's optimal offer, for each backlash "
        "lambda (Beta prior with mean 0.3 and concentration 4; the other parameters at their "
        "defaults, so that an endorsed winner is worth W = 1.49 to the patron): always a lower "
        "set q <= T*/(lambda V), with mean q among acceptors below the population's.",
    ),
    Figure(
        "fleeting_relationships_return",
        "The patron's return against its enforcement capacity",
        _return_curve,
        _draw_return_curve,
        "The patron's expected return from the endorsement screen against its capacity v to "
        "punish outside the relationship, for three domestic costs of compliance a, without "
        "and with a publicised friendship (bond s = 1). The return is zero until the deal with "
        "a winner becomes enforceable.",
    ),
]

MODEL = Model(
    "fleeting_relationships",
    "Fleeting relationships: informal deals under turnover and the endorsement screen",
    space,
    solve,
    claims=claims,
    figures=figures,
    description=__doc__.split("\n\n")[1],
    source=f"McGillivray and Smith 2000; {FLEETING}",
)
