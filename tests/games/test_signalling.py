"""Tests for SignallingGame: validation, the ex-ante normal form, and pbe_regret."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.normal_form import GameValueError
from irgames.games.signalling import SignallingGame, pbe_regret, screening_tree

# Beer-Quiche as in Gambit's contrib/games/e17.efg (types wimp 1/10, surly 9/10):
# (type, message, response) -> (sender, receiver); beer=0, quiche=1; duel=0, don't=1.
E17 = {
    (0, 0, 0): (0, 1), (0, 0, 1): (2, 0), (0, 1, 0): (1, 1), (0, 1, 1): (3, 0),
    (1, 0, 0): (1, 0), (1, 0, 1): (3, 1), (1, 1, 0): (0, 0), (1, 1, 1): (2, 1),
}  # fmt: skip


@st.composite
def signalling_games(draw, max_types=3, max_messages=3, max_responses=3, max_batch=3):
    T = draw(st.integers(1, max_types))
    M = draw(st.integers(1, max_messages))
    R = draw(st.integers(1, max_responses))
    B = draw(st.integers(1, max_batch))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    weights = rng.integers(0, 4, size=(B, T)).astype(float)
    weights[:, 0] += 1  # never all zero
    prior = weights / weights.sum(axis=-1, keepdims=True)
    us = rng.integers(-3, 4, size=(B, T, M, R))
    ur = rng.integers(-3, 4, size=(B, T, M, R))
    return SignallingGame(prior, us, ur)


def test_beer_quiche_matches_gambit_e17():
    g = SignallingGame.beer_quiche()
    assert np.allclose(g.prior, [0.1, 0.9])
    for (t, m, r), (s, q) in E17.items():
        assert g.sender_payoffs[t, m, r] == pytest.approx(s)
        assert g.receiver_payoffs[t, m, r] == pytest.approx(q)
    assert g.messages == ("beer", "quiche")


@pytest.mark.parametrize(
    ("prior", "us", "ur", "match"),
    [
        ([0.5, 0.6], np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), "sum to one"),
        ([1.5, -0.5], np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), "negative"),
        ([0.5, 0.5], np.full((2, 2, 2), np.nan), np.zeros((2, 2, 2)), "finite"),
        ([0.5, 0.5], np.zeros((2, 2, 2)), np.zeros((2, 2, 3)), "same"),
        ([1.0], np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), "types"),
        ([0.5, 0.5], np.zeros((2, 2)), np.zeros((2, 2)), "shape"),
        (np.full((3, 2), 0.5), np.zeros((2, 2, 2, 2)), np.zeros((2, 2, 2)), "broadcast"),
    ],
)
def test_bad_input_is_refused(prior, us, ur, match):
    with pytest.raises(GameValueError, match=match):
        SignallingGame(prior, us, ur)


def test_labels_are_checked():
    with pytest.raises(GameValueError, match="labels"):
        SignallingGame([1.0], np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), messages=["a"])


def test_batch_shape_indexing_and_flatten():
    q = np.linspace(0.1, 0.9, 6).reshape(2, 3)
    g = SignallingGame.beer_quiche(prior_wimp=q)
    assert g.batch_shape == (2, 3)
    assert g[1, 2].batch_shape == ()
    assert g[1, 2].prior[0] == pytest.approx(q[1, 2])
    assert g.flatten().batch_shape == (6,)
    assert np.allclose(g.flatten().prior[:, 0], q.ravel())
    assert np.allclose(g.payoff_scale, 3.0)


@given(signalling_games())
def test_normal_form_is_the_expectation_over_types(game):
    nf = game.to_normal_form()
    senders = game.pure_sender_strategies()
    receivers = game.pure_receiver_strategies()
    assert nf.num_actions == (len(senders), len(receivers))
    for b in range(game.batch_size):
        for i, s in enumerate(senders):
            for j, q in enumerate(receivers):
                us = sum(
                    game.prior[b, t] * game.sender_payoffs[b, t, s[t], q[s[t]]]
                    for t in range(game.num_types)
                )
                ur = sum(
                    game.prior[b, t] * game.receiver_payoffs[b, t, s[t], q[s[t]]]
                    for t in range(game.num_types)
                )
                assert nf.payoffs[b, 0, i, j] == pytest.approx(us, abs=1e-12)
                assert nf.payoffs[b, 1, i, j] == pytest.approx(ur, abs=1e-12)


def test_pbe_regret_of_beer_quiche_profiles():
    g = SignallingGame.beer_quiche()
    beer = np.array([[1.0, 0.0], [1.0, 0.0]])
    no_duel_after_beer = np.array([[0.0, 1.0], [1.0, 0.0]])
    quiche_means_wimp = np.array([[0.1, 0.9], [1.0, 0.0]])
    reg = pbe_regret(g, beer, no_duel_after_beer, quiche_means_wimp)
    assert float(reg.max()) == pytest.approx(0.0, abs=1e-12)
    assert reg.on_path.tolist() == [True, False]
    # The same strategies with a belief that quiche means surly: dueling is then wrong.
    reg = pbe_regret(g, beer, no_duel_after_beer, [[0.1, 0.9], [0.0, 1.0]])
    assert reg.receiver[1] == pytest.approx(1.0)
    # Beliefs that contradict Bayes' rule on the path.
    reg = pbe_regret(g, beer, no_duel_after_beer, [[0.5, 0.5], [1.0, 0.0]])
    assert reg.bayes[0] == pytest.approx(0.4)
    # Everyone dueled: the wimp prefers quiche (gain 1).
    duel = np.array([[1.0, 0.0], [1.0, 0.0]])
    reg = pbe_regret(g, beer, duel, quiche_means_wimp)
    assert reg.sender.tolist() == pytest.approx([1.0, 0.0])


def test_pbe_regret_refuses_non_distributions():
    g = SignallingGame.beer_quiche()
    with pytest.raises(GameValueError, match="distributions"):
        pbe_regret(g, [[1, 1], [1, 0]], [[0, 1], [1, 0]], [[0.5, 0.5], [1, 0]])
    with pytest.raises(GameValueError, match="shape"):
        pbe_regret(g, [[1, 0]], [[0, 1], [1, 0]], [[0.5, 0.5], [1, 0]])


@given(signalling_games(max_types=2, max_messages=2, max_responses=3, max_batch=2))
def test_pbe_regret_agrees_with_a_direct_computation(game):
    rng = np.random.default_rng(game.batch_size * 7 + game.num_types)
    T, M, R = game.num_types, game.num_messages, game.num_responses
    sender = rng.dirichlet(np.ones(M), size=(game.batch_size, T))
    receiver = rng.dirichlet(np.ones(R), size=(game.batch_size, M))
    beliefs = rng.dirichlet(np.ones(T), size=(game.batch_size, M))
    reg = pbe_regret(game, sender, receiver, beliefs)
    for b, t in itertools.product(range(game.batch_size), range(T)):
        values = [
            sum(receiver[b, m, r] * game.sender_payoffs[b, t, m, r] for r in range(R))
            for m in range(M)
        ]
        mine = max(values) - sum(sender[b, t, m] * values[m] for m in range(M))
        assert reg.sender[b, t] == pytest.approx(max(mine, 0.0), abs=1e-12)
    for b, m in itertools.product(range(game.batch_size), range(M)):
        values = [
            sum(beliefs[b, m, t] * game.receiver_payoffs[b, t, m, r] for t in range(T))
            for r in range(R)
        ]
        mine = max(values) - sum(receiver[b, m, r] * values[r] for r in range(R))
        assert reg.receiver[b, m] == pytest.approx(max(mine, 0.0), abs=1e-12)


# ---------------------------------------------------------------------- trees
def beer_quiche_tree(prior_wimp=0.1):
    """Beer-Quiche written with the generic tree builder, messages in opposite orders."""
    from irgames.games.extensive_form import TreeBuilder

    B = TreeBuilder(["Sender", "Receiver"])

    def after(message, t):
        s = E17
        m = 0 if message == "beer" else 1
        return B.decision(
            "Receiver",
            {
                "duel": B.terminal(*s[t, m, 0]),
                "don't": B.terminal(*s[t, m, 1]),
            },
            infoset=message,
        )

    root = B.chance(
        {
            "wimp": (prior_wimp, B.decision("Sender", {"beer": after("beer", 0),
                                                       "quiche": after("quiche", 0)})),
            "surly": (1 - prior_wimp, B.decision("Sender", {"quiche": after("quiche", 1),
                                                            "beer": after("beer", 1)})),
        }
    )  # fmt: skip
    return B.build(root)


def test_from_tree_reads_beer_quiche():
    game = SignallingGame.from_tree(beer_quiche_tree())
    ref = SignallingGame.beer_quiche()
    assert game.types == ("wimp", "surly")
    assert game.messages == ("beer", "quiche")
    assert game.responses == ("duel", "don't")
    assert np.allclose(game.prior, ref.prior)
    assert np.allclose(game.sender_payoffs, ref.sender_payoffs)
    assert np.allclose(game.receiver_payoffs, ref.receiver_payoffs)


@given(signalling_games())
def test_tree_round_trip(game):
    tree = game.to_tree()
    assert tree.batch_shape == game.batch_shape
    back = SignallingGame.from_tree(tree)
    assert np.allclose(back.prior, game.prior)
    assert np.allclose(back.sender_payoffs, game.sender_payoffs)
    assert np.allclose(back.receiver_payoffs, game.receiver_payoffs)


def test_from_tree_refuses_other_shapes():
    from irgames.games.extensive_form import TreeBuilder

    B = TreeBuilder(["S", "R"])
    # The receiver sees the type (no information set joins the types): not signalling.
    root = B.chance(
        {
            "a": (0.5, B.decision("S", {"x": B.decision("R", {"l": B.terminal(0, 0)}),
                                        "y": B.decision("R", {"l": B.terminal(0, 0)})})),
            "b": (0.5, B.decision("S", {"x": B.decision("R", {"l": B.terminal(0, 0)}),
                                        "y": B.decision("R", {"l": B.terminal(0, 0)})})),
        }
    )  # fmt: skip
    with pytest.raises(GameValueError, match="information set"):
        SignallingGame.from_tree(B.build(root))
    # No chance move at the root.
    root = B.decision("S", {"x": B.terminal(1, 0), "y": B.terminal(0, 1)})
    with pytest.raises(GameValueError, match="chance"):
        SignallingGame.from_tree(B.build(root))
    with pytest.raises(GameValueError, match="ExtensiveFormGame"):
        SignallingGame.from_tree(SignallingGame.beer_quiche())


# ---------------------------------------------------------------------- screening
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
def test_screening_tree_solved_by_backward_induction(seed, T, C, A):
    from irgames.solvers.backward_induction import backward_induction

    rng = np.random.default_rng(seed)
    B = 3
    prior = rng.dirichlet(np.ones(T), size=B)
    up = rng.normal(size=(B, T, C, A))
    ua = rng.normal(size=(B, T, C, A))
    spe = backward_induction(screening_tree(prior, up, ua))
    for b in range(B):
        # each type's best response to each offer, then the principal's best offer
        best = ua[b].argmax(axis=-1)  # (T, C)
        value = [sum(prior[b, t] * up[b, t, c, best[t, c]] for t in range(T)) for c in range(C)]
        c = int(np.argmax(value))
        agent = sum(prior[b, t] * ua[b, t, c, best[t, c]] for t in range(T))
        assert spe.payoffs[b] == pytest.approx([value[c], agent], abs=1e-12)


def test_screening_tree_validates_its_input():
    with pytest.raises(GameValueError, match="sum to one"):
        screening_tree([0.5, 0.6], np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
