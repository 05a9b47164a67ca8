r"""Gambit's strategic-game file format (``.nfg``): reading and writing.

A ``.nfg`` file describes one finite :math:`n`-player game in normal form. It starts with a
header and then gives the payoff of every player at every pure profile
:math:`s = (s_1, \dots, s_n)`, listing the profiles with the **first player's strategy
changing fastest**: profile :math:`s` (0-based) has position

.. math::

    c(s) = s_1 + a_1 \big(s_2 + a_2 (s_3 + \dots)\big).

Two versions of the body exist, and both are read:

*payoff version* ::

    NFG 1 R "Selten (IJGT, 75), Figure 2" { "Player 1" "Player 2" } { 3 2 }
    1 1 0 2 0 2 1 1 0 3 2 0

The players are followed by the number of strategies of each player (or a list of strategy
names per player), an optional comment string, and then :math:`n \prod_i a_i` numbers: the
payoffs :math:`u_1(s), \dots, u_n(s)` of each profile in the order :math:`c(s)`.

*outcome version* ::

    NFG 1 R "Matching pennies" { "Player 1" "Player 2" }
    { { "H" "T" } { "H" "T" } }
    "an optional comment"
    { { "win" 1, -1 } { "lose" -1, 1 } }
    1 2 2 1

Strategy names are listed per player; after the optional comment comes a list of outcomes
(a label and one payoff per player, commas optional), then one outcome index per profile in
the order :math:`c(s)`; index 0 is the null outcome (every payoff 0).

Lexical rules: whitespace is not significant outside strings; strings are double-quoted and
may span lines, with ``\"`` standing for a quote and ``\\`` for a backslash (any other
backslash is kept literally); numbers are integers, decimals (``-1.25``, ``.5``, ``2.``),
decimals with an exponent (``1.5e-3``) or rationals ``p/q`` of integers (``-3/4``). The ``R``
or ``D`` after the version number says whether Gambit should compute in rationals or doubles.

Numbers are read exactly: the game holds the nearest float :math:`\mathrm{fl}(q)` of each
rational :math:`q` written in the file, and :attr:`GambitNFG.exact_payoffs` the rationals
themselves (as :class:`fractions.Fraction`, computed when first asked for). Every malformed
file raises :class:`NFGParseError` with the line and column of the problem. The reader is a
flat loop over tokens (no recursion), lexed only as far as it reads, and checks that the
numbers of payoffs in the file match the declared strategy counts before it allocates
anything, so no input makes it hang; a body too large for memory is refused by size
(:class:`~irgames.errors.WorkTooLargeError`) before it is read.

Large files: the payoff body (or the outcome indices) is parsed by numpy in C, not token by
token, when the reader can prove that this gives the same floats (see :func:`_fast_numbers`:
ASCII numbers separated by whitespace, one float per token, correctly rounded); anything else,
a malformed body included, goes through the exact path, which finds the bad token's line and
column. A 10000x1000 game (40 MB) reads in about 4 s of CPU instead of about 72 s.

A ``str`` is the text of a file when it starts with ``NFG``; one line without whitespace,
ending in ``.nfg`` or holding a path separator is a path, and a missing one raises
:class:`FileNotFoundError` with the path.

Examples
--------
>>> from irgames.io.nfg import load_nfg, read_nfg, write_nfg
>>> text = '''NFG 1 R "Prisoner's dilemma" { "Row" "Column" } { 2 2 }
... 3 3  5 0  0 5  1 1'''
>>> game = read_nfg(text)
>>> game.player_payoffs(0).tolist()
[[3.0, 0.0], [5.0, 1.0]]
>>> record = load_nfg(text)
>>> record.title, record.players, record.strategies
("Prisoner's dilemma", ('Row', 'Column'), (('1', '2'), ('1', '2')))
>>> print(write_nfg(game, title="PD", players=("Row", "Column")))
NFG 1 R "PD" { "Row" "Column" } { 2 2 }
""
<BLANKLINE>
3 3
5 0
0 5
1 1
<BLANKLINE>
>>> read_nfg(write_nfg(game)).payoffs.tolist() == game.payoffs.tolist()
True
"""

from __future__ import annotations

