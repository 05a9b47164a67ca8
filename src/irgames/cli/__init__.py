r"""The ``irgames`` command.

Usage:

    irgames figures [--model M] [--out DIR] [--no-claims] [--json]   # the main job
    irgames claims [MODEL] [--json] [--check] [-n N] [--seed S]
    irgames sweep MODEL name=lo:hi:n ... [--out FILE.csv|FILE.nc] [--backend numpy|dask]
    irgames solve FILE.nfg|FILE.efg [--method M] [--ties all|first] [--json]
    irgames models [--json]
    irgames bench [--quick]

``figures`` renders every figure of every registered model (or of one) into
``DIR/<model>/<figure>.png``, ``.pdf`` and ``.csv`` (``DIR`` defaults to ``docs/figures`` of
the checkout; deterministic: the same bytes on every run), then
checks every claim and prints the claims report: per claim the share of the sampled points
where it holds, the points checked and those meeting its condition, the verdict, and a shrunk
counterexample where it fails. ``claims`` prints that report alone; ``--check`` makes a failing
claim an error (exit 7), for scripts. ``sweep`` solves a model over a grid (``name=lo:hi:n`` an
axis, ``name=v1,v2,...`` explicit values, ``name=v`` held fixed) and writes CSV (to standard
output without ``--out``) or netCDF. ``solve`` prints every equilibrium of a Gambit game file:
a normal-form ``.nfg`` through :func:`irgames.solvers.front.solve`, an extensive-form ``.efg``
by backward induction (perfect information; every pure subgame-perfect equilibrium, or with
``--ties first`` one of them, the lowest-indexed best action at every tie, with the tied nodes
counted) or by :func:`irgames.solvers.subgame_perfect.subgame_perfect` (imperfect
information). Before solving, ``solve`` counts the bytes the method will need (for a
normal-form game, the method's arrays; for a tree, the tied equilibria it lists) and refuses
work that does not fit, with exit code 8. ``models``
lists the registered models. ``bench`` runs the benchmarks of a checkout (``python -m
benchmarks``). Models are found by :mod:`irgames.models`: every model defined in a
module of ``irgames.models`` appears here without being listed.

``--json`` prints one JSON document on standard output wherever the output is data; progress
bars (tqdm, when installed and standard error is a terminal) appear on steps that take more
than a second and go to standard error.

``solve --json`` prints ``{"file", "method", "complete", "degenerate", "equilibria": [...]}``:
for ``.nfg`` each equilibrium is ``{"strategies": [[...], ...], "payoffs", "regret",
"component"}``; for ``.efg`` it is ``{"behavior": [{"player", "infoset", "actions",
"probabilities"}, ...], "payoffs", "path"}`` (the path only for pure equilibria).

Exit codes
----------
- 0: success
- 1: the solver failed (an unexpected error, or an iterative method that did not converge:
  :class:`~irgames.errors.ConvergenceError`; the message says which)
- 2: usage error (unknown subcommand, option or method; an option that does not apply)
- 3: a file or folder does not exist or cannot be read or written (any ``OSError``, e.g.
  ``FileNotFoundError`` from a reader; or ``bench`` outside a checkout)
- 4: the input file is malformed (:class:`~irgames.errors.ParseError`; the message gives line
  and column)
- 5: the input is valid but not supported by this command or method (e.g. imperfect recall;
  :class:`~irgames.errors.SolverError`)
- 6: an invalid value: unknown model or parameter, value outside its domain, malformed
  ``name=lo:hi:n`` (:class:`~irgames.errors.ParameterError`, and a
  :class:`~irgames.errors.GameValueError` that no command catches itself)
- 7: ``claims --check``: some claim fails
- 8: refused as too large: the work needs more memory than it may use
  (:class:`~irgames.errors.WorkTooLargeError`, raised before allocating, names the size and
  what to do instead, e.g. ``solve --ties first`` or ``--method lemke_howson``; also a
  ``MemoryError`` that got through). ``IRGAMES_MAX_BYTES`` sets the limit (default: half of
  the memory available).
- 130: interrupted by SIGINT or SIGTERM: the files being written are removed (each output is
  written beside its target and renamed onto it only when complete, so a previous file at
  the target is left as it was), and one line ``irgames <command>: interrupted`` is printed
- 141: standard output was closed early (``irgames solve ... | head``): the command stops
  quietly, as a Unix tool killed by SIGPIPE

Every :class:`~irgames.errors.IrgamesError` that reaches :func:`main` is one line,
``irgames <command>: error: <message>``, with the code of the first kind in this order that
it is: ``WorkTooLargeError`` 8, ``ParseError`` 4, ``SolverError`` 5, ``ParameterError`` 6,
``GameValueError`` 6, ``ConvergenceError`` 1, any other 1. Numbers are printed in full
precision (the ``repr`` of the float: ``3e-300``, not ``0.0``).

Adding a subcommand
-------------------
Write two functions, one that adds arguments to an :class:`argparse.ArgumentParser` and one
that runs from the parsed :class:`argparse.Namespace` and returns an exit code, and register
them, in this module or in a module imported by :func:`_load_commands`:

    from irgames.cli import Command, CLIError, register

    def _configure_hello(parser):
        parser.add_argument("name")

    def _run_hello(args) -> int:
        ...               # raise CLIError(message, code) for a one-line error
        return 0

    register(Command("hello", "greet", _configure_hello, _run_hello))

Errors are one line on stderr, ``irgames <command>: error: <what is wrong and how to fix it>``;
set ``IRGAMES_DEBUG=1`` to see the traceback of an error instead. A command that writes a file
writes it through :func:`irgames._atomic.atomic_output` (or, for a figure's PNG and CSV, a
temporary folder beside them), and :func:`main` turns SIGTERM into ``KeyboardInterrupt`` while
a command runs, so an interrupted command leaves no partial file.

Examples
--------
>>> from irgames.cli import main
>>> main(["solve", "no/such/game.nfg"])
3
>>> sorted(COMMANDS)
['bench', 'claims', 'figures', 'models', 'solve', 'sweep']
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .._atomic import terminate_as_interrupt
from ..errors import IrgamesError

__all__ = [
    "COMMANDS",
    "EXIT_BROKEN_PIPE",
    "EXIT_CLAIM_FAILS",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_MALFORMED",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_TOO_LARGE",
    "EXIT_UNSUPPORTED",
    "EXIT_USAGE",
    "CLIError",
    "Command",
    "build_parser",
    "main",
    "register",
]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_MALFORMED = 4
EXIT_UNSUPPORTED = 5
EXIT_INVALID = 6
EXIT_CLAIM_FAILS = 7
EXIT_TOO_LARGE = 8
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class CLIError(IrgamesError):
    """An error to report on one line of stderr, with the process's exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE):
        super().__init__(message)
        self.code = int(code)


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, one-line help, argument set-up and runner."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


