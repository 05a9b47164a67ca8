r"""The front door: ``solve(game)`` picks a sound method for the game's type and says which.

:func:`solve` dispatches on the type of the game: normal form, tree, signalling, repeated,
stochastic and anonymous games each have a table of methods (:data:`METHODS_BY_TYPE`; for
normal-form games :data:`METHODS`), an automatic choice, and the decision table below. The
chosen name is recorded in the result's ``method``; every result follows the contract of
:class:`~irgames.solvers.result.Result` (``method``, ``tol``, ``options``, ``regret``,
``layout``, ``to_pandas()``). Options a method does not take are ignored with an
:class:`OptionWarning` naming them and the method's options (SciPy's habit).

Normal-form games (:class:`~irgames.games.normal_form.NormalFormGame`)
----------------------------------------------------------------------

Decision rule when ``method`` is None:

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

The other game types
--------------------

==================  ===========================================  ==============================
game                automatic choice                             methods by name
==================  ===========================================  ==============================
tree, perfect       ``backward_induction`` (one pure SPE per     :data:`TREE_METHODS`:
information         point, ties flagged; ``ties="enumerate"``    ``subgame_perfect``,
                    lists them all)                              ``sequence_form_lp`` /
                                                                 ``_lcp`` (two players),
                                                                 ``sequential_equilibria``,
tree, imperfect     ``subgame_perfect`` (every SPE found by the  ``agent_logit_qre`` /
information         normal-form methods in each subgame)         ``agent_probit_qre`` (``lam=``)
signalling game     ``perfect_bayesian_equilibria`` (pure PBE,   :data:`SIGNALLING_METHODS`:
                    and the semi-separating ones of 2x2x2)       ``pure_pbe``,
                                                                 ``mixed_pbe_2x2x2``
repeated game       ``stage_nash`` (every stage equilibrium,     :data:`REPEATED_METHODS`:
                    played after every history: an SPE whose     ``equilibrium_payoffs`` (two
                    regret is the stage regret)                  players: the SPE payoff set)
stochastic game     ``value_iteration`` (one MPE per point,      :data:`STOCHASTIC_METHODS`:
                    verified by its one-shot regret)             ``markov_perfect_equilibria``
anonymous binary    ``symmetric_equilibria`` (every symmetric    :data:`ANONYMOUS_METHODS`:
game                mixed equilibrium)                           ``pure_equilibria_counts``
==================  ===========================================  ==============================

Why these: on perfect-information trees backward induction is exact, linear in the tree and
vectorised over the batch (``solve(tree)`` is ``backward_induction(tree)``); with imperfect
information it does not apply, and subgame perfection by the normal-form methods of each
subgame is the one complete method (``solve(tree)`` is ``subgame_perfect(tree)``). The
sequence-form methods and sequential equilibria (assessments with beliefs) are reachable by
name (``solve(tree, method="sequence_form_lcp")``, ``method="sequential_equilibria"``).

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
>>> tree = ig.TreeBuilder(["A", "B"])
>>> root = tree.decision("A", {"war": tree.terminal(-1, -1), "peace": tree.terminal(0, 0)})
>>> solve(tree.build(root)).method
'backward_induction'
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

from ..errors import GameValueError, IrgamesWarning, SolverError
from ..games.anonymous import AnonymousBinaryGame
from ..games.extensive_form import ExtensiveFormGame
from ..games.normal_form import NormalFormGame
from ..games.repeated import RepeatedGame, StochasticGame
from ..games.signalling import SignallingGame
from .equilibria import Equilibria
from .result import Result, accepts_tolerance

__all__ = [
    "ANONYMOUS_METHODS",
    "METHODS",
    "METHODS_BY_TYPE",
    "NORMAL_FORM_METHODS",
    "REPEATED_METHODS",
    "SIGNALLING_METHODS",
    "STOCHASTIC_METHODS",
    "TREE_METHODS",
    "OptionWarning",
    "choose_method",
    "method_options",
    "solve",
]


class OptionWarning(IrgamesWarning):
    """An option the chosen method does not take: :func:`solve` ignores it and says so."""


def _wraps(target: Callable) -> Callable[[Callable], Callable]:
    """Give a thin wrapper its target's signature (so its options can be read)."""

    def decorate(wrapper: Callable) -> Callable:
        wrapper.__wrapped__ = target  # type: ignore[attr-defined]
        summary = (target.__doc__ or "").strip().split("\n")[0]
        wrapper.__doc__ = f"{summary} (calls :func:`~{target.__module__}.{target.__name__}`)"
        return wrapper

    return decorate


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


