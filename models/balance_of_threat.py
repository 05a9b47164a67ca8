r"""Balance of threat: middle powers, a hegemon of unknown type, and the delayed rebalancing.

The theory (Walt 1987). States ally against states that are *both* powerful and hostile, not
against power as such: threat combines aggregate power, proximity, offensive capability and
perceived intentions. A benign hegemon attracts allies (it "looked powerful, but protective,
rather than threatening"); a predatory one is balanced against. But balancing is costly and a
collective-action problem, so a predatory hegemon is accommodated for a while, until its demands
reveal its type ("the penny has dropped"), and even then each middle power waits for others to
pay. The hardest balancing, the military sort, comes last (Kluth 2026, quoting Walt).

The game. :math:`N` middle powers face a hegemon :math:`H` that is predatory with probability
:math:`\mu` (*intentions*). If :math:`H` is predatory and not contained, each middle power
suffers the harm

.. math::

    h = S \cdot \text{power} \cdot \frac{1 + \text{proximity}}{2}
        \cdot \frac{1 + \text{offense}}{2},

Walt's other three sources of threat, scaled by the stakes :math:`S`; the *threat index* is
:math:`\mu h`. With :math:`\mu = 0` power does nothing. Each middle power balances (cost
:math:`c`, paid whatever happens) or not; a non-balancer bandwagons (gain :math:`g` now, and the
later loss :math:`\ell` from a predatory hegemon, since "there is no such thing as a lasting
deal with a predatory hegemon") or stays neutral (0), whichever is better. :math:`H` is
contained iff at least :math:`k` of the :math:`N` balance, and containment protects all (a
public good). With :math:`j` others balancing, at belief :math:`\mu`:

.. math::

    u(\text{balance}, j) = -c - \mu h\,[j + 1 < k], \qquad
    u(\text{not}, j) = \max(g - \mu\ell, 0) - \mu h\,[j < k],

an anonymous threshold game (:class:`~irgames.games.anonymous.AnonymousBinaryGame`): the
volunteer's dilemma for :math:`k = 1`, with benefit :math:`b = \mu h` and effective cost
:math:`c + \max(g - \mu\ell, 0)`. It is solved by the generic solvers: all pure equilibria
(:func:`~irgames.solvers.anonymous.pure_equilibria_counts`) and all symmetric mixed equilibria
(:func:`~irgames.solvers.anonymous.symmetric_equilibria`); the model reports the symmetric
equilibrium with the most balancing (the upper root; 0 if there is none), so that ``balances``
is the probability that at least :math:`k` balance.

Learning and delay. Each round a predatory hegemon makes an aggressive demand with probability
:math:`q_P`, a benign one with :math:`q_B < q_P`. Along the path of a hegemon that demands every
round, Bayes' rule gives the posterior odds :math:`\frac{\mu}{1-\mu}(q_P/q_B)^t`; along the path
of one that never demands, :math:`\frac{\mu}{1-\mu}((1-q_P)/(1-q_B))^t`. Balancing *starts*
(the penny drops) in the first round whose stage game at the posterior has an equilibrium in
which :math:`H` is contained (solved round by round). Then the would-be balancers play a war of
attrition (:func:`~irgames.solvers.attrition.threshold_attrition`; Bliss and Nalebuff 1984 for
one volunteer): once the hegemon is known to be predatory, each balancer pays the effective
cost when she joins, all get the protection :math:`h` once :math:`k` have joined, and all
suffer a share (the *harm rate*) of :math:`h` per round meanwhile. The expected delay until
the coalition is complete grows with :math:`N` and with the cost; for :math:`k = 1` it is
:math:`(N-1) c_{\text{eff}} / (N \cdot \text{rate} \cdot h)`.

Global game (Morris and Shin 1998, 2003). With private signals of the hegemon's strength
:math:`\theta` (noise :math:`\sigma`) and an improper uniform prior, balancing read as a club
good (a coalition of mass :math:`A \ge \theta` contains :math:`H`; members gain
:math:`\mu h`, pay :math:`c_{\text{eff}}`) has a unique cutoff equilibrium
(:func:`~irgames.solvers.global_games.regime_change_cutoffs`): :math:`H` is contained iff its
strength is below :math:`\theta^* = 1 - c_{\text{eff}}/(\mu h)`.

Sources: Walt, S. (1987), *The Origins of Alliances*, Cornell University Press; Walt (1985),
"Alliance formation and the balance of world power", *International Security* 9(4); Diekmann
(1985) on the volunteer's dilemma; Bliss and Nalebuff (1984); Morris and Shin (1998, 2003);
Kluth, A. (2026), his column on Walt's balance of threat and the middle powers,
*Bloomberg Opinion*, January 2026 and
"How Should Russia Leverage the Shift from Balance of Power to Balance of Threat",
*Toutiao*, August 2025 (unsigned).

Examples
--------
>>> from irgames.models.balance_of_threat import MODEL as model
>>> out = model(intentions=1.0, power=1.0, proximity=1.0, offense=1.0, stakes=1.0, cost=0.4,
...             bandwagon_gain=0.05, n_states=5, threshold=1)
>>> round(float(out["balance_probability"]), 3)
0.205
>>> float(model(intentions=0.0, power=1.0)["balances"])
0.0
"""

