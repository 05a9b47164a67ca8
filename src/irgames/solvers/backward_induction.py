r"""Backward induction: subgame-perfect equilibria of perfect-information trees, in batches.

In a finite game of perfect information every decision node :math:`v` starts a subgame. The
value of a terminal node is its payoff vector, the value of a chance node is the expectation of
its children's values, and at a decision node of player :math:`i` the mover picks an action
that maximises her own component of the child's value:

.. math::

    V(z) = u(z), \qquad
    V(c) = \sum_a p_c(a) \, V(\mathrm{child}(c, a)), \qquad
    a^*(v) \in \arg\max_a V_i(\mathrm{child}(v, a)), \quad V(v) = V(\mathrm{child}(v, a^*(v))).

The choices :math:`a^*` form a pure subgame-perfect equilibrium (Kuhn, Zermelo), and every pure
SPE arises this way for some selection from the argmax sets. When an argmax has more than one
element (the mover is indifferent within the tolerance), there are several SPE; the solver
flags those points and the nodes concerned, and with ``ties="enumerate"`` lists every pure SPE
at them. Indifference is judged in the mover's own payoff unit: at a node of player :math:`i`,
action :math:`a` is a best action when

.. math::

    V_i(\mathrm{child}(v, a)) \ge \max_b V_i(\mathrm{child}(v, b)) - \mathrm{tol} \cdot s_i,

with :math:`s_i` the range of player :math:`i`'s terminal payoffs
(:attr:`ExtensiveFormGame.payoff_units`). Scaling one player's payoffs by any factor
:math:`\lambda > 0`, or shifting them, leaves every choice and every tie unchanged.

Listing ties costs memory: a point whose tree has :math:`m` tied nodes has at least
:math:`1 + m` pure SPE, and often :math:`2^m`, each a row of :math:`O(\text{nodes})` numbers.
Before each allocation the bytes are counted (:func:`irgames._memory.require`), and work
beyond the limit is refused with a :class:`~irgames.errors.WorkTooLargeError` that says to
pass ``ties="flag"`` (one equilibrium per point, the lowest-indexed best action, with the tied
nodes and points flagged).

The computation runs once per tree level, from the deepest to the root; each step is one numpy
operation over (nodes at that level) x (batch), so a sweep over a million parameter points costs
as many numpy steps as the tree has levels.

Examples
--------
>>> import numpy as np
>>> from irgames.games.extensive_form import TreeBuilder
>>> T = TreeBuilder(["S", "T"], parameters="c_s")
>>> root = T.decision("S", {
...     "status quo": T.terminal(0, 0),
...     "demand": T.decision("T", {
...         "acquiesce": T.terminal(1, -1),
...         "stand firm": T.decision("S", {
...             "back down": T.terminal(-1, 0), "impose": T.terminal("-c_s", -3)}),
...     }),
... })
>>> game = T.build(root).bind(c_s=np.array([0.5, 2.0]))
>>> spe = backward_induction(game)
>>> spe.payoffs.tolist()
[[1.0, -1.0], [0.0, 0.0]]
>>> spe.path_labels(0), spe.path_labels(1)
(['demand', 'acquiesce'], ['status quo'])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .._memory import require
from ..errors import SolverError, WorkTooLargeError
from ..games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame
from .result import Result, accepts_tolerance, tolerance_property

__all__ = ["EnumeratedSPE", "SubgamePerfect", "backward_induction"]

DEFAULT_TOL = 1e-9
_TILE_BYTES = 256 * 2**10


@dataclass(frozen=True, eq=False)
class EnumeratedSPE(Result):
    """Every pure subgame-perfect equilibrium at the points that have ties (ragged rows).

    Attributes
    ----------
    game_index : ndarray of int, shape (k,)
        Flat batch index of each row's game.
    choice : ndarray of int, shape (k, n_nodes)
        Action index chosen at every decision node (-1 at other nodes).
    values : ndarray, shape (k, n_nodes, n_players)
        Continuation value of every node under the row's strategies.
    reach : ndarray, shape (k, n_nodes)
        Probability that each node is reached on the row's path of play.
    payoffs : ndarray, shape (k, n_players)
        Equilibrium payoffs of each row.
    count : ndarray of int, shape batch_shape
        Number of pure SPE at every point (1 at points without ties).
    game : ExtensiveFormGame or None
        The solved (bound) game.
    tol : float or None
        The tolerance of the ties.
    regret : ndarray, shape (k, n_players)
        Each player's gain from her best deviation from the row's profile in the whole tree,
        computed from the tree by :func:`~irgames.solvers.sequence_form.tree_regret`
        (independent of backward induction; 0 up to rounding at an SPE, which is a Nash
        equilibrium of every subgame, the whole tree included). Computed on first access.
    """

    game_index: np.ndarray
    choice: np.ndarray
    values: np.ndarray
    reach: np.ndarray
    payoffs: np.ndarray
    count: np.ndarray
    game: ExtensiveFormGame | None = None
    tol: float | None = None

    layout = "per_equilibrium"
    method = "backward_induction"
    complete = True

    def __len__(self) -> int:
        return int(self.game_index.size)

    @cached_property
    def regret(self) -> np.ndarray:
        return _pure_regret(self.game, self.choice, self.game_index)


@dataclass(frozen=True, eq=False)
class SubgamePerfect(Result):
    """A pure subgame-perfect equilibrium at every point of a batch, with ties reported.

    Attributes
    ----------
    game : ExtensiveFormGame
        The solved (bound) game.
    choice : ndarray of int, shape (*batch, n_nodes)
        Index of the action chosen at every decision node (-1 at chance and terminal nodes).
        Where the mover is indifferent the lowest-indexed best action is shown and ``tied``
        says so.
    values : ndarray, shape (*batch, n_nodes, n_players)
        Continuation payoffs of every node (the value of the subgame it starts).
    reach : ndarray, shape (*batch, n_nodes)
        Probability that each node is reached on the path of play (chance included).
    payoffs : ndarray, shape (*batch, n_players)
        Equilibrium payoffs (the root's value).
    tied : ndarray of bool, shape (*batch, n_nodes)
        Decision nodes whose mover has more than one best action within the tolerance.
    ties : ndarray of bool, shape batch_shape
        Whether the point has any tied node (then the SPE is not unique).
    tol : float
        Relative tolerance: at a node of player ``i``, actions within ``tol *
        payoff_units[..., i]`` of the best are ties.
    regret : ndarray, shape (*batch, n_players)
        Each player's gain from her best deviation from the profile in the whole tree,
        computed from the tree by :func:`~irgames.solvers.sequence_form.tree_regret`
        (independent of backward induction; 0 up to rounding, since an SPE is a Nash
        equilibrium of the tree). Computed on first access.
    enumerated : EnumeratedSPE or None
        With ``ties="enumerate"``: every pure SPE at the points with ties.
    method : str
        ``"backward_induction"``.
    """

    game: ExtensiveFormGame
    choice: np.ndarray
    values: np.ndarray
    reach: np.ndarray
    payoffs: np.ndarray
    tied: np.ndarray
    ties: np.ndarray
    tol: float
    enumerated: EnumeratedSPE | None = None
    method: str = "backward_induction"

    tolerance = tolerance_property()

    @property
    def complete(self) -> np.ndarray:
        """Per point, whether the one SPE shown is every pure SPE (no ties)."""
        return ~self.ties

    @cached_property
    def regret(self) -> np.ndarray:
        batch = self.batch_shape
        size = int(np.prod(batch, dtype=np.int64))
        choice = self.choice.reshape(size, -1)
        reg = _pure_regret(self.game, choice, np.arange(size))
        return reg.reshape((*batch, self.game.n_players))

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.payoffs.shape[:-1])

    @property
    def terminal_probability(self) -> np.ndarray:
        """Probability of each terminal node, shape ``(*batch, n_terminals)``."""
        return self.reach[..., self.game.terminals]

    @property
    def outcome(self) -> np.ndarray:
        """Terminal node reached, shape ``batch_shape``; -1 where chance makes it random."""
        probs = self.terminal_probability
        best = np.argmax(probs, axis=-1)
        sure = np.take_along_axis(probs, best[..., None], axis=-1)[..., 0] > 1 - 1e-12
        return np.where(sure, self.game.terminals[best], -1)

    @property
    def count(self) -> np.ndarray | None:
        """Number of pure SPE per point (only when ties were enumerated)."""
        return None if self.enumerated is None else self.enumerated.count

    def path_labels(self, index=()) -> list[str]:
        """Action labels along the path of play at one batch point (deterministic part).

        At a chance node the path follows the most likely branch.
        """
        game = self.game
        choice = self.choice[index]
        reach = self.reach[index]
        labels = []
        v = 0
        while game.mover[v] != TERMINAL:
            if game.mover[v] == CHANCE:
                kids = game.children[v, : game.num_children[v]]
                a = int(np.argmax(reach[kids]))
            else:
                a = int(choice[v])
            labels.append(game.action_labels[v][a])
            v = int(game.children[v, a])
        return labels

    def strategy_labels(self, index=()) -> dict[int, str]:
        """``{decision node: chosen action label}`` at one batch point."""
        choice = self.choice[index]
        return {
            int(v): self.game.action_labels[v][int(choice[v])]
            for v in np.flatnonzero(self.game.mover >= 0)
        }


def _pure_regret(game: ExtensiveFormGame, choice: np.ndarray, game_index) -> np.ndarray:
    """Each player's regret of pure profiles ``choice`` (rows, n_nodes) in the whole tree."""
    from .sequence_form import tree_regret

    rows = choice.shape[0]
    width = max(int(game.num_children.max()) if game.n_nodes else 1, 1)
    n_h = max(game.n_infosets, 1)
    require(rows * n_h * width * 8 * 4, "the behaviour profiles to check backward induction")
    behavior = np.zeros((rows, n_h, width))
    dec = np.flatnonzero(game.mover >= 0)
    if dec.size:
        picked = np.maximum(choice[:, dec], 0)
        behavior[np.arange(rows)[:, None], game.infoset[dec][None, :], picked] = 1.0
    return tree_regret(game, behavior, np.asarray(game_index, dtype=np.int64))[1]


def _as_slice(index: np.ndarray) -> slice | None:
    """``index`` as an equivalent slice (an arithmetic progression of step >= 1), or None."""
    if index.size == 0:
        return None
    step = int(index[1] - index[0]) if index.size > 1 else 1
    if step < 1 or not np.array_equal(index, index[0] + step * np.arange(index.size)):
        return None
    return slice(int(index[0]), int(index[-1]) + 1, step)


class _Plan:
    """Per-level index arrays of a tree, computed once per game structure.

    ``slices[d]`` describes level ``d`` as views when it allows (for the main path): its
    decision nodes a slice, one mover, every node with all of its actions and each action's
    children a slice (trees numbered level by level, as the builders number them). Reading
    values through views instead of gathering them saves a copy of every level's children.
    """

    def __init__(self, game: ExtensiveFormGame):
        self.levels = []
        self.slices = []
        mover = game.mover
        for nodes in game.levels:
            dec = nodes[mover[nodes] >= 0]
            cha = nodes[mover[nodes] == CHANCE]
            dec_kids = game.children[dec]
            width = int(game.num_children[dec].max()) if dec.size else 0
            dec_kids = dec_kids[:, :width]
            full = bool(dec.size == 0 or np.all(dec_kids >= 0))
            cha_kids = game.children[cha]
            cw = int(game.num_children[cha].max()) if cha.size else 0
            cha_kids = cha_kids[:, :cw]
            self.levels.append(
                (
                    dec,
                    np.where(dec_kids >= 0, dec_kids, 0),
                    dec_kids >= 0,
                    full,
                    mover[dec],
                    cha,
                    np.where(cha_kids >= 0, cha_kids, 0),
                    game.chance_index[cha],
                )
            )
            fast = None
            if dec.size and full and np.all(mover[dec] == mover[dec[0]]):
                parts = [_as_slice(dec)] + [_as_slice(dec_kids[:, a]) for a in range(width)]
                if all(part is not None for part in parts):
                    fast = (parts[0], int(mover[dec[0]]), parts[1:])
            self.slices.append(fast)


def _row_bytes(game) -> int:
    """Peak bytes per enumerated row: node values, choices, flags and reach, each held twice
    while rows are copied (an estimate that errs high)."""
    return game.n_nodes * (16 * game.n_players + 4 * 2 + 2 + 8 * 2)


_ENUM_ADVICE = (
    "pass ties='flag' for one equilibrium per point (the lowest-indexed best action) with "
    "the tied nodes and points flagged"
)


def _induct(game, plan, payoffs, probs, tol_abs, enumerate_rows=None, max_rows=0):
    """Core: payoffs (n_t, n_p, B), probs (n_c, A, B), tol_abs (n_p, B) (each player's).

    Returns values (N, n_p, B), choice (N, B), tied (N, B) and, in enumeration mode, the
    row-to-point map (the batch axis then grows as ties split rows).
    """
    n, n_p = game.n_nodes, game.n_players
    B = payoffs.shape[-1]
    values = np.zeros((n, n_p, B))
    values[game.terminals] = payoffs
    choice = np.full((n, B), -1, dtype=np.int32)
    tied = np.zeros((n, B), dtype=bool)
    rows = np.arange(B) if enumerate_rows else None
    for dec, kids, valid, full, who, cha, ckids, crow in reversed(plan.levels):
        if cha.size:
            p = probs[crow] if rows is None else probs[crow][..., rows]
            p = p[:, : ckids.shape[1]]
            values[cha] = np.einsum("kab,kaib->kib", p, values[ckids])
        if not dec.size:
            continue
        child_values = values[kids]  # (k, A, n_p, B)
        k, A = kids.shape
        own = child_values[np.arange(k)[:, None], np.arange(A)[None, :], who[:, None]]
        if not full:
            own = np.where(valid[:, :, None], own, -np.inf)
        best = own.max(axis=1)  # (k, B)
        near = own >= best[:, None, :] - tol_abs[who][:, None, :]
        count = near.sum(axis=1)
        if rows is not None:
            mult = count.prod(axis=0, dtype=np.int64)  # (B,)
            total = int(mult.sum())
            if total > max_rows:
                raise WorkTooLargeError(
                    f"enumerating tied choices would need {total} rows of equilibria, more "
                    f"than max_equilibria={max_rows}; use ties='flag' or raise the limit"
                )
            require(
                float(total) * _row_bytes(game) + child_values[..., :1].nbytes * float(total),
                f"enumerating the tied equilibria ({total} rows so far)",
                advice=_ENUM_ADVICE,
            )
            if total != mult.size:
                rep = np.repeat(np.arange(mult.size), mult)
                local = np.arange(total) - np.repeat(np.cumsum(mult) - mult, mult)
                radix = count[:, rep]  # (k, R')
                digits = np.empty_like(radix)
                rest = local.copy()
                for j in range(k):
                    digits[j] = rest % radix[j]
                    rest //= radix[j]
                near_r = near[:, :, rep]
                rank = np.cumsum(near_r, axis=1) - 1
                pick = np.argmax(near_r & (rank == digits[:, None, :]), axis=1)
                values = values[:, :, rep]
                choice = choice[:, rep]
                tied = tied[:, rep]
                child_values = child_values[..., rep]
                count = count[:, rep]
                tol_abs = tol_abs[:, rep]
                rows = rows[rep]
            else:
                pick = np.argmax(near, axis=1)
        else:
            pick = np.argmax(near, axis=1)  # lowest-indexed best action
        values[dec] = np.take_along_axis(child_values, pick[:, None, None, :], axis=1)[:, 0]
        choice[dec] = pick
        tied[dec] = count > 1
    return values, choice, tied, rows


def _reach(game, plan, choice, probs, rows=None):
    n, B = choice.shape
    reach = np.zeros((n, B))
    reach[0] = 1.0
    cols = np.arange(B)[None, :]
    for dec, kids, _valid, _full, _who, cha, ckids, crow in plan.levels:
        if dec.size:
            chosen = kids[np.arange(dec.size)[:, None], choice[dec]]  # (k, B)
            reach[chosen, cols] = reach[dec]
        if cha.size:
            p = probs[crow] if rows is None else probs[crow][..., rows]
            p = p[:, : ckids.shape[1]]
            valid = game.children[cha][:, : ckids.shape[1]] >= 0
            contrib = reach[cha][:, None, :] * p
            reach[ckids[valid]] = contrib[valid]
    return reach


def _batch_last(source: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""``source`` of shape ``(B, m, p)`` written batch-last, ``out[j, i, b] = source[b, i, j]``.

    A cache-blocked transpose: the batch is copied in tiles of about 256 KiB of ``source``
    (each tile one strided copy, read from cache), several times faster than one strided copy
    of the whole array, whose reads jump a page per element. ``out`` may be any array (or
    view) of shape ``(p, m, B)``.

    Examples
    --------
    >>> a = np.arange(12.0).reshape(2, 3, 2)
    >>> bool(np.array_equal(_batch_last(a), a.transpose(2, 1, 0)))
    True
    """
    B, m, p = source.shape
    if out is None:
        out = np.empty((p, m, B), dtype=source.dtype)
    tile = max(1, _TILE_BYTES // max(1, m * p * source.itemsize))
    for start in range(0, B, tile):
        out[..., start : start + tile] = source[start : start + tile].transpose(2, 1, 0)
    return out


def _terminal_values(game, payoffs):
    """Node values ``V[player, node, batch]`` with the terminals' payoffs written (the other
    nodes are left for :func:`_induct_fast`).

    payoffs (B, n_t, n_p) (batch-first, as the game holds them).
    """
    B = payoffs.shape[0]
    V = np.empty((game.n_players, game.n_nodes, B))
    # padded child indices (nodes with fewer actions) point at the root, which is written
    # last: it must read 0 until then (a padded chance child has probability 0)
    V[:, 0] = 0.0
    terminals = _as_slice(game.terminals)  # a view when they are evenly spaced
    if terminals is not None:
        _batch_last(payoffs, V[:, terminals])
    else:
        V[:, game.terminals] = _batch_last(payoffs)
    return V


def _induct_fast(game, plan, V, probs, tol_abs):
    """Main path (lowest-indexed best action at ties), layout ``V[player, node, batch]``.

    V (n_p, N, B) with the terminals' values (from :func:`_terminal_values`; every other node
    is written here, level by level), probs (n_c, A, B), tol_abs (n_p, B) (each player's
    tolerance in her own unit). Returns V,
    choice (N, B), tied.
    """
    n, n_p = game.n_nodes, game.n_players
    B = V.shape[-1]
    width = int(game.num_children.max())
    choice = np.full((n, B), -1, dtype=np.int8 if width < 127 else np.int32)
    tied = np.zeros((n, B), dtype=bool)
    for level, fast in zip(reversed(plan.levels), reversed(plan.slices), strict=True):
        dec, kids, valid, full, who, cha, ckids, crow = level
        if cha.size:
            acc = np.zeros((n_p, cha.size, B))
            for a in range(ckids.shape[1]):
                acc += probs[crow, a][None] * V[:, ckids[:, a]]
            V[:, cha] = acc
        if not dec.size:
            continue
        A = kids.shape[1]
        if fast is not None and A == 2:
            # views: V[:, dec] and the children's values are slices, no gathers
            here, mover, (first, second) = fast
            diff = V[mover, second] - V[mover, first]
            pick = diff > tol_abs[mover]  # the chosen action's index, 0 or 1
            choice[here] = pick
            np.less_equal(np.abs(diff, out=diff), tol_abs[mover], out=tied[here])
            out = V[:, here]
            np.copyto(out, V[:, first])
            np.copyto(out, V[:, second], where=pick[None])
            continue
        own = V[who[:, None], kids]  # (k, A, B)
        if not full:
            own = np.where(valid[:, :, None], own, -np.inf)
        slack = tol_abs[who]  # (k, B): each mover's tolerance in her own unit
        if A == 2 and full:
            diff = own[:, 1] - own[:, 0]
            pick = diff > slack
            tie = np.abs(diff) <= slack
            out = V[:, kids[:, 0]]
            np.copyto(out, V[:, kids[:, 1]], where=pick[None])
            choice[dec] = pick
            tied[dec] = tie
        else:
            floor = own.max(axis=1) - slack  # (k, B)
            pick = np.full(floor.shape, -1, dtype=np.int32)
            count = np.zeros(floor.shape, dtype=np.int32)
            for a in range(A):
                near = own[:, a] >= floor
                count += near
                pick[(pick < 0) & near] = a
            out = V[:, kids[:, 0]]
            for a in range(1, A):
                np.copyto(out, V[:, kids[:, a]], where=(pick == a)[None])
            choice[dec] = pick
            tied[dec] = count > 1
        V[:, dec] = out
    return V, choice, tied


def _reach_fast(game, plan, choice, probs):
    """Reach probability of every node, shape (N, B) (every node but the root is written as
    some node's child)."""
    n, B = choice.shape
    reach = np.empty((n, B))
    reach[0] = 1.0
    for (dec, kids, valid, _full, _who, cha, ckids, crow), fast in zip(
        plan.levels, plan.slices, strict=True
    ):
        if fast is not None:  # views instead of gathers and scatters
            here, _mover, parts = fast
            for a, part in enumerate(parts):
                np.multiply(reach[here], choice[here] == a, out=reach[part])
        elif dec.size:
            here = reach[dec]
            pick = choice[dec]
            for a in range(kids.shape[1]):
                rows = valid[:, a]
                if rows.all():
                    reach[kids[:, a]] = here * (pick == a)
                else:
                    reach[kids[rows, a]] = here[rows] * (pick[rows] == a)
        if cha.size:
            here = reach[cha]
            cvalid = game.children[cha][:, : ckids.shape[1]] >= 0
            for a in range(ckids.shape[1]):
                rows = cvalid[:, a]
                reach[ckids[rows, a]] = here[rows] * probs[crow[rows], a]
    return reach


@accepts_tolerance
def backward_induction(
    game: ExtensiveFormGame,
    *,
    tol: float = DEFAULT_TOL,
    ties: str = "flag",
    max_equilibria: int = 1_000_000,
) -> SubgamePerfect:
    r"""Subgame-perfect equilibrium of every game in a batch of perfect-information trees.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound game of perfect information (every information set a single node).
    tol : float
        Relative tolerance: an action whose value to the mover :math:`i` is within ``tol``
        times her payoff unit (``game.payoff_units[..., i]``, the range of her terminal
        payoffs) of her best is a best action too (a tie).
    ties : {"flag", "enumerate"}
        ``"flag"`` reports one equilibrium per point (the lowest-indexed best action) and flags
        tied nodes and points; ``"enumerate"`` also lists every pure SPE at the points with
        ties.
    max_equilibria : int
        Limit on the number of rows enumerated (a clear error beyond it). The bytes are
        limited too, by :func:`irgames._memory.memory_limit`.

    Returns
    -------
    SubgamePerfect

    Raises
    ------
    GameValueError
        If the game is unbound, has imperfect information, or an option is invalid.
    WorkTooLargeError
        Before allocating, if the node values of the batch, or (``ties="enumerate"``) the
        listed equilibria, need more bytes than the memory limit; the message says what to
        pass instead.

    Examples
    --------
    Player A's payoffs are :math:`10^{-10}` of B's, and she strictly prefers ``r``: in her own
    unit that is no tie.

    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A", "B"])
    >>> game = T.build(T.decision("A", {"l": T.terminal(0, 0), "r": T.terminal(1e-10, 1)}))
    >>> spe = backward_induction(game)
    >>> spe.path_labels(), bool(spe.ties)
    (['r'], False)
    """
    if not isinstance(game, ExtensiveFormGame):
        raise SolverError(f"backward_induction needs an ExtensiveFormGame, got {type(game)}")
    game.require_bound()
    if not game.is_perfect_information:
        raise SolverError(
            "backward induction needs perfect information (every information set a single "
            "node); use irgames.solvers.subgame_perfect.subgame_perfect for this game"
        )
    if ties not in ("flag", "enumerate"):
        raise SolverError(f"ties must be 'flag' or 'enumerate', got {ties!r}")
    if not (tol >= 0 and np.isfinite(tol)):
        raise SolverError(f"tol must be a non-negative number, got {tol}")
    batch = game.batch_shape
    flat = game.flatten()
    B = flat.batch_size
    n, n_p = game.n_nodes, game.n_players
    # node values (batch-last and the returned copy), reach (twice), choices and flags
    require(
        float(B) * n * (16 * n_p + 16 + 2),
        f"backward induction on {B} games of {n} nodes",
        advice="solve the batch in chunks",
    )
    # the solver works batch-last (one numpy operation per level over nodes x batch)
    probs = _batch_last(flat.chance_probs.transpose(0, 2, 1))  # (n_c, A, B)
    V = _terminal_values(game, flat.payoffs)
    tol_abs = tol * flat.payoff_units.T  # (n_p, B): each player's ties in her own unit
    plan = _Plan(game)
    V, choice, tied = _induct_fast(game, plan, V, probs, tol_abs)
    reach = _reach_fast(game, plan, choice, probs)
    any_tie = tied.any(axis=0)
    enumerated = None
    if ties == "enumerate":
        points = np.flatnonzero(any_tie)
        count = np.ones(B, dtype=np.int64)
        if points.size:
            # every point with m tied nodes has at least 1 + m pure SPE: at one tied node,
            # take another best action, keep the choices below and re-solve above
            least = float(points.size) + float(tied[:, points].sum())
            require(
                least * _row_bytes(game),
                f"enumerating the tied equilibria (at least {int(least)} rows)",
                advice=_ENUM_ADVICE,
            )
            sub_probs = probs[..., points]
            payoffs = np.ascontiguousarray(np.moveaxis(flat.payoffs[points], 0, -1))
            ev, ec, _et, rows = _induct(
                game,
                plan,
                payoffs,
                sub_probs,
                tol_abs[:, points],
                enumerate_rows=True,
                max_rows=max_equilibria,
            )
            er = _reach(game, plan, ec, sub_probs, rows=rows)
            game_index = points[rows]
            count += np.bincount(game_index, minlength=B) - any_tie
        else:
            game_index = np.zeros(0, dtype=np.int64)
            ev = np.zeros((game.n_nodes, game.n_players, 0))
            ec = np.zeros((game.n_nodes, 0), dtype=np.int32)
            er = np.zeros((game.n_nodes, 0))
        enumerated = EnumeratedSPE(
            game_index=game_index,
            choice=np.ascontiguousarray(ec.T),
            values=np.moveaxis(ev, -1, 0),
            reach=np.ascontiguousarray(er.T),
            payoffs=np.ascontiguousarray(ev[0].T),
            count=count.reshape(batch),
            game=game,
            tol=float(tol),
        )
    return SubgamePerfect(
        game=game,
        choice=choice.T.reshape((*batch, n)),
        values=V.transpose(2, 1, 0).reshape((*batch, n, n_p)),
        reach=reach.T.reshape((*batch, n)),
        payoffs=np.ascontiguousarray(V[:, 0].T).reshape((*batch, n_p)),
        tied=np.moveaxis(tied, -1, 0).reshape((*batch, n)),
        ties=any_tie.reshape(batch),
        tol=float(tol),
        enumerated=enumerated,
    )
