"""Tests for logit quantal response equilibrium (normal form and agent QRE on trees).

The fixed-point residuals are recomputed here with plain loops; 2x2 games are checked against
a scalar root-finding solution; the agent QRE of perfect-information trees against a
recursive per-game implementation, and its high-precision limit against backward induction.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq

import irgames as ig
from irgames.errors import SolverError
from irgames.games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame, TreeBuilder
from irgames.games.signalling import SignallingGame, pbe_regret
from irgames.solvers.backward_induction import backward_induction
from irgames.solvers.qre import agent_logit_qre, logit_qre, logit_qre_path


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


@st.composite
def normal_form_games(draw, max_batch=4):
    shape = draw(st.sampled_from([(2, 2), (2, 3), (3, 3), (4, 2), (2, 2, 2), (3, 2, 2)]))
    B = draw(st.integers(1, max_batch))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([0.01, 1.0, 100.0]))
    payoffs = scale * rng.normal(size=(B, len(shape), *shape))
    return ig.NormalFormGame(payoffs, n_players=len(shape))


def fixed_point_residual(game, lam, strategies, b):
    """max |sigma_i - logit(lam v_i)| for game ``b``, by explicit sums over profiles."""
    n = game.n_players
    u = game.flatten().payoffs[b]
    sig = [np.asarray(s).reshape(-1, s.shape[-1])[b] for s in strategies]
    worst = 0.0
    for i in range(n):
        v = np.zeros(game.num_actions[i])
        for profile in itertools.product(*[range(a) for a in game.num_actions]):
            weight = np.prod([sig[j][profile[j]] for j in range(n) if j != i])
            v[profile[i]] += weight * u[(i, *profile)]
        worst = max(worst, float(np.abs(softmax(lam * v) - sig[i]).max()))
    return worst


# ---------------------------------------------------------------------- normal form
@given(normal_form_games())
def test_centroid_at_zero_precision(game):
    q = logit_qre(game, 0.0)
    for i, a in enumerate(game.num_actions):
        assert np.allclose(q.strategies[i], 1.0 / a)
    assert q.converged.all()


@given(normal_form_games(), st.floats(0.0, 20.0))
def test_qre_is_a_fixed_point_of_the_logit_response(game, dimensionless):
    lam = dimensionless / game.flatten().payoff_scale.max()
    q = logit_qre(game, lam)
    assert q.converged.all()
    for b in range(game.batch_size):
        assert fixed_point_residual(game, lam, q.strategies, b) < 1e-9
    assert np.all(q.residual < 1e-9)


@given(normal_form_games(max_batch=2))
def test_path_approaches_nash_equilibrium(game):
    # At a logit QRE, sigma_i maximises sigma . v_i + H(sigma) / lambda, so each player's
    # regret is at most log(a_i) / lambda: the path's regret must vanish like 1 / lambda.
    scale = game.flatten().payoff_scale.reshape(game.batch_shape)
    lambdas = np.array([1.0, 100.0, 1e4]) / scale.max()
    path = logit_qre_path(game, lambdas)
    assert path.converged.all()
    players_regret = np.stack(
        [ig.regret(game, tuple(s[k] for s in path.strategies)) for k in range(len(lambdas))]
    )  # (L, *batch, n)
    shape = (-1,) + (1,) * len(game.batch_shape) + (1,)
    bound = np.log(np.array(game.num_actions)) / lambdas.reshape(shape)
    assert np.all(players_regret <= bound * (1 + 1e-6) + 1e-12 * scale[..., None])
    assert np.all(path.regret[-1] <= 1e-3 * scale)
    assert np.all(path.residual < 1e-8)


def scalar_qre_2x2(A, B, lam):
    """All logit QRE of a 2x2 game by root-finding in p = P(row plays 0)."""

    def q_of(p):  # column's logit response to p
        d = (p * B[0, 0] + (1 - p) * B[1, 0]) - (p * B[0, 1] + (1 - p) * B[1, 1])
        return 1.0 / (1.0 + np.exp(-lam * d))

    def f(p):
        q = q_of(p)
        d = (q * A[0, 0] + (1 - q) * A[0, 1]) - (q * A[1, 0] + (1 - q) * A[1, 1])
        return p - 1.0 / (1.0 + np.exp(-lam * d))

    grid = np.linspace(0.0, 1.0, 20001)
    values = f(grid)
    roots = []
    for lo, hi, flo, fhi in zip(grid[:-1], grid[1:], values[:-1], values[1:], strict=True):
        if flo == 0:
            roots.append(lo)
        elif flo * fhi < 0:
            roots.append(brentq(f, lo, hi, xtol=1e-14))
    if values[-1] == 0:
        roots.append(1.0)
    return [(p, q_of(p)) for p in roots]


@given(st.integers(0, 2**32 - 1), st.floats(0.1, 30.0))
def test_2x2_against_scalar_root_finding(seed, lam):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(2, 2, 2))
    q = logit_qre(ig.NormalFormGame.bimatrix(A, B), lam)
    roots = scalar_qre_2x2(A, B, lam)
    assert roots
    gaps = [abs(q.strategies[0][0] - p) + abs(q.strategies[1][0] - c) for p, c in roots]
    assert min(gaps) < 1e-8  # the computed point is a QRE
    if len(roots) == 1:
        assert gaps[0] < 1e-8


def test_asymmetric_matching_pennies_closed_form_limit():
    # Row gets 2 on (T, L) and 1 on (B, R), 0 otherwise; column wants to mismatch. The Nash
    # equilibrium is row (1/2, 1/2), column (1/3, 2/3); the unique QRE converges to it.
    game = ig.NormalFormGame.bimatrix([[2, 0], [0, 1]], [[0, 1], [1, 0]])
    path = logit_qre_path(game, [0.0, 0.5, 5.0, 50.0, 5e4])
    assert path.strategies[1][-1] == pytest.approx([1 / 3, 2 / 3], abs=1e-4)
    assert path.strategies[0][-1] == pytest.approx([0.5, 0.5], abs=1e-4)
    assert np.all(np.diff(path.regret) <= 1e-12)


@given(normal_form_games(max_batch=2), st.floats(0.1, 10.0), st.floats(-5.0, 5.0))
def test_affine_payoff_transformation_rescales_precision(game, a, c):
    lam = 3.0 / game.flatten().payoff_scale.max()
    moved = ig.NormalFormGame(a * game.payoffs + c, n_players=game.n_players)
    q1 = logit_qre(game, lam)
    q2 = logit_qre(moved, lam / a)
    for s1, s2 in zip(q1.strategies, q2.strategies, strict=True):
        assert np.allclose(s1, s2, atol=1e-8)


@given(normal_form_games(max_batch=2), st.randoms(use_true_random=False))
def test_relabelling_actions_permutes_the_qre(game, random):
    lam = 5.0 / game.flatten().payoff_scale.max()
    a0 = game.num_actions[0]
    perm = list(range(a0))
    random.shuffle(perm)
    index = (..., slice(None), perm) + (slice(None),) * (game.n_players - 1)
    moved = ig.NormalFormGame(game.payoffs[index], n_players=game.n_players)
    q, r = logit_qre(game, lam), logit_qre(moved, lam)
    assert np.allclose(r.strategies[0], q.strategies[0][..., perm], atol=1e-8)
    for i in range(1, game.n_players):
        assert np.allclose(r.strategies[i], q.strategies[i], atol=1e-8)


def test_path_and_single_precision_agree_and_batch_per_game_lambda():
    rng = np.random.default_rng(5)
    game = ig.NormalFormGame(rng.normal(size=(6, 2, 3, 3)), n_players=2)
    lams = np.array([0.0, 0.3, 1.0, 4.0, 20.0, 100.0])
    per_game = logit_qre(game, lams)  # one precision per game
    path = logit_qre_path(game, lams)
    for b in range(len(lams)):
        for i in range(2):
            assert per_game.strategies[i][b] == pytest.approx(path.strategies[i][b, b], abs=1e-8)
    assert per_game.lam.tolist() == lams.tolist()


def test_bad_arguments():
    game = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    with pytest.raises(ValueError, match="non-negative"):
        logit_qre(game, -1.0)
    with pytest.raises(ValueError, match="non-decreasing"):
        logit_qre_path(game, [2.0, 1.0])
    with pytest.raises(ValueError, match="empty"):
        logit_qre_path(game, [])
    with pytest.raises(SolverError, match="NormalFormGame"):
        logit_qre(SignallingGame.beer_quiche(), 1.0)
    with pytest.raises(ValueError, match="broadcast"):
        logit_qre(ig.NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=2), np.ones(2))


# ---------------------------------------------------------------------- trees
@st.composite
def perfect_information_trees(draw, max_depth=3, max_batch=3):
    n_players = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    parent, mover, depth = [-1], [], [0]
    i = 0
    while i < len(parent):
        d = depth[i]
        kind = "terminal" if (d >= max_depth or (i > 0 and rng.random() < 0.3)) else "inner"
        if kind == "terminal":
            mover.append(TERMINAL)
        else:
            mover.append(CHANCE if rng.random() < 0.2 else int(rng.integers(n_players)))
            for _ in range(int(rng.integers(1, 4))):
                parent.append(i)
                depth.append(d + 1)
        i += 1
    mover = np.array(mover)
    n_terminals = int((mover == TERMINAL).sum())
    n_chance = int((mover == CHANCE).sum())
    counts = np.bincount(np.array(parent[1:]), minlength=len(parent))
    B = draw(st.integers(1, max_batch))
    payoffs = rng.normal(size=(B, n_terminals, n_players))
    width = int(counts[mover == CHANCE].max()) if n_chance else 0
    probs = np.zeros((B, n_chance, width))
    for c, v in enumerate(np.flatnonzero(mover == CHANCE)):
        probs[:, c, : counts[v]] = rng.dirichlet(np.ones(counts[v]), size=B)
    return ExtensiveFormGame(
        [f"P{k}" for k in range(n_players)],
        parent,
        mover,
        payoffs=payoffs,
        chance_probs=probs if n_chance else None,
    )


def recursive_agent_qre(tree, b, lam):
    """Agent QRE of a perfect-information tree by plain recursion, one game."""
    behaviour = {}
    payoffs = tree.flatten().payoffs[b]
    probs = tree.flatten().chance_probs[b] if tree.chance_nodes.size else None

    def solve(v):
        if tree.mover[v] == TERMINAL:
            return payoffs[tree.terminal_index[v]]
        kids = [int(c) for c in tree.children[v] if c >= 0]
        values = [solve(c) for c in kids]
        if tree.mover[v] == CHANCE:
            p = probs[tree.chance_index[v], : len(kids)]
        else:
            p = softmax([lam * val[tree.mover[v]] for val in values])
            behaviour[int(tree.infoset[v])] = p
        return sum(pk * val for pk, val in zip(p, values, strict=True))

    root = solve(0)
    return behaviour, root


@given(perfect_information_trees(), st.floats(0.0, 10.0))
def test_tree_qre_matches_recursive_computation(tree, lam):
    q = agent_logit_qre(tree, lam)
    assert q.method == "backward recursion"
    for b in range(tree.batch_size):
        behaviour, root = recursive_agent_qre(tree, b, lam)
        for h, p in behaviour.items():
            got = q.behaviour.reshape(tree.batch_size, *q.behaviour.shape[-2:])[b, h]
            assert got[: len(p)] == pytest.approx(p, abs=1e-12)
            assert np.all(got[len(p) :] == 0)
        values = q.values.reshape(tree.batch_size, *q.values.shape[-2:])
        assert values[b, 0] == pytest.approx(root, abs=1e-12)
    assert np.all(q.residual < 1e-12)


@given(perfect_information_trees())
def test_tree_qre_uniform_at_zero_precision(tree):
    q = agent_logit_qre(tree, 0.0)
    sizes = tree.num_children[tree.infoset_nodes_first]
    for h, k in enumerate(sizes):
        assert np.allclose(q.behaviour[..., h, :k], 1.0 / k)


@given(perfect_information_trees(max_batch=2))
def test_tree_qre_converges_to_backward_induction(tree):
    spe = backward_induction(tree)
    scale = tree.payoff_scale
    lam = 1e6 / scale.max()
    q = agent_logit_qre(tree, lam)
    choice = spe.choice.reshape(tree.batch_size, -1)
    values = spe.values.reshape(tree.batch_size, *spe.values.shape[-2:])
    behaviour = q.behaviour.reshape(tree.batch_size, *q.behaviour.shape[-2:])
    for b in range(tree.batch_size):
        for v in tree.decision_nodes:
            kids = [int(c) for c in tree.children[v] if c >= 0]
            mine = sorted((values[b, c, tree.mover[v]] for c in kids), reverse=True)
            if len(mine) > 1 and mine[0] - mine[1] < 1e-3 * scale.reshape(-1)[b]:
                continue  # (near) ties: the limit may split
            assert behaviour[b, tree.infoset[v], choice[b, v]] > 1 - 1e-6


def simultaneous_tree(A, B):
    T = TreeBuilder(["Row", "Col"])

    def col(r):
        return T.decision(
            "Col", {"L": T.terminal(A[r][0], B[r][0]), "R": T.terminal(A[r][1], B[r][1])},
            infoset="col",
        )  # fmt: skip

    return T.build(T.decision("Row", {"T": col(0), "B": col(1)}))


@given(st.integers(0, 2**32 - 1), st.floats(0.0, 1.0))
def test_simultaneous_tree_matches_normal_form_qre(seed, dimensionless):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(2, 2, 2))
    game = ig.NormalFormGame.bimatrix(A, B)
    lam = dimensionless / game.payoff_scale
    tree = simultaneous_tree(A.tolist(), B.tolist())
    q = agent_logit_qre(tree, lam)
    assert q.method == "fixed point"
    assert q.converged
    nf = logit_qre(game, lam)
    assert q.behaviour[0] == pytest.approx(nf.strategies[0], abs=1e-9)
    assert q.behaviour[1] == pytest.approx(nf.strategies[1], abs=1e-9)


def test_asymmetric_pennies_tree_at_high_precision():
    A, B = [[2, 0], [0, 1]], [[0, 1], [1, 0]]
    q = agent_logit_qre(simultaneous_tree(A, B), 5.0)
    nf = logit_qre(ig.NormalFormGame.bimatrix(A, B), 5.0)
    assert q.converged
    assert q.behaviour[0] == pytest.approx(nf.strategies[0], abs=1e-9)
    assert q.behaviour[1] == pytest.approx(nf.strategies[1], abs=1e-9)


def test_beer_quiche_agent_qre_selects_the_intuitive_equilibrium():
    game = SignallingGame.beer_quiche()
    tree = game.to_tree()
    q = agent_logit_qre(tree, np.array([1.0, 100.0]))
    assert q.converged.all()
    # Sender information sets are the types (0, 1), the receiver's the messages (2, 3).
    sender = q.behaviour[:, :2, :2]
    receiver = q.behaviour[:, 2:4, :2]
    # Bayesian beliefs from the reach probabilities of the receiver's nodes.
    reach = q.reach[:, 3:7].reshape(2, 2, 2)  # (batch, type, message)
    beliefs = np.swapaxes(reach / reach.sum(axis=1, keepdims=True), 1, 2)
    assert np.all(pbe_regret(game, sender[1], receiver[1], beliefs[1]).max() < 1e-6)
    assert np.allclose(sender[1, :, 0], 1.0, atol=1e-6)  # both types drink beer
    # The fixed point holds at both precisions, recomputed from conditional values here.
    for k, lam in enumerate([1.0, 100.0]):
        for t in range(2):
            v = [receiver[k, m] @ game.sender_payoffs[t, m] for m in range(2)]
            assert sender[k, t] == pytest.approx(softmax(lam * np.array(v)), abs=1e-9)
        for m in range(2):
            w = beliefs[k, m] @ game.receiver_payoffs[:, m, :]
            assert receiver[k, m] == pytest.approx(softmax(lam * w), abs=1e-9)


def test_tree_bad_arguments():
    tree = SignallingGame.beer_quiche().to_tree()
    with pytest.raises(ValueError, match="non-negative"):
        agent_logit_qre(tree, -2.0)
    with pytest.raises(SolverError, match="ExtensiveFormGame"):
        agent_logit_qre(ig.NormalFormGame.zero_sum([[1]]), 1.0)


@pytest.mark.parametrize("seed", range(12))
def test_branch_limit_matches_pygambit_logit_solve(seed):
    gbt = pytest.importorskip("pygambit")
    from irgames.io.convert import to_pygambit

    rng = np.random.default_rng(seed)
    shape = [(2, 2), (2, 3), (3, 3)][seed % 3]
    game = ig.NormalFormGame.bimatrix(rng.normal(size=shape), rng.normal(size=shape))
    eq = gbt.nash.logit_solve(to_pygambit(game)).equilibria[0]
    players = list(eq.game.players)
    theirs = [np.array([float(eq[s]) for s in p.strategies]) for p in players]
    path = logit_qre_path(game, [1e5 / float(game.payoff_scale)])
    assert path.converged.all()
    for i in range(2):
        assert path.strategies[i][-1] == pytest.approx(theirs[i], abs=1e-3)


# Games whose principal branch turns back in lambda twice before reaching the limit (found by
# a search over random integer 3x3 games); natural continuation in lambda would stall here.
FOLDING = [
    [[[4, -4, 1], [5, 2, -1], [-4, 5, 0]], [[-2, 4, -4], [-3, -4, 5], [2, 3, -1]]],
    [[[0, 1, -3], [2, 0, 1], [5, -1, 4]], [[5, -1, -1], [-5, 2, -4], [5, 5, 0]]],
]


@pytest.mark.parametrize("payoffs", FOLDING)
def test_branch_is_followed_through_turning_points(payoffs):
    game = ig.NormalFormGame(payoffs, n_players=2)
    lambdas = np.geomspace(0.01, 1e4, 25)
    path = logit_qre_path(game, lambdas)
    assert int(path.turning_points) >= 1
    assert path.converged.all()
    assert np.all(path.residual < 1e-9)
    for k, lam in enumerate(lambdas):
        sigma = tuple(s[k] for s in path.strategies)
        assert fixed_point_residual(game, lam, sigma, 0) < 1e-9
        assert np.all(ig.regret(game, sigma) <= np.log(3) / lam * (1 + 1e-6))
    gbt = pytest.importorskip("pygambit")
    from irgames.io.convert import to_pygambit

    eq = gbt.nash.logit_solve(to_pygambit(game)).equilibria[0]
    for i, player in enumerate(eq.game.players):
        theirs = [float(eq[s]) for s in player.strategies]
        assert path.strategies[i][-1] == pytest.approx(theirs, abs=1e-3)


@st.composite
def small_signalling_games(draw):
    T, M, R = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    prior = rng.dirichlet(np.ones(T))
    return SignallingGame(prior, rng.normal(size=(T, M, R)), rng.normal(size=(T, M, R)))


@given(small_signalling_games(), st.floats(0.0, 8.0))
def test_agent_qre_of_signalling_trees_is_a_fixed_point(game, dimensionless):
    # Imperfect information (the receiver does not see the type): the fixed point is checked
    # here from the signalling game's own payoffs, with beliefs by Bayes' rule from the
    # sender's behaviour.
    lam = dimensionless / float(game.payoff_scale)
    T, M, R = game.num_types, game.num_messages, game.num_responses
    q = agent_logit_qre(game.to_tree(), lam)
    assert q.converged
    sender = q.behaviour[:T, :M]
    receiver = q.behaviour[T : T + M, :R]
    for t in range(T):
        v = [receiver[m] @ game.sender_payoffs[t, m] for m in range(M)]
        assert sender[t] == pytest.approx(softmax(lam * np.array(v)), abs=1e-8)
    for m in range(M):
        mu = game.prior * sender[:, m]
        mu = mu / mu.sum()
        w = mu @ game.receiver_payoffs[:, m, :]
        assert receiver[m] == pytest.approx(softmax(lam * w), abs=1e-8)


def test_beer_quiche_file_agent_qre_matches_pygambit(gambit_corpus):
    gbt = pytest.importorskip("pygambit")
    from irgames.io.efg import read_efg

    path = gambit_corpus / "contrib" / "games" / "e17.efg"
    tree = read_efg(path)
    q = agent_logit_qre(tree, 200.0)
    assert q.converged
    eq = gbt.nash.logit_solve(gbt.read_efg(str(path))).equilibria[0]
    theirs = {
        (player.label, infoset.label): [float(eq[a]) for a in infoset.actions]
        for player in eq.game.players
        for infoset in player.infosets
    }
    for h, label in enumerate(tree.infoset_labels):
        player = tree.players[int(tree.infoset_player[h])]
        k = len(theirs[player, label])
        assert q.behaviour[h, :k] == pytest.approx(theirs[player, label], abs=1e-4)


# ---------------------------------------------------------------------- probit on trees
def probit_probabilities(values, lam):
    """P(a) = int phi(z) prod_{b != a} Phi(z + lam (v_a - v_b)) dz, by adaptive quadrature."""
    from math import erf, exp, pi, sqrt

    from scipy.integrate import quad

    out = []
    for a, va in enumerate(values):
        shifts = [lam * (va - vb) for b, vb in enumerate(values) if b != a]

        def integrand(z, shifts=shifts):
            value = exp(-z * z / 2) / sqrt(2 * pi)
            for d in shifts:
                value *= 0.5 * (1 + erf((z + d) / sqrt(2)))
            return value

        out.append(quad(integrand, -12, 12, epsabs=1e-13, limit=200)[0])
    return np.array(out)


@given(perfect_information_trees(max_depth=2, max_batch=2), st.floats(0.0, 5.0))
def test_probit_tree_matches_recursive_quadrature(tree, lam):
    from irgames.solvers.qre import agent_probit_qre

    q = agent_probit_qre(tree, lam)
    payoffs = tree.flatten().payoffs
    probs = tree.flatten().chance_probs if tree.chance_nodes.size else None
    behaviour = q.behaviour.reshape(tree.batch_size, *q.behaviour.shape[-2:])
    for b in range(tree.batch_size):

        def solve(v, b=b):
            if tree.mover[v] == TERMINAL:
                return payoffs[b, tree.terminal_index[v]]
            kids = [int(c) for c in tree.children[v] if c >= 0]
            values = [solve(c) for c in kids]
            if tree.mover[v] == CHANCE:
                p = probs[b, tree.chance_index[v], : len(kids)]
            else:
                p = probit_probabilities([val[tree.mover[v]] for val in values], lam)
                h = int(tree.infoset[v])
                assert behaviour[b, h, : len(kids)] == pytest.approx(p, abs=1e-8)
            return sum(pk * val for pk, val in zip(p, values, strict=True))

        solve(0)


def test_probit_binary_choice_closed_form_and_limit():
    from scipy.stats import norm

    from irgames.solvers.qre import agent_probit_qre

    T = TreeBuilder(["S", "T"])
    root = T.decision("S", {
        "status quo": T.terminal(0, 0),
        "demand": T.decision("T", {"acquiesce": T.terminal(1, -1), "resist": T.terminal(-1, -2)}),
    })  # fmt: skip
    tree = T.build(root)
    lam = np.array([0.0, 0.7, 3.0, 1e4])
    q = agent_probit_qre(tree, lam)
    # The target compares -1 (acquiesce) with -2 (resist).
    assert q.behaviour[:, 1, 0] == pytest.approx(norm.cdf(lam * 1.0 / np.sqrt(2)), abs=1e-9)
    v_demand = q.values[:, 2, 0]  # the sender's value of demanding
    assert q.behaviour[:, 0, 1] == pytest.approx(norm.cdf(lam * v_demand / np.sqrt(2)), abs=1e-9)
    spe = backward_induction(tree)
    assert q.behaviour[-1, 0, spe.choice[0]] > 1 - 1e-9


def test_probit_refuses_imperfect_information():
    from irgames.solvers.qre import agent_probit_qre

    with pytest.raises(SolverError, match="perfect-information"):
        agent_probit_qre(SignallingGame.beer_quiche().to_tree(), 1.0)