from __future__ import annotations

import numpy as np
from irgames.models._sources import KLUTH, TOUTIAO
from scipy.special import expit
from scipy.stats import binom

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Constraint, Parameter, ParameterSpace, Range
from irgames.games.anonymous import AnonymousBinaryGame
from irgames.plot import OKABE_ITO, axis_label, outside_legend, pyplot
from irgames.solvers.anonymous import pure_equilibria_counts, symmetric_equilibria
from irgames.solvers.attrition import threshold_attrition
from irgames.solvers.global_games import regime_change_cutoffs

__all__ = ["MODEL", "ROUNDS", "harm", "solve", "stage_game"]

#: Rounds of demands followed on the learning paths.
ROUNDS = 200

SEED_003 = KLUTH
SEED_004 = TOUTIAO

space = ParameterSpace(
    [
        Parameter(
            "power",
            0,
            1,
            default=0.9,
            meaning="aggregate power of the hegemon",
            source="Walt 1987, ch. 2",
        ),
        Parameter(
            "proximity",
            0,
            1,
            default=0.7,
            meaning="geographic proximity",
            source="Walt 1987, ch. 2",
        ),
        Parameter(
            "offense", 0, 1, default=0.7, meaning="offensive capability", source="Walt 1987, ch. 2"
        ),
        Parameter(
            "intentions",
            0,
            1,
            default=0.3,
            meaning="prior probability that the hegemon is predatory (aggressive intentions)",
            source=f"Walt 1987; {KLUTH}",
        ),
        Parameter(
            "stakes",
            0.1,
            5,
            default=2.0,
            meaning="harm from an uncontained predatory hegemon at full power, proximity "
            "and offense",
            unit="payoff",
        ),
        Parameter(
            "cost",
            0.01,
            2,
            default=0.3,
            meaning="cost of balancing (higher for military balancing)",
            unit="payoff",
            source=f"{KLUTH}: 'reacting against the US as a threat is costly'",
        ),
        Parameter(
            "bandwagon_gain",
            0.05,
            1,
            default=0.2,
            meaning="immediate gain from bandwagoning",
            unit="payoff",
            source="Walt 1987, ch. 2",
        ),
        Parameter(
            "bandwagon_loss",
            0,
            2,
            default=0.6,
            meaning="later loss from bandwagoning with a predatory hegemon",
            unit="payoff",
            source=f"{KLUTH}: 'no such thing as a lasting deal with a predatory hegemon'",
        ),
        Parameter(
            "n_states",
            2,
            30,
            default=8,
            integer=True,
            meaning="number of middle powers that could balance",
            source=f"{KLUTH}: 'numerous enough to pose a collective-action problem'",
        ),
        Parameter(
            "threshold",
            1,
            30,
            default=1,
            integer=True,
            meaning="balancers needed to contain the hegemon",
        ),
        Parameter(
            "demand_predatory",
            0.1,
            0.99,
            default=0.8,
            meaning="per-round probability of an aggressive demand by a predatory hegemon",
        ),
        Parameter(
            "demand_benign",
            0.01,
            0.9,
            default=0.3,
            meaning="per-round probability of an aggressive demand by a benign hegemon",
        ),
        Parameter(
            "harm_rate",
            0.01,
            1,
            default=0.2,
            meaning="share of the harm suffered per round while nobody balances",
        ),
        Parameter(
            "noise",
            0.001,
            1,
            default=0.1,
            meaning="noise of private signals of the hegemon's strength (global game)",
            source="Morris and Shin 1998",
        ),
    ],
    constraints=[
        Constraint("threshold <= n_states", lambda p: p["threshold"] <= p["n_states"]),
        Constraint(
            "demand_benign + 0.09 <= demand_predatory (demands are informative)",
            lambda p: p["demand_benign"] + 0.09 <= p["demand_predatory"],
        ),
    ],
)


