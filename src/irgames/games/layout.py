r"""A tidy layered layout of a game tree, shared by the matplotlib and TikZ drawings.

Nodes sit on layers by depth, :math:`y_v = -\operatorname{depth}(v)`. The leaves, taken in
depth-first order (children in the order of their actions), are evenly spaced one unit apart,
:math:`x_{\ell_k} = k`, and every inner node is centred over its children:

.. math::

    x_v = \tfrac12 \bigl(x_{\text{first child of } v} + x_{\text{last child of } v}\bigr).

So siblings appear left to right in the order of their actions, no two subtrees overlap (a
subtree occupies the interval between its first and last leaf, and the intervals of siblings
are disjoint), and the drawing is as wide as the tree has leaves. The layout depends on the
structure alone (``parent`` in the house order, ``parent[v] < v``), not on payoffs, so one
layout serves every point of a batch.

Examples
--------
>>> from irgames.games.layout import tidy_layout
>>> x, y = tidy_layout([-1, 0, 0, 2, 2])  # root, a leaf, an inner node with two leaves
>>> x.tolist(), y.tolist()
([0.75, 0.0, 1.5, 1.0, 2.0], [0.0, -1.0, -1.0, -2.0, -2.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .extensive_form import CHANCE, TERMINAL
from .normal_form import GameValueError

__all__ = ["TreePicture", "preorder", "tidy_layout", "tree_picture"]


def _children_lists(parent: np.ndarray) -> list[list[int]]:
    kids: list[list[int]] = [[] for _ in range(parent.size)]
    for v in range(1, parent.size):
        kids[int(parent[v])].append(v)
    return kids


def _checked(parent) -> np.ndarray:
    parent = np.asarray(parent, dtype=np.int64).reshape(-1)
    n = parent.size
    if n == 0 or parent[0] != -1:
        raise GameValueError("a tree layout needs node 0 as the root (parent -1)")
    if n > 1 and (np.any(parent[1:] < 0) or np.any(parent[1:] >= np.arange(1, n))):
        raise GameValueError(
            "a tree layout needs every node after its parent (0 <= parent[v] < v for v > 0)"
        )
    return parent


def preorder(parent) -> np.ndarray:
    """Nodes in depth-first order, children in the order they appear in ``parent``.

    >>> preorder([-1, 0, 0, 1]).tolist()
    [0, 1, 3, 2]
    """
    parent = _checked(parent)
    kids = _children_lists(parent)
    order, stack = [], [0]
    while stack:
        v = stack.pop()
        order.append(v)
        stack.extend(reversed(kids[v]))
    return np.asarray(order, dtype=np.int64)


def tidy_layout(parent, *, sibling_gap: float = 1.0, level_gap: float = 1.0):
    r"""Positions ``(x, y)`` of every node: leaves evenly spaced, parents centred.

    Parameters
    ----------
    parent : array_like of int, shape (n_nodes,)
        Parent of each node (``-1`` for the root, node 0), parents first.
    sibling_gap : float
        Horizontal distance between consecutive leaves.
    level_gap : float
        Vertical distance between layers (the root at :math:`y = 0`, depth :math:`d` at
        :math:`y = -d \cdot` ``level_gap``).

    Returns
    -------
    x, y : ndarray of float, shape (n_nodes,)

    Raises
    ------
    GameValueError
        If ``parent`` is not a tree in the house order.
    """
    parent = _checked(parent)
    n = parent.size
    depth = np.zeros(n, dtype=np.int64)
    for v in range(1, n):
        depth[v] = depth[parent[v]] + 1
    is_leaf = np.ones(n, dtype=bool)
    is_leaf[parent[1:]] = False
    order = preorder(parent)
    x = np.zeros(n)
    leaves = order[is_leaf[order]]
    x[leaves] = np.arange(leaves.size) * float(sibling_gap)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    lo[leaves] = hi[leaves] = x[leaves]
    # children come after their parents, so a reverse pass sees every child first
    for v in range(n - 1, 0, -1):
        p = parent[v]
        if not is_leaf[v]:
            x[v] = 0.5 * (lo[v] + hi[v])
        lo[p] = min(lo[p], x[v])
        hi[p] = max(hi[p], x[v])
    if n > 1:
        x[0] = 0.5 * (lo[0] + hi[0])
    return x, 0.0 - depth.astype(float) * float(level_gap)


@dataclass(frozen=True)
class TreePicture:
    r"""What a drawing of a tree shows, independent of the drawing library.

    Built by :func:`tree_picture`; :func:`irgames.plot.draw_tree` and
    :func:`irgames.io.tikz.to_tikz` draw it.

    Attributes
    ----------
    x, y : ndarray of float, shape (n_nodes,)
        The :func:`tidy_layout`.
    kind : tuple of str
        ``"decision"``, ``"chance"`` or ``"terminal"`` per node.
    owner : tuple of str
        The mover's name at decision nodes, ``"Nature"`` at chance nodes, ``""`` at leaves.
    edges : tuple of (int, int, str, object)
        ``(parent, child, action label, chance probability or None)``, one per non-root node.
    action_prob : ndarray of float, shape (n_nodes,) or None
        With an equilibrium: the probability of the action leading to each node (1 at the
        root); chance probabilities at chance nodes.
    reach : ndarray of float, shape (n_nodes,) or None
        With an equilibrium: :math:`\Pr(v)`, the product of the action probabilities on the
        path to :math:`v`; the path of play is the set of edges into nodes with
        :math:`\Pr(v) > 0`.
    infoset_links : tuple of (int, int)
        Consecutive members (left to right) of every information set of two or more nodes.
    payoffs : tuple of tuple
        Per terminal (in node order), the payoff of each player: floats for a bound game,
        sympy expressions for an unbound one.
    terminals : ndarray of int
    players : tuple of str
    note : str
        Which point of a batch is drawn (empty for a single game or an unbound one).
    """

    x: np.ndarray
    y: np.ndarray
    kind: tuple
    owner: tuple
    edges: tuple
    action_prob: np.ndarray | None
    reach: np.ndarray | None
    infoset_links: tuple
    payoffs: tuple
    terminals: np.ndarray
    players: tuple
    note: str

    def on_path(self, child: int) -> bool:
        """Whether the edge into ``child`` is on the equilibrium path (False without one)."""
        return self.reach is not None and bool(self.reach[child] > _REACH_ATOL)

    def chosen(self, child: int) -> bool:
        """Whether the action into ``child`` is played with positive probability."""
        return self.action_prob is not None and bool(self.action_prob[child] > _REACH_ATOL)


_REACH_ATOL = 1e-12


def _point_index(game, point):
    shape = game.batch_shape
    if not shape:
        if point not in (None, 0, ()):
            raise GameValueError(f"the game is a single game; drop point={point!r}")
        return (), ""
    if point is None:
        point = 0
    if isinstance(point, int | np.integer):
        size = int(np.prod(shape))
        if not -size <= int(point) < size:
            raise GameValueError(
                f"point={point} is outside the batch of {size} games (shape {shape})"
            )
        index = tuple(int(i) for i in np.unravel_index(int(point) % size, shape))
    else:
        index = tuple(int(i) for i in point)
        if len(index) != len(shape) or any(
            not -s <= i < s for i, s in zip(index, shape, strict=True)
        ):
            raise GameValueError(f"point={point!r} is not an index of the batch shape {shape}")
        index = tuple(i % s for i, s in zip(index, shape, strict=True))
    return index, f"point {index} of a batch of shape {shape}"


def _batch_entry(array: np.ndarray, index: tuple, trailing: int) -> np.ndarray:
    """``array[index]`` where ``array`` has the batch's shape (or a broadcastable one) before
    ``trailing`` structural axes."""
    array = np.asarray(array)
    lead = array.ndim - trailing
    if lead <= 0:
        return array
    sub = index[len(index) - lead :] if lead <= len(index) else (0,) * lead
    sub = tuple(0 if array.shape[k] == 1 else i for k, i in enumerate(sub))
    return array[sub]


def _equilibrium_probs(game, equilibrium, index) -> np.ndarray:
    """Probability of the action into each node (chance probabilities at chance nodes)."""
    if hasattr(equilibrium, "choice"):  # a pure profile per node (backward induction)
        choice = _batch_entry(equilibrium.choice, index, 1)
        if choice.shape != (game.n_nodes,):
            raise GameValueError(
                f"the equilibrium's choices have shape {choice.shape} per point; the tree has "
                f"{game.n_nodes} nodes"
            )
        per_node = lambda v, a: float(choice[v] == a)  # noqa: E731
    else:
        behaviour = np.asarray(
            getattr(equilibrium, "behaviour", getattr(equilibrium, "behavior", equilibrium)),
            dtype=float,
        )
        width = int(game.num_children.max()) if game.n_nodes > 1 else 0
        if behaviour.ndim < 2 or behaviour.shape[-2] != game.n_infosets:
            raise GameValueError(
                f"a behaviour profile has shape (*batch, n_infosets={game.n_infosets}, "
                f"max_actions); got {behaviour.shape}"
            )
        behaviour = _batch_entry(behaviour, index, 2)
        if behaviour.shape[-1] < width:
            raise GameValueError(
                f"the behaviour profile has {behaviour.shape[-1]} actions per information set; "
                f"the tree's largest has {width}"
            )
        per_node = lambda v, a: float(behaviour[game.infoset[v], a])  # noqa: E731
    probs = np.ones(game.n_nodes)
    for v in range(1, game.n_nodes):
        p, a = int(game.parent[v]), int(game.action_index[v])
        if game.mover[p] == CHANCE:
            probs[v] = float(_chance_value(game, p, a, index))
        else:
            probs[v] = per_node(p, a)
    return probs


def _chance_value(game, node, a, index):
    c = int(game.chance_index[node])
    if game.is_bound:
        return _batch_entry(game.chance_probs, index, 2)[c, a]
    return game.chance_exprs[c, a]


def tree_picture(game, *, equilibrium=None, point=None) -> TreePicture:
    r"""Collect what a drawing of ``game`` shows (see :class:`TreePicture`).

    Parameters
    ----------
    game : ExtensiveFormGame
        Bound (numbers) or unbound (payoffs and chance probabilities as expressions).
    equilibrium : optional
        A result with a ``choice`` array of shape ``(*batch, n_nodes)`` (as
        :func:`~irgames.solvers.backward_induction.backward_induction` returns), or a
        behaviour profile: an array (or a result with a ``behaviour`` attribute) of shape
        ``(*batch, n_infosets, max_actions)``, the probability of every action at every
        information set. Needs a bound game (its chance probabilities are numbers).
    point : int or tuple of int, optional
        Which game of a batch to draw (a flat index or a multi-index; default the first).

    Examples
    --------
    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A", "B"])
    >>> game = T.build(T.decision("A", {
    ...     "out": T.terminal(1, 1),
    ...     "in": T.decision("B", {"fight": T.terminal(0, 0), "yield": T.terminal(2, 1)}),
    ... }))
    >>> pic = tree_picture(game, equilibrium=np.array([[0.0, 1.0], [0.0, 1.0]]))
    >>> [pic.on_path(v) for v in range(1, game.n_nodes)]
    [False, True, False, True]
    """
    if equilibrium is not None and not game.is_bound:
        raise GameValueError(
            "highlighting an equilibrium needs a bound game: bind the parameters first "
            "(game.bind(...))"
        )
    if game.is_bound:
        index, note = _point_index(game, point)
    else:
        if point not in (None, 0, ()):
            raise GameValueError("an unbound game has no batch: bind it to choose a point")
        index, note = (), ""
    n = game.n_nodes
    x, y = tidy_layout(game.parent)
    kinds, owners = [], []
    for v in range(n):
        m = int(game.mover[v])
        if m == TERMINAL:
            kinds.append("terminal"), owners.append("")
        elif m == CHANCE:
            kinds.append("chance"), owners.append("Nature")
        else:
            kinds.append("decision"), owners.append(game.players[m])
    edges = []
    for v in range(1, n):
        p, a = int(game.parent[v]), int(game.action_index[v])
        prob = _chance_value(game, p, a, index) if game.mover[p] == CHANCE else None
        edges.append((p, v, str(game.action_labels[p][a]), prob))
    links = []
    for h in range(game.n_infosets):
        members = np.flatnonzero(game.infoset == h)
        if members.size > 1:
            members = members[np.argsort(x[members], kind="stable")]
            links.extend(zip(members[:-1].tolist(), members[1:].tolist(), strict=True))
    if game.is_bound:
        table = _batch_entry(game.payoffs, index, 2)
        payoffs = tuple(tuple(float(u) for u in row) for row in table)
    else:
        payoffs = tuple(tuple(row) for row in game.payoff_exprs)
    action_prob = reach = None
    if equilibrium is not None:
        action_prob = _equilibrium_probs(game, equilibrium, index)
        reach = np.ones(n)
        for v in range(1, n):
            reach[v] = reach[game.parent[v]] * action_prob[v]
    return TreePicture(
        x=x,
        y=y,
        kind=tuple(kinds),
        owner=tuple(owners),
        edges=tuple(edges),
        action_prob=action_prob,
        reach=reach,
        infoset_links=tuple(links),
        payoffs=payoffs,
        terminals=np.asarray(game.terminals),
        players=tuple(game.players),
        note=note,
    )
