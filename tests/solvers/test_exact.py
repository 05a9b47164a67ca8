"""Exact mode: rational equilibria, certificates, conversions, agreement with float solvers."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from twoplayer_strategies import same_profile_sets

import irgames as ig
from irgames.games.regret import regret
from irgames.solvers.exact import certify, exact_equilibria, exact_regret, to_fraction
from irgames.solvers.vertex_enumeration import vertex_enumeration
from irgames.testing import integer_bimatrix


def _partition(labels) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), set()).add(row)
    return {frozenset(g) for g in groups.values()}


@given(integer_bimatrix(max_actions=4))
def test_every_exact_equilibrium_is_certified_and_agrees_with_floats(game):
    eq = exact_equilibria(game)
    assert eq.exact and eq.complete
    rational = eq.options["rational_strategies"]
    assert len(rational) == len(eq)
    for profile in rational:
        assert certify(game, profile)
        assert exact_regret(game, profile) == (0, 0)
    assert eq.max_relative_regret <= 1e-12
    floats = vertex_enumeration(game)
    assert same_profile_sets(eq.profiles(), floats.profiles(), atol=1e-9)
    assert bool(eq.degenerate) == bool(floats.degenerate)
    # Same components (as partitions of the matched rows).
    order = [
        next(
            j
            for j, q in enumerate(floats.profiles())
            if np.allclose(p[0], q[0], atol=1e-9) and np.allclose(p[1], q[1], atol=1e-9)
        )
        for p in eq.profiles()
    ]
    assert _partition(eq.component) == _partition(floats.component[order])


@given(integer_bimatrix(max_actions=4))
def test_same_rational_equilibria_as_pygambit(game):
    gbt = pytest.importorskip("pygambit")
    A, B = game.player_payoffs(0).astype(int), game.player_payoffs(1).astype(int)
    g = gbt.Game.from_arrays(A.tolist(), B.tolist())
    theirs = {
        tuple(tuple(Fraction(str(eq[s])) for s in player.strategies) for player in g.players)
        for eq in gbt.nash.enummixed_solve(g, rational=True).equilibria
    }
    mine = set(exact_equilibria(game).options["rational_strategies"])
    assert mine == theirs


@given(integer_bimatrix(max_actions=3), st.data())
def test_exact_regret_matches_float_regret(game, data):
    m, n = game.num_actions
    weights = st.integers(0, 5)
    x = data.draw(st.lists(weights, min_size=m, max_size=m).filter(any))
    y = data.draw(st.lists(weights, min_size=n, max_size=n).filter(any))
    x = [Fraction(v, sum(x)) for v in x]
    y = [Fraction(v, sum(y)) for v in y]
    exact = exact_regret(game, (x, y))
    floats = regret(game, (np.array(x, dtype=float), np.array(y, dtype=float)))
    np.testing.assert_allclose([float(r) for r in exact], floats, rtol=0, atol=1e-12)
    assert certify(game, (x, y)) == all(r == 0 for r in exact)


def test_seventy_five_equilibria_exactly(gambit_corpus):
    from irgames.io.nfg import read_nfg

    game = read_nfg(gambit_corpus / "catalog/journals/dcg/vonstengel1999/6x6_game_with_75_eq.nfg")
    eq = exact_equilibria(game)
    assert len(eq) == 75
    assert not bool(eq.degenerate)
    assert all(certify(game, p) for p in eq.options["rational_strategies"])


def test_certify_rejects_non_equilibria_and_non_probabilities():
    battle = ([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    assert certify(battle, ([1, 0], [1, 0]))
    assert not certify(battle, ([1, 0], [0, 1]))
    assert not certify(battle, (["3/5", "2/5"], ["3/5", "2/5"]))
    assert certify(battle, (["3/5", "2/5"], ["2/5", "3/5"]))
    assert not certify(battle, (["3/5", "3/5"], ["2/5", "3/5"]))  # sums to 6/5
    assert exact_regret(battle, ([1, 0], [0, 1])) == (Fraction(2), Fraction(2))


def test_float_conversion_is_exact_unless_limited():
    assert to_fraction(0.1) == Fraction(3602879701896397, 2**55)
    assert to_fraction(0.1, max_denominator=1000) == Fraction(1, 10)
    assert to_fraction(1 / 3, max_denominator=10**6) == Fraction(1, 3)
    assert to_fraction("2/7") == Fraction(2, 7)
    assert to_fraction(np.int64(-4)) == -4
    game = ig.NormalFormGame.bimatrix([[1 / 3, 0], [0, 2 / 3]], [[2 / 3, 0], [0, 1 / 3]])
    eq = exact_equilibria(game, max_denominator=100)
    mixed = [p for p in eq.options["rational_strategies"] if 0 < p[0][0] < 1]
    assert mixed == [((Fraction(1, 3), Fraction(2, 3)), (Fraction(2, 3), Fraction(1, 3)))]


def test_batches_are_solved_game_by_game():
    A = np.array([[[1, 0], [0, 1]], [[1, 1], [0, 0]]])
    game = ig.NormalFormGame.bimatrix(A, A)
    eq = exact_equilibria(game)
    assert eq.count.tolist() == [3, 2]
    assert eq.degenerate.tolist() == [False, True]


@pytest.mark.parametrize(
    ("game", "message", "error"),
    [
        (([[1, 2]], [[1, 2], [3, 4]]), "same shape", ig.GameValueError),
        (([[1, "x"]], [[1, 2]]), "rational", ig.GameValueError),
        (([[1, float("nan")]], [[1, 2]]), "finite", ig.GameValueError),
        (([[1, 2], [3]], [[1, 2], [3, 4]]), "rows of different lengths", ig.GameValueError),
        ("not a game", "pair", ig.errors.SolverError),
    ],
)
def test_bad_input_is_rejected_with_a_message(game, message, error):
    with pytest.raises(error, match=message):
        exact_equilibria(game)


def test_profiles_of_the_wrong_length_raise():
    with pytest.raises(ig.GameValueError, match="entries"):
        certify(([[1, 0], [0, 1]], [[1, 0], [0, 1]]), ([1, 0, 0], [1, 0]))
