"""Tests of the Gambit .nfg reader and writer: corpus, round trips, pygambit, bad input, fuzz."""

from __future__ import annotations

import contextlib
import signal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irgames.games.normal_form import GameValueError, NormalFormGame
from irgames.io.nfg import GambitNFG, NFGParseError, load_nfg, parse_nfg, read_nfg, write_nfg

# ---------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def time_limit(seconds: float):
    """Fail (instead of hanging) when the body runs longer than ``seconds``."""

    def handler(signum, frame):
        raise TimeoutError(f"the .nfg reader ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def corpus_files(root: Path) -> list[Path]:
    files = sorted(root.rglob("*.nfg"))
    assert files, f"no .nfg files under {root}"
    return files


def pygambit_payoffs(game) -> np.ndarray:
    """Payoffs of a pygambit game as (n_players, a_1, ..., a_n), read profile by profile."""
    players = list(game.players)
    shape = tuple(len(p.strategies) for p in players)
    out = np.empty((len(players), *shape))
    for index in np.ndindex(*shape):
        profile = [list(p.strategies)[k] for p, k in zip(players, index, strict=True)]
        outcome = game[profile]
        for i, player in enumerate(players):
            out[(i, *index)] = float(outcome[player])
    return out


labels = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8
)  # any characters, quotes and backslashes included
payoff_values = st.one_of(
    st.integers(-50, 50).map(Fraction),
    st.fractions(min_value=-10, max_value=10, max_denominator=12),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(Fraction),
)


@st.composite
def nfg_records(draw):
    """A random single game with random labels, exact payoffs as Fractions."""
    n = draw(st.integers(1, 3))
    actions = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    size = n * int(np.prod(actions))
    values = draw(st.lists(payoff_values, min_size=size, max_size=size))
    exact = np.empty(size, dtype=object)
    exact[:] = values
    exact = exact.reshape((n, *actions))
    names = tuple(tuple(draw(st.lists(labels, min_size=a, max_size=a))) for a in actions)
    return GambitNFG(
        game=NormalFormGame(exact.astype(float), n_players=n),
        title=draw(labels),
        players=tuple(draw(st.lists(labels, min_size=n, max_size=n))),
        strategies=names,
        comment=draw(labels),
        version="payoff",
        number_type="R",
        exact_payoffs=exact,
    )


# ---------------------------------------------------------------------------- corpus


def test_corpus_parses_round_trips_and_agrees_with_pygambit(gambit_corpus):
    pygambit = pytest.importorskip("pygambit")
    for path in corpus_files(gambit_corpus):
        record = load_nfg(path)
        theirs = pygambit.read_nfg(str(path))
        assert np.array_equal(record.game.payoffs, pygambit_payoffs(theirs)), path
        assert record.title == theirs.title, path
        assert record.comment == theirs.description, path
        assert record.strategies == tuple(
            tuple(s.label for s in p.strategies) for p in theirs.players
        ), path
        for player, theirs_player in zip(record.players, theirs.players, strict=True):
            # pygambit renames empty player labels; the file's own label is kept here
            assert player == theirs_player.label or player == "", path
        for version in ("payoff", "outcome"):
            again = load_nfg(write_nfg(record, version=version))
            assert np.array_equal(again.game.payoffs, record.game.payoffs), path
            assert np.all(again.exact_payoffs == record.exact_payoffs), path
            assert (again.title, again.players, again.strategies, again.comment) == (
                record.title,
                record.players,
                record.strategies,
                record.comment,
            ), path
            floats = read_nfg(write_nfg(record.game, version=version))
            assert np.array_equal(floats.payoffs, record.game.payoffs), path


def test_corpus_knows_both_versions(gambit_corpus):
    versions = {load_nfg(p).version for p in corpus_files(gambit_corpus)}
    assert versions == {"payoff", "outcome"}


# ---------------------------------------------------------------------------- reading


