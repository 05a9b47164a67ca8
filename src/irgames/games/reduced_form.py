r"""The reduced normal form and the agent form of a game tree, in batches.

A pure strategy of player :math:`i` in a tree picks an action at each of her information sets.
Two strategies that differ only at information sets that her own earlier choices rule out are
equivalent (they reach the same terminal nodes against every profile); a *reduced* strategy, or
*plan*, assigns actions only at the information sets it does not rule out. With perfect recall
every information set :math:`h` of player :math:`i` has a unique own *parent sequence*: the
last information set :math:`h'` of player :math:`i` on the path to :math:`h` and the action
:math:`a'` taken there. Plans are built by visiting :math:`i`'s information sets in tree order
and branching on :math:`h` only when the plan chose :math:`a'` at :math:`h'`.

The payoff of a profile of plans :math:`(s_1, \dots, s_n)` is

.. math::

    U_j(s) = \sum_{z} c(z) \, u_j(z) \prod_i R_i(s_i, z),

where :math:`c(z)` is the product of chance probabilities on the path to terminal :math:`z`
and :math:`R_i(s_i, z) \in \{0, 1\}` says whether plan :math:`s_i` takes all of :math:`i`'s
actions on that path. The computation is one ``einsum`` over the batch.

The *agent form* gives each information set its own player (an *agent*) whose payoff is the
owner's; its pure strategies are the actions of that information set, and the same formula
holds with :math:`R_h(a, z) = 1` unless the path to :math:`z` passes :math:`h` with another
action. Nash equilibria of the agent form are the profiles where no single information set can
gain by deviating (a weaker requirement than Nash equilibrium of the tree).

Examples
--------
>>> from irgames.games.extensive_form import TreeBuilder
>>> T = TreeBuilder(["E", "I"])
>>> game = T.build(T.decision("E", {
...     "out": T.terminal(0, 2),
...     "in": T.decision("I", {"fight": T.terminal(-1, -1), "share": T.terminal(1, 1)}),
... }))
>>> reduced = reduced_normal_form(game)
>>> reduced.strategy_labels
(('out', 'in'), ('fight', 'share'))
>>> reduced.game.payoffs[0].tolist()
[[0.0, 0.0], [-1.0, 1.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .extensive_form import CHANCE, ExtensiveFormGame
from .normal_form import GameValueError, NormalFormGame

__all__ = ["AgentForm", "ReducedNormalForm", "agent_form", "reduced_normal_form"]

MAX_PROFILES = 20_000_000


@dataclass(frozen=True, eq=False)
class ReducedNormalForm:
    """The reduced normal form of a batch of trees, with the map back to behaviour.

    Attributes
    ----------
    game : NormalFormGame
        Payoffs of shape ``(*batch, n_players, m_1, ..., m_n)``.
    tree : ExtensiveFormGame
        The tree it came from.
    infosets : tuple of ndarray
        ``infosets[i]``: player ``i``'s information sets, in tree order.
    plans : tuple of ndarray
        ``plans[i]`` has shape ``(m_i, len(infosets[i]))``: the action each reduced strategy
        takes at each of ``i``'s information sets, ``-1`` where the plan rules it out ("*").
    strategy_labels : tuple of tuple of str
        Labels such as ``"beer/duel"``, with ``*`` at information sets the plan rules out.
    """

    game: NormalFormGame
    tree: ExtensiveFormGame
    infosets: tuple[np.ndarray, ...]
    plans: tuple[np.ndarray, ...]
    strategy_labels: tuple[tuple[str, ...], ...]

    def strategy_of_choice(self, choice) -> tuple[np.ndarray, ...]:
        """Reduced strategy index of each player for pure behaviour profiles.

        ``choice`` has shape ``(..., n_nodes)``: an action index at every decision node (as
        :class:`~irgames.solvers.backward_induction.SubgamePerfect` reports). Nodes of one
        information set must agree. Returns one integer array of shape ``choice.shape[:-1]``
        per player.
        """
        choice = np.asarray(choice)
        tree = self.tree
        first = tree.infoset_nodes_first
        out = []
        for h_list, plans in zip(self.infosets, self.plans, strict=True):
            at = choice[..., first[h_list]] if h_list.size else choice[..., :0]
            # a plan matches where it assigns an action; rule-outs (-1) match anything
            match = (plans == -1) | (plans == at[..., None, :])
            hits = match.all(axis=-1)
            if not np.all(hits.sum(axis=-1) == 1):
                raise GameValueError("a behaviour profile matched no plan or several plans")
            out.append(np.argmax(hits, axis=-1))
        return tuple(out)

    def behavior(self, strategies) -> np.ndarray:
        r"""Behaviour strategies realisation-equivalent to mixed reduced strategies (Kuhn).

        ``strategies[i]`` has shape ``(..., m_i)``. Returns ``(..., n_infosets, max_actions)``
        with :math:`\beta(a \mid h) = \sigma(\{s : s(h) = a\}) / \sigma(\{s : s \text{ reaches }
        h\})`; where no plan of positive weight reaches :math:`h`, the plan-free uniform
        distribution is returned.
        """
        tree = self.tree
        width = int(tree.num_children[tree.infoset_nodes_first].max()) if tree.n_infosets else 0
        lead = np.broadcast_shapes(*(np.shape(s)[:-1] for s in strategies))
        out = np.zeros((*lead, tree.n_infosets, width))
        for h_list, plans, sigma in zip(self.infosets, self.plans, strategies, strict=True):
            sigma = np.asarray(sigma, dtype=float)
            for j, h in enumerate(h_list):
                k = int(tree.num_children[tree.infoset_nodes_first[h]])
                reach = (plans[:, j] >= 0).astype(float)
                total = sigma @ reach
                for a in range(k):
                    mass = sigma @ (plans[:, j] == a).astype(float)
                    out[..., h, a] = np.where(
                        total > 0, mass / np.where(total > 0, total, 1), 1 / k
                    )
        return out


@dataclass(frozen=True, eq=False)
class AgentForm:
    """The agent form: one player (agent) per information set, with its owner's payoff.

    Attributes
    ----------
    game : NormalFormGame
        Payoffs of shape ``(*batch, n_infosets, a_1, ..., a_H)``.
    owner : ndarray of int
        ``owner[h]``: the player who owns information set (agent) ``h``.
    """

    game: NormalFormGame
    tree: ExtensiveFormGame
    owner: np.ndarray


def _terminal_paths(tree: ExtensiveFormGame) -> np.ndarray:
    """``path[z, h]``: action taken at information set ``h`` on the path to terminal ``z``
    (``-1`` if the path avoids ``h``)."""
    path = np.full((tree.terminals.size, tree.n_infosets), -1, dtype=np.int64)
    for row, z in enumerate(tree.terminals):
        v = int(z)
        while tree.parent[v] >= 0:
            u = int(tree.parent[v])
            h = int(tree.infoset[u])
            if h >= 0:
                path[row, h] = int(tree.action_index[v])
            v = u
    return path


def _chance_reach(tree: ExtensiveFormGame) -> np.ndarray:
    """Product of chance probabilities on the path to each terminal, ``(*batch, n_t)``."""
    batch = tree.batch_shape
    reach = np.ones((*batch, tree.n_nodes))
    for v in range(1, tree.n_nodes):
        u = int(tree.parent[v])
        reach[..., v] = reach[..., u]
        if tree.mover[u] == CHANCE:
            reach[..., v] *= tree.chance_probs[..., tree.chance_index[u], tree.action_index[v]]
    return reach[..., tree.terminals]


def _payoff_tensor(tree: ExtensiveFormGame, consistent: list[np.ndarray], owner=None):
    """Payoffs ``(*batch, n_agents, m_1..m_k)`` from consistency matrices ``R_k (m_k, n_t)``."""
    sizes = [r.shape[0] for r in consistent]
    total = int(np.prod(sizes, dtype=np.int64)) * tree.terminals.size
    if total * max(1, tree.batch_size) > MAX_PROFILES * 10:
        raise GameValueError(
            f"the strategic form would have {int(np.prod(sizes, dtype=np.int64))} profiles "
            f"({'x'.join(map(str, sizes))}); too large to tabulate"
        )
    weight = _chance_reach(tree)[..., None] * tree.payoffs  # (*batch, n_t, n_players)
    k = len(consistent)
    operands: list = [weight, [*range(k + 2, k + 2 + len(tree.batch_shape)), 0, 1]]
    for j, r in enumerate(consistent):
        operands += [r.astype(float), [j + 2, 0]]
    batch_axes = list(range(k + 2, k + 2 + len(tree.batch_shape)))
    table = np.einsum(*operands, [*batch_axes, 1, *range(2, k + 2)], optimize=True)
    if owner is not None:
        table = np.take(table, owner, axis=len(tree.batch_shape))
    return table


def reduced_normal_form(tree: ExtensiveFormGame, *, max_strategies: int = 100_000):
    """The reduced normal form of a (bound) tree with perfect recall.

    Returns
    -------
    ReducedNormalForm

    Raises
    ------
    GameValueError
        If the tree is unbound, lacks perfect recall, or a player has more than
        ``max_strategies`` plans.
    """
    tree.require_bound()
    problem = tree.recall_violation()
    if problem is not None:
        raise GameValueError(f"the reduced normal form needs perfect recall: {problem}")
    path = _terminal_paths(tree)
    first = tree.infoset_nodes_first
    # own parent sequence of every information set
    parent_seq = np.full((tree.n_infosets, 2), -1, dtype=np.int64)
    for h in range(tree.n_infosets):
        v = int(first[h])
        owner = int(tree.infoset_player[h])
        while tree.parent[v] >= 0:
            u = int(tree.parent[v])
            if tree.mover[u] == owner:
                parent_seq[h] = (int(tree.infoset[u]), int(tree.action_index[v]))
                break
            v = u
    infosets, plans_all, labels_all, consistent = [], [], [], []
    for i in range(tree.n_players):
        mine = np.flatnonzero(tree.infoset_player == i)
        mine = mine[np.argsort(first[mine], kind="stable")]  # tree (breadth-first) order
        column = {int(h): j for j, h in enumerate(mine)}
        plans = [np.full(mine.size, -1, dtype=np.int64)]
        for j, h in enumerate(mine):
            width = int(tree.num_children[first[h]])
            ph, pa = parent_seq[h]
            grown = []
            for plan in plans:
                if ph < 0 or plan[column[int(ph)]] == pa:
                    for a in range(width):
                        new = plan.copy()
                        new[j] = a
                        grown.append(new)
                else:
                    grown.append(plan)
            if len(grown) > max_strategies:
                raise GameValueError(
                    f"player {tree.players[i]} has more than {max_strategies} reduced strategies"
                )
            plans = grown
        plan_array = np.array(plans, dtype=np.int64).reshape(len(plans), mine.size)
        labels = tuple(
            "/".join(
                "*" if a < 0 else tree.action_labels[first[h]][a]
                for h, a in zip(mine, plan, strict=True)
            )
            for plan in plan_array
        )
        taken = path[:, mine]  # (n_t, |H_i|)
        ok = (taken[None, :, :] < 0) | (plan_array[:, None, :] == taken[None, :, :])
        consistent.append(ok.all(axis=-1))
        infosets.append(mine)
        plans_all.append(plan_array)
        labels_all.append(labels)
    table = _payoff_tensor(tree, consistent)
    game = NormalFormGame(table, n_players=tree.n_players)
    return ReducedNormalForm(
        game=game,
        tree=tree,
        infosets=tuple(infosets),
        plans=tuple(plans_all),
        strategy_labels=tuple(labels_all),
    )


def agent_form(tree: ExtensiveFormGame) -> AgentForm:
    """The agent form of a (bound) tree: one agent per information set.

    Examples
    --------
    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A"])
    >>> tree = T.build(T.decision("A", {
    ...     "l": T.decision("A", {"x": T.terminal(1), "y": T.terminal(0)}),
    ...     "r": T.terminal(0.5),
    ... }))
    >>> agent_form(tree).game.num_actions
    (2, 2)
    """
    tree.require_bound()
    if tree.n_infosets == 0:
        raise GameValueError("the tree has no decision node, so no agents")
    path = _terminal_paths(tree)
    first = tree.infoset_nodes_first
    consistent = []
    for h in range(tree.n_infosets):
        width = int(tree.num_children[first[h]])
        taken = path[:, h]
        consistent.append((taken[None, :] < 0) | (np.arange(width)[:, None] == taken[None, :]))
    owner = tree.infoset_player.copy()
    table = _payoff_tensor(tree, consistent, owner=owner)
    return AgentForm(game=NormalFormGame(table, n_players=tree.n_infosets), tree=tree, owner=owner)
