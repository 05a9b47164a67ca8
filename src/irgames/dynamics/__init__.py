r"""Learning and evolutionary dynamics, batched over games and initial states.

- :mod:`~irgames.dynamics.continuous`: replicator dynamics (continuous by
  :func:`scipy.integrate.solve_ivp` and discrete, with mutation, one or two populations),
  best-response and logit dynamics;
- :mod:`~irgames.dynamics.learning`: fictitious play, plain and stochastic;
- :mod:`~irgames.dynamics.moran`: the Moran process and fixation probabilities;
- :mod:`~irgames.dynamics.stability`: rest points of the replicator dynamics of symmetric
  games, their stability (Jacobian eigenvalues), and evolutionarily stable strategies.

Every dynamic returns a :class:`Trajectory` (``times``, ``trajectory``, ``final``,
``method``, ``to_xarray()``); the mathematics is in each module's docstring.
"""

from ._common import Trajectory
from .continuous import asymmetric_replicator, best_response_dynamics, logit_dynamics, replicator
from .learning import fictitious_play, stochastic_fictitious_play
from .moran import MoranResult, fixation_probabilities, moran_process
from .stability import RestPoints, evolutionarily_stable_strategies, rest_points

__all__ = [
    "MoranResult",
    "RestPoints",
    "Trajectory",
    "asymmetric_replicator",
    "best_response_dynamics",
    "evolutionarily_stable_strategies",
    "fictitious_play",
    "fixation_probabilities",
    "logit_dynamics",
    "moran_process",
    "replicator",
    "rest_points",
    "stochastic_fictitious_play",
]
