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

Numbers are read exactly (as :class:`fractions.Fraction`): :attr:`GambitNFG.exact_payoffs`
keeps them, for exact arithmetic, and the game holds the nearest floats. Every malformed file
raises :class:`NFGParseError` with the line and column of the problem. The reader is a flat
loop over tokens (no recursion) and checks that the numbers of payoffs in the file match the
declared strategy counts before it allocates anything, so no input makes it hang or exhaust
memory.

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

import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import GameValueError, NFGParseError
from ..games.normal_form import NormalFormGame

__all__ = ["GambitNFG", "NFGParseError", "load_nfg", "parse_nfg", "read_nfg", "write_nfg"]


@dataclass(frozen=True, eq=False)
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
        written in the file.
    """

    game: NormalFormGame
    title: str
    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    comment: str
    version: str
    number_type: str
    exact_payoffs: np.ndarray


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
    """The token stream of a text, with positions for error messages."""

    def __init__(self, text: str, source: str | None):
        self.text = text
        self.source = source
        kinds: list[str] = []
        values: list[str] = []
        starts: list[int] = []
        position, end = 0, len(text)
        match = _TOKEN.match
        while position < end:
            m = match(text, position)
            if m is None:
                char = text[position]
                if char == '"':
                    self.fail("unterminated string (no closing quote)", position)
                self.fail(f"unexpected character {char!r}", position)
            kind = m.lastgroup
            if kind != "ws":
                kinds.append(kind)
                values.append(m.group())
                starts.append(position)
            position = m.end()
        self.kinds = kinds
        self.values = values
        self.starts = starts
        self.index = 0

    # -- errors
    def fail(self, reason: str, position: int | None = None):
        if position is None:
            position = self.position()
        line, column = _line_column(self.text, position)
        raise NFGParseError(reason, line, column, self.source)

    def position(self, index: int | None = None) -> int:
        index = self.index if index is None else index
        if index < len(self.starts):
            return self.starts[index]
        return len(self.text)

    # -- access
    def peek(self) -> str:
        return self.kinds[self.index] if self.index < len(self.kinds) else "eof"

    def describe(self) -> str:
        if self.index >= len(self.kinds):
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
        values = _outcome_body(tokens, n, profiles)
    elif tokens.peek() == "number":
        version = "payoff"
        values = _payoff_body(tokens, n, profiles)
    else:
        tokens.fail(f"expected payoffs or a list of outcomes, found {tokens.describe()}")
    if tokens.peek() != "eof":
        tokens.fail(f"expected end of file, found {tokens.describe()}")

    exact = np.empty(n * profiles, dtype=object)
    exact[:] = values
    exact = exact.reshape((n, *counts), order="F")
    floats = exact.astype(float)
    exact.setflags(write=False)
    strategies = tuple(
        label if label is not None else tuple(str(k + 1) for k in range(a))
        for label, a in zip(names, counts, strict=True)
    )
    return GambitNFG(
        game=NormalFormGame(floats, n_players=n),
        title=title,
        players=tuple(players),
        strategies=strategies,
        comment=comment,
        version=version,
        number_type=number_type,
        exact_payoffs=exact,
    )


def _payoff_body(tokens: _Tokens, n: int, profiles: int) -> list[Fraction]:
    """Read ``n * profiles`` numbers; check the count before converting anything."""
    start = tokens.index
    needed = n * profiles
    available = 0
    kinds = tokens.kinds
    while start + available < len(kinds) and kinds[start + available] == "number":
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
    return values


def _outcome_body(tokens: _Tokens, n: int, profiles: int) -> list[Fraction]:
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
    null = [Fraction(0)] * n
    values: list[Fraction] = []
    for c in range(profiles):
        position = tokens.position()
        if tokens.peek() != "number":
            tokens.fail(
                f"expected an outcome index for profile {c + 1} of {profiles}, found "
                f"{tokens.describe()}"
            )
        index = tokens.number("an outcome index")
        if index.denominator != 1 or not 0 <= index <= len(outcomes):
            tokens.fail(
                f"outcome index must be an integer from 0 to {len(outcomes)}, found {index}",
                position,
            )
        values.extend(outcomes[int(index) - 1] if index else null)
    return values


# ---------------------------------------------------------------------------- front doors


def _read_source(source, name_hint: str | None) -> tuple[str, str | None]:
    if isinstance(source, os.PathLike):
        path = Path(source)
        return _decode(path.read_bytes()), str(path)
    if isinstance(source, bytes | bytearray):
        return _decode(bytes(source)), name_hint
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        data = source.read()
        text = _decode(data) if isinstance(data, bytes | bytearray) else data
        return text, name_hint or getattr(source, "name", None)
    if isinstance(source, str):
        if "\n" not in source and len(source) < 4096 and os.path.isfile(source):
            return _decode(Path(source).read_bytes()), source
        return source, name_hint
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
        Path(path).write_text(text, encoding="utf-8")
    return text
