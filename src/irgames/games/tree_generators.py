r"""Generators of game trees: complete trees for benchmarks, random trees for tests.

A *complete* :math:`b`-ary tree of depth :math:`d` has :math:`(b^{d+1} - 1)/(b - 1)` nodes;
players move in turn by level (player :math:`\ell \bmod n` at depth :math:`\ell`). A *random*
tree is grown breadth first: each node above the maximal depth becomes a terminal with
probability ``p_terminal``, otherwise a chance node (probability ``p_chance``) or a decision
node of a uniformly drawn player, with between 2 and ``max_branching`` actions.

Examples
--------
>>> game = complete_tree(depth=3, branching=2, n_players=2, batch_shape=(5,), seed=0)
>>> game.n_nodes, game.terminals.size, game.batch_shape
(15, 8, (5,))
>>> random_tree(seed=1, max_depth=4, batch_shape=(3,)).is_perfect_information
True
"""

from __future__ import annotations

import numpy as np

from .extensive_form import CHANCE, TERMINAL, ExtensiveFormGame
from .normal_form import GameValueError

__all__ = ["complete_tree", "random_tree"]


def complete_tree(
    depth: int,
    branching: int = 2,
    n_players: int = 2,
    *,
    batch_shape: tuple[int, ...] = (),
    payoffs=None,
    seed=None,
    check_recall: bool = False,
) -> ExtensiveFormGame:
    """A complete ``branching``-ary perfect-information tree of the given depth.

    Payoffs are standard normal draws of shape ``(*batch_shape, n_terminals, n_players)``
    unless ``payoffs`` is given.
    """
    if depth < 0 or branching < 1 or n_players < 1:
        raise GameValueError("depth >= 0, branching >= 1 and n_players >= 1 are required")
    sizes = branching ** np.arange(depth + 1, dtype=np.int64)
    n = int(sizes.sum())
    parent = np.full(n, -1, dtype=np.int64)
    parent[1:] = (np.arange(1, n) - 1) // branching
    level = np.repeat(np.arange(depth + 1), sizes)
    mover = np.where(level == depth, TERMINAL, level % n_players)
    n_t = int(sizes[-1])
    if payoffs is None:
        rng = np.random.default_rng(seed)
        payoffs = rng.standard_normal((*tuple(batch_shape), n_t, n_players))
    labels = [tuple(str(a) for a in range(branching))] * (n - n_t) + [()] * n_t
    return ExtensiveFormGame(
        [f"P{i}" for i in range(n_players)],
        parent,
        mover,
        action_labels=labels,
        payoffs=payoffs,
        title=f"complete {branching}-ary tree of depth {depth}",
        check_recall=check_recall,
    )


def random_tree(
    seed=None,
    *,
    max_depth: int = 4,
    max_branching: int = 3,
    n_players: int = 2,
    batch_shape: tuple[int, ...] = (),
    p_terminal: float = 0.3,
    p_chance: float = 0.0,
    integer_payoffs: bool = False,
    dyadic_chance: bool = True,
    p_merge: float = 0.0,
) -> ExtensiveFormGame:
    """A random tree (with chance nodes if ``p_chance > 0``).

    With ``p_merge > 0`` a decision node joins, with that probability, an existing information
    set of the same player with the same number of actions and the same own history (so the
    game keeps perfect recall); otherwise every information set is a single node.

    ``integer_payoffs`` draws payoffs from ``{-2, ..., 2}`` so that ties are frequent;
    ``dyadic_chance`` draws chance probabilities that are multiples of 1/4 (exact in binary
    floating point, so that ties stay exact ties).
    """
    rng = np.random.default_rng(seed)
    parent = [-1]
    depth = [0]
    mover: list[int] = []
    widths: list[int] = []
    v = 0
    while v < len(parent):
        d = depth[v]
        if v > 0 and (d >= max_depth or rng.random() < p_terminal):
            mover.append(TERMINAL)
            widths.append(0)
        else:
            k = int(rng.integers(2, max(2, max_branching) + 1))
            if rng.random() < p_chance:
                mover.append(CHANCE)
            else:
                mover.append(int(rng.integers(n_players)))
            widths.append(k)
            parent.extend([v] * k)
            depth.extend([d + 1] * k)
        v += 1
    mover_arr = np.array(mover)
    infoset = _random_infosets(parent, mover, widths, n_players, p_merge, rng)
    n_t = int(np.sum(mover_arr == TERMINAL))
    shape = (*tuple(batch_shape), n_t, n_players)
    if integer_payoffs:
        payoffs = rng.integers(-2, 3, size=shape).astype(float)
    else:
        payoffs = rng.standard_normal(shape)
    chance = np.flatnonzero(mover_arr == CHANCE)
    probs = None
    if chance.size:
        width = max(widths[c] for c in chance)
        probs = np.zeros((*tuple(batch_shape), chance.size, width))
        for j, c in enumerate(chance):
            k = widths[c]
            if dyadic_chance:
                # split 4 quarters among k actions (some may get zero)
                cuts = np.sort(rng.integers(0, 5, size=(*tuple(batch_shape), k - 1)), axis=-1)
                edges = np.concatenate(
                    [
                        np.zeros((*tuple(batch_shape), 1)),
                        cuts,
                        np.full((*tuple(batch_shape), 1), 4),
                    ],
                    axis=-1,
                )
                probs[..., j, :k] = np.diff(edges, axis=-1) / 4
            else:
                probs[..., j, :k] = rng.dirichlet(np.ones(k), size=tuple(batch_shape) or None)
    return ExtensiveFormGame(
        [f"P{i}" for i in range(n_players)],
        parent,
        mover_arr,
        infoset=infoset,
        payoffs=payoffs,
        chance_probs=probs,
        title="random tree",
    )


def _random_infosets(parent, mover, widths, n_players, p_merge, rng):
    """Information sets that respect perfect recall, merged at random (breadth-first order).

    A node's own history (per player: the sequence of that player's information sets and
    actions on its path) depends only on its ancestors' information sets, so one pass in
    breadth-first order can merge nodes whose owner's history agrees.
    """
    n = len(parent)
    intern: dict = {}
    history = [(0,) * n_players] * n
    infoset = [-1] * n
    groups: dict[tuple, list[int]] = {}
    count = 0
    action = [0] * n
    seen = [0] * n
    for v in range(1, n):
        u = parent[v]
        action[v] = seen[u]
        seen[u] += 1
    for v in range(n):
        if v > 0:
            u = parent[v]
            h = list(history[u])
            p = mover[u]
            if p >= 0:
                key = (h[p], infoset[u], action[v])
                h[p] = intern.setdefault(key, len(intern) + 1)
            history[v] = tuple(h)
        p = mover[v]
        if p < 0:
            continue
        key = (p, widths[v], history[v][p])
        options = groups.setdefault(key, [])
        if options and p_merge > 0 and rng.random() < p_merge:
            infoset[v] = options[int(rng.integers(len(options)))]
        else:
            infoset[v] = count
            options.append(count)
            count += 1
    return infoset