def _targets() -> None:
    """Point each normal-form wrapper at its solver (for :func:`method_options`)."""
    from .exact import exact_equilibria
    from .lemke_howson import lemke_howson, lemke_howson_all_labels
    from .n_player import logit_homotopy, polynomial_support_enumeration
    from .pure import pure_equilibria
    from .support_enumeration import support_enumeration
    from .two_by_two import two_by_two
    from .vertex_enumeration import vertex_enumeration
    from .zero_sum import zero_sum

    pairs = [
        (_two_by_two, two_by_two),
        (_vertex_enumeration, vertex_enumeration),
        (_support_enumeration, support_enumeration),
        (_lemke_howson, lemke_howson),
        (_lemke_howson_all_labels, lemke_howson_all_labels),
        (_zero_sum, zero_sum),
        (_pure, pure_equilibria),
        (_exact, exact_equilibria),
        (_polynomial, polynomial_support_enumeration),
        (_logit, logit_homotopy),
    ]
    for wrapper, target in pairs:
        _wraps(target)(wrapper)


_targets()

#: Method names accepted by :func:`solve` for normal-form games, each with the solver it calls.
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


#: The normal-form table under its family name (the same dict as :data:`METHODS`).
NORMAL_FORM_METHODS = METHODS


# ---------------------------------------------------------------------------- trees
def _tree_methods() -> dict[str, Callable[..., Result]]:
    from .backward_induction import backward_induction
    from .qre import agent_logit_qre, agent_probit_qre
    from .sequence_form import sequence_form_lcp, sequence_form_lp
    from .sequential import sequential_equilibria
    from .subgame_perfect import subgame_perfect

    return {
        "backward_induction": backward_induction,
        "subgame_perfect": subgame_perfect,
        "sequence_form_lp": sequence_form_lp,
        "sequence_form_lcp": sequence_form_lcp,
        "sequential_equilibria": sequential_equilibria,
        "agent_logit_qre": agent_logit_qre,
        "agent_probit_qre": agent_probit_qre,
    }


#: Methods for :class:`~irgames.games.extensive_form.ExtensiveFormGame` (trees).
TREE_METHODS: dict[str, Callable[..., Result]] = _tree_methods()


def _choose_tree(game: ExtensiveFormGame) -> str:
    return "backward_induction" if game.is_perfect_information else "subgame_perfect"


# ---------------------------------------------------------------------------- signalling
def _signalling_methods() -> dict[str, Callable[..., Result]]:
    from .pbe import mixed_pbe_2x2x2, perfect_bayesian_equilibria, pure_pbe

    return {
        "perfect_bayesian_equilibria": perfect_bayesian_equilibria,
        "pure_pbe": pure_pbe,
        "mixed_pbe_2x2x2": mixed_pbe_2x2x2,
    }


#: Methods for :class:`~irgames.games.signalling.SignallingGame`.
SIGNALLING_METHODS: dict[str, Callable[..., Result]] = _signalling_methods()


# ---------------------------------------------------------------------------- repeated
def stage_nash(game: RepeatedGame, method: str | None = None, **options: Any) -> Equilibria:
    r"""Every stage-game equilibrium, played in every period: SPE of the repeated game.

    A profile that plays the stage equilibrium :math:`\sigma` after every history is subgame
    perfect: against opponents who play :math:`\sigma_{-i}` whatever happens, player
    :math:`i`'s best reply is a stage best reply in every period, so her largest gain in
    normalised (average discounted) payoffs is her stage regret :math:`r_i(\sigma)`, which is
    the row's ``regret`` here. The stage game is solved by :func:`solve` (``method`` and
    ``options`` go to it); the result's ``method`` says ``"stage_nash: <stage method>"``.

    >>> import irgames as ig
    >>> pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> eq = stage_nash(ig.RepeatedGame(pd, 0.9))
    >>> eq.method, eq.strategies[0].tolist()
    ('stage_nash: two_by_two', [[0.0, 1.0]])
    """
    from dataclasses import replace

    stage = NormalFormGame(game.stage_payoffs(), n_players=game.n_players)
    eq = solve(stage, method, **options)
    return replace(eq, method=f"stage_nash: {eq.method}")


def _repeated_methods() -> dict[str, Callable[..., Result]]:
    from .repeated import equilibrium_payoffs

    return {"equilibrium_payoffs": equilibrium_payoffs, "stage_nash": stage_nash}


#: Methods for :class:`~irgames.games.repeated.RepeatedGame`.
REPEATED_METHODS: dict[str, Callable[..., Result]] = _repeated_methods()


def _choose_repeated(game: RepeatedGame) -> str:
    # equilibrium_payoffs answers a different question (which payoffs some SPE attains) and
    # returns a set of payoffs, not profiles that could carry a regret: it is asked by name
    return "stage_nash"


# ---------------------------------------------------------------------------- stochastic
def _stochastic_methods() -> dict[str, Callable[..., Result]]:
    from .stochastic import markov_perfect_equilibria, value_iteration

    return {
        "value_iteration": value_iteration,
        "markov_perfect_equilibria": markov_perfect_equilibria,
    }


#: Methods for :class:`~irgames.games.repeated.StochasticGame`.
STOCHASTIC_METHODS: dict[str, Callable[..., Result]] = _stochastic_methods()