def harm(power, proximity, offense, stakes):
    r"""Harm :math:`h` from an uncontained predatory hegemon (Walt's power, proximity and
    offensive capability; intentions enter as the probability :math:`\mu`)."""
    return stakes * power * (1 + proximity) / 2 * (1 + offense) / 2


def stage_game(belief, h, cost, gain, loss, n_states: int, threshold) -> AnonymousBinaryGame:
    r"""The balancing game at belief :math:`\mu`, as an anonymous game of ``n_states`` players.

    ``belief``, ``h``, ``cost``, ``gain``, ``loss`` and ``threshold`` broadcast together.
    """
    mu = np.asarray(belief, dtype=float)[..., None]
    h, cost, gain, loss, k = (
        np.asarray(v, dtype=float)[..., None] for v in (h, cost, gain, loss, threshold)
    )
    j = np.arange(n_states, dtype=float)
    outside = np.maximum(gain - mu * loss, 0.0)
    act = -cost - mu * h * (j + 1 < k)
    not_ = outside - mu * h * (j < k)
    act, not_ = np.broadcast_arrays(act, not_)
    return AnonymousBinaryGame(act, not_)


def _balancing(belief, h, cost, gain, loss, n_states, threshold, *, mixed=True):
    """Most-balancing symmetric equilibrium (if ``mixed``) and the pure coalition test, solved
    in groups of equal N."""
    shape = np.broadcast_shapes(
        *(np.shape(v) for v in (belief, h, cost, gain, loss, n_states, threshold))
    )
    args = [
        np.broadcast_to(np.asarray(v, dtype=float), shape).reshape(-1)
        for v in (belief, h, cost, gain, loss, n_states, threshold)
    ]
    mu, hh, c, g, ell, n, k = args
    p = np.zeros(mu.size)
    coalition = np.zeros(mu.size, dtype=bool)
    for size in np.unique(n).astype(int):  # the number of players is game structure
        rows = np.flatnonzero(n == size)
        game = stage_game(mu[rows], hh[rows], c[rows], g[rows], ell[rows], size, k[rows])
        if mixed:
            p[rows] = symmetric_equilibria(game).extreme("max", fill=0.0)
        coalition[rows] = pure_equilibria_counts(game).most >= k[rows]
    return p.reshape(shape), coalition.reshape(shape)


#: Rounds probed per point and step when searching for the first containing round.
_PROBES = 8


