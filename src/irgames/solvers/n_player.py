r"""Nash equilibria of games with three or more players.

With :math:`n \ge 3` players the equilibrium conditions are polynomial, not linear, so the
two-player pivoting and vertex methods do not apply. This module has two solvers.

All equilibria of small games: :func:`polynomial_support_enumeration`
    For every *support profile* :math:`S = (S_1, \dots, S_n)`, :math:`\emptyset \ne S_i
    \subseteq A_i`, a profile :math:`\sigma` with :math:`\operatorname{supp} \sigma_i \subseteq
    S_i` is an equilibrium iff every action of :math:`S_i` earns the same value and no action
    earns more:

    .. math::

        v_i(s; \sigma_{-i}) = v_i(s_i^0; \sigma_{-i}) \quad (s \in S_i),\qquad
        \sum_{s \in S_i} \sigma_i(s) = 1,\qquad
        v_i(t; \sigma_{-i}) \le v_i(s_i^0; \sigma_{-i}) \quad (t \notin S_i).

    Eliminating :math:`\sigma_i(s_i^0) = 1 - \sum_{s \ne s_i^0} \sigma_i(s)` leaves a square
    system of :math:`\sum_i (|S_i| - 1)` polynomial equations (multilinear in the opponents'
    probabilities) in as many unknowns. It is solved exactly with sympy (a lexicographic
    Groebner basis, then the roots of the triangular system) with the payoffs converted to
    rationals; the real roots in the simplices that pass the best-response inequalities are the
    equilibria with that support.

    Support profiles in which some action of :math:`S_i` is strictly dominated by another
    action of :math:`A_i` against every pure profile of :math:`S_{-i}` cannot carry an
    equilibrium and are pruned first; that test is vectorised over all games and support
    profiles. The survivors pass a second sound test, a linear program per player that relaxes
    the opponents' product distribution to a correlated one (if no distribution on
    :math:`S_{-i}` makes :math:`S_i` indifferent and best, no product one does).

    The LP and the symbolic step are per (game, support profile): the one place in irgames
    where work is done game by game, and it is why this method is for *small* games. Its cost
    grows steeply with the number of unknowns of the largest system, :math:`\sum_i (a_i - 1)`.
    Measured on one (shared, loaded) core: Gambit's 2x2x2 games take 0.1 to 3 s (1 to 3 s of it
    is importing sympy), its 2x2x2x2 games 2 to 6 s, 8x2x2 4 s (98 s before the LP pruning,
    which leaves 10 of its 2,295 support profiles); but one system with 5 unknowns (in g2,
    3x3x3, 2x2x2x2x2) can take many minutes, and 5x4x3 is out of reach. ``max_unknowns``
    bounds that work and says what was skipped.

    Limits. The method finds every *isolated* equilibrium. When a support's system has a
    positive-dimensional solution set (ties in a degenerate game, e.g. a player indifferent
    between actions whatever the others do) the points of a continuum are not enumerated: such
    a support is recorded in ``options["non_isolated"]``, the game is flagged ``degenerate``,
    and the result is marked ``complete=False``. Payoffs are converted to rationals with
    denominators up to ``10**6`` when that reproduces them to within ``1e-15`` of each player's
    payoff range (files written with fractions or decimals), and exactly (binary fractions)
    otherwise. Each player's payoffs are first divided by that player's own range
    (``NormalFormGame.payoff_units``), so every tolerance is a fraction of that player's unit.

One equilibrium of larger games: :func:`logit_homotopy`
    The principal branch of the logit quantal response equilibrium,
    :math:`\sigma_i = \operatorname{logit}(\lambda v_i(\sigma_{-i}))`, starts at the centroid
    for :math:`\lambda = 0` and, for generic games, converges to a Nash equilibrium as
    :math:`\lambda \to \infty` (McKelvey and Palfrey 1995; Turocy 2005). It is followed by
    pseudo-arclength predictor-corrector continuation (:mod:`irgames.solvers.qre`, vectorised
    over the batch) up to precisions :math:`\lambda \in \{10, 10^{3/2}, \dots\}` (in units of
    the inverse payoff range). At each, the support is read off (actions with probability above
    a threshold) and Newton's method solves the support's indifference equations, batched over
    games with different supports. A game has converged when the polished point passes the
    solver's own best-response test; its regret is then recomputed independently. Otherwise
    the last point of the branch is returned with ``converged`` False.

Examples
--------
>>> import numpy as np
>>> import irgames as ig
>>> from irgames.solvers.n_player import polynomial_support_enumeration, logit_homotopy
>>> # A random three-player game with integer payoffs.
>>> rng = np.random.default_rng(0)
>>> game = ig.NormalFormGame(rng.integers(-5, 6, size=(3, 2, 2, 2)), n_players=3)
>>> eq = polynomial_support_enumeration(game)
>>> len(eq), eq.max_relative_regret < 1e-9
(1, True)
>>> one = logit_homotopy(game)
>>> bool(one.options["converged"]), one.max_relative_regret < 1e-9
(True, True)
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from .equilibria import DEFAULT_TOL as ENUMERATION_TOL
from .equilibria import Equilibria

__all__ = ["logit_homotopy", "polynomial_support_enumeration", "support_profiles"]

#: Default tolerance of the logit homotopy's polish (convergence, not ties).
DEFAULT_TOL = 1e-9


# ---------------------------------------------------------------------------- helpers
def _check_game(game: NormalFormGame, who: str) -> None:
    if not isinstance(game, NormalFormGame):
        raise SolverError(f"{who} needs a NormalFormGame, got {type(game).__name__}")


def _values(payoffs: np.ndarray, sigma: list[np.ndarray], n: int) -> list[np.ndarray]:
    r"""Action values :math:`v_i(s; \sigma_{-i})` of every player, shape ``(G, a_i)`` each.

    ``payoffs`` has shape ``(G, n, a_1, ..., a_n)`` and ``sigma[j]`` shape ``(G, a_j)``.
    """
    out = []
    letters = "bcdefghijklmnopqrstuvwxyz"[:n]
    for i in range(n):
        operands = [payoffs[:, i]]
        spec = ["a" + letters]
        for j in range(n):
            if j != i:
                operands.append(sigma[j])
                spec.append("a" + letters[j])
        out.append(np.einsum(",".join(spec) + "->a" + letters[i], *operands))
    return out


def support_profiles(num_actions) -> list[tuple[tuple[int, ...], ...]]:
    """Every support profile: one non-empty subset of actions per player (sorted by size).

    >>> support_profiles((2, 1))
    [((0,), (0,)), ((1,), (0,)), ((0, 1), (0,))]
    """
    per_player = []
    for a in num_actions:
        subsets = [c for k in range(1, a + 1) for c in itertools.combinations(range(a), k)]
        per_player.append(subsets)
    profiles = list(itertools.product(*per_player))
    profiles.sort(key=lambda p: (sum(len(s) for s in p), p))
    return profiles


def _survives_dominance(
    payoffs: np.ndarray, support: tuple[tuple[int, ...], ...], tol: float
) -> np.ndarray:
    """Per game, False when an action of some S_i is strictly dominated against S_{-i}.

    ``payoffs`` (G, n, a_1..a_n) are in each player's own unit, so ``tol`` is absolute.
    """
    G, n = payoffs.shape[0], payoffs.shape[1]
    ok = np.ones(G, dtype=bool)
    for i in range(n):
        sub = payoffs[:, i]
        for j in range(n):
            if j != i:
                sub = np.take(sub, support[j], axis=1 + j)
        sub = np.moveaxis(sub, 1 + i, 1).reshape(G, payoffs.shape[2 + i], -1)  # (G, a_i, P)
        own = sub[:, list(support[i])]  # (G, |S_i|, P)
        beats = (sub[:, :, None, :] > own[:, None, :, :] + tol).all(axis=3)  # (G, t, s)
        ok &= ~beats.any(axis=1).any(axis=1)
    return ok


def _correlated_relaxation_feasible(
    unit: np.ndarray, support: tuple[tuple[int, ...], ...], tol: float
) -> bool:
    r"""Necessary condition for an equilibrium with supports inside ``support``, by LP.

    If :math:`\sigma` is such an equilibrium, the product :math:`\mu = \prod_{j \ne i}
    \sigma_j` is a distribution on :math:`S_{-i}` under which the actions of :math:`S_i` earn
    the same and no other action earns more. Relaxing the product to any distribution
    :math:`\mu` gives a linear feasibility problem per player; if one is infeasible, the support
    carries no equilibrium (equilibria with smaller supports are found under those). ``unit``
    is one game's payoffs mapped to ``[0, 1]``.
    """
    from scipy.optimize import linprog

    n = unit.shape[0]
    for i in range(n):
        S = list(support[i])
        if len(S) == unit.shape[1 + i] and len(S) == 1:
            continue
        sub = unit[i]
        for j in range(n):
            if j != i:
                sub = np.take(sub, support[j], axis=j)
        sub = np.moveaxis(sub, i, 0).reshape(unit.shape[1 + i], -1)  # (a_i, |S_{-i}|)
        columns = sub.shape[1]
        s0 = S[0]
        A_eq = np.array([np.ones(columns)] + [sub[s] - sub[s0] for s in S[1:]])
        b_eq = np.array([1.0] + [0.0] * (len(S) - 1))
        outside = [t for t in range(sub.shape[0]) if t not in S]
        A_ub = np.array([sub[t] - sub[s0] for t in outside]) if outside else None
        b_ub = np.full(len(outside), tol) if outside else None
        result = linprog(
            np.zeros(columns),
            A_ub=A_ub,
            b_ub=b_ub,
            A_eq=A_eq,
            b_eq=b_eq,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 2:  # proven infeasible
            return False
    return True


def _rational(x: float, scale: float) -> Fraction:
    approx = Fraction(x).limit_denominator(10**6)
    if abs(float(approx) - x) <= 1e-15 * scale:
        return approx
    return Fraction(x)


def _solve_support(table, support, n, num_actions, method="buchberger"):
    """Real solutions of one support's indifference system.

    ``table`` is an object array of Fractions ``(n, a_1, ..., a_n)``. Returns the real
    solutions as profiles (lists of full-length float arrays, not yet checked for signs or best
    responses) and a flag that is True when the solution set is positive-dimensional (then no
    solutions are returned).
    """
    import sympy

    symbols = []
    probs = []  # probs[i][s] : sympy expression of sigma_i(s)
    for i in range(n):
        S = support[i]
        vars_i = [sympy.Symbol(f"p{i}_{s}") for s in S[1:]]
        symbols += vars_i
        expr = {S[0]: 1 - sum(vars_i)} if vars_i else {S[0]: sympy.Integer(1)}
        for s, v in zip(S[1:], vars_i, strict=True):
            expr[s] = v
        probs.append(expr)
    equations = []
    for i in range(n):
        S = support[i]
        if len(S) == 1:
            continue
        others = [support[j] if j != i else (None,) for j in range(n)]
        values = {}
        for s in S:
            total = 0
            for rest in itertools.product(*others):
                profile = tuple(s if j == i else rest[j] for j in range(n))
                weight = 1
                for j in range(n):
                    if j != i:
                        weight *= probs[j][rest[j]]
                total += sympy.Rational(table[(i, *profile)]) * weight
            values[s] = total
        for s in S[1:]:
            e = sympy.expand(values[s] - values[S[0]])
            if e != 0:
                equations.append(e)
    if not symbols:
        solutions = [{}]
    else:
        if not equations:
            return [], True
        # A graded basis is far cheaper to compute than a lexicographic one; FGLM converts
        # it to the lexicographic (triangular) basis for zero-dimensional systems.
        basis = sympy.groebner(equations, *symbols, order="grevlex", method=method)
        if list(basis.exprs) == [1]:
            return [], False
        if not basis.is_zero_dimensional:
            return [], True
        basis = basis.fglm("lex")
        raw = sympy.solve_poly_system(list(basis.exprs), *symbols) or []
        solutions = [dict(zip(symbols, sol, strict=True)) for sol in raw]
    profiles = []
    for sol in solutions:
        profile = []
        real = True
        for i in range(n):
            sigma = np.zeros(num_actions[i])
            for s, e in probs[i].items():
                value = complex(sympy.N(sympy.sympify(e).subs(sol), 30))
                if abs(value.imag) > 1e-12:
                    real = False
                    break
                sigma[s] = value.real
            if not real:
                break
            profile.append(sigma)
        if real:
            profiles.append(profile)
    return profiles, False


# ---------------------------------------------------------------------------- all equilibria
def polynomial_support_enumeration(
    game: NormalFormGame,
    *,
    tol: float = ENUMERATION_TOL,
    max_support_profiles: int = 20_000,
    max_unknowns: int | None = None,
) -> Equilibria:
    r"""Every isolated Nash equilibrium of small N-player games, by support enumeration.

    See the module docstring for the method and its limits.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players (two-player games work too, but vertex enumeration is the
        sound and much faster choice there); any batch shape.
    tol : float
        Tolerance of the non-negativity and best-response tests and of the pruning; on player
        :math:`i`'s payoffs a fraction of :math:`s_i`, that player's own payoff range.
    max_support_profiles : int
        Refuse games with more support profiles than this (their number is
        :math:`\prod_i (2^{a_i} - 1)`), with a message suggesting :func:`logit_homotopy`.
    max_unknowns : int, optional
        Skip support profiles whose system has more unknowns :math:`\sum_i (|S_i| - 1)` than
        this (after pruning), to bound the symbolic work; skipped supports are listed in
        ``options["skipped"]`` as ``(game, support)`` and the result is ``complete=False``.

    Returns
    -------
    Equilibria
        ``complete`` is True unless some support had a positive-dimensional solution set
        (then those games are flagged ``degenerate`` and ``options["non_isolated"]`` lists
        ``(game, support)`` pairs). ``options["supports_solved"]`` counts the symbolic solves.

    Examples
    --------
    >>> import irgames as ig
    >>> from irgames.solvers.n_player import polynomial_support_enumeration
    >>> # Three-player matching: each player wants to match the next one.
    >>> def u(a, b, c):
    ...     import numpy as np
    ...     return np.stack(np.broadcast_arrays(1.0 * (a == b), 1.0 * (b == c), 1.0 * (c != a)))
    >>> game = ig.NormalFormGame.from_payoff_function(u, (2, 2, 2))
    >>> eq = polynomial_support_enumeration(game)
    >>> [s.tolist() for s in eq.profiles()[0]]
    [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]
    """
    _check_game(game, "polynomial_support_enumeration")
    if tol <= 0:
        raise SolverError(f"tol must be positive, got {tol}")
    n = game.n_players
    num_actions = game.num_actions
    count = int(np.prod([2**a - 1 for a in num_actions], dtype=np.int64))
    if count > max_support_profiles:
        raise SolverError(
            f"a game with actions {num_actions} has {count} support profiles, more than "
            f"max_support_profiles={max_support_profiles}; use logit_homotopy for one "
            "equilibrium, or raise max_support_profiles"
        )
    flat = game.flatten()
    G = flat.batch_size
    # Each player's payoffs in that player's own unit, in [0, 1] (a positive affine map per
    # player: no equilibrium changes), so every tolerance below is absolute on unit_payoffs
    # and a fraction of each player's own payoff range.
    unit_payoffs = flat.in_payoff_units()
    rows_game, rows_profile = [], []
    non_isolated: list[tuple[int, tuple]] = []
    skipped: list[tuple[int, tuple]] = []
    solved = 0
    tables = {}
    for support in support_profiles(num_actions):
        alive = np.flatnonzero(_survives_dominance(unit_payoffs, support, tol))
        for g in alive:
            if g not in tables:
                normalised = unit_payoffs[g]
                table = np.empty(normalised.shape, dtype=object)
                for index, value in np.ndenumerate(normalised):
                    table[index] = _rational(float(value), 1.0)
                tables[g] = table
            if sum(len(S) for S in support) > n and not _correlated_relaxation_feasible(
                unit_payoffs[g], support, tol
            ):
                continue
            if max_unknowns is not None and sum(len(S) - 1 for S in support) > max_unknowns:
                skipped.append((int(g), support))
                continue
            solutions, positive_dimensional = _solve_support(tables[g], support, n, num_actions)
            solved += 1
            if positive_dimensional:
                non_isolated.append((int(g), support))
            for profile in solutions:
                rows_game.append(int(g))
                rows_profile.append(profile)
    # The solver's own acceptance test: probabilities in the simplex, no better reply.
    strategies = [
        np.array([p[i] for p in rows_profile]).reshape(-1, num_actions[i]) for i in range(n)
    ]
    game_index = np.array(rows_game, dtype=np.int64)
    keep = np.ones(game_index.size, dtype=bool)
    if game_index.size:
        for s in strategies:
            keep &= (s >= -tol).all(axis=1)
        clipped = [np.clip(s, 0.0, None) for s in strategies]
        clipped = [s / s.sum(axis=1, keepdims=True) for s in clipped]
        rows_payoffs = unit_payoffs[game_index]
        values = _values(rows_payoffs, clipped, n)
        for v, s in zip(values, clipped, strict=True):
            best = v.max(axis=1)
            earned = (v * s).sum(axis=1)
            keep &= earned >= best - tol
        strategies = [s[keep] for s in clipped]
        game_index = game_index[keep]
        # Deduplicate within games (a boundary root can appear under several supports).
        order = np.lexsort((np.arange(game_index.size), game_index))
        game_index = game_index[order]
        strategies = [s[order] for s in strategies]
        stacked = np.concatenate(strategies, axis=1)
        unique = np.ones(game_index.size, dtype=bool)
        for r in range(1, game_index.size):
            same = game_index[:r] == game_index[r]
            close = np.abs(stacked[:r] - stacked[r]).max(axis=1) <= np.sqrt(tol)
            unique[r] = not np.any(same & close & unique[:r])
        game_index = game_index[unique]
        strategies = [s[unique] for s in strategies]
    degenerate = np.zeros(G, dtype=bool)
    for g, _ in non_isolated:
        degenerate[g] = True
    return Equilibria.from_profiles(
        game,
        game_index,
        tuple(strategies),
        method="polynomial_support_enumeration",
        tol=tol,
        complete=not non_isolated and not skipped,
        degenerate=degenerate.reshape(game.batch_shape),
        exact=False,
        options={
            "non_isolated": tuple(non_isolated),
            "skipped": tuple(skipped),
            "supports_solved": solved,
        },
    )


# ---------------------------------------------------------------------------- one equilibrium
def _newton_on_supports(
    payoffs: np.ndarray, sigma: list[np.ndarray], masks: list[np.ndarray], n: int, iters: int = 30
) -> tuple[list[np.ndarray], np.ndarray]:
    r"""Newton's method on the indifference equations, each game with its own support.

    Unknowns: all probabilities (length :math:`K = \sum a_i`). Equations per player: the sum
    is one (first action of the support as the reference row), :math:`\sigma_i(t) = 0` off the
    support, :math:`v_i(s) - v_i(s^0) = 0` on the rest of it. The values are multilinear, so
    :math:`\partial v_i(s) / \partial \sigma_j(t) = v_i(s; \sigma_j \to e_t)` exactly.
    """
    G = payoffs.shape[0]
    sizes = [m.shape[1] for m in masks]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    K = int(offsets[-1])
    x = np.concatenate(sigma, axis=1).copy()
    reference = [np.argmax(m, axis=1) for m in masks]

    def split(z):
        return [z[:, offsets[i] : offsets[i + 1]] for i in range(n)]

    def residual_and_jacobian(z):
        parts = split(z)
        values = _values(payoffs, parts, n)
        F = np.zeros((G, K))
        J = np.zeros((G, K, K))
        rows = np.arange(G)
        for i in range(n):
            o = offsets[i]
            ref = reference[i]
            v_ref = values[i][rows, ref]
            F[:, o : o + sizes[i]] = np.where(masks[i], values[i] - v_ref[:, None], parts[i])
            F[rows, o + ref] = parts[i].sum(axis=1) - 1.0
        # Jacobian columns: replace player j's strategy by a pure one.
        for j in range(n):
            for t in range(sizes[j]):
                pure = np.zeros((G, sizes[j]))
                pure[:, t] = 1.0
                swapped = list(parts)
                swapped[j] = pure
                dv = _values(payoffs, swapped, n)
                for i in range(n):
                    if i == j:
                        continue
                    o = offsets[i]
                    d_ref = dv[i][rows, reference[i]]
                    J[:, o : o + sizes[i], offsets[j] + t] = np.where(
                        masks[i], dv[i] - d_ref[:, None], 0.0
                    )
        for i in range(n):
            o = offsets[i]
            for s in range(sizes[i]):
                J[:, o + s, o + s] = np.where(masks[i][:, s], J[:, o + s, o + s], 1.0)
            J[rows, o + reference[i], o : o + sizes[i]] = 1.0
        return F, J

    for _ in range(iters):
        F, J = residual_and_jacobian(x)
        try:
            step = np.linalg.solve(J, -F[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.einsum("gij,gj->gi", np.linalg.pinv(J), -F)
        x = x + np.where(np.isfinite(step), step, 0.0)
        if np.abs(step).max() < 1e-15:
            break
    F, _ = residual_and_jacobian(x)
    return split(x), np.abs(F).max(axis=1)


def _polish_path(
    unit: np.ndarray, path, lam: np.ndarray, n: int, tol: float
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Polish the branch's points, lowest precision first; per game the first that passes."""
    G = unit.shape[0]
    converged = np.zeros(G, dtype=bool)
    at = np.full(G, np.nan)
    chosen = [np.zeros((G, s.shape[-1])) for s in path.strategies]
    for k in range(lam.size):
        todo = np.flatnonzero(~converged & path.converged[k].reshape(G))
        if todo.size == 0:
            continue
        start = [path.strategies[i][k].reshape(G, -1)[todo] for i in range(n)]
        for threshold in (1e-2, 1e-4):
            pending = np.flatnonzero(~converged[todo])
            if pending.size == 0:
                break
            rows = todo[pending]
            begin = [s[pending] for s in start]
            masks = [s >= threshold * s.max(axis=1, keepdims=True) for s in begin]
            guess = [np.where(m, s, 0.0) for m, s in zip(masks, begin, strict=True)]
            guess = [s / s.sum(axis=1, keepdims=True) for s in guess]
            sub = unit[rows]
            with np.errstate(all="ignore"):
                polished, residual = _newton_on_supports(sub, guess, masks, n)
            polished = [np.where(m, s, 0.0) for m, s in zip(masks, polished, strict=True)]
            ok = residual <= tol
            for s in polished:
                ok &= np.isfinite(s).all(axis=1) & (s >= -tol).all(axis=1)
            clean = [np.clip(np.nan_to_num(s), 0.0, None) for s in polished]
            totals = [s.sum(axis=1, keepdims=True) for s in clean]
            clean = [s / np.where(t > 0, t, 1.0) for s, t in zip(clean, totals, strict=True)]
            values = _values(sub, clean, n)
            for v, s in zip(values, clean, strict=True):
                ok &= (v * s).sum(axis=1) >= v.max(axis=1) - tol
            accepted = rows[ok]
            for i in range(n):
                chosen[i][accepted] = clean[i][ok]
            converged[accepted] = True
            at[accepted] = lam[k]
    return converged, at, chosen


