r"""The ``irgames`` command.

Usage:

    irgames figures [--model M] [--out DIR] [--no-claims] [--json]   # the main job
    irgames claims [MODEL] [--json] [--check] [-n N] [--seed S]
    irgames sweep MODEL name=lo:hi:n ... [--out FILE.csv|FILE.nc] [--backend numpy|dask]
    irgames solve FILE.nfg|FILE.efg [--method M] [--ties all|first] [--json]
    irgames models [--json]
    irgames bench [--quick]

``figures`` renders every figure of every registered model (or of one) into
``DIR/<model>/<figure>.png`` and ``.csv`` (``DIR`` defaults to ``docs/figures`` of the checkout;
deterministic: the same bytes on every run), then
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
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._atomic import terminate_as_interrupt
from .errors import IrgamesError

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
    from . import models as registry

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
    from .errors import (
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


# ---------------------------------------------------------------------------- solve
def _read_game(path: Path):
    """Read a game file.

    Returns ``("nfg", game, player_names, strategy_names)`` for ``.nfg`` (read by
    :mod:`irgames.io.nfg`) and ``("efg", game, None, None)`` for ``.efg`` (read by
    :func:`irgames.io.efg.read_efg`, perfect recall checked by the solver).
    """
    from ._memory import require

    if not path.exists():
        raise CLIError(f"file not found: {path} (check the path)", EXIT_NOT_FOUND)
    if path.is_dir():
        raise CLIError(f"{path} is a directory; give a .nfg or .efg file", EXIT_NOT_FOUND)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        # the bytes, their text, and the readers' work on it (the .nfg reader checks its own)
        require(3 * size, f"reading {path} ({size:,} bytes)", advice="give a smaller file")
        data = path.read_bytes()
    except OSError as error:
        raise CLIError(f"cannot read {path}: {error.strerror}", EXIT_NOT_FOUND) from None
    from .errors import WorkTooLargeError

    if suffix == ".efg" or (suffix != ".nfg" and data.lstrip().startswith(b"EFG")):
        from .games.normal_form import GameValueError
        from .io.efg import EFGParseError, parse_efg

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        try:
            game = parse_efg(text, check_recall=False)
        except EFGParseError as error:
            raise CLIError(
                f"{path}: {_one_line(error)} (is {path.name} a Gambit .efg file?)", EXIT_MALFORMED
            ) from None
        except WorkTooLargeError:
            raise
        except (GameValueError, ValueError) as error:
            raise CLIError(f"{path}: {_one_line(error)}", EXIT_MALFORMED) from None
        return "efg", game, None, None
    from .io.nfg import NFGParseError, load_nfg

    try:
        nfg = load_nfg(data, name=str(path))
    except NFGParseError as error:
        raise CLIError(
            f"{_one_line(error)} (is {path.name} a Gambit .nfg file?)", EXIT_MALFORMED
        ) from None
    except WorkTooLargeError:
        raise
    except ValueError as error:  # e.g. an invalid game in a well-formed file
        raise CLIError(f"{path}: {_one_line(error)}", EXIT_MALFORMED) from None
    return "nfg", nfg.game, nfg.players, nfg.strategies


def _configure_solve(parser: argparse.ArgumentParser) -> None:
    from .solvers.front import METHODS

    parser.add_argument("file", type=Path, help="a Gambit .nfg or .efg file")
    parser.add_argument(
        "--method",
        choices=sorted(METHODS),
        default=None,
        metavar="M",
        help="normal-form solver (default: chosen by size, see irgames.solvers.front); one of "
        + ", ".join(sorted(METHODS))
        + ". Trees (.efg) are solved by backward induction or subgame perfection.",
    )
    parser.add_argument(
        "--ties",
        choices=["all", "first"],
        default=None,
        help="perfect-information trees: 'all' (the default) lists every pure subgame-perfect "
        "equilibrium and is refused when they do not fit in memory; 'first' gives one, the "
        "lowest-indexed best action at every tie, with the ties flagged",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _normal_form_bytes(num_actions: tuple[int, ...], games: int, method: str) -> float:
    r"""Bytes that ``method`` allocates at once on ``games`` games of ``num_actions`` actions.

    An estimate from above. Every method holds a few copies of the payoff tensor (normalised
    payoffs, regrets). On top of that, for :math:`m \times n` games (:math:`k = m + n`):
    Lemke-Howson pivots a tableau of :math:`k (k + 1)` floats per game, with a buffer of the
    same size and the game's normalised payoffs; from all :math:`k` labels it runs :math:`k`
    paths per game at once (the payoffs tiled :math:`k` times) and compares a game's
    :math:`k` profiles pairwise (:math:`k^2 (k + 1)` floats); vertex enumeration holds
    :func:`~irgames.solvers.vertex_enumeration.vertex_enumeration_floats` floats per game.

    >>> f"{_normal_form_bytes((10000, 1000), 1, 'lemke_howson_all_labels') / 2**40:.0f} TiB"
    '32 TiB'
    """
    n_players = len(num_actions)
    payoffs = 8.0 * games * n_players * math.prod(num_actions)
    need = 4 * payoffs
    if n_players != 2:
        return need
    m, n = num_actions
    k = m + n
    per_path = 8.0 * (2 * k * (k + 1) + 2 * m * n)
    if method == "lemke_howson":
        need += games * per_path
    elif method == "lemke_howson_all_labels":
        need += k * (payoffs + games * per_path) + 8.0 * games * k * k * (k + 1)
    elif method == "vertex_enumeration":
        from .solvers.vertex_enumeration import vertex_enumeration_floats

        need += 8.0 * vertex_enumeration_floats((m, n))
    return need


def _require_normal_form(game, method: str, path: Path) -> None:
    """Refuse, before solving, a method whose arrays do not fit in memory."""
    from ._memory import memory_limit, require
    from .errors import format_bytes

    limit = memory_limit()
    games = math.prod(game.batch_shape)
    need = _normal_form_bytes(game.num_actions, games, method)
    if need <= limit:
        return
    size = "x".join(map(str, game.num_actions))
    advice = "solve a smaller game"
    if game.n_players == 2 and method != "lemke_howson":
        one = _normal_form_bytes(game.num_actions, games, "lemke_howson")
        if one <= limit:
            advice = (
                f"--method lemke_howson finds one equilibrium with {format_bytes(one)}, "
                "or solve a smaller game"
            )
    require(need, f"{method} on the {size} game of {path}", advice=advice, limit=limit)


def _run_solve(args: argparse.Namespace) -> int:
    kind, game, players, strategy_names = _read_game(args.file)
    if kind == "efg":
        if args.method is not None:
            raise CLIError(
                f"--method applies to normal-form (.nfg) games; {args.file.name} is a tree, "
                "solved by backward induction or subgame perfection (drop --method)",
                EXIT_USAGE,
            )
        return _solve_tree(args, game)
    if args.ties is not None:
        raise CLIError(
            f"--ties applies to perfect-information trees (.efg); {args.file.name} is a "
            "normal-form game (drop --ties)",
            EXIT_USAGE,
        )
    from .games.normal_form import GameValueError, payoff_units
    from .solvers.front import choose_method, solve

    try:
        # a payoff range beyond the largest double is refused before any solver computes
        # with it (the solvers would first warn of overflows)
        payoff_units(game.payoffs, game.n_players)
        method = args.method or choose_method(game)
        _require_normal_form(game, method, args.file)
        eq = solve(game, method=method)
    except GameValueError as error:
        raise CLIError(_one_line(error), EXIT_UNSUPPORTED) from None
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
            f"equilibrium {r + 1}: regret {_text(eq.regret[r])}, component {int(eq.component[r])}"
        )
        for i, s in enumerate(eq.strategies):
            mix = ", ".join(
                f"{name}={_text(p)}" for name, p in zip(strategy_names[i], s[r], strict=True)
            )
            name = players[i] or f"player {i + 1}"
            print(f"  {name}: {mix}  (payoff {_text(eq.payoffs[r, i])})")
    return EXIT_OK


def _infoset_rows(game, behavior: np.ndarray) -> list[dict[str, Any]]:
    """One ``{"player", "infoset", "actions", "probabilities"}`` per information set."""
    rows = []
    for h in range(game.n_infosets):
        v = int(game.infoset_nodes_first[h])
        labels = list(game.action_labels[v])
        player = game.players[int(game.infoset_player[h])]
        rows.append(
            {
                "player": player,
                "infoset": game.infoset_labels[h] or f"#{h + 1}",
                "actions": [a or f"{j + 1}" for j, a in enumerate(labels)],
                "probabilities": [_number(behavior[h, j]) for j in range(len(labels))],
            }
        )
    return rows


def _pure_path(game, choice: np.ndarray, reach: np.ndarray) -> list[str]:
    """Action labels along the path of play (the most likely branch at chance nodes)."""
    from .games.extensive_form import CHANCE, TERMINAL

    labels, v = [], 0
    while game.mover[v] != TERMINAL:
        if game.mover[v] == CHANCE:
            kids = game.children[v, : game.num_children[v]]
            a = int(np.argmax(reach[kids]))
        else:
            a = int(choice[v])
        labels.append(game.action_labels[v][a] or f"{a + 1}")
        v = int(game.children[v, a])
    return labels


#: What a user does instead of listing every tied equilibrium of a tree.
_TIES_ADVICE = "pass --ties first for one equilibrium with its ties flagged"


def _spe_row_bytes(game) -> int:
    """Bytes one listed pure SPE takes: the enumeration's arrays and the printed rows.

    Per row, :func:`~irgames.solvers.backward_induction.backward_induction` holds every
    node's continuation values (twice while a level splits rows), its choice, tie flag and
    reach probability; the output holds one entry per information set (Python objects, about
    400 bytes each).
    """
    return game.n_nodes * (16 * game.n_players + 4 + 1 + 8) + 400 * game.n_infosets


def _perfect_information_spe(game, ties: str):
    """Backward induction with ``--ties``: the rows to print, and whether they are all."""
    from ._memory import memory_limit
    from .errors import WorkTooLargeError, format_bytes
    from .solvers.backward_induction import backward_induction

    first = backward_induction(game)  # one SPE per point, ties flagged: memory O(nodes)
    if ties == "first" or not np.any(first.ties):
        return first, first.choice[None], first.reach[None], first.payoffs[None]
    limit = memory_limit()
    per_row = _spe_row_bytes(game)
    # the solver checks the number of rows before each level's allocation; a budget in rows
    # is the byte limit over the bytes of one row
    max_rows = max(1, limit // per_row)
    try:
        result = backward_induction(game, ties="enumerate", max_equilibria=max_rows)
    except WorkTooLargeError as error:
        found = re.search(r"need (\d+) rows", str(error))
        if found is None:
            raise CLIError(f"{_one_line(error)} ({_TIES_ADVICE})", EXIT_TOO_LARGE) from None
        rows = int(found.group(1))
        raise CLIError(
            f"listing every pure subgame-perfect equilibrium needs more than "
            f"{format_bytes(rows * per_row)} ({rows:,} equilibria or more, "
            f"{format_bytes(per_row)} each; limit {format_bytes(limit)}): {_TIES_ADVICE}; "
            "IRGAMES_MAX_BYTES sets the limit",
            EXIT_TOO_LARGE,
        ) from None
    rows = result.enumerated
    return result, rows.choice, rows.reach, rows.payoffs


def _solve_tree(args: argparse.Namespace, game) -> int:
    """Every pure SPE of a perfect-information tree, else every SPE (extreme points)."""
    from .games.normal_form import GameValueError

    width = int(game.num_children.max()) if game.n_nodes else 1
    equilibria: list[dict[str, Any]] = []
    ties = args.ties or "all"
    try:
        if game.is_perfect_information:
            result, choices, reaches, payoffs = _perfect_information_spe(game, ties)
            method = result.method
            degenerate = bool(np.any(result.ties))
            complete = not degenerate
            for choice, reach, pay in zip(choices, reaches, payoffs, strict=True):
                behavior = np.zeros((game.n_infosets, width))
                for h in range(game.n_infosets):
                    behavior[h, int(choice[int(game.infoset_nodes_first[h])])] = 1.0
                equilibria.append(
                    {
                        "behavior": _infoset_rows(game, behavior),
                        "payoffs": [_number(u) for u in pay],
                        "path": _pure_path(game, choice, reach),
                    }
                )
            if ties == "first" and degenerate:
                tied = int(np.count_nonzero(result.tied))
                what = (
                    f"one pure subgame-perfect equilibrium: the lowest-indexed best action at "
                    f"each of {tied} tied node{'s' if tied != 1 else ''}; --ties all lists "
                    "every pure one, and mixtures of tied actions are equilibria too"
                )
            else:
                what = "every pure subgame-perfect equilibrium" + (
                    " (ties: mixtures of tied actions are equilibria too)" if degenerate else ""
                )
        else:
            if args.ties == "first":
                raise CLIError(
                    f"--ties applies to perfect-information trees; {args.file.name} has "
                    "imperfect information and is solved by subgame perfection (drop --ties)",
                    EXIT_USAGE,
                )
            from .solvers.subgame_perfect import subgame_perfect

            result = subgame_perfect(game)
            method = result.method
            complete = bool(result.complete)
            degenerate = bool(np.any(result.degenerate))
            for r in range(len(result)):
                equilibria.append(
                    {
                        "behavior": _infoset_rows(game, result.behavior[r]),
                        "payoffs": [_number(u) for u in result.payoffs[r]],
                    }
                )
            what = (
                "every subgame-perfect equilibrium, extreme points in each subgame"
                if complete
                else "some subgame-perfect equilibria"
            ) + (", degenerate subgames" if degenerate else "")
    except GameValueError as error:
        raise CLIError(f"{args.file}: {_one_line(error)}", EXIT_UNSUPPORTED) from None
    if args.json:
        out = {
            "file": str(args.file),
            "method": method,
            "complete": complete,
            "degenerate": degenerate,
            "equilibria": equilibria,
        }
        print(json.dumps(out, indent=2))
        return EXIT_OK
    info = "perfect information" if game.is_perfect_information else "imperfect information"
    print(
        f"{args.file}: extensive form, {game.n_players} players, {game.n_nodes} nodes, "
        f"{game.n_infosets} information sets, {info}"
    )
    print(f"method: {method} ({what})")
    n = len(equilibria)
    print(f"{n} subgame-perfect equilibri{'um' if n == 1 else 'a'}")
    for k, eq in enumerate(equilibria):
        pay = ", ".join(f"{p}={_text(u)}" for p, u in zip(game.players, eq["payoffs"], strict=True))
        print(f"equilibrium {k + 1}: payoffs {pay}")
        if "path" in eq:
            print(f"  path: {' -> '.join(eq['path']) or '(the root is terminal)'}")
        for row in eq["behavior"]:
            mix = ", ".join(
                f"{a}={_text(p)}" for a, p in zip(row["actions"], row["probabilities"], strict=True)
            )
            print(f"  {row['player']} at {row['infoset']}: {mix}")
    return EXIT_OK


register(
    Command(
        "solve",
        "print every equilibrium of a game in a Gambit .nfg or .efg file",
        _configure_solve,
        _run_solve,
    )
)


# ---------------------------------------------------------------------------- models
def _configure_models(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list")


def _run_models(args: argparse.Namespace) -> int:
    models = _models(None)
    rows = [
        {
            "name": m.name,
            "title": m.title,
            "parameters": list(m.space.names),
            "claims": [c.name for c in m.claims],
            "figures": [f.name for f in m.figures],
        }
        for m in models
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        print("no models registered")
        return EXIT_OK
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        counts = (
            f"{len(r['parameters'])} parameters, {len(r['claims'])} claims, "
            f"{len(r['figures'])} figures"
        )
        print(f"{r['name']:<{width}}  {r['title']}  ({counts})")
    return EXIT_OK


register(
    Command(
        "models", "list the registered models with their titles", _configure_models, _run_models
    )
)


# ---------------------------------------------------------------------------- claims
def _add_claims_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-n",
        "--points",
        type=int,
        default=1000,
        metavar="N",
        help="random points per claim (default 1000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--min-given",
        type=int,
        default=100,
        metavar="K",
        help="draw more points, up to 20 times N, until K of them satisfy a claim's "
        "condition (default 100; 0 draws exactly N)",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="never show a progress bar on stderr"
    )


def _check_claims(models: list, *, n: int, seed: int, progress: bool, min_given: int = 100):
    """Check every claim of ``models``; returns a ClaimsReport and seconds per model."""
    from .analysis.claims import ClaimsReport, check

    if n < 1:
        raise CLIError(f"the number of points must be at least 1, got {n}", EXIT_INVALID)
    if min_given < 0:
        raise CLIError(f"--min-given must be at least 0, got {min_given}", EXIT_INVALID)
    pairs = [(m, c) for m in models for c in m.claims]
    checks, seconds = [], {m.name: 0.0 for m in models}
    for model, claim in _progress(pairs, total=len(pairs), desc="claims", enabled=progress):
        start = time.perf_counter()
        checks.append(check(model, claim, n=n, seed=seed, min_conditioned=min_given))
        seconds[model.name] += time.perf_counter() - start
    return ClaimsReport(tuple(checks)), seconds


def _configure_claims(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", nargs="?", default=None, help="one model (default: all)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--check", action="store_true", help="exit with code 7 when some claim fails"
    )
    _add_claims_options(parser)


def _run_claims(args: argparse.Namespace) -> int:
    models = _models(args.model)
    report, _ = _check_claims(
        models,
        n=args.points,
        seed=args.seed,
        progress=not args.no_progress,
        min_given=args.min_given,
    )
    if args.json:
        print(report.to_json())
    else:
        print(report.to_text() if len(report) else "no claims to check")
    if args.check and not report.all_hold:
        failing = [f"{c.model}.{c.claim}" for c in report if not c.holds]
        raise CLIError(f"claims fail: {', '.join(failing)}", EXIT_CLAIM_FAILS)
    return EXIT_OK


register(
    Command(
        "claims",
        "check every claim of a model (or of all) and print the report",
        _configure_claims,
        _run_claims,
    )
)


# ---------------------------------------------------------------------------- figures
def _configure_figures(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, metavar="M", help="one model (default: all)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for DIR/<model>/<figure>.png and .csv (default: docs/figures of the "
        "checkout irgames runs from, else ./docs/figures)",
    )
    parser.add_argument(
        "--no-claims", action="store_true", help="render the figures only, skip the claims"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the files written and the claims as JSON"
    )
    _add_claims_options(parser)


def _default_figures_dir() -> Path:
    """``docs/figures`` of the checkout irgames is installed from (editable), else of ``.``."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "docs").is_dir():
        return root / "docs" / "figures"
    return Path("docs") / "figures"