import errno
import io
import math
import os
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from .._atomic import atomic_output
from .._memory import require
from ..errors import GameValueError, NFGParseError
from ..games.normal_form import NormalFormGame

__all__ = ["GambitNFG", "NFGParseError", "load_nfg", "parse_nfg", "read_nfg", "write_nfg"]


@dataclass(frozen=True, eq=False, init=False)
class GambitNFG:
    """Everything a ``.nfg`` file holds: the game and its labels.

    Attributes
    ----------
    game : NormalFormGame
        The game (``batch_shape == ()``), payoffs as floats.
    title : str
        The title in the header.
    players : tuple of str
        Player names.
    strategies : tuple of tuple of str
        Strategy names per player; files that give only counts get ``"1", "2", ...``.
    comment : str
        The comment string after the strategies (``""`` when absent).
    version : str
        ``"payoff"`` or ``"outcome"``: which body the file had.
    number_type : str
        ``"R"`` (rational) or ``"D"`` (double), as declared in the header.
    exact_payoffs : ndarray of Fraction
        Object array of shape ``(n_players, a_1, ..., a_n)`` with the payoffs exactly as
        written in the file. A reader passes a function that computes it, and it is computed
        on first access: a large file's floats are read fast, and its rationals only when
        they are asked for.
    """

    game: NormalFormGame
    title: str
    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    comment: str
    version: str
    number_type: str
    _exact: np.ndarray | Callable[[], np.ndarray] = field(repr=False)

    def __init__(
        self,
        game: NormalFormGame,
        title: str,
        players: tuple[str, ...],
        strategies: tuple[tuple[str, ...], ...],
        comment: str,
        version: str,
        number_type: str,
        exact_payoffs: np.ndarray | Callable[[], np.ndarray],
    ):
        for name, value in (
            ("game", game),
            ("title", title),
            ("players", players),
            ("strategies", strategies),
            ("comment", comment),
            ("version", version),
            ("number_type", number_type),
            ("_exact", exact_payoffs),
        ):
            object.__setattr__(self, name, value)

    @property
    def exact_payoffs(self) -> np.ndarray:
        """The payoffs as :class:`~fractions.Fraction` (computed once, on first access)."""
        if callable(self._exact):
            object.__setattr__(self, "_exact", self._exact())
        return self._exact


# ---------------------------------------------------------------------------- lexer

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<lbrace>\{)
  | (?P<rbrace>\})
  | (?P<comma>,)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:/\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?:(?P<num>\d+)/(?P<den>\d+)|(?P<mant>\d+(?:\.\d*)?|\.\d+)"
    r"(?:[eE](?P<exp>[+-]?\d+))?)\Z"
)
_ESCAPE = re.compile(r"\\([\\\"])")
_MAX_DIGITS = 4000  # below Python's limit on int() of long digit strings
_MAX_EXPONENT = 10_000
_MAX_COUNT = 10**9  # no game in a text file has more strategies than that
_MAX_PLAYERS = 30  # payoffs have n + 1 axes, plus batch axes; numpy allows 32 (64 in 2.x)


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    start = text.rfind("\n", 0, position) + 1
    return line, position - start + 1


