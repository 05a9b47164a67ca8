r"""Regime maps and equilibrium continuation.

Regime maps
    A model's :class:`~irgames.analysis.model.Outcome` may label each point with a regime (the
    qualitative kind of equilibrium that holds there). :func:`regime_map` sweeps a grid, and
    along every axis locates each boundary between neighbouring grid points of different
    regimes by bisection: for all boundary segments at once, the midpoint is solved (one
    batched call per halving) and replaces the end whose regime it shares, so after ``refine``
    halvings each boundary is known to within ``spacing / 2**refine``.
    :func:`equilibrium_regimes` turns a normal-form :class:`~irgames.solvers.equilibria.Equilibria`
    result into such labels (by the numbers of pure and mixed equilibria of each game).

Continuation
    Along a one-dimensional sweep a game may have several equilibria, appearing and vanishing
    at folds. :func:`label_branches` links each equilibrium at step :math:`t` to the nearest one
    at step :math:`t + 1` when each is the other's nearest neighbour (distance between
    strategy profiles, optionally capped by ``max_jump``), repeating among the points left
    unlinked (a greedy matching: every point has at most one successor and one predecessor),
    and labels the connected chains: the branches. :func:`follow_branches` does this for an
    ``Equilibria`` result of a 1-D batch, and :func:`continue_equilibrium` selects, game by
    game, the branch through a chosen starting equilibrium. Everything is vectorised over the
    rows; no loop runs over games.

Examples
--------
>>> import numpy as np
>>> steps = np.array([0, 0, 1, 1, 2])
>>> points = np.array([[0.0], [1.0], [0.1], [0.9], [0.2]])
>>> label_branches(steps, points).tolist()
[0, 1, 0, 1, 0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import Model, ModelError, evaluate_valid
from .sweep import sweep

__all__ = [
    "Branches",
    "RegimeMap",
    "continue_equilibrium",
    "equilibrium_regimes",
    "follow_branches",
    "label_branches",
    "regime_map",
]


# ---------------------------------------------------------------------------------- regimes
@dataclass(frozen=True, eq=False)
class RegimeMap:
    """Which regime holds where on a grid, with the boundaries located.

    Attributes
    ----------
    dims, coords
        The grid's axes.
    regime : ndarray of int
        Regime index at each grid point (-1 outside the space or where none applies).
    regime_names : tuple of str
    boundaries : dict of str to dict of str to ndarray
        For each axis, one entry per boundary crossed along that axis: every parameter (with
        the axis parameter at the located boundary), ``"from"`` and ``"to"`` (the regimes on
        the lower and upper side) and ``"width"`` (the final bracket; the error is at most
        half of it).
    """

    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]
    regime: np.ndarray
    regime_names: tuple[str, ...]
    boundaries: dict[str, dict[str, np.ndarray]]
    fixed: dict[str, float]

    def shares(self) -> dict[str, float]:
        """Share of the grid points (inside the space) in each regime."""
        inside = self.regime >= 0
        total = max(int(inside.sum()), 1)
        return {
            name: float((self.regime == i).sum() / total)
            for i, name in enumerate(self.regime_names)
        }

    def labels(self) -> np.ndarray:
        names = np.array([*self.regime_names, ""], dtype=object)
        return names[self.regime]

    def boundary_table(self, axis: str):
        """The boundaries along ``axis`` as a :class:`pandas.DataFrame`."""
        import pandas as pd

        table = dict(self.boundaries[axis])
        names = np.array([*self.regime_names, ""], dtype=object)
        table["from"] = names[table["from"]]
        table["to"] = names[table["to"]]
        return pd.DataFrame(table)


def regime_map(
    model: Model,
    *,
    refine: int = 30,
    fixed: Mapping[str, float] | None = None,
    **axes,
) -> RegimeMap:
    """Sweep a grid, label regimes, and locate the regime boundaries along each axis.

    Parameters
    ----------
    model : Model
        Its outcome must carry regime labels.
    refine : int
        Bisection halvings per boundary.
    fixed : mapping, optional
        Parameters held fixed (defaults otherwise).
    **axes
        Axis specs as for :func:`irgames.analysis.sweep.sweep`.
    """
    result = sweep(model, fixed=fixed, **axes)
    if result.outcome.regime is None:
        raise ModelError(f"model {model.name!r} returns no regime labels: nothing to map")
    regime = result.outcome.regime
    params = result.params()
    boundaries: dict[str, dict[str, np.ndarray]] = {}
    for k, axis in enumerate(result.dims):
        lo_idx = [slice(None)] * regime.ndim
        hi_idx = [slice(None)] * regime.ndim
        lo_idx[k] = slice(0, -1)
        hi_idx[k] = slice(1, None)
        r_lo, r_hi = regime[tuple(lo_idx)], regime[tuple(hi_idx)]
        cross = (r_lo != r_hi) & (r_lo >= 0) & (r_hi >= 0)
        lo = {n: np.asarray(v[tuple(lo_idx)][cross], float) for n, v in params.items()}
        hi_axis = np.asarray(params[axis][tuple(hi_idx)][cross], float)
        boundaries[axis] = _bisect(
            model,
            lo,
            axis,
            hi_axis,
            r_lo[cross],
            r_hi[cross],
            refine,
            result.outcome.regime_names,
        )
    return RegimeMap(
        dims=result.dims,
        coords=result.coords,
        regime=regime,
        regime_names=result.outcome.regime_names,
        boundaries=boundaries,
        fixed=result.fixed,
    )


def _bisect(model, lo_params, axis, hi, r_lo, r_hi, refine, names) -> dict[str, np.ndarray]:
    lo = lo_params[axis].copy()
    hi = hi.copy()
    to = r_hi.copy()
    for _ in range(int(refine)):
        if lo.size == 0:
            break
        mid = 0.5 * (lo + hi)
        point = dict(lo_params)
        point[axis] = mid
        out = evaluate_valid(model, point)
        if out.regime_names != names:
            raise ModelError(
                f"model {model.name!r} names its regimes differently from call to call "
                f"({names} vs {out.regime_names}): regime labels must be fixed for a model"
            )
        r_mid = out.regime
        same = r_mid == r_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
        to = np.where(same, to, r_mid)
    table = {n: v.copy() for n, v in lo_params.items()}
    table[axis] = 0.5 * (lo + hi)
    table["from"] = r_lo.astype(np.int64)
    table["to"] = to.astype(np.int64)
    table["width"] = hi - lo
    return table


def equilibrium_regimes(
    eq, *, max_mixed: int = 3, atol: float = 1e-9
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Regime labels of the games of an ``Equilibria`` result by their numbers of pure and
    mixed equilibria, e.g. ``"2 pure, 1 mixed"``.

    The names depend only on the game's size (``p`` from 0 to the number of pure profiles,
    ``m`` from 0 to ``max_mixed``, the last meaning "``max_mixed`` or more"), so that labels
    from different calls agree, as :func:`regime_map` needs.

    Returns
    -------
    (labels, names) : ndarray of int with the batch shape, tuple of str
    """
    pure_row = np.ones(len(eq), dtype=bool)
    if len(eq):
        for s in eq.strategies:
            pure_row &= np.max(s, axis=1) >= 1 - atol
    size = int(np.prod(eq.batch_shape, dtype=np.int64))
    n_profiles = int(np.prod(eq.num_actions))
    n_pure = np.bincount(eq.game_index[pure_row], minlength=size)
    n_mixed = np.minimum(np.bincount(eq.game_index[~pure_row], minlength=size), max_mixed)
    labels = n_pure * (max_mixed + 1) + n_mixed
    names = tuple(
        f"{p} pure, {m}{'+' if m == max_mixed else ''} mixed"
        for p in range(n_profiles + 1)
        for m in range(max_mixed + 1)
    )
    return labels.reshape(eq.batch_shape), names


