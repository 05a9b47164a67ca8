r"""Where a claim fails: a shallow decision tree on the parameters, and the failing regimes.

Given checked points :math:`\theta_1, \dots, \theta_m \in \mathbb{R}^p` and labels
:math:`y_k = 1` where the claim fails, :func:`fit_tree` grows a classification tree of depth at
most 3 (CART): at each node it takes, over every parameter :math:`j` and every threshold
:math:`t` halfway between two consecutive distinct values of :math:`\theta_{\cdot j}` at the
node, the split :math:`\theta_j \le t` / :math:`\theta_j > t` that minimises the weighted
impurity of the two children,

.. math::

    \frac{m_L}{m} I(p_L) + \frac{m_R}{m} I(p_R), \qquad
    I_{\mathrm{gini}}(q) = 2 q (1 - q), \quad
    I_{\mathrm{entropy}}(q) = -q \log_2 q - (1 - q) \log_2 (1 - q),

where :math:`p_L, p_R` are the failing shares of the children. All thresholds of all
parameters are scored at once (sort each column, cumulative failure counts); the only loop
runs over the tree's nodes. A leaf predicts the majority label; the failing leaves, read from
the root, are conjunctions of inequalities, printed as the region where the claim fails.
Its accuracy is the share of the points the tree labels correctly.

:func:`describe_failures` adds the regimes (when the model has a regime outcome): per regime,
how many of its points fail.

Examples
--------
>>> import numpy as np
>>> centres = (np.arange(20) + 0.5) / 20  # a 20 x 20 grid of cell centres
>>> x, y = np.meshgrid(centres, centres)
>>> params = {"x": x.ravel(), "y": y.ravel()}
>>> fails = (params["x"] > 0.3) & (params["y"] < 0.5)
>>> region = describe_failures(params, fails)
>>> region.rules
['y <= 0.5 and x > 0.3']
>>> region.accuracy, region.parameters
(1.0, ('y', 'x'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["DecisionTree", "FailingRegion", "describe_failures", "fit_tree"]


def _impurity(q: np.ndarray, criterion: str) -> np.ndarray:
    q = np.clip(q, 0.0, 1.0)
    if criterion == "gini":
        return 2.0 * q * (1.0 - q)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(q * np.log2(q) + (1 - q) * np.log2(1 - q))
    return np.nan_to_num(h, nan=0.0)


def _best_split(X: np.ndarray, y: np.ndarray, min_leaf: int, criterion: str):
    """The best split of one node: ``(feature, threshold, gain, gain_per_feature)``, or a
    feature of -1 when no split with ``min_leaf`` points on each side reduces the impurity.

    Every threshold of every feature is scored at once: columns sorted, failure counts
    accumulated, the children's impurities weighed.
    """
    m, p = X.shape
    order = np.argsort(X, axis=0, kind="stable")
    xs = np.take_along_axis(X, order, axis=0)
    ys = y[order].astype(float)  # (m, p)
    left_n = np.arange(1, m, dtype=float)[:, None]  # split after row k: k+1 on the left
    left_f = np.cumsum(ys, axis=0)[:-1]
    total = float(y.sum())
    right_n = m - left_n
    right_f = total - left_f
    parent = float(_impurity(np.asarray(total / m), criterion))
    child = (
        left_n * _impurity(left_f / left_n, criterion)
        + right_n * _impurity(right_f / right_n, criterion)
    ) / m
    gain = parent - child
    allowed = (xs[1:] > xs[:-1]) & (left_n >= min_leaf) & (right_n >= min_leaf)
    gain = np.where(allowed, gain, -np.inf)
    per_feature = gain.max(axis=0) if m > 1 else np.full(p, -np.inf)
    if m < 2 or not np.isfinite(gain).any():
        return -1, np.nan, 0.0, per_feature
    k, j = np.unravel_index(np.argmax(gain), gain.shape)
    best = float(gain[k, j])
    if best <= 1e-12:
        return -1, np.nan, 0.0, per_feature
    threshold = 0.5 * (xs[k, j] + xs[k + 1, j])
    return int(j), float(threshold), best, per_feature


@dataclass(frozen=True, eq=False)
class DecisionTree:
    """A fitted binary tree (arrays indexed by node; node 0 is the root).

    Attributes
    ----------
    names : tuple of str
        The parameters, in the columns' order.
    feature : ndarray of int
        Split parameter of each node (-1 at a leaf).
    threshold : ndarray of float
        A point goes left when its value is ``<= threshold``.
    left, right : ndarray of int
        Children (-1 at a leaf).
    value : ndarray of bool
        The majority label of each node (True: fails).
    n, n_fail : ndarray of int
        Points, and failing points, at each node.
    importance : ndarray of float
        Per parameter: the impurity it removes, weighted by the share of points split.
    """

    names: tuple[str, ...]
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    n: np.ndarray
    n_fail: np.ndarray
    importance: np.ndarray
    root_gain: np.ndarray = field(repr=False)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The label of each row of ``X`` (True where the tree says the claim fails)."""
        X = np.asarray(X, dtype=float)
        node = np.zeros(X.shape[0], dtype=int)
        for _ in range(len(self.feature)):  # at most one step per level
            inner = self.feature[node] >= 0
            if not inner.any():
                break
            f = self.feature[node[inner]]
            go_left = X[np.flatnonzero(inner), f] <= self.threshold[node[inner]]
            node[inner] = np.where(go_left, self.left[node[inner]], self.right[node[inner]])
        return self.value[node]

    def failing_paths(self) -> list[list[tuple[str, str, float]]]:
        """Each failing leaf as the list of ``(parameter, "<=" or ">", threshold)`` from the
        root, bounds on one parameter merged into the tightest."""
        paths = []

        def walk(node, conds):
            if self.feature[node] < 0:
                if self.value[node]:
                    paths.append(_merge(conds))
                return
            name, t = self.names[self.feature[node]], float(self.threshold[node])
            walk(self.left[node], [*conds, (name, "<=", t)])
            walk(self.right[node], [*conds, (name, ">", t)])

        walk(0, [])
        return paths