#: Registered subcommands, by name.
COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    """Add a subcommand to ``irgames`` (a name may be registered once)."""
    if command.name in COMMANDS and COMMANDS[command.name] is not command:
        raise CLIError(f"an irgames subcommand named {command.name!r} is already registered")
    COMMANDS[command.name] = command
    return command


# ---------------------------------------------------------------------------- helpers
def _number(x: float) -> float:
    """A float for output, in full precision (``-0.0`` shown as ``0.0``)."""
    return float(x) + 0.0


def _text(x: float) -> str:
    """A number for text output: the ``repr`` of the float, the shortest text that reads
    back to the same double (``3e-300``, ``0.1``, ``0.6000000000000001``)."""
    return repr(_number(x))


def _one_line(text: object) -> str:
    """A message on one line (newlines of nested messages become '; ')."""
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _progress(iterable: Iterable, *, total: int, desc: str, enabled: bool) -> Iterable:
    """A tqdm bar on stderr that appears after one second (only on a terminal)."""
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is in the figures extra; without it, no bar
        return iterable
    return tqdm(
        iterable, total=total, desc=desc, delay=1.0, file=sys.stderr, leave=False, disable=None
    )


def _registry():
    """The registry functions, with its errors turned into one-line CLI errors."""
    from .. import models as registry

    return registry


def _models(name: str | None) -> list:
    """The model called ``name`` (every registered model when None)."""
    registry = _registry()
    try:
        if name is None:
            return list(registry.all_models().values())
        return [registry.get_model(name)]
    except registry.UnknownModelError as error:
        raise CLIError(f"{error} (list them with 'irgames models')", EXIT_INVALID) from None
    except registry.RegistryError as error:
        raise CLIError(_one_line(error), EXIT_FAILURE) from None


