r"""Gambit's ``.efg`` format for extensive-form games: read, write, and pygambit converters.

An ``.efg`` file (format version 2) has a header

.. code-block:: text

    EFG 2 R "title" { "Player 1" "Player 2" }
    "optional comment"

followed by the nodes of the tree in depth-first (pre-)order, one per entry:

.. code-block:: text

    c "name" infoset "infoset name" { "action" probability ... } outcome
    p "name" player infoset "infoset name" { "action" ... } outcome
    t "name" outcome "outcome name" { payoff, payoff, ... }

Information sets and outcomes are numbered (information sets per player, chance being its own
player); the name and the action list of an information set, and the name and payoffs of an
outcome, appear where the number is first used and may be repeated later. Outcome 0 means no
outcome. Outcomes may sit at non-terminal nodes; their payoffs accrue along the path, so on
reading each terminal node gets the sum of the outcomes on its path. Numbers are integers,
decimals or fractions ``p/q``.

The reader tokenises with one regular expression and builds the tree with an explicit stack
(no recursion, so trees of any depth are fine); every problem raises :class:`EFGParseError`
with the line where it was found. The writer puts one outcome on each terminal node and writes
numbers as exact fractions of their shortest decimal form, so ``read_efg(write_efg(g))``
reproduces every payoff and probability bit for bit.

Examples
--------
>>> text = '''EFG 2 R "Entry" { "Entrant" "Incumbent" }
... p "" 1 1 "" { "out" "in" } 0
... t "" 1 "" { 0, 2 }
... p "" 2 1 "" { "fight" "accommodate" } 0
... t "" 2 "" { -1, -1 }
... t "" 3 "" { 1, 1 }
... '''
>>> game = parse_efg(text)
>>> game.players, game.n_nodes
(('Entrant', 'Incumbent'), 5)
>>> parse_efg(write_efg(game)).payoffs.tolist() == game.payoffs.tolist()
True
>>> try:
...     parse_efg('EFG 2 R "x" { "1" }\np "" 1 1 "" { "a" } 0\n')
... except EFGParseError as error:
...     print(error.line, "before the tree is complete" in str(error))
2 True
"""

from __future__ import annotations

import re
from fractions import Fraction
from os import PathLike
from pathlib import Path

import numpy as np

from .._atomic import atomic_output
from .._memory import require
from ..errors import EFGParseError, GameValueError
from ..games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame

__all__ = [
    "EFGParseError",
    "from_pygambit_tree",
    "parse_efg",
    "read_efg",
    "to_pygambit_tree",
    "write_efg",
]


_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*")|(?P<brace>[{}])|(?P<comma>,)|(?P<word>[^\s{}",]+)'
    r'|(?P<space>\s+)|(?P<bad>")',
    re.DOTALL,
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?(?:/\d+)?")
_MAX_NUMBER_LENGTH = 200


def _tokens(text: str):
    """List of (kind, value, line)."""
    out = []
    line = 1
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:  # cannot happen with the alternatives above, kept as a guard
            raise EFGParseError(f"unexpected character {text[pos]!r}", line)
        kind = m.lastgroup
        value = m.group()
        if kind == "bad":
            raise EFGParseError("unterminated string (a quote without its closing quote)", line)
        if kind == "string":
            body = value[1:-1]
            out.append(("string", re.sub(r"\\(.)", r"\1", body, flags=re.DOTALL), line))
        elif kind != "space":
            out.append((kind, value, line))
        line += value.count("\n")
        pos = m.end()
    return out


