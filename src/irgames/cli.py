r"""The ``irgames`` command.

Usage::

    irgames solve FILE.nfg [--method M] [--json]

``solve`` reads a Gambit ``.nfg`` file, solves it with :func:`irgames.solvers.front.solve`
(``--method`` names any of its methods) and prints every equilibrium; ``--json`` prints one
object ``{"file", "method", "complete", "degenerate", "equilibria": [{"strategies": [[...],
...], "payoffs": [...], "regret": r, "component": c}, ...]}``.

Exit codes
----------
====  ==============================================================
0     success
1     the solver failed (an unexpected error; the message says which)
2     usage error (unknown subcommand, option or method)
3     the input file does not exist or cannot be read
4     the input file is malformed (the message gives line and column)
5     the input is valid but not supported by this command (e.g. .efg)
====  ==============================================================

Adding a subcommand
-------------------
Write two functions, one that adds arguments to an :class:`argparse.ArgumentParser` and one
that runs from the parsed :class:`argparse.Namespace` and returns an exit code, and register
them, in this module or in a module imported by :func:`_load_commands`::

    from irgames.cli import Command, CLIError, register

    def _configure_sweep(parser):
        parser.add_argument("model")

    def _run_sweep(args) -> int:
        ...               # raise CLIError(message, code) for a one-line error
        return 0

    register(Command("sweep", "sweep a model over its parameter space",
                     _configure_sweep, _run_sweep))

Errors are one line on stderr, ``irgames <command>: error: <what is wrong and how to fix it>``;
set ``IRGAMES_DEBUG=1`` to see the traceback of an unexpected error instead.

Examples
--------
>>> from irgames.cli import main
>>> main(["--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["COMMANDS", "CLIError", "Command", "main", "register"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_MALFORMED = 4
EXIT_UNSUPPORTED = 5


class CLIError(Exception):
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
        raise ValueError(f"an irgames subcommand named {command.name!r} is already registered")
    COMMANDS[command.name] = command
    return command


# ---------------------------------------------------------------------------- solve
def _read_game(path: Path):
    """Read a game file; returns ``(game, player_names, strategy_names)``.

    ``.nfg`` is read by :mod:`irgames.io.nfg`. ``.efg`` (extensive form) is the hook for the
    tree solvers: until ``solve`` has a front door for game trees it is refused with exit code
    5, never converted silently.
    """
    if not path.exists():
        raise CLIError(f"file not found: {path} (check the path)", EXIT_NOT_FOUND)
    if path.is_dir():
        raise CLIError(f"{path} is a directory; give a .nfg file", EXIT_NOT_FOUND)
    suffix = path.suffix.lower()
    if suffix == ".efg":
        raise CLIError(
            f"{path}: extensive-form (.efg) files are not supported by 'irgames solve' yet; "
            "convert the game to normal form (.nfg) or use the Python API for trees",
            EXIT_UNSUPPORTED,
        )
    from .io.nfg import NFGParseError, load_nfg

    try:
        data = path.read_bytes()
    except OSError as error:
        raise CLIError(f"cannot read {path}: {error.strerror}", EXIT_NOT_FOUND) from None
    try:
        nfg = load_nfg(data, name=str(path))
    except NFGParseError as error:
        raise CLIError(f"{error} (is {path.name} a Gambit .nfg file?)", EXIT_MALFORMED) from None
    except ValueError as error:  # e.g. an invalid game in a well-formed file
        raise CLIError(f"{path}: {error}", EXIT_MALFORMED) from None
    return nfg.game, nfg.players, nfg.strategies


def _configure_solve(parser: argparse.ArgumentParser) -> None:
    from .solvers.front import METHODS

    parser.add_argument("file", type=Path, help="a Gambit .nfg file")
    parser.add_argument(
        "--method",
        choices=sorted(METHODS),
        default=None,
        metavar="M",
        help="solver to use (default: chosen by size, see irgames.solvers.front); one of "
        + ", ".join(sorted(METHODS)),
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _number(x: float) -> float:
    """A float for output, with -0.0 and round-off below 1e-15 shown as 0."""
    x = float(x)
    return 0.0 if abs(x) < 1e-15 else x


def _run_solve(args: argparse.Namespace) -> int:
    from .games.normal_form import GameValueError
    from .solvers.front import solve

    game, players, strategy_names = _read_game(args.file)
    try:
        eq = solve(game, method=args.method)
    except GameValueError as error:
        raise CLIError(f"{error}", EXIT_UNSUPPORTED) from None
    degenerate = bool(np.any(eq.degenerate))
    if args.json:
        rows = []
        for r in range(len(eq)):
            rows.append(
                {
                    "strategies": [[_number(p) for p in s[r]] for s in eq.strategies],
                    "payoffs": [_number(p) for p in eq.payoffs[r]],
                    "regret": _number(eq.regret[r]),
                    "component": int(eq.component[r]),
                }
            )
        out = {
            "file": str(args.file),
            "method": eq.method,
            "complete": eq.complete,
            "degenerate": degenerate,
            "equilibria": rows,
        }
        print(json.dumps(out, indent=2))
        return EXIT_OK
    sizes = "x".join(map(str, game.num_actions))
    print(f"{args.file}: {game.n_players} players, {sizes}")
    print(
        f"method: {eq.method} ({'all' if eq.complete else 'some'} equilibria"
        f"{', degenerate game' if degenerate else ''})"
    )
    print(f"{len(eq)} equilibri{'um' if len(eq) == 1 else 'a'}")
    for r in range(len(eq)):
        print(
            f"equilibrium {r + 1}: regret {_number(eq.regret[r]):.3g}, "
            f"component {int(eq.component[r])}"
        )
        for i, s in enumerate(eq.strategies):
            mix = ", ".join(
                f"{name}={_number(p):.6g}" for name, p in zip(strategy_names[i], s[r], strict=True)
            )
            name = players[i] or f"player {i + 1}"
            print(f"  {name}: {mix}  (payoff {_number(eq.payoffs[r, i]):.6g})")
    return EXIT_OK


register(
    Command(
        "solve",
        "print every equilibrium of a game in a Gambit .nfg file",
        _configure_solve,
        _run_solve,
    )
)


# ---------------------------------------------------------------------------- entry point
def _load_commands() -> None:
    """Import modules that register further subcommands (none besides ``solve`` yet)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit code 2
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``irgames`` parser with one subparser per registered command."""
    _load_commands()
    parser = _Parser(prog="irgames", description="Theories of international relations as games.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for command in COMMANDS.values():
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(p)
        p.set_defaults(_command=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``irgames`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    command: Command = args._command
    try:
        return int(command.run(args))
    except CLIError as error:
        print(f"irgames {command.name}: error: {error}", file=sys.stderr)
        return error.code
    except Exception as error:  # a bug or a solver failure: one line, not a traceback
        if os.environ.get("IRGAMES_DEBUG"):
            raise
        print(f"irgames {command.name}: error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
