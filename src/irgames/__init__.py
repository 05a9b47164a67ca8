"""irgames: theories of international relations as formal games, solved in batches.

>>> import irgames as ig
>>> game = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> game
NormalFormGame(n_players=2, num_actions=(2, 2), batch_shape=())
"""

from .games import GameValueError, NormalFormGame, action_values, expected_payoffs, regret
from .solvers import Equilibria

__version__ = "0.1.0"

__all__ = [
    "Equilibria",
    "GameValueError",
    "NormalFormGame",
    "__version__",
    "action_values",
    "expected_payoffs",
    "regret",
]
