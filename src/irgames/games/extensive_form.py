r"""Extensive-form games (game trees), held in batches.

A finite extensive-form game is a rooted tree whose nodes are of three kinds:

* *decision nodes*, each owned by a player :math:`i` and belonging to an *information set*
  :math:`h \in H_i` (the nodes the player cannot tell apart); every node of :math:`h` offers
  the same labelled actions :math:`A(h)`;
* *chance nodes*, where Nature picks action :math:`a` with probability :math:`p(a) \ge 0`,
  :math:`\sum_a p(a) = 1`;
* *terminal nodes* :math:`z` with a payoff vector :math:`u(z) \in \mathbb{R}^n`.

irgames stores the tree once, as flat arrays in an order where every parent comes before its
children (``parent[v] < v``), and the numbers on it as arrays with a leading batch shape:

.. math::

    \texttt{payoffs}[b, t, i] = u_i^{(b)}(z_t), \qquad
    \texttt{chance\_probs}[b, c, a] = p^{(b)}_c(a),

so a parameter sweep over a theory is one game object, and a solver runs one numpy step per
tree level over all the batch. Payoffs and chance probabilities may also be sympy expressions
in named parameters; :meth:`ExtensiveFormGame.bind` evaluates them on arrays of parameter
values, broadcast to the batch.

Perfect recall holds when, for every information set :math:`h` of player :math:`i`, all nodes
of :math:`h` share player :math:`i`'s own history: the sequence of :math:`i`'s information sets
and actions on the path from the root. It is checked on construction.

Examples
--------
Drezner's coercion game (THEORIES.md, section 1) with relative-gains utilities
:math:`U_i = B_i P_i + (1 - B_i)(P_i - P_j) = P_i - (1 - B_i) P_j`:

>>> import numpy as np
>>> from irgames.games.extensive_form import TreeBuilder
>>> T = TreeBuilder(["S", "T"], parameters="D c_s c_t B_s B_t")
>>> D, c_s, c_t, B_s, B_t = T.symbols
>>> def U(P_s, P_t):  # raw payoffs to utilities
...     return T.terminal(P_s - (1 - B_s) * P_t, P_t - (1 - B_t) * P_s)
>>> root = T.decision("S", {
...     "status quo": U(0, 0),
...     "demand": T.decision("T", {
...         "acquiesce": U(D, -D),
...         "stand firm": T.decision("S", {"back down": U(0, 0), "impose": U(-c_s, -c_t)}),
...     }),
... })
>>> game = T.build(root, title="Coercion")
>>> game.n_nodes, game.n_players, game.is_bound
(7, 2, False)
>>> bound = game.bind(D=1.0, c_s=1.0, c_t=3.0, B_s=0.5, B_t=np.array([0.2, 0.5, 0.9]))
>>> bound.batch_shape
(3,)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from .expressions import _constant_table, _evaluate, _split_entries
from .normal_form import GameValueError
from .normal_form import _unit as _payoff_unit

__all__ = [
    "CHANCE",
    "TERMINAL",
    "ExtensiveFormGame",
    "Node",  # noqa: F822 (from tree_builder, through __getattr__)
    "TreeBuilder",  # noqa: F822
]

#: ``mover`` code of a chance node.
CHANCE = -1
#: ``mover`` code of a terminal node.
TERMINAL = -2

_PROB_ATOL = 1e-9


def _freeze(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


class ExtensiveFormGame:
    r"""A batch of finite extensive-form games sharing one tree.

    Parameters
    ----------
    players : sequence of str
        Player names; player ``i`` is ``players[i]``.
    parent : array_like of int, shape (n_nodes,)
        Parent of each node, ``-1`` for the root (node 0). Parents come first:
        ``parent[v] < v``. The children of a node are ordered as they appear in this array;
        a child's position among its siblings is the index of the action leading to it.
    mover : array_like of int, shape (n_nodes,)
        Player index at decision nodes, :data:`CHANCE` (-1) at chance nodes and
        :data:`TERMINAL` (-2) at terminal nodes (leaves).
    infoset : array_like of int, shape (n_nodes,), optional
        Information set of each decision node (``-1`` elsewhere); by default every decision
        node is its own information set (perfect information).
    action_labels : sequence of sequence of str, optional
        Per node, the labels of its actions (empty for terminals). Defaults to ``"0", "1", ...``.
    infoset_labels, node_labels : sequence of str, optional
        Names of the information sets and of the nodes.
    payoffs : array_like, optional
        Numeric, shape ``(*batch, n_terminals, n_players)`` (terminals in node order), or an
        object array of shape ``(n_terminals, n_players)`` whose entries are sympy expressions
        in ``parameters``, numbers or arrays broadcastable to a batch.
    chance_probs : array_like, optional
        Numeric, shape ``(*batch, n_chance, max_chance_actions)`` (zero-padded), or an object
        array of shape ``(n_chance, max_chance_actions)`` of expressions.
    parameters : sequence of sympy.Symbol, optional
        The named parameters that the expressions may use.
    parameter_bounds : mapping, optional
        ``name -> (low, high)`` domain of each parameter (``None`` for unbounded), used by the
        symbolic solver and checked by :meth:`bind`.
    title : str
        A name for the game.
    description : str
        A longer comment (kept by the ``.efg`` reader and writer).
    check_recall : bool
        Raise :class:`GameValueError` if the game does not have perfect recall (default).

    Raises
    ------
    GameValueError
        On any structural inconsistency (see the messages).
    """

    def __init__(
        self,
        players: Sequence[str],
        parent,
        mover,
        *,
        infoset=None,
        action_labels: Sequence[Sequence[str]] | None = None,
        infoset_labels: Sequence[str] | None = None,
        node_labels: Sequence[str] | None = None,
        payoffs=None,
        chance_probs=None,
        parameters: Sequence[sympy.Symbol] = (),
        parameter_bounds: Mapping[str, tuple] | None = None,
        parameter_values: Mapping[str, Any] | None = None,
        title: str = "",
        description: str = "",
        check_recall: bool = True,
    ):
        players = tuple(str(p) for p in players)
        if not players:
            raise GameValueError("a game needs at least one player")
        if len(set(players)) != len(players):
            raise GameValueError(f"player names must be distinct, got {players}")
        parent = np.asarray(parent, dtype=np.int64).reshape(-1)
        mover = np.asarray(mover, dtype=np.int64).reshape(-1)
        n = parent.size
        if n == 0:
            raise GameValueError("a game tree needs at least one node")
        if mover.size != n:
            raise GameValueError(f"mover has {mover.size} entries for {n} nodes")
        if parent[0] != -1:
            raise GameValueError("node 0 must be the root (parent -1)")
        if n > 1 and np.any(parent[1:] < 0):
            raise GameValueError(
                f"only node 0 may be a root; node {int(np.flatnonzero(parent[1:] < 0)[0]) + 1}"
                " has no parent"
            )
        if np.any(parent[1:] >= np.arange(1, n)):
            bad = int(np.flatnonzero(parent[1:] >= np.arange(1, n))[0]) + 1
            raise GameValueError(
                f"nodes must come after their parents: node {bad} has parent {int(parent[bad])}"
            )
        bad_mover = (mover < TERMINAL) | (mover >= len(players))
        if np.any(bad_mover):
            v = int(np.flatnonzero(bad_mover)[0])
            raise GameValueError(
                f"node {v} has mover {int(mover[v])}; use 0..{len(players) - 1}, "
                f"CHANCE={CHANCE} or TERMINAL={TERMINAL}"
            )
        num_children = np.bincount(parent[1:], minlength=n) if n > 1 else np.zeros(1, np.int64)
        leaf_mismatch = (num_children == 0) != (mover == TERMINAL)
        if np.any(leaf_mismatch):
            v = int(np.flatnonzero(leaf_mismatch)[0])
            what = "has no children" if num_children[v] == 0 else "has children"
            raise GameValueError(
                f"node {v} {what} but its mover is {int(mover[v])}: terminal nodes (mover "
                f"{TERMINAL}) are exactly the leaves"
            )
        if np.any(mover[parent[1:]] == TERMINAL):
            raise GameValueError("a terminal node cannot have children")

        # ---- children table and action index at the parent
        order = np.argsort(parent[1:], kind="stable") + 1  # nodes grouped by parent
        starts = np.zeros(n + 1, dtype=np.int64)
        starts[1:] = np.cumsum(num_children)
        max_actions = int(num_children.max()) if n > 1 else 0
        children = np.full((n, max(max_actions, 1)), -1, dtype=np.int64)
        action_index = np.full(n, -1, dtype=np.int64)
        if n > 1:
            sorted_parents = parent[order]
            rank = np.arange(order.size) - starts[sorted_parents]
            children[sorted_parents, rank] = order
            action_index[order] = rank

        # ---- information sets
        decision = mover >= 0
        if infoset is None:
            infoset = np.full(n, -1, dtype=np.int64)
            infoset[decision] = np.arange(int(decision.sum()))
        infoset = np.asarray(infoset, dtype=np.int64).reshape(-1)
        if infoset.size != n:
            raise GameValueError(f"infoset has {infoset.size} entries for {n} nodes")
        if np.any(infoset[decision] < 0):
            v = int(np.flatnonzero(decision & (infoset < 0))[0])
            raise GameValueError(f"decision node {v} has no information set")
        infoset = np.where(decision, infoset, -1)
        used = np.unique(infoset[decision])
        n_infosets = int(used.size)
        if n_infosets and (used[0] != 0 or used[-1] != n_infosets - 1):
            # renumber to 0..k-1 in order of first appearance
            first = {}
            for v in np.flatnonzero(decision):
                first.setdefault(int(infoset[v]), len(first))
            infoset = np.array([first[int(h)] if h >= 0 else -1 for h in infoset], np.int64)
        infoset_player = np.full(n_infosets, -1, dtype=np.int64)
        infoset_size = np.zeros(n_infosets, dtype=np.int64)
        if n_infosets:
            dnodes = np.flatnonzero(decision)
            hs = infoset[dnodes]
            first_node = np.full(n_infosets, -1, dtype=np.int64)
            first_node[hs[::-1]] = dnodes[::-1]
            infoset_player = mover[first_node]
            wrong = mover[dnodes] != infoset_player[hs]
            if np.any(wrong):
                v = int(dnodes[np.flatnonzero(wrong)[0]])
                raise GameValueError(
                    f"information set {int(infoset[v])} mixes players: node {v} belongs to "
                    f"{players[mover[v]]}, node {int(first_node[infoset[v]])} to "
                    f"{players[infoset_player[infoset[v]]]}"
                )
            diff = num_children[dnodes] != num_children[first_node[hs]]
            if np.any(diff):
                v = int(dnodes[np.flatnonzero(diff)[0]])
                raise GameValueError(
                    f"nodes of information set {int(infoset[v])} offer different numbers of "
                    f"actions: node {v} has {int(num_children[v])}, node "
                    f"{int(first_node[infoset[v]])} has {int(num_children[first_node[infoset[v]]])}"
                )
            infoset_size = np.bincount(hs, minlength=n_infosets)
        else:
            first_node = np.zeros(0, dtype=np.int64)

        # ---- labels
        if action_labels is None:
            action_labels = [tuple(str(a) for a in range(k)) for k in num_children]
        action_labels = tuple(tuple(str(a) for a in labels) for labels in action_labels)
        if len(action_labels) != n:
            raise GameValueError(f"action_labels has {len(action_labels)} entries for {n} nodes")
        for v in range(n) if max_actions else ():
            if len(action_labels[v]) != num_children[v]:
                raise GameValueError(
                    f"node {v} has {int(num_children[v])} children but "
                    f"{len(action_labels[v])} action labels"
                )
        for v in np.flatnonzero(decision):
            h = int(infoset[v])
            ref = int(first_node[h])
            if action_labels[v] != action_labels[ref]:
                raise GameValueError(
                    f"nodes of information set {h} must offer the same actions: node {v} has "
                    f"{action_labels[v]}, node {ref} has {action_labels[ref]}"
                )
        if infoset_labels is None:
            infoset_labels = [""] * n_infosets
        infoset_labels = tuple(str(x) for x in infoset_labels)
        if len(infoset_labels) != n_infosets:
            raise GameValueError(
                f"infoset_labels has {len(infoset_labels)} entries for {n_infosets} "
                "information sets"
            )
        if node_labels is None:
            node_labels = [""] * n
        node_labels = tuple(str(x) for x in node_labels)
        if len(node_labels) != n:
            raise GameValueError(f"node_labels has {len(node_labels)} entries for {n} nodes")

        terminals = np.flatnonzero(mover == TERMINAL)
        chance_nodes = np.flatnonzero(mover == CHANCE)
        n_players = len(players)
        max_chance = int(num_children[chance_nodes].max()) if chance_nodes.size else 0

        # ---- parameters
        params = []
        for p in parameters:
            if isinstance(p, str):
                p = sympy.Symbol(p, real=True)
            if not isinstance(p, sympy.Symbol):
                raise GameValueError(f"parameters must be sympy Symbols or names, got {p!r}")
            params.append(p)
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise GameValueError(f"parameter names must be distinct, got {names}")
        bounds = dict(parameter_bounds or {})
        for name in bounds:
            if name not in names:
                raise GameValueError(f"bounds given for {name!r}, which is not a parameter")

        s = object.__setattr__
        s(self, "players", players)
        s(self, "parent", _freeze(parent))
        s(self, "mover", _freeze(mover))
        s(self, "infoset", _freeze(infoset))
        s(self, "children", _freeze(children))
        s(self, "num_children", _freeze(num_children))
        s(self, "action_index", _freeze(action_index))
        s(self, "infoset_player", _freeze(infoset_player))
        s(self, "infoset_size", _freeze(infoset_size))
        s(self, "infoset_nodes_first", _freeze(first_node))
        s(self, "action_labels", action_labels)
        s(self, "infoset_labels", infoset_labels)
        s(self, "node_labels", node_labels)
        s(self, "terminals", _freeze(terminals))
        s(self, "chance_nodes", _freeze(chance_nodes))
        s(self, "parameters", tuple(params))
        s(self, "parameter_bounds", bounds)
        s(self, "title", str(title))
        s(self, "description", str(description))
        s(self, "_compiled", {})  # expression -> numpy function, shared by bound copies

        # ---- payoffs and chance probabilities (numeric, or expressions)
        payoff_exprs, payoff_values = _split_entries(
            payoffs, (terminals.size, n_players), "payoffs", params
        )
        prob_exprs, prob_values = _split_entries(
            chance_probs, (chance_nodes.size, max_chance), "chance_probs", params
        )
        if payoff_values is None and payoff_exprs is None:
            raise GameValueError("payoffs are required")
        s(self, "payoff_exprs", payoff_exprs)
        s(self, "chance_exprs", prob_exprs)
        values = dict(parameter_values or {})
        s(self, "parameter_values", values)
        if payoff_exprs is None and prob_exprs is None:
            payoff_values, prob_values = self._check_numbers(payoff_values, prob_values)
        else:
            # keep numeric parts as constant expressions; the game is bound by bind()
            if payoff_exprs is None:
                payoff_exprs = _constant_table(payoff_values, "payoffs")
            if prob_exprs is None and chance_nodes.size:
                prob_exprs = _constant_table(prob_values, "chance_probs")
            s(self, "payoff_exprs", payoff_exprs)
            s(self, "chance_exprs", prob_exprs)
            payoff_values = prob_values = None
        s(self, "payoffs", payoff_values)
        s(self, "chance_probs", prob_values)
        if check_recall:
            problem = self.recall_violation()
            if problem is not None:
                raise GameValueError(f"the game does not have perfect recall: {problem}")

    # ------------------------------------------------------------------ immutability
    def __setattr__(self, name, value):
        # builtin: Python's protocol for an immutable object's attributes
        raise AttributeError(f"ExtensiveFormGame is immutable; cannot set {name!r}")

    # ------------------------------------------------------------------ numbers
    def _check_numbers(self, payoffs, probs):
        n_t, n_p = self.terminals.size, self.n_players
        n_c = self.chance_nodes.size
        k = int(self.num_children[self.chance_nodes].max()) if n_c else 0
        payoffs = np.asarray(payoffs, dtype=float)
        if payoffs.ndim < 2 or payoffs.shape[-2:] != (n_t, n_p):
            raise GameValueError(
                f"payoffs must have shape (*batch, {n_t} terminals, {n_p} players); got "
                f"{payoffs.shape}"
            )
        if not np.all(np.isfinite(payoffs)):
            bad = np.argwhere(~np.isfinite(payoffs))[0]
            t, i = int(bad[-2]), int(bad[-1])
            raise GameValueError(
                f"payoffs must be finite; terminal node {int(self.terminals[t])} has "
                f"{payoffs[tuple(bad)]} for player {self.players[i]}"
            )
        if n_c:
            if probs is None:
                raise GameValueError("the tree has chance nodes but no chance_probs")
            probs = np.asarray(probs, dtype=float)
            if probs.ndim < 2 or probs.shape[-2:] != (n_c, k):
                raise GameValueError(
                    f"chance_probs must have shape (*batch, {n_c} chance nodes, {k}); got "
                    f"{probs.shape}"
                )
            if not np.all(np.isfinite(probs)):
                raise GameValueError("chance probabilities must be finite")
            width = self.num_children[self.chance_nodes]
            valid = np.arange(k)[None, :] < width[:, None]
            if np.any(probs[..., ~valid] != 0):
                raise GameValueError("chance_probs must be zero beyond each node's actions")
            if np.any(probs < -_PROB_ATOL):
                where = np.argwhere(probs < -_PROB_ATOL)[0]
                c = int(self.chance_nodes[where[-2]])
                raise GameValueError(
                    f"chance node {c} has a negative probability {probs[tuple(where)]:.6g} "
                    f"for action {self.action_labels[c][where[-1]]!r}"
                )
            total = probs.sum(axis=-1)
            off = np.abs(total - 1.0) > _PROB_ATOL * np.maximum(width, 1)
            if np.any(off):
                where = np.argwhere(off)[0]
                c = int(self.chance_nodes[where[-1]])
                raise GameValueError(
                    f"chance probabilities at node {c} must sum to one; they sum to "
                    f"{total[tuple(where)]:.12g}"
                    + (
                        f" at batch index {tuple(int(x) for x in where[:-1])}"
                        if where.size > 1
                        else ""
                    )
                )
            probs = np.clip(probs, 0.0, None)
        else:
            probs = np.zeros((0, 0)) if probs is None else np.asarray(probs, dtype=float)
            probs = (
                probs.reshape((*probs.shape[:-2], 0, 0)) if probs.ndim >= 2 else np.zeros((0, 0))
            )
        pb, cb = payoffs.shape[:-2], probs.shape[:-2]
        try:
            batch = np.broadcast_shapes(pb, cb)
        except ValueError:
            raise GameValueError(
                f"batch shapes of payoffs {pb} and chance_probs {cb} do not broadcast"
            ) from None
        payoffs = _freeze(np.broadcast_to(payoffs, batch + payoffs.shape[-2:]))
        probs = _freeze(np.broadcast_to(probs, batch + probs.shape[-2:]))
        return payoffs, probs

    @property
    def is_bound(self) -> bool:
        """True when payoffs and chance probabilities are numbers (no unbound parameter)."""
        return self.payoffs is not None

    def require_bound(self) -> None:
        """Raise :class:`GameValueError` naming the parameters still to bind."""
        if not self.is_bound:
            names = ", ".join(p.name for p in self.free_parameters)
            raise GameValueError(
                f"the game has unbound parameters ({names}); call game.bind({names.split(', ')[0]}"
                "=..., ...) first"
            )

    @cached_property
    def free_parameters(self) -> tuple[sympy.Symbol, ...]:
        """Parameters that the expressions use (all of them must be bound to solve)."""
        free: set = set()
        for exprs in (self.payoff_exprs, self.chance_exprs):
            if exprs is not None:
                for e in exprs.flat:
                    if isinstance(e, sympy.Basic):
                        free |= e.free_symbols
        return tuple(p for p in self.parameters if p in free)

    def _validated(self, values: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Parameter values as float arrays, checked to be finite and within their bounds."""
        arrays = {}
        for name, value in values.items():
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise GameValueError(f"parameter {name} must be numeric") from None
            if not np.all(np.isfinite(arr)):
                raise GameValueError(f"parameter {name} must be finite")
            lo, hi = self.parameter_bounds.get(name, (None, None))
            if lo is not None and np.any(arr < lo):
                raise GameValueError(f"parameter {name} must be >= {lo}; got {arr.min():.6g}")
            if hi is not None and np.any(arr > hi):
                raise GameValueError(f"parameter {name} must be <= {hi}; got {arr.max():.6g}")
            arrays[name] = arr
        return arrays

    def bind(self, **values) -> ExtensiveFormGame:
        """Evaluate the expressions at parameter values (arrays broadcast to the batch).

        Every parameter that the expressions use must be given; values outside a parameter's
        bounds are refused. Returns a new, numeric game that keeps its expressions.
        """
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise GameValueError(
                f"unknown parameter(s) {unknown}; the game's parameters are {sorted(known)}"
            )
        missing = [p.name for p in self.free_parameters if p.name not in values]
        if missing:
            raise GameValueError(f"unbound parameters: {', '.join(missing)}")
        arrays = self._validated(values)
        try:
            batch = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        except ValueError:
            shapes = {k: a.shape for k, a in arrays.items()}
            raise GameValueError(f"parameter arrays do not broadcast: {shapes}") from None
        payoffs = self.payoffs
        if self.payoff_exprs is not None:
            payoffs = _evaluate(self.payoff_exprs, self.parameters, arrays, batch, self._compiled)
        probs = self.chance_probs
        if self.chance_exprs is not None:
            probs = _evaluate(self.chance_exprs, self.parameters, arrays, batch, self._compiled)
        game = self._replace(payoffs=None, chance_probs=None)
        object.__setattr__(game, "parameter_values", arrays)
        p, c = game._check_numbers(payoffs, probs)
        object.__setattr__(game, "payoffs", p)
        object.__setattr__(game, "chance_probs", c)
        return game

    def rebind(self, **changed) -> ExtensiveFormGame:
        r"""Re-bind a bound game in some of its parameters, keeping the others' values.

        Equal to ``self.bind(**{**self.parameter_values, **changed})``, but only the changed
        values are validated, and only the entries whose expressions use a changed parameter
        are evaluated again: the others are taken from this game's numbers. Use it when one
        parameter varies over many solves of the same batch (a demand searched by
        bisection, say), with the rest bound once.

        Examples
        --------
        >>> from irgames.games.extensive_form import TreeBuilder
        >>> T = TreeBuilder(["A"], parameters="x y")
        >>> x, y = T.symbols
        >>> game = T.build(T.decision("A", {"l": T.terminal(x * y), "r": T.terminal(y)}))
        >>> bound = game.bind(x=[1.0, 2.0], y=3.0)
        >>> bound.rebind(x=[5.0, 6.0]).payoffs[..., 0].tolist()
        [[15.0, 3.0], [18.0, 3.0]]
        """
        if not self.is_bound or not self.parameter_values:
            raise GameValueError("rebind needs a game bound by bind(); call bind(...) first")
        known = {p.name for p in self.parameters}
        unknown = sorted(set(changed) - known)
        if unknown:
            raise GameValueError(
                f"unknown parameter(s) {unknown}; the game's parameters are {sorted(known)}"
            )
        arrays = dict(self.parameter_values)
        arrays.update(self._validated(changed))
        try:
            batch = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        except ValueError:
            shapes = {k: a.shape for k, a in arrays.items()}
            raise GameValueError(f"parameter arrays do not broadcast: {shapes}") from None
        names = set(changed)
        payoffs, probs = self.payoffs, self.chance_probs
        if self.payoff_exprs is not None:
            payoffs = _evaluate(
                self.payoff_exprs, self.parameters, arrays, batch, self._compiled, payoffs, names
            )
        if self.chance_exprs is not None:
            probs = _evaluate(
                self.chance_exprs, self.parameters, arrays, batch, self._compiled, probs, names
            )
        game = self._replace(payoffs=None, chance_probs=None)
        object.__setattr__(game, "parameter_values", arrays)
        p, c = game._check_numbers(payoffs, probs)
        object.__setattr__(game, "payoffs", p)
        object.__setattr__(game, "chance_probs", c)
        return game

    def with_payoffs(self, payoffs, chance_probs=None) -> ExtensiveFormGame:
        """The same tree with new numeric payoffs (and chance probabilities)."""
        game = self._replace(payoffs=None, chance_probs=None)
        for name in ("payoff_exprs", "chance_exprs"):
            object.__setattr__(game, name, None)
        object.__setattr__(game, "parameter_values", {})
        probs = self.chance_probs if chance_probs is None else chance_probs
        p, c = game._check_numbers(payoffs, probs)
        object.__setattr__(game, "payoffs", p)
        object.__setattr__(game, "chance_probs", c)
        return game

    def _replace(self, **changes) -> ExtensiveFormGame:
        new = object.__new__(ExtensiveFormGame)
        for key, value in self.__dict__.items():
            if not isinstance(getattr(type(self), key, None), cached_property):
                object.__setattr__(new, key, value)
        for key, value in changes.items():
            object.__setattr__(new, key, value)
        return new

    # ------------------------------------------------------------------ shape
    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def n_nodes(self) -> int:
        return int(self.parent.size)

    @property
    def n_infosets(self) -> int:
        return int(self.infoset_player.size)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch shape of the numbers; ``()`` for one game."""
        self.require_bound()
        return tuple(self.payoffs.shape[:-2])

    @property
    def batch_size(self) -> int:
        return int(np.prod(self.batch_shape, dtype=np.int64))

    @property
    def payoff_units(self) -> np.ndarray:
        r"""Each player's payoff unit: the range of that player's terminal payoffs.

        .. math::

            s_i = \max_z u_i(z) - \min_z u_i(z) \quad (1 \text{ where } u_i
            \text{ is constant}),

        over the terminal nodes :math:`z`, per batch point; shape ``(*batch_shape,
        n_players)``. This is the tree's instance of the package's one notion of a payoff
        unit (:func:`irgames.games.normal_form.payoff_units`): a solver decides that player
        :math:`i` is indifferent between two actions, or that an action is one of her best,
        by comparing differences of her values with ``tol`` :math:`\cdot s_i`. Continuation
        values are averages of terminal payoffs, so they lie in the same range. Scaling one
        player's payoffs by :math:`\lambda > 0` scales her unit alone, and shifting them
        changes no unit, so the equilibria found do not change.

        Examples
        --------
        >>> from irgames.games.tree_builder import TreeBuilder
        >>> T = TreeBuilder(["A", "B"])
        >>> game = T.build(T.decision("A", {"l": T.terminal(0, 5), "r": T.terminal(1e-10, 5)}))
        >>> game.payoff_units.tolist()
        [1e-10, 1.0]
        """
        self.require_bound()
        with np.errstate(over="ignore", invalid="ignore"):
            spread = self.payoffs.max(axis=-2) - self.payoffs.min(axis=-2)
        return _payoff_unit(spread)

    @property
    def payoff_scale(self) -> np.ndarray:
        r"""Per game, the largest payoff range of any one player (1 if all are constant).

        :math:`\max_i (\max_z u_i(z) - \min_z u_i(z))` over terminals :math:`z`. Kept for
        reporting; the solvers judge each player's ties in her own unit,
        :attr:`payoff_units`.
        """
        self.require_bound()
        with np.errstate(over="ignore"):
            spread = (self.payoffs.max(axis=-2) - self.payoffs.min(axis=-2)).max(axis=-1)
        return _payoff_unit(spread)

    def flatten(self) -> ExtensiveFormGame:
        """The same games with the batch flattened to ``(batch_size,)``."""
        self.require_bound()
        b = self.batch_size
        return self._replace(
            payoffs=_freeze(self.payoffs.reshape((b, *self.payoffs.shape[-2:]))),
            chance_probs=_freeze(
                np.broadcast_to(
                    self.chance_probs, self.batch_shape + self.chance_probs.shape[-2:]
                ).reshape((b, *self.chance_probs.shape[-2:]))
            ),
        )

    def __getitem__(self, index) -> ExtensiveFormGame:
        """Index the batch."""
        self.require_bound()
        if not self.batch_shape:
            # builtin: the sequence protocol (indexing)
            raise IndexError("a single game (empty batch shape) cannot be indexed")
        if not isinstance(index, tuple):
            index = (index,)
        full = (*index, slice(None), slice(None))
        return self._replace(
            payoffs=_freeze(self.payoffs[full]), chance_probs=_freeze(self.chance_probs[full])
        )

    # ------------------------------------------------------------------ structure
    @cached_property
    def depth(self) -> np.ndarray:
        """Depth of each node (root 0)."""
        depth = np.zeros(self.n_nodes, dtype=np.int64)
        # parents come first, so one pass in index order is exact; vectorised by rounds
        for v in range(1, self.n_nodes) if self.n_nodes < 64 else ():
            depth[v] = depth[self.parent[v]] + 1
        if self.n_nodes >= 64:
            depth[1:] = -1
            frontier = np.array([0])
            d = 0
            kids_all = self.children
            while frontier.size:
                kids = kids_all[frontier].reshape(-1)
                kids = kids[kids >= 0]
                d += 1
                depth[kids] = d
                frontier = kids
        depth.setflags(write=False)
        return depth

    @cached_property
    def levels(self) -> tuple[np.ndarray, ...]:
        """Nodes grouped by depth: ``levels[d]`` holds the nodes at depth ``d``."""
        depth = self.depth
        order = np.argsort(depth, kind="stable")
        counts = np.bincount(depth)
        return tuple(np.split(order, np.cumsum(counts)[:-1]))

    @cached_property
    def terminal_index(self) -> np.ndarray:
        """Row of each node in ``payoffs`` (``-1`` for non-terminal nodes)."""
        out = np.full(self.n_nodes, -1, dtype=np.int64)
        out[self.terminals] = np.arange(self.terminals.size)
        out.setflags(write=False)
        return out

    @cached_property
    def chance_index(self) -> np.ndarray:
        """Row of each node in ``chance_probs`` (``-1`` for non-chance nodes)."""
        out = np.full(self.n_nodes, -1, dtype=np.int64)
        out[self.chance_nodes] = np.arange(self.chance_nodes.size)
        out.setflags(write=False)
        return out

    @property
    def decision_nodes(self) -> np.ndarray:
        return np.flatnonzero(self.mover >= 0)

    @property
    def is_perfect_information(self) -> bool:
        """True when every information set is a single node."""
        return bool(np.all(self.infoset_size == 1))

    def infoset_members(self, h: int) -> np.ndarray:
        """The nodes of information set ``h``."""
        return np.flatnonzero(self.infoset == h)

    def path_to(self, node: int) -> list[tuple[int, int]]:
        """The ``(node, action)`` pairs on the path from the root to ``node``."""
        path = []
        v = int(node)
        while self.parent[v] >= 0:
            path.append((int(self.parent[v]), int(self.action_index[v])))
            v = int(self.parent[v])
        return path[::-1]

    def subtree_nodes(self, node: int) -> np.ndarray:
        """``node`` and all its descendants, in index order."""
        inside = np.zeros(self.n_nodes, dtype=bool)
        inside[node] = True
        for v in range(int(node) + 1, self.n_nodes):
            if inside[self.parent[v]]:
                inside[v] = True
        return np.flatnonzero(inside)

    def preorder(self) -> np.ndarray:
        """The nodes in depth-first pre-order (children in action order), computed without
        recursion."""
        order = np.empty(self.n_nodes, dtype=np.int64)
        stack = [0]
        i = 0
        children, width = self.children, self.num_children
        while stack:
            v = stack.pop()
            order[i] = v
            i += 1
            k = int(width[v])
            if k:
                stack.extend(children[v, :k][::-1].tolist())
        return order

    def reordered(self, order=None) -> ExtensiveFormGame:
        """The same game with its nodes renumbered: node ``order[j]`` becomes node ``j``.

        ``order`` must list every node once with parents before children (default: the
        depth-first pre-order of :meth:`preorder`, which is the order of ``.efg`` files).
        Information sets are renumbered in order of first appearance, so two games that differ
        only in numbering have equal arrays after ``reordered()``.
        """
        order = self.preorder() if order is None else np.asarray(order, dtype=np.int64)
        n = self.n_nodes
        if order.shape != (n,) or not np.array_equal(np.sort(order), np.arange(n)):
            raise GameValueError("order must be a permutation of the nodes")
        new_index = np.empty(n, dtype=np.int64)
        new_index[order] = np.arange(n)
        old_parent = self.parent[order]
        parent = np.where(old_parent >= 0, new_index[np.maximum(old_parent, 0)], -1)
        # keep the children's action order: a node's children must keep their relative order
        first: dict[int, int] = {}
        infoset = []
        for h in self.infoset[order]:
            infoset.append(-1 if h < 0 else first.setdefault(int(h), len(first)))
        inverse = sorted(first, key=first.get)
        terminals_new = order[self.mover[order] == TERMINAL]
        chance_new = order[self.mover[order] == CHANCE]
        kwargs = dict(
            infoset=infoset,
            action_labels=[self.action_labels[v] for v in order],
            infoset_labels=[self.infoset_labels[h] for h in inverse],
            node_labels=[self.node_labels[v] for v in order],
            parameters=self.parameters,
            parameter_bounds=self.parameter_bounds,
            title=self.title,
            description=self.description,
            check_recall=False,
        )
        if self.is_bound:
            payoffs = self.payoffs[..., self.terminal_index[terminals_new], :]
            probs = self.chance_probs[..., self.chance_index[chance_new], :]
        else:
            payoffs = self.payoff_exprs[self.terminal_index[terminals_new]]
            probs = (
                None
                if self.chance_exprs is None
                else self.chance_exprs[self.chance_index[chance_new]]
            )
        game = ExtensiveFormGame(
            self.players,
            parent,
            self.mover[order],
            payoffs=payoffs,
            chance_probs=probs if chance_new.size else None,
            **kwargs,
        )
        rank = game.action_index
        if not np.array_equal(rank[new_index], self.action_index):
            raise GameValueError("order must keep the children of every node in action order")
        if self.is_bound:
            object.__setattr__(game, "parameter_values", self.parameter_values)
        return game

    def recall_violation(self) -> str | None:
        """A message describing the first violation of perfect recall, or None."""
        if self.is_perfect_information:
            return None
        n, n_players = self.n_nodes, self.n_players
        intern: dict[tuple[int, int, int], int] = {}
        history = np.zeros((n, n_players), dtype=np.int64)
        for v in range(1, n):
            u = int(self.parent[v])
            history[v] = history[u]
            p = int(self.mover[u])
            if p >= 0:
                key = (int(history[u, p]), int(self.infoset[u]), int(self.action_index[v]))
                history[v, p] = intern.setdefault(key, len(intern) + 1)
        first: dict[int, int] = {}
        for v in np.flatnonzero(self.mover >= 0):
            h, p = int(self.infoset[v]), int(self.mover[v])
            if h in first:
                w = first[h]
                if history[v, p] != history[w, p]:
                    return (
                        f"nodes {w} and {v} of information set {h} "
                        f"({self.infoset_labels[h] or 'unnamed'}) of player {self.players[p]} "
                        "follow different histories of that player's own moves"
                    )
            else:
                first[h] = int(v)
        return None

    def __repr__(self) -> str:
        shape = self.batch_shape if self.is_bound else "unbound"
        return (
            f"ExtensiveFormGame({self.title!r}, players={list(self.players)}, "
            f"nodes={self.n_nodes}, terminals={self.terminals.size}, "
            f"infosets={self.n_infosets}, batch_shape={shape})"
        )

    def draw(self, *, equilibrium=None, point=None, ax=None, **options):
        """Draw the tree with matplotlib: :func:`irgames.plot.draw_tree` (returns the Axes)."""
        from ..plot import draw_tree

        return draw_tree(self, equilibrium=equilibrium, point=point, ax=ax, **options)

    def to_tikz(self, *, equilibrium=None, point=None, **options) -> str:
        r"""The tree as a standalone TikZ picture: :func:`irgames.io.tikz.to_tikz`."""
        from ..io.tikz import to_tikz

        return to_tikz(self, equilibrium=equilibrium, point=point, **options)


def __getattr__(name: str):
    # The builder lives in irgames.games.tree_builder (it imports this module); its names stay
    # importable from here, as they always were.
    if name in ("Node", "TreeBuilder"):
        from . import tree_builder

        return getattr(tree_builder, name)
    # builtin: Python's module __getattr__ protocol
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
