r"""Strategic statistical models: the likelihood of a game tree over observations.

Each observation is one game whose utilities are linear in covariates; the outcome
probabilities are the game's agent quantal response (agent error) or Bayesian (private
information) equilibrium, and the log-likelihood over a data set is one batched pass up the
tree. :func:`estimate` fits it, :func:`simulate` draws from it, :func:`egame12`,
:func:`egame122` and :func:`egame123` are the R package games' trees. The mathematics is in
:mod:`irgames.estimation.model`.
"""

from .games import egame12, egame122, egame123
from .model import EstimationResult, StrategicModel, estimate, simulate

__all__ = [
    "EstimationResult",
    "StrategicModel",
    "egame12",
    "egame122",
    "egame123",
    "estimate",
    "simulate",
]
