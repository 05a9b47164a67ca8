r"""Testing with irgames: hypothesis strategies, equilibrium assertions and claim tests.

This module needs the test extra (``pip install "irgames[test]"``): it imports hypothesis,
which ``import irgames`` never does. It is what the project's own tests use.

Strategies (hypothesis ``SearchStrategy`` objects)
    :func:`generic_bimatrix`, :func:`integer_bimatrix`, :func:`bimatrix_batches` and
    :func:`normal_form_games` (normal-form games: continuous payoffs, nondegenerate almost
    surely; small integers, where ties and degeneracy are common; batches of either);
    :func:`trees` (extensive-form games from :func:`~irgames.games.tree_generators.random_tree`,
    with chance nodes and information sets on request); :func:`stochastic_games` (batches of
    random stochastic games); :func:`parameters` and :func:`parameter_spaces`.

Equilibrium assertions, by regret computed independently of any solver
    :func:`assert_equilibria` checks every row of a normal-form result: each strategy lies in
    its simplex, and each player's regret :math:`r_i = \max_{a_i} u_i(a_i, \sigma_{-i}) -
    u_i(\sigma)` (:func:`irgames.regret`) is at most ``tol`` :math:`\cdot s_i`, with
    :math:`s_i` player :math:`i`'s own payoff unit
    (:func:`~irgames.games.normal_form.payoff_units`); with ``support=True`` also every action
    played is a best response within that tolerance. :func:`assert_subgame_perfect` checks
    every row of a tree result in every subgame: the behaviour profile, turned into the
    realisation-equivalent mixed profile of the subgame's reduced normal form, has regret at
    most ``tol`` :math:`\cdot s_i` (units of the whole tree's payoffs).

Claim tests
    ``claim_test(model, claim)`` returns a hypothesis-driven test function. In the default
    ``mode="batch"`` each hypothesis example is a seed, and the claim is checked on a batch of
    ``n`` random points of the space drawn from that seed (one batched solve per example, so
    a few dozen examples cover thousands of points). In ``mode="points"`` each example is one
    point drawn from :meth:`~irgames.analysis.parameters.ParameterSpace.strategy` (hypothesis
    explores edges and shrinks a failure itself; points outside the claim's condition are
    discarded with ``assume``). A failure reports the claim, its quote and a shrunk
    counterexample. ``assert_claim(model, claim)`` checks once and raises
    :class:`ClaimFailure`; ``assert_closed_form(model, outcome, expr, given=...)`` compares an
    outcome with a closed form (a sympy expression in the parameters' names) at random points;
    ``claim_cases(models=None)`` gives the ``(model, claim)`` pairs of every registered model
    as ``pytest.param`` objects for ``@pytest.mark.parametrize``.

Examples
--------
>>> import numpy as np
>>> import irgames as ig
>>> from irgames.testing import assert_equilibria
>>> game = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> assert_equilibria(game, ig.vertex_enumeration(game), support=True)
>>> from hypothesis import given
>>> from irgames.testing import generic_bimatrix
>>> @given(generic_bimatrix(max_actions=3))
... def test_support_enumeration(game):
...     assert_equilibria(game, ig.support_enumeration(game))
>>> test_support_enumeration()

In a test module, every claim of every model::

    import pytest
    from irgames.testing import assert_claim, claim_cases

    @pytest.mark.parametrize(("model", "claim"), claim_cases())
    def test_claims_hold(model, claim):
        assert_claim(model, claim)

or, for one model: ``test_allies_concede_more = claim_test(coercion, "allies_concede_more")``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np

from .errors import IrgamesError, MissingExtraError, ParameterError, SolverError

try:
    from hypothesis import HealthCheck, Phase, assume, given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays
except ImportError as error:  # pragma: no cover - depends on the environment
    raise MissingExtraError(
        'irgames.testing needs hypothesis, a test dependency: pip install "irgames[test]"'
    ) from error

from .analysis.claims import Claim, ClaimCheck, check, find_claim
from .analysis.model import Model, ModelError
from .analysis.parameters import Constraint, Parameter, ParameterSpace
from .analysis.statics import numeric_function
from .games.extensive_form import TERMINAL, ExtensiveFormGame
from .games.normal_form import NormalFormGame
from .games.reduced_form import reduced_normal_form
from .games.regret import action_values, regret
from .games.repeated import StochasticGame
from .games.tree_generators import random_tree

__all__ = [
    "ClaimFailure",
    "ClosedFormMismatch",
    "assert_claim",
    "assert_closed_form",
    "assert_equilibria",
    "assert_subgame_perfect",
    "bimatrix_batches",
    "claim_cases",
    "claim_test",
    "generic_bimatrix",
    "integer_bimatrix",
    "normal_form_games",
    "parameter_spaces",
    "parameters",
    "stochastic_games",
    "subgame_roots_by_definition",
    "trees",
]


# ------------------------------------------------------------------ normal-form games
@st.composite
def generic_bimatrix(draw, max_actions: int = 4, batch: int | None = None, min_actions: int = 1):
    """A bimatrix game (or a batch of ``batch``) with continuous random payoffs:
    nondegenerate almost surely.

    Payoffs are standard normal draws from a seed chosen by hypothesis; a scale
    (:math:`10^{-3}, 1, 10^3`) and an offset are drawn too, so that tolerances are exercised
    relative to the payoff range.
    """
    m = draw(st.integers(min_actions, max_actions))
    n = draw(st.integers(min_actions, max_actions))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    rng = np.random.default_rng(seed)
    shape = (2, m, n) if batch is None else (2, batch, m, n)
    A, B = scale * rng.normal(size=shape) + draw(st.sampled_from([0.0, 5.0, -100.0]))
    return NormalFormGame.bimatrix(A, B)


@st.composite
def integer_bimatrix(draw, max_actions: int = 4, low: int = -2, high: int = 2):
    """A bimatrix game with small integer payoffs in ``[low, high]``: ties, hence
    degeneracy, are common."""
    m = draw(st.integers(1, max_actions))
    n = draw(st.integers(1, max_actions))
    values = st.integers(low, high)
    A = draw(st.lists(st.lists(values, min_size=n, max_size=n), min_size=m, max_size=m))
    B = draw(st.lists(st.lists(values, min_size=n, max_size=n), min_size=m, max_size=m))
    return NormalFormGame.bimatrix(A, B)


def bimatrix_batches(max_batch: int = 6, max_actions: int = 5, elements=None):
    """Batches of 1 to ``max_batch`` bimatrix games of one size, entries drawn by hypothesis
    from ``elements`` (default: 32-bit floats in [-10, 10])."""
    if elements is None:
        elements = st.floats(-10, 10, allow_nan=False, width=32)

    @st.composite
    def build(draw):
        g = draw(st.integers(1, max_batch))
        m = draw(st.integers(1, max_actions))
        n = draw(st.integers(1, max_actions))
        payoffs = draw(arrays(np.float64, (g, 2, m, n), elements=elements))
        return NormalFormGame(payoffs, n_players=2)

    return build()


@st.composite
def normal_form_games(
    draw,
    min_players: int = 2,
    max_players: int = 3,
    max_actions: int = 3,
    batch_shapes=((), (3,)),
    integer: bool | None = None,
):
    """An N-player normal-form game (or batch): normal payoffs from a drawn seed, or small
    integers (ties) when ``integer`` (drawn when None)."""
    n = draw(st.integers(min_players, max_players))
    actions = tuple(draw(st.integers(1, max_actions)) for _ in range(n))
    batch = tuple(draw(st.sampled_from(list(batch_shapes))))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    integer = draw(st.booleans()) if integer is None else integer
    shape = (*batch, n, *actions)
    payoffs = rng.integers(-2, 3, size=shape).astype(float) if integer else rng.normal(size=shape)
    return NormalFormGame(payoffs, n_players=n)


# ------------------------------------------------------------------ trees, stochastic games
def trees(**arguments):
    """Random trees (:func:`~irgames.games.tree_generators.random_tree`).

    Each keyword is an argument of ``random_tree``, given as a strategy or a fixed value; the
    defaults draw ``max_depth`` in 1..3, ``max_branching`` in 2..3, ``n_players`` in 1..2,
    ``batch_shape`` ``()`` or ``(2,)``, ``p_terminal`` in [0.1, 0.5], ``p_chance`` 0 or 0.2,
    ``integer_payoffs`` (ties) or not, and ``p_merge`` 0 (perfect information; above 0,
    information sets of several nodes, with perfect recall).
    """
    strategies = {
        "max_depth": st.integers(1, 3),
        "max_branching": st.integers(2, 3),
        "n_players": st.integers(1, 2),
        "batch_shape": st.sampled_from([(), (2,)]),
        "p_terminal": st.floats(0.1, 0.5),
        "p_chance": st.sampled_from([0.0, 0.2]),
        "p_merge": st.just(0.0),
        "integer_payoffs": st.booleans(),
    }
    unknown = sorted(set(arguments) - set(strategies) - {"dyadic_chance"})
    if unknown:
        # builtin: Python's convention for an unexpected keyword argument
        raise TypeError(f"trees() got unknown arguments {unknown}; known: {sorted(strategies)}")
    for name, value in arguments.items():
        strategies[name] = value if isinstance(value, st.SearchStrategy) else st.just(value)
    return st.builds(random_tree, seed=st.integers(0, 2**32 - 1), **strategies)


@st.composite
def stochastic_games(draw, max_batch: int = 6, max_states: int = 3, actions=(2, 2), delta=None):
    r"""A batch of random stochastic games: normal payoffs, and transitions
    :math:`q(\cdot \mid s, a)` drawn from the cube of uniforms (so that some are nearly
    deterministic), with a discount factor drawn in [0.1, 0.95] unless given."""
    batch = draw(st.integers(1, max_batch))
    S = draw(st.integers(1, max_states))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = len(actions)
    payoffs = rng.normal(size=(batch, S, n, *actions))
    q = rng.random((batch, S, *actions, S)) ** 3 + 1e-12
    q /= q.sum(axis=-1, keepdims=True)
    d = draw(st.floats(0.1, 0.95)) if delta is None else delta
    return StochasticGame(payoffs, q, d)


# ------------------------------------------------------------------ parameter spaces
@st.composite
def parameters(draw, name: str = "p"):
    """A random :class:`~irgames.analysis.parameters.Parameter`: bounds, openness, integer
    or real, linear or log scale."""
    integer = draw(st.booleans())
    log = draw(st.booleans()) and not integer
    low = draw(st.floats(0.01 if log else -100, 50, allow_nan=False))
    width = draw(st.floats(1.5 if integer else 1e-3, 100, allow_nan=False))
    high = low + width
    closed = (draw(st.booleans()), draw(st.booleans()))
    default = (math.ceil(low) + 1) if integer else 0.5 * (low + high)
    if integer and default > math.floor(high) - (0 if closed[1] else 1):
        default = math.ceil(low) if closed[0] else math.floor(low) + 1
    return Parameter(
        name,
        low,
        high,
        default=default,
        closed=closed,
        integer=integer,
        scale="log" if log else "linear",
    )


@st.composite
def parameter_spaces(draw, max_parameters: int = 3):
    """Spaces of 1 to ``max_parameters`` random parameters ``p0, p1, ...``, sometimes with an
    ordering constraint (one the defaults satisfy)."""
    k = draw(st.integers(1, max_parameters))
    params = [draw(parameters(f"p{i}")) for i in range(k)]
    constraints = []
    if k >= 2 and draw(st.booleans()):
        d0, d1 = params[0].default, params[1].default
        constraints.append(
            Constraint("p0 - d0 <= p1 - d1", lambda p, d0=d0, d1=d1: p["p0"] - d0 <= p["p1"] - d1)
        )
    return ParameterSpace(params, constraints)


# ------------------------------------------------------------------ equilibria
def assert_equilibria(
    game: NormalFormGame,
    eq,
    tol: float = 1e-9,
    *,
    support: bool = False,
    simplex_atol: float = 1e-12,
    unit: str = "player",
) -> None:
    r"""Assert that every row of a normal-form result is an equilibrium of its game.

    Parameters
    ----------
    game : NormalFormGame
        The games solved (any batch shape).
    eq : Equilibria
        One row per equilibrium: ``eq.strategies[i]`` of shape ``(rows, n_i)`` and
        ``eq.game_index`` (flat index of the row's game in the batch).
    tol : float
        Each player's regret must be at most ``tol`` :math:`\cdot s_i`, in its own payoff unit
        :math:`s_i` (:attr:`NormalFormGame.payoff_units`); regret is computed by
        :func:`irgames.regret`, independently of the solver.
    support : bool
        Also require every action played (probability above ``1e-12``) to be a best
        response within ``tol`` :math:`\cdot s_i`.
    simplex_atol : float
        Each strategy must be non-negative and sum to one within this tolerance.
    unit : {"player", "game"}
        ``"player"`` (the house's notion): player :math:`i`'s regret in its own unit
        :math:`s_i`. ``"game"``: in the game's :attr:`~NormalFormGame.payoff_scale`
        :math:`\max_j s_j`, the weaker test that solvers met before their tolerances were
        per player.

    Notes
    -----
    A result that reports its own regret (``max_relative_regret``) must report at most
    ``tol`` too.
    """
    flat = game.flatten()
    index = np.asarray(eq.game_index, dtype=np.int64)
    for i, s in enumerate(eq.strategies):
        s = np.asarray(s, dtype=float)
        assert np.all(s >= -simplex_atol), f"player {i} has a negative probability"
        np.testing.assert_allclose(
            s.sum(axis=-1), 1.0, rtol=0, atol=simplex_atol, err_msg=f"player {i}'s sums"
        )
    if unit not in ("player", "game"):
        raise SolverError(f"unit must be 'player' or 'game', got {unit!r}")
    reported = getattr(eq, "max_relative_regret", None)
    if reported is not None:
        assert float(reported) <= tol, f"the result reports a relative regret {reported:.3g}"
    if index.size == 0:
        return
    rows = NormalFormGame(flat.payoffs[index], n_players=game.n_players)
    units = rows.payoff_units  # (rows, n_players)
    if unit == "game":
        units = np.broadcast_to(units.max(axis=-1, keepdims=True), units.shape)
    relative = regret(rows, eq.strategies) / units
    worst = float(relative.max()) if relative.size else 0.0
    assert worst <= tol, f"relative regret {worst:.3g} > {tol:g} (row, player) " + str(
        np.unravel_index(int(np.argmax(relative)), relative.shape) if relative.size else ()
    )
    if support:
        for i in range(game.n_players):
            values = action_values(rows, eq.strategies, i)
            best = values.max(axis=-1, keepdims=True)
            played = np.asarray(eq.strategies[i]) > 1e-12
            slack = tol * units[:, i : i + 1]
            short = np.broadcast_to(best - slack, values.shape)
            assert np.all(values[played] >= short[played]), (
                f"player {i} plays an action that is not a best response"
            )


# ------------------------------------------------------------------ subgame perfection
def subgame_roots_by_definition(game: ExtensiveFormGame) -> list[int]:
    """The roots of the proper subgames, from the definition (by sets of nodes): a decision
    node alone in its information set, or a chance node, whose subtree contains every
    information set it meets. Independent of :func:`irgames.solvers.subgame_perfect.
    subgame_roots`, which the tests compare with it."""
    roots = []
    for v in range(game.n_nodes):
        if game.mover[v] == TERMINAL:
            continue
        if game.mover[v] >= 0 and np.sum(game.infoset == game.infoset[v]) != 1:
            continue
        inside = set(game.subtree_nodes(v).tolist())
        ok = True
        for u in inside:
            if game.mover[u] >= 0:
                members = set(np.flatnonzero(game.infoset == game.infoset[u]).tolist())
                ok = ok and members <= inside
        if ok:
            roots.append(v)
    return roots


def _subgame(game: ExtensiveFormGame, root: int, index):
    """The subgame at ``root`` of the game at batch ``index``, and the map of its information
    sets to the game's."""
    nodes = game.subtree_nodes(root)
    position = {int(v): j for j, v in enumerate(nodes)}
    parent = [-1] + [position[int(game.parent[v])] for v in nodes[1:]]
    infoset = [int(game.infoset[v]) for v in nodes]
    terminals = [int(game.terminal_index[v]) for v in nodes if game.mover[v] == TERMINAL]
    chance = [int(game.chance_index[v]) for v in nodes if game.mover[v] == -1]
    probs = None
    if chance:
        width = max(int(game.num_children[v]) for v in nodes if game.mover[v] == -1)
        probs = game.chance_probs[index][chance][:, :width]
    sub = ExtensiveFormGame(
        game.players,
        parent,
        [int(game.mover[v]) for v in nodes],
        infoset=infoset,
        action_labels=[game.action_labels[v] for v in nodes],
        payoffs=game.payoffs[index][terminals],
        chance_probs=probs,
    )
    # the constructor numbers information sets by first appearance
    mapping = {}
    for j, v in enumerate(nodes):
        if sub.infoset[j] >= 0:
            mapping[int(sub.infoset[j])] = int(game.infoset[v])
    return sub, mapping


def _mixed_from_behaviour(reduced, behaviour, mapping) -> list[np.ndarray]:
    r"""Realisation-equivalent mixed plans: :math:`\sigma(s) = \prod_h \beta(s(h) \mid h)`
    over the information sets a plan assigns."""
    out = []
    for h_list, plans in zip(reduced.infosets, reduced.plans, strict=True):
        sigma = np.ones(plans.shape[0])
        for j, h in enumerate(h_list):
            assigned = plans[:, j] >= 0
            sigma[assigned] *= behaviour[mapping[int(h)], plans[assigned, j]]
        out.append(sigma)
    return out


def assert_subgame_perfect(game: ExtensiveFormGame, result, tol: float = 1e-7) -> None:
    r"""Assert that every row of a tree result is a Nash equilibrium of every subgame.

    Parameters
    ----------
    game : ExtensiveFormGame
        The (bound) games solved.
    result
        One row per equilibrium: ``result.behavior`` of shape ``(rows, n_infosets,
        max_actions)`` and ``result.game_index`` (flat index into the batch), as
        :func:`~irgames.solvers.subgame_perfect.subgame_perfect` returns.
    tol : float
        In every subgame (found by :func:`subgame_roots_by_definition`), the realisation-
        equivalent mixed profile of the subgame's reduced normal form must leave player
        :math:`i` a regret of at most ``tol`` :math:`\cdot s_i`, :math:`s_i` the range of
        :math:`i`'s payoffs over the tree's terminals (1 if constant). Each information set's
        behaviour must sum to one.
    """
    roots = subgame_roots_by_definition(game)
    shape = game.batch_shape
    for row in range(len(result)):
        index = np.unravel_index(int(result.game_index[row]), shape) if shape else ()
        payoffs = np.asarray(game.payoffs[index], dtype=float)  # (terminals, players)
        spread = payoffs.max(axis=0) - payoffs.min(axis=0)
        units = np.where(spread > 0, spread, 1.0)
        for r in roots:
            sub, mapping = _subgame(game, r, index)
            reduced = reduced_normal_form(sub)
            sigma = _mixed_from_behaviour(reduced, result.behavior[row], mapping)
            gain = regret(reduced.game, sigma) / units
            assert gain.max() <= tol, (
                f"row {row}: relative regret {gain.max():.3g} > {tol:g} in the subgame at node {r}"
            )
        for h in range(game.n_infosets):
            k = int(game.num_children[game.infoset_nodes_first[h]])
            total = result.behavior[row, h, :k].sum()
            assert abs(total - 1) <= 1e-9, f"row {row}: behaviour at infoset {h} sums to {total}"


# ------------------------------------------------------------------ claims
class ClaimFailure(IrgamesError, AssertionError):
    """A claim of a model failed; the message gives the counterexample."""


def _message(result: ClaimCheck, claim: Claim) -> str:
    if result.n_conditioned == 0:
        return (
            f"claim {result.model}.{result.claim} was never conditioned: no checked point "
            f"satisfies its condition ({result.n_points} points)"
        )
    point = ", ".join(f"{k}={v:.10g}" for k, v in (result.counterexample or {}).items())
    note = f"; {result.note}" if result.note else ""
    return (
        f"claim {result.model}.{result.claim} fails: {claim.statement!r} "
        f"(quote: {claim.quote!r}, {claim.source}); held on {result.share:.4f} of "
        f"{result.n_conditioned} points; counterexample: {point or 'none'}{note}"
    )


def assert_claim(
    model: Model, claim: Claim | str, *, n: int = 1000, seed: int = 0, **kwargs
) -> ClaimCheck:
    """Check a claim and raise :class:`ClaimFailure` (with a counterexample) if it fails."""
    if isinstance(claim, str):
        claim = find_claim(model, claim)
    result = check(model, claim, n=n, seed=seed, **kwargs)
    if not result.holds:
        raise ClaimFailure(_message(result, claim))
    return result


def claim_test(
    model: Model,
    claim: Claim | str,
    *,
    n: int = 200,
    mode: str = "batch",
    shrink: bool = True,
) -> Callable[[], None]:
    """A hypothesis-driven test function for one claim (see the module docstring).

    ``shrink=False`` turns off hypothesis's shrinking of a failing point (``mode="points"``);
    in batch mode the seed is never shrunk (the counterexample is shrunk by ``check``).
    """
    if isinstance(claim, str):
        claim = find_claim(model, claim)
    if mode not in ("batch", "points"):
        raise ModelError(f"mode must be 'batch' or 'points', got {mode!r}")
    if mode == "points" and claim.kind == "aggregate":
        raise ModelError(f"claim {claim.name!r} is aggregate: test it in batch mode")

    if mode == "batch":
        # shrinking a seed says nothing; check() shrinks the counterexample itself
        @settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])
        @given(st.integers(0, 2**32 - 1))
        def test(seed: int) -> None:
            result = check(
                model,
                claim,
                n=n,
                seed=seed,
                shrink=False,
                use_hypothesis=False,
                segments=min(n, 25),
            )
            if not result.holds:
                result = check(model, claim, n=n, seed=seed, use_hypothesis=False)
                raise ClaimFailure(_message(result, claim))

    else:
        phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else [])

        @settings(
            suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
            phases=phases,
        )
        @given(model.space.strategy())
        def test(point: dict) -> None:
            arrays = {k: np.asarray([v], dtype=float) for k, v in point.items()}
            cond, holds = claim.evaluate(model, arrays)
            assume(bool(cond[0]))
            if not bool(holds.reshape(-1)[0]):
                raise ClaimFailure(
                    f"claim {model.name}.{claim.name} fails: {claim.statement!r} "
                    f"(quote: {claim.quote!r}, {claim.source}) at {point}"
                )

    test.__name__ = f"test_{model.name}_{claim.name}"
    test.__doc__ = f"{model.name}: {claim.statement}"
    return test


