r"""Structural estimation of strategic models: :func:`estimate`, :func:`simulate` and the result.

A strategic statistical model (Signorino 1999) is a game tree whose utilities are linear in
covariates, :math:`u_{m,t}(x_n) = x_{n,m,t}^\top \beta_{m,t}` for player :math:`m` at terminal
:math:`t`, and whose moves are noisy: under *agent error* each move's expected utility gets an
independent shock (normal for ``link="probit"``, logistic for ``"logit"``), so that

.. math:: \Pr(R \mid v) = G\!\left(\frac{EU_m(R) - EU_m(L)}{\sigma\sqrt 2}\right);

under *private information* (``errors="private"``, probit) every player has a normal shock on
her utility of every terminal, known to her alone, and the denominator is
:math:`\sigma\sqrt{\sum_t w_t^2}` with :math:`w_t` the difference of the reach probabilities of
terminal :math:`t` after R and after L. Each observation is one game; the log-likelihood

.. math:: \ell(\beta) = \sum_n \omega_n \log \Pr(t_n \mid x_n; \beta)

(:math:`t_n` the observed terminal, :math:`\omega_n` the weights) is one batched pass up the
tree over all observations (:mod:`irgames.estimation._likelihood`), with its exact gradient.
It is maximised by BFGS, polished by Newton steps on the numerical Hessian of the analytic
gradient; the covariance is the inverse of the negative Hessian. The conventions (the
:math:`\sqrt 2` under logit, clamping the probabilities to :math:`[2.2\cdot10^{-16},
1-1.1\cdot10^{-16}]`, scale terms :math:`\sigma = \exp(z^\top\gamma)`) are those of the R
package games (Kenkel and Signorino 2014).

Examples
--------
>>> import numpy as np, pandas as pd
>>> import irgames as ig
>>> from irgames.estimation import egame12
>>> rng = np.random.default_rng(0)
>>> data = pd.DataFrame({"x": rng.normal(size=2000)})
>>> truth = pd.Series(
...     [0.5, -1.0, 1.0, 0.3, 1.0],
...     index=pd.MultiIndex.from_tuples(
...         [("1", "1", "Intercept"), ("1", "3", "Intercept"), ("1", "4", "x"),
...          ("2", "4", "Intercept"), ("2", "4", "x")],
...         names=["player", "terminal", "term"]))
>>> utilities = {"u11": "1", "u13": "1", "u14": "0 + x", "u24": "1 + x"}
>>> data["y"] = ig.simulate(egame12(), data, truth, seed=1, utilities=utilities)
>>> fit = ig.estimate(egame12(), data, outcome="y", utilities=utilities)
>>> fit.converged, fit.nobs, fit.local_id
(True, 2000, True)
>>> bool((abs(fit.params - truth) < 4 * fit.bse).all())
True
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..errors import IdentificationWarning, MissingExtraError, ParameterError
from ..games.extensive_form import ExtensiveFormGame
from ._likelihood import Tree, forward

__all__ = ["EstimationResult", "StrategicModel", "estimate", "simulate"]

_LINKS = ("probit", "logit")
_ERRORS = ("agent", "private")


def _formulaic():
    try:
        import formulaic
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError(
            "irgames.estimate needs formulaic for its formulas: pip install 'irgames[estimation]'"
        ) from None
    return formulaic


# ---------------------------------------------------------------------------- specification
def _value_label(value) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return str(int(value))
    return str(value)


@dataclass
class _Utility:
    player: int
    terminal: int
    formula: str
    spec: Any = None  # formulaic ModelSpec, set when the design is first built
    terms: tuple[str, ...] = ()


@dataclass
class _Scale:
    players: tuple[int, ...]
    name: str  # player label or "all"
    formula: str
    spec: Any = None
    terms: tuple[str, ...] = ()


class StrategicModel:
    """A tree, utilities given as formulas, a link, an error type and scale terms.

    The object behind :func:`estimate` and :func:`simulate`: it turns a data frame into design
    matrices and a parameter vector into the batched likelihood. Users rarely build it
    directly.
    """

    def __init__(
        self,
        game: ExtensiveFormGame,
        utilities: Mapping,
        *,
        link: str = "probit",
        errors: str = "agent",
        scale=None,
    ):
        if link not in _LINKS:
            raise ParameterError(f"link must be 'probit' or 'logit', got {link!r}")
        if errors not in _ERRORS:
            raise ParameterError(f"errors must be 'agent' or 'private', got {errors!r}")
        if errors == "private" and link == "logit":
            warnings.warn(
                "private information is modelled with normal shocks: using link='probit' "
                "(as the R package games does)",
                UserWarning,
                stacklevel=3,
            )
            link = "probit"
        self.game = game
        self.tree = Tree.from_game(game, errors)
        self.link = link
        self.errors = errors
        self.utilities = self._parse_utilities(utilities)
        self.scales = self._parse_scale(scale)
        self._check_formulas()

    # ---- parsing
    def _player_index(self, player) -> int:
        players = self.tree.players
        label = str(player)
        if label in players:
            return players.index(label)
        raise ParameterError(f"unknown player {player!r} in utilities; players are {list(players)}")

    def _terminal_index(self, terminal) -> int:
        labels = self.tree.terminal_labels
        label = _value_label(terminal)
        if label in labels:
            return labels.index(label)
        raise ParameterError(
            f"unknown terminal {terminal!r} in utilities; terminals are {list(labels)}"
        )

    def _split_alias(self, key: str) -> tuple[int, int]:
        """``"u13"`` -> (player "1", terminal "3"), for R games' names."""
        players, labels = self.tree.players, self.tree.terminal_labels
        hits = []
        if key.startswith("u"):
            rest = key[1:]
            for m, p in enumerate(players):
                if rest.startswith(p) and rest[len(p) :] in labels:
                    hits.append((m, labels.index(rest[len(p) :])))
        if len(hits) != 1:
            why = "matches no" if not hits else "is ambiguous between"
            raise ParameterError(
                f"utility key {key!r} {why} (player, terminal) pair; use a tuple such as "
                f"({players[0]!r}, {labels[0]!r}) or 'u' + player + terminal"
            )
        return hits[0]

    def _parse_utilities(self, utilities) -> list[_Utility]:
        if not isinstance(utilities, Mapping) or not utilities:
            raise ParameterError(
                "utilities must be a non-empty mapping {(player, terminal): formula}, e.g. "
                "{('2', '4'): '1 + x'}"
            )
        seen: dict[tuple[int, int], _Utility] = {}
        for key, formula in utilities.items():
            if isinstance(key, tuple) and len(key) == 2:
                m, t = self._player_index(key[0]), self._terminal_index(key[1])
            elif isinstance(key, str):
                m, t = self._split_alias(key)
            else:
                raise ParameterError(
                    f"utility key {key!r} must be (player, terminal) or a name like 'u13'"
                )
            if (m, t) in seen:
                raise ParameterError(
                    f"the utility of player {self.tree.players[m]} at terminal "
                    f"{self.tree.terminal_labels[t]} is given twice"
                )
            if formula is None:
                continue
            if not isinstance(formula, str):
                raise ParameterError(
                    f"the utility {key!r} must be a formula right-hand side such as '1 + x', "
                    f"got {formula!r}"
                )
            text = formula.strip()
            if text.startswith("~"):
                text = text[1:].strip()
            if re.fullmatch(r"0+(\.0*)?|-\s*1", text):
                continue  # fixed at 0
            if not self._reachable(m, t):
                raise ParameterError(
                    f"player {self.tree.players[m]}'s utility at terminal "
                    f"{self.tree.terminal_labels[t]} plays no role (she moves at no node above "
                    "it): leave it out"
                )
            seen[(m, t)] = _Utility(m, t, text)
        if not seen:
            raise ParameterError("every utility is fixed at 0: nothing to estimate")
        return [seen[k] for k in sorted(seen)]

    def _reachable(self, m: int, t: int) -> bool:
        tree = self.tree
        return any(tree.path_action[v, t] >= 0 for v in tree.decision_nodes if tree.mover[v] == m)

    def _parse_scale(self, scale) -> list[_Scale]:
        if scale is None:
            return []
        players = self.tree.players
        if isinstance(scale, str):
            return [_Scale(tuple(range(len(players))), "all", scale.strip().lstrip("~").strip())]
        if isinstance(scale, Mapping):
            out = []
            for player, formula in scale.items():
                m = self._player_index(player)
                out.append(_Scale((m,), players[m], str(formula).strip().lstrip("~").strip()))
            return sorted(out, key=lambda s: s.players)
        raise ParameterError(
            "scale must be None (all scales 1), a formula such as '1 + z' (one scale for every "
            "shock) or a mapping {player: formula} (one per player)"
        )

    def _check_formulas(self) -> None:
        formulaic = _formulaic()
        for item in [*self.utilities, *self.scales]:
            try:
                formulaic.Formula(item.formula)
            except Exception as error:
                raise ParameterError(
                    f"{self._describe(item)} cannot read the formula {item.formula!r}: "
                    f"{str(error).splitlines()[0]}"
                ) from None

    def check_identification(self) -> None:
        """Lewis and Schultz (2003): no column of the design (the constant included) may enter
        every utility of a mover at the terminals that can follow her move."""
        tree = self.tree
        terms = {(ut.player, ut.terminal): set(ut.terms) for ut in self.utilities}
        for v in tree.decision_nodes:
            m = int(tree.mover[v])
            below = tree.subtree_terminals(int(v))
            sets = [terms.get((m, int(t))) for t in below]
            if any(s is None for s in sets):
                continue  # some utility fixed at 0: normalised
            common = set.intersection(*sets)
            if common:
                raise ParameterError(
                    f"the model is not identified: term(s) {sorted(common)} enter every utility "
                    f"of player {tree.players[m]} at the terminals after node {int(v)} "
                    f"({[tree.terminal_labels[int(t)] for t in below]}); remove them from one "
                    "of those utilities (or fix one at 0)"
                )

    def utilities_spec(self) -> dict[tuple[str, str], str]:
        """The utilities as ``{(player, terminal): formula}`` (those fixed at 0 left out)."""
        tree = self.tree
        return {
            (tree.players[u.player], tree.terminal_labels[u.terminal]): u.formula
            for u in self.utilities
        }

    # ---- data
    def required_columns(self) -> list[str]:
        formulaic = _formulaic()
        cols: list[str] = []
        for item in [*self.utilities, *self.scales]:
            for name in sorted(formulaic.Formula(item.formula).required_variables):
                if name not in cols:
                    cols.append(name)
        return cols

    def check_columns(self, data: pd.DataFrame) -> None:
        formulaic = _formulaic()
        for item in [*self.utilities, *self.scales]:
            missing = sorted(
                set(formulaic.Formula(item.formula).required_variables) - set(data.columns)
            )
            if missing:
                raise ParameterError(
                    f"{self._describe(item)} formula {item.formula!r} uses {missing}, which "
                    f"{'is' if len(missing) == 1 else 'are'} not in the data (columns: "
                    f"{list(data.columns)})"
                )

    def _describe(self, item) -> str:
        if isinstance(item, _Utility):
            return (
                f"the utility of player {self.tree.players[item.player]} at terminal "
                f"{self.tree.terminal_labels[item.terminal]}:"
            )
        return f"the scale of {item.name}:"

    def design(self, data: pd.DataFrame, *, fit: bool) -> tuple[list, list]:
        """Design matrices of the utilities and the scales; ``fit`` learns factor levels."""
        formulaic = _formulaic()
        self.check_columns(data)
        Xs, Zs = [], []
        for item, out in [(u, Xs) for u in self.utilities] + [(s, Zs) for s in self.scales]:
            try:
                if fit or item.spec is None:
                    mm = formulaic.model_matrix(item.formula, data, na_action="ignore")
                    item.spec = mm.model_spec
                    item.terms = tuple(str(c) for c in mm.columns)
                else:
                    mm = item.spec.get_model_matrix(data, na_action="ignore")
            except ParameterError:
                raise
            except Exception as error:
                raise ParameterError(
                    f"{self._describe(item)} cannot evaluate {item.formula!r} on the data: "
                    f"{str(error).splitlines()[0]}"
                ) from None
            X = np.asarray(mm, dtype=float)
            if X.ndim != 2 or X.shape[0] != len(data):
                raise ParameterError(
                    f"{self._describe(item)} {item.formula!r} gave {X.shape} for {len(data)} rows"
                )
            if X.shape[1] == 0:
                raise ParameterError(
                    f"{self._describe(item)} {item.formula!r} has no terms; leave it out to fix "
                    "it at 0"
                )
            out.append(X)
        if fit:
            self.check_identification()
        return Xs, Zs

    def index(self) -> pd.MultiIndex:
        rows = []
        tree = self.tree
        for ut in self.utilities:
            for term in ut.terms:
                rows.append((tree.players[ut.player], tree.terminal_labels[ut.terminal], term))
        sname = "log(sigma)" if self.link == "probit" else "log(lambda)"
        for sc in self.scales:
            for term in sc.terms:
                rows.append((sc.name, sname, term))
        return pd.MultiIndex.from_tuples(rows, names=["player", "terminal", "term"])

    # ---- likelihood
    def split(self, theta: np.ndarray, Xs, Zs):
        sizes = [X.shape[1] for X in Xs] + [Z.shape[1] for Z in Zs]
        return np.split(np.asarray(theta, dtype=float), np.cumsum(sizes)[:-1])

    def evaluate(self, theta, Xs, Zs, y=None, *, grad=False, weights=None):
        """Per-observation log-likelihood (and its gradient in ``theta``) and probabilities."""
        tree = self.tree
        n = Xs[0].shape[0]
        parts = self.split(theta, Xs, Zs)
        u = np.zeros((n, tree.n_terminals, tree.n_players))
        for ut, X, beta in zip(self.utilities, Xs, parts, strict=False):
            u[:, ut.terminal, ut.player] = X @ beta
        F = len(self.utilities)
        log_scale = None
        if self.scales:
            log_scale = np.column_stack([Z @ g for Z, g in zip(Zs, parts[F:], strict=True)])
        res = forward(
            tree,
            u,
            [(ut.terminal, ut.player) for ut in self.utilities],
            log_scale,
            [sc.players for sc in self.scales],
            y,
            link=self.link,
            errors=self.errors,
            grad=grad,
        )
        gtheta = None
        if grad:
            w = np.ones(n) if weights is None else weights
            pieces = [X.T @ (w * res.grad[:, j]) for j, X in enumerate(Xs)]
            pieces += [Z.T @ (w * res.grad[:, F + g]) for g, Z in enumerate(Zs)]
            gtheta = np.concatenate(pieces)
        return res, gtheta