def _penny_round(path, h, cost, gain, loss, n_states, threshold):
    r"""First round :math:`t` whose stage game at belief ``path[..., t]`` can contain :math:`H`.

    The round is found by multisection over :math:`t`: each step solves, with the generic
    pure-equilibrium solver, the stage games of ``_PROBES`` rounds per point and keeps the
    interval between the last round that cannot contain :math:`H` and the first that can
    (about :math:`\log_8 T` steps instead of :math:`T` stage games per point). This is exact
    because containment is monotone along the predatory path: there the posterior rises with
    :math:`t` (:math:`q_P > q_B`), and a pure equilibrium with at least :math:`k` balancers
    exists iff exactly :math:`k` balance and each is pivotal,
    :math:`\mu h - c \ge \max(g - \mu\ell, 0)`, whose left side rises and right side falls
    with :math:`\mu`. (The tests compare it with the scan of every round.)

    Returns ``(started, penny)``: whether some round can contain :math:`H`, and the first such
    round (NaN where none does); shapes ``path.shape[:-1]``.
    """
    rounds = path.shape[-1]
    shape = path.shape[:-1]
    flat = path.reshape(-1, rounds)
    args = [
        np.broadcast_to(np.asarray(v, dtype=float), shape).reshape(-1)
        for v in (h, cost, gain, loss, n_states, threshold)
    ]
    # The first containing round lies in [low, high]; high == rounds stands for "never". Each
    # step probes PROBES rounds of [low, high) per point in one batched solve, so that the
    # interval shrinks PROBES-fold (a few steps: few solver calls even for one point).
    low = np.zeros(flat.shape[0], dtype=np.int64)
    high = np.full(flat.shape[0], rounds, dtype=np.int64)
    j = np.arange(_PROBES)
    while True:
        active = np.flatnonzero(low < high)
        if active.size == 0:
            break
        lo, width = low[active, None], (high - low)[active, None]
        probe = lo + (j * width) // _PROBES  # (A, PROBES), nondecreasing, in [low, high)
        _, contain = _balancing(
            flat[active[:, None], probe],
            *(a[active, None] for a in args),
            mixed=False,
        )
        hit = contain.any(axis=1)
        first = np.argmax(contain, axis=1)
        rows = np.arange(active.size)
        before = np.where(first > 0, probe[rows, first - 1] + 1, low[active])
        high[active[hit]] = probe[rows, first][hit]
        low[active] = np.where(hit, before, probe[:, -1] + 1)
    started = low < rounds
    penny = np.where(started, low, np.nan)
    return started.reshape(shape), penny.reshape(shape)


def _posterior(prior, ratio, rounds):
    """Posterior after t = 0..rounds signals of likelihood ratio ``ratio`` (shape (..., T+1))."""
    mu = np.asarray(prior, dtype=float)[..., None]
    t = np.arange(rounds + 1, dtype=float)
    with np.errstate(divide="ignore"):
        log_odds = np.log(mu) - np.log1p(-mu) + t * np.log(np.asarray(ratio)[..., None])
    return expit(log_odds)


def solve(
    power,
    proximity,
    offense,
    intentions,
    stakes,
    cost,
    bandwagon_gain,
    bandwagon_loss,
    n_states,
    threshold,
    demand_predatory,
    demand_benign,
    harm_rate,
    noise,
) -> Outcome:
    """Outcomes of the balance-of-threat model at a batch of parameter points (1-D arrays of
    one length, as :meth:`~irgames.analysis.model.Model.evaluate` hands them)."""
    mu, c, g, ell, n, k = intentions, cost, bandwagon_gain, bandwagon_loss, n_states, threshold
    h = harm(power, proximity, offense, stakes)
    outside = np.maximum(g - mu * ell, 0.0)
    threat = mu * h

    # the learning paths, the stage game solved at the posteriors that matter
    pred_path = _posterior(mu, demand_predatory / demand_benign, ROUNDS)
    benign_path = _posterior(mu, (1 - demand_predatory) / (1 - demand_benign), ROUNDS)
    started, penny = _penny_round(pred_path, h, c, g, ell, n, k)

    # the static game at the prior, and at the end of the benign path, in one batch
    both, coalitions = _balancing(np.stack([mu, benign_path[..., -1]]), h, c, g, ell, n, k)
    p, p_late, coalition = both[0], both[1], coalitions[0]
    balances = binom.sf(k - 1, n, p)
    no_balancing = (1 - p) ** n
    bandwagons = np.where(outside > 0, 1 - p, 0.0)
    late_outside = np.maximum(g - benign_path[..., -1] * ell, 0.0)
    bandwagons_if_benign = (late_outside > 0) & (p_late == 0)

    # the war of attrition once the hegemon is known to be predatory
    c_known = c + np.maximum(g - ell, 0.0)
    worthwhile = h > c_known
    flow = harm_rate * h
    worthwhile &= flow > 0
    safe_h = np.where(worthwhile, h, 1.0)
    war = threshold_attrition(
        n, k, value=safe_h, cost=c_known, flow_cost=np.where(worthwhile, flow, 1.0)
    )
    worthwhile &= war.exists
    delay = np.where(worthwhile, war.expected_delay, np.nan)
    first_delay = np.where(worthwhile, war.first_delay, np.nan)
    start = penny + delay

    # the global game: strength threshold below which the hegemon is contained
    contested = threat > c + outside
    safe_b = np.where(contested, threat, 2 * (c + outside) + 1.0)
    gg = regime_change_cutoffs(safe_b, c + outside, noise)
    cutoff = np.where(contested, gg.extreme("min"), 0.0)

    return Outcome(
        {
            "harm": h,
            "threat": threat,
            "balance_probability": p,
            "balances": balances,
            "no_balancing": no_balancing,
            "bandwagons": bandwagons,
            "coalition_equilibrium": coalition,
            "penny_round": penny,
            "balances_eventually": started,
            "bandwagons_if_benign": bandwagons_if_benign,
            "expected_delay": delay,
            "first_balancer_delay": first_delay,
            "start_round": start,
            "cutoff": cutoff,
            "posterior_path": pred_path,
            "benign_path": benign_path,
        },
        regime=np.where(balances > 0, 0, np.where(bandwagons > 0, 1, 2)),
        regime_names=["balancing", "bandwagoning", "neutrality"],
        axes={"posterior_path": ("round",), "benign_path": ("round",)},
    )


