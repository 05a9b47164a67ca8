"""irgames: theories of international relations as formal games, solved in batches.

Every game type holds arrays with a leading batch shape and every solver solves the whole
batch in one call. ``import irgames as ig`` gives the public names of every layer:

- games: :class:`NormalFormGame`, :class:`ExtensiveFormGame` (built with :class:`TreeBuilder`),
  :class:`SignallingGame`, :class:`RepeatedGame`, :class:`StochasticGame`,
  :class:`AnonymousBinaryGame`, and :func:`regret`, the definition of equilibrium every solver's
  output is checked against;
- solvers: :func:`solve` (the front door for every game type: it dispatches on the game's
  type and chooses a method; :mod:`irgames.solvers` catalogues every algorithm and result
  type by family, and every result shares :class:`Result`), the normal-form solvers
  (:func:`pure_equilibria`,
  :func:`two_by_two`, :func:`zero_sum`, :func:`support_enumeration`,
  :func:`vertex_enumeration`, :func:`lemke_howson`, :func:`exact_equilibria`, ...), trees
  (:func:`backward_induction`, :func:`subgame_perfect`, :func:`symbolic_backward_induction`,
  :func:`perfect_bayesian_equilibria`), quantal response, repeated and stochastic games,
  bargaining, collective action, global games, wars of attrition and persuasion;
- analysis: :class:`ParameterSpace`, :class:`Model`, :class:`Claim`, :class:`Figure`,
  :func:`sweep`, :func:`check` and the comparative statics;
- io: Gambit's ``.nfg`` and ``.efg`` formats and converters to nashpy and pygambit;
- :mod:`irgames.errors` (the package's exceptions) and :mod:`irgames.testing` (hypothesis
  strategies and regret-based assertions; imported on first use, it needs hypothesis).

The algorithm names at the top level are aliases of the functions in :mod:`irgames.solvers`.

The submodules (``irgames.solvers.vertex_enumeration`` and so on) hold the mathematics in their
docstrings; the theories live in ``irgames.models``, whose registry :func:`all_models` and
:func:`get_model` are looked up lazily (``import irgames`` imports no model).

>>> import irgames as ig
>>> game = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> game
NormalFormGame(n_players=2, num_actions=(2, 2), batch_shape=())
>>> ig.support_enumeration(game).strategies[0][0]
array([0., 1.])
"""

from . import dynamics, errors, io, solvers
from .analysis.claims import Claim, ClaimsReport, check, claims_report
from .analysis.model import Figure, Model, Outcome
from .analysis.parameters import (
    Constraint,
    Grid,
    Parameter,
    ParameterError,
    ParameterSpace,
    Range,
)
from .analysis.selection import follow_branches, regime_map
from .analysis.statics import derivative, elasticity, monotone, sign_under
from .analysis.sweep import SweepFile, SweepResult, sweep
from .estimation import estimate, simulate
from .games.anonymous import AnonymousBinaryGame
from .games.extensive_form import CHANCE, TERMINAL, ExtensiveFormGame, TreeBuilder
from .games.normal_form import GameValueError, NormalFormGame
from .games.reduced_form import agent_form, reduced_normal_form
from .games.regret import action_values, expected_payoffs, payoffs_and_regret, regret
from .games.repeat import repeat
from .games.repeated import RepeatedGame, StochasticGame
from .games.signalling import SignallingGame, pbe_regret, screening_tree
from .io.convert import from_nashpy, from_pygambit, to_nashpy, to_pygambit
from .io.efg import EFGParseError, read_efg, write_efg
from .io.nfg import NFGParseError, read_nfg, write_nfg
from .solvers.anonymous import symmetric_equilibria
from .solvers.attrition import attrition_equilibrium, threshold_attrition
from .solvers.backward_induction import backward_induction
from .solvers.bargaining import bargaining_range, rubinstein
from .solvers.dominance import iterated_dominance
from .solvers.equilibria import Equilibria
from .solvers.exact import certify, exact_equilibria, exact_regret
from .solvers.front import OptionWarning, solve
from .solvers.global_games import regime_change_cutoffs
from .solvers.lemke_howson import lemke_howson, lemke_howson_all_labels
from .solvers.minmax import minmax_values
from .solvers.n_player import logit_homotopy, polynomial_support_enumeration
from .solvers.pbe import perfect_bayesian_equilibria, pure_pbe
from .solvers.persuasion import persuade, persuade_binary, persuade_public
from .solvers.pure import pure_equilibria
from .solvers.qre import agent_logit_qre, agent_probit_qre, logit_qre, logit_qre_path
from .solvers.repeated import (
    agent_specific_punishment,
    equilibrium_payoffs,
    feasible_payoffs,
    forgiving_trigger,
    grim_trigger,
    linked,
    minmax_punishment,
    nash_reversion,
)
from .solvers.result import Result
from .solvers.sequence_form import sequence_form_lcp, sequence_form_lp
from .solvers.sequential import SequentialEquilibria, sequential_equilibria
from .solvers.stackelberg import StackelbergResult, stackelberg
from .solvers.stochastic import markov_perfect_equilibria, policy_iteration, value_iteration
from .solvers.subgame_perfect import subgame_perfect
from .solvers.support_enumeration import is_degenerate, support_enumeration
from .solvers.symbolic import symbolic_backward_induction
from .solvers.two_by_two import two_by_two
from .solvers.vertex_enumeration import vertex_enumeration
from .solvers.zero_sum import zero_sum

