r"""The sequence form of two-player trees: zero-sum values by LP, Nash equilibria by Lemke.

A tree with perfect recall has a strategic description whose size is linear in the tree,
not exponential like the reduced normal form (Koller, Megiddo and von Stengel 1996; von
Stengel 1996).

Sequences
    A *sequence* of player :math:`i` is the empty sequence :math:`\emptyset` or a pair
    :math:`(h, a)` of one of :math:`i`'s information sets and one of its actions. With perfect
    recall every information set :math:`h` of :math:`i` has one *parent sequence*
    :math:`\sigma(h)`: the last of :math:`i`'s own information sets and actions on the path to
    any node of :math:`h` (:math:`\emptyset` if there is none). Player :math:`i` has
    :math:`n_i = 1 + \sum_{h \in H_i} |A(h)|` sequences, numbered here :math:`0` for
    :math:`\emptyset`, then the actions of :math:`i`'s information sets in the game's
    information-set numbering.

Realization plans
    A behaviour strategy :math:`\beta_i` gives each sequence its *realization probability*
    :math:`x(h, a) = x(\sigma(h)) \, \beta_i(a \mid h)`, :math:`x(\emptyset) = 1`. The vectors
    so obtained are exactly the :math:`x \ge 0` with

    .. math::

        E x = e, \qquad E \in \mathbb{R}^{(1 + |H_1|) \times n_1}, \quad
        e = (1, 0, \dots, 0)^\top,

    where row 0 of :math:`E` says :math:`x(\emptyset) = 1` and the row of :math:`h` says
    :math:`\sum_{a \in A(h)} x(h, a) - x(\sigma(h)) = 0`. Player 2's plans :math:`y` satisfy
    :math:`F y = f` in the same way. Conversely a plan gives back a behaviour strategy,
    :math:`\beta(a \mid h) = x(h, a) / x(\sigma(h))` where :math:`x(\sigma(h)) > 0` (and any
    distribution where :math:`i`'s own play excludes :math:`h`; here the uniform one).

Payoffs
    Every terminal node :math:`z` determines one sequence of each player, :math:`s_1(z)` and
    :math:`s_2(z)`, and the product :math:`c(z)` of the chance probabilities on its path. The
    sequence-form payoff matrices are

    .. math::

        A_{\sigma \tau} = \sum_{z : s_1(z) = \sigma,\, s_2(z) = \tau} c(z) \, u_1(z), \qquad
        B_{\sigma \tau} = \sum_{z : s_1(z) = \sigma,\, s_2(z) = \tau} c(z) \, u_2(z),

    so that the expected payoffs of behaviour strategies with plans :math:`x, y` are
    :math:`x^\top A y` and :math:`x^\top B y`. :math:`A` and :math:`B` have at most one entry
    per terminal node: :class:`SequenceForm` stores them sparsely, as the list of sequence
    pairs that terminals reach and, per pair, the entries for the whole batch,
    ``A_entries[..., k]``; the dense matrices ``A`` and ``B`` of shape
    ``(*batch, n_1, n_2)`` are built on request.

Zero-sum games: a linear program
    Against a plan :math:`x`, player 2's best reply solves :math:`\min_y x^\top A y` over
    :math:`F y = f, y \ge 0`, whose LP dual is :math:`\max_q f^\top q` over
    :math:`F^\top q \le A^\top x`. Player 1's optimal plans and the value are therefore the
    solutions of

    .. math::

        \max_{x, q} \; f^\top q \quad \text{s.t.} \quad
        F^\top q - A^\top x \le 0, \quad E x = e, \quad x \ge 0,

    and the LP's dual multipliers of :math:`F^\top q - A^\top x \le 0` are an optimal plan
    :math:`y` of player 2 (Koller, Megiddo and von Stengel 1996, section 3). The program has
    :math:`n_1 + 1 + |H_2|` variables, linear in the tree.

General-sum games: a linear complementarity problem
    :math:`(x, y)` is an equilibrium iff there are :math:`p, q` (free) with

    .. math::

        x \ge 0,\; E^\top p - A y \ge 0,\; x^\top (E^\top p - A y) = 0, \qquad
        y \ge 0,\; F^\top q - B^\top x \ge 0,\; y^\top (F^\top q - B^\top x) = 0,

    and :math:`E x = e`, :math:`F y = f` (the complementary slackness of both players'
    best-reply LPs). Writing :math:`p = p' - p''`, :math:`q = q' - q''` with non-negative parts
    and each equality as two inequalities gives the LCP :math:`w = \bar q + M z \ge 0`,
    :math:`z \ge 0`, :math:`z^\top w = 0`, with :math:`z = (x, y, p', p'', q', q'')`,

    .. math::

        M = \begin{pmatrix}
            0 & -A & E^\top & -E^\top & 0 & 0 \\
            -B^\top & 0 & 0 & 0 & F^\top & -F^\top \\
            -E & 0 & 0 & 0 & 0 & 0 \\
            E & 0 & 0 & 0 & 0 & 0 \\
            0 & -F & 0 & 0 & 0 & 0 \\
            0 & F & 0 & 0 & 0 & 0
        \end{pmatrix}, \qquad
        \bar q = (0, 0, e, -e, f, -f).

    Lemke's algorithm solves it: with a covering vector :math:`d > 0` (here all ones) and an
    artificial variable :math:`z_0`, start at :math:`z = 0`, :math:`z_0 = \max_k (-\bar q_k /
    d_k)`, and pivot complementarily (the complement of the variable that left enters) until
    :math:`z_0` leaves the basis or stays in it at level zero (either way :math:`w = \bar q +
    M z` with :math:`z^\top w = 0` holds, a solution). Before building :math:`M`, each
    player's payoffs are mapped by a positive affine map into :math:`[-2, -1]` (which changes
    no equilibrium: plans reach terminals with total chance-weighted mass one). With all
    payoffs negative, :math:`z^\top M z = -x^\top (A + B) y \ge 0` on :math:`z \ge 0`;
    Koller, Megiddo and von Stengel (1996) prove that Lemke's algorithm then computes a
    solution of their LCP. This implementation's covering vector (all ones) has not ended on
    a secondary ray on any tree of the tests (the 93 two-player trees of Gambit's catalog
    and random trees); it checks, and raises :class:`~irgames.errors.SolverError` if it does.

Degeneracy
    Ties in the ratio test are broken lexicographically (the rows of :math:`[\bar q \mid
    B^{-1}]` divided by the entering column, compared entry by entry), which keeps every
    basis lexicographically feasible and so makes every step a strict lexicographic
    improvement: in exact arithmetic no basis repeats and the path is finite, degenerate
    trees included (the LCP is highly degenerate: :math:`\bar q` is mostly zeros). In floating
    point, entries within a relative ``1e-11`` count as tied, and pivot entries below
    ``1e-11`` of the column's largest as zero; the final basis is solved once more from the
    original data, so rounding does not accumulate into the answer.

Batching
    The tree and therefore :math:`E`, :math:`F` and the sparsity pattern of :math:`A`,
    :math:`B` are shared by the batch; only the entries change. Lemke's algorithm pivots every
    game of the batch in lockstep, in revised form: one array of basis inverses ``(G, N, N)``
    and one of basic solutions ``(G, N)``; the Python loop runs over pivot steps, never over
    games. HiGHS solves one LP per call, so
    :func:`sequence_form_lp` stacks the games of a chunk of the batch into one block-diagonal
    LP (the blocks are independent, so the optimum of the stack is the optimum of each block):
    one HiGHS call per chunk.

Equilibria are checked by regret computed independently of the sequence form: a forward pass
over the tree for the expected payoffs of the behaviour profile and, per player, a best
response found by backward induction over that player's own information sets
(:func:`tree_regret`), in each player's own payoff unit (the range of the player's terminal
payoffs).

References
----------
D. Koller, N. Megiddo and B. von Stengel (1996), "Efficient computation of equilibria for
extensive two-person games", *Games and Economic Behavior* 14, 247-259.
B. von Stengel (1996), "Efficient computation of behavior strategies", *Games and Economic
Behavior* 14, 220-246.

Examples
--------
Matching pennies played in turn, the second mover not seeing the first move:

>>> import irgames as ig
>>> T = ig.TreeBuilder(["A", "B"])
>>> root = T.decision("A", {
...     "H": T.decision("B", {"h": T.terminal(1, -1), "t": T.terminal(-1, 1)}, infoset="b"),
...     "T": T.decision("B", {"h": T.terminal(-1, 1), "t": T.terminal(1, -1)}, infoset="b"),
... })
>>> game = T.build(root)
>>> sf = sequence_form(game)
>>> sf.n_sequences
(3, 3)
>>> sf.E.tolist()
[[1.0, 0.0, 0.0], [-1.0, 1.0, 1.0]]
>>> sol = sequence_form_lp(game)
>>> abs(float(sol.value[0])) < 1e-12, sol.behavior[0, 0].round(6).tolist()
(True, [0.5, 0.5])
>>> eq = sequence_form_lcp(game)
>>> bool(eq.relative_regret.max() <= 1e-9)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .._memory import require
from ..errors import ConvergenceError, SolverError
from ..games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame
from ..games.normal_form import _unit
from .result import Result

__all__ = [
    "SequenceForm",
    "SequenceFormSolution",
    "sequence_form",
    "sequence_form_lcp",
    "sequence_form_lp",
    "tree_regret",
]

#: Default tolerance, as a fraction of each player's payoff unit.
DEFAULT_TOL = 1e-9

#: Nonzeros of the payoff blocks stacked into one HiGHS call.
_LP_CHUNK_NNZ = 200_000


# ====================================================================== the sequence form
@dataclass(frozen=True, eq=False)
class SequenceForm(Result):
    """The sequence form of a batch of two-player trees sharing one tree.

    Attributes
    ----------
    tree : ExtensiveFormGame
        The (bound) tree.
    n_sequences : tuple of int
        :math:`(n_1, n_2)`, the numbers of sequences (the empty one included).
    infoset_sequence : ndarray of int, shape (n_infosets, max_actions)
        Index of sequence :math:`(h, a)` among the owner's sequences, ``-1`` beyond ``h``'s
        actions.
    parent_sequence : ndarray of int, shape (n_infosets,)
        Index of :math:`\\sigma(h)` among the owner's sequences (0 for the empty sequence).
    E, F : ndarray
        Constraint matrices, shapes ``(1 + |H_1|, n_1)`` and ``(1 + |H_2|, n_2)``; rows in the
        order: the empty sequence, then the owner's information sets in the game's numbering.
    e, f : ndarray
        Right-hand sides (unit vectors).
    pairs : ndarray of int, shape (n_pairs, 2)
        The sequence pairs :math:`(s_1(z), s_2(z))` that terminal nodes reach.
    terminal_pair : ndarray of int, shape (n_terminals,)
        Row of ``pairs`` of each terminal (terminals in node order).
    A_entries, B_entries : ndarray, shape (*batch, n_pairs)
        :math:`A` and :math:`B` at ``pairs`` (chance probabilities multiplied in).
    """

    tree: ExtensiveFormGame
    n_sequences: tuple[int, int]
    infoset_sequence: np.ndarray
    parent_sequence: np.ndarray
    E: np.ndarray
    e: np.ndarray
    F: np.ndarray
    f: np.ndarray
    pairs: np.ndarray
    terminal_pair: np.ndarray
    A_entries: np.ndarray
    B_entries: np.ndarray

    method = "sequence_form"

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.A_entries.shape[:-1])

    def _dense(self, entries: np.ndarray, what: str) -> np.ndarray:
        n1, n2 = self.n_sequences
        batch = self.batch_shape
        require(
            8.0 * n1 * n2 * max(1, int(np.prod(batch, dtype=np.int64))),
            f"the dense sequence-form matrix {what}",
            advice="use A_entries/B_entries with pairs (the sparse form)",
        )
        out = np.zeros((*batch, n1, n2))
        out[..., self.pairs[:, 0], self.pairs[:, 1]] = entries
        return out

    @property
    def A(self) -> np.ndarray:
        """Player 1's sequence-form payoff matrix, shape ``(*batch, n_1, n_2)``."""
        return self._dense(self.A_entries, "A")

    @property
    def B(self) -> np.ndarray:
        """Player 2's sequence-form payoff matrix, shape ``(*batch, n_1, n_2)``."""
        return self._dense(self.B_entries, "B")

    def behavior(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        r"""Behaviour strategies of realization plans ``x (..., n_1)`` and ``y (..., n_2)``.

        :math:`\beta(a \mid h) = x(h, a) / \sum_{b} x(h, b)` (the sum equals
        :math:`x(\sigma(h))` on a plan), uniform where the sum is zero; shape
        ``(..., n_infosets, max_actions)``, NaN beyond an information set's actions.
        """
        tree = self.tree
        seq = self.infoset_sequence
        valid = seq >= 0
        lead = np.broadcast_shapes(np.shape(x)[:-1], np.shape(y)[:-1])
        out = np.full((*lead, *seq.shape), np.nan)
        for i, plan in enumerate((x, y)):
            plan = np.clip(np.asarray(plan, dtype=float), 0.0, None)
            mine = tree.infoset_player == i
            idx = np.where(valid[mine], seq[mine], 0)
            mass = np.where(valid[mine], plan[..., idx], 0.0)  # (..., |H_i|, k)
            total = mass.sum(axis=-1, keepdims=True)
            width = valid[mine].sum(axis=-1, keepdims=True)
            beh = np.where(total > 1e-300, mass / np.where(total > 1e-300, total, 1.0), 1 / width)
            out[..., mine, :] = np.where(valid[mine], beh, np.nan)
        return out


def _check_two_player(game: ExtensiveFormGame, what: str) -> None:
    if not isinstance(game, ExtensiveFormGame):
        raise SolverError(f"{what} needs an ExtensiveFormGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise SolverError(
            f"{what} is for two-player trees; this one has {game.n_players} players "
            "(use subgame_perfect or the reduced normal form)"
        )
    game.require_bound()
    problem = game.recall_violation()
    if problem is not None:
        raise SolverError(f"{what} needs perfect recall: {problem}")


def _node_sequences(game: ExtensiveFormGame, infoset_sequence: np.ndarray) -> np.ndarray:
    """``seq[v, i]``: player ``i``'s sequence on the path to node ``v``, by tree level."""
    seq = np.zeros((game.n_nodes, 2), dtype=np.int64)
    for level in game.levels[1:]:
        u = game.parent[level]
        seq[level] = seq[u]
        mover = game.mover[u]
        for i in (0, 1):
            own = mover == i
            seq[level[own], i] = infoset_sequence[
                game.infoset[u[own]], game.action_index[level[own]]
            ]
    return seq


def _chance_reach(game: ExtensiveFormGame) -> np.ndarray:
    """Product of chance probabilities on the path to every node, ``(*batch, n_nodes)``."""
    batch = game.batch_shape
    reach = np.ones((*batch, game.n_nodes))
    probs = game.chance_probs
    for level in game.levels[1:]:
        u = game.parent[level]
        r = reach[..., u]
        at_chance = game.mover[u] == CHANCE
        if np.any(at_chance):
            c = game.chance_index[u[at_chance]]
            a = game.action_index[level[at_chance]]
            r[..., at_chance] = r[..., at_chance] * probs[..., c, a]
        reach[..., level] = r
    return reach


def sequence_form(game: ExtensiveFormGame) -> SequenceForm:
    """The sequence form of a bound two-player tree with perfect recall (see the module).

    Raises
    ------
    GameValueError
        If the tree is unbound, does not have two players, or lacks perfect recall.
    """
    _check_two_player(game, "the sequence form")
    H = game.n_infosets
    first = game.infoset_nodes_first
    width = game.num_children[first] if H else np.zeros(0, dtype=np.int64)
    k = int(width.max()) if H else 1
    infoset_sequence = np.full((H, k), -1, dtype=np.int64)
    n_seq = [1, 1]
    for h in range(H):  # structure: one entry per information set
        i = int(game.infoset_player[h])
        w = int(width[h])
        infoset_sequence[h, :w] = np.arange(n_seq[i], n_seq[i] + w)
        n_seq[i] += w
    seq = _node_sequences(game, infoset_sequence)
    parent_sequence = seq[first, game.infoset_player] if H else np.zeros(0, dtype=np.int64)
    constraints = []
    for i in (0, 1):
        mine = np.flatnonzero(game.infoset_player == i)
        C = np.zeros((1 + mine.size, n_seq[i]))
        C[0, 0] = 1.0
        for r, h in enumerate(mine, start=1):
            C[r, parent_sequence[h]] = -1.0
            C[r, infoset_sequence[h, : width[h]]] = 1.0
        rhs = np.zeros(1 + mine.size)
        rhs[0] = 1.0
        constraints.append((C, rhs))
    term_seq = seq[game.terminals]
    pairs, terminal_pair = np.unique(term_seq, axis=0, return_inverse=True)
    terminal_pair = terminal_pair.reshape(-1)
    weight = _chance_reach(game)[..., game.terminals]  # (*batch, n_t)
    S = sp.csr_matrix(
        (np.ones(game.terminals.size), (np.arange(game.terminals.size), terminal_pair)),
        shape=(game.terminals.size, pairs.shape[0]),
    )
    batch = game.batch_shape
    entries = []
    for i in (0, 1):
        vals = (weight * game.payoffs[..., i]).reshape(-1, game.terminals.size)
        entries.append(np.asarray((S.T @ vals.T).T).reshape((*batch, pairs.shape[0])))
    (E, e), (F, f) = constraints
    return SequenceForm(
        tree=game,
        n_sequences=(n_seq[0], n_seq[1]),
        infoset_sequence=infoset_sequence,
        parent_sequence=parent_sequence,
        E=E,
        e=e,
        F=F,
        f=f,
        pairs=pairs,
        terminal_pair=terminal_pair,
        A_entries=entries[0],
        B_entries=entries[1],
    )


# ====================================================================== independent regret
def _forward_reach(game, flat_payoffs_probs, behavior, skip_player=None) -> np.ndarray:
    """Probability of reaching each node, ``(rows, n_nodes)``; ``skip_player``'s own moves
    count as probability one (the reach of the others and chance)."""
    probs = flat_payoffs_probs
    rows = behavior.shape[0]
    reach = np.ones((rows, game.n_nodes))
    for level in game.levels[1:]:
        u = game.parent[level]
        a = game.action_index[level]
        r = reach[:, u].copy()
        m = game.mover[u]
        ch = m == CHANCE
        if np.any(ch):
            r[:, ch] *= probs[:, game.chance_index[u[ch]], a[ch]]
        dec = (m >= 0) & (m != (-99 if skip_player is None else skip_player))
        if np.any(dec):
            r[:, dec] *= behavior[:, game.infoset[u[dec]], a[dec]]
        reach[:, level] = r
    return reach


def tree_regret(game: ExtensiveFormGame, behavior, game_index=None):
    r"""Expected payoffs and regret of behaviour profiles, straight from the tree.

    Independent of the sequence form: the expected payoff is
    :math:`u_i(\beta) = \sum_z P_\beta(z) u_i(z)` with the reach probability :math:`P_\beta`
    of a forward pass, and player :math:`i`'s best-response value is found by backward
    induction over :math:`i`'s information sets, deepest own level first: with
    :math:`\pi_{-i}(v)` the probability that chance and the others' moves lead to :math:`v`,
    information set :math:`h` takes :math:`\arg\max_a \sum_{v \in h} W(v a)`, where
    :math:`W(w)` is the :math:`\pi_{-i}`-weighted payoff of the subtree under :math:`w` when
    :math:`i` plays the choices already made below. With perfect recall every node of
    :math:`h` has the same number of :math:`i`'s moves above it, and the choices at deeper
    levels do not depend on those above, so this is a best reply (a pure one). Regret is
    :math:`r_i = \max_{\beta_i'} u_i(\beta_i', \beta_{-i}) - u_i(\beta) \ge 0`.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound tree (any number of players, perfect recall).
    behavior : array_like, shape (rows, n_infosets, max_actions)
        Per row, a distribution over each information set's actions (entries beyond an
        information set's actions are ignored).
    game_index : array_like of int, shape (rows,), optional
        Flat batch index of each row's game (default: row ``r`` is game ``r``, or the one game).

    Returns
    -------
    payoffs, regret : ndarray, shape (rows, n_players)
    """
    game.require_bound()
    beh = np.asarray(behavior, dtype=float)
    rows = beh.shape[0]
    if game_index is None:
        game_index = np.arange(rows) if game.batch_size > 1 else np.zeros(rows, dtype=np.int64)
    game_index = np.asarray(game_index, dtype=np.int64)
    flat = game.flatten() if game.batch_shape else game
    size = game.batch_size
    pay = np.asarray(flat.payoffs).reshape(size, game.terminals.size, game.n_players)
    pay = pay[game_index]
    probs = np.asarray(flat.chance_probs).reshape(size, *game.chance_probs.shape[-2:])
    probs = probs[game_index]
    beh = np.where(np.isfinite(beh), beh, 0.0)
    reach = _forward_reach(game, probs, beh)
    payoffs = np.einsum("rt,rti->ri", reach[:, game.terminals], pay)
    n, kmax = game.n_nodes, game.children.shape[1]
    children = game.children
    depth_levels = game.levels
    regret = np.zeros((rows, game.n_players))
    for i in range(game.n_players):
        opp = _forward_reach(game, probs, beh, skip_player=i)
        # own level: number of i's moves above each node
        own = np.zeros(n, dtype=np.int64)
        for level in depth_levels[1:]:
            u = game.parent[level]
            own[level] = own[u] + (game.mover[u] == i)
        mine = np.flatnonzero(game.mover == i)
        choice = np.zeros((rows, max(game.n_infosets, 1)), dtype=np.int64)
        base = np.zeros((rows, n))
        base[:, game.terminals] = opp[:, game.terminals] * pay[:, :, i]
        levels_i = sorted(set(own[mine].tolist()), reverse=True)
        value = base
        for ell in [*levels_i, None]:
            value = base.copy()
            for level in depth_levels[::-1]:
                inner = level[game.mover[level] != TERMINAL]
                if not inner.size:
                    continue
                kids = children[inner]
                ok = kids >= 0
                vals = np.where(ok, value[:, np.where(ok, kids, 0)], 0.0)  # (rows, m, kmax)
                tot = vals.sum(axis=-1)
                is_i = game.mover[inner] == i
                if np.any(is_i):
                    pick = choice[:, game.infoset[inner[is_i]]]  # (rows, m_i)
                    tot[:, is_i] = np.take_along_axis(vals[:, is_i, :], pick[..., None], axis=-1)[
                        ..., 0
                    ]
                value[:, inner] = tot
            if ell is None:
                break
            nodes = mine[own[mine] == ell]
            hs = game.infoset[nodes]
            kids = children[nodes]
            ok = kids >= 0
            vals = np.where(ok, value[:, np.where(ok, kids, 0)], 0.0)  # (rows, m, kmax)
            uniq, inv = np.unique(hs, return_inverse=True)
            score = np.zeros((rows, uniq.size, kmax))
            np.add.at(score, (slice(None), inv.reshape(-1)), vals)
            widths = game.num_children[game.infoset_nodes_first[uniq]]
            score = np.where(np.arange(kmax) < widths[:, None], score, -np.inf)
            choice[:, uniq] = np.argmax(score, axis=-1)
        best = value[:, 0]
        regret[:, i] = np.maximum(best - payoffs[:, i], 0.0)
    return payoffs, regret


def _player_units(game: ExtensiveFormGame) -> np.ndarray:
    """Each player's payoff unit (range of the terminal payoffs), ``(batch_size, n_players)``."""
    pay = np.asarray(game.payoffs).reshape(-1, game.terminals.size, game.n_players)
    with np.errstate(over="ignore"):
        return _unit(pay.max(axis=1) - pay.min(axis=1))


# ====================================================================== results
@dataclass(frozen=True, eq=False)
class SequenceFormSolution(Result):
    """What :func:`sequence_form_lp` and :func:`sequence_form_lcp` return: one row per game.

    Attributes
    ----------
    method : str
        ``"sequence_form_lp"`` or ``"sequence_form_lcp"``.
    tol : float
        Tolerance, as a fraction of each player's payoff unit.
    batch_shape : tuple of int
        Batch shape of the solved game.
    game_index : ndarray of int, shape (rows,)
        Flat (C-order) batch index of each row's game.
    behavior : ndarray, shape (rows, n_infosets, max_actions)
        Per row, each information set's distribution over its actions, in the game's
        information-set numbering, NaN beyond an information set's actions.
    realization : tuple of ndarray
        The realization plans :math:`x` ``(rows, n_1)`` and :math:`y` ``(rows, n_2)``.
    payoffs : ndarray, shape (rows, 2)
        Expected payoffs, computed from the tree by :func:`tree_regret`.
    regret : ndarray, shape (rows, 2)
        Each player's gain from the best deviation (:func:`tree_regret`, independent of the
        solver), in payoff units.
    units : ndarray, shape (rows, 2)
        Each player's payoff unit (range of the player's terminal payoffs, 1 if constant).
    value : ndarray of shape (rows,) or None
        For the LP: the value of the game to player 1, as the LP found it.
    pivots : ndarray of int or None
        For the LCP: the number of Lemke pivots per game.
    converged : bool
        True when every row is within ``tol`` (relative regret).
    options : dict
        Solver details.
    """

    method: str
    tol: float
    batch_shape: tuple[int, ...]
    game_index: np.ndarray
    behavior: np.ndarray
    realization: tuple[np.ndarray, np.ndarray]
    payoffs: np.ndarray
    regret: np.ndarray
    units: np.ndarray
    value: np.ndarray | None = None
    pivots: np.ndarray | None = None
    converged: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    #: one row per solved game (an equilibrium each), with ``game_index``
    layout = "per_equilibrium"

    def __len__(self) -> int:
        return int(self.game_index.size)

    @property
    def relative_regret(self) -> np.ndarray:
        r"""Per row, :math:`\max_i r_i / s_i` (regret in each player's own payoff unit)."""
        return (self.regret / self.units).max(axis=-1)

    def to_pandas(self):
        """One row per game: index, payoffs, regret (and value / pivots)."""
        import pandas as pd

        data: dict[str, Any] = {"game_index": self.game_index}
        for i in range(self.payoffs.shape[1]):
            data[f"payoff_{i}"] = self.payoffs[:, i]
            data[f"regret_{i}"] = self.regret[:, i]
        if self.value is not None:
            data["value"] = self.value
        if self.pivots is not None:
            data["pivots"] = self.pivots
        return pd.DataFrame(data)


def _finish(game, sf, x, y, *, method, tol, value=None, pivots=None, options=None):
    behavior = sf.behavior(x, y)
    rows = x.shape[0]
    index = np.arange(rows)
    payoffs, regret = tree_regret(game, behavior, index)
    units = _player_units(game)[index]
    converged = bool(np.all((regret / units).max(axis=-1) <= tol))
    return SequenceFormSolution(
        method=method,
        tol=tol,
        batch_shape=game.batch_shape,
        game_index=index,
        behavior=behavior,
        realization=(x, y),
        payoffs=payoffs,
        regret=regret,
        units=units,
        value=value,
        pivots=pivots,
        converged=converged,
        options=dict(options or {}),
    )


# ====================================================================== zero-sum LP
def _lp_chunk(sf: SequenceForm, A: np.ndarray):
    """Solve the block-diagonal LP of ``A`` entries ``(G, n_pairs)``; return x, y, value."""
    G = A.shape[0]
    n1, n2 = sf.n_sequences
    E, F = sf.E, sf.F
    r1, r2 = E.shape[0], F.shape[0]
    nv = n1 + r2  # variables per game: x, then q
    # A_ub per game: rows sigma2 (n2): -A^T x + F^T q <= 0
    Ft = sp.coo_matrix(F.T)
    ub_rows = np.concatenate([sf.pairs[:, 1], Ft.row])
    ub_cols = np.concatenate([sf.pairs[:, 0], n1 + Ft.col])
    ub_vals = np.concatenate([-A, np.broadcast_to(Ft.data, (G, Ft.data.size))], axis=1)
    g = np.arange(G)[:, None]
    A_ub = sp.csr_matrix(
        (
            ub_vals.reshape(-1),
            ((g * n2 + ub_rows).reshape(-1), (g * nv + ub_cols).reshape(-1)),
        ),
        shape=(G * n2, G * nv),
    )
    Ec = sp.coo_matrix(E)
    A_eq = sp.csr_matrix(
        (
            np.tile(Ec.data, G),
            ((g * r1 + Ec.row).reshape(-1), (g * nv + Ec.col).reshape(-1)),
        ),
        shape=(G * r1, G * nv),
    )
    b_eq = np.tile(sf.e, G)
    c = np.zeros((G, nv))
    c[:, n1] = -1.0  # maximise q_0 (f = unit vector)
    bounds = np.zeros((G, nv, 2))
    bounds[:, :n1, 1] = np.inf
    bounds[:, n1:] = (-np.inf, np.inf)
    result = linprog(
        c.reshape(-1),
        A_ub=A_ub,
        b_ub=np.zeros(G * n2),
        A_eq=A_eq,
        b_eq=b_eq,
        bounds=bounds.reshape(-1, 2),
        method="highs-ds",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if result.status != 0:
        raise SolverError(
            f"HiGHS did not solve the sequence-form LP: {result.message}; check that the "
            "tree is zero-sum"
        )
    sol = result.x.reshape(G, nv)
    x = np.clip(sol[:, :n1], 0.0, None)
    y = np.clip(-result.ineqlin.marginals.reshape(G, n2), 0.0, None)
    return x, y, sol[:, n1]


def sequence_form_lp(game: ExtensiveFormGame, *, tol: float | None = None):
    r"""Value and optimal behaviour strategies of two-player zero-sum trees (sequence-form LP).

    Solves, for every game of the batch, :math:`\max f^\top q` subject to
    :math:`F^\top q - A^\top x \le 0`, :math:`E x = e`, :math:`x \ge 0` (see the module
    docstring), with scipy's HiGHS dual simplex; player 2's plan comes from the LP's dual
    multipliers. The games of a chunk of the batch are stacked into one block-diagonal LP
    (one HiGHS call per chunk). Constant-sum trees (:math:`u_1 + u_2` the same at every
    terminal) are accepted.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound two-player zero-sum (or constant-sum) tree with perfect recall.
    tol : float, optional
        Tolerance as a fraction of player 1's payoff unit (default 1e-9): the zero-sum check
        and the convergence flag use it.

    Returns
    -------
    SequenceFormSolution
        ``value`` is the value to player 1 per game (flat batch order).

    Raises
    ------
    GameValueError
        If the tree is not a two-player zero-sum tree with perfect recall.
    SolverError
        If HiGHS fails.

    Examples
    --------
    >>> import irgames as ig
    >>> T = ig.TreeBuilder(["A", "B"])
    >>> game = T.build(T.decision("A", {
    ...     "l": T.decision("B", {"x": T.terminal(3, -3), "y": T.terminal(-1, 1)}),
    ...     "r": T.terminal(1, -1)}))
    >>> float(sequence_form_lp(game).value[0])
    1.0
    """
    tol = DEFAULT_TOL if tol is None else float(tol)
    sf = sequence_form(game)
    pay = np.asarray(game.payoffs).reshape(-1, game.terminals.size, 2)
    units = _player_units(game)
    total = pay.sum(axis=-1)
    spread = total.max(axis=1) - total.min(axis=1)
    if np.any(spread > tol * units[:, 0] * 10):
        b = int(np.argmax(spread - tol * units[:, 0]))
        raise SolverError(
            "sequence_form_lp needs a zero-sum (or constant-sum) tree; u_1 + u_2 varies by "
            f"{spread[b]:.3g} over the terminals of game {b}; use sequence_form_lcp"
        )
    A = sf.A_entries.reshape(-1, sf.pairs.shape[0])
    scale = units[:, 0]
    A = A / scale[:, None]
    G = A.shape[0]
    per = max(1, _LP_CHUNK_NNZ // max(1, sf.pairs.shape[0] + sf.F.size))
    xs, ys, vs = [], [], []
    for start in range(0, G, per):  # chunks of games: each chunk is one LP
        x, y, v = _lp_chunk(sf, A[start : start + per])
        xs.append(x)
        ys.append(y)
        vs.append(v)
    x, y = np.concatenate(xs), np.concatenate(ys)
    value = np.concatenate(vs) * scale
    return _finish(
        game,
        sf,
        x,
        y,
        method="sequence_form_lp",
        tol=tol,
        value=value,
        options={"solver": "scipy.optimize.linprog (HiGHS dual simplex), block-diagonal"},
    )


# ====================================================================== general-sum LCP
def _lcp_data(sf: SequenceForm):
    """``M (G, N, N)``, ``q (N,)`` and block offsets, payoffs mapped into [-2, -1]."""
    game = sf.tree
    n1, n2 = sf.n_sequences
    r1, r2 = sf.E.shape[0], sf.F.shape[0]
    N = n1 + n2 + 2 * r1 + 2 * r2
    pay = np.asarray(game.payoffs).reshape(-1, game.terminals.size, 2)
    G = pay.shape[0]
    require(8.0 * G * N * N * 2, "the matrices M of the sequence-form LCP")
    units = _player_units(game)
    neg = (pay - pay.max(axis=1, keepdims=True)) / units[:, None, :] - 1.0  # in [-2, -1]
    flat = game.flatten() if game.batch_shape else game
    reach = _chance_reach(flat).reshape(G, game.n_nodes)[:, game.terminals]
    S = sp.csr_matrix(
        (np.ones(game.terminals.size), (sf.terminal_pair, np.arange(game.terminals.size))),
        shape=(sf.pairs.shape[0], game.terminals.size),
    )
    Aent = np.asarray(S @ (reach * neg[..., 0]).T).T  # (G, n_pairs)
    Bent = np.asarray(S @ (reach * neg[..., 1]).T).T
    ox, oy = 0, n1
    op1, op2 = n1 + n2, n1 + n2 + r1
    oq1, oq2 = n1 + n2 + 2 * r1, n1 + n2 + 2 * r1 + r2
    M = np.zeros((G, N, N))
    s1, s2 = sf.pairs[:, 0], sf.pairs[:, 1]
    M[:, ox + s1, oy + s2] = -Aent
    M[:, oy + s2, ox + s1] = -Bent
    E, F = sf.E, sf.F
    M[:, ox : ox + n1, op1 : op1 + r1] = E.T
    M[:, ox : ox + n1, op2 : op2 + r1] = -E.T
    M[:, oy : oy + n2, oq1 : oq1 + r2] = F.T
    M[:, oy : oy + n2, oq2 : oq2 + r2] = -F.T
    M[:, op1 : op1 + r1, ox : ox + n1] = -E
    M[:, op2 : op2 + r1, ox : ox + n1] = E
    M[:, oq1 : oq1 + r2, oy : oy + n2] = -F
    M[:, oq2 : oq2 + r2, oy : oy + n2] = F
    q = np.zeros(N)
    q[op1 : op1 + r1] = sf.e
    q[op2 : op2 + r1] = -sf.e
    q[oq1 : oq1 + r2] = sf.f
    q[oq2 : oq2 + r2] = -sf.f
    return M, q, N


def _lex_leaving(rhs, Binv, col, active, eps):
    """Row that leaves, per game: lexicographic minimum ratio over rows with ``col > eps``.

    Rows of ``[rhs | Binv]`` divided by ``col`` are compared entry by entry (``rhs`` first),
    each tie kept within a relative ``1e-11``. Returns the row per game (``-1`` where no entry
    of the column is positive, a ray, and for inactive games).
    """

    def keep_min(cand, ratio):
        ratio = np.where(cand, ratio, np.inf)
        best = ratio.min(axis=-1, keepdims=True)
        tie = 1e-11 * np.maximum(1.0, np.abs(np.where(np.isfinite(best), best, 0.0)))
        return cand & (ratio <= best + tie)

    cand = (col > eps) & active[:, None]
    safe = np.where(cand, col, 1.0)
    cand = keep_min(cand, rhs / safe)
    counts = cand.sum(axis=1)
    if np.any(counts > 1):
        # break the remaining ties on the candidate rows only: (G, c) rows of Binv / col
        width = int(counts.max())
        order = np.argsort(~cand, axis=1, kind="stable")[:, :width]
        live = np.take_along_axis(cand, order, axis=1)
        rows_g = np.arange(rhs.shape[0])[:, None]
        sub = Binv[rows_g, order, :] / np.take_along_axis(safe, order, axis=1)[:, :, None]
        todo = np.flatnonzero(live.sum(axis=1) > 1)
        while todo.size:  # each round drops at least one candidate of every game in it
            sl, ss = live[todo], sub[todo]
            mask = sl[:, :, None]
            hi = np.where(mask, ss, -np.inf).max(axis=1)
            lo = np.where(mask, ss, np.inf).min(axis=1)
            differ = (hi - lo) > 1e-11 * np.maximum(1.0, np.abs(lo))
            go = differ.any(axis=1)  # where none: rows equal up to rounding, take the first
            todo, sl, ss, differ = todo[go], sl[go], ss[go], differ[go]
            k = np.argmax(differ, axis=1)  # the first entry where the candidates differ
            live[todo] = keep_min(sl, ss[np.arange(todo.size), :, k])
            todo = todo[live[todo].sum(axis=1) > 1]
        pick = np.argmax(live, axis=1)
        chosen = order[np.arange(rhs.shape[0]), pick]
        rows = np.where(counts > 0, chosen, -1)
    else:
        rows = np.where(counts > 0, np.argmax(cand, axis=1), -1)
    rows[~active] = -1
    return rows


def _original_columns(M, var):
    """Columns of ``[I, -M, -d]`` (``d`` = ones) for variable ``var[g]`` of each game."""
    G, N, _ = M.shape
    g = np.arange(G)
    out = np.zeros((G, N))
    w = var < N
    out[g[w], var[w]] = 1.0
    z = (var >= N) & (var < 2 * N)
    out[z] = -M[g[z], :, var[z] - N]
    out[var == 2 * N] = -1.0
    return out


def _pivot(rhs, Binv, basis, col, rows, var, active):
    """Pivot the active games on ``rows`` with entering column ``col`` (in place).

    The new inverse is ``Binv - c prow^T`` with ``prow`` the pivot row of ``Binv`` divided by
    the pivot and ``c`` the column with its pivot entry lowered by one (which turns the pivot
    row into ``prow``); inactive games get ``c = 0``.
    """
    ar = np.arange(rows.size)
    rr = np.where(active, rows, 0)
    piv = np.where(active, col[ar, rr], 1.0)
    prow = Binv[ar, rr, :] / piv[:, None]
    prhs = rhs[ar, rr] / piv
    c = np.where(active[:, None], col, 0.0)
    c[ar, rr] -= active
    Binv -= c[:, :, None] * prow[:, None, :]
    rhs -= c * prhs[:, None]
    basis[ar[active], rr[active]] = var[active]


def sequence_form_lcp(
    game: ExtensiveFormGame, *, tol: float | None = None, max_pivots: int | None = None
):
    r"""A Nash equilibrium of every two-player tree of a batch: Lemke on the sequence form.

    Solves the sequence-form LCP of Koller, Megiddo and von Stengel (1996) (see the module
    docstring) by Lemke's algorithm with covering vector :math:`d = \mathbf 1` and
    lexicographic tie-breaking, all games of the batch pivoting in lockstep. The final basis
    is solved once more from the original data (a batched linear solve) so that rounding
    error does not accumulate over the pivots. The realization plans are converted to
    behaviour strategies, and the regret of each row is computed from the tree by
    :func:`tree_regret`.

    Parameters
    ----------
    game : ExtensiveFormGame
        A bound two-player tree with perfect recall.
    tol : float, optional
        Relative tolerance (fraction of each player's payoff unit; default 1e-9) of the
        convergence flag.
    max_pivots : int, optional
        Safety cap on the number of pivots (default ``50 N``, :math:`N` the LCP's size).

    Returns
    -------
    SequenceFormSolution
        One equilibrium per game, with ``pivots``.

    Raises
    ------
    SolverError
        If Lemke's algorithm ends on a ray (which the theory rules out).
    ConvergenceError
        If ``max_pivots`` is reached.

    Examples
    --------
    >>> import irgames as ig
    >>> T = ig.TreeBuilder(["E", "I"])
    >>> game = T.build(T.decision("E", {
    ...     "out": T.terminal(0, 2),
    ...     "in": T.decision("I", {"fight": T.terminal(-1, -1), "share": T.terminal(1, 1)}),
    ... }))
    >>> eq = sequence_form_lcp(game)
    >>> eq.payoffs.tolist(), float(eq.relative_regret[0])
    ([[1.0, 1.0]], 0.0)
    """
    tol = DEFAULT_TOL if tol is None else float(tol)
    sf = sequence_form(game)
    M, q, N = _lcp_data(sf)
    G = M.shape[0]
    n1, n2 = sf.n_sequences
    cap = 50 * N if max_pivots is None else int(max_pivots)
    # revised form: the basis inverse of w - M z - d z0 = q (variables w 0..N-1, z N..2N-1,
    # z0 2N) and the basic solution; the basis starts as the w's
    require(8.0 * G * N * N * 3, "the basis inverses of Lemke's algorithm")
    Binv = np.broadcast_to(np.eye(N), (G, N, N)).copy()
    rhs = np.broadcast_to(q, (G, N)).copy()
    basis = np.broadcast_to(np.arange(N), (G, N)).copy()
    eps = 1e-11  # pivot entries below eps times the column's largest are taken as zero
    active = np.ones(G, dtype=bool)
    pivots = np.zeros(G, dtype=np.int64)
    # first pivot: z0 enters at the lexicographic minimum of [q, I] / d
    col = -np.ones((G, N))
    rows = _lex_leaving(rhs, Binv, -col, active, 0.0)
    leaving = basis[np.arange(G), rows].copy()
    _pivot(rhs, Binv, basis, col, rows, np.full(G, 2 * N), active)
    pivots += 1
    entering = np.where(leaving < N, leaving + N, leaving - N)
    ids = np.arange(G)  # working slot -> game; finished games are compacted away
    final_basis = basis.copy()
    final_rhs = rhs.copy()
    Mw = M
    for _ in range(cap):
        if not np.any(active):
            break
        if active.sum() <= active.size // 2:
            fin = ~active
            final_basis[ids[fin]] = basis[fin]
            final_rhs[ids[fin]] = rhs[fin]
            ids, Binv, rhs, basis = ids[active], Binv[active], rhs[active], basis[active]
            Mw, entering = Mw[active], entering[active]
            active = active[active]
        col = np.matmul(Binv, _original_columns(Mw, entering)[:, :, None])[:, :, 0]
        big = np.abs(col).max(axis=1, keepdims=True)
        rows = _lex_leaving(rhs, Binv, col, active, eps * np.maximum(big, 1.0))
        ray = active & (rows < 0)
        if np.any(ray):
            b = int(ids[np.flatnonzero(ray)[0]])
            raise SolverError(
                f"Lemke's algorithm ended on a ray for game {b} of the batch; the sequence-form "
                "LCP should not allow that (please report the tree)"
            )
        g = np.flatnonzero(active)
        leave = basis[g, rows[g]].copy()
        _pivot(rhs, Binv, basis, col, rows, entering, active)
        pivots[ids[g]] += 1
        # z0 has left, or stays basic at level zero: either way w = q + M z, z >= 0 is
        # complementary, a solution
        at = basis[g] == 2 * N
        level = np.where(at, rhs[g], np.inf).min(axis=1)
        done = (leave == 2 * N) | (level <= 1e-13)
        active[g[done]] = False
        nxt = np.where(leave < N, leave + N, leave - N)
        entering[g] = np.where(done, entering[g], nxt)
    else:
        if np.any(active):
            raise ConvergenceError(
                f"Lemke's algorithm did not finish within {cap} pivots for "
                f"{int(active.sum())} game(s); pass a larger max_pivots"
            )
    final_basis[ids] = basis
    final_rhs[ids] = rhs
    basis, rhs = final_basis, final_rhs
    # recompute the basic solution from the original data: [I, -M, -d] on the basis
    Bmat = np.empty((G, N, N))
    for j in range(N):  # structure: one column of the basis matrices at a time
        Bmat[:, :, j] = _original_columns(M, basis[:, j])
    try:
        vals = np.linalg.solve(Bmat, np.broadcast_to(q, (G, N))[..., None])[..., 0]
    except np.linalg.LinAlgError:
        vals = rhs
    z = np.zeros((G, 2 * N + 1))
    np.put_along_axis(z, basis, vals, axis=1)
    zz = z[:, N : 2 * N]
    x = np.clip(zz[:, :n1], 0.0, None)
    y = np.clip(zz[:, n1 : n1 + n2], 0.0, None)
    return _finish(
        game,
        sf,
        x,
        y,
        method="sequence_form_lcp",
        tol=tol,
        pivots=pivots,
        options={"covering_vector": "ones", "tie_breaking": "lexicographic", "size": N},
    )