# ---------------------------------------------------------------------------- outcome
def _outcome_codes(model: StrategicModel, frame: pd.DataFrame, outcome) -> np.ndarray:
    tree = model.tree
    labels = tree.terminal_labels
    if isinstance(outcome, str):
        if outcome not in frame.columns:
            raise ParameterError(
                f"the outcome column {outcome!r} is not in the data (columns: "
                f"{list(frame.columns)})"
            )
        values = frame[outcome].map(_value_label)
        bad = sorted(set(values) - set(labels))
        if bad:
            raise ParameterError(
                f"outcome {outcome!r} has value(s) {bad[:5]} that are no terminal of the tree "
                f"(terminals: {list(labels)}); pass outcome=(column, mapping) to map them"
            )
        return np.array([labels.index(v) for v in values], dtype=np.int64)
    if isinstance(outcome, tuple) and len(outcome) == 2 and isinstance(outcome[1], Mapping):
        column, mapping = outcome
        if column not in frame.columns:
            raise ParameterError(f"the outcome column {column!r} is not in the data")
        mapped = frame[column].map(lambda v: mapping.get(v, None))
        if mapped.isna().any():
            bad = sorted({str(v) for v in frame[column][mapped.isna()]})
            raise ParameterError(
                f"outcome {column!r} has value(s) {bad[:5]} missing from the mapping"
            )
        values = mapped.map(_value_label)
        bad = sorted(set(values) - set(labels))
        if bad:
            raise ParameterError(
                f"the outcome mapping gives {bad[:5]}, which are no terminal (terminals: "
                f"{list(labels)})"
            )
        return np.array([labels.index(v) for v in values], dtype=np.int64)
    if isinstance(outcome, Sequence) and not isinstance(outcome, str):
        cols = list(outcome)
        if len(cols) != tree.n_players:
            raise ParameterError(
                f"give one move-indicator column per player ({tree.n_players}), got {cols}"
            )
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ParameterError(f"the outcome columns {missing} are not in the data")
        moves = frame[cols].to_numpy()
        n = len(frame)
        node = np.zeros(n, dtype=np.int64)
        for _ in range(tree.parent.size):
            mover = tree.mover[node]
            active = mover >= 0
            if not active.any():
                break
            if np.any(tree.mover[node] == -1):
                raise ParameterError("move-indicator outcomes cannot pass chance nodes")
            idx = np.flatnonzero(active)
            a = moves[idx, mover[idx]]
            if not np.all((a == 0) | (a == 1)):
                raise ParameterError(
                    "move indicators must be 0 (first move, L) or 1 (second move, R) where the "
                    "player moves"
                )
            node[idx] = tree.children[node[idx], a.astype(np.int64)]
        return np.searchsorted(tree.terminals, node)
    raise ParameterError(
        "outcome must be a column name, (column, mapping to terminal labels) or a list of "
        "move-indicator columns, one per player"
    )