def logit_homotopy(
    game: NormalFormGame,
    *,
    tol: float = DEFAULT_TOL,
    lambdas=None,
    max_steps: int = 20_000,
) -> Equilibria:
    r"""One Nash equilibrium per game, by tracing the logit QRE branch and polishing.

    Parameters
    ----------
    game : NormalFormGame
        Any number of players, any batch shape.
    tol : float
        Relative tolerance of the polished point's best-response test (on each player's
        payoffs in that player's own unit).
    lambdas : array_like, optional
        Increasing precisions, in units of the inverse payoff range, at which a polish is
        attempted; default ``10 ** np.arange(1, 4.6, 0.5)``.
    max_steps : int
        Cap on continuation steps (passed to :func:`irgames.solvers.qre.logit_qre_path`).

    Returns
    -------
    Equilibria
        One row per game (``complete=False``): the polished equilibrium where it passed, else
        the branch's last point. ``options["converged"]`` (bool, batch shape) says which;
        ``options["lambda"]`` the precision whose point was polished.

    Examples
    --------
    >>> import irgames as ig
    >>> from irgames.solvers.n_player import logit_homotopy
    >>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> [s.tolist() for s in logit_homotopy(pd).profiles()[0]]
    [[0.0, 1.0], [0.0, 1.0]]
    """
    from .qre import logit_qre_path

    _check_game(game, "logit_homotopy")
    if tol <= 0:
        raise SolverError(f"tol must be positive, got {tol}")
    n = game.n_players
    flat = game.flatten()
    G = flat.batch_size
    # each player's payoffs in that player's own unit (see polynomial_support_enumeration)
    unit = flat.in_payoff_units()
    lam = np.asarray(
        10.0 ** np.arange(1.0, 4.6, 0.5) if lambdas is None else lambdas, dtype=float
    ).reshape(-1)
    if lam.size == 0 or np.any(lam <= 0) or np.any(np.diff(lam) <= 0):
        raise SolverError("lambdas must be positive and increasing")
    converged = np.zeros(G, dtype=bool)
    chosen = [np.full((G, a), np.nan) for a in game.num_actions]
    chosen_lambda = np.full(G, np.nan)
    # Most games are polished at moderate precision: trace to 100 first, then trace the rest
    # (from the centroid again) through all the precisions.
    stages = [lam[lam <= 100.0], lam] if np.any(lam <= 100.0) and lam[-1] > 100.0 else [lam]
    for stage in stages:
        rest = np.flatnonzero(~converged)
        if rest.size == 0:
            break
        sub_game = NormalFormGame(unit[rest], n_players=n)
        path = logit_qre_path(sub_game, stage, max_steps=max_steps)
        for i in range(n):
            chosen[i][rest] = path.strategies[i][-1].reshape(rest.size, -1)
        done, at, polished = _polish_path(unit[rest], path, stage, n, tol)
        converged[rest[done]] = True
        chosen_lambda[rest[done]] = at[done]
        for i in range(n):
            chosen[i][rest[done]] = polished[i][done]
    for i, a in enumerate(game.num_actions):  # a branch that broke down: report the centroid
        broken = ~np.isfinite(chosen[i]).all(axis=1)
        chosen[i][broken] = 1.0 / a
    return Equilibria.from_profiles(
        game,
        np.arange(G),
        tuple(chosen),
        method="logit_homotopy",
        tol=tol,
        complete=False,
        options={
            "converged": converged.reshape(game.batch_shape),
            "lambda": chosen_lambda.reshape(game.batch_shape),
            "lambdas": lam,
        },
    )
