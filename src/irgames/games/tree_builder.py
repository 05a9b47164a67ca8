r"""Build an :class:`~irgames.games.extensive_form.ExtensiveFormGame` the way the game is
described: decision, chance and terminal nodes nested as the tree reads, with payoffs and
probabilities as numbers, arrays with a batch shape or expressions in named parameters.

:class:`TreeBuilder` numbers the nodes, groups information sets, collects the payoff and
probability tables (symbolic when any entry has a free parameter, numeric otherwise) and
hands them to the array tree. ``irgames.games.extensive_form.TreeBuilder`` and ``Node`` name
the same objects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from .extensive_form import CHANCE, TERMINAL, ExtensiveFormGame
from .normal_form import GameValueError

__all__ = ["Node", "TreeBuilder"]


@dataclass(eq=False)
class Node:
    """A node made by :class:`TreeBuilder`; pass it as a child or to :meth:`TreeBuilder.build`."""

    kind: str
    player: int = -1
    actions: tuple[str, ...] = ()
    children: tuple[Node, ...] = ()
    probs: tuple[Any, ...] = ()
    payoffs: tuple[Any, ...] = ()
    infoset: Any = None
    label: str = ""


class TreeBuilder:
    r"""Build an :class:`ExtensiveFormGame` the way the game is described.

    Parameters
    ----------
    players : sequence of str
        Player names.
    parameters : str, sequence of str or sympy.Symbol, or mapping, optional
        Named parameters for payoffs and probabilities: a space-separated string, a sequence
        of names or symbols, or a mapping ``name -> (low, high)`` giving each parameter's
        domain (``None`` for an open end). Names become real sympy symbols (positive when the
        lower bound is >= 0), available as :attr:`symbols` and ``builder["name"]``.

    Examples
    --------
    >>> T = TreeBuilder(["Row", "Col"])
    >>> root = T.decision("Row", {
    ...     "U": T.decision("Col", {"l": T.terminal(3, 1), "r": T.terminal(0, 0)}, infoset="c"),
    ...     "D": T.decision("Col", {"l": T.terminal(0, 0), "r": T.terminal(1, 3)}, infoset="c"),
    ... })
    >>> game = T.build(root)
    >>> game.n_infosets, game.is_perfect_information
    (2, False)
    """

    def __init__(self, players: Sequence[str], parameters=None):
        self.players = tuple(str(p) for p in players)
        if not self.players:
            raise GameValueError("a game needs at least one player")
        bounds: dict[str, tuple] = {}
        symbols: list[sympy.Symbol] = []
        if parameters is None:
            items: Iterable = ()
        elif isinstance(parameters, str):
            items = parameters.replace(",", " ").split()
        elif isinstance(parameters, Mapping):
            items = list(parameters)
            for name, dom in parameters.items():
                name = name.name if isinstance(name, sympy.Symbol) else str(name)
                if dom is not None:
                    lo, hi = dom
                    bounds[name] = (lo, hi)
        else:
            items = list(parameters)
        for p in items:
            if isinstance(p, sympy.Symbol):
                symbols.append(p)
                continue
            name = str(p)
            lo, _ = bounds.get(name, (None, None))
            if lo is not None and lo >= 0:
                sym = sympy.Symbol(name, real=True, nonnegative=True)
            else:
                sym = sympy.Symbol(name, real=True)
            symbols.append(sym)
        self.symbols: tuple[sympy.Symbol, ...] = tuple(symbols)
        self.bounds = bounds

    def __getitem__(self, name: str) -> sympy.Symbol:
        for s in self.symbols:
            if s.name == name:
                return s
        # builtin: the Mapping protocol (a missing key)
        raise KeyError(
            f"no parameter named {name!r}; parameters are {[s.name for s in self.symbols]}"
        )

    def _player(self, player) -> int:
        if isinstance(player, int | np.integer) and 0 <= int(player) < len(self.players):
            return int(player)
        if player in self.players:
            return self.players.index(player)
        raise GameValueError(f"unknown player {player!r}; players are {list(self.players)}")

    @staticmethod
    def _check_children(children) -> None:
        for child in children:
            if not isinstance(child, Node):
                raise GameValueError(
                    f"a child must be a node made by the builder, got {type(child).__name__}"
                )

    def decision(
        self, player, actions: Mapping[str, Node], *, infoset=None, label: str = ""
    ) -> Node:
        """A decision node of ``player`` with ``{action label: child}``.

        Nodes given the same ``infoset`` key (any hashable) for the same player form one
        information set; without a key the node is an information set of its own.
        """
        if not isinstance(actions, Mapping) or not actions:
            raise GameValueError("a decision node needs a non-empty mapping {action: child}")
        self._check_children(actions.values())
        return Node(
            kind="decision",
            player=self._player(player),
            actions=tuple(str(a) for a in actions),
            children=tuple(actions.values()),
            infoset=infoset,
            label=str(label),
        )

    def chance(self, branches: Mapping[str, tuple[Any, Node]], *, label: str = "") -> Node:
        """A chance node with ``{action label: (probability, child)}``."""
        if not isinstance(branches, Mapping) or not branches:
            raise GameValueError("a chance node needs a non-empty mapping {action: (p, child)}")
        probs, children = [], []
        for a, pair in branches.items():
            try:
                p, child = pair
            except (TypeError, ValueError):
                raise GameValueError(
                    f"chance branch {a!r} must be a pair (probability, child)"
                ) from None
            probs.append(p)
            children.append(child)
        self._check_children(children)
        return Node(
            kind="chance",
            actions=tuple(str(a) for a in branches),
            children=tuple(children),
            probs=tuple(probs),
            label=str(label),
        )

    def terminal(self, *payoffs, label: str = "", **by_player) -> Node:
        """A terminal node with one payoff per player (positional or by player name).

        Each payoff is a number, an array (a batch of values), a sympy expression in the
        parameters, or a string such as ``"D - c_s"``.
        """
        if payoffs and by_player:
            raise GameValueError("give payoffs either by position or by player name, not both")
        if by_player:
            unknown = set(by_player) - set(self.players)
            if unknown:
                raise GameValueError(f"unknown player(s) {sorted(unknown)}")
            payoffs = tuple(by_player.get(p, 0) for p in self.players)
        if len(payoffs) != len(self.players):
            raise GameValueError(
                f"a terminal node needs {len(self.players)} payoffs (one per player), got "
                f"{len(payoffs)}"
            )
        return Node(kind="terminal", payoffs=tuple(payoffs), label=str(label))

    def build(self, root: Node, *, title: str = "", check_recall: bool = True) -> ExtensiveFormGame:
        """Flatten the tree under ``root`` (breadth first) into an :class:`ExtensiveFormGame`."""
        if not isinstance(root, Node):
            raise GameValueError("build() needs the root node made by the builder")
        nodes: list[Node] = []
        parents: list[int] = []
        seen: set[int] = set()
        queue: deque[tuple[Node, int]] = deque([(root, -1)])
        while queue:
            node, par = queue.popleft()
            if id(node) in seen:
                raise GameValueError(
                    "a node appears twice in the tree; make a fresh node for each position "
                    f"(node {node.label or node.kind!r})"
                )
            seen.add(id(node))
            index = len(nodes)
            nodes.append(node)
            parents.append(par)
            for child in node.children:
                queue.append((child, index))
        mover = [
            n.player if n.kind == "decision" else (CHANCE if n.kind == "chance" else TERMINAL)
            for n in nodes
        ]
        keys: dict[tuple[int, Any], int] = {}
        infoset = []
        for i, n in enumerate(nodes):
            if n.kind != "decision":
                infoset.append(-1)
                continue
            key = (n.player, n.infoset) if n.infoset is not None else (n.player, ("node", i))
            infoset.append(keys.setdefault(key, len(keys)))
        infoset_labels = [""] * len(keys)
        for (_, k), h in keys.items():
            infoset_labels[h] = "" if isinstance(k, tuple) and k[:1] == ("node",) else str(k)
        terminal_entries = [list(n.payoffs) for n in nodes if n.kind == "terminal"]
        chance_entries = [list(n.probs) for n in nodes if n.kind == "chance"]
        all_entries = [e for row in terminal_entries + chance_entries for e in row]
        symbolic = any(
            isinstance(e, str) or (isinstance(e, sympy.Basic) and bool(e.free_symbols))
            for e in all_entries
        )
        params = self.symbols
        if symbolic:
            payoffs = _object_table(terminal_entries, len(self.players))
            width = max((len(r) for r in chance_entries), default=0)
            probs = _object_table(chance_entries, width) if chance_entries else None
        else:
            payoffs = _numeric_table(terminal_entries, "payoffs")
            probs = _numeric_table(chance_entries, "chance probabilities", pad=True)
        return ExtensiveFormGame(
            self.players,
            parents,
            mover,
            infoset=infoset,
            action_labels=[n.actions for n in nodes],
            infoset_labels=infoset_labels,
            node_labels=[n.label for n in nodes],
            payoffs=payoffs,
            chance_probs=probs,
            parameters=params,
            parameter_bounds=self.bounds,
            title=title,
            check_recall=check_recall,
        )


def _object_table(rows, width) -> np.ndarray:
    table = np.empty((len(rows), width), dtype=object)
    for r, row in enumerate(rows):
        for c in range(width):
            table[r, c] = row[c] if c < len(row) else sympy.Integer(0)
    return table


def _numeric_table(rows, what, pad=False) -> np.ndarray | None:
    if not rows:
        return None
    width = max(len(r) for r in rows)
    arrays = []
    for row in rows:
        try:
            vals = [
                np.asarray(float(e) if isinstance(e, sympy.Basic) else e, dtype=float) for e in row
            ]
        except (TypeError, ValueError) as error:
            raise GameValueError(f"{what} must be numbers or arrays: {error}") from None
        arrays.append(vals + [np.zeros(())] * (width - len(vals)))
    try:
        batch = np.broadcast_shapes(*(v.shape for row in arrays for v in row))
    except ValueError:
        raise GameValueError(f"the array {what} do not broadcast to one batch shape") from None
    out = np.empty((*batch, len(rows), width))
    for r, row in enumerate(arrays):
        for c, v in enumerate(row):
            out[..., r, c] = v
    return out
