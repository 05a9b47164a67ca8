"""The solver contract: one front door for every game type, one result base, one ``tol``.

Every equilibrium a front-door result returns is checked here by a regret computed without
the solver (``irgames.games.regret``, the tree's forward pass, ``pbe_regret``,
``markov_regret``, the anonymous game's own profile regret), in each player's payoff unit.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import irgames as ig
import irgames.solvers as solvers
from irgames.dynamics import MoranResult, RestPoints, Trajectory
from irgames.games.regret import regret as nf_regret
from irgames.games.tree_generators import random_tree
from irgames.solvers.front import (
    METHODS,
    METHODS_BY_TYPE,
    TREE_METHODS,
    OptionWarning,
    method_options,
    solve,
)
from irgames.solvers.result import FIELDS, LAYOUTS, Result
from irgames.testing import trees

# ---------------------------------------------------------------------------- instances


def _normal_form():
    rng = np.random.default_rng(0)
    return ig.NormalFormGame.bimatrix(rng.normal(size=(4, 3, 3)), rng.normal(size=(4, 3, 3)))


def _perfect_information_tree():
    return random_tree(3, batch_shape=(4,), p_chance=0.3, n_players=3, integer_payoffs=True)


def _imperfect_information_tree():
    for seed in range(100):
        game = random_tree(seed, batch_shape=(3,), p_merge=0.6, n_players=2)
        if not game.is_perfect_information:
            return game
    raise AssertionError("no imperfect-information tree drawn")


def _signalling():
    rng = np.random.default_rng(2)
    return ig.SignallingGame(
        [0.3, 0.7], rng.normal(size=(3, 2, 2, 2)), rng.normal(size=(3, 2, 2, 2))
    )


def _repeated():
    pd_ = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    return ig.RepeatedGame(pd_, [0.5, 0.9])


def _stochastic():
    rng = np.random.default_rng(3)
    q = rng.random((3, 2, 2, 2, 2)) ** 3
    q /= q.sum(axis=-1, keepdims=True)
    return ig.StochasticGame(rng.normal(size=(3, 2, 2, 2, 2)), q, 0.8)


def _anonymous():
    rng = np.random.default_rng(4)
    return ig.AnonymousBinaryGame(rng.normal(size=(5, 6)), rng.normal(size=(5, 6)))


GAMES = {
    "normal form": _normal_form,
    "perfect-information tree": _perfect_information_tree,
    "imperfect-information tree": _imperfect_information_tree,
    "signalling": _signalling,
    "repeated": _repeated,
    "stochastic": _stochastic,
    "anonymous": _anonymous,
}


def _tree_units(game) -> np.ndarray:
    pay = np.asarray(game.payoffs).reshape(game.batch_size, -1, game.n_players)
    span = pay.max(axis=1) - pay.min(axis=1)
    return np.where(span > 0, span, 1.0)


def _independent_relative_regret(game, result) -> np.ndarray:
    """Each returned equilibrium's regret, recomputed without the solver, per player unit."""
    if isinstance(game, ig.NormalFormGame) or isinstance(game, ig.RepeatedGame):
        stage = game if isinstance(game, ig.NormalFormGame) else None
        if stage is None:
            stage = ig.NormalFormGame(game.stage_payoffs(), n_players=game.n_players)
        flat = stage.flatten()
        rows = ig.NormalFormGame(flat.payoffs[result.game_index], n_players=stage.n_players)
        return (nf_regret(rows, result.strategies) / rows.payoff_units).max(axis=-1)
    if isinstance(game, ig.ExtensiveFormGame):
        # the results' regret comes from the tree's own forward pass (tree_regret), which
        # shares no code with backward induction or subgame perfection
        units = _tree_units(game)
        if result.layout == "per_point":
            return (result.regret / units.reshape(*result.batch_shape, -1)).max(axis=-1)
        return (result.regret / units[result.game_index]).max(axis=-1)
    if isinstance(game, ig.SignallingGame):
        rows = game.flatten()[result.game_index]
        reg = ig.pbe_regret(rows, result.sender, result.receiver, result.beliefs)
        units = result.units
        sender = reg.sender.max(axis=-1) / units[:, 0]
        receiver = reg.receiver.max(axis=-1) / units[:, 1]
        np.testing.assert_allclose(
            np.stack([reg.sender.max(-1), reg.receiver.max(-1)], -1), result.regret, atol=1e-12
        )
        return np.maximum(sender, receiver)
    if isinstance(game, ig.StochasticGame):
        from irgames.solvers.stochastic import markov_regret

        reg, _ = markov_regret(game, result.strategies)
        return (reg / game.payoff_units[..., None, :]).max(axis=(-2, -1))
    if isinstance(game, ig.AnonymousBinaryGame):
        flat = game.flatten()
        p = result.probability
        own = ig.AnonymousBinaryGame(
            flat.payoff_act[result.game_index], flat.payoff_not[result.game_index]
        )
        return own.symmetric_regret(p) / flat.payoff_scale[result.game_index]
    raise AssertionError(type(game))


