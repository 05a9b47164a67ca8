"""Tests for the perfect Bayesian equilibria of signalling games.

Every equilibrium is checked here against the definition, with regrets computed in this file
from the payoffs and beliefs; the batched enumeration is compared with a per-game brute force
that decides off-path beliefs by linear programming (scipy), not by vertex enumeration.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from irgames.errors import SolverError
from irgames.games.regret import regret
from irgames.games.signalling import SignallingGame
from irgames.solvers.pbe import belief_polytope, mixed_pbe_2x2x2, pure_pbe

TOL = 1e-9
BEER, QUICHE = 0, 1
DUEL, DONT = 0, 1


@st.composite
def signalling_games(draw, max_types=3, max_messages=3, max_responses=3, max_batch=3):
    T = draw(st.integers(1, max_types))
    M = draw(st.integers(1, max_messages))
    R = draw(st.integers(1, max_responses))
    B = draw(st.integers(1, max_batch))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    weights = rng.integers(0, 4, size=(B, T)).astype(float)
    weights[:, 0] += 1
    prior = weights / weights.sum(axis=-1, keepdims=True)
    us = rng.integers(-3, 4, size=(B, T, M, R))
    ur = rng.integers(-3, 4, size=(B, T, M, R))
    return SignallingGame(prior, us, ur)


# ---------------------------------------------------------------------- independent checks
def definition_regrets(game, b, sender, receiver, beliefs):
    """Sender, receiver regret and Bayes gap of one row, by loops over the definition."""
    T, M, R = game.num_types, game.num_messages, game.num_responses
    us, ur, p = game.sender_payoffs[b], game.receiver_payoffs[b], game.prior[b]
    sender_regret = 0.0
    for t in range(T):
        v = [sum(receiver[m, r] * us[t, m, r] for r in range(R)) for m in range(M)]
        sender_regret = max(sender_regret, max(v) - sum(sender[t, m] * v[m] for m in range(M)))
    receiver_regret = 0.0
    bayes = 0.0
    for m in range(M):
        w = [sum(beliefs[m, t] * ur[t, m, r] for t in range(T)) for r in range(R)]
        receiver_regret = max(
            receiver_regret, max(w) - sum(receiver[m, r] * w[r] for r in range(R))
        )
        mass = sum(p[t] * sender[t, m] for t in range(T))
        if mass > 0:
            for t in range(T):
                bayes = max(bayes, abs(p[t] * sender[t, m] / mass - beliefs[m, t]))
    return sender_regret, receiver_regret, bayes


def _units(flat, b):
    """Sender's and receiver's payoff ranges in game ``b`` (1 where constant)."""
    ranges = [float(np.ptp(u[b])) for u in (flat.sender_payoffs, flat.receiver_payoffs)]
    return [r if r > 0 else 1.0 for r in ranges]


def assert_rows_are_pbe(game, result):
    flat = game.flatten()
    for k in range(len(result)):
        b = int(result.game_index[k])
        s_unit, r_unit = _units(flat, b)
        s_reg, r_reg, bayes = definition_regrets(
            flat, b, result.sender[k], result.receiver[k], result.beliefs[k]
        )
        assert s_reg <= 1e-7 * s_unit  # each player's regret in her own unit
        assert r_reg <= 1e-7 * r_unit
        assert bayes <= 1e-9
        assert result.sender_regret[k] == pytest.approx(s_reg, abs=1e-9 * s_unit)
        assert result.receiver_regret[k] == pytest.approx(r_reg, abs=1e-9 * r_unit)


def ex_ante_profile(sender, receiver):
    """Behaviour strategies -> mixed strategies of the ex-ante normal form (product measure)."""
    T, M = sender.shape
    R = receiver.shape[1]
    s = np.array([np.prod([sender[t, c[t]] for t in range(T)]) for c in
                  itertools.product(range(M), repeat=T)])  # fmt: skip
    q = np.array([np.prod([receiver[m, c[m]] for m in range(M)]) for c in
                  itertools.product(range(R), repeat=M)])  # fmt: skip
    return s, q


def belief_feasible(ur_m, response, support, tol):
    """Is there a belief on ``support`` making ``response`` optimal? (an LP, per game)."""
    T, R = ur_m.shape
    A_ub, b_ub = [], []
    for r in range(R):
        if r != response:
            A_ub.append(-(ur_m[:, response] - ur_m[:, r]))
            b_ub.append(tol)
    bounds = [(0, 1) if t in support else (0, 0) for t in range(T)]
    out = linprog(
        np.zeros(T),
        A_ub=np.array(A_ub) if A_ub else None,
        b_ub=np.array(b_ub) if b_ub else None,
        A_eq=np.ones((1, T)),
        b_eq=[1.0],
        bounds=bounds,
        method="highs",
    )
    return out.status == 0


def brute_force(game, tol=TOL, intuitive=False):
    """Set of (game, sender strategy, receiver strategy) pure PBE, one game at a time."""
    flat = game.flatten()
    T, M, R = game.num_types, game.num_messages, game.num_responses
    found = set()
    for b in range(flat.batch_size):
        # each player's payoffs in her own unit (her range), so one eps serves both and the
        # LP's absolute tolerances meet numbers of order one
        s_unit, r_unit = _units(flat, b)
        p, us, ur = (
            flat.prior[b],
            flat.sender_payoffs[b] / s_unit,
            flat.receiver_payoffs[b] / r_unit,
        )
        eps = tol
        everyone = set(range(T))
        cache = {}

        def feasible(m, r, S, ur=ur, eps=eps, cache=cache):
            if (m, r, S) not in cache:
                cache[m, r, S] = belief_feasible(ur[:, m, :], r, S, eps)
            return cache[m, r, S]

        for s in itertools.product(range(M), repeat=T):
            for q in itertools.product(range(R), repeat=M):
                ok = True
                for t in range(T):
                    if us[t, s[t], q[s[t]]] < max(us[t, m, q[m]] for m in range(M)) - eps:
                        ok = False
                on_path = {}
                for m in range(M):
                    mass = sum(p[t] for t in range(T) if s[t] == m)
                    on_path[m] = mass > 0
                    if mass > 0:
                        mu = [p[t] * (s[t] == m) / mass for t in range(T)]
                        w = [sum(mu[t] * ur[t, m, r] for t in range(T)) for r in range(R)]
                        ok &= w[q[m]] >= max(w) - eps
                    else:
                        ok &= feasible(m, q[m], frozenset(everyone))
                if not ok:
                    continue
                if intuitive:
                    star = [us[t, s[t], q[s[t]]] for t in range(T)]
                    fails = False
                    for m in range(M):
                        if on_path[m]:
                            continue
                        full = [r for r in range(R) if feasible(m, r, frozenset(everyone))]
                        J = {t for t in range(T) if max(us[t, m, r] for r in full) < star[t] - eps}
                        rest = everyone - J
                        if not rest:
                            continue
                        allowed = [r for r in range(R) if feasible(m, r, frozenset(rest))]
                        for t in rest:
                            if min(us[t, m, r] for r in allowed) > star[t] + eps:
                                fails = True
                    if fails:
                        continue
                found.add((b, s, q))
    return found


def as_set(result):
    return {
        (int(b), tuple(int(x) for x in s), tuple(int(x) for x in q))
        for b, s, q in zip(result.game_index, result.messages_sent(), result.responses(),
                           strict=True)
    }  # fmt: skip


# ---------------------------------------------------------------------- Beer-Quiche
def test_beer_quiche_has_the_two_pooling_equilibria():
    game = SignallingGame.beer_quiche()
    result = pure_pbe(game)
    assert as_set(result) == {(0, (BEER, BEER), (DONT, DUEL)), (0, (QUICHE, QUICHE), (DUEL, DONT))}
    assert result.kind.tolist() == ["pooling", "pooling"]
    assert_rows_are_pbe(game, result)
    beer = int(np.flatnonzero(result.messages_sent()[:, 0] == BEER)[0])
    quiche = 1 - beer
    # Pooling on beer: on the path the posterior is the prior; off the path (quiche) the
    # receiver duels, which needs mu(wimp | quiche) >= 1/2.
    assert result.on_path[beer].tolist() == [True, False]
    assert result.beliefs[beer, BEER] == pytest.approx([0.1, 0.9])
    assert result.belief_lower[beer, QUICHE, 0] == pytest.approx(0.5)
    assert result.belief_upper[beer, QUICHE, 0] == pytest.approx(1.0)
    assert result.belief_lower[quiche, BEER, 0] == pytest.approx(0.5)
    assert result.type_payoffs[beer] == pytest.approx([2.0, 3.0])
    assert result.type_payoffs[quiche] == pytest.approx([3.0, 2.0])
    # The intuitive criterion keeps beer and removes quiche.
    assert result.intuitive.tolist() == [beer == 0, quiche == 0]
    refined = pure_pbe(game, refine="intuitive")
    assert as_set(refined) == {(0, (BEER, BEER), (DONT, DUEL))}


def test_beer_quiche_equilibria_are_nash_in_the_ex_ante_form():
    game = SignallingGame.beer_quiche(prior_wimp=np.array([0.1, 0.3, 0.6, 0.9]))
    result = pure_pbe(game)
    nf = game.to_normal_form().flatten()
    for k in range(len(result)):
        s, q = ex_ante_profile(result.sender[k], result.receiver[k])
        assert regret(nf[int(result.game_index[k])], (s, q)).max() <= 1e-12


def test_beer_quiche_sweep_over_the_prior():
    # Pooling needs the receiver not to duel on the path: p(wimp) <= 1/2.
    q = np.array([0.05, 0.3, 0.5, 0.6, 0.95])
    result = pure_pbe(SignallingGame.beer_quiche(prior_wimp=q))
    assert result.count.tolist() == [2, 2, 2, 0, 0]


def test_beer_quiche_from_gambit_file(gambit_corpus):
    efg = pytest.importorskip("irgames.io.efg")
    tree = efg.read_efg(gambit_corpus / "contrib" / "games" / "e17.efg")
    game = SignallingGame.from_tree(tree)
    result = pure_pbe(game)
    assert sorted(result.messages_sent().tolist()) == [[0, 0], [1, 1]]
    assert set(result.kind.tolist()) == {"pooling"}
    assert_rows_are_pbe(game, result)
    refined = pure_pbe(tree, refine="intuitive")  # the tree itself is accepted
    assert len(refined) == 1
    assert game.messages[int(refined.messages_sent()[0, 0])] == "beer"


# ---------------------------------------------------------------------- properties
@given(signalling_games())
def test_pure_pbe_matches_brute_force(game):
    result = pure_pbe(game)
    assert as_set(result) == brute_force(game)
    assert_rows_are_pbe(game, result)
    # Off the path, the reported bounds contain the representative belief, which sustains
    # the response (checked above through the receiver regret).
    off = ~result.on_path
    assert np.all(result.belief_lower[off] <= result.beliefs[off] + 1e-12)
    assert np.all(result.beliefs[off] <= result.belief_upper[off] + 1e-12)


@given(signalling_games(max_types=3, max_messages=2, max_responses=3, max_batch=2))
def test_intuitive_criterion_matches_brute_force(game):
    assert as_set(pure_pbe(game, refine="intuitive")) == brute_force(game, intuitive=True)


@given(signalling_games(max_batch=2))
def test_every_pure_pbe_is_nash_in_the_ex_ante_form(game):
    result = pure_pbe(game)
    nf = game.to_normal_form().flatten()
    for k in range(len(result)):
        s, q = ex_ante_profile(result.sender[k], result.receiver[k])
        b = int(result.game_index[k])
        assert regret(nf[b], (s, q)).max() <= 1e-9 * nf[b].payoff_scale


@given(signalling_games(), st.floats(0.1, 10), st.floats(-5, 5))
def test_invariant_under_affine_payoff_transformations(game, a, c):
    moved = SignallingGame(game.prior, a * game.sender_payoffs + c, a * game.receiver_payoffs - c)
    assert as_set(pure_pbe(moved)) == as_set(pure_pbe(game))


@given(signalling_games(max_batch=1), st.randoms(use_true_random=False))
def test_relabelling_messages_permutes_equilibria(game, random):
    perm = list(range(game.num_messages))
    random.shuffle(perm)
    inverse = np.argsort(perm)
    moved = SignallingGame(
        game.prior, game.sender_payoffs[..., perm, :], game.receiver_payoffs[..., perm, :]
    )
    # message j of the moved game is message perm[j] of the original
    mapped = {
        (b, tuple(int(perm[m]) for m in s), tuple(q[inverse[m]] for m in range(len(q))))
        for b, s, q in as_set(pure_pbe(moved))
    }
    assert mapped == as_set(pure_pbe(game))


def test_classification():
    # Two types who want to be recognised, a receiver who rewards the type it believes in.
    T = M = R = 2
    us = np.zeros((T, M, R))
    ur = np.zeros((T, M, R))
    for t, m, r in itertools.product(range(2), repeat=3):
        us[t, m, r] = (r == t) * 2.0 - 0.5 * (m != t)  # want the matching response
        ur[t, m, r] = float(r == t)
    result = pure_pbe(SignallingGame([0.5, 0.5], us, ur))
    kinds = dict(zip(map(tuple, result.messages_sent().tolist()), result.kind, strict=True))
    assert kinds[(0, 1)] == "separating"
    three = SignallingGame(np.ones(3) / 3, np.zeros((3, 2, 1)), np.zeros((3, 2, 1)))
    kinds = {tuple(s): k for s, k in zip(pure_pbe(three).messages_sent().tolist(),
                                         pure_pbe(three).kind, strict=True)}  # fmt: skip
    assert kinds[(0, 0, 0)] == "pooling"
    assert kinds[(0, 0, 1)] == "semi-separating"
    assert len(kinds) == 8


def test_belief_polytope_of_beer_quiche():
    game = SignallingGame.beer_quiche()
    A, vertices, valid, nonempty = belief_polytope(game, QUICHE, DONT)
    mu = vertices[valid][:, 0]
    assert sorted(mu.tolist()) == pytest.approx([0.0, 0.5])
    assert bool(nonempty)
    # Every extreme point satisfies the inequalities.
    assert np.all(vertices[valid] @ A.T >= -1e-12)


def test_bad_arguments():
    game = SignallingGame.beer_quiche()
    with pytest.raises(ValueError, match="refine"):
        pure_pbe(game, refine="D1")
    with pytest.raises(ValueError, match="tol"):
        pure_pbe(game, tol=-1)
    with pytest.raises(SolverError, match="SignallingGame"):
        pure_pbe(game.to_normal_form())
    with pytest.raises(SolverError, match="two types"):
        mixed_pbe_2x2x2(SignallingGame(np.ones(3) / 3, np.zeros((3, 2, 2)), np.zeros((3, 2, 2))))


# ---------------------------------------------------------------------- mixed, 2 x 2 x 2
def test_beer_quiche_hybrid_equilibrium():
    # With p(wimp) = 0.7 > 1/2 there is no pooling PBE; the surly type drinks beer, the wimp
    # drinks beer with probability x such that mu(wimp | beer) = 1/2, i.e. 0.7x / (0.7x + 0.3)
    # = 1/2, x = 3/7; after beer the receiver duels with probability rho making the wimp
    # indifferent: 2 (1 - rho) = 1 (quiche, where it is surely dueled), rho = 1/2.
    game = SignallingGame.beer_quiche(prior_wimp=0.7)
    result = mixed_pbe_2x2x2(game)
    assert len(result) == 1
    assert result.sender[0, 0, BEER] == pytest.approx(3 / 7)
    assert result.sender[0, 1, BEER] == pytest.approx(1.0)
    assert result.receiver[0, BEER, DUEL] == pytest.approx(0.5)
    assert result.receiver[0, QUICHE, DUEL] == pytest.approx(1.0)
    assert result.beliefs[0, BEER, 0] == pytest.approx(0.5)
    assert result.kind.tolist() == ["semi-separating"]
    assert_rows_are_pbe(game, result)


@given(signalling_games(max_types=2, max_messages=2, max_responses=2, max_batch=4))
def test_mixed_pbe_are_equilibria(game):
    if (game.num_types, game.num_messages, game.num_responses) != (2, 2, 2):
        return
    result = mixed_pbe_2x2x2(game)
    assert_rows_are_pbe(game, result)
    nf = game.to_normal_form().flatten()
    for k in range(len(result)):
        # a type mixes strictly
        assert np.any((result.sender[k] > 1e-12) & (result.sender[k] < 1 - 1e-12))
        s, q = ex_ante_profile(result.sender[k], result.receiver[k])
        b = int(result.game_index[k])
        assert regret(nf[b], (s, q)).max() <= 1e-9 * nf[b].payoff_scale


@given(st.integers(0, 2**32 - 1))
def test_mixed_pbe_continuous_payoffs(seed):
    # Generic (real-valued) payoffs: rows are equilibria and, with a receiver that mixes at the
    # pooled message, a type is indifferent between the two messages.
    rng = np.random.default_rng(seed)
    B = 50
    prior = rng.dirichlet([1, 1], size=B)
    game = SignallingGame(prior, rng.normal(size=(B, 2, 2, 2)), rng.normal(size=(B, 2, 2, 2)))
    result = mixed_pbe_2x2x2(game)
    assert_rows_are_pbe(game, result)
    assert not result.degenerate.any()


@given(signalling_games(max_batch=5))
def test_chunked_batches_give_the_same_equilibria(game):
    T, M, R = game.num_types, game.num_messages, game.num_responses
    one_game = 8 * M**T * R**M * M * R
    whole = pure_pbe(game, refine="intuitive")
    chunked = pure_pbe(game, refine="intuitive", max_bytes=2 * one_game)
    assert as_set(chunked) == as_set(whole)
    assert chunked.count.tolist() == whole.count.tolist()
    assert np.allclose(chunked.beliefs, whole.beliefs)


def test_a_game_too_large_for_memory_is_refused():
    game = SignallingGame(np.ones(4) / 4, np.zeros((4, 4, 4)), np.zeros((4, 4, 4)))
    with pytest.raises(SolverError, match="MiB"):
        pure_pbe(game, max_bytes=2**20)


def test_front_door_joins_pure_and_mixed_rows():
    from irgames.solvers.pbe import perfect_bayesian_equilibria

    game = SignallingGame.beer_quiche(prior_wimp=np.array([0.1, 0.7, 0.3]))
    both = perfect_bayesian_equilibria(game)
    pure, hybrid = pure_pbe(game), mixed_pbe_2x2x2(game)
    assert len(both) == len(pure) + len(hybrid)
    assert both.count.tolist() == (pure.count + hybrid.count).tolist()
    assert np.all(np.diff(both.game_index) >= 0)
    assert_rows_are_pbe(game, both)
    assert len(perfect_bayesian_equilibria(game, mixed=False)) == len(pure)
    table = both.to_pandas()
    assert list(table["kind"]) == both.kind.tolist()


@given(st.integers(0, 2**32 - 1))
def test_mixed_pbe_are_all_the_hybrid_nash_equilibria_of_the_ex_ante_form(seed):
    # Completeness, by an independent method: with both messages on the path, a PBE is a Nash
    # equilibrium of the ex-ante normal form. Vertex enumeration of that 4 x 4 game finds every
    # extreme equilibrium; those whose behaviour has exactly one type strictly mixing are the
    # semi-separating PBE, which must be exactly what mixed_pbe_2x2x2 returns (generic payoffs).
    from irgames.solvers.vertex_enumeration import vertex_enumeration

    rng = np.random.default_rng(seed)
    B = 40
    game = SignallingGame(
        rng.dirichlet([1, 1], size=B), rng.normal(size=(B, 2, 2, 2)), rng.normal(size=(B, 2, 2, 2))
    )
    eq = vertex_enumeration(game.to_normal_form())
    senders, receivers = game.pure_sender_strategies(), game.pure_receiver_strategies()
    expected = []
    for k in range(len(eq)):
        x, y = eq.strategies[0][k], eq.strategies[1][k]
        sigma = np.zeros((2, 2))
        rho = np.zeros((2, 2))
        for i, s in enumerate(senders):
            sigma[[0, 1], s] += x[i]
        for j, q in enumerate(receivers):
            rho[[0, 1], q] += y[j]
        if ((sigma > 1e-9).all(axis=1)).sum() == 1:
            expected.append((int(eq.game_index[k]), np.r_[sigma[:, 0], rho[:, 0]]))
    result = mixed_pbe_2x2x2(game)
    found = [
        (int(b), np.r_[s[:, 0], r[:, 0]])
        for b, s, r in zip(result.game_index, result.sender, result.receiver, strict=True)
    ]
    assert len(found) == len(expected)
    for b, point in found:  # each found equilibrium is one of the expected ones
        assert any(c == b and np.allclose(point, other, atol=1e-7) for c, other in expected)
    for b, point in expected:  # and vice versa
        assert any(c == b and np.allclose(point, other, atol=1e-7) for c, other in found)


# ---------------------------------------------------------------------- payoff units
def test_a_sender_with_tiny_payoffs_is_not_called_indifferent():
    # Beer-Quiche with the sender's payoffs times 1e-12 has the same PBE as the original. The
    # old unit (the larger of the two ranges, the receiver's 1) made every type indifferent
    # between beer and quiche at tol=1e-9, and every receiver strategy passed.
    base = SignallingGame.beer_quiche()
    tiny = SignallingGame(base.prior, 1e-12 * base.sender_payoffs, base.receiver_payoffs)
    assert as_set(pure_pbe(tiny)) == as_set(pure_pbe(base))
    assert len(pure_pbe(tiny)) == 2
    mixed = SignallingGame.beer_quiche(prior_wimp=0.7)
    small = SignallingGame(mixed.prior, 1e-12 * mixed.sender_payoffs, mixed.receiver_payoffs)
    assert len(mixed_pbe_2x2x2(small)) == len(mixed_pbe_2x2x2(mixed)) == 1
    assert float(mixed_pbe_2x2x2(small).relative_regret.max()) < 1e-9


def _one_scaled(game, player, factor, shift):
    us, ur = np.array(game.sender_payoffs), np.array(game.receiver_payoffs)
    u = us if player == 0 else ur
    spread = np.ptp(u, axis=(-3, -2, -1), keepdims=True)
    u[...] = factor * (u + shift * spread)
    return SignallingGame(game.prior, us, ur)


@given(
    signalling_games(),
    st.integers(0, 1),
    st.floats(-12.0, 12.0).map(lambda e: 10.0**e),
    st.floats(-5.0, 5.0),
)
def test_scaling_one_players_payoffs_leaves_the_pure_pbe_unchanged(game, player, factor, shift):
    moved = _one_scaled(game, player, factor, shift)
    found = pure_pbe(moved)
    assert as_set(found) == as_set(pure_pbe(game)) == brute_force(moved)
    np.testing.assert_array_equal(found.intuitive, pure_pbe(game).intuitive)
    assert_rows_are_pbe(moved, found)


@given(
    signalling_games(max_types=2, max_messages=2, max_responses=2, max_batch=4),
    st.integers(0, 1),
    st.floats(-12.0, 12.0).map(lambda e: 10.0**e),
    st.floats(-5.0, 5.0),
)
def test_scaling_one_players_payoffs_leaves_the_mixed_pbe_unchanged(game, player, factor, shift):
    if (game.num_types, game.num_messages, game.num_responses) != (2, 2, 2):
        return
    base, moved = mixed_pbe_2x2x2(game), mixed_pbe_2x2x2(_one_scaled(game, player, factor, shift))
    np.testing.assert_array_equal(moved.game_index, base.game_index)
    np.testing.assert_allclose(moved.sender, base.sender, atol=1e-9)
    np.testing.assert_allclose(moved.receiver, base.receiver, atol=1e-9)
    np.testing.assert_array_equal(moved.degenerate, base.degenerate)


def test_selected_rows_keep_their_units():
    # the intuitive refinement selects rows: each keeps its own game's units
    game = SignallingGame.beer_quiche(prior_wimp=np.array([0.1, 0.2]))
    tiny = SignallingGame(game.prior, 1e-12 * game.sender_payoffs, game.receiver_payoffs)
    result = pure_pbe(tiny, refine="intuitive")
    assert result.units.shape == (len(result), 2)
    np.testing.assert_allclose(result.units, [[3e-12, 1.0]] * len(result))
    assert len(result.for_game(1)) == 1 and result.for_game(1).units.shape == (1, 2)
    assert np.all(result.relative_regret <= 1e-9)