def _outcome_columns(outcome) -> list[str]:
    if isinstance(outcome, str):
        return [outcome]
    if isinstance(outcome, tuple) and len(outcome) == 2 and isinstance(outcome[1], Mapping):
        return [outcome[0]]
    if isinstance(outcome, Sequence):
        return list(outcome)
    return []


# ---------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class EstimationResult:
    """A fitted strategic model.

    Attributes
    ----------
    params, bse : pandas.Series
        Estimates and standard errors, indexed by ``(player, terminal, term)``.
    vcov : pandas.DataFrame
        Inverse of the negative Hessian of the log-likelihood at the estimate.
    loglik : float
        Maximised log-likelihood; ``loglik_obs`` holds it per observation.
    nobs : int
        Observations used (rows with a missing value in a used column are dropped).
    converged : bool
        The optimiser stopped at a point where the gradient vanishes (relative to ``nobs``).
    local_id : bool
        The Hessian is negative definite: the estimate is locally identified.
    """

    params: pd.Series
    bse: pd.Series
    vcov: pd.DataFrame
    loglik: float
    loglik_obs: np.ndarray
    nobs: int
    converged: bool
    local_id: bool
    hessian: np.ndarray
    model: StrategicModel = field(repr=False)
    link: str = "probit"
    errors: str = "agent"
    n_dropped: int = 0
    message: str = ""
    data: pd.DataFrame | None = field(default=None, repr=False)
    outcome: Any = None
    weights: np.ndarray | None = field(default=None, repr=False)

    @property
    def k(self) -> int:
        """Number of estimated parameters."""
        return int(self.params.size)

    @property
    def aic(self) -> float:
        """Akaike's criterion, :math:`2k - 2\\ell`."""
        return 2.0 * self.k - 2.0 * self.loglik

    @property
    def bic(self) -> float:
        """Schwarz's criterion, :math:`k \\log n - 2\\ell`."""
        return self.k * np.log(self.nobs) - 2.0 * self.loglik

    @property
    def zvalues(self) -> pd.Series:
        return self.params / self.bse

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2.0 * stats.norm.sf(np.abs(self.zvalues)), index=self.params.index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals, ``params ± z_{1-alpha/2} bse``."""
        q = stats.norm.ppf(1.0 - alpha / 2.0)
        return pd.DataFrame(
            {"lower": self.params - q * self.bse, "upper": self.params + q * self.bse}
        )

    def summary(self) -> str:
        """A coefficient table with the fit statistics, as statsmodels prints it."""
        tree = self.model.tree
        lines = [
            f"Strategic {self.link} ({self.errors} error) on a tree of {tree.n_players} players "
            f"and {tree.n_terminals} terminals",
            f"Observations: {self.nobs}   Log-likelihood: {self.loglik:.4f}   AIC: {self.aic:.4f}"
            f"   BIC: {self.bic:.4f}",
            f"Converged: {self.converged}   Locally identified (Hessian negative definite): "
            f"{self.local_id}",
        ]
        names = [_coef_name(p, t, term) for p, t, term in self.params.index]
        width = max(12, *(len(s) for s in names))
        header = f"{'':<{width}} {'coef':>10} {'std err':>10} {'z':>8} {'P>|z|':>8}"
        rule = "=" * len(header)
        lines += [rule, header, "-" * len(header)]
        for name, b, s, z, p in zip(
            names, self.params, self.bse, self.zvalues, self.pvalues, strict=True
        ):
            lines.append(f"{name:<{width}} {b:>10.4f} {s:>10.4f} {z:>8.3f} {p:>8.3f}")
        lines.append(rule)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def predict(self, data: pd.DataFrame | None = None) -> pd.DataFrame:
        """Outcome probabilities per row of ``data`` (default: the estimation sample).

        Columns are the terminal labels; rows with a missing value in a used column are NaN.
        """
        return _predict(self.model, self.params.to_numpy(), data if data is not None else self.data)

    def bootstrap(self, n: int = 1000, seed=None, **options):
        """Refit on ``n`` resamples of the observations, all in one batched likelihood per
        step; see :func:`irgames.estimation.bootstrap.bootstrap`."""
        from .bootstrap import bootstrap

        return bootstrap(self, n, seed, **options)

    def vuong(self, other: EstimationResult) -> tuple[float, float]:
        r"""Vuong's non-nested test of this fit against ``other`` (same observations).

        With :math:`d_i = \ell^{(1)}_i - \ell^{(2)}_i`, the statistic is
        :math:`(\sum_i d_i - (k_1 - k_2)\log(n)/2) / (\sqrt n\, \mathrm{sd}(d))` (BIC
        correction, population standard deviation). Returns the statistic and the two-sided
        normal p-value; a positive statistic favours this fit.
        """
        d, n = self._paired(other)
        stat = (d.sum() - (self.k - other.k) * np.log(n) / 2.0) / (np.sqrt(n) * d.std())
        return float(stat), float(2.0 * stats.norm.sf(abs(stat)))

    def clarke(self, other: EstimationResult) -> tuple[int, float]:
        r"""Clarke's distribution-free test: the number of observations with
        :math:`d_i > (k_1 - k_2)\log(n)/(2n)`, and its two-sided binomial(n, 1/2) p-value."""
        d, n = self._paired(other)
        b = int(np.sum(d > (self.k - other.k) * np.log(n) / (2.0 * n)))
        return b, float(stats.binomtest(b, n, 0.5).pvalue)

    def _paired(self, other) -> tuple[np.ndarray, int]:
        if not isinstance(other, EstimationResult):
            raise ParameterError("compare with another EstimationResult")
        if other.nobs != self.nobs:
            raise ParameterError(
                f"the fits use different observations ({self.nobs} and {other.nobs}); fit both "
                "on the same rows"
            )
        return self.loglik_obs - other.loglik_obs, self.nobs


def _coef_name(player: str, terminal: str, term: str) -> str:
    """``u13:x`` for R games' one-character labels, ``u_A(war):x`` otherwise; scale terms
    ``log(sigma):z`` (one scale) or ``log(sigma)[A]:z`` (by player)."""
    if terminal.startswith("log("):
        return f"{terminal}:{term}" if player == "all" else f"{terminal}[{player}]:{term}"
    if len(player) == 1 and len(terminal) == 1:
        return f"u{player}{terminal}:{term}"
    return f"u_{player}({terminal}):{term}"


def _predict(model: StrategicModel, theta: np.ndarray, data: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("data must be a pandas DataFrame")
    model.check_columns(data)
    cols = model.required_columns()
    ok = ~data[cols].isna().any(axis=1).to_numpy() if cols else np.ones(len(data), bool)
    out = np.full((len(data), model.tree.n_terminals), np.nan)
    if ok.any():
        Xs, Zs = model.design(data[ok], fit=False)
        res, _ = model.evaluate(theta, Xs, Zs)
        out[ok] = res.reach
    return pd.DataFrame(out, index=data.index, columns=list(model.tree.terminal_labels))


# ---------------------------------------------------------------------------- fitting
def _prepare(model: StrategicModel, data, outcome, weights):
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    model.check_columns(data)
    out_cols = _outcome_columns(outcome)
    missing = [c for c in out_cols if c not in data.columns]
    if missing:
        raise ParameterError(
            f"the outcome column(s) {missing} are not in the data (columns: {list(data.columns)})"
        )
    cols = model.required_columns() + [c for c in out_cols if c not in model.required_columns()]
    weight_col = weights if isinstance(weights, str) else None
    if weight_col is not None:
        if weight_col not in data.columns:
            raise ParameterError(f"the weights column {weight_col!r} is not in the data")
        cols.append(weight_col)
    keep = ~data[cols].isna().any(axis=1).to_numpy()
    if weights is not None and weight_col is None:
        weights = np.asarray(weights, dtype=float).reshape(-1)
        if weights.size != len(data):
            raise ParameterError(f"weights has {weights.size} entries for {len(data)} rows")
        keep &= np.isfinite(weights)
    frame = data[keep]
    if len(frame) == 0:
        raise ParameterError("no complete observations: every row has a missing value")
    if weight_col is not None:
        w = frame[weight_col].to_numpy(dtype=float)
    elif weights is not None:
        w = weights[keep]
    else:
        w = None
    if w is not None and (np.any(w < 0) or not np.all(np.isfinite(w))):
        raise ParameterError("weights must be finite and non-negative")
    y = _outcome_codes(model, frame, outcome)
    Xs, Zs = model.design(frame, fit=True)
    return frame, y, Xs, Zs, w, int((~keep).sum())


def _numerical_hessian(fg, theta: np.ndarray) -> np.ndarray:
    """Central differences of the analytic gradient, symmetrised."""
    k = theta.size
    H = np.empty((k, k))
    for j in range(k):  # loop over parameters (model structure), each a batched pass
        h = 1e-5 * max(1.0, abs(theta[j]))
        e = np.zeros(k)
        e[j] = h
        H[:, j] = (fg(theta + e)[1] - fg(theta - e)[1]) / (2.0 * h)
    return 0.5 * (H + H.T)


def _fit(model, Xs, Zs, y, w, theta0, *, maxiter=2000):
    n = y.size
    total = float(n if w is None else w.sum())

    def fg(theta):
        res, g = model.evaluate(theta, Xs, Zs, y, grad=True, weights=w)
        ll = res.loglik if w is None else w * res.loglik
        return -ll.sum() / total, -g / total

    with np.errstate(over="ignore", under="ignore"):
        opt = optimize.minimize(
            fg, theta0, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": maxiter}
        )
        theta = opt.x
        f, g = fg(theta)
        H = _numerical_hessian(fg, theta)  # Hessian of the mean negative log-likelihood
        for _ in range(8):  # Newton polish on the mean objective
            try:
                step = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:
                break
            cand = theta - step
            fc, gc = fg(cand)
            if not np.isfinite(fc) or fc > f + 1e-12 * max(1.0, abs(f)):
                break
            theta, f, g = cand, fc, gc
            if np.max(np.abs(g)) < 1e-12:
                break
            H = _numerical_hessian(fg, theta)
        H = _numerical_hessian(fg, theta)
    converged = bool(np.max(np.abs(g)) < 1e-6 and np.isfinite(f))
    return theta, -H * total, converged, str(opt.message), total


def estimate(
    game: ExtensiveFormGame,
    data: pd.DataFrame,
    *,
    outcome,
    utilities: Mapping,
    link: str = "probit",
    errors: str = "agent",
    scale=None,
    weights=None,
    start=None,
) -> EstimationResult:
    r"""Fit a strategic model of ``game`` to ``data`` by maximum likelihood.

    Parameters
    ----------
    game : ExtensiveFormGame
        A tree of perfect information whose decision nodes have two moves (the first is L,
        the second R) and whose terminals carry distinct labels (the payoffs are ignored);
        see :func:`irgames.estimation.egame12` for R games' trees.
    data : pandas.DataFrame
        One row per observation. Rows with a missing value in any used column are dropped.
    outcome : str, (str, mapping) or list of str
        The column whose values are terminal labels; or a column and a mapping from its values
        to terminal labels; or one move-indicator column per player (0 = L, 1 = R; ignored
        where the player does not move), as in R games.
    utilities : mapping
        ``{(player, terminal): formula}``, each formula a right-hand side (``"1 + x1 + x2"``,
        ``"0 + capcont"``, ``"1"``) evaluated by formulaic: factors become treatment dummies
        with the first level as baseline, the constant is named ``"Intercept"``. Keys may also
        be R games' names ``"u13"``. Utilities left out are fixed at 0.
    link : {"probit", "logit"}
        Normal or logistic shocks; both use the :math:`\sqrt 2` of two shocks.
    errors : {"agent", "private"}
        Agent error (Signorino 1999) or private information (Signorino 2003; probit only:
        ``"logit"`` warns and uses probit).
    scale : None, str or mapping
        ``None``: every shock has scale 1. A formula ``"1 + z"``: :math:`\sigma_n =
        \exp(z_n^\top\gamma)` for every shock; a mapping ``{player: formula}``: one per player.
        With free utilities the intercept of a scale formula is not identified.
    weights : str or array_like, optional
        A column name or one non-negative weight per row (frequency weights).
    start : array_like or pandas.Series, optional
        Starting values (default 0 for every parameter); a Series is matched on the index.

    Returns
    -------
    EstimationResult

    Raises
    ------
    ParameterError
        A missing column, an outcome value that is no terminal, a formula term that cannot be
        evaluated, or a model not identified by construction (a term in every utility a mover
        can reach).
    GameValueError
        A tree that is not of perfect information with binary moves.

    Warns
    -----
    IdentificationWarning
        An outcome never observed, a Hessian that is not negative definite, or perfect
        separation (the fitted probability of the observed moves at a node is 1 for all of
        them).
    """
    model = StrategicModel(game, utilities, link=link, errors=errors, scale=scale)
    frame, y, Xs, Zs, w, dropped = _prepare(model, data, outcome, weights)
    index = model.index()
    counts = np.bincount(y, minlength=model.tree.n_terminals)
    never = [model.tree.terminal_labels[t] for t in np.flatnonzero(counts == 0)]
    if never:
        warnings.warn(
            f"terminal(s) {never} are never observed: the utilities leading there may not be "
            "identified (the estimates can drift to infinity)",
            IdentificationWarning,
            stacklevel=2,
        )
    k = len(index)
    if start is None:
        theta0 = np.zeros(k)
    elif isinstance(start, pd.Series):
        missing = [i for i in index if i not in start.index]
        if missing:
            raise ParameterError(f"start has no value for {missing[:3]}")
        theta0 = start.reindex(index).to_numpy(dtype=float)
    else:
        theta0 = np.asarray(start, dtype=float).reshape(-1)
        if theta0.size != k:
            raise ParameterError(f"start has {theta0.size} values for {k} parameters")
    theta, H, converged, message, _ = _fit(model, Xs, Zs, y, w, theta0)
    res, _ = model.evaluate(theta, Xs, Zs, y)
    eig = np.linalg.eigvalsh(H) if np.all(np.isfinite(H)) else np.array([np.nan])
    scale_eig = np.max(np.abs(eig)) if np.all(np.isfinite(eig)) else np.nan
    local_id = bool(np.all(np.isfinite(eig)) and np.all(eig < -1e-9 * scale_eig))
    if local_id:
        vcov = np.linalg.inv(-H)
        bse = np.sqrt(np.diag(vcov))
    else:
        vcov = np.full((k, k), np.nan)
        bse = np.full(k, np.nan)
        warnings.warn(
            "the Hessian of the log-likelihood is not negative definite at the estimate: the "
            "model is not locally identified and its standard errors are NaN (a term may have "
            "no variation among the observations where it matters, or be collinear with others)",
            IdentificationWarning,
            stacklevel=2,
        )
    separated = _separation(model, theta, Xs, Zs, y)
    if separated:
        warnings.warn(
            f"perfect separation of the observed moves of {'; '.join(separated)}: the "
            "likelihood grows without bound along these coefficients, so the MLE does not exist"
            " and the estimates and standard errors are meaningless; drop or combine the "
            "separating regressors",
            IdentificationWarning,
            stacklevel=2,
        )
    ll_obs = res.loglik if w is None else w * res.loglik
    return EstimationResult(
        params=pd.Series(theta, index=index, name="coef"),
        bse=pd.Series(bse, index=index, name="std err"),
        vcov=pd.DataFrame(vcov, index=index, columns=index),
        loglik=float(ll_obs.sum()),
        loglik_obs=ll_obs,
        nobs=int(y.size),
        converged=converged and local_id and not separated,
        local_id=local_id,
        hessian=H,
        model=model,
        link=model.link,
        errors=model.errors,
        n_dropped=dropped,
        message=message,
        data=frame,
        outcome=outcome,
        weights=w,
    )


def _separation(model, theta, Xs, Zs, y) -> list[str]:
    r"""Players whose observed moves are (quasi-)separated by a direction of their parameters.

    With the reach weights :math:`w_v` held at the estimate, player :math:`m`'s index at her
    node :math:`v` is linear in her coefficients, :math:`\Delta_{n,v} = D_{n,v}\beta_m`. The
    moves are separated when some direction :math:`d` satisfies :math:`s_{n}D_{n,v} d \ge 0`
    for every observed move (:math:`s = +1` for R, :math:`-1` for L) with a positive sum: then
    the likelihood grows without bound along :math:`d` and the MLE does not exist. One linear
    programme per player finds such a :math:`d` (exact for last movers, whose weights are
    constant).
    """
    tree = model.tree
    res, _ = model.evaluate(theta, Xs, Zs, y)
    found = []
    for m in range(tree.n_players):
        cols = [j for j, ut in enumerate(model.utilities) if ut.player == m]
        if not cols:
            continue
        blocks = []
        for v in tree.decision_nodes:
            if tree.mover[v] != m:
                continue
            a_obs = tree.path_action[v, y]
            on = a_obs >= 0
            if not on.any():
                continue
            w = res.weights[int(v)][on]
            D = np.column_stack([w[:, model.utilities[j].terminal, None] * Xs[j][on] for j in cols])
            blocks.append(np.where(a_obs[on] == 1, 1.0, -1.0)[:, None] * D)
        if not blocks:
            continue
        A = np.vstack(blocks)
        k = A.shape[1]
        lp = optimize.linprog(
            np.zeros(k),
            A_ub=-A,
            b_ub=np.zeros(A.shape[0]),
            A_eq=A.sum(axis=0, keepdims=True),
            b_eq=[1.0],
            bounds=[(None, None)] * k,
            method="highs",
        )
        if lp.status == 0:
            d = lp.x
            names = [
                _coef_name(tree.players[m], tree.terminal_labels[model.utilities[j].terminal], term)
                for j in cols
                for term in model.utilities[j].terms
            ]
            big = np.abs(d) > 1e-6 * np.abs(d).max()
            found.append(
                f"player {tree.players[m]} ({[n for n, b in zip(names, big, strict=True) if b]})"
            )
    return found


# ---------------------------------------------------------------------------- simulation
def simulate(
    game: ExtensiveFormGame,
    data: pd.DataFrame,
    params,
    seed=None,
    *,
    utilities: Mapping | None = None,
    link: str = "probit",
    errors: str = "agent",
    scale=None,
) -> pd.Series:
    """Draw one outcome per row of ``data`` from the strategic model at ``params``.

    Parameters
    ----------
    game, data, link, errors, scale
        As in :func:`estimate`.
    params : pandas.Series or EstimationResult
        Coefficients indexed by ``(player, terminal, term)`` (as :attr:`EstimationResult.params`);
        a fitted result uses its own model.
    seed : int or numpy.random.Generator, optional
        The random stream.
    utilities : mapping, optional
        The formulas behind the terms. Without it each utility is the sum of its terms,
        ``"Intercept"`` the constant and every other term a column of ``data``.

    Returns
    -------
    pandas.Series
        Terminal labels (categorical in the tree's terminal order), aligned with ``data``;
        missing where a used column is missing.
    """
    rng = np.random.default_rng(seed)
    if isinstance(params, EstimationResult):
        model, theta = params.model, params.params.to_numpy()
    else:
        if not isinstance(params, pd.Series) or params.index.nlevels != 3:
            raise ParameterError(
                "params must be a pandas Series indexed by (player, terminal, term), or a fit"
            )
        if utilities is None:
            utilities = {}
            for (p, t), group in params.groupby(level=[0, 1], sort=False):
                if str(t).startswith("log("):
                    continue  # a scale term
                terms = list(group.index.get_level_values(2))
                rhs = [f"`{term}`" for term in terms if term != "Intercept"]
                utilities[(p, t)] = " + ".join(["1" if "Intercept" in terms else "0", *rhs])
        model = StrategicModel(game, utilities, link=link, errors=errors, scale=scale)
        cols = model.required_columns()
        ok = ~data[cols].isna().any(axis=1).to_numpy() if cols else np.ones(len(data), bool)
        model.design(data[ok], fit=True)
        index = model.index()
        missing = [i for i in index if i not in params.index]
        extra = [i for i in params.index if i not in index]
        if missing or extra:
            raise ParameterError(
                f"params do not match the model's terms: missing {missing[:3]}, unused {extra[:3]}"
            )
        theta = params.reindex(index).to_numpy(dtype=float)
    probs = _predict(model, theta, data)
    P = probs.to_numpy()
    ok = ~np.isnan(P).any(axis=1)
    draws = rng.random(len(data))
    cum = np.cumsum(np.where(ok[:, None], P, 0.0), axis=1)
    cum[:, -1] = 1.0
    code = (draws[:, None] > cum).sum(axis=1)
    labels = np.array(model.tree.terminal_labels, dtype=object)
    values = np.where(ok, labels[np.minimum(code, labels.size - 1)], None)
    return pd.Series(
        pd.Categorical(values, categories=list(model.tree.terminal_labels)),
        index=data.index,
        name="outcome",
    )