def test_payoff_order_is_first_player_fastest():
    # 3 x 2 game: profiles (0,0) (1,0) (2,0) (0,1) (1,1) (2,1)
    text = 'NFG 1 R "Selten" { "1" "2" } { 3 2 }\n\n1 1 0 2 0 2 1 1 0 3 2 0\n'
    game = read_nfg(text)
    assert game.num_actions == (3, 2)
    np.testing.assert_array_equal(game.player_payoffs(0), [[1, 1], [0, 0], [0, 2]])
    np.testing.assert_array_equal(game.player_payoffs(1), [[1, 1], [2, 3], [2, 0]])


def test_three_players_order():
    values = np.arange(24)
    text = 'NFG 1 D "" { "a" "b" "c" } { 2 2 2 } ' + " ".join(map(str, values))
    game = read_nfg(text)
    for s1, s2, s3 in np.ndindex(2, 2, 2):
        c = s1 + 2 * s2 + 4 * s3
        for i in range(3):
            assert game.payoffs[i, s1, s2, s3] == values[3 * c + i]


def test_outcome_version_with_null_outcome_and_commas():
    text = """NFG 1 R "Matching pennies" { "Row" "Column" }
    { { "H" "T" } { "H" "T" } }
    "a comment
    on two lines"
    { { "win" 1, -1 } { "lose" -1 1 } }
    1 2 0 1
    """
    record = load_nfg(text)
    assert record.version == "outcome"
    assert record.strategies == (("H", "T"), ("H", "T"))
    assert record.comment == "a comment\n    on two lines"
    np.testing.assert_array_equal(record.game.player_payoffs(0), [[1, 0], [-1, 1]])
    np.testing.assert_array_equal(record.game.player_payoffs(1), [[-1, 0], [1, -1]])


def test_numbers_are_read_exactly():
    text = 'NFG 1 R "" { "a" "b" } { 4 1 } 3/4 -2/3 1.5e-3 .5 2. -7 1E2 +0.1'
    record = load_nfg(text)
    exact = record.exact_payoffs
    expected_1 = [Fraction(3, 4), Fraction(3, 2000), Fraction(2), Fraction(100)]
    expected_2 = [Fraction(-2, 3), Fraction(1, 2), Fraction(-7), Fraction(1, 10)]
    assert list(exact[0, :, 0]) == expected_1
    assert list(exact[1, :, 0]) == expected_2
    np.testing.assert_array_equal(record.game.payoffs[0, :, 0], [float(x) for x in expected_1])


def test_strings_unescape():
    text = r'NFG 1 R "say \"hi\" \\ back\slash" { "P\"1" } { 1 } 0'
    record = load_nfg(text)
    assert record.title == 'say "hi" \\ back\\slash'
    assert record.players == ('P"1',)


def test_reads_paths_bytes_and_files(tmp_path):
    text = 'NFG 1 R "t" { "a" "b" } { 1 2 } 1 2 3 4'
    path = tmp_path / "g.nfg"
    path.write_text(text)
    for source in (path, str(path), text, text.encode()):
        np.testing.assert_array_equal(read_nfg(source).payoffs, [[[1, 3]], [[2, 4]]])
    with path.open() as handle:
        assert read_nfg(handle).num_actions == (1, 2)


def test_error_names_the_file(tmp_path):
    path = tmp_path / "bad.nfg"
    path.write_text('NFG 1 R "t" { "a" }\n{ 2 }\n1 x\n')
    with pytest.raises(NFGParseError, match=r"bad\.nfg: line 3, column 3") as info:
        read_nfg(path)
    assert (info.value.line, info.value.column) == (3, 3)


# ---------------------------------------------------------------------------- bad input

