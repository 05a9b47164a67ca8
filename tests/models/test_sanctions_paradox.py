"""Sanctions paradox: Drezner's closed forms from the generic engine, the claims, the figures."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from irgames.models.sanctions_paradox import MODEL, solve_at_demand

from irgames.analysis.parameters import ParameterError
from irgames.testing import assert_claim, assert_closed_form

model = MODEL
space = model.space
QUIET = {"a_S": 0.0, "a_T": 0.0, "w_T": -20.0, "D_max": 25.0}


@pytest.mark.parametrize(
    ("B", "demand", "utility"),
    [(0.0, 1.0, 2.0), (0.5, 5 / 3, 2.5), (0.7, 0.0, 0.0)],
)
def test_worked_numbers(B, demand, utility):
    # THEORIES.md section 1 with c_s = 1, c_t = 3 and B_s = B_t = B
    out = model(c_s=1.0, c_t=3.0, B_s=B, B_t=B)
    assert float(out["demand"]) == pytest.approx(demand, abs=1e-9)
    assert float(out["utility_S"]) == pytest.approx(utility, abs=1e-9)
    assert bool(out["threatens"]) == (B < 0.6)
    assert bool(out["credible"]) == (B < 0.6)  # 1 <= (1 - B) 3 iff B <= 2/3


def _closed_form(p):
    """Drezner's solution, extended to audience costs and the outside option (numpy)."""
    credible = p["c_s"] - p["a_S"] <= (1 - p["B_s"]) * p["c_t"]
    firm = np.where(credible, -p["c_t"] + (1 - p["B_t"]) * p["c_s"], 0.0)
    best_refusal = np.maximum(firm, p["w_T"])
    d_star = np.clip((-p["a_T"] - best_refusal) / (2 - p["B_t"]), 0.0, p["D_max"])
    return credible, firm, d_star


def _margin(p):
    """Distance of a point from the credibility boundary, relative to the payoff scale."""
    scale = p["c_s"] + p["c_t"] + p["a_S"] + p["a_T"] + np.abs(p["w_T"]) + 2 * p["D_max"]
    return np.abs(p["c_s"] - p["a_S"] - (1 - p["B_s"]) * p["c_t"]) / scale


@given(space.strategy())
def test_credibility_and_largest_acceptable_demand_match_the_closed_form(point):
    p = {k: np.asarray(v, dtype=float) for k, v in point.items()}
    if _margin(p) < 1e-7:
        return  # on the boundary the tie is reported, either side is right
    out = model.evaluate(p)
    credible, _firm, d_star = _closed_form(p)
    assert bool(out["credible"]) == bool(credible)
    scale = max(1.0, float(p["c_t"] + p["c_s"] + abs(p["w_T"]) + p["a_T"]))
    assert float(out["max_acceptable"]) == pytest.approx(float(d_star), abs=1e-8 * scale)


def test_demand_and_sender_utility_match_drezner_at_random_quiet_points():
    # quiet coercion without an outside option: the closed forms of THEORIES.md section 1
    c_s, c_t, B_s, B_t = sp.symbols("c_s c_t B_s B_t")
    d_star = (c_t - (1 - B_t) * c_s) / (2 - B_t)
    quiet = space.restrict(a_S=0.0, a_T=0.0, w_T=-20.0, D_max=25.0)

    def drezner(p):
        credible = p["c_s"] <= (1 - p["B_s"]) * p["c_t"] * (1 - 1e-6)
        positive = p["c_t"] - (1 - p["B_t"]) * p["c_s"] > 1e-6 * p["c_t"]
        return credible & positive

    from irgames.analysis.model import Model

    restricted = Model("quiet", "quiet coercion", quiet, model.solve)
    assert assert_closed_form(restricted, "demand", d_star, given=drezner, n=400, rtol=1e-8) > 50
    assert (
        assert_closed_form(
            restricted, "utility_S", (2 - B_s) * d_star, given=drezner, n=400, rtol=1e-8
        )
        > 50
    )


