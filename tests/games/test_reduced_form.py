"""Reduced normal form and agent form: Kuhn equivalence, SPE are Nash, agreement with pygambit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

from irgames.games.extensive_form import CHANCE, TERMINAL, TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.games.reduced_form import agent_form, reduced_normal_form
from irgames.games.regret import expected_payoffs, regret
from irgames.games.tree_generators import random_tree
from irgames.io.efg import EFGParseError, read_efg
from irgames.solvers.backward_induction import backward_induction


def _tree_value(tree, index, behaviour):
    """Expected payoffs of a behaviour profile, by walking the tree (independent code)."""
    reach = np.zeros(tree.n_nodes)
    reach[0] = 1.0
    total = np.zeros(tree.n_players)
    kids = [[] for _ in range(tree.n_nodes)]
    for v in range(1, tree.n_nodes):
        kids[int(tree.parent[v])].append(v)
    chance_row = {int(c): r for r, c in enumerate(tree.chance_nodes)}
    term_row = {int(t): r for r, t in enumerate(tree.terminals)}
    for v in range(tree.n_nodes):
        m = int(tree.mover[v])
        if m == TERMINAL:
            total += reach[v] * tree.payoffs[index][term_row[v]]
        elif m == CHANCE:
            for a, c in enumerate(kids[v]):
                reach[c] += reach[v] * tree.chance_probs[index][chance_row[v], a]
        else:
            for a, c in enumerate(kids[v]):
                reach[c] += reach[v] * behaviour[int(tree.infoset[v]), a]
    return total


def _reduced(tree, **options):
    """The reduced normal form, or the example rejected when it is too large to tabulate
    (random trees 4 levels deep with 3 players can have millions of profiles)."""
    try:
        return reduced_normal_form(tree, **options)
    except GameValueError as error:
        if "too large" not in str(error):
            raise
        reject()


trees = st.builds(
    random_tree,
    seed=st.integers(0, 2**32 - 1),
    max_depth=st.integers(1, 4),
    max_branching=st.integers(2, 3),
    n_players=st.integers(1, 3),
    batch_shape=st.sampled_from([(), (2,), (2, 2)]),
    p_terminal=st.floats(0.1, 0.6),
    p_chance=st.sampled_from([0.0, 0.3]),
    p_merge=st.sampled_from([0.0, 0.6]),
)


@given(trees, st.integers(0, 2**32 - 1))
def test_kuhn_mixed_strategies_and_their_behaviour_agree(tree, seed):
    """Mixed reduced strategies and the behaviour strategies they induce give equal payoffs."""
    reduced = _reduced(tree)
    rng = np.random.default_rng(seed)
    sigma = [rng.dirichlet(np.ones(m)) for m in reduced.game.num_actions]
    beta = reduced.behavior(sigma)
    values = expected_payoffs(reduced.game, sigma)
    for index in np.ndindex(tree.batch_shape):
        np.testing.assert_allclose(
            values[index], _tree_value(tree, index, beta), atol=1e-9 * (1 + np.abs(values).max())
        )


@given(trees)
def test_pure_plans_are_pure_behaviour(tree):
    reduced = _reduced(tree)
    for i, plans in enumerate(reduced.plans):
        # plans are distinct
        assert len({tuple(p) for p in plans}) == plans.shape[0]
        for s in range(plans.shape[0]):
            sigma = [np.eye(m)[0] for m in reduced.game.num_actions]
            sigma[i] = np.eye(plans.shape[0])[s]
            beta = reduced.behavior(sigma)
            for j, h in enumerate(reduced.infosets[i]):
                if plans[s, j] >= 0:
                    assert beta[h, plans[s, j]] == 1.0


perfect_info = st.builds(
    random_tree,
    seed=st.integers(0, 2**32 - 1),
    max_depth=st.integers(1, 3),
    max_branching=st.integers(2, 3),
    n_players=st.integers(1, 3),
    batch_shape=st.sampled_from([(), (3,)]),
    p_chance=st.sampled_from([0.0, 0.3]),
    integer_payoffs=st.booleans(),
)


@given(perfect_info)
def test_subgame_perfect_equilibria_are_nash_in_both_forms(tree):
    result = backward_induction(tree, ties="enumerate")
    reduced = _reduced(tree)
    scale = tree.payoff_scale
    strategies = reduced.strategy_of_choice(result.choice)
    profile = [np.eye(m)[s] for m, s in zip(reduced.game.num_actions, strategies, strict=True)]
    r = regret(reduced.game, profile)
    assert np.all(r.max(axis=-1) <= 1e-9 * scale)
    np.testing.assert_allclose(
        expected_payoffs(reduced.game, profile), result.payoffs, atol=1e-9 * scale.max()
    )
    # every enumerated SPE is Nash too
    enum = result.enumerated
    if len(enum):
        flat = reduced.game.flatten()
        rows = flat[enum.game_index] if flat.batch_shape else flat
        chosen = reduced.strategy_of_choice(enum.choice)
        prof = [np.eye(m)[s] for m, s in zip(reduced.game.num_actions, chosen, strict=True)]
        assert np.all(
            regret(rows, prof).max(axis=-1) <= 1e-9 * tree.flatten().payoff_scale[enum.game_index]
        )
    # in the agent form, each information set best-responds
    first = tree.infoset_nodes_first
    if not tree.n_infosets or np.prod(tree.num_children[first], dtype=float) > 50_000:
        return
    agents = agent_form(tree)
    agent_profile = [
        np.eye(int(tree.num_children[first[h]]))[result.choice[..., first[h]]]
        for h in range(tree.n_infosets)
    ]
    assert np.all(regret(agents.game, agent_profile).max(axis=-1) <= 1e-9 * scale)


@given(trees, st.floats(0.1, 10.0), st.floats(-5.0, 5.0))
def test_affine_transformation_commutes(tree, a, b):
    base = _reduced(tree).game.payoffs
    moved = reduced_normal_form(tree.with_payoffs(a * tree.payoffs + b)).game.payoffs
    np.testing.assert_allclose(moved, a * base + b, atol=1e-9 * (abs(b) + a * np.abs(base).max()))


def test_entry_game_labels_and_payoffs():
    T = TreeBuilder(["E", "I"])
    tree = T.build(
        T.decision(
            "E",
            {
                "out": T.terminal(0, 2),
                "in": T.decision("I", {"fight": T.terminal(-1, -1), "share": T.terminal(1, 1)}),
            },
        )
    )
    reduced = reduced_normal_form(tree)
    assert reduced.game.payoffs.tolist() == [[[0, 0], [-1, 1]], [[2, 2], [-1, 1]]]


def test_plans_star_ruled_out_information_sets():
    T = TreeBuilder(["A", "B"])
    tree = T.build(
        T.decision(
            "A",
            {
                "stop": T.terminal(1, 0),
                "go": T.decision(
                    "B",
                    {
                        "l": T.decision("A", {"x": T.terminal(2, 1), "y": T.terminal(0, 2)}),
                        "r": T.terminal(0, 0),
                    },
                ),
            },
        )
    )
    reduced = reduced_normal_form(tree)
    assert reduced.strategy_labels[0] == ("stop/*", "go/x", "go/y")
    assert reduced.game.num_actions == (3, 2)


def test_imperfect_recall_is_refused():
    T = TreeBuilder(["A"])
    tree = T.build(
        T.decision(
            "A",
            {
                "a": T.decision("A", {"x": T.terminal(1), "y": T.terminal(0)}, infoset="h"),
                "b": T.decision("A", {"x": T.terminal(0), "y": T.terminal(1)}, infoset="h"),
            },
        ),
        check_recall=False,
    )
    with pytest.raises(GameValueError, match="perfect recall"):
        reduced_normal_form(tree)


def test_agrees_with_pygambit_on_the_corpus(gambit_corpus):
    gbt = pytest.importorskip("pygambit")
    checked = 0
    for path in sorted(gambit_corpus.rglob("*.efg")):
        try:
            tree = read_efg(path)
            theirs = gbt.read_efg(str(path))
        except (EFGParseError, ValueError):
            continue  # imperfect recall, or a file pygambit 16.7 refuses
        try:
            reduced = reduced_normal_form(tree, max_strategies=300)
        except GameValueError as error:
            assert "too large" in str(error) or "more than" in str(error)
            continue
        assert reduced.game.num_actions == tuple(len(p.strategies) for p in theirs.players)
        ours = np.sort(reduced.game.payoffs.ravel())
        arrays = theirs.to_arrays()
        expected = np.sort(np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays]))
        np.testing.assert_allclose(ours, expected, atol=1e-9)
        checked += 1
    assert checked > 50
