r"""Repeated coercion of an ally: concessions erode as conflict expectations rise.

The theory (Drezner 2018). Coercion pays against allies because allies do not expect conflict
with each other; but "coercing allies only works if those expectations of future conflict
remain low". Each round of pressure teaches the target to expect more conflict ("they are
going to be expecting a lot more conflict down the road. This reduces their incentive to
acquiesce in the present"), and pressure "in the loudest, most visible way possible" teaches
it faster while adding audience costs to both sides. A target that stops seeing the sender as
an ally may realign with a rival, as Cuba did.

The game. A Markov game whose state is the target's weight on absolute gains
:math:`B_t \in \{0, h, 2h, \dots, 1\}` (:math:`h = 1/20`; a grid, so that the state space
is finite), plus an absorbing state "realigned". Each round the sender :math:`S` chooses no
coercion, quiet coercion or loud coercion; the round is then played as Drezner's one-shot
coercion game (:mod:`models.sanctions_paradox`) at the current :math:`B_t`, without audience
costs when quiet and with :math:`(a_S, a_T)` when loud, and its subgame-perfect equilibrium
(batched backward induction, the demand by bisection) gives the round's payoffs and whether
a threat is made, conceded, or answered by realignment. The state moves:

.. math::

    B_t' = \begin{cases}
    \max(B_t - k_q h, 0) & \text{quiet coercion with a threat made,} \\
    \max(B_t - k_l h, 0) & \text{loud coercion with a threat made } (k_l \ge k_q), \\
    \min(B_t + r h, 1) & \text{no threat,} \\
    \text{realigned (absorbing, payoffs 0)} & \text{the target realigns.}
    \end{cases}

The target is myopic within the round (its conflict expectation, not a forward-looking
calculation, carries the future), and :math:`S` maximises its discounted normalised payoff
:math:`(1 - \delta) \sum_k \delta^k U_S(k)`. With one long-run player a Markov perfect
equilibrium is an optimal Markov policy; it is computed by the generic stochastic-game tools
(:func:`irgames.solvers.stochastic.policy_iteration`, exact in finitely many steps) and
verified by :func:`~irgames.solvers.stochastic.markov_regret`, which recomputes every
one-shot deviation gain from the payoffs and transitions alone. Paths over
:data:`HORIZON` rounds, from a starting :math:`B_t^0` (a lottery between the two nearest
grid points when it is off the grid), are computed for the equilibrium policy and for
repeated quiet and repeated loud coercion.

Sources: Drezner, D. W. (1999), *The Sanctions Paradox*, ch. 2-3 (conflict expectations
that respond to coercion); Maskin, E. and Tirole, J. (2001), "Markov perfect equilibrium",
*JET* 100; Howard (1960) for policy iteration;
Drezner, D. W. (2018), his column on coercing allies and tactical issue linkage, *The
Washington Post* (Spoiler Alerts), mid-2018 (undated; dated by the tariffs it discusses).

Examples
--------
>>> from irgames.models.repeated_coercion import MODEL
>>> out = MODEL()
>>> int(out["stop_round_loud"]) <= int(out["stop_round_quiet"])
True
"""

from __future__ import annotations

import numpy as np
from irgames.models import sanctions_paradox
from irgames.models._sources import COERCING_ALLIES
from numpy.typing import ArrayLike

from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Constraint, Parameter, ParameterSpace
from irgames.games.repeated import StochasticGame
from irgames.plot import fixed_values, pyplot
from irgames.solvers.stochastic import (
    grid_transitions,
    markov_regret,
    policy_iteration,
    policy_values,
)

__all__ = ["ACTIONS", "GRID", "HORIZON", "MODEL", "coercion_markov_game", "solve", "stage_outcomes"]

SEED = COERCING_ALLIES

#: The grid of the target's weight on absolute gains.
GRID = np.linspace(0.0, 1.0, 21)
#: Rounds on the reported paths.
HORIZON = 20
#: The sender's choices each round.
ACTIONS = ("none", "quiet", "loud")

