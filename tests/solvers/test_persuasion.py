"""Bayesian persuasion: Kamenica-Gentzkow closed form, Bayes plausibility, obedience, optimality."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from irgames.games.anonymous import AnonymousBinaryGame
from irgames.games.normal_form import GameValueError
from irgames.solvers.anonymous import pure_equilibria_counts
from irgames.solvers.persuasion import (
    concave_envelope,
    persuade,
    persuade_binary,
    persuade_public,
)

unit = st.floats(0.0, 1.0)
interior = st.floats(0.01, 0.99)
utility = st.floats(-5, 5, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def threshold_receiver(mu_bar):
    """The receiver balances (action 1) iff P(predatory) >= mu_bar; the sender wants balancing."""
    u_r = np.array([[0.0, 0.0], [-mu_bar, 1.0 - mu_bar]])
    u_s = np.array([[0.0, 0.0], [1.0, 1.0]])
    return u_r, u_s


def test_worked_number():
    # THEORIES.md: mu0 = 0.3, mu_bar = 0.5 gives P(balance) = 0.6.
    sig = persuade_binary(*threshold_receiver(0.5), prior=0.3)
    assert float(sig.action_probability(1)) == pytest.approx(0.6, abs=1e-12)
    assert sig.posteriors.tolist() == pytest.approx([0.0, 0.5], abs=1e-12)


@given(unit, interior)
def test_kamenica_gentzkow_closed_form(mu0, mu_bar):
    sig = persuade_binary(*threshold_receiver(mu_bar), prior=mu0)
    expected = min(1.0, mu0 / mu_bar)
    assert float(sig.action_probability(1)) == pytest.approx(expected, abs=1e-9)
    assert float(sig.value) == pytest.approx(expected, abs=1e-9)
    no_info = 1.0 if mu0 >= mu_bar else 0.0
    assert float(sig.value_of_persuasion) == pytest.approx(expected - no_info, abs=1e-9)
    # The split {0, mu_bar} is the unique optimum when it beats {0, 1} in double precision; at
    # subnormal priors (5e-324 / 0.75 rounds to 5e-324) the two values are the same float and
    # either split is optimal (found by the dev profile).
    if 0 < mu0 < mu_bar and mu0 / mu_bar > mu0:
        assert sorted(sig.posteriors.tolist()) == pytest.approx([0.0, mu_bar], abs=1e-9)
    # the same answer from the obedience LP
    lp = persuade(*threshold_receiver(mu_bar), [1 - mu0, mu0])
    assert float(lp.action_probability[1]) == pytest.approx(expected, abs=1e-7)


@st.composite
def binary_problems(draw):
    n_a = draw(st.integers(1, 5))
    u_r = draw(arrays(float, (n_a, 2), elements=utility))
    u_s = draw(arrays(float, (n_a, 2), elements=utility))
    return u_r, u_s, draw(unit)


def spread(u):
    """Payoff range used for relative tolerances (1 when all payoffs are equal)."""
    r = float(np.ptp(u))
    return r if r > 0 else 1.0


def best_responses(u_r, belief, tol):
    values = u_r @ belief
    return np.flatnonzero(values >= values.max() - tol)


@given(binary_problems())
def test_binary_signal_is_plausible_obedient_and_optimal(problem):
    u_r, u_s, mu0 = problem
    sig = persuade_binary(u_r, u_s, mu0)
    tol = 1e-9 * spread(u_r)
    # Bayes plausibility
    assert sig.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(sig.weights >= -1e-12)
    assert float(sig.weights @ sig.posteriors) == pytest.approx(mu0, abs=1e-9)
    # each posterior's action is a receiver best response there; the value adds up
    value = 0.0
    for w, mu, a in zip(sig.weights, sig.posteriors, sig.actions, strict=True):
        belief = np.array([1 - mu, mu])
        assert a in best_responses(u_r, belief, 10 * tol)
        value += w * (u_s[a] @ belief)
    assert float(sig.value) == pytest.approx(value, abs=1e-9 * spread(u_s))
    # no Bayes-plausible split of the prior does better (checked on a grid of posterior pairs)
    grid = np.linspace(0, 1, 41)
    best_at = []
    for mu in grid:
        belief = np.array([1 - mu, mu])
        best_at.append(max(u_s[a] @ belief for a in best_responses(u_r, belief, tol)))
    best_at = np.array(best_at)
    for i in np.flatnonzero(grid <= mu0):
        for j in np.flatnonzero(grid >= mu0):
            p, q = grid[i], grid[j]
            wq = 0.0 if q == p else (mu0 - p) / (q - p)
            split = (1 - wq) * best_at[i] + wq * best_at[j]
            assert split <= float(sig.value) + 1e-9 * spread(u_s)
    assert float(sig.value_of_persuasion) >= -1e-12


@given(binary_problems())
def test_concavification_and_the_obedience_lp_agree(problem):
    u_r, u_s, mu0 = problem
    a = persuade_binary(u_r, u_s, mu0)
    b = persuade(u_r, u_s, [1 - mu0, mu0])
    assert float(a.value) == pytest.approx(float(b.value), abs=1e-6 * spread(u_s))


@st.composite
def finite_problems(draw):
    n_a = draw(st.integers(1, 4))
    n_s = draw(st.integers(1, 4))
    u_r = draw(arrays(float, (n_a, n_s), elements=utility))
    u_s = draw(arrays(float, (n_a, n_s), elements=utility))
    weights = draw(arrays(float, n_s, elements=st.floats(0, 1)))
    if weights.sum() <= 0:
        weights = np.ones(n_s)
    return u_r, u_s, weights / weights.sum()


def sender_preferred(u_r, u_s, belief, tol):
    options = best_responses(u_r, belief, tol)
    return options[np.argmax([u_s[a] @ belief for a in options])]


@given(finite_problems())
def test_lp_signal_is_plausible_obedient_and_beats_simple_signals(problem):
    u_r, u_s, mu0 = problem
    sig = persuade(u_r, u_s, mu0)
    scale_r, scale_s = spread(u_r), spread(u_s)
    # Bayes plausibility: recommendations split each state's prior mass
    assert np.allclose(sig.joint.sum(0), mu0, atol=1e-9)
    assert np.all(sig.joint >= 0)
    # obedience: every recommended action is a best response to its posterior
    for a, p in enumerate(sig.action_probability):
        if p > 1e-7:
            post = sig.posteriors[a]
            assert np.allclose((sig.action_probability[:, None] * sig.posteriors)[a], sig.joint[a])
            assert (u_r[a] @ post) >= (u_r @ post).max() - 1e-6 * scale_r / p
    # better than no information and than full disclosure (computed independently)
    tol = 1e-9 * scale_r
    no_info = u_s[sender_preferred(u_r, u_s, mu0, tol)] @ mu0
    full = sum(
        mu0[s] * u_s[sender_preferred(u_r, u_s, np.eye(len(mu0))[s], tol), s]
        for s in range(len(mu0))
    )
    assert float(sig.value) >= max(no_info, full) - 1e-6 * scale_s
    assert float(sig.no_information) == pytest.approx(no_info, abs=1e-9 * scale_s)


@given(finite_problems(), st.floats(0.1, 10), st.floats(-3, 3))
def test_value_moves_with_affine_transformations_of_the_sender(problem, a, b):
    u_r, u_s, mu0 = problem
    base = persuade(u_r, u_s, mu0)
    moved = persuade(u_r, a * u_s + b, mu0)
    scale = a * spread(u_s)
    # the shift itself is rounded relative to its magnitude (a spread of 6e-34 moved by 1.75
    # comes back as 1.7499999999999998; found by the dev profile)
    rounding = 8 * np.finfo(float).eps * (abs(b) + a * float(np.abs(u_s).max()))
    expected = a * float(base.value) + b
    assert float(moved.value) == pytest.approx(expected, abs=1e-6 * scale + rounding)


def test_batches_of_priors():
    u_r, u_s = threshold_receiver(0.4)
    priors = np.linspace(0, 1, 11)
    sig = persuade_binary(u_r, u_s, priors)
    assert sig.value.shape == (11,)
    assert np.allclose(sig.value, np.minimum(1, priors / 0.4))
    lp = persuade(u_r, u_s, np.stack([1 - priors, priors], -1))
    assert np.allclose(lp.value, sig.value, atol=1e-7)
    assert lp.signal.shape == (11, 2, 2)


def test_concave_envelope_of_a_step():
    v, support, weights = concave_envelope([0.0, 1.0, 0.25], [0.0, 1.0, 0.0], [0.1, 0.25, 0.9])
    assert v.tolist() == pytest.approx([0.1, 0.25, 0.9])
    assert np.allclose((weights * np.array([0.0, 1.0, 0.25])[support]).sum(-1), [0.1, 0.25, 0.9])


def coordination_games(n, t, mu_bar):
    """Receivers balance at cost mu_bar; against a predatory hegemon (state 1), if at least t
    balance, it is contained and every receiver gains 1; against a benign one balancing only
    costs."""
    hostile = AnonymousBinaryGame.threshold_public_good(n, t, benefit=1.0, cost=mu_bar)
    benign = AnonymousBinaryGame(np.full(n, -mu_bar), np.zeros(n))
    return benign, hostile


@given(st.integers(2, 30), st.integers(1, 30), interior, unit)
def test_public_persuasion_of_a_coordinating_group(n, t, mu_bar, mu0):
    t = min(t, n)
    benign, hostile = coordination_games(n, t, mu_bar)
    w = (np.arange(n + 1) >= t).astype(float)  # the sender wants containment
    sig = persuade_public(benign, hostile, w, mu0)
    assert float(sig.value) == pytest.approx(min(1.0, mu0 / mu_bar), abs=1e-9)
    assert float(sig.weights @ sig.posteriors) == pytest.approx(mu0, abs=1e-9)
    # at each posterior the count is an equilibrium of the receivers' game, the best for the
    # sender among all equilibria (checked with the pure solver on the mixed game)
    for mu, m in zip(sig.posteriors, sig.actors, strict=True):
        game = AnonymousBinaryGame(
            (1 - mu) * benign.payoff_act + mu * hostile.payoff_act,
            (1 - mu) * benign.payoff_not + mu * hostile.payoff_not,
        )
        counts = pure_equilibria_counts(game, tol=1e-7).actors()
        assert m in counts
        assert w[m] == max(w[c] for c in counts)


def test_public_persuasion_must_move_enough_receivers_at_once():
    # Receivers differ only through the coordination threshold: with t = 1 any one volunteer
    # contains the hegemon; the sender's value is the same mu0/mu_bar when everyone acts
    # together, but a sender who gains per balancer (w(m) = m / N) loses value when t is high
    # and receivers must coordinate.
    n, mu_bar, mu0 = 10, 0.5, 0.3
    per_balancer = np.arange(n + 1) / n
    values = []
    for t in (1, 5, 10):
        benign, hostile = coordination_games(n, t, mu_bar)
        values.append(float(persuade_public(benign, hostile, per_balancer, mu0).value))
    assert values[0] == pytest.approx(0.6 * 1 / n)  # volunteer's dilemma: one balancer
    assert values[2] == pytest.approx(0.6)  # all ten must balance, and do at mu = mu_bar


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: persuade_binary(*threshold_receiver(0.5), prior=1.2), r"\[0, 1\]"),
        (lambda: persuade_binary(*threshold_receiver(0.5), prior=-0.1), r"\[0, 1\]"),
        (lambda: persuade(*threshold_receiver(0.5), [0.5, 0.6]), "simplex"),
        (lambda: persuade(*threshold_receiver(0.5), [1.5, -0.5]), "simplex"),
        (lambda: persuade(*threshold_receiver(0.5), [1.0, 0.0, 0.0]), "n_states"),
        (lambda: persuade(np.zeros((2, 2)), np.zeros((3, 2)), [0.5, 0.5]), "same last two"),
        (lambda: persuade_binary(np.zeros((2, 3)), np.zeros((2, 3)), 0.5), "two states"),
        (lambda: persuade(*threshold_receiver(0.5), [np.nan, 1.0]), "finite"),
    ],
)
def test_bad_input_raises_clear_errors(call, message):
    with pytest.raises(GameValueError, match=message):
        call()


@given(finite_problems())
def test_relabelling_states_and_actions_leaves_the_value_unchanged(problem):
    u_r, u_s, mu0 = problem
    rng = np.random.default_rng(0)
    states = rng.permutation(u_r.shape[1])
    actions = rng.permutation(u_r.shape[0])
    base = persuade(u_r, u_s, mu0)
    moved = persuade(u_r[actions][:, states], u_s[actions][:, states], mu0[states])
    assert float(moved.value) == pytest.approx(float(base.value), abs=1e-6 * spread(u_s))


def test_a_tiny_prior_mass_dropped_by_the_lp_is_restored_on_the_best_action():
    # the LP's feasibility tolerance (about 1e-7) let it drop a state of prior 6e-8: the
    # joint law then missed Bayes plausibility by that much (found by hypothesis)
    mu0 = np.array([5.96046412e-08, 4.99999970e-01, 4.99999970e-01])
    mu0 = mu0 / mu0.sum()
    u_r = np.array([[0.0, 0.0, 0.0], [1.0, -1.0, -1.0]])  # action 1 is best only in state 0
    for receiver in (np.zeros((1, 3)), u_r):
        sig = persuade(receiver, np.zeros_like(receiver), mu0)
        np.testing.assert_allclose(sig.joint.sum(0), mu0, rtol=1e-12, atol=0)
        assert np.all(sig.joint >= 0)
        # obedience: each recommended action is a best response to its posterior
        for a in np.flatnonzero(sig.joint.sum(1) > 0):
            gains = receiver @ sig.joint[a]
            assert gains[a] >= gains.max() - 1e-12


# ---------------------------------------------------------------------- payoff units
factors = st.floats(-12.0, 12.0).map(lambda e: 10.0**e)
shifts = st.floats(-5.0, 5.0)


def _affine(u, factor, shift):
    """``u`` times ``factor`` after a shift of ``shift`` of its own range."""
    return factor * (u + shift * spread(u))


@given(binary_problems(), st.integers(0, 1), factors, shifts)
def test_binary_signal_does_not_depend_on_one_players_scale(problem, player, factor, shift):
    # the receiver's best responses are judged in her unit, the sender's value in his: scaling
    # or shifting either changes the optimal value only as the sender's payoffs change
    u_r, u_s, mu0 = problem
    base = persuade_binary(u_r, u_s, mu0)
    if player == 0:
        moved = persuade_binary(_affine(u_r, factor, shift), u_s, mu0)
        assert float(moved.value) == pytest.approx(float(base.value), abs=1e-9 * spread(u_s))
    else:
        moved = persuade_binary(u_r, _affine(u_s, factor, shift), mu0)
        expected = factor * (float(base.value) + shift * spread(u_s))
        assert float(moved.value) == pytest.approx(expected, abs=1e-9 * factor * spread(u_s))
    # and the moved signal is obedient in the receiver's own unit (the independent check)
    r = _affine(u_r, factor, shift) if player == 0 else u_r
    for mu, a in zip(moved.posteriors, moved.actions, strict=True):
        assert a in best_responses(r, np.array([1 - mu, mu]), 1e-8 * spread(r))


@given(finite_problems(), st.integers(0, 1), factors, shifts)
def test_lp_signal_does_not_depend_on_one_players_scale(problem, player, factor, shift):
    u_r, u_s, prior = problem
    base = persuade(u_r, u_s, prior)
    if player == 0:
        moved = persuade(_affine(u_r, factor, shift), u_s, prior)
        assert float(moved.value) == pytest.approx(float(base.value), abs=1e-6 * spread(u_s))
    else:
        moved = persuade(u_r, _affine(u_s, factor, shift), prior)
        expected = factor * (float(base.value) + shift * spread(u_s))
        assert float(moved.value) == pytest.approx(expected, abs=1e-6 * factor * spread(u_s))


@given(st.integers(2, 12), st.integers(1, 12), interior, unit, factors, shifts, factors)
def test_public_signal_does_not_depend_on_the_receivers_or_senders_scale(
    n, t, mu_bar, mu0, factor, shift, sender_factor
):
    t = min(t, n)
    benign, hostile = coordination_games(n, t, mu_bar)
    w = (np.arange(n + 1) >= t).astype(float)
    base = persuade_public(benign, hostile, w, mu0)
    # the receivers share one payoff function: scale it (in both states alike) and the sender's
    unit = float(np.maximum(benign.payoff_scale, hostile.payoff_scale))

    def moved_game(g):
        return AnonymousBinaryGame(
            factor * (g.payoff_act + shift * unit), factor * (g.payoff_not + shift * unit)
        )

    moved = persuade_public(moved_game(benign), moved_game(hostile), sender_factor * w, mu0)
    assert float(moved.value) == pytest.approx(sender_factor * float(base.value), rel=1e-9)
    assert float(moved.value) == pytest.approx(sender_factor * min(1.0, mu0 / mu_bar), rel=1e-9)