@given(space.strategy())
def test_the_chosen_demand_maximises_the_senders_value(point):
    # solve the game after every demand on a grid (the demand as a batch axis) and check that
    # no demand gives the sender more than the equilibrium utility
    p = {k: float(v) for k, v in point.items()}
    out = model(**p)
    grid = np.linspace(0.0, p["D_max"], 201)[1:]
    spe = solve_at_demand(
        grid, p["c_s"], p["c_t"], p["B_s"], p["B_t"], p["a_S"], p["a_T"], p["w_T"]
    )
    best_on_grid = max(float(spe.payoffs[:, 0].max()), 0.0)  # 0: the status quo
    scale = max(1.0, p["c_s"] + p["c_t"] + abs(p["w_T"]) + 2 * p["D_max"])
    assert best_on_grid <= float(out["utility_S"]) + 1e-8 * scale
    # and the equilibrium utility is what the sender gets from its demand
    if bool(out["threatens"]):
        at = solve_at_demand(
            float(out["demand"]),
            p["c_s"],
            p["c_t"],
            p["B_s"],
            p["B_t"],
            p["a_S"],
            p["a_T"],
            p["w_T"],
        )
        assert float(at.payoffs[0]) == pytest.approx(float(out["utility_S"]), abs=1e-8 * scale)


@given(space.strategy())
def test_regimes_are_consistent_with_the_path(point):
    out = model.evaluate({k: np.asarray(v, dtype=float) for k, v in point.items()})
    regime = str(out.regime_labels())
    assert bool(out["threatens"]) == (regime != "status quo")
    assert bool(out["imposes"]) == (regime == "deadlock")
    assert bool(out["realigns"]) == (regime == "realignment")
    assert regime != "back down"  # never on the path under complete information
    if regime == "acquiescence":
        assert float(out["concession"]) == pytest.approx(float(out["demand"]))
        assert float(out["demand"]) > 0
    else:
        assert float(out["concession"]) == 0.0
    # a sender never threatens unless its threat is credible
    if bool(out["threatens"]):
        assert bool(out["credible"])


def test_loud_coercion_can_make_an_allys_threat_credible():
    quiet = model(c_s=1.0, c_t=3.0, B_s=0.8, B_t=0.8)
    loud = model(c_s=1.0, c_t=3.0, B_s=0.8, B_t=0.8, a_S=1.0, a_T=0.5)
    assert not bool(quiet["threatens"])
    assert bool(loud["threatens"]) and bool(loud["credible"])
    # the target's audience cost lowers what it concedes: (3 - 0.2 - 0.5)/1.2
    assert float(loud["demand"]) == pytest.approx(2.3 / 1.2, abs=1e-9)


def test_deadlock_and_realignment_occur():
    # loud coercion of an adversary that will not concede in public: sanctions
    deadlock = model(c_s=1.0, c_t=3.0, B_s=0.2, B_t=0.2, a_T=3.0)
    assert str(deadlock.regime_labels()) == "deadlock"
    assert float(deadlock["utility_S"]) == pytest.approx(-1 + 0.8 * 3, abs=1e-9)
    # the same target with a cheap outside option realigns (Cuba)
    cuba = model(c_s=1.0, c_t=3.0, B_s=0.2, B_t=0.2, a_T=3.0, w_T=-1.0)
    assert str(cuba.regime_labels()) == "realignment"
    assert float(cuba["concession"]) == 0.0


@pytest.mark.parametrize("claim", model.claims, ids=lambda c: c.name)
def test_claim_holds_over_its_domain(claim):
    assert_claim(model, claim, n=400, seed=3, segments=25, use_hypothesis=False)


def test_sweeps_on_numpy_and_dask_agree():
    pytest.importorskip("dask")
    from irgames.analysis.sweep import Range, sweep

    a = sweep(model, B_s=Range(n=5), B_t=Range(n=4), backend="numpy", chunk_size=7)
    b = sweep(model, B_s=Range(n=5), B_t=Range(n=4), backend="dask", chunk_size=7)
    for name in ("demand", "utility_S", "threatens"):
        assert np.allclose(a[name], b[name], atol=1e-12)


def test_figures_are_deterministic_and_draw(tmp_path):
    pytest.importorskip("matplotlib")
    from irgames.plot import render_figure

    for figure in model.figures:
        one, two = figure.compute(), figure.compute()
        assert one.keys() == two.keys()
        for k in one:
            assert np.array_equal(np.asarray(one[k]), np.asarray(two[k]))
        png, csv = render_figure(figure, tmp_path)
        assert png.stat().st_size > 0 and csv.read_text().count("\n") > 2


