"""Tests for the sequential equilibria of finite trees.

Assessments are checked against the definition: sequential rationality by
:func:`sequential_regret` (a backward induction from each information set, sharing no code with
the solver's enumeration), Bayes' rule on the path, and consistency by explicit sequences of
totally mixed perturbations built here, whose Bayes beliefs must approach the reported ones.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import irgames as ig
from irgames.errors import GameValueError, SolverError
from irgames.games.extensive_form import CHANCE, TreeBuilder
from irgames.games.signalling import SignallingGame
from irgames.games.tree_generators import random_tree
from irgames.solvers.pbe import pure_pbe
from irgames.solvers.sequence_form import tree_regret
from irgames.solvers.sequential import sequential_equilibria, sequential_regret

TOL = 1e-9


# ---------------------------------------------------------------------- helpers
def bayes_beliefs(game, behavior, b=0):
    """Bayes beliefs ``(n_infosets, max_nodes)`` of a totally mixed profile (written here)."""
    probs = np.asarray(game.flatten().chance_probs)[b]
    reach = np.ones(game.n_nodes)
    for v in range(1, game.n_nodes):
        u = game.parent[v]
        a = game.action_index[v]
        p = (
            probs[game.chance_index[u], a]
            if game.mover[u] == CHANCE
            else behavior[game.infoset[u], a]
        )
        reach[v] = reach[u] * p
    width = int(game.infoset_size.max()) if game.n_infosets else 1
    out = np.full((game.n_infosets, width), np.nan)
    for h in range(game.n_infosets):
        nodes = np.flatnonzero(game.infoset == h)
        with np.errstate(invalid="ignore"):  # NaN: no tremble reaches the set (chance zero)
            out[h, : nodes.size] = reach[nodes] / reach[nodes].sum()
    return out


def signalling_parts(tree):
    """Type nodes, sender information set per type, receiver information set per message."""
    types = tree.children[0, : tree.num_children[0]]
    sender = [int(tree.infoset[t]) for t in types]
    receiver = [
        int(tree.infoset[tree.children[types[0], m]]) for m in range(tree.num_children[types[0]])
    ]
    return types, sender, receiver


def horse():
    T = TreeBuilder(["1", "2", "3"])

    def three(left, right):
        return T.decision("3", {"L": left, "R": right}, infoset="3")

    root = T.decision(
        "1",
        {
            "C": T.decision(
                "2",
                {
                    "c": T.terminal(1, 1, 1),
                    "d": three(T.terminal(4, 4, 0), T.terminal(1, 1, 1)),
                },
            ),
            "D": three(T.terminal(3, 3, 2), T.terminal(0, 0, 0)),
        },
    )
    return T.build(root, title="Selten's horse")


def beer_quiche_tree():
    T = TreeBuilder(["sender", "receiver"])

    def respond(key, duel, dont):
        return T.decision(
            "receiver", {"duel": T.terminal(*duel), "don't": T.terminal(*dont)}, infoset=key
        )

    root = T.chance(
        {
            "wimp": (
                0.1,
                T.decision(
                    "sender",
                    {
                        "beer": respond("beer", (0, 1), (2, 0)),
                        "quiche": respond("quiche", (1, 1), (3, 0)),
                    },
                ),
            ),
            "surly": (
                0.9,
                T.decision(
                    "sender",
                    {
                        "beer": respond("beer", (1, 0), (3, 1)),
                        "quiche": respond("quiche", (0, 0), (2, 1)),
                    },
                ),
            ),
        }
    )
    return T.build(root, title="Beer-Quiche")


def check_rows(game, se, tol=TOL):
    """Every row: zero sequential regret, Bayes on the path, beliefs within their bounds."""
    assert np.all(se.relative_regret <= tol)
    again, gap = sequential_regret(game, se.behavior, se.beliefs, se.game_index)
    assert np.all((again / se.units).max(axis=-1, initial=0) <= tol)
    assert np.all(gap <= 1e-12)
    sums = np.nansum(se.beliefs, axis=-1)
    assert np.allclose(sums, 1.0)
    fin = np.isfinite(se.beliefs)
    assert np.all(se.belief_lower[fin] <= se.beliefs[fin] + 1e-12)
    assert np.all(se.beliefs[fin] <= se.belief_upper[fin] + 1e-12)


# ---------------------------------------------------------------------- Beer-Quiche
@pytest.mark.parametrize("source", ["gambit", "builder"])
def test_beer_quiche_two_pooling_equilibria_with_belief_ranges(source, request):
    if source == "gambit":
        corpus = request.getfixturevalue("gambit_corpus")
        game = ig.read_efg(corpus / "contrib" / "games" / "e17.efg")
    else:
        game = beer_quiche_tree()
    se = sequential_equilibria(game)
    check_rows(game, se)
    assert se.complete and se.belief_exact.all()
    _types, sender, receiver = signalling_parts(game)
    wimp, surly = sender
    found = {}
    for row in np.flatnonzero(se.pure):
        acts = se.actions()[row]
        found[(acts[wimp], acts[surly])] = row
    assert sorted(found) == [(0, 0), (1, 1)]  # pooling on beer, pooling on quiche
    beer_row, quiche_row = found[(0, 0)], found[(1, 1)]
    # on beer: receiver does not duel after beer (mu(wimp) = 0.1), duels after quiche, which
    # needs mu(wimp | quiche) in [1/2, 1]
    h_quiche = receiver[1]
    assert se.actions()[beer_row, receiver[0]] == 1
    assert se.actions()[beer_row, h_quiche] == 0
    assert not se.on_path[beer_row, h_quiche]
    assert se.belief_lower[beer_row, h_quiche, 0] == pytest.approx(0.5)
    assert se.belief_upper[beer_row, h_quiche, 0] == pytest.approx(1.0)
    assert se.beliefs[beer_row, receiver[0]].tolist() == pytest.approx([0.1, 0.9])
    # on quiche: duel after beer for mu(wimp | beer) in [1/2, 1]
    h_beer = receiver[0]
    assert se.actions()[quiche_row, h_beer] == 0
    assert se.belief_lower[quiche_row, h_beer, 0] == pytest.approx(0.5)
    assert se.belief_upper[quiche_row, h_beer, 0] == pytest.approx(1.0)
    assert se.pure.sum() == 2
    # the intuitive criterion (and D1) removes the quiche equilibrium
    for refine in ("intuitive", "D1"):
        kept = sequential_equilibria(game, refine=refine)
        assert kept.pure.sum() == 1
        assert np.all(kept.behavior[:, [wimp, surly], 0] == 1.0)  # every row pools on beer
    # the components: after the off-path breakfast the receiver may mix, at mu(wimp) = 1/2
    mixed = np.flatnonzero(~se.pure)
    assert mixed.size == 2
    for row in mixed:
        sent = se.actions()[row, wimp]
        off = receiver[1 - sent]
        assert 0 < se.behavior[row, off, 0] < 1
        assert se.beliefs[row, off].tolist() == pytest.approx([0.5, 0.5])
        # it mixes little enough that no type deviates: duel with probability >= 1/2
        assert se.behavior[row, off, 0] >= 0.5
    # D1 removes the mixed response after quiche too (only the wimp could gain from quiche)
    d1 = sequential_equilibria(game, refine="D1")
    assert len(d1) == 1


def test_beer_quiche_beliefs_are_limits_of_trembles():
    game = beer_quiche_tree()
    se = sequential_equilibria(game)
    _types, sender, receiver = signalling_parts(game)
    prior = np.array([0.1, 0.9])
    eps = 1e-7
    for row in range(len(se)):
        sent = se.actions()[row, sender[0]]
        off = receiver[1 - sent]
        for belief in (se.belief_lower[row, off], se.belief_upper[row, off], se.beliefs[row, off]):
            mu = np.array([belief[0], 1 - belief[0]])
            beh = np.nan_to_num(se.behavior[row].copy())
            for t in range(2):
                p_off = eps * mu[t] / prior[t] + eps**2
                beh[sender[t], 1 - sent] = p_off
                beh[sender[t], sent] = 1 - p_off
            for h in receiver:
                beh[h] = 0.5 * eps + (1 - eps) * beh[h]
            limit = bayes_beliefs(game, beh)
            assert limit[off, :2] == pytest.approx(mu, abs=1e-5)
            assert limit[receiver[sent], :2] == pytest.approx(prior, abs=1e-5)
            # and the response is sequentially rational at that belief
            beliefs = se.beliefs[row].copy()
            beliefs[off, :2] = mu
            r, _ = sequential_regret(game, se.behavior[row : row + 1], beliefs[None])
            assert r.max() <= 1e-12


# ---------------------------------------------------------------------- Selten's horse
def test_selten_horse_sequential_equilibria_and_a_nash_equilibrium_that_is_not():
    game = horse()
    se = sequential_equilibria(game)
    check_rows(game, se)
    assert se.complete
    # infosets: 0 = player 1 (C, D), 1 = player 2 (c, d), 2 = player 3 (L, R)
    assert se.actions()[se.pure].tolist() == [[0, 0, 1], [0, 1, 1]]
    # and the component between them: 2 mixes, untested, 1 continues and 3 plays R
    (mixed,) = np.flatnonzero(~se.pure)
    assert se.actions()[mixed, [0, 2]].tolist() == [0, 1]
    assert 0 < se.behavior[mixed, 1, 1] < 1
    assert not np.isnan(se.beliefs[mixed, 2]).any()
    # (C, c, R): player 3 is off the path, R needs mu(after D) <= 1/3
    assert not se.on_path[0, 2]
    assert se.belief_lower[0, 2].tolist() == pytest.approx([0.0, 2 / 3])
    assert se.belief_upper[0, 2].tolist() == pytest.approx([1 / 3, 1.0])
    # (C, d, R): player 3 is on the path after (C, d)
    assert se.on_path[1, 2] and se.beliefs[1, 2].tolist() == pytest.approx([0.0, 1.0])
    # (D, c, L) is a Nash equilibrium (no gain from the root) ...
    dcl = np.array([[[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]])
    _, nash_regret = tree_regret(game, dcl)
    assert nash_regret.max() <= 1e-12
    # ... but not sequential: at player 2's (unreached) node d beats c whatever the beliefs
    for mu in (0.0, 0.5, 1.0):
        r, _ = sequential_regret(game, dcl, np.array([[[1.0, np.nan], [1.0, np.nan], [1.0, 0.0]]]))
        assert r[0, 1] == pytest.approx(3.0)
        del mu
    assert not np.any(se.behavior[:, 0, 1] > 0)  # 1 never plays D in a sequential equilibrium


@pytest.mark.parametrize("a", [0.0, 0.2, 1 / 3])
def test_selten_horse_off_path_beliefs_are_limits_of_trembles(a):
    game = horse()
    eps = 1e-7
    beh = np.array([[1 - eps * a - eps**2, eps * a + eps**2], [1 - eps, eps], [eps, 1 - eps]])
    # 2's tremble makes the node after (C, d) reached with weight (1 - a) eps
    beh[1] = [1 - eps * (1 - a) - eps**2, eps * (1 - a) + eps**2]
    limit = bayes_beliefs(game, beh)
    assert limit[2].tolist() == pytest.approx([a, 1 - a], abs=1e-5)
    se = sequential_equilibria(game)
    assert se.belief_lower[0, 2, 0] - 1e-12 <= a <= se.belief_upper[0, 2, 0] + 1e-12
    beliefs = se.beliefs[0].copy()
    beliefs[2] = [a, 1 - a]
    r, _ = sequential_regret(game, se.behavior[:1], beliefs[None])
    assert r.max() <= 1e-12
    beliefs[2] = [0.5, 0.5]  # outside the set: R is not optimal for player 3
    r, _ = sequential_regret(game, se.behavior[:1], beliefs[None])
    assert r[0, 2] > 0.1


# ---------------------------------------------------------------------- random signalling trees
@st.composite
def signalling_games(draw, max_types=3, max_messages=3, max_responses=3, max_batch=3):
    T = draw(st.integers(1, max_types))
    M = draw(st.integers(2, max_messages))
    R = draw(st.integers(1, max_responses))
    B = draw(st.integers(1, max_batch))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    weights = rng.integers(1, 4, size=(B, T)).astype(float)  # positive priors
    prior = weights / weights.sum(axis=-1, keepdims=True)
    us = rng.integers(-3, 4, size=(B, T, M, R)).astype(float)
    ur = rng.integers(-3, 4, size=(B, T, M, R)).astype(float)
    return SignallingGame(prior, us, ur)


def _profiles_of(se, tree):
    _types, sender, receiver = signalling_parts(tree)
    acts = se.actions()
    out = {}
    for row in np.flatnonzero(se.pure):
        key = (tuple(acts[row, sender]), tuple(acts[row, receiver]))
        out.setdefault(int(se.game_index[row]), {})[key] = row
    return out


@given(signalling_games())
def test_random_signalling_trees_agree_with_pure_pbe(sg):
    tree = sg.to_tree()
    se = sequential_equilibria(tree, mixed=False)
    check_rows(tree, se)
    assert se.complete and se.pure.all()
    pbe = pure_pbe(sg)
    mine = _profiles_of(se, tree)
    theirs: dict[int, dict] = {}
    for row in range(len(pbe)):
        key = (tuple(pbe.messages_sent()[row]), tuple(pbe.responses()[row]))
        theirs.setdefault(int(pbe.game_index[row]), {})[key] = row
    assert {g: set(v) for g, v in mine.items()} == {g: set(v) for g, v in theirs.items()}
    types, _sender, receiver = signalling_parts(tree)
    # the belief sets agree: per message, per type, the bounds of mu(t | m)
    for g, rows in mine.items():
        for key, row in rows.items():
            prow = theirs[g][key]
            for m, h in enumerate(receiver):
                nodes = np.flatnonzero(tree.infoset == h)
                t_of = [list(types).index(tree.parent[v]) for v in nodes]
                assert se.belief_lower[row, h, : nodes.size] == pytest.approx(
                    pbe.belief_lower[prow, m, t_of], abs=1e-9
                )
                assert se.belief_upper[row, h, : nodes.size] == pytest.approx(
                    pbe.belief_upper[prow, m, t_of], abs=1e-9
                )
    # the refinements agree with the intuitive criterion of the PBE solver
    kept = sequential_equilibria(tree, refine="intuitive", mixed=False)
    pk = pure_pbe(sg, refine="intuitive")
    a = {(int(g), k) for g, v in _profiles_of(kept, tree).items() for k in v}
    b = {
        (int(pk.game_index[r]), (tuple(pk.messages_sent()[r]), tuple(pk.responses()[r])))
        for r in range(len(pk))
    }
    assert a == b


@given(signalling_games(max_types=2), st.sampled_from([1e-6, 1e-7]))
def test_random_signalling_beliefs_are_limits_of_trembles(sg, eps):
    tree = sg.to_tree()
    se = sequential_equilibria(tree)
    types, sender, receiver = signalling_parts(tree)
    prior = sg.prior.reshape(-1, sg.num_types)
    for row in range(len(se)):
        g = int(se.game_index[row])
        beh = np.nan_to_num(se.behavior[row].copy())
        for m, h in enumerate(receiver):
            if se.on_path[row, h]:
                continue
            nodes = np.flatnonzero(tree.infoset == h)
            mu = se.beliefs[row, h, : nodes.size]
            for v, w in zip(nodes, mu, strict=True):
                t = list(types).index(tree.parent[v])
                beh[sender[t], m] = eps * w / prior[g, t] + eps**2
        for s in sender:  # the messages sent keep their odds and take the rest
            on = np.nan_to_num(se.behavior[row, s]) > 0
            beh[s, on] *= (1.0 - beh[s, ~on].sum()) / beh[s, on].sum()
        limit = bayes_beliefs(tree, beh, g)
        fin = np.isfinite(se.beliefs[row])
        assert limit[fin] == pytest.approx(se.beliefs[row][fin], abs=1e-4)


# ---------------------------------------------------------------------- general trees
@given(st.integers(0, 2**32 - 1), st.integers(2, 3))
def test_random_trees_rows_are_sequential_equilibria(seed, n_players):
    game = random_tree(
        seed,
        max_depth=3,
        max_branching=2,
        n_players=n_players,
        batch_shape=(2,),
        p_terminal=0.25,
        p_chance=0.25,
        integer_payoffs=True,
        p_merge=0.6,
    )
    se = sequential_equilibria(game)
    check_rows(game, se)
    # every pure profile with zero regret under the solver's own beliefs is a Nash equilibrium
    _, nash = tree_regret(game, se.behavior, se.game_index)
    assert np.all((nash / se.units).max(axis=-1, initial=0) <= TOL)


@given(st.integers(0, 2**32 - 1))
def test_perfect_information_trees_every_subgame_perfect_profile_is_found(seed):
    """With singleton information sets, a pure profile is sequential iff it has no gain at any
    node: checked for every pure profile, the solver's list is exactly that set."""
    game = random_tree(
        seed, max_depth=3, max_branching=2, n_players=2, batch_shape=(2,), integer_payoffs=True
    )
    se = sequential_equilibria(game)
    widths = game.num_children[game.infoset_nodes_first]
    found = {
        (int(g), tuple(a))
        for g, a in zip(se.game_index[se.pure], se.actions()[se.pure].tolist(), strict=True)
    }
    amax = game.children.shape[1]
    profs = list(itertools.product(*(range(w) for w in widths)))
    beh = np.zeros((2 * len(profs), game.n_infosets, amax))
    for k, prof in enumerate(profs):
        beh[2 * k : 2 * k + 2, np.arange(game.n_infosets), prof] = 1.0
    games = np.tile([0, 1], len(profs))
    ones = np.ones((beh.shape[0], game.n_infosets, 1))
    r, _ = sequential_regret(game, beh, ones, games)
    good = (r / game.payoff_units[games]).max(axis=-1) <= TOL
    expected = {(int(games[k]), profs[k // 2]) for k in np.flatnonzero(good)}
    assert found == expected


def two_stage_tree():
    """A deviation that leads to two off-path information sets (Bayes after a deviation)."""
    T = TreeBuilder(["S", "R", "C"])

    def after_b(t):
        win = 2.0 if t == "hi" else -1.0
        third = T.decision(
            "C", {"x": T.terminal(0, 0, win), "y": T.terminal(0, 0, 0.5)}, infoset="third"
        )
        return T.decision("R", {"fight": T.terminal(-1, win, 0), "wait": third}, infoset="second")

    def sender(t):
        return T.decision("S", {"a": T.terminal(1, 0, 0), "b": after_b(t)})

    return T.build(T.chance({"hi": (0.5, sender("hi")), "lo": (0.5, sender("lo"))}))


def test_dependent_trembles_are_flagged_and_rows_still_hold():
    game = two_stage_tree()
    se = sequential_equilibria(game)
    check_rows(game, se)
    assert len(se) > 0
    off_rows = ~se.on_path[
        :, game.infoset[next(v for v in range(game.n_nodes) if game.mover[v] == 1)]
    ]
    assert off_rows.any() and not se.complete
    assert not se.belief_exact[off_rows].any()
    # the belief checked is that of uniform trembles: the prior, at both later sets
    eps = 1e-7
    for row in np.flatnonzero(off_rows):
        beh = np.nan_to_num(se.behavior[row].copy())
        beh = np.where(beh > 0.5, 1 - eps, eps)
        fin = np.isfinite(se.beliefs[row])
        assert bayes_beliefs(game, beh)[fin] == pytest.approx(se.beliefs[row][fin], abs=1e-5)


def test_batch_equals_one_game_at_a_time():
    sg = SignallingGame.beer_quiche(np.array([0.1, 0.5, 0.8, 0.3]))
    tree = sg.to_tree()
    se = sequential_equilibria(tree)
    assert se.count.tolist() == [int((se.game_index == g).sum()) for g in range(4)]
    for g in range(4):
        one = sequential_equilibria(tree[g])
        rows = se.game_index == g
        assert one.actions().tolist() == se.actions()[rows].tolist()
        assert np.allclose(one.belief_lower, se.belief_lower[rows], equal_nan=True)
        assert np.allclose(one.belief_upper, se.belief_upper[rows], equal_nan=True)


def test_scaling_one_players_payoffs_changes_nothing():
    game = horse()
    scaled = game.with_payoffs(game.payoffs * np.array([1e-8, 1.0, 1e6]) + np.array([5, -3, 0]))
    a, b = sequential_equilibria(game), sequential_equilibria(scaled)
    assert a.actions().tolist() == b.actions().tolist()
    assert np.allclose(a.belief_upper, b.belief_upper, equal_nan=True)


def test_errors():
    with pytest.raises(GameValueError, match="ExtensiveFormGame"):
        sequential_equilibria(ig.NormalFormGame.bimatrix([[1]], [[1]]))
    with pytest.raises(GameValueError, match="sender-receiver"):
        sequential_equilibria(horse(), refine="intuitive")
    with pytest.raises(GameValueError, match="refine must be"):
        sequential_equilibria(horse(), refine="D2")
    with pytest.raises(SolverError, match="max_profiles"):
        sequential_equilibria(horse(), max_profiles=4)
    with pytest.raises(GameValueError, match="two responses"):
        sg = SignallingGame([0.5, 0.5], np.zeros((2, 2, 3)), np.zeros((2, 2, 3)))
        sequential_equilibria(sg.to_tree(), refine="D1")
    with pytest.raises(GameValueError, match="tol"):
        sequential_equilibria(horse(), tol=2.0)


def test_exported():
    assert ig.sequential_equilibria is sequential_equilibria


def tremble_limit(game, behavior, beliefs, b, t=1e-12):
    """Bayes beliefs of a totally mixed profile built to approach ``beliefs`` off the path.

    Written from the definition, here: each node's deviations ``D(v)`` (actions of
    probability zero on its path) and weight ``c_v`` (chance and positive behaviour); at an
    off-path set, a node of belief ``mu_v > 0`` gets its deviations the rate
    ``(t mu_v / c_v) ** (1 / |D(v)|)``, so it is reached with probability ``t mu_v``; other
    deviations tremble at ``t ** 2`` (see the comments for sets with all weight on one node).
    Returns None when two nodes ask different rates of
    one action (trembles that are not independent).
    """
    beh = np.nan_to_num(np.asarray(behavior, dtype=float))
    probs = np.asarray(game.flatten().chance_probs)[b]
    n = game.n_nodes
    dev = [[] for _ in range(n)]
    c = np.ones(n)
    for v in range(1, n):
        u, a = game.parent[v], game.action_index[v]
        dev[v] = list(dev[u])
        if game.mover[u] == CHANCE:
            c[v] = c[u] * probs[game.chance_index[u], a]
        elif beh[game.infoset[u], a] > 0:
            c[v] = c[u] * beh[game.infoset[u], a]
        else:
            c[v] = c[u]
            dev[v].append((int(game.infoset[u]), int(a)))
    reach = np.array([c[v] if not dev[v] else 0.0 for v in range(n)])
    rate: dict = {}
    off = []
    for h in range(game.n_infosets):
        nodes = np.flatnonzero(game.infoset == h)
        if nodes.size >= 2 and reach[nodes].sum() == 0:
            off.append((np.count_nonzero(beliefs[h, : nodes.size] > 0) < 2, h, nodes))
    # sets that split their belief first, at the rates that give each node weight t mu_v; a
    # set that puts it all on one node v only needs the other nodes rarer: their deviations
    # outside D(v) tremble at t ** 3 unless already set (a node whose deviations contain
    # v's is infinitely rarer anyway)
    for single, h, nodes in sorted(off, key=lambda x: x[:2]):
        mu = beliefs[h, : nodes.size]
        for v, m in zip(nodes, mu, strict=True):
            if m <= 0 or c[v] == 0:
                continue
            if single:
                for u in nodes:
                    for k in set(dev[u]) - set(dev[v]):
                        rate.setdefault(k, t**3)
                for k in dev[v]:
                    rate.setdefault(k, (t / c[v]) ** (1.0 / len(dev[v])))
                continue
            want = (t * m / c[v]) ** (1.0 / len(dev[v]))
            for k in dev[v]:
                if k in rate and not np.isclose(rate[k], want, rtol=1e-9):
                    return None
                rate[k] = want
    mixed = beh.copy()
    for h in range(game.n_infosets):
        w = game.num_children[game.infoset_nodes_first[h]]
        zero = beh[h, :w] == 0
        for a in np.flatnonzero(zero):
            mixed[h, a] = rate.get((h, int(a)), t**2)
        mixed[h, :w][~zero] *= (1.0 - mixed[h, :w][zero].sum()) / beh[h, :w][~zero].sum()
    return bayes_beliefs(game, mixed, b)


@given(st.integers(0, 2**32 - 1))
def test_random_trees_exact_beliefs_are_limits_of_trembles(seed):
    game = random_tree(
        seed,
        max_depth=3,
        max_branching=2,
        n_players=2,
        batch_shape=(2,),
        p_terminal=0.2,
        p_chance=0.3,
        integer_payoffs=True,
        p_merge=0.7,
    )
    se = sequential_equilibria(game)
    for row in np.flatnonzero(se.belief_exact):
        b = int(se.game_index[row])
        for mu in (se.beliefs[row], se.belief_lower[row], se.belief_upper[row]):
            if not np.allclose(np.nansum(mu, axis=-1), 1.0):
                continue  # bounds are a belief only where the set is an interval
            limit = tremble_limit(game, se.behavior[row], mu, b)
            assert limit is not None
            fin = np.isfinite(mu) & np.isfinite(limit)
            assert limit[fin] == pytest.approx(mu[fin], abs=1e-3)


def test_a_batch_too_large_is_refused_before_allocating(monkeypatch):
    from irgames.errors import WorkTooLargeError

    tree = SignallingGame.beer_quiche(np.linspace(0.05, 0.45, 50)).to_tree()
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "100KB")
    with pytest.raises(WorkTooLargeError, match="smaller batch"):
        sequential_equilibria(tree)
