"""Equilibria of anonymous binary games: closed forms, brute force and the definition."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.polynomial import polynomial as P
from scipy.special import comb
from scipy.stats import binom

from irgames.games.anonymous import AnonymousBinaryGame
from irgames.games.regret import regret
from irgames.solvers.anonymous import (
    indifference,
    pure_equilibria_counts,
    symmetric_equilibria,
)
from irgames.solvers.equilibria import DEFAULT_TOL

ratio = st.floats(0.01, 0.99)
payoff = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def small_games(draw, max_players: int = 7):
    n = draw(st.integers(2, max_players))
    # integer payoffs make ties (degenerate counts) common, which is what we want to test
    ints = draw(st.booleans())
    elements = st.integers(-3, 3).map(float) if ints else payoff
    act = draw(arrays(float, n, elements=elements))
    not_ = draw(arrays(float, n, elements=elements))
    return AnonymousBinaryGame(act, not_)


def test_volunteers_dilemma_worked_number():
    # THEORIES.md: b = 1, c = 0.4, N = 5 gives a balancing probability of 0.205 each.
    eq = symmetric_equilibria(AnonymousBinaryGame.volunteers_dilemma(5, 1.0, 0.4))
    assert eq.count == 1 and eq.complete
    assert eq.probability[0] == pytest.approx(0.205, abs=5e-4)


@given(st.integers(2, 3000), ratio)
def test_volunteers_dilemma_closed_form(n, r):
    game = AnonymousBinaryGame.volunteers_dilemma(n, 1.0, r)
    eq = symmetric_equilibria(game)
    assert eq.count == 1 and bool(eq.complete)
    p = 1 - r ** (1 / (n - 1))
    assert eq.probability[0] == pytest.approx(p, rel=1e-8)
    assert eq.max_relative_regret <= 1e-9
    # nobody volunteers with probability (c/b)^(N/(N-1))
    nobody = game.actor_distribution(eq.probability[0])[0]
    assert nobody == pytest.approx(r ** (n / (n - 1)), rel=1e-7)
    # pure equilibria: exactly one volunteer
    assert pure_equilibria_counts(game).actors() == [1]


@given(st.integers(3, 40), ratio)
def test_probability_that_nobody_volunteers_rises_with_n(n, r):
    games = (
        AnonymousBinaryGame.volunteers_dilemma(n, 1.0, r),
        AnonymousBinaryGame.volunteers_dilemma(n + 1, 1.0, r),
    )
    nobody = [g.actor_distribution(symmetric_equilibria(g).probability[0])[0] for g in games]
    assert nobody[1] > nobody[0]


def _brute_force_pure_counts(game: AnonymousBinaryGame, tol: float) -> set[int]:
    """Counts of actors at the pure equilibria of the full normal form, by irgames.regret."""
    nf = game.to_normal_form()
    n = game.n_players
    found = set()
    for profile in itertools.product((0, 1), repeat=n):
        strategies = [np.eye(2)[s] for s in profile]
        if regret(nf, strategies).max() <= tol:
            found.add(sum(profile))
    return found


@given(small_games(max_players=6))
def test_pure_counts_match_brute_force_on_the_normal_form(game):
    tol = DEFAULT_TOL * float(game.payoff_scale)  # the solver's default, as pure_equilibria's
    counts = pure_equilibria_counts(game)
    assert set(counts.actors()) == _brute_force_pure_counts(game, tol)
    assert np.all(counts.regret[counts.is_equilibrium] <= tol)
    assert np.all(counts.regret[~counts.is_equilibrium] > tol)


@given(small_games(max_players=5))
def test_pure_counts_match_the_normal_form_pure_solver(game):
    pure = pytest.importorskip("irgames.solvers.pure")
    eq = pure.pure_equilibria(game.to_normal_form())
    counts = {round(float(sum(s[r][1] for s in eq.strategies))) for r in range(len(eq))}
    assert set(pure_equilibria_counts(game).actors()) == counts


@given(st.integers(2, 60), st.integers(1, 60), ratio)
def test_threshold_public_good(n, t, r):
    t = min(t, n)
    game = AnonymousBinaryGame.threshold_public_good(n, t, benefit=1.0, cost=r)
    # pure: nobody acts (when t >= 2), or exactly t act
    expected = {t} | ({0} if t >= 2 else set())
    assert set(pure_equilibria_counts(game).actors()) == expected
    # mixed: b * Binom(t - 1; N - 1, p) = c, i.e. the pivotal probability equals c/b
    eq = symmetric_equilibria(game)
    for p in eq.probability:
        assert binom.pmf(t - 1, n - 1, p) == pytest.approx(r, rel=1e-7)
    assert eq.max_relative_regret <= 1e-9
    # the roots: none if the pmf never reaches c/b, else two (one when t is 1 or N)
    peak = binom.pmf(t - 1, n - 1, (t - 1) / (n - 1)) if n > 1 else 1.0
    if t in (1, n):
        assert eq.count == 1
    elif peak > r * (1 + 1e-6):
        assert eq.count == 2 and bool(eq.complete)
    elif peak < r * (1 - 1e-6):
        assert eq.count == 0


def _bernstein_roots(d: np.ndarray) -> np.ndarray:
    """Roots in (0, 1) of sum_k C(n,k) p^k (1-p)^(n-k) d_k, through the power basis."""
    n = d.size - 1
    poly = np.zeros(n + 1)
    for k in range(n + 1):
        # C(n,k) p^k (1-p)^(n-k) = C(n,k) sum_j C(n-k, j) (-1)^j p^(k+j)
        for j in range(n - k + 1):
            poly[k + j] += d[k] * comb(n, k) * comb(n - k, j) * (-1) ** j
    if np.allclose(poly, 0):
        return np.array([])
    roots = P.polyroots(P.polytrim(poly))
    real = roots[np.abs(roots.imag) < 1e-7].real
    return np.sort(real[(real > 1e-6) & (real < 1 - 1e-6)])


@given(small_games(max_players=7))
def test_mixed_equilibria_are_the_roots_and_have_zero_regret(game):
    eq = symmetric_equilibria(game)
    nf = game.to_normal_form()
    scale = float(game.payoff_scale)
    for p in eq.probability:
        profile = [np.array([1 - p, p])] * game.n_players
        assert regret(nf, profile).max() <= 1e-8 * scale
    if eq.degenerate:
        return
    assert eq.count <= eq.sign_changes
    assert (eq.sign_changes - eq.count) % 2 == 0 or not eq.complete
    # every simple root of the polynomial (found in the power basis) is found
    reference = _bernstein_roots(game.gain)
    f_prime_ok = [
        abs(indifference(game, [min(x + 1e-5, 1)])[0] - indifference(game, [max(x - 1e-5, 0)])[0])
        > 1e-7 * scale
        for x in reference
    ]
    for x, simple in zip(reference, f_prime_ok, strict=True):
        if simple:
            assert np.min(np.abs(eq.probability - x), initial=np.inf) < 1e-5


@pytest.mark.parametrize(
    ("act", "not_", "roots"),
    [
        # f(p) = -1e-300 (1 - p)^2: no root inside (0, 1), although f underflows near p = 1
        ([0.0, 0.0, 0.0], [1e-300, 0.0, 0.0], []),
        # f(p) = -(1 - p)^999 underflows to zero on most of (0, 1): still no root
        ([-1.0] + [0.0] * 999, [0.0] * 1000, []),
        # the same game as ([-1, 2, 0], [0, 0, 0]) up to a shift of tiny size: root 1/5
        ([-1.0, 2.0, 0.0], [1e-300, 0.0, 0.0], [0.2]),
    ],
)
def test_tiny_or_underflowing_indifference_gives_no_spurious_roots(act, not_, roots):
    eq = symmetric_equilibria(AnonymousBinaryGame(np.array(act), np.array(not_)))
    np.testing.assert_allclose(eq.probability, roots, rtol=1e-12)
    assert bool(eq.complete)


@given(
    small_games(),
    st.integers(-3, 3).map(lambda e: 2.0**e),
    st.integers(-20, 20).map(lambda x: x / 4),
)
def test_equilibria_are_invariant_under_affine_transformations(game, a, b):
    # quarter-integer payoffs, a power-of-two scale and a quarter-integer shift keep the
    # transformation exact in floating point, so the answers must agree exactly
    game = AnonymousBinaryGame(np.round(game.payoff_act * 4) / 4, np.round(game.payoff_not * 4) / 4)
    moved = AnonymousBinaryGame(a * game.payoff_act + b, a * game.payoff_not + b)
    assert pure_equilibria_counts(moved).actors() == pure_equilibria_counts(game).actors()
    p0, p1 = symmetric_equilibria(game), symmetric_equilibria(moved)
    assert p0.count == p1.count
    assert np.allclose(p0.probability, p1.probability, atol=1e-8)


def test_entry_game_pure_equilibria_closed_form():
    prize, cost = 6.0, np.array([0.5, 1.0, 1.3, 2.5])
    counts = pure_equilibria_counts(AnonymousBinaryGame.entry_game(10, prize, cost))
    for i, c in enumerate(cost):
        expected = [
            m
            for m in range(11)
            if (m == 0 or prize / m >= c - 1e-12) and (m == 10 or prize / (m + 1) <= c + 1e-12)
        ]
        assert counts.actors(i) == expected


def test_batch_of_large_games_and_lookup_helpers():
    n = np.array([[2], [7]])
    games = AnonymousBinaryGame.volunteers_dilemma(2000, 1.0, np.array([[0.2, 0.5, 0.8]]))
    eq = symmetric_equilibria(games)
    assert eq.batch_shape == (1, 3) and eq.count.tolist() == [[1, 1, 1]]
    assert np.allclose(eq.extreme("max")[0], 1 - np.array([0.2, 0.5, 0.8]) ** (1 / 1999))
    assert eq.for_game((0, 1)).size == 1
    counts = pure_equilibria_counts(AnonymousBinaryGame.threshold_public_good(8, n, 1.0, 0.3))
    assert counts.fewest[:, 0].tolist() == [0, 0]
    assert counts.most[:, 0].tolist() == [2, 7]


def test_degenerate_game_is_flagged():
    game = AnonymousBinaryGame(np.ones(6), np.ones(6))
    eq = symmetric_equilibria(game)
    assert bool(eq.degenerate) and len(eq) == 0
    assert pure_equilibria_counts(game).count == 7


def test_bad_options_raise():
    game = AnonymousBinaryGame.volunteers_dilemma(4, 1.0, 0.5)
    with pytest.raises(ValueError, match="tolerance"):
        symmetric_equilibria(game, tol=0)
    with pytest.raises(ValueError, match="grid"):
        symmetric_equilibria(game, grid=2)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        indifference(game, [1.5])


@given(small_games())
def test_relabelling_act_and_not_act_mirrors_the_equilibria(game):
    # swapping the two actions maps m actors to N - m and p to 1 - p
    mirrored = AnonymousBinaryGame(game.payoff_not[..., ::-1], game.payoff_act[..., ::-1])
    n = game.n_players
    assert sorted(n - m for m in pure_equilibria_counts(game).actors()) == (
        pure_equilibria_counts(mirrored).actors()
    )
    p0, p1 = symmetric_equilibria(game), symmetric_equilibria(mirrored)
    if bool(p0.complete) and bool(p1.complete):
        assert np.allclose(np.sort(1 - p0.probability), p1.probability, atol=1e-7)


@given(
    small_games(max_players=6),
    st.floats(-12.0, 12.0).map(lambda e: 10.0**e),
    st.floats(-5.0, 5.0),
)
def test_equilibria_do_not_depend_on_the_payoff_scale(game, factor, shift):
    # the players share one payoff function, so a player's unit is the game's range: any
    # factor in [1e-12, 1e12] and any shift (in units of the range) changes no equilibrium;
    # the pure counts are checked against the normal form's brute force too
    unit = float(game.payoff_scale)
    np.testing.assert_array_equal(game.payoff_units, np.full(game.n_players, unit))
    moved = AnonymousBinaryGame(
        factor * (game.payoff_act + shift * unit), factor * (game.payoff_not + shift * unit)
    )
    counts = pure_equilibria_counts(moved).actors()
    assert counts == pure_equilibria_counts(game).actors()
    assert set(counts) == _brute_force_pure_counts(moved, 1e-9 * float(moved.payoff_scale))
    p0, p1 = symmetric_equilibria(game), symmetric_equilibria(moved)
    assert p0.count == p1.count
    assert np.allclose(p0.probability, p1.probability, atol=1e-8)


def test_a_batch_whose_sign_grid_does_not_fit_is_refused(monkeypatch):
    from irgames.errors import WorkTooLargeError

    game = AnonymousBinaryGame.volunteers_dilemma(5, np.full(2000, 1.0), 0.4)
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "1M")  # the grid needs about 7 MiB
    with pytest.raises(WorkTooLargeError, match="in chunks"):
        symmetric_equilibria(game)
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "64M")
    assert symmetric_equilibria(game).count.sum() == 2000