class _Stream:
    def __init__(self, tokens, last_line):
        self.tokens = tokens
        self.i = 0
        self.last_line = last_line

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None, self.last_line)

    def next(self, what: str):
        if self.i >= len(self.tokens):
            raise EFGParseError(f"the file ends where {what} was expected", self.last_line)
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str, what: str):
        k, v, line = self.next(what)
        if k != kind:
            raise EFGParseError(f"expected {what}, found {v!r}", line)
        return v, line

    def integer(self, what: str):
        v, line = self.expect("word", what)
        if not re.fullmatch(r"\d{1,9}", v):
            raise EFGParseError(f"expected {what} (a non-negative integer), found {v!r}", line)
        return int(v), line

    def number(self, what: str) -> Fraction:
        k, v, line = self.next(what)
        if k != "word" or len(v) > _MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(v):
            raise EFGParseError(f"expected {what} (a number), found {v!r}", line)
        try:
            if "/" in v:
                num, den = v.split("/")
                value = Fraction(num) / int(den)
            else:
                value = Fraction(v)
        except (ValueError, ZeroDivisionError) as error:
            raise EFGParseError(f"cannot read number {v!r}: {error}", line) from None
        return value

    def at(self, kind: str) -> bool:
        return self.peek()[0] == kind

    def at_brace(self, value: str) -> bool:
        k, v, _ = self.peek()
        return k == "brace" and v == value


def _payoff_list(stream: _Stream, n_players: int):
    _, line = stream.expect("brace", "'{' opening the payoffs")
    values = []
    while True:
        if stream.at_brace("}"):
            stream.next("'}'")
            break
        if stream.at("comma"):
            stream.next(",")
            continue
        values.append(stream.number("a payoff"))
    if len(values) != n_players:
        raise EFGParseError(
            f"an outcome needs {n_players} payoffs (one per player), found {len(values)}", line
        )
    return values


