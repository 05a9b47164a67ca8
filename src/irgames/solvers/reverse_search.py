r"""Vertices of a batch of polytopes by lexicographic pivoting, all games in lockstep.

For a batch of constraint matrices :math:`C \in \mathbb{R}^{r \times d}` with nonnegative
entries and no zero column, the polytope

.. math::

    \mathcal{P} = \{z \in \mathbb{R}^d : z \ge 0,\; C z \le \mathbf 1\}

is bounded. With slacks :math:`s = \mathbf 1 - C z` it is :math:`\{(z, s) \ge 0 : C z + s =
\mathbf 1\}`, and a *basis* is a set of :math:`r` of the :math:`r + d` variables whose columns
of :math:`[C \mid I]` are independent; the tableau of basis :math:`\beta` is
:math:`M = [C \mid I]_\beta^{-1} [\mathbf 1 \mid C \mid I]`, whose first column :math:`b` holds
the values of the basic variables. The basis is *feasible* when :math:`b \ge 0`; its point is a
vertex of :math:`\mathcal P`, and its nonbasic variables are zero there (they are the vertex's
labels, possibly with more: a degenerate vertex has basic variables that are zero too).

Lexicographic pivoting
    Perturb the right-hand side to :math:`\mathbf 1 + (\varepsilon, \varepsilon^2, \dots,
    \varepsilon^r)` for an infinitesimal :math:`\varepsilon > 0`. The perturbed polytope is
    simple, its vertices tend to those of :math:`\mathcal P`, and every vertex of
    :math:`\mathcal P` is the limit of at least one of them. Its feasible bases are the
    *lexico-feasible* bases of :math:`\mathcal P`: those whose rows
    :math:`(b_k, (B^{-1})_k)` are lexicographically positive. The initial basis of slacks
    (:math:`z = 0`, rows :math:`(1, e_k)`) is one. Letting nonbasic variable :math:`j` enter,
    the leaving row is the lexicographic minimum, over rows with :math:`M_{kj} > 0`, of
    :math:`(b_k, (B^{-1})_k) / M_{kj}` (the ordinary ratio test, ties broken by the columns of
    :math:`B^{-1}` in turn); it is unique, and the pivot keeps lexico-feasibility. So every
    lexico-feasible basis has exactly :math:`d` neighbours, one per entering variable, and the
    graph they form is the (connected) graph of the simple perturbed polytope. Degenerate
    pivots (step zero) move between bases of one vertex of :math:`\mathcal P`; the search never
    branches on ties.

The search
    Avis and Fukuda's reverse search walks this graph without memory, by a parent oracle (a
    simplex step of Bland's rule towards the initial basis) that makes it a tree. Here the
    graph is walked with a visited set instead. The numpy reference walks it breadth first,
    a batch of games in lockstep, the frontier of every game held in one stacked array of
    tableaux of shape
    ``(F, r, 1 + d + r)``; one step lets every nonbasic column of every frontier tableau enter
    (the lexicographic ratio test vectorised over frontier, rows and columns), keys each
    neighbour by its game and the bit mask of its basic variables, drops the keys seen before
    (one sorted array of keys for the whole batch, searched with ``numpy.searchsorted``), and
    pivots only the new ones. A game leaves the frontier when it has no new neighbour. The
    work is :math:`O(d \cdot r (r + d))` per lexico-feasible basis, so it follows the number of
    vertices, not the :math:`\binom{r + d}{d}` label sets of
    :func:`~irgames.solvers.vertex_enumeration.polytope_vertices`. The visited set costs one
    int64 per basis, small beside the tableaux; the parent oracle of reverse search would cost a
    pivot per edge instead, which in numpy is the dearer of the two. The compiled kernel
    (numba, optional) walks each game depth first, one game after another, with an
    open-addressing hash set of the keys; it is the default where numba imports.

Exactness
    Pivoted tableaux accumulate rounding. Each basis found is therefore solved again from the
    original data, as :func:`~irgames.solvers.vertex_enumeration.polytope_vertices` solves its
    candidates: with :math:`S` the basic :math:`z` variables and :math:`T` the nonbasic slacks
    (both ascending; :math:`|S| = |T|`), :math:`C[T, S] z_S = \mathbf 1` by Gaussian elimination
    with partial pivoting. The result is checked for feasibility and its labels read with
    ``tol``; bases of one degenerate vertex give the same label sets and are kept once. The
    output is that of ``polytope_vertices``, in the same order (by game, then label sets).

References: D. Avis and K. Fukuda, "A pivoting algorithm for convex hulls and vertex
enumeration of arrangements and polyhedra", Discrete Comput. Geom. 8 (1992); D. Avis, "lrs: a
revised implementation of the reverse search vertex enumeration algorithm" (2000).

Examples
--------
>>> import numpy as np
>>> g, z, zero, tight = reverse_search_vertices(np.array([[[1.0, 2.0], [2.0, 1.0]]]))
>>> sorted(np.round(z, 3).tolist())
[[0.0, 0.5], [0.333, 0.333], [0.5, 0.0]]

A degenerate polytope (three constraints through the vertex (1/3, 1/3)) gives each vertex
once, though the search passes several bases of it:

>>> C = np.array([[[1.0, 2.0], [2.0, 1.0], [1.5, 1.5]]])
>>> g, z, zero, tight = reverse_search_vertices(C)
>>> len(z), sorted(int(t).bit_count() for t in tight)
(3, [1, 1, 3])
"""

