"""Gambit .efg reading and writing: the corpus, round trips, pygambit, and a fuzzed reader."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.extensive_form import TreeBuilder
from irgames.games.normal_form import GameValueError
from irgames.games.tree_generators import random_tree
from irgames.io.efg import (
    EFGParseError,
    from_pygambit_tree,
    parse_efg,
    read_efg,
    to_pygambit_tree,
    write_efg,
)


def same_game(a, b) -> bool:
    """Equal games up to the numbering of nodes and information sets."""
    a, b = a.reordered(), b.reordered()
    return (
        a.players == b.players
        and a.title == b.title
        and np.array_equal(a.parent, b.parent)
        and np.array_equal(a.mover, b.mover)
        and np.array_equal(a.infoset, b.infoset)
        and a.action_labels == b.action_labels
        and a.node_labels == b.node_labels
        and a.infoset_labels == b.infoset_labels
        and np.array_equal(a.payoffs, b.payoffs)
        and np.array_equal(a.chance_probs, b.chance_probs)
    )


def corpus_files(root):
    files = sorted(root.rglob("*.efg"))
    assert files, f"no .efg files under {root}"
    return files


# ----------------------------------------------------------------------------- corpus
def test_corpus_parses_or_is_refused_and_round_trips(gambit_corpus):
    refused = []
    for path in corpus_files(gambit_corpus):
        try:
            game = read_efg(path)
        except EFGParseError as error:
            # the only reason to refuse a file of Gambit's catalog is imperfect recall
            assert "perfect recall" in str(error), (path, error)
            assert error.line >= 1
            refused.append(path.name)
            game = read_efg(path, check_recall=False)
        again = parse_efg(write_efg(game), check_recall=False)
        assert same_game(game, again), path
    assert len(refused) < 10  # a handful of textbook examples of imperfect recall


def test_corpus_agrees_with_pygambit(gambit_corpus):
    gbt = pytest.importorskip("pygambit")
    checked = 0
    for path in corpus_files(gambit_corpus):
        try:
            theirs = gbt.read_efg(str(path))
        except ValueError:
            continue  # pygambit 16.7 refuses some catalog files (repeated node labels)
        ours = read_efg(path, check_recall=False)
        mine = from_pygambit_tree(theirs, check_recall=False)
        # the two readers build the same game, up to the order of the nodes
        assert mine.n_nodes == ours.n_nodes
        assert mine.players == ours.players
        np.testing.assert_array_equal(np.sort(mine.payoffs, axis=0), np.sort(ours.payoffs, axis=0))
        # pygambit reads what we write, and the converter round-trips
        gbt.read_efg(io.StringIO(write_efg(ours)))
        back = from_pygambit_tree(to_pygambit_tree(ours), check_recall=False)
        assert back.n_nodes == ours.n_nodes
        np.testing.assert_array_equal(np.sort(back.payoffs, axis=0), np.sort(ours.payoffs, axis=0))
        checked += 1
    assert checked > 50


def test_beer_quiche_reads_as_expected(gambit_corpus):
    game = read_efg(gambit_corpus / "contrib" / "games" / "e17.efg")
    assert game.players == ("Player 1", "Player 2")
    assert game.chance_probs.tolist() == [[0.1, 0.9]]
    assert game.n_infosets == 4 and not game.is_perfect_information
    assert game.recall_violation() is None


# ----------------------------------------------------------------------------- semantics
def test_outcomes_at_nonterminal_nodes_accrue():
    text = """EFG 2 R "accrue" { "A" "B" }
p "" 1 1 "" { "x" "y" } 1 "entry fee" { -1, 0 }
t "" 2 "left" { 3, 4 }
t "" 0
"""
    game = parse_efg(text)
    assert game.payoffs.tolist() == [[2.0, 4.0], [-1.0, 0.0]]


def test_shared_information_sets_and_repeated_declarations():
    text = """EFG 2 R "mp" { "1" "2" } "matching pennies"
p "" 1 1 "root" { "H" "T" } 0
p "" 2 1 "guess" { "h" "t" } 0
t "" 1 "" { 1, -1 }
t "" 2 "" { -1, 1 }
p "" 2 1 0
t "" 2
t "" 1
"""
    game = parse_efg(text)
    assert game.n_infosets == 2
    assert game.description == "matching pennies"
    assert game.payoffs.tolist() == [[1, -1], [-1, 1], [-1, 1], [1, -1]]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("NFG 1 R", 1, "not an .efg"),
        ('EFG 2 R "x" { "1" }\np "" 2 1 "" { "a" } 0\n', 2, "out of range"),
        ('EFG 2 R "x" { "1" }\np "" 1 1 "" { "a" } 0\nt "" 1 "" { 1, 2 }\n', 3, "payoffs"),
        ('EFG 2 R "x" { "1" }\np "" 1 1 "" { "a" "b" } 0\nt "" 1 "" { 1 }\n', 3, "ends before"),
        ('EFG 2 R "x" { "1" }\nc "" 1 "" { "a" 1/2 "b" 1/3 } 0\n', 2, "sum to"),
        ('EFG 2 R "x" { "1" }\np "" 1 1 0\n', 2, "before its actions"),
        ('EFG 2 R "x" { "1" }\nt "" 1 "" { 1 }\nt "" 2 "" { 1 }\n', 3, "follows the complete"),
        ('EFG 2 R "x" { "1" }\nt "" 3\n', 2, "before its payoffs"),
        ('EFG 2 R "x" { "1" }\nt "" 1 "" { 1/0 }\n', 2, "cannot read"),
        ('EFG 2 R "x { "1" }\n', 1, "unterminated"),
        ('EFG 2 R "x" { "1" }\nq "" 1\n', 2, "expected a node"),
        ('EFG 2 R "x" { "1" }\n', 1, "no nodes"),
    ],
)
def test_errors_name_the_line(text, line, words):
    with pytest.raises(EFGParseError, match=re.escape(words)) as info:
        parse_efg(text)
    assert info.value.line == line
    assert isinstance(info.value, GameValueError)


def test_imperfect_recall_is_refused_with_the_node_line():
    text = """EFG 2 R "forgetful" { "1" }
