r"""Solvers: one module per family of algorithms, each ``(game, *, tol=None, **options) -> result``.

The front door is :func:`solve`, which dispatches on the game's type and picks a sound method
(:mod:`irgames.solvers.front` holds its decision tables and the method tables that tests
parametrise over). Every result derives from :class:`Result` (:mod:`irgames.solvers.result`):
``method``, ``tol``, ``options``, ``complete`` / ``converged``, ``regret`` for every
equilibrium, ``layout`` and ``to_pandas()``.

Front door and contract
-----------------------
:func:`solve`, :data:`METHODS_BY_TYPE` (:data:`METHODS` for normal-form games,
:data:`TREE_METHODS`, :data:`SIGNALLING_METHODS`, :data:`REPEATED_METHODS`,
:data:`STOCHASTIC_METHODS`, :data:`ANONYMOUS_METHODS`), :class:`OptionWarning`,
:class:`Result`, :data:`DEFAULT_TOL`.

Normal-form games (result :class:`Equilibria`, one row per equilibrium)
-----------------------------------------------------------------------
- pure: :func:`pure_equilibria`, :func:`iterated_dominance` (:class:`DominanceResult`)
- two players, all equilibria: :func:`two_by_two`, :func:`support_enumeration`,
  :func:`vertex_enumeration`, :func:`exact_equilibria` (rational, with :func:`certify` and
  :func:`exact_regret`), :func:`zero_sum` (:class:`ZeroSumSolution`)
- two players, some equilibria: :func:`lemke_howson`, :func:`lemke_howson_all_labels`
- N players: :func:`polynomial_support_enumeration`, :func:`logit_homotopy`
- commitment: :func:`stackelberg` (:class:`StackelbergResult`)
- values: :func:`minmax_values` (:class:`MinmaxValues`)
- quantal response: :func:`logit_qre` (:class:`LogitQRE`), :func:`logit_qre_path`
  (:class:`LogitQREPath`)

Trees (extensive form)
----------------------
- perfect information: :func:`backward_induction` (:class:`SubgamePerfect`, with
  :class:`EnumeratedSPE` for ties), :func:`symbolic_backward_induction`
  (:class:`SymbolicSPE`)
- imperfect information: :func:`subgame_perfect` (:class:`SubgamePerfectSet`)
- two-player sequence form: :func:`sequence_form` (:class:`SequenceForm`),
  :func:`sequence_form_lp`, :func:`sequence_form_lcp` (:class:`SequenceFormSolution`)
- quantal response: :func:`agent_logit_qre`, :func:`agent_probit_qre` (:class:`AgentQRE`)

Signalling and information design
---------------------------------
- :func:`perfect_bayesian_equilibria`, :func:`pure_pbe`, :func:`mixed_pbe_2x2x2`
  (:class:`PerfectBayesian`)
- persuasion: :func:`persuade_binary` (:class:`BinarySignal`), :func:`persuade`
  (:class:`Signal`), :func:`persuade_public` (:class:`PublicSignal`)

Repeated and stochastic games
-----------------------------
- :func:`grim_trigger`, :func:`forgiving_trigger`, :func:`linked`
  (:class:`IncentiveThresholds`), :func:`nash_reversion`, :func:`minmax_punishment`,
  :func:`agent_specific_punishment`, :func:`stage_nash`
- payoff sets: :func:`feasible_payoffs` (:class:`PayoffPolygon`), :func:`equilibrium_payoffs`
  (:class:`EquilibriumPayoffSet`)
- stochastic: :func:`value_iteration` (:class:`MarkovPerfectEquilibrium`),
  :func:`markov_perfect_equilibria` (:class:`MarkovPerfectEquilibria`),
  :func:`policy_iteration` (:class:`PolicyIterationResult`)

Collective action, bargaining, conflict
---------------------------------------
- anonymous games: :func:`symmetric_equilibria` (:class:`SymmetricEquilibria`),
  :func:`pure_equilibria_counts` (:class:`PureCounts`)
- global games: :func:`regime_change_cutoffs` (:class:`CutoffEquilibria`)
- bargaining: :func:`rubinstein` (:class:`RubinsteinSolution`), :func:`bargaining_range`
  (:class:`BargainingRange`)
- wars of attrition: :func:`attrition_equilibrium` (:class:`AttritionEquilibrium`),
  :func:`threshold_attrition` (:class:`ThresholdAttrition`)

Eight algorithms share their module's name (:func:`backward_induction`, :func:`stackelberg`,
:func:`subgame_perfect`, :func:`support_enumeration`, :func:`two_by_two`,
:func:`vertex_enumeration`, :func:`zero_sum`, :func:`sequence_form`): here those names are the
modules (``irgames.solvers.zero_sum.zero_sum`` is the function), so that module paths keep
working; the functions themselves are ``irgames.zero_sum`` and so on.

Learning and evolutionary dynamics live in :mod:`irgames.dynamics` (results
:class:`~irgames.dynamics.Trajectory`, :class:`~irgames.dynamics.RestPoints`,
:class:`~irgames.dynamics.MoranResult`), under the same contract.

>>> import irgames.solvers as solvers
>>> solvers.solve is solvers.front.solve, "Result" in solvers.__all__
(True, True)
"""