space = ParameterSpace(
    [
        Parameter(
            "c_s", 0, 10, default=1.0, closed=(False, True), meaning="sender's cost of sanctions"
        ),
        Parameter(
            "c_t", 0, 10, default=3.0, closed=(False, True), meaning="target's cost of sanctions"
        ),
        Parameter(
            "B_s",
            0,
            1,
            default=0.2,
            meaning="sender's weight on absolute gains (held fixed)",
            source="Drezner 1998",
        ),
        Parameter(
            "B_t0",
            0,
            1,
            default=0.9,
            meaning="target's initial weight on absolute gains (an ally: high)",
            source="Drezner 1998",
        ),
        Parameter(
            "a_S",
            0,
            5,
            default=1.0,
            meaning="sender's audience cost of backing down, when loud",
            source=f"Fearon 1994; {COERCING_ALLIES}",
        ),
        Parameter(
            "a_T",
            0,
            5,
            default=1.0,
            meaning="target's audience cost of conceding, when loud",
            source=COERCING_ALLIES,
        ),
        Parameter(
            "w_T",
            -20,
            0,
            default=-20.0,
            meaning="target's raw payoff from realigning with a rival",
            source=f"{COERCING_ALLIES} (Cuba)",
        ),
        Parameter(
            "erosion_quiet",
            0,
            5,
            default=1,
            integer=True,
            meaning="fall of B_t after a quiet threat, in grid steps of 0.05",
            source=f"{COERCING_ALLIES} (conflict expectations rise)",
        ),
        Parameter(
            "erosion_loud",
            0,
            10,
            default=3,
            integer=True,
            meaning="fall of B_t after a loud threat, in grid steps of 0.05",
            source=f"{COERCING_ALLIES} (loud pressure)",
        ),
        Parameter(
            "recovery",
            0,
            5,
            default=0,
            integer=True,
            meaning="rise of B_t after a round without threats, in grid steps of 0.05",
        ),
        Parameter(
            "delta",
            0,
            1,
            default=0.9,
            closed=(False, False),
            meaning="sender's discount factor",
        ),
    ],
    constraints=[
        Constraint(
            "erosion_loud >= erosion_quiet", lambda p: p["erosion_loud"] >= p["erosion_quiet"]
        )
    ],
)


def stage_outcomes(
    c_s: ArrayLike, c_t: ArrayLike, B_s: ArrayLike, a_S: ArrayLike, a_T: ArrayLike, w_T: ArrayLike
) -> dict[str, np.ndarray]:
    r"""The one-shot coercion game at every grid state, quiet and loud (batched).

    Returns a dict of arrays of shape ``(*batch, S, 2)`` (last axis: quiet, loud) from the
    sanctions-paradox model (:mod:`irgames.models.sanctions_paradox`): ``utility_S``,
    ``utility_T``, ``threatens``, ``concession``, ``realigns``, ``acquiesces``.
    """
    c_s, c_t, B_s, a_S, a_T, w_T = (
        np.asarray(x, dtype=float)[..., None, None] for x in (c_s, c_t, B_s, a_S, a_T, w_T)
    )
    loud = np.array([0.0, 1.0])
    out = sanctions_paradox.MODEL.evaluate(
        {
            "c_s": c_s,
            "c_t": c_t,
            "B_s": B_s,
            "B_t": GRID[:, None],
            "a_S": a_S * loud,
            "a_T": a_T * loud,
            "w_T": w_T,
            "D_max": 25.0,
        }
    )
    keys = ("utility_S", "utility_T", "threatens", "concession", "realigns", "acquiesces")
    return {k: np.asarray(out[k]) for k in keys}


def _markov_game(stage, erosion_quiet, erosion_loud, recovery):
    """Rewards (*b, S+1, 3) and transitions (*b, S+1, 3, S+1); the last state is absorbing."""
    n = GRID.size
    batch = stage["utility_S"].shape[:-2]
    u = np.zeros((*batch, n + 1, 3))
    u[..., :n, 1:] = stage["utility_S"]
    steps = np.stack(
        [np.broadcast_to(np.asarray(e, dtype=float), batch) for e in (erosion_quiet, erosion_loud)],
        axis=-1,
    )  # (*b, 2)
    index = np.arange(n)
    # next grid index: up after a round without threats, down after a threat
    up = np.minimum(index + np.asarray(recovery, dtype=np.int64)[..., None], n - 1)  # (*b, S)
    down = np.maximum(index[:, None] - steps.astype(np.int64)[..., None, :], 0)  # (*b, S, 2)
    threat = stage["threatens"].astype(bool)  # (*b, S, 2)
    # a coercive round without a threat is a round without coercion
    after = np.where(threat, down, up[..., None])
    next_index = np.concatenate([up[..., None], after], axis=-1)  # (*b, S, 3)
    grid_q = np.eye(n)[next_index]  # (*b, S, 3, S)
    q = np.zeros((*batch, n + 1, 3, n + 1))
    realign = np.zeros((*batch, n, 3))
    realign[..., 1:] = stage["realigns"]
    q[..., :n, :, :n] = grid_q * (1 - realign[..., None])
    q[..., :n, :, n] = realign
    q[..., n, :, n] = 1.0
    return u, q