p "" 1 1 "" { "a" "b" } 0
p "" 1 2 "" { "x" "y" } 0
t "" 1 "" { 1 }
t "" 2 "" { 0 }
p "" 1 2 "" { "x" "y" } 0
t "" 3 "" { 0 }
t "" 4 "" { 1 }
"""
    with pytest.raises(EFGParseError, match="perfect recall") as info:
        parse_efg(text)
    assert info.value.line in (3, 6)
    assert parse_efg(text, check_recall=False).n_infosets == 2


def test_deep_tree_reads_and_writes_without_recursion():
    depth = 5000
    lines = ['EFG 2 R "chain" { "1" "2" }']
    for d in range(depth):
        lines.append(f'p "" {d % 2 + 1} {d // 2 + 1} "" {{ "stop" "go" }} 0')
        lines.append(f't "" {d + 1} "" {{ {d}, {-d} }}')
    lines.append(f't "" {depth + 1} "" {{ 0, 0 }}')
    game = parse_efg("\n".join(lines) + "\n")
    assert game.n_nodes == 2 * depth + 1
    assert int(game.depth.max()) == depth
    assert same_game(game, parse_efg(write_efg(game)))


# ----------------------------------------------------------------------------- round trips
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from([0.0, 0.4]),
    st.booleans(),
)
def test_random_trees_round_trip(seed, depth, n_players, p_chance, dyadic):
    game = random_tree(
        seed,
        max_depth=depth,
        n_players=n_players,
        p_chance=p_chance,
        dyadic_chance=dyadic,
    )
    assert same_game(game, parse_efg(write_efg(game)))


def test_builder_game_with_labels_round_trips(tmp_path):
    T = TreeBuilder(['He said "no"', "back\\slash"])
    root = T.decision(
        0,
        {
            "a": T.decision(
                1, {"l": T.terminal(0.1, 1e-7), "r": T.terminal(1 / 3, -2)}, infoset="I"
            ),
            "b": T.decision(1, {"l": T.terminal(5, 5), "r": T.terminal(-1e12, 2.5)}, infoset="I"),
        },
        label='root "node"',
    )
    game = T.build(root, title="quotes")
    path = tmp_path / "g.efg"
    write_efg(game, path)
    assert same_game(game, read_efg(path))


def test_write_picks_one_game_of_a_batch():
    game = random_tree(1, batch_shape=(3,))
    for i in range(3):
        again = parse_efg(write_efg(game, index=i))
        np.testing.assert_array_equal(again.payoffs, game[i].reordered().payoffs)
    with pytest.raises(GameValueError, match="index"):
        write_efg(game)


# ----------------------------------------------------------------------------- fuzzing
def _seed_texts():
    texts = [write_efg(random_tree(s, max_depth=3, p_chance=0.3)) for s in range(4)]
    texts.append(
        'EFG 2 R "x" { "1" "2" } "c"\nc "" 1 "" { "a" 1/2 "b" 0.5 } 0\n'
        'p "" 1 1 "" { "l" "r" } 1 "o" { 1, -1.5e2 }\nt "" 0\nt "" 2 "" { 0 0 }\n'
        't "" 3 "" { 1, 1 }\n'
    )
    return texts


SEEDS = _seed_texts()
ALPHABET = '{}",/\\ \n0123456789.-+eEcpt R'


def _check_reader(text):
    try:
        parse_efg(text)
    except EFGParseError as error:
        assert 1 <= error.line <= max(1, text.count("\n") + 1)


@given(st.sampled_from(SEEDS), st.data())
def test_fuzz_truncated(text, data):
    _check_reader(text[: data.draw(st.integers(0, len(text)))])


@given(st.sampled_from(SEEDS), st.data())
def test_fuzz_mutated(text, data):
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 5))):
        op = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        pos = data.draw(st.integers(0, max(0, len(chars) - 1)))
        if op == "delete" and chars:
            del chars[pos]
        else:
            char = data.draw(st.sampled_from(ALPHABET))
            if op == "insert" or not chars:
                chars.insert(pos, char)
            else:
                chars[pos] = char
    _check_reader("".join(chars))


@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=300))
def test_fuzz_random_text(text):
    _check_reader("EFG 2 R " + text)
    _check_reader(text)


def test_huge_numbers_are_refused_quickly():
    text = 'EFG 2 R "x" { "1" }\nt "" 1 "" { 1e99999 }\n'
    with pytest.raises(EFGParseError, match="a payoff"):
        parse_efg(text)
    text = 'EFG 2 R "x" { "1" }\nt "" 1 "" { 1e308 }\n'
    assert parse_efg(text).payoffs[0, 0] == 1e308
    text = 'EFG 2 R "x" { "1" }\nt "" 1 "" { 1e999 }\n'
    with pytest.raises(EFGParseError, match=r"too large|finite"):
        parse_efg(text)