from . import support_enumeration, two_by_two, vertex_enumeration
from .anonymous import PureCounts, SymmetricEquilibria, pure_equilibria_counts, symmetric_equilibria
from .attrition import (
    AttritionEquilibrium,
    ThresholdAttrition,
    attrition_equilibrium,
    threshold_attrition,
)
from .backward_induction import EnumeratedSPE, SubgamePerfect
from .bargaining import BargainingRange, RubinsteinSolution, bargaining_range, rubinstein
from .dominance import DominanceResult, iterated_dominance
from .equilibria import DEFAULT_TOL, Equilibria
from .exact import certify, exact_equilibria, exact_regret
from .front import (
    ANONYMOUS_METHODS,
    METHODS,
    METHODS_BY_TYPE,
    REPEATED_METHODS,
    SIGNALLING_METHODS,
    STOCHASTIC_METHODS,
    TREE_METHODS,
    OptionWarning,
    solve,
    stage_nash,
)
from .global_games import CutoffEquilibria, regime_change_cutoffs
from .lemke_howson import lemke_howson, lemke_howson_all_labels
from .minmax import MinmaxValues, minmax_values
from .n_player import logit_homotopy, polynomial_support_enumeration
from .pbe import PerfectBayesian, mixed_pbe_2x2x2, perfect_bayesian_equilibria, pure_pbe
from .persuasion import (
    BinarySignal,
    PublicSignal,
    Signal,
    persuade,
    persuade_binary,
    persuade_public,
)
from .pure import pure_equilibria
from .qre import (
    AgentQRE,
    LogitQRE,
    LogitQREPath,
    agent_logit_qre,
    agent_probit_qre,
    logit_qre,
    logit_qre_path,
)
from .repeated import (
    EquilibriumPayoffSet,
    IncentiveThresholds,
    PayoffPolygon,
    agent_specific_punishment,
    equilibrium_payoffs,
    feasible_payoffs,
    forgiving_trigger,
    grim_trigger,
    linked,
    minmax_punishment,
    nash_reversion,
)
from .result import Result
from .sequence_form import SequenceForm, SequenceFormSolution, sequence_form_lcp, sequence_form_lp
from .stackelberg import StackelbergResult
from .stochastic import (
    MarkovPerfectEquilibria,
    MarkovPerfectEquilibrium,
    PolicyIterationResult,
    markov_perfect_equilibria,
    policy_iteration,
    value_iteration,
)
from .subgame_perfect import SubgamePerfectSet
from .symbolic import SymbolicSPE, symbolic_backward_induction
from .zero_sum import ZeroSumSolution

#: The public result types, by family (every one derives from :class:`Result`).
RESULT_TYPES = (
    Equilibria,
    DominanceResult,
    ZeroSumSolution,
    StackelbergResult,
    MinmaxValues,
    LogitQRE,
    LogitQREPath,
    SubgamePerfect,
    EnumeratedSPE,
    SymbolicSPE,
    SubgamePerfectSet,
    SequenceForm,
    SequenceFormSolution,
    AgentQRE,
    PerfectBayesian,
    BinarySignal,
    Signal,
    PublicSignal,
    IncentiveThresholds,
    PayoffPolygon,
    EquilibriumPayoffSet,
    MarkovPerfectEquilibrium,
    MarkovPerfectEquilibria,
    PolicyIterationResult,
    SymmetricEquilibria,
    PureCounts,
    CutoffEquilibria,
    RubinsteinSolution,
    BargainingRange,
    AttritionEquilibrium,
    ThresholdAttrition,
)

__all__ = [
    "ANONYMOUS_METHODS",
    "DEFAULT_TOL",
    "METHODS",
    "METHODS_BY_TYPE",
    "REPEATED_METHODS",
    "RESULT_TYPES",
    "SIGNALLING_METHODS",
    "STOCHASTIC_METHODS",
    "TREE_METHODS",
    "AgentQRE",
    "AttritionEquilibrium",
    "BargainingRange",
    "BinarySignal",
    "CutoffEquilibria",
    "DominanceResult",
    "EnumeratedSPE",
    "Equilibria",
    "EquilibriumPayoffSet",
    "IncentiveThresholds",
    "LogitQRE",
    "LogitQREPath",
    "MarkovPerfectEquilibria",
    "MarkovPerfectEquilibrium",
    "MinmaxValues",
    "OptionWarning",
    "PayoffPolygon",
    "PerfectBayesian",
    "PolicyIterationResult",
    "PublicSignal",
    "PureCounts",
    "Result",
    "RubinsteinSolution",
    "SequenceForm",
    "SequenceFormSolution",
    "Signal",
    "StackelbergResult",
    "SubgamePerfect",
    "SubgamePerfectSet",
    "SymbolicSPE",
    "SymmetricEquilibria",
    "ThresholdAttrition",
    "ZeroSumSolution",
    "agent_logit_qre",
    "agent_probit_qre",
    "agent_specific_punishment",
    "attrition_equilibrium",
    "backward_induction",
    "bargaining_range",
    "certify",
    "equilibrium_payoffs",
    "exact_equilibria",
    "exact_regret",
    "feasible_payoffs",
    "forgiving_trigger",
    "grim_trigger",
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
    "mixed_pbe_2x2x2",
    "nash_reversion",
    "perfect_bayesian_equilibria",
    "persuade",
    "persuade_binary",
    "persuade_public",
    "policy_iteration",
    "polynomial_support_enumeration",
    "pure_equilibria",
    "pure_equilibria_counts",
    "pure_pbe",
    "regime_change_cutoffs",
    "rubinstein",
    "sequence_form",
    "sequence_form_lcp",
    "sequence_form_lp",
    "solve",
    "stackelberg",
    "stage_nash",
    "subgame_perfect",
    "support_enumeration",
    "symbolic_backward_induction",
    "symmetric_equilibria",
    "threshold_attrition",
    "two_by_two",
    "value_iteration",
    "vertex_enumeration",
    "zero_sum",
]