__version__ = "0.1.0"

#: Names served by :mod:`irgames.models` (the registry), imported on first use.
_REGISTRY = ("all_models", "get_model")


def __getattr__(name: str):
    """``all_models`` and ``get_model`` from :mod:`irgames.models`, and :mod:`irgames.testing`
    (which imports hypothesis), imported on first use."""
    if name in _REGISTRY:
        from . import models

        return getattr(models, name)
    if name == "testing":
        import importlib

        return importlib.import_module(".testing", __name__)
    # builtin: Python's module __getattr__ protocol
    raise AttributeError(f"module 'irgames' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_REGISTRY, "testing"})


__all__ = [
    "CHANCE",
    "TERMINAL",
    "AnonymousBinaryGame",
    "Claim",
    "ClaimsReport",
    "Constraint",
    "EFGParseError",
    "Equilibria",
    "ExtensiveFormGame",
    "Figure",
    "GameValueError",
    "Grid",
    "Model",
    "NFGParseError",
    "NormalFormGame",
    "OptionWarning",
    "Outcome",
    "Parameter",
    "ParameterError",
    "ParameterSpace",
    "Range",
    "RepeatedGame",
    "Result",
    "SequentialEquilibria",
    "SignallingGame",
    "StackelbergResult",
    "StochasticGame",
    "SweepFile",
    "SweepResult",
    "TreeBuilder",
    "__version__",
    "action_values",
    "agent_form",
    "agent_logit_qre",
    "agent_probit_qre",
    "agent_specific_punishment",
    "all_models",
    "attrition_equilibrium",
    "backward_induction",
    "bargaining_range",
    "certify",
    "check",
    "claims_report",
    "derivative",
    "dynamics",
    "elasticity",
    "equilibrium_payoffs",
    "errors",
    "estimate",
    "exact_equilibria",
    "exact_regret",
    "expected_payoffs",
    "feasible_payoffs",
    "follow_branches",
    "forgiving_trigger",
    "from_nashpy",
    "from_pygambit",
    "get_model",
    "grim_trigger",
    "io",
    "is_degenerate",
    "iterated_dominance",
    "lemke_howson",
    "lemke_howson_all_labels",
    "linked",
    "logit_homotopy",
    "logit_qre",
    "logit_qre_path",
    "markov_perfect_equilibria",
    "minmax_punishment",
    "minmax_values",
    "monotone",
    "nash_reversion",
    "payoffs_and_regret",
    "pbe_regret",
    "perfect_bayesian_equilibria",
    "persuade",
    "persuade_binary",
    "persuade_public",
    "policy_iteration",
    "polynomial_support_enumeration",
    "pure_equilibria",
    "pure_pbe",
    "read_efg",
    "read_nfg",
    "reduced_normal_form",
    "regime_change_cutoffs",
    "regime_map",
    "regret",
    "repeat",
    "rubinstein",
    "screening_tree",
    "sequence_form_lcp",
    "sequence_form_lp",
    "sequential_equilibria",
    "sign_under",
    "simulate",
    "solve",
    "solvers",
    "stackelberg",
    "subgame_perfect",
    "support_enumeration",
    "sweep",
    "symbolic_backward_induction",
    "symmetric_equilibria",
    "testing",
    "threshold_attrition",
    "to_nashpy",
    "to_pygambit",
    "two_by_two",
    "value_iteration",
    "vertex_enumeration",
    "write_efg",
    "write_nfg",
    "zero_sum",
]
