"""``irgames solve``: a Gambit game file (.nfg or .efg), every equilibrium, refused by size
before the work when it does not fit."""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from . import (
    EXIT_MALFORMED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_TOO_LARGE,
    EXIT_UNSUPPORTED,
    EXIT_USAGE,
    CLIError,
    Command,
    _number,
    _one_line,
    _text,
    register,
)


# ---------------------------------------------------------------------------- solve
def _read_game(path: Path):
    """Read a game file.

    Returns ``("nfg", game, player_names, strategy_names)`` for ``.nfg`` (read by
    :mod:`irgames.io.nfg`) and ``("efg", game, None, None)`` for ``.efg`` (read by
    :func:`irgames.io.efg.read_efg`, perfect recall checked by the solver).
    """
    from .._memory import require

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
    from ..errors import WorkTooLargeError

    if suffix == ".efg" or (suffix != ".nfg" and data.lstrip().startswith(b"EFG")):
        from ..games.normal_form import GameValueError
        from ..io.efg import EFGParseError, parse_efg

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
    from ..io.nfg import NFGParseError, load_nfg

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
    from ..solvers.front import METHODS

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
        from ..solvers.vertex_enumeration import vertex_enumeration_floats

        need += 8.0 * vertex_enumeration_floats((m, n))
    return need


def _require_normal_form(game, method: str, path: Path) -> None:
    """Refuse, before solving, a method whose arrays do not fit in memory."""
    from .._memory import memory_limit, require
    from ..errors import format_bytes

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
    from ..errors import GameValueError, SolverError, WorkTooLargeError
    from ..games.normal_form import payoff_units
    from ..solvers.front import choose_method, solve

    try:
        # a payoff range beyond the largest double is refused before any solver computes
        # with it (the solvers would first warn of overflows)
        payoff_units(game.payoffs, game.n_players)
        method = args.method or choose_method(game)
        _require_normal_form(game, method, args.file)
        eq = solve(game, method=method)
    except WorkTooLargeError:
        raise  # exit 8, in main
    except (GameValueError, SolverError) as error:
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
    from ..games.extensive_form import CHANCE, TERMINAL

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
    from .._memory import memory_limit
    from ..errors import WorkTooLargeError, format_bytes
    from ..solvers.front import solve

    first = solve(game)  # backward induction: one SPE per point, ties flagged, memory O(nodes)
    if ties == "first" or not np.any(first.ties):
        return first, first.choice[None], first.reach[None], first.payoffs[None]
    limit = memory_limit()
    per_row = _spe_row_bytes(game)
    # the solver checks the number of rows before each level's allocation; a budget in rows
    # is the byte limit over the bytes of one row
    max_rows = max(1, limit // per_row)
    try:
        result = solve(game, ties="enumerate", max_equilibria=max_rows)
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
    from ..errors import GameValueError, SolverError, WorkTooLargeError

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
            from ..solvers.front import solve

            result = solve(game)  # subgame perfection (imperfect information)
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
    except WorkTooLargeError:
        raise  # exit 8, in main
    except (GameValueError, SolverError) as error:
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
