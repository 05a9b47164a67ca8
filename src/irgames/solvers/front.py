r"""The front door for normal-form games: ``solve(game)`` picks a sound method and says which.

Decision rule when ``method`` is None (the chosen name is recorded in ``Equilibria.method``):

=========================================  ======================================  ==========
game                                       method                                  complete
=========================================  ======================================  ==========
2 players, 2x2                             ``two_by_two`` (closed form)            yes
2 players, other sizes that fit memory     ``vertex_enumeration``                  yes
2 players, larger (e.g. 9x27)              ``lemke_howson_all_labels``             no
3+ players (or 1), :math:`\sum_i (a_i-1)`   ``polynomial_support_enumeration``      yes [#]_
at most 4
3+ players, larger                         ``logit_homotopy`` (one equilibrium)    no
=========================================  ======================================  ==========

.. [#] Unless some support has a continuum of solutions; the result then says
   ``complete=False`` and flags the game degenerate.

Why vertex enumeration for two players: it finds every extreme equilibrium and the components
of degenerate games, and it was faster than support enumeration at every size measured
(1,000 random games on one core: 3x3 0.21 s against 0.34 s, 4x4 0.51 s against 0.96 s, 6x6
3.8 s against 6.5 s), so support enumeration is available by name but never chosen. The
threshold on :math:`\sum_i (a_i - 1)`, the number of unknowns of the largest polynomial system,
keeps the symbolic step of the N-player enumeration to seconds per game (2x2x2: 0.1-3 s,
2x2x2x2: 4-6 s); at 5 unknowns (2x2x2x2x2) it took more than 5 minutes and at 6 (3x3x3) minutes,
so larger games get one equilibrium by the logit homotopy unless enumeration is asked for.
Two-player games whose vertex enumeration would need more than its default memory bound
(:func:`~irgames.solvers.vertex_enumeration.vertex_enumeration_floats`; a 9x27 game needs
C(36, 9) linear systems per polytope) get the equilibria that Lemke-Howson reaches from every
starting label: some, not all (``complete=False``).

Tolerances are in each player's own payoff unit :math:`s_i` (the range of :math:`u_i`,
``NormalFormGame.payoff_units``) in every method: a difference of player :math:`i`'s payoffs
is a tie when at most ``tol`` :math:`\cdot s_i` (by default
:data:`~irgames.solvers.equilibria.DEFAULT_TOL`, ``1e-12``, for the enumeration methods), and
``Equilibria.relative_regret`` is :math:`\max_i r_i / s_i`. Scaling or shifting one player's
payoffs therefore changes no equilibrium found.

Methods by name (``method=``): every key of :data:`METHODS`. ``"zero_sum"`` solves the LP of a
zero-sum game and returns its equilibria; ``"exact"`` certifies small two-player games in
rational arithmetic. Options are passed to the chosen solver (``tol=...``, ...).

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.front import solve
>>> bos = ig.NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
>>> eq = solve(bos)
>>> eq.method, len(eq)
('two_by_two', 3)
>>> solve(bos, method="lemke_howson").method
'lemke_howson'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import SolverError
from ..games.normal_form import NormalFormGame
from .equilibria import Equilibria

__all__ = ["METHODS", "choose_method", "solve"]

#: Largest :math:`\sum_i (a_i - 1)` for which ``solve`` enumerates N-player equilibria.
MAX_AUTO_UNKNOWNS = 4


def _two_by_two(game, **options):
    from .two_by_two import two_by_two

    return two_by_two(game, **options)


def _vertex_enumeration(game, **options):
    from .vertex_enumeration import vertex_enumeration

    return vertex_enumeration(game, **options)


def _support_enumeration(game, **options):
    from .support_enumeration import support_enumeration

    return support_enumeration(game, **options)


def _lemke_howson(game, **options):
    from .lemke_howson import lemke_howson

    return lemke_howson(game, **options)


def _lemke_howson_all_labels(game, **options):
    from .lemke_howson import lemke_howson_all_labels

    return lemke_howson_all_labels(game, **options)


def _zero_sum(game, **options):
    from .zero_sum import zero_sum

    return zero_sum(game, **options).equilibria


def _pure(game, **options):
    from .pure import pure_equilibria

    return pure_equilibria(game, **options)


def _exact(game, **options):
    from .exact import exact_equilibria

    return exact_equilibria(game, **options)


def _polynomial(game, **options):
    from .n_player import polynomial_support_enumeration

    return polynomial_support_enumeration(game, **options)


def _logit(game, **options):
    from .n_player import logit_homotopy

    return logit_homotopy(game, **options)


#: Method names accepted by :func:`solve`, each with the solver it calls.
METHODS: dict[str, Callable[..., Equilibria]] = {
    "two_by_two": _two_by_two,
    "vertex_enumeration": _vertex_enumeration,
    "support_enumeration": _support_enumeration,
    "lemke_howson": _lemke_howson,
    "lemke_howson_all_labels": _lemke_howson_all_labels,
    "zero_sum": _zero_sum,
    "pure": _pure,
    "exact": _exact,
    "polynomial_support_enumeration": _polynomial,
    "logit_homotopy": _logit,
}

_TWO_PLAYER_ONLY = {
    "two_by_two",
    "vertex_enumeration",
    "support_enumeration",
    "lemke_howson",
    "lemke_howson_all_labels",
    "zero_sum",
    "exact",
}


def choose_method(game: NormalFormGame) -> str:
    """The method :func:`solve` uses for ``game`` when none is named (see the module table).

    >>> import numpy as np
    >>> import irgames as ig
    >>> choose_method(ig.NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3))
    'polynomial_support_enumeration'
    >>> choose_method(ig.NormalFormGame(np.zeros((3, 3, 3, 3)), n_players=3))
    'logit_homotopy'
    >>> choose_method(ig.NormalFormGame(np.zeros((2, 9, 27))))
    'lemke_howson_all_labels'
    """
    if game.n_players == 2:
        from .vertex_enumeration import DEFAULT_MEMORY_FLOATS, vertex_enumeration_floats

        if game.num_actions == (2, 2):
            return "two_by_two"
        if vertex_enumeration_floats(game.num_actions) > DEFAULT_MEMORY_FLOATS:
            return "lemke_howson_all_labels"
        return "vertex_enumeration"
    if sum(a - 1 for a in game.num_actions) <= MAX_AUTO_UNKNOWNS:
        return "polynomial_support_enumeration"
    return "logit_homotopy"


def solve(game: NormalFormGame, method: str | None = None, **options: Any) -> Equilibria:
    r"""Nash equilibria of every game in a batch, by a sound method chosen for its size.

    Parameters
    ----------
    game : NormalFormGame
        Any batch of normal-form games.
    method : str, optional
        One of :data:`METHODS`; by default chosen by :func:`choose_method` (see the module
        docstring for the table and the measurements behind it).
    **options
        Passed to the solver (for example ``tol``).

    Returns
    -------
    Equilibria
        With ``method`` naming the algorithm used and ``complete`` saying whether it finds
        every (extreme) equilibrium.

    Raises
    ------
    ValueError
        For an unknown method (the message lists the valid names).
    GameValueError
        If the game is not a :class:`NormalFormGame`, or the method does not apply to it
        (e.g. a two-player method for three players).

    Examples
    --------
    >>> import irgames as ig
    >>> from irgames.solvers.front import solve
    >>> mp = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1], [0, 0]])  # degenerate: 2 extreme
    >>> eq = solve(mp)
    >>> eq.method, eq.complete, len(eq)
    ('vertex_enumeration', True, 2)
    """
    if not isinstance(game, NormalFormGame):
        raise SolverError(
            f"solve needs a NormalFormGame, got {type(game).__name__}; build one with "
            "NormalFormGame(payoffs) or read a file with irgames.io.nfg.read_nfg"
        )
    if method is None:
        method = choose_method(game)
    if method not in METHODS:
        raise SolverError(
            f"unknown method {method!r}; valid methods are: {', '.join(sorted(METHODS))}"
        )
    if method in _TWO_PLAYER_ONLY and game.n_players != 2:
        raise SolverError(
            f"method {method!r} solves two-player games; this game has {game.n_players} "
            "players (use 'polynomial_support_enumeration' or 'logit_homotopy')"
        )
    if method == "two_by_two" and game.num_actions != (2, 2):
        raise SolverError(
            f"method 'two_by_two' needs 2x2 games; this game is "
            f"{'x'.join(map(str, game.num_actions))}"
        )
    return METHODS[method](game, **options)