def test_demand_figure_matches_the_closed_form():
    data = model.figure("sanctions_paradox_demand").compute()
    for c in (0.5, 1.0, 2.0):
        expected = (3 - (1 - data["B_t"]) * c) / (2 - data["B_t"])
        assert np.allclose(data[f"demand_c_s_{c}"], expected, atol=1e-8)


def test_bad_parameters_are_rejected():
    with pytest.raises(ParameterError, match="B_s"):
        model(B_s=1.5)
    with pytest.raises(ParameterError, match="c_s"):
        model(c_s=0.0)


def test_secant_and_bisection_locate_the_same_boundary():
    from irgames.models.sanctions_paradox import largest_acceptable_demand

    p = space.sample(500, 17)
    keys = ("c_s", "c_t", "B_s", "B_t", "a_S", "a_T", "w_T", "D_max")
    fast, ok_fast = largest_acceptable_demand(*(p[k] for k in keys))
    slow, ok_slow = largest_acceptable_demand(*(p[k] for k in keys), secant=False)
    assert np.array_equal(ok_fast, ok_slow)
    assert np.allclose(fast, slow, rtol=1e-10, atol=1e-10 * p["D_max"])


def _agent_regret(tree, choice):
    """Largest gain of any single agent (information set) deviating from pure choices."""
    from irgames.games.reduced_form import agent_form
    from irgames.games.regret import regret

    form = agent_form(tree)
    first = tree.infoset_nodes_first
    profile = []
    for h in range(tree.n_infosets):
        width = int(tree.num_children[first[h]])
        profile.append(np.eye(width)[choice[..., first[h]]])
    return regret(form.game, profile).max(axis=-1)


@given(st.integers(0, 2**32 - 1))
def test_the_equilibrium_is_subgame_perfect_by_agent_form_regret(seed):
    # independent of backward induction: in the whole game, and in the subgame that starts
    # at the target's reply, no single information set gains by deviating
    from irgames.models.sanctions_paradox import coercion_game

    from irgames.games.extensive_form import TreeBuilder

    p = space.sample(60, seed)
    out = model.evaluate(p)
    demand = np.where(out["threatens"], out["demand"], out["max_acceptable"] + 1.0)
    keys = ("c_s", "c_t", "B_s", "B_t", "a_S", "a_T", "w_T")
    spe = solve_at_demand(demand, *(p[k] for k in keys))
    tree = coercion_game().bind(D=demand, **{k: p[k] for k in keys})
    scale = np.abs(tree.payoffs).max(axis=(-2, -1)) + 1.0
    assert np.all(_agent_regret(tree, spe.choice) <= 1e-9 * scale)
    # the subgame after the demand, rebuilt from the bound payoffs (terminals in node order:
    # status quo, acquiesce, realign, back down, impose)
    u = tree.payoffs
    T = TreeBuilder(["S", "T"])
    sub = T.build(
        T.decision(
            "T",
            {
                "acquiesce": T.terminal(u[:, 1, 0], u[:, 1, 1]),
                "stand firm": T.decision(
                    "S",
                    {
                        "back down": T.terminal(u[:, 3, 0], u[:, 3, 1]),
                        "impose": T.terminal(u[:, 4, 0], u[:, 4, 1]),
                    },
                ),
                "realign": T.terminal(u[:, 2, 0], u[:, 2, 1]),
            },
        )
    )
    # the subgame's decision nodes in its own node order: target (0), sanction decision (2)
    sub_choice = np.zeros((demand.size, sub.n_nodes), dtype=np.int64)
    sub_choice[:, 0] = spe.choice[:, 2]
    sub_choice[:, 2] = spe.choice[:, 4]
    assert np.all(_agent_regret(sub, sub_choice) <= 1e-9 * scale)


def test_credibility_figure_follows_drezners_boundary():
    from irgames.models.sanctions_paradox import CREDIBILITY_PANELS

    data = model.figure("sanctions_paradox_credibility").compute()
    B_s, c_t = data["B_s"], data["c_t"]
    for k, a_s in enumerate(CREDIBILITY_PANELS):
        # c_s = 1, B_t = 0.5: a threat iff credible and the target accepts some demand
        margin = np.minimum(np.abs(c_t * (1 - B_s) - (1 - a_s)), np.abs(c_t - 0.5))
        expected = (c_t * (1 - B_s) >= 1 - a_s) & (c_t > 0.5)
        clear = margin > 1e-9
        assert np.array_equal(data[f"threatens_{k}"][clear], expected[clear])