@pytest.mark.parametrize("kind", list(GAMES))
def test_solve_on_every_game_type_gives_method_and_regret_on_every_equilibrium(kind):
    game = GAMES[kind]()
    result = solve(game)
    assert isinstance(result, Result)
    assert isinstance(result.method, str) and result.method
    assert result.layout in LAYOUTS
    assert result.regret is not None
    regret = np.asarray(result.regret)
    if result.layout == "per_equilibrium":
        assert regret.shape[0] == len(result.game_index)
    else:
        assert regret.shape[: len(result.batch_shape)] == tuple(result.batch_shape)
    assert np.all(np.isfinite(regret)) and np.all(regret >= 0)
    assert np.all(_independent_relative_regret(game, result) <= 1e-7)
    assert isinstance(result.to_pandas(), pd.DataFrame)


def test_solve_of_a_perfect_information_tree_is_backward_induction():
    game = _perfect_information_tree()
    a, b = solve(game), ig.backward_induction(game)
    assert a.method == b.method == "backward_induction"
    for name in ("choice", "values", "reach", "payoffs", "tied", "ties", "regret"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = solve(game, ties="enumerate")
    d = ig.backward_induction(game, ties="enumerate")
    np.testing.assert_array_equal(c.enumerated.choice, d.enumerated.choice)
    np.testing.assert_array_equal(c.enumerated.count, d.enumerated.count)


def test_solve_of_an_imperfect_information_tree_is_subgame_perfection():
    game = _imperfect_information_tree()
    a, b = solve(game), ig.subgame_perfect(game)
    assert a.method == b.method == "subgame_perfect"
    for name in ("game_index", "behavior", "payoffs", "count", "degenerate", "regret"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_sequence_form_methods_are_reachable_through_solve():
    game = random_tree(5, batch_shape=(3,), p_merge=0.5, n_players=2)
    a = solve(game, method="sequence_form_lcp")
    b = ig.sequence_form_lcp(game)
    np.testing.assert_array_equal(a.behavior, b.behavior)
    assert a.layout == "per_equilibrium"


def test_the_tree_regret_sees_a_bad_profile():
    """The regret the tree results carry is not identically zero: flipping the root's choice
    of a tree whose root mover strictly prefers one action gives her a positive regret."""
    builder = ig.TreeBuilder(["A", "B"])
    root = builder.decision("A", {"x": builder.terminal(1, 0), "y": builder.terminal(0, 1)})
    game = builder.build(root)
    spe = ig.backward_induction(game)
    assert spe.regret.tolist() == [0.0, 0.0]
    flipped = dataclasses.replace(spe, choice=np.where(spe.choice >= 0, 1 - spe.choice, -1))
    assert flipped.regret.tolist() == [1.0, 0.0]


def test_qre_regret_is_the_nash_regret_of_the_qre_profile():
    game = _perfect_information_tree()
    low, high = ig.agent_logit_qre(game, 0.1), ig.agent_logit_qre(game, 1e4)
    units = _tree_units(game)
    assert np.all(low.regret.max(axis=-1) > 0)  # a noisy profile is no Nash equilibrium
    assert np.all((high.regret / units).max(axis=-1) < 1e-3)  # it approaches one
    nf = _normal_form()
    q = ig.logit_qre(nf, 1.0)
    np.testing.assert_allclose(q.regret, nf_regret(nf, q.strategies).max(axis=-1))


@pytest.mark.parametrize(
    ("kind", "table"), [(k.__name__, t) for k, (t, _) in METHODS_BY_TYPE.items()]
)
def test_every_method_table_maps_names_to_documented_callables(kind, table):
    assert table, kind
    for name, func in table.items():
        assert callable(func), name
        assert inspect.getdoc(func), name


@pytest.mark.parametrize("method", sorted(TREE_METHODS))
def test_every_tree_method_answers_through_solve(method):
    game = random_tree(7, batch_shape=(2,), n_players=2)
    if method == "sequential_equilibria":  # enumerates every pure profile: a small tree
        game = random_tree(7, batch_shape=(2,), n_players=2, max_depth=3, max_branching=2)
    if method == "sequence_form_lp":  # zero-sum trees only
        pay = np.array(game.payoffs)
        pay[..., 1] = -pay[..., 0]
        game = game.with_payoffs(pay)
    options = {"lam": 2.0} if "qre" in method else {}
    result = solve(game, method=method, **options)
    assert isinstance(result, Result) and result.method
    assert result.regret is not None


def test_unknown_options_are_named_and_ignored():
    game = _normal_form()
    with pytest.warns(OptionWarning, match=r"'max_pivots'.*its options: tol"):
        eq = solve(game, method="pure", max_pivots=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = solve(game, method="pure")
    np.testing.assert_array_equal(eq.game_index, same.game_index)
    assert method_options(METHODS["exact"]) == ("max_denominator",)
    with pytest.warns(OptionWarning, match="'tol'"):
        solve(ig.NormalFormGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]]), "exact", tol=1e-9)


