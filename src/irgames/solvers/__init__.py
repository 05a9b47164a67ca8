"""Solvers: one module per family of algorithms, each ``(game, *, options) -> result``."""

from .equilibria import Equilibria

__all__ = ["Equilibria"]