# ---------------------------------------------------------------------------------- claims
WALT = (
    "It said that states tend to form alliances to counter countries that are "
    "simultaneously mighty and hostile."
)
GREATEST_THREAT = (
    "governments around the world form alliances not primarily against the most "
    "powerful actor in the international system, but against the actor that "
    "poses the greatest threat to them."
)
COLLECTIVE = (
    "“reacting against the US as a threat is costly,” and the countries that Trump has "
    "offended or economically harassed are numerous enough to pose a “collective-action "
    "problem.”"
)
PENNY = "Now, though, the penny has dropped and the rebalancing has begun."
MILITARY = (
    "The hardest and slowest threat balancing is the military sort, because the US’ "
    "preponderance in hard power is so overwhelming."
)
BENIGN = (
    "To countries from Canada to Denmark and South Korea, the US looked powerful, but "
    "protective, rather than threatening."
)


def _not_unanimity(p, o):
    # With k = N the only symmetric mixed equilibrium sits on the rising side of the pivot
    # probability p^(N-1): more threat makes each state balance *less* (the perverse statics
    # of mixed equilibria in coordination games), so the claim is stated for k < N.
    return p["threshold"] < p["n_states"]


def _intentions_too_weak(p, o):
    # even the largest possible harm (stakes, at full power) is below the cost
    return p["intentions"] * p["stakes"] <= p["cost"]