def test_solve_refuses_what_is_not_a_game_and_names_the_methods():
    with pytest.raises(ig.GameValueError, match="solve needs a game"):
        solve(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="backward_induction"):
        solve(_perfect_information_tree(), method="lemke_howson")


# ---------------------------------------------------------------------------- the base

#: Dataclasses in the solvers' and dynamics' ``__all__`` that are parts of results, not results.
PARTS = {"Regime", "Clique"}

MODULES = [
    *(
        f"irgames.solvers.{m.name}"
        for m in __import__("pkgutil").iter_modules(solvers.__path__)
        if not m.name.startswith("_")
    ),
    "irgames.dynamics",
]


def _public_result_types() -> list[type]:
    found = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and attr not in PARTS:
                found[obj.__qualname__] = obj
    return list(found.values())


def test_the_introspection_finds_the_result_types():
    names = {cls.__name__ for cls in _public_result_types()}
    assert {"Equilibria", "SubgamePerfect", "AgentQRE", "Trajectory", "RestPoints"} <= names
    assert set(solvers.RESULT_TYPES) <= set(_public_result_types())


@pytest.mark.parametrize("cls", _public_result_types(), ids=lambda c: c.__name__)
def test_every_public_result_type_has_the_contract(cls):
    assert issubclass(cls, Result)
    assert cls.layout in LAYOUTS
    if cls.layout == "per_equilibrium":
        assert "game_index" in {f.name for f in dataclasses.fields(cls)}
    assert callable(cls.to_pandas)
    # tolerance is spelled tol: no field of the old name
    assert "tolerance" not in {f.name for f in dataclasses.fields(cls)}


def _instances():
    nf = _normal_form()
    pi = _perfect_information_tree()
    yield ig.pure_equilibria(nf)
    yield ig.zero_sum(ig.NormalFormGame.zero_sum([[1, -1], [-1, 1]]))
    yield ig.iterated_dominance(nf)
    yield ig.minmax_values(nf)
    yield ig.stackelberg(nf)
    yield ig.logit_qre(nf, 1.0)
    yield ig.logit_qre_path(nf, [0.5, 1.0])
    yield ig.backward_induction(pi)
    yield (
        ig.backward_induction(pi, ties="enumerate").enumerated
        or ig.backward_induction(
            random_tree(1, batch_shape=(3,), integer_payoffs=True), ties="enumerate"
        ).enumerated
    )
    yield ig.subgame_perfect(_imperfect_information_tree())
    yield ig.sequence_form_lcp(random_tree(5, batch_shape=(3,), n_players=2))
    yield ig.agent_logit_qre(pi, 1.0)
    yield ig.perfect_bayesian_equilibria(_signalling())
    yield solve(_repeated(), method="equilibrium_payoffs")
    yield ig.feasible_payoffs(_repeated().stage)
    yield ig.grim_trigger(_repeated().stage, (0, 0), ig.nash_reversion(_repeated().stage, (1, 1)))
    yield ig.value_iteration(_stochastic())
    yield ig.symmetric_equilibria(_anonymous())
    yield solvers.pure_equilibria_counts(_anonymous())
    yield ig.rubinstein(0.9, 0.8)
    yield ig.bargaining_range(0.5, 0.1, 0.2)
    hawk_dove = ig.NormalFormGame.bimatrix([[0, 3], [1, 2]], [[0, 1], [3, 2]])
    yield ig.dynamics.replicator(hawk_dove, [0.3, 0.7], [0.0, 1.0])
    yield ig.dynamics.rest_points(hawk_dove)


