"""Game representations: data validated on construction, no solving."""

from .normal_form import GameValueError, NormalFormGame
from .regret import action_values, expected_payoffs, regret

__all__ = ["GameValueError", "NormalFormGame", "action_values", "expected_payoffs", "regret"]