class _Tokens:
    """The token stream of a text, lexed on demand, with positions for error messages.

    Tokens are lexed only as far as the parser looks, so a large payoff body can be handed to
    :func:`_fast_numbers` without lexing it token by token. When the parser fails, the rest of
    the text is lexed first, so that a lexical error anywhere in the file is reported in
    preference to a syntax error (as if the whole text had been lexed up front).
    """

    def __init__(self, text: str, source: str | None):
        self.text = text
        self.source = source
        self.kinds: list[str] = []
        self.values: list[str] = []
        self.starts: list[int] = []
        self.index = 0
        self._lexed = 0  # text position up to which tokens are lexed

    # -- lexing
    def _lex(self, upto: int | None) -> None:
        """Lex tokens until there are more than ``upto`` (all of them when None)."""
        text, end, match = self.text, len(self.text), _TOKEN.match
        kinds, values, starts = self.kinds, self.values, self.starts
        position = self._lexed
        while position < end and (upto is None or len(kinds) <= upto):
            m = match(text, position)
            if m is None:
                self._lexed = position
                char = text[position]
                if char == '"':
                    self._raise("unterminated string (no closing quote)", position)
                self._raise(f"unexpected character {char!r}", position)
            kind = m.lastgroup
            if kind != "ws":
                kinds.append(kind)
                values.append(m.group())
                starts.append(position)
            position = m.end()
        self._lexed = position

    def kind(self, index: int) -> str:
        """The kind of token ``index`` (``"eof"`` past the end)."""
        if index >= len(self.kinds):
            self._lex(index)
        return self.kinds[index] if index < len(self.kinds) else "eof"

    def skip_to_end(self) -> None:
        """Mark the text as consumed (after :func:`_fast_numbers` read the rest)."""
        del self.kinds[self.index :], self.values[self.index :], self.starts[self.index :]
        self._lexed = len(self.text)

    # -- errors
    def _raise(self, reason: str, position: int):
        line, column = _line_column(self.text, position)
        raise NFGParseError(reason, line, column, self.source)

    def fail(self, reason: str, position: int | None = None):
        if position is None:
            position = self.position()
        self._lex(None)  # a lexical error later in the text takes precedence
        self._raise(reason, position)

    def position(self, index: int | None = None) -> int:
        index = self.index if index is None else index
        if self.kind(index) != "eof":
            return self.starts[index]
        return len(self.text)

    # -- access
    def peek(self) -> str:
        return self.kind(self.index)

    def describe(self) -> str:
        if self.peek() == "eof":
            return "end of file"
        value = self.values[self.index]
        if len(value) > 30:
            value = value[:27] + "..."
        return f"{value!r}"

    def expect(self, kind: str, what: str) -> str:
        if self.peek() != kind:
            self.fail(f"expected {what}, found {self.describe()}")
        value = self.values[self.index]
        self.index += 1
        return value

    def string(self, what: str) -> str:
        raw = self.expect("string", what)
        return _ESCAPE.sub(r"\1", raw[1:-1])

    def number(self, what: str) -> Fraction:
        position = self.position()
        return _to_fraction(self.expect("number", what), self, position)

    def count(self, what: str) -> int:
        position = self.position()
        value = self.number(what)
        if value.denominator != 1 or value < 1:
            self.fail(f"{what} must be a positive integer, found {value}", position)
        if value > _MAX_COUNT:
            self.fail(f"{what} is too large ({value})", position)
        return int(value)


def _to_fraction(token: str, tokens: _Tokens, position: int) -> Fraction:
    m = _NUMBER.match(token)
    if m is None:
        tokens.fail(
            f"malformed number {token!r} (a rational must be an integer over an integer)",
            position,
        )
    if len(token) > _MAX_DIGITS:
        tokens.fail(f"number with too many digits ({len(token)})", position)
    negative = m.group("sign") == "-"
    if m.group("num") is not None:
        denominator = int(m.group("den"))
        if denominator == 0:
            tokens.fail(f"division by zero in {token!r}", position)
        value = Fraction(int(m.group("num")), denominator)
    else:
        exponent = int(m.group("exp") or 0)
        if abs(exponent) > _MAX_EXPONENT:
            tokens.fail(f"exponent out of range in {token!r}", position)
        whole, _, decimals = m.group("mant").partition(".")
        digits = int((whole or "0") + decimals)
        exponent -= len(decimals)
        value = (
            Fraction(digits * 10**exponent) if exponent >= 0 else Fraction(digits, 10**-exponent)
        )
    value = -value if negative else value
    try:
        float(value)
    except OverflowError:
        tokens.fail(f"number {token[:30]!r} is too large for floating point", position)
    return value


# ---------------------------------------------------------------------------- parser


