r"""The result contract every solver's result shares.

Every public result type of :mod:`irgames.solvers`, :mod:`irgames.dynamics` (and estimation)
derives from :class:`Result`, a mixin for frozen dataclasses. It promises these names:

==============  ==============================================================================
``method``      the algorithm that produced the result (a string)
``tol``         the relative tolerance it used, in each player's own payoff unit :math:`s_i`
                (``None`` where the method is a closed form with no tolerance)
``options``     the options it was called with and anything else it reports (a mapping)
``complete``    whether the method finds every equilibrium (``None`` where that is not the
                question, e.g. one equilibrium of a unique-equilibrium model)
``converged``   whether an iterative method met its tolerance (``None`` for direct methods)
``regret``      for every equilibrium returned, the gain from the best unilateral deviation,
                computed independently of the solver; ``None`` for results that hold no
                equilibrium profile (payoff sets, thresholds, trajectories)
``layout``      ``"per_point"``: arrays lead with the game's batch shape, one entry per game;
                ``"per_equilibrium"``: ragged rows, one per equilibrium, with ``game_index``
                naming each row's (flat) game
``to_pandas()`` a :class:`pandas.DataFrame` with one row per point or per equilibrium
==============  ==============================================================================

The names are class attributes here (the defaults); a result type overrides them with
dataclass fields where they vary between calls, or with class attributes where they are fixed
(a closed form's ``method``). Regrets are in payoffs; dividing player :math:`i`'s by her unit
:math:`s_i` gives the relative regret that tolerances are judged against.

The keyword ``tol`` is the one spelling of a tolerance. ``tolerance=`` is accepted for one
release with a :class:`DeprecationWarning` (:func:`accepts_tolerance`), and the attribute
``.tolerance`` reads ``.tol`` with the same warning (:func:`tolerance_property`).

Examples
--------
>>> import irgames as ig
>>> from irgames.solvers.result import Result
>>> eq = ig.pure_equilibria(ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
>>> isinstance(eq, Result), eq.layout, eq.method, eq.tol
(True, 'per_equilibrium', 'pure_equilibria', 1e-12)
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

import numpy as np

__all__ = ["FIELDS", "LAYOUTS", "Result", "accepts_tolerance", "tolerance_property"]

#: The two layouts a result may have.
LAYOUTS = ("per_point", "per_equilibrium")

F = TypeVar("F", bound=Callable[..., Any])

#: Values of the contract's names for result types that do not define them.
_DEFAULTS: dict[str, Any] = {
    "method": None,
    "tol": None,
    "options": MappingProxyType({}),
    "complete": None,
    "converged": None,
    "regret": None,
}

#: The names every result has (:data:`_DEFAULTS` and the layout).
FIELDS = ("method", "tol", "options", "complete", "converged", "regret", "layout")


class Result:
    """Mixin base of every public result (see the module docstring for the contract)."""

    #: ``"per_point"`` or ``"per_equilibrium"`` (rows with ``game_index``).
    layout: ClassVar[str] = "per_point"

    def __getattr__(self, name: str):
        # The contract's defaults, served only when a result type defines no such field or
        # attribute. (They are not class attributes: a dataclass would take an inherited
        # class attribute for the default of a field of the same name.)
        if name in _DEFAULTS:
            return _DEFAULTS[name]
        # builtin: Python's attribute protocol
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ pandas
    def _rows(self) -> int | None:
        if self.layout == "per_equilibrium":
            gi = getattr(self, "game_index", None)
            return None if gi is None else int(np.asarray(gi).shape[0])
        shape = getattr(self, "batch_shape", None)
        if shape is None:
            return None
        return int(np.prod(shape, dtype=np.int64))

    def to_pandas(self):
        """One row per point (``per_point``) or per equilibrium (``per_equilibrium``).

        The generic conversion: every array field (or tuple of arrays, such as strategies)
        with one entry per row (per point: the leading batch shape; per equilibrium: the
        leading axis) becomes a column, trailing axes spread over columns ``name_0``,
        ``name_1``, ...; other fields are left out. Per point, ``game_index`` is the flat
        index of the point. Result types with a richer table override it.
        """
        import pandas as pd

        data: dict[str, Any] = {}
        if self.layout == "per_point":
            shape = tuple(getattr(self, "batch_shape", ()) or ())
            lead = len(shape)
            rows = int(np.prod(shape, dtype=np.int64))
            data["game_index"] = np.arange(rows)
        else:
            rows = int(np.asarray(self.game_index).shape[0])
            shape, lead = (rows,), 1
        names = [f.name for f in dataclasses.fields(self)] if dataclasses.is_dataclass(self) else []
        if "regret" not in names:
            names.append("regret")

        def add(name: str, value) -> None:
            if isinstance(value, np.generic):
                value = np.asarray(value)
            if not isinstance(value, np.ndarray) or value.dtype == object:
                return
            if value.shape[:lead] != shape:
                return
            flat = value.reshape(rows, -1)
            if value.ndim == lead:
                data[name] = flat[:, 0]
            else:
                for j in range(flat.shape[1]):
                    data[f"{name}_{j}"] = flat[:, j]

        for name in names:
            if name in data:
                continue
            value = getattr(self, name)
            if isinstance(value, tuple):
                for i, part in enumerate(value):
                    add(f"{name}_{i}", part)
            else:
                add(name, value)
        return pd.DataFrame(data)


def _warn_tolerance(where: str) -> None:
    warnings.warn(
        f"{where}: the keyword 'tolerance' is now 'tol' (the old spelling is accepted for one "
        "release)",
        DeprecationWarning,
        stacklevel=3,
    )


def accepts_tolerance(func: F) -> F:
    """Let ``func`` (whose keyword is ``tol``) take ``tolerance=`` with a DeprecationWarning.

    >>> import warnings
    >>> @accepts_tolerance
    ... def f(*, tol=1.0):
    ...     return tol
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(tolerance=0.5), caught[0].category.__name__
    (0.5, 'DeprecationWarning')
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if "tolerance" in kwargs:
            if "tol" in kwargs:
                # builtin: Python's own error for a keyword given twice
                raise TypeError(
                    f"{func.__qualname__}() got both 'tol' and its old spelling 'tolerance'; "
                    "pass tol only"
                )
            _warn_tolerance(f"{func.__qualname__}()")
            kwargs["tol"] = kwargs.pop("tolerance")
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def tolerance_property() -> property:
    """A read-only ``tolerance`` attribute that returns ``tol`` with a DeprecationWarning."""

    def tolerance(self):
        warnings.warn(
            f"{type(self).__name__}.tolerance is now .tol (the old name is readable for one "
            "release)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.tol

    return property(tolerance, doc="Deprecated spelling of :attr:`tol`.")
