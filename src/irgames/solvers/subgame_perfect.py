r"""Subgame-perfect equilibria of trees with imperfect information, in batches.

A node :math:`r` starts a *subgame* when its information set is the single node :math:`r` (or
:math:`r` is a chance node) and every information set that meets the subtree of :math:`r` lies
inside it. A behaviour profile is subgame perfect when it induces a Nash equilibrium in every
subgame (Selten 1965). The solver rolls back over the subgames, deepest first:

1. for a subgame root :math:`r`, the *maximal proper subgames* :math:`s_1, \dots, s_m` strictly
   below it have been solved; every combination of their equilibria (one per :math:`s_j`)
   replaces each :math:`s_j` by a terminal node worth its equilibrium value;
2. the truncated game at :math:`r` is solved for all its (extreme) Nash equilibria with the
   normal-form core: its reduced normal form, restricted to the players who have a choice, goes
   to :func:`~irgames.solvers.vertex_enumeration.vertex_enumeration` (two players), to
   :func:`~irgames.solvers.n_player.polynomial_support_enumeration` (three or more), or is
   maximised directly (one player: every optimal plan);
3. mixed plans become behaviour strategies (Kuhn's theorem) at the information sets of the
   truncated game, joined to the chosen equilibria of the :math:`s_j`.

The product over the subgames' choices is formed per batch point, so every point gets all its
SPE (extreme points of each subgame's equilibrium set; a continuum of equilibria in a subgame is
represented by its extreme points). Work is batched over (point, combination) rows; loops run
over the subgames only.

Examples
--------
A proper subgame (a simultaneous-move coordination game) after an outside option:

>>> from irgames.games.extensive_form import TreeBuilder
>>> T = TreeBuilder(["A", "B"])
>>> def cell(a, b):
...     return T.terminal(a, b)
>>> root = T.decision("A", {
...     "out": T.terminal(2, 2),
...     "in": T.decision("A", {
...         "x": T.decision("B", {"x": cell(3, 1), "y": cell(0, 0)}, infoset="b"),
...         "y": T.decision("B", {"x": cell(0, 0), "y": cell(1, 3)}, infoset="b"),
...     }),
... })
>>> result = subgame_perfect(T.build(root))
>>> int(result.count)
3
>>> sorted(round(float(u), 6) for u in result.payoffs[:, 0])
[2.0, 2.0, 3.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .._memory import require
from ..errors import SolverError
from ..games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame
from ..games.normal_form import NormalFormGame
from ..games.reduced_form import reduced_normal_form
from ..games.regret import expected_payoffs
from .result import Result, accepts_tolerance, tolerance_property

__all__ = ["MAX_N_PLAYER_PROFILES", "SubgamePerfectSet", "subgame_perfect", "subgame_roots"]

#: Default ``max_profiles`` of :func:`subgame_perfect` (see there).
MAX_N_PLAYER_PROFILES = 50_000


@dataclass(frozen=True, eq=False)
class SubgamePerfectSet(Result):
    """All subgame-perfect equilibria found at every point of a batch (ragged rows).

    Attributes
    ----------
    game : ExtensiveFormGame
        The solved game.
    game_index : ndarray of int, shape (k,)
        Flat batch index of each equilibrium.
    behavior : ndarray, shape (k, n_infosets, max_actions)
        ``behavior[r, h, a]``: probability of action ``a`` at information set ``h``.
    payoffs : ndarray, shape (k, n_players)
        Expected payoffs of each equilibrium.
    count : ndarray of int, shape batch_shape
        Number of equilibria found per point (the product over subgames of their counts).
    subgame_roots : ndarray of int
        Roots of the subgames (the game's root first).
    complete : bool
        True when every subgame was solved by a method that finds all extreme equilibria.
    degenerate : ndarray of bool, shape batch_shape
        Points where some subgame was degenerate (ties, possible continua of equilibria).
    tol : float
        Relative tolerance used throughout.
    method : str
    options : dict
        The normal-form methods used.
    regret : ndarray, shape (k, n_players)
        Each player's gain from her best deviation from the row's behaviour profile in the
        whole tree, computed from the tree by
        :func:`~irgames.solvers.sequence_form.tree_regret` (independent of the solver; 0 up to
        rounding, since an SPE is a Nash equilibrium of the tree). ``nan`` for trees without
        perfect recall, on which that computation does not apply. Computed on first access.
    """

    game: ExtensiveFormGame
    game_index: np.ndarray
    behavior: np.ndarray
    payoffs: np.ndarray
    count: np.ndarray
    subgame_roots: np.ndarray
    complete: bool
    degenerate: np.ndarray
    tol: float
    method: str = "subgame_perfect"
    options: dict[str, Any] = field(default_factory=dict)

    layout = "per_equilibrium"
    tolerance = tolerance_property()

    def __len__(self) -> int:
        return int(self.game_index.size)

    @cached_property
    def regret(self) -> np.ndarray:
        from .sequence_form import tree_regret

        if self.game.recall_violation() is not None or not len(self):
            return np.full((len(self), self.game.n_players), np.nan if len(self) else 0.0)
        return tree_regret(self.game, self.behavior, self.game_index)[1]

    def for_game(self, index) -> np.ndarray:
        """Row numbers of the equilibria of one game (flat or multi-index)."""
        if isinstance(index, tuple):
            index = int(np.ravel_multi_index(index, self.count.shape)) if index else 0
        return np.flatnonzero(self.game_index == int(index))

    def action_probabilities(self, row: int) -> dict[str, dict[str, float]]:
        """``{information set label or number: {action: probability}}`` for one row."""
        g = self.game
        out = {}
        for h in range(g.n_infosets):
            v = int(g.infoset_nodes_first[h])
            name = g.infoset_labels[h] or f"{g.players[g.infoset_player[h]]}:{h}"
            out[name] = {
                a: float(self.behavior[row, h, j]) for j, a in enumerate(g.action_labels[v])
            }
        return out


def subgame_roots(game: ExtensiveFormGame) -> np.ndarray:
    """Nodes that start a subgame (non-terminal), in index order (the root first)."""
    n = game.n_nodes
    order = game.preorder()
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    for v in range(n - 1, 0, -1):
        size[game.parent[v]] += size[v]
    lo = np.full(max(game.n_infosets, 1), n, dtype=np.int64)
    hi = np.full(max(game.n_infosets, 1), -1, dtype=np.int64)
    dec = np.flatnonzero(game.mover >= 0)
    np.minimum.at(lo, game.infoset[dec], position[dec])
    np.maximum.at(hi, game.infoset[dec], position[dec])
    # per subtree: the smallest and largest position of the information sets it meets
    sub_lo = np.where(game.mover >= 0, lo[np.maximum(game.infoset, 0)], position)
    sub_hi = np.where(game.mover >= 0, hi[np.maximum(game.infoset, 0)], position)
    for v in range(n - 1, 0, -1):
        u = game.parent[v]
        sub_lo[u] = min(sub_lo[u], sub_lo[v])
        sub_hi[u] = max(sub_hi[u], sub_hi[v])
    inside = (sub_lo >= position) & (sub_hi < position + size)
    sizes = np.append(game.infoset_size, 1)  # padded: a game may have no information set
    single = np.where(game.mover >= 0, sizes[np.maximum(game.infoset, 0)] == 1, True)
    roots = inside & single & (game.mover != TERMINAL)
    roots[0] = True
    return np.flatnonzero(roots)


def _truncation(game: ExtensiveFormGame, r: int, is_root: np.ndarray):
    """Nodes of the truncated game at ``r`` (index order) and the frontier subgame roots."""
    nodes = [r]
    frontier = []
    keep = {r: 0}
    for v in range(r + 1, game.n_nodes):
        u = int(game.parent[v])
        if u in keep and not (is_root[u] and u != r):
            keep[v] = len(nodes)
            nodes.append(v)
            if is_root[v]:
                frontier.append(v)
    return np.array(nodes, dtype=np.int64), frontier


def _solve_normal_form(
    nf: NormalFormGame, tol: float, max_profiles: int, name: str, own_slack=None
):
    """All (extreme) equilibria of a batch of normal-form games.

    ``own_slack`` (shape ``(batch, n_players)``), when given, is each player's absolute
    tolerance in her own payoff unit; the one-player branch (every optimal plan) judges ties
    with it. Without it, ``tol`` is relative to that player's range in ``nf``.

    Games in which three or more players choose and that have more than ``max_profiles``
    pure profiles are refused (``name`` says which subgame in the message).

    Returns (row index, strategies list, complete, degenerate per game, method).
    """
    active = [i for i, a in enumerate(nf.num_actions) if a > 1]
    batch = nf.batch_size
    flat = nf.flatten()
    if len(active) == 0:
        idx = np.arange(batch)
        return (
            idx,
            [np.ones((batch, 1)) for _ in nf.num_actions],
            True,
            np.zeros(batch, bool),
            "trivial",
        )
    if len(active) == 1:
        i = active[0]
        # the others have one strategy each: player i's payoff per plan
        table = flat.payoffs[
            (slice(None), i) + (0,) * i + (slice(None),) + (0,) * (nf.n_players - i - 1)
        ]
        # ties in the mover's own unit (never another player's range)
        slack = tol * flat.payoff_units[:, i] if own_slack is None else own_slack[:, i]
        best = table.max(axis=-1, keepdims=True)
        optimal = table >= best - slack[:, None]
        rows, plan = np.nonzero(optimal)
        strategies = [np.ones((rows.size, 1)) for _ in nf.num_actions]
        strategies[i] = np.eye(nf.num_actions[i])[plan]
        return rows, strategies, True, optimal.sum(axis=-1) > 1, "optimal plans"
    profiles = math.prod(nf.num_actions[i] for i in active)
    if len(active) >= 3 and profiles > max_profiles:
        raise SolverError(
            f"{name} has a reduced strategic form of "
            f"{'x'.join(map(str, nf.num_actions))} ({profiles:,} profiles among "
            f"{len(active)} players who choose), more than max_profiles={max_profiles:,}: "
            "the N-player solvers would take many minutes or more (about 40 s at 32,768 "
            "profiles on 2 cores, growing faster than the profiles); raise max_profiles "
            "to try, or use irgames.solvers.qre.agent_logit_qre for a logit equilibrium "
            "of the tree"
        )
    # squeeze the players without a choice out of the game
    # (two steps: the list of players and the integer indices together would be advanced
    # indices apart from each other, which numpy moves to the front of the result)
    index = tuple(slice(None) if a > 1 else 0 for a in nf.num_actions)
    payoffs = flat.payoffs[:, active][(slice(None), slice(None), *index)]
    sub = NormalFormGame(payoffs, n_players=len(active))
    if len(active) == 2:
        from .vertex_enumeration import vertex_enumeration

        eq = vertex_enumeration(sub, tol=tol)
        method = "vertex_enumeration"
    else:
        try:
            from .front import solve as front_solve  # type: ignore[import-not-found]

            eq = front_solve(sub, tol=tol)
            method = f"front.solve:{eq.method}"
        except ImportError:
            from .n_player import polynomial_support_enumeration

            eq = polynomial_support_enumeration(sub, tol=tol)
            method = "polynomial_support_enumeration"
    rows = np.asarray(eq.game_index)
    strategies = [np.ones((rows.size, 1)) for _ in nf.num_actions]
    for j, i in enumerate(active):
        strategies[i] = np.asarray(eq.strategies[j])
    degenerate = np.asarray(eq.degenerate).reshape(-1)
    return rows, strategies, bool(eq.complete), degenerate, method


@accepts_tolerance
def subgame_perfect(
    game: ExtensiveFormGame,
    *,
    tol: float = 1e-9,
    max_rows: int = 1_000_000,
    max_profiles: int = MAX_N_PLAYER_PROFILES,
):
    """All subgame-perfect equilibria (extreme points per subgame) at every batch point.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound game with perfect recall (any information structure).
    tol : float
        Relative tolerance. Where one player alone chooses in a subgame, her optimal plans
        are those within ``tol`` times her own payoff unit (``game.payoff_units``, the range
        of her terminal payoffs) of her best; the subgames where several choose go to the
        normal-form solvers with ``tol`` relative to the game's payoff range at each point.
    max_rows : int
        Limit on the number of (point, combination) rows held at once.
    max_profiles : int
        Largest reduced strategic form (pure profiles) of a subgame in which three or more
        players choose; such subgames go to the N-player solvers (logit homotopy: about 40 s
        for 32,768 profiles on two cores, growing faster than the profiles). A larger
        subgame is refused at once, with its size, instead of a silent run of many minutes;
        raise the limit to try anyway.

    Returns
    -------
    SubgamePerfectSet
    """
    if not isinstance(game, ExtensiveFormGame):
        raise SolverError(f"subgame_perfect needs an ExtensiveFormGame, got {type(game)}")
    game.require_bound()
    problem = game.recall_violation()
    if problem is not None:
        raise SolverError(f"subgame perfection needs perfect recall here: {problem}")
    if not (tol >= 0 and np.isfinite(tol)):
        raise SolverError(f"tol must be a non-negative number, got {tol}")
    flat = game.flatten()
    B = flat.batch_size
    n_p = game.n_players
    width = int(game.num_children[game.infoset_nodes_first].max()) if game.n_infosets else 1
    roots = subgame_roots(game)
    is_root = np.zeros(game.n_nodes, dtype=bool)
    is_root[roots] = True
    scale = flat.payoff_scale
    units = flat.payoff_units  # (B, n_p): player i's ties are judged in her own unit
    methods: set[str] = set()
    complete = True
    degenerate = np.zeros(B, dtype=bool)
    # solved[s] = (point (k,), value (k, n_p), behaviour (k, H, width)), rows sorted by point
    solved: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for r in roots[::-1]:
        r = int(r)
        nodes, frontier = _truncation(game, r, is_root)
        # rows: every combination of the frontier subgames' equilibria, per point
        point = np.arange(B)
        picks: list[np.ndarray] = []
        for s in frontier:
            s_point = solved[s][0]
            counts = np.bincount(s_point, minlength=B)
            starts = np.cumsum(counts) - counts
            mult = counts[point]
            total = int(mult.sum())
            if total > max_rows:
                raise SolverError(
                    f"combining the equilibria of the subgames needs {total} rows, more than "
                    f"max_rows={max_rows}"
                )
            # per row: behaviour (twice, while rows are copied) and the truncated payoffs
            require(
                float(total) * 8 * (2 * game.n_infosets * width + game.n_nodes * n_p),
                f"combining the equilibria of the subgames ({total} rows)",
                advice="solve fewer batch points at a time",
            )
            rep = np.repeat(np.arange(point.size), mult)
            local = np.arange(total) - np.repeat(np.cumsum(mult) - mult, mult)
            picks = [p[rep] for p in picks]
            picks.append(starts[point[rep]] + local)
            point = point[rep]
        k = point.size
        sub_tree = _subtree_game(game, nodes, frontier)
        # payoffs of the truncated game's terminals for every row
        term_nodes = nodes[sub_tree.mover == TERMINAL]
        pay = np.empty((k, term_nodes.size, n_p))
        for t, v in enumerate(term_nodes):
            v = int(v)
            if v in frontier:
                j = frontier.index(v)
                pay[:, t] = solved[v][1][picks[j]]
            else:
                pay[:, t] = flat.payoffs[point, game.terminal_index[v]]
        chance_nodes = nodes[sub_tree.mover == CHANCE]
        probs = None
        if chance_nodes.size:
            cw = int(sub_tree.num_children[sub_tree.chance_nodes].max())
            probs = flat.chance_probs[point][:, game.chance_index[chance_nodes], :cw]
        behaviour = np.zeros((k, game.n_infosets, width))
        for j, s in enumerate(frontier):
            behaviour += solved[s][2][picks[j]]
        if k == 0:
            solved[r] = (point, np.zeros((0, n_p)), behaviour)
            continue
        sub_game = sub_tree.with_payoffs(pay, probs)
        reduced = reduced_normal_form(sub_game)
        nf = reduced.game
        # tolerance relative to the whole game's scale at each point
        rel = tol * scale[point] / nf.payoff_scale
        rows, strategies, ok, degen, method = _solve_normal_form(
            nf,
            float(np.min(rel)),
            max_profiles,
            f"the subgame at node {r}",
            own_slack=tol * units[point],
        )
        methods.add(method)
        complete = complete and ok
        np.logical_or.at(degenerate, point, degen)
        values = expected_payoffs(NormalFormGame(nf.payoffs[rows], n_players=n_p), strategies)
        beta = reduced.behavior(strategies)  # (k', H_sub, w)
        new_behaviour = behaviour[rows]
        sub_infosets = _global_infosets(game, sub_tree, nodes)
        for h_sub, h in enumerate(sub_infosets):
            w = beta.shape[-1]
            new_behaviour[:, h, :w] = beta[:, h_sub, :]
        order = np.argsort(point[rows], kind="stable")
        solved[r] = (point[rows][order], values[order], new_behaviour[order])
    point, values, behaviour = solved[0]
    count = np.bincount(point, minlength=B).reshape(game.batch_shape)
    return SubgamePerfectSet(
        game=game,
        game_index=point,
        behavior=behaviour,
        payoffs=values,
        count=count,
        subgame_roots=roots,
        complete=complete,
        degenerate=degenerate.reshape(game.batch_shape),
        tol=float(tol),
        options={"normal_form_methods": sorted(methods)},
    )


def _subtree_game(game: ExtensiveFormGame, nodes: np.ndarray, frontier: list[int]):
    """The truncated tree on ``nodes`` (frontier nodes become terminals), structure only."""
    position = {int(v): j for j, v in enumerate(nodes)}
    front = set(frontier)
    parent = [-1] + [position[int(game.parent[v])] for v in nodes[1:]]
    mover = [TERMINAL if int(v) in front else int(game.mover[v]) for v in nodes]
    infoset = [-1 if int(v) in front else int(game.infoset[v]) for v in nodes]
    labels = [() if int(v) in front else game.action_labels[v] for v in nodes]
    n_t = sum(1 for m in mover if m == TERMINAL)
    chance = [j for j, m in enumerate(mover) if m == CHANCE]
    probs = None
    if chance:
        cw = max(len(labels[j]) for j in chance)
        probs = np.zeros((len(chance), cw))
        for c, j in enumerate(chance):
            probs[c, : len(labels[j])] = 1.0 / len(labels[j])
    return ExtensiveFormGame(
        game.players,
        parent,
        mover,
        infoset=infoset,
        action_labels=labels,
        payoffs=np.zeros((n_t, game.n_players)),
        chance_probs=probs,
        check_recall=False,
    )


def _global_infosets(game, sub_tree, nodes) -> list[int]:
    """Information set of the full game for each information set of the truncated game."""
    out = [-1] * sub_tree.n_infosets
    for j, v in enumerate(nodes):
        h = int(sub_tree.infoset[j])
        if h >= 0:
            out[h] = int(game.infoset[v])
    return out