def _merge(conds):
    lower: dict[str, float] = {}
    upper: dict[str, float] = {}
    order: list[str] = []
    for name, op, t in conds:
        if name not in order:
            order.append(name)
        if op == ">":
            lower[name] = max(lower.get(name, -np.inf), t)
        else:
            upper[name] = min(upper.get(name, np.inf), t)
    out = []
    for name in order:
        if name in lower:
            out.append((name, ">", lower[name]))
        if name in upper:
            out.append((name, "<=", upper[name]))
    return out


def fit_tree(
    X,
    y,
    names: Sequence[str],
    *,
    max_depth: int = 3,
    min_leaf: int = 1,
    criterion: str = "gini",
) -> DecisionTree:
    """Fit a classification tree of depth at most ``max_depth`` (see the module docstring).

    Parameters
    ----------
    X : array_like, shape (m, p)
        The points, one column per parameter.
    y : array_like of bool, shape (m,)
        True where the claim fails.
    names : sequence of str
        The parameters' names (``p`` of them).
    max_depth : int
        At most 3 keeps the description readable.
    min_leaf : int
        Fewest points on each side of a split.
    criterion : {"gini", "entropy"}

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(0, 1, 11)
    >>> tree = fit_tree(x[:, None], x > 0.55, ["x"])
    >>> tree.failing_paths()
    [[('x', '>', 0.55)]]
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool).reshape(-1)
    if X.ndim != 2 or X.shape[0] != y.size or X.shape[1] != len(names):
        raise ParameterError(
            f"fit_tree needs X of shape (m, {len(names)}) and y of shape (m,), got "
            f"{X.shape} and {y.shape}"
        )
    if criterion not in ("gini", "entropy"):
        raise ParameterError(f"criterion must be 'gini' or 'entropy', got {criterion!r}")
    if not 0 <= max_depth <= 3:
        raise ParameterError(f"max_depth must be 0 to 3 (a readable description), got {max_depth}")
    feature, threshold, left, right, value, n, n_fail = [], [], [], [], [], [], []
    importance = np.zeros(len(names))
    root_gain = np.zeros(len(names))
    m = y.size

    def grow(rows: np.ndarray, depth: int) -> int:
        node = len(feature)
        k, kf = rows.size, int(y[rows].sum())
        feature.append(-1)
        threshold.append(np.nan)
        left.append(-1)
        right.append(-1)
        value.append(2 * kf > k)
        n.append(k)
        n_fail.append(kf)
        if depth >= max_depth or kf in (0, k):
            return node
        j, t, gain, per_feature = _best_split(X[rows], y[rows], min_leaf, criterion)
        if node == 0:
            root_gain[:] = np.where(np.isfinite(per_feature), per_feature, 0.0)
        if j < 0:
            return node
        importance[j] += gain * k / m
        go_left = X[rows, j] <= t
        feature[node], threshold[node] = j, t
        left[node] = grow(rows[go_left], depth + 1)
        right[node] = grow(rows[~go_left], depth + 1)
        # two leaves with one label are one leaf (the split says nothing)
        a, b = left[node], right[node]
        if feature[a] < 0 and feature[b] < 0 and value[a] == value[b]:
            feature[node], left[node], right[node] = -1, -1, -1
        return node

    if m:
        grow(np.arange(m), 0)
    else:
        feature, threshold, left, right, value, n, n_fail = (
            [-1],
            [np.nan],
            [-1],
            [-1],
            [0],
            [0],
            [0],
        )
    return DecisionTree(
        tuple(names),
        np.asarray(feature, dtype=int),
        np.asarray(threshold, dtype=float),
        np.asarray(left, dtype=int),
        np.asarray(right, dtype=int),
        np.asarray(value, dtype=bool),
        np.asarray(n, dtype=int),
        np.asarray(n_fail, dtype=int),
        importance,
        root_gain,
    )


def _number(t: float) -> str:
    return f"{t:.4g}"


@dataclass(frozen=True, eq=False)
class FailingRegion:
    """A description of where a claim fails, for a reader to act on.

    Attributes
    ----------
    among : str
        Which points were described: ``"in scope"`` (the claim fails within its scope) or
        ``"whole space"`` (it holds within its scope and fails outside it).
    n_points, n_failing : int
    regimes : dict
        Per regime that has failing points: ``{"n": points, "n_failing": failing}`` (empty
        when the model has no regime outcome).
    rules : list of str
        The tree's failing leaves, each a conjunction of inequalities ("x > 0.3 and y <= 0.5").
    accuracy : float
        Share of the points the tree labels correctly.
    parameters : tuple of str
        The two parameters that separate failing from holding points best (by the impurity
        the tree removes with them; then by their best single split), for a region map.
    tree : DecisionTree
    """

    among: str
    n_points: int
    n_failing: int
    regimes: dict[str, dict[str, int]]
    rules: list[str]
    accuracy: float
    parameters: tuple[str, ...]
    tree: DecisionTree | None = field(default=None, repr=False)

    def to_text(self) -> str:
        """One paragraph: how often it fails, in which regimes, and where."""
        share = self.n_failing / self.n_points if self.n_points else float("nan")
        among = {"whole space": "over the whole space"}.get(self.among, self.among)
        if self.n_points and self.n_failing == self.n_points:
            parts = [f"fails at every one of the {self.n_points} points {among}"]
        else:
            parts = [
                f"fails on {self.n_failing} of {self.n_points} points {among} (share {share:.3f})"
            ]
        if self.regimes:
            items = sorted(self.regimes.items(), key=lambda kv: -kv[1]["n_failing"])
            regimes = ", ".join(f"{k} ({v['n_failing']} of {v['n']})" for k, v in items)
            parts.append(f"in regimes {regimes}")
        if self.rules == ["everywhere"]:
            pass
        elif self.rules:
            where = " or ".join(f"[{r}]" if len(self.rules) > 1 else r for r in self.rules)
            parts.append(f"where {where} (tree accuracy {self.accuracy:.3f})")
        else:
            parts.append(
                f"with no region a tree of depth 3 separates (accuracy {self.accuracy:.3f})"
            )
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "among": self.among,
            "n_points": self.n_points,
            "n_failing": self.n_failing,
            "regimes": self.regimes,
            "rules": list(self.rules),
            "accuracy": self.accuracy,
            "parameters": list(self.parameters),
            "text": self.to_text(),
        }


def describe_failures(
    params: Mapping[str, np.ndarray],
    fails,
    *,
    regime=None,
    regime_names: Sequence[str] | None = None,
    among: str = "in scope",
    max_depth: int = 3,
    criterion: str = "gini",
    min_leaf: int | None = None,
) -> FailingRegion:
    """Describe the points where ``fails`` holds: regimes, a tree, the two best parameters.

    Parameters
    ----------
    params : mapping of str to 1-D arrays
        The checked points (parameters constant over them are left out of the tree).
    fails : array_like of bool
    regime : array_like of int, optional
        The model's regime label at each point (-1: none), with ``regime_names``.
    among : str
        What the points are (``"in scope"``, ``"whole space"``), for the text.
    min_leaf : int, optional
        Fewest points per leaf (default: 1% of the points, at least 1), so that the tree
        does not chase single points.
    """
    fails = np.asarray(fails, dtype=bool).reshape(-1)
    names = [k for k, v in params.items() if np.ptp(np.asarray(v, dtype=float)) > 0]
    X = np.column_stack([np.asarray(params[k], dtype=float) for k in names]) if names else None
    leaf = max(1, fails.size // 100) if min_leaf is None else int(min_leaf)
    regimes: dict[str, dict[str, int]] = {}
    if regime is not None and regime_names is not None:
        labels = np.asarray(regime, dtype=int).reshape(-1)
        for k, name in enumerate(regime_names):
            at = labels == k
            if (at & fails).any():
                regimes[str(name)] = {"n": int(at.sum()), "n_failing": int((at & fails).sum())}
    if X is None or not fails.any() or fails.all():
        acc = 1.0 if (fails.all() or not fails.any()) else float(np.mean(~fails))
        rules = ["everywhere"] if fails.all() and fails.size else []
        return FailingRegion(
            among, int(fails.size), int(fails.sum()), regimes, rules, acc, tuple(names[:2])
        )
    tree = fit_tree(X, fails, names, max_depth=max_depth, min_leaf=leaf, criterion=criterion)
    accuracy = float(np.mean(tree.predict(X) == fails))
    rules = [
        " and ".join(f"{k} {op} {_number(t)}" for k, op, t in path) or "everywhere"
        for path in tree.failing_paths()
    ]
    order = np.lexsort((-tree.root_gain, -tree.importance))
    best = tuple(names[i] for i in order[:2])
    return FailingRegion(
        among, int(fails.size), int(fails.sum()), regimes, rules, accuracy, best, tree
    )