claims = [
    Claim(
        "power_alone_does_not_trigger_balancing",
        "Without hostile intentions strong enough to outweigh the cost, no level of power, "
        "proximity or offensive capability produces balancing (in the threshold game or the "
        "global game).",
        holds=lambda p, o: (o["balances"] == 0) & (o["cutoff"] == 0),
        given=_intentions_too_weak,
        quote=WALT,
        source=SEED_003,
    ),
    Claim(
        "power_with_hostility_triggers_balancing",
        "Where the threat index (hostile intentions times harm) exceeds the effective cost of "
        "balancing, there is an equilibrium in which enough middle powers balance to contain "
        "the hegemon, and in the volunteer's dilemma each balances with positive probability.",
        holds=lambda p, o: (
            o["coalition_equilibrium"] & ((p["threshold"] > 1) | (o["balances"] > 0))
        ),
        given=lambda p, o: (
            o["threat"]
            > p["cost"] + np.maximum(p["bandwagon_gain"] - p["intentions"] * p["bandwagon_loss"], 0)
        ),
        quote=WALT,
        source=SEED_003,
    ),
    Claim.increasing(
        "balancing_rises_with_intentions",
        "balances",
        "intentions",
        "The probability that the hegemon is contained rises with its perceived aggressiveness "
        "(in the "
        "symmetric equilibrium with the most balancing, unless unanimity is needed).",
        given=_not_unanimity,
        quote=GREATEST_THREAT,
        source=SEED_004,
    ),
    Claim.increasing(
        "balancing_rises_with_proximity",
        "balances",
        "proximity",
        "The probability that the hegemon is contained rises with its proximity (in the "
        "symmetric equilibrium with the most balancing, unless unanimity is needed).",
        given=_not_unanimity,
        quote=GREATEST_THREAT,
        source=SEED_004,
    ),
    Claim.increasing(
        "balancing_rises_with_offense",
        "balances",
        "offense",
        "The probability that the hegemon is contained rises with its offensive capability (in the "
        "symmetric equilibrium with the most balancing, unless unanimity is needed).",
        given=_not_unanimity,
        quote=GREATEST_THREAT,
        source=SEED_004,
    ),
    Claim(
        "benign_hegemon_attracts_bandwagoning",
        "Facing a hegemon that keeps making no aggressive demands, the middle powers end up "
        "bandwagoning, not balancing.",
        holds=lambda p, o: o["bandwagons_if_benign"],
        quote=BENIGN,
        source=SEED_003,
    ),
    Claim(
        "predatory_hegemon_eventually_triggers_balancing",
        "Facing a hegemon that keeps making aggressive demands, balancing eventually starts "
        "(within the horizon), wherever containing a known predator is worth its cost and the "
        "prior is not negligible.",
        holds=lambda p, o: o["balances_eventually"],
        given=lambda p, o: (
            (p["intentions"] >= 0.01)
            & (
                o["harm"]
                >= 1.1 * (p["cost"] + np.maximum(p["bandwagon_gain"] - p["bandwagon_loss"], 0))
            )
        ),
        quote=PENNY,
        source=SEED_003,
    ),
    Claim.increasing(
        "delay_grows_with_potential_balancers",
        "expected_delay",
        "n_states",
        "Once the penny has dropped, the expected delay before enough states balance grows with "
        "the number of states that could balance.",
        given=lambda p, o: np.isfinite(o["expected_delay"]),
        quote=COLLECTIVE,
        source=SEED_003,
    ),
    Claim.increasing(
        "no_balancing_rises_with_potential_balancers",
        "no_balancing",
        "n_states",
        "In the volunteer's dilemma (one balancer suffices), the chance that nobody balances "
        "rises with the number of states that could.",
        given=lambda p, o: (p["threshold"] == 1) & (o["balance_probability"] > 0),
        quote=COLLECTIVE,
        source=SEED_003,
    ),
    Claim.increasing(
        "military_balancing_is_slowest",
        "start_round",
        "cost",
        "Costlier balancing (military rather than economic or diplomatic) starts later: the "
        "penny drops later and the war of attrition lasts longer.",
        given=lambda p, o: np.isfinite(o["start_round"]),
        quote=MILITARY,
        source=SEED_003,
    ),
]


# ---------------------------------------------------------------------------------- figures
def _hostility_and_power():
    g = space.grid(intentions=Range(0, 1, 41), power=Range(0, 1, 41))
    out = MODEL.evaluate(g.params)
    return {
        "intentions": g.coords["intentions"][None, :],
        "power": g.coords["power"][:, None] if g.dims[0] == "power" else g.coords["power"][None],
        "balances": out["balances"] if g.dims[0] == "power" else out["balances"].T,
    }


def _draw_hostility_and_power(d):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.2, 4.2))
    x = np.unique(d["intentions"])
    y = np.unique(d["power"])
    z = np.asarray(d["balances"]).reshape(y.size, x.size)
    im = ax.pcolormesh(x, y, z, shading="nearest", vmin=0, vmax=1, cmap="viridis")
    fig.colorbar(im, ax=ax, label="probability the hegemon is contained")
    ax.set_xlabel(
        axis_label(space["intentions"], "intentions: prior probability of a predatory hegemon")
    )
    ax.set_ylabel(axis_label(space["power"]))
    ax.set_title("Balancing needs hostility, not power alone")
    fig.tight_layout()
    return fig


def _collective_action():
    n = np.arange(2, 31, dtype=float)
    out = MODEL.evaluate({**space.defaults(), "n_states": n, "threshold": 1.0})
    return {
        "n_states": n,
        "no_balancing": out["no_balancing"],
        "balance_probability": out["balance_probability"],
        "expected_delay": out["expected_delay"],
    }