def _render_atomically(render, figure, folder: Path) -> tuple[Path, Path]:
    """``render(figure, folder)`` with both files put in place at once, or neither.

    The figure is rendered into a temporary folder beside its files (``folder/.<name>.*
    .partial``); when both are written they are renamed onto ``<name>.png`` and
    ``<name>.csv`` with SIGINT and SIGTERM held, so an interrupt lands before the renames
    (the temporary folder is removed and the previous files are left as they were) or after
    them, never between. On any error the temporary folder is removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{figure.name}.", suffix=".partial", dir=folder))
        written = render(figure, staging)
        targets = tuple(folder / Path(path).name for path in written)
        with _signals_held():
            for path, target in zip(written, targets, strict=True):
                os.replace(path, target)
            shutil.rmtree(staging, ignore_errors=True)
        return targets
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def _run_figures(args: argparse.Namespace) -> int:
    from .plot import render_figure

    models = _models(args.model)
    out: Path = args.out if args.out is not None else _default_figures_dir()
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out} is a file; give a folder for the figures", EXIT_NOT_FOUND)
    progress = not args.no_progress
    figures = [(m, f) for m in models for f in m.figures]
    written, seconds = [], {m.name: 0.0 for m in models}
    say = (lambda text: print(text, file=sys.stderr)) if args.json else print
    for model, figure in _progress(figures, total=len(figures), desc="figures", enabled=progress):
        start = time.perf_counter()
        try:
            png, csv = _render_atomically(render_figure, figure, out / model.name)
        except OSError as error:
            raise CLIError(
                f"cannot write into {out / model.name}: {error.strerror} (choose another --out)",
                EXIT_NOT_FOUND,
            ) from None
        elapsed = time.perf_counter() - start
        seconds[model.name] += elapsed
        written.append(
            {
                "model": model.name,
                "figure": figure.name,
                "png": str(png),
                "csv": str(csv),
                "seconds": round(elapsed, 3),
            }
        )
        say(f"{model.name}: wrote {png} and {csv.name} ({elapsed:.1f} s)")
    if not figures:
        say("no figures to render")
    report, claim_seconds = None, {}
    if not args.no_claims:
        report, claim_seconds = _check_claims(
            models, n=args.points, seed=args.seed, progress=progress, min_given=args.min_given
        )
    timing = {
        m.name: {
            "figures": round(seconds[m.name], 3),
            "claims": round(claim_seconds.get(m.name, 0.0), 3),
        }
        for m in models
    }
    if args.json:
        doc = {
            "out": str(out),
            "figures": written,
            "claims": None if report is None else [c.to_dict() for c in report],
            "seconds": timing,
        }
        print(json.dumps(doc, indent=2))
        return EXIT_OK
    if report is not None:
        print()
        print(report.to_text() if len(report) else "no claims to check")
    print()
    print("time per model (s):")
    width = max([5, *(len(name) for name in timing)])
    for name, t in timing.items():
        print(f"  {name:<{width}}  figures {t['figures']:6.1f}  claims {t['claims']:6.1f}")
    return EXIT_OK


register(
    Command(
        "figures",
        "regenerate every model's figures (PNG and CSV), then print the claims report",
        _configure_figures,
        _run_figures,
    )
)


# ---------------------------------------------------------------------------- sweep
def _configure_sweep(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a model (see 'irgames models')")
    parser.add_argument(
        "assignments",
        nargs="+",
        metavar="name=lo:hi:n",
        help="an axis of n points (name=lo:hi:n), explicit values (name=v1,v2,...) or a "
        "fixed value (name=v)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="FILE.csv (one row per point) or FILE.nc (netCDF grid), streamed chunk by chunk "
        "(any grid size) and written atomically; default: CSV on stdout",
    )
    parser.add_argument("--backend", choices=["numpy", "dask"], default="numpy")
    parser.add_argument(
        "--json", action="store_true", help="print a JSON summary of the sweep (needs --out)"
    )


def _run_sweep(args: argparse.Namespace) -> int:
    import io

    from ._atomic import terminate_as_interrupt
    from .analysis.commands import CommandError, run_sweep

    _models(args.model)  # an unknown model is reported before any parsing
    if args.json and args.out is None:
        raise CLIError(
            "--json prints a summary of the file written: give --out FILE.csv", EXIT_USAGE
        )
    target, tmp = args.out, None
    if target is None:
        tmp = tempfile.mkdtemp(prefix="irgames-sweep-")
        target = Path(tmp) / "sweep.csv"
    elif target.parent != Path("") and not target.parent.is_dir():
        raise CLIError(
            f"cannot write {target}: folder {target.parent} does not exist", EXIT_NOT_FOUND
        )
    summary = io.StringIO()
    try:
        try:
            with terminate_as_interrupt():  # SIGTERM, like SIGINT, leaves no partial file
                run_sweep(
                    args.model, args.assignments, target, backend=args.backend, stream=summary
                )
        except CommandError as error:
            raise CLIError(_one_line(error), EXIT_INVALID) from None
        except ImportError as error:  # an optional extra (dask, xarray) is missing
            raise CLIError(_one_line(error), EXIT_FAILURE) from None
        except OSError as error:
            raise CLIError(f"cannot write {target}: {error.strerror}", EXIT_NOT_FOUND) from None
        if tmp is not None:
            with open(target, encoding="utf-8", newline="") as written:
                shutil.copyfileobj(written, sys.stdout)
            sys.stdout.flush()
            print(summary.getvalue().strip().replace(f"; wrote {target}", ""), file=sys.stderr)
        elif args.json:
            print(
                json.dumps(
                    {
                        "model": args.model,
                        "file": str(target),
                        "summary": summary.getvalue().strip(),
                    },
                    indent=2,
                )
            )
        else:
            print(summary.getvalue().strip())
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return EXIT_OK


register(
    Command(
        "sweep",
        "solve a model over a grid of parameters and write CSV or netCDF",
        _configure_sweep,
        _run_sweep,
    )
)


# ---------------------------------------------------------------------------- bench
def _checkout_root() -> Path | None:
    """The repository root when irgames runs from a checkout (``pyproject.toml`` and
    ``benchmarks/`` next to ``src/``), else None."""
    root = Path(__file__).resolve().parents[2]
    if (root / "benchmarks").is_dir() and (root / "pyproject.toml").is_file():
        return root
    return None


def _configure_bench(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="small sizes, a quick look")


def _run_bench(args: argparse.Namespace) -> int:
    root = _checkout_root()
    if root is None:
        raise CLIError(
            "the benchmarks are not installed with the package: run 'irgames bench' from a git "
            "checkout of irgames installed with 'pip install -e .'",
            EXIT_NOT_FOUND,
        )
    if not (root / "benchmarks" / "__main__.py").is_file():
        raise CLIError(
            f"{root / 'benchmarks'} has no __main__.py, so 'python -m benchmarks' cannot run; "
            "update the checkout (git pull) or run a benchmarks/bench_*.py file directly",
            EXIT_NOT_FOUND,
        )
    env = dict(os.environ)
    paths = [str(root / "src"), str(root), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    command = [sys.executable, "-m", "benchmarks", *(["--quick"] if args.quick else [])]
    done = subprocess.run(command, cwd=root, env=env, check=False)
    if done.returncode != 0:
        raise CLIError(
            f"'python -m benchmarks' exited with code {done.returncode} (see its output above)",
            EXIT_FAILURE,
        )
    return EXIT_OK


register(
    Command(
        "bench",
        "run the benchmarks against peers (from a checkout: python -m benchmarks)",
        _configure_bench,
        _run_bench,
    )
)


# ---------------------------------------------------------------------------- entry point
def _load_commands() -> None:
    """Import modules that register further subcommands (all are in this module now)."""


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
        from .errors import IrgamesError

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


if __name__ == "__main__":
    sys.exit(main())
