r"""The exceptions irgames raises on purpose, under one base.

Every error the package raises deliberately is an :class:`IrgamesError`, so a caller can catch
all of them at once; each also keeps the built-in base it has always had (``ValueError``,
``ArithmeticError``, ``MemoryError``, ...), so code that catches those still works.

::

    IrgamesError
    ├── GameValueError (ValueError)          bad game data: shapes, NaN, probabilities
    │   └── ParseError                       a malformed game file (with its line)
    │       ├── NFGParseError                Gambit .nfg
    │       └── EFGParseError                Gambit .efg
    ├── ParameterError (ValueError)          a parameter value outside its space
    ├── SolverError (ValueError)             a method that does not apply to this game
    │   └── WorkTooLargeError (MemoryError)  work refused before allocation, with its size
    ├── ConvergenceError (ArithmeticError)   an iterative method reached no verified answer
    ├── UnknownModelError (LookupError, ValueError)  no registered model of that name
    ├── RegistryError (ImportError)          a model module failed to import, or names collide
    └── MissingExtraError (ModuleNotFoundError)  an optional dependency is not installed

The errors of one layer live beside their code, under the same base: ``CLIError``
(:mod:`irgames.cli`), ``CommandError`` (:mod:`irgames.cli.models`), ``OutcomeError`` and
``ModelError`` (:mod:`irgames.analysis.model`), ``SweepError`` (:mod:`irgames.analysis.sweep`),
``UnknownClaimError`` (:mod:`irgames.analysis.claims`), ``ClaimFailure`` and
``ClosedFormMismatch`` (:mod:`irgames.testing`, also ``AssertionError``). Built-in exceptions
are raised on purpose only where Python's protocols ask for them (``KeyError`` for a missing
key, ``IndexError``, ``TypeError`` for an argument of the wrong type, ``AttributeError``),
each marked ``# builtin:`` in the source.

    IrgamesWarning (UserWarning)
    └── IdentificationWarning                a fitted model may not be identified

Examples
--------
>>> import irgames as ig
>>> try:
...     ig.NormalFormGame.bimatrix([[1, float("nan")]], [[0, 0]])
... except ig.errors.IrgamesError as error:
...     print(type(error).__name__, isinstance(error, ValueError))
GameValueError True
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "EFGParseError",
    "GameValueError",
    "IdentificationWarning",
    "IrgamesError",
    "IrgamesWarning",
    "MissingExtraError",
    "NFGParseError",
    "ParameterError",
    "ParseError",
    "RegistryError",
    "SolverError",
    "UnknownModelError",
    "WorkTooLargeError",
    "format_bytes",
]


class IrgamesError(Exception):
    """The base of every exception irgames raises on purpose."""


class GameValueError(IrgamesError, ValueError):
    """A game was built from data that does not describe a valid game."""


class ParseError(GameValueError):
    """A game file is malformed; ``line`` (1-based) says where, when it is known."""

    line: int | None = None


class NFGParseError(ParseError):
    """A ``.nfg`` text is malformed; the message gives the line and column.

    Attributes
    ----------
    line, column : int
        1-based position of the problem in the text.
    reason : str
        What is wrong, without the position.
    """

    def __init__(self, reason: str, line: int, column: int, source: str | None = None):
        self.reason = reason
        self.line = int(line)
        self.column = int(column)
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}line {self.line}, column {self.column}: {reason}")

    def __reduce__(self):
        return (type(self), (self.reason, self.line, self.column, self.source))


class EFGParseError(ParseError):
    """A ``.efg`` file could not be read; ``line`` is the (1-based) line of the problem."""

    def __init__(self, message: str, line: int):
        super().__init__(f"line {line}: {message}")
        self.line = int(line)
        self.reason = str(message)

    def __reduce__(self):
        return (type(self), (self.reason, self.line))


class ParameterError(IrgamesError, ValueError):
    """A parameter value (or a request about parameters) is outside the parameter space."""


class SolverError(IrgamesError, ValueError):
    """A method does not apply to this game (or these options)."""


class WorkTooLargeError(SolverError, MemoryError):
    """Work refused before allocating, because it needs more memory than it may use.

    ``needed`` and ``limit`` are in bytes; the message names both and what to do instead.
    """

    def __init__(self, message: str, *, needed: int | None = None, limit: int | None = None):
        super().__init__(message)
        self.needed = needed
        self.limit = limit


class ConvergenceError(IrgamesError, ArithmeticError):
    """An iterative solver did not reach a verified answer for some games of a batch."""


class UnknownModelError(IrgamesError, LookupError, ValueError):
    """No registered model of that name (:func:`irgames.models.get_model`); the message lists
    the available ones."""

    def __str__(self) -> str:  # KeyError-style quoting would hide the message
        return str(self.args[0]) if self.args else ""


class RegistryError(IrgamesError, ImportError):
    """A module of :mod:`irgames.models` could not be imported, or two models share a name."""


class MissingExtraError(IrgamesError, ModuleNotFoundError):
    """An optional dependency is not installed; the message names the extra that has it."""


def format_bytes(n: float) -> str:
    """``n`` bytes for a message: ``'1.6 TiB'``, ``'512 B'``.

    >>> format_bytes(1.6 * 2**40), format_bytes(512), format_bytes(3 * 2**20)
    ('1.6 TiB', '512 B', '3.0 MiB')
    """
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{int(n)} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    # builtin: never reached (the loop returns)
    raise AssertionError("unreachable")


class IrgamesWarning(UserWarning):
    """The base of the warnings irgames issues (a warning is not an error: it has its own base,
    so that ``warnings.filterwarnings("error", category=IrgamesWarning)`` selects them all)."""


class IdentificationWarning(IrgamesWarning):
    """A fitted statistical model may not be identified: a Hessian that is not negative
    definite, perfect separation, or an outcome never observed (``irgames.estimate``)."""