def coercion_markov_game(
    c_s: ArrayLike,
    c_t: ArrayLike,
    B_s: ArrayLike,
    a_S: ArrayLike,
    a_T: ArrayLike,
    w_T: ArrayLike,
    erosion_quiet: ArrayLike,
    erosion_loud: ArrayLike,
    recovery: ArrayLike,
    delta: ArrayLike,
) -> StochasticGame:
    r"""The sender's Markov decision problem as a one-player stochastic game (batched).

    States: the grid :data:`GRID` of :math:`B_t`, then "realigned"; actions :data:`ACTIONS`.

    >>> game = coercion_markov_game(1.0, 3.0, 0.2, 1.0, 1.0, -20.0, 1, 3, 0, 0.9)
    >>> game.num_states, game.num_actions
    (22, (3,))
    """
    params = (c_s, c_t, B_s, a_S, a_T, w_T, erosion_quiet, erosion_loud, recovery, delta)
    shape = np.broadcast_shapes(*(np.shape(x) for x in params))
    b = lambda x: np.broadcast_to(np.asarray(x, dtype=float), shape)  # noqa: E731
    stage = stage_outcomes(b(c_s), b(c_t), b(B_s), b(a_S), b(a_T), b(w_T))
    u, q = _markov_game(stage, b(erosion_quiet), b(erosion_loud), b(recovery))
    return StochasticGame(u[..., :, None, :], q, b(delta), n_players=1)


def _initial(B_t0):
    """Distribution over the states (grid + absorbing) for a starting B_t, shape (*b, S+1)."""
    p = grid_transitions(GRID, B_t0)
    return np.concatenate([p, np.zeros((*p.shape[:-1], 1))], axis=-1)


def _path(start, policy, q, per_state):
    """Expected per-round values along the chain of a policy; ``per_state`` (*b, S+1, 3)."""
    q_pi = np.take_along_axis(q, policy[..., None, None], axis=-2)[..., 0, :]  # (*b, S+1, S+1)
    v_pi = {
        k: np.take_along_axis(v, policy[..., None], axis=-1)[..., 0] for k, v in per_state.items()
    }
    dist = start
    rows = {k: [] for k in per_state}
    for _ in range(HORIZON):  # the rounds of the path
        for k, v in v_pi.items():
            rows[k].append((dist * v).sum(-1))
        dist = np.einsum("...s,...st->...t", dist, q_pi)
    return {k: np.stack(v, axis=-1) for k, v in rows.items()}


def _first_round(prob_event):
    """First round at which an event has probability at least 1/2 (HORIZON if none)."""
    hit = prob_event >= 0.5
    return np.where(hit.any(-1), hit.argmax(-1), HORIZON)


