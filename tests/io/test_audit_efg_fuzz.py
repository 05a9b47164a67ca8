"""Audit of issue 3: the .efg reader never hangs and never recurses, even on deep trees.

``test_efg.py`` fuzzes small trees; here every parse runs under a wall-clock alarm (a hang
fails the test instead of stalling CI), the fuzzed texts include trees thousands of levels
deep (truncated and mutated: an error found deep in the tree must be raised without recursion),
and random text is drawn from all of Unicode, not only the format's alphabet.
"""

from __future__ import annotations

import contextlib
import signal
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.tree_generators import random_tree
from irgames.io.efg import EFGParseError, parse_efg, write_efg

DEPTH = 3000  # far beyond Python's default recursion limit of 1000


@contextlib.contextmanager
def time_limit(seconds: float):
    """Fail (instead of hanging) when the body runs longer than ``seconds``."""

    def handler(signum, frame):
        raise TimeoutError(f"the .efg reader ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def chain(depth: int) -> str:
    """A perfect-information chain ``depth`` decisions deep (a centipede), as .efg text."""
    lines = ['EFG 2 R "chain" { "1" "2" }']
    for d in range(depth):
        lines.append(f'p "" {d % 2 + 1} {d // 2 + 1} "" {{ "stop" "go" }} 0')
        lines.append(f't "" {d + 1} "" {{ {d}, {-d} }}')
    lines.append(f't "" {depth + 1} "" {{ 0, 0 }}')
    return "\n".join(lines) + "\n"


DEEP = chain(DEPTH)
SEEDS = [write_efg(random_tree(s, max_depth=4, p_chance=0.3)) for s in range(3)] + [DEEP]
ALPHABET = '{}",/\\ \n0123456789.-+eEcpt R'


def check_reader(text: str, seconds: float = 10.0) -> None:
    """The reader returns a game or raises its own error with a line inside the text."""
    limit = sys.getrecursionlimit()
    with time_limit(seconds):
        try:
            parse_efg(text)
        except EFGParseError as error:
            assert 1 <= error.line <= max(1, text.count("\n") + 1)
            assert f"line {error.line}" in str(error)
    assert sys.getrecursionlimit() == limit  # nobody raised the limit to get through


def test_deep_chain_parses_under_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    check_reader(DEEP)
    assert int(parse_efg(DEEP).depth.max()) == DEPTH


@given(st.sampled_from(SEEDS), st.data())
def test_truncated_texts_never_hang(text, data):
    check_reader(text[: data.draw(st.integers(0, len(text)))])


@given(st.sampled_from(SEEDS), st.data())
def test_mutated_texts_never_hang(text, data):
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        pos = data.draw(st.integers(0, len(chars) - 1))
        if op == "delete":
            del chars[pos]
        else:
            char = data.draw(st.sampled_from(ALPHABET))
            if op == "insert":
                chars.insert(pos, char)
            else:
                chars[pos] = char
    check_reader("".join(chars))


@given(st.text(max_size=300))
def test_random_unicode_text_never_hangs(text):
    check_reader(text)
    check_reader('EFG 2 R "x" { "1" "2" }\n' + text)


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.75, 0.999])
def test_deep_chain_cut_short_names_a_line(cut):
    text = DEEP[: int(len(DEEP) * cut)]
    with time_limit(10.0), pytest.raises(EFGParseError) as info:
        parse_efg(text)
    assert 1 <= info.value.line <= text.count("\n") + 1


def test_an_error_at_the_bottom_of_a_deep_tree_names_its_line():
    lines = DEEP.splitlines()
    lines[-1] = 't "" 9999 "" { 0, x }'
    with time_limit(10.0), pytest.raises(EFGParseError) as info:
        parse_efg("\n".join(lines))
    assert info.value.line == len(lines)
