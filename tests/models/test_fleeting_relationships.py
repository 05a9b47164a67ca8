"""Fleeting relationships: closed forms of THEORIES.md section 3 through the generic solvers,
the screen checked by best responses computed here, every claim, sweeps and figures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from irgames.models.fleeting_relationships import (
    CLIENT,
    MODEL,
    PATRON,
    offer_grid,
    relational_contract,
    stage_game,
    type_grid,
)

from irgames.analysis.parameters import ParameterError
from irgames.errors import SolverError
from irgames.games.regret import regret
from irgames.solvers.repeated import agent_specific_punishment
from irgames.testing import assert_claim

model = MODEL
space = model.space


#: Random points of the space, solved as one batch (the solve is batched; its cost per call is
#: mostly building the screening tree, so a batch of points costs about as much as one).
POINTS = st.lists(space.strategy(), min_size=1, max_size=12)


def _evaluate(point):
    return model.evaluate({k: np.asarray(v) for k, v in point.items()})


def _solve_each(points):
    """Solve ``points`` in one call; one dict of outcomes per point."""
    out = model.evaluate({k: np.array([p[k] for p in points]) for k in points[0]})
    return [{k: np.asarray(out[k])[i] for k in out} for i in range(len(points))]


def test_worked_numbers():
    # THEORIES.md: delta = 0.9, c = 1, b = 2 gives rho* = 4/9 and tau_min(0.2) = 1.389
    out = model(delta=0.9, cost=1.0, benefit=2.0, rho=0.2, punishment=0.0)
    assert float(out["rho_star"]) == pytest.approx(4 / 9, abs=1e-12)
    assert float(out["min_transfer"]) == pytest.approx(1 / 0.72, abs=1e-12)
    assert round(float(out["min_transfer"]), 3) == pytest.approx(1.389, abs=1e-12)
    assert bool(out["deal_holds"])
    # just past rho* no bribe the patron would pay works
    out = model(delta=0.9, cost=1.0, benefit=2.0, rho=4 / 9 + 1e-6, punishment=0.0)
    assert not bool(out["deal_holds"])
    # a winner with a = 0.5 needs (c + a)/(delta (1 - rho)) = 1.5/0.72 > b: she reneges
    out = model(delta=0.9, cost=1.0, benefit=2.0, rho=0.2, independence=0.5, punishment=0.0)
    assert float(out["min_transfer_winner_private"]) == pytest.approx(1.5 / 0.72, abs=1e-12)
    assert not bool(out["deal_holds_winner_private"])


@given(POINTS)
def test_relational_contract_closed_forms_at_random_points(points):
    for point, out in zip(points, _solve_each(points), strict=True):
        _check_contract(point, out)


def _check_contract(point, out):
    d, c, b, r = point["delta"], point["cost"], point["benefit"], point["rho"]
    a, v, s = point["independence"], point["punishment"], point["bond"]
    eff = d * (1 - r)
    tol = 1e-9 * max(1.0, b, c + a)
    assert float(out["min_transfer"]) == pytest.approx(max(c / eff - v, 0.0), abs=tol)
    assert float(out["min_transfer_winner_private"]) == pytest.approx(
        max((c + a) / eff - v, 0.0), abs=tol
    )
    assert float(out["min_transfer_winner"]) == pytest.approx(
        max((c + a) / eff - v - s, 0.0), abs=tol
    )
    rho_star = 1 - c / (d * (b + v))
    if rho_star >= 0:
        assert float(out["rho_star"]) == pytest.approx(rho_star, abs=1e-12)
    else:
        assert np.isnan(out["rho_star"])
    # a deal exists iff turnover is at most rho* (away from the boundary)
    if abs(r - rho_star) > 1e-9:
        assert bool(out["deal_holds"]) == (r < rho_star)
    need_w = (c + a) / eff - v - s
    if abs(need_w - b) > tol:
        assert bool(out["deal_holds_winner"]) == (need_w < b)
        expected_w = (b - max(need_w, 0.0)) / (1 - eff) if need_w < b else 0.0
        assert float(out["winner_value"]) == pytest.approx(expected_w, rel=1e-9, abs=tol)


@given(space.strategy())
def test_minimum_transfer_makes_the_client_exactly_indifferent(point):
    # at tau = tau_min > 0 the client's grim-trigger threshold equals delta (1 - rho)
    d, c, b, r, v = (point[k] for k in ("delta", "cost", "benefit", "rho", "punishment"))
    eff = d * (1 - r)
    tau = c / eff - v
    assume(tau > 1e-6 * c)
    rc = relational_contract(c, b, v, tau)
    assert float(rc.player_threshold[CLIENT]) == pytest.approx(eff, rel=1e-9)
    # the client's punishment is a stage equilibrium (checked independently by regret)
    game = stage_game(tau, c, b, v)
    never, punish = np.eye(8)[0], np.eye(3)[2]
    assert float(regret(game, (never, punish)).max()) <= 1e-12 * float(game.payoff_scale)


def test_a_costly_punishment_is_not_credible():
    # the punishment must be a stage equilibrium: a patron who pays to punish would stop
    game = stage_game(1.0, 1.0, 2.0, 1.0)
    payoffs = np.array(game.payoffs, dtype=float)
    payoffs[PATRON, :, 2] -= 0.5  # punishing costs the patron 0.5
    costly = type(game)(payoffs, n_players=2)
    with pytest.raises(SolverError, match="not a Nash equilibrium"):
        agent_specific_punishment(costly, [(0, 2), (0, 1)])


def _screen_by_hand(point, winner_value):
    """Best responses over the grids, computed here: each type accepts iff it gains; the patron
    picks the offer with the largest expected payoff."""
    lam, V = point["backlash"], point["office_value"]
    q, prior = type_grid(point["prior_mean"], point["prior_concentration"])
    offers = offer_grid(lam, V)
    gain = offers[:, None] + (1 - lam) * q[None, :] * V - q[None, :] * V  # (offer, type)
    scale = max(V, winner_value, 1.0)
    accept = gain >= -1e-9 * scale
    value = (prior * accept * ((1 - lam) * q * winner_value - offers[:, None])).sum(-1)
    return q, prior, offers, accept, value


@given(POINTS)
def test_endorsement_screen_is_an_equilibrium_at_random_points(points):
    for point, out in zip(points, _solve_each(points), strict=True):
        _check_screen(point, out)


def _check_screen(point, out):
    W = float(out["winner_value"])
    lam, V = point["backlash"], point["office_value"]
    q, prior, offers, accept, value = _screen_by_hand(point, W)
    scale = max(V, W, 1.0)
    j = int(np.argmin(np.abs(offers - float(out["offer"]))))
    # the patron's offer is a best response: no other offer of the grid pays more
    # (the solver's ties are within 1e-9 of its payoff range, at most a few times ``scale``)
    assert float(out["patron_return"]) == pytest.approx(value.max(), abs=1e-8 * scale)
    assert value[j] >= value.max() - 1e-8 * scale
    # the reported return is what the offer made earns from the types who accept it
    accepts = np.asarray(out["accepts"])
    earned = float((prior * accepts * ((1 - lam) * q * W - offers[j])).sum())
    assert float(out["patron_return"]) == pytest.approx(earned, abs=1e-12 * scale)
    # each type's response is a best response, and acceptance is the cutoff T/(lambda V)
    clear = np.abs(offers[j] - lam * q * V) > 1e-8 * scale
    assert np.array_equal(accepts[clear], accept[j][clear])
    cutoff = float(out["acceptance_cutoff"])
    assert cutoff == pytest.approx(offers[j] / (lam * V), abs=1e-12)
    assert np.array_equal(accepts[clear], (q <= cutoff)[clear])
    # the reported averages are those of the prior
    share = float((prior * accepts).sum())
    assert float(out["acceptance_rate"]) == pytest.approx(share, abs=1e-12)
    assert float(out["mean_q_population"]) == pytest.approx(float((prior * q).sum()), abs=1e-12)


def _rescaled(point):
    """The point with every payoff parameter times one factor k that keeps it in the space."""
    money = ("cost", "benefit", "independence", "punishment", "bond", "office_value")
    positive = [m for m in money if point[m] > 0]
    k_max = min(space[m].high / point[m] for m in positive)
    k_min = max(space[m].low / point[m] for m in positive)
    k = min(k_max, 1.5) if k_max > 1.05 else max(k_min, 0.7)
    return k, {**point, **{m: point[m] * k for m in money}}


@given(POINTS)
def test_rescaling_payoffs_rescales_transfers_and_keeps_decisions(points):
    # a common change of the payoff unit (c, b, a, v, s, V all times k) changes no decision
    pairs = [_rescaled(p) for p in points]
    scaled = [q for _, q in pairs]
    solved = _solve_each(points + scaled)  # one batch: the points and their rescaled twins
    outs, bigs = solved[: len(points)], solved[len(points) :]
    for point, (k, _), out, big in zip(points, pairs, outs, bigs, strict=True):
        _check_rescaled(point, k, out, big)


def _check_rescaled(point, k, out, big):
    for name, margin in (
        ("deal_holds", "deal_margin"),
        ("deal_holds_winner_private", "winner_margin_private"),
    ):
        if abs(float(out[margin])) > 1e-9 * point["benefit"]:
            assert bool(out[name]) == bool(big[name])
    assert float(big["min_transfer"]) == pytest.approx(k * float(out["min_transfer"]), rel=1e-9)
    assert float(big["patron_return"]) == pytest.approx(
        k * float(out["patron_return"]), rel=1e-9, abs=1e-9 * k * point["office_value"]
    )
    if not (bool(out["screen_ties"]) or bool(big["screen_ties"])):
        assert np.array_equal(out["accepts"], big["accepts"])


@pytest.mark.parametrize("claim", model.claims, ids=lambda c: c.name)
def test_claim_holds_over_its_domain(claim):
    assert_claim(model, claim, n=200, seed=5, segments=20, use_hypothesis=False)


def test_without_enforcement_high_stakes_leave_no_influence():
    # the seed's conclusion: no outside threat (v = 0), no public bond (s = 0), a winner who
    # gains by independence (c + a > delta (1 - rho) b): the patron's return is zero
    out = model(independence=1.0, punishment=0.0, bond=0.0)
    assert not bool(out["deal_holds_winner"])
    assert float(out["patron_return"]) == pytest.approx(0.0, abs=1e-12)
    # the same winner with an outside threat or a publicised friendship is worth endorsing
    for extra in ({"punishment": 1.0}, {"bond": 1.0}):
        out = model(independence=1.0, **{"punishment": 0.0, "bond": 0.0, **extra})
        assert bool(out["deal_holds_winner"])
        assert float(out["patron_return"]) > 0


def test_sweeps_on_numpy_and_dask_agree():
    pytest.importorskip("dask")
    from irgames.analysis.sweep import Range, sweep

    a = sweep(model, rho=Range(n=4), backlash=Range(n=3), backend="numpy")
    b = sweep(model, rho=Range(n=4), backlash=Range(n=3), backend="dask", chunk_size=5)
    for name in ("min_transfer", "patron_return", "accepts", "deal_holds"):
        x, y = np.asarray(a.outcome[name]), np.asarray(b.outcome[name])
        assert x.shape == y.shape
        assert np.array_equal(x, y, equal_nan=True)


def test_figures_compute_deterministically(tmp_path):
    pytest.importorskip("matplotlib")
    from irgames.plot import render_figure

    for figure in model.figures:
        first, second = figure.compute(), figure.compute()
        assert first.keys() == second.keys()
        for key in first:
            assert np.array_equal(np.asarray(first[key]), np.asarray(second[key]), equal_nan=True)
        png, csv = render_figure(figure, tmp_path)
        assert png.stat().st_size > 0 and csv.read_text().count("\n") > 2


def test_acceptance_map_is_a_lower_set_of_types():
    data = model.figure("fleeting_relationships_acceptance").compute()
    acc = np.asarray(data["accepts"])
    assert np.all(np.diff(acc, axis=-1) <= 0)  # accepting types are the weakest
    some = (acc.sum(-1) > 0) & (acc.sum(-1) < acc.shape[-1])
    assert some.any()
    assert np.all(data["mean_q_acceptors"][some, 0] < data["mean_q_population"][0, 0])


def test_bad_parameters_are_rejected():
    with pytest.raises(ParameterError, match="rho"):
        model(rho=1.2)
    with pytest.raises(ParameterError, match="cost < benefit"):
        model(cost=3.0, benefit=2.0)