def solve(
    c_s: ArrayLike,
    c_t: ArrayLike,
    B_s: ArrayLike,
    B_t0: ArrayLike,
    a_S: ArrayLike,
    a_T: ArrayLike,
    w_T: ArrayLike,
    erosion_quiet: ArrayLike,
    erosion_loud: ArrayLike,
    recovery: ArrayLike,
    delta: ArrayLike,
) -> Outcome:
    """The Markov perfect equilibrium and the concession paths at a batch of points (1-D arrays
    of one length, as :meth:`~irgames.analysis.model.Model.evaluate` hands them)."""
    shape = np.shape(c_s)
    stage = stage_outcomes(c_s, c_t, B_s, a_S, a_T, w_T)
    u, q = _markov_game(stage, erosion_quiet, erosion_loud, recovery)
    d = delta
    mdp = policy_iteration(u, q, d)
    policy = mdp.policy
    game = StochasticGame(u[..., :, None, :], q, d, n_players=1)
    strategy = np.eye(3)[policy]
    regret = markov_regret(game, [strategy])[0].max(axis=(-2, -1))
    n = GRID.size

    def per_action(key, none=0.0):
        arr = np.zeros((*shape, n + 1, 3))
        arr[..., :n, 0] = none
        arr[..., :n, 1:] = stage[key].astype(float)
        return arr

    per_state = {
        "concession": per_action("concession"),
        "acquiesces": per_action("acquiesces"),
        "threatens": per_action("threatens"),
        "realigns": per_action("realigns"),
        "utility_S": u,
    }
    absorbed = np.zeros((*shape, n + 1, 3))
    absorbed[..., n, :] = 1.0
    per_state["realigned"] = absorbed
    b_t = np.zeros((*shape, n + 1, 3))
    b_t[..., :n, :] = GRID[:, None]
    per_state["B_t"] = b_t
    start = _initial(B_t0)
    paths = {}
    for name, pol in (
        ("mpe", policy),
        ("quiet", np.ones_like(policy)),
        ("loud", np.full_like(policy, 2)),
    ):
        paths[name] = _path(start, pol, q, per_state)
    # the values of repeated quiet and loud coercion, by exact policy evaluation
    for name, action in (("quiet", 1), ("loud", 2)):
        forced = np.eye(3)[np.full_like(policy, action)]
        values = policy_values(game, [forced])[..., 0]
        paths[name]["value"] = (start * values).sum(-1)
    first_action = np.take_along_axis(policy, np.argmax(start, -1)[..., None], -1)[..., 0]
    value = (start * mdp.values).sum(-1)
    data = {
        "first_action": first_action,
        "value_S": value,
        "regret": regret,
        "mpe_coercions": paths["mpe"]["threatens"].sum(-1),
        "value_quiet": paths["quiet"].pop("value"),
        "value_loud": paths["loud"].pop("value"),
        "payoff_scale": game.payoff_scale,
    }
    for name, path in paths.items():
        stop = _first_round(1.0 - path["acquiesces"])
        data[f"concession_{name}"] = path["concession"]
        data[f"B_t_{name}"] = path["B_t"]
        data[f"total_concession_{name}"] = path["concession"].sum(-1)
        data[f"stop_round_{name}"] = stop
        data[f"realign_round_{name}"] = _first_round(path["realigned"])
    data["coercion_mpe"] = paths["mpe"]["threatens"]
    loud_used = np.zeros((*shape, n + 1, 3))
    loud_used[..., :n, 2] = stage["threatens"][..., 1]
    data["loud_mpe"] = _path(start, policy, q, {"loud": loud_used})["loud"]
    axes = {
        k: ("round",)
        for k in data
        if k.startswith(("concession_", "B_t_")) or k in ("coercion_mpe", "loud_mpe")
    }
    return Outcome(data, axes=axes)


# ---------------------------------------------------------------------------------- claims
QUOTES = {
    "remain_low": (
        "Coercing allies only works if those expectations of future conflict remain low."
    ),
    "down_the_road": (
        "So they are going to be expecting a lot more conflict down the road. This reduces "
        "their incentive to acquiesce in the present."
    ),
    "loudest": (
        "Furthermore, Trump is trying to coerce in the loudest, most visible way possible."
    ),
    "exception": (
        "If Trump could convince U.S. allies that the current pressure represents an "
        "extraordinary exception to traditionally strong alliances, it is possible that he "
        "might get some concessions."
    ),
    "cuba": (
        "This is why sanctioning Cuba in the 1960s did not work. Despite the severe economic "
        "costs, Castro decided to ally with the U.S.S.R. instead."
    ),
}


def _drezner_region(p, o):
    """The quiet threat is credible, and sanctions beat the outside option at every B_t."""
    return (p["c_s"] <= (1 - p["B_s"]) * p["c_t"]) & (p["w_T"] <= -p["c_t"])


_TOL = 1e-9


