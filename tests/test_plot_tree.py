"""Drawn game trees: the tidy layout, the picture both drawings share, and ``game.draw()``.

The layout is checked against its definition (leaves one unit apart in depth-first order,
every inner node centred over its first and last child, layers by depth) on random trees;
the drawing is checked by what it holds: one line per edge and per information-set link, the
action labels and payoffs as texts, the equilibrium path as the thick lines into the nodes that
the solver's reach probabilities say are reached.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib = pytest.importorskip("matplotlib")

from irgames.games.extensive_form import TreeBuilder  # noqa: E402
from irgames.games.layout import preorder, tidy_layout, tree_picture  # noqa: E402
from irgames.plot import OKABE_ITO, _label_number, draw_tree, pyplot  # noqa: E402
from irgames.solvers.backward_induction import backward_induction  # noqa: E402
from irgames.testing import trees  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _draw_trees_module():
    spec = importlib.util.spec_from_file_location("draw_trees", REPO / "docs" / "draw_trees.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def model_trees():
    found = _draw_trees_module().model_trees()
    # the discovery must find the models that are known to be trees (it cannot silently pass)
    assert {"sanctions_paradox", "omnibalancing", "omnibalancing_threats"} <= set(found)
    return found


def _entry(game):
    T = TreeBuilder(["A", "B"])
    return T.build(
        T.decision(
            "A",
            {
                "out": T.terminal(1, 3),
                "in": T.decision("B", {"fight": T.terminal(-1, -1), "yield": T.terminal(2, 1)}),
            },
        ),
        title=game,
    )


# ----------------------------------------------------------------------------- the layout
def _children(parent):
    kids = [[] for _ in parent]
    for v in range(1, len(parent)):
        kids[parent[v]].append(v)
    return kids


@given(trees(max_depth=st.integers(1, 4), p_merge=st.sampled_from([0.0, 0.5])))
def test_the_layout_is_tidy_by_definition(game):
    parent = np.asarray(game.parent)
    x, y = tidy_layout(parent)
    kids = _children(parent)
    order = preorder(parent).tolist()
    assert sorted(order) == list(range(game.n_nodes))  # every node once
    leaves = [v for v in order if not kids[v]]
    assert x[leaves].tolist() == list(range(len(leaves)))  # evenly spaced, in DFS order
    for v, ks in enumerate(kids):
        if ks:
            assert x[v] == pytest.approx(0.5 * (x[ks[0]] + x[ks[-1]]))  # centred
            assert np.all(np.diff(x[ks]) > 0)  # siblings left to right, in action order
        assert y[v] == -game.depth[v]
    # no two nodes of a layer share a place, and subtrees do not interleave
    for d in np.unique(game.depth):
        layer = np.flatnonzero(game.depth == d)
        assert np.unique(x[layer]).size == layer.size
        by_x = layer[np.argsort(x[layer])]
        position = {v: i for i, v in enumerate(order)}
        assert [position[v] for v in by_x] == sorted(position[v] for v in by_x)


def test_the_layout_rejects_a_parent_array_out_of_order():
    from irgames.errors import GameValueError

    with pytest.raises(GameValueError, match="after its parent"):
        tidy_layout([-1, 2, 0])
    with pytest.raises(GameValueError, match="root"):
        tidy_layout([0, 0])


# ----------------------------------------------------------------------------- the picture
def test_picture_of_a_batch_draws_one_point_and_says_which():
    T = TreeBuilder(["A", "B"], parameters="b")
    (b,) = T.symbols
    game = T.build(
        T.decision(
            "A",
            {"out": T.terminal(1, 3), "in": T.decision("B", {"fight": T.terminal(-1, b),
                                                             "yield": T.terminal(2, 1)})},
        )
    ).bind(b=np.array([0.0, 5.0]))  # fmt: skip
    spe = backward_induction(game)
    first = tree_picture(game, equilibrium=spe)
    second = tree_picture(game, equilibrium=spe, point=1)
    assert first.note == "point (0,) of a batch of shape (2,)"
    assert second.note == "point (1,) of a batch of shape (2,)"
    fight = int(game.children[2, 0])
    # b = 0: B yields, A enters; b = 5: B fights, A stays out
    assert [first.on_path(v) for v in (1, 2, fight)] == [False, True, False]
    assert [second.on_path(v) for v in (1, 2, fight)] == [True, False, False]
    assert second.chosen(fight) and not second.on_path(fight)  # off-path choice of B
    assert second.payoffs[1] == (-1.0, 5.0)  # terminals in node order: out, fight, yield
    with pytest.raises(ValueError, match="outside the batch of 2 games"):
        tree_picture(game, point=2)


def test_a_behaviour_profile_gives_the_reach_probabilities():
    game = _entry("entry")
    # A enters with 1/4, B fights with 1/2
    behaviour = np.array([[0.75, 0.25], [0.5, 0.5]])
    pic = tree_picture(game, equilibrium=behaviour)
    fight, give = int(game.children[2, 0]), int(game.children[2, 1])
    assert pic.reach[[1, 2, fight, give]] == pytest.approx([0.75, 0.25, 0.125, 0.125])
    with pytest.raises(ValueError, match="n_infosets=2"):
        tree_picture(game, equilibrium=np.ones((3, 2)))


def test_an_unbound_game_cannot_highlight_an_equilibrium():
    from irgames.models.sanctions_paradox import coercion_game

    with pytest.raises(ValueError, match="bind the parameters first"):
        tree_picture(coercion_game(), equilibrium=np.zeros((3, 3)))


# ----------------------------------------------------------------------------- draw()
def _check_drawing(game, ax, pic):
    n_edges = game.n_nodes - 1
    assert len(ax.lines) == n_edges + len(pic.infoset_links)
    texts = [t.get_text() for t in ax.texts]
    labels = {a for v in range(game.n_nodes) for a in game.action_labels[v]}
    for label in labels:
        assert any(t.startswith(label) for t in texts), label
    for row in pic.payoffs:  # each terminal's payoff vector, one player per line
        assert "\n".join(_label_number(u) for u in row) in texts
    dashed = [line for line in ax.lines if line.get_linestyle() not in ("-", "solid")]
    assert len(dashed) == len(pic.infoset_links)
    assert len(pic.infoset_links) == int(np.sum(game.infoset_size - 1))


@settings(max_examples=25)
@given(trees(p_merge=st.sampled_from([0.0, 0.5]), p_chance=st.sampled_from([0.0, 0.3])))
def test_draw_holds_every_edge_label_payoff_and_information_set(game):
    plt = pyplot()
    point = game.batch_size - 1 if game.batch_shape else None  # the last game of a batch
    ax = game.draw(point=point)
    try:
        _check_drawing(game, ax, tree_picture(game, point=point))
    finally:
        plt.close(ax.figure)


@settings(max_examples=25)
@given(trees(p_chance=st.sampled_from([0.0, 0.3])))
def test_draw_highlights_the_path_the_solver_reaches(game):
    spe = backward_induction(game)
    plt = pyplot()
    ax = draw_tree(game, equilibrium=spe)
    try:
        reach = np.asarray(spe.reach)[(0,) * len(game.batch_shape)]
        thick = [line for line in ax.lines if line.get_linewidth() == 3.0]
        assert len(thick) == int(np.sum(reach[1:] > 1e-12))
        for line in thick:
            assert matplotlib.colors.to_hex(line.get_color()) == OKABE_ITO["blue"].lower()
        # the path ends at terminals: every reached leaf is the end of a thick line
        ends = {(float(line.get_xdata()[1]), float(line.get_ydata()[1])) for line in thick}
        x, y = tidy_layout(game.parent)
        for t in game.terminals:
            if reach[t] > 1e-12 and t != 0:
                assert (float(x[t]), float(y[t])) in ends
    finally:
        plt.close(ax.figure)


def test_draw_every_models_tree(model_trees):
    plt = pyplot()
    for name, game in model_trees.items():
        ax = game.draw()
        try:
            _check_drawing(game, ax, tree_picture(game))
            assert ax.get_title() == game.title, name
        finally:
            plt.close(ax.figure)


def test_draw_a_models_tree_at_a_bound_point_with_its_equilibrium():
    from irgames.models.sanctions_paradox import coercion_game

    game = coercion_game().bind(
        D=1.0, c_s=1.0, c_t=3.0, B_s=0.5, B_t=np.array([0.2, 0.9]), a_S=0.0, a_T=0.0, w_T=-20.0
    )
    spe = backward_induction(game)
    plt = pyplot()
    ax = game.draw(equilibrium=spe, point=1)
    try:
        assert "point (1,) of a batch of shape (2,)" in ax.get_title()
        thick = [line for line in ax.lines if line.get_linewidth() == 3.0]
        assert len(thick) == len(spe.path_labels(1))
    finally:
        plt.close(ax.figure)


def test_draw_on_a_given_axes():
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2)
    try:
        assert draw_tree(_entry("a"), ax=right) is right
        assert len(right.lines) == 4 and len(left.lines) == 0
    finally:
        plt.close(fig)


def test_the_committed_tree_files_are_up_to_date(model_trees):
    folder = REPO / "docs" / "figures" / "trees"
    for name, game in model_trees.items():
        for suffix in (".png", ".pdf"):
            assert (folder / f"{name}{suffix}").stat().st_size > 0, name
        committed = (folder / f"{name}.tex").read_text(encoding="utf-8")
        assert committed == game.to_tikz(), f"run python docs/draw_trees.py ({name} changed)"