# ---------------------------------------------------------------------------- anonymous
def _anonymous_methods() -> dict[str, Callable[..., Result]]:
    from .anonymous import pure_equilibria_counts, symmetric_equilibria

    return {
        "symmetric_equilibria": symmetric_equilibria,
        "pure_equilibria_counts": pure_equilibria_counts,
    }


#: Methods for :class:`~irgames.games.anonymous.AnonymousBinaryGame`.
ANONYMOUS_METHODS: dict[str, Callable[..., Result]] = _anonymous_methods()

#: Per game type: its method table and its automatic choice (checked in this order).
METHODS_BY_TYPE: dict[type, tuple[dict[str, Callable[..., Result]], Callable[[Any], str]]] = {
    NormalFormGame: (METHODS, choose_method),
    ExtensiveFormGame: (TREE_METHODS, _choose_tree),
    SignallingGame: (SIGNALLING_METHODS, lambda game: "perfect_bayesian_equilibria"),
    RepeatedGame: (REPEATED_METHODS, _choose_repeated),
    StochasticGame: (STOCHASTIC_METHODS, lambda game: "value_iteration"),
    AnonymousBinaryGame: (ANONYMOUS_METHODS, lambda game: "symmetric_equilibria"),
}


def method_options(func: Callable) -> tuple[str, ...] | None:
    """The keyword options ``func`` takes after the game (None if it takes any).

    >>> method_options(TREE_METHODS["backward_induction"])
    ('tol', 'ties', 'max_equilibria')
    """
    params = list(inspect.signature(func).parameters.values())[1:]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    return tuple(
        p.name
        for p in params
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    )


def _family(game) -> tuple[dict[str, Callable[..., Result]], Callable[[Any], str]]:
    for kind, family in METHODS_BY_TYPE.items():
        if isinstance(game, kind):
            return family
    names = ", ".join(kind.__name__ for kind in METHODS_BY_TYPE)
    raise GameValueError(
        f"solve needs a game ({names}), got {type(game).__name__}; build one with "
        "NormalFormGame(payoffs) or TreeBuilder, or read a file with irgames.read_nfg / read_efg"
    )


@accepts_tolerance
def solve(game, method: str | None = None, *, tol: float | None = None, **options: Any) -> Result:
    r"""Equilibria of every game in a batch, by a sound method chosen for its type and size.

    Parameters
    ----------
    game : game
        Any batch of games: NormalFormGame, ExtensiveFormGame, SignallingGame, RepeatedGame,
        StochasticGame or AnonymousBinaryGame.
    method : str, optional
        A key of the game type's table (:data:`METHODS_BY_TYPE`; :data:`METHODS` for
        normal-form games); by default the automatic choice of the module's decision tables.
    tol : float, optional
        The relative tolerance (in each player's own payoff unit), passed to the method;
        its default when omitted. ``tolerance=`` is the old spelling (deprecated).
    **options
        Passed to the method. Options it does not take are dropped with an
        :class:`OptionWarning` that names them and the method's options.

    Returns
    -------
    Result
        The method's result (:class:`Equilibria` for normal-form games,
        :class:`~irgames.solvers.backward_induction.SubgamePerfect` or
        :class:`~irgames.solvers.subgame_perfect.SubgamePerfectSet` for trees, ...), with
        ``method`` naming the algorithm, ``regret`` on every equilibrium and ``layout``.

    Raises
    ------
    ValueError
        For an unknown method (the message lists the valid names).
    GameValueError
        If ``game`` is no game type, or the method does not apply to it (e.g. a two-player
        method for three players).

    Examples
    --------
    >>> import irgames as ig
    >>> from irgames.solvers.front import solve
    >>> mp = ig.NormalFormGame.zero_sum([[1, -1], [-1, 1], [0, 0]])  # degenerate: 2 extreme
    >>> eq = solve(mp)
    >>> eq.method, eq.complete, len(eq)
    ('vertex_enumeration', True, 2)
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = solve(mp, method="pure", max_pivots=3)
    >>> print(caught[0].message)
    method 'pure' takes no option 'max_pivots' (ignored); its options: tol
    """
    table, choose = _family(game)
    if method is None:
        method = choose(game)
    if method not in table:
        raise SolverError(
            f"unknown method {method!r}; valid methods are: {', '.join(sorted(table))}"
        )
    if isinstance(game, NormalFormGame):
        _check_normal_form(game, method)
    if tol is not None:
        options["tol"] = tol
    func = table[method]
    accepted = method_options(func)
    if accepted is not None:
        unknown = [name for name in options if name not in accepted]
        if unknown:
            listed = ", ".join(repr(name) for name in unknown)
            warnings.warn(
                f"method {method!r} takes no option{'s' if len(unknown) > 1 else ''} {listed} "
                f"(ignored); its options: {', '.join(accepted) or 'none'}",
                OptionWarning,
                stacklevel=3,
            )
            options = {k: v for k, v in options.items() if k in accepted}
    return func(game, **options)


def _check_normal_form(game: NormalFormGame, method: str) -> None:
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