@pytest.mark.parametrize("result", list(_instances()), ids=lambda r: type(r).__name__)
def test_results_answer_the_contracts_names(result):
    for name in FIELDS:
        getattr(result, name)  # every name resolves (None where it does not apply)
    assert isinstance(result.method, str) and result.method
    assert result.tol is None or float(result.tol) >= 0
    assert hasattr(result.options, "keys")
    table = result.to_pandas()
    assert isinstance(table, pd.DataFrame)
    points = int(np.prod(result.batch_shape, dtype=np.int64)) if result.layout == "per_point" else 0
    if result.layout == "per_equilibrium":
        assert len(table) == len(result.game_index)
    elif isinstance(result, solvers.LogitQREPath):  # per point at each precision
        assert len(table) == len(result.lambdas) * points
    else:
        assert len(table) == points


def test_dynamics_results_share_the_base():
    assert issubclass(Trajectory, Result) and issubclass(RestPoints, Result)
    assert issubclass(MoranResult, Result)
    assert RestPoints.layout == "per_equilibrium"


# ---------------------------------------------------------------------------- tol


def _same(a, b) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
        elif isinstance(x, tuple) and x and isinstance(x[0], np.ndarray):
            for u, v in zip(x, y, strict=True):
                np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize(
    ("call", "tol"),
    [
        (lambda **k: ig.symmetric_equilibria(_anonymous(), **k), 1e-7),
        (lambda **k: solvers.pure_equilibria_counts(_anonymous(), **k), 1e-7),
        (lambda **k: ig.value_iteration(_stochastic(), **k), 1e-9),
        (lambda **k: ig.markov_perfect_equilibria(_stochastic(), **k).runs[0], 1e-9),
        (
            lambda **k: ig.policy_iteration(
                [[1.0, 0.0], [0.0, 2.0]], [[[1, 0], [0, 1]], [[1, 0], [0, 1]]], 0.9, **k
            ),
            1e-9,
        ),
        (
            lambda **k: ig.persuade(
                [[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [0.0, 0.0]], [0.6, 0.4], **k
            ),
            1e-8,
        ),
        (
            lambda **k: ig.persuade_binary(
                [[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [0.0, 0.0]], 0.4, **k
            ),
            1e-8,
        ),
        (lambda **k: ig.equilibrium_payoffs(_repeated(), directions=16, **k), 1e-8),
        (lambda **k: ig.backward_induction(_perfect_information_tree(), **k), 1e-6),
        (lambda **k: ig.subgame_perfect(_imperfect_information_tree(), **k), 1e-8),
        (lambda **k: solve(_normal_form(), **k), 1e-9),
    ],
)
def test_the_old_spelling_tolerance_warns_and_gives_the_same_result(call, tol):
    new = call(tol=tol)
    with pytest.warns(DeprecationWarning, match="'tolerance' is now 'tol'"):
        old = call(tolerance=tol)
    assert type(old) is type(new)
    _same(old, new)
    assert new.tol == tol
    if "tolerance" in dir(type(new)):
        with pytest.warns(DeprecationWarning, match=r"\.tolerance is now \.tol"):
            assert new.tolerance == tol


def test_both_spellings_at_once_are_refused():
    with pytest.raises(TypeError, match="both 'tol' and its old spelling"):
        ig.value_iteration(_stochastic(), tol=1e-9, tolerance=1e-9)


def test_payoff_polygon_methods_take_tol():
    V = ig.equilibrium_payoffs(_repeated(), directions=16)
    inside = V.contains([[3.0, 3.0], [3.0, 3.0]], tol=1e-9)
    with pytest.warns(DeprecationWarning):
        assert np.array_equal(V.contains([[3.0, 3.0], [3.0, 3.0]], tolerance=1e-9), inside)
    with pytest.warns(DeprecationWarning):
        old = V.extreme_points(1, tolerance=1e-6)
    np.testing.assert_array_equal(old, V.extreme_points(1, tol=1e-6))


# ---------------------------------------------------------------------------- property


@given(trees(p_merge=st.sampled_from([0.0, 0.5]), n_players=st.integers(1, 3)))
def test_solve_of_any_tree_is_the_right_solver_and_its_regret_is_zero(game):
    result = solve(game)
    if game.is_perfect_information:
        expected = ig.backward_induction(game)
        np.testing.assert_array_equal(result.choice, expected.choice)
        rows = result.regret.reshape(-1, game.n_players)
        units = _tree_units(game)
    else:
        expected = ig.subgame_perfect(game)
        np.testing.assert_array_equal(result.behavior, expected.behavior)
        rows = result.regret
        units = _tree_units(game)[result.game_index]
    assert result.method == expected.method
    np.testing.assert_array_equal(result.payoffs, expected.payoffs)
    assert np.all(rows / units <= 1e-9)
