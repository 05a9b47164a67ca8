r"""Finitely repeated games with observed actions, as game trees.

A stage game :math:`G = (N, (A_i), (u_i))` is played in periods :math:`t = 1, \dots, T`. At the
start of each period every player has seen the whole history :math:`h^{t} = (a^1, \dots,
a^{t-1})` of past action profiles; within a period the players move simultaneously. Player
:math:`i`'s total payoff from a terminal history :math:`(a^1, \dots, a^T)` is the discounted sum

.. math::

    U_i(a^1, \dots, a^T) = \sum_{t=1}^{T} \delta^{t-1} u_i(a^t), \qquad 0 < \delta \le 1 .

As a tree: after each history :math:`h^t`, player 1 moves at a node of her own, player 2 at
the :math:`|A_1|` nodes that follow it, all in one information set (he does not see player
1's current move), and so on for every player; the period's profile is observed once all have
moved. Every history :math:`h^t` therefore starts a proper subgame, and a subgame-perfect
equilibrium is found by rolling back over them (:func:`irgames.subgame_perfect`), which
solves the stage game at each of the :math:`(\prod_i |A_i|)^{T-1}` last-period histories, then
the period before with those continuation values, and so on.

A pure strategy assigns an action to each of a player's information sets: with :math:`k =
\prod_j |A_j|` profiles per period, player :math:`i` has :math:`\sum_{t<T} k^{t}` information
sets and :math:`|A_i|^{\sum_{t<T} k^t}` pure strategies (32 in the prisoner's dilemma played
twice, the strategy count of nashpy's repeated-game expansion). Strategies that differ only
after histories that the player's own earlier moves rule out are equivalent; the reduced normal
form (:func:`irgames.reduced_normal_form`) keeps one of each class (8 in the twice-played
prisoner's dilemma: the first move, and a second move for each of the opponent's first moves).

The tree has :math:`\sum_{t \le T} k^t \cdot(\ldots)` nodes, exponential in :math:`T`; the
node count is checked against the memory limit before the tree is built.

Examples
--------
>>> import irgames as ig
>>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> tree = ig.repeat(pd, 2, action_labels=[["C", "D"], ["C", "D"]])
>>> tree.terminals.size, tree.n_infosets
(16, 10)
>>> spe = ig.subgame_perfect(tree)
>>> int(spe.count), spe.payoffs.tolist()
(1, [[2.0, 2.0]])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from .._memory import require
from .extensive_form import ExtensiveFormGame, TreeBuilder
from .normal_form import GameValueError, NormalFormGame

__all__ = ["repeat"]


def _discount(discount, batch: tuple[int, ...]) -> np.ndarray:
    delta = np.asarray(discount, dtype=float)
    if not np.all(np.isfinite(delta)) or np.any(delta <= 0) or np.any(delta > 1):
        raise GameValueError(f"discount must lie in (0, 1], got {discount!r}")
    try:
        np.broadcast_shapes(delta.shape, batch)
    except ValueError:
        raise GameValueError(
            f"discount of shape {delta.shape} does not broadcast with the stage game's batch "
            f"shape {batch}"
        ) from None
    return delta


def repeat(
    stage_game: NormalFormGame,
    periods: int,
    discount=1.0,
    *,
    players: Sequence[str] | None = None,
    action_labels: Sequence[Sequence[str]] | None = None,
    max_nodes: int = 1_000_000,
) -> ExtensiveFormGame:
    r"""The stage game played ``periods`` times with observed actions, as a game tree.

    Parameters
    ----------
    stage_game : NormalFormGame
        The stage game (any number of players, any batch shape: a batch of stage games
        gives a batch of trees sharing one structure).
    periods : int
        Number of periods :math:`T \ge 1`.
    discount : float or array_like
        :math:`\delta \in (0, 1]`; an array broadcasts with the stage game's batch shape.
        Period :math:`t` (from 1) is weighted :math:`\delta^{t-1}`.
    players : sequence of str, optional
        Player names (default ``"1"``, ``"2"``, ...).
    action_labels : sequence of sequence of str, optional
        Each player's labels for her stage actions (default ``"0"``, ``"1"``, ...).
    max_nodes : int
        Refuse trees with more nodes than this (they grow exponentially in ``periods``).

    Returns
    -------
    ExtensiveFormGame
        Bound, with batch shape the broadcast of the stage game's and the discount's.

    Raises
    ------
    GameValueError
        If ``periods`` is not a positive integer, the discount is outside :math:`(0, 1]`,
        the labels do not fit, or the tree would have more than ``max_nodes`` nodes.
    """
    if not isinstance(stage_game, NormalFormGame):
        raise GameValueError(f"repeat needs a NormalFormGame stage game, got {stage_game!r}")
    if isinstance(periods, bool) or int(periods) != periods or periods < 1:
        raise GameValueError(f"periods must be a positive integer, got {periods!r}")
    periods = int(periods)
    n = stage_game.n_players
    sizes = stage_game.num_actions
    delta = _discount(discount, stage_game.batch_shape)
    batch = np.broadcast_shapes(delta.shape, stage_game.batch_shape)
    names = [str(i + 1) for i in range(n)] if players is None else [str(p) for p in players]
    if len(names) != n:
        raise GameValueError(f"players needs {n} names, got {len(names)}")
    if action_labels is None:
        labels = [[str(a) for a in range(k)] for k in sizes]
    else:
        labels = [[str(a) for a in row] for row in action_labels]
        if len(labels) != n or any(len(r) != k for r, k in zip(labels, sizes, strict=False)):
            raise GameValueError(
                f"action_labels needs one list per player with {list(sizes)} labels"
            )
    k = int(np.prod(sizes))
    # decision nodes per history: 1 + a_1 + a_1 a_2 + ... ; terminals k^T
    per_history = sum(int(np.prod(sizes[:i])) for i in range(n))
    nodes = sum(k**t for t in range(periods)) * per_history + k**periods
    if nodes > max_nodes:
        raise GameValueError(
            f"the {periods}-period tree has {nodes} nodes (more than max_nodes={max_nodes}); "
            "use fewer periods, or raise max_nodes"
        )
    batch_size = int(np.prod(batch, dtype=np.int64))
    require(
        8.0 * k**periods * n * max(batch_size, 1),
        f"the payoffs of the {periods}-period repeated game",
        advice="use fewer periods or a smaller batch",
    )

    # stage payoffs of every pure profile, (*batch, k, n), profiles in C order
    stage = np.moveaxis(stage_game.payoffs.reshape((*stage_game.batch_shape, n, k)), -2, -1)
    stage = np.broadcast_to(stage, (*batch, k, n))
    weights = np.asarray(delta)[..., None, None]
    profiles = list(itertools.product(*[range(s) for s in sizes]))
    T = TreeBuilder(names)

    def history_label(history: tuple[int, ...]) -> str:
        if not history:
            return "start"
        return " ".join(
            "(" + ",".join(labels[i][profiles[p][i]] for i in range(n)) + ")" for p in history
        )

    def period(history: tuple[int, ...], value: np.ndarray):
        """The subtree after ``history`` (profile indices), ``value`` its payoffs so far."""
        t = len(history)
        if t == periods:
            return T.terminal(*[value[..., i] for i in range(n)])
        factor = weights**t

        def mover(i: int, chosen: tuple[int, ...]):
            if i == n:
                p = int(np.ravel_multi_index(chosen, sizes))
                return period((*history, p), value + factor[..., 0, :] * stage[..., p, :])
            key = f"{names[i]} in period {t + 1} after {history_label(history)}"
            children = {labels[i][a]: mover(i + 1, (*chosen, a)) for a in range(sizes[i])}
            return T.decision(i, children, infoset=key)

        return mover(0, ())

    zero = np.zeros((*batch, n))
    root = period((), zero)
    return T.build(root, title=f"repeated {periods} times")