def claim_cases(models: Iterable[Model] | None = None) -> list:
    """``pytest.param(model, claim, id="model-claim")`` for every claim of the models
    (every registered model when None)."""
    import pytest

    if models is None:
        import irgames  # the registry of irgames.models, looked up lazily

        models = list(irgames.all_models().values())
    return [pytest.param(m, c, id=f"{m.name}-{c.name}") for m in models for c in m.claims]


class ClosedFormMismatch(IrgamesError, AssertionError):
    """A model's outcome differs from its closed form; the message gives the worst point."""


def assert_closed_form(
    model: Model,
    outcome: str,
    expr,
    *,
    given=None,
    n: int = 500,
    seed: int = 0,
    rtol: float = 1e-9,
) -> int:
    r"""Check that ``outcome`` equals the closed form ``expr`` at ``n`` random points.

    Parameters
    ----------
    expr : sympy expression
        In the names of the model's parameters.
    given : callable, optional
        ``given(params) -> bool array``: where the closed form applies (e.g. a regime).
    rtol : float
        Tolerance relative to the scale of the outcome (its largest magnitude over the points,
        at least 1): ``|model - closed form| <= rtol * scale``.

    Returns
    -------
    int
        The number of points compared (an error if none).
    """

    points = model.space.sample(n, seed)
    if given is not None:
        keep = np.broadcast_to(np.asarray(given(points), dtype=bool), (n,))
        points = {k: v[keep] for k, v in points.items()}
    m = next(iter(points.values())).size if points else 0
    if m == 0:
        raise ClosedFormMismatch(f"no point of {model.name!r} satisfies the condition")
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in model.space)
    if unknown:
        raise ParameterError(f"the closed form uses symbols that are not parameters: {unknown}")
    f = numeric_function(expr, model.space.names)
    with np.errstate(all="ignore"):
        exact = np.broadcast_to(np.asarray(f(*(points[k] for k in model.space.names)), float), (m,))
    got = np.asarray(model.evaluate(points).scalar(outcome), dtype=float)
    scale = max(float(np.nanmax(np.abs(exact))) if np.isfinite(exact).any() else 0.0, 1.0)
    err = np.abs(got - exact)
    bad = ~(err <= rtol * scale)  # NaN counts as a mismatch
    if bad.any():
        i = int(np.argmax(np.where(bad, np.nan_to_num(err, nan=np.inf), -1.0)))
        point = ", ".join(f"{k}={v[i]:.10g}" for k, v in points.items())
        raise ClosedFormMismatch(
            f"{model.name}.{outcome} differs from {expr} at {int(bad.sum())} of {m} points; "
            f"worst at {point}: model {got[i]!r}, closed form {exact[i]!r}"
        )
    return m