from __future__ import annotations

import importlib.util

import numpy as np

from .._memory import memory_limit, require
from ..errors import GameValueError, MissingExtraError, SolverError
from ._batched_linalg import solve_batched
from .equilibria import DEFAULT_TOL
from .vertex_enumeration import unique_vertices

__all__ = ["prefers_reverse_search", "reverse_search_vertices", "search_bases"]

#: A tableau entry must exceed this to be a pivot (smaller ones are rounding noise of zeros).
_PIVOT_EPS = 1e-9
#: Largest number of variables r + d: bit masks of the bases and the game index share an int64.
_MAX_VARIABLES = 52
#: Smallest m + n at which reverse search beats the label sets, with numba and without: the
#: crossover measured on random games (benchmarks/bench_vertex_enumeration.py; 4x5 and 8x8).
CROSSOVER = {"numba": 9, "numpy": 16}
#: Default bound on the floats of one frontier of tableaux (the batch is chunked by games).
DEFAULT_FRONTIER_FLOATS = 4_000_000


def prefers_reverse_search(m: int, n: int) -> bool:
    """Whether reverse search is the faster enumeration for ``m x n`` games (measured).

    >>> prefers_reverse_search(2, 2), prefers_reverse_search(12, 12)
    (False, True)
    """
    kernel = "numba" if importlib.util.find_spec("numba") is not None else "numpy"
    return m + n >= CROSSOVER[kernel]


def _lex_leaving(T: np.ndarray, cols: np.ndarray, d: int, tol: float):
    """Leaving row of every entering column by the lexicographic ratio test.

    ``T`` is ``(F, r, 1 + d + r)``, ``cols`` the entering columns ``(F, r, d)``. Returns the
    row ``(F, d)`` and whether column ``j`` has a leaving row at all ``(F, d)``.
    """
    width = T.shape[2]
    pos = cols > _PIVOT_EPS
    cand = pos.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(pos, 1.0 / np.where(pos, cols, 1.0), 0.0)
    # rhs first, then the columns of B^{-1} (the slack columns) in order
    for c in (0, *range(1 + d, width)):
        vals = np.where(cand, T[:, :, c, None] * inv, np.inf)  # (F, r, d)
        mn = vals.min(axis=1, keepdims=True)
        # ties: rows whose entry would be within tol of zero after the pivot
        with np.errstate(invalid="ignore"):
            cand &= (vals - mn) * cols <= tol
        if not np.any(cand.sum(axis=1) > 1):
            break
    return np.argmax(cand, axis=1), cand.any(axis=1)


