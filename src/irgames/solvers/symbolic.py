r"""Symbolic backward induction: the SPE of a small parametric tree as a piecewise expression.

For a perfect-information tree whose payoffs (and chance probabilities) are sympy expressions
in parameters :math:`\theta`, every pure strategy profile :math:`s` (an action at each decision
node) is subgame perfect on the *regime*

.. math::

    R(s) = \bigwedge_{v} \; \bigwedge_{b \ne s(v)}
        V_{i(v)}(\mathrm{child}(v, s(v)); s) \;\succeq_b\; V_{i(v)}(\mathrm{child}(v, b); s),

where :math:`V(\cdot; s)` are the continuation values under :math:`s` (plain expressions,
since :math:`s` is fixed) and :math:`\succeq_b` is :math:`>` for actions :math:`b` listed
before :math:`s(v)` and :math:`\ge` for those after (ties go to the first best action, as in
:func:`~irgames.solvers.backward_induction.backward_induction` with ``ties="flag"``). The
regimes partition the parameter space; the equilibrium payoffs and choices are
``sympy.Piecewise`` expressions over them. Each inequality is written as
``expand(lhs - rhs) >= 0`` (or ``> 0``), so the boundaries read directly: in Drezner's
coercion game the sender imposes iff :math:`(1 - B_s) c_t - c_s \ge 0`.

Regimes whose conditions sympy proves inconsistent (given the parameters' assumptions and
bounds) are dropped; the rest are kept even if empty in fact, which is harmless because their
conditions are never true.

Examples
--------
>>> from irgames.games.extensive_form import TreeBuilder
>>> T = TreeBuilder(["S", "T"], parameters={"c": (0, None), "a": (0, None)})
>>> c, a = T.symbols
>>> game = T.build(T.decision("S", {
...     "wait": T.terminal(0, 0),
...     "threaten": T.decision("T", {"yield": T.terminal(1, -1), "resist": T.terminal(-c, -a)}),
... }))
>>> spe = symbolic_backward_induction(game)
>>> spe.payoffs[0]
Piecewise((0, a < 1), (1, True))
>>> spe.condition_for(2, "yield")
a - 1 >= 0
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
import sympy

from ..errors import SolverError
from ..games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame
from .result import Result

__all__ = ["Regime", "SymbolicSPE", "symbolic_backward_induction"]


@dataclass(frozen=True, eq=False)
class Regime:
    """One region of parameter space with its pure SPE.

    Attributes
    ----------
    condition : sympy.Boolean
        Where this profile is the (first-best) SPE.
    choice : dict
        ``{decision node: action index}``.
    payoffs : tuple of sympy.Expr
        Equilibrium payoffs in the regime.
    path : tuple of str
        Action labels along the path of play (chance nodes: all branches are followed, so the
        path lists decision nodes reached with positive probability in tree order).
    """

    condition: sympy.Basic
    choice: dict[int, int]
    payoffs: tuple
    path: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class SymbolicSPE(Result):
    """The SPE of a parametric tree as piecewise expressions.

    Attributes
    ----------
    game : ExtensiveFormGame
    regimes : tuple of Regime
    payoffs : tuple of sympy.Piecewise
        One per player.
    choice : dict
        ``{decision node: Piecewise action index}``.
    parameters : tuple of sympy.Symbol
    """

    game: ExtensiveFormGame
    regimes: tuple[Regime, ...]
    payoffs: tuple
    choice: dict
    parameters: tuple

    method = "symbolic_backward_induction"
    complete = True
    batch_shape = ()

    def condition_for(self, node: int, action: int | str) -> sympy.Basic:
        """Where the mover at ``node`` takes ``action`` (an index or a label)."""
        if isinstance(action, str):
            action = self.game.action_labels[node].index(action)
        return sympy.Or(*[r.condition for r in self.regimes if r.choice[node] == action])

    def evaluate(self, **values):
        """Numeric choices and payoffs at arrays of parameter values (broadcast).

        Returns ``(regime index array, payoffs array (..., n_players))``; regime -1 where no
        regime's condition holds (only on boundaries lost to rounding).
        """
        names = [p.name for p in self.parameters]
        args = [np.asarray(values[n], dtype=float) for n in names]
        shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
        which = np.full(shape, -1, dtype=np.int64)
        pay = np.full((*shape, self.game.n_players), np.nan)
        for k, regime in enumerate(self.regimes):
            f = _compiled(self.parameters, regime.condition)
            holds = np.broadcast_to(np.asarray(f(*args), dtype=bool), shape) & (which < 0)
            which = np.where(holds, k, which)
            for i, expr in enumerate(regime.payoffs):
                g = _compiled(self.parameters, expr)
                value = np.broadcast_to(np.asarray(g(*args), dtype=float), shape)
                pay[..., i] = np.where(holds, value, pay[..., i])
        return which, pay


@functools.lru_cache(maxsize=4096)
def _compiled(parameters: tuple, expr):
    """A numpy function of the parameters (cached: sympy expressions are hashable)."""
    return sympy.lambdify(parameters, expr, modules="numpy")


def _entry(game, table, row, col):
    e = table[row, col]
    if isinstance(e, sympy.Basic):
        return e
    if isinstance(e, np.ndarray) and e.ndim > 0:
        raise SolverError("symbolic backward induction needs expressions, not arrays")
    return sympy.nsimplify(float(e), rational=True)


def symbolic_backward_induction(
    game: ExtensiveFormGame, *, max_profiles: int = 4096, simplify: bool = True
) -> SymbolicSPE:
    """Pure SPE of a small perfect-information tree with symbolic payoffs, by regime.

    Parameters
    ----------
    game : ExtensiveFormGame
        Built with parameters (bound or not: the expressions are used). Numeric payoffs are
        taken as exact rationals.
    max_profiles : int
        Refuse trees with more pure strategy profiles than this.
    simplify : bool
        Try to drop regimes whose conditions are inconsistent.
    """
    if not game.is_perfect_information:
        raise SolverError("symbolic backward induction needs perfect information")
    if game.payoff_exprs is not None:
        pay_table = game.payoff_exprs
    else:
        if game.batch_shape:
            raise SolverError("numeric payoffs must be a single game (empty batch shape)")
        pay_table = np.asarray(game.payoffs, dtype=object)
    prob_table = None
    if game.chance_nodes.size:
        if game.chance_exprs is not None:
            prob_table = game.chance_exprs
        else:
            if game.batch_shape:
                raise SolverError("numeric chance probabilities must be a single game")
            prob_table = np.asarray(game.chance_probs, dtype=object)
    decision = [int(v) for v in np.flatnonzero(game.mover >= 0)]
    widths = [int(game.num_children[v]) for v in decision]
    total = math.prod(widths)  # exact (no overflow)
    if total > max_profiles:
        raise SolverError(
            f"the tree has {total} pure strategy profiles, more than max_profiles={max_profiles}"
        )
    bounds = []
    for p in game.parameters:
        lo, hi = game.parameter_bounds.get(p.name, (None, None))
        if lo is not None:
            bounds.append(p >= lo)
        if hi is not None:
            bounds.append(p <= hi)
    n_p = game.n_players
    terminal_values = {
        int(v): tuple(_entry(game, pay_table, int(game.terminal_index[v]), i) for i in range(n_p))
        for v in game.terminals
    }
    regimes = []
    for profile in itertools.product(*[range(w) for w in widths]):
        choice = dict(zip(decision, profile, strict=True))
        values: dict[int, tuple] = dict(terminal_values)
        conditions = []
        for v in range(game.n_nodes - 1, -1, -1):
            m = int(game.mover[v])
            if m == TERMINAL:
                continue
            kids = [int(c) for c in game.children[v, : game.num_children[v]]]
            if m == CHANCE:
                row = int(game.chance_index[v])
                probs = [_entry(game, prob_table, row, a) for a in range(len(kids))]
                values[v] = tuple(
                    sympy.expand(sum(p * values[c][i] for p, c in zip(probs, kids, strict=True)))
                    for i in range(n_p)
                )
                continue
            a = choice[v]
            mine = values[kids[a]][m]
            for b, c in enumerate(kids):
                if b == a:
                    continue
                diff = sympy.expand(mine - values[c][m])
                conditions.append(diff > 0 if b < a else diff >= 0)
            values[v] = values[kids[a]]
        condition = sympy.And(*conditions)
        if condition is sympy.false:
            continue
        if simplify and bounds and _inconsistent(condition, bounds):
            continue
        regimes.append(
            Regime(
                condition=condition,
                choice=choice,
                payoffs=values[0],
                path=_path(game, choice),
            )
        )
    payoffs = tuple(
        sympy.Piecewise(
            *[(r.payoffs[i], r.condition) for r in regimes[:-1]], (regimes[-1].payoffs[i], True)
        )
        if regimes
        else sympy.nan
        for i in range(n_p)
    )
    choice_pw = (
        {
            v: sympy.Piecewise(
                *[(r.choice[v], r.condition) for r in regimes[:-1]], (regimes[-1].choice[v], True)
            )
            for v in decision
        }
        if regimes
        else {}
    )
    return SymbolicSPE(
        game=game,
        regimes=tuple(regimes),
        payoffs=payoffs,
        choice=choice_pw,
        parameters=game.parameters,
    )


def _inconsistent(condition, bounds) -> bool:
    """True when sympy can show the condition contradicts the parameters' bounds."""
    try:
        reduced = sympy.simplify_logic(sympy.And(condition, *bounds))
    except Exception:  # sympy may give up on non-polynomial conditions
        return False
    return reduced is sympy.false


def _path(game, choice) -> tuple[str, ...]:
    labels = []
    stack = [0]
    while stack:
        v = stack.pop()
        m = int(game.mover[v])
        if m == TERMINAL:
            continue
        kids = [int(c) for c in game.children[v, : game.num_children[v]]]
        if m == CHANCE:
            stack.extend(kids[::-1])
        else:
            labels.append(game.action_labels[v][choice[v]])
            stack.append(kids[choice[v]])
    return tuple(labels)