claims = [
    Claim(
        "repeated_coercion_erodes_concessions",
        "Where the quiet threat is credible and the target has no outside option better than "
        "sanctions, repeated quiet coercion yields concessions that never grow from one round "
        "to the next.",
        holds=lambda p, o: np.all(np.diff(o["concession_quiet"], axis=-1) <= _TOL, axis=-1),
        given=_drezner_region,
        quote=QUOTES["remain_low"],
        source=SEED,
    ),
    Claim(
        "loud_coercion_erodes_faster",
        "Where the quiet threat is credible and the target has no outside option better than "
        "sanctions, repeated loud coercion yields no more than repeated quiet coercion in every "
        "round, and the target stops conceding no later.",
        holds=lambda p, o: (
            np.all(o["concession_loud"] <= o["concession_quiet"] + _TOL, axis=-1)
            & (o["stop_round_loud"] <= o["stop_round_quiet"])
        ),
        given=_drezner_region,
        quote=QUOTES["loudest"],
        source=SEED,
    ),
    Claim.increasing(
        "allies_yield_more_over_time",
        "total_concession_quiet",
        "B_t0",
        "Where sanctions beat the target's outside option, the more the target starts out as an "
        "ally (the higher its initial B_t), the more repeated quiet coercion extracts in total.",
        given=lambda p, o: p["w_T"] <= -p["c_t"],
        quote=QUOTES["down_the_road"],
        source=SEED,
    ),
    Claim(
        "restraint_pays",
        "The equilibrium sender, who accounts for the erosion of the target's expectations, "
        "does at least as well as one that coerces quietly, or loudly, every round.",
        holds=lambda p, o: (
            (o["value_S"] >= o["value_quiet"] - _TOL * o["payoff_scale"])
            & (o["value_S"] >= o["value_loud"] - _TOL * o["payoff_scale"])
        ),
        quote=QUOTES["exception"],
        source=SEED,
    ),
    Claim(
        "the_equilibrium_is_markov_perfect",
        "No one-shot deviation from the sender's equilibrium policy gains, in any state "
        "(regret recomputed from payoffs and transitions).",
        holds=lambda p, o: o["regret"] <= 1e-9 * o["payoff_scale"],
        quote=QUOTES["remain_low"],
        source="Maskin and Tirole 2001",
    ),
    Claim(
        "loud_coercion_drives_allies_to_realign",
        "A target with an outside option realigns under repeated loud coercion no later than "
        "under repeated quiet coercion (Cuba).",
        holds=lambda p, o: o["realign_round_loud"] <= o["realign_round_quiet"],
        quote=QUOTES["cuba"],
        source=SEED,
    ),
]


# ---------------------------------------------------------------------------------- figures
#: The point of the path figure: the defaults, with recovery after quiet rounds and patience.
FIGURE_POINT = {"recovery": 2, "delta": 0.95}


def _paths():
    res = MODEL.evaluate({**space.defaults(), **FIGURE_POINT})
    rounds = np.arange(HORIZON)
    out = {"round": rounds}
    for name in ("quiet", "loud", "mpe"):
        out[f"concession_{name}"] = res[f"concession_{name}"]
        out[f"B_t_{name}"] = res[f"B_t_{name}"]
    out["coercion_mpe"] = res["coercion_mpe"]
    out["loud_mpe"] = res["loud_mpe"]
    return out


def _draw_paths(d):
    plt = pyplot()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.6))
    styles = {"quiet": "-", "loud": "--", "mpe": "-."}
    labels = {
        "quiet": "repeated quiet coercion",
        "loud": "repeated loud coercion",
        "mpe": "equilibrium (Markov perfect) sender",
    }
    for name, ls in styles.items():
        ax.plot(d["round"], d[f"concession_{name}"], ls, marker="o", ms=3, label=labels[name])
        bx.plot(d["round"], d[f"B_t_{name}"], ls, marker="o", ms=3, label=labels[name])
    ax.set_xlabel("round")
    ax.set_ylabel("concession by the target (payoff units)")
    ax.set_title("Concessions under repeated coercion")
    bx.set_xlabel("round")
    bx.set_ylabel("target's weight on absolute gains $B_t$")
    bx.set_title("The target's conflict expectations")
    bx.set_ylim(-0.02, 1.02)
    d0 = {**space.defaults(), **FIGURE_POINT}
    fig.suptitle(
        f"{fixed_values(d0, ('c_s', 'c_t', 'B_s', 'B_t0'))}, loud: "
        f"{fixed_values(d0, ('a_S', 'a_T'))}; $B_t$ falls 0.05 per quiet threat, "
        f"0.15 per loud one, recovers 0.1 per round without; {fixed_values(d0, ('delta',))}",
        fontsize=9,
    )
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


figures = [
    Figure(
        "repeated_coercion_paths",
        "Concession paths under repeated quiet and loud coercion",
        _paths,
        _draw_paths,
        "The target's concession and its conflict expectations round by round when the sender "
        "coerces quietly every round, loudly every round, or follows its Markov perfect policy "
        "(which pauses to let the ally's expectations recover).",
    ),
]

MODEL = Model(
    "repeated_coercion",
    "Repeated coercion of an ally with endogenous conflict expectations",
    space,
    solve,
    claims=claims,
    figures=figures,
    description=__doc__.split("\n\n")[1],
    source=f"Drezner 1999; {COERCING_ALLIES}",
)