def search_bases(
    C: np.ndarray, *, tol: float = DEFAULT_TOL
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Every lexico-feasible basis of the polytopes :math:`\{z \ge 0, C z \le 1\}` of a batch.

    The breadth-first lexicographic search of the module docstring, on all games at once.

    Parameters
    ----------
    C : ndarray, shape (G, r, d)
        Nonnegative constraint matrices without zero columns, ``r + d <= 52``.
    tol : float
        Ties of the ratio test: rows whose value after the pivot is within ``tol`` of zero.

    Returns
    -------
    game : ndarray of int, shape (N,)
        The game of each basis.
    basic : ndarray of int, shape (N, r)
        The basic variables of each basis (``0..d-1`` the coordinates of :math:`z`,
        ``d..d+r-1`` the slacks of the rows), by tableau row.
    values : ndarray, shape (N, r)
        Their values (the tableau's first column, as pivoted).

    Examples
    --------
    >>> import numpy as np
    >>> game, basic, values = search_bases(np.array([[[1.0, 2.0], [2.0, 1.0]]]))
    >>> len(game)   # the origin and the three other vertices of a simple polygon
    4
    """
    C = np.asarray(C, dtype=float)
    G, r, d = C.shape
    nvar = r + d
    if nvar > _MAX_VARIABLES:
        raise GameValueError(
            f"reverse search handles at most {_MAX_VARIABLES} variables (r + d), got {nvar}; "
            "use vertices='label_sets' or Lemke-Howson"
        )
    if G >= 1 << (62 - nvar):
        raise GameValueError(f"at most {1 << (62 - nvar)} games per call at this size, got {G}")
    width = 1 + d + r
    T = np.zeros((G, r, width))
    T[:, :, 0] = 1.0
    T[:, :, 1 : d + 1] = C
    T[:, :, d + 1 :] = np.eye(r)
    basic = np.broadcast_to(np.arange(d, nvar), (G, r)).copy()
    nonbasic = np.broadcast_to(np.arange(d), (G, d)).copy()
    bit = np.left_shift(np.int64(1), np.arange(nvar, dtype=np.int64))
    gi = np.arange(G, dtype=np.int64)
    key = (gi << np.int64(nvar)) | bit[basic].sum(axis=1)
    seen = np.sort(key)
    out_g, out_basic, out_b = [gi], [basic], [T[:, :, 0].copy()]
    while gi.size:
        F = gi.size
        require(
            8.0 * 3 * F * r * max(d, width),
            "the frontier of the vertex search",
            advice="solve fewer games per call",
        )
        cols = np.take_along_axis(T, (nonbasic + 1)[:, None, :], axis=2)  # (F, r, d)
        leave, has = _lex_leaving(T, cols, d, tol)
        f, j = np.nonzero(has)
        i = leave[f, j]
        enter_var = nonbasic[f, j]
        leave_var = basic[f, i]
        nkey = key[f] ^ bit[enter_var] ^ bit[leave_var]
        uniq, first = np.unique(nkey, return_index=True)
        pos = np.minimum(np.searchsorted(seen, uniq), seen.size - 1)
        new = seen[pos] != uniq
        first = first[new]
        if first.size == 0:
            break
        seen = np.union1d(seen, uniq[new])
        f, i, j = f[first], i[first], j[first]
        enter_var, leave_var = enter_var[first], leave_var[first]
        # pivot each parent tableau on (row i, column of the entering variable)
        N = f.size
        ar = np.arange(N)
        T = T[f]
        col = T[ar, :, enter_var + 1]  # (N, r)
        prow = T[ar, i, :] / col[ar, i][:, None]
        T -= col[:, :, None] * prow[:, None, :]
        T[ar, i, :] = prow
        np.maximum(T[:, :, 0], 0.0, out=T[:, :, 0])
        basic = basic[f]
        basic[ar, i] = enter_var
        nonbasic = nonbasic[f]
        nonbasic[ar, j] = leave_var
        gi = gi[f]
        key = nkey[first]
        out_g.append(gi)
        out_basic.append(basic)
        out_b.append(T[:, :, 0].copy())
    return np.concatenate(out_g), np.concatenate(out_basic), np.concatenate(out_b)


def _bits(flags: np.ndarray) -> np.ndarray:
    weights = np.left_shift(np.int64(1), np.arange(flags.shape[-1], dtype=np.int64))
    return (flags.astype(np.int64) * weights).sum(axis=-1)


def _solve_bases(C: np.ndarray, game: np.ndarray, basic: np.ndarray, tol: float):
    """Re-solve each basis from ``C``; ``(game, z, zero_mask, tight_mask)`` of the feasible."""
    _, r, d = C.shape
    V = game.size
    in_S = np.zeros((V, d), dtype=bool)
    is_z = basic < d
    rows = np.broadcast_to(np.arange(V)[:, None], basic.shape)
    in_S[rows[is_z], basic[is_z]] = True
    in_T = np.ones((V, r), dtype=bool)  # rows whose slack is nonbasic (tight)
    in_T[rows[~is_z], basic[~is_z] - d] = False
    k_of = in_S.sum(axis=1)
    parts = []
    for k in np.unique(k_of):
        k = int(k)
        if k == 0:
            continue  # the origin
        sel = np.flatnonzero(k_of == k)
        S = np.nonzero(in_S[sel])[1].reshape(sel.size, k)  # ascending
        Tt = np.nonzero(in_T[sel])[1].reshape(sel.size, k)
        g = game[sel]
        zS, solved = solve_batched(C[g[:, None, None], Tt[:, :, None], S[:, None, :]], np.ones(k))
        z = np.zeros((sel.size, d))
        z[np.arange(sel.size)[:, None], S] = zS
        Cz = np.einsum("vrd,vd->vr", C[g], z)
        ok = solved & np.all(z >= -tol, axis=-1) & np.all(Cz <= 1.0 + tol, axis=-1)
        parts.append((g[ok], z[ok], _bits(z[ok] <= tol), _bits(Cz[ok] >= 1.0 - tol)))
    return parts


def reverse_search_vertices(
    C: np.ndarray,
    *,
    tol: float = DEFAULT_TOL,
    kernel: str = "auto",
    frontier_floats: int = DEFAULT_FRONTIER_FLOATS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Nonzero vertices of the polytopes :math:`\{z \ge 0, C z \le 1\}`, by pivoting.

    The same contract as :func:`~irgames.solvers.vertex_enumeration.polytope_vertices`, at a
    cost that follows the number of vertices (module docstring).

    Parameters
    ----------
    C : ndarray, shape (G, r, d)
        Constraint matrices with nonnegative entries and no zero column (bounded polytopes);
        ``r + d <= 52``.
    tol : float
        Feasibility and label tolerance (and ties of the ratio test).
    kernel : {"auto", "numba", "numpy"}
        ``"numpy"``: the search vectorised over the batch (the reference). ``"numba"``: the
        same search and re-solve compiled, one game after another (about ten times faster; the
        optional dependency ``numba``, compiled on the first call of a process and cached).
        ``"auto"``: numba when it imports, else numpy.
    frontier_floats : int
        Games are searched in chunks of about ``frontier_floats / (4 r (1 + d + r))`` at a
        time (a frontier holds a few tableaux per game at once in random games; degenerate or
        vertex-rich games hold more).

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
    """
    C = np.asarray(C, dtype=float)
    G, r, d = C.shape
    if G == 0 or d == 0:
        return (
            np.zeros(0, np.int64),
            np.zeros((0, d)),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
        )
    if np.any(C < 0) or np.any(C.max(axis=1) <= 0):
        raise GameValueError(
            "reverse search needs nonnegative constraint matrices without zero columns "
            "(bounded polytopes); normalise the payoffs first (normalised_bimatrix)"
        )
    if kernel not in ("auto", "numba", "numpy"):
        raise SolverError(f"kernel must be 'auto', 'numba' or 'numpy', got {kernel!r}")
    compiled = _numba_kernel() if kernel != "numpy" else None
    if kernel == "numba" and compiled is None:
        raise MissingExtraError(
            "kernel='numba' needs numba: pip install \"irgames[fast]\", or pass kernel='numpy'"
        )
    if r + d > _MAX_VARIABLES:
        raise GameValueError(
            f"reverse search handles at most {_MAX_VARIABLES} variables (r + d), got {r + d}; "
            "use vertices='label_sets' or Lemke-Howson"
        )
    if compiled is not None:
        # a basis held costs a tableau on the stack and its basic variables in the output
        per_basis = 8 * (r * (1 + d + r) + 3 * r + d + 2)
        max_bases = max(1, memory_limit() // per_basis)
        *part, overflow = compiled(np.ascontiguousarray(C), float(tol), _PIVOT_EPS, max_bases)
        if overflow >= 0:
            require(
                float(per_basis) * (max_bases + 1),
                f"the vertex search of game {overflow} (more than {max_bases:,} bases)",
                advice="use Lemke-Howson for some equilibria, or raise IRGAMES_MAX_BYTES",
            )
        parts = [tuple(part)]
    else:
        parts = _numpy_parts(C, tol, frontier_floats)
    return unique_vertices(parts, G, r, d)


def _numpy_parts(C: np.ndarray, tol: float, frontier_floats: int) -> list:
    G, r, d = C.shape
    step = max(1, int(frontier_floats // (4 * r * (1 + d + r) * max(r, d))))
    step = min(step, (1 << (62 - r - d)) - 1) if r + d < 62 else step
    parts = []
    for start in range(0, G, step):
        Cg = C[start : start + step]
        game, basic, _ = search_bases(Cg, tol=tol)
        for g, z, zero, tight in _solve_bases(Cg, game, basic, tol):
            parts.append((g + start, z, zero, tight))
    return parts


# ------------------------------------------------------------------ compiled kernel (numba)
def _build_kernel():
    """The numba kernel: the same search and re-solve, one game after another, compiled.

    numpy pays dispatch and temporaries on every step of the vectorised search, and the
    re-solve by batched elimination; compiled, the whole call is 2-4x faster at 6x6..10x10
    (random games), enough to pass the label sets from 4x5 on. The numpy path stays the
    reference; the tests check that both agree.
    """
    import numba

    @numba.njit(cache=True)
    def _insert(table, key):
        """Insert ``key`` into an open-addressing set (-1 empty); False if it was there."""
        mask = np.uint64(table.size - 1)
        x = np.uint64(key)
        x = (x ^ (x >> np.uint64(31))) * np.uint64(0x9E3779B97F4A7C15)
        x = x ^ (x >> np.uint64(29))
        h = np.int64(x & mask)
        while True:
            v = table[h]
            if v == key:
                return False
            if v == -1:
                table[h] = key
                return True
            h = (h + 1) & (table.size - 1)

    @numba.njit(cache=True)
    def _lex_row(tabs, h, c, r, d, width, tol, eps, cand):
        """Leaving row for entering column ``c`` of tableau ``tabs[h]`` (stored by column)."""
        # fast path: the ordinary ratio test without divisions, when its minimum is not tied
        best = -1
        bb = 0.0
        bc = 1.0
        for p in range(r):
            a = tabs[h, c, p]
            if a > eps:
                v = tabs[h, 0, p]
                if best < 0 or v * bc < bb * a:
                    best = p
                    bb = v
                    bc = a
        if best < 0:
            return -1
        mn = bb / bc
        ties = 0
        for p in range(r):
            a = tabs[h, c, p]
            if a > eps and tabs[h, 0, p] - mn * a <= tol:
                ties += 1
        if ties == 1:
            return best
        n_cand = 0
        for k in range(r):
            if tabs[h, c, k] > eps:
                cand[k] = True
                n_cand += 1
            else:
                cand[k] = False
        lc = 0
        while n_cand > 1 and lc < 1 + r:
            col = 0 if lc == 0 else d + lc
            mn = np.inf
            for k in range(r):
                if cand[k]:
                    v = tabs[h, col, k] / tabs[h, c, k]
                    if v < mn:
                        mn = v
            n_cand = 0
            for k in range(r):
                if cand[k]:
                    if (tabs[h, col, k] / tabs[h, c, k] - mn) * tabs[h, c, k] <= tol:
                        n_cand += 1
                    else:
                        cand[k] = False
            lc += 1
        for k in range(r):
            if cand[k]:
                return k
        return -1

    @numba.njit(cache=True)
    def _solve(C, basic, r, d, tol, z, Cz, M, rhs, S, T):
        """Re-solve one basis from C into z (length d); returns False when infeasible."""
        k = 0
        for q in range(r):
            if basic[q] < d:
                k += 1
        if k == 0:
            return False
        in_basis = np.zeros(r + d, np.bool_)
        for q in range(r):
            in_basis[basic[q]] = True
        a = 0
        for v in range(d):
            if in_basis[v]:
                S[a] = v
                a += 1
        a = 0
        for row in range(r):
            if not in_basis[d + row]:
                T[a] = row
                a += 1
        big = 0.0
        for p in range(k):
            for q in range(k):
                M[p, q] = C[T[p], S[q]]
                if abs(M[p, q]) > big:
                    big = abs(M[p, q])
            rhs[p] = 1.0
        threshold = 1e-11 * big
        for c in range(k):
            piv = c
            for p in range(c + 1, k):
                if abs(M[p, c]) > abs(M[piv, c]):
                    piv = p
            if piv != c:
                for q in range(c, k):
                    M[c, q], M[piv, q] = M[piv, q], M[c, q]
                rhs[c], rhs[piv] = rhs[piv], rhs[c]
            pv = M[c, c]
            if abs(pv) <= threshold:
                return False
            for q in range(c, k):
                M[c, q] /= pv
            rhs[c] /= pv
            for p in range(c + 1, k):
                f = M[p, c]
                if f != 0.0:
                    for q in range(c, k):
                        M[p, q] -= f * M[c, q]
                    rhs[p] -= f * rhs[c]
        for v in range(d):
            z[v] = 0.0
        for c in range(k - 1, -1, -1):
            s = rhs[c]
            for q in range(c + 1, k):
                s -= M[c, q] * z[S[q]]
            z[S[c]] = s
        for v in range(d):
            if z[v] < -tol:
                return False
        for row in range(r):
            s = 0.0
            for v in range(d):
                s += C[row, v] * z[v]
            Cz[row] = s
            if s > 1.0 + tol:
                return False
        return True

    @numba.njit(cache=True)
    def kernel(C, tol, eps, max_bases):
        G, r, d = C.shape
        width = 1 + d + r
        cap_out = 1024
        out_g = np.empty(cap_out, np.int64)
        out_z = np.empty((cap_out, d))
        out_zero = np.empty(cap_out, np.int64)
        out_tight = np.empty(cap_out, np.int64)
        n_out = 0
        cap = 256
        tabs = np.empty((cap, width, r))  # tableaux stored by column: tabs[b, column, row]
        bas = np.empty((cap, r), np.int64)
        nbs = np.empty((cap, d), np.int64)
        keys = np.empty(cap, np.int64)
        all_bas = np.empty((cap, r), np.int64)
        cand = np.empty(r, np.bool_)
        cur = np.empty((1, width, r))
        cur_b = np.empty(r, np.int64)
        cur_n = np.empty(d, np.int64)
        z = np.empty(d)
        Cz = np.empty(r)
        M = np.empty((r, r))
        rhs = np.empty(r)
        S = np.empty(r, np.int64)
        T = np.empty(r, np.int64)
        for g in range(G):
            table = np.full(1024, -1, np.int64)
            used = 0
            for p in range(r):
                tabs[0, 0, p] = 1.0
                for q in range(d):
                    tabs[0, 1 + q, p] = C[g, p, q]
                for q in range(r):
                    tabs[0, 1 + d + q, p] = 1.0 if p == q else 0.0
                bas[0, p] = d + p
            for q in range(d):
                nbs[0, q] = q
            key0 = 0
            for p in range(r):
                key0 |= np.int64(1) << (d + p)
            keys[0] = key0
            _insert(table, key0)
            used += 1
            tail = 1  # depth first: the stack of bases to expand is [0, tail)
            n_found = 0  # bases other than the origin's
            while tail > 0:
                tail -= 1
                cur[0] = tabs[tail]
                for p in range(r):
                    cur_b[p] = bas[tail, p]
                for q in range(d):
                    cur_n[q] = nbs[tail, q]
                cur_k = keys[tail]
                for j in range(d):
                    ev = cur_n[j]
                    c = ev + 1
                    i = _lex_row(cur, 0, c, r, d, width, tol, eps, cand)
                    if i < 0:
                        continue
                    lv = cur_b[i]
                    nkey = cur_k ^ (np.int64(1) << ev) ^ (np.int64(1) << lv)
                    if 2 * (used + 1) > table.size:
                        old = table
                        table = np.full(2 * old.size, -1, np.int64)
                        for v in old:
                            if v != -1:
                                _insert(table, v)
                    if not _insert(table, nkey):
                        continue
                    used += 1
                    if n_found >= max_bases:
                        return out_g[:0], out_z[:0], out_zero[:0], out_tight[:0], g
                    if n_found == all_bas.shape[0]:
                        grown = np.empty((2 * n_found, r), np.int64)
                        grown[:n_found] = all_bas[:n_found]
                        all_bas = grown
                    if tail == cap:
                        cap *= 2
                        nt = np.empty((cap, width, r))
                        nt[:tail] = tabs[:tail]
                        tabs = nt
                        nb_ = np.empty((cap, r), np.int64)
                        nb_[:tail] = bas[:tail]
                        bas = nb_
                        nn = np.empty((cap, d), np.int64)
                        nn[:tail] = nbs[:tail]
                        nbs = nn
                        nk = np.empty(cap, np.int64)
                        nk[:tail] = keys[:tail]
                        keys = nk
                    pv = cur[0, c, i]
                    for q in range(width):
                        f = cur[0, q, i] / pv
                        for p in range(r):
                            tabs[tail, q, p] = cur[0, q, p] - f * cur[0, c, p]
                        tabs[tail, q, i] = f
                    for p in range(r):
                        if tabs[tail, 0, p] < 0.0:
                            tabs[tail, 0, p] = 0.0
                    for p in range(r):
                        bas[tail, p] = cur_b[p]
                    bas[tail, i] = ev
                    for q in range(d):
                        nbs[tail, q] = cur_n[q]
                    nbs[tail, j] = lv
                    keys[tail] = nkey
                    all_bas[n_found] = bas[tail]
                    n_found += 1
                    tail += 1
            for b in range(n_found):
                if not _solve(C[g], all_bas[b], r, d, tol, z, Cz, M, rhs, S, T):
                    continue
                if n_out == cap_out:
                    cap_out *= 2
                    a1 = np.empty(cap_out, np.int64)
                    a1[:n_out] = out_g[:n_out]
                    out_g = a1
                    a2 = np.empty((cap_out, d))
                    a2[:n_out] = out_z[:n_out]
                    out_z = a2
                    a3 = np.empty(cap_out, np.int64)
                    a3[:n_out] = out_zero[:n_out]
                    out_zero = a3
                    a4 = np.empty(cap_out, np.int64)
                    a4[:n_out] = out_tight[:n_out]
                    out_tight = a4
                zm = 0
                for v in range(d):
                    out_z[n_out, v] = z[v]
                    if z[v] <= tol:
                        zm |= np.int64(1) << v
                tm = 0
                for row in range(r):
                    if Cz[row] >= 1.0 - tol:
                        tm |= np.int64(1) << row
                out_g[n_out] = g
                out_zero[n_out] = zm
                out_tight[n_out] = tm
                n_out += 1
        return out_g[:n_out], out_z[:n_out], out_zero[:n_out], out_tight[:n_out], -1

    return kernel


_KERNEL = None


def _numba_kernel():
    """The compiled kernel, or None when numba does not import."""
    global _KERNEL
    if _KERNEL is None:
        try:
            _KERNEL = _build_kernel()
        except ImportError:
            _KERNEL = False
    return _KERNEL or None
