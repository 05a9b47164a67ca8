"""``irgames solve FILE.efg``: every printed equilibrium is checked to be subgame perfect.

The check is independent of the solvers: expected payoffs of the printed behaviour profile are
computed by a plain recursion over the tree, and in every subgame (found here from the tree's
information sets) no player gains by switching to any pure strategy of hers.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from irgames.cli import main
from irgames.games.extensive_form import CHANCE, TERMINAL
from irgames.io.efg import read_efg

# Player 2 is indifferent after L: two pure SPE (L then a; R with b after L).
TIE = """EFG 2 R "tie" { "One" "Two" }
p "" 1 1 "first" { "L" "R" } 0
p "" 2 1 "second" { "a" "b" } 0
t "" 1 "" { 2, 1 }
t "" 2 "" { 0, 1 }
t "" 3 "" { 1, 0 }
"""

# An outside option, then a simultaneous coordination game (a proper subgame), with a chance
# move in front: three SPE in the coordination subgame, so three in all.
SUBGAME = """EFG 2 R "outside option" { "A" "B" }
c "" 1 "" { "calm" 1/2 "storm" 1/2 } 0
t "" 1 "" { 1, 1 }
p "" 1 1 "enter" { "out" "in" } 0
t "" 2 "" { 2, 2 }
p "" 1 2 "A moves" { "x" "y" } 0
p "" 2 1 "B moves" { "x" "y" } 0
t "" 3 "" { 3, 1 }
t "" 4 "" { 0, 0 }
p "" 2 1 "B moves" { "x" "y" } 0
t "" 5 "" { 0, 0 }
t "" 6 "" { 1, 3 }
"""


# ------------------------------------------------------------------ independent checker
def _value(game, behavior, node):
    """Expected payoffs of the subtree at ``node`` under ``behavior[h][a]``."""
    mover = game.mover[node]
    if mover == TERMINAL:
        t = int(np.flatnonzero(game.terminals == node)[0])
        return np.asarray(game.payoffs[t], dtype=float)
    kids = game.children[node, : game.num_children[node]]
    if mover == CHANCE:
        c = int(np.flatnonzero(game.chance_nodes == node)[0])
        probs = game.chance_probs[c]
    else:
        probs = behavior[int(game.infoset[node])]
    total = np.zeros(game.n_players)
    for a, child in enumerate(kids):
        if probs[a] > 0:
            total += probs[a] * _value(game, behavior, int(child))
    return total


def _subtree(game, node):
    out, stack = [], [node]
    while stack:
        v = stack.pop()
        out.append(v)
        stack.extend(int(c) for c in game.children[v, : game.num_children[v]])
    return set(out)


def _subgame_roots(game):
    roots = []
    for v in range(game.n_nodes):
        if game.mover[v] == TERMINAL:
            continue
        inside = _subtree(game, v)
        if game.mover[v] >= 0 and game.infoset_size[game.infoset[v]] > 1:
            continue
        infosets = {int(game.infoset[u]) for u in inside if game.mover[u] >= 0}
        if all(set(game.infoset_members(h).tolist()) <= inside for h in infosets):
            roots.append(v)
    return roots


def assert_subgame_perfect(game, behavior, payoffs, tol=1e-9):
    """No player gains in any subgame by a pure strategy; payoffs match the profile."""
    scale = float(np.ptp(game.payoffs)) or 1.0
    assert np.allclose(_value(game, behavior, 0), payoffs, atol=tol * scale)
    for root in _subgame_roots(game):
        here = _value(game, behavior, root)
        for i in range(game.n_players):
            own = [h for h in range(game.n_infosets) if game.infoset_player[h] == i]
            sizes = [int(game.num_children[game.infoset_nodes_first[h]]) for h in own]
            for pure in itertools.product(*(range(n) for n in sizes)):
                deviation = [np.array(b, dtype=float) for b in behavior]
                for h, a in zip(own, pure, strict=True):
                    deviation[h] = np.zeros_like(deviation[h])
                    deviation[h][a] = 1.0
                gain = _value(game, deviation, root)[i] - here[i]
                assert gain <= tol * scale, (root, i, pure, gain)


def _solve_json(path, capsys):
    assert main(["solve", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _check_all(path, capsys):
    game = read_efg(path, check_recall=False)
    data = _solve_json(path, capsys)
    for eq in data["equilibria"]:
        assert [row["infoset"] for row in eq["behavior"]] and len(eq["behavior"]) == (
            game.n_infosets
        )
        behavior = [np.array(row["probabilities"]) for row in eq["behavior"]]
        for b in behavior:
            assert np.all(b >= 0) and abs(b.sum() - 1) <= 1e-9
        assert_subgame_perfect(game, behavior, eq["payoffs"])
    return game, data


# ------------------------------------------------------------------ tests
def test_perfect_information_tree_lists_every_pure_spe(tmp_path, capsys):
    path = tmp_path / "tie.efg"
    path.write_text(TIE)
    _, data = _check_all(path, capsys)
    assert data["method"] == "backward_induction"
    assert data["degenerate"] is True  # a tie: mixtures of a and b after L are SPE too
    paths = sorted(tuple(eq["path"]) for eq in data["equilibria"])
    assert paths == [("L", "a"), ("R",)]
    assert main(["solve", str(path)]) == 0
    text = capsys.readouterr().out
    assert "2 subgame-perfect equilibria" in text and "path: L -> a" in text


def test_a_proper_subgame_after_chance(tmp_path, capsys):
    path = tmp_path / "subgame.efg"
    path.write_text(SUBGAME)
    _, data = _check_all(path, capsys)
    assert data["method"] == "subgame_perfect" and data["complete"] is True
    # 3 equilibria of the coordination game; A stays out unless it gives her more than 2
    values = sorted(round(eq["payoffs"][0], 9) for eq in data["equilibria"])
    assert len(values) == 3
    assert values == pytest.approx(sorted([0.5 + 0.5 * 3, 0.5 + 0.5 * 2, 0.5 + 0.5 * 2]))


def test_a_one_node_tree(tmp_path, capsys):
    path = tmp_path / "leaf.efg"
    path.write_text('EFG 2 R "t" { "1" "2" }\nt "" 1 "o" { 1, 1 }\n')
    data = _solve_json(path, capsys)
    assert len(data["equilibria"]) == 1 and data["equilibria"][0]["payoffs"] == [1.0, 1.0]


@pytest.mark.parametrize(
    "name",
    [
        "contrib/games/cent4.efg",  # centipede, perfect information
        "contrib/games/nim.efg",
        "catalog/books/myerson1991/fig4_2.efg",  # imperfect information
    ],
)
def test_corpus_trees(gambit_corpus, capsys, name):
    path = gambit_corpus / name
    if not path.exists():
        pytest.skip(f"{name} is not in the corpus")
    game, data = _check_all(path, capsys)
    assert data["equilibria"], name
    assert data["method"] == (
        "backward_induction" if game.is_perfect_information else "subgame_perfect"
    )


def test_a_tree_too_large_for_the_n_player_solvers_is_refused_in_one_line(gambit_corpus, capsys):
    path = gambit_corpus / "contrib" / "games" / "cs.efg"
    if not path.exists():
        pytest.skip("cs.efg is not in the corpus")
    assert main(["solve", str(path)]) == 5  # EXIT_UNSUPPORTED
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "524,288 profiles" in err and "max_profiles" in err and "agent_logit_qre" in err
