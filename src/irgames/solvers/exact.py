r"""Exact (rational) equilibria of small two-player games, and exact certificates.

Floating-point enumeration decides labels and feasibility with a tolerance; this module decides
them exactly. Payoffs are converted to :class:`fractions.Fraction`:

* integers, :class:`~fractions.Fraction` and decimal strings such as ``"1/3"`` or ``"0.25"``
  are taken at their exact value;
* floats (and the float payoffs a :class:`~irgames.games.normal_form.NormalFormGame` holds) are
  taken at their *exact binary value* by default (``Fraction(0.1)`` is
  :math:`3602879701896397/2^{55}`), or, with ``max_denominator=D``, as the closest fraction with
  denominator at most :math:`D` (:meth:`fractions.Fraction.limit_denominator`), which recovers
  ``1/3`` from ``0.3333333333333333`` when :math:`D \ge 3`. Choose ``D`` below the reciprocal
  of the payoffs' rounding error and above their true denominators.

:func:`exact_equilibria` runs vertex enumeration (see
:mod:`irgames.solvers.vertex_enumeration`) in rational arithmetic: payoffs are shifted to be
positive, :math:`A' = A - \min A + 1`, :math:`B' = B - \min B + 1`; every vertex of
:math:`P = \{x \ge 0, B'^\top x \le 1\}` and :math:`Q = \{y \ge 0, A' y \le 1\}` is found by
solving the tight system of each label set exactly (the matrix is scaled to integers and
eliminated fraction-free, Bareiss' method, so every quantity is an integer minor), and the
completely labelled pairs are the extreme equilibria, exactly. Its cost grows as
:math:`\binom{m+n}{m}` systems per game in pure Python, so it is meant for small games (a 6x6
game takes about 0.05 s, an 8x8 game about 0.4 s); games of a batch are solved one after
another.

:func:`exact_regret` and :func:`certify` check a profile exactly:
:math:`r_1 = \max_i (A y)_i - x^\top A y`, :math:`r_2 = \max_j (x^\top B)_j - x^\top B y`,
and a profile is certified iff both are zero.

Examples
--------
>>> from fractions import Fraction as F
>>> from irgames.solvers.exact import certify, exact_equilibria
>>> battle = ([[3, 0], [0, 2]], [[2, 0], [0, 3]])
>>> eq = exact_equilibria(battle)
>>> [tuple(map(str, x)) for x, y in eq.options["rational_strategies"]]
[('0', '1'), ('3/5', '2/5'), ('1', '0')]
>>> certify(battle, ([F(3, 5), F(2, 5)], [F(2, 5), F(3, 5)]))
True
>>> certify(battle, ([0.6, 0.4], [0.4, 0.6]))  # 0.6 is not 3/5 in binary
False
>>> certify(battle, ([0.6, 0.4], [0.4, 0.6]), max_denominator=100)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations
from math import gcd
from numbers import Rational

import numpy as np

from ..errors import GameValueError, SolverError
from ..games.normal_form import NormalFormGame
from .equilibria import Equilibria

__all__ = ["certify", "exact_equilibria", "exact_regret", "to_fraction"]

Matrix = list[list[Fraction]]


def to_fraction(value, *, max_denominator: int | None = None) -> Fraction:
    """One number as an exact :class:`~fractions.Fraction` (see the module docstring)."""
    if isinstance(value, bool):
        raise GameValueError(f"expected a number, got the boolean {value}")
    if isinstance(value, (Rational, int, np.integer)):
        return Fraction(int(value)) if isinstance(value, np.integer) else Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise GameValueError(f"cannot read {value!r} as a rational number") from None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GameValueError(f"expected a number, got {type(value).__name__}") from None
    if not np.isfinite(number):
        raise GameValueError(f"payoffs and probabilities must be finite, got {number}")
    frac = Fraction(number)
    if max_denominator is not None:
        if int(max_denominator) < 1:
            raise SolverError(f"max_denominator must be a positive integer, got {max_denominator}")
        frac = frac.limit_denominator(int(max_denominator))
    return frac


def _matrix(data, what: str, max_denominator: int | None) -> Matrix:
    rows = [list(row) for row in data]
    if not rows or not rows[0]:
        raise GameValueError(f"{what} must be a non-empty matrix")
    if any(len(row) != len(rows[0]) for row in rows):
        raise GameValueError(f"{what} has rows of different lengths")
    return [[to_fraction(v, max_denominator=max_denominator) for v in row] for row in rows]


def _bimatrices(game, max_denominator: int | None) -> list[tuple[Matrix, Matrix]]:
    """The games as a list of exact (A, B) pairs; accepts a NormalFormGame or a pair (A, B)."""
    if isinstance(game, NormalFormGame):
        if game.n_players != 2:
            raise SolverError(f"exact mode needs a two-player game; got {game.n_players}")
        flat = game.flatten()
        return [
            (
                _matrix(flat.payoffs[b, 0].tolist(), "A", max_denominator),
                _matrix(flat.payoffs[b, 1].tolist(), "B", max_denominator),
            )
            for b in range(flat.batch_size)
        ]
    if isinstance(game, (tuple, list)) and len(game) == 2:
        A = _matrix(game[0], "A", max_denominator)
        B = _matrix(game[1], "B", max_denominator)
        if (len(A), len(A[0])) != (len(B), len(B[0])):
            raise GameValueError(
                f"A and B must have the same shape; got {len(A)}x{len(A[0])} and "
                f"{len(B)}x{len(B[0])}"
            )
        return [(A, B)]
    raise SolverError(
        "expected a two-player NormalFormGame or a pair (A, B) of payoff matrices, got "
        f"{type(game).__name__}"
    )


def _bareiss(M: list[list[int]], rhs: int) -> tuple[list[int], int] | None:
    """Integer solution of ``M z = rhs * 1`` as Cramer numerators: ``(X, D)`` with ``z = X / D``.

    Fraction-free (Bareiss) elimination: every intermediate entry is an integer minor of the
    augmented matrix and every division is exact, so no gcd is ever taken. Returns None when
    ``M`` is singular.
    """
    k = len(M)
    a = [[*row, rhs] for row in M]
    previous = 1
    for c in range(k):
        pivot = next((r for r in range(c, k) if a[r][c] != 0), None)
        if pivot is None:
            return None
        a[c], a[pivot] = a[pivot], a[c]
        acc = a[c][c]
        row_c = a[c]
        for i in range(c + 1, k):
            row_i = a[i]
            aic = row_i[c]
            for j in range(c + 1, k + 1):
                row_i[j] = (row_i[j] * acc - aic * row_c[j]) // previous
            row_i[c] = 0
        previous = acc
    D = a[k - 1][k - 1]  # +-det(M): the sign of the row swaps does not matter for X / D
    X = [0] * k
    for i in range(k - 1, -1, -1):
        total = a[i][k] * D - sum(a[i][j] * X[j] for j in range(i + 1, k))
        X[i] = total // a[i][i]
    return X, D


def _vertices(C: Matrix) -> list[tuple[tuple[Fraction, ...], frozenset[int], frozenset[int]]]:
    """Nonzero vertices of {z >= 0, C z <= 1} with their zero and tight index sets.

    ``C`` is scaled to integers (by the least common multiple ``L`` of its denominators, so the
    system reads ``L C z = L``) and every tight system is solved by fraction-free elimination;
    feasibility and labels are decided on the integer numerators, and Fractions are built only
    for the vertices kept.
    """
    r, d = len(C), len(C[0])
    L = 1
    for row in C:
        for v in row:
            L = L * v.denominator // gcd(L, v.denominator)
    Ci = [[int(v * L) for v in row] for row in C]
    found: dict[tuple[frozenset[int], frozenset[int]], tuple[Fraction, ...]] = {}
    for k in range(1, min(r, d) + 1):
        for S in combinations(range(d), k):
            columns = [[Ci[t][s] for s in S] for t in range(r)]
            for T in combinations(range(r), k):
                solved = _bareiss([columns[t] for t in T], L)
                if solved is None:
                    continue
                X, D = solved
                if D < 0:
                    X, D = [-x for x in X], -D
                if any(x < 0 for x in X):
                    continue
                CX = [sum(c * x for c, x in zip(columns[t], X, strict=True)) for t in range(r)]
                if any(v > L * D for v in CX):  # (C z)_t = CX_t / (L D) <= 1
                    continue
                zero = frozenset(set(range(d)) - set(S)) | frozenset(
                    s for s, x in zip(S, X, strict=True) if x == 0
                )
                tight = frozenset(t for t in range(r) if CX[t] == L * D)
                if (zero, tight) not in found:
                    z = [Fraction(0)] * d
                    for s, x in zip(S, X, strict=True):
                        z[s] = Fraction(x, D)
                    found[(zero, tight)] = tuple(z)
    return [(z, zero, tight) for (zero, tight), z in found.items()]


def _shift(M: Matrix) -> Matrix:
    low = min(min(row) for row in M)
    return [[v - low + 1 for v in row] for row in M]


def _solve_one(A: Matrix, B: Matrix):
    m, n = len(A), len(A[0])
    A1, B1 = _shift(A), _shift(B)
    BT = [[B1[i][j] for i in range(m)] for j in range(n)]
    P = _vertices(BT)  # labels: zero i -> i; tight j -> m + j
    Q = _vertices(A1)  # labels: tight i -> i; zero j -> m + j
    degenerate = any(len(zero) + len(tight) > m for _, zero, tight in P) or any(
        len(zero) + len(tight) > n for _, zero, tight in Q
    )
    rows, edges = [], []
    for a, (x, zx, tx) in enumerate(P):
        for b, (y, zy, ty) in enumerate(Q):
            if len(zx | ty) == m and len(tx | zy) == n:
                sx, sy = sum(x), sum(y)
                rows.append((tuple(v / sx for v in x), tuple(v / sy for v in y)))
                edges.append((a, b))
    rows_edges = sorted(zip(rows, edges, strict=True))
    rows = [r for r, _ in rows_edges]
    edges = [e for _, e in rows_edges]
    # Connected components of the bipartite graph of extreme equilibria (union-find).
    parent = {("p", a): ("p", a) for a, _ in edges} | {("q", b): ("q", b) for _, b in edges}

    def find(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        parent[find(("p", a))] = find(("q", b))
    roots: dict = {}
    component = [roots.setdefault(find(("p", a)), len(roots)) for a, _ in edges]
    return rows, degenerate, component


def exact_equilibria(game, *, max_denominator: int | None = None) -> Equilibria:
    r"""All extreme equilibria of small two-player games, in exact rational arithmetic.

    Parameters
    ----------
    game : NormalFormGame or (A, B)
        Two-player game(s); a pair of matrices may hold ints, Fractions, strings or floats.
    max_denominator : int, optional
        Convert floats with :meth:`fractions.Fraction.limit_denominator`; by default floats are
        taken at their exact binary value.

    Returns
    -------
    Equilibria
        ``exact=True``; strategies as floats, and ``options["rational_strategies"]``: for
        every row, the pair of strategies as tuples of :class:`~fractions.Fraction`.
        ``degenerate`` and ``component`` are decided exactly.

    Examples
    --------
    >>> eq = exact_equilibria(([[1, 1], [0, 0]], [[1, 1], [0, 0]]))
    >>> len(eq), bool(eq.degenerate), eq.component.tolist()
    (2, True, [0, 0])
    """
    games = _bimatrices(game, max_denominator)
    if isinstance(game, NormalFormGame):
        nfg = game
    else:
        A, B = games[0]
        nfg = NormalFormGame.bimatrix(
            [[float(v) for v in row] for row in A], [[float(v) for v in row] for row in B]
        )
    index, xs, ys, comps, rational = [], [], [], [], []
    degenerate = np.zeros(len(games), dtype=bool)
    for g, (A, B) in enumerate(games):
        rows, degenerate[g], component = _solve_one(A, B)
        for (x, y), c in zip(rows, component, strict=True):
            index.append(g)
            xs.append([float(v) for v in x])
            ys.append([float(v) for v in y])
            comps.append(c)
            rational.append((x, y))
    m, n = nfg.num_actions
    return Equilibria.from_profiles(
        nfg,
        np.array(index, dtype=np.int64),
        (np.array(xs, dtype=float).reshape(-1, m), np.array(ys, dtype=float).reshape(-1, n)),
        method="exact_vertex_enumeration",
        tol=0.0,
        complete=True,
        degenerate=degenerate.reshape(nfg.batch_shape),
        component=np.array(comps, dtype=np.int64),
        exact=True,
        options={"max_denominator": max_denominator, "rational_strategies": tuple(rational)},
    )


def exact_regret(
    game, profile: Sequence, *, max_denominator: int | None = None
) -> tuple[Fraction, Fraction]:
    r"""Each player's regret at ``profile``, exactly: :math:`(r_1, r_2)` as Fractions.

    ``game`` is a single two-player game (a NormalFormGame with empty batch shape, or a pair
    ``(A, B)``); ``profile`` is ``(x, y)``, whose entries are converted like payoffs. The
    strategies must be nonnegative and sum to one exactly (after conversion).

    Examples
    --------
    >>> exact_regret(([[1, 0], [0, 1]], [[1, 0], [0, 1]]), ([1, 0], ["1/2", "1/2"]))
    (Fraction(0, 1), Fraction(1, 2))
    """
    games = _bimatrices(game, max_denominator)
    if len(games) != 1:
        raise SolverError(f"exact_regret takes one game, got a batch of {len(games)}")
    A, B = games[0]
    m, n = len(A), len(A[0])
    if len(profile) != 2:
        raise GameValueError(
            f"a profile of a two-player game has two strategies, got {len(profile)}"
        )
    x = [to_fraction(v, max_denominator=max_denominator) for v in profile[0]]
    y = [to_fraction(v, max_denominator=max_denominator) for v in profile[1]]
    for who, s, size in (("row", x, m), ("column", y, n)):
        if len(s) != size:
            raise GameValueError(f"the {who} player's strategy needs {size} entries, got {len(s)}")
        if any(v < 0 for v in s) or sum(s) != 1:
            raise _NotAProbability(
                f"the {who} player's strategy must be nonnegative and sum to exactly one "
                f"(sum is {sum(s)})"
            )
    Ay = [sum((A[i][j] * y[j] for j in range(n)), Fraction(0)) for i in range(m)]
    xB = [sum((x[i] * B[i][j] for i in range(m)), Fraction(0)) for j in range(n)]
    u1 = sum((x[i] * Ay[i] for i in range(m)), Fraction(0))
    u2 = sum((xB[j] * y[j] for j in range(n)), Fraction(0))
    return max(Ay) - u1, max(xB) - u2


def certify(game, profile: Sequence, *, max_denominator: int | None = None) -> bool:
    """True iff ``profile`` is exactly a Nash equilibrium of ``game`` (both regrets zero).

    A profile whose strategies, once converted, are not exactly probability vectors (negative
    entries, or sums other than one) is not certified; a malformed one (wrong lengths) raises.
    """
    try:
        regrets = exact_regret(game, profile, max_denominator=max_denominator)
    except _NotAProbability:
        return False
    return all(r == 0 for r in regrets)


class _NotAProbability(GameValueError):
    """A strategy with negative entries or a sum other than one."""
