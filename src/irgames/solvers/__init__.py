"""Solvers: one module per family of algorithms, each ``(game, *, options) -> result``."""

from .equilibria import Equilibria
from .sequence_form import sequence_form_lcp, sequence_form_lp

__all__ = ["Equilibria", "sequence_form_lcp", "sequence_form_lp"]
