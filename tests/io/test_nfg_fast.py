"""The .nfg reader's fast path (numpy parses the payoff body) against its exact path.

The exact path makes one token and one Fraction per number, with line and column errors; the
fast path must give bit for bit the same floats, the same exact payoffs (computed when asked
for) and, by handing them over, the same errors. Also: a missing file is a FileNotFoundError,
and a body too large for memory is refused before it is read.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.errors import NFGParseError, WorkTooLargeError
from irgames.io import nfg
from irgames.io.efg import read_efg
from irgames.io.nfg import load_nfg, parse_nfg, read_nfg


@contextlib.contextmanager
def exact_path_only():
    with mock.patch.object(nfg, "_fast_numbers", lambda text, start, needed: None):
        yield


def _outcome(text: str):
    """What the reader makes of ``text``: its floats (as bits), exact payoffs, or error."""
    try:
        record = parse_nfg(text)
    except NFGParseError as error:
        return ("error", error.reason, error.line, error.column)
    payoffs = record.game.payoffs
    return ("game", payoffs.shape, payoffs.tobytes(), record.exact_payoffs.tolist())


def _both(text: str):
    fast = _outcome(text)
    with exact_path_only():
        exact = _outcome(text)
    assert fast == exact, text
    return fast


# ---------------------------------------------------------------------------- numbers
digits = st.text("0123456789", min_size=1, max_size=25)
sign = st.sampled_from(["", "-", "+"])


@st.composite
def number_tokens(draw):
    kind = draw(st.sampled_from(["integer", "decimal", "exponent", "rational", "zero"]))
    s = draw(sign)
    if kind == "integer":
        return s + draw(digits)
    if kind == "decimal":
        whole, frac = draw(st.text("0123456789", max_size=20)), draw(digits)
        return s + draw(st.sampled_from([f"{whole}.{frac}", f"{frac}.", f".{frac}"]))
    if kind == "exponent":
        mantissa = draw(st.sampled_from(["1", "2.5", ".3", "7.", "123456789012345678"]))
        e = draw(st.sampled_from(["e", "E"])) + draw(sign) + str(draw(st.integers(0, 400)))
        return s + mantissa + e
    if kind == "rational":
        p = draw(st.one_of(st.integers(0, 10**6), st.integers(2**52, 2**60)))
        q = draw(st.one_of(st.integers(1, 10**6), st.integers(2**52, 2**60)))
        return f"{s}{p}/{q}"
    return s + draw(st.sampled_from(["0", "0.0", ".0", "0e5", "1e-400", "0/7"]))


spaces = st.sampled_from([" ", "  ", "\n", "\t", "\r\n", " \n\t"])


@st.composite
def payoff_texts(draw):
    counts = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    needed = len(counts) * int(np.prod(counts))
    tokens = draw(st.lists(number_tokens(), min_size=needed, max_size=needed))
    body = tokens[0]
    for token in tokens[1:]:
        body += draw(spaces) + token
    players = " ".join(f'"{i}"' for i in range(len(counts)))
    header = f'NFG 1 R "t" {{ {players} }} {{ {" ".join(map(str, counts))} }}'
    return header + draw(spaces) + body + draw(st.sampled_from(["", "\n", " \n\n"]))


@given(text=payoff_texts())
def test_fast_path_gives_the_exact_paths_floats_bit_for_bit(text):
    _both(text)


@given(text=payoff_texts(), data=st.data())
def test_fast_path_hands_every_malformed_body_to_the_exact_path(text, data):
    where = data.draw(st.integers(text.index("}") + 1, len(text)))
    piece = data.draw(
        st.sampled_from(["x", "@", "/", "-", ".", "e", "1/0", "1e99999", "9" * 4001, "é", "}"])
    )
    cut = data.draw(st.booleans())
    mutated = text[:where] + piece + text[where + cut :]
    _both(mutated)


def test_fast_path_takes_the_usual_files_and_refuses_what_it_cannot_prove():
    def fast(body: str, needed: int):
        return nfg._fast_numbers("xx" + body, 2, needed)

    np.testing.assert_array_equal(fast("1 -2\n3.5 .5e1 2/3 +4", 6), [1, -2, 3.5, 5, 2 / 3, 4])
    for body, needed in [
        ("1-2", 2),  # two numbers to the lexer, no float to numpy
        ("1 2", 3),  # too few
        ("-0 1", 2),  # a signed zero the exact path does not make
        ("-1e-400 1", 2),  # underflow to -0.0
        ("1e400 1", 2),  # not finite: the exact path reports it
        ("1e00400 1", 2),  # a five-digit exponent
        ("1/0 1", 2),
        ("1/-2 1", 2),
        ("9007199254740993/3 1", 2),  # a part beyond 2**53: not an exact float
        ("1/2/3 1", 2),
        ("1.5/2 1", 2),
        ("1 " + "0" * 4000 + "1", 2),  # more digits than the exact path allows
        ("1 2\u00a0", 2),  # not ASCII
        ("1 2 }", 3),
    ]:
        assert fast(body, needed) is None, body


def test_a_large_file_takes_the_fast_path_and_its_exact_payoffs_wait(tmp_path):
    rng = np.random.default_rng(0)
    m, n = 300, 200
    values = rng.integers(-99, 100, size=2 * m * n)
    path = tmp_path / "large.nfg"
    path.write_text(f'NFG 1 R "large" {{ "1" "2" }} {{ {m} {n} }}\n' + " ".join(map(str, values)))
    calls = []
    real = nfg._fast_numbers

    def spy(text, start, needed):
        calls.append(real(text, start, needed))
        return calls[-1]

    with mock.patch.object(nfg, "_fast_numbers", spy):
        record = load_nfg(path)
    assert len(calls) == 1 and calls[0] is not None
    assert callable(record._exact)  # not computed yet
    expected = values.reshape(2, m, n, order="F")
    np.testing.assert_array_equal(record.game.payoffs, expected)
    assert record.exact_payoffs[1, 299, 199] == Fraction(int(expected[1, 299, 199]))
    assert not callable(record._exact)


def test_the_outcome_version_takes_the_fast_path_too():
    text = (
        'NFG 1 R "t" { "a" "b" }\n{ { "x" "y" } { "u" "v" } }\n""\n'
        '{ { "w" 1, -1 } { "l" -1/3, 1 } }\n1 2 0 1.0\n'
    )
    record = _both(text)
    assert record[0] == "game"
    game = load_nfg(text)
    np.testing.assert_array_equal(game.game.payoffs[0], [[1, 0], [-1 / 3, 1]])
    np.testing.assert_array_equal(game.game.payoffs[1], [[-1, 0], [1, -1]])
    for bad in ("1 2 0 3", "1 2 0 1.5", "1 2 0", "1 2 0 1 1"):
        outcome = _both(text.replace("1 2 0 1.0", bad))
        assert outcome[0] == "error", bad


def test_errors_keep_their_line_and_column_in_a_large_file():
    body = "\n".join("1 2 3 4" for _ in range(5000))
    text = 'NFG 1 R "t" { "a" "b" } { 100 100 }\n' + body.replace("3 4", "3 x", 1) + "\n"
    with pytest.raises(NFGParseError) as info:
        parse_nfg(text)
    assert (info.value.line, info.value.column) == (2, 7)
    assert "unexpected" in info.value.reason or "expected" in info.value.reason


# ---------------------------------------------------------------------------- files
def test_a_missing_file_is_file_not_found(tmp_path):
    for source in ("missing.nfg", str(tmp_path / "missing.nfg"), tmp_path / "missing.nfg"):
        with pytest.raises(FileNotFoundError) as info:
            read_nfg(source)
        assert str(info.value.filename).endswith("missing.nfg")
    with pytest.raises(FileNotFoundError) as info:
        read_efg(tmp_path / "missing.efg")
    assert str(info.value.filename).endswith("missing.efg")
    with pytest.raises(NFGParseError, match="starts with 'NFG'"):  # one line of text, not a path
        read_nfg('EFG 2 R "t" { "1" }')


def test_a_body_too_large_for_memory_is_refused_before_reading(tmp_path, monkeypatch):
    text = 'NFG 1 R "t" { "a" "b" } { 100 100 }\n' + " 1" * 20000
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "64K")
    with pytest.raises(WorkTooLargeError, match="20,000 payoffs") as info:
        parse_nfg(text)
    assert info.value.limit == 64 * 1024 and info.value.needed > info.value.limit
    path = tmp_path / "big.nfg"
    path.write_text(text)
    with pytest.raises(WorkTooLargeError, match=r"big\.nfg"):
        read_nfg(path)
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "16M")
    assert read_nfg(path).num_actions == (100, 100)
