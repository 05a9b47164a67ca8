"""What the dynamics share: the result type, reading games and initial states as batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import GameValueError, SolverError
from ..games.normal_form import NormalFormGame, payoff_units
from ..solvers.result import Result

__all__ = ["Trajectory"]


@dataclass(frozen=True, eq=False)
class Trajectory(Result):
    """The path of a dynamic over time, for a batch of games or initial states.

    Attributes
    ----------
    times : ndarray, shape (T,)
        The times (or periods) at which the state is recorded.
    trajectory : ndarray or tuple of ndarray
        One population: shape ``(*batch, T, m)``, the state (a point of the simplex) at each
        time. Two populations (or players): a pair of such arrays, one per population.
    method : str
        The dynamic and how it was computed.
    options : dict
        The parameters it was run with and anything else it reports.
    batch_shape : tuple of int
        The broadcast of the games' batch shape and the initial states' leading shape.
    """

    times: np.ndarray
    trajectory: np.ndarray | tuple[np.ndarray, ...]
    method: str
    options: dict[str, Any] = field(default_factory=dict)
    batch_shape: tuple[int, ...] = ()

    @property
    def populations(self) -> int:
        """1 for one population, 2 for two."""
        return len(self.trajectory) if isinstance(self.trajectory, tuple) else 1

    @property
    def final(self) -> np.ndarray | tuple[np.ndarray, ...]:
        """The state at the last time: shape ``(*batch, m)`` (a pair for two populations)."""
        if isinstance(self.trajectory, tuple):
            return tuple(x[..., -1, :] for x in self.trajectory)
        return self.trajectory[..., -1, :]

    def to_xarray(self):
        """The trajectory as an ``xarray.DataArray`` (a ``Dataset`` of ``row`` and ``column``
        for two populations), with dimensions ``batch_0, ..., time, strategy``."""
        import xarray as xr

        batch_dims = [f"batch_{k}" for k in range(len(self.batch_shape))]
        attrs = {"method": self.method}
        if isinstance(self.trajectory, tuple):
            names = ("row", "column")
            variables = {
                name: ([*batch_dims, "time", f"{name}_strategy"], x)
                for name, x in zip(names, self.trajectory, strict=True)
            }
            return xr.Dataset(variables, coords={"time": self.times}, attrs=attrs)
        return xr.DataArray(
            self.trajectory,
            dims=[*batch_dims, "time", "strategy"],
            coords={"time": self.times},
            name="share",
            attrs=attrs,
        )


def symmetric_matrix(game, *, tol: float = 1e-9) -> tuple[np.ndarray, tuple[int, ...]]:
    r"""One population's payoff matrix :math:`A` (``A[s, t]``: playing ``s`` against ``t``).

    ``game`` is an array of shape ``(*batch, m, m)`` or a symmetric two-player
    :class:`NormalFormGame` (:math:`B = A^\top` within ``tol`` times the payoff unit).
    Returns ``(A, batch_shape)``.
    """
    if isinstance(game, NormalFormGame):
        if game.n_players != 2 or game.num_actions[0] != game.num_actions[1]:
            raise SolverError(
                "a one-population dynamic needs a symmetric two-player game (m x m); got "
                f"{game!r}; pass y0 for two populations"
            )
        A = game.payoffs[..., 0, :, :]
        B = game.payoffs[..., 1, :, :]
        unit = payoff_units(game.payoffs, 2).max(axis=-1)
        gap = np.abs(B - np.swapaxes(A, -1, -2)).max(axis=(-2, -1))
        if np.any(gap > tol * unit):
            raise SolverError(
                "the game is not symmetric (the column player's payoffs are not the transpose "
                "of the row player's); pass y0 to run two populations, one per player"
            )
        return np.asarray(A, dtype=float), game.batch_shape
    A = np.asarray(game, dtype=float)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise GameValueError(
            f"a payoff matrix for one population must be square (*batch, m, m); got {A.shape}"
        )
    if not np.all(np.isfinite(A)):
        raise GameValueError("the payoff matrix must be finite")
    return A, A.shape[:-2]


def bimatrix(game) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """``(A, B, batch_shape)`` of a two-player game (a NormalFormGame or a pair of arrays)."""
    if not isinstance(game, NormalFormGame):
        try:
            A, B = game
        except (TypeError, ValueError):
            raise GameValueError(
                "two populations need a two-player NormalFormGame or a pair (A, B)"
            ) from None
        game = NormalFormGame.bimatrix(A, B)
    if game.n_players != 2:
        raise SolverError(f"two populations need a two-player game, got {game!r}")
    return game.payoffs[..., 0, :, :], game.payoffs[..., 1, :, :], game.batch_shape


def simplex_states(x0, m: int, what: str, *, atol: float = 1e-9) -> np.ndarray:
    """Initial states as float arrays ``(..., m)`` on the simplex (checked)."""
    x = np.asarray(x0, dtype=float)
    if x.ndim == 0 or x.shape[-1] != m:
        raise GameValueError(f"{what} must end in an axis of length {m}; got shape {x.shape}")
    if not np.all(np.isfinite(x)) or np.any(x < -atol):
        raise GameValueError(f"{what} must hold finite non-negative shares")
    if np.any(np.abs(x.sum(axis=-1) - 1.0) > atol * m):
        raise GameValueError(f"{what} must sum to one along its last axis")
    return np.clip(x, 0.0, None)


def broadcast_batch(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise GameValueError(
            f"the batch shapes of the games and the initial states {shapes} do not broadcast"
        ) from None


def times_of(t) -> np.ndarray:
    """Output times: an increasing array, or a horizon ``T`` (101 equally spaced times)."""
    t = np.asarray(t, dtype=float)
    if t.ndim == 0:
        if not (np.isfinite(t) and t > 0):
            raise GameValueError(f"the horizon must be a positive number, got {float(t)}")
        t = np.linspace(0.0, float(t), 101)
    if t.ndim != 1 or t.size < 2 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise GameValueError("t must be a horizon or an increasing 1-d array of two or more times")
    return t


def steps_of(steps) -> int:
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise GameValueError(f"the number of steps must be a positive integer, got {steps!r}")
    return int(steps)