def parse_nfg(text: str, *, source: str | None = None) -> GambitNFG:
    """Parse the text of a ``.nfg`` file (either version).

    Parameters
    ----------
    text : str
        The file's contents.
    source : str, optional
        A name (e.g. the path) to put in error messages.

    Returns
    -------
    GambitNFG

    Raises
    ------
    NFGParseError
        If the text is not a well-formed ``.nfg`` file; the message gives line and column.
    """
    if not isinstance(text, str):
        # builtin: an argument of the wrong type, as Python's own functions do
        raise TypeError(f"parse_nfg needs a str, got {type(text).__name__}")
    tokens = _Tokens(text, source)

    # header: NFG 1 R|D "title" { "player" ... }
    if tokens.peek() != "word" or tokens.values[tokens.index] != "NFG":
        tokens.fail(f"a .nfg file starts with 'NFG', found {tokens.describe()}")
    tokens.index += 1
    position = tokens.position()
    if tokens.number("the format version") != 1:
        tokens.fail("only version 1 of the .nfg format exists", position)
    position = tokens.position()
    number_type = tokens.expect("word", "'R' or 'D' (the number type)")
    if number_type not in ("R", "D"):
        tokens.fail(f"the number type must be 'R' or 'D', found {number_type!r}", position)
    title = tokens.string("the title (a quoted string)")
    tokens.expect("lbrace", "'{' opening the list of players")
    players: list[str] = []
    while tokens.peek() == "string":
        players.append(tokens.string("a player name"))
    tokens.expect("rbrace", "a quoted player name or '}' closing the list of players")
    if not players:
        tokens.fail("a game needs at least one player", tokens.position(tokens.index - 1))
    n = len(players)
    if n > _MAX_PLAYERS:
        tokens.fail(
            f"{n} players: a payoff array holds at most {_MAX_PLAYERS} (numpy's limit on "
            "array dimensions)",
            tokens.position(tokens.index - 1),
        )

    # strategies: { 3 2 } or { { "a" "b" "c" } { "x" "y" } } (a count or names per player)
    tokens.expect("lbrace", "'{' opening the strategies")
    counts: list[int] = []
    names: list[tuple[str, ...] | None] = []
    while tokens.peek() in ("number", "lbrace"):
        if len(counts) == n:
            tokens.fail(f"strategies given for more than the {n} players")
        if tokens.peek() == "number":
            counts.append(tokens.count(f"player {len(counts) + 1}'s number of strategies"))
            names.append(None)
        else:
            tokens.index += 1
            labels: list[str] = []
            while tokens.peek() == "string":
                labels.append(tokens.string("a strategy name"))
            tokens.expect("rbrace", "a quoted strategy name or '}'")
            if not labels:
                tokens.fail(
                    f"player {len(counts) + 1} has no strategies",
                    tokens.position(tokens.index - 1),
                )
            counts.append(len(labels))
            names.append(tuple(labels))
    if len(counts) < n:
        tokens.fail(
            f"expected strategies of player {len(counts) + 1} (a count or a list of names)"
            f", found {tokens.describe()}"
        )
    tokens.expect("rbrace", "'}' closing the strategies")
    profiles = math.prod(counts)

    comment = tokens.string("the comment") if tokens.peek() == "string" else ""

    if tokens.peek() == "lbrace":
        version = "outcome"
        floats, exact = _outcome_body(tokens, n, profiles)
    elif tokens.peek() == "number":
        version = "payoff"
        floats, exact = _payoff_body(tokens, n, profiles)
    else:
        tokens.fail(f"expected payoffs or a list of outcomes, found {tokens.describe()}")
    if tokens.peek() != "eof":
        tokens.fail(f"expected end of file, found {tokens.describe()}")

    shape = (n, *counts)
    strategies = tuple(
        label if label is not None else tuple(str(k + 1) for k in range(a))
        for label, a in zip(names, counts, strict=True)
    )
    return GambitNFG(
        game=NormalFormGame(floats.reshape(shape, order="F"), n_players=n),
        title=title,
        players=tuple(players),
        strategies=strategies,
        comment=comment,
        version=version,
        number_type=number_type,
        exact_payoffs=lambda: _shaped_exact(exact(), shape),
    )


def _shaped_exact(flat: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    exact = flat.reshape(shape, order="F")
    exact.setflags(write=False)
    return exact


def _exact_array(values: list[Fraction]) -> np.ndarray:
    exact = np.empty(len(values), dtype=object)
    exact[:] = values
    return exact


# ---------------------------------------------------------------------------- fast path
# Bytes of the numeric body of a .nfg file: the characters a number can contain, and the
# whitespace the lexer skips between tokens (ASCII only: anything else takes the exact path).
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[ord(c) for c in " \t\n\r\f\v"]] = True
_NUMERIC = _SPACE.copy()
_NUMERIC[[ord(c) for c in "0123456789+-.eE/"]] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[[ord(c) for c in "0123456789"]] = True
_SIGN = np.zeros(256, dtype=bool)
_SIGN[[ord("+"), ord("-")]] = True
_BIG_EXPONENT = re.compile(r"[eE][+-]?\d{5}")
_LONG_TOKEN = re.compile(rf"(?<!\S)\S{{{_MAX_DIGITS + 1}}}")  # tried at token starts only
_EXACT_INTEGER = 2.0**53