def parse_efg(text: str, *, check_recall: bool = True) -> ExtensiveFormGame:
    """Read a game from the text of a ``.efg`` file.

    Parameters
    ----------
    text : str
        The file's contents.
    check_recall : bool
        Refuse games without perfect recall (the default). With False they are read.

    Raises
    ------
    EFGParseError
        With the line of the first problem.
    WorkTooLargeError
        If the text is too large to parse in the memory available.
    """
    if not isinstance(text, str):
        raise EFGParseError(f"expected text, got {type(text).__name__}", 1)
    # the token list and the tree's Python objects: about 20 bytes per byte of text
    require(
        20 * len(text),
        f"reading a .efg text of {len(text):,} characters",
        advice="read a smaller tree",
    )
    last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    stream = _Stream(_tokens(text), last_line)
    _, v, line = stream.next("the header 'EFG 2 R'")
    if v != "EFG":
        raise EFGParseError(f"not an .efg file: it starts with {v!r}, not 'EFG'", line)
    version, line = stream.expect("word", "the format version")
    if version != "2":
        raise EFGParseError(f"only format version 2 is supported, found {version!r}", line)
    mode, line = stream.expect("word", "'R' or 'D'")
    if mode not in ("R", "D"):
        raise EFGParseError(f"expected 'R' or 'D' after the version, found {mode!r}", line)
    title, _ = stream.expect("string", "the title (a quoted string)")
    stream.expect("brace", "'{' opening the list of players")
    players = []
    while not stream.at_brace("}"):
        name, line = stream.expect("string", "a player name (a quoted string) or '}'")
        players.append(name)
    stream.next("'}'")
    if not players:
        raise EFGParseError("the game has no players", line)
    if len(set(players)) != len(players):
        raise EFGParseError(f"player names repeat: {players}", line)
    comment = ""
    if stream.at("string"):
        comment, _ = stream.expect("string", "the comment")
    n_players = len(players)

    parent: list[int] = []
    mover: list[int] = []
    infoset_key: list[tuple[int, int] | None] = []
    chance_key: list[tuple[int, int] | None] = []
    node_labels: list[str] = []
    node_lines: list[int] = []
    own_outcome: list[int] = []
    infosets: dict[tuple[int, int], dict] = {}
    outcomes: dict[int, tuple[str, list[Fraction]]] = {}
    stack: list[list[int]] = []  # [node, children still expected]

    while stream.i < len(stream.tokens):
        kind_tok, kind, line = stream.next("a node")
        if kind_tok != "word" or kind not in ("c", "p", "t"):
            raise EFGParseError(f"expected a node ('c', 'p' or 't'), found {kind!r}", line)
        if parent and not stack:
            raise EFGParseError("a node follows the complete tree", line)
        name, _ = stream.expect("string", "the node's name (a quoted string)")
        index = len(parent)
        if kind == "t":
            player = TERMINAL
        elif kind == "c":
            player = CHANCE
        else:
            number, pline = stream.integer("the player number")
            if not 1 <= number <= n_players:
                raise EFGParseError(f"player number {number} is out of range 1..{n_players}", pline)
            player = number - 1
        key = None
        n_actions = 0
        if kind != "t":
            h, hline = stream.integer("the information set number")
            key = (player, h)
            label = None
            if stream.at("string"):
                label, _ = stream.expect("string", "the information set's name")
            actions = None
            probs = None
            if stream.at_brace("{"):
                stream.next("'{'")
                actions, probs = [], []
                while not stream.at_brace("}"):
                    a, _ = stream.expect("string", "an action name (a quoted string) or '}'")
                    actions.append(a)
                    if kind == "c":
                        probs.append(stream.number("the action's probability"))
                stream.next("'}'")
                if not actions:
                    raise EFGParseError("an information set needs at least one action", hline)
            if key in infosets:
                known = infosets[key]
                if actions is not None and actions != known["actions"]:
                    raise EFGParseError(
                        f"information set {h} was declared with actions {known['actions']} "
                        f"at line {known['line']}; here it has {actions}",
                        hline,
                    )
                if probs is not None and kind == "c" and probs != known["probs"]:
                    raise EFGParseError(
                        f"chance information set {h} was declared with other probabilities "
                        f"at line {known['line']}",
                        hline,
                    )
            else:
                if actions is None:
                    raise EFGParseError(
                        f"information set {h} is used before its actions are declared", hline
                    )
                if kind == "c":
                    if any(p < 0 for p in probs):
                        raise EFGParseError("a chance probability is negative", hline)
                    total = sum(probs, Fraction(0))
                    if abs(total - 1) > Fraction(1, 10**9):
                        raise EFGParseError(
                            f"chance probabilities sum to {float(total):.12g}, not 1", hline
                        )
                infosets[key] = {
                    "actions": actions,
                    "probs": probs,
                    "label": label or "",
                    "line": hline,
                    "index": len(infosets),
                }
            n_actions = len(infosets[key]["actions"])
        outcome, oline = stream.integer("the outcome number")
        if stream.at("string") or stream.at_brace("{"):
            oname = ""
            if stream.at("string"):
                oname, _ = stream.expect("string", "the outcome's name")
            pays = _payoff_list(stream, n_players)
            if outcome == 0:
                raise EFGParseError("outcome 0 (no outcome) cannot have payoffs", oline)
            outcomes.setdefault(outcome, (oname, pays))
        elif outcome != 0 and outcome not in outcomes:
            raise EFGParseError(f"outcome {outcome} is used before its payoffs are given", oline)
        # attach to the tree
        if stack:
            top = stack[-1]
            parent.append(top[0])
            top[1] -= 1
            if top[1] == 0:
                stack.pop()
        else:
            parent.append(-1)
        mover.append(player)
        infoset_key.append(key if kind == "p" else None)
        chance_key.append(key if kind == "c" else None)
        node_labels.append(name)
        node_lines.append(line)
        own_outcome.append(outcome)
        if kind != "t":
            stack.append([index, n_actions])
    if not parent:
        raise EFGParseError("the file has no nodes", last_line)
    if stack:
        node, missing = stack[-1]
        raise EFGParseError(
            f"the file ends before the tree is complete (the node at line {node_lines[node]} "
            f"still needs {missing} child(ren))",
            last_line,
        )

    # payoffs: outcomes accrue along the path
    n = len(parent)
    cumulative = [None] * n
    zero = [Fraction(0)] * n_players
    for v in range(n):
        base = cumulative[parent[v]] if parent[v] >= 0 else zero
        o = own_outcome[v]
        cumulative[v] = [a + b for a, b in zip(base, outcomes[o][1], strict=True)] if o else base
    terminal_rows = [v for v in range(n) if mover[v] == TERMINAL]
    try:
        payoffs = np.array([[float(x) for x in cumulative[v]] for v in terminal_rows])
    except OverflowError:
        raise EFGParseError("a payoff is too large for a float", last_line) from None
    chance_rows = [v for v in range(n) if mover[v] == CHANCE]
    chance_info = {v: infosets[chance_key[v]] for v in chance_rows}
    probs = None
    if chance_rows:
        width = max(len(chance_info[v]["actions"]) for v in chance_rows)
        probs = np.zeros((len(chance_rows), width))
        for r, v in enumerate(chance_rows):
            p = chance_info[v]["probs"]
            probs[r, : len(p)] = [float(x) for x in p]
    # information sets of the players, numbered in order of first appearance
    numbering: dict[tuple[int, int], int] = {}
    infoset = []
    for key in infoset_key:
        infoset.append(-1 if key is None else numbering.setdefault(key, len(numbering)))
    infoset_labels = [""] * len(numbering)
    for key, h in numbering.items():
        infoset_labels[h] = infosets[key]["label"]
    action_labels = []
    for v in range(n):
        if mover[v] == TERMINAL:
            action_labels.append(())
        elif mover[v] == CHANCE:
            action_labels.append(tuple(chance_info[v]["actions"]))
        else:
            action_labels.append(tuple(infosets[infoset_key[v]]["actions"]))
    try:
        game = ExtensiveFormGame(
            players,
            parent,
            mover,
            infoset=infoset,
            action_labels=action_labels,
            infoset_labels=infoset_labels,
            node_labels=node_labels,
            payoffs=payoffs,
            chance_probs=probs,
            title=title,
            description=comment,
            check_recall=check_recall,
        )
    except GameValueError as error:
        found = re.findall(r"nodes? (\d+)(?: and (\d+))?", str(error))
        number = int(found[0][1] or found[0][0]) if found else -1
        where = node_lines[number] if 0 <= number < n else 1
        raise EFGParseError(f"not a valid game: {error}", where) from None
    return game


