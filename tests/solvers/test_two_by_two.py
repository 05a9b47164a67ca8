"""2x2 games in closed form: regret, agreement with vertex enumeration, degenerate continua."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from irgames.errors import SolverError
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.solvers.pure import pure_equilibria
from irgames.solvers.two_by_two import solve_two_by_two, two_by_two

TOL = 1e-9

small_integers = st.integers(-2, 2).map(float)  # many ties, hence many degenerate games
reals = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
quarters = st.integers(-400, 400).map(lambda k: k / 4)  # affine maps below are exact on these


def batches(elements, max_games=30):
    return st.integers(1, max_games).flatmap(
        lambda G: hnp.arrays(float, (G, 2, 2, 2), elements=elements)
    )


def assert_same_extremes(first, second, atol=1e-9):
    """Same games, same extreme equilibria (within ``atol``) and the same grouping into
    components (a bijection of component labels), without rounding to a grid."""
    np.testing.assert_array_equal(first.count, second.count)
    for g in np.unique(np.concatenate([first.game_index, second.game_index])):
        a, b = first.for_game(int(g)), second.for_game(int(g))
        pa = np.stack([a.strategies[0][:, 0], a.strategies[1][:, 0]], axis=1)
        pb = np.stack([b.strategies[0][:, 0], b.strategies[1][:, 0]], axis=1)
        close = np.abs(pa[:, None, :] - pb[None, :, :]).max(axis=2) <= atol  # (ka, kb)
        assert np.all(close.sum(axis=1) == 1) and np.all(close.sum(axis=0) == 1), (pa, pb)
        match = close.argmax(axis=1)
        pairs = set(zip(a.component.tolist(), b.component[match].tolist(), strict=True))
        assert len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs}), pairs


def vertex_enumeration():
    module = pytest.importorskip("irgames.solvers.vertex_enumeration")
    return module.vertex_enumeration


@given(payoffs=st.one_of(batches(small_integers, 12), batches(reals, 12)))
def test_every_row_is_an_equilibrium_and_matches_vertex_enumeration(payoffs):
    game = NormalFormGame(payoffs, n_players=2)
    eq = two_by_two(game, tol=TOL)
    assert np.all(eq.player_regret <= TOL * eq.units)
    reference = vertex_enumeration()(game, tol=TOL)
    assert_same_extremes(eq, reference)
    np.testing.assert_array_equal(eq.count, reference.count)
    np.testing.assert_array_equal(eq.degenerate, reference.degenerate)


@given(payoffs=batches(reals))
def test_nondegenerate_games_have_an_odd_number_of_isolated_equilibria(payoffs):
    game = NormalFormGame(payoffs, n_players=2)
    eq = two_by_two(game)
    regular = ~eq.degenerate
    assert np.all(eq.count[regular] % 2 == 1)
    for g in np.flatnonzero(regular):
        rows = eq.for_game(int(g))
        assert len(set(rows.component.tolist())) == len(rows)


@given(payoffs=batches(small_integers, max_games=10))
def test_pure_rows_are_the_pure_equilibria(payoffs):
    game = NormalFormGame(payoffs, n_players=2)
    eq = two_by_two(game)
    pure_rows = np.all((eq.strategies[0] == 0) | (eq.strategies[0] == 1), axis=1) & np.all(
        (eq.strategies[1] == 0) | (eq.strategies[1] == 1), axis=1
    )
    ours = {
        (int(g), int(x.argmax()), int(y.argmax()))
        for g, x, y in zip(
            eq.game_index[pure_rows],
            eq.strategies[0][pure_rows],
            eq.strategies[1][pure_rows],
            strict=True,
        )
    }
    reference = pure_equilibria(game)
    assert ours == {
        (int(g), *map(int, p))
        for g, p in zip(reference.game_index, reference.options["profiles"], strict=True)
    }


@given(payoffs=st.one_of(batches(small_integers, 10), batches(quarters, 10)), data=st.data())
def test_invariant_under_affine_transforms_and_relabelling(payoffs, data):
    game = NormalFormGame(payoffs, n_players=2)
    scale = np.array(data.draw(st.lists(st.sampled_from([0.25, 1.0, 4.0]), min_size=2, max_size=2)))
    shift = np.array(data.draw(st.lists(st.sampled_from([-3.0, 0.0, 5.0]), min_size=2, max_size=2)))
    swap_rows, swap_cols = data.draw(st.booleans()), data.draw(st.booleans())
    transformed = payoffs * scale[:, None, None] + shift[:, None, None]
    if swap_rows:
        transformed = transformed[:, :, ::-1, :]
    if swap_cols:
        transformed = transformed[:, :, :, ::-1]
    eq = two_by_two(NormalFormGame(transformed, n_players=2))
    # map the transformed game's strategies back to the original labels
    x = eq.strategies[0][:, ::-1] if swap_rows else eq.strategies[0]
    y = eq.strategies[1][:, ::-1] if swap_cols else eq.strategies[1]
    original = two_by_two(game)
    assert_same_extremes(replace(eq, strategies=(x, y)), original, atol=1e-7)
    np.testing.assert_array_equal(eq.degenerate, original.degenerate)


def test_textbook_cases():
    pd = NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    eq = two_by_two(pd)
    assert [tuple(s.tolist() for s in prof) for prof in eq.profiles()] == [([0.0, 1.0], [0.0, 1.0])]
    pennies = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    ((x, y),) = two_by_two(pennies).profiles()
    np.testing.assert_allclose(x, [0.5, 0.5])
    np.testing.assert_allclose(y, [0.5, 0.5])
    # chicken: two pure and one mixed equilibrium (q = 9/10 of swerving)
    chicken = NormalFormGame.bimatrix([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
    eq = two_by_two(chicken)
    assert len(eq) == 3 and not bool(eq.degenerate)
    mixed = [prof for prof in eq.profiles() if 0 < prof[0][0] < 1]
    np.testing.assert_allclose(mixed[0][0], [0.9, 0.1])


def test_constant_game_is_one_component_with_four_vertices():
    eq = two_by_two(NormalFormGame(np.full((2, 2, 2), 7.0), n_players=2))
    assert len(eq) == 4 and bool(eq.degenerate)
    assert set(eq.component.tolist()) == {0}


def test_continuum_with_mixed_endpoint():
    # column indifferent against row 0 (beta_0 = 0), row's gain changes sign with q:
    # the mixed q* = 1/2 meets the segment p = 1, q in [1/2, 1]
    A = [[1, -1], [0, 0]]
    B = [[0, 0], [1, 0]]
    eq = two_by_two(NormalFormGame.bimatrix(A, B))
    assert bool(eq.degenerate)
    points = {(round(float(x[0]), 9), round(float(y[0]), 9)) for x, y in eq.profiles()}
    reference = vertex_enumeration()(NormalFormGame.bimatrix(A, B))
    assert points == {
        (round(float(x[0]), 9), round(float(y[0]), 9)) for x, y in reference.profiles()
    }
    assert np.all(eq.regret <= TOL)
    # the two extremes of the segment p = 1 share a component
    on_segment = [r for r in range(len(eq)) if eq.strategies[0][r, 0] == 1.0]
    assert len({int(eq.component[r]) for r in on_segment}) == 1


def test_segment_midpoints_are_equilibria():
    """Between two extreme equilibria of one component that share a strategy lie equilibria."""
    rng = np.random.default_rng(7)
    game = NormalFormGame(rng.integers(-1, 2, size=(400, 2, 2, 2)).astype(float), n_players=2)
    eq = two_by_two(game)
    checked = 0
    for r in range(len(eq)):
        for s in range(r + 1, len(eq)):
            if eq.game_index[r] != eq.game_index[s] or eq.component[r] != eq.component[s]:
                continue
            x = [eq.strategies[0][r], eq.strategies[0][s]]
            y = [eq.strategies[1][r], eq.strategies[1][s]]
            if not (np.array_equal(x[0], x[1]) or np.array_equal(y[0], y[1])):
                continue
            single = game[int(eq.game_index[r])]
            middle = ((x[0] + x[1]) / 2, (y[0] + y[1]) / 2)
            assert (regret(single, middle) / single.payoff_units).max() <= TOL
            checked += 1
    assert checked > 0


def test_batch_shape_and_raw_core():
    payoffs = np.random.default_rng(3).integers(-2, 3, size=(4, 5, 2, 2, 2)).astype(float)
    eq = two_by_two(NormalFormGame(payoffs, n_players=2))
    assert eq.count.shape == (4, 5)
    raw = solve_two_by_two(payoffs.reshape(-1, 2, 2, 2))
    np.testing.assert_array_equal(raw.count, eq.count.reshape(-1))
    np.testing.assert_array_equal(raw.game_index, eq.game_index)
    # chunking does not change the answer
    small_chunks = solve_two_by_two(payoffs.reshape(-1, 2, 2, 2), chunk=3)
    np.testing.assert_array_equal(small_chunks.p, raw.p)
    np.testing.assert_array_equal(small_chunks.component, raw.component)


def test_bad_input():
    with pytest.raises(SolverError, match="2x2"):
        two_by_two(NormalFormGame.zero_sum(np.eye(3)))
    with pytest.raises(SolverError, match="2x2"):
        two_by_two(NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3))
    with pytest.raises(SolverError, match="NormalFormGame"):
        two_by_two(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="tol"):
        two_by_two(NormalFormGame.zero_sum(np.eye(2)), tol=-1e-3)


def test_empty_batch():
    eq = two_by_two(NormalFormGame(np.zeros((0, 2, 2, 2)), n_players=2))
    assert len(eq) == 0 and eq.count.shape == (0,)


def test_agrees_with_pygambit_enummixed_on_the_corpus(gambit_corpus):
    pygambit = pytest.importorskip("pygambit")
    from irgames.io.nfg import read_nfg

    checked = 0
    for path in sorted(gambit_corpus.rglob("*.nfg")):
        game = read_nfg(path)
        if game.num_actions != (2, 2):
            continue
        theirs = pygambit.nash.enummixed_solve(pygambit.read_nfg(str(path)), rational=True)
        expected = {
            tuple(float(profile[s]) for p in profile.game.players for s in list(p.strategies)[:1])
            for profile in theirs.equilibria
        }
        ours = [(float(x[0]), float(y[0])) for x, y in two_by_two(game).profiles()]
        assert len(ours) == len(expected), path
        for point in ours:
            assert any(
                max(abs(a - b) for a, b in zip(point, e, strict=True)) <= 1e-12 for e in expected
            ), path
        checked += 1
    assert checked >= 5


def test_ties_are_judged_relative_to_the_players_own_range_and_ignore_shifts():
    # B's difference beta_0 = -2e-9 is a tie only if the unit were the range over both
    # players after shifting B by 1000; the column player's payoff unit (its own range, 1
    # here) does not move with shifts, so neither does the answer.
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    B = np.array([[0.0, 2e-9], [1.0, 0.0]])
    answers = []
    for shift in (0.0, 1e3, -1e3):
        eq = two_by_two(NormalFormGame.bimatrix(A, B + shift), tol=1e-9)
        assert eq.max_relative_regret <= TOL
        answers.append((len(eq), bool(eq.degenerate), np.round(eq.strategies[0], 6).tolist()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][1] is False
    # a difference below tol times the unit is a tie, whatever the shift (the default
    # tolerance, 1e-12, is finer than this difference: tol is passed)
    B_tie = np.array([[0.0, 2e-10], [1.0, 0.0]])
    for shift in (0.0, 1e3):
        assert bool(two_by_two(NormalFormGame.bimatrix(A, B_tie + shift), tol=1e-9).degenerate)
        assert not bool(two_by_two(NormalFormGame.bimatrix(A, B_tie + shift)).degenerate)


@given(payoffs=batches(quarters, max_games=40), tol=st.sampled_from([0.0, 0.25, 0.5, 1.0]))
def test_degenerate_exactly_where_a_difference_is_within_tolerance(payoffs, tol):
    """Each of the four payoff differences, each sign, at and beyond the tie boundary
    (quarters make ``tol * s_i`` and the differences exact): the game is reported
    degenerate iff some difference of player i's payoffs has ``|d_k| <= tol * s_i``, with
    ``s_i`` that player's own payoff range (``payoff_units``)."""
    game = NormalFormGame(payoffs, n_players=2)
    A, B = payoffs[:, 0], payoffs[:, 1]
    d = np.stack(
        [
            A[:, 0, 0] - A[:, 1, 0],
            A[:, 0, 1] - A[:, 1, 1],
            B[:, 0, 0] - B[:, 0, 1],
            B[:, 1, 0] - B[:, 1, 1],
        ]
    )
    units = np.repeat(game.payoff_units.T, 2, axis=0)  # (4, G): A's two d_k, then B's
    expected = (np.abs(d) <= tol * units).any(axis=0)
    eq = two_by_two(game, tol=tol)
    np.testing.assert_array_equal(eq.degenerate, expected)
    # a difference within tolerance is read as zero: regret up to tol times the player's unit
    assert np.all(eq.player_regret <= (tol + 1e-9) * eq.units)
    # and a nondegenerate game has an odd number of (isolated) equilibria
    regular = ~expected
    assert np.all(eq.count[regular] % 2 == 1)