# ---------------------------------------------------------------------------------- branches
def label_branches(
    steps: np.ndarray, features: np.ndarray, *, max_jump: float | None = None
) -> np.ndarray:
    r"""Label the branches of points indexed by a step along a path.

    Parameters
    ----------
    steps : array_like of int, shape (k,)
        The step (position along the sweep) of each point.
    features : array_like, shape (k, d)
        What is compared between steps (e.g. the concatenated strategies).
    max_jump : float, optional
        Points farther apart than this are never linked.

    Returns
    -------
    ndarray of int, shape (k,)
        Branch labels ``0, 1, ...`` in order of first appearance (by step, then row). Two
        points at consecutive steps share a branch when each is the other's nearest neighbour
        among the points not yet linked.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    steps = np.asarray(steps, dtype=np.int64).reshape(-1)
    features = np.asarray(features, dtype=float).reshape(steps.size, -1)
    k = steps.size
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(steps, kind="stable")
    s_sorted = steps[order]
    first, last = int(s_sorted[0]), int(s_sorted[-1])
    span = last - first + 2
    counts = np.bincount(s_sorted - first, minlength=span)
    starts = np.concatenate([[0], np.cumsum(counts)])
    # all pairs (i, j) with step(j) = step(i) + 1, in sorted positions
    rel = s_sorted - first
    n_next = counts[rel + 1]
    I = np.repeat(np.arange(k), n_next)
    offset = np.arange(I.size) - np.repeat(np.cumsum(n_next) - n_next, n_next)
    J = starts[rel[I] + 1] + offset
    if I.size:
        d = np.linalg.norm(features[order][I] - features[order][J], axis=1)
        allowed = np.ones(I.size, dtype=bool) if max_jump is None else d <= max_jump
        matched_i = np.zeros(k, dtype=bool)  # has a link to the next step
        matched_j = np.zeros(k, dtype=bool)  # has a link from the previous step
        links = np.zeros(I.size, dtype=bool)
        # greedy rounds: link mutual nearest neighbours among the points still free
        while True:
            free = allowed & ~matched_i[I] & ~matched_j[J]
            if not free.any():
                break
            cand = np.flatnonzero(free)
            best_i = _argmin_by_group(I[cand], d[cand], k)
            best_j = _argmin_by_group(J[cand], d[cand], k)
            pos = np.arange(cand.size)
            mutual = cand[(best_i[I[cand]] == pos) & (best_j[J[cand]] == pos)]
            links[mutual] = True
            matched_i[I[mutual]] = True
            matched_j[J[mutual]] = True
        I, J = I[links], J[links]
    graph = coo_matrix((np.ones(I.size), (I, J)), shape=(k, k))
    _, comp = connected_components(graph, directed=False)
    # relabel by first appearance in sorted order
    _, first_pos = np.unique(comp, return_index=True)
    rank = np.empty(first_pos.size, dtype=np.int64)
    rank[np.argsort(first_pos)] = np.arange(first_pos.size)
    labels = np.empty(k, dtype=np.int64)
    labels[order] = rank[comp]
    return labels


def _argmin_by_group(group: np.ndarray, value: np.ndarray, size: int) -> np.ndarray:
    """For each group id, the index (into ``value``) of its smallest value (-1 if none)."""
    out = np.full(size, -1, dtype=np.int64)
    if group.size == 0:
        return out
    order = np.lexsort((value, group))
    g = group[order]
    firsts = np.r_[True, g[1:] != g[:-1]]
    out[g[firsts]] = order[firsts]
    return out


@dataclass(frozen=True, eq=False)
class Branches:
    """Branches of equilibria along a one-dimensional sweep.

    Attributes
    ----------
    labels : ndarray of int, shape (k,)
        Branch of each row of the ``Equilibria`` result.
    n_branches : int
    game_index : ndarray of int, shape (k,)
        The rows' games (steps).
    n_steps : int
    """

    labels: np.ndarray
    n_branches: int
    game_index: np.ndarray
    n_steps: int

    def rows(self, branch: int) -> np.ndarray:
        """Row of ``branch`` at each step (-1 where the branch does not exist)."""
        out = np.full(self.n_steps, -1, dtype=np.int64)
        mine = np.flatnonzero(self.labels == branch)
        out[self.game_index[mine]] = mine
        return out

    def extent(self) -> np.ndarray:
        """First and last step of every branch, shape ``(n_branches, 2)``."""
        lo = np.full(self.n_branches, np.iinfo(np.int64).max)
        hi = np.full(self.n_branches, -1)
        np.minimum.at(lo, self.labels, self.game_index)
        np.maximum.at(hi, self.labels, self.game_index)
        return np.stack([lo, hi], axis=1)


def follow_branches(eq, *, max_jump: float | None = None) -> Branches:
    """Label the branches of the equilibria of a one-dimensional batch of games."""
    if len(eq.batch_shape) != 1:
        raise ModelError(
            f"continuation needs a one-dimensional batch (a path), got batch shape {eq.batch_shape}"
        )
    features = np.concatenate([np.asarray(s, float) for s in eq.strategies], axis=1)
    labels = label_branches(eq.game_index, features, max_jump=max_jump)
    n = int(labels.max()) + 1 if labels.size else 0
    return Branches(labels, n, np.asarray(eq.game_index), int(eq.batch_shape[0]))


def continue_equilibrium(eq, start: Any = 0, *, max_jump: float | None = None) -> np.ndarray:
    """Follow one equilibrium along a 1-D sweep: its row at every game (-1 where it ends).

    Parameters
    ----------
    eq : Equilibria
        Equilibria of a one-dimensional batch (a path through the parameter space).
    start : int or sequence of array_like
        The row to start from, or a profile: the nearest equilibrium of the first game that
        has any is chosen.
    """
    branches = follow_branches(eq, max_jump=max_jump)
    if len(eq) == 0:
        return np.full(eq.batch_shape[0], -1, dtype=np.int64)
    if isinstance(start, int | np.integer):
        row = int(start)
        if not 0 <= row < len(eq):
            # builtin: the sequence protocol (an index out of range)
            raise IndexError(f"start row {row} out of range (0..{len(eq) - 1})")
    else:
        target = np.concatenate([np.asarray(s, float).reshape(-1) for s in start])
        first_game = int(eq.game_index.min())
        rows = np.flatnonzero(eq.game_index == first_game)
        features = np.concatenate([np.asarray(s, float) for s in eq.strategies], axis=1)
        row = int(rows[np.argmin(np.linalg.norm(features[rows] - target, axis=1))])
    return branches.rows(int(branches.labels[row]))