def read_efg(path: str | PathLike, *, check_recall: bool = True) -> ExtensiveFormGame:
    """Read a ``.efg`` file (see :func:`parse_efg`).

    A missing file raises :class:`FileNotFoundError` with the path.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    return parse_efg(text, check_recall=check_recall)


# ----------------------------------------------------------------------------- writing
def _number(x: float) -> str:
    """Exact rational text of the shortest decimal that reads back as ``x``."""
    x = float(x)
    if not np.isfinite(x):
        raise GameValueError(f"cannot write the non-finite number {x}")
    if x == 0:
        return "0"
    f = Fraction(x).limit_denominator(10**9)  # a simple fraction if one reads back as x
    if float(f) != x:
        f = Fraction(repr(x))
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_efg(game: ExtensiveFormGame, path: str | PathLike | None = None, *, index=()) -> str:
    """Write one game of a batch as ``.efg`` text (and to ``path`` if given).

    ``index`` selects the game in the batch (``()`` for a single game).
    """
    game.require_bound()
    if not isinstance(index, tuple):
        index = (index,)
    if len(index) != len(game.batch_shape):
        raise GameValueError(
            f"index {index} does not pick one game of a batch of shape {game.batch_shape}"
        )
    payoffs = np.asarray(game.payoffs[index])
    probs = np.asarray(game.chance_probs[index]) if game.chance_nodes.size else None
    lines = [
        f"EFG 2 R {_quote(game.title)} {{ {' '.join(_quote(p) for p in game.players)} }}",
        _quote(game.description),
        "",
    ]
    infoset_number: dict[int, int] = {}
    per_player = [0] * game.n_players
    chance_count = 0
    outcome_count = 0
    stack = [0]
    children = game.children
    while stack:
        v = stack.pop()
        m = int(game.mover[v])
        name = _quote(game.node_labels[v])
        labels = game.action_labels[v]
        if m == TERMINAL:
            outcome_count += 1
            t = int(game.terminal_index[v])
            pays = ", ".join(_number(x) for x in payoffs[t])
            lines.append(f"t {name} {outcome_count} {name} {{ {pays} }}")
            continue
        if m == CHANCE:
            chance_count += 1
            c = int(game.chance_index[v])
            texts = [_number(probs[c, j]) for j in range(len(labels))]
            rest = 1 - sum((Fraction(t) for t in texts[:-1]), Fraction(0))
            if rest >= 0 and float(rest) == float(probs[c, len(labels) - 1]):
                texts[-1] = str(rest)  # exact sum one, as Gambit requires, same float
            acts = " ".join(f"{_quote(a)} {t}" for a, t in zip(labels, texts, strict=True))
            lines.append(f'c {name} {chance_count} "" {{ {acts} }} 0')
        else:
            h = int(game.infoset[v])
            if h in infoset_number:
                lines.append(f"p {name} {m + 1} {infoset_number[h]} 0")
            else:
                per_player[m] += 1
                infoset_number[h] = per_player[m]
                acts = " ".join(_quote(a) for a in labels)
                lines.append(
                    f"p {name} {m + 1} {per_player[m]} {_quote(game.infoset_labels[h])} "
                    f"{{ {acts} }} 0"
                )
        k = int(game.num_children[v])
        stack.extend(int(c) for c in children[v, :k][::-1])
    text = "\n".join(lines) + "\n"
    if path is not None:
        with atomic_output(path) as partial:  # complete at ``path``, or not there at all
            partial.write_text(text, encoding="utf-8")
    return text


# ----------------------------------------------------------------------------- pygambit
def to_pygambit_tree(game: ExtensiveFormGame, index=(), *, return_nodes: bool = False):
    """The game at ``index`` of the batch as a :class:`pygambit.Game`.

    Payoffs and probabilities become exact rationals (the simplest fraction that reads back
    as the same float). With ``return_nodes`` the result is ``(game, nodes)`` where
    ``nodes[v]`` is the pygambit node of node ``v``.
    """
    import pygambit as gbt

    game.require_bound()
    if not isinstance(index, tuple):
        index = (index,)
    payoffs = np.asarray(game.payoffs[index])
    probs = np.asarray(game.chance_probs[index]) if game.chance_nodes.size else None
    g = gbt.Game.new_tree(players=list(game.players), title=game.title or "irgames")

    def rational(x):
        f = Fraction(_number(x))
        return gbt.Rational(f.numerator, f.denominator)

    players = list(g.players)
    gnode = {0: g.root}
    infoset_obj = {}
    used_labels: set[str] = set()
    used_nodes: set[str] = set()
    used_infosets: set[tuple[int, str]] = set()
    for v in range(game.n_nodes):
        node = gnode[v]
        m = int(game.mover[v])
        if node is None:
            raise GameValueError("internal error: node not created")
        if game.node_labels[v] and game.node_labels[v] not in used_nodes:
            node.label = game.node_labels[v]  # pygambit 16.7 wants unique node labels
            used_nodes.add(game.node_labels[v])
        if m == TERMINAL:
            t = int(game.terminal_index[v])
            label = game.node_labels[v] or f"z{t + 1}"
            if label in used_labels:
                label = f"{label} (z{t + 1})"
            used_labels.add(label)
            outcome = g.add_outcome(label, [rational(x) for x in payoffs[t]])
            g.set_outcome(node, outcome)
            continue
        labels = _unique_labels(game.action_labels[v])
        if m == CHANCE:
            g.append_move(node, g.players.chance, labels)
            c = int(game.chance_index[v])
            exact = [Fraction(_number(p)) for p in probs[c, : len(labels)]]
            exact[-1] = 1 - sum(exact[:-1], Fraction(0))  # exact sum (the last absorbs rounding)
            if exact[-1] < 0:
                raise GameValueError(f"chance probabilities at node {v} do not sum to one")
            g.set_chance_probs(
                node.infoset, [gbt.Rational(f.numerator, f.denominator) for f in exact]
            )
        else:
            h = int(game.infoset[v])
            if h in infoset_obj:
                g.append_infoset(node, infoset_obj[h])
            else:
                g.append_move(node, players[m], labels)
                infoset_obj[h] = node.infoset
                label = game.infoset_labels[h]
                if label and (m, label) not in used_infosets:  # unique per player in pygambit
                    node.infoset.label = label
                    used_infosets.add((m, label))
        kids = list(node.children)
        for a in range(int(game.num_children[v])):
            gnode[int(game.children[v, a])] = kids[a]
    if return_nodes:
        return g, [gnode[v] for v in range(game.n_nodes)]
    return g


def _unique_labels(labels) -> list[str]:
    """Action labels made unique within their node (pygambit wants that): repeats get ``#k``."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        label = str(label)
        count = seen.get(label, 0)
        seen[label] = count + 1
        out.append(label if count == 0 and label else f"{label}#{count + 1}")
    return out