def _exit_code(error: BaseException) -> int:
    """The exit code for an exception that reached :func:`main` (the module's table)."""
    from ..errors import (
        ConvergenceError,
        GameValueError,
        IrgamesError,
        ParameterError,
        ParseError,
        SolverError,
        WorkTooLargeError,
    )

    table: list[tuple[type[BaseException], int]] = [
        (WorkTooLargeError, EXIT_TOO_LARGE),
        (MemoryError, EXIT_TOO_LARGE),
        (ParseError, EXIT_MALFORMED),
        (SolverError, EXIT_UNSUPPORTED),
        (ParameterError, EXIT_INVALID),
        (GameValueError, EXIT_INVALID),
        (ConvergenceError, EXIT_FAILURE),
        (IrgamesError, EXIT_FAILURE),
        (OSError, EXIT_NOT_FOUND),
    ]
    for kind, code in table:
        if isinstance(error, kind):
            return code
    return EXIT_FAILURE


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block (delivered after it), where POSIX allows.

    For the few renames that put finished outputs in place: an interrupt then lands before or
    after all of them, never between two.
    """
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # not POSIX, or not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# ---------------------------------------------------------------------------- entry point
def _load_commands() -> None:
    """Import modules that register further subcommands (the package's own, :mod:`.solve`,
    :mod:`.models` and :mod:`.bench`, are imported with it)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit code 2
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_one_line(message)}\n")


_EPILOG = (
    "exit codes: 0 success, 1 failure, 2 usage, 3 file not found, 4 malformed file, "
    "5 unsupported input, 6 invalid value (model, parameter, domain), 7 a claim fails "
    "(claims --check), 8 refused as too large for memory, 130 interrupted (SIGINT, SIGTERM), "
    "141 standard output closed"
)


def build_parser() -> argparse.ArgumentParser:
    """The ``irgames`` parser with one subparser per registered command."""
    _load_commands()
    parser = _Parser(
        prog="irgames",
        description="Theories of international relations as games, solved in batches.",
        epilog=_EPILOG,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for command in COMMANDS.values():
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(p)
        p.set_defaults(_command=command)
    return parser


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush of
    what a closed pipe never took raises nothing at exit."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is no file (e.g. captured)
        pass


def _report(command: str, message: str) -> None:
    """Print one error line on stderr (silently, if stderr is gone too)."""
    try:
        print(f"irgames {command}: {message}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``irgames`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code.

    Every error ends as one line on stderr and the exit code of its kind (the module's
    table); SIGINT and SIGTERM end the command with exit code 130 after the outputs being
    written are removed; a closed standard output (``irgames solve ... | head``) ends it
    quietly with exit code 141, as a Unix tool killed by SIGPIPE.
    """
    name = "irgames"
    try:
        with terminate_as_interrupt():
            parser = build_parser()
            try:
                args = parser.parse_args(list(argv) if argv is not None else None)
            except SystemExit as exit_:
                return int(exit_.code or 0)
            command: Command = args._command
            name = command.name
            code = int(command.run(args))
            sys.stdout.flush()  # a closed pipe fails here, inside the handlers below
            return code
    except CLIError as error:
        _report(name, f"error: {_one_line(error)}")
        return error.code
    except KeyboardInterrupt:
        _report(name, "interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as error:
        if os.environ.get("IRGAMES_DEBUG"):
            raise
        from ..errors import IrgamesError

        code = _exit_code(error)
        if isinstance(error, IrgamesError | MemoryError | OSError):
            # raised on purpose (or the operating system's answer): the message says it all
            if isinstance(error, OSError) and error.filename is not None:
                message = f"{error.strerror or error}: {error.filename}"
            elif type(error) is MemoryError:
                message = (
                    f"out of memory ({_one_line(error) or 'no details'}); give the command "
                    "smaller work or set IRGAMES_MAX_BYTES to be refused before allocating"
                )
            else:
                message = _one_line(error)
            _report(name, f"error: {message}")
            return code
        # a bug or an unexpected solver failure: one line, not a traceback
        message = _one_line(f"{type(error).__name__}: {error}")
        _report(name, f"error: {message} (IRGAMES_DEBUG=1 shows the traceback)")
        return code


# The subcommands register themselves on import, in the order of ``irgames --help``; they
# import the helpers above, so they come last.
for _module in ("solve", "models", "bench"):
    importlib.import_module(f"{__name__}.{_module}")
del _module
