"""Backward induction against an independent per-point recursion, and Drezner's coercion game."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from irgames.errors import SolverError, WorkTooLargeError
from irgames.games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame, TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.games.tree_generators import random_tree
from irgames.solvers.backward_induction import backward_induction

# ----------------------------------------------------------------------------- reference


def _children_lists(parent):
    kids = [[] for _ in parent]
    for v in range(1, len(parent)):
        kids[int(parent[v])].append(v)
    return kids


def all_pure_spe(game, index, tol):
    """Every pure SPE of one game by plain recursion: a list of (choices dict, value tuple).

    Written independently of the solver: it walks the tree from the parent array.
    """
    kids = _children_lists(game.parent)
    payoffs = np.asarray(game.payoffs[index], dtype=float)
    probs = np.asarray(game.chance_probs[index], dtype=float) if game.chance_nodes.size else None
    spread = payoffs.max(axis=0) - payoffs.min(axis=0)  # each player's own range
    eps = tol * np.where(spread > 0, spread, 1.0)  # player m's ties in m's unit
    term_row = {int(t): r for r, t in enumerate(game.terminals)}
    chance_row = {int(c): r for r, c in enumerate(game.chance_nodes)}

    def solve(v):
        m = int(game.mover[v])
        if m == TERMINAL:
            return [({}, tuple(payoffs[term_row[v]]))]
        sub = [solve(c) for c in kids[v]]
        out = []
        for combo in itertools.product(*sub):
            merged = {}
            for choices, _ in combo:
                merged.update(choices)
            vals = [np.array(val) for _, val in combo]
            if m == CHANCE:
                p = probs[chance_row[v]]
                out.append((merged, tuple(sum(p[a] * vals[a] for a in range(len(vals))))))
            else:
                best = max(val[m] for val in vals)
                for a, val in enumerate(vals):
                    if val[m] >= best - eps[m]:
                        out.append(({**merged, v: a}, tuple(val)))
        return out

    return solve(0)


def reach_of(game, index, choice):
    kids = _children_lists(game.parent)
    reach = np.zeros(game.n_nodes)
    reach[0] = 1.0
    chance_row = {int(c): r for r, c in enumerate(game.chance_nodes)}
    for v in range(game.n_nodes):
        m = int(game.mover[v])
        if m >= 0:
            reach[kids[v][int(choice[v])]] += reach[v]
        elif m == CHANCE:
            p = game.chance_probs[index][chance_row[v]]
            for a, c in enumerate(kids[v]):
                reach[c] += reach[v] * p[a]
    return reach


def _trees(max_depth: int, integer_payoffs: bool):
    return st.builds(
        random_tree,
        seed=st.integers(0, 2**32 - 1),
        max_depth=st.integers(1, max_depth),
        max_branching=st.integers(2, 3),
        n_players=st.integers(1, 3),
        batch_shape=st.sampled_from([(), (1,), (3,), (2, 2)]),
        p_terminal=st.floats(0.0, 0.6),
        p_chance=st.sampled_from([0.0, 0.0, 0.3]),
        integer_payoffs=st.just(integer_payoffs),
    )


# integer payoffs make ties (and many SPE) frequent: smaller trees keep the reference fast
trees = st.one_of(_trees(4, False), _trees(3, True))


@given(trees)
def test_agrees_with_independent_recursion(game):
    tol = 1e-9
    result = backward_induction(game, tol=tol, ties="enumerate")
    decision = np.flatnonzero(game.mover >= 0)
    for index in np.ndindex(game.batch_shape):
        flat = int(np.ravel_multi_index(index, game.batch_shape)) if index else 0
        reference = all_pure_spe(game, index, tol)
        expected = {tuple(ch[int(v)] for v in decision) for ch, _ in reference}
        assert len(expected) == len(reference)  # no strategy profile listed twice
        # the reported SPE is one of them, with the right values and path
        choice = result.choice[index]
        key = tuple(int(choice[v]) for v in decision)
        assert key in expected
        value = dict((tuple(ch[int(v)] for v in decision), val) for ch, val in reference)[key]
        scale = float(game.payoff_scale[index])
        np.testing.assert_allclose(result.payoffs[index], value, atol=1e-9 * scale)
        np.testing.assert_allclose(result.reach[index], reach_of(game, index, choice), atol=1e-12)
        # ties are flagged exactly where the SPE is not unique
        assert bool(result.ties[index]) == (len(expected) > 1)
        # enumeration lists exactly the reference set
        rows = np.flatnonzero(result.enumerated.game_index == flat)
        assert int(result.enumerated.count[index]) == len(expected)
        if len(expected) > 1:
            found = {tuple(int(c) for c in result.enumerated.choice[r][decision]) for r in rows}
            assert found == expected
            for r in rows:
                ch = result.enumerated.choice[r]
                val = dict((tuple(c[int(v)] for v in decision), x) for c, x in reference)[
                    tuple(int(ch[v]) for v in decision)
                ]
                np.testing.assert_allclose(result.enumerated.payoffs[r], val, atol=1e-9 * scale)
                np.testing.assert_allclose(
                    result.enumerated.reach[r], reach_of(game, index, ch), atol=1e-12
                )
        else:
            assert rows.size == 0


@given(trees, st.floats(0.1, 10.0), st.floats(-5.0, 5.0))
def test_invariant_under_positive_affine_transformation(game, a, b):
    base = backward_induction(game)
    moved = backward_induction(game.with_payoffs(a * game.payoffs + b))
    same = ~base.ties
    assert np.array_equal(base.choice[same], moved.choice[same])
    np.testing.assert_allclose(
        moved.payoffs, a * base.payoffs + b, atol=1e-9 * (1 + abs(b) + a * 10)
    )


@given(trees)
def test_batch_equals_pointwise(game):
    if not game.batch_shape:
        return
    whole = backward_induction(game)
    for i in range(game.batch_shape[0]):
        part = backward_induction(game[i])
        assert np.array_equal(part.choice, whole.choice[i])
        np.testing.assert_allclose(part.values, whole.values[i], atol=0, rtol=0)


def test_terminal_probability_sums_to_one():
    game = random_tree(3, max_depth=5, p_chance=0.4, batch_shape=(10,), dyadic_chance=False)
    result = backward_induction(game)
    np.testing.assert_allclose(result.terminal_probability.sum(axis=-1), 1.0, atol=1e-12)


# ----------------------------------------------------------------------------- errors


def test_refuses_imperfect_information_and_unbound():
    T = TreeBuilder(["A", "B"])
    root = T.decision(
        "A",
        {
            "x": T.decision("B", {"l": T.terminal(1, 0), "r": T.terminal(0, 1)}, infoset="h"),
            "y": T.decision("B", {"l": T.terminal(0, 1), "r": T.terminal(1, 0)}, infoset="h"),
        },
    )
    with pytest.raises(SolverError, match="perfect information"):
        backward_induction(T.build(root))
    T = TreeBuilder(["A"], parameters="c")
    game = T.build(T.decision("A", {"x": T.terminal("c"), "y": T.terminal(0)}))
    with pytest.raises(GameValueError, match="unbound parameters"):
        backward_induction(game)
    with pytest.raises(SolverError, match="ties"):
        backward_induction(game.bind(c=1.0), ties="pick")


def test_enumeration_limit_is_a_clear_error():
    game = random_tree(0, max_depth=3, batch_shape=(2,))
    game = game.with_payoffs(np.zeros_like(game.payoffs))
    with pytest.raises(WorkTooLargeError, match="max_equilibria"):
        backward_induction(game, ties="enumerate", max_equilibria=2)


# ----------------------------------------------------------------------------- Drezner


@functools.cache
def coercion_game():
    """Drezner's coercion game built with the builder (THEORIES.md, section 1)."""
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

    def outcome(P_s, P_t):  # U_i = B_i P_i + (1 - B_i)(P_i - P_j)
        return T.terminal(B_s * P_s + (1 - B_s) * (P_s - P_t), B_t * P_t + (1 - B_t) * (P_t - P_s))

    root = T.decision(
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
    return T.build(root, title="Drezner coercion")


points = st.tuples(
    st.floats(0.01, 5.0), st.floats(0.01, 5.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0)
)


@given(st.lists(points, min_size=1, max_size=20))
def test_drezner_credibility_condition(rows):
    c_s, c_t, B_s, B_t = (np.array(x) for x in zip(*rows, strict=True))
    margin = (1 - B_s) * c_t - c_s
    keep = np.abs(margin) > 1e-6 * (1 + c_s + c_t)  # away from the boundary (a tie)
    game = coercion_game().bind(D=1.0, c_s=c_s, c_t=c_t, B_s=B_s, B_t=B_t)
    result = backward_induction(game)
    labels = game.action_labels
    s2 = int(np.flatnonzero((game.mover == 0) & (game.depth == 2))[0])
    assert labels[s2] == ("back down", "impose")
    imposes = result.choice[:, s2] == 1
    assert np.array_equal(imposes[keep], (c_s <= (1 - B_s) * c_t)[keep])


@given(st.lists(points, min_size=1, max_size=8))
def test_drezner_optimal_demand_on_a_grid(rows):
    c_s, c_t, B_s, B_t = (np.array(x) for x in zip(*rows, strict=True))
    credible = c_s <= (1 - B_s) * c_t - 1e-3
    if not credible.any():
        return
    c_s, c_t, B_s, B_t = (x[credible] for x in (c_s, c_t, B_s, B_t))
    d_star = (c_t - (1 - B_t) * c_s) / (2 - B_t)
    grid = np.linspace(0.0, 6.0, 2401)  # the sender's demand as a batch axis
    step = grid[1] - grid[0]
    game = coercion_game().bind(
        D=grid[None, :],
        c_s=c_s[:, None],
        c_t=c_t[:, None],
        B_s=B_s[:, None],
        B_t=B_t[:, None],
    )
    result = backward_induction(game)
    t_node = int(np.flatnonzero(game.mover == 1)[0])
    accepts = result.choice[..., t_node] == 0
    cutoff = np.where(accepts, grid, -np.inf).max(axis=-1)  # largest demand T accepts
    assert np.all(np.abs(cutoff - d_star) <= step + 1e-9)
    # the sender's best demand on the grid is the cutoff, worth (2 - B_s) D* to her
    best = grid[np.argmax(result.payoffs[..., 0], axis=-1)]
    assert np.all(np.abs(best - d_star) <= step + 1e-9)
    u_s = result.payoffs[..., 0].max(axis=-1)
    assert np.all(np.abs(u_s - (2 - B_s) * d_star) <= (2 - B_s) * step + 1e-9)


def test_drezner_worked_example():
    game = coercion_game().bind(D=5 / 3, c_s=1.0, c_t=3.0, B_s=0.5, B_t=0.5)
    result = backward_induction(game, ties="enumerate")
    # at D = D* = 5/3 the target is exactly indifferent: both SPE are reported
    assert bool(result.ties)
    assert int(result.count) == 2
    np.testing.assert_allclose(result.enumerated.payoffs[:, 0].max(), 2.5, atol=1e-12)
    assert result.path_labels() == ["demand", "acquiesce"]


# ----------------------------------------------------------------------------- pygambit


def test_agrees_with_pygambit_on_perfect_information_corpus_games(gambit_corpus):
    """Every SPE is a pure agent-form equilibrium in pygambit, with the same payoffs."""
    gbt = pytest.importorskip("pygambit")
    from irgames.io.efg import EFGParseError, read_efg, to_pygambit_tree

    checked = 0
    for path in sorted(gambit_corpus.rglob("*.efg")):
        try:
            game = read_efg(path)
        except EFGParseError:
            continue
        if not game.is_perfect_information or game.n_infosets > 14:
            continue
        result = backward_induction(game, ties="enumerate")
        theirs, nodes = to_pygambit_tree(game, return_nodes=True)
        equilibria = gbt.nash.enumpure_agent_solve(theirs).equilibria
        profiles = set()
        for eq in equilibria:
            picks = []
            for v in np.flatnonzero(game.mover >= 0):
                actions = list(nodes[v].infoset.actions)
                picks.append(int(np.argmax([float(eq[a]) for a in actions])))
            profiles.add(tuple(picks))
        decision = np.flatnonzero(game.mover >= 0)
        ours = (
            [tuple(int(c) for c in row[decision]) for row in result.enumerated.choice]
            if result.ties
            else [tuple(int(c) for c in result.choice[decision])]
        )
        assert set(ours) <= profiles, path
        # the path of play and the payoffs of the reported SPE, in pygambit's own terms
        profile = theirs.mixed_behavior_profile(rational=False)
        for v, a in zip(decision, ours[0], strict=True):
            for j, action in enumerate(nodes[v].infoset.actions):
                profile[action] = 1.0 if j == a else 0.0
        assert float(profile.max_regret()) <= 1e-9 * float(game.payoff_scale)
        spe_payoffs = result.enumerated.payoffs[0] if result.ties else result.payoffs
        for i, player in enumerate(theirs.players):
            assert abs(float(profile.payoff(player)) - spe_payoffs[i]) <= 1e-9
        checked += 1
    assert checked >= 3


# ------------------------------------------------------------- layouts and views (main path)
@given(
    st.integers(0, 5),
    st.integers(1, 3),
    st.integers(1, 3),
    st.sampled_from([(), (4,), (2, 3)]),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_complete_trees_agree_with_independent_recursion(
    depth, branching, players, batch, ties, seed
):
    # complete trees are numbered level by level, so the main path reads every level through
    # views (no gathers); integer payoffs make ties frequent. At most 32 leaves: the reference
    # lists every SPE, and ties at every node multiply their number
    from irgames.games.tree_generators import complete_tree
    from irgames.solvers.backward_induction import _Plan

    assume(branching**depth <= 32)
    rng = np.random.default_rng(seed)
    shape = (*batch, branching**depth, players)
    payoffs = rng.integers(-4, 5, shape).astype(float) if ties else rng.standard_normal(shape)
    game = complete_tree(depth, branching, players, batch_shape=batch, payoffs=payoffs)
    plan = _Plan(game)
    assert all(f is not None for f, lv in zip(plan.slices, plan.levels, strict=True) if lv[0].size)
    result = backward_induction(game)
    decision = np.flatnonzero(game.mover >= 0)
    for index in np.ndindex(game.batch_shape):
        reference = dict(
            (tuple(ch[int(v)] for v in decision), val)
            for ch, val in all_pure_spe(game, index, 1e-9)
        )
        choice = result.choice[index]
        key = tuple(int(choice[v]) for v in decision)
        assert key in reference
        scale = float(game.payoff_scale[index])
        np.testing.assert_allclose(result.payoffs[index], reference[key], atol=1e-9 * scale)
        np.testing.assert_allclose(result.reach[index], reach_of(game, index, choice), atol=0)
        assert bool(result.ties[index]) == (len(reference) > 1)


@given(trees)
def test_result_does_not_depend_on_the_transpose_tiles(game):
    import irgames.solvers.backward_induction as module

    whole = backward_induction(game)
    saved = module._TILE_BYTES
    module._TILE_BYTES = 1  # one point per tile
    try:
        tiled = backward_induction(game)
    finally:
        module._TILE_BYTES = saved
    for name in ("choice", "values", "reach", "payoffs", "tied", "ties"):
        assert np.array_equal(getattr(tiled, name), getattr(whole, name)), name


@given(st.integers(0, 7), st.integers(1, 4), st.integers(1, 3), st.integers(1, 200))
def test_batch_last_is_the_transpose(B, m, p, tile):
    import irgames.solvers.backward_induction as module

    source = np.arange(B * m * p, dtype=float).reshape(B, m, p)
    saved = module._TILE_BYTES
    module._TILE_BYTES = tile
    try:
        out = module._batch_last(source)
    finally:
        module._TILE_BYTES = saved
    assert np.array_equal(out, source.transpose(2, 1, 0))


@pytest.mark.parametrize("shift", [0.0, 1e3, -1e6])
def test_ties_do_not_depend_on_shifting_another_players_payoffs(shift):
    # A's best two actions differ by 2e-9 of A's payoff range: not a tie at tol = 1e-9. The
    # unit is the largest range of one player's payoffs, so moving B's payoffs (constant here)
    # by any amount changes nothing; the range of all payoffs together would call it a tie.
    T = TreeBuilder(["A", "B"])
    tree = T.build(
        T.decision(
            "A",
            {
                "l": T.terminal(1.0, shift),
                "r": T.terminal(1.0 - 2e-9, shift),
                "m": T.terminal(0.0, shift),
            },
        )
    )
    result = backward_induction(tree)
    assert not bool(result.ties) and int(result.choice[0]) == 0


# ----------------------------------------------------------------------------- payoff units


def test_strict_preference_of_a_player_with_tiny_payoffs_is_no_tie():
    # A's payoffs are 1e-10 of B's and A strictly prefers "r". In A's own unit (her payoff
    # range, 1e-10) the difference is the whole range; the old shared unit (the largest
    # range of any player, B's 1) called it a tie at tol=1e-9 and took "l".
    T = TreeBuilder(["A", "B"])
    game = T.build(T.decision("A", {"l": T.terminal(0.0, 0.0), "r": T.terminal(1e-10, 1.0)}))
    np.testing.assert_array_equal(game.payoff_units, [1e-10, 1.0])
    result = backward_induction(game, ties="enumerate")
    assert result.path_labels() == ["r"]
    assert not bool(result.ties) and int(result.enumerated.count) == 1
    # the same deeper in a tree, with B moving first and A's tiny payoffs deciding her reply
    T = TreeBuilder(["A", "B"])
    game = T.build(
        T.decision(
            "B",
            {
                "in": T.decision("A", {"l": T.terminal(0.0, 5.0), "r": T.terminal(3e-10, -5.0)}),
                "out": T.terminal(1e-10, 0.0),
            },
        )
    )
    result = backward_induction(game, ties="enumerate")
    assert result.path_labels() == ["out"]
    assert not bool(result.ties) and len(result.enumerated) == 0


def _one_player_scaled(game, player, factor, shift):
    payoffs = np.array(game.payoffs, dtype=float)
    spread = payoffs[..., player].max(axis=-1) - payoffs[..., player].min(axis=-1)
    # the shift in the player's own unit, so that it costs no precision at any factor
    payoffs[..., player] = factor * (payoffs[..., player] + shift * spread[..., None])
    return game.with_payoffs(payoffs)


@given(
    trees,
    st.integers(0, 2),
    st.floats(-12.0, 12.0).map(lambda e: 10.0**e),
    st.floats(-5.0, 5.0),
)
def test_scaling_one_players_payoffs_leaves_the_spe_unchanged(game, player, factor, shift):
    player = player % game.n_players
    moved = _one_player_scaled(game, player, factor, shift)
    base = backward_induction(game, ties="enumerate")
    new = backward_induction(moved, ties="enumerate")
    np.testing.assert_array_equal(new.choice, base.choice)
    np.testing.assert_array_equal(new.tied, base.tied)
    np.testing.assert_array_equal(new.enumerated.count, base.enumerated.count)
    np.testing.assert_array_equal(new.enumerated.game_index, base.enumerated.game_index)
    np.testing.assert_array_equal(new.enumerated.choice, base.enumerated.choice)
    # and the set is the independent recursion's, on the transformed game
    decision = np.flatnonzero(game.mover >= 0)
    for index in np.ndindex(game.batch_shape):
        flat = int(np.ravel_multi_index(index, game.batch_shape)) if index else 0
        expected = {
            tuple(ch[int(v)] for v in decision) for ch, _ in all_pure_spe(moved, index, 1e-9)
        }
        rows = np.flatnonzero(new.enumerated.game_index == flat)
        found = {tuple(int(c) for c in new.enumerated.choice[r][decision]) for r in rows}
        if not rows.size:
            found = {tuple(int(new.choice[index][v]) for v in decision)}
        assert found == expected


# ----------------------------------------------------------------------------- memory


def path_tree(levels: int, payoffs) -> ExtensiveFormGame:
    """A centipede-shaped tree: at level d, the mover (A, B, A, ...) stops (terminal) or goes
    on; numbered level by level, so each level is two nodes."""
    n = 2 * levels + 1
    parent = np.empty(n, dtype=np.int64)
    parent[0] = -1
    d = np.arange(1, levels + 1)
    parent[2 * d - 1] = 2 * (d - 1)
    parent[2 * d] = 2 * (d - 1)
    mover = np.full(n, TERMINAL)
    mover[0 : 2 * levels : 2] = np.arange(levels) % 2
    return ExtensiveFormGame(["A", "B"], parent, mover, payoffs=payoffs)


def test_tie_enumeration_counts_bytes_before_allocating(monkeypatch):
    # 100 levels, the mover indifferent at 14 of them: 2**14 pure SPE of 201 nodes each
    # (about 190 MiB of rows), well under max_equilibria; the old row cap let it allocate
    levels = 100
    # terminal d is the stop at level d, terminal 100 the end: from level 14 on, stopping is
    # strictly best (each stop worth one more than the next); above, stop and go tie
    worth = np.minimum(levels - np.arange(levels + 1.0), levels - 14.0)
    worth[-1] = -1.0
    game = path_tree(levels, np.stack([worth, worth], axis=-1))
    assert int(backward_induction(game).tied.sum()) == 14
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "8M")
    with pytest.raises(WorkTooLargeError, match="ties='flag'") as caught:
        backward_induction(game, ties="enumerate")
    assert "\n" not in str(caught.value) and caught.value.needed > caught.value.limit
    # one equilibrium per point, with the ties flagged, is still served
    assert bool(backward_induction(game, ties="flag").ties)
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "4G")
    assert int(backward_induction(game, ties="enumerate").enumerated.count) == 2**14


def test_tie_enumeration_refuses_by_its_lower_bound(monkeypatch):
    # ties at every one of 100 levels: at least 1 + 100 rows, refused before any is built
    game = path_tree(100, np.zeros((101, 2)))
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "1M")
    with pytest.raises(WorkTooLargeError, match=r"at least 101 rows"):
        backward_induction(game, ties="enumerate")


@pytest.mark.slow
def test_a_100000_level_tree_is_solved_and_its_ties_refused(monkeypatch):
    levels = 100_000
    game = path_tree(levels, np.zeros((levels + 1, 2)))
    result = backward_induction(game)  # about 2 x 10^5 nodes, a few MB
    assert bool(result.ties) and int(result.tied.sum()) == levels
    assert result.path_labels() == ["0"]
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "4G")
    with pytest.raises(WorkTooLargeError, match="ties='flag'"):
        backward_induction(game, ties="enumerate")
