r"""Equilibria of large anonymous games with binary actions (threshold games, volunteering).

For an :class:`~irgames.games.anonymous.AnonymousBinaryGame` with gain from acting
:math:`d_k = a_k - n_k` (:math:`k` = number of others who act):

**Pure equilibria.** By anonymity a pure profile is an equilibrium iff its number of actors
:math:`m` is: no actor wants to stop, :math:`d_{m-1} \ge 0` (if :math:`m \ge 1`), and no
non-actor wants to start, :math:`d_m \le 0` (if :math:`m < N`). Every set of :math:`m`
players is then an equilibrium (there are :math:`\binom{N}{m}` of them); the solver reports
the counts :math:`m`, ``N + 1`` checks per game.

**Symmetric mixed equilibria.** Each player acts with probability :math:`p \in (0, 1)` and is
indifferent:

.. math::

    f(p) = \sum_{k=0}^{N-1} \binom{N-1}{k} p^k (1-p)^{N-1-k} d_k = 0 .

:math:`f` is a polynomial in the Bernstein basis with coefficients :math:`d_k`. By the
variation-diminishing property of that basis (Descartes' rule of signs for Bernstein
polynomials) the number of roots in :math:`(0, 1)`, counted with multiplicity, is at most the
number :math:`V` of sign changes of :math:`(d_0, \dots, d_{N-1})` and has the parity of
:math:`V`. The solver evaluates :math:`f` on a grid that is uniform in
:math:`\vartheta = \arcsin\sqrt{p}` (the variance-stabilising transform of the binomial:
features of :math:`f` have width about :math:`1/(2\sqrt{N})` in :math:`\vartheta` at every
:math:`p`), refined with logarithmic points near 0 and 1, brackets every sign change, and
polishes each bracket with Chandrupatla's method (:func:`scipy.optimize.elementwise.find_root`),
all vectorised over the batch and the brackets. Binomial weights are computed in log space,
so :math:`N` may be in the thousands. A game is marked ``complete`` when the number of roots
found equals the bound :math:`V` (then no root can be missing); otherwise roots in a pair may
have been missed between grid points (or a tangency), and a finer ``grid`` can be asked for.
If :math:`d \equiv 0` every :math:`p` is an equilibrium: the game is marked ``degenerate``.

Examples
--------
>>> from irgames.games.anonymous import AnonymousBinaryGame
>>> from irgames.solvers.anonymous import pure_equilibria_counts, symmetric_equilibria
>>> vd = AnonymousBinaryGame.volunteers_dilemma(5, benefit=1.0, cost=0.4)
>>> pure_equilibria_counts(vd).actors(0)
[1]
>>> eq = symmetric_equilibria(vd)
>>> round(float(eq.probability[0]), 3), bool(eq.complete)
(0.205, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import elementwise
from scipy.special import gammaln

from .._memory import require
from ..errors import GameValueError, SolverError
from ..games.anonymous import AnonymousBinaryGame, binomial_weights
from .equilibria import DEFAULT_TOL
from .result import Result, accepts_tolerance, tolerance_property

__all__ = [
    "PureCounts",
    "SymmetricEquilibria",
    "indifference",
    "pure_equilibria_counts",
    "symmetric_equilibria",
]


@dataclass(frozen=True, eq=False)
class PureCounts(Result):
    """Pure equilibria of a batch of anonymous binary games, by number of actors.

    Attributes
    ----------
    is_equilibrium : ndarray of bool, shape (*batch, N + 1)
        ``is_equilibrium[..., m]``: every profile with exactly ``m`` actors is an equilibrium.
    regret : ndarray, shape (*batch, N + 1)
        Regret of the profile with ``m`` actors, from
        :meth:`AnonymousBinaryGame.profile_regret` (independent of the solver's test).
    scale : ndarray, shape batch
        Payoff range of each game.
    tol : float
        Relative tolerance used.
    method : str
    """

    is_equilibrium: np.ndarray
    regret: np.ndarray
    scale: np.ndarray
    tol: float
    method: str = "pure counts"

    tolerance = tolerance_property()
    complete = True

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.is_equilibrium.shape[:-1])

    @property
    def count(self) -> np.ndarray:
        """Number of equilibrium counts ``m`` per game (each stands for C(N, m) profiles)."""
        return self.is_equilibrium.sum(-1)

    def actors(self, game=()) -> list[int]:
        """The equilibrium numbers of actors of one game (flat index or multi-index)."""
        flat = self.is_equilibrium.reshape(-1, self.is_equilibrium.shape[-1])
        if isinstance(game, tuple):
            game = int(np.ravel_multi_index(game, self.is_equilibrium.shape[:-1])) if game else 0
        return [int(m) for m in np.flatnonzero(flat[int(game)])]

    @property
    def fewest(self) -> np.ndarray:
        """Smallest equilibrium number of actors per game (-1 where there is none)."""
        any_ = self.is_equilibrium.any(-1)
        return np.where(any_, np.argmax(self.is_equilibrium, -1), -1)

    @property
    def most(self) -> np.ndarray:
        """Largest equilibrium number of actors per game (-1 where there is none)."""
        n1 = self.is_equilibrium.shape[-1]
        any_ = self.is_equilibrium.any(-1)
        return np.where(any_, n1 - 1 - np.argmax(self.is_equilibrium[..., ::-1], -1), -1)


@dataclass(frozen=True, eq=False)
class SymmetricEquilibria(Result):
    r"""Symmetric mixed equilibria :math:`p \in (0, 1)` of a batch, one row per equilibrium.

    Attributes
    ----------
    batch_shape : tuple of int
    n_players : int
    game_index : ndarray of int, shape (r,)
        Flat index of each row's game.
    probability : ndarray, shape (r,)
        The probability :math:`p` with which every player acts.
    regret : ndarray, shape (r,)
        :meth:`AnonymousBinaryGame.symmetric_regret` at the row's :math:`p` (independent of
        the root finder).
    scale : ndarray, shape (r,)
        Payoff range of the row's game.
    count : ndarray of int, shape batch_shape
        Roots found per game.
    sign_changes : ndarray of int, shape batch_shape
        Bound :math:`V` on the number of roots (sign changes of the gains :math:`d_k`).
    complete : ndarray of bool, shape batch_shape
        True where ``count == sign_changes``: then every symmetric mixed equilibrium is found.
    degenerate : ndarray of bool, shape batch_shape
        True where :math:`d \equiv 0` (within tolerance): every :math:`p` is an equilibrium
        and no row is reported.
    tol : float
    method : str
    options : dict
    """

    batch_shape: tuple[int, ...]
    n_players: int
    game_index: np.ndarray
    probability: np.ndarray
    regret: np.ndarray
    scale: np.ndarray
    count: np.ndarray
    sign_changes: np.ndarray
    complete: np.ndarray
    degenerate: np.ndarray
    tol: float
    method: str = "symmetric mixed: grid in arcsin(sqrt p) + Chandrupatla"
    options: dict[str, Any] = field(default_factory=dict)

    layout = "per_equilibrium"
    tolerance = tolerance_property()

    def __len__(self) -> int:
        return int(self.game_index.size)

    @property
    def relative_regret(self) -> np.ndarray:
        return self.regret / self.scale

    @property
    def max_relative_regret(self) -> float:
        return float(self.relative_regret.max()) if len(self) else 0.0

    def for_game(self, index) -> np.ndarray:
        """The sorted equilibrium probabilities of one game (flat index or multi-index)."""
        if isinstance(index, tuple):
            index = int(np.ravel_multi_index(index, self.batch_shape)) if index else 0
        return np.sort(self.probability[self.game_index == int(index)])

    def extreme(self, which: str = "max", fill: float = np.nan) -> np.ndarray:
        """Per game, the largest (``"max"``) or smallest (``"min"``) root, ``fill`` if none."""
        size = int(np.prod(self.batch_shape, dtype=np.int64))
        if which == "max":
            out = np.full(size, -np.inf)
            np.maximum.at(out, self.game_index, self.probability)
            out[np.isneginf(out)] = fill
        elif which == "min":
            out = np.full(size, np.inf)
            np.minimum.at(out, self.game_index, self.probability)
            out[np.isposinf(out)] = fill
        else:
            raise SolverError(f"which must be 'max' or 'min', got {which!r}")
        return out.reshape(self.batch_shape)


@accepts_tolerance
def pure_equilibria_counts(game: AnonymousBinaryGame, *, tol: float = DEFAULT_TOL) -> PureCounts:
    r"""All pure equilibria of an anonymous binary game, as numbers of actors :math:`m`.

    :math:`m` is an equilibrium count iff :math:`d_{m-1} \ge -\epsilon` (when :math:`m \ge 1`)
    and :math:`d_m \le \epsilon` (when :math:`m < N`), with :math:`\epsilon` = ``tol``
    times the game's payoff range. Vectorised over the batch; cost :math:`O(N)` per game.

    >>> from irgames.games.anonymous import AnonymousBinaryGame
    >>> g = AnonymousBinaryGame.threshold_public_good(5, threshold=3, benefit=1.0, cost=0.4)
    >>> pure_equilibria_counts(g).actors(0)
    [0, 3]
    """
    _check_tolerance(tol)
    d = game.gain
    scale = game.payoff_scale
    eps = tol * scale[..., None]
    ones = np.ones((*game.batch_shape, 1), dtype=bool)
    actors_stay = np.concatenate([ones, d >= -eps], axis=-1)  # index m: d_{m-1} >= 0
    others_out = np.concatenate([d <= eps, ones], axis=-1)  # index m: d_m <= 0
    is_eq = actors_stay & others_out
    reg = _counts_regret(game)
    return PureCounts(is_equilibrium=is_eq, regret=reg, scale=scale, tol=float(tol))


def _counts_regret(game: AnonymousBinaryGame) -> np.ndarray:
    """Regret of every count m = 0..N, shape (*batch, N+1): the largest gain of an actor who
    stops (payoff_not - payoff_act at m - 1 others acting) or of a non-actor who starts
    (payoff_act - payoff_not at m others acting), and 0 if neither gains."""
    stop = game.payoff_not - game.payoff_act  # index m - 1
    start = game.payoff_act - game.payoff_not  # index m
    pad = np.full((*game.batch_shape, 1), -np.inf)
    best = np.maximum(np.concatenate([pad, stop], -1), np.concatenate([start, pad], -1))
    return np.maximum(best, 0.0)


def indifference(game: AnonymousBinaryGame, p) -> np.ndarray:
    r"""The indifference function :math:`f(p) = V_a(p) - V_n(p)` of every game at ``p``.

    ``p`` of shape ``(r,)`` gives ``(*batch, r)``; ``p`` of shape ``(*batch, r)`` gives the
    values of each game at its own points.

    >>> from irgames.games.anonymous import AnonymousBinaryGame
    >>> vd = AnonymousBinaryGame.volunteers_dilemma(3, benefit=1.0, cost=0.25)
    >>> indifference(vd, [0.5]).round(12).tolist()
    [0.0]
    """
    p = np.atleast_1d(np.asarray(p, dtype=float))
    if np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
        raise GameValueError("probabilities of acting must lie in [0, 1]")
    w = binomial_weights(game.n_players - 1, p)  # (..., r, N)
    return (w * game.gain[..., None, :]).sum(-1)


@accepts_tolerance
def symmetric_equilibria(
    game: AnonymousBinaryGame,
    *,
    tol: float = 1e-9,
    grid: int | None = None,
) -> SymmetricEquilibria:
    r"""All symmetric mixed equilibria :math:`p \in (0, 1)` of a batch of anonymous games.

    Parameters
    ----------
    game : AnonymousBinaryGame
    tol : float
        Relative tolerance: gains within ``tol`` times the payoff range count as zero
        (for the degenerate test), and roots are polished to machine precision.
    grid : int, optional
        Number of grid points in :math:`\arcsin\sqrt{p}`; default
        :math:`\max(400, 24\sqrt{N})`.

    Returns
    -------
    SymmetricEquilibria
        Every root of :math:`f` that the grid brackets, with its independently computed
        regret; ``complete`` tells where the count meets the Descartes bound.
    """
    _check_tolerance(tol)
    n = game.n_players
    flat = game.flatten()
    d = flat.gain  # (B, N)
    B = flat.batch_size
    scale = flat.payoff_scale
    eps = tol * scale
    zero = np.abs(d) <= eps[:, None]
    degenerate = zero.all(-1)
    sign_changes = _sign_changes(d)

    ps = _grid(n, grid)  # (G,), strictly inside (0, 1)
    # f on the grid and its signs, for every game
    require(
        2.0 * 8 * B * ps.size,
        f"the sign grid of {B} games at {ps.size} points",
        advice="solve the batch in chunks (or pass a smaller grid)",
    )
    log_c = _log_choose(n - 1)
    # The gains in units of the payoff scale: f's sign is unchanged, and tiny payoffs (say
    # 1e-300) do not underflow to spurious zeros of f on the grid.
    d_unit = d / scale[:, None]
    s = np.sign(_evaluate_on_grid(d_unit, ps, log_c))  # (B, G)
    s[degenerate] = 0
    exact_b, exact_j, br_b, br_lo, br_hi = _brackets(s)

    roots = ps[exact_j]
    if br_b.size:
        d_rows = d_unit[br_b]

        def f(x, row):
            w = _weights(log_c, x)  # (r, N)
            return np.einsum("rk,rk->r", w, d_rows[row.astype(np.int64)])

        res = elementwise.find_root(
            f,
            (ps[br_lo], ps[br_hi]),
            args=(np.arange(br_b.size, dtype=float),),
            tolerances={"xatol": 0.0, "xrtol": 4 * np.finfo(float).eps, "fatol": 0.0},
        )
        roots = np.concatenate([roots, res.x])
    game_index = np.concatenate([exact_b, br_b]).astype(np.int64)
    order = np.lexsort((roots, game_index))
    game_index, roots = game_index[order], roots[order]
    rows = AnonymousBinaryGame(flat.payoff_act[game_index], flat.payoff_not[game_index])
    reg = rows.symmetric_regret(roots) if roots.size else np.zeros(0)
    count = np.bincount(game_index, minlength=B)
    return SymmetricEquilibria(
        batch_shape=game.batch_shape,
        n_players=n,
        game_index=game_index,
        probability=roots,
        regret=reg,
        scale=scale[game_index],
        count=count.reshape(game.batch_shape),
        sign_changes=sign_changes.reshape(game.batch_shape),
        complete=((count == sign_changes) | degenerate).reshape(game.batch_shape),
        degenerate=degenerate.reshape(game.batch_shape),
        tol=float(tol),
        options={"grid": int(ps.size)},
    )


# ---------------------------------------------------------------------- helpers


def _brackets(s: np.ndarray):
    """Where the sign of f, sampled on the grid, says a root lies.

    ``s`` holds the signs, shape ``(B, G)``. Between two consecutive grid points with nonzero
    signs ``j < k``: if ``k = j + 2`` the zero at ``j + 1`` is a root (a crossing or a
    tangency); otherwise a sign change brackets a root in ``[p_j, p_k]`` (``k > j + 2`` only
    where f underflowed to zero between them). Zeros before the first or after the last
    nonzero sign are underflow at the ends of (0, 1), not roots.

    Returns ``(exact_b, exact_j, br_b, br_lo, br_hi)``: games and grid points of the exact
    roots; games and bracket ends of the others.
    """
    B, G = s.shape
    nonzero = s != 0
    # nxt[b, j]: the first k > j with a nonzero sign (G if none)
    first_from = np.where(nonzero, np.arange(G), G)
    first_from = np.minimum.accumulate(first_from[:, ::-1], axis=1)[:, ::-1]
    nxt = np.concatenate([first_from[:, 1:], np.full((B, 1), G)], axis=1)
    b, j = np.nonzero(nonzero & (nxt < G))
    k = nxt[b, j]
    change = s[b, j] * s[b, k] < 0
    exact = k == j + 2
    bracket = change & ~exact
    return b[exact], j[exact] + 1, b[bracket], j[bracket], k[bracket]


def _check_tolerance(tolerance: float) -> None:
    if not (np.isfinite(tolerance) and tolerance > 0):
        raise SolverError(f"tolerance must be a positive number, got {tolerance!r}")


def _log_choose(n: int) -> np.ndarray:
    k = np.arange(n + 1, dtype=float)
    return gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)


def _weights(log_c: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial(n, p) weights for p strictly inside (0, 1): shape (*p.shape, n + 1)."""
    n = log_c.size - 1
    k = np.arange(n + 1, dtype=float)
    p = p[..., None]
    return np.exp(log_c + k * np.log(p) + (n - k) * np.log1p(-p))