def _draw_collective_action(d):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8.4, 4.2))
    ax.plot(d["n_states"], d["no_balancing"], "o-", label="P(nobody balances)")
    ax.plot(d["n_states"], d["balance_probability"], "s-", label="P(each balances)")
    ax.set_xlabel(axis_label(space["n_states"], math="$N$"))
    ax.set_ylabel("probability")
    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    delay = OKABE_ITO["vermillion"]
    ax2.plot(d["n_states"], d["expected_delay"], "^--", color=delay, label="expected delay (right)")
    ax2.set_ylabel("expected delay (rounds)", color=delay)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    outside_legend(ax, handles=handles, bbox_to_anchor=(1.14, 1.0))
    ax.set_title("Collective action: more states, less and later balancing")
    fig.tight_layout()
    return fig


#: Costs of an economic and of a military response, for the learning figure.
LEARNING_COSTS = {"economic": 0.3, "military": 0.9}


def _learning():
    shown = 30
    base = {**space.defaults(), "intentions": 0.05}
    rounds = np.arange(ROUNDS + 1, dtype=float)[:shown]
    out = MODEL.evaluate(base)
    data = {
        "round": rounds,
        "posterior_predatory_path": out["posterior_path"][:shown],
        "posterior_benign_path": out["benign_path"][:shown],
    }
    for kind, cost in LEARNING_COSTS.items():
        res = MODEL.evaluate({**base, "cost": cost})
        data[f"penny_round_{kind}"] = np.full(shown, float(res["penny_round"]))
        data[f"start_round_{kind}"] = np.full(shown, float(res["start_round"]))
    return data


def _draw_learning(d):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    ax.plot(
        d["round"], d["posterior_predatory_path"], "o-", ms=3, label="hegemon demands every round"
    )
    ax.plot(d["round"], d["posterior_benign_path"], "s-", ms=3, label="hegemon never demands")
    for (kind, cost), colour in zip(
        LEARNING_COSTS.items(), (OKABE_ITO["black"], OKABE_ITO["vermillion"]), strict=True
    ):
        ax.axvline(
            d[f"penny_round_{kind}"][0],
            color=colour,
            ls="--",
            label=f"penny drops ({kind}, cost {cost})",
        )
        ax.axvline(
            d[f"start_round_{kind}"][0],
            color=colour,
            ls=":",
            label=f"balancing coalition complete ({kind}, expected)",
        )
    ax.set_xlabel("round")
    ax.set_ylabel("posterior probability that the hegemon is predatory")
    ax.set_ylim(0, 1)
    outside_legend(ax)
    ax.set_title("Learning the hegemon's type, and the start of rebalancing")
    fig.tight_layout()
    return fig


figures = [
    Figure(
        "balance_of_threat_hostility_power",
        "Balancing against hostility and power",
        _hostility_and_power,
        _draw_hostility_and_power,
        "Probability that the hegemon is contained, over intentions and power (others at "
        "their defaults): with benign intentions no level of power triggers balancing.",
    ),
    Figure(
        "balance_of_threat_collective_action",
        "Collective action and delay against N",
        _collective_action,
        _draw_collective_action,
        "Volunteer's dilemma (one balancer suffices): each balances less, nobody balances "
        "more often, and the war of attrition lasts longer as N grows.",
    ),
    Figure(
        "balance_of_threat_learning",
        "Posterior path and the start of rebalancing",
        _learning,
        _draw_learning,
        "Posterior that the hegemon is predatory (prior 0.05) along the paths of a demanding "
        "and a quiet hegemon; for an economic and a military response, the round at which "
        "balancing becomes an equilibrium and the expected completion of the balancing coalition.",
    ),
]

MODEL = Model(
    "balance_of_threat",
    "Balance of threat: middle powers against a hegemon of unknown type",
    space,
    solve,
    claims=claims,
    figures=figures,
    description=__doc__.split("\n\n")[1],
    source=f"Walt 1987; Morris and Shin 1998; Bliss and Nalebuff 1984; {KLUTH}; {TOUTIAO}",
)
