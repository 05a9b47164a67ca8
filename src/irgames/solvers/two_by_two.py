r"""Every equilibrium of 2x2 bimatrix games in closed form, a batch at a time.

Let the row player choose row 0 with probability :math:`p` and the column player column 0
with probability :math:`q`. The row player's gain from row 0 over row 1 is linear in
:math:`q`,

.. math::

    \Delta_A(q) = \alpha_0\, q + \alpha_1 (1 - q), \qquad
    \alpha_0 = A_{00} - A_{10}, \quad \alpha_1 = A_{01} - A_{11},

and the column player's gain from column 0 over column 1 is linear in :math:`p`,

.. math::

    \Delta_B(p) = \beta_0\, p + \beta_1 (1 - p), \qquad
    \beta_0 = B_{00} - B_{01}, \quad \beta_1 = B_{10} - B_{11}.

:math:`(p, q)` is an equilibrium iff :math:`p = 1` needs :math:`\Delta_A(q) \ge 0`,
:math:`p = 0` needs :math:`\Delta_A(q) \le 0`, an interior :math:`p` needs
:math:`\Delta_A(q) = 0`, and likewise for :math:`q` with :math:`\Delta_B(p)`.

Extreme equilibria. Each player's simplex is an interval whose *vertices* (in the sense of
the best-response polytopes of vertex enumeration) are its end points and, when the
opponent's gain changes sign strictly inside it, the indifference point

.. math::

    p^* = \frac{\beta_1}{\beta_1 - \beta_0} \;\;(\text{if } \beta_0 \beta_1 < 0), \qquad
    q^* = \frac{\alpha_1}{\alpha_1 - \alpha_0} \;\;(\text{if } \alpha_0 \alpha_1 < 0).

The extreme equilibria are the pairs of vertices :math:`p \in \{0, 1, p^*\}`,
:math:`q \in \{0, 1, q^*\}` that are equilibria: nine sign conditions on
:math:`\alpha_0, \alpha_1, \beta_0, \beta_1`, evaluated with boolean masks for the whole
batch at once (no branch per game). A difference of player :math:`i`'s payoffs
(:math:`\alpha` for the row player, :math:`\beta` for the column player) counts as zero when
its absolute value is at most ``tol`` :math:`\cdot s_i`, with :math:`s_i` that player's own
payoff range (``NormalFormGame.payoff_units``), so that scaling one player's payoffs by any
positive factor, or shifting them, changes no equilibrium.

Degeneracy and continua. The game is degenerate iff some difference is zero (a pure strategy
with two pure best responses). Then an extreme equilibrium can share a strategy with another
(for instance :math:`\beta_0 = 0` and :math:`\alpha_1 > 0 < \alpha_0` give the segment
:math:`p = 1, q \in [0, 1]`). For fixed :math:`p` the set of :math:`q` completing an
equilibrium is convex, so two extreme equilibria that share a strategy are joined by a segment
of equilibria, and the connected components of the set of equilibria are the connected
components of the bipartite graph whose edges are the extreme equilibria (vertices: the
:math:`p` and :math:`q` vertices). Rows of one component share a ``component`` label.

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.two_by_two import two_by_two
>>> battle = ig.NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
>>> eq = two_by_two(battle)
>>> [(x.round(3).tolist(), y.round(3).tolist()) for x, y in eq.profiles()]
[([0.0, 1.0], [0.0, 1.0]), ([1.0, 0.0], [1.0, 0.0]), ([0.6, 0.4], [0.4, 0.6])]

A tie makes a continuum, reported by its two extreme points in one component:

>>> tie = ig.NormalFormGame.bimatrix([[1, 1], [0, 0]], [[2, 2], [0, 0]])
>>> eq = two_by_two(tie)
>>> [y.tolist() for x, y in eq.profiles()], eq.component.tolist(), bool(eq.degenerate)
([[0.0, 1.0], [1.0, 0.0]], [0, 0], True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from .equilibria import DEFAULT_TOL, Equilibria
from .result import Result

__all__ = ["TwoByTwoSolution", "solve_two_by_two", "two_by_two"]


@dataclass(frozen=True, eq=False)
class TwoByTwoSolution(Result):
    """The raw closed-form solution of a flat batch of 2x2 games (before regret checks).

    Attributes
    ----------
    game_index : ndarray of int, shape (k,)
        Game of each extreme equilibrium, in increasing order.
    p, q : ndarray, shape (k,)
        Probabilities of row 0 and of column 0.
    component : ndarray of int, shape (k,)
        Connected component of each row within its game (0, 1, ...).
    degenerate : ndarray of bool, shape (G,)
        Games with a zero payoff difference.
    count : ndarray of int, shape (G,)
        Number of extreme equilibria per game.
    """

    game_index: np.ndarray
    p: np.ndarray
    q: np.ndarray
    component: np.ndarray
    degenerate: np.ndarray
    count: np.ndarray

    layout = "per_equilibrium"
    method = "solve_two_by_two"
    complete = True


def _check(game: NormalFormGame, tol: float) -> float:
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"expected a NormalFormGame, got {type(game).__name__}")
    if game.n_players != 2 or game.num_actions != (2, 2):
        raise SolverError(
            f"two_by_two solves 2x2 bimatrix games; got {game.n_players} players with "
            f"actions {game.num_actions}"
        )
    tol = float(tol)
    if not np.isfinite(tol) or tol < 0:
        raise SolverError(f"tol must be a finite non-negative number, got {tol}")
    return tol


def _root(parent: list[int], v: int) -> int:
    while parent[v] != v:
        v = parent[v]
    return v


def _pattern_table():
    r"""Equilibria of every sign pattern of the four payoff differences.

    A 2x2 game's extreme equilibria, and how they connect, depend only on the signs
    :math:`\sigma = (\operatorname{sgn}\alpha_0, \operatorname{sgn}\alpha_1,
    \operatorname{sgn}\beta_0, \operatorname{sgn}\beta_1) \in \{-1, 0, 1\}^4`: 81
    patterns. For each pattern this builds, once, the list of equilibria (as vertex pairs
    ``3 i + j``, ``i`` indexing ``(0, 1, p*)`` and ``j`` indexing ``(0, 1, q*)``) and their
    component labels. The batch is then solved by looking its patterns up.
    """
    combos = np.full((81, 9), -1, dtype=np.int8)
    components = np.full((81, 9), -1, dtype=np.int8)
    counts = np.zeros(81, dtype=np.int64)
    degenerate = np.zeros(81, dtype=bool)
    for code in range(81):
        sa0, sa1, sb0, sb1 = (code // 3**k % 3 - 1 for k in range(4))
        mixed_p = sb0 * sb1 < 0
        mixed_q = sa0 * sa1 < 0
        # sign of the row player's gain at q = 0, 1, q*, and the column's at p = 0, 1, p*
        gain_row = (sa1, sa0, 0)
        gain_col = (sb1, sb0, 0)
        exists_p = (True, True, mixed_p)
        exists_q = (True, True, mixed_q)

        def best(vertex, gain):
            # vertex 0: the second action only; 1: the first only; 2: both mixed
            return (gain <= 0, gain >= 0, gain == 0)[vertex]

        edges = [
            (i, j)
            for i in range(3)
            for j in range(3)
            if exists_p[i] and exists_q[j] and best(i, gain_row[j]) and best(j, gain_col[i])
        ]
        # connected components of the bipartite graph (p vertices 0-2, q vertices 3-5)
        parent = list(range(6))
        for i, j in edges:
            parent[_root(parent, i)] = _root(parent, 3 + j)
        rank: dict[int, int] = {}
        for k, (i, j) in enumerate(edges):
            combos[code, k] = 3 * i + j
            components[code, k] = rank.setdefault(_root(parent, i), len(rank))
        counts[code] = len(edges)
        degenerate[code] = 0 in (sa0, sa1, sb0, sb1)
    return combos, components, counts, degenerate


_COMBOS, _COMPONENTS, _COUNTS, _DEGENERATE = _pattern_table()
_WIDTH = int(_COUNTS.max())  # at most 4 extreme equilibria (a constant game)


def _byte_tables():
    r"""The pattern tables re-indexed by the *bit code* of a game, one byte.

    The core does not compute the ternary code of :func:`_pattern_table` but packs eight
    comparisons into one byte: bit :math:`k` is :math:`d_k > \varepsilon` and bit
    :math:`4 + k` is :math:`d_k < -\varepsilon` (:math:`d = (\alpha_0, \alpha_1, \beta_0,
    \beta_1)`, :math:`\varepsilon \ge 0`, so both bits are never set). Returned, per bit
    code: the number of extreme equilibria, the degenerate flag, a 32-bit word whose byte
    ``s`` is the ``s``-th equilibrium's entry ``i + 4 j + 16 c`` (vertices ``i`` of
    :math:`p` and ``j`` of :math:`q` in 0, 1, 2, component ``c``), and a 32-bit word whose
    byte ``s`` is 1 where the game has an ``s``-th equilibrium.
    """
    bits = np.arange(256)
    positive = (bits[:, None] >> np.arange(4)) & 1
    negative = (bits[:, None] >> (4 + np.arange(4))) & 1
    ternary = ((positive - negative + 1) * 3 ** np.arange(4)).sum(axis=1)
    ternary[(positive & negative).any(axis=1)] = 0  # impossible codes; any valid pattern
    counts = _COUNTS[ternary]
    degenerate = _DEGENERATE[ternary]
    combos = _COMBOS[ternary, :_WIDTH]
    entries = combos // 3 + 4 * (combos % 3) + 16 * _COMPONENTS[ternary, :_WIDTH]
    entries = np.where(combos >= 0, entries, 0).astype(np.uint8)
    present = np.arange(_WIDTH) < counts[:, None]
    return (
        counts,
        degenerate,
        np.ascontiguousarray(entries).view(np.uint32).reshape(-1),
        np.ascontiguousarray(present).view(np.uint32).reshape(-1),
    )


_BYTE_COUNTS, _BYTE_DEGENERATE, _BYTE_ENTRIES, _BYTE_PRESENT = _byte_tables()
_SHIFTS = np.arange(8, dtype=np.uint64)[:, None]


def _sign_patterns(P: np.ndarray, tol: float, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Per game, the bit code of the signs of :math:`(\alpha_0, \alpha_1, \beta_0, \beta_1)`.

    :math:`\varepsilon_i = \text{tol} \cdot s_i` with :math:`s_i` player :math:`i`'s own payoff
    range, for player :math:`i`'s two differences (where a range is zero that player's
    differences are exactly zero, so any :math:`\varepsilon_i \ge 0` reads the same signs).
    The batch is worked through in chunks that stay in cache (a loop over memory blocks, each
    step vectorised over its games); each chunk is transposed so that every operation runs on
    contiguous vectors, the four differences and the two players' ranges are each computed by
    one operation on stacked rows, and the eight comparisons of each game are packed into its
    code byte by shifting whole 64-bit words (eight games per word).

    Returns the codes (``uint8``, see :func:`_byte_tables`) and the indifference points,
    shape ``(2, G)``: :math:`q^* = \alpha_1 / (\alpha_1 - \alpha_0)` and
    :math:`p^* = \beta_1 / (\beta_1 - \beta_0)` (meaningful only where the pattern has them).
    """
    G = P.shape[0]
    chunk = max(1, min(chunk, G))
    wide = -(-chunk // 8) * 8  # the chunk in whole 64-bit words of bytes
    code = np.empty(G, dtype=np.uint8)
    star = np.empty((2, G))
    c = np.empty((8, chunk))  # entries: A00 A01 A10 A11 B00 B01 B10 B11
    d = np.empty((4, chunk))  # alpha_0 alpha_1 beta_0 beta_1
    high = np.empty((2, 2, chunk))
    low = np.empty((2, 2, chunk))
    eps = np.empty((2, chunk))
    bits = np.zeros((8, wide), dtype=bool)
    words = np.empty((8, wide // 8), dtype=np.uint64)
    packed = np.empty(wide, dtype=np.uint8)
    # Overflowing ranges (payoffs near 1e308) are refused when the rows are assembled, by
    # payoff_units; here they only must not raise a warning first.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for s in range(0, G, chunk):
            g = min(chunk, G - s)
            if g < chunk:
                c, d, high, low, eps = c[:, :g], d[:, :g], high[..., :g], low[..., :g], eps[:, :g]
            np.copyto(c, P[s : s + g].T)
            np.subtract(c[0:2], c[2:4], out=d[0:2])  # A00 - A10, A01 - A11
            np.subtract(c[4:8:2], c[5:8:2], out=d[2:4])  # B00 - B01, B10 - B11
            by_player = c.reshape(2, 4, g)
            np.maximum(by_player[:, 0:2], by_player[:, 2:4], out=high)
            np.maximum(high[:, 0], high[:, 1], out=high[:, 0])
            np.minimum(by_player[:, 0:2], by_player[:, 2:4], out=low)
            np.minimum(low[:, 0], low[:, 1], out=low[:, 0])
            np.subtract(high[:, 0], low[:, 0], out=eps)  # each player's range s_i
            eps *= tol  # player i's differences count as zero up to tol s_i
            np.greater(d[0:2], eps[0], out=bits[0:2, :g])
            np.greater(d[2:4], eps[1], out=bits[2:4, :g])
            np.negative(eps, out=eps)
            np.less(d[0:2], eps[0], out=bits[4:6, :g])
            np.less(d[2:4], eps[1], out=bits[6:8, :g])
            np.left_shift(bits.view(np.uint64), _SHIFTS, out=words)
            np.bitwise_or.reduce(words, axis=0, out=packed.view(np.uint64))
            code[s : s + g] = packed[:g]
            np.subtract(d[1::2], d[0::2], out=high[:, 1])  # alpha_1 - alpha_0, beta_1 - beta_0
            np.divide(d[1::2], high[:, 1], out=star[:, s : s + g])
    return code, star


def solve_two_by_two(
    payoffs: np.ndarray, tol: float = DEFAULT_TOL, *, chunk: int = 1 << 13
) -> TwoByTwoSolution:
    r"""Closed-form extreme equilibria of a flat batch, payoffs of shape ``(G, 2, 2, 2)``.

    This is the vectorised core of :func:`two_by_two` (no validation, no regret); use
    :func:`two_by_two` unless you need the raw arrays. Each game's sign pattern (81 kinds)
    is computed with masks and looked up in a table of equilibria built once from the
    conditions in the module docstring. Rows are then expanded without :func:`numpy.repeat`:
    each game's (at most four) table entries are one 32-bit word, the words of the batch
    are read as bytes, and the bytes of the equilibria that exist are kept
    (:func:`numpy.flatnonzero` of a per-game presence word); a kept byte's position
    ``4 g + s`` gives the game ``g``.

    Examples
    --------
    >>> import numpy as np
    >>> from irgames.solvers.two_by_two import solve_two_by_two
    >>> battle = np.array([[[3.0, 0.0], [0.0, 2.0]], [[2.0, 0.0], [0.0, 3.0]]])
    >>> raw = solve_two_by_two(battle[None])
    >>> raw.count.tolist(), raw.p.round(3).tolist(), raw.q.round(3).tolist()
    ([3], [0.0, 1.0, 0.6], [0.0, 1.0, 0.4])
    """
    P = np.ascontiguousarray(payoffs, dtype=float).reshape(-1, 8)
    code, star = _sign_patterns(P, float(tol), int(chunk))
    code = code.astype(np.intp)  # one cast for the four table look-ups
    count = _BYTE_COUNTS.take(code)
    degenerate = _BYTE_DEGENERATE.take(code)
    kept = np.flatnonzero(_BYTE_PRESENT.take(code).view(bool))  # 4 g + slot of every row
    entry = _BYTE_ENTRIES.take(code).view(np.uint8).take(kept)
    kept >>= 2
    game_index = kept
    component = (entry >> 4).view(np.int8)
    i = entry & 3
    j = entry >> 2
    j &= 3
    p = i.astype(float)
    q = j.astype(float)
    mixed = np.flatnonzero(i == 2)
    p[mixed] = star[1, game_index[mixed]]
    mixed = np.flatnonzero(j == 2)
    q[mixed] = star[0, game_index[mixed]]
    return TwoByTwoSolution(
        game_index=game_index,
        p=p,
        q=q,
        component=component,
        degenerate=degenerate,
        count=count,
    )


def two_by_two(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> Equilibria:
    r"""Every extreme equilibrium of every 2x2 bimatrix game in a batch, in closed form.

    Parameters
    ----------
    game : NormalFormGame
        Two players with two actions each; any batch shape.
    tol : float
        A difference of player :math:`i`'s payoffs counts as zero when at most ``tol`` times
        :math:`s_i`, that player's payoff range (``NormalFormGame.payoff_units``).

    Returns
    -------
    Equilibria
        One row per extreme equilibrium (``complete=True``): pure equilibria, the completely
        mixed one when it exists, and in degenerate games the extreme points of each continuum,
        sharing a ``component`` label; ``degenerate`` marks games with a zero payoff
        difference. Payoffs and regret are computed independently of the closed form.

    Raises
    ------
    GameValueError
        If the game is not a batch of 2x2 bimatrix games.
    ValueError
        If ``tol`` is negative or not finite.
    """
    tol = _check(game, tol)
    solution = solve_two_by_two(game.payoffs.reshape(-1, 2, 2, 2), tol)
    p, q = solution.p, solution.q
    # (k, 2) strategies stored column by column: contiguous writes here and contiguous
    # reads in the regret check
    x = np.empty((2, p.size))
    x[0] = p
    np.subtract(1.0, p, out=x[1])
    y = np.empty((2, q.size))
    y[0] = q
    np.subtract(1.0, q, out=y[1])
    x, y = x.T, y.T
    return Equilibria.from_profiles(
        game,
        solution.game_index,
        (x, y),
        method="two_by_two",
        tol=tol,
        complete=True,
        degenerate=solution.degenerate.reshape(game.batch_shape),
        component=solution.component,
        options={"tol": tol},
    )