def _evaluate_on_grid(d: np.ndarray, ps: np.ndarray, log_c: np.ndarray) -> np.ndarray:
    """f at every grid point for every game: d (B, N) @ W(ps)^T, in chunks of the grid."""
    n = d.shape[-1]
    chunk = max(1, int(2**22 // max(n, 1)))
    out = np.empty((d.shape[0], ps.size))
    for start in range(0, ps.size, chunk):
        w = _weights(log_c, ps[start : start + chunk])  # (g, N)
        out[:, start : start + chunk] = d @ w.T
    return out


def _grid(n: int, size: int | None) -> np.ndarray:
    size = int(size) if size is not None else max(400, int(24 * np.sqrt(n)))
    if size < 4:
        raise SolverError(f"grid must have at least 4 points, got {size}")
    theta = np.linspace(0.0, np.pi / 2, size + 2)[1:-1]
    uniform = np.sin(theta) ** 2
    lo = uniform[0]
    tail = np.geomspace(1e-15, lo, 64, endpoint=False)
    ps = np.unique(np.concatenate([tail, uniform, 1.0 - tail]))
    return ps[(ps > 0) & (ps < 1)]


def _sign_changes(d: np.ndarray) -> np.ndarray:
    """Number of sign changes in each row, zeros skipped."""
    s = np.sign(d)
    # carry the last nonzero sign forward
    idx = np.where(s != 0, np.arange(s.shape[-1]), 0)
    np.maximum.accumulate(idx, axis=-1, out=idx)
    filled = np.take_along_axis(s, idx, -1)
    changes = (filled[:, 1:] * filled[:, :-1] < 0).sum(-1)
    return changes.astype(np.int64)
