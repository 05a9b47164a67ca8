"""Subgame-perfect equilibria with imperfect information: every row is Nash in every subgame."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames import testing
from irgames.errors import SolverError
from irgames.games.extensive_form import ExtensiveFormGame, TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.games.reduced_form import reduced_normal_form
from irgames.games.tree_generators import random_tree
from irgames.io.efg import EFGParseError, read_efg
from irgames.solvers.backward_induction import backward_induction
from irgames.solvers.subgame_perfect import subgame_perfect, subgame_roots
from irgames.testing import subgame_roots_by_definition, trees


def assert_subgame_perfect(game, result, tol=1e-7):
    """The solver's subgame roots are those of the definition, and every row is Nash in every
    subgame (:func:`irgames.testing.assert_subgame_perfect`)."""
    assert subgame_roots_by_definition(game) == subgame_roots(game).tolist()
    testing.assert_subgame_perfect(game, result, tol)


imperfect_trees = trees(
    max_depth=st.integers(1, 3),
    max_branching=st.integers(2, 3),
    n_players=st.integers(1, 2),
    batch_shape=st.sampled_from([(), (2,)]),
    p_terminal=st.floats(0.1, 0.5),
    p_chance=st.sampled_from([0.0, 0.2]),
    p_merge=st.sampled_from([0.5, 0.9]),
    integer_payoffs=False,
)


@given(imperfect_trees)
def test_every_row_is_nash_in_every_subgame(game):
    result = subgame_perfect(game)
    assert result.complete
    assert np.all(result.count >= 1)  # a finite game has an SPE
    assert_subgame_perfect(game, result)


@given(
    st.builds(
        random_tree,
        seed=st.integers(0, 2**32 - 1),
        max_depth=st.integers(1, 3),
        n_players=st.integers(1, 3),
        batch_shape=st.sampled_from([(), (3,)]),
        p_chance=st.sampled_from([0.0, 0.3]),
        integer_payoffs=st.booleans(),
    )
)
def test_perfect_information_matches_backward_induction(game):
    """With perfect information the SPE are the backward-induction selections."""
    result = subgame_perfect(game)
    bi = backward_induction(game, ties="enumerate")
    assert np.array_equal(result.count, bi.enumerated.count)
    first = game.infoset_nodes_first
    for flat in range(int(np.prod(game.batch_shape, dtype=np.int64))):
        ours = {
            tuple(np.argmax(result.behavior[r, h]) for h in range(game.n_infosets))
            for r in result.for_game(flat)
        }
        if bi.enumerated.count.reshape(-1)[flat] > 1:
            rows = np.flatnonzero(bi.enumerated.game_index == flat)
            theirs = {tuple(bi.enumerated.choice[r][first]) for r in rows}
        else:
            choice = bi.choice.reshape(-1, game.n_nodes)[flat]
            theirs = {tuple(choice[first])}
        assert ours == theirs


def outside_option_before_coordination():
    """A chooses out (2, 2) or in; in, A and B play a coordination game (three equilibria)."""
    T = TreeBuilder(["A", "B"])
    root = T.decision(
        "A",
        {
            "out": T.terminal(2, 2),
            "in": T.decision(
                "A",
                {
                    "x": T.decision(
                        "B", {"x": T.terminal(3, 1), "y": T.terminal(0, 0)}, infoset="b"
                    ),
                    "y": T.decision(
                        "B", {"x": T.terminal(0, 0), "y": T.terminal(1, 3)}, infoset="b"
                    ),
                },
            ),
        },
    )
    return T.build(root)


def test_outside_option_before_a_coordination_game():
    game = outside_option_before_coordination()
    result = subgame_perfect(game)
    assert int(result.count) == 3
    assert sorted(result.payoffs[:, 0].round(9).tolist()) == [2.0, 2.0, 3.0]
    assert_subgame_perfect(game, result)
    # the mixed equilibrium of the subgame: A plays x w.p. 3/4, B plays x w.p. 1/4
    mixed = [r for r in range(3) if 0 < result.behavior[r, 1, 0] < 1]
    assert len(mixed) == 1
    np.testing.assert_allclose(result.behavior[mixed[0], 1, :2], [0.75, 0.25], atol=1e-9)
    np.testing.assert_allclose(result.behavior[mixed[0], 2, :2], [0.25, 0.75], atol=1e-9)
    assert result.behavior[mixed[0], 0, 0] == 1.0  # A stays out


def test_batch_of_parameters():
    T = TreeBuilder(["A", "B"], parameters="w")
    root = T.decision(
        "A",
        {
            "out": T.terminal("w", 0),
            "in": T.decision(
                "A",
                {
                    "x": T.decision(
                        "B", {"x": T.terminal(3, 1), "y": T.terminal(0, 0)}, infoset="b"
                    ),
                    "y": T.decision(
                        "B", {"x": T.terminal(0, 0), "y": T.terminal(1, 3)}, infoset="b"
                    ),
                },
            ),
        },
    )
    w = np.array([0.5, 2.0, 4.0])
    game = T.build(root).bind(w=w)
    result = subgame_perfect(game)
    assert result.count.tolist() == [3, 3, 3]
    for point, outside in enumerate(w):
        rows = result.for_game(point)
        go_in = result.behavior[rows, 0, 1] == 1.0
        # A enters exactly where the subgame's equilibrium pays more than the outside option
        values_in = np.array([3.0, 1.0, 0.75])
        assert go_in.sum() == int(np.sum(values_in > outside))
    assert_subgame_perfect(game, result)


def test_three_player_subgame_uses_the_n_player_solver():
    T = TreeBuilder(["A", "B", "C"])

    def cell(a, b, c):
        return T.terminal(float(a == b), float(b == c), float(c != a))

    def c_node(a, b):
        return T.decision("C", {"h": cell(a, b, 0), "t": cell(a, b, 1)}, infoset="c")

    def b_node(a):
        return T.decision("B", {"h": c_node(a, 0), "t": c_node(a, 1)}, infoset="b")

    game = T.build(T.decision("A", {"h": b_node(0), "t": b_node(1)}))
    result = subgame_perfect(game)
    assert int(result.count) >= 1
    assert_subgame_perfect(game, result)


def test_errors():
    T = TreeBuilder(["A"], parameters="c")
    game = T.build(T.decision("A", {"x": T.terminal("c"), "y": T.terminal(0)}))
    with pytest.raises(GameValueError, match="unbound"):
        subgame_perfect(game)
    with pytest.raises(SolverError, match="ExtensiveFormGame"):
        subgame_perfect("not a game")


def test_corpus_games(gambit_corpus):
    checked = 0
    for path in sorted(gambit_corpus.rglob("*.efg")):
        try:
            game = read_efg(path)
            reduced = reduced_normal_form(game, max_strategies=40)
        except (EFGParseError, GameValueError):
            continue
        if game.n_players > 2 or np.prod(reduced.game.num_actions) > 100:
            continue
        result = subgame_perfect(game)
        assert len(result) >= 1, path
        assert_subgame_perfect(game, result)
        checked += 1
    assert checked >= 20


def _three_player_simultaneous_tree():
    """Three players move at once (one information set each): a 2x2x2 strategic form."""
    T = TreeBuilder(["A", "B", "C"])
    rng = np.random.default_rng(5)

    def c_moves():
        return T.decision(
            "C", {c: T.terminal(*rng.standard_normal(3)) for c in ("u", "v")}, infoset="c"
        )

    def b_moves():
        return T.decision("B", {b: c_moves() for b in ("s", "t")}, infoset="b")

    return T.build(T.decision("A", {a: b_moves() for a in ("x", "y")}))


def test_n_player_subgames_beyond_max_profiles_are_refused_with_their_size():
    game = _three_player_simultaneous_tree()
    result = subgame_perfect(game)  # 8 profiles: solved
    assert len(result) >= 1
    assert_subgame_perfect(game, result)
    with pytest.raises(SolverError, match=r"2x2x2 \(8 profiles among 3 players.*max_profiles=7"):
        subgame_perfect(game, max_profiles=7)


def test_chain_store_is_refused_at_once(gambit_corpus):
    # contrib/games/cs.efg: the root subgame's reduced form is 64x2x8x512 among 4 players
    # (logit homotopy would run for many minutes); the refusal names the size
    path = gambit_corpus / "contrib" / "games" / "cs.efg"
    if not path.exists():
        pytest.skip("cs.efg is not in the corpus")
    with pytest.raises(SolverError, match=r"64x2x8x512 \(524,288 profiles"):
        subgame_perfect(read_efg(path))


# ----------------------------------------------------------------------------- payoff units


def _with_bystander(game, seed):
    """``game`` (one player) with a second player B who never moves, payoffs in [-1, 1]."""
    rng = np.random.default_rng(seed)
    extra = rng.uniform(-1.0, 1.0, game.payoffs.shape)
    return ExtensiveFormGame(
        ["A", "B"],
        game.parent,
        game.mover,
        infoset=game.infoset,
        action_labels=game.action_labels,
        payoffs=np.concatenate([game.payoffs, extra], axis=-1),
        chance_probs=game.chance_probs if game.chance_nodes.size else None,
    )


def test_one_chooser_ties_are_judged_in_her_own_unit():
    # Nature moves, then A chooses at one information set of two nodes; "r" is strictly better
    # for A by her whole payoff range, 1e-10. B (range 1) never moves; the old unit (the
    # largest range of any player) called A's choice a tie and listed both plans.
    T = TreeBuilder(["A", "B"])
    root = T.chance(
        {
            "h": (
                0.5,
                T.decision("A", {"l": T.terminal(0, 0), "r": T.terminal(1e-10, 1)}, infoset="a"),
            ),
            "t": (
                0.5,
                T.decision("A", {"l": T.terminal(0, 1), "r": T.terminal(1e-10, 0)}, infoset="a"),
            ),
        }
    )
    result = subgame_perfect(T.build(root))
    assert int(result.count) == 1
    np.testing.assert_array_equal(result.behavior[0, 0], [0.0, 1.0])


def _scaled(game, player, factor, shift):
    payoffs = np.array(game.payoffs, dtype=float)
    spread = payoffs[..., player].max(axis=-1) - payoffs[..., player].min(axis=-1)
    payoffs[..., player] = factor * (payoffs[..., player] + shift * spread[..., None])
    return game.with_payoffs(payoffs)


def _pure_rows(result, flat):
    return sorted(tuple(np.round(result.behavior[r].ravel(), 9)) for r in result.for_game(flat))


one_chooser_trees = st.builds(
    _with_bystander,
    st.builds(
        random_tree,
        seed=st.integers(0, 2**32 - 1),
        max_depth=st.integers(1, 3),
        max_branching=st.integers(2, 3),
        n_players=st.just(1),
        batch_shape=st.sampled_from([(), (2,)]),
        p_terminal=st.floats(0.1, 0.5),
        p_chance=st.sampled_from([0.0, 0.3]),
        integer_payoffs=st.booleans(),
        p_merge=st.sampled_from([0.0, 0.5, 0.9]),
    ),
    st.integers(0, 2**32 - 1),
)
perfect_information_trees = st.builds(
    random_tree,
    seed=st.integers(0, 2**32 - 1),
    max_depth=st.integers(1, 3),
    n_players=st.integers(2, 3),
    batch_shape=st.sampled_from([(), (2,)]),
    p_chance=st.sampled_from([0.0, 0.3]),
    integer_payoffs=st.booleans(),
)


@given(
    st.one_of(one_chooser_trees, perfect_information_trees),
    st.integers(0, 2),
    st.floats(-12.0, 12.0).map(lambda e: 10.0**e),
    st.floats(-5.0, 5.0),
)
def test_scaling_one_players_payoffs_leaves_the_spe_unchanged(game, player, factor, shift):
    # subgames in which one player chooses (every subgame of a perfect-information tree, and
    # those of a tree with one chooser and a bystander): the solver's own optimal-plan step
    player = player % game.n_players
    moved = _scaled(game, player, factor, shift)
    base, new = subgame_perfect(game), subgame_perfect(moved)
    np.testing.assert_array_equal(new.count, base.count)
    for flat in range(int(np.prod(game.batch_shape, dtype=np.int64))):
        assert _pure_rows(new, flat) == _pure_rows(base, flat)
    if game.is_perfect_information:  # oracle: backward induction's listed ties
        np.testing.assert_array_equal(
            new.count, backward_induction(moved, ties="enumerate").enumerated.count
        )


def test_combining_the_subgames_counts_bytes(monkeypatch):
    from irgames.errors import WorkTooLargeError

    tree = outside_option_before_coordination()  # at 4000 points
    game = tree.with_payoffs(np.broadcast_to(tree.payoffs, (4000, *tree.payoffs.shape)))
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "256K")
    with pytest.raises(WorkTooLargeError, match="combining the equilibria"):
        subgame_perfect(game)
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "64M")
    assert np.all(subgame_perfect(game).count == 3)


def test_three_player_tree_with_a_two_player_subgame_is_solved():
    """A subgame where one of three players has a single plan is a two-player game: the
    squeezed payoffs had the players' axis first (numpy moved the separated advanced indices
    to the front), so this tree raised GameValueError ('payoffs axis -3 must hold the 2
    players') before the fix."""
    game = random_tree(7, n_players=3, p_merge=0.5, max_depth=3)
    assert not game.is_perfect_information
    result = subgame_perfect(game)
    assert len(result) >= 1
    testing.assert_subgame_perfect(game, result)
