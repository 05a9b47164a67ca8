"""Critical discount factors, linkage, minmax, feasible sets and SPE payoff sets."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from irgames.errors import SolverError
from irgames.games.normal_form import GameValueError, NormalFormGame
from irgames.games.repeated import RepeatedGame
from irgames.solvers.minmax import minmax_values, zero_sum_value
from irgames.solvers.repeated import (
    IncentiveThresholds,
    agent_specific_punishment,
    equilibrium_payoffs,
    feasible_payoffs,
    forgiving_trigger,
    grim_trigger,
    linked,
    minmax_punishment,
    nash_reversion,
)


def pd(T, R, P, S=0.0):
    T, R, P, S = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (T, R, P, S)))
    A = np.stack([np.stack([R, S], -1), np.stack([T, P], -1)], -2)
    return NormalFormGame.bimatrix(A, np.swapaxes(A, -1, -2))


@st.composite
def pd_payoffs(draw):
    S = draw(st.floats(-5, 5))
    gaps = [draw(st.floats(0.05, 5)) for _ in range(3)]
    P = S + gaps[0]
    R = P + gaps[1]
    T = R + gaps[2]
    return T, R, P, S


def discounted_value(path, delta, periods=4000):
    """Normalised value of a payoff path given as a function of the period (truncated sum)."""
    t = np.arange(periods)
    return (1 - delta) * np.sum(delta**t * np.array([path(k) for k in t]))


# ---------------------------------------------------------------- grim trigger
@given(pd_payoffs())
def test_grim_trigger_threshold_is_the_closed_form(payoffs):
    T, R, P, S = payoffs
    game = pd(T, R, P, S)
    result = grim_trigger(game, (0, 0), nash_reversion(game, (1, 1)))
    assert np.allclose(result.player_threshold, (T - R) / (T - P), rtol=1e-12)


@given(pd_payoffs(), st.floats(0.02, 0.98))
def test_grim_trigger_threshold_is_where_one_shot_deviation_stops_paying(payoffs, delta):
    T, R, P, S = payoffs
    game = pd(T, R, P, S)
    threshold = float(grim_trigger(game, (0, 0), nash_reversion(game, (1, 1))).threshold)
    assume(abs(delta - threshold) > 1e-3)
    conform = discounted_value(lambda t: R, delta)
    deviate = discounted_value(lambda t: T if t == 0 else P, delta)
    assert (conform >= deviate) == (delta >= threshold)


def test_worked_numbers_of_issue_linkage():
    trade, security = pd(5, 3, 1), pd(10, 3, 1)
    t = grim_trigger(trade, (0, 0), nash_reversion(trade, (1, 1)))
    s = grim_trigger(security, (0, 0), nash_reversion(security, (1, 1)))
    assert np.isclose(t.threshold, 0.5)
    assert np.isclose(s.threshold, 7 / 9) and round(float(s.threshold), 3) == 0.778
    both = linked(t, s)
    assert np.isclose(both.threshold, 9 / 13)
    # linkage sustains a deal that security alone does not
    assert both.sustainable(0.7) and not s.sustainable(0.7) and t.sustainable(0.7)


def product_game(g1: NormalFormGame, g2: NormalFormGame) -> NormalFormGame:
    """Both stage games played at once: actions are pairs, payoffs add up."""
    a1, a2 = g1.num_actions, g2.num_actions
    u = g1.payoffs[:, :, None, :, None] + g2.payoffs[:, None, :, None, :]
    return NormalFormGame(u.reshape(2, a1[0] * a2[0], a1[1] * a2[1]), n_players=2)


@given(pd_payoffs(), pd_payoffs())
def test_linked_thresholds_equal_grim_trigger_in_the_product_game(p1, p2):
    g1, g2 = pd(*p1), pd(*p2)
    t1 = grim_trigger(g1, (0, 0), nash_reversion(g1, (1, 1)))
    t2 = grim_trigger(g2, (0, 0), nash_reversion(g2, (1, 1)))
    joint = product_game(g1, g2)
    direct = grim_trigger(joint, (0, 0), nash_reversion(joint, (3, 3)))
    pooled = linked(t1, t2)
    assert np.allclose(direct.player_threshold, pooled.player_threshold, rtol=1e-9)
    sums = [p1[i] + p2[i] for i in range(3)]
    assert np.isclose(pooled.threshold, (sums[0] - sums[1]) / (sums[0] - sums[2]))
    assert pooled.threshold <= max(t1.threshold, t2.threshold) + 1e-12
    assert pooled.threshold >= min(t1.threshold, t2.threshold) - 1e-12


def test_grim_trigger_is_batched_over_parameters():
    T = np.linspace(3.5, 10, 7)
    game = pd(T, 3.0, 1.0)
    result = grim_trigger(game, (0, 0), nash_reversion(game, (1, 1)))
    assert result.threshold.shape == (7,)
    assert np.allclose(result.threshold, (T - 3) / (T - 1))


def test_agent_specific_punishment_uses_each_deviators_own_equilibrium():
    # Two pure stage equilibria, (1, 1) and (2, 2); each is worse for a different player.
    A = np.array([[6.0, 0, 0], [8, 2, 0], [8, 0, 4]])
    B = np.array([[6.0, 8, 8], [0, 4, 0], [0, 0, 2]])
    game = NormalFormGame.bimatrix(A, B)
    P = agent_specific_punishment(game, [(1, 1), (2, 2)])
    assert np.allclose(P, [2.0, 2.0])
    common = grim_trigger(game, (0, 0), nash_reversion(game, (1, 1)))
    specific = grim_trigger(game, (0, 0), P)
    assert np.allclose(common.player_threshold, [1 / 3, 1 / 2])
    assert np.allclose(specific.player_threshold, [1 / 3, 1 / 3])
    assert specific.threshold < common.threshold


# ---------------------------------------------------------------- forgiving punishments
@given(pd_payoffs(), st.integers(1, 6), st.floats(0.02, 0.98))
def test_k_period_punishment_threshold_is_the_one_shot_deviation_boundary(payoffs, k, delta):
    T, R, P, S = payoffs
    game = pd(T, R, P, S)
    result = forgiving_trigger(game, (0, 0), nash_reversion(game, (1, 1)), k)
    threshold = float(result.threshold)
    assume(abs(delta - threshold) > 1e-3)
    conform = discounted_value(lambda t: R, delta)
    deviate = discounted_value(lambda t: T if t == 0 else (P if t <= k else R), delta)
    assert (conform >= deviate) == (delta >= threshold)
    grim = float(grim_trigger(game, (0, 0), nash_reversion(game, (1, 1))).threshold)
    assert threshold >= grim - 1e-9


# ---------------------------------------------------------------- relational contract
def client_patron(tau, c, b):
    """Client (player 0) delivers or shirks; the patron pays tau while the deal lasts."""
    client = np.stack([tau - c + 0 * b, tau + 0 * b], axis=-1)[..., None]  # (.., 2, 1)
    patron = np.stack([b - tau + 0 * c, -tau + 0 * c], axis=-1)[..., None]
    return NormalFormGame.bimatrix(client, patron)


def test_relational_contract_worked_numbers():
    delta, c, b = 0.9, 1.0, 2.0
    # Paid b, the client's threshold is c / b and the deal survives turnover up to rho*.
    deal = grim_trigger(client_patron(b, c, b), (0, 0), [0.0, 0.0])
    assert np.isclose(deal.critical_termination(delta), 4 / 9)
    # The smallest transfer that keeps a client who faces rho = 0.2 in line.
    bare = grim_trigger(client_patron(0.0, c, b), (0, 0), [0.0, 0.0])
    tau = bare.minimum_transfer(delta * (1 - 0.2))[0]
    assert round(float(tau), 3) == 1.389


@given(st.floats(0.3, 0.99), st.floats(0.1, 1), st.floats(1, 3), st.floats(0, 0.9))
def test_relational_contract_closed_forms(delta, c, b, rho):
    bare = grim_trigger(client_patron(0.0, c, b), (0, 0), [0.0, 0.0])
    tau = bare.minimum_transfer(delta * (1 - rho))[0]
    assert np.isclose(tau, c / (delta * (1 - rho)), rtol=1e-9)
    # that transfer is exactly enough: the client's threshold equals the effective discount
    paid = grim_trigger(client_patron(tau, c, b), (0, 0), [0.0, 0.0])
    assert np.isclose(paid.player_threshold[0], delta * (1 - rho), rtol=1e-9)
    deal = grim_trigger(client_patron(b, c, b), (0, 0), [0.0, 0.0])
    rho_star = deal.critical_termination(delta)
    expected = 1 - c / (delta * b)
    if expected >= 0:
        assert np.isclose(rho_star, expected, rtol=1e-9, atol=1e-12)
        if abs(rho - expected) > 1e-9:
            assert bool(deal.sustainable(delta, rho)) == (rho < expected)
    else:
        assert np.isnan(rho_star)


# ---------------------------------------------------------------- minmax
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_zero_sum_value_is_guaranteed_by_both_sides(m, n, seed):
    A = np.random.default_rng(seed).normal(size=(5, m, n))
    v, x, y = zero_sum_value(A)
    tol = 1e-9 * (A.max() - A.min() + 1)
    assert np.all(np.einsum("bi,bij->bj", x, A) >= v[:, None] - tol)  # x guarantees v
    assert np.all(np.einsum("bij,bj->bi", A, y) <= v[:, None] + tol)  # y holds to v
    assert np.allclose(x.sum(-1), 1) and np.allclose(y.sum(-1), 1)


def test_zero_sum_value_matches_linear_programming():
    from scipy.optimize import linprog

    rng = np.random.default_rng(7)
    A = rng.normal(size=(20, 3, 4))
    v, _, _ = zero_sum_value(A)
    for b in range(20):
        # min t s.t. A y <= t, sum y = 1, y >= 0
        m, n = A[b].shape
        res = linprog(
            np.r_[np.zeros(n), 1.0],
            A_ub=np.c_[A[b], -np.ones(m)],
            b_ub=np.zeros(m),
            A_eq=np.r_[np.ones(n), 0.0][None],
            b_eq=[1.0],
            bounds=[(0, None)] * n + [(None, None)],
        )
        assert np.isclose(res.fun, v[b], atol=1e-8)


def test_minmax_values():
    assert np.allclose(minmax_values(pd(5, 3, 1)).values, [1, 1])
    mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    assert np.allclose(minmax_values(mp).values, [0, 0], atol=1e-12)
    assert np.allclose(minmax_values(mp, mixed=False).values, [1, 1])
    three = NormalFormGame(np.random.default_rng(0).normal(size=(3, 2, 2, 2)), n_players=3)
    with pytest.raises(SolverError, match="two-player"):
        minmax_values(three)
    pure = minmax_values(three, mixed=False).values
    brute = [
        min(
            max(three.payoffs[(i, *[a if j == i else rest[j] for j in range(3)])] for a in range(2))
            for rest in np.ndindex(2, 2, 2)
        )
        for i in range(3)
    ]
    assert np.allclose(pure, brute)
    assert np.allclose(minmax_punishment(pd(5, 3, 1)), [1, 1])


# ---------------------------------------------------------------- feasible set
def test_feasible_and_individually_rational_set_of_the_prisoners_dilemma():
    game = pd(5, 3, 1)
    F = feasible_payoffs(game)
    assert F.contains([2.0, 2.0]) and F.contains([3.0, 3.0]) and F.contains([1.0, 3.5])
    assert not F.contains([4.0, 4.0])  # not feasible
    assert not F.contains([0.5, 3.0])  # feasible, not individually rational
    full = feasible_payoffs(game, individually_rational=False)
    assert full.contains([0.5, 3.0]) and full.contains([0.0, 5.0])
    corners = F.extreme_points(tol=1e-6)
    # vertices: (1, 1), (13/3, 1), (3, 3), (1, 13/3): the IR lines cut the edges to (5, 0)
    # and (0, 5)
    expected = np.array([[1, 1], [13 / 3, 1], [3, 3], [1, 13 / 3]])
    assert len(corners) == 4
    for v in expected:
        assert np.min(np.abs(corners - v).max(axis=1)) < 0.01


def test_individually_rational_support_matches_linear_programming():
    from scipy.optimize import linprog

    rng = np.random.default_rng(3)
    games = NormalFormGame(rng.normal(size=(8, 2, 3, 3)), n_players=2)
    F = feasible_payoffs(games, directions=32)
    floor = minmax_values(games).values
    points = games.payoffs.reshape(8, 2, 9)
    for b in range(8):
        for k in range(0, 32, 3):
            h = F.directions[k]
            # max h . (U lam) s.t. U lam >= floor, sum lam = 1, lam >= 0
            res = linprog(
                -(h @ points[b]),
                A_ub=-points[b],
                b_ub=-floor[b],
                A_eq=np.ones((1, 9)),
                b_eq=[1.0],
                bounds=[(0, None)] * 9,
            )
            assert res.status == 0
            assert np.isclose(F.levels[b, k], -res.fun, atol=1e-7)


# ---------------------------------------------------------------- SPE payoff set
# QuantEcon's repeated prisoner's dilemma (quantecon.game_theory.repeated_game, the example
# of its documentation and test suite): stage payoffs [[9, 1], [10, 3]] for both players,
# delta = 0.75; the published SPE payoff set is the polygon with these vertices.
QE_PD = np.array([[9.0, 1.0], [10.0, 3.0]])
QE_VERTICES = np.array([[3.0, 3.0], [9.75, 3.0], [9.0, 9.0], [3.0, 9.75]])


def check_against_vertices(result, vertices, scale):
    assert result.converged
    # outer approximation: the published vertices lie inside ours ...
    assert np.all(result.contains(vertices, tol=1e-9))
    # ... and the two sets have the same support function up to the approximation error
    support = (result.directions @ vertices.T).max(axis=1)
    assert np.max(np.abs(result.levels - support)) < 1e-3 * scale
    ours = result.extreme_points(tol=1e-6)
    assert len(ours) == len(vertices)
    for v in vertices:
        assert np.min(np.abs(ours - v).max(axis=1)) < 1e-3 * scale


@pytest.fixture(scope="module")
def pd_payoff_set():
    game = NormalFormGame.bimatrix(QE_PD, QE_PD.T)
    return game, equilibrium_payoffs(RepeatedGame(game, 0.75), directions=256)


def test_equilibrium_payoffs_reproduce_quantecons_published_prisoners_dilemma(pd_payoff_set):
    game, result = pd_payoff_set
    check_against_vertices(result, QE_VERTICES, float(game.payoff_scale))
    assert np.allclose(result.worst_payoffs, [3.0, 3.0], atol=1e-6)


@pytest.mark.slow
def test_equilibrium_payoffs_match_quantecon_run_live(pd_payoff_set):
    gt = pytest.importorskip("quantecon.game_theory")
    game, result = pd_payoff_set
    qe = gt.NormalFormGame((gt.Player(QE_PD), gt.Player(QE_PD)))
    hull = gt.RepeatedGame(qe, 0.75).equilibrium_payoffs(options={"u_init": np.zeros(2)})
    check_against_vertices(result, hull.points[hull.vertices], float(game.payoff_scale))


def test_equilibrium_payoffs_batch_and_collapse_below_the_threshold():
    game = pd(10.0, 9.0, 3.0, 1.0)  # the QuantEcon PD; grim trigger needs delta >= 1/7
    result = equilibrium_payoffs(RepeatedGame(game, [0.75, 0.1]), directions=32)
    assert result.converged.all()
    single = equilibrium_payoffs(RepeatedGame(game, 0.75), directions=32)
    assert np.allclose(result.levels[0], single.levels, atol=1e-9)
    assert result.contains([[9.0, 9.0], [3.0, 3.0]]).tolist() == [True, True]
    assert result.contains([[9.0, 9.0], [9.0, 9.0]]).tolist() == [True, False]
    assert np.allclose(result.extreme_points(1, tol=1e-6), [[3.0, 3.0]], atol=1e-6)


def test_equilibrium_payoffs_flags_non_convergence_and_empty_sets():
    game = pd(10.0, 9.0, 3.0, 1.0)
    result = equilibrium_payoffs(RepeatedGame(game, 0.9), directions=16, max_iter=2)
    assert not result.converged
    # matching pennies has no pure equilibrium: no pure-strategy SPE payoffs at low delta
    mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    empty = equilibrium_payoffs(RepeatedGame(mp, 0.3), directions=16)
    assert empty.empty and empty.converged


# ---------------------------------------------------------------- bad input
def test_bad_input_is_rejected():
    game = pd(5, 3, 1)
    with pytest.raises(SolverError, match="not a Nash equilibrium"):
        nash_reversion(game, (0, 0))
    with pytest.raises(SolverError, match="pure"):
        grim_trigger(game, ([0.5, 0.5], [1.0, 0.0]), [1.0, 1.0])
    with pytest.raises(GameValueError, match="action"):
        grim_trigger(game, (2, 0), [1.0, 1.0])
    with pytest.raises(SolverError, match="periods"):
        forgiving_trigger(game, (0, 0), [1.0, 1.0], 0)
    result = grim_trigger(game, (0, 0), [1.0, 1.0])
    assert isinstance(result, IncentiveThresholds)
    with pytest.raises(GameValueError, match="delta"):
        result.sustainable(1.0)
    with pytest.raises(GameValueError, match="delta"):
        RepeatedGame(game, 1.2)
    three = NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    with pytest.raises(SolverError, match="two-player"):
        equilibrium_payoffs(RepeatedGame(three, 0.9))
    # a punishment no worse than cooperation deters nothing: no threshold below one
    assert np.isinf(grim_trigger(game, (0, 0), [3.0, 3.0]).threshold)


# ---------------------------------------------------------------- invariance and cross-checks
@given(pd_payoffs(), st.floats(0.1, 10), st.floats(-10, 10), st.floats(0.1, 10), st.floats(-5, 5))
def test_thresholds_are_invariant_under_positive_affine_transformations(payoffs, a0, b0, a1, b1):
    game = pd(*payoffs)
    u = game.payoffs.copy()
    u[0] = a0 * u[0] + b0
    u[1] = a1 * u[1] + b1
    moved = NormalFormGame(u, n_players=2)
    before = grim_trigger(game, (0, 0), nash_reversion(game, (1, 1)))
    after = grim_trigger(moved, (0, 0), nash_reversion(moved, (1, 1)))
    assert np.allclose(before.player_threshold, after.player_threshold, rtol=1e-9)
    # relabelling the actions moves the target and the punishment with them
    swapped = NormalFormGame(game.payoffs[:, ::-1, ::-1], n_players=2)
    relabelled = grim_trigger(swapped, (1, 1), nash_reversion(swapped, (0, 0)))
    assert np.allclose(before.player_threshold, relabelled.player_threshold, rtol=1e-12)


def test_spe_payoff_set_contains_mutual_cooperation_iff_grim_trigger_sustains_it():
    rng = np.random.default_rng(0)
    k = 40
    S = rng.uniform(-2, 0, k)
    P = S + rng.uniform(0.5, 2, k)
    R = P + rng.uniform(0.5, 2, k)
    T = R + rng.uniform(0.1, 2, k)
    T = np.minimum(T, 2 * R - S - 0.1)  # 2R > T + S: (R, R) is an extreme feasible payoff
    delta = rng.uniform(0.05, 0.95, k)
    game = pd(T, R, P, S)
    threshold = grim_trigger(game, (0, 0), nash_reversion(game, (1, 1))).threshold
    result = equilibrium_payoffs(RepeatedGame(game, delta), directions=64)
    assert result.converged.all()
    inside = result.contains(np.stack([R, R], axis=-1), tol=1e-7)
    clear = np.abs(delta - threshold) > 0.02
    assert clear.sum() > 30
    assert np.array_equal(inside[clear], (delta >= threshold)[clear])
    # the stage equilibrium (P, P) is always an SPE payoff, and the worst one
    assert np.allclose(result.worst_payoffs, np.stack([P, P], -1), atol=1e-6)


def test_punishment_that_is_no_equilibrium_for_a_small_player_is_refused():
    # the row player's payoffs are 1e-12 of the column player's; at (cooperate, defect) she
    # gains her whole payoff range by defecting, so reverting to it is no stage equilibrium.
    # The old unit (the larger range, the column player's) accepted it.
    pd = NormalFormGame.bimatrix(1e-12 * np.array([[3.0, 0.0], [5.0, 1.0]]), [[3, 5], [0, 1]])
    with pytest.raises(SolverError, match="not a Nash equilibrium"):
        nash_reversion(pd, (0, 1))
    np.testing.assert_allclose(nash_reversion(pd, (1, 1)), [1e-12, 1.0])
