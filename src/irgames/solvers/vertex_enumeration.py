r"""All extreme equilibria of two-player games by vertex enumeration, batched.

Let the row player have :math:`m` actions and payoff matrix :math:`A`, the column player
:math:`n` actions and matrix :math:`B`. Nash equilibria are unchanged by a positive affine
transformation of each player's payoffs, so the payoffs are first mapped into :math:`[1, 2]`:
:math:`A' = 1 + (A - \min A)/s_1` and :math:`B' = 1 + (B - \min B)/s_2`, where :math:`s_i` is
player :math:`i`'s own payoff range
(:attr:`~irgames.games.normal_form.NormalFormGame.payoff_units`, the package's payoff unit).
Tolerances are absolute on :math:`A', B'`, so a tolerance on player :math:`i`'s payoffs is a
fraction of :math:`s_i`: scaling or shifting one player's payoffs changes nothing the
algorithm decides. The *best-response
polytopes* are

.. math::

    P = \{x \in \mathbb{R}^m : x \ge 0,\; B'^\top x \le 1\}, \qquad
    Q = \{y \in \mathbb{R}^n : y \ge 0,\; A' y \le 1\},

both bounded because :math:`A', B' > 0`. A point of :math:`P` has *label* :math:`i` when
:math:`x_i = 0` and label :math:`m + j` when :math:`(B'^\top x)_j = 1` (column :math:`j` is a
best response to :math:`x`); a point of :math:`Q` has label :math:`i` when :math:`(A' y)_i = 1`
and label :math:`m + j` when :math:`y_j = 0`. A pair :math:`(x, y) \ne (0, 0)` is *completely
labelled* when every label in :math:`\{0, \dots, m + n - 1\}` belongs to :math:`x` or to
:math:`y`, and then :math:`(x / \sum x, y / \sum y)` is a Nash equilibrium; the equilibria
whose two strategies are vertices of :math:`P` and :math:`Q` are the *extreme* equilibria, and
every equilibrium is a convex combination of extreme ones within a maximal Nash subset (below).

Vertices by linear algebra over label sets
    A vertex of :math:`P` has :math:`m` linearly independent tight constraints. If its support
    has :math:`k` elements :math:`S`, and :math:`T` are :math:`k` tight columns, then
    :math:`B'[S, T]^\top x_S = 1`. There are
    :math:`\sum_k \binom{m}{k}\binom{n}{k} = \binom{m+n}{m}` such systems per game and
    polytope, and they share their minors: the solver computes every minor of the augmented
    matrix :math:`[C \mid \mathbf 1]` (:math:`C = B'^\top` or :math:`A'`) size by size by
    Laplace expansion, vectorised over the whole batch (batch axis last, contiguous), which
    gives by Cramer's rule the candidate vertex of *every* pair :math:`(S, T)` of *every* game
    at once. A loose screen (nonnegative, and the rows outside :math:`T` at most one, within
    ``1e-4``) discards all but the near-feasible candidates; those are re-solved by Gaussian
    elimination with partial pivoting (singular systems are discarded; every vertex has a
    nonsingular choice) and checked with tolerance ``tol``; their labels are read off with
    ``tol``, and repeated vertices are removed (in a degenerate polytope a vertex is reached
    from several label sets; a vertex is determined by its label set).

Matching
    Within each game every vertex of :math:`P` is paired with every vertex of :math:`Q` at
    once (bit masks of labels, a segmented cross product over the batch) and completely
    labelled pairs are kept.

Degeneracy
    A game is *degenerate* when some mixed strategy with support of size :math:`k` has more
    than :math:`k` pure best responses; equivalently, some vertex of :math:`P` has more than
    :math:`m` labels or some vertex of :math:`Q` more than :math:`n`. This is what
    ``Equilibria.degenerate`` reports.

Components and maximal Nash subsets
    Two extreme equilibria are *compatible* when they share a strategy. The extreme
    equilibria are the edges of a bipartite graph between the vertices of :math:`P` and of
    :math:`Q` that occur in them. A *maximal Nash subset* is :math:`\mathrm{conv}(X) \times
    \mathrm{conv}(Y)` for a maximal biclique :math:`X \times Y` of this graph (every pair in it
    is an equilibrium, Winkels 1979; Jansen 1981), and the connected components of the graph
    are the connected components of the set of equilibria (Avis, Rosenberg, Savani and von
    Stengel 2010). ``Equilibria.component`` labels each row with its connected component within
    its game. ``options["isolated"]`` (bool per row) marks the extreme equilibria that share
    no strategy with another extreme equilibrium: each is an isolated equilibrium, a maximal
    Nash subset and a component of its own. ``options["cliques"]`` lists the maximal
    bicliques of every game that has non-isolated rows, as :class:`Clique` records (a tuple
    ordered by game), each naming its rows; together with the isolated rows they are all the
    maximal Nash subsets. The bicliques are found by closing the family of neighbourhoods
    under intersection, with a Python loop over the games that have shared strategies (and
    only those: each such graph is small, but a batch of many degenerate games pays a loop
    over them; components, by contrast, are labelled for the whole batch at once).
    In a nondegenerate game every equilibrium is isolated: each row is its own component and
    its own maximal Nash subset (not listed in ``options["cliques"]``).

Tolerances are relative: each player's payoffs are rescaled by that player's own range
(``NormalFormGame.payoff_units``), so ``tol`` on player :math:`i`'s payoffs is a fraction of
:math:`s_i`, and the regret stored in the result (computed independently by
:func:`irgames.games.regret.regret`) is in the game's own units (``Equilibria.relative_regret``
divides each player's by :math:`s_i`).

References: D. Avis, G. Rosenberg, R. Savani, B. von Stengel, "Enumeration of Nash equilibria
for two-player games", Economic Theory 42 (2010); B. von Stengel, "Computing equilibria for
two-person games", Handbook of Game Theory vol. 3 (2002), ch. 45.

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.vertex_enumeration import vertex_enumeration
>>> battle = ig.NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
>>> eq = vertex_enumeration(battle)
>>> len(eq), bool(eq.degenerate)
(3, False)
>>> sorted([round(float(p), 3) for p in x] for x, y in eq.profiles())
[[0.0, 1.0], [0.6, 0.4], [1.0, 0.0]]

A degenerate game has a continuum of equilibria; its extreme points share a component:

>>> game = ig.NormalFormGame.bimatrix([[1, 1], [0, 0]], [[1, 1], [0, 0]])
>>> eq = vertex_enumeration(game)
>>> len(eq), bool(eq.degenerate), eq.component.tolist(), len(eq.options["cliques"])
(2, True, [0, 0], 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import ClassVar

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from ._batched_linalg import solve_batched
from .equilibria import DEFAULT_TOL, Equilibria

__all__ = [
    "Clique",
    "normalised_bimatrix",
    "polytope_vertices",
    "vertex_enumeration",
    "vertex_enumeration_floats",
]

#: Default bound on the number of floats held at once by one stack of systems.
DEFAULT_MEMORY_FLOATS = 8_000_000


@dataclass(frozen=True)
class Clique:
    """A maximal Nash subset :math:`\\mathrm{conv}(X) \\times \\mathrm{conv}(Y)` of one game.

    Attributes
    ----------
    game : int
        Flat index of the game in the batch.
    component : int
        The connected component (within the game) that contains the clique.
    rows : tuple of int
        Rows of the :class:`Equilibria` result that are the extreme equilibria
        :math:`X \\times Y` of the clique (``len(player1) * len(player2)`` rows). They index the
        result that :func:`vertex_enumeration` returned (``Equilibria.select`` and ``for_game``
        keep ``options`` as they are, so they do not renumber them).
    player1, player2 : tuple of tuple of float
        The extreme strategies :math:`X` of the row player and :math:`Y` of the column player;
        any mixture of ``player1`` against any mixture of ``player2`` is an equilibrium.
    """

    game: int
    component: int
    rows: tuple[int, ...]
    player1: tuple[tuple[float, ...], ...]
    player2: tuple[tuple[float, ...], ...]


def _check_two_player(game: NormalFormGame, tol: float) -> None:
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"expected a NormalFormGame, got {type(game).__name__}")
    if game.n_players != 2:
        raise SolverError(f"this solver needs a two-player game; got {game.n_players} players")
    if not (np.isfinite(tol) and 0 < tol < 1e-2):
        raise SolverError(f"tol must be a small positive number (0 < tol < 1e-2), got {tol}")
    m, n = game.num_actions
    if max(m, n) > 62:
        raise SolverError(f"at most 62 actions per player are supported, got {m}x{n}")


def normalised_bimatrix(game: NormalFormGame) -> tuple[np.ndarray, np.ndarray]:
    r"""Payoffs ``1 + (A - min A) / s_1`` and ``1 + (B - min B) / s_2``, in ``[1, 2]``.

    :math:`s_i` is player :math:`i`'s own payoff range (``NormalFormGame.payoff_units``; 1 where
    constant): a positive affine map of each player's payoffs, which changes no equilibrium, so
    that an absolute tolerance on the normalised game is a fraction of each player's own unit.
    Shapes ``(batch_size, m, n)``.

    Examples
    --------
    >>> import irgames as ig
    >>> game = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[1e10, 0], [0, 1]])
    >>> A, B = normalised_bimatrix(game)
    >>> A[0].tolist(), B[0].tolist()
    ([[1.6, 1.0], [2.0, 1.2]], [[2.0, 1.0], [1.0, 1.0000000001]])
    """
    flat = game.flatten()
    units = flat.payoff_units  # (G, 2)
    out = []
    for player in (0, 1):
        M = flat.player_payoffs(player)
        out.append(1.0 + (M - M.min(axis=(-2, -1), keepdims=True)) / units[:, player, None, None])
    return out[0], out[1]


def _popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int64)
    x = x.astype(np.int64).copy()
    count = np.zeros_like(x)
    while np.any(x):
        count += x & 1
        x >>= 1
    return count


def _bits(flags: np.ndarray) -> np.ndarray:
    """Pack boolean flags along the last axis into an int64 bit mask (bit i = flag i)."""
    weights = np.left_shift(np.int64(1), np.arange(flags.shape[-1], dtype=np.int64))
    return (flags.astype(np.int64) * weights).sum(axis=-1)


def polytope_vertices(
    C: np.ndarray, *, tol: float = DEFAULT_TOL, memory_floats: int = DEFAULT_MEMORY_FLOATS
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Nonzero vertices of the polytopes :math:`\{z \ge 0, C z \le 1\}` of a batch.

    Parameters
    ----------
    C : ndarray, shape (G, r, d)
        Constraint matrices, one per game, with nonnegative entries and every column nonzero
        (so that each polytope is bounded); :func:`vertex_enumeration` passes payoffs
        normalised to ``[1, 2]``.
    tol : float
        Feasibility and label tolerance.

    Returns
    -------
    game : ndarray of int, shape (V,)
        Index of each vertex's polytope (sorted ascending).
    z : ndarray, shape (V, d)
        The vertices.
    zero_mask : ndarray of int64, shape (V,)
        Bit ``i`` set when :math:`z_i = 0` (within ``tol``).
    tight_mask : ndarray of int64, shape (V,)
        Bit ``j`` set when :math:`(C z)_j = 1` (within ``tol``).

    Examples
    --------
    >>> import numpy as np
    >>> g, z, zero, tight = polytope_vertices(np.array([[[1.0, 2.0], [2.0, 1.0]]]))
    >>> sorted(np.round(z, 3).tolist())
    [[0.0, 0.5], [0.333, 0.333], [0.5, 0.0]]
    """
    C = np.asarray(C, dtype=float)
    G, r, d = C.shape
    K = min(r, d)
    # Check the size of the work from binomial coefficients *before* building the index
    # tables, which are as large as the work itself (building them for a 9x27 game would take
    # minutes and gigabytes).
    per_game, plan_size = _work_size(r, d)
    # the index tables (built once per shape) are about three times the floats per game
    if per_game > memory_floats or plan_size > 4 * memory_floats:
        need = max(per_game, -(-plan_size // 4))
        systems = sum(math.comb(r, k) * math.comb(d, k) for k in range(K + 1))
        raise SolverError(
            f"enumerating the vertices of one {d}-dimensional polytope with {r} inequalities "
            f"solves {systems:,} linear systems and needs about {need:,} floats at once, "
            f"more than memory_floats={memory_floats:,}; pass memory_floats >= {need:,} if "
            "that fits in memory and time, or use a method that finds some equilibria "
            "(Lemke-Howson)"
        )
    plan = _MinorPlan.get(r, d + 1)
    step = max(1, int(memory_floats // per_game))
    parts: list[tuple[np.ndarray, ...]] = []
    for start in range(0, G, step):
        Cg = C[start : start + step]
        for gi, z, zero, tight in _vertices_chunk(Cg, plan, tol):
            parts.append((gi + start, z, zero, tight))
    return unique_vertices(parts, G, r, d)


def unique_vertices(parts: list, G: int, r: int, d: int):
    """Concatenate chunks of ``(game, z, zero, tight)`` vertex rows and keep one row per label
    set of each game (a vertex is determined by its tight constraints; the bases of one
    degenerate vertex share them), ordered by game, then by the label-set bit masks.

    Shared by the label-set and the reverse-search enumerations, so both give the same rows in
    the same order.
    """
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return (
            np.zeros(0, np.int64),
            np.zeros((0, d)),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
        )
    game = np.concatenate([p[0] for p in parts])
    z = np.concatenate([p[1] for p in parts])
    zero = np.concatenate([p[2] for p in parts])
    tight = np.concatenate([p[3] for p in parts])
    if r + d <= 40 and G < (1 << (62 - r - d)):
        key = (game << np.int64(r + d)) | (zero << np.int64(r)) | tight
        _, order = np.unique(key, return_index=True)  # sorted by game, then label sets
    else:  # the same order, without packing the three into one word
        keys = np.stack([game, zero, tight], axis=1)
        _, order = np.unique(keys, axis=0, return_index=True)
    return game[order], z[order], zero[order], tight[order]


def _work_size(r: int, d: int) -> tuple[int, int]:
    r"""Floats per game, and entries of the index tables, of the vertices of an ``r x d`` system.

    Vertex candidates come from :math:`\binom{r}{k}` sets of tight rows and
    :math:`\binom{d+1}{k}` column sets of the augmented matrix :math:`[C \mid \mathbf 1]`
    (:math:`\binom{d}{k}` supports) for every size :math:`k \le \min(r, d)`; these are the
    sizes of the arrays :func:`_vertices_chunk` and :class:`_MinorPlan` hold at once.
    """
    per_game, plan = 1, 0
    for k in range(min(r, d) + 1):
        rows, cols, supports = math.comb(r, k), math.comb(d + 1, k), math.comb(d, k)
        per_game = max(per_game, rows * cols * (k + 2) + rows * supports * (r - k + 2) * k)
        plan += 2 * k * rows * cols + rows * supports * (1 + k + (r - k) * k)
    return per_game, plan


def vertex_enumeration_floats(num_actions: tuple[int, int]) -> int:
    r"""Floats :func:`vertex_enumeration` needs at once for one ``m x n`` game.

    The largest of the two polytopes' work arrays (and a quarter of their index tables);
    compare it with ``memory_floats`` to choose a method before calling (a front door can fall
    back to Lemke-Howson where it is too large).

    Examples
    --------
    >>> vertex_enumeration_floats((6, 6)) < DEFAULT_MEMORY_FLOATS
    True
    >>> vertex_enumeration_floats((9, 27)) > DEFAULT_MEMORY_FLOATS
    True
    """
    m, n = (int(a) for a in num_actions)
    need = 0
    for r, d in ((n, m), (m, n)):  # P: B'^T (n x m); Q: A' (m x n)
        per_game, plan = _work_size(r, d)
        need = max(need, per_game, -(-plan // 4))
    return need


def _combos(n: int, k: int) -> np.ndarray:
    """All k-subsets of range(n) in lexicographic order, shape (C(n, k), k)."""
    combos = list(combinations(range(n), k))
    return np.array(combos, dtype=np.int64).reshape(len(combos), k)


class _MinorPlan:
    """Index tables for computing all minors of an ``r x c`` matrix by Laplace expansion."""

    _cache: ClassVar[dict[tuple[int, int], _MinorPlan]] = {}

    def __init__(self, r: int, c: int):
        K = min(r, c)
        self.rows = [_combos(r, k) for k in range(K + 1)]
        self.cols = [_combos(c, k) for k in range(K + 1)]
        row_index = [{tuple(t): i for i, t in enumerate(R.tolist())} for R in self.rows]
        col_index = [{tuple(t): i for i, t in enumerate(S.tolist())} for S in self.cols]
        # Expansion along the first row of T: det C[T, S] = sum_a (-1)^a C[T_0, S_a] *
        # det C[T \ T_0, S \ S_a].
        self.row_rest = [None] + [
            np.array(
                [row_index[k - 1][tuple(t[1:])] for t in self.rows[k].tolist()], dtype=np.int64
            )
            for k in range(1, K + 1)
        ]
        self.col_rest = [None] + [
            np.array(
                [
                    [col_index[k - 1][tuple(s[:a] + s[a + 1 :])] for a in range(k)]
                    for s in self.cols[k].tolist()
                ],
                dtype=np.int64,
            ).reshape(len(self.cols[k]), k)
            for k in range(1, K + 1)
        ]
        # Flat gather tables: entries of [C | 1] (row T_0, column S_a) and minors of size k-1.
        self.lead_flat = [None] + [
            (self.rows[k][:, 0][:, None, None] * c + self.cols[k][None, :, :]).reshape(-1)
            for k in range(1, K + 1)
        ]
        self.rest_flat = [None] + [
            (
                self.row_rest[k][:, None, None] * len(self.cols[k - 1])
                + self.col_rest[k][None, :, :]
            ).reshape(-1)
            for k in range(1, K + 1)
        ]
        # Cramer's rule for z_S with C[T, S] z_S = 1, the last column (index c - 1) being the
        # right-hand side: which column sets hold S, and S with S_i replaced by the ones.
        last = c - 1
        self.supports = []
        self.support_index = []
        self.numerator_index = []
        for k in range(K + 1):
            S = [s for s in self.cols[k].tolist() if last not in s]
            self.supports.append(np.array(S, dtype=np.int64).reshape(len(S), k))
            self.support_index.append(np.array([col_index[k][tuple(t)] for t in S], dtype=np.int64))
            self.numerator_index.append(
                np.array(
                    [
                        [col_index[k][tuple(t[:i] + t[i + 1 :] + [last])] for i in range(k)]
                        for t in S
                    ],
                    dtype=np.int64,
                ).reshape(len(S), k)
            )

        # The same tables laid out for arrays with the batch axis last: (k, nT * nC) gathers
        # of entries and of minors of size k - 1, and (nT * nS) / (k, nT * nS) gathers of the
        # determinants and Cramer numerators from the minors of size k.
        self.lead_idx = [None]
        self.rest_idx = [None]
        self.det_idx = [None]
        self.num_idx = [None]
        for k in range(1, K + 1):
            nT, nC = len(self.rows[k]), len(self.cols[k])
            self.lead_idx.append(self.lead_flat[k].reshape(nT * nC, k).T.copy())
            self.rest_idx.append(self.rest_flat[k].reshape(nT * nC, k).T.copy())
            t = np.arange(nT)[:, None] * nC
            self.det_idx.append((t + self.support_index[k][None, :]).reshape(-1))
            num = t[:, :, None] + self.numerator_index[k][None, :, :]  # (nT, nS, k)
            self.num_idx.append(np.moveaxis(num, -1, 0).reshape(k, -1).copy())
        # For the screen of the rows that are not tight by construction: entry (o, i, q) is
        # the flat index in [C | 1] of row "o-th row outside T" and column S_i of candidate q.
        self.other_idx = [None]
        for k in range(1, K + 1):
            T, S = self.rows[k], self.supports[k]
            mask = np.ones((len(T), r), dtype=bool)
            mask[np.arange(len(T))[:, None], T] = False
            others = np.nonzero(mask)[1].reshape(len(T), r - k)  # (nT, r - k), ascending
            idx = others.T[:, None, :, None] * c + S.T[None, :, None, :]  # (r-k, k, nT, nS)
            self.other_idx.append(idx.reshape(r - k, k, len(T) * len(S)))

    @classmethod
    def get(cls, r: int, c: int) -> _MinorPlan:
        if (r, c) not in cls._cache:
            cls._cache[(r, c)] = cls(r, c)
        return cls._cache[(r, c)]


#: Candidates within this (loose) tolerance after Cramer's rule are re-solved by LU.
_SCREEN = 1e-4


def _vertices_chunk(C: np.ndarray, plan: _MinorPlan, tol: float):
    """Yield ``(game, z, zero_mask, tight_mask)`` of the vertices found for each support size.

    All minors of ``[C | 1]`` are built size by size (Laplace expansion, vectorised over games
    and minors); Cramer's rule then gives the candidate vertex of every (tight rows, support)
    pair at once. Candidates that pass a loose screen are re-solved by Gaussian elimination
    with partial pivoting and checked with ``tol``.
    """
    G, r, d = C.shape
    K = min(r, d)
    # Batch axis last, so that every elementwise step runs over contiguous memory.
    aug = np.ascontiguousarray(
        np.concatenate([C, np.ones((G, r, 1))], axis=2).reshape(G, -1).T
    )  # (r * (d + 1), G)
    # Every feasible z has sum(z) <= bound: from a row j with C_j > 0, sum(z) <= 1 / min C_j.
    row_min = C.min(axis=2).max(axis=1)
    with np.errstate(divide="ignore"):
        bound = np.where(row_min > 0, 1.0 / row_min, np.inf) * (1.0 + _SCREEN)
    minors = np.ones((1, G))
    for k in range(1, K + 1):
        lead = aug[plan.lead_idx[k]]  # (k, nT * nC, G)
        lead *= minors[plan.rest_idx[k]]
        minors = lead[0]
        for a in range(1, k):
            if a % 2:
                minors -= lead[a]
            else:
                minors += lead[a]
        T, S = plan.rows[k], plan.supports[k]
        nS = len(S)
        det = minors[plan.det_idx[k]]  # (nT * nS, G)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = minors[plan.num_idx[k]] / det  # (k, nT * nS, G), up to the signs below
            if k > 1:
                z[(k - 2) :: -2] *= -1.0  # Cramer's sign (-1)^(k - 1 - i)
            # Screen: z >= 0 and sum(z) <= bound, within a loose margin. NaN and inf
            # (singular systems) fail the comparisons.
            ok = z.min(axis=0) >= -_SCREEN
            ok &= z.sum(axis=0) <= bound
            if k < r:
                # The rows outside T must satisfy (C z)_o <= 1 (the rows in T are tight).
                Cz = (aug[plan.other_idx[k]] * z[None]).sum(axis=1)  # (r - k, nT * nS, G)
                ok &= Cz.max(axis=0) <= 1.0 + _SCREEN
        qi, gi = np.nonzero(ok)
        if gi.size == 0:
            continue
        ti, si = qi // nS, qi % nS
        # Polish: solve the surviving systems by LU with partial pivoting.
        sub = C[gi[:, None, None], T[ti][:, :, None], S[si][:, None, :]]  # (V, k, k)
        zS, solved = solve_batched(sub, np.ones(k))
        z = np.zeros((gi.size, d))
        z[np.arange(gi.size)[:, None], S[si]] = zS
        Cz = np.einsum("vrd,vd->vr", C[gi], z)
        feasible = solved & np.all(z >= -tol, axis=-1) & np.all(Cz <= 1.0 + tol, axis=-1)
        gi, z, Cz = gi[feasible], z[feasible], Cz[feasible]
        yield gi, z, _bits(z <= tol), _bits(Cz >= 1.0 - tol)


def _segment_pairs(count_a: np.ndarray, count_b: np.ndarray) -> tuple[np.ndarray, ...]:
    """All pairs (a, b) within each group, for items sorted by group with the given counts."""
    start_a = np.r_[0, np.cumsum(count_a)[:-1]]
    start_b = np.r_[0, np.cumsum(count_b)[:-1]]
    sizes = count_a * count_b
    group = np.repeat(np.arange(count_a.size), sizes)
    within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    nb = count_b[group]
    return group, start_a[group] + within // nb, start_b[group] + within % nb


def _components(game: np.ndarray, p: np.ndarray, q: np.ndarray, n_p: int) -> np.ndarray:
    """Connected components of the bipartite graph with edges (p, q), numbered per game."""
    k = game.size
    if k == 0:
        return np.zeros(0, np.int64)
    nodes_q = q + n_p
    label = np.arange(n_p + int(q.max()) + 1, dtype=np.int64)
    while True:
        edge = np.minimum(label[p], label[nodes_q])
        before = label.copy()
        np.minimum.at(label, p, edge)
        np.minimum.at(label, nodes_q, edge)
        if np.array_equal(before, label):
            break
    # A component's label is its smallest node id, a vertex of P; vertices of P are sorted by
    # game, so sorting the labels sorts the components by game.
    comp = label[p]
    uniq, first, inverse = np.unique(comp, return_index=True, return_inverse=True)
    game_of = game[first]
    first_of_game = np.searchsorted(game_of, game_of, side="left")
    return np.arange(uniq.size)[inverse] - first_of_game[inverse]


def _maximal_bicliques(edges: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Maximal bicliques (X, Y) of a small bipartite graph given by its edge list.

    The closed sets of the Galois connection: every nonempty intersection of neighbourhoods
    :math:`N(x)` is a maximal :math:`Y`, with :math:`X = \\{x : N(x) \\supseteq Y\\}`.
    """
    neighbours: dict[int, int] = {}
    for a, b in edges:
        neighbours[a] = neighbours.get(a, 0) | (1 << b)
    closed: set[int] = set()
    for mask in neighbours.values():
        new = {mask} | {mask & other for other in closed}
        closed |= {s for s in new if s}
    out = []
    for Y in sorted(closed):
        X = sorted(a for a, mask in neighbours.items() if mask & Y == Y)
        out.append((X, [b for b in range(Y.bit_length()) if Y >> b & 1]))
    return out


def _match(m, n, gp, zero_p, tight_p, gq, zero_q, tight_q, degenerate, count_p, count_q):
    """Completely labelled pairs (game, P vertex, Q vertex), sorted by game.

    In a nondegenerate game a vertex of P has exactly m labels and one of Q exactly n, so the
    partner of a P vertex is the Q vertex whose label set is the complement: a sorted-key
    join over the whole batch. Degenerate games compare every pair of their vertices.
    """
    full_m, full_n = (1 << m) - 1, (1 << n) - 1
    parts = []
    nondeg_p = ~degenerate[gp]
    nondeg_q = ~degenerate[gq]
    if m + n <= 40 and gp.size and int(count_p.size) < (1 << (62 - m - n)):
        shift = np.int64(m + n)
        labels_p = zero_p | (tight_p << np.int64(m))
        labels_q = tight_q | (zero_q << np.int64(m))
        want = (gp << shift) | ((full_m | (full_n << m)) ^ labels_p)
        have = (gq << shift) | labels_q
        sel_q = np.flatnonzero(nondeg_q)
        order = sel_q[np.argsort(have[sel_q], kind="stable")]
        sorted_have = have[order]
        sel_p = np.flatnonzero(nondeg_p)
        pos = np.searchsorted(sorted_have, want[sel_p])
        pos_c = np.minimum(pos, max(sorted_have.size - 1, 0))
        hit = (
            (pos < sorted_have.size) & (sorted_have[pos_c] == want[sel_p])
            if sorted_have.size
            else np.zeros(sel_p.size, dtype=bool)
        )
        ip = sel_p[hit]
        parts.append((gp[ip], ip, order[pos_c[hit]]))
        rest = degenerate
    else:
        rest = np.ones_like(degenerate)
    sel_p = np.flatnonzero(rest[gp])
    sel_q = np.flatnonzero(rest[gq])
    group, a, b = _segment_pairs(np.where(rest, count_p, 0), np.where(rest, count_q, 0))
    ip, iq = sel_p[a], sel_q[b]
    ok = ((zero_p[ip] | tight_q[iq]) == full_m) & ((tight_p[ip] | zero_q[iq]) == full_n)
    parts.append((group[ok], ip[ok], iq[ok]))
    group = np.concatenate([p[0] for p in parts])
    ip = np.concatenate([p[1] for p in parts])
    iq = np.concatenate([p[2] for p in parts])
    # Vertices of P are sorted by game: sorting by (P vertex, Q vertex) sorts by game.
    order = np.argsort(ip * np.int64(gq.size + 1) + iq, kind="stable")
    return group[order], ip[order], iq[order]


def vertex_enumeration(
    game: NormalFormGame,
    *,
    tol: float = DEFAULT_TOL,
    memory_floats: int = DEFAULT_MEMORY_FLOATS,
    vertices: str = "auto",
) -> Equilibria:
    r"""All extreme Nash equilibria of every two-player game in a batch.

    Parameters
    ----------
    game : NormalFormGame
        Two-player games, any batch shape.
    tol : float
        Tolerance for feasibility and for reading labels; on player :math:`i`'s payoffs a
        fraction of :math:`s_i`, that player's range (``NormalFormGame.payoff_units``).
    memory_floats : int
        Upper bound on the number of floats in one stack of linear systems; the batch is
        chunked to respect it (``vertices="label_sets"``).
    vertices : {"auto", "reverse_search", "label_sets"}
        How the vertices of P and Q are enumerated: ``"label_sets"`` solves the
        :math:`\binom{m+n}{m}` systems of every label set (:func:`polytope_vertices`);
        ``"reverse_search"`` pivots from vertex to vertex
        (:func:`~irgames.solvers.reverse_search.reverse_search_vertices`), at a cost that
        follows the number of vertices; ``"auto"`` is ``"label_sets"`` for now (reverse
        search beats it only with the optional numba kernel, from m + n = 9 on, by 1.1-2.3x;
        ``reverse_search.prefers_reverse_search`` gives the measured crossover). Both give
        the same vertices.

    Returns
    -------
    Equilibria
        One row per extreme equilibrium (``complete=True``), with ``degenerate`` per game,
        ``component`` (connected component of the set of equilibria, numbered within each
        game), ``options["isolated"]`` (bool per row) and ``options["cliques"]``: the maximal
        Nash subsets with more than one extreme equilibrium, as a tuple of :class:`Clique`;
        ``options["vertices"]``: the numbers of vertices of P and of Q per game.

    Raises
    ------
    GameValueError
        If the game does not have two players.

    Examples
    --------
    >>> import numpy as np
    >>> import irgames as ig
    >>> games = ig.NormalFormGame.bimatrix(*np.random.default_rng(1).normal(size=(2, 500, 4, 4)))
    >>> eq = vertex_enumeration(games)
    >>> bool(np.all(eq.count % 2 == 1)), eq.max_relative_regret < 1e-9
    (True, True)
    """
    _check_two_player(game, tol)
    m, n = game.num_actions
    A, B = normalised_bimatrix(game)
    G = A.shape[0]
    # P: x >= 0 (label i), B'^T x <= 1 (label m + j); Q: A' y <= 1 (label i), y >= 0 (m + j).
    if vertices not in ("auto", "reverse_search", "label_sets"):
        raise SolverError(
            f"vertices must be 'auto', 'reverse_search' or 'label_sets', got {vertices!r}"
        )
    if vertices == "auto":
        # Label sets for now: reverse search wins only with the compiled (numba) kernel, and
        # only at m + n >= 9 by 1.1-2.3x, and it has no size bound before it runs (a 9x27
        # game's polytope has 531k vertices); choose it by name until its kernel is faster.
        vertices = "label_sets"
    if vertices == "reverse_search":
        from .reverse_search import reverse_search_vertices as enumerate_vertices
    else:

        def enumerate_vertices(C, tol):
            return polytope_vertices(C, tol=tol, memory_floats=memory_floats)

    gp, xp, zero_p, tight_p = enumerate_vertices(np.swapaxes(B, -1, -2), tol=tol)
    gq, yq, zero_q, tight_q = enumerate_vertices(A, tol=tol)

    labels_p = _popcount(zero_p) + _popcount(tight_p)
    labels_q = _popcount(zero_q) + _popcount(tight_q)
    degenerate = np.zeros(G, dtype=bool)
    np.logical_or.at(degenerate, gp, labels_p > m)
    np.logical_or.at(degenerate, gq, labels_q > n)

    count_p = np.bincount(gp, minlength=G)
    count_q = np.bincount(gq, minlength=G)
    group, ip, iq = _match(
        m, n, gp, zero_p, tight_p, gq, zero_q, tight_q, degenerate, count_p, count_q
    )
    x = xp[ip] / xp[ip].sum(axis=1, keepdims=True)
    y = yq[iq] / yq[iq].sum(axis=1, keepdims=True)
    component = _components(group, ip, iq, len(gp))

    # Maximal Nash subsets: only games where some extreme strategy lies in two extreme
    # equilibria need the clique enumeration of their (small) compatibility graph; in every
    # other game each extreme equilibrium is isolated, a maximal Nash subset of its own.
    shared = np.zeros(G, dtype=bool)
    for idx in (ip, iq):
        uses = np.bincount(idx, minlength=max(len(gp), len(gq)))
        np.logical_or.at(shared, group, uses[idx] > 1)
    cliques: list[Clique] = []
    in_shared = np.flatnonzero(shared[group])
    for rows in np.split(in_shared, np.flatnonzero(np.diff(group[in_shared])) + 1):
        if rows.size == 0:
            continue
        g = int(group[rows[0]])
        base = int(iq[rows].min())
        edge_row = {(int(ip[r]), int(iq[r]) - base): int(r) for r in rows}
        for X, Y in _maximal_bicliques(list(edge_row)):
            members = tuple(sorted(edge_row[(a, b)] for a in X for b in Y))
            cliques.append(
                Clique(
                    game=g,
                    component=int(component[members[0]]),
                    rows=members,
                    player1=tuple(tuple((xp[a] / xp[a].sum()).tolist()) for a in X),
                    player2=tuple(tuple((yq[b + base] / yq[b + base].sum()).tolist()) for b in Y),
                )
            )

    return Equilibria.from_profiles(
        game,
        group,
        (x, y),
        method="vertex_enumeration",
        tol=tol,
        complete=True,
        degenerate=degenerate.reshape(game.batch_shape),
        component=component,
        options={
            "tol": tol,
            "vertex_method": vertices,
            "cliques": tuple(cliques),
            "isolated": ~shared[group],
            "vertices": (count_p.reshape(game.batch_shape), count_q.reshape(game.batch_shape)),
        },
    )
