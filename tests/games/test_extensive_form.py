"""ExtensiveFormGame and TreeBuilder: structure, binding, validation with clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame, TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.games.tree_generators import complete_tree, random_tree


def entry_builder():
    T = TreeBuilder(["E", "I"], parameters={"c": (0, None), "p": (0, 1)})
    c, p = T.symbols
    root = T.decision(
        "E",
        {
            "out": T.terminal(0, 2),
            "in": T.chance(
                {
                    "strong": (
                        p,
                        T.decision("I", {"fight": T.terminal(-c, -1), "share": T.terminal(1, 1)}),
                    ),
                    "weak": (1 - p, T.terminal(2, 0)),
                }
            ),
        },
    )
    return T, root


def test_builder_structure_is_flat_and_topological():
    T, root = entry_builder()
    game = T.build(root, title="entry")
    assert game.n_nodes == 7
    assert np.all(game.parent[1:] < np.arange(1, game.n_nodes))
    assert game.mover.tolist() == [0, TERMINAL, CHANCE, 1, TERMINAL, TERMINAL, TERMINAL]
    assert game.action_labels[0] == ("out", "in")
    assert game.action_labels[2] == ("strong", "weak")
    assert [lvl.tolist() for lvl in game.levels] == [[0], [1, 2], [3, 4], [5, 6]]
    assert not game.is_bound
    assert {s.name for s in game.free_parameters} == {"c", "p"}


def test_bind_broadcasts_to_a_batch():
    T, root = entry_builder()
    game = T.build(root)
    bound = game.bind(c=np.array([[0.5], [2.0]]), p=np.array([0.1, 0.5, 0.9]))
    assert bound.batch_shape == (2, 3)
    np.testing.assert_allclose(bound.chance_probs[1, 2, 0], [0.9, 0.1])
    t = int(bound.terminal_index[5])
    np.testing.assert_allclose(bound.payoffs[:, 0, t, 0], [-0.5, -2.0])
    np.testing.assert_allclose(
        bound.payoff_scale, bound.payoffs.max((-2, -1)) - bound.payoffs.min((-2, -1))
    )
    assert bound[1, 2].batch_shape == ()


def test_bind_errors():
    T, root = entry_builder()
    game = T.build(root)
    with pytest.raises(GameValueError, match="unbound parameters: p"):
        game.bind(c=1.0)
    with pytest.raises(GameValueError, match="unknown parameter"):
        game.bind(c=1.0, p=0.5, q=2)
    with pytest.raises(GameValueError, match="p must be <= 1"):
        game.bind(c=1.0, p=1.5)
    with pytest.raises(GameValueError, match="c must be >= 0"):
        game.bind(c=-1.0, p=0.5)
    with pytest.raises(GameValueError, match="do not broadcast"):
        game.bind(c=np.ones(2), p=np.full(3, 0.5))
    with pytest.raises(GameValueError, match="unbound parameters"):
        _ = game.batch_shape


def test_probabilities_must_sum_to_one_per_point():
    T = TreeBuilder(["A"], parameters="p q")
    p, q = T.symbols
    game = T.build(T.chance({"a": (p, T.terminal(1)), "b": (q, T.terminal(0))}))
    assert game.bind(p=[0.25, 0.5], q=[0.75, 0.5]).batch_shape == (2,)
    with pytest.raises(GameValueError, match=r"sum to one.*batch index \(1,\)"):
        game.bind(p=[0.25, 0.5], q=[0.75, 0.6])
    with pytest.raises(GameValueError, match="negative probability"):
        game.bind(p=-0.5, q=1.5)


def test_builder_errors():
    T = TreeBuilder(["A", "B"])
    with pytest.raises(GameValueError, match="2 payoffs"):
        T.terminal(1)
    with pytest.raises(GameValueError, match="unknown player"):
        T.decision("C", {"x": T.terminal(0, 0)})
    with pytest.raises(GameValueError, match="non-empty"):
        T.decision("A", {})
    with pytest.raises(GameValueError, match="pair"):
        T.chance({"x": T.terminal(0, 0)})
    leaf = T.terminal(0, 0)
    with pytest.raises(GameValueError, match="appears twice"):
        T.build(T.decision("A", {"x": leaf, "y": leaf}))
    with pytest.raises(GameValueError, match="undeclared parameter"):
        T.build(T.decision("A", {"x": T.terminal("k", 0), "y": T.terminal(0, 0)}))
    with pytest.raises(GameValueError, match="same actions"):
        T.build(
            T.decision(
                "A",
                {
                    "x": T.decision("B", {"l": T.terminal(0, 0), "r": T.terminal(0, 0)}, infoset=1),
                    "y": T.decision("B", {"l": T.terminal(0, 0), "m": T.terminal(0, 0)}, infoset=1),
                },
            )
        )
    with pytest.raises(GameValueError, match="different numbers of actions"):
        T.build(
            T.decision(
                "A",
                {
                    "x": T.decision("B", {"l": T.terminal(0, 0)}, infoset=1),
                    "y": T.decision("B", {"l": T.terminal(0, 0), "m": T.terminal(0, 0)}, infoset=1),
                },
            )
        )


def test_perfect_recall_is_checked():
    T = TreeBuilder(["A", "B"])

    def forgetful():
        return T.decision(
            "A",
            {
                "x": T.decision("A", {"l": T.terminal(1, 0), "r": T.terminal(0, 0)}, infoset="h"),
                "y": T.decision("A", {"l": T.terminal(0, 0), "r": T.terminal(1, 0)}, infoset="h"),
            },
        )

    with pytest.raises(GameValueError, match="perfect recall"):
        T.build(forgetful())
    game = T.build(forgetful(), check_recall=False)
    assert "nodes 1 and 2" in game.recall_violation()
    # forgetting the other player's move is fine
    ok = T.build(
        T.decision(
            "B",
            {
                "x": T.decision("A", {"l": T.terminal(1, 0), "r": T.terminal(0, 0)}, infoset="h"),
                "y": T.decision("A", {"l": T.terminal(0, 0), "r": T.terminal(1, 0)}, infoset="h"),
            },
        )
    )
    assert ok.recall_violation() is None


def test_low_level_constructor_errors():
    with pytest.raises(GameValueError, match="after their parents"):
        ExtensiveFormGame(["A"], [-1, 2, 0], [0, TERMINAL, 0], payoffs=np.zeros((1, 1)))
    with pytest.raises(GameValueError, match="exactly the leaves"):
        ExtensiveFormGame(["A"], [-1, 0], [0, 0], payoffs=np.zeros((0, 1)))
    with pytest.raises(GameValueError, match="shape"):
        ExtensiveFormGame(["A"], [-1, 0, 0], [0, TERMINAL, TERMINAL], payoffs=np.zeros((3, 1)))
    with pytest.raises(GameValueError, match="finite"):
        ExtensiveFormGame(
            ["A"], [-1, 0, 0], [0, TERMINAL, TERMINAL], payoffs=np.array([[1.0], [np.nan]])
        )
    with pytest.raises(GameValueError, match="mixes players"):
        ExtensiveFormGame(
            ["A", "B"],
            [-1, 0, 0, 1, 1, 2, 2],
            [0, 0, 1, TERMINAL, TERMINAL, TERMINAL, TERMINAL],
            infoset=[0, 1, 1, -1, -1, -1, -1],
            payoffs=np.zeros((4, 2)),
        )


def test_deep_trees_need_no_recursion():
    depth = 20_000
    parent = np.concatenate([[-1], np.repeat(np.arange(0, 2 * depth, 2), 2)])
    mover = np.full(2 * depth + 1, TERMINAL)
    mover[0 : 2 * depth : 2] = np.arange(depth) % 2
    game = ExtensiveFormGame(["A", "B"], parent, mover, payoffs=np.zeros((depth + 1, 2)))
    assert int(game.depth.max()) == depth
    assert game.preorder().size == game.n_nodes


@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.3]), st.sampled_from([0.0, 0.7]))
def test_reordering_preserves_the_game(seed, p_chance, p_merge):
    game = random_tree(seed, max_depth=4, p_chance=p_chance, p_merge=p_merge, batch_shape=(2,))
    again = game.reordered()
    assert again.n_nodes == game.n_nodes
    assert again.reordered().parent.tolist() == again.parent.tolist()
    # same multiset of terminal payoffs, same information structure sizes
    np.testing.assert_array_equal(np.sort(again.payoffs, axis=-2), np.sort(game.payoffs, axis=-2))
    assert sorted(again.infoset_size.tolist()) == sorted(game.infoset_size.tolist())
    assert again.recall_violation() is None


def test_complete_tree_and_symbols():
    game = complete_tree(4, 3, 2, batch_shape=(2,), seed=1)
    assert game.n_nodes == (3**5 - 1) // 2
    assert game.is_perfect_information
    T = TreeBuilder(["A"], parameters=[sympy.Symbol("x", positive=True)])
    assert T["x"].is_positive
    with pytest.raises(KeyError):
        T["y"]