def from_pygambit_tree(g, *, check_recall: bool = True) -> ExtensiveFormGame:
    """An :class:`ExtensiveFormGame` from a pygambit extensive game (outcomes at non-terminal
    nodes accrue to the terminals below them)."""
    players = [p.label for p in g.players]
    index_of = {p.label: i for i, p in enumerate(g.players)}
    parent, mover, infoset, labels, node_labels, pays, probs = [], [], [], [], [], [], []
    numbering: dict[tuple[int, int], int] = {}
    infoset_labels: list[str] = []
    queue = [(g.root, -1, [Fraction(0)] * len(players))]
    head = 0
    while head < len(queue):
        node, par, acc = queue[head]
        v = head
        head += 1
        if node.outcome:  # a NodeOutcome is falsy when no outcome is attached
            acc = [a + Fraction(str(node.outcome[p])) for a, p in zip(acc, players, strict=True)]
        parent.append(par)
        node_labels.append(node.label or "")
        if node.is_terminal:
            mover.append(TERMINAL)
            infoset.append(-1)
            labels.append(())
            pays.append([float(x) for x in acc])
            continue
        h = node.infoset
        actions = list(h.actions)
        labels.append(tuple(a.label for a in actions))
        if node.player.is_chance:
            mover.append(CHANCE)
            infoset.append(-1)
            probs.append([float(Fraction(str(a.prob))) for a in actions])
        else:
            m = index_of[node.player.label]
            key = (m, int(h.number))
            if key not in numbering:
                numbering[key] = len(numbering)
                infoset_labels.append(h.label or "")
            mover.append(m)
            infoset.append(numbering[key])
        for child in node.children:
            queue.append((child, v, acc))
    width = max((len(p) for p in probs), default=0)
    chance = None
    if probs:
        chance = np.zeros((len(probs), width))
        for r, p in enumerate(probs):
            chance[r, : len(p)] = p
    return ExtensiveFormGame(
        players,
        parent,
        mover,
        infoset=infoset,
        action_labels=labels,
        infoset_labels=infoset_labels,
        node_labels=node_labels,
        payoffs=np.array(pays, dtype=float).reshape(-1, len(players)),
        chance_probs=chance,
        title=g.title or "",
        check_recall=check_recall,
    )
