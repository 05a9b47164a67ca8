"""Symbolic backward induction: regimes agree with numeric backward induction."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from irgames.errors import SolverError
from irgames.games.extensive_form import TreeBuilder
from irgames.games.tree_generators import random_tree
from irgames.solvers.backward_induction import backward_induction
from irgames.solvers.symbolic import symbolic_backward_induction


@functools.cache
def coercion():
    T = TreeBuilder(
        ["S", "T"],
        parameters={
            "D": (0, None),
            "c_s": (0, None),
            "c_t": (0, None),
            "B_s": (0, 1),
            "B_t": (0, 1),
        },
    )
    D, c_s, c_t, B_s, B_t = T.symbols

    def outcome(P_s, P_t):
        return T.terminal(B_s * P_s + (1 - B_s) * (P_s - P_t), B_t * P_t + (1 - B_t) * (P_t - P_s))

    game = T.build(
        T.decision(
            "S",
            {
                "status quo": outcome(0, 0),
                "demand": T.decision(
                    "T",
                    {
                        "acquiesce": outcome(D, -D),
                        "stand firm": T.decision(
                            "S", {"back down": outcome(0, 0), "impose": outcome(-c_s, -c_t)}
                        ),
                    },
                ),
            },
        )
    )
    return game, symbolic_backward_induction(game), T.symbols


def test_credibility_condition_is_a_regime_boundary():
    game, spe, (D, c_s, c_t, B_s, B_t) = coercion()
    s2 = int(np.flatnonzero((game.mover == 0) & (game.depth == 2))[0])
    boundary = sympy.expand((1 - B_s) * c_t - c_s)
    for regime in spe.regimes:
        atoms = set(sympy.And.make_args(regime.condition))
        if regime.choice[s2] == 1:  # impose
            assert (boundary > 0) in atoms
        else:
            assert (-boundary >= 0) in atoms
    # the acceptance condition when the threat is credible: (2 - B_t) D <= c_t - (1 - B_t) c_s
    t_node = int(np.flatnonzero(game.mover == 1)[0])
    accept = sympy.expand(c_t - (1 - B_t) * c_s - (2 - B_t) * D)
    credible_accepting = [r for r in spe.regimes if r.choice[s2] == 1 and r.choice[t_node] == 0]
    assert credible_accepting
    for regime in credible_accepting:
        assert (accept >= 0) in set(sympy.And.make_args(regime.condition))


points = st.tuples(
    st.floats(0.0, 4.0),
    st.floats(0.01, 5.0),
    st.floats(0.01, 5.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)


@given(st.lists(points, min_size=1, max_size=30))
def test_symbolic_and_numeric_agree_at_random_points(rows):
    game, spe, _ = coercion()
    D, c_s, c_t, B_s, B_t = (np.array(x) for x in zip(*rows, strict=True))
    values = {"D": D, "c_s": c_s, "c_t": c_t, "B_s": B_s, "B_t": B_t}
    which, payoffs = spe.evaluate(**values)
    numeric = backward_induction(game.bind(**values))
    clear = ~numeric.ties  # away from indifference the two must coincide exactly
    assert np.all(which[clear] >= 0)
    np.testing.assert_allclose(payoffs[clear], numeric.payoffs[clear], atol=1e-9)
    for k in np.flatnonzero(clear):
        regime = spe.regimes[which[k]]
        for v, a in regime.choice.items():
            assert numeric.choice[k, v] == a


@given(
    st.builds(
        random_tree,
        seed=st.integers(0, 2**32 - 1),
        max_depth=st.integers(1, 3),
        max_branching=st.just(2),
        n_players=st.integers(1, 2),
        p_chance=st.sampled_from([0.0, 0.3]),
        integer_payoffs=st.booleans(),
    )
)
def test_numeric_trees_have_one_regime_equal_to_backward_induction(game):
    spe = symbolic_backward_induction(game)
    true_regimes = [r for r in spe.regimes if bool(r.condition)]
    assert len(true_regimes) == 1
    regime = true_regimes[0]
    numeric = backward_induction(game)
    for v, a in regime.choice.items():
        assert numeric.choice[v] == a
    np.testing.assert_allclose(
        [float(x) for x in regime.payoffs], numeric.payoffs, atol=1e-9 * float(game.payoff_scale)
    )


def test_refusals():
    T = TreeBuilder(["A", "B"])
    game = T.build(
        T.decision(
            "A",
            {
                "x": T.decision("B", {"l": T.terminal(1, 0), "r": T.terminal(0, 1)}, infoset="h"),
                "y": T.decision("B", {"l": T.terminal(0, 1), "r": T.terminal(1, 0)}, infoset="h"),
            },
        )
    )
    with pytest.raises(SolverError, match="perfect information"):
        symbolic_backward_induction(game)
    big = random_tree(0, max_depth=6, max_branching=3, p_terminal=0.0)
    with pytest.raises(SolverError, match="max_profiles"):
        symbolic_backward_induction(big)