def _fromstring(text: str) -> np.ndarray | None:
    """Whitespace-separated floats by numpy's C parser; None if some text is not a float."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # numpy < 2.3 only warns
        try:
            return np.fromstring(text, dtype=np.float64, sep=" ")
        except (ValueError, DeprecationWarning):
            return None


def _fast_numbers(text: str, start: int, needed: int) -> np.ndarray | None:
    r"""The ``needed`` numbers that make up ``text[start:]``, as floats, or None.

    The fast path of the reader: numpy parses the body in C instead of the lexer making one
    token and one :class:`~fractions.Fraction` per number. It returns None (and the exact path
    then reads the body, with its line and column errors) unless it can prove its floats equal
    the exact path's, :math:`\mathrm{fl}(q)` for the rational :math:`q` each token denotes:

    - the body is ASCII digits, signs, ``.``, ``e``, ``E``, ``/`` and whitespace, and has
      exactly ``needed`` whitespace-separated tokens, each of which numpy reads as one float
      (so each is one number token of the lexer: a token the lexer splits in two, such as
      ``1-2``, is no float);
    - decimals are correctly rounded by numpy's parser (as by :func:`float`); a rational
      ``p/q`` has integer parts below :math:`2^{53}`, which are exact floats, and the IEEE
      quotient of two exact floats is the correctly rounded :math:`p/q`;
    - no token is longer than the exact path's digit limit or has a five-digit exponent,
      every float is finite, and none is ``-0.0`` (which the exact path, lacking a signed
      zero, never gives; an underflow such as ``-1e-400`` takes the exact path).
    """
    body = text[start:]
    try:
        raw = np.frombuffer(body.encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    if raw.size == 0 or not _NUMERIC[raw].all():
        return None
    space = _SPACE[raw]
    first = ~space
    first[1:] &= space[:-1]  # first byte of each token
    if np.count_nonzero(first) != needed:
        return None
    if _LONG_TOKEN.search(body):
        return None
    if ("e" in body or "E" in body) and _BIG_EXPONENT.search(body):
        return None
    slash = raw == ord("/")
    if not slash.any():
        values = _fromstring(body)
        if values is None or values.size != needed:
            return None
    else:
        values = _fast_rationals(raw, space, first, slash, needed)
        if values is None:
            return None
    if not np.isfinite(values).all() or np.signbit(values[values == 0]).any():
        return None
    return values


def _fast_rationals(raw, space, first, slash, needed) -> np.ndarray | None:
    """:func:`_fast_numbers` for a body with ``p/q`` tokens: both parts parsed as floats."""
    token = np.cumsum(first) - 1  # token of each byte (whitespace: the token before it)
    at = np.flatnonzero(slash)
    owner = token[at]
    if np.unique(owner).size != owner.size:  # two slashes in one token
        return None
    if at[-1] + 1 >= raw.size or not (_DIGIT[raw[at - 1]] & _DIGIT[raw[at + 1]]).all():
        return None
    rational = np.zeros(needed, dtype=bool)
    rational[owner] = True
    # a rational token is [+-]digits/digits: nothing else in it
    inside = rational[token] & ~space
    allowed = _DIGIT[raw] | slash | (_SIGN[raw] & first)
    if (inside & ~allowed).any():
        return None
    split = raw.copy()
    split[at] = ord(" ")
    parts = _fromstring(split.tobytes().decode("ascii"))
    if parts is None or parts.size != needed + owner.size:
        return None
    where = np.arange(needed) + np.cumsum(rational) - rational  # first part of each token
    values = parts[where]
    p, q = values[rational], parts[where[rational] + 1]
    if not ((np.abs(p) < _EXACT_INTEGER).all() and (q < _EXACT_INTEGER).all() and (q > 0).all()):
        return None
    values[rational] = p / q
    return values


def _require_body(tokens: _Tokens, start: int, payoffs: int) -> None:
    """Refuse, before reading it, a body whose arrays do not fit in memory.

    The fast path holds the body's text and ASCII bytes, a few masks over them and (with
    rationals) a token number per byte, then the parsed floats and the game's copy of them.
    A body holds at most one number per two bytes, so a file that declares more payoffs than
    it has is a parse error, not a refusal.
    """
    size = len(tokens.text) - start
    rational = "/" in tokens.text[start : start + 2**20]
    require(
        (6 + 10 * rational) * size + 32 * min(payoffs, size // 2 + 1),
        f"reading the {payoffs:,} payoffs of {tokens.source or 'the .nfg text'}",
        advice="read a smaller game, or give this one more memory",
    )


def _payoff_body(tokens: _Tokens, n: int, profiles: int):
    """Read ``n * profiles`` numbers; check the count before converting anything.

    Returns the floats (in file order) and a function that gives the exact values (an object
    array of :class:`~fractions.Fraction`), computed only when asked for.
    """
    start = tokens.index
    needed = n * profiles
    text_start = tokens.position()
    _require_body(tokens, text_start, needed)
    fast = _fast_numbers(tokens.text, text_start, needed)
    if fast is not None:
        tokens.skip_to_end()
        text = tokens.text

        def exact() -> np.ndarray:
            # every token is one valid number (checked by the fast path): no errors here
            again = _Tokens(text, tokens.source)
            return _exact_array(
                [_to_fraction(t, again, text_start) for t in text[text_start:].split()]
            )

        return fast, exact
    available = 0
    while tokens.kind(start + available) == "number":
        available += 1
        if available > needed:
            break
    if available < needed:
        tokens.index = start + available
        tokens.fail(
            f"expected {needed} payoffs ({n} players x {profiles} profiles), found "
            f"{available}, then {tokens.describe()}"
        )
    values = []
    for k in range(needed):
        values.append(_to_fraction(tokens.values[start + k], tokens, tokens.starts[start + k]))
    tokens.index = start + needed
    # The file lists (profile, player) with the profile in first-player-fastest order: that
    # is the Fortran order of an array of shape (n, a_1, ..., a_n), as the caller reshapes.
    exact = _exact_array(values)
    return exact.astype(float), lambda: exact


def _outcome_body(tokens: _Tokens, n: int, profiles: int):
    """The outcomes and the outcome index of every profile (see :func:`_payoff_body`)."""
    tokens.expect("lbrace", "'{' opening the list of outcomes")
    outcomes: list[list[Fraction]] = []
    while tokens.peek() == "lbrace":
        opening = tokens.position()
        tokens.index += 1
        tokens.string("the outcome's label (a quoted string)")
        payoffs: list[Fraction] = []
        while tokens.peek() in ("number", "comma"):
            if tokens.peek() == "comma":
                tokens.index += 1
                continue
            if len(payoffs) == n:
                tokens.fail(f"an outcome has one payoff per player ({n}); found more")
            payoffs.append(tokens.number("a payoff"))
        if tokens.peek() != "rbrace":
            tokens.fail(f"expected a payoff or '}}' closing the outcome, found {tokens.describe()}")
        if len(payoffs) != n:
            tokens.fail(
                f"outcome {len(outcomes) + 1} has {len(payoffs)} payoffs; the game has {n} players",
                opening,
            )
        tokens.index += 1
        outcomes.append(payoffs)
    tokens.expect("rbrace", "'{' opening an outcome or '}' closing the list of outcomes")
    # row 0 is the null outcome (every payoff 0)
    table = np.empty((len(outcomes) + 1, n), dtype=object)
    table[0] = Fraction(0)
    if outcomes:
        table[1:] = outcomes
    table_floats = table.astype(float)
    if tokens.peek() == "number":
        text_start = tokens.position()
        _require_body(tokens, text_start, n * profiles)
        fast = _fast_numbers(tokens.text, text_start, profiles)
        if (
            fast is not None
            and ((fast == np.floor(fast)) & (fast >= 0) & (fast <= len(outcomes))).all()
        ):
            tokens.skip_to_end()
            index = fast.astype(np.intp)
            return table_floats[index].reshape(-1), lambda: table[index].reshape(-1)
    index = np.empty(profiles, dtype=np.intp)
    for c in range(profiles):
        position = tokens.position()
        if tokens.peek() != "number":
            tokens.fail(
                f"expected an outcome index for profile {c + 1} of {profiles}, found "
                f"{tokens.describe()}"
            )
        value = tokens.number("an outcome index")
        if value.denominator != 1 or not 0 <= value <= len(outcomes):
            tokens.fail(
                f"outcome index must be an integer from 0 to {len(outcomes)}, found {value}",
                position,
            )
        index[c] = int(value)
    return table_floats[index].reshape(-1), lambda: table[index].reshape(-1)


# ---------------------------------------------------------------------------- front doors


def _looks_like_path(text: str) -> bool:
    """Whether a ``str`` given to the reader names a file rather than holding a game.

    The text of a ``.nfg`` file starts with ``NFG``; one line that does not, and that has no
    whitespace, ends in ``.nfg`` or contains a path separator, is a path.
    """
    if not text or "\n" in text or len(text) >= 4096 or text.lstrip().startswith("NFG"):
        return False
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return (
        not any(c.isspace() for c in text)
        or text.lower().endswith(".nfg")
        or any(sep in text for sep in separators)
    )


def _read_path(path: Path) -> str:
    """The text of a file, refused before reading if it cannot fit in memory."""
    size = path.stat().st_size  # FileNotFoundError (with the path) when it is missing
    require(3 * size, f"reading {path} ({size:,} bytes)", advice="read a smaller file")
    return _decode(path.read_bytes())


def _read_source(source, name_hint: str | None) -> tuple[str, str | None]:
    if isinstance(source, os.PathLike):
        path = Path(source)
        return _read_path(path), str(path)
    if isinstance(source, bytes | bytearray):
        return _decode(bytes(source)), name_hint
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        data = source.read()
        text = _decode(data) if isinstance(data, bytes | bytearray) else data
        return text, name_hint or getattr(source, "name", None)
    if isinstance(source, str):
        if "\n" not in source and len(source) < 4096 and os.path.isfile(source):
            return _read_path(Path(source)), source
        if _looks_like_path(source):
            # builtin: a missing file is an OSError, as open() raises it
            raise FileNotFoundError(
                errno.ENOENT,
                "no such .nfg file (a str is read as a path unless it holds the text of a "
                ".nfg file, which starts with 'NFG')",
                source,
            )
        return source, name_hint
    # builtin: an argument of the wrong type, as Python's own functions do
    raise TypeError(
        f"expected a path, the text of a .nfg file, bytes or a file object; got "
        f"{type(source).__name__}"
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def load_nfg(source, *, name: str | None = None) -> GambitNFG:
    """Read a ``.nfg`` file with its labels.

    Parameters
    ----------
    source : str, os.PathLike, bytes or file object
        A path, or the text itself. A ``str`` is taken as a path only when it is one line and
        names an existing file; otherwise it is parsed as text.
    name : str, optional
        Name for error messages (defaults to the path).

    Returns
    -------
    GambitNFG
        The game, title, players, strategy names, comment and exact payoffs.

    Raises
    ------
    NFGParseError
        On malformed text (the message gives the line and column).
    """
    text, source_name = _read_source(source, name)
    return parse_nfg(text, source=source_name)


def read_nfg(source) -> NormalFormGame:
    """Read a ``.nfg`` file (path or text) and return its game.

    Use :func:`load_nfg` for the title, names, comment and exact payoffs as well.

    >>> read_nfg('NFG 1 R "" { "A" "B" } { 1 2 } 1 2 3/4 -1').payoffs.tolist()
    [[[1.0, 0.75]], [[2.0, -1.0]]]
    """
    return load_nfg(source).game


# ---------------------------------------------------------------------------- writer


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _format_number(value) -> str:
    if isinstance(value, Fraction):
        return str(value)
    value = float(value)
    if value.is_integer() and abs(value) < 2.0**53:
        return str(int(value))
    # repr is the shortest text that reads back to the same double; Gambit does not accept
    # a '+' in exponents, so drop it.
    return repr(value).replace("e+", "e")


def write_nfg(
    game: NormalFormGame | GambitNFG,
    path: str | os.PathLike | None = None,
    *,
    title: str | None = None,
    players: Sequence[str] | None = None,
    strategies: Sequence[Sequence[str]] | None = None,
    comment: str | None = None,
    version: str = "payoff",
) -> str:
    r"""Write one game in Gambit's ``.nfg`` format; return the text (and save it to ``path``).

    Parameters
    ----------
    game : NormalFormGame or GambitNFG
        A single game (``batch_shape == ()``). A :class:`GambitNFG` supplies default labels
        and its exact payoffs, so that a file read and written again keeps its rationals.
    path : str or os.PathLike, optional
        Where to save the text.
    title, comment : str, optional
        Header title and comment (default ``""``, or the record's).
    players : sequence of str, optional
        Player names (default ``"Player 1"``, ...).
    strategies : sequence of sequence of str, optional
        Strategy names per player (default ``"1"``, ``"2"``, ...). The payoff version writes
        counts when the names are the defaults, and name lists otherwise.
    version : {"payoff", "outcome"}
        Which body to write. The outcome version writes one outcome per distinct payoff
        vector, in order of first appearance.

    Floats are written as integers when integral and otherwise in the shortest decimal that
    reads back to the same double, so reading the text gives back exactly the same game.

    Raises
    ------
    GameValueError
        For a batch of games, labels of the wrong lengths, or an unknown version.
    """
    if isinstance(game, GambitNFG):
        record = game
        game = record.game
        title = record.title if title is None else title
        players = record.players if players is None else players
        strategies = record.strategies if strategies is None else strategies
        comment = record.comment if comment is None else comment
        values = record.exact_payoffs
    elif isinstance(game, NormalFormGame):
        values = game.payoffs
    else:
        # builtin: an argument of the wrong type, as Python's own functions do
        raise TypeError(f"write_nfg needs a NormalFormGame, got {type(game).__name__}")
    if game.batch_shape != ():
        raise GameValueError(
            f"a .nfg file holds one game; got a batch of shape {game.batch_shape} "
            "(index the batch first)"
        )
    if version not in ("payoff", "outcome"):
        raise GameValueError(f"version must be 'payoff' or 'outcome', got {version!r}")
    n, actions = game.n_players, game.num_actions
    players = tuple(f"Player {i + 1}" for i in range(n)) if players is None else tuple(players)
    if len(players) != n:
        raise GameValueError(f"need {n} player names, got {len(players)}")
    default = tuple(tuple(str(k + 1) for k in range(a)) for a in actions)
    strategies = default if strategies is None else tuple(tuple(s) for s in strategies)
    if len(strategies) != n or any(len(s) != a for s, a in zip(strategies, actions, strict=False)):
        raise GameValueError(
            f"strategy names must match the numbers of actions {actions}; got lengths "
            f"{tuple(len(s) for s in strategies)}"
        )
    title = "" if title is None else str(title)
    comment = "" if comment is None else str(comment)

    # (profile, player) rows with the first player's strategy changing fastest
    rows = np.asarray(values).reshape(n, -1, order="F").T
    header = f"NFG 1 R {_quote(title)} {{ {' '.join(_quote(p) for p in players)} }}"
    strategy_lists = "\n".join(
        "{ " + " ".join(_quote(s) for s in names) + " }" for names in strategies
    )
    lines: list[str]
    if version == "payoff":
        if strategies == default:
            lines = [f"{header} {{ {' '.join(map(str, actions))} }}"]
        else:
            lines = [header, "", "{ " + strategy_lists, "}"]
        lines += [_quote(comment), ""]
        lines += [" ".join(_format_number(v) for v in row) for row in rows]
    else:
        texts = [tuple(_format_number(v) for v in row) for row in rows]
        first: dict[tuple[str, ...], int] = {}
        for row in texts:
            first.setdefault(row, len(first) + 1)
        lines = [header, "", "{ " + strategy_lists, "}", _quote(comment), "", "{"]
        lines += ['{ "" ' + ", ".join(row) + " }" for row in first]
        lines += ["}", " ".join(str(first[row]) for row in texts)]
    text = "\n".join(lines) + "\n"
    if path is not None:
        with atomic_output(path) as partial:  # complete at ``path``, or not there at all
            partial.write_text(text, encoding="utf-8")
    return text