BAD = [
    ("", 1, "starts with 'NFG'"),
    ("EFG 2 R", 1, "starts with 'NFG'"),
    ("NFG", 1, "format version"),
    ('NFG 2 R "t" { "a" } { 1 } 1', 1, "version 1"),
    ('NFG 1 X "t" { "a" } { 1 } 1', 1, "'R' or 'D'"),
    ('NFG 1 R t { "a" } { 1 } 1', 1, "title"),
    ('NFG 1 R "t\n{ "a" } { 1 } 1', 2, "unterminated string"),
    ('NFG 1 R "t" { }\n{ }', 1, "at least one player"),
    ('NFG 1 R "t" { "a" 3 } { 1 } 1', 1, "player name"),
    ('NFG 1 R "t" { "a" "b" }\n{ 2 }\n1 2', 2, "strategies of player 2"),
    ('NFG 1 R "t" { "a" }\n{ 2 2 }\n1 2', 2, "more than the 1 players"),
    ('NFG 1 R "t" { "a" }\n{ 0 }', 2, "positive integer"),
    ('NFG 1 R "t" { "a" }\n{ 2.5 }', 2, "positive integer"),
    ('NFG 1 R "t" { "a" }\n{ 123456789012 }\n1', 2, "too large"),
    ('NFG 1 R "t" { "a" }\n{ { } }', 2, "no strategies"),
    ('NFG 1 R "t" { "a" }\n{ { "x" 1 } }', 2, "strategy name"),
    ('NFG 1 R "t" { "a" "b" }\n{ 2 2 }\n""\n1 2 3\n4 5', 5, "expected 8 payoffs"),
    ('NFG 1 R "t" { "a" "b" }\n{ 1 1 }\n1 2 3', 3, "end of file"),
    ('NFG 1 R "t" { "a" }\n{ 2 }\n1 1/0', 3, "division by zero"),
    ('NFG 1 R "t"\n{' + ' "p"' * 40 + " }\n{" + " 1" * 40 + " }\n" + " 0" * 1600, 2, "40 players"),
    ('NFG 1 R "t" { "a" }\n{ 2 }\n1 1.5/2', 3, "malformed number"),
    ('NFG 1 R "t" { "a" }\n{ 2 }\n1 1e999', 3, "too large for floating point"),
    ('NFG 1 R "t" { "a" }\n{ 2 }\n1 1e99999999999999', 3, "exponent out of range"),
    ('NFG 1 R "t" { "a" }\n{ 2 }\n1 ' + "9" * 5000, 3, "too many digits"),
    ('NFG 1 R "t" { "a" }\n{ 2 }\n1 @', 3, "unexpected character"),
    ('NFG 1 R "t" { "a" }\n{ 2 }\n""\n', 4, "payoffs or a list of outcomes"),
    ('NFG 1 R "t" { "a" }\n{ { "x" "y" } }\n{ { "" 1 } }\n1 2', 4, "outcome index"),
    ('NFG 1 R "t" { "a" }\n{ { "x" "y" } }\n{ { "" 1 } }\n1 1/2', 4, "outcome index"),
    ('NFG 1 R "t" { "a" }\n{ { "x" "y" } }\n{ { "" 1 } }\n1', 4, "profile 2 of 2"),
    ('NFG 1 R "t" { "a" "b" }\n{ { "x" } { "y" } }\n{ { "" 1 } }\n1', 3, "1 payoffs"),
    ('NFG 1 R "t" { "a" }\n{ { "x" } }\n{ { "" 1 2 } }\n1', 3, "found more"),
    ('NFG 1 R "t" { "a" }\n{ { "x" } }\n{ { 1 } }\n1', 3, "outcome's label"),
    ('NFG 1 R "t" { "a" }\n{ { "x" } }\n{ { "" 1 x } }\n1', 3, "closing the outcome"),
    ('NFG 1 R "t" { "a" }\n{ { "x" } }\n{ { "" 1 }\n1', 4, "closing the list of outcomes"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_malformed_input_raises_with_line(text, line, message):
    with pytest.raises(NFGParseError, match=message) as info:
        parse_nfg(text)
    assert info.value.line == line
    assert info.value.column >= 1
    assert f"line {line}, column" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parse_needs_text():
    with pytest.raises(TypeError):
        parse_nfg(b"NFG 1 R")
    with pytest.raises(TypeError):
        read_nfg(12)


# ---------------------------------------------------------------------------- writing


def test_write_rejects_batches_and_bad_labels():
    batch = NormalFormGame.zero_sum(np.zeros((3, 2, 2)))
    with pytest.raises(GameValueError, match="one game"):
        write_nfg(batch)
    single = batch[0]
    with pytest.raises(GameValueError, match="player names"):
        write_nfg(single, players=["only one"])
    with pytest.raises(GameValueError, match="strategy names"):
        write_nfg(single, strategies=[["a", "b"], ["c"]])
    with pytest.raises(GameValueError, match="version"):
        write_nfg(single, version="tabular")


def test_write_to_path(tmp_path):
    game = NormalFormGame.bimatrix([[1, 2.5]], [[0.1, -3e-20]])
    path = tmp_path / "out.nfg"
    text = write_nfg(game, path, title="x")
    assert path.read_text() == text
    assert np.array_equal(read_nfg(path).payoffs, game.payoffs)


@given(record=nfg_records(), version=st.sampled_from(["payoff", "outcome"]))
def test_round_trip_is_exact(record, version):
    text = write_nfg(record, version=version)
    again = load_nfg(text)
    assert again.version == version
    assert np.all(again.exact_payoffs == record.exact_payoffs)
    assert np.array_equal(again.game.payoffs, record.game.payoffs)
    assert (again.title, again.players, again.strategies, again.comment) == (
        record.title,
        record.players,
        record.strategies,
        record.comment,
    )
    # floats only (no exact record): still the same doubles
    floats = read_nfg(write_nfg(record.game, version=version))
    assert np.array_equal(floats.payoffs, record.game.payoffs)
    # and the text written is stable
    assert write_nfg(again, version=version) == text


@given(record=nfg_records(), version=st.sampled_from(["payoff", "outcome"]))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_pygambit_reads_what_we_write(record, version):
    pygambit = pytest.importorskip("pygambit")
    if record.game.n_players < 2:
        return  # pygambit's strategic-form access needs two or more players
    text = write_nfg(record.game, version=version)
    theirs = pygambit.read_nfg(__import__("io").StringIO(text))
    assert np.array_equal(pygambit_payoffs(theirs), record.game.payoffs)


# ---------------------------------------------------------------------------- fuzz

tokens = st.sampled_from(
    ["NFG", "1", "R", "D", "{", "}", ",", '"', '""', '"x"', "0", "-1", "3/4", "2.5e3", "\n", " "]
)


def assert_only_parse_error(text: str):
    with time_limit(10.0):
        try:
            parse_nfg(text)
        except NFGParseError as error:
            assert error.line >= 1 and error.column >= 1
            assert error.line <= text.count("\n") + 1
            assert f"line {error.line}" in str(error)


@given(text=st.text(max_size=300))
def test_fuzz_random_text(text):
    assert_only_parse_error(text)


@given(parts=st.lists(tokens, max_size=60))
def test_fuzz_random_tokens(parts):
    assert_only_parse_error(" ".join(parts))


@given(record=nfg_records(), version=st.sampled_from(["payoff", "outcome"]), data=st.data())
def test_fuzz_truncated(record, version, data):
    text = write_nfg(record, version=version)
    cut = data.draw(st.integers(0, len(text)))
    assert_only_parse_error(text[:cut])


@given(record=nfg_records(), version=st.sampled_from(["payoff", "outcome"]), data=st.data())
def test_fuzz_mutated(record, version, data):
    text = write_nfg(record, version=version)
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(text)))
        kind = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = data.draw(st.one_of(tokens, st.text(max_size=3)))
        if kind == "insert":
            text = text[:where] + piece + text[where:]
        elif kind == "delete":
            text = text[:where] + text[where + 1 :]
        else:
            text = text[:where] + piece + text[where + len(piece) :]
    assert_only_parse_error(text)


def test_huge_declared_game_fails_fast():
    text = 'NFG 1 R "t" { "a" "b" "c" }\n{ 100000 100000 100000 }\n1 2 3'
    with time_limit(5.0), pytest.raises(NFGParseError, match="expected 3000000000000000"):
        parse_nfg(text)
